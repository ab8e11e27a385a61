/*
 * qmgr_defer - back-off, expiry, delay warnings, and the recipients qmgr
 * defers or bounces itself
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "attr.h"
#include "bounce.h"
#include "deliver_status.h"
#include "events.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"

#include "qmgr.h"

/* Seconds before a file that an agent still delivers is looked at. */
#define QMGR_BUSY_DELAY 60

/* Longest line of a defer log we read back. */
#define QMGR_LOG_LINE_LIMIT 8192

/* qmgr_defer_backoff - the wait before the next attempt, for an age */
long
qmgr_defer_backoff(long age, long min, long max)
{
	long delay = age;

	/* As Postfix: the age, at most the maximum, at least the minimum. */
	if (delay > max)
		delay = max;
	if (delay < min)
		delay = min;
	return delay;
}

/* qmgr_defer_next_time - the next attempt time of a message */
time_t
qmgr_defer_next_time(time_t now, long arrival)
{
	long age = now > arrival ? (long) (now - arrival) : 0;

	return now + qmgr_defer_backoff(age, var_minimal_backoff_time,
	                                var_maximal_backoff_time);
}

/* qmgr_defer_expired - whether a message outlived its queue lifetime */
bool
qmgr_defer_expired(const struct qmgr_message *m, time_t now)
{
	long life = *m->sender ? var_maximal_queue_lifetime
	                       : var_bounce_queue_lifetime;

	return now >= m->arrival.tv_sec + life;
}

/* rcpt_export - the deliver_status view of a recipient */
static void
rcpt_export(const struct qmgr_rcpt *r, struct recipient *out)
{
	out->orig_addr = r->orig_addr;
	out->address = r->address;
	out->dsn_orcpt = r->dsn_orcpt;
	out->dsn_notify = r->dsn_notify;
	out->offset = r->offset;
}

/* stats_now - delays for a recipient that never reached an agent */
static void
stats_now(const struct qmgr_message *m, struct msg_stats *st)
{
	struct timeval now;

	gettimeofday(&now, NULL);
	st->arrival = m->arrival;
	st->active = m->active;
	st->handoff = now;
	st->conn = now;
}

static int mark_done(const struct qmgr_message *, long);

/* trace_rcpt - a trace record for a recipient qmgr itself decides on */
static int
trace_rcpt(struct qmgr_message *m, const struct recipient *rc,
           const struct dsn *d)
{
	if (bounce_append(var_trace_service_name, m->queue_id, rc, "none", d) ==
	    0)
		return 0;
	msg_warn("%s: cannot append to the trace log for <%s>", m->queue_id,
	         rc->address);
	return -1;
}

/* probe_rcpt - sendmail -bv: a recipient qmgr cannot route is reported */
static void
probe_rcpt(struct qmgr_message *m, struct qmgr_rcpt *r, const char *status,
           const char *reason)
{
	struct recipient rc;
	struct msg_stats st;
	struct dsn d = {status, "undeliverable", reason, NULL, NULL, NULL,
	                NULL};

	rcpt_export(r, &rc);
	stats_now(m, &st);
	if (trace_rcpt(m, &rc, &d) < 0)
		return; /* stays in the queue file: tried again later */
	status_log(m->queue_id, &rc, "none", &st, "undeliverable", &d);
	if (mark_done(m, r->offset) < 0)
		msg_warn("%s: cannot mark <%s> done: %m", m->queue_id,
		         r->address);
}

/* qmgr_defer_rcpt - log and record a recipient qmgr defers itself */
void
qmgr_defer_rcpt(struct qmgr_message *m, struct qmgr_rcpt *r, const char *status,
                const char *reason)
{
	struct recipient rc;
	struct msg_stats st;
	struct dsn d = {status, "delayed", reason, NULL, NULL, NULL, NULL};

	if (DEL_REQ_TRACE_ONLY(m->tflags)) {
		probe_rcpt(m, r, status, reason);
		return;
	}
	rcpt_export(r, &rc);
	stats_now(m, &st);
	status_log(m->queue_id, &rc, "none", &st, "deferred", &d);
	if (bounce_append(MAIL_SERVICE_DEFER, m->queue_id, &rc, "none", &d) < 0)
		msg_warn("%s: cannot append to the defer log for <%s>",
		         m->queue_id, r->address);
	if (m->tflags & DEL_REQ_FLAG_RECORD)
		(void) trace_rcpt(m, &rc, &d);
}

/* qmgr_defer_entry - defer every recipient of an entry */
void
qmgr_defer_entry(struct qmgr_entry *e, const char *status, const char *reason)
{
	for (size_t i = 0; i < e->count; i++)
		qmgr_defer_rcpt(e->message, e->rcpt[i], status, reason);
}

/* mark_done - REC_TYPE_RCPT becomes REC_TYPE_DONE in the queue file */
static int
mark_done(const struct qmgr_message *m, long offset)
{
	struct vstream *fp;
	int ret = 0;

	fp = mail_queue_open(m->queue_name, m->queue_id, O_RDWR, 0);
	if (fp == NULL)
		return -1;
	if (rec_put_type(vstream_fileno(fp), REC_TYPE_DONE, offset) < 0 ||
	    fsync(vstream_fileno(fp)) < 0)
		ret = -1;
	vstream_close(fp);
	return ret;
}

/* qmgr_bounce_rcpt - a recipient qmgr rejects itself (bad address) */
void
qmgr_bounce_rcpt(struct qmgr_message *m, struct qmgr_rcpt *r,
                 const char *status, const char *reason)
{
	struct recipient rc;
	struct msg_stats st;
	struct dsn d = {status, "failed", reason, NULL, NULL, NULL, NULL};
	char soft[16];

	if (DEL_REQ_TRACE_ONLY(m->tflags)) {
		probe_rcpt(m, r, status, reason);
		return;
	}
	if (var_soft_bounce) {
		/* soft_bounce: 5.X.X becomes 4.X.X and we keep trying. */
		size_t n = strlen(status);

		if (n < sizeof(soft) && status[0] == '5') {
			memcpy(soft, status, n + 1);
			soft[0] = '4';
			status = soft;
		}
		qmgr_defer_rcpt(m, r, status, reason);
		return;
	}
	rcpt_export(r, &rc);
	stats_now(m, &st);
	status_log(m->queue_id, &rc, "none", &st, "bounced", &d);
	if (bounce_append(MAIL_SERVICE_BOUNCE, m->queue_id, &rc, "none", &d) <
	    0) {
		msg_warn("%s: cannot append to the bounce log for <%s>",
		         m->queue_id, r->address);
		return;
	}
	if (m->tflags & DEL_REQ_FLAG_RECORD)
		(void) trace_rcpt(m, &rc, &d);
	if (mark_done(m, r->offset) < 0)
		msg_warn("%s: cannot mark <%s> done: %m", m->queue_id,
		         r->address);
}

/* patch_warn_time - clear the delay warning time once warned */
static void
patch_warn_time(const struct qmgr_message *m)
{
	struct vstream *fp;
	struct vstr *buf;

	if (m->warn_offset < 0)
		return;
	fp = mail_queue_open(m->queue_name, m->queue_id, O_RDWR, 0);
	if (fp == NULL) {
		msg_warn("%s: open to clear the warning time: %m", m->queue_id);
		return;
	}
	buf = vstr_alloc(20);
	vstr_fmt(buf, "%15ld", 0L);
	if (pwrite(vstream_fileno(fp), vstr_str(buf), vstr_len(buf),
	           m->warn_offset) != (ssize_t) vstr_len(buf) ||
	    fsync(vstream_fileno(fp)) < 0)
		msg_warn("%s: clear the warning time: %m", m->queue_id);
	vstr_free(buf);
	vstream_close(fp);
}

/* defer_expire - return an expired message; 0 when it may be removed */
static int
defer_expire(struct qmgr_message *m)
{
	msg_info("%s: from=<%s>, status=expired, returned to sender",
	         m->queue_id, m->sender);
	if (bounce_flush(MAIL_SERVICE_DEFER, m->queue_name, m->queue_id,
	                 m->encoding, m->smtputf8, m->sender, m->dsn_envid,
	                 m->dsn_ret) < 0) {
		msg_warn("%s: cannot return the expired message; will retry",
		         m->queue_id);
		return -1;
	}
	return 0;
}

/* defer_warn - send the delay warning when it is due */
static void
defer_warn(struct qmgr_message *m, time_t now)
{
	if (m->warn_time <= 0 || now < m->warn_time)
		return;
	if (bounce_warn(MAIL_SERVICE_DEFER, m->queue_name, m->queue_id,
	                m->encoding, m->smtputf8, m->sender, m->dsn_envid,
	                m->dsn_ret) < 0) {
		msg_warn("%s: cannot send the delay warning; will retry",
		         m->queue_id);
		return;
	}
	patch_warn_time(m);
	m->warn_time = 0;
}

/* defer_move - state active -> deferred, mtime = next attempt time */
static void
defer_move(struct qmgr_message *m, time_t now)
{
	struct vstr *path = vstr_alloc(64);
	struct timeval tv[2];
	time_t next = qmgr_defer_next_time(now, m->arrival.tv_sec);

	/* The time stamp first: a crash then leaves it in active/. */
	tv[0].tv_sec = tv[1].tv_sec = next;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	mail_queue_path(path, m->queue_name, m->queue_id);
	if (utimes(vstr_str(path), tv) < 0)
		msg_warn("%s: set the retry time: %m", m->queue_id);
	if (mail_queue_rename(m->queue_id, m->queue_name, MAIL_QUEUE_DEFERRED) <
	    0)
		msg_warn("%s: move from %s to %s: %m", m->queue_id,
		         m->queue_name, MAIL_QUEUE_DEFERRED);
	else if (mail_queue_fsync_dir(MAIL_QUEUE_DEFERRED, m->queue_id) < 0)
		msg_warn("%s: fsync %s: %m", m->queue_id, MAIL_QUEUE_DEFERRED);
	vstr_free(path);
}

/* qmgr_defer_busy - active -> deferred for a file still being delivered */
void
qmgr_defer_busy(const char *id)
{
	struct vstr *path = vstr_alloc(64);
	struct timeval tv[2];

	/* As Postfix: try again in a minute, when that agent is done. */
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec += QMGR_BUSY_DELAY;
	tv[0].tv_usec = 0;
	tv[1] = tv[0];
	if (utimes(mail_queue_path(path, MAIL_QUEUE_ACTIVE, id), tv) < 0)
		msg_warn("%s: set the retry time: %m", id);
	if (mail_queue_rename(id, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_DEFERRED) < 0)
		msg_warn("%s: move from %s to %s: %m", id, MAIL_QUEUE_ACTIVE,
		         MAIL_QUEUE_DEFERRED);
	vstr_free(path);
}

/* qmgr_defer_finish - a message with recipients left, or logs unsent */
void
qmgr_defer_finish(struct qmgr_message *m, int remain)
{
	time_t now = event_time();

	if (remain > 0 && !var_soft_bounce && qmgr_defer_expired(m, now) &&
	    defer_expire(m) == 0) {
		/* The defer service sent the report and removed the log. */
		if (mail_queue_remove(m->queue_name, m->queue_id) < 0 &&
		    errno != ENOENT)
			msg_warn("%s: remove from %s: %m", m->queue_id,
			         m->queue_name);
		else
			msg_info("%s: removed", m->queue_id);
		return;
	}
	if (remain > 0)
		defer_warn(m, now);
	defer_move(m, now);
}

/* qmgr_defer_reason - the last defer log reason for a recipient */
int
qmgr_defer_reason(const struct qmgr_message *m, const char *addr,
                  struct vstr *status, struct vstr *reason)
{
	struct vstream *fp;
	struct attr_list *l;
	const char *r, *s, *why;
	int found = -1;

	fp = mail_queue_open(MAIL_QUEUE_DEFER, m->queue_id, O_RDONLY, 0);
	if (fp == NULL)
		return -1;
	l = attr_list_alloc();
	while (attr_list_read(fp, l, QMGR_LOG_LINE_LIMIT) > 0) {
		r = attr_list_get(l, MAIL_ATTR_RECIP);
		s = attr_list_get(l, MAIL_ATTR_DSN_STATUS);
		why = attr_list_get(l, MAIL_ATTR_WHY);
		if (r && s && why && strcmp(r, addr) == 0) {
			vstr_cpy(status, s);
			vstr_cpy(reason, why);
			found = 0;
		}
	}
	attr_list_free(l);
	vstream_close(fp);
	return found;
}
