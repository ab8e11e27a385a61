/*
 * systemd_unit - systemd unit names for Postfix instances
 *
 * libsystemd exports no unit name escaper, so this is a small one that
 * follows systemd-escape(1); tests/unit/systemd_unit_test.c compares it
 * with that command's output.
 */
#include <string.h>

#include "systemd_unit.h"
#include "vstr.h"

/* plain_char - kept as it is by systemd-escape */
static bool
plain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '.';
}

/* escape_bytes - N bytes of P; LEADING: P starts the escaped name */
static void
escape_bytes(struct vstr *out, const char *p, size_t n, bool leading)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char) p[i];

		if (c == '/')
			vstr_addch(out, '-');
		else if (plain_char(c) && !(c == '.' && leading && i == 0))
			vstr_addch(out, c);
		else
			vstr_fmt_append(out, "\\x%c%c", hex[c >> 4],
			                hex[c & 15]);
	}
}

/* path_escape - the components of IN, joined by "-" */
static void
path_escape(struct vstr *out, const char *in)
{
	bool first = true;
	const char *p = in;

	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (!first)
			vstr_addch(out, '-');
		escape_bytes(out, p, n, first);
		first = false;
		p += n;
	}
	if (first)
		vstr_addch(out, '-');
}

/* systemd_escape - see systemd_unit.h */
void
systemd_escape(struct vstr *out, const char *in, bool path)
{
	if (path)
		path_escape(out, in);
	else
		escape_bytes(out, in, strlen(in), true);
}

/* systemd_unit_for_config - see systemd_unit.h */
bool
systemd_unit_for_config(struct vstr *unit, const char *dir)
{
	struct vstr *esc = vstr_alloc(64);
	static const char main_esc[] = "etc-postfix";
	static const char inst_esc[] = "etc-postfix\\x2d";
	const char *e;
	bool ok = true;

	vstr_reset(unit);
	if (dir[0] != '/') {
		vstr_free(esc);
		return false;
	}
	systemd_escape(esc, dir, true);
	e = vstr_str(esc);
	if (strcmp(e, main_esc) == 0) {
		vstr_cpy(unit, "postfix.service");
	} else if (strncmp(e, inst_esc, sizeof(inst_esc) - 1) == 0 &&
	           e[sizeof(inst_esc) - 1] != 0 &&
	           strchr(e + sizeof(inst_esc) - 1, '-') == NULL) {
		/* No "-" left: the name is one directory, not NAME/SUB. */
		vstr_fmt(unit, "postfix@%s.service", e + sizeof(inst_esc) - 1);
	} else {
		ok = false;
	}
	vstr_free(esc);
	return ok;
}
