#ifndef SMTPD_CHECK_H
#define SMTPD_CHECK_H
/*
 * NAME
 *	smtpd_check - access restrictions of the SMTP server
 * SUMMARY
 *	void smtpd_check_init(void);
 *	void smtpd_check_session(struct smtpd_state *state);
 *	void smtpd_check_reset(struct smtpd_state *state);
 *	const char *smtpd_check_client(struct smtpd_state *state);
 *	const char *smtpd_check_helo(struct smtpd_state *state);
 *	const char *smtpd_check_mail(struct smtpd_state *state);
 *	const char *smtpd_check_rcpt(struct smtpd_state *state);
 *	const char *smtpd_check_etrn(struct smtpd_state *state);
 *	const char *smtpd_check_data(struct smtpd_state *state);
 *	const char *smtpd_check_eod(struct smtpd_state *state);
 *	const char *smtpd_check_size(struct smtpd_state *state, long size);
 *	bool smtpd_check_mynetworks(struct smtpd_state *state);
 * DESCRIPTION
 *	smtpd_check_init() parses the restriction lists and
 *	smtpd_restriction_classes and opens their tables (before the
 *	jail). smtpd_check_session() prepares state->check_ctx for a new
 *	client; smtpd_check_reset() forgets the per-message results (RSET,
 *	end of a transaction, including the hold/discard/filter/redirect/
 *	prepend fields of state).
 *
 *	Each check returns NULL when the command may proceed, or the full
 *	SMTP reply to send ("554 5.7.1 <x@y>: Relay access denied"), which
 *	stays valid until the next call. A rejection is logged by the check
 *	itself in Postfix's shape:
 *	  NOQUEUE: reject: RCPT from name[addr]: 554 5.7.1 <x@y>: Relay
 *	  access denied; from=<s> to=<x@y> proto=ESMTP helo=<h>
 *	(QUEUEID instead of NOQUEUE once state->queue_id is set).
 *	With smtpd_delay_reject = yes (the default) the client, HELO and
 *	sender restrictions are evaluated at RCPT time (smtpd_check_rcpt
 *	runs client, helo, sender, relay, then recipient restrictions, then
 *	the unknown-recipient checks of local_recipient_maps etc.); the
 *	earlier calls then return NULL.
 *	smtpd_check_size() checks SIZE= against message_size_limit and
 *	free queue space (452 4.3.1 Insufficient system storage).
 *	smtpd_check_mynetworks() says whether the client is in mynetworks.
 *	A table lookup error yields "451 4.3.0 ..." (temporary); an unknown
 *	restriction logs a warning and yields "451 4.3.5 Server
 *	configuration error".
 */
#include <stdbool.h>

#include "smtpd.h"

extern void smtpd_check_init(void);
extern void smtpd_check_session(struct smtpd_state *);
extern void smtpd_check_reset(struct smtpd_state *);
extern const char *smtpd_check_client(struct smtpd_state *);
extern const char *smtpd_check_helo(struct smtpd_state *);
extern const char *smtpd_check_mail(struct smtpd_state *);
extern const char *smtpd_check_rcpt(struct smtpd_state *);
extern const char *smtpd_check_etrn(struct smtpd_state *);
extern const char *smtpd_check_data(struct smtpd_state *);
extern const char *smtpd_check_eod(struct smtpd_state *);
extern const char *smtpd_check_size(struct smtpd_state *, long);
extern bool smtpd_check_mynetworks(struct smtpd_state *);

#endif
