"""test_smtpd - the SMTP server through master, with real sockets: the
dialogue, replies and log lines in Postfix's shapes, limits, BDAT, and
every SMTP smuggling variant under each smtpd_forbid_bare_newline mode.

Byte-exact dialogues use a raw socket (Client below); whole messages use
smtplib. Each class runs one instance with its own main.cf."""
import os
import re
import socket
import time
import unittest

import harness

CHROOT = os.environ.get("TEST_SMTPD_CHROOT", "1") == "1"
ALICE = "alice@mx.example.test"


Client = harness.RawClient


def start(testcase, main_cf):
    mx = harness.Instance(main_cf=main_cf, chroot=CHROOT)
    try:
        mx.user("alice")
        mx.start()
    except Exception:
        mx.__exit__(None, None, None)
        raise
    testcase.mx = mx


def greeted(mx):
    c = Client(mx)
    assert c.reply()[0].startswith("220 "), "no greeting"
    return c


def envelope(c, rcpts=(ALICE,)):
    assert c.cmd("EHLO client.test").startswith("250 ")
    assert c.cmd("MAIL FROM:<a@remote.test>") == "250 2.1.0 Ok"
    for r in rcpts:
        assert c.cmd("RCPT TO:<%s>" % r) == "250 2.1.5 Ok"


SMUGGLE = ("MAIL FROM:<evil@remote.test>\r\nRCPT TO:<%s>\r\nDATA\r\n"
           "Subject: smuggled\r\n\r\nsmuggled body\r\n" % ALICE)


class DefaultConfig(unittest.TestCase):
    """Default parameters, except: smtpd_forbid_bare_newline_exclusions
    is empty, because its default ($mynetworks) exempts our loopback
    client from the smuggling defence (as in Postfix); no error delay, so
    that the many errors of test_replies are quick.
    smtpd_forbid_bare_newline is unset: normalize."""

    @classmethod
    def setUpClass(cls):
        start(cls, {"smtpd_error_sleep_time": "0",
                    "smtpd_forbid_bare_newline_exclusions": ""})

    @classmethod
    def tearDownClass(cls):
        cls.mx.__exit__(None, None, None)

    def test_ehlo_and_delivery_log(self):
        with self.mx.smtp() as s:
            code, text = s.ehlo()
            self.assertEqual(code, 250)
            self.assertEqual(text.decode().split("\n"), [
                "mx.example.test", "PIPELINING", "SIZE 10240000", "VRFY",
                "ETRN", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN",
                "SMTPUTF8", "CHUNKING"])
            s.sendmail("a@remote.test", [ALICE],
                       harness.message(subject="first"))
            s.quit()
        m = self.mx.wait_log(r"smtpd\[\d+\]: (\w+): client=localhost\[127"
                             r"\.0\.0\.1\]$")
        qid = m[-1].group(1)
        self.mx.wait_log(r"disconnect from localhost\[127\.0\.0\.1\] ehlo=1 "
                         r"mail=1 rcpt=1 data=1 quit=1 commands=5$")
        box = self.mx.wait_mailbox("alice", "Subject: first")
        self.assertRegex(box, r"Received: from client\.example\.test "
                         r"\(localhost \[127\.0\.0\.1\]\)\n\tby "
                         r"mx\.example\.test \(Postfix\) with ESMTP id %s\n"
                         r"\tfor <alice@mx\.example\.test>; \w{3}, [ \d]\d "
                         r"\w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}" % qid)

    def test_replies(self):
        c = greeted(self.mx)
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>"),
                         "250 2.1.0 Ok")  # HELO is optional by default
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>"),
                         "503 5.5.1 Error: nested MAIL command")
        self.assertEqual(c.cmd("RSET"), "250 2.0.0 Ok")
        self.assertEqual(c.cmd("RCPT TO:<%s>" % ALICE),
                         "503 5.5.1 Error: need MAIL command")
        self.assertEqual(c.cmd("DATA"), "503 5.5.1 Error: need RCPT command")
        self.assertEqual(c.cmd("MAIL FROM <a@b>"),
                         "501 5.5.4 Syntax: MAIL FROM:<address>")
        self.assertEqual(c.cmd("MAIL FROM:<a@b"),
                         "501 5.1.7 Bad sender address syntax")
        self.assertEqual(c.cmd("MAIL FROM:<a@b> BODY=BINARYMIME"),
                         "555 5.5.4 Unsupported option: BODY=BINARYMIME")
        self.assertEqual(c.cmd("MAIL FROM:<a@b> FOO=1"),
                         "555 5.5.4 Unsupported option: FOO=1")
        self.assertEqual(c.cmd("MAIL FROM:<a@b> SIZE=x"),
                         "501 5.5.4 Bad message size syntax")
        self.assertEqual(c.cmd("MAIL FROM:<a@b> SIZE=20000000")[:9],
                         "552 5.3.4")
        self.assertEqual(c.cmd("MAIL FROM:<a@b> RET=FULL ENVID=x+2By "
                               "BODY=8BITMIME SIZE=100"), "250 2.1.0 Ok")
        self.assertEqual(c.cmd("RCPT TO:<%s> NOTIFY=NEVER,DELAY" % ALICE),
                         "501 5.5.4 Bad NOTIFY parameter syntax")
        self.assertEqual(c.cmd("RCPT TO:<%s> ORCPT=rfc822" % ALICE),
                         "501 5.5.4 Bad ORCPT parameter syntax")
        self.assertEqual(c.cmd("RCPT TO:<>"),
                         "501 5.1.3 Bad recipient address syntax")
        self.assertEqual(c.cmd("RCPT TO:<%s> NOTIFY=SUCCESS,FAILURE "
                               "ORCPT=rfc822;alice+40x" % ALICE),
                         "250 2.1.5 Ok")
        self.assertEqual(c.cmd("DATA x"), "501 5.5.4 Syntax: DATA")
        self.assertEqual(c.cmd("VRFY"), "501 5.5.4 Syntax: VRFY address")
        self.assertEqual(c.cmd("XYZZY"),
                         "502 5.5.2 Error: command not recognized")
        self.assertEqual(c.cmd(""), "500 5.5.2 Error: bad syntax")
        self.assertEqual(c.cmd("X" * 3000), "500 5.5.2 Error: line too long")
        self.assertEqual(c.cmd("NOOP"), "250 2.0.0 Ok")
        self.assertEqual(c.cmd("STARTTLS")[:9], "502 5.5.1")
        self.assertEqual(c.cmd("QUIT"), "221 2.0.0 Bye")
        self.assertTrue(c.closed())
        self.mx.wait_log(r"disconnect from localhost\[127\.0\.0\.1\] "
                         r"starttls=0/1 mail=2/9 rcpt=1/5 data=0/2 rset=1 "
                         r"noop=1 vrfy=0/1 quit=1 unknown=0/2 "
                         r"commands=6/23$")

    def test_smuggling_variants_are_content(self):
        for name, eod in (("LF.LF", "\n.\n"), ("CRLF.LF", "\r\n.\n"),
                          ("LF.CRLF", "\n.\r\n"), ("CR.CR", "\r.\r")):
            with self.subTest(variant=name):
                c = greeted(self.mx)
                envelope(c)
                self.assertEqual(c.cmd("DATA")[:3], "354")
                c.send("Subject: carrier %s\r\n\r\nbody" % name + eod +
                       SMUGGLE + ".\r\n")
                self.assertRegex(c.reply()[0],
                                 r"^250 2\.0\.0 Ok: queued as \w+$")
                self.assertEqual(c.cmd("QUIT"), "221 2.0.0 Bye")
                box = self.mx.wait_mailbox(
                    "alice", "Subject: carrier %s\n" % re.escape(name) +
                    r"(.|\n)*smuggled body")
                self.assertIn("MAIL FROM:<evil@remote.test>", box)
        time.sleep(1)
        self.assertNotIn("from=<evil@remote.test>", self.mx.log())

    def test_pipelined_commands_after_dot(self):
        c = greeted(self.mx)
        c.send("EHLO client.test\r\nMAIL FROM:<a@remote.test>\r\n"
               "RCPT TO:<%s>\r\nDATA\r\n" % ALICE)
        self.assertEqual(c.reply()[-1][:4], "250 ")
        self.assertEqual(c.reply(), ["250 2.1.0 Ok"])
        self.assertEqual(c.reply(), ["250 2.1.5 Ok"])
        self.assertEqual(c.reply()[0][:3], "354")
        c.send("Subject: pipelined\r\n\r\nx\r\n.\r\nRSET\r\nQUIT\r\n")
        self.assertRegex(c.reply()[0], r"^250 2\.0\.0 Ok: queued as")
        self.assertEqual(c.reply(), ["250 2.0.0 Ok"])
        self.assertEqual(c.reply(), ["221 2.0.0 Bye"])

    def test_long_line_and_dot_stuffing(self):
        long_line = "".join(chr(ord("a") + i % 26) for i in range(5000))
        c = greeted(self.mx)
        envelope(c)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("Subject: long\r\n\r\n%s\r\n..dot\r\n.\r\n" % long_line)
        self.assertRegex(c.reply()[0], r"^250 2\.0\.0 Ok: queued as")
        c.cmd("QUIT")
        box = self.mx.wait_mailbox("alice", "Subject: long\n")
        self.assertIn("\n" + long_line + "\n.dot\n", box)

    def test_bdat(self):
        c = greeted(self.mx)
        envelope(c)
        part1 = "Subject: chunked\r\n\r\nfirst line\r\nsecond "
        part2 = "line\r\n.not the end\r\n"
        c.send("BDAT %d\r\n%s" % (len(part1), part1))
        self.assertEqual(c.reply(), ["250 2.0.0 Ok: %d bytes" % len(part1)])
        c.send("BDAT %d LAST\r\n%s" % (len(part2), part2))
        self.assertRegex(c.reply()[0], r"^250 2\.0\.0 Ok: queued as")
        c.cmd("QUIT")
        box = self.mx.wait_mailbox("alice", "Subject: chunked\n")
        self.assertIn("first line\nsecond line\n.not the end\n", box)

    def test_bdat_without_mail_is_skipped(self):
        c = greeted(self.mx)
        c.cmd("EHLO client.test")
        c.send("BDAT 12 LAST\r\nQUIT\r\nQUIT\r\n")
        self.assertEqual(c.reply(), ["503 5.5.1 Error: need RCPT command"])
        self.assertEqual(c.cmd("NOOP"), "250 2.0.0 Ok")
        c.cmd("QUIT")

    def test_lost_connection_mid_data(self):
        c = greeted(self.mx)
        envelope(c)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("Subject: cut\r\n\r\n0123456789\r\n")
        time.sleep(0.3)
        c.close()
        self.mx.wait_log(r"lost connection after DATA \(\d+ bytes\) from "
                         r"localhost\[127\.0\.0\.1\]$")
        time.sleep(1)
        self.assertEqual(self.mx.queue_files("incoming"), [])
        self.assertNotIn("Subject: cut", self.mx.mailbox("alice"))

    def test_vrfy_etrn(self):
        c = greeted(self.mx)
        c.cmd("EHLO client.test")
        self.assertEqual(c.cmd("VRFY <%s>" % ALICE),
                         "252 2.0.0 <%s>" % ALICE)
        self.assertEqual(c.cmd("ETRN"), "501 5.5.4 Syntax: ETRN domain")
        # fast_flush_domains is empty (relay_domains is): Postfix refuses.
        self.assertEqual(c.cmd("ETRN example.test"),
                         "459 <example.test>: service unavailable")
        c.cmd("QUIT")


class StrictConfig(unittest.TestCase):
    """Small limits, bare newlines rejected, strict pipelining."""

    @classmethod
    def setUpClass(cls):
        start(cls, {
            "message_size_limit": "2000",
            "smtpd_recipient_limit": "3",
            "smtpd_recipient_overshoot_limit": "0",
            "smtpd_timeout": "2s",
            "smtpd_hard_error_limit": "6",
            "smtpd_error_sleep_time": "0",
            "smtpd_discard_ehlo_keywords": "dsn, chunking",
            "disable_vrfy_command": "yes",
            "smtpd_helo_required": "yes",
            "strict_rfc821_envelopes": "yes",
            "smtpd_forbid_bare_newline": "reject",
            "smtpd_forbid_bare_newline_exclusions": "",
            "smtpd_forbid_unauth_pipelining": "yes",
        })

    @classmethod
    def tearDownClass(cls):
        cls.mx.__exit__(None, None, None)

    def test_ehlo_discard_and_helo_required(self):
        c = greeted(self.mx)
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>"),
                         "503 5.5.1 Error: send HELO/EHLO first")
        c.send("EHLO client.test\r\n")
        lines = c.reply()
        self.assertEqual(lines, ["250-mx.example.test", "250-PIPELINING",
                                 "250-SIZE 2000", "250-ETRN",
                                 "250-ENHANCEDSTATUSCODES", "250-8BITMIME",
                                 "250 SMTPUTF8"])
        self.mx.wait_log(r"discarding EHLO keywords: DSN CHUNKING$")
        self.assertEqual(c.cmd("VRFY alice"),
                         "502 5.5.1 VRFY command is disabled")
        self.assertEqual(c.cmd("MAIL FROM:a@remote.test"),
                         "501 5.1.7 Bad sender address syntax")
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test> RET=FULL"),
                         "501 5.7.1 DSN support is disabled")
        c.cmd("QUIT")

    def test_recipient_limit(self):
        c = greeted(self.mx)
        envelope(c, [ALICE] * 3)
        self.assertEqual(c.cmd("RCPT TO:<%s>" % ALICE),
                         "452 4.5.3 Error: too many recipients")
        c.cmd("QUIT")

    def test_message_size_limit(self):
        c = greeted(self.mx)
        envelope(c)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("Subject: big\r\n\r\n" + ("x" * 70 + "\r\n") * 100 + ".\r\n")
        self.assertEqual(c.reply(),
                         ["552 5.3.4 Message size exceeds fixed limit"])
        self.assertEqual(c.cmd("QUIT"), "221 2.0.0 Bye")
        time.sleep(1)
        self.assertNotIn("Subject: big", self.mx.mailbox("alice"))

    def test_bare_lf_command_rejected(self):
        c = greeted(self.mx)
        c.send("EHLO client.test\n")
        self.assertEqual(c.reply(), ["550 5.5.2 mx.example.test Error: "
                                     "bare <LF> received"])
        self.assertTrue(c.closed())

    def test_bare_lf_data_rejected(self):
        c = greeted(self.mx)
        envelope(c)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("Subject: x\r\n\r\nbody\n.\n" + SMUGGLE + ".\r\n")
        self.assertEqual(c.reply(), ["550 5.5.2 mx.example.test Error: "
                                     "bare <LF> received"])
        self.assertTrue(c.closed())
        time.sleep(1)
        self.assertNotIn("smuggled", self.mx.mailbox("alice"))

    def test_unauth_pipelining(self):
        c = greeted(self.mx)
        c.send("EHLO client.test\r\nNOOP\r\n")
        self.assertEqual(c.reply(),
                         ["554 5.5.0 Error: SMTP protocol synchronization"])
        self.assertTrue(c.closed())
        self.mx.wait_log(r"improper command pipelining after EHLO from "
                         r"localhost\[127\.0\.0\.1\]: NOOP")

    def test_too_many_errors(self):
        c = greeted(self.mx)
        c.cmd("EHLO client.test")
        for _ in range(6):
            self.assertEqual(c.cmd("BOGUS")[:3], "502")
        self.assertEqual(c.reply(), ["421 4.7.0 mx.example.test Error: too "
                                     "many errors"])
        self.assertTrue(c.closed())
        self.mx.wait_log(r"too many errors after UNKNOWN from "
                         r"localhost\[127\.0\.0\.1\]$")

    def test_timeout(self):
        c = greeted(self.mx)
        c.cmd("EHLO client.test")
        self.assertEqual(c.reply(), ["421 4.4.2 mx.example.test Error: "
                                     "timeout exceeded"])
        self.mx.wait_log(r"timeout after EHLO from localhost\[127\.0\.0\.1\]$")


class LegacyConfig(unittest.TestCase):
    """smtpd_forbid_bare_newline = normalize, but the client is in
    smtpd_forbid_bare_newline_exclusions ($mynetworks by default): the
    legacy behaviour, any dot line ends DATA."""

    @classmethod
    def setUpClass(cls):
        start(cls, {})

    @classmethod
    def tearDownClass(cls):
        cls.mx.__exit__(None, None, None)

    def test_lf_dot_lf_ends_data(self):
        c = greeted(self.mx)
        envelope(c)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("Subject: legacy\r\n\r\nbody\n.\nNOOP\r\n")
        self.assertRegex(c.reply()[0], r"^250 2\.0\.0 Ok: queued as")
        self.assertEqual(c.reply(), ["250 2.0.0 Ok"])
        c.cmd("QUIT")


if __name__ == "__main__":
    unittest.main()
