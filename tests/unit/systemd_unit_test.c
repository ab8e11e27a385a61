/*
 * systemd_unit_test - unit tests for the systemd unit name helpers
 *
 * The expected escapes were produced by systemd-escape(1) of systemd 252.
 */
#include "systemd_unit.h"
#include "testutil.h"

static const struct esc_case {
	const char *name;
	const char *in;
	bool path;
	const char *want;
} esc_cases[] = {
        {"plain name", "foo", false, "foo"},
        {"dash", "foo-bar", false, "foo\\x2dbar"},
        {"slash", "a/b", false, "a-b"},
        {"leading dot", ".x", false, "\\x2ex"},
        {"inner dot, colon, underscore", "a_b:c.d", false, "a_b:c.d"},
        {"space", "a b", false, "a\\x20b"},
        {"utf-8 bytes", "\xc3\xbc", false, "\\xc3\\xbc"},
        {"backslash", "a\\b", false, "a\\x5cb"},
        {"p: main", "/etc/postfix", true, "etc-postfix"},
        {"p: instance", "/etc/postfix-foo", true, "etc-postfix\\x2dfoo"},
        {"p: two dashes", "/etc/postfix-foo-bar", true,
         "etc-postfix\\x2dfoo\\x2dbar"},
        {"p: extra slashes", "//etc//postfix/", true, "etc-postfix"},
        {"p: dot component", "/etc/./postfix", true, "etc-postfix"},
        {"p: root", "/", true, "-"},
        {"p: dot inside name", "/etc/postfix-.x", true, "etc-postfix\\x2d.x"},
        {"p: leading dot", "/.x/y", true, "\\x2ex-y"},
        {"p: space", "/etc/postfix-a.b:c_d e", true,
         "etc-postfix\\x2da.b:c_d\\x20e"},
};

/* test_escape - systemd_escape against systemd-escape's output */
static void
test_escape(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(esc_cases); i++) {
		struct vstr *out = vstr_alloc(10);

		systemd_escape(out, esc_cases[i].in, esc_cases[i].path);
		CHECK_STR(esc_cases[i].name, vstr_str(out), esc_cases[i].want);
		vstr_free(out);
	}
}

static const struct unit_case {
	const char *name;
	const char *dir;
	const char *want; /* NULL: no unit, start the classic way */
} unit_cases[] = {
        {"main instance", "/etc/postfix", "postfix.service"},
        {"main, trailing slash", "/etc/postfix/", "postfix.service"},
        {"instance", "/etc/postfix-out", "postfix@out.service"},
        {"instance with dash", "/etc/postfix-foo-bar",
         "postfix@foo\\x2dbar.service"},
        {"instance with space", "/etc/postfix-a b", "postfix@a\\x20b.service"},
        {"empty instance name", "/etc/postfix-", NULL},
        {"subdirectory of main", "/etc/postfix/out", NULL},
        {"subdirectory of instance", "/etc/postfix-a/b", NULL},
        {"other prefix", "/etc/postfixout", NULL},
        {"elsewhere", "/srv/postfix", NULL},
        {"relative", "etc/postfix-x", NULL},
        {"dot-dot", "/etc/../etc/postfix", NULL},
};

/* test_unit - config directory to unit name */
static void
test_unit(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(unit_cases); i++) {
		struct vstr *unit = vstr_cpy(vstr_alloc(10), "junk");
		bool ok = systemd_unit_for_config(unit, unit_cases[i].dir);

		CHECK_TRUE(unit_cases[i].name,
		           ok == (unit_cases[i].want != NULL), "wrong result");
		CHECK_STR(unit_cases[i].name, vstr_str(unit),
		          unit_cases[i].want ? unit_cases[i].want : "");
		vstr_free(unit);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_escape),
	        cmocka_unit_test(test_unit),
	};

	return cmocka_run_group_tests_name("systemd_unit", tests, NULL, NULL);
}
