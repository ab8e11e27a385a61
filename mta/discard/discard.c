/*
 * discard - the delivery agent that accepts and drops every recipient
 *
 * Every recipient is reported as sent (relay=none) with the nexthop of
 * the request as the reason ("discard:silently dropped" in a transport
 * map), or "discarded" when it is empty. A leading 2.X.X status code in
 * the nexthop is used as the status, otherwise 2.0.0. Recipients that
 * asked for NOTIFY=SUCCESS still get their success report.
 *
 * SECURITY
 *	Runs unprivileged and never looks at the message content.
 * DIAGNOSTICS
 *	One "to=<...>, relay=none, ..., status=sent (reason)" line per
 *	recipient.
 */
#include <string.h>

#include "deliver_request.h"
#include "deliver_status.h"
#include "dsn_util.h"
#include "mail_server.h"
#include "vstr.h"

/* discard_service - one request: every recipient is done */
static void
discard_service(struct vstream *client, const char *service, char **argv)
{
	struct deliver_request *req;
	struct vstr *status = vstr_alloc(16);
	const char *reason;
	size_t n;
	int result = DEL_STAT_FINAL;

	(void) service;
	(void) argv;
	if ((req = deliver_request_read(client)) == NULL) {
		vstr_free(status);
		return;
	}
	reason = req->nexthop;
	if ((n = dsn_status_prefix(reason)) > 0 && reason[0] == '2') {
		vstr_mem(status, reason, n);
		reason += n;
		reason += strspn(reason, " \t");
	} else {
		vstr_cpy(status, "2.0.0");
	}
	if (*reason == 0)
		reason = "discarded";
	for (size_t i = 0; i < req->rcpt_count; i++) {
		struct dsn d = {.status = vstr_str(status),
		                .action = "delivered",
		                .reason = reason};

		result |= status_sent(req, req->rcpt + i, "none", &d);
	}
	(void) deliver_request_done(client, req, result);
	vstr_free(status);
}

/* main - the daemon skeleton does the rest */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_SINGLE,
	        .service = discard_service,
	};

	return mail_server_run(argc, argv, &spec);
}
