/*
 * flush - the fast flush server
 *
 * Keeps, for the destinations that fast_flush_domains lists, a log of
 * the queue IDs of their deferred mail (flush/ in the queue directory),
 * so that ETRN, "postqueue -s" and "sendmail -qR" can send exactly that
 * mail without a scan of the whole deferred queue. One request per
 * connection on public/flush (flush_clnt.h): add, send_site, send_file,
 * refresh and purge. master's wake-up (a bare MASTER_REQ_WAKEUP byte,
 * every 1000 seconds once the service was used) runs a refresh.
 *
 * SECURITY
 *	Runs as mail_owner, chrooted in the queue directory when master.cf
 *	says so. public/flush is reachable by any local user in group
 *	postdrop and by smtpd on behalf of remote clients: site names and
 *	queue IDs are checked (FLUSH_STAT_BAD) before they name a file.
 * DIAGNOSTICS
 *	Warnings for logs or queue files that cannot be read, written or
 *	moved, and for malformed requests.
 */
#include <string.h>

#include "attr.h"
#include "flush.h"
#include "flush_clnt.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_server.h"
#include "msg.h"
#include "vstr.h"

/* Longest request line we accept. */
#define FLUSH_LINE_LIMIT 1024

/* Requests that answer before they work. */
#define FLUSH_REPLY_FIRST 1

struct flush_req {
	const char *name;
	int (*handler)(const struct attr_list *);
	int flags;
};

/* req_add - add site queue_id */
static int
req_add(const struct attr_list *l)
{
	const char *site = attr_list_get(l, MAIL_ATTR_SITE);
	const char *id = attr_list_get(l, MAIL_ATTR_QUEUEID);

	if (site == NULL || id == NULL)
		return FLUSH_STAT_BAD;
	return flush_log_add(site, id);
}

/* req_send_site - send_site site */
static int
req_send_site(const struct attr_list *l)
{
	const char *site = attr_list_get(l, MAIL_ATTR_SITE);

	return site ? flush_log_send_site(site) : FLUSH_STAT_BAD;
}

/* req_send_file - send_file queue_id */
static int
req_send_file(const struct attr_list *l)
{
	const char *id = attr_list_get(l, MAIL_ATTR_QUEUEID);

	return id ? flush_log_send_file(id) : FLUSH_STAT_BAD;
}

/* req_refresh - refresh old logs (after the answer) */
static int
req_refresh(const struct attr_list *l)
{
	(void) l;
	flush_log_refresh(var_fast_flush_refresh_time);
	return FLUSH_STAT_OK;
}

/* req_purge - refresh every log (after the answer) */
static int
req_purge(const struct attr_list *l)
{
	(void) l;
	flush_log_refresh(0);
	return FLUSH_STAT_OK;
}

static const struct flush_req flush_reqs[] = {
        {FLUSH_REQ_ADD, req_add, 0},
        {FLUSH_REQ_SEND_SITE, req_send_site, 0},
        {FLUSH_REQ_SEND_FILE, req_send_file, 0},
        {FLUSH_REQ_REFRESH, req_refresh, FLUSH_REPLY_FIRST},
        {FLUSH_REQ_PURGE, req_purge, FLUSH_REPLY_FIRST},
        {NULL, NULL, 0},
};

/*
 * read_request - one attribute list into l: 1 for a request, 0 for
 * master's wake-up, -1 for garbage. The wake-up is one byte without a
 * newline; no attribute name starts with it.
 */
static int
read_request(struct vstream *fp, struct attr_list *l)
{
	int ch = vstream_getc(fp);

	if (ch == MASTER_REQ_WAKEUP)
		return 0;
	if (ch == VSTREAM_EOF || vstream_ungetc(fp) < 0)
		return -1;
	return attr_list_read(fp, l, FLUSH_LINE_LIMIT) > 0 ? 1 : -1;
}

/* reply - the status answer */
static void
reply(struct vstream *fp, int status)
{
	if (attr_print(fp, ATTR_LONG(MAIL_ATTR_STATUS, status), ATTR_END) < 0)
		msg_warn("write reply: %m");
}

/* dispatch - run one request and answer it */
static void
dispatch(struct vstream *fp, const struct attr_list *l)
{
	const char *name = attr_list_get(l, MAIL_ATTR_NREQ);
	const struct flush_req *rq;

	for (rq = flush_reqs; name && rq->name; rq++)
		if (strcmp(rq->name, name) == 0)
			break;
	if (name == NULL || rq->name == NULL) {
		msg_warn("unknown request: \"%s\"", name ? name : "(none)");
		reply(fp, FLUSH_STAT_BAD);
		return;
	}
	if (rq->flags & FLUSH_REPLY_FIRST) {
		reply(fp, FLUSH_STAT_OK);
		(void) rq->handler(l);
		return;
	}
	reply(fp, rq->handler(l));
}

/* flush_service - one client */
static void
flush_service(struct vstream *fp, const char *service, char **argv)
{
	struct attr_list *l = attr_list_alloc();

	(void) service;
	if (argv != NULL && argv[0] != NULL)
		msg_fatal("unexpected command-line argument: %s", argv[0]);
	switch (read_request(fp, l)) {
	case 1:
		dispatch(fp, l);
		break;
	case 0:
		if (msg_verbose)
			msg_info("wakeup: refresh");
		flush_log_refresh(var_fast_flush_refresh_time);
		break;
	default:
		msg_warn("malformed request");
		break;
	}
	attr_list_free(l);
}

/* flush_pre_jail - fast_flush_domains may name tables outside the jail */
static void
flush_pre_jail(const char *service, char **argv)
{
	(void) service;
	(void) argv;
	flush_policy_init();
}

/* main - the daemon skeleton does the rest */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_SINGLE,
	        .service = flush_service,
	        .pre_jail = flush_pre_jail,
	};

	return mail_server_run(argc, argv, &spec);
}
