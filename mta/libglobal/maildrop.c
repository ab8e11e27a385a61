/*
 * maildrop - the record format of a maildrop file, checked (maildrop.h)
 *
 * Every check here guards pickup(8) and cleanup(8) against a hostile
 * local user: a maildrop file can be written by anyone who can run
 * postdrop, and by anyone in the postdrop group without it.
 */
#include <string.h>

#include "mail_proto.h"
#include "maildrop.h"
#include "rec.h"

/* Attribute names a local user may set, and what their values must be. */
enum attr_value { VAL_TEXT, VAL_DIGITS, VAL_CONTEXT };

static const struct md_attr {
	const char *name;
	enum attr_value value;
	bool per_rcpt; /* may also appear in the extracted segment */
	int rec_type;  /* the record cleanup takes instead, or 0 */
} md_attrs[] = {
        {MAIL_ATTR_RWR_CONTEXT, VAL_CONTEXT, false, 0},
        {MAIL_ATTR_ENCODING, VAL_TEXT, false, 0},
        {MAIL_ATTR_SMTPUTF8, VAL_DIGITS, false, 0},
        {"trace_flags", VAL_DIGITS, false, 0},
        {MAIL_ATTR_DSN_ENVID, VAL_TEXT, false, REC_TYPE_DSN_ENVID},
        {MAIL_ATTR_DSN_RET, VAL_DIGITS, false, REC_TYPE_DSN_RET},
        {MAIL_ATTR_DSN_NOTIFY, VAL_DIGITS, true, REC_TYPE_DSN_NOTIFY},
        {MAIL_ATTR_DSN_ORCPT, VAL_TEXT, true, REC_TYPE_DSN_ORCPT},
};

/* find_attr - the table row of "name=value", NULL when unknown */
static const struct md_attr *
find_attr(const char *data, size_t len, const char **value)
{
	const char *eq = memchr(data, '=', len);

	if (eq == NULL || eq == data)
		return NULL;
	for (size_t i = 0; i < sizeof(md_attrs) / sizeof(md_attrs[0]); i++) {
		size_t n = strlen(md_attrs[i].name);

		if ((size_t) (eq - data) == n &&
		    memcmp(data, md_attrs[i].name, n) == 0) {
			*value = eq + 1;
			return md_attrs + i;
		}
	}
	return NULL;
}

/* digits_max - a decimal number of at most max digits */
static bool
digits_max(const char *p, size_t len, size_t max)
{
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/* digits_ok - a short decimal number */
static bool
digits_ok(const char *p, size_t len)
{
	return digits_max(p, len, 9);
}

/* value_ok - an attribute value of the kind its name wants */
static bool
value_ok(const struct md_attr *a, const char *v, size_t len)
{
	switch (a->value) {
	case VAL_DIGITS:
		return digits_ok(v, len);
	case VAL_CONTEXT:
		return (len == 5 && memcmp(v, "local", 5) == 0) ||
		       (len == 6 && memcmp(v, "remote", 6) == 0);
	case VAL_TEXT:
		return true;
	}
	return false;
}

/* check_attr - an attribute record in the envelope or extracted part */
static int
check_attr(struct maildrop_check *c, const char *data, size_t len,
           struct vstr *why)
{
	const char *value = NULL;
	const struct md_attr *a = find_attr(data, len, &value);

	if (a == NULL || (c->seg == MAILDROP_SEG_EXTRACT && !a->per_rcpt)) {
		vstr_fmt(why, "ignoring attribute record: %.100s", data);
		return MAILDROP_SKIP;
	}
	if (!value_ok(a, value, len - (size_t) (value - data))) {
		vstr_fmt(why, "bad attribute value: %.100s", data);
		return MAILDROP_BAD;
	}
	return MAILDROP_COPY;
}

/* time_ok - "seconds" or "seconds microseconds" */
static bool
time_ok(const char *data, size_t len)
{
	const char *sp = memchr(data, ' ', len);
	size_t n = sp ? (size_t) (sp - data) : len;

	if (!digits_max(data, n, 19))
		return false;
	return sp == NULL || digits_ok(sp + 1, len - n - 1);
}

/* check_envelope - one envelope record */
static int
check_envelope(struct maildrop_check *c, int type, const char *data, size_t len,
               struct vstr *why)
{
	switch (type) {
	case REC_TYPE_TIME:
		if (c->input || c->nrec != 1 || !time_ok(data, len))
			break;
		return MAILDROP_COPY;
	case REC_TYPE_FULL:
		if (c->full_seen)
			break;
		c->full_seen = true;
		return MAILDROP_COPY;
	case REC_TYPE_FROM:
		if (c->sender_seen)
			break;
		c->sender_seen = true;
		return MAILDROP_COPY;
	case REC_TYPE_RCPT:
		c->rcpt_count++;
		return MAILDROP_COPY;
	case REC_TYPE_ATTR:
		return check_attr(c, data, len, why);
	case REC_TYPE_MESG:
		c->seg = MAILDROP_SEG_CONTENT;
		return MAILDROP_COPY;
	}
	vstr_fmt(why, "unexpected record type: %d", type);
	return MAILDROP_BAD;
}

/* check_extracted - one record after the content */
static int
check_extracted(struct maildrop_check *c, int type, const char *data,
                size_t len, struct vstr *why)
{
	switch (type) {
	case REC_TYPE_RCPT:
		c->rcpt_count++;
		return MAILDROP_COPY;
	case REC_TYPE_ATTR:
		return check_attr(c, data, len, why);
	case REC_TYPE_END:
		c->seg = MAILDROP_SEG_END;
		return MAILDROP_COPY;
	}
	vstr_fmt(why, "unexpected record type: %d", type);
	return MAILDROP_BAD;
}

/* maildrop_check_init - a new file */
void
maildrop_check_init(struct maildrop_check *c, bool input)
{
	memset(c, 0, sizeof(*c));
	c->seg = MAILDROP_SEG_ENV;
	c->input = input;
}

/* check_record - the next record: copy, skip or reject */
static int
check_record(struct maildrop_check *c, int type, const char *data, size_t len,
             struct vstr *why)
{
	c->nrec++;
	if (!c->input && c->nrec == 1 && type != REC_TYPE_TIME) {
		vstr_fmt(why, "no arrival time record");
		return MAILDROP_BAD;
	}
	if (c->seg != MAILDROP_SEG_CONTENT && memchr(data, 0, len) != NULL) {
		vstr_fmt(why, "NUL in record of type %d", type);
		return MAILDROP_BAD;
	}
	switch (c->seg) {
	case MAILDROP_SEG_ENV:
		return check_envelope(c, type, data, len, why);
	case MAILDROP_SEG_CONTENT:
		if (type == REC_TYPE_XTRA)
			c->seg = MAILDROP_SEG_EXTRACT;
		else if (type != REC_TYPE_NORM && type != REC_TYPE_CONT)
			break;
		return MAILDROP_COPY;
	case MAILDROP_SEG_EXTRACT:
		return check_extracted(c, type, data, len, why);
	case MAILDROP_SEG_END:
		vstr_fmt(why, "record after end of message");
		return MAILDROP_BAD;
	}
	vstr_fmt(why, "unexpected record type: %d", type);
	return MAILDROP_BAD;
}

/* maildrop_check - the next record; a rejected one spoils the file */
int
maildrop_check(struct maildrop_check *c, int type, const char *data, size_t len,
               struct vstr *why)
{
	int result = check_record(c, type, data, len, why);

	if (result == MAILDROP_BAD)
		c->bad = true;
	return result;
}

/* maildrop_check_done - the file is complete */
bool
maildrop_check_done(const struct maildrop_check *c, struct vstr *why)
{
	if (c->bad)
		vstr_fmt(why, "malformed records");
	else if (c->seg != MAILDROP_SEG_END)
		vstr_fmt(why, "premature end of file");
	else if (!c->sender_seen)
		vstr_fmt(why, "no envelope sender");
	else if (c->rcpt_count == 0)
		vstr_fmt(why, "no recipients");
	else
		return true;
	return false;
}

/* maildrop_attr_type - the DSN record type for an attribute record */
int
maildrop_attr_type(const char *data, size_t len)
{
	const char *value;
	const struct md_attr *a = find_attr(data, len, &value);

	return a ? a->rec_type : 0;
}
