"""harness - a whole MTA instance in a temporary directory, for system tests.

    import harness
    with harness.Instance(main_cf={"message_size_limit": "100000"}) as mx:
        mx.start()                       # postfix start (master -w)
        with mx.smtp() as s:             # smtplib.SMTP on the instance port
            s.sendmail("a@remote.test", ["alice@mx.example.test"], msg)
        mx.wait_log(r"status=sent")      # regex over maillog, with timeout
        mx.wait_queue_empty()
        box = mx.mailbox("alice")         # mbox text in the spool directory

Layout under a fresh /tmp/mta-sys-XXXX (mode 0755):
    conf/     main.cf, master.cf (ours, smtp on 127.0.0.1:<free port>),
              aliases (+ aliases.db via our postalias)
    queue/    queue_directory (chroot=y services jail here)
    spool/    mail_spool_directory (mode 1777)
    data/     data_directory
    maillog   maillog_file (through the postlog service)
Daemons and commands come from the build directory under test
(TEST_BUILD, default ./build). Runs as root with mail_owner = postfix and
setgid_group = postdrop (created by ensure_users() when missing).
Test users: Instance.user("name") creates a system user with a home
directory under the instance (removed at the end).

Each test file is a plain Python unittest module; tests/system/run runs
every tests/system/test_*.py and prints ok/FAIL lines for tests/run.
"""
import contextlib
import glob
import grp
import os
import pwd
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("TEST_BUILD", os.path.join(TOP, "build"))
HOSTNAME = "mx.example.test"


def sanitized():
    """Whether the build under test has AddressSanitizer compiled in. Its
    leak checker cannot run in a set-gid process and turns any exit into
    status 1 there, so exit-status checks of set-gid copies allow that."""
    try:
        with open(os.path.join(BUILD, "bin", "postconf"), "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_users():
    """The postfix user and postdrop group, as Debian's package creates."""
    try:
        grp.getgrnam("postdrop")
    except KeyError:
        subprocess.run(["groupadd", "-r", "postdrop"], check=True)
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        subprocess.run(["groupadd", "-rf", "postfix"], check=True)
        subprocess.run(["useradd", "-r", "-g", "postfix", "-d",
                        "/var/spool/postfix", "-s", "/usr/sbin/nologin",
                        "postfix"], check=True)


class Instance:
    """One private MTA instance; a context manager that stops and cleans."""

    def __init__(self, main_cf=None, master_cf_extra=(), aliases=None,
                 chroot=True, keep=False):
        ensure_users()
        self.dir = tempfile.mkdtemp(prefix="mta-sys-")
        os.chmod(self.dir, 0o755)
        self.conf = os.path.join(self.dir, "conf")
        self.queue = os.path.join(self.dir, "queue")
        self.spool = os.path.join(self.dir, "spool")
        self.data = os.path.join(self.dir, "data")
        self.maillog = os.path.join(self.dir, "maillog")
        self.homes = os.path.join(self.dir, "home")
        for d in (self.conf, self.queue, self.data, self.homes):
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o755)
        os.makedirs(self.spool, exist_ok=True)
        os.chmod(self.spool, 0o1777)
        pf = pwd.getpwnam("postfix")
        os.chown(self.data, pf.pw_uid, pf.pw_gid)
        # What chrooted daemons read, as Debian's start-up copies it.
        etc = os.path.join(self.queue, "etc")
        os.makedirs(etc, exist_ok=True)
        for f in ("hosts", "services", "resolv.conf", "nsswitch.conf",
                  "localtime", "host.conf"):
            with contextlib.suppress(OSError):
                shutil.copy("/etc/" + f, etc)
        self.port = free_port()
        self.users = []
        self.keep = keep or os.environ.get("TEST_KEEP") == "1"
        self.started = False
        self.write_main_cf(main_cf or {})
        self.write_master_cf(chroot, master_cf_extra)
        self.write_aliases(aliases if aliases is not None else
                           {"postmaster": "root"})

    # --- configuration ---------------------------------------------------
    def base_params(self):
        return {
            "compatibility_level": "3.6",
            "queue_directory": self.queue,
            "data_directory": self.data,
            "daemon_directory": os.path.join(BUILD, "bin"),
            "command_directory": os.path.join(BUILD, "bin"),
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": HOSTNAME,
            "mydomain": "example.test",
            "myorigin": "$myhostname",
            "mydestination": "$myhostname, localhost.$mydomain, localhost",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "maillog_file": self.maillog,
            "maillog_file_prefixes": "/var, /dev/stdout, /tmp",
            "mail_spool_directory": self.spool,
            "alias_maps": "hash:" + os.path.join(self.conf, "aliases"),
            "alias_database": "hash:" + os.path.join(self.conf, "aliases"),
            "smtpd_banner": "$myhostname ESMTP $mail_name",
            "minimal_backoff_time": "2s",
            "maximal_backoff_time": "4s",
            "queue_run_delay": "2s",
            "smtpd_error_sleep_time": "0",
        }

    def write_main_cf(self, extra):
        params = self.base_params()
        params.update(extra)
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            for k, v in params.items():
                f.write("%s = %s\n" % (k, v))

    def postconf(self, *args, check=True):
        """Run our postconf on this instance; returns stdout."""
        r = subprocess.run([os.path.join(BUILD, "bin", "postconf"), "-c",
                            self.conf] + list(args), capture_output=True,
                           text=True)
        if check and r.returncode != 0:
            raise RuntimeError("postconf %s: %s" % (args, r.stderr))
        return r.stdout

    def write_master_cf(self, chroot, extra):
        src = open(os.path.join(TOP, "mta", "conf", "master.cf")).read()
        out = []
        for line in src.splitlines():
            if re.match(r"^smtp\s+inet\s", line):
                line = "127.0.0.1:%d inet n - %s - - smtpd" % (
                    self.port, "y" if chroot else "n")
            elif not chroot and re.match(r"^\S+\s+(unix|inet|fifo|unix-dgram|pass)\s", line):
                f = line.split()
                if len(f) >= 8 and f[4] == "y":
                    f[4] = "n"
                    line = " ".join(f)
            out.append(line)
        out.extend(extra)
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write("\n".join(out) + "\n")

    def write_aliases(self, aliases):
        path = os.path.join(self.conf, "aliases")
        with open(path, "w") as f:
            for k, v in aliases.items():
                f.write("%s: %s\n" % (k, v))
        self.run_cmd("postalias", path)

    def run_cmd(self, prog, *args, check=True, input=None):
        """Run one of our commands with -c conf; returns CompletedProcess."""
        r = subprocess.run([os.path.join(BUILD, "bin", prog), "-c",
                            self.conf] + list(args), capture_output=True,
                           text=True, input=input)
        if check and r.returncode != 0:
            raise RuntimeError("%s %s: exit %d: %s" % (
                prog, args, r.returncode, r.stderr))
        return r

    def user(self, name, shell="/bin/sh"):
        """A local system user with a home directory under the instance."""
        home = os.path.join(self.homes, name)
        try:
            pwd.getpwnam(name)
        except KeyError:
            subprocess.run(["useradd", "-M", "-d", home, "-s", shell, name],
                           check=True)
            self.users.append(name)
        os.makedirs(home, exist_ok=True)
        pw = pwd.getpwnam(name)
        os.chown(home, pw.pw_uid, pw.pw_gid)
        return pw

    # --- running -----------------------------------------------------------
    def start(self, timeout=20):
        """postfix start; waits until the SMTP port answers."""
        self.run_cmd("postfix", "start")
        self.started = True
        self.wait_port(timeout)

    def wait_port(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", self.port), 1):
                    return
            time.sleep(0.05)
        raise AssertionError("port %d never answered; log:\n%s" %
                             (self.port, self.log()))

    def stop(self):
        if self.started:
            self.run_cmd("postfix", "stop", check=False)
            self.started = False

    def master_pid(self):
        with open(os.path.join(self.queue, "pid", "master.pid")) as f:
            return int(f.read().split()[0])

    def pids(self, program):
        """PIDs of running processes of one of our programs for this instance."""
        out = []
        exe = os.path.join(BUILD, "bin", program)
        for p in glob.glob("/proc/[0-9]*"):
            try:
                if os.readlink(p + "/exe") != exe:
                    continue
                cmd = open(p + "/cmdline", "rb").read().split(b"\0")
                env = open(p + "/environ", "rb").read()
            except OSError:
                continue
            if ("MAIL_CONFIG=" + self.conf).encode() in env or \
               self.conf.encode() in b" ".join(cmd):
                out.append(int(p.rsplit("/", 1)[1]))
        return out

    def smtp(self, timeout=30):
        s = smtplib.SMTP("127.0.0.1", self.port, timeout=timeout,
                         local_hostname="client.example.test")
        return s

    def raw(self, timeout=30):
        """A plain socket to the SMTP port (for byte-exact dialogues)."""
        return socket.create_connection(("127.0.0.1", self.port), timeout)

    # --- observing ---------------------------------------------------------
    def log(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_log(self, pattern, timeout=20, count=1):
        """Wait until pattern (regex) matched count lines; returns matches."""
        end = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            found = [m for m in (rx.search(l) for l in self.log().splitlines()) if m]
            if len(found) >= count:
                return found
            if time.time() > end:
                raise AssertionError("log never matched %r (x%d); log:\n%s" %
                                     (pattern, count, self.log()[-6000:]))
            time.sleep(0.05)

    def queue_files(self, queue):
        out = []
        for root, _, files in os.walk(os.path.join(self.queue, queue)):
            out.extend(f for f in files if not f.startswith("."))
        return sorted(out)

    def wait_queue_empty(self, timeout=30, queues=("incoming", "active",
                                                   "deferred")):
        end = time.time() + timeout
        while time.time() < end:
            if not any(self.queue_files(q) for q in queues):
                return
            time.sleep(0.05)
        raise AssertionError("queue not empty: %s; log:\n%s" % (
            {q: self.queue_files(q) for q in queues}, self.log()[-6000:]))

    def mailbox(self, user):
        try:
            with open(os.path.join(self.spool, user), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_mailbox(self, user, pattern, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if re.search(pattern, self.mailbox(user)):
                return self.mailbox(user)
            time.sleep(0.05)
        raise AssertionError("mailbox %s never matched %r; log:\n%s" % (
            user, pattern, self.log()[-6000:]))

    def maildir_messages(self, home, sub="Maildir"):
        d = os.path.join(home, sub, "new")
        if not os.path.isdir(d):
            return []
        return [open(os.path.join(d, f), errors="replace").read()
                for f in sorted(os.listdir(d))]

    # --- context manager ---------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        for pid in self.pids("master"):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for name in self.users:
            subprocess.run(["userdel", name], capture_output=True)
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        return False


class RawClient:
    """A line-oriented SMTP client on a raw socket (byte-exact input)."""

    def __init__(self, mx, timeout=10):
        self.sock = mx.raw(timeout)
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("connection closed; got %r" % self.buf)
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("latin-1")

    def reply(self):
        """One (multi-line) reply as a list of lines."""
        lines = [self.line()]
        while lines[-1][3:4] == "-":
            lines.append(self.line())
        return lines

    def send(self, data):
        self.sock.sendall(data.encode("latin-1") if isinstance(data, str)
                          else data)

    def cmd(self, text):
        self.send(text + "\r\n")
        return self.reply()[-1]

    def closed(self, timeout=5):
        """True when the server closes the connection within timeout."""
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
                self.buf += data
        except (socket.timeout, ConnectionResetError):
            return False

    def close(self):
        self.sock.close()


def message(subject="test", body="hello\n", sender="a@remote.test",
            to="alice@mx.example.test", extra=""):
    """A small RFC 5322 message as a str with CRLF line ends."""
    text = ("From: %s\nTo: %s\nSubject: %s\n%s\n%s" %
            (sender, to, subject, extra, body))
    return text.replace("\r\n", "\n").replace("\n", "\r\n")
