#ifndef MAILDROP_H
#define MAILDROP_H
/*
 * NAME
 *	maildrop - the record format of a maildrop file, checked
 * SUMMARY
 *	void maildrop_check_init(struct maildrop_check *c, bool input);
 *	int maildrop_check(struct maildrop_check *c, int type,
 *	    const char *data, size_t len, struct vstr *why);
 *	bool maildrop_check_done(const struct maildrop_check *c,
 *	    struct vstr *why);
 *	int maildrop_attr_type(const char *data, size_t len);
 * DESCRIPTION
 *	A maildrop file is what postdrop(1) writes and pickup(8) reads:
 *	untrusted input from any local user. Its records (rec.h), in order:
 *
 *	  envelope   REC_TYPE_TIME (written by postdrop, never by its
 *	             client), then in any order REC_TYPE_FULL (at most
 *	             one), REC_TYPE_FROM (exactly one), REC_TYPE_ATTR,
 *	             REC_TYPE_RCPT; REC_TYPE_MESG ends the envelope
 *	  content    REC_TYPE_NORM, REC_TYPE_CONT; REC_TYPE_XTRA ends it
 *	  extracted  REC_TYPE_RCPT, REC_TYPE_ATTR (as sendmail -t writes
 *	             recipients it took from the headers); REC_TYPE_END
 *	             ends the file; nothing may follow.
 *
 *	Attribute records ("name=value") may name only: rewrite_context
 *	(local or remote), encoding, smtputf8, trace_flags, envelope_id,
 *	ret_flags (before MESG) and notify_flags, dsn_orig_rcpt (which
 *	belong to the next recipient). Envelope and extracted records may
 *	not contain NUL bytes; content records may.
 *
 *	maildrop_check_init() starts a check; input is true for postdrop's
 *	standard input, where REC_TYPE_TIME is not allowed (postdrop
 *	writes it), false for a maildrop file, which must start with it.
 *	maildrop_check() takes the next record and returns MAILDROP_COPY,
 *	MAILDROP_SKIP (an attribute record with an unknown name, to be
 *	dropped with a warning naming why) or MAILDROP_BAD (why says what
 *	is wrong). maildrop_check_done() tells whether the records seen
 *	make a complete file (no record rejected, END seen, a sender, at least
 *one recipient).
 *
 *	maildrop_attr_type() maps a DSN attribute record to the record type
 *	cleanup(8) takes for it (REC_TYPE_DSN_ENVID, REC_TYPE_DSN_RET,
 *	REC_TYPE_DSN_NOTIFY, REC_TYPE_DSN_ORCPT), or returns 0.
 */
#include <stdbool.h>
#include <stddef.h>

#include "vstr.h"

#define MAILDROP_COPY 0
#define MAILDROP_SKIP 1
#define MAILDROP_BAD (-1)

enum maildrop_seg {
	MAILDROP_SEG_ENV,
	MAILDROP_SEG_CONTENT,
	MAILDROP_SEG_EXTRACT,
	MAILDROP_SEG_END
};

struct maildrop_check {
	enum maildrop_seg seg;
	bool input;       /* postdrop input: no TIME record */
	size_t nrec;      /* records seen */
	bool full_seen;   /* REC_TYPE_FULL */
	bool sender_seen; /* REC_TYPE_FROM */
	size_t rcpt_count;
	bool bad; /* a record was rejected */
};

extern void maildrop_check_init(struct maildrop_check *, bool);
extern int maildrop_check(struct maildrop_check *, int, const char *, size_t,
                          struct vstr *) __attribute__((warn_unused_result));
extern bool maildrop_check_done(const struct maildrop_check *, struct vstr *)
        __attribute__((warn_unused_result));
extern int maildrop_attr_type(const char *, size_t);

#endif
