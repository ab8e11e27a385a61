/*
 * dsn_util - enhanced status codes and delay figures
 */
#include <ctype.h>
#include <string.h>

#include "dsn_util.h"

/* digits - length of a run of 1 to 3 digits at s, or 0 */
static size_t
digits(const char *s)
{
	size_t n = 0;

	while (n < 4 && isdigit((unsigned char) s[n]))
		n++;
	return n >= 1 && n <= 3 ? n : 0;
}

/* status_len - length of "X.Y.Z" at the start of s, or 0 */
static size_t
status_len(const char *s)
{
	size_t n, len;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	if (s[1] != '.' || (n = digits(s + 2)) == 0)
		return 0;
	len = 2 + n;
	if (s[len] != '.' || (n = digits(s + len + 1)) == 0)
		return 0;
	return len + 1 + n;
}

/* dsn_status_ok - the whole string is an enhanced status code */
bool
dsn_status_ok(const char *status)
{
	size_t len;

	if (status == NULL)
		return false;
	len = status_len(status);
	return len > 0 && status[len] == 0;
}

/* dsn_status_prefix - length of a status code that starts text, or 0 */
size_t
dsn_status_prefix(const char *text)
{
	size_t len = status_len(text);

	if (len == 0)
		return 0;
	if (text[len] != 0 && !isspace((unsigned char) text[len]))
		return 0;
	return len;
}

/* dsn_status_soft - class 5 becomes class 4 */
const char *
dsn_status_soft(struct vstr *buf, const char *status)
{
	vstr_cpy(buf, status);
	if (vstr_len(buf) > 0 && vstr_str(buf)[0] == '5')
		vstr_str(buf)[0] = '4';
	return vstr_str(buf);
}

/* dsn_tv_sub - a - b, normalized */
struct timeval
dsn_tv_sub(const struct timeval *a, const struct timeval *b)
{
	struct timeval d;

	d.tv_sec = a->tv_sec - b->tv_sec;
	d.tv_usec = a->tv_usec - b->tv_usec;
	if (d.tv_usec < 0) {
		d.tv_usec += 1000000;
		d.tv_sec -= 1;
	}
	return d;
}

/* dsn_format_delay - append a duration with two significant digits */
void
dsn_format_delay(struct vstr *buf, const struct timeval *tv, int max_digits)
{
	static const long long pow10[] = {1,     10,     100,    1000,
	                                  10000, 100000, 1000000};
	long long us, scale, rounded, whole, frac;
	int dec;

	if (tv->tv_sec < 0 || (tv->tv_sec == 0 && tv->tv_usec <= 0)) {
		vstr_cat(buf, "0");
		return;
	}
	us = (long long) tv->tv_sec * 1000000 + tv->tv_usec;
	if (max_digits < 0)
		max_digits = 0;
	if (max_digits > 6)
		max_digits = 6;
	if (tv->tv_sec >= 10) {
		dec = 0;
	} else if (tv->tv_sec >= 1) {
		dec = 1;
	} else {
		/* First significant decimal, then one more digit. */
		for (dec = 1; dec < 6 && us < pow10[6 - dec]; dec++)
			;
		dec += 1;
	}
	if (dec > max_digits)
		dec = max_digits;
	scale = pow10[6 - dec];
	rounded = (us + scale / 2) / scale;
	whole = rounded / pow10[dec];
	frac = rounded % pow10[dec];
	vstr_fmt_append(buf, "%lld", whole);
	if (frac == 0)
		return;
	while (frac % 10 == 0) {
		frac /= 10;
		dec--;
	}
	vstr_fmt_append(buf, ".%0*lld", dec, frac);
}
