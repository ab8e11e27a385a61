#ifndef DSN_UTIL_H
#define DSN_UTIL_H
/*
 * NAME
 *	dsn_util - enhanced status codes and delay figures
 * SUMMARY
 *	bool dsn_status_ok(const char *status);
 *	size_t dsn_status_prefix(const char *text);
 *	const char *dsn_status_soft(struct vstr *buf, const char *status);
 *	void dsn_format_delay(struct vstr *buf, const struct timeval *tv,
 *	    int max_digits);
 *	struct timeval dsn_tv_sub(const struct timeval *a,
 *	    const struct timeval *b);
 * DESCRIPTION
 *	dsn_status_ok() accepts an RFC 3463 enhanced status code "X.Y.Z":
 *	class 2, 4 or 5, subject 1-3 digits, detail 1-3 digits.
 *
 *	dsn_status_prefix() returns the length of an enhanced status code at
 *	the start of text that is followed by white space or the end of the
 *	text, or 0 ("5.1.1 user unknown" gives 5).
 *
 *	dsn_status_soft() copies status into buf with a class 5 turned into
 *	class 4 (soft_bounce) and returns the result.
 *
 *	dsn_format_delay() appends a duration the way delay= and delays=
 *	show it in the log: two significant digits, at most max_digits
 *	after the decimal point, trailing zeros and a trailing point
 *	dropped, whole seconds from 10 seconds up ("0.01", "0", "1.2",
 *	"12", "345"). A negative duration prints as 0.
 *
 *	dsn_tv_sub() returns a - b.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#include "vstr.h"

extern bool dsn_status_ok(const char *) __attribute__((warn_unused_result));
extern size_t dsn_status_prefix(const char *);
extern const char *dsn_status_soft(struct vstr *, const char *);
extern void dsn_format_delay(struct vstr *, const struct timeval *, int);
extern struct timeval dsn_tv_sub(const struct timeval *,
                                 const struct timeval *);

#endif
