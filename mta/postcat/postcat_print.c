/*
 * NAME
 *	postcat_print - print one queue file the way Postfix's postcat does
 * DESCRIPTION
 *	The file is read record by record (rec.h) through a small state
 *	machine: envelope, message content (after REC_TYPE_MESG), extracted
 *	envelope (after REC_TYPE_XTRA), end (REC_TYPE_END). With -e the
 *	section markers and envelope records are printed; -h and -b select
 *	the header and body part of the content. Without -e the content is
 *	reached by seeking to the data offset of the size record, and when
 *	the content is not wanted it is skipped by seeking past it, as
 *	Postfix does.
 *
 *	Header or body, as Postfix decides it: -h prints until the first
 *	record that starts a line and looks like neither a header ("name:")
 *	nor a folded line (white space first); the pieces of a line split
 *	over REC_TYPE_CONT records stay with it, except with -o or -v where
 *	every record is a line of output. -b prints from the first
 *	record, piece or not, that looks like neither. Other records inside
 *	the content are printed only while a wanted part is being printed.
 *
 *	Standard output is flushed after each printed record and marker
 *	(not after the first "ENVELOPE RECORDS" line, and not on a fatal
 *	error), so that warnings on standard error come out where
 *	Postfix's do.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "postcat.h"
#include "rec.h"
#include "stringops.h"

/* Record types that Postfix has and our rec.h does not name. */
#define PC_TYPE_INSP 'I'  /* content inspector */
#define PC_TYPE_PFILT 'L' /* Postfix content filter, or long text */
#define PC_TYPE_DRCP '/'  /* canceled recipient */
#define PC_TYPE_KILL 'K'  /* killed record */
#define PC_TYPE_VERP 'V'  /* VERP delimiters */
#define PC_TYPE_RRTO 'r'  /* return-receipt-to */
#define PC_TYPE_ERTO 'e'  /* errors-to */
#define PC_TYPE_PRIO 'P'  /* priority */
#define PC_TYPE_PTR 'p'   /* pointer to another offset */
#define PC_TYPE_DTXT 'w'  /* padding */
#define PC_TYPE_POSTFIX_CTIME 'c'

/* A file must start with one of these (Postfix's envelope types). */
static const char pc_first_types[] = "CTcFILSDRO/WAK<ion>VM";

/* The attribute that Postfix prints as a time. */
#define PC_ATTR_CREATE_TIME "create_time"

enum pc_section { PC_ENV, PC_CONTENT, PC_EXTRACT };

struct pc_state {
	const struct postcat_opts *o;
	struct vstream *in;
	struct vstream *out;
	const char *name;
	struct vstr *buf;
	struct vstr *tmp; /* printable copies for warnings */
	enum pc_section section;
	bool saw_size;
	long data_size;
	long data_offset;
	bool hdr_active;  /* -h: no line that is not a header yet */
	bool body_active; /* -b: a record that is not a header was seen */
	bool skipped;     /* -eh: the body was skipped already */
	long seeks;       /* pointer records followed, parts skipped */
	int prev_type;
	off_t offset; /* of the current record */
};

#define PC_MAX_SEEKS 100000

#define PC_MORE 0
#define PC_DONE 1

/* type_name - Postfix's printable name of an envelope record type */
static const char *
type_name(int type)
{
	static const struct {
		int type;
		const char *name;
	} names[] = {
	        {REC_TYPE_SIZE, "message_size"},
	        {REC_TYPE_TIME, "message_arrival_time"},
	        {PC_TYPE_POSTFIX_CTIME, "queue_file_create_time"},
	        {REC_TYPE_FULL, "sender_fullname"},
	        {PC_TYPE_INSP, "content_inspector"},
	        {PC_TYPE_PFILT, "content_filter"},
	        {REC_TYPE_FILT, "content_filter"},
	        {REC_TYPE_FROM, "sender"},
	        {REC_TYPE_DONE, "done_recipient"},
	        {REC_TYPE_RCPT, "recipient"},
	        {REC_TYPE_ORCP, "original_recipient"},
	        {PC_TYPE_DRCP, "canceled_recipient"},
	        {REC_TYPE_WARN, "warning_message_time"},
	        {REC_TYPE_ATTR, "named_attribute"},
	        {PC_TYPE_KILL, "killed_record"},
	        {REC_TYPE_RDR, "redirect_to"},
	        {REC_TYPE_FLGS, "flags"},
	        {REC_TYPE_DSN_ENVID, "dsn_envelope_id"},
	        {REC_TYPE_DSN_ORCPT, "dsn_original_recipient"},
	        {REC_TYPE_DSN_NOTIFY, "dsn_notify_flags"},
	        {REC_TYPE_DSN_RET, "dsn_return_flags"},
	        {PC_TYPE_VERP, "verp_delimiters"},
	        {PC_TYPE_RRTO, "return_receipt"},
	        {PC_TYPE_ERTO, "errors_to"},
	        {PC_TYPE_PRIO, "priority"},
	        {PC_TYPE_PTR, "pointer_record"},
	        {PC_TYPE_DTXT, "padding"},
	        {REC_TYPE_NORM, "regular_text"},
	        {REC_TYPE_CONT, "unterminated_text"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return names[i].name;
	return "unknown_record_type";
}

/* is_text - a content text record: whole line or a piece of one */
static bool
is_text(int type)
{
	return type == REC_TYPE_NORM || type == REC_TYPE_CONT ||
	       type == PC_TYPE_PFILT;
}

/* is_cont - a piece of a line that the next record continues */
static bool
is_cont(int type)
{
	return type == REC_TYPE_CONT || type == PC_TYPE_PFILT;
}

/* is_header - "name:" with a printable name, white space allowed */
static bool
is_header(const char *text)
{
	const unsigned char *p = (const unsigned char *) text;

	while (*p > ' ' && *p < 127 && *p != ':')
		p++;
	if (p == (const unsigned char *) text)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == ':';
}

/* safe - record data made printable for a warning (in st->tmp) */
static const char *
safe(struct pc_state *st)
{
	vstr_cpy(st->tmp, vstr_str(st->buf));
	return printable(vstr_str(st->tmp), '?');
}

/* prefix - the -o offset and -d type columns */
static void
prefix(struct pc_state *st, int type)
{
	if (st->o->flags & PC_FLAG_OFFSET)
		vstream_printf(st->out, "%9ld ", (long) st->offset);
	if (st->o->flags & PC_FLAG_DTYPE)
		vstream_printf(st->out, "%3d ", type);
}

/* seek_to - reposition the input; a failure is fatal, as in Postfix */
static void
seek_to(struct pc_state *st, long off)
{
	/* Pointer records or markers that lead back must not loop forever. */
	if (++st->seeks > PC_MAX_SEEKS) {
		msg_warn("%s: too many pointer or skip records; the file loops",
		         st->name);
		msg_fatal("record read error");
	}
	if (off < 0) {
		errno = EINVAL;
		msg_fatal("seek error: %m");
	}
	if (vstream_fseek(st->in, (off_t) off, SEEK_SET) < 0)
		msg_fatal("seek error: %m");
}

/* print_time - "label: Sun Nov 22 02:53:31 2026" from "seconds ..." */
static void
print_time(struct pc_state *st, const char *label, const char *value)
{
	time_t t = (time_t) strtol(value, NULL, 10);
	struct tm *tm = localtime(&t);
	char when[64];

	if (tm == NULL ||
	    strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", tm) == 0)
		vstream_printf(st->out, "%s: %s\n", label, value);
	else
		vstream_printf(st->out, "%s: %s\n", label, when);
}

/* print_attr - a named attribute; create_time is shown as a time */
static void
print_attr(struct pc_state *st)
{
	char *copy = xstrdup(vstr_str(st->buf));
	char *name, *value;
	const char *why = NULL;

	/* Any white space inside the name, \f included, is an error. */
	if (split_nameval(copy, &name, &value, &why) == 0 &&
	    name[strcspn(name, " \t\n\v\f\r")] != 0)
		why = "missing '=' after attribute name";
	else if (why == NULL && strcmp(name, PC_ATTR_CREATE_TIME) == 0)
		print_time(st, PC_ATTR_CREATE_TIME, value);
	else if (why == NULL)
		vstream_printf(st->out, "%s: %s=%s\n", type_name(REC_TYPE_ATTR),
		               name, value);
	if (why)
		msg_warn("%s: malformed attribute: %s: %.100s", st->name, why,
		         safe(st));
	xfree(copy);
}

/* env_record - one envelope (or extracted) record */
static void
env_record(struct pc_state *st, int type)
{
	const char *data = vstr_str(st->buf);
	bool names = st->o->flags & PC_FLAG_NAMES;

	if (type == PC_TYPE_DTXT && !names)
		return;
	prefix(st, type);
	if (type == REC_TYPE_TIME || type == REC_TYPE_WARN)
		print_time(st, type_name(type), data);
	else if (type == REC_TYPE_ATTR)
		print_attr(st);
	else if ((type == REC_TYPE_NORM || type == REC_TYPE_CONT) && !names)
		vstream_printf(st->out, "%s\n", data);
	else
		vstream_printf(st->out, "%s: %s\n", type_name(type), data);
	vstream_fflush(st->out);
}

/* parse_size - the fields of the size record that postcat needs */
static bool
parse_size(struct pc_state *st)
{
	const char *p = vstr_str(st->buf);
	long v[6];
	int n;
	char *end;

	for (n = 0; n < 6; n++, p = end) {
		v[n] = strtol(p, &end, 10);
		if (end == p)
			break;
		if (n == 0)
			st->data_size = v[0];
		else if (n == 1)
			st->data_offset = v[1];
	}
	return n >= 2 && st->data_size > 0 && st->data_offset > 0;
}

/* part_wanted - is the header or body part that we are in printed? */
static bool
part_wanted(const struct pc_state *st)
{
	int flags = st->o->flags;

	return ((flags & PC_FLAG_HDR) && st->hdr_active) ||
	       ((flags & PC_FLAG_BODY) && st->body_active);
}

/* size_record - print and check the size record; -b/-h jump to content */
static void
size_record(struct pc_state *st)
{
	if (st->section == PC_CONTENT ? part_wanted(st)
	                              : (st->o->flags & PC_FLAG_ENV) != 0) {
		prefix(st, REC_TYPE_SIZE);
		vstream_printf(st->out, "%s: %s\n", type_name(REC_TYPE_SIZE),
		               vstr_str(st->buf));
		vstream_fflush(st->out);
	}
	if (st->saw_size) {
		msg_warn("file contains multiple size records");
		return;
	}
	st->saw_size = true;
	if (!parse_size(st))
		msg_warn("invalid size record: %.100s", safe(st));
	if ((st->o->flags & PC_FLAG_ENV) == 0) {
		seek_to(st, st->data_offset);
		st->section = PC_CONTENT;
	}
}

/* skip_content - seek past the message content (when its size is known) */
static void
skip_content(struct pc_state *st)
{
	if (st->data_offset >= 0 && st->data_size > 0)
		seek_to(st, st->data_offset + st->data_size);
}

/* marker - "*** WHAT name ***" */
static void
marker(struct pc_state *st, int type, const char *what)
{
	if (st->o->flags & PC_FLAG_ENV) {
		prefix(st, type);
		vstream_printf(st->out, "*** %s %s ***\n", what, st->name);
		vstream_fflush(st->out);
	}
}

/* mesg_marker - start of the message content */
static int
mesg_marker(struct pc_state *st)
{
	if (st->section == PC_CONTENT) {
		msg_warn("%s: out-of-order message content marker", st->name);
		return PC_MORE;
	}
	marker(st, REC_TYPE_MESG, "MESSAGE CONTENTS");
	st->section = PC_CONTENT;
	if ((st->o->flags & (PC_FLAG_HDR | PC_FLAG_BODY)) == 0)
		skip_content(st);
	return PC_MORE;
}

/* xtra_marker - end of content, start of the extracted envelope */
static int
xtra_marker(struct pc_state *st)
{
	if (st->section != PC_CONTENT)
		msg_warn("%s: out-of-order extracted segment marker", st->name);
	if ((st->o->flags & PC_FLAG_ENV) == 0)
		return PC_DONE;
	marker(st, REC_TYPE_XTRA, "HEADER EXTRACTED");
	st->section = PC_EXTRACT;
	return PC_MORE;
}

/* end_marker - the end of the file */
static int
end_marker(struct pc_state *st)
{
	if (st->section == PC_CONTENT)
		msg_warn("%s: out-of-order message end marker", st->name);
	marker(st, REC_TYPE_END, "MESSAGE FILE END");
	return PC_DONE;
}

/* content_text - print one text record of the message content */
static void
content_text(struct pc_state *st, int type)
{
	int flags = st->o->flags;
	bool newline =
	        !is_cont(type) || (flags & (PC_FLAG_OFFSET | PC_FLAG_NAMES));

	/* Content is written as it is, NUL bytes included. */
	prefix(st, type);
	if (flags & PC_FLAG_NAMES)
		vstream_printf(st->out, "%s: ",
		               type_name(is_cont(type) ? REC_TYPE_CONT : type));
	vstream_write(st->out, vstr_str(st->buf), vstr_len(st->buf));
	if (newline)
		vstream_putc(st->out, '\n');
	vstream_fflush(st->out);
}

/* content_record - any record between the content and extracted markers */
static int
content_record(struct pc_state *st, int type)
{
	int flags = st->o->flags;
	const char *text = vstr_str(st->buf);
	bool hdr_like = *text == ' ' || *text == '\t' || is_header(text);

	if (is_text(type)) {
		/* -h: header lines, with all their pieces unless -o or -v */
		if (!hdr_like && (!is_cont(st->prev_type) ||
		                  (flags & (PC_FLAG_OFFSET | PC_FLAG_NAMES))))
			st->hdr_active = false;
		/* -b: from the first record that is not header-like */
		if (!hdr_like)
			st->body_active = true;
	}
	if (part_wanted(st)) {
		if (is_text(type))
			content_text(st, type);
		else
			env_record(st, type);
	}
	if ((flags & PC_FLAG_HDR) && !(flags & PC_FLAG_BODY) &&
	    !st->hdr_active && !st->skipped) {
		if ((flags & PC_FLAG_ENV) == 0)
			return PC_DONE;
		st->skipped = true;
		skip_content(st);
	}
	return PC_MORE;
}

/* pointer_record - show it with -v; follow it unless -r */
static void
pointer_record(struct pc_state *st)
{
	const char *p = vstr_str(st->buf);
	char *end;
	long off;

	if ((st->o->flags & (PC_FLAG_NAMES | PC_FLAG_ENV)) ==
	    (PC_FLAG_NAMES | PC_FLAG_ENV))
		env_record(st, PC_TYPE_PTR);
	if (st->o->flags & PC_FLAG_RAW)
		return;
	while (*p == ' ')
		p++;
	errno = 0;
	off = strtol(p, &end, 10);
	if (end == p || *end != 0 || off < 0 || errno == ERANGE) {
		msg_warn("%s: malformed pointer record value: %.100s", st->name,
		         safe(st));
		msg_fatal("record read error");
	}
	if (off > 0)
		seek_to(st, off);
}

/* dispatch - handle one record; PC_DONE ends the file */
static int
dispatch(struct pc_state *st, int type)
{
	switch (type) {
	case REC_TYPE_SIZE:
		size_record(st);
		return PC_MORE;
	case REC_TYPE_MESG:
		return mesg_marker(st);
	case REC_TYPE_XTRA:
		return xtra_marker(st);
	case REC_TYPE_END:
		return end_marker(st);
	case PC_TYPE_PTR:
		pointer_record(st);
		return PC_MORE;
	}
	if (st->section == PC_CONTENT)
		return content_record(st, type);
	if (st->o->flags & PC_FLAG_ENV)
		env_record(st, type);
	return PC_MORE;
}

/* first_type - the first type byte, or EOF; warns about non-queue files */
static int
first_type(struct pc_state *st)
{
	int type;

	if (st->o->start > 0) {
		seek_to(st, (long) st->o->start);
		return vstream_getc(st->in);
	}
	if ((type = vstream_getc(st->in)) == VSTREAM_EOF)
		return VSTREAM_EOF;
	if (strchr(pc_first_types, type) == NULL || type == 0) {
		msg_warn("%s: input is not a valid queue file", st->name);
		return VSTREAM_EOF;
	}
	if (st->o->flags & PC_FLAG_ENV)
		vstream_printf(st->out, "*** ENVELOPE RECORDS %s ***\n",
		               st->name);
	return type;
}

/* postcat_file - print one queue file */
void
postcat_file(struct vstream *in, const char *name, const struct postcat_opts *o)
{
	struct pc_state st = {
	        .o = o,
	        .in = in,
	        .out = o->out,
	        .name = name,
	        .buf = vstr_alloc(100),
	        .tmp = vstr_alloc(100),
	        .section = PC_ENV,
	        .data_size = -1,
	        .data_offset = -1,
	        .hdr_active = true,
	};
	int type = first_type(&st);

	st.offset = o->start;
	if (type == VSTREAM_EOF)
		type = REC_TYPE_EOF;
	else
		type = postcat_rec_get_rest(in, name, type, st.buf);
	while (type != REC_TYPE_EOF) {
		if (type == REC_TYPE_ERROR)
			msg_fatal("record read error");
		if (dispatch(&st, type) == PC_DONE)
			break;
		if (is_text(type) || type == REC_TYPE_MESG)
			st.prev_type = type;
		/* Unshown pointer and padding records are not counted. */
		if (!((type == PC_TYPE_PTR || type == PC_TYPE_DTXT) &&
		      !(o->flags & PC_FLAG_NAMES)))
			st.offset = vstream_ftell(in);
		type = postcat_rec_get(in, name, st.buf);
	}
	vstream_fflush(st.out);
	vstr_free(st.buf);
	vstr_free(st.tmp);
}
