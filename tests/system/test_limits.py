"""test_limits - the SMTP server's limits end to end: each case gets the
documented reply and leaves the queue consistent (no file left behind in
incoming/ by a refused or broken transaction, nothing in corrupt/).

message_size_limit (SIZE= at MAIL and the DATA itself), line_length_limit
and header_size_limit, every SMTP smuggling variant under each value of
smtpd_forbid_bare_newline (normalize, yes, reject) as Postfix 3.9
documents them, commands pipelined after the end-of-data dot, 1000
recipients in one transaction (smtpd_recipient_limit), a client slower
than smtpd_timeout, and a client that disconnects in the middle of DATA.

Byte-exact dialogues use sys_mail.Client on a raw socket.
"""
import collections
import re
import time
import unittest

import harness
from sys_mail import (ALICE, HOST, connect, envelope, greeted, queue_state,
                      send_one, tokens_in, wait_consistent, wait_delivered)

SIZE_REPLY = "552 5.3.4 Message size exceeds fixed limit"
BARE_LF_REPLY = "550 5.5.2 %s Error: bare <LF> received" % HOST
TIMEOUT_REPLY = "421 4.4.2 %s Error: timeout exceeded" % HOST
CLIENT = r"localhost\[127\.0\.0\.1\]"

# The smuggling variants: what ends the first message for a receiver
# that is not strict; then a whole second transaction follows.
VARIANTS = (("LF.LF", "\n.\n"), ("CRLF.LF", "\r\n.\n"),
            ("LF.CRLF", "\n.\r\n"), ("CR.CRLF", "\r.\r\n"),
            ("CR.CR", "\r.\r"))


def smuggled(name):
    return ("MAIL FROM:<evil@remote.test>\r\nRCPT TO:<%s>\r\nDATA\r\n"
            "X-Token: smuggled-%s\r\nSubject: smuggled\r\n\r\n"
            "smuggled body\r\n" % (ALICE, name))


def mbox_messages(text):
    """[(header dict of the first value per name, full text)] of an mbox."""
    out = []
    for part in re.split(r"^From \S+ +\w{3} \w{3} .*\n", text, flags=re.M):
        if not part.strip():
            continue
        head = part.split("\n\n", 1)[0]
        fields = {}
        for m in re.finditer(r"^([\w-]+): (.*)$", head, re.M):
            fields.setdefault(m.group(1).lower(), m.group(2))
        out.append((fields, part))
    return out


class Limits(unittest.TestCase):
    def instance(self, main=None, users=("alice",)):
        cf = {"smtpd_error_sleep_time": "0"}
        cf.update(main or {})
        mx = harness.Instance(main_cf=cf)
        self.addCleanup(mx.__exit__, None, None, None)
        for u in users:
            mx.user(u)
        mx.start()
        return mx

    def assert_no_stray(self, mx, timeout=5):
        """No queue file left in incoming/ by a refused transaction."""
        end = time.time() + timeout
        while queue_state(mx)["incoming"] and time.time() < end:
            time.sleep(0.05)
        self.assertEqual(queue_state(mx)["incoming"], [],
                         "stray file in incoming/; log:\n" + mx.log()[-3000:])

    # --- sizes ----------------------------------------------------------

    def test_message_size_limit(self):
        mx = self.instance({"message_size_limit": "2000"})
        c = greeted(mx)
        c.send("EHLO client.example.test\r\n")
        self.assertIn("250-SIZE 2000", c.reply())
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test> SIZE=5000"),
                         SIZE_REPLY)
        mx.wait_log(r"NOQUEUE: reject: MAIL from %s: %s;" %
                    (CLIENT, re.escape(SIZE_REPLY)))
        # A client that lies in SIZE (or sends none) is cut at DATA.
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test> SIZE=1000"),
                         "250 2.1.0 Ok")
        self.assertEqual(c.cmd("RCPT TO:<%s>" % ALICE), "250 2.1.5 Ok")
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("X-Token: size-big\r\nSubject: big\r\n\r\n" +
               ("z" * 70 + "\r\n") * 80 + ".\r\n")
        self.assertEqual(c.reply(), [SIZE_REPLY])
        self.assert_no_stray(mx)
        # The session goes on: a small message passes.
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>"), "250 2.1.0 Ok")
        self.assertEqual(c.cmd("RCPT TO:<%s>" % ALICE), "250 2.1.5 Ok")
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("X-Token: size-small\r\nSubject: small\r\n\r\nok\r\n.\r\n")
        self.assertRegex(c.reply()[0], r"^250 2\.0\.0 Ok: queued as \w+$")
        self.assertEqual(c.cmd("QUIT"), "221 2.0.0 Bye")
        counts = wait_delivered(self, mx, {"size-small": "?"},
                                lambda: mx.mailbox("alice"))
        self.assertEqual(counts["size-big"], 0)
        wait_consistent(self, mx)

    def test_long_lines_and_header_size_limit(self):
        mx = self.instance({"line_length_limit": "2048",
                            "header_size_limit": "4096"})
        wide = "".join(chr(ord("A") + i % 26) for i in range(3000))
        long_body = "".join(chr(ord("a") + i % 26) for i in range(10000))
        folded = "".join("\r\n\t%03d%s" % (i, "f" * 96) for i in range(80))
        c = greeted(mx)
        envelope(c)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("X-Token: long-lines\r\nX-Wide: %s\r\nX-Long: start%s\r\n"
               "X-After: kept\r\nSubject: long\r\n\r\n%s\r\nend of body\r\n"
               ".\r\n" % (wide, folded, long_body))
        self.assertRegex(c.reply()[0], r"^250 2\.0\.0 Ok: queued as \w+$")
        c.cmd("QUIT")
        box = mx.wait_mailbox("alice", r"end of body")
        head, body = box.split("\n\n", 1)
        # A line longer than line_length_limit is split into pieces on
        # the way in and joined again on delivery.
        self.assertIn("\n" + long_body + "\nend of body\n", "\n" + body)
        self.assertIn("\nX-Wide: %s\n" % wide, head)
        # A header larger than header_size_limit loses its excess; the
        # headers after it are still headers.
        m = re.search(r"^X-Long: start(.*?)\n(?=\S)", head, re.M | re.S)
        self.assertTrue(m, head[:3000])
        self.assertLessEqual(len("X-Long: start" + m.group(1)), 4096)
        self.assertGreater(len(m.group(1)), 1000)
        self.assertIn("\nX-After: kept\n", head)
        self.assertIn("\nSubject: long\n", head)
        wait_consistent(self, mx)

    # --- SMTP smuggling ---------------------------------------------------

    def smuggling(self, mode, rejected):
        """Send every variant; those in rejected must get the bare <LF>
        reply and a disconnect, the others one message with the smuggled
        text in its body. Never a second message."""
        main = {"smtpd_forbid_bare_newline_exclusions": ""}
        if mode is not None:
            main["smtpd_forbid_bare_newline"] = mode
        mx = self.instance(main)
        accepted, wrong = {}, []
        for name, eod in VARIANTS:
            c = greeted(mx)
            envelope(c)
            self.assertEqual(c.cmd("DATA")[:3], "354")
            c.send("X-Token: carrier-%s\r\nSubject: carrier\r\n\r\n"
                   "body%s%s.\r\n" % (name, eod, smuggled(name)))
            reply = c.reply()
            if name in rejected:
                if reply != [BARE_LF_REPLY] or not c.closed():
                    wrong.append("%s: %s, want %s and a disconnect" %
                                 (name, reply, BARE_LF_REPLY))
            elif re.match(r"^250 2\.0\.0 Ok: queued as \w+$", reply[0]):
                accepted["carrier-" + name] = reply[0].split()[-1]
                c.cmd("QUIT")
            else:
                wrong.append("%s: %s, want 250 queued" % (name, reply))
            c.close()
        self.assertEqual(wrong, [])
        wait_delivered(self, mx, accepted, lambda: mx.mailbox("alice"))
        wait_consistent(self, mx)
        time.sleep(0.5)
        msgs = mbox_messages(mx.mailbox("alice"))
        by_token = collections.Counter(f.get("x-token") for f, _ in msgs)
        self.assertEqual(by_token, collections.Counter(accepted.keys()),
                         "messages other than the carriers arrived")
        for fields, text in msgs:
            self.assertIn("smuggled body", text.split("\n\n", 1)[1])
        self.assertNotIn("from=<evil@remote.test>", mx.log())

    def test_smuggling_normalize_default(self):
        self.smuggling(None, rejected=())

    def test_smuggling_yes_is_normalize(self):
        # Postfix 3.9 postconf(5): "yes: Compatibility alias for
        # normalize." (3.8.5 and the Debian 3.7.10+ backport say the same).
        self.smuggling("yes", rejected=())

    def test_smuggling_reject(self):
        # reject: a bare <LF> anywhere gets 550 and a disconnect; a bare
        # <CR> is data.
        self.smuggling("reject", rejected=("LF.LF", "CRLF.LF", "LF.CRLF"))

    # --- pipelining ---------------------------------------------------------

    def test_commands_pipelined_after_dot(self):
        mx = self.instance({"smtpd_forbid_bare_newline_exclusions": ""})
        c = greeted(mx)
        c.send("EHLO client.example.test\r\nMAIL FROM:<a@remote.test>\r\n"
               "RCPT TO:<%s>\r\nDATA\r\n" % ALICE)
        self.assertTrue(c.reply()[-1].startswith("250 "))
        self.assertEqual(c.reply(), ["250 2.1.0 Ok"])
        self.assertEqual(c.reply(), ["250 2.1.5 Ok"])
        self.assertEqual(c.reply()[0][:3], "354")
        # The end of the first message and a whole second transaction in
        # one packet, as a pipelining client sends them.
        c.send("X-Token: pipe-1\r\nSubject: one\r\n\r\nfirst\r\n.\r\n"
               "MAIL FROM:<b@remote.test>\r\nRCPT TO:<%s>\r\nDATA\r\n" % ALICE)
        first = c.reply()[0]
        self.assertRegex(first, r"^250 2\.0\.0 Ok: queued as \w+$")
        self.assertEqual(c.reply(), ["250 2.1.0 Ok"])
        self.assertEqual(c.reply(), ["250 2.1.5 Ok"])
        self.assertEqual(c.reply()[0][:3], "354")
        c.send("X-Token: pipe-2\r\nSubject: two\r\n\r\nsecond\r\n.\r\n"
               "RSET\r\nNOOP\r\nQUIT\r\n")
        second = c.reply()[0]
        self.assertRegex(second, r"^250 2\.0\.0 Ok: queued as \w+$")
        self.assertNotEqual(first, second)
        self.assertEqual(c.reply(), ["250 2.0.0 Ok"])
        self.assertEqual(c.reply(), ["250 2.0.0 Ok"])
        self.assertEqual(c.reply(), ["221 2.0.0 Bye"])
        self.assertTrue(c.closed())
        counts = wait_delivered(self, mx, {"pipe-1": first, "pipe-2": second},
                                lambda: mx.mailbox("alice"))
        self.assertEqual(counts, collections.Counter({"pipe-1": 1,
                                                      "pipe-2": 1}))
        msgs = {f.get("x-token"): t for f, t in
                mbox_messages(mx.mailbox("alice"))}
        self.assertNotIn("MAIL FROM", msgs["pipe-1"])
        self.assertIn("Return-Path: <b@remote.test>", msgs["pipe-2"])
        wait_consistent(self, mx)

    # --- recipients ---------------------------------------------------------

    def test_thousand_recipients(self):
        mx = self.instance({"recipient_delimiter": "+",
                            "local_destination_concurrency_limit": "10"},
                           users=("alice", "bob"))
        rcpts = ["%s+%d@%s" % (u, i, HOST) for u in ("alice", "bob")
                 for i in range(500)]
        c = greeted(mx, timeout=60)
        self.assertTrue(c.cmd("EHLO client.example.test").startswith("250 "))
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>"), "250 2.1.0 Ok")
        c.send("".join("RCPT TO:<%s>\r\n" % r for r in rcpts) +
               "RCPT TO:<alice+extra@%s>\r\n" % HOST)
        replies = [c.reply()[-1] for _ in range(len(rcpts) + 1)]
        self.assertEqual(collections.Counter(replies[:-1]),
                         collections.Counter({"250 2.1.5 Ok": 1000}))
        self.assertEqual(replies[-1], "452 4.5.3 Error: too many recipients")
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("X-Token: thousand\r\nSubject: many\r\n\r\nto many\r\n.\r\n")
        self.assertRegex(c.reply()[0], r"^250 2\.0\.0 Ok: queued as \w+$")
        c.cmd("QUIT")
        mx.wait_log(r"from=<a@remote\.test>, size=\d+, nrcpt=1000 "
                    r"\(queue active\)")
        end = time.time() + 60
        while True:
            text = mx.mailbox("alice") + mx.mailbox("bob")
            got = collections.Counter(re.findall(
                r"^Delivered-To: (\S+)$", text, re.M))
            if len(got) >= 1000 or time.time() > end:
                break
            time.sleep(0.2)
        self.assertEqual(sorted(set(rcpts) - set(got)), [])
        self.assertEqual(sorted(set(got) - set(rcpts)), [])
        self.assertEqual({r: n for r, n in got.items() if n > 1}, {},
                         "duplicate deliveries")
        self.assertEqual(tokens_in(text)["thousand"], 1000)
        wait_consistent(self, mx)

    # --- broken clients -----------------------------------------------------

    def test_slow_client(self):
        mx = self.instance({"smtpd_timeout": "2s"})
        c = greeted(mx)
        c.cmd("EHLO client.example.test")
        start = time.time()
        self.assertEqual(c.reply(), [TIMEOUT_REPLY])
        self.assertGreater(time.time() - start, 1.5)
        self.assertTrue(c.closed())
        mx.wait_log(r"timeout after EHLO from %s$" % CLIENT)
        # In the middle of DATA: the message is dropped.
        c = greeted(mx)
        envelope(c)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("X-Token: slow-data\r\nSubject: slow\r\n\r\nsome")
        self.assertEqual(c.reply(), [TIMEOUT_REPLY])
        self.assertTrue(c.closed())
        mx.wait_log(r"timeout after DATA \(\d+ bytes\) from %s$" % CLIENT)
        self.assert_no_stray(mx)
        s = connect(mx)
        qid = send_one(s, "slow-after")
        s.quit()
        counts = wait_delivered(self, mx, {"slow-after": qid},
                                lambda: mx.mailbox("alice"))
        self.assertEqual(counts["slow-data"], 0)
        wait_consistent(self, mx)

    def test_disconnect_mid_data(self):
        mx = self.instance()
        c = greeted(mx)
        envelope(c)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("X-Token: cut-data\r\nSubject: cut\r\n\r\n" +
               "0123456789\r\n" * 50)
        time.sleep(0.3)
        c.close()
        mx.wait_log(r"lost connection after DATA \(\d+ bytes\) from %s$" %
                    CLIENT)
        self.assert_no_stray(mx)
        s = connect(mx)
        qid = send_one(s, "cut-after")
        s.quit()
        counts = wait_delivered(self, mx, {"cut-after": qid},
                                lambda: mx.mailbox("alice"))
        self.assertEqual(counts["cut-data"], 0)
        wait_consistent(self, mx)


if __name__ == "__main__":
    unittest.main()
