"""test_pickup - local submission through postdrop(1) and pickup(8).

postdrop as root and as users with and without the postdrop group, the
"ID: uid=N from=<sender>" log line, mail dropped while the mail system is
down, forged maildrop files quarantined in corrupt/ while pickup keeps
running, and Debian's postcat reading our maildrop files (when Debian's
binaries are unpacked in /tmp/debpf).
"""
import grp
import os
import re
import shutil
import socket
import stat
import subprocess
import time
import unittest

import harness
import maildrop

DEBPF = "/tmp/debpf/root"
POSTDROP = os.path.join(harness.BUILD, "bin", "postdrop")
LOG_UID = r"postfix/pickup\[\d+\]: ([0-9A-Za-z]+): uid=%d from=<%s>$"


def postdrop(mx, data, user=None, groups=(), exe=POSTDROP):
    """Run postdrop -r with data on stdin, as root or as user (pwd entry)."""
    kw = {}
    if user is not None:
        kw = dict(user=user.pw_uid, group=user.pw_gid,
                  extra_groups=list(groups))
    return subprocess.run([exe, "-c", mx.conf, "-r"], input=data,
                          capture_output=True, timeout=30, **kw)


def trigger(mx):
    """Wake pickup as postdrop does."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(os.path.join(mx.queue, "public", "pickup"))
        s.sendall(b"W")


class PickupTest(unittest.TestCase):
    def setUp(self):
        self.mx = harness.Instance()

    def tearDown(self):
        self.mx.__exit__(None, None, None)

    def text(self, subject):
        return "Subject: %s\nTo: somebody\n\nbody of %s\n" % (subject, subject)

    def test_root_submission(self):
        mx = self.mx
        mx.start()
        r = postdrop(mx, maildrop.submission("root", ["root"],
                                             self.text("as-root")))
        self.assertEqual(r.returncode, 0, r.stderr)
        # The reply protocol: queue ID first, then the status.
        m = re.match(rb"protocol=postdrop_protocol\nqueue_id=([0-9A-Za-z]+)"
                     rb"\n\nstatus=0\nreason=\n\n$", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        qid = mx.wait_log(LOG_UID % (0, "root"))[0].group(1)
        mx.wait_log(qid + r": to=<root@mx\.example\.test>, orig_to=<root>"
                    r".*status=sent")
        box = mx.wait_mailbox("root", "body of as-root")
        self.assertRegex(box, r"Received: by mx\.example\.test \(Postfix, "
                         r"from userid 0\)\n\tid %s; " % qid)
        self.assertEqual(mx.queue_files("maildrop"), [])

    def test_user_with_postdrop_group(self):
        mx = self.mx
        mx.start()
        pw = mx.user("pkuser1")
        gid = grp.getgrnam("postdrop").gr_gid
        r = postdrop(mx, maildrop.submission("pkuser1", ["root"],
                                             self.text("as-user")),
                     user=pw, groups=[gid])
        self.assertEqual(r.returncode, 0, r.stderr)
        mx.wait_log(LOG_UID % (pw.pw_uid, "pkuser1"))
        mx.wait_mailbox("root", "body of as-user")
        self.assertIn("from userid %d)" % pw.pw_uid, mx.mailbox("root"))

    def test_user_without_postdrop_group(self):
        mx = self.mx
        mx.start()
        pw = mx.user("pkuser2")
        r = postdrop(mx, maildrop.submission("pkuser2", ["root"],
                                             self.text("denied")), user=pw)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"postdrop: fatal: create file in", r.stderr)
        self.assertIn(b"Permission denied", r.stderr)
        self.assertEqual(mx.queue_files("maildrop"), [])

    def test_setgid_refuses_other_config(self):
        """A set-gid postdrop run by a user may not take -c DIR unless
        /etc/postfix/main.cf lists DIR."""
        mx = self.mx
        mx.start()
        pw = mx.user("pkuser3")
        copy = os.path.join(mx.dir, "postdrop-sgid")
        shutil.copy(POSTDROP, copy)
        os.chown(copy, 0, grp.getgrnam("postdrop").gr_gid)
        os.chmod(copy, 0o2755)
        r = postdrop(mx, maildrop.submission("pkuser3", ["root"], "x\n"),
                     user=pw, exe=copy)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"postdrop: fatal: untrusted configuration directory: "
                      + mx.conf.encode(), r.stderr)
        self.assertEqual(mx.queue_files("maildrop"), [])

    def test_bad_input_leaves_nothing(self):
        mx = self.mx
        mx.start()
        good = maildrop.submission("root", ["root"], "x\n")
        cases = {
            "bad type": good[:0] + maildrop.record("Q", "smtp:x") + good,
            "time from client": maildrop.record("T", "1 1") + good,
            "truncated": good[:-5],
            "NUL in sender": good.replace(b"S\x04root", b"S\x04r\0ot"),
            "huge length": b"S\xff\xff\xff\xff\x7f",
        }
        for name, data in cases.items():
            r = postdrop(mx, data)
            self.assertEqual(r.returncode, 1, name)
            self.assertIn(b"postdrop: fatal: uid=0: ", r.stderr, name)
        self.assertEqual([f for f in os.listdir(
            os.path.join(mx.queue, "maildrop"))], [])

    def test_extracted_and_long_lines(self):
        mx = self.mx
        mx.start()
        long_line = "y" * 5000
        data = maildrop.submission(
            "root", [], "Subject: t\n\n%s\nend\n" % long_line,
            extracted=["root"], attrs=["notify_flags=2", "envelope_id=E1"],
            fullname="Root User")
        r = postdrop(mx, data)
        self.assertEqual(r.returncode, 0, r.stderr)
        box = mx.wait_mailbox("root", r"\nend\n")
        self.assertIn(long_line + "\n", box)
        self.assertIn("From: Root User <root@mx.example.test>", box)

    def test_dropped_while_down(self):
        mx = self.mx
        mx.start()
        mx.stop()
        r = postdrop(mx, maildrop.submission("root", ["root"],
                                             self.text("while-down")))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"warning: unable to look up public/pickup", r.stderr)
        self.assertEqual(len(mx.queue_files("maildrop")), 1)
        mx.start()
        mx.wait_mailbox("root", "body of while-down")
        self.assertEqual(mx.queue_files("maildrop"), [])

    def forge(self, name, data):
        path = os.path.join(self.mx.queue, "maildrop", name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o744)

    def test_forged_files_to_corrupt(self):
        mx = self.mx
        mx.start()
        good = maildrop.maildrop_file("root", ["root"], "Subject: ok\n\nok\n")
        recs = maildrop.records(good)

        def join(rs):
            return b"".join(maildrop.record(t, d) for t, d in rs)
        forged = {
            "F00001": good[:20] + b"Z\x01x" + good[20:],       # bad type
            "F00002": join(recs[:2]) + b"N\xff\xff\xff\xff\x7f" + b"x" * 10,
            "F00003": join(recs[:3] + [("S", b"ro\0ot")] + recs[4:]),
            "F00004": good[:len(good) - 9],                    # truncated
            "F00005": join(recs[:-1]),                         # no END
            "F00006": good + maildrop.record("N", "after end"),
            "F00007": join(recs[:1] + [("Q", b"smtp:evil")] + recs[1:]),
            "F00008": join([r for r in recs if r[0] != "S"]),  # no sender
            "F00009": join([r for r in recs if r[0] != "R"]),  # no rcpt
            "F0000A": join(recs[1:]),                          # no time
            "F0000B": join(recs[:1] + [("A", b"ret_flags=x")] + recs[1:]),
            "F0000C": b"",
        }
        # First a good message, so that pickup and postlogd run (a line
        # logged before postlogd is up is lost by design).
        r = postdrop(mx, maildrop.submission("root", ["root"],
                                             self.text("before-forgery")))
        self.assertEqual(r.returncode, 0, r.stderr)
        mx.wait_mailbox("root", "body of before-forgery")
        pid = mx.pids("pickup")
        self.assertTrue(pid)
        for name, data in forged.items():
            self.forge(name, data)
        # A 0600 file is still being written: never touched.
        self.forge("F0000D", good)
        os.chmod(os.path.join(mx.queue, "maildrop", "F0000D"), 0o600)
        r = postdrop(mx, maildrop.submission("root", ["root"],
                                             self.text("after-forgery")))
        self.assertEqual(r.returncode, 0, r.stderr)
        mx.wait_mailbox("root", "body of after-forgery")
        end = time.time() + 20
        while (len(mx.queue_files("corrupt")) < len(forged)
               and time.time() < end):
            time.sleep(0.1)
        self.assertEqual(mx.queue_files("corrupt"), sorted(forged))
        self.assertEqual(mx.queue_files("maildrop"), ["F0000D"])
        for name in forged:
            mx.wait_log(r"postfix/pickup\[\d+\]: warning: %s: uid=0: .* -- "
                        r"moving to corrupt queue" % name)
        self.assertNotRegex(mx.log(), r"panic:|fatal:")
        # The same pickup process is still serving.
        self.assertTrue(mx.pids("master"))
        self.assertEqual(mx.pids("pickup"), pid)
        # And it still answers a wake-up.
        trigger(mx)
        time.sleep(0.5)
        self.assertEqual(mx.pids("pickup"), pid)

    @unittest.skipUnless(os.path.exists(DEBPF + "/usr/sbin/postcat"),
                         "Debian's postfix not unpacked in " + DEBPF)
    def test_debian_postcat_reads_maildrop(self):
        mx = self.mx
        mx.start()
        mx.stop()
        r = postdrop(mx, maildrop.submission(
            "alice", ["bob", "carol@x.test"], "Subject: pc\n\nline\n",
            fullname="Alice A", attrs=["encoding=8bit"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        name = mx.queue_files("maildrop")[0]
        path = os.path.join(mx.queue, "maildrop", name)
        st = os.stat(path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o744)
        env = dict(os.environ, LD_LIBRARY_PATH=DEBPF + "/usr/lib/postfix",
                   MAIL_CONFIG=mx.conf)
        out = subprocess.run([DEBPF + "/usr/sbin/postcat", path], env=env,
                             capture_output=True, text=True).stdout
        body = re.sub(r"message_arrival_time: .*\n", "", out)
        self.assertIn("message_arrival_time: ", out)
        self.assertEqual(body, (
            "*** ENVELOPE RECORDS %s ***\n"
            "named_attribute: rewrite_context=local\n"
            "sender_fullname: Alice A\n"
            "sender: alice\n"
            "named_attribute: encoding=8bit\n"
            "recipient: bob\n"
            "recipient: carol@x.test\n"
            "*** MESSAGE CONTENTS %s ***\n"
            "Subject: pc\n"
            "\n"
            "line\n"
            "*** HEADER EXTRACTED %s ***\n"
            "*** MESSAGE FILE END %s ***\n") % ((path,) * 4))


if __name__ == "__main__":
    unittest.main()
