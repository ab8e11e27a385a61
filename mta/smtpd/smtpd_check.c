/*
 * smtpd_check - access restrictions of the SMTP server: set-up, the
 * per-command drivers, and the reply and logging helpers
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>

#include "dsn_util.h"
#include "argv.h"
#include "dict.h"
#include "htable.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "maps.h"
#include "msg.h"
#include "mymalloc.h"
#include "smtpd_check.h"
#include "smtpd_check_int.h"
#include "stringops.h"
#include "vstr.h"

/* Pre-parsed restriction lists. */
static struct argv *client_restr;
static struct argv *helo_restr;
static struct argv *mail_restr;
static struct argv *relay_restr;
static struct argv *rcpt_restr;
static struct argv *etrn_restr;
static struct argv *data_restr;
static struct argv *eod_restr;

static struct htable *rest_classes; /* class name -> struct argv */
static struct htable *map_tables;   /* "type:name" -> struct maps */

/* One session at a time per process: the check state lives here. */
static struct check_ctx the_ctx;

/* check_ctx - the check state of a session, made on first use */
struct check_ctx *
check_ctx(struct smtpd_state *state)
{
	if (the_ctx.text == NULL) {
		the_ctx.text = vstr_alloc(100);
		the_ctx.defer_if_permit.dsn = vstr_alloc(10);
		the_ctx.defer_if_permit.reason = vstr_alloc(100);
		the_ctx.defer_if_reject.dsn = vstr_alloc(10);
		the_ctx.defer_if_reject.reason = vstr_alloc(100);
		the_ctx.where = "CONNECT";
	}
	state->check_ctx = &the_ctx;
	return &the_ctx;
}

/* check_map_names - a map list as smtpd can open it: no proxy: (no
 * proxymap; proxy:unix:passwd.byname becomes a snapshot) and no nis: */
char *
check_map_names(const char *names)
{
	static bool nis_warned;
	char *copy = xstrdup(names ? names : "");
	char *bp = copy;
	char *name;
	struct vstr *out = vstr_alloc(100);

	while ((name = mystrtokq(&bp, LIST_DELIMS, "{}")) != NULL) {
		bool proxied = false;

		while (strncasecmp(name, "proxy:", 6) == 0) {
			name += 6;
			proxied = true;
		}
		/* Outside the jail, as proxymap would look it up. */
		if (proxied && strcmp(name, "unix:passwd.byname") == 0) {
			check_pw_register();
			name = "smtpd_passwd:passwd.byname";
		}
		if (strncasecmp(name, "nis:", 4) == 0) {
			/* As Debian's postfix without a NIS domain. */
			if (!nis_warned)
				msg_warn("dict_nis_init: NIS domain name not "
				         "set - NIS lookups disabled");
			nis_warned = true;
			continue;
		}
		if (vstr_len(out) > 0)
			vstr_cat(out, ", ");
		vstr_cat(out, name);
	}
	xfree(copy);
	return vstr_export(out);
}

/* table_register - open a table named in a restriction list, once */
static void
table_register(const char *name)
{
	char *names;

	if (map_tables == NULL)
		map_tables = htable_create(10);
	if (htable_find(map_tables, name) != NULL)
		return;
	names = check_map_names(name);
	htable_enter(
	        map_tables, name,
	        maps_create(name, names, DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX));
	xfree(names);
}

/* check_table - the pre-opened map list of a table name, or NULL */
struct maps *
check_table(const char *name)
{
	return map_tables ? htable_find(map_tables, name) : NULL;
}

/* check_class - the list of a restriction class, or NULL */
struct argv *
check_class(const char *name)
{
	return rest_classes ? htable_find(rest_classes, name) : NULL;
}

/* check_parse - split a restriction list and open its tables */
struct argv *
check_parse(const char *text)
{
	char *copy = xstrdup(text ? text : "");
	char *bp = copy;
	char *name;
	struct argv *list = argv_alloc(5);

	while ((name = mystrtokq(&bp, LIST_DELIMS, "{}")) != NULL) {
		/* A policy server (not supported yet) is no table. */
		bool policy = list->argc > 0 &&
		              strcasecmp(list->argv[list->argc - 1],
		                         "check_policy_service") == 0;

		argv_add(list, name);
		if (*name != '{' && strchr(name, ':') != NULL && !policy)
			table_register(name);
	}
	xfree(copy);
	return list;
}

/* parse_classes - smtpd_restriction_classes and their definitions */
static void
parse_classes(void)
{
	char *copy = xstrdup(var_smtpd_restriction_classes
	                             ? var_smtpd_restriction_classes
	                             : "");
	char *bp = copy;
	char *name;

	rest_classes = htable_create(10);
	while ((name = mystrtok(&bp, LIST_DELIMS)) != NULL) {
		char *value = mail_conf_eval_name(name);

		if (value == NULL || *value == 0)
			msg_fatal("restriction class `%s' needs a definition",
			          name);
		if (htable_find(rest_classes, name) == NULL)
			htable_enter(rest_classes, name, check_parse(value));
		xfree(value);
	}
	xfree(copy);
	if (htable_find(rest_classes, "reject_sender_login_mismatch") == NULL)
		htable_enter(rest_classes, "reject_sender_login_mismatch",
		             check_parse("reject_authenticated_sender_login_"
		                         "mismatch reject_unauthenticated_"
		                         "sender_login_mismatch"));
}

/* require_relay_control - refuse to run as an open relay (Postfix does) */
static void
require_relay_control(void)
{
	if (check_has_required(rcpt_restr, 0) ||
	    check_has_required(relay_restr, 0))
		return;
	msg_fatal("in parameter smtpd_relay_restrictions or "
	          "smtpd_recipient_restrictions, specify at least one working "
	          "instance of: reject_unauth_destination, "
	          "defer_unauth_destination, reject, defer, defer_if_permit or "
	          "check_relay_domains");
}

/* smtpd_check_init - parse the lists and open the tables */
void
smtpd_check_init(void)
{
	check_cleanup();
	client_restr = check_parse(var_smtpd_client_restrictions);
	helo_restr = check_parse(var_smtpd_helo_restrictions);
	mail_restr = check_parse(var_smtpd_sender_restrictions);
	relay_restr = check_parse(var_smtpd_relay_restrictions);
	rcpt_restr = check_parse(var_smtpd_recipient_restrictions);
	etrn_restr = check_parse(var_smtpd_etrn_restrictions);
	data_restr = check_parse(var_smtpd_data_restrictions);
	eod_restr = check_parse(var_smtpd_end_of_data_restrictions);
	parse_classes();
	require_relay_control();
	check_addr_init();
}

/* free_list, free_maps - htable value destructors */
static void
free_list(void *p)
{
	(void) argv_free(p);
}

static void
free_maps(void *p)
{
	(void) maps_free(p);
}

/* check_cleanup - forget everything smtpd_check_init() made (tests) */
void
check_cleanup(void)
{
	struct argv **lists[] = {&client_restr, &helo_restr, &mail_restr,
	                         &relay_restr,  &rcpt_restr, &etrn_restr,
	                         &data_restr,   &eod_restr};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (*lists[i])
			*lists[i] = argv_free(*lists[i]);
	if (rest_classes)
		rest_classes = htable_free(rest_classes, free_list);
	if (map_tables)
		map_tables = htable_free(map_tables, free_maps);
	check_addr_cleanup();
}

/* session_reset - the per-evaluation flags (Postfix SMTPD_CHECK_RESET) */
static void
session_reset(struct check_ctx *ctx)
{
	ctx->recursion = 0;
	ctx->warn_if_reject = 0;
	ctx->defer_if_reject.active = false;
}

/* smtpd_check_session - a new client */
void
smtpd_check_session(struct smtpd_state *state)
{
	struct check_ctx *ctx = check_ctx(state);

	session_reset(ctx);
	ctx->defer_if_permit.active = false;
	ctx->dip_client = ctx->dip_helo = ctx->dip_sender = false;
	ctx->sender_rcptmap_checked = false;
	ctx->recipient_rcptmap_checked = false;
	ctx->error_mask = 0;
	ctx->where = "CONNECT";
	if (ctx->bcc)
		ctx->bcc = argv_free(ctx->bcc);
}

/* smtpd_check_reset - forget the access(5) side effects of a message */
void
smtpd_check_reset(struct smtpd_state *state)
{
	struct check_ctx *ctx = check_ctx(state);

	state->hold = false;
	state->discard = false;
	state->filter = xfree(state->filter);
	state->redirect = xfree(state->redirect);
	state->hold_reason = xfree(state->hold_reason);
	state->discard_reason = xfree(state->discard_reason);
	if (state->prepend)
		state->prepend = argv_free(state->prepend);
	if (ctx->bcc)
		ctx->bcc = argv_free(ctx->bcc);
	ctx->sender_rcptmap_checked = false;
	ctx->recipient_rcptmap_checked = false;
	ctx->dip_sender = false;
}

/* check_log_whatsup - "NOQUEUE: reject: RCPT from name[addr]: ..." */
void
check_log_whatsup(struct smtpd_state *state, const char *whatsup,
                  const char *text)
{
	struct check_ctx *ctx = check_ctx(state);
	struct vstr *buf = vstr_alloc(200);

	vstr_fmt(buf, "%s: %s: %s from %s: %s;",
	         state->queue_id ? state->queue_id : "NOQUEUE", whatsup,
	         ctx->where, state->namaddr ? state->namaddr : "unknown", text);
	if (state->sender)
		vstr_fmt_append(buf, " from=<%s>", state->sender);
	if (state->recipient)
		vstr_fmt_append(buf, " to=<%s>", state->recipient);
	if (state->protocol)
		vstr_fmt_append(buf, " proto=%s", state->protocol);
	if (state->helo_name)
		vstr_fmt_append(buf, " helo=<%s>", state->helo_name);
	if (state->sasl_method)
		vstr_fmt_append(buf, " sasl_method=%s", state->sasl_method);
	if (state->sasl_username)
		vstr_fmt_append(buf, " sasl_username=%s", state->sasl_username);
	msg_info("%s", printable(vstr_str(buf), '?'));
	vstr_free(buf);
}

/* check_vreject - format, adjust, log a rejection (Postfix's rules) */
int
check_vreject(struct smtpd_state *state, int err, int code, const char *dsn,
              const char *fmt, va_list ap)
{
	struct check_ctx *ctx = check_ctx(state);
	bool warn = ctx->warn_if_reject && err != CHECK_ERR_SOFTWARE &&
	            err != CHECK_ERR_RESOURCE && err != CHECK_ERR_DATA;
	char *text;

	ctx->error_mask |= err;
	vstr_fmt(ctx->text, "%d %s ", code, dsn);
	vstr_vfmt_append(ctx->text, fmt, ap);
	if (code < 400 || code > 599) {
		msg_warn("SMTP reply code configuration error: %s",
		         vstr_str(ctx->text));
		vstr_cpy(ctx->text, "450 4.7.1 Service unavailable");
	}
	if (!dsn_status_prefix(vstr_str(ctx->text) + 4)) {
		msg_warn("DSN detail code configuration error: %s",
		         vstr_str(ctx->text));
		vstr_cpy(ctx->text, "450 4.7.1 Service unavailable");
	}
	if (vstr_len(ctx->text) > 510)
		vstr_truncate(ctx->text, 510);
	text = printable(vstr_str(ctx->text), ' ');
	if (!warn && ctx->defer_if_reject.active && text[0] == '5') {
		struct check_defer *d = &ctx->defer_if_reject;

		ctx->warn_if_reject = 0;
		d->active = false;
		return check_reject(state, d->err, d->code, vstr_str(d->dsn),
		                    "%s", vstr_str(d->reason));
	}
	if (var_soft_bounce && text[0] == '5')
		text[0] = '4';
	text[4] = text[0];
	check_log_whatsup(state, warn ? "reject_warning" : "reject", text);
	return warn ? CHECK_DUNNO : CHECK_REJECT;
}

/* check_reject - check_vreject() with arguments */
int
check_reject(struct smtpd_state *state, int err, int code, const char *dsn,
             const char *fmt, ...)
{
	va_list ap;
	int status;

	va_start(ap, fmt);
	status = check_vreject(state, err, code, dsn, fmt, ap);
	va_end(ap);
	return status;
}

/* vdefer_if - remember the first deferral of a kind */
static int
vdefer_if(struct check_defer *d, int err, int code, const char *dsn,
          const char *fmt, va_list ap)
{
	if (!d->active) {
		d->active = true;
		d->err = err;
		d->code = code;
		vstr_cpy(d->dsn, dsn);
		vstr_reset(d->reason);
		vstr_vfmt_append(d->reason, fmt, ap);
	}
	return CHECK_DUNNO;
}

/* check_defer_if - remember a deferral (defer_if_reject) */
int
check_defer_if(struct check_defer *d, int err, int code, const char *dsn,
               const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void) vdefer_if(d, err, code, dsn, fmt, ap);
	va_end(ap);
	return CHECK_DUNNO;
}

/* check_defer_if_permit - defer_if_permit, or reject at once */
int
check_defer_if_permit(struct smtpd_state *state, bool act_defer, int err,
                      int code, const char *dsn, const char *fmt, ...)
{
	struct check_ctx *ctx = check_ctx(state);
	va_list ap;
	int status;

	va_start(ap, fmt);
	if (ctx->warn_if_reject == 0 && act_defer)
		status = vdefer_if(&ctx->defer_if_permit, err, code, dsn, fmt,
		                   ap);
	else
		status = check_vreject(state, err, code, dsn, fmt, ap);
	va_end(ap);
	return status;
}

/* check_tempfail_defers - a *_tempfail_action: defer_if_permit (true)
 * or defer (false) */
bool
check_tempfail_defers(const char *action)
{
	return action == NULL || strcasecmp(action, "defer") != 0;
}

/* check_dict_retry - a table failed: try again later */
int
check_dict_retry(struct smtpd_state *state, const char *name)
{
	return check_reject(state, CHECK_ERR_DATA, 451, "4.3.0",
	                    "<%s>: Temporary lookup failure", name);
}

/* check_server_error - a configuration error */
int
check_server_error(struct smtpd_state *state)
{
	return check_reject(state, CHECK_ERR_SOFTWARE, 451, "4.3.5",
	                    "Server configuration error");
}

/* check_permit - a permit, logged when smtpd_log_access_permit_actions
 * names the action */
int
check_permit(struct eval *e, const char *action, const char *cls,
             const char *name, const char *table)
{
	struct vstr *buf;

	if (e->ctx->defer_if_permit.active ||
	    !list_has_word(var_smtpd_log_access_permit_actions, action))
		return CHECK_OK;
	buf = vstr_alloc(100);
	vstr_fmt(buf, "action=%s for %s=%s", action, cls, name);
	if (table)
		vstr_fmt_append(buf, " from %s", table);
	check_log_whatsup(e->state, "permit", vstr_str(buf));
	vstr_free(buf);
	return CHECK_OK;
}

/* check_dsn_split - an optional status code at the start of text: the
 * code (or def) into dsn, the rest of the text as result */
const char *
check_dsn_split(const char *text, const char *def, struct vstr *dsn)
{
	size_t n = dsn_status_prefix(text);

	if (n == 0) {
		vstr_cpy(dsn, def);
		return text;
	}
	vstr_mem(dsn, text, n);
	return text + n + strspn(text + n, " ");
}

/* check_dsn_fix - an address status code that fits what is rejected */
const char *
check_dsn_fix(const char *status, const char *reply_class)
{
	static const struct {
		const char *micro, *sender, *rcpt;
	} map[] = {
	        {"1", SND_DSN, "4.1.1"},  {"2", "4.1.8", "4.1.2"},
	        {"3", "4.1.7", "4.1.3"},  {"4", SND_DSN, "4.1.4"},
	        {"5", "4.1.0", "4.1.5"},  {"6", SND_DSN, "4.1.6"},
	        {"7", "4.1.7", "4.1.3"},  {"8", "4.1.8", "4.1.2"},
	        {NULL, "4.1.0", "4.1.0"},
	};
	const char *result;
	size_t i;

	if (!isdigit((unsigned char) status[0]) ||
	    strncmp(status + 1, ".1.", 3) != 0)
		return status;
	for (i = 0; map[i].micro; i++)
		if (strcmp(status + 4, map[i].micro) == 0)
			break;
	if (strcmp(reply_class, NAME_SENDER) == 0)
		result = map[i].sender;
	else if (strcmp(reply_class, NAME_RECIPIENT) == 0)
		result = map[i].rcpt;
	else
		result = "4.0.0";
	if (strcmp(status + 2, result + 2) != 0)
		msg_info("mapping DSN status %s into %s status %c%s", status,
		         reply_class, status[0], result + 1);
	return result;
}

/* run_list - evaluate one list with fresh flags */
static int
run_list(struct smtpd_state *state, const struct argv *list,
         const char *reply_name, const char *reply_class, const char *def_acl)
{
	struct check_ctx *ctx = check_ctx(state);
	struct eval e = {state, ctx, reply_name, reply_class, def_acl};

	session_reset(ctx);
	if (list == NULL || list->argc == 0)
		return CHECK_DUNNO;
	return check_generic(&e, list);
}

/* reply_of - the reply text for a status */
static const char *
reply_of(struct smtpd_state *state, int status)
{
	return status == CHECK_REJECT ? vstr_str(check_ctx(state)->text) : NULL;
}

/* defer_permit - a pending defer_if_permit turns a pass into a deferral */
static int
defer_permit(struct smtpd_state *state, int status)
{
	struct check_defer *d = &check_ctx(state)->defer_if_permit;

	if (status == CHECK_REJECT || !d->active)
		return status;
	return check_reject(state, d->err, d->code, vstr_str(d->dsn), "%s",
	                    vstr_str(d->reason));
}

/* client_checks - smtpd_client_restrictions */
static const char *
client_checks(struct smtpd_state *state)
{
	struct check_ctx *ctx = check_ctx(state);
	int status;

	if (state->name == NULL || state->addr == NULL)
		return NULL;
	ctx->defer_if_permit.active = false;
	status = run_list(state, client_restr, state->namaddr, NAME_CLIENT,
	                  "check_client_access");
	ctx->dip_client = ctx->defer_if_permit.active;
	return reply_of(state, status);
}

/* helo_checks - smtpd_helo_restrictions */
static const char *
helo_checks(struct smtpd_state *state)
{
	struct check_ctx *ctx = check_ctx(state);
	int status;

	if (state->helo_name == NULL)
		return NULL;
	ctx->defer_if_permit.active = ctx->dip_client;
	status = run_list(state, helo_restr, state->helo_name, NAME_HELO,
	                  "check_helo_access");
	ctx->dip_helo = ctx->defer_if_permit.active;
	return reply_of(state, status);
}

/* mail_checks - smtpd_sender_restrictions, reject_unlisted_sender */
static const char *
mail_checks(struct smtpd_state *state)
{
	struct check_ctx *ctx = check_ctx(state);
	const char *sender = state->sender;
	struct eval e = {state, ctx, sender, NAME_SENDER, NULL};
	int status;

	if (sender == NULL)
		return NULL;
	ctx->defer_if_permit.active = ctx->dip_client || ctx->dip_helo;
	ctx->sender_rcptmap_checked = false;
	status = run_list(state, mail_restr, sender, NAME_SENDER,
	                  "check_sender_access");
	ctx->dip_sender = ctx->defer_if_permit.active;
	if (var_smtpd_reject_unlisted_sender && status != CHECK_REJECT &&
	    !ctx->sender_rcptmap_checked && !state->discard && *sender)
		status = check_sender_rcpt_maps(&e, sender);
	return reply_of(state, status);
}

/* smtpd_check_client - smtpd_client_restrictions at connect time */
const char *
smtpd_check_client(struct smtpd_state *state)
{
	if (var_smtpd_delay_reject)
		return NULL;
	check_ctx(state)->where = "CONNECT";
	return client_checks(state);
}

/* smtpd_check_helo - smtpd_helo_restrictions at HELO/EHLO time */
const char *
smtpd_check_helo(struct smtpd_state *state)
{
	if (var_smtpd_delay_reject)
		return NULL;
	check_ctx(state)->where = state->ehlo_seen ? "EHLO" : "HELO";
	return helo_checks(state);
}

/* smtpd_check_mail - smtpd_sender_restrictions at MAIL time */
const char *
smtpd_check_mail(struct smtpd_state *state)
{
	if (var_smtpd_delay_reject)
		return NULL;
	check_ctx(state)->where = "MAIL";
	return mail_checks(state);
}

/* rcpt_lists - relay and recipient restrictions in the configured order */
static int
rcpt_lists(struct smtpd_state *state, const char *recipient)
{
	const struct argv *lists[2];
	int rcpt_index = var_smtpd_relay_before_recipient_restrictions ? 1 : 0;
	int status = CHECK_DUNNO;

	lists[rcpt_index] = rcpt_restr;
	lists[!rcpt_index] = relay_restr;
	for (int n = 0; n < 2; n++) {
		status = run_list(state, lists[n], recipient, NAME_RECIPIENT,
		                  "check_recipient_access");
		if (status == CHECK_REJECT)
			break;
	}
	return status;
}

/* smtpd_check_rcpt - everything that decides about one recipient */
const char *
smtpd_check_rcpt(struct smtpd_state *state)
{
	struct check_ctx *ctx = check_ctx(state);
	const char *recipient = state->recipient;
	struct eval e = {state, ctx, recipient, NAME_RECIPIENT, NULL};
	const char *err;
	int status;

	ctx->where = "RCPT";
	if (recipient == NULL || strcasecmp(recipient, "postmaster") == 0)
		return NULL;
	ctx->recipient_rcptmap_checked = false;
	if (var_smtpd_delay_reject && ((err = client_checks(state)) != NULL ||
	                               (err = helo_checks(state)) != NULL ||
	                               (err = mail_checks(state)) != NULL))
		return err;
	ctx->defer_if_permit.active = ctx->dip_sender;
	status = defer_permit(state, rcpt_lists(state, recipient));
	if (var_smtpd_reject_unlisted_recipient && status != CHECK_REJECT &&
	    !ctx->recipient_rcptmap_checked && !state->discard)
		status = check_recipient_rcpt_maps(&e, recipient);
	return reply_of(state, status);
}

/* smtpd_check_etrn - smtpd_etrn_restrictions */
const char *
smtpd_check_etrn(struct smtpd_state *state)
{
	struct check_ctx *ctx = check_ctx(state);
	const char *err;
	int status;

	ctx->where = "ETRN";
	if (state->etrn_name == NULL)
		return NULL;
	if (var_smtpd_delay_reject && ((err = client_checks(state)) != NULL ||
	                               (err = helo_checks(state)) != NULL))
		return err;
	ctx->defer_if_permit.active = ctx->dip_client || ctx->dip_helo;
	status = run_list(state, etrn_restr, state->etrn_name, NAME_ETRN,
	                  "check_etrn_access");
	return reply_of(state, defer_permit(state, status));
}

/* message_checks - DATA and end-of-data lists; one recipient is logged
 * only when there is one */
static const char *
message_checks(struct smtpd_state *state, const struct argv *list,
               const char *where, const char *reply_class)
{
	struct check_ctx *ctx = check_ctx(state);
	char *saved_recipient = state->recipient;
	int status;

	ctx->where = where;
	if (state->rcpt_count > 1)
		state->recipient = NULL;
	ctx->defer_if_permit.active = false;
	status = run_list(state, list, where, reply_class, NULL);
	status = defer_permit(state, status);
	state->recipient = saved_recipient;
	return reply_of(state, status);
}

/* smtpd_check_data - smtpd_data_restrictions */
const char *
smtpd_check_data(struct smtpd_state *state)
{
	return message_checks(state, data_restr, "DATA", NAME_DATA);
}

/* smtpd_check_eod - smtpd_end_of_data_restrictions */
const char *
smtpd_check_eod(struct smtpd_state *state)
{
	return message_checks(state, eod_restr, "END-OF-MESSAGE", NAME_EOD);
}

/* queue_space - free bytes in the queue file system, or -1 if unknown */
static double
queue_space(void)
{
	struct statvfs fs;

	if (statvfs(".", &fs) < 0)
		return -1;
	return (double) fs.f_bavail * (double) fs.f_frsize;
}

/* smtpd_check_size - SIZE= against message_size_limit and queue space */
const char *
smtpd_check_size(struct smtpd_state *state, long size)
{
	struct check_ctx *ctx = check_ctx(state);
	double avail;

	ctx->where = "MAIL";
	session_reset(ctx);
	if (var_message_size_limit > 0 && size > var_message_size_limit) {
		(void) check_reject(state, CHECK_ERR_POLICY, 552, "5.3.4",
		                    "Message size exceeds fixed limit");
		return vstr_str(ctx->text);
	}
	avail = queue_space();
	if (avail >= 0 && ((double) var_queue_minfree >= avail ||
	                   (double) var_message_size_limit >= avail / 1.5)) {
		(void) check_reject(state, CHECK_ERR_RESOURCE, 452, "4.3.1",
		                    "Insufficient system storage");
		msg_warn("not enough free space in mail queue: %.0f bytes < "
		         "1.5*message size limit",
		         avail);
		return vstr_str(ctx->text);
	}
	return NULL;
}

/* smtpd_check_mynetworks - whether the client is in mynetworks */
bool
smtpd_check_mynetworks(struct smtpd_state *state)
{
	int error = 0;

	return check_mynetworks(state, &error) && error == 0;
}
