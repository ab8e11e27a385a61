"""test_rewrite - the trivial-rewrite service: rewrite and resolve requests
over the attribute protocol, stand-alone (-S) and through master's
private/rewrite socket."""
import os
import socket
import subprocess
import time
import unittest

import harness

MAIN_CF = {
    "relay_domains": "relay.example.test",
    "virtual_alias_domains": "valias.example.test",
    "transport_maps": "inline:{ t.example.test=smtp:[mx.t.example.test] }",
    "relayhost": "[gw.example.test]:587",
    "append_dot_mydomain": "yes",
}


def request(attrs):
    """One request in the plain attribute encoding."""
    return "".join("%s=%s\n" % kv for kv in attrs) + "\n"


def parse_replies(text):
    """Replies (lists of (name, value)) from the plain encoding."""
    replies, cur = [], []
    for line in text.split("\n"):
        if line == "":
            if cur:
                replies.append(dict(cur))
            cur = []
        else:
            name, _, value = line.partition("=")
            cur.append((name, value))
    return replies


CASES = [
    ([("request", "rewrite"), ("rule", "local"), ("address", "user")],
     {"flags": "0", "address": "user@mx.example.test"}),
    ([("request", "rewrite"), ("rule", "local"), ("address", "u@host")],
     {"flags": "0", "address": "u@host.example.test"}),
    ([("request", "rewrite"), ("rule", "remote"), ("address", "user")],
     {"flags": "0", "address": "user"}),
    ([("request", "resolve"), ("sender", ""), ("address", "alice@localhost")],
     {"flags": str(1 | 256), "transport": "local",
      "nexthop": harness.HOSTNAME, "recipient": "alice@localhost"}),
    ([("request", "resolve"), ("sender", ""),
      ("address", "u%else.example.test@localhost")],
     {"flags": str(4096), "transport": "smtp",
      "nexthop": "[gw.example.test]:587",
      "recipient": "u@else.example.test"}),
    ([("request", "resolve"), ("sender", ""),
      ("address", "u@t.example.test")],
     {"flags": str(4096), "transport": "smtp",
      "nexthop": "[mx.t.example.test]", "recipient": "u@t.example.test"}),
    ([("request", "resolve"), ("sender", ""),
      ("address", "u@a.relay.example.test")],
     {"flags": str(2048), "transport": "relay",
      "nexthop": "[gw.example.test]:587",
      "recipient": "u@a.relay.example.test"}),
    ([("request", "resolve"), ("sender", ""),
      ("address", "u@valias.example.test")],
     {"flags": str(1 | 512), "transport": "error",
      "nexthop": "5.1.1 User unknown in virtual alias table",
      "recipient": "u@valias.example.test"}),
    ([("request", "resolve"), ("sender", ""), ("address", "u@bad..dom")],
     {"flags": str(4 | 4096), "transport": "error",
      "nexthop": "5.1.3 Bad address syntax", "recipient": "u@bad..dom"}),
]


class RewriteTest(unittest.TestCase):
    def check_replies(self, replies):
        self.assertEqual(len(replies), len(CASES), replies)
        for (req, want), got in zip(CASES, replies):
            self.assertEqual(got, want, req)

    def test_standalone(self):
        with harness.Instance(main_cf=MAIN_CF) as mx:
            text = "".join(request(req) for req, _ in CASES)
            text += request([("request", "bogus")])
            r = subprocess.run(
                [os.path.join(harness.BUILD, "bin", "trivial-rewrite"),
                 "-S", "-c", mx.conf, "-n", "rewrite"],
                input=text, capture_output=True, text=True, timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.check_replies(parse_replies(r.stdout))

    @unittest.skipUnless(
        os.path.exists(os.path.join(harness.BUILD, "bin", "postfix")) and
        os.path.exists(os.path.join(harness.BUILD, "bin", "master")),
        "needs postfix and master")
    def test_master_service(self):
        with harness.Instance(main_cf=MAIN_CF) as mx:
            mx.start()
            path = os.path.join(mx.queue, "private", "rewrite")
            deadline = time.time() + 10
            while not os.path.exists(path) and time.time() < deadline:
                time.sleep(0.1)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(10)
                s.connect(path)
                out = b""
                for n, (req, _) in enumerate(CASES, 1):
                    s.sendall(request(req).encode())
                    while out.count(b"\n\n") < n:
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        out += chunk
                replies = parse_replies(out.decode())
            self.check_replies(replies)


if __name__ == "__main__":
    unittest.main()
