/*
 * NAME
 *	postdrop - put a message from a local user into the maildrop queue
 * SYNOPSIS
 *	postdrop [-rv] [-c config_dir]
 * DESCRIPTION
 *	See postdrop(1). sendmail(1) runs "postdrop -r" and talks to it
 *	over standard input and output:
 *
 *	  postdrop: protocol=postdrop_protocol, queue_id=ID (one attribute
 *	            list, attr.h plain encoding) once the file exists
 *	  client:   the message as records (maildrop.h, without the
 *	            REC_TYPE_TIME record) up to and including REC_TYPE_END
 *	  postdrop: status=0, reason= once the file is complete and
 *	            fsync'd; on any error postdrop exits with status 1,
 *	            without this reply, and the file is gone.
 *
 *	Queue states (doc/queue-states.md): the file is created in
 *	maildrop/ with mode 0600 under its queue ID name (mail_queue_enter),
 *	so pickup skips it; when the input is complete and checked it is
 *	fsync'd and gets mode 0744 (u+x: ready, o+r: pickup, which runs as
 *	mail_owner, may read it), fsync'd again with its directory, and
 *	pickup is woken through public/pickup.
 * SECURITY
 *	postdrop runs set-gid postdrop: the group may create files in
 *	maildrop/ (mode 1730: no listing, sticky) and connect to public/.
 *	The file belongs to the invoking user. Every record is checked as
 *	untrusted input (maildrop_check) before it is written, with records
 *	bounded by line_length_limit and the content by message_size_limit.
 *	A configuration directory other than the default is accepted only
 *	from root or when /etc/postfix/main.cf lists it
 *	(conf_dir_trusted), so that the group privilege cannot be pointed
 *	at a queue of the user's choosing.
 * DIAGNOSTICS
 *	Problems go to standard error and to the mail log as
 *	postfix/postdrop. Exit status 0, or 1 after a fatal error
 *	(malformed input, I/O error); an incomplete file is removed, also
 *	on SIGHUP, SIGINT, SIGQUIT and SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "attr.h"
#include "conf_dir_trust.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "maildrop.h"
#include "msg.h"
#include "mymalloc.h"
#include "postlog_client.h"
#include "rec.h"
#include "vstr.h"
#include "vstream.h"

#define POSTDROP_PROTOCOL "postdrop_protocol"
#define MAILDROP_READY_MODE 0744

/* The file to remove when we do not finish (signal handler, fatal). */
static char *volatile drop_path;

/* remove_drop - the incomplete file goes away */
static void
remove_drop(void)
{
	char *path = drop_path;

	drop_path = NULL;
	if (path != NULL)
		(void) unlink(path);
}

/* on_signal - interrupted: remove the file, exit */
static void
on_signal(int sig)
{
	(void) sig;
	if (drop_path != NULL)
		(void) unlink(drop_path);
	_exit(1);
}

/* setup_signals - interrupted input leaves no file behind */
static void
setup_signals(void)
{
	static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void) sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* setup - configuration (trusted directories only), queue, logging */
static void
setup(const char *config_dir)
{
	struct vstr *why = vstr_alloc(100);
	bool explicit;
	const char *dir = mail_conf_dir_choose(config_dir, &explicit);

	mail_process_name = "postdrop";
	if (!conf_dir_trusted(dir, why))
		msg_fatal("%s", vstr_str(why));
	if (mail_conf_load(dir, explicit, why) < 0 || mail_params_init(why) < 0)
		msg_fatal("%s", vstr_str(why));
	if (chdir(var_queue_directory) < 0)
		msg_fatal("chdir %s: %m", var_queue_directory);
	vstr_fmt(why, "public/%s", var_postlog_service_name);
	if (postlog_client_init("postdrop", vstr_str(why), getuid() == 0, why) <
	    0)
		msg_fatal("%s", vstr_str(why));
	vstr_free(why);
}

/* check_size - the content may not exceed message_size_limit */
static void
check_size(int type, size_t len, long *total)
{
	if (type != REC_TYPE_NORM && type != REC_TYPE_CONT)
		return;
	*total += (long) len + (type == REC_TYPE_NORM);
	if (var_message_size_limit > 0 && *total > var_message_size_limit)
		msg_fatal("uid=%ld: message file too big", (long) getuid());
}

/* copy_records - check and copy the client's records up to END */
static void
copy_records(struct vstream *in, struct vstream *dst)
{
	struct vstr *buf = vstr_alloc(1024);
	struct vstr *why = vstr_alloc(100);
	struct maildrop_check check;
	long uid = (long) getuid(), total = 0;
	int type;

	maildrop_check_init(&check, true);
	while (check.seg != MAILDROP_SEG_END) {
		type = rec_get(in, buf, (size_t) var_line_length_limit);
		if (type == REC_TYPE_EOF)
			msg_fatal("uid=%ld: premature end of input", uid);
		if (type < 0)
			msg_fatal("uid=%ld: malformed input", uid);
		switch (maildrop_check(&check, type, vstr_str(buf),
		                       vstr_len(buf), why)) {
		case MAILDROP_BAD:
			msg_fatal("uid=%ld: %s", uid, vstr_str(why));
		case MAILDROP_SKIP:
			msg_warn("uid=%ld: %s", uid, vstr_str(why));
			continue;
		default:
			break;
		}
		check_size(type, vstr_len(buf), &total);
		if (rec_put(dst, type, vstr_str(buf), vstr_len(buf)) ==
		    REC_TYPE_ERROR)
			msg_fatal("write queue file: %m");
	}
	if (!maildrop_check_done(&check, why))
		msg_fatal("uid=%ld: %s", uid, vstr_str(why));
	vstr_free(buf);
	vstr_free(why);
}

/* finish_file - durable, then ready (u+x) and durable again */
static void
finish_file(struct vstream *dst, const char *id)
{
	if (vstream_fsync(dst) < 0)
		msg_fatal("fsync queue file: %m");
	if (fchmod(vstream_fileno(dst), MAILDROP_READY_MODE) < 0 ||
	    fsync(vstream_fileno(dst)) < 0)
		msg_fatal("chmod queue file: %m");
	if (vstream_close(dst) != 0)
		msg_fatal("close queue file: %m");
	/* A user in the postdrop group may not read maildrop/ (mode 1730),
	 * so the directory cannot be opened for fsync: best effort. */
	if (mail_queue_fsync_dir(MAIL_QUEUE_MAILDROP, id) < 0 &&
	    errno != EACCES)
		msg_fatal("fsync %s directory: %m", MAIL_QUEUE_MAILDROP);
}

/* drop - create the file, take the message, tell the client */
static void
drop(struct vstream *in, struct vstream *out)
{
	struct vstr *id = vstr_alloc(32), *path = vstr_alloc(64);
	struct vstream *dst;
	struct timeval tv;

	dst = mail_queue_enter(MAIL_QUEUE_MAILDROP, 0600, id, path, &tv);
	if (dst == NULL)
		msg_fatal("create file in %s/%s: %m", var_queue_directory,
		          MAIL_QUEUE_MAILDROP);
	drop_path = xstrdup(vstr_str(path));
	if (attr_print(out, ATTR_STR("protocol", POSTDROP_PROTOCOL),
	               ATTR_STR(MAIL_ATTR_QUEUEID, vstr_str(id)), ATTR_END) < 0)
		msg_fatal("write to client: %m");
	rec_fprintf(dst, REC_TYPE_TIME, "%ld %ld", (long) tv.tv_sec,
	            (long) tv.tv_usec);
	copy_records(in, dst);
	finish_file(dst, vstr_str(id));
	xfree(drop_path);
	drop_path = NULL;
	if (mail_trigger(MAIL_CLASS_PUBLIC, MAIL_SERVICE_PICKUP, "W", 1) < 0)
		msg_warn("unable to look up %s/%s: %m", MAIL_CLASS_PUBLIC,
		         MAIL_SERVICE_PICKUP);
	if (attr_print(out, ATTR_LONG(MAIL_ATTR_STATUS, 0),
	               ATTR_STR(MAIL_ATTR_REASON, ""), ATTR_END) < 0)
		msg_warn("write to client: %m");
	vstr_free(id);
	vstr_free(path);
}

/* main - see postdrop(1) */
int
main(int argc, char **argv)
{
	const char *config_dir = NULL;
	struct vstream *in, *out;
	int ch;

	umask(077);
	msg_stderr_init("postdrop");
	setup_signals();
	while ((ch = getopt(argc, argv, "c:rv")) > 0) {
		switch (ch) {
		case 'c':
			config_dir = optarg;
			break;
		case 'r':
			break; /* the only protocol there is */
		case 'v':
			if (getuid() == 0)
				msg_verbose++;
			break;
		default:
			msg_fatal("usage: %s [-c config_dir] [-rv]", argv[0]);
		}
	}
	if (optind < argc)
		msg_fatal("usage: %s [-c config_dir] [-rv]", argv[0]);
	setup(config_dir);
	msg_cleanup(remove_drop);
	in = vstream_fdopen(0, VSTREAM_FLAG_NONE);
	out = vstream_fdopen(1, VSTREAM_FLAG_NONE);
	drop(in, out);
	vstream_free(in);
	vstream_close(out);
	return 0;
}
