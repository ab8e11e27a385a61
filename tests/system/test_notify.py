"""test_notify - master(8) and postfix(1) with systemd, without systemd.

NotifyTest plays systemd's part for a Type=notify unit: it binds the
AF_UNIX datagram socket named by NOTIFY_SOCKET, runs "postfix start-fg"
as the unit's ExecStart would, and checks what master reports (READY=1
only once the SMTP port accepts, RELOADING=1/READY=1 around a reload,
STOPPING=1, the STATUS line) and that it comes from the PID systemd
started (start-fg execs master in place; NotifyAccess=main needs that).

RedirectTest runs "postfix start" in a private mount namespace where
/run/systemd/system exists (an empty tmpfs on /run, as sd_booted() looks
for), /etc is an overlay holding /etc/postfix-foo-bar (a bind mount of
the instance's conf/), and "systemctl" is a script that records its
arguments and the -v/-D hand-over file. Nothing of the host changes.
"""
import os
import re
import socket
import struct
import subprocess
import time
import unittest

import harness


def master_cf_services(path):
    """The master.cf entries whose command exists in the build (master
    skips the others, and STATUS counts the services it runs)."""
    n = 0
    with open(path) as f:
        for line in f:
            words = line.split()
            if (len(words) >= 8 and not line.startswith(("#", " ", "\t"))
                    and os.access(os.path.join(harness.BUILD, "bin",
                                               words[7]), os.X_OK)):
                n += 1
    return n


class Notifier:
    """The receiving end of NOTIFY_SOCKET, with the sender's credentials."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)

    def recv(self, timeout=20):
        """(text, sender pid) of the next datagram; AssertionError on timeout."""
        self.sock.settimeout(timeout)
        try:
            data, anc, _, _ = self.sock.recvmsg(
                4096, socket.CMSG_SPACE(struct.calcsize("iII")))
        except socket.timeout:
            raise AssertionError("no notification within %ds" % timeout)
        pid = None
        for level, kind, payload in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", payload[:12])[0]
        return data.decode(), pid

    def pending(self):
        """Datagrams already queued, without waiting."""
        out = []
        self.sock.setblocking(False)
        try:
            while True:
                out.append(self.sock.recv(4096).decode())
        except BlockingIOError:
            pass
        return out

    def close(self):
        self.sock.close()


def fields(text):
    """A notification as a dict: {"READY": "1", "STATUS": "..."}."""
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


class NotifyTest(unittest.TestCase):
    def setUp(self):
        self.mx = harness.Instance()
        self.notify = Notifier(os.path.join(self.mx.dir, "notify"))
        self.proc = None

    def tearDown(self):
        self.notify.close()
        self.mx.__exit__(None, None, None)
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def port_accepts(self):
        try:
            with socket.create_connection(("127.0.0.1", self.mx.port), 1):
                return True
        except OSError:
            return False

    def start_fg(self, extra_env=None):
        env = dict(os.environ, NOTIFY_SOCKET=self.notify.path)
        env.pop("INVOCATION_ID", None)
        env.update(extra_env or {})
        self.proc = subprocess.Popen(
            [os.path.join(harness.BUILD, "bin", "postfix"), "-c",
             self.mx.conf, "start-fg"], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        self.mx.started = True

    def test_ready_reload_stop(self):
        self.assertFalse(self.port_accepts())
        self.start_fg()
        text, pid = self.notify.recv()
        # Checked at once: the listener must already be there.
        accepted = self.port_accepts()
        msg = fields(text)
        self.assertEqual(msg.get("READY"), "1", text)
        self.assertTrue(accepted, "READY=1 before the SMTP port accepts")
        # start-fg became master: the unit's main PID sends everything.
        self.assertEqual(pid, self.proc.pid)
        self.assertEqual(self.mx.master_pid(), self.proc.pid)
        nserv = master_cf_services(os.path.join(self.mx.conf, "master.cf"))
        self.assertEqual(msg.get("STATUS"),
                         "%s: %d services" % (self.mx.conf, nserv))
        with self.mx.smtp() as s:
            self.assertEqual(s.noop()[0], 250)

        self.mx.run_cmd("postfix", "reload")
        text, pid = self.notify.recv()
        msg = fields(text)
        self.assertEqual(msg.get("RELOADING"), "1", text)
        self.assertRegex(msg.get("MONOTONIC_USEC", ""), r"^\d+$")
        # CLOCK_MONOTONIC, as systemd compares it with its own.
        now = time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6
        self.assertLess(abs(now - int(msg["MONOTONIC_USEC"])), 30e6)
        self.assertEqual(pid, self.proc.pid)
        text, pid = self.notify.recv()
        msg = fields(text)
        self.assertEqual(msg.get("READY"), "1", text)
        self.assertEqual(msg.get("STATUS"),
                         "%s: %d services" % (self.mx.conf, nserv))
        self.assertTrue(self.port_accepts())

        self.mx.run_cmd("postfix", "stop")
        self.mx.started = False
        text, pid = self.notify.recv()
        self.assertEqual(fields(text).get("STOPPING"), "1", text)
        self.assertEqual(pid, self.proc.pid)
        self.assertEqual(self.proc.wait(timeout=20), 0)
        self.assertEqual(self.notify.pending(), [])

    def test_sigterm_from_systemd(self):
        # systemctl stop without ExecStop: SIGTERM to the main process.
        self.start_fg()
        self.assertEqual(fields(self.notify.recv()[0]).get("READY"), "1")
        self.proc.terminate()
        self.assertEqual(fields(self.notify.recv()[0]).get("STOPPING"), "1")
        self.assertEqual(self.proc.wait(timeout=20), 0)
        self.mx.started = False
        self.mx.wait_log(r"postfix/master\[%d\]: terminating on signal 15"
                         % self.proc.pid)

    def test_status_counts_services_after_reload(self):
        self.start_fg()
        nserv = master_cf_services(os.path.join(self.mx.conf, "master.cf"))
        self.assertIn("%d services" % nserv, self.notify.recv()[0])
        with open(os.path.join(self.mx.conf, "master.cf"), "a") as f:
            f.write("127.0.0.1:%d inet n - n - - smtpd\n" % harness.free_port())
        self.mx.run_cmd("postfix", "reload")
        self.assertIn("RELOADING=1", self.notify.recv()[0])
        self.assertIn("STATUS=%s: %d services" % (self.mx.conf, nserv + 1),
                      self.notify.recv()[0])

    def test_no_notify_socket_no_messages(self):
        self.mx.start()
        self.mx.run_cmd("postfix", "reload")
        self.mx.wait_log(r"reload -- version")
        time.sleep(0.3)
        self.assertEqual(self.notify.pending(), [])


FAKE_SYSTEMCTL = """#!/bin/sh
{ echo "args: $*"; for f in /run/postfix/*.env; do
  [ -f "$f" ] && echo "file: $(basename "$f"): $(cat "$f")"; done
} >> "$FAKE_LOG"
exit ${FAKE_RC:-0}
"""

NAMESPACE_SETUP = """set -e
mount -t overlay overlay -o lowerdir=/etc,upperdir=$OV/upper,workdir=$OV/work /etc
mkdir -p /etc/postfix-foo-bar /etc/postfix
mount --bind "$CONF" /etc/postfix-foo-bar
mount --bind "$CONF" /etc/postfix
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/system
set +e
"""


class RedirectTest(unittest.TestCase):
    def setUp(self):
        self.mx = harness.Instance()
        d = self.mx.dir
        self.ov = os.path.join(d, "overlay")
        for sub in ("upper", "work", "bin"):
            os.makedirs(os.path.join(self.ov, sub))
        self.log = os.path.join(d, "systemctl.log")
        ctl = os.path.join(self.ov, "bin", "systemctl")
        with open(ctl, "w") as f:
            f.write(FAKE_SYSTEMCTL)
        os.chmod(ctl, 0o755)
        probe = subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             NAMESPACE_SETUP.replace("set +e", "") + "exit 0"],
            env=self.env(), capture_output=True, text=True)
        if probe.returncode != 0:
            self.skipTest("no private mount namespace with overlay: "
                          + probe.stderr)

    def tearDown(self):
        # A master started in the namespace reads /etc/postfix*; find it
        # by its working directory, the instance's queue.
        exe = os.path.join(harness.BUILD, "bin", "master")
        for p in os.listdir("/proc"):
            try:
                if (p.isdigit() and os.readlink("/proc/%s/exe" % p) == exe
                        and os.readlink("/proc/%s/cwd" % p) == self.mx.queue):
                    os.kill(int(p), 9)
            except OSError:
                pass
        self.mx.__exit__(None, None, None)

    def env(self, extra=None):
        env = dict(os.environ, OV=self.ov, CONF=self.mx.conf,
                   FAKE_LOG=self.log,
                   PATH=os.path.join(self.ov, "bin") + ":" +
                   os.environ.get("PATH", "/usr/bin:/bin"),
                   PF=os.path.join(harness.BUILD, "bin", "postfix"))
        env.pop("INVOCATION_ID", None)
        env.pop("POSTFIX_NO_SYSTEMD_REDIRECT", None)
        env.update(extra or {})
        return env

    def run_ns(self, script, extra=None):
        """script after the namespace set-up; CompletedProcess."""
        return subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             NAMESPACE_SETUP + script], env=self.env(extra),
            capture_output=True, text=True, timeout=60)

    def calls(self):
        try:
            with open(self.log) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def test_instance_redirect_with_flags(self):
        r = self.run_ns('"$PF" -v -D -c /etc/postfix-foo-bar start')
        self.assertEqual(r.returncode, 0, r.stderr)
        unit = "postfix@foo\\x2dbar.service"
        self.assertIn("postfix/postfix-script: redirecting the Postfix mail "
                      "system startup to systemd " + unit, r.stderr)
        self.assertNotIn("starting the Postfix mail system", r.stderr)
        self.assertEqual(self.calls(),
                         "args: start %s\nfile: %s.env: POSTFIX_FLAGS=-v -D\n"
                         % (unit, unit))
        self.assertEqual(self.mx.pids("master"), [])
        # The checks and the sync ran before the hand-over.
        self.assertTrue(os.path.isdir(os.path.join(self.mx.queue, "pid")))

    def test_main_redirect_without_flags(self):
        r = self.run_ns('mkdir -p /run/postfix && '
                        'echo POSTFIX_FLAGS=-v > /run/postfix/postfix.service.env && '
                        '"$PF" -c /etc/postfix start')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("startup to systemd postfix.service", r.stderr)
        # A stale hand-over file is not reused.
        self.assertEqual(self.calls(), "args: start postfix.service\n")

    def test_systemctl_failure(self):
        r = self.run_ns('"$PF" -c /etc/postfix start', {"FAKE_RC": "1"})
        self.assertEqual(r.returncode, 1)
        self.assertIn("postfix/postfix-script: fatal: mail system startup "
                      "through systemd failed", r.stderr)

    def classic(self, conf, extra):
        script = ('"$PF" -c %s start; echo "rc=$?"; "$PF" -c %s status; '
                  '"$PF" -c %s stop' % (conf, conf, conf))
        r = self.run_ns(script, extra)
        self.assertIn("rc=0", r.stdout, r.stderr)
        self.assertIn("starting the Postfix mail system", r.stderr)
        self.assertIn("the Postfix mail system is running", r.stderr)
        self.assertNotIn("redirecting", r.stderr)
        self.assertEqual(self.calls(), "")

    def test_opt_out(self):
        self.classic("/etc/postfix-foo-bar",
                     {"POSTFIX_NO_SYSTEMD_REDIRECT": "1"})

    def test_inside_unit(self):
        self.classic("/etc/postfix", {"INVOCATION_ID": "0123abcd"})

    def test_other_directory(self):
        self.classic(self.mx.conf, None)

    def test_start_fg_not_redirected(self):
        # start-fg removes the hand-over file of its unit and becomes
        # master (NOTIFY_SOCKET set), which the timeout then stops.
        notify = Notifier(os.path.join(self.mx.dir, "notify"))
        try:
            r = self.run_ns(
                'mkdir -p /run/postfix && echo POSTFIX_FLAGS=-v > '
                '"/run/postfix/postfix@foo\\x2dbar.service.env" && '
                '(timeout -s TERM 3 "$PF" -c /etc/postfix-foo-bar start-fg;'
                ' echo "rc=$?"; ls /run/postfix | wc -l)',
                {"NOTIFY_SOCKET": notify.path})
            self.assertEqual(fields(notify.recv()[0]).get("READY"), "1")
        finally:
            notify.close()
        self.assertIn("starting the Postfix mail system", r.stderr)
        self.assertNotIn("redirecting", r.stderr)
        self.assertEqual(r.stdout.split(), ["rc=124", "0"], r.stderr)
        self.assertEqual(self.calls(), "")


if __name__ == "__main__":
    unittest.main()
