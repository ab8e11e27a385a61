/*
 * mbox_copy - copy a queued message into a mailbox, file or pipe
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "mbox_copy.h"
#include "msg.h"
#include "rec.h"
#include "vstr.h"

/* mbox_from_line - the mbox separator line */
void
mbox_from_line(struct vstr *out, const char *sender, time_t now)
{
	struct vstr *q = vstr_alloc(100);
	char date[64];
	struct tm tm;

	if (now == 0)
		now = time(NULL);
	localtime_r(&now, &tm);
	if (strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		date[0] = 0;
	addr_quote_local(sender, q);
	vstr_fmt(out, "From %s  %s", *sender ? vstr_str(q) : "MAILER-DAEMON",
	         date);
	vstr_free(q);
}

/* put_headers - the envelope lines that go before the content */
static void
put_headers(struct vstream *dst, int flags, const struct mbox_copy_info *info)
{
	struct vstr *buf = vstr_alloc(100);

	if (flags & MBOX_COPY_FROM) {
		mbox_from_line(buf, info->sender, info->now);
		vstream_printf(dst, "%s\n", vstr_str(buf));
	}
	if (flags & MBOX_COPY_RETURN_PATH) {
		addr_quote_local(info->sender, buf);
		vstream_printf(dst, "Return-Path: <%s>\n", vstr_str(buf));
	}
	if ((flags & MBOX_COPY_ORIG_RCPT) && info->orig_rcpt &&
	    *info->orig_rcpt) {
		addr_quote_local(info->orig_rcpt, buf);
		vstream_printf(dst, "X-Original-To: %s\n", vstr_str(buf));
	}
	if ((flags & MBOX_COPY_DELIVERED) && info->delivered) {
		addr_quote_local(info->delivered, buf);
		vstream_printf(dst, "Delivered-To: %s\n", vstr_str(buf));
	}
	vstr_free(buf);
}

/* copy_body - the content records; returns the type that ended them */
static int
copy_body(struct vstream *src, struct vstream *dst, int flags)
{
	struct vstr *buf = vstr_alloc(1024);
	int prev = REC_TYPE_NORM;
	int type;
	bool first = true;

	while ((type = rec_get(src, buf, 0)) > 0) {
		if (first && type == REC_TYPE_MESG) {
			first = false;
			continue;
		}
		first = false;
		if (type != REC_TYPE_NORM && type != REC_TYPE_CONT)
			break;
		if (prev == REC_TYPE_NORM && (flags & MBOX_COPY_QUOTE) &&
		    strncmp(vstr_str(buf), "From ", 5) == 0)
			vstream_putc(dst, '>');
		if (vstr_len(buf) > 0 &&
		    vstream_write(dst, vstr_str(buf), vstr_len(buf)) != 0)
			break;
		if (type == REC_TYPE_NORM)
			vstream_putc(dst, '\n');
		if (vstream_ferror(dst))
			break;
		prev = type;
	}
	if (!vstream_ferror(dst)) {
		if (prev != REC_TYPE_NORM)
			vstream_putc(dst, '\n');
		if (flags & MBOX_COPY_BLANK)
			vstream_putc(dst, '\n');
	}
	vstr_free(buf);
	return type;
}

/* mbox_copy - copy the message with the envelope lines */
int
mbox_copy(struct vstream *src, long offset, struct vstream *dst, int flags,
          const struct mbox_copy_info *info, struct mbox_why *why)
{
	off_t orig = 0;
	int type;
	int status = 0;
	bool werr;
	int saved;

	if (flags & MBOX_COPY_TOFILE)
		orig = vstream_fseek(dst, 0, SEEK_END);
	if (vstream_fseek(src, offset, SEEK_SET) < 0) {
		mbox_why_set(why, "4.3.0", "error reading message: %m");
		return MBOX_COPY_STAT_READ;
	}
	put_headers(dst, flags, info);
	type = copy_body(src, dst, flags);
	if (!vstream_ferror(dst) && type != REC_TYPE_XTRA) {
		if (vstream_ferror(src) || type == REC_TYPE_ERROR)
			status |= MBOX_COPY_STAT_READ;
		else
			status |= MBOX_COPY_STAT_CORRUPT;
		msg_warn("bad record type: %d in message content", type);
	}
	werr = vstream_fflush(dst) != 0 || vstream_ferror(dst);
	saved = errno;
	if (!werr && (flags & MBOX_COPY_TOFILE) &&
	    fsync(vstream_fileno(dst)) < 0) {
		werr = true;
		saved = errno;
	}
	if (werr)
		status |= MBOX_COPY_STAT_WRITE;
	if (status && (flags & MBOX_COPY_TOFILE) && orig >= 0)
		if (ftruncate(vstream_fileno(dst), orig) < 0)
			msg_warn("truncate to %ld bytes: %m", (long) orig);
	errno = saved;
	if (status & MBOX_COPY_STAT_WRITE)
		mbox_why_set(why, mbox_dsn(saved, "5.3.0"),
		             "error writing message: %m");
	else if (status & MBOX_COPY_STAT_READ)
		mbox_why_set(why, "4.3.0", "error reading message: %m");
	else if (status & MBOX_COPY_STAT_CORRUPT)
		mbox_why_set(why, "4.3.0", "queue file content is corrupt");
	return status;
}
