#ifndef HTABLE_H
#define HTABLE_H
/*
 * NAME
 *	htable - string-keyed hash table
 * SUMMARY
 *	struct htable *htable_create(size_t size);
 *	void *htable_find(const struct htable *t, const char *key);
 *	struct htable_info *htable_locate(const struct htable *t,
 *	    const char *key);
 *	struct htable_info *htable_enter(struct htable *t, const char *key,
 *	    void *value);
 *	void htable_delete(struct htable *t, const char *key,
 *	    void (*free_fn)(void *));
 *	struct htable_info **htable_list(const struct htable *t);
 *	struct htable *htable_free(struct htable *t, void (*free_fn)(void *));
 * DESCRIPTION
 *	Keys are copied. htable_enter() adds a new key (it panics when the
 *	key exists: use htable_locate() first). htable_list() returns a
 *	NULL-terminated array of the entries, in insertion order, that the
 *	caller frees with xfree(). The table grows as it fills.
 */
#include <stddef.h>

struct htable_info {
	char *key;
	void *value;
	struct htable_info *next; /* hash chain */
	size_t seq;               /* insertion order */
};

struct htable {
	size_t size;
	size_t used;
	size_t seq;
	struct htable_info **data;
};

extern struct htable *htable_create(size_t);
extern void *htable_find(const struct htable *, const char *);
extern struct htable_info *htable_locate(const struct htable *, const char *);
extern struct htable_info *htable_enter(struct htable *, const char *, void *);
extern void htable_delete(struct htable *, const char *, void (*)(void *));
extern struct htable_info **htable_list(const struct htable *);
extern struct htable *htable_free(struct htable *, void (*)(void *));

#endif
