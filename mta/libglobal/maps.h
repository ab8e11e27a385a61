#ifndef MAPS_H
#define MAPS_H
/*
 * NAME
 *	maps - an ordered list of lookup tables named by a parameter
 * SUMMARY
 *	struct maps *maps_create(const char *title, const char *map_names,
 *	    int dict_flags);
 *	int maps_find(struct maps *m, const char *key, int flags,
 *	    const char **value);
 *	const char *maps_why(const struct maps *m);
 *	size_t maps_count(const struct maps *m);
 *	struct maps *maps_free(struct maps *m);
 * DESCRIPTION
 *	A map list is the value of a parameter such as virtual_alias_maps:
 *	"type:name" table names separated by commas and/or white space
 *	("hash:/etc/postfix/virtual, regexp:/etc/postfix/virtual.re").
 *	An "inline:{ ... }" name may itself contain commas and spaces; the
 *	braces keep it together. The title (normally the parameter name)
 *	appears in error reasons.
 *
 *	maps_create() opens every table with dict_open_shared(), read-only,
 *	with dict_flags (DICT_FLAG_FOLD_FIX to look up fixed-string keys in
 *	lower case, DICT_FLAG_LOCK for file tables; 0 for neither). A table
 *	that cannot be opened does not stop the list: dict_open() logs why
 *	and every lookup in it then fails with a temporary error, so that
 *	mail is deferred rather than delivered the wrong way. An empty or
 *	NULL map_names gives a list that finds nothing.
 *
 *	maps_find() looks key up in each table in list order and stops at
 *	the first table that has it (DICT_FOUND, *value valid until the
 *	next lookup in that table) or that fails (DICT_ERROR: the caller
 *	must defer; maps_why() says which list and table and why). Only
 *	when no table has the key and none failed is the result
 *	DICT_NOTFOUND. An empty key is never found. A table that returns
 *	an empty value is treated as a configuration error (DICT_ERROR),
 *	because an empty result would otherwise be taken for "no
 *	destination" or "no restriction".
 *
 *	flags is MAPS_FIND_FULL when key is the whole string the caller was
 *	asked about, or MAPS_FIND_PARTIAL when it is derived from it (a
 *	parent domain, an address without extension, "user@", a shorter
 *	network prefix): partial keys skip pattern tables (regexp, pcre,
 *	cidr, ...), which always see the entire string, as the manuals of
 *	access(5), virtual(5) and canonical(5) describe.
 *
 *	maps_free() closes the tables and returns NULL.
 */
#include <stddef.h>

struct dict;
struct vstr;

#define MAPS_FIND_FULL 0
#define MAPS_FIND_PARTIAL (1 << 0)

struct maps {
	char *title;
	struct dict **dicts;
	size_t count;
	struct vstr *why;
};

extern struct maps *maps_create(const char *, const char *, int);
extern int maps_find(struct maps *, const char *, int, const char **);
extern const char *maps_why(const struct maps *);
extern size_t maps_count(const struct maps *);
extern struct maps *maps_free(struct maps *);

#endif
