"""The chroot jail sync: "postfix check", "postfix sync-chroot [all]".

Each test makes an instance with harness.Instance and points
POSTFIX_DEFAULTS_FILE at a file of its own, so the host's
/etc/default/postfix is never read; the jail is the instance's queue
directory.
"""
import errno
import glob
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

POSTFIX = os.path.join(harness.BUILD, "bin", "postfix")
ETC = ("hosts", "services", "nsswitch.conf", "host.conf", "localtime",
       "resolv.conf")
BUILTIN_NSS = ("compat", "dns", "files", "hesiod")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(data)
    os.chmod(path, mode)


class SyncTest(unittest.TestCase):
    chroot = True
    main_cf = {}

    def setUp(self):
        self.mx = harness.Instance(main_cf=dict(self.main_cf),
                                   chroot=self.chroot)
        self.defaults = os.path.join(self.mx.dir, "default-postfix")
        write(self.defaults, "# test defaults\n")
        # Start from an empty jail (the harness pre-copies etc/).
        shutil.rmtree(os.path.join(self.mx.queue, "etc"))

    def tearDown(self):
        self.mx.__exit__(None, None, None)

    def jail(self, path):
        return os.path.join(self.mx.queue, path.lstrip("/"))

    def postfix(self, *args, conf=None, env=None, rc=0):
        e = dict(os.environ, POSTFIX_DEFAULTS_FILE=self.defaults)
        e.update(env or {})
        r = subprocess.run([POSTFIX, "-c", conf or self.mx.conf] + list(args),
                           capture_output=True, text=True, env=e)
        if rc is not None:
            self.assertEqual(r.returncode, rc, r.stderr)
        return r

    def sync(self, **kw):
        return self.postfix("sync-chroot", **kw)


class EtcFiles(SyncTest):
    def test_etc_files_copied_then_quiet(self):
        r = self.postfix("check")
        for name in ETC:
            src = "/etc/" + name
            if not os.path.exists(src):
                continue
            self.assertEqual(read(self.jail(src)), read(src), name)
            self.assertFalse(os.path.islink(self.jail(src)))
        self.assertIn("updating /etc/hosts => %s/etc/hosts" % self.mx.queue,
                      r.stderr)
        st_h, st_j = os.stat("/etc/hosts"), os.stat(self.jail("/etc/hosts"))
        self.assertEqual(st_h.st_mtime_ns // 10**9, st_j.st_mtime_ns // 10**9)
        self.assertEqual(st_h.st_mode, st_j.st_mode)
        r = self.sync()
        self.assertNotIn("updating", r.stderr)
        self.assertIn("updating /etc/hosts", self.mx.log())

    def test_extra_files_follow_the_host(self):
        a = os.path.join(self.mx.dir, "extra", "a.txt")
        b = os.path.join(self.mx.dir, "extra", "b.txt")
        write(a, "hello\n", 0o640)
        write(b, "bee\n")
        os.setxattr(a, "user.test", b"kept")
        write(self.defaults, 'SYNC_CHROOT="y"\nchroot_extra_files="%s %s"\n'
              % (a, b.lstrip("/")))
        self.sync()
        self.assertEqual(read(self.jail(a)), b"hello\n")
        self.assertEqual(read(self.jail(b)), b"bee\n")
        self.assertEqual(os.stat(self.jail(a)).st_mode & 0o7777, 0o640)
        self.assertEqual(os.getxattr(self.jail(a), "user.test"), b"kept")

        # A new size is copied.
        write(a, "hello, world\n", 0o640)
        r = self.sync()
        self.assertEqual(read(self.jail(a)), b"hello, world\n")
        self.assertIn("updating %s => %s" % (a, self.jail(a)), r.stderr)

        # Same size and mtime, other content: still copied.
        st = os.stat(a)
        write(a, "jello, world\n", 0o640)
        os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))
        self.sync()
        self.assertEqual(read(self.jail(a)), b"jello, world\n")
        self.assertEqual(os.getxattr(self.jail(a), "user.test"), b"kept")

        # A file gone from the host goes from the jail.
        os.unlink(b)
        r = self.sync()
        self.assertFalse(os.path.exists(self.jail(b)))
        self.assertIn("removing %s" % self.jail(b), r.stderr)

    def test_non_regular_source_is_an_error(self):
        d = os.path.join(self.mx.dir, "adir")
        os.makedirs(d)
        write(self.defaults, "chroot_extra_files=%s\n" % d)
        r = self.sync(rc=1)
        self.assertIn(d + ": not a regular file", r.stderr)
        r = self.postfix("check", rc=1)
        self.assertIn("fatal: unable to update the chroot jail", r.stderr)

    def test_sync_disabled(self):
        for text in ("SYNC_CHROOT=\n", "SYNC_CHROOT=''\n",
                     'export SYNC_CHROOT=""  # off\n'):
            write(self.defaults, text)
            self.postfix("check")
            self.assertFalse(os.path.exists(self.jail("/etc")), text)

    def test_unparsable_lines_warned_and_skipped(self):
        write(self.defaults, "# comment\nFOO=$(touch /tmp/x)\n"
              "SYNC_CHROOT=\nrm -rf /\n")
        r = self.sync()
        self.assertIn("warning: %s, line 2: cannot parse" % self.defaults,
                      r.stderr)
        self.assertIn("warning: %s, line 4: cannot parse" % self.defaults,
                      r.stderr)
        self.assertFalse(os.path.exists(self.jail("/etc")))

    def test_myorigin_refused(self):
        for value in ("debian.org", "Ubuntu.COM"):
            self.mx.postconf("-e", "myorigin=" + value)
            r = self.postfix("check", rc=1)
            self.assertIn("fatal: Invalid $myorigin (%s), refusing to start"
                          % value, r.stderr)
            self.sync(rc=1)
        name = os.path.join(self.mx.dir, "mailname")
        write(name, "UBUNTU.com\nsecond line\n")
        self.mx.postconf("-e", "myorigin=" + name)
        write(self.defaults, "SYNC_CHROOT=\n")
        r = self.postfix("check", rc=1)
        self.assertIn("Invalid $myorigin (UBUNTU.com)", r.stderr)
        write(name, "mx.example.test\n")
        self.postfix("check")

    def test_all_instances(self):
        other = harness.Instance()
        try:
            shutil.rmtree(os.path.join(other.queue, "etc"))
            base = os.path.join(self.mx.dir, "etcbase")
            os.makedirs(os.path.join(base, "postfix-nomaincf"))
            os.makedirs(os.path.join(base, "other"))
            os.symlink(self.mx.conf, os.path.join(base, "postfix"))
            os.symlink(other.conf, os.path.join(base, "postfix-two"))
            r = self.postfix("sync-chroot", "all",
                             env={"POSTFIX_INSTANCE_BASE": base})
            for q in (self.mx.queue, other.queue):
                self.assertEqual(read(os.path.join(q, "etc", "hosts")),
                                 read("/etc/hosts"), r.stderr)
            self.assertIn("=> %s/etc/hosts" % other.queue, r.stderr)
            # A failing instance makes "all" fail, the others still run.
            other.postconf("-e", "myorigin=debian.org")
            os.unlink(os.path.join(self.mx.queue, "etc", "hosts"))
            r = self.postfix("sync-chroot", "all", rc=1,
                             env={"POSTFIX_INSTANCE_BASE": base})
            self.assertTrue(os.path.exists(self.jail("/etc/hosts")))
            self.assertIn("Invalid $myorigin", r.stderr)
        finally:
            other.__exit__(None, None, None)


def nss_dir():
    for lib in glob.glob("/usr/lib/*-linux-gnu*/libc.so.6"):
        return os.path.dirname(lib)
    return None


def host_nss():
    d = nss_dir()
    if d is None:
        return []
    return sorted(p for p in glob.glob(d + "/libnss_*.so.2")
                  if os.path.basename(p)[7:-5] not in BUILTIN_NSS)


class FullChroot(SyncTest):
    main_cf = {}

    def test_nss_modules_only_with_smtpd_chrooted(self):
        mods = host_nss()
        if not mods:
            self.skipTest("no NSS modules besides glibc's own on this host")
        self.sync()
        for m in mods:
            self.assertEqual(read(self.jail(m)), read(m))
        for b in BUILTIN_NSS:
            self.assertFalse(os.path.exists(self.jail(
                "%s/libnss_%s.so.2" % (nss_dir(), b))))
        # A stale module in the jail that the host no longer has.
        stale = self.jail(nss_dir() + "/libnss_gone.so.2")
        write(stale, "x")
        r = self.sync()
        self.assertFalse(os.path.exists(stale), r.stderr)
        # Only simple services chrooted: the modules go.
        self.mx.write_master_cf(False, ["tlsmgr unix - - y 1000? 1 tlsmgr"])
        r = self.sync()
        for m in mods:
            self.assertFalse(os.path.exists(self.jail(m)), r.stderr)
            self.assertIn("removing " + self.jail(m), r.stderr)
        # "-" is chrooted below compatibility_level 3.
        self.mx.write_master_cf(False, ["cust unix - - - - 1 mycustom"])
        self.mx.postconf("-e", "compatibility_level=2")
        self.sync()
        self.assertTrue(os.path.exists(self.jail(mods[0])))
        self.mx.postconf("-e", "compatibility_level=3.6")
        self.sync()
        self.assertFalse(os.path.exists(self.jail(mods[0])))

    def test_ca_dir_hashed_names_dereferenced(self):
        ca = os.path.join(self.mx.dir, "certs")
        extra = os.path.join(self.mx.dir, "extra-ca")
        write(os.path.join(ca, "a.pem"), "cert A\n")
        write(os.path.join(ca, "b.pem"), "cert B\n")
        write(os.path.join(ca, "notes.txt"), "not a cert\n")
        os.symlink("a.pem", os.path.join(ca, "0123abcd.0"))
        os.symlink(os.path.join(ca, "b.pem"), os.path.join(ca, "89abcdef.1"))
        os.symlink("missing.pem", os.path.join(ca, "fedcba98.0"))
        write(os.path.join(extra, "11111111.0"), "cert E\n")
        self.mx.postconf("-e", "smtpd_tls_CApath=" + ca,
                         "smtp_tls_CApath=" + ca + "/")
        write(self.defaults, "chroot_extra_CAdir='%s'\n" % extra.lstrip("/"))
        jca = self.jail(ca)
        write(os.path.join(jca, "deadbeef.0"), "stale\n")
        write(os.path.join(jca, "junk"), "junk\n")
        write(os.path.join(jca, "ca-certificates.crt"), "bundle\n")
        r = self.sync()
        self.assertEqual(sorted(os.listdir(jca)),
                         ["0123abcd.0", "89abcdef.1", "ca-certificates.crt"],
                         r.stderr)
        self.assertFalse(os.path.islink(os.path.join(jca, "0123abcd.0")))
        self.assertEqual(read(os.path.join(jca, "0123abcd.0")), b"cert A\n")
        self.assertEqual(read(os.path.join(jca, "89abcdef.1")), b"cert B\n")
        self.assertEqual(read(self.jail(extra + "/11111111.0")), b"cert E\n")
        self.assertIn("fedcba98.0: not a regular file", r.stderr)
        self.assertIn("removing %s/deadbeef.0" % jca, r.stderr)
        self.assertIn("updating %s/0123abcd.0 => %s/0123abcd.0" % (ca, jca),
                      r.stderr)
        # A hash link removed at the source goes from the jail.
        os.unlink(os.path.join(ca, "89abcdef.1"))
        self.sync()
        self.assertFalse(os.path.exists(os.path.join(jca, "89abcdef.1")))
        # No complex service chrooted: the hashed copies go.
        self.mx.write_master_cf(False, [])
        self.sync()
        self.assertEqual(os.listdir(jca), ["ca-certificates.crt"])
        self.assertFalse(os.path.exists(self.jail(extra)))

    def test_ca_dir_inside_queue_skipped(self):
        inside = os.path.join(self.mx.queue, "certs")
        write(os.path.join(inside, "a.pem"), "A\n")
        os.symlink("a.pem", os.path.join(inside, "0123abcd.0"))
        self.mx.postconf("-e", "smtpd_tls_CApath=" + inside)
        self.sync()
        self.assertFalse(os.path.exists(self.jail(inside)))
        self.assertTrue(os.path.islink(os.path.join(inside, "0123abcd.0")))


if __name__ == "__main__":
    unittest.main()
