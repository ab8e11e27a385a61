/*
 * bounce_service - requests of the bounce, defer and trace services
 */
#include <string.h>

#include "attr.h"
#include "bounce.h"
#include "bounce_service.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"

/* Longest request line: a reason text from a remote server fits. */
#define BOUNCE_REQ_LINE_LIMIT 65536

typedef int (*bounce_req_fn)(const char *dir, const struct attr_list *);

/* Names of the per-recipient attributes an append carries into the log. */
static const char *const append_attrs[] = {
        MAIL_ATTR_ORCPT,      MAIL_ATTR_RECIP,     MAIL_ATTR_DSN_ORCPT,
        MAIL_ATTR_DSN_NOTIFY, MAIL_ATTR_OFFSET,    MAIL_ATTR_DSN_STATUS,
        MAIL_ATTR_DSN_ACTION, MAIL_ATTR_WHY,       MAIL_ATTR_RELAY,
        MAIL_ATTR_DSN_DTYPE,  MAIL_ATTR_DSN_DTEXT, MAIL_ATTR_DSN_MTYPE,
        MAIL_ATTR_DSN_MNAME,
};

/* request_queue_id - the queue_id attribute if it is well formed */
static const char *
request_queue_id(const struct attr_list *req)
{
	const char *id = attr_list_get(req, MAIL_ATTR_QUEUEID);

	if (id == NULL || !mail_queue_id_ok(id)) {
		msg_warn("bad or missing queue ID in request");
		return NULL;
	}
	return id;
}

/* do_append - one recipient result at the end of dir/ID */
static int
do_append(const char *dir, const struct attr_list *req)
{
	struct attr_list *rec;
	struct vstr *why;
	const char *id;
	int ret;

	if ((id = request_queue_id(req)) == NULL)
		return -1;
	if (attr_list_get(req, MAIL_ATTR_RECIP) == NULL) {
		msg_warn("%s: append request without recipient", id);
		return -1;
	}
	rec = attr_list_alloc();
	for (size_t i = 0; i < sizeof(append_attrs) / sizeof(*append_attrs);
	     i++) {
		const char *v = attr_list_get(req, append_attrs[i]);

		attr_list_add(rec, append_attrs[i], v ? v : "");
	}
	why = vstr_alloc(64);
	if ((ret = bounce_log_append(dir, id, rec, why)) < 0)
		msg_warn("%s: %s", id, vstr_str(why));
	vstr_free(why);
	attr_list_free(rec);
	return ret;
}

/* request_msg - the message attributes of a flush or warn request */
static bool
request_msg(const struct attr_list *req, struct bounce_msg *m)
{
	memset(m, 0, sizeof(*m));
	if ((m->queue_id = request_queue_id(req)) == NULL)
		return false;
	m->queue_name = attr_list_get(req, MAIL_ATTR_QUEUE);
	if (m->queue_name == NULL || !mail_queue_name_ok(m->queue_name)) {
		msg_warn("%s: bad or missing queue name in request",
		         m->queue_id);
		return false;
	}
	if ((m->sender = attr_list_get(req, MAIL_ATTR_SENDER)) == NULL) {
		msg_warn("%s: request without sender", m->queue_id);
		return false;
	}
	m->encoding = attr_list_get(req, MAIL_ATTR_ENCODING);
	m->dsn_envid = attr_list_get(req, MAIL_ATTR_DSN_ENVID);
	m->smtputf8 = (int) attr_list_get_long(req, MAIL_ATTR_SMTPUTF8, 0);
	m->dsn_ret = (int) attr_list_get_long(req, MAIL_ATTR_DSN_RET, 0);
	return true;
}

/* do_flush - send the reports of dir/ID and remove the log */
static int
do_flush(const char *dir, const struct attr_list *req)
{
	struct bounce_msg m = {0};
	enum bounce_kind kind = strcmp(dir, MAIL_QUEUE_TRACE) == 0
	                                ? BOUNCE_KIND_SUCCESS
	                                : BOUNCE_KIND_FAILURE;

	if (!request_msg(req, &m))
		return -1;
	return bounce_notify(kind, dir, &m, false);
}

/* do_warn - send a delay warning from defer/ID, keep the log */
static int
do_warn(const char *dir, const struct attr_list *req)
{
	struct bounce_msg m = {0};

	if (strcmp(dir, MAIL_QUEUE_DEFER) != 0) {
		msg_warn("warn request on the %s service", dir);
		return -1;
	}
	if (!request_msg(req, &m))
		return -1;
	return bounce_notify(BOUNCE_KIND_DELAY, dir, &m, true);
}

static const struct bounce_req {
	const char *name;
	bounce_req_fn fn;
} requests[] = {
        {BOUNCE_REQ_APPEND, do_append},
        {BOUNCE_REQ_FLUSH, do_flush},
        {BOUNCE_REQ_WARN, do_warn},
};

/* service_dir - the log directory of a master.cf service name */
static const char *
service_dir(const char *service)
{
	if (strcmp(service, var_defer_service_name) == 0)
		return MAIL_QUEUE_DEFER;
	if (strcmp(service, var_trace_service_name) == 0)
		return MAIL_QUEUE_TRACE;
	return MAIL_QUEUE_BOUNCE;
}

/* bounce_service - one request per connection */
void
bounce_service(struct vstream *client, const char *service, char **argv)
{
	struct attr_list *req = attr_list_alloc();
	const char *nreq;
	int status = -1;

	(void) argv;
	if (attr_list_read(client, req, BOUNCE_REQ_LINE_LIMIT) < 0) {
		attr_list_free(req);
		return; /* client went away or broke the protocol */
	}
	if ((nreq = attr_list_get(req, MAIL_ATTR_NREQ)) == NULL)
		nreq = "";
	for (size_t i = 0; i < sizeof(requests) / sizeof(*requests); i++)
		if (strcmp(nreq, requests[i].name) == 0)
			status = requests[i].fn(service_dir(service), req) == 0
			                 ? 0
			                 : 1;
	if (status < 0) {
		msg_warn("unknown request \"%s\"", nreq);
		status = 1;
	}
	(void) attr_print(client, ATTR_LONG(MAIL_ATTR_STATUS, status),
	                  ATTR_END);
	attr_list_free(req);
}
