"""test_bounce - the error, retry and discard agents and the bounce,
defer and trace services end to end: SMTP in, the agent's log line, the
notification through cleanup and local into the sender's mailbox, and
its RFC 3464 structure as Python's email package reads it.
"""
import email
import glob
import os
import re
import unittest
from email import policy

import harness

HOST = harness.HOSTNAME


def send(mx, sender, rcpt, subject="test", smtp_opts=None):
    msg = harness.message(subject=subject, sender=sender, to=rcpt,
                          body="line one\nline two\n")
    with mx.smtp() as s:
        s.ehlo()
        s.sendmail(sender, [rcpt], msg, rcpt_options=smtp_opts or [])


def last_message(mx, user):
    """The last message of user's mbox, parsed."""
    text = mx.mailbox(user)
    parts = re.split(r"^From \S+ .*\n", text, flags=re.M)
    return email.message_from_string(parts[-1], policy=policy.compat32)


def report_fields(msg):
    """(content types of the parts, per-recipient DSN blocks)."""
    parts = msg.get_payload()
    types = [p.get_content_type() for p in parts]
    blocks = parts[1].get_payload() if len(parts) > 1 else []
    return types, [dict(b.items()) for b in blocks[1:]]


class BounceTest(unittest.TestCase):
    def test_error_transport_bounces_to_sender(self):
        # smtpd refuses an address that resolves to error: at RCPT time,
        # so the message reaches the error agent through an alias.
        main = {"default_transport": "error:5.7.1 remote delivery disabled"}
        aliases = {"postmaster": "root", "gone": "far@elsewhere.test"}
        # bounce and error run in the jail, as Debian's master.cf has it.
        with harness.Instance(main_cf=main, aliases=aliases,
                              chroot=False) as mx:
            for svc in ("bounce", "defer", "trace", "error"):
                mx.postconf("-Fe", "%s/unix/chroot=y" % svc)
            mx.user("bsender")
            mx.start()
            send(mx, "bsender@" + HOST, "gone@" + HOST, "lost one")
            mx.wait_log(r"to=<far@elsewhere\.test>, (orig_to=<\S+>, )?"
                        r"relay=none, delay=\S+, "
                        r"delays=[\d.]+/[\d.]+/[\d.]+/[\d.]+, dsn=5\.7\.1, "
                        r"status=bounced \(remote delivery disabled\)")
            mx.wait_log(r"postfix/bounce\[\d+\]: \w+: sender non-delivery "
                        r"notification: \w+")
            mx.wait_mailbox("bsender", r"Undelivered Mail Returned")
            msg = last_message(mx, "bsender")
            self.assertEqual(msg.get_content_type(), "multipart/report")
            self.assertEqual(msg.get_param("report-type"), "delivery-status")
            self.assertEqual(msg["Auto-Submitted"], "auto-replied")
            self.assertIn("MAILER-DAEMON@" + HOST, msg["From"])
            types, rcpts = report_fields(msg)
            self.assertEqual(types, ["text/plain", "message/delivery-status",
                                     "message/rfc822"])
            self.assertEqual(rcpts[0]["Final-Recipient"],
                             "rfc822; far@elsewhere.test")
            self.assertEqual(rcpts[0]["Action"], "failed")
            self.assertEqual(rcpts[0]["Status"], "5.7.1")
            orig = msg.get_payload()[2].get_payload()[0]
            self.assertEqual(orig["Subject"], "lost one")
            mx.wait_queue_empty()
            self.assertEqual(glob.glob(os.path.join(mx.queue, "bounce", "*")),
                             [])

    def test_discard_transport(self):
        main = {"default_transport": "discard:dropped on purpose"}
        with harness.Instance(main_cf=main, chroot=False) as mx:
            mx.start()
            send(mx, "a@remote.test", "far@elsewhere.test")
            mx.wait_log(r"postfix/discard\[\d+\]: \w+: to=<far@elsewhere"
                        r"\.test>, relay=none, .*dsn=2\.0\.0, status=sent "
                        r"\(dropped on purpose\)")
            mx.wait_queue_empty()

    def test_retry_transport_defers(self):
        main = {"default_transport": "retry:4.4.2 try again later"}
        aliases = {"postmaster": "root", "later": "far@elsewhere.test"}
        with harness.Instance(main_cf=main, aliases=aliases,
                              chroot=False) as mx:
            mx.start()
            send(mx, "a@remote.test", "later@" + HOST)
            mx.wait_log(r"to=<far@elsewhere\.test>, (orig_to=<\S+>, )?"
                        r"relay=none, .*dsn=4\.4\.2, status=deferred \(try again later\)")
            logs = glob.glob(os.path.join(mx.queue, "defer", "**", "*"),
                             recursive=True)
            logs = [p for p in logs if os.path.isfile(p)]
            self.assertEqual(len(logs), 1, logs)
            with open(logs[0]) as f:
                self.assertIn("reason=try again later\n", f.read())

    def test_notify_success_report(self):
        with harness.Instance(chroot=False) as mx:
            mx.user("bsender")
            mx.user("brcpt")
            mx.start()
            send(mx, "bsender@" + HOST, "brcpt@" + HOST, "tell me",
                 smtp_opts=["NOTIFY=SUCCESS"])
            mx.wait_log(r"to=<brcpt@" + re.escape(HOST) + r">, relay=local,"
                        r" .*status=sent")
            mx.wait_log(r"sender delivery status notification: \w+")
            mx.wait_mailbox("bsender", r"Successful Mail Delivery Report")
            types, rcpts = report_fields(last_message(mx, "bsender"))
            self.assertEqual(types, ["text/plain", "message/delivery-status",
                                     "text/rfc822-headers"])
            self.assertEqual(rcpts[0]["Action"], "delivered")
            self.assertEqual(rcpts[0]["Status"], "2.0.0")


if __name__ == "__main__":
    unittest.main()
