/*
 * maps_test - unit tests for map lists: order, errors, folding, pattern
 * tables and partial keys
 */
#include "maps.h"
#include "testdict.h"
#include "testutil.h"

static const struct find_case {
	const char *name;
	const char *maps;
	int dict_flags;
	const char *key;
	int find_flags;
	int want_rc;
	const char *want_value; /* DICT_FOUND */
	const char *want_why;   /* DICT_ERROR: text in maps_why() */
} find_cases[] = {
        {"first table wins", "inline:{a=first}, inline:{a=second, b=only2}", 0,
         "a", MAPS_FIND_FULL, DICT_FOUND, "first", NULL},
        {"second table when first lacks key",
         "inline:{a=first}, inline:{a=second, b=only2}", 0, "b", MAPS_FIND_FULL,
         DICT_FOUND, "only2", NULL},
        {"no table has it", "inline:{a=first}, inline:{a=second, b=only2}", 0,
         "c", MAPS_FIND_FULL, DICT_NOTFOUND, NULL, NULL},
        {"space separated list", "inline:{a=1} inline:{b=2}", 0, "b",
         MAPS_FIND_FULL, DICT_FOUND, "2", NULL},
        {"found before the failing table", "inline:{x=1}, fail:broken", 0, "x",
         MAPS_FIND_FULL, DICT_FOUND, "1", NULL},
        {"error stops the search", "inline:{x=1}, fail:broken, inline:{y=2}", 0,
         "y", MAPS_FIND_FULL, DICT_ERROR, NULL,
         "virtual_alias_maps: fail:broken: table lookup failed"},
        {"error, not not-found", "fail:broken, inline:{x=1}", 0, "nope",
         MAPS_FIND_FULL, DICT_ERROR, NULL, "fail:broken"},
        {"error on partial key too", "fail:broken", 0, "nope",
         MAPS_FIND_PARTIAL, DICT_ERROR, NULL, "fail:broken"},
        {"empty value is an error", "inline:{ {e = }, f=1 }", 0, "e",
         MAPS_FIND_FULL, DICT_ERROR, NULL,
         "inline:{ {e = }, f=1 }: lookup of \"e\" returned an empty value"},
        {"empty key is never found", "static:all", 0, "", MAPS_FIND_FULL,
         DICT_NOTFOUND, NULL, NULL},
        {"empty list", "", 0, "a", MAPS_FIND_FULL, DICT_NOTFOUND, NULL, NULL},
        {"folding on: upper-case key", "inline:{User=x}", DICT_FLAG_FOLD_FIX,
         "USER", MAPS_FIND_FULL, DICT_FOUND, "x", NULL},
        {"folding off: upper-case key", "inline:{User=x}", 0, "USER",
         MAPS_FIND_FULL, DICT_NOTFOUND, NULL, NULL},
        {"folding off: exact key", "inline:{User=x}", 0, "User", MAPS_FIND_FULL,
         DICT_FOUND, "x", NULL},
        {"full key reaches pattern table", "testpat:foo, inline:{foo=fixed}", 0,
         "xfoo", MAPS_FIND_FULL, DICT_FOUND, "pat(xfoo)", NULL},
        {"partial key skips pattern table", "testpat:foo, inline:{xfoo=fix}", 0,
         "xfoo", MAPS_FIND_PARTIAL, DICT_FOUND, "fix", NULL},
        {"partial key: pattern only, not found", "testpat:foo", 0, "xfoo",
         MAPS_FIND_PARTIAL, DICT_NOTFOUND, NULL, NULL},
        {"unopenable table fails lookups", "nosuchtype:x, static:y", 0, "k",
         MAPS_FIND_FULL, DICT_ERROR, NULL,
         "unsupported dictionary type: nosuchtype"},
};

/* test_find - maps_find over the cases */
static void
test_find(void **state)
{
	struct log_capture logs;

	(void) state;
	testdict_register();
	capture_start(&logs);
	for (size_t i = 0; i < NELEM(find_cases); i++) {
		const struct find_case *tc = &find_cases[i];
		struct maps *m = maps_create("virtual_alias_maps", tc->maps,
		                             tc->dict_flags);
		const char *value = NULL;
		int rc = maps_find(m, tc->key, tc->find_flags, &value);

		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc == DICT_FOUND)
			CHECK_STR(tc->name, value, tc->want_value);
		if (tc->want_why && !strstr(maps_why(m), tc->want_why))
			fail_msg("%s: got why \"%s\", want \"%s\"", tc->name,
			         maps_why(m), tc->want_why);
		if (rc != DICT_ERROR)
			CHECK_STR(tc->name, maps_why(m), "");
		maps_free(m);
	}
	/* The unopenable table was reported when it was opened. */
	CHECK_TRUE("open warning", capture_has(&logs, "nosuchtype"),
	           vstr_str(logs.text));
	capture_stop(&logs);
}

static const struct count_case {
	const char *name;
	const char *maps;
	size_t want;
} count_cases[] = {
        {"null", NULL, 0},
        {"blank", " , \t", 0},
        {"one", "static:x", 1},
        {"comma and space", "static:x, static:y static:z", 3},
        {"inline with commas and spaces", "inline:{ a=1, b=2 } static:x", 2},
        {"nested braces", "inline:{ {a = 1, 2}, b=3 }, fail:x", 2},
};

/* test_count - how map lists are split into tables */
static void
test_count(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(count_cases); i++) {
		const struct count_case *tc = &count_cases[i];
		struct maps *m = maps_create("t", tc->maps, 0);

		CHECK_LONG(tc->name, maps_count(m), tc->want);
		maps_free(m);
	}
}

/* test_order - each table in list order, a key at a time */
static void
test_order(void **state)
{
	struct maps *m;
	const char *value;

	(void) state;
	testdict_register();
	m = maps_create("t", "record:one, recpat:two, record:three", 0);
	vstr_reset(testdict_log);
	CHECK_LONG("full rc", maps_find(m, "k", MAPS_FIND_FULL, &value),
	           DICT_NOTFOUND);
	CHECK_STR("full order", vstr_str(testdict_log), "one:k two:k three:k ");
	vstr_reset(testdict_log);
	CHECK_LONG("partial rc", maps_find(m, "k", MAPS_FIND_PARTIAL, &value),
	           DICT_NOTFOUND);
	CHECK_STR("partial order", vstr_str(testdict_log), "one:k three:k ");
	maps_free(m);
	CHECK_TRUE("free NULL", maps_free(NULL) == NULL, "not NULL");
}

/* test_shared - lists naming the same table share one instance */
static void
test_shared(void **state)
{
	struct maps *a = maps_create("a", "inline:{k=v}", 0);
	struct maps *b = maps_create("b", "inline:{k=v}", 0);
	const char *value;

	(void) state;
	CHECK_TRUE("same dict", a->dicts[0] == b->dicts[0], "not shared");
	maps_free(a);
	CHECK_LONG("still open", maps_find(b, "k", 0, &value), DICT_FOUND);
	CHECK_STR("value", value, "v");
	maps_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_find),
	        cmocka_unit_test(test_count),
	        cmocka_unit_test(test_order),
	        cmocka_unit_test(test_shared),
	};

	return cmocka_run_group_tests_name("maps", tests, NULL, NULL);
}
