#ifndef DELIVER_STATUS_H
#define DELIVER_STATUS_H
/*
 * NAME
 *	deliver_status - report what happened to one recipient
 * SUMMARY
 *	struct dsn { const char *status, *action, *reason, *dtype, *dtext,
 *	    *mtype, *mname; };
 *	int status_sent(struct deliver_request *req, struct recipient *r,
 *	    const char *relay, const struct dsn *d);
 *	int status_bounce(struct deliver_request *req, struct recipient *r,
 *	    const char *relay, const struct dsn *d);
 *	int status_defer(struct deliver_request *req, struct recipient *r,
 *	    const char *relay, const struct dsn *d);
 *	void status_log(const char *queue_id, const struct recipient *r,
 *	    const char *relay, const struct msg_stats *stats,
 *	    const char *status_word, const struct dsn *d);
 * DESCRIPTION
 *	A delivery agent calls one of these for every recipient of a
 *	request. Each logs one line in Postfix's shape:
 *	  QUEUEID: to=<rcpt>, orig_to=<orig>, relay=RELAY, delay=N,
 *	  delays=a/b/c/d, dsn=X.Y.Z, status=WORD (reason)
 *	(orig_to only when it differs from to), records the result, and
 *	returns DEL_STAT_FINAL or DEL_STAT_DEFER for the request status:
 *	status_sent() appends to trace/ when the recipient asked for
 *	NOTIFY=SUCCESS (or the request says DEL_REQ_FLAG_RECORD), then
 *	marks the recipient done in the queue file (rec_put_type + fsync);
 *	status_bounce() appends to bounce/ through the bounce service and
 *	marks it done (with soft_bounce = yes it defers instead, turning a
 *	5.X.X status into 4.X.X); status_defer() appends to defer/ through
 *	the defer service. When recording fails the recipient is deferred,
 *	so that nothing is lost.
 *
 *	d->status is the enhanced status code ("5.1.1"), d->action the RFC
 *	3464 action (failed, delayed, delivered, relayed, expanded), and
 *	d->reason the text in the parentheses. dtype/dtext give the remote
 *	server's reply (diagnostic type "smtp"), mtype/mname the remote MTA
 *	("dns", name); NULL when there is none.
 *
 *	status_log() writes only the log line; qmgr uses it for recipients
 *	it defers or expires itself.
 */
#include "deliver_request.h"

struct dsn {
	const char *status;
	const char *action;
	const char *reason;
	const char *dtype;
	const char *dtext;
	const char *mtype;
	const char *mname;
};

extern int status_sent(struct deliver_request *, struct recipient *,
                       const char *, const struct dsn *);
extern int status_bounce(struct deliver_request *, struct recipient *,
                         const char *, const struct dsn *);
extern int status_defer(struct deliver_request *, struct recipient *,
                        const char *, const struct dsn *);
extern void status_log(const char *, const struct recipient *, const char *,
                       const struct msg_stats *, const char *,
                       const struct dsn *);

#endif
