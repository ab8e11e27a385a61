/*
 * dict_simple - tables without files of their own format:
 *	static:text	every key maps to text ("static:{ text }" allowed)
 *	fail:name	every lookup fails with a temporary error
 *	inline:{ k=v, { k = v } }	a table written in the name
 *	environ:any	the process environment
 *	texthash:/path	a postmap source file read into memory
 *	unix:passwd.byname, unix:group.byname	the system user/group database
 */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "dict_source.h"
#include "dict_types.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* strip_braces - "{ text }" to "text"; plain text as is */
static char *
strip_braces(const char *name, struct vstr *why)
{
	char *copy = xstrdup(name), *text = copy;

	if (*text == '{' && extpar(&text, "{}", why) == NULL) {
		xfree(copy);
		return NULL;
	}
	text = xstrdup(text);
	xfree(copy);
	return text;
}

struct dict_static {
	struct dict dict;
	char *value;
};

static int
static_lookup(struct dict *d, const char *key, const char **value)
{
	(void) key;
	*value = ((struct dict_static *) d)->value;
	return DICT_FOUND;
}

static void
static_close(struct dict *d)
{
	xfree(((struct dict_static *) d)->value);
}

/* dict_static_open - static:text */
struct dict *
dict_static_open(const char *name, int open_flags, int dict_flags,
                 struct vstr *why)
{
	char *value = strip_braces(name, why);
	struct dict_static *s;

	if (value == NULL) {
		vstr_fmt_append(why, " in static:%s", name);
		return NULL;
	}
	s = (struct dict_static *) dict_alloc("static", name, sizeof(*s),
	                                      open_flags,
	                                      dict_flags | DICT_FLAG_FIXED);
	s->value = value;
	s->dict.lookup = static_lookup;
	s->dict.close = static_close;
	return &s->dict;
}

static int
fail_lookup(struct dict *d, const char *key, const char **value)
{
	(void) key;
	(void) value;
	vstr_fmt(d->why, "fail:%s: table lookup failed on purpose", d->name);
	return DICT_ERROR;
}

static int
fail_update(struct dict *d, const char *key, const char *value)
{
	(void) value;
	return fail_lookup(d, key, NULL);
}

static int
fail_remove(struct dict *d, const char *key)
{
	return fail_lookup(d, key, NULL);
}

static int
fail_sequence(struct dict *d, int how, const char **key, const char **value)
{
	(void) how;
	(void) value;
	return fail_lookup(d, key ? *key : NULL, NULL);
}

/* dict_fail_open - fail:name, for testing error paths */
struct dict *
dict_fail_open(const char *name, int open_flags, int dict_flags,
               struct vstr *why)
{
	struct dict *d = dict_alloc("fail", name, sizeof(*d), open_flags,
	                            dict_flags | DICT_FLAG_FIXED);

	(void) why;
	d->lookup = fail_lookup;
	d->update = fail_update;
	d->remove = fail_remove;
	d->sequence = fail_sequence;
	return d;
}

/* inline_add - one "k=v" or "{ k = v }" element */
static int
inline_add(struct dict *d, const char *elem, struct vstr *why)
{
	char *copy = xstrdup(elem), *text = copy, *key, *value;
	const char *err;
	int rc = 0;

	if (*text == '{' && extpar(&text, "{}", why) == NULL)
		rc = -1;
	else if (split_nameval(text, &key, &value, &err) < 0) {
		vstr_fmt(why, "%s: \"%s\"", err, elem);
		rc = -1;
	} else {
		dict_mem_add(d, key, value, "inline", 0);
	}
	xfree(copy);
	return rc;
}

/* dict_inline_open - inline:{ k=v, { k = v } } */
struct dict *
dict_inline_open(const char *name, int open_flags, int dict_flags,
                 struct vstr *why)
{
	char *list = strip_braces(name, why), *cp, *elem;
	struct dict *d;

	if (list == NULL || *name != '{') {
		if (list == NULL)
			vstr_fmt_append(why, " in inline:%s", name);
		else
			vstr_fmt(why, "inline:%s: need \"{ name=value ... }\"",
			         name);
		xfree(list);
		return NULL;
	}
	d = dict_mem_alloc("inline", name, open_flags,
	                   dict_flags | DICT_FLAG_DUP_REPLACE);
	d->flags &= ~DICT_FLAG_DUP_WARN;
	for (cp = list; (elem = mystrtokq(&cp, LIST_DELIMS, "{}")) != NULL;) {
		if (inline_add(d, elem, why) < 0) {
			vstr_fmt_append(why, " in inline:%s", name);
			xfree(list);
			return dict_close(d);
		}
	}
	xfree(list);
	return d;
}

static int
environ_lookup(struct dict *d, const char *key, const char **value)
{
	(void) d;
	return (*value = getenv(key)) != NULL ? DICT_FOUND : DICT_NOTFOUND;
}

/* dict_environ_open - environ:name (any name) */
struct dict *
dict_environ_open(const char *name, int open_flags, int dict_flags,
                  struct vstr *why)
{
	struct dict *d = dict_alloc("environ", name, sizeof(*d), open_flags,
	                            (dict_flags | DICT_FLAG_FIXED) &
	                                    ~DICT_FLAG_FOLD_FIX);

	(void) why;
	d->lookup = environ_lookup;
	return d;
}

/* texthash_entry - dict_source_read callback */
static void
texthash_entry(const char *key, const char *value, const char *path,
               size_t line, void *ctx)
{
	dict_mem_add(ctx, key, value, path, line);
}

/* dict_texthash_open - texthash:/path, postmap input read into memory */
struct dict *
dict_texthash_open(const char *name, int open_flags, int dict_flags,
                   struct vstr *why)
{
	struct dict *d;

	if ((open_flags & 3) != 0) {
		vstr_fmt(why, "texthash:%s: table is read-only", name);
		return NULL;
	}
	d = dict_mem_alloc("texthash", name, open_flags, dict_flags);
	if (dict_source_read(name, texthash_entry, d, why) < 0)
		return dict_close(d);
	dict_watch_file(d, name);
	return d;
}

struct dict_unix {
	struct dict dict;
	struct vstr *result;
};

static int
unix_pw_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_unix *u = (struct dict_unix *) d;
	struct passwd *pw = getpwnam(key);

	if (pw == NULL)
		return DICT_NOTFOUND;
	vstr_fmt(u->result, "%s:%s:%ld:%ld:%s:%s:%s", pw->pw_name,
	         pw->pw_passwd, (long) pw->pw_uid, (long) pw->pw_gid,
	         pw->pw_gecos, pw->pw_dir, pw->pw_shell);
	*value = vstr_str(u->result);
	return DICT_FOUND;
}

static int
unix_gr_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_unix *u = (struct dict_unix *) d;
	struct group *gr = getgrnam(key);

	if (gr == NULL)
		return DICT_NOTFOUND;
	vstr_fmt(u->result, "%s:%s:%ld:", gr->gr_name, gr->gr_passwd,
	         (long) gr->gr_gid);
	for (char **m = gr->gr_mem; *m; m++)
		vstr_fmt_append(u->result, "%s%s", m == gr->gr_mem ? "" : ",",
		                *m);
	*value = vstr_str(u->result);
	return DICT_FOUND;
}

static void
unix_close(struct dict *d)
{
	vstr_free(((struct dict_unix *) d)->result);
}

/* dict_unix_open - unix:passwd.byname or unix:group.byname */
struct dict *
dict_unix_open(const char *name, int open_flags, int dict_flags,
               struct vstr *why)
{
	struct dict_unix *u;
	bool pw = strcmp(name, "passwd.byname") == 0;

	if (!pw && strcmp(name, "group.byname") != 0) {
		vstr_fmt(why, "unknown table: unix:%s", name);
		return NULL;
	}
	u = (struct dict_unix *) dict_alloc("unix", name, sizeof(*u),
	                                    open_flags,
	                                    dict_flags | DICT_FLAG_FIXED);
	u->result = vstr_alloc(128);
	u->dict.lookup = pw ? unix_pw_lookup : unix_gr_lookup;
	u->dict.close = unix_close;
	return &u->dict;
}
