"""test_durability - no accepted message is lost when a process dies.

Each test sends tagged messages (sys_mail tokens) over SMTP, SIGKILLs one
service in the middle (smtpd mid-session, cleanup mid-write, qmgr with
messages in active/, local mid-delivery, bounce while notices are made,
trivial-rewrite, master itself), keeps sending, and checks that every
message that got "250 ... queued as ID" is finally delivered at least once
(duplicates are reported on stderr, not failed: the contract is
at-least-once), that the queue drains with nothing in corrupt/ or hold/,
and that master logged "warning: process ... pid N killed by signal 9".

Then the storage failures: a full queue file system (a small tmpfs
mounted on the instance's queue directory) gives "452 4.3.1 Insufficient
system storage" at MAIL and at the end of DATA, and an unwritable
incoming/ gives a 4xx; nothing accepted is lost and mail flows again once
the space or the mode is back. Last, a master killed with all its children
while messages sit in active/ delivers them after the next start.

Slow deliveries (so that there is something in flight to kill) go to the
alias "slow", a command that sleeps and then writes the message to its own
file under out/.
"""
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import unittest

import harness
from sys_mail import (ALICE, HOST, connect, dir_text, envelope,
                      greeted, kill9, queue_state, send_one, send_tokens,
                      wait_consistent, wait_crash_logged, wait_delivered,
                      wait_pid_gone)

# A killed process that never served a client makes master throttle the
# service (Postfix's "bad command startup -- throttling"); keep that short.
# A crashed delivery agent makes qmgr suspend its transport for
# transport_retry_time (60s in Postfix too): also short.
MAIN = {"service_throttle_time": "2s", "transport_retry_time": "2s"}
PROGRAMS = ("master", "smtpd", "cleanup", "qmgr", "local", "bounce",
            "trivial-rewrite", "error", "discard", "postlogd")
SLOW = "slow@" + HOST


def tokens(prefix, first, last):
    return ["%s-%d" % (prefix, i) for i in range(first, last)]


class Durability(unittest.TestCase):
    def instance(self, main=None, chroot=True):
        cf = dict(MAIN)
        cf.update(main or {})
        mx = harness.Instance(main_cf=cf, chroot=chroot)
        self.addCleanup(mx.__exit__, None, None, None)
        mx.user("alice")
        return mx

    def slow_alias(self, mx, delay, extra=None):
        """Alias slow: a command that sleeps, then saves the message."""
        out = os.path.join(mx.dir, "out")
        os.makedirs(out)
        os.chmod(out, 0o1777)
        script = os.path.join(mx.dir, "slow.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nsleep %s\nf=$(mktemp %s/m.XXXXXX)\n"
                    "cat > \"$f\"\n" % (delay, out))
        os.chmod(script, 0o755)
        aliases = {"postmaster": "root", "slow": '"|%s"' % script}
        aliases.update(extra or {})
        mx.write_aliases(aliases)
        return lambda: dir_text(out)

    def wait_active(self, mx, timeout=10):
        end = time.time() + timeout
        while not queue_state(mx)["active"]:
            if time.time() > end:
                self.fail("nothing ever in active/; log:\n" + mx.log()[-4000:])
            time.sleep(0.02)

    def all_pids(self, mx):
        return {p: mx.pids(p) for p in PROGRAMS}

    # --- one service at a time ------------------------------------------

    def test_smtpd_killed_mid_session(self):
        mx = self.instance()
        mx.start()
        accepted = {}
        s = connect(mx)
        for t in tokens("smtpd", 0, 4):
            accepted[t] = send_one(s, t)
        # A fifth message is half-way through DATA when smtpd dies.
        self.assertEqual(s.mail("a@remote.test")[0], 250)
        self.assertEqual(s.rcpt(ALICE)[0], 250)
        s.putcmd("data")
        self.assertEqual(s.getreply()[0], 354)
        s.send("X-Token: smtpd-cut\r\nSubject: cut\r\n\r\npartial\r\n")
        time.sleep(0.2)
        pids = kill9(mx, "smtpd")
        self.assertTrue(pids, "no smtpd process")
        with self.assertRaises(OSError):
            s.send(".\r\n")
            s.getreply()
            s.noop()
        s.close()
        wait_crash_logged(mx, "smtpd", pids)
        accepted, failed = send_tokens(mx, tokens("smtpd", 4, 8),
                                       accepted=accepted)
        self.assertEqual(failed, {})
        counts = wait_delivered(self, mx, accepted,
                                lambda: mx.mailbox("alice"))
        self.assertEqual(counts["smtpd-cut"], 0)
        wait_consistent(self, mx)

    def test_cleanup_killed_while_writing(self):
        mx = self.instance()
        mx.start()
        accepted, failed = send_tokens(mx, tokens("cleanup", 0, 4))
        c = greeted(mx)
        envelope(c)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("X-Token: cleanup-cut\r\nSubject: cut\r\n\r\n" +
               ("x" * 70 + "\r\n") * 300)
        time.sleep(0.3)
        busy = [f for f in queue_state(mx)["incoming"] if not f[1] & 0o100]
        self.assertTrue(busy, "no queue file being written")
        pids = kill9(mx, "cleanup")
        self.assertTrue(pids, "no cleanup process")
        c.send("more\r\n.\r\n")
        # The message was not acknowledged: a temporary error, as
        # Postfix's "451 4.3.0 Error: queue file write error".
        self.assertRegex(c.reply()[-1], r"^451 4\.3\.0 ")
        c.cmd("QUIT")
        wait_crash_logged(mx, "cleanup", pids)
        send_tokens(mx, tokens("cleanup", 4, 8), accepted=accepted,
                    failed=failed)
        self.assertEqual(failed, {})
        counts = wait_delivered(self, mx, accepted,
                                lambda: mx.mailbox("alice"))
        self.assertEqual(counts["cleanup-cut"], 0)
        # The file the dead cleanup left stays in incoming/, unfinished
        # (mode 0600), as in Postfix; qmgr must not touch it.
        st = wait_consistent(self, mx, allow_busy_incoming=True)
        self.assertLessEqual(len(st["incoming"]), 1, st)

    def test_qmgr_killed_with_messages_in_active(self):
        mx = self.instance()
        read = self.slow_alias(mx, 0.5)
        mx.start()
        accepted, failed = send_tokens(mx, tokens("qmgr", 0, 8),
                                       rcpts=(SLOW,))
        self.assertEqual(failed, {})
        self.wait_active(mx)
        pids = kill9(mx, "qmgr")
        self.assertEqual(len(pids), 1)
        wait_pid_gone(pids[0])
        self.assertTrue(queue_state(mx)["active"], "active/ drained early")
        wait_crash_logged(mx, "qmgr", pids)
        # New mail wakes master, which starts a new qmgr; that one must
        # pick up what was left in active/.
        send_tokens(mx, tokens("qmgr", 8, 10), rcpts=(SLOW,),
                    accepted=accepted, failed=failed)
        self.assertEqual(failed, {})
        # Postfix defers a locked file for 60s (see below): allow that.
        counts = wait_delivered(self, mx, accepted, read, timeout=80)
        wait_consistent(self, mx, timeout=80)
        # The old qmgr's local deliveries were still running when the new
        # qmgr started. Postfix's agents hold a shared lock on the queue
        # file and qmgr defers a locked file instead of delivering it
        # again (qmgr_active.c: "After queue manager restart it is
        # possible that a queue file is still being delivered").
        self.assertEqual({t: n for t, n in counts.items() if n > 1}, {},
                         "messages in flight delivered twice")

    def test_local_killed_while_delivering(self):
        mx = self.instance()
        read = self.slow_alias(mx, 1)
        mx.start()
        accepted, failed = send_tokens(mx, tokens("local", 0, 6),
                                       rcpts=(SLOW,))
        self.assertEqual(failed, {})
        time.sleep(0.5)  # the first deliveries sleep in slow.sh now
        self.assertTrue(queue_state(mx)["active"], "nothing in delivery")
        pids = kill9(mx, "local")
        self.assertTrue(pids, "no local process")
        wait_crash_logged(mx, "local", pids)
        send_tokens(mx, tokens("local", 6, 8), rcpts=(SLOW,),
                    accepted=accepted, failed=failed)
        self.assertEqual(failed, {})
        wait_delivered(self, mx, accepted, read, timeout=60)
        wait_consistent(self, mx)

    def test_bounce_killed_while_bouncing(self):
        # Every message is returned: "gone" is relayed to a remote
        # domain, and remote mail goes to the error transport. The
        # notices, which carry the original (with its X-Token), go to
        # alice, the sender.
        mx = self.instance({"default_transport":
                            "error:5.7.1 remote delivery disabled"})
        mx.write_aliases({"postmaster": "root",
                          "gone": "far@elsewhere.test"})
        mx.start()
        killed, stop = [], threading.Event()

        def killer():
            while not stop.is_set():
                killed.extend(kill9(mx, "bounce"))
                time.sleep(0.03)

        th = threading.Thread(target=killer)
        th.start()
        try:
            accepted, failed = send_tokens(mx, tokens("bounce", 0, 8),
                                           rcpts=("gone@" + HOST,),
                                           sender=ALICE)
            time.sleep(2)
        finally:
            stop.set()
            th.join()
        self.assertEqual(failed, {})
        self.assertTrue(killed, "no bounce process was ever running")
        wait_crash_logged(mx, "bounce", killed)
        wait_delivered(self, mx, accepted, lambda: mx.mailbox("alice"),
                       timeout=60)
        wait_consistent(self, mx)

    def test_trivial_rewrite_killed(self):
        # Our cleanup and qmgr resolve addresses with the library, so
        # the service is not on the mail path; it must still be replaced
        # after a crash while mail keeps flowing.
        mx = self.instance()
        mx.start()
        self.assertEqual(rewrite_request(mx), "user@" + HOST)
        pids = kill9(mx, "trivial-rewrite")
        self.assertTrue(pids, "no trivial-rewrite process")
        accepted, failed = send_tokens(mx, tokens("rewrite", 0, 4))
        wait_crash_logged(mx, "trivial-rewrite", pids)
        self.assertEqual(rewrite_request(mx), "user@" + HOST)
        send_tokens(mx, tokens("rewrite", 4, 6), accepted=accepted,
                    failed=failed)
        self.assertEqual(failed, {})
        wait_delivered(self, mx, accepted, lambda: mx.mailbox("alice"))
        wait_consistent(self, mx)

    def test_master_killed_and_started_again(self):
        mx = self.instance()
        mx.start()
        accepted, failed = send_tokens(mx, tokens("master", 0, 4))
        # A second master for the same queue refuses while one lives.
        r = subprocess.run([os.path.join(harness.BUILD, "bin", "master"),
                            "-c", mx.conf], capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("the Postfix mail system is already running",
                      r.stderr)
        r = mx.run_cmd("postfix", "start", check=False)
        self.assertEqual(r.returncode, 1, r.stderr)
        before = self.all_pids(mx)
        old = mx.master_pid()
        self.assertIn(old, before["master"])  # others: forked children
        os.kill(old, signal.SIGKILL)
        self.assertTrue(wait_pid_gone(old))
        # The children notice that master is gone and leave (Postfix's
        # daemons watch the status pipe); a survivor would keep the SMTP
        # port and the queue busy.
        children = [p for ps in before.values() for p in ps if p != old]
        lingering = [p for p in children if not wait_pid_gone(p, 10)]
        for p in lingering:
            os.kill(p, signal.SIGKILL)
        r = mx.run_cmd("postfix", "start", check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        mx.wait_port()
        self.assertNotEqual(mx.master_pid(), old)
        send_tokens(mx, tokens("master", 4, 8), accepted=accepted,
                    failed=failed)
        self.assertEqual(failed, {})
        wait_delivered(self, mx, accepted, lambda: mx.mailbox("alice"))
        wait_consistent(self, mx)
        self.assertEqual(lingering, [], "children outlived master: %s" % {
            prog: [p for p in ps if p in lingering]
            for prog, ps in before.items()})

    # --- restart recovery ------------------------------------------------

    def test_active_messages_delivered_after_master_and_children_killed(self):
        mx = self.instance()
        read = self.slow_alias(mx, 1)
        mx.start()
        accepted, failed = send_tokens(mx, tokens("restart", 0, 6),
                                       rcpts=(SLOW,))
        self.assertEqual(failed, {})
        self.wait_active(mx)
        pids = [p for ps in self.all_pids(mx).values() for p in ps]
        for p in pids:
            os.kill(p, signal.SIGKILL)
        for p in pids:
            wait_pid_gone(p)
        self.assertTrue(queue_state(mx)["active"], "active/ drained early")
        r = mx.run_cmd("postfix", "start", check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        mx.wait_port()
        wait_delivered(self, mx, accepted, read, timeout=60)
        wait_consistent(self, mx)

    # --- storage ---------------------------------------------------------

    def test_full_queue_file_system(self):
        mx = self.instance({"message_size_limit": "100000"})
        mount_tmpfs(self, mx, "4m")
        mx.start()
        accepted, failed = send_tokens(mx, tokens("disk", 0, 4))
        self.assertEqual(failed, {})
        # A client that got past MAIL (the free-space check) when the
        # disk fills up: cleanup cannot write, the reply is 452.
        c = greeted(mx)
        envelope(c)
        fill(mx)
        self.assertEqual(c.cmd("DATA")[:3], "354")
        c.send("X-Token: disk-full1\r\nSubject: full\r\n\r\n" +
               ("y" * 70 + "\r\n") * 1000 + ".\r\n")
        self.assertEqual(c.reply(), ["452 4.3.1 Insufficient system "
                                     "storage"])
        # A new transaction is refused at MAIL: no space for a message.
        self.assertEqual(c.cmd("MAIL FROM:<a@remote.test>"),
                         "452 4.3.1 Insufficient system storage")
        c.cmd("QUIT")
        mx.wait_log(r"warning: not enough free space in mail queue: \d+ "
                    r"bytes < 1\.5\*message size limit$")
        mx.wait_log(r"NOQUEUE: reject: MAIL from localhost\[127\.0\.0\.1\]: "
                    r"452 4\.3\.1 Insufficient system storage;")
        # Space again: mail flows; what was accepted was delivered.
        os.unlink(os.path.join(mx.queue, "filler"))
        send_tokens(mx, tokens("disk", 4, 8), accepted=accepted,
                    failed=failed)
        self.assertEqual(failed, {})
        counts = wait_delivered(self, mx, accepted,
                                lambda: mx.mailbox("alice"))
        self.assertEqual(counts["disk-full1"], 0)
        wait_consistent(self, mx)

    def test_unwritable_incoming(self):
        mx = self.instance()
        mx.start()
        accepted, failed = send_tokens(mx, tokens("mode", 0, 3))
        self.assertEqual(failed, {})
        incoming = os.path.join(mx.queue, "incoming")
        mode = os.stat(incoming).st_mode & 0o7777
        os.chmod(incoming, 0)
        try:
            c = greeted(mx)
            c.cmd("EHLO client.example.test")
            replies = [c.cmd("MAIL FROM:<a@remote.test>")]
            if replies[-1].startswith("250"):
                replies.append(c.cmd("RCPT TO:<%s>" % ALICE))
            if replies[-1].startswith("250"):
                replies.append(c.cmd("DATA"))
            if replies[-1].startswith("354"):
                c.send("X-Token: mode-denied\r\n\r\nx\r\n.\r\n")
                replies.append(c.reply()[-1])
            self.assertRegex(replies[-1], r"^4\d\d 4\.3\.\d ", replies)
            c.cmd("QUIT")
        finally:
            os.chmod(incoming, mode)
        send_tokens(mx, tokens("mode", 3, 6), accepted=accepted,
                    failed=failed)
        self.assertEqual(failed, {})
        counts = wait_delivered(self, mx, accepted,
                                lambda: mx.mailbox("alice"))
        self.assertEqual(counts["mode-denied"], 0)
        wait_consistent(self, mx)


def rewrite_request(mx, timeout=10):
    """One "rewrite" request to private/rewrite; the address returned."""
    path = os.path.join(mx.queue, "private", "rewrite")
    end = time.time() + timeout
    while True:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(timeout)
                s.connect(path)
                s.sendall(b"request=rewrite\nrule=local\naddress=user\n\n")
                out = b""
                while b"\n\n" not in out:
                    chunk = s.recv(4096)
                    if not chunk:
                        raise OSError("closed: %r" % out)
                    out += chunk
            attrs = dict(l.split("=", 1) for l in out.decode().split("\n")
                         if "=" in l)
            return attrs.get("address")
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.1)


def mount_tmpfs(tc, mx, size):
    """A small tmpfs on the queue directory, before the instance starts;
    unmounted after the instance is stopped."""
    etc = os.path.join(mx.queue, "etc")
    saved = os.path.join(mx.dir, "etc.saved")
    shutil.copytree(etc, saved)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=755" % size,
                    "tmpfs", mx.queue], check=True)
    # Cleanups run last-in first-out: this one after mx.__exit__ (which
    # was registered first, in instance()) ... so stop explicitly first.
    tc.addCleanup(subprocess.run, ["umount", "-l", mx.queue])
    tc.addCleanup(mx.stop)
    shutil.copytree(saved, etc)


def fill(mx):
    """Fill the queue file system up to the last byte."""
    path = os.path.join(mx.queue, "filler")
    chunk = b"\0" * 65536
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError:
                break
        while True:
            try:
                f.write(b"\0" * 512)
            except OSError:
                break


if __name__ == "__main__":
    unittest.main()
