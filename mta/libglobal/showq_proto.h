#ifndef SHOWQ_PROTO_H
#define SHOWQ_PROTO_H
/*
 * NAME
 *	showq_proto - the queue listing protocol between showq and postqueue
 * SUMMARY
 *	#include "showq_proto.h"
 * DESCRIPTION
 *	showq(8) listens on public/$showq_service_name. It reads nothing
 *	from the client; it writes attribute lists (attr.h, plain
 *	encoding) and closes the connection:
 *
 *	  protocol=mail_queue_list_protocol      (announcement)
 *	then per message:
 *	  queue_name, queue_id, time (arrival, seconds), size (content
 *	  size from the size record; the file size for maildrop files),
 *	  forced_expire (0/1), sender (MAILER-DAEMON for the null sender,
 *	  non-printable bytes as '?')
 *	  zero or more lists: recipient, reason  ("" when no delay
 *	  reason is known); recipients of the defer log come first
 *	  an empty list: end of this message
 *	and finally an empty list: end of the listing.
 *
 *	The queues are listed in the order maildrop, active, incoming,
 *	deferred, hold, as Postfix does.
 */

#define SHOWQ_PROTOCOL "mail_queue_list_protocol"

#define MAIL_ATTR_PROTO "protocol"
#define MAIL_ATTR_TIME "time"
#define MAIL_ATTR_SIZE "size"
#define MAIL_ATTR_FORCED_EXPIRE "forced_expire"

/* Mode bit of a queue file that postsuper -e/-f forced to expire. */
#define MAIL_QUEUE_STAT_EXPIRE 0010

#endif
