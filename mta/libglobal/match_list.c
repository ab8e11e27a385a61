/*
 * match_list - domain, host/address and string lists of main.cf
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dict.h"
#include "mail_params.h"
#include "maps.h"
#include "match_list.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* One binary network address with a prefix length. */
struct net {
	int family; /* AF_INET or AF_INET6; 0 when not an address pattern */
	unsigned char bytes[16];
	unsigned bits;
	bool bad; /* looked like net/mask but did not parse */
};

/* One pattern of the list. */
struct item {
	bool negate;
	char *text;        /* the pattern without "!" */
	struct maps *maps; /* "type:table" patterns */
	struct net net;    /* MATCH_NAMADR address patterns */
};

struct match_list {
	char *param;
	enum match_kind kind;
	bool parent; /* param in parent_domain_matches_subdomains */
	struct item *items;
	size_t count;
	size_t cap;
	struct vstr *key;
};

#define V4_CHARS "0123456789."
#define V6_CHARS V4_CHARS "abcdefABCDEF:"

static bool net_parse(const char *, struct net *);

/* is_table - "type:name" (but not an address such as "::1" or "[...]") */
static bool
is_table(const char *pat)
{
	const char *colon = strchr(pat, ':');

	if (colon == NULL || pat[0] == '[' || colon == pat)
		return false;
	/* An IPv6 address or net/mask is not a table. */
	if (pat[strspn(pat, V6_CHARS "/")] == 0) {
		struct net n = {0};

		if (net_parse(pat, &n))
			return false;
	}
	for (const char *cp = pat; cp < colon; cp++)
		if (!isalnum((unsigned char) *cp) && *cp != '_' && *cp != '-')
			return false;
	return true;
}

/* parse_bits - the decimal prefix length after "/" */
static bool
parse_bits(const char *s, unsigned max, unsigned *bits)
{
	unsigned long v = 0;

	if (*s == 0 || strlen(s) > 3 || !alldig(s))
		return false;
	for (; *s; s++)
		v = v * 10 + (unsigned long) (*s - '0');
	if (v > max)
		return false;
	*bits = (unsigned) v;
	return true;
}

/* net_parse - "addr", "[addr]", "addr/len", "[addr]/len" */
static bool
net_parse(const char *pat, struct net *n)
{
	struct vstr *buf = vstr_alloc(64);
	const char *slash = strchr(pat, '/');
	size_t len = slash ? (size_t) (slash - pat) : strlen(pat);
	bool ok = false;

	if (len >= 2 && pat[0] == '[' && pat[len - 1] == ']')
		vstr_mem(buf, pat + 1, len - 2);
	else
		vstr_mem(buf, pat, len);
	if (strncasecmp(vstr_str(buf), "ipv6:", 5) == 0)
		vstr_cpy(buf, vstr_str(buf) + 5);
	if (inet_pton(AF_INET, vstr_str(buf), n->bytes) == 1) {
		n->family = AF_INET;
		n->bits = 32;
	} else if (inet_pton(AF_INET6, vstr_str(buf), n->bytes) == 1) {
		n->family = AF_INET6;
		n->bits = 128;
	}
	if (n->family != 0)
		ok = slash == NULL || parse_bits(slash + 1, n->bits, &n->bits);
	vstr_free(buf);
	return ok;
}

/* net_host_bits - true when bits beyond the prefix are set */
static bool
net_host_bits(const struct net *n)
{
	unsigned total = n->family == AF_INET ? 32 : 128;

	for (unsigned i = n->bits; i < total; i++)
		if (n->bytes[i / 8] & (0x80 >> (i % 8)))
			return true;
	return false;
}

/* net_match - addr (binary, same family) inside n */
static bool
net_match(const struct net *n, const unsigned char *addr)
{
	unsigned full = n->bits / 8, rest = n->bits % 8;

	if (memcmp(n->bytes, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char) (0xff << (8 - rest));
	return (n->bytes[full] & mask) == (addr[full] & mask);
}

/* item_add - append one pattern (without file expansion) */
static void
item_add(struct match_list *l, const char *pat, bool negate)
{
	struct item *it;

	if (l->count == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->items = xreallocarray(l->items, l->cap, sizeof(*l->items));
	}
	it = &l->items[l->count++];
	memset(it, 0, sizeof(*it));
	it->negate = negate;
	it->text = xstrdup(pat);
	if (is_table(pat)) {
		it->maps = maps_create(l->param, pat,
		                       DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX);
		return;
	}
	if (l->kind != MATCH_NAMADR || pat[strcspn(pat, ":/[")] == 0)
		return;
	if (pat[strspn(pat, V6_CHARS "[]/")] != 0 &&
	    strncasecmp(pat, "[ipv6:", 6) != 0)
		return;
	if (!net_parse(pat, &it->net)) {
		msg_warn("%s: bad net/mask pattern: \"%s\"", l->param, pat);
		it->net.bad = true;
	} else if (net_host_bits(&it->net)) {
		msg_warn("%s: non-null host address bits in \"%s\"", l->param,
		         pat);
		it->net.bad = true;
	}
}

static void parse_patterns(struct match_list *, const char *, bool, int);

/* parse_file - the patterns of a "/file/name" pattern */
static void
parse_file(struct match_list *l, const char *path, bool negate, int depth)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;

	if ((fp = fopen(path, "r")) == NULL)
		msg_fatal("%s: open file %s: %m", l->param, path);
	while (getline(&line, &cap, fp) >= 0) {
		char *cp = line + strspn(line, SPACE_DELIMS);

		if (*cp == '#' || *cp == 0)
			continue;
		parse_patterns(l, cp, negate, depth + 1);
	}
	if (ferror(fp))
		msg_fatal("%s: read file %s: %m", l->param, path);
	free(line);
	fclose(fp);
}

/* parse_patterns - split a list value and add each pattern */
static void
parse_patterns(struct match_list *l, const char *value, bool negate, int depth)
{
	char *copy = xstrdup(value), *cp = copy, *pat;

	if (depth > 10)
		msg_fatal("%s: files nested too deeply", l->param);
	while ((pat = mystrtokq(&cp, LIST_DELIMS, "{}")) != NULL) {
		bool neg = negate;

		for (; *pat == '!'; pat++)
			neg = !neg;
		if (*pat == 0)
			continue;
		if (*pat == '/')
			parse_file(l, pat, neg, depth);
		else
			item_add(l, pat, neg);
	}
	xfree(copy);
}

/* match_list_init - parse a list parameter */
struct match_list *
match_list_init(const char *param_name, const char *patterns,
                enum match_kind kind)
{
	struct match_list *l = xcalloc(1, sizeof(*l));

	l->param = xstrdup(param_name);
	l->kind = kind;
	l->parent =
	        kind != MATCH_STRING &&
	        list_has_word(var_parent_domain_matches_subdomains, param_name);
	l->key = vstr_alloc(100);
	if (patterns)
		parse_patterns(l, patterns, false, 0);
	return l;
}

/* table_find - one table lookup: 1 found, 0 not, -1 error */
static int
table_find(struct maps *m, const char *key, int flags)
{
	const char *value;
	int rc = maps_find(m, key, flags, &value);

	if (rc == DICT_FOUND)
		return 1;
	if (rc == DICT_NOTFOUND)
		return 0;
	msg_warn("%s", maps_why(m));
	return -1;
}

/* table_domain - the name, then its parent domains, in a table */
static int
table_domain(struct match_list *l, struct maps *m, const char *name)
{
	int rc;

	vstr_cpy(l->key, name);
	lowercase(vstr_str(l->key));
	name = vstr_str(l->key);
	if ((rc = table_find(m, name, MAPS_FIND_FULL)) != 0)
		return rc;
	for (const char *dot = strchr(name + 1, '.'); dot && dot[1];
	     dot = strchr(dot + 1, '.')) {
		const char *k = l->parent ? dot + 1 : dot;

		if ((rc = table_find(m, k, MAPS_FIND_PARTIAL)) != 0)
			return rc;
	}
	return 0;
}

/* match_name - a host or domain name against one pattern */
static int
match_name(struct match_list *l, const struct item *it, const char *name)
{
	size_t nlen = strlen(name), plen = strlen(it->text);
	const char *pd;

	if (it->maps)
		return table_domain(l, it->maps, name);
	if (strcasecmp(name, it->text) == 0)
		return 1;
	if (plen >= nlen)
		return 0;
	pd = name + nlen - plen;
	if (l->parent)
		return pd[-1] == '.' && strcasecmp(pd, it->text) == 0;
	return it->text[0] == '.' && strcasecmp(pd, it->text) == 0;
}

/* addr_bin - a numeric address (optionally in brackets) to binary */
static int
addr_bin(const char *addr, unsigned char *bytes)
{
	if (inet_pton(AF_INET, addr, bytes) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, addr, bytes) == 1)
		return AF_INET6;
	return 0;
}

/* match_addr - a numeric address against one pattern */
static int
match_addr(struct match_list *l, const struct item *it, const char *addr)
{
	unsigned char bytes[16];
	int family;

	if (addr[strspn(addr, V6_CHARS)] != 0)
		return 0;
	if (it->maps)
		return table_find(it->maps, addr, MAPS_FIND_FULL);
	if (strcasecmp(addr, it->text) == 0)
		return 1;
	if (it->net.bad) {
		msg_warn("%s: bad address pattern \"%s\"", l->param, it->text);
		return -1;
	}
	if (it->net.family == 0 || (family = addr_bin(addr, bytes)) == 0)
		return 0;
	return family == it->net.family && net_match(&it->net, bytes);
}

/* match_string - a string against one pattern */
static int
match_string(struct match_list *l, const struct item *it, const char *s)
{
	if (it->maps) {
		vstr_cpy(l->key, s);
		lowercase(vstr_str(l->key));
		return table_find(it->maps, vstr_str(l->key), MAPS_FIND_FULL);
	}
	return strcasecmp(s, it->text) == 0;
}

/* match_item - one pattern against the name and/or address */
static int
match_item(struct match_list *l, const struct item *it, const char *name,
           const char *addr)
{
	int rc = 0;

	switch (l->kind) {
	case MATCH_STRING:
		return name ? match_string(l, it, name) : 0;
	case MATCH_DOMAIN:
		return name && *name ? match_name(l, it, name) : 0;
	case MATCH_NAMADR:
		if (name && *name)
			rc = match_name(l, it, name);
		if (rc == 0 && addr && *addr)
			rc = match_addr(l, it, addr);
		return rc;
	}
	return 0;
}

/* match_list_match - first pattern that matches decides */
int
match_list_match(struct match_list *l, const char *name, const char *addr)
{
	for (size_t i = 0; i < l->count; i++) {
		int rc = match_item(l, &l->items[i], name, addr);

		if (rc < 0)
			return -1;
		if (rc > 0)
			return l->items[i].negate ? 0 : 1;
	}
	return 0;
}

/* match_list_free - release a list */
struct match_list *
match_list_free(struct match_list *l)
{
	if (l == NULL)
		return NULL;
	for (size_t i = 0; i < l->count; i++) {
		xfree(l->items[i].text);
		if (l->items[i].maps)
			maps_free(l->items[i].maps);
	}
	xfree(l->items);
	xfree(l->param);
	vstr_free(l->key);
	xfree(l);
	return NULL;
}
