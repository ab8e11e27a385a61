/*
 * resolve - trivial-rewrite's address resolving, as a library
 *
 * The resolver works on the internal (unquoted) address form, so routing
 * operators inside a quoted local part count as routing operators, as
 * with Postfix's resolve_dequoted_address = yes.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "dict.h"
#include "mail_addr_find.h"
#include "mail_params.h"
#include "maps.h"
#include "match_list.h"
#include "msg.h"
#include "mymalloc.h"
#include "resolve.h"
#include "rewrite.h"
#include "stringops.h"
#include "vstr.h"

/* One local network address (binary). */
struct own_addr {
	int family;
	unsigned char bytes[16];
};

/* Tables and lists, rebuilt when the parameters they come from change. */
static struct {
	struct vstr *sig; /* the parameter values they were built from */
	struct match_list *mydest;
	struct match_list *relay;
	struct match_list *valias;
	struct match_list *vmailbox;
	struct maps *transport;
	struct maps *relocated;
	bool transport_parent;
	struct own_addr *own; /* NULL until an address literal is resolved */
	size_t own_count;
	bool own_done;
} rs;

/* param_sig - the values that the tables depend on */
static void
param_sig(struct vstr *sig)
{
	const char *vals[] = {var_mydestination,
	                      var_relay_domains,
	                      var_virtual_alias_domains,
	                      var_virtual_mailbox_domains,
	                      var_transport_maps,
	                      var_relocated_maps,
	                      var_inet_interfaces,
	                      var_proxy_interfaces,
	                      var_parent_domain_matches_subdomains};

	vstr_reset(sig);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		vstr_cat(sig, vals[i] ? vals[i] : "");
		vstr_addch(sig, '\n');
	}
}

/* resolve_cleanup - release the tables */
static void
resolve_cleanup(void)
{
	rs.mydest = match_list_free(rs.mydest);
	rs.relay = match_list_free(rs.relay);
	rs.valias = match_list_free(rs.valias);
	rs.vmailbox = match_list_free(rs.vmailbox);
	if (rs.transport)
		rs.transport = maps_free(rs.transport);
	if (rs.relocated)
		rs.relocated = maps_free(rs.relocated);
	rs.own = xfree(rs.own);
	rs.own_count = 0;
	rs.own_done = false;
}

/* resolve_init - open the tables at the first call or after a change */
static void
resolve_init(void)
{
	struct vstr *sig = vstr_alloc(200);

	param_sig(sig);
	if (rs.sig && strcmp(vstr_str(sig), vstr_str(rs.sig)) == 0) {
		vstr_free(sig);
		return;
	}
	resolve_cleanup();
	if (rs.sig)
		vstr_free(rs.sig);
	rs.sig = sig;
	rs.mydest = match_list_init("mydestination", var_mydestination,
	                            MATCH_DOMAIN);
	rs.relay = match_list_init("relay_domains", var_relay_domains,
	                           MATCH_DOMAIN);
	rs.valias = match_list_init("virtual_alias_domains",
	                            var_virtual_alias_domains, MATCH_STRING);
	rs.vmailbox =
	        match_list_init("virtual_mailbox_domains",
	                        var_virtual_mailbox_domains, MATCH_STRING);
	rs.transport = maps_create("transport_maps", var_transport_maps,
	                           DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX);
	rs.relocated = maps_create("relocated_maps", var_relocated_maps,
	                           DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX);
	rs.transport_parent = list_has_word(
	        var_parent_domain_matches_subdomains, "transport_maps");
}

/* own_add - remember one local address */
static void
own_add(int family, const void *bytes)
{
	struct own_addr *o;

	rs.own = xreallocarray(rs.own, rs.own_count + 1, sizeof(*rs.own));
	o = &rs.own[rs.own_count++];
	memset(o, 0, sizeof(*o));
	o->family = family;
	memcpy(o->bytes, bytes, family == AF_INET ? 4 : 16);
}

/* own_sockaddr - remember the address of a sockaddr */
static void
own_sockaddr(const struct sockaddr *sa)
{
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		own_add(AF_INET, &((const struct sockaddr_in *) sa)->sin_addr);
	else if (sa->sa_family == AF_INET6)
		own_add(AF_INET6,
		        &((const struct sockaddr_in6 *) sa)->sin6_addr);
}

/* own_all - every address of every interface */
static void
own_all(void)
{
	struct ifaddrs *ifa, *p;

	if (getifaddrs(&ifa) < 0) {
		msg_warn("getifaddrs: %m");
		return;
	}
	for (p = ifa; p; p = p->ifa_next)
		own_sockaddr(p->ifa_addr);
	freeifaddrs(ifa);
}

/* own_host - the addresses of one inet_interfaces/proxy_interfaces entry */
static void
own_host(const char *name)
{
	struct addrinfo hints = {0}, *res, *p;
	struct vstr *host = vstr_alloc(64);
	const char *h = name;
	size_t len = strlen(name);
	int err;

	if (len > 2 && name[0] == '[' && name[len - 1] == ']') {
		vstr_mem(host, name + 1, len - 2);
		h = vstr_str(host);
	}
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(h, NULL, &hints, &res)) != 0) {
		msg_warn("%s: host not found: %s", name, gai_strerror(err));
	} else {
		for (p = res; p; p = p->ai_next)
			own_sockaddr(p->ai_addr);
		freeaddrinfo(res);
	}
	vstr_free(host);
}

/* own_list - the addresses of a list of interface names */
static void
own_list(const char *list)
{
	static const unsigned char v4lo[4] = {127, 0, 0, 1};
	char *copy = xstrdup(list ? list : ""), *cp = copy, *name;

	while ((name = mystrtok(&cp, LIST_DELIMS)) != NULL) {
		if (strcasecmp(name, "all") == 0) {
			own_all();
		} else if (strcasecmp(name, "loopback-only") == 0) {
			own_add(AF_INET, v4lo);
			own_add(AF_INET6, &in6addr_loopback);
		} else {
			own_host(name);
		}
	}
	xfree(copy);
}

/* own_match - is the address one of ours? */
static bool
own_match(int family, const unsigned char *bytes)
{
	if (!rs.own_done) {
		own_list(var_inet_interfaces);
		own_list(var_proxy_interfaces);
		rs.own_done = true;
	}
	for (size_t i = 0; i < rs.own_count; i++)
		if (rs.own[i].family == family &&
		    memcmp(rs.own[i].bytes, bytes,
		           family == AF_INET ? 4 : 16) == 0)
			return true;
	return false;
}

/* literal_local - "[a.b.c.d]" or "[IPv6:...]" of this machine */
static bool
literal_local(const char *dom, size_t len)
{
	struct vstr *buf = vstr_alloc(64);
	unsigned char bytes[16];
	bool ok = false;

	if (len > 2 && dom[0] == '[' && dom[len - 1] == ']') {
		vstr_mem(buf, dom + 1, len - 2);
		if (strncasecmp(vstr_str(buf), "ipv6:", 5) == 0) {
			ok = inet_pton(AF_INET6, vstr_str(buf) + 5, bytes) ==
			             1 &&
			     own_match(AF_INET6, bytes);
		} else {
			ok = inet_pton(AF_INET, vstr_str(buf), bytes) == 1 &&
			     own_match(AF_INET, bytes);
		}
	}
	vstr_free(buf);
	return ok;
}

/* resolve_local - is the domain this machine's final destination? */
int
resolve_local(const char *domain)
{
	struct vstr *d = vstr_alloc(64);
	size_t len;
	int rc;

	resolve_init();
	vstr_cpy(d, domain);
	len = vstr_len(d);
	if (len > 1 && vstr_str(d)[len - 1] == '.')
		vstr_truncate(d, --len);
	if (len == 0) {
		vstr_free(d);
		return 0;
	}
	lowercase(vstr_str(d));
	rc = match_list_match(rs.mydest, vstr_str(d), NULL);
	if (rc == 0 && literal_local(vstr_str(d), len))
		rc = 1;
	vstr_free(d);
	return rc;
}

/* resolve_reply_init - allocate the reply strings */
void
resolve_reply_init(struct resolve_reply *r)
{
	r->transport = vstr_alloc(20);
	r->nexthop = vstr_alloc(100);
	r->recipient = vstr_alloc(100);
	r->flags = 0;
}

/* resolve_reply_free - release the reply strings */
void
resolve_reply_free(struct resolve_reply *r)
{
	r->transport = vstr_free(r->transport);
	r->nexthop = vstr_free(r->nexthop);
	r->recipient = vstr_free(r->recipient);
}

/* Where resolve_addr() is. */
struct work {
	struct vstr *addr;  /* the address being resolved */
	struct vstr *saved; /* "@localdomain" stripped last, or empty */
	struct vstr *tmp;
	bool remote; /* the loop stopped at a remote domain */
};

/* strip_dot - remove a trailing dot of the domain (not ".." or "@.") */
static void
strip_dot(struct vstr *a)
{
	const char *s = vstr_str(a);
	size_t len = vstr_len(a);

	if (len >= 2 && s[len - 1] == '.' && s[len - 2] != '.' &&
	    s[len - 2] != '@' && strchr(s, '@'))
		vstr_truncate(a, len - 1);
}

/* has_routing - does the address still hold a routing operator? */
static bool
has_routing(const char *s)
{
	return strchr(s, '@') || (var_swap_bangpath && strchr(s, '!')) ||
	       (var_allow_percent_hack && strchr(s, '%'));
}

/* strip_local - one pass of the loop: 1 again, 0 done, -1 table error */
static int
strip_local(struct work *w)
{
	char *at;
	int rc;

	strip_dot(w->addr);
	if (var_resolve_null_domain && vstr_len(w->addr) > 1 &&
	    vstr_str(w->addr)[vstr_len(w->addr) - 1] == '@')
		vstr_truncate(w->addr, vstr_len(w->addr) - 1);
	if ((at = strrchr(vstr_str(w->addr), '@')) != NULL) {
		if (at[1] != 0) {
			if ((rc = resolve_local(at + 1)) < 0)
				return -1;
			if (rc == 0) {
				w->remote = true;
				return 0;
			}
		}
		vstr_cpy(w->saved, at);
		vstr_truncate(w->addr, (size_t) (at - vstr_str(w->addr)));
	}
	if (has_routing(vstr_str(w->addr))) {
		rewrite_addr(REWRITE_LOCAL, vstr_str(w->addr), w->tmp);
		vstr_cpy(w->addr, vstr_str(w->tmp));
		return 1;
	}
	if (vstr_len(w->addr) == 0)
		vstr_cpy(w->addr, var_empty_address_recipient);
	return 0;
}

/* valid_label_char - a character of a host name label */
static bool
valid_label_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c >= 0x80;
}

/* valid_domain - host name, or [address literal] */
static bool
valid_domain(const char *d)
{
	size_t len = strlen(d), label = 0;
	unsigned char bytes[16];
	bool alpha = false;

	if (d[0] == '[') {
		struct vstr *b = vstr_alloc(64);
		bool ok = false;

		if (len > 2 && d[len - 1] == ']') {
			vstr_mem(b, d + 1, len - 2);
			ok = strncasecmp(vstr_str(b), "ipv6:", 5) == 0
			             ? inet_pton(AF_INET6, vstr_str(b) + 5,
			                         bytes) == 1
			             : inet_pton(AF_INET, vstr_str(b), bytes) ==
			                       1;
		}
		vstr_free(b);
		return ok;
	}
	if (len == 0 || len > 255)
		return false;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = (unsigned char) d[i];

		if (c == '.' || c == 0) {
			if (label == 0 || label > 63 || d[i - 1] == '-')
				return false;
			label = 0;
		} else if (!valid_label_char(c) || (label == 0 && c == '-')) {
			return false;
		} else {
			alpha |= !isdigit(c);
			label++;
		}
	}
	return alpha; /* all-numeric names are addresses, not host names */
}

/* set_error - a bad address */
static void
set_error(struct resolve_reply *r)
{
	r->flags |= RESOLVE_FLAG_ERROR | RESOLVE_CLASS_DEFAULT;
	vstr_cpy(r->transport, "error");
	vstr_cpy(r->nexthop, "5.1.3 Bad address syntax");
}

/* split_transport - "name:nexthop" into transport, and nexthop if set */
static void
split_transport(struct resolve_reply *r, const char *value)
{
	const char *colon = strchr(value, ':');

	if (colon == NULL) {
		vstr_cpy(r->transport, value);
		return;
	}
	vstr_mem(r->transport, value, (size_t) (colon - value));
	if (colon[1])
		vstr_cpy(r->nexthop, colon + 1);
}

/* classify - address class, transport and nexthop from the domain lists */
static int
classify(struct resolve_reply *r, const char *domain, bool remote)
{
	const char *transport;
	int rc;

	if (!remote) {
		r->flags |= RESOLVE_CLASS_LOCAL;
		transport = var_local_transport;
	} else if ((rc = match_list_match(rs.valias, domain, NULL)) != 0) {
		if (rc < 0)
			return -1;
		r->flags |= RESOLVE_CLASS_ALIAS;
		vstr_cpy(r->transport, "error");
		vstr_fmt(r->nexthop, "5.1.1 User unknown%s",
		         var_show_user_unknown_table_name
		                 ? " in virtual alias table"
		                 : "");
		return 0;
	} else if ((rc = match_list_match(rs.vmailbox, domain, NULL)) != 0) {
		if (rc < 0)
			return -1;
		r->flags |= RESOLVE_CLASS_VIRTUAL;
		transport = var_virtual_transport;
	} else if ((rc = match_list_match(rs.relay, domain, NULL)) != 0) {
		if (rc < 0)
			return -1;
		r->flags |= RESOLVE_CLASS_RELAY;
		transport = var_relay_transport;
	} else {
		r->flags |= RESOLVE_CLASS_DEFAULT;
		transport = var_default_transport;
	}
	vstr_cpy(r->nexthop, domain);
	if ((r->flags & (RESOLVE_CLASS_RELAY | RESOLVE_CLASS_DEFAULT)) &&
	    var_relayhost && *var_relayhost)
		vstr_cpy(r->nexthop, var_relayhost);
	split_transport(r, transport ? transport : "");
	return 0;
}

/* transport_entry - apply one transport(5) result */
static void
transport_entry(struct resolve_reply *r, const char *value, const char *domain)
{
	const char *colon = strchr(value, ':');
	size_t clen = colon ? (size_t) (colon - value) : strlen(value);
	const char *hop = colon ? colon + 1 : "";

	if (clen == 0) {
		if (*hop)
			vstr_cpy(r->nexthop, hop);
		return;
	}
	vstr_mem(r->transport, value, clen);
	if (*hop)
		vstr_cpy(r->nexthop, hop);
	else if (strcmp(vstr_str(r->transport), "error") != 0)
		vstr_cpy(r->nexthop, domain);
	else
		vstr_cpy(r->nexthop, "Address is undeliverable");
}

/* transport_try - one key: 1 found (applied), 0 not, -1 error */
static int
transport_try(struct resolve_reply *r, const char *key, int flags,
              const char *domain)
{
	const char *value;
	int rc = maps_find(rs.transport, key, flags, &value);

	if (rc == DICT_ERROR) {
		msg_warn("%s", maps_why(rs.transport));
		return -1;
	}
	if (rc != DICT_FOUND)
		return 0;
	transport_entry(r, value, domain);
	return 1;
}

/* transport_lookup - transport_maps keys, most specific first */
static int
transport_lookup(struct resolve_reply *r, const char *addr, const char *domain,
                 struct vstr *key)
{
	const char *at = strrchr(addr, '@');
	size_t ext = mail_addr_ext_split(addr, (size_t) (at - addr),
	                                 var_recipient_delimiter);
	int rc;

	if ((rc = transport_try(r, addr, MAPS_FIND_FULL, domain)) != 0)
		return rc;
	if (ext < (size_t) (at - addr)) {
		vstr_mem(key, addr, ext);
		vstr_cat(key, at);
		if ((rc = transport_try(r, vstr_str(key), MAPS_FIND_PARTIAL,
		                        domain)) != 0)
			return rc;
	}
	if ((rc = transport_try(r, domain, MAPS_FIND_PARTIAL, domain)) != 0)
		return rc;
	for (const char *dot = strchr(domain + 1, '.'); dot && dot[1];
	     dot = strchr(dot + 1, '.')) {
		const char *k = rs.transport_parent ? dot + 1 : dot;

		if ((rc = transport_try(r, k, MAPS_FIND_PARTIAL, domain)) != 0)
			return rc;
	}
	return transport_try(r, "*", MAPS_FIND_FULL, domain);
}

/* relocated_local - is_local callback for relocated_maps */
static int
relocated_local(const char *domain, void *ctx, struct vstr *why)
{
	int rc = resolve_local(domain);

	(void) ctx;
	if (rc < 0)
		vstr_cpy(why, "mydestination lookup failure");
	return rc;
}

/* relocated - relocated(5): the user has moved */
static int
relocated(struct resolve_reply *r, struct vstr *tmp)
{
	struct mail_addr_opts opts = {NULL, relocated_local, NULL};
	struct vstr *why = vstr_alloc(64);
	int rc;

	rc = mail_addr_find(rs.relocated, vstr_str(r->recipient), &opts, tmp,
	                    why);
	if (rc == DICT_FOUND) {
		vstr_cpy(r->transport, "error");
		vstr_fmt(r->nexthop, "5.1.6 User has moved to %s",
		         vstr_str(tmp));
	} else if (rc == DICT_ERROR) {
		msg_warn("%s", vstr_str(why));
	}
	vstr_free(why);
	return rc == DICT_ERROR ? -1 : 0;
}

/* finish - class, transport, tables; -1 on a temporary failure */
static int
finish(struct resolve_reply *r, bool remote, struct vstr *tmp)
{
	const char *rcpt = vstr_str(r->recipient);
	const char *domain = strrchr(rcpt, '@') + 1;

	if (!valid_domain(domain)) {
		set_error(r);
		return 0;
	}
	if (strcmp(rcpt + strcspn(rcpt, "@!%") + 1, domain) != 0)
		r->flags |= RESOLVE_FLAG_ROUTED;
	if (classify(r, domain, remote) < 0)
		return -1;
	if (vstr_len(r->transport) == 0) {
		msg_warn("file %s/main.cf: parameter %s: null transport is not "
		         "allowed",
		         var_config_directory,
		         (r->flags & RESOLVE_CLASS_LOCAL) ? "local_transport"
		         : (r->flags & RESOLVE_CLASS_VIRTUAL)
		                 ? "virtual_transport"
		         : (r->flags & RESOLVE_CLASS_RELAY)
		                 ? "relay_transport"
		                 : "default_transport");
		return -1;
	}
	if (!(r->flags & RESOLVE_CLASS_ALIAS) && maps_count(rs.transport) &&
	    transport_lookup(r, rcpt, domain, tmp) < 0)
		return -1;
	if (maps_count(rs.relocated) && relocated(r, tmp) < 0)
		return -1;
	if (!var_allow_min_user && rcpt[0] == '-') {
		r->flags &= ~RESOLVE_CLASS_MASK;
		set_error(r);
	}
	if (r->flags & RESOLVE_CLASS_FINAL)
		r->flags |= RESOLVE_FLAG_FINAL;
	return 0;
}

/* resolve_addr - decide how a recipient address is delivered */
void
resolve_addr(const char *addr, struct resolve_reply *r)
{
	struct work w = {vstr_alloc(100), vstr_alloc(100), vstr_alloc(100),
	                 false};
	size_t loops = 0, max = strlen(addr) + 100;
	int rc;

	resolve_init();
	r->flags = 0;
	vstr_reset(r->transport);
	vstr_reset(r->nexthop);
	vstr_cpy(r->recipient, addr);
	if (*addr && strchr(addr, '@') == NULL)
		rewrite_addr(REWRITE_LOCAL, addr, w.addr);
	else
		vstr_cpy(w.addr, addr);
	while ((rc = strip_local(&w)) > 0 && ++loops < max)
		;
	if (rc > 0)
		msg_warn("resolve_addr: <%s>: giving up after %zu iterations",
		         addr, loops);
	if (rc < 0) {
		r->flags |= RESOLVE_FLAG_FAIL;
	} else {
		vstr_cpy(r->recipient, vstr_str(w.addr));
		if (!w.remote) {
			if (vstr_len(w.saved) == 0)
				vstr_fmt(w.saved, "@%s", var_myhostname);
			vstr_cat(r->recipient, vstr_str(w.saved));
		}
		if (finish(r, w.remote, w.tmp) < 0)
			r->flags |= RESOLVE_FLAG_FAIL;
	}
	vstr_free(w.addr);
	vstr_free(w.saved);
	vstr_free(w.tmp);
}
