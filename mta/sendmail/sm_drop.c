/*
 * NAME
 *	sm_drop - sendmail's side of the postdrop protocol
 * DESCRIPTION
 *	See sendmail.h. The records written (rec.h, maildrop.h), in the
 *	order Postfix's sendmail writes them:
 *
 *	  A envelope_id=ENVID (-V), A ret_flags=N (-R),
 *	  A rewrite_context=local|remote, F full name, S sender,
 *	  A encoding=7bit|8bit (-B), A trace_flags=N (-v, -bv),
 *	  then per recipient A notify_flags=N (-N) and R recipient,
 *	  M, the content as N and U records, X, the recipients that -t
 *	  extracted (each with its notify_flags), E.
 *
 *	postdrop answers "protocol=postdrop_protocol queue_id=ID" first
 *	and "status=0 reason=" after the end record (d->queue_id stays
 *	valid after sm_drop_close(); the caller frees it). Without that reply
 *	sendmail reports the exit status of postdrop and fails. On any
 *	fatal error sm_drop_abort() sends SIGTERM to postdrop, whose
 *	handler removes the incomplete maildrop file.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attr.h"
#include "deliver_request.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mymalloc.h"
#include "rec.h"
#include "sendmail.h"

#define POSTDROP_PROTOCOL "postdrop_protocol"
#define REPLY_LIMIT 4096

/* The running postdrop, for sm_drop_abort(). */
static volatile pid_t drop_pid;
static const char *drop_user;
static long drop_uid;
static struct vstr *drop_cmd;

/* drop_child - standard input and output become the pipes, run postdrop */
static void
drop_child(const struct sm_opts *o, int in, int out)
{
	const char *args[5];
	int n = 0;

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
		_exit(EX_OSERR);
	args[n++] = vstr_str(drop_cmd);
	args[n++] = "-r";
	if (o->config_dir != NULL) {
		args[n++] = "-c";
		args[n++] = o->config_dir;
	}
	args[n] = NULL;
	(void) signal(SIGPIPE, SIG_DFL);
	execv(args[0], (char *const *) args);
	msg_warn("execute %s: %m", args[0]);
	_exit(EX_OSERR);
}

/* drop_failed - postdrop is gone without its reply: why, then fail */
static void
drop_failed(void)
{
	int status = 0;
	pid_t pid = drop_pid;

	drop_pid = 0;
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			continue;
		if (WIFEXITED(status))
			msg_warn("command \"%s -r\" exited with status %d",
			         vstr_str(drop_cmd), WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			msg_warn("command \"%s -r\" killed by signal %d",
			         vstr_str(drop_cmd), WTERMSIG(status));
	}
	SM_FATAL("%s(%ld): unable to execute %s -r: Application error",
	         drop_user, drop_uid, vstr_str(drop_cmd));
}

/* sm_drop_abort - kill postdrop: it removes its incomplete file */
void
sm_drop_abort(void)
{
	pid_t pid = drop_pid;
	int status;

	drop_pid = 0;
	if (pid <= 0)
		return;
	(void) kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		continue;
}

/* sm_drop_open - start postdrop and wait for its queue ID */
void
sm_drop_open(struct sm_drop *d, const struct sm_opts *o)
{
	int to[2], from[2];
	struct attr_list *reply = attr_list_alloc();
	const char *proto;

	drop_user = o->user;
	drop_uid = o->uid;
	if (drop_cmd == NULL)
		drop_cmd = vstr_alloc(100);
	vstr_fmt(drop_cmd, "%s/postdrop", var_command_directory);
	if (pipe(to) < 0 || pipe(from) < 0)
		SM_FATAL("pipe: %m");
	switch (d->pid = fork()) {
	case -1:
		SM_FATAL("fork: %m");
	case 0:
		(void) close(to[1]);
		(void) close(from[0]);
		drop_child(o, to[0], from[1]);
	}
	drop_pid = d->pid;
	(void) close(to[0]);
	(void) close(from[1]);
	d->to = vstream_fdopen(to[1], VSTREAM_FLAG_NONE);
	d->from = vstream_fdopen(from[0], VSTREAM_FLAG_NONE);
	d->queue_id = vstr_alloc(32);
	d->size = 0;
	if (attr_list_read(d->from, reply, REPLY_LIMIT) < 0 ||
	    (proto = attr_list_get(reply, "protocol")) == NULL ||
	    strcmp(proto, POSTDROP_PROTOCOL) != 0 ||
	    attr_list_get(reply, MAIL_ATTR_QUEUEID) == NULL)
		drop_failed();
	vstr_cpy(d->queue_id, attr_list_get(reply, MAIL_ATTR_QUEUEID));
	attr_list_free(reply);
}

/* put_rcpt - a recipient with its DSN notify attribute */
static void
put_rcpt(struct sm_drop *d, const struct sm_opts *o, const char *rcpt)
{
	if (o->notify)
		rec_fprintf(d->to, REC_TYPE_ATTR, "%s=%d", MAIL_ATTR_DSN_NOTIFY,
		            o->notify);
	rec_puts(d->to, REC_TYPE_RCPT, rcpt);
}

/* sm_drop_envelope - sender, attributes, command-line recipients, M */
void
sm_drop_envelope(struct sm_drop *d, const struct sm_opts *o,
                 const struct argv *rcpts)
{
	if (o->envid != NULL)
		rec_fprintf(d->to, REC_TYPE_ATTR, "%s=%s", MAIL_ATTR_DSN_ENVID,
		            o->envid);
	if (o->ret)
		rec_fprintf(d->to, REC_TYPE_ATTR, "%s=%d", MAIL_ATTR_DSN_RET,
		            o->ret);
	rec_fprintf(d->to, REC_TYPE_ATTR, "%s=%s", MAIL_ATTR_RWR_CONTEXT,
	            o->rewrite_context);
	if (o->fullname != NULL)
		rec_puts(d->to, REC_TYPE_FULL, o->fullname);
	rec_puts(d->to, REC_TYPE_FROM, o->sender);
	if (o->encoding != NULL)
		rec_fprintf(d->to, REC_TYPE_ATTR, "%s=%s", MAIL_ATTR_ENCODING,
		            o->encoding);
	if (o->trace)
		rec_fprintf(d->to, REC_TYPE_ATTR, "trace_flags=%d", o->trace);
	for (size_t i = 0; i < rcpts->argc; i++)
		put_rcpt(d, o, rcpts->argv[i]);
	rec_put(d->to, REC_TYPE_MESG, "", 0);
}

/* sm_drop_line - one content record, within message_size_limit */
void
sm_drop_line(struct sm_drop *d, int type, const char *s, size_t len)
{
	d->size += (long) len + (type == REC_TYPE_NORM);
	if (var_message_size_limit > 0 && d->size > var_message_size_limit)
		SM_FATAL("%s(%ld): message file too big", drop_user, drop_uid);
	rec_put(d->to, type, s, len);
}

/* sm_drop_finish - end of content, extracted recipients, end record */
void
sm_drop_finish(struct sm_drop *d, const struct sm_opts *o,
               const struct argv *extracted)
{
	rec_put(d->to, REC_TYPE_XTRA, "", 0);
	for (size_t i = 0; extracted != NULL && i < extracted->argc; i++)
		put_rcpt(d, o, extracted->argv[i]);
	rec_put(d->to, REC_TYPE_END, "", 0);
}

/* sm_drop_close - postdrop's status; reap it */
int
sm_drop_close(struct sm_drop *d, struct vstr *why)
{
	struct attr_list *reply = attr_list_alloc();
	int ok, status = 0;

	ok = vstream_fflush(d->to) == 0;
	(void) vstream_close(d->to);
	ok = ok && attr_list_read(d->from, reply, REPLY_LIMIT) >= 0 &&
	     attr_list_get_long(reply, MAIL_ATTR_STATUS, -1) == 0;
	if (!ok)
		drop_failed();
	(void) vstream_close(d->from);
	attr_list_free(reply);
	drop_pid = 0;
	while (waitpid(d->pid, &status, 0) < 0 && errno == EINTR)
		continue;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		vstr_fmt(why, "command \"%s -r\" exited with status %d",
		         vstr_str(drop_cmd), WEXITSTATUS(status));
		return -1;
	}
	return 0;
}
