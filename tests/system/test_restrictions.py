"""SMTP access restrictions through a whole instance: relay control, unknown
local recipients, access tables, restriction errors, with the replies and
the "NOQUEUE: reject:" lines of Postfix 3.7."""
import os
import smtplib
import unittest

import harness


def reply(code_msg):
    code, msg = code_msg
    return "%d %s" % (code, msg.decode(errors="replace"))


class Restrictions(unittest.TestCase):
    def instance(self, extra=None, tables=None):
        mx = harness.Instance()
        self.addCleanup(mx.__exit__, None, None, None)
        params = {}
        for name, text in (tables or {}).items():
            path = os.path.join(mx.conf, name)
            with open(path, "w") as f:
                f.write(text)
        for k, v in (extra or {}).items():
            params[k] = v.replace("@CONF@", mx.conf)
        mx.write_main_cf(params)
        mx.start()
        return mx

    def client(self, mx, source="127.0.0.1"):
        s = smtplib.SMTP(timeout=30, local_hostname="client.example.test",
                         source_address=(source, 0))
        s.connect("127.0.0.1", mx.port)
        self.addCleanup(s.close)
        return s

    def test_relay_denied_outside_mynetworks(self):
        mx = self.instance({"mynetworks": "127.0.0.1/32"})
        s = self.client(mx, "127.0.0.2")
        s.ehlo()
        s.mail("a@remote.test")
        self.assertEqual(reply(s.rcpt("victim@elsewhere.test")),
                         "454 4.7.1 <victim@elsewhere.test>: Relay access "
                         "denied")
        mx.wait_log(r"NOQUEUE: reject: RCPT from [^ ]+\[127\.0\.0\.2\]: "
                    r"454 4\.7\.1 <victim@elsewhere\.test>: Relay access "
                    r"denied; from=<a@remote\.test> "
                    r"to=<victim@elsewhere\.test> proto=ESMTP "
                    r"helo=<client\.example\.test>$")
        # Local destinations are still open to that client.
        mx.user("alice")
        self.assertEqual(s.rcpt("postmaster@mx.example.test")[0], 250)

    def test_relay_from_mynetworks(self):
        mx = self.instance()
        s = self.client(mx)
        s.ehlo()
        s.mail("a@remote.test")
        self.assertEqual(s.rcpt("victim@elsewhere.test")[0], 250)

    def test_reject_unauth_destination(self):
        mx = self.instance({"mynetworks": "127.0.0.1/32",
                            "smtpd_relay_restrictions": "",
                            "smtpd_recipient_restrictions":
                            "permit_mynetworks, reject_unauth_destination"})
        s = self.client(mx, "127.0.0.2")
        s.ehlo()
        s.mail("a@remote.test")
        self.assertEqual(reply(s.rcpt("victim@elsewhere.test")),
                         "554 5.7.1 <victim@elsewhere.test>: Relay access "
                         "denied")

    def test_unknown_local_user(self):
        mx = harness.Instance(main_cf={"recipient_delimiter": "+"})
        self.addCleanup(mx.__exit__, None, None, None)
        mx.user("alice")
        mx.start()
        s = self.client(mx)
        s.ehlo()
        s.mail("a@remote.test")
        self.assertEqual(reply(s.rcpt("nosuchuser@mx.example.test")),
                         "550 5.1.1 <nosuchuser@mx.example.test>: Recipient "
                         "address rejected: User unknown in local recipient "
                         "table")
        mx.wait_log(r"NOQUEUE: reject: RCPT from localhost\[127\.0\.0\.1\]: "
                    r"550 5\.1\.1 <nosuchuser@mx\.example\.test>: Recipient "
                    r"address rejected: User unknown in local recipient "
                    r"table; from=<a@remote\.test> "
                    r"to=<nosuchuser@mx\.example\.test> proto=ESMTP "
                    r"helo=<client\.example\.test>$")
        # A system user (through the passwd snapshot) and an alias.
        self.assertEqual(s.rcpt("alice@mx.example.test")[0], 250)
        self.assertEqual(s.rcpt("alice+ext@localhost")[0], 250)
        self.assertEqual(s.rcpt("postmaster@mx.example.test")[0], 250)

    def test_sender_access_reject(self):
        mx = self.instance(
            {"smtpd_sender_restrictions":
             "check_sender_access texthash:@CONF@/sender_access"},
            {"sender_access": "junk@spam.test REJECT\n"
                              "spam.test 550 5.7.0 Go away\n"})
        mx.user("alice")
        s = self.client(mx)
        s.ehlo()
        s.mail("junk@spam.test")
        self.assertEqual(reply(s.rcpt("alice@mx.example.test")),
                         "554 5.7.1 <junk@spam.test>: Sender address "
                         "rejected: Access denied")
        mx.wait_log(r"NOQUEUE: reject: RCPT from localhost\[127\.0\.0\.1\]: "
                    r"554 5\.7\.1 <junk@spam\.test>: Sender address "
                    r"rejected: Access denied; from=<junk@spam\.test> "
                    r"to=<alice@mx\.example\.test> proto=ESMTP "
                    r"helo=<client\.example\.test>$")
        s.rset()
        s.mail("other@spam.test")
        self.assertEqual(reply(s.rcpt("alice@mx.example.test")),
                         "550 5.7.0 <other@spam.test>: Sender address "
                         "rejected: Go away")

    def test_bare_table_and_class(self):
        mx = self.instance(
            {"smtpd_restriction_classes": "nobody",
             "nobody": "reject",
             "smtpd_recipient_restrictions": "texthash:@CONF@/rcpt"},
            {"rcpt": "alice@mx.example.test nobody\n"})
        mx.user("alice")
        s = self.client(mx)
        s.ehlo()
        s.mail("a@remote.test")
        self.assertEqual(reply(s.rcpt("alice@mx.example.test")),
                         "554 5.7.1 <alice@mx.example.test>: Recipient "
                         "address rejected: Access denied")

    def test_unknown_restriction(self):
        mx = self.instance({"smtpd_helo_restrictions": "no_such_thing"})
        mx.user("alice")
        s = self.client(mx)
        s.ehlo()
        s.mail("a@remote.test")
        self.assertEqual(reply(s.rcpt("alice@mx.example.test")),
                         "451 4.3.5 Server configuration error")
        mx.wait_log(r'warning: unknown smtpd restriction: "no_such_thing"')

    def test_client_rejected_at_connect(self):
        mx = self.instance({"smtpd_delay_reject": "no",
                            "smtpd_client_restrictions":
                            "check_client_access texthash:@CONF@/clients"},
                           {"clients": "127.0.0.2 REJECT\n"})
        s = smtplib.SMTP(timeout=30, source_address=("127.0.0.2", 0))
        self.addCleanup(s.close)
        # The rejection replaces the greeting.
        self.assertEqual(reply(s.connect("127.0.0.1", mx.port)),
                         "554 5.7.1 <unknown[127.0.0.2]>: Client host "
                         "rejected: Access denied")
        # Postfix logs proto=SMTP here (smtpd state starts with SMTP).
        mx.wait_log(r"NOQUEUE: reject: CONNECT from unknown\[127\.0\.0\.2\]: "
                    r"554 5\.7\.1 <unknown\[127\.0\.0\.2\]>: Client host "
                    r"rejected: Access denied;( proto=SMTP)?$")


if __name__ == "__main__":
    unittest.main()
