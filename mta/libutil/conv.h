#ifndef CONV_H
#define CONV_H
/*
 * NAME
 *	conv - parse typed configuration values
 * SUMMARY
 *	bool conv_bool(const char *s, bool *result);
 *	bool conv_long(const char *s, long *result);
 *	bool conv_time(const char *s, int def_unit, long *seconds);
 *	const char *conv_time_units;
 * DESCRIPTION
 *	Each returns true and stores the result when the text is valid.
 *
 *	conv_bool() accepts "yes" and "no" in any case. conv_long() accepts
 *	an optional sign and decimal digits, without overflow.
 *	conv_time() accepts a number followed by at most one unit letter:
 *	s (seconds), m (minutes), h (hours), d (days), w (weeks); a bare
 *	number is in def_unit. The result is in seconds, overflow-checked.
 */
#include <stdbool.h>

extern const char conv_time_units[];

extern bool conv_bool(const char *, bool *) __attribute__((warn_unused_result));
extern bool conv_long(const char *, long *) __attribute__((warn_unused_result));
extern bool conv_time(const char *, int, long *)
        __attribute__((warn_unused_result));

#endif
