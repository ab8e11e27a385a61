/*
 * local_command - deliver to a command: a child with the recipient's
 * (or default_privs') ids, the message on standard input, output
 * collected for the log, and command_time_limit enforced
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "local.h"
#include "mac_expand.h"
#include "mail_params.h"
#include "mbox_copy.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

struct pipe_job {
	const char *command;
	uid_t uid;
	gid_t gid;
	const char *cwd;  /* NULL: "/" */
	struct argv *env; /* NAME=value, cleaned */
	int copy_flags;
	struct mbox_copy_info info;
};

/* child_exec - in the child: drop privileges for good, then exec */
static void __attribute__((noreturn))
child_exec(const struct pipe_job *job, int in_fd, int out_fd)
{
	struct argv *args;

	(void) setsid();
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(71);
	for (int fd = 3; fd < 1024; fd++)
		(void) close(fd);
	if (seteuid(0) < 0 || setgid(job->gid) < 0 ||
	    setgroups(1, &job->gid) < 0 || setuid(job->uid) < 0)
		_exit(71);
	if (job->uid != 0 && setuid(0) == 0)
		_exit(71);
	if (chdir(job->cwd ? job->cwd : "/") < 0) {
		(void) !write(2, "cannot change to working directory\n", 35);
		_exit(75);
	}
	for (int sig = 1; sig < NSIG; sig++)
		(void) signal(sig, SIG_DFL);
	if (*var_local_command_shell) {
		args = argv_split(var_local_command_shell, " \t\r\n");
		argv_add(args, job->command);
	} else {
		args = argv_alloc(4);
		argv_add(args, "/bin/sh");
		argv_add(args, "-c");
		argv_add(args, job->command);
	}
	execve(args->argv[0], args->argv, job->env->argv);
	(void) !write(2, "cannot execute the shell\n", 25);
	_exit(71);
}

/* spawn - fork with fork_attempts retries */
static pid_t
spawn(void)
{
	pid_t pid;

	for (int i = 0; i < var_fork_attempts; i++) {
		if ((pid = fork()) >= 0)
			return pid;
		msg_warn("fork: %m");
		sleep((unsigned) var_fork_delay);
	}
	return -1;
}

/* collect_output - read the child's output until EOF or deadline */
static bool
collect_output(int fd, time_t deadline, struct vstr *out)
{
	char buf[4096];
	struct pollfd pfd = {fd, POLLIN, 0};
	size_t limit = (size_t) var_line_length_limit;

	for (;;) {
		time_t left = deadline - time(NULL);
		ssize_t n;
		int rc;

		if (left <= 0)
			return false;
		rc = poll(&pfd, 1, (int) (left > 3600 ? 3600000 : left * 1000));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0)
			continue; /* the deadline check above ends it */
		if (rc < 0)
			return true;
		if ((n = read(fd, buf, sizeof(buf))) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return true;
		}
		if (vstr_len(out) < limit)
			vstr_cat_mem(out, buf,
			             (size_t) n < limit - vstr_len(out)
			                     ? (size_t) n
			                     : limit - vstr_len(out));
	}
}

/* reap - wait for the child until the deadline; false when it passed */
static bool
reap(pid_t pid, time_t deadline, int *wstatus)
{
	struct timespec ts = {0, 20 * 1000 * 1000};

	for (;;) {
		pid_t got = waitpid(pid, wstatus, WNOHANG);

		if (got == pid)
			return true;
		if (got < 0 && errno != EINTR)
			msg_fatal("waitpid: %m");
		if (time(NULL) >= deadline)
			return false;
		nanosleep(&ts, NULL);
	}
}

/* clean_output - one line for the log: newlines to spaces, printable */
static void
clean_output(struct vstr *out)
{
	char *copy = xstrdup(vstr_str(out));

	for (char *cp = copy; *cp; cp++)
		if (*cp == '\n' || *cp == '\r' || *cp == '\t')
			*cp = ' ';
	(void) printable(copy, '_');
	vstr_cpy(out, trim_space(copy));
	xfree(copy);
}

/* run_pipe - feed the message to the command; LOCAL_PIPE_* */
static int
run_pipe(struct local_state *st, const struct pipe_job *job,
         struct mbox_why *why)
{
	int in[2], out[2], wstatus = 0, copy, rc;
	struct vstr *output = vstr_alloc(256);
	struct vstream *fp;
	time_t deadline = time(NULL) + var_command_time_limit;
	bool done;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		msg_fatal("pipe: %m");
	if ((pid = spawn()) < 0) {
		mbox_why_set(why, "4.3.0", "Command failed: fork: %m");
		return LOCAL_PIPE_DEFER;
	}
	if (pid == 0)
		child_exec(job, in[0], out[1]);
	(void) close(in[0]);
	(void) close(out[1]);
	fp = vstream_fdopen(in[1], VSTREAM_FLAG_NONE);
	vstream_set_timeout(fp, (int) var_command_time_limit);
	copy = mbox_copy(st->req->fp, st->req->data_offset, fp, job->copy_flags,
	                 &job->info, why);
	(void) vstream_close(fp);
	done = collect_output(out[0], deadline, output);
	(void) close(out[0]);
	if (!done || !reap(pid, deadline, &wstatus)) {
		msg_warn("%s: process id %ld: command time limit exceeded",
		         job->command, (long) pid);
		/* Killing another user's processes needs root. */
		local_set_eugid(0, 0);
		(void) kill(-pid, SIGKILL);
		(void) kill(pid, SIGKILL);
		local_set_eugid(local_owner_uid, local_owner_gid);
		(void) waitpid(pid, &wstatus, 0);
		done = false;
	} else {
		done = true;
	}
	clean_output(output);
	rc = local_exit_status(wstatus, !done, job->command, vstr_str(output),
	                       why);
	vstr_free(output);
	if (rc == LOCAL_PIPE_OK && (copy & MBOX_COPY_STAT_CORRUPT))
		rc = LOCAL_PIPE_DEFER;
	else if (rc == LOCAL_PIPE_OK && (copy & MBOX_COPY_STAT_READ))
		rc = LOCAL_PIPE_DEFER;
	return rc;
}

/* export_env - export_environment names taken from our environment */
static void
export_env(struct argv *env)
{
	struct argv *names = argv_split(var_export_environment, ", \t\r\n");
	struct vstr *buf = vstr_alloc(100);
	bool path = false;

	for (size_t i = 0; i < names->argc; i++) {
		const char *value = getenv(names->argv[i]);

		if (value) {
			vstr_fmt(buf, "%s=%s", names->argv[i], value);
			argv_add(env, vstr_str(buf));
		}
	}
	for (size_t i = 0; i < env->argc; i++)
		path |= strncmp(env->argv[i], "PATH=", 5) == 0;
	if (!path)
		argv_add(env, "PATH=/usr/bin:/bin");
	argv_free(names);
	vstr_free(buf);
}

/* build_job - ids, environment, directory and header flags */
static void
build_job(struct local_state *st, const struct local_attr *a,
          const struct local_user *u, struct pipe_job *job, struct vstr *cwd)
{
	const struct deliver_request *req = st->req;
	struct local_env_in ein = {
	        u->home,           u->shell,         a->user,
	        a->sender,         a->rcpt.address,  a->local,
	        a->domain,         a->extension,     a->rcpt.orig_addr,
	        req->client_name,  req->client_addr, req->client_helo,
	        req->client_proto, req->sasl_method, req->sasl_username};
	struct local_expand_in xin = {a->user,         u->home,  u->shell,
	                              a->rcpt.address, a->local, a->domain,
	                              a->extension,    a->delim};

	job->uid = u->uid ? u->uid : local_default_uid;
	job->gid = u->gid ? u->gid : local_default_gid;
	job->env = local_env(&ein, var_command_expansion_filter);
	export_env(job->env);
	job->cwd = NULL;
	if (*var_command_execution_directory &&
	    !(local_expand(cwd, var_command_execution_directory, &xin,
	                   var_execution_directory_expansion_filter) &
	      MAC_ERROR) &&
	    vstr_len(cwd) > 0)
		job->cwd = vstr_str(cwd);
	job->copy_flags =
	        MBOX_COPY_FROM | MBOX_COPY_RETURN_PATH | MBOX_COPY_ORIG_RCPT;
	if (local_hdr_mask & LOCAL_HDR_COMMAND)
		job->copy_flags |= MBOX_COPY_DELIVERED;
	job->info.sender = a->sender;
	job->info.orig_rcpt = var_enable_original_recipient && a->rcpt.orig_addr
	                              ? a->rcpt.orig_addr
	                              : "";
	job->info.delivered = a->delivered ? a->delivered : a->rcpt.address;
	job->info.now = 0;
}

/* local_command - deliver to "|command" or mailbox_command */
int
local_command(struct local_state *st, struct local_attr a, struct local_user u,
              const char *command)
{
	struct mbox_why why = {NULL, vstr_alloc(100)};
	struct vstr *cwd = vstr_alloc(100);
	struct pipe_job job;
	int rc, status;

	a.level++;
	if (local_been_here(st, "command %s:%ld %s", a.user, (long) u.uid,
	                    command)) {
		status = 0;
	} else if (local_verify(st)) {
		status = local_result(st, &a, LOCAL_SENT, "2.0.0",
		                      "delivers to command: %s", command);
	} else {
		memset(&job, 0, sizeof(job));
		job.command = command;
		build_job(st, &a, &u, &job, cwd);
		rc = run_pipe(st, &job, &why);
		argv_free(job.env);
		if (rc == LOCAL_PIPE_OK)
			status = local_result(st, &a, LOCAL_SENT, "2.0.0",
			                      "delivered to command: %s",
			                      command);
		else
			status = local_result(
			        st, &a,
			        rc == LOCAL_PIPE_DEFER ? LOCAL_DEFERRED
			                               : LOCAL_BOUNCE,
			        why.dsn, "%s", vstr_str(why.text));
	}
	vstr_free(why.text);
	vstr_free(cwd);
	return status;
}
