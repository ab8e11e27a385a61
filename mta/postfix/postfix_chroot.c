/*
 * postfix_chroot - "postfix chroot": query, switch and check the chroot
 * column of master.cf
 *
 *	postfix chroot [-n] [-S] [-X] [-c] [on|y|off|n|query|q|check]
 *
 * Services are classed by the command of their master.cf entry (the
 * first word of column 8, exactly as written):
 *	never	local, pipe, postlogd, proxymap (and so proxywrite), spawn,
 *		virtual, and qmgr, nqmgr, oqmgr: our queue manager resolves
 *		addresses itself and reads main.cf tables, so it runs outside
 *		the jail like local (Debian counts qmgr as simple, which
 *		makes its stock master.cf report "mixed").
 *	simple	the small internal services; -S skips them.
 *	complex	smtp, lmtp, smtpd; -X skips them.
 *	custom	anything else, a full path included: skipped with a
 *		warning unless -c is given.
 * The chroot column is "y" for on; "n" is off, and so is "-" at
 * compatibility_level 3 and later ("-" is on below 3, as Debian reads
 * it).
 *
 * query prints "on" when "on" would change nothing, "off" when "off"
 * would change nothing, "mixed" otherwise; with no eligible service at
 * all both hold and it prints "off", as Debian does. It exits 0.
 * on and off run "postconf -c DIR -F name/type/chroot=y|n ..." for the
 * services that differ (-n prints that command instead); they do not
 * reload.
 *
 * check looks at every service whose chroot column is on (-S and -X
 * still skip their class) and lists what it reads after entering the
 * jail but lacks there; see need_rows[] and table_types[] for what is
 * covered and why.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "mac_expand.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "postfix.h"
#include "stringops.h"
#include "vstr.h"

#define CHROOT_USAGE                                                           \
	"usage: postfix chroot [-n] [-S] [-X] [-c] on|y|off|n|query|q|check"

struct chroot_opts {
	bool dry_run;      /* -n */
	bool skip_simple;  /* -S */
	bool skip_complex; /* -X */
	bool custom;       /* -c */
};

enum svc_class { SVC_NEVER, SVC_SIMPLE, SVC_COMPLEX, SVC_CUSTOM };

static const struct svc_class_row {
	const char *cmd;
	enum svc_class cls;
} svc_classes[] = {
        {"local", SVC_NEVER},
        {"pipe", SVC_NEVER},
        {"postlogd", SVC_NEVER},
        {"proxymap", SVC_NEVER},
        {"spawn", SVC_NEVER},
        {"virtual", SVC_NEVER},
        {"qmgr", SVC_NEVER},
        {"nqmgr", SVC_NEVER},
        {"oqmgr", SVC_NEVER},
        {"anvil", SVC_SIMPLE},
        {"bounce", SVC_SIMPLE},
        {"cleanup", SVC_SIMPLE},
        {"discard", SVC_SIMPLE},
        {"dnsblog", SVC_SIMPLE},
        {"error", SVC_SIMPLE},
        {"flush", SVC_SIMPLE},
        {"pickup", SVC_SIMPLE},
        {"postscreen", SVC_SIMPLE},
        {"scache", SVC_SIMPLE},
        {"showq", SVC_SIMPLE},
        {"tlsmgr", SVC_SIMPLE},
        {"tlsproxy", SVC_SIMPLE},
        {"trivial-rewrite", SVC_SIMPLE},
        {"verify", SVC_SIMPLE},
        {"qmqpd", SVC_SIMPLE},
        {"lmtp", SVC_COMPLEX},
        {"smtp", SVC_COMPLEX},
        {"smtpd", SVC_COMPLEX},
};

/* service_class - the class of a master.cf command */
static enum svc_class
service_class(const char *cmd)
{
	for (size_t i = 0; i < sizeof(svc_classes) / sizeof(svc_classes[0]);
	     i++)
		if (strcmp(svc_classes[i].cmd, cmd) == 0)
			return svc_classes[i].cls;
	return SVC_CUSTOM;
}

/* dash_means_on - is "-" in the chroot column on (compatibility < 3)? */
static bool
dash_means_on(void)
{
	int cmp;

	if (compat_level_cmp(var_compatibility_level, "3", &cmp) < 0)
		return false; /* mail_params_init() let it through: be current
		               */
	return cmp < 0;
}

/* chroot_on - does this chroot column value mean "in the jail"? */
static bool
chroot_on(const char *value)
{
	if (strcmp(value, "y") == 0 || strcmp(value, "Y") == 0)
		return true;
	return strcmp(value, "-") == 0 && dash_means_on();
}

/* postfix_full_jail_entry - a chrooted complex or custom service? */
bool
postfix_full_jail_entry(const struct master_ent *e)
{
	enum svc_class cls =
	        service_class(e->args->argc > 0 ? e->args->argv[0] : "");

	return chroot_on(e->field[MF_CHROOT]) &&
	       (cls == SVC_COMPLEX || cls == SVC_CUSTOM);
}

/* ent_command - the command of an entry */
static const char *
ent_command(const struct master_ent *e)
{
	return e->args->argc > 0 ? e->args->argv[0] : "";
}

/* eligible - may on/off/query touch this entry? Warns about custom ones */
static bool
eligible(const struct master_ent *e, const struct chroot_opts *o, bool warn)
{
	switch (service_class(ent_command(e))) {
	case SVC_NEVER:
		return false;
	case SVC_SIMPLE:
		return !o->skip_simple;
	case SVC_COMPLEX:
		return !o->skip_complex;
	case SVC_CUSTOM:
		if (!o->custom && warn)
			msg_warn("custom service %s/%s (command %s) ignored; "
			         "-c includes it",
			         e->field[MF_NAME], e->field[MF_TYPE],
			         ent_command(e));
		return o->custom;
	}
	return false;
}

/* collect_changes - "name/type/chroot=y|n" for what differs from want */
static struct argv *
collect_changes(const struct master_cf *mc, const struct chroot_opts *o,
                bool want_on, bool warn)
{
	struct argv *edits = argv_alloc(10);
	struct vstr *buf = vstr_alloc(64);

	for (size_t i = 0; i < mc->count; i++) {
		const struct master_ent *e = &mc->ents[i];

		if (!eligible(e, o, warn) ||
		    chroot_on(e->field[MF_CHROOT]) == want_on)
			continue;
		vstr_fmt(buf, "%s/%s/chroot=%s", e->field[MF_NAME],
		         e->field[MF_TYPE], want_on ? "y" : "n");
		argv_add(edits, vstr_str(buf));
	}
	vstr_free(buf);
	return edits;
}

/* postconf_argv - the postconf command line that applies edits */
static struct argv *
postconf_argv(const struct argv *edits)
{
	struct argv *cmd = argv_alloc(edits->argc + 5);
	struct vstr *path = vstr_alloc(64);

	vstr_fmt(path, "%s/postconf", var_command_directory);
	argv_add(cmd, vstr_str(path));
	argv_add(cmd, "-c");
	argv_add(cmd, mail_conf_dir());
	argv_add(cmd, "-F");
	for (size_t i = 0; i < edits->argc; i++)
		argv_add(cmd, edits->argv[i]);
	vstr_free(path);
	return cmd;
}

/* run_command - fork and exec argv, no shell; 0 when it exits 0 */
static int
run_command(const struct argv *cmd)
{
	int rc = postfix_run(cmd->argv[0], cmd->argv);

	if (rc == 0)
		return 0;
	if (rc > 0)
		msg_error("%s failed", cmd->argv[0]);
	return -1;
}

/* apply_changes - print or run the postconf command; exit status */
static int
apply_changes(const struct argv *edits, bool dry_run)
{
	struct argv *cmd;
	int rc = 0;

	if (edits->argc == 0)
		return 0;
	cmd = postconf_argv(edits);
	if (dry_run) {
		char *line = argv_join(cmd, " ");

		printf("%s\n", line);
		xfree(line);
	} else if (run_command(cmd) < 0) {
		rc = 1;
	}
	argv_free(cmd);
	return rc;
}

/* read_master - master.cf of this instance, fatal when unusable */
static struct master_cf *
read_master(void)
{
	struct vstr *why = vstr_alloc(100);
	struct vstr *path = vstr_alloc(100);
	struct master_cf *mc;

	vstr_fmt(path, "%s/master.cf", mail_conf_dir());
	if ((mc = master_cf_read(vstr_str(path), why)) == NULL)
		msg_fatal("%s", vstr_str(why));
	vstr_free(why);
	vstr_free(path);
	return mc;
}

/* do_switch - "on" or "off" */
static int
do_switch(const struct master_cf *mc, const struct chroot_opts *o, bool want_on)
{
	struct argv *edits = collect_changes(mc, o, want_on, true);
	int rc = apply_changes(edits, o->dry_run);

	argv_free(edits);
	return rc;
}

/* do_query - print on, off or mixed */
static int
do_query(const struct master_cf *mc, const struct chroot_opts *o)
{
	struct argv *to_on = collect_changes(mc, o, true, true);
	struct argv *to_off = collect_changes(mc, o, false, false);
	const char *state;

	if (to_off->argc == 0)
		state = "off"; /* also when nothing is eligible */
	else if (to_on->argc == 0)
		state = "on";
	else
		state = "mixed";
	printf("%s\n", state);
	argv_free(to_on);
	argv_free(to_off);
	return 0;
}

/*
 * "postfix chroot check": what a chrooted service reads after it has
 * entered the jail. What is read before (by our daemons' pre_jail step,
 * as by Postfix's) needs no copy:
 *	- TLS certificates, keys, chain files, CAfile and DH parameter
 *	  files are loaded when the daemon initializes TLS, before chroot.
 *	  A CApath directory is only remembered by OpenSSL and searched
 *	  during each handshake, inside the jail: CApath is checked.
 *	- File-based tables (hash, btree, cdb, lmdb, texthash, regexp, pcre,
 *	  cidr, sqlite) are opened before chroot; when one changes the
 *	  daemon exits and its successor opens the new file, again before
 *	  chroot. They are not checked.
 *	- unix:passwd.byname and unix:group.byname call getpwnam(3) and
 *	  getgrnam(3) per lookup: etc/passwd or etc/group is checked.
 *	- Network tables connect at their first lookup: a socketmap on a
 *	  UNIX socket needs that socket in the jail. tcp: is inet only.
 *	- SASL: a Dovecot socket outside the queue directory; with Cyrus,
 *	  saslauthd's socket when pwcheck_method says saslauthd and the
 *	  sasldb file when auxprop_plugin says sasldb.
 *	- smtp, lmtp and smtpd resolve names: etc/resolv.conf, hosts,
 *	  services and nsswitch.conf (what the chroot sync copies).
 * Tables of types we do not provide (ldap, mysql, pgsql, memcache) are
 * reported as not checked.
 */
enum need_kind {
	NEED_DIR,   /* the value is a directory */
	NEED_MAPS,  /* a list of type:name tables */
	NEED_RESTR, /* a restriction list: tables among other words */
	NEED_SASL,  /* smtpd's SASL server set-up */
};

static const struct need_row {
	const char *param;
	enum need_kind kind;
	const char *cmds; /* commands that read it after chroot */
} need_rows[] = {
        {"smtpd_tls_CApath", NEED_DIR, "smtpd"},
        {"smtp_tls_CApath", NEED_DIR, "smtp"},
        {"lmtp_tls_CApath", NEED_DIR, "lmtp"},
        {"tlsproxy_tls_CApath", NEED_DIR, "tlsproxy"},
        {"tlsproxy_client_CApath", NEED_DIR, "tlsproxy"},
        {"smtpd_sasl_auth_enable", NEED_SASL, "smtpd"},
        {"local_recipient_maps", NEED_MAPS, "smtpd"},
        {"relay_recipient_maps", NEED_MAPS, "smtpd"},
        {"virtual_alias_maps", NEED_MAPS, "smtpd cleanup trivial-rewrite"},
        {"virtual_mailbox_maps", NEED_MAPS, "smtpd trivial-rewrite"},
        {"canonical_maps", NEED_MAPS, "smtpd cleanup"},
        {"sender_canonical_maps", NEED_MAPS, "smtpd cleanup"},
        {"recipient_canonical_maps", NEED_MAPS, "smtpd cleanup"},
        {"smtpd_sender_login_maps", NEED_MAPS, "smtpd"},
        {"smtpd_discard_ehlo_keyword_address_maps", NEED_MAPS, "smtpd"},
        {"smtpd_client_restrictions", NEED_RESTR, "smtpd"},
        {"smtpd_helo_restrictions", NEED_RESTR, "smtpd"},
        {"smtpd_sender_restrictions", NEED_RESTR, "smtpd"},
        {"smtpd_relay_restrictions", NEED_RESTR, "smtpd"},
        {"smtpd_recipient_restrictions", NEED_RESTR, "smtpd"},
        {"smtpd_data_restrictions", NEED_RESTR, "smtpd"},
        {"smtpd_end_of_data_restrictions", NEED_RESTR, "smtpd"},
        {"smtpd_etrn_restrictions", NEED_RESTR, "smtpd"},
        {"mynetworks", NEED_RESTR, "smtpd postscreen"},
        {"postscreen_access_list", NEED_RESTR, "postscreen"},
        {"sender_bcc_maps", NEED_MAPS, "cleanup"},
        {"recipient_bcc_maps", NEED_MAPS, "cleanup"},
        {"header_checks", NEED_MAPS, "cleanup"},
        {"mime_header_checks", NEED_MAPS, "cleanup"},
        {"nested_header_checks", NEED_MAPS, "cleanup"},
        {"body_checks", NEED_MAPS, "cleanup"},
        {"transport_maps", NEED_MAPS, "trivial-rewrite"},
        {"relocated_maps", NEED_MAPS, "trivial-rewrite"},
        {"mydestination", NEED_RESTR, "trivial-rewrite"},
        {"relay_domains", NEED_RESTR, "trivial-rewrite smtpd"},
        {"virtual_alias_domains", NEED_RESTR, "trivial-rewrite smtpd"},
        {"virtual_mailbox_domains", NEED_RESTR, "trivial-rewrite smtpd"},
        {"sender_dependent_relayhost_maps", NEED_MAPS, "trivial-rewrite"},
        {"sender_dependent_default_transport_maps", NEED_MAPS,
         "trivial-rewrite"},
        {"smtp_tls_policy_maps", NEED_MAPS, "smtp"},
        {"smtp_sasl_password_maps", NEED_MAPS, "smtp"},
        {"smtp_generic_maps", NEED_MAPS, "smtp"},
        {"smtp_header_checks", NEED_MAPS, "smtp"},
        {"smtp_mime_header_checks", NEED_MAPS, "smtp"},
        {"smtp_body_checks", NEED_MAPS, "smtp"},
        {"lmtp_tls_policy_maps", NEED_MAPS, "lmtp"},
        {"lmtp_sasl_password_maps", NEED_MAPS, "lmtp"},
        {"lmtp_generic_maps", NEED_MAPS, "lmtp"},
};

/* Files the resolver of a complex service reads in the jail. */
static const char *const resolver_files[] = {
        "/etc/resolv.conf",
        "/etc/hosts",
        "/etc/services",
        "/etc/nsswitch.conf",
};

enum table_kind {
	TT_NONE,      /* nothing outside the process */
	TT_EARLY,     /* a file opened before chroot */
	TT_UNIX,      /* getpwnam/getgrnam per lookup */
	TT_SOCKETMAP, /* unix:/path:name connects per lookup */
	TT_NESTED,    /* {table, table} */
	TT_UNCHECKED, /* a type we do not provide */
};

static const struct table_type {
	const char *type;
	enum table_kind kind;
} table_types[] = {
        {"static", TT_NONE},         {"inline", TT_NONE},
        {"fail", TT_NONE},           {"nis", TT_NONE},
        {"environ", TT_NONE},        {"tcp", TT_NONE},
        {"hash", TT_EARLY},          {"btree", TT_EARLY},
        {"cdb", TT_EARLY},           {"lmdb", TT_EARLY},
        {"texthash", TT_EARLY},      {"regexp", TT_EARLY},
        {"pcre", TT_EARLY},          {"cidr", TT_EARLY},
        {"sqlite", TT_EARLY},        {"unix", TT_UNIX},
        {"socketmap", TT_SOCKETMAP}, {"pipemap", TT_NESTED},
        {"unionmap", TT_NESTED},     {"ldap", TT_UNCHECKED},
        {"mysql", TT_UNCHECKED},     {"pgsql", TT_UNCHECKED},
        {"memcache", TT_UNCHECKED},
};

enum fix_kind {
	FIX_SYNC,     /* copy it with chroot_extra_files */
	FIX_CADIR,    /* chroot_extra_CAdir */
	FIX_PROXY,    /* put the table behind proxy: */
	FIX_SOCKET,   /* make the server listen inside the jail */
	FIX_SYNC_CMD, /* "postfix sync-chroot" copies it */
};

/* One path some chrooted services need and the jail lacks. */
struct lack {
	char *path;          /* host view, absolute */
	mode_t mode;         /* S_IFREG, S_IFDIR or S_IFSOCK */
	enum fix_kind fix;   /* the fix offered besides unchrooting */
	char *table;         /* the table that needs it, or NULL */
	struct argv *users;  /* "name/type (command: parameter)" */
	struct argv *unjail; /* "name/type/chroot=n" */
};

struct check_state {
	const struct master_ent *ent;
	const char *cmd;    /* base name of the command */
	struct lack *lacks; /* in the order found */
	size_t count;
	int unchecked; /* tables we could not check */
};

/* jail_has - does the jail hold path (absolute, host view) as want? */
static bool
jail_has(const char *path, mode_t want)
{
	struct vstr *in = vstr_alloc(100);
	struct stat st;
	bool ok;

	vstr_fmt(in, "%s%s", var_queue_directory, path);
	ok = stat(vstr_str(in), &st) == 0 && (st.st_mode & S_IFMT) == want;
	vstr_free(in);
	return ok;
}

/* inside_queue - is an absolute path already under the queue directory? */
static bool
inside_queue(const char *path)
{
	size_t n = strlen(var_queue_directory);

	return strncmp(path, var_queue_directory, n) == 0 &&
	       (path[n] == '/' || path[n] == 0);
}

/* argv_add_once - add s unless the list has it */
static void
argv_add_once(struct argv *list, const char *s)
{
	for (size_t i = 0; i < list->argc; i++)
		if (strcmp(list->argv[i], s) == 0)
			return;
	argv_add(list, s);
}

/* lack_find - the entry for path, made when new */
static struct lack *
lack_find(struct check_state *cs, const char *path, mode_t mode,
          enum fix_kind fix, const char *table)
{
	struct lack *l;

	for (size_t i = 0; i < cs->count; i++)
		if (strcmp(cs->lacks[i].path, path) == 0)
			return &cs->lacks[i];
	cs->lacks = xreallocarray(cs->lacks, size_add(cs->count, 1),
	                          sizeof(*cs->lacks));
	l = &cs->lacks[cs->count++];
	l->path = xstrdup(path);
	l->mode = mode;
	l->fix = fix;
	l->table = table ? xstrdup(table) : NULL;
	l->users = argv_alloc(4);
	l->unjail = argv_alloc(4);
	return l;
}

/* need - note path unless the jail has it */
static void
need(struct check_state *cs, const char *what, const char *path, mode_t mode,
     enum fix_kind fix, const char *table)
{
	struct vstr *buf = vstr_alloc(100);
	struct lack *l;

	if (*path != '/' || inside_queue(path) || jail_has(path, mode))
		goto out;
	l = lack_find(cs, path, mode, fix, table);
	vstr_fmt(buf, "%s/%s (%s: %s)", cs->ent->field[MF_NAME],
	         cs->ent->field[MF_TYPE], cs->cmd, what);
	argv_add_once(l->users, vstr_str(buf));
	vstr_fmt(buf, "%s/%s/chroot=n", cs->ent->field[MF_NAME],
	         cs->ent->field[MF_TYPE]);
	argv_add_once(l->unjail, vstr_str(buf));
out:
	vstr_free(buf);
}

/* print_fix - how to give the services what they lack */
static void
print_fix(const struct lack *l)
{
	struct argv *cmd;
	char *line;

	switch (l->fix) {
	case FIX_SYNC:
		printf("  fix: add %s to chroot_extra_files in "
		       "/etc/default/postfix,\n",
		       l->path + 1);
		break;
	case FIX_CADIR:
		printf("  fix: set chroot_extra_CAdir=%s in "
		       "/etc/default/postfix,\n",
		       l->path);
		break;
	case FIX_PROXY:
		printf("  fix: use proxy:%s (proxymap runs outside the "
		       "jail),\n",
		       l->table);
		break;
	case FIX_SOCKET:
		printf("  fix: make the server listen on %s%s,\n",
		       var_queue_directory, l->path);
		break;
	case FIX_SYNC_CMD:
		printf("  fix: run \"postfix sync-chroot\" (SYNC_CHROOT in "
		       "/etc/default/postfix),\n");
		break;
	}
	cmd = postconf_argv(l->unjail);
	line = argv_join(cmd, " ");
	printf("  or:  %s\n", line);
	xfree(line);
	argv_free(cmd);
}

/* print_lacks - the report; frees the entries */
static void
print_lacks(struct check_state *cs)
{
	static const struct {
		mode_t mode;
		const char *name;
	} kinds[] = {{S_IFREG, "file"},
	             {S_IFDIR, "directory"},
	             {S_IFSOCK, "socket"}};

	for (size_t i = 0; i < cs->count; i++) {
		struct lack *l = &cs->lacks[i];
		const char *kind = "file";

		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (kinds[k].mode == l->mode)
				kind = kinds[k].name;
		printf("missing in the jail: %s %s%s\n", kind,
		       var_queue_directory, l->path);
		for (size_t u = 0; u < l->users->argc; u++)
			printf("  needed by %s\n", l->users->argv[u]);
		print_fix(l);
		xfree(l->path);
		xfree(l->table);
		argv_free(l->users);
		argv_free(l->unjail);
	}
	cs->lacks = xfree(cs->lacks);
}

static void check_table(struct check_state *, const char *, const char *);

/* table_kind - the kind of a table type */
static enum table_kind
table_kind(const char *type)
{
	for (size_t i = 0; i < sizeof(table_types) / sizeof(table_types[0]);
	     i++)
		if (strcmp(table_types[i].type, type) == 0)
			return table_types[i].kind;
	return TT_UNCHECKED;
}

/* check_nested - the tables of pipemap:{a, b} or unionmap:{a, b} */
static void
check_nested(struct check_state *cs, const char *param, const char *name)
{
	char *copy = xstrdup(name);
	char *bp = copy;
	char *inner, *word;
	struct vstr *why = vstr_alloc(50);

	if ((inner = extpar(&bp, "{}", why)) != NULL)
		while ((word = mystrtokq(&inner, LIST_DELIMS, "{}")) != NULL)
			check_table(cs, param, word);
	vstr_free(why);
	xfree(copy);
}

/* check_socketmap - socketmap:unix:/path:name needs the socket */
static void
check_socketmap(struct check_state *cs, const char *param, const char *table,
                const char *name)
{
	const char *colon;
	char *path;

	if (!str_prefix(name, "unix:") ||
	    (colon = strrchr(name + 5, ':')) == NULL)
		return;
	path = xstrndup(name + 5, (size_t) (colon - name - 5));
	need(cs, param, path, S_IFSOCK, FIX_PROXY, table);
	xfree(path);
}

/* check_table - one type:name table named by param */
static void
check_table(struct check_state *cs, const char *param, const char *table)
{
	const char *colon = strchr(table, ':');
	char *type;

	if (colon == NULL || colon == table)
		return;
	type = xstrndup(table, (size_t) (colon - table));
	switch (strcmp(type, "proxy") == 0 ? TT_NONE : table_kind(type)) {
	case TT_NONE:
	case TT_EARLY:
		break;
	case TT_UNIX:
		if (strcmp(colon + 1, "passwd.byname") == 0)
			need(cs, param, "/etc/passwd", S_IFREG, FIX_PROXY,
			     table);
		else if (strcmp(colon + 1, "group.byname") == 0)
			need(cs, param, "/etc/group", S_IFREG, FIX_PROXY,
			     table);
		break;
	case TT_SOCKETMAP:
		check_socketmap(cs, param, table, colon + 1);
		break;
	case TT_NESTED:
		check_nested(cs, param, colon + 1);
		break;
	case TT_UNCHECKED:
		if (type[strcspn(type, "0123456789")] != 0)
			break; /* an address such as fe80::1, not a table */
		printf("%s/%s (%s): %s: %s: not checked (table type %s)\n",
		       cs->ent->field[MF_NAME], cs->ent->field[MF_TYPE],
		       cs->cmd, param, table, type);
		cs->unchecked++;
		break;
	}
	xfree(type);
}

/* check_words - every type:name word of a list (maps or restrictions) */
static void
check_words(struct check_state *cs, const char *param, const char *value)
{
	char *copy = xstrdup(value);
	char *bp = copy;
	char *word;

	while ((word = mystrtokq(&bp, LIST_DELIMS, "{}")) != NULL)
		if (strchr(word, ':') != NULL && *word != '{' && *word != '/' &&
		    *word != '[')
			check_table(cs, param, word);
	xfree(copy);
}

/* sasl_conf_value - "name: value" from a Cyrus SASL application file */
static char *
sasl_conf_value(const char *file, const char *name)
{
	FILE *fp = fopen(file, "r");
	char *line = NULL, *found = NULL;
	size_t cap = 0, len = strlen(name);

	if (fp == NULL)
		return NULL;
	while (found == NULL && getline(&line, &cap, fp) >= 0) {
		char *p = line + strspn(line, " \t");

		if (strncmp(p, name, len) == 0 && p[len] == ':')
			found = xstrdup(trim_space(p + len + 1));
	}
	free(line);
	fclose(fp);
	return found;
}

/* cyrus_conf_file - the smtpd.conf Cyrus SASL reads, or NULL */
static char *
cyrus_conf_file(const char *app)
{
	const char *dirs =
	        *var_cyrus_sasl_config_path
	                ? var_cyrus_sasl_config_path
	                : "/etc/postfix/sasl:/usr/lib/sasl2:/etc/sasl2";
	char *copy = xstrdup(dirs), *bp = copy, *dir, *found = NULL;
	struct vstr *path = vstr_alloc(100);

	while (found == NULL && (dir = mystrtok(&bp, ":")) != NULL) {
		vstr_fmt(path, "%s/%s.conf", dir, app);
		if (access(vstr_str(path), R_OK) == 0)
			found = xstrdup(vstr_str(path));
	}
	vstr_free(path);
	xfree(copy);
	return found;
}

/* check_cyrus - saslauthd's socket and the sasldb file */
static void
check_cyrus(struct check_state *cs, const char *app)
{
	char *file = cyrus_conf_file(app);
	char *method, *aux, *path;

	if (file == NULL)
		return;
	method = sasl_conf_value(file, "pwcheck_method");
	aux = sasl_conf_value(file, "auxprop_plugin");
	if (method && strstr(method, "saslauthd") != NULL) {
		path = sasl_conf_value(file, "saslauthd_path");
		need(cs, "saslauthd (pwcheck_method)",
		     path ? path : "/var/run/saslauthd/mux", S_IFSOCK,
		     FIX_SOCKET, NULL);
		xfree(path);
	}
	if ((method && strstr(method, "auxprop") != NULL) &&
	    (aux == NULL || strstr(aux, "sasldb") != NULL)) {
		path = sasl_conf_value(file, "sasldb_path");
		need(cs, "sasldb (auxprop_plugin)",
		     path ? path : "/etc/sasldb2", S_IFREG, FIX_SYNC, NULL);
		xfree(path);
	}
	xfree(method);
	xfree(aux);
	xfree(file);
}

/* check_sasl - smtpd's SASL server, when enabled */
static void
check_sasl(struct check_state *cs, const char *enable)
{
	char *type = mail_conf_eval_name("smtpd_sasl_type");
	char *path = mail_conf_eval_name("smtpd_sasl_path");

	if (strcasecmp(enable, "yes") != 0 || type == NULL || path == NULL)
		goto out;
	if (strcmp(type, "dovecot") == 0) {
		const char *p = str_prefix(path, "unix:") ? path + 5 : path;

		if (!str_prefix(p, "inet:"))
			need(cs, "smtpd_sasl_path", p, S_IFSOCK, FIX_SOCKET,
			     NULL);
	} else if (strcmp(type, "cyrus") == 0) {
		check_cyrus(cs, path);
	}
out:
	xfree(type);
	xfree(path);
}

/* check_row - one need_rows[] parameter for this service */
static void
check_row(struct check_state *cs, const struct need_row *row)
{
	char *value = mail_conf_eval_name(row->param);

	if (value == NULL)
		return;
	switch (row->kind) {
	case NEED_DIR:
		if (*value)
			need(cs, row->param, value, S_IFDIR,
			     strcmp(row->param, "smtp_tls_CApath") == 0 ||
			                     strcmp(row->param,
			                            "smtpd_tls_CApath") == 0
			             ? FIX_SYNC_CMD
			             : FIX_CADIR,
			     NULL);
		break;
	case NEED_MAPS:
	case NEED_RESTR:
		check_words(cs, row->param, value);
		break;
	case NEED_SASL:
		check_sasl(cs, value);
		break;
	}
	xfree(value);
}

/* Overrides of one service: the -o pairs, applied and undone. */
struct overrides {
	struct argv *names;
	struct argv *values;
	struct argv *saved; /* raw values before, "" when undefined */
};

/* overrides_apply - make the service's -o settings current */
static void
overrides_apply(const struct master_ent *e, struct overrides *ov)
{
	struct vstr *why = vstr_alloc(50);

	ov->names = argv_alloc(4);
	ov->values = argv_alloc(4);
	ov->saved = argv_alloc(4);
	if (master_ent_options(e, ov->names, ov->values, why) < 0)
		msg_warn("%s/%s: %s", e->field[MF_NAME], e->field[MF_TYPE],
		         vstr_str(why));
	for (size_t i = 0; i < ov->names->argc; i++) {
		const char *raw = mail_conf_raw(ov->names->argv[i]);

		argv_add(ov->saved, raw ? raw : "");
		mail_conf_override(ov->names->argv[i], ov->values->argv[i]);
	}
	vstr_free(why);
}

/* overrides_undo - back to main.cf, last override first */
static void
overrides_undo(struct overrides *ov)
{
	for (size_t i = ov->names->argc; i-- > 0;)
		mail_conf_override(ov->names->argv[i], ov->saved->argv[i]);
	argv_free(ov->names);
	argv_free(ov->values);
	argv_free(ov->saved);
}

/* cmd_uses - does the space-separated list name cmd? */
static bool
cmd_uses(const char *list, const char *cmd)
{
	size_t n = strlen(cmd);

	for (const char *p = list; (p = strstr(p, cmd)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
			return true;
	return false;
}

/* check_service - everything one chrooted service lacks */
static void
check_service(struct check_state *cs)
{
	struct overrides ov;
	const char *slash = strrchr(ent_command(cs->ent), '/');

	cs->cmd = slash ? slash + 1 : ent_command(cs->ent);
	overrides_apply(cs->ent, &ov);
	if (service_class(cs->cmd) == SVC_COMPLEX)
		for (size_t i = 0;
		     i < sizeof(resolver_files) / sizeof(resolver_files[0]);
		     i++)
			if (access(resolver_files[i], F_OK) == 0)
				need(cs, "the resolver", resolver_files[i],
				     S_IFREG, FIX_SYNC_CMD, NULL);
	for (size_t i = 0; i < sizeof(need_rows) / sizeof(need_rows[0]); i++)
		if (cmd_uses(need_rows[i].cmds, cs->cmd))
			check_row(cs, &need_rows[i]);
	overrides_undo(&ov);
}

/* do_check - "check": 0 when no chrooted service lacks anything */
static int
do_check(const struct master_cf *mc, const struct chroot_opts *o)
{
	struct check_state cs = {0};
	size_t missing;

	for (size_t i = 0; i < mc->count; i++) {
		const struct master_ent *e = &mc->ents[i];
		enum svc_class cls = service_class(ent_command(e));

		if (!chroot_on(e->field[MF_CHROOT]) ||
		    (cls == SVC_SIMPLE && o->skip_simple) ||
		    (cls == SVC_COMPLEX && o->skip_complex))
			continue;
		cs.ent = e;
		check_service(&cs);
	}
	missing = cs.count;
	print_lacks(&cs);
	return missing > 0;
}

/* parse_option - one "-nSXc" word; false on an unknown letter */
static bool
parse_option(const char *word, struct chroot_opts *o)
{
	if (word[1] == 0) {
		msg_error("chroot: missing option letter; %s", CHROOT_USAGE);
		return false;
	}
	for (const char *p = word + 1; *p; p++) {
		switch (*p) {
		case 'n':
			o->dry_run = true;
			break;
		case 'S':
			o->skip_simple = true;
			break;
		case 'X':
			o->skip_complex = true;
			break;
		case 'c':
			o->custom = true;
			break;
		default:
			msg_error("chroot: unknown option -%c; %s", *p,
			          CHROOT_USAGE);
			return false;
		}
	}
	return true;
}

enum verb { VERB_QUERY, VERB_ON, VERB_OFF, VERB_CHECK };

static const struct verb_row {
	const char *name;
	enum verb verb;
} verbs[] = {
        {"on", VERB_ON},       {"y", VERB_ON},        {"off", VERB_OFF},
        {"n", VERB_OFF},       {"query", VERB_QUERY}, {"q", VERB_QUERY},
        {"check", VERB_CHECK},
};

/* parse_args - options anywhere, at most one verb; false on error */
static bool
parse_args(int argc, char **argv, struct chroot_opts *o, enum verb *verb)
{
	const char *given = NULL;

	*verb = VERB_QUERY;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			if (!parse_option(argv[i], o))
				return false;
			continue;
		}
		if (given != NULL) {
			msg_error(
			        "chroot: more than one command: %s and %s; %s",
			        given, argv[i], CHROOT_USAGE);
			return false;
		}
		given = argv[i];
		size_t j = 0;
		while (j < sizeof(verbs) / sizeof(verbs[0]) &&
		       strcmp(verbs[j].name, given) != 0)
			j++;
		if (j == sizeof(verbs) / sizeof(verbs[0])) {
			msg_error("chroot: unknown command: %s; %s", given,
			          CHROOT_USAGE);
			return false;
		}
		*verb = verbs[j].verb;
	}
	return true;
}

/* postfix_chroot - "postfix chroot ..."; the exit status */
int
postfix_chroot(int argc, char **argv)
{
	struct chroot_opts o = {0};
	enum verb verb;
	struct master_cf *mc;
	int rc = 0;

	if (!parse_args(argc, argv, &o, &verb))
		return 1;
	mc = read_master();
	switch (verb) {
	case VERB_QUERY:
		rc = do_query(mc, &o);
		break;
	case VERB_ON:
		rc = do_switch(mc, &o, true);
		break;
	case VERB_OFF:
		rc = do_switch(mc, &o, false);
		break;
	case VERB_CHECK:
		rc = do_check(mc, &o);
		break;
	}
	master_cf_free(mc);
	return rc;
}
