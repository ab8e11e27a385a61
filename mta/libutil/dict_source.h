#ifndef DICT_SOURCE_H
#define DICT_SOURCE_H
/*
 * NAME
 *	dict_source - read table source text; in-memory tables
 * SUMMARY
 *	typedef void (*dict_source_fn)(const char *key, const char *value,
 *	    const char *path, size_t line, void *ctx);
 *	int dict_source_read(const char *path, dict_source_fn fn, void *ctx,
 *	    struct vstr *why);
 *	int dict_source_split(char *text, char **key, char **value);
 *	struct dict *dict_mem_alloc(const char *type, const char *name,
 *	    int open_flags, int dict_flags);
 *	void dict_mem_add(struct dict *d, const char *key, const char *value,
 *	    const char *path, size_t line);
 * DESCRIPTION
 *	dict_source_read() reads postmap(1) input: logical lines (a line
 *	starting with white space continues the previous one; blank and '#'
 *	lines are skipped) of the form "key whitespace value". It calls fn
 *	for each entry with its line number; a line without a value is
 *	skipped with a warning naming file and line. It returns 0, or -1
 *	with the reason when the file cannot be read.
 *
 *	dict_source_split() splits one logical line in place; it returns -1
 *	when there is no value.
 *
 *	A memory table keeps its entries in a hash table (fold the keys as
 *	the flags say before adding them); it supports lookup and sequence
 *	(in insertion order). dict_mem_add() applies the DICT_FLAG_DUP_*
 *	policy, warning "path, line N: duplicate entry: \"key\"".
 */
#include <stddef.h>

struct dict;
struct vstr;

typedef void (*dict_source_fn)(const char *key, const char *value,
                               const char *path, size_t line, void *ctx);

extern int dict_source_read(const char *, dict_source_fn, void *,
                            struct vstr *);
extern int dict_source_split(char *, char **, char **);
extern struct dict *dict_mem_alloc(const char *, const char *, int, int);
extern void dict_mem_add(struct dict *, const char *, const char *,
                         const char *, size_t);

#endif
