/*
 * mymalloc - allocation wrappers that never return NULL
 */
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"

/* size_add - overflow-checked addition */
size_t
size_add(size_t a, size_t b)
{
	size_t r;

	if (__builtin_add_overflow(a, b, &r))
		msg_panic("size_add: overflow: %zu + %zu", a, b);
	return r;
}

/* size_mul - overflow-checked multiplication */
size_t
size_mul(size_t a, size_t b)
{
	size_t r;

	if (__builtin_mul_overflow(a, b, &r))
		msg_panic("size_mul: overflow: %zu * %zu", a, b);
	return r;
}

/* xmalloc - allocate or die */
void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n ? n : 1)) == NULL)
		msg_fatal("xmalloc: insufficient memory for %zu bytes: %m", n);
	return p;
}

/* xcalloc - allocate zeroed array or die */
void *
xcalloc(size_t n, size_t sz)
{
	void *p;

	(void) size_mul(n, sz);
	if ((p = calloc(n ? n : 1, sz ? sz : 1)) == NULL)
		msg_fatal("xcalloc: insufficient memory: %m");
	return p;
}

/* xrealloc - resize or die */
void *
xrealloc(void *p, size_t n)
{
	void *q;

	if ((q = realloc(p, n ? n : 1)) == NULL)
		msg_fatal("xrealloc: insufficient memory for %zu bytes: %m", n);
	return q;
}

/* xreallocarray - resize an array with an overflow check */
void *
xreallocarray(void *p, size_t n, size_t sz)
{
	return xrealloc(p, size_mul(n, sz));
}

/* xstrdup - copy a string */
char *
xstrdup(const char *s)
{
	return xmemdup(s, size_add(strlen(s), 1));
}

/* xstrndup - copy at most n bytes of a string, NUL-terminated */
char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(size_add(len, 1));

	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

/* xmemdup - copy a memory block */
void *
xmemdup(const void *src, size_t n)
{
	void *p = xmalloc(n);

	if (n)
		memcpy(p, src, n);
	return p;
}

/* xfree - release memory, return NULL */
void *
xfree(void *p)
{
	free(p);
	return NULL;
}
