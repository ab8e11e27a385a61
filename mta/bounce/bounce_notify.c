/*
 * bounce_notify - who gets which report, and handing it to cleanup
 *
 * Policy (as Postfix users expect it):
 *  - the sender gets the report, subject to its DSN NOTIFY choices;
 *  - a message with the null sender (itself a notification) cannot be
 *    answered: the report goes to 2bounce_notice_recipient instead when
 *    notify_classes has "bounce" or "2bounce" ("delay" for warnings);
 *  - a report to the double-bounce address is dropped, so that
 *    notifications never loop;
 *  - notify_classes "bounce" ("delay") adds a postmaster copy with the
 *    headers only; it is sent after the sender's report, and its failure
 *    only logs a warning.
 * Postmaster copies come from the double-bounce address, so that their
 * failure is recognized and dropped.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "attr.h"
#include "bounce_service.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "rec.h"
#include "stringops.h"

/* Longest reply line from cleanup. */
#define CLEANUP_REPLY_LIMIT 4096

struct kind_log {
	const char *sender_text; /* "sender non-delivery notification" */
	const char *pm_text;     /* "postmaster non-delivery notification" */
	const char *pm_class;    /* notify_classes word for postmaster copies */
};

static const struct kind_log kind_logs[] = {
        [BOUNCE_KIND_FAILURE] = {"sender non-delivery notification",
                                 "postmaster non-delivery notification",
                                 "bounce"},
        [BOUNCE_KIND_DELAY] = {"sender delay notification",
                               "postmaster delay notification", "delay"},
        [BOUNCE_KIND_SUCCESS] = {"sender delivery status notification",
                                 "postmaster delivery status notification",
                                 NULL},
        [BOUNCE_KIND_VERIFY] = {"sender delivery status notification",
                                "postmaster delivery status notification",
                                NULL},
};

/* cleanup_envelope - the records before the content */
static int
cleanup_envelope(struct vstream *fp, const struct timeval *now,
                 const char *sender, const char *rcpt)
{
	int err = 0;

	err |= rec_fprintf(fp, REC_TYPE_TIME, "%ld %ld", (long) now->tv_sec,
	                   (long) now->tv_usec) < 0;
	err |= rec_puts(fp, REC_TYPE_FROM, sender) < 0;
	err |= rec_fprintf(fp, REC_TYPE_ATTR, "%s=%s", MAIL_ATTR_RWR_CONTEXT,
	                   "local") < 0;
	err |= rec_puts(fp, REC_TYPE_RCPT, rcpt) < 0;
	err |= rec_puts(fp, REC_TYPE_MESG, "") < 0;
	return err ? -1 : 0;
}

/* cleanup_open - connect and learn the new queue ID */
static struct vstream *
cleanup_open(struct vstr *new_id)
{
	struct attr_list *l = attr_list_alloc();
	struct vstream *fp;
	const char *id;

	fp = mail_connect(MAIL_CLASS_PUBLIC, MAIL_SERVICE_CLEANUP,
	                  (int) var_ipc_timeout);
	if (fp == NULL) {
		msg_warn("connect to %s/%s: %m", MAIL_CLASS_PUBLIC,
		         MAIL_SERVICE_CLEANUP);
	} else if (attr_list_read(fp, l, CLEANUP_REPLY_LIMIT) < 0 ||
	           (id = attr_list_get(l, MAIL_ATTR_QUEUEID)) == NULL ||
	           attr_print(fp,
	                      ATTR_LONG(MAIL_ATTR_FLAGS,
	                                CLEANUP_FLAG_MASK_INTERNAL),
	                      ATTR_END) < 0) {
		msg_warn("%s service: protocol error", MAIL_SERVICE_CLEANUP);
		(void) vstream_close(fp);
		fp = NULL;
	} else {
		vstr_cpy(new_id, id);
	}
	attr_list_free(l);
	return fp;
}

/* cleanup_finish - end the message and read cleanup's verdict */
static int
cleanup_finish(struct vstream *fp)
{
	struct attr_list *l = attr_list_alloc();
	int ret = -1;

	if (rec_puts(fp, REC_TYPE_XTRA, "") >= 0 &&
	    rec_puts(fp, REC_TYPE_END, "") >= 0 && vstream_fflush(fp) == 0 &&
	    attr_list_read(fp, l, CLEANUP_REPLY_LIMIT) > 0) {
		long status = attr_list_get_long(l, MAIL_ATTR_STATUS, -1);
		const char *why = attr_list_get(l, MAIL_ATTR_REASON);

		if (status == 0)
			ret = 0;
		else
			msg_warn("%s service: status %ld: %s",
			         MAIL_SERVICE_CLEANUP, status,
			         why && *why ? why : "(no reason)");
	} else {
		msg_warn("%s service: error sending message: %m",
		         MAIL_SERVICE_CLEANUP);
	}
	attr_list_free(l);
	return ret;
}

/* send_report - one report through cleanup; 0 or -1 */
static int
send_report(struct bounce_report *rep, struct bounce_msg *m,
            const struct bounce_log *log, const char *sender,
            const char *log_text)
{
	struct vstr *new_id = vstr_alloc(32);
	struct vstream *fp;
	int ret = -1;

	if ((fp = cleanup_open(new_id)) != NULL) {
		rep->new_id = vstr_str(new_id);
		if (cleanup_envelope(fp, &rep->now, sender, rep->to) == 0 &&
		    bounce_report_write(fp, rep, m, log) >= 0 &&
		    cleanup_finish(fp) == 0)
			ret = 0;
		rep->new_id = NULL;
		(void) vstream_close(fp);
	}
	if (ret == 0)
		msg_info("%s: %s: %s", m->queue_id, log_text, vstr_str(new_id));
	vstr_free(new_id);
	return ret;
}

/* postmaster_copy - report to a postmaster address, headers only */
static int
postmaster_copy(struct bounce_report *rep, struct bounce_msg *m,
                const struct bounce_log *log, const char *to,
                const char *double_bounce)
{
	struct bounce_report pm = *rep;

	pm.postmaster = true;
	pm.to = to;
	if (bounce_report_count(&pm, log) == 0)
		return 0;
	return send_report(&pm, m, log, double_bounce,
	                   kind_logs[rep->kind].pm_text);
}

/* pm_recipient - where postmaster copies of this kind go */
static const char *
pm_recipient(enum bounce_kind kind)
{
	return kind == BOUNCE_KIND_DELAY ? var_delay_notice_recipient
	                                 : var_bounce_notice_recipient;
}

/* notify_sender - the report to the sender, then the postmaster copy */
static int
notify_sender(struct bounce_report *rep, struct bounce_msg *m,
              const struct bounce_log *log, const char *double_bounce)
{
	const char *class = kind_logs[rep->kind].pm_class;
	int ret = 0;

	rep->to = m->sender;
	if (bounce_report_count(rep, log) > 0)
		ret = send_report(rep, m, log, "",
		                  kind_logs[rep->kind].sender_text);
	if (ret == 0 && class && list_has_word(var_notify_classes, class) &&
	    postmaster_copy(rep, m, log, pm_recipient(rep->kind),
	                    double_bounce) != 0)
		msg_warn("%s: postmaster notice failed", m->queue_id);
	return ret;
}

/* notify_null_sender - a notification about a notification */
static int
notify_null_sender(struct bounce_report *rep, struct bounce_msg *m,
                   const struct bounce_log *log, const char *double_bounce)
{
	const char *class = kind_logs[rep->kind].pm_class;

	if (class == NULL || (!list_has_word(var_notify_classes, class) &&
	                      !list_has_word(var_notify_classes, "2bounce")))
		return 0;
	return postmaster_copy(rep, m, log, var_2bounce_notice_recipient,
	                       double_bounce);
}

/* bounce_notify - send the reports for the log dir/ID */
int
bounce_notify(enum bounce_kind kind, const char *dir, struct bounce_msg *m,
              bool keep_log)
{
	struct bounce_report rep = {.kind = kind, .hostname = var_myhostname};
	struct vstr *why = vstr_alloc(64), *dbl = vstr_alloc(64);
	struct bounce_log log;
	int ret = 0;

	if (bounce_log_read(dir, m->queue_id, &log, why) < 0) {
		msg_warn("%s: %s", m->queue_id, vstr_str(why));
		vstr_free(why);
		vstr_free(dbl);
		return -1;
	}
	gettimeofday(&rep.now, NULL);
	rep.size_limit = var_bounce_size_limit;
	rep.expired = kind == BOUNCE_KIND_FAILURE &&
	              strcmp(dir, MAIL_QUEUE_DEFER) == 0;
	if (log.count > 0 && bounce_msg_open(m, why) < 0)
		msg_warn("%s: %s; report without the original message",
		         m->queue_id, vstr_str(why));
	/* sendmail -v and -bv ask for a report of every recipient. */
	if (kind == BOUNCE_KIND_SUCCESS && m->tflags != 0)
		rep.kind = BOUNCE_KIND_VERIFY;
	for (size_t i = 0; kind == BOUNCE_KIND_SUCCESS && i < log.count; i++)
		if (strcmp(log.rcpt[i].action, "deliverable") == 0 ||
		    strcmp(log.rcpt[i].action, "undeliverable") == 0)
			rep.kind = BOUNCE_KIND_VERIFY;
	vstr_fmt(dbl, "%s@%s", var_double_bounce_sender, var_myhostname);
	if (log.count == 0) {
		ret = 0;
	} else if (strcasecmp(m->sender, vstr_str(dbl)) == 0) {
		msg_warn("%s: undeliverable postmaster notification discarded",
		         m->queue_id);
	} else if (*m->sender == 0) {
		ret = notify_null_sender(&rep, m, &log, vstr_str(dbl));
	} else {
		ret = notify_sender(&rep, m, &log, vstr_str(dbl));
	}
	bounce_msg_close(m);
	if (ret == 0 && !keep_log && log.count > 0 &&
	    mail_queue_remove(dir, m->queue_id) < 0 && errno != ENOENT)
		msg_warn("%s: remove %s log: %m", m->queue_id, dir);
	bounce_log_release(&log);
	vstr_free(why);
	vstr_free(dbl);
	return ret;
}
