#ifndef SMTPD_ANVIL_H
#define SMTPD_ANVIL_H
/*
 * NAME
 *	smtpd_anvil - per-client connection and rate limits (anvil client)
 * SUMMARY
 *	void smtpd_anvil_init(void);
 *	int smtpd_anvil_connect(struct smtpd_state *s);
 *	void smtpd_anvil_disconnect(struct smtpd_state *s);
 *	int smtpd_anvil_mail(struct smtpd_state *s);
 *	int smtpd_anvil_rcpt(struct smtpd_state *s);
 * DESCRIPTION
 *	smtpd keeps one connection to the anvil service (private/anvil,
 *	reachable in and out of the chroot) per process, opened on first
 *	use and reopened once when a request fails (anvil restarted).
 *
 *	smtpd_anvil_init() (before the jail) reads
 *	smtpd_client_event_limit_exceptions; clients that match it, and
 *	stand-alone sessions, are not counted. Nothing is sent when all
 *	of the smtpd_client_*_limit parameters are 0.
 *
 *	smtpd_anvil_connect() registers the session. When
 *	smtpd_client_connection_count_limit or ..._rate_limit is exceeded
 *	it sends "421 4.7.0 $myhostname Error: too many connections from
 *	ADDR", logs "warning: Connection concurrency (rate) limit
 *	exceeded: N from NAME[ADDR] for service SERVICE", ends the session
 *	(io_status) and returns -1; otherwise 0.
 *	smtpd_anvil_disconnect() unregisters it at the end of the session.
 *
 *	smtpd_anvil_mail() and smtpd_anvil_rcpt() count a MAIL FROM or RCPT
 *	TO when smtpd_client_message_rate_limit or ..._recipient_rate_limit
 *	is set; past the limit they reply 450 4.7.1, log the warning and
 *	return -1.
 *
 *	When anvil cannot be reached, a warning is logged and no limit is
 *	enforced (the mail still flows).
 */
#include "smtpd.h"

extern void smtpd_anvil_init(void);
extern int smtpd_anvil_connect(struct smtpd_state *);
extern void smtpd_anvil_disconnect(struct smtpd_state *);
extern int smtpd_anvil_mail(struct smtpd_state *);
extern int smtpd_anvil_rcpt(struct smtpd_state *);

#endif
