/*
 * mac_expand_test - unit tests for $name expansion
 */
#include "mac_expand.h"
#include "testutil.h"

/* The variables that the expansions below can see. */
static const struct var {
	const char *name;
	const char *value;
} vars[] = {
        {"foo", "bar"},
        {"empty", ""},
        {"a", "$b"}, /* for recursion */
        {"b", "B"},
        {"c", "[$a]"},
        {"braced", "${b}"},
        {"loop", "$loop"},
        {"l1", "x$l2"},
        {"l2", "y$l1"},
        {"self_cond", "${self_cond?$self_cond}"},
        {"n5", "5"},
        {"n10", "10"},
        {"neg", "-3"},
        {"lvl", "3.6"},
        {"dollar", "$$"},
        {"x_1", "underscore"},
        {"Mixed9", "mixed"},
};

struct lookup_ctx {
	int calls;
};

/* lookup - the value of a name in vars, or NULL */
static const char *
lookup(const char *name, void *ctx)
{
	struct lookup_ctx *lc = ctx;

	lc->calls++;
	for (size_t i = 0; i < NELEM(vars); i++)
		if (strcmp(vars[i].name, name) == 0)
			return vars[i].value;
	return NULL;
}

#define R MAC_EXP_RECURSE

static const struct tcase {
	const char *name;
	const char *in;
	int flags;
	const char *want; /* output; not checked on MAC_ERROR */
	int want_status;
	const char *want_why; /* substring of the reason on MAC_ERROR */
} cases[] = {
        /* Unconditional references. */
        {"literal text", "no macros here", 0, "no macros here", 0, NULL},
        {"empty text", "", 0, "", 0, NULL},
        {"$name", "$foo", 0, "bar", 0, NULL},
        {"${name}", "${foo}", 0, "bar", 0, NULL},
        {"$(name)", "$(foo)", 0, "bar", 0, NULL},
        {"name ends at non-name char", "x$foo.y", 0, "xbar.y", 0, NULL},
        {"name ends at dash", "$foo-$foo", 0, "bar-bar", 0, NULL},
        {"longest name wins", "$foox", 0, "", MAC_UNDEF, NULL},
        {"braces delimit the name", "${foo}x", 0, "barx", 0, NULL},
        {"underscore and digit", "$x_1", 0, "underscore", 0, NULL},
        {"mixed case names", "$Mixed9", 0, "mixed", 0, NULL},
        {"empty value", "<$empty>", 0, "<>", 0, NULL},
        {"several", "$foo $b ${foo}", 0, "bar B bar", 0, NULL},
        /* $$ */
        {"$$", "$$", 0, "$", 0, NULL},
        {"$$name is literal", "$$foo", 0, "$foo", 0, NULL},
        {"$$ in text", "a$$b", 0, "a$b", 0, NULL},
        {"$$$name", "$$$foo", 0, "$bar", 0, NULL},
        {"$$ from a value, recursive", "$dollar", R, "$", 0, NULL},
        {"$$ from a value, not recursive", "$dollar", 0, "$$", 0, NULL},
        /* Undefined names. */
        {"undefined $name", "<$nosuch>", 0, "<>", MAC_UNDEF, NULL},
        {"undefined ${name}", "<${nosuch}>", 0, "<>", MAC_UNDEF, NULL},
        {"undefined and defined", "$nosuch$foo", 0, "bar", MAC_UNDEF, NULL},
        {"empty is not undefined", "$empty", 0, "", 0, NULL},
        /* ${name?text} and ${name:text} */
        {"? set", "${foo?yes}", 0, "yes", 0, NULL},
        {"? empty", "${empty?yes}", 0, "", 0, NULL},
        {"? undefined", "${nosuch?yes}", 0, "", MAC_UNDEF, NULL},
        {": set", "${foo:no}", 0, "", 0, NULL},
        {": empty", "${empty:no}", 0, "no", 0, NULL},
        {": undefined", "${nosuch:no}", 0, "no", MAC_UNDEF, NULL},
        {"? text expanded", "${foo?<$b>}", 0, "<B>", 0, NULL},
        {": text expanded", "${empty:<$foo>}", 0, "<bar>", 0, NULL},
        {"? text with spaces", "${foo?a b  c}", 0, "a b  c", 0, NULL},
        {"$(name?text)", "$(foo?yes)", 0, "yes", 0, NULL},
        {"? with {text}", "${foo?{yes}}", 0, "yes", 0, NULL},
        {"? with {text} unset", "${empty?{yes}}", 0, "", 0, NULL},
        {": with {text}", "${empty:{no}}", 0, "no", 0, NULL},
        {": with {text} set", "${foo:{no}}", 0, "", 0, NULL},
        {": with spaced {text}", "${empty: { no } }", 0, " no ", 0, NULL},
        /* ${name?{a}:{b}} */
        {"?: set", "${foo?{a}:{b}}", 0, "a", 0, NULL},
        {"?: empty", "${empty?{a}:{b}}", 0, "b", 0, NULL},
        {"?: undefined", "${nosuch?{a}:{b}}", 0, "b", MAC_UNDEF, NULL},
        {"?: spaces", "${foo? {a} : {b} }", 0, "a", 0, NULL},
        {"?: inner spaces kept", "${empty?{a}:{x  y}}", 0, "x  y", 0, NULL},
        {"?: expanded", "${foo?{$b}:{$foo}}", 0, "B", 0, NULL},
        {"?: nested conditional", "${foo?{${empty?{1}:{2}}}:{3}}", 0, "2", 0,
         NULL},
        {"?: braces in result", "${foo?{{x}}:{y}}", 0, "{x}", 0, NULL},
        {"?: plain false text, set", "${foo?{a}:b c}", 0, "a", 0, NULL},
        {"?: plain false text, empty", "${empty?{a}: b c}", 0, " b c", 0, NULL},
        {"?: empty false text", "${empty?{a}:}", 0, "", 0, NULL},
        {"? plain text starting with space", "${foo? a}", 0, " a", 0, NULL},
        {"? plain text with braces inside", "${foo?a{b}c}", 0, "a{b}c", 0,
         NULL},
        /* Relational expressions. */
        {"== true", "${{a} == {a} ? {y} : {n}}", 0, "y", 0, NULL},
        {"== false", "${{a} == {b} ? {y} : {n}}", 0, "n", 0, NULL},
        {"!= true", "${{a} != {b} ? {y} : {n}}", 0, "y", 0, NULL},
        {"!= false", "${{a} != {a} ? {y} : {n}}", 0, "n", 0, NULL},
        {"< numeric", "${{5} < {10} ? {y} : {n}}", 0, "y", 0, NULL},
        {"< string", "${{abc} < {abd} ? {y} : {n}}", 0, "y", 0, NULL},
        {"< string not numeric", "${{5x} < {10x} ? {y} : {n}}", 0, "n", 0,
         NULL},
        {"< equal", "${{7} < {7} ? {y} : {n}}", 0, "n", 0, NULL},
        {"<= equal", "${{7} <= {7} ? {y} : {n}}", 0, "y", 0, NULL},
        {"<= greater", "${{8} <= {7} ? {y} : {n}}", 0, "n", 0, NULL},
        {"> numeric", "${{10} > {9} ? {y} : {n}}", 0, "y", 0, NULL},
        {"> false", "${{9} > {10} ? {y} : {n}}", 0, "n", 0, NULL},
        {">= equal", "${{10} >= {10} ? {y} : {n}}", 0, "y", 0, NULL},
        {">= less", "${{9} >= {10} ? {y} : {n}}", 0, "n", 0, NULL},
        {"== numeric leading zero", "${{010} == {10} ? {y} : {n}}", 0, "y", 0,
         NULL},
        {"operands expanded", "${{$n5} < {$n10} ? {lt} : {ge}}", 0, "lt", 0,
         NULL},
        {"negative operand", "${{$neg} < {0} ? {y} : {n}}", 0, "y", 0, NULL},
        {"results expanded", "${{a} == {a} ? {$foo} : {$b}}", 0, "bar", 0,
         NULL},
        {"no false branch, true", "${{a} == {a} ? {y}}", 0, "y", 0, NULL},
        {"no false branch, false", "${{a} == {b} ? {y}}", 0, "", 0, NULL},
        {"no spaces", "${{a}=={a}?{y}:{n}}", 0, "y", 0, NULL},
        {"empty operands", "${{} == {} ? {y} : {n}}", 0, "y", 0, NULL},
        {"undefined operand", "${{$nosuch} == {} ? {y} : {n}}", 0, "y",
         MAC_UNDEF, NULL},
        {"in text", "<${{1} == {1} ? {y}}>", 0, "<y>", 0, NULL},
        {"==level", "${{3.6} ==level {3.6.0} ? {y} : {n}}", 0, "y", 0, NULL},
        {"!=level", "${{3.6} !=level {3.7} ? {y} : {n}}", 0, "y", 0, NULL},
        {"<level by component", "${{3.6} <level {3.10} ? {y} : {n}}", 0, "y", 0,
         NULL},
        {"< string for comparison", "${{3.6} < {3.10} ? {y} : {n}}", 0, "n", 0,
         NULL},
        {"<=level", "${{2} <=level {2.0} ? {y} : {n}}", 0, "y", 0, NULL},
        {">level", "${{3.6.1} >level {3.6} ? {y} : {n}}", 0, "y", 0, NULL},
        {">=level", "${{1} >=level {2} ? {y} : {n}}", 0, "n", 0, NULL},
        {"level from variable", "${{$lvl} >=level {3.6} ? {y} : {n}}", 0, "y",
         0, NULL},
        /* Recursion. */
        {"not recursive", "$a", 0, "$b", 0, NULL},
        {"recursive", "$a", R, "B", 0, NULL},
        {"recursive two levels", "$c", R, "[B]", 0, NULL},
        {"recursive braced value", "$braced", R, "B", 0, NULL},
        {"recursive in condition", "${foo?$a}", R, "B", 0, NULL},
        {"not recursive, self reference", "$loop", 0, "$loop", 0, NULL},
        /* Errors. */
        {"runaway recursion", "$loop", R, NULL, MAC_ERROR,
         "unreasonable macro call nesting"},
        {"mutual recursion", "$l1", R, NULL, MAC_ERROR,
         "unreasonable macro call nesting"},
        {"recursion through a condition", "$self_cond", R, NULL, MAC_ERROR,
         "unreasonable macro call nesting"},
        {"truncated ${", "x${b", 0, NULL, MAC_ERROR,
         "truncated macro reference"},
        {"truncated $(", "$(b", 0, NULL, MAC_ERROR,
         "truncated macro reference"},
        {"unbalanced nested", "${foo?{a}", 0, NULL, MAC_ERROR,
         "truncated macro reference"},
        {"mismatched brackets", "${foo)", 0, NULL, MAC_ERROR,
         "truncated macro reference"},
        {"$ space", "$ ", 0, NULL, MAC_ERROR, "empty macro name"},
        {"$ at end", "abc$", 0, NULL, MAC_ERROR, "empty macro name"},
        {"$ punctuation", "$-x", 0, NULL, MAC_ERROR, "empty macro name"},
        {"${}", "${}", 0, NULL, MAC_ERROR, "empty macro name"},
        {"${?x}", "${?x}", 0, NULL, MAC_ERROR, "empty macro name"},
        {"bad char in name", "${foo-bar}", 0, NULL, MAC_ERROR,
         "unexpected character after macro name"},
        {"space in name", "${foo bar}", 0, NULL, MAC_ERROR,
         "unexpected character after macro name"},
        {"garbage after {a}", "${foo?{a}x}", 0, NULL, MAC_ERROR,
         "bad conditional"},
        {"garbage after {b}", "${foo?{a}:{b}x}", 0, NULL, MAC_ERROR,
         "bad conditional"},
        {"two groups after :", "${empty:{a}:{b}}", 0, NULL, MAC_ERROR,
         "bad conditional"},
        {"unbalanced group inside $(...)", "$(foo?{a)", 0, NULL, MAC_ERROR,
         "bad conditional"},
        {"garbage after : {text}", "${empty:{a}x}", 0, NULL, MAC_ERROR,
         "bad conditional"},
        {"no operator", "${{a} {b} ? {y}}", 0, NULL, MAC_ERROR, "expected"},
        {"bad operator", "${{a} = {b} ? {y}}", 0, NULL, MAC_ERROR, "expected"},
        {"unbraced right operand", "${{a} == b ? {y}}", 0, NULL, MAC_ERROR,
         "bad relational expression"},
        {"unbalanced left operand", "$({a == {b} ? {y})", 0, NULL, MAC_ERROR,
         "bad relational expression"},
        {"no ?", "${{a} == {b}}", 0, NULL, MAC_ERROR, "\"?\" expected"},
        {"unbraced true branch", "${{a} == {b} ? y}", 0, NULL, MAC_ERROR,
         "\"?\" expected"},
        {"unbraced false branch", "${{a} == {b} ? {y} : n}", 0, NULL, MAC_ERROR,
         "\"{\" expected"},
        {"garbage after relational", "${{a} == {b} ? {y} : {n} z}", 0, NULL,
         MAC_ERROR, "garbage after relational expression"},
        {"bad level", "${{x} <level {2} ? {y}}", 0, NULL, MAC_ERROR,
         "bad compatibility level"},
        {"bad level, four parts", "${{1.2.3.4} ==level {1} ? {y}}", 0, NULL,
         MAC_ERROR, "bad compatibility level"},
        {"bad level, trailing dot", "${{1} ==level {1.} ? {y}}", 0, NULL,
         MAC_ERROR, "bad compatibility level"},
        {"error inside a branch", "${foo?{$ }}", 0, NULL, MAC_ERROR,
         "empty macro name"},
        {"error stops expansion", "$foo${b", 0, NULL, MAC_ERROR,
         "truncated macro reference"},
};

/* test_cases - the whole table */
static void
test_cases(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *tc = &cases[i];
		struct vstr *out = vstr_alloc(10);
		struct vstr *why = vstr_alloc(10);
		struct lookup_ctx lc = {0};
		int status =
		        mac_expand(out, tc->in, tc->flags, lookup, &lc, why);

		if (status != tc->want_status)
			fail_msg("%s: got status %d, want %d (why: %s)",
			         tc->name, status, tc->want_status,
			         vstr_str(why));
		if (status & MAC_ERROR) {
			if (strstr(vstr_str(why), tc->want_why) == NULL)
				fail_msg("%s: got why \"%s\", want it to "
				         "contain "
				         "\"%s\"",
				         tc->name, vstr_str(why), tc->want_why);
		} else {
			CHECK_STR(tc->name, vstr_str(out), tc->want);
		}
		vstr_free(out);
		vstr_free(why);
	}
}

/*
 * test_compatibility_level - the mynetworks_style default, as in
 * params.def, for the levels an installation can have.
 */
struct level_ctx {
	const char *level;
};

/* level_lookup - only compatibility_level is defined */
static const char *
level_lookup(const char *name, void *ctx)
{
	const struct level_ctx *lc = ctx;

	return strcmp(name, "compatibility_level") == 0 ? lc->level : NULL;
}

static const struct level_case {
	const char *name;
	const char *expr;
	const char *level;
	const char *want;
} level_cases[] = {
#define STYLE "${{$compatibility_level} <level {2} ? {subnet} : {host}}"
#define DOT "${{$compatibility_level} <level {1} ? {yes} : {no}}"
#define RELAY "${{$compatibility_level} <=level {3.5} ? {old} : {new}}"
        {"style at 0", STYLE, "0", "subnet"},
        {"style at 1", STYLE, "1", "subnet"},
        {"style at 2", STYLE, "2", "host"},
        {"style at 3.6", STYLE, "3.6", "host"},
        {"style at 1.9", STYLE, "1.9", "subnet"},
        {"dot at 0", DOT, "0", "yes"},
        {"dot at 1", DOT, "1", "no"},
        {"dot at 3.6", DOT, "3.6", "no"},
        {"<=level at 3.5", RELAY, "3.5", "old"},
        {"<=level at 3.5.1", RELAY, "3.5.1", "new"},
        {"<=level at 3.10", RELAY, "3.10", "new"},
#undef STYLE
#undef DOT
#undef RELAY
};

static void
test_compatibility_level(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(level_cases); i++) {
		const struct level_case *tc = &level_cases[i];
		struct level_ctx lc = {tc->level};
		struct vstr *out = vstr_alloc(10);
		struct vstr *why = vstr_alloc(10);
		int status = mac_expand(out, tc->expr, MAC_EXP_RECURSE,
		                        level_lookup, &lc, why);

		CHECK_LONG(tc->name, status, 0);
		CHECK_STR(tc->name, vstr_str(out), tc->want);
		vstr_free(out);
		vstr_free(why);
	}
}

static const struct cmp_case {
	const char *name;
	const char *a;
	const char *b;
	int want_rc;
	int want;
} cmp_cases[] = {
        {"equal", "3.6", "3.6", 0, 0},
        {"missing parts are zero", "2", "2.0.0", 0, 0},
        {"major less", "1", "2", 0, -1},
        {"major greater", "10", "9", 0, 1},
        {"minor numeric not string", "3.6", "3.10", 0, -1},
        {"patch", "3.6.2", "3.6.1", 0, 1},
        {"zero", "0", "0.0", 0, 0},
        {"empty", "", "1", -1, 0},
        {"letters", "x", "1", -1, 0},
        {"right side bad", "1", "1.x", -1, 0},
        {"trailing dot", "1.", "1", -1, 0},
        {"leading dot", ".1", "1", -1, 0},
        {"four parts", "1.2.3.4", "1", -1, 0},
        {"sign", "-1", "1", -1, 0},
        {"space", " 1", "1", -1, 0},
        {"trailing junk", "1a", "1", -1, 0},
};

/* test_compat_level_cmp - direct comparisons and reject paths */
static void
test_compat_level_cmp(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(cmp_cases); i++) {
		const struct cmp_case *tc = &cmp_cases[i];
		int got = 99;
		int rc = compat_level_cmp(tc->a, tc->b, &got);

		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc == 0)
			CHECK_LONG(tc->name, got, tc->want);
	}
}

/* test_append - the result is appended to what out holds */
static void
test_append(void **state)
{
	struct vstr *out = vstr_alloc(10);
	struct vstr *why = vstr_alloc(10);
	struct lookup_ctx lc = {0};

	(void) state;
	vstr_cpy(out, "pre:");
	CHECK_LONG("append status",
	           mac_expand(out, "$foo", 0, lookup, &lc, why), 0);
	CHECK_STR("append", vstr_str(out), "pre:bar");
	vstr_free(out);
	vstr_free(why);
}

/* test_lookup_calls - $$ and literal text do not call lookup */
static void
test_lookup_calls(void **state)
{
	static const struct calls_case {
		const char *name;
		const char *in;
		int flags;
		int want_calls;
	} calls_cases[] = {
	        {"literal", "abc", 0, 0},
	        {"$$", "$$foo $$", 0, 0},
	        {"one reference", "$foo", 0, 1},
	        {"two references", "$foo${b}", 0, 2},
	        {"recursive chain", "$c", R, 3},
	        {"untaken branch not looked up", "${foo?{x}:{$b}}", 0, 1},
	};

	(void) state;
	for (size_t i = 0; i < NELEM(calls_cases); i++) {
		const struct calls_case *tc = &calls_cases[i];
		struct vstr *out = vstr_alloc(10);
		struct vstr *why = vstr_alloc(10);
		struct lookup_ctx lc = {0};

		(void) mac_expand(out, tc->in, tc->flags, lookup, &lc, why);
		CHECK_LONG(tc->name, lc.calls, tc->want_calls);
		vstr_free(out);
		vstr_free(why);
	}
}

/*
 * chain_lookup - "v1" = "$v2", ..., "v<N>" = "end". The value lives in
 * one static buffer that every call overwrites, as some lookup functions
 * do, so the expander must not keep pointers to earlier values.
 */
static const char *
chain_lookup(const char *name, void *ctx)
{
	static char buf[32];
	const int *length = ctx;
	long k;

	if (name[0] != 'v' || (k = strtol(name + 1, NULL, 10)) < 1 ||
	    k > *length)
		return NULL;
	if (k == *length)
		snprintf(buf, sizeof(buf), "end");
	else
		snprintf(buf, sizeof(buf), "<$v%ld>", k + 1);
	return buf;
}

/*
 * test_depth_limit - the text itself is the first of MAC_EXP_DEPTH
 * levels, so a chain of MAC_EXP_DEPTH - 1 values works, one more does not.
 */
static void
test_depth_limit(void **state)
{
	static const struct depth_case {
		const char *name;
		int length;
		int want_status;
	} depth_cases[] = {
	        {"one level", 1, 0},
	        {"ten levels", 10, 0},
	        {"at the limit", MAC_EXP_DEPTH - 1, 0},
	        {"one past the limit", MAC_EXP_DEPTH, MAC_ERROR},
	};

	(void) state;
	for (size_t i = 0; i < NELEM(depth_cases); i++) {
		const struct depth_case *tc = &depth_cases[i];
		struct vstr *out = vstr_alloc(10);
		struct vstr *why = vstr_alloc(10);
		struct vstr *want = vstr_alloc(10);
		int length = tc->length;
		int status = mac_expand(out, "$v1", MAC_EXP_RECURSE,
		                        chain_lookup, &length, why);

		CHECK_LONG(tc->name, status, tc->want_status);
		if (status == 0) {
			for (int k = 1; k < length; k++)
				vstr_addch(want, '<');
			vstr_cat(want, "end");
			for (int k = 1; k < length; k++)
				vstr_addch(want, '>');
			CHECK_STR(tc->name, vstr_str(out), vstr_str(want));
		} else {
			CHECK_TRUE(tc->name,
			           strstr(vstr_str(why),
			                  "unreasonable macro call nesting"),
			           vstr_str(why));
		}
		vstr_free(out);
		vstr_free(why);
		vstr_free(want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cases),
	        cmocka_unit_test(test_compatibility_level),
	        cmocka_unit_test(test_compat_level_cmp),
	        cmocka_unit_test(test_append),
	        cmocka_unit_test(test_lookup_calls),
	        cmocka_unit_test(test_depth_limit),
	};

	return cmocka_run_group_tests_name("mac_expand", tests, NULL, NULL);
}
