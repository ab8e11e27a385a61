/*
 * postconf_print - "name = value" lines, normalized and folded
 */
#include <stdio.h>
#include <string.h>

#include "argv.h"
#include "mac_expand.h"
#include "mail_conf.h"
#include "msg.h"
#include "mymalloc.h"
#include "postconf.h"
#include "stringops.h"
#include "vstr.h"

/* line_width - characters since the last newline */
static size_t
line_width(const struct vstr *line)
{
	const char *nl = strrchr(vstr_str(line), '\n');

	return nl ? vstr_len(line) - (size_t) (nl + 1 - vstr_str(line))
	          : vstr_len(line);
}

/*
 * pc_print_words - append the words of text, one space apart. With a
 * limit, a word that would pass that column starts an indented line.
 */
void
pc_print_words(struct vstr *line, const char *text, size_t limit)
{
	struct argv *words = argv_split(text, SPACE_DELIMS);

	for (size_t i = 0; i < words->argc; i++) {
		size_t w = strlen(words->argv[i]);
		size_t cur = line_width(line);
		bool at_start =
		        cur == 0 || vstr_str(line)[vstr_len(line) - 1] == ' ';

		if (!at_start) {
			if (limit && cur + 1 + w > limit)
				vstr_cat(line, "\n" PC_INDENT);
			else
				vstr_addch(line, ' ');
		}
		vstr_cat(line, words->argv[i]);
	}
	argv_free(words);
}

/* undef_lookup - expansion lookup that reports undefined names */
static const char *
undef_lookup(const char *name, void *ctx)
{
	const char *v = mail_conf_raw(name);

	if (v == NULL && *(bool *) ctx)
		pc_note_undefined(name);
	return v;
}

/* pc_print_param - one parameter line per the -h -x -f flags */
void
pc_print_param(const struct pc_state *st, const char *name, const char *value)
{
	/* Only references typed by the admin are worth a warning. */
	bool warn_undef = mail_conf_main_entry(name) != NULL;
	struct vstr *line = vstr_alloc(256);
	struct vstr *expanded = NULL;
	struct vstr *why;

	if ((st->mode & PC_EXPAND) && !pc_param_raw(name)) {
		expanded = vstr_alloc(256);
		why = vstr_alloc(100);
		if (mac_expand(expanded, value, MAC_EXP_RECURSE, undef_lookup,
		               &warn_undef, why) &
		    MAC_ERROR) {
			msg_warn("%s", vstr_str(why));
			msg_fatal("macro processing error");
		}
		vstr_free(why);
		value = vstr_str(expanded);
	}
	if (!(st->mode & PC_HIDE_NAME)) {
		vstr_cpy(line, name);
		vstr_cat(line, " =");
		if (value[strspn(value, SPACE_DELIMS)] != 0)
			vstr_addch(line, ' ');
	}
	pc_print_words(line, value, (st->mode & PC_FOLD) ? PC_LINE_LIMIT : 0);
	vstr_addch(line, '\n');
	fwrite(vstr_str(line), 1, vstr_len(line), stdout);
	vstr_free(expanded);
	vstr_free(line);
}
