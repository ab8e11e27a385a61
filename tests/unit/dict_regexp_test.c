/*
 * dict_regexp_test - unit tests for regexp: tables
 */
#include "tabletest.h"

static const struct lookup_case lookup_cases[] = {
        {"plain match", "/^foo$/ bar\n", "foo", "bar"},
        {"no match", "/^foo$/ bar\n", "food", NULL},
        {"empty table", "", "foo", NULL},
        {"only comments", "# nothing\n\n  # indented\n", "foo", NULL},
        {"first match wins", "/a/ first\n/a/ second\n", "a", "first"},
        {"later rule", "/x/ first\n/a/ second\n", "a", "second"},
        {"case-insensitive by default", "/^foo$/ bar\n", "FOO", "bar"},
        {"i flag: case-sensitive", "/^foo$/i bar\n", "FOO", NULL},
        {"i flag: same case", "/^Foo$/i bar\n", "Foo", "bar"},
        {"ii toggles back", "/^foo$/ii bar\n", "FOO", "bar"},
        {"negation fires", "!/^foo$/ notfoo\n", "bar", "notfoo"},
        {"negation holds back", "!/^foo$/ notfoo\n", "foo", NULL},
        {"negation with space", "! /^foo$/ notfoo\n", "bar", "notfoo"},
        {"$1 and $2", "/^(.*)@(.*)$/ $2 $1\n", "user@example.com",
         "example.com user"},
        {"${n} and $(n)", "/^(a+)(b+)$/ ${1}x$(2)y\n", "aabb", "aaxbby"},
        {"$$ is a dollar", "/^(a)$/ $$$1$$\n", "a", "$a$"},
        {"group used twice", "/^(a)$/ $1-$1\n", "a", "a-a"},
        {"group that did not match", "/^(a)|(b)$/ [$1][$2]\n", "b", "[][b]"},
        {"optional group", "/^(a)(b)?$/ [$2]\n", "a", "[]"},
        {"two-digit group", "/^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)$/ $10-${1}0\n",
         "abcdefghij", "j-a0"},
        {"group keeps key case", "/^(.*)$/ <$1>\n", "MiXed", "<MiXed>"},
        {"other delimiter", "|^a/b$| slash\n", "a/b", "slash"},
        {"escaped delimiter", "/^a\\/b$/ escaped\n", "a/b", "escaped"},
        {"letter delimiter after !", "!xax no-a\n", "b", "no-a"},
        {"space inside pattern", "/^a b$/ space\n", "a b", "space"},
        {"tab before result", "/a/\t\tresult\n", "a", "result"},
        {"result keeps inner spaces", "/a/ REJECT go  away   \n", "a",
         "REJECT go  away"},
        {"CRLF line", "/a/ crlf\r\n", "a", "crlf"},
        {"continuation line", "/^a$/\n  continued result\n", "a",
         "continued result"},
        {"continuation of result", "/^a$/ one\n two\n", "a", "one two"},
        {"comment inside continuation", "/^a$/ one\n# c\n two\n", "a",
         "one two"},
        {"if matches", "if /^a/\n/b$/ ab\nendif\n/b$/ other\n", "ab", "ab"},
        {"if skips block", "if /^a/\n/b$/ ab\nendif\n/b$/ other\n", "cb",
         "other"},
        {"if !", "if !/^a/\n/b$/ not-a\nendif\n", "cb", "not-a"},
        {"if ! skips block", "if !/^a/\n/b$/ not-a\nendif\n", "ab", NULL},
        {"nested inner",
         "if /^a/\nif /b/\n/c$/ abc\nendif\n/c$/ ac\nendif\n"
         "/c$/ c\n",
         "abc", "abc"},
        {"nested outer",
         "if /^a/\nif /b/\n/c$/ abc\nendif\n/c$/ ac\nendif\n"
         "/c$/ c\n",
         "ac", "ac"},
        {"nested skipped",
         "if /^a/\nif /b/\n/c$/ abc\nendif\n/c$/ ac\nendif\n"
         "/c$/ c\n",
         "xbc", "c"},
        {"IF ENDIF in capitals", "IF /a/\n/b/ ab\nENDIF\n", "ab", "ab"},
        {"if without space", "if/a/\n/b/ ab\nendif\n", "ab", "ab"},
        {"if with flags", "if /^A/i\n/b/ ab\nendif\n", "ab", NULL},
        {"m flag: ^ after newline", "/^b$/m line\n", "a\nb", "line"},
        {"no m flag", "/^b$/ line\n", "a\nb", NULL},
        {"dot matches newline", "/^a.b$/ dot\n", "a\nb", "dot"},
        {"m flag: dot stops at newline", "/^a.b$/m dot\n", "a\nb", NULL},
        {"x flag: basic syntax", "/^a+$/x plus\n", "a+", "plus"},
        {"x flag: no repetition", "/^a+$/x plus\n", "aa", NULL},
        {"empty pattern", "// all\n", "anything", "all"},
        {"empty key", "/^$/ empty\n", "", "empty"},
        {"key with newline", "/b/ b\n", "a\nb", "b"},
        {"bracket expression", "/^[[:digit:]]+$/ digits\n", "123", "digits"},
};

/* test_lookup - results of valid tables */
static void
test_lookup(void **state)
{
	(void) state;
	table_check_lookups("regexp", lookup_cases, NELEM(lookup_cases));
}

static const struct warn_case warn_cases[] = {
        {"no closing delimiter", "/abc result\n/x/ ok\n", 1,
         "no closing regexp delimiter \"/\": skipping this rule", NULL, "x",
         "ok"},
        {"unknown flag", "/a/q result\n", 1,
         "unknown regexp option \"q\": skipping this rule", NULL, "a", NULL},
        {"bad expression", "/x/ ok\n/a(/ result\n", 2, "Unmatched ( or \\(",
         NULL, "x", "ok"},
        {"group out of range", "/a/ $1\n", 1,
         "out of range replacement index \"1\": skipping this rule", NULL, "a",
         NULL},
        {"group above count", "/(a)(b)/ $3\n", 1,
         "out of range replacement index \"3\": skipping this rule", NULL, "ab",
         NULL},
        {"group zero", "/(a)/ $0\n", 1, "out of range replacement index \"0\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"group in negation", "!/(a)/ $1\n", 1,
         "$number found in negative match replacement text: skipping this "
         "rule",
         NULL, "b", NULL},
        {"non-numeric name", "/a/ ${foo}\n", 1,
         "non-numeric replacement index \"foo\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"digits then letters", "/(a)/ $1abc\n", 1,
         "non-numeric replacement index \"1abc\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"unclosed brace", "/(a)/ ${1\n", 1,
         "truncated macro reference: \"${1\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"mismatched parens", "/(a)/ $(1}\n", 1,
         "truncated macro reference: \"$(1}\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"lone dollar", "/a/ cost $ 5\n", 1, "empty macro name: \"cost $ 5\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"empty braces", "/a/ ${}\n", 1, "empty macro name: \"${}\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"no replacement text", "/a/\n", 1,
         "no replacement text: using empty string", NULL, "a", ""},
        {"! alone", "/x/ x\n!\n", 2, "no regexp: skipping this rule", NULL, "b",
         NULL},
        {"if without pattern", "if\n/a/ a\n", 1,
         "no regexp: skipping this rule", NULL, "a", "a"},
        {"if with bad pattern", "if /a(/\n/b/ b\nendif\n", 1,
         "Unmatched ( or \\(", NULL, "b", "b"},
        {"unrecognized request", "foo bar\n/a/ a\n", 1,
         "ignoring unrecognized request", NULL, "a", "a"},
        {"keyword prefix", "ifx /a/\n", 1, "ignoring unrecognized request",
         NULL, "a", NULL},
        {"endif without if", "endif\n/a/ ok\n", 1,
         "ignoring ENDIF without matching IF", NULL, "a", "ok"},
        {"if without endif", "/x/ x\nif /a/\n/b/ ab\n", 2,
         "IF has no matching ENDIF", NULL, "ab", "ab"},
        {"if without endif guards the rest", "/x/ x\nif /a/\n/b/ ab\n", 2,
         "IF has no matching ENDIF", NULL, "b", NULL},
        {"inner if without endif", "if /a/\nif /b/\n/c/ abc\nendif\n", 1,
         "IF has no matching ENDIF", NULL, "ac", NULL},
        {"extra text after if", "if /a/ /b/ ab\n/c/ c\nendif\n", 1,
         "ignoring extra text after IF statement: \"/b/ ab\"",
         "do not prepend whitespace to statements between IF and ENDIF", "ac",
         "c"},
        {"indented rule joins the if", "if /a/\n  /b/ ab\nendif\n/c/ c\n", 1,
         "ignoring extra text after IF statement: \"/b/ ab\"", NULL, "ab",
         NULL},
        {"extra text after endif", "if /a/\n/b/ ab\nendif junk\n/c/ c\n", 3,
         "ignoring extra text after ENDIF", NULL, "c", "c"},
        {"leading white space", "  /a/ x\n/b/ y\n", 1,
         "logical line must not start with whitespace: \"  /a/ x\"", NULL, "b",
         "y"},
        {"line number of a continued rule", "# c\n/a(/\n  result\n/x/ x\n", 2,
         "Unmatched ( or \\(", NULL, "x", "x"},
};

/* test_warnings - bad rules are reported with file and line, and skipped */
static void
test_warnings(void **state)
{
	(void) state;
	table_check_warnings("regexp", warn_cases, NELEM(warn_cases));
}

/* test_open - read-only, open errors, flags, change detection */
static void
test_open(void **state)
{
	(void) state;
	table_check_open("regexp", "/^(a)/ x$1\n", "abc", "xa");
	table_open_fails("regexp", table_dir, O_RDONLY, "Is a directory");
}

static const struct inline_case {
	const char *name;
	const char *table;
	const char *key;
	const char *want; /* NULL: not found; "ERROR": does not open */
} inline_cases[] = {
        {"two rules", "{ {/^a/ x}, { /^b/ y } }", "b", "y"},
        {"comma in a rule", "{ {/^a,b$/ comma} }", "a,b", "comma"},
        {"braces in a rule", "{ {/^a{2}$/ two} }", "aa", "two"},
        {"empty", "{}", "a", NULL},
        {"empty rule", "{ {}, {/a/ x} }", "a", "x"},
        {"rule without braces", "{ /a/ x }", "a", "ERROR"},
        {"unclosed", "{ {/a/ x}", "a", "ERROR"},
};

/* test_inline - regexp:{ {rule}, {rule} } */
static void
test_inline(void **state)
{
	struct vstr *name = vstr_alloc(100), *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(inline_cases); i++) {
		const struct inline_case *tc = &inline_cases[i];
		struct dict *d;

		vstr_fmt(name, "regexp:%s", tc->table);
		d = dict_open_checked(vstr_str(name), O_RDONLY,
		                      DICT_FLAG_DEFAULT, why);
		if (d == NULL) {
			CHECK_STR(tc->name, "ERROR", tc->want);
			continue;
		}
		CHECK_NSTR(tc->name, table_get(d, tc->key), tc->want);
		CHECK_NSTR(tc->name, dict_changed(), NULL);
		dict_close(d);
	}
	vstr_free(name);
	vstr_free(why);
}

/* test_inline_warning - an inline table names itself in warnings */
static void
test_inline_warning(void **state)
{
	struct dict *d = dict_open("regexp:{ {/a(/ x}, {/a/ y} }", O_RDONLY,
	                           DICT_FLAG_DEFAULT);

	(void) state;
	CHECK_TRUE("warning",
	           capture_has(&table_logs, "warning: regexp map { {/a(/ x}, "
	                                    "{/a/ y} }, line 1: "),
	           vstr_str(table_logs.text));
	CHECK_NSTR("lookup", table_get(d, "a"), "y");
	dict_close(d);
}

/* test_result_buffer - each lookup replaces the previous result */
static void
test_result_buffer(void **state)
{
	struct dict *d = table_open("regexp", "/^(.*)$/ <$1>\n");
	const char *v1, *v2;

	(void) state;
	CHECK_LONG("first", dict_get(d, "one", &v1), DICT_FOUND);
	CHECK_STR("first", v1, "<one>");
	CHECK_LONG("second", dict_get(d, "a much longer key than before", &v2),
	           DICT_FOUND);
	CHECK_STR("second", v2, "<a much longer key than before>");
	CHECK_LONG("third", dict_get(d, "", &v2), DICT_FOUND);
	CHECK_STR("third", v2, "<>");
	dict_close(d);
}

/* test_surrogate - dict_open() of a missing file defers every lookup */
static void
test_surrogate(void **state)
{
	struct dict *d = dict_open("regexp:/nonexistent/table", O_RDONLY,
	                           DICT_FLAG_DEFAULT);
	const char *v;

	(void) state;
	CHECK_LONG("lookup", dict_get(d, "a", &v), DICT_ERROR);
	CHECK_TRUE("warning", capture_has(&table_logs, "/nonexistent/table"),
	           vstr_str(table_logs.text));
	dict_close(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_lookup, table_setup,
	                                        table_teardown),
	        cmocka_unit_test_setup_teardown(test_warnings, table_setup,
	                                        table_teardown),
	        cmocka_unit_test_setup_teardown(test_open, table_setup,
	                                        table_teardown),
	        cmocka_unit_test_setup_teardown(test_inline, table_setup,
	                                        table_teardown),
	        cmocka_unit_test_setup_teardown(test_inline_warning,
	                                        table_setup, table_teardown),
	        cmocka_unit_test_setup_teardown(test_result_buffer, table_setup,
	                                        table_teardown),
	        cmocka_unit_test_setup_teardown(test_surrogate, table_setup,
	                                        table_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
