/*
 * maps - an ordered list of lookup tables named by a parameter
 */
#include <fcntl.h>
#include <string.h>

#include "dict.h"
#include "maps.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* maps_create - open the tables of a parameter value */
struct maps *
maps_create(const char *title, const char *map_names, int dict_flags)
{
	struct maps *m = xcalloc(1, sizeof(*m));
	char *copy, *cp, *name;
	size_t cap = 0;

	m->title = xstrdup(title);
	m->why = vstr_alloc(100);
	if (map_names == NULL)
		return m;
	cp = copy = xstrdup(map_names);
	while ((name = mystrtokq(&cp, LIST_DELIMS, "{}")) != NULL) {
		if (m->count == cap) {
			cap = cap ? 2 * cap : 4;
			m->dicts =
			        xreallocarray(m->dicts, cap, sizeof(*m->dicts));
		}
		m->dicts[m->count++] =
		        dict_open_shared(name, O_RDONLY, dict_flags);
	}
	xfree(copy);
	return m;
}

/* table_error - describe a failed lookup in m->why */
static void
table_error(struct maps *m, const struct dict *d)
{
	if (vstr_len(d->why) > 0)
		vstr_fmt(m->why, "%s: %s", m->title, vstr_str(d->why));
	else
		vstr_fmt(m->why, "%s: %s:%s: table lookup failed", m->title,
		         d->type, d->name);
}

/* empty_value - an empty result is a configuration error */
static void
empty_value(struct maps *m, const struct dict *d, const char *key)
{
	char *safe = printable(xstrdup(key), '?');

	vstr_fmt(m->why, "%s: %s:%s: lookup of \"%s\" returned an empty value",
	         m->title, d->type, d->name, safe);
	xfree(safe);
}

/* maps_find - first table with the key, or the first failure */
int
maps_find(struct maps *m, const char *key, int flags, const char **value)
{
	vstr_reset(m->why);
	if (*key == 0)
		return DICT_NOTFOUND;
	for (size_t i = 0; i < m->count; i++) {
		struct dict *d = m->dicts[i];
		int rc;

		if ((flags & MAPS_FIND_PARTIAL) &&
		    (d->flags & DICT_FLAG_PATTERN))
			continue;
		rc = dict_get(d, key, value);
		if (rc == DICT_FOUND) {
			if (**value != 0)
				return DICT_FOUND;
			empty_value(m, d, key);
			return DICT_ERROR;
		}
		if (rc != DICT_NOTFOUND) {
			table_error(m, d);
			return DICT_ERROR;
		}
	}
	return DICT_NOTFOUND;
}

/* maps_why - reason of the last DICT_ERROR */
const char *
maps_why(const struct maps *m)
{
	return vstr_str(m->why);
}

/* maps_count - number of tables in the list */
size_t
maps_count(const struct maps *m)
{
	return m->count;
}

/* maps_free - close the tables */
struct maps *
maps_free(struct maps *m)
{
	if (m == NULL)
		return NULL;
	for (size_t i = 0; i < m->count; i++)
		dict_close(m->dicts[i]);
	xfree(m->dicts);
	xfree(m->title);
	vstr_free(m->why);
	xfree(m);
	return NULL;
}
