/*
 * NAME
 *	anvil - connection count and request rate bookkeeping for smtpd
 * SUMMARY
 *	anvil [generic daemon options]	(from master(8))
 *	anvil -S [-c config_dir]	(stand-alone, stdin/stdout)
 * DESCRIPTION
 *	One process (master.cf: process limit 1) serves every smtpd at
 *	once over private/anvil, with the attribute protocol (attr.h). Each
 *	request is "request=NAME" and "ident=SERVICE:ADDRESS"; replies
 *	start with "status=0" (-1 for an unknown ident or request):
 *	  connect      count=N rate=N   (a connection opens)
 *	  disconnect                    (it closes)
 *	  message      rate=N           (a MAIL FROM)
 *	  recipient    rate=N           (a RCPT TO)
 *	  newtls       rate=N           (a new TLS session)
 *	  newtls_status rate=N          (the same, without counting)
 *	  auth         rate=N           (an AUTH command)
 *	  lookup       count rate message recipient newtls auth
 *	Rates count events within anvil_rate_time_unit (anvil_count.h).
 *	Connections a client process leaves open when it goes away are
 *	dropped then. Peak values are logged every
 *	anvil_status_update_time and when the process exits.
 *
 *	The process never tells master it is busy, so master starts no
 *	other; it exits after max_idle (at least anvil_rate_time_unit)
 *	without any client connected.
 * SECURITY
 *	Runs chrooted and unprivileged; it trusts its local clients but
 *	bounds request lines and keeps no state beyond the idents.
 * DIAGNOSTICS
 *	"statistics: max connection count N for (smtp:ADDR) at Mon DD
 *	HH:MM:SS" and the rate lines; "warning: unrecognized request".
 */
#include <stdlib.h>
#include <string.h>

#include "anvil_count.h"
#include "argv.h"
#include "attr.h"
#include "events.h"
#include "mail_params.h"
#include "mail_server.h"
#include "msg.h"
#include "mymalloc.h"

/* The longest request line we accept (an ident is service:address). */
#define ANVIL_LINE_LIMIT 1024

#define ANVIL_STAT_OK 0
#define ANVIL_STAT_FAIL (-1)

static struct anvil_table *table;
static struct attr_list *request;
static struct anvil_owner **owners; /* by client descriptor */
static size_t nowners;

/* owner_slot - the owner entry of a client descriptor */
static struct anvil_owner **
owner_slot(struct vstream *stream)
{
	int fd = vstream_fileno(stream);

	if ((size_t) fd >= nowners) {
		size_t n = (size_t) fd + 16;

		owners = xreallocarray(owners, n, sizeof(*owners));
		memset(owners + nowners, 0, (n - nowners) * sizeof(*owners));
		nowners = n;
	}
	return &owners[fd];
}

/* owner_get - the owner of a client, created on first use */
static struct anvil_owner *
owner_get(struct vstream *stream)
{
	struct anvil_owner **slot = owner_slot(stream);

	if (*slot == NULL)
		*slot = anvil_owner_create();
	return *slot;
}

/* req_connect - a connection opens */
static int
req_connect(struct vstream *fp, const char *ident)
{
	const struct anvil_remote *r =
	        anvil_connect(table, owner_get(fp), ident, event_time());

	return attr_print(fp, ATTR_LONG("status", ANVIL_STAT_OK),
	                  ATTR_LONG("count", r->count),
	                  ATTR_LONG("rate", r->rate[ANVIL_RATE_CONN]),
	                  ATTR_END);
}

/* req_disconnect - a connection closes */
static int
req_disconnect(struct vstream *fp, const char *ident)
{
	anvil_disconnect(table, owner_get(fp), ident);
	return attr_print(fp, ATTR_LONG("status", ANVIL_STAT_OK), ATTR_END);
}

/* rate_reply - status and one rate */
static int
rate_reply(struct vstream *fp, int rate)
{
	return attr_print(fp, ATTR_LONG("status", ANVIL_STAT_OK),
	                  ATTR_LONG("rate", rate), ATTR_END);
}

/* req_message - MAIL FROM */
static int
req_message(struct vstream *fp, const char *ident)
{
	return rate_reply(
	        fp, anvil_event(table, ANVIL_RATE_MAIL, ident, event_time()));
}

/* req_recipient - RCPT TO */
static int
req_recipient(struct vstream *fp, const char *ident)
{
	return rate_reply(
	        fp, anvil_event(table, ANVIL_RATE_RCPT, ident, event_time()));
}

/* req_newtls - a new TLS session */
static int
req_newtls(struct vstream *fp, const char *ident)
{
	return rate_reply(
	        fp, anvil_event(table, ANVIL_RATE_NTLS, ident, event_time()));
}

/* req_newtls_status - the TLS session rate, not counting */
static int
req_newtls_status(struct vstream *fp, const char *ident)
{
	return rate_reply(
	        fp, anvil_peek(table, ANVIL_RATE_NTLS, ident, event_time()));
}

/* req_auth - an AUTH command */
static int
req_auth(struct vstream *fp, const char *ident)
{
	return rate_reply(
	        fp, anvil_event(table, ANVIL_RATE_AUTH, ident, event_time()));
}

/* req_lookup - everything known about ident */
static int
req_lookup(struct vstream *fp, const char *ident)
{
	const struct anvil_remote *r = anvil_lookup(table, ident);
	static const struct anvil_remote none;

	if (r == NULL)
		r = &none;
	return attr_print(
	        fp, ATTR_LONG("status", r == &none ? ANVIL_STAT_FAIL : 0),
	        ATTR_LONG("count", r->count),
	        ATTR_LONG("rate", r->rate[ANVIL_RATE_CONN]),
	        ATTR_LONG("mail", r->rate[ANVIL_RATE_MAIL]),
	        ATTR_LONG("rcpt", r->rate[ANVIL_RATE_RCPT]),
	        ATTR_LONG("newtls", r->rate[ANVIL_RATE_NTLS]),
	        ATTR_LONG("auth", r->rate[ANVIL_RATE_AUTH]), ATTR_END);
}

struct anvil_request {
	const char *name;
	int (*fn)(struct vstream *, const char *);
};

static const struct anvil_request requests[] = {
        {"connect", req_connect}, {"disconnect", req_disconnect},
        {"message", req_message}, {"recipient", req_recipient},
        {"newtls", req_newtls},   {"newtls_status", req_newtls_status},
        {"auth", req_auth},       {"lookup", req_lookup},
};

/* dispatch - one parsed request; -1 drops the client */
static int
dispatch(struct vstream *fp)
{
	const char *name = attr_list_get(request, "request");
	const char *ident = attr_list_get(request, "ident");

	if (name == NULL || ident == NULL) {
		msg_warn("malformed request: missing %s attribute",
		         name == NULL ? "request" : "ident");
		return -1;
	}
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (strcmp(requests[i].name, name) == 0)
			return requests[i].fn(fp, ident);
	msg_warn("unrecognized request: \"%s\", ignored", name);
	return attr_print(fp, ATTR_LONG("status", ANVIL_STAT_FAIL), ATTR_END);
}

/* anvil_service - a client stream is readable: one request */
static void
anvil_service(struct vstream *fp, const char *service, char **argv)
{
	(void) service;
	if (argv[0])
		msg_fatal("unexpected command-line argument: %s", argv[0]);
	if (attr_list_read(fp, request, ANVIL_LINE_LIMIT) < 0 ||
	    dispatch(fp) < 0)
		mail_server_disconnect(fp);
}

/* anvil_done - a client went away: drop the connections it left */
static void
anvil_done(struct vstream *fp, const char *service, char **argv)
{
	struct anvil_owner **slot = owner_slot(fp);

	(void) service;
	(void) argv;
	if (*slot)
		*slot = anvil_owner_free(table, *slot);
}

/* anvil_status_dump - log and reset the peaks */
static void
anvil_status_dump(const char *service, char **argv)
{
	struct argv *lines = argv_alloc(8);

	(void) service;
	(void) argv;
	anvil_stats(table, lines);
	for (size_t i = 0; i < lines->argc; i++)
		msg_info("%s", lines->argv[i]);
	argv_free(lines);
}

/* anvil_status_update - the periodic statistics */
static void
anvil_status_update(int event, void *ctx)
{
	(void) event;
	anvil_status_dump(NULL, NULL);
	event_request_timer(anvil_status_update, ctx,
	                    (int) var_anvil_status_update_time);
}

/* anvil_expire_timer - forget clients that are gone and quiet */
static void
anvil_expire_timer(int event, void *ctx)
{
	(void) event;
	(void) anvil_expire(table, event_time());
	event_request_timer(anvil_expire_timer, ctx,
	                    (int) var_anvil_rate_time_unit);
}

/* post_jail - tables, timers, and the process lifetime */
static void
post_jail(const char *service, char **argv)
{
	(void) service;
	(void) argv;
	if (var_anvil_rate_time_unit < 1)
		var_anvil_rate_time_unit = 1;
	if (var_anvil_status_update_time < 1)
		var_anvil_status_update_time = 1;
	table = anvil_table_create(var_anvil_rate_time_unit);
	request = attr_list_alloc();
	event_request_timer(anvil_status_update, NULL,
	                    (int) var_anvil_status_update_time);
	event_request_timer(anvil_expire_timer, NULL,
	                    (int) var_anvil_rate_time_unit);
	/* Serve any number of requests; do not exit inside a window. */
	var_max_use = 0;
	if (var_max_idle < var_anvil_rate_time_unit)
		var_max_idle = var_anvil_rate_time_unit;
}

/* main - a multi-client service */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_MULTI,
	        .multi = anvil_service,
	        .multi_done = anvil_done,
	        .post_jail = post_jail,
	        .pre_exit = anvil_status_dump,
	};

	return mail_server_run(argc, argv, &spec);
}
