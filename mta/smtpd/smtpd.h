#ifndef SMTPD_H
#define SMTPD_H
/*
 * NAME
 *	smtpd - the state of one SMTP session, shared by the protocol
 *	engine (smtpd.c, smtpd_proto.c) and the access checks
 *	(smtpd_check.c)
 * DESCRIPTION
 *	The protocol engine fills in the client, HELO, envelope and
 *	counters; smtpd_check.c reads them and records the side effects of
 *	access(5) actions that apply to the whole message (HOLD, DISCARD,
 *	FILTER, REDIRECT, PREPEND, WARN). Strings are NULL until known.
 *	Owner: the smtpd protocol helper; add fields, don't rename them.
 */
#include <stdbool.h>
#include <stddef.h>

#include "argv.h"
#include "vstr.h"
#include "vstream.h"

struct smtpd_state {
	struct vstream *client;
	/* Client. */
	char *name;         /* verified client name or "unknown" */
	char *reverse_name; /* PTR name, unverified, or "unknown" */
	char *addr;         /* printable address, IPv4 for mapped IPv6 */
	char *port;         /* client port */
	char *namaddr;      /* "name[addr]" for logging */
	int addr_family;    /* AF_INET, AF_INET6, or AF_UNSPEC (stdin) */
	char *service;      /* master.cf service name */
	/* Session. */
	char *helo_name;     /* HELO/EHLO argument, NULL before */
	char *protocol;      /* "SMTP" or "ESMTP" */
	char *queue_id;      /* NULL until the cleanup connection */
	char *sender;        /* MAIL FROM, internal form, NULL before MAIL */
	char *recipient;     /* recipient being checked (RCPT) */
	char *etrn_name;     /* ETRN argument */
	long msg_size;       /* SIZE= value, 0 if none */
	int rcpt_count;      /* accepted recipients of this transaction */
	int error_count;     /* for smtpd_soft/hard_error_limit */
	int junk_cmds;       /* NOOP/VRFY/ETRN/RSET counter */
	bool pipelining;     /* client sent input before our reply (improper) */
	bool ehlo_seen;      /* client used EHLO */
	char *sasl_username; /* authenticated user, NULL if none */
	char *sasl_method;
	/* Effects of access actions for the current message. */
	bool hold;                          /* HOLD */
	bool discard;                       /* DISCARD */
	char *filter;                       /* FILTER transport:destination */
	char *redirect;                     /* REDIRECT address */
	struct argv *prepend;               /* PREPEND header lines */
	char *hold_reason, *discard_reason; /* for cleanup's log line */
	/* Scratch for replies built by the checks. */
	struct vstr *reply;
	/* Deferred rejection state of smtpd_check.c (opaque to others). */
	void *check_ctx;
	/*
	 * Protocol engine only (smtpd.c, smtpd_*.c except smtpd_check*.c);
	 * the checks need not look at these.
	 */
	char *rfc_addr;          /* addr, "IPv6:addr" for IPv6 (Received:) */
	struct vstr *buffer;     /* the command line being processed */
	const char *where;       /* last command, for "lost connection after" */
	int io_status;           /* SMTPD_IO_* (smtpd_int.h) */
	int ehlo_discard_mask;   /* SMTPD_EHLO_* features not offered */
	int bare_lf_mode;        /* SMTPD_EOL_MODE_* for this client */
	bool command_crlf;       /* the last command line ended with CRLF */
	char *access_denied;     /* client rejected at connect time */
	char *rewrite_context;   /* "local" or "remote" for cleanup */
	int *cmd_ok, *cmd_total; /* per-verb counters for "disconnect" */
	/* Current transaction. */
	struct vstream *cleanup; /* NULL until the first valid RCPT */
	int cleanup_flags;       /* CLEANUP_FLAG_* sent to cleanup */
	int err;                 /* CLEANUP_STAT_* of the current message */
	long act_size;           /* content bytes received */
	long arrival_sec, arrival_usec;
	char *encoding;     /* BODY=: "7bit", "8bit" or NULL */
	char *dsn_envid;    /* ENVID=, decoded */
	int dsn_ret;        /* RET=: DSN_RET_FULL/HDRS, 0 if none */
	bool smtputf8;      /* MAIL ... SMTPUTF8 */
	char *rcpt_first;   /* first accepted recipient (Received:) */
	int rcpt_overshoot; /* RCPTs beyond smtpd_recipient_limit */
	int bdat_state;     /* SMTPD_BDAT_* */
	char *bdat_error;   /* reply for the rest of a failed BDAT */
};

#endif
