/*
 * dict_db - hash: and btree: tables in Berkeley DB 5.3 files
 *
 * The file format is the one Debian's postfix writes: NAME.db, a DB_HASH or
 * DB_BTREE database whose keys and values carry a trailing NUL byte (we also
 * read tables written without it, as other tools make them).
 *
 * A table opened with O_TRUNC (postmap rebuilding it) is written to a
 * temporary file beside NAME.db and renamed over it when closed, after
 * fsync: readers keep using the old file until they reopen, and never see
 * a half-written table. dict_changed() tells daemons that it happened.
 *
 * With DICT_FLAG_LOCK, each operation takes an fcntl lock on the file
 * (shared to read, exclusive to write), so incremental updates from
 * "postmap -i" or "postmap -d" and lookups do not interleave.
 */
#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dict.h"
#include "dict_types.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

#define DICT_DB_NELEM 4096
#define DICT_DB_CREATE_CACHE (16 * 1024 * 1024)
#define DICT_DB_READ_CACHE (128 * 1024)

struct dict_db {
	struct dict dict;
	DB *db;
	DBC *cursor;
	int fd;
	char *path;     /* NAME.db */
	char *tmp_path; /* while rebuilding */
	struct vstr *key_buf;
	struct vstr *val_buf;
};

/* db_lock - fcntl lock around one operation when asked */
static int
db_lock(struct dict_db *t, short type)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET};

	if (!(t->dict.flags & DICT_FLAG_LOCK) || t->fd < 0)
		return 0;
	while (fcntl(t->fd, F_SETLKW, &fl) < 0) {
		if (errno != EINTR) {
			vstr_fmt(t->dict.why, "lock %s: %s", t->path,
			         strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* copy_out - a DBT into a NUL-terminated buffer, without a stored NUL */
static const char *
copy_out(struct vstr *buf, const DBT *dbt)
{
	size_t len = dbt->size;

	if (len > 0 && ((const char *) dbt->data)[len - 1] == 0)
		len--;
	vstr_mem(buf, dbt->data, len);
	return vstr_str(buf);
}

/* db_get_key - look up with and/or without the trailing NUL */
static int
db_get_key(struct dict_db *t, const char *key, DBT *val)
{
	DBT k;
	int rc;

	for (int with_nul = 1; with_nul >= 0; with_nul--) {
		int flag = with_nul ? DICT_FLAG_TRY1NULL : DICT_FLAG_TRY0NULL;

		if (!(t->dict.flags & flag))
			continue;
		memset(&k, 0, sizeof(k));
		memset(val, 0, sizeof(*val));
		k.data = (void *) key;
		k.size = (u_int32_t) (strlen(key) + (size_t) with_nul);
		rc = t->db->get(t->db, NULL, &k, val, 0);
		if (rc == 0) {
			/* Remember which form this table uses. */
			t->dict.flags &= ~(with_nul ? DICT_FLAG_TRY0NULL
			                            : DICT_FLAG_TRY1NULL);
			return DICT_FOUND;
		}
		if (rc != DB_NOTFOUND) {
			vstr_fmt(t->dict.why, "error reading %s: %s", t->path,
			         db_strerror(rc));
			return DICT_ERROR;
		}
	}
	return DICT_NOTFOUND;
}

/* db_lookup - find a key */
static int
db_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_db *t = (struct dict_db *) d;
	DBT val;
	int rc;

	if (db_lock(t, F_RDLCK) < 0)
		return DICT_ERROR;
	rc = db_get_key(t, key, &val);
	if (rc == DICT_FOUND)
		*value = copy_out(t->val_buf, &val);
	(void) db_lock(t, F_UNLCK);
	return rc;
}

/* db_update - add or replace a key per the duplicate policy */
static int
db_update(struct dict *d, const char *key, const char *value)
{
	struct dict_db *t = (struct dict_db *) d;
	int with_nul = (d->flags & DICT_FLAG_TRY1NULL) != 0;
	DBT k, v;
	int rc;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	/* A table that holds both forms is a new one: write with NUL. */
	if ((d->flags & DICT_FLAG_TRY1NULL) && (d->flags & DICT_FLAG_TRY0NULL))
		d->flags &= ~DICT_FLAG_TRY0NULL;
	k.data = (void *) key;
	k.size = (u_int32_t) (strlen(key) + (size_t) with_nul);
	v.data = (void *) value;
	v.size = (u_int32_t) (strlen(value) + (size_t) with_nul);
	if (db_lock(t, F_WRLCK) < 0)
		return DICT_ERROR;
	rc = t->db->put(t->db, NULL, &k, &v,
	                (d->flags & DICT_FLAG_DUP_REPLACE) ? 0
	                                                   : DB_NOOVERWRITE);
	if (rc == 0 && !(d->flags & DICT_FLAG_BULK))
		rc = t->db->sync(t->db, 0);
	(void) db_lock(t, F_UNLCK);
	if (rc == DB_KEYEXIST)
		return DICT_DUP;
	if (rc != 0) {
		vstr_fmt(d->why, "error writing %s: %s", t->path,
		         db_strerror(rc));
		return DICT_ERROR;
	}
	return DICT_OK;
}

/* db_remove - delete a key in either form */
static int
db_remove(struct dict *d, const char *key)
{
	struct dict_db *t = (struct dict_db *) d;
	int result = DICT_NOTFOUND;

	if (db_lock(t, F_WRLCK) < 0)
		return DICT_ERROR;
	for (int with_nul = 1; with_nul >= 0 && result != DICT_ERROR;
	     with_nul--) {
		DBT k;
		int rc;

		memset(&k, 0, sizeof(k));
		k.data = (void *) key;
		k.size = (u_int32_t) (strlen(key) + (size_t) with_nul);
		rc = t->db->del(t->db, NULL, &k, 0);
		if (rc == 0)
			result = DICT_OK;
		else if (rc != DB_NOTFOUND) {
			vstr_fmt(d->why, "error deleting from %s: %s", t->path,
			         db_strerror(rc));
			result = DICT_ERROR;
		}
	}
	if (result == DICT_OK && t->db->sync(t->db, 0) != 0)
		result = DICT_ERROR;
	(void) db_lock(t, F_UNLCK);
	return result;
}

/* db_sequence - walk with a cursor */
static int
db_sequence(struct dict *d, int how, const char **key, const char **value)
{
	struct dict_db *t = (struct dict_db *) d;
	DBT k, v;
	int rc;

	if (t->cursor == NULL &&
	    (rc = t->db->cursor(t->db, NULL, &t->cursor, 0)) != 0) {
		vstr_fmt(d->why, "cursor on %s: %s", t->path, db_strerror(rc));
		return DICT_ERROR;
	}
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	rc = t->cursor->get(t->cursor, &k, &v,
	                    how == DICT_SEQ_FIRST ? DB_FIRST : DB_NEXT);
	if (rc == DB_NOTFOUND)
		return DICT_NOTFOUND;
	if (rc != 0) {
		vstr_fmt(d->why, "error reading %s: %s", t->path,
		         db_strerror(rc));
		return DICT_ERROR;
	}
	*key = copy_out(t->key_buf, &k);
	*value = copy_out(t->val_buf, &v);
	return DICT_FOUND;
}

/* db_close - close, completing a rebuild */
static void
db_close(struct dict *d)
{
	struct dict_db *t = (struct dict_db *) d;
	int rc;

	if (t->cursor)
		t->cursor->close(t->cursor);
	if ((rc = t->db->close(t->db, 0)) != 0)
		msg_fatal("close %s: %s", t->tmp_path ? t->tmp_path : t->path,
		          db_strerror(rc));
	if (t->tmp_path)
		dict_rebuild_commit(t->tmp_path, t->path);
	xfree(t->path);
	xfree(t->tmp_path);
	vstr_free(t->key_buf);
	vstr_free(t->val_buf);
}

/* db_errcall - Berkeley DB's own messages: we report errors ourselves */
static void
db_errcall(const DB_ENV *env, const char *prefix, const char *text)
{
	(void) env;
	(void) prefix;
	if (msg_verbose)
		msg_info("Berkeley DB: %s", text);
}

/* open_db - the Berkeley DB handle for one file */
static int
open_db(struct dict_db *t, const char *file, DBTYPE type, int open_flags,
        struct vstr *why)
{
	u_int32_t db_flags = 0;
	int rc;

	if ((rc = db_create(&t->db, NULL, 0)) != 0) {
		vstr_fmt(why, "db_create: %s", db_strerror(rc));
		return -1;
	}
	t->db->set_errcall(t->db, db_errcall);
	if ((open_flags & O_ACCMODE) == O_RDONLY)
		db_flags |= DB_RDONLY;
	if (open_flags & O_CREAT)
		db_flags |= DB_CREATE;
	(void) t->db->set_cachesize(t->db, 0,
	                            (open_flags & O_CREAT)
	                                    ? DICT_DB_CREATE_CACHE
	                                    : DICT_DB_READ_CACHE,
	                            0);
	if (type == DB_HASH)
		(void) t->db->set_h_nelem(t->db, DICT_DB_NELEM);
	if ((rc = t->db->open(t->db, NULL, file, NULL, type, db_flags, 0644)) !=
	    0) {
		vstr_fmt(why, "open database %s: %s", t->path,
		         rc > 0 ? strerror(rc) : db_strerror(rc));
		t->db->close(t->db, 0);
		t->db = NULL;
		return -1;
	}
	if (t->db->fd(t->db, &t->fd) != 0)
		t->fd = -1;
	return 0;
}

/* db_open - common part of hash: and btree: */
static struct dict *
db_open(const char *type, DBTYPE dbtype, const char *name, int open_flags,
        int dict_flags, struct vstr *why)
{
	struct dict_db *t;
	struct vstr *path = vstr_alloc(100);
	const char *file;

	vstr_fmt(path, "%s.db", name);
	t = (struct dict_db *) dict_alloc(type, name, sizeof(*t), open_flags,
	                                  dict_flags | DICT_FLAG_FIXED);
	t->path = vstr_export(path);
	t->fd = -1;
	t->key_buf = vstr_alloc(100);
	t->val_buf = vstr_alloc(100);
	file = t->path;
	if (open_flags & O_TRUNC) {
		t->tmp_path = dict_rebuild_path(t->path);
		file = t->tmp_path;
		t->dict.flags |= DICT_FLAG_BULK;
		/* New tables get the trailing NUL unless only -n was asked. */
		if (!(dict_flags & DICT_FLAG_TRY0NULL) ||
		    (dict_flags & DICT_FLAG_TRY1NULL))
			t->dict.flags = (t->dict.flags & ~DICT_FLAG_TRY0NULL) |
			                DICT_FLAG_TRY1NULL;
	}
	if (open_db(t, file, dbtype, open_flags | (t->tmp_path ? O_CREAT : 0),
	            why) < 0) {
		xfree(t->tmp_path);
		xfree(t->path);
		vstr_free(t->key_buf);
		vstr_free(t->val_buf);
		return dict_close(&t->dict);
	}
	t->dict.lookup = db_lookup;
	t->dict.update = db_update;
	t->dict.remove = db_remove;
	t->dict.sequence = db_sequence;
	t->dict.close = db_close;
	if (!t->tmp_path) {
		dict_watch_file(&t->dict, t->path);
		if ((open_flags & O_ACCMODE) == O_RDONLY)
			dict_source_check(t->path, name);
	}
	return &t->dict;
}

/* dict_hash_open - hash:NAME, file NAME.db */
struct dict *
dict_hash_open(const char *name, int open_flags, int dict_flags,
               struct vstr *why)
{
	return db_open("hash", DB_HASH, name, open_flags, dict_flags, why);
}

/* dict_btree_open - btree:NAME, file NAME.db */
struct dict *
dict_btree_open(const char *name, int open_flags, int dict_flags,
                struct vstr *why)
{
	return db_open("btree", DB_BTREE, name, open_flags, dict_flags, why);
}
