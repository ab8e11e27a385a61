/*
 * NAME
 *	sendmail - Postfix to Sendmail compatibility interface
 * SYNOPSIS
 *	sendmail [option ...] [recipient ...]
 *	mailq          (sendmail -bp)
 *	newaliases     (sendmail -bi)
 * DESCRIPTION
 *	See sendmail(1). sendmail runs as the invoking user: it reads
 *	main.cf (-C/-c, $MAIL_CONFIG), then, by mode:
 *	-bm (default) and -bv pipe maildrop records into
 *	"$command_directory/postdrop -r" (sm_enqueue.c, sm_drop.c);
 *	-bs speaks SMTP on standard input/output (sm_smtp.c); -bp, -q,
 *	-qR, -qI execute postqueue; -bi executes postalias on every
 *	alias_database entry; -bd and -bl execute "postfix start".
 *	Sendmail options that make no sense here are accepted and
 *	ignored, as Postfix does.
 * DIAGNOSTICS
 *	Problems go to standard error and to the mail log as
 *	postfix/sendmail. Every fatal error exits with EX_TEMPFAIL (75),
 *	as Postfix's sendmail does, and leaves nothing in the queue.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deliver_request.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mymalloc.h"
#include "postlog_client.h"
#include "sendmail.h"
#include "stringops.h"

/* Modes of operation (-b letter, plus the -q forms). */
enum sm_mode {
	SM_MODE_ENQUEUE, /* -bm */
	SM_MODE_VERIFY,  /* -bv */
	SM_MODE_SMTP,    /* -bs */
	SM_MODE_LIST,    /* -bp, mailq */
	SM_MODE_ALIASES, /* -bi, -I, newaliases */
	SM_MODE_DAEMON,  /* -bd, -bl */
	SM_MODE_FLUSH,   /* -q, -qR, -qI */
	SM_MODE_NONE     /* -q<interval>: nothing to do */
};

struct sm_args {
	enum sm_mode mode;
	const char *conf_arg;  /* -C or -c */
	const char *alias_db;  /* -oA */
	const char *flush_opt; /* postqueue option for SM_MODE_FLUSH */
	const char *flush_arg;
	const char *sender;
	const char *fullname;
};

static const char *progname = "sendmail";

/* Strings made from the arguments, kept for the life of the process. */
static struct argv *kept;

/* keep - own s until exit; returns the kept copy */
static const char *
keep(char *s)
{
	if (kept == NULL)
		kept = argv_alloc(4);
	argv_add(kept, s);
	xfree(s);
	return kept->argv[kept->argc - 1];
}

/* parse_notify - -N: never, or a list of success, delay, failure */
static int
parse_notify(const char *arg)
{
	static const struct {
		const char *name;
		int bit;
	} words[] = {{"never", DSN_NOTIFY_NEVER},
	             {"success", DSN_NOTIFY_SUCCESS},
	             {"delay", DSN_NOTIFY_DELAY},
	             {"failure", DSN_NOTIFY_FAILURE}};
	char *copy = xstrdup(arg), *cp = copy, *word;
	int mask = 0, bit;

	while ((word = mystrtok(&cp, ", \t")) != NULL) {
		bit = 0;
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcasecmp(word, words[i].name) == 0)
				bit = words[i].bit;
		if (bit == 0) {
			msg_warn("unknown DSN NOTIFY command value \"%s\" in "
			         "\"%s\"",
			         word, arg);
			mask = -1;
			break;
		}
		mask |= bit;
	}
	xfree(copy);
	if (mask <= 0 ||
	    ((mask & DSN_NOTIFY_NEVER) && mask != DSN_NOTIFY_NEVER)) {
		msg_warn("bad -N option value -- ignored");
		return 0;
	}
	return mask;
}

/* parse_ret - -R full|hdrs */
static int
parse_ret(const char *arg)
{
	if (strcasecmp(arg, "full") == 0)
		return DSN_RET_FULL;
	if (strcasecmp(arg, "hdrs") == 0)
		return DSN_RET_HDRS;
	msg_warn("bad -R option value -- ignored");
	return 0;
}

/* parse_envid - -V: printable ASCII without spaces, at most 100 bytes */
static const char *
parse_envid(const char *arg)
{
	size_t len = strlen(arg);

	for (size_t i = 0; i < len; i++) {
		if (arg[i] <= ' ' || arg[i] >= 127 || arg[i] == '+' ||
		    arg[i] == '=') {
			len = 0;
			break;
		}
	}
	if (len == 0 || len > 100) {
		msg_warn("bad -V option value -- ignored");
		return NULL;
	}
	return arg;
}

/* parse_b - the -b modes */
static void
parse_b(struct sm_args *a, struct sm_opts *o, const char *arg)
{
	switch (*arg) {
	case 'm':
		a->mode = SM_MODE_ENQUEUE;
		break;
	case 'v':
		a->mode = SM_MODE_VERIFY;
		o->trace = DEL_REQ_FLAG_EXPAND;
		break;
	case 's':
		a->mode = SM_MODE_SMTP;
		break;
	case 'p':
		a->mode = SM_MODE_LIST;
		break;
	case 'i':
		a->mode = SM_MODE_ALIASES;
		break;
	case 'd':
	case 'l':
		a->mode = SM_MODE_DAEMON;
		break;
	case 'h':
	case 'H':
		break;
	default:
		SM_FATAL("unsupported: -b%s", arg);
	}
}

/* parse_q - -q, -qRsite, -qIid, -qSsite, -q<interval> */
static void
parse_q(struct sm_args *a, const char *arg)
{
	a->mode = SM_MODE_FLUSH;
	if (arg == NULL || *arg == 0) {
		a->flush_opt = "-f";
	} else if (*arg == 'R' || *arg == 'I') {
		if (arg[1] == 0)
			SM_FATAL("-q%c requires an argument", *arg);
		a->flush_opt = *arg == 'R' ? "-s" : "-i";
		a->flush_arg = arg + 1;
	} else if (*arg >= '0' && *arg <= '9') {
		a->mode = SM_MODE_NONE;
	} else {
		SM_FATAL("-q%c is not implemented", *arg);
	}
}

/* parse_o - -oi, -oAdb; the rest is ignored */
static void
parse_o(struct sm_args *a, struct sm_opts *o, const char *arg)
{
	if (strcmp(arg, "i") == 0)
		o->dot_ends = false;
	else if (*arg == 'A' && arg[1] != 0)
		a->alias_db = arg + 1;
}

/* parse_sender - -f/-r: "<addr>" loses its brackets */
static const char *
parse_sender(const char *arg)
{
	size_t len = strlen(arg);

	if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>')
		return keep(xstrndup(arg + 1, len - 2));
	return arg;
}

/* parse_option - one option letter */
static void
parse_option(struct sm_args *a, struct sm_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'B':
		if (strcasecmp(arg, "8BITMIME") == 0)
			o->encoding = "8bit";
		else if (strcasecmp(arg, "7BIT") == 0)
			o->encoding = "7bit";
		else
			SM_FATAL("-B option needs 8BITMIME or 7BIT");
		break;
	case 'C':
	case 'c':
		a->conf_arg = arg;
		break;
	case 'F':
		a->fullname = arg;
		break;
	case 'G':
		o->rewrite_context = "remote";
		break;
	case 'I':
		a->mode = SM_MODE_ALIASES;
		break;
	case 'N':
		o->notify = parse_notify(arg);
		break;
	case 'R':
		o->ret = parse_ret(arg);
		break;
	case 'V':
		o->envid = parse_envid(arg);
		break;
	case 'X':
		if (*arg != 'V')
			SM_FATAL("unsupported: -X%c", *arg);
		msg_warn("-XV: VERP is not supported -- ignored");
		break;
	case 'b':
		parse_b(a, o, arg);
		break;
	case 'f':
	case 'r':
		a->sender = parse_sender(arg);
		break;
	case 'i':
		o->dot_ends = false;
		break;
	case 'n':
		SM_FATAL("-n option not supported");
	case 'o':
		parse_o(a, o, arg);
		break;
	case 'q':
		parse_q(a, arg);
		break;
	case 't':
		o->extract = true;
		break;
	case 'v':
		if (o->trace == 0 && a->mode != SM_MODE_VERIFY)
			o->trace = DEL_REQ_FLAG_RECORD;
		else
			msg_verbose++;
		break;
	default: /* A, L, O, e, h, p: ignored with their argument; m, U, x */
		break;
	}
}

/* parse_args - options, then the recipients */
static void
parse_args(int argc, char **argv, struct sm_args *a, struct sm_opts *o)
{
	int ch;

	while ((ch = getopt(
	                argc, argv,
	                "+A:B:C:F:GIL:N:O:R:UV:X:b:c:e:f:h:imno:p:q::r:tvx")) >
	       0) {
		if (ch == '?')
			SM_FATAL("usage: %s [options]", progname);
		parse_option(a, o, ch, optarg);
	}
	for (int i = optind; i < argc; i++)
		argv_add(o->rcpts, argv[i]);
}

/* conf_dir_of - -C takes main.cf or its directory */
static const char *
conf_dir_of(const char *arg)
{
	struct stat st;
	const char *slash;

	if (arg == NULL || stat(arg, &st) < 0 || S_ISDIR(st.st_mode))
		return arg;
	slash = strrchr(arg, '/');
	if (slash == NULL)
		return ".";
	return slash == arg ? "/" : keep(xstrndup(arg, (size_t) (slash - arg)));
}

/* gecos_name - the full name in the password file: up to ",", "&" is
 * the login name capitalized; NULL when empty */
static const char *
gecos_name(const struct passwd *pw)
{
	struct vstr *out = vstr_alloc(50);
	const char *g = pw->pw_gecos ? pw->pw_gecos : "";

	for (; *g && *g != ','; g++) {
		if (*g != '&') {
			vstr_addch(out, *g);
		} else if (pw->pw_name[0]) {
			vstr_addch(out, pw->pw_name[0] >= 'a' &&
			                                pw->pw_name[0] <= 'z'
			                        ? pw->pw_name[0] - 'a' + 'A'
			                        : pw->pw_name[0]);
			vstr_cat(out, pw->pw_name + 1);
		}
	}
	if (vstr_len(out) == 0) {
		vstr_free(out);
		return NULL;
	}
	return keep(vstr_export(out));
}

/* setup - main.cf, logging, the invoking user */
static void
setup(struct sm_args *a, struct sm_opts *o)
{
	struct vstr *why = vstr_alloc(100);
	bool explicit;
	const char *dir =
	        mail_conf_dir_choose(conf_dir_of(a->conf_arg), &explicit);
	struct passwd *pw;

	mail_process_name = "sendmail";
	if (mail_conf_load(dir, explicit, why) < 0 || mail_params_init(why) < 0)
		SM_FATAL("%s", vstr_str(why));
	if (explicit) {
		o->config_dir = dir;
		if (setenv("MAIL_CONFIG", dir, 1) < 0)
			SM_FATAL("setenv: %m");
	}
	vstr_fmt(why, "%s/public/%s", var_queue_directory,
	         var_postlog_service_name);
	if (postlog_client_init("sendmail", vstr_str(why), getuid() == 0, why) <
	    0)
		SM_FATAL("%s", vstr_str(why));
	if ((pw = getpwuid(getuid())) == NULL)
		SM_FATAL("no login name found for user ID %ld",
		         (long) getuid());
	o->user = keep(xstrdup(pw->pw_name));
	o->uid = (long) getuid();
	o->sender = a->sender ? a->sender : o->user;
	o->fullname = a->fullname;
	if (o->fullname == NULL && (o->fullname = getenv("NAME")) == NULL)
		o->fullname = gecos_name(pw);
	vstr_free(why);
}

/* run_command - $command_directory/PROG with args; exec or fork+wait */
static int
run_command(const char *prog, const char *const *args, bool replace)
{
	struct vstr *path = vstr_alloc(100);
	struct argv *av = argv_alloc(8);
	int status = 0;
	pid_t pid;

	vstr_fmt(path, "%s/%s", var_command_directory, prog);
	argv_add(av, vstr_str(path));
	for (; *args; args++)
		argv_add(av, *args);
	if (replace || (pid = fork()) == 0) {
		execv(av->argv[0], av->argv);
		SM_FATAL("execute %s: %m", av->argv[0]);
	}
	if (pid < 0)
		SM_FATAL("fork: %m");
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		continue;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		SM_FATAL("command \"%s\" exited with status %d", av->argv[0],
		         WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	argv_free(av);
	vstr_free(path);
	return 0;
}

/* newaliases - postalias on every alias_database entry (or -oA) */
static void
newaliases(const struct sm_args *a)
{
	char *list = xstrdup(a->alias_db ? a->alias_db : var_alias_database);
	char *cp = list, *db;

	while ((db = mystrtok(&cp, ", \t\r\n")) != NULL) {
		const char *args[] = {"--", db, NULL};

		(void) run_command("postalias", args, false);
	}
	xfree(list);
}

/* no_recipients - modes that take no recipient */
static void
no_recipients(const struct sm_opts *o, const char *what)
{
	if (o->rcpts->argc > 0)
		SM_FATAL("%s mode requires no recipient", what);
}

/* on_signal - interrupted: postdrop removes its file */
static void
on_signal(int sig)
{
	(void) sig;
	sm_drop_abort();
	_exit(EX_TEMPFAIL);
}

/* run_mode - what the options asked for */
static void
run_mode(const struct sm_args *a, const struct sm_opts *o)
{
	switch (a->mode) {
	case SM_MODE_ENQUEUE:
		sm_enqueue(o);
		break;
	case SM_MODE_VERIFY:
		if (o->extract)
			sm_enqueue(o);
		else
			sm_verify(o);
		break;
	case SM_MODE_SMTP:
		no_recipients(o, "stand-alone");
		sm_smtp(o);
		break;
	case SM_MODE_LIST:
		no_recipients(o, "display queue");
		(void) run_command("postqueue", (const char *[]){"-p", NULL},
		                   true);
		break;
	case SM_MODE_ALIASES:
		no_recipients(o, "alias initialization");
		newaliases(a);
		break;
	case SM_MODE_DAEMON:
		no_recipients(o, "daemon");
		(void) run_command("postfix", (const char *[]){"start", NULL},
		                   true);
		break;
	case SM_MODE_FLUSH:
		no_recipients(o, "flush queue");
		(void) run_command(
		        "postqueue",
		        (const char *[]){a->flush_opt, a->flush_arg, NULL},
		        true);
		break;
	case SM_MODE_NONE:
		break;
	}
}

/* main - see sendmail(1) */
int
main(int argc, char **argv)
{
	struct sm_args a = {.mode = SM_MODE_ENQUEUE};
	struct sm_opts o = {.rewrite_context = "local", .dot_ends = true};
	const char *slash = argv[0] ? strrchr(argv[0], '/') : NULL;
	static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};

	umask(077);
	if (argv[0] != NULL)
		argv[0] = (char *) (slash ? slash + 1 : argv[0]);
	progname = argv[0] ? argv[0] : "sendmail";
	msg_stderr_init(progname);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_signal);
	msg_cleanup(sm_drop_abort);
	if (strcmp(progname, "mailq") == 0)
		a.mode = SM_MODE_LIST;
	else if (strcmp(progname, "newaliases") == 0)
		a.mode = SM_MODE_ALIASES;
	o.rcpts = argv_alloc(4);
	parse_args(argc, argv, &a, &o);
	setup(&a, &o);
	run_mode(&a, &o);
	argv_free(o.rcpts);
	kept = kept ? argv_free(kept) : NULL;
	return 0;
}
