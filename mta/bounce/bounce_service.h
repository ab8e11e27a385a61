#ifndef BOUNCE_SERVICE_H
#define BOUNCE_SERVICE_H
/*
 * NAME
 *	bounce_service - internals of the bounce, defer and trace services
 * SUMMARY
 *	Logs (bounce_log.c):
 *	int bounce_log_append(const char *dir, const char *queue_id,
 *	    const struct attr_list *rec, struct vstr *why);
 *	int bounce_log_read(const char *dir, const char *queue_id,
 *	    struct bounce_log *log, struct vstr *why);
 *	void bounce_log_release(struct bounce_log *log);
 *	void bounce_rcpt_from_attrs(struct bounce_rcpt *r,
 *	    const struct attr_list *l);
 *
 *	The original message (bounce_msg.c):
 *	int bounce_msg_open(struct bounce_msg *m, struct vstr *why);
 *	void bounce_msg_close(struct bounce_msg *m);
 *
 *	Reports (bounce_report.c):
 *	size_t bounce_report_count(const struct bounce_report *rep,
 *	    const struct bounce_log *log);
 *	int bounce_report_write(struct vstream *out,
 *	    const struct bounce_report *rep, struct bounce_msg *m,
 *	    const struct bounce_log *log);
 *	void bounce_date(struct vstr *buf, time_t when);
 *
 *	Requests (bounce_service.c):
 *	void bounce_service(struct vstream *client, const char *service,
 *	    char **argv);
 *
 *	Sending (bounce_notify.c):
 *	int bounce_notify(enum bounce_kind kind, const char *dir,
 *	    struct bounce_msg *m, bool keep_log);
 * DESCRIPTION
 *	bounce_service() serves one request (bounce.h) on a connection
 *	accepted by the daemon skeleton; service is the master.cf name,
 *	which selects the log directory (defer_service_name: defer/,
 *	trace_service_name: trace/, anything else: bounce/).
 *
 *	A log (bounce/ID, defer/ID, trace/ID under the queue directory) is
 *	a sequence of attribute lists in the plain encoding of attr.h, one
 *	per recipient result, with the names of the append request minus
 *	nrequest and queue_id: original_recipient, recipient,
 *	dsn_orig_rcpt, notify_flags, offset, dsn_status, action, reason,
 *	relay, diag_type, diag_text, mta_type, mta_mname. Appends are
 *	serialized with flock(2) and fsync'd. bounce_log_read() returns 0
 *	with an empty log when the file does not exist; a record cut short
 *	by a crash is skipped with a warning.
 *
 *	bounce_msg_open() opens queue_name/queue_id and reads the envelope
 *	up to the content (REC_TYPE_MESG): arrival time and content size.
 *	When the file cannot be read it returns -1 and the report goes out
 *	without the original message.
 *
 *	bounce_report_write() writes one complete report (RFC 5322 headers
 *	and an RFC 3464 multipart/report body) as REC_TYPE_NORM and
 *	REC_TYPE_CONT records, the way cleanup receives content, and
 *	returns how many recipients it describes, or -1 on a write error.
 *	It is a pure function of its inputs (rep->now gives the clock), so
 *	tests render it from a file. bounce_report_count() tells in
 *	advance how many recipients a report would describe; 0 means none
 *	asked for one (DSN NOTIFY), and nothing is sent.
 *
 *	bounce_notify() applies the delivery policy (who gets a report,
 *	postmaster copies per notify_classes, double bounces), submits the
 *	reports to cleanup, logs "QUEUEID: sender non-delivery
 *	notification: NEWID" and friends, and removes the log unless
 *	keep_log. It returns 0, or -1 when the sender's report could not
 *	be sent (the caller answers status=1 and qmgr retries).
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>
#include <time.h>

#include "attr.h"
#include "vstr.h"
#include "vstream.h"

struct bounce_rcpt {
	char *orig_addr;
	char *address;
	char *dsn_orcpt;
	int dsn_notify;
	long offset;
	char *status;
	char *action;
	char *reason;
	char *relay;
	char *dtype;
	char *dtext;
	char *mtype;
	char *mname;
};

struct bounce_log {
	struct bounce_rcpt *rcpt;
	size_t count;
	size_t cap;
};

struct bounce_msg {
	const char *queue_name;
	const char *queue_id;
	const char *encoding;
	const char *sender;
	const char *dsn_envid;
	int smtputf8;
	int dsn_ret;
	struct timeval arrival; /* from REC_TYPE_TIME; 0 if unknown */
	long size;              /* content size from REC_TYPE_SIZE */
	int tflags;             /* trace_flags attribute (sendmail -v, -bv) */
	struct vstream *fp;     /* queue file, NULL when unreadable */
	off_t content;          /* offset just after REC_TYPE_MESG */
};

enum bounce_kind {
	BOUNCE_KIND_FAILURE, /* non-delivery report */
	BOUNCE_KIND_DELAY,   /* delay warning */
	BOUNCE_KIND_SUCCESS, /* NOTIFY=SUCCESS report */
	BOUNCE_KIND_VERIFY,  /* sendmail -bv / -v report */
};

struct bounce_report {
	enum bounce_kind kind;
	bool postmaster;      /* postmaster copy: every record, headers only */
	bool expired;         /* records from defer/: Action failed */
	const char *to;       /* recipient of the report */
	const char *new_id;   /* queue ID of the report (Message-Id), or NULL */
	const char *hostname; /* myhostname */
	long size_limit;      /* bounce_size_limit */
	long retry_until;     /* delay warnings: end of the queue lifetime */
	struct timeval now;
};

extern int bounce_log_append(const char *, const char *,
                             const struct attr_list *, struct vstr *);
extern int bounce_log_read(const char *, const char *, struct bounce_log *,
                           struct vstr *);
extern void bounce_log_release(struct bounce_log *);
extern void bounce_rcpt_from_attrs(struct bounce_rcpt *,
                                   const struct attr_list *);

extern int bounce_msg_open(struct bounce_msg *, struct vstr *);
extern void bounce_msg_close(struct bounce_msg *);

extern size_t bounce_report_count(const struct bounce_report *,
                                  const struct bounce_log *);
extern int bounce_report_write(struct vstream *, const struct bounce_report *,
                               struct bounce_msg *, const struct bounce_log *);
extern void bounce_date(struct vstr *, time_t);

extern void bounce_service(struct vstream *, const char *, char **);
extern int bounce_notify(enum bounce_kind, const char *, struct bounce_msg *,
                         bool);

#endif
