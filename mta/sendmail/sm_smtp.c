/*
 * NAME
 *	sm_smtp - sendmail -bs: stand-alone SMTP on standard input/output
 * DESCRIPTION
 *	See sendmail.h. Postfix runs smtpd(8) for -bs; we run a small
 *	SMTP server loop here instead, as the invoking user, and submit
 *	each message through postdrop like sendmail -bm does (so pickup
 *	and cleanup see it as local mail from that user).
 *
 *	Commands: HELO, EHLO (PIPELINING, SIZE, ENHANCEDSTATUSCODES,
 *	8BITMIME), MAIL FROM:<addr> [SIZE=n] [BODY=7BIT|8BITMIME],
 *	RCPT TO:<addr>, DATA (dot-unstuffing, lines over line_length_limit
 *	kept as continuation records, message_size_limit enforced), RSET,
 *	NOOP, VRFY (252: no lookups), HELP, QUIT. No relay or access
 *	control applies: the user could run sendmail -bm just as well.
 *	End of input ends the session (an unfinished message is dropped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "mail_params.h"
#include "mymalloc.h"
#include "rec.h"
#include "sendmail.h"
#include "stringops.h"

#define CMD_LIMIT 4096

struct sm_session {
	const struct sm_opts *opts;
	struct vstream *in;
	struct vstream *out;
	struct vstr *sender; /* NULL: no MAIL yet */
	const char *encoding;
	struct argv *rcpts;
	bool quit;
};

/* reply - one reply line, CRLF, flushed */
static void
reply(struct sm_session *s, const char *text)
{
	vstream_printf(s->out, "%s\r\n", text);
	vstream_fflush(s->out);
}

/* reset - forget the transaction */
static void
reset(struct sm_session *s)
{
	if (s->sender != NULL)
		s->sender = vstr_free(s->sender);
	s->encoding = s->opts->encoding;
	argv_free(s->rcpts);
	s->rcpts = argv_alloc(4);
}

/* path_arg - "FROM:" / "TO:" then the path; params after it */
static int
path_arg(char *arg, const char *prefix, struct vstr *addr, char **params)
{
	struct vstr *why = vstr_alloc(50);
	char *end;
	int ret;

	if (strncasecmp(arg, prefix, strlen(prefix)) != 0)
		return -1;
	arg += strlen(prefix);
	while (*arg == ' ')
		arg++;
	end = *arg == '<' ? strchr(arg, '>') : arg + strcspn(arg, " ");
	if (end == NULL)
		return -1;
	if (*end == '>')
		end++;
	*params = *end ? end + 1 : end;
	*end = 0;
	ret = addr_parse_path(arg, addr, why);
	vstr_free(why);
	return ret;
}

/* do_helo - HELO and EHLO */
static void
do_helo(struct sm_session *s, char *arg, bool ehlo)
{
	struct vstr *r = vstr_alloc(200);

	if (*arg == 0) {
		reply(s, ehlo ? "501 Syntax: EHLO hostname"
		              : "501 Syntax: HELO hostname");
	} else if (!ehlo) {
		vstr_fmt(r, "250 %s", var_myhostname);
		reply(s, vstr_str(r));
	} else {
		vstr_fmt(r,
		         "250-%s\r\n250-PIPELINING\r\n250-SIZE %ld\r\n"
		         "250-ENHANCEDSTATUSCODES\r\n250 8BITMIME",
		         var_myhostname, var_message_size_limit);
		reply(s, vstr_str(r));
	}
	reset(s);
	vstr_free(r);
}

/* mail_params - SIZE= and BODY= of MAIL FROM; 0 or -1 */
static int
mail_params(struct sm_session *s, char *params)
{
	char *word;

	while ((word = mystrtok(&params, " ")) != NULL) {
		if (strncasecmp(word, "SIZE=", 5) == 0 && alldig(word + 5)) {
			if (var_message_size_limit > 0 &&
			    strtol(word + 5, NULL, 10) >
			            var_message_size_limit) {
				reply(s, "552 5.3.4 Message size exceeds fixed "
				         "limit");
				return -1;
			}
		} else if (strcasecmp(word, "BODY=8BITMIME") == 0) {
			s->encoding = "8bit";
		} else if (strcasecmp(word, "BODY=7BIT") == 0) {
			s->encoding = "7bit";
		} else {
			reply(s, "555 5.5.4 Unsupported option");
			return -1;
		}
	}
	return 0;
}

/* do_mail - MAIL FROM: */
static void
do_mail(struct sm_session *s, char *arg)
{
	struct vstr *addr = vstr_alloc(100);
	char *params;

	if (s->sender != NULL) {
		reply(s, "503 5.5.1 Error: nested MAIL command");
	} else if (path_arg(arg, "FROM:", addr, &params) < 0) {
		reply(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
	} else if (mail_params(s, params) == 0) {
		s->sender = addr;
		addr = NULL;
		reply(s, "250 2.1.0 Ok");
	}
	if (addr != NULL)
		vstr_free(addr);
}

/* do_rcpt - RCPT TO: */
static void
do_rcpt(struct sm_session *s, char *arg)
{
	struct vstr *addr = vstr_alloc(100);
	char *params;

	if (s->sender == NULL)
		reply(s, "503 5.5.1 Error: need MAIL command");
	else if (path_arg(arg, "TO:", addr, &params) < 0 || vstr_len(addr) == 0)
		reply(s, "501 5.5.4 Syntax: RCPT TO:<address>");
	else if (*params)
		reply(s, "555 5.5.4 Unsupported option");
	else {
		argv_add(s->rcpts, vstr_str(addr));
		reply(s, "250 2.1.5 Ok");
	}
	vstr_free(addr);
}

/* read_data - the message up to ".", unstuffed; false at end of input */
static bool
read_data(struct sm_session *s, struct sm_drop *d, bool *too_big)
{
	struct vstr *buf = vstr_alloc(1024);
	size_t limit = (size_t) var_line_length_limit, len;
	bool line_start = true, complete;
	const char *p;
	int ch;

	while ((ch = vstream_get_line(s->in, buf, limit)) != VSTREAM_EOF) {
		p = vstr_str(buf);
		len = vstr_len(buf);
		complete = ch == '\n';
		if (complete && --len > 0 && p[len - 1] == '\r')
			len--;
		if (line_start && *p == '.') {
			if (complete && len == 1)
				break;
			p++;
			len--;
		}
		if (var_message_size_limit > 0 &&
		    d->size + (long) len + 1 > var_message_size_limit)
			*too_big = true;
		if (!*too_big)
			sm_drop_line(d,
			             complete ? REC_TYPE_NORM : REC_TYPE_CONT,
			             p, len);
		line_start = complete;
	}
	vstr_free(buf);
	return ch != VSTREAM_EOF;
}

/* do_data - DATA: the message into the maildrop queue */
static void
do_data(struct sm_session *s, char *arg)
{
	struct sm_opts o = *s->opts;
	struct sm_drop d;
	struct vstr *r = vstr_alloc(100);
	bool too_big = false;

	(void) arg;
	if (s->sender == NULL || s->rcpts->argc == 0) {
		reply(s, s->sender ? "554 5.5.1 Error: no valid recipients"
		                   : "503 5.5.1 Error: need RCPT command");
		vstr_free(r);
		return;
	}
	o.sender = vstr_str(s->sender);
	o.encoding = s->encoding;
	sm_drop_open(&d, &o);
	sm_drop_envelope(&d, &o, s->rcpts);
	reply(s, "354 End data with <CR><LF>.<CR><LF>");
	if (!read_data(s, &d, &too_big) || too_big) {
		sm_drop_abort();
		s->quit = !too_big;
		if (too_big)
			reply(s, "552 5.3.4 Error: message file too big");
	} else {
		sm_drop_finish(&d, &o, NULL);
		if (sm_drop_close(&d, r) < 0)
			msg_warn("%s", vstr_str(r));
		vstr_fmt(r, "250 2.0.0 Ok: queued as %s", vstr_str(d.queue_id));
		reply(s, vstr_str(r));
	}
	vstr_free(d.queue_id);
	reset(s);
	vstr_free(r);
}

/* do_simple - RSET, NOOP, QUIT, VRFY, HELP */
static void
do_simple(struct sm_session *s, const char *verb, char *arg)
{
	struct vstr *r = vstr_alloc(100);

	if (strcasecmp(verb, "RSET") == 0) {
		reset(s);
		reply(s, "250 2.0.0 Ok");
	} else if (strcasecmp(verb, "NOOP") == 0) {
		reply(s, "250 2.0.0 Ok");
	} else if (strcasecmp(verb, "QUIT") == 0) {
		reply(s, "221 2.0.0 Bye");
		s->quit = true;
	} else if (strcasecmp(verb, "VRFY") == 0) {
		if (*arg == 0) {
			reply(s, "501 5.5.4 Syntax: VRFY address");
		} else {
			vstr_fmt(r, "252 2.0.0 %s", arg);
			reply(s, vstr_str(r));
		}
	} else {
		reply(s, "214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA RSET "
		         "NOOP VRFY HELP QUIT");
	}
	vstr_free(r);
}

/* dispatch - one command line */
static void
dispatch(struct sm_session *s, char *line)
{
	static const char *const simple[] = {"RSET", "NOOP", "QUIT", "VRFY",
	                                     "HELP"};
	char *arg = line + strcspn(line, " ");

	if (*arg)
		*arg++ = 0;
	arg = trim_space(arg);
	if (strcasecmp(line, "HELO") == 0 || strcasecmp(line, "EHLO") == 0)
		do_helo(s, arg, strcasecmp(line, "EHLO") == 0);
	else if (strcasecmp(line, "MAIL") == 0)
		do_mail(s, arg);
	else if (strcasecmp(line, "RCPT") == 0)
		do_rcpt(s, arg);
	else if (strcasecmp(line, "DATA") == 0)
		do_data(s, arg);
	else {
		for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]);
		     i++) {
			if (strcasecmp(line, simple[i]) == 0) {
				do_simple(s, simple[i], arg);
				return;
			}
		}
		reply(s, *line ? "502 5.5.2 Error: command not recognized"
		               : "500 5.5.2 Error: bad syntax");
	}
}

/* sm_smtp - sendmail -bs */
void
sm_smtp(const struct sm_opts *o)
{
	struct sm_session s = {.opts = o};
	struct vstr *line = vstr_alloc(256), *banner = vstr_alloc(100);
	int ch;

	s.in = vstream_fdopen(0, VSTREAM_FLAG_NONE);
	s.out = vstream_fdopen(1, VSTREAM_FLAG_NONE);
	s.rcpts = argv_alloc(4);
	reset(&s);
	vstr_fmt(banner, "220 %s", var_smtpd_banner);
	reply(&s, vstr_str(banner));
	while (!s.quit &&
	       (ch = vstream_get_line(s.in, line, CMD_LIMIT)) != VSTREAM_EOF) {
		char *p = vstr_str(line);

		if (ch != '\n') {
			while (ch != '\n' && ch != VSTREAM_EOF)
				ch = vstream_get_line(s.in, line, CMD_LIMIT);
			reply(&s, "500 5.5.0 Error: line too long");
			continue;
		}
		p[strcspn(p, "\r\n")] = 0;
		dispatch(&s, p);
	}
	reset(&s);
	argv_free(s.rcpts);
	vstream_close(s.out);
	vstream_free(s.in);
	vstr_free(line);
	vstr_free(banner);
}
