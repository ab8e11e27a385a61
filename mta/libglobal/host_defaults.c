/*
 * host_defaults - myhostname, mydomain and mynetworks from this host
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "argv.h"
#include "host_defaults.h"
#include "mail_conf.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

#define DEF_MYDOMAIN "localdomain"

static char *hostname_buf;
static char *domain_buf;
static char *networks_buf;

/* default_myhostname - gethostname(), qualified when needed */
const char *
default_myhostname(void)
{
	char name[256];
	char *domain;

	if (gethostname(name, sizeof(name) - 1) < 0)
		msg_fatal("gethostname: %m");
	name[sizeof(name) - 1] = 0;
	xfree(hostname_buf);
	if (strchr(name, '.') != NULL) {
		hostname_buf = xstrdup(name);
		return hostname_buf;
	}
	/* Only a main.cf mydomain can qualify it: its default needs us. */
	domain = mail_conf_main_eval("mydomain");
	if (domain == NULL || *domain == 0) {
		xfree(domain);
		domain = xstrdup(DEF_MYDOMAIN);
	}
	hostname_buf =
	        xmalloc(size_add(size_add(strlen(name), strlen(domain)), 2));
	memcpy(hostname_buf, name, strlen(name));
	hostname_buf[strlen(name)] = '.';
	memcpy(hostname_buf + strlen(name) + 1, domain, strlen(domain) + 1);
	xfree(domain);
	return hostname_buf;
}

/* default_mydomain - myhostname minus its first label */
const char *
default_mydomain(void)
{
	char *host = mail_conf_eval_name("myhostname");
	char *dot = host ? strchr(host, '.') : NULL;

	xfree(domain_buf);
	domain_buf = xstrdup(dot && dot[1] ? dot + 1 : DEF_MYDOMAIN);
	xfree(host);
	return domain_buf;
}

/* mask_bits - number of leading one bits */
static int
mask_bits(const unsigned char *mask, size_t len)
{
	int bits = 0;

	for (size_t i = 0; i < len; i++)
		for (int b = 7; b >= 0; b--)
			if (mask[i] & (1 << b))
				bits++;
	return bits;
}

/* apply_prefix - zero the bits past the prefix */
static void
apply_prefix(unsigned char *addr, size_t len, int bits)
{
	for (size_t i = 0; i < len; i++) {
		int keep = bits - (int) (i * 8);

		if (keep <= 0)
			addr[i] = 0;
		else if (keep < 8)
			addr[i] &= (unsigned char) (0xff << (8 - keep));
	}
}

/* class_bits - classful prefix length of an IPv4 address */
static int
class_bits(const unsigned char *a)
{
	if (a[0] < 128)
		return 8;
	if (a[0] < 192)
		return 16;
	if (a[0] < 224)
		return 24;
	return 32;
}

/* add_network - format one interface address per style, skip duplicates */
static void
add_network(struct argv *list, int family, const void *addr, const void *mask,
            const char *style)
{
	unsigned char a[16];
	size_t len = family == AF_INET ? 4 : 16;
	int bits = mask ? mask_bits(mask, len) : (int) len * 8;
	char text[INET6_ADDRSTRLEN];
	struct vstr *net = vstr_alloc(64);

	memcpy(a, addr, len);
	if (strcasecmp(style, "host") == 0)
		bits = (int) len * 8;
	else if (strcasecmp(style, "class") == 0 && family == AF_INET)
		bits = class_bits(a);
	apply_prefix(a, len, bits);
	inet_ntop(family, a, text, sizeof(text));
	if (family == AF_INET)
		vstr_fmt(net, "%s/%d", text, bits);
	else
		vstr_fmt(net, "[%s]/%d", text, bits);
	for (size_t i = 0; i < list->argc; i++)
		if (strcmp(list->argv[i], vstr_str(net)) == 0)
			goto out;
	argv_add(list, vstr_str(net));
out:
	vstr_free(net);
}

/* want_family - does inet_protocols ask for this family */
static bool
want_family(const char *protocols, const char *name)
{
	return list_has_word(protocols, name) ||
	       list_has_word(protocols, "all");
}

/* collect - one address family's networks */
static void
collect(struct argv *list, struct ifaddrs *ifa, int family, const char *style)
{
	for (; ifa; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != family)
			continue;
		if (family == AF_INET)
			add_network(list, family,
			            &((struct sockaddr_in *) ifa->ifa_addr)
			                     ->sin_addr,
			            ifa->ifa_netmask
			                    ? &((struct sockaddr_in *)
			                                ifa->ifa_netmask)
			                               ->sin_addr
			                    : NULL,
			            style);
		else
			add_network(list, family,
			            &((struct sockaddr_in6 *) ifa->ifa_addr)
			                     ->sin6_addr,
			            ifa->ifa_netmask
			                    ? &((struct sockaddr_in6 *)
			                                ifa->ifa_netmask)
			                               ->sin6_addr
			                    : NULL,
			            style);
	}
}

/* mynetworks_for - networks for a style and protocol list */
char *
mynetworks_for(const char *style, const char *protocols, struct vstr *why)
{
	struct ifaddrs *ifa;
	struct argv *list;
	char *result;

	if (strcasecmp(style, "host") != 0 &&
	    strcasecmp(style, "subnet") != 0 &&
	    strcasecmp(style, "class") != 0) {
		vstr_fmt(why, "unknown mynetworks_style value: %s", style);
		return NULL;
	}
	if (getifaddrs(&ifa) < 0) {
		vstr_fmt(why, "getifaddrs: %s", strerror(errno));
		return NULL;
	}
	list = argv_alloc(8);
	if (want_family(protocols, "ipv4"))
		collect(list, ifa, AF_INET, style);
	if (want_family(protocols, "ipv6"))
		collect(list, ifa, AF_INET6, style);
	freeifaddrs(ifa);
	result = argv_join(list, " ");
	argv_free(list);
	return result;
}

/* default_mynetworks - per the effective style and protocols */
const char *
default_mynetworks(void)
{
	char *style = mail_conf_eval_name("mynetworks_style");
	char *protocols = mail_conf_eval_name("inet_protocols");
	struct vstr *why = vstr_alloc(100);

	xfree(networks_buf);
	networks_buf = mynetworks_for(style ? style : "host",
	                              protocols ? protocols : "all", why);
	if (networks_buf == NULL)
		msg_fatal("%s", vstr_str(why));
	vstr_free(why);
	xfree(style);
	xfree(protocols);
	return networks_buf;
}
