/*
 * local - the local delivery agent
 *
 * SECURITY
 *	local runs as root (keep_root) because it delivers with the rights
 *	of each recipient. Between deliveries its effective ids are those
 *	of mail_owner; each step that touches a user's files switches the
 *	effective uid/gid to that user first and back afterwards, and
 *	commands run in a child that drops all privileges for good before
 *	exec. Commands and files named in aliases owned by root, and
 *	deliveries for root itself, use default_privs. The message never
 *	reaches a shell except as standard input; environment values are
 *	filtered by command_expansion_filter.
 * DIAGNOSTICS
 *	One log line per recipient (and per expanded address) in
 *	Postfix's shape, through deliver_status.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "argv.h"
#include "deliver_status.h"
#include "dict.h"
#include "local.h"
#include "mail_params.h"
#include "mail_server.h"
#include "maps.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"
#include "stringops.h"
#include "vstr.h"

struct maps *local_alias_maps;
struct maps *local_cmd_maps;
int local_lock_mask;
int local_cmd_mask;
int local_file_mask;
int local_hdr_mask;
uid_t local_owner_uid, local_default_uid;
gid_t local_owner_gid, local_default_gid;

/* local_verify - address probe or expansion: report, do not deliver */
bool
local_verify(const struct local_state *st)
{
	return (st->req->flags & (DEL_REQ_FLAG_VERIFY | DEL_REQ_FLAG_EXPAND)) !=
	       0;
}

/* local_save - a copy that lives until the recipient is done */
const char *
local_save(struct local_state *st, const char *s)
{
	argv_add(st->pool, s);
	return st->pool->argv[st->pool->argc - 1];
}

/* local_user_from_pw - delivery rights of a passwd entry */
void
local_user_from_pw(struct local_state *st, struct local_user *u,
                   const struct passwd *pw)
{
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->home = local_save(st, pw->pw_dir);
	u->shell = local_save(st, pw->pw_shell);
}

/* local_been_here - duplicate filter for one top-level recipient */
bool
local_been_here(struct local_state *st, const char *fmt, ...)
{
	struct vstr *key = vstr_alloc(100);
	va_list ap;
	bool seen;

	va_start(ap, fmt);
	vstr_vfmt_append(key, fmt, ap);
	va_end(ap);
	seen = htable_locate(st->dup, vstr_str(key)) != NULL;
	if (!seen)
		htable_enter(st->dup, vstr_str(key), NULL);
	vstr_free(key);
	return seen;
}

/* result_add - keep one result until the top-level recipient is done */
static void
result_add(struct local_state *st, const struct local_attr *a,
           enum local_kind kind, const char *dsn, const char *reason)
{
	struct local_result *r;

	if (st->nres == st->cap) {
		st->cap = st->cap ? size_mul(st->cap, 2) : 4;
		st->res = xreallocarray(st->res, st->cap, sizeof(*st->res));
	}
	r = &st->res[st->nres++];
	r->rcpt = a->rcpt;
	r->rcpt.address = xstrdup(a->rcpt.address);
	r->rcpt.orig_addr = xstrdup(a->rcpt.orig_addr ? a->rcpt.orig_addr : "");
	r->rcpt.dsn_orcpt = xstrdup(a->rcpt.dsn_orcpt ? a->rcpt.dsn_orcpt : "");
	r->kind = kind;
	r->dsn = xstrdup(dsn);
	r->reason = xstrdup(reason);
}

/* local_result - record a delivery result; LOCAL_DEFER when deferred */
int
local_result(struct local_state *st, const struct local_attr *a,
             enum local_kind kind, const char *dsn, const char *fmt, ...)
{
	struct vstr *reason = vstr_alloc(100);
	va_list ap;

	va_start(ap, fmt);
	vstr_vfmt_append(reason, fmt, ap);
	va_end(ap);
	result_add(st, a, kind, dsn, vstr_str(reason));
	vstr_free(reason);
	return kind == LOCAL_DEFERRED ? LOCAL_DEFER : 0;
}

/* local_result_why - bounce or defer per the status class of why */
int
local_result_why(struct local_state *st, const struct local_attr *a,
                 const struct mbox_why *why, const char *fmt, ...)
{
	struct vstr *reason = vstr_alloc(100);
	enum local_kind kind =
	        why->dsn[0] == '4' ? LOCAL_DEFERRED : LOCAL_BOUNCE;
	va_list ap;

	va_start(ap, fmt);
	vstr_vfmt_append(reason, fmt, ap);
	va_end(ap);
	vstr_cat(reason, vstr_str(why->text));
	result_add(st, a, kind, why->dsn, vstr_str(reason));
	vstr_free(reason);
	return kind == LOCAL_DEFERRED ? LOCAL_DEFER : 0;
}

static const char *const kind_action[] = {"delivered", "failed", "delayed"};
static const char *const kind_word[] = {"sent", "bounced", "deferred"};

/*
 * results_flush - report the results of one top-level recipient. The
 * status functions mark the queue file recipient done on success or
 * bounce; when any part deferred, the recipient must stay, so the other
 * parts are only logged, and the whole recipient is tried again later
 * (as Postfix does, at the cost of duplicates for the parts that
 * worked).
 */
static int
results_flush(struct local_state *st)
{
	bool deferred = false;
	int status = DEL_STAT_FINAL;

	for (size_t i = 0; i < st->nres; i++)
		deferred |= st->res[i].kind == LOCAL_DEFERRED;
	for (size_t i = 0; i < st->nres; i++) {
		struct local_result *r = &st->res[i];
		struct dsn d = {r->dsn,    kind_action[r->kind],
		                r->reason, NULL,
		                NULL,      NULL,
		                NULL};

		if (r->kind == LOCAL_DEFERRED)
			status |= status_defer(st->req, &r->rcpt, st->service,
			                       &d);
		else if (deferred)
			status_log(st->req->queue_id, &r->rcpt, st->service,
			           &st->req->stats, kind_word[r->kind], &d);
		else if (r->kind == LOCAL_SENT)
			status |=
			        status_sent(st->req, &r->rcpt, st->service, &d);
		else
			status |= status_bounce(st->req, &r->rcpt, st->service,
			                        &d);
		xfree(r->rcpt.address);
		xfree(r->rcpt.orig_addr);
		xfree(r->rcpt.dsn_orcpt);
		xfree(r->dsn);
		xfree(r->reason);
	}
	st->nres = 0;
	return status;
}

/* loop_add - remember one Delivered-To header value */
static void
loop_add(struct htable *loop, const char *line)
{
	char *value = xstrdup(line + strlen("Delivered-To:"));
	char *v = lowercase(trim_space(value));

	if (*v && htable_locate(loop, v) == NULL)
		htable_enter(loop, v, NULL);
	xfree(value);
}

/* loop_init - collect the Delivered-To headers of the message */
static struct htable *
loop_init(struct deliver_request *req)
{
	struct htable *loop = htable_create(10);
	struct vstr *buf = vstr_alloc(1024);
	int type, prev = REC_TYPE_NORM;

	if (vstream_fseek(req->fp, req->data_offset, SEEK_SET) < 0)
		msg_fatal("%s: seek queue file: %m", req->queue_id);
	while ((type = rec_get(req->fp, buf, 0)) > 0) {
		if (type == REC_TYPE_MESG)
			continue;
		if (type != REC_TYPE_NORM && type != REC_TYPE_CONT)
			break;
		if (prev == REC_TYPE_NORM) {
			if (vstr_len(buf) == 0)
				break;
			if (strncasecmp(vstr_str(buf), "Delivered-To:", 13) ==
			    0)
				loop_add(loop, vstr_str(buf));
		}
		prev = type;
	}
	vstr_free(buf);
	return loop;
}

/* deliver_one - expand and deliver one recipient of the request */
static int
deliver_one(struct local_state *st, struct recipient *r)
{
	struct local_attr a;
	struct local_user u;

	memset(&a, 0, sizeof(a));
	memset(&u, 0, sizeof(u));
	a.rcpt = *r;
	a.sender = st->req->sender;
	st->dup = htable_create(10);
	st->pool = argv_alloc(10);
	(void) local_deliver_recipient(st, a, u);
	st->dup = htable_free(st->dup, NULL);
	st->pool = argv_free(st->pool);
	return results_flush(st);
}

/* deliver_message - every recipient of one request */
static int
deliver_message(struct deliver_request *req, const char *service)
{
	struct local_state st;
	int status = DEL_STAT_FINAL;

	memset(&st, 0, sizeof(st));
	st.req = req;
	st.service = service;
	st.loop = loop_init(req);
	for (size_t i = 0; i < req->rcpt_count; i++)
		status |= deliver_one(&st, &req->rcpt[i]);
	st.loop = htable_free(st.loop, NULL);
	xfree(st.res);
	return status;
}

/* local_service - serve the requests of one qmgr connection */
static void
local_service(struct vstream *client, const char *service, char **argv)
{
	struct deliver_request *req;

	(void) argv;
	while ((req = deliver_request_read(client)) != NULL) {
		int status = deliver_message(req, service);

		if (deliver_request_done(client, req, status) < 0)
			break;
	}
}

/* lookup_ids - the uid and gid of a user that must exist */
static void
lookup_ids(const char *param, const char *name, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(name);

	if (pw == NULL)
		msg_fatal("file /etc/passwd: parameter %s: unknown user name "
		          "value: %s",
		          param, name);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
}

/* parse_masks - the list-valued parameters, checked once */
static void
parse_masks(void)
{
	struct vstr *why = vstr_alloc(100);

	if ((local_lock_mask = mbox_lock_mask(var_mailbox_delivery_lock, why)) <
	    0)
		msg_fatal("parameter mailbox_delivery_lock: %s", vstr_str(why));
	if ((local_cmd_mask = local_class_mask(var_allow_mail_to_commands,
	                                       "allow_mail_to_commands", why)) <
	    0)
		msg_fatal("%s", vstr_str(why));
	if ((local_file_mask = local_class_mask(
	             var_allow_mail_to_files, "allow_mail_to_files", why)) < 0)
		msg_fatal("%s", vstr_str(why));
	if ((local_hdr_mask =
	             local_class_mask(var_prepend_delivered_header,
	                              "prepend_delivered_header", why)) < 0)
		msg_fatal("%s", vstr_str(why));
	vstr_free(why);
}

/* local_pre_jail - as root: tables, ids, limits */
static void
local_pre_jail(const char *service, char **argv)
{
	struct rlimit rl;

	(void) service;
	(void) argv;
	parse_masks();
	lookup_ids("mail_owner", var_mail_owner, &local_owner_uid,
	           &local_owner_gid);
	lookup_ids("default_privs", var_default_privs, &local_default_uid,
	           &local_default_gid);
	if (local_default_uid == 0)
		msg_fatal("parameter default_privs: unacceptable privileged "
		          "user name: %s",
		          var_default_privs);
	if (var_mailbox_size_limit > 0 &&
	    var_mailbox_size_limit < var_message_size_limit)
		msg_fatal("main.cf configuration error: mailbox_size_limit is "
		          "smaller than message_size_limit");
	local_alias_maps = maps_create("alias_maps", var_alias_maps,
	                               DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX);
	local_cmd_maps =
	        maps_create("mailbox_command_maps", var_mailbox_command_maps,
	                    DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX);
	/* mailbox_size_limit as a file size limit: writes fail with EFBIG. */
	if (var_mailbox_size_limit > 0) {
		rl.rlim_cur = rl.rlim_max = (rlim_t) var_mailbox_size_limit;
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			msg_fatal("setrlimit RLIMIT_FSIZE: %m");
	}
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
}

/* local_post_jail - rest as mail_owner between deliveries */
static void
local_post_jail(const char *service, char **argv)
{
	(void) service;
	(void) argv;
	local_set_eugid(local_owner_uid, local_owner_gid);
}

int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_SINGLE,
	        .service = local_service,
	        .pre_jail = local_pre_jail,
	        .post_jail = local_post_jail,
	        .keep_root = true,
	};

	mail_process_name = "local";
	return mail_server_run(argc, argv, &spec);
}
