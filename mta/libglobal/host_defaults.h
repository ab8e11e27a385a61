#ifndef HOST_DEFAULTS_H
#define HOST_DEFAULTS_H
/*
 * NAME
 *	host_defaults - defaults computed from this host
 * SUMMARY
 *	const char *default_myhostname(void);
 *	const char *default_mydomain(void);
 *	const char *default_mynetworks(void);
 *	char *mynetworks_for(const char *style, const char *protocols,
 *	    struct vstr *why);
 * DESCRIPTION
 *	default_myhostname() is the host name from gethostname(2); a name
 *	without a dot gets ".$mydomain" appended, or ".localdomain" when
 *	mydomain is not set either.
 *
 *	default_mydomain() is the effective myhostname minus its first
 *	label, or "localdomain" when it has only one label.
 *
 *	default_mynetworks() lists the networks of this host's interfaces
 *	according to the effective mynetworks_style ("host": each address;
 *	"subnet": each interface's subnet; "class": the class A, B or C
 *	network, subnet for IPv6) and inet_protocols: IPv4 networks first,
 *	then IPv6 ones as [addr]/len, without duplicates.
 *
 *	The effective values come from mail_conf (main.cf, or the defaults
 *	in "postconf -d" mode). Results stay valid until the next call.
 */
struct vstr;

extern const char *default_myhostname(void);
extern const char *default_mydomain(void);
extern const char *default_mynetworks(void);
extern char *mynetworks_for(const char *, const char *, struct vstr *);

#endif
