/*
 * postfix - start, stop, check and control the mail system
 *
 * SECURITY
 *	Reserved for the superuser. It runs master(8) and signals it; the
 *	only input it trusts is the configuration and the pid file in the
 *	queue directory, and it checks the pid it reads there against the
 *	process that holds the pid file's lock.
 * DIAGNOSTICS
 *	Messages go to standard error and to the mail log with the ident
 *	"postfix/postfix-script", as Postfix's postfix-script does.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mail_conf.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "postfix.h"
#include "postlog_client.h"
#include "vstr.h"

#define PID_FILE "pid/master.pid"
#define SCRIPT_IDENT "postfix-script"

static const char *stderr_ident = "postfix";
static const char *config_dir;

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

/* run_master - daemon_directory/master with one option; exit status */
static int
run_master(const char *opt, bool replace)
{
	struct vstr *path =
	        vstr_fmt(vstr_alloc(100), "%s/master", var_daemon_directory);
	char *argv[] = {"master", (char *) opt, NULL};
	pid_t pid;
	int status;

	if (replace) {
		execv(vstr_str(path), argv);
		msg_fatal("exec %s: %m", vstr_str(path));
	}
	if ((pid = fork()) < 0)
		msg_fatal("fork: %m");
	if (pid == 0) {
		execv(vstr_str(path), argv);
		msg_fatal("exec %s: %m", vstr_str(path));
	}
	vstr_free(path);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			msg_fatal("waitpid: %m");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* do_start - start and start-fg */
static int
do_start(bool foreground)
{
	if (master_pid() != 0)
		msg_fatal("the Postfix mail system is already running");
	if (postfix_check_fatal() < 0)
		msg_fatal("Postfix integrity check failed!");
	postfix_check_warn();
	msg_info("starting the Postfix mail system");
	if (!foreground) {
		if (run_master("-w", false) != 0)
			msg_fatal("mail system startup failed");
		return 0;
	}
	/* As PID 1 become master; else keep master out of our group. */
	if (getpid() == 1)
		return run_master("-i", true);
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

/* do_flush - ask qmgr to retry all deferred mail now */
static int
do_flush(void)
{
	static const char req[] = {QMGR_REQ_FLUSH_DEAD, QMGR_REQ_SCAN_ALL,
	                           QMGR_REQ_SCAN_DEFERRED,
	                           QMGR_REQ_SCAN_INCOMING};

	if (master_pid() == 0 ||
	    mail_trigger(MAIL_CLASS_PUBLIC, var_queue_service_name, req,
	                 sizeof(req)) < 0)
		msg_fatal("Cannot flush mail queue - mail system is down");
	return 0;
}

/* do_check - check-fatal, then check-warn */
static int
do_check(void)
{
	if (postfix_check_fatal() < 0)
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

/* setup - configuration, the queue directory, logging */
static void
setup(void)
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
	vstr_free(why);
	vstr_free(sock);
}

/* main - see postfix(1) */
int
main(int argc, char **argv)
{
	int ch;

	msg_output_add(stderr_output, NULL);
	while ((ch = getopt(argc, argv, "c:Dv")) > 0) {
		switch (ch) {
		case 'c':
			config_dir = optarg;
			break;
		case 'D':
			break;
		case 'v':
			msg_verbose++;
			break;
		default:
			msg_fatal(
			        "usage: postfix [-c config_dir] [-Dv] command");
		}
	}
	if (optind != argc - 1)
		msg_fatal("usage: postfix [-c config_dir] [-Dv] command");
	if (getuid() != 0)
		msg_fatal("the postfix command is reserved for the superuser");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			setup();
			return commands[i].fn();
		}
	}
	msg_fatal("unknown command: '%s'. Usage: postfix [-c config_dir] "
	          "[-Dv] command",
	          argv[optind]);
}
