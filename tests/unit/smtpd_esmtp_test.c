/*
 * smtpd_esmtp_test - MAIL/RCPT argument splitting, xtext, and the DSN and
 * SIZE parameter values
 */
#include "testutil.h"

#include "../../mta/smtpd/smtpd_esmtp.c"

static const struct split_case {
	const char *name;
	const char *arg;
	const char *prefix;
	bool strict;
	int want;
	const char *path;   /* when SMTPD_PATH_OK */
	const char *params; /* joined with '|' */
} split_cases[] = {
        {"plain", "FROM:<a@b.example>", "FROM:", false, SMTPD_PATH_OK,
         "<a@b.example>", ""},
        {"leading space, lower case", " from:<a@b>", "FROM:", false,
         SMTPD_PATH_OK, "<a@b>", ""},
        {"space after colon", "FROM: <a@b>", "FROM:", true, SMTPD_PATH_OK,
         "<a@b>", ""},
        {"null sender", "FROM:<>", "FROM:", true, SMTPD_PATH_OK, "<>", ""},
        {"parameters", "FROM:<a@b> SIZE=100  BODY=8BITMIME", "FROM:", false,
         SMTPD_PATH_OK, "<a@b>", "SIZE=100|BODY=8BITMIME"},
        {"quoted > inside", "TO:<\"x>y\"@b> NOTIFY=NEVER", "TO:", false,
         SMTPD_PATH_OK, "<\"x>y\"@b>", "NOTIFY=NEVER"},
        {"escaped >", "TO:<x\\>y@b>", "TO:", false, SMTPD_PATH_OK, "<x\\>y@b>",
         ""},
        {"source route", "TO:<@r1,@r2:u@d>", "TO:", false, SMTPD_PATH_OK,
         "<@r1,@r2:u@d>", ""},
        {"bare address allowed", "FROM:a@b SIZE=1", "FROM:", false,
         SMTPD_PATH_OK, "a@b", "SIZE=1"},
        {"bare address strict", "FROM:a@b", "FROM:", true, SMTPD_PATH_BAD, NULL,
         NULL},
        {"unterminated", "FROM:<a@b", "FROM:", false, SMTPD_PATH_BAD, NULL,
         NULL},
        {"junk after path", "FROM:<a@b>x", "FROM:", false, SMTPD_PATH_BAD, NULL,
         NULL},
        {"wrong prefix", "TO:<a@b>", "FROM:", false, SMTPD_PATH_SYNTAX, NULL,
         NULL},
        {"no prefix", "<a@b>", "FROM:", false, SMTPD_PATH_SYNTAX, NULL, NULL},
        {"no path", "FROM:", "FROM:", false, SMTPD_PATH_SYNTAX, NULL, NULL},
        {"blank path", "FROM:   ", "FROM:", false, SMTPD_PATH_SYNTAX, NULL,
         NULL},
};

static void
test_path_split(void **unused)
{
	struct vstr *path = vstr_alloc(10);

	(void) unused;
	for (size_t i = 0; i < NELEM(split_cases); i++) {
		const struct split_case *c = split_cases + i;
		struct argv *params = argv_alloc(2);
		int got = smtpd_path_split(c->arg, c->prefix, c->strict, path,
		                           params);

		CHECK_LONG(c->name, got, c->want);
		if (got == SMTPD_PATH_OK) {
			char *joined = argv_join(params, "|");

			CHECK_STR(c->name, vstr_str(path), c->path);
			CHECK_STR(c->name, joined, c->params);
			xfree(joined);
		}
		argv_free(params);
	}
	vstr_free(path);
}

static const struct xtext_case {
	const char *in;
	bool ok;
	const char *out;
} xtext_cases[] = {
        {"abc", true, "abc"},  {"a+2Bb", true, "a+b"}, {"+3D+20", true, "= "},
        {"a+2b", false, NULL}, /* hex must be upper case */
        {"a+2", false, NULL},  {"a+", false, NULL},    {"a=b", false, NULL},
        {"a b", false, NULL},  {"a\x80", false, NULL}, {"", false, NULL},
};

static void
test_xtext(void **unused)
{
	struct vstr *out = vstr_alloc(10);

	(void) unused;
	for (size_t i = 0; i < NELEM(xtext_cases); i++) {
		bool ok = smtpd_xtext_decode(xtext_cases[i].in, out);

		CHECK_LONG(xtext_cases[i].in, ok, xtext_cases[i].ok);
		if (ok)
			CHECK_STR(xtext_cases[i].in, vstr_str(out),
			          xtext_cases[i].out);
	}
	vstr_free(out);
}

static const struct notify_case {
	const char *in;
	int want;
} notify_cases[] = {
        {"NEVER", DSN_NOTIFY_NEVER},
        {"success", DSN_NOTIFY_SUCCESS},
        {"SUCCESS,FAILURE", DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE},
        {"DELAY,FAILURE,SUCCESS",
         DSN_NOTIFY_DELAY | DSN_NOTIFY_FAILURE | DSN_NOTIFY_SUCCESS},
        {"NEVER,SUCCESS", 0},
        {"SUCCESS,SUCCESS", 0},
        {"SUCCESS,", 0},
        {"", 0},
        {"SOMETIMES", 0},
};

static void
test_notify(void **unused)
{
	(void) unused;
	for (size_t i = 0; i < NELEM(notify_cases); i++)
		CHECK_LONG(notify_cases[i].in,
		           smtpd_dsn_notify_mask(notify_cases[i].in),
		           notify_cases[i].want);
}

static void
test_ret_orcpt_size(void **unused)
{
	struct vstr *out = vstr_alloc(10);
	long size;

	(void) unused;
	CHECK_LONG("RET=FULL", smtpd_dsn_ret_code("full"), DSN_RET_FULL);
	CHECK_LONG("RET=HDRS", smtpd_dsn_ret_code("HDRS"), DSN_RET_HDRS);
	CHECK_LONG("RET=bad", smtpd_dsn_ret_code("BODY"), 0);
	CHECK_TRUE("ORCPT ok", smtpd_orcpt_parse("rfc822;a+2Bb@c", out),
	           "accepted");
	CHECK_STR("ORCPT decoded", vstr_str(out), "rfc822;a+b@c");
	CHECK_TRUE("ORCPT no type", !smtpd_orcpt_parse(";a@b", out), "refused");
	CHECK_TRUE("ORCPT no semicolon", !smtpd_orcpt_parse("a@b", out),
	           "refused");
	CHECK_TRUE("ORCPT bad xtext", !smtpd_orcpt_parse("rfc822;a b", out),
	           "refused");
	CHECK_TRUE("ORCPT empty address", !smtpd_orcpt_parse("rfc822;", out),
	           "refused");
	CHECK_TRUE("SIZE ok", smtpd_size_parse("12345", &size), "accepted");
	CHECK_LONG("SIZE value", size, 12345);
	CHECK_TRUE("SIZE sign", !smtpd_size_parse("-1", &size), "refused");
	CHECK_TRUE("SIZE empty", !smtpd_size_parse("", &size), "refused");
	CHECK_TRUE("SIZE overflow",
	           !smtpd_size_parse("99999999999999999999999", &size),
	           "refused");
	vstr_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_path_split),
	        cmocka_unit_test(test_xtext),
	        cmocka_unit_test(test_notify),
	        cmocka_unit_test(test_ret_orcpt_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
