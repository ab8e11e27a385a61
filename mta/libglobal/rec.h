#ifndef REC_H
#define REC_H
/*
 * NAME
 *	rec - queue file records
 * SUMMARY
 *	int rec_put(struct vstream *fp, int type, const void *data, size_t len);
 *	int rec_puts(struct vstream *fp, int type, const char *s);
 *	int rec_fprintf(struct vstream *fp, int type, const char *fmt, ...);
 *	int rec_get(struct vstream *fp, struct vstr *buf, size_t limit);
 *	int rec_put_type(int fd, int type, off_t offset);
 * DESCRIPTION
 *	A queue file, and the stream from smtpd or pickup to cleanup, is a
 *	sequence of records: one type byte, the data length as a base-128
 *	varint (7 bits per byte, least significant first, high bit set on
 *	every byte but the last), then the data. The layout of a queue file
 *	(which records, in which order) is in doc/queue-states.md.
 *
 *	rec_put() writes one record (buffered; the caller flushes and
 *	fsyncs). It returns the type, or REC_TYPE_ERROR on a write error.
 *	rec_get() reads one record into buf (emptied first) and returns its
 *	type; REC_TYPE_EOF at a clean end of file, REC_TYPE_ERROR on a read
 *	error, a truncated record, a bad type byte or a length over limit
 *	(0: no limit).
 *
 *	rec_put_type() overwrites the type byte of the record that starts at
 *	offset in a queue file (with pwrite), the way a delivered
 *	recipient is marked: REC_TYPE_RCPT becomes REC_TYPE_DONE. The
 *	caller fsyncs. It returns 0 or -1.
 *
 *	The size record (REC_TYPE_SIZE) has fixed-width fields so that it
 *	can be rewritten in place once the content size is known:
 *	REC_SIZE_FORMAT with, in order, the content size, the offset of the
 *	first content record (just after REC_TYPE_MESG), the recipient
 *	count, the qmgr options, the content length as received, and the
 *	SMTPUTF8 flags.
 */
#include <stddef.h>
#include <sys/types.h>

#include "vstr.h"
#include "vstream.h"

#define REC_TYPE_ERROR (-2)
#define REC_TYPE_EOF (-1)

/* Envelope, in the order cleanup writes them. */
#define REC_TYPE_SIZE 'C'       /* sizes and counts, REC_SIZE_FORMAT */
#define REC_TYPE_TIME 'T'       /* arrival time: "seconds microseconds" */
#define REC_TYPE_CTIME 'c'      /* create time: "seconds microseconds" */
#define REC_TYPE_FULL 'F'       /* sender full name */
#define REC_TYPE_FILT 'Q'       /* content filter "transport:nexthop" */
#define REC_TYPE_RDR '>'        /* REDIRECT destination */
#define REC_TYPE_FLGS 'f'       /* cleanup flags (decimal) */
#define REC_TYPE_ATTR 'A'       /* named attribute "name=value" */
#define REC_TYPE_FROM 'S'       /* envelope sender ("" for null) */
#define REC_TYPE_DSN_ENVID 'i'  /* DSN ENVID */
#define REC_TYPE_DSN_RET '<'    /* DSN RET: 1 = FULL, 2 = HDRS */
#define REC_TYPE_DSN_ORCPT 'o'  /* DSN ORCPT of the next recipient */
#define REC_TYPE_DSN_NOTIFY 'n' /* DSN NOTIFY bits of the next recipient */
#define REC_TYPE_ORCP 'O'       /* original recipient of the next one */
#define REC_TYPE_RCPT 'R'       /* recipient, to be delivered */
#define REC_TYPE_DONE 'D'       /* recipient done (was REC_TYPE_RCPT) */
#define REC_TYPE_WARN 'W'       /* time to send a delay warning */
#define REC_TYPE_MESG 'M'       /* start of content; data: extracted offset */
#define REC_TYPE_NORM 'N'       /* content line, newline stripped */
#define REC_TYPE_CONT 'U'       /* content piece of an over-long line */
#define REC_TYPE_XTRA 'X'       /* end of content, start of extracted */
#define REC_TYPE_END 'E'        /* end of the file */

/* qmgr options in the size record (REC_SIZE_FORMAT field 4). */
#define REC_QMGR_OPT_NONE 0

#define REC_SIZE_FORMAT "%15ld %15ld %15ld %15ld %15ld %15ld"
#define REC_SIZE_LEN (6 * 15 + 5)

extern int rec_put(struct vstream *, int, const void *, size_t);
extern int rec_puts(struct vstream *, int, const char *);
extern int rec_fprintf(struct vstream *, int, const char *, ...)
        __attribute__((format(printf, 3, 4)));
extern int rec_get(struct vstream *, struct vstr *, size_t);
extern int rec_put_type(int, int, off_t);

#endif
