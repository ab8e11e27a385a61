/*
 * match_list_test - unit tests for domain, host/address and string lists:
 * parent-domain styles, negation, tables with parent keys, CIDR forms,
 * files of patterns and table errors
 */
#include "dict.h"
#include "mail_params.h"
#include "match_list.h"
#include "testdict.h"
#include "testutil.h"

/* set_var - replace a string global */
static void
set_var(char **var, const char *value)
{
	xfree(*var);
	*var = value ? xstrdup(value) : NULL;
}

static const struct tcase {
	const char *name;
	enum match_kind kind;
	const char *param;
	const char *patterns;
	const char *host;
	const char *addr;
	int want;
} cases[] = {
        /* Domains: relay_domains is parent style by default. */
        {"exact", MATCH_DOMAIN, "mydestination", "a.example, b.example",
         "b.example", NULL, 1},
        {"case", MATCH_DOMAIN, "mydestination", "A.Example", "a.EXAMPLE", NULL,
         1},
        {"no subdomain, not parent style", MATCH_DOMAIN, "mydestination",
         "example.com", "x.example.com", NULL, 0},
        {"subdomain, parent style", MATCH_DOMAIN, "relay_domains",
         "example.com", "x.y.example.com", NULL, 1},
        {"parent style needs a dot boundary", MATCH_DOMAIN, "relay_domains",
         "example.com", "badexample.com", NULL, 0},
        {".dom, not parent style", MATCH_DOMAIN, "mydestination",
         ".example.com", "x.example.com", NULL, 1},
        {".dom does not match itself", MATCH_DOMAIN, "mydestination",
         ".example.com", "example.com", NULL, 0},
        {".dom in parent style (Postfix: no match)", MATCH_DOMAIN,
         "relay_domains", ".example.com", "x.example.com", NULL, 0},
        {"negation stops", MATCH_DOMAIN, "relay_domains",
         "!bad.example.com, example.com", "bad.example.com", NULL, 0},
        {"negation passes others", MATCH_DOMAIN, "relay_domains",
         "!bad.example.com example.com", "ok.example.com", NULL, 1},
        {"double negation", MATCH_DOMAIN, "mydestination", "!!a.example",
         "a.example", NULL, 1},
        {"empty list", MATCH_DOMAIN, "mydestination", "", "a.example", NULL, 0},
        {"empty name", MATCH_DOMAIN, "mydestination", "a.example", "", NULL, 0},
        {"inline table exact", MATCH_DOMAIN, "mydestination",
         "inline:{ {a.example = x}, {b.example = y} }", "B.example", NULL, 1},
        {"inline table .parent key", MATCH_DOMAIN, "mydestination",
         "inline:{ {.example = x} }", "a.b.example", NULL, 1},
        {"inline table plain parent needs parent style", MATCH_DOMAIN,
         "mydestination", "inline:{ example=x }", "a.example", NULL, 0},
        {"inline table parent style", MATCH_DOMAIN, "relay_domains",
         "inline:{ example=x }", "a.example", NULL, 1},
        {"negated table", MATCH_DOMAIN, "relay_domains",
         "!inline:{ bad.example=x }, example", "bad.example", NULL, 0},
        {"pattern table sees full name only", MATCH_DOMAIN, "relay_domains",
         "testpat:zzz", "a.zzz.example", NULL, 1},
        {"domain literal as text", MATCH_DOMAIN, "mydestination", "[192.0.2.1]",
         "[192.0.2.1]", NULL, 1},
        /* Host names and addresses. */
        {"v4 exact", MATCH_NAMADR, "mynetworks", "127.0.0.1, 10.0.0.1",
         "h.example", "10.0.0.1", 1},
        {"v4 cidr", MATCH_NAMADR, "mynetworks", "192.0.2.0/24", NULL,
         "192.0.2.77", 1},
        {"v4 cidr miss", MATCH_NAMADR, "mynetworks", "192.0.2.0/25", NULL,
         "192.0.2.200", 0},
        {"v4 /0", MATCH_NAMADR, "mynetworks", "0.0.0.0/0", NULL, "8.8.8.8", 1},
        {"v4 bracket", MATCH_NAMADR, "mynetworks", "[192.0.2.9]", NULL,
         "192.0.2.9", 1},
        {"v6 bracket cidr", MATCH_NAMADR, "mynetworks", "[::1]/128", NULL,
         "::1", 1},
        {"v6 net", MATCH_NAMADR, "mynetworks", "[2001:db8::]/32", NULL,
         "2001:db8:1::5", 1},
        {"v6 net miss", MATCH_NAMADR, "mynetworks", "[2001:db8::]/32", NULL,
         "2001:db9::5", 0},
        {"v6 long form equals short", MATCH_NAMADR, "mynetworks",
         "[0:0:0:0:0:0:0:1]", NULL, "::1", 1},
        {"v6 bare", MATCH_NAMADR, "mynetworks", "::1/128", NULL, "::1", 1},
        {"v4 pattern, v6 address", MATCH_NAMADR, "mynetworks", "0.0.0.0/0",
         NULL, "::1", 0},
        {"host name parent style", MATCH_NAMADR, "debug_peer_list",
         "example.com", "mail.example.com", "192.0.2.1", 1},
        {"host name no parent", MATCH_NAMADR, "smtpd_foo_list", "example.com",
         "mail.example.com", "192.0.2.1", 0},
        {"negated network", MATCH_NAMADR, "mynetworks",
         "!192.0.2.5, 192.0.2.0/24", NULL, "192.0.2.5", 0},
        {"table by address", MATCH_NAMADR, "mynetworks",
         "inline:{ 192.0.2.3=ok }", "h.example", "192.0.2.3", 1},
        {"table by name", MATCH_NAMADR, "debug_peer_list",
         "inline:{ example=ok }", "h.example", "192.0.2.3", 1},
        {"cidr table", MATCH_NAMADR, "mynetworks", "inline:{ x=y }, 10.0.0.0/8",
         "h", "10.1.2.3", 1},
        {"name that is not an address", MATCH_NAMADR, "mynetworks",
         "10.0.0.0/8", "10.evil.example", "192.0.2.1", 0},
        /* Strings. */
        {"string", MATCH_STRING, "smtpd_discard_ehlo_keywords",
         "silent-discard, DSN", "dsn", NULL, 1},
        {"string no parent", MATCH_STRING, "relay_domains", "example.com",
         "a.example.com", NULL, 0},
        {"string table", MATCH_STRING, "virtual_alias_domains",
         "inline:{ v.example=x }", "V.example", NULL, 1},
        {"string table no parents", MATCH_STRING, "virtual_alias_domains",
         "inline:{ {.example = x} }", "v.example", NULL, 0},
};

/* test_cases - the table */
static void
test_cases(void **state)
{
	(void) state;
	set_var(&var_parent_domain_matches_subdomains,
	        "debug_peer_list,fast_flush_domains,mynetworks,"
	        "permit_mx_backup_networks,qmqpd_authorized_clients,"
	        "relay_domains,smtpd_access_maps");
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *c = &cases[i];
		struct match_list *l =
		        match_list_init(c->param, c->patterns, c->kind);

		CHECK_LONG(c->name, match_list_match(l, c->host, c->addr),
		           c->want);
		match_list_free(l);
	}
}

/* test_table_keys - the order of keys given to a table */
static void
test_table_keys(void **state)
{
	static const struct {
		const char *name;
		const char *param;
		enum match_kind kind;
		const char *host;
		const char *addr;
		const char *want;
	} kc[] = {
	        {".parent keys", "mydestination", MATCH_DOMAIN, "a.b.example",
	         NULL, "k:a.b.example k:.b.example k:.example p:a.b.example "},
	        {"parent keys", "relay_domains", MATCH_DOMAIN, "a.B.example",
	         NULL, "k:a.b.example k:b.example k:example p:a.b.example "},
	        {"namadr name then address", "mynetworks", MATCH_NAMADR,
	         "h.example", "192.0.2.1",
	         "k:h.example k:example k:192.0.2.1 p:h.example p:192.0.2.1 "},
	        {"string", "virtual_alias_domains", MATCH_STRING, "A.example",
	         NULL, "k:a.example p:a.example "},
	};

	(void) state;
	set_var(&var_parent_domain_matches_subdomains,
	        "mynetworks relay_domains");
	for (size_t i = 0; i < NELEM(kc); i++) {
		struct match_list *l = match_list_init(
		        kc[i].param, "record:k recpat:p", kc[i].kind);

		vstr_reset(testdict_log);
		CHECK_LONG(kc[i].name,
		           match_list_match(l, kc[i].host, kc[i].addr), 0);
		CHECK_STR(kc[i].name, vstr_str(testdict_log), kc[i].want);
		match_list_free(l);
	}
}

/* test_file - patterns read from a file, negated as a whole */
static void
test_file(void **state)
{
	char *dir = tmpdir_create();
	char *path = file_write(dir, "nets",
	                        "# comment\n"
	                        "192.0.2.0/24 10.0.0.1\n"
	                        "  [2001:db8::]/32\n"
	                        "\n");
	struct vstr *pat = vstr_alloc(100);
	struct match_list *l;

	(void) state;
	vstr_fmt(pat, "127.0.0.1 %s", path);
	l = match_list_init("mynetworks", vstr_str(pat), MATCH_NAMADR);
	CHECK_LONG("file v4", match_list_match(l, NULL, "192.0.2.4"), 1);
	CHECK_LONG("file second", match_list_match(l, NULL, "10.0.0.1"), 1);
	CHECK_LONG("file v6", match_list_match(l, NULL, "2001:db8::7"), 1);
	CHECK_LONG("file miss", match_list_match(l, NULL, "10.0.0.2"), 0);
	match_list_free(l);
	vstr_fmt(pat, "!%s 0.0.0.0/0", path);
	l = match_list_init("mynetworks", vstr_str(pat), MATCH_NAMADR);
	CHECK_LONG("!file hit", match_list_match(l, NULL, "192.0.2.4"), 0);
	CHECK_LONG("!file miss", match_list_match(l, NULL, "10.9.9.9"), 1);
	match_list_free(l);
	vstr_free(pat);
	xfree(path);
	tmpdir_remove(dir);
}

/* test_errors - table failures and bad patterns give -1 */
static void
test_errors(void **state)
{
	struct log_capture cap;
	struct match_list *l;

	(void) state;
	capture_start(&cap);
	l = match_list_init("relay_domains", "a.example fail:x b.example",
	                    MATCH_DOMAIN);
	CHECK_LONG("before the failing table",
	           match_list_match(l, "a.example", NULL), 1);
	CHECK_LONG("failing table", match_list_match(l, "b.example", NULL), -1);
	CHECK_TRUE("warning", capture_has(&cap, "warning: relay_domains"),
	           vstr_str(cap.text));
	match_list_free(l);
	l = match_list_init("mynetworks", "192.0.2.1/24", MATCH_NAMADR);
	CHECK_TRUE("host bits", capture_has(&cap, "non-null host address bits"),
	           vstr_str(cap.text));
	CHECK_LONG("bad net", match_list_match(l, NULL, "192.0.2.1"), -1);
	CHECK_LONG("bad net other", match_list_match(l, NULL, "192.0.2.2"), -1);
	CHECK_LONG("bad net, name only", match_list_match(l, "h", NULL), 0);
	match_list_free(l);
	l = match_list_init("mynetworks", "10.0.0.0/33", MATCH_NAMADR);
	CHECK_TRUE("bad mask", capture_has(&cap, "bad net/mask pattern"),
	           vstr_str(cap.text));
	match_list_free(l);
	capture_stop(&cap);
	CHECK_TRUE("free NULL", match_list_free(NULL) == NULL, "not NULL");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cases),
	        cmocka_unit_test(test_table_keys),
	        cmocka_unit_test(test_file),
	        cmocka_unit_test(test_errors),
	};

	testdict_register();
	return cmocka_run_group_tests_name("match_list", tests, NULL, NULL);
}
