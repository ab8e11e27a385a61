/*
 * master_spawn - children: fork and exec, the status pipe, reaping, and
 * the throttle for services whose program fails at start-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argv.h"
#include "events.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_server.h"
#include "master.h"
#include "master_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* A process limit warning is repeated at most this often (seconds). */
#define BUSY_WARN_INTERVAL 1000

static struct master_proc *procs;
static unsigned generation;
int master_verbose_children;

/* should_listen - watch the endpoints: nobody available, room for more */
static bool
should_listen(const struct master_serv *s)
{
	return !s->throttled && !s->removed && s->listen_count > 0 &&
	       s->avail_proc == 0 &&
	       (s->max_proc == 0 || s->total_proc < s->max_proc);
}

/* listen_event - a client (or wake-up) waits: start a process */
static void
listen_event(int event, void *ctx)
{
	(void) event;
	master_spawn(ctx);
}

/* master_avail_update - (un)watch the endpoints as should_listen says */
void
master_avail_update(struct master_serv *s)
{
	bool want = should_listen(s);

	if (want == s->listening)
		return;
	for (int i = 0; i < s->listen_count; i++) {
		if (want)
			event_enable_read(s->listen_fds[i], listen_event, s);
		else
			event_disable_readwrite(s->listen_fds[i]);
	}
	s->listening = want;
}

/* unthrottle - the back-off time is over */
static void
unthrottle(int event, void *ctx)
{
	struct master_serv *s = ctx;

	(void) event;
	s->throttled = false;
	master_avail_update(s);
}

/* throttle - stop starting processes for a while; the pause grows */
static void
throttle(struct master_serv *s)
{
	s->throttled = true;
	master_avail_update(s);
	event_request_timer(unthrottle, s, s->throttle_delay);
	s->throttle_delay = s->throttle_delay * 2 > var_service_throttle_time
	                            ? (int) var_service_throttle_time
	                            : s->throttle_delay * 2;
}

/* busy_warning - all processes busy and no more allowed */
static void
busy_warning(struct master_serv *s)
{
	if (s->max_proc <= 1 || s->total_proc < s->max_proc ||
	    s->avail_proc > 0 ||
	    event_time() - s->busy_warned < BUSY_WARN_INTERVAL)
		return;
	s->busy_warned = (long) event_time();
	msg_warn("service \"%s\" (%s) has reached its process limit \"%d\": "
	         "new clients may experience noticeable delays",
	         s->name, s->endpoint ? s->endpoint : s->name, s->max_proc);
}

/* find_proc - the child with this pid */
static struct master_proc *
find_proc(pid_t pid)
{
	for (struct master_proc *p = procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* status_message - one TAKEN or AVAIL from a child */
static void
status_message(struct master_serv *s, const struct master_status *st)
{
	struct master_proc *p = find_proc(st->pid);

	if (p == NULL || p->serv != s || p->gen != s->gen || st->gen != s->gen)
		return;
	if (st->avail == MASTER_STAT_TAKEN) {
		if (p->avail) {
			p->avail = false;
			s->avail_proc--;
		}
		p->use_count++;
		s->throttle_delay = 1;
		busy_warning(s);
	} else if (st->avail == MASTER_STAT_AVAIL && !p->avail) {
		p->avail = true;
		s->avail_proc++;
	}
	master_avail_update(s);
}

/* status_event - read every status message that is there */
static void
status_event(int event, void *ctx)
{
	struct master_serv *s = ctx;
	struct master_status st;
	ssize_t n;

	(void) event;
	while ((n = read(s->status_fd[0], &st, sizeof(st))) ==
	       (ssize_t) sizeof(st))
		status_message(s, &st);
	if (n > 0)
		msg_warn("service %s/%s: short status message (%zd bytes)",
		         s->name, s->type_name, n);
}

/* master_status_init - a new status pipe and generation */
void
master_status_init(struct master_serv *s)
{
	if (pipe2(s->status_fd, O_CLOEXEC) < 0)
		msg_fatal("pipe: %m");
	fcntl(s->status_fd[0], F_SETFL, O_NONBLOCK);
	event_enable_read(s->status_fd[0], status_event, s);
	s->gen = ++generation;
}

/* master_status_close - children of the old pipe see master go away */
void
master_status_close(struct master_serv *s)
{
	if (s->status_fd[0] < 0)
		return;
	event_disable_readwrite(s->status_fd[0]);
	close(s->status_fd[0]);
	close(s->status_fd[1]);
	s->status_fd[0] = s->status_fd[1] = -1;
}

/* master_detach_children - old children no longer count */
void
master_detach_children(struct master_serv *s)
{
	for (struct master_proc *p = procs; p; p = p->next)
		if (p->serv == s)
			p->gen = 0;
	s->total_proc = s->avail_proc = 0;
}

/* master_kill_children - signal every child */
void
master_kill_children(int sig)
{
	for (struct master_proc *p = procs; p; p = p->next) {
		(void) kill(p->pid, sig);
		p->killed = true;
	}
}

/* master_child_count - children alive */
int
master_child_count(void)
{
	int n = 0;

	for (struct master_proc *p = procs; p; p = p->next)
		n++;
	return n;
}

/* child_argv - what master.cf says, plus our options */
static struct argv *
child_argv(const struct master_serv *s)
{
	struct argv *a = argv_alloc(s->args->argc + 12);
	struct vstr *n = vstr_fmt(vstr_alloc(8), "%d", s->listen_count);

	argv_add(a, s->args->argv[0]);
	argv_add(a, "-n");
	argv_add(a, s->name);
	argv_add(a, "-t");
	argv_add(a, s->type_name);
	argv_add(a, "-s");
	argv_add(a, vstr_str(n));
	if (s->unpriv)
		argv_add(a, "-u");
	if (s->chroot)
		argv_add(a, "-j");
	for (int i = 0; i < master_verbose_children; i++)
		argv_add(a, "-v");
	for (size_t i = 1; i < s->args->argc; i++)
		argv_add(a, s->args->argv[i]);
	vstr_free(n);
	return a;
}

/* env_reserved - names master sets itself */
static bool
env_reserved(const char *name, size_t len)
{
	return (len == 11 && strncmp(name, "MAIL_CONFIG", len) == 0) ||
	       (len == strlen(MASTER_GEN_NAME) &&
	        strncmp(name, MASTER_GEN_NAME, len) == 0);
}

/* child_env - import_environment, MAIL_CONFIG and the generation */
static struct argv *
child_env(const struct master_serv *s)
{
	struct argv *env = argv_alloc(16);
	struct argv *words = argv_split(var_import_environment, LIST_DELIMS);
	struct vstr *v = vstr_alloc(64);

	for (size_t i = 0; i < words->argc; i++) {
		const char *w = words->argv[i];
		const char *eq = strchr(w, '=');
		const char *val;

		if (env_reserved(w, eq ? (size_t) (eq - w) : strlen(w)))
			continue;
		if (eq)
			argv_add(env, w);
		else if ((val = getenv(w)) != NULL)
			argv_add(env, vstr_str(vstr_fmt(v, "%s=%s", w, val)));
	}
	argv_add(env, vstr_str(vstr_fmt(v, "MAIL_CONFIG=%s", mail_conf_dir())));
	argv_add(env, vstr_str(vstr_fmt(v, "%s=%u", MASTER_GEN_NAME, s->gen)));
	argv_free(words);
	vstr_free(v);
	return env;
}

/* child_exec - in the child: descriptors in place, then exec */
static void
child_exec(const struct master_serv *s, struct argv *args, struct argv *env)
{
	int top = MASTER_LISTEN_FD + s->listen_count;
	int *tmp = xcalloc((size_t) s->listen_count + 1, sizeof(int));
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* First move everything above the target range, then into place. */
	if ((tmp[0] = fcntl(s->status_fd[1], F_DUPFD, top)) < 0)
		msg_fatal("dup status pipe: %m");
	for (int i = 0; i < s->listen_count; i++)
		if ((tmp[i + 1] = fcntl(s->listen_fds[i], F_DUPFD, top)) < 0)
			msg_fatal("dup listen socket: %m");
	if (dup2(tmp[0], MASTER_STATUS_FD) < 0)
		msg_fatal("dup2 status pipe: %m");
	for (int i = 0; i < s->listen_count; i++)
		if (dup2(tmp[i + 1], MASTER_LISTEN_FD + i) < 0)
			msg_fatal("dup2 listen socket: %m");
	for (int fd = 3; fd < MASTER_STATUS_FD; fd++)
		(void) close(fd);
	if (close_range((unsigned) top, ~0U, 0) < 0)
		for (int fd = top; fd < 1024; fd++)
			(void) close(fd);
	execve(s->path, args->argv, env->argv);
	msg_fatal("exec %s: %m", s->path);
}

/* master_spawn - start one more process of a service */
void
master_spawn(struct master_serv *s)
{
	struct argv *args;
	struct argv *env;
	struct master_proc *p;
	sigset_t all;
	sigset_t saved;
	pid_t pid;

	if (s->throttled || s->removed ||
	    (s->max_proc > 0 && s->total_proc >= s->max_proc))
		return;
	args = child_argv(s);
	env = child_env(s);
	/* No signal handler of ours may run in the child. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &saved);
	pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &saved, NULL);
	if (pid < 0) {
		msg_warn("fork: %m");
		throttle(s);
	} else if (pid == 0) {
		child_exec(s, args, env);
	} else {
		if (msg_verbose)
			msg_info("spawn: %s pid %ld", s->path, (long) pid);
		p = xcalloc(1, sizeof(*p));
		p->pid = pid;
		p->serv = s;
		p->gen = s->gen;
		p->avail = true;
		p->next = procs;
		procs = p;
		s->total_proc++;
		s->avail_proc++;
		master_wakeup_used(s);
		master_avail_update(s);
	}
	argv_free(args);
	argv_free(env);
}

/* unlink_proc - take the child with this pid out of the list */
static struct master_proc *
unlink_proc(pid_t pid)
{
	for (struct master_proc **pp = &procs; *pp; pp = &(*pp)->next) {
		if ((*pp)->pid == pid) {
			struct master_proc *p = *pp;

			*pp = p->next;
			return p;
		}
	}
	return NULL;
}

/* serv_has_children - any child of any generation left? */
static bool
serv_has_children(const struct master_serv *s)
{
	for (struct master_proc *p = procs; p; p = p->next)
		if (p->serv == s)
			return true;
	return false;
}

/* report_exit - Postfix's warnings for a child that did not exit 0 */
static bool
report_exit(const struct master_proc *p, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return false;
	if (p->killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
		return true;
	if (WIFEXITED(status))
		msg_warn("process %s pid %ld exit status %d", p->serv->path,
		         (long) p->pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		msg_warn("process %s pid %ld killed by signal %d",
		         p->serv->path, (long) p->pid, WTERMSIG(status));
	return true;
}

/* reap_one - bookkeeping for one child that ended */
static void
reap_one(struct master_proc *p, int status)
{
	struct master_serv *s = p->serv;
	bool abnormal = report_exit(p, status);

	if (p->gen == s->gen && !s->removed) {
		s->total_proc--;
		if (p->avail)
			s->avail_proc--;
		if (abnormal && p->use_count == 0 && !p->killed &&
		    !s->throttled) {
			msg_warn("%s: bad command startup -- throttling",
			         s->path);
			throttle(s);
		}
		master_avail_update(s);
	}
	xfree(p);
	if (s->removed && !serv_has_children(s)) {
		event_cancel_timer(unthrottle, s);
		master_serv_free(s);
	}
}

/* master_reap_children - collect every child that ended */
void
master_reap_children(void)
{
	pid_t pid;
	int status;
	struct master_proc *p;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((p = unlink_proc(pid)) == NULL) {
			if (msg_verbose)
				msg_info("reap: unknown pid %ld", (long) pid);
			continue;
		}
		reap_one(p, status);
	}
}

/* master_serv_retire - a service left master.cf; free it when idle */
void
master_serv_retire(struct master_serv *s)
{
	master_wakeup_cancel(s);
	master_listen_close(s);
	master_status_close(s);
	master_detach_children(s);
	s->removed = true;
	if (!serv_has_children(s)) {
		event_cancel_timer(unthrottle, s);
		master_serv_free(s);
	}
}
