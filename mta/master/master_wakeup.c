/*
 * master_wakeup - the periodic wake-up requests of the wakeup column
 */
#include "events.h"
#include "mail_proto.h"
#include "master.h"
#include "msg.h"
#include "sock.h"

/* Seconds a wake-up request may take before it is given up. */
#define WAKEUP_TIMEOUT 1

/* wakeup_event - send one wake-up request, then wait for the next */
static void
wakeup_event(int event, void *ctx)
{
	struct master_serv *s = ctx;
	static const char req[] = {MASTER_REQ_WAKEUP};
	int rc = 0;

	(void) event;
	if (!s->throttled) {
		switch (s->type) {
		case SERV_TYPE_UNIX:
		case SERV_TYPE_PASS:
			rc = sock_unix_trigger(s->endpoint, req, sizeof(req),
			                       WAKEUP_TIMEOUT);
			break;
		case SERV_TYPE_FIFO:
			rc = sock_fifo_trigger(s->endpoint, req, sizeof(req),
			                       WAKEUP_TIMEOUT);
			break;
		case SERV_TYPE_DGRAM:
			rc = sock_unix_dgram_send(s->endpoint, req, sizeof(req),
			                          0);
			break;
		case SERV_TYPE_INET:
			break;
		}
		if (rc < 0 && msg_verbose)
			msg_info("wakeup %s: %m", s->endpoint);
	}
	event_request_timer(wakeup_event, s, s->wakeup);
}

/* master_wakeup_init - start the wake-ups, now (unless "n?") */
void
master_wakeup_init(struct master_serv *s)
{
	if (s->wakeup <= 0 || s->cond_wake || s->type == SERV_TYPE_INET)
		return;
	s->wakeup_armed = true;
	event_request_timer(wakeup_event, s, 0);
}

/* master_wakeup_used - a "n?" service was used: start its wake-ups */
void
master_wakeup_used(struct master_serv *s)
{
	if (s->wakeup <= 0 || !s->cond_wake || s->wakeup_armed ||
	    s->type == SERV_TYPE_INET)
		return;
	s->wakeup_armed = true;
	event_request_timer(wakeup_event, s, s->wakeup);
}

/* master_wakeup_cancel - no more wake-ups */
void
master_wakeup_cancel(struct master_serv *s)
{
	event_cancel_timer(wakeup_event, s);
	s->wakeup_armed = false;
}
