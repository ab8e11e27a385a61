/*
 * maildrop_test - the checks of maildrop files and postdrop input
 */
#include <string.h>

#include "maildrop.h"
#include "rec.h"
#include "testutil.h"

/*
 * A case is a list of records, one per line: the type byte, then the
 * data; '~' in data stands for a NUL byte. want: the result of the last
 * record given (MAILDROP_COPY, _SKIP, _BAD), and whether the file is
 * complete after it.
 */
static const struct tcase {
	const char *name;
	bool input; /* postdrop input (no TIME) */
	const char *recs;
	int want;
	bool want_done;
} cases[] = {
        {"input ok", true,
         "Arewrite_context=local\nFAlice\nSalice\nRbob\nM\nNhi\nUlong\nNx\nX"
         "\nRextra\nE",
         MAILDROP_COPY, true},
        {"file ok", false, "T123 456\nSalice\nRbob\nM\nX\nE", MAILDROP_COPY,
         true},
        {"file needs time", false, "Salice", MAILDROP_BAD, false},
        {"input has no time", true, "T123 456", MAILDROP_BAD, false},
        {"bad time", false, "T12x", MAILDROP_BAD, false},
        {"second time", false, "T1 2\nT1 2", MAILDROP_BAD, false},
        {"unknown attr", true, "Alog_client_address=1.2.3.4", MAILDROP_SKIP,
         false},
        {"attr no name", true, "A=x", MAILDROP_SKIP, false},
        {"bad context", true, "Arewrite_context=evil", MAILDROP_BAD, false},
        {"bad ret", true, "Aret_flags=full", MAILDROP_BAD, false},
        {"dsn attrs", true,
         "Aenvelope_id=x\nAret_flags=2\nSa\nAnotify_flags=10\nRb",
         MAILDROP_COPY, false},
        {"envid not in extracted", true, "Sa\nM\nX\nAenvelope_id=x",
         MAILDROP_SKIP, false},
        {"two senders", true, "Sa\nSb", MAILDROP_BAD, false},
        {"two fullnames", true, "Fa\nFb", MAILDROP_BAD, false},
        {"NUL in sender", true, "Sa~b", MAILDROP_BAD, false},
        {"NUL in recipient", true, "Sa\nRb~", MAILDROP_BAD, false},
        {"NUL in content ok", true, "Sa\nRb\nM\nNx~y", MAILDROP_COPY, false},
        {"filter record", true, "Qsmtp:evil", MAILDROP_BAD, false},
        {"size record", true, "C1 2 3", MAILDROP_BAD, false},
        {"done record", true, "Sa\nDb", MAILDROP_BAD, false},
        {"flags record", true, "f4", MAILDROP_BAD, false},
        {"DSN record type", true, "<2", MAILDROP_BAD, false},
        {"envelope in content", true, "Sa\nM\nRb", MAILDROP_BAD, false},
        {"content in extracted", true, "Sa\nM\nX\nNx", MAILDROP_BAD, false},
        {"after end", true, "Sa\nRb\nM\nX\nE\nNx", MAILDROP_BAD, false},
        {"no sender", true, "Rb\nM\nX\nE", MAILDROP_COPY, false},
        {"no recipient", true, "Sa\nM\nX\nE", MAILDROP_COPY, false},
        {"no end", true, "Sa\nRb\nM\nX", MAILDROP_COPY, false},
        {"null sender ok", true, "S\nRb\nM\nX\nE", MAILDROP_COPY, true},
};

/* run_case - feed the records; returns the result of the last one */
static int
run_case(const struct tcase *tc, struct maildrop_check *c, struct vstr *why)
{
	char *copy = xstrdup(tc->recs);
	char *line = copy, *nl;
	int result = MAILDROP_COPY;

	maildrop_check_init(c, tc->input);
	for (; line; line = nl) {
		size_t len;

		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = 0;
		len = strlen(line + 1);
		for (char *p = line; *p; p++)
			if (*p == '~')
				*p = 0;
		result = maildrop_check(c, line[0], line + 1, len, why);
	}
	xfree(copy);
	return result;
}

/* test_cases - the table */
static void
test_cases(void **state)
{
	struct vstr *why = vstr_alloc(100);
	struct maildrop_check c;

	(void) state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *tc = cases + i;

		CHECK_LONG(tc->name, run_case(tc, &c, why), tc->want);
		CHECK_TRUE(tc->name,
		           maildrop_check_done(&c, why) == tc->want_done,
		           "wrong completeness");
	}
	vstr_free(why);
}

/* test_attr_type - DSN attributes become cleanup's records */
static void
test_attr_type(void **state)
{
	(void) state;
	CHECK_LONG("envid", maildrop_attr_type("envelope_id=x", 13),
	           REC_TYPE_DSN_ENVID);
	CHECK_LONG("notify", maildrop_attr_type("notify_flags=2", 14),
	           REC_TYPE_DSN_NOTIFY);
	CHECK_LONG("orcpt", maildrop_attr_type("dsn_orig_rcpt=rfc822;a", 22),
	           REC_TYPE_DSN_ORCPT);
	CHECK_LONG("ret", maildrop_attr_type("ret_flags=1", 11),
	           REC_TYPE_DSN_RET);
	CHECK_LONG("other", maildrop_attr_type("encoding=8bit", 13), 0);
	CHECK_LONG("prefix", maildrop_attr_type("ret_flagsx=1", 12), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cases),
	        cmocka_unit_test(test_attr_type),
	};

	return cmocka_run_group_tests_name("maildrop", tests, NULL, NULL);
}
