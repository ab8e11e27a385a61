/*
 * qmgr_deliver - send requests to delivery agents on private/TRANSPORT
 * and collect their answers in the event loop
 */
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include "deliver_request.h"
#include "events.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "mymalloc.h"

#include "qmgr.h"

struct qmgr_agent {
	struct vstream *fp;
	struct qmgr_transport *transport;
	struct qmgr_entry *entry; /* request under way, NULL when idle */
	bool reused;              /* carried an earlier request */
	struct qmgr_agent *next;  /* transport's idle list */
};

static void deliver_event(int, void *);

/* qmgr_deliver_kick - send what can be sent, from the event loop */
void
qmgr_deliver_kick(void)
{
	event_request_timer_ms(deliver_event, NULL, 0);
}

/* agent_close - drop a connection */
static void
agent_close(struct qmgr_agent *a)
{
	event_disable_readwrite(vstream_fileno(a->fp));
	vstream_close(a->fp);
	xfree(a);
}

/* idle_unlink - take an agent off its transport's idle list */
static void
idle_unlink(struct qmgr_agent *a)
{
	struct qmgr_agent **ap;

	for (ap = &a->transport->idle; *ap; ap = &(*ap)->next) {
		if (*ap == a) {
			*ap = a->next;
			break;
		}
	}
	a->next = NULL;
}

/* idle_event - an idle agent went away (or spoke out of turn) */
static void
idle_event(int event, void *ctx)
{
	struct qmgr_agent *a = ctx;

	(void) event;
	idle_unlink(a);
	agent_close(a);
}

/* agent_idle - keep a connection for the next request */
static void
agent_idle(struct qmgr_agent *a)
{
	a->entry = NULL;
	a->reused = true;
	a->next = a->transport->idle;
	a->transport->idle = a;
	event_enable_read(vstream_fileno(a->fp), idle_event, a);
}

/* agent_get - an idle connection, or a new one; NULL: no agent */
static struct qmgr_agent *
agent_get(struct qmgr_transport *t)
{
	struct qmgr_agent *a = t->idle;
	struct vstream *fp;

	if (a != NULL) {
		idle_unlink(a);
		event_disable_readwrite(vstream_fileno(a->fp));
		return a;
	}
	if ((fp = mail_connect(MAIL_CLASS_PRIVATE, t->name,
	                       (int) var_ipc_timeout)) == NULL) {
		msg_warn("connect to transport %s/%s: %m", MAIL_CLASS_PRIVATE,
		         t->name);
		return NULL;
	}
	a = xcalloc(1, sizeof(*a));
	a->fp = fp;
	a->transport = t;
	return a;
}

/* request_build - the request for an entry */
static void
request_build(struct qmgr_entry *e, struct deliver_request *req,
              struct recipient *rcpt)
{
	struct qmgr_message *m = e->message;

	memset(req, 0, sizeof(*req));
	req->flags = m->tflags;
	req->queue_name = m->queue_name;
	req->queue_id = m->queue_id;
	req->data_offset = m->data_offset;
	req->data_size = m->data_size;
	req->nexthop = e->queue->nexthop;
	req->encoding = m->encoding;
	req->smtputf8 = m->smtputf8;
	req->sender = m->sender;
	req->dsn_envid = m->dsn_envid;
	req->dsn_ret = m->dsn_ret;
	req->client_name = m->client_name;
	req->client_addr = m->client_addr;
	req->client_port = m->client_port;
	req->client_helo = m->client_helo;
	req->client_proto = m->client_proto;
	req->rewrite_context = m->rewrite_context;
	req->sasl_method = m->sasl_method;
	req->sasl_username = m->sasl_username;
	req->stats.arrival = m->arrival;
	req->stats.active = m->active;
	gettimeofday(&req->stats.handoff, NULL);
	req->stats.conn = req->stats.handoff;
	for (size_t i = 0; i < e->count; i++) {
		rcpt[i].orig_addr = e->rcpt[i]->orig_addr;
		rcpt[i].address = e->rcpt[i]->address;
		rcpt[i].dsn_orcpt = e->rcpt[i]->dsn_orcpt;
		rcpt[i].dsn_notify = e->rcpt[i]->dsn_notify;
		rcpt[i].offset = e->rcpt[i]->offset;
	}
	req->rcpt = rcpt;
	req->rcpt_count = e->count;
}

/* entry_failed - the agent gave no answer: defer what is not done */
static void
entry_failed(struct qmgr_entry *e, bool reused)
{
	bool *undone = xcalloc(e->count, sizeof(*undone));
	size_t n = qmgr_message_undone(e->message, e->rcpt, e->count, undone);
	struct qmgr_transport *t = e->queue->transport;

	/*
	 * An agent may close a kept connection just as we reuse it. When
	 * nothing was done, send the request once more on a new one.
	 */
	if (reused && n == e->count && !e->retried) {
		xfree(undone);
		e->retried = true;
		qmgr_queue_requeue(e);
		return;
	}
	for (size_t i = 0; i < e->count; i++)
		if (undone[i])
			qmgr_defer_rcpt(e->message, e->rcpt[i], "4.3.0",
			                "unknown mail transport error");
	xfree(undone);
	qmgr_queue_entry_done(e, QMGR_OUTCOME_CRASH);
	if (!reused)
		qmgr_queue_throttle_transport(t,
		                              "unknown mail transport error");
}

/* reply_outcome - what an answer says about the destination */
static int
reply_outcome(struct qmgr_entry *e, int status)
{
	bool *undone;
	size_t n;

	if (status == DEL_STAT_FINAL)
		return QMGR_OUTCOME_OK;
	undone = xcalloc(e->count, sizeof(*undone));
	n = qmgr_message_undone(e->message, e->rcpt, e->count, undone);
	xfree(undone);
	return n == e->count ? QMGR_OUTCOME_ALLFAIL : QMGR_OUTCOME_DEFER;
}

/* reply_timeout - an agent took longer than daemon_timeout */
static void
reply_timeout(int event, void *ctx)
{
	struct qmgr_agent *a = ctx;
	struct qmgr_entry *e = a->entry;

	(void) event;
	msg_warn("%s: timeout waiting for transport %s", e->message->queue_id,
	         a->transport->name);
	agent_close(a);
	entry_failed(e, false);
}

/* reply_event - an agent answered (or closed the connection) */
static void
reply_event(int event, void *ctx)
{
	struct qmgr_agent *a = ctx;
	struct qmgr_entry *e = a->entry;
	bool reused = a->reused;
	int status;

	(void) event;
	event_disable_readwrite(vstream_fileno(a->fp));
	event_cancel_timer(reply_timeout, a);
	status = deliver_request_reply(a->fp);
	if (status < 0) {
		agent_close(a);
		entry_failed(e, reused);
		return;
	}
	agent_idle(a);
	qmgr_queue_entry_done(e, reply_outcome(e, status));
}

/* deliver_entry - send one request */
static void
deliver_entry(struct qmgr_entry *e)
{
	struct qmgr_transport *t = e->queue->transport;
	struct qmgr_agent *a = agent_get(t);
	struct deliver_request req;
	struct recipient *rcpt;
	bool reused;

	if (a == NULL) {
		qmgr_defer_entry(e, "4.3.0", "mail transport unavailable");
		qmgr_queue_entry_done(e, QMGR_OUTCOME_CRASH);
		qmgr_queue_throttle_transport(t, "mail transport unavailable");
		return;
	}
	rcpt = xcalloc(e->count, sizeof(*rcpt));
	request_build(e, &req, rcpt);
	reused = a->reused;
	if (deliver_request_send(a->fp, &req) < 0) {
		xfree(rcpt);
		agent_close(a);
		entry_failed(e, reused);
		return;
	}
	xfree(rcpt);
	a->entry = e;
	event_enable_read(vstream_fileno(a->fp), reply_event, a);
	event_request_timer(reply_timeout, a, (int) var_daemon_timeout);
}

/* deliver_event - send every request the windows allow */
static void
deliver_event(int event, void *ctx)
{
	struct qmgr_entry *e;

	(void) event;
	(void) ctx;
	while ((e = qmgr_queue_select()) != NULL)
		deliver_entry(e);
}
