/*
 * NAME
 *	postconf - show or change the mail system configuration
 * SYNOPSIS
 *	postconf [-dfhHnx] [-c dir] [-o name=value] [name ...]
 *	postconf -e [-c dir] name=value ...	(also: postconf name=value)
 *	postconf -X | -# [-c dir] name ...
 *	postconf -M [-f] [service[/type]] ...
 *	postconf -F [service[/type[/field]]] ...
 *	postconf -P [service[/type[/name]]] ...
 *	postconf -Me service/type=entry, -MX | -M# service/type,
 *	postconf -Fe service/type/field=value,
 *	postconf -Pe service/type/name=value, -PX service/type/name
 * DESCRIPTION
 *	See postconf(1). This file parses the command line, loads main.cf
 *	and master.cf, and hands over to the part that does the work.
 * SECURITY
 *	postconf needs no privileges. Edits write only main.cf or master.cf
 *	of the chosen configuration directory, through a temporary file in
 *	the same directory that is fsynced and renamed, so a crash leaves
 *	either the old or the new file. Values are never passed to a shell.
 * DIAGNOSTICS
 *	Problems go to standard error as "postconf: warning: ..." or
 *	"postconf: fatal: ..."; the exit status is 1 after a fatal error,
 *	0 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "dict.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "postconf.h"
#include "stringops.h"
#include "vstr.h"

static const struct option_bit {
	int ch;
	int bit;
} option_bits[] = {
        {'d', PC_SHOW_DEFS}, {'n', PC_SHOW_NONDEF}, {'h', PC_HIDE_NAME},
        {'x', PC_EXPAND},    {'f', PC_FOLD},        {'e', PC_EDIT},
        {'X', PC_REMOVE},    {'#', PC_COMMENT},     {'M', PC_MASTER},
        {'F', PC_FIELDS},    {'P', PC_PARAMS},
};

/* show_list - -m (table types) or -l (mailbox lock methods) */
static int
show_list(int ch)
{
	static const char *const locks[] = {"flock", "fcntl", "dotlock"};
	struct argv *list = argv_alloc(32);

	if (ch == 'm')
		dict_type_list(list);
	else
		for (size_t i = 0; i < sizeof(locks) / sizeof(locks[0]); i++)
			argv_add(list, locks[i]);
	for (size_t i = 0; i < list->argc; i++)
		printf("%s\n", list->argv[i]);
	argv_free(list);
	return 0;
}

/* usage - complain and exit */
static void
usage(const char *prog)
{
	msg_fatal("usage: %s [-c config_dir] [-dfhnx] [-o name=value] "
	          "[-e|-X|-#] [-M|-F|-P] [name...]",
	          prog);
}

/* add_override - one -o name=value */
static void
add_override(const char *arg)
{
	char *copy = xstrdup(arg), *name, *value;
	const char *err;

	if (split_nameval(copy, &name, &value, &err) < 0)
		msg_fatal("%s: \"%s\"", err, arg);
	mail_conf_override(name, value);
	xfree(copy);
}

/* all_assignments - every argument looks like name=value */
static bool
all_assignments(char **args)
{
	if (*args == NULL)
		return false;
	for (; *args; args++)
		if (strchr(*args, '=') == NULL)
			return false;
	return true;
}

/* check_modes - reject combinations that make no sense */
static void
check_modes(int mode)
{
	int edits = mode & (PC_EDIT | PC_REMOVE | PC_COMMENT);
	int tables = mode & (PC_MASTER | PC_FIELDS | PC_PARAMS);

	if (edits & (edits - 1))
		msg_fatal("specify one of -e, -X and -#");
	if (tables & (tables - 1))
		msg_fatal("specify one of -M, -F and -P");
	if ((mode & PC_SHOW_DEFS) && (mode & PC_SHOW_NONDEF))
		msg_fatal("specify one of -d and -n");
	if (edits && (mode & (PC_SHOW_DEFS | PC_SHOW_NONDEF)))
		msg_fatal("-d and -n cannot be combined with edits");
}

/* load_config - main.cf, -o overrides, master.cf */
static void
load_config(struct pc_state *st, const char *cmdline_dir, char **overrides,
            size_t noverrides)
{
	struct vstr *why = vstr_alloc(100);
	bool explicit;
	bool need_master =
	        (st->mode & (PC_MASTER | PC_FIELDS | PC_PARAMS)) != 0;

	st->config_dir = mail_conf_dir_choose(cmdline_dir, &explicit);
	if (mail_conf_load(st->config_dir, explicit, why) < 0)
		msg_fatal("%s", vstr_str(why));
	for (size_t i = 0; i < noverrides; i++)
		add_override(overrides[i]);
	st->master = pc_master_load(st->config_dir, need_master);
	pc_register_services(st->master);
	pc_find_used(st);
	vstr_free(why);
}

/* main - parse options, dispatch */
int
main(int argc, char **argv)
{
	struct pc_state st = {0};
	const char *cmdline_dir = NULL;
	char **overrides = xcalloc((size_t) argc + 1, sizeof(char *));
	size_t noverrides = 0;
	int ch, list_ch = 0;

	msg_stderr_init(argv[0]);
	mail_process_name = "postconf";
	while ((ch = getopt(argc, argv, "c:dfhnxeX#MFPo:pvml")) > 0) {
		switch (ch) {
		case 'c':
			cmdline_dir = optarg;
			break;
		case 'o':
			overrides[noverrides++] = optarg;
			break;
		case 'p':
			break;
		case 'v':
			msg_verbose++;
			break;
		case 'm':
		case 'l':
			list_ch = ch;
			break;
		default:
			for (size_t i = 0;
			     i < sizeof(option_bits) / sizeof(option_bits[0]);
			     i++)
				if (option_bits[i].ch == ch)
					st.mode |= option_bits[i].bit;
			if (strchr("dfhnxeX#MFP", ch) == NULL)
				usage(argv[0]);
		}
	}
	if (list_ch)
		return show_list(list_ch);
	/* As Postfix 2.8 and later: name=value arguments imply -e, also
	 * with -M, -F and -P ("postconf -F smtp/inet/chroot=n"). */
	if (!(st.mode & (PC_EDIT | PC_REMOVE | PC_COMMENT | PC_SHOW_DEFS |
	                 PC_SHOW_NONDEF)) &&
	    all_assignments(argv + optind))
		st.mode |= PC_EDIT;
	check_modes(st.mode);
	if (st.mode & (PC_SHOW_DEFS | PC_EDIT | PC_REMOVE | PC_COMMENT))
		mail_conf_warn_duplicates = false;
	load_config(&st, cmdline_dir, overrides, noverrides);
	if (st.mode & (PC_EDIT | PC_REMOVE | PC_COMMENT)) {
		if (st.mode & (PC_MASTER | PC_FIELDS | PC_PARAMS))
			pc_master_edit(&st, argv + optind);
		else
			pc_main_edit(&st, argv + optind);
	} else if (st.mode & (PC_MASTER | PC_FIELDS | PC_PARAMS)) {
		pc_master_show(&st, argv + optind);
		if (st.mode & PC_PARAMS)
			pc_warn_unused_master(&st);
	} else {
		if (!(st.mode & PC_SHOW_DEFS))
			pc_check_refs(&st);
		pc_main_show(&st, argv + optind);
		if (!(st.mode & PC_SHOW_DEFS))
			pc_warn_unused(&st);
	}
	master_cf_free(st.master);
	xfree(overrides);
	return 0;
}
