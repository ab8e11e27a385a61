#ifndef MKMAP_H
#define MKMAP_H
/*
 * NAME
 *	mkmap - what postmap(1) and postalias(1) share
 * SUMMARY
 *	const char *mkmap_command_start(char **argv);
 *	void mkmap_split(const char *arg, char **type, char **name);
 *	const char *mkmap_file_name(const char *type, const char *name,
 *	    struct vstr *out);
 *
 *	struct mkmap *mkmap_open(const char *type, const char *name,
 *	    int open_flags, int dict_flags, int mkmap_flags);
 *	void mkmap_read(struct mkmap *m, mkmap_entry_fn fn, void *ctx);
 *	void mkmap_add(struct mkmap *m, const char *key, const char *value);
 *	void mkmap_set_dup(struct mkmap *m, int policy);
 *	void mkmap_close(struct mkmap *m);
 *	struct dict *mkmap_dict_open(const char *type_name, int open_flags,
 *	    int dict_flags);
 *	const char *mkmap_fold(struct vstr *buf, const char *key,
 *	    int dict_flags, int mkmap_flags);
 *
 *	struct mkmap_maps *mkmap_maps_alloc(char **args, size_t count,
 *	    int open_flags, int dict_flags, int mkmap_flags);
 *	int mkmap_maps_find(struct mkmap_maps *mm, const char *key,
 *	    const char **value);
 *	struct mkmap_maps *mkmap_maps_free(struct mkmap_maps *mm);
 *	int mkmap_query(char **args, size_t count, const char *key,
 *	    int dict_flags, int mkmap_flags);
 *	int mkmap_query_stream(FILE *in, char **args, size_t count,
 *	    const char *sep, int dict_flags, int mkmap_flags);
 *	void mkmap_seq(const char *arg, const char *sep, int dict_flags,
 *	    int mkmap_flags);
 *	int mkmap_delete(char **args, size_t count, const char *key,
 *	    int dict_flags, int mkmap_flags);
 *	int mkmap_delete_stream(FILE *in, char **args, size_t count,
 *	    int dict_flags, int mkmap_flags);
 *	bool mkmap_read_line(FILE *in, struct vstr *line);
 *
 *	int mkmap_file_value(struct vstr *out, const char *files,
 *	    struct vstr *why);
 *	bool mkmap_b64_decode(struct vstr *out, const char *in);
 *
 *	bool mkmap_utf8_valid(const char *s, size_t len);
 *	const char *mkmap_utf8_fold(struct vstr *out, const char *s);
 * DESCRIPTION
 *	A table argument is "type:name", or a bare name of the type in
 *	default_database_type; mkmap_split() returns both parts (the caller
 *	frees them). mkmap_file_name() is the name Postfix gives an open
 *	table in messages: NAME.db for hash and btree, NAME.cdb for cdb,
 *	else NAME (lmdb too).
 *
 *	Building. mkmap_open() prepares one table: with O_TRUNC in
 *	open_flags it reads the source file NAME (the table is rebuilt
 *	from scratch), without it standard input ("stdin" in messages; the
 *	entries are added to the table, which is created when missing).
 *	With MKMAP_SAVE_PERM the new file gets no more group and other
 *	permissions than the source; with MKMAP_AS_OWNER a process whose
 *	real user is root switches its effective user and group to the
 *	owner of the source until mkmap_close(). A rebuilt table that
 *	existed keeps its mode (and, when root, its owner) although it is
 *	a new file. Problems are fatal, as in Postfix: "open SOURCE: ...",
 *	"unsupported map type for this operation: TYPE", the reason from
 *	dict_open_checked().
 *
 *	mkmap_read() calls fn once per logical line of the source (see
 *	linefile_next()) with its text and first line number; it warns
 *	about and skips a logical line that starts with white space and,
 *	with MKMAP_UTF8, one that is not valid UTF-8. mkmap_add() stores
 *	an entry under the duplicate policy given to mkmap_open()
 *	(DICT_FLAG_DUP_WARN, _IGNORE or _REPLACE; mkmap_set_dup() changes
 *	it): with _WARN a duplicate is logged as "FILE: duplicate entry:
 *	\"key\"" and the first value kept. mkmap_close() completes the
 *	table (the rename of a rebuilt table) and returns to the original
 *	effective user.
 *
 *	mkmap_dict_open() opens a table or dies with the reason.
 *	mkmap_fold() returns the key as a table with dict_flags stores it:
 *	unchanged without DICT_FLAG_FOLD_FIX, else lower-cased (with
 *	MKMAP_UTF8: case-folded as UTF-8). mkmap_read_line() reads one line
 *	without its newline and returns false at the end of input.
 *
 *	Queries. A mkmap_maps list opens its tables on first use and
 *	mkmap_maps_find() returns DICT_FOUND with the value of the first
 *	table that has the key, or DICT_NOTFOUND; an error is fatal.
 *	mkmap_query() prints the value for key (postmap -q key) and returns
 *	DICT_FOUND or DICT_NOTFOUND. mkmap_query_stream() reads one key per
 *	line and prints "key SEP value" for each key found (SEP is a tab
 *	for postmap, ":\t" for postalias); it returns DICT_FOUND when at
 *	least one key was found. mkmap_seq() prints every entry of one
 *	table as "key SEP value". mkmap_delete() removes key from every
 *	table, mkmap_delete_stream() each key read from in; both return
 *	DICT_FOUND when something was removed, else DICT_NOTFOUND. With
 *	MKMAP_UTF8, a key that is not UTF-8 is skipped with a warning, and
 *	a value that is not UTF-8 is a fatal query error, as in Postfix.
 *
 *	With DICT_FLAG_SRC_RHS_IS_FILE (postmap -F) in a table's flags, the
 *	query functions BASE64-decode values; a malformed value is a fatal
 *	query error (mkmap_seq() warns and skips it).
 *	mkmap_file_value() makes such a value: the BASE64 encoding of the
 *	named files (separated by commas or white space), joined with a
 *	newline between files; it returns 0, or -1 with "open FILE: ..." in
 *	why. mkmap_b64_decode() decodes BASE64 (with padding) into out and
 *	returns false when in is not BASE64.
 *
 *	mkmap_utf8_valid() checks for well-formed UTF-8 (RFC 3629: no
 *	overlong forms, surrogates or code points above U+10FFFF).
 *	mkmap_utf8_fold() folds the case of valid UTF-8 text into out:
 *	ASCII is lower-cased; other characters are lower-cased through the
 *	C library's Unicode tables, with the full case folding of sharp s
 *	(to "ss") and final sigma.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

struct dict;
struct vstr;

#define MKMAP_AS_OWNER (1 << 0)  /* switch to the source file's owner */
#define MKMAP_SAVE_PERM (1 << 1) /* inherit the source's permissions */
#define MKMAP_UTF8 (1 << 2)      /* keys and values must be UTF-8 */

struct mkmap {
	struct dict *dict;
	char *type;
	char *name;
	char *file;        /* the table in duplicate warnings */
	char *db_path;     /* the table's file, NULL if none */
	char *src_path;    /* source file name, or "stdin" */
	char *src_text;    /* the whole source */
	int dup_policy;    /* DICT_FLAG_DUP_* asked for */
	int flags;         /* MKMAP_* */
	size_t line;       /* source line being added, 0 if unknown */
	bool switched;     /* effective ids changed */
	bool had_db;       /* the table file existed before a rebuild */
	struct stat db_st; /* and its owner and mode */
	struct vstr *fold_buf;
};

typedef void (*mkmap_entry_fn)(struct mkmap *, char *text, size_t line,
                               void *ctx);

struct mkmap_maps {
	char **args;
	struct dict **dicts;
	size_t count;
	int open_flags;
	int dict_flags;
	int flags;
	struct vstr *fold_buf;
	struct vstr *value_buf;
	bool user_label; /* name tables as given in messages, not by file */
};

/* mkmap.c */
extern void mkmap_split(const char *, char **, char **);
extern const char *mkmap_file_name(const char *, const char *, struct vstr *);
extern struct mkmap *mkmap_open(const char *, const char *, int, int, int);
extern void mkmap_read(struct mkmap *, mkmap_entry_fn, void *);
extern void mkmap_add(struct mkmap *, const char *, const char *);
extern void mkmap_set_dup(struct mkmap *, int);
extern void mkmap_close(struct mkmap *);
extern struct dict *mkmap_dict_open(const char *, int, int);
extern const char *mkmap_fold(struct vstr *, const char *, int, int);

/* mkmap_query.c */
extern struct mkmap_maps *mkmap_maps_alloc(char **, size_t, int, int, int);
extern int mkmap_maps_find(struct mkmap_maps *, const char *, const char **);
extern struct mkmap_maps *mkmap_maps_free(struct mkmap_maps *);
extern int mkmap_query(char **, size_t, const char *, int, int);
extern int mkmap_query_stream(FILE *, char **, size_t, const char *, int, int);
extern void mkmap_seq(const char *, const char *, int, int);
extern int mkmap_delete(char **, size_t, const char *, int, int);
extern int mkmap_delete_stream(FILE *, char **, size_t, int, int);
extern bool mkmap_read_line(FILE *, struct vstr *);

/* mkmap_file.c */
extern int mkmap_file_value(struct vstr *, const char *, struct vstr *);
extern bool mkmap_b64_decode(struct vstr *, const char *);

/* mkmap_utf8.c */
extern bool mkmap_utf8_valid(const char *, size_t)
        __attribute__((warn_unused_result));
extern const char *mkmap_utf8_fold(struct vstr *, const char *);

extern const char *mkmap_command_start(char **);

#endif
