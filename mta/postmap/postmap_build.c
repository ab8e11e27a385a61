/*
 * postmap_build - turn postmap(1) source text into table entries
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "dict.h"
#include "mkmap.h"
#include "msg.h"
#include "mymalloc.h"
#include "postmap.h"
#include "vstr.h"

/* key_end - first white space outside quotes; NULL when quotes are open */
static char *
key_end(char *text)
{
	bool in_quotes = false;
	char *cp;

	for (cp = text; *cp; cp++) {
		if (*cp == '\\') {
			if (*++cp == 0)
				break;
		} else if (isspace((unsigned char) *cp)) {
			if (!in_quotes)
				break;
		} else if (*cp == '"') {
			in_quotes = !in_quotes;
		}
	}
	return in_quotes ? NULL : cp;
}

/* postmap_split - "key whitespace value" in place */
int
postmap_split(char *text, char **key, char **value)
{
	char *cp = key_end(text);
	char *end;

	if (cp == NULL)
		return POSTMAP_SPLIT_QUOTE;
	if (*cp)
		*cp++ = 0;
	while (isspace((unsigned char) *cp))
		cp++;
	for (end = cp + strlen(cp);
	     end > cp && isspace((unsigned char) end[-1]); end--)
		;
	*end = 0;
	*key = text;
	*value = cp;
	return **key && **value ? POSTMAP_SPLIT_OK : POSTMAP_SPLIT_FORMAT;
}

/* add_entry - one logical line of the source */
static void
add_entry(struct mkmap *m, char *text, size_t line, void *ctx)
{
	struct vstr *file_value = ctx;
	char *key, *value;

	switch (postmap_split(text, &key, &value)) {
	case POSTMAP_SPLIT_QUOTE:
		msg_warn("%s, line %zu: unbalanced '\"' in '%s' -- ignoring "
		         "this line",
		         m->src_path, line, text);
		return;
	case POSTMAP_SPLIT_FORMAT:
		msg_warn("%s, line %zu: expected format: key whitespace value",
		         m->src_path, line);
		return;
	}
	if (key[strlen(key) - 1] == ':')
		msg_warn("%s, line %zu: record is in \"key: value\" format; is "
		         "this an alias file?",
		         m->src_path, line);
	if (m->dict->flags & DICT_FLAG_SRC_RHS_IS_FILE) {
		struct vstr *why = vstr_alloc(100);
		int rc = mkmap_file_value(file_value, value, why);

		if (rc < 0)
			msg_warn("%s, line %zu: %s: skipping this entry",
			         m->src_path, line, vstr_str(why));
		vstr_free(why);
		if (rc < 0)
			return;
		value = vstr_str(file_value);
	}
	mkmap_add(m, key, value);
}

/* postmap_build - build or update one table */
void
postmap_build(const char *arg, int open_flags, int dict_flags, int mkmap_flags)
{
	struct vstr *file_value = vstr_alloc(100);
	char *type, *name;
	struct mkmap *m;

	mkmap_split(arg, &type, &name);
	m = mkmap_open(type, name, open_flags, dict_flags, mkmap_flags);
	mkmap_read(m, add_entry, file_value);
	mkmap_close(m);
	vstr_free(file_value);
	xfree(type);
	xfree(name);
}
