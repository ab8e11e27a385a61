/*
 * dict_pattern - rule lists of the regexp, pcre and cidr tables
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dict.h"
#include "dict_pattern.h"
#include "linefile.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/*
 * A result template is a list of segments: literal text (group 0, a slice
 * of text) or the text of capture group n.
 */
struct subst_seg {
	size_t group;
	size_t off;
	size_t len;
};

struct pattern_subst {
	char *text;
	struct subst_seg *seg;
	size_t nseg;
	size_t cap;
	size_t max_group;
};

/* pattern_warn - "TYPE map NAME, line N: text" */
void
pattern_warn(const struct pattern_rules *rs, size_t line, const char *fmt, ...)
{
	struct vstr *buf = vstr_alloc(100);
	va_list ap;

	vstr_fmt(buf, "%s map %s, line %zu: ", rs->type, rs->map, line);
	va_start(ap, fmt);
	vstr_vfmt_append(buf, fmt, ap);
	va_end(ap);
	msg_warn("%s", vstr_str(buf));
	vstr_free(buf);
}

/* inline_text - "{ {rule}, {rule} }" to one rule per line */
static char *
inline_text(const char *name, struct vstr *why)
{
	char *copy = xstrdup(name), *list = copy, *elem;
	struct vstr *text = vstr_alloc(100);

	if (extpar(&list, "{}", why) == NULL)
		goto bad;
	while ((elem = mystrtokq(&list, LIST_DELIMS, "{}")) != NULL) {
		if (*elem != '{') {
			vstr_fmt(why, "no '{' at start of rule \"%s\"", elem);
			goto bad;
		}
		if (extpar(&elem, "{}", why) == NULL)
			goto bad;
		vstr_cat(text, elem);
		vstr_addch(text, '\n');
	}
	xfree(copy);
	return vstr_export(text);
bad:
	xfree(copy);
	vstr_free(text);
	return NULL;
}

/* warn_leading_space - a logical line without a start */
static void
warn_leading_space(struct pattern_rules *rs, size_t line, const char *text)
{
	char *shown = printable(xstrdup(text), '?');

	pattern_warn(rs, line,
	             "logical line must not start with whitespace: \"%s\"",
	             shown);
	xfree(shown);
}

/* read_lines - feed each logical line to the type's parser */
static void
read_lines(struct pattern_rules *rs, const struct linefile *lf,
           pattern_line_fn fn, void *ctx)
{
	struct logical_line ll = {0};
	size_t pos = 0, len;

	while (linefile_next(lf, &pos, &ll)) {
		len = vstr_len(ll.text);
		while (len > 0 &&
		       isspace((unsigned char) vstr_str(ll.text)[len - 1]))
			len--;
		vstr_truncate(ll.text, len);
		if (ll.leading_space)
			warn_leading_space(rs, ll.first + 1, vstr_str(ll.text));
		else
			fn(rs, vstr_str(ll.text), ll.first + 1, ctx);
	}
	vstr_free(ll.text);
}

/* close_open_ifs - an IF without ENDIF guards the rest of the table */
static void
close_open_ifs(struct pattern_rules *rs)
{
	while (rs->open_count > 0) {
		struct pattern_rule *r = &rs->rule[rs->open[--rs->open_count]];

		pattern_warn(rs, r->line, "IF has no matching ENDIF");
		r->skip = rs->count;
	}
}

/* pattern_rules_load - read the rules of a file or an inline table */
int
pattern_rules_load(struct pattern_rules *rs, struct dict *d, pattern_line_fn fn,
                   void *ctx, struct vstr *why)
{
	struct linefile *lf;
	char *text;

	rs->type = d->type;
	rs->map = d->name;
	if (*d->name == '{') {
		if ((text = inline_text(d->name, why)) == NULL) {
			vstr_fmt_append(why, " in %s:%s", d->type, d->name);
			return -1;
		}
		lf = linefile_from_text(d->name, text);
		xfree(text);
	} else {
		/*
		 * Take the file's identity before reading it: an edit made
		 * while we read is then seen as a change, not missed.
		 */
		dict_watch_file(d, d->name);
		if ((lf = linefile_read(d->name, why)) == NULL)
			return -1;
	}
	read_lines(rs, lf, fn, ctx);
	linefile_free(lf);
	close_open_ifs(rs);
	return 0;
}

/* pattern_rules_free - release the rules and their patterns */
void
pattern_rules_free(struct pattern_rules *rs, void (*free_pat)(void *))
{
	for (size_t i = 0; i < rs->count; i++) {
		if (rs->rule[i].pat)
			free_pat(rs->rule[i].pat);
		pattern_subst_free(rs->rule[i].subst);
	}
	xfree(rs->rule);
	xfree(rs->open);
	memset(rs, 0, sizeof(*rs));
}

/* pattern_keyword - "if", "endif", other word, or none */
int
pattern_keyword(const char **p)
{
	const char *cp = *p;

	if (!isalnum((unsigned char) *cp))
		return PATTERN_KW_NONE;
	if (strncasecmp(cp, "if", 2) == 0 && !isalnum((unsigned char) cp[2])) {
		*p = cp + 2;
		return PATTERN_KW_IF;
	}
	if (strncasecmp(cp, "endif", 5) == 0 &&
	    !isalnum((unsigned char) cp[5])) {
		*p = cp + 5;
		return PATTERN_KW_ENDIF;
	}
	return PATTERN_KW_OTHER;
}

/* add - append a rule */
static struct pattern_rule *
add(struct pattern_rules *rs, size_t line, bool negate, void *pat,
    struct pattern_subst *subst)
{
	struct pattern_rule *r;

	if (rs->count == rs->cap) {
		rs->cap = rs->cap ? size_mul(rs->cap, 2) : 16;
		rs->rule = xreallocarray(rs->rule, rs->cap, sizeof(*rs->rule));
	}
	r = &rs->rule[rs->count++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->negate = negate;
	r->pat = pat;
	r->subst = subst;
	r->groups = subst ? subst->max_group : 0;
	return r;
}

/* pattern_add_rule - append a match rule */
void
pattern_add_rule(struct pattern_rules *rs, size_t line, bool negate, void *pat,
                 struct pattern_subst *subst)
{
	if (subst == NULL)
		msg_panic("%s: no result", __func__);
	(void) add(rs, line, negate, pat, subst);
}

/* pattern_add_if - append an IF rule and open its block */
void
pattern_add_if(struct pattern_rules *rs, size_t line, bool negate, void *pat)
{
	if (rs->open_count == rs->open_cap) {
		rs->open_cap = rs->open_cap ? size_mul(rs->open_cap, 2) : 8;
		rs->open = xreallocarray(rs->open, rs->open_cap,
		                         sizeof(*rs->open));
	}
	rs->open[rs->open_count++] = rs->count;
	add(rs, line, negate, pat, NULL)->is_if = true;
}

/* pattern_endif - close the innermost IF; false when none is open */
bool
pattern_endif(struct pattern_rules *rs)
{
	if (rs->open_count == 0)
		return false;
	rs->rule[rs->open[--rs->open_count]].skip = rs->count;
	return true;
}

/* subst_expand - the result of a rule that fired */
static void
subst_expand(const struct pattern_subst *s, const char *key,
             const struct pattern_match_ops *ops, void *ctx, struct vstr *out)
{
	size_t start, len;

	vstr_reset(out);
	for (size_t i = 0; i < s->nseg; i++) {
		const struct subst_seg *g = &s->seg[i];

		if (g->group == 0)
			vstr_cat_mem(out, s->text + g->off, g->len);
		else if (ops->group && ops->group(ctx, g->group, &start, &len))
			vstr_cat_mem(out, key + start, len);
	}
}

/* pattern_lookup - the result of the first rule that fires */
int
pattern_lookup(struct pattern_rules *rs, const char *key,
               const struct pattern_match_ops *ops, void *ctx, struct vstr *out,
               const char **value)
{
	size_t i = 0;

	while (i < rs->count) {
		const struct pattern_rule *r = &rs->rule[i];
		int m = ops->match(ctx, r, key);
		bool fires = m >= 0 && (m > 0) != r->negate;

		if (r->is_if) {
			i = fires ? i + 1 : r->skip;
		} else if (fires) {
			subst_expand(r->subst, key, ops, ctx, out);
			*value = vstr_str(out);
			return DICT_FOUND;
		} else {
			i++;
		}
	}
	return DICT_NOTFOUND;
}

/* subst_add - append a segment; adjacent literal text is merged */
static void
subst_add(struct pattern_subst *s, size_t group, size_t off, size_t len)
{
	struct subst_seg *last = s->nseg ? &s->seg[s->nseg - 1] : NULL;

	if (group == 0 && last && last->group == 0 &&
	    last->off + last->len == off) {
		last->len += len;
		return;
	}
	if (s->nseg == s->cap) {
		s->cap = s->cap ? size_mul(s->cap, 2) : 4;
		s->seg = xreallocarray(s->seg, s->cap, sizeof(*s->seg));
	}
	s->seg[s->nseg++] = (struct subst_seg){group, off, len};
	if (group > s->max_group)
		s->max_group = group;
}

/* subst_literal - append literal text to the template */
static void
subst_literal(struct pattern_subst *s, struct vstr *lit, const char *p,
              size_t n)
{
	size_t off = vstr_len(lit);

	if (n == 0)
		return;
	vstr_cat_mem(lit, p, n);
	subst_add(s, 0, off, n);
}

/* ref_name - the name of "$name", "${name}" or "$(name)"; -1 if unclosed */
static int
ref_name(const char **cpp, const char **name, size_t *len)
{
	const char *cp = *cpp, *end;
	char open = *cp, close = open == '{' ? '}' : ')';
	size_t level = 1;

	if (open == '{' || open == '(') {
		for (end = cp + 1; *end; end++) {
			if (*end == open)
				level++;
			else if (*end == close && --level == 0)
				break;
		}
		if (*end == 0)
			return -1;
		*name = cp + 1;
		*len = (size_t) (end - cp - 1);
		*cpp = end + 1;
		return 0;
	}
	for (end = cp; isalnum((unsigned char) *end) || *end == '_'; end++)
		;
	*name = cp;
	*len = (size_t) (end - cp);
	*cpp = end;
	return 0;
}

/* group_number - value of a digit string, saturated; 0 when not digits */
static size_t
group_number(const char *name, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char) name[i]))
			return 0;
		n = n > (SIZE_MAX - 9) / 10 ? SIZE_MAX
		                            : n * 10 + (size_t) (name[i] - '0');
	}
	return n;
}

/* subst_ref - parse one $ reference ('$' already passed); -1 on error */
static int
subst_ref(const struct pattern_rules *rs, size_t line, const char *whole,
          const char **cpp, struct pattern_subst *s)
{
	const char *name;
	size_t len, n;
	int shown;

	if (ref_name(cpp, &name, &len) < 0) {
		pattern_warn(rs, line, "truncated macro reference: \"%s\"",
		             whole);
		return -1;
	}
	if (len == 0) {
		pattern_warn(rs, line, "empty macro name: \"%s\"", whole);
		return -1;
	}
	shown = len > 100 ? 100 : (int) len;
	if (strspn(name, "0123456789") < len) {
		pattern_warn(rs, line, "non-numeric replacement index \"%.*s\"",
		             shown, name);
		return -1;
	}
	if ((n = group_number(name, len)) == 0) {
		pattern_warn(rs, line,
		             "out of range replacement index \"%.*s\"", shown,
		             name);
		return -1;
	}
	subst_add(s, n, 0, 0);
	return 0;
}

/* subst_scan - split the text into literal and group segments */
static int
subst_scan(const struct pattern_rules *rs, size_t line, const char *text,
           struct pattern_subst *s, struct vstr *lit)
{
	const char *cp = text, *dollar;

	while ((dollar = strchr(cp, '$')) != NULL) {
		subst_literal(s, lit, cp, (size_t) (dollar - cp));
		cp = dollar + 1;
		if (*cp == '$') {
			subst_literal(s, lit, "$", 1);
			cp++;
		} else if (subst_ref(rs, line, text, &cp, s) < 0) {
			pattern_warn(
			        rs, line,
			        "bad replacement syntax: skipping this rule");
			return -1;
		}
	}
	subst_literal(s, lit, cp, strlen(cp));
	return 0;
}

/* pattern_subst_parse - a result template with $n references */
struct pattern_subst *
pattern_subst_parse(const struct pattern_rules *rs, size_t line,
                    const char *text, bool negate, size_t nsub)
{
	struct pattern_subst *s = xcalloc(1, sizeof(*s));
	struct vstr *lit = vstr_alloc(strlen(text) + 1);
	int rc = subst_scan(rs, line, text, s, lit);

	s->text = vstr_export(lit);
	if (rc < 0)
		return pattern_subst_free(s);
	if (negate && s->max_group > 0) {
		pattern_warn(
		        rs, line,
		        "$number found in negative match replacement text: "
		        "skipping this rule");
		return pattern_subst_free(s);
	}
	if (s->max_group > nsub) {
		pattern_warn(rs, line,
		             "out of range replacement index \"%zu\": "
		             "skipping this rule",
		             s->max_group);
		return pattern_subst_free(s);
	}
	return s;
}

/* pattern_subst_literal - a template that is the text as it is */
struct pattern_subst *
pattern_subst_literal(const char *text)
{
	struct pattern_subst *s = xcalloc(1, sizeof(*s));

	s->text = xstrdup(text);
	subst_add(s, 0, 0, strlen(text));
	return s;
}

/* pattern_subst_free - destroy, return NULL */
struct pattern_subst *
pattern_subst_free(struct pattern_subst *s)
{
	if (s) {
		xfree(s->text);
		xfree(s->seg);
		xfree(s);
	}
	return NULL;
}

/* pattern_skip_space - first non-white-space character */
const char *
pattern_skip_space(const char *cp)
{
	while (isspace((unsigned char) *cp))
		cp++;
	return cp;
}

/* regex_delimited - "/pattern/flags" at *p; *p moves to the text after */
static bool
regex_delimited(struct pattern_rules *rs, size_t line, const char **p,
                struct vstr *re, struct vstr *flags)
{
	const char *cp = pattern_skip_space(*p), *start;
	char delim;

	if (*cp == 0) {
		pattern_warn(rs, line, "no regexp: skipping this rule");
		return false;
	}
	delim = *cp++;
	for (start = cp; *cp && *cp != delim; cp++)
		if (*cp == '\\' && cp[1] != 0)
			cp++;
	if (*cp == 0) {
		pattern_warn(
		        rs, line,
		        "no closing regexp delimiter \"%c\": skipping this "
		        "rule",
		        delim);
		return false;
	}
	vstr_mem(re, start, (size_t) (cp - start));
	for (start = ++cp; *cp && !isspace((unsigned char) *cp); cp++)
		;
	vstr_mem(flags, start, (size_t) (cp - start));
	*p = pattern_skip_space(cp);
	return true;
}

/* regex_rule - "/pattern/flags result" or "!/pattern/flags result" */
static void
regex_rule(struct pattern_rules *rs, size_t line, const char *p,
           const struct pattern_regex_ops *ops, void *ctx)
{
	struct vstr *re = vstr_alloc(100), *flags = vstr_alloc(10);
	bool negate = *p == '!';
	struct pattern_subst *subst;
	size_t nsub = 0;
	void *pat;

	if (negate)
		p++;
	if (!regex_delimited(rs, line, &p, re, flags))
		goto done;
	if (*p == 0)
		pattern_warn(rs, line,
		             "no replacement text: using empty string");
	pat = ops->compile(rs, line, vstr_str(re), vstr_str(flags), &nsub, ctx);
	if (pat == NULL)
		goto done;
	if ((subst = pattern_subst_parse(rs, line, p, negate, nsub)) == NULL)
		ops->free(pat);
	else
		pattern_add_rule(rs, line, negate, pat, subst);
done:
	vstr_free(re);
	vstr_free(flags);
}

/* regex_if - "if /pattern/flags" or "if !/pattern/flags" */
static void
regex_if(struct pattern_rules *rs, size_t line, const char *p,
         const struct pattern_regex_ops *ops, void *ctx)
{
	struct vstr *re = vstr_alloc(100), *flags = vstr_alloc(10);
	bool negate;
	size_t nsub = 0;
	void *pat;

	p = pattern_skip_space(p);
	negate = *p == '!';
	if (negate)
		p++;
	if (!regex_delimited(rs, line, &p, re, flags))
		goto done;
	pat = ops->compile(rs, line, vstr_str(re), vstr_str(flags), &nsub, ctx);
	if (pat == NULL)
		goto done;
	if (*p) {
		/* Usually a rule that was indented and so joined to the IF. */
		pattern_warn(rs, line,
		             "ignoring extra text after IF statement: \"%s\"",
		             p);
		pattern_warn(rs, line,
		             "do not prepend whitespace to statements between "
		             "IF and ENDIF");
	}
	pattern_add_if(rs, line, negate, pat);
done:
	vstr_free(re);
	vstr_free(flags);
}

/* regex_endif - "endif" */
static void
regex_endif(struct pattern_rules *rs, size_t line, const char *p)
{
	p = pattern_skip_space(p);
	if (!pattern_endif(rs))
		pattern_warn(rs, line, "ignoring ENDIF without matching IF");
	else if (*p)
		pattern_warn(rs, line, "ignoring extra text after ENDIF");
}

/* pattern_regex_line - one logical line of a regexp or pcre table */
void
pattern_regex_line(struct pattern_rules *rs, const char *text, size_t line,
                   const struct pattern_regex_ops *ops, void *ctx)
{
	const char *p = text;

	switch (pattern_keyword(&p)) {
	case PATTERN_KW_IF:
		regex_if(rs, line, p, ops, ctx);
		break;
	case PATTERN_KW_ENDIF:
		regex_endif(rs, line, p);
		break;
	case PATTERN_KW_OTHER:
		pattern_warn(rs, line, "ignoring unrecognized request");
		break;
	default:
		regex_rule(rs, line, text, ops, ctx);
		break;
	}
}
