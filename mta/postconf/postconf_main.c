/*
 * postconf_main - main.cf parameter listings and warnings
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "htable.h"
#include "mac_expand.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "postconf.h"
#include "stringops.h"
#include "vstr.h"

static struct htable *used_names;  /* names referenced as $name */
static struct argv *dbms_prefixes; /* "name_" of ldap:name etc. */

static const char *const dbms_types[] = {
        "ldap", "mysql", "pgsql", "sqlite", "memcache", "mongodb", NULL,
};

/* note_used - remember a referenced name */
static void
note_used(const char *name, size_t len)
{
	char *key = xstrndup(name, len);

	if (htable_find(used_names, key) == NULL)
		htable_enter(used_names, key, (void *) "");
	xfree(key);
}

/* scan_refs - every $name, ${name...} and $(name...) in text */
static void
scan_refs(const char *text)
{
	for (const char *cp = text; (cp = strchr(cp, '$')) != NULL;) {
		size_t n;

		cp++;
		if (*cp == '$') {
			cp++;
			continue;
		}
		if (*cp == '{' || *cp == '(')
			cp++;
		for (n = 0; isalnum((unsigned char) cp[n]) || cp[n] == '_'; n++)
			;
		if (n > 0)
			note_used(cp, n);
		cp += n;
	}
}

/* scan_dbms - "type:name" tables whose settings live in main.cf */
static void
scan_dbms(const char *text)
{
	char *copy = xstrdup(text);
	char *cp = copy, *tok, *colon;

	while ((tok = mystrtok(&cp, ", \t\r\n{}")) != NULL) {
		if ((colon = strchr(tok, ':')) == NULL || strchr(tok, '/'))
			continue;
		*colon = 0;
		for (const char *const *t = dbms_types; *t; t++) {
			if (strcmp(tok, *t) == 0 && colon[1]) {
				struct vstr *p = vstr_alloc(32);

				vstr_fmt(p, "%s_", colon + 1);
				argv_add(dbms_prefixes, vstr_str(p));
				vstr_free(p);
			}
		}
	}
	xfree(copy);
}

/* scan_value - everything a value can make "used" */
static void
scan_value(const char *value)
{
	scan_refs(value);
	scan_dbms(value);
}

/* scan_option - master.cf -o callback: what the value uses */
static void
scan_option(const char *name, const char *value, size_t argi, void *ctx)
{
	(void) name;
	(void) argi;
	(void) ctx;
	scan_value(value);
}

/* warn_option - master.cf -o callback: a name that nothing knows */
static void
warn_option(const char *name, const char *value, size_t argi, void *ctx)
{
	const struct master_cf *mc = ctx;

	(void) argi;
	if (!pc_param_known(name))
		msg_warn("%s: unused parameter: %s=%s", mc->path, name, value);
}

/* walk_master - apply fn to every -o pair of master.cf */
static void
walk_master(const struct master_cf *mc, master_opt_fn fn)
{
	struct vstr *why = vstr_alloc(100);

	for (size_t i = 0; mc && i < mc->count; i++)
		(void) master_ent_walk_options(&mc->ents[i], fn, (void *) mc,
		                               why);
	vstr_free(why);
}

/* pc_find_used - collect the user-defined names that something uses */
void
pc_find_used(struct pc_state *st)
{
	struct conf_entry **list = mail_conf_main_list();
	const char *classes;

	used_names = htable_create(64);
	dbms_prefixes = argv_alloc(4);
	for (size_t i = 0; list[i]; i++)
		scan_value(list[i]->value);
	xfree(list);
	walk_master(st->master, scan_option);
	if ((classes = mail_conf_raw("smtpd_restriction_classes")) != NULL) {
		struct argv *a = argv_split(classes, LIST_DELIMS);

		for (size_t i = 0; i < a->argc; i++)
			note_used(a->argv[i], strlen(a->argv[i]));
		argv_free(a);
	}
}

/* pc_param_known - built in, made by a service, or used */
bool
pc_param_known(const char *name)
{
	if (param_find(name) || mail_conf_registered(name))
		return true;
	if (used_names && htable_find(used_names, name))
		return true;
	for (size_t i = 0; dbms_prefixes && i < dbms_prefixes->argc; i++)
		if (str_prefix(name, dbms_prefixes->argv[i]))
			return true;
	return false;
}

static struct htable *undef_warned;

/* pc_note_undefined - warn once per undefined name */
void
pc_note_undefined(const char *name)
{
	if (undef_warned == NULL)
		undef_warned = htable_create(16);
	if (htable_find(undef_warned, name))
		return;
	htable_enter(undef_warned, name, (void *) "");
	msg_warn("%s: undefined parameter: %s", mail_conf_path(), name);
}

/* undef_lookup - lookup for pc_check_refs */
static const char *
check_lookup(const char *name, void *ctx)
{
	const char *v = mail_conf_raw(name);

	(void) ctx;
	if (v == NULL)
		pc_note_undefined(name);
	return v;
}

/*
 * pc_check_refs - expand every used main.cf value once, in file order, so
 * that references to undefined parameters are reported and reference
 * loops stop the program, whatever is asked for.
 */
void
pc_check_refs(struct pc_state *st)
{
	struct conf_entry **list = mail_conf_main_list();
	struct vstr *out = vstr_alloc(100), *why = vstr_alloc(100);

	(void) st;
	for (size_t i = 0; list[i]; i++) {
		if (!pc_param_known(list[i]->name) ||
		    pc_param_raw(list[i]->name))
			continue;
		vstr_reset(out);
		if (mac_expand(out, list[i]->value, MAC_EXP_RECURSE,
		               check_lookup, NULL, why) &
		    MAC_ERROR) {
			msg_warn("%s", vstr_str(why));
			msg_fatal("macro processing error");
		}
	}
	vstr_free(out);
	vstr_free(why);
	xfree(list);
}

/* pc_param_raw - a built-in whose value is expanded only when used */
bool
pc_param_raw(const char *name)
{
	const struct param_def *p = param_find(name);

	return p != NULL && (p->flags & PF_RAW);
}

/* check_value - type and range check of a main.cf setting */
static void
check_value(const struct conf_entry *e)
{
	const struct param_def *p = param_find(e->name);
	struct vstr *value, *why;

	/*
	 * Only literal values: one built from other parameters is checked
	 * where it is used, when the daemon reads its configuration.
	 */
	if (p == NULL || p->type == PT_STR || p->type == PT_LIST ||
	    strchr(e->value, '$') != NULL)
		return;
	value = vstr_alloc(64);
	why = vstr_alloc(64);
	if ((p->flags & PF_RAW) ||
	    !(mail_conf_expand(e->value, value, why) & MAC_ERROR)) {
		if (p->flags & PF_RAW)
			vstr_cpy(value, e->value);
		if (param_check_value(p, vstr_str(value), why) < 0)
			msg_warn("%s, line %d: %s", mail_conf_path(), e->line,
			         vstr_str(why));
	}
	vstr_free(value);
	vstr_free(why);
}

/* pc_warn_unused_master - master.cf -o settings nothing uses */
void
pc_warn_unused_master(struct pc_state *st)
{
	walk_master(st->master, warn_option);
}

/* pc_warn_unused - main.cf and master.cf settings nothing uses */
void
pc_warn_unused(struct pc_state *st)
{
	struct conf_entry **list = mail_conf_main_list();

	for (size_t i = 0; list[i]; i++) {
		if (!pc_param_known(list[i]->name))
			msg_warn("%s: unused parameter: %s=%s",
			         mail_conf_path(), list[i]->name,
			         list[i]->value);
		else if (list[i]->line > 0)
			check_value(list[i]);
	}
	xfree(list);
	walk_master(st->master, warn_option);
}

/* all_names - every name to list in this mode, sorted */
static struct argv *
all_names(const struct pc_state *st)
{
	struct argv *names = argv_alloc(1024);
	struct conf_entry **list = mail_conf_main_list();

	if (st->mode & PC_SHOW_NONDEF) {
		for (size_t i = 0; list[i]; i++)
			if (pc_param_known(list[i]->name))
				argv_add(names, list[i]->name);
	} else {
		for (size_t i = 0; i < param_count; i++)
			argv_add(names, param_table[i].name);
		/* User-defined names that something uses. */
		for (size_t i = 0; list[i]; i++)
			if (!(st->mode & PC_SHOW_DEFS) &&
			    param_find(list[i]->name) == NULL &&
			    mail_conf_registered(list[i]->name) == NULL &&
			    pc_param_known(list[i]->name))
				argv_add(names, list[i]->name);
	}
	xfree(list);
	return names;
}

/* show_one - print a name per mode; warn when unknown */
static void
show_one(const struct pc_state *st, const char *name, bool explicit)
{
	const struct conf_entry *e;
	const char *value;

	if (st->mode & PC_SHOW_NONDEF) {
		if ((e = mail_conf_main_entry(name)) != NULL &&
		    pc_param_known(name))
			pc_print_param(st, name, e->value);
		else if (explicit && !pc_param_known(name))
			msg_warn("%s: unknown parameter", name);
		return;
	}
	if (!pc_param_known(name) ||
	    ((st->mode & PC_SHOW_DEFS) && param_find(name) == NULL &&
	     mail_conf_registered(name) == NULL) ||
	    (value = mail_conf_raw(name)) == NULL) {
		msg_warn("%s: unknown parameter", name);
		return;
	}
	pc_print_param(st, name, value);
}

/* pc_main_show - list main.cf parameters */
void
pc_main_show(struct pc_state *st, char **names)
{
	struct argv *list;

	if (st->mode & PC_SHOW_DEFS)
		mail_conf_defaults_only(true);
	if (names && *names) {
		for (; *names; names++)
			show_one(st, *names, true);
		return;
	}
	list = all_names(st);
	if (!(st->mode & PC_SHOW_NONDEF))
		pc_service_names(list);
	argv_sort(list);
	for (size_t i = 0; i < list->argc; i++)
		if (i == 0 || strcmp(list->argv[i], list->argv[i - 1]) != 0)
			show_one(st, list->argv[i], false);
	argv_free(list);
}
