/*
 * NAME
 *	smtpd_received - the Received: header that smtpd puts first
 * SUMMARY
 *	void smtpd_received_lines(const struct smtpd_received *r,
 *	    struct argv *lines);
 *	void smtpd_mail_date(struct vstr *out, time_t when);
 * DESCRIPTION
 *	smtpd_received_lines() appends the header, one physical line per
 *	element (continuations start with a tab), in Postfix's layout:
 *
 *	  Received: from HELO (NAME [ADDR])
 *	  	by MYHOSTNAME (MAIL_NAME) with PROTOCOL id QUEUEID
 *	  	for <RCPT>; DATE
 *
 *	With no single recipient the "for" clause is left out and the
 *	date moves to a line of its own after "id QUEUEID;". Without a
 *	HELO name the client name stands in for it. The recipient is
 *	quoted as RFC 5321 wants (addr_quote_local()).
 *
 *	smtpd_mail_date() formats a time as RFC 5322 wants it, in local
 *	time, the way Postfix writes it: "Sun,  2 Nov 2025 08:09:10 +0100
 *	(CET)" (the day of the month padded with a space).
 */
#include <stdlib.h>
#include <time.h>

#include "addr.h"
#include "smtpd_int.h"

/* smtpd_mail_date - RFC 5322 date-time in local time */
void
smtpd_mail_date(struct vstr *out, time_t when)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed",
	                                "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr",
	                                   "May", "Jun", "Jul", "Aug",
	                                   "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	long off;

	localtime_r(&when, &tm);
	off = tm.tm_gmtoff / 60;
	vstr_fmt(out, "%s, %2d %s %d %02d:%02d:%02d %c%02ld%02ld",
	         days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	         tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	         off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	if (tm.tm_zone != NULL && *tm.tm_zone != 0)
		vstr_fmt_append(out, " (%s)", tm.tm_zone);
}

/* smtpd_received_lines - our Received: header, line by line */
void
smtpd_received_lines(const struct smtpd_received *r, struct argv *lines)
{
	struct vstr *buf = vstr_alloc(200);
	struct vstr *date = vstr_alloc(40);
	struct vstr *rcpt = vstr_alloc(100);

	smtpd_mail_date(date, r->when);
	vstr_fmt(buf, "Received: from %s (%s [%s])",
	         r->helo ? r->helo : r->name, r->name, r->rfc_addr);
	argv_add(lines, vstr_str(buf));
	vstr_fmt(buf, "\tby %s (%s) with %s id %s", r->myhost, r->mail_name,
	         r->protocol, r->queue_id);
	if (r->rcpt != NULL) {
		argv_add(lines, vstr_str(buf));
		addr_quote_local(r->rcpt, rcpt);
		vstr_fmt(buf, "\tfor <%s>; %s", vstr_str(rcpt), vstr_str(date));
		argv_add(lines, vstr_str(buf));
	} else {
		vstr_cat(buf, ";");
		argv_add(lines, vstr_str(buf));
		vstr_fmt(buf, "\t%s", vstr_str(date));
		argv_add(lines, vstr_str(buf));
	}
	vstr_free(buf);
	vstr_free(date);
	vstr_free(rcpt);
}
