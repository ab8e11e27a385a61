/*
 * local_recipient - one recipient: address split, loop checks, and the
 * switch between alias, forward, mailbox and unknown-user handling
 */
#include <pwd.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "local.h"
#include "mail_params.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* deliver_switch - alias first, then the local user */
static int
deliver_switch(struct local_state *st, struct local_attr a, struct local_user u)
{
	int status = 0;

	a.level++;
	if (a.no_alias) {
		if (!local_mailbox(st, a, u, &status))
			status = local_unknown(st, a, u);
		return status;
	}
	if (local_alias(st, a, u, a.local, &status))
		return status;
	if (a.extension && local_alias(st, a, u, a.user, &status))
		return status;

	/*
	 * An alias with an owner- companion, or a .forward of another user,
	 * that names this local user: resubmit, so that the new message has
	 * its own sender and per-recipient status.
	 */
	if (a.owner && strcasecmp(a.owner, a.user) != 0)
		return local_indirect(st, a);
	if (a.exp_type == LOCAL_EXP_INCLUDE)
		return local_indirect(st, a);
	if (!local_forward(st, a, u, &status) &&
	    !local_mailbox(st, a, u, &status))
		status = local_unknown(st, a, u);
	return status;
}

/* split_recipient - fill local, user, extension, domain; caller frees */
static char *
split_recipient(struct local_attr *a, char **user)
{
	char *local = lowercase(xstrdup(a->rcpt.address));
	char *at = strrchr(local, '@');
	const char *delim;
	size_t ext_at;

	a->domain = NULL;
	if (at) {
		*at = 0;
		a->domain = at + 1;
	}
	a->local = local;
	ext_at = local_split_ext(local, var_recipient_delimiter, &delim);
	*user = xstrndup(local, ext_at);
	a->user = *user;
	a->extension = NULL;
	a->delim = "";
	if (delim) {
		a->extension = delim + 1;
		a->delim = xstrndup(delim, 1);
	}
	return local;
}

/* local_deliver_recipient - deliver one address (top level or expanded) */
int
local_deliver_recipient(struct local_state *st, struct local_attr a,
                        struct local_user u)
{
	char *local, *user, *lower;
	int status;

	a.level++;
	if (a.level > LOCAL_LEVEL_LIMIT) {
		msg_warn("recipient nesting limit exceeded for %s",
		         a.rcpt.address);
		return local_result(st, &a, LOCAL_BOUNCE, "5.4.6",
		                    "recipient nesting limit exceeded");
	}
	if (local_been_here(st, "recipient %d %s", a.level, a.rcpt.address))
		return 0;
	lower = lowercase(xstrdup(a.rcpt.address));
	if (htable_locate(st->loop, lower) != NULL) {
		xfree(lower);
		return local_result(st, &a, LOCAL_BOUNCE, "5.4.6",
		                    "mail forwarding loop for %s",
		                    a.rcpt.address);
	}
	xfree(lower);
	if (a.delivered == NULL)
		a.delivered = a.rcpt.address;
	local = split_recipient(&a, &user);
	if (a.extension && strchr(a.extension, '/')) {
		msg_warn("%s: address with illegal extension: %s",
		         st->req->queue_id, a.local);
		a.extension = NULL;
		local[strlen(user)] = 0;
	}
	if (*a.user == 0)
		status =
		        local_result(st, &a, LOCAL_BOUNCE, "5.1.3",
		                     "null username in \"%s\"", a.rcpt.address);
	else
		status = deliver_switch(st, a, u);
	if (*a.delim)
		xfree((char *) a.delim);
	xfree(user);
	xfree(local);
	return status;
}
