/*
 * dict_source - postmap input text and in-memory tables
 */
#include <ctype.h>
#include <string.h>

#include "dict.h"
#include "dict_source.h"
#include "htable.h"
#include "linefile.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* dict_source_split - "key whitespace value" in place */
int
dict_source_split(char *text, char **key, char **value)
{
	char *cp = trim_space(text);
	size_t n = strcspn(cp, " \t\r\n");

	if (cp[n] == 0)
		return -1;
	cp[n] = 0;
	*key = cp;
	*value = trim_space(cp + n + 1);
	return **value ? 0 : -1;
}

/* dict_source_read - call fn for every entry of a source file */
int
dict_source_read(const char *path, dict_source_fn fn, void *ctx,
                 struct vstr *why)
{
	struct linefile *lf = linefile_read(path, why);
	struct logical_line ll = {0};
	size_t pos = 0;

	if (lf == NULL)
		return -1;
	while (linefile_next(lf, &pos, &ll)) {
		char *key, *value;

		if (ll.leading_space) {
			msg_warn("%s, line %zu: entry must not start with "
			         "white space; ignored",
			         path, ll.first + 1);
			continue;
		}
		if (dict_source_split(vstr_str(ll.text), &key, &value) < 0) {
			msg_warn("%s, line %zu: expected format: key "
			         "whitespace value",
			         path, ll.first + 1);
			continue;
		}
		fn(key, value, path, ll.first + 1, ctx);
	}
	vstr_free(ll.text);
	linefile_free(lf);
	return 0;
}

struct dict_mem {
	struct dict dict;
	struct htable *table;
	struct htable_info **seq_list;
	size_t seq_pos;
};

/* mem_lookup - find a key */
static int
mem_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_mem *m = (struct dict_mem *) d;
	const char *v = htable_find(m->table, key);

	if (v == NULL)
		return DICT_NOTFOUND;
	*value = v;
	return DICT_FOUND;
}

/* mem_sequence - walk in insertion order */
static int
mem_sequence(struct dict *d, int how, const char **key, const char **value)
{
	struct dict_mem *m = (struct dict_mem *) d;

	if (how == DICT_SEQ_FIRST || m->seq_list == NULL) {
		xfree(m->seq_list);
		m->seq_list = htable_list(m->table);
		m->seq_pos = 0;
	}
	if (m->seq_list[m->seq_pos] == NULL)
		return DICT_NOTFOUND;
	*key = m->seq_list[m->seq_pos]->key;
	*value = m->seq_list[m->seq_pos]->value;
	m->seq_pos++;
	return DICT_FOUND;
}

/* free_value - htable destructor */
static void
free_value(void *p)
{
	xfree(p);
}

/* mem_close - release entries */
static void
mem_close(struct dict *d)
{
	struct dict_mem *m = (struct dict_mem *) d;

	xfree(m->seq_list);
	htable_free(m->table, free_value);
}

/* dict_mem_alloc - an empty memory table */
struct dict *
dict_mem_alloc(const char *type, const char *name, int open_flags,
               int dict_flags)
{
	struct dict_mem *m = (struct dict_mem *) dict_alloc(
	        type, name, sizeof(*m), open_flags,
	        dict_flags | DICT_FLAG_FIXED);

	m->table = htable_create(64);
	m->dict.lookup = mem_lookup;
	m->dict.sequence = mem_sequence;
	m->dict.close = mem_close;
	return &m->dict;
}

/* dict_mem_add - add an entry, applying the duplicate policy */
void
dict_mem_add(struct dict *d, const char *key, const char *value,
             const char *path, size_t line)
{
	struct dict_mem *m = (struct dict_mem *) d;
	struct htable_info *ht;
	struct vstr *folded = vstr_alloc(64);

	vstr_cpy(folded, key);
	if (d->flags & DICT_FLAG_FOLD_FIX)
		lowercase(vstr_str(folded));
	if ((ht = htable_locate(m->table, vstr_str(folded))) != NULL) {
		if (d->flags & DICT_FLAG_DUP_REPLACE) {
			xfree(ht->value);
			ht->value = xstrdup(value);
		} else if (!(d->flags & DICT_FLAG_DUP_IGNORE)) {
			msg_warn("%s, line %zu: duplicate entry: \"%s\"", path,
			         line, vstr_str(folded));
		}
	} else {
		htable_enter(m->table, vstr_str(folded), xstrdup(value));
	}
	vstr_free(folded);
}
