#ifndef MAIL_PROTO_H
#define MAIL_PROTO_H
/*
 * NAME
 *	mail_proto - the protocols between our services
 * SUMMARY
 *	struct vstream *mail_connect(const char *class, const char *service,
 *	    int timeout);
 *	int mail_trigger(const char *class, const char *service,
 *	    const char *req, size_t len);
 * DESCRIPTION
 *	Services listen on queue_directory/private/NAME (class "private")
 *	or queue_directory/public/NAME ("public"). mail_connect() connects
 *	to one (paths relative to the queue directory, which is the current
 *	directory or the chroot) and returns a stream with var_ipc_timeout
 *	as deadline, or NULL (errno set). mail_trigger() sends a wake-up
 *	request to a trigger service (qmgr, pickup, flush) without waiting
 *	for it; it knows unix and fifo endpoints apart by the file type.
 *
 *	All requests and replies are attribute lists (attr.h), except the
 *	record stream to cleanup. The attribute names are the MAIL_ATTR_*
 *	below.
 *
 * CLEANUP (public/cleanup), used by smtpd, pickup and bounce:
 *	server: queue_id=ID                    (after accept)
 *	client: flags=N                        (CLEANUP_FLAG_*)
 *	client: queue file records (rec.h), the envelope first:
 *		REC_TYPE_TIME, REC_TYPE_FULL?, REC_TYPE_FROM, REC_TYPE_ATTR*
 *		(log_client_name, log_client_address, log_client_port,
 *		log_helo_name, log_protocol_name, rewrite_context,
 *		client_name, client_address, ...), REC_TYPE_DSN_ENVID?,
 *		REC_TYPE_DSN_RET?, then per recipient REC_TYPE_DSN_ORCPT?,
 *		REC_TYPE_DSN_NOTIFY?, REC_TYPE_ORCP?, REC_TYPE_RCPT;
 *		REC_TYPE_MESG, the content as REC_TYPE_NORM/REC_TYPE_CONT
 *		records, REC_TYPE_XTRA, REC_TYPE_END.
 *	server: status=N reason=TEXT           (CLEANUP_STAT_*; reason is
 *		"" when N is 0, else an SMTP reply "550 5.7.1 text")
 *	A status of 0 means the queue file is complete, fsync'd and in
 *	incoming/ (or hold/): only then may smtpd answer 250.
 *
 * QMGR (public/qmgr): a trigger service. The request is one or more
 *	bytes: QMGR_REQ_SCAN_INCOMING ('I') new mail in incoming/;
 *	QMGR_REQ_SCAN_DEFERRED ('D') scan deferred/ for due messages;
 *	QMGR_REQ_FLUSH_DEAD ('F') forget "dead destination" state;
 *	QMGR_REQ_SCAN_ALL ('A') scan deferred/ ignoring back-off times;
 *	MASTER_REQ_WAKEUP ('W') the periodic wake-up from master.
 *
 * DELIVERY (private/TRANSPORT): see deliver_request.h.
 *
 * BOUNCE (private/bounce, private/defer, private/trace): see bounce.h.
 */
#include <stddef.h>

#include "vstream.h"

#define MAIL_CLASS_PRIVATE "private"
#define MAIL_CLASS_PUBLIC "public"

#define MAIL_SERVICE_CLEANUP "cleanup"
#define MAIL_SERVICE_QMGR "qmgr"
#define MAIL_SERVICE_BOUNCE "bounce"
#define MAIL_SERVICE_DEFER "defer"
#define MAIL_SERVICE_TRACE "trace"
#define MAIL_SERVICE_PICKUP "pickup"
#define MAIL_SERVICE_POSTLOG "postlog"
#define MAIL_SERVICE_REWRITE "rewrite"

/* Attribute names. */
#define MAIL_ATTR_STATUS "status"
#define MAIL_ATTR_REASON "reason"
#define MAIL_ATTR_QUEUEID "queue_id"
#define MAIL_ATTR_QUEUE "queue_name"
#define MAIL_ATTR_FLAGS "flags"
#define MAIL_ATTR_SENDER "sender"
#define MAIL_ATTR_RECIP "recipient"
#define MAIL_ATTR_ORCPT "original_recipient"
#define MAIL_ATTR_DSN_ORCPT "dsn_orig_rcpt"
#define MAIL_ATTR_DSN_NOTIFY "notify_flags"
#define MAIL_ATTR_DSN_ENVID "envelope_id"
#define MAIL_ATTR_DSN_RET "ret_flags"
#define MAIL_ATTR_OFFSET "offset"
#define MAIL_ATTR_NEXTHOP "nexthop"
#define MAIL_ATTR_NREQ "nrequest"
#define MAIL_ATTR_DSN_STATUS "dsn_status"
#define MAIL_ATTR_DSN_ACTION "action"
#define MAIL_ATTR_DSN_DTYPE "diag_type"
#define MAIL_ATTR_DSN_DTEXT "diag_text"
#define MAIL_ATTR_DSN_MTYPE "mta_type"
#define MAIL_ATTR_DSN_MNAME "mta_mname"
#define MAIL_ATTR_RELAY "relay"
#define MAIL_ATTR_WHY "reason"
#define MAIL_ATTR_LOG_CLIENT_NAME "log_client_name"
#define MAIL_ATTR_LOG_CLIENT_ADDR "log_client_address"
#define MAIL_ATTR_LOG_CLIENT_PORT "log_client_port"
#define MAIL_ATTR_LOG_HELO_NAME "log_helo_name"
#define MAIL_ATTR_LOG_PROTO_NAME "log_protocol_name"
#define MAIL_ATTR_CLIENT_NAME "client_name"
#define MAIL_ATTR_CLIENT_ADDR "client_address"
#define MAIL_ATTR_RWR_CONTEXT "rewrite_context"
#define MAIL_ATTR_ENCODING "encoding"
#define MAIL_ATTR_SMTPUTF8 "smtputf8"
#define MAIL_ATTR_SASL_METHOD "sasl_method"
#define MAIL_ATTR_SASL_USERNAME "sasl_username"
#define MAIL_ATTR_TRACE_FLAGS "trace_flags"

/* Cleanup request flags (flags=N). */
#define CLEANUP_FLAG_NONE 0
#define CLEANUP_FLAG_BOUNCE (1 << 0)     /* bounce bad mail, don't reject */
#define CLEANUP_FLAG_FILTER (1 << 1)     /* apply header/body_checks */
#define CLEANUP_FLAG_HOLD (1 << 2)       /* place in hold/ */
#define CLEANUP_FLAG_DISCARD (1 << 3)    /* discard silently */
#define CLEANUP_FLAG_BCC_OK (1 << 4)     /* always_bcc etc. allowed */
#define CLEANUP_FLAG_MAP_OK (1 << 5)     /* canonical/virtual maps allowed */
#define CLEANUP_FLAG_MILTER (1 << 6)     /* milters allowed */
#define CLEANUP_FLAG_SMTP_REPLY (1 << 7) /* reason is an SMTP reply */
#define CLEANUP_FLAG_MASK_EXTERNAL                                             \
	(CLEANUP_FLAG_FILTER | CLEANUP_FLAG_BCC_OK | CLEANUP_FLAG_MAP_OK |     \
	 CLEANUP_FLAG_MILTER)
#define CLEANUP_FLAG_MASK_INTERNAL CLEANUP_FLAG_MAP_OK

/* Cleanup status bits (status=N). */
#define CLEANUP_STAT_OK 0
#define CLEANUP_STAT_BAD (1 << 0)     /* internal protocol error */
#define CLEANUP_STAT_WRITE (1 << 1)   /* error writing message */
#define CLEANUP_STAT_SIZE (1 << 2)    /* message size limit exceeded */
#define CLEANUP_STAT_CONT (1 << 3)    /* rejected by content filter */
#define CLEANUP_STAT_HOPS (1 << 4)    /* too many hops */
#define CLEANUP_STAT_RCPT (1 << 5)    /* no recipients */
#define CLEANUP_STAT_PROXY (1 << 6)   /* proxy reject */
#define CLEANUP_STAT_DEFER (1 << 7)   /* temporary reject */
#define CLEANUP_STAT_NOPERM (1 << 8)  /* denied by non-content policy */
#define CLEANUP_STAT_DISCARD (1 << 9) /* discarded: smtpd still says 250 */

/* Trigger requests. */
#define QMGR_REQ_SCAN_INCOMING 'I'
#define QMGR_REQ_SCAN_DEFERRED 'D'
#define QMGR_REQ_FLUSH_DEAD 'F'
#define QMGR_REQ_SCAN_ALL 'A'
#define MASTER_REQ_WAKEUP 'W'
#define PICKUP_REQ_SCAN 'W'

extern struct vstream *mail_connect(const char *, const char *, int);
extern int mail_trigger(const char *, const char *, const char *, size_t);

#endif
