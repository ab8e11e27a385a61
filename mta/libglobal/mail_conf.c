/*
 * mail_conf - main.cf reading, lookup and expansion
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "htable.h"
#include "linefile.h"
#include "mac_expand.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

static char *conf_dir;
static char *conf_path;
static struct htable *main_table; /* name -> struct conf_entry */
static struct htable *overrides;  /* name -> char * */
static struct htable *registered; /* name -> char * */
static bool defaults_only;
bool mail_conf_warn_duplicates = true;

/* mail_conf_dir_choose - -c, then MAIL_CONFIG, then the default */
const char *
mail_conf_dir_choose(const char *cmdline_dir, bool *explicit)
{
	const char *env = getenv("MAIL_CONFIG");

	*explicit = true;
	if (cmdline_dir && *cmdline_dir)
		return cmdline_dir;
	if (env && *env)
		return env;
	*explicit = false;
	return DEF_CONFIG_DIR;
}

/* free_entry - htable destructor */
static void
free_entry(void *ptr)
{
	struct conf_entry *e = ptr;

	xfree(e->name);
	xfree(e->value);
	xfree(e);
}

/* set_main - define or redefine a main.cf name */
static void
set_main(const char *name, const char *value, int line)
{
	struct htable_info *ht;
	struct conf_entry *e;

	if (main_table == NULL)
		main_table = htable_create(128);
	if ((ht = htable_locate(main_table, name)) != NULL) {
		e = ht->value;
		if (line > 0 && mail_conf_warn_duplicates)
			msg_warn("%s, line %d: overriding earlier entry: %s=%s",
			         conf_path, line, name, e->value);
		/* Keep the position of the first definition for listing. */
		xfree(e->value);
		e->value = xstrdup(value);
		e->line = line;
		return;
	}
	e = xmalloc(sizeof(*e));
	e->name = xstrdup(name);
	e->value = xstrdup(value);
	e->line = line;
	htable_enter(main_table, name, e);
}

/* parse_line - one logical line of main.cf */
static int
parse_line(const struct logical_line *ll, struct vstr *why)
{
	char *copy = xstrdup(vstr_str(ll->text));
	char *name, *value;
	const char *err;
	int rc = 0;

	if (ll->leading_space) {
		msg_warn("%s: logical line must not start with whitespace: "
		         "\"%s\"",
		         conf_path, vstr_str(ll->text));
	} else if (split_nameval(copy, &name, &value, &err) < 0) {
		vstr_fmt(why, "%s, line %zu: %s: \"%s\"", conf_path,
		         ll->first + 1, err, vstr_str(ll->text));
		rc = -1;
	} else {
		set_main(name, value, (int) ll->first + 1);
	}
	xfree(copy);
	return rc;
}

/* mail_conf_load_file - read one main.cf-format file */
int
mail_conf_load_file(const char *path, struct vstr *why)
{
	struct linefile *lf;
	struct logical_line ll = {0};
	size_t pos = 0;
	int rc = 0;

	xfree(conf_path);
	conf_path = xstrdup(path);
	if ((lf = linefile_read(path, why)) == NULL)
		return -1;
	while (rc == 0 && linefile_next(lf, &pos, &ll))
		rc = parse_line(&ll, why);
	vstr_free(ll.text);
	linefile_free(lf);
	return rc;
}

/* mail_conf_load - read DIR/main.cf */
int
mail_conf_load(const char *dir, bool explicit, struct vstr *why)
{
	struct vstr *path = vstr_alloc(100);
	int rc;

	xfree(conf_dir);
	conf_dir = xstrdup(dir);
	main_table = htable_free(main_table, free_entry);
	vstr_fmt(path, "%s/main.cf", dir);
	if (explicit)
		set_main("config_directory", dir, 0);
	rc = mail_conf_load_file(vstr_str(path), why);
	vstr_free(path);
	return rc;
}

/* mail_conf_dir - the directory loaded */
const char *
mail_conf_dir(void)
{
	return conf_dir ? conf_dir : DEF_CONFIG_DIR;
}

/* mail_conf_path - the main.cf path loaded */
const char *
mail_conf_path(void)
{
	return conf_path ? conf_path : DEF_CONFIG_DIR "/main.cf";
}

/* mail_conf_main_entry - a main.cf definition */
const struct conf_entry *
mail_conf_main_entry(const char *name)
{
	return main_table ? htable_find(main_table, name) : NULL;
}

/* mail_conf_main_list - all main.cf entries; caller frees the array */
struct conf_entry **
mail_conf_main_list(void)
{
	struct htable_info **list;
	struct conf_entry **out;
	size_t n = 0;

	if (main_table == NULL)
		main_table = htable_create(128);
	list = htable_list(main_table);
	while (list[n])
		n++;
	out = xreallocarray(NULL, size_add(n, 1), sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = list[i]->value;
	out[n] = NULL;
	xfree(list);
	return out;
}

/* replace_in - set a name in a string table */
static void
replace_in(struct htable **table, const char *name, const char *value)
{
	struct htable_info *ht;

	if (*table == NULL)
		*table = htable_create(32);
	if ((ht = htable_locate(*table, name)) != NULL) {
		xfree(ht->value);
		ht->value = xstrdup(value);
	} else {
		htable_enter(*table, name, xstrdup(value));
	}
}

/* mail_conf_override - a -o name=value */
void
mail_conf_override(const char *name, const char *value)
{
	replace_in(&overrides, name, value);
}

/* mail_conf_register - a name that exists because of master.cf */
void
mail_conf_register(const char *name, const char *defval)
{
	replace_in(&registered, name, defval);
}

/* mail_conf_registered - the default of a registered name */
const char *
mail_conf_registered(const char *name)
{
	return registered ? htable_find(registered, name) : NULL;
}

/* mail_conf_defaults_only - ignore main.cf and -o (postconf -d) */
void
mail_conf_defaults_only(bool on)
{
	defaults_only = on;
}

/* mail_conf_raw - unexpanded value, NULL when undefined */
const char *
mail_conf_raw(const char *name)
{
	const struct param_def *p;
	const struct conf_entry *e;
	const char *v;

	if (!defaults_only) {
		if (overrides && (v = htable_find(overrides, name)) != NULL)
			return v;
		if ((e = mail_conf_main_entry(name)) != NULL)
			return e->value;
	}
	if ((p = param_find(name)) != NULL)
		return param_default(p);
	return mail_conf_registered(name);
}

/* lookup_raw - mac_expand callback */
static const char *
lookup_raw(const char *name, void *ctx)
{
	(void) ctx;
	return mail_conf_raw(name);
}

/* mail_conf_expand - expand references in text */
int
mail_conf_expand(const char *text, struct vstr *out, struct vstr *why)
{
	return mac_expand(out, text, MAC_EXP_RECURSE, lookup_raw, NULL, why);
}

/* eval_text - expand or die */
static char *
eval_text(const char *name, const char *raw)
{
	struct vstr *out = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);

	if (mail_conf_expand(raw, out, why) & MAC_ERROR)
		msg_fatal("%s: parameter %s: %s", mail_conf_path(), name,
		          vstr_str(why));
	vstr_free(why);
	return vstr_export(out);
}

/* mail_conf_eval_name - expanded value of a name */
char *
mail_conf_eval_name(const char *name)
{
	const char *raw = mail_conf_raw(name);

	return raw ? eval_text(name, raw) : NULL;
}

/* mail_conf_main_eval - expanded value set in main.cf or by -o */
char *
mail_conf_main_eval(const char *name)
{
	const struct conf_entry *e;
	const char *v = NULL;

	if (defaults_only)
		return NULL;
	if (overrides)
		v = htable_find(overrides, name);
	if (v == NULL && (e = mail_conf_main_entry(name)) != NULL)
		v = e->value;
	return v ? eval_text(name, v) : NULL;
}

/* read_first_line - Debian's /etc/mailname convention */
static char *
read_first_line(const char *path, struct vstr *why)
{
	FILE *fp = fopen(path, "re");
	char *line = NULL, *value;
	size_t cap = 0;

	if (fp == NULL) {
		vstr_fmt(why, "open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (getline(&line, &cap, fp) < 0) {
		xfree(line);
		line = NULL;
	}
	fclose(fp);
	value = xstrdup(line ? trim_space(line) : "");
	free(line);
	return value;
}

/* store_value - convert a checked value into its global */
static void
store_value(const struct param_def *p, char *value)
{
	long v = 0;
	bool b = false;

	switch (p->type) {
	case PT_STR:
	case PT_LIST:
		xfree(*(char **) p->var);
		*(char **) p->var = value;
		return;
	case PT_BOOL:
		(void) !conv_bool(value, &b);
		*(bool *) p->var = b;
		break;
	case PT_INT:
		(void) !conv_long(value, &v);
		*(int *) p->var = (int) v;
		break;
	case PT_SIZE:
		(void) !conv_long(value, &v);
		*(long *) p->var = v;
		break;
	case PT_TIME:
		(void) !conv_time(value, param_time_unit(p), &v);
		*(long *) p->var = v;
		break;
	}
	xfree(value);
}

/* where - "file, line N" or "file" for messages */
static void
where(struct vstr *buf, const char *name)
{
	const struct conf_entry *e = mail_conf_main_entry(name);

	if (e && e->line > 0)
		vstr_fmt(buf, "%s, line %d", mail_conf_path(), e->line);
	else
		vstr_fmt(buf, "%s", mail_conf_path());
}

/* init_one - evaluate, check and store one parameter */
static int
init_one(const struct param_def *p, struct vstr *why)
{
	const char *raw = mail_conf_raw(p->name);
	char *value =
	        (p->flags & PF_RAW) ? xstrdup(raw) : eval_text(p->name, raw);
	struct vstr *reason = vstr_alloc(100);
	char *file_value;

	if ((strcmp(p->name, "myorigin") == 0 ||
	     strcmp(p->name, "myhostname") == 0) &&
	    value[0] == '/') {
		if ((file_value = read_first_line(value, reason)) == NULL)
			goto bad;
		xfree(value);
		value = file_value;
	}
	if (param_check_value(p, value, reason) < 0)
		goto bad;
	store_value(p, value);
	vstr_free(reason);
	return 0;
bad:
	where(why, p->name);
	vstr_fmt_append(why, ": %s", vstr_str(reason));
	xfree(value);
	vstr_free(reason);
	return -1;
}

/* mail_params_init - fill every var_* global */
int
mail_params_init(struct vstr *why)
{
	for (size_t i = 0; i < param_count; i++)
		if (init_one(&param_table[i], why) < 0)
			return -1;
	return 0;
}
