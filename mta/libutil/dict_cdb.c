/*
 * dict_cdb - cdb: tables (tinycdb), file NAME.cdb
 *
 * Format as Debian's postfix-cdb writes it: keys and values without a
 * trailing NUL (we read either form). A constant database cannot be
 * changed in place: it is only built whole (open with O_TRUNC), into a
 * temporary file renamed over NAME.cdb when closed.
 */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dict.h"
#include "dict_types.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

struct dict_cdb {
	struct dict dict;
	struct cdb cdb;
	struct cdb_make make;
	bool making;
	int fd;
	unsigned seq_pos;
	char *path;
	char *tmp_path;
	struct vstr *key_buf;
	struct vstr *val_buf;
};

/* read_at - copy len bytes at pos into buf */
static const char *
read_at(struct dict_cdb *t, struct vstr *buf, unsigned len, unsigned pos)
{
	vstr_reset(buf);
	vstr_reserve(buf, len);
	if (cdb_read(&t->cdb, buf->buf, len, pos) < 0)
		return NULL;
	if (len > 0 && buf->buf[len - 1] == 0)
		len--;
	buf->len = len;
	buf->buf[len] = 0;
	return vstr_str(buf);
}

/* cdb_lookup_key - find a key without and/or with NUL */
static int
cdb_lookup_key(struct dict *d, const char *key, const char **value)
{
	struct dict_cdb *t = (struct dict_cdb *) d;

	for (int with_nul = 0; with_nul <= 1; with_nul++) {
		int rc;

		if (!(d->flags &
		      (with_nul ? DICT_FLAG_TRY1NULL : DICT_FLAG_TRY0NULL)))
			continue;
		rc = cdb_find(&t->cdb, key,
		              (unsigned) (strlen(key) + (size_t) with_nul));
		if (rc < 0) {
			vstr_fmt(d->why, "error reading %s: %s", t->path,
			         strerror(errno));
			return DICT_ERROR;
		}
		if (rc > 0) {
			*value = read_at(t, t->val_buf, cdb_datalen(&t->cdb),
			                 cdb_datapos(&t->cdb));
			if (*value == NULL) {
				vstr_fmt(d->why, "error reading %s", t->path);
				return DICT_ERROR;
			}
			d->flags &= ~(with_nul ? DICT_FLAG_TRY0NULL
			                       : DICT_FLAG_TRY1NULL);
			return DICT_FOUND;
		}
	}
	return DICT_NOTFOUND;
}

/* cdb_update - add while building */
static int
cdb_update(struct dict *d, const char *key, const char *value)
{
	struct dict_cdb *t = (struct dict_cdb *) d;
	int with_nul = (d->flags & DICT_FLAG_TRY1NULL) &&
	               !(d->flags & DICT_FLAG_TRY0NULL);
	int rc;

	if (!t->making)
		return dict_unsupported(d, "update of an existing table");
	rc = cdb_make_put(&t->make, key,
	                  (unsigned) (strlen(key) + (size_t) with_nul), value,
	                  (unsigned) (strlen(value) + (size_t) with_nul),
	                  (d->flags & DICT_FLAG_DUP_REPLACE) ? CDB_PUT_REPLACE
	                                                     : CDB_PUT_INSERT);
	if (rc < 0) {
		vstr_fmt(d->why, "error writing %s: %s", t->tmp_path,
		         strerror(errno));
		return DICT_ERROR;
	}
	return rc > 0 && !(d->flags & DICT_FLAG_DUP_REPLACE) ? DICT_DUP
	                                                     : DICT_OK;
}

/* cdb_sequence_next - walk the records */
static int
cdb_sequence_next(struct dict *d, int how, const char **key, const char **value)
{
	struct dict_cdb *t = (struct dict_cdb *) d;
	int rc;

	if (t->making)
		return dict_unsupported(d, "sequence while building");
	if (how == DICT_SEQ_FIRST)
		cdb_seqinit(&t->seq_pos, &t->cdb);
	if ((rc = cdb_seqnext(&t->seq_pos, &t->cdb)) == 0)
		return DICT_NOTFOUND;
	if (rc < 0 ||
	    (*key = read_at(t, t->key_buf, cdb_keylen(&t->cdb),
	                    cdb_keypos(&t->cdb))) == NULL ||
	    (*value = read_at(t, t->val_buf, cdb_datalen(&t->cdb),
	                      cdb_datapos(&t->cdb))) == NULL) {
		vstr_fmt(d->why, "error reading %s", t->path);
		return DICT_ERROR;
	}
	return DICT_FOUND;
}

/* cdb_close_table - close, completing a build */
static void
cdb_close_table(struct dict *d)
{
	struct dict_cdb *t = (struct dict_cdb *) d;

	if (t->making) {
		if (cdb_make_finish(&t->make) < 0)
			msg_fatal("write %s: %m", t->tmp_path);
		close(t->fd);
		dict_rebuild_commit(t->tmp_path, t->path);
	} else {
		cdb_free(&t->cdb);
		close(t->fd);
	}
	xfree(t->path);
	xfree(t->tmp_path);
	vstr_free(t->key_buf);
	vstr_free(t->val_buf);
}

/* open_file - the file to read, or the temporary file to build */
static int
open_file(struct dict_cdb *t, int open_flags, struct vstr *why)
{
	if (t->making) {
		t->fd = open(t->tmp_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
		             0644);
		if (t->fd < 0 || cdb_make_start(&t->make, t->fd) < 0) {
			vstr_fmt(why, "create %s: %s", t->tmp_path,
			         strerror(errno));
			return -1;
		}
		return 0;
	}
	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		vstr_fmt(why,
		         "cdb:%s: a cdb table can only be rebuilt whole, "
		         "not updated",
		         t->dict.name);
		return -1;
	}
	t->fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0 || cdb_init(&t->cdb, t->fd) < 0) {
		vstr_fmt(why, "open database %s: %s", t->path, strerror(errno));
		if (t->fd >= 0)
			close(t->fd);
		return -1;
	}
	return 0;
}

/* dict_cdb_open - cdb:NAME, file NAME.cdb */
struct dict *
dict_cdb_open(const char *name, int open_flags, int dict_flags,
              struct vstr *why)
{
	struct dict_cdb *t;
	struct vstr *path = vstr_alloc(100);

	vstr_fmt(path, "%s.cdb", name);
	t = (struct dict_cdb *) dict_alloc("cdb", name, sizeof(*t), open_flags,
	                                   dict_flags | DICT_FLAG_FIXED);
	t->path = vstr_export(path);
	t->fd = -1;
	t->key_buf = vstr_alloc(100);
	t->val_buf = vstr_alloc(100);
	if (open_flags & O_TRUNC) {
		t->making = true;
		t->tmp_path = dict_rebuild_path(t->path);
		/* Debian's postfix-cdb writes keys without the NUL. */
		if (!(dict_flags & DICT_FLAG_TRY1NULL) ||
		    (dict_flags & DICT_FLAG_TRY0NULL))
			t->dict.flags = (t->dict.flags & ~DICT_FLAG_TRY1NULL) |
			                DICT_FLAG_TRY0NULL;
	}
	if (open_file(t, open_flags, why) < 0) {
		xfree(t->path);
		xfree(t->tmp_path);
		vstr_free(t->key_buf);
		vstr_free(t->val_buf);
		return dict_close(&t->dict);
	}
	t->dict.lookup = cdb_lookup_key;
	t->dict.update = cdb_update;
	t->dict.sequence = cdb_sequence_next;
	t->dict.close = cdb_close_table;
	if (!t->making) {
		dict_watch_file(&t->dict, t->path);
		dict_source_check(t->path, name);
	}
	return &t->dict;
}
