/*
 * postconf_edit - main.cf edits: -e (and plain name=value), -X, -#
 *
 * Edits keep every line they do not touch, comments and order included.
 * A changed parameter is rewritten as one "name = value" line in the place
 * of each of its definitions; new parameters go at the end. The file is
 * replaced atomically (temporary file, fsync, rename, fsync directory).
 */
#include <string.h>

#include "argv.h"
#include "htable.h"
#include "linefile.h"
#include "mail_conf.h"
#include "msg.h"
#include "mymalloc.h"
#include "postconf.h"
#include "stringops.h"
#include "vstr.h"

struct edit {
	char *value; /* NULL for -X and -# */
	int seen;    /* definitions found */
};

/* free_edit - htable destructor */
static void
free_edit(void *ptr)
{
	struct edit *ed = ptr;

	xfree(ed->value);
	xfree(ed);
}

/* parse_edits - the command-line arguments into a table */
static struct htable *
parse_edits(const struct pc_state *st, char **args, struct argv *order)
{
	struct htable *edits = htable_create(16);

	for (; *args; args++) {
		struct edit *ed = xcalloc(1, sizeof(*ed)), *old;
		char *copy = xstrdup(*args);
		char *name = copy, *value = NULL;
		const char *err;

		if (st->mode & PC_EDIT) {
			if (split_nameval(copy, &name, &value, &err) < 0)
				msg_fatal("%s: \"%s\"", err, trim_space(copy));
			ed->value = xstrdup(value);
		} else {
			name = trim_space(copy);
		}
		if ((old = htable_find(edits, name)) != NULL) {
			xfree(old->value);
			old->value = ed->value;
			xfree(ed);
		} else {
			htable_enter(edits, name, ed);
			argv_add(order, name);
		}
		xfree(copy);
	}
	return edits;
}

/* entry_name - the parameter name of a logical line, or NULL */
static char *
entry_name(const char *text)
{
	size_t n = strcspn(text, " \t=");

	return n ? xstrndup(text, n) : NULL;
}

/* is_skipped - blank or comment line */
static bool
is_skipped(const char *line)
{
	line += strspn(line, " \t");
	return *line == 0 || *line == '#';
}

/* apply_one - edit one logical line; returns the lines it now spans */
static size_t
apply_one(const struct pc_state *st, struct linefile *lf,
          const struct logical_line *ll, struct edit *ed, const char *name)
{
	struct vstr *buf = vstr_alloc(128);
	size_t span = ll->last - ll->first + 1;

	ed->seen++;
	if (st->mode & (PC_EDIT | PC_REMOVE)) {
		/* Comment lines inside the old value stay, after the new one.
		 */
		span = 0;
		for (size_t i = ll->last; i > ll->first; i--) {
			if (is_skipped(lf->lines->argv[i]))
				span++;
			else
				argv_delete(lf->lines, i, 1);
		}
		if (st->mode & PC_EDIT) {
			vstr_fmt(buf, "%s = %s", name, ed->value);
			argv_replace(lf->lines, ll->first, vstr_str(buf));
			span++;
		} else {
			argv_delete(lf->lines, ll->first, 1);
		}
	} else {
		for (size_t i = ll->first; i <= ll->last; i++) {
			if (is_skipped(lf->lines->argv[i]))
				continue;
			vstr_fmt(buf, "#%s", lf->lines->argv[i]);
			argv_replace(lf->lines, i, vstr_str(buf));
		}
	}
	vstr_free(buf);
	return span;
}

/* edit_lines - walk main.cf and apply the edits */
static void
edit_lines(const struct pc_state *st, struct linefile *lf, struct htable *edits)
{
	struct logical_line ll = {0};
	size_t pos = 0;

	while (linefile_next(lf, &pos, &ll)) {
		char *name =
		        ll.leading_space ? NULL : entry_name(vstr_str(ll.text));
		struct edit *ed = name ? htable_find(edits, name) : NULL;

		if (ed)
			pos = ll.first + apply_one(st, lf, &ll, ed, name);
		xfree(name);
	}
	vstr_free(ll.text);
}

/* pc_main_edit - -e, -X or -# on main.cf */
void
pc_main_edit(struct pc_state *st, char **args)
{
	struct vstr *path = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	struct argv *order = argv_alloc(8);
	struct htable *edits = parse_edits(st, args, order);
	struct linefile *lf;

	if (*args == NULL)
		msg_fatal((st->mode & PC_EDIT)
		                  ? "-e requires name=value argument"
		                  : "missing service argument");
	vstr_fmt(path, "%s/main.cf", st->config_dir);
	if ((lf = linefile_read(vstr_str(path), why)) == NULL)
		msg_fatal("%s", vstr_str(why));
	edit_lines(st, lf, edits);
	for (size_t i = 0; i < order->argc; i++) {
		struct edit *ed = htable_find(edits, order->argv[i]);

		if (ed->seen > 1)
			msg_warn("%s: multiple entries for \"%s\"",
			         vstr_str(path), order->argv[i]);
		if (ed->seen == 0 && (st->mode & PC_EDIT)) {
			vstr_fmt(why, "%s = %s", order->argv[i], ed->value);
			argv_add(lf->lines, vstr_str(why));
		}
	}
	if (linefile_write(lf, why) < 0)
		msg_fatal("%s", vstr_str(why));
	linefile_free(lf);
	htable_free(edits, free_edit);
	argv_free(order);
	vstr_free(why);
	vstr_free(path);
}
