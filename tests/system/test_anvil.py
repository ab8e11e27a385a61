"""test_anvil - anvil(8) and smtpd's per-client limits through master:
connection count and rate limits (421 4.7.0), message and recipient
rate limits (450 4.7.1), the statistics log lines, the exemption of
smtpd_client_event_limit_exceptions, and smtpd carrying on when anvil is
killed or not configured at all."""
import os
import re
import signal
import socket
import time
import unittest

import harness

TOO_MANY = "421 4.7.0 mx.example.test Error: too many connections from 127.0.0.1"


class Client(harness.RawClient):
    """The harness client, with reply() giving only the last line."""

    def reply(self):
        return super().reply()[-1]

    def cmd(self, text):
        self.send(text + "\r\n")
        return self.reply()


def limits(**kw):
    """main.cf with the loopback client no longer exempt."""
    cf = {"smtpd_client_event_limit_exceptions": ""}
    cf.update({k: str(v) for k, v in kw.items()})
    return cf


class Base(unittest.TestCase):
    MAIN_CF = {}

    def setUp(self):
        self.mx = harness.Instance(main_cf=self.MAIN_CF)
        self.addCleanup(self.mx.__exit__, None, None, None)

    def start(self):
        """Start, and let the probe session of start() end first."""
        self.mx.start()
        self.mx.wait_log(r"disconnect from ")

    def service(self):
        return "127.0.0.1:%d" % self.mx.port

    def open(self):
        c = Client(self.mx)
        self.addCleanup(c.close)
        return c


class ConcurrencyTest(Base):
    MAIN_CF = limits(smtpd_client_connection_count_limit=2,
                     anvil_status_update_time="2s")

    def test_third_connection_refused(self):
        self.start()
        a, b = self.open(), self.open()
        self.assertTrue(a.reply().startswith("220 "))
        self.assertTrue(b.reply().startswith("220 "))
        c = self.open()
        self.assertEqual(c.reply(), TOO_MANY)
        self.assertTrue(c.closed())
        self.mx.wait_log(r"warning: Connection concurrency limit exceeded: "
                         r"3 from \S+\[127\.0\.0\.1\] for service %s$"
                         % re.escape(self.service()))
        self.mx.wait_log(r"disconnect from \S+\[127\.0\.0\.1\] commands=0/0$", count=2)
        # Closing one session frees its place.
        self.assertEqual(a.cmd("QUIT")[:3], "221")
        self.mx.wait_log(r"disconnect from .* quit=1 commands=1$", count=1)
        d = self.open()
        self.assertTrue(d.reply().startswith("220 "), "freed slot")
        self.assertEqual(d.cmd("QUIT")[:3], "221")
        # Peak statistics, Postfix's shape.
        self.mx.wait_log(r"postfix/anvil\[\d+\]: statistics: max connection "
                         r"count 3 for \(%s:127\.0\.0\.1\) at "
                         r"\w{3} [ \d]\d \d\d:\d\d:\d\d$"
                         % re.escape(self.service()))
        self.mx.wait_log(r"statistics: max connection rate \d+/60s for "
                         r"\(%s:127\.0\.0\.1\)" % re.escape(self.service()))

    def test_one_anvil_process(self):
        self.start()
        clients = [self.open() for _ in range(2)]
        for c in clients:
            self.assertTrue(c.reply().startswith("220 "))
        self.assertEqual(len(self.mx.pids("anvil")), 1)


class IdleTest(Base):
    MAIN_CF = limits(max_idle="1s", anvil_rate_time_unit="2s")

    def test_exit_when_idle(self):
        self.start()
        c = self.open()
        self.assertTrue(c.reply().startswith("220 "))
        self.assertEqual(len(self.mx.pids("anvil")), 1)
        c.cmd("QUIT")
        # smtpd exits after max_idle, then anvil after the time unit;
        # the peaks are logged on the way out.
        self.mx.wait_log(r"postfix/anvil\[\d+\]: statistics: max connection "
                         r"count 1 for \(%s:127\.0\.0\.1\)"
                         % re.escape(self.service()), timeout=20)
        end = time.time() + 10
        while self.mx.pids("anvil") and time.time() < end:
            time.sleep(0.1)
        self.assertEqual(self.mx.pids("anvil"), [])
        # The next session starts a new anvil.
        d = self.open()
        self.assertTrue(d.reply().startswith("220 "))
        self.assertEqual(len(self.mx.pids("anvil")), 1)


class ExemptTest(Base):
    # Default exceptions: $mynetworks, which holds 127.0.0.0/8.
    MAIN_CF = {"smtpd_client_connection_count_limit": "1"}

    def test_mynetworks_not_limited(self):
        self.start()
        a, b = self.open(), self.open()
        self.assertTrue(a.reply().startswith("220 "))
        self.assertTrue(b.reply().startswith("220 "))
        self.assertEqual(b.cmd("QUIT")[:3], "221")
        self.mx.wait_log(r"disconnect from .* quit=1")
        self.assertNotIn("limit exceeded", self.mx.log())
        self.assertEqual(self.mx.pids("anvil"), [])


class RateTest(Base):
    MAIN_CF = limits(smtpd_client_connection_rate_limit=2,
                     smtpd_client_message_rate_limit=1,
                     smtpd_client_recipient_rate_limit=2)

    def test_connection_rate(self):
        self.start()
        # start() connected once already; the third connection is refused.
        replies = []
        for _ in range(3):
            c = self.open()
            replies.append(c.reply())
            if replies[-1].startswith("220 "):
                c.cmd("QUIT")
            else:
                break
        self.assertEqual(replies[-1], TOO_MANY)
        self.assertLessEqual(len(replies), 2)
        self.mx.wait_log(r"warning: Connection rate limit exceeded: 3 from "
                         r"\S+\[127\.0\.0\.1\] for service %s$"
                         % re.escape(self.service()))

    def test_message_and_recipient_rate(self):
        self.mx.write_main_cf(limits(smtpd_client_message_rate_limit=1,
                                     smtpd_client_recipient_rate_limit=2))
        self.mx.user("alice")
        self.start()
        c = self.open()
        self.assertTrue(c.reply().startswith("220 "))
        c.cmd("EHLO client.example.test")
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>")[:3], "250")
        self.assertEqual(c.cmd("RCPT TO:<alice@mx.example.test>")[:3], "250")
        self.assertEqual(c.cmd("RCPT TO:<postmaster@mx.example.test>")[:3], "250")
        self.assertEqual(c.cmd("RCPT TO:<carol@mx.example.test>"),
                         "450 4.7.1 Error: too many recipients from 127.0.0.1")
        self.assertEqual(c.cmd("RSET")[:3], "250")
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>"),
                         "450 4.7.1 Error: too much mail from 127.0.0.1")
        self.mx.wait_log(r"warning: Recipient address rate limit exceeded: 3 "
                         r"from \S+\[127\.0\.0\.1\] for service ")
        self.mx.wait_log(r"warning: Message delivery request rate limit "
                         r"exceeded: 2 from \S+\[127\.0\.0\.1\] for service ")
        self.assertEqual(c.cmd("QUIT")[:3], "221")


class AnvilGoneTest(Base):
    MAIN_CF = limits(smtpd_client_connection_count_limit=2)

    def test_anvil_killed(self):
        self.start()
        a = self.open()
        self.assertTrue(a.reply().startswith("220 "))
        pids = self.mx.pids("anvil")
        self.assertEqual(len(pids), 1)
        os.kill(pids[0], signal.SIGKILL)
        end = time.time() + 10
        while pids[0] in self.mx.pids("anvil") and time.time() < end:
            time.sleep(0.05)
        # New sessions carry on; master starts a new anvil on demand.
        b = self.open()
        self.assertTrue(b.reply().startswith("220 "))
        self.assertEqual(b.cmd("QUIT")[:3], "221")
        c = self.open()
        self.assertTrue(c.reply().startswith("220 "))
        self.assertEqual(c.cmd("QUIT")[:3], "221")
        self.assertEqual(len(self.mx.pids("anvil")), 1)
        self.assertNotEqual(self.mx.pids("anvil"), pids)
        self.assertEqual(a.cmd("QUIT")[:3], "221")

    def test_no_anvil_service(self):
        path = os.path.join(self.mx.conf, "master.cf")
        text = open(path).read()
        text = re.sub(r"(?m)^anvil\s.*$", "", text)
        with open(path, "w") as f:
            f.write(text)
        self.mx.user("alice")
        self.start()
        with self.mx.smtp() as s:
            s.sendmail("a@remote.test", ["alice@mx.example.test"],
                       harness.message())
        self.mx.wait_log(r"postfix/smtpd\[\d+\]: warning: connect to "
                         r"private/anvil: ")
        self.mx.wait_log(r"client=\S+\[127\.0\.0\.1\]")
        self.assertNotIn("too many connections", self.mx.log())


if __name__ == "__main__":
    unittest.main()
