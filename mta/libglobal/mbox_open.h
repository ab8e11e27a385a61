#ifndef MBOX_OPEN_H
#define MBOX_OPEN_H
/*
 * NAME
 *	mbox_open - exclusive access to a UNIX mailbox file
 * SUMMARY
 *	int mbox_lock_mask(const char *list, struct vstr *why);
 *	struct mbox *mbox_open(const char *path, int oflags, mode_t mode,
 *	    uid_t uid, gid_t gid, int lock_mask,
 *	    const struct lock_dot_opts *dot, const char *def_dsn,
 *	    struct mbox_why *why);
 *	struct mbox *mbox_release(struct mbox *mp);
 *	const char *mbox_dsn(int err, const char *def_dsn);
 *	void mbox_why_set(struct mbox_why *why, const char *dsn,
 *	    const char *fmt, ...);
 * DESCRIPTION
 *	A struct mbox_why carries the result of a failed delivery step:
 *	an enhanced status code (a static string such as "5.2.2") and the
 *	text that goes into the log line and the bounce.
 *
 *	mbox_lock_mask() converts a mailbox_delivery_lock value ("fcntl,
 *	dotlock", "flock", "dotlock_may_fail", ...) into MBOX_LOCK_* bits;
 *	-1 with the reason for an unknown method.
 *
 *	mbox_open() takes the dot-lock first (when lock_mask asks for it),
 *	then opens path without following symbolic links that a user could
 *	have planted: an existing file must be the same file before and
 *	after the open (lstat and fstat agree) and, when regular, have one
 *	link; a missing file is created with O_EXCL and mode, and given to
 *	uid and gid (-1: leave). A regular file is then locked with the
 *	kernel methods of lock_mask. The caller's effective privileges
 *	are used throughout. On failure it returns NULL with why set; the
 *	status comes from mbox_dsn(errno, def_dsn). mp->fp is positioned at
 *	the end of the file, mp->st describes the file.
 *
 *	mbox_release() closes the file (releasing the kernel locks),
 *	removes the dot-lock, frees mp and returns NULL.
 *
 *	mbox_dsn() maps an errno value to a status: "4.2.0" for a
 *	temporary condition (EAGAIN, ESTALE), "4.3.0" for a full file
 *	system (ENOSPC), "5.2.2" for a full mailbox (EDQUOT, EFBIG: the
 *	mailbox_size_limit is enforced as a file size limit), else def_dsn.
 * SECURITY
 *	Mailbox paths are in directories that users may write (the spool
 *	or their home): the checks above stop a delivery from writing
 *	through a link into another file.
 */
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "lock_file.h"
#include "vstream.h"

struct vstr;

#define MBOX_LOCK_FLOCK (1 << 0)
#define MBOX_LOCK_FCNTL (1 << 1)
#define MBOX_LOCK_DOT (1 << 2)
#define MBOX_LOCK_DOT_MAY_FAIL (1 << 3) /* dot-lock only if we can */

struct mbox_why {
	const char *dsn;   /* enhanced status code, static */
	struct vstr *text; /* reason */
};

struct mbox {
	struct vstream *fp;
	char *path;
	int locked; /* MBOX_LOCK_* held */
	struct stat st;
};

extern int mbox_lock_mask(const char *, struct vstr *);
extern struct mbox *mbox_open(const char *, int, mode_t, uid_t, gid_t, int,
                              const struct lock_dot_opts *, const char *,
                              struct mbox_why *);
extern struct mbox *mbox_release(struct mbox *);
extern const char *mbox_dsn(int, const char *);
extern void mbox_why_set(struct mbox_why *, const char *, const char *, ...)
        __attribute__((format(printf, 3, 4)));

#endif
