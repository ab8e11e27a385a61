/*
 * local_util - pure helpers of the local delivery agent: address
 * extensions, the command environment, command exit statuses, $name
 * expansion of forward_path and friends, and privilege switching.
 * Unit tests include this file directly.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argv.h"
#include "local.h"
#include "mac_expand.h"
#include "mail_addr_find.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* local_split_ext - offset of the extension delimiter in localpart */
size_t
local_split_ext(const char *localpart, const char *delims, const char **delim)
{
	size_t len = strlen(localpart);
	size_t at = mail_addr_ext_split(localpart, len, delims);

	*delim = at < len ? localpart + at : NULL;
	return at;
}

/* local_filter - replace bytes not in the allowed set by "_" */
void
local_filter(char *value, const char *allowed)
{
	if (allowed == NULL || *allowed == 0)
		return;
	for (char *cp = value; *(cp += strspn(cp, allowed)) != 0; cp++)
		*cp = '_';
}

/* env_add - one NAME=value, filtered */
static void
env_add(struct argv *env, const char *name, const char *value,
        const char *filter)
{
	struct vstr *buf;

	if (value == NULL)
		return;
	buf = vstr_alloc(100);
	vstr_fmt(buf, "%s=%s", name, value);
	local_filter(vstr_str(buf) + strlen(name) + 1, filter);
	argv_add(env, vstr_str(buf));
	vstr_free(buf);
}

/* nonempty - NULL for an empty string */
static const char *
nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* local_env - the environment of a command delivery */
struct argv *
local_env(const struct local_env_in *in, const char *filter)
{
	struct argv *env = argv_alloc(20);

	env_add(env, "HOME", in->home, filter);
	env_add(env, "LOGNAME", in->user, filter);
	env_add(env, "USER", in->user, filter);
	env_add(env, "SENDER", in->sender, filter);
	env_add(env, "RECIPIENT", in->recipient, filter);
	env_add(env, "LOCAL", in->local, filter);
	env_add(env, "SHELL", in->shell, filter);
	env_add(env, "DOMAIN", in->domain, filter);
	env_add(env, "EXTENSION", in->extension, filter);
	env_add(env, "ORIGINAL_RECIPIENT", nonempty(in->orig_rcpt), filter);
	env_add(env, "CLIENT_HOSTNAME", nonempty(in->client_name), filter);
	env_add(env, "CLIENT_ADDRESS", nonempty(in->client_addr), filter);
	env_add(env, "CLIENT_HELO", nonempty(in->client_helo), filter);
	env_add(env, "CLIENT_PROTOCOL", nonempty(in->client_proto), filter);
	env_add(env, "SASL_METHOD", nonempty(in->sasl_method), filter);
	env_add(env, "SASL_USERNAME", nonempty(in->sasl_username), filter);
	return env;
}

/* sendmail-style exit statuses (sysexits.h) and what they mean. */
static const struct sys_exit {
	int code;
	const char *dsn;
	const char *text;
} sys_exits[] = {
        {64, "5.3.0", "command line usage error"},
        {65, "5.6.0", "data format error"},
        {66, "5.3.0", "cannot open input"},
        {67, "5.1.1", "user unknown"},
        {68, "5.1.2", "host name unknown"},
        {69, "5.3.0", "service unavailable"},
        {70, "5.3.0", "internal software error"},
        {71, "4.3.0", "system resource problem"},
        {72, "5.3.0", "critical OS file missing"},
        {73, "5.2.0", "can't create user output file"},
        {74, "5.3.0", "input/output error"},
        {75, "4.3.0", "temporary failure"},
        {76, "5.5.0", "remote error in protocol"},
        {77, "5.7.0", "permission denied"},
        {78, "5.3.5", "local configuration error"},
};

/* local_exit_status - map a command's wait status to a delivery result */
int
local_exit_status(int wstatus, bool timed_out, const char *cmd,
                  const char *output, struct mbox_why *why)
{
	const char *sep = output && *output ? ". Command output: " : "";
	const char *out = output ? output : "";

	if (timed_out) {
		why->dsn = "5.3.0";
		vstr_fmt(why->text, "Command time limit exceeded: \"%s\"%s%s",
		         cmd, sep, out);
		return LOCAL_PIPE_BOUNCE;
	}
	if (WIFSIGNALED(wstatus)) {
		why->dsn = "4.3.0";
		vstr_fmt(why->text, "Command died with signal %d: \"%s\"%s%s",
		         WTERMSIG(wstatus), cmd, sep, out);
		return LOCAL_PIPE_DEFER;
	}
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) == 0)
		return LOCAL_PIPE_OK;
	for (size_t i = 0; i < sizeof(sys_exits) / sizeof(sys_exits[0]); i++) {
		if (sys_exits[i].code != WEXITSTATUS(wstatus))
			continue;
		why->dsn = sys_exits[i].dsn;
		vstr_fmt(why->text, "%s%s%s", sys_exits[i].text, sep, out);
		return why->dsn[0] == '4' ? LOCAL_PIPE_DEFER
		                          : LOCAL_PIPE_BOUNCE;
	}
	why->dsn = "5.3.0";
	vstr_fmt(why->text, "Command died with status %d: \"%s\"%s%s",
	         WEXITSTATUS(wstatus), cmd, sep, out);
	return LOCAL_PIPE_BOUNCE;
}

struct expand_ctx {
	const struct local_expand_in *in;
	const char *filter;
	struct argv *keep; /* filtered values, freed after expansion */
};

/* expand_lookup - the names forward_path and friends may use */
static const char *
expand_lookup(const char *name, void *ptr)
{
	struct expand_ctx *ctx = ptr;
	const struct local_expand_in *in = ctx->in;
	const struct {
		const char *name;
		const char *value;
	} names[] = {
	        {"user", in->user},
	        {"home", in->home},
	        {"shell", in->shell},
	        {"recipient", in->recipient},
	        {"local", in->local},
	        {"mailbox", in->local},
	        {"domain", in->domain},
	        {"extension", in->extension},
	        {"recipient_delimiter", in->delim},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i].name, name) != 0)
			continue;
		if (names[i].value == NULL || *names[i].value == 0)
			return NULL;
		argv_add(ctx->keep, names[i].value);
		local_filter(ctx->keep->argv[ctx->keep->argc - 1], ctx->filter);
		return ctx->keep->argv[ctx->keep->argc - 1];
	}
	return NULL;
}

/* local_expand - expand $name references for one recipient */
int
local_expand(struct vstr *out, const char *pattern,
             const struct local_expand_in *in, const char *filter)
{
	struct expand_ctx ctx = {in, filter, argv_alloc(4)};
	struct vstr *why = vstr_alloc(10);
	int status;

	vstr_reset(out);
	status = mac_expand(out, pattern, 0, expand_lookup, &ctx, why);
	if (status & MAC_ERROR)
		msg_warn("bad macro syntax in \"%s\": %s", pattern,
		         vstr_str(why));
	argv_free(ctx.keep);
	vstr_free(why);
	return status;
}

struct class_name {
	const char *name;
	int mask;
};

static const struct class_name exp_classes[] = {
        {"alias", LOCAL_EXP_ALIAS},
        {"forward", LOCAL_EXP_FORWARD},
        {"include", LOCAL_EXP_INCLUDE},
        {NULL, 0},
};

static const struct class_name hdr_classes[] = {
        {"command", LOCAL_HDR_COMMAND},
        {"file", LOCAL_HDR_FILE},
        {"forward", LOCAL_HDR_FORWARD},
        {NULL, 0},
};

/* local_class_mask - parse "alias, forward, include" (or header classes) */
int
local_class_mask(const char *list, const char *param, struct vstr *why)
{
	const struct class_name *classes =
	        strcmp(param, "prepend_delivered_header") == 0 ? hdr_classes
	                                                       : exp_classes;
	struct argv *words = argv_split(list ? list : "", LIST_DELIMS);
	int mask = 0;

	for (size_t i = 0; i < words->argc; i++) {
		const struct class_name *cp;

		for (cp = classes; cp->name; cp++)
			if (strcasecmp(words->argv[i], cp->name) == 0)
				break;
		if (cp->name == NULL) {
			vstr_fmt(why, "bad %s value: %s", param,
			         words->argv[i]);
			argv_free(words);
			return -1;
		}
		mask |= cp->mask;
	}
	argv_free(words);
	return mask;
}

/* local_set_eugid - switch effective ids, through root */
void
local_set_eugid(uid_t uid, gid_t gid)
{
	if (geteuid() != 0 && seteuid(0) < 0)
		msg_fatal("seteuid(0): %m");
	if (setegid(gid) < 0)
		msg_fatal("setegid(%ld): %m", (long) gid);
	if (setgroups(1, &gid) < 0)
		msg_fatal("setgroups(1, %ld): %m", (long) gid);
	if (uid != 0 && seteuid(uid) < 0)
		msg_fatal("seteuid(%ld): %m", (long) uid);
}
