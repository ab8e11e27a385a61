/*
 * dict - table registry, opening, sharing, key folding, change checks
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

#include "argv.h"
#include "dict.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

static struct htable *dict_types;  /* type -> dict_open_fn (boxed) */
static struct htable *dict_shared; /* "type:name/flags" -> struct dict */
static struct dict **dict_files;   /* open file-based tables */
static size_t dict_file_count, dict_file_cap;

struct type_box {
	dict_open_fn fn;
};

/* dict_register - add a table type */
void
dict_register(const char *type, dict_open_fn fn)
{
	struct type_box *box;

	if (dict_types == NULL)
		dict_types = htable_create(32);
	if ((box = htable_find(dict_types, type)) != NULL) {
		box->fn = fn;
		return;
	}
	box = xmalloc(sizeof(*box));
	box->fn = fn;
	htable_enter(dict_types, type, box);
}

/* dict_type_known - is this type registered */
bool
dict_type_known(const char *type)
{
	dict_init();
	return htable_find(dict_types, type) != NULL;
}

/* dict_type_list - all type names, sorted */
void
dict_type_list(struct argv *out)
{
	struct htable_info **list;

	dict_init();
	list = htable_list(dict_types);
	for (size_t i = 0; list[i]; i++)
		argv_add(out, list[i]->key);
	xfree(list);
	argv_sort(out);
}

/* unsupported ops for a fresh dict */
static int
no_lookup(struct dict *d, const char *key, const char **value)
{
	(void) key;
	(void) value;
	return dict_unsupported(d, "lookup");
}

static int
no_update(struct dict *d, const char *key, const char *value)
{
	(void) key;
	(void) value;
	return dict_unsupported(d, "update");
}

static int
no_remove(struct dict *d, const char *key)
{
	(void) key;
	return dict_unsupported(d, "delete");
}

static int
no_sequence(struct dict *d, int how, const char **key, const char **value)
{
	(void) how;
	(void) key;
	(void) value;
	return dict_unsupported(d, "sequence");
}

static void
no_close(struct dict *d)
{
	(void) d;
}

/* dict_unsupported - fail an operation the type does not have */
int
dict_unsupported(struct dict *d, const char *what)
{
	vstr_fmt(d->why, "table %s:%s: table type does not support %s", d->type,
	         d->name, what);
	return DICT_ERROR;
}

/* dict_alloc - a dict (or a type's larger struct) with default ops */
struct dict *
dict_alloc(const char *type, const char *name, size_t size, int open_flags,
           int dict_flags)
{
	struct dict *d;

	if (size < sizeof(struct dict))
		msg_panic("%s: size %zu too small", __func__, size);
	d = xcalloc(1, size);
	d->type = xstrdup(type);
	d->name = xstrdup(name);
	d->flags = dict_flags;
	d->open_flags = open_flags;
	d->why = vstr_alloc(100);
	d->lookup = no_lookup;
	d->update = no_update;
	d->remove = no_remove;
	d->sequence = no_sequence;
	d->close = no_close;
	d->fold_buf = vstr_alloc(100);
	d->refcount = 1;
	return d;
}

/* dict_watch_file - remember a file for dict_changed() */
void
dict_watch_file(struct dict *d, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &d->file_st) < 0) {
		if (fd >= 0)
			(void) close(fd);
		return;
	}
	if (d->has_file && d->watch_fd >= 0)
		(void) close(d->watch_fd);
	d->watch_fd = fd;
	xfree(d->file);
	d->file = xstrdup(path);
	if (!d->has_file) {
		if (dict_file_count == dict_file_cap) {
			dict_file_cap = dict_file_cap ? 2 * dict_file_cap : 8;
			dict_files = xreallocarray(dict_files, dict_file_cap,
			                           sizeof(*dict_files));
		}
		dict_files[dict_file_count++] = d;
		d->has_file = true;
	}
}

/* unwatch - forget a closed table */
static void
unwatch(struct dict *d)
{
	for (size_t i = 0; i < dict_file_count; i++) {
		if (dict_files[i] == d) {
			dict_files[i] = dict_files[--dict_file_count];
			if (d->watch_fd >= 0)
				(void) close(d->watch_fd);
			d->watch_fd = -1;
			return;
		}
	}
}

/*
 * dict_changed - name of a table file replaced or modified since open
 *
 * The check uses a descriptor opened at watch time, not the path: a daemon
 * in a chroot cannot see the path any more. A file replaced by a rename
 * (postmap's atomic rebuild) has no links left; one modified in place has
 * a new mtime or size.
 */
const char *
dict_changed(void)
{
	struct stat st;

	for (size_t i = 0; i < dict_file_count; i++) {
		struct dict *d = dict_files[i];

		if (fstat(d->watch_fd, &st) < 0 || st.st_nlink == 0 ||
		    st.st_mtime != d->file_st.st_mtime ||
		    st.st_size != d->file_st.st_size)
			return d->file;
	}
	return NULL;
}

/* dict_source_check - warn when the source text is newer than the table */
void
dict_source_check(const char *db_path, const char *source)
{
	struct stat db_st, src_st;

	if (stat(db_path, &db_st) == 0 && stat(source, &src_st) == 0 &&
	    src_st.st_mtime > db_st.st_mtime)
		msg_warn("database %s is older than source file %s", db_path,
		         source);
}

/* surrogate_* - a table that could not be opened */
static int
surrogate_fail(struct dict *d)
{
	(void) d;
	return DICT_ERROR;
}

static int
surrogate_lookup(struct dict *d, const char *key, const char **value)
{
	(void) key;
	(void) value;
	return surrogate_fail(d);
}

static int
surrogate_update(struct dict *d, const char *key, const char *value)
{
	(void) key;
	(void) value;
	return surrogate_fail(d);
}

static int
surrogate_remove(struct dict *d, const char *key)
{
	(void) key;
	return surrogate_fail(d);
}

static int
surrogate_sequence(struct dict *d, int how, const char **key,
                   const char **value)
{
	(void) how;
	(void) key;
	(void) value;
	return surrogate_fail(d);
}

/* surrogate - every operation fails with the open error */
static struct dict *
surrogate(const char *type, const char *name, int open_flags, int dict_flags,
          const char *reason)
{
	struct dict *d =
	        dict_alloc(type, name, sizeof(*d), open_flags, dict_flags);

	vstr_cpy(d->why, reason);
	d->lookup = surrogate_lookup;
	d->update = surrogate_update;
	d->remove = surrogate_remove;
	d->sequence = surrogate_sequence;
	return d;
}

/* split_type_name - "type:name"; NULL when there is no colon */
static char *
split_type_name(const char *type_name, const char **name)
{
	const char *colon = strchr(type_name, ':');

	if (colon == NULL || colon == type_name)
		return NULL;
	*name = colon + 1;
	return xstrndup(type_name, (size_t) (colon - type_name));
}

/* dict_open_checked - open or return NULL with the reason */
struct dict *
dict_open_checked(const char *type_name, int open_flags, int dict_flags,
                  struct vstr *why)
{
	const char *name;
	char *type = split_type_name(type_name, &name);
	struct type_box *box;
	struct dict *d;

	dict_init();
	if (type == NULL) {
		vstr_fmt(why, "need \"type:name\" instead of \"%s\"",
		         type_name);
		return NULL;
	}
	if ((box = htable_find(dict_types, type)) == NULL) {
		vstr_fmt(why, "unsupported dictionary type: %s", type);
		xfree(type);
		return NULL;
	}
	if ((dict_flags & (DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL)) == 0)
		dict_flags |= DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL;
	d = box->fn(name, open_flags, dict_flags, why);
	xfree(type);
	if (d && (d->flags & DICT_FLAG_PATTERN))
		d->flags &= ~DICT_FLAG_FOLD_FIX;
	if (d && (d->flags & DICT_FLAG_FIXED))
		d->flags &= ~DICT_FLAG_FOLD_MUL;
	return d;
}

/* dict_open - open, or a surrogate that fails every operation */
struct dict *
dict_open(const char *type_name, int open_flags, int dict_flags)
{
	struct vstr *why = vstr_alloc(100);
	struct dict *d =
	        dict_open_checked(type_name, open_flags, dict_flags, why);

	if (d == NULL) {
		const char *name;
		char *type = split_type_name(type_name, &name);

		msg_warn("%s", vstr_str(why));
		d = surrogate(type ? type : "fail", type ? name : type_name,
		              open_flags, dict_flags, vstr_str(why));
		xfree(type);
	}
	vstr_free(why);
	return d;
}

/* dict_open_shared - one instance per table and flags in this process */
struct dict *
dict_open_shared(const char *type_name, int open_flags, int dict_flags)
{
	struct vstr *key = vstr_alloc(100);
	struct dict *d;

	vstr_fmt(key, "%s\t%d\t%d", type_name, open_flags, dict_flags);
	if (dict_shared == NULL)
		dict_shared = htable_create(16);
	if ((d = htable_find(dict_shared, vstr_str(key))) != NULL) {
		d->refcount++;
	} else {
		d = dict_open(type_name, open_flags, dict_flags);
		d->shared_key = xstrdup(vstr_str(key));
		htable_enter(dict_shared, vstr_str(key), d);
	}
	vstr_free(key);
	return d;
}

/* fold_key - lower-case a fixed-string key when the flags say so */
static const char *
fold_key(struct dict *d, const char *key)
{
	if (!(d->flags & DICT_FLAG_FOLD_FIX))
		return key;
	vstr_cpy(d->fold_buf, key);
	return lowercase(vstr_str(d->fold_buf));
}

/* dict_get - look up a key */
int
dict_get(struct dict *d, const char *key, const char **value)
{
	return d->lookup(d, fold_key(d, key), value);
}

/* dict_put - add or replace a key */
int
dict_put(struct dict *d, const char *key, const char *value)
{
	return d->update(d, fold_key(d, key), value);
}

/* dict_del - remove a key */
int
dict_del(struct dict *d, const char *key)
{
	return d->remove(d, fold_key(d, key));
}

/* dict_seq - walk the table */
int
dict_seq(struct dict *d, int how, const char **key, const char **value)
{
	return d->sequence(d, how, key, value);
}

/* dict_close - drop a reference; free on the last */
struct dict *
dict_close(struct dict *d)
{
	if (d == NULL || --d->refcount > 0)
		return NULL;
	if (d->shared_key) {
		htable_delete(dict_shared, d->shared_key, NULL);
		xfree(d->shared_key);
	}
	if (d->has_file)
		unwatch(d);
	d->close(d);
	xfree(d->type);
	xfree(d->name);
	xfree(d->file);
	vstr_free(d->why);
	vstr_free(d->fold_buf);
	xfree(d);
	return NULL;
}

/* dict_rebuild_path - a temporary file beside the table; caller frees */
char *
dict_rebuild_path(const char *final)
{
	struct vstr *tmp = vstr_alloc(100);

	vstr_fmt(tmp, "%s.%ld.tmp", final, (long) getpid());
	(void) unlink(vstr_str(tmp));
	return vstr_export(tmp);
}

/*
 * dict_rebuild_commit - fsync the rebuilt file and rename it over the
 * table, then fsync the directory: readers see the old or the new table,
 * never a partial one.
 */
void
dict_rebuild_commit(const char *tmp, const char *final)
{
	char *copy;
	int fd, dfd;

	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) < 0)
		msg_fatal("fsync %s: %m", tmp);
	close(fd);
	if (rename(tmp, final) < 0)
		msg_fatal("rename %s to %s: %m", tmp, final);
	copy = xstrdup(final);
	if ((dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >=
	    0) {
		(void) fsync(dfd);
		close(dfd);
	}
	xfree(copy);
}
