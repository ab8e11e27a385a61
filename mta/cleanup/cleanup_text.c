/*
 * cleanup_text - pure text helpers of the cleanup daemon: header names and
 * classes, Date: and Message-Id: values, display-name quoting, the
 * Content-Type of MIME parts, masquerading, DSN codes and the reply text
 * that goes back to the client
 *
 * These functions have no state and do no I/O, so that the unit tests can
 * exercise them directly (tests/unit/cleanup_text_test.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "argv.h"
#include "mail_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

#include "cleanup.h"

/* The headers cleanup cares about, sorted by name (case-insensitive). */
static const struct hdr_opts hdr_table[] = {
        {"Apparently-To", HDR_APPARENTLY_TO, HDR_OPT_RECIP},
        {"Bcc", HDR_BCC, HDR_OPT_RECIP},
        {"Cc", HDR_CC, HDR_OPT_RECIP},
        {"Content-Length", HDR_CONTENT_LENGTH, 0},
        {"Content-Transfer-Encoding", HDR_CONTENT_TRANSFER_ENCODING,
         HDR_OPT_MIME},
        {"Content-Type", HDR_CONTENT_TYPE, HDR_OPT_MIME},
        {"Date", HDR_DATE, 0},
        {"Delivered-To", HDR_DELIVERED_TO, 0},
        {"Disposition-Notification-To", HDR_OTHER, HDR_OPT_SENDER},
        {"Errors-To", HDR_ERRORS_TO, HDR_OPT_SENDER},
        {"From", HDR_FROM, HDR_OPT_SENDER},
        {"Mail-Followup-To", HDR_OTHER, HDR_OPT_SENDER},
        {"Message-Id", HDR_MESSAGE_ID, 0},
        {"MIME-Version", HDR_MIME_VERSION, HDR_OPT_MIME},
        {"Received", HDR_RECEIVED, 0},
        {"Reply-To", HDR_REPLY_TO, HDR_OPT_SENDER},
        {"Resent-Bcc", HDR_RESENT_BCC, HDR_OPT_RECIP | HDR_OPT_RR},
        {"Resent-Cc", HDR_RESENT_CC, HDR_OPT_RECIP | HDR_OPT_RR},
        {"Resent-Date", HDR_RESENT_DATE, HDR_OPT_RR},
        {"Resent-From", HDR_RESENT_FROM, HDR_OPT_SENDER | HDR_OPT_RR},
        {"Resent-Message-Id", HDR_RESENT_MESSAGE_ID, HDR_OPT_RR},
        {"Resent-Reply-To", HDR_RESENT_REPLY_TO, HDR_OPT_RECIP | HDR_OPT_RR},
        {"Resent-Sender", HDR_RESENT_SENDER, HDR_OPT_SENDER | HDR_OPT_RR},
        {"Resent-To", HDR_RESENT_TO, HDR_OPT_RECIP | HDR_OPT_RR},
        {"Return-Path", HDR_RETURN_PATH, HDR_OPT_SENDER},
        {"Return-Receipt-To", HDR_RETURN_RECEIPT_TO, HDR_OPT_SENDER},
        {"Sender", HDR_SENDER, HDR_OPT_SENDER},
        {"To", HDR_TO, HDR_OPT_RECIP},
};

static const struct hdr_opts hdr_other_mime = {"Content-*", HDR_OTHER_MIME,
                                               HDR_OPT_MIME};

/* cleanup_hdr_find - classify a header name, NULL when not special */
const struct hdr_opts *
cleanup_hdr_find(const char *name, size_t len)
{
	size_t lo = 0, hi = sizeof(hdr_table) / sizeof(hdr_table[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *n = hdr_table[mid].name;
		int cmp = strncasecmp(name, n, len);

		if (cmp == 0 && n[len] != 0)
			cmp = -1;
		if (cmp == 0)
			return &hdr_table[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (len > 8 && strncasecmp(name, "Content-", 8) == 0)
		return &hdr_other_mime;
	return NULL;
}

/*
 * cleanup_hdr_name - length of the header name that starts line (0: the
 * line is not a header); *prefix gets the length up to and including the
 * colon. A name is printable ASCII without colon or space; white space
 * may separate it from the colon (RFC 822 allowed that).
 */
size_t
cleanup_hdr_name(const char *line, size_t len, size_t *prefix)
{
	size_t i = 0, name_len;

	while (i < len && line[i] > ' ' && line[i] < 127 && line[i] != ':')
		i++;
	if (i == 0)
		return 0;
	name_len = i;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= len || line[i] != ':')
		return 0;
	if (prefix)
		*prefix = i + 1;
	return name_len;
}

/*
 * cleanup_date_fmt - RFC 5322 date in local time, the way Postfix writes
 * it: "Sun,  2 Nov 2026 02:53:31 +0000 (UTC)" (day of month padded with a
 * space, zone name in a comment)
 */
void
cleanup_date_fmt(struct vstr *out, time_t when)
{
	struct tm tm;
	char buf[64];
	long off;
	size_t n;

	localtime_r(&when, &tm);
	n = strftime(buf, sizeof(buf), "%a, %e %b %Y %H:%M:%S ", &tm);
	vstr_mem(out, buf, n);
	off = tm.tm_gmtoff / 60;
	vstr_fmt_append(out, "%c%02ld%02ld", off < 0 ? '-' : '+',
	                labs(off) / 60, labs(off) % 60);
	n = strftime(buf, sizeof(buf), " (%Z)", &tm);
	vstr_cat_mem(out, buf, n);
}

/*
 * cleanup_msgid_fmt - the content of an added Message-Id: header:
 * "YYYYMMDDhhmmss.QUEUEID@host" (UTC time stamp) with short queue IDs,
 * "QUEUEID@host" with long ones, which are unique by themselves
 */
void
cleanup_msgid_fmt(struct vstr *out, time_t when, const char *id,
                  const char *host, bool long_ids)
{
	struct tm tm;
	char buf[32];
	size_t n;

	if (long_ids) {
		vstr_fmt(out, "%s@%s", id, host);
		return;
	}
	gmtime_r(&when, &tm);
	n = strftime(buf, sizeof(buf), "%Y%m%d%H%M%S", &tm);
	vstr_mem(out, buf, n);
	vstr_fmt_append(out, ".%s@%s", id, host);
}

/* phrase_ok - a display name that needs no quotes (atoms and spaces) */
static bool
phrase_ok(const char *s)
{
	static const char specials[] = "()<>[]:;@\\,.\"";

	if (*s == 0 || *s == ' ')
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char) *s;

		if (c < ' ' || c == 127 || strchr(specials, c) != NULL)
			return false;
	}
	return s[-1] != ' ';
}

/* cleanup_phrase_fmt - a full name as a display name, quoted when needed */
void
cleanup_phrase_fmt(struct vstr *out, const char *name)
{
	vstr_reset(out);
	if (phrase_ok(name)) {
		vstr_cpy(out, name);
		return;
	}
	vstr_addch(out, '"');
	for (const char *cp = name; *cp; cp++) {
		if (*cp == '\r' || *cp == '\n')
			continue;
		if (*cp == '"' || *cp == '\\')
			vstr_addch(out, '\\');
		vstr_addch(out, *cp);
	}
	vstr_addch(out, '"');
}

/* skip_cfws - skip white space and (nested) comments */
static const char *
skip_cfws(const char *cp)
{
	int depth = 0;

	for (; *cp; cp++) {
		if (*cp == '(')
			depth++;
		else if (*cp == ')' && depth > 0)
			depth--;
		else if (*cp == '\\' && depth > 0 && cp[1])
			cp++;
		else if (depth == 0 && !isspace((unsigned char) *cp))
			break;
	}
	return cp;
}

/* ctype_param - parse one "name=value" parameter; want the boundary */
static const char *
ctype_param(const char *cp, struct vstr *boundary)
{
	const char *name = cp;
	size_t name_len;
	bool is_boundary;

	while (*cp && *cp != '=' && *cp != ';' && !isspace((unsigned char) *cp))
		cp++;
	name_len = (size_t) (cp - name);
	is_boundary = name_len == 8 && strncasecmp(name, "boundary", 8) == 0;
	cp = skip_cfws(cp);
	if (*cp != '=')
		return cp;
	cp = skip_cfws(cp + 1);
	if (is_boundary)
		vstr_reset(boundary);
	if (*cp == '"') {
		for (cp++; *cp && *cp != '"'; cp++) {
			if (*cp == '\\' && cp[1])
				cp++;
			if (is_boundary)
				vstr_addch(boundary, *cp);
		}
		if (*cp == '"')
			cp++;
		return cp;
	}
	for (; *cp && *cp != ';' && !isspace((unsigned char) *cp); cp++)
		if (is_boundary)
			vstr_addch(boundary, *cp);
	return cp;
}

/*
 * cleanup_ctype_parse - the kind of a Content-Type value, and for
 * multipart types the boundary parameter (empty when missing)
 */
enum ctype_kind
cleanup_ctype_parse(const char *value, struct vstr *boundary)
{
	const char *cp = skip_cfws(value);
	enum ctype_kind kind = CTYPE_OTHER;

	vstr_reset(boundary);
	if (strncasecmp(cp, "multipart/", 10) == 0)
		kind = CTYPE_MULTIPART;
	else if (strncasecmp(cp, "message/rfc822", 14) == 0 ||
	         strncasecmp(cp, "message/global", 14) == 0)
		kind = CTYPE_MESSAGE;
	if (kind != CTYPE_MULTIPART)
		return kind;
	while (*cp) {
		cp = strchr(cp, ';');
		if (cp == NULL)
			break;
		cp = ctype_param(skip_cfws(cp + 1), boundary);
	}
	return kind;
}

/*
 * cleanup_masq_apply - masquerade_domains: strip the subdomain part of the
 * address's domain down to the first listed parent domain; a "!name"
 * entry stops the search for exactly that domain, as does a listed domain
 * that equals the address's domain. Local parts in exceptions are left
 * alone. Returns true when the address changed.
 */
bool
cleanup_masq_apply(struct vstr *addr, const struct argv *domains,
                   const char *exceptions)
{
	char *at = strrchr(vstr_str(addr), '@');
	const char *domain;
	size_t domain_len, local_len;

	if (at == NULL || domains == NULL)
		return false;
	local_len = (size_t) (at - vstr_str(addr));
	if (exceptions && *exceptions) {
		char *local = xstrndup(vstr_str(addr), local_len);
		bool skip = list_has_word(exceptions, local);

		xfree(local);
		if (skip)
			return false;
	}
	domain = at + 1;
	domain_len = strlen(domain);
	for (size_t i = 0; i < domains->argc; i++) {
		const char *masq = domains->argv[i];
		bool excluded = (*masq == '!');
		size_t masq_len;

		masq += excluded;
		masq_len = strlen(masq);
		if (masq_len == 0)
			continue;
		if (masq_len == domain_len) {
			if (strcasecmp(masq, domain) == 0)
				return false;
		} else if (masq_len < domain_len) {
			const char *parent = domain + domain_len - masq_len;

			if (parent[-1] == '.' &&
			    strcasecmp(masq, parent) == 0) {
				if (excluded)
					return false;
				vstr_truncate(addr, local_len + 1);
				vstr_cat(addr, masq);
				return true;
			}
		}
	}
	return false;
}

/* cleanup_name_listed - a header name (not terminated) is in the list */
bool
cleanup_name_listed(const struct argv *list, const char *name, size_t len)
{
	if (list == NULL)
		return false;
	for (size_t i = 0; i < list->argc; i++)
		if (strlen(list->argv[i]) == len &&
		    strncasecmp(list->argv[i], name, len) == 0)
			return true;
	return false;
}

/* dsn_len - length of a leading "x.y.z" status code with x 2, 4 or 5 */
static size_t
dsn_len(const char *text)
{
	const char *cp = text;

	if (*cp != '2' && *cp != '4' && *cp != '5')
		return 0;
	cp++;
	for (int part = 0; part < 2; part++) {
		size_t n = 0;

		if (*cp++ != '.')
			return 0;
		while (isdigit((unsigned char) cp[n]) && n < 4)
			n++;
		if (n == 0 || n > 3)
			return 0;
		cp += n;
	}
	if (*cp != 0 && *cp != ' ' && *cp != '\t')
		return 0;
	return (size_t) (cp - text);
}

/*
 * cleanup_dsn_prepend - "x.y.z text": text as it is when it starts with a
 * status code, else the default code in front of it
 */
void
cleanup_dsn_prepend(struct vstr *out, const char *def_dsn, const char *text)
{
	if (dsn_len(text) > 0)
		vstr_cpy(out, text);
	else
		vstr_fmt(out, "%s %s", def_dsn, text);
}

/*
 * cleanup_class_mask - the address classes named in a *_classes list;
 * unknown names are reported and ignored
 */
int
cleanup_class_mask(const char *list, const char *param)
{
	static const struct {
		const char *name;
		int mask;
	} names[] = {
	        {"envelope_sender", CLASS_ENV_FROM},
	        {"envelope_recipient", CLASS_ENV_RCPT},
	        {"header_sender", CLASS_HDR_FROM},
	        {"header_recipient", CLASS_HDR_RCPT},
	};
	struct argv *words = argv_split(list ? list : "", LIST_DELIMS);
	int mask = 0;

	for (size_t i = 0; i < words->argc; i++) {
		size_t j;

		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (strcasecmp(words->argv[i], names[j].name) == 0)
				break;
		if (j < sizeof(names) / sizeof(names[0]))
			mask |= names[j].mask;
		else
			msg_warn("unknown %s value \"%s\" ignored", param,
			         words->argv[i]);
	}
	argv_free(words);
	return mask;
}

/*
 * cleanup_reply_text - the reason that goes back with a status: an SMTP
 * reply the client can pass on. Permanent and temporary rejects carry the
 * reason set by the action ("5.7.1 text"); the other conditions have
 * fixed texts. When several bits are set, the first in Postfix's order
 * wins (temporary conditions before permanent ones, a content reject
 * before a later write error). Empty when the message was accepted or
 * discarded.
 */
void
cleanup_reply_text(struct vstr *out, int errs, int write_errno,
                   const char *reason)
{
	bool have_reason = reason && *reason;

	vstr_reset(out);
	if (errs & CLEANUP_STAT_DEFER)
		vstr_fmt(out, "451 %s",
		         have_reason ? reason : "4.7.1 Service unavailable");
	else if (errs & (CLEANUP_STAT_BAD | CLEANUP_STAT_PROXY))
		vstr_cpy(out, "451 4.3.0 Error: internal protocol error");
	else if (errs & CLEANUP_STAT_RCPT)
		vstr_cpy(out, "550 5.1.0 Error: no recipients specified");
	else if (errs & CLEANUP_STAT_HOPS)
		vstr_cpy(out, "554 5.4.0 Error: too many hops");
	else if (errs & CLEANUP_STAT_SIZE)
		vstr_cpy(out, "552 5.3.4 Message size exceeds fixed limit");
	else if (errs & CLEANUP_STAT_CONT)
		vstr_fmt(out, "550 %s",
		         have_reason ? reason
		                     : "5.7.1 message content rejected");
	else if (errs & CLEANUP_STAT_WRITE) {
		if (write_errno == ENOSPC || write_errno == EDQUOT)
			vstr_cpy(out, "452 4.3.1 Insufficient system storage");
		else
			vstr_cpy(out,
			         "451 4.3.0 Error: queue file write error");
	} else if (errs & CLEANUP_STAT_NOPERM)
		vstr_cpy(out, "550 5.7.1 Error: service denied");
}
