/*
 * NAME
 *	cleanup - canonicalize and enqueue mail
 * SUMMARY
 *	cleanup [generic daemon options]
 * DESCRIPTION
 *	The cleanup daemon turns the record stream of smtpd(8), pickup(8)
 *	or bounce(8) into a queue file in incoming/ (or hold/) and tells
 *	qmgr(8). The protocol is in mail_proto.h (CLEANUP); the work per
 *	message in cleanup.h. This file has main(), the tables opened at
 *	start-up, and the per-connection loop: create the queue file,
 *	announce its ID, read the flags and the records, finish the file,
 *	answer with status and reason.
 * SECURITY
 *	The daemon runs chrooted and unprivileged (master.cf). It treats
 *	its clients as untrusted: every record is bounded, a malformed
 *	stream fails only the current message, and the queue file is
 *	removed unless the client is told it was accepted. Tables are
 *	opened before the jail.
 * DIAGNOSTICS
 *	"ID: message-id=<...>", one line per header_checks/body_checks
 *	action ("ID: reject: header ..."), warnings for table and write
 *	problems. Problems with one message go to the client as a status.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "attr.h"
#include "dict.h"
#include "htable.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "mail_server.h"
#include "maps.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"
#include "stringops.h"
#include "vstr.h"
#include "vstream.h"

#include "cleanup.h"

struct cleanup_config cleanup_config;

#define MAP_FLAGS (DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX)
#define CLIENT_FLAGS                                                           \
	(CLEANUP_FLAG_BOUNCE | CLEANUP_FLAG_FILTER | CLEANUP_FLAG_HOLD |       \
	 CLEANUP_FLAG_DISCARD | CLEANUP_FLAG_BCC_OK | CLEANUP_FLAG_MAP_OK |    \
	 CLEANUP_FLAG_MILTER | CLEANUP_FLAG_SMTP_REPLY)

/* open_maps - a table list, or NULL when the parameter is empty */
static struct maps *
open_maps(const char *title, const char *names)
{
	if (names == NULL || *names == 0)
		return NULL;
	return maps_create(title, names, MAP_FLAGS);
}

/* same_or_open - share a table list with an identical parameter value */
static struct maps *
same_or_open(const char *title, const char *names, const char *other_names,
             struct maps *other)
{
	if (names && other_names && strcmp(names, other_names) == 0)
		return other;
	return open_maps(title, names);
}

/* cleanup_pre_jail - open every table while files are reachable */
static void
cleanup_pre_jail(const char *service, char **argv)
{
	struct cleanup_config *c = &cleanup_config;

	(void) service;
	(void) argv;
	c->canonical = open_maps("canonical_maps", var_canonical_maps);
	c->send_canon =
	        open_maps("sender_canonical_maps", var_sender_canonical_maps);
	c->rcpt_canon = open_maps("recipient_canonical_maps",
	                          var_recipient_canonical_maps);
	c->virtual_alias =
	        open_maps("virtual_alias_maps", var_virtual_alias_maps);
	c->header_checks = open_maps("header_checks", var_header_checks);
	c->mime_checks =
	        same_or_open("mime_header_checks", var_mime_header_checks,
	                     var_header_checks, c->header_checks);
	c->nested_checks =
	        same_or_open("nested_header_checks", var_nested_header_checks,
	                     var_header_checks, c->header_checks);
	c->body_checks = open_maps("body_checks", var_body_checks);
	c->canon_classes =
	        cleanup_class_mask(var_canonical_classes, "canonical_classes");
	c->send_canon_classes = cleanup_class_mask(var_sender_canonical_classes,
	                                           "sender_canonical_classes");
	c->rcpt_canon_classes = cleanup_class_mask(
	        var_recipient_canonical_classes, "recipient_canonical_classes");
	c->masq_classes = cleanup_class_mask(var_masquerade_classes,
	                                     "masquerade_classes");
	if (var_masquerade_domains && *var_masquerade_domains)
		c->masq_domains =
		        argv_split(var_masquerade_domains, LIST_DELIMS);
	c->drop_headers = argv_split(var_message_drop_headers, LIST_DELIMS);
	c->send_bcc = open_maps("sender_bcc_maps", var_sender_bcc_maps);
	c->rcpt_bcc = open_maps("recipient_bcc_maps", var_recipient_bcc_maps);
	/* A file size limit gives EFBIG, not a signal. */
	signal(SIGXFSZ, SIG_IGN);
}

/* state_alloc - a fresh message state for one client */
static struct cleanup_state *
state_alloc(struct vstream *src)
{
	struct cleanup_state *state = xcalloc(1, sizeof(*state));

	state->src = src;
	state->queue_id = vstr_alloc(32);
	state->path = vstr_alloc(64);
	state->reason = vstr_alloc(100);
	state->attrs = attr_list_alloc();
	state->hdr_context = "local";
	state->dups = htable_create(16);
	state->hdr = vstr_alloc(200);
	state->boundaries = argv_alloc(2);
	state->temp1 = vstr_alloc(200);
	state->temp2 = vstr_alloc(200);
	state->temp3 = vstr_alloc(200);
	return state;
}

/* state_free - forget the message */
static void
state_free(struct cleanup_state *state)
{
	if (state->dst)
		vstream_close(state->dst);
	vstr_free(state->queue_id);
	vstr_free(state->path);
	vstr_free(state->reason);
	attr_list_free(state->attrs);
	htable_free(state->dups, NULL);
	vstr_free(state->hdr);
	argv_free(state->boundaries);
	vstr_free(state->temp1);
	vstr_free(state->temp2);
	vstr_free(state->temp3);
	xfree(state->sender);
	xfree(state->fullname);
	xfree(state->recip);
	xfree(state->orcpt);
	xfree(state->dsn_orcpt);
	xfree(state->dsn_notify);
	xfree(state->filter);
	xfree(state->redirect);
	xfree(state->part_boundary);
	xfree(state);
}

/* record_limit - the longest record a client may send */
static size_t
record_limit(void)
{
	return size_add((size_t) var_header_size_limit,
	                (size_t) var_line_length_limit);
}

/*
 * read_records - dispatch records until REC_TYPE_END. Returns 0, or -1
 * when the stream broke (end of file, timeout, malformed record): the
 * client then gets no answer.
 */
static int
read_records(struct cleanup_state *state)
{
	struct vstr *buf = vstr_alloc(1024);
	size_t limit = record_limit();
	int type, status = 0;

	while ((type = rec_get(state->src, buf, limit)) != REC_TYPE_END) {
		if (type < 0) {
			status = -1;
			break;
		}
		if (state->where == WHERE_ENVELOPE)
			cleanup_envelope(state, type, vstr_str(buf),
			                 vstr_len(buf));
		else if (state->where == WHERE_CONTENT && type == REC_TYPE_XTRA)
			cleanup_message_end(state);
		else if (state->where == WHERE_CONTENT)
			cleanup_message(state, type, vstr_str(buf),
			                vstr_len(buf));
		else
			cleanup_extracted(state, type, vstr_str(buf),
			                  vstr_len(buf));
	}
	vstr_free(buf);
	if (status == 0 && state->where != WHERE_EXTRACTED) {
		msg_warn("%s: record stream ended before the content did",
		         vstr_str(state->queue_id));
		state->errs |= CLEANUP_STAT_BAD;
	}
	return status;
}

/* remove_file - the message will not be delivered: drop the file */
static void
remove_file(struct cleanup_state *state)
{
	if (state->dst) {
		vstream_close(state->dst);
		state->dst = NULL;
	}
	if (mail_queue_remove(MAIL_QUEUE_INCOMING, vstr_str(state->queue_id)) <
	            0 &&
	    errno != ENOENT)
		msg_warn("%s: remove %s: %m", vstr_str(state->queue_id),
		         vstr_str(state->path));
}

/*
 * finish - complete or drop the queue file; the status for the client.
 * A discarded message is dropped and reported as accepted (with the
 * DISCARD bit), so that the client answers 250.
 */
static int
finish(struct cleanup_state *state)
{
	if (CLEANUP_OUT_OK(state) && state->recip == NULL)
		state->errs |= CLEANUP_STAT_RCPT;
	if ((state->errs & ~CLEANUP_STAT_DISCARD) == 0 &&
	    (state->flags & CLEANUP_FLAG_DISCARD)) {
		remove_file(state);
		return CLEANUP_STAT_DISCARD;
	}
	if (CLEANUP_OUT_OK(state) && cleanup_out_finish(state) == 0)
		return CLEANUP_STAT_OK;
	remove_file(state);
	return state->errs;
}

/* cleanup_service - one client, one message */
static void
cleanup_service(struct vstream *src, const char *service, char **argv)
{
	struct cleanup_state *state = state_alloc(src);
	struct attr_list *req = attr_list_alloc();
	int status;

	(void) service;
	(void) argv;
	state->dst =
	        mail_queue_enter(MAIL_QUEUE_INCOMING, MAIL_QUEUE_BUSY_MODE,
	                         state->queue_id, state->path, &state->arrival);
	if (state->dst == NULL) {
		msg_warn("create queue file in %s: %m", MAIL_QUEUE_INCOMING);
		goto out;
	}
	if (attr_print(src,
	               ATTR_STR(MAIL_ATTR_QUEUEID, vstr_str(state->queue_id)),
	               ATTR_END) != 0 ||
	    attr_list_read(src, req, (size_t) var_line_length_limit) < 0) {
		remove_file(state);
		goto out;
	}
	state->flags |= (int) attr_list_get_long(req, MAIL_ATTR_FLAGS, 0) &
	                CLIENT_FLAGS;
	cleanup_out_start(state);
	if (read_records(state) < 0) {
		remove_file(state);
		goto out;
	}
	status = finish(state);
	cleanup_reply_text(state->temp1, status, state->write_errno,
	                   vstr_str(state->reason));
	if (attr_print(src, ATTR_LONG(MAIL_ATTR_STATUS, status),
	               ATTR_STR(MAIL_ATTR_REASON, vstr_str(state->temp1)),
	               ATTR_END) == 0 &&
	    status == CLEANUP_STAT_OK &&
	    (state->flags & CLEANUP_FLAG_HOLD) == 0)
		(void) mail_trigger(MAIL_CLASS_PUBLIC, MAIL_SERVICE_QMGR, "I",
		                    1);
out:
	attr_list_free(req);
	state_free(state);
}

/* main - the daemon skeleton does the rest */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_SINGLE,
	        .service = cleanup_service,
	        .pre_jail = cleanup_pre_jail,
	};

	return mail_server_run(argc, argv, &spec);
}
