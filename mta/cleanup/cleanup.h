#ifndef CLEANUP_H
#define CLEANUP_H
/*
 * NAME
 *	cleanup - the parts of the cleanup daemon and what they share
 * SUMMARY
 *	cleanup.c           main(), the per-connection loop, the reply
 *	cleanup_envelope.c  envelope and extracted records
 *	cleanup_message.c   headers and body: completion, MIME tracking
 *	cleanup_checks.c    header_checks, body_checks and their actions
 *	cleanup_addr.c      address rewriting, canonical maps, masquerading
 *	cleanup_virtual.c   virtual alias expansion
 *	cleanup_out.c       queue file output, recipients, the final steps
 *	cleanup_text.c      pure text helpers (headers, dates, MIME, DSN)
 * DESCRIPTION
 *	One struct cleanup_state describes the message being received. Each
 *	record from the client goes to cleanup_envelope(),
 *	cleanup_message() or cleanup_extracted(), depending on where the
 *	record stream is. Errors are bits in state->errs (CLEANUP_STAT_*);
 *	once a bit other than DISCARD is set, nothing more is written and
 *	the rest of the input is read and thrown away, so that the client
 *	still gets its reply.
 *
 *	The queue file states (doc/queue-states.md): the file is created
 *	in incoming/ with MAIL_QUEUE_BUSY_MODE ("incoming, in progress"),
 *	completed, fsync'd and given MAIL_QUEUE_READY_MODE ("incoming,
 *	ready"), or renamed into hold/ ("hold"), before the client hears
 *	status 0. Any failure removes it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

struct argv;
struct attr_list;
struct htable;
struct maps;
struct vstr;
struct vstream;

/* Where the record stream is. */
enum cleanup_where { WHERE_ENVELOPE, WHERE_CONTENT, WHERE_EXTRACTED };

/* What kind of lines the content parser expects. */
enum cleanup_part {
	PART_PRIMARY, /* the message headers */
	PART_MIME,    /* the headers of a multipart body part */
	PART_NESTED,  /* the headers of an attached message/rfc822 */
	PART_BODY     /* body text (of the message or of a part) */
};

/* Address classes (canonical_classes, masquerade_classes). */
#define CLASS_ENV_FROM (1 << 0)
#define CLASS_ENV_RCPT (1 << 1)
#define CLASS_HDR_FROM (1 << 2)
#define CLASS_HDR_RCPT (1 << 3)

/* Header classification (cleanup_text.c). */
enum hdr_type {
	HDR_OTHER,
	HDR_APPARENTLY_TO,
	HDR_BCC,
	HDR_CC,
	HDR_CONTENT_LENGTH,
	HDR_CONTENT_TRANSFER_ENCODING,
	HDR_CONTENT_TYPE,
	HDR_DATE,
	HDR_DELIVERED_TO,
	HDR_ERRORS_TO,
	HDR_FROM,
	HDR_MESSAGE_ID,
	HDR_MIME_VERSION,
	HDR_RECEIVED,
	HDR_REPLY_TO,
	HDR_RESENT_BCC,
	HDR_RESENT_CC,
	HDR_RESENT_DATE,
	HDR_RESENT_FROM,
	HDR_RESENT_MESSAGE_ID,
	HDR_RESENT_REPLY_TO,
	HDR_RESENT_SENDER,
	HDR_RESENT_TO,
	HDR_RETURN_PATH,
	HDR_RETURN_RECEIPT_TO,
	HDR_SENDER,
	HDR_TO,
	HDR_OTHER_MIME, /* Content-* not listed above */
	HDR_TYPE_COUNT
};

#define HDR_OPT_SENDER (1 << 0) /* holds sender addresses */
#define HDR_OPT_RECIP (1 << 1)  /* holds recipient addresses */
#define HDR_OPT_RR (1 << 2)     /* a Resent- header */
#define HDR_OPT_MIME (1 << 3)   /* a MIME header (mime_header_checks) */

struct hdr_opts {
	const char *name;
	enum hdr_type type;
	int flags;
};

/* Content-Type kinds (cleanup_text.c). */
enum ctype_kind { CTYPE_OTHER, CTYPE_MULTIPART, CTYPE_MESSAGE };

/* The tables and lists every message uses, opened once. */
struct cleanup_config {
	struct maps *canonical;
	struct maps *send_canon;
	struct maps *rcpt_canon;
	struct maps *virtual_alias;
	struct maps *header_checks;
	struct maps *mime_checks;
	struct maps *nested_checks;
	struct maps *body_checks;
	int canon_classes;
	int send_canon_classes;
	int rcpt_canon_classes;
	int masq_classes;
	struct argv *masq_domains;
	struct argv *drop_headers; /* message_drop_headers */
	struct maps *send_bcc;     /* sender_bcc_maps */
	struct maps *rcpt_bcc;     /* recipient_bcc_maps */
};

extern struct cleanup_config cleanup_config;

struct cleanup_state {
	struct vstream *src;    /* the client */
	struct vstream *dst;    /* the queue file */
	struct vstr *queue_id;  /* its name */
	struct vstr *path;      /* incoming/ID */
	struct timeval arrival; /* from mail_queue_enter() */
	int flags;              /* CLEANUP_FLAG_* */
	int errs;               /* CLEANUP_STAT_* */
	int write_errno;        /* errno of the first write error */
	struct vstr *reason;    /* "5.7.1 text" for CONT and DEFER */
	enum cleanup_where where;
	/* Envelope. */
	bool time_done;          /* TIME and CTIME written */
	char *sender;            /* rewritten; NULL until FROM */
	char *fullname;          /* REC_TYPE_FULL */
	char *recip;             /* first recipient, for logging */
	struct attr_list *attrs; /* REC_TYPE_ATTR name=value */
	const char *hdr_context; /* "local", "remote" or NULL: no rewrite */
	long smtputf8;
	char *orcpt;         /* pending REC_TYPE_ORCP */
	char *dsn_orcpt;     /* pending REC_TYPE_DSN_ORCPT */
	char *dsn_notify;    /* pending REC_TYPE_DSN_NOTIFY */
	size_t rcpt_count;   /* RCPT records written */
	struct htable *dups; /* duplicate recipient filter */
	char *filter;        /* FILTER from content checks */
	char *redirect;      /* REDIRECT from content checks */
	/* Queue file offsets. */
	off_t mesg_offset; /* the REC_TYPE_MESG record */
	off_t data_offset; /* the first content record */
	off_t xtra_offset; /* the REC_TYPE_XTRA record */
	/* Content. */
	enum cleanup_part part;
	struct vstr *hdr;           /* logical header being collected */
	bool hdr_pending;           /* hdr holds a header */
	bool hdr_trunc;             /* hdr reached header_size_limit */
	bool prev_cont;             /* the previous record was REC_TYPE_CONT */
	bool primary_done;          /* the primary headers are complete */
	unsigned long seen;         /* 1 << HDR_* of primary headers seen */
	bool resent;                /* a Resent- header was seen */
	int hop_count;              /* Received: headers */
	struct argv *boundaries;    /* open multipart boundaries */
	enum ctype_kind part_ctype; /* Content-Type of the current headers */
	char *part_boundary;        /* its boundary parameter */
	bool checks_off;            /* after REJECT or DISCARD */
	long content_size;          /* content bytes, newlines counted */
	long body_checked;          /* body bytes of this part checked */
	struct vstr *temp1;
	struct vstr *temp2;
	struct vstr *temp3;
};

/* True while the queue file is still worth writing. */
#define CLEANUP_OUT_OK(s)                                                      \
	(((s)->errs & ~CLEANUP_STAT_DISCARD) == 0 &&                           \
	 ((s)->flags & CLEANUP_FLAG_DISCARD) == 0)

/* cleanup_envelope.c */
extern void cleanup_add_recipient(struct cleanup_state *, const char *,
                                  const char *);
extern void cleanup_envelope(struct cleanup_state *, int, const char *, size_t);
extern void cleanup_extracted(struct cleanup_state *, int, const char *,
                              size_t);

/* cleanup_message.c */
extern void cleanup_message(struct cleanup_state *, int, const char *, size_t);
extern void cleanup_message_end(struct cleanup_state *);

/* cleanup_checks.c */
enum check_result { CHECK_KEEP, CHECK_DROP, CHECK_REPLACED };
extern enum check_result cleanup_check(struct cleanup_state *, struct maps *,
                                       const char *, const char *,
                                       struct vstr *);
extern void cleanup_act_log(struct cleanup_state *, const char *, const char *,
                            const char *, const char *);

/* cleanup_addr.c */
extern void cleanup_addr_sender(struct cleanup_state *, const char *,
                                struct vstr *);
extern void cleanup_addr_recipient(struct cleanup_state *, const char *,
                                   struct vstr *);
extern void cleanup_addr_header(struct cleanup_state *, int, const char *,
                                struct vstr *);
extern int cleanup_map11(struct cleanup_state *, struct maps *, struct vstr *);
extern void cleanup_addr_bcc(struct cleanup_state *, struct maps *,
                             const char *);

/* cleanup_virtual.c */
extern void cleanup_virtual(struct cleanup_state *, const char *,
                            struct argv *);

/* cleanup_out.c */
extern void cleanup_out(struct cleanup_state *, int, const char *, size_t);
extern void cleanup_out_string(struct cleanup_state *, int, const char *);
extern void cleanup_out_format(struct cleanup_state *, int, const char *, ...)
        __attribute__((format(printf, 3, 4)));
extern void cleanup_out_text(struct cleanup_state *, int, const char *, size_t);
extern void cleanup_out_header(struct cleanup_state *, const char *, size_t);
extern void cleanup_out_recipient(struct cleanup_state *, const char *,
                                  const char *);
extern void cleanup_out_start(struct cleanup_state *);
extern void cleanup_out_write_error(struct cleanup_state *);
extern int cleanup_out_finish(struct cleanup_state *);

/* cleanup_text.c (pure: no state, no I/O) */
extern const struct hdr_opts *cleanup_hdr_find(const char *, size_t);
extern size_t cleanup_hdr_name(const char *, size_t, size_t *);
extern void cleanup_date_fmt(struct vstr *, time_t);
extern void cleanup_msgid_fmt(struct vstr *, time_t, const char *, const char *,
                              bool);
extern void cleanup_phrase_fmt(struct vstr *, const char *);
extern enum ctype_kind cleanup_ctype_parse(const char *, struct vstr *);
extern bool cleanup_masq_apply(struct vstr *, const struct argv *,
                               const char *);
extern bool cleanup_name_listed(const struct argv *, const char *, size_t);
extern void cleanup_dsn_prepend(struct vstr *, const char *, const char *);
extern int cleanup_class_mask(const char *, const char *);
extern void cleanup_reply_text(struct vstr *, int, int, const char *);

#endif
