/*
 * mkmap_utf8 - UTF-8 checks and case folding of table keys
 *
 * With smtputf8_enable, Postfix requires table keys and values to be
 * valid UTF-8 and folds keys with Unicode case folding (ICU). We use the
 * C library's towlower() in the C.UTF-8 locale, plus the full folding
 * of the characters where simple lower-casing differs and that occur in
 * addresses (sharp s, final sigma). XXX other full foldings (ligatures,
 * dotted capital I) are not done; the lookup side (the dict layer)
 * folds only ASCII so far.
 */
#include <locale.h>
#include <string.h>
#include <wctype.h>

#include "mkmap.h"
#include "stringops.h"
#include "vstr.h"

/* seq_len - length of the UTF-8 sequence that starts with c, 0 if bad */
static size_t
seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* decode - one code point of a valid sequence of n bytes */
static unsigned long
decode(const unsigned char *p, size_t n)
{
	static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	unsigned long cp = p[0] & lead_mask[n];

	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (p[i] & 0x3f);
	return cp;
}

/* mkmap_utf8_valid - well-formed UTF-8 per RFC 3629 */
bool
mkmap_utf8_valid(const char *s, size_t len)
{
	static const unsigned long min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;

	while (p < end) {
		size_t n = seq_len(*p);
		unsigned long cp;

		if (n == 0 || (size_t) (end - p) < n)
			return false;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		cp = decode(p, n);
		if (cp < min_cp[n] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n;
	}
	return true;
}

/* encode - append one code point as UTF-8 */
static void
encode(struct vstr *out, unsigned long cp)
{
	if (cp < 0x80) {
		vstr_addch(out, (int) cp);
	} else if (cp < 0x800) {
		vstr_addch(out, (int) (0xc0 | (cp >> 6)));
		vstr_addch(out, (int) (0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		vstr_addch(out, (int) (0xe0 | (cp >> 12)));
		vstr_addch(out, (int) (0x80 | ((cp >> 6) & 0x3f)));
		vstr_addch(out, (int) (0x80 | (cp & 0x3f)));
	} else {
		vstr_addch(out, (int) (0xf0 | (cp >> 18)));
		vstr_addch(out, (int) (0x80 | ((cp >> 12) & 0x3f)));
		vstr_addch(out, (int) (0x80 | ((cp >> 6) & 0x3f)));
		vstr_addch(out, (int) (0x80 | (cp & 0x3f)));
	}
}

/* utf8_locale - the C.UTF-8 locale for towlower_l, or 0 */
static locale_t
utf8_locale(void)
{
	static locale_t loc;
	static bool tried;

	if (!tried) {
		tried = true;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
	}
	return loc;
}

/* fold_one - append the case folding of one code point */
static void
fold_one(struct vstr *out, unsigned long cp)
{
	locale_t loc = utf8_locale();

	switch (cp) {
	case 0xdf:   /* LATIN SMALL LETTER SHARP S */
	case 0x1e9e: /* LATIN CAPITAL LETTER SHARP S */
		vstr_cat(out, "ss");
		return;
	case 0x3c2: /* GREEK SMALL LETTER FINAL SIGMA */
		encode(out, 0x3c3);
		return;
	}
	if (loc != (locale_t) 0)
		cp = (unsigned long) towlower_l((wint_t) cp, loc);
	encode(out, cp);
}

/* mkmap_utf8_fold - case-fold valid UTF-8 text */
const char *
mkmap_utf8_fold(struct vstr *out, const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	vstr_reset(out);
	while (*p) {
		size_t n = seq_len(*p);

		/* Defensive: invalid input is copied byte by byte. */
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 1;
		if (n <= 1) {
			vstr_addch(out, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			p++;
			continue;
		}
		fold_one(out, decode(p, n));
		p += n;
	}
	return vstr_str(out);
}
