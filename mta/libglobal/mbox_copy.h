#ifndef MBOX_COPY_H
#define MBOX_COPY_H
/*
 * NAME
 *	mbox_copy - copy a queued message into a mailbox, file or pipe
 * SUMMARY
 *	int mbox_copy(struct vstream *src, long offset, struct vstream *dst,
 *	    int flags, const struct mbox_copy_info *info,
 *	    struct mbox_why *why);
 *	void mbox_from_line(struct vstr *out, const char *sender, time_t now);
 * DESCRIPTION
 *	mbox_copy() copies the content of the queue file src, starting at
 *	offset (a REC_TYPE_MESG record there is skipped), to dst: every
 *	REC_TYPE_NORM record becomes a line ending in "\n", REC_TYPE_CONT
 *	records are pieces of one long line, and REC_TYPE_XTRA ends the
 *	content. Before the content it writes, as flags ask:
 *	  MBOX_COPY_FROM	"From SENDER  DATE" (MAILER-DAEMON for <>)
 *	  MBOX_COPY_RETURN_PATH	"Return-Path: <SENDER>"
 *	  MBOX_COPY_ORIG_RCPT	"X-Original-To: ORIG" (when orig_rcpt != "")
 *	  MBOX_COPY_DELIVERED	"Delivered-To: DELIVERED"
 *	with addresses in external (quoted) form. MBOX_COPY_QUOTE writes
 *	">" before a line that starts with "From ", MBOX_COPY_BLANK adds an
 *	empty line after the message (mbox separator), and a last line
 *	without newline is always completed.
 *
 *	With MBOX_COPY_TOFILE the file is fsync'd, and on any error it is
 *	truncated back to the size it had before the copy, so that a
 *	failed delivery leaves no partial message behind.
 *
 *	The result is 0, or a mask of MBOX_COPY_STAT_READ (queue file
 *	unreadable), MBOX_COPY_STAT_WRITE (with why: "error writing
 *	message: ...", status from mbox_dsn()) and MBOX_COPY_STAT_CORRUPT
 *	(the content does not end in REC_TYPE_XTRA: the caller defers). dst
 *	stays open; the caller closes it.
 *
 *	mbox_from_line() formats the From_ line (no newline) into out;
 *	info->now or now == 0 means the current time.
 */
#include <time.h>

#include "mbox_open.h"
#include "vstream.h"

struct vstr;

#define MBOX_COPY_FROM (1 << 0)
#define MBOX_COPY_QUOTE (1 << 1)
#define MBOX_COPY_TOFILE (1 << 2)
#define MBOX_COPY_DELIVERED (1 << 3)
#define MBOX_COPY_RETURN_PATH (1 << 4)
#define MBOX_COPY_BLANK (1 << 5)
#define MBOX_COPY_ORIG_RCPT (1 << 6)
#define MBOX_COPY_MBOX                                                         \
	(MBOX_COPY_FROM | MBOX_COPY_QUOTE | MBOX_COPY_TOFILE |                 \
	 MBOX_COPY_DELIVERED | MBOX_COPY_RETURN_PATH | MBOX_COPY_BLANK |       \
	 MBOX_COPY_ORIG_RCPT)

#define MBOX_COPY_STAT_CORRUPT (1 << 0)
#define MBOX_COPY_STAT_READ (1 << 1)
#define MBOX_COPY_STAT_WRITE (1 << 2)

struct mbox_copy_info {
	const char *sender;    /* envelope sender, "" for <> */
	const char *orig_rcpt; /* original recipient or "" */
	const char *delivered; /* Delivered-To value */
	time_t now;            /* 0: the current time */
};

extern int mbox_copy(struct vstream *, long, struct vstream *, int,
                     const struct mbox_copy_info *, struct mbox_why *);
extern void mbox_from_line(struct vstr *, const char *, time_t);

#endif
