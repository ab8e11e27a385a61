/*
 * NAME
 *	smtpd_data - DATA and BDAT: the message content
 * SUMMARY
 *	int smtpd_cmd_data(struct smtpd_state *s, char *arg);
 *	int smtpd_cmd_bdat(struct smtpd_state *s, char *arg);
 * DESCRIPTION
 *	Both commands end the envelope (smtpd_check_data(), then the
 *	PREPEND headers of access actions and our Received: header) and
 *	pass the content to cleanup as NORM/CONT records. Lines longer
 *	than line_length_limit become several records, never an error.
 *	Over message_size_limit the rest is read and dropped, and the
 *	answer is 552 5.3.4. At the end smtpd_check_eod() runs, cleanup
 *	gets END, and its verdict becomes the reply: 250 only when the
 *	queue file is safe on disk.
 *
 *	DATA content is dot-stuffed and ends with a line holding only a
 *	dot; which line endings count is the business of smtpd_eol.c
 *	(smtpd_forbid_bare_newline). Input that follows the dot is read
 *	only after our reply, as a new command: nothing the client sends
 *	after the end of data can join this message.
 *
 *	BDAT (RFC 3030) carries an exact byte count, so it has no dot
 *	and no smuggling risk: a bare LF is a line ending there. A BDAT
 *	chunk that is refused is still read, so that its bytes are not
 *	taken for commands; the rest of that message is refused too.
 *
 *	When the client goes away in the middle, the cleanup connection
 *	is closed without END (cleanup removes its file) and the command
 *	loop logs "lost connection after DATA (N bytes) from ...".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mymalloc.h"
#include "rec.h"
#include "smtpd_check.h"
#include "smtpd_int.h"
#include "stringops.h"

static struct smtpd_eol bdat_eol; /* line state across BDAT chunks */
static bool content_first;        /* next record starts the content */

/* data_begin - envelope end, PREPEND headers, Received: header */
static int
data_begin(struct smtpd_state *s)
{
	struct argv *lines = argv_alloc(4);
	struct smtpd_received r = {
	        .helo = s->helo_name,
	        .name = s->name,
	        .rfc_addr = s->rfc_addr,
	        .myhost = var_myhostname,
	        .mail_name = var_mail_name,
	        .protocol = s->protocol ? s->protocol : "SMTP",
	        .queue_id = s->queue_id,
	        .rcpt = s->rcpt_count == 1 ? s->rcpt_first : NULL,
	        .when = (time_t) s->arrival_sec,
	};
	int ret = 0;

	s->act_size = 0;
	s->err = 0;
	content_first = true;
	if (s->cleanup == NULL || smtpd_cleanup_begin(s) < 0) {
		argv_free(lines);
		return -1;
	}
	for (size_t i = 0; s->prepend && i < s->prepend->argc; i++)
		argv_add(lines, s->prepend->argv[i]);
	smtpd_received_lines(&r, lines);
	for (size_t i = 0; i < lines->argc && ret == 0; i++)
		ret = smtpd_cleanup_record(s, REC_TYPE_NORM, lines->argv[i],
		                           strlen(lines->argv[i]));
	argv_free(lines);
	return ret;
}

/* send_content - one content record, unless the message is doomed */
static void
send_content(struct smtpd_state *s, int type, const char *data, size_t len)
{
	if (s->err != 0)
		return;
	if (smtpd_cleanup_record(s, type, data, len) < 0)
		s->err |= CLEANUP_STAT_WRITE;
}

/* first_line - a mailbox "From " line, or a leading space (Postfix) */
static bool
first_line(struct smtpd_state *s, int type, struct vstr *buf)
{
	const char *str = vstr_str(buf);

	content_first = false;
	if (strncmp(str + strspn(str, ">"), "From ", 5) == 0) {
		struct vstr *line = vstr_alloc(vstr_len(buf) + 20);

		vstr_cpy(line, "X-Mailbox-Line: ");
		vstr_cat_mem(line, str, vstr_len(buf));
		send_content(s, type, vstr_str(line), vstr_len(line));
		vstr_free(line);
		return true;
	}
	/* Not a continuation of our Received: header. */
	if (str[0] == ' ' || str[0] == '\t')
		send_content(s, REC_TYPE_NORM, "", 0);
	return false;
}

/* content_piece - account for and pass on one piece of content */
static void
content_piece(struct smtpd_state *s, int type, struct vstr *buf, size_t raw)
{
	s->act_size += (long) raw;
	if (var_message_size_limit > 0 && s->act_size > var_message_size_limit)
		s->err |= CLEANUP_STAT_SIZE;
	if (type == SMTPD_EOL_CONT && vstr_len(buf) == 0)
		return;
	if (content_first && first_line(s, type, buf))
		return;
	send_content(s, type == SMTPD_EOL_NORM ? REC_TYPE_NORM : REC_TYPE_CONT,
	             vstr_str(buf), vstr_len(buf));
}

/* data_receive - read DATA content up to the end dot */
static int
data_receive(struct smtpd_state *s)
{
	struct smtpd_eol eol;
	struct vstr *buf = vstr_alloc(var_line_length_limit + 2);
	int type = 0;

	smtpd_eol_init(&eol, s->bare_lf_mode, true, s->command_crlf);
	while (type != SMTPD_EOL_END && type != SMTPD_EOL_BARE_LF) {
		if (smtpd_chat_read(s, buf, (size_t) var_line_length_limit) ==
		    VSTREAM_EOF) {
			type = VSTREAM_EOF;
			break;
		}
		type = smtpd_eol_piece(&eol, buf);
		if (type == SMTPD_EOL_NORM || type == SMTPD_EOL_CONT)
			content_piece(s, type, buf,
			              vstr_len(buf) +
			                      (type == SMTPD_EOL_NORM ? 2 : 0));
	}
	vstr_free(buf);
	return type;
}

/* cleanup_reply - the reply for a cleanup verdict */
static void
cleanup_reply(struct smtpd_state *s, int status, const char *why)
{
	if (status == CLEANUP_STAT_OK || status == CLEANUP_STAT_DISCARD)
		smtpd_chat_reply(s, "250 2.0.0 Ok: queued as %s", s->queue_id);
	else if ((why[0] == '4' || why[0] == '5') && strlen(why) > 4)
		smtpd_chat_reply(s, "%s", why);
	else if (status & CLEANUP_STAT_DEFER)
		smtpd_chat_reply(s, "451 4.7.1 Service unavailable - try again "
		                    "later");
	else if (status & CLEANUP_STAT_SIZE)
		smtpd_chat_reply(s,
		                 "552 5.3.4 Message size exceeds fixed limit");
	else if (status & CLEANUP_STAT_HOPS)
		smtpd_chat_reply(s, "554 5.4.0 Error: too many hops");
	else if (status & CLEANUP_STAT_CONT)
		smtpd_chat_reply(s, "550 5.7.1 Message content rejected");
	else if (status & CLEANUP_STAT_WRITE)
		smtpd_chat_reply(s, "451 4.3.0 Error: queue file write error");
	else
		smtpd_chat_reply(s, "451 4.3.0 Error: internal error %d",
		                 status);
}

/* data_end - end-of-data checks, END, and the final reply */
static int
data_end(struct smtpd_state *s)
{
	struct vstr *why;
	const char *reply;
	int status;

	s->where = "END-OF-MESSAGE";
	if (s->err & CLEANUP_STAT_SIZE) {
		smtpd_chat_reply(s,
		                 "552 5.3.4 Message size exceeds fixed limit");
		smtpd_mail_reset(s);
		return -1;
	}
	if (s->err != 0) {
		smtpd_chat_reply(s, "451 4.3.0 Error: queue file write error");
		smtpd_mail_reset(s);
		return -1;
	}
	if ((reply = smtpd_check_eod(s)) != NULL) {
		smtpd_chat_reply(s, "%s", reply);
		smtpd_mail_reset(s);
		return -1;
	}
	why = vstr_alloc(100);
	status = smtpd_cleanup_finish(s, why);
	cleanup_reply(s, status < 0 ? CLEANUP_STAT_WRITE : status,
	              vstr_str(why));
	vstr_free(why);
	if (status == CLEANUP_STAT_OK || status == CLEANUP_STAT_DISCARD)
		s->error_count = 0;
	smtpd_mail_reset(s);
	return status == CLEANUP_STAT_OK || status == CLEANUP_STAT_DISCARD ? 0
	                                                                   : -1;
}

/* data_precheck - may a message start now? */
static int
data_precheck(struct smtpd_state *s)
{
	const char *reply;

	if (s->sender == NULL) {
		smtpd_chat_reply(s, "503 5.5.1 Error: need RCPT command");
		return -1;
	}
	if (s->rcpt_count == 0) {
		smtpd_chat_reply(s, "554 5.5.1 Error: no valid recipients");
		return -1;
	}
	if ((reply = smtpd_check_data(s)) != NULL) {
		smtpd_chat_reply(s, "%s", reply);
		return -1;
	}
	if (data_begin(s) < 0) {
		smtpd_chat_reply(s, "451 4.3.0 Error: queue file write error");
		smtpd_mail_reset(s);
		return -1;
	}
	return 0;
}

/* smtpd_cmd_data - DATA */
int
smtpd_cmd_data(struct smtpd_state *s, char *arg)
{
	int type;

	if (*trim_space(arg) != 0) {
		smtpd_chat_reply(s, "501 5.5.4 Syntax: DATA");
		return -1;
	}
	if (s->bdat_state != SMTPD_BDAT_NONE) {
		smtpd_chat_reply(s, "503 5.5.1 Error: DATA after BDAT");
		return -1;
	}
	if (data_precheck(s) < 0)
		return -1;
	smtpd_chat_reply(s, "354 End data with <CR><LF>.<CR><LF>");
	type = data_receive(s);
	if (type == SMTPD_EOL_END)
		return data_end(s);
	smtpd_cleanup_abort(s);
	if (type == SMTPD_EOL_BARE_LF)
		smtpd_chat_bare_lf(s);
	return -1;
}

/* bdat_parse - "count [LAST]" */
static int
bdat_parse(const char *arg, long *count, bool *last)
{
	struct argv *words = argv_split(arg, " \t");
	int ret = -1;

	if (words->argc >= 1 && words->argc <= 2 &&
	    smtpd_size_parse(words->argv[0], count) &&
	    (words->argc == 1 || strcasecmp(words->argv[1], "LAST") == 0)) {
		*last = words->argc == 2;
		ret = 0;
	}
	argv_free(words);
	return ret;
}

/* bdat_skip - read and drop a refused chunk */
static int
bdat_skip(struct smtpd_state *s, long count)
{
	struct vstr *buf = vstr_alloc(4096);

	vstr_reserve(buf, 4096);
	while (count > 0) {
		size_t n = count > 4096 ? 4096 : (size_t) count;

		vstream_fflush(s->client);
		if (vstream_read(s->client, vstr_str(buf), n) != n) {
			s->io_status = vstream_ftimeout(s->client)
			                       ? SMTPD_IO_TIMEOUT
			                       : SMTPD_IO_LOST;
			break;
		}
		count -= (long) n;
		s->act_size += (long) n;
	}
	vstr_free(buf);
	return count > 0 ? -1 : 0;
}

/* bdat_chunk - read one accepted chunk into records */
static int
bdat_chunk(struct smtpd_state *s, long count)
{
	struct vstr *buf = vstr_alloc(var_line_length_limit + 2);

	while (count > 0) {
		size_t limit = count < var_line_length_limit
		                       ? (size_t) count
		                       : (size_t) var_line_length_limit;

		if (smtpd_chat_read(s, buf, limit) == VSTREAM_EOF)
			break;
		size_t raw = vstr_len(buf);

		count -= (long) raw;
		content_piece(s, smtpd_eol_piece(&bdat_eol, buf), buf, raw);
	}
	vstr_free(buf);
	return count > 0 ? -1 : 0;
}

/* bdat_refuse - refuse this chunk and the rest of the message */
static int
bdat_refuse(struct smtpd_state *s, long count, bool last, const char *reply)
{
	if (s->bdat_error == NULL)
		s->bdat_error = xstrdup(reply);
	s->bdat_state = SMTPD_BDAT_FAILED;
	if (bdat_skip(s, count) < 0)
		return -1;
	smtpd_chat_reply(s, "%s", s->bdat_error);
	if (last)
		smtpd_mail_reset(s);
	return -1;
}

/* bdat_start - the first chunk of a message */
static const char *
bdat_start(struct smtpd_state *s)
{
	const char *reply;

	if (s->ehlo_discard_mask & SMTPD_EHLO_CHUNKING)
		return "502 5.5.1 Error: command not implemented";
	if (s->sender == NULL)
		return "503 5.5.1 Error: need RCPT command";
	if (s->rcpt_count == 0)
		return "554 5.5.1 Error: no valid recipients";
	if ((reply = smtpd_check_data(s)) != NULL)
		return reply;
	if (data_begin(s) < 0)
		return "451 4.3.0 Error: queue file write error";
	smtpd_eol_init(&bdat_eol, SMTPD_EOL_MODE_NO, false, true);
	s->bdat_state = SMTPD_BDAT_ACTIVE;
	return NULL;
}

/* bdat_last - terminate an unfinished last line, then finish */
static int
bdat_last(struct smtpd_state *s)
{
	struct vstr *buf = vstr_alloc(10);

	if (bdat_eol.pending_cr)
		vstr_cpy(buf, "\r");
	if (!bdat_eol.line_start || vstr_len(buf) > 0)
		send_content(s, REC_TYPE_NORM, vstr_str(buf), vstr_len(buf));
	vstr_free(buf);
	return data_end(s);
}

/* smtpd_cmd_bdat - BDAT count [LAST] */
int
smtpd_cmd_bdat(struct smtpd_state *s, char *arg)
{
	long count;
	bool last;
	const char *reply;

	if (bdat_parse(arg, &count, &last) < 0) {
		/* The chunk size is unknown: its bytes would be commands. */
		smtpd_chat_reply(s, "501 5.5.4 Syntax: BDAT count [LAST]");
		s->io_status = SMTPD_IO_CLOSE;
		return -1;
	}
	if (s->bdat_state == SMTPD_BDAT_FAILED)
		return bdat_refuse(s, count, last, s->bdat_error);
	if (s->bdat_state == SMTPD_BDAT_NONE && (reply = bdat_start(s)) != NULL)
		return bdat_refuse(s, count, last, reply);
	if (bdat_chunk(s, count) < 0) {
		smtpd_cleanup_abort(s);
		return -1;
	}
	if (last)
		return bdat_last(s);
	smtpd_chat_reply(s, "250 2.0.0 Ok: %ld bytes", count);
	return 0;
}
