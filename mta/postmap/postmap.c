/*
 * NAME
 *	postmap - build, query, list and update lookup tables
 * SYNOPSIS
 *	postmap [-bfFhimnNoprsuUvw] [-c dir] [-d key] [-q key]
 *	    [type:]name ...
 * DESCRIPTION
 *	See postmap(1). Without -q, -s or -d each named table is rebuilt
 *	from its source file (with -i: entries from standard input are
 *	added). The type defaults to default_database_type. -q key prints
 *	the value of key in the first table that has it, "-q -" looks up
 *	every key read from standard input (-b, -h, -m: the lines of a
 *	message) and prints "key<TAB>value"; -s lists the first table; -d
 *	removes keys.
 * SECURITY
 *	postmap is not set-uid. Run by root, it builds each table as the
 *	owner of the source file (effective user and group), unless -o.
 *	Source text is never passed to a shell. A rebuilt table replaces
 *	the old one atomically (temporary file, fsync, rename), so readers
 *	see either the old or the new table.
 * DIAGNOSTICS
 *	Problems go to standard error as "postmap: warning: ..." or
 *	"postmap: fatal: ..." and to syslog as postfix/postmap. The exit
 *	status is 0 on success and when a -q or -d key was found, 1 when it
 *	was not found or after a fatal error.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dict.h"
#include "mail_conf.h"
#include "mail_log.h"
#include "mail_params.h"
#include "mkmap.h"
#include "msg.h"
#include "postmap.h"
#include "vstr.h"

struct pm_opts {
	const char *progname;
	const char *config_dir;
	const char *query;
	const char *delkey;
	bool sequence;
	bool force_utf8;
	bool no_utf8;
	int pm_flags;    /* PM_* */
	int mkmap_flags; /* MKMAP_* */
	int open_flags;  /* for building */
	int dict_flags;  /* DICT_FLAG_* */
};

/* usage - complain and exit */
static void __attribute__((noreturn)) usage(const char *prog)
{
	msg_fatal("usage: %s [-bfFhimnNoprsuUvw] [-c config_dir] [-d key] "
	          "[-q key] [map_type:]file...",
	          prog);
}

/* only_one - -d, -q and -s exclude each other */
static void
only_one(const struct pm_opts *o, int ch)
{
	if (o->query || o->delkey || (ch != 's' && o->sequence))
		msg_fatal(ch == 's' ? "specify only one of -s or -q or -d"
		                    : "specify only one of -s -q or -d");
}

/* set_dup - one of the duplicate policies */
static void
set_dup(struct pm_opts *o, int policy)
{
	o->dict_flags &= ~(DICT_FLAG_DUP_WARN | DICT_FLAG_DUP_IGNORE |
	                   DICT_FLAG_DUP_REPLACE);
	o->dict_flags |= policy;
}

/* set_nul - -N or -n */
static void
set_nul(struct pm_opts *o, int flag)
{
	o->dict_flags &= ~(DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL);
	o->dict_flags |= flag;
}

/* option - one command-line option */
static void
option(struct pm_opts *o, int ch, char *arg)
{
	switch (ch) {
	case 'b':
		o->pm_flags |= PM_BODY;
		break;
	case 'c':
		o->config_dir = arg;
		break;
	case 'd':
		only_one(o, ch);
		o->delkey = arg;
		break;
	case 'f':
		o->dict_flags &= ~DICT_FLAG_FOLD_FIX;
		break;
	case 'F':
		o->dict_flags |= DICT_FLAG_SRC_RHS_IS_FILE;
		break;
	case 'h':
		o->pm_flags |= PM_HEADER;
		break;
	case 'i':
		o->open_flags &= ~O_TRUNC;
		break;
	case 'm':
		o->pm_flags |= PM_MIME;
		break;
	case 'N':
		set_nul(o, DICT_FLAG_TRY1NULL);
		break;
	case 'n':
		set_nul(o, DICT_FLAG_TRY0NULL);
		break;
	case 'o':
		o->mkmap_flags &= ~MKMAP_AS_OWNER;
		break;
	case 'p':
		o->mkmap_flags &= ~MKMAP_SAVE_PERM;
		break;
	case 'q':
		only_one(o, ch);
		o->query = arg;
		break;
	case 'r':
		set_dup(o, DICT_FLAG_DUP_REPLACE);
		break;
	case 's':
		only_one(o, ch);
		o->sequence = true;
		break;
	case 'u':
		o->no_utf8 = true;
		break;
	case 'U':
		o->force_utf8 = true;
		break;
	case 'v':
		msg_verbose++;
		break;
	case 'w':
		set_dup(o, DICT_FLAG_DUP_IGNORE);
		break;
	default:
		usage(o->progname);
	}
}

/* load_config - main.cf, the parameters, logging */
static void
load_config(const struct pm_opts *o)
{
	struct vstr *why = vstr_alloc(100);
	bool explicit;
	const char *dir = mail_conf_dir_choose(o->config_dir, &explicit);

	if (mail_conf_load(dir, explicit, why) < 0 ||
	    mail_params_init(why) < 0 || mail_log_init("postmap", why) < 0)
		msg_fatal("%s", vstr_str(why));
	vstr_free(why);
}

/* check_modes - the message options need "-q -"; UTF-8 */
static void
check_modes(struct pm_opts *o)
{
	int any = o->pm_flags & (PM_HEADER | PM_BODY | PM_MIME);

	if ((o->query == NULL || strcmp(o->query, "-") != 0) && any)
		msg_fatal("specify -b -h or -m only with \"-q -\"");
	if (any == PM_MIME)
		msg_warn("ignoring -m option without -b or -h");
	if (var_smtputf8_enable && !o->no_utf8)
		o->mkmap_flags |= MKMAP_UTF8;
	if ((o->pm_flags & (PM_HEADER | PM_BODY)) && !o->force_utf8)
		o->mkmap_flags &= ~MKMAP_UTF8;
}

/* run_query - -q key or -q - */
static int
run_query(const struct pm_opts *o, char **args, size_t n)
{
	int flags = o->dict_flags | DICT_FLAG_LOCK;
	struct mkmap_maps *maps;
	int rc;

	if (strcmp(o->query, "-") != 0)
		return mkmap_query(args, n, o->query, flags, o->mkmap_flags);
	if (!(o->pm_flags & (PM_HEADER | PM_BODY)))
		return mkmap_query_stream(stdin, args, n, "\t", flags,
		                          o->mkmap_flags);
	maps = mkmap_maps_alloc(args, n, O_RDONLY, flags, o->mkmap_flags);
	rc = postmap_message(stdin, maps, o->pm_flags);
	mkmap_maps_free(maps);
	return rc;
}

/* run - dispatch on the mode; returns the exit status */
static int
run(const struct pm_opts *o, char **args, size_t n)
{
	int flags = o->dict_flags | DICT_FLAG_LOCK;

	if (o->delkey && strcmp(o->delkey, "-") == 0)
		return mkmap_delete_stream(stdin, args, n, flags,
		                           o->mkmap_flags) != DICT_FOUND;
	if (o->delkey)
		return mkmap_delete(args, n, o->delkey, flags,
		                    o->mkmap_flags) != DICT_FOUND;
	if (o->query)
		return run_query(o, args, n) != DICT_FOUND;
	if (o->sequence) {
		mkmap_seq(args[0], "\t", flags, o->mkmap_flags);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		postmap_build(args[i], o->open_flags, o->dict_flags,
		              o->mkmap_flags);
	return 0;
}

/* main - parse options, load the configuration, run */
int
main(int argc, char **argv)
{
	struct pm_opts o = {
	        .mkmap_flags = MKMAP_AS_OWNER | MKMAP_SAVE_PERM,
	        .open_flags = O_RDWR | O_CREAT | O_TRUNC,
	        .dict_flags = DICT_FLAG_DUP_WARN | DICT_FLAG_FOLD_FIX,
	};
	int ch;

	o.progname = mkmap_command_start(argv);
	while ((ch = getopt(argc, argv, "bc:d:fFhimnNopq:rsuUvw")) > 0)
		option(&o, ch, optarg);
	load_config(&o);
	check_modes(&o);
	if (optind >= argc && o.sequence)
		return 1;
	if (optind >= argc)
		usage(o.progname);
	return run(&o, argv + optind, (size_t) (argc - optind));
}
