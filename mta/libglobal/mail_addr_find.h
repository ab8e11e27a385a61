#ifndef MAIL_ADDR_FIND_H
#define MAIL_ADDR_FIND_H
/*
 * NAME
 *	mail_addr_find - address lookups for canonical, virtual and generic
 * SUMMARY
 *	typedef int (*mail_addr_local_fn)(const char *domain, void *ctx,
 *	    struct vstr *why);
 *	struct mail_addr_opts { const char *class; mail_addr_local_fn
 *	    is_local; void *ctx; };
 *	int mail_addr_find(struct maps *m, const char *addr,
 *	    const struct mail_addr_opts *opts, struct vstr *result,
 *	    struct vstr *why);
 *	size_t mail_addr_ext_split(const char *localpart, size_t len,
 *	    const char *delims);
 *	bool mail_addr_propagates(const char *class);
 *	int mail_addr_local_default(const char *domain, void *ctx,
 *	    struct vstr *why);
 * DESCRIPTION
 *	mail_addr_find() looks addr (internal form, "user+ext@domain") up
 *	in a map list with the keys that canonical(5), virtual(5) and
 *	generic(5) define, in this order, stopping at the first key that
 *	some table has or at the first error:
 *
 *	    user+ext@domain   the whole address (pattern tables too)
 *	    user@domain       when the address has an extension
 *	    user+ext          when the domain is local (opts->is_local)
 *	    user                and the address has an extension;
 *	    user              when the domain is local
 *	    @domain           any domain
 *
 *	Only the first key goes to pattern tables (regexp, pcre, ...); the
 *	others are fixed-string forms (maps.h: MAPS_FIND_PARTIAL). An
 *	address without '@' is looked up as itself, then without its
 *	extension. Each key is tried in every table of the list before the
 *	next key. The extension starts at the first character of the
 *	localpart that is in recipient_delimiter (mail_addr_ext_split()).
 *
 *	When the key that matched had no extension but the address had
 *	one, and propagate_unmatched_extensions lists opts->class
 *	("canonical", "virtual", "alias", "forward", "include" or
 *	"generic"; NULL: never), the extension is put back, with the
 *	delimiter the address used, into the localpart of each address of
 *	the comma-separated result: "user+ext@dom" found as "user@dom" ->
 *	"x@y, z" becomes "x+ext@y, z+ext". Result addresses with an empty
 *	localpart ("@domain") are left alone.
 *
 *	Results: DICT_FOUND with the value in result, DICT_NOTFOUND, or
 *	DICT_ERROR (a table failed, or the local-domain check did: the
 *	caller defers) with the reason in why.
 *
 *	opts->is_local(domain, ctx, why) returns 1 when the domain is one
 *	this system delivers for under its own name, 0 when not, and -1
 *	with a reason in why when it cannot tell. It is called at most once
 *	per lookup, and only when the first keys were not found. A NULL
 *	is_local means mail_addr_local_default(), which returns 1 for
 *	$myorigin, for the domains matched by $mydestination (names,
 *	".subdomain" patterns, "!" exclusions, /file/name and type:table
 *	entries; a table is asked for the domain and its parent domains),
 *	and for an address literal ([192.0.2.1], [IPv6:2001:db8::1]) of an
 *	address in $inet_interfaces ("all": every local interface;
 *	"loopback-only") or $proxy_interfaces. One trailing dot is ignored.
 *	Unexpanded "$name" references in those globals are expanded from
 *	the other var_* globals (else main.cf), so tests may set them
 *	directly.
 *
 *	mail_addr_ext_split() returns the offset of the delimiter that
 *	starts the extension of the localpart (its first len bytes), or len
 *	when it has none: when delims is NULL or empty, when no character
 *	of it occurs, when it would leave an empty user name, for
 *	"postmaster", "MAILER-DAEMON" and $double_bounce_sender, and, when
 *	delims contains '-' and owner_request_special is on, for
 *	"owner-..." and "...-request" (mailing list addresses).
 *
 *	mail_addr_propagates() tells whether propagate_unmatched_extensions
 *	lists a class (case-insensitive).
 */
#include <stdbool.h>
#include <stddef.h>

struct maps;
struct vstr;

typedef int (*mail_addr_local_fn)(const char *domain, void *ctx,
                                  struct vstr *why);

struct mail_addr_opts {
	const char *class;           /* propagate_unmatched_extensions */
	mail_addr_local_fn is_local; /* NULL: mail_addr_local_default */
	void *ctx;                   /* passed to is_local */
};

extern int mail_addr_find(struct maps *, const char *,
                          const struct mail_addr_opts *, struct vstr *,
                          struct vstr *);
extern size_t mail_addr_ext_split(const char *, size_t, const char *);
extern bool mail_addr_propagates(const char *)
        __attribute__((warn_unused_result));
extern int mail_addr_local_default(const char *, void *, struct vstr *);

#endif
