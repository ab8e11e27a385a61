/*
 * flush_clnt - client of the fast flush service
 *
 * One request per connection to public/flush (see flush_clnt.h). The
 * service is in public/ because postqueue(1) runs as the invoking user
 * (set-gid postdrop) and must reach it too.
 */
#include <ctype.h>
#include <stddef.h>

#include "attr.h"
#include "flush_clnt.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"

/* Longest reply we accept. */
#define FLUSH_REPLY_LIMIT 1024

/* flush_request - send l, return the server's status or FLUSH_STAT_FAIL */
static int
flush_request(const struct attr_list *l)
{
	struct attr_list *reply;
	struct vstream *fp;
	int status = FLUSH_STAT_FAIL;

	if ((fp = mail_connect(MAIL_CLASS_PUBLIC, var_flush_service_name,
	                       (int) var_ipc_timeout)) == NULL) {
		msg_warn("connect to %s/%s: %m", MAIL_CLASS_PUBLIC,
		         var_flush_service_name);
		return FLUSH_STAT_FAIL;
	}
	reply = attr_list_alloc();
	if (attr_list_write(fp, l) == 0 &&
	    attr_list_read(fp, reply, FLUSH_REPLY_LIMIT) > 0)
		status = (int) attr_list_get_long(reply, MAIL_ATTR_STATUS,
		                                  FLUSH_STAT_FAIL);
	attr_list_free(reply);
	(void) vstream_close(fp);
	return status;
}

/* flush_simple - a request with at most one argument */
static int
flush_simple(const char *nreq, const char *name, const char *value)
{
	struct attr_list *l = attr_list_alloc();
	int status;

	attr_list_add(l, MAIL_ATTR_NREQ, nreq);
	if (name != NULL)
		attr_list_add(l, name, value);
	status = flush_request(l);
	attr_list_free(l);
	return status;
}

/* flush_domains_empty - fast_flush_domains expands to nothing */
static int
flush_domains_empty(void)
{
	for (const char *cp = var_fast_flush_domains; *cp; cp++)
		if (!isspace((unsigned char) *cp) && *cp != ',')
			return 0;
	return 1;
}

/* flush_add - queue_id waits for site */
int
flush_add(const char *site, const char *queue_id)
{
	struct attr_list *l;
	int status;

	if (flush_domains_empty())
		return FLUSH_STAT_DENY;
	l = attr_list_alloc();
	attr_list_add(l, MAIL_ATTR_NREQ, FLUSH_REQ_ADD);
	attr_list_add(l, MAIL_ATTR_SITE, site);
	attr_list_add(l, MAIL_ATTR_QUEUEID, queue_id);
	status = flush_request(l);
	attr_list_free(l);
	return status;
}

/* flush_send_site - deliver the deferred mail of site now */
int
flush_send_site(const char *site)
{
	return flush_simple(FLUSH_REQ_SEND_SITE, MAIL_ATTR_SITE, site);
}

/* flush_send_file - deliver one deferred message now */
int
flush_send_file(const char *queue_id)
{
	return flush_simple(FLUSH_REQ_SEND_FILE, MAIL_ATTR_QUEUEID, queue_id);
}

/* flush_refresh - refresh old logs, remove unused ones */
int
flush_refresh(void)
{
	return flush_simple(FLUSH_REQ_REFRESH, NULL, NULL);
}

/* flush_purge - refresh every log now */
int
flush_purge(void)
{
	return flush_simple(FLUSH_REQ_PURGE, NULL, NULL);
}
