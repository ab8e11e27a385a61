/*
 * flush_policy_test - the fast flush server's site checks: which names
 * are refused, how a site becomes a log file name, and which sites
 * fast_flush_domains makes eligible
 */
#include "../../mta/flush/flush_policy.c"

#include "testutil.h"

/* set_var - replace a string global */
static void
set_var(char **var, const char *value)
{
	xfree(*var);
	*var = value ? xstrdup(value) : NULL;
}

/* test_site_ok - names that may become a log file name */
static void
test_site_ok(void **state)
{
	struct vstr *longname = vstr_alloc(300);

	(void) state;
	for (int i = 0; i < 256; i++)
		vstr_addch(longname, 'a');
	CHECK_TRUE("domain", flush_site_ok("example.com"), "accepted");
	CHECK_TRUE("address literal", flush_site_ok("[192.0.2.1]"), "accepted");
	CHECK_TRUE("dot dot is harmless once mapped", flush_site_ok(".."),
	           "accepted");
	CHECK_TRUE("empty", !flush_site_ok(""), "refused");
	CHECK_TRUE("slash", !flush_site_ok("a/b"), "refused");
	CHECK_TRUE("space", !flush_site_ok("a b"), "refused");
	CHECK_TRUE("control", !flush_site_ok("a\tb"), "refused");
	CHECK_TRUE("8bit", !flush_site_ok("caf\xc3\xa9.test"), "refused");
	CHECK_TRUE("256 characters", !flush_site_ok(vstr_str(longname)),
	           "refused");
	vstr_truncate(longname, 255);
	CHECK_TRUE("255 characters", flush_site_ok(vstr_str(longname)),
	           "accepted");
	vstr_free(longname);
}

/* test_site_path - lower case, everything but letters and digits '_' */
static void
test_site_path(void **state)
{
	struct vstr *path = vstr_alloc(64);

	(void) state;
	set_var(&var_hash_queue_names, "deferred, defer");
	var_hash_queue_depth = 1;
	flush_site_path(path, "Example.COM");
	CHECK_STR("domain", vstr_str(path), "flush/example_com");
	flush_site_path(path, "[192.0.2.1]:25");
	CHECK_STR("literal", vstr_str(path), "flush/_192_0_2_1__25");
	flush_site_path(path, "..");
	CHECK_STR("dot dot", vstr_str(path), "flush/__");
	set_var(&var_hash_queue_names, "deferred, flush");
	flush_site_path(path, "example.com");
	CHECK_STR("hashed", vstr_str(path), "flush/e/example_com");
	set_var(&var_hash_queue_names, "deferred, defer");
	vstr_free(path);
}

/* test_policy - fast_flush_domains with parent-domain matching */
static void
test_policy(void **state)
{
	(void) state;
	set_var(&var_parent_domain_matches_subdomains,
	        "debug_peer_list,fast_flush_domains");
	set_var(&var_fast_flush_domains, "example.com, !bad.test, .dot.test");
	flush_policy_init();
	CHECK_LONG("listed", flush_policy("example.com"), FLUSH_STAT_OK);
	CHECK_LONG("case", flush_policy("EXAMPLE.com"), FLUSH_STAT_OK);
	CHECK_LONG("subdomain", flush_policy("mx.example.com"), FLUSH_STAT_OK);
	CHECK_LONG("other", flush_policy("example.net"), FLUSH_STAT_DENY);
	CHECK_LONG("negated", flush_policy("bad.test"), FLUSH_STAT_DENY);
	flush_domains = match_list_free(flush_domains);
	set_var(&var_parent_domain_matches_subdomains, "");
	set_var(&var_fast_flush_domains, "example.com");
	flush_policy_init();
	CHECK_LONG("not parent style", flush_policy("mx.example.com"),
	           FLUSH_STAT_DENY);
	CHECK_LONG("still the domain", flush_policy("example.com"),
	           FLUSH_STAT_OK);
	flush_domains = match_list_free(flush_domains);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_site_ok),
	        cmocka_unit_test(test_site_path),
	        cmocka_unit_test(test_policy),
	};

	return cmocka_run_group_tests_name("flush_policy", tests, NULL, NULL);
}
