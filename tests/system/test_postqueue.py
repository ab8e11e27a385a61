"""test_postqueue - postqueue(1) and showq(8): queue listings and flushes.

A whole instance with mail in maildrop, active, deferred and hold:
postqueue -p and -j compared with tests/system/ref/postqueue_*.ref after
the volatile parts (queue IDs, times, sizes) are normalised; the same
listing as root with the mail system down (showq run stand-alone); local
users with and without the postdrop group and a set-gid copy; the
"mailq" name; the empty queue; -f, -i and -s (the last two need the
flush daemon). The byte-exact column layout is checked against Debian's
postqueue (when unpacked in /tmp/debpf) fed the same listing through a
fake showq socket in Postfix's own encoding.
"""
import grp
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import harness
import maildrop

DEBPF = "/tmp/debpf/root"
BIN = os.path.join(harness.BUILD, "bin")
POSTQUEUE = os.path.join(BIN, "postqueue")
REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ref")
EX_USAGE, EX_SOFTWARE, EX_UNAVAILABLE = 64, 70, 69
SLOW = {"transport_maps": "inline:{ {slow.test=retry:try again later}, "
                          "{slow2.test=retry:4.4.1 the other reason} }",
        "relay_domains": "slow.test, slow2.test"}


def run(args, user=None, groups=(), exe=POSTQUEUE, env=None):
    kw = {}
    if user is not None:
        kw = dict(user=user.pw_uid, group=user.pw_gid,
                  extra_groups=list(groups))
    return subprocess.run([exe] + list(args), capture_output=True,
                          text=True, timeout=60, env=env, **kw)


def normalise_p(text):
    """Queue IDs as <ID1>..., sizes and dates as <SIZE> and <DATE>."""
    ids = {}
    out = []
    for line in text.splitlines():
        m = re.match(r"^([0-9A-Za-z]+)([*!]?) +(\d+) "
                     r"(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d) +(.*)$", line)
        if m:
            n = ids.setdefault(m.group(1), "<ID%d>" % (len(ids) + 1))
            line = "%s%s <SIZE> <DATE> %s" % (n, m.group(2), m.group(5))
        out.append(line)
    return "\n".join(out) + "\n"


def normalise_j(text):
    out = []
    for n, line in enumerate(text.splitlines()):
        d = json.loads(line)
        assert isinstance(d["arrival_time"], int)
        assert isinstance(d["message_size"], int) and d["message_size"] > 0
        d["queue_id"] = "<ID%d>" % (n + 1)
        d["arrival_time"] = "<TIME>"
        d["message_size"] = "<SIZE>"
        out.append(json.dumps(d))
    return "\n".join(out) + "\n"


def ref(name):
    with open(os.path.join(REF, name)) as f:
        return f.read()


def wait_files(mx, queue, n, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if len(mx.queue_files(queue)) >= n:
            return mx.queue_files(queue)
        time.sleep(0.05)
    raise AssertionError("%s never had %d files; log:\n%s" % (
        queue, n, mx.log()[-4000:]))


def submit(mx, sender, rcpts, subject):
    data = maildrop.submission(sender, rcpts, "Subject: %s\n\nbody\n" % subject)
    r = subprocess.run([os.path.join(BIN, "postdrop"), "-c", mx.conf, "-r"],
                       input=data, capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr


class QueueListing(unittest.TestCase):
    """One instance with mail in every queue."""

    @classmethod
    def setUpClass(cls):
        cls.mx = mx = harness.Instance(main_cf=SLOW)
        mx.start()
        # Two recipients deferred in one request (so the defer log order
        # is fixed; mixed reasons are in DebianLayout), then a held one.
        submit(mx, "root", ["someone@slow.test", "other@slow.test"],
               "deferred one")
        mx.wait_log(r"to=<other@slow\.test>.*status=deferred")
        mx.wait_log(r"to=<someone@slow\.test>.*status=deferred")
        cls.deferred = wait_files(mx, "deferred", 1)[0]
        submit(mx, "", ["third@slow.test"], "to be held")
        mx.wait_log(r"to=<third@slow\.test>.*status=deferred")
        held = [f for f in wait_files(mx, "deferred", 2)
                if f != cls.deferred][0]
        mx.run_cmd("postsuper", "-h", held)
        cls.held = held

    @classmethod
    def tearDownClass(cls):
        cls.mx.__exit__(None, None, None)

    def test_1_list_as_root(self):
        r = self.mx.run_cmd("postqueue", "-p")
        self.assertEqual(r.stderr, "")
        self.assertEqual(normalise_p(r.stdout), ref("postqueue_p.ref"))
        self.assertRegex(r.stdout, r"\n%s +\d+ " % self.deferred)
        self.assertRegex(r.stdout, r"\n%s! +\d+ " % self.held)
        # The size is the content size qmgr logged, not the file size.
        size = self.mx.wait_log(self.deferred + r": from=<root@mx\.example"
                                r"\.test>, size=(\d+)")[0].group(1)
        self.assertRegex(r.stdout, r"\n%s +%s " % (self.deferred, size))
        r = self.mx.run_cmd("postqueue", "-j")
        self.assertEqual(normalise_j(r.stdout), ref("postqueue_j.ref"))
        ids = [json.loads(l)["queue_id"] for l in r.stdout.splitlines()]
        self.assertEqual(ids, [self.deferred, self.held])

    def test_2_users(self):
        mx = self.mx
        gid = grp.getgrnam("postdrop").gr_gid
        pw = mx.user("pquser1")
        # With the postdrop group: the same listing as root.
        r = run(["-c", mx.conf, "-p"], user=pw, groups=[gid])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(normalise_p(r.stdout), ref("postqueue_p.ref"))
        # Without it: public/ is closed, as Postfix says.
        r = run(["-c", mx.conf, "-p"], user=pw)
        self.assertEqual(r.returncode, EX_SOFTWARE, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, "postqueue: fatal: Connect to the Postfix "
                         "showq service: Permission denied\n")
        # A set-gid copy may not be pointed at another configuration.
        copy = os.path.join(mx.dir, "postqueue-sgid")
        shutil.copy(POSTQUEUE, copy)
        os.chown(copy, 0, gid)
        os.chmod(copy, 0o2755)
        r = run(["-c", mx.conf, "-p"], user=pw, exe=copy)
        self.assertEqual(r.returncode, 1 if harness.sanitized()
                         else EX_UNAVAILABLE, r.stderr)
        self.assertIn("postqueue-sgid: fatal: untrusted configuration "
                      "directory: " + mx.conf, r.stderr)
        # authorized_mailq_users limits who may look.
        mx.postconf("-e", "authorized_mailq_users = root")
        try:
            r = run(["-c", mx.conf, "-p"], user=pw, groups=[gid])
        finally:
            mx.postconf("-e", "authorized_mailq_users = static:anyone")
        self.assertEqual(r.returncode, 77)
        self.assertIn("fatal: User pquser1(%d) is not allowed to view the "
                      "mail queue" % pw.pw_uid, r.stderr)

    def test_3_mailq_name_and_usage(self):
        link = os.path.join(self.mx.dir, "mailq")
        if not os.path.exists(link):
            os.symlink(POSTQUEUE, link)
        r = run(["-c", self.mx.conf], exe=link)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(normalise_p(r.stdout), ref("postqueue_p.ref"))
        r = run(["-c", self.mx.conf])
        self.assertEqual(r.returncode, EX_USAGE)
        self.assertEqual(r.stderr, "postqueue: fatal: usage: postqueue -f | "
                         "postqueue -i queueid | postqueue -j | postqueue -p"
                         " | postqueue -s site\n")
        r = run(["-c", self.mx.conf, "-p", "-f"])
        self.assertEqual(r.returncode, EX_USAGE)

    def test_4_down_maildrop_active(self):
        """With the mail system down root still sees every queue (showq
        stand-alone), a user does not; maildrop and active are listed."""
        mx = self.mx
        mx.stop()
        try:
            submit(mx, "root", ["dropped@slow.test"], "in maildrop")
            # An "active" file: what a stopped qmgr leaves behind.
            src = os.path.join(mx.queue, "deferred", self.deferred[0],
                               self.deferred)
            act = os.path.join(mx.queue, "active", self.deferred)
            os.rename(src, act)
            r = mx.run_cmd("postqueue", "-p")
            self.assertEqual(r.stderr, "postqueue: warning: Mail system is "
                             "down -- accessing queue directly (Connect to "
                             "the Postfix showq service: Connection "
                             "refused)\n")
            self.assertEqual(normalise_p(r.stdout),
                             ref("postqueue_p_down.ref"))
            r = mx.run_cmd("postqueue", "-j", check=False)
            self.assertEqual(normalise_j(r.stdout),
                             ref("postqueue_j_down.ref"))
            # A maildrop file has no size record: its file size is shown.
            drop = json.loads(r.stdout.splitlines()[0])
            self.assertEqual(drop["message_size"], os.path.getsize(
                os.path.join(mx.queue, "maildrop", drop["queue_id"])))
            pw = mx.user("pquser2")
            r = run(["-c", mx.conf, "-p"], user=pw,
                    groups=[grp.getgrnam("postdrop").gr_gid])
            self.assertEqual(r.returncode, EX_UNAVAILABLE)
            self.assertEqual(r.stderr, "postqueue: fatal: Queue report "
                             "unavailable - mail system is down (Connect to "
                             "the Postfix showq service: Connection "
                             "refused)\n")
            r = mx.run_cmd("postqueue", "-f", check=False)
            self.assertEqual(r.returncode, EX_UNAVAILABLE)
            self.assertIn("fatal: Cannot flush mail queue - mail system is "
                          "down", r.stderr)
            os.rename(act, src)
        finally:
            mx.start()
        # pickup takes the maildrop file as soon as the system runs.
        mx.wait_log(r"to=<dropped@slow\.test>.*status=deferred")

    def test_5_bad_arguments(self):
        mx = self.mx
        r = mx.run_cmd("postqueue", "-i", "../etc/passwd", check=False)
        self.assertEqual(r.returncode, EX_USAGE)
        self.assertEqual(r.stderr, "postqueue: fatal: Cannot flush queue ID "
                         "- invalid name: \"../etc/passwd\"\n")
        r = mx.run_cmd("postqueue", "-s", "bad..site", check=False)
        self.assertEqual(r.returncode, EX_USAGE)
        self.assertEqual(r.stderr, "postqueue: fatal: Cannot flush mail queue"
                         " - invalid destination: \"bad..site\"\n")
        r = mx.run_cmd("postqueue", "-s", "x" * 300, check=False)
        self.assertIn("\"%s...\"" % ("x" * 100), r.stderr)


class EmptyAndFlush(unittest.TestCase):
    def test_empty_queue(self):
        with harness.Instance() as mx:
            mx.start()
            r = mx.run_cmd("postqueue", "-p")
            self.assertEqual((r.stdout, r.stderr), ("Mail queue is empty\n",
                                                    ""))
            r = mx.run_cmd("postqueue", "-j")
            self.assertEqual((r.stdout, r.stderr), ("", ""))

    def defer_one(self, mx, rcpt):
        submit(mx, "root", [rcpt], "flush me")
        m = mx.wait_log(r"(\w+): to=<%s>.*status=deferred" % re.escape(rcpt))
        return m[0].group(1)

    def fix(self, mx):
        """Deliveries to slow.test now succeed (discard)."""
        mx.postconf("-e", "transport_maps = inline:{ {slow.test=discard:ok}"
                    ", {slow2.test=discard:ok} }")
        mx.run_cmd("postfix", "reload")
        time.sleep(1)

    def test_flush_all(self):
        with harness.Instance(main_cf=SLOW) as mx:
            mx.start()
            qid = self.defer_one(mx, "a@slow.test")
            self.fix(mx)
            self.assertNotIn(qid + ": to=<a@slow.test>, relay=none, "
                             "delay", mx.log().split("reload")[-1])
            pw = mx.user("pquser3")
            r = run(["-c", mx.conf, "-f"], user=pw,
                    groups=[grp.getgrnam("postdrop").gr_gid])
            self.assertEqual(r.returncode, 0, r.stderr)
            # minimal_backoff_time is 300s: only -f makes it go now.
            mx.wait_log(qid + r": to=<a@slow\.test>.*status=sent", timeout=15)
            mx.wait_queue_empty()

    def test_postfix_flush(self):
        """postfix flush is postqueue -f."""
        with harness.Instance(main_cf=SLOW) as mx:
            mx.start()
            qid = self.defer_one(mx, "c@slow.test")
            self.fix(mx)
            mx.run_cmd("postfix", "flush")
            mx.wait_log(qid + r": to=<c@slow\.test>.*status=sent", timeout=15)
            mx.wait_queue_empty()
            mx.stop()
            r = mx.run_cmd("postfix", "flush", check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Cannot flush mail queue - mail system is down",
                          r.stderr)

    @unittest.skipUnless(os.path.exists(os.path.join(BIN, "flush")),
                         "no flush daemon built yet")
    def test_flush_id_and_site(self):
        with harness.Instance(main_cf=SLOW) as mx:
            mx.start()
            q1 = self.defer_one(mx, "b@slow.test")
            q2 = self.defer_one(mx, "c@slow2.test")
            self.fix(mx)
            r = mx.run_cmd("postqueue", "-i", q1, check=False)
            self.assertEqual((r.returncode, r.stderr), (0, ""))
            mx.wait_log(q1 + r": to=<b@slow\.test>.*status=sent", timeout=15)
            self.assertNotRegex(mx.log(), q2 + r": to=<c@slow2\.test>.*"
                                "status=sent")
            r = mx.run_cmd("postqueue", "-s", "not-listed.test", check=False)
            self.assertEqual(r.returncode, EX_UNAVAILABLE)
            self.assertEqual(r.stderr, "postqueue: fatal: Flush service is "
                             "not configured for destination "
                             "\"not-listed.test\"\n")
            r = mx.run_cmd("postqueue", "-s", "slow2.test", check=False)
            self.assertEqual((r.returncode, r.stderr), (0, ""))
            mx.wait_log(q2 + r": to=<c@slow2\.test>.*status=sent", timeout=15)


# --- byte-exact layout against Debian's postqueue -------------------------

def listing(long_ids=False):
    """A showq listing (plain encoding) with the awkward cases."""
    def msg(queue, qid, t, size, sender, rcpts, expire=0):
        out = ("queue_name=%s\nqueue_id=%s\ntime=%d\nsize=%d\n"
               "forced_expire=%d\nsender=%s\n\n" % (queue, qid, t, size,
                                                     expire, sender))
        for a, why in rcpts:
            out += "recipient=%s\nreason=%s\n\n" % (a, why)
        return out + "\n"
    ids = (["4XyZw83kLmz1aB", "4XyZw9aaaaz2bC", "4XyZwAbbbbz3cD",
            "4XyZwBccccz4dE"] if long_ids else
           ["1A2B3C4D5E", "ABCDEF012345", "9F00B", "77C3D1A2B"])
    long_reason = ("connect to mx.very-long-destination-name.example.org"
                   "[2001:db8::25]:25: Connection timed out" * 2)
    out = "protocol=mail_queue_list_protocol\n\n"
    out += msg("deferred", ids[0], 1795316011, 274, "alice@mx.example.test",
               [("a@x.test", "connect to x: refused"),
                ("b@x.test", "connect to x: refused"),
                ("c@x.test", ""), ("d@x.test", long_reason),
                ("e@x.test", "tab\there \"q\" back\\slash \x01 \x7f")])
    out += msg("active", ids[1], 1795316012, 1234567, "MAILER-DAEMON",
               [("postmaster@x.test", "")])
    out += msg("hold", ids[2], 1795000000, 0, "h@x.test", [], expire=1)
    out += msg("maildrop", ids[3], 1795316013, 88, "u\u00e9@x.test",
               [("r@x.test", "")])
    out += msg("deferred", ids[0][:-1] + "Q", 1795316014, 2048, "<>",
               [("z@x.test", "why")], expire=1)
    return (out + "\n").encode()


def attr0(plain):
    """The same listing in Postfix's null-terminated encoding."""
    lists, cur = [], []
    for line in plain.split(b"\n")[:-1]:
        if line:
            cur.append(line)
        else:
            lists.append(cur)
            cur = []
    out = b""
    for i, attrs in enumerate(lists):
        out += b"".join(a.replace(b"=", b"\0", 1) + b"\0" for a in attrs)
        if i == 0 or not attrs:
            out += b"\0"
    return out


def serve_once(path, data):
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(1)

    def serve():
        c, _ = srv.accept()
        c.sendall(data)
        c.close()
        srv.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    return t


@unittest.skipUnless(os.path.exists(DEBPF + "/usr/sbin/postqueue"),
                     "Debian's postfix is not unpacked in /tmp/debpf")
class DebianLayout(unittest.TestCase):
    def output(self, exe, opt, data, long_ids, env):
        d = tempfile.mkdtemp(prefix="pq-fmt-")
        try:
            os.makedirs(d + "/q/public")
            with open(d + "/main.cf", "w") as f:
                f.write("queue_directory = %s/q\ncompatibility_level = 3.6\n"
                        "enable_long_queue_ids = %s\n"
                        % (d, "yes" if long_ids else "no"))
            t = serve_once(d + "/q/public/showq", data)
            r = subprocess.run([exe, "-c", d, opt], capture_output=True,
                               timeout=30, env=env)
            t.join(5)
            return r.returncode, r.stdout
        finally:
            shutil.rmtree(d)

    def test_same_bytes(self):
        deb_env = dict(os.environ, TZ="UTC",
                       LD_LIBRARY_PATH=DEBPF + "/usr/lib/postfix")
        env = dict(os.environ, TZ="UTC")
        for long_ids in (False, True):
            plain = listing(long_ids)
            for opt in ("-p", "-j"):
                ours = self.output(POSTQUEUE, opt, plain, long_ids, env)
                deb = self.output(DEBPF + "/usr/sbin/postqueue", opt,
                                  attr0(plain), long_ids, deb_env)
                self.assertEqual(deb[0], 0)
                self.assertEqual(ours, deb, (opt, long_ids))


if __name__ == "__main__":
    unittest.main()
