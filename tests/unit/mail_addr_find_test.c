/*
 * mail_addr_find_test - unit tests for canonical/virtual/generic address
 * lookups: key order, local domains, extensions and their propagation,
 * errors, and the default local-domain check
 */
#include "dict.h"
#include "mail_addr_find.h"
#include "mail_params.h"
#include "maps.h"
#include "testdict.h"
#include "testutil.h"

/* set_var - replace a string global */
static void
set_var(char **var, const char *value)
{
	xfree(*var);
	*var = value ? xstrdup(value) : NULL;
}

/* Test local-domain check: ctx is the one local domain, or "ERROR". */
static int local_calls;

static int
local_one(const char *domain, void *ctx, struct vstr *why)
{
	local_calls++;
	if (strcmp(ctx, "ERROR") == 0) {
		vstr_cpy(why, "local check failed");
		return -1;
	}
	return strcasecmp(domain, ctx) == 0;
}

/* defaults - the globals most cases use */
static void
defaults(void)
{
	set_var(&var_recipient_delimiter, "+");
	set_var(&var_propagate_unmatched_extensions, "canonical, virtual");
	set_var(&var_double_bounce_sender, "double-bounce");
	var_owner_request_special = true;
}

/* The five keys, each with a value that names it. */
#define K_FULL "{user+ext@local.test = full}, "
#define K_BARE "{user@local.test = bare}, "
#define K_LEXT "{user+ext = localext}, "
#define K_USER "{user = local}, "
#define K_AT "{@local.test = catchall}, "

static const struct find_case {
	const char *name;
	const char *maps;
	const char *addr;
	const char *class; /* NULL: no propagation */
	const char *local; /* ctx of local_one */
	const char *delim; /* recipient_delimiter */
	int want_rc;
	const char *want; /* result, or why when DICT_ERROR */
} find_cases[] = {
        /* The order: each case drops the key that won the previous one. */
        {"order: full address", "inline:{" K_FULL K_BARE K_LEXT K_USER K_AT "}",
         "user+ext@local.test", NULL, "local.test", "+", DICT_FOUND, "full"},
        {"order: without extension", "inline:{" K_BARE K_LEXT K_USER K_AT "}",
         "user+ext@local.test", NULL, "local.test", "+", DICT_FOUND, "bare"},
        {"order: local user+ext", "inline:{" K_LEXT K_USER K_AT "}",
         "user+ext@local.test", NULL, "local.test", "+", DICT_FOUND,
         "localext"},
        {"order: local user", "inline:{" K_USER K_AT "}", "user+ext@local.test",
         NULL, "local.test", "+", DICT_FOUND, "local"},
        {"order: @domain", "inline:{" K_AT "}", "user+ext@local.test", NULL,
         "local.test", "+", DICT_FOUND, "catchall"},
        {"order: nothing", "inline:{ {other@local.test = x} }",
         "user+ext@local.test", NULL, "local.test", "+", DICT_NOTFOUND, NULL},
        {"remote domain skips user keys",
         "inline:{" K_LEXT K_USER "{@remote.test = remote}}",
         "user+ext@remote.test", NULL, "local.test", "+", DICT_FOUND, "remote"},
        {"remote domain, only user keys", "inline:{" K_LEXT K_USER "}",
         "user+ext@remote.test", NULL, "local.test", "+", DICT_NOTFOUND, NULL},
        {"case-insensitive keys", "inline:{" K_BARE "}", "USER+Ext@Local.TEST",
         NULL, "local.test", "+", DICT_FOUND, "bare"},
        {"no extension: user@domain then user", "inline:{" K_USER K_AT "}",
         "user@local.test", NULL, "local.test", "+", DICT_FOUND, "local"},
        {"no extension: extension keys unused", "inline:{" K_FULL K_LEXT "}",
         "user@local.test", NULL, "local.test", "+", DICT_NOTFOUND, NULL},
        {"no delimiter set: no extension", "inline:{" K_BARE K_USER "}",
         "user+ext@local.test", NULL, "local.test", "", DICT_NOTFOUND, NULL},
        {"no domain: the address itself", "inline:{" K_LEXT K_USER "}",
         "user+ext", NULL, "local.test", "+", DICT_FOUND, "localext"},
        {"no domain: without extension", "inline:{" K_USER "}", "user+ext",
         NULL, "local.test", "+", DICT_FOUND, "local"},
        {"key-major across tables", "inline:{" K_AT "}, inline:{" K_BARE "}",
         "user+ext@local.test", NULL, "local.test", "+", DICT_FOUND, "bare"},
        {"pattern table: whole address", "testpat:+ext@, inline:{" K_BARE "}",
         "user+ext@local.test", NULL, "local.test", "+", DICT_FOUND,
         "pat(user+ext@local.test)"},
        {"pattern table: never partial keys", "testpat:r@l",
         "user+ext@local.test", NULL, "local.test", "+", DICT_NOTFOUND, NULL},
        {"pattern table: the key that is not partial", "testpat:r@l",
         "user@local.test", NULL, "local.test", "+", DICT_FOUND,
         "pat(user@local.test)"},
        /* Delimiters. */
        {"multi-char delimiter: '-'", "inline:{" K_BARE "}",
         "user-ext@local.test", NULL, "local.test", "+-", DICT_FOUND, "bare"},
        {"multi-char delimiter: first one splits",
         "inline:{ {user-a@local.test = wrong}, {user@local.test = right} }",
         "user-a+b@local.test", NULL, "local.test", "+-", DICT_FOUND, "right"},
        {"multi-char delimiter: '+' first",
         "inline:{ {user+a@local.test = wrong}, {user@local.test = right} }",
         "user+a-b@local.test", NULL, "local.test", "-+", DICT_FOUND, "right"},
        {"delimiter in domain is not split", "inline:{" K_BARE "}",
         "user@local+x.test", NULL, "local.test", "+", DICT_NOTFOUND, NULL},
        {"leading delimiter: no empty user", "inline:{ {@local.test = at} }",
         "+ext@local.test", "virtual", "local.test", "+", DICT_FOUND, "at"},
        {"owner- not split", "inline:{ {owner@local.test = wrong}, " K_AT "}",
         "owner-list@local.test", NULL, "local.test", "-", DICT_FOUND,
         "catchall"},
        {"-request not split", "inline:{ {list@local.test = wrong}, " K_AT "}",
         "list-request@local.test", NULL, "local.test", "-", DICT_FOUND,
         "catchall"},
        {"double-bounce not split",
         "inline:{ {double@local.test = wrong}, " K_AT "}",
         "double-bounce@local.test", NULL, "local.test", "-", DICT_FOUND,
         "catchall"},
        {"MAILER-DAEMON not split",
         "inline:{ {mailer@local.test = wrong}, " K_AT "}",
         "MAILER-DAEMON@local.test", NULL, "local.test", "-", DICT_FOUND,
         "catchall"},
        {"owner- splits with another delimiter",
         "inline:{ {owner-list@local.test = split}, " K_AT "}",
         "owner-list+x@local.test", NULL, "local.test", "+", DICT_FOUND,
         "split"},
        /* Extension propagation. */
        {"propagate: user@domain match", "inline:{ {user@local.test = x@y} }",
         "user+ext@local.test", "virtual", "local.test", "+", DICT_FOUND,
         "x+ext@y"},
        {"propagate: user match, list result", "inline:{ {user = a@b, c,d@e} }",
         "user+ext@local.test", "canonical", "local.test", "+", DICT_FOUND,
         "a+ext@b, c+ext, d+ext@e"},
        {"propagate: @domain match", "inline:{ {@local.test = catch@z} }",
         "user+ext@local.test", "virtual", "local.test", "+", DICT_FOUND,
         "catch+ext@z"},
        {"propagate: @domain result left alone",
         "inline:{ {user@local.test = @other.test, u@x} }",
         "user+ext@local.test", "virtual", "local.test", "+", DICT_FOUND,
         "@other.test, u+ext@x"},
        {"propagate: comma inside quotes",
         "inline:{ {user@local.test = \"a,b\"@y, c@z} }", "user+ext@local.test",
         "virtual", "local.test", "+", DICT_FOUND, "\"a,b\"+ext@y, c+ext@z"},
        {"propagate: the delimiter used", "inline:{ {user@local.test = x@y} }",
         "user-ext@local.test", "virtual", "local.test", "+-", DICT_FOUND,
         "x-ext@y"},
        {"propagate: class matched case-insensitively",
         "inline:{ {user@local.test = x@y} }", "user+ext@local.test", "VIRTUAL",
         "local.test", "+", DICT_FOUND, "x+ext@y"},
        {"no propagation: full match", "inline:{ {user+ext@local.test = x@y} }",
         "user+ext@local.test", "virtual", "local.test", "+", DICT_FOUND,
         "x@y"},
        {"no propagation: user+ext match", "inline:{ {user+ext = x@y} }",
         "user+ext@local.test", "virtual", "local.test", "+", DICT_FOUND,
         "x@y"},
        {"no propagation: class not listed",
         "inline:{ {user@local.test = x@y} }", "user+ext@local.test", "generic",
         "local.test", "+", DICT_FOUND, "x@y"},
        {"no propagation: no class", "inline:{ {user@local.test = x@y} }",
         "user+ext@local.test", NULL, "local.test", "+", DICT_FOUND, "x@y"},
        {"no propagation: no extension", "inline:{ {user@local.test = x@y} }",
         "user@local.test", "virtual", "local.test", "+", DICT_FOUND, "x@y"},
        {"propagate: case of the extension kept",
         "inline:{ {user@local.test = x@y} }", "user+Ext@local.test", "virtual",
         "local.test", "+", DICT_FOUND, "x+Ext@y"},
        /* Errors. */
        {"error: failing table", "fail:virtual", "user+ext@local.test", NULL,
         "local.test", "+", DICT_ERROR, "fail:virtual"},
        {"error: after tables without the key",
         "inline:{ {other = x} }, fail:later", "user@local.test", NULL,
         "local.test", "+", DICT_ERROR, "fail:later"},
        {"error: before a table that has it", "fail:first, inline:{" K_AT "}",
         "user@local.test", NULL, "local.test", "+", DICT_ERROR, "fail:first"},
        {"error: found before the failing table",
         "inline:{" K_FULL "}, fail:later", "user+ext@local.test", NULL,
         "local.test", "+", DICT_FOUND, "full"},
        {"error: local check", "inline:{" K_AT "}", "user+ext@local.test", NULL,
         "ERROR", "+", DICT_ERROR, "local check failed"},
        {"error: local check not needed", "inline:{" K_BARE "}",
         "user+ext@local.test", NULL, "ERROR", "+", DICT_FOUND, "bare"},
};

/* test_find - the cases */
static void
test_find(void **state)
{
	struct vstr *result = vstr_alloc(100), *why = vstr_alloc(100);

	(void) state;
	testdict_register();
	defaults();
	for (size_t i = 0; i < NELEM(find_cases); i++) {
		const struct find_case *tc = &find_cases[i];
		struct maps *m = maps_create("virtual_alias_maps", tc->maps,
		                             DICT_FLAG_FOLD_FIX);
		struct mail_addr_opts opts = {.class = tc->class,
		                              .is_local = local_one,
		                              .ctx = (void *) tc->local};
		int rc;

		set_var(&var_recipient_delimiter, tc->delim);
		vstr_cpy(result, "untouched");
		vstr_reset(why);
		rc = mail_addr_find(m, tc->addr, &opts, result, why);
		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc == DICT_FOUND)
			CHECK_STR(tc->name, vstr_str(result), tc->want);
		else if (rc == DICT_NOTFOUND)
			CHECK_STR(tc->name, vstr_str(result), "untouched");
		else if (!strstr(vstr_str(why), tc->want))
			fail_msg("%s: got why \"%s\", want \"%s\"", tc->name,
			         vstr_str(why), tc->want);
		maps_free(m);
	}
	defaults();
	vstr_free(result);
	vstr_free(why);
}

static const struct order_case {
	const char *name;
	const char *addr;
	const char *local;
	const char *want; /* keys in the order they were tried */
} order_cases[] = {
        {"local, extension", "u+e@l.test", "l.test",
         "a:u+e@l.test p:u+e@l.test b:u+e@l.test a:u@l.test b:u@l.test "
         "a:u+e b:u+e a:u b:u a:@l.test b:@l.test "},
        {"remote, extension", "u+e@r.test", "l.test",
         "a:u+e@r.test p:u+e@r.test b:u+e@r.test a:u@r.test b:u@r.test "
         "a:@r.test b:@r.test "},
        {"local, no extension", "u@l.test", "l.test",
         "a:u@l.test p:u@l.test b:u@l.test a:u b:u a:@l.test b:@l.test "},
        {"remote, no extension", "u@r.test", "l.test",
         "a:u@r.test p:u@r.test b:u@r.test a:@r.test b:@r.test "},
        {"no domain, extension", "u+e", "l.test", "a:u+e p:u+e b:u+e a:u b:u "},
        {"no domain", "u", "l.test", "a:u p:u b:u "},
        {"empty domain", "u+e@", "l.test", "a:u+e@ p:u+e@ b:u+e@ a:u@ b:u@ "},
};

/* test_order - the exact key sequence, table by table */
static void
test_order(void **state)
{
	struct vstr *result = vstr_alloc(100), *why = vstr_alloc(100);
	struct maps *m;

	(void) state;
	testdict_register();
	defaults();
	m = maps_create("canonical_maps", "record:a, recpat:p, record:b",
	                DICT_FLAG_FOLD_FIX);
	for (size_t i = 0; i < NELEM(order_cases); i++) {
		const struct order_case *tc = &order_cases[i];
		struct mail_addr_opts opts = {.class = "canonical",
		                              .is_local = local_one,
		                              .ctx = (void *) tc->local};

		vstr_reset(testdict_log);
		local_calls = 0;
		CHECK_LONG(tc->name,
		           mail_addr_find(m, tc->addr, &opts, result, why),
		           DICT_NOTFOUND);
		CHECK_STR(tc->name, vstr_str(testdict_log), tc->want);
		CHECK_TRUE(tc->name, local_calls <= 1, "local check repeated");
	}
	maps_free(m);
	vstr_free(result);
	vstr_free(why);
}

static const struct split_case {
	const char *name;
	const char *localpart;
	const char *delims;
	bool owner_special;
	size_t want;
} split_cases[] = {
        {"plus", "user+ext", "+", true, 4},
        {"none", "user", "+", true, 4},
        {"null delimiters", "user+ext", NULL, true, 8},
        {"empty delimiters", "user+ext", "", true, 8},
        {"first of several", "a-b+c", "+-", true, 1},
        {"leading delimiter", "+ext", "+", true, 4},
        {"second char after leading", "+a-b", "-+", true, 4},
        {"owner- special", "owner-list", "-", true, 10},
        {"owner- special, other delim", "owner-list+x", "-+", true, 12},
        {"owner- not special", "owner-list", "-", false, 5},
        {"owner- with + only", "owner-list+x", "+", true, 10},
        {"-request special", "list-request", "-", true, 12},
        {"-request not special", "list-request", "-", false, 4},
        {"-request alone", "-request", "-", true, 8},
        {"postmaster", "postmaster", "t", true, 10},
        {"MAILER-DAEMON any case", "mailer-daemon", "-", true, 13},
        {"double-bounce", "double-bounce", "-", true, 13},
};

/* test_split - mail_addr_ext_split */
static void
test_split(void **state)
{
	(void) state;
	defaults();
	for (size_t i = 0; i < NELEM(split_cases); i++) {
		const struct split_case *tc = &split_cases[i];

		var_owner_request_special = tc->owner_special;
		CHECK_LONG(tc->name,
		           mail_addr_ext_split(tc->localpart,
		                               strlen(tc->localpart),
		                               tc->delims),
		           tc->want);
	}
	/* Only the first len bytes count. */
	CHECK_LONG("length bound", mail_addr_ext_split("ab+c", 2, "+"), 2);
	defaults();
}

/* test_propagates - the class list */
static void
test_propagates(void **state)
{
	(void) state;
	set_var(&var_propagate_unmatched_extensions, "canonical,virtual alias");
	CHECK_TRUE("canonical", mail_addr_propagates("canonical"), "false");
	CHECK_TRUE("alias", mail_addr_propagates("alias"), "false");
	CHECK_TRUE("virtual", mail_addr_propagates("Virtual"), "false");
	CHECK_TRUE("generic", !mail_addr_propagates("generic"), "true");
	CHECK_TRUE("prefix", !mail_addr_propagates("canon"), "true");
	CHECK_TRUE("NULL class", !mail_addr_propagates(NULL), "true");
	set_var(&var_propagate_unmatched_extensions, NULL);
	CHECK_TRUE("unset list", !mail_addr_propagates("virtual"), "true");
	defaults();
}

static const struct local_case {
	const char *name;
	const char *domain;
	int want; /* 1, 0 or -1 */
} local_cases[] = {
        {"myhostname via $myhostname", "host.example", 1},
        {"myorigin", "origin.example", 1},
        {"myorigin, case and trailing dot", "ORIGIN.Example.", 1},
        {"localhost.$mydomain", "localhost.dom.example", 1},
        {"localhost", "localhost", 1},
        {"plain name", "dest.example", 1},
        {"plain name: no subdomains", "a.dest.example", 0},
        {".parent matches subdomain", "a.sub.example", 1},
        {".parent matches deeper", "b.a.sub.example", 1},
        {".parent not itself", "sub.example", 0},
        {"! excludes", "no.sub.example", 0},
        {"table key", "tabled.example", 1},
        {"table parent as .domain", "x.dotted.example", 1},
        {"table: no parent without dot", "x.tabled.example", 0},
        {"from file", "file.example", 1},
        {"from file, second line", "file2.example", 1},
        {"file comment", "comment.example", 0},
        {"other", "other.example", 0},
        {"literal inet_interfaces", "[192.0.2.1]", 1},
        {"literal proxy_interfaces", "[198.51.100.7]", 1},
        {"literal IPv6", "[IPv6:2001:db8::1]", 1},
        {"literal IPv6, other form", "[ipv6:2001:DB8:0::1]", 1},
        {"literal not ours", "[192.0.2.2]", 0},
        {"literal bad", "[not-an-address]", 0},
};

/* local_setup - the configuration local_cases assume */
static void
local_setup(const char *file)
{
	struct vstr *dest = vstr_alloc(100);

	vstr_fmt(dest,
	         "$myhostname, localhost.$mydomain, localhost, "
	         "!no.sub.example, .sub.example dest.example, "
	         "inline:{tabled.example=x, .dotted.example=y}, %s",
	         file);
	set_var(&var_myhostname, "host.example");
	set_var(&var_mydomain, "dom.example");
	set_var(&var_myorigin, "origin.example");
	set_var(&var_mydestination, vstr_str(dest));
	set_var(&var_parent_domain_matches_subdomains, "smtpd_access_maps");
	set_var(&var_inet_interfaces, "192.0.2.1, [2001:db8::1]");
	set_var(&var_proxy_interfaces, "198.51.100.7");
	vstr_free(dest);
}

/* test_local_default - mail_addr_local_default */
static void
test_local_default(void **state)
{
	char *dir = tmpdir_create();
	char *file = file_write(dir, "dest",
	                        "file.example # comment.example\n"
	                        "\n# comment\nfile2.example\n");
	struct vstr *why = vstr_alloc(100);

	(void) state;
	local_setup(file);
	for (size_t i = 0; i < NELEM(local_cases); i++) {
		const struct local_case *tc = &local_cases[i];

		vstr_reset(why);
		CHECK_LONG(tc->name,
		           mail_addr_local_default(tc->domain, NULL, why),
		           tc->want);
	}

	/* Parent style for mydestination: plain names match subdomains. */
	set_var(&var_parent_domain_matches_subdomains, "mydestination");
	CHECK_LONG("parent style name",
	           mail_addr_local_default("a.dest.example", NULL, why), 1);
	CHECK_LONG("parent style table",
	           mail_addr_local_default("x.tabled.example", NULL, why), 1);

	/* Loopback-only and all. */
	set_var(&var_inet_interfaces, "loopback-only");
	CHECK_LONG("loopback-only v4",
	           mail_addr_local_default("[127.0.0.1]", NULL, why), 1);
	CHECK_LONG("loopback-only v6",
	           mail_addr_local_default("[IPv6:::1]", NULL, why), 1);
	CHECK_LONG("loopback-only other",
	           mail_addr_local_default("[192.0.2.1]", NULL, why), 0);
	set_var(&var_inet_interfaces, "all");
	CHECK_LONG("all: documentation address",
	           mail_addr_local_default("[192.0.2.250]", NULL, why), 0);

	/* Errors: a failing table, a missing file, bad macro syntax. */
	set_var(&var_mydestination, "fail:mydest");
	CHECK_LONG("failing table",
	           mail_addr_local_default("x.example", NULL, why), -1);
	CHECK_TRUE("failing table why", strstr(vstr_str(why), "fail:mydest"),
	           vstr_str(why));
	CHECK_LONG("myorigin before table",
	           mail_addr_local_default("origin.example", NULL, why), 1);
	set_var(&var_mydestination, "/nonexistent/mydest");
	CHECK_LONG("missing file",
	           mail_addr_local_default("x.example", NULL, why), -1);
	CHECK_TRUE("missing file why",
	           strstr(vstr_str(why), "/nonexistent/mydest"), vstr_str(why));
	set_var(&var_mydestination, "${myhostname");
	CHECK_LONG("bad syntax",
	           mail_addr_local_default("x.example", NULL, why), -1);
	CHECK_TRUE("bad syntax why", strstr(vstr_str(why), "mydestination"),
	           vstr_str(why));

	/* The default is what mail_addr_find() uses without a callback. */
	local_setup(file);
	{
		struct maps *m = maps_create("t", "inline:{ {user = mine} }",
		                             DICT_FLAG_FOLD_FIX);
		struct vstr *result = vstr_alloc(100);
		struct mail_addr_opts opts = {.class = NULL};

		CHECK_LONG("default callback local",
		           mail_addr_find(m, "user@dest.example", &opts, result,
		                          why),
		           DICT_FOUND);
		CHECK_STR("default callback local", vstr_str(result), "mine");
		CHECK_LONG("default callback remote",
		           mail_addr_find(m, "user@other.example", NULL, result,
		                          why),
		           DICT_NOTFOUND);
		vstr_free(result);
		maps_free(m);
	}
	set_var(&var_mydestination, "");
	CHECK_LONG("empty mydestination",
	           mail_addr_local_default("dest.example", NULL, why), 0);
	vstr_free(why);
	xfree(file);
	tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_find),
	        cmocka_unit_test(test_order),
	        cmocka_unit_test(test_split),
	        cmocka_unit_test(test_propagates),
	        cmocka_unit_test(test_local_default),
	};

	return cmocka_run_group_tests_name("mail_addr_find", tests, NULL, NULL);
}
