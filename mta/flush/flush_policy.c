/*
 * flush_policy - which sites get a fast flush log, and where it lives
 *
 * SECURITY
 *	Site names come from remote SMTP clients (ETRN) and local users
 *	(postqueue -s): they are checked by flush_site_ok() and turned into
 *	file names that hold only letters, digits and '_'.
 */
#include <ctype.h>
#include <string.h>

#include "flush.h"
#include "flush_clnt.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "match_list.h"
#include "mymalloc.h"
#include "stringops.h"

static struct match_list *flush_domains;

/* flush_policy_init - parse fast_flush_domains */
void
flush_policy_init(void)
{
	flush_domains = match_list_init("fast_flush_domains",
	                                var_fast_flush_domains, MATCH_DOMAIN);
}

/* flush_policy - is the site eligible for a log? */
int
flush_policy(const char *site)
{
	char *lc = lowercase(xstrdup(site));
	int ret = match_list_match(flush_domains, lc, NULL);

	xfree(lc);
	if (ret < 0)
		return FLUSH_STAT_FAIL;
	return ret ? FLUSH_STAT_OK : FLUSH_STAT_DENY;
}

/* flush_site_ok - a name we may use to build a log file name */
bool
flush_site_ok(const char *site)
{
	size_t len = strlen(site);

	if (len == 0 || len > FLUSH_SITE_MAX)
		return false;
	for (const char *cp = site; *cp; cp++)
		if (!isgraph((unsigned char) *cp) || *cp == '/')
			return false;
	return true;
}

/* flush_site_path - the log file of a site, relative to the queue */
void
flush_site_path(struct vstr *path, const char *site)
{
	struct vstr *name = vstr_alloc(64);

	for (const char *cp = site; *cp; cp++) {
		int ch = (unsigned char) *cp;

		vstr_addch(name, isalnum(ch) && ch < 0x80 ? tolower(ch) : '_');
	}
	mail_queue_path(path, MAIL_QUEUE_FLUSH, vstr_str(name));
	vstr_free(name);
}
