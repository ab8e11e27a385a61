/*
 * NAME
 *	smtpd_peer - the client's address, port and verified name
 * SUMMARY
 *	void smtpd_peer_init(struct smtpd_state *s);
 *	void smtpd_peer_free(struct smtpd_state *s);
 * DESCRIPTION
 *	smtpd_peer_init() fills in addr, port, rfc_addr, addr_family,
 *	reverse_name, name and namaddr. The name is the PTR name of the
 *	address only when a forward lookup of that name gives the address
 *	back ("forward-confirmed"); otherwise it is "unknown" (and with
 *	smtpd_peername_lookup = no, always). A client that is not on a
 *	TCP socket (stand-alone mode on a pipe, a UNIX socket) is
 *	localhost[127.0.0.1], as Postfix reports it.
 */
#include <ctype.h>
#include <netdb.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "mail_params.h"
#include "msg.h"
#include "mymalloc.h"
#include "smtpd_int.h"
#include "sock.h"
#include "stringops.h"

/* hostname_ok - plausible DNS name (letters, digits, '-', '_', '.') */
static bool
hostname_ok(const char *name)
{
	if (*name == 0 || strlen(name) > 255)
		return false;
	for (const char *cp = name; *cp; cp++)
		if (!isalnum((unsigned char) *cp) && !strchr("-_.", *cp))
			return false;
	return true;
}

/* forward_confirms - does a lookup of name give addr? */
static bool
forward_confirms(const char *name, const char *addr)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	struct addrinfo *res, *ai;
	char host[NI_MAXHOST];
	bool ok = false;

	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return false;
	for (ai = res; ai && !ok; ai = ai->ai_next)
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host),
		                NULL, 0, NI_NUMERICHOST) == 0 &&
		    strcasecmp(host, addr) == 0)
			ok = true;
	freeaddrinfo(res);
	return ok;
}

/* reverse_lookup - PTR name of a numeric address, NULL if none */
static char *
reverse_lookup(const char *addr)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST,
	                         .ai_socktype = SOCK_STREAM};
	struct addrinfo *res;
	char host[NI_MAXHOST];
	char *name = NULL;

	if (getaddrinfo(addr, NULL, &hints, &res) != 0)
		return NULL;
	if (getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof(host), NULL,
	                0, NI_NAMEREQD) == 0 &&
	    hostname_ok(host))
		name = xstrdup(host);
	freeaddrinfo(res);
	return name;
}

/* peer_names - reverse and verified names */
static void
peer_names(struct smtpd_state *s)
{
	char *ptr = var_smtpd_peername_lookup ? reverse_lookup(s->addr) : NULL;

	if (ptr == NULL) {
		s->reverse_name = xstrdup("unknown");
		s->name = xstrdup("unknown");
		return;
	}
	s->reverse_name = ptr;
	s->name = xstrdup(forward_confirms(ptr, s->addr) ? ptr : "unknown");
}

/* smtpd_peer_init - who is the client? */
void
smtpd_peer_init(struct smtpd_state *s)
{
	struct vstr *addr = vstr_alloc(64);
	struct vstr *port = vstr_alloc(10);

	if (sock_peer(vstream_fileno(s->client), addr, port) < 0 ||
	    vstr_len(addr) == 0) {
		s->addr = xstrdup("127.0.0.1");
		s->port = xstrdup("0");
		s->addr_family = AF_UNSPEC;
		s->name = xstrdup("localhost");
		s->reverse_name = xstrdup("localhost");
	} else {
		s->addr = xstrdup(vstr_str(addr));
		s->port = xstrdup(vstr_str(port));
		s->addr_family = strchr(s->addr, ':') ? AF_INET6 : AF_INET;
		peer_names(s);
	}
	vstr_fmt(addr, "%s%s", s->addr_family == AF_INET6 ? "IPv6:" : "",
	         s->addr);
	s->rfc_addr = xstrdup(vstr_str(addr));
	vstr_fmt(addr, "%s[%s]", s->name, s->addr);
	if (var_smtpd_client_port_logging)
		vstr_fmt_append(addr, ":%s", s->port);
	s->namaddr = xstrdup(vstr_str(addr));
	vstr_free(addr);
	vstr_free(port);
}

/* smtpd_peer_free - forget the client */
void
smtpd_peer_free(struct smtpd_state *s)
{
	s->addr = xfree(s->addr);
	s->port = xfree(s->port);
	s->name = xfree(s->name);
	s->reverse_name = xfree(s->reverse_name);
	s->rfc_addr = xfree(s->rfc_addr);
	s->namaddr = xfree(s->namaddr);
}
