/*
 * dict_cidr - cidr:/path, tables of IPv4 and IPv6 networks
 *
 * Rules, first match wins:
 *	network/prefix result	keys inside the network
 *	address result		that address only (/32 or /128)
 *	!network/prefix result	keys of the same address family outside it
 *	if [!]network/prefix	guard the rules up to the matching endif
 *	endif			(if..endif nests)
 * An address may be written in brackets: "[2001:db8::]/32", "[::1]",
 * "[2001:db8::/32]". A network with bits set after the prefix is
 * skipped with a warning that shows the network meant.
 *
 * Keys are addresses in inet_pton() form without brackets; any other key
 * is not found. Address families never meet: an IPv4 key does not match
 * an IPv6 rule (::ffff:0:0/96 included), negated or not, and an IF of
 * the other family skips its block.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "dict.h"
#include "dict_pattern.h"
#include "dict_types.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

struct cidr_net {
	int family;
	size_t len;             /* address bytes: 4 or 16 */
	unsigned char addr[16]; /* network order */
	unsigned char mask[16];
};

struct dict_cidr {
	struct dict dict;
	struct pattern_rules rules;
	struct vstr *result;
	struct cidr_net key; /* the key of the current lookup */
};

/* cidr_pton - address text to binary; the family follows from the text */
static bool
cidr_pton(const char *text, struct cidr_net *net)
{
	net->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	net->len = net->family == AF_INET6 ? 16 : 4;
	return inet_pton(net->family, text, net->addr) == 1;
}

/* cidr_set_mask - the first prefix bits set */
static void
cidr_set_mask(struct cidr_net *net, size_t prefix)
{
	memset(net->mask, 0, sizeof(net->mask));
	for (size_t i = 0; i < net->len; i++) {
		size_t bits = prefix > 8 ? 8 : prefix;

		net->mask[i] = (unsigned char) (0xff00 >> bits);
		prefix -= bits;
	}
}

/* cidr_prefix - value of a digit string, capped above any valid length */
static size_t
cidr_prefix(const char *digits)
{
	size_t n = 0;

	for (; *digits; digits++)
		if (n <= 128)
			n = n * 10 + (size_t) (*digits - '0');
	return n;
}

/* cidr_host_bits - are bits after the prefix set; then clear them */
static bool
cidr_host_bits(struct cidr_net *net)
{
	bool found = false;

	for (size_t i = 0; i < net->len; i++) {
		if (net->addr[i] & ~net->mask[i])
			found = true;
		net->addr[i] &= net->mask[i];
	}
	return found;
}

/* cidr_parse_net - "address/prefix" */
static bool
cidr_parse_net(struct pattern_rules *rs, size_t line, const char *addr,
               const char *mask, struct cidr_net *net)
{
	char shown[INET6_ADDRSTRLEN];
	size_t prefix;

	if (!cidr_pton(addr, net)) {
		pattern_warn(rs, line,
		             "bad network value in \"%s/%s\": skipping this "
		             "rule",
		             addr, mask);
		return false;
	}
	if (!alldig(mask)) {
		pattern_warn(rs, line,
		             "bad mask value in \"%s/%s\": skipping this rule",
		             addr, mask);
		return false;
	}
	if ((prefix = cidr_prefix(mask)) > net->len * 8) {
		pattern_warn(rs, line,
		             "bad mask length in \"%s/%s\": skipping this rule",
		             addr, mask);
		return false;
	}
	cidr_set_mask(net, prefix);
	if (cidr_host_bits(net)) {
		if (inet_ntop(net->family, net->addr, shown, sizeof(shown)) ==
		    NULL)
			shown[0] = 0;
		pattern_warn(rs, line,
		             "non-null host address bits in \"%s/%s\", perhaps "
		             "you should use \"%s/%zu\" instead: skipping this "
		             "rule",
		             addr, mask, shown, prefix);
		return false;
	}
	return true;
}

/* cidr_parse_host - a bare address */
static bool
cidr_parse_host(struct pattern_rules *rs, size_t line, const char *addr,
                struct cidr_net *net)
{
	if (!cidr_pton(addr, net)) {
		pattern_warn(rs, line,
		             "bad address pattern: \"%s\": skipping this rule",
		             addr);
		return false;
	}
	cidr_set_mask(net, net->len * 8);
	return true;
}

/* cidr_parse - "addr", "addr/len", "[addr]", "[addr]/len", "[addr/len]" */
static bool
cidr_parse(struct pattern_rules *rs, size_t line, const char *text,
           struct cidr_net *net)
{
	char *copy = xstrdup(text), *addr = copy, *mask = NULL, *cp;
	bool ok = false;

	if (*addr == '[') {
		addr++;
		if ((cp = strchr(addr, ']')) == NULL) {
			pattern_warn(rs, line,
			             "missing ']' character after \"[%s\": "
			             "skipping this rule",
			             addr);
			goto done;
		}
		*cp++ = 0;
		if (*cp == '/') {
			mask = cp + 1;
		} else if (*cp != 0) {
			pattern_warn(
			        rs, line,
			        "garbage after \"[%s]\": skipping this rule",
			        addr);
			goto done;
		}
	}
	if (mask == NULL && (cp = strchr(addr, '/')) != NULL) {
		*cp = 0;
		mask = cp + 1;
	}
	ok = mask ? cidr_parse_net(rs, line, addr, mask, net)
	          : cidr_parse_host(rs, line, addr, net);
done:
	xfree(copy);
	return ok;
}

/* cidr_if - "if network" or "if !network" */
static void
cidr_if(struct pattern_rules *rs, size_t line, const char *p)
{
	struct cidr_net *net;
	bool negate;

	p = pattern_skip_space(p);
	negate = *p == '!';
	if (negate)
		p = pattern_skip_space(p + 1);
	if (*p == 0) {
		pattern_warn(rs, line,
		             "no address pattern: skipping this rule");
		return;
	}
	net = xcalloc(1, sizeof(*net));
	if (cidr_parse(rs, line, p, net))
		pattern_add_if(rs, line, negate, net);
	else
		xfree(net);
}

/* cidr_endif - "endif" */
static void
cidr_endif(struct pattern_rules *rs, size_t line, const char *p)
{
	if (*pattern_skip_space(p) != 0)
		pattern_warn(rs, line,
		             "garbage after ENDIF: skipping this rule");
	else if (!pattern_endif(rs))
		pattern_warn(rs, line, "ENDIF without IF: skipping this rule");
}

/* cidr_rule - "network result" or "!network result" */
static void
cidr_rule(struct pattern_rules *rs, size_t line, const char *p)
{
	bool negate = *p == '!';
	struct cidr_net *net = xcalloc(1, sizeof(*net));
	const char *result;
	char *token;

	if (negate)
		p = pattern_skip_space(p + 1);
	token = xstrndup(p, strcspn(p, " \t\n\v\f\r"));
	result = pattern_skip_space(p + strlen(token));
	if (*token == 0) {
		pattern_warn(rs, line,
		             "no address pattern: skipping this rule");
	} else if (cidr_parse(rs, line, token, net)) {
		if (*result == 0) {
			pattern_warn(rs, line,
			             "no lookup result: skipping this rule");
		} else {
			pattern_add_rule(rs, line, negate, net,
			                 pattern_subst_literal(result));
			net = NULL;
		}
	}
	xfree(net);
	xfree(token);
}

/* cidr_line - pattern_rules_load() callback */
static void
cidr_line(struct pattern_rules *rs, const char *text, size_t line, void *ctx)
{
	const char *p = text;

	(void) ctx;
	switch (pattern_keyword(&p)) {
	case PATTERN_KW_IF:
		cidr_if(rs, line, p);
		break;
	case PATTERN_KW_ENDIF:
		cidr_endif(rs, line, p);
		break;
	default:
		cidr_rule(rs, line, text);
		break;
	}
}

/* cidr_match - is the key in the rule's network; -1: other family */
static int
cidr_match(void *ctx, const struct pattern_rule *r, const char *key)
{
	const struct cidr_net *net = r->pat;
	const struct cidr_net *k = &((struct dict_cidr *) ctx)->key;

	(void) key;
	if (net->family != k->family)
		return -1;
	for (size_t i = 0; i < net->len; i++)
		if ((k->addr[i] & net->mask[i]) != net->addr[i])
			return 0;
	return 1;
}

/* cidr_lookup - the first rule that fires */
static int
cidr_lookup(struct dict *d, const char *key, const char **value)
{
	static const struct pattern_match_ops ops = {
	        .match = cidr_match,
	        .group = NULL,
	};
	struct dict_cidr *dc = (struct dict_cidr *) d;

	if (!cidr_pton(key, &dc->key))
		return DICT_NOTFOUND;
	return pattern_lookup(&dc->rules, key, &ops, dc, dc->result, value);
}

/* cidr_free - release one network */
static void
cidr_free(void *pat)
{
	xfree(pat);
}

/* cidr_close - release the rules */
static void
cidr_close(struct dict *d)
{
	struct dict_cidr *dc = (struct dict_cidr *) d;

	pattern_rules_free(&dc->rules, cidr_free);
	vstr_free(dc->result);
}

/* dict_cidr_open - cidr:/path or cidr:{ {rule}, ... } */
struct dict *
dict_cidr_open(const char *name, int open_flags, int dict_flags,
               struct vstr *why)
{
	struct dict_cidr *dc;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		vstr_fmt(why, "cidr:%s: table is read-only", name);
		return NULL;
	}
	dc = (struct dict_cidr *) dict_alloc("cidr", name, sizeof(*dc),
	                                     open_flags,
	                                     dict_flags | DICT_FLAG_PATTERN);
	dc->result = vstr_alloc(100);
	dc->dict.lookup = cidr_lookup;
	dc->dict.close = cidr_close;
	if (pattern_rules_load(&dc->rules, &dc->dict, cidr_line, dc, why) < 0)
		return dict_close(&dc->dict);
	return &dc->dict;
}
