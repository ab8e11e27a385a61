/*
 * conv - typed value parsers
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conv.h"

const char conv_time_units[] = "smhdw";

/* conv_bool - yes or no */
bool
conv_bool(const char *s, bool *result)
{
	if (strcasecmp(s, "yes") == 0) {
		*result = true;
		return true;
	}
	if (strcasecmp(s, "no") == 0) {
		*result = false;
		return true;
	}
	return false;
}

/* conv_long - signed decimal without overflow */
bool
conv_long(const char *s, long *result)
{
	char *end;
	long v;
	const char *cp = s;

	if (*cp == '-' || *cp == '+')
		cp++;
	if (!isdigit((unsigned char) *cp))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE || *end != 0)
		return false;
	*result = v;
	return true;
}

/* unit_seconds - seconds in one unit, 0 when unknown */
static long
unit_seconds(int unit)
{
	switch (unit) {
	case 's':
		return 1;
	case 'm':
		return 60;
	case 'h':
		return 3600;
	case 'd':
		return 86400;
	case 'w':
		return 7 * 86400;
	default:
		return 0;
	}
}

/* conv_time - number with an optional unit letter */
bool
conv_time(const char *s, int def_unit, long *seconds)
{
	const char *cp = s;
	long value = 0;
	long mul;
	int unit;

	if (!isdigit((unsigned char) *cp))
		return false;
	for (; isdigit((unsigned char) *cp); cp++) {
		if (__builtin_mul_overflow(value, 10L, &value) ||
		    __builtin_add_overflow(value, (long) (*cp - '0'), &value))
			return false;
	}
	if (*cp == 0)
		unit = def_unit;
	else if (cp[1] == 0)
		unit = *cp;
	else
		return false;
	if ((mul = unit_seconds(unit)) == 0)
		return false;
	if (__builtin_mul_overflow(value, mul, &value))
		return false;
	*seconds = value;
	return true;
}
