/*
 * NAME
 *	postqueue - list and flush the mail queue, for any local user
 * SYNOPSIS
 *	postqueue [-v] [-c config_dir] -f | -i queue_id | -j | -p | -s site
 *	mailq  (the same program under that name: postqueue -p)
 * DESCRIPTION
 *	See postqueue(1).
 *	-p, -j: connect to public/$showq_service_name and format its
 *	listing (postqueue_show.c). When showq cannot be reached, root
 *	runs $daemon_directory/showq -S itself (after a warning); other
 *	users get "Queue report unavailable - mail system is down".
 *	-f: wake qmgr (flush dead destinations, scan deferred/ ignoring
 *	back-off times, scan incoming/) and pickup, and ask the flush
 *	service to purge its logs (a warning only when it fails).
 *	-i ID / -s SITE: the flush service's send_file / send_site.
 * SECURITY
 *	postqueue is set-gid postdrop: the group opens the way into public/
 *	and nothing else. The program never reads queue files itself (root
 *	goes through showq too, or runs showq stand-alone). Options are
 *	checked before use: a queue ID must look like one, a site must be
 *	a host name or an address literal. A configuration directory other
 *	than the default is refused unless conf_dir_trusted() accepts it.
 *	The environment is reduced to import_environment for non-root
 *	users. After the connections that need the group are made, the
 *	group privilege is given up for good (setresgid to the real gid)
 *	before any reply is parsed. authorized_mailq_users and
 *	authorized_flush_users limit who may list and flush (root and
 *	mail_owner always may).
 * DIAGNOSTICS
 *	Problems go to standard error and the mail log. Exit status 0;
 *	EX_USAGE (64) for bad arguments; EX_NOPERM (77) for a user not
 *	allowed; EX_SOFTWARE (70) for a malformed showq listing or a
 *	showq socket we may not open; EX_UNAVAILABLE (69) when the mail
 *	system is down and for other fatal errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "argv.h"
#include "conf_dir_trust.h"
#include "flush_clnt.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "match_list.h"
#include "msg.h"
#include "mymalloc.h"
#include "postlog_client.h"
#include "postqueue.h"
#include "stringops.h"
#include "vstr.h"
#include "vstream.h"

/* The configuration directory as an absolute path. */
static char *conf_dir_abs;

enum pq_mode { PQ_NONE, PQ_LIST, PQ_JSON, PQ_FLUSH, PQ_FLUSH_ID, PQ_SITE };

/* usage - the one-line synopsis */
static void
usage(void)
{
	msg_fatal_status(EX_USAGE, "usage: postqueue -f | postqueue -i queueid "
	                           "| postqueue -j | postqueue -p | postqueue "
	                           "-s site");
}

/* drop_group - give up the set-gid group for good */
static void
drop_group(void)
{
	gid_t g = getgid(), r, e, s;

	if (setresgid(g, g, g) < 0)
		msg_fatal_status(EX_UNAVAILABLE, "setresgid: %m");
	if (getresgid(&r, &e, &s) < 0 || r != g || e != g || s != g)
		msg_fatal_status(EX_UNAVAILABLE,
		                 "group privilege was not dropped");
}

/* std_fds - make sure 0, 1 and 2 are open before anything else */
static void
std_fds(void)
{
	struct stat st;

	for (int fd = 0; fd < 3; fd++)
		if (fstat(fd, &st) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EX_UNAVAILABLE);
}

/* clean_env - keep only import_environment for non-root users */
static void
clean_env(void)
{
	struct argv *keep = argv_split(var_import_environment, ", \t\r\n");
	struct argv *saved = argv_alloc(8);

	for (size_t i = 0; i < keep->argc; i++) {
		const char *name = keep->argv[i], *eq = strchr(name, '=');
		struct vstr *v;
		const char *val;

		if (eq != NULL) {
			argv_add(saved, name);
			continue;
		}
		if ((val = getenv(name)) == NULL)
			continue;
		v = vstr_alloc(64);
		vstr_fmt(v, "%s=%s", name, val);
		argv_add(saved, vstr_str(v));
		vstr_free(v);
	}
	if (clearenv() != 0)
		msg_fatal_status(EX_UNAVAILABLE,
		                 "cannot clean the environment");
	for (size_t i = 0; i < saved->argc; i++) {
		char *eq = strchr(saved->argv[i], '=');

		*eq = 0;
		if (setenv(saved->argv[i], eq + 1, 1) < 0)
			msg_fatal_status(EX_UNAVAILABLE, "out of memory");
	}
	argv_free(keep);
	argv_free(saved);
}

/* setup - configuration (trusted directories only), queue, logging */
static void
setup(const char *config_dir)
{
	struct vstr *why = vstr_alloc(100);
	bool explicit;
	const char *dir = mail_conf_dir_choose(config_dir, &explicit);

	if (!conf_dir_trusted(dir, why))
		msg_fatal_status(EX_UNAVAILABLE, "%s", vstr_str(why));
	if (mail_conf_load(dir, explicit, why) < 0 || mail_params_init(why) < 0)
		msg_fatal_status(EX_UNAVAILABLE, "%s", vstr_str(why));
	if (geteuid() != 0)
		clean_env();
	/* showq -S (run_showq) is started from the queue directory. */
	if ((conf_dir_abs = realpath(mail_conf_dir(), NULL)) == NULL)
		conf_dir_abs = xstrdup(mail_conf_dir());
	if (chdir(var_queue_directory) < 0)
		msg_fatal_status(EX_UNAVAILABLE, "chdir %s: %m",
		                 var_queue_directory);
	vstr_fmt(why, "public/%s", var_postlog_service_name);
	if (postlog_client_init("postqueue", vstr_str(why), getuid() == 0,
	                        why) < 0)
		msg_fatal_status(EX_UNAVAILABLE, "%s", vstr_str(why));
	vstr_free(why);
}

/* check_acl - may the real user do this (list or flush)? */
static void
check_acl(const char *param, const char *acl, const char *what)
{
	uid_t uid = getuid();
	struct passwd *pw = getpwnam(var_mail_owner);
	struct passwd *me;
	struct vstr *name = vstr_alloc(32);
	struct match_list *l;
	int ok;

	if (uid == 0 || (pw != NULL && pw->pw_uid == uid)) {
		vstr_free(name);
		return;
	}
	if ((me = getpwuid(uid)) != NULL)
		vstr_cpy(name, me->pw_name);
	else
		vstr_fmt(name, "%ld", (long) uid);
	l = match_list_init(param, acl, MATCH_STRING);
	ok = match_list_match(l, vstr_str(name), NULL);
	match_list_free(l);
	if (ok <= 0)
		msg_fatal_status(EX_NOPERM, "User %s(%ld) is not allowed to %s",
		                 vstr_str(name), (long) uid, what);
	vstr_free(name);
}

/* run_showq - root and the mail system is down: showq -S on a socket */
static struct vstream *
run_showq(pid_t *pid)
{
	struct vstr *path = vstr_alloc(64);
	int sv[2];

	vstr_fmt(path, "%s/%s", var_daemon_directory, "showq");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		msg_fatal_status(EX_UNAVAILABLE, "socketpair: %m");
	switch (*pid = fork()) {
	case -1:
		msg_fatal_status(EX_UNAVAILABLE, "fork: %m");
	case 0:
		if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0)
			_exit(EX_OSERR);
		setenv("MAIL_CONFIG", conf_dir_abs, 1);
		execl(vstr_str(path), var_showq_service_name, "-S",
		      msg_verbose ? "-v" : (char *) NULL, (char *) NULL);
		msg_warn("Error running %s: %m", vstr_str(path));
		_exit(EX_OSERR);
	}
	close(sv[1]);
	vstr_free(path);
	return vstream_fdopen(sv[0], VSTREAM_FLAG_NONE);
}

/* show_queue - -p and -j */
static void
show_queue(enum pq_format format)
{
	struct vstream *fp;
	pid_t pid = 0;
	int status;

	check_acl("authorized_mailq_users", var_authorized_mailq_users,
	          "view the mail queue");
	fp = mail_connect(MAIL_CLASS_PUBLIC, var_showq_service_name,
	                  (int) var_ipc_timeout);
	if (fp == NULL && errno == EACCES)
		msg_fatal_status(EX_SOFTWARE,
		                 "Connect to the %s %s service: %m",
		                 var_mail_name, var_showq_service_name);
	if (fp == NULL && geteuid() != 0)
		msg_fatal_status(
		        EX_UNAVAILABLE,
		        "Queue report unavailable - mail system is down "
		        "(Connect to the %s %s service: %m)",
		        var_mail_name, var_showq_service_name);
	if (fp == NULL) {
		msg_warn("Mail system is down -- accessing queue directly "
		         "(Connect to the %s %s service: %m)",
		         var_mail_name, var_showq_service_name);
		fp = run_showq(&pid);
	}
	drop_group();
	pq_show(fp, format);
	(void) vstream_close(fp);
	if (pid > 0 && (waitpid(pid, &status, 0) < 0 || status != 0))
		msg_fatal_status(EX_UNAVAILABLE, "Error running %s/showq",
		                 var_daemon_directory);
}

/* flush_queue - -f: everything deferred goes now */
static void
flush_queue(void)
{
	static const char qmgr_req[] = {QMGR_REQ_FLUSH_DEAD, QMGR_REQ_SCAN_ALL,
	                                QMGR_REQ_SCAN_DEFERRED,
	                                QMGR_REQ_SCAN_INCOMING};
	static const char pickup_req[] = {PICKUP_REQ_SCAN};

	check_acl("authorized_flush_users", var_authorized_flush_users,
	          "flush the mail queue");
	if (mail_trigger(MAIL_CLASS_PUBLIC, var_queue_service_name, qmgr_req,
	                 sizeof(qmgr_req)) < 0 ||
	    mail_trigger(MAIL_CLASS_PUBLIC, var_pickup_service_name, pickup_req,
	                 sizeof(pickup_req)) < 0)
		msg_fatal_status(
		        EX_UNAVAILABLE,
		        "Cannot flush mail queue - mail system is down");
	if (flush_purge() != FLUSH_STAT_OK)
		msg_warn("cannot purge the %s service logs",
		         var_flush_service_name);
	drop_group();
}

/* flush_status - the exit of -i and -s */
static void
flush_status(int status, const char *arg, bool site)
{
	switch (status) {
	case FLUSH_STAT_OK:
		return;
	case FLUSH_STAT_BAD:
		msg_fatal_status(EX_USAGE, "Invalid request: \"%s\"", arg);
	case FLUSH_STAT_FAIL:
		msg_fatal_status(
		        EX_UNAVAILABLE,
		        "Cannot flush mail queue - mail system is down");
	case FLUSH_STAT_DENY:
		if (site)
			msg_fatal_status(EX_UNAVAILABLE,
			                 "Flush service is not configured for "
			                 "destination \"%s\"",
			                 arg);
		/* FALLTHROUGH */
	default:
		msg_fatal_status(EX_SOFTWARE,
		                 "Unexpected flush server reply status %d",
		                 status);
	}
}

/* flush_one - -i ID and -s SITE */
static void
flush_one(const char *arg, bool site)
{
	int status;

	check_acl("authorized_flush_users", var_authorized_flush_users,
	          "flush the mail queue");
	status = site ? flush_send_site(arg) : flush_send_file(arg);
	drop_group();
	flush_status(status, arg, site);
}

/* valid_label_char - a host name character */
static bool
valid_label_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

/* valid_site - a host name or an address literal in brackets */
static bool
valid_site(const char *site)
{
	size_t len = strlen(site), label = 0;
	bool alpha = false;

	if (len == 0 || len > 255)
		return false;
	if (site[0] == '[') {
		/* [192.0.2.1] or [ipv6:2001:db8::1] */
		if (site[len - 1] != ']' || len < 3)
			return false;
		for (size_t i = 1; i < len - 1; i++)
			if (!valid_label_char(site[i]) && site[i] != '.' &&
			    site[i] != ':')
				return false;
		return true;
	}
	for (const char *cp = site; *cp; cp++) {
		if (*cp == '.') {
			if (label == 0 || cp[-1] == '-' || cp[1] == 0)
				return false;
			label = 0;
		} else if (!valid_label_char(*cp) ||
		           (label == 0 && *cp == '-') || ++label > 63) {
			return false;
		} else if (!(*cp >= '0' && *cp <= '9')) {
			alpha = true;
		}
	}
	return alpha && site[len - 1] != '-';
}

/* check_args - refuse bad IDs and sites before anything is done */
static void
check_args(const char *id, const char *site)
{
	size_t n;

	if (site != NULL && !valid_site(site)) {
		n = strlen(site);
		msg_fatal_status(
		        EX_USAGE,
		        "Cannot flush mail queue - invalid destination: "
		        "\"%.100s%s\"",
		        site, n > 100 ? "..." : "");
	}
	if (id != NULL && !mail_queue_id_ok(id)) {
		n = strlen(id);
		msg_fatal_status(EX_USAGE,
		                 "Cannot flush queue ID - invalid name: "
		                 "\"%.100s%s\"",
		                 id, n > 100 ? "..." : "");
	}
}

/* set_mode - one operation per run */
static void
set_mode(enum pq_mode *mode, enum pq_mode m)
{
	if (*mode != PQ_NONE)
		usage();
	*mode = m;
}

/* main - see postqueue(1) */
int
main(int argc, char **argv)
{
	const char *config_dir = NULL, *id = NULL, *site = NULL;
	const char *slash = strrchr(argv[0], '/');
	const char *name = slash && slash[1] ? slash + 1 : argv[0];
	enum pq_mode mode = PQ_NONE;
	int ch;

	umask(022);
	std_fds();
	msg_stderr_init(name);
	mail_process_name = "postqueue";
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt(argc, argv, "c:fi:jps:v")) > 0) {
		switch (ch) {
		case 'c':
			config_dir = optarg;
			break;
		case 'f':
			set_mode(&mode, PQ_FLUSH);
			break;
		case 'i':
			set_mode(&mode, PQ_FLUSH_ID);
			id = optarg;
			break;
		case 'j':
			set_mode(&mode, PQ_JSON);
			break;
		case 'p':
			set_mode(&mode, PQ_LIST);
			break;
		case 's':
			set_mode(&mode, PQ_SITE);
			site = optarg;
			break;
		case 'v':
			if (geteuid() == 0)
				msg_verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind < argc)
		usage();
	/* Under the name mailq (as sendmail -bp), list the queue. */
	if (mode == PQ_NONE && strcmp(name, "mailq") == 0)
		mode = PQ_LIST;
	if (mode == PQ_NONE)
		usage();
	setup(config_dir);
	check_args(id, site);
	switch (mode) {
	case PQ_LIST:
	case PQ_JSON:
		show_queue(mode == PQ_JSON ? PQ_FORMAT_JSON : PQ_FORMAT_MAILQ);
		break;
	case PQ_FLUSH:
		flush_queue();
		break;
	case PQ_FLUSH_ID:
		flush_one(id, false);
		break;
	default:
		flush_one(site, true);
		break;
	}
	return 0;
}
