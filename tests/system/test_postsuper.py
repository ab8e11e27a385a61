"""test_postsuper - postsuper(1): hold, release, delete, requeue (by ID,
ALL, queue names, IDs on standard input), structure repair (-s) and
temporary file purge (-p), the reports on standard error and the mail
log, compared exactly with the text Postfix 3.7 prints (the samples in
/work/shared/reference/postfix-3.7-samples.md and runs of Debian's
postsuper). When Debian's binaries are unpacked in /tmp/debpf/root, one
test runs both on the same queue contents and compares their output.

Queue files are written the way cleanup writes them (test_queue's
queue_file()), with queue IDs whose inode part is right unless a test
wants it wrong. Most tests need only the queue directories ("postfix
check" makes them); one runs the whole mail system.
"""
import os
import pwd
import re
import shutil
import subprocess
import time
import unittest

import harness
from test_queue import queue_file

DEB_ROOT = "/tmp/debpf/root"
DEB_POSTSUPER = os.path.join(DEB_ROOT, "usr/sbin/postsuper")
WEEK = 7 * 24 * 3600


class PostsuperTest(unittest.TestCase):
    main_cf = {}

    def setUp(self):
        self.mx = harness.Instance(main_cf=dict(self.main_cf))
        self.mx.__enter__()
        self.addCleanup(self.mx.__exit__, None, None, None)
        self.mx.run_cmd("postfix", "check")
        self.owner = pwd.getpwnam("postfix")
        self.usec = 0x10000

    # --- queue contents ----------------------------------------------------
    def qpath(self, queue, qid):
        """Where a file of queue lives (hash_queue_names: deferred, defer)."""
        if queue in ("deferred", "defer"):
            return os.path.join(self.mx.queue, queue, qid[0], qid)
        return os.path.join(self.mx.queue, queue, qid)

    def write(self, path, data, mode=0o700, mtime=None):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        os.chown(os.path.dirname(path), self.owner.pw_uid, self.owner.pw_gid)
        os.chmod(path, mode)
        if mtime is not None:
            os.utime(path, (mtime, mtime))

    def put(self, queue, mtime=None):
        """A message in queue, named as cleanup names it; returns its ID."""
        tmp = os.path.join(self.mx.queue, queue, ".new")
        self.write(tmp, queue_file("a@remote.test", ["alice@mx.example.test"]))
        self.usec += 1
        qid = "%05X%X" % (self.usec, os.stat(tmp).st_ino)
        path = self.qpath(queue, qid)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.chown(os.path.dirname(path), self.owner.pw_uid, self.owner.pw_gid)
        os.rename(tmp, path)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return qid

    def mkdir(self, path):
        """A directory owned by mail_owner, as postsuper would see one."""
        os.makedirs(path, exist_ok=True)
        os.chown(path, self.owner.pw_uid, self.owner.pw_gid)

    def log_file(self, queue, qid):
        self.write(self.qpath(queue, qid), b"recipient=x\n\n", mode=0o600)

    def where(self, qid):
        return sorted(q for q in ("incoming", "active", "deferred", "hold",
                                  "maildrop", "corrupt", "defer", "bounce",
                                  "trace") if qid in self.mx.queue_files(q))

    def postsuper(self, *args, input=None, status=0):
        r = self.mx.run_cmd("postsuper", *args, check=False, input=input)
        self.assertEqual(r.returncode, status, r.stderr)
        return r.stderr

    def assert_logged(self, text):
        lines = [re.sub(r"^.*? postfix/postsuper\[\d+\]: ", "", l)
                 for l in self.mx.log().splitlines() if "postsuper[" in l]
        self.assertIn(text, lines)

    # --- hold and release --------------------------------------------------
    def test_hold_and_release_by_id(self):
        qid = self.put("deferred")
        self.assertEqual(self.postsuper("-h", qid),
                         "postsuper: %s: placed on hold\n"
                         "postsuper: Placed on hold: 1 message\n" % qid)
        self.assertEqual(self.where(qid), ["hold"])
        self.assert_logged("%s: placed on hold" % qid)
        old = time.time() - 3600
        os.utime(self.qpath("hold", qid), (old, old))
        # Released into deferred/, its hash directory, mtime kept.
        self.assertEqual(self.postsuper("-H", qid),
                         "postsuper: %s: released from hold\n"
                         "postsuper: Released from hold: 1 message\n" % qid)
        self.assertTrue(os.path.exists(self.qpath("deferred", qid)))
        self.assertEqual(int(os.stat(self.qpath("deferred", qid)).st_mtime),
                         int(old))
        self.assert_logged("Released from hold: 1 message")
        # Not there any more: nothing to do, no per-message line.
        self.assertEqual(self.postsuper("-H", qid),
                         "postsuper: Released from hold: 0 messages\n")

    def test_hold_all_release_all(self):
        ids = [self.put(q) for q in ("incoming", "active", "deferred")]
        held = self.put("hold")
        # ALL: no per-message lines, the count only (as the samples).
        self.assertEqual(self.postsuper("-h", "ALL"),
                         "postsuper: Placed on hold: 3 messages\n")
        for qid in ids + [held]:
            self.assertEqual(self.where(qid), ["hold"])
        self.assertEqual(self.postsuper("-H", "ALL"),
                         "postsuper: Released from hold: 4 messages\n")
        for qid in ids + [held]:
            self.assertEqual(self.where(qid), ["deferred"])

    def test_file_being_written_is_not_held(self):
        qid = self.put("incoming")
        os.chmod(self.qpath("incoming", qid), 0o600)
        self.assertEqual(self.postsuper("-h", "ALL"),
                         "postsuper: Placed on hold: 0 messages\n")
        self.assertEqual(self.where(qid), ["incoming"])

    def test_order_of_requests_and_reports(self):
        """Requests run in command-line order, reports in Postfix's."""
        a, b = self.put("hold"), self.put("deferred")
        self.assertEqual(self.postsuper("-H", "ALL", "-h", "ALL"),
                         "postsuper: Placed on hold: 2 messages\n"
                         "postsuper: Released from hold: 1 message\n")
        self.assertEqual((self.where(a), self.where(b)), (["hold"], ["hold"]))

    # --- delete --------------------------------------------------------------
    def test_delete_by_id_removes_logs(self):
        qid = self.put("deferred")
        for q in ("defer", "bounce", "trace"):
            self.log_file(q, qid)
        other = self.put("hold")
        self.assertEqual(self.postsuper("-d", qid),
                         "postsuper: %s: removed\n"
                         "postsuper: Deleted: 1 message\n" % qid)
        self.assertEqual(self.where(qid), [])
        self.assertEqual(self.where(other), ["hold"])
        self.assert_logged("%s: removed" % qid)
        self.assert_logged("Deleted: 1 message")

    def test_delete_all_default_queues(self):
        ids = [self.put(q) for q in ("hold", "incoming", "active",
                                     "deferred", "maildrop")]
        self.assertEqual(self.postsuper("-d", "ALL"),
                         "postsuper: Deleted: 5 messages\n")
        for qid in ids:
            self.assertEqual(self.where(qid), [])
        self.assertEqual(self.postsuper("-d", "ALL"),
                         "postsuper: Deleted: 0 messages\n")

    def test_delete_all_in_named_queues(self):
        d1, d2 = self.put("deferred"), self.put("deferred")
        self.log_file("defer", d1)
        h, i = self.put("hold"), self.put("incoming")
        self.assertEqual(self.postsuper("-d", "ALL", "deferred"),
                         "postsuper: Deleted: 2 messages\n")
        self.assertEqual([self.where(x) for x in (d1, d2, h, i)],
                         [[], [], ["hold"], ["incoming"]])
        self.assertEqual(self.postsuper("-d", "ALL", "hold", "incoming"),
                         "postsuper: Deleted: 2 messages\n")
        # A message is looked for only in the queues named.
        m = self.put("hold")
        self.assertEqual(self.postsuper("-d", m, "deferred"),
                         "postsuper: Deleted: 0 messages\n")
        self.assertEqual(self.postsuper("-d", "ALL", "corrupt", status=1),
                         "postsuper: fatal: invalid directory name: "
                         "corrupt\n")
        self.assertEqual(self.where(m), ["hold"])

    def test_delete_ids_from_stdin(self):
        a, b = self.put("hold"), self.put("deferred")
        keep = self.put("hold")
        out = self.postsuper("-d", "-",
                             input="%s\n../etc/passwd\n\nABCDEF0123\n%s\n"
                             % (a, b))
        self.assertEqual(out,
                         "postsuper: %s: removed\n"
                         "postsuper: warning: invalid mail queue id: "
                         "../etc/passwd\n"
                         "postsuper: warning: invalid mail queue id: \n"
                         "postsuper: %s: removed\n"
                         "postsuper: Deleted: 2 messages\n" % (a, b))
        self.assertEqual(self.where(keep), ["hold"])
        # Standard input is read once: a second "-" finds nothing.
        c = self.put("deferred")
        self.assertEqual(self.postsuper("-h", "-", "-d", "-",
                                        input=c + "\n"),
                         "postsuper: %s: placed on hold\n"
                         "postsuper: Deleted: 0 messages\n"
                         "postsuper: Placed on hold: 1 message\n" % c)

    def test_all_must_be_upper_case(self):
        qid = self.put("hold")
        self.assertEqual(self.postsuper("-d", "all"),
                         "postsuper: Deleted: 0 messages\n")
        self.assertEqual(self.where(qid), ["hold"])

    # --- requeue -------------------------------------------------------------
    def test_requeue(self):
        old = time.time() - 7200
        qid = self.put("hold", mtime=old)
        self.log_file("defer", qid)
        self.assertEqual(self.postsuper("-r", qid),
                         "postsuper: %s: requeued\n"
                         "postsuper: Requeued: 1 message\n" % qid)
        # Into incoming/ (see postsuper.c), due now; logs kept.
        self.assertEqual(self.where(qid), ["defer", "incoming"])
        self.assertGreater(os.stat(self.qpath("incoming", qid)).st_mtime,
                           time.time() - 60)
        self.put("deferred")
        self.assertEqual(self.postsuper("-r", "ALL"),
                         "postsuper: Requeued: 2 messages\n")
        self.assertEqual(len(self.mx.queue_files("incoming")), 2)

    # --- -s, -S, -p ---------------------------------------------------------
    def test_structure_repair_hash_directory(self):
        qid = self.put("deferred")
        wrong = os.path.join(self.mx.queue, "deferred", "Z", qid)
        self.mkdir(os.path.dirname(wrong))
        os.rename(self.qpath("deferred", qid), wrong)
        held = self.put("hold")
        sub = os.path.join(self.mx.queue, "hold", "6")
        self.mkdir(sub)
        os.rename(self.qpath("hold", held), os.path.join(sub, held))
        # Names match the inodes: moved silently, nothing renamed.
        self.assertEqual(self.postsuper("-s"), "")
        self.assertTrue(os.path.exists(self.qpath("deferred", qid)))
        self.assertFalse(os.path.exists(wrong))
        self.assertTrue(os.path.exists(self.qpath("hold", held)))
        self.assertFalse(os.path.exists(sub))

    def test_structure_repair_inode_mismatch(self):
        qid = self.put("hold")
        bad = qid[:5] + "ABCDE1"
        os.rename(self.qpath("hold", qid), self.qpath("hold", bad))
        self.log_file("defer", bad)
        self.log_file("bounce", bad)
        self.assertEqual(self.postsuper("-s"),
                         "postsuper: Renamed to match inode number: "
                         "1 message\n"
                         "postsuper: warning: QUEUE FILE NAMES WERE CHANGED "
                         "TO MATCH INODE NUMBERS\n")
        # Back to the name cleanup gave it; the logs follow.
        self.assertEqual(self.where(qid), ["bounce", "defer", "hold"])
        self.assertEqual(self.where(bad), [])
        self.assert_logged("Renamed to match inode number: 1 message")

    def test_bogus_file_name(self):
        self.write(os.path.join(self.mx.queue, "incoming", "junk"), b"x")
        self.assertEqual(self.postsuper("-s"),
                         "postsuper: warning: bogus file name: "
                         "incoming/junk\n")

    def test_purge_old_temporary_files(self):
        q = self.mx.queue
        old = time.time() - WEEK - 3600
        self.write(os.path.join(q, "incoming", ".123.0"), b"x", 0o600, old)
        self.write(os.path.join(q, "hold", "0000ADEAD"), b"x", 0o600, old)
        self.write(os.path.join(q, "incoming", ".123.1"), b"x", 0o600,
                   time.time() - WEEK + 3600)
        ready = self.put("deferred", mtime=old)
        self.log_file("defer", ready)
        os.utime(self.qpath("defer", ready), (old, old))
        self.assertEqual(self.postsuper("-p"), "")
        self.assertEqual(sorted(os.listdir(os.path.join(q, "incoming"))),
                         [".123.1"])
        self.assertEqual(os.listdir(os.path.join(q, "hold")), [])
        # Complete messages and log files are never temporary files.
        self.assertEqual(self.where(ready), ["defer", "deferred"])

    def test_default_is_structure_and_purge(self):
        q = self.mx.queue
        old = time.time() - WEEK - 3600
        self.write(os.path.join(q, "incoming", ".9.9"), b"x", 0o600, old)
        qid = self.put("deferred")
        wrong = os.path.join(q, "deferred", "Q", qid)
        self.mkdir(os.path.dirname(wrong))
        os.rename(self.qpath("deferred", qid), wrong)
        self.assertEqual(self.postsuper(), "")
        self.assertEqual(os.listdir(os.path.join(q, "incoming")), [])
        self.assertTrue(os.path.exists(self.qpath("deferred", qid)))

    # --- errors --------------------------------------------------------------
    def test_usage_and_privileges(self):
        out = self.postsuper("-x", status=1)
        self.assertTrue(out.startswith("postsuper: invalid option -- 'x'\n"
                                       "postsuper: fatal: usage: postsuper "
                                       "[-c config_dir] "), out)
        r = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
             os.path.join(harness.BUILD, "bin", "postsuper"), "-c",
             self.mx.conf, "-d", "ALL"], capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr),
                         (1, "postsuper: fatal: use of this command is "
                             "reserved for the superuser\n"))

    # --- the same queue under Debian's postsuper ------------------------------
    @unittest.skipUnless(os.path.exists(DEB_POSTSUPER), "no Debian postfix")
    def test_same_output_as_debian(self):
        # Debian's postsuper opens maillog_file as mail_owner.
        open(self.mx.maillog, "a").close()
        os.chown(self.mx.maillog, self.owner.pw_uid, self.owner.pw_gid)
        env = dict(os.environ,
                   LD_LIBRARY_PATH=os.path.join(DEB_ROOT, "usr/lib/postfix"))
        runs = [("-h", "ALL"), ("-H", "ALL"), ("-h", "ALL", "-H", "ALL"),
                ("-d", "-"), ("-d", "ALL", "hold", "incoming"),
                ("-d", "ALL")]
        for args in runs:
            outs = []
            for prog in (DEB_POSTSUPER, "ours"):
                self.put("hold"), self.put("deferred"), self.put("incoming")
                stdin = "\n".join(self.mx.queue_files("hold")) + "\nx/y\n"
                if prog == "ours":
                    outs.append(self.postsuper(*args, input=stdin))
                else:
                    r = subprocess.run([prog, "-c", self.mx.conf] +
                                       list(args), input=stdin, env=env,
                                       capture_output=True, text=True)
                    outs.append(r.stderr)
                self.mx.run_cmd("postsuper", "-d", "ALL")
            # Queue IDs differ between the two runs; the text does not.
            outs = [re.sub(r"[0-9A-F]{10,}", "ID", o) for o in outs]
            self.assertEqual(outs[0], outs[1], args)


class RunningSystemTest(unittest.TestCase):
    """postsuper while the mail system runs: release a held message."""

    def test_release_held_message_is_delivered(self):
        with harness.Instance(aliases={"postmaster": "root",
                                       "alice": "root"}) as mx:
            checks = os.path.join(mx.conf, "header_checks")
            with open(checks, "w") as f:
                f.write("/^Subject: hold-me/ HOLD\n")
            mx.write_main_cf({"header_checks": "regexp:" + checks})
            mx.start()
            with mx.smtp() as s:
                s.sendmail("a@remote.test", ["alice@mx.example.test"],
                           harness.message(subject="hold-me"))
            m = mx.wait_log(r"postfix/cleanup\[\d+\]: (\w+): hold: header")
            qid = m[0].group(1)
            end = time.time() + 10
            while qid not in mx.queue_files("hold") and time.time() < end:
                time.sleep(0.05)
            r = mx.run_cmd("postsuper", "-H", qid)
            self.assertEqual(r.stderr,
                             "postsuper: %s: released from hold\n"
                             "postsuper: Released from hold: 1 message\n"
                             % qid)
            mx.wait_log(r"%s: to=<.*status=sent" % qid, timeout=30)
            mx.wait_queue_empty()


if __name__ == "__main__":
    unittest.main()
