#ifndef DICT_PATTERN_H
#define DICT_PATTERN_H
/*
 * NAME
 *	dict_pattern - rule lists of the regexp, pcre and cidr tables
 * SUMMARY
 *	const char *pattern_skip_space(const char *cp);
 *	int pattern_rules_load(struct pattern_rules *rs, struct dict *d,
 *	    pattern_line_fn fn, void *ctx, struct vstr *why);
 *	void pattern_rules_free(struct pattern_rules *rs,
 *	    void (*free_pat)(void *));
 *	void pattern_warn(const struct pattern_rules *rs, size_t line,
 *	    const char *fmt, ...);
 *	int pattern_keyword(const char **p);
 *	void pattern_add_rule(struct pattern_rules *rs, size_t line,
 *	    bool negate, void *pat, struct pattern_subst *subst);
 *	void pattern_add_if(struct pattern_rules *rs, size_t line,
 *	    bool negate, void *pat);
 *	bool pattern_endif(struct pattern_rules *rs);
 *	int pattern_lookup(struct pattern_rules *rs, const char *key,
 *	    const struct pattern_match_ops *ops, void *ctx,
 *	    struct vstr *out, const char **value);
 *
 *	struct pattern_subst *pattern_subst_parse(
 *	    const struct pattern_rules *rs, size_t line, const char *text,
 *	    bool negate, size_t nsub);
 *	struct pattern_subst *pattern_subst_literal(const char *text);
 *	struct pattern_subst *pattern_subst_free(struct pattern_subst *s);
 *
 *	void pattern_regex_line(struct pattern_rules *rs, const char *text,
 *	    size_t line, const struct pattern_regex_ops *ops, void *ctx);
 * DESCRIPTION
 *	A pattern table is an ordered list of rules read from a file or
 *	given inline ("type:{ {rule}, {rule} }", one rule per element).
 *	The first rule that fires gives the result. A rule is either a
 *	match rule (pattern and result, optionally negated with '!') or
 *	an IF rule that guards the rules up to its ENDIF; IF..ENDIF nests.
 *	A table type compiles the patterns; this module keeps the list,
 *	the IF nesting, the result templates and the diagnostics.
 *
 *	pattern_rules_load() reads the source named by d->name, watches
 *	the file for dict_changed(), and calls fn for each logical line
 *	(continued lines joined, trailing white space removed) with its
 *	first line number. Bad lines are the callback's business: it logs
 *	a warning with pattern_warn() ("TYPE map NAME, line N: ...") and
 *	skips the rule. A logical line that starts with white space is
 *	skipped with a warning. After the last line, every IF still open
 *	is reported and extends to the end of the table. The result is 0,
 *	or -1 with the reason in why when the source cannot be read.
 *
 *	pattern_keyword() recognizes "if" and "endif" (any case, not
 *	followed by a letter or digit) at *p and moves *p past them; it
 *	returns PATTERN_KW_IF, PATTERN_KW_ENDIF, PATTERN_KW_OTHER (other
 *	text starting with a letter or digit) or PATTERN_KW_NONE.
 *
 *	pattern_add_rule() and pattern_add_if() append a rule, which
 *	takes ownership of pat and subst. pattern_endif() closes the
 *	innermost open IF; it returns false when none is open.
 *
 *	pattern_lookup() walks the rules. ops->match returns 1 when the
 *	key matches the rule's pattern, 0 when it does not, and -1 when
 *	the rule does not apply at all (an error it has logged, or a key
 *	of another address family): such a match rule is passed over, and
 *	the rules guarded by such an IF are skipped, negated or not. When
 *	a match rule fires, its result is expanded into out; ops->group
 *	gives the text of capture group n of that match (false when the
 *	group did not take part). The result is DICT_FOUND with *value
 *	pointing into out, or DICT_NOTFOUND.
 *
 *	Result templates: pattern_subst_parse() accepts $n, ${n}, $(n)
 *	(n >= 1) and $$ for a dollar sign. It logs a warning and returns
 *	NULL for bad syntax, a $n in a negated rule, or an n above nsub,
 *	the number of capture groups of the pattern.
 *	pattern_subst_literal() makes a template that is the text itself.
 *
 *	pattern_regex_line() parses one line of a regexp or pcre table:
 *	"/pattern/flags result", "!/pattern/flags result",
 *	"if /pattern/flags", "if !/pattern/flags" and "endif", where the
 *	first character of the pattern is its delimiter and a backslash
 *	keeps the next character from ending it. ops->compile receives
 *	the pattern text and the flag characters; it returns the compiled
 *	pattern with its number of capture groups, or NULL after a
 *	warning.
 */
#include <stdbool.h>
#include <stddef.h>

struct dict;
struct vstr;
struct pattern_subst;

struct pattern_rule {
	bool is_if;
	bool negate;
	size_t line;
	size_t skip;   /* IF: index of the first rule after its ENDIF */
	size_t groups; /* highest capture group that the result uses */
	void *pat;     /* compiled pattern, owned by the table type */
	struct pattern_subst *subst; /* NULL for IF */
};

struct pattern_rules {
	const char *type; /* for messages: "regexp", "pcre", "cidr" */
	const char *map;  /* for messages: the table name */
	struct pattern_rule *rule;
	size_t count;
	size_t cap;
	size_t *open; /* indices of the IF rules without ENDIF yet */
	size_t open_count;
	size_t open_cap;
};

#define PATTERN_KW_NONE 0
#define PATTERN_KW_IF 1
#define PATTERN_KW_ENDIF 2
#define PATTERN_KW_OTHER 3

typedef void (*pattern_line_fn)(struct pattern_rules *, const char *text,
                                size_t line, void *ctx);

struct pattern_match_ops {
	int (*match)(void *ctx, const struct pattern_rule *, const char *key);
	bool (*group)(void *ctx, size_t n, size_t *start, size_t *len);
};

struct pattern_regex_ops {
	void *(*compile)(struct pattern_rules *, size_t line, const char *re,
	                 const char *flags, size_t *nsub, void *ctx);
	void (*free)(void *pat);
};

extern const char *pattern_skip_space(const char *);
extern int pattern_rules_load(struct pattern_rules *, struct dict *,
                              pattern_line_fn, void *, struct vstr *);
extern void pattern_rules_free(struct pattern_rules *, void (*)(void *));
extern void pattern_warn(const struct pattern_rules *, size_t, const char *,
                         ...) __attribute__((format(printf, 3, 4)));
extern int pattern_keyword(const char **);
extern void pattern_add_rule(struct pattern_rules *, size_t, bool, void *,
                             struct pattern_subst *);
extern void pattern_add_if(struct pattern_rules *, size_t, bool, void *);
extern bool pattern_endif(struct pattern_rules *);
extern int pattern_lookup(struct pattern_rules *, const char *,
                          const struct pattern_match_ops *, void *,
                          struct vstr *, const char **);

extern struct pattern_subst *pattern_subst_parse(const struct pattern_rules *,
                                                 size_t, const char *, bool,
                                                 size_t);
extern struct pattern_subst *pattern_subst_literal(const char *);
extern struct pattern_subst *pattern_subst_free(struct pattern_subst *);

extern void pattern_regex_line(struct pattern_rules *, const char *, size_t,
                               const struct pattern_regex_ops *, void *);

#endif
