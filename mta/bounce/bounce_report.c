/*
 * bounce_report - build one delivery status notification
 *
 * The report is written as content records (REC_TYPE_NORM, and
 * REC_TYPE_CONT for pieces of over-long original lines), exactly what
 * cleanup expects between REC_TYPE_MESG and REC_TYPE_XTRA. Shape (RFC
 * 3462, RFC 3464): message headers, then a multipart/report with
 *   1. text/plain: a short explanation and one entry per recipient,
 *   2. message/delivery-status: per-message and per-recipient fields,
 *   3. the original: message/rfc822 (whole message) or
 *      text/rfc822-headers (headers only).
 * The explanations are our own text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bounce_service.h"
#include "deliver_request.h"
#include "msg.h"
#include "rec.h"

/* Wrap explanation lines at this width. */
#define WRAP_WIDTH 76
/* Longest content record of the original we copy. */
#define ORIG_REC_LIMIT (1L << 20)

struct out {
	struct vstream *fp;
	struct vstr *tmp;
	int err;
};

struct kind_text {
	const char *subject;
	const char *pm_subject;
	const char *orig_desc; /* description of the whole original */
	const char *const *intro;
};

static const char *const failure_intro[] = {
        "Your message could not be delivered to the recipients listed",
        "below. The mail system has stopped trying; the reason it was",
        "given for each address follows the address.",
        "",
        "The postmaster of this site can look the delivery attempts up",
        "in the mail log by the queue ID given further down.",
        NULL,
};

static const char *const delay_intro[] = {
        "This is only a warning: nothing needs to be done about it yet.",
        "",
        "Your message has not yet reached the recipients listed below.",
        "The mail system keeps trying and will send another report if",
        "it gives up. There is no need to send the message again.",
        NULL,
};

static const char *const success_intro[] = {
        "You asked to be told when your message was delivered. It has",
        "reached the recipients listed below.",
        NULL,
};

static const char *const verify_intro[] = {
        "Here are the delivery results that were asked for. For an",
        "address check (sendmail -bv) nothing was delivered; the entries",
        "below say what would happen to each address.",
        NULL,
};

static const struct kind_text kinds[] = {
        [BOUNCE_KIND_FAILURE] = {"Undelivered Mail Returned to Sender",
                                 "Postmaster Copy: Undelivered Mail",
                                 "Undelivered Message", failure_intro},
        [BOUNCE_KIND_DELAY] = {"Delayed Mail (still being retried)",
                               "Postmaster Warning: Delayed Mail",
                               "Delayed Message", delay_intro},
        [BOUNCE_KIND_SUCCESS] = {"Successful Mail Delivery Report",
                                 "Successful Mail Delivery Report",
                                 "Delivered Message", success_intro},
        [BOUNCE_KIND_VERIFY] = {"Mail Delivery Status Report",
                                "Mail Delivery Status Report", "Message",
                                verify_intro},
};

/* put_line - one content line */
static void
put_line(struct out *o, const char *s)
{
	if (rec_puts(o->fp, REC_TYPE_NORM, s) < 0)
		o->err = 1;
}

/* put_fmt - one formatted content line */
static void __attribute__((format(printf, 2, 3)))
put_fmt(struct out *o, const char *fmt, ...)
{
	va_list ap;

	vstr_reset(o->tmp);
	va_start(ap, fmt);
	vstr_vfmt_append(o->tmp, fmt, ap);
	va_end(ap);
	put_line(o, vstr_str(o->tmp));
}

/* put_wrapped - text folded at white space, continuations indented */
static void
put_wrapped(struct out *o, const char *text)
{
	struct vstr *line = vstr_alloc(WRAP_WIDTH + 8);
	const char *p = text;
	size_t indent = 0;

	while (*p) {
		size_t len = strlen(p), room = WRAP_WIDTH - indent, cut;

		if (len <= room) {
			cut = len;
		} else {
			for (cut = room; cut > 0 && p[cut] != ' '; cut--)
				;
			if (cut == 0) /* one long word: break after it */
				cut = strcspn(p, " ");
		}
		vstr_reset(line);
		vstr_cat(line, indent ? "    " : "");
		vstr_cat_mem(line, p, cut);
		put_line(o, vstr_str(line));
		for (p += cut; *p == ' '; p++)
			;
		indent = 4;
	}
	vstr_free(line);
}

/* bounce_date - RFC 5322 date in local time */
void
bounce_date(struct vstr *buf, time_t when)
{
	struct tm tm;
	char text[64], zone[16];
	long off;

	localtime_r(&when, &tm);
	strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%Z", &tm);
	off = tm.tm_gmtoff / 60;
	vstr_fmt(buf, "%s %c%02ld%02ld (%s)", text, off < 0 ? '-' : '+',
	         (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60,
	         zone);
}

/* wanted - the report describes this record */
static bool
wanted(const struct bounce_report *rep, const struct bounce_rcpt *r)
{
	static const int bit[] = {
	        [BOUNCE_KIND_FAILURE] = DSN_NOTIFY_FAILURE,
	        [BOUNCE_KIND_DELAY] = DSN_NOTIFY_DELAY,
	        [BOUNCE_KIND_SUCCESS] = DSN_NOTIFY_SUCCESS,
	        [BOUNCE_KIND_VERIFY] = 0,
	};

	if (rep->postmaster || r->dsn_notify == 0 ||
	    rep->kind == BOUNCE_KIND_VERIFY)
		return true;
	return (r->dsn_notify & bit[rep->kind]) != 0;
}

/* bounce_report_count - recipients a report would describe */
size_t
bounce_report_count(const struct bounce_report *rep,
                    const struct bounce_log *log)
{
	size_t n = 0;

	for (size_t i = 0; i < log->count; i++)
		n += wanted(rep, log->rcpt + i);
	return n;
}

/* boundary - "QUEUEID.TIME/HOSTNAME" */
static void
boundary(struct vstr *buf, const struct bounce_report *rep,
         const struct bounce_msg *m)
{
	vstr_fmt(buf, "%s.%ld/%s", m->queue_id, (long) rep->now.tv_sec,
	         rep->hostname);
}

/* put_headers - the headers of the report message */
static void
put_headers(struct out *o, const struct bounce_report *rep, const char *bound)
{
	const struct kind_text *k = &kinds[rep->kind];
	struct vstr *date = vstr_alloc(64);
	char stamp[32];
	struct tm tm;

	bounce_date(date, rep->now.tv_sec);
	put_fmt(o, "Date: %s", vstr_str(date));
	put_fmt(o, "From: Mail Delivery System <MAILER-DAEMON@%s>",
	        rep->hostname);
	put_fmt(o, "Subject: %s", rep->postmaster ? k->pm_subject : k->subject);
	put_fmt(o, "To: %s", rep->to);
	put_line(o, "Auto-Submitted: auto-replied");
	put_line(o, "MIME-Version: 1.0");
	put_line(o, "Content-Type: multipart/report; "
	            "report-type=delivery-status;");
	put_fmt(o, "\tboundary=\"%s\"", bound);
	put_line(o, "Content-Transfer-Encoding: 8bit");
	if (rep->new_id && *rep->new_id) {
		gmtime_r(&rep->now.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
		put_fmt(o, "Message-Id: <%s.%s@%s>", stamp, rep->new_id,
		        rep->hostname);
	}
	put_line(o, "");
	put_line(o, "This is a multi-part message in MIME format.");
	put_line(o, "");
	vstr_free(date);
}

/* put_intro - the explanation at the top of the text part */
static void
put_intro(struct out *o, const struct bounce_report *rep,
          const struct bounce_msg *m)
{
	struct vstr *date = vstr_alloc(64);

	put_fmt(o, "This report comes from the mail system at %s.",
	        rep->hostname);
	put_line(o, "");
	if (rep->postmaster) {
		put_fmt(o,
		        "Postmaster copy of a report about message %s "
		        "from <%s>.",
		        m->queue_id, m->sender);
		if (*m->sender == 0)
			put_line(o, "The message had no return address, so "
			            "the report could not go to its sender.");
		put_line(o, "Only the headers of the message are included.");
		put_line(o, "");
	}
	for (const char *const *p = kinds[rep->kind].intro; *p; p++)
		put_line(o, *p);
	if (rep->kind == BOUNCE_KIND_DELAY && rep->retry_until > 0) {
		bounce_date(date, (time_t) rep->retry_until);
		put_line(o, "");
		put_fmt(o, "Delivery will be attempted until %s.",
		        vstr_str(date));
	}
	put_line(o, "");
	vstr_free(date);
}

/* put_text_part - part 1: explanation and one entry per recipient */
static void
put_text_part(struct out *o, const struct bounce_report *rep,
              const struct bounce_msg *m, const struct bounce_log *log,
              const char *bound)
{
	struct vstr *entry = vstr_alloc(128);

	put_fmt(o, "--%s", bound);
	put_line(o, "Content-Description: Notification");
	put_line(o, "Content-Type: text/plain; charset=utf-8");
	put_line(o, "Content-Transfer-Encoding: 8bit");
	put_line(o, "");
	put_intro(o, rep, m);
	for (size_t i = 0; i < log->count; i++) {
		const struct bounce_rcpt *r = log->rcpt + i;

		if (!wanted(rep, r))
			continue;
		vstr_fmt(entry, "<%s>", r->address);
		if (*r->orig_addr && strcasecmp(r->orig_addr, r->address) != 0)
			vstr_fmt_append(entry, " (expanded from <%s>)",
			                r->orig_addr);
		vstr_fmt_append(entry, ": %s", r->reason);
		put_wrapped(o, vstr_str(entry));
		put_line(o, "");
	}
	vstr_free(entry);
}

/* rcpt_action - the Action: field of one recipient */
static const char *
rcpt_action(const struct bounce_report *rep, const struct bounce_rcpt *r)
{
	if (rep->expired)
		return "failed";
	if (rep->kind == BOUNCE_KIND_DELAY)
		return "delayed";
	if (*r->action)
		return r->action;
	return rep->kind == BOUNCE_KIND_FAILURE ? "failed" : "delivered";
}

/* put_dsn_rcpt - per-recipient fields of one recipient */
static void
put_dsn_rcpt(struct out *o, const struct bounce_report *rep,
             const struct bounce_rcpt *r)
{
	struct vstr *diag = vstr_alloc(128);

	put_line(o, "");
	put_fmt(o, "Final-Recipient: rfc822; %s", r->address);
	if (*r->dsn_orcpt)
		put_fmt(o, "Original-Recipient: %s", r->dsn_orcpt);
	put_fmt(o, "Action: %s", rcpt_action(rep, r));
	put_fmt(o, "Status: %s", *r->status ? r->status : "5.0.0");
	if (*r->mtype && *r->mname)
		put_fmt(o, "Remote-MTA: %s; %s", r->mtype, r->mname);
	if (*r->dtype)
		vstr_fmt(diag, "Diagnostic-Code: %s; %s", r->dtype, r->dtext);
	else
		vstr_fmt(diag, "Diagnostic-Code: X-Postfix; %s", r->reason);
	put_wrapped(o, vstr_str(diag));
	if (rep->kind == BOUNCE_KIND_DELAY && rep->retry_until > 0) {
		bounce_date(diag, (time_t) rep->retry_until);
		put_fmt(o, "Will-Retry-Until: %s", vstr_str(diag));
	}
	vstr_free(diag);
}

/* put_dsn_part - part 2: message/delivery-status */
static size_t
put_dsn_part(struct out *o, const struct bounce_report *rep,
             const struct bounce_msg *m, const struct bounce_log *log,
             const char *bound)
{
	struct vstr *date = vstr_alloc(64);
	size_t n = 0;

	put_fmt(o, "--%s", bound);
	put_line(o, "Content-Description: Delivery report");
	put_line(o, "Content-Type: message/delivery-status");
	put_line(o, "");
	if (m->dsn_envid && *m->dsn_envid)
		put_fmt(o, "Original-Envelope-Id: %s", m->dsn_envid);
	put_fmt(o, "Reporting-MTA: dns; %s", rep->hostname);
	put_fmt(o, "X-Postfix-Queue-ID: %s", m->queue_id);
	put_fmt(o, "X-Postfix-Sender: rfc822; %s", m->sender);
	if (m->arrival.tv_sec > 0) {
		bounce_date(date, m->arrival.tv_sec);
		put_fmt(o, "Arrival-Date: %s", vstr_str(date));
	}
	for (size_t i = 0; i < log->count; i++) {
		if (wanted(rep, log->rcpt + i)) {
			put_dsn_rcpt(o, rep, log->rcpt + i);
			n++;
		}
	}
	put_line(o, "");
	vstr_free(date);
	return n;
}

/* headers_only - whether part 3 carries only the original's headers */
static bool
headers_only(const struct bounce_report *rep, const struct bounce_msg *m)
{
	if (rep->postmaster || rep->kind != BOUNCE_KIND_FAILURE)
		return true;
	if (m->dsn_ret == DSN_RET_HDRS)
		return true;
	return rep->size_limit > 0 && m->size > rep->size_limit;
}

/* copy_original - the original content, records as they are */
static void
copy_original(struct out *o, struct bounce_msg *m, bool hdrs)
{
	struct vstr *buf = vstr_alloc(256);
	bool prev_cont = false;
	int type;

	if (vstream_fseek(m->fp, m->content, SEEK_SET) < 0) {
		msg_warn("%s: seek queue file: %m", m->queue_id);
		vstr_free(buf);
		return;
	}
	while ((type = rec_get(m->fp, buf, ORIG_REC_LIMIT)) == REC_TYPE_NORM ||
	       type == REC_TYPE_CONT) {
		if (hdrs && type == REC_TYPE_NORM && !prev_cont &&
		    vstr_len(buf) == 0)
			break;
		if (rec_put(o->fp, type, vstr_str(buf), vstr_len(buf)) < 0)
			o->err = 1;
		prev_cont = type == REC_TYPE_CONT;
	}
	if (type != REC_TYPE_NORM && type != REC_TYPE_XTRA)
		msg_warn("%s: queue file content ends unexpectedly",
		         m->queue_id);
	if (prev_cont)
		put_line(o, "");
	vstr_free(buf);
}

/* put_original_part - part 3: the original message or its headers */
static void
put_original_part(struct out *o, const struct bounce_report *rep,
                  struct bounce_msg *m, const char *bound)
{
	bool hdrs = headers_only(rep, m);

	put_fmt(o, "--%s", bound);
	if (hdrs) {
		put_line(o, rep->kind == BOUNCE_KIND_FAILURE
		                    ? "Content-Description: Undelivered "
		                      "Message Headers"
		                    : "Content-Description: Message Headers");
		put_line(o, "Content-Type: text/rfc822-headers");
	} else {
		put_fmt(o, "Content-Description: %s",
		        kinds[rep->kind].orig_desc);
		put_line(o, "Content-Type: message/rfc822");
	}
	put_line(o, "Content-Transfer-Encoding: 8bit");
	put_line(o, "");
	put_fmt(o, "Return-Path: <%s>", m->sender);
	copy_original(o, m, hdrs);
	put_line(o, "");
}

/* bounce_report_write - the whole report as content records */
int
bounce_report_write(struct vstream *out, const struct bounce_report *rep,
                    struct bounce_msg *m, const struct bounce_log *log)
{
	struct out o = {out, vstr_alloc(128), 0};
	struct vstr *bound = vstr_alloc(64);
	size_t n;

	boundary(bound, rep, m);
	put_headers(&o, rep, vstr_str(bound));
	put_text_part(&o, rep, m, log, vstr_str(bound));
	n = put_dsn_part(&o, rep, m, log, vstr_str(bound));
	if (m->fp)
		put_original_part(&o, rep, m, vstr_str(bound));
	put_fmt(&o, "--%s--", vstr_str(bound));
	vstr_free(bound);
	vstr_free(o.tmp);
	return o.err ? -1 : (int) n;
}
