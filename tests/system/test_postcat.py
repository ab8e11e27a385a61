"""test_postcat - postcat(1) on real queue files and on damaged ones.

A message is held by a header_checks HOLD rule, then our postcat prints it
(-q ID) with each option set and the output is compared byte for byte
with Debian's postfix 3.7 postcat run on the same file and main.cf (from
/tmp/debpf, see the lead's notes; when that is missing the comparison is
skipped with a note and only our own checks run). Damaged files
(truncated, huge record lengths, garbage) must give Postfix's warnings
and exit status, never a crash.
"""
import os
import re
import shutil
import subprocess
import unittest

import harness

DEBPF = "/tmp/debpf/root"
DEB_POSTCAT = os.path.join(DEBPF, "usr/sbin/postcat")
# Debian's -v also logs its own library internals on stderr; not ours.
DEB_NOISE = re.compile(r"(name_mask|inet_addr_local|mynetworks_core|"
                       r"dict_|mac_parse|inet_addr_list)")


def record(rtype, data=b""):
    """One record: type byte, base-128 length, data."""
    if isinstance(data, str):
        data = data.encode()
    out = bytearray(rtype.encode())
    n = len(data)
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out) + data


def have_debian():
    return os.access(DEB_POSTCAT, os.X_OK)


class PostcatTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mx = harness.Instance(main_cf={
            "header_checks": "regexp:" + "/dev/null"})
        checks = os.path.join(cls.mx.conf, "header_checks")
        with open(checks, "w") as f:
            f.write("/^Subject: hold-me/ HOLD\n")
        cls.mx.write_main_cf({"header_checks": "regexp:" + checks})
        cls.mx.start()
        msg = harness.message(subject="hold-me",
                              body="x\nline two\n\nthird para\n",
                              extra="X-Folded: one\n two\n")
        with cls.mx.smtp() as s:
            s.sendmail("a@remote.test", ["alice@mx.example.test"], msg)
        m = cls.mx.wait_log(r"(\w+): hold: header Subject: hold-me")
        cls.qid = m[0].group(1)
        cls.mx.stop()  # nothing moves the file from here on
        cls.held = os.path.join(cls.mx.queue, "hold", cls.qid)
        if not have_debian():
            print("note: %s missing; Debian comparisons skipped" %
                  DEB_POSTCAT)

    @classmethod
    def tearDownClass(cls):
        cls.mx.__exit__(None, None, None)

    # --- helpers -----------------------------------------------------------
    def ours(self, *args, input=None):
        r = subprocess.run(
            [os.path.join(harness.BUILD, "bin", "postcat"), "-c",
             self.mx.conf] + list(args), capture_output=True, stdin=input)
        self.assertGreaterEqual(r.returncode, 0, "postcat crashed")
        return r

    def debian(self, *args, input=None):
        env = dict(os.environ,
                   LD_LIBRARY_PATH=os.path.join(DEBPF, "usr/lib/postfix"))
        if input is not None:
            input.seek(0)
        r = subprocess.run([DEB_POSTCAT, "-c", self.mx.conf] + list(args),
                           capture_output=True, env=env, stdin=input)
        err = b"\n".join(
            l.replace(DEB_POSTCAT.encode(), b"postcat")
            for l in r.stderr.split(b"\n")
            if not DEB_NOISE.search(l.decode("latin-1")))
        return r.returncode, r.stdout, err

    def same_as_debian(self, *args, input=None, stderr=True):
        ours = self.ours(*args, input=input)
        if not have_debian():
            return ours
        rc, out, err = self.debian(*args, input=input)
        self.assertEqual(ours.stdout.decode("latin-1"),
                         out.decode("latin-1"), "stdout of %s" % (args,))
        if stderr:
            self.assertEqual(ours.stderr.decode("latin-1"),
                             err.decode("latin-1"), "stderr of %s" % (args,))
        self.assertEqual(ours.returncode, rc, "exit status of %s" % (args,))
        return ours

    def damaged(self, name, data):
        path = os.path.join(self.mx.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    # --- a real held message -------------------------------------------------
    def test_default_output_shape(self):
        out = self.same_as_debian("-q", self.qid).stdout.decode()
        lines = out.splitlines()
        self.assertEqual(lines[0], "*** ENVELOPE RECORDS hold/%s ***" %
                         self.qid)
        self.assertRegex(lines[1], r"^message_size: +\d+ +\d+ +1 +0 +\d+ +0$")
        self.assertRegex(out, r"\nmessage_arrival_time: \w{3} \w{3} [ \d]\d "
                         r"\d\d:\d\d:\d\d \d{4}\n")
        self.assertIn("\nsender: a@remote.test\n", out)
        self.assertIn("\nrecipient: alice@mx.example.test\n", out)
        self.assertIn("\n*** MESSAGE CONTENTS hold/%s ***\n" % self.qid, out)
        self.assertIn("\nSubject: hold-me\nX-Folded: one\n two\n", out)
        self.assertIn("\n\nx\nline two\n\nthird para\n*** HEADER EXTRACTED "
                      "hold/%s ***\n" % self.qid, out)
        self.assertEqual(lines[-1], "*** MESSAGE FILE END hold/%s ***" %
                         self.qid)

    def test_option_sets_match_debian(self):
        for opts in (["-e"], ["-h"], ["-b"], ["-bh"], ["-eh"], ["-eb"],
                     ["-o"], ["-d"], ["-od"], ["-r"], ["-s", "0"]):
            with self.subTest(opts=opts):
                self.same_as_debian(*opts, "-q", self.qid)

    def test_verbose_names_records(self):
        out = self.same_as_debian("-vq", self.qid,
                                  stderr=False).stdout.decode()
        self.assertIn("\nregular_text: Subject: hold-me\n", out)
        self.assertIn("\nregular_text: \nregular_text: x\n", out)
        self.same_as_debian("-ovq", self.qid, stderr=False)

    def test_header_only_and_body_only(self):
        hdr = self.ours("-hq", self.qid).stdout.decode()
        body = self.ours("-bq", self.qid).stdout.decode()
        self.assertTrue(hdr.startswith("Received: "))
        self.assertTrue(hdr.endswith(" baz\n") or "Date: " in hdr)
        self.assertNotIn("***", hdr + body)
        self.assertEqual(body, "\nx\nline two\n\nthird para\n")
        self.assertEqual(self.ours("-bhq", self.qid).stdout.decode(),
                         hdr + body)

    def test_file_argument_and_stdin(self):
        r = self.same_as_debian(self.held)
        self.assertIn("*** ENVELOPE RECORDS %s ***" % self.held,
                      r.stdout.decode())
        # A file on stdin (Debian's stops before the end marker on a pipe).
        with open(self.held, "rb") as f:
            r = self.same_as_debian(input=f)
        self.assertTrue(r.stdout.startswith(b"*** ENVELOPE RECORDS stdin ***"))
        self.assertTrue(r.stdout.endswith(b"*** MESSAGE FILE END stdin ***\n"))

    def test_hashed_deferred_queue(self):
        d = os.path.join(self.mx.queue, "deferred", self.qid[0])
        os.makedirs(d, exist_ok=True)
        shutil.copy(self.held, os.path.join(d, self.qid))
        os.rename(self.held, self.held + ".away")
        try:
            r = self.same_as_debian("-eq", self.qid)
            self.assertTrue(r.stdout.startswith(
                ("*** ENVELOPE RECORDS deferred/%s/%s ***" %
                 (self.qid[0], self.qid)).encode()))
        finally:
            os.rename(self.held + ".away", self.held)
            os.unlink(os.path.join(d, self.qid))

    # --- errors ----------------------------------------------------------------
    def test_missing_and_bad_ids(self):
        r = self.same_as_debian("-q", "NOSUCHID1")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.decode(), "postcat: fatal: open queue file "
                         "NOSUCHID1: No such file or directory\n")
        r = self.same_as_debian("-q", "../etc")
        self.assertEqual(r.stderr.decode(),
                         "postcat: fatal: bad mail queue ID: ../etc\n")
        r = self.same_as_debian("/nonexistent/file")
        self.assertEqual(r.stderr.decode(), "postcat: fatal: open "
                         "/nonexistent/file: No such file or directory\n")

    def test_truncated_file(self):
        with open(self.held, "rb") as f:
            data = f.read()
        for cut in (len(data) // 3, len(data) - 5, 96, 1):
            with self.subTest(cut=cut):
                path = self.damaged("trunc%d" % cut, data[:cut])
                r = self.same_as_debian(path)
                self.assertIn(r.returncode, (0, 1))
        r = self.ours(self.damaged("trunc", data[:len(data) // 3]))
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr.decode(), r"warning: \S+: unexpected EOF in "
                         r"data, record type \d+ length \d+\n"
                         r"postcat: fatal: record read error\n$")

    def test_huge_and_bad_lengths(self):
        size = record("C", "%15d %15d %15d %15d %15d %15d" % (10, 120, 1, 0,
                                                             10, 0))
        cases = {
            b"R\xff\xff\xff\xff\x07abc": "length 2147483647",
            b"R\xff\xff\xff\xff\x0fabc": "illegal length -1",
            b"R\xff\xff\xff\xff\xff\xff\x7f": "too many length bits",
            b"R\x85": "unexpected EOF reading length",
        }
        for tail, why in cases.items():
            with self.subTest(why=why):
                r = self.same_as_debian(self.damaged("len", size + tail))
                self.assertEqual(r.returncode, 1)
                self.assertIn(why, r.stderr.decode())

    def test_garbage_and_empty(self):
        r = self.same_as_debian(self.damaged("junk", b"hello, world\n"))
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stderr.decode(),
                         r"warning: \S+junk: input is not a valid queue file")
        r = self.same_as_debian(self.damaged("empty", b""))
        self.assertEqual((r.returncode, r.stdout), (0, b""))
        bad = (record("T", "1795327980 0") + record("A", "=x") +
               record("A", "noequals") + record("S", "s@x") + record("E"))
        r = self.same_as_debian(self.damaged("attrs", bad))
        self.assertIn("malformed attribute: missing attribute name: =x",
                      r.stderr.decode())

    def test_random_damage_never_crashes(self):
        with open(self.held, "rb") as f:
            data = bytearray(f.read())
        import random
        rnd = random.Random(7)
        for i in range(150):
            d = bytearray(data)
            for _ in range(rnd.randint(1, 6)):
                d[rnd.randrange(len(d))] = rnd.randrange(256)
            path = self.damaged("fuzz", bytes(d[:rnd.randint(1, len(d))]))
            for opts in ([], ["-bh"], ["-e"], ["-ov"]):
                r = subprocess.run(
                    [os.path.join(harness.BUILD, "bin", "postcat"), "-c",
                     self.mx.conf] + opts + [path], capture_output=True,
                    timeout=20)
                self.assertIn(r.returncode, (0, 1), "case %d %s" % (i, opts))


if __name__ == "__main__":
    unittest.main()
