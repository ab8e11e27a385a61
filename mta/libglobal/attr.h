#ifndef ATTR_H
#define ATTR_H
/*
 * NAME
 *	attr - the attribute protocol, plain encoding
 * SUMMARY
 *	struct attr_list *attr_list_alloc(void);
 *	struct attr_list *attr_list_free(struct attr_list *l);
 *	void attr_list_reset(struct attr_list *l);
 *	void attr_list_add(struct attr_list *l, const char *name,
 *	    const char *value);
 *	void attr_list_addf(struct attr_list *l, const char *name,
 *	    const char *fmt, ...);
 *	const char *attr_list_get(const struct attr_list *l, const char *name);
 *	long attr_list_get_long(const struct attr_list *l, const char *name,
 *	    long dflt);
 *	size_t attr_list_count(const struct attr_list *l);
 *	const char *attr_list_name(const struct attr_list *l, size_t i);
 *	const char *attr_list_value(const struct attr_list *l, size_t i);
 *
 *	int attr_list_write(struct vstream *fp, const struct attr_list *l);
 *	int attr_list_read(struct vstream *fp, struct attr_list *l,
 *	    size_t limit);
 *	int attr_print(struct vstream *fp, ...);  with ATTR_STR(name, value),
 *	    ATTR_LONG(name, value), ATTR_END
 * DESCRIPTION
 *	A request or reply is an ordered list of name=value attributes. On
 *	the wire (Postfix's "plain" encoding, which policy servers also
 *	speak) each attribute is one line "name=value\n" and an empty line
 *	ends the list. Names may repeat (a delivery request lists one group
 *	of recipient attributes per recipient); attr_list_get() returns the
 *	first match, and callers walk the list by index for groups.
 *
 *	Values may not contain a newline: the writers replace CR and LF in a
 *	value by a space, so text from a remote peer cannot forge an
 *	attribute. A name may not contain '=' or a newline (panic).
 *
 *	attr_list_read() empties l and reads one list. Each line may be at
 *	most limit bytes; a longer line, a line without '=', an end of file
 *	or a timeout before the empty line fail the request: the result is
 *	-1 and the stream must be dropped. Otherwise it returns the number
 *	of attributes (0 for an empty list).
 *
 *	attr_list_write() and attr_print() write one list, terminator
 *	included, and flush. They return 0 or -1 on a write error.
 */
#include <stddef.h>

#include "vstream.h"

enum attr_type { ATTR_TYPE_END, ATTR_TYPE_STR, ATTR_TYPE_LONG };

#define ATTR_STR(n, v) ATTR_TYPE_STR, (const char *) (n), (const char *) (v)
#define ATTR_LONG(n, v) ATTR_TYPE_LONG, (const char *) (n), (long) (v)
#define ATTR_END ATTR_TYPE_END

struct attr_list;

extern struct attr_list *attr_list_alloc(void);
extern struct attr_list *attr_list_free(struct attr_list *);
extern void attr_list_reset(struct attr_list *);
extern void attr_list_add(struct attr_list *, const char *, const char *);
extern void attr_list_addf(struct attr_list *, const char *, const char *, ...)
        __attribute__((format(printf, 3, 4)));
extern const char *attr_list_get(const struct attr_list *, const char *);
extern long attr_list_get_long(const struct attr_list *, const char *, long);
extern size_t attr_list_count(const struct attr_list *);
extern const char *attr_list_name(const struct attr_list *, size_t);
extern const char *attr_list_value(const struct attr_list *, size_t);
extern int attr_list_write(struct vstream *, const struct attr_list *);
extern int attr_list_read(struct vstream *, struct attr_list *, size_t);
extern int attr_print(struct vstream *, ...);

#endif
