#ifndef POSTALIAS_H
#define POSTALIAS_H
/*
 * NAME
 *	postalias - internal interfaces of the postalias command
 * SUMMARY
 *	struct alias_toks *postalias_tok_scan(const char *text);
 *	struct alias_toks *postalias_tok_free(struct alias_toks *t);
 *	const char *postalias_tok_internal(struct vstr *out,
 *	    const struct alias_toks *t, size_t from, size_t to);
 *	const char *postalias_tok_external(struct vstr *out,
 *	    const struct alias_toks *t, size_t from, size_t to);
 *
 *	int postalias_parse(const char *text, struct vstr *key,
 *	    struct vstr *value);
 *	void postalias_build(const char *arg, int open_flags, int dict_flags,
 *	    int mkmap_flags);
 * DESCRIPTION
 *	postalias_tok_scan() splits text into RFC 822 tokens the way
 *	Postfix's tok822_scan() does: atoms, quoted strings, domain
 *	literals, comments (kept in their written form) and the operator
 *	characters | % ! ) , . : ; < > @ ] each as a token. A backslash
 *	quotes the next character; an atom that then holds a special
 *	character, a space or a control character becomes a quoted string.
 *	Tab, CR and LF inside atoms and quotes become spaces.
 *
 *	postalias_tok_internal() joins tokens [from, to) in internal form
 *	(quoted strings without their quotes), postalias_tok_external() in
 *	external form (quotes and backslashes restored). Both put one space
 *	after a comma, before '<', and between two words.
 *
 *	postalias_parse() turns one logical line of an aliases(5) file into
 *	the key (internal form) and the value (external form). It returns
 *	ALIAS_OK, ALIAS_EMPTY (nothing on the line), ALIAS_NEED_PAIR (no
 *	"name: value", or a list of names) or ALIAS_NOT_LOCAL (the name has
 *	a domain).
 *
 *	postalias_build() builds or updates one alias table and adds the
 *	entries that Postfix adds to every alias database: "@" with value
 *	"@" (sendmail's "database is complete" mark) and the NIS entries
 *	YP_LAST_MODIFIED and YP_MASTER_NAME, stored without a trailing NUL
 *	as Debian's postalias (built with NIS support) does.
 */
#include <stddef.h>

struct vstr;

#define ATOK_ATOM 256
#define ATOK_QSTRING 257
#define ATOK_COMMENT 258
#define ATOK_DOMLIT 259

struct alias_tok {
	int type; /* ATOK_* or the operator character */
	struct vstr *text;
};

struct alias_toks {
	struct alias_tok *tok;
	size_t count;
	size_t cap;
};

#define ALIAS_OK 0
#define ALIAS_EMPTY 1
#define ALIAS_NEED_PAIR 2
#define ALIAS_NOT_LOCAL 3

/* postalias_tok.c */
extern struct alias_toks *postalias_tok_scan(const char *);
extern struct alias_toks *postalias_tok_free(struct alias_toks *);
extern const char *postalias_tok_internal(struct vstr *,
                                          const struct alias_toks *, size_t,
                                          size_t);
extern const char *postalias_tok_external(struct vstr *,
                                          const struct alias_toks *, size_t,
                                          size_t);

/* postalias_build.c */
extern int postalias_parse(const char *, struct vstr *, struct vstr *);
extern void postalias_build(const char *, int, int, int);

#endif
