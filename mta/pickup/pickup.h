#ifndef PICKUP_H
#define PICKUP_H
/*
 * NAME
 *	pickup - internal interfaces of pickup(8)
 * SUMMARY
 *	int pickup_copy(struct pickup_file *pf);
 * DESCRIPTION
 *	pickup_copy() sends a checked maildrop file (positioned at its
 *	start) to cleanup and returns the verdict: PICKUP_OK (cleanup has
 *	the message: remove the file), PICKUP_KEEP (try again at the next
 *	scan) or PICKUP_CORRUPT (move it to corrupt/). It logs
 *	"ID: uid=N from=<sender>".
 */
#include <sys/stat.h>

#include "vstream.h"

#define PICKUP_OK 0
#define PICKUP_KEEP 1
#define PICKUP_CORRUPT 2
#define PICKUP_GONE 3

struct pickup_file {
	const char *id;     /* maildrop file name */
	struct stat st;     /* of the open file */
	struct vstream *fp; /* the open file */
	char *sender;       /* first REC_TYPE_FROM */
};

extern int pickup_copy(struct pickup_file *);

#endif
