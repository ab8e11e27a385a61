#ifndef RESOLVE_H
#define RESOLVE_H
/*
 * NAME
 *	resolve - trivial-rewrite's address resolving, as a library
 * SUMMARY
 *	struct resolve_reply { struct vstr *transport, *nexthop,
 *	    *recipient; int flags; };
 *	void resolve_reply_init(struct resolve_reply *r);
 *	void resolve_reply_free(struct resolve_reply *r);
 *	void resolve_addr(const char *addr, struct resolve_reply *r);
 *	int resolve_local(const char *domain);
 * DESCRIPTION
 *	resolve_addr() decides how the recipient addr (internal form) is
 *	delivered: the address class (flags), the transport (master.cf
 *	service name), the nexthop (destination given to the transport)
 *	and the recipient (addr, rewritten in the "local" context first
 *	when it has no domain). The classes are those of Postfix's
 *	address class documentation:
 *
 *	RESOLVE_CLASS_LOCAL: domain in mydestination or [ip] of this
 *	machine, or no domain (then "@$myhostname" is appended). Transport
 *	$local_transport, nexthop the part after "transport:" (Debian:
 *	"local:$myhostname") or else the recipient domain.
 *	RESOLVE_CLASS_ALIAS: domain in virtual_alias_domains. Transport
 *	"error", nexthop "5.1.1 User unknown in virtual alias table" ("5.1.1
 *	User unknown" when show_user_unknown_table_name = no).
 *	RESOLVE_CLASS_VIRTUAL: domain in virtual_mailbox_domains.
 *	Transport $virtual_transport, nexthop the domain.
 *	RESOLVE_CLASS_RELAY: domain in relay_domains. Transport
 *	$relay_transport, nexthop $relayhost (kept verbatim, "[host]:port")
 *	or the domain.
 *	RESOLVE_CLASS_DEFAULT: anything else. Transport $default_transport,
 *	nexthop $relayhost or the domain.
 *	A class transport value "name:nexthop" splits at the first colon;
 *	a nexthop given there wins over relayhost and the domain. The local
 *	and virtual classes ignore relayhost.
 *
 *	Before classifying, local domains are stripped repeatedly:
 *	"user%remote@localdomain" (allow_percent_hack), "remote!user@local"
 *	(swap_bangpath) and "user@remote@local" resolve as user@remote. An
 *	empty local part becomes $empty_address_recipient.
 *
 *	transport_maps are then consulted (not for the alias class), with
 *	the keys: the full address, the address without its extension
 *	(recipient_delimiter), the domain, its parent domains (".parent",
 *	or "parent" when transport_maps is listed in
 *	parent_domain_matches_subdomains), then "*". A result "name:host"
 *	sets both; "name" or "name:" sets the transport and resets the
 *	nexthop to the recipient domain ("Address is undeliverable" for
 *	"error"); ":host" sets only the nexthop; ":" changes nothing.
 *	relocated_maps then turn the reply into transport "error", nexthop
 *	"5.1.6 User has moved to ...".
 *
 *	flags: RESOLVE_FLAG_FINAL with the local, alias and virtual classes.
 *	RESOLVE_FLAG_ROUTED: the first of "@", "!", "%" in the resolved
 *	recipient is not the "@" before its domain (a relay attempt through
 *	us; checked whatever swap_bangpath/allow_percent_hack say).
 *	RESOLVE_FLAG_ERROR: bad address (malformed or empty domain, a
 *	recipient starting with "-" when allow_min_user = no): transport
 *	"error", nexthop "5.1.3 Bad address syntax", class default. An
 *	error transport from the lists or tables is NOT a FLAG_ERROR: look
 *	at the transport. RESOLVE_FLAG_FAIL: a table lookup failed (logged
 *	with msg_warn) or a class transport is empty; the caller must defer
 *	(transport/nexthop then are unspecified).

 *	resolve_reply_init()/resolve_reply_free() allocate and release the
 *	reply strings (free does not free r itself).
 *
 *	resolve_local() returns 1 when domain (no "@"; "[1.2.3.4]" or
 *	"[ipv6:...]" literals allowed) is this machine's final
 *	destination: listed in mydestination, or an IP literal of an
 *	address in inet_interfaces/proxy_interfaces (all local interface
 *	addresses when inet_interfaces is "all"; loopback counts). 0 when
 *	not, -1 on a table error.
 *
 *	Tables and lists are opened at the first call (after main.cf has
 *	been loaded), and again when one of the var_* globals they come
 *	from has changed; other parameters are read at each call.
 */

struct vstr;

/* Same values as Postfix, so that attribute protocol peers agree. */
#define RESOLVE_FLAG_FINAL (1 << 0)
#define RESOLVE_FLAG_ROUTED (1 << 1)
#define RESOLVE_FLAG_ERROR (1 << 2)
#define RESOLVE_FLAG_FAIL (1 << 3)
#define RESOLVE_CLASS_LOCAL (1 << 8)
#define RESOLVE_CLASS_ALIAS (1 << 9)
#define RESOLVE_CLASS_VIRTUAL (1 << 10)
#define RESOLVE_CLASS_RELAY (1 << 11)
#define RESOLVE_CLASS_DEFAULT (1 << 12)
#define RESOLVE_CLASS_FINAL                                                    \
	(RESOLVE_CLASS_LOCAL | RESOLVE_CLASS_ALIAS | RESOLVE_CLASS_VIRTUAL)
#define RESOLVE_CLASS_MASK                                                     \
	(RESOLVE_CLASS_FINAL | RESOLVE_CLASS_RELAY | RESOLVE_CLASS_DEFAULT)

struct resolve_reply {
	struct vstr *transport;
	struct vstr *nexthop;
	struct vstr *recipient;
	int flags;
};

extern void resolve_reply_init(struct resolve_reply *);
extern void resolve_reply_free(struct resolve_reply *);
extern void resolve_addr(const char *, struct resolve_reply *);
extern int resolve_local(const char *);

#endif
