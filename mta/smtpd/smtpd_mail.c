/*
 * NAME
 *	smtpd_mail - MAIL FROM and RCPT TO, with their ESMTP parameters
 * SUMMARY
 *	int smtpd_cmd_mail(struct smtpd_state *s, char *arg);
 *	int smtpd_cmd_rcpt(struct smtpd_state *s, char *arg);
 *	void smtpd_mail_reset(struct smtpd_state *s);
 * DESCRIPTION
 *	smtpd_cmd_mail() starts a transaction: path syntax
 *	(strict_rfc821_envelopes), the parameters SIZE (RFC 1870), BODY
 *	(7BIT and 8BITMIME; BINARYMIME is refused as we do not offer it),
 *	SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461) and AUTH (accepted
 *	and ignored until AUTH exists), then smtpd_check_size() and
 *	smtpd_check_mail(). With smtpd_delay_open_until_valid_rcpt = no
 *	the cleanup connection opens here.
 *
 *	smtpd_cmd_rcpt() adds a recipient: syntax, NOTIFY and ORCPT,
 *	smtpd_recipient_limit (an excess of more than
 *	smtpd_recipient_overshoot_limit also counts as errors), then
 *	smtpd_check_rcpt(); the first accepted recipient opens the cleanup
 *	connection ("QUEUEID: client=...").
 *
 *	Both count the command with anvil (smtpd_anvil.c) after the path
 *	syntax when smtpd_client_message_rate_limit or
 *	smtpd_client_recipient_rate_limit is set (450 4.7.1 past it).
 *
 *	smtpd_mail_reset() forgets the transaction (RSET, HELO, after
 *	DATA): an open cleanup connection is closed without END, so
 *	cleanup drops the unfinished queue file.
 */
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "mail_params.h"
#include "mymalloc.h"
#include "smtpd_anvil.h"
#include "smtpd_check.h"
#include "smtpd_int.h"

struct esmtp_param {
	const char *name; /* "SIZE=" (with value) or "SMTPUTF8" (flag) */
	int (*fn)(struct smtpd_state *, const char *);
};

/* has_8bit - non-ASCII text? */
static bool
has_8bit(const char *s)
{
	for (; *s; s++)
		if (*(const unsigned char *) s >= 0x80)
			return true;
	return false;
}

/* dsn_disabled - DSN keyword discarded for this client */
static int
dsn_disabled(struct smtpd_state *s)
{
	if ((s->ehlo_discard_mask & SMTPD_EHLO_DSN) == 0)
		return 0;
	smtpd_chat_reply(s, "501 5.7.1 DSN support is disabled");
	return -1;
}

/* mail_size - SIZE=n */
static int
mail_size(struct smtpd_state *s, const char *value)
{
	if (*value == 0 || strspn(value, "0123456789") != strlen(value)) {
		smtpd_chat_reply(s, "501 5.5.4 Bad message size syntax");
		return -1;
	}
	if (!smtpd_size_parse(value, &s->msg_size)) {
		smtpd_chat_reply(s,
		                 "552 5.3.4 Message size exceeds file system "
		                 "imposed limit");
		return -1;
	}
	return 0;
}

/* mail_body - BODY=7BIT or BODY=8BITMIME */
static int
mail_body(struct smtpd_state *s, const char *value)
{
	const char *enc = strcasecmp(value, "8BITMIME") == 0 ? "8bit"
	                  : strcasecmp(value, "7BIT") == 0   ? "7bit"
	                                                     : NULL;

	if (enc == NULL) {
		smtpd_chat_reply(s, "555 5.5.4 Unsupported option: BODY=%s",
		                 value);
		return -1;
	}
	xfree(s->encoding);
	s->encoding = xstrdup(enc);
	return 0;
}

/* mail_smtputf8 - SMTPUTF8 */
static int
mail_smtputf8(struct smtpd_state *s, const char *value)
{
	(void) value;
	if (s->ehlo_discard_mask & SMTPD_EHLO_SMTPUTF8) {
		smtpd_chat_reply(s, "555 5.5.4 Unsupported option: SMTPUTF8");
		return -1;
	}
	s->smtputf8 = true;
	return 0;
}

/* mail_ret - RET=FULL or RET=HDRS */
static int
mail_ret(struct smtpd_state *s, const char *value)
{
	if (dsn_disabled(s) < 0)
		return -1;
	if (s->dsn_ret != 0) {
		smtpd_chat_reply(s, "501 5.5.4 Duplicate RET parameter");
		return -1;
	}
	if ((s->dsn_ret = smtpd_dsn_ret_code(value)) == 0) {
		smtpd_chat_reply(s, "501 5.5.4 Bad RET parameter syntax");
		return -1;
	}
	return 0;
}

/* mail_envid - ENVID=xtext */
static int
mail_envid(struct smtpd_state *s, const char *value)
{
	struct vstr *buf;

	if (dsn_disabled(s) < 0)
		return -1;
	if (s->dsn_envid != NULL) {
		smtpd_chat_reply(s, "501 5.5.4 Duplicate ENVID parameter");
		return -1;
	}
	buf = vstr_alloc(100);
	if (!smtpd_xtext_decode(value, buf) || has_8bit(vstr_str(buf)) ||
	    strlen(vstr_str(buf)) != vstr_len(buf)) {
		vstr_free(buf);
		smtpd_chat_reply(s, "501 5.5.4 Bad ENVID parameter syntax");
		return -1;
	}
	s->dsn_envid = vstr_export(buf);
	return 0;
}

/* mail_auth - AUTH=<mailbox>: no SASL yet, so nothing to trust */
static int
mail_auth(struct smtpd_state *s, const char *value)
{
	(void) s;
	(void) value;
	return 0;
}

static const struct esmtp_param mail_params[] = {
        {"SIZE=", mail_size},        {"BODY=", mail_body},
        {"SMTPUTF8", mail_smtputf8}, {"RET=", mail_ret},
        {"ENVID=", mail_envid},      {"AUTH=", mail_auth},
};

/* run_params - apply a parameter table to the words of a command */
static int
run_params(struct smtpd_state *s, const struct esmtp_param *table, size_t n,
           const struct argv *words)
{
	for (size_t i = 0; i < words->argc; i++) {
		const char *w = words->argv[i];
		size_t j;

		for (j = 0; j < n; j++) {
			size_t len = strlen(table[j].name);
			bool has_value = table[j].name[len - 1] == '=';

			if (has_value ? strncasecmp(w, table[j].name, len) == 0
			              : strcasecmp(w, table[j].name) == 0)
				break;
		}
		if (j == n) {
			smtpd_chat_reply(s, "555 5.5.4 Unsupported option: %s",
			                 w);
			return -1;
		}
		if (table[j].fn(s, w + strlen(table[j].name)) < 0)
			return -1;
	}
	return 0;
}

/* parse_path - split the arguments and parse the address */
static int
parse_path(const char *arg, const char *prefix, struct vstr *addr,
           struct argv *params)
{
	struct vstr *path = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	int rc = smtpd_path_split(arg, prefix, var_strict_rfc821_envelopes,
	                          path, params);

	if (rc == SMTPD_PATH_OK &&
	    addr_parse_path(vstr_str(path), addr, why) < 0)
		rc = SMTPD_PATH_BAD;
	vstr_free(path);
	vstr_free(why);
	return rc;
}

/* mail_finish - checks that need the whole MAIL command */
static int
mail_finish(struct smtpd_state *s, const char *sender)
{
	const char *reply;

	if (has_8bit(sender) && !s->smtputf8) {
		smtpd_chat_reply(s, "553 5.6.7 Must declare SMTPUTF8 to send "
		                    "unicode address");
		return -1;
	}
	s->sender = xstrdup(sender);
	if ((reply = smtpd_check_size(s, s->msg_size)) != NULL ||
	    (reply = smtpd_check_mail(s)) != NULL) {
		smtpd_chat_reply(s, "%s", reply);
		return -1;
	}
	if (!var_smtpd_delay_open_until_valid_rcpt &&
	    smtpd_cleanup_open(s) < 0) {
		smtpd_chat_reply(s, "451 4.3.0 Error: queue file write error");
		return -1;
	}
	return 0;
}

/* smtpd_cmd_mail - MAIL FROM:<sender> [parameters] */
int
smtpd_cmd_mail(struct smtpd_state *s, char *arg)
{
	struct vstr *addr;
	struct argv *params;
	int rc;

	if (s->sender != NULL) {
		smtpd_chat_reply(s, "503 5.5.1 Error: nested MAIL command");
		return -1;
	}
	addr = vstr_alloc(100);
	params = argv_alloc(4);
	rc = parse_path(arg, "FROM:", addr, params);
	if (rc == SMTPD_PATH_SYNTAX)
		smtpd_chat_reply(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
	else if (rc == SMTPD_PATH_BAD)
		smtpd_chat_reply(s, "501 5.1.7 Bad sender address syntax");
	else if (smtpd_anvil_mail(s) < 0 ||
	         run_params(s, mail_params,
	                    sizeof(mail_params) / sizeof(mail_params[0]),
	                    params) < 0 ||
	         mail_finish(s, vstr_str(addr)) < 0)
		rc = -1;
	else
		smtpd_chat_reply(s, "250 2.1.0 Ok");
	if (rc != 0)
		smtpd_mail_reset(s);
	vstr_free(addr);
	argv_free(params);
	return rc == 0 ? 0 : -1;
}

/* Per-recipient DSN parameters, filled in by the RCPT parameter table. */
struct rcpt_dsn {
	int notify;
	struct vstr *orcpt;
	bool have_orcpt;
};

static struct rcpt_dsn rcpt_dsn;

/* rcpt_notify - NOTIFY=... */
static int
rcpt_notify(struct smtpd_state *s, const char *value)
{
	if (dsn_disabled(s) < 0)
		return -1;
	if (rcpt_dsn.notify != 0) {
		smtpd_chat_reply(s, "501 5.5.4 Duplicate NOTIFY parameter");
		return -1;
	}
	if ((rcpt_dsn.notify = smtpd_dsn_notify_mask(value)) == 0) {
		smtpd_chat_reply(s, "501 5.5.4 Bad NOTIFY parameter syntax");
		return -1;
	}
	return 0;
}

/* rcpt_orcpt - ORCPT=type;xtext */
static int
rcpt_orcpt(struct smtpd_state *s, const char *value)
{
	if (dsn_disabled(s) < 0)
		return -1;
	if (rcpt_dsn.have_orcpt) {
		smtpd_chat_reply(s, "501 5.5.4 Duplicate ORCPT parameter");
		return -1;
	}
	if (!smtpd_orcpt_parse(value, rcpt_dsn.orcpt)) {
		smtpd_chat_reply(s, "501 5.5.4 Bad ORCPT parameter syntax");
		return -1;
	}
	rcpt_dsn.have_orcpt = true;
	return 0;
}

static const struct esmtp_param rcpt_params[] = {
        {"NOTIFY=", rcpt_notify},
        {"ORCPT=", rcpt_orcpt},
};

/* rcpt_limit - smtpd_recipient_limit and the overshoot */
static int
rcpt_limit(struct smtpd_state *s)
{
	if (s->rcpt_count < var_smtpd_recipient_limit)
		return 0;
	if (++s->rcpt_overshoot <= var_smtpd_recipient_overshoot_limit)
		smtpd_chat_reply_nocount(s, "452 4.5.3 Error: too many "
		                            "recipients");
	else
		smtpd_chat_reply(s, "452 4.5.3 Error: too many recipients");
	return -1;
}

/* rcpt_accept - send the recipient to cleanup */
static int
rcpt_accept(struct smtpd_state *s, const char *rcpt)
{
	struct vstr *orcpt = vstr_alloc(100);
	int ret = 0;

	if (rcpt_dsn.have_orcpt) {
		vstr_cpy(orcpt, vstr_str(rcpt_dsn.orcpt));
	} else {
		addr_quote_local(rcpt, rcpt_dsn.orcpt);
		vstr_cpy(orcpt, "rfc822;");
		vstr_cat(orcpt, vstr_str(rcpt_dsn.orcpt));
	}
	if ((s->cleanup == NULL && smtpd_cleanup_open(s) < 0) ||
	    smtpd_cleanup_rcpt(s, rcpt, vstr_str(orcpt), rcpt_dsn.notify) < 0) {
		smtpd_chat_reply(s, "451 4.3.0 Error: queue file write error");
		ret = -1;
	} else {
		if (s->rcpt_count++ == 0)
			s->rcpt_first = xstrdup(rcpt);
		smtpd_chat_reply(s, "250 2.1.5 Ok");
	}
	vstr_free(orcpt);
	return ret;
}

/* rcpt_checks - limits, address and access checks */
static int
rcpt_checks(struct smtpd_state *s, const char *rcpt)
{
	const char *reply;

	if (*rcpt == 0) {
		smtpd_chat_reply(s, "501 5.1.3 Bad recipient address syntax");
		return -1;
	}
	if (has_8bit(rcpt) && !s->smtputf8) {
		smtpd_chat_reply(s, "553 5.6.7 Must declare SMTPUTF8 to send "
		                    "unicode address");
		return -1;
	}
	xfree(s->recipient);
	s->recipient = xstrdup(rcpt);
	if ((reply = smtpd_check_rcpt(s)) != NULL) {
		smtpd_chat_reply(s, "%s", reply);
		return -1;
	}
	return rcpt_accept(s, rcpt);
}

/* smtpd_cmd_rcpt - RCPT TO:<recipient> [parameters] */
int
smtpd_cmd_rcpt(struct smtpd_state *s, char *arg)
{
	struct vstr *addr;
	struct argv *params;
	int rc;

	if (s->sender == NULL) {
		smtpd_chat_reply(s, "503 5.5.1 Error: need MAIL command");
		return -1;
	}
	if (rcpt_dsn.orcpt == NULL)
		rcpt_dsn.orcpt = vstr_alloc(100);
	rcpt_dsn.notify = 0;
	rcpt_dsn.have_orcpt = false;
	addr = vstr_alloc(100);
	params = argv_alloc(4);
	rc = parse_path(arg, "TO:", addr, params);
	if (rc == SMTPD_PATH_SYNTAX)
		smtpd_chat_reply(s, "501 5.5.4 Syntax: RCPT TO:<address>");
	else if (rc == SMTPD_PATH_BAD)
		smtpd_chat_reply(s, "501 5.1.3 Bad recipient address syntax");
	else if (rcpt_limit(s) < 0 || smtpd_anvil_rcpt(s) < 0 ||
	         run_params(s, rcpt_params,
	                    sizeof(rcpt_params) / sizeof(rcpt_params[0]),
	                    params) < 0 ||
	         rcpt_checks(s, vstr_str(addr)) < 0)
		rc = -1;
	vstr_free(addr);
	argv_free(params);
	return rc == 0 ? 0 : -1;
}

/* smtpd_mail_reset - forget the current transaction */
void
smtpd_mail_reset(struct smtpd_state *s)
{
	smtpd_cleanup_abort(s);
	s->sender = xfree(s->sender);
	s->recipient = xfree(s->recipient);
	s->queue_id = xfree(s->queue_id);
	s->encoding = xfree(s->encoding);
	s->dsn_envid = xfree(s->dsn_envid);
	s->rcpt_first = xfree(s->rcpt_first);
	s->bdat_error = xfree(s->bdat_error);
	s->msg_size = 0;
	s->rcpt_count = 0;
	s->rcpt_overshoot = 0;
	s->dsn_ret = 0;
	s->smtputf8 = false;
	s->err = 0;
	s->bdat_state = SMTPD_BDAT_NONE;
	s->cleanup_flags = 0;
	smtpd_check_reset(s);
}
