"""test_trace - sendmail -bv and -v through the whole pipeline.

A submission with trace_flags (what sendmail -bv and -v put in the
maildrop file) goes postdrop -> pickup -> cleanup -> qmgr -> local.
-bv (DEL_REQ_FLAG_EXPAND): nothing is delivered; every recipient is
reported "deliverable" or "undeliverable" in a "Mail Delivery Status
Report" mailed to the sender, and the message leaves the queue.
-v (DEL_REQ_FLAG_RECORD): mail is delivered and the sender gets the
same kind of report of the first delivery attempt, with deferred
recipients too, and no second report on the next attempt.
"""
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import maildrop  # noqa: E402

POSTDROP = os.path.join(harness.BUILD, "bin", "postdrop")
EXPAND, RECORD = 2, 4


def submit(mx, rcpts, flags, subject):
    data = maildrop.submission(
        "root", rcpts, "Subject: %s\nTo: %s\n\nprobe body\n" %
        (subject, ", ".join(rcpts)), attrs=["trace_flags=%d" % flags])
    r = subprocess.run([POSTDROP, "-c", mx.conf, "-r"], input=data,
                       capture_output=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError(r.stderr.decode())
    return re.search(rb"queue_id=(\w+)", r.stdout).group(1).decode()


class Trace(unittest.TestCase):
    def test_verify_reports_without_delivering(self):
        with harness.Instance(aliases={"postmaster": "root",
                                       "team": "alice, bob"}) as mx:
            mx.user("alice")
            mx.start()
            submit(mx, ["team", "alice", "nosuchuser"], EXPAND, "probe")
            box = mx.wait_mailbox("root", r"Action: undeliverable")
            self.assertIn("Subject: Mail Delivery Status Report", box)
            # An alias is reported with its expansion, not expanded (as
            # for address probes); a user with how it would get the mail.
            self.assertRegex(box, r"Final-Recipient: rfc822; "
                                  r"team@mx\.example\.test\n(.*\n)?"
                                  r"Action: deliverable\nStatus: 2\.0\.0\n"
                                  r"Diagnostic-Code: X-Postfix; delivery via "
                                  r"local: aliased to alice, bob")
            self.assertRegex(box, r"<alice@mx\.example\.test> \(expanded "
                                  r"from <alice>\): delivery via local:\s+"
                                  r"delivers to mailbox")
            self.assertRegex(box, r"Final-Recipient: rfc822; "
                                  r"nosuchuser@mx\.example\.test")
            self.assertIn("Subject: probe", box)    # the headers part
            self.assertNotIn("probe body", box)
            log = mx.log()
            self.assertRegex(log, r"to=<alice@mx\.example\.test>, "
                                          r"orig_to=<alice>, relay=local, "
                                          r".*status=deliverable")
            self.assertRegex(log, r"to=<nosuchuser@mx\.example\."
                                          r"test>.*status=undeliverable")
            mx.wait_queue_empty()
            # Nothing was delivered to alice.
            self.assertFalse(os.path.exists(os.path.join(mx.spool, "alice"))
                             and open(os.path.join(mx.spool,
                                                   "alice")).read())

    def test_verify_unroutable_recipient(self):
        """A recipient qmgr itself refuses is reported, not bounced."""
        with harness.Instance(main_cf={
                "transport_maps": "inline:{ {gone.test=error:5.1.2 no such "
                                  "domain here} }",
                "relay_domains": "gone.test"}) as mx:
            mx.start()
            submit(mx, ["x@gone.test"], EXPAND, "gone")
            box = mx.wait_mailbox("root", r"Action: undeliverable")
            self.assertIn("Mail Delivery Status Report", box)
            self.assertNotIn("Undelivered Mail Returned", box)
            mx.wait_queue_empty()

    def test_record_reports_first_attempt_only(self):
        with harness.Instance(main_cf={
                "transport_maps": "inline:{ {slow.test=retry:try again "
                                  "later} }",
                "relay_domains": "slow.test",
                "minimal_backoff_time": "1s",
                "maximal_backoff_time": "2s",
                "queue_run_delay": "1s"}) as mx:
            mx.user("alice")
            mx.start()
            submit(mx, ["alice", "someone@slow.test"], RECORD, "rec")
            qid = mx.wait_log(r"(\w+): to=<alice@mx\.example\.test>.*"
                              r"status=sent")[0].group(1)
            box = mx.wait_mailbox("root", r"Action: delayed")
            self.assertIn("Subject: Mail Delivery Status Report", box)
            self.assertRegex(box, r"Final-Recipient: rfc822; alice@mx\."
                                  r"example\.test\n(.*\n)*?Action: "
                                  r"delivered")
            self.assertIn("probe body", mx.wait_mailbox("alice", "rec"))
            # Another attempt, and still one report only.
            mx.wait_log(qid + r": to=<someone@slow\.test>.*status=deferred",
                        count=2, timeout=30)
            self.assertEqual(len(re.findall(
                qid + r": sender delivery status notification",
                mx.log())), 1)

    def test_sendmail_bv_and_v(self):
        """The real commands: sendmail -bv and sendmail -v as a user."""
        with harness.Instance(aliases={"postmaster": "root"}) as mx:
            mx.user("alice")
            bob = mx.user("bob")
            mx.start()
            sendmail = os.path.join(harness.BUILD, "bin", "sendmail")
            r = subprocess.run([sendmail, "-C", mx.conf, "-bv", "alice"],
                               input=b"", capture_output=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, b"Mail Delivery Status Report will "
                                       b"be mailed to <root>.\n")
            box = mx.wait_mailbox("root", r"Action: deliverable")
            self.assertRegex(box, r"alice@mx\.example\.test> \(expanded "
                                  r"from <alice>\): delivery via local:\s+"
                                  r"delivers to mailbox")
            mx.wait_queue_empty()
            self.assertFalse(os.path.exists(os.path.join(mx.spool, "alice")))
            # -v by an ordinary user (with the postdrop group, as a
            # set-gid postdrop gives it): delivered, and reported to bob.
            gid = __import__("grp").getgrnam("postdrop").gr_gid
            r = subprocess.run([sendmail, "-C", mx.conf, "-v", "alice"],
                               input=b"Subject: verbose\n\nhello\n",
                               capture_output=True, timeout=30,
                               user=bob.pw_uid, group=bob.pw_gid,
                               extra_groups=[gid])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("hello", mx.wait_mailbox("alice", "verbose"))
            box = mx.wait_mailbox("bob", r"Action: delivered")
            self.assertIn("Subject: Mail Delivery Status Report", box)


if __name__ == "__main__":
    unittest.main()
