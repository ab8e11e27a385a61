/*
 * dict_pcre - pcre:/path, tables of Perl-compatible regular expressions
 *
 * The rule syntax (delimiters, negation, if..endif, $n in results) is
 * shared with regexp: tables and described in dict_pattern.h. The flag
 * letters toggle PCRE2 options: i CASELESS (on by default), m MULTILINE,
 * s DOTALL (on by default), x EXTENDED, A ANCHORED, E DOLLAR_ENDONLY and
 * U UNGREEDY. X (PCRE1's EXTRA) has no PCRE2 equivalent: it is ignored
 * with a warning and the rule is kept.
 *
 * Case: the key is matched as it is; see dict_regexp.c.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <fcntl.h>
#include <pcre2.h>
#include <string.h>

#include "dict.h"
#include "dict_pattern.h"
#include "dict_types.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

struct dict_pcre {
	struct dict dict;
	struct pattern_rules rules;
	struct vstr *result;
	pcre2_match_data *md; /* room for the largest group a result uses */
	int pairs;            /* pairs set by the last successful match */
};

/* pcre_warn_error - a PCRE2 error code as text */
static void
pcre_warn_error(const struct pattern_rules *rs, size_t line, const char *what,
                int err)
{
	PCRE2_UCHAR text[256];

	/* A message too long for the buffer comes back truncated. */
	if (pcre2_get_error_message(err, text, sizeof(text)) ==
	    PCRE2_ERROR_BADDATA)
		pattern_warn(rs, line, "%serror %d", what, err);
	else
		pattern_warn(rs, line, "%s%s", what, (const char *) text);
}

/* pcre_options - compile options from the flag letters; false if bad */
static bool
pcre_options(struct pattern_rules *rs, size_t line, const char *flags,
             uint32_t *opts)
{
	static const struct {
		char letter;
		uint32_t option;
	} table[] = {
	        {'i', PCRE2_CASELESS}, {'m', PCRE2_MULTILINE},
	        {'s', PCRE2_DOTALL},   {'x', PCRE2_EXTENDED},
	        {'A', PCRE2_ANCHORED}, {'E', PCRE2_DOLLAR_ENDONLY},
	        {'U', PCRE2_UNGREEDY},
	};
	size_t i;

	*opts = PCRE2_CASELESS | PCRE2_DOTALL;
	for (const char *cp = flags; *cp; cp++) {
		for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			if (table[i].letter == *cp)
				break;
		if (i < sizeof(table) / sizeof(table[0])) {
			*opts ^= table[i].option;
		} else if (*cp == 'X') {
			pattern_warn(rs, line,
			             "ignoring obsolete regexp option \"X\"");
		} else {
			pattern_warn(rs, line,
			             "unknown regexp option \"%c\": skipping "
			             "this rule",
			             *cp);
			return false;
		}
	}
	return true;
}

/* pcre_compile_rule - compile one pattern; NULL after a warning */
static void *
pcre_compile_rule(struct pattern_rules *rs, size_t line, const char *re,
                  const char *flags, size_t *nsub, void *ctx)
{
	pcre2_code *code;
	uint32_t opts, count = 0;
	PCRE2_SIZE offset;
	int err;

	(void) ctx;
	if (!pcre_options(rs, line, flags, &opts))
		return NULL;
	code = pcre2_compile((PCRE2_SPTR) re, PCRE2_ZERO_TERMINATED, opts, &err,
	                     &offset, NULL);
	if (code == NULL) {
		struct vstr *what = vstr_alloc(50);

		vstr_fmt(what,
		         "error in regex at offset %zu: ", (size_t) offset);
		pcre_warn_error(rs, line, vstr_str(what), err);
		vstr_free(what);
		return NULL;
	}
	/* Without JIT support PCRE2 interprets; that is only slower. */
	(void) pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	(void) pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &count);
	*nsub = count;
	return code;
}

/* pcre_free_rule - release one compiled pattern */
static void
pcre_free_rule(void *pat)
{
	pcre2_code_free(pat);
}

static const struct pattern_regex_ops pcre_ops = {
        .compile = pcre_compile_rule,
        .free = pcre_free_rule,
};

/* pcre_line - pattern_rules_load() callback */
static void
pcre_line(struct pattern_rules *rs, const char *text, size_t line, void *ctx)
{
	pattern_regex_line(rs, text, line, &pcre_ops, ctx);
}

/* pcre_match - does the key match the rule's pattern */
static int
pcre_match(void *ctx, const struct pattern_rule *r, const char *key)
{
	struct dict_pcre *dp = ctx;
	int rc = pcre2_match(r->pat, (PCRE2_SPTR) key, strlen(key), 0, 0,
	                     dp->md, NULL);

	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		pcre_warn_error(&dp->rules, r->line, "", rc);
		return -1;
	}
	/* 0: the match data is too small; the groups we need still fit. */
	dp->pairs = rc > 0 ? rc : (int) pcre2_get_ovector_count(dp->md);
	return 1;
}

/* pcre_group - text of group n of the last match */
static bool
pcre_group(void *ctx, size_t n, size_t *start, size_t *len)
{
	struct dict_pcre *dp = ctx;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(dp->md);

	if (n >= (size_t) dp->pairs || ov[2 * n] == PCRE2_UNSET ||
	    ov[2 * n + 1] < ov[2 * n])
		return false;
	*start = ov[2 * n];
	*len = ov[2 * n + 1] - ov[2 * n];
	return true;
}

/* pcre_lookup - the first rule that fires */
static int
pcre_lookup(struct dict *d, const char *key, const char **value)
{
	static const struct pattern_match_ops ops = {
	        .match = pcre_match,
	        .group = pcre_group,
	};
	struct dict_pcre *dp = (struct dict_pcre *) d;

	return pattern_lookup(&dp->rules, key, &ops, dp, dp->result, value);
}

/* pcre_close - release the rules */
static void
pcre_close(struct dict *d)
{
	struct dict_pcre *dp = (struct dict_pcre *) d;

	pattern_rules_free(&dp->rules, pcre_free_rule);
	vstr_free(dp->result);
	pcre2_match_data_free(dp->md);
}

/* pcre_match_data - match data with room for every group a result uses */
static pcre2_match_data *
pcre_match_data(const struct pattern_rules *rs)
{
	size_t pairs = 1;
	pcre2_match_data *md;

	for (size_t i = 0; i < rs->count; i++)
		if (rs->rule[i].groups >= pairs)
			pairs = size_add(rs->rule[i].groups, 1);
	if (pairs > UINT32_MAX)
		msg_panic("%s: %zu capture groups", __func__, pairs);
	if ((md = pcre2_match_data_create((uint32_t) pairs, NULL)) == NULL)
		msg_fatal("%s: out of memory", __func__);
	return md;
}

/* dict_pcre_open - pcre:/path or pcre:{ {rule}, ... } */
struct dict *
dict_pcre_open(const char *name, int open_flags, int dict_flags,
               struct vstr *why)
{
	struct dict_pcre *dp;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		vstr_fmt(why, "pcre:%s: table is read-only", name);
		return NULL;
	}
	dp = (struct dict_pcre *) dict_alloc("pcre", name, sizeof(*dp),
	                                     open_flags,
	                                     dict_flags | DICT_FLAG_PATTERN);
	dp->result = vstr_alloc(100);
	dp->dict.lookup = pcre_lookup;
	dp->dict.close = pcre_close;
	if (pattern_rules_load(&dp->rules, &dp->dict, pcre_line, dp, why) < 0)
		return dict_close(&dp->dict);
	dp->md = pcre_match_data(&dp->rules);
	return &dp->dict;
}
