/*
 * smtpd_anvil - the anvil client and the per-client limits; see
 * smtpd_anvil.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "attr.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "match_list.h"
#include "msg.h"
#include "mymalloc.h"
#include "smtpd_anvil.h"
#include "smtpd_int.h"
#include "stringops.h"
#include "vstr.h"

#define ANVIL_CLASS "private"
#define ANVIL_SERVICE "anvil"
#define ANVIL_LINE_LIMIT 1024

static struct vstream *anvil_fp;      /* NULL until first use */
static struct attr_list *anvil_reply; /* last reply */
static struct match_list *exceptions; /* ..._event_limit_exceptions */
static bool anvil_wanted;             /* some limit is set */

/* The session being counted (smtpd serves one client at a time). */
static struct vstr *ident; /* "service:address" */
static bool counted;       /* connect sent; disconnect due */

/* smtpd_anvil_init - before the jail: the exception list */
void
smtpd_anvil_init(void)
{
	anvil_wanted = var_smtpd_client_connection_count_limit > 0 ||
	               var_smtpd_client_connection_rate_limit > 0 ||
	               var_smtpd_client_message_rate_limit > 0 ||
	               var_smtpd_client_recipient_rate_limit > 0 ||
	               var_smtpd_client_new_tls_session_rate_limit > 0 ||
	               var_smtpd_client_auth_rate_limit > 0;
	if (anvil_wanted && *var_smtpd_client_event_limit_exceptions)
		exceptions = match_list_init(
		        "smtpd_client_event_limit_exceptions",
		        var_smtpd_client_event_limit_exceptions, MATCH_NAMADR);
	anvil_reply = attr_list_alloc();
	ident = vstr_alloc(64);
}

/* anvil_close - drop the connection to anvil */
static void
anvil_close(void)
{
	if (anvil_fp)
		(void) vstream_close(anvil_fp);
	anvil_fp = NULL;
}

/* anvil_try - one request over the current connection */
static int
anvil_try(const char *req, const char *id)
{
	errno = 0;
	if (attr_print(anvil_fp, ATTR_STR("request", req),
	               ATTR_STR("ident", id), ATTR_END) < 0 ||
	    attr_list_read(anvil_fp, anvil_reply, ANVIL_LINE_LIMIT) < 0)
		return -1;
	return 0;
}

/* anvil_request - send a request, read the reply; -1: no answer */
static int
anvil_request(const char *req, const char *id)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (anvil_fp == NULL &&
		    (anvil_fp = mail_connect(ANVIL_CLASS, ANVIL_SERVICE,
		                             (int) var_ipc_timeout)) == NULL) {
			msg_warn("connect to %s/%s: %m", ANVIL_CLASS,
			         ANVIL_SERVICE);
			return -1;
		}
		if (anvil_try(req, id) == 0)
			return attr_list_get_long(anvil_reply, "status", -1) ==
			                       0
			               ? 0
			               : -1;
		/* A stale connection (anvil restarted) is retried quietly. */
		if (attempt > 0 || (errno != 0 && errno != EPIPE &&
		                    errno != ECONNRESET && errno != ENOENT))
			msg_warn("problem talking to server %s/%s: %s",
			         ANVIL_CLASS, ANVIL_SERVICE,
			         errno ? strerror(errno) : "lost connection");
		anvil_close();
	}
	return -1;
}

/* exempt - is this session not counted? */
static bool
exempt(const struct smtpd_state *s)
{
	if (!anvil_wanted || s->addr_family == AF_UNSPEC)
		return true;
	return exceptions &&
	       match_list_match(exceptions, s->name, s->addr) == 1;
}

/* too_many - the 421 reply and the warning for a connection limit */
static int
too_many(struct smtpd_state *s, const char *what, long n)
{
	smtpd_chat_reply(s, "421 4.7.0 %s Error: too many connections from %s",
	                 var_myhostname, s->addr);
	msg_warn("Connection %s limit exceeded: %ld from %s for service %s",
	         what, n, s->namaddr, s->service);
	s->io_status = SMTPD_IO_CLOSE;
	return -1;
}

/* smtpd_anvil_connect - register the session; enforce the limits */
int
smtpd_anvil_connect(struct smtpd_state *s)
{
	long count, rate;

	counted = false;
	if (exempt(s))
		return 0;
	vstr_fmt(ident, "%s:%s", s->service, s->addr);
	printable(vstr_str(ident), '?');
	if (anvil_request("connect", vstr_str(ident)) < 0)
		return 0;
	counted = true;
	count = attr_list_get_long(anvil_reply, "count", 0);
	rate = attr_list_get_long(anvil_reply, "rate", 0);
	if (var_smtpd_client_connection_count_limit > 0 &&
	    count > var_smtpd_client_connection_count_limit)
		return too_many(s, "concurrency", count);
	if (var_smtpd_client_connection_rate_limit > 0 &&
	    rate > var_smtpd_client_connection_rate_limit)
		return too_many(s, "rate", rate);
	return 0;
}

/* smtpd_anvil_disconnect - the session ends */
void
smtpd_anvil_disconnect(struct smtpd_state *s)
{
	(void) s;
	if (!counted)
		return;
	counted = false;
	(void) anvil_request("disconnect", vstr_str(ident));
}

/* event_rate - count one event; its rate, or -1 when not counted */
static long
event_rate(struct smtpd_state *s, const char *req, int limit)
{
	if (limit <= 0 || exempt(s))
		return -1;
	vstr_fmt(ident, "%s:%s", s->service, s->addr);
	printable(vstr_str(ident), '?');
	if (anvil_request(req, vstr_str(ident)) < 0)
		return -1;
	return attr_list_get_long(anvil_reply, "rate", 0);
}

/* smtpd_anvil_mail - smtpd_client_message_rate_limit */
int
smtpd_anvil_mail(struct smtpd_state *s)
{
	int limit = var_smtpd_client_message_rate_limit;
	long rate = event_rate(s, "message", limit);

	if (rate <= limit)
		return 0;
	smtpd_chat_reply(s, "450 4.7.1 Error: too much mail from %s", s->addr);
	msg_warn("Message delivery request rate limit exceeded: %ld from %s "
	         "for service %s",
	         rate, s->namaddr, s->service);
	return -1;
}

/* smtpd_anvil_rcpt - smtpd_client_recipient_rate_limit */
int
smtpd_anvil_rcpt(struct smtpd_state *s)
{
	int limit = var_smtpd_client_recipient_rate_limit;
	long rate = event_rate(s, "recipient", limit);

	if (rate <= limit)
		return 0;
	smtpd_chat_reply(s, "450 4.7.1 Error: too many recipients from %s",
	                 s->addr);
	msg_warn("Recipient address rate limit exceeded: %ld from %s for "
	         "service %s",
	         rate, s->namaddr, s->service);
	return -1;
}
