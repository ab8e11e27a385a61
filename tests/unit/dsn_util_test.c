/*
 * dsn_util_test - enhanced status codes and delay figures
 */
#include "dsn_util.h"
#include "testutil.h"

static const struct ok_case {
	const char *in;
	bool want;
} ok_cases[] = {
        {"2.0.0", true},     {"4.4.1", true},  {"5.1.1", true},
        {"5.123.456", true}, {"3.0.0", false}, {"5.1", false},
        {"5.1.1 ", false},   {"5..1", false},  {"5.1234.1", false},
        {"", false},         {"x.1.1", false}, {"5.1.1x", false},
        {"55.1.1", false},   {"5.1.", false},
};

/* test_status_ok - whole-string validation */
static void
test_status_ok(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(ok_cases); i++)
		CHECK_LONG(ok_cases[i].in, dsn_status_ok(ok_cases[i].in),
		           ok_cases[i].want);
	CHECK_LONG("NULL", dsn_status_ok(NULL), false);
}

static const struct prefix_case {
	const char *in;
	size_t want;
} prefix_cases[] = {
        {"5.1.1 user unknown", 5},
        {"4.7.1\ttry later", 5},
        {"5.1.10", 6},
        {"2.0.0", 5},
        {"5.1.1user", 0},
        {"user 5.1.1", 0},
        {"550 5.1.1 no", 0},
        {"", 0},
};

/* test_status_prefix - a code at the start of a reason text */
static void
test_status_prefix(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(prefix_cases); i++)
		CHECK_LONG(prefix_cases[i].in,
		           dsn_status_prefix(prefix_cases[i].in),
		           prefix_cases[i].want);
}

/* test_status_soft - soft_bounce turns 5.X.X into 4.X.X */
static void
test_status_soft(void **state)
{
	struct vstr *buf = vstr_alloc(8);

	(void) state;
	CHECK_STR("5.1.1", dsn_status_soft(buf, "5.1.1"), "4.1.1");
	CHECK_STR("4.4.1", dsn_status_soft(buf, "4.4.1"), "4.4.1");
	CHECK_STR("2.0.0", dsn_status_soft(buf, "2.0.0"), "2.0.0");
	CHECK_STR("empty", dsn_status_soft(buf, ""), "");
	vstr_free(buf);
}

static const struct delay_case {
	long sec, usec;
	int digits;
	const char *want;
} delay_cases[] = {
        {0, 0, 2, "0"},         {0, 4000, 2, "0"},     {0, 5000, 2, "0.01"},
        {0, 12300, 2, "0.01"},  {0, 10000, 2, "0.01"}, {0, 96000, 2, "0.1"},
        {0, 123000, 2, "0.12"}, {0, 500000, 2, "0.5"}, {0, 999999, 2, "1"},
        {1, 0, 2, "1"},         {1, 234000, 2, "1.2"}, {1, 250001, 2, "1.3"},
        {9, 960000, 2, "10"},   {12, 300000, 2, "12"}, {12, 600000, 2, "13"},
        {345, 0, 2, "345"},     {0, 1234, 3, "0.001"}, {0, 1234, 6, "0.0012"},
        {0, 12345, 0, "0"},     {2, 500000, 0, "3"},   {-1, 500000, 2, "0"},
        {0, 10, 6, "0.00001"},
};

/* test_format_delay - delay=/delays= figures as Postfix prints them */
static void
test_format_delay(void **state)
{
	struct vstr *buf = vstr_alloc(16);
	struct vstr *name = vstr_alloc(32);

	(void) state;
	for (size_t i = 0; i < NELEM(delay_cases); i++) {
		const struct delay_case *tc = &delay_cases[i];
		struct timeval tv = {tc->sec, tc->usec};

		vstr_reset(buf);
		vstr_fmt(name, "%ld.%06ld/%d", tc->sec, tc->usec, tc->digits);
		dsn_format_delay(buf, &tv, tc->digits);
		CHECK_STR(vstr_str(name), vstr_str(buf), tc->want);
	}
	vstr_free(buf);
	vstr_free(name);
}

/* test_tv_sub - borrow from the seconds */
static void
test_tv_sub(void **state)
{
	struct timeval a = {10, 100}, b = {8, 200}, d;

	(void) state;
	d = dsn_tv_sub(&a, &b);
	CHECK_LONG("sec", d.tv_sec, 1);
	CHECK_LONG("usec", d.tv_usec, 999900);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_status_ok),
	        cmocka_unit_test(test_status_prefix),
	        cmocka_unit_test(test_status_soft),
	        cmocka_unit_test(test_format_delay),
	        cmocka_unit_test(test_tv_sub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
