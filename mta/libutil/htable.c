/*
 * htable - string-keyed hash table with chaining
 */
#include <stdlib.h>
#include <string.h>

#include "htable.h"
#include "msg.h"
#include "mymalloc.h"

/* hash - FNV-1a */
static size_t
hash(const char *key, size_t size)
{
	unsigned long h = 2166136261UL;

	for (; *key; key++)
		h = (h ^ (unsigned char) *key) * 16777619UL;
	return h % size;
}

/* htable_create - empty table */
struct htable *
htable_create(size_t size)
{
	struct htable *t = xmalloc(sizeof(*t));

	t->size = size < 13 ? 13 : size;
	t->used = 0;
	t->seq = 0;
	t->data = xcalloc(t->size, sizeof(*t->data));
	return t;
}

/* htable_grow - rehash into a table twice the size */
static void
htable_grow(struct htable *t)
{
	size_t nsize = size_add(size_mul(t->size, 2), 1);
	struct htable_info **ndata = xcalloc(nsize, sizeof(*ndata));

	for (size_t i = 0; i < t->size; i++) {
		struct htable_info *ht, *next;

		for (ht = t->data[i]; ht; ht = next) {
			size_t h = hash(ht->key, nsize);

			next = ht->next;
			ht->next = ndata[h];
			ndata[h] = ht;
		}
	}
	xfree(t->data);
	t->data = ndata;
	t->size = nsize;
}

/* htable_locate - entry for key, or NULL */
struct htable_info *
htable_locate(const struct htable *t, const char *key)
{
	for (struct htable_info *ht = t->data[hash(key, t->size)]; ht;
	     ht = ht->next)
		if (strcmp(ht->key, key) == 0)
			return ht;
	return NULL;
}

/* htable_find - value for key, or NULL */
void *
htable_find(const struct htable *t, const char *key)
{
	struct htable_info *ht = htable_locate(t, key);

	return ht ? ht->value : NULL;
}

/* htable_enter - add a new key */
struct htable_info *
htable_enter(struct htable *t, const char *key, void *value)
{
	struct htable_info *ht;
	size_t h;

	if (htable_locate(t, key))
		msg_panic("%s: duplicate key \"%s\"", __func__, key);
	if (t->used >= t->size)
		htable_grow(t);
	ht = xmalloc(sizeof(*ht));
	ht->key = xstrdup(key);
	ht->value = value;
	ht->seq = t->seq++;
	h = hash(key, t->size);
	ht->next = t->data[h];
	t->data[h] = ht;
	t->used++;
	return ht;
}

/* htable_delete - remove a key if present */
void
htable_delete(struct htable *t, const char *key, void (*free_fn)(void *))
{
	struct htable_info **pp = &t->data[hash(key, t->size)];

	for (; *pp; pp = &(*pp)->next) {
		struct htable_info *ht = *pp;

		if (strcmp(ht->key, key) == 0) {
			*pp = ht->next;
			if (free_fn)
				free_fn(ht->value);
			xfree(ht->key);
			xfree(ht);
			t->used--;
			return;
		}
	}
}

/* compare_seq - insertion order */
static int
compare_seq(const void *a, const void *b)
{
	const struct htable_info *x = *(struct htable_info *const *) a;
	const struct htable_info *y = *(struct htable_info *const *) b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* htable_list - all entries in insertion order */
struct htable_info **
htable_list(const struct htable *t)
{
	struct htable_info **list =
	        xreallocarray(NULL, size_add(t->used, 1), sizeof(*list));
	size_t n = 0;

	for (size_t i = 0; i < t->size; i++)
		for (struct htable_info *ht = t->data[i]; ht; ht = ht->next)
			list[n++] = ht;
	list[n] = NULL;
	qsort(list, n, sizeof(*list), compare_seq);
	return list;
}

/* htable_free - destroy, return NULL */
struct htable *
htable_free(struct htable *t, void (*free_fn)(void *))
{
	if (t == NULL)
		return NULL;
	for (size_t i = 0; i < t->size; i++) {
		struct htable_info *ht, *next;

		for (ht = t->data[i]; ht; ht = next) {
			next = ht->next;
			if (free_fn)
				free_fn(ht->value);
			xfree(ht->key);
			xfree(ht);
		}
	}
	xfree(t->data);
	xfree(t);
	return NULL;
}
