/*
 * master_listen - the listening endpoints of services
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "argv.h"
#include "events.h"
#include "mail_params.h"
#include "master.h"
#include "msg.h"
#include "mymalloc.h"
#include "sock.h"
#include "stringops.h"
#include "vstr.h"

#define LISTEN_BACKLOG 1024

/* Where the listen functions put the reason of a failure. */
static struct vstr *err_why;

/* add_fd - remember one listening descriptor */
static void
add_fd(struct master_serv *s, int fd)
{
	sock_nonblock(fd, true);
	s->listen_fds = xreallocarray(
	        s->listen_fds, (size_t) s->listen_count + 1, sizeof(int));
	s->listen_fds[s->listen_count++] = fd;
}

/* split_inet - "host:port", "[v6]:port" or "port" */
static void
split_inet(const char *name, struct vstr *host, struct vstr *port)
{
	const char *colon = strrchr(name, ':');

	vstr_reset(host);
	if (colon == NULL) {
		vstr_cpy(port, name);
		return;
	}
	vstr_cpy(port, colon + 1);
	if (name[0] == '[' && colon > name + 1 && colon[-1] == ']')
		vstr_mem(host, name + 1, (size_t) (colon - name - 2));
	else
		vstr_mem(host, name, (size_t) (colon - name));
}

/* inet_family_on - is the family enabled in inet_protocols? */
static bool
inet_family_on(int family)
{
	if (list_has_word(var_inet_protocols, "all"))
		return true;
	return list_has_word(var_inet_protocols,
	                     family == AF_INET6 ? "ipv6" : "ipv4");
}

/* listen_one - one address; IPv6 may be missing when "all" asked for it */
static int
listen_one(struct master_serv *s, const char *host, const char *port,
           int family)
{
	struct vstr *why = vstr_alloc(100);
	int fd = sock_inet_listen(host, port, family, LISTEN_BACKLOG, why);
	int err = errno;
	int rc = 0;

	if (fd >= 0) {
		add_fd(s, fd);
	} else if (family == AF_INET6 &&
	           list_has_word(var_inet_protocols, "all") &&
	           (err == EAFNOSUPPORT || err == EADDRNOTAVAIL)) {
		if (msg_verbose)
			msg_info("%s: no IPv6: %s", s->name, vstr_str(why));
	} else {
		vstr_fmt(err_why, "%s: service %s/%s: %s", s->where, s->name,
		         s->type_name, vstr_str(why));
		rc = -1;
	}
	vstr_free(why);
	return rc;
}

/* iface_family - AF_INET6 for an IPv6 address, AF_INET for IPv4, else
 * AF_UNSPEC (a host name) */
static int
iface_family(const char *host)
{
	if (strchr(host, ':'))
		return AF_INET6;
	return strspn(host, "0123456789.") == strlen(host) ? AF_INET
	                                                   : AF_UNSPEC;
}

/* listen_interface - one inet_interfaces word, for every family on */
static int
listen_interface(struct master_serv *s, const char *iface, const char *port)
{
	static const int families[] = {AF_INET, AF_INET6};
	bool any = strcasecmp(iface, "all") == 0;
	bool loop = strcasecmp(iface, "loopback-only") == 0 ||
	            strcasecmp(iface, "localhost") == 0;
	struct vstr *host;
	int fam;
	int rc = 0;

	if (any || loop) {
		for (size_t i = 0; i < 2 && rc == 0; i++)
			if (inet_family_on(families[i]))
				rc = listen_one(s,
				                any ? ""
				                : families[i] == AF_INET
				                        ? "127.0.0.1"
				                        : "::1",
				                port, families[i]);
		return rc;
	}
	host = vstr_cpy(vstr_alloc(64), iface);
	if (iface[0] == '[' && str_suffix(iface, "]"))
		vstr_mem(host, iface + 1, strlen(iface) - 2);
	fam = iface_family(vstr_str(host));
	if (fam == AF_UNSPEC || inet_family_on(fam))
		rc = listen_one(s, vstr_str(host), port, fam);
	vstr_free(host);
	return rc;
}

/*
 * numeric_port - a service name ("smtp", "submission") as its TCP port
 * number from services(5); sock_inet_listen() takes numbers only
 */
static int
numeric_port(struct master_serv *s, struct vstr *port)
{
	struct servent *se;

	if (vstr_len(port) > 0 &&
	    strspn(vstr_str(port), "0123456789") == vstr_len(port))
		return 0;
	if ((se = getservbyname(vstr_str(port), "tcp")) == NULL) {
		vstr_fmt(err_why, "%s: service %s/%s: unknown service: %s/tcp",
		         s->where, s->name, s->type_name, vstr_str(port));
		return -1;
	}
	vstr_fmt(port, "%d", ntohs((uint16_t) se->s_port));
	return 0;
}

/* listen_inet - the inet endpoints of a service */
static int
listen_inet(struct master_serv *s)
{
	struct vstr *host = vstr_alloc(64);
	struct vstr *port = vstr_alloc(16);
	int rc = 0;

	split_inet(s->name, host, port);
	if (numeric_port(s, port) < 0) {
		rc = -1;
	} else if (vstr_len(host) > 0) {
		rc = listen_one(s, vstr_str(host), vstr_str(port),
		                iface_family(vstr_str(host)));
	} else {
		struct argv *ifs = argv_split(var_inet_interfaces, LIST_DELIMS);

		for (size_t i = 0; i < ifs->argc && rc == 0; i++)
			rc = listen_interface(s, ifs->argv[i], vstr_str(port));
		argv_free(ifs);
	}
	vstr_free(host);
	vstr_free(port);
	return rc;
}

/* listen_local - a unix socket, unix-dgram socket or fifo */
static int
listen_local(struct master_serv *s)
{
	struct vstr *why = vstr_alloc(100);
	struct passwd *pw = getpwnam(var_mail_owner);
	int fd;

	switch (s->type) {
	case SERV_TYPE_FIFO:
		fd = sock_fifo_listen(s->endpoint, 0622, why);
		break;
	case SERV_TYPE_DGRAM:
		fd = sock_unix_dgram_listen(s->endpoint, 0666, why);
		break;
	default:
		fd = sock_unix_listen(s->endpoint, LISTEN_BACKLOG, 0666, why);
		break;
	}
	if (fd < 0) {
		vstr_fmt(err_why, "%s: service %s/%s: %s", s->where, s->name,
		         s->type_name, vstr_str(why));
		vstr_free(why);
		return -1;
	}
	if (pw && chown(s->endpoint, pw->pw_uid, pw->pw_gid) < 0)
		msg_warn("chown %s: %m", s->endpoint);
	add_fd(s, fd);
	vstr_free(why);
	return 0;
}

/* master_listen_open - create every endpoint; -1 and why on error */
int
master_listen_open(struct master_serv *s, struct vstr *why)
{
	int rc;

	err_why = why;
	rc = s->type == SERV_TYPE_INET ? listen_inet(s) : listen_local(s);

	if (rc == 0 && s->listen_count == 0) {
		msg_error("%s: service %s/%s: no address to listen on",
		          s->where, s->name, s->type_name);
		rc = -1;
	}
	if (rc < 0)
		master_listen_close(s);
	return rc;
}

/* master_listen_close - stop listening; remove a local endpoint */
void
master_listen_close(struct master_serv *s)
{
	for (int i = 0; i < s->listen_count; i++) {
		event_disable_readwrite(s->listen_fds[i]);
		close(s->listen_fds[i]);
	}
	if (s->listen_count > 0 && s->endpoint)
		(void) unlink(s->endpoint);
	s->listen_fds = xfree(s->listen_fds);
	s->listen_count = 0;
	s->listening = false;
}
