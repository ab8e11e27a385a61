#ifndef DICT_H
#define DICT_H
/*
 * NAME
 *	dict - the lookup table layer
 * SUMMARY
 *	struct dict *dict_open(const char *type_name, int open_flags,
 *	    int dict_flags);
 *	struct dict *dict_open_checked(const char *type_name, int open_flags,
 *	    int dict_flags, struct vstr *why);
 *	struct dict *dict_open_shared(const char *type_name, int open_flags,
 *	    int dict_flags);
 *	int dict_get(struct dict *d, const char *key, const char **value);
 *	int dict_put(struct dict *d, const char *key, const char *value);
 *	int dict_del(struct dict *d, const char *key);
 *	int dict_seq(struct dict *d, int how, const char **key,
 *	    const char **value);
 *	struct dict *dict_close(struct dict *d);
 *	const char *dict_changed(void);
 *	void dict_register(const char *type, dict_open_fn fn);
 *	bool dict_type_known(const char *type);
 *	void dict_type_list(struct argv *out);
 * DESCRIPTION
 *	A table is named "type:name" ("hash:/etc/postfix/virtual",
 *	"inline:{ a=b }", "static:text"). dict_open() opens one; open_flags
 *	are open(2) flags (O_RDONLY, or O_RDWR|O_CREAT[|O_TRUNC] to build or
 *	update), dict_flags the DICT_FLAG_* bits below. When the table
 *	cannot be opened, dict_open() logs a warning and returns a
 *	surrogate table whose every operation fails with DICT_ERROR and
 *	the reason in d->why, so that a daemon defers mail instead of
 *	dying; dict_open_checked() returns NULL with the reason instead
 *	(for commands). dict_open_shared() returns one instance per
 *	(type:name, flags) per process, reference counted; dict_close()
 *	drops a reference and frees on the last.
 *
 *	Results:
 *	dict_get()	DICT_FOUND with *value (valid until the next call on
 *			the table), DICT_NOTFOUND, or DICT_ERROR (temporary:
 *			the caller defers; reason in d->why).
 *	dict_put()	DICT_OK, DICT_DUP (the key existed and
 *			DICT_FLAG_DUP_IGNORE or _WARN kept the old value), or
 *			DICT_ERROR. Types do not log duplicates: the caller
 *			knows the file and line to name (postmap does).
 *	dict_del()	DICT_OK, DICT_NOTFOUND or DICT_ERROR.
 *	dict_seq()	how is DICT_SEQ_FIRST or DICT_SEQ_NEXT; DICT_FOUND
 *			with *key and *value, DICT_NOTFOUND at the end, or
 *			DICT_ERROR.
 *	An operation a type does not support returns DICT_ERROR with
 *	"table type does not support ..." in d->why.
 *
 *	Keys: with DICT_FLAG_FOLD_FIX the layer lower-cases the key before
 *	a lookup, update or delete of a fixed-string table; pattern tables
 *	(DICT_FLAG_PATTERN, set by the type) get DICT_FLAG_FOLD_MUL and do
 *	their own case handling. DICT_FLAG_TRY1NULL and DICT_FLAG_TRY0NULL
 *	say whether keys and values are stored with a trailing NUL (Postfix
 *	on Linux stores it); a new table gets TRY1NULL; an existing one
 *	tries both and keeps the form that matched first.
 *
 *	dict_changed() returns the name of the first open file-based
 *	table whose file was replaced or modified since it was opened, or
 *	NULL: daemons check it between requests and restart.
 *
 *	A type that rebuilds a table (open with O_TRUNC) writes the new
 *	file at dict_rebuild_path(final) and, when closed, calls
 *	dict_rebuild_commit(tmp, final): fsync, rename, fsync directory.
 *
 *	Types register an opener with dict_register() (dict_init() registers
 *	all built-in types; dict_open() calls it). An opener fills a struct
 *	dict made with dict_alloc() and returns it, or returns NULL with
 *	the reason in why.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct vstr;
struct argv;

#define DICT_FOUND 1
#define DICT_OK 0
#define DICT_NOTFOUND 2
#define DICT_DUP 3
#define DICT_ERROR (-1)

#define DICT_SEQ_FIRST 0
#define DICT_SEQ_NEXT 1

#define DICT_FLAG_DUP_WARN (1 << 0)    /* warn about duplicate key, keep old */
#define DICT_FLAG_DUP_IGNORE (1 << 1)  /* silently keep the old value */
#define DICT_FLAG_DUP_REPLACE (1 << 2) /* replace the old value */
#define DICT_FLAG_TRY0NULL (1 << 3)    /* keys/values without trailing NUL */
#define DICT_FLAG_TRY1NULL (1 << 4)    /* keys/values with trailing NUL */
#define DICT_FLAG_FIXED (1 << 5)       /* fixed-string keys (set by type) */
#define DICT_FLAG_PATTERN (1 << 6)     /* pattern keys (set by type) */
#define DICT_FLAG_LOCK (1 << 7)        /* lock the file around operations */
#define DICT_FLAG_FOLD_FIX (1 << 8)    /* fold fixed-string keys */
#define DICT_FLAG_FOLD_MUL (1 << 9)    /* fold pattern keys (type does it) */
#define DICT_FLAG_BULK (1 << 10)       /* bulk create: no per-update sync */
#define DICT_FLAG_UTF8 (1 << 11)       /* keys may be UTF-8 */
#define DICT_FLAG_SRC_RHS_IS_FILE (1 << 12) /* postmap -F (reserved) */

#define DICT_FLAG_FOLD_ANY (DICT_FLAG_FOLD_FIX | DICT_FLAG_FOLD_MUL)
#define DICT_FLAG_DEFAULT                                                      \
	(DICT_FLAG_FOLD_FIX | DICT_FLAG_FOLD_MUL | DICT_FLAG_DUP_WARN)

struct dict {
	char *type;
	char *name;
	int flags;
	int open_flags;
	struct vstr *why; /* reason of the last DICT_ERROR */
	/* Type operations: key is already folded as the flags say. */
	int (*lookup)(struct dict *, const char *key, const char **value);
	int (*update)(struct dict *, const char *key, const char *value);
	int (*remove)(struct dict *, const char *key);
	int (*sequence)(struct dict *, int how, const char **key,
	                const char **value);
	void (*close)(struct dict *);
	/* File-based tables: what dict_changed() compares against. */
	char *file;
	struct stat file_st;
	bool has_file;
	int watch_fd; /* open on the file, so a chroot does not matter */
	/* Layer-private. */
	struct vstr *fold_buf;
	int refcount;
	char *shared_key;
};

typedef struct dict *(*dict_open_fn)(const char *name, int open_flags,
                                     int dict_flags, struct vstr *why);

extern struct dict *dict_open(const char *, int, int);
extern struct dict *dict_open_checked(const char *, int, int, struct vstr *);
extern struct dict *dict_open_shared(const char *, int, int);
extern int dict_get(struct dict *, const char *, const char **);
extern int dict_put(struct dict *, const char *, const char *);
extern int dict_del(struct dict *, const char *);
extern int dict_seq(struct dict *, int, const char **, const char **);
extern struct dict *dict_close(struct dict *);
extern const char *dict_changed(void);
extern void dict_register(const char *, dict_open_fn);
extern bool dict_type_known(const char *);
extern void dict_type_list(struct argv *);
extern void dict_init(void);

/* For type implementations. */
extern struct dict *dict_alloc(const char *type, const char *name, size_t size,
                               int open_flags, int dict_flags);
extern void dict_watch_file(struct dict *, const char *path);
extern void dict_source_check(const char *db_path, const char *source);
extern int dict_unsupported(struct dict *, const char *what);
extern char *dict_rebuild_path(const char *final);
extern void dict_rebuild_commit(const char *tmp, const char *final);

#endif
