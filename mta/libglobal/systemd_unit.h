#ifndef SYSTEMD_UNIT_H
#define SYSTEMD_UNIT_H
/*
 * NAME
 *	systemd_unit - systemd unit names for Postfix instances
 * SUMMARY
 *	void systemd_escape(struct vstr *out, const char *in, bool path);
 *	bool systemd_unit_for_config(struct vstr *unit, const char *dir)
 *		__attribute__((warn_unused_result));
 * DESCRIPTION
 *	systemd_escape() appends IN to OUT escaped as systemd-escape(1)
 *	does: with PATH, "systemd-escape -p" (duplicate, leading and
 *	trailing slashes and "." components dropped, "/" alone becomes
 *	"-"); without it, plain "systemd-escape". "/" becomes "-"; bytes
 *	other than ASCII letters, digits, ":", "_" and "." become "\xNN"
 *	(lower-case hex), and so does a leading ".".
 *
 *	systemd_unit_for_config() sets UNIT to the unit that runs the
 *	Postfix instance of configuration directory DIR: /etc/postfix is
 *	"postfix.service", /etc/postfix-NAME is "postfix@NAME.service"
 *	with NAME as "systemd-escape -p" leaves it in the escaped path
 *	(/etc/postfix-foo-bar gives "postfix@foo\x2dbar.service", whose
 *	%I is "foo-bar" again). It returns false, with UNIT empty, for
 *	any other directory, also /etc/postfix-a/b and relative names:
 *	such instances are not managed through the units.
 */
#include <stdbool.h>

struct vstr;

extern void systemd_escape(struct vstr *, const char *, bool);
extern bool systemd_unit_for_config(struct vstr *, const char *)
        __attribute__((warn_unused_result));

#endif
