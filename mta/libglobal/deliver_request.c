/*
 * deliver_request - qmgr to delivery agent requests, and their results
 *
 * The request is one attribute list in a fixed order (deliver_request.h).
 * The reader walks it with a cursor and refuses anything out of place:
 * a missing, extra or misnamed attribute, a number with junk, a queue
 * name or ID that could escape the queue directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "deliver_request.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

/* Longest attribute line we accept in a request or reply. */
#define DELIVER_ATTR_LIMIT 65536
/* Most recipients in one request. */
#define DELIVER_RCPT_LIMIT 1000000

#define DSN_NOTIFY_ALL                                                         \
	(DSN_NOTIFY_NEVER | DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE |          \
	 DSN_NOTIFY_DELAY)

/* Attribute names that only requests use. */
#define ATTR_ARRIVAL "arrival_time"
#define ATTR_ACTIVE "active_time"
#define ATTR_REQUEST "request_time"
#define ATTR_DATA_SIZE "data_size"
#define ATTR_RCPT_COUNT "rcpt_count"

struct cursor {
	const struct attr_list *l;
	size_t i;
	const char *bad; /* first attribute that did not fit */
};

/* next_str - value of the next attribute if it is called name */
static const char *
next_str(struct cursor *c, const char *name)
{
	const char *v;

	if (c->bad)
		return NULL;
	if (c->i >= attr_list_count(c->l) ||
	    strcmp(attr_list_name(c->l, c->i), name) != 0) {
		c->bad = name;
		return NULL;
	}
	v = attr_list_value(c->l, c->i);
	c->i++;
	return v;
}

/* next_dup - the next attribute as a new string ("" when it failed) */
static char *
next_dup(struct cursor *c, const char *name)
{
	const char *v = next_str(c, name);

	return xstrdup(v ? v : "");
}

/* parse_long - a decimal number in [lo, hi] with nothing after it */
static bool
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long n;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

/* next_long - the next attribute as a number in [lo, hi] */
static long
next_long(struct cursor *c, const char *name, long lo, long hi)
{
	const char *v = next_str(c, name);
	long n = 0;

	if (v && !parse_long(v, lo, hi, &n) && c->bad == NULL)
		c->bad = name;
	return n;
}

/* parse_time - "seconds.microseconds" */
static bool
parse_time(const char *s, struct timeval *tv)
{
	const char *dot;
	struct vstr *sec;
	long n, u;
	bool ok;

	if (s == NULL || (dot = strchr(s, '.')) == NULL)
		return false;
	sec = vstr_alloc(24);
	vstr_mem(sec, s, (size_t) (dot - s));
	ok = strlen(dot + 1) <= 6 &&
	     parse_long(vstr_str(sec), 0, LONG_MAX, &n) &&
	     parse_long(dot + 1, 0, 999999, &u);
	vstr_free(sec);
	if (ok) {
		/* "5.1" means 5.100000 seconds */
		for (size_t k = strlen(dot + 1); k < 6; k++)
			u *= 10;
		tv->tv_sec = (time_t) n;
		tv->tv_usec = (suseconds_t) u;
	}
	return ok;
}

/* next_time - the next attribute as a time stamp */
static void
next_time(struct cursor *c, const char *name, struct timeval *tv)
{
	const char *v = next_str(c, name);

	if (v && !parse_time(v, tv) && c->bad == NULL)
		c->bad = name;
}

/* parse_envelope - everything before the recipients */
static void
parse_envelope(struct cursor *c, struct deliver_request *req)
{
	req->flags =
	        (int) next_long(c, MAIL_ATTR_FLAGS, 0, DEL_REQ_FLAG_TRACE_MASK);
	req->queue_name = next_dup(c, MAIL_ATTR_QUEUE);
	req->queue_id = next_dup(c, MAIL_ATTR_QUEUEID);
	req->data_offset = next_long(c, MAIL_ATTR_OFFSET, 1, LONG_MAX);
	req->data_size = next_long(c, ATTR_DATA_SIZE, 0, LONG_MAX);
	req->nexthop = next_dup(c, MAIL_ATTR_NEXTHOP);
	req->encoding = next_dup(c, MAIL_ATTR_ENCODING);
	req->smtputf8 = (int) next_long(c, MAIL_ATTR_SMTPUTF8, 0, 255);
	req->sender = next_dup(c, MAIL_ATTR_SENDER);
	req->dsn_envid = next_dup(c, MAIL_ATTR_DSN_ENVID);
	req->dsn_ret = (int) next_long(c, MAIL_ATTR_DSN_RET, 0,
	                               DSN_RET_FULL | DSN_RET_HDRS);
	req->client_name = next_dup(c, MAIL_ATTR_LOG_CLIENT_NAME);
	req->client_addr = next_dup(c, MAIL_ATTR_LOG_CLIENT_ADDR);
	req->client_port = next_dup(c, MAIL_ATTR_LOG_CLIENT_PORT);
	req->client_helo = next_dup(c, MAIL_ATTR_LOG_HELO_NAME);
	req->client_proto = next_dup(c, MAIL_ATTR_LOG_PROTO_NAME);
	/* client_name and client_address repeat the log_ values */
	(void) next_str(c, MAIL_ATTR_CLIENT_NAME);
	(void) next_str(c, MAIL_ATTR_CLIENT_ADDR);
	req->sasl_method = next_dup(c, MAIL_ATTR_SASL_METHOD);
	req->sasl_username = next_dup(c, MAIL_ATTR_SASL_USERNAME);
	req->rewrite_context = next_dup(c, MAIL_ATTR_RWR_CONTEXT);
	next_time(c, ATTR_ARRIVAL, &req->stats.arrival);
	next_time(c, ATTR_ACTIVE, &req->stats.active);
	next_time(c, ATTR_REQUEST, &req->stats.handoff);
}

/* parse_recipients - rcpt_count, then one group per recipient */
static void
parse_recipients(struct cursor *c, struct deliver_request *req)
{
	long n = next_long(c, ATTR_RCPT_COUNT, 1, DELIVER_RCPT_LIMIT);

	if (c->bad)
		return;
	/* Each recipient takes five attributes: check before allocating. */
	if ((size_t) n > (attr_list_count(c->l) - c->i) / 5) {
		c->bad = ATTR_RCPT_COUNT;
		return;
	}
	req->rcpt = xcalloc((size_t) n, sizeof(*req->rcpt));
	req->rcpt_count = (size_t) n;
	for (size_t k = 0; k < req->rcpt_count; k++) {
		struct recipient *r = req->rcpt + k;

		r->orig_addr = next_dup(c, MAIL_ATTR_ORCPT);
		r->address = next_dup(c, MAIL_ATTR_RECIP);
		r->dsn_orcpt = next_dup(c, MAIL_ATTR_DSN_ORCPT);
		r->dsn_notify = (int) next_long(c, MAIL_ATTR_DSN_NOTIFY, 0,
		                                DSN_NOTIFY_ALL);
		r->offset = next_long(c, MAIL_ATTR_OFFSET, 1, LONG_MAX);
	}
}

/* request_parse - fill req from the list; the bad attribute, or NULL */
static const char *
request_parse(const struct attr_list *l, struct deliver_request *req)
{
	struct cursor c = {l, 0, NULL};

	parse_envelope(&c, req);
	parse_recipients(&c, req);
	if (c.bad == NULL && c.i != attr_list_count(l))
		c.bad = attr_list_name(l, c.i);
	if (c.bad == NULL && !mail_queue_name_ok(req->queue_name))
		c.bad = MAIL_ATTR_QUEUE;
	if (c.bad == NULL && !mail_queue_id_ok(req->queue_id))
		c.bad = MAIL_ATTR_QUEUEID;
	return c.bad;
}

/*
 * requester_gone - has the qmgr that sent this request closed the
 * connection? Its requests are then the new qmgr's business.
 */
static bool
requester_gone(struct vstream *client)
{
	struct pollfd pfd = {.fd = vstream_fileno(client),
	                     .events = POLLIN | POLLRDHUP};

	return poll(&pfd, 1, 0) > 0 &&
	       (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

/*
 * request_open - the queue file, shared-locked, positioned at the content
 *
 * The shared lock says "being delivered": a qmgr that restarts while an
 * old agent still works on the file finds it locked and waits, instead
 * of delivering the same recipients a second time. The lock goes away
 * with the descriptor, also when the agent dies.
 *
 * A qmgr that restarts tests the lock when it takes the file over. A
 * request of the old qmgr may still wait in our socket, or we may have
 * opened the file but not locked it yet when the new one tested: so once
 * locked, the agent checks that the qmgr that asked is still there. If it
 * is gone, the new qmgr owns the file (it may have seen no lock) and the
 * agent leaves it alone; if it goes later, the new one sees our lock.
 */
static int
request_open(struct vstream *client, struct deliver_request *req)
{
	req->fp = mail_queue_open(req->queue_name, req->queue_id, O_RDWR, 0);
	if (req->fp == NULL) {
		msg_warn("%s: open queue file %s/%s: %m", req->queue_id,
		         req->queue_name, req->queue_id);
		return -1;
	}
	if (flock(vstream_fileno(req->fp), LOCK_SH) < 0) {
		msg_warn("%s: lock queue file %s/%s: %m", req->queue_id,
		         req->queue_name, req->queue_id);
		return -1;
	}
	if (requester_gone(client)) {
		msg_warn("%s: queue manager went away before delivery started; "
		         "leaving the message to the new one",
		         req->queue_id);
		return -1;
	}
	if (vstream_fseek(req->fp, (off_t) req->data_offset, SEEK_SET) < 0) {
		msg_warn("%s: seek queue file to %ld: %m", req->queue_id,
		         req->data_offset);
		return -1;
	}
	return 0;
}

/* deliver_request_read - one request from qmgr, or NULL */
struct deliver_request *
deliver_request_read(struct vstream *client)
{
	struct attr_list *l = attr_list_alloc();
	struct deliver_request *req;
	const char *bad;
	int n;

	if ((n = attr_list_read(client, l, DELIVER_ATTR_LIMIT)) <= 0) {
		if (n == 0)
			msg_warn("empty delivery request");
		else if (vstream_ftimeout(client))
			msg_warn("timeout reading delivery request");
		else if (vstream_ferror(client))
			msg_warn("error reading delivery request: %m");
		else if (attr_list_count(l) > 0 || !vstream_feof(client))
			msg_warn("malformed delivery request: bad, "
			         "over-long or unfinished line");
		attr_list_free(l);
		return NULL;
	}
	req = xcalloc(1, sizeof(*req));
	if ((bad = request_parse(l, req)) != NULL) {
		msg_warn("malformed delivery request: bad or missing "
		         "attribute \"%s\"",
		         bad);
		attr_list_free(l);
		return deliver_request_free(req);
	}
	attr_list_free(l);
	if (request_open(client, req) < 0)
		return deliver_request_free(req);
	return req;
}

/* deliver_request_done - reply, close the queue file, free */
int
deliver_request_done(struct vstream *client, struct deliver_request *req,
                     int status)
{
	int ret = 0;

	if (req && req->fp) {
		if (vstream_close(req->fp) != 0) {
			msg_warn("%s: close queue file: %m", req->queue_id);
			status = DEL_STAT_DEFER;
		}
		req->fp = NULL;
	}
	if (attr_print(client, ATTR_LONG(MAIL_ATTR_STATUS, status), ATTR_END) <
	    0) {
		msg_warn("send delivery status to queue manager: %m");
		ret = -1;
	}
	deliver_request_free(req);
	return ret;
}

/* add_time - "seconds.microseconds" */
static void
add_time(struct attr_list *l, const char *name, const struct timeval *tv)
{
	attr_list_addf(l, name, "%ld.%06ld", (long) tv->tv_sec,
	               (long) tv->tv_usec);
}

/* nz - never NULL */
static const char *
nz(const char *s)
{
	return s ? s : "";
}

/* build_envelope - request attributes before the recipients */
static void
build_envelope(struct attr_list *l, const struct deliver_request *req)
{
	attr_list_addf(l, MAIL_ATTR_FLAGS, "%d", req->flags);
	attr_list_add(l, MAIL_ATTR_QUEUE, nz(req->queue_name));
	attr_list_add(l, MAIL_ATTR_QUEUEID, nz(req->queue_id));
	attr_list_addf(l, MAIL_ATTR_OFFSET, "%ld", req->data_offset);
	attr_list_addf(l, ATTR_DATA_SIZE, "%ld", req->data_size);
	attr_list_add(l, MAIL_ATTR_NEXTHOP, nz(req->nexthop));
	attr_list_add(l, MAIL_ATTR_ENCODING, nz(req->encoding));
	attr_list_addf(l, MAIL_ATTR_SMTPUTF8, "%d", req->smtputf8);
	attr_list_add(l, MAIL_ATTR_SENDER, nz(req->sender));
	attr_list_add(l, MAIL_ATTR_DSN_ENVID, nz(req->dsn_envid));
	attr_list_addf(l, MAIL_ATTR_DSN_RET, "%d", req->dsn_ret);
	attr_list_add(l, MAIL_ATTR_LOG_CLIENT_NAME, nz(req->client_name));
	attr_list_add(l, MAIL_ATTR_LOG_CLIENT_ADDR, nz(req->client_addr));
	attr_list_add(l, MAIL_ATTR_LOG_CLIENT_PORT, nz(req->client_port));
	attr_list_add(l, MAIL_ATTR_LOG_HELO_NAME, nz(req->client_helo));
	attr_list_add(l, MAIL_ATTR_LOG_PROTO_NAME, nz(req->client_proto));
	attr_list_add(l, MAIL_ATTR_CLIENT_NAME, nz(req->client_name));
	attr_list_add(l, MAIL_ATTR_CLIENT_ADDR, nz(req->client_addr));
	attr_list_add(l, MAIL_ATTR_SASL_METHOD, nz(req->sasl_method));
	attr_list_add(l, MAIL_ATTR_SASL_USERNAME, nz(req->sasl_username));
	attr_list_add(l, MAIL_ATTR_RWR_CONTEXT, nz(req->rewrite_context));
	add_time(l, ATTR_ARRIVAL, &req->stats.arrival);
	add_time(l, ATTR_ACTIVE, &req->stats.active);
	add_time(l, ATTR_REQUEST, &req->stats.handoff);
}

/* deliver_request_send - qmgr side: write one request */
int
deliver_request_send(struct vstream *agent, const struct deliver_request *req)
{
	struct attr_list *l = attr_list_alloc();
	int ret;

	build_envelope(l, req);
	attr_list_addf(l, ATTR_RCPT_COUNT, "%zu", req->rcpt_count);
	for (size_t k = 0; k < req->rcpt_count; k++) {
		const struct recipient *r = req->rcpt + k;

		attr_list_add(l, MAIL_ATTR_ORCPT, nz(r->orig_addr));
		attr_list_add(l, MAIL_ATTR_RECIP, nz(r->address));
		attr_list_add(l, MAIL_ATTR_DSN_ORCPT, nz(r->dsn_orcpt));
		attr_list_addf(l, MAIL_ATTR_DSN_NOTIFY, "%d", r->dsn_notify);
		attr_list_addf(l, MAIL_ATTR_OFFSET, "%ld", r->offset);
	}
	ret = attr_list_write(agent, l);
	attr_list_free(l);
	return ret;
}

/* deliver_request_reply - qmgr side: the agent's status, or -1 */
int
deliver_request_reply(struct vstream *agent)
{
	struct attr_list *l = attr_list_alloc();
	long status = -1;

	if (attr_list_read(agent, l, DELIVER_ATTR_LIMIT) != 1 ||
	    !parse_long(attr_list_get(l, MAIL_ATTR_STATUS), DEL_STAT_FINAL,
	                DEL_STAT_DEFER, &status))
		status = -1;
	attr_list_free(l);
	return (int) status;
}

/* recipients_free - release the recipient array */
static void
recipients_free(struct recipient *rcpt, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		xfree(rcpt[k].orig_addr);
		xfree(rcpt[k].address);
		xfree(rcpt[k].dsn_orcpt);
	}
	xfree(rcpt);
}

/* deliver_request_free - destructor; closes the queue file if open */
struct deliver_request *
deliver_request_free(struct deliver_request *req)
{
	if (req == NULL)
		return NULL;
	if (req->fp)
		(void) vstream_close(req->fp);
	char **strs[] = {
	        &req->queue_name,  &req->queue_id,     &req->nexthop,
	        &req->encoding,    &req->sender,       &req->dsn_envid,
	        &req->client_name, &req->client_addr,  &req->client_port,
	        &req->client_helo, &req->client_proto, &req->rewrite_context,
	        &req->sasl_method, &req->sasl_username};
	for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
		xfree(*strs[k]);
	recipients_free(req->rcpt, req->rcpt_count);
	xfree(req);
	return NULL;
}
