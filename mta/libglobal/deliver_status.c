/*
 * deliver_status - report what happened to one recipient
 *
 * Every path ends in exactly one log line and one of two answers: the
 * recipient is final (recorded and marked done) or deferred. When a
 * record cannot be written (bounce, defer or trace service down, queue
 * file not writable) the answer is "deferred": qmgr keeps the recipient
 * and tries again, so nothing is lost, at worst delivered twice.
 */
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bounce.h"
#include "deliver_status.h"
#include "dsn_util.h"
#include "mail_params.h"
#include "msg.h"
#include "rec.h"
#include "stringops.h"
#include "vstr.h"

#define NO_RELAY "none"

/* nz - never NULL */
static const char *
nz(const char *s)
{
	return s ? s : "";
}

/* append_delays - " delay=D, delays=a/b/c/d" measured up to now */
static void
append_delays(struct vstr *buf, const struct msg_stats *st)
{
	struct timeval now, d;
	const struct timeval *conn;
	int res = var_delay_logging_resolution_limit;

	gettimeofday(&now, NULL);
	conn = st->conn.tv_sec || st->conn.tv_usec ? &st->conn : &st->handoff;
	vstr_cat(buf, ", delay=");
	d = dsn_tv_sub(&now, &st->arrival);
	dsn_format_delay(buf, &d, res);
	vstr_cat(buf, ", delays=");
	d = dsn_tv_sub(&st->active, &st->arrival);
	dsn_format_delay(buf, &d, res);
	vstr_addch(buf, '/');
	d = dsn_tv_sub(&st->handoff, &st->active);
	dsn_format_delay(buf, &d, res);
	vstr_addch(buf, '/');
	d = dsn_tv_sub(conn, &st->handoff);
	dsn_format_delay(buf, &d, res);
	vstr_addch(buf, '/');
	d = dsn_tv_sub(&now, conn);
	dsn_format_delay(buf, &d, res);
}

/* status_log - the one log line for a recipient */
void
status_log(const char *queue_id, const struct recipient *r, const char *relay,
           const struct msg_stats *stats, const char *status_word,
           const struct dsn *d)
{
	struct vstr *buf = vstr_alloc(256);

	vstr_fmt(buf, "%s: to=<%s>", queue_id, nz(r->address));
	if (r->orig_addr && *r->orig_addr &&
	    strcasecmp(r->orig_addr, nz(r->address)) != 0)
		vstr_fmt_append(buf, ", orig_to=<%s>", r->orig_addr);
	vstr_fmt_append(buf, ", relay=%s", relay && *relay ? relay : NO_RELAY);
	append_delays(buf, stats);
	vstr_fmt_append(buf, ", dsn=%s, status=%s (%s)", nz(d->status),
	                status_word, nz(d->reason));
	msg_info("%s", printable(vstr_str(buf), '?'));
	vstr_free(buf);
}

/* fix_status - d->status if it has the wanted class, else a default */
static const char *
fix_status(const char *queue_id, const char *status, int class,
           const char *dflt)
{
	if (dsn_status_ok(status) && status[0] == class)
		return status;
	msg_warn("%s: ignoring dsn code \"%s\"", queue_id, nz(status));
	return dflt;
}

/*
 * mark_done - the recipient record becomes REC_TYPE_DONE
 *
 * No fsync, as in Postfix: if the machine crashes before the page reaches
 * the disk, the recipient is delivered once more after the restart (a
 * duplicate, never a loss), and qmgr reads the mark from the page cache in
 * the normal case. An fsync here would cost one disk flush per recipient.
 */
static int
mark_done(struct deliver_request *req, struct recipient *r)
{
	int fd;

	if (req->fp == NULL)
		msg_panic("%s: no queue file", __func__);
	fd = vstream_fileno(req->fp);
	if (rec_put_type(fd, REC_TYPE_DONE, (off_t) r->offset) < 0) {
		msg_warn("%s: mark recipient %s done in queue file: %m",
		         req->queue_id, nz(r->address));
		return DEL_STAT_DEFER;
	}
	return DEL_STAT_FINAL;
}

/* trace_append - record in trace/, "delivery via RELAY: " in front */
static int
trace_append(struct deliver_request *req, const struct recipient *r,
             const char *relay, const struct dsn *d)
{
	struct vstr *why = vstr_alloc(128);
	struct dsn my = *d;
	int ret;

	if (relay && *relay && strcmp(relay, NO_RELAY) != 0) {
		vstr_fmt(why, "delivery via %s: %s", relay, nz(d->reason));
		my.reason = vstr_str(why);
	}
	ret = bounce_append(var_trace_service_name, req->queue_id, r,
	                    relay ? relay : NO_RELAY, &my);
	if (ret != 0)
		msg_warn("%s: %s service failure", req->queue_id,
		         var_trace_service_name);
	vstr_free(why);
	return ret;
}

/* verify_only - sendmail -bv and address probes: trace only */
static int
verify_only(struct deliver_request *req, struct recipient *r, const char *relay,
            const struct dsn *d, const char *word)
{
	struct dsn my = *d;

	my.action = word;
	if (trace_append(req, r, relay, &my) != 0)
		return DEL_STAT_DEFER;
	status_log(req->queue_id, r, relay, &req->stats, word, &my);
	return mark_done(req, r);
}

/* defer_intern - record in defer/ and log; always DEL_STAT_DEFER */
static int
defer_intern(struct deliver_request *req, struct recipient *r,
             const char *relay, const struct dsn *d)
{
	struct vstr *soft = vstr_alloc(16);
	struct dsn my = *d;

	my.status =
	        fix_status(req->queue_id, dsn_status_soft(soft, nz(d->status)),
	                   '4', "4.0.0");
	my.action = "delayed";
	if (bounce_append(var_defer_service_name, req->queue_id, r,
	                  relay ? relay : NO_RELAY, &my) != 0)
		msg_warn("%s: %s service failure", req->queue_id,
		         var_defer_service_name);
	if (req->flags & DEL_REQ_FLAG_RECORD)
		(void) trace_append(req, r, relay, &my);
	status_log(req->queue_id, r, relay, &req->stats, "deferred", &my);
	vstr_free(soft);
	return DEL_STAT_DEFER;
}

/* defer_failure - defer because a record could not be written */
static int
defer_failure(struct deliver_request *req, struct recipient *r,
              const char *relay, const struct dsn *d, const char *what)
{
	struct vstr *why = vstr_alloc(64);
	struct dsn my = *d;
	int ret;

	vstr_fmt(why, "%s service failure", what);
	my.status = "4.3.0";
	my.reason = vstr_str(why);
	ret = defer_intern(req, r, relay, &my);
	vstr_free(why);
	return ret;
}

/* status_sent - delivered */
int
status_sent(struct deliver_request *req, struct recipient *r, const char *relay,
            const struct dsn *d)
{
	struct dsn my = *d;

	if (req->flags & (DEL_REQ_FLAG_VERIFY | DEL_REQ_FLAG_EXPAND))
		return verify_only(req, r, relay, d, "deliverable");
	my.status = fix_status(req->queue_id, d->status, '2', "2.0.0");
	if (my.action == NULL || *my.action == 0)
		my.action = "delivered";
	if (((r->dsn_notify & DSN_NOTIFY_SUCCESS) ||
	     (req->flags & DEL_REQ_FLAG_RECORD)) &&
	    trace_append(req, r, relay, &my) != 0)
		return defer_failure(req, r, relay, &my,
		                     var_trace_service_name);
	status_log(req->queue_id, r, relay, &req->stats, "sent", &my);
	return mark_done(req, r);
}

/* status_bounce - failed for good (or deferred with soft_bounce) */
int
status_bounce(struct deliver_request *req, struct recipient *r,
              const char *relay, const struct dsn *d)
{
	struct dsn my = *d;

	if (req->flags & (DEL_REQ_FLAG_VERIFY | DEL_REQ_FLAG_EXPAND))
		return verify_only(req, r, relay, d, "undeliverable");
	if (var_soft_bounce)
		return defer_intern(req, r, relay, &my);
	my.status = fix_status(req->queue_id, d->status, '5', "5.0.0");
	if (my.action == NULL || *my.action == 0)
		my.action = "failed";
	if (bounce_append(var_bounce_service_name, req->queue_id, r,
	                  relay ? relay : NO_RELAY, &my) != 0) {
		msg_warn("%s: %s service failure", req->queue_id,
		         var_bounce_service_name);
		return defer_failure(req, r, relay, &my, "bounce or trace");
	}
	if (req->flags & DEL_REQ_FLAG_RECORD)
		(void) trace_append(req, r, relay, &my);
	status_log(req->queue_id, r, relay, &req->stats, "bounced", &my);
	return mark_done(req, r);
}

/* status_defer - try again later */
int
status_defer(struct deliver_request *req, struct recipient *r,
             const char *relay, const struct dsn *d)
{
	if (req->flags & (DEL_REQ_FLAG_VERIFY | DEL_REQ_FLAG_EXPAND))
		return verify_only(req, r, relay, d, "undeliverable");
	return defer_intern(req, r, relay, d);
}
