/*
 * smtpd_check_access - access(5) table lookups of the restrictions and
 * what their results do
 */
#include <string.h>
#include <strings.h>

#include "access_map.h"
#include "argv.h"
#include "dict.h"
#include "mail_params.h"
#include "maps.h"
#include "msg.h"
#include "mymalloc.h"
#include "resolve.h"
#include "smtpd_check_int.h"
#include "stringops.h"
#include "vstr.h"

#define CONFIG_ERROR_VALUE "451 4.3.5 Server configuration error"

/* first_word_is - the first word of value is word (any case) */
static bool
first_word_is(const char *value, const char *word)
{
	size_t len = strcspn(value, " \t");

	return strlen(word) == len && strncasecmp(value, word, len) == 0;
}

/* not_in_client_helo - actions for the message need a transaction */
static bool
not_in_client_helo(struct eval *e, const char *table, const char *action)
{
	if (e->state->sender != NULL)
		return true;
	msg_warn("access table %s: with smtpd_delay_reject=no, action %s is "
	         "always skipped in %s or %s restrictions",
	         table, action, NAME_CLIENT, NAME_HELO);
	return false;
}

/* can_delegate - whether an action for cleanup is possible here */
static bool
can_delegate(struct eval *e, const char *table, const char *action)
{
	if (strcmp(e->ctx->where, "ETRN") == 0) {
		msg_warn("access table %s: action %s is unavailable in %s",
		         table, action, "smtpd_etrn_restrictions");
		return false;
	}
	return not_in_client_helo(e, table, action);
}

/* reply_action - REJECT, DEFER, 4NN/5NN and the DEFER_IF_* kinds */
static int
reply_action(struct eval *e, const struct access_action *a)
{
	struct smtpd_state *s = e->state;
	const char *text = *a->text ? a->text : "Access denied";
	const char *soft = *a->text ? a->text : "Service unavailable";
	char def_dsn[] = "5.7.1";

	switch (a->verb) {
	case ACCESS_REJECT:
		return check_reject(s, CHECK_ERR_POLICY,
		                    var_access_map_reject_code,
		                    check_dsn_fix(a->dsn ? a->dsn : "5.7.1",
		                                  e->reply_class),
		                    "<%s>: %s rejected: %s", e->reply_name,
		                    e->reply_class, text);
	case ACCESS_DEFER:
		return check_reject(s, CHECK_ERR_POLICY,
		                    var_access_map_defer_code,
		                    check_dsn_fix(a->dsn ? a->dsn : "4.7.1",
		                                  e->reply_class),
		                    "<%s>: %s rejected: %s", e->reply_name,
		                    e->reply_class, text);
	case ACCESS_DEFER_IF_PERMIT:
		return check_defer_if_permit(
		        s, true, CHECK_ERR_POLICY, var_access_map_defer_code,
		        check_dsn_fix(a->dsn ? a->dsn : "4.7.1",
		                      e->reply_class),
		        "<%s>: %s rejected: %s", e->reply_name, e->reply_class,
		        soft);
	case ACCESS_DEFER_IF_REJECT:
		return check_defer_if(&e->ctx->defer_if_reject,
		                      CHECK_ERR_POLICY,
		                      var_access_map_defer_code,
		                      check_dsn_fix(a->dsn ? a->dsn : "4.7.1",
		                                    e->reply_class),
		                      "<%s>: %s rejected: %s", e->reply_name,
		                      e->reply_class, soft);
	default:
		def_dsn[0] = (char) ('0' + a->code / 100);
		return check_reject(s, CHECK_ERR_POLICY, a->code,
		                    check_dsn_fix(a->dsn ? a->dsn : def_dsn,
		                                  e->reply_class),
		                    "<%s>: %s rejected: %s", e->reply_name,
		                    e->reply_class, text);
	}
}

/* log_action - "<name>: class text" in a hold/discard/... line */
static char *
log_action(struct eval *e, const char *whatsup, const char *prefix,
           const char *text)
{
	struct vstr *buf = vstr_alloc(100);

	vstr_fmt(buf, "<%s>: %s %s%s", e->reply_name, e->reply_class, prefix,
	         text);
	check_log_whatsup(e->state, whatsup, vstr_str(buf));
	return vstr_export(buf);
}

/* message_action - HOLD, DISCARD, FILTER, REDIRECT, BCC, PREPEND */
static int
message_action(struct eval *e, const char *table, const char *value,
               const struct access_action *a)
{
	struct smtpd_state *s = e->state;
	const char *verb = access_verb_name(a->verb);
	char *why;

	if (a->verb == ACCESS_PREPEND ? !not_in_client_helo(e, table, verb)
	                              : !can_delegate(e, table, verb))
		return CHECK_DUNNO;
	switch (a->verb) {
	case ACCESS_HOLD:
		if (s->hold)
			return CHECK_DUNNO;
		why = log_action(e, "hold", "",
		                 *a->text ? a->text : "triggers HOLD action");
		s->hold = true;
		xfree(s->hold_reason);
		s->hold_reason = why;
		return CHECK_DUNNO;
	case ACCESS_DISCARD:
		why = log_action(e, "discard", "",
		                 *a->text ? a->text
		                          : "triggers DISCARD action");
		s->discard = true;
		xfree(s->discard_reason);
		s->discard_reason = why;
		return check_permit(e, "DISCARD", e->reply_class, e->reply_name,
		                    table);
	case ACCESS_FILTER:
		xfree(log_action(e, "filter", "triggers FILTER ", a->text));
		xfree(s->filter);
		s->filter = xstrdup(a->text);
		return CHECK_DUNNO;
	case ACCESS_REDIRECT:
		xfree(log_action(e, "redirect", "triggers REDIRECT ", a->text));
		xfree(s->redirect);
		s->redirect = xstrdup(a->text);
		return CHECK_DUNNO;
	case ACCESS_BCC:
		xfree(log_action(e, "bcc", "triggers BCC ", a->text));
		if (e->ctx->bcc == NULL)
			e->ctx->bcc = argv_alloc(1);
		argv_add(e->ctx->bcc, a->text);
		return CHECK_DUNNO;
	default: /* ACCESS_PREPEND */
		if (strcmp(e->ctx->where, "END-OF-MESSAGE") == 0) {
			msg_warn("access table %s: action PREPEND must be used "
			         "before %s",
			         table, "smtpd_end_of_data_restrictions");
			return CHECK_DUNNO;
		}
		(void) value;
		if (s->prepend == NULL)
			s->prepend = argv_alloc(1);
		argv_add(s->prepend, a->text);
		return CHECK_DUNNO;
	}
}

/* split_list - a restriction list from a table value (tables not opened) */
static struct argv *
split_list(const char *value)
{
	char *copy = xstrdup(value);
	char *bp = copy;
	char *name;
	struct argv *list = argv_alloc(3);

	while ((name = mystrtokq(&bp, LIST_DELIMS, "{}")) != NULL)
		argv_add(list, name);
	xfree(copy);
	return list;
}

/* restriction_action - a value that is a list of restrictions */
static int
restriction_action(struct eval *e, const char *table, const char *value)
{
	struct argv *list;
	int status;

	if (strchr(value, ':') != NULL) {
		msg_warn("access table %s has entry with lookup table: %s",
		         table, value);
		msg_warn("do not specify lookup tables inside SMTPD access "
		         "maps");
		msg_warn("define a restriction class and specify its name "
		         "instead.");
		return check_server_error(e->state);
	}
	if (e->ctx->recursion > 100) {
		msg_warn("access table %s entry %s causes unreasonable "
		         "recursion",
		         table, value);
		return check_server_error(e->state);
	}
	list = split_list(value);
	if (list->argc == 0) {
		msg_warn("access table %s entry %s has empty value", table,
		         value);
		status = CHECK_OK;
	} else {
		status = check_generic(e, list);
	}
	argv_free(list);
	return status;
}

/* bad_action - a value that access_action_parse() refused */
static int
bad_action(struct eval *e, const char *table, const char *value,
           const char *datum, const char *why)
{
	if (first_word_is(value, "FILTER")) {
		msg_warn("access table %s entry \"%s\" requires "
		         "transport:destination",
		         table, datum);
	} else if (first_word_is(value, "REDIRECT") ||
	           first_word_is(value, "BCC")) {
		msg_warn("access table %s entry \"%s\" requires user@domain "
		         "target",
		         table, datum);
	} else if (first_word_is(value, "PREPEND")) {
		msg_warn("access table %s entry \"%s\" requires header: text",
		         table, datum);
	} else {
		msg_warn("access table %s: %s", table, why);
		return check_server_error(e->state);
	}
	return CHECK_DUNNO;
}

/* check_table_result - what a table value means for the request */
int
check_table_result(struct eval *e, const char *table, const char *value,
                   const char *datum)
{
	struct access_action a;
	struct vstr *why;
	int status;

	/* Postfix ignores text after these, and knows RELAY. */
	if (first_word_is(value, "DUNNO"))
		return CHECK_DUNNO;
	if (first_word_is(value, "OK") || first_word_is(value, "RELAY"))
		return check_permit(e,
		                    first_word_is(value, "OK") ? "OK" : "RELAY",
		                    e->reply_class, e->reply_name, table);
	why = vstr_alloc(100);
	if (!access_action_parse(value, &a, why)) {
		status = bad_action(e, table, value, datum, vstr_str(why));
		vstr_free(why);
		return status;
	}
	vstr_free(why);
	switch (a.verb) {
	case ACCESS_OK:
		status = check_permit(e, value, e->reply_class, e->reply_name,
		                      table);
		break;
	case ACCESS_DUNNO:
		status = CHECK_DUNNO;
		break;
	case ACCESS_INFO:
	case ACCESS_WARN:
		check_log_whatsup(e->state,
		                  a.verb == ACCESS_INFO ? "info" : "warn",
		                  a.text);
		status = CHECK_DUNNO;
		break;
	case ACCESS_RESTRICTIONS:
		status = restriction_action(e, table, a.text);
		break;
	case ACCESS_HOLD:
	case ACCESS_DISCARD:
	case ACCESS_FILTER:
	case ACCESS_REDIRECT:
	case ACCESS_BCC:
	case ACCESS_PREPEND:
		status = message_action(e, table, value, &a);
		break;
	default:
		status = reply_action(e, &a);
		break;
	}
	access_action_free(&a);
	return status;
}

/* table_of - the pre-opened table, or a configuration error */
static struct maps *
table_of(struct eval *e, const char *table, const char *datum, int *status)
{
	struct maps *maps = check_table(table);

	if (maps == NULL) {
		msg_warn("%s: unexpected dictionary: %s", __func__, table);
		*status =
		        check_table_result(e, table, CONFIG_ERROR_VALUE, datum);
	}
	return maps;
}

/* lookup_result - the outcome of an access_find_*() call */
static int
lookup_result(struct eval *e, const char *table, int rc, const char *value,
              const char *datum)
{
	if (rc == DICT_FOUND)
		return check_table_result(e, table, value, datum);
	if (rc == DICT_ERROR)
		return check_table_result(e, table, CONFIG_ERROR_VALUE, datum);
	return CHECK_DUNNO;
}

/* check_client_access - client name (and parents), then address */
int
check_client_access(struct eval *e, const char *table, const char *name,
                    const char *addr, const char *datum)
{
	struct maps *maps;
	const char *value = NULL;
	int status = CHECK_DUNNO;
	int rc;

	if ((maps = table_of(e, table, datum, &status)) == NULL)
		return status;
	rc = access_find_client(maps, name, addr ? addr : "", &value, NULL);
	return lookup_result(e, table, rc, value, datum);
}

/* check_domain_access - a HELO or ETRN name and its parent domains */
int
check_domain_access(struct eval *e, const char *table, const char *domain)
{
	struct maps *maps;
	const char *value = NULL;
	int status = CHECK_DUNNO;
	int rc;

	if ((maps = table_of(e, table, domain, &status)) == NULL)
		return status;
	rc = access_find_domain(maps, domain, &value, NULL);
	return lookup_result(e, table, rc, value, domain);
}

/* check_null_sender_access - the null sender as $smtpd_null_access_... */
int
check_null_sender_access(struct eval *e, const char *table)
{
	struct maps *maps;
	const char *value = NULL;
	int status = CHECK_DUNNO;
	int rc;

	if ((maps = table_of(e, table, "", &status)) == NULL)
		return status;
	rc = access_find_mail(maps, "", &value, NULL);
	return lookup_result(e, table, rc, value, "");
}

/* check_mail_access - an envelope address, resolved as Postfix does */
int
check_mail_access(struct eval *e, const char *table, const char *addr)
{
	struct resolve_reply reply;
	struct maps *maps;
	const char *value = NULL;
	const char *rcpt;
	int status = CHECK_DUNNO;
	int rc;

	resolve_reply_init(&reply);
	resolve_addr(addr, &reply);
	rcpt = vstr_str(reply.recipient);
	if (reply.flags & RESOLVE_FLAG_FAIL) {
		status = check_dict_retry(e->state, addr);
	} else if (strrchr(rcpt, '@') == NULL) {
		msg_warn("%s: no @domain in address: %s", __func__, rcpt);
	} else if ((maps = table_of(e, table, rcpt, &status)) != NULL) {
		rc = access_find_mail(maps, rcpt, &value, NULL);
		status = lookup_result(e, table, rc, value, rcpt);
		/* Source-routed recipients are too suspicious for OK. */
		if (status == CHECK_OK && !var_allow_untrusted_routing &&
		    (reply.flags & RESOLVE_FLAG_ROUTED) &&
		    strcmp(e->reply_class, NAME_RECIPIENT) == 0)
			status = CHECK_DUNNO;
	}
	resolve_reply_free(&reply);
	return status;
}
