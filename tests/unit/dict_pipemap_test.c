/*
 * dict_pipemap_test - pipemap: and unionmap: over inline:, static:,
 * fail: and a pattern table that shows the key it was given
 */
#include <fcntl.h>

#include "dict.h"
#include "dict_types.h"
#include "stringops.h"
#include "testutil.h"

static struct log_capture logs;

struct shown {
	struct dict dict;
	struct vstr *value;
};

/* shown_lookup - every key is found as "[key]", exactly as given */
static int
shown_lookup(struct dict *d, const char *key, const char **value)
{
	struct shown *s = (struct shown *) d;

	vstr_fmt(s->value, "[%s]", key);
	*value = vstr_str(s->value);
	return DICT_FOUND;
}

/* shown_close - release the value */
static void
shown_close(struct dict *d)
{
	vstr_free(((struct shown *) d)->value);
}

/* shown_open - shown:any, a pattern table (does its own case handling) */
static struct dict *
shown_open(const char *name, int open_flags, int dict_flags, struct vstr *why)
{
	struct shown *s = (struct shown *) dict_alloc(
	        "shown", name, sizeof(*s), open_flags,
	        dict_flags | DICT_FLAG_PATTERN);

	(void) why;
	s->value = vstr_alloc(50);
	s->dict.lookup = shown_lookup;
	s->dict.close = shown_close;
	return &s->dict;
}

/* setup - the test type and a log capture */
static int
setup(void **state)
{
	(void) state;
	dict_init();
	dict_register("shown", shown_open);
	capture_start(&logs);
	return 0;
}

/* teardown - stop capturing */
static int
teardown(void **state)
{
	(void) state;
	capture_stop(&logs);
	return 0;
}

static const struct tcase {
	const char *name;
	const char *table;
	const char *key;
	int want_rc;
	const char *want; /* value, or the reason of DICT_ERROR */
} cases[] = {
        /* pipemap */
        {"pipe two tables", "pipemap:{inline:{a=b}, inline:{b=c}}", "a",
         DICT_FOUND, "c"},
        {"pipe three tables",
         "pipemap:{inline:{a=b}, inline:{b=c}, inline:{c=d}}", "a", DICT_FOUND,
         "d"},
        {"pipe one table", "pipemap:{inline:{a=b}}", "a", DICT_FOUND, "b"},
        {"pipe white space only", "pipemap:{ inline:{a=b}  inline:{b=c} }", "a",
         DICT_FOUND, "c"},
        {"pipe not in first", "pipemap:{inline:{x=b}, inline:{b=c}}", "a",
         DICT_NOTFOUND, NULL},
        {"pipe not in second", "pipemap:{inline:{a=b}, inline:{x=c}}", "a",
         DICT_NOTFOUND, NULL},
        {"pipe stops before fail", "pipemap:{inline:{x=y}, fail:boom}", "a",
         DICT_NOTFOUND, NULL},
        {"pipe into fail", "pipemap:{inline:{a=b}, fail:boom}", "a", DICT_ERROR,
         "fail:boom: table lookup failed on purpose"},
        {"pipe from fail", "pipemap:{fail:boom, inline:{a=b}}", "a", DICT_ERROR,
         "fail:boom: table lookup failed on purpose"},
        {"pipe unknown type", "pipemap:{inline:{a=b}, nosuch:x}", "a",
         DICT_ERROR, "unsupported dictionary type: nosuch"},
        {"pipe bad inner syntax", "pipemap:{inline:{a=b}, inline:{b}}", "a",
         DICT_ERROR, "missing '=' after attribute name: \"b\" in inline:{b}"},
        {"pipe into static", "pipemap:{inline:{a=b}, static:{x y}}", "a",
         DICT_FOUND, "x y"},
        {"pipe inner folds result", "pipemap:{inline:{a=B}, inline:{b=c}}", "a",
         DICT_FOUND, "c"},
        {"pipe inner folds key", "pipemap:{inline:{abc=q}}", "ABC", DICT_FOUND,
         "q"},
        {"pipe pattern sees key as is", "pipemap:{shown:x}", "AbC", DICT_FOUND,
         "[AbC]"},
        {"pipe pattern sees result as is",
         "pipemap:{inline:{a=Mixed}, "
         "shown:x, shown:y}",
         "a", DICT_FOUND, "[[Mixed]]"},
        /* unionmap */
        {"union two found",
         "unionmap:{inline:{a=b}, inline:{a=c}, inline:{x=y}}", "a", DICT_FOUND,
         "b,c"},
        {"union one table", "unionmap:{inline:{a=b}}", "a", DICT_FOUND, "b"},
        {"union order kept", "unionmap:{inline:{a=2}, inline:{a=1}}", "a",
         DICT_FOUND, "2,1"},
        {"union none found", "unionmap:{inline:{x=b}, inline:{y=c}}", "a",
         DICT_NOTFOUND, NULL},
        {"union with static", "unionmap:{inline:{a=b}, static:{x y}}", "a",
         DICT_FOUND, "b,x y"},
        {"union with fail", "unionmap:{inline:{a=b}, fail:boom}", "a",
         DICT_ERROR, "fail:boom: table lookup failed on purpose"},
        {"union fail first", "unionmap:{fail:boom, inline:{a=b}}", "x",
         DICT_ERROR, "fail:boom: table lookup failed on purpose"},
        {"union pattern sees key as is", "unionmap:{shown:x, inline:{ab=c}}",
         "Ab", DICT_FOUND, "[Ab],c"},
        /* nesting */
        {"union of pipes",
         "unionmap:{pipemap:{inline:{a=b}, inline:{b=c}}, inline:{a=d}}", "a",
         DICT_FOUND, "c,d"},
        {"pipe of unions",
         "pipemap:{unionmap:{inline:{a=b}, inline:{a=c}}, inline:{{b,c=z}}}",
         "a", DICT_FOUND, "z"},
};

/* test_lookups - one lookup per case */
static void
test_lookups(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *tc = &cases[i];
		struct dict *d =
		        dict_open(tc->table, O_RDONLY, DICT_FLAG_DEFAULT);
		const char *value = NULL;
		int rc = dict_get(d, tc->key, &value);

		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc == DICT_FOUND)
			CHECK_STR(tc->name, value, tc->want);
		if (rc == DICT_ERROR)
			CHECK_STR(tc->name, vstr_str(d->why), tc->want);
		dict_close(d);
	}
	/* Inner tables that cannot be opened are reported at open. */
	CHECK_TRUE("open warning",
	           capture_has(&logs,
	                       "warning: unsupported dictionary type: nosuch"),
	           vstr_str(logs.text));
}

/* test_repeat - results stay right across lookups of one table */
static void
test_repeat(void **state)
{
	struct dict *p = dict_open("pipemap:{inline:{a=b, x=y}, "
	                           "inline:{b=first, y=second}}",
	                           O_RDONLY, DICT_FLAG_DEFAULT);
	struct dict *u = dict_open("unionmap:{inline:{a=1}, inline:{a=2, b=3}}",
	                           O_RDONLY, DICT_FLAG_DEFAULT);
	const char *value;

	(void) state;
	CHECK_LONG("pipe a", dict_get(p, "a", &value), DICT_FOUND);
	CHECK_STR("pipe a", value, "first");
	CHECK_LONG("pipe x", dict_get(p, "x", &value), DICT_FOUND);
	CHECK_STR("pipe x", value, "second");
	CHECK_LONG("pipe z", dict_get(p, "z", &value), DICT_NOTFOUND);
	CHECK_LONG("union a", dict_get(u, "a", &value), DICT_FOUND);
	CHECK_STR("union a", value, "1,2");
	CHECK_LONG("union b", dict_get(u, "b", &value), DICT_FOUND);
	CHECK_STR("union b", value, "3");
	CHECK_LONG("union c", dict_get(u, "c", &value), DICT_NOTFOUND);
	CHECK_LONG("no warnings", logs.count[MSG_WARN], 0);
	dict_close(p);
	dict_close(u);
}

static const struct open_case {
	const char *name;
	const char *table;
	int open_flags;
	const char *want;
} open_cases[] = {
        {"pipe empty braces", "pipemap:{}", O_RDONLY,
         "bad syntax: \"pipemap:{}\"; need \"pipemap:{type:name...}\""},
        {"pipe only separators", "pipemap:{ , }", O_RDONLY,
         "bad syntax: \"pipemap:{ , }\"; need \"pipemap:{type:name...}\""},
        {"pipe without braces", "pipemap:inline:{a=b}", O_RDONLY,
         "bad syntax: \"pipemap:inline:{a=b}\"; need "
         "\"pipemap:{type:name...}\""},
        {"pipe unclosed brace", "pipemap:{inline:{a=b}", O_RDONLY,
         "bad syntax: \"pipemap:{inline:{a=b}\"; need "
         "\"pipemap:{type:name...}\""},
        {"pipe text after brace", "pipemap:{inline:{a=b}} x", O_RDONLY,
         "bad syntax"},
        {"union empty name", "unionmap:", O_RDONLY,
         "bad syntax: \"unionmap:\"; need \"unionmap:{type:name...}\""},
        {"pipe read-write", "pipemap:{inline:{a=b}}", O_RDWR,
         "pipemap:{inline:{a=b}}: table is read-only"},
        {"union read-write", "unionmap:{inline:{a=b}}", O_RDWR | O_CREAT,
         "unionmap:{inline:{a=b}}: table is read-only"},
};

/* test_open_errors - syntax and mode errors fail the open */
static void
test_open_errors(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(open_cases); i++) {
		const struct open_case *tc = &open_cases[i];
		struct dict *d = dict_open_checked(tc->table, tc->open_flags,
		                                   DICT_FLAG_DEFAULT, why);

		CHECK_TRUE(tc->name, d == NULL, "open succeeded");
		if (strcmp(tc->want, "bad syntax") == 0)
			CHECK_TRUE(tc->name,
			           str_prefix(vstr_str(why), tc->want),
			           vstr_str(why));
		else
			CHECK_STR(tc->name, vstr_str(why), tc->want);
	}
	vstr_free(why);
}

/* test_surrogate - dict_open() of a bad pipemap fails every lookup */
static void
test_surrogate(void **state)
{
	struct dict *d = dict_open("pipemap:{}", O_RDONLY, DICT_FLAG_DEFAULT);
	const char *value;

	(void) state;
	CHECK_LONG("surrogate", dict_get(d, "a", &value), DICT_ERROR);
	CHECK_TRUE("surrogate", strstr(vstr_str(d->why), "bad syntax"),
	           vstr_str(d->why));
	CHECK_TRUE("warning", capture_has(&logs, "warning: bad syntax"),
	           vstr_str(logs.text));
	dict_close(d);
}

/* test_types_known - the types are registered */
static void
test_types_known(void **state)
{
	(void) state;
	CHECK_TRUE("pipemap", dict_type_known("pipemap"), "not registered");
	CHECK_TRUE("unionmap", dict_type_known("unionmap"), "not registered");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_repeat, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_open_errors, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_surrogate, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_types_known, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests_name("dict_pipemap", tests, NULL, NULL);
}
