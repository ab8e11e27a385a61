"""test_master - master(8), postlogd(8) and postfix(1) on a private instance.

The services are our test program (tests/tools/test_service.c) rather
than the mail daemons, so that these tests see only the process layer:
an echo service (one line in, "PID SERVICE: line" out), a trigger
service that records wake-up requests in a file, and one that fails at
start-up. daemon_directory is a directory of symbolic links to the build.
"""
import os
import re
import signal
import socket
import subprocess
import time
import unittest

import harness

VERSION = "3.7.11"


def ask(sock_addr, text, timeout=10):
    """One line to an echo service; its answer without the newline."""
    if isinstance(sock_addr, str):
        s = socket.socket(socket.AF_UNIX)
    else:
        s = socket.socket()
    s.settimeout(timeout)
    s.connect(sock_addr)
    s.sendall(text.encode() + b"\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(200)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.decode().strip()


class MasterTest(unittest.TestCase):
    def setUp(self):
        self.mx = harness.Instance()
        self.libexec = os.path.join(self.mx.dir, "libexec")
        os.makedirs(self.libexec)
        for prog in ("master", "postlogd", "postfix"):
            os.symlink(os.path.join(harness.BUILD, "bin", prog),
                       os.path.join(self.libexec, prog))
        os.symlink(os.path.join(harness.BUILD, "tools", "test_service"),
                   os.path.join(self.libexec, "test_service"))
        self.trig_log = os.path.join(self.mx.dir, "trig.log")
        with open(self.trig_log, "w"):
            pass
        os.chmod(self.trig_log, 0o666)
        self.mx.write_main_cf({"daemon_directory": self.libexec,
                               "max_idle": "10"})
        self.write_master_cf()

    def tearDown(self):
        self.mx.__exit__(None, None, None)

    # --- helpers -------------------------------------------------------------
    def write_master_cf(self, extra=(), drop=()):
        lines = {
            "inet": "127.0.0.1:%d inet n - n - 2 test_service echo"
                    % self.mx.port,
            "echo": "echo unix - - n - - test_service echo",
            "trig": "trig unix - - n 1 1 test_service trigger "
                    + self.trig_log,
            "postlog": "postlog unix-dgram n - n - 1 postlogd",
            "missing": "missing unix - - n - - nosuchprog",
        }
        out = [v for k, v in lines.items() if k not in drop]
        out.extend(extra)
        with open(os.path.join(self.mx.conf, "master.cf"), "w") as f:
            f.write("\n".join(out) + "\n")

    def postfix(self, *args):
        return self.mx.run_cmd("postfix", *args, check=False)

    def private(self, name):
        return os.path.join(self.mx.queue, "private", name)

    def inet(self):
        return ("127.0.0.1", self.mx.port)

    def start(self):
        self.mx.start()

    # --- tests ---------------------------------------------------------------
    def test_start_status_stop(self):
        r = self.postfix("status")
        self.assertEqual(r.returncode, 1)
        self.assertIn("postfix/postfix-script: the Postfix mail system is "
                      "not running", r.stderr)
        self.start()
        self.mx.wait_log(r"postfix/master\[\d+\]: daemon started -- "
                         r"version %s, configuration %s$"
                         % (re.escape(VERSION), re.escape(self.mx.conf)))
        r = self.postfix("status")
        self.assertEqual(r.returncode, 0)
        self.assertIn("the Postfix mail system is running: PID: %d"
                      % self.mx.master_pid(), r.stderr)
        r = self.postfix("start")
        self.assertEqual(r.returncode, 1)
        self.assertIn("fatal: the Postfix mail system is already running",
                      r.stderr)
        r = self.postfix("stop")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("postfix/postfix-script: stopping the Postfix mail "
                      "system", r.stderr)
        self.mx.started = False
        self.mx.wait_log(r"postfix/master\[\d+\]: terminating on signal 15")
        self.assertEqual(self.mx.pids("master"), [])
        r = self.postfix("status")
        self.assertEqual(r.returncode, 1)
        r = self.postfix("stop")
        self.assertEqual(r.returncode, 1)
        self.assertIn("fatal: the Postfix mail system is not running",
                      r.stderr)

    def test_second_master_refused(self):
        self.start()
        r = subprocess.run([os.path.join(self.libexec, "master"), "-c",
                            self.mx.conf], capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn("fatal: the Postfix mail system is already running",
                      r.stderr)
        r = subprocess.run([os.path.join(self.libexec, "master"), "-c",
                            self.mx.conf, "-t"], capture_output=True)
        self.assertEqual(r.returncode, 1)

    def test_inet_and_unix_services(self):
        def service_pids():
            out = []
            for p in os.listdir("/proc"):
                if not p.isdigit():
                    continue
                try:
                    cmd = open("/proc/%s/cmdline" % p, "rb").read()
                except OSError:
                    continue
                if cmd.startswith(b"test_service\0") and \
                        ("%d" % self.mx.port).encode() in cmd:
                    out.append(int(p))
            return out

        self.start()
        pid, rest = ask(self.inet(), "hello").split(" ", 1)
        self.assertEqual(rest, "127.0.0.1:%d: hello" % self.mx.port)
        # A process that told master it is available again takes the
        # next client: no new process is started. (Which of the idle
        # processes wins the accept() is up to the kernel: the harness's
        # port probe may have made master start a second one.)
        time.sleep(0.5)
        running = set(service_pids())
        self.assertIn(int(pid), running)
        again = int(ask(self.inet(), "again").split(" ")[0])
        self.assertIn(again, running)
        self.assertRegex(ask(self.private("echo"), "x"), r"^\d+ echo: x$")
        st = os.lstat(self.private("echo"))
        self.assertEqual(st.st_mode & 0o777, 0o666)
        self.assertEqual(st.st_uid, harness.pwd.getpwnam("postfix").pw_uid)
        # Children run as mail_owner with master's argv conventions.
        cmd = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")[:-1]
        self.assertEqual(cmd, [b"test_service", b"-n",
                               ("127.0.0.1:%d" % self.mx.port).encode(),
                               b"-t", b"inet", b"-s", b"1", b"-u", b"echo"])
        status = open("/proc/%s/status" % pid).read()
        uid = harness.pwd.getpwnam("postfix").pw_uid
        self.assertRegex(status, r"Uid:\s+%d\s+%d\s+%d\s+%d" % ((uid,) * 4))

    def test_killed_child_is_replaced(self):
        self.start()
        pid = int(ask(self.inet(), "one").split(" ")[0])
        os.kill(pid, signal.SIGKILL)
        self.mx.wait_log(r"postfix/master\[\d+\]: warning: process "
                         r"%s pid %d killed by signal 9"
                         % (re.escape(os.path.join(self.libexec,
                                                   "test_service")), pid))
        pid2 = int(ask(self.inet(), "two").split(" ")[0])
        self.assertNotEqual(pid, pid2)

    def test_process_limit(self):
        self.start()
        busy = []
        for _ in range(2):  # maxproc 2: both processes taken
            s = socket.create_connection(self.inet(), 5)
            busy.append(s)
        time.sleep(0.5)
        third = socket.create_connection(self.inet(), 5)
        self.mx.wait_log(r'warning: service "127.0.0.1:%d" \(127.0.0.1:%d\) '
                         r'has reached its process limit "2": new clients '
                         r'may experience noticeable delays'
                         % (self.mx.port, self.mx.port))
        pids = set()
        for s in busy:
            s.sendall(b"x\n")
            pids.add(s.recv(100).split()[0])
            s.close()
        self.assertEqual(len(pids), 2)
        # The third client is served once a process is free again.
        third.settimeout(5)
        third.sendall(b"y\n")
        self.assertIn(third.recv(100).split()[0], pids)
        third.close()

    def test_wakeup(self):
        self.start()
        end = time.time() + 10
        while time.time() < end:
            lines = open(self.trig_log).read().splitlines()
            if len(lines) >= 2:
                break
            time.sleep(0.2)
        self.assertGreaterEqual(len(lines), 2, lines)
        self.assertRegex(lines[0], r"^\d+ trig: W$")

    def test_missing_program_skipped(self):
        self.start()
        ask(self.private("echo"), "x")
        time.sleep(1)
        warnings = re.findall(r"postfix/master\[\d+\]: (warning: .*)",
                              self.mx.log())
        self.assertEqual(warnings, [
            "warning: %s/master.cf, line 5: service missing/unix: cannot "
            "execute %s/nosuchprog: No such file or directory -- skipping "
            "this service" % (self.mx.conf, self.libexec)])
        self.assertFalse(os.path.exists(self.private("missing")))

    def test_bad_command_startup_throttles(self):
        self.write_master_cf(["crash unix - - n - - test_service crash"])
        self.start()
        s = socket.socket(socket.AF_UNIX)
        s.connect(self.private("crash"))
        self.mx.wait_log(r"warning: process \S+/test_service pid \d+ exit "
                         r"status 1")
        self.mx.wait_log(r"warning: \S+/test_service: bad command startup "
                         r"-- throttling")
        s.close()
        # Other services go on.
        self.assertRegex(ask(self.private("echo"), "ok"), r"^\d+ echo: ok$")

    def test_reload_adds_and_removes(self):
        self.start()
        old = int(ask(self.private("echo"), "x").split()[0])
        self.write_master_cf(["echo2 unix - - n - - test_service echo"],
                             drop=("echo",))
        r = self.postfix("reload")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("refreshing the Postfix mail system", r.stderr)
        self.mx.wait_log(r"postfix/master\[\d+\]: reload -- version %s, "
                         r"configuration %s" % (re.escape(VERSION),
                                                re.escape(self.mx.conf)))
        # The reload itself is asynchronous: wait for its effect.
        end = time.time() + 5
        while (not os.path.exists(self.private("echo2")) or
               os.path.exists(self.private("echo"))) and time.time() < end:
            time.sleep(0.05)
        self.assertRegex(ask(self.private("echo2"), "y"), r"^\d+ echo2: y$")
        self.assertFalse(os.path.exists(self.private("echo")))
        # The removed service's idle child went away.
        end = time.time() + 5
        while os.path.exists("/proc/%d" % old) and time.time() < end:
            time.sleep(0.1)
        self.assertFalse(os.path.exists("/proc/%d/cmdline" % old) and
                         open("/proc/%d/cmdline" % old, "rb").read())

    def test_start_fails_when_port_taken(self):
        blocker = socket.socket()
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(self.inet())
        blocker.listen(1)
        try:
            r = self.postfix("start")
        finally:
            blocker.close()
        self.assertEqual(r.returncode, 1)
        self.assertIn("fatal: mail system startup failed", r.stderr)
        self.assertEqual(self.mx.pids("master"), [])


if __name__ == "__main__":
    unittest.main()
