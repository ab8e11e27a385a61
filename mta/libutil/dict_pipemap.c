/*
 * dict_pipemap - tables made of other tables:
 *	pipemap:{type:name, type:name, ...}
 *		the key goes to the first table, its result is the key of
 *		the next one, and so on; the last result is the answer. Not
 *		found in any table ends the lookup with not found.
 *	unionmap:{type:name, type:name, ...}
 *		the key goes to every table; the results that were found
 *		are joined with commas, in table order.
 *
 * The inner tables are opened with dict_open(), so a table that cannot
 * be opened fails its lookups with DICT_ERROR (and the reason) instead of
 * failing the open. An error of any inner table is the error of the
 * whole lookup. The outer table does not fold keys: every inner table
 * folds them as its own flags say, and pattern tables see the key as it
 * was. Both types are read-only.
 */
#include <fcntl.h>
#include <string.h>

#include "argv.h"
#include "dict.h"
#include "dict_types.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

struct dict_pipemap {
	struct dict dict;
	struct dict **tables;
	size_t count;
	struct vstr *key;    /* pipemap: the key of the next table */
	struct vstr *result; /* the answer */
};

/* inner_error - report an inner table's error as ours */
static int
inner_error(struct dict_pipemap *p, const struct dict *inner)
{
	vstr_cpy(p->dict.why, vstr_str(inner->why));
	return DICT_ERROR;
}

/* pipemap_lookup - each result is the next key */
static int
pipemap_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_pipemap *p = (struct dict_pipemap *) d;
	const char *val;
	int rc;

	vstr_cpy(p->key, key);
	for (size_t i = 0; i < p->count; i++) {
		rc = dict_get(p->tables[i], vstr_str(p->key), &val);
		if (rc == DICT_ERROR)
			return inner_error(p, p->tables[i]);
		if (rc != DICT_FOUND)
			return DICT_NOTFOUND;
		vstr_cpy(p->result, val);
		vstr_cpy(p->key, val);
	}
	*value = vstr_str(p->result);
	return DICT_FOUND;
}

/* unionmap_lookup - every table's result, comma-joined */
static int
unionmap_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_pipemap *p = (struct dict_pipemap *) d;
	const char *val;
	bool found = false;
	int rc;

	vstr_reset(p->result);
	for (size_t i = 0; i < p->count; i++) {
		rc = dict_get(p->tables[i], key, &val);
		if (rc == DICT_ERROR)
			return inner_error(p, p->tables[i]);
		if (rc != DICT_FOUND)
			continue;
		if (found)
			vstr_addch(p->result, ',');
		vstr_cat(p->result, val);
		found = true;
	}
	if (!found)
		return DICT_NOTFOUND;
	*value = vstr_str(p->result);
	return DICT_FOUND;
}

/* composite_close - close the inner tables */
static void
composite_close(struct dict *d)
{
	struct dict_pipemap *p = (struct dict_pipemap *) d;

	for (size_t i = 0; i < p->count; i++)
		dict_close(p->tables[i]);
	xfree(p->tables);
	vstr_free(p->key);
	vstr_free(p->result);
}

/* composite_open - the common part of pipemap: and unionmap: */
static struct dict *
composite_open(const char *type, const char *name, int open_flags,
               int dict_flags, struct vstr *why)
{
	char *copy, *list, *elem;
	struct dict_pipemap *p;
	struct argv *names = argv_alloc(4);

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		vstr_fmt(why, "%s:%s: table is read-only", type, name);
		argv_free(names);
		return NULL;
	}
	list = copy = xstrdup(name);
	if (*list == '{' && extpar(&list, "{}", why) != NULL)
		while ((elem = mystrtokq(&list, LIST_DELIMS, "{}")) != NULL)
			argv_add(names, elem);
	xfree(copy);
	if (names->argc == 0) {
		vstr_fmt(why,
		         "bad syntax: \"%s:%s\"; need \"%s:{type:name...}\"",
		         type, name, type);
		argv_free(names);
		return NULL;
	}
	p = (struct dict_pipemap *) dict_alloc(
	        type, name, sizeof(*p), open_flags,
	        dict_flags & ~DICT_FLAG_FOLD_FIX);
	p->key = vstr_alloc(100);
	p->result = vstr_alloc(100);
	p->dict.close = composite_close;
	p->count = names->argc;
	p->tables = xreallocarray(NULL, p->count, sizeof(*p->tables));
	for (size_t i = 0; i < p->count; i++)
		p->tables[i] =
		        dict_open(names->argv[i], open_flags, dict_flags);
	argv_free(names);
	return &p->dict;
}

/* dict_pipemap_open - pipemap:{type:name, ...} */
struct dict *
dict_pipemap_open(const char *name, int open_flags, int dict_flags,
                  struct vstr *why)
{
	struct dict *d =
	        composite_open("pipemap", name, open_flags, dict_flags, why);

	if (d != NULL)
		d->lookup = pipemap_lookup;
	return d;
}

/* dict_unionmap_open - unionmap:{type:name, ...} */
struct dict *
dict_unionmap_open(const char *name, int open_flags, int dict_flags,
                   struct vstr *why)
{
	struct dict *d =
	        composite_open("unionmap", name, open_flags, dict_flags, why);

	if (d != NULL)
		d->lookup = unionmap_lookup;
	return d;
}
