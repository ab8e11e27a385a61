/*
 * NAME
 *	smtpd_proto - the SMTP verb table and the session-level verbs
 * SUMMARY
 *	extern const struct smtpd_cmd smtpd_cmd_table[];
 *	const struct smtpd_cmd *smtpd_cmd_find(const char *verb);
 *	int smtpd_ehlo_discard(struct smtpd_state *s);
 * DESCRIPTION
 *	smtpd_cmd_table lists every verb with its flags and handler, in
 *	the order that the "disconnect from" log line reports them (the
 *	order of Postfix). MAIL, RCPT, DATA and BDAT are in smtpd_mail.c
 *	and smtpd_data.c; HELO, EHLO, RSET, NOOP, QUIT, VRFY, ETRN, and
 *	the not-yet-implemented AUTH and STARTTLS are here.
 *
 *	smtpd_ehlo_discard() computes the EHLO keywords not to offer this
 *	client: smtpd_discard_ehlo_keywords plus the result of
 *	smtpd_discard_ehlo_keyword_address_maps for the client address.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "dict.h"
#include "flush_clnt.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "maps.h"
#include "msg.h"
#include "mymalloc.h"
#include "smtpd_check.h"
#include "smtpd_int.h"
#include "stringops.h"

extern struct maps *smtpd_ehlo_discard_maps; /* smtpd.c */

static const struct {
	const char *name;
	int bit;
} ehlo_words[] = {
        {"PIPELINING", SMTPD_EHLO_PIPELINING},
        {"SIZE", SMTPD_EHLO_SIZE},
        {"VRFY", SMTPD_EHLO_VRFY},
        {"ETRN", SMTPD_EHLO_ETRN},
        {"ENHANCEDSTATUSCODES", SMTPD_EHLO_ENHANCEDSTATUSCODES},
        {"8BITMIME", SMTPD_EHLO_8BITMIME},
        {"DSN", SMTPD_EHLO_DSN},
        {"SMTPUTF8", SMTPD_EHLO_SMTPUTF8},
        {"CHUNKING", SMTPD_EHLO_CHUNKING},
        {"SILENT-DISCARD", SMTPD_EHLO_SILENT},
};

#define NWORDS (sizeof(ehlo_words) / sizeof(ehlo_words[0]))

/* ehlo_mask - keyword list to bits; unknown words are ignored */
static int
ehlo_mask(const char *list)
{
	struct argv *words = argv_split(list, LIST_DELIMS);
	int mask = 0;

	for (size_t i = 0; i < words->argc; i++)
		for (size_t j = 0; j < NWORDS; j++)
			if (strcasecmp(words->argv[i], ehlo_words[j].name) == 0)
				mask |= ehlo_words[j].bit;
	argv_free(words);
	return mask;
}

/* smtpd_ehlo_discard - features hidden from this client */
int
smtpd_ehlo_discard(struct smtpd_state *s)
{
	int mask = ehlo_mask(var_smtpd_discard_ehlo_keywords);
	const char *value;

	if (smtpd_ehlo_discard_maps != NULL &&
	    maps_find(smtpd_ehlo_discard_maps, s->addr, MAPS_FIND_FULL,
	              &value) == DICT_FOUND)
		mask = ehlo_mask(value);
	return mask;
}

/* log_discard - "discarding EHLO keywords: A B" */
static void
log_discard(int mask)
{
	struct vstr *buf;

	if (mask == 0 || (mask & SMTPD_EHLO_SILENT))
		return;
	buf = vstr_alloc(100);
	for (size_t j = 0; j < NWORDS; j++)
		if (mask & ehlo_words[j].bit)
			vstr_fmt_append(buf, "%s%s", vstr_len(buf) ? " " : "",
			                ehlo_words[j].name);
	msg_info("discarding EHLO keywords: %s", vstr_str(buf));
	vstr_free(buf);
}

/* helo_common - shared part of HELO and EHLO */
static int
helo_common(struct smtpd_state *s, char *arg, const char *verb)
{
	const char *reply;

	arg = trim_space(arg);
	if (*arg == 0) {
		smtpd_chat_reply(s, "501 5.5.4 Syntax: %s hostname", verb);
		return -1;
	}
	if (s->helo_name != NULL)
		smtpd_mail_reset(s);
	xfree(s->helo_name);
	s->helo_name = printable(xstrdup(arg), '?');
	if ((reply = smtpd_check_helo(s)) != NULL) {
		s->helo_name = xfree(s->helo_name);
		smtpd_chat_reply(s, "%s", reply);
		return -1;
	}
	return 0;
}

/* cmd_helo - HELO hostname */
static int
cmd_helo(struct smtpd_state *s, char *arg)
{
	if (helo_common(s, arg, "HELO") < 0)
		return -1;
	s->ehlo_seen = false;
	xfree(s->protocol);
	s->protocol = xstrdup("SMTP");
	smtpd_chat_reply(s, "250 %s", var_myhostname);
	return 0;
}

/* ehlo_add - one keyword line unless discarded */
static void
ehlo_add(struct argv *lines, int mask, int bit, const char *text)
{
	if ((mask & bit) == 0)
		argv_add(lines, text);
}

/* ehlo_lines - the EHLO reply, without the "250-"/"250 " prefixes */
static void
ehlo_lines(struct smtpd_state *s, struct argv *lines)
{
	int m = s->ehlo_discard_mask;
	struct vstr *size = vstr_alloc(30);

	argv_add(lines, var_myhostname);
	ehlo_add(lines, m, SMTPD_EHLO_PIPELINING, "PIPELINING");
	if (var_message_size_limit > 0)
		vstr_fmt(size, "SIZE %ld", var_message_size_limit);
	else
		vstr_cpy(size, "SIZE");
	ehlo_add(lines, m, SMTPD_EHLO_SIZE, vstr_str(size));
	if (!var_disable_vrfy_command)
		ehlo_add(lines, m, SMTPD_EHLO_VRFY, "VRFY");
	ehlo_add(lines, m, SMTPD_EHLO_ETRN, "ETRN");
	ehlo_add(lines, m, SMTPD_EHLO_ENHANCEDSTATUSCODES,
	         "ENHANCEDSTATUSCODES");
	ehlo_add(lines, m, SMTPD_EHLO_8BITMIME, "8BITMIME");
	ehlo_add(lines, m, SMTPD_EHLO_DSN, "DSN");
	ehlo_add(lines, m, SMTPD_EHLO_SMTPUTF8, "SMTPUTF8");
	ehlo_add(lines, m, SMTPD_EHLO_CHUNKING, "CHUNKING");
	vstr_free(size);
}

/* cmd_ehlo - EHLO hostname: the extension list */
static int
cmd_ehlo(struct smtpd_state *s, char *arg)
{
	struct argv *lines, *out;
	struct vstr *buf;

	if (helo_common(s, arg, "EHLO") < 0)
		return -1;
	s->ehlo_seen = true;
	xfree(s->protocol);
	s->protocol = xstrdup("ESMTP");
	s->ehlo_discard_mask = smtpd_ehlo_discard(s);
	log_discard(s->ehlo_discard_mask);
	lines = argv_alloc(12);
	out = argv_alloc(12);
	buf = vstr_alloc(100);
	ehlo_lines(s, lines);
	for (size_t i = 0; i < lines->argc; i++) {
		vstr_fmt(buf, "250%c%s", i + 1 < lines->argc ? '-' : ' ',
		         lines->argv[i]);
		argv_add(out, vstr_str(buf));
	}
	smtpd_chat_multi(s, out);
	argv_free(lines);
	argv_free(out);
	vstr_free(buf);
	return 0;
}

/* cmd_rset - RSET: forget the transaction */
static int
cmd_rset(struct smtpd_state *s, char *arg)
{
	if (*trim_space(arg) != 0) {
		smtpd_chat_reply(s, "501 5.5.4 Syntax: RSET");
		return -1;
	}
	smtpd_mail_reset(s);
	smtpd_chat_reply(s, "250 2.0.0 Ok");
	return 0;
}

/* cmd_noop - NOOP */
static int
cmd_noop(struct smtpd_state *s, char *arg)
{
	(void) arg;
	smtpd_chat_reply(s, "250 2.0.0 Ok");
	return 0;
}

/* cmd_quit - QUIT */
static int
cmd_quit(struct smtpd_state *s, char *arg)
{
	(void) arg;
	smtpd_chat_reply(s, "221 2.0.0 Bye");
	vstream_fflush(s->client);
	s->io_status = SMTPD_IO_CLOSE;
	return 0;
}

/* cmd_vrfy - VRFY address: 252, never a confirmation */
static int
cmd_vrfy(struct smtpd_state *s, char *arg)
{
	struct vstr *addr, *why;
	const char *reply;
	int ret = 0;

	if (var_disable_vrfy_command ||
	    (s->ehlo_discard_mask & SMTPD_EHLO_VRFY)) {
		smtpd_chat_reply(s, "502 5.5.1 VRFY command is disabled");
		return -1;
	}
	arg = trim_space(arg);
	if (*arg == 0) {
		smtpd_chat_reply(s, "501 5.5.4 Syntax: VRFY address");
		return -1;
	}
	addr = vstr_alloc(100);
	why = vstr_alloc(100);
	if (addr_parse_path(arg, addr, why) < 0 || vstr_len(addr) == 0) {
		smtpd_chat_reply(s, "501 5.1.3 Bad recipient address syntax");
		ret = -1;
	} else {
		xfree(s->recipient);
		s->recipient = xstrdup(vstr_str(addr));
		if ((reply = smtpd_check_rcpt(s)) != NULL) {
			smtpd_chat_reply(s, "%s", reply);
			ret = -1;
		} else {
			smtpd_chat_reply(s, "252 2.0.0 %s", arg);
		}
		s->recipient = xfree(s->recipient);
	}
	vstr_free(addr);
	vstr_free(why);
	return ret;
}

/* etrn_name_ok - a domain name, after an optional '@' or '#' */
static bool
etrn_name_ok(const char *name)
{
	if (*name == 0)
		return false;
	for (const char *cp = name; *cp; cp++)
		if (!isalnum((unsigned char) *cp) && !strchr("-_.[]:", *cp))
			return false;
	return true;
}

/* cmd_etrn - ETRN domain: ask the flush service to send its mail */
static int
cmd_etrn(struct smtpd_state *s, char *arg)
{
	const char *reply;

	if (s->ehlo_discard_mask & SMTPD_EHLO_ETRN) {
		smtpd_chat_reply(s, "502 5.5.1 Error: command not implemented");
		return -1;
	}
	if (s->sender != NULL) {
		smtpd_chat_reply(s, "503 5.5.1 Error: MAIL transaction in "
		                    "progress");
		return -1;
	}
	arg = trim_space(arg);
	if (*arg == 0) {
		smtpd_chat_reply(s, "501 5.5.4 Syntax: ETRN domain");
		return -1;
	}
	if (*arg == '@' || *arg == '#')
		arg++;
	if (!etrn_name_ok(arg)) {
		smtpd_chat_reply(s,
		                 "501 5.5.4 Error: invalid parameter syntax");
		return -1;
	}
	xfree(s->etrn_name);
	s->etrn_name = xstrdup(arg);
	if ((reply = smtpd_check_etrn(s)) != NULL) {
		smtpd_chat_reply(s, "%s", reply);
		return -1;
	}
	switch (flush_send_site(arg)) {
	case FLUSH_STAT_OK:
		smtpd_chat_reply(s, "250 Queuing started");
		return 0;
	case FLUSH_STAT_DENY:
		msg_warn("reject: ETRN %.100s... from %s", arg, s->namaddr);
		smtpd_chat_reply(s, "459 <%s>: service unavailable", arg);
		return -1;
	case FLUSH_STAT_BAD:
		msg_warn("bad ETRN %.100s... from %s", arg, s->namaddr);
		smtpd_chat_reply(s, "458 Unable to queue messages");
		return -1;
	default:
		msg_warn("unable to talk to fast flush service");
		smtpd_chat_reply(s, "458 Unable to queue messages");
		return -1;
	}
}

/* cmd_not_implemented - AUTH and STARTTLS, for now */
static int
cmd_not_implemented(struct smtpd_state *s, char *arg)
{
	(void) arg;
	smtpd_chat_reply(s, "502 5.5.1 Error: command not implemented");
	return -1;
}

#define DENY SMTPD_CMD_DENIABLE

const struct smtpd_cmd smtpd_cmd_table[] = {
        {"HELO", DENY | SMTPD_CMD_LIMIT | SMTPD_CMD_LAST, cmd_helo},
        {"EHLO", DENY | SMTPD_CMD_LIMIT | SMTPD_CMD_LAST, cmd_ehlo},
        {"STARTTLS", DENY | SMTPD_CMD_LAST, cmd_not_implemented},
        {"AUTH", DENY, cmd_not_implemented},
        {"MAIL", DENY | SMTPD_CMD_NEED_HELO, smtpd_cmd_mail},
        {"RCPT", DENY, smtpd_cmd_rcpt},
        {"DATA", DENY | SMTPD_CMD_LAST, smtpd_cmd_data},
        {"BDAT", DENY, smtpd_cmd_bdat},
        {"RSET", DENY | SMTPD_CMD_LIMIT, cmd_rset},
        {"NOOP", DENY | SMTPD_CMD_LIMIT | SMTPD_CMD_LAST, cmd_noop},
        {"VRFY", DENY | SMTPD_CMD_LIMIT | SMTPD_CMD_LAST | SMTPD_CMD_NEED_HELO,
         cmd_vrfy},
        {"ETRN", DENY | SMTPD_CMD_LIMIT | SMTPD_CMD_NEED_HELO, cmd_etrn},
        {"QUIT", 0, cmd_quit},
        {"UNKNOWN", DENY, NULL}, /* counters of unknown commands */
};

const size_t smtpd_cmd_count =
        sizeof(smtpd_cmd_table) / sizeof(smtpd_cmd_table[0]);

/* smtpd_cmd_find - table row of a verb, the UNKNOWN row if none */
const struct smtpd_cmd *
smtpd_cmd_find(const char *verb)
{
	for (size_t i = 0; i + 1 < smtpd_cmd_count; i++)
		if (strcasecmp(verb, smtpd_cmd_table[i].name) == 0)
			return smtpd_cmd_table + i;
	return smtpd_cmd_table + smtpd_cmd_count - 1;
}
