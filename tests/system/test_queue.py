"""test_queue - the queue manager end to end: activation, delivery,
deferral to a missing transport and retry, expiry, restart recovery of
active/, incomplete and corrupt files.

Queue files are written here the way cleanup writes them (records of
rec.h, doc/queue-states.md) and qmgr is woken through public/qmgr, so
these tests exercise qmgr, the address resolver, the delivery agents and
the bounce service without depending on smtpd and cleanup.
"""
import os
import pwd
import random
import re
import socket
import time
import unittest

import harness
import maildrop

SIZE_LEN = 6 * 15 + 5


def record(rtype, data=b""):
    """One record: type byte, base-128 length, data."""
    if isinstance(data, str):
        data = data.encode()
    return rtype.encode() + maildrop.length(len(data)) + data


def queue_file(sender, rcpts, arrival=None, body="hello\n", done=()):
    """The bytes of a complete queue file; rcpts in done are marked done."""
    arrival = int(time.time()) if arrival is None else arrival
    content = [record("N", line) for line in
               ("From: %s" % (sender or "MAILER-DAEMON"),
                "To: %s" % ", ".join(rcpts), "Subject: queue test", "")
               + tuple(body.splitlines())]
    env = [record("T", "%d 0" % arrival), record("c", "%d 0" % arrival),
           record("A", "rewrite_context=local"),
           record("A", "log_client_name=localhost"),
           record("A", "log_client_address=127.0.0.1"),
           record("S", sender)]
    for r in rcpts:
        env.append(record("D" if r in done else "R", r))
    size_rec_len = len(record("C", " " * SIZE_LEN))
    mesg_at = size_rec_len + sum(len(e) for e in env)
    mesg_len = len(record("M", " " * 15))
    body_bytes = b"".join(content)
    xtra_at = mesg_at + mesg_len + len(body_bytes)
    size = "%15d %15d %15d %15d %15d %15d" % (
        len(body_bytes), mesg_at, len(rcpts), 0, len(body_bytes), 0)
    return (record("C", size) + b"".join(env) + record("M", "%15d" % xtra_at)
            + body_bytes + record("X") + record("E"))


def new_user():
    """A local user name no other test run uses at the same time."""
    return "qmt" + "".join(random.choice("abcdefghijklmnopqrstuvwxyz")
                           for _ in range(8))


def new_id():
    """A short-form queue ID (upper-case hex)."""
    return "%010X" % random.getrandbits(40)


class QueueTest(unittest.TestCase):
    """Each test runs its own instance."""

    main_cf = {}

    def setUp(self):
        self.mx = harness.Instance(main_cf=dict(self.main_cf))
        self.mx.__enter__()
        self.addCleanup(self.mx.__exit__, None, None, None)
        self.owner = pwd.getpwnam("postfix")

    def put(self, queue, qid, data, mode=0o700):
        """Write a queue file as cleanup would (mode 0600 until complete)."""
        d = os.path.join(self.mx.queue, queue)
        if queue in ("deferred",):
            d = os.path.join(d, qid[0])
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, qid)
        with open(path, "wb") as f:
            f.write(data)
        os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        os.chmod(path, mode)
        return path

    def trigger(self, req=b"I"):
        """Wake qmgr up through public/qmgr."""
        path = os.path.join(self.mx.queue, "public", "qmgr")
        end = time.time() + 10
        while True:
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.connect(path)
                    s.sendall(req)
                return
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.1)

    def find(self, qid):
        """The queues that hold qid now."""
        return [q for q in ("incoming", "active", "deferred", "corrupt",
                            "hold") if qid in self.mx.queue_files(q)]


class TestDelivery(QueueTest):
    def test_local_delivery_and_removal(self):
        user = new_user()
        self.mx.user(user)
        self.mx.start()
        qid = new_id()
        self.put("incoming", qid,
                 queue_file("a@remote.test", [user + "@mx.example.test"]))
        self.trigger()
        self.mx.wait_log(r"%s: from=<a@remote\.test>, size=\d+, nrcpt=1 "
                         r"\(queue active\)" % qid)
        self.mx.wait_log(r"%s: to=<%s@mx\.example\.test>, relay=local, "
                         r"delay=[\d.]+, delays=[\d.]+/[\d.]+/[\d.]+/[\d.]+, "
                         r"dsn=2\.0\.0, status=sent" % (qid, user))
        self.mx.wait_log(r"%s: removed" % qid)
        self.assertEqual(self.find(qid), [])
        self.assertIn("Subject: queue test", self.mx.mailbox(user))

    def test_incomplete_file_is_left_alone(self):
        user = new_user()
        self.mx.user(user)
        self.mx.start()
        busy, ready = new_id(), new_id()
        rcpt = user + "@mx.example.test"
        self.put("incoming", busy, queue_file("a@remote.test", [rcpt]),
                 mode=0o600)
        self.put("incoming", ready, queue_file("a@remote.test", [rcpt]))
        self.trigger()
        self.mx.wait_log(r"%s: removed" % ready)
        self.assertEqual(self.find(busy), ["incoming"])
        self.assertNotIn(busy, self.mx.log())

    def test_corrupt_file(self):
        self.mx.start()
        qid = new_id()
        data = queue_file("a@remote.test", ["alice@mx.example.test"])
        self.put("incoming", qid, data[:-2])  # no end record
        self.trigger()
        self.mx.wait_log(r'warning: saving corrupt file "%s" from queue '
                         r'"active" to queue "corrupt"' % qid)
        self.assertEqual(self.find(qid), ["corrupt"])


class TestMissingTransport(QueueTest):
    main_cf = {"default_transport": "nosuch",
               "minimal_backoff_time": "2s", "maximal_backoff_time": "3s",
               "queue_run_delay": "1s"}

    def test_defer_then_retry(self):
        self.mx.start()
        qid = new_id()
        self.put("incoming", qid,
                 queue_file("alice@mx.example.test", ["far@elsewhere.test"]))
        t0 = time.time()
        self.trigger()
        self.mx.wait_log(r"%s: to=<far@elsewhere\.test>, relay=none, "
                         r"delay=[\d.]+, delays=[\d.]+/[\d.]+/0/0, "
                         r"dsn=4\.3\.0, status=deferred \(mail transport "
                         r"unavailable\)" % qid)
        end = time.time() + 10
        while self.find(qid) != ["deferred"] and time.time() < end:
            time.sleep(0.05)
        self.assertEqual(self.find(qid), ["deferred"])
        path = os.path.join(self.mx.queue, "deferred", qid[0], qid)
        # The next attempt time is in the modification time.
        self.assertGreaterEqual(os.stat(path).st_mtime, int(t0) + 2)
        # Retried after the back-off by the periodic deferred/ scan.
        self.mx.wait_log(r"%s: from=<alice@mx\.example\.test>, size=\d+, "
                         r"nrcpt=1 \(queue active\)" % qid, count=2,
                         timeout=20)
        self.mx.wait_log(r"%s: to=<far@elsewhere\.test>.*status=deferred"
                         % qid, count=2)
        self.assertNotIn("%s: removed" % qid, self.mx.log())


class TestRetrySucceeds(QueueTest):
    main_cf = {"default_transport": "later",
               "minimal_backoff_time": "2s", "maximal_backoff_time": "3s",
               "queue_run_delay": "1s"}

    def test_deferred_message_delivered_once_transport_exists(self):
        self.mx.start()
        qid = new_id()
        self.put("incoming", qid,
                 queue_file("a@remote.test", ["far@elsewhere.test"]))
        self.trigger()
        self.mx.wait_log(r"%s: to=<far@elsewhere\.test>, .*status=deferred "
                         r"\(mail transport unavailable\)" % qid)
        end = time.time() + 10
        while self.find(qid) != ["deferred"] and time.time() < end:
            time.sleep(0.05)
        self.assertEqual(self.find(qid), ["deferred"])
        self.mx.stop()
        with open(os.path.join(self.mx.conf, "master.cf"), "a") as f:
            f.write("later unix - - n - - discard\n")
        self.mx.start()
        # Picked up from deferred/ when due, delivered, logs removed.
        self.mx.wait_log(r"%s: to=<far@elsewhere\.test>, relay=none, .*"
                         r"status=sent" % qid, timeout=20)
        self.mx.wait_log(r"%s: removed" % qid)
        self.assertEqual(self.find(qid), [])
        self.assertEqual(self.mx.queue_files("defer"), [])


class TestExpiry(QueueTest):
    main_cf = {"default_transport": "nosuch",
               "maximal_queue_lifetime": "1h"}

    def test_expired_message_is_returned(self):
        self.mx.start()
        qid = new_id()
        old = int(time.time()) - 7200
        self.put("incoming", qid,
                 queue_file("a@remote.test", ["far@elsewhere.test"],
                            arrival=old))
        self.trigger()
        self.mx.wait_log(r"%s: to=<far@elsewhere\.test>, relay=none, .*"
                         r"status=deferred \(mail transport unavailable\)"
                         % qid)
        self.mx.wait_log(r"%s: from=<a@remote\.test>, status=expired, "
                         r"returned to sender" % qid)
        self.mx.wait_log(r"%s: removed" % qid)
        self.assertEqual(self.find(qid), [])


class TestRecovery(QueueTest):
    def test_active_files_are_delivered_after_restart(self):
        alice, bob = new_user(), new_user()
        self.mx.user(alice)
        self.mx.user(bob)
        self.mx.start()
        self.mx.stop()
        qid = new_id()
        # Left in active/ by a qmgr that stopped; bob was delivered.
        self.put("active", qid,
                 queue_file("a@remote.test", [bob + "@mx.example.test",
                                              alice + "@mx.example.test"],
                            done=(bob + "@mx.example.test",)))
        self.mx.start()
        self.mx.wait_log(r"%s: from=<a@remote\.test>, size=\d+, nrcpt=2 "
                         r"\(queue active\)" % qid)
        self.mx.wait_log(r"%s: to=<%s@mx\.example\.test>.*status=sent"
                         % (qid, alice))
        self.mx.wait_log(r"%s: removed" % qid)
        self.assertFalse(re.search(r"%s: to=<%s@" % (qid, bob),
                                   self.mx.log()))
        self.assertEqual(self.mx.mailbox(bob), "")


if __name__ == "__main__":
    unittest.main()
