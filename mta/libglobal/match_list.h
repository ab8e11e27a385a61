#ifndef MATCH_LIST_H
#define MATCH_LIST_H
/*
 * NAME
 *	match_list - domain, host/address and string lists of main.cf
 * SUMMARY
 *	enum match_kind { MATCH_DOMAIN, MATCH_NAMADR, MATCH_STRING };
 *	struct match_list *match_list_init(const char *param_name,
 *	    const char *patterns, enum match_kind kind);
 *	int match_list_match(struct match_list *l, const char *name,
 *	    const char *addr);
 *	struct match_list *match_list_free(struct match_list *l);
 * DESCRIPTION
 *	A match list is the value of a parameter such as mydestination,
 *	relay_domains, mynetworks or debug_peer_list: patterns separated
 *	by commas and/or white space, tried in order; the first pattern
 *	that matches decides. A pattern "!pattern" negates: when it
 *	matches, the list does not match (and the search stops). A
 *	pattern "/file/name" is replaced by the patterns in that file
 *	(one or more a line, "#" comments). A pattern "type:table" is a
 *	lookup table (inline:{...} keeps its braces together).
 *
 *	match_list_init() parses patterns (param_name is used in messages
 *	and to decide parent_domain_matches_subdomains behaviour). kind
 *	selects how name (and addr) are compared:
 *
 *	MATCH_DOMAIN: name is a domain. A pattern "example.com" matches
 *	the domain itself, and its subdomains only when param_name is
 *	listed in $parent_domain_matches_subdomains ("parent style").
 *	Otherwise ".example.com" matches the subdomains (not the domain
 *	itself); as in Postfix, a ".example.com" pattern of a parent-style
 *	list matches nothing. A table is looked up with the (lower-case)
 *	domain, then, in fixed-string tables only, with its parents:
 *	"example.com", "com" in parent style, else ".example.com", ".com".
 *	A table hit is a match (the value is ignored) unless the pattern is
 *	negated. Comparisons ignore case. addr is ignored (may be NULL).
 *
 *	MATCH_NAMADR: name is a host name (matched as MATCH_DOMAIN; may be
 *	NULL or "unknown") and addr a numeric IPv4/IPv6 address (may be
 *	NULL). Each pattern is tried on name, then on addr. Address
 *	patterns: an exact address, "[addr]", CIDR "net/len" (also
 *	"[::1]/128" and bare "::1/128"); IPv4 patterns never match IPv6
 *	addresses. A malformed net/mask or one with host bits set (as
 *	"192.0.2.1/24") is warned about at init and makes a match attempt
 *	that reaches it fail with -1, as Postfix does. Tables are looked up
 *	with name (and its parents) and then with addr.
 *
 *	MATCH_STRING: name is compared to each pattern ignoring case; a
 *	table is looked up with name. addr is ignored.
 *
 *	match_list_match() returns 1 when the list matches, 0 when it does
 *	not, -1 when a table lookup failed (the caller should defer; the
 *	reason was logged with msg_warn).
 *
 *	match_list_free() releases the list and returns NULL.
 */

enum match_kind { MATCH_DOMAIN, MATCH_NAMADR, MATCH_STRING };

struct match_list;

extern struct match_list *match_list_init(const char *, const char *,
                                          enum match_kind);
extern int match_list_match(struct match_list *, const char *, const char *);
extern struct match_list *match_list_free(struct match_list *);

#endif
