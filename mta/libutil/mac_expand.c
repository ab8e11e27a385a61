/*
 * mac_expand - $name macro expansion with conditionals and comparisons
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "mac_expand.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

struct mac_state {
	struct vstr *out;
	int flags;
	mac_lookup_fn lookup;
	void *ctx;
	struct vstr *why;
	int status;
	int depth;
};

static void expand_text(struct mac_state *, const char *, size_t);

/* set_error - remember the first error */
static void
set_error(struct mac_state *st, const char *reason, const char *text,
          size_t len)
{
	if (!(st->status & MAC_ERROR))
		vstr_fmt(st->why, "%s: \"%.*s\"", reason, (int) len, text);
	st->status |= MAC_ERROR;
}

/* is_name_char - letters, digits, underscore */
static bool
is_name_char(int ch)
{
	return isalnum((unsigned char) ch) || ch == '_';
}

/* find_close - offset of the bracket that closes the one at text[0] */
static size_t
find_close(const char *text, size_t len, char open, char close)
{
	int level = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == open)
			level++;
		else if (text[i] == close && --level == 0)
			return i;
	}
	return len;
}

/* lookup_value - value of a name, with undefined names noted */
static const char *
lookup_value(struct mac_state *st, const char *name, size_t len)
{
	char *key = xstrndup(name, len);
	const char *value = st->lookup(key, st->ctx);

	xfree(key);
	if (value == NULL)
		st->status |= MAC_UNDEF;
	return value;
}

/* emit_value - append a looked-up value, expanding it when asked */
static void
emit_value(struct mac_state *st, const char *name, size_t len,
           const char *value)
{
	if (value == NULL || *value == 0)
		return;
	if (!(st->flags & MAC_EXP_RECURSE)) {
		vstr_cat(st->out, value);
		return;
	}
	if (++st->depth > MAC_EXP_DEPTH) {
		set_error(st, "unreasonable macro call nesting", name, len);
	} else {
		/* The value may be stored in memory the lookup reuses. */
		char *copy = xstrdup(value);

		expand_text(st, copy, strlen(copy));
		xfree(copy);
	}
	st->depth--;
}

/* skip_space - advance over white space */
static size_t
skip_space(const char *text, size_t pos, size_t len)
{
	while (pos < len && isspace((unsigned char) text[pos]))
		pos++;
	return pos;
}

/* take_group - "{...}" at pos; returns its inner span */
static bool
take_group(const char *text, size_t len, size_t *pos, size_t *start,
           size_t *inner_len)
{
	size_t p = skip_space(text, *pos, len);
	size_t close;

	if (p >= len || text[p] != '{')
		return false;
	close = find_close(text + p, len - p, '{', '}');
	if (close >= len - p)
		return false;
	*start = p + 1;
	*inner_len = close - 1;
	*pos = p + close + 1;
	return true;
}

/* expand_sub - expand a span into a fresh string */
static char *
expand_sub(struct mac_state *st, const char *text, size_t len)
{
	struct vstr *saved = st->out;
	struct vstr *tmp = vstr_alloc(len);

	st->out = tmp;
	expand_text(st, text, len);
	st->out = saved;
	return vstr_export(tmp);
}

/* parse_level - "3.6.1" into up to three numbers */
static bool
parse_level(const char *s, long v[3])
{
	int i = 0;

	v[0] = v[1] = v[2] = 0;
	while (i < 3) {
		char *end;

		if (!isdigit((unsigned char) *s))
			return false;
		v[i++] = strtol(s, &end, 10);
		s = end;
		if (*s == 0)
			return true;
		if (*s++ != '.')
			return false;
	}
	return false;
}

/* compat_level_cmp - compare compatibility levels: -1, 0, 1 in *result */
int
compat_level_cmp(const char *a, const char *b, int *result)
{
	long va[3], vb[3];

	if (!parse_level(a, va) || !parse_level(b, vb))
		return -1;
	*result = 0;
	for (int i = 0; i < 3 && *result == 0; i++)
		*result = va[i] < vb[i] ? -1 : va[i] > vb[i];
	return 0;
}

/* compare_values - numeric when both are numbers, else byte order */
static int
compare_values(const char *a, const char *b)
{
	long na, nb;

	if (conv_long(a, &na) && conv_long(b, &nb))
		return na < nb ? -1 : na > nb;
	return strcmp(a, b);
}

static const struct relop {
	const char *name;
	bool level;
	bool lt, eq, gt; /* which orderings make it true */
} relops[] = {
        {"==level", true, false, true, false},
        {"!=level", true, true, false, true},
        {"<=level", true, true, true, false},
        {">=level", true, false, true, true},
        {"<level", true, true, false, false},
        {">level", true, false, false, true},
        {"==", false, false, true, false},
        {"!=", false, true, false, true},
        {"<=", false, true, true, false},
        {">=", false, false, true, true},
        {"<", false, true, false, false},
        {">", false, false, false, true},
};

/* find_relop - operator at pos */
static const struct relop *
find_relop(const char *text, size_t len, size_t *pos)
{
	size_t p = skip_space(text, *pos, len);

	for (size_t i = 0; i < sizeof(relops) / sizeof(relops[0]); i++) {
		size_t n = strlen(relops[i].name);

		if (len - p >= n && memcmp(text + p, relops[i].name, n) == 0) {
			*pos = p + n;
			return &relops[i];
		}
	}
	return NULL;
}

/* eval_relop - evaluate the comparison of two expanded operands */
static bool
eval_relop(struct mac_state *st, const struct relop *op, const char *a,
           const char *b, const char *text, size_t len)
{
	int cmp;

	if (op->level) {
		if (compat_level_cmp(a, b, &cmp) < 0) {
			set_error(st, "bad compatibility level", text, len);
			return false;
		}
	} else {
		cmp = compare_values(a, b);
	}
	return cmp < 0 ? op->lt : cmp == 0 ? op->eq : op->gt;
}

/* expand_relational - ${{a} op {b} ? {t1} : {t2}}, inner text given */
static void
expand_relational(struct mac_state *st, const char *text, size_t len)
{
	size_t pos = 0, as, al, bs, bl, ts, tl, fs = 0, fl = 0;
	const struct relop *op;
	bool has_false = false, truth;
	char *a, *b;

	if (!take_group(text, len, &pos, &as, &al)) {
		set_error(st, "bad relational expression", text, len);
		return;
	}
	if ((op = find_relop(text, len, &pos)) == NULL) {
		set_error(st,
		          "\"==\" or \"!=\" or \"<\" or \"<=\" or "
		          "\">=\" or \">\" expected",
		          text, len);
		return;
	}
	if (!take_group(text, len, &pos, &bs, &bl)) {
		set_error(st, "bad relational expression", text, len);
		return;
	}
	pos = skip_space(text, pos, len);
	if (pos >= len || text[pos++] != '?' ||
	    !take_group(text, len, &pos, &ts, &tl)) {
		set_error(st, "\"?\" expected", text, len);
		return;
	}
	pos = skip_space(text, pos, len);
	if (pos < len && text[pos] == ':') {
		pos++;
		if (!take_group(text, len, &pos, &fs, &fl)) {
			set_error(st, "\"{\" expected", text, len);
			return;
		}
		has_false = true;
	}
	if (skip_space(text, pos, len) != len) {
		set_error(st, "garbage after relational expression", text, len);
		return;
	}
	a = expand_sub(st, text + as, al);
	b = expand_sub(st, text + bs, bl);
	truth = eval_relop(st, op, a, b, text, len);
	xfree(a);
	xfree(b);
	if (truth)
		expand_text(st, text + ts, tl);
	else if (has_false)
		expand_text(st, text + fs, fl);
}

/*
 * expand_conditional - the text after "name?" or "name:". As in Postfix
 * 3.0, either is plain text (the rest of the reference) or a {text}
 * group; after "?{t1}" may come ":" and the false branch, in either form.
 */
static void
expand_conditional(struct mac_state *st, bool want_set, bool is_set,
                   const char *text, size_t len)
{
	size_t pos = skip_space(text, 0, len), ts, tl;

	if (pos >= len || text[pos] != '{') {
		if (want_set == is_set)
			expand_text(st, text, len);
		return;
	}
	if (!take_group(text, len, &pos, &ts, &tl)) {
		set_error(st, "bad conditional", text, len);
		return;
	}
	pos = skip_space(text, pos, len);
	if (pos < len && (!want_set || text[pos] != ':')) {
		set_error(st, "bad conditional", text, len);
		return;
	}
	if (want_set == is_set)
		expand_text(st, text + ts, tl);
	if (pos < len)
		expand_conditional(st, false, is_set, text + pos + 1,
		                   len - pos - 1);
}

/* expand_braced - the inside of ${...} or $(...) */
static void
expand_braced(struct mac_state *st, const char *text, size_t len)
{
	size_t n = 0;
	const char *value;

	if (len > 0 && text[0] == '{') {
		expand_relational(st, text, len);
		return;
	}
	while (n < len && is_name_char(text[n]))
		n++;
	if (n == 0) {
		set_error(st, "empty macro name", text, len);
		return;
	}
	value = lookup_value(st, text, n);
	if (n == len) {
		emit_value(st, text, n, value);
		return;
	}
	if (text[n] == '?' || text[n] == ':') {
		expand_conditional(st, text[n] == '?',
		                   value != NULL && *value != 0, text + n + 1,
		                   len - n - 1);
		return;
	}
	set_error(st, "unexpected character after macro name", text, len);
}

/* expand_text - copy text, expanding references */
static void
expand_text(struct mac_state *st, const char *text, size_t len)
{
	size_t i = 0, n, close;

	while (i < len && !(st->status & MAC_ERROR)) {
		if (text[i] != '$') {
			n = i;
			while (n < len && text[n] != '$')
				n++;
			vstr_cat_mem(st->out, text + i, n - i);
			i = n;
			continue;
		}
		if (i + 1 < len && text[i + 1] == '$') {
			vstr_addch(st->out, '$');
			i += 2;
		} else if (i + 1 < len &&
		           (text[i + 1] == '{' || text[i + 1] == '(')) {
			char open = text[i + 1], shut = open == '{' ? '}' : ')';

			close = find_close(text + i + 1, len - i - 1, open,
			                   shut);
			if (close >= len - i - 1) {
				set_error(st, "truncated macro reference",
				          text + i, len - i);
				return;
			}
			expand_braced(st, text + i + 2, close - 1);
			i += close + 2;
		} else {
			n = i + 1;
			while (n < len && is_name_char(text[n]))
				n++;
			if (n == i + 1) {
				set_error(st, "empty macro name", text, len);
				return;
			}
			emit_value(st, text + i + 1, n - i - 1,
			           lookup_value(st, text + i + 1, n - i - 1));
			i = n;
		}
	}
}

/* mac_expand - expand all references in text, append to out */
int
mac_expand(struct vstr *out, const char *text, int flags, mac_lookup_fn lookup,
           void *ctx, struct vstr *why)
{
	struct mac_state st = {
	        .out = out,
	        .flags = flags,
	        .lookup = lookup,
	        .ctx = ctx,
	        .why = why,
	        .status = 0,
	        .depth = 1, /* the text itself is the first level */
	};

	expand_text(&st, text, strlen(text));
	return st.status;
}
