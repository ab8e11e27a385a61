#ifndef POSTCAT_H
#define POSTCAT_H
/*
 * NAME
 *	postcat - internal interfaces
 * SUMMARY
 *	void postcat_file(struct vstream *in, const char *name,
 *	    const struct postcat_opts *opts);
 *	int postcat_rec_get(struct vstream *in, const char *name,
 *	    struct vstr *buf);
 *	int postcat_rec_get_rest(struct vstream *in, const char *name,
 *	    int type, struct vstr *buf);
 * DESCRIPTION
 *	postcat_file() prints one queue file (postcat_print.c).
 *	postcat_rec_get() reads one record with the diagnostics of
 *	Postfix's postcat: it warns about truncated or malformed records
 *	and returns REC_TYPE_ERROR, REC_TYPE_EOF or the type. It never
 *	allocates more memory than the file really holds.
 *	postcat_rec_get_rest() does the same after the caller has read
 *	the type byte itself.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "vstr.h"
#include "vstream.h"

#define PC_FLAG_ENV (1 << 0)    /* -e */
#define PC_FLAG_HDR (1 << 1)    /* -h */
#define PC_FLAG_BODY (1 << 2)   /* -b */
#define PC_FLAG_OFFSET (1 << 3) /* -o */
#define PC_FLAG_DTYPE (1 << 4)  /* -d */
#define PC_FLAG_RAW (1 << 5)    /* -r: do not follow pointer records */
#define PC_FLAG_NAMES (1 << 6)  /* -v: content record type names */

struct postcat_opts {
	int flags;
	off_t start; /* -s */
	struct vstream *out;
};

extern void postcat_file(struct vstream *, const char *,
                         const struct postcat_opts *);
extern int postcat_rec_get(struct vstream *, const char *, struct vstr *);
extern int postcat_rec_get_rest(struct vstream *, const char *, int,
                                struct vstr *);

#endif
