/*
 * NAME
 *	smtpd_chat - replies to and command lines from the SMTP client
 * SUMMARY
 *	void smtpd_chat_reply(struct smtpd_state *s, const char *fmt, ...);
 *	void smtpd_chat_reply_nocount(struct smtpd_state *s, const char *fmt,
 *	    ...);
 *	void smtpd_chat_multi(struct smtpd_state *s, const struct argv *l);
 *	int smtpd_chat_read(struct smtpd_state *s, struct vstr *buf,
 *	    size_t limit);
 *	int smtpd_chat_command(struct smtpd_state *s);
 *	bool smtpd_chat_pending(struct smtpd_state *s);
 *	void smtpd_chat_bare_lf(struct smtpd_state *s);
 *	void smtpd_chat_log_lost(struct smtpd_state *s);
 *	void smtpd_chat_timeout(struct smtpd_state *s);
 * DESCRIPTION
 *	smtpd_chat_reply() sends one reply line (CRLF added). A 4xx or 5xx
 *	reply other than 421 counts as a client error: past
 *	smtpd_soft_error_limit errors each one is delayed by
 *	smtpd_error_sleep_time. The reply is flushed unless more pipelined
 *	input is already waiting (RFC 2920 lets the server batch replies).
 *	smtpd_chat_reply_nocount() does not count the reply as an error
 *	(recipients within smtpd_recipient_overshoot_limit).
 *	smtpd_chat_multi() sends a multi-line reply: each element is a
 *	complete line starting with "CODE-" or, for the last, "CODE ".
 *
 *	smtpd_chat_read() reads one raw piece of input into buf (at most
 *	limit bytes; see vstream_get_line()) and returns its last byte, or
 *	VSTREAM_EOF after setting state->io_status to SMTPD_IO_TIMEOUT or
 *	SMTPD_IO_LOST.
 *
 *	smtpd_chat_command() reads a command line into state->buffer,
 *	without its line ending. An over-long line is read to its end and
 *	answered with 500 5.5.2; a line ending in a bare LF is answered per
 *	smtpd_forbid_bare_newline (reject mode: the reply, then the session
 *	ends). It returns 0 when a command is ready, -1 when the line was
 *	already answered (try the next one), or VSTREAM_EOF.
 *
 *	smtpd_chat_bare_lf() logs and answers a bare LF in reject mode
 *	(smtpd_forbid_bare_newline_reject_code) and ends the session.
 *
 *	smtpd_chat_pending() says whether the client has sent input that
 *	we have not read yet (improper pipelining detection).
 *
 *	smtpd_chat_log_lost() logs "lost connection after CMD from ..."
 *	or, on a timeout, "timeout after CMD ..." with the 421 reply
 *	(smtpd_chat_timeout()). After DATA or BDAT the content byte count
 *	is logged too, as Postfix does.
 */
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "mail_params.h"
#include "msg.h"
#include "mymalloc.h"
#include "smtpd_int.h"
#include "stringops.h"

static struct vstr *chat_buf;

/* chat_write - send one line, flush unless pipelined input waits */
static void
chat_write(struct smtpd_state *s, const char *line)
{
	if (s->io_status == SMTPD_IO_LOST || s->io_status == SMTPD_IO_TIMEOUT)
		return;
	if (msg_verbose)
		msg_info("> %s: %s", s->namaddr, line);
	vstream_puts(s->client, line);
	vstream_puts(s->client, "\r\n");
	if (vstream_peek(s->client) == 0 && vstream_fflush(s->client) != 0)
		s->io_status = vstream_ftimeout(s->client) ? SMTPD_IO_TIMEOUT
		                                           : SMTPD_IO_LOST;
}

/* chat_count_error - errors slow the client down */
static void
chat_count_error(struct smtpd_state *s, const char *line)
{
	if ((line[0] != '4' && line[0] != '5') || strncmp(line, "421", 3) == 0)
		return;
	s->error_count++;
	if (s->error_count > var_smtpd_soft_error_limit &&
	    var_smtpd_error_sleep_time > 0) {
		vstream_fflush(s->client);
		sleep((unsigned) var_smtpd_error_sleep_time);
	}
}

/* chat_vreply - format, count and send one reply line */
static void
chat_vreply(struct smtpd_state *s, bool count, const char *fmt, va_list ap)
{
	if (chat_buf == NULL)
		chat_buf = vstr_alloc(100);
	vstr_reset(chat_buf);
	vstr_vfmt_append(chat_buf, fmt, ap);
	/* A reply never carries a line break of its own. */
	for (char *cp = vstr_str(chat_buf); *cp; cp++)
		if (*cp == '\r' || *cp == '\n')
			*cp = ' ';
	if (count)
		chat_count_error(s, vstr_str(chat_buf));
	chat_write(s, vstr_str(chat_buf));
}

/* smtpd_chat_reply - send one reply line */
void
smtpd_chat_reply(struct smtpd_state *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	chat_vreply(s, true, fmt, ap);
	va_end(ap);
}

/* smtpd_chat_reply_nocount - a 4xx/5xx reply that is not a client error */
void
smtpd_chat_reply_nocount(struct smtpd_state *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	chat_vreply(s, false, fmt, ap);
	va_end(ap);
}

/* smtpd_chat_multi - send a multi-line reply */
void
smtpd_chat_multi(struct smtpd_state *s, const struct argv *lines)
{
	for (size_t i = 0; i < lines->argc; i++)
		chat_write(s, lines->argv[i]);
}

/* smtpd_chat_read - one piece of raw input */
int
smtpd_chat_read(struct smtpd_state *s, struct vstr *buf, size_t limit)
{
	int ch;

	if (s->io_status == SMTPD_IO_LOST || s->io_status == SMTPD_IO_TIMEOUT)
		return VSTREAM_EOF;
	vstream_fflush(s->client);
	ch = vstream_get_line(s->client, buf, limit);
	if (ch == VSTREAM_EOF)
		s->io_status = vstream_ftimeout(s->client) ? SMTPD_IO_TIMEOUT
		                                           : SMTPD_IO_LOST;
	return ch;
}

/* skip_rest - read and drop the rest of an over-long line */
static int
skip_rest(struct smtpd_state *s, struct vstr *tmp)
{
	int ch;

	do {
		ch = smtpd_chat_read(s, tmp, (size_t) var_line_length_limit);
	} while (ch != '\n' && ch != VSTREAM_EOF);
	return ch;
}

/* smtpd_chat_bare_lf - reject mode: answer a bare LF, end the session */
void
smtpd_chat_bare_lf(struct smtpd_state *s)
{
	msg_info("disconnect: bare <LF> received from %s after %s", s->namaddr,
	         s->where);
	smtpd_chat_reply(s, "%d 5.5.2 %s Error: bare <LF> received",
	                 var_smtpd_forbid_bare_newline_reject_code,
	                 var_myhostname);
	s->io_status = SMTPD_IO_CLOSE;
}

/* smtpd_chat_command - read one command line */
int
smtpd_chat_command(struct smtpd_state *s)
{
	struct vstr *buf = s->buffer;
	int ch = smtpd_chat_read(s, buf, (size_t) var_line_length_limit);
	size_t len = vstr_len(buf);

	if (ch == VSTREAM_EOF)
		return VSTREAM_EOF;
	if (ch != '\n') {
		struct vstr *tmp = vstr_alloc(100);

		ch = skip_rest(s, tmp);
		vstr_free(tmp);
		if (ch == VSTREAM_EOF)
			return VSTREAM_EOF;
		smtpd_chat_reply(s, "500 5.5.2 Error: line too long");
		return -1;
	}
	s->command_crlf = len >= 2 && vstr_str(buf)[len - 2] == '\r';
	vstr_truncate(buf, s->command_crlf ? len - 2 : len - 1);
	if (!s->command_crlf && s->bare_lf_mode == SMTPD_EOL_MODE_REJECT) {
		smtpd_chat_bare_lf(s);
		return -1;
	}
	if (msg_verbose) {
		char *copy = printable(xstrdup(vstr_str(buf)), '?');

		msg_info("< %s: %s", s->namaddr, copy);
		xfree(copy);
	}
	return 0;
}

/* smtpd_chat_pending - unread input from the client? */
bool
smtpd_chat_pending(struct smtpd_state *s)
{
	struct pollfd pfd = {.fd = vstream_fileno(s->client), .events = POLLIN};

	if (vstream_peek(s->client) > 0)
		return true;
	return poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}

/* log_what - "lost connection"/"timeout" with the command and bytes */
static void
log_what(struct smtpd_state *s, const char *what)
{
	if (strcmp(s->where, "DATA") == 0 || strcmp(s->where, "BDAT") == 0)
		msg_info("%s after %s (%ld bytes) from %s", what, s->where,
		         s->act_size, s->namaddr);
	else
		msg_info("%s after %s from %s", what, s->where, s->namaddr);
}

/* smtpd_chat_timeout - the client took longer than smtpd_timeout */
void
smtpd_chat_timeout(struct smtpd_state *s)
{
	log_what(s, "timeout");
	s->io_status = SMTPD_IO_CLOSE;
	/* Best effort: the client may still read. */
	vstream_clearerr(s->client);
	smtpd_chat_reply(s, "421 4.4.2 %s Error: timeout exceeded",
	                 var_myhostname);
	vstream_fflush(s->client);
}

/* smtpd_chat_log_lost - log how the session ended badly */
void
smtpd_chat_log_lost(struct smtpd_state *s)
{
	if (s->io_status == SMTPD_IO_TIMEOUT)
		smtpd_chat_timeout(s);
	else if (s->io_status == SMTPD_IO_LOST)
		log_what(s, "lost connection");
}
