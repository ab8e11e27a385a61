/*
 * mail_addr_find - address lookups for canonical, virtual and generic
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "argv.h"
#include "dict.h"
#include "mac_expand.h"
#include "mail_addr_find.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "maps.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* mail_addr_propagates - propagate_unmatched_extensions lists class */
bool
mail_addr_propagates(const char *class)
{
	return class != NULL &&
	       list_has_word(var_propagate_unmatched_extensions, class);
}

/* same_name - the first len bytes of s are name, any case */
static bool
same_name(const char *s, size_t len, const char *name)
{
	return name != NULL && strlen(name) == len &&
	       strncasecmp(s, name, len) == 0;
}

/* never_split - localparts whose delimiter is part of the name */
static bool
never_split(const char *lp, size_t len, const char *delims)
{
	static const char owner[] = "owner-", request[] = "-request";
	const size_t olen = sizeof(owner) - 1, rlen = sizeof(request) - 1;

	if (same_name(lp, len, "postmaster") ||
	    same_name(lp, len, "MAILER-DAEMON") ||
	    same_name(lp, len, var_double_bounce_sender))
		return true;
	if (strchr(delims, '-') == NULL || !var_owner_request_special)
		return false;
	if (len >= olen && strncasecmp(lp, owner, olen) == 0)
		return true;
	return len > rlen && strncasecmp(lp + len - rlen, request, rlen) == 0;
}

/* mail_addr_ext_split - offset of the extension delimiter, or len */
size_t
mail_addr_ext_split(const char *localpart, size_t len, const char *delims)
{
	size_t pos;

	if (delims == NULL || *delims == 0 ||
	    never_split(localpart, len, delims))
		return len;
	for (pos = 0; pos < len; pos++)
		if (localpart[pos] != 0 && strchr(delims, localpart[pos]))
			break;
	/* An empty user name is no user: keep the localpart whole. */
	return pos == 0 ? len : pos;
}

/*
 * An address cut into its parts, as offsets into addr: the localpart is
 * [0, at), the extension with its delimiter [ext, at), the domain after
 * at (when has_domain).
 */
struct addr_parts {
	const char *addr;
	size_t at;
	size_t ext;
	bool has_at;
	bool has_domain;
};

/* addr_split - find the last '@' and the extension */
static void
addr_split(const char *addr, struct addr_parts *p)
{
	const char *at = strrchr(addr, '@');

	p->addr = addr;
	p->has_at = at != NULL;
	p->at = at ? (size_t) (at - addr) : strlen(addr);
	p->has_domain = at != NULL && at[1] != 0;
	p->ext = mail_addr_ext_split(addr, p->at, var_recipient_delimiter);
}

/* key_full - user+ext@domain */
static bool
key_full(const struct addr_parts *p, struct vstr *key)
{
	vstr_cpy(key, p->addr);
	return true;
}

/* key_bare_addr - user@domain (or user without '@') */
static bool
key_bare_addr(const struct addr_parts *p, struct vstr *key)
{
	if (p->ext == p->at)
		return false;
	vstr_mem(key, p->addr, p->ext);
	vstr_cat(key, p->addr + p->at);
	return true;
}

/* key_ext_user - user+ext, for a local domain */
static bool
key_ext_user(const struct addr_parts *p, struct vstr *key)
{
	if (!p->has_domain || p->ext == p->at)
		return false;
	vstr_mem(key, p->addr, p->at);
	return true;
}

/* key_user - user, for a local domain */
static bool
key_user(const struct addr_parts *p, struct vstr *key)
{
	if (!p->has_domain)
		return false;
	vstr_mem(key, p->addr, p->ext);
	return true;
}

/* key_at_domain - @domain */
static bool
key_at_domain(const struct addr_parts *p, struct vstr *key)
{
	if (!p->has_domain)
		return false;
	vstr_cpy(key, p->addr + p->at);
	return true;
}

/* The lookup order of canonical(5), virtual(5) and generic(5). */
static const struct find_step {
	bool (*make_key)(const struct addr_parts *, struct vstr *);
	int maps_flags;
	bool local_only; /* only when the domain is local */
	bool no_ext;     /* the key lacks the address extension */
} find_steps[] = {
        {key_full, MAPS_FIND_FULL, false, false},
        {key_bare_addr, MAPS_FIND_PARTIAL, false, true},
        {key_ext_user, MAPS_FIND_PARTIAL, true, false},
        {key_user, MAPS_FIND_PARTIAL, true, true},
        {key_at_domain, MAPS_FIND_PARTIAL, false, true},
};

/* append_ext - one result address with the extension in its localpart */
static void
append_ext(struct vstr *out, const char *elem, size_t len, const char *ext,
           size_t ext_len)
{
	const char *at = NULL;

	for (size_t i = 0; i < len; i++)
		if (elem[i] == '@')
			at = elem + i;
	if (at == elem) {
		vstr_cat_mem(out, elem, len);
		return;
	}
	if (at == NULL)
		at = elem + len;
	vstr_cat_mem(out, elem, (size_t) (at - elem));
	vstr_cat_mem(out, ext, ext_len);
	vstr_cat_mem(out, at, len - (size_t) (at - elem));
}

/* propagate_ext - put the extension into every address of the result */
static void
propagate_ext(struct vstr *result, const char *ext, size_t ext_len)
{
	char *copy = xstrdup(vstr_str(result));
	const char *cp = copy;

	vstr_reset(result);
	while (*cp) {
		const char *start, *end;
		bool quoted = false;

		cp += strspn(cp, ", \t\r\n");
		for (start = cp; *cp && (quoted || *cp != ','); cp++)
			if (*cp == '"')
				quoted = !quoted;
		for (end = cp; end > start && strchr(" \t\r\n", end[-1]);)
			end--;
		if (end == start)
			continue;
		if (vstr_len(result) > 0)
			vstr_cat(result, ", ");
		append_ext(result, start, (size_t) (end - start), ext, ext_len);
	}
	xfree(copy);
}

/* domain_is_local - ask the caller's callback (or the default) */
static int
domain_is_local(const struct addr_parts *p, const struct mail_addr_opts *o,
                struct vstr *why)
{
	mail_addr_local_fn fn =
	        o && o->is_local ? o->is_local : mail_addr_local_default;

	return fn(p->addr + p->at + 1, o ? o->ctx : NULL, why);
}

/* mail_addr_find - the canonical/virtual/generic key sequence */
int
mail_addr_find(struct maps *m, const char *addr,
               const struct mail_addr_opts *opts, struct vstr *result,
               struct vstr *why)
{
	struct addr_parts p;
	struct vstr *key = vstr_alloc(100);
	const char *value;
	int local = -2; /* not asked yet */
	int rc = DICT_NOTFOUND;

	addr_split(addr, &p);
	for (size_t i = 0; i < sizeof(find_steps) / sizeof(find_steps[0]);
	     i++) {
		const struct find_step *s = &find_steps[i];

		if (!s->make_key(&p, key))
			continue;
		if (s->local_only && local == -2)
			local = domain_is_local(&p, opts, why);
		if (s->local_only && local < 0) {
			rc = DICT_ERROR;
			break;
		}
		if (s->local_only && local == 0)
			continue;
		rc = maps_find(m, vstr_str(key), s->maps_flags, &value);
		if (rc == DICT_ERROR)
			vstr_cpy(why, maps_why(m));
		if (rc != DICT_NOTFOUND) {
			if (rc == DICT_FOUND) {
				vstr_cpy(result, value);
				if (s->no_ext && p.ext < p.at &&
				    mail_addr_propagates(
				            opts ? opts->class : NULL))
					propagate_ext(result, addr + p.ext,
					              p.at - p.ext);
			}
			break;
		}
	}
	vstr_free(key);
	return rc;
}

/*
 * The default local-domain check. It reads the globals on every call so
 * that a changed configuration (or a test) takes effect at once; only the
 * parsed form of $mydestination is kept, rebuilt when its text changes.
 */

/* var_value - mac_expand callback: a var_* global, else main.cf */
static const char *
var_value(const char *name, void *ctx)
{
	const struct param_def *pd = param_find(name);

	(void) ctx;
	if (pd && (pd->type == PT_STR || pd->type == PT_LIST) &&
	    *(char **) pd->var != NULL)
		return *(char **) pd->var;
	return mail_conf_raw(name);
}

/* expand_global - a global's value with any $name expanded */
static int
expand_global(const char *name, const char *value, struct vstr *out,
              struct vstr *why)
{
	vstr_reset(out);
	if (value == NULL)
		return 0;
	if (strchr(value, '$') == NULL) {
		vstr_cpy(out, value);
		return 0;
	}
	if (mac_expand(out, value, MAC_EXP_RECURSE, var_value, NULL, why) &
	    MAC_ERROR) {
		vstr_fmt_append(why, " in parameter %s", name);
		return -1;
	}
	return 0;
}

/* The parsed $mydestination: patterns, and a table for each "type:name". */
static struct dest_list {
	char *text;           /* the expanded value it was built from */
	struct argv *pats;    /* with files spliced in; "!" kept */
	struct maps **tables; /* per pattern: its table or NULL */
} dest;

/* dest_clear - forget the parsed list */
static void
dest_clear(void)
{
	for (size_t i = 0; dest.pats && i < dest.pats->argc; i++)
		maps_free(dest.tables[i]);
	dest.tables = xfree(dest.tables);
	dest.pats = argv_free(dest.pats);
	dest.text = xfree(dest.text);
}

/* dest_add_file - the patterns of a /file/name, '#' comments allowed */
static int
dest_add_file(const char *path, struct vstr *why)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *cp, *pat;
	size_t cap = 0;

	if (fp == NULL) {
		vstr_fmt(why, "mydestination: open %s: %s", path,
		         strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "#")] = 0;
		for (cp = line; (pat = mystrtokq(&cp, LIST_DELIMS, "{}"));)
			argv_add(dest.pats, pat);
	}
	free(line);
	fclose(fp);
	return 0;
}

/* dest_build - parse the expanded $mydestination */
static int
dest_build(const char *text, struct vstr *why)
{
	char *copy = xstrdup(text), *cp = copy, *pat;
	int rc = 0;

	dest_clear();
	dest.pats = argv_alloc(8);
	while (rc == 0 && (pat = mystrtokq(&cp, LIST_DELIMS, "{}")) != NULL) {
		if (*pat == '/')
			rc = dest_add_file(pat, why);
		else
			argv_add(dest.pats, pat);
	}
	xfree(copy);
	if (rc < 0) {
		dest_clear();
		return -1;
	}
	dest.tables = xcalloc(dest.pats->argc + 1, sizeof(*dest.tables));
	for (size_t i = 0; i < dest.pats->argc; i++) {
		const char *p =
		        dest.pats->argv[i] + (*dest.pats->argv[i] == '!');

		if (*p != '[' && strchr(p, ':') != NULL)
			dest.tables[i] = maps_create(
			        "mydestination", p,
			        DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX);
	}
	dest.text = xstrdup(text);
	return 0;
}

/* name_match - a domain pattern: "name" or ".parent" */
static bool
name_match(const char *pat, const char *name, bool parent)
{
	size_t plen = strlen(pat), nlen = strlen(name);

	if (*pat == '.')
		return nlen > plen && strcasecmp(name + nlen - plen, pat) == 0;
	if (strcasecmp(name, pat) == 0)
		return true;
	return parent && nlen > plen + 1 && name[nlen - plen - 1] == '.' &&
	       strcasecmp(name + nlen - plen, pat) == 0;
}

/* table_match - the name, then its parents as "sub.tld" or ".sub.tld" */
static int
table_match(struct maps *t, const char *name, bool parent, struct vstr *why)
{
	const char *value, *dot;
	int rc = maps_find(t, name, MAPS_FIND_FULL, &value);

	for (dot = strchr(name, '.'); rc == DICT_NOTFOUND && dot;
	     dot = strchr(dot + 1, '.'))
		rc = maps_find(t, parent ? dot + 1 : dot, MAPS_FIND_PARTIAL,
		               &value);
	if (rc == DICT_ERROR)
		vstr_cpy(why, maps_why(t));
	return rc == DICT_FOUND ? 1 : rc == DICT_ERROR ? -1 : 0;
}

/* dest_match - the name is in $mydestination */
static int
dest_match(const char *name, struct vstr *why)
{
	bool parent = list_has_word(var_parent_domain_matches_subdomains,
	                            "mydestination");

	for (size_t i = 0; i < dest.pats->argc; i++) {
		const char *pat = dest.pats->argv[i];
		bool negate = *pat == '!';
		int rc;

		pat += negate;
		rc = dest.tables[i]
		             ? table_match(dest.tables[i], name, parent, why)
		             : name_match(pat, name, parent);
		if (rc != 0)
			return rc < 0 ? -1 : !negate;
	}
	return 0;
}

/* A numeric host address. */
struct host_addr {
	int family;
	unsigned char bytes[16];
};

/* host_addr_parse - "192.0.2.1", "[192.0.2.1]", "[IPv6:2001:db8::1]" */
static bool
host_addr_parse(const char *text, struct host_addr *a)
{
	char *copy = xstrdup(text), *cp = copy;
	size_t len = strlen(cp);
	bool ok;

	if (*cp == '[' && len > 1 && cp[len - 1] == ']') {
		cp[len - 1] = 0;
		cp++;
	}
	if (strncasecmp(cp, "ipv6:", 5) == 0)
		cp += 5;
	memset(a, 0, sizeof(*a));
	a->family = strchr(cp, ':') ? AF_INET6 : AF_INET;
	ok = inet_pton(a->family, cp, a->bytes) == 1;
	xfree(copy);
	return ok;
}

/* host_addr_same - equal family and address */
static bool
host_addr_same(const struct host_addr *a, const struct host_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}

/* addr_in_list - the address is one of the numeric entries of a list */
static bool
addr_in_list(const struct host_addr *a, const char *list)
{
	char *copy = xstrdup(list), *cp = copy, *tok;
	struct host_addr b;
	bool found = false;

	while (!found && (tok = mystrtok(&cp, LIST_DELIMS)) != NULL)
		found = host_addr_parse(tok, &b) && host_addr_same(a, &b);
	xfree(copy);
	return found;
}

/* addr_on_interface - the address belongs to a local interface */
static bool
addr_on_interface(const struct host_addr *a)
{
	struct ifaddrs *list, *ifa;
	struct host_addr b;
	bool found = false;

	if (getifaddrs(&list) < 0)
		return false;
	for (ifa = list; !found && ifa; ifa = ifa->ifa_next) {
		const struct sockaddr *sa = ifa->ifa_addr;

		memset(&b, 0, sizeof(b));
		if (sa == NULL)
			continue;
		b.family = sa->sa_family;
		if (sa->sa_family == AF_INET)
			memcpy(b.bytes,
			       &((const struct sockaddr_in *) (const void *) sa)
			                ->sin_addr,
			       4);
		else if (sa->sa_family == AF_INET6)
			memcpy(b.bytes,
			       &((const struct sockaddr_in6 *) (const void *)
			                 sa)
			                ->sin6_addr,
			       16);
		else
			continue;
		found = host_addr_same(a, &b);
	}
	freeifaddrs(list);
	return found;
}

/* literal_is_local - [address] of inet_interfaces or proxy_interfaces */
static int
literal_is_local(const char *literal, struct vstr *why)
{
	struct vstr *inet = vstr_alloc(100), *proxy = vstr_alloc(100);
	struct host_addr a;
	int rc = -1;

	if (expand_global("inet_interfaces", var_inet_interfaces, inet, why) <
	            0 ||
	    expand_global("proxy_interfaces", var_proxy_interfaces, proxy,
	                  why) < 0)
		goto out;
	rc = 0;
	if (!host_addr_parse(literal, &a))
		goto out;
	/* XXX host names in these lists would need DNS; only numbers count. */
	if (addr_in_list(&a, vstr_str(proxy)) ||
	    addr_in_list(&a, vstr_str(inet)))
		rc = 1;
	else if (list_has_word(vstr_str(inet), "loopback-only"))
		rc = addr_in_list(&a, "127.0.0.1 ::1");
	else if (list_has_word(vstr_str(inet), "all"))
		rc = addr_on_interface(&a);
out:
	vstr_free(inet);
	vstr_free(proxy);
	return rc;
}

/* name_is_local - $myorigin or $mydestination */
static int
name_is_local(const char *name, struct vstr *why)
{
	struct vstr *val = vstr_alloc(100);
	int rc = -1;

	if (expand_global("myorigin", var_myorigin, val, why) < 0)
		goto out;
	if (vstr_len(val) > 0 && strcasecmp(vstr_str(val), name) == 0) {
		rc = 1;
		goto out;
	}
	if (expand_global("mydestination", var_mydestination, val, why) < 0)
		goto out;
	if (dest.text == NULL || strcmp(dest.text, vstr_str(val)) != 0)
		if (dest_build(vstr_str(val), why) < 0)
			goto out;
	rc = dest_match(name, why);
out:
	vstr_free(val);
	return rc;
}

/* mail_addr_local_default - myorigin, mydestination, own addresses */
int
mail_addr_local_default(const char *domain, void *ctx, struct vstr *why)
{
	char *name = xstrdup(domain);
	size_t len = strlen(name);
	int rc;

	(void) ctx;
	if (len > 1 && name[len - 1] == '.')
		name[len - 1] = 0;
	if (*name == '[')
		rc = literal_is_local(name, why);
	else
		rc = name_is_local(name, why);
	xfree(name);
	return rc;
}
