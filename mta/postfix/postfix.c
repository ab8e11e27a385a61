/*
 * postfix - start, stop, check and control the mail system
 *
 * SECURITY
 *	Reserved for the superuser. It runs master(8) and signals it; the
 *	only input it trusts is the configuration and the pid file in the
 *	queue directory, and it checks the pid it reads there against the
 *	process that holds the pid file's lock.
 * SYSTEMD
 *	On a host booted with systemd (/run/systemd/system exists), "postfix
 *	start" outside a unit (INVOCATION_ID unset) does its checks and the
 *	chroot sync, then hands the start to "systemctl start UNIT", where
 *	UNIT is postfix.service for /etc/postfix and postfix@NAME.service
 *	for /etc/postfix-NAME (systemd_unit.h); other directories start
 *	the classic way, and POSTFIX_NO_SYSTEMD_REDIRECT=1 turns this off.
 *	-v and -D reach the unit through /run/postfix/UNIT.env, one line
 *	"POSTFIX_FLAGS=-v -D" that the unit reads (EnvironmentFile=-) and
 *	passes to "postfix start-fg", which removes the file. Under systemd
 *	(NOTIFY_SOCKET set) start-fg execs master in its own place, so that
 *	master is the unit's main process and can report readiness; with
 *	POSTFIX_UNIT_CHECKED=1 and INVOCATION_ID set it skips the checks
 *	and the sync, which the unit's ExecStartPre "postfix check" did.
 * DIAGNOSTICS
 *	Messages go to standard error and to the mail log with the ident
 *	"postfix/postfix-script", as Postfix's postfix-script does.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "postfix.h"
#include "postlog_client.h"
#include "systemd_unit.h"
#include "vstr.h"

#define PID_FILE "pid/master.pid"
#define SCRIPT_IDENT "postfix-script"
/* The -v/-D hand-over from "postfix start" to the unit's start-fg. */
#define FLAGS_DIR "/run/postfix"
#define FLAGS_VAR "POSTFIX_FLAGS"
#define NO_REDIRECT_VAR "POSTFIX_NO_SYSTEMD_REDIRECT"
#define CHECKED_VAR "POSTFIX_UNIT_CHECKED"

static const char *stderr_ident = "postfix";
static const char *config_dir;
static bool debug_flag; /* -D */

/* stderr_output - "ident: level: text" on standard error */
static void
stderr_output(int level, const char *text, void *ctx)
{
	struct vstr *line = vstr_alloc(200);

	(void) ctx;
	vstr_fmt(line, "%s: %s%s\n", stderr_ident, msg_level_prefix(level),
	         text);
	(void) !write(2, vstr_str(line), vstr_len(line));
	vstr_free(line);
}

/* master_pid - the pid of the running master, 0 when none */
static pid_t
master_pid(void)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int fd = open(PID_FILE, O_RDWR | O_CLOEXEC);
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = fl.l_pid;
	close(fd);
	return pid;
}

/* need_running - fatal unless master runs; its pid */
static pid_t
need_running(void)
{
	pid_t pid = master_pid();

	if (pid == 0)
		msg_fatal("the Postfix mail system is not running");
	return pid;
}

/* master_args - "master [-v...] [-D] OPT" for this command's flags */
static struct argv *
master_args(const char *opt)
{
	struct argv *args = argv_alloc(8);

	argv_add(args, "master");
	for (int i = 0; i < msg_verbose && i < 4; i++)
		argv_add(args, "-v");
	if (debug_flag)
		argv_add(args, "-D");
	argv_add(args, opt);
	return args;
}

/* postfix_run - run PATH (searched in PATH without a '/') and wait */
int
postfix_run(const char *path, char *const argv[])
{
	pid_t pid;
	int status;

	fflush(stdout);
	if ((pid = fork()) < 0) {
		msg_error("fork: %m");
		return -1;
	}
	if (pid == 0) {
		if (strchr(path, '/'))
			execv(path, argv);
		else
			execvp(path, argv);
		msg_error("exec %s: %m", path);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			msg_error("waitpid: %m");
			return -1;
		}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* run_master - daemon_directory/master with one option; exit status */
static int
run_master(const char *opt, bool replace)
{
	struct vstr *path =
	        vstr_fmt(vstr_alloc(100), "%s/master", var_daemon_directory);
	struct argv *args = master_args(opt);
	int rc;

	if (replace) {
		execv(vstr_str(path), args->argv);
		msg_fatal("exec %s: %m", vstr_str(path));
	}
	if ((rc = postfix_run(vstr_str(path), args->argv)) < 0)
		msg_fatal("cannot run %s", vstr_str(path));
	vstr_free(path);
	argv_free(args);
	return rc;
}

/* flags_path - FLAGS_DIR/UNIT.env; caller frees */
static char *
flags_path(const char *unit)
{
	return vstr_export(
	        vstr_fmt(vstr_alloc(64), "%s/%s.env", FLAGS_DIR, unit));
}

/* write_flags - UNIT.env with -v/-D for the unit, or none */
static void
write_flags(const char *unit)
{
	char *path = flags_path(unit);
	struct vstr *tmp = vstr_fmt(vstr_alloc(64), "%s.tmp", path);
	struct vstr *line = vstr_fmt(vstr_alloc(64), "%s=", FLAGS_VAR);
	int fd;

	for (int i = 0; i < msg_verbose && i < 4; i++)
		vstr_cat(line, i ? " -v" : "-v");
	if (debug_flag)
		vstr_cat(line, msg_verbose ? " -D" : "-D");
	vstr_addch(line, '\n');
	if (msg_verbose == 0 && !debug_flag) {
		/* A leftover of a start that failed must not be reused. */
		if (unlink(path) < 0 && errno != ENOENT)
			msg_fatal("remove %s: %m", path);
		goto out;
	}
	if (mkdir(FLAGS_DIR, 0755) < 0 && errno != EEXIST)
		msg_fatal("mkdir %s: %m", FLAGS_DIR);
	fd = open(vstr_str(tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	          0644);
	if (fd < 0 ||
	    write(fd, vstr_str(line), vstr_len(line)) !=
	            (ssize_t) vstr_len(line) ||
	    close(fd) < 0 || rename(vstr_str(tmp), path) < 0)
		msg_fatal("write %s: %m", path);
out:
	xfree(path);
	vstr_free(tmp);
	vstr_free(line);
}

/* remove_flags - start-fg consumed the flags of its unit */
static void
remove_flags(void)
{
	struct vstr *unit = vstr_alloc(64);
	char *path;

	if (systemd_unit_for_config(unit, mail_conf_dir())) {
		path = flags_path(vstr_str(unit));
		if (unlink(path) < 0 && errno != ENOENT)
			msg_warn("remove %s: %m", path);
		xfree(path);
	}
	vstr_free(unit);
}

/* redirect_unit - the unit "postfix start" hands over to, or NULL */
static char *
redirect_unit(void)
{
	const char *env = getenv("INVOCATION_ID");
	const char *off = getenv(NO_REDIRECT_VAR);
	struct vstr *unit = vstr_alloc(64);

	if ((off && *off && strcmp(off, "0") != 0) || (env && *env) ||
	    sd_booted() <= 0 ||
	    !systemd_unit_for_config(unit, mail_conf_dir())) {
		vstr_free(unit);
		return NULL;
	}
	return vstr_export(unit);
}

/* systemd_start - "systemctl start UNIT"; exit status 0, or fatal */
static int
systemd_start(const char *unit)
{
	char *argv[] = {"systemctl", "start", (char *) unit, NULL};

	msg_info("redirecting the Postfix mail system startup to systemd %s",
	         unit);
	write_flags(unit);
	if (postfix_run(argv[0], argv) != 0)
		msg_fatal("mail system startup through systemd failed");
	return 0;
}

/*
 * checked_by_unit - start-fg in our units: their ExecStartPre ran
 * "postfix check" with full privileges; the sandboxed ExecStart could
 * not redo it (no CAP_FOWNER for the modes of postfix-owned queue
 * directories). Other units, without that setting, get the checks.
 */
static bool
checked_by_unit(void)
{
	const char *inv = getenv("INVOCATION_ID");
	const char *checked = getenv(CHECKED_VAR);

	return inv && *inv && checked && strcmp(checked, "1") == 0;
}

/* do_start - start and start-fg */
static int
do_start(bool foreground)
{
	char *unit;

	if (master_pid() != 0)
		msg_fatal("the Postfix mail system is already running");
	if (!(foreground && checked_by_unit())) {
		if (postfix_check_fatal() < 0 || postfix_sync_jail() < 0)
			msg_fatal("Postfix integrity check failed!");
		postfix_check_warn();
	}
	if (!foreground && (unit = redirect_unit()) != NULL) {
		int rc = systemd_start(unit);

		xfree(unit);
		return rc;
	}
	msg_info("starting the Postfix mail system");
	if (!foreground) {
		if (run_master("-w", false) != 0)
			msg_fatal("mail system startup failed");
		return 0;
	}
	/*
	 * As PID 1, or as a systemd unit's main process (Type=notify wants
	 * the notifications from that PID), become master; else keep
	 * master out of our process group.
	 */
	remove_flags();
	if (getpid() == 1)
		return run_master("-i", true);
	if (getenv("NOTIFY_SOCKET") != NULL)
		return run_master("-s", true);
	return run_master("-s", false);
}

/* do_stop - SIGTERM, then wait for the lock to go; force after 5 s */
static int
do_stop(void)
{
	pid_t pid = need_running();

	msg_info("stopping the Postfix mail system");
	if (kill(pid, SIGTERM) < 0)
		msg_fatal("kill %ld: %m", (long) pid);
	for (int i = 0; i < 5; i++) {
		for (int j = 0; j < 20; j++) {
			struct timespec ts = {0, 50 * 1000 * 1000};

			if (master_pid() == 0)
				return 0;
			nanosleep(&ts, NULL);
		}
		msg_info("waiting for the Postfix mail system to terminate");
	}
	msg_warn("stopping the Postfix mail system with force");
	(void) kill(-pid, SIGKILL);
	(void) kill(pid, SIGKILL);
	return 0;
}

/* do_abort - SIGTERM without waiting */
static int
do_abort(void)
{
	pid_t pid = need_running();

	msg_info("aborting the Postfix mail system");
	if (kill(pid, SIGTERM) < 0)
		msg_fatal("kill %ld: %m", (long) pid);
	return 0;
}

/* do_reload - SIGHUP */
static int
do_reload(void)
{
	pid_t pid = need_running();

	msg_info("refreshing the Postfix mail system");
	if (kill(pid, SIGHUP) < 0)
		msg_fatal("kill %ld: %m", (long) pid);
	return 0;
}

/* do_status - running or not; exit status 1 when not */
static int
do_status(void)
{
	pid_t pid = master_pid();

	if (pid == 0) {
		msg_info("the Postfix mail system is not running");
		return 1;
	}
	msg_info("the Postfix mail system is running: PID: %ld", (long) pid);
	return 0;
}

/* do_flush - "postqueue -f", as Postfix's postfix-script runs it */
static int
do_flush(void)
{
	struct vstr *path = vstr_alloc(100);
	char *const av[] = {(char *) "postqueue", (char *) "-c",
	                    var_config_directory, (char *) "-f", NULL};
	int status;

	vstr_fmt(path, "%s/postqueue", var_command_directory);
	status = postfix_run(vstr_str(path), av);
	vstr_free(path);
	return status;
}

/* do_check - check-fatal, then check-warn */
static int
do_check(void)
{
	if (postfix_check_fatal() < 0 || postfix_sync_jail() < 0)
		return 1;
	postfix_check_warn();
	return 0;
}

/* do_set_permissions - owners and modes */
static int
do_set_permissions(void)
{
	return postfix_set_permissions() < 0 ? 1 : 0;
}

/* do_upgrade - postlog service, then set-permissions */
static int
do_upgrade(void)
{
	return postfix_upgrade_configuration() < 0 ? 1 : 0;
}

/* do_start_bg, do_start_fg - table adapters */
static int
do_start_bg(void)
{
	return do_start(false);
}

static int
do_start_fg(void)
{
	return do_start(true);
}

/* Commands that take arguments of their own after the verb. */
static const struct arg_command {
	const char *name;
	int (*fn)(int argc, char **argv);
} arg_commands[] = {
        {"chroot", postfix_chroot},
        {"sync-chroot", postfix_sync_cmd},
};

static const struct command {
	const char *name;
	int (*fn)(void);
} commands[] = {
        {"start", do_start_bg},
        {"start-fg", do_start_fg},
        {"stop", do_stop},
        {"abort", do_abort},
        {"reload", do_reload},
        {"status", do_status},
        {"flush", do_flush},
        {"check", do_check},
        {"set-permissions", do_set_permissions},
        {"upgrade-configuration", do_upgrade},
};

/* Verbs that create what is missing (as "post-install create-missing"). */
static const char *const creating_verbs[] = {
        "start",           "start-fg",    "check",
        "set-permissions", "sync-chroot", "upgrade-configuration",
};

/* make_queue_dir - the queue directory and its parents, root-owned 0755 */
static void
make_queue_dir(const char *path)
{
	struct vstr *part = vstr_alloc(100);

	for (const char *cp = path; *cp; cp++) {
		if (*cp != '/' || cp == path)
			continue;
		vstr_mem(part, path, (size_t) (cp - path));
		if (mkdir(vstr_str(part), 0755) < 0 && errno != EEXIST)
			msg_fatal("mkdir %s: %m", vstr_str(part));
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		msg_fatal("mkdir %s: %m", path);
	vstr_free(part);
}

/* creates - does VERB create what is missing? */
static bool
creates(const char *verb)
{
	for (size_t i = 0;
	     i < sizeof(creating_verbs) / sizeof(creating_verbs[0]); i++)
		if (strcmp(verb, creating_verbs[i]) == 0)
			return true;
	return false;
}

/* setup - configuration, the queue directory, logging */
static void
setup(const char *verb)
{
	struct vstr *why = vstr_alloc(100);
	struct vstr *sock = vstr_alloc(100);
	bool explicit;
	const char *dir = mail_conf_dir_choose(config_dir, &explicit);

	mail_process_name = "postfix";
	if (mail_conf_load(dir, explicit, why) < 0 || mail_params_init(why) < 0)
		msg_fatal("%s", vstr_str(why));
	if (setenv("MAIL_CONFIG", dir, 1) < 0)
		msg_fatal("setenv: %m");
	if (chdir(var_queue_directory) < 0 && errno == ENOENT &&
	    creates(verb)) {
		make_queue_dir(var_queue_directory);
		msg_info("created the queue directory %s", var_queue_directory);
	}
	if (chdir(var_queue_directory) < 0)
		msg_fatal("chdir %s: %m", var_queue_directory);
	vstr_fmt(sock, "%s/public/%s", var_queue_directory,
	         var_postlog_service_name);
	stderr_ident = vstr_export(vstr_fmt(vstr_alloc(64), "%s/%s",
	                                    var_syslog_name, SCRIPT_IDENT));
	if (postlog_client_init(SCRIPT_IDENT, vstr_str(sock), true, why) < 0)
		msg_fatal("%s", vstr_str(why));
	/* Root and short-lived: append directly, so that "stopping" is
	 * not lost with the postlogd that master is about to stop. */
	postlog_client_direct();
	/* In a systemd unit standard error is the journal, which gets the
	 * syslog lines already. */
	if (getenv("INVOCATION_ID") && !isatty(2) && *var_maillog_file == 0)
		msg_output_remove(stderr_output, NULL);
	vstr_free(why);
	vstr_free(sock);
}

/* main - see postfix(1) */
int
main(int argc, char **argv)
{
	int ch;

	msg_output_add(stderr_output, NULL);
	/* '+': options end at the verb; the verb may have its own. */
	while ((ch = getopt(argc, argv, "+c:Dv")) > 0) {
		switch (ch) {
		case 'c':
			config_dir = optarg;
			break;
		case 'D':
			debug_flag = true;
			break;
		case 'v':
			msg_verbose++;
			break;
		default:
			msg_fatal(
			        "usage: postfix [-c config_dir] [-Dv] command");
		}
	}
	if (optind >= argc)
		msg_fatal("usage: postfix [-c config_dir] [-Dv] command");
	if (getuid() != 0)
		msg_fatal("the postfix command is reserved for the superuser");
	for (size_t i = 0; i < sizeof(arg_commands) / sizeof(arg_commands[0]);
	     i++) {
		if (strcmp(argv[optind], arg_commands[i].name) == 0) {
			setup(argv[optind]);
			return arg_commands[i].fn(argc - optind, argv + optind);
		}
	}
	if (optind != argc - 1)
		msg_fatal("usage: postfix [-c config_dir] [-Dv] command");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			setup(argv[optind]);
			return commands[i].fn();
		}
	}
	msg_fatal("unknown command: '%s'. Usage: postfix [-c config_dir] "
	          "[-Dv] command",
	          argv[optind]);
}
