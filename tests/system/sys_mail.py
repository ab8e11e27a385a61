"""sys_mail - shared helpers of test_durability and test_limits: a raw
SMTP client, messages tagged with a token, sending with the queue IDs of
the "250 ... queued as ID" replies, counting which tokens arrived, killing
the processes of one program, and the queue-consistency checks.

A token is an "X-Token: name" header line; it survives into the mailbox,
into a file or command delivery, and into the returned message of a
bounce, so "was message N delivered, and how often" is a count of that
line wherever the test's mail ends up.
"""
import collections
import os
import re
import signal
import smtplib
import socket
import stat
import sys
import time

import harness

HOST = harness.HOSTNAME
ALICE = "alice@" + HOST
QUEUED = re.compile(r"queued as (\w+)")
TOKEN = re.compile(r"^X-Token: (\S+)$", re.M)


Client = harness.RawClient


def greeted(mx, timeout=10):
    c = Client(mx, timeout)
    banner = c.reply()
    assert banner[0].startswith("220 "), banner
    return c


def envelope(c, rcpts=(ALICE,), sender="a@remote.test"):
    """EHLO, MAIL and RCPTs on a raw client; asserts each 250."""
    assert c.cmd("EHLO client.example.test").startswith("250 ")
    r = c.cmd("MAIL FROM:<%s>" % sender)
    assert r == "250 2.1.0 Ok", r
    for rcpt in rcpts:
        r = c.cmd("RCPT TO:<%s>" % rcpt)
        assert r == "250 2.1.5 Ok", r


def token_message(token, to=ALICE, sender="a@remote.test", body=None):
    return harness.message(subject="msg " + token, sender=sender, to=to,
                           extra="X-Token: %s\n" % token,
                           body=body if body is not None else
                           "token %s\n" % token)


def send_one(s, token, rcpts=(ALICE,), sender="a@remote.test", body=None):
    """One message on an open smtplib session; returns the queue ID of
    the 250 reply, or raises smtplib.SMTPException/OSError."""
    code, text = s.mail(sender)
    if code != 250:
        raise smtplib.SMTPResponseException(code, text)
    for rcpt in rcpts:
        code, text = s.rcpt(rcpt)
        if code != 250:
            s.rset()
            raise smtplib.SMTPResponseException(code, text)
    code, text = s.data(token_message(token, to=rcpts[0], sender=sender,
                                      body=body))
    if code != 250:
        raise smtplib.SMTPResponseException(code, text)
    m = QUEUED.search(text.decode())
    assert m, text
    return m.group(1)


def connect(mx, timeout=20):
    """An smtplib session, retried while the server is not there."""
    end = time.time() + timeout
    while True:
        try:
            s = mx.smtp(timeout=15)
            s.ehlo()
            return s
        except (OSError, smtplib.SMTPException):
            if time.time() > end:
                raise
            time.sleep(0.1)


def send_tokens(mx, tokens, rcpts=(ALICE,), sender="a@remote.test",
                accepted=None, failed=None, between=None):
    """Send one message per token, reconnecting after a lost session.
    accepted: token -> queue ID (250 replies); failed: token -> why.
    between(i) runs before message i (e.g. to kill something)."""
    accepted = {} if accepted is None else accepted
    failed = {} if failed is None else failed
    s = None
    for i, token in enumerate(tokens):
        if between:
            between(i)
        try:
            if s is None:
                s = connect(mx)
            accepted[token] = send_one(s, token, rcpts, sender)
        except (OSError, smtplib.SMTPException) as e:
            failed[token] = repr(e)
            with_quit(s)
            s = None
    with_quit(s)
    return accepted, failed


def with_quit(s):
    if s is not None:
        try:
            s.quit()
        except (OSError, smtplib.SMTPException):
            s.close()


def tokens_in(*texts):
    """Counter of X-Token values in the given texts."""
    c = collections.Counter()
    for t in texts:
        c.update(TOKEN.findall(t))
    return c


def dir_text(path):
    """All files under path, concatenated (command/file deliveries)."""
    out = []
    if os.path.isdir(path):
        for f in sorted(os.listdir(path)):
            with open(os.path.join(path, f), errors="replace") as fp:
                out.append(fp.read())
    return "\n".join(out)


def kill9(mx, program):
    """SIGKILL every process of program in this instance; their pids."""
    pids = mx.pids(program)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return pids


def wait_pid_gone(pid, timeout=10):
    end = time.time() + timeout
    while os.path.exists("/proc/%d" % pid) and time.time() < end:
        # A zombie still has /proc/PID; its state says Z.
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().split(")")[-1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return not os.path.exists("/proc/%d" % pid)


def wait_crash_logged(mx, program, pids, timeout=15):
    """The master's "warning: process ... pid N killed by signal 9"."""
    for pid in pids:
        mx.wait_log(r"postfix/master\[\d+\]: warning: process \S*/%s pid %d "
                    r"killed by signal 9$" % (re.escape(program), pid),
                    timeout=timeout)


def queue_state(mx):
    """{queue: [(name, mode)]} for the queues a message can sit in."""
    out = {}
    for q in ("incoming", "active", "deferred", "hold", "corrupt"):
        files = []
        for root, _, names in os.walk(os.path.join(mx.queue, q)):
            for n in names:
                try:
                    st = os.lstat(os.path.join(root, n))
                except FileNotFoundError:
                    continue
                files.append((n, stat.S_IMODE(st.st_mode)))
        out[q] = sorted(files)
    return out


def busy_files(files):
    """Files cleanup had not finished (no owner execute bit)."""
    return [f for f in files if not f[1] & 0o100]


def wait_consistent(tc, mx, allow_busy_incoming=False, timeout=30):
    """Wait until no finished message is left in incoming, active or
    deferred and assert that nothing went to hold or corrupt. Files cleanup
    never finished (a SIGKILLed cleanup leaves one, as Postfix does) are
    tolerated in incoming only when allow_busy_incoming."""
    end = time.time() + timeout
    while True:
        st = queue_state(mx)
        incoming = st["incoming"]
        if allow_busy_incoming:
            incoming = [f for f in incoming if f not in busy_files(incoming)]
        left = incoming + st["active"] + st["deferred"]
        if not left:
            break
        if time.time() > end:
            tc.fail("queue not empty: %s\nlog tail:\n%s" %
                    (st, mx.log()[-5000:]))
        time.sleep(0.1)
    tc.assertEqual(st["corrupt"], [], "files in corrupt/")
    tc.assertEqual(st["hold"], [], "files in hold/")
    return st


def wait_delivered(tc, mx, accepted, read, timeout=40):
    """Wait until every accepted token was delivered at least once;
    read() returns the text the deliveries went to. Returns the counts;
    duplicates are reported on stderr (at-least-once is the contract)."""
    end = time.time() + timeout
    while True:
        counts = tokens_in(read())
        missing = sorted(t for t in accepted if counts[t] == 0)
        if not missing:
            break
        if time.time() > end:
            tc.fail("accepted but never delivered: %s\nlog tail:\n%s" % (
                ["%s (%s)" % (t, accepted[t]) for t in missing],
                mx.log()[-6000:]))
        time.sleep(0.1)
    dups = {t: n for t, n in counts.items() if t in accepted and n > 1}
    if dups:
        sys.stderr.write("note: %s: duplicate deliveries %s\n" %
                         (tc.id(), dups))
    return counts

