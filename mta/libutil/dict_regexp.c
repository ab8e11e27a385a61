/*
 * dict_regexp - regexp:/path, tables of POSIX regular expressions
 *
 * The rule syntax (delimiters, negation, if..endif, $n in results) is
 * shared with pcre: tables and described in dict_pattern.h. The flag
 * letters toggle: i case-insensitive matching (on by default), x extended
 * syntax (on by default), m multi-line mode, where ^ and $ also match at
 * newlines and '.' does not match a newline (off by default).
 *
 * Case: the key is matched as it is; case-insensitivity is the i flag's
 * business, so that "/Foo/i" stays case-sensitive under any dict flags.
 */
#include <fcntl.h>
#include <regex.h>

#include "dict.h"
#include "dict_pattern.h"
#include "dict_types.h"
#include "mymalloc.h"
#include "vstr.h"

struct dict_regexp {
	struct dict dict;
	struct pattern_rules rules;
	struct vstr *result;
	regmatch_t *pmatch; /* room for the largest group a result uses */
	size_t nmatch;
};

/* regexp_warn_error - a regcomp() or regexec() error */
static void
regexp_warn_error(const struct pattern_rules *rs, size_t line, const char *what,
                  int err, const regex_t *rx)
{
	size_t len = regerror(err, rx, NULL, 0);
	char *text = xmalloc(len ? len : 1);

	*text = 0;
	(void) regerror(err, rx, text, len);
	pattern_warn(rs, line, "%s%s", what, text);
	xfree(text);
}

/* regexp_cflags - regcomp() flags from the flag letters; -1 if bad */
static int
regexp_cflags(struct pattern_rules *rs, size_t line, const char *flags)
{
	int cflags = REG_EXTENDED | REG_ICASE;

	for (const char *cp = flags; *cp; cp++) {
		switch (*cp) {
		case 'i':
			cflags ^= REG_ICASE;
			break;
		case 'x':
			cflags ^= REG_EXTENDED;
			break;
		case 'm':
			cflags ^= REG_NEWLINE;
			break;
		default:
			pattern_warn(rs, line,
			             "unknown regexp option \"%c\": skipping "
			             "this rule",
			             *cp);
			return -1;
		}
	}
	return cflags;
}

/* regexp_compile - compile one pattern; NULL after a warning */
static void *
regexp_compile(struct pattern_rules *rs, size_t line, const char *re,
               const char *flags, size_t *nsub, void *ctx)
{
	int cflags = regexp_cflags(rs, line, flags), err;
	regex_t *rx;

	(void) ctx;
	if (cflags < 0)
		return NULL;
	rx = xmalloc(sizeof(*rx));
	if ((err = regcomp(rx, re, cflags)) != 0) {
		regexp_warn_error(rs, line, "", err, rx);
		xfree(rx);
		return NULL;
	}
	*nsub = rx->re_nsub;
	return rx;
}

/* regexp_free - release one compiled pattern */
static void
regexp_free(void *pat)
{
	regfree(pat);
	xfree(pat);
}

static const struct pattern_regex_ops regexp_ops = {
        .compile = regexp_compile,
        .free = regexp_free,
};

/* regexp_line - pattern_rules_load() callback */
static void
regexp_line(struct pattern_rules *rs, const char *text, size_t line, void *ctx)
{
	pattern_regex_line(rs, text, line, &regexp_ops, ctx);
}

/* regexp_match - does the key match the rule's pattern */
static int
regexp_match(void *ctx, const struct pattern_rule *r, const char *key)
{
	struct dict_regexp *dr = ctx;
	size_t n = r->groups ? r->groups + 1 : 0;
	int err = regexec(r->pat, key, n, n ? dr->pmatch : NULL, 0);

	if (err == 0)
		return 1;
	if (err == REG_NOMATCH)
		return 0;
	regexp_warn_error(&dr->rules, r->line, "regexec: ", err, r->pat);
	return -1;
}

/* regexp_group - text of group n of the last match */
static bool
regexp_group(void *ctx, size_t n, size_t *start, size_t *len)
{
	struct dict_regexp *dr = ctx;
	const regmatch_t *m;

	if (n >= dr->nmatch)
		return false;
	m = &dr->pmatch[n];
	if (m->rm_so < 0 || m->rm_eo < m->rm_so)
		return false;
	*start = (size_t) m->rm_so;
	*len = (size_t) (m->rm_eo - m->rm_so);
	return true;
}

/* regexp_lookup - the first rule that fires */
static int
regexp_lookup(struct dict *d, const char *key, const char **value)
{
	static const struct pattern_match_ops ops = {
	        .match = regexp_match,
	        .group = regexp_group,
	};
	struct dict_regexp *dr = (struct dict_regexp *) d;

	return pattern_lookup(&dr->rules, key, &ops, dr, dr->result, value);
}

/* regexp_close - release the rules */
static void
regexp_close(struct dict *d)
{
	struct dict_regexp *dr = (struct dict_regexp *) d;

	pattern_rules_free(&dr->rules, regexp_free);
	vstr_free(dr->result);
	xfree(dr->pmatch);
}

/* dict_regexp_open - regexp:/path or regexp:{ {rule}, ... } */
struct dict *
dict_regexp_open(const char *name, int open_flags, int dict_flags,
                 struct vstr *why)
{
	struct dict_regexp *dr;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		vstr_fmt(why, "regexp:%s: table is read-only", name);
		return NULL;
	}
	dr = (struct dict_regexp *) dict_alloc("regexp", name, sizeof(*dr),
	                                       open_flags,
	                                       dict_flags | DICT_FLAG_PATTERN);
	dr->result = vstr_alloc(100);
	dr->dict.lookup = regexp_lookup;
	dr->dict.close = regexp_close;
	if (pattern_rules_load(&dr->rules, &dr->dict, regexp_line, dr, why) < 0)
		return dict_close(&dr->dict);
	dr->nmatch = 1;
	for (size_t i = 0; i < dr->rules.count; i++)
		if (dr->rules.rule[i].groups >= dr->nmatch)
			dr->nmatch = size_add(dr->rules.rule[i].groups, 1);
	dr->pmatch = xreallocarray(NULL, dr->nmatch, sizeof(*dr->pmatch));
	return &dr->dict;
}
