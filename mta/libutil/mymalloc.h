#ifndef MYMALLOC_H
#define MYMALLOC_H
/*
 * NAME
 *	mymalloc - allocation that never returns NULL, overflow-checked sizes
 * SUMMARY
 *	void *xmalloc(size_t n);
 *	void *xcalloc(size_t n, size_t sz);
 *	void *xrealloc(void *p, size_t n);
 *	void *xreallocarray(void *p, size_t n, size_t sz);
 *	char *xstrdup(const char *s);
 *	char *xstrndup(const char *s, size_t n);
 *	void *xmemdup(const void *p, size_t n);
 *	void *xfree(void *p);
 *	size_t size_add(size_t a, size_t b);
 *	size_t size_mul(size_t a, size_t b);
 * DESCRIPTION
 *	The allocators call msg_fatal() when memory runs out, so callers
 *	never test for NULL. xfree() returns NULL so that callers can
 *	write p = xfree(p).
 *
 *	size_add() and size_mul() return the sum or product and call
 *	msg_panic() when the result would not fit in a size_t: every
 *	size computation that depends on input goes through them.
 */
#include <stddef.h>

extern void *xmalloc(size_t);
extern void *xcalloc(size_t, size_t);
extern void *xrealloc(void *, size_t);
extern void *xreallocarray(void *, size_t, size_t);
extern char *xstrdup(const char *);
extern char *xstrndup(const char *, size_t);
extern void *xmemdup(const void *, size_t);
extern void *xfree(void *);
extern size_t size_add(size_t, size_t);
extern size_t size_mul(size_t, size_t);

#endif
