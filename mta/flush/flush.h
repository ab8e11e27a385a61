#ifndef FLUSH_H
#define FLUSH_H
/*
 * NAME
 *	flush - private interfaces of the fast flush server
 * SUMMARY
 *	void flush_policy_init(void);
 *	int flush_policy(const char *site);
 *	bool flush_site_ok(const char *site);
 *	void flush_site_path(struct vstr *path, const char *site);
 *
 *	int flush_log_add(const char *site, const char *queue_id);
 *	int flush_log_send_site(const char *site);
 *	int flush_log_send_file(const char *queue_id);
 *	void flush_log_refresh(long max_age);
 * DESCRIPTION
 *	flush_policy.c: flush_policy_init() parses fast_flush_domains (as
 *	root, before the chroot: tables may live outside it).
 *	flush_policy() returns FLUSH_STAT_OK when the (lower-case) site is
 *	eligible, FLUSH_STAT_DENY when it is not, FLUSH_STAT_FAIL when a
 *	table lookup failed. flush_site_ok() rejects names that are empty,
 *	too long, or hold white space, control characters or '/'.
 *	flush_site_path() names the log of a site: flush/NAME (hashed like
 *	the other queues when hash_queue_names lists flush), NAME being the
 *	site in lower case with every character other than a letter or a
 *	digit replaced by '_', so that no site can name a path outside
 *	flush/.
 *
 *	flush_log.c: the logs, one queue ID a line, each locked while it is
 *	read or written. flush_log_add() appends one ID. flush_log_send_site()
 *	and flush_log_send_file() move deferred messages to incoming/ with
 *	their time stamps set to now, and trigger qmgr; the site log is
 *	rewritten with the IDs that could not be moved (the others come
 *	back through flush_add() if they are deferred again).
 *	flush_log_refresh() walks flush/: an empty log unchanged for
 *	fast_flush_purge_time is removed; a non-empty log unchanged for
 *	max_age seconds is flushed as by send_site (0: every log).
 *	The functions return FLUSH_STAT_* values.
 */
#include <stdbool.h>

#include "vstr.h"

/* Longest site name we keep a log for (a domain name, or [address]). */
#define FLUSH_SITE_MAX 255

extern void flush_policy_init(void);
extern int flush_policy(const char *);
extern bool flush_site_ok(const char *);
extern void flush_site_path(struct vstr *, const char *);

extern int flush_log_add(const char *, const char *);
extern int flush_log_send_site(const char *);
extern int flush_log_send_file(const char *);
extern void flush_log_refresh(long);

#endif
