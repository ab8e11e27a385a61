/*
 * stringops_test - unit tests for the small string utilities
 */
#include "stringops.h"
#include "testutil.h"

/* tokens - run a tokenizer over a copy of in; "a|b|c" */
static char *
tokens(const char *in, const char *delims, const char *parens)
{
	char *copy = xstrdup(in);
	char *cp = copy;
	char *tok;
	struct vstr *out = vstr_alloc(100);
	bool first = true;

	while ((tok = parens ? mystrtokq(&cp, delims, parens)
	                     : mystrtok(&cp, delims)) != NULL) {
		if (!first)
			vstr_addch(out, '|');
		vstr_cat(out, tok);
		first = false;
	}
	/* At the end the cursor stays at the end. */
	if (*cp != 0)
		vstr_cat(out, "<cursor not at end>");
	xfree(copy);
	return vstr_export(out);
}

static const struct tok_case {
	const char *name;
	const char *in;
	const char *delims;
	const char *parens; /* NULL: mystrtok */
	const char *want;
} tok_cases[] = {
        {"plain words", "a b c", SPACE_DELIMS, NULL, "a|b|c"},
        {"delimiter runs", "  a\t\t b \n", SPACE_DELIMS, NULL, "a|b"},
        {"empty input", "", SPACE_DELIMS, NULL, ""},
        {"only delimiters", " \t ", SPACE_DELIMS, NULL, ""},
        {"list delimiters", "a,b, c", LIST_DELIMS, NULL, "a|b|c"},
        {"braces are not special", "a {b c} d", SPACE_DELIMS, NULL,
         "a|{b|c}|d"},
        {"q: group kept", "a {b c} d", SPACE_DELIMS, "{}", "a|{b c}|d"},
        {"q: nested group", "x {a {b c} d} y", SPACE_DELIMS, "{}",
         "x|{a {b c} d}|y"},
        {"q: group inside token", "-o{a = b} z", SPACE_DELIMS, "{}",
         "-o{a = b}|z"},
        {"q: unbalanced open runs to end", "a {b c", SPACE_DELIMS, "{}",
         "a|{b c"},
        {"q: stray close is ordinary", "a } b", SPACE_DELIMS, "{}", "a|}|b"},
        {"q: other parens", "f(a, b), g", LIST_DELIMS, "()", "f(a, b)|g"},
        {"q: empty input", "", SPACE_DELIMS, "{}", ""},
};

/* test_tokenizers - mystrtok and mystrtokq */
static void
test_tokenizers(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(tok_cases); i++) {
		const struct tok_case *tc = &tok_cases[i];
		char *got = tokens(tc->in, tc->delims, tc->parens);

		CHECK_STR(tc->name, got, tc->want);
		xfree(got);
	}
}

static const struct extpar_case {
	const char *name;
	const char *in;
	const char *want;     /* NULL: rejected */
	const char *want_why; /* exact reason when rejected */
} extpar_cases[] = {
        {"trimmed inside", "{ a b }", "a b", NULL},
        {"no spaces", "{a=b}", "a=b", NULL},
        {"empty group", "{}", "", NULL},
        {"blank group", "{   }", "", NULL},
        {"nested kept", "{ {a} b }", "{a} b", NULL},
        {"double braces", "{{a}}", "{a}", NULL},
        {"no open brace", "a b}", NULL, "no '{' at start of text"},
        {"leading space", " {a}", NULL, "no '{' at start of text"},
        {"empty text", "", NULL, "no '{' at start of text"},
        {"no close brace", "{a b", NULL, "missing '}' in \"{a b\""},
        {"unbalanced nested", "{a {b}", NULL, "missing '}' in \"{a {b}\""},
        {"text after close", "{a}b", NULL,
         "syntax error after '}' in \"{a}b\""},
        {"extra close", "{a}}", NULL, "syntax error after '}' in \"{a}}\""},
        {"two groups", "{a} {b}", NULL,
         "syntax error after '}' in \"{a} {b}\""},
};

/* test_extpar - "{ text }" and its reject paths */
static void
test_extpar(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(extpar_cases); i++) {
		const struct extpar_case *tc = &extpar_cases[i];
		char *copy = xstrdup(tc->in);
		char *bp = copy;
		struct vstr *why = vstr_alloc(100);
		char *got = extpar(&bp, "{}", why);

		CHECK_NSTR(tc->name, got, tc->want);
		if (got)
			CHECK_TRUE(tc->name, bp == got, "*bp not updated");
		else
			CHECK_STR(tc->name, vstr_str(why), tc->want_why);
		vstr_free(why);
		xfree(copy);
	}
}

static const struct str_case {
	const char *name;
	const char *in;
	const char *want;
} trim_cases[] =
        {
                {"both sides", "  a b \t", "a b"},
                {"nothing to trim", "a", "a"},
                {"all space", " \t\r\n ", ""},
                {"empty", "", ""},
                {"inner space kept", "a  \t b", "a  \t b"},
                {"newline at end", "value\n", "value"},
},
  lower_cases[] =
          {
                  {"mixed", "MyHostName.Example.COM", "myhostname.example.com"},
                  {"already lower", "abc", "abc"},
                  {"digits and punctuation", "A1-B2_C3!", "a1-b2_c3!"},
                  {"high bytes untouched", "\xc3\x89T\xc3\x89",
                   "\xc3\x89t\xc3\x89"},
                  {"empty", "", ""},
},
  printable_cases[] = {
          {"plain ASCII", "Hello, world! ~", "Hello, world! ~"},
          {"tab", "a\tb", "a?b"},
          {"CR LF", "line\r\n", "line??"},
          {"escape and DEL", "\x1b[0m\x7f", "?[0m?"},
          {"two-byte UTF-8 kept", "caf\xc3\xa9", "caf\xc3\xa9"},
          {"three-byte UTF-8 kept", "\xe2\x82\xac 5", "\xe2\x82\xac 5"},
          {"four-byte UTF-8 kept", "\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!"},
          {"lone continuation byte", "a\x80z", "a?z"},
          {"truncated sequence at end", "a\xc3", "a?"},
          {"truncated sequence before ASCII", "\xc3(", "?("},
          {"truncated three-byte", "\xe2\x82z", "??z"},
          {"overlong lead C0", "\xc0\xaf", "??"},
          {"lead byte F5 invalid", "\xf5\x80\x80\x80", "????"},
          {"latin-1 text", "\xe9t\xe9", "?t?"},
          {"empty", "", ""},
};

/* test_trim_space - leading and trailing white space */
static void
test_trim_space(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(trim_cases); i++) {
		char *copy = xstrdup(trim_cases[i].in);

		CHECK_STR(trim_cases[i].name, trim_space(copy),
		          trim_cases[i].want);
		xfree(copy);
	}
}

/* test_lowercase - ASCII folding in place */
static void
test_lowercase(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(lower_cases); i++) {
		char *copy = xstrdup(lower_cases[i].in);

		CHECK_TRUE(lower_cases[i].name, lowercase(copy) == copy,
		           "not in place");
		CHECK_STR(lower_cases[i].name, copy, lower_cases[i].want);
		xfree(copy);
	}
}

/* test_printable - unsafe bytes replaced, valid UTF-8 kept */
static void
test_printable(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(printable_cases); i++) {
		char *copy = xstrdup(printable_cases[i].in);

		CHECK_STR(printable_cases[i].name, printable(copy, '?'),
		          printable_cases[i].want);
		xfree(copy);
	}
}

static const struct pred_case {
	const char *name;
	const char *in;
	bool want;
} alldig_cases[] =
        {
                {"digits", "0123456789", true},
                {"one digit", "7", true},
                {"empty", "", false},
                {"sign", "-1", false},
                {"plus", "+1", false},
                {"letter", "12a", false},
                {"leading space", " 1", false},
                {"trailing space", "1 ", false},
                {"decimal point", "1.5", false},
                {"high byte", "1\xb2", false},
},
  allalnum_cases[] = {
          {"letters digits underscore", "smtpd_tls_2", true},
          {"one letter", "a", true},
          {"underscore only", "_", true},
          {"empty", "", false},
          {"hyphen", "a-b", false},
          {"space", "a b", false},
          {"dot", "a.b", false},
          {"dollar", "$a", false},
          {"high byte", "caf\xc3\xa9", false},
};

/* test_alldig - validator reject paths */
static void
test_alldig(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(alldig_cases); i++)
		CHECK_LONG(alldig_cases[i].name, alldig(alldig_cases[i].in),
		           alldig_cases[i].want);
}

/* test_allalnum - validator reject paths */
static void
test_allalnum(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(allalnum_cases); i++)
		CHECK_LONG(allalnum_cases[i].name,
		           allalnum(allalnum_cases[i].in),
		           allalnum_cases[i].want);
}

static const struct nameval_case {
	const char *name;
	const char *in;
	int want_rc;
	const char *want_name; /* or the reason when rc is -1 */
	const char *want_value;
} nameval_cases[] = {
        {"spaces around =", "name = value", 0, "name", "value"},
        {"no spaces", "name=value", 0, "name", "value"},
        {"outer space trimmed", "  name\t=\tvalue  ", 0, "name", "value"},
        {"empty value", "name =", 0, "name", ""},
        {"blank value", "name =   ", 0, "name", ""},
        {"= in value", "name = a = b", 0, "name", "a = b"},
        {"inner value space kept", "name = a  b", 0, "name", "a  b"},
        {"missing =", "name value", -1, "missing '=' after attribute name",
         NULL},
        {"empty input", "", -1, "missing '=' after attribute name", NULL},
        {"missing name", "= value", -1, "missing attribute name", NULL},
        {"missing name after space", "   =value", -1, "missing attribute name",
         NULL},
        {"space in name", "na me = value", -1,
         "missing '=' after attribute name", NULL},
        {"tab in name", "na\tme=value", -1, "missing '=' after attribute name",
         NULL},
};

/* test_split_nameval - "name = value" and its reject paths */
static void
test_split_nameval(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(nameval_cases); i++) {
		const struct nameval_case *tc = &nameval_cases[i];
		char *copy = xstrdup(tc->in);
		char *name = NULL, *value = NULL;
		const char *why = NULL;
		int rc = split_nameval(copy, &name, &value, &why);

		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc == 0) {
			CHECK_STR(tc->name, name, tc->want_name);
			CHECK_STR(tc->name, value, tc->want_value);
		} else {
			CHECK_NSTR(tc->name, why, tc->want_name);
		}
		xfree(copy);
	}
}

static const struct affix_case {
	const char *name;
	const char *s;
	const char *affix;
	bool want_prefix;
	bool want_suffix;
} affix_cases[] = {
        {"both", "abcab", "ab", true, true},
        {"prefix only", "abc", "ab", true, false},
        {"suffix only", "cab", "ab", false, true},
        {"neither", "xyz", "ab", false, false},
        {"whole string", "ab", "ab", true, true},
        {"affix longer", "a", "ab", false, false},
        {"empty affix", "abc", "", true, true},
        {"empty string", "", "a", false, false},
        {"case differs", "ABc", "ab", false, false},
};

/* test_affixes - str_prefix and str_suffix */
static void
test_affixes(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(affix_cases); i++) {
		const struct affix_case *tc = &affix_cases[i];

		CHECK_LONG(tc->name, str_prefix(tc->s, tc->affix),
		           tc->want_prefix);
		CHECK_LONG(tc->name, str_suffix(tc->s, tc->affix),
		           tc->want_suffix);
	}
}

static const struct word_case {
	const char *name;
	const char *list;
	const char *word;
	bool want;
} word_cases[] = {
        {"first", "canonical, virtual", "canonical", true},
        {"last", "canonical, virtual", "virtual", true},
        {"any case", "IPv4 IPv6", "ipv6", true},
        {"tabs and commas", "a,\tb ,c", "b", true},
        {"prefix only", "canonical", "canon", false},
        {"longer word", "canon", "canonical", false},
        {"empty list", "", "a", false},
        {"null list", NULL, "a", false},
        {"empty word", "a, b", "", false},
};

/* test_list_has_word - membership in comma/space lists */
static void
test_list_has_word(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(word_cases); i++) {
		const struct word_case *tc = &word_cases[i];

		CHECK_LONG(tc->name, list_has_word(tc->list, tc->word),
		           tc->want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_tokenizers),
	        cmocka_unit_test(test_extpar),
	        cmocka_unit_test(test_trim_space),
	        cmocka_unit_test(test_lowercase),
	        cmocka_unit_test(test_printable),
	        cmocka_unit_test(test_alldig),
	        cmocka_unit_test(test_allalnum),
	        cmocka_unit_test(test_split_nameval),
	        cmocka_unit_test(test_affixes),
	        cmocka_unit_test(test_list_has_word),
	};

	return cmocka_run_group_tests_name("stringops", tests, NULL, NULL);
}
