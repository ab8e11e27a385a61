/*
 * master_cf - parse master.cf into entries
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "argv.h"
#include "linefile.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

const char *const master_field_names[MF_COUNT] = {
        "service", "type",   "private",       "unprivileged",
        "chroot",  "wakeup", "process_limit", "command",
};

static const char *const service_types[] = {
        "inet", "unix", "unix-dgram", "fifo", "pass", NULL,
};

/* is_yn - y, n or - */
static bool
is_yn(const char *v)
{
	return strcmp(v, "y") == 0 || strcmp(v, "n") == 0 ||
	       strcmp(v, "-") == 0;
}

/* is_wakeup - number, number?, or - */
static bool
is_wakeup(const char *v)
{
	size_t n = strspn(v, "0123456789");

	if (strcmp(v, "-") == 0)
		return true;
	return n > 0 && (v[n] == 0 || (v[n] == '?' && v[n + 1] == 0));
}

/* master_field_check - validate one fixed field */
int
master_field_check(int field, const char *v, struct vstr *why)
{
	bool ok = true;

	switch (field) {
	case MF_NAME:
		ok = *v != 0 && v[strcspn(v, " \t{}")] == 0;
		break;
	case MF_TYPE:
		ok = false;
		for (const char *const *t = service_types; *t; t++)
			if (strcmp(v, *t) == 0)
				ok = true;
		break;
	case MF_PRIVATE:
	case MF_UNPRIV:
	case MF_CHROOT:
		ok = is_yn(v);
		break;
	case MF_WAKEUP:
		ok = is_wakeup(v);
		break;
	case MF_MAXPROC:
		ok = strcmp(v, "-") == 0 || alldig(v);
		break;
	default:
		ok = *v != 0;
		break;
	}
	if (!ok)
		vstr_fmt(why, "field \"%s\": bad value: \"%s\"",
		         master_field_names[field], v);
	return ok ? 0 : -1;
}

/* master_ent_clear - release an entry's storage */
void
master_ent_clear(struct master_ent *ent)
{
	for (int i = 0; i < MF_COMMAND; i++)
		ent->field[i] = xfree(ent->field[i]);
	ent->args = argv_free(ent->args);
}

/* master_ent_parse - one entry from its logical line */
int
master_ent_parse(const char *text, struct master_ent *ent, struct vstr *why)
{
	char *copy = xstrdup(text);
	char *cp = copy;
	char *tok;
	int field = 0;

	memset(ent, 0, sizeof(*ent));
	ent->args = argv_alloc(8);
	while ((tok = mystrtokq(&cp, SPACE_DELIMS, "{}")) != NULL) {
		if (field < MF_COMMAND) {
			if (master_field_check(field, tok, why) < 0)
				goto bad;
			ent->field[field++] = xstrdup(tok);
		} else {
			argv_add(ent->args, tok);
		}
	}
	if (ent->args->argc == 0) {
		vstr_fmt(why, "entry has fewer than %d fields", MF_COUNT);
		goto bad;
	}
	xfree(copy);
	return 0;
bad:
	xfree(copy);
	master_ent_clear(ent);
	return -1;
}

/* master_cf_free - destroy, return NULL */
struct master_cf *
master_cf_free(struct master_cf *mc)
{
	if (mc == NULL)
		return NULL;
	for (size_t i = 0; i < mc->count; i++)
		master_ent_clear(&mc->ents[i]);
	xfree(mc->ents);
	linefile_free(mc->lf);
	xfree(mc->path);
	xfree(mc);
	return NULL;
}

/* master_cf_parse - parse the lines of a linefile; takes ownership */
struct master_cf *
master_cf_parse(struct linefile *lf, struct vstr *why)
{
	struct master_cf *mc = xcalloc(1, sizeof(*mc));
	struct logical_line ll = {0};
	struct vstr *reason = vstr_alloc(100);
	size_t pos = 0, cap = 32;

	mc->path = xstrdup(lf->path);
	mc->lf = lf;
	mc->ents = xreallocarray(NULL, cap, sizeof(*mc->ents));
	while (linefile_next(mc->lf, &pos, &ll)) {
		/* Continuation text with nothing to continue: as main.cf. */
		if (ll.leading_space) {
			msg_warn("%s: logical line must not start with "
			         "whitespace: \"%s\"",
			         mc->path, vstr_str(ll.text));
			continue;
		}
		if (mc->count == cap) {
			cap = size_mul(cap, 2);
			mc->ents =
			        xreallocarray(mc->ents, cap, sizeof(*mc->ents));
		}
		if (master_ent_parse(vstr_str(ll.text), &mc->ents[mc->count],
		                     reason) < 0) {
			vstr_fmt(why, "file %s: line %zu: %s", mc->path,
			         ll.first + 1, vstr_str(reason));
			vstr_free(ll.text);
			vstr_free(reason);
			return master_cf_free(mc);
		}
		mc->ents[mc->count].first = ll.first;
		mc->ents[mc->count].last = ll.last;
		mc->count++;
	}
	vstr_free(ll.text);
	vstr_free(reason);
	return mc;
}

/* master_cf_read - load and parse a master.cf file */
struct master_cf *
master_cf_read(const char *path, struct vstr *why)
{
	struct linefile *lf = linefile_read(path, why);

	return lf ? master_cf_parse(lf, why) : NULL;
}

/* master_cf_reparse - parse again after the lines were edited */
struct master_cf *
master_cf_reparse(struct master_cf *mc, struct vstr *why)
{
	struct linefile *lf = mc->lf;

	mc->lf = NULL;
	master_cf_free(mc);
	return master_cf_parse(lf, why);
}

/* master_cf_find - entry by service name and type */
struct master_ent *
master_cf_find(const struct master_cf *mc, const char *name, const char *type)
{
	for (size_t i = 0; i < mc->count; i++)
		if (strcmp(mc->ents[i].field[MF_NAME], name) == 0 &&
		    strcmp(mc->ents[i].field[MF_TYPE], type) == 0)
			return &mc->ents[i];
	return NULL;
}

/* walk_one - split one "name=value" or "{ name = value }" */
static int
walk_one(const char *arg, size_t argi, master_opt_fn fn, void *ctx,
         struct vstr *why)
{
	char *copy = xstrdup(arg);
	char *text = copy;
	char *name, *value;
	const char *err;
	int rc = 0;

	if (*text == '{' && extpar(&text, "{}", why) == NULL)
		rc = -1;
	else if (split_nameval(text, &name, &value, &err) < 0) {
		vstr_fmt(why, "%s: \"%s\"", err, arg);
		rc = -1;
	} else {
		fn(name, value, argi, ctx);
	}
	xfree(copy);
	return rc;
}

/* master_ent_walk_options - call fn for each -o pair of an entry */
int
master_ent_walk_options(const struct master_ent *ent, master_opt_fn fn,
                        void *ctx, struct vstr *why)
{
	char **a = ent->args->argv;

	for (size_t i = 1; i < ent->args->argc; i++) {
		if (strcmp(a[i], "-o") == 0) {
			if (i + 1 >= ent->args->argc) {
				vstr_fmt(why, "-o without value");
				return -1;
			}
			i++;
			if (walk_one(a[i], i, fn, ctx, why) < 0)
				return -1;
		} else if (str_prefix(a[i], "-o") && a[i][2] != 0) {
			if (walk_one(a[i] + 2, i, fn, ctx, why) < 0)
				return -1;
		} else if (a[i][0] != '-') {
			break;
		}
	}
	return 0;
}

struct option_lists {
	struct argv *names;
	struct argv *values;
};

/* add_option - master_ent_options callback */
static void
add_option(const char *name, const char *value, size_t argi, void *ctx)
{
	struct option_lists *lists = ctx;

	(void) argi;
	argv_add(lists->names, name);
	argv_add(lists->values, value);
}

/* master_ent_options - the -o pairs of an entry */
int
master_ent_options(const struct master_ent *ent, struct argv *names,
                   struct argv *values, struct vstr *why)
{
	struct option_lists lists = {names, values};

	return master_ent_walk_options(ent, add_option, &lists, why);
}
