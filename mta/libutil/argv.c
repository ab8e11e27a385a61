/*
 * argv - growable string arrays
 */
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

/* argv_alloc - create an empty array */
struct argv *
argv_alloc(size_t initial)
{
	struct argv *a = xmalloc(sizeof(*a));

	a->cap = initial < 4 ? 4 : initial;
	a->argv = xreallocarray(NULL, a->cap, sizeof(char *));
	a->argc = 0;
	a->argv[0] = NULL;
	return a;
}

/* argv_free - destroy, return NULL */
struct argv *
argv_free(struct argv *a)
{
	if (a) {
		for (size_t i = 0; i < a->argc; i++)
			xfree(a->argv[i]);
		xfree(a->argv);
		xfree(a);
	}
	return NULL;
}

/* argv_grow - room for one more element and the terminator */
static void
argv_grow(struct argv *a)
{
	if (size_add(a->argc, 2) > a->cap) {
		a->cap = size_mul(a->cap, 2);
		a->argv = xreallocarray(a->argv, a->cap, sizeof(char *));
	}
}

/* argv_addn - append a copy of n bytes */
void
argv_addn(struct argv *a, const char *s, size_t n)
{
	argv_grow(a);
	a->argv[a->argc++] = xstrndup(s, n);
	a->argv[a->argc] = NULL;
}

/* argv_add - append a copy of a string */
void
argv_add(struct argv *a, const char *s)
{
	argv_addn(a, s, strlen(s));
}

/* argv_insert - insert a copy before position where */
void
argv_insert(struct argv *a, size_t where, const char *s)
{
	if (where > a->argc)
		msg_panic("%s: bad position %zu", __func__, where);
	argv_grow(a);
	memmove(a->argv + where + 1, a->argv + where,
	        sizeof(char *) * (a->argc - where + 1));
	a->argv[where] = xstrdup(s);
	a->argc++;
}

/* argv_delete - remove count elements starting at where */
void
argv_delete(struct argv *a, size_t where, size_t count)
{
	if (where > a->argc || count > a->argc - where)
		msg_panic("%s: bad range %zu+%zu", __func__, where, count);
	for (size_t i = where; i < where + count; i++)
		xfree(a->argv[i]);
	memmove(a->argv + where, a->argv + where + count,
	        sizeof(char *) * (a->argc - where - count + 1));
	a->argc -= count;
}

/* argv_replace - replace one element */
void
argv_replace(struct argv *a, size_t where, const char *s)
{
	if (where >= a->argc)
		msg_panic("%s: bad position %zu", __func__, where);
	xfree(a->argv[where]);
	a->argv[where] = xstrdup(s);
}

/* argv_split - break at delimiters, dropping empty fields */
struct argv *
argv_split(const char *s, const char *delims)
{
	struct argv *a = argv_alloc(8);
	size_t n;

	for (;;) {
		s += strspn(s, delims);
		if (*s == 0)
			break;
		n = strcspn(s, delims);
		argv_addn(a, s, n);
		s += n;
	}
	return a;
}

/* compare - for argv_sort */
static int
compare(const void *x, const void *y)
{
	return strcmp(*(char *const *) x, *(char *const *) y);
}

/* argv_sort - sort in byte order */
void
argv_sort(struct argv *a)
{
	if (a->argc > 1)
		qsort(a->argv, a->argc, sizeof(char *), compare);
}

/* argv_join - concatenate with a separator; caller frees */
char *
argv_join(const struct argv *a, const char *sep)
{
	struct vstr *s = vstr_alloc(64);

	for (size_t i = 0; i < a->argc; i++) {
		if (i > 0)
			vstr_cat(s, sep);
		vstr_cat(s, a->argv[i]);
	}
	return vstr_export(s);
}
