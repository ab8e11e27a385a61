/*
 * dict_lmdb - lmdb: tables (OpenLDAP LMDB), file NAME.lmdb
 *
 * Format as Debian's postfix-lmdb writes it: one unnamed database in a
 * single file (MDB_NOSUBDIR), keys and values with a trailing NUL. We open
 * with MDB_NOLOCK (no NAME.lmdb-lock file) and serialize writers with an
 * fcntl lock when DICT_FLAG_LOCK is set; rebuilds go to a temporary file
 * that is renamed into place, so readers never need the LMDB lock table.
 * When the map fills up, it is doubled and the write retried.
 */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <string.h>
#include <unistd.h>

#include "dict.h"
#include "dict_types.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

#define DICT_LMDB_MAP_SIZE ((size_t) 16 * 1024 * 1024)

struct dict_lmdb {
	struct dict dict;
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *seq_txn;
	MDB_cursor *cursor;
	size_t map_size;
	int lock_fd;
	char *path;
	char *tmp_path;
	struct vstr *key_buf;
	struct vstr *val_buf;
};

/* lm_error - record an LMDB error */
static int
lm_error(struct dict_lmdb *t, const char *what, int rc)
{
	vstr_fmt(t->dict.why, "%s %s: %s", what, t->path, mdb_strerror(rc));
	return DICT_ERROR;
}

/* lm_lock - fcntl lock around a write or read when asked */
static int
lm_lock(struct dict_lmdb *t, short type)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET};

	if (!(t->dict.flags & DICT_FLAG_LOCK) || t->lock_fd < 0)
		return 0;
	while (fcntl(t->lock_fd, F_SETLKW, &fl) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* copy_out - value without its stored NUL */
static const char *
copy_out(struct vstr *buf, const MDB_val *v)
{
	size_t len = v->mv_size;

	if (len > 0 && ((const char *) v->mv_data)[len - 1] == 0)
		len--;
	vstr_mem(buf, v->mv_data, len);
	return vstr_str(buf);
}

/* lm_lookup - find a key with and/or without NUL */
static int
lm_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_lmdb *t = (struct dict_lmdb *) d;
	MDB_txn *txn;
	MDB_val k, v;
	int rc, result = DICT_NOTFOUND;

	if (lm_lock(t, F_RDLCK) < 0)
		return lm_error(t, "lock", errno);
	if ((rc = mdb_txn_begin(t->env, NULL, MDB_RDONLY, &txn)) != 0) {
		(void) lm_lock(t, F_UNLCK);
		return lm_error(t, "read transaction on", rc);
	}
	for (int with_nul = 1; with_nul >= 0 && result == DICT_NOTFOUND;
	     with_nul--) {
		if (!(d->flags &
		      (with_nul ? DICT_FLAG_TRY1NULL : DICT_FLAG_TRY0NULL)))
			continue;
		k.mv_data = (void *) key;
		k.mv_size = strlen(key) + (size_t) with_nul;
		rc = mdb_get(txn, t->dbi, &k, &v);
		if (rc == 0) {
			*value = copy_out(t->val_buf, &v);
			d->flags &= ~(with_nul ? DICT_FLAG_TRY0NULL
			                       : DICT_FLAG_TRY1NULL);
			result = DICT_FOUND;
		} else if (rc != MDB_NOTFOUND) {
			result = lm_error(t, "read", rc);
		}
	}
	mdb_txn_abort(txn);
	(void) lm_lock(t, F_UNLCK);
	return result;
}

/* grow_map - double the map after MDB_MAP_FULL */
static int
grow_map(struct dict_lmdb *t)
{
	t->map_size = size_mul(t->map_size, 2);
	return mdb_env_set_mapsize(t->env, t->map_size);
}

/* lm_write - one put or delete in its own transaction, growing the map */
static int
lm_write(struct dict_lmdb *t, MDB_val *k, MDB_val *v, unsigned flags)
{
	MDB_txn *txn;
	int rc;

	for (;;) {
		if ((rc = mdb_txn_begin(t->env, NULL, 0, &txn)) != 0)
			return rc;
		rc = v ? mdb_put(txn, t->dbi, k, v, flags)
		       : mdb_del(txn, t->dbi, k, NULL);
		if (rc == 0)
			rc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
		if (rc != MDB_MAP_FULL)
			return rc;
		if ((rc = grow_map(t)) != 0)
			return rc;
	}
}

/* lm_update - add or replace per the duplicate policy */
static int
lm_update(struct dict *d, const char *key, const char *value)
{
	struct dict_lmdb *t = (struct dict_lmdb *) d;
	int with_nul;
	MDB_val k, v;
	int rc;

	if ((d->flags & DICT_FLAG_TRY1NULL) && (d->flags & DICT_FLAG_TRY0NULL))
		d->flags &= ~DICT_FLAG_TRY0NULL;
	with_nul = (d->flags & DICT_FLAG_TRY1NULL) != 0;
	k.mv_data = (void *) key;
	k.mv_size = strlen(key) + (size_t) with_nul;
	v.mv_data = (void *) value;
	v.mv_size = strlen(value) + (size_t) with_nul;
	if (lm_lock(t, F_WRLCK) < 0)
		return lm_error(t, "lock", errno);
	rc = lm_write(t, &k, &v,
	              (d->flags & DICT_FLAG_DUP_REPLACE) ? 0 : MDB_NOOVERWRITE);
	(void) lm_lock(t, F_UNLCK);
	if (rc == MDB_KEYEXIST)
		return DICT_DUP;
	return rc == 0 ? DICT_OK : lm_error(t, "write", rc);
}

/* lm_remove - delete a key in either form */
static int
lm_remove(struct dict *d, const char *key)
{
	struct dict_lmdb *t = (struct dict_lmdb *) d;
	int result = DICT_NOTFOUND;

	if (lm_lock(t, F_WRLCK) < 0)
		return lm_error(t, "lock", errno);
	for (int with_nul = 1; with_nul >= 0 && result != DICT_ERROR;
	     with_nul--) {
		MDB_val k = {.mv_data = (void *) key,
		             .mv_size = strlen(key) + (size_t) with_nul};
		int rc = lm_write(t, &k, NULL, 0);

		if (rc == 0)
			result = DICT_OK;
		else if (rc != MDB_NOTFOUND)
			result = lm_error(t, "delete from", rc);
	}
	(void) lm_lock(t, F_UNLCK);
	return result;
}

/* end_sequence - release the walk's transaction */
static void
end_sequence(struct dict_lmdb *t)
{
	if (t->cursor)
		mdb_cursor_close(t->cursor);
	if (t->seq_txn)
		mdb_txn_abort(t->seq_txn);
	t->cursor = NULL;
	t->seq_txn = NULL;
}

/* lm_sequence - walk with a cursor in one read transaction */
static int
lm_sequence(struct dict *d, int how, const char **key, const char **value)
{
	struct dict_lmdb *t = (struct dict_lmdb *) d;
	MDB_val k, v;
	int rc;

	if (how == DICT_SEQ_FIRST)
		end_sequence(t);
	if (t->cursor == NULL) {
		if ((rc = mdb_txn_begin(t->env, NULL, MDB_RDONLY,
		                        &t->seq_txn)) != 0 ||
		    (rc = mdb_cursor_open(t->seq_txn, t->dbi, &t->cursor)) !=
		            0) {
			end_sequence(t);
			return lm_error(t, "cursor on", rc);
		}
		how = DICT_SEQ_FIRST;
	}
	rc = mdb_cursor_get(t->cursor, &k, &v,
	                    how == DICT_SEQ_FIRST ? MDB_FIRST : MDB_NEXT);
	if (rc == MDB_NOTFOUND) {
		end_sequence(t);
		return DICT_NOTFOUND;
	}
	if (rc != 0)
		return lm_error(t, "read", rc);
	*key = copy_out(t->key_buf, &k);
	*value = copy_out(t->val_buf, &v);
	return DICT_FOUND;
}

/* lm_close - close, completing a rebuild */
static void
lm_close(struct dict *d)
{
	struct dict_lmdb *t = (struct dict_lmdb *) d;

	end_sequence(t);
	if (t->tmp_path) {
		(void) mdb_env_sync(t->env, 1);
		mdb_env_close(t->env);
		dict_rebuild_commit(t->tmp_path, t->path);
	} else {
		mdb_env_close(t->env);
	}
	if (t->lock_fd >= 0)
		close(t->lock_fd);
	xfree(t->path);
	xfree(t->tmp_path);
	vstr_free(t->key_buf);
	vstr_free(t->val_buf);
}

/* open_env - environment and database handle */
static int
open_env(struct dict_lmdb *t, const char *file, int open_flags,
         struct vstr *why)
{
	bool rdonly = (open_flags & O_ACCMODE) == O_RDONLY;
	unsigned env_flags = MDB_NOSUBDIR | MDB_NOLOCK |
	                     (rdonly ? MDB_RDONLY : 0) |
	                     (t->tmp_path ? MDB_NOSYNC : 0);
	MDB_txn *txn;
	int rc;

	if (!rdonly && !(open_flags & O_CREAT) && access(file, F_OK) < 0) {
		vstr_fmt(why, "open database %s: %s", file, strerror(errno));
		return -1;
	}
	if ((rc = mdb_env_create(&t->env)) != 0 ||
	    (rc = mdb_env_set_mapsize(t->env, t->map_size)) != 0 ||
	    (rc = mdb_env_open(t->env, file, env_flags, 0644)) != 0 ||
	    (rc = mdb_txn_begin(t->env, NULL, rdonly ? MDB_RDONLY : 0, &txn)) !=
	            0) {
		vstr_fmt(why, "open database %s: %s", file, mdb_strerror(rc));
		if (t->env)
			mdb_env_close(t->env);
		return -1;
	}
	if ((rc = mdb_dbi_open(txn, NULL, 0, &t->dbi)) != 0 ||
	    (rc = mdb_txn_commit(txn)) != 0) {
		vstr_fmt(why, "open database %s: %s", file, mdb_strerror(rc));
		mdb_env_close(t->env);
		return -1;
	}
	/* A map written by a writer with a larger map: adopt its size. */
	{
		MDB_envinfo info;

		if (mdb_env_info(t->env, &info) == 0 &&
		    info.me_mapsize > t->map_size)
			t->map_size = info.me_mapsize;
	}
	/* fcntl write locks need a descriptor open for writing. */
	t->lock_fd = open(file, (rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	return 0;
}

/* dict_lmdb_open - lmdb:NAME, file NAME.lmdb */
struct dict *
dict_lmdb_open(const char *name, int open_flags, int dict_flags,
               struct vstr *why)
{
	struct dict_lmdb *t;
	struct vstr *path = vstr_alloc(100);

	vstr_fmt(path, "%s.lmdb", name);
	t = (struct dict_lmdb *) dict_alloc("lmdb", name, sizeof(*t),
	                                    open_flags,
	                                    dict_flags | DICT_FLAG_FIXED);
	t->path = vstr_export(path);
	t->lock_fd = -1;
	t->map_size = DICT_LMDB_MAP_SIZE;
	t->key_buf = vstr_alloc(100);
	t->val_buf = vstr_alloc(100);
	if (open_flags & O_TRUNC) {
		t->tmp_path = dict_rebuild_path(t->path);
		/* New tables get the trailing NUL unless only -n was asked. */
		if (!(dict_flags & DICT_FLAG_TRY0NULL) ||
		    (dict_flags & DICT_FLAG_TRY1NULL))
			t->dict.flags = (t->dict.flags & ~DICT_FLAG_TRY0NULL) |
			                DICT_FLAG_TRY1NULL;
	}
	if (open_env(t, t->tmp_path ? t->tmp_path : t->path, open_flags, why) <
	    0) {
		xfree(t->path);
		xfree(t->tmp_path);
		vstr_free(t->key_buf);
		vstr_free(t->val_buf);
		return dict_close(&t->dict);
	}
	t->dict.lookup = lm_lookup;
	t->dict.update = lm_update;
	t->dict.remove = lm_remove;
	t->dict.sequence = lm_sequence;
	t->dict.close = lm_close;
	if (!t->tmp_path) {
		dict_watch_file(&t->dict, t->path);
		if ((open_flags & O_ACCMODE) == O_RDONLY)
			dict_source_check(t->path, name);
	}
	return &t->dict;
}
