/*
 * postconf_master - master.cf: -M, -F, -P and their edits
 *
 * Entries are printed with the fixed fields at the columns that
 * "postconf -M" uses, so that output can be compared by eye and by diff.
 * An entry that an edit touched is rewritten in the folded (-Mf) layout;
 * every other line of the file stays as it was.
 */
#include <stdio.h>
#include <string.h>

#include "argv.h"
#include "linefile.h"
#include "mac_expand.h"
#include "mail_conf.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "postconf.h"
#include "stringops.h"
#include "vstr.h"

/* Start columns of the seven fixed fields and the command. */
static const size_t field_column[MF_COUNT] = {0, 11, 17, 25, 33, 41, 49, 57};

/* pc_master_load - read master.cf of a configuration directory */
struct master_cf *
pc_master_load(const char *dir, bool must_exist)
{
	struct vstr *path = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	struct master_cf *mc;
	struct linefile *lf;

	vstr_fmt(path, "%s/master.cf", dir);
	if ((lf = linefile_read(vstr_str(path), why)) == NULL) {
		if (must_exist)
			msg_fatal("%s", vstr_str(why));
		mc = NULL;
	} else if ((mc = master_cf_parse(lf, why)) == NULL) {
		msg_fatal("%s", vstr_str(why));
	}
	vstr_free(path);
	vstr_free(why);
	return mc;
}

/* expand_value - $name expansion for -Mx/-Fx/-Px, fatal on loops */
static char *
expand_value(const char *value)
{
	struct vstr *out = vstr_alloc(64);
	struct vstr *why = vstr_alloc(64);

	if (mail_conf_expand(value, out, why) & MAC_ERROR) {
		msg_warn("%s", vstr_str(why));
		msg_fatal("macro processing error");
	}
	vstr_free(why);
	return vstr_export(out);
}

/*
 * format_option - the value of "-o": "name=value", or "{name=value}" when
 * the value holds white space, however it was written.
 */
static void
format_option(struct vstr *out, const char *arg, bool expand)
{
	char *copy = xstrdup(arg);
	char *text = copy, *name, *value, *eq;
	struct vstr *why = vstr_alloc(10);
	const char *err;

	if (*text == '{') {
		if (extpar(&text, "{}", why) == NULL ||
		    split_nameval(text, &name, &value, &err) < 0) {
			vstr_cat(out, arg);
			goto out;
		}
	} else if ((eq = strchr(text, '=')) != NULL) {
		*eq = 0;
		name = text;
		value = eq + 1;
	} else {
		vstr_cat(out, arg);
		goto out;
	}
	value = expand ? expand_value(value) : xstrdup(value);
	vstr_fmt_append(out, value[strcspn(value, " \t")] ? "{%s=%s}" : "%s=%s",
	                name, value);
	xfree(value);
out:
	vstr_free(why);
	xfree(copy);
}

/* option_count - how many leading arguments are options */
static size_t
option_count(const struct argv *args)
{
	size_t i = 1;

	while (i < args->argc && args->argv[i][0] == '-') {
		if (strcmp(args->argv[i], "-o") == 0 && i + 1 < args->argc)
			i++;
		i++;
	}
	return i;
}

/*
 * format_command - command, options, then arguments. Folded, each "-o"
 * pair and the argument after one start a new line; the other arguments
 * wrap before column PC_MASTER_LIMIT.
 */
static void
format_command(struct vstr *out, const struct argv *args, bool fold,
               bool expand)
{
	size_t nopt = option_count(args);
	struct vstr *word = vstr_alloc(64);
	bool after_option = false;

	vstr_cat(out, args->argv[0]);
	for (size_t i = 1; i < args->argc; i++) {
		bool is_option =
		        i + 1 < nopt && strcmp(args->argv[i], "-o") == 0;

		vstr_reset(word);
		if (is_option) {
			vstr_cat(word, "-o ");
			format_option(word, args->argv[++i], expand);
		} else {
			vstr_cat(word, args->argv[i]);
		}
		if (fold && (is_option || after_option)) {
			vstr_cat(out, "\n" PC_INDENT);
			vstr_cat(out, vstr_str(word));
		} else if (fold) {
			pc_print_words(out, vstr_str(word), PC_MASTER_LIMIT);
		} else {
			vstr_addch(out, ' ');
			vstr_cat(out, vstr_str(word));
		}
		after_option = is_option;
	}
	vstr_free(word);
}

/* format_entry - one entry in -M layout */
static void
format_entry(struct vstr *out, const struct master_ent *e, bool fold,
             bool expand)
{
	size_t start = vstr_len(out);

	for (int f = 0; f < MF_COUNT; f++) {
		size_t col = vstr_len(out) - start;

		if (f > 0) {
			vstr_addch(out, ' ');
			col++;
		}
		for (; col < field_column[f]; col++)
			vstr_addch(out, ' ');
		if (f < MF_COMMAND)
			vstr_cat(out, e->field[f]);
		else
			format_command(out, e->args, fold, expand);
	}
}

/* command_text - the command field as -F shows it */
static void
command_text(struct vstr *out, const struct master_ent *e, bool expand)
{
	vstr_reset(out);
	format_command(out, e->args, false, expand);
}

/* selector - up to three '/' separated parts; empty means any */
struct selector {
	char *part[3];
	int matched;
};

/* parse_selector - "service[/type[/name]]"; "*" matches any part */
static void
parse_selector(struct selector *sel, const char *text)
{
	char *copy = xstrdup(text);
	char *cp = copy;

	for (int i = 0; i < 3; i++) {
		char *slash = i < 2 ? strchr(cp, '/') : NULL;

		if (slash)
			*slash = 0;
		sel->part[i] = *cp && strcmp(cp, "*") ? xstrdup(cp) : NULL;
		if (slash == NULL) {
			for (int j = i + 1; j < 3; j++)
				sel->part[j] = NULL;
			break;
		}
		cp = slash + 1;
	}
	sel->matched = 0;
	xfree(copy);
}

/* free_selector - release parts */
static void
free_selector(struct selector *sel)
{
	for (int i = 0; i < 3; i++)
		xfree(sel->part[i]);
}

/* sel_match - does an entry match service and type parts */
static bool
sel_match(const struct selector *sel, const struct master_ent *e)
{
	return (sel->part[0] == NULL ||
	        strcmp(sel->part[0], e->field[MF_NAME]) == 0) &&
	       (sel->part[1] == NULL ||
	        strcmp(sel->part[1], e->field[MF_TYPE]) == 0);
}

/* field_index - -F attribute name to field, fatal when unknown */
static int
field_index(const char *name)
{
	for (int f = 0; f < MF_COUNT; f++)
		if (strcmp(name, master_field_names[f]) == 0)
			return f;
	msg_fatal("invalid service attribute name: \"%s\"", name);
}

/* show_fields - -F lines of one entry */
static void
show_fields(const struct pc_state *st, const struct master_ent *e,
            struct selector *sel)
{
	struct vstr *cmd = vstr_alloc(100);
	int only = sel && sel->part[2] ? field_index(sel->part[2]) : -1;
	struct pc_state raw_st = *st;

	raw_st.mode &= ~PC_EXPAND;

	for (int f = 0; f < MF_COUNT; f++) {
		struct vstr *name = vstr_alloc(64);

		if (only >= 0 && f != only) {
			vstr_free(name);
			continue;
		}
		vstr_fmt(name, "%s/%s/%s", e->field[MF_NAME], e->field[MF_TYPE],
		         master_field_names[f]);
		if (f == MF_COMMAND)
			command_text(cmd, e, (st->mode & PC_EXPAND) != 0);
		/* The command is expanded already; fields have no $name. */
		pc_print_param(&raw_st, vstr_str(name),
		               f == MF_COMMAND ? vstr_str(cmd) : e->field[f]);
		vstr_free(name);
	}
	vstr_free(cmd);
}

/* show_params - -P lines of one entry, sorted by name */
static int
show_params(const struct pc_state *st, const struct master_ent *e,
            const struct selector *sel)
{
	struct argv *names = argv_alloc(8), *values = argv_alloc(8);
	struct argv *lines = argv_alloc(8);
	struct vstr *why = vstr_alloc(100);
	int shown = 0;

	if (master_ent_options(e, names, values, why) < 0)
		msg_warn("%s: service %s/%s: %s", st->master->path,
		         e->field[MF_NAME], e->field[MF_TYPE], vstr_str(why));
	for (size_t i = 0; i < names->argc; i++) {
		if (sel && sel->part[2] && strcmp(sel->part[2], names->argv[i]))
			continue;
		vstr_fmt(why, "%s/%s/%s", e->field[MF_NAME], e->field[MF_TYPE],
		         names->argv[i]);
		argv_add(lines, vstr_str(why));
		argv_add(lines, values->argv[i]);
	}
	/* Sort the name/value pairs by name (a simple insertion sort). */
	for (size_t i = 2; i < lines->argc; i += 2)
		for (size_t j = i;
		     j >= 2 && strcmp(lines->argv[j - 2], lines->argv[j]) > 0;
		     j -= 2) {
			char *t0 = lines->argv[j], *t1 = lines->argv[j + 1];

			lines->argv[j] = lines->argv[j - 2];
			lines->argv[j + 1] = lines->argv[j - 1];
			lines->argv[j - 2] = t0;
			lines->argv[j - 1] = t1;
		}
	for (size_t i = 0; i < lines->argc; i += 2, shown++)
		pc_print_param(st, lines->argv[i], lines->argv[i + 1]);
	argv_free(names);
	argv_free(values);
	argv_free(lines);
	vstr_free(why);
	return shown;
}

/* show_entry - one entry per mode */
static int
show_entry(const struct pc_state *st, const struct master_ent *e,
           struct selector *sel)
{
	struct vstr *out;

	if (st->mode & PC_FIELDS) {
		show_fields(st, e, sel);
		return 1;
	}
	if (st->mode & PC_PARAMS)
		return show_params(st, e, sel);
	out = vstr_alloc(256);
	format_entry(out, e, (st->mode & PC_FOLD) != 0,
	             (st->mode & PC_EXPAND) != 0);
	vstr_addch(out, '\n');
	fwrite(vstr_str(out), 1, vstr_len(out), stdout);
	vstr_free(out);
	return 1;
}

/* pc_master_show - -M, -F or -P output */
void
pc_master_show(struct pc_state *st, char **selectors)
{
	const struct master_cf *mc = st->master;
	size_t nsel = 0;
	struct selector *sels;

	while (selectors && selectors[nsel])
		nsel++;
	if (nsel == 0) {
		for (size_t i = 0; i < mc->count; i++)
			show_entry(st, &mc->ents[i], NULL);
		return;
	}
	sels = xcalloc(nsel, sizeof(*sels));
	for (size_t s = 0; s < nsel; s++)
		parse_selector(&sels[s], selectors[s]);
	for (size_t i = 0; i < mc->count; i++)
		for (size_t s = 0; s < nsel; s++)
			if (sel_match(&sels[s], &mc->ents[i])) {
				sels[s].matched +=
				        show_entry(st, &mc->ents[i], &sels[s]);
				break;
			}
	for (size_t s = 0; s < nsel; s++) {
		if (sels[s].matched == 0)
			msg_warn("unmatched request: \"%s\"", selectors[s]);
		free_selector(&sels[s]);
	}
	xfree(sels);
}

/* is_skipped_line - blank or comment */
static bool
is_skipped_line(const char *line)
{
	line += strspn(line, " \t");
	return *line == 0 || *line == '#';
}

/*
 * rewrite_entry - replace entry e (index idx) with text. Like Postfix,
 * the comments and blank lines that follow an entry up to the next one
 * stay where they are and the rewritten entry comes after them; comment
 * lines inside the entry are kept too. A NULL text removes the entry;
 * with comment, each line of text is prefixed with '#'.
 */
static void
rewrite_entry(struct master_cf *mc, size_t idx, const char *text, bool comment)
{
	const struct master_ent *e = &mc->ents[idx];
	size_t end = idx + 1 < mc->count ? mc->ents[idx + 1].first
	                                 : mc->lf->lines->argc;
	struct argv *keep = argv_alloc(8);
	struct argv *lines = text ? argv_split(text, "\n") : argv_alloc(1);
	struct vstr *buf = vstr_alloc(100);
	size_t at = e->first;

	for (size_t l = e->first; l < end; l++)
		if (l > e->last || is_skipped_line(mc->lf->lines->argv[l]))
			argv_add(keep, mc->lf->lines->argv[l]);
	argv_delete(mc->lf->lines, e->first, end - e->first);
	for (size_t i = 0; i < keep->argc; i++)
		argv_insert(mc->lf->lines, at++, keep->argv[i]);
	for (size_t i = 0; i < lines->argc; i++) {
		vstr_fmt(buf, "%s%s", comment ? "#" : "", lines->argv[i]);
		argv_insert(mc->lf->lines, at++, vstr_str(buf));
	}
	vstr_free(buf);
	argv_free(lines);
	argv_free(keep);
}

/* entry_text - the folded layout of an entry, caller frees */
static char *
entry_text(const struct master_ent *e)
{
	struct vstr *text = vstr_alloc(256);

	format_entry(text, e, true, false);
	return vstr_export(text);
}

/* append_entry - a new entry at the end of the file */
static void
append_entry(struct master_cf *mc, const struct master_ent *e)
{
	char *text = entry_text(e);
	struct argv *lines = argv_split(text, "\n");

	for (size_t i = 0; i < lines->argc; i++)
		argv_add(mc->lf->lines, lines->argv[i]);
	argv_free(lines);
	xfree(text);
}

/* replace_entry - rewrite entry idx from its (edited) contents */
static void
replace_entry(struct master_cf *mc, size_t idx, const struct master_ent *e)
{
	char *text = entry_text(e);

	rewrite_entry(mc, idx, text, false);
	xfree(text);
}

/* split_key - "key=value" at the first '=', both trimmed; fatal if none */
static void
split_key(const char *arg, char **key, char **value)
{
	const char *eq = strchr(arg, '=');
	char *k;

	if (eq == NULL)
		msg_fatal("missing '=' after attribute name: \"%s\"", arg);
	k = xstrndup(arg, (size_t) (eq - arg));
	*key = xstrdup(trim_space(k));
	xfree(k);
	k = xstrdup(eq + 1);
	*value = xstrdup(trim_space(k));
	xfree(k);
}

/* find_exact - the entry named by a selector's service and type */
static struct master_ent *
find_exact(struct master_cf *mc, const struct selector *sel, const char *arg)
{
	struct master_ent *e;

	if (sel->part[0] == NULL || sel->part[1] == NULL)
		msg_fatal("invalid service/type: \"%s\"", arg);
	if ((e = master_cf_find(mc, sel->part[0], sel->part[1])) == NULL)
		msg_warn("unmatched service_name/type: \"%s\"", arg);
	return e;
}

/* edit_entry - -Me service/type=entry */
static void
edit_entry(struct master_cf *mc, const char *arg)
{
	struct master_ent ent, *old;
	struct selector sel;
	struct vstr *why = vstr_alloc(100);
	char *key, *value;

	split_key(arg, &key, &value);
	parse_selector(&sel, key);
	if (sel.part[0] == NULL || sel.part[1] == NULL || sel.part[2] != NULL)
		msg_fatal("-Me, -MX or -M# requires service_name/type");
	if (master_ent_parse(value, &ent, why) < 0) {
		size_t n = 0;
		struct argv *a = argv_split(value, SPACE_DELIMS);

		n = a->argc;
		argv_free(a);
		if (n < MF_COUNT)
			msg_fatal("bad field count: \"%s\"", arg);
		msg_fatal("%s: \"%s\"", vstr_str(why), arg);
	}
	if ((old = master_cf_find(mc, sel.part[0], sel.part[1])) != NULL)
		replace_entry(mc, (size_t) (old - mc->ents), &ent);
	else
		append_entry(mc, &ent);
	master_ent_clear(&ent);
	free_selector(&sel);
	xfree(key);
	xfree(value);
	vstr_free(why);
}

/* remove_entry - -MX or -M# service/type */
static void
remove_entry(struct master_cf *mc, const char *arg, bool comment)
{
	struct selector sel;

	parse_selector(&sel, arg);
	if (sel.part[0] == NULL || sel.part[1] == NULL || sel.part[2] != NULL)
		msg_fatal("-Me, -MX or -M# requires service_name/type");
	/* Walk backwards so that changing lines keeps earlier indices. */
	for (size_t i = mc->count; i-- > 0;) {
		char *text;

		if (!sel_match(&sel, &mc->ents[i]))
			continue;
		text = comment ? entry_text(&mc->ents[i]) : NULL;
		rewrite_entry(mc, i, text, comment);
		xfree(text);
	}
	free_selector(&sel);
}

/* edit_field - -Fe service/type/field=value */
static void
edit_field(struct master_cf *mc, const char *arg)
{
	struct selector sel;
	struct master_ent *e;
	struct vstr *why = vstr_alloc(100);
	char *key, *value;
	int f;

	split_key(arg, &key, &value);
	parse_selector(&sel, key);
	if (sel.part[2] == NULL)
		msg_fatal("-Fe or -FX requires service_name/type/field_name");
	f = field_index(sel.part[2]);
	if ((e = find_exact(mc, &sel, arg)) != NULL) {
		if (f == MF_COMMAND) {
			char *copy = xstrdup(value), *cp = copy, *tok;

			argv_free(e->args);
			e->args = argv_alloc(8);
			while ((tok = mystrtokq(&cp, SPACE_DELIMS, "{}")) !=
			       NULL)
				argv_add(e->args, tok);
			xfree(copy);
			if (e->args->argc == 0)
				msg_fatal("empty command field: \"%s\"", arg);
		} else {
			if (master_field_check(f, value, why) < 0)
				msg_fatal("invalid %s field \"%s\" in \"%s\"",
				          master_field_names[f], value, value);
			xfree(e->field[f]);
			e->field[f] = xstrdup(value);
		}
		replace_entry(mc, (size_t) (e - mc->ents), e);
	}
	free_selector(&sel);
	xfree(key);
	xfree(value);
	vstr_free(why);
}

struct find_ctx {
	const char *name;
	size_t argi;
};

/* match_option - find_option callback */
static void
match_option(const char *name, const char *value, size_t argi, void *ctx)
{
	struct find_ctx *fc = ctx;

	(void) value;
	if (fc->argi == 0 && strcmp(name, fc->name) == 0)
		fc->argi = argi;
}

/* find_option - index of the argument holding "-o name=...", or 0 */
static size_t
find_option(const struct master_ent *e, const char *name)
{
	struct find_ctx fc = {name, 0};
	struct vstr *why = vstr_alloc(10);

	(void) master_ent_walk_options(e, match_option, &fc, why);
	vstr_free(why);
	return fc.argi;
}

/* delete_option - remove "-o name=value" or "-oname=value" at argi */
static void
delete_option(struct master_ent *e, size_t argi)
{
	if (strcmp(e->args->argv[argi - 1], "-o") == 0)
		argv_delete(e->args, argi - 1, 2);
	else
		argv_delete(e->args, argi, 1);
}

/* edit_param - -Pe service/type/name=value or -PX service/type/name */
static void
edit_param(struct master_cf *mc, const char *arg, bool remove)
{
	struct selector sel;
	struct master_ent *e;
	struct vstr *opt = vstr_alloc(100);
	char *key, *value = NULL;
	size_t at;

	if (remove)
		key = xstrdup(arg);
	else
		split_key(arg, &key, &value);
	parse_selector(&sel, key);
	if (sel.part[2] == NULL)
		msg_fatal("-Pe or -PX requires service_name/type/parameter");
	if (value && value[strcspn(value, " \t")])
		msg_fatal("-Pe does not accept whitespace in parameter value");
	if ((e = find_exact(mc, &sel, arg)) != NULL) {
		if (value)
			vstr_fmt(opt, "%s=%s", sel.part[2], value);
		while (remove && (at = find_option(e, sel.part[2])) != 0)
			delete_option(e, at);
		if (!remove && (at = find_option(e, sel.part[2])) != 0) {
			/* Keep the "-oname=value" spelling when it was used. */
			if (strcmp(e->args->argv[at - 1], "-o") != 0)
				vstr_fmt(opt, "-o%s=%s", sel.part[2], value);
			argv_replace(e->args, at, vstr_str(opt));
		} else if (!remove) {
			at = option_count(e->args);
			argv_insert(e->args, at, vstr_str(opt));
			argv_insert(e->args, at, "-o");
		}
		replace_entry(mc, (size_t) (e - mc->ents), e);
	}
	free_selector(&sel);
	xfree(key);
	xfree(value);
	vstr_free(opt);
}

/* pc_master_edit - -Me -MX -M# -Fe -Pe -PX */
void
pc_master_edit(struct pc_state *st, char **args)
{
	struct vstr *why = vstr_alloc(100);

	if (*args == NULL)
		msg_fatal((st->mode & PC_EDIT)
		                  ? "-e requires name=value argument"
		                  : "missing service argument");
	for (; *args; args++) {
		if (st->mode & PC_MASTER) {
			if (st->mode & PC_EDIT)
				edit_entry(st->master, *args);
			else
				remove_entry(st->master, *args,
				             (st->mode & PC_COMMENT) != 0);
		} else if (st->mode & PC_FIELDS) {
			if (!(st->mode & PC_EDIT))
				msg_fatal("-F supports only -e edits");
			edit_field(st->master, *args);
		} else {
			if (st->mode & PC_COMMENT)
				msg_fatal("-P supports only -e and -X edits");
			edit_param(st->master, *args,
			           (st->mode & PC_REMOVE) != 0);
		}
		if ((st->master = master_cf_reparse(st->master, why)) == NULL)
			msg_fatal("%s", vstr_str(why));
	}
	if (linefile_write(st->master->lf, why) < 0)
		msg_fatal("%s", vstr_str(why));
	vstr_free(why);
}
