/*
 * cleanup_message - the message content: logical headers, header checks,
 * header address rewriting, the missing headers, and just enough MIME to
 * tell primary headers, multipart part headers, attached message headers
 * and body text apart
 *
 * Records arrive as REC_TYPE_NORM (a line, or the last piece of one) and
 * REC_TYPE_CONT (a piece of a long line). Header lines are collected into
 * one logical header (continuation lines joined with "\n", at most
 * header_size_limit bytes; the rest is dropped); body records go straight
 * through, one record at a time.
 */
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "argv.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "maps.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"
#include "stringops.h"
#include "vstr.h"
#include "vstream.h"

#include "cleanup.h"

#define SEEN(s, t) (((s)->seen & (1UL << (t))) != 0)

/* hdr_append - add to the logical header, up to header_size_limit */
static void
hdr_append(struct cleanup_state *state, const char *p, size_t len)
{
	size_t have = vstr_len(state->hdr);
	size_t limit = (size_t) var_header_size_limit;
	size_t room = limit > have ? limit - have : 0;

	if (state->hdr_trunc)
		return;
	if (len > room) {
		len = room;
		state->hdr_trunc = true;
	}
	vstr_cat_mem(state->hdr, p, len);
}

/* note_ctype - remember the Content-Type of the current header block */
static void
note_ctype(struct cleanup_state *state, const char *value)
{
	state->part_ctype = cleanup_ctype_parse(value, state->temp1);
	xfree(state->part_boundary);
	state->part_boundary = NULL;
	if (state->part_ctype == CTYPE_MULTIPART &&
	    vstr_len(state->temp1) > 0 &&
	    vstr_len(state->temp1) <= (size_t) var_mime_boundary_length_limit)
		state->part_boundary = xstrdup(vstr_str(state->temp1));
}

/* log_message_id - "ID: message-id=<...>" with the header's value */
static void
log_message_id(struct cleanup_state *state, const char *label,
               const char *value)
{
	char *copy = xstrdup(value);

	for (char *cp = copy; *cp; cp++)
		if (*cp == '\n' || *cp == '\t')
			*cp = ' ';
	msg_info("%s: %s=%s", vstr_str(state->queue_id), label,
	         printable(trim_space(copy), '?'));
	xfree(copy);
}

/* rewrite_header - an address header with its addresses rewritten */
static void
rewrite_header(struct cleanup_state *state, int flags, const char *text,
               size_t prefix)
{
	cleanup_addr_header(state, flags, text + prefix, state->temp1);
	vstr_mem(state->temp2, text, prefix);
	vstr_cat_mem(state->temp2, vstr_str(state->temp1),
	             vstr_len(state->temp1));
	cleanup_out_header(state, vstr_str(state->temp2),
	                   vstr_len(state->temp2));
}

/* primary_header - one header of the message itself */
static void
primary_header(struct cleanup_state *state, const struct hdr_opts *opts,
               const char *text, size_t len, size_t prefix)
{
	size_t name_len = cleanup_hdr_name(text, len, NULL);

	if (opts != NULL) {
		state->seen |= 1UL << opts->type;
		if (opts->flags & HDR_OPT_RR)
			state->resent = true;
		switch (opts->type) {
		case HDR_RECEIVED:
			if (++state->hop_count >= var_hopcount_limit &&
			    (state->errs & CLEANUP_STAT_HOPS) == 0) {
				msg_warn("%s: message rejected: hopcount "
				         "exceeded",
				         vstr_str(state->queue_id));
				state->errs |= CLEANUP_STAT_HOPS;
			}
			break;
		case HDR_MESSAGE_ID:
			log_message_id(state, "message-id", text + prefix);
			break;
		case HDR_RESENT_MESSAGE_ID:
			log_message_id(state, "resent-message-id",
			               text + prefix);
			break;
		case HDR_CONTENT_TYPE:
			note_ctype(state, text + prefix);
			break;
		default:
			break;
		}
	}
	/* message_drop_headers: Bcc, Return-Path (delivery adds its own). */
	if (cleanup_name_listed(cleanup_config.drop_headers, text, name_len))
		return;
	if (opts != NULL) {
		if ((opts->flags & (HDR_OPT_SENDER | HDR_OPT_RECIP)) &&
		    state->hdr_context != NULL) {
			rewrite_header(state, opts->flags, text, prefix);
			return;
		}
	}
	cleanup_out_header(state, text, len);
}

/* checks_for - the table list for a header in the current part */
static struct maps *
checks_for(const struct cleanup_state *state, const struct hdr_opts *opts)
{
	bool mime = opts != NULL && (opts->flags & HDR_OPT_MIME);

	if ((state->flags & CLEANUP_FLAG_FILTER) == 0 || state->checks_off)
		return NULL;
	switch (state->part) {
	case PART_PRIMARY:
		return mime ? cleanup_config.mime_checks
		            : cleanup_config.header_checks;
	case PART_MIME:
		return cleanup_config.mime_checks;
	case PART_NESTED:
		return mime ? cleanup_config.mime_checks
		            : cleanup_config.nested_checks;
	default:
		return NULL;
	}
}

/* header_flush - the logical header is complete: check, rewrite, write */
static void
header_flush(struct cleanup_state *state)
{
	const char *text = vstr_str(state->hdr);
	size_t len = vstr_len(state->hdr), prefix = 0;
	size_t name_len = cleanup_hdr_name(text, len, &prefix);
	const struct hdr_opts *opts = cleanup_hdr_find(text, name_len);
	struct maps *maps = checks_for(state, opts);

	state->hdr_pending = false;
	if (maps != NULL) {
		switch (cleanup_check(state, maps, "header", text,
		                      state->temp3)) {
		case CHECK_DROP:
			return;
		case CHECK_REPLACED:
			text = vstr_str(state->temp3);
			len = vstr_len(state->temp3);
			name_len = cleanup_hdr_name(text, len, &prefix);
			opts = cleanup_hdr_find(text, name_len);
			break;
		case CHECK_KEEP:
			break;
		}
	}
	if (state->part == PART_PRIMARY) {
		primary_header(state, opts, text, len, prefix);
		return;
	}
	if (opts != NULL && opts->type == HDR_CONTENT_TYPE)
		note_ctype(state, text + prefix);
	cleanup_out_header(state, text, len);
}

/* add_from - the missing From: header, from the envelope sender */
static void
add_from(struct cleanup_state *state, const char *resent)
{
	bool null = state->sender == NULL || *state->sender == 0;

	addr_quote_local(null ? "MAILER-DAEMON" : state->sender, state->temp1);
	if (null || state->fullname == NULL || *state->fullname == 0) {
		cleanup_out_format(state, REC_TYPE_NORM, "%sFrom: %s", resent,
		                   vstr_str(state->temp1));
	} else if (strcasecmp(var_header_from_format, "obsolete") == 0) {
		cleanup_out_format(state, REC_TYPE_NORM, "%sFrom: %s (%s)",
		                   resent, vstr_str(state->temp1),
		                   state->fullname);
	} else {
		cleanup_phrase_fmt(state->temp3, state->fullname);
		cleanup_out_format(state, REC_TYPE_NORM, "%sFrom: %s <%s>",
		                   resent, vstr_str(state->temp3),
		                   vstr_str(state->temp1));
	}
}

/* add_message_id - the missing Message-Id: header, logged */
static void
add_message_id(struct cleanup_state *state, const char *resent)
{
	cleanup_msgid_fmt(state->temp1, state->arrival.tv_sec,
	                  vstr_str(state->queue_id), var_myhostname,
	                  var_enable_long_queue_ids);
	cleanup_out_format(state, REC_TYPE_NORM, "%sMessage-Id: <%s>", resent,
	                   vstr_str(state->temp1));
	msg_info("%s: %smessage-id=<%s>", vstr_str(state->queue_id),
	         *resent ? "resent-" : "", vstr_str(state->temp1));
}

/*
 * header_done - the primary headers are complete: add what is missing.
 * Only for clients in the local rewrite context (or always, with
 * always_add_missing_headers), so that signed mail from outside stays as
 * it was sent. With Resent- headers, the Resent- variants count.
 */
static void
header_done(struct cleanup_state *state)
{
	bool add = state->hdr_context != NULL || var_always_add_missing_headers;
	const char *resent = state->resent ? "Resent-" : "";
	int msgid = state->resent ? HDR_RESENT_MESSAGE_ID : HDR_MESSAGE_ID;
	int date = state->resent ? HDR_RESENT_DATE : HDR_DATE;
	int from = state->resent ? HDR_RESENT_FROM : HDR_FROM;

	state->primary_done = true;
	if (add && !SEEN(state, msgid))
		add_message_id(state, resent);
	else if (!SEEN(state, msgid))
		msg_info("%s: message-id=<>", vstr_str(state->queue_id));
	if (add && !SEEN(state, date)) {
		cleanup_date_fmt(state->temp1, state->arrival.tv_sec);
		cleanup_out_format(state, REC_TYPE_NORM, "%sDate: %s", resent,
		                   vstr_str(state->temp1));
	}
	if (add && !SEEN(state, from))
		add_from(state, resent);
	if (add && *var_undisclosed_recipients_header && !SEEN(state, HDR_TO) &&
	    !SEEN(state, HDR_CC) && !SEEN(state, HDR_RESENT_TO) &&
	    !SEEN(state, HDR_RESENT_CC))
		cleanup_out_header(state, var_undisclosed_recipients_header,
		                   strlen(var_undisclosed_recipients_header));
}

/* headers_end - a header block ended: what comes next */
static void
headers_end(struct cleanup_state *state)
{
	enum cleanup_part next = PART_BODY;

	if (state->part == PART_PRIMARY)
		header_done(state);
	if (state->part_ctype == CTYPE_MULTIPART && state->part_boundary &&
	    state->boundaries->argc < (size_t) var_mime_nesting_limit)
		argv_add(state->boundaries, state->part_boundary);
	if (state->part_ctype == CTYPE_MESSAGE && state->part != PART_NESTED)
		next = PART_NESTED;
	state->part = next;
	state->part_ctype = CTYPE_OTHER;
	state->part_boundary = xfree(state->part_boundary);
	state->body_checked = 0;
}

/*
 * boundary_line - a "--boundary" or "--boundary--" line of an open
 * multipart: close the inner levels, and start a part (its headers come
 * next) or end the multipart
 */
static bool
boundary_line(struct cleanup_state *state, const char *buf, size_t len)
{
	struct argv *b = state->boundaries;

	for (size_t i = b->argc; i-- > 0;) {
		size_t blen = strlen(b->argv[i]);
		bool closing;

		if (len - 2 < blen || memcmp(buf + 2, b->argv[i], blen) != 0)
			continue;
		closing = len - 2 >= blen + 2 && buf[2 + blen] == '-' &&
		          buf[3 + blen] == '-';
		argv_delete(b, i + 1, b->argc - i - 1);
		if (closing)
			argv_delete(b, i, 1);
		state->part = closing ? PART_BODY : PART_MIME;
		state->part_ctype = CTYPE_OTHER;
		state->body_checked = 0;
		return true;
	}
	return false;
}

/* body_line - a body record: boundaries, body_checks, output */
static void
body_line(struct cleanup_state *state, int type, const char *buf, size_t len,
          bool line_start)
{
	struct maps *maps = cleanup_config.body_checks;

	if (line_start && state->boundaries->argc > 0 && len >= 2 &&
	    buf[0] == '-' && buf[1] == '-' && boundary_line(state, buf, len)) {
		cleanup_out_text(state, type, buf, len);
		return;
	}
	if (maps != NULL && (state->flags & CLEANUP_FLAG_FILTER) &&
	    !state->checks_off &&
	    state->body_checked < var_body_checks_size_limit) {
		state->body_checked += (long) len;
		switch (cleanup_check(state, maps, "body", buf, state->temp3)) {
		case CHECK_DROP:
			return;
		case CHECK_REPLACED:
			buf = vstr_str(state->temp3);
			len = vstr_len(state->temp3);
			break;
		case CHECK_KEEP:
			break;
		}
	}
	cleanup_out_text(state, type, buf, len);
}

/* header_line - a record while a header block is open */
static void
header_line(struct cleanup_state *state, int type, const char *buf, size_t len,
            bool line_start)
{
	if (!line_start) {
		if (state->hdr_pending)
			hdr_append(state, buf, len);
		return;
	}
	if (state->hdr_pending && len > 0 &&
	    (buf[0] == ' ' || buf[0] == '\t')) {
		hdr_append(state, "\n", 1);
		hdr_append(state, buf, len);
		return;
	}
	if (state->hdr_pending)
		header_flush(state);
	if (len > 0 && cleanup_hdr_name(buf, len, NULL) > 0) {
		vstr_reset(state->hdr);
		state->hdr_trunc = false;
		state->hdr_pending = true;
		hdr_append(state, buf, len);
		return;
	}
	headers_end(state);
	if (len == 0) {
		cleanup_out_text(state, type, buf, len);
		return;
	}
	state->part = PART_BODY;
	body_line(state, type, buf, len, true);
}

/* cleanup_message - one content record */
void
cleanup_message(struct cleanup_state *state, int type, const char *buf,
                size_t len)
{
	bool line_start = !state->prev_cont;

	if (type != REC_TYPE_NORM && type != REC_TYPE_CONT) {
		msg_warn("%s: unexpected record type %d in message content",
		         vstr_str(state->queue_id), type);
		state->errs |= CLEANUP_STAT_BAD;
		return;
	}
	state->prev_cont = (type == REC_TYPE_CONT);
	if (state->part == PART_BODY)
		body_line(state, type, buf, len, line_start);
	else
		header_line(state, type, buf, len, line_start);
}

/* cleanup_message_end - REC_TYPE_XTRA: finish headers, mark the end */
void
cleanup_message_end(struct cleanup_state *state)
{
	if (state->hdr_pending)
		header_flush(state);
	if (state->part != PART_BODY)
		headers_end(state);
	if (!state->primary_done)
		header_done(state);
	if (CLEANUP_OUT_OK(state))
		state->xtra_offset = vstream_ftell(state->dst);
	cleanup_out(state, REC_TYPE_XTRA, "", 0);
	state->where = WHERE_EXTRACTED;
}
