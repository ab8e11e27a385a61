/*
 * smtpd_check_rest - the restriction vocabulary and the evaluation of
 * restriction lists
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "argv.h"
#include "mail_params.h"
#include "msg.h"
#include "resolve.h"
#include "smtpd_check_int.h"
#include "stringops.h"
#include "vstr.h"

/* How a restriction takes its argument from the list. */
enum restr_arg {
	ARG_NONE,   /* none */
	ARG_TABLE,  /* "type:name" */
	ARG_NUMBER, /* digits (sleep) */
	ARG_DOMAIN, /* a DNS list domain */
};

/* Row flags. */
#define R_REQUIRED (1 << 0) /* counts as relay control (has_required) */
#define R_FINAL (1 << 1)    /* restrictions after it are ignored */

typedef int (*restr_fn)(struct eval *e, const char *arg, const char *name);

struct restr {
	const char *name;
	enum restr_arg arg;
	restr_fn fn;
	int flags;
};

/* with - a copy of e that names another thing in replies */
static struct eval
with(const struct eval *e, const char *reply_name, const char *reply_class)
{
	struct eval n = *e;

	n.reply_name = reply_name;
	n.reply_class = reply_class;
	return n;
}

/* is_unknown - a client name that DNS did not give */
static bool
is_unknown(const char *name)
{
	return name == NULL || strcasecmp(name, "unknown") == 0;
}

/*
 * Generic restrictions.
 */

/* r_permit - permit */
static int
r_permit(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	return check_permit(e, name, e->reply_class, e->reply_name, NULL);
}

/* r_defer - defer */
static int
r_defer(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return check_reject(e->state, CHECK_ERR_POLICY, var_defer_code, "4.3.2",
	                    "<%s>: %s rejected: Try again later", e->reply_name,
	                    e->reply_class);
}

/* r_reject - reject */
static int
r_reject(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return check_reject(e->state, CHECK_ERR_POLICY, var_reject_code,
	                    "5.7.1", "<%s>: %s rejected: Access denied",
	                    e->reply_name, e->reply_class);
}

/* r_unauth_pipelining - the client talked before our reply */
static int
r_unauth_pipelining(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	if (!e->state->pipelining)
		return CHECK_DUNNO;
	return check_reject(e->state, CHECK_ERR_PROTOCOL, 503, "5.5.0",
	                    "<%s>: %s rejected: Improper use of SMTP command "
	                    "pipelining",
	                    e->reply_name, e->reply_class);
}

/* r_defer_if_permit - defer_if_permit */
static int
r_defer_if_permit(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return check_defer_if_permit(
	        e->state, true, CHECK_ERR_POLICY, 450, "4.7.0",
	        "<%s>: %s rejected: defer_if_permit requested", e->reply_name,
	        e->reply_class);
}

/* r_defer_if_reject - defer_if_reject */
static int
r_defer_if_reject(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return check_defer_if(&e->ctx->defer_if_reject, CHECK_ERR_POLICY, 450,
	                      "4.7.0",
	                      "<%s>: %s rejected: defer_if_reject requested",
	                      e->reply_name, e->reply_class);
}

/* r_sleep - sleep N */
static int
r_sleep(struct eval *e, const char *arg, const char *name)
{
	(void) e;
	(void) name;
	sleep((unsigned) strtoul(arg, NULL, 10));
	return CHECK_DUNNO;
}

/* r_plaintext - reject_plaintext_session (no TLS yet: always plain) */
static int
r_plaintext(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return check_reject(e->state, CHECK_ERR_POLICY,
	                    var_plaintext_reject_code, "4.7.1",
	                    "Session encryption is required");
}

/* r_no_sasl - a SASL restriction while SASL is not available */
static int
r_no_sasl(struct eval *e, const char *arg, const char *name)
{
	(void) e;
	(void) arg;
	msg_warn("restriction `%s' ignored: no SASL support", name);
	return CHECK_DUNNO;
}

/* r_dunno - a restriction that cannot match here (no TLS) */
static int
r_dunno(struct eval *e, const char *arg, const char *name)
{
	(void) e;
	(void) arg;
	(void) name;
	return CHECK_DUNNO;
}

/*
 * Client restrictions.
 */

/* r_unknown_client - reject_unknown_client_hostname */
static int
r_unknown_client(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	if (!is_unknown(e->state->name))
		return CHECK_DUNNO;
	return check_reject(e->state, CHECK_ERR_POLICY,
	                    var_unknown_client_reject_code, "4.7.25",
	                    "Client host rejected: cannot find your hostname, "
	                    "[%s]",
	                    e->state->addr);
}

/* r_unknown_reverse - reject_unknown_reverse_client_hostname */
static int
r_unknown_reverse(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	if (!is_unknown(e->state->reverse_name))
		return CHECK_DUNNO;
	return check_reject(e->state, CHECK_ERR_POLICY,
	                    var_unknown_client_reject_code, "4.7.1",
	                    "Client host rejected: cannot find your reverse "
	                    "hostname, [%s]",
	                    e->state->addr);
}

/* r_mynetworks - permit_mynetworks */
static int
r_mynetworks(struct eval *e, const char *arg, const char *name)
{
	int error = 0;

	(void) arg;
	if (check_mynetworks(e->state, &error))
		return check_permit(e, name, NAME_CLIENT, e->state->namaddr,
		                    NULL);
	if (error)
		return check_dict_retry(e->state, e->reply_name);
	return CHECK_DUNNO;
}

/* r_inet_interfaces - permit_inet_interfaces: the client is this host */
static int
r_inet_interfaces(struct eval *e, const char *arg, const char *name)
{
	struct vstr *lit = vstr_alloc(60);
	const char *addr = e->state->addr;
	int local;

	(void) arg;
	if (addr == NULL) {
		vstr_free(lit);
		return CHECK_DUNNO;
	}
	vstr_fmt(lit, strchr(addr, ':') ? "[IPv6:%s]" : "[%s]", addr);
	local = resolve_local(vstr_str(lit));
	vstr_free(lit);
	if (local > 0)
		return check_permit(e, name, NAME_CLIENT, e->state->namaddr,
		                    NULL);
	return local < 0 ? check_dict_retry(e->state, e->reply_name)
	                 : CHECK_DUNNO;
}

/* r_sasl - permit_sasl_authenticated */
static int
r_sasl(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	if (e->state->sasl_username == NULL || *e->state->sasl_username == 0)
		return CHECK_DUNNO;
	return check_permit(e, name, NAME_CLIENT, e->state->namaddr, NULL);
}

/* r_client_access - check_client_access */
static int
r_client_access(struct eval *e, const char *table, const char *name)
{
	struct eval n = with(e, e->state->namaddr, NAME_CLIENT);

	(void) name;
	return check_client_access(&n, table, e->state->name, e->state->addr,
	                           e->state->namaddr);
}

/* forbid_allowlist - OK from an unverified source is refused */
static int
forbid_allowlist(struct eval *e, const char *name, int status,
                 const char *target)
{
	if (e->state->discard || status != CHECK_OK)
		return status;
	msg_warn("restriction %s returns OK for %s", name, target);
	msg_warn("this is not allowed for security reasons");
	msg_warn("use DUNNO instead of OK if you want to make an exception");
	return check_server_error(e->state);
}

/* r_reverse_access - check_reverse_client_hostname_access */
static int
r_reverse_access(struct eval *e, const char *table, const char *name)
{
	const char *rev =
	        e->state->reverse_name ? e->state->reverse_name : "unknown";
	struct eval n = with(e, rev, NAME_REV_CLIENT);
	int status = check_client_access(&n, table, rev, e->state->addr, rev);

	return forbid_allowlist(e, name, status, rev);
}

/*
 * HELO restrictions.
 */

/* r_helo_access - check_helo_access */
static int
r_helo_access(struct eval *e, const char *table, const char *name)
{
	const char *helo = e->state->helo_name;
	struct eval n = with(e, helo, NAME_HELO);

	(void) name;
	return helo ? check_domain_access(&n, table, helo) : CHECK_DUNNO;
}

/*
 * r_helo_fn - a HELO name check; an address literal "[...]" is checked as
 * an address by every one of them
 */
static int
r_helo_fn(struct eval *e, int (*fn)(struct eval *, const char *))
{
	const char *helo = e->state->helo_name;
	struct eval n = with(e, helo, NAME_HELO);

	if (helo == NULL)
		return CHECK_DUNNO;
	return *helo == '[' ? check_invalid_hostaddr(&n, helo) : fn(&n, helo);
}

/* r_invalid_helo - reject_invalid_helo_hostname */
static int
r_invalid_helo(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return r_helo_fn(e, check_invalid_hostname);
}

/* r_unknown_helo - reject_unknown_helo_hostname */
static int
r_unknown_helo(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return r_helo_fn(e, check_unknown_hostname);
}

/* r_non_fqdn_helo - reject_non_fqdn_helo_hostname */
static int
r_non_fqdn_helo(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return r_helo_fn(e, check_non_fqdn_hostname);
}

/*
 * Sender restrictions.
 */

/* r_sender_access - check_sender_access */
static int
r_sender_access(struct eval *e, const char *table, const char *name)
{
	const char *sender = e->state->sender;
	struct eval n = with(e, sender, NAME_SENDER);

	(void) name;
	if (sender == NULL)
		return CHECK_DUNNO;
	if (*sender == 0)
		return check_null_sender_access(&n, table);
	return check_mail_access(&n, table, sender);
}

/* r_sender_fn - a sender check that needs a non-null sender */
static int
r_sender_fn(struct eval *e, int (*fn)(struct eval *, const char *))
{
	const char *sender = e->state->sender;
	struct eval n = with(e, sender, NAME_SENDER);

	return sender && *sender ? fn(&n, sender) : CHECK_DUNNO;
}

/* r_unknown_sender - reject_unknown_sender_domain */
static int
r_unknown_sender(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return r_sender_fn(e, check_unknown_address);
}

/* r_non_fqdn_sender - reject_non_fqdn_sender */
static int
r_non_fqdn_sender(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return r_sender_fn(e, check_non_fqdn_address);
}

/* r_unlisted_sender - reject_unlisted_sender */
static int
r_unlisted_sender(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return r_sender_fn(e, check_sender_rcpt_maps);
}

/* r_unverified_sender - reject_unverified_sender (no verify service) */
static int
r_unverified_sender(struct eval *e, const char *arg, const char *name)
{
	const char *sender = e->state->sender;

	(void) arg;
	(void) name;
	if (sender == NULL || *sender == 0)
		return CHECK_DUNNO;
	msg_warn("%s service failure", var_address_verify_service_name);
	return check_defer_if_permit(
	        e->state,
	        check_tempfail_defers(var_unverified_sender_tempfail_action),
	        CHECK_ERR_POLICY, 450, SND_DSN,
	        "<%s>: %s rejected: address verification problem", sender,
	        NAME_SENDER);
}

/*
 * Recipient restrictions.
 */

/* r_rcpt_fn - a recipient check */
static int
r_rcpt_fn(struct eval *e, int (*fn)(struct eval *, const char *))
{
	const char *rcpt = e->state->recipient;
	struct eval n = with(e, rcpt, NAME_RECIPIENT);

	return rcpt ? fn(&n, rcpt) : CHECK_DUNNO;
}

/* r_rcpt_access - check_recipient_access */
static int
r_rcpt_access(struct eval *e, const char *table, const char *name)
{
	const char *rcpt = e->state->recipient;
	struct eval n = with(e, rcpt, NAME_RECIPIENT);

	(void) name;
	return rcpt ? check_mail_access(&n, table, rcpt) : CHECK_DUNNO;
}

/* r_auth_dest - permit_auth_destination */
static int
r_auth_dest(struct eval *e, const char *arg, const char *name)
{
	const char *rcpt = e->state->recipient;
	int status;

	(void) arg;
	if (rcpt == NULL)
		return CHECK_DUNNO;
	status = check_auth_destination(e, rcpt);
	if (status == CHECK_OK)
		return check_permit(e, name, NAME_RECIPIENT, rcpt, NULL);
	return status;
}

/* r_unauth_dest - reject_unauth_destination */
static int
r_unauth_dest(struct eval *e, const char *arg, const char *name)
{
	const char *rcpt = e->state->recipient;

	(void) arg;
	(void) name;
	return rcpt ? check_unauth_destination(
	                      e, rcpt, var_relay_domains_reject_code, "5.7.1")
	            : CHECK_DUNNO;
}

/* r_defer_unauth_dest - defer_unauth_destination */
static int
r_defer_unauth_dest(struct eval *e, const char *arg, const char *name)
{
	const char *rcpt = e->state->recipient;

	(void) arg;
	(void) name;
	return rcpt ? check_unauth_destination(
	                      e, rcpt, var_relay_domains_reject_code - 100,
	                      "4.7.1")
	            : CHECK_DUNNO;
}

/* r_relay_domains - check_relay_domains (obsolete; as Postfix 3.7) */
static int
r_relay_domains(struct eval *e, const char *arg, const char *name)
{
	const char *rcpt = e->state->recipient;
	int status;

	(void) arg;
	if (rcpt == NULL)
		return CHECK_DUNNO;
	status = check_auth_destination(e, rcpt);
	if (status == CHECK_OK)
		return check_permit(e, name, NAME_RECIPIENT, rcpt, NULL);
	if (status == CHECK_REJECT)
		return status;
	return check_reject(e->state, CHECK_ERR_POLICY,
	                    var_relay_domains_reject_code, "5.7.1",
	                    "<%s>: Relay access denied", rcpt);
}

/* r_unknown_rcpt - reject_unknown_recipient_domain */
static int
r_unknown_rcpt(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return r_rcpt_fn(e, check_unknown_address);
}

/* r_non_fqdn_rcpt - reject_non_fqdn_recipient */
static int
r_non_fqdn_rcpt(struct eval *e, const char *arg, const char *name)
{
	(void) arg;
	(void) name;
	return r_rcpt_fn(e, check_non_fqdn_address);
}

/* r_unlisted_rcpt - reject_unlisted_recipient, check_recipient_maps */
static int
r_unlisted_rcpt(struct eval *e, const char *arg, const char *name)
{
	const char *rcpt = e->state->recipient;

	(void) arg;
	(void) name;
	return rcpt && *rcpt ? r_rcpt_fn(e, check_recipient_rcpt_maps)
	                     : CHECK_DUNNO;
}

/* r_multi_bounce - reject_multi_recipient_bounce */
static int
r_multi_bounce(struct eval *e, const char *arg, const char *name)
{
	struct smtpd_state *s = e->state;
	int already = strcmp(e->ctx->where, "RCPT") != 0;

	(void) arg;
	(void) name;
	if (s->sender == NULL || *s->sender != 0 || s->rcpt_count <= already)
		return CHECK_DUNNO;
	return check_reject(s, CHECK_ERR_POLICY,
	                    var_multi_recipient_bounce_reject_code, "5.5.3",
	                    "<%s>: %s rejected: Multi-recipient bounce",
	                    e->reply_name, e->reply_class);
}

/* r_unverified_rcpt - reject_unverified_recipient (no verify service) */
static int
r_unverified_rcpt(struct eval *e, const char *arg, const char *name)
{
	const char *rcpt = e->state->recipient;

	(void) arg;
	(void) name;
	if (rcpt == NULL || *rcpt == 0)
		return CHECK_DUNNO;
	msg_warn("%s service failure", var_address_verify_service_name);
	return check_defer_if_permit(
	        e->state,
	        check_tempfail_defers(var_unverified_recipient_tempfail_action),
	        CHECK_ERR_POLICY, 450, "4.1.1",
	        "<%s>: %s rejected: address verification problem", rcpt,
	        NAME_RECIPIENT);
}

/* r_etrn_access - check_etrn_access */
static int
r_etrn_access(struct eval *e, const char *table, const char *name)
{
	const char *domain = e->state->etrn_name;
	struct eval n = with(e, domain, NAME_ETRN);

	(void) name;
	return domain ? check_domain_access(&n, table, domain) : CHECK_DUNNO;
}

/*
 * DNS lists.
 */

/* r_rbl_client - reject_rbl_client domain */
static int
r_rbl_client(struct eval *e, const char *list, const char *name)
{
	(void) name;
	return check_rbl_client(e, list);
}

/* r_dnswl_client - permit_dnswl_client domain */
static int
r_dnswl_client(struct eval *e, const char *list, const char *name)
{
	int status = check_dnswl_client(e, list);

	if (status == CHECK_OK)
		return check_permit(e, name, NAME_CLIENT, e->state->namaddr,
		                    NULL);
	return status;
}

/* r_rhswl_client - permit_rhswl_client domain */
static int
r_rhswl_client(struct eval *e, const char *list, const char *name)
{
	int status = check_rhswl_client(e, list);

	if (status == CHECK_OK)
		return check_permit(e, name, NAME_CLIENT, e->state->namaddr,
		                    NULL);
	return status;
}

/* r_rhsbl_client - reject_rhsbl_client domain */
static int
r_rhsbl_client(struct eval *e, const char *list, const char *name)
{
	(void) name;
	if (is_unknown(e->state->name))
		return CHECK_DUNNO;
	return check_rhsbl(e, list, e->state->name, NAME_CLIENT);
}

/* r_rhsbl_reverse - reject_rhsbl_reverse_client domain */
static int
r_rhsbl_reverse(struct eval *e, const char *list, const char *name)
{
	(void) name;
	if (is_unknown(e->state->reverse_name))
		return CHECK_DUNNO;
	return check_rhsbl(e, list, e->state->reverse_name, NAME_REV_CLIENT);
}

/* r_rhsbl_helo - reject_rhsbl_helo domain */
static int
r_rhsbl_helo(struct eval *e, const char *list, const char *name)
{
	(void) name;
	return check_rhsbl(e, list, e->state->helo_name, NAME_HELO);
}

/* r_rhsbl_sender - reject_rhsbl_sender domain */
static int
r_rhsbl_sender(struct eval *e, const char *list, const char *name)
{
	const char *sender = e->state->sender;

	(void) name;
	return sender && *sender ? check_rhsbl(e, list, sender, NAME_SENDER)
	                         : CHECK_DUNNO;
}

/* r_rhsbl_rcpt - reject_rhsbl_recipient domain */
static int
r_rhsbl_rcpt(struct eval *e, const char *list, const char *name)
{
	(void) name;
	return check_rhsbl(e, list, e->state->recipient, NAME_RECIPIENT);
}

static const struct restr restrictions[] = {
        /* Generic. */
        {"permit", ARG_NONE, r_permit, R_FINAL},
        {"defer", ARG_NONE, r_defer, R_REQUIRED | R_FINAL},
        {"reject", ARG_NONE, r_reject, R_REQUIRED | R_FINAL},
        {"reject_unauth_pipelining", ARG_NONE, r_unauth_pipelining, 0},
        {"defer_if_permit", ARG_NONE, r_defer_if_permit, R_REQUIRED},
        {"defer_if_reject", ARG_NONE, r_defer_if_reject, 0},
        {"sleep", ARG_NUMBER, r_sleep, 0},
        {"reject_plaintext_session", ARG_NONE, r_plaintext, 0},
        /* Client. */
        {"reject_unknown_client_hostname", ARG_NONE, r_unknown_client, 0},
        {"reject_unknown_client", ARG_NONE, r_unknown_client, 0},
        {"reject_unknown_reverse_client_hostname", ARG_NONE, r_unknown_reverse,
         0},
        {"permit_inet_interfaces", ARG_NONE, r_inet_interfaces, 0},
        {"permit_mynetworks", ARG_NONE, r_mynetworks, 0},
        {"permit_sasl_authenticated", ARG_NONE, r_sasl, 0},
        {"permit_tls_clientcerts", ARG_NONE, r_dunno, 0},
        {"permit_tls_all_clientcerts", ARG_NONE, r_dunno, 0},
        {"check_client_access", ARG_TABLE, r_client_access, 0},
        {"check_reverse_client_hostname_access", ARG_TABLE, r_reverse_access,
         0},
        {"check_sasl_access", ARG_TABLE, r_no_sasl, 0},
        /* HELO. */
        {"check_helo_access", ARG_TABLE, r_helo_access, 0},
        {"reject_invalid_helo_hostname", ARG_NONE, r_invalid_helo, 0},
        {"reject_invalid_hostname", ARG_NONE, r_invalid_helo, 0},
        {"reject_unknown_helo_hostname", ARG_NONE, r_unknown_helo, 0},
        {"reject_unknown_hostname", ARG_NONE, r_unknown_helo, 0},
        {"reject_non_fqdn_helo_hostname", ARG_NONE, r_non_fqdn_helo, 0},
        {"reject_non_fqdn_hostname", ARG_NONE, r_non_fqdn_helo, 0},
        /* Sender. */
        {"check_sender_access", ARG_TABLE, r_sender_access, 0},
        {"reject_unknown_sender_domain", ARG_NONE, r_unknown_sender, 0},
        {"reject_unknown_address", ARG_NONE, r_unknown_sender, 0},
        {"reject_unverified_sender", ARG_NONE, r_unverified_sender, 0},
        {"reject_non_fqdn_sender", ARG_NONE, r_non_fqdn_sender, 0},
        {"reject_unlisted_sender", ARG_NONE, r_unlisted_sender, 0},
        {"reject_authenticated_sender_login_mismatch", ARG_NONE, r_no_sasl, 0},
        {"reject_known_sender_login_mismatch", ARG_NONE, r_no_sasl, 0},
        {"reject_unauthenticated_sender_login_mismatch", ARG_NONE, r_no_sasl,
         0},
        /* Recipient. */
        {"check_recipient_access", ARG_TABLE, r_rcpt_access, 0},
        {"permit_auth_destination", ARG_NONE, r_auth_dest, 0},
        {"reject_unauth_destination", ARG_NONE, r_unauth_dest, R_REQUIRED},
        {"defer_unauth_destination", ARG_NONE, r_defer_unauth_dest, R_REQUIRED},
        {"check_relay_domains", ARG_NONE, r_relay_domains,
         R_REQUIRED | R_FINAL},
        {"reject_unknown_recipient_domain", ARG_NONE, r_unknown_rcpt, 0},
        {"reject_non_fqdn_recipient", ARG_NONE, r_non_fqdn_rcpt, 0},
        {"check_recipient_maps", ARG_NONE, r_unlisted_rcpt, 0},
        {"reject_unlisted_recipient", ARG_NONE, r_unlisted_rcpt, 0},
        {"reject_multi_recipient_bounce", ARG_NONE, r_multi_bounce, 0},
        {"reject_unverified_recipient", ARG_NONE, r_unverified_rcpt, 0},
        /* DNS lists. */
        {"reject_rbl_client", ARG_DOMAIN, r_rbl_client, 0},
        {"reject_rbl", ARG_DOMAIN, r_rbl_client, 0},
        {"permit_dnswl_client", ARG_DOMAIN, r_dnswl_client, 0},
        {"permit_rhswl_client", ARG_DOMAIN, r_rhswl_client, 0},
        {"reject_rhsbl_client", ARG_DOMAIN, r_rhsbl_client, 0},
        {"reject_rhsbl_reverse_client", ARG_DOMAIN, r_rhsbl_reverse, 0},
        {"reject_rhsbl_helo", ARG_DOMAIN, r_rhsbl_helo, 0},
        {"reject_rhsbl_sender", ARG_DOMAIN, r_rhsbl_sender, 0},
        {"reject_rhsbl_recipient", ARG_DOMAIN, r_rhsbl_rcpt, 0},
        /* ETRN. */
        {"check_etrn_access", ARG_TABLE, r_etrn_access, 0},
};

#define NRESTR (sizeof(restrictions) / sizeof(restrictions[0]))

/* find_restr - the row of a restriction name, or NULL */
static const struct restr *
find_restr(const char *name)
{
	for (size_t i = 0; i < NRESTR; i++)
		if (strcasecmp(restrictions[i].name, name) == 0)
			return &restrictions[i];
	return NULL;
}

/* check_has_required - whether a list rejects unauthorized relaying */
bool
check_has_required(const struct argv *list, int depth)
{
	const struct restr *r;
	const struct argv *class;

	if (list == NULL || depth > 100)
		return false;
	for (size_t i = 0; i < list->argc; i++) {
		const char *name = list->argv[i];

		if (strcasecmp(name, "warn_if_reject") == 0 &&
		    i + 1 < list->argc) {
			i++;
			continue;
		}
		if (strcasecmp(name, "permit") == 0) {
			if (i + 1 < list->argc)
				msg_warn("restriction `%s' after `%s' is "
				         "ignored",
				         list->argv[i + 1], name);
			return false;
		}
		if ((r = find_restr(name)) != NULL && (r->flags & R_REQUIRED))
			return true;
		if ((class = check_class(name)) != NULL &&
		    check_has_required(class, depth + 1))
			return true;
	}
	return false;
}

/* take_arg - the argument of a restriction, from the next list item;
 * false (reply made) when it is missing or malformed */
static bool
take_arg(struct eval *e, const struct restr *r, const struct argv *list,
         size_t *i, const char **arg, int *status)
{
	const char *next = *i + 1 < list->argc ? list->argv[*i + 1] : NULL;

	if (r->arg == ARG_TABLE) {
		if (next == NULL || strchr(next, ':') == NULL) {
			msg_warn("restriction %s: bad argument \"%s\": need "
			         "maptype:mapname",
			         r->name, next ? next : r->name);
			*status = check_server_error(e->state);
			return false;
		}
	} else if (r->arg == ARG_DOMAIN) {
		if (next == NULL) {
			msg_warn("restriction %s requires domain name argument",
			         r->name);
			*status = CHECK_DUNNO;
			return false;
		}
	} else if (next == NULL || !alldig(next)) {
		msg_warn("restriction %s must be followed by number", r->name);
		*status = check_server_error(e->state);
		return false;
	}
	*arg = next;
	*i += 1;
	return true;
}

/* run_one - one restriction of a list; *i may move past its argument */
static int
run_one(struct eval *e, const struct argv *list, size_t *i)
{
	const char *name = list->argv[*i];
	const char *arg = NULL;
	const struct restr *r;
	const struct argv *class;
	int status = CHECK_DUNNO;

	if (strchr(name, ':') != NULL) {
		if (e->def_acl == NULL) {
			msg_warn("specify one of (check_client_access, "
			         "check_reverse_client_hostname_access, "
			         "check_helo_access, check_sender_access, "
			         "check_recipient_access, check_etrn_access) "
			         "before %s restriction \"%s\"",
			         e->reply_class, name);
			return check_server_error(e->state);
		}
		arg = name;
		name = e->def_acl;
	}
	if ((r = find_restr(name)) != NULL) {
		if (r->arg != ARG_NONE && arg == NULL &&
		    !take_arg(e, r, list, i, &arg, &status))
			return status;
		status = r->fn(e, arg, r->name);
		if ((r->flags & R_FINAL) && *i + 1 < list->argc &&
		    (status == CHECK_OK || (strcmp(r->name, "permit") != 0 &&
		                            e->ctx->warn_if_reject == 0)))
			msg_warn("restriction `%s' after `%s' is ignored",
			         list->argv[*i + 1], r->name);
		return status;
	}
	if ((class = check_class(name)) != NULL)
		return check_generic(e, class);
	msg_warn("unknown smtpd restriction: \"%s\"", name);
	return check_server_error(e->state);
}

/* check_generic - evaluate a restriction list until a decision */
int
check_generic(struct eval *e, const struct argv *list)
{
	struct check_ctx *ctx = e->ctx;
	int saved_recursion = ctx->recursion++;
	int status = CHECK_DUNNO;

	for (size_t i = 0; i < list->argc; i++) {
		if (e->state->discard)
			break;
		if (strcasecmp(list->argv[i], "warn_if_reject") == 0) {
			if (ctx->warn_if_reject == 0)
				ctx->warn_if_reject = ctx->recursion;
			continue;
		}
		status = run_one(e, list, &i);
		if (ctx->warn_if_reject >= ctx->recursion)
			ctx->warn_if_reject = 0;
		if (status != CHECK_DUNNO)
			break;
		if (ctx->defer_if_permit.active && ctx->defer_if_reject.active)
			break;
	}
	ctx->recursion = saved_recursion;
	if (ctx->warn_if_reject >= ctx->recursion)
		ctx->warn_if_reject = 0;
	return status;
}
