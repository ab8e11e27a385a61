#ifndef LOCK_FILE_H
#define LOCK_FILE_H
/*
 * NAME
 *	lock_file - kernel locks and dot-lock files for mailbox delivery
 * SUMMARY
 *	int lock_fd(int fd, int style, int op);
 *	int lock_dotfile(const char *path, const struct lock_dot_opts *o,
 *	    struct vstr *why);
 *	void lock_dotfile_release(const char *path);
 * DESCRIPTION
 *	lock_fd() applies (op LOCK_OP_EXCL, optionally with LOCK_OP_NOWAIT)
 *	or removes (LOCK_OP_NONE) an exclusive whole-file lock on fd with
 *	the given style: LOCK_STYLE_FCNTL (POSIX record lock, works over
 *	NFS with a lock daemon) or LOCK_STYLE_FLOCK (BSD flock()). Without
 *	LOCK_OP_NOWAIT it blocks until the lock is free. It returns 0, or
 *	-1 with errno (EAGAIN: the lock is held by another process).
 *
 *	lock_dotfile() creates PATH.lock exclusively, the mail spool
 *	convention that mail readers honour. When the lock file exists it
 *	retries o->attempts times, o->delay seconds apart; a lock file
 *	older than o->stale seconds is taken to be left over from a crashed
 *	program and removed. It returns 0, or -1 with errno set (EEXIST
 *	when the lock stayed busy) and the reason in why.
 *	lock_dotfile_release() removes PATH.lock.
 * SECURITY
 *	The lock file is created with O_EXCL and mode 0, with the caller's
 *	effective privileges: the caller decides who may create it (the
 *	recipient, or the group that owns the spool directory).
 */
#include <time.h>

struct vstr;

#define LOCK_STYLE_FCNTL 1
#define LOCK_STYLE_FLOCK 2

#define LOCK_OP_NONE 0
#define LOCK_OP_EXCL 1
#define LOCK_OP_NOWAIT 2

struct lock_dot_opts {
	int attempts;            /* deliver_lock_attempts */
	long delay;              /* deliver_lock_delay, seconds */
	long stale;              /* stale_lock_time, seconds */
	time_t (*now)(time_t *); /* clock, NULL: time(3) (tests fix it) */
};

extern int lock_fd(int, int, int);
extern int lock_dotfile(const char *, const struct lock_dot_opts *,
                        struct vstr *);
extern void lock_dotfile_release(const char *);

#endif
