#ifndef SENDMAIL_H
#define SENDMAIL_H
/*
 * NAME
 *	sendmail - private interfaces of the sendmail(1) command
 * SUMMARY
 *	SM_FATAL(fmt, ...)
 *	void sm_drop_open(struct sm_drop *d, const struct sm_opts *o);
 *	void sm_drop_envelope(struct sm_drop *d, const struct sm_opts *o,
 *	    const struct argv *rcpts);
 *	void sm_drop_line(struct sm_drop *d, int type, const char *s,
 *	    size_t len);
 *	void sm_drop_finish(struct sm_drop *d, const struct sm_opts *o,
 *	    const struct argv *extracted);
 *	int sm_drop_close(struct sm_drop *d, struct vstr *why);
 *	void sm_drop_abort(void);
 *	void sm_enqueue(const struct sm_opts *o);
 *	void sm_verify(const struct sm_opts *o);
 *	void sm_smtp(const struct sm_opts *o);
 * DESCRIPTION
 *	sm_drop_*() run "$command_directory/postdrop -r" and write the
 *	maildrop records to it (sm_drop.c): open waits for postdrop's
 *	queue ID, envelope writes the sender and recipient records,
 *	line one content record, finish the extracted recipients and the
 *	end record, close reads postdrop's status and reaps it (0, or -1
 *	with a reason). sm_drop_abort() kills a running postdrop, which
 *	then removes its incomplete file; it is the fatal-error hook.
 *
 *	sm_enqueue() is the -bm mode (read the message from standard
 *	input), sm_verify() the -bv mode (a probe message without
 *	content from standard input), sm_smtp() the -bs mode (sm_smtp.c).
 *
 *	Every fatal error of sendmail exits with EX_TEMPFAIL, as Postfix's
 *	sendmail does: SM_FATAL().
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sysexits.h>

#include "argv.h"
#include "msg.h"
#include "vstr.h"
#include "vstream.h"

#define SM_FATAL(...) msg_fatal_status(EX_TEMPFAIL, __VA_ARGS__)

struct sm_opts {
	const char *config_dir; /* explicit -C/-c/MAIL_CONFIG, or NULL */
	const char *user;       /* login name of the real uid */
	long uid;
	const char *sender; /* -f/-r or the login name */
	const char *fullname;
	const char *rewrite_context; /* "local", or "remote" with -G */
	bool extract;                /* -t */
	bool dot_ends;               /* no -i / -oi */
	int notify;                  /* DSN_NOTIFY_*, 0 when not given */
	int ret;                     /* DSN_RET_*, 0 when not given */
	const char *envid;           /* -V */
	const char *encoding;        /* -B: "7bit" or "8bit" */
	int trace;                   /* DEL_REQ_FLAG_* (-v, -bv) */
	struct argv *rcpts;          /* command-line recipients */
};

struct sm_drop {
	pid_t pid;
	struct vstream *to;   /* records to postdrop */
	struct vstream *from; /* postdrop's replies */
	struct vstr *queue_id;
	long size; /* content bytes, against message_size_limit */
};

extern void sm_drop_open(struct sm_drop *, const struct sm_opts *);
extern void sm_drop_envelope(struct sm_drop *, const struct sm_opts *,
                             const struct argv *);
extern void sm_drop_line(struct sm_drop *, int, const char *, size_t);
extern void sm_drop_finish(struct sm_drop *, const struct sm_opts *,
                           const struct argv *);
extern int sm_drop_close(struct sm_drop *, struct vstr *);
extern void sm_drop_abort(void);

extern void sm_enqueue(const struct sm_opts *);
extern void sm_verify(const struct sm_opts *);
extern void sm_smtp(const struct sm_opts *);

#endif
