#ifndef STRINGOPS_H
#define STRINGOPS_H
/*
 * NAME
 *	stringops - small string utilities
 * SUMMARY
 *	char *mystrtok(char **bufp, const char *delims);
 *	char *mystrtokq(char **bufp, const char *delims, const char *parens);
 *	char *extpar(char **bp, const char *parens, struct vstr *why);
 *	char *trim_space(char *s);
 *	char *lowercase(char *s);
 *	bool alldig(const char *s);
 *	bool allalnum(const char *s);
 *	char *printable(char *s, int replacement);
 *	int split_nameval(char *buf, char **name, char **value,
 *	    const char **why);
 *	bool str_prefix(const char *s, const char *prefix);
 *	bool str_suffix(const char *s, const char *suffix);
 *	bool list_has_word(const char *list, const char *word);
 * DESCRIPTION
 *	mystrtok() returns the next token of *bufp, writing a NUL over the
 *	delimiter that ends it, or NULL at the end. mystrtokq() does the
 *	same but treats text between the two characters of parens (for
 *	example "{}") as one token, nesting allowed.
 *
 *	extpar() removes the outer parens from "{ text }" in place and
 *	trims white space inside; it returns NULL with the reason when the
 *	text does not start and end with them.
 *
 *	split_nameval() splits "name = value" in place, trimming both
 *	sides; it returns 0, or -1 with a static reason in *why.
 *
 *	list_has_word() tells whether a comma/space separated list (NULL
 *	is empty) names word, ignoring case.
 *
 *	printable() replaces in place every byte that is not printable
 *	ASCII (or a valid UTF-8 sequence) by the replacement character,
 *	so that untrusted text can be logged.
 */
#include <stdbool.h>
#include <stddef.h>

struct vstr;

#define SPACE_DELIMS " \t\r\n"
#define LIST_DELIMS ", \t\r\n"

extern char *mystrtok(char **, const char *);
extern char *mystrtokq(char **, const char *, const char *);
extern char *extpar(char **, const char *, struct vstr *);
extern char *trim_space(char *);
extern char *lowercase(char *);
extern bool alldig(const char *) __attribute__((warn_unused_result));
extern bool allalnum(const char *) __attribute__((warn_unused_result));
extern char *printable(char *, int);
extern int split_nameval(char *, char **, char **, const char **);
extern bool str_prefix(const char *, const char *);
extern bool str_suffix(const char *, const char *);
extern bool list_has_word(const char *, const char *);

#endif
