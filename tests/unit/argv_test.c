/*
 * argv_test - unit tests for growable string arrays
 */
#include "argv.h"
#include "stringops.h"
#include "testutil.h"

/* joined - "a|b|c" for messages and comparisons; caller frees */
static char *
joined(const struct argv *a)
{
	return argv_join(a, "|");
}

/* check_argv - elements, count and the NULL terminator */
static void
check_argv(const char *name, const struct argv *a, const char *want,
           size_t want_count)
{
	char *got = joined(a);

	CHECK_STR(name, got, want);
	CHECK_LONG(name, a->argc, want_count);
	CHECK_TRUE(name, a->argv[a->argc] == NULL, "argv[argc] is not NULL");
	CHECK_TRUE(name, a->cap > a->argc, "no room for the terminator");
	xfree(got);
}

static const struct split_case {
	const char *name;
	const char *in;
	const char *delims;
	const char *want;
	size_t count;
} split_cases[] = {
        {"one word", "word", SPACE_DELIMS, "word", 1},
        {"three words", "a b c", SPACE_DELIMS, "a|b|c", 3},
        {"runs of delimiters", "  a \t\tb\r\n c  ", SPACE_DELIMS, "a|b|c", 3},
        {"empty string", "", SPACE_DELIMS, "", 0},
        {"only delimiters", " \t \n", SPACE_DELIMS, "", 0},
        {"list delimiters", "a, b,c ,,d", LIST_DELIMS, "a|b|c|d", 4},
        {"no delimiter present", "a-b-c", SPACE_DELIMS, "a-b-c", 1},
        {"custom delimiter", "/usr//lib/", "/", "usr|lib", 2},
        {"empty delimiter set", "a b", "", "a b", 1},
};

/* test_split - argv_split drops empty fields */
static void
test_split(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(split_cases); i++) {
		const struct split_case *tc = &split_cases[i];
		struct argv *a = argv_split(tc->in, tc->delims);

		check_argv(tc->name, a, tc->want, tc->count);
		argv_free(a);
	}
}

enum edit_op { ED_INSERT, ED_DELETE, ED_REPLACE, ED_ADDN };

static const struct edit_case {
	const char *name;
	const char *init; /* space separated */
	enum edit_op op;
	size_t where;
	size_t count; /* delete count, addn length */
	const char *arg;
	const char *want;
	size_t want_count;
} edit_cases[] = {
        {"insert at start", "a b c", ED_INSERT, 0, 0, "x", "x|a|b|c", 4},
        {"insert in middle", "a b c", ED_INSERT, 1, 0, "x", "a|x|b|c", 4},
        {"insert at end", "a b c", ED_INSERT, 3, 0, "x", "a|b|c|x", 4},
        {"insert into empty", "", ED_INSERT, 0, 0, "x", "x", 1},
        {"insert grows", "a b c d", ED_INSERT, 2, 0, "x", "a|b|x|c|d", 5},
        {"delete first", "a b c", ED_DELETE, 0, 1, NULL, "b|c", 2},
        {"delete middle two", "a b c d", ED_DELETE, 1, 2, NULL, "a|d", 2},
        {"delete last", "a b c", ED_DELETE, 2, 1, NULL, "a|b", 2},
        {"delete all", "a b c", ED_DELETE, 0, 3, NULL, "", 0},
        {"delete none", "a b c", ED_DELETE, 1, 0, NULL, "a|b|c", 3},
        {"delete none at end", "a b c", ED_DELETE, 3, 0, NULL, "a|b|c", 3},
        {"replace first", "a b c", ED_REPLACE, 0, 0, "x", "x|b|c", 3},
        {"replace last", "a b c", ED_REPLACE, 2, 0, "longer", "a|b|longer", 3},
        {"addn prefix", "a", ED_ADDN, 0, 2, "xyz", "a|xy", 2},
        {"addn zero", "a", ED_ADDN, 0, 0, "xyz", "a|", 2},
        {"addn past NUL", "a", ED_ADDN, 0, 10, "xy", "a|xy", 2},
};

/* test_edit - insert, delete, replace, addn */
static void
test_edit(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(edit_cases); i++) {
		const struct edit_case *tc = &edit_cases[i];
		struct argv *a = argv_split(tc->init, " ");

		switch (tc->op) {
		case ED_INSERT:
			argv_insert(a, tc->where, tc->arg);
			break;
		case ED_DELETE:
			argv_delete(a, tc->where, tc->count);
			break;
		case ED_REPLACE:
			argv_replace(a, tc->where, tc->arg);
			break;
		case ED_ADDN:
			argv_addn(a, tc->arg, tc->count);
			break;
		}
		check_argv(tc->name, a, tc->want, tc->want_count);
		argv_free(a);
	}
}

/* test_add_copies - argv owns copies, not the caller's pointers */
static void
test_add_copies(void **state)
{
	struct argv *a = argv_alloc(0);
	char buf[] = "original";

	(void) state;
	argv_add(a, buf);
	buf[0] = 'X';
	CHECK_STR("add copies", a->argv[0], "original");
	CHECK_TRUE("add copies", a->argv[0] != buf, "pointer was stored");
	argv_free(a);
	CHECK_TRUE("free NULL", argv_free(NULL) == NULL, "not NULL");
}

/* test_many - growth keeps order and the terminator */
static void
test_many(void **state)
{
	struct argv *a = argv_alloc(1);
	char name[32];

	(void) state;
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		argv_add(a, name);
		CHECK_TRUE("many", a->argv[a->argc] == NULL, "no terminator");
	}
	CHECK_LONG("many count", a->argc, 1000);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		CHECK_STR("many element", a->argv[i], name);
	}
	argv_free(a);
}

static const struct sort_case {
	const char *name;
	const char *in;
	const char *want;
} sort_cases[] = {
        {"already sorted", "a b c", "a|b|c"},
        {"reversed", "c b a", "a|b|c"},
        {"byte order, upper first", "b B a A", "A|B|a|b"},
        {"prefixes first", "abc ab a", "a|ab|abc"},
        {"duplicates kept", "b a b", "a|b|b"},
        {"one element", "x", "x"},
        {"empty", "", ""},
        {"underscore after upper", "a_b aB a", "a|aB|a_b"},
};

/* test_sort - byte order */
static void
test_sort(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(sort_cases); i++) {
		const struct sort_case *tc = &sort_cases[i];
		struct argv *a = argv_split(tc->in, " ");
		char *got;

		argv_sort(a);
		got = joined(a);
		CHECK_STR(tc->name, got, tc->want);
		xfree(got);
		argv_free(a);
	}
}

static const struct join_case {
	const char *name;
	const char *in;
	const char *sep;
	const char *want;
} join_cases[] = {
        {"comma space", "a b c", ", ", "a, b, c"},
        {"empty separator", "a b c", "", "abc"},
        {"one element", "a", ", ", "a"},
        {"no elements", "", ", ", ""},
};

/* test_join - separator only between elements */
static void
test_join(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(join_cases); i++) {
		const struct join_case *tc = &join_cases[i];
		struct argv *a = argv_split(tc->in, " ");
		char *got = argv_join(a, tc->sep);

		CHECK_STR(tc->name, got, tc->want);
		xfree(got);
		argv_free(a);
	}
}

/* The reject paths: positions outside the array are broken invariants. */
static const struct bad_case {
	const char *name;
	enum edit_op op;
	size_t where;
	size_t count;
	const char *want_log;
} bad_cases[] = {
        {"insert past end", ED_INSERT, 4, 0,
         "panic: argv_insert: bad position 4"},
        {"delete start past end", ED_DELETE, 4, 0,
         "panic: argv_delete: bad range 4+0"},
        {"delete count past end", ED_DELETE, 1, 3,
         "panic: argv_delete: bad range 1+3"},
        {"delete huge count", ED_DELETE, 1, (size_t) -1,
         "panic: argv_delete: bad range"},
        {"replace at end", ED_REPLACE, 3, 0,
         "panic: argv_replace: bad position 3"},
};

/* bad_edit - child: one out-of-range edit of "a b c" */
static void
bad_edit(const void *arg)
{
	const struct bad_case *tc = arg;
	struct argv *a = argv_split("a b c", " ");

	switch (tc->op) {
	case ED_INSERT:
		argv_insert(a, tc->where, "x");
		break;
	case ED_DELETE:
		argv_delete(a, tc->where, tc->count);
		break;
	case ED_REPLACE:
		argv_replace(a, tc->where, "x");
		break;
	case ED_ADDN:
		break;
	}
	argv_free(a);
}

/* test_bad_positions - each out-of-range edit panics */
static void
test_bad_positions(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(bad_cases); i++) {
		struct child_result r;

		child_run(bad_edit, &bad_cases[i], &r);
		CHECK_CHILD(bad_cases[i].name, r, "signal 6",
		            bad_cases[i].want_log);
		child_result_free(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_split),
	        cmocka_unit_test(test_edit),
	        cmocka_unit_test(test_add_copies),
	        cmocka_unit_test(test_many),
	        cmocka_unit_test(test_sort),
	        cmocka_unit_test(test_join),
	        cmocka_unit_test(test_bad_positions),
	};

	return cmocka_run_group_tests_name("argv", tests, NULL, NULL);
}
