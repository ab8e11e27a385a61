/*
 * bounce - the bounce, defer and trace services
 *
 * SECURITY
 *	Runs as mail_owner, chrooted in the queue directory when master.cf
 *	says so. Every request comes from a local process but is checked
 *	as untrusted: queue names and IDs must be well formed (no path
 *	can escape the queue directory), attribute lines are bounded, and
 *	a bad request fails that request only.
 * DIAGNOSTICS
 *	"QUEUEID: sender non-delivery notification: NEWID" (and the delay,
 *	delivery status and postmaster variants) for each report sent;
 *	warnings for requests that cannot be parsed or logs that cannot
 *	be written.
 */
#include "bounce_service.h"
#include "mail_server.h"

/* main - the daemon skeleton does the rest */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_SINGLE,
	        .service = bounce_service,
	};

	return mail_server_run(argc, argv, &spec);
}
