/*
 * postmap_source_test - postmap's source line split, and the UTF-8 checks
 * and key folding that postmap and postalias share (mkmap_utf8.c)
 */
#include "testutil.h"

#include "mkmap.h"

#include "../../mta/postmap/postmap_build.c"

static const struct split_case {
	const char *name;
	const char *in;
	int want;
	const char *key;
	const char *value;
} split_cases[] = {
        {"tab", "foo\tbar", POSTMAP_SPLIT_OK, "foo", "bar"},
        {"value with spaces trimmed", "k  v w \t", POSTMAP_SPLIT_OK, "k",
         "v w"},
        {"quoted key keeps quotes", "\"a b\" c d", POSTMAP_SPLIT_OK, "\"a b\"",
         "c d"},
        {"backslash protects space", "esc\\ x y", POSTMAP_SPLIT_OK, "esc\\ x",
         "y"},
        {"alias-looking key", "foo: bar", POSTMAP_SPLIT_OK, "foo:", "bar"},
        {"CR is white space", "k v\r", POSTMAP_SPLIT_OK, "k", "v"},
        {"no value", "novalue", POSTMAP_SPLIT_FORMAT, NULL, NULL},
        {"only blanks after key", "k   ", POSTMAP_SPLIT_FORMAT, NULL, NULL},
        {"unbalanced quote", "\"unbal x", POSTMAP_SPLIT_QUOTE, NULL, NULL},
        {"trailing backslash", "k\\", POSTMAP_SPLIT_FORMAT, NULL, NULL},
};

/* test_split - "key whitespace value" */
static void
test_split(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(split_cases); i++) {
		const struct split_case *tc = &split_cases[i];
		char *copy = xstrdup(tc->in);
		char *key, *value;
		int got = postmap_split(copy, &key, &value);

		CHECK_LONG(tc->name, got, tc->want);
		if (tc->want == POSTMAP_SPLIT_QUOTE)
			CHECK_STR(tc->name, copy, tc->in);
		if (tc->want == POSTMAP_SPLIT_OK) {
			CHECK_STR(tc->name, key, tc->key);
			CHECK_STR(tc->name, value, tc->value);
		}
		xfree(copy);
	}
}

static const struct valid_case {
	const char *name;
	const char *in;
	bool want;
} valid_cases[] = {
        {"ascii", "abc", true},
        {"two bytes", "caf\xc3\xa9", true},
        {"three bytes", "\xe2\x82\xac", true},
        {"four bytes", "\xf0\x9f\x98\x80", true},
        {"empty", "", true},
        {"lone continuation", "a\x80", false},
        {"bad lead byte", "\xff", false},
        {"truncated", "\xc3", false},
        {"overlong slash", "\xc0\xaf", false},
        {"overlong three", "\xe0\x80\xaf", false},
        {"surrogate", "\xed\xa0\x80", false},
        {"above U+10FFFF", "\xf4\x90\x80\x80", false},
};

/* test_valid - RFC 3629 UTF-8 */
static void
test_valid(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(valid_cases); i++)
		CHECK_LONG(valid_cases[i].name,
		           mkmap_utf8_valid(valid_cases[i].in,
		                            strlen(valid_cases[i].in)),
		           valid_cases[i].want);
}

static const struct fold_case {
	const char *name;
	const char *in;
	const char *want;
} fold_cases[] = {
        {"ascii", "FooBAR@Example.COM", "foobar@example.com"},
        {"latin",
         "\xc3\x84"
         "BC",
         "\xc3\xa4"
         "bc"},
        {"sharp s",
         "Stra\xc3\x9f"
         "e",
         "strasse"},
        {"capital sharp s", "\xe1\xba\x9e", "ss"},
        {"greek final sigma", "\xce\xa3\xce\x91\xcf\x82",
         "\xcf\x83\xce\xb1\xcf\x83"},
        {"invalid bytes copied",
         "A\xff"
         "B",
         "a\xff"
         "b"},
};

/* test_fold - UTF-8 case folding of keys */
static void
test_fold(void **state)
{
	struct vstr *buf = vstr_alloc(10);

	(void) state;
	for (size_t i = 0; i < NELEM(fold_cases); i++)
		CHECK_STR(fold_cases[i].name,
		          mkmap_utf8_fold(buf, fold_cases[i].in),
		          fold_cases[i].want);
	vstr_free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_split),
	        cmocka_unit_test(test_valid),
	        cmocka_unit_test(test_fold),
	};

	return cmocka_run_group_tests_name("postmap_source", tests, NULL, NULL);
}
