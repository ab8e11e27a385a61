/*
 * dict_builtin - register every built-in table type
 *
 * Each type's file exports its opener(s), declared in dict_types.h; this
 * list is the only place that names them all.
 */
#include <stdbool.h>

#include "dict.h"
#include "dict_types.h"

/* dict_init - register the built-in types once */
void
dict_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	/* dict_simple.c */
	dict_register("static", dict_static_open);
	dict_register("fail", dict_fail_open);
	dict_register("inline", dict_inline_open);
	dict_register("environ", dict_environ_open);
	dict_register("texthash", dict_texthash_open);
	dict_register("unix", dict_unix_open);
	/* BEGIN more types: one block per file, in file order */
	/* dict_sqlite.c, dict_tcp.c, dict_socketmap.c, dict_pipemap.c */
	dict_register("sqlite", dict_sqlite_open);
	dict_register("tcp", dict_tcp_open);
	dict_register("socketmap", dict_socketmap_open);
	dict_register("pipemap", dict_pipemap_open);
	dict_register("unionmap", dict_unionmap_open);
	/* dict_regexp.c, dict_pcre.c, dict_cidr.c */
	dict_register("regexp", dict_regexp_open);
	dict_register("pcre", dict_pcre_open);
	dict_register("cidr", dict_cidr_open);
	/* dict_db.c */
	dict_register("hash", dict_hash_open);
	dict_register("btree", dict_btree_open);
	/* dict_lmdb.c, dict_cdb.c */
	dict_register("lmdb", dict_lmdb_open);
	dict_register("cdb", dict_cdb_open);
	/* END more types */
}
