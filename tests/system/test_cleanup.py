"""test_cleanup - the cleanup daemon in stand-alone mode (cleanup -S): the
record stream of mail_proto.h in, a queue file and a status out.

Each test writes the records smtpd would send, then reads the queue file
that cleanup left in incoming/ (or hold/) and the lines it logged."""
import os
import re
import subprocess
import unittest

import harness

CLEANUP = os.path.join(harness.BUILD, "bin", "cleanup")
FLAG_FILTER, FLAG_BCC_OK, FLAG_MAP_OK = 2, 16, 32
STAT_BAD, STAT_WRITE, STAT_SIZE, STAT_CONT = 1, 2, 4, 8
STAT_HOPS, STAT_RCPT, STAT_DEFER, STAT_DISCARD = 16, 32, 128, 512


def rec(rtype, data=""):
    """One record: type byte, base-128 length, data."""
    if isinstance(data, str):
        data = data.encode()
    n, out = len(data), bytearray(rtype.encode())
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out) + data


def parse_records(blob):
    """[(type, text, offset)] of a queue file."""
    i, out = 0, []
    while i < len(blob):
        start, rtype, i = i, chr(blob[i]), i + 1
        n = shift = 0
        while True:
            c, i = blob[i], i + 1
            n |= (c & 0x7F) << shift
            shift += 7
            if not c & 0x80:
                break
        out.append((rtype, blob[i:i + n].decode(errors="replace"), start))
        i += n
    return out


def envelope(sender="alice", rcpts=("bob",), attrs=None, full=None):
    recs = [rec("T", "1795316011 0")]
    if full:
        recs.append(rec("F", full))
    recs.append(rec("S", sender))
    for kv in (attrs if attrs is not None else SMTP_ATTRS):
        recs.append(rec("A", "%s=%s" % kv))
    for r in rcpts:
        recs.append(rec("R", r))
    return recs


def content(lines):
    return [rec("M")] + [rec("N", l) for l in lines] + [rec("X"), rec("E")]


SMTP_ATTRS = [("log_client_name", "localhost"),
              ("log_client_address", "127.0.0.1"),
              ("log_helo_name", "client.example.test"),
              ("log_protocol_name", "ESMTP"),
              ("rewrite_context", "local")]

BASIC = ["Subject: hello", "To: bob", "", "body"]


class Result:
    def __init__(self, mx, proc_out, err, rc):
        self.rc, self.err = rc, err
        m = re.match(r"queue_id=(\w*)\n\n(.*)", proc_out, re.S)
        self.queue_id = m.group(1) if m else None
        reply = dict(l.split("=", 1) for l in (m.group(2) if m else "")
                     .split("\n") if "=" in l)
        self.status = int(reply["status"]) if "status" in reply else None
        self.reason = reply.get("reason")
        self.queue = None
        self.records = []
        for q in ("incoming", "hold"):
            path = os.path.join(mx.queue, q, self.queue_id or "-")
            if self.queue_id and os.path.exists(path):
                self.queue, self.path = q, path
                self.mode = os.stat(path).st_mode & 0o777
                with open(path, "rb") as f:
                    self.records = parse_records(f.read())

    def values(self, rtype):
        return [t for r, t, _ in self.records if r == rtype]

    def content(self):
        """The message text between MESG and XTRA (CONT pieces joined)."""
        out, line, on = [], "", False
        for r, t, _ in self.records:
            if r == "M":
                on = True
            elif r == "X":
                on = False
            elif on and r == "U":
                line += t
            elif on and r == "N":
                out.append(line + t)
                line = ""
        return out

    def header(self, name):
        for l in self.content():
            if l == "":
                return None
            if l.lower().startswith(name.lower() + ":"):
                return l.split(":", 1)[1].strip()
        return None


class Base(unittest.TestCase):
    """Helpers: an instance per test, cleanup runs, assertions."""
    main_cf = {}

    def setUp(self):
        self.mx = harness.Instance(main_cf=self.main_cf)
        for q in ("incoming", "hold", "public", "private"):
            os.makedirs(os.path.join(self.mx.queue, q), exist_ok=True)

    def tearDown(self):
        self.mx.__exit__(None, None, None)

    def configure(self, **params):
        self.mx.postconf(*["%s=%s" % kv for kv in params.items()])

    def run_cleanup(self, recs, flags=FLAG_FILTER | FLAG_MAP_OK, raw=None):
        data = raw if raw is not None else (
            b"flags=%d\n\n" % flags + b"".join(recs))
        p = subprocess.run([CLEANUP, "-S", "-c", self.mx.conf, "-n",
                            "cleanup"], input=data, capture_output=True,
                           timeout=30)
        r = Result(self.mx, p.stdout.decode(errors="replace"),
                   p.stderr.decode(errors="replace"), p.returncode)
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotRegex(r.err, r"Sanitizer|runtime error")
        return r

    def accepted(self, r, queue="incoming"):
        self.assertEqual(r.status, 0, (r.reason, r.err, self.mx.log()))
        self.assertEqual(r.reason, "")
        self.assertEqual(r.queue, queue)
        self.assertEqual(r.mode, 0o700)

    def rejected(self, r, status, reason):
        self.assertEqual(r.status, status, (r.reason, self.mx.log()))
        self.assertRegex(r.reason, reason)
        self.assertIsNone(r.queue, "queue file left behind")
        self.assertEqual(self.mx.queue_files("incoming"), [])

    def table(self, name, lines):
        """A texthash table file in the config directory."""
        path = os.path.join(self.mx.conf, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return "texthash:" + path


class CleanupTest(Base):
    # --- the queue file --------------------------------------------------
    def test_layout_and_sizes(self):
        r = self.run_cleanup(envelope(full="Alice Example",
                                      rcpts=("bob", "bob", "carol@far.test"))
                             + content(BASIC))
        self.accepted(r)
        types = "".join(t for t, _, _ in r.records)
        self.assertRegex(types, r"^CTcFSA{5}ORORMN+XE$")
        self.assertEqual(r.values("S"), ["alice@mx.example.test"])
        self.assertEqual(r.values("R"), ["bob@mx.example.test",
                                         "carol@far.test"])
        self.assertEqual(r.values("O"), ["bob", "carol@far.test"])
        size = [int(x) for x in r.values("C")[0].split()]
        mesg = [(t, o) for rt, t, o in r.records if rt == "M"][0]
        xtra = [o for rt, _, o in r.records if rt == "X"][0]
        data_offset = mesg[1] + 2 + 15
        self.assertEqual(int(mesg[0]), xtra)
        self.assertEqual(size, [xtra - data_offset, data_offset, 2, 0,
                                xtra - data_offset, 0])
        self.assertEqual(len(r.values("C")[0]), 6 * 15 + 5)
        self.configure(delay_warning_time="4h")
        r = self.run_cleanup(envelope() + content(BASIC))
        self.accepted(r)
        types = "".join(t for t, _, _ in r.records)
        self.assertRegex(types, r"^CTcWSA{5}ORMN+XE$")
        ctime = int(r.values("c")[0].split()[0])
        self.assertEqual(r.values("W"), ["%15d" % (ctime + 4 * 3600)])

    def test_smtpd_stream(self):
        """What smtpd sends: DSN records, FILT, FLGS after the content."""
        recs = envelope(rcpts=()) + [
            rec("A", "smtputf8=1"), rec("i", "envid-1"), rec("<", "2"),
            rec("o", "rfc822;bob@mx.example.test"), rec("n", "8"),
            rec("R", "bob"), rec("o", "rfc822;bob@mx.example.test"),
            rec("n", "8"), rec("R", "bob"), rec("o", ""), rec("R", "carol"),
            rec("Q", "smtp:[127.0.0.1]:10025"), rec("M")]
        recs += [rec("N", l) for l in BASIC] + [rec("X"), rec("f", "4"),
                                                 rec("E")]
        r = self.run_cleanup(recs)
        self.accepted(r, queue="hold")
        types = "".join(t for t, _, _ in r.records)
        self.assertRegex(types, r"^CTcSA{5}i<onORORQMN+XE$")
        self.assertEqual(r.values("o"), ["rfc822;bob@mx.example.test"])
        self.assertEqual(r.values("n"), ["8"])
        self.assertEqual(r.values("R"), ["bob@mx.example.test",
                                         "carol@mx.example.test"])
        self.assertEqual(r.values("C")[0].split()[5], "1")
        self.assertNotIn("smtputf8=1", r.values("A"))

    def test_missing_headers(self):
        r = self.run_cleanup(envelope(full="Alice Q. Example")
                             + content(["Subject: x", "", "body"]))
        self.accepted(r)
        self.assertRegex(r.header("Message-Id"),
                         r"^<\d{14}\.%s@%s>$" % (r.queue_id,
                                                 harness.HOSTNAME))
        self.assertRegex(r.header("Date"),
                         r"^\w\w\w, [ 1-3]\d \w\w\w \d{4} \d\d:\d\d:\d\d "
                         r"[+-]\d{4} \(\w+\)$")
        self.assertEqual(r.header("From"),
                         '"Alice Q. Example" <alice@mx.example.test>')
        self.assertIsNone(r.header("To"))
        self.assertEqual(r.content()[:4][0], "Subject: x")
        self.assertEqual(r.content()[-2:], ["", "body"])
        self.mx.wait_log(r"postfix/cleanup\[\d+\]: %s: message-id=%s" % (
            r.queue_id, re.escape(r.header("Message-Id"))))

    def test_undisclosed_recipients(self):
        self.configure(undisclosed_recipients_header="To: undisclosed:;")
        r = self.run_cleanup(envelope() + content(["Subject: x", "", "b"]))
        self.accepted(r)
        self.assertEqual(r.header("To"), "undisclosed:;")

    def test_remote_context_adds_nothing(self):
        attrs = SMTP_ATTRS[:-1] + [("rewrite_context", "remote")]
        r = self.run_cleanup(envelope(sender="a@remote.test", attrs=attrs)
                             + content(["Message-ID: <m1@remote.test>",
                                        "Return-Path: <x@y>",
                                        "To: someone", "", "b"]))
        self.accepted(r)
        self.assertIsNone(r.header("Date"))
        self.assertIsNone(r.header("From"))
        self.assertIsNone(r.header("Return-Path"))
        self.assertEqual(r.header("To"), "someone")
        self.mx.wait_log(r"%s: message-id=<m1@remote.test>" % r.queue_id)

    def test_header_address_rewriting(self):
        r = self.run_cleanup(envelope() + content([
            "From: Alice <alice>", "To: bob, \"Carol C\" <carol@host>",
            "Cc: undisclosed:;", "Subject: bob", "", "To: bob"]))
        self.accepted(r)
        self.assertEqual(r.header("From"), "Alice <alice@mx.example.test>")
        self.assertEqual(r.header("To"),
                         'bob@mx.example.test, "Carol C" <carol@host>')
        self.assertEqual(r.header("Subject"), "bob")
        self.assertEqual(r.content()[-1], "To: bob")

    def test_drop_headers(self):
        r = self.run_cleanup(envelope() + content(
            ["Bcc: secret@x.test", "Return-Path: <a@b>", "Content-Length: 9",
             "Resent-Bcc: s2@x.test", "To: bob", "", "Bcc: body stays"]))
        self.accepted(r)
        self.assertEqual(r.content(), ["To: bob@mx.example.test",
                                       "Resent-Message-Id: <%s>" %
                                       r.header("Resent-Message-Id")[1:-1],
                                       "Resent-Date: " +
                                       r.header("Resent-Date"),
                                       "Resent-From: alice@mx.example.test",
                                       "", "Bcc: body stays"])
        self.configure(message_drop_headers="x-drop")
        r = self.run_cleanup(envelope() + content(
            ["X-Drop: 1", "Bcc: kept@x.test", "", "b"]))
        self.accepted(r)
        self.assertIsNone(r.header("X-Drop"))
        self.assertEqual(r.header("Bcc"), "kept@x.test")

    def test_long_lines_split(self):
        self.configure(line_length_limit="100")
        long_body = "x" * 250
        r = self.run_cleanup(envelope() + content(
            ["Subject: " + "s" * 150, "", long_body]))
        self.accepted(r)
        self.assertEqual(r.content()[-1], long_body)
        self.assertEqual(r.content()[0], "Subject: " + "s" * 150)
        pieces = [len(t) for rt, t, _ in r.records if rt in "UN"]
        self.assertLessEqual(max(pieces), 100)

    def test_folded_header_kept(self):
        r = self.run_cleanup(envelope() + content(
            ["Subject: one", "\ttwo", "X-A: b", "", "b"]))
        self.accepted(r)
        self.assertEqual(r.content()[:3], ["Subject: one", "\ttwo", "X-A: b"])

    # --- failures ----------------------------------------------------------
    def test_no_recipients(self):
        r = self.run_cleanup(envelope(rcpts=()) + content(BASIC))
        self.rejected(r, STAT_RCPT, r"^550 5\.1\.0 ")

    def test_size_limit(self):
        self.configure(message_size_limit="1000")
        r = self.run_cleanup(envelope() + content(
            ["Subject: big", ""] + ["y" * 70] * 20))
        self.rejected(r, STAT_SIZE,
                      r"^552 5\.3\.4 Message size exceeds fixed limit$")

    def test_hopcount(self):
        self.configure(hopcount_limit="3")
        r = self.run_cleanup(envelope() + content(
            ["Received: a", "Received: b", "Received: c", "", "x"]))
        self.rejected(r, STAT_HOPS, r"^554 5\.4\.0 ")
        self.mx.wait_log(r"warning: %s: message rejected: hopcount exceeded"
                         % r.queue_id)

    def test_truncated_stream_leaves_nothing(self):
        data = b"flags=0\n\n" + b"".join(envelope() + [rec("M"),
                                                        rec("N", "Sub")])
        r = self.run_cleanup(None, raw=data)
        self.assertIsNone(r.status)
        self.assertEqual(self.mx.queue_files("incoming"), [])

    def test_bad_record_order(self):
        r = self.run_cleanup([rec("R", "bob"), rec("S", "a")]
                             + content(BASIC))
        self.rejected(r, STAT_BAD, r"^451 4\.3\.0 ")

    def test_disk_full(self):
        inc = os.path.join(self.mx.queue, "incoming")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs",
                        inc], check=True)
        try:
            r = self.run_cleanup(envelope() + content(
                ["Subject: big", ""] + ["z" * 900] * 40))
            self.rejected(r, STAT_WRITE,
                          r"^452 4\.3\.1 Insufficient system storage$")
        finally:
            subprocess.run(["umount", inc], check=True)


class CleanupChecksTest(Base):
    """header_checks, body_checks and friends, with regexp tables."""

    def checks(self, name, rules):
        path = os.path.join(self.mx.conf, name)
        with open(path, "w") as f:
            f.write("\n".join(rules) + "\n")
        self.configure(**{name: "regexp:" + path})

    def test_reject_logs_and_removes(self):
        self.checks("header_checks", ["/^Subject: spam/ REJECT no spam here"])
        r = self.run_cleanup(envelope() + content(
            ["Subject: spam now", "", "b"]))
        self.rejected(r, STAT_CONT, r"^550 5\.7\.1 no spam here$")
        self.mx.wait_log(
            r"postfix/cleanup\[\d+\]: %s: reject: header Subject: spam now "
            r"from localhost\[127\.0\.0\.1\]; from=<alice@mx\.example\.test> "
            r"to=<bob@mx\.example\.test> proto=ESMTP "
            r"helo=<client\.example\.test>: 5\.7\.1 no spam here$"
            % r.queue_id)

    def test_reject_default_text_and_defer(self):
        self.checks("header_checks", ["/^Subject: a/ REJECT",
                                      "/^Subject: b/ REJECT 4.7.0 later"])
        r = self.run_cleanup(envelope() + content(["Subject: a", "", "b"]))
        self.rejected(r, STAT_CONT,
                      r"^550 5\.7\.1 message content rejected$")
        r = self.run_cleanup(envelope() + content(["Subject: b", "", "b"]))
        self.rejected(r, STAT_DEFER, r"^451 4\.7\.0 later$")

    def test_checks_need_filter_flag(self):
        self.checks("header_checks", ["/^Subject:/ REJECT"])
        r = self.run_cleanup(envelope() + content(BASIC), flags=FLAG_MAP_OK)
        self.accepted(r)

    def test_hold(self):
        self.checks("header_checks", ["/^Subject: hold-me/ HOLD"])
        r = self.run_cleanup(envelope(attrs=[("rewrite_context", "local")])
                             + content(["Subject: hold-me", "", "x"]))
        self.accepted(r, queue="hold")
        self.mx.wait_log(
            r"%s: hold: header Subject: hold-me from local; "
            r"from=<alice@mx\.example\.test> to=<bob@mx\.example\.test>$"
            % r.queue_id)

    def test_discard(self):
        self.checks("body_checks", ["/^viagra/ DISCARD spam"])
        r = self.run_cleanup(envelope() + content(
            ["Subject: x", "", "hello", "viagra!"]))
        self.assertEqual(r.status, STAT_DISCARD)
        self.assertEqual(r.reason, "")
        self.assertIsNone(r.queue)
        self.mx.wait_log(r"%s: discard: body viagra! from localhost"
                         r"\[127\.0\.0\.1\]; .*: spam$" % r.queue_id)

    def test_edit_actions(self):
        self.checks("header_checks", [
            "/^X-Drop:/ IGNORE",
            "/^X-Old: (.*)/ REPLACE X-New: $1",
            "/^Subject:/ PREPEND X-Seen: yes",
            "/^X-Warn:/ WARN look",
            "/^X-Filter:/ FILTER smtp:[127.0.0.1]:10025",
            "/^X-Redirect:/ REDIRECT other@example.test",
        ])
        r = self.run_cleanup(envelope() + content([
            "X-Drop: a", "X-Old: val", "Subject: s", "X-Warn: w",
            "X-Filter: f", "X-Redirect: r", "", "b"]))
        self.accepted(r)
        self.assertEqual(r.content()[:4], ["X-New: val", "X-Seen: yes",
                                           "Subject: s", "X-Warn: w"])
        self.assertIsNone(r.header("X-Drop"))
        tail = [(t, v) for t, v, _ in r.records]
        xtra = tail.index(("X", ""))
        self.assertEqual(tail[xtra + 1:], [
            ("Q", "smtp:[127.0.0.1]:10025"), (">", "other@example.test"),
            ("E", "")])
        self.mx.wait_log(r"%s: warning: header X-Warn: w from localhost"
                         r"\[127\.0\.0\.1\]; .*: look$" % r.queue_id)
        self.mx.wait_log(r"%s: replace: header X-Old: val from " % r.queue_id)
        self.mx.wait_log(r"%s: redirect: header X-Redirect: r from .*: "
                         r"other@example\.test$" % r.queue_id)

    def test_body_replace_and_ignore(self):
        self.checks("body_checks", ["/^secret/ REPLACE [removed]",
                                    "/^drop/ IGNORE"])
        r = self.run_cleanup(envelope() + content(
            ["Subject: secret", "", "secret data", "drop me", "keep"]))
        self.accepted(r)
        self.assertEqual(r.content()[-3:], ["", "[removed]", "keep"])
        self.assertEqual(r.header("Subject"), "secret")

    def test_mime_and_nested(self):
        self.checks("header_checks", ["/^Subject: outer/ WARN top"])
        self.checks("mime_header_checks",
                    ["/^Content-Type: application\\/x-evil/ REJECT evil"])
        self.checks("nested_header_checks", ["/^Subject: inner/ HOLD"])
        mime = ["Subject: outer", "MIME-Version: 1.0",
                'Content-Type: multipart/mixed; boundary="BB"', "",
                "preamble", "--BB", "Content-Type: text/plain", "",
                "Subject: inner (body text, not a header)", "--BB",
                "Content-Type: message/rfc822", "",
                "Subject: inner", "From: x@y", "", "nested body",
                "--BB--", "epilogue"]
        r = self.run_cleanup(envelope() + content(mime))
        self.accepted(r, queue="hold")
        self.mx.wait_log(r"%s: hold: header Subject: inner from " %
                         r.queue_id)
        evil = list(mime)
        evil[6] = "Content-Type: application/x-evil"
        r = self.run_cleanup(envelope() + content(evil))
        self.rejected(r, STAT_CONT, r"^550 5\.7\.1 evil$")


class CleanupMapsTest(Base):
    """canonical, masquerading and virtual aliases."""

    def test_canonical_classes(self):
        self.configure(
            sender_canonical_maps="inline:{alice@mx.example.test="
                                  "Alice.Smith@example.test}",
            recipient_canonical_maps="inline:{@old.test=@new.test}",
            recipient_canonical_classes="envelope_recipient")
        r = self.run_cleanup(envelope(rcpts=("u@old.test",)) + content(
            ["From: alice", "To: u@old.test", "", "b"]))
        self.accepted(r)
        self.assertEqual(r.values("S"), ["Alice.Smith@example.test"])
        self.assertEqual(r.values("R"), ["u@new.test"])
        self.assertEqual(r.values("O"), ["u@old.test"])
        self.assertEqual(r.header("From"), "Alice.Smith@example.test")
        self.assertEqual(r.header("To"), "u@old.test")

    def test_maps_need_map_ok(self):
        self.configure(canonical_maps="inline:{bob@mx.example.test=x@y.test}")
        r = self.run_cleanup(envelope() + content(BASIC), flags=0)
        self.accepted(r)
        self.assertEqual(r.values("R"), ["bob@mx.example.test"])

    def test_masquerade(self):
        self.configure(masquerade_domains="!keep.example.test, example.test",
                       masquerade_exceptions="root")
        r = self.run_cleanup(envelope(sender="a@host.example.test",
                                      rcpts=("b@host.example.test",))
                             + content(["From: root@h.example.test",
                                        "Sender: s@keep.example.test",
                                        "Cc: c@x.sub.example.test", "", "b"]))
        self.accepted(r)
        self.assertEqual(r.values("S"), ["a@example.test"])
        self.assertEqual(r.values("R"), ["b@host.example.test"])
        self.assertEqual(r.header("From"), "root@h.example.test")
        self.assertEqual(r.header("Sender"), "s@keep.example.test")
        self.assertEqual(r.header("Cc"), "c@example.test")

    def test_virtual_expansion(self):
        self.configure(virtual_alias_maps=self.table("virtual", [
            "list@v.test a@v.test, b@v.test,self@v.test",
            "a@v.test c@x.test", "b@v.test c@x.test",
            "self@v.test self@v.test, d",
            "loop1@v.test loop2@v.test", "loop2@v.test loop1@v.test"]))
        r = self.run_cleanup(envelope(rcpts=("list@v.test",)) +
                             content(BASIC))
        self.accepted(r)
        self.assertEqual(r.values("R"), ["c@x.test", "self@v.test",
                                         "d@mx.example.test"])
        self.assertEqual(set(r.values("O")), {"list@v.test"})
        r = self.run_cleanup(envelope(rcpts=("loop1@v.test",)) +
                             content(BASIC))
        self.accepted(r)
        self.assertEqual(r.values("R"), ["loop1@v.test"])

    def test_bcc(self):
        self.configure(always_bcc="archive",
                       sender_bcc_maps="inline:{alice@mx.example.test="
                                       "sent@archive.test}",
                       recipient_bcc_maps="inline:{bob@mx.example.test="
                                          "bob-copy@archive.test}")
        flags = FLAG_FILTER | FLAG_MAP_OK | FLAG_BCC_OK
        r = self.run_cleanup(envelope(rcpts=("bob", "carol")) +
                             content(BASIC), flags=flags)
        self.accepted(r)
        self.assertEqual(r.values("R"), [
            "sent@archive.test", "bob@mx.example.test",
            "bob-copy@archive.test", "carol@mx.example.test",
            "archive@mx.example.test"])
        r = self.run_cleanup(envelope(rcpts=("bob",)) + content(BASIC))
        self.accepted(r)
        self.assertEqual(r.values("R"), ["bob@mx.example.test"])

    def test_virtual_limits_and_errors(self):
        self.configure(virtual_alias_expansion_limit="2",
                       virtual_alias_maps=self.table("virtual",
                                                     ["l@v.test a, b, c"]))
        r = self.run_cleanup(envelope(rcpts=("l@v.test",)) + content(BASIC))
        self.rejected(r, STAT_DEFER, r"^451 4\.6\.0 Alias expansion error$")
        self.configure(virtual_alias_maps="fail:broken")
        r = self.run_cleanup(envelope() + content(BASIC))
        self.rejected(r, STAT_WRITE, r"^451 4\.3\.0 ")
        self.mx.wait_log(r"warning: %s: virtual_alias_maps map lookup "
                         r"problem for bob@mx\.example\.test -- message not "
                         r"accepted, try again later" % r.queue_id)


if __name__ == "__main__":
    unittest.main()
