/*
 * postalias_build - aliases(5) entries into an alias table
 */
#include <fcntl.h>
#include <stdbool.h>
#include <time.h>

#include "dict.h"
#include "mail_params.h"
#include "mkmap.h"
#include "msg.h"
#include "mymalloc.h"
#include "postalias.h"
#include "vstr.h"

/* find_op - index of the first operator tok in [from, to), or to */
static size_t
find_op(const struct alias_toks *t, size_t from, size_t to, int op)
{
	for (size_t i = from; i < to; i++)
		if (t->tok[i].type == op)
			return i;
	return to;
}

/* postalias_parse - "name: value, value" into key and value */
int
postalias_parse(const char *text, struct vstr *key, struct vstr *value)
{
	struct alias_toks *t = postalias_tok_scan(text);
	size_t colon = find_op(t, 0, t->count, ':');
	int rc = ALIAS_OK;

	if (t->count == 0)
		rc = ALIAS_EMPTY;
	else if (colon == t->count || colon == 0 || colon + 1 == t->count ||
	         find_op(t, 0, colon, ',') < colon)
		rc = ALIAS_NEED_PAIR;
	else if (find_op(t, 0, colon, '@') < colon ||
	         find_op(t, 0, colon, '%') < colon)
		rc = ALIAS_NOT_LOCAL;
	if (rc == ALIAS_OK) {
		postalias_tok_internal(key, t, 0, colon);
		postalias_tok_external(value, t, colon + 1, t->count);
	}
	postalias_tok_free(t);
	return rc;
}

struct alias_ctx {
	struct vstr *key;
	struct vstr *value;
};

/* add_entry - one logical line of the alias file */
static void
add_entry(struct mkmap *m, char *text, size_t line, void *ptr)
{
	struct alias_ctx *ctx = ptr;

	switch (postalias_parse(text, ctx->key, ctx->value)) {
	case ALIAS_OK:
		mkmap_add(m, vstr_str(ctx->key), vstr_str(ctx->value));
		break;
	case ALIAS_NEED_PAIR:
		msg_warn("%s, line %zu: need name:value pair", m->src_path,
		         line);
		break;
	case ALIAS_NOT_LOCAL:
		msg_warn("%s, line %zu: name must be local", m->src_path, line);
		break;
	}
}

/* add_signatures - the entries Postfix adds to every alias table */
static void
add_signatures(struct mkmap *m, bool incremental)
{
	struct vstr *stamp = vstr_alloc(20);

	if (incremental)
		mkmap_set_dup(m, DICT_FLAG_DUP_REPLACE);
	mkmap_add(m, "@", "@");
	/* NIS: as-is keys, no trailing NUL, whatever the table uses. */
	m->dict->flags &= ~(DICT_FLAG_TRY1NULL | DICT_FLAG_FOLD_FIX);
	m->dict->flags |= DICT_FLAG_TRY0NULL;
	vstr_fmt(stamp, "%010lld", (long long) time(NULL));
	mkmap_add(m, "YP_LAST_MODIFIED", vstr_str(stamp));
	mkmap_add(m, "YP_MASTER_NAME", var_myhostname);
	vstr_free(stamp);
}

/* postalias_build - build or update one alias table */
void
postalias_build(const char *arg, int open_flags, int dict_flags,
                int mkmap_flags)
{
	struct alias_ctx ctx = {vstr_alloc(100), vstr_alloc(100)};
	char *type, *name;
	struct mkmap *m;

	mkmap_split(arg, &type, &name);
	m = mkmap_open(type, name, open_flags, dict_flags, mkmap_flags);
	mkmap_read(m, add_entry, &ctx);
	add_signatures(m, !(open_flags & O_TRUNC));
	mkmap_close(m);
	vstr_free(ctx.key);
	vstr_free(ctx.value);
	xfree(type);
	xfree(name);
}
