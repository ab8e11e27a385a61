#ifndef MBOX_MAILDIR_H
#define MBOX_MAILDIR_H
/*
 * NAME
 *	mbox_maildir - deliver one message into a Maildir
 * SUMMARY
 *	int mbox_maildir_deliver(const char *maildir, struct vstream *src,
 *	    long offset, int copy_flags, const struct mbox_copy_info *info,
 *	    struct mbox_why *why);
 *	void mbox_maildir_host(struct vstr *out, const char *host);
 *	void mbox_maildir_tmpname(struct vstr *out, long sec, long pid,
 *	    const char *host);
 *	void mbox_maildir_newname(struct vstr *out, long sec,
 *	    unsigned long dev, unsigned long ino, long usec, const char *host);
 * DESCRIPTION
 *	mbox_maildir_deliver() writes the message (mbox_copy() with
 *	copy_flags | MBOX_COPY_TOFILE) into maildir/tmp/ under a name made
 *	of the time, the process ID and the host name, fsyncs it, links it
 *	into maildir/new/ under a name that adds the device and inode
 *	numbers and the microseconds (unique even with several deliveries
 *	per second and process), removes the tmp/ name and fsyncs new/.
 *	Missing maildir, tmp/, new/ and cur/ directories are created with
 *	mode 0700. Everything runs with the caller's effective privileges
 *	(the recipient's). It returns 0, or -1 with why set (status from
 *	mbox_dsn(), "4.2.0" by default for file creation problems).
 *
 *	The name helpers are the Maildir conventions: "/" and ":" in the
 *	host name become "\057" and "\072"; tmp names are
 *	"SEC.PPID.HOST", new names "SEC.VdevIinoMusec.HOST" (hexadecimal
 *	device and inode).
 */
#include "mbox_copy.h"

struct vstr;

extern int mbox_maildir_deliver(const char *, struct vstream *, long, int,
                                const struct mbox_copy_info *,
                                struct mbox_why *);
extern void mbox_maildir_host(struct vstr *, const char *);
extern void mbox_maildir_tmpname(struct vstr *, long, long, const char *);
extern void mbox_maildir_newname(struct vstr *, long, unsigned long,
                                 unsigned long, long, const char *);

#endif
