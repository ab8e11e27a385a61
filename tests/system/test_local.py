"""test_local - local(8) end to end: SMTP in, delivery by local into mbox,
Maildir, files, commands, aliases, :include:, .forward, luser_relay, the
unknown-user bounce, mailbox_size_limit and the Delivered-To loop check.

local runs without chroot in Debian's master.cf; the instances here run
every service without chroot so that only local's behaviour is tested.
"""
import grp
import os
import pwd
import re
import signal
import stat
import subprocess
import time
import unittest

import harness

HOST = harness.HOSTNAME


def start(mx):
    """postfix start; until that command exists, master -w on its own
    (Instance.__exit__ then kills master)."""
    if os.path.exists(os.path.join(harness.BUILD, "bin", "postfix")):
        mx.start()
        return
    pw = pwd.getpwnam("postfix")
    postdrop = grp.getgrnam("postdrop").gr_gid
    for d in ("public", "private", "incoming", "active", "deferred", "hold",
              "corrupt", "bounce", "defer", "trace", "maildrop", "pid",
              "saved", "flush"):
        path = os.path.join(mx.queue, d)
        os.makedirs(path, exist_ok=True)
        os.chown(path, 0 if d == "pid" else pw.pw_uid,
                 postdrop if d in ("public", "maildrop") else pw.pw_gid)
        os.chmod(path, 0o755 if d == "pid" else
                 0o710 if d == "public" else 0o700)
    subprocess.run([os.path.join(harness.BUILD, "bin", "master"), "-c",
                    mx.conf, "-w"], check=True, capture_output=True)
    mx.wait_port()


def stop_master(mx):
    """The stop half of the fallback in start()."""
    for pid in mx.pids("master"):
        os.kill(pid, signal.SIGTERM)
    end = time.time() + 10
    while mx.pids("master") and time.time() < end:
        time.sleep(0.05)


def send(mx, rcpt, body="hello\n", sender="a@remote.test", extra=""):
    """One message to rcpt (a list or one address) over SMTP."""
    rcpts = rcpt if isinstance(rcpt, list) else [rcpt]
    msg = harness.message(to=", ".join(rcpts), body=body, sender=sender,
                          extra=extra)
    with mx.smtp() as s:
        s.sendmail(sender, rcpts, msg)


def line_for(mx, rcpt, status="sent", orig=None, reason=".*"):
    """The delivery log line of local for rcpt, once it is there. Give
    reason when rcpt has several lines (a forward, then the delivery of
    the new message: two local processes may log them in either order)."""
    pat = r"postfix/local\[\d+\]: \w+: to=<%s>" % re.escape(rcpt)
    if orig:
        pat += r", orig_to=<%s>" % re.escape(orig)
    pat += r", relay=local, delay=[\d.]+, delays=[\d./]+, dsn=\d\.\d\.\d, " \
           r"status=%s \((%s)\)" % (status, reason)
    return mx.wait_log(pat)[0]


class LocalTest(unittest.TestCase):

    def instance(self, main_cf=None, aliases=None):
        params = {"recipient_delimiter": "+"}
        params.update(main_cf or {})
        mx = harness.Instance(main_cf=params, aliases=aliases, chroot=False)
        self.addCleanup(mx.__exit__, None, None, None)
        self.addCleanup(stop_master, mx)
        return mx

    def test_mbox(self):
        mx = self.instance()
        pw = mx.user("lalice")
        start(mx)
        send(mx, "lalice@" + HOST, body="From me\n>From you\nbye\n")
        m = line_for(mx, "lalice@" + HOST)
        self.assertEqual(m.group(1), "delivered to mailbox")
        self.assertIn("dsn=2.0.0", m.group(0))
        box = mx.wait_mailbox("lalice", r"bye")
        self.assertRegex(box, r"^From a@remote\.test  \w{3} \w{3} [ \d]\d "
                              r"\d\d:\d\d:\d\d \d{4}\n")
        self.assertIn("\nReturn-Path: <a@remote.test>\n"
                      "X-Original-To: lalice@%s\n"
                      "Delivered-To: lalice@%s\n" % (HOST, HOST), box)
        # Only "From " is quoted (mboxo, as Postfix): ">From" stays.
        self.assertIn("\n>From me\n>From you\nbye\n\n", box)
        self.assertTrue(box.endswith("bye\n\n"))
        st = os.stat(os.path.join(mx.spool, "lalice"))
        self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)),
                         (pw.pw_uid, 0o600))
        self.assertFalse(os.path.exists(os.path.join(mx.spool,
                                                     "lalice.lock")))
        # A second message is appended after the first.
        send(mx, "LAlice@" + HOST, body="second\n")
        mx.wait_log(r"to=<(?i:lalice)@%s>.*delivered to mailbox" % HOST,
                    count=2)
        box = mx.wait_mailbox("lalice", r"second")
        self.assertEqual(len(re.findall(r"^From a@remote", box, re.M)), 2)

    def test_maildir(self):
        mx = self.instance({"home_mailbox": "Maildir/"})
        pw = mx.user("lalice")
        start(mx)
        send(mx, "lalice+tag@" + HOST, body="From x\n")
        m = line_for(mx, "lalice+tag@" + HOST)
        self.assertEqual(m.group(1), "delivered to maildir")
        msgs = mx.maildir_messages(pw.pw_dir)
        self.assertEqual(len(msgs), 1)
        self.assertTrue(msgs[0].startswith(
            "Return-Path: <a@remote.test>\n"
            "X-Original-To: lalice+tag@%s\n"
            "Delivered-To: lalice+tag@%s\n" % (HOST, HOST)))
        self.assertIn("\nFrom x\n", msgs[0])
        new = os.path.join(pw.pw_dir, "Maildir", "new")
        name = os.listdir(new)[0]
        self.assertRegex(name, r"^\d+\.V[0-9a-f]+I[0-9a-f]+M\d+\.")
        self.assertEqual(os.stat(os.path.join(new, name)).st_uid, pw.pw_uid)
        self.assertEqual(os.listdir(os.path.join(pw.pw_dir, "Maildir",
                                                 "tmp")), [])

    def test_aliases(self):
        mx = self.instance()
        out = os.path.join(mx.dir, "out")
        os.makedirs(out)
        os.chmod(out, 0o1777)
        incl = os.path.join(mx.dir, "list.inc")
        with open(incl, "w") as f:
            f.write("# members\nlalice\n%s/incfile\n" % out)
        mx.write_aliases({
            "postmaster": "root",
            "root": "lalice",
            "tofile": out + "/file",
            "tocmd": '"|cat > %s/cmd; id -un > %s/cmd.id"' % (out, out),
            "incl": ":include:" + incl,
            "self": "self, lalice",
        })
        mx.user("lalice")
        start(mx)
        send(mx, "root@" + HOST)
        m = line_for(mx, "lalice@" + HOST, orig="root@" + HOST)
        self.assertEqual(m.group(1), "delivered to mailbox")
        send(mx, "tofile@" + HOST, body="to a file\n")
        m = line_for(mx, "tofile@" + HOST)
        self.assertEqual(m.group(1), "delivered to file: %s/file" % out)
        with open(out + "/file") as f:
            text = f.read()
        self.assertTrue(text.startswith("From a@remote.test  "))
        self.assertIn("Delivered-To: tofile@%s\n" % HOST, text)
        # Root-owned aliases run as default_privs (nobody).
        self.assertEqual(os.stat(out + "/file").st_uid,
                         pwd.getpwnam("nobody").pw_uid)
        send(mx, "tocmd@" + HOST, body="to a command\n")
        m = line_for(mx, "tocmd@" + HOST)
        self.assertTrue(m.group(1).startswith("delivered to command: cat > "))
        with open(out + "/cmd") as f:
            self.assertIn("to a command\n", f.read())
        with open(out + "/cmd.id") as f:
            self.assertEqual(f.read().strip(), "nobody")
        # Addresses in :include: files are resubmitted; files there are
        # not allowed by default (allow_mail_to_files = alias, forward).
        send(mx, "incl@" + HOST, body="included\n")
        m = line_for(mx, "lalice@" + HOST, orig="incl@" + HOST,
                     reason="forwarded as .*")
        self.assertRegex(m.group(1), r"^forwarded as [0-9A-F]+$")
        m = line_for(mx, "incl@" + HOST, status="bounced")
        self.assertEqual(m.group(1), "mail to file is restricted")
        mx.wait_mailbox("lalice", r"included")
        # An alias that names itself means the user of that name: none.
        send(mx, "self@" + HOST, sender="")
        m = line_for(mx, "self@" + HOST, status="bounced")
        self.assertEqual(m.group(1), 'unknown user: "self"')
        line_for(mx, "lalice@" + HOST, orig="self@" + HOST)

    def test_owner_alias(self):
        mx = self.instance(aliases={"postmaster": "root",
                                    "list": "lalice, lbob",
                                    "owner-list": "lalice"})
        mx.user("lalice")
        mx.user("lbob")
        start(mx)
        send(mx, "list@" + HOST, body="to the list\n")
        # With an owner- alias the members get a new message, from it.
        for user in ("lalice", "lbob"):
            m = line_for(mx, "%s@%s" % (user, HOST),
                         reason="forwarded as .*")
            self.assertRegex(m.group(1), r"^forwarded as [0-9A-F]+$")
            queue_id = m.group(1).split()[-1]
            mx.wait_log(r"%s: from=<owner-list@%s>" % (queue_id, HOST))
            box = mx.wait_mailbox(user, r"to the list")
            self.assertIn("Return-Path: <owner-list@%s>\n" % HOST, box)
            self.assertIn("Delivered-To: list@%s\n" % HOST, box)

    def test_command_time_limit(self):
        mx = self.instance({"mailbox_command": "sleep 60",
                            "command_time_limit": "1s"})
        mx.user("lalice")
        start(mx)
        started = time.time()
        send(mx, "lalice@" + HOST, sender="")
        m = line_for(mx, "lalice@" + HOST, status="bounced")
        self.assertEqual(m.group(1),
                         'Command time limit exceeded: "sleep 60"')
        self.assertLess(time.time() - started, 30)
        mx.wait_log(r"warning: sleep 60: process id \d+: command time "
                    r"limit exceeded")

    def test_restricted_command(self):
        mx = self.instance({"allow_mail_to_commands": "forward"},
                           aliases={"postmaster": "root",
                                    "cmd": "|/bin/true"})
        start(mx)
        send(mx, "cmd@" + HOST, sender="")
        m = line_for(mx, "cmd@" + HOST, status="bounced")
        self.assertEqual(m.group(1), "mail to command is restricted")
        self.assertIn("dsn=5.7.1", m.group(0))

    def test_forward(self):
        mx = self.instance()
        mx.user("lalice")
        bob = mx.user("lbob")
        fwd = os.path.join(bob.pw_dir, ".forward")
        with open(fwd, "w") as f:
            f.write("lalice, \\lbob\n")
        os.chown(fwd, bob.pw_uid, bob.pw_gid)
        start(mx)
        send(mx, "lbob@" + HOST)
        m = line_for(mx, "lbob@" + HOST)
        self.assertEqual(m.group(1), "delivered to mailbox")
        # Another local user in a .forward: a new message via cleanup.
        m = line_for(mx, "lalice@" + HOST, orig="lbob@" + HOST,
                     reason="forwarded as .*")
        self.assertRegex(m.group(1), r"^forwarded as [0-9A-F]+$")
        queue_id = m.group(1).split()[-1]
        mx.wait_log(r"%s: to=<lalice@%s>.*status=sent \(delivered to "
                    r"mailbox\)" % (queue_id, HOST))
        box = mx.wait_mailbox("lalice", r"hello")
        self.assertIn("Delivered-To: lbob@%s\n" % HOST, box)
        self.assertIn("hello", mx.mailbox("lbob"))

    def test_luser_relay(self):
        mx = self.instance({"local_recipient_maps": "",
                            "luser_relay": "lalice+$user"})
        mx.user("lalice")
        start(mx)
        send(mx, "nosuch@" + HOST)
        m = line_for(mx, "lalice+nosuch@" + HOST, orig="nosuch@" + HOST)
        self.assertEqual(m.group(1), "delivered to mailbox")
        mx.wait_mailbox("lalice", r"hello")

    def test_unknown_user(self):
        mx = self.instance({"local_recipient_maps": ""})
        start(mx)
        send(mx, "nosuchuser@" + HOST, sender="")
        m = line_for(mx, "nosuchuser@" + HOST, status="bounced")
        self.assertEqual(m.group(1), 'unknown user: "nosuchuser"')
        self.assertIn("dsn=5.1.1", m.group(0))
        mx.wait_queue_empty()

    def test_mailbox_size_limit(self):
        mx = self.instance({"mailbox_size_limit": "4000",
                            "message_size_limit": "2000"})
        pw = mx.user("lalice")
        path = os.path.join(mx.spool, "lalice")
        old = "From x  Thu Jan  1 00:00:00 1970\n" + "x" * 3900 + "\n\n"
        with open(path, "w") as f:
            f.write(old)
        os.chown(path, pw.pw_uid, pw.pw_gid)
        os.chmod(path, 0o600)
        start(mx)
        send(mx, "lalice@" + HOST, sender="", body="y" * 500 + "\n")
        m = line_for(mx, "lalice@" + HOST, status="bounced")
        self.assertIn("dsn=5.2.2", m.group(0))
        self.assertEqual(m.group(1), "cannot update mailbox %s for user "
                         "lalice. error writing message: File too large"
                         % path)
        self.assertEqual(mx.mailbox("lalice"), old)

    def test_mailbox_command(self):
        cmd = ('env > "$HOME/env.$EXTENSION"; cat > "$HOME/msg"; '
               'test "$EXTENSION" != fail || { echo "no way"; exit 75; }')
        mx = self.instance({"mailbox_command": cmd})
        pw = mx.user("lalice")
        start(mx)
        send(mx, "lalice+list@" + HOST)
        m = line_for(mx, "lalice+list@" + HOST)
        self.assertEqual(m.group(1), "delivered to command: " + cmd)
        envf = os.path.join(pw.pw_dir, "env.list")
        self.assertEqual(os.stat(envf).st_uid, pw.pw_uid)
        with open(envf) as f:
            env = dict(l.split("=", 1) for l in f.read().splitlines()
                       if "=" in l)
        want = {"EXTENSION": "list", "USER": "lalice", "LOGNAME": "lalice",
                "HOME": pw.pw_dir, "RECIPIENT": "lalice+list@" + HOST,
                "LOCAL": "lalice+list", "DOMAIN": HOST,
                "SENDER": "a@remote.test",
                "ORIGINAL_RECIPIENT": "lalice+list@" + HOST}
        for k, v in want.items():
            self.assertEqual(env.get(k), v, k)
        with open(os.path.join(pw.pw_dir, "msg")) as f:
            text = f.read()
        self.assertTrue(text.startswith("From a@remote.test  "))
        self.assertIn("\nDelivered-To: lalice+list@%s\n" % HOST, text)
        # EX_TEMPFAIL: deferred, with the command output.
        send(mx, "lalice+fail@" + HOST)
        m = line_for(mx, "lalice+fail@" + HOST, status="deferred")
        self.assertEqual(m.group(1), "temporary failure. Command output: "
                         "no way")
        self.assertIn("dsn=4.3.0", m.group(0))

    def test_delivered_to_loop(self):
        mx = self.instance()
        mx.user("lalice")
        start(mx)
        send(mx, "lalice@" + HOST, sender="",
             extra="Delivered-To: lalice@%s\n" % HOST)
        m = line_for(mx, "lalice@" + HOST, status="bounced")
        self.assertEqual(m.group(1), "mail forwarding loop for lalice@" +
                         HOST)
        self.assertIn("dsn=5.4.6", m.group(0))
        self.assertEqual(mx.mailbox("lalice"), "")


if __name__ == "__main__":
    unittest.main()
