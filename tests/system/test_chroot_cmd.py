"""postfix chroot: query, on, off (through postconf -F) and check.

Each test writes main.cf and master.cf into a fresh temporary config
directory and runs the built postfix(1) with -c, as root. Nothing is
started.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("TEST_BUILD", os.path.join(TOP, "build"))
BIN = os.path.join(BUILD, "bin")
STOCK_MASTER = os.path.join(TOP, "mta", "conf", "master.cf")

# name type private unpriv chroot wakeup maxproc command
SMALL_MASTER = """\
smtp      inet  n       -       {smtpd}       -       -       smtpd
pickup    unix  n       -       {pickup}       60      1       pickup
cleanup   unix  n       -       {cleanup}       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
relay     unix  -       -       {relay}       -       -       smtp
local     unix  -       n       n       -       -       local
proxymap  unix  -       -       n       -       -       proxymap
"""


class Conf:
    """A configuration directory and queue directory in a temp dir."""

    def __init__(self, master, **params):
        self.dir = tempfile.mkdtemp(prefix="mta-chroot-")
        self.conf = os.path.join(self.dir, "conf")
        self.queue = os.path.join(self.dir, "queue")
        os.makedirs(self.conf)
        os.makedirs(self.queue)
        main = {"queue_directory": self.queue,
                "command_directory": BIN,
                "daemon_directory": BIN,
                "data_directory": os.path.join(self.dir, "data"),
                "compatibility_level": "3.6",
                "alias_maps": "hash:/etc/aliases"}
        main.update(params)
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            for k, v in main.items():
                f.write("%s = %s\n" % (k, v))
        self.write_master(master)

    def write_master(self, text):
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(text)

    def chroot(self, *args):
        return subprocess.run([os.path.join(BIN, "postfix"), "-c",
                               self.conf, "chroot"] + list(args),
                              capture_output=True, text=True, timeout=30)

    def field(self, svc):
        """The chroot column of svc ("name/type") as our postconf shows it."""
        r = subprocess.run([os.path.join(BIN, "postconf"), "-c", self.conf,
                            "-F", svc + "/chroot"], capture_output=True,
                           text=True, check=True)
        return r.stdout.strip().split("=", 1)[1].strip()

    def jail_file(self, path, text=""):
        full = self.queue + path
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    def jail_resolver(self):
        """What the chroot sync would copy for the resolver."""
        for f in ("resolv.conf", "hosts", "services", "nsswitch.conf"):
            if os.path.exists("/etc/" + f):
                self.jail_file("/etc/" + f)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def small(smtpd="y", pickup="y", cleanup="y", relay="y"):
    return SMALL_MASTER.format(smtpd=smtpd, pickup=pickup, cleanup=cleanup,
                               relay=relay)


class QueryTest(unittest.TestCase):
    def setUp(self):
        self.c = Conf(small())

    def tearDown(self):
        self.c.close()

    def query(self, *args):
        r = self.c.chroot(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def test_stock_master_cf_is_on(self):
        with open(STOCK_MASTER) as f:
            self.c.write_master(f.read())
        self.assertEqual(self.query(), "on")
        self.assertEqual(self.query("query"), "on")
        self.assertEqual(self.query("q"), "on")

    def test_on_off_mixed(self):
        self.assertEqual(self.query(), "on")
        self.c.write_master(small("n", "n", "n", "n"))
        self.assertEqual(self.query(), "off")
        self.c.write_master(small(pickup="n"))
        self.assertEqual(self.query(), "mixed")

    def test_dash_is_off_at_level_3(self):
        self.c.write_master(small("-", "-", "-", "-"))
        self.assertEqual(self.query(), "off")

    def test_dash_is_on_below_level_3(self):
        self.c.close()
        self.c = Conf(small("-", "-", "y", "-"), compatibility_level="2")
        self.assertEqual(self.query(), "on")
        self.c.write_master(small("-", "n", "y", "-"))
        self.assertEqual(self.query(), "mixed")

    def test_never_touched_services_do_not_count(self):
        # local and proxymap are "n" in SMALL_MASTER, qmgr too.
        text = small() + "virtual   unix  -       n       y       -       -       virtual\n"
        self.c.write_master(text)
        self.assertEqual(self.query(), "on")

    def test_skip_classes(self):
        self.c.write_master(small(pickup="n", cleanup="n"))
        self.assertEqual(self.query(), "mixed")
        self.assertEqual(self.query("-S"), "on")
        self.assertEqual(self.query("-X"), "off")
        self.assertEqual(self.query("query", "-S"), "on")

    def test_nothing_eligible_is_off(self):
        self.assertEqual(self.query("-S", "-X"), "off")

    def test_custom_service_warning(self):
        self.c.write_master(small() +
                            "mine      unix  -       n       n       -       -       /usr/bin/mine\n")
        r = self.c.chroot("query")
        self.assertEqual(r.stdout.strip(), "on")
        self.assertIn("custom service mine/unix", r.stderr)
        self.assertIn("/usr/bin/mine", r.stderr)
        r = self.c.chroot("-c", "query")
        self.assertEqual(r.stdout.strip(), "mixed")
        self.assertNotIn("custom service", r.stderr)


class SwitchTest(unittest.TestCase):
    def setUp(self):
        self.c = Conf(small(pickup="n", relay="-"))

    def tearDown(self):
        self.c.close()

    def test_dry_run_prints_command(self):
        r = self.c.chroot("-n", "on")
        self.assertEqual(r.returncode, 0, r.stderr)
        want = "%s/postconf -c %s -F pickup/unix/chroot=y relay/unix/chroot=y\n" % (
            BIN, self.c.conf)
        self.assertEqual(r.stdout, want)
        self.assertEqual(self.c.field("pickup/unix"), "n")

    def test_option_after_verb_is_honoured(self):
        r = self.c.chroot("on", "-n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("pickup/unix/chroot=y", r.stdout)
        self.assertEqual(self.c.field("pickup/unix"), "n")

    def test_on_then_off_edit_master_cf(self):
        r = self.c.chroot("on")
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        for svc in ("smtp/inet", "pickup/unix", "cleanup/unix", "relay/unix"):
            self.assertEqual(self.c.field(svc), "y", svc)
        self.assertEqual(self.c.field("qmgr/unix"), "n")
        self.assertEqual(self.c.chroot().stdout.strip(), "on")
        r = self.c.chroot("off", "-S")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.c.field("smtp/inet"), "n")
        self.assertEqual(self.c.field("relay/unix"), "n")
        self.assertEqual(self.c.field("pickup/unix"), "y")
        r = self.c.chroot("n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.c.chroot().stdout.strip(), "off")
        self.assertEqual(self.c.field("local/unix"), "n")

    def test_nothing_to_change_is_silent(self):
        self.c.write_master(small())
        r = self.c.chroot("-n", "y")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))

    def test_skip_complex(self):
        r = self.c.chroot("-nX", "on")
        self.assertEqual(r.stdout.split()[4:], ["pickup/unix/chroot=y"])

    def test_custom_included_with_c(self):
        self.c.write_master(small() +
                            "mine      unix  -       n       n       -       -       mine\n")
        r = self.c.chroot("-n", "on")
        self.assertEqual(r.stdout, "")
        self.assertIn("custom service mine/unix", r.stderr)
        r = self.c.chroot("-n", "-c", "on")
        self.assertIn("mine/unix/chroot=y", r.stdout)

    def test_bad_verb_and_option(self):
        r = self.c.chroot("maybe")
        self.assertEqual(r.returncode, 1)
        self.assertIn("on|y|off|n|query|q|check", r.stderr)
        r = self.c.chroot("-k", "on")
        self.assertEqual(r.returncode, 1)
        r = self.c.chroot("on", "off")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(self.c.field("pickup/unix"), "n")


class CheckTest(unittest.TestCase):
    """check: only services in the jail, only what they read there."""

    def setUp(self):
        # Only simple services chrooted: no resolver files needed.
        self.master = small(smtpd="n", relay="n")

    def tearDown(self):
        self.c.close()

    def test_clean_when_nothing_needed(self):
        self.c = Conf(self.master)
        r = self.c.chroot("check")
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)

    def test_unix_passwd_table_needs_etc_passwd(self):
        self.c = Conf(small(relay="n"),
                      local_recipient_maps="unix:passwd.byname",
                      virtual_alias_maps="hash:/etc/postfix/virtual")
        self.c.jail_resolver()
        r = self.c.chroot("check")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("missing in the jail: file %s/etc/passwd" % self.c.queue,
                      r.stdout)
        self.assertIn("smtp/inet (smtpd: local_recipient_maps)", r.stdout)
        self.assertIn("proxy:unix:passwd.byname", r.stdout)
        self.assertIn("-F smtp/inet/chroot=n", r.stdout)
        # hash: tables are opened before chroot: never reported.
        self.assertNotIn("virtual", r.stdout)
        self.c.jail_file("/etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        r = self.c.chroot("check")
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)

    def test_proxy_table_is_fine(self):
        self.c = Conf(small(relay="n"),
                      local_recipient_maps="proxy:unix:passwd.byname")
        self.c.jail_resolver()
        r = self.c.chroot("check")
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)

    def test_resolver_files_for_complex_services(self):
        if not os.path.exists("/etc/hosts"):
            self.skipTest("no /etc/hosts on this host")
        self.c = Conf(small(smtpd="n"))
        r = self.c.chroot("check")
        self.assertEqual(r.returncode, 1)
        self.assertIn("file %s/etc/hosts" % self.c.queue, r.stdout)
        self.assertIn("relay/unix (smtp: the resolver)", r.stdout)
        self.assertEqual(self.c.chroot("-X", "check").returncode, 0)

    def test_capath_and_override(self):
        ca = tempfile.mkdtemp(prefix="mta-ca-")
        try:
            master = self.master + \
                "submission inet n      -       y       -       -       smtpd\n" \
                "  -o smtpd_tls_CApath=%s\n" % ca
            self.c = Conf(master)
            r = self.c.chroot("-X", "check")
            self.assertEqual(r.returncode, 0, r.stdout)
            r = self.c.chroot("check")
            self.assertIn("directory %s%s" % (self.c.queue, ca), r.stdout)
            self.assertIn("submission/inet (smtpd: smtpd_tls_CApath)",
                          r.stdout)
            self.assertNotIn("smtp/inet (smtpd: smtpd_tls_CApath)", r.stdout)
            os.makedirs(self.c.queue + ca)
            r = self.c.chroot("check")
            self.assertNotIn("smtpd_tls_CApath", r.stdout)
        finally:
            shutil.rmtree(ca)

    def test_dovecot_socket_outside_queue(self):
        self.c = Conf(small(relay="n"), smtpd_sasl_auth_enable="yes",
                      smtpd_sasl_type="dovecot",
                      smtpd_sasl_path="/run/dovecot/auth-client")
        r = self.c.chroot("check")
        self.assertIn("socket %s/run/dovecot/auth-client" % self.c.queue,
                      r.stdout)
        self.assertIn("make the server listen on", r.stdout)
        # A path inside the queue directory is in the jail already.
        self.c.close()
        self.c = Conf(small(relay="n"), smtpd_sasl_auth_enable="yes",
                      smtpd_sasl_type="dovecot",
                      smtpd_sasl_path="private/auth")
        r = self.c.chroot("check")
        self.assertNotIn("auth", r.stdout)

    def test_cyrus_saslauthd_and_sasldb(self):
        sasl = tempfile.mkdtemp(prefix="mta-sasl-")
        try:
            with open(os.path.join(sasl, "smtpd.conf"), "w") as f:
                f.write("pwcheck_method: saslauthd auxprop\n"
                        "auxprop_plugin: sasldb\n"
                        "sasldb_path: /srv/sasldb2\n")
            self.c = Conf(small(relay="n"), smtpd_sasl_auth_enable="yes",
                          cyrus_sasl_config_path=sasl)
            self.c.jail_resolver()
            r = self.c.chroot("check")
            self.assertEqual(r.returncode, 1)
            self.assertIn("socket %s/var/run/saslauthd/mux" % self.c.queue,
                          r.stdout)
            self.assertIn("file %s/srv/sasldb2" % self.c.queue, r.stdout)
            self.assertIn("add srv/sasldb2 to chroot_extra_files", r.stdout)
            self.c.jail_file("/srv/sasldb2")
            r = self.c.chroot("check")
            self.assertNotIn("sasldb", r.stdout)
            self.assertIn("saslauthd", r.stdout)
        finally:
            shutil.rmtree(sasl)

    def test_socketmap_socket(self):
        self.c = Conf(self.master,
                      header_checks="socketmap:unix:/run/sm.sock:hdr")
        r = self.c.chroot("check")
        self.assertEqual(r.returncode, 1)
        self.assertIn("socket %s/run/sm.sock" % self.c.queue, r.stdout)
        self.assertIn("cleanup/unix (cleanup: header_checks)", r.stdout)
        os.makedirs(self.c.queue + "/run")
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(self.c.queue + "/run/sm.sock")
            r = self.c.chroot("check")
        self.assertEqual((r.returncode, r.stdout), (0, ""))


if __name__ == "__main__":
    unittest.main()
