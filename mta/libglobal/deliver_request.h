#ifndef DELIVER_REQUEST_H
#define DELIVER_REQUEST_H
/*
 * NAME
 *	deliver_request - qmgr to delivery agent requests, and their results
 * SUMMARY
 *	Agent side:
 *	struct deliver_request *deliver_request_read(struct vstream *client);
 *	int deliver_request_done(struct vstream *client,
 *	    struct deliver_request *req, int status);
 *	qmgr side:
 *	int deliver_request_send(struct vstream *agent,
 *	    const struct deliver_request *req);
 *	int deliver_request_reply(struct vstream *agent);
 *	Both:
 *	struct deliver_request *deliver_request_free(struct deliver_request *);
 * DESCRIPTION
 *	qmgr connects to private/TRANSPORT and sends one attribute list per
 *	request (attr.h); the agent delivers, reports each recipient with
 *	the status functions of deliver_status.h, and answers status=N. The
 *	connection may carry further requests.
 *
 *	Request attributes, in this order:
 *	  flags, queue_name, queue_id, offset (of the first content record,
 *	  just after REC_TYPE_MESG),
 *	  data_size, nexthop, encoding, smtputf8, sender, envelope_id,
 *	  ret_flags, log_client_name, log_client_address, log_client_port,
 *	  log_helo_name, log_protocol_name, client_name, client_address,
 *	  sasl_method, sasl_username, rewrite_context,
 *	  arrival_time, active_time, request_time ("seconds.microseconds":
 *	  arrival in the queue, entry into active/, hand-off to the agent),
 *	  rcpt_count=N, then N groups of: original_recipient, recipient,
 *	  dsn_orig_rcpt, notify_flags, offset (of that REC_TYPE_RCPT record).
 *
 *	Reply: status=DEL_STAT_FINAL when every recipient reached a final
 *	state (delivered and marked done, or bounced: logged in bounce/ and
 *	marked done), DEL_STAT_DEFER when at least one was deferred (logged
 *	in defer/, left as REC_TYPE_RCPT). No reply (the agent died) means
 *	qmgr defers the recipients that are not marked done.
 *
 *	deliver_request_read() validates the request and opens the queue
 *	file (queue_name/queue_id) for reading and writing; req->fp is
 *	positioned at the content (offset). It returns NULL for a request
 *	it cannot parse or a queue file it cannot open (with a warning).
 *	deliver_request_done() sends the reply, closes the queue file and
 *	frees req; it returns 0 or -1.
 *
 *	deliver_request_send() writes a request; deliver_request_reply()
 *	reads the reply and returns the status, or -1 when the agent
 *	closed the connection or broke the protocol.
 */
#include <stdbool.h>
#include <sys/time.h>

#include "vstream.h"

#define DEL_STAT_FINAL 0
#define DEL_STAT_DEFER 1

#define DEL_REQ_FLAG_NONE 0
#define DEL_REQ_FLAG_VERIFY (1 << 0) /* address probe: do not deliver */
#define DEL_REQ_FLAG_EXPAND (1 << 1) /* sendmail -bv: report, no delivery */
#define DEL_REQ_FLAG_RECORD (1 << 2) /* trace every recipient (-v) */
/* The flags a message may carry in its trace_flags attribute. */
#define DEL_REQ_FLAG_TRACE_MASK                                                \
	(DEL_REQ_FLAG_VERIFY | DEL_REQ_FLAG_EXPAND | DEL_REQ_FLAG_RECORD)
/* A probe: recipients are only reported on, never delivered. */
#define DEL_REQ_TRACE_ONLY(f)                                                  \
	(((f) & (DEL_REQ_FLAG_VERIFY | DEL_REQ_FLAG_EXPAND)) != 0)

/* DSN NOTIFY bits (notify_flags). 0 means "not specified". */
#define DSN_NOTIFY_NEVER (1 << 0)
#define DSN_NOTIFY_SUCCESS (1 << 1)
#define DSN_NOTIFY_FAILURE (1 << 2)
#define DSN_NOTIFY_DELAY (1 << 3)
/* DSN RET (ret_flags). */
#define DSN_RET_FULL 1
#define DSN_RET_HDRS 2

struct recipient {
	char *orig_addr; /* original_recipient, "" if none */
	char *address;   /* recipient */
	char *dsn_orcpt; /* "rfc822;addr" or "" */
	int dsn_notify;  /* DSN_NOTIFY_* */
	long offset;     /* of the REC_TYPE_RCPT record in the queue file */
};

struct msg_stats {
	struct timeval arrival; /* arrival in the queue */
	struct timeval active;  /* entry into active/ */
	struct timeval handoff; /* request sent to the agent */
	struct timeval conn;    /* agent: connection set up (or = handoff) */
};

struct deliver_request {
	struct vstream *fp; /* queue file, agent side only */
	int flags;
	char *queue_name;
	char *queue_id;
	long data_offset;
	long data_size;
	char *nexthop;
	char *encoding;
	int smtputf8;
	char *sender;
	char *dsn_envid;
	int dsn_ret;
	char *client_name, *client_addr, *client_port, *client_helo;
	char *client_proto, *rewrite_context;
	char *sasl_method, *sasl_username;
	struct msg_stats stats;
	struct recipient *rcpt;
	size_t rcpt_count;
};

extern struct deliver_request *deliver_request_read(struct vstream *);
extern int deliver_request_done(struct vstream *, struct deliver_request *,
                                int);
extern int deliver_request_send(struct vstream *,
                                const struct deliver_request *);
extern int deliver_request_reply(struct vstream *);
extern struct deliver_request *deliver_request_free(struct deliver_request *);

#endif
