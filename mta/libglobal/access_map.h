#ifndef ACCESS_MAP_H
#define ACCESS_MAP_H
/*
 * NAME
 *	access_map - access(5) table lookups and actions
 * SUMMARY
 *	int access_find_mail(struct maps *m, const char *addr,
 *	    const char **value, struct vstr *key);
 *	int access_find_domain(struct maps *m, const char *domain,
 *	    const char **value, struct vstr *key);
 *	int access_find_addr(struct maps *m, const char *ipaddr,
 *	    const char **value, struct vstr *key);
 *	int access_find_client(struct maps *m, const char *name,
 *	    const char *ipaddr, const char **value, struct vstr *key);
 *	bool access_parent_style(void);
 *
 *	bool access_action_parse(const char *value, struct access_action *a,
 *	    struct vstr *why);
 *	void access_action_free(struct access_action *a);
 *	const char *access_verb_name(enum access_verb verb);
 * DESCRIPTION
 *	The lookups walk the keys that access(5) defines, from the most to
 *	the least specific, and stop at the first key that a table of the
 *	list has: DICT_FOUND with the value in *value (valid until the next
 *	lookup in that table) and, when key is not NULL, the key that
 *	matched in key. A value of DUNNO therefore hides the less specific
 *	keys, as access(5) says. They also stop at the first temporary
 *	error: DICT_ERROR, reason in maps_why(m), and the caller defers.
 *	Else DICT_NOTFOUND. Only the first key of a walk (the whole string
 *	the caller gave) goes to pattern tables; the shorter forms are for
 *	fixed-string tables (maps.h, MAPS_FIND_PARTIAL).
 *
 *	access_find_mail() looks up an envelope address (internal form):
 *	"user+ext@domain", "user@domain" (when there is an extension,
 *	split as mail_addr_ext_split() does with recipient_delimiter), the
 *	domain and its parent domains (as access_find_domain() does, all
 *	of them partial keys), "user+ext@" and "user@". The null address
 *	is looked up only as $smtpd_null_access_lookup_key ("<>" when
 *	unset).
 *
 *	access_find_domain() looks up a host or domain name
 *	("mail.sub.example.com"), then its parent domains: with
 *	access_parent_style() "sub.example.com", "example.com", "com",
 *	else ".sub.example.com", ".example.com", ".com".
 *	access_parent_style() is true when parent_domain_matches_subdomains
 *	lists smtpd_access_maps.
 *
 *	access_find_addr() looks up a client address as text, without
 *	brackets, then the shorter networks made by cutting off the last
 *	".octet" (IPv4: 192.0.2.1, 192.0.2, 192, ...) or ":group" (IPv6,
 *	on the text: 2001:db8::1, 2001:db8:, 2001:db8, 2001).
 *
 *	access_find_client() is access_find_domain() on the client name
 *	(skipped when name is NULL or empty), then access_find_addr().
 *
 *	access_action_parse() reads a table value into a:
 *
 *	    OK, DUNNO              no text allowed
 *	    all digits             OK (relay authorization databases)
 *	    REJECT [text]          text may start with an enhanced status
 *	    DEFER [text]             code (RFC 3463) "4.7.1 ..."/"5.7.1 ...",
 *	    DEFER_IF_REJECT [text]   stored in a->dsn; DEFER* need a 4.X.X
 *	    DEFER_IF_PERMIT [text]   one, REJECT 4.X.X or 5.X.X
 *	    4NN [text], 5NN [text] code in a->code; an enhanced status code
 *	                           must be of the same class; 421 and 521
 *	                           set a->disconnect
 *	    DISCARD, HOLD, WARN, INFO [text]   text to log
 *	    REDIRECT user@domain, BCC user@domain
 *	    FILTER transport:destination
 *	    PREPEND headername: headervalue
 *	    anything else          a list of restrictions, in a->text,
 *	                           for the caller to evaluate
 *
 *	Keywords are case-insensitive and end at white space. a->text is
 *	the text or argument after the keyword, code and status code,
 *	trimmed ("" when none; never NULL after success); a->dsn is NULL
 *	when the text gave none. It returns true, or false with the reason
 *	in why (and nothing to free) for a value that cannot be a valid
 *	action: text after OK or DUNNO, REDIRECT/BCC without a single
 *	user@domain, FILTER without transport:destination, PREPEND without
 *	a header name and colon, a reply code outside 4NN/5NN, an enhanced
 *	status code of the wrong class, or an empty value.
 *	access_action_free() releases what a successful parse allocated.
 *
 *	access_verb_name() is the keyword of a verb ("4NN/5NN" for
 *	ACCESS_CODE, "restrictions" for ACCESS_RESTRICTIONS), for logging.
 */
#include <stdbool.h>

struct maps;
struct vstr;

enum access_verb {
	ACCESS_OK,
	ACCESS_DUNNO,
	ACCESS_REJECT,
	ACCESS_DEFER,
	ACCESS_DEFER_IF_REJECT,
	ACCESS_DEFER_IF_PERMIT,
	ACCESS_CODE,
	ACCESS_DISCARD,
	ACCESS_HOLD,
	ACCESS_WARN,
	ACCESS_INFO,
	ACCESS_REDIRECT,
	ACCESS_BCC,
	ACCESS_FILTER,
	ACCESS_PREPEND,
	ACCESS_RESTRICTIONS,
};

struct access_action {
	enum access_verb verb;
	int code;        /* ACCESS_CODE: 400-599; else 0 */
	bool disconnect; /* 421 or 521: hang up after the reply */
	bool numeric;    /* ACCESS_OK from an all-digits value */
	char *dsn;       /* enhanced status code from the text, or NULL */
	char *text;      /* text or argument, "" when none */
};

extern int access_find_mail(struct maps *, const char *, const char **,
                            struct vstr *);
extern int access_find_domain(struct maps *, const char *, const char **,
                              struct vstr *);
extern int access_find_addr(struct maps *, const char *, const char **,
                            struct vstr *);
extern int access_find_client(struct maps *, const char *, const char *,
                              const char **, struct vstr *);
extern bool access_parent_style(void);

extern bool access_action_parse(const char *, struct access_action *,
                                struct vstr *)
        __attribute__((warn_unused_result));
extern void access_action_free(struct access_action *);
extern const char *access_verb_name(enum access_verb);

#endif
