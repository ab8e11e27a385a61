/*
 * NAME
 *	smtpd_cleanup - hand a message to the cleanup service
 * SUMMARY
 *	int smtpd_cleanup_open(struct smtpd_state *s);
 *	int smtpd_cleanup_rcpt(struct smtpd_state *s, const char *rcpt,
 *	    const char *orcpt, int notify);
 *	int smtpd_cleanup_begin(struct smtpd_state *s);
 *	int smtpd_cleanup_record(struct smtpd_state *s, int type,
 *	    const char *data, size_t len);
 *	int smtpd_cleanup_finish(struct smtpd_state *s, struct vstr *why);
 *	void smtpd_cleanup_abort(struct smtpd_state *s);
 * DESCRIPTION
 *	The protocol is in mail_proto.h (CLEANUP). smtpd_cleanup_open()
 *	connects to public/cleanup, reads the queue ID, sends the request
 *	flags and the envelope up to the sender and its attributes, and
 *	logs "QUEUEID: client=name[addr]". smtpd_cleanup_rcpt() sends one
 *	recipient with its DSN ORCPT (always, "rfc822;address" when the
 *	client gave none, as Postfix does) and NOTIFY bits (when given).
 *	smtpd_cleanup_begin() ends the envelope: the effects of access
 *	actions (flags, FILTER, REDIRECT), then the MESG record.
 *	smtpd_cleanup_record() sends one content record.
 *	smtpd_cleanup_finish() sends XTRA (with updated flags when an
 *	end-of-data check asked for HOLD or DISCARD) and END, and waits
 *	for the verdict: it returns the CLEANUP_STAT_* status and the
 *	reason in why ("" when the status is 0). The connection is closed.
 *
 *	smtpd_cleanup_abort() closes the connection without END: cleanup
 *	then removes the unfinished queue file.
 *
 *	All functions but abort return 0 or -1 (connection failure, with
 *	a warning logged); on failure the stream is closed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "attr.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"
#include "smtpd_int.h"

/* Attributes that mail_proto.h does not name. */
#define ATTR_CLIENT_PORT "client_port"
#define ATTR_REVERSE_NAME "reverse_client_name"
#define ATTR_HELO_NAME "helo_name"
#define ATTR_PROTO_NAME "protocol_name"

/* put_attr - one REC_TYPE_ATTR "name=value" record, if value is set */
static void
put_attr(struct vstream *fp, const char *name, const char *value)
{
	if (value != NULL)
		rec_fprintf(fp, REC_TYPE_ATTR, "%s=%s", name, value);
}

/* cleanup_failed - drop the connection after an I/O error */
static int
cleanup_failed(struct smtpd_state *s, const char *what)
{
	msg_warn("%s: cleanup service %s failed: %m",
	         s->queue_id ? s->queue_id : "NOQUEUE", what);
	smtpd_cleanup_abort(s);
	return -1;
}

/* send_client_attrs - who sent the message, for logging and policy */
static void
send_client_attrs(struct smtpd_state *s)
{
	struct vstream *fp = s->cleanup;

	put_attr(fp, MAIL_ATTR_LOG_CLIENT_NAME, s->name);
	put_attr(fp, MAIL_ATTR_LOG_CLIENT_ADDR, s->addr);
	put_attr(fp, MAIL_ATTR_LOG_CLIENT_PORT, s->port);
	put_attr(fp, MAIL_ATTR_LOG_HELO_NAME, s->helo_name);
	put_attr(fp, MAIL_ATTR_LOG_PROTO_NAME, s->protocol);
	put_attr(fp, MAIL_ATTR_CLIENT_NAME, s->name);
	put_attr(fp, ATTR_REVERSE_NAME, s->reverse_name);
	put_attr(fp, MAIL_ATTR_CLIENT_ADDR, s->addr);
	put_attr(fp, ATTR_CLIENT_PORT, s->port);
	put_attr(fp, ATTR_HELO_NAME, s->helo_name);
	put_attr(fp, ATTR_PROTO_NAME, s->protocol);
	put_attr(fp, MAIL_ATTR_RWR_CONTEXT, s->rewrite_context);
	put_attr(fp, MAIL_ATTR_SASL_METHOD, s->sasl_method);
	put_attr(fp, MAIL_ATTR_SASL_USERNAME, s->sasl_username);
}

/* send_envelope - arrival time, sender and message attributes */
static void
send_envelope(struct smtpd_state *s)
{
	struct vstream *fp = s->cleanup;

	rec_fprintf(fp, REC_TYPE_TIME, "%ld %ld", s->arrival_sec,
	            s->arrival_usec);
	rec_puts(fp, REC_TYPE_FROM, s->sender);
	send_client_attrs(s);
	put_attr(fp, MAIL_ATTR_ENCODING, s->encoding);
	if (s->smtputf8)
		put_attr(fp, MAIL_ATTR_SMTPUTF8, "1");
	if (s->dsn_envid != NULL)
		rec_puts(fp, REC_TYPE_DSN_ENVID, s->dsn_envid);
	if (s->dsn_ret != 0)
		rec_fprintf(fp, REC_TYPE_DSN_RET, "%d", s->dsn_ret);
}

/* access_flags - cleanup flags for the access actions seen so far */
static int
access_flags(const struct smtpd_state *s)
{
	int flags = CLEANUP_FLAG_MASK_EXTERNAL;

	if (s->hold)
		flags |= CLEANUP_FLAG_HOLD;
	if (s->discard)
		flags |= CLEANUP_FLAG_DISCARD;
	return flags;
}

/* smtpd_cleanup_open - connect and send the envelope head */
int
smtpd_cleanup_open(struct smtpd_state *s)
{
	struct attr_list *reply = attr_list_alloc();
	const char *id;
	struct timeval tv;

	s->cleanup = mail_connect(MAIL_CLASS_PUBLIC, MAIL_SERVICE_CLEANUP,
	                          (int) var_ipc_timeout);
	if (s->cleanup == NULL) {
		msg_warn("connect to %s/%s: %m", MAIL_CLASS_PUBLIC,
		         MAIL_SERVICE_CLEANUP);
		attr_list_free(reply);
		return -1;
	}
	if (attr_list_read(s->cleanup, reply, (size_t) var_line_length_limit) <
	            0 ||
	    (id = attr_list_get(reply, MAIL_ATTR_QUEUEID)) == NULL) {
		attr_list_free(reply);
		return cleanup_failed(s, "handshake");
	}
	s->queue_id = xstrdup(id);
	attr_list_free(reply);
	s->cleanup_flags = access_flags(s);
	if (attr_print(s->cleanup, ATTR_LONG(MAIL_ATTR_FLAGS, s->cleanup_flags),
	               ATTR_END) < 0)
		return cleanup_failed(s, "request");
	gettimeofday(&tv, NULL);
	s->arrival_sec = (long) tv.tv_sec;
	s->arrival_usec = (long) tv.tv_usec;
	send_envelope(s);
	msg_info("%s: client=%s", s->queue_id, s->namaddr);
	return 0;
}

/* smtpd_cleanup_rcpt - one recipient with its DSN attributes */
int
smtpd_cleanup_rcpt(struct smtpd_state *s, const char *rcpt, const char *orcpt,
                   int notify)
{
	struct vstream *fp = s->cleanup;

	rec_puts(fp, REC_TYPE_DSN_ORCPT, orcpt);
	if (notify != 0)
		rec_fprintf(fp, REC_TYPE_DSN_NOTIFY, "%d", notify);
	if (rec_puts(fp, REC_TYPE_RCPT, rcpt) == REC_TYPE_ERROR)
		return cleanup_failed(s, "write");
	return 0;
}

/* smtpd_cleanup_begin - end of envelope: access effects, then MESG */
int
smtpd_cleanup_begin(struct smtpd_state *s)
{
	struct vstream *fp = s->cleanup;

	if (access_flags(s) != s->cleanup_flags) {
		s->cleanup_flags = access_flags(s);
		rec_fprintf(fp, REC_TYPE_FLGS, "%d", s->cleanup_flags);
	}
	if (s->filter != NULL)
		rec_puts(fp, REC_TYPE_FILT, s->filter);
	if (s->redirect != NULL)
		rec_puts(fp, REC_TYPE_RDR, s->redirect);
	if (rec_puts(fp, REC_TYPE_MESG, "") == REC_TYPE_ERROR)
		return cleanup_failed(s, "write");
	return 0;
}

/* smtpd_cleanup_record - one content record */
int
smtpd_cleanup_record(struct smtpd_state *s, int type, const char *data,
                     size_t len)
{
	if (s->cleanup == NULL)
		return -1;
	if (rec_put(s->cleanup, type, data, len) == REC_TYPE_ERROR)
		return cleanup_failed(s, "write");
	return 0;
}

/* smtpd_cleanup_finish - END, then the verdict */
int
smtpd_cleanup_finish(struct smtpd_state *s, struct vstr *why)
{
	struct attr_list *reply;
	int status;

	rec_puts(s->cleanup, REC_TYPE_XTRA, "");
	if (access_flags(s) != s->cleanup_flags) {
		s->cleanup_flags = access_flags(s);
		rec_fprintf(s->cleanup, REC_TYPE_FLGS, "%d", s->cleanup_flags);
	}
	if (rec_puts(s->cleanup, REC_TYPE_END, "") == REC_TYPE_ERROR ||
	    vstream_fflush(s->cleanup) != 0)
		return cleanup_failed(s, "write");
	reply = attr_list_alloc();
	if (attr_list_read(s->cleanup, reply, (size_t) var_line_length_limit) <
	    0) {
		attr_list_free(reply);
		return cleanup_failed(s, "reply");
	}
	status = (int) attr_list_get_long(reply, MAIL_ATTR_STATUS,
	                                  CLEANUP_STAT_BAD);
	vstr_cpy(why, attr_list_get(reply, MAIL_ATTR_REASON)
	                      ? attr_list_get(reply, MAIL_ATTR_REASON)
	                      : "");
	attr_list_free(reply);
	vstream_close(s->cleanup);
	s->cleanup = NULL;
	return status;
}

/* smtpd_cleanup_abort - give up on the message */
void
smtpd_cleanup_abort(struct smtpd_state *s)
{
	if (s->cleanup != NULL) {
		vstream_close(s->cleanup);
		s->cleanup = NULL;
	}
}
