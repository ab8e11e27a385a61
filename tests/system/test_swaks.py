"""test_swaks - the instance driven by swaks, a real third-party SMTP client:
plain and pipelined delivery, relay denial and an unknown
recipient, with Postfix's replies and log lines."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def swaks(mx, *args):
    """Run swaks against the instance; returns (exit status, transcript)."""
    r = subprocess.run(["swaks", "--server", "127.0.0.1", "--port",
                        str(mx.port), "--helo", "client.example.test",
                        "--timeout", "20"] + list(args),
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


class Swaks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mx = harness.Instance(main_cf={"mynetworks": "127.0.0.1/32"})
        cls.mx.user("swuser")
        cls.mx.start()

    @classmethod
    def tearDownClass(cls):
        cls.mx.__exit__(None, None, None)

    def test_plain_delivery(self):
        rc, out = swaks(self.mx, "--to", "swuser@mx.example.test",
                        "--from", "s@remote.test", "--header",
                        "Subject: swaks plain")
        self.assertEqual(rc, 0, out)
        self.assertRegex(out, r"<- +250 2\.0\.0 Ok: queued as [0-9A-F]+")
        box = self.mx.wait_mailbox("swuser", "Subject: swaks plain")
        self.assertIn("Return-Path: <s@remote.test>", box)
        self.mx.wait_log(r"to=<swuser@mx\.example\.test>, relay=local, "
                         r"delay=[0-9.]+, delays=[0-9.]+/[0-9.]+/[0-9.]+/"
                         r"[0-9.]+, dsn=2\.0\.0, status=sent \(delivered to "
                         r"mailbox\)")

    def test_pipelined(self):
        rc, out = swaks(self.mx, "--pipeline", "--to",
                        "swuser@mx.example.test,root@mx.example.test",
                        "--from", "p@remote.test",
                        "--header", "Subject: swaks pipelined")
        self.assertEqual(rc, 0, out)
        self.assertIn("PIPELINING", out)
        self.mx.wait_mailbox("swuser", "Subject: swaks pipelined")

    def test_relay_denied_from_outside_mynetworks(self):
        rc, out = swaks(self.mx, "--local-interface", "127.0.0.2", "--to",
                        "victim@elsewhere.test", "--from", "a@remote.test")
        self.assertNotEqual(rc, 0)
        self.assertRegex(out, r"<\*\* +454 4\.7\.1 <victim@elsewhere\.test>: "
                              r"Relay access denied")
        self.mx.wait_log(r"NOQUEUE: reject: RCPT from \S+\[127\.0\.0\.2\]: "
                         r"454 4\.7\.1 <victim@elsewhere\.test>: Relay access "
                         r"denied; from=<a@remote\.test> "
                         r"to=<victim@elsewhere\.test> proto=ESMTP "
                         r"helo=<client\.example\.test>")

    def test_unknown_local_recipient(self):
        rc, out = swaks(self.mx, "--to", "nosuchuser@mx.example.test",
                        "--from", "a@remote.test")
        self.assertNotEqual(rc, 0)
        self.assertRegex(out, r"<\*\* +550 5\.1\.1 <nosuchuser@mx\.example\."
                              r"test>: Recipient address rejected: User "
                              r"unknown in local recipient table")
        self.mx.wait_log(r"disconnect from \S+ ehlo=1 mail=1 rcpt=0/1 "
                         r"(data=0/1 )?(rset=1 )?quit=1 commands=\d+/\d+")


if __name__ == "__main__":
    unittest.main()
