#ifndef DICT_TYPES_H
#define DICT_TYPES_H
/*
 * NAME
 *	dict_types - openers of the built-in table types
 * DESCRIPTION
 *	Each opener has the dict_open_fn signature (dict.h). dict_init()
 *	registers them under their type names.
 */
#include "dict.h"

/* dict_simple.c */
extern struct dict *dict_static_open(const char *, int, int, struct vstr *);
extern struct dict *dict_fail_open(const char *, int, int, struct vstr *);
extern struct dict *dict_inline_open(const char *, int, int, struct vstr *);
extern struct dict *dict_environ_open(const char *, int, int, struct vstr *);
extern struct dict *dict_texthash_open(const char *, int, int, struct vstr *);
extern struct dict *dict_unix_open(const char *, int, int, struct vstr *);
/* BEGIN more types: one block per file, in file order */
/* dict_sqlite.c */
extern struct dict *dict_sqlite_open(const char *, int, int, struct vstr *);
/* dict_tcp.c; the timeout is for tests and daemons that need another */
extern struct dict *dict_tcp_open(const char *, int, int, struct vstr *);
extern int dict_tcp_timeout_ms; /* each step of a request; 100s */
/* dict_socketmap.c */
extern struct dict *dict_socketmap_open(const char *, int, int, struct vstr *);
extern int dict_socketmap_timeout_ms;     /* each step; 100s */
extern size_t dict_socketmap_reply_limit; /* bytes; 100000 */
/* dict_pipemap.c */
extern struct dict *dict_pipemap_open(const char *, int, int, struct vstr *);
extern struct dict *dict_unionmap_open(const char *, int, int, struct vstr *);
/* dict_regexp.c, dict_pcre.c, dict_cidr.c (shared rules: dict_pattern.c) */
extern struct dict *dict_regexp_open(const char *, int, int, struct vstr *);
extern struct dict *dict_pcre_open(const char *, int, int, struct vstr *);
extern struct dict *dict_cidr_open(const char *, int, int, struct vstr *);
/* dict_db.c */
extern struct dict *dict_hash_open(const char *, int, int, struct vstr *);
extern struct dict *dict_btree_open(const char *, int, int, struct vstr *);
/* dict_lmdb.c, dict_cdb.c */
extern struct dict *dict_lmdb_open(const char *, int, int, struct vstr *);
extern struct dict *dict_cdb_open(const char *, int, int, struct vstr *);
/* END more types */

#endif
