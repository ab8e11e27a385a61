#ifndef POSTQUEUE_H
#define POSTQUEUE_H
/*
 * NAME
 *	postqueue - private interfaces of postqueue(1)
 * SUMMARY
 *	void pq_show(struct vstream *showq, enum pq_format format);
 * DESCRIPTION
 *	pq_show() reads a listing from showq(8) (showq_proto.h) and writes
 *	it to standard output: PQ_FORMAT_MAILQ is the sendmail-style
 *	"mailq" report of postqueue -p, PQ_FORMAT_JSON one JSON object per
 *	message (postqueue -j). A malformed listing is fatal (exit
 *	EX_SOFTWARE); a reader that went away (EPIPE) ends the program
 *	quietly.
 */
#include "vstream.h"

enum pq_format { PQ_FORMAT_MAILQ, PQ_FORMAT_JSON };

extern void pq_show(struct vstream *, enum pq_format);

#endif
