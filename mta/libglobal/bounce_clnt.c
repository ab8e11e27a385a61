/*
 * bounce_clnt - client of the bounce, defer and trace services
 *
 * One connection per request: the services are single-client
 * processes, so a client must not hold one while it works.
 *
 * A recipient recorded in the defer log (defer_service_name) is also
 * reported to the fast flush service with the domain of its address,
 * so that ETRN and "postqueue -s" find the message; that is best
 * effort: a failure is a warning, never a delivery error.
 */
#include <stddef.h>
#include <string.h>

#include "attr.h"
#include "bounce.h"
#include "flush_clnt.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"

/* Longest reply line we accept. */
#define BOUNCE_REPLY_LIMIT 4096

/* nz - never NULL */
static const char *
nz(const char *s)
{
	return s ? s : "";
}

/* bounce_request - send l to private/service; 0 when it says status=0 */
static int
bounce_request(const char *service, const struct attr_list *l)
{
	struct attr_list *reply;
	struct vstream *fp;
	int ret = -1;

	if ((fp = mail_connect(MAIL_CLASS_PRIVATE, service,
	                       (int) var_ipc_timeout)) == NULL) {
		msg_warn("connect to %s/%s: %m", MAIL_CLASS_PRIVATE, service);
		return -1;
	}
	reply = attr_list_alloc();
	if (attr_list_write(fp, l) == 0 &&
	    attr_list_read(fp, reply, BOUNCE_REPLY_LIMIT) > 0 &&
	    attr_list_get_long(reply, MAIL_ATTR_STATUS, -1) == 0)
		ret = 0;
	attr_list_free(reply);
	(void) vstream_close(fp);
	return ret;
}

/* flush_remember - tell the flush service which site a deferral waits for */
static void
flush_remember(const char *queue_id, const char *address)
{
	const char *domain = address ? strrchr(address, '@') : NULL;

	if (domain == NULL || *++domain == 0)
		return;
	switch (flush_add(domain, queue_id)) {
	case FLUSH_STAT_OK:
	case FLUSH_STAT_DENY:
		break;
	default:
		msg_warn("%s: %s service failure", queue_id,
		         var_flush_service_name);
		break;
	}
}

/* bounce_append - record one recipient's result in service's log */
int
bounce_append(const char *service, const char *queue_id,
              const struct recipient *r, const char *relay, const struct dsn *d)
{
	struct attr_list *l = attr_list_alloc();
	int ret;

	attr_list_add(l, MAIL_ATTR_NREQ, BOUNCE_REQ_APPEND);
	attr_list_add(l, MAIL_ATTR_QUEUEID, queue_id);
	attr_list_add(l, MAIL_ATTR_ORCPT, nz(r->orig_addr));
	attr_list_add(l, MAIL_ATTR_RECIP, nz(r->address));
	attr_list_add(l, MAIL_ATTR_DSN_ORCPT, nz(r->dsn_orcpt));
	attr_list_addf(l, MAIL_ATTR_DSN_NOTIFY, "%d", r->dsn_notify);
	attr_list_addf(l, MAIL_ATTR_OFFSET, "%ld", r->offset);
	attr_list_add(l, MAIL_ATTR_DSN_STATUS, nz(d->status));
	attr_list_add(l, MAIL_ATTR_DSN_ACTION, nz(d->action));
	attr_list_add(l, MAIL_ATTR_WHY, nz(d->reason));
	attr_list_add(l, MAIL_ATTR_RELAY, nz(relay));
	attr_list_add(l, MAIL_ATTR_DSN_DTYPE, nz(d->dtype));
	attr_list_add(l, MAIL_ATTR_DSN_DTEXT, nz(d->dtext));
	attr_list_add(l, MAIL_ATTR_DSN_MTYPE, nz(d->mtype));
	attr_list_add(l, MAIL_ATTR_DSN_MNAME, nz(d->mname));
	ret = bounce_request(service, l);
	attr_list_free(l);
	if (ret == 0 && strcmp(service, var_defer_service_name) == 0)
		flush_remember(queue_id, r->address);
	return ret;
}

/* flush_request - the flush and warn requests share their attributes */
static int
flush_request(const char *service, const char *nreq, const char *queue_name,
              const char *queue_id, const char *encoding, int smtputf8,
              const char *sender, const char *dsn_envid, int dsn_ret)
{
	struct attr_list *l = attr_list_alloc();
	int ret;

	attr_list_add(l, MAIL_ATTR_NREQ, nreq);
	attr_list_add(l, MAIL_ATTR_QUEUE, queue_name);
	attr_list_add(l, MAIL_ATTR_QUEUEID, queue_id);
	attr_list_add(l, MAIL_ATTR_ENCODING, nz(encoding));
	attr_list_addf(l, MAIL_ATTR_SMTPUTF8, "%d", smtputf8);
	attr_list_add(l, MAIL_ATTR_SENDER, nz(sender));
	attr_list_add(l, MAIL_ATTR_DSN_ENVID, nz(dsn_envid));
	attr_list_addf(l, MAIL_ATTR_DSN_RET, "%d", dsn_ret);
	ret = bounce_request(service, l);
	attr_list_free(l);
	return ret;
}

/* bounce_flush - send the report for every record of service's log */
int
bounce_flush(const char *service, const char *queue_name, const char *queue_id,
             const char *encoding, int smtputf8, const char *sender,
             const char *dsn_envid, int dsn_ret)
{
	return flush_request(service, BOUNCE_REQ_FLUSH, queue_name, queue_id,
	                     encoding, smtputf8, sender, dsn_envid, dsn_ret);
}

/* bounce_warn - send a delay warning from the defer log */
int
bounce_warn(const char *service, const char *queue_name, const char *queue_id,
            const char *encoding, int smtputf8, const char *sender,
            const char *dsn_envid, int dsn_ret)
{
	return flush_request(service, BOUNCE_REQ_WARN, queue_name, queue_id,
	                     encoding, smtputf8, sender, dsn_envid, dsn_ret);
}
