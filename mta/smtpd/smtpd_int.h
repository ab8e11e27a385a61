#ifndef SMTPD_INT_H
#define SMTPD_INT_H
/*
 * NAME
 *	smtpd_int - interfaces between the parts of the SMTP server
 * SUMMARY
 *	Chat (smtpd_chat.c):
 *	void smtpd_chat_reply(struct smtpd_state *s, const char *fmt, ...);
 *	void smtpd_chat_reply_nocount(struct smtpd_state *s, const char *fmt,
 *	    ...);
 *	void smtpd_chat_multi(struct smtpd_state *s, struct argv *lines);
 *	int smtpd_chat_read(struct smtpd_state *s, struct vstr *buf,
 *	    size_t limit);
 *	int smtpd_chat_command(struct smtpd_state *s);
 *	bool smtpd_chat_pending(struct smtpd_state *s);
 *	void smtpd_chat_log_lost(struct smtpd_state *s);
 *
 *	Verbs (smtpd_proto.c, smtpd_mail.c, smtpd_data.c):
 *	const struct smtpd_cmd *smtpd_cmd_find(const char *verb);
 *	extern const struct smtpd_cmd smtpd_cmd_table[];
 *	void smtpd_mail_reset(struct smtpd_state *s);
 *
 *	ESMTP syntax (smtpd_esmtp.c): path splitting, xtext, DSN values.
 *	Line endings (smtpd_eol.c): the DATA line/dot state machine.
 *	Received: header (smtpd_received.c).
 *	Cleanup client (smtpd_cleanup.c).
 *	Client name and address (smtpd_peer.c).
 * DESCRIPTION
 *	These are private to the smtpd program. The session state is
 *	struct smtpd_state (smtpd.h), shared with the access checks.
 *
 *	I/O errors do not jump: the chat functions record them in
 *	state->io_status and every caller returns when it is not
 *	SMTPD_IO_OK; the command loop then ends the session.
 */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "argv.h"
#include "smtpd.h"
#include "vstr.h"

/* state->io_status */
#define SMTPD_IO_OK 0
#define SMTPD_IO_LOST 1    /* client closed or write failed */
#define SMTPD_IO_TIMEOUT 2 /* smtpd_timeout expired */
#define SMTPD_IO_CLOSE 3   /* we end the session (QUIT, 421, bare LF) */

/* EHLO keywords that smtpd_discard_ehlo_keywords may remove. */
#define SMTPD_EHLO_PIPELINING (1 << 0)
#define SMTPD_EHLO_SIZE (1 << 1)
#define SMTPD_EHLO_VRFY (1 << 2)
#define SMTPD_EHLO_ETRN (1 << 3)
#define SMTPD_EHLO_ENHANCEDSTATUSCODES (1 << 4)
#define SMTPD_EHLO_8BITMIME (1 << 5)
#define SMTPD_EHLO_DSN (1 << 6)
#define SMTPD_EHLO_SMTPUTF8 (1 << 7)
#define SMTPD_EHLO_CHUNKING (1 << 8)
#define SMTPD_EHLO_SILENT (1 << 9) /* "silent-discard": do not log */

/* state->bdat_state */
#define SMTPD_BDAT_NONE 0
#define SMTPD_BDAT_ACTIVE 1 /* chunks accepted so far */
#define SMTPD_BDAT_FAILED 2 /* discard chunks until LAST */

/* Command table (flags). */
#define SMTPD_CMD_LIMIT (1 << 0)     /* counts towards junk_command_limit */
#define SMTPD_CMD_LAST (1 << 1)      /* must end a pipelined group */
#define SMTPD_CMD_NEED_HELO (1 << 2) /* smtpd_helo_required applies */
#define SMTPD_CMD_DENIABLE (1 << 3)  /* refused after a connect reject */

typedef int (*smtpd_cmd_fn)(struct smtpd_state *, char *);

struct smtpd_cmd {
	const char *name; /* verb, upper case; lower case in the log */
	int flags;
	smtpd_cmd_fn fn; /* 0: success, -1: the command failed */
};

extern const struct smtpd_cmd smtpd_cmd_table[];
extern const size_t smtpd_cmd_count; /* rows, plus one for "unknown" */
extern const struct smtpd_cmd *smtpd_cmd_find(const char *);

/* Verb handlers that live outside smtpd_proto.c. */
extern int smtpd_cmd_mail(struct smtpd_state *, char *);
extern int smtpd_cmd_rcpt(struct smtpd_state *, char *);
extern int smtpd_cmd_data(struct smtpd_state *, char *);
extern int smtpd_cmd_bdat(struct smtpd_state *, char *);
extern void smtpd_mail_reset(struct smtpd_state *);

/* Chat. */
extern void smtpd_chat_reply(struct smtpd_state *, const char *, ...)
        __attribute__((format(printf, 2, 3)));
extern void smtpd_chat_reply_nocount(struct smtpd_state *, const char *, ...)
        __attribute__((format(printf, 2, 3)));
extern void smtpd_chat_multi(struct smtpd_state *, const struct argv *);
extern int smtpd_chat_read(struct smtpd_state *, struct vstr *, size_t);
extern int smtpd_chat_command(struct smtpd_state *);
extern bool smtpd_chat_pending(struct smtpd_state *);
extern void smtpd_chat_bare_lf(struct smtpd_state *);
extern void smtpd_chat_log_lost(struct smtpd_state *);
extern void smtpd_chat_timeout(struct smtpd_state *);

/* ESMTP syntax. */
#define SMTPD_PATH_OK 0
#define SMTPD_PATH_SYNTAX (-1) /* "Syntax: MAIL FROM:<address>" */
#define SMTPD_PATH_BAD (-2)    /* "Bad sender address syntax" */
extern int smtpd_path_split(const char *, const char *, bool, struct vstr *,
                            struct argv *);
extern bool smtpd_xtext_decode(const char *, struct vstr *)
        __attribute__((warn_unused_result));
extern int smtpd_dsn_notify_mask(const char *);
extern int smtpd_dsn_ret_code(const char *);
extern bool smtpd_orcpt_parse(const char *, struct vstr *)
        __attribute__((warn_unused_result));
extern bool smtpd_size_parse(const char *, long *)
        __attribute__((warn_unused_result));

/* Line endings and end of DATA. */
#define SMTPD_EOL_MODE_NO 0        /* legacy: bare LF ends lines and DATA */
#define SMTPD_EOL_MODE_NORMALIZE 1 /* bare LF ends lines, not DATA */
#define SMTPD_EOL_MODE_REJECT 2    /* bare LF is an error */

#define SMTPD_EOL_NORM 'N'    /* a complete line (REC_TYPE_NORM) */
#define SMTPD_EOL_CONT 'U'    /* part of a long line (REC_TYPE_CONT) */
#define SMTPD_EOL_END 'E'     /* the end-of-data dot */
#define SMTPD_EOL_BARE_LF 'L' /* bare LF in reject mode */

struct smtpd_eol {
	int mode;
	bool dot;         /* DATA: dot-stuffing and end dot (not BDAT) */
	bool prev_crlf;   /* the previous line ended with CRLF */
	bool line_start;  /* the next piece starts a line */
	bool pending_cr;  /* the previous piece ended with a held-back CR */
	bool saw_bare_lf; /* some line ended with a bare LF */
};

extern void smtpd_eol_init(struct smtpd_eol *, int, bool, bool);
extern int smtpd_eol_piece(struct smtpd_eol *, struct vstr *);
extern int smtpd_eol_mode_parse(const char *);

/* Received: header and date. */
struct smtpd_received {
	const char *helo;      /* HELO name, NULL if none */
	const char *name;      /* verified client name */
	const char *rfc_addr;  /* client address, IPv6: prefixed */
	const char *myhost;    /* $myhostname */
	const char *mail_name; /* $mail_name */
	const char *protocol;  /* SMTP, ESMTP */
	const char *queue_id;
	const char *rcpt; /* the recipient when there is exactly one */
	time_t when;
};

extern void smtpd_received_lines(const struct smtpd_received *, struct argv *);
extern void smtpd_mail_date(struct vstr *, time_t);

/* Cleanup client. */
extern int smtpd_cleanup_open(struct smtpd_state *);
extern int smtpd_cleanup_rcpt(struct smtpd_state *, const char *, const char *,
                              int);
extern int smtpd_cleanup_begin(struct smtpd_state *);
extern int smtpd_cleanup_record(struct smtpd_state *, int, const char *,
                                size_t);
extern int smtpd_cleanup_finish(struct smtpd_state *, struct vstr *);
extern void smtpd_cleanup_abort(struct smtpd_state *);

/* Client name and address. */
extern void smtpd_peer_init(struct smtpd_state *);
extern void smtpd_peer_free(struct smtpd_state *);

/* Setup done once per process (smtpd.c). */
extern bool smtpd_forbid_unauth_pipelining(void);
extern int smtpd_ehlo_discard(struct smtpd_state *);

#endif
