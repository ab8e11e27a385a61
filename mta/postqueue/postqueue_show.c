/*
 * postqueue_show - format a showq(8) listing as mailq text or JSON
 *
 * The mailq columns follow Postfix: with short queue IDs the ID and its
 * status marks ('*' active, '!' hold, then '#' forced to expire) take
 * 11 columns, the size 7 and the
 * arrival time 20 (ctime without the year's last characters); long IDs
 * take 17, 8 and 19. Recipients are indented to the sender column; a
 * "(reason)" line, right-aligned to column 78 when it fits, precedes the
 * first recipient of each run of recipients with the same reason.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "attr.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "postqueue.h"
#include "showq_proto.h"
#include "stringops.h"
#include "vstr.h"

/* Longest attribute line we accept from showq. */
#define PQ_LINE_LIMIT (1024 * 1024)

#define S_HEAD_FMT "%-11s %7s %-20s %s\n"
#define S_SENDER_FMT "%-11s %7ld %20.20s %s\n"
#define L_HEAD_FMT "%-17s %8s %-19s %s\n"
#define L_SENDER_FMT "%-17s %8ld %19.19s %s\n"
#define REASON_COLUMN 76

/* One message header from showq. */
struct pq_msg {
	char *queue; /* these three are copies: the list is reused */
	char *id;
	char *sender;
	long time;
	long size;
	bool forced_expire;
};

/* malformed - showq said something we cannot parse */
static void
malformed(void)
{
	msg_fatal_status(EX_SOFTWARE, "malformed showq server response");
}

/* out_flush - write what we have; a reader that left ends us quietly */
static void
out_flush(struct vstream *out)
{
	if (vstream_fflush(out) == 0 && !vstream_ferror(out))
		return;
	if (errno == EPIPE)
		exit(0);
	msg_fatal_status(EX_UNAVAILABLE, "output write error: %m");
}

/* read_list - the next list from showq: its attribute count */
static int
read_list(struct vstream *showq, struct attr_list *l)
{
	int n = attr_list_read(showq, l, PQ_LINE_LIMIT);

	if (n < 0)
		malformed();
	return n;
}

/* get_msg - the message attributes of list l */
static void
get_msg(const struct attr_list *l, struct pq_msg *m)
{
	const char *t = attr_list_get(l, MAIL_ATTR_TIME);
	const char *s = attr_list_get(l, MAIL_ATTR_SIZE);
	const char *queue = attr_list_get(l, MAIL_ATTR_QUEUE);
	const char *id = attr_list_get(l, MAIL_ATTR_QUEUEID);
	const char *sender = attr_list_get(l, MAIL_ATTR_SENDER);

	if (queue == NULL || id == NULL || sender == NULL || t == NULL ||
	    s == NULL || !alldig(t) || !alldig(s))
		malformed();
	m->queue = xstrdup(queue);
	m->id = xstrdup(id);
	m->sender = xstrdup(sender);
	m->time = attr_list_get_long(l, MAIL_ATTR_TIME, 0);
	m->size = attr_list_get_long(l, MAIL_ATTR_SIZE, 0);
	m->forced_expire = attr_list_get_long(l, MAIL_ATTR_FORCED_EXPIRE, 0);
}

/* free_msg - release the copies of get_msg() */
static void
free_msg(struct pq_msg *m)
{
	xfree(m->queue);
	xfree(m->id);
	xfree(m->sender);
}

/* get_rcpt - the recipient and reason of list l */
static void
get_rcpt(const struct attr_list *l, const char **addr, const char **why)
{
	*addr = attr_list_get(l, MAIL_ATTR_RECIP);
	*why = attr_list_get(l, MAIL_ATTR_WHY);
	if (*addr == NULL || *why == NULL)
		malformed();
}

/* arrival_text - ctime-style text of a time ("Sun Nov 22 02:53:31 2026") */
static const char *
arrival_text(long when, struct vstr *buf)
{
	time_t t = (time_t) when;
	struct tm *tm = localtime(&t);
	char text[64];

	if (tm == NULL ||
	    strftime(text, sizeof(text), "%a %b %e %H:%M:%S %Y", tm) == 0)
		vstr_cpy(buf, "?");
	else
		vstr_cpy(buf, text);
	return vstr_str(buf);
}

/* safe - a printable copy of untrusted text, in buf */
static const char *
safe(const char *text, struct vstr *buf)
{
	vstr_cpy(buf, text);
	return printable(vstr_str(buf), '?');
}

/* mailq_reason - "(reason)" when it differs from the one before */
static void
mailq_reason(struct vstream *out, struct vstr *last, const char *why,
             struct vstr *buf)
{
	const char *show;
	size_t len;

	if (strcmp(vstr_str(last), why) == 0)
		return;
	vstr_cpy(last, why);
	show = *why ? safe(why, buf) : "reason unavailable";
	len = strlen(show);
	vstream_printf(out, "%*s(%s)\n",
	               len < REASON_COLUMN ? (int) (REASON_COLUMN - len) : 0,
	               "", show);
}

/* mailq_message - one message of the mailq report; returns its size */
static long
mailq_message(struct vstream *showq, struct vstream *out,
              const struct pq_msg *m, struct attr_list *l)
{
	struct vstr *id = vstr_alloc(32), *when = vstr_alloc(32);
	struct vstr *last = vstr_alloc(64), *buf = vstr_alloc(64);
	bool lng = var_enable_long_queue_ids;
	const char *addr, *why;
	/* Only active and held messages are marked: no space otherwise. */
	const char *mark = strcmp(m->queue, MAIL_QUEUE_ACTIVE) == 0 ? "*"
	                   : strcmp(m->queue, MAIL_QUEUE_HOLD) == 0 ? "!"
	                                                            : "";

	/* A message whose expiry was forced gets a '#' as well. */
	vstr_fmt(id, "%s%s%s", m->id, mark, m->forced_expire ? "#" : "");
	printable(vstr_str(id), '?');
	vstream_printf(out, lng ? L_SENDER_FMT : S_SENDER_FMT, vstr_str(id),
	               m->size, arrival_text(m->time, when),
	               safe(m->sender, buf));
	while (read_list(showq, l) > 0) {
		get_rcpt(l, &addr, &why);
		mailq_reason(out, last, why, buf);
		vstream_printf(out, lng ? L_HEAD_FMT : S_HEAD_FMT, "", "", "",
		               safe(addr, buf));
	}
	vstr_free(id);
	vstr_free(when);
	vstr_free(last);
	vstr_free(buf);
	return m->size;
}

/* show_mailq - the sendmail-style report */
static void
show_mailq(struct vstream *showq, struct vstream *out, struct attr_list *l)
{
	unsigned long count = 0, total = 0;
	struct pq_msg m;

	while (read_list(showq, l) > 0) {
		if (count > 0)
			vstream_puts(out, "\n");
		else if (var_enable_long_queue_ids)
			vstream_printf(out, L_HEAD_FMT, "----Queue ID-----",
			               "--Size--", "---Arrival Time----",
			               "--Sender/Recipient------");
		else
			vstream_printf(out, S_HEAD_FMT, "-Queue ID-",
			               "--Size--", "----Arrival Time----",
			               "-Sender/Recipient-------");
		get_msg(l, &m);
		total += (unsigned long) mailq_message(showq, out, &m, l);
		free_msg(&m);
		count++;
		out_flush(out);
	}
	if (count == 0)
		vstream_puts(out, "Mail queue is empty\n");
	else
		vstream_printf(out, "\n-- %lu Kbytes in %lu Request%s.\n",
		               total / 1024, count, count == 1 ? "" : "s");
	out_flush(out);
}

/* json_quote - text as the inside of a JSON string, into buf */
static const char *
json_quote(const char *text, struct vstr *buf)
{
	struct vstr *in = vstr_alloc(64);

	/* As Postfix: non-printable bytes become '?' before quoting; the
	 * escapes below are a second line of defence. */
	vstr_cpy(in, text);
	printable(vstr_str(in), '?');
	vstr_reset(buf);
	for (const unsigned char *cp = (const unsigned char *) vstr_str(in);
	     *cp; cp++) {
		switch (*cp) {
		case '\b':
			vstr_cat(buf, "\\b");
			break;
		case '\f':
			vstr_cat(buf, "\\f");
			break;
		case '\n':
			vstr_cat(buf, "\\n");
			break;
		case '\r':
			vstr_cat(buf, "\\r");
			break;
		case '\t':
			vstr_cat(buf, "\\t");
			break;
		case '"':
		case '\\':
			vstr_addch(buf, '\\');
			vstr_addch(buf, *cp);
			break;
		default:
			if (*cp < 0x20 || *cp == 0x7f)
				vstr_fmt_append(buf, "\\u%04X", *cp);
			else
				vstr_addch(buf, *cp);
		}
	}
	vstr_free(in);
	return vstr_str(buf);
}

/* json_message - one message as one line of JSON */
static void
json_message(struct vstream *showq, struct vstream *out, const struct pq_msg *m,
             struct attr_list *l)
{
	struct vstr *q = vstr_alloc(64);
	const char *addr, *why;
	int n = 0;

	vstream_printf(out, "{\"queue_name\": \"%s\", ",
	               json_quote(m->queue, q));
	vstream_printf(out, "\"queue_id\": \"%s\", ", json_quote(m->id, q));
	vstream_printf(out, "\"arrival_time\": %ld, ", m->time);
	vstream_printf(out, "\"message_size\": %ld, ", m->size);
	vstream_printf(out, "\"forced_expire\": %s, ",
	               m->forced_expire ? "true" : "false");
	vstream_printf(out, "\"sender\": \"%s\", ", json_quote(m->sender, q));
	vstream_puts(out, "\"recipients\": [");
	while (read_list(showq, l) > 0) {
		get_rcpt(l, &addr, &why);
		vstream_printf(out, "%s{\"address\": \"%s\"", n++ ? ", " : "",
		               json_quote(addr, q));
		if (*why)
			vstream_printf(out, ", \"delay_reason\": \"%s\"",
			               json_quote(why, q));
		vstream_puts(out, "}");
	}
	vstream_puts(out, "]}\n");
	vstr_free(q);
}

/* show_json - one JSON object per message */
static void
show_json(struct vstream *showq, struct vstream *out, struct attr_list *l)
{
	struct pq_msg m;

	while (read_list(showq, l) > 0) {
		get_msg(l, &m);
		json_message(showq, out, &m, l);
		free_msg(&m);
		out_flush(out);
	}
	out_flush(out);
}

/* pq_show - see postqueue.h */
void
pq_show(struct vstream *showq, enum pq_format format)
{
	struct vstream *out = vstream_fdopen(1, VSTREAM_FLAG_NONE);
	struct attr_list *l = attr_list_alloc();
	const char *proto;

	if (read_list(showq, l) <= 0 ||
	    (proto = attr_list_get(l, MAIL_ATTR_PROTO)) == NULL ||
	    strcmp(proto, SHOWQ_PROTOCOL) != 0)
		malformed();
	if (format == PQ_FORMAT_JSON)
		show_json(showq, out, l);
	else
		show_mailq(showq, out, l);
	attr_list_free(l);
	vstream_free(out);
}
