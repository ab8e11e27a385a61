#ifndef LINEFILE_H
#define LINEFILE_H
/*
 * NAME
 *	linefile - configuration files as physical and logical lines
 * SUMMARY
 *	struct linefile *linefile_read(const char *path, struct vstr *why);
 *	struct linefile *linefile_from_text(const char *path, const char *t);
 *	struct linefile *linefile_free(struct linefile *lf);
 *	bool linefile_next(const struct linefile *lf, size_t *pos,
 *	    struct logical_line *ll);
 *	int linefile_write(const struct linefile *lf, struct vstr *why);
 *	int file_replace(const char *path, const char *data, size_t len,
 *	    struct vstr *why);
 * DESCRIPTION
 *	A linefile holds the physical lines of a file (without newlines),
 *	so that editors can change some lines and keep the rest as it was.
 *
 *	linefile_next() returns the next logical line at or after physical
 *	line *pos: a line that starts with non-white-space text, joined with
 *	the following lines that start with white space (their text is
 *	appended as it is, without the newline). Blank lines and lines
 *	whose first non-blank character is '#' are skipped, also between
 *	continuation lines. ll->first and ll->last are the physical line
 *	indices it spans (line number = index + 1), ll->text the joined
 *	text; ll->leading_space is set when the first line started with
 *	white space (there was nothing to continue). ll->text is owned by
 *	ll and reused between calls; free it with vstr_free().
 *
 *	linefile_write() and file_replace() replace a file atomically:
 *	write a temporary file in the same directory, fsync it, rename it
 *	over the old one (keeping its permissions), and fsync the
 *	directory. They return 0, or -1 with the reason in why.
 */
#include <stdbool.h>
#include <stddef.h>

struct vstr;
struct argv;

struct linefile {
	char *path;
	struct argv *lines;
};

struct logical_line {
	size_t first;
	size_t last;
	bool leading_space;
	struct vstr *text;
};

extern struct linefile *linefile_read(const char *, struct vstr *);
extern struct linefile *linefile_from_text(const char *, const char *);
extern struct linefile *linefile_free(struct linefile *);
extern bool linefile_next(const struct linefile *, size_t *,
                          struct logical_line *);
extern int linefile_write(const struct linefile *, struct vstr *);
extern int file_replace(const char *, const char *, size_t, struct vstr *);

#endif
