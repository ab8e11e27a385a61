#ifndef BOUNCE_H
#define BOUNCE_H
/*
 * NAME
 *	bounce - client of the bounce, defer and trace services
 * SUMMARY
 *	int bounce_append(const char *service, const char *queue_id,
 *	    const struct recipient *r, const char *relay,
 *	    const struct dsn *d);
 *	int bounce_flush(const char *service, const char *queue_name,
 *	    const char *queue_id, const char *encoding, int smtputf8,
 *	    const char *sender, const char *dsn_envid, int dsn_ret);
 *	int bounce_warn(...same as bounce_flush, on the defer service...);
 * DESCRIPTION
 *	The bounce program serves three names (master.cf: bounce, defer,
 *	trace) with one protocol on private/NAME:
 *
 *	nrequest=append: queue_id, original_recipient, recipient,
 *	  dsn_orig_rcpt, notify_flags, offset, dsn_status, action, reason,
 *	  relay, diag_type, diag_text, mta_type, mta_mname. The server
 *	  appends that record (an attribute list) to NAME/QUEUE_ID (bounce/,
 *	  defer/ or trace/ in the queue directory), fsyncs, answers status=0.
 *	nrequest=flush: queue_name, queue_id, encoding, smtputf8, sender,
 *	  envelope_id, ret_flags. bounce: send the non-delivery report for
 *	  every record of bounce/QUEUE_ID (RFC 3464 multipart/report, through
 *	  cleanup, with a null sender), and the postmaster copy per
 *	  notify_classes; then remove the log. defer: the same for the
 *	  records of defer/QUEUE_ID (used when a message expires). trace:
 *	  the success report (NOTIFY=SUCCESS) from trace/QUEUE_ID.
 *	nrequest=warn (defer service): the delay warning from defer/ID,
 *	  log kept.
 *	Answer status=0 on success; anything else and the caller retries
 *	later (qmgr keeps the message).
 *
 *	The functions connect, send one request, read the answer and
 *	return 0 or -1.
 */
#include "deliver_request.h"
#include "deliver_status.h"

#define BOUNCE_REQ_APPEND "append"
#define BOUNCE_REQ_FLUSH "flush"
#define BOUNCE_REQ_WARN "warn"

extern int bounce_append(const char *, const char *, const struct recipient *,
                         const char *, const struct dsn *);
extern int bounce_flush(const char *, const char *, const char *, const char *,
                        int, const char *, const char *, int);
extern int bounce_warn(const char *, const char *, const char *, const char *,
                       int, const char *, const char *, int);

#endif
