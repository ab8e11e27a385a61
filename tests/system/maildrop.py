"""maildrop - build postdrop input and maildrop files (records of rec.h).

A record is one type byte, the data length as a base-128 varint (7 bits
per byte, least significant first, high bit on all bytes but the last),
then the data. postdrop reads the records that sendmail writes:

    import maildrop
    data = maildrop.submission("alice", ["bob"], "Subject: x\n\nbody\n")
    subprocess.run([postdrop, "-c", conf, "-r"], input=data)

maildrop_file() adds the REC_TYPE_TIME record that postdrop writes, for
files placed in maildrop/ directly (forgeries for pickup tests).

As a command (what sendmail will do, for trying postdrop by hand):
    python3 maildrop.py [-F fullname] [-t time] SENDER RCPT... < message
writes the records to standard output (add -T for a maildrop file).
"""
import sys
import time as _time

LINE_LIMIT = 2048


def length(n):
    """The varint length encoding."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def record(rtype, data=b""):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return rtype.encode() + length(len(data)) + data


def content(text, limit=LINE_LIMIT):
    """Message text as N records (and U pieces for lines over limit)."""
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogateescape")
    text = text.replace(b"\r\n", b"\n")
    if text.endswith(b"\n"):
        text = text[:-1]
    out = []
    for line in text.split(b"\n"):
        while len(line) > limit:
            out.append(record("U", line[:limit]))
            line = line[limit:]
        out.append(record("N", line))
    return b"".join(out)


def submission(sender, rcpts, text, fullname=None, attrs=(),
               extracted=(), rewrite_context="local"):
    """What sendmail pipes into postdrop -r."""
    recs = []
    if rewrite_context:
        recs.append(record("A", "rewrite_context=" + rewrite_context))
    if fullname is not None:
        recs.append(record("F", fullname))
    recs.append(record("S", sender))
    recs.extend(record("A", a) for a in attrs)
    recs.extend(record("R", r) for r in rcpts)
    recs.append(record("M"))
    recs.append(content(text))
    recs.append(record("X"))
    recs.extend(record("R", r) for r in extracted)
    recs.append(record("E"))
    return b"".join(recs)


def maildrop_file(sender, rcpts, text, when=None, **kw):
    """A complete maildrop file, as postdrop leaves it."""
    when = _time.time() if when is None else when
    sec = int(when)
    usec = int((when - sec) * 1e6)
    return record("T", "%d %d" % (sec, usec)) + submission(
        sender, rcpts, text, **kw)


def records(data):
    """Parse records back: a list of (type, bytes)."""
    out, i = [], 0
    while i < len(data):
        t = chr(data[i])
        i += 1
        n = shift = 0
        while True:
            b = data[i]
            i += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        out.append((t, data[i:i + n]))
        i += n
    return out


def main(argv):
    args = argv[1:]
    fullname, maildrop = None, False
    while args and args[0].startswith("-"):
        opt = args.pop(0)
        if opt == "-F":
            fullname = args.pop(0)
        elif opt == "-T":
            maildrop = True
        else:
            sys.exit("usage: maildrop.py [-T] [-F fullname] sender rcpt...")
    if len(args) < 2:
        sys.exit("usage: maildrop.py [-T] [-F fullname] sender rcpt...")
    text = sys.stdin.buffer.read()
    make = maildrop_file if maildrop else submission
    sys.stdout.buffer.write(make(args[0], args[1:], text,
                                 fullname=fullname))


if __name__ == "__main__":
    main(sys.argv)
