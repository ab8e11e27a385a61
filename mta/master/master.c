/*
 * master - the resident process manager of the mail system
 *
 * SECURITY
 *	master runs as root: it creates the endpoints of master.cf and
 *	starts the service programs, which drop privileges themselves
 *	(mail_server.h). It reads no data from the network and from its
 *	children only fixed-size status messages on pipes, which are
 *	checked against the children it knows.
 * DIAGNOSTICS
 *	Problems are logged as "postfix/master[pid]: warning: ..." or
 *	"fatal: ..." (syslog, or maillog_file through postlogd(8)).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "master.h"
#include "msg.h"
#include "mymalloc.h"
#include "postlog_client.h"
#include "vstr.h"

#define PID_DIR "pid"
#define PID_FILE "pid/master.pid"
/* How long "master -w" waits for the daemon to finish its start-up. */
#define WAIT_TIMEOUT_MS 100000

struct master_opts {
	const char *config_dir;
	bool debug;       /* -d: keep the terminal and descriptors */
	bool init_mode;   /* -i: PID 1 in a container */
	bool keep_stdout; /* -s */
	bool test;        /* -t */
	bool wait;        /* -w */
	int exit_time;    /* -e */
};

static int sig_pipe[2] = {-1, -1};
static int wait_fd = -1;

/* usage - the one usage line */
static void
usage(const char *prog)
{
	msg_fatal("usage: %s [-Ddistvw] [-c config_dir] [-e exit_time]", prog);
}

/* parse_opts - the command line */
static void
parse_opts(int argc, char **argv, struct master_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt(argc, argv, "c:De:distvw")) > 0) {
		switch (ch) {
		case 'c':
			o->config_dir = optarg;
			break;
		case 'D':
			break;
		case 'd':
			o->debug = true;
			break;
		case 'e':
			o->exit_time = (int) strtol(optarg, NULL, 10);
			if (o->exit_time <= 0)
				usage(argv[0]);
			break;
		case 'i':
			if (getpid() != 1)
				msg_fatal("-i is allowed only for PID 1");
			o->init_mode = true;
			break;
		case 's':
			o->keep_stdout = true;
			break;
		case 't':
			o->test = true;
			break;
		case 'v':
			msg_verbose++;
			break;
		case 'w':
			o->wait = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind < argc)
		usage(argv[0]);
}

/* load_config - main.cf; MAIL_CONFIG set for reloads and children */
static void
load_config(const struct master_opts *o)
{
	struct vstr *why = vstr_alloc(100);
	bool explicit;
	const char *dir = mail_conf_dir_choose(o->config_dir, &explicit);

	mail_process_name = "master";
	if (mail_conf_load(dir, explicit, why) < 0 || mail_params_init(why) < 0)
		msg_fatal("%s", vstr_str(why));
	if (setenv("MAIL_CONFIG", dir, 1) < 0)
		msg_fatal("setenv: %m");
	vstr_free(why);
}

/* pid_lock_test - 0 when no master holds the lock */
static int
pid_lock_test(void)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int fd = open(PID_FILE, O_RDWR | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		rc = -1;
	close(fd);
	return rc;
}

/* pid_lock - lock and write pid/master.pid; fatal when it is taken */
static void
pid_lock(void)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	struct vstr *text;
	int fd;

	if (mkdir(PID_DIR, 0755) < 0 && errno != EEXIST)
		msg_fatal("mkdir %s/%s: %m", var_queue_directory, PID_DIR);
	if ((fd = open(PID_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		msg_fatal("open %s/%s: %m", var_queue_directory, PID_FILE);
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		if (errno == EAGAIN || errno == EACCES)
			msg_fatal("the Postfix mail system is already running");
		msg_fatal("lock %s/%s: %m", var_queue_directory, PID_FILE);
	}
	/* Postfix's format: the pid right-aligned in ten columns. */
	text = vstr_fmt(vstr_alloc(16), "%10ld\n", (long) getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, vstr_str(text), vstr_len(text)) !=
	                                    (ssize_t) vstr_len(text))
		msg_fatal("write %s/%s: %m", var_queue_directory, PID_FILE);
	vstr_free(text);
	/* fd stays open (and locked) for the life of the process. */
}

/* wait_for_child - "master -w": the parent waits for the start-up */
static void
wait_for_child(void)
{
	int fds[2];
	pid_t pid;
	char c = 0;
	struct pollfd pfd;

	if (pipe2(fds, O_CLOEXEC) < 0)
		msg_fatal("pipe: %m");
	if ((pid = fork()) < 0)
		msg_fatal("fork: %m");
	if (pid == 0) {
		close(fds[0]);
		wait_fd = fds[1];
		return;
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, WAIT_TIMEOUT_MS) > 0 && read(fds[0], &c, 1) == 1 &&
	    c == '0')
		_exit(0);
	_exit(1);
}

/* detach - descriptors 0-2 to /dev/null, own session */
static void
detach(const struct master_opts *o)
{
	int null;

	if (o->debug)
		return;
	if ((null = open("/dev/null", O_RDWR)) < 0)
		msg_fatal("open /dev/null: %m");
	for (int fd = 0; fd <= 2; fd++)
		if (fd != 1 || !(o->keep_stdout || o->init_mode))
			(void) dup2(null, fd);
	if (null > 2)
		close(null);
}

/* sig_catch - the handler: the signal number into the self-pipe */
static void
sig_catch(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char) sig;

	(void) !write(sig_pipe[1], &c, 1);
	errno = saved;
}

/* terminate - stop the children, then exit */
static void
terminate(int sig)
{
	postlog_client_direct();
	master_notify_stopping();
	msg_info("terminating on signal %d", sig);
	master_kill_children(SIGTERM);
	(void) unlink(PID_FILE);
	exit(0);
}

/* sig_event - handle the signals that arrived */
static void
sig_event(int event, void *ctx)
{
	unsigned char c;

	(void) event;
	(void) ctx;
	while (read(sig_pipe[0], &c, 1) == 1) {
		switch (c) {
		case SIGCHLD:
			master_reap_children();
			break;
		case SIGHUP:
			master_notify_reloading();
			msg_info("reload -- version %s, configuration %s",
			         var_mail_version, mail_conf_dir());
			master_config_reload();
			master_notify_ready();
			break;
		default:
			terminate(c);
		}
	}
}

/* sig_setup - SIGHUP reloads; SIGTERM, SIGINT, SIGQUIT terminate */
static void
sig_setup(void)
{
	static const int sigs[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGQUIT};
	struct sigaction sa;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		msg_fatal("pipe: %m");
	event_enable_read(sig_pipe[0], sig_event, NULL);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = sig_catch;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			msg_fatal("sigaction: %m");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}

/* exit_event - "-e": leave; children go at their convenience */
static void
exit_event(int event, void *ctx)
{
	(void) event;
	(void) ctx;
	postlog_client_direct();
	master_notify_stopping();
	msg_info("terminating after the -e exit time");
	(void) unlink(PID_FILE);
	exit(0);
}

/* main - see master(8) */
int
main(int argc, char **argv)
{
	struct master_opts o;
	struct vstr *why = vstr_alloc(100);

	msg_stderr_init("master");
	parse_opts(argc, argv, &o);
	load_config(&o);
	if (chdir(var_queue_directory) < 0)
		msg_fatal("chdir %s: %m", var_queue_directory);
	if (o.test)
		return pid_lock_test() == 0 ? 0 : 1;
	if (geteuid() != 0)
		msg_fatal("the master command is reserved for the superuser");
	if (o.wait)
		wait_for_child();
	if (!o.debug && !o.init_mode && setsid() < 0 && getsid(0) != getpid())
		msg_fatal("setsid: %m");
	pid_lock();
	if (postlog_client_init("master", "public/postlog", true, why) < 0)
		msg_fatal("%s", vstr_str(why));
	/* In a systemd unit, standard error is the journal, which gets the
	 * syslog lines already: do not log everything twice. */
	if (getenv("INVOCATION_ID") && !isatty(2) && *var_maillog_file == 0)
		msg_stderr_off();
	umask(022);
	master_verbose_children = msg_verbose;
	sig_setup();
	master_config_start();
	if (o.exit_time > 0)
		event_request_timer(exit_event, NULL, o.exit_time);
	detach(&o);
	msg_info("daemon started -- version %s, configuration %s",
	         var_mail_version, mail_conf_dir());
	if (wait_fd >= 0) {
		(void) !write(wait_fd, "0", 1);
		close(wait_fd);
	}
	master_notify_ready();
	vstr_free(why);
	for (;;)
		event_loop(-1);
}
