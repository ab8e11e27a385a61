/*
 * NAME
 *	postcat - show queue file contents
 * SYNOPSIS
 *	postcat [-bdehoqrv] [-c config_dir] [-s offset] [files...]
 * DESCRIPTION
 *	See postcat(1). Prints queue files (rec.h records) in the format of
 *	Postfix's postcat: section markers, one envelope record per line
 *	("name: value", times as ctime(3) shows them), the message content
 *	as text. With -q the arguments are queue IDs, looked up in the
 *	maildrop, incoming, active, deferred, hold and saved queues (in
 *	that order) under queue_directory; the file is then named by its
 *	path relative to that directory ("hold/3B74F108102"). Without
 *	arguments, standard input is read and named "stdin".
 * SECURITY
 *	postcat is not set-uid or set-gid; it reads what its user may read.
 *	Queue file data is never interpreted beyond printing it: lengths are
 *	checked as they are read, a damaged file ends with a warning and a
 *	fatal "record read error", never with a crash or a huge allocation.
 * DIAGNOSTICS
 *	Problems go to standard error as "postcat: warning: ..." and
 *	"postcat: fatal: ...". The exit status is 0, or 1 after a fatal
 *	error (an unreadable or damaged file stops the run).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail_conf.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "msg.h"
#include "postcat.h"
#include "vstr.h"

/* The queues -q searches, in Postfix's order. */
static const char *const pc_queues[] = {
        MAIL_QUEUE_MAILDROP, MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE,
        MAIL_QUEUE_DEFERRED, MAIL_QUEUE_HOLD,     MAIL_QUEUE_SAVED,
};

#define PC_ID_MAX 255 /* longest queue ID Postfix's postcat accepts */

/* usage - complain and exit */
static void __attribute__((noreturn)) usage(const char *prog)
{
	msg_fatal("usage: %s [-b (body text)] [-c config_dir] "
	          "[-d (decimal record type)] [-e (envelope records)] "
	          "[-h (header text)] [-q (access queue)] [-v] [file(s)...]",
	          prog);
}

/* load_config - main.cf and the parameters */
static void
load_config(const char *config_dir)
{
	struct vstr *why = vstr_alloc(100);
	bool explicit;
	const char *dir = mail_conf_dir_choose(config_dir, &explicit);

	if (mail_conf_load(dir, explicit, why) < 0 || mail_params_init(why) < 0)
		msg_fatal("%s", vstr_str(why));
	vstr_free(why);
}

/* id_ok - a name postcat -q may look up (letters, digits, '_') */
static bool
id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > PC_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'A' && id[i] <= 'Z') ||
		      (id[i] >= 'a' && id[i] <= 'z') ||
		      (id[i] >= '0' && id[i] <= '9') || id[i] == '_'))
			return false;
	return true;
}

/* open_queue_file - find a queue ID; path gets "queue/[hash/]ID" */
static struct vstream *
open_queue_file(const char *id, struct vstr *path)
{
	struct vstream *in;
	int err = ENOENT;

	if (!id_ok(id))
		msg_fatal("bad mail queue ID: %s", id);
	for (size_t i = 0; i < sizeof(pc_queues) / sizeof(pc_queues[0]); i++) {
		mail_queue_path(path, pc_queues[i], id);
		if ((in = vstream_open(vstr_str(path), O_RDONLY, 0)) != NULL)
			return in;
		if (errno != ENOENT)
			err = errno;
	}
	errno = err;
	msg_fatal("open queue file %s: %m", id);
}

/* cat_args - print every named file or queue ID */
static void
cat_args(char **args, int n, bool by_id, const struct postcat_opts *o)
{
	struct vstr *path = vstr_alloc(100);
	struct vstream *in;

	for (int i = 0; i < n; i++) {
		if (by_id) {
			in = open_queue_file(args[i], path);
		} else {
			vstr_cpy(path, args[i]);
			if ((in = vstream_open(args[i], O_RDONLY, 0)) == NULL)
				msg_fatal("open %s: %m", args[i]);
		}
		postcat_file(in, vstr_str(path), o);
		vstream_close(in);
	}
	vstr_free(path);
}

/* parse_offset - the -s argument */
static off_t
parse_offset(const char *arg)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (end == arg || *end != 0 || v < 0 || errno == ERANGE)
		msg_fatal("invalid offset: %s", arg);
	return (off_t) v;
}

/* main - options, configuration, then each file */
int
main(int argc, char **argv)
{
	struct postcat_opts o = {0};
	const char *slash = strrchr(argv[0], '/');
	const char *prog = slash && slash[1] ? slash + 1 : argv[0];
	char *config_dir = NULL;
	bool by_id = false;
	struct stat st;
	int ch;

	umask(022);
	for (int fd = 0; fd < 3; fd++)
		if (fstat(fd, &st) < 0 && open("/dev/null", O_RDWR) != fd)
			exit(1);
	msg_stderr_init(prog);
	if (getenv("MAIL_VERBOSE"))
		msg_verbose = 1;
	while ((ch = getopt(argc, argv, "bc:dehoqrs:v")) > 0) {
		switch (ch) {
		case 'b':
			o.flags |= PC_FLAG_BODY;
			break;
		case 'c':
			config_dir = optarg;
			break;
		case 'd':
			o.flags |= PC_FLAG_DTYPE;
			break;
		case 'e':
			o.flags |= PC_FLAG_ENV;
			break;
		case 'h':
			o.flags |= PC_FLAG_HDR;
			break;
		case 'o':
			o.flags |= PC_FLAG_OFFSET;
			break;
		case 'q':
			by_id = true;
			break;
		case 'r':
			o.flags |= PC_FLAG_RAW;
			break;
		case 's':
			o.start = parse_offset(optarg);
			break;
		case 'v':
			msg_verbose++;
			o.flags |= PC_FLAG_NAMES;
			break;
		default:
			usage(prog);
		}
	}
	if ((o.flags & (PC_FLAG_ENV | PC_FLAG_HDR | PC_FLAG_BODY)) == 0)
		o.flags |= PC_FLAG_ENV | PC_FLAG_HDR | PC_FLAG_BODY;
	load_config(config_dir);
	o.out = vstream_fdopen(STDOUT_FILENO, VSTREAM_FLAG_NONE);
	if (by_id && chdir(var_queue_directory) < 0)
		msg_fatal("chdir %s: %m", var_queue_directory);
	if (optind >= argc) {
		struct vstream *in =
		        vstream_fdopen(STDIN_FILENO, VSTREAM_FLAG_NONE);

		postcat_file(in, "stdin", &o);
		vstream_free(in);
	} else {
		cat_args(argv + optind, argc - optind, by_id, &o);
	}
	if (vstream_fflush(o.out) < 0)
		msg_fatal("write error: %m");
	vstream_free(o.out);
	return 0;
}
