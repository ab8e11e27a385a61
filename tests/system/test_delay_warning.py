"""test_delay_warning - a message that keeps being deferred gets a delay
warning (RFC 3464 report with Action: delayed) once delay_warning_time has
passed, logged as "sender delay notification", and stays queued."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class DelayWarning(unittest.TestCase):
    def test_delay_warning_sent_once(self):
        with harness.Instance(main_cf={
                "delay_warning_time": "1s",
                "transport_maps": "inline:{ {slow.test=retry:try again later} }",
                "relay_domains": "slow.test"},
                aliases={"postmaster": "root",
                         "slowpoke": "someone@slow.test"}) as mx:
            mx.start()
            with mx.smtp() as s:
                # smtpd refuses a retry: destination at RCPT time, so the
                # message reaches it through an alias.
                s.sendmail("root@mx.example.test", ["slowpoke@mx.example.test"],
                           harness.message(sender="root@mx.example.test",
                                           to="someone@slow.test",
                                           subject="slow one"))
            m = mx.wait_log(r"(\w+): to=<someone@slow\.test>, "
                            r"orig_to=<slowpoke@mx\.example\.test>, "
                            r"relay=none, .*status=deferred \(try again "
                            r"later\)")
            qid = m[0].group(1)
            mx.wait_log(qid + r": sender delay notification: \w+",
                        timeout=30)
            box = mx.wait_mailbox("root", r"Action: delayed")
            self.assertIn("Content-Type: multipart/report; "
                          "report-type=delivery-status;", box)
            self.assertRegex(box, r"Final-Recipient: rfc822; "
                                  r"someone@slow\.test")
            self.assertRegex(box, r"Status: 4\.\d\.\d")
            # The message itself stays in the queue, and is warned once.
            self.assertTrue(mx.queue_files("deferred") or
                            mx.queue_files("active") or
                            mx.queue_files("incoming"))
            mx.wait_log(qid + r": to=<someone@slow\.test>.*status=deferred",
                        count=3, timeout=30)
            self.assertEqual(len(re.findall(qid + r": sender delay "
                                                  r"notification", mx.log())),
                             1)


if __name__ == "__main__":
    unittest.main()
