/*
 * NAME
 *	sm_enqueue - sendmail -bm and -bv: a message into the maildrop queue
 * DESCRIPTION
 *	See sendmail.h. The message comes from standard input, a line at
 *	a time: lines longer than line_length_limit become continuation
 *	records (REC_TYPE_CONT) plus a final REC_TYPE_NORM, a CR before
 *	the newline is dropped, and unless -i was given a line with only
 *	"." ends the input. Dots are never unstuffed.
 *
 *	With -t the message header is parsed on the way: the addresses of
 *	To:, Cc: and Bcc: become recipients, or, when the message has any
 *	Resent-To:, Resent-Cc: or Resent-Bcc: header, the addresses of
 *	those only. They go after the content (maildrop.h "extracted"),
 *	in addition to any command-line recipients. cleanup(8) removes
 *	the Bcc: header and adds missing From:, Date: and Message-ID:.
 *	A recipient header longer than header_size_limit fails the
 *	message ("message header length exceeds safety limit").
 *
 *	sendmail -bv submits a probe without reading standard input: the
 *	header "From: sender", "Subject: probe" and "To:" with the
 *	recipients, with trace_flags asking for a report instead of a
 *	delivery.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "mail_params.h"
#include "rec.h"
#include "sendmail.h"

/* What -t collects while the header goes by. */
struct sm_hdr {
	bool in_header;
	bool resent_seen;
	bool overflow;
	struct vstr *cur; /* the logical header being read */
	struct argv *to;
	struct argv *resent;
};

/* is_header - "name:" with a printable name */
static bool
is_header(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] > ' ' && s[i] < 127 && s[i] != ':')
		i++;
	if (i == 0)
		return false;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < len && s[i] == ':';
}

/* hdr_list - the list a header's addresses go to, or NULL */
static struct argv *
hdr_list(struct sm_hdr *h, const char *name, size_t len)
{
	static const char *const plain[] = {"to", "cc", "bcc"};
	bool resent = len > 7 && strncasecmp(name, "resent-", 7) == 0;

	if (resent) {
		name += 7;
		len -= 7;
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (strlen(plain[i]) == len &&
		    strncasecmp(name, plain[i], len) == 0) {
			if (resent)
				h->resent_seen = true;
			return resent ? h->resent : h->to;
		}
	}
	return NULL;
}

/* hdr_done - a complete logical header: take its recipients */
static void
hdr_done(struct sm_hdr *h, const struct sm_opts *o)
{
	char *s = vstr_str(h->cur), *colon = strchr(s, ':');
	size_t n = colon ? (size_t) (colon - s) : 0;
	struct argv *list;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (colon != NULL && (list = hdr_list(h, s, n)) != NULL) {
		if (h->overflow)
			SM_FATAL("%s(%ld): unable to extract recipients: "
			         "message "
			         "header length exceeds safety limit",
			         o->user, o->uid);
		for (char *p = colon; *p; p++)
			if (*p == '\n')
				*p = ' ';
		(void) addr_list_extract(colon + 1, list);
	}
	vstr_reset(h->cur);
	h->overflow = false;
}

/* hdr_piece - one content record while the header lasts */
static void
hdr_piece(struct sm_hdr *h, const struct sm_opts *o, const char *s, size_t len,
          bool line_start)
{
	if (!h->in_header)
		return;
	if (line_start) {
		if (len > 0 && (s[0] == ' ' || s[0] == '\t') &&
		    vstr_len(h->cur) > 0) {
			vstr_addch(h->cur, '\n');
		} else {
			if (vstr_len(h->cur) > 0)
				hdr_done(h, o);
			if (len == 0 || !is_header(s, len)) {
				h->in_header = false;
				return;
			}
		}
	}
	if (vstr_len(h->cur) + len > (size_t) var_header_size_limit)
		h->overflow = true;
	else
		vstr_cat_mem(h->cur, s, len);
}

/* copy_message - standard input to content records */
static void
copy_message(struct sm_drop *d, const struct sm_opts *o, struct sm_hdr *h)
{
	struct vstream *in = vstream_fdopen(0, VSTREAM_FLAG_NONE);
	struct vstr *buf = vstr_alloc(1024);
	size_t limit = (size_t) var_line_length_limit, len;
	bool line_start = true, complete;
	int ch;

	while ((ch = vstream_get_line(in, buf, limit)) != VSTREAM_EOF) {
		const char *s = vstr_str(buf);

		len = vstr_len(buf);
		complete = ch == '\n' || len < limit;
		if (ch == '\n' && --len > 0 && s[len - 1] == '\r')
			len--;
		if (line_start && complete && o->dot_ends && len == 1 &&
		    s[0] == '.')
			break;
		if (h != NULL)
			hdr_piece(h, o, s, len, line_start);
		sm_drop_line(d, complete ? REC_TYPE_NORM : REC_TYPE_CONT, s,
		             len);
		line_start = complete;
	}
	if (vstream_ferror(in))
		SM_FATAL("%s(%ld): error reading input: %m", o->user, o->uid);
	if (h != NULL && h->in_header && vstr_len(h->cur) > 0)
		hdr_done(h, o);
	vstream_free(in);
	vstr_free(buf);
}

/* finish - postdrop's verdict, the -v/-bv notice */
static void
finish(struct sm_drop *d, const struct sm_opts *o, const struct argv *xtra)
{
	struct vstr *why = vstr_alloc(100);

	sm_drop_finish(d, o, xtra);
	if (sm_drop_close(d, why) < 0)
		msg_warn("%s", vstr_str(why));
	if (o->trace) {
		printf("Mail Delivery Status Report will be mailed to <%s>.\n",
		       o->sender);
		(void) fflush(stdout);
	}
	vstr_free(d->queue_id);
	vstr_free(why);
}

/* sm_enqueue - sendmail -bm */
void
sm_enqueue(const struct sm_opts *o)
{
	struct sm_drop d;
	struct sm_hdr h = {.in_header = true};
	struct argv *xtra;

	if (!o->extract && o->rcpts->argc == 0)
		SM_FATAL(
		        "%s(%ld): Recipient addresses must be specified on the "
		        "command line or via the -t option",
		        o->user, o->uid);
	h.cur = vstr_alloc(256);
	h.to = argv_alloc(4);
	h.resent = argv_alloc(4);
	sm_drop_open(&d, o);
	sm_drop_envelope(&d, o, o->rcpts);
	copy_message(&d, o, o->extract ? &h : NULL);
	xtra = argv_alloc(4);
	for (size_t i = 0;
	     o->extract && i < (h.resent_seen ? h.resent : h.to)->argc; i++) {
		const char *a = (h.resent_seen ? h.resent : h.to)->argv[i];

		if (*a)
			argv_add(xtra, a);
	}
	if (o->extract && xtra->argc == 0 && o->rcpts->argc == 0)
		SM_FATAL("%s(%ld): No recipient addresses found in message "
		         "header",
		         o->user, o->uid);
	finish(&d, o, xtra);
	argv_free(xtra);
	argv_free(h.to);
	argv_free(h.resent);
	vstr_free(h.cur);
}

/* sm_verify - sendmail -bv: a probe, no content from standard input */
void
sm_verify(const struct sm_opts *o)
{
	struct sm_drop d;
	struct vstr *line = vstr_alloc(100);

	if (o->rcpts->argc == 0)
		SM_FATAL(
		        "%s(%ld): Recipient addresses must be specified on the "
		        "command line or via the -t option",
		        o->user, o->uid);
	sm_drop_open(&d, o);
	sm_drop_envelope(&d, o, o->rcpts);
	vstr_fmt(line, "From: %s", o->sender);
	sm_drop_line(&d, REC_TYPE_NORM, vstr_str(line), vstr_len(line));
	sm_drop_line(&d, REC_TYPE_NORM, "Subject: probe", 14);
	sm_drop_line(&d, REC_TYPE_CONT, "To:", 3);
	for (size_t i = 0; i < o->rcpts->argc; i++) {
		vstr_fmt(line, "\t%s%s", o->rcpts->argv[i],
		         i + 1 < o->rcpts->argc ? "," : "");
		sm_drop_line(&d, REC_TYPE_NORM, vstr_str(line), vstr_len(line));
	}
	finish(&d, o, NULL);
	vstr_free(line);
}
