/*
 * dict_pcre_test - unit tests for pcre: tables
 */
#include "tabletest.h"

static const struct lookup_case lookup_cases[] = {
        {"plain match", "/^foo$/ bar\n", "foo", "bar"},
        {"no match", "/^foo$/ bar\n", "food", NULL},
        {"empty table", "", "foo", NULL},
        {"first match wins", "/a/ first\n/a/ second\n", "a", "first"},
        {"case-insensitive by default", "/^foo$/ bar\n", "FOO", "bar"},
        {"i flag: case-sensitive", "/^foo$/i bar\n", "FOO", NULL},
        {"i flag: same case", "/^Foo$/i bar\n", "Foo", "bar"},
        {"inline (?i) wins over i", "/^(?i)foo$/i bar\n", "FOO", "bar"},
        {"negation fires", "!/^foo$/ notfoo\n", "bar", "notfoo"},
        {"negation holds back", "!/^foo$/ notfoo\n", "foo", NULL},
        {"$1 and $2", "/^(.*)@(.*)$/ $2 $1\n", "user@example.com",
         "example.com user"},
        {"${n} and $(n)", "/^(a+)(b+)$/ ${1}x$(2)y\n", "aabb", "aaxbby"},
        {"$$ is a dollar", "/^(a)$/ $$$1$$\n", "a", "$a$"},
        {"group that did not match", "/^(a)|(b)$/ [$1][$2]\n", "b", "[][b]"},
        {"trailing group unset", "/^(a)(b)?$/ [$2]\n", "a", "[]"},
        {"two-digit group",
         "/^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)$/ ${11}$10-$1\n", "abcdefghijk",
         "kj-a"},
        {"named group by number", "/^(?<user>[^@]+)@/ $1\n", "joe@x", "joe"},
        {"non-capturing group", "/^(?:a)(b)$/ $1\n", "ab", "b"},
        {"perl classes", "/^\\d+\\s\\w+$/ ok\n", "12 ab", "ok"},
        {"lookahead", "/^(\\w+)(?=@)/ $1\n", "joe@x", "joe"},
        {"\\K", "/^a\\K(b)/ $1\n", "ab", "b"},
        {"backreference", "/^(a)\\1$/ double\n", "aa", "double"},
        {"escaped delimiter", "/^a\\/b$/ escaped\n", "a/b", "escaped"},
        {"other delimiter", "#^a/b$# hash\n", "a/b", NULL},
        {"other delimiter: comma", ",^a/b$, comma\n", "a/b", "comma"},
        {"s on by default", "/^a.b$/ dot\n", "a\nb", "dot"},
        {"s flag: dot stops at newline", "/^a.b$/s dot\n", "a\nb", NULL},
        {"m flag", "/^b$/m line\n", "a\nb\nc", "line"},
        {"no m flag", "/^b$/ line\n", "a\nb\nc", NULL},
        {"x flag", "/^a b c$/x ext\n", "abc", "ext"},
        {"no x flag", "/^a b c$/ plain\n", "abc", NULL},
        {"A flag anchors", "/b/A anchored\n", "ab", NULL},
        {"A flag at start", "/b/A anchored\n", "ba", "anchored"},
        {"$ before final newline", "/^a$/ end\n", "a\n", "end"},
        {"E flag", "/^a$/E end\n", "a\n", NULL},
        {"U flag", "/^(a+)/U $1\n", "aaa", "a"},
        {"no U flag", "/^(a+)/ $1\n", "aaa", "aaa"},
        {"if matches", "if /^a/\n/b$/ ab\nendif\n/b$/ other\n", "ab", "ab"},
        {"if skips block", "if /^a/\n/b$/ ab\nendif\n/b$/ other\n", "cb",
         "other"},
        {"if !", "if !/^a/\n/b$/ not-a\nendif\n", "cb", "not-a"},
        {"if ! skips block", "if !/^a/\n/b$/ not-a\nendif\n", "ab", NULL},
        {"nested", "if /^a/\nif !/b/\n/c$/ a-not-b-c\nendif\n/d/ a-d\nendif\n",
         "ac", "a-not-b-c"},
        {"nested skipped", "if /^a/\nif !/b/\n/c$/ a-not-b-c\nendif\nendif\n",
         "abc", NULL},
        {"continuation line", "/^a$/\n  continued result\n", "a",
         "continued result"},
        {"comments", "# c\n\n/a/ x # not a comment\n", "a",
         "x # not a comment"},
        {"empty pattern", "// all\n", "anything", "all"},
        {"bytes above ASCII", "/^caf\xc3\xa9$/ cafe\n", "caf\xc3\xa9", "cafe"},
};

/* test_lookup - results of valid tables */
static void
test_lookup(void **state)
{
	(void) state;
	table_check_lookups("pcre", lookup_cases, NELEM(lookup_cases));
}

static const struct warn_case warn_cases[] = {
        {"no closing delimiter", "/abc result\n/x/ ok\n", 1,
         "no closing regexp delimiter \"/\": skipping this rule", NULL, "x",
         "ok"},
        {"unknown flag", "/a/q result\n", 1,
         "unknown regexp option \"q\": skipping this rule", NULL, "a", NULL},
        {"X flag ignored", "/a/X x\n", 1,
         "ignoring obsolete regexp option \"X\"", NULL, "a", "x"},
        {"bad expression", "/x/ ok\n/a(/ result\n", 2,
         "error in regex at offset 2: missing closing parenthesis", NULL, "x",
         "ok"},
        {"escaped closing delimiter", "/a\\/ result\n/x/ ok\n", 1,
         "no closing regexp delimiter \"/\": skipping this rule", NULL, "x",
         "ok"},
        {"group out of range", "/a/ $1\n", 1,
         "out of range replacement index \"1\": skipping this rule", NULL, "a",
         NULL},
        {"group zero", "/(a)/ $0\n", 1, "out of range replacement index \"0\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"group in negation", "!/(a)/ $1\n", 1,
         "$number found in negative match replacement text: skipping this "
         "rule",
         NULL, "b", NULL},
        {"group name", "/(?<n>a)/ ${n}\n", 1,
         "non-numeric replacement index \"n\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"unclosed brace", "/(a)/ ${1\n", 1,
         "truncated macro reference: \"${1\"",
         "bad replacement syntax: skipping this rule", "a", NULL},
        {"no replacement text", "/a/\n", 1,
         "no replacement text: using empty string", NULL, "a", ""},
        {"! alone", "!\n", 1, "no regexp: skipping this rule", NULL, "b", NULL},
        {"unrecognized request", "foo bar\n/a/ a\n", 1,
         "ignoring unrecognized request", NULL, "a", "a"},
        {"endif without if", "endif\n/a/ ok\n", 1,
         "ignoring ENDIF without matching IF", NULL, "a", "ok"},
        {"if without endif", "if /a/\n/b/ ab\n", 1, "IF has no matching ENDIF",
         NULL, "b", NULL},
        {"extra text after if", "if /a/ /b/ ab\n/c/ c\nendif\n", 1,
         "ignoring extra text after IF statement: \"/b/ ab\"",
         "do not prepend whitespace to statements between IF and ENDIF", "ac",
         "c"},
        {"extra text after endif", "if /a/\n/b/ ab\nendif junk\n/c/ c\n", 3,
         "ignoring extra text after ENDIF", NULL, "c", "c"},
        {"leading white space", "\t/a/ x\n/b/ y\n", 1,
         "logical line must not start with whitespace: \"?/a/ x\"", NULL, "b",
         "y"},
};

/* test_warnings - bad rules are reported with file and line, and skipped */
static void
test_warnings(void **state)
{
	(void) state;
	table_check_warnings("pcre", warn_cases, NELEM(warn_cases));
}

/* test_open - read-only, open errors, flags, change detection */
static void
test_open(void **state)
{
	(void) state;
	table_check_open("pcre", "/^(a)/ x$1\n", "abc", "xa");
}

/* test_inline - pcre:{ {rule}, {rule} } */
static void
test_inline(void **state)
{
	struct dict *d = dict_open("pcre:{ {/^a/ x}, { /^(b)/ y$1 } }",
	                           O_RDONLY, DICT_FLAG_DEFAULT);

	(void) state;
	CHECK_NSTR("b", table_get(d, "bc"), "yb");
	CHECK_NSTR("c", table_get(d, "c"), NULL);
	dict_close(d);
}

/* test_many_groups - the match data fits the largest group in use */
static void
test_many_groups(void **state)
{
	struct vstr *text = vstr_alloc(1000), *key = vstr_alloc(100);
	struct dict *d;

	(void) state;
	vstr_cat(text, "/^");
	for (int i = 0; i < 40; i++) {
		vstr_cat(text, "(.)");
		vstr_addch(key, 'a' + i % 26);
	}
	vstr_cat(text, "$/ $40$1\n/^(.)/ $1\n");
	d = table_open("pcre", vstr_str(text));
	CHECK_NSTR("40 groups", table_get(d, vstr_str(key)), "na");
	CHECK_NSTR("1 group", table_get(d, "xy"), "x");
	dict_close(d);
	vstr_free(text);
	vstr_free(key);
}

/* test_match_error - a matching error skips the rule, with a warning */
static void
test_match_error(void **state)
{
	/* Catastrophic backtracking runs into PCRE2's match limit. */
	struct dict *d = table_open("pcre", "/^(a|a)*b$/ never\n"
	                                    "!/^(a|a)*b$/ negated\n"
	                                    "/a/ later\n");
	struct vstr *key = vstr_alloc(100);

	(void) state;
	for (int i = 0; i < 40; i++)
		vstr_addch(key, 'a');
	vstr_cat(key, "cb");
	CHECK_NSTR("lookup", table_get(d, vstr_str(key)), "later");
	CHECK_TRUE("warning",
	           capture_has(&table_logs, ", line 1: match limit exceeded\n"),
	           vstr_str(table_logs.text));
	CHECK_TRUE("warning",
	           capture_has(&table_logs, ", line 2: match limit exceeded\n"),
	           vstr_str(table_logs.text));
	dict_close(d);
	vstr_free(key);
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
	        cmocka_unit_test_setup_teardown(test_many_groups, table_setup,
	                                        table_teardown),
	        cmocka_unit_test_setup_teardown(test_match_error, table_setup,
	                                        table_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
