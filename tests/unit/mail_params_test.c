/*
 * mail_params_test - unit tests for the parameter table and value checks
 */
#include <limits.h>

#include "conv.h"
#include "mail_params.h"
#include "testutil.h"

/* test_table_sorted - params.def is sorted and has no duplicates */
static void
test_table_sorted(void **state)
{
	(void) state;
	CHECK_TRUE("table size", param_count > 500, "suspiciously small");
	for (size_t i = 1; i < param_count; i++) {
		int cmp = strcmp(param_table[i - 1].name, param_table[i].name);

		if (cmp == 0)
			fail_msg("duplicate parameter: got %s twice, want once",
			         param_table[i].name);
		if (cmp > 0)
			fail_msg("order: got %s before %s, want sorted",
			         param_table[i - 1].name, param_table[i].name);
	}
}

/* test_table_entries - every entry is complete and findable */
static void
test_table_entries(void **state)
{
	(void) state;
	for (size_t i = 0; i < param_count; i++) {
		const struct param_def *p = &param_table[i];

		CHECK_TRUE(p->name, *p->name != 0, "empty name");
		CHECK_TRUE(p->name,
		           p->name[strspn(
		                   p->name,
		                   "abcdefghijklmnopqrstuvwxyz"
		                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] ==
		                   0,
		           "name has characters outside [A-Za-z0-9_]");
		CHECK_TRUE(p->name, p->defval != NULL, "no default");
		CHECK_TRUE(p->name, p->desc != NULL && *p->desc != 0,
		           "no description");
		CHECK_TRUE(p->name, p->var != NULL, "no variable");
		CHECK_TRUE(p->name, p->type >= PT_STR && p->type <= PT_TIME,
		           "bad type");
		CHECK_TRUE(p->name, p->max == 0 || p->max >= p->min,
		           "max below min");
		CHECK_TRUE(p->name, param_find(p->name) == p,
		           "param_find returns another entry");
	}
}

/*
 * test_table_defaults - every default that needs no expansion is a valid
 * value of its own parameter.
 */
static void
test_table_defaults(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < param_count; i++) {
		const struct param_def *p = &param_table[i];

		if (strchr(p->defval, '$') || (p->flags & PF_HOST))
			continue;
		if (param_check_value(p, p->defval, why) < 0)
			fail_msg("%s: got \"%s\" rejected (%s), want the "
			         "default accepted",
			         p->name, p->defval, vstr_str(why));
	}
	vstr_free(why);
}

static const struct find_case {
	const char *name;
	const char *in;
	bool want_found;
	enum param_type want_type;
} find_cases[] = {
        {"string", "myhostname", true, PT_STR},
        {"list", "mydestination", true, PT_LIST},
        {"boolean", "disable_vrfy_command", true, PT_BOOL},
        {"integer", "smtpd_recipient_limit", true, PT_INT},
        {"size", "message_size_limit", true, PT_SIZE},
        {"time", "queue_run_delay", true, PT_TIME},
        {"first in table", "2bounce_notice_recipient", true, PT_STR},
        {"unknown", "no_such_parameter", false, PT_STR},
        {"empty", "", false, PT_STR},
        {"case matters", "MyHostname", false, PT_STR},
        {"prefix of a name", "myhost", false, PT_STR},
        {"trailing space", "myhostname ", false, PT_STR},
};

/* test_find - lookup by exact name */
static void
test_find(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(find_cases); i++) {
		const struct find_case *tc = &find_cases[i];
		const struct param_def *p = param_find(tc->in);

		CHECK_LONG(tc->name, p != NULL, tc->want_found);
		if (p) {
			CHECK_STR(tc->name, p->name, tc->in);
			CHECK_STR(tc->name, param_type_name(p->type),
			          param_type_name(tc->want_type));
		}
	}
}

/* Parameter definitions with bounds, for the check cases. */
static const struct param_def p_str = {"t_str", PT_STR, "", 0, 0, 0, "s", NULL};
static const struct param_def p_list = {"t_list", PT_LIST, "a, b", 0,
                                        0,        0,       "l",    NULL};
static const struct param_def p_bool = {"t_bool", PT_BOOL, "yes", 0,
                                        0,        0,       "b",   NULL};
static const struct param_def p_int = {"t_int", PT_INT, "10", 1,
                                       100,     0,      "i",  NULL};
static const struct param_def p_int0 = {"t_int0", PT_INT, "0", 0,
                                        0,        0,      "i", NULL};
static const struct param_def p_int_any = {"t_int_any", PT_INT, "0", INT_MIN,
                                           0,           0,      "i", NULL};
static const struct param_def p_size = {"t_size", PT_SIZE, "10240000", 0,
                                        0,        0,       "z",        NULL};
static const struct param_def p_size_max = {
        "t_size_max", PT_SIZE, "1000", 1000, 2000, 0, "z", NULL};
static const struct param_def p_time = {"t_time", PT_TIME, "300s", 60,
                                        86400,    0,       "t",    NULL};
static const struct param_def p_time0 = {"t_time0", PT_TIME, "0s", 0,
                                         0,         0,       "t",  NULL};
static const struct param_def p_days = {"t_days", PT_TIME, "3d", 0,
                                        604800,   0,       "t",  NULL};
static const struct param_def p_hours = {
        "t_hours", PT_TIME, "${x?{$x}:{1}}h", 0, 7200, 0, "t", NULL};

#define BAD_BOOL(p, v)                                                         \
	"bad boolean parameter value " p " = " v " (use yes or no)"
#define BAD_NUM(p, v) "bad numerical parameter value " p " = " v
#define BAD_TIME(p, v)                                                         \
	"bad time parameter value " p " = " v                                  \
	" (use a number with unit s, m, h, d or w)"
#define LOW(t, p, v, n)                                                        \
	"invalid " t " parameter value " p " = " v ": must be at least " n
#define HIGH(t, p, v, n)                                                       \
	"invalid " t " parameter value " p " = " v ": must be at most " n

static const struct check_case {
	const char *name;
	const struct param_def *p;
	const char *value;
	const char *want_why; /* NULL: accepted */
} check_cases[] = {
        /* Strings and lists take anything. */
        {"string", &p_str, "anything at all", NULL},
        {"string empty", &p_str, "", NULL},
        {"list", &p_list, "a, b c", NULL},
        /* Booleans. */
        {"bool yes", &p_bool, "yes", NULL},
        {"bool NO", &p_bool, "NO", NULL},
        {"bool maybe", &p_bool, "maybe", BAD_BOOL("t_bool", "maybe")},
        {"bool empty", &p_bool, "", BAD_BOOL("t_bool", "")},
        {"bool 1", &p_bool, "1", BAD_BOOL("t_bool", "1")},
        {"bool true", &p_bool, "true", BAD_BOOL("t_bool", "true")},
        /* Integers with bounds 1..100. */
        {"int in range", &p_int, "50", NULL},
        {"int at min", &p_int, "1", NULL},
        {"int at max", &p_int, "100", NULL},
        {"int below min", &p_int, "0", LOW("integer", "t_int", "0", "1")},
        {"int negative", &p_int, "-5", LOW("integer", "t_int", "-5", "1")},
        {"int above max", &p_int, "101",
         HIGH("integer", "t_int", "101", "100")},
        {"int letters", &p_int, "abc", BAD_NUM("t_int", "abc")},
        {"int empty", &p_int, "", BAD_NUM("t_int", "")},
        {"int suffix", &p_int, "10k", BAD_NUM("t_int", "10k")},
        {"int fraction", &p_int, "1.5", BAD_NUM("t_int", "1.5")},
        {"int time unit", &p_int, "5s", BAD_NUM("t_int", "5s")},
        /* Integers without an upper bound, min 0. */
        {"int0 large", &p_int0, "2147483647", NULL},
        {"int0 past INT_MAX", &p_int0, "2147483648",
         BAD_NUM("t_int0", "2147483648")},
        {"int0 negative", &p_int0, "-1", LOW("integer", "t_int0", "-1", "0")},
        {"int any INT_MIN", &p_int_any, "-2147483648", NULL},
        {"int any below INT_MIN", &p_int_any, "-2147483649",
         BAD_NUM("t_int_any", "-2147483649")},
        /* Sizes are longs. */
        {"size", &p_size, "10240000", NULL},
        {"size past INT_MAX", &p_size, "4294967296", NULL},
        {"size LONG_MAX", &p_size, "9223372036854775807", NULL},
        {"size overflow", &p_size, "9223372036854775808",
         BAD_NUM("t_size", "9223372036854775808")},
        {"size negative", &p_size, "-1", LOW("size", "t_size", "-1", "0")},
        {"size unit", &p_size, "10m", BAD_NUM("t_size", "10m")},
        {"size bounded low", &p_size_max, "999",
         LOW("size", "t_size_max", "999", "1000")},
        {"size bounded high", &p_size_max, "2001",
         HIGH("size", "t_size_max", "2001", "2000")},
        {"size bounded ok", &p_size_max, "2000", NULL},
        /* Times, bounds 60..86400 seconds, default unit s. */
        {"time bare seconds", &p_time, "60", NULL},
        {"time seconds", &p_time, "300s", NULL},
        {"time minutes", &p_time, "5m", NULL},
        {"time hours", &p_time, "2h", NULL},
        {"time day at max", &p_time, "1d", NULL},
        {"time minutes over max", &p_time, "1441m",
         HIGH("time", "t_time", "1441m", "86400")},
        {"time week over max", &p_time, "1w",
         HIGH("time", "t_time", "1w", "86400")},
        {"time below min", &p_time, "59s", LOW("time", "t_time", "59s", "60")},
        {"time bad unit", &p_time, "5x", BAD_TIME("t_time", "5x")},
        {"time two units", &p_time, "5ms", BAD_TIME("t_time", "5ms")},
        {"time empty", &p_time, "", BAD_TIME("t_time", "")},
        {"time unit only", &p_time, "m", BAD_TIME("t_time", "m")},
        {"time negative", &p_time, "-1", BAD_TIME("t_time", "-1")},
        {"time space", &p_time, "5 m", BAD_TIME("t_time", "5 m")},
        {"time upper case", &p_time, "5M", BAD_TIME("t_time", "5M")},
        {"time zero allowed", &p_time0, "0", NULL},
        /* The default unit comes from the default value. */
        {"bare number in days, max", &p_days, "7", NULL},
        {"bare number in days, over", &p_days, "8",
         HIGH("time", "t_days", "8", "604800")},
        {"explicit unit overrides days", &p_days, "8s", NULL},
        {"bare number in hours, max", &p_hours, "2", NULL},
        {"bare number in hours, over", &p_hours, "3",
         HIGH("time", "t_hours", "3", "7200")},
};

/* test_check_value - every type, bounds, units and reject paths */
static void
test_check_value(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(check_cases); i++) {
		const struct check_case *tc = &check_cases[i];
		int rc;

		vstr_cpy(why, "(unset)");
		rc = param_check_value(tc->p, tc->value, why);
		if (tc->want_why == NULL) {
			if (rc != 0)
				fail_msg("%s: got rejected (%s), want accepted",
				         tc->name, vstr_str(why));
		} else {
			CHECK_LONG(tc->name, rc, -1);
			CHECK_STR(tc->name, vstr_str(why), tc->want_why);
		}
	}
	vstr_free(why);
}

static const struct unit_case {
	const char *name;
	const char *defval;
	int want;
} unit_cases[] = {
        {"seconds", "300s", 's'},
        {"minutes", "5m", 'm'},
        {"hours", "12h", 'h'},
        {"days", "5d", 'd'},
        {"weeks", "1w", 'w'},
        {"bare number", "300", 's'},
        {"empty", "", 's'},
        {"expression then unit", "${stress?{10}:{300}}s", 's'},
        {"expression then hours", "${a?{$a}:{1}}h", 'h'},
        {"parameter reference", "$daemon_timeout", 's'},
};

/* test_time_unit - the unit that ends the default */
static void
test_time_unit(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(unit_cases); i++) {
		const struct unit_case *tc = &unit_cases[i];
		struct param_def p = {"t", PT_TIME, tc->defval, 0,
		                      0,   0,       "t",        NULL};
		char got[2] = {(char) param_time_unit(&p), 0};
		char want[2] = {(char) tc->want, 0};

		CHECK_STR(tc->name, got, want);
	}
}

/* test_real_time_units - some real parameters and their units */
static void
test_real_time_units(void **state)
{
	static const struct real_case {
		const char *name;
		int want;
	} real_cases[] = {
	        {"queue_run_delay", 's'},
	        {"maximal_queue_lifetime", 'd'},
	        {"address_verify_positive_refresh_time", 'd'},
	        {"address_verify_cache_cleanup_interval", 'h'},
	        {"smtpd_timeout", 's'},
	        {"postscreen_dnsbl_max_ttl", 'h'},
	};

	(void) state;
	for (size_t i = 0; i < NELEM(real_cases); i++) {
		const struct param_def *p = param_find(real_cases[i].name);
		char got[2], want[2] = {(char) real_cases[i].want, 0};

		CHECK_TRUE(real_cases[i].name, p != NULL, "not found");
		CHECK_STR(real_cases[i].name, param_type_name(p->type), "time");
		got[0] = (char) param_time_unit(p);
		got[1] = 0;
		CHECK_STR(real_cases[i].name, got, want);
	}
}

/* test_defaults - plain, read-only and process-dependent defaults */
static void
test_defaults(void **state)
{
	char pid[32];
	const struct param_def *p;

	(void) state;
	p = param_find("queue_run_delay");
	CHECK_STR("plain default", param_default(p), "300s");
	p = param_find("smtpd_banner");
	CHECK_STR("unexpanded default", param_default(p),
	          "$myhostname ESMTP $mail_name");
	snprintf(pid, sizeof(pid), "%ld", (long) getpid());
	CHECK_STR("process_id", param_default(param_find("process_id")), pid);
	p = param_find("process_name");
	mail_process_name = "unit-test";
	CHECK_STR("process_name set", param_default(p), "unit-test");
	mail_process_name = NULL;
	CHECK_STR("process_name unset", param_default(p), p->defval);
	p = param_find("mail_version");
	CHECK_TRUE("mail_version read-only", p->flags & PF_READONLY, "not");
	CHECK_STR("mail_version", param_default(p), p->defval);
}

static const struct type_case {
	const char *name;
	enum param_type type;
	const char *want;
} type_cases[] = {
        {"STR", PT_STR, "string"},    {"LIST", PT_LIST, "list"},
        {"BOOL", PT_BOOL, "boolean"}, {"INT", PT_INT, "integer"},
        {"SIZE", PT_SIZE, "size"},    {"TIME", PT_TIME, "time"},
};

/* test_type_names - for messages and documentation */
static void
test_type_names(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(type_cases); i++)
		CHECK_STR(type_cases[i].name,
		          param_type_name(type_cases[i].type),
		          type_cases[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table_sorted),
	        cmocka_unit_test(test_table_entries),
	        cmocka_unit_test(test_table_defaults),
	        cmocka_unit_test(test_find),
	        cmocka_unit_test(test_check_value),
	        cmocka_unit_test(test_time_unit),
	        cmocka_unit_test(test_real_time_units),
	        cmocka_unit_test(test_defaults),
	        cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests_name("mail_params", tests, NULL, NULL);
}
