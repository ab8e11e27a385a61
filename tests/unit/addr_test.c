/*
 * addr_test - unit tests for address quoting, header address lists and
 * SMTP path parsing, with the reject paths
 */
#include "addr.h"
#include "argv.h"
#include "testutil.h"

static const struct qcase {
	const char *name;
	const char *internal;
	const char *external;
} quote_cases[] = {
        {"plain", "user@example.com", "user@example.com"},
        {"empty", "", ""},
        {"no domain", "user", "user"},
        {"space", "a b@example.com", "\"a b\"@example.com"},
        {"quote and backslash", "a\"b\\c@x", "\"a\\\"b\\\\c\"@x"},
        {"leading dot", ".a@x", "\".a\"@x"},
        {"trailing dot", "a.@x", "\"a.\"@x"},
        {"double dot", "a..b@x", "\"a..b\"@x"},
        {"inner dot ok", "a.b@x", "a.b@x"},
        {"at in local part", "a@b@x", "\"a@b\"@x"},
        {"empty local part", "@x", "\"\"@x"},
        {"atext specials", "a+b!c#d$e%f&g'h*i=j?k^l_m`n{o|p}q~r/s@x",
         "a+b!c#d$e%f&g'h*i=j?k^l_m`n{o|p}q~r/s@x"},
        {"utf8", "j\xc3\xb6rg@x", "j\xc3\xb6rg@x"},
        {"comma", "a,b@x", "\"a,b\"@x"},
};

/* test_quote - internal to external and back */
static void
test_quote(void **state)
{
	struct vstr *out = vstr_alloc(10), *back = vstr_alloc(10);

	(void) state;
	for (size_t i = 0; i < NELEM(quote_cases); i++) {
		const struct qcase *c = &quote_cases[i];

		addr_quote_local(c->internal, out);
		CHECK_STR(c->name, vstr_str(out), c->external);
		addr_unquote(vstr_str(out), back);
		CHECK_STR(c->name, vstr_str(back), c->internal);
	}
	addr_unquote(" <\"a b\"@x> ", back);
	CHECK_STR("unquote angle", vstr_str(back), "a b@x");
	addr_unquote("a (comment) @ x", back);
	CHECK_STR("unquote comment", vstr_str(back), "a@x");
	addr_unquote("<>", back);
	CHECK_STR("unquote null", vstr_str(back), "");
	vstr_free(out);
	vstr_free(back);
}

static const struct lcase {
	const char *name;
	const char *value;
	int want;
	const char *addrs; /* joined by "|" */
} list_cases[] = {
        {"one", "user@example.com", 1, "user@example.com"},
        {"phrase", "Joe User <joe@example.com>", 1, "joe@example.com"},
        {"quoted phrase with comma", "\"User, Joe\" <joe@x>, b@y", 2,
         "joe@x|b@y"},
        {"comment", "joe@x (Joe, the user)", 1, "joe@x"},
        {"quoted local part", "\"a b\"@x", 1, "a b@x"},
        {"group", "friends: a@x, B <b@y>;, c@z", 3, "a@x|b@y|c@z"},
        {"empty group", "undisclosed-recipients:;", 0, ""},
        {"route", "<@r1,@r2:u@d>", 1, "u@d"},
        {"null", "<>", 1, ""},
        {"empty", "", 0, ""},
        {"empty items", "a@x,, ,b@y", 2, "a@x|b@y"},
        {"folded", "a@x,\r\n\tB\r\n <b@y>", 2, "a@x|b@y"},
        {"unqualified", "root", 1, "root"},
        {"domain literal", "u@[192.0.2.1]", 1, "u@[192.0.2.1]"},
        {"missing >", "Joe <joe@x", -1, ""},
        {"unclosed quote", "\"joe@x", 1, "joe@x"},
};

/* test_extract - addresses of header values */
static void
test_extract(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(list_cases); i++) {
		const struct lcase *c = &list_cases[i];
		struct argv *a = argv_alloc(1);
		int n = addr_list_extract(c->value, a);
		char *joined;

		CHECK_LONG(c->name, n, c->want);
		if (n < 0) {
			argv_free(a);
			continue;
		}
		joined = argv_join(a, "|");
		CHECK_STR(c->name, joined, c->addrs);
		xfree(joined);
		argv_free(a);
	}
}

/* qualify - test rewrite: append @example.org, or refuse "keep*" */
static int
qualify(const char *in, struct vstr *out, void *ctx)
{
	int *calls = ctx;

	(*calls)++;
	if (strncmp(in, "keep", 4) == 0)
		return -1;
	vstr_cpy(out, in);
	if (strchr(in, '@') == NULL)
		vstr_cat(out, "@example.org");
	return 0;
}

static const struct rcase {
	const char *name;
	const char *value;
	const char *want;
	int count;
} rewrite_cases[] = {
        {"bare", "root", "root@example.org", 1},
        {"phrase kept", "\"Root, Admin\" <root> (the boss)",
         "\"Root, Admin\" <root@example.org> (the boss)", 1},
        {"list", "a, b@x ,c", "a@example.org, b@x ,c@example.org", 3},
        {"group", "team: a, b;", "team: a@example.org, b@example.org;", 2},
        {"quoting", "\"a b\"", "\"a b\"@example.org", 1},
        {"refused", "keep, x", "keep, x@example.org", 2},
        {"null", "<>", "<>", 1},
        {"route dropped", "<@r:u>", "<u@example.org>", 1},
        {"fold kept", "a,\n\tb", "a@example.org,\n\tb@example.org", 2},
        {"comment inside", "a(c)@x", "a@x (c)", 1},
        {"error keeps text", "J <a", "J <a", -1},
};

/* test_rewrite - rebuilt header values */
static void
test_rewrite(void **state)
{
	struct vstr *out = vstr_alloc(10);

	(void) state;
	for (size_t i = 0; i < NELEM(rewrite_cases); i++) {
		const struct rcase *c = &rewrite_cases[i];
		int calls = 0;

		CHECK_LONG(c->name,
		           addr_list_rewrite(c->value, out, qualify, &calls),
		           c->count);
		CHECK_STR(c->name, vstr_str(out), c->want);
	}
	CHECK_LONG("no fn", addr_list_rewrite("a, b", out, NULL, NULL), 2);
	CHECK_STR("no fn", vstr_str(out), "a, b");
	vstr_free(out);
}

static const struct pcase {
	const char *name;
	const char *arg;
	int want;
	const char *addr_or_why;
} path_cases[] = {
        {"plain", "<user@example.com>", 0, "user@example.com"},
        {"null", "<>", 0, ""},
        {"bare", "user@example.com", 0, "user@example.com"},
        {"spaces around", "  <a@b>  ", 0, "a@b"},
        {"no domain", "<postmaster>", 0, "postmaster"},
        {"route", "<@a,@b.c:user@d>", 0, "user@d"},
        {"quoted", "<\"a b\"@x>", 0, "a b@x"},
        {"quoted at", "<\"a@b\"@x>", 0, "a@b@x"},
        {"literal", "<u@[192.0.2.1]>", 0, "u@[192.0.2.1]"},
        {"ipv6 literal", "<u@[IPv6:2001:db8::1]>", 0, "u@[IPv6:2001:db8::1]"},
        {"percent", "<u%v@x>", 0, "u%v@x"},
        {"utf8", "<j\xc3\xb6rg@x>", 0, "j\xc3\xb6rg@x"},
        {"missing >", "<a@b", -1, "missing '>' at end of address"},
        {"junk after >", "<a@b>x", -1, "missing '>' at end of address"},
        {"space inside", "<a b@c>", -1, "white space in address"},
        {"comma", "<a,b@c>", -1, "invalid character in address"},
        {"nested <", "<<a@b>>", -1, "invalid character in address"},
        {"empty domain", "<a@>", -1, "missing domain after \"@\""},
        {"empty local", "<@b>", -1, "malformed source route"},
        {"bad domain", "<a@b(c)>", -1, "invalid character in address"},
        {"bad route", "<@a,b:u@d>", -1, "malformed source route"},
        {"unbalanced quote", "<\"a@b>", -1, "unbalanced '\"' in address"},
        {"control", "<a\001@b>", -1, "invalid character in address"},
        {"empty", "", -1, "empty address"},
        {"literal junk", "<a@[1.2]x>", -1, "malformed address literal"},
};

/* test_path - SMTP MAIL FROM/RCPT TO paths */
static void
test_path(void **state)
{
	struct vstr *addr = vstr_alloc(10), *why = vstr_alloc(10);

	(void) state;
	for (size_t i = 0; i < NELEM(path_cases); i++) {
		const struct pcase *c = &path_cases[i];
		int rc = addr_parse_path(c->arg, addr, why);

		CHECK_LONG(c->name, rc, c->want);
		CHECK_STR(c->name, vstr_str(rc == 0 ? addr : why),
		          c->addr_or_why);
	}
	vstr_free(addr);
	vstr_free(why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_quote),
	        cmocka_unit_test(test_extract),
	        cmocka_unit_test(test_rewrite),
	        cmocka_unit_test(test_path),
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
