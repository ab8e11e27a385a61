/*
 * NAME
 *	smtpd_esmtp - syntax of MAIL/RCPT arguments and ESMTP parameters
 * SUMMARY
 *	int smtpd_path_split(const char *arg, const char *prefix,
 *	    bool strict, struct vstr *path, struct argv *params);
 *	bool smtpd_xtext_decode(const char *in, struct vstr *out);
 *	int smtpd_dsn_notify_mask(const char *value);
 *	int smtpd_dsn_ret_code(const char *value);
 *	bool smtpd_orcpt_parse(const char *value, struct vstr *out);
 *	bool smtpd_size_parse(const char *value, long *size);
 * DESCRIPTION
 *	smtpd_path_split() takes what follows MAIL or RCPT on the command
 *	line, for example " FROM:<a@b.example> SIZE=100", checks and skips
 *	prefix ("FROM:" or "TO:", any case, white space allowed after the
 *	colon as Postfix allows), and puts the path into path ("<a@b>",
 *	brackets kept; quoted strings and backslash escapes inside the
 *	brackets do not end it) and the white-space separated ESMTP
 *	parameters into params (appended). Without strict (the default of
 *	strict_rfc821_envelopes) a path without brackets is the next
 *	word. It returns SMTPD_PATH_OK, SMTPD_PATH_SYNTAX when the prefix
 *	or the path is missing, or SMTPD_PATH_BAD when the path is
 *	malformed (unterminated, or unbracketed in strict mode).
 *
 *	smtpd_xtext_decode() decodes RFC 3461 xtext ("+2B" is "+") into
 *	out; it is false for characters outside 33..126, '=', a '+' not
 *	followed by two upper-case hex digits, or an empty result.
 *
 *	smtpd_dsn_notify_mask() parses NOTIFY= (NEVER, or a comma list of
 *	SUCCESS, FAILURE, DELAY; any case) into DSN_NOTIFY_* bits, 0 when
 *	malformed. smtpd_dsn_ret_code() maps RET=FULL/HDRS to
 *	DSN_RET_FULL/HDRS, 0 when malformed. smtpd_orcpt_parse() checks
 *	ORCPT=addr-type;xtext and writes "addr-type;decoded" into out.
 *	smtpd_size_parse() accepts SIZE= digits that fit in a long.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deliver_request.h"
#include "smtpd_int.h"
#include "stringops.h"

/* is_wsp - SMTP white space */
static bool
is_wsp(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* path_end - the end of a bracketed path, or NULL when unterminated */
static const char *
path_end(const char *cp)
{
	bool quoted = false;

	for (cp++; *cp; cp++) {
		if (*cp == '\\' && cp[1] != 0)
			cp++;
		else if (*cp == '"')
			quoted = !quoted;
		else if (*cp == '>' && !quoted)
			return cp + 1;
	}
	return NULL;
}

/* word_end - the end of an unbracketed path: white space outside quotes */
static const char *
word_end(const char *cp)
{
	bool quoted = false;

	for (; *cp; cp++) {
		if (*cp == '\\' && cp[1] != 0)
			cp++;
		else if (*cp == '"')
			quoted = !quoted;
		else if (is_wsp((unsigned char) *cp) && !quoted)
			break;
	}
	return cp;
}

/* split_params - append the white-space separated words of cp */
static void
split_params(const char *cp, struct argv *params)
{
	while (*cp) {
		while (is_wsp((unsigned char) *cp))
			cp++;
		const char *start = cp;

		while (*cp && !is_wsp((unsigned char) *cp))
			cp++;
		if (cp > start)
			argv_addn(params, start, (size_t) (cp - start));
	}
}

/* smtpd_path_split - separate prefix, path and ESMTP parameters */
int
smtpd_path_split(const char *arg, const char *prefix, bool strict,
                 struct vstr *path, struct argv *params)
{
	const char *cp = arg;
	const char *end;
	size_t plen = strlen(prefix);

	while (is_wsp((unsigned char) *cp))
		cp++;
	if (strncasecmp(cp, prefix, plen) != 0)
		return SMTPD_PATH_SYNTAX;
	cp += plen;
	while (is_wsp((unsigned char) *cp))
		cp++;
	if (*cp == 0)
		return SMTPD_PATH_SYNTAX;
	if (*cp == '<') {
		if ((end = path_end(cp)) == NULL)
			return SMTPD_PATH_BAD;
	} else {
		if (strict)
			return SMTPD_PATH_BAD;
		end = word_end(cp);
	}
	/* "<a@b>SIZE=1": a parameter must be separated from the path. */
	if (*end != 0 && !is_wsp((unsigned char) *end))
		return SMTPD_PATH_BAD;
	vstr_mem(path, cp, (size_t) (end - cp));
	split_params(end, params);
	return SMTPD_PATH_OK;
}

/* hexval - value of an upper-case hex digit, -1 otherwise */
static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* smtpd_xtext_decode - RFC 3461 xtext to text */
bool
smtpd_xtext_decode(const char *in, struct vstr *out)
{
	const unsigned char *cp = (const unsigned char *) in;

	vstr_reset(out);
	for (; *cp; cp++) {
		if (*cp == '+') {
			int hi = hexval(cp[1]),
			    lo = hi < 0 ? -1 : hexval(cp[2]);

			if (hi < 0 || lo < 0)
				return false;
			vstr_addch(out, hi * 16 + lo);
			cp += 2;
		} else if (*cp < 33 || *cp > 126 || *cp == '=') {
			return false;
		} else {
			vstr_addch(out, *cp);
		}
	}
	return vstr_len(out) > 0;
}

/* smtpd_dsn_notify_mask - NOTIFY=NEVER or SUCCESS,FAILURE,DELAY */
int
smtpd_dsn_notify_mask(const char *value)
{
	static const struct {
		const char *name;
		int bit;
	} words[] = {
	        {"NEVER", DSN_NOTIFY_NEVER},
	        {"SUCCESS", DSN_NOTIFY_SUCCESS},
	        {"FAILURE", DSN_NOTIFY_FAILURE},
	        {"DELAY", DSN_NOTIFY_DELAY},
	};
	int mask = 0;
	const char *cp = value;

	for (;;) {
		size_t len = strcspn(cp, ",");
		int bit = 0;

		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strlen(words[i].name) == len &&
			    strncasecmp(cp, words[i].name, len) == 0)
				bit = words[i].bit;
		if (bit == 0 || (mask & bit))
			return 0;
		mask |= bit;
		if (cp[len] == 0)
			break;
		cp += len + 1;
	}
	if ((mask & DSN_NOTIFY_NEVER) && mask != DSN_NOTIFY_NEVER)
		return 0;
	return mask;
}

/* smtpd_dsn_ret_code - RET=FULL or RET=HDRS */
int
smtpd_dsn_ret_code(const char *value)
{
	if (strcasecmp(value, "FULL") == 0)
		return DSN_RET_FULL;
	if (strcasecmp(value, "HDRS") == 0)
		return DSN_RET_HDRS;
	return 0;
}

/* smtpd_orcpt_parse - ORCPT=addr-type;xtext */
bool
smtpd_orcpt_parse(const char *value, struct vstr *out)
{
	const char *semi = strchr(value, ';');
	struct vstr *addr;
	bool ok;

	if (semi == NULL || semi == value)
		return false;
	for (const char *cp = value; cp < semi; cp++)
		if (!(isalnum((unsigned char) *cp) || *cp == '-'))
			return false;
	addr = vstr_alloc(100);
	ok = smtpd_xtext_decode(semi + 1, addr);
	if (ok) {
		vstr_mem(out, value, (size_t) (semi - value + 1));
		vstr_cat(out, vstr_str(addr));
	}
	vstr_free(addr);
	return ok;
}

/* smtpd_size_parse - SIZE=digits */
bool
smtpd_size_parse(const char *value, long *size)
{
	char *end;

	if (*value == 0 || !alldig(value))
		return false;
	errno = 0;
	*size = strtol(value, &end, 10);
	return errno == 0 && *end == 0;
}
