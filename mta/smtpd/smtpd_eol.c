/*
 * NAME
 *	smtpd_eol - line endings, dot-stuffing and the end of DATA
 * SUMMARY
 *	void smtpd_eol_init(struct smtpd_eol *e, int mode, bool dot,
 *	    bool after_crlf);
 *	int smtpd_eol_piece(struct smtpd_eol *e, struct vstr *piece);
 *	int smtpd_eol_mode_parse(const char *value);
 * DESCRIPTION
 *	Message content arrives as pieces read by vstream_get_line() with
 *	line_length_limit: each piece is a whole line with its newline, or
 *	the first part of a longer line (no newline). This state machine
 *	turns the pieces into content records and finds the end of DATA,
 *	and it is where SMTP smuggling is stopped: a second message must
 *	not be hidden in the first one behind an end-of-data sequence that
 *	this server does not see but another one does.
 *
 *	smtpd_eol_init() starts a message. mode is SMTPD_EOL_MODE_*
 *	(smtpd_forbid_bare_newline, after its exclusions); dot is true
 *	for DATA (dot-stuffing and the end dot) and false for BDAT;
 *	after_crlf tells whether the DATA command line itself ended with
 *	CRLF, as the first line of content counts as preceded by it.
 *
 *	smtpd_eol_piece() edits piece in place (line ending removed, a
 *	leading dot of a stuffed line removed) and returns:
 *	SMTPD_EOL_NORM, a complete line; SMTPD_EOL_CONT, part of a line
 *	that goes on (a CR at the end of such a piece is held back until
 *	the next piece shows whether an LF follows it); SMTPD_EOL_END, the
 *	end-of-data dot; SMTPD_EOL_BARE_LF, in reject mode a line ended
 *	with LF alone.
 *
 *	Modes: SMTPD_EOL_MODE_NORMALIZE (our default) takes a bare LF as
 *	the end of a line, but only <CR><LF>.<CR><LF> ends DATA: "." lines
 *	reached through <LF>.<LF>, <CR><LF>.<LF> or <LF>.<CR><LF> are
 *	content (the dot removed as any stuffed dot). SMTPD_EOL_MODE_REJECT
 *	reports any bare LF. SMTPD_EOL_MODE_NO is the legacy behaviour: any
 *	"." line ends DATA. A CR that is not followed by LF is data in
 *	every mode.
 *
 *	smtpd_eol_mode_parse() maps a smtpd_forbid_bare_newline value
 *	(no, normalize or its alias yes, reject; any case) to a mode, -1 if
 *	unknown.
 */
#include <string.h>
#include <strings.h>

#include "smtpd_int.h"

/* smtpd_eol_init - start a message */
void
smtpd_eol_init(struct smtpd_eol *e, int mode, bool dot, bool after_crlf)
{
	e->mode = mode;
	e->dot = dot;
	e->prev_crlf = after_crlf;
	e->line_start = true;
	e->pending_cr = false;
	e->saw_bare_lf = false;
}

/* unstuff - drop the leading dot of a line that starts with one */
static void
unstuff(struct smtpd_eol *e, struct vstr *piece)
{
	if (e->dot && e->line_start && vstr_len(piece) > 0 &&
	    vstr_str(piece)[0] == '.') {
		memmove(vstr_str(piece), vstr_str(piece) + 1, vstr_len(piece));
		vstr_truncate(piece, vstr_len(piece) - 1);
	}
}

/* is_end_dot - does this "." line end DATA in this mode? */
static bool
is_end_dot(const struct smtpd_eol *e, bool crlf)
{
	if (e->mode == SMTPD_EOL_MODE_NO)
		return true;
	return crlf && e->prev_crlf;
}

/* whole_line - a piece that ends with LF */
static int
whole_line(struct smtpd_eol *e, struct vstr *piece)
{
	size_t len = vstr_len(piece) - 1;
	const char *s = vstr_str(piece);
	bool crlf = len > 0 && s[len - 1] == '\r';

	vstr_truncate(piece, crlf ? len - 1 : len);
	if (!crlf)
		e->saw_bare_lf = true;
	if (e->dot && e->line_start && strcmp(vstr_str(piece), ".") == 0 &&
	    is_end_dot(e, crlf))
		return SMTPD_EOL_END;
	if (!crlf && e->mode == SMTPD_EOL_MODE_REJECT)
		return SMTPD_EOL_BARE_LF;
	unstuff(e, piece);
	e->prev_crlf = crlf;
	e->line_start = true;
	return SMTPD_EOL_NORM;
}

/* smtpd_eol_piece - classify one piece of content */
int
smtpd_eol_piece(struct smtpd_eol *e, struct vstr *piece)
{
	size_t len;

	if (e->pending_cr) {
		vstr_addch(piece, 0);
		memmove(vstr_str(piece) + 1, vstr_str(piece),
		        vstr_len(piece) - 1);
		vstr_str(piece)[0] = '\r';
		e->pending_cr = false;
	}
	len = vstr_len(piece);
	if (len > 0 && vstr_str(piece)[len - 1] == '\n')
		return whole_line(e, piece);
	if (len > 0 && vstr_str(piece)[len - 1] == '\r') {
		vstr_truncate(piece, len - 1);
		e->pending_cr = true;
	}
	unstuff(e, piece);
	e->line_start = false;
	return SMTPD_EOL_CONT;
}

/* smtpd_eol_mode_parse - smtpd_forbid_bare_newline value to mode */
int
smtpd_eol_mode_parse(const char *value)
{
	if (strcasecmp(value, "no") == 0)
		return SMTPD_EOL_MODE_NO;
	/* "yes" is Postfix's compatibility alias for normalize. */
	if (strcasecmp(value, "normalize") == 0 ||
	    strcasecmp(value, "yes") == 0)
		return SMTPD_EOL_MODE_NORMALIZE;
	if (strcasecmp(value, "reject") == 0)
		return SMTPD_EOL_MODE_REJECT;
	return -1;
}
