/*
 * addr - RFC 5322/5321 address text: quoting, header lists, SMTP paths
 *
 * Header values are split into tokens that remember where they are in the
 * original text, so that a rewrite replaces only the address and keeps
 * every phrase, comment and fold as it was.
 */
#include <stdbool.h>
#include <string.h>

#include "addr.h"
#include "argv.h"
#include "mymalloc.h"
#include "vstr.h"

enum tok_type { T_ATOM, T_QSTR, T_COMMENT, T_DLIT, T_SPACE, T_SPECIAL };

struct tok {
	enum tok_type type;
	size_t start; /* offset of the first byte in the value */
	size_t end;   /* offset after the last byte */
	int ch;       /* T_SPECIAL: the character */
};

struct toks {
	const char *text;
	struct tok *v;
	size_t n;
	size_t cap;
};

#define HDR_SPECIALS "()<>@,;:\\\".[]"
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')

/* tok_add - append one token */
static void
tok_add(struct toks *t, enum tok_type type, size_t start, size_t end)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n].type = type;
	t->v[t->n].start = start;
	t->v[t->n].end = end;
	t->v[t->n].ch = (unsigned char) t->text[start];
	t->n++;
}

/* skip_quoted - end of a "..." or [...] starting at i (lenient at EOS) */
static size_t
skip_quoted(const char *s, size_t i, int close)
{
	for (i++; s[i] && s[i] != close; i++)
		if (s[i] == '\\' && s[i + 1])
			i++;
	return s[i] ? i + 1 : i;
}

/* skip_comment - end of a (possibly nested) comment starting at i */
static size_t
skip_comment(const char *s, size_t i)
{
	int depth = 0;

	for (; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1])
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return i;
}

/* tokenize - split a header value or address */
static void
tokenize(struct toks *t, const char *s)
{
	size_t i = 0, j;

	memset(t, 0, sizeof(*t));
	t->text = s;
	while (s[i]) {
		unsigned char c = (unsigned char) s[i];

		if (IS_SPACE(c)) {
			for (j = i; IS_SPACE(s[j]); j++)
				;
			tok_add(t, T_SPACE, i, j);
		} else if (c == '"') {
			tok_add(t, T_QSTR, i, j = skip_quoted(s, i, '"'));
		} else if (c == '[') {
			tok_add(t, T_DLIT, i, j = skip_quoted(s, i, ']'));
		} else if (c == '(') {
			tok_add(t, T_COMMENT, i, j = skip_comment(s, i));
		} else if (c != '\\' && strchr(HDR_SPECIALS, c)) {
			tok_add(t, T_SPECIAL, i, j = i + 1);
		} else {
			for (j = i; s[j] && !IS_SPACE(s[j]); j++) {
				if (s[j] == '\\' && s[j + 1])
					j++;
				else if (strchr(HDR_SPECIALS, s[j]))
					break;
			}
			if (j == i)
				j++;
			tok_add(t, T_ATOM, i, j);
		}
		i = j;
	}
}

/* is_special - token i is the special character ch */
static bool
is_special(const struct toks *t, size_t i, int ch)
{
	return i < t->n && t->v[i].type == T_SPECIAL && t->v[i].ch == ch;
}

/* is_blank - white space or comment */
static bool
is_blank(const struct tok *k)
{
	return k->type == T_SPACE || k->type == T_COMMENT;
}

/* unquote_into - append the content of "..." with escapes resolved */
static void
unquote_into(struct vstr *out, const char *s, size_t start, size_t end)
{
	size_t i = start + 1;

	if (end > start + 1 && s[end - 1] == '"')
		end--;
	for (; i < end; i++) {
		if (s[i] == '\\' && i + 1 < end)
			i++;
		vstr_addch(out, s[i]);
	}
}

/* internalize - the internal form of tokens [from, to) */
static void
internalize(const struct toks *t, size_t from, size_t to, struct vstr *out)
{
	vstr_reset(out);
	for (size_t i = from; i < to; i++) {
		const struct tok *k = &t->v[i];

		if (is_blank(k))
			continue;
		if (k->type == T_QSTR)
			unquote_into(out, t->text, k->start, k->end);
		else
			vstr_cat_mem(out, t->text + k->start,
			             k->end - k->start);
	}
}

/* skip_route - first token after a source route "@a,@b:" in [from, to) */
static size_t
skip_route(const struct toks *t, size_t from, size_t to)
{
	size_t i = from;

	while (i < to && is_blank(&t->v[i]))
		i++;
	if (!is_special(t, i, '@'))
		return from;
	for (; i < to; i++)
		if (is_special(t, i, ':'))
			return i + 1;
	return from;
}

/* addr_quote_local - internal form to external form */
void
addr_quote_local(const char *internal, struct vstr *out)
{
	const char *at = strrchr(internal, '@');
	size_t llen = at ? (size_t) (at - internal) : strlen(internal);
	bool quote =
	        llen == 0 || internal[0] == '.' || internal[llen - 1] == '.';

	vstr_reset(out);
	if (*internal == 0)
		return;
	for (size_t i = 0; i < llen && !quote; i++) {
		unsigned char c = (unsigned char) internal[i];

		if (c <= ' ' || c == 0x7f ||
		    (c < 0x80 && strchr(HDR_SPECIALS, c) && c != '.'))
			quote = true;
		else if (c == '.' && internal[i + 1] == '.')
			quote = true;
	}
	if (!quote) {
		vstr_cpy(out, internal);
		return;
	}
	vstr_addch(out, '"');
	for (size_t i = 0; i < llen; i++) {
		if (internal[i] == '"' || internal[i] == '\\')
			vstr_addch(out, '\\');
		vstr_addch(out, internal[i]);
	}
	vstr_addch(out, '"');
	if (at)
		vstr_cat(out, at);
}

/* addr_unquote - external form to internal form */
void
addr_unquote(const char *external, struct vstr *out)
{
	struct toks t;
	size_t from = 0, to;

	tokenize(&t, external);
	to = t.n;
	while (from < to && is_blank(&t.v[from]))
		from++;
	while (to > from && is_blank(&t.v[to - 1]))
		to--;
	if (to - from >= 2 && is_special(&t, from, '<') &&
	    is_special(&t, to - 1, '>')) {
		from++;
		to--;
	}
	internalize(&t, from, to, out);
	xfree(t.v);
}

/* One address found in a header value. */
struct found {
	size_t from, to; /* tokens of the address, route included */
	size_t addr;     /* first token after the route */
	bool angle;      /* written as <...> */
};

/* find_item_end - end of the item starting at i; group start/end */
static size_t
find_item_end(const struct toks *t, size_t i, bool *in_group, size_t *colon)
{
	int depth = 0;

	*colon = (size_t) -1;
	for (; i < t->n; i++) {
		if (is_special(t, i, '<'))
			depth++;
		else if (is_special(t, i, '>') && depth > 0)
			depth--;
		else if (depth > 0)
			continue;
		else if (is_special(t, i, ','))
			break;
		else if (is_special(t, i, ';') && *in_group)
			break;
		else if (is_special(t, i, ':') && !*in_group &&
		         *colon == (size_t) -1) {
			*colon = i;
			*in_group = true;
		}
	}
	return i;
}

/* find_addr - the address in tokens [s, e); 0 none, 1 found, -1 error */
static int
find_addr(const struct toks *t, size_t s, size_t e, struct found *f)
{
	size_t lt;

	for (lt = s; lt < e && !is_special(t, lt, '<'); lt++)
		;
	if (lt < e) {
		size_t gt = lt + 1;

		while (gt < e && !is_special(t, gt, '>'))
			gt++;
		if (gt == e)
			return -1;
		f->from = lt + 1;
		f->to = gt;
		f->angle = true;
	} else {
		while (s < e && is_blank(&t->v[s]))
			s++;
		while (e > s && is_blank(&t->v[e - 1]))
			e--;
		if (s == e)
			return 0;
		f->from = s;
		f->to = e;
		f->angle = false;
	}
	f->addr = skip_route(t, f->from, f->to);
	return 1;
}

/* Per-address callback of the list walker. */
typedef int (*found_fn)(const struct toks *, const struct found *, void *);

/* walk_list - call fn for every address of a header value */
static int
walk_list(const struct toks *t, found_fn fn, void *ctx)
{
	bool in_group = false;
	size_t i = 0, colon, end;
	int count = 0;

	while (i < t->n) {
		struct found f;
		int rc;

		bool was_group = in_group;
		end = find_item_end(t, i, &in_group, &colon);
		if (!was_group && in_group)
			i = colon + 1;
		if ((rc = find_addr(t, i, end, &f)) < 0)
			return -1;
		if (rc > 0) {
			if (fn(t, &f, ctx) < 0)
				return -1;
			count++;
		}
		if (is_special(t, end, ';'))
			in_group = false;
		i = end + 1;
	}
	return count;
}

/* extract_one - add the internal form of one address */
static int
extract_one(const struct toks *t, const struct found *f, void *ctx)
{
	struct vstr *buf = vstr_alloc(100);

	internalize(t, f->addr, f->to, buf);
	argv_add(ctx, vstr_str(buf));
	vstr_free(buf);
	return 0;
}

/* addr_list_extract - the internal forms of the addresses of a value */
int
addr_list_extract(const char *value, struct argv *out)
{
	struct toks t;
	int count;

	tokenize(&t, value);
	count = walk_list(&t, extract_one, out);
	xfree(t.v);
	return count;
}

/* State of one addr_list_rewrite() call. */
struct rewrite_state {
	struct vstr *out;
	size_t copied; /* text offset up to which out has the value */
	addr_rewrite_fn fn;
	void *ctx;
	struct vstr *in, *res, *ext;
};

/* rewrite_one - replace one address in the rebuilt value */
static int
rewrite_one(const struct toks *t, const struct found *f, void *ctx)
{
	struct rewrite_state *st = ctx;
	size_t start, end;

	if (f->from == f->to || st->fn == NULL)
		return 0;
	internalize(t, f->addr, f->to, st->in);
	if (vstr_len(st->in) == 0)
		return 0;
	vstr_reset(st->res);
	if (st->fn(vstr_str(st->in), st->res, st->ctx) < 0)
		return 0;
	start = t->v[f->from].start;
	end = t->v[f->to - 1].end;
	vstr_cat_mem(st->out, t->text + st->copied, start - st->copied);
	addr_quote_local(vstr_str(st->res), st->ext);
	vstr_cat(st->out, vstr_str(st->ext));
	/* Comments inside the address are kept after it. */
	for (size_t i = f->from; i < f->to; i++) {
		if (t->v[i].type != T_COMMENT)
			continue;
		vstr_addch(st->out, ' ');
		vstr_cat_mem(st->out, t->text + t->v[i].start,
		             t->v[i].end - t->v[i].start);
	}
	st->copied = end;
	return 0;
}

/* addr_list_rewrite - rewrite every address of a header value */
int
addr_list_rewrite(const char *value, struct vstr *out, addr_rewrite_fn fn,
                  void *ctx)
{
	struct rewrite_state st = {out,
	                           0,
	                           fn,
	                           ctx,
	                           vstr_alloc(100),
	                           vstr_alloc(100),
	                           vstr_alloc(100)};
	struct toks t;
	int count;

	vstr_reset(out);
	tokenize(&t, value);
	count = walk_list(&t, rewrite_one, &st);
	if (count < 0)
		vstr_cpy(out, value);
	else
		vstr_cat(out, value + st.copied);
	xfree(t.v);
	vstr_free(st.in);
	vstr_free(st.res);
	vstr_free(st.ext);
	return count;
}

/* SMTP paths. */

#define PATH_ATEXT_EXTRA "!#$%&'*+-/=?^_`{|}~"

/* is_atext - an atom character of RFC 5321 (8-bit allowed for UTF-8) */
static bool
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80 ||
	       (c != 0 && strchr(PATH_ATEXT_EXTRA, c) != NULL);
}

/* path_fail - set the reason and fail */
static int
path_fail(struct vstr *why, const char *reason)
{
	vstr_cpy(why, reason);
	return -1;
}

/* path_domain - check a domain or [address literal] */
static int
path_domain(const char *d, size_t len, struct vstr *why)
{
	if (len == 0)
		return path_fail(why, "missing domain after \"@\"");
	if (d[0] == '[') {
		if (d[len - 1] != ']' || memchr(d + 1, '[', len - 2) ||
		    memchr(d, ']', len - 1))
			return path_fail(why, "malformed address literal");
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		if (!is_atext((unsigned char) d[i]) && d[i] != '.')
			return path_fail(why, "invalid character in domain");
	return 0;
}

/* path_route - skip "@a,@b:" and check it */
static int
path_route(const char **sp, const char *end, struct vstr *why)
{
	const char *s = *sp, *colon;

	if (*s != '@')
		return 0;
	if ((colon = memchr(s, ':', (size_t) (end - s))) == NULL)
		return path_fail(why, "malformed source route");
	while (s < colon) {
		const char *next = memchr(s, ',', (size_t) (colon - s));

		if (next == NULL)
			next = colon;
		if (*s != '@' ||
		    path_domain(s + 1, (size_t) (next - s - 1), why) < 0)
			return path_fail(why, "malformed source route");
		s = next + (next < colon);
	}
	*sp = colon + 1;
	return 0;
}

/* path_scan - check the characters; the last unquoted "@" or NULL */
static const char *
path_scan(const char *s, const char *end, const char **err)
{
	const char *at = NULL;

	for (const char *p = s; p < end; p++) {
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				if ((unsigned char) *p < ' ' && *p != '\t')
					*err = "control character in address";
			}
			if (p == end)
				*err = "unbalanced '\"' in address";
		} else if (*p == '@') {
			at = p;
		} else if (*p == '[' && at == p - 1) {
			const char *q = memchr(p, ']', (size_t) (end - p));

			if (q == NULL)
				*err = "malformed address literal";
			else
				p = q;
		} else if (*p == ' ' || *p == '\t') {
			*err = "white space in address";
		} else if (!is_atext((unsigned char) *p) && *p != '.') {
			*err = "invalid character in address";
		}
		if (*err)
			return NULL;
	}
	return at;
}

/* path_local - the unquoted local part [s, at) into out */
static void
path_local(const char *s, const char *at, struct vstr *out)
{
	for (const char *p = s; p < at; p++) {
		if (*p != '"') {
			vstr_addch(out, *p);
			continue;
		}
		for (p++; p < at && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < at)
				p++;
			vstr_addch(out, *p);
		}
	}
}

/* addr_parse_path - MAIL FROM/RCPT TO argument to internal form */
int
addr_parse_path(const char *arg, struct vstr *addr, struct vstr *why)
{
	const char *s = arg, *end, *at, *err = NULL;

	vstr_reset(addr);
	vstr_reset(why);
	while (IS_SPACE(*s))
		s++;
	end = s + strlen(s);
	while (end > s && IS_SPACE(end[-1]))
		end--;
	if (*s == '<') {
		if (end - s < 2 || end[-1] != '>')
			return path_fail(why, "missing '>' at end of address");
		s++;
		end--;
	} else if (s == end) {
		return path_fail(why, "empty address");
	}
	if (s == end)
		return 0;
	if (path_route(&s, end, why) < 0)
		return -1;
	if ((at = path_scan(s, end, &err)) == NULL) {
		if (err)
			return path_fail(why, err);
		path_local(s, end, addr);
		return vstr_len(addr) ? 0 : path_fail(why, "empty address");
	}
	path_local(s, at, addr);
	if (at == s)
		return path_fail(why, "empty local part");
	if (path_domain(at + 1, (size_t) (end - at - 1), why) < 0)
		return -1;
	vstr_cat_mem(addr, at, (size_t) (end - at));
	return 0;
}
