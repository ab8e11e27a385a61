"""test_sendmail - sendmail(1): local submission through postdrop.

Delivered mail (cron-style, -t with To/Cc/Bcc, as root and as a user in
the postdrop group, -bs), the exact maildrop records sendmail writes
(read from maildrop/ while the mail system is stopped: -f/-r/-F, -N,
-R, -V, -B, -v, -bv, -G, -t with Resent- headers, -i and long lines),
the accepted-and-ignored options, every error's exit status and
message with nothing left in the queue, and the modes that run other
commands (-bp, -q, -bi, mailq, newaliases) when those commands exist.
The expected records and messages are those of Debian's postfix 3.7
sendmail (checked by hand against /tmp/debpf).
"""
import grp
import os
import re
import shutil
import subprocess
import unittest

import harness
import maildrop

SENDMAIL = os.path.join(harness.BUILD, "bin", "sendmail")
POSTQUEUE = os.path.join(harness.BUILD, "bin", "postqueue")
NO_PICKUP = b"postdrop: warning: unable to look up public/pickup"


def sendmail(mx, args, data=b"", user=None, groups=(), exe=SENDMAIL,
             env=None):
    """Run sendmail -c conf ARGS with data on stdin."""
    kw = {}
    if user is not None:
        kw = dict(user=user.pw_uid, group=user.pw_gid,
                  extra_groups=list(groups))
    if isinstance(data, str):
        data = data.encode()
    return subprocess.run([exe, "-c", mx.conf] + list(args), input=data,
                          capture_output=True, timeout=30, env=env, **kw)


class SendmailDelivery(unittest.TestCase):
    """Mail that goes all the way to a mailbox."""

    @classmethod
    def setUpClass(cls):
        cls.mx = harness.Instance()
        cls.mx.start()

    @classmethod
    def tearDownClass(cls):
        cls.mx.__exit__(None, None, None)

    def test_cron_style(self):
        mx = self.mx
        r = sendmail(mx, ["root"], "cron output line\n")
        self.assertEqual((r.returncode, r.stderr), (0, b""))
        box = mx.wait_mailbox("root", "cron output line")
        # cleanup adds the missing headers, from the login name of uid 0.
        self.assertIn("From: root <root@mx.example.test>\n", box)
        self.assertRegex(box, r"Message-Id: <[^>]+@mx\.example\.test>")

    def test_extract_to_cc_bcc(self):
        mx = self.mx
        users = [mx.user(n) for n in ("smto", "smcc", "smbcc")]
        r = sendmail(mx, ["-t"], "Subject: extract\nTo: smto\n"
                     "Cc: Carbon <smcc@mx.example.test>\n"
                     "Bcc: smbcc\n\nbody of extract\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        for pw in users:
            box = mx.wait_mailbox(pw.pw_name, "body of extract")
            self.assertIn("To: smto@mx.example.test\n", box)
            self.assertNotIn("Bcc:", box)
            self.assertNotIn("smbcc", box.split("\n\n", 1)[0]
                             .replace("Delivered-To: smbcc", "")
                             .replace("X-Original-To: smbcc", ""))

    def test_as_user_in_postdrop_group(self):
        mx = self.mx
        pw = mx.user("smuser1")
        gid = grp.getgrnam("postdrop").gr_gid
        r = sendmail(mx, ["-F", "Sm User", "root"],
                     "Subject: from a user\n\nuser body\n",
                     user=pw, groups=[gid])
        self.assertEqual((r.returncode, r.stderr), (0, b""))
        mx.wait_log(r"postfix/pickup\[\d+\]: \w+: uid=%d from=<smuser1>"
                    % pw.pw_uid)
        box = mx.wait_mailbox("root", "user body")
        self.assertIn("From: Sm User <smuser1@mx.example.test>", box)
        self.assertIn("from userid %d)" % pw.pw_uid, box)

    def test_user_without_group_fails_cleanly(self):
        mx = self.mx
        pw = mx.user("smuser2")
        r = sendmail(mx, ["root"], "x\n", user=pw)
        self.assertEqual(r.returncode, 75)
        self.assertIn(b"postdrop: fatal: create file in", r.stderr)
        self.assertRegex(r.stderr.decode(), (
            r'sendmail: warning: command "%s/postdrop -r" exited with '
            r'status 1\nsendmail: fatal: smuser2\(%d\): unable to execute '
            r'%s/postdrop -r: Application error\n') % (
                re.escape(os.path.dirname(SENDMAIL)), pw.pw_uid,
                re.escape(os.path.dirname(SENDMAIL))))
        self.assertEqual(mx.queue_files("maildrop"), [])

    def test_setgid_postdrop_refuses_private_config(self):
        """With a set-gid postdrop (as installed) a user's sendmail -c DIR
        fails cleanly: postdrop trusts DIR only when /etc/postfix/main.cf
        lists it."""
        mx = self.mx
        pw = mx.user("smuser3")
        bindir = os.path.join(mx.dir, "sgid-bin")
        os.makedirs(bindir, exist_ok=True)
        copy = os.path.join(bindir, "postdrop")
        shutil.copy(os.path.join(harness.BUILD, "bin", "postdrop"), copy)
        os.chown(copy, 0, grp.getgrnam("postdrop").gr_gid)
        os.chmod(copy, 0o2755)
        conf2 = os.path.join(mx.dir, "conf-sgid")
        shutil.copytree(mx.conf, conf2, dirs_exist_ok=True)
        with open(os.path.join(conf2, "main.cf"), "a") as f:
            f.write("command_directory = %s\n" % bindir)
        r = subprocess.run([SENDMAIL, "-C", conf2 + "/main.cf", "root"],
                           input=b"x\n", capture_output=True, timeout=30,
                           user=pw.pw_uid, group=pw.pw_gid)
        self.assertEqual(r.returncode, 75)
        self.assertIn(b"postdrop: fatal: untrusted configuration directory: "
                      + conf2.encode(), r.stderr)
        self.assertIn(b"sendmail: fatal: smuser3(%d): unable to execute "
                      % pw.pw_uid, r.stderr)
        self.assertEqual(mx.queue_files("maildrop"), [])

    def test_bs_session(self):
        mx = self.mx
        script = (b"EHLO client\r\nMAIL FROM:<bs@remote.test> BODY=8BITMIME"
                  b"\r\nRCPT TO:<root>\r\nDATA\r\nSubject: bs\r\n\r\n"
                  b"..stuffed\r\nbs body\r\n.\r\nVRFY root\r\nHELP\r\n"
                  b"NOOP\r\nRSET\r\nRCPT TO:<root>\r\nBOGUS\r\nQUIT\r\n")
        r = sendmail(mx, ["-bs"], script)
        self.assertEqual(r.returncode, 0, r.stderr)
        codes = re.findall(rb"^(\d{3})[ -]", r.stdout, re.M)
        self.assertEqual(codes, [b"220"] + [b"250"] * 5 + [
            b"250", b"250", b"354", b"250", b"252", b"214", b"250", b"250",
            b"503", b"502", b"221"])
        self.assertTrue(r.stdout.startswith(
            b"220 mx.example.test ESMTP Postfix\r\n"))
        self.assertIn(b"250-ENHANCEDSTATUSCODES\r\n", r.stdout)
        qid = re.search(rb"250 2\.0\.0 Ok: queued as (\w+)\r\n", r.stdout)
        self.assertIsNotNone(qid, r.stdout)
        box = mx.wait_mailbox("root", "bs body")
        self.assertIn("\n.stuffed\nbs body\n", box)
        self.assertIn("Return-Path: <bs@remote.test>", box)
        # (pickup's cleanup gives the message its final queue ID)
        mx.wait_log(r"postfix/pickup\[\d+\]: \w+: uid=0 from=<bs@remote\.test>")

    @unittest.skipUnless(os.path.exists(POSTQUEUE), "no postqueue yet")
    def test_bp_and_q(self):
        mx = self.mx
        mx.wait_queue_empty()
        r = sendmail(mx, ["-bp"])
        self.assertEqual((r.returncode, r.stdout), (0, b"Mail queue is empty\n"))
        link = os.path.join(mx.dir, "mailq")
        if not os.path.exists(link):
            os.symlink(SENDMAIL, link)
        r = sendmail(mx, [], exe=link)
        self.assertEqual((r.returncode, r.stdout), (0, b"Mail queue is empty\n"))
        r = sendmail(mx, ["-q"])
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_newaliases(self):
        mx = self.mx
        with open(os.path.join(mx.conf, "aliases"), "a") as f:
            f.write("smalias: root\n")
        link = os.path.join(mx.dir, "newaliases")
        os.symlink(SENDMAIL, link)
        r = sendmail(mx, [], exe=link)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = sendmail(mx, ["-bi"])
        self.assertEqual(r.returncode, 0, r.stderr)
        sendmail(mx, ["smalias"], "Subject: alias\n\nvia new alias\n")
        mx.wait_mailbox("root", "via new alias")


class SendmailRecords(unittest.TestCase):
    """The maildrop file, with the mail system stopped (no pickup)."""

    @classmethod
    def setUpClass(cls):
        cls.mx = harness.Instance(main_cf={"message_size_limit": "20000",
                                            "header_size_limit": "10000"})
        cls.mx.start()  # creates the queue
        cls.mx.stop()

    @classmethod
    def tearDownClass(cls):
        cls.mx.__exit__(None, None, None)

    def drop(self, args, data=b"", **kw):
        """Submit; return the records of the one new maildrop file."""
        mx = self.mx
        before = set(mx.queue_files("maildrop"))
        r = sendmail(mx, args, data, **kw)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stderr.startswith(NO_PICKUP), r.stderr)
        new = sorted(set(mx.queue_files("maildrop")) - before)
        self.assertEqual(len(new), 1)
        path = os.path.join(mx.queue, "maildrop", new[0])
        with open(path, "rb") as f:
            recs = maildrop.records(f.read())
        os.unlink(path)
        self.assertEqual(recs[0][0], "T")
        self.stdout = r.stdout
        return [(t, d.decode()) for t, d in recs[1:]]

    def test_plain(self):
        self.assertEqual(self.drop(["a", "b@x.test"], "Subject: s\n\nx\n"), [
            ("A", "rewrite_context=local"), ("F", "root"), ("S", "root"),
            ("R", "a"), ("R", "b@x.test"), ("M", ""), ("N", "Subject: s"),
            ("N", ""), ("N", "x"), ("X", ""), ("E", "")])

    def test_all_dsn_options(self):
        recs = self.drop(["-t", "-f", "<snd@x.test>", "-F", "Full Name",
                          "-N", "success,delay", "-R", "hdrs", "-V", "envid1",
                          "-B", "8BITMIME", "-v", "extra1"],
                         "To: a@b, Bob <bob@c>\nCc: cc1\nBcc: bcc1\n\nb\n")
        self.assertEqual(recs, [
            ("A", "envelope_id=envid1"), ("A", "ret_flags=2"),
            ("A", "rewrite_context=local"), ("F", "Full Name"),
            ("S", "snd@x.test"), ("A", "encoding=8bit"),
            ("A", "trace_flags=4"), ("A", "notify_flags=10"),
            ("R", "extra1"), ("M", ""), ("N", "To: a@b, Bob <bob@c>"),
            ("N", "Cc: cc1"), ("N", "Bcc: bcc1"), ("N", ""), ("N", "b"),
            ("X", ""), ("A", "notify_flags=10"), ("R", "a@b"),
            ("A", "notify_flags=10"), ("R", "bob@c"),
            ("A", "notify_flags=10"), ("R", "cc1"),
            ("A", "notify_flags=10"), ("R", "bcc1"), ("E", "")])
        self.assertEqual(self.stdout, b"Mail Delivery Status Report will be "
                         b"mailed to <snd@x.test>.\n")

    def test_resent_headers_win(self):
        recs = self.drop(["-t", "-N", "never", "-R", "full", "-B", "7bit",
                          "-r", "", "-G"],
                         "To: plain\nResent-To: rt1\nResent-Cc: rt2\n\nb\n")
        self.assertEqual(recs[:5], [
            ("A", "ret_flags=1"), ("A", "rewrite_context=remote"),
            ("F", "root"), ("S", ""), ("A", "encoding=7bit")])
        self.assertEqual([d for t, d in recs if t == "R"], ["rt1", "rt2"])
        self.assertIn(("A", "notify_flags=1"), recs)

    def test_bv_probe(self):
        recs = self.drop(["-bv", "a", "b", "c"])
        self.assertEqual(self.stdout, b"Mail Delivery Status Report will be "
                         b"mailed to <root>.\n")
        self.assertEqual(recs[3:], [
            ("A", "trace_flags=2"), ("R", "a"), ("R", "b"), ("R", "c"),
            ("M", ""), ("N", "From: root"), ("N", "Subject: probe"),
            ("U", "To:"), ("N", "\ta,"), ("N", "\tb,"), ("N", "\tc"),
            ("X", ""), ("E", "")])

    def test_dot_and_long_lines(self):
        text = "Subject: d\n\n" + "y" * 5000 + "\r\n.\nafter dot\n"
        recs = self.drop(["r"], text)
        body = recs[recs.index(("M", "")) + 1:recs.index(("X", ""))]
        self.assertEqual([(t, len(d)) for t, d in body], [
            ("N", 10), ("N", 0), ("U", 2048), ("U", 2048), ("N", 904)])
        recs = self.drop(["-oi", "r"], text)
        self.assertIn(("N", "."), recs)
        self.assertIn(("N", "after dot"), recs)
        recs = self.drop(["-i", "r"], ".\n")
        self.assertIn(("N", "."), recs)

    def test_name_env_and_ignored_options(self):
        env = dict(os.environ, NAME="Env Name")
        recs = self.drop(["-oem", "-odb", "-em", "-U", "-L", "lbl", "-Am",
                          "-Ac", "-h", "5", "-m", "-x", "-bm", "-bh", "-O",
                          "a=b", "-o7", "-ox", "-p", "smtp", "--", "-r1"],
                         "x\n", env=env)
        self.assertIn(("F", "Env Name"), recs)
        self.assertEqual([d for t, d in recs if t == "R"], ["-r1"])

    def test_bad_dsn_values_ignored(self):
        mx = self.mx
        r = sendmail(mx, ["-N", "bogus", "-R", "bogus", "r"], "x\n")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b'sendmail: warning: unknown DSN NOTIFY command value '
                      b'"bogus" in "bogus"\nsendmail: warning: bad -N option '
                      b'value -- ignored\nsendmail: warning: bad -R option '
                      b'value -- ignored\n', r.stderr)
        r = sendmail(mx, ["-N", "never,success", "r"], "x\n")
        self.assertIn(b"sendmail: warning: bad -N option value -- ignored",
                      r.stderr)
        for name in mx.queue_files("maildrop"):
            os.unlink(os.path.join(mx.queue, "maildrop", name))

    def test_errors_leave_nothing(self):
        mx = self.mx
        big_to = "To: " + ", ".join("u%d@x" % i for i in range(1500))
        cases = [
            ([], "x\n", "sendmail: fatal: root(0): Recipient addresses must "
             "be specified on the command line or via the -t option"),
            (["-t"], "Subject: none\n\nx\n", "sendmail: fatal: root(0): No "
             "recipient addresses found in message header"),
            (["r"], "Subject: big\n\n" + ("z" * 70 + "\n") * 400,
             "sendmail: fatal: root(0): message file too big"),
            (["-t"], big_to + "\n\nx\n", "sendmail: fatal: root(0): unable "
             "to extract recipients: message header length exceeds safety "
             "limit"),
            (["-B", "bogus", "r"], "x\n",
             "sendmail: fatal: -B option needs 8BITMIME or 7BIT"),
            (["-n", "r"], "x\n", "sendmail: fatal: -n option not supported"),
            (["-bx", "r"], "x\n", "sendmail: fatal: unsupported: -bx"),
            (["-X", "/dev/null", "r"], "x\n",
             "sendmail: fatal: unsupported: -X/"),
            (["-Z", "r"], "x\n", "sendmail: invalid option -- 'Z'\n"
             "sendmail: fatal: usage: sendmail [options]"),
            (["-f"], "", "sendmail: option requires an argument -- 'f'\n"
             "sendmail: fatal: usage: sendmail [options]"),
            (["-bp", "r"], "", "sendmail: fatal: display queue mode "
             "requires no recipient"),
            (["-bi", "r"], "", "sendmail: fatal: alias initialization mode "
             "requires no recipient"),
            (["-q", "r"], "", "sendmail: fatal: flush queue mode requires "
             "no recipient"),
            (["-bs", "r"], "", "sendmail: fatal: stand-alone mode requires "
             "no recipient"),
            (["-qSx"], "", "sendmail: fatal: -qS is not implemented"),
            (["-qfoo"], "", "sendmail: fatal: -qf is not implemented"),
        ]
        for args, data, err in cases:
            r = sendmail(mx, args, data)
            self.assertEqual(r.returncode, 75, (args, r.stderr))
            self.assertEqual(r.stderr.decode(), err + "\n", args)
            self.assertEqual(mx.queue_files("maildrop"), [], args)
        r = sendmail(mx, ["-q5m"])
        self.assertEqual((r.returncode, r.stderr), (0, b""))


if __name__ == "__main__":
    unittest.main()
