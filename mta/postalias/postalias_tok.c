/*
 * postalias_tok - RFC 822 tokens of alias entries
 *
 * The aliases(5) value is stored in a normalized external form (spaces
 * between tokens as Postfix puts them, quotes where needed), and the key
 * in internal form, so that tables built here are byte for byte those of
 * Postfix's postalias. The rules were taken from the behaviour of
 * Debian's postalias 3.7 on test input.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "mymalloc.h"
#include "postalias.h"
#include "vstr.h"

/* Characters that are tokens of their own (or force quoting in atoms). */
static const char opchars[] = "|%!\"(),.:;<>@[]\\";

#define IS_SPACE(c) (isascii(c) && isspace(c))
#define IS_OP(c) ((c) != 0 && strchr(opchars, (c)) != NULL)
#define IS_TAB_CR_LF(c)                                                        \
	((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')

/* add_tok - a new empty token */
static struct alias_tok *
add_tok(struct alias_toks *t, int type)
{
	if (t->count == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->tok = xreallocarray(t->tok, t->cap, sizeof(*t->tok));
	}
	t->tok[t->count].type = type;
	t->tok[t->count].text = vstr_alloc(32);
	return &t->tok[t->count++];
}

/* collect - copy characters while in_atom or until stop; \ quotes */
static const char *
collect(struct vstr *out, const char *s, bool in_atom, int stop)
{
	int c;

	while ((c = *(const unsigned char *) s) != 0) {
		if (c == '\\') {
			if ((c = *(const unsigned char *) ++s) == 0)
				break;
		} else if (in_atom ? (IS_SPACE(c) || IS_OP(c)) : c == stop) {
			break;
		}
		vstr_addch(out, IS_TAB_CR_LF(c) ? ' ' : c);
		s++;
	}
	return s;
}

/* comment - "(text)" as written, nested parens and backslashes kept */
static const char *
comment(struct vstr *out, const char *s)
{
	int level = 1;
	int c;

	vstr_addch(out, '(');
	while ((c = *(const unsigned char *) s) != 0) {
		vstr_addch(out, c);
		s++;
		if (c == '(') {
			level++;
		} else if (c == ')') {
			if (--level == 0)
				break;
		} else if (c == '\\') {
			if ((c = *(const unsigned char *) s) == 0)
				break;
			vstr_addch(out, c);
			s++;
		}
	}
	return s;
}

/* quote_atom - an atom with special characters is a quoted string */
static void
quote_atom(struct alias_tok *tok)
{
	for (const unsigned char *cp =
	             (const unsigned char *) vstr_str(tok->text);
	     *cp; cp++) {
		if (*cp == ' ' || (isascii(*cp) && iscntrl(*cp)) ||
		    IS_OP(*cp)) {
			tok->type = ATOK_QSTRING;
			return;
		}
	}
}

/* postalias_tok_scan - split text into tokens */
struct alias_toks *
postalias_tok_scan(const char *s)
{
	struct alias_toks *t = xcalloc(1, sizeof(*t));
	struct alias_tok *tok;
	int c;

	while ((c = *(const unsigned char *) s++) != 0) {
		if (IS_SPACE(c))
			continue;
		if (c == '(') {
			s = comment(add_tok(t, ATOK_COMMENT)->text, s);
		} else if (c == '[' || c == '"') {
			tok = add_tok(t, c == '[' ? ATOK_DOMLIT : ATOK_QSTRING);
			s = collect(tok->text, s, false, c == '[' ? ']' : '"');
			if (*s)
				s++;
		} else if (c != '\\' && IS_OP(c)) {
			add_tok(t, c);
		} else {
			tok = add_tok(t, ATOK_ATOM);
			s = collect(tok->text, s - 1, true, 0);
			quote_atom(tok);
		}
	}
	return t;
}

/* postalias_tok_free - release the tokens */
struct alias_toks *
postalias_tok_free(struct alias_toks *t)
{
	for (size_t i = 0; i < t->count; i++)
		vstr_free(t->tok[i].text);
	xfree(t->tok);
	xfree(t);
	return NULL;
}

/* is_word - a token that is not an operator */
static bool
is_word(int type)
{
	return type >= ATOK_ATOM;
}

/* space_after - Postfix puts a space after token i */
static bool
space_after(const struct alias_toks *t, size_t i, size_t to)
{
	if (i + 1 >= to)
		return false;
	return t->tok[i].type == ',' || t->tok[i + 1].type == '<' ||
	       (is_word(t->tok[i].type) && is_word(t->tok[i + 1].type));
}

/* copy_quoted - append text with a backslash before each of quote_set */
static void
copy_quoted(struct vstr *out, const char *text, const char *quote_set)
{
	for (; *text; text++) {
		if (strchr(quote_set, *text) != NULL)
			vstr_addch(out, '\\');
		vstr_addch(out, *text);
	}
}

/* join - tokens [from, to) in internal or external form */
static const char *
join(struct vstr *out, const struct alias_toks *t, size_t from, size_t to,
     bool external)
{
	vstr_reset(out);
	for (size_t i = from; i < to; i++) {
		const struct alias_tok *tok = &t->tok[i];
		const char *text = vstr_str(tok->text);

		if (tok->type == ATOK_QSTRING && external) {
			vstr_addch(out, '"');
			copy_quoted(out, text, "\"\\\r\n");
			vstr_addch(out, '"');
		} else if (tok->type == ATOK_DOMLIT) {
			vstr_addch(out, '[');
			if (external)
				copy_quoted(out, text, "\\\r\n");
			else
				vstr_cat(out, text);
			vstr_addch(out, ']');
		} else if (is_word(tok->type)) {
			vstr_cat(out, text);
		} else {
			vstr_addch(out, tok->type);
		}
		if (space_after(t, i, to))
			vstr_addch(out, ' ');
	}
	return vstr_str(out);
}

/* postalias_tok_internal - tokens as the resolver sees them */
const char *
postalias_tok_internal(struct vstr *out, const struct alias_toks *t,
                       size_t from, size_t to)
{
	return join(out, t, from, to, false);
}

/* postalias_tok_external - tokens as they are written in mail */
const char *
postalias_tok_external(struct vstr *out, const struct alias_toks *t,
                       size_t from, size_t to)
{
	return join(out, t, from, to, true);
}
