/*
 * NAME
 *	qmgr - the queue manager
 * SUMMARY
 *	qmgr [generic daemon options], run by master(8) as a trigger service
 * DESCRIPTION
 *	qmgr moves mail from incoming/ and (when due) deferred/ into
 *	active/, resolves each recipient to a (transport, nexthop), hands
 *	delivery requests to the agents on private/TRANSPORT within the
 *	per-destination concurrency limits, and afterwards removes the
 *	message, returns it (bounce, expiry), or moves it to deferred/ with
 *	the next attempt time as its modification time. The states and
 *	transitions are those of doc/queue-states.md.
 *
 *	Wake-up requests (one byte each, mail_proto.h): 'I' scan
 *	incoming/, 'D' scan deferred/, 'A' scan deferred/ ignoring retry
 *	times, 'F' forget dead transports and destinations, 'W' (master's
 *	periodic wake-up) scan incoming/ and deferred/. deferred/ is also
 *	scanned every queue_run_delay.
 * SECURITY
 *	qmgr runs as mail_owner, normally chrooted into the queue
 *	directory; it reads queue files and talks to local services only.
 *	It never parses message content. master.cf is read before the
 *	jail, for the transport names and their process limits.
 * DIAGNOSTICS
 *	Problems are logged as warnings; a damaged queue file is moved to
 *	corrupt/. Message events follow Postfix's shapes: "ID: from=<...>,
 *	size=N, nrcpt=N (queue active)", "ID: removed", "ID: from=<...>,
 *	status=expired, returned to sender", and "ID: to=<...>, relay=none,
 *	..., status=deferred (reason)" for recipients qmgr defers itself.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "htable.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "mail_server.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "resolve.h"

#include "qmgr.h"

#define MAIL_ADDR_POSTMASTER "postmaster"

/* The unix services of master.cf and their process limits; NULL: unknown. */
static struct htable *master_services;

/* maxproc_value - a master.cf maxproc field as a process limit */
static int
maxproc_value(const char *field)
{
	char *end;
	long n;

	if (field == NULL || strcmp(field, "-") == 0)
		return var_default_process_limit;
	n = strtol(field, &end, 10);
	if (end == field || *end != 0 || n < 0)
		return var_default_process_limit;
	/* 0 means no limit; keep the arithmetic away from overflow. */
	return n == 0 || n > INT_MAX / 2 ? INT_MAX / 2 : (int) n;
}

/* limit_free - htable value destructor */
static void
limit_free(void *p)
{
	xfree(p);
}

/* qmgr_master_cf_load - note the unix services master.cf defines */
void
qmgr_master_cf_load(void)
{
	struct vstr *path = vstr_alloc(100), *why = vstr_alloc(100);
	struct master_cf *mc;
	struct master_ent *ent;

	if (master_services)
		master_services = htable_free(master_services, limit_free);
	vstr_fmt(path, "%s/master.cf", mail_conf_dir());
	if ((mc = master_cf_read(vstr_str(path), why)) == NULL) {
		/* Then every transport is tried, and a failed connect says. */
		msg_warn("%s; transports are not checked", vstr_str(why));
	} else {
		master_services = htable_create(50);
		for (size_t i = 0; i < mc->count; i++) {
			ent = &mc->ents[i];
			if (strcmp(ent->field[MF_TYPE], "unix") != 0 ||
			    htable_find(master_services, ent->field[MF_NAME]))
				continue;
			int *limit = xmalloc(sizeof(*limit));

			*limit = maxproc_value(ent->field[MF_MAXPROC]);
			htable_enter(master_services, ent->field[MF_NAME],
			             limit);
		}
		master_cf_free(mc);
	}
	vstr_free(path);
	vstr_free(why);
}

/* qmgr_master_cf_maxproc - a transport's process limit; known: listed */
int
qmgr_master_cf_maxproc(const char *name, bool *known)
{
	int *limit;

	if (master_services == NULL) {
		*known = true;
		return var_default_process_limit;
	}
	limit = htable_find(master_services, name);
	*known = limit != NULL;
	return limit ? *limit : var_default_process_limit;
}

/* deferred_timer - scan deferred/ every queue_run_delay */
static void
deferred_timer(int event, void *ctx)
{
	(void) event;
	qmgr_scan_request(MAIL_QUEUE_DEFERRED, 0);
	event_request_timer(deferred_timer, ctx, (int) var_queue_run_delay);
}

/* qmgr_trigger - a wake-up request from master, cleanup or postqueue */
static void
qmgr_trigger(const char *buf, size_t len, const char *service, char **argv)
{
	int incoming = 0, deferred = 0;

	(void) service;
	(void) argv;
	for (size_t i = 0; i < len; i++) {
		switch (buf[i]) {
		case MASTER_REQ_WAKEUP:
			incoming |= QMGR_SCAN_START;
			deferred |= QMGR_SCAN_START;
			break;
		case QMGR_REQ_SCAN_INCOMING:
			incoming |= QMGR_SCAN_START;
			break;
		case QMGR_REQ_SCAN_DEFERRED:
			deferred |= QMGR_SCAN_START;
			break;
		case QMGR_REQ_SCAN_ALL:
			deferred |= QMGR_SCAN_START | QMGR_SCAN_ALL;
			incoming |= QMGR_SCAN_START;
			break;
		case QMGR_REQ_FLUSH_DEAD:
			qmgr_queue_flush_dead();
			break;
		default:
			break; /* unknown requests are ignored, as Postfix does
			        */
		}
	}
	if (incoming)
		qmgr_scan_request(MAIL_QUEUE_INCOMING, incoming);
	if (deferred)
		qmgr_scan_request(MAIL_QUEUE_DEFERRED, deferred);
}

/* qmgr_pre_jail - what must be read before the chroot */
static void
qmgr_pre_jail(const char *service, char **argv)
{
	struct resolve_reply reply;

	(void) service;
	(void) argv;
	qmgr_master_cf_load();
	/* The resolver opens its tables on first use: before the chroot. */
	resolve_reply_init(&reply);
	resolve_addr(MAIL_ADDR_POSTMASTER, &reply);
	resolve_reply_free(&reply);
}

/* qmgr_post_jail - recover active/, then look at the queues */
static void
qmgr_post_jail(const char *service, char **argv)
{
	int n;

	(void) service;
	(void) argv;
	/* Files in active/ were being delivered when qmgr last stopped. */
	if ((n = qmgr_scan_move_all(MAIL_QUEUE_ACTIVE, MAIL_QUEUE_INCOMING)) >
	            0 &&
	    msg_verbose)
		msg_info("moved %d message(s) from active to incoming", n);
	qmgr_scan_request(MAIL_QUEUE_INCOMING, 0);
	qmgr_scan_request(MAIL_QUEUE_DEFERRED, 0);
	event_request_timer(deferred_timer, NULL, (int) var_queue_run_delay);
}

/* main - the trigger server skeleton does the rest */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_TRIGGER,
	        .trigger = qmgr_trigger,
	        .pre_jail = qmgr_pre_jail,
	        .post_jail = qmgr_post_jail,
	        .forever = true,
	};

	mail_process_name = "qmgr";
	return mail_server_run(argc, argv, &spec);
}
