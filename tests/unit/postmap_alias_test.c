/*
 * postmap_alias_test - the aliases(5) tokenizer and entry parser of
 * postalias, against what Debian's postalias 3.7 stores for each input
 */
#include "testutil.h"

#include "../../mta/postalias/postalias_build.c"
#include "../../mta/postalias/postalias_tok.c"

static const struct parse_case {
	const char *name;
	const char *in;
	int want;
	const char *key;
	const char *value;
} parse_cases[] = {
        {"simple", "postmaster:root", ALIAS_OK, "postmaster", "root"},
        {"list with spaces", "Root: Joe, |\"/usr/bin/prog arg\" , /var/x",
         ALIAS_OK, "Root", "Joe, |\"/usr/bin/prog arg\", /var/x"},
        {"quoted name", "\"Quoted Name\": a", ALIAS_OK, "Quoted Name", "a"},
        {"continuation joined", "multi: a,   b,\tc", ALIAS_OK, "multi",
         "a, b, c"},
        {"include", "inc: :include:/etc/list", ALIAS_OK, "inc",
         ":include:/etc/list"},
        {"pipe is an operator", "sp: x |prog", ALIAS_OK, "sp", "x|prog"},
        {"dots and at", "d: a . b @ c . d", ALIAS_OK, "d", "a.b@c.d"},
        {"comment kept", "cm: a (comment here) b", ALIAS_OK, "cm",
         "a (comment here) b"},
        {"unterminated comment", "c: x(y,x ( y", ALIAS_OK, "c", "x (y,x ( y"},
        {"domain literal", "dl: [1.2.3.4] x", ALIAS_OK, "dl", "[1.2.3.4] x"},
        {"escaped specials quoted", "bs: a\\,b c\\ d", ALIAS_OK, "bs",
         "\"a,b\" \"c d\""},
        {"quoted with quote", "q: \"a b\"@c, \"x\\\"y\"", ALIAS_OK, "q",
         "\"a b\"@c, \"x\\\"y\""},
        {"tab in quotes", "qt: \"a\tb\" [c\td] e\\\tf", ALIAS_OK, "qt",
         "\"a b\" [c d] \"e f\""},
        {"domlit quoting", "d: [a\\]b] [a\\\\b]", ALIAS_OK, "d",
         "[a]b] [a\\\\b]"},
        {"unterminated quote", "u: \"abc", ALIAS_OK, "u", "\"abc\""},
        {"space before <", "lt: <a@b> x <c>", ALIAS_OK, "lt", "<a@b>x <c>"},
        {"control char quoted", "c: a\001b", ALIAS_OK, "c", "\"a\001b\""},
        {"8-bit not quoted", "e: caf\xc3\xa9", ALIAS_OK, "e", "caf\xc3\xa9"},
        {"empty quoted value", "e: \"\"", ALIAS_OK, "e", "\"\""},
        {"name of several words", "kk a b: c", ALIAS_OK, "kk a b", "c"},
        {"bang is an operator", "x!y: v", ALIAS_OK, "x!y", "v"},
        {"no colon", "nocolon here", ALIAS_NEED_PAIR, NULL, NULL},
        {"no value", "empty:", ALIAS_NEED_PAIR, NULL, NULL},
        {"no name", ":novalue", ALIAS_NEED_PAIR, NULL, NULL},
        {"list of names", "k1, k2: v", ALIAS_NEED_PAIR, NULL, NULL},
        {"domain in name", "a@b: x", ALIAS_NOT_LOCAL, NULL, NULL},
        {"percent in name", "a%b: x", ALIAS_NOT_LOCAL, NULL, NULL},
        {"nothing", "   ", ALIAS_EMPTY, NULL, NULL},
};

/* test_parse - key in internal form, value in external form */
static void
test_parse(void **state)
{
	struct vstr *key = vstr_alloc(10), *value = vstr_alloc(10);

	(void) state;
	for (size_t i = 0; i < NELEM(parse_cases); i++) {
		const struct parse_case *tc = &parse_cases[i];
		int got = postalias_parse(tc->in, key, value);

		CHECK_LONG(tc->name, got, tc->want);
		if (tc->want != ALIAS_OK)
			continue;
		CHECK_STR(tc->name, vstr_str(key), tc->key);
		CHECK_STR(tc->name, vstr_str(value), tc->value);
	}
	vstr_free(key);
	vstr_free(value);
}

static const struct scan_case {
	const char *name;
	const char *in;
	const char *want; /* token types: a atom, q qstring, c comment,
	                     d domlit, else the operator */
} scan_cases[] = {
        {"atoms and operators", "a@b.c", "a@a.a"},
        {"quote and comment", "\"x\" (y) [z]", "qcd"},
        {"escaped atom becomes quoted", "a\\(b", "q"},
        {"backslash starts an atom", "\\x", "a"},
        {"all operators", "|%!),.:;<>@]", "|%!),.:;<>@]"},
        {"not operators", "#$&'*+-/=?^_`{}~", "a"},
        {"empty", "", ""},
};

/* test_scan - token boundaries and types */
static void
test_scan(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(scan_cases); i++) {
		struct alias_toks *t = postalias_tok_scan(scan_cases[i].in);
		struct vstr *got = vstr_alloc(10);

		for (size_t j = 0; j < t->count; j++) {
			int type = t->tok[j].type;

			vstr_addch(got, type == ATOK_ATOM      ? 'a'
			                : type == ATOK_QSTRING ? 'q'
			                : type == ATOK_COMMENT ? 'c'
			                : type == ATOK_DOMLIT  ? 'd'
			                                       : type);
		}
		CHECK_STR(scan_cases[i].name, vstr_str(got),
		          scan_cases[i].want);
		vstr_free(got);
		postalias_tok_free(t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse),
	        cmocka_unit_test(test_scan),
	};

	return cmocka_run_group_tests_name("postmap_alias", tests, NULL, NULL);
}
