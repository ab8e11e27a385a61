/*
 * NAME
 *	postalias, newaliases - build, query, list and update alias tables
 * SYNOPSIS
 *	postalias [-Nfinoprsuvw] [-c dir] [-d key] [-q key]
 *	    [type:]name ...
 *	newaliases [-C dir | -C file | -c dir] [-v]
 * DESCRIPTION
 *	See postalias(1) and aliases(5). postalias works like postmap, on
 *	files in aliases(5) format ("name: value, value"); every table
 *	built gets the "@" entry (and NIS's YP_* entries), as Postfix does.
 *	Queries print "key:<TAB>value" where postmap prints
 *	"key<TAB>value".
 *
 *	Invoked as newaliases (a link to postalias), it rebuilds every
 *	table listed in alias_database, as Postfix's "sendmail -bi" does by
 *	running "postalias $alias_database". Most sendmail options are
 *	accepted and ignored; -C names the configuration (a directory or
 *	its main.cf), as does -c dir.
 * SECURITY
 *	postalias is not set-uid. Run by root, it builds each table as the
 *	owner of the alias file (effective user and group), unless -o.
 *	Alias text is never passed to a shell. A rebuilt table replaces the
 *	old one atomically.
 * DIAGNOSTICS
 *	Problems go to standard error as "postalias: warning: ..." or
 *	"postalias: fatal: ..." and to syslog as postfix/postalias. The exit
 *	status is 0 on success and when a -q or -d key was found, 1 when it
 *	was not found or after a fatal error; newaliases exits with 75
 *	(EX_TEMPFAIL) when given recipients, as sendmail does.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "dict.h"
#include "mail_conf.h"
#include "mail_log.h"
#include "mail_params.h"
#include "mkmap.h"
#include "msg.h"
#include "mymalloc.h"
#include "postalias.h"
#include "stringops.h"
#include "vstr.h"

#define EX_TEMPFAIL_STATUS 75
#define SENDMAIL_OPTIONS "A:B:C:F:GIL:N:O:R:UV:X:b:c:e:f:h:imno:p:r:q:tvx"

struct pa_opts {
	const char *progname;
	char *config_dir;
	const char *query;
	const char *delkey;
	bool sequence;
	bool no_utf8;
	int mkmap_flags;
	int open_flags;
	int dict_flags;
};

/* usage - complain and exit */
static void __attribute__((noreturn)) usage(const char *prog)
{
	msg_fatal("usage: %s [-Nfinoprsuvw] [-c config_dir] [-d key] [-q key] "
	          "[map_type:]file...",
	          prog);
}

/* only_one - -d, -q and -s exclude each other */
static void
only_one(const struct pa_opts *o, int ch)
{
	if (o->query || o->delkey || (ch != 's' && o->sequence))
		msg_fatal(ch == 's' ? "specify only one of -s or -q or -d"
		                    : "specify only one of -s -q or -d");
}

/* set_flags - replace the bits of mask in the dict flags */
static void
set_flags(struct pa_opts *o, int mask, int bits)
{
	o->dict_flags = (o->dict_flags & ~mask) | bits;
}

#define DUP_MASK                                                               \
	(DICT_FLAG_DUP_WARN | DICT_FLAG_DUP_IGNORE | DICT_FLAG_DUP_REPLACE)
#define NUL_MASK (DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL)

/* option - one postalias option */
static void
option(struct pa_opts *o, int ch, char *arg)
{
	switch (ch) {
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
	case 'i':
		o->open_flags &= ~O_TRUNC;
		break;
	case 'N':
		set_flags(o, NUL_MASK, DICT_FLAG_TRY1NULL);
		break;
	case 'n':
		set_flags(o, NUL_MASK, DICT_FLAG_TRY0NULL);
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
		set_flags(o, DUP_MASK, DICT_FLAG_DUP_REPLACE);
		break;
	case 's':
		only_one(o, ch);
		o->sequence = true;
		break;
	case 'u':
		o->no_utf8 = true;
		break;
	case 'v':
		msg_verbose++;
		break;
	case 'w':
		set_flags(o, DUP_MASK, DICT_FLAG_DUP_IGNORE);
		break;
	default:
		usage(o->progname);
	}
}

/* load_config - main.cf, the parameters, logging, UTF-8 */
static void
load_config(struct pa_opts *o, const char *service, int fatal_status)
{
	struct vstr *why = vstr_alloc(100);
	bool explicit;
	const char *dir = mail_conf_dir_choose(o->config_dir, &explicit);

	if (mail_conf_load(dir, explicit, why) < 0 ||
	    mail_params_init(why) < 0 || mail_log_init(service, why) < 0)
		msg_fatal_status(fatal_status, "%s", vstr_str(why));
	if (var_smtputf8_enable && !o->no_utf8)
		o->mkmap_flags |= MKMAP_UTF8;
	vstr_free(why);
}

/* run - dispatch on the mode; returns the exit status */
static int
run(const struct pa_opts *o, char **args, size_t n)
{
	int flags = o->dict_flags | DICT_FLAG_LOCK;

	if (o->delkey && strcmp(o->delkey, "-") == 0)
		return mkmap_delete_stream(stdin, args, n, flags,
		                           o->mkmap_flags) != DICT_FOUND;
	if (o->delkey)
		return mkmap_delete(args, n, o->delkey, flags,
		                    o->mkmap_flags) != DICT_FOUND;
	if (o->query && strcmp(o->query, "-") == 0)
		return mkmap_query_stream(stdin, args, n, ":\t", flags,
		                          o->mkmap_flags) != DICT_FOUND;
	if (o->query)
		return mkmap_query(args, n, o->query, flags, o->mkmap_flags) !=
		       DICT_FOUND;
	if (o->sequence) {
		mkmap_seq(args[0], ":\t", flags, o->mkmap_flags);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		postalias_build(args[i], o->open_flags, o->dict_flags,
		                o->mkmap_flags);
	return 0;
}

/* config_arg - newaliases -C: a directory, or the main.cf in one */
static char *
config_arg(const char *arg)
{
	struct stat st;
	const char *slash;

	if (stat(arg, &st) == 0 && !S_ISDIR(st.st_mode) &&
	    (slash = strrchr(arg, '/')) != NULL)
		return xstrndup(arg, slash == arg ? 1 : (size_t) (slash - arg));
	if (stat(arg, &st) == 0 && !S_ISDIR(st.st_mode))
		return xstrdup(".");
	return xstrdup(arg);
}

/* newaliases - sendmail -bi: postalias $alias_database */
static int
newaliases(struct pa_opts *o, int argc, char **argv)
{
	struct argv *tables;
	int ch, rc;

	/* Sendmail's options; those that do not matter here are ignored. */
	while ((ch = getopt(argc, argv, SENDMAIL_OPTIONS)) > 0) {
		if (ch == 'C' || ch == 'c') {
			xfree(o->config_dir);
			o->config_dir = config_arg(optarg);
		} else if (ch == 'v') {
			msg_verbose++;
		} else if (ch == '?') {
			msg_fatal_status(EX_TEMPFAIL_STATUS,
			                 "usage: %s [-C config] [-v]",
			                 o->progname);
		}
	}
	if (optind < argc)
		msg_fatal_status(EX_TEMPFAIL_STATUS,
		                 "alias initialization mode requires no "
		                 "recipient");
	load_config(o, "newaliases", EX_TEMPFAIL_STATUS);
	if (*var_alias_database == 0) {
		xfree(o->config_dir);
		return 0;
	}
	/* From here on we are postalias, as in Postfix. */
	msg_stderr_init("postalias");
	o->progname = "postalias";
	load_config(o, "postalias", 1);
	tables = argv_split(var_alias_database, LIST_DELIMS);
	rc = run(o, tables->argv, tables->argc);
	argv_free(tables);
	xfree(o->config_dir);
	return rc;
}

/* main - postalias or newaliases */
int
main(int argc, char **argv)
{
	struct pa_opts o = {
	        .mkmap_flags = MKMAP_AS_OWNER | MKMAP_SAVE_PERM,
	        .open_flags = O_RDWR | O_CREAT | O_TRUNC,
	        .dict_flags = DICT_FLAG_DUP_WARN | DICT_FLAG_FOLD_FIX,
	};
	int ch;

	o.progname = mkmap_command_start(argv);
	if (strcmp(argv[0], "newaliases") == 0)
		return newaliases(&o, argc, argv);
	while ((ch = getopt(argc, argv, "Nc:d:finopq:rsuvw")) > 0)
		option(&o, ch, optarg);
	load_config(&o, "postalias", 1);
	if (optind >= argc && o.sequence)
		return 1;
	if (optind >= argc)
		usage(o.progname);
	return run(&o, argv + optind, (size_t) (argc - optind));
}
