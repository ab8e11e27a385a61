/*
 * NAME
 *	postsuper - queue maintenance for the superuser
 * SYNOPSIS
 *	postsuper [-psSv] [-c config_dir] [-d queue_id] [-h queue_id]
 *	    [-H queue_id] [-r queue_id] [queue ...]
 * DESCRIPTION
 *	See postsuper(1). The maintenance passes (-p purge, -s/-S structure
 *	repair; -s is the default when nothing else is asked) run first,
 *	then the per-message operations in Postfix's order: requeue,
 *	delete, hold, release. Each is a row of the ops[] table: default
 *	queues, the queue the message moves to (none: delete), the word
 *	logged per message and the word of the summary.
 *
 *	A queue ID is one of: an ID, "ALL" (every file in the queues), or
 *	"-" (IDs read from standard input, one per line). Queue names on
 *	the command line replace the defaults of every operation.
 *
 *	Queue states (doc/queue-states.md): hold is a rename into hold/,
 *	release a rename into deferred/ with the mtime kept (the next
 *	deferred scan takes it, as in Postfix). Delete unlinks the file and
 *	its defer/, bounce/ and trace/ logs.
 *
 *	Requeue differs from Postfix on purpose. Postfix moves the file to
 *	maildrop/, where pickup and cleanup copy it into a new queue file;
 *	our pickup only accepts postdrop's format and our cleanup does not
 *	take a whole queue file (done recipients, size record), so such a
 *	file would end in corrupt/. We move it into incoming/ with the
 *	mtime set to now and keep its ID and logs: qmgr reads it again and
 *	delivers the recipients not yet done, with the current transport
 *	and relay settings, but without a new pass through cleanup
 *	(rewriting, virtual aliases, content_filter).
 * SECURITY
 *	Only root may run postsuper. After reading main.cf and opening the
 *	log it changes to queue_directory and drops to mail_owner, so every
 *	file and directory it creates belongs to mail_owner, as the queue
 *	daemons expect. Queue IDs from the command line or standard input
 *	may contain only letters and digits, so they never name a path
 *	outside a queue.
 *
 *	Every change is one rename(2) or unlink(2), safe while the mail
 *	system runs: a file being written by cleanup (incoming/ without
 *	u+x) is never moved; a message taken from active/ is noticed by
 *	qmgr when its deliveries finish (a warning, no harm). Structure
 *	repair (-s) should run with the mail system stopped, as "postfix
 *	start" does.
 * DIAGNOSTICS
 *	Summaries and per-message lines ("ID: removed") go to standard
 *	error and to the mail log as postfix/postsuper. Exit status 0, or
 *	1 after a fatal error (bad option, not root, unknown queue name,
 *	a rename or unlink that fails for another reason than a missing
 *	file).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "mail_conf.h"
#include "mail_log.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "postsuper.h"
#include "vstr.h"
#include "vstream.h"

#define ID_LINE_LIMIT 1024 /* longer stdin lines are not queue IDs */

struct ps_op;
typedef int (*ps_fn)(const struct ps_op *, const char *queue, const char *id);

struct ps_op {
	int flag;                  /* option letter */
	const char *summary;       /* "Deleted" */
	const char *done;          /* "removed", logged per named ID */
	const char *const *queues; /* default source queues */
	const char *target;        /* destination queue, NULL: delete */
	ps_fn fn;                  /* 1: done, 0: not there */
};

static int op_delete(const struct ps_op *, const char *, const char *);
static int op_move(const struct ps_op *, const char *, const char *);
static int op_requeue(const struct ps_op *, const char *, const char *);

static const char *const q_all_msg[] = {
        MAIL_QUEUE_HOLD,     MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE,
        MAIL_QUEUE_DEFERRED, MAIL_QUEUE_MAILDROP, NULL,
};
static const char *const q_requeue[] = {
        MAIL_QUEUE_HOLD,
        MAIL_QUEUE_INCOMING,
        MAIL_QUEUE_ACTIVE,
        MAIL_QUEUE_DEFERRED,
        NULL,
};
static const char *const q_hold[] = {
        MAIL_QUEUE_INCOMING,
        MAIL_QUEUE_ACTIVE,
        MAIL_QUEUE_DEFERRED,
        NULL,
};
static const char *const q_release[] = {MAIL_QUEUE_HOLD, NULL};

/* Postfix's order of the operations and of their reports. */
static const struct ps_op ops[] = {
        {'r', "Requeued", "requeued", q_requeue, MAIL_QUEUE_INCOMING,
         op_requeue},
        {'d', "Deleted", "removed", q_all_msg, NULL, op_delete},
        {'h', "Placed on hold", "placed on hold", q_hold, MAIL_QUEUE_HOLD,
         op_move},
        {'H', "Released from hold", "released from hold", q_release,
         MAIL_QUEUE_DEFERRED, op_move},
};
#define N_OPS (sizeof(ops) / sizeof(ops[0]))

/* Queue names accepted on the command line. */
static const char *const q_names[] = {
        MAIL_QUEUE_MAILDROP, MAIL_QUEUE_INCOMING,
        MAIL_QUEUE_ACTIVE,   MAIL_QUEUE_DEFERRED,
        MAIL_QUEUE_HOLD,     MAIL_QUEUE_BOUNCE,
        MAIL_QUEUE_DEFER,    MAIL_QUEUE_TRACE,
        MAIL_QUEUE_FLUSH,    NULL,
};

/* Per-message logs, removed with the message. */
static const char *const q_logs[] = {
        MAIL_QUEUE_DEFER,
        MAIL_QUEUE_BOUNCE,
        MAIL_QUEUE_TRACE,
        NULL,
};

/* One request from the command line: an operation and its argument. */
struct ps_req {
	size_t op;      /* index into ops[] */
	const char *id; /* queue ID, "ALL" or "-" */
};

struct ps_opts {
	char *config_dir;
	int struct_flags;
	struct ps_req *reqs; /* in command-line order */
	size_t n_reqs;
	bool asked[N_OPS];      /* report this operation's count */
	int count[N_OPS];       /* messages done per operation */
	struct argv *stdin_ids; /* the IDs of the first "-" */
};

/* usage - complain and exit */
static void __attribute__((noreturn)) usage(void)
{
	msg_fatal("usage: postsuper [-c config_dir] [-d queue_id (delete)] "
	          "[-h queue_id (hold)] [-H queue_id (un-hold)] "
	          "[-p (purge temporary files)] [-r queue_id (requeue)] "
	          "[-s (structure fix)] [-S (redundant structure fix)]"
	          "[-v (verbose)] [queue...]");
}

/* fatal_errno - a failure other than "no such file" ends the run */
static void
fatal_errno(const char *what, const char *path, const char *to)
{
	if (to)
		msg_fatal("%s file %s as %s: %m", what, path, to);
	msg_fatal("%s file %s: %m", what, path);
}

/* op_delete - remove a message and its logs */
static int
op_delete(const struct ps_op *op, const char *queue, const char *id)
{
	struct vstr *path = vstr_alloc(100);

	(void) op;
	if (unlink(mail_queue_path(path, queue, id)) < 0) {
		if (errno != ENOENT)
			fatal_errno("remove", vstr_str(path), NULL);
		vstr_free(path);
		return 0;
	}
	if (msg_verbose)
		msg_info("removed file %s", vstr_str(path));
	/* A log file is removed but is not a message. */
	if (!postsuper_msg_queue(queue)) {
		vstr_free(path);
		return 0;
	}
	for (int i = 0; q_logs[i]; i++)
		if (unlink(mail_queue_path(path, q_logs[i], id)) < 0 &&
		    errno != ENOENT)
			fatal_errno("remove", vstr_str(path), NULL);
	vstr_free(path);
	return 1;
}

/* move - rename a message into another queue; 0 when it is not there */
static int
move(const char *queue, const char *id, const char *target)
{
	struct vstr *from = vstr_alloc(100), *to = vstr_alloc(100);
	int ret = 1;

	mail_queue_path(from, queue, id);
	mail_queue_path(to, target, id);
	if (rename(vstr_str(from), vstr_str(to)) < 0) {
		/* A hashed target may lack its subdirectory. */
		if (errno == ENOENT && access(vstr_str(from), F_OK) == 0 &&
		    mail_queue_mkparents(vstr_str(to)) == 0 &&
		    rename(vstr_str(from), vstr_str(to)) == 0)
			ret = 1;
		else if (errno == ENOENT)
			ret = 0;
		else
			fatal_errno("rename", vstr_str(from), vstr_str(to));
	}
	vstr_free(from);
	vstr_free(to);
	return ret;
}

/* ready - a complete file, not one cleanup is still writing? */
static bool
ready(const char *queue, const char *id)
{
	struct vstr *path = vstr_alloc(100);
	struct stat st;
	bool ok;

	ok = stat(mail_queue_path(path, queue, id), &st) == 0 &&
	     (st.st_mode & S_IXUSR) != 0;
	vstr_free(path);
	return ok;
}

/* op_move - hold and release: a plain rename */
static int
op_move(const struct ps_op *op, const char *queue, const char *id)
{
	if (strcmp(queue, op->target) == 0 || !ready(queue, id))
		return 0;
	return move(queue, id, op->target);
}

/* op_requeue - back to incoming/, due now (see the file comment) */
static int
op_requeue(const struct ps_op *op, const char *queue, const char *id)
{
	struct vstr *path = vstr_alloc(100);
	int ret = 0;

	if (!ready(queue, id) ||
	    (strcmp(queue, op->target) != 0 && !move(queue, id, op->target))) {
		vstr_free(path);
		return 0;
	}
	/* qmgr treats the mtime as the next attempt time. */
	if (utimensat(AT_FDCWD, mail_queue_path(path, op->target, id), NULL,
	              0) == 0 ||
	    errno != ENOENT)
		ret = 1;
	vstr_free(path);
	return ret;
}

/* id_syntax_ok - letters and digits only: never a path */
static bool
id_syntax_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && strspn(id, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                           "abcdefghijklmnopqrstuvwxyz") == n;
}

/* do_all - an operation on every message in its queues */
static int
do_all(const struct ps_op *op, const char *const *queues)
{
	int count = 0;

	for (int q = 0; queues[q]; q++) {
		struct argv *files = argv_alloc(100);

		postsuper_list_files(queues[q], files);
		for (size_t i = 0; i < files->argc; i++) {
			const char *id = strrchr(files->argv[i], '/') + 1;

			if (id_syntax_ok(id))
				count += op->fn(op, queues[q], id);
		}
		argv_free(files);
	}
	return count;
}

/* do_one - an operation on one named message; returns 0 or 1 */
static int
do_one(const struct ps_op *op, const char *const *queues, const char *id)
{
	if (!id_syntax_ok(id)) {
		msg_warn("invalid mail queue id: %s", id);
		return 0;
	}
	for (int q = 0; queues[q]; q++) {
		if (op->fn(op, queues[q], id)) {
			msg_info("%s: %s", id, op->done);
			return 1;
		}
	}
	return 0;
}

/* read_stdin_ids - the IDs of "-", one per line */
static struct argv *
read_stdin_ids(void)
{
	struct vstream *in = vstream_fdopen(STDIN_FILENO, VSTREAM_FLAG_NONE);
	struct vstr *line = vstr_alloc(100);
	struct argv *ids = argv_alloc(100);

	while (vstream_get_line(in, line, ID_LINE_LIMIT) != VSTREAM_EOF) {
		size_t n = vstr_len(line);

		while (n > 0 && (vstr_str(line)[n - 1] == '\n' ||
		                 vstr_str(line)[n - 1] == '\r'))
			n--;
		argv_addn(ids, vstr_str(line), n);
	}
	vstr_free(line);
	(void) vstream_free(in);
	return ids;
}

/*
 * run_req - one request. Requests run in command-line order (so
 * "-H ALL -h ALL" releases, then holds everything again) while the
 * counts are reported in the fixed order of ops[], as Postfix does.
 */
static void
run_req(struct ps_opts *o, const struct ps_req *r, const char *const *queues)
{
	const struct ps_op *op = &ops[r->op];
	int *count = &o->count[r->op];

	if (queues == NULL)
		queues = op->queues;
	if (strcmp(r->id, "ALL") == 0) {
		*count += do_all(op, queues);
	} else if (strcmp(r->id, "-") == 0) {
		/* Standard input is read once: a later "-" finds it at EOF. */
		if (o->stdin_ids != NULL)
			return;
		o->stdin_ids = read_stdin_ids();
		for (size_t j = 0; j < o->stdin_ids->argc; j++)
			*count += do_one(op, queues, o->stdin_ids->argv[j]);
	} else {
		*count += do_one(op, queues, r->id);
	}
}

/* option - one command-line option */
static void
option(struct ps_opts *o, int ch, const char *arg)
{
	for (size_t k = 0; k < N_OPS; k++) {
		if (ops[k].flag == ch) {
			o->reqs = xreallocarray(o->reqs, o->n_reqs + 1,
			                        sizeof(*o->reqs));
			o->reqs[o->n_reqs++] = (struct ps_req){k, arg};
			o->asked[k] = true;
			return;
		}
	}
	switch (ch) {
	case 'c':
		o->config_dir = (char *) arg;
		break;
	case 'p':
		o->struct_flags |= PS_PURGE;
		break;
	case 's':
		o->struct_flags |= PS_STRUCT;
		break;
	case 'S':
		o->struct_flags |= PS_STRUCT_LONG;
		break;
	case 'v':
		msg_verbose++;
		break;
	default:
		usage();
	}
}

/* become_owner - into queue_directory, then mail_owner's privileges */
static void
become_owner(void)
{
	struct passwd *pw = getpwnam(var_mail_owner);

	if (pw == NULL)
		msg_fatal("unknown mail_owner user: %s", var_mail_owner);
	if (chdir(var_queue_directory) < 0)
		msg_fatal("chdir %s: %m", var_queue_directory);
	if (setgroups(1, &pw->pw_gid) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		msg_fatal("drop privileges to %s: %m", var_mail_owner);
	(void) umask(077);
}

/* load_config - main.cf, parameters, logging */
static void
load_config(const struct ps_opts *o)
{
	struct vstr *why = vstr_alloc(100);
	bool explicit;
	const char *dir = mail_conf_dir_choose(o->config_dir, &explicit);

	if (mail_conf_load(dir, explicit, why) < 0 ||
	    mail_params_init(why) < 0 || mail_log_init("postsuper", why) < 0)
		msg_fatal("%s", vstr_str(why));
	vstr_free(why);
}

/* queue_args - validated queue names from the command line, or NULL */
static const char **
queue_args(int argc, char **argv)
{
	const char **queues;
	int n = 0;

	if (argc <= 0)
		return NULL;
	queues = xcalloc((size_t) argc + 1, sizeof(*queues));
	for (int i = 0; i < argc; i++) {
		int k = 0;

		while (q_names[k] && strcmp(q_names[k], argv[i]) != 0)
			k++;
		if (q_names[k] == NULL)
			msg_fatal("invalid directory name: %s", argv[i]);
		queues[n++] = q_names[k];
	}
	return queues;
}

/* main - options, privileges, maintenance, then the operations */
int
main(int argc, char **argv)
{
	struct ps_opts o = {0};
	const char **queues;
	int ch;

	argv[0] = "postsuper"; /* getopt's messages name the command */
	msg_stderr_init("postsuper");
	if (getuid() != 0)
		msg_fatal("use of this command is reserved for the superuser");
	while ((ch = getopt(argc, argv, "c:d:h:H:pr:sSv")) > 0)
		option(&o, ch, optarg);
	load_config(&o);
	queues = queue_args(argc - optind, argv + optind);
	become_owner();
	if (o.struct_flags == 0 && o.n_reqs == 0)
		o.struct_flags = PS_STRUCT | PS_PURGE;
	if (o.struct_flags)
		postsuper_struct(o.struct_flags);
	for (size_t i = 0; i < o.n_reqs; i++)
		run_req(&o, &o.reqs[i], (const char *const *) queues);
	for (size_t k = 0; k < N_OPS; k++)
		if (o.asked[k])
			msg_info("%s: %d message%s", ops[k].summary, o.count[k],
			         o.count[k] == 1 ? "" : "s");
	if (o.stdin_ids)
		argv_free(o.stdin_ids);
	xfree(o.reqs);
	xfree(queues);
	return 0;
}
