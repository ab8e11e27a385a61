#ifndef QMGR_H
#define QMGR_H
/*
 * NAME
 *	qmgr - the queue manager's internal interfaces
 * SUMMARY
 *	Scanning (qmgr_scan.c):
 *	void qmgr_scan_request(const char *queue, int flags);
 *	void qmgr_scan_kick(void);
 *	int qmgr_scan_move_all(const char *from, const char *to);
 *	Messages (qmgr_message.c):
 *	int qmgr_message_activate(const char *id, const char *from_queue);
 *	struct qmgr_message *qmgr_message_read(const char *queue,
 *	    const char *id, size_t rcpt_budget, struct vstr *why);
 *	int qmgr_message_read_more(struct qmgr_message *m, size_t budget,
 *	    struct vstr *why);
 *	void qmgr_message_done_entry(struct qmgr_message *m);
 *	struct qmgr_message *qmgr_message_free(struct qmgr_message *m);
 *	Transports and queues (qmgr_queue.c):
 *	struct qmgr_transport *qmgr_transport_find(const char *name);
 *	struct qmgr_queue *qmgr_queue_find(struct qmgr_transport *t,
 *	    const char *name, const char *nexthop);
 *	void qmgr_queue_add(struct qmgr_queue *q, struct qmgr_message *m,
 *	    struct qmgr_rcpt *r);
 *	struct qmgr_entry *qmgr_queue_select(void);
 *	void qmgr_queue_entry_done(struct qmgr_entry *e, int outcome);
 *	void qmgr_queue_throttle_transport(struct qmgr_transport *t,
 *	    const char *reason);
 *	void qmgr_queue_flush_dead(void);
 *	Delivery (qmgr_deliver.c):
 *	void qmgr_deliver_kick(void);
 *	Deferral (qmgr_defer.c):
 *	long qmgr_defer_backoff(long age, long min, long max);
 *	void qmgr_defer_rcpt(struct qmgr_message *m, struct qmgr_rcpt *r,
 *	    const char *status, const char *reason);
 *	void qmgr_defer_entry(struct qmgr_entry *e, const char *status,
 *	    const char *reason);
 *	void qmgr_bounce_rcpt(struct qmgr_message *m, struct qmgr_rcpt *r,
 *	    const char *status, const char *reason);
 *	void qmgr_defer_finish(struct qmgr_message *m, int remain);
 *	void qmgr_defer_busy(const char *id);
 * DESCRIPTION
 *	A message in active/ is a struct qmgr_message with the envelope
 *	and one slice of its undelivered recipients (at most
 *	qmgr_message_recipient_limit recipients are in memory over all
 *	messages). Each recipient is resolved to a (transport, nexthop)
 *	and put into that destination's queue, in entries of at most the
 *	transport's recipient limit. An entry is one delivery request.
 *	Queues are served round-robin within their concurrency window;
 *	qmgr_deliver sends entries to the agents and waits for replies in
 *	the event loop. When the last entry of a message is answered, the
 *	next slice is read, or the message is finished (bounce logs
 *	flushed, expired, deferred or removed: qmgr_defer_finish).
 *
 *	State names used in comments are those of doc/queue-states.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>
#include <time.h>

#include "vstr.h"
#include "vstream.h"

/* Scan flags. */
#define QMGR_SCAN_START (1 << 0) /* scan this queue */
#define QMGR_SCAN_ALL (1 << 1)   /* ignore back-off times (deferred) */

/* Entry outcomes for qmgr_queue_entry_done(). */
#define QMGR_OUTCOME_OK 0      /* every recipient reached a final state */
#define QMGR_OUTCOME_DEFER 1   /* some recipients were deferred */
#define QMGR_OUTCOME_ALLFAIL 2 /* every recipient was deferred */
#define QMGR_OUTCOME_CRASH 3   /* the agent gave no answer */

struct qmgr_rcpt {
	char *orig_addr; /* original recipient, "" if none */
	char *address;   /* recipient */
	char *dsn_orcpt; /* DSN ORCPT, "" if none */
	int dsn_notify;  /* DSN_NOTIFY_* */
	long offset;     /* of its REC_TYPE_RCPT record */
};

struct qmgr_message {
	char *queue_id;
	char *queue_name;       /* "active" */
	struct timeval arrival; /* REC_TYPE_TIME */
	struct timeval active;  /* when moved into active/ */
	long data_size;         /* size record: content size */
	long data_offset;       /* size record: offset of the content */
	long rcpt_total;        /* size record: recipient count */
	char *sender;           /* "" for the null sender */
	char *filter;           /* content filter "transport:nexthop" */
	char *redirect;         /* REDIRECT address */
	char *encoding;         /* 7bit, 8bitmime, "" */
	int smtputf8;           /* size record field 6 */
	char *dsn_envid;        /* "" if none */
	int dsn_ret;            /* DSN_RET_*, 0 if none */
	int tflags;         /* trace_flags: DEL_REQ_FLAG_* (sendmail -bv, -v) */
	long tflags_offset; /* file offset of its one digit, -1: none */
	char *client_name, *client_addr, *client_port, *client_helo;
	char *client_proto, *rewrite_context, *sasl_method, *sasl_username;
	long warn_time;         /* REC_TYPE_WARN: when to warn, 0: never */
	long warn_offset;       /* file offset of its data, -1: none */
	long rcpt_next;         /* where unread recipients start; 0: none */
	struct qmgr_rcpt *rcpt; /* the slice in memory */
	size_t rcpt_count;
	size_t refcount; /* entries not yet answered, +1 while busy */
	struct qmgr_message *prev, *next; /* active list */
};

struct qmgr_transport;
struct qmgr_queue;

struct qmgr_entry {
	struct qmgr_message *message;
	struct qmgr_queue *queue;
	struct qmgr_rcpt **rcpt; /* into message->rcpt */
	size_t count;
	size_t cap;
	bool retried; /* already resent after a reused connection failed */
	struct qmgr_entry *next;
};

struct qmgr_queue {
	char *name;    /* nexthop, or the recipient when the limit is 1 */
	char *nexthop; /* what the agent gets */
	struct qmgr_transport *transport;
	struct qmgr_entry *todo, *todo_tail;
	size_t todo_count;
	int busy;          /* entries at agents */
	int window;        /* concurrency allowed now */
	int failures;      /* consecutive all-deferred answers */
	time_t dead_until; /* 0: alive */
	char *dead_status; /* enhanced status for its deferrals */
	char *dead_reason; /* "delivery temporarily suspended: ..." */
	struct qmgr_queue *prev, *next; /* transport's list */
};

struct qmgr_agent;

struct qmgr_transport {
	char *name;
	int conc_limit;   /* per destination, 0: none */
	int rcpt_limit;   /* per request, 0: none */
	int init_conc;    /* initial destination concurrency */
	int cohort_limit; /* failed cohorts before a destination is dead */
	int proc_limit;   /* agents at once (master.cf maxproc) */
	int busy;         /* agents with a request */
	bool known;       /* in master.cf (or master.cf unknown) */
	time_t dead_until;
	char *dead_reason;
	struct htable *queue_table;
	struct qmgr_queue *queues, *cursor; /* round robin */
	struct qmgr_agent *idle;
	struct qmgr_transport *next;
};

/* qmgr.c */
extern struct qmgr_message *qmgr_active_list;
extern size_t qmgr_active_count;
extern size_t qmgr_rcpt_in_memory;
extern void qmgr_master_cf_load(void);
extern int qmgr_master_cf_maxproc(const char *, bool *);

/* qmgr_scan.c */
extern void qmgr_scan_request(const char *, int);
extern void qmgr_scan_kick(void);
extern int qmgr_scan_move_all(const char *, const char *);
extern bool qmgr_scan_due(const char *, int, const char *, time_t);

/* qmgr_message.c */
extern int qmgr_message_activate(const char *, const char *);
extern struct qmgr_message *qmgr_message_read(const char *, const char *,
                                              size_t, struct vstr *);
extern int qmgr_message_read_more(struct qmgr_message *, size_t, struct vstr *);
extern void qmgr_message_done_entry(struct qmgr_message *);
extern struct qmgr_message *qmgr_message_free(struct qmgr_message *);
extern size_t qmgr_message_budget(void);
extern void qmgr_message_assign(struct qmgr_message *);
extern size_t qmgr_message_undone(const struct qmgr_message *,
                                  struct qmgr_rcpt **, size_t, bool *);

/* qmgr_queue.c */
extern struct qmgr_transport *qmgr_transport_find(const char *);
extern struct qmgr_queue *qmgr_queue_find(struct qmgr_transport *, const char *,
                                          const char *);
extern void qmgr_queue_add(struct qmgr_queue *, struct qmgr_message *,
                           struct qmgr_rcpt *);
extern struct qmgr_entry *qmgr_queue_select(void);
extern void qmgr_queue_entry_done(struct qmgr_entry *, int);
extern void qmgr_queue_requeue(struct qmgr_entry *);
extern void qmgr_queue_release(struct qmgr_queue *);
extern void qmgr_queue_throttle(struct qmgr_queue *, const char *,
                                const char *);
extern void qmgr_queue_throttle_transport(struct qmgr_transport *,
                                          const char *);
extern void qmgr_queue_flush_dead(void);
extern struct qmgr_entry *qmgr_entry_free(struct qmgr_entry *);
extern int qmgr_conf_int(const char *, const char *, int);

/* qmgr_deliver.c */
extern void qmgr_deliver_kick(void);

/* qmgr_defer.c */
extern long qmgr_defer_backoff(long, long, long);
extern time_t qmgr_defer_next_time(time_t, long);
extern void qmgr_defer_rcpt(struct qmgr_message *, struct qmgr_rcpt *,
                            const char *, const char *);
extern void qmgr_defer_entry(struct qmgr_entry *, const char *, const char *);
extern void qmgr_bounce_rcpt(struct qmgr_message *, struct qmgr_rcpt *,
                             const char *, const char *);
extern void qmgr_defer_finish(struct qmgr_message *, int);
extern void qmgr_defer_busy(const char *);
extern int qmgr_defer_reason(const struct qmgr_message *, const char *,
                             struct vstr *, struct vstr *);
extern bool qmgr_defer_expired(const struct qmgr_message *, time_t);

#endif
