"""test_flush - the fast flush service and its callers: deferred mail for
a fast_flush_domains site is logged in flush/, ETRN (and postqueue -s/-i)
sends it at once whatever its retry time, sites outside the list are
refused with Postfix's replies, refresh drops IDs that left the queue, and
malformed names never reach the file system."""
import os
import re
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HOST = harness.HOSTNAME
MAIN = {
    "relay_domains": "flush.test, other.test",
    "fast_flush_domains": "flush.test",
    "fast_flush_refresh_time": "1s",
    "transport_maps": "inline:{ {flush.test=retry:4.4.1 site down}, "
                      "{other.test=retry:4.4.1 site down} }",
    # Deferred mail would not be tried again during the test.
    "minimal_backoff_time": "3600s",
    "maximal_backoff_time": "7200s",
    "queue_run_delay": "3600s",
}
FIXED = dict(MAIN, transport_maps="inline:{ {flush.test=discard:came back}, "
                                  "{other.test=discard:came back} }")
ALIASES = {"postmaster": "root", "far": "someone@flush.test",
           "other": "someone@other.test"}


def flush_request(mx, **attrs):
    """One request to public/flush; the status number of the answer."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(10)
        s.connect(os.path.join(mx.queue, "public", "flush"))
        s.sendall("".join("%s=%s\n" % kv for kv in attrs.items())
                  .encode() + b"\n")
        data = b""
        while not data.endswith(b"\n\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    m = re.search(rb"^status=(\d+)$", data, re.M)
    if m is None:
        raise AssertionError("no status in %r" % data)
    return int(m.group(1))


class Flush(unittest.TestCase):
    def setUp(self):
        self.mx = harness.Instance(main_cf=MAIN, aliases=ALIASES)
        self.addCleanup(self.mx.__exit__)

    def log_path(self, name):
        return os.path.join(self.mx.queue, "flush", name)

    def log_ids(self, name):
        try:
            with open(self.log_path(name)) as f:
                return f.read().split()
        except FileNotFoundError:
            return None

    def defer(self, rcpt, domain):
        """Send mail to an alias of rcpt@domain; its queue ID once deferred."""
        with self.mx.smtp() as s:
            s.sendmail("a@remote.test", [rcpt + "@" + HOST],
                       harness.message(subject="for " + domain))
        m = self.mx.wait_log(r"(\w+): to=<\S+@%s>, orig_to=<%s@%s>, "
                             r"relay=none, .*status=deferred \(site down\)"
                             % (re.escape(domain), rcpt, re.escape(HOST)))
        qid = m[0].group(1)
        self.wait_in("deferred", qid)
        return qid

    def wait_in(self, queue, qid, timeout=10):
        end = time.time() + timeout
        while qid not in self.mx.queue_files(queue):
            if time.time() > end:
                raise AssertionError("%s never in %s" % (qid, queue))
            time.sleep(0.05)

    def fix_transports(self, extra=None):
        self.mx.stop()
        self.mx.write_main_cf(dict(FIXED, **(extra or {})))
        self.mx.start()

    def sent(self, qid):
        return re.search(r"%s: to=<\S+>, .*status=sent" % qid, self.mx.log())

    def etrn(self, site):
        c = harness.RawClient(self.mx)
        try:
            c.reply()
            c.cmd("EHLO client.example.test")
            return c.cmd("ETRN " + site)
        finally:
            c.close()

    def test_etrn_sends_deferred_mail_now(self):
        self.mx.start()
        qid = self.defer("far", "flush.test")
        other = self.defer("other", "other.test")
        # The defer log of an eligible site lists the message, once
        # per deferral; no log for a site outside fast_flush_domains.
        self.assertIn(qid, self.log_ids("flush_test"))
        self.assertIsNone(self.log_ids("other_test"))
        self.fix_transports()
        time.sleep(1.5)
        self.assertFalse(self.sent(qid), "delivered before ETRN")
        self.assertEqual(self.etrn("other.test"),
                         "459 <other.test>: service unavailable")
        self.mx.wait_log(r"warning: reject: ETRN other\.test\.\.\. from "
                         r"\S+\[127\.0\.0\.1\]")
        self.assertEqual(self.etrn("FLUSH.test"), "250 Queuing started")
        self.mx.wait_log(r"%s: to=<someone@flush\.test>, "
                         r"orig_to=<far@%s>, relay=none, .*status=sent "
                         r"\(came back\)" % (qid, re.escape(HOST)))
        self.assertEqual(self.log_ids("flush_test"), [])
        # The other site's mail still waits for its retry time.
        self.assertIn(other, self.mx.queue_files("deferred"))
        self.assertFalse(self.sent(other))
        # send_file sends one message, whatever its site.
        self.assertEqual(flush_request(self.mx, nrequest="send_file",
                                       queue_id=other), 0)
        self.mx.wait_log(r"%s: to=<someone@other\.test>, .*status=sent"
                         % other)
        # An ETRN for a site with nothing queued is still accepted.
        self.assertEqual(self.etrn("flush.test"), "250 Queuing started")

    def test_flush_service_down(self):
        self.mx.write_main_cf(dict(MAIN, flush_service_name="noflush"))
        self.mx.start()
        self.assertEqual(self.etrn("flush.test"),
                         "458 Unable to queue messages")
        self.mx.wait_log(r"warning: unable to talk to fast flush service")

    def test_bad_requests(self):
        self.mx.start()
        bad_sites = ["../deferred", "a/b", "", "with space", "x" * 300,
                     "tab\there"]
        for site in bad_sites:
            self.assertEqual(flush_request(self.mx, nrequest="add",
                                           site=site, queue_id="ABCDEF123"),
                             2, site)
            self.assertEqual(flush_request(self.mx, nrequest="send_site",
                                           site=site), 2, site)
        for qid in ["../../etc/passwd", "ABC", "abc/def123", "ZZZ%%%123"]:
            self.assertEqual(flush_request(self.mx, nrequest="add",
                                           site="flush.test", queue_id=qid),
                             2, qid)
            self.assertEqual(flush_request(self.mx, nrequest="send_file",
                                           queue_id=qid), 2, qid)
        self.assertEqual(flush_request(self.mx, nrequest="nosuch"), 2)
        self.assertEqual(flush_request(self.mx, nrequest="add",
                                       site="other.test",
                                       queue_id="ABCDEF123"), 3)
        self.assertEqual(flush_request(self.mx, nrequest="send_site",
                                       site="other.test"), 3)
        # Names are lower-cased and made safe: no file outside flush/.
        self.assertEqual(flush_request(self.mx, nrequest="add",
                                       site="Sub.Flush.Test",
                                       queue_id="ABCDEF123"), 0)
        self.assertEqual(sorted(os.listdir(os.path.join(self.mx.queue,
                                                        "flush"))),
                         ["sub_flush_test"])
        self.assertEqual(self.log_ids("sub_flush_test"), ["ABCDEF123"])
        self.assertNotIn("..", os.listdir(os.path.join(self.mx.queue,
                                                       "deferred")))
        # smtpd still screens ETRN syntax before the flush service.
        self.assertTrue(self.etrn("a/b").startswith("501 "))

    def test_refresh_drops_ids_that_left(self):
        self.mx.start()
        qid = self.defer("far", "flush.test")
        gone = "ABCDEF1234"
        self.assertEqual(flush_request(self.mx, nrequest="add",
                                       site="flush.test", queue_id=gone), 0)
        self.assertEqual(self.log_ids("flush_test"), [qid, gone])
        self.fix_transports()
        # purge answers first, then flushes every log.
        self.assertEqual(flush_request(self.mx, nrequest="purge"), 0)
        self.mx.wait_log(r"%s: to=<someone@flush\.test>, .*status=sent"
                         % qid)
        self.assertEqual(self.log_ids("flush_test"), [])
        # master's wake-up (one bare byte) runs a refresh: logs not
        # flushed for fast_flush_refresh_time (1s here) are flushed.
        self.assertEqual(flush_request(self.mx, nrequest="add",
                                       site="flush.test", queue_id=gone), 0)
        time.sleep(1.2)
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(os.path.join(self.mx.queue, "public", "flush"))
            s.sendall(b"W")
        # stat, not read: reading would reset the log's access time,
        # which says when it was last flushed.
        end = time.time() + 10
        while os.stat(self.log_path("flush_test")).st_size and \
                time.time() < end:
            time.sleep(0.05)
        self.assertEqual(self.log_ids("flush_test"), [])

    def postqueue(self):
        path = os.path.join(harness.BUILD, "bin", "postqueue")
        if not os.access(path, os.X_OK):
            self.skipTest("no postqueue in " + harness.BUILD)

    def test_postqueue_site_and_id(self):
        self.postqueue()
        self.mx.start()
        qid = self.defer("far", "flush.test")
        other = self.defer("other", "other.test")
        self.fix_transports()
        r = self.mx.run_cmd("postqueue", "-s", "flush.test")
        self.assertEqual((r.stdout, r.stderr), ("", ""))
        self.mx.wait_log(r"%s: to=<someone@flush\.test>, .*status=sent"
                         % qid)
        self.assertFalse(self.sent(other))
        r = self.mx.run_cmd("postqueue", "-s", "other.test", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.mx.run_cmd("postqueue", "-i", other)
        self.mx.wait_log(r"%s: to=<someone@other\.test>, .*status=sent"
                         % other)


if __name__ == "__main__":
    unittest.main()
