#ifndef POSTMAP_H
#define POSTMAP_H
/*
 * NAME
 *	postmap - internal interfaces of the postmap command
 * SUMMARY
 *	int postmap_split(char *text, char **key, char **value);
 *	void postmap_build(const char *arg, int open_flags, int dict_flags,
 *	    int mkmap_flags);
 *	int postmap_message(FILE *in, struct mkmap_maps *maps, int pm_flags);
 *	void postmap_file_value(struct vstr *out, const char *files,
 *	    struct vstr *why);
 * DESCRIPTION
 *	postmap_split() splits one logical source line in place: the key
 *	ends at the first white space outside double quotes (a backslash
 *	protects the next character; the key keeps its quotes), the value
 *	is the rest without surrounding white space. It returns
 *	POSTMAP_SPLIT_OK, POSTMAP_SPLIT_QUOTE (unbalanced '"'; text is not
 *	changed) or POSTMAP_SPLIT_FORMAT (no key or no value).
 *
 *	postmap_build() builds (O_TRUNC in open_flags: from the source
 *	file) or updates (from standard input) one "type:name" table.
 *
 *	postmap_message() reads an RFC 5322 message from in and looks up
 *	its primary header lines (PM_HEADER: one key per logical header,
 *	continuation lines joined with newlines) and/or body lines
 *	(PM_BODY); with PM_MIME also the headers of MIME parts and attached
 *	messages, which are then not body lines. It prints "key<TAB>value"
 *	for each key found and returns DICT_FOUND when some key was found.
 */
#include <stdio.h>

struct mkmap_maps;

#define POSTMAP_SPLIT_OK 0
#define POSTMAP_SPLIT_QUOTE 1
#define POSTMAP_SPLIT_FORMAT 2

#define PM_HEADER (1 << 0)
#define PM_BODY (1 << 1)
#define PM_MIME (1 << 2)

/* postmap_build.c */
extern int postmap_split(char *, char **, char **);
extern void postmap_build(const char *, int, int, int);

/* postmap_mime.c */
extern int postmap_message(FILE *, struct mkmap_maps *, int);

#endif
