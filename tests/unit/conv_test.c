/*
 * conv_test - unit tests for typed configuration value parsers
 */
#include <limits.h>

#include "conv.h"
#include "testutil.h"

static const struct bool_case {
	const char *name;
	const char *in;
	bool want_ok;
	bool want;
} bool_cases[] = {
        {"yes", "yes", true, true},
        {"YES", "YES", true, true},
        {"Yes", "Yes", true, true},
        {"no", "no", true, false},
        {"NO", "NO", true, false},
        {"nO", "nO", true, false},
        {"empty", "", false, false},
        {"y", "y", false, false},
        {"n", "n", false, false},
        {"true", "true", false, false},
        {"false", "false", false, false},
        {"one", "1", false, false},
        {"zero", "0", false, false},
        {"trailing space", "yes ", false, false},
        {"leading space", " no", false, false},
        {"longer word", "yess", false, false},
        {"prefix", "ye", false, false},
};

/* test_bool - yes and no only */
static void
test_bool(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(bool_cases); i++) {
		const struct bool_case *tc = &bool_cases[i];
		bool got = !tc->want; /* must be overwritten on success */
		bool ok = conv_bool(tc->in, &got);

		CHECK_LONG(tc->name, ok, tc->want_ok);
		if (ok)
			CHECK_LONG(tc->name, got, tc->want);
	}
}

static const struct long_case {
	const char *name;
	const char *in;
	bool want_ok;
	long want;
} long_cases[] = {
        {"zero", "0", true, 0},
        {"positive", "123", true, 123},
        {"negative", "-5", true, -5},
        {"plus sign", "+7", true, 7},
        {"leading zeros", "007", true, 7},
        {"LONG_MAX", "9223372036854775807", true, LONG_MAX},
        {"LONG_MIN", "-9223372036854775808", true, LONG_MIN},
        {"empty", "", false, 0},
        {"sign only", "-", false, 0},
        {"plus only", "+", false, 0},
        {"double sign", "--1", false, 0},
        {"trailing letter", "12a", false, 0},
        {"size suffix", "10k", false, 0},
        {"leading letter", "a12", false, 0},
        {"leading space", " 1", false, 0},
        {"trailing space", "1 ", false, 0},
        {"hex", "0x10", false, 0},
        {"decimal point", "1.5", false, 0},
        {"overflow", "9223372036854775808", false, 0},
        {"underflow", "-9223372036854775809", false, 0},
        {"huge", "99999999999999999999999", false, 0},
};

/* test_long - decimal numbers without overflow */
static void
test_long(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(long_cases); i++) {
		const struct long_case *tc = &long_cases[i];
		long got = 12345;
		bool ok = conv_long(tc->in, &got);

		CHECK_LONG(tc->name, ok, tc->want_ok);
		if (ok)
			CHECK_LONG(tc->name, got, tc->want);
		else
			CHECK_LONG(tc->name, got, 12345); /* untouched */
	}
}

static const struct time_case {
	const char *name;
	const char *in;
	int def_unit;
	bool want_ok;
	long want;
} time_cases[] = {
        {"zero", "0", 's', true, 0},
        {"bare seconds", "10", 's', true, 10},
        {"seconds", "10s", 'd', true, 10},
        {"minutes", "2m", 's', true, 120},
        {"hours", "3h", 's', true, 10800},
        {"days", "1d", 's', true, 86400},
        {"weeks", "1w", 's', true, 604800},
        {"bare in minutes", "5", 'm', true, 300},
        {"bare in hours", "5", 'h', true, 18000},
        {"bare in days", "5", 'd', true, 432000},
        {"bare in weeks", "2", 'w', true, 1209600},
        {"explicit unit beats default", "90s", 'h', true, 90},
        {"leading zeros", "007m", 's', true, 420},
        {"large but fits", "1000000w", 's', true, 604800000000L},
        {"empty", "", 's', false, 0},
        {"unit only", "s", 's', false, 0},
        {"bad unit", "5x", 's', false, 0},
        {"two units", "5ms", 's', false, 0},
        {"unit then digits", "5m3", 's', false, 0},
        {"upper-case unit", "5S", 's', false, 0},
        {"negative", "-5", 's', false, 0},
        {"plus sign", "+5", 's', false, 0},
        {"leading space", " 5", 's', false, 0},
        {"trailing space", "5 ", 's', false, 0},
        {"space before unit", "5 m", 's', false, 0},
        {"fraction", "1.5h", 's', false, 0},
        {"bad default unit", "5", 'x', false, 0},
        {"NUL default unit", "5", 0, false, 0},
        {"digits overflow", "99999999999999999999", 's', false, 0},
        {"unit overflow", "9223372036854775807w", 's', false, 0},
        {"default unit overflow", "9223372036854775807", 'm', false, 0},
        {"LONG_MAX seconds", "9223372036854775807", 's', true, LONG_MAX},
};

/* test_time - number with at most one unit letter */
static void
test_time(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(time_cases); i++) {
		const struct time_case *tc = &time_cases[i];
		long got = -1;
		bool ok = conv_time(tc->in, tc->def_unit, &got);

		CHECK_LONG(tc->name, ok, tc->want_ok);
		if (ok)
			CHECK_LONG(tc->name, got, tc->want);
		else
			CHECK_LONG(tc->name, got, -1); /* untouched */
	}
}

/* test_time_units - the documented unit letters, each accepted */
static void
test_time_units(void **state)
{
	static const long seconds[] = {1, 60, 3600, 86400, 604800};
	char text[8];

	(void) state;
	CHECK_STR("unit list", conv_time_units, "smhdw");
	for (size_t i = 0; conv_time_units[i]; i++) {
		long got = 0;

		snprintf(text, sizeof(text), "1%c", conv_time_units[i]);
		CHECK_TRUE(text, conv_time(text, 's', &got), "rejected");
		CHECK_LONG(text, got, seconds[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bool),
	        cmocka_unit_test(test_long),
	        cmocka_unit_test(test_time),
	        cmocka_unit_test(test_time_units),
	};

	return cmocka_run_group_tests_name("conv", tests, NULL, NULL);
}
