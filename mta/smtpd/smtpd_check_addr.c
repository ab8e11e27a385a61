/*
 * smtpd_check_addr - relay control, the recipient tables (unknown users),
 * address and host name syntax, and the DNS-based restrictions
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>
#include <strings.h>

#include "dict.h"
#include "mail_addr_find.h"
#include "mail_params.h"
#include "maps.h"
#include "match_list.h"
#include "msg.h"
#include "mymalloc.h"
#include "resolve.h"
#include "smtpd_check_int.h"
#include "stringops.h"
#include "vstr.h"

static struct match_list *mynetworks_list;
static struct maps *local_rcpt_maps;
static struct maps *send_canon_maps;
static struct maps *rcpt_canon_maps;
static struct maps *canonical_maps;
static struct maps *virt_alias_maps;
static struct maps *virt_mailbox_maps;
static struct maps *relay_rcpt_maps;

/* open_maps - a map list of a parameter, as smtpd can open it */
static struct maps *
open_maps(const char *param, const char *names)
{
	char *fixed = check_map_names(names);
	struct maps *m =
	        maps_create(param, fixed, DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX);

	xfree(fixed);
	return m;
}

/* warm_up_resolver - the resolver opens its tables at its first call:
 * make that happen before the jail */
static void
warm_up_resolver(void)
{
	struct resolve_reply reply;

	resolve_reply_init(&reply);
	resolve_addr("postmaster", &reply);
	resolve_reply_free(&reply);
}

/* check_addr_init - open mynetworks and the recipient tables */
void
check_addr_init(void)
{
	mynetworks_list =
	        match_list_init("mynetworks", var_mynetworks, MATCH_NAMADR);
	local_rcpt_maps =
	        open_maps("local_recipient_maps", var_local_recipient_maps);
	send_canon_maps =
	        open_maps("sender_canonical_maps", var_sender_canonical_maps);
	rcpt_canon_maps = open_maps("recipient_canonical_maps",
	                            var_recipient_canonical_maps);
	canonical_maps = open_maps("canonical_maps", var_canonical_maps);
	virt_alias_maps =
	        open_maps("virtual_alias_maps", var_virtual_alias_maps);
	virt_mailbox_maps =
	        open_maps("virtual_mailbox_maps", var_virtual_mailbox_maps);
	relay_rcpt_maps =
	        open_maps("relay_recipient_maps", var_relay_recipient_maps);
	warm_up_resolver();
}

/* check_addr_cleanup - close what check_addr_init() opened */
void
check_addr_cleanup(void)
{
	struct maps **all[] = {&local_rcpt_maps, &send_canon_maps,
	                       &rcpt_canon_maps, &canonical_maps,
	                       &virt_alias_maps, &virt_mailbox_maps,
	                       &relay_rcpt_maps};

	if (mynetworks_list)
		mynetworks_list = match_list_free(mynetworks_list);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (*all[i])
			*all[i] = maps_free(*all[i]);
}

/* check_mynetworks - the client matches mynetworks; *error on failure */
bool
check_mynetworks(struct smtpd_state *state, int *error)
{
	int rc;

	if (mynetworks_list == NULL || state->addr == NULL)
		return false;
	rc = match_list_match(mynetworks_list, state->name, state->addr);
	if (rc < 0)
		*error = 1;
	return rc > 0;
}

/*
 * Relay control.
 */

/* check_auth_destination - permit_auth_destination: OK for a final or
 * relay destination, DUNNO else, REJECT (reply made) on lookup error */
int
check_auth_destination(struct eval *e, const char *recipient)
{
	struct resolve_reply reply;
	int status = CHECK_DUNNO;

	resolve_reply_init(&reply);
	resolve_addr(recipient, &reply);
	if (reply.flags & RESOLVE_FLAG_FAIL)
		status = check_dict_retry(e->state, recipient);
	else if (strrchr(vstr_str(reply.recipient), '@') == NULL)
		status = CHECK_OK;
	else if (!var_allow_untrusted_routing &&
	         (reply.flags & RESOLVE_FLAG_ROUTED))
		status = CHECK_DUNNO;
	else if (reply.flags & (RESOLVE_CLASS_FINAL | RESOLVE_CLASS_RELAY))
		status = CHECK_OK;
	resolve_reply_free(&reply);
	return status;
}

/* check_unauth_destination - reject/defer_unauth_destination */
int
check_unauth_destination(struct eval *e, const char *recipient, int code,
                         const char *dsn)
{
	int status = check_auth_destination(e, recipient);

	if (status == CHECK_OK)
		return CHECK_DUNNO;
	if (status == CHECK_REJECT)
		return status;
	return check_reject(e->state, CHECK_ERR_POLICY, code, dsn,
	                    "<%s>: Relay access denied", recipient);
}

/*
 * Recipient (and sender) tables.
 */

/* addr_find - 1 when a table lists addr, 0 when not, -1 (reply made) on
 * a lookup error */
static int
addr_find(struct eval *e, struct maps *maps, const char *addr,
          const char *reply_addr)
{
	struct vstr *result = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	int rc = mail_addr_find(maps, addr, NULL, result, why);

	vstr_free(result);
	if (rc == DICT_ERROR)
		msg_warn("%s", vstr_str(why));
	vstr_free(why);
	if (rc == DICT_FOUND)
		return 1;
	if (rc == DICT_ERROR) {
		(void) check_dict_retry(e->state, reply_addr);
		return -1;
	}
	return 0;
}

/* match_left - the local part of addr is name (any case) */
static bool
match_left(const char *name, const char *addr)
{
	size_t n = strlen(name);

	return strncasecmp(name, addr, n) == 0 && addr[n] == '@';
}

/* error_transport - the resolver chose the error or retry transport */
static int
error_transport(struct eval *e, const struct resolve_reply *r, const char *addr,
                const char *cls)
{
	bool sender = strcmp(cls, NAME_SENDER) == 0;
	bool retry = strcmp(vstr_str(r->transport), "retry") == 0;
	struct vstr *dsn = vstr_alloc(10);
	const char *def = retry ? (sender ? "4.1.0" : "4.1.1")
	                        : (sender ? "5.1.0" : "5.1.1");
	const char *text = check_dsn_split(vstr_str(r->nexthop), def, dsn);
	int code = retry ? 450
	           : (r->flags & RESOLVE_CLASS_ALIAS)
	                   ? var_unknown_virtual_alias_reject_code
	                   : 550;
	int status = check_reject(e->state, CHECK_ERR_BOUNCE, code,
	                          check_dsn_fix(vstr_str(dsn), cls),
	                          "<%s>: %s rejected: %s", addr, cls, text);

	vstr_free(dsn);
	return status;
}

/* user_unknown - the "User unknown in ... table" rejection */
static int
user_unknown(struct eval *e, int code, const char *addr, const char *cls,
             const char *table)
{
	return check_reject(e->state, CHECK_ERR_BOUNCE, code,
	                    strcmp(cls, NAME_SENDER) == 0 ? "5.1.0" : "5.1.1",
	                    "<%s>: %s rejected: User unknown%s%s%s", addr, cls,
	                    var_show_user_unknown_table_name ? " in " : "",
	                    var_show_user_unknown_table_name ? table : "",
	                    var_show_user_unknown_table_name ? " table" : "");
}

/* class_tables - the table of the address class must list the address */
static int
class_tables(struct eval *e, const struct resolve_reply *r, const char *addr,
             const char *cls)
{
	const char *rcpt = vstr_str(r->recipient);
	int found;

	switch (r->flags & RESOLVE_CLASS_MASK) {
	case RESOLVE_CLASS_LOCAL:
		if (!*var_local_recipient_maps ||
		    match_left(var_double_bounce_sender, rcpt) ||
		    match_left("postmaster", rcpt) ||
		    match_left("MAILER-DAEMON", rcpt))
			return CHECK_DUNNO;
		found = addr_find(e, local_rcpt_maps, rcpt, addr);
		return found < 0 ? CHECK_REJECT
		       : found   ? CHECK_DUNNO
		                 : user_unknown(
		                           e,
		                           var_unknown_local_recipient_reject_code,
		                           addr, cls, "local recipient");
	case RESOLVE_CLASS_VIRTUAL:
		if (!*var_virtual_mailbox_maps)
			return CHECK_DUNNO;
		found = addr_find(e, virt_mailbox_maps, rcpt, addr);
		return found < 0 ? CHECK_REJECT
		       : found   ? CHECK_DUNNO
		                 : user_unknown(
		                           e,
		                           var_unknown_virtual_mailbox_reject_code,
		                           addr, cls, "virtual mailbox");
	case RESOLVE_CLASS_RELAY:
		if (!*var_relay_recipient_maps)
			return CHECK_DUNNO;
		found = addr_find(e, relay_rcpt_maps, rcpt, addr);
		return found < 0 ? CHECK_REJECT
		       : found   ? CHECK_DUNNO
		                 : user_unknown(
		                           e,
		                           var_unknown_relay_recipient_reject_code,
		                           addr, cls, "relay recipient");
	default:
		return CHECK_DUNNO;
	}
}

/* rewritten - the address is known to canonical or virtual alias maps */
static int
rewritten(struct eval *e, const char *rcpt, const char *addr, bool sender)
{
	struct maps *lists[] = {rcpt_canon_maps,
	                        sender ? send_canon_maps : NULL, canonical_maps,
	                        virt_alias_maps};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		int found;

		if (lists[i] == NULL || maps_count(lists[i]) == 0)
			continue;
		if ((found = addr_find(e, lists[i], rcpt, addr)) != 0)
			return found;
	}
	return 0;
}

/* check_rcpt_maps - reject an address that no table of its class lists */
int
check_rcpt_maps(struct eval *e, const char *addr, const char *cls)
{
	struct resolve_reply reply;
	int status;
	int known;

	resolve_reply_init(&reply);
	resolve_addr(addr, &reply);
	if (reply.flags & RESOLVE_FLAG_FAIL) {
		status = check_dict_retry(e->state, addr);
	} else if ((known = rewritten(e, vstr_str(reply.recipient), addr,
	                              strcmp(cls, NAME_SENDER) == 0)) != 0) {
		status = known < 0 ? CHECK_REJECT : CHECK_DUNNO;
	} else if (strcmp(vstr_str(reply.transport), "error") == 0 ||
	           strcmp(vstr_str(reply.transport), "retry") == 0) {
		status = error_transport(e, &reply, addr, cls);
	} else {
		status = class_tables(e, &reply, addr, cls);
	}
	resolve_reply_free(&reply);
	return status;
}

/* no_unknown_checks - receive_override_options disables these checks */
static bool
no_unknown_checks(void)
{
	return list_has_word(var_receive_override_options,
	                     "no_unknown_recipient_checks");
}

/* check_recipient_rcpt_maps - reject_unlisted_recipient, once */
int
check_recipient_rcpt_maps(struct eval *e, const char *recipient)
{
	if (no_unknown_checks() || e->ctx->recipient_rcptmap_checked)
		return CHECK_DUNNO;
	if (e->ctx->warn_if_reject == 0)
		e->ctx->recipient_rcptmap_checked = true;
	return check_rcpt_maps(e, recipient, NAME_RECIPIENT);
}

/* check_sender_rcpt_maps - reject_unlisted_sender, once */
int
check_sender_rcpt_maps(struct eval *e, const char *sender)
{
	if (no_unknown_checks() || e->ctx->sender_rcptmap_checked)
		return CHECK_DUNNO;
	if (e->ctx->warn_if_reject == 0)
		e->ctx->sender_rcptmap_checked = true;
	return check_rcpt_maps(e, sender, NAME_SENDER);
}

/*
 * Syntax of names and addresses.
 */

/* valid_hostname - RFC 1035 labels (with '_'), not all numeric */
static bool
valid_hostname(const char *name)
{
	size_t label = 0;
	bool non_numeric = false;
	size_t len = strlen(name);

	if (len == 0 || len > 255)
		return false;
	for (const char *cp = name; *cp; cp++) {
		unsigned char ch = (unsigned char) *cp;

		if (isalnum(ch) || ch == '_') {
			if (++label > 63)
				return false;
			if (!isdigit(ch))
				non_numeric = true;
		} else if (ch == '.') {
			if (label == 0 || cp[1] == 0)
				return false;
			label = 0;
		} else if (ch == '-') {
			non_numeric = true;
			if (++label == 1 || cp[1] == 0 || cp[1] == '.')
				return false;
		} else {
			return false;
		}
	}
	return non_numeric;
}

/* valid_hostaddr - an IPv4 or IPv6 address */
static bool
valid_hostaddr(const char *addr)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, addr, buf) == 1 ||
	       inet_pton(AF_INET6, addr, buf) == 1;
}

/* valid_mailhost_addr - "1.2.3.4" or "IPv6:2001:db8::1" */
static bool
valid_mailhost_addr(const char *addr)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (strncasecmp(addr, "IPv6:", 5) == 0)
		return inet_pton(AF_INET6, addr + 5, buf) == 1;
	return inet_pton(AF_INET, addr, buf) == 1;
}

/* truncate_dot - a copy without one trailing dot (but not "..") */
static char *
truncate_dot(const char *name)
{
	size_t len = strlen(name);

	if (len > 1 && name[len - 1] == '.' && name[len - 2] != '.')
		len--;
	return xstrndup(name, len);
}

/* check_invalid_hostaddr - "[address]" must be a valid address */
int
check_invalid_hostaddr(struct eval *e, const char *addr)
{
	size_t len = strlen(addr);
	char *test = addr[0] == '[' && len > 2 && addr[len - 1] == ']'
	                     ? xstrndup(addr + 1, len - 2)
	                     : xstrdup(addr);
	bool ok = valid_mailhost_addr(test);

	xfree(test);
	if (ok)
		return CHECK_DUNNO;
	return check_reject(e->state, CHECK_ERR_POLICY,
	                    var_invalid_hostname_reject_code, "5.5.2",
	                    "<%s>: %s rejected: invalid ip address",
	                    e->reply_name, e->reply_class);
}

/* check_invalid_hostname - reject_invalid_helo_hostname */
int
check_invalid_hostname(struct eval *e, const char *name)
{
	char *test = truncate_dot(name);
	bool ok = valid_hostname(test) || valid_hostaddr(test);

	xfree(test);
	if (ok)
		return CHECK_DUNNO;
	return check_reject(e->state, CHECK_ERR_POLICY,
	                    var_invalid_hostname_reject_code, "5.5.2",
	                    "<%s>: %s rejected: Invalid name", e->reply_name,
	                    e->reply_class);
}

/* check_non_fqdn_hostname - reject_non_fqdn_helo_hostname */
int
check_non_fqdn_hostname(struct eval *e, const char *name)
{
	char *test = truncate_dot(name);
	bool ok = valid_hostname(test) && strchr(test, '.') != NULL;

	xfree(test);
	if (ok)
		return CHECK_DUNNO;
	return check_reject(e->state, CHECK_ERR_POLICY,
	                    var_non_fqdn_reject_code, "5.5.2",
	                    "<%s>: %s rejected: need fully-qualified hostname",
	                    e->reply_name, e->reply_class);
}

/* check_non_fqdn_address - reject_non_fqdn_sender/recipient */
int
check_non_fqdn_address(struct eval *e, const char *addr)
{
	const char *at = strrchr(addr, '@');
	const char *domain = at ? at + 1 : "";
	size_t len = strlen(domain);
	char *test;
	bool ok;

	if (len > 0 && domain[0] == '[' && domain[len - 1] == ']')
		return CHECK_DUNNO;
	test = truncate_dot(domain);
	ok = *test && valid_hostname(test) && strchr(test, '.') != NULL;
	xfree(test);
	if (ok)
		return CHECK_DUNNO;
	return check_reject(e->state, CHECK_ERR_POLICY,
	                    var_non_fqdn_reject_code, "4.5.2",
	                    "<%s>: %s rejected: need fully-qualified address",
	                    e->reply_name, e->reply_class);
}

/*
 * DNS (res_query(3) through the system resolver).
 */

#define DNS_FOUND 1
#define DNS_NONE 0   /* NXDOMAIN or no records of the type */
#define DNS_RETRY -1 /* no definite answer */

/* dns_has - whether name has records of a type */
static int
dns_has(const char *name, int type)
{
	enum { ANSWER_MAX = 4096 };
	unsigned char *answer = xmalloc(ANSWER_MAX);
	int len = res_query(name, ns_c_in, type, answer, ANSWER_MAX);
	int result;

	if (len >= (int) sizeof(HEADER))
		result = ntohs(((HEADER *) answer)->ancount) > 0 ? DNS_FOUND
		                                                 : DNS_NONE;
	else if (len >= 0 || h_errno == HOST_NOT_FOUND || h_errno == NO_DATA)
		result = DNS_NONE;
	else
		result = DNS_RETRY;
	xfree(answer);
	return result;
}

/* dns_lookup_any - the first type that has records decides */
static int
dns_lookup_any(const char *name, const int *types, size_t n)
{
	int result = DNS_NONE;

	for (size_t i = 0; i < n; i++) {
		int r = dns_has(name, types[i]);

		if (r == DNS_FOUND)
			return DNS_FOUND;
		if (r == DNS_RETRY)
			result = DNS_RETRY;
	}
	return result;
}

/* check_unknown_hostname - reject_unknown_helo_hostname: no A, AAAA, MX */
int
check_unknown_hostname(struct eval *e, const char *name)
{
	static const int types[] = {ns_t_a, ns_t_aaaa, ns_t_mx};
	int r = dns_lookup_any(name, types, 3);

	if (r == DNS_FOUND)
		return CHECK_DUNNO;
	if (r == DNS_NONE)
		return check_reject(e->state, CHECK_ERR_POLICY,
		                    var_unknown_hostname_reject_code, "4.7.1",
		                    "<%s>: %s rejected: Host not found",
		                    e->reply_name, e->reply_class);
	return check_defer_if_permit(
	        e->state,
	        check_tempfail_defers(
	                var_unknown_helo_hostname_tempfail_action),
	        CHECK_ERR_POLICY, 450, "4.7.1",
	        "<%s>: %s rejected: Host not found", e->reply_name,
	        e->reply_class);
}

/* unknown_mailhost - a mail domain needs MX, A or AAAA records */
static int
unknown_mailhost(struct eval *e, const char *domain)
{
	static const int types[] = {ns_t_mx, ns_t_a, ns_t_aaaa};
	const char *dsn =
	        strcmp(e->reply_class, NAME_SENDER) == 0 ? "4.1.8" : "4.1.2";
	int r = dns_lookup_any(domain, types, 3);

	if (r == DNS_FOUND)
		return CHECK_DUNNO;
	if (r == DNS_NONE)
		return check_reject(e->state, CHECK_ERR_POLICY,
		                    var_unknown_address_reject_code, dsn,
		                    "<%s>: %s rejected: Domain not found",
		                    e->reply_name, e->reply_class);
	return check_defer_if_permit(
	        e->state,
	        check_tempfail_defers(var_unknown_address_tempfail_action),
	        CHECK_ERR_POLICY, 450, dsn,
	        "<%s>: %s rejected: Domain not found", e->reply_name,
	        e->reply_class);
}

/* check_unknown_address - reject_unknown_sender/recipient_domain */
int
check_unknown_address(struct eval *e, const char *addr)
{
	struct resolve_reply reply;
	const char *domain;
	int status = CHECK_DUNNO;

	resolve_reply_init(&reply);
	resolve_addr(addr, &reply);
	domain = strrchr(vstr_str(reply.recipient), '@');
	if (reply.flags & RESOLVE_FLAG_FAIL)
		status = check_dict_retry(e->state, addr);
	else if (domain != NULL && !(reply.flags & RESOLVE_CLASS_FINAL) &&
	         domain[1] != '[')
		status = unknown_mailhost(e, domain + 1);
	resolve_reply_free(&reply);
	return status;
}
