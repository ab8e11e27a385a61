/*
 * mail_server - the daemon skeleton: options, configuration, logging,
 * the jail, then the SERVER_SINGLE, SERVER_TRIGGER or SERVER_MULTI loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "dict.h"
#include "events.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_server.h"
#include "master_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "postlog_client.h"
#include "server_args.h"
#include "sock.h"
#include "vstr.h"

/* The longest wake-up request read from a fifo or unix trigger client. */
#define TRIGGER_BUF_SIZE 1024
/* The deadline for reading one unix trigger request. */
#define TRIGGER_READ_TIMEOUT_MS 1000

struct server_state {
	const struct server_spec *spec;
	struct server_args args;
	unsigned long served;
	bool drain;
	bool avail_sent; /* last status told master was "available" */
	struct vstr *buf;
	/* SERVER_MULTI */
	struct vstream **slots; /* client streams by descriptor */
	size_t nslots;
	int nclients;
	time_t idle_since; /* when the last client went away */
	bool master_lost;  /* the status descriptor reported an error */
};

static struct server_state server;

/* mail_server_drain - take no more clients */
void
mail_server_drain(void)
{
	server.drain = true;
	/* Let master start a replacement now rather than at our exit. */
	if (server.avail_sent && master_notify(MASTER_STAT_TAKEN) == 0)
		server.avail_sent = false;
}

/* status - tell master, remembering what we said */
static void
status(int avail)
{
	if (server.args.standalone)
		return;
	/* Master went away: finish what was taken, then exit. */
	if (master_notify(avail) < 0 && errno == EPIPE) {
		if (msg_verbose && !server.drain)
			msg_info("master disconnect -- exiting");
		server.drain = true;
	}
	server.avail_sent = avail == MASTER_STAT_AVAIL;
}

/* done_serving - max_use reached, drained, or a table changed */
static bool
done_serving(void)
{
	const char *changed;

	if (server.drain)
		return true;
	if (!server.spec->forever && var_max_use > 0 &&
	    server.served >= (unsigned long) var_max_use)
		return true;
	if ((changed = dict_changed()) != NULL) {
		msg_info("table %s has changed -- restarting", changed);
		return true;
	}
	return false;
}

/* load_config - main.cf, -o overrides, then the var_* globals */
static void
load_config(const struct server_args *a, const char *progname)
{
	struct vstr *why = vstr_alloc(100);
	struct vstr *path = vstr_alloc(100);
	bool explicit;
	const char *dir = mail_conf_dir_choose(a->config_dir, &explicit);

	mail_process_name = progname;
	if (mail_conf_load(dir, explicit, why) < 0)
		msg_fatal("%s", vstr_str(why));
	mail_conf_override("service_name", a->service);
	for (size_t i = 0; i < a->opt_names->argc; i++)
		mail_conf_override(a->opt_names->argv[i],
		                   a->opt_values->argv[i]);
	if (mail_params_init(why) < 0)
		msg_fatal("%s", vstr_str(why));
	msg_verbose += a->verbose;
	vstr_fmt(path, "public/%s", var_postlog_service_name);
	/* The log tag names the program, as Postfix does: postfix/smtpd. */
	if (postlog_client_init(progname, vstr_str(path), true, why) < 0)
		msg_fatal("%s", vstr_str(why));
	vstr_free(why);
	vstr_free(path);
}

/* drop_privileges - setgroups, chroot, setresgid/setresuid, verify */
static void
drop_privileges(const struct server_args *a, bool keep_root)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;
	bool drop = a->unpriv && !keep_root;

	if ((pw = getpwnam(var_mail_owner)) == NULL)
		msg_fatal("file %s/main.cf: parameter mail_owner: "
		          "unknown user name value: %s",
		          mail_conf_dir(), var_mail_owner);
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (geteuid() != 0) {
		if (a->chroot)
			msg_fatal("chroot %s: need root privileges",
			          var_queue_directory);
		return; /* already unprivileged: nothing to drop */
	}
	tzset();
	if (drop && setgroups(1, &gid) < 0)
		msg_fatal("setgroups: %m");
	if (a->chroot) {
		if (chroot(var_queue_directory) < 0)
			msg_fatal("chroot(%s): %m", var_queue_directory);
		if (chdir("/") < 0)
			msg_fatal("chdir(/): %m");
		postlog_client_fallback(false);
	}
	if (!drop)
		return;
	if (setresgid(gid, gid, gid) < 0)
		msg_fatal("setresgid(%ld): %m", (long) gid);
	if (setresuid(uid, uid, uid) < 0)
		msg_fatal("setresuid(%ld): %m", (long) uid);
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		msg_fatal("privileges could be regained after setresuid(%ld)",
		          (long) uid);
}

/* serve_stream - one client of a SERVER_SINGLE service */
static void
serve_stream(int fd)
{
	struct vstream *stream = vstream_fdopen(fd, VSTREAM_FLAG_NONE);

	if (server.args.type != SERV_TYPE_INET)
		vstream_set_timeout(stream, (int) var_ipc_timeout);
	server.spec->service(stream, server.args.service, server.args.rest);
	(void) vstream_close(stream);
	server.served++;
}

/* accept_client - a connection (or, for "pass", the descriptor in it) */
static int
accept_client(int listen_fd)
{
	int fd = sock_accept(listen_fd);
	int passed;

	if (fd < 0 || server.args.type != SERV_TYPE_PASS)
		return fd;
	passed = sock_recv_fd(fd);
	if (passed < 0)
		msg_warn("receive descriptor: %m");
	close(fd);
	return passed;
}

/* single_loop - accept, serve, repeat, until idle or done */
static void
single_loop(void)
{
	int n = server.args.nsock;
	struct pollfd *pfd = xcalloc((size_t) n + 1, sizeof(*pfd));
	int idle_ms = server.spec->forever ? -1 : (int) var_max_idle * 1000;

	for (int i = 0; i < n; i++) {
		sock_nonblock(MASTER_LISTEN_FD + i, true);
		pfd[i].fd = MASTER_LISTEN_FD + i;
		pfd[i].events = POLLIN;
	}
	pfd[n].fd = MASTER_STATUS_FD; /* POLLERR: master is gone */
	status(MASTER_STAT_AVAIL);
	while (!done_serving()) {
		int rc = poll(pfd, (nfds_t) n + 1, idle_ms);

		if (rc < 0 && errno != EINTR)
			msg_fatal("poll: %m");
		if (rc == 0) {
			if (msg_verbose)
				msg_info("idle timeout -- exiting");
			break;
		}
		if (rc > 0 && (pfd[n].revents & (POLLERR | POLLHUP))) {
			if (msg_verbose)
				msg_info("master disconnect -- exiting");
			break;
		}
		for (int i = 0; i < n && !done_serving(); i++) {
			int fd;

			if (!(pfd[i].revents & POLLIN) ||
			    (fd = accept_client(pfd[i].fd)) < 0)
				continue;
			status(MASTER_STAT_TAKEN);
			serve_stream(fd);
			if (!done_serving())
				status(MASTER_STAT_AVAIL);
		}
	}
	xfree(pfd);
}

/* read_trigger - up to TRIGGER_BUF_SIZE bytes of one unix client, within
 * TRIGGER_READ_TIMEOUT_MS in all */
static size_t
read_trigger(int fd, char *buf)
{
	size_t got = 0;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (got < TRIGGER_BUF_SIZE) {
		long left;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = TRIGGER_READ_TIMEOUT_MS -
		       ((now.tv_sec - start.tv_sec) * 1000L +
		        (now.tv_nsec - start.tv_nsec) / 1000000L);
		if (left <= 0 || poll(&pfd, 1, (int) left) <= 0)
			break;
		if ((n = read(fd, buf + got, TRIGGER_BUF_SIZE - got)) <= 0)
			break;
		got += (size_t) n;
	}
	return got;
}

/* trigger_event - one request on a listening descriptor */
static void
trigger_event(int event, void *ctx)
{
	int fd = (int) (long) ctx;
	char *buf;
	ssize_t n = 0;
	int client;

	(void) event;
	vstr_reserve(vstr_reset(server.buf), 65536 + 1);
	buf = vstr_str(server.buf);
	switch (server.args.type) {
	case SERV_TYPE_FIFO:
		n = read(fd, buf, TRIGGER_BUF_SIZE);
		break;
	case SERV_TYPE_DGRAM:
		n = recv(fd, buf, 65535, MSG_DONTWAIT);
		break;
	default:
		if ((client = sock_accept(fd)) < 0)
			return;
		n = (ssize_t) read_trigger(client, buf);
		close(client);
		break;
	}
	if (n <= 0)
		return;
	buf[n] = 0;
	status(MASTER_STAT_TAKEN);
	server.spec->trigger(buf, (size_t) n, server.args.service,
	                     server.args.rest);
	server.served++;
	if (!done_serving())
		status(MASTER_STAT_AVAIL);
}

/* master_gone - the status descriptor reports an error */
static void
master_gone(int event, void *ctx)
{
	(void) event;
	(void) ctx;
	if (msg_verbose)
		msg_info("master disconnect -- exiting");
	exit(0);
}

/* trigger_loop - the event loop until idle or done */
static void
trigger_loop(void)
{
	time_t last = time(NULL);
	unsigned long seen = 0;

	server.buf = vstr_alloc(TRIGGER_BUF_SIZE);
	for (int i = 0; i < server.args.nsock; i++) {
		sock_nonblock(MASTER_LISTEN_FD + i, true);
		event_enable_read(MASTER_LISTEN_FD + i, trigger_event,
		                  (void *) (long) (MASTER_LISTEN_FD + i));
	}
	if (!server.args.standalone)
		event_enable_read(MASTER_STATUS_FD, master_gone, NULL);
	status(MASTER_STAT_AVAIL);
	while (!done_serving()) {
		event_loop(server.spec->forever ? -1 : (int) var_max_idle);
		if (server.served != seen) {
			seen = server.served;
			last = time(NULL);
		} else if (!server.spec->forever &&
		           time(NULL) - last >= var_max_idle) {
			if (msg_verbose)
				msg_info("idle timeout -- exiting");
			break;
		}
	}
}

/* copy_once - move what is readable from one descriptor to another */
static bool
copy_once(int from, int to, struct vstr *buf)
{
	ssize_t n = read(from, vstr_str(buf), 4096);
	size_t done = 0;

	if (n <= 0)
		return false;
	while (done < (size_t) n) {
		ssize_t w = write(to, vstr_str(buf) + done, (size_t) n - done);

		if (w <= 0)
			return false;
		done += (size_t) w;
	}
	return true;
}

/* server_relay - stand-alone mode: stdin -> sock -> stdout */
static void
server_relay(int sock)
{
	struct vstr *buf = vstr_alloc(4096);
	struct pollfd pfd[2] = {{.fd = 0, .events = POLLIN},
	                        {.fd = sock, .events = POLLIN}};

	vstr_reserve(buf, 4096);
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents && !copy_once(0, sock, buf)) {
			shutdown(sock, SHUT_WR);
			pfd[0].fd = -1;
		}
		if (pfd[1].revents && !copy_once(sock, 1, buf))
			break;
	}
	vstr_free(buf);
}

/* standalone_fd - a socket for the one stand-alone client */
static int
standalone_fd(void)
{
	int sv[2];
	struct stat st;

	if (fstat(0, &st) == 0 && S_ISSOCK(st.st_mode))
		return 0;
	/* stdin and stdout differ: relay them through a socket pair. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		msg_fatal("socketpair: %m");
	switch (fork()) {
	case -1:
		msg_fatal("fork: %m");
	case 0:
		close(sv[0]);
		server_relay(sv[1]);
		_exit(0);
	}
	close(sv[1]);
	return sv[0];
}

/* multi_slot - the client table entry of a descriptor */
static struct vstream **
multi_slot(int fd)
{
	if ((size_t) fd >= server.nslots) {
		size_t n = (size_t) fd + 16;

		server.slots =
		        xreallocarray(server.slots, n, sizeof(*server.slots));
		memset(server.slots + server.nslots, 0,
		       (n - server.nslots) * sizeof(*server.slots));
		server.nslots = n;
	}
	return &server.slots[fd];
}

/* multi_read - a client stream is readable: one request, or more while
 * input is buffered */
static void
multi_read(int event, void *ctx)
{
	struct vstream *stream = ctx;
	int fd = vstream_fileno(stream);

	(void) event;
	do {
		server.spec->multi(stream, server.args.service,
		                   server.args.rest);
	} while (*multi_slot(fd) == stream && vstream_peek(stream) > 0);
}

/* multi_add - register a new client descriptor */
static void
multi_add(int fd)
{
	struct vstream *stream = vstream_fdopen(fd, VSTREAM_FLAG_NONE);

	if (msg_verbose)
		msg_info("connection established fd %d", fd);
	if (server.args.type != SERV_TYPE_INET)
		vstream_set_timeout(stream, (int) var_ipc_timeout);
	*multi_slot(fd) = stream;
	server.nclients++;
	event_enable_read(fd, multi_read, stream);
}

/* mail_server_disconnect - forget and close one SERVER_MULTI client */
void
mail_server_disconnect(struct vstream *stream)
{
	int fd = vstream_fileno(stream);
	struct vstream **slot = multi_slot(fd);

	if (*slot != stream)
		msg_panic("mail_server_disconnect: unknown stream fd %d", fd);
	if (msg_verbose)
		msg_info("connection closed fd %d", fd);
	if (server.spec->multi_done)
		server.spec->multi_done(stream, server.args.service,
		                        server.args.rest);
	event_disable_readwrite(fd);
	*slot = NULL;
	(void) vstream_close(stream);
	server.nclients--;
	server.served++;
	if (server.nclients == 0)
		server.idle_since = time(NULL);
}

/* multi_accept - a connection on a listening descriptor */
static void
multi_accept(int event, void *ctx)
{
	int listen_fd = (int) (long) ctx;
	int fd;

	(void) event;
	if (server.drain) {
		/* Level-triggered: stop watching rather than spin. */
		event_disable_readwrite(listen_fd);
		return;
	}
	if ((fd = accept_client(listen_fd)) < 0)
		return;
	sock_nonblock(fd, false);
	sock_cloexec(fd, true);
	multi_add(fd);
}

/* multi_master_gone - the status descriptor reports an error */
static void
multi_master_gone(int event, void *ctx)
{
	(void) event;
	(void) ctx;
	if (msg_verbose)
		msg_info("master disconnect -- exiting");
	server.master_lost = true;
	event_disable_readwrite(MASTER_STATUS_FD);
}

/* multi_loop - many clients at once, until idle (no client) or done */
static void
multi_loop(void)
{
	for (int i = 0; i < server.args.nsock; i++) {
		sock_nonblock(MASTER_LISTEN_FD + i, true);
		event_enable_read(MASTER_LISTEN_FD + i, multi_accept,
		                  (void *) (long) (MASTER_LISTEN_FD + i));
	}
	if (!server.args.standalone)
		event_enable_read(MASTER_STATUS_FD, multi_master_gone, NULL);
	status(MASTER_STAT_AVAIL);
	server.idle_since = time(NULL);
	while (!server.master_lost) {
		long left;

		if (server.nclients > 0 || server.spec->forever) {
			event_loop(-1);
			continue;
		}
		if (done_serving())
			break;
		left = var_max_idle - (long) (time(NULL) - server.idle_since);
		if (left <= 0) {
			if (msg_verbose)
				msg_info("idle timeout -- exiting");
			break;
		}
		event_loop((int) left);
	}
}

/* multi_standalone - stand-alone mode: standard input is the client */
static void
multi_standalone(void)
{
	multi_add(standalone_fd());
	while (server.nclients > 0)
		event_loop(-1);
}

/* mail_server_run - the whole life of a service process */
int
mail_server_run(int argc, char **argv, const struct server_spec *spec)
{
	struct vstr *why = vstr_alloc(100);
	const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
	const char *progname = slash ? slash + 1 : argc > 0 ? argv[0] : "?";

	signal(SIGPIPE, SIG_IGN);
	if (isatty(2))
		msg_stderr_init(progname);
	server.spec = spec;
	if (server_args_parse(argc, argv, &server.args, why) < 0)
		msg_fatal("%s", vstr_str(why));
	load_config(&server.args, progname);
	if (chdir(var_queue_directory) < 0)
		msg_fatal("chdir(\"%s\"): %m", var_queue_directory);
	if (spec->pre_jail)
		spec->pre_jail(server.args.service, server.args.rest);
	drop_privileges(&server.args, spec->keep_root);
	if (spec->post_jail)
		spec->post_jail(server.args.service, server.args.rest);
	vstr_free(why);
	if (spec->kind == SERVER_MULTI) {
		if (spec->multi == NULL)
			msg_panic(
			        "mail_server_run: SERVER_MULTI without multi");
		if (server.args.standalone)
			multi_standalone();
		else
			multi_loop();
		if (spec->pre_exit)
			spec->pre_exit(server.args.service, server.args.rest);
		return 0;
	}
	if (server.args.standalone) {
		if (spec->kind == SERVER_SINGLE) {
			serve_stream(standalone_fd());
		} else {
			struct vstr *in = vstr_alloc(TRIGGER_BUF_SIZE);

			vstr_reserve(in, TRIGGER_BUF_SIZE);
			ssize_t n = read(0, vstr_str(in), TRIGGER_BUF_SIZE);

			if (n > 0)
				spec->trigger(vstr_str(in), (size_t) n,
				              server.args.service,
				              server.args.rest);
			vstr_free(in);
		}
		return 0;
	}
	if (spec->kind == SERVER_SINGLE)
		single_loop();
	else
		trigger_loop();
	return 0;
}
