/*
 * smtpd_check_rbl - DNS block and allow lists: reject_rbl_client,
 * reject_rhsbl_*, permit_dnswl_client, permit_rhswl_client
 *
 * A list is "domain" or "domain=pattern", where the pattern restricts
 * the A records that count (Postfix ip_match syntax: octets as numbers,
 * or "[a;b..c]" sets). A lookup without a definite answer counts as not
 * listed, with a warning, as in Postfix.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "mac_expand.h"
#include "mail_params.h"
#include "msg.h"
#include "mymalloc.h"
#include "smtpd_check_int.h"
#include "stringops.h"
#include "vstr.h"

#define RBL_FOUND 1
#define RBL_NONE 0
#define RBL_RETRY -1
#define RBL_TXT_LIMIT 500

/* rr_walk - the answer records of a reply: calls fn for each of type */
static void
rr_walk(const unsigned char *msg, int len, int type,
        void (*fn)(const unsigned char *rd, int rdlen, void *ctx), void *ctx)
{
	const unsigned char *end = msg + len;
	const unsigned char *cp = msg + sizeof(HEADER);
	int qd = ntohs(((const HEADER *) msg)->qdcount);
	int an = ntohs(((const HEADER *) msg)->ancount);
	int n;

	for (; qd > 0; qd--) {
		if ((n = dn_skipname(cp, end)) < 0 || cp + n + 4 > end)
			return;
		cp += n + 4;
	}
	for (; an > 0; an--) {
		int rtype, rdlen;

		if ((n = dn_skipname(cp, end)) < 0 || cp + n + 10 > end)
			return;
		cp += n;
		rtype = cp[0] << 8 | cp[1];
		rdlen = cp[8] << 8 | cp[9];
		cp += 10;
		if (cp + rdlen > end)
			return;
		if (rtype == type)
			fn(cp, rdlen, ctx);
		cp += rdlen;
	}
}

/* add_a - an A record as text */
static void
add_a(const unsigned char *rd, int rdlen, void *ctx)
{
	char buf[INET_ADDRSTRLEN];

	if (rdlen == 4 && inet_ntop(AF_INET, rd, buf, sizeof(buf)))
		argv_add(ctx, buf);
}

/* add_txt - the strings of a TXT record, " / " between records */
static void
add_txt(const unsigned char *rd, int rdlen, void *ctx)
{
	struct vstr *txt = ctx;

	if (vstr_len(txt) > 0 && vstr_len(txt) < RBL_TXT_LIMIT)
		vstr_cat(txt, " / ");
	for (int i = 0; i < rdlen && vstr_len(txt) < RBL_TXT_LIMIT;) {
		int n = rd[i++];

		if (i + n > rdlen)
			n = rdlen - i;
		vstr_cat_mem(txt, rd + i, (size_t) n);
		i += n;
	}
}

/* rbl_query_dns - A records (and TXT when listed) of a name */
static int
rbl_query_dns(const char *name, struct argv *addrs, struct vstr *txt)
{
	enum { ANSWER_MAX = 4096 };
	unsigned char *answer = xmalloc(ANSWER_MAX);
	int len = res_query(name, ns_c_in, ns_t_a, answer, ANSWER_MAX);
	int status = RBL_NONE;

	if (len >= (int) sizeof(HEADER)) {
		rr_walk(answer, len, ns_t_a, add_a, addrs);
		if (addrs->argc > 0) {
			status = RBL_FOUND;
			len = res_query(name, ns_c_in, ns_t_txt, answer,
			                ANSWER_MAX);
			if (len >= (int) sizeof(HEADER))
				rr_walk(answer, len, ns_t_txt, add_txt, txt);
		}
	} else if (h_errno != HOST_NOT_FOUND && h_errno != NO_DATA) {
		msg_warn("%s: RBL lookup error: %s", name, hstrerror(h_errno));
		status = RBL_RETRY;
	}
	xfree(answer);
	return status;
}

/* The query function; tests replace it. */
static int (*rbl_query)(const char *, struct argv *,
                        struct vstr *) = rbl_query_dns;

/* octet_match - one octet against "n" or "[a;b..c]" */
static bool
octet_match(const char *pat, size_t len, long value)
{
	char *copy, *bp, *item;
	bool match = false;

	if (len == 0)
		return false;
	if (pat[0] != '[')
		return strtol(pat, NULL, 10) == value &&
		       strspn(pat, "0123456789") == len;
	copy = xstrndup(pat + 1, len > 2 ? len - 2 : 0);
	bp = copy;
	while (!match && (item = mystrtok(&bp, ";")) != NULL) {
		char *dots = strstr(item, "..");
		long lo = strtol(item, NULL, 10);
		long hi = dots ? strtol(dots + 2, NULL, 10) : lo;

		match = value >= lo && value <= hi;
	}
	xfree(copy);
	return match;
}

/* ip_match - an IPv4 address against a pattern "o.o.o.o" */
static bool
ip_match(const char *pattern, const char *addr)
{
	const char *p = pattern;
	const char *a = addr;

	for (int i = 0; i < 4; i++) {
		size_t plen =
		        p[0] == '[' ? strcspn(p, "]") + 1 : strcspn(p, ".");
		long value = strtol(a, NULL, 10);

		if (!octet_match(p, plen, value))
			return false;
		p += plen;
		a += strcspn(a, ".");
		if (i < 3) {
			if (*p != '.' || *a != '.')
				return false;
			p++;
			a++;
		}
	}
	return *p == 0;
}

/* A lookup result. */
struct rbl {
	struct argv *addrs;
	struct vstr *txt;
	char *domain; /* the list domain without "=pattern" */
};

/* rbl_find - query "prefix.domain"; RBL_FOUND fills r */
static int
rbl_find(const char *prefix, const char *list, struct rbl *r)
{
	const char *eq = strchr(list, '=');
	struct vstr *query = vstr_alloc(100);
	int status;

	r->addrs = argv_alloc(2);
	r->txt = vstr_alloc(100);
	r->domain = eq ? xstrndup(list, (size_t) (eq - list)) : xstrdup(list);
	vstr_fmt(query, "%s.%s", prefix, r->domain);
	status = rbl_query(vstr_str(query), r->addrs, r->txt);
	if (status == RBL_FOUND && eq != NULL) {
		status = RBL_NONE;
		for (size_t i = 0; i < r->addrs->argc; i++)
			if (ip_match(eq + 1, r->addrs->argv[i]))
				status = RBL_FOUND;
	}
	vstr_free(query);
	return status;
}

/* rbl_free - release a lookup result */
static void
rbl_free(struct rbl *r)
{
	argv_free(r->addrs);
	vstr_free(r->txt);
	xfree(r->domain);
}

/* Context of $name expansion in the reply template. */
struct rbl_expand {
	struct eval *e;
	const struct rbl *r;
	const char *what;
	const char *cls;
	char code[16];
};

/* rbl_lookup - the $names of default_rbl_reply */
static const char *
rbl_lookup(const char *name, void *ctx)
{
	struct rbl_expand *x = ctx;
	struct smtpd_state *s = x->e->state;
	const struct {
		const char *name;
		const char *value;
	} names[] = {
	        {"rbl_code", x->code},
	        {"rbl_domain", x->r->domain},
	        {"rbl_reason", vstr_str(x->r->txt)},
	        {"rbl_txt", vstr_str(x->r->txt)},
	        {"rbl_what", x->what},
	        {"rbl_class", x->cls},
	        {"client_address", s->addr},
	        {"client_name", s->name},
	        {"reverse_client_name", s->reverse_name},
	        {"helo_name", s->helo_name},
	        {"sender", s->sender},
	        {"recipient", s->recipient},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].value ? names[i].value : "";
	return NULL;
}

/* rbl_reply - the rejection of a listed client or domain */
static int
rbl_reply(struct eval *e, const struct rbl *r, const char *what,
          const char *cls)
{
	struct rbl_expand x = {e, r, what, cls, ""};
	struct vstr *out = vstr_alloc(200);
	struct vstr *why = vstr_alloc(50);
	const char *t;
	int status;

	vstr_fmt(why, "%d", var_maps_rbl_reject_code);
	memcpy(x.code, vstr_str(why), vstr_len(why) + 1);
	(void) mac_expand(out, var_default_rbl_reply, 0, rbl_lookup, &x, why);
	t = vstr_str(out);
	if ((t[0] != '4' && t[0] != '5') || !isdigit((unsigned char) t[1]) ||
	    !isdigit((unsigned char) t[2]) || t[3] != ' ') {
		msg_warn("rbl response code configuration error: %s", t);
		status = check_reject(e->state, CHECK_ERR_POLICY, 450, "4.7.1",
		                      "Service unavailable");
	} else {
		const char *text = check_dsn_split(t + 4, "4.7.1", why);

		status = check_reject(e->state, CHECK_ERR_POLICY,
		                      (int) strtol(t, NULL, 10),
		                      check_dsn_fix(vstr_str(why), cls), "%s",
		                      *text ? text : "Service unavailable");
	}
	vstr_free(out);
	vstr_free(why);
	return status;
}

/* reversed_addr - "4.3.2.1" for 1.2.3.4, nibbles for IPv6; NULL if bad */
static char *
reversed_addr(const char *addr)
{
	unsigned char a6[16];
	struct vstr *out = vstr_alloc(80);
	struct argv *octets;

	if (inet_pton(AF_INET6, addr, a6) == 1) {
		for (int i = 15; i >= 0; i--)
			vstr_fmt_append(out, "%s%x.%x", i < 15 ? "." : "",
			                a6[i] & 0xf, a6[i] >> 4);
		return vstr_export(out);
	}
	if (inet_pton(AF_INET, addr, a6) != 1) {
		vstr_free(out);
		return NULL;
	}
	octets = argv_split(addr, ".");
	for (size_t i = octets->argc; i > 0; i--)
		vstr_fmt_append(out, "%s%s", i < octets->argc ? "." : "",
		                octets->argv[i - 1]);
	argv_free(octets);
	return vstr_export(out);
}

/* check_rbl_client - reject_rbl_client domain */
int
check_rbl_client(struct eval *e, const char *list)
{
	char *prefix = e->state->addr ? reversed_addr(e->state->addr) : NULL;
	struct rbl r;
	int status = CHECK_DUNNO;

	if (prefix == NULL)
		return CHECK_DUNNO;
	if (rbl_find(prefix, list, &r) == RBL_FOUND)
		status = rbl_reply(e, &r, e->state->addr, NAME_CLIENT);
	rbl_free(&r);
	xfree(prefix);
	return status;
}

/* rhs_domain - the domain to look up for what, or NULL to skip */
static const char *
rhs_domain(const char *what)
{
	const char *domain = strrchr(what, '@');
	const char *suffix;

	domain = domain ? domain + 1 : what;
	if (*domain == 0 || *domain == '[')
		return NULL;
	/* Names that end in a number look like addresses: skip them. */
	suffix = strrchr(domain, '.');
	if (alldig(suffix ? suffix + 1 : domain))
		return NULL;
	return domain;
}

/* check_rhsbl - reject_rhsbl_{client,reverse_client,helo,sender,
 * recipient} domain */
int
check_rhsbl(struct eval *e, const char *list, const char *what, const char *cls)
{
	const char *domain = what ? rhs_domain(what) : NULL;
	struct rbl r;
	int status = CHECK_DUNNO;

	if (domain == NULL)
		return CHECK_DUNNO;
	if (rbl_find(domain, list, &r) == RBL_FOUND)
		status = rbl_reply(e, &r, what, cls);
	rbl_free(&r);
	return status;
}

/* dnswl_result - an allow list answer as a restriction result */
static int
dnswl_result(struct eval *e, int found, const char *what, const char *cls)
{
	if (found == RBL_FOUND)
		return CHECK_OK;
	if (found == RBL_RETRY)
		return check_defer_if(&e->ctx->defer_if_reject,
		                      CHECK_ERR_POLICY, 450, "4.7.1",
		                      "<%s>: %s rejected: Service unavailable",
		                      what, cls);
	return CHECK_DUNNO;
}

/* unauthorized_rcpt - allow lists never permit relaying */
static bool
unauthorized_rcpt(struct eval *e)
{
	return strcmp(e->ctx->where, "RCPT") == 0 && e->state->recipient &&
	       check_auth_destination(e, e->state->recipient) != CHECK_OK;
}

/* check_dnswl_client - permit_dnswl_client domain */
int
check_dnswl_client(struct eval *e, const char *list)
{
	char *prefix = e->state->addr ? reversed_addr(e->state->addr) : NULL;
	struct rbl r;
	int status;

	if (prefix == NULL || unauthorized_rcpt(e)) {
		xfree(prefix);
		return CHECK_DUNNO;
	}
	status = dnswl_result(e, rbl_find(prefix, list, &r), e->state->addr,
	                      NAME_CLIENT);
	rbl_free(&r);
	xfree(prefix);
	return status;
}

/* check_rhswl_client - permit_rhswl_client domain */
int
check_rhswl_client(struct eval *e, const char *list)
{
	const char *name = e->state->name;
	const char *domain;
	struct rbl r;
	int status;

	if (name == NULL || strcasecmp(name, "unknown") == 0 ||
	    (domain = rhs_domain(name)) == NULL || unauthorized_rcpt(e))
		return CHECK_DUNNO;
	status = dnswl_result(e, rbl_find(domain, list, &r), name, NAME_CLIENT);
	rbl_free(&r);
	return status;
}
