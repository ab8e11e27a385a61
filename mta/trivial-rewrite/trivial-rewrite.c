/*
 * trivial-rewrite - the address rewriting and resolving service
 *
 * master.cf runs it as the "rewrite" service. A client keeps its
 * connection and sends any number of requests, each an attribute list
 * (attr.h):
 *
 *	request=rewrite rule=local|remote address=ADDR
 *	    -> flags=0 address=RESULT
 *	request=resolve sender=SENDER address=ADDR   (also request=verify)
 *	    -> flags=FLAGS transport=T nexthop=H recipient=R
 *
 * Addresses are in internal form. FLAGS are the RESOLVE_* bits of
 * resolve.h (Postfix's values). The work is done by the rewrite and
 * resolve libraries, which our own daemons also call directly; this
 * program exists so that master.cf's "rewrite" service runs.
 *
 * SECURITY
 *	Runs unprivileged and usually chrooted; the tables are opened
 *	before the jail. Every request is read with line_length_limit and a
 *	request that cannot be parsed drops only that client.
 * DIAGNOSTICS
 *	"warning: bad request type: ..." for an unknown request; "table ...
 *	has changed -- restarting" when a table file changed.
 */
#include <string.h>

#include "attr.h"
#include "dict.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_server.h"
#include "msg.h"
#include "mymalloc.h"
#include "resolve.h"
#include "rewrite.h"
#include "stringops.h"
#include "vstr.h"

/* Attribute names of Postfix's rewrite_clnt/resolve_clnt protocol. */
#define TR_ATTR_REQ "request"
#define TR_ATTR_RULE "rule"
#define TR_ATTR_ADDR "address"
#define TR_ATTR_TRANSPORT "transport"

/* One request type. */
struct tr_request {
	const char *name;
	int (*run)(struct vstream *, const struct attr_list *);
};

/* tr_rewrite - request=rewrite */
static int
tr_rewrite(struct vstream *client, const struct attr_list *req)
{
	const char *rule = attr_list_get(req, TR_ATTR_RULE);
	const char *addr = attr_list_get(req, TR_ATTR_ADDR);
	struct vstr *result;
	int rc;

	if (rule == NULL || addr == NULL) {
		msg_warn("rewrite request without rule or address");
		return -1;
	}
	result = vstr_alloc(100);
	rewrite_addr(rule, addr, result);
	if (msg_verbose)
		msg_info("`%s' `%s' -> `%s'", rule, addr, vstr_str(result));
	rc = attr_print(client, ATTR_LONG(MAIL_ATTR_FLAGS, 0),
	                ATTR_STR(TR_ATTR_ADDR, vstr_str(result)), ATTR_END);
	vstr_free(result);
	return rc;
}

/* tr_resolve - request=resolve or request=verify */
static int
tr_resolve(struct vstream *client, const struct attr_list *req)
{
	const char *addr = attr_list_get(req, TR_ATTR_ADDR);
	struct resolve_reply r;
	int rc;

	if (addr == NULL) {
		msg_warn("resolve request without address");
		return -1;
	}
	resolve_reply_init(&r);
	resolve_addr(addr, &r);
	if (msg_verbose)
		msg_info("`%s' -> `%s' `%s' `%s' %d", addr,
		         vstr_str(r.transport), vstr_str(r.nexthop),
		         vstr_str(r.recipient), r.flags);
	rc = attr_print(client, ATTR_LONG(MAIL_ATTR_FLAGS, r.flags),
	                ATTR_STR(TR_ATTR_TRANSPORT, vstr_str(r.transport)),
	                ATTR_STR(MAIL_ATTR_NEXTHOP, vstr_str(r.nexthop)),
	                ATTR_STR(MAIL_ATTR_RECIP, vstr_str(r.recipient)),
	                ATTR_END);
	resolve_reply_free(&r);
	return rc;
}

static const struct tr_request tr_requests[] = {
        {"rewrite", tr_rewrite},
        {"resolve", tr_resolve},
        {"verify", tr_resolve},
};

/* tr_dispatch - run one request; -1 drops the client */
static int
tr_dispatch(struct vstream *client, const struct attr_list *req)
{
	const char *type = attr_list_get(req, TR_ATTR_REQ);
	char *safe;

	for (size_t i = 0;
	     type && i < sizeof(tr_requests) / sizeof(tr_requests[0]); i++)
		if (strcmp(type, tr_requests[i].name) == 0)
			return tr_requests[i].run(client, req);
	safe = printable(xstrdup(type ? type : "(none)"), '?');
	msg_warn("bad request type: %s", safe);
	xfree(safe);
	return -1;
}

/* tr_service - serve one client until it disconnects */
static void
tr_service(struct vstream *client, const char *service, char **argv)
{
	struct attr_list *req = attr_list_alloc();

	(void) service;
	(void) argv;
	while (attr_list_read(client, req, (size_t) var_line_length_limit) >=
	       0) {
		if (tr_dispatch(client, req) < 0)
			break;
		/* The skeleton restarts us between clients; see mail_server.h.
		 */
		if (dict_changed() != NULL)
			break;
	}
	attr_list_free(req);
}

/* tr_pre_jail - open the tables and learn the local addresses as root */
static void
tr_pre_jail(const char *service, char **argv)
{
	(void) service;
	(void) argv;
	(void) resolve_local("[127.0.0.1]");
}

/* main - the daemon skeleton does the rest */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_SINGLE,
	        .service = tr_service,
	        .pre_jail = tr_pre_jail,
	};

	return mail_server_run(argc, argv, &spec);
}
