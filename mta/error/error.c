/*
 * error - the delivery agent that fails every recipient
 *
 * master.cf runs it as "error" (bounce every recipient) and as
 * "retry" (defer every recipient). The nexthop of the request is the
 * reason, as in "error:5.1.1 mailbox disabled" in a transport map; a
 * leading enhanced status code of the right class (5 for error, 4 for
 * retry) is used as the status, otherwise 5.0.0 or 4.0.0.
 *
 * SECURITY
 *	Runs unprivileged; it reads the request and writes only through
 *	the bounce/defer services and the recipient marks in the queue
 *	file.
 * DIAGNOSTICS
 *	One "to=<...>, relay=none, ..., status=bounced (reason)" line (or
 *	status=deferred) per recipient.
 */
#include <string.h>

#include "deliver_request.h"
#include "deliver_status.h"
#include "dsn_util.h"
#include "mail_server.h"
#include "vstr.h"

#define RETRY_SERVICE "retry"

/* split_reason - status code and text from the nexthop */
static void
split_reason(const char *nexthop, int class, struct vstr *status,
             struct vstr *reason, const char *dflt_reason)
{
	size_t n = dsn_status_prefix(nexthop);

	if (n > 0 && nexthop[0] == class) {
		vstr_mem(status, nexthop, n);
		nexthop += n;
		nexthop += strspn(nexthop, " \t");
	} else {
		vstr_cpy(status, class == '4' ? "4.0.0" : "5.0.0");
	}
	vstr_cpy(reason, *nexthop ? nexthop : dflt_reason);
}

/* error_service - one request: every recipient fails the same way */
static void
error_service(struct vstream *client, const char *service, char **argv)
{
	struct deliver_request *req;
	struct vstr *status, *reason;
	bool retry = strcmp(service, RETRY_SERVICE) == 0;
	int result = DEL_STAT_FINAL;

	(void) argv;
	if ((req = deliver_request_read(client)) == NULL)
		return;
	status = vstr_alloc(16);
	reason = vstr_alloc(64);
	split_reason(req->nexthop, retry ? '4' : '5', status, reason,
	             retry ? "delivery temporarily suspended"
	                   : "mail to this destination is not accepted");
	for (size_t i = 0; i < req->rcpt_count; i++) {
		struct dsn d = {.status = vstr_str(status),
		                .reason = vstr_str(reason)};

		if (retry)
			result |= status_defer(req, req->rcpt + i, "none", &d);
		else
			result |= status_bounce(req, req->rcpt + i, "none", &d);
	}
	(void) deliver_request_done(client, req, result);
	vstr_free(status);
	vstr_free(reason);
}

/* main - the daemon skeleton does the rest */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_SINGLE,
	        .service = error_service,
	};

	return mail_server_run(argc, argv, &spec);
}
