/*
 * qmgr_queue - transports, per-destination queues, concurrency windows
 * and dead destinations
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "htable.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

#include "qmgr.h"

static struct htable *transport_table;
static struct qmgr_transport *transport_list, *transport_cursor;
static size_t transport_count;

/* qmgr_conf_int - TRANSPORT_SUFFIX from main.cf, or the default */
int
qmgr_conf_int(const char *transport, const char *suffix, int dflt)
{
	struct vstr *name = vstr_alloc(64);
	char *value, *end;
	long n;
	int ret = dflt;

	vstr_fmt(name, "%s_%s", transport, suffix);
	if ((value = mail_conf_eval_name(vstr_str(name))) != NULL) {
		errno = 0;
		n = strtol(value, &end, 10);
		if (end != value && *end == 0 && errno == 0 && n >= 0 &&
		    n <= INT_MAX)
			ret = (int) n;
		else
			msg_warn("bad %s value \"%s\"; using %d",
			         vstr_str(name), value, dflt);
		xfree(value);
	}
	vstr_free(name);
	return ret;
}

/* transport_create - a transport with its per-transport limits */
static struct qmgr_transport *
transport_create(const char *name)
{
	struct qmgr_transport *t = xcalloc(1, sizeof(*t));

	t->name = xstrdup(name);
	t->conc_limit =
	        qmgr_conf_int(name, "destination_concurrency_limit",
	                      var_default_destination_concurrency_limit);
	t->rcpt_limit = qmgr_conf_int(name, "destination_recipient_limit",
	                              var_default_destination_recipient_limit);
	t->init_conc = qmgr_conf_int(name, "initial_destination_concurrency",
	                             var_initial_destination_concurrency);
	t->cohort_limit = qmgr_conf_int(
	        name, "destination_concurrency_failed_cohort_limit",
	        var_default_destination_concurrency_failed_cohort_limit);
	t->proc_limit = qmgr_master_cf_maxproc(name, &t->known);
	if (t->init_conc < 1)
		t->init_conc = 1;
	if (t->cohort_limit < 1)
		t->cohort_limit = 1;
	t->queue_table = htable_create(13);
	return t;
}

/* qmgr_transport_find - the transport of that name, created on use */
struct qmgr_transport *
qmgr_transport_find(const char *name)
{
	struct qmgr_transport *t;

	if (transport_table == NULL)
		transport_table = htable_create(13);
	if ((t = htable_find(transport_table, name)) != NULL)
		return t;
	/* Bounded by the transport names of master.cf and the tables. */
	t = transport_create(name);
	htable_enter(transport_table, name, t);
	t->next = transport_list;
	transport_list = t;
	transport_count++;
	return t;
}

/* queue_limit - the most concurrency a queue may reach */
static int
queue_limit(const struct qmgr_queue *q)
{
	const struct qmgr_transport *t = q->transport;

	return t->conc_limit > 0 && t->conc_limit < t->proc_limit
	               ? t->conc_limit
	               : t->proc_limit;
}

/* queue_window - the concurrency a queue has now */
static int
queue_window(const struct qmgr_queue *q)
{
	int limit = queue_limit(q), w = q->window;

	if (w > limit)
		w = limit;
	return w < 1 ? 1 : w;
}

/* qmgr_queue_find - the queue of a destination, created on use */
struct qmgr_queue *
qmgr_queue_find(struct qmgr_transport *t, const char *name, const char *nexthop)
{
	char *key = lowercase(xstrdup(name));
	struct qmgr_queue *q = htable_find(t->queue_table, key);

	if (q == NULL) {
		q = xcalloc(1, sizeof(*q));
		q->name = key;
		q->nexthop = xstrdup(nexthop);
		q->transport = t;
		q->window = t->init_conc;
		htable_enter(t->queue_table, key, q);
		q->next = t->queues;
		if (q->next)
			q->next->prev = q;
		t->queues = q;
	} else {
		xfree(key);
	}
	return q;
}

/* qmgr_queue_release - free a queue that has nothing left to do */
void
qmgr_queue_release(struct qmgr_queue *q)
{
	struct qmgr_transport *t = q->transport;

	if (q->todo || q->busy > 0 || q->dead_until)
		return;
	if (t->cursor == q)
		t->cursor = q->next;
	if (q->prev)
		q->prev->next = q->next;
	else
		t->queues = q->next;
	if (q->next)
		q->next->prev = q->prev;
	htable_delete(t->queue_table, q->name, NULL);
	xfree(q->name);
	xfree(q->nexthop);
	xfree(q->dead_status);
	xfree(q->dead_reason);
	xfree(q);
}

/* entry_create - a new delivery request for a message at a queue */
static struct qmgr_entry *
entry_create(struct qmgr_queue *q, struct qmgr_message *m)
{
	struct qmgr_entry *e = xcalloc(1, sizeof(*e));

	e->message = m;
	e->queue = q;
	m->refcount++;
	if (q->todo_tail)
		q->todo_tail->next = e;
	else
		q->todo = e;
	q->todo_tail = e;
	q->todo_count++;
	return e;
}

/* qmgr_queue_add - put a recipient into a request for its destination */
void
qmgr_queue_add(struct qmgr_queue *q, struct qmgr_message *m,
               struct qmgr_rcpt *r)
{
	struct qmgr_entry *e = q->todo_tail;
	size_t limit = (size_t) q->transport->rcpt_limit;

	/* Entries are not sent before the assignment ends (a timer kicks). */
	if (e == NULL || e->message != m || (limit > 0 && e->count >= limit))
		e = entry_create(q, m);
	if (e->count == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 4;
		e->rcpt = xreallocarray(e->rcpt, e->cap, sizeof(*e->rcpt));
	}
	e->rcpt[e->count++] = r;
}

/* qmgr_entry_free - forget a request; the message may be done */
struct qmgr_entry *
qmgr_entry_free(struct qmgr_entry *e)
{
	struct qmgr_message *m = e->message;

	xfree(e->rcpt);
	xfree(e);
	qmgr_message_done_entry(m);
	return NULL;
}

/* todo_pop - take the first waiting entry of a queue */
static struct qmgr_entry *
todo_pop(struct qmgr_queue *q)
{
	struct qmgr_entry *e = q->todo;

	if ((q->todo = e->next) == NULL)
		q->todo_tail = NULL;
	e->next = NULL;
	q->todo_count--;
	return e;
}

/* transport_select - the next entry of a transport, round robin */
static struct qmgr_entry *
transport_select(struct qmgr_transport *t)
{
	struct qmgr_queue *q, *start;
	struct qmgr_entry *e;

	if (t->dead_until || t->busy >= t->proc_limit || t->queues == NULL)
		return NULL;
	q = start = t->cursor ? t->cursor : t->queues;
	do {
		if (q->todo && !q->dead_until && q->busy < queue_window(q)) {
			e = todo_pop(q);
			q->busy++;
			t->busy++;
			t->cursor = q->next;
			return e;
		}
		q = q->next ? q->next : t->queues;
	} while (q != start);
	return NULL;
}

/* qmgr_queue_select - the next request to send, over all transports */
struct qmgr_entry *
qmgr_queue_select(void)
{
	struct qmgr_transport *t = transport_cursor;
	struct qmgr_entry *e;

	for (size_t i = 0; i < transport_count; i++) {
		if (t == NULL)
			t = transport_list;
		e = transport_select(t);
		t = t->next;
		if (e != NULL) {
			transport_cursor = t;
			return e;
		}
	}
	return NULL;
}

/* queue_unthrottle - a dead destination may be tried again */
static void
queue_unthrottle(int event, void *ctx)
{
	struct qmgr_queue *q = ctx;

	(void) event;
	q->dead_until = 0;
	q->failures = 0;
	q->window = 1;
	q->dead_status = xfree(q->dead_status);
	q->dead_reason = xfree(q->dead_reason);
	qmgr_queue_release(q);
	qmgr_deliver_kick();
}

/* defer_todo - defer every waiting entry of a queue */
static void
defer_todo(struct qmgr_queue *q, const char *status, const char *reason)
{
	struct qmgr_entry *e;

	while (q->todo) {
		e = todo_pop(q);
		qmgr_defer_entry(e, status, reason);
		qmgr_entry_free(e);
	}
}

/* qmgr_queue_throttle - a destination is dead for minimal_backoff_time */
void
qmgr_queue_throttle(struct qmgr_queue *q, const char *status,
                    const char *reason)
{
	struct vstr *text = vstr_alloc(100);

	vstr_fmt(text, "delivery temporarily suspended: %s", reason);
	xfree(q->dead_status);
	xfree(q->dead_reason);
	q->dead_status = xstrdup(status);
	q->dead_reason = vstr_export(text);
	q->dead_until = event_time() + var_minimal_backoff_time;
	event_request_timer(queue_unthrottle, q,
	                    (int) var_minimal_backoff_time);
	defer_todo(q, q->dead_status, q->dead_reason);
}

/* queue_feedback - adjust the window after an answer */
static void
queue_feedback(struct qmgr_entry *e, int outcome)
{
	struct qmgr_queue *q = e->queue;
	struct vstr *status, *reason;

	if (outcome == QMGR_OUTCOME_OK || outcome == QMGR_OUTCOME_DEFER) {
		q->failures = 0;
		if (q->window < queue_limit(q))
			q->window++;
		return;
	}
	if (outcome != QMGR_OUTCOME_ALLFAIL)
		return;
	q->failures++;
	if (q->window > 1) {
		q->window--;
		return;
	}
	if (q->failures < q->transport->cohort_limit || q->dead_until)
		return;
	/* A whole cohort failed: the destination is dead for a while. */
	status = vstr_alloc(10);
	reason = vstr_alloc(100);
	if (qmgr_defer_reason(e->message, e->rcpt[0]->address, status, reason) <
	    0) {
		vstr_cpy(status, "4.4.1");
		vstr_cpy(reason, "destination not reachable");
	}
	qmgr_queue_throttle(q, vstr_str(status), vstr_str(reason));
	vstr_free(status);
	vstr_free(reason);
}

/* qmgr_queue_entry_done - a request was answered (or given up) */
void
qmgr_queue_entry_done(struct qmgr_entry *e, int outcome)
{
	struct qmgr_queue *q = e->queue;

	q->busy--;
	q->transport->busy--;
	queue_feedback(e, outcome);
	qmgr_entry_free(e);
	qmgr_queue_release(q);
	qmgr_deliver_kick();
}

/* qmgr_queue_requeue - send a request again, first in line */
void
qmgr_queue_requeue(struct qmgr_entry *e)
{
	struct qmgr_queue *q = e->queue;

	q->busy--;
	q->transport->busy--;
	e->next = q->todo;
	q->todo = e;
	if (q->todo_tail == NULL)
		q->todo_tail = e;
	q->todo_count++;
	qmgr_deliver_kick();
}

/* transport_unthrottle - a dead transport may be tried again */
static void
transport_unthrottle(int event, void *ctx)
{
	struct qmgr_transport *t = ctx;

	(void) event;
	t->dead_until = 0;
	t->dead_reason = xfree(t->dead_reason);
	qmgr_deliver_kick();
}

/* qmgr_queue_throttle_transport - no agent: defer what waits for it */
void
qmgr_queue_throttle_transport(struct qmgr_transport *t, const char *reason)
{
	struct qmgr_queue *q, *next;

	xfree(t->dead_reason);
	t->dead_reason = xstrdup(reason);
	t->dead_until = event_time() + var_transport_retry_time;
	event_request_timer(transport_unthrottle, t,
	                    (int) var_transport_retry_time);
	for (q = t->queues; q != NULL; q = next) {
		next = q->next;
		defer_todo(q, "4.3.0", t->dead_reason);
		qmgr_queue_release(q);
	}
}

/* qmgr_queue_flush_dead - forget every dead transport and destination */
void
qmgr_queue_flush_dead(void)
{
	struct qmgr_transport *t;
	struct qmgr_queue *q, *next;

	for (t = transport_list; t != NULL; t = t->next) {
		if (t->dead_until) {
			event_cancel_timer(transport_unthrottle, t);
			transport_unthrottle(0, t);
		}
		for (q = t->queues; q != NULL; q = next) {
			next = q->next;
			if (q->dead_until) {
				event_cancel_timer(queue_unthrottle, q);
				queue_unthrottle(0, q);
			}
		}
	}
}
