#ifndef FLUSH_CLNT_H
#define FLUSH_CLNT_H
/*
 * NAME
 *	flush_clnt - client of the fast flush service
 * SUMMARY
 *	int flush_add(const char *site, const char *queue_id);
 *	int flush_send_site(const char *site);
 *	int flush_send_file(const char *queue_id);
 *	int flush_refresh(void);
 *	int flush_purge(void);
 * DESCRIPTION
 *	The flush service (flush(8), public/flush, named by
 *	flush_service_name) keeps one log per destination under the
 *	queue directory's flush/ with the IDs of deferred messages queued
 *	for it, for the destinations in fast_flush_domains. One request
 *	per connection, an attribute list (attr.h) with nrequest=NAME:
 *
 *	add site queue_id     remember that queue_id waits for site
 *	                      (delivery agents and qmgr, after a defer)
 *	send_site site        move the deferred mail of site back to
 *	                      incoming/ and wake qmgr (ETRN,
 *	                      postqueue -s, sendmail -qR)
 *	send_file queue_id    the same for one message (postqueue -i),
 *	                      whatever its destination
 *	refresh               rewrite logs older than
 *	                      fast_flush_refresh_time, remove those unused
 *	                      for fast_flush_purge_time (master's wake-up)
 *	purge                 refresh every log now (postqueue -f)
 *
 *	The answer is status=N, one of the FLUSH_STAT_* values. Sites are
 *	compared in lower case; a site not matched by fast_flush_domains
 *	gets FLUSH_STAT_DENY for add and send_site.
 *
 *	The functions connect (var_ipc_timeout), send one request and
 *	return the server's status, or FLUSH_STAT_FAIL when the service
 *	cannot be reached. flush_add() is called on every deferral, so it
 *	returns FLUSH_STAT_DENY without connecting when fast_flush_domains
 *	is empty.
 */
#define FLUSH_STAT_OK 0   /* done */
#define FLUSH_STAT_FAIL 1 /* service down or internal error */
#define FLUSH_STAT_BAD 2  /* malformed request */
#define FLUSH_STAT_DENY 3 /* site not eligible for fast flush */

#define FLUSH_REQ_ADD "add"
#define FLUSH_REQ_SEND_SITE "send_site"
#define FLUSH_REQ_SEND_FILE "send_file"
#define FLUSH_REQ_REFRESH "refresh"
#define FLUSH_REQ_PURGE "purge"

#define MAIL_ATTR_SITE "site"

extern int flush_add(const char *, const char *);
extern int flush_send_site(const char *);
extern int flush_send_file(const char *);
extern int flush_refresh(void);
extern int flush_purge(void);

#endif
