#ifndef ARGV_H
#define ARGV_H
/*
 * NAME
 *	argv - growable string arrays
 * SUMMARY
 *	struct argv *argv_alloc(size_t initial);
 *	struct argv *argv_free(struct argv *a);
 *	void argv_add(struct argv *a, const char *s);
 *	void argv_addn(struct argv *a, const char *s, size_t n);
 *	void argv_insert(struct argv *a, size_t where, const char *s);
 *	void argv_delete(struct argv *a, size_t where, size_t count);
 *	void argv_replace(struct argv *a, size_t where, const char *s);
 *	struct argv *argv_split(const char *s, const char *delims);
 *	void argv_sort(struct argv *a);
 *	char *argv_join(const struct argv *a, const char *sep);
 * DESCRIPTION
 *	An argv owns copies of its strings and keeps argv[argc] == NULL,
 *	so a->argv can be passed to execv(). argv_split() breaks a string
 *	at any of the delimiter characters and drops empty fields.
 */
#include <stddef.h>

struct argv {
	char **argv;
	size_t argc;
	size_t cap;
};

extern struct argv *argv_alloc(size_t);
extern struct argv *argv_free(struct argv *);
extern void argv_add(struct argv *, const char *);
extern void argv_addn(struct argv *, const char *, size_t);
extern void argv_insert(struct argv *, size_t, const char *);
extern void argv_delete(struct argv *, size_t, size_t);
extern void argv_replace(struct argv *, size_t, const char *);
extern struct argv *argv_split(const char *, const char *);
extern void argv_sort(struct argv *);
extern char *argv_join(const struct argv *, const char *);

#endif
