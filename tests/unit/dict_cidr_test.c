/*
 * dict_cidr_test - unit tests for cidr: tables
 */
#include "tabletest.h"

/* A table with one rule of each kind, for the key cases below. */
#define MIXED                                                                  \
	"192.168.1.0/24 lan\n"                                                 \
	"10.0.0.1 host\n"                                                      \
	"2001:db8::/32 doc6\n"                                                 \
	"::1 lo6\n"                                                            \
	"[172.16.0.0]/12 bracket4\n"                                           \
	"[2001:db9::/48] bracket6-inside\n"                                    \
	"[2001:dba::1] bracket6-host\n"

#define NEGATED "!10.0.0.0/8 not-ten\n10.1.0.0/16 ten-one\n"

#define NESTED                                                                 \
	"if 10.0.0.0/8\n"                                                      \
	"if !10.1.0.0/16\n"                                                    \
	"10.2.0.0/16 ten-two\n"                                                \
	"endif\n"                                                              \
	"10.0.0.0/8 ten\n"                                                     \
	"endif\n"                                                              \
	"0.0.0.0/0 other4\n"

static const struct lookup_case lookup_cases[] = {
        {"in /24", MIXED, "192.168.1.77", "lan"},
        {"first of /24", MIXED, "192.168.1.0", "lan"},
        {"last of /24", MIXED, "192.168.1.255", "lan"},
        {"outside /24", MIXED, "192.168.2.1", NULL},
        {"bare address", MIXED, "10.0.0.1", "host"},
        {"bare address is /32", MIXED, "10.0.0.2", NULL},
        {"in IPv6 /32", MIXED, "2001:db8:ffff::1", "doc6"},
        {"IPv6 key with zeros and capitals", MIXED, "2001:DB8:0:0::0:1",
         "doc6"},
        {"IPv6 key written out", MIXED, "2001:0db8:0000:0000:0000:0000:0:1",
         "doc6"},
        {"outside IPv6 /32", MIXED, "2001:db7::1", NULL},
        {"bare IPv6 address", MIXED, "::1", "lo6"},
        {"bare IPv6 address is /128", MIXED, "::2", NULL},
        {"[address]/prefix", MIXED, "172.31.255.255", "bracket4"},
        {"[network/prefix]", MIXED, "2001:db9:0:ffff::1", "bracket6-inside"},
        {"[IPv6 address]", MIXED, "2001:dba::1", "bracket6-host"},
        {"key in brackets", MIXED, "[192.168.1.1]", NULL},
        {"key with prefix", MIXED, "192.168.1.1/32", NULL},
        {"key with leading zero", MIXED, "192.168.1.01", NULL},
        {"key with three parts", MIXED, "192.168.1", NULL},
        {"key with trailing space", MIXED, "192.168.1.1 ", NULL},
        {"key with zone", MIXED, "::1%lo", NULL},
        {"host name key", MIXED, "localhost", NULL},
        {"empty key", MIXED, "", NULL},
        {"IPv4-mapped key", MIXED, "::ffff:192.168.1.1", NULL},
        {"0.0.0.0/0", "0.0.0.0/0 all4\n", "255.255.255.255", "all4"},
        {"0.0.0.0/0 not IPv6", "0.0.0.0/0 all4\n", "::", NULL},
        {"::/0", "::/0 all6\n", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
         "all6"},
        {"::/0 not IPv4", "::/0 all6\n", "0.0.0.0", NULL},
        {"/32", "1.2.3.4/32 one\n", "1.2.3.4", "one"},
        {"/32 neighbour", "1.2.3.4/32 one\n", "1.2.3.5", NULL},
        {"/128", "2001:db8::1/128 one\n", "2001:db8::1", "one"},
        {"/128 neighbour", "2001:db8::1/128 one\n", "2001:db8::", NULL},
        {"/25 upper half", "1.2.3.128/25 upper\n", "1.2.3.200", "upper"},
        {"/25 lower half", "1.2.3.128/25 upper\n", "1.2.3.127", NULL},
        {"/9", "10.128.0.0/9 nine\n", "10.255.0.1", "nine"},
        {"/9 other half", "10.128.0.0/9 nine\n", "10.127.0.1", NULL},
        {"/127", "2001:db8::2/127 pair\n", "2001:db8::3", "pair"},
        {"/127 outside", "2001:db8::2/127 pair\n", "2001:db8::4", NULL},
        {"/1 IPv6", "8000::/1 high\n", "fe80::1", "high"},
        {"prefix with leading zeros", "1.2.3.0/024 lz\n", "1.2.3.9", "lz"},
        {"IPv4-mapped network", "::ffff:0:0/96 mapped\n", "::ffff:1.2.3.4",
         "mapped"},
        {"IPv4-mapped network, IPv4 key", "::ffff:0:0/96 mapped\n", "1.2.3.4",
         NULL},
        {"first match wins", "1.2.3.0/24 wide\n1.2.3.4 narrow\n", "1.2.3.4",
         "wide"},
        {"result with spaces", "1.2.3.4 REJECT go  away  \n", "1.2.3.4",
         "REJECT go  away"},
        {"result with dollar", "1.2.3.4 $1 $$\n", "1.2.3.4", "$1 $$"},
        {"continued result", "1.2.3.4 one\n two\n", "1.2.3.4", "one two"},
        {"CRLF line", "1.2.3.4 crlf\r\n", "1.2.3.4", "crlf"},
        {"comments", "# 1.2.3.4 no\n\n1.2.3.4 yes\n", "1.2.3.4", "yes"},
        {"negation fires", NEGATED, "11.0.0.1", "not-ten"},
        {"negation holds back", NEGATED, "10.1.2.3", "ten-one"},
        {"negation of another family", NEGATED, "::1", NULL},
        {"negation with space", "! 10.0.0.0/8 not-ten\n", "9.0.0.1", "not-ten"},
        {"negated IPv6", "!2001:db8::/32 not-doc\n", "2001:db9::1", "not-doc"},
        {"nested: inner", NESTED, "10.2.3.4", "ten-two"},
        {"nested: inner negation", NESTED, "10.1.2.3", "ten"},
        {"nested: outer", NESTED, "10.9.9.9", "ten"},
        {"nested: outside", NESTED, "11.2.3.4", "other4"},
        {"if of another family", "if !10.0.0.0/8\n::/0 v6\nendif\n", "::1",
         NULL},
        {"IF ENDIF in capitals", "IF 10.0.0.0/8\n10.0.0.0/8 ten\nENDIF\n",
         "10.1.1.1", "ten"},
        {"if! without space", "if!10.0.0.0/8\n0.0.0.0/0 not-ten\nendif\n",
         "11.1.1.1", "not-ten"},
        {"if with brackets", "if [2001:db8::]/32\n::/0 doc\nendif\n",
         "2001:db8::5", "doc"},
        {"if bare address", "if 1.2.3.4\n0.0.0.0/0 one\nendif\n", "1.2.3.5",
         NULL},
};

/* test_lookup - results of valid tables */
static void
test_lookup(void **state)
{
	(void) state;
	table_check_lookups("cidr", lookup_cases, NELEM(lookup_cases));
}

static const struct warn_case warn_cases[] = {
        {"host bits IPv4", "192.168.1.1/24 lan\n", 1,
         "non-null host address bits in \"192.168.1.1/24\", perhaps you "
         "should use \"192.168.1.0/24\" instead: skipping this rule",
         NULL, "192.168.1.1", NULL},
        {"host bits IPv6", "1.2.3.4 x\n2001:db8::1/32 doc\n", 2,
         "non-null host address bits in \"2001:db8::1/32\", perhaps you "
         "should use \"2001:db8::/32\" instead: skipping this rule",
         NULL, "1.2.3.4", "x"},
        {"host bits in brackets", "[2001:0DB8::1]/64 doc\n", 1,
         "non-null host address bits in \"2001:0DB8::1/64\", perhaps you "
         "should use \"2001:db8::/64\" instead: skipping this rule",
         NULL, "2001:db8::1", NULL},
        {"host bits with /0", "1.2.3.4/0 all\n", 1,
         "non-null host address bits in \"1.2.3.4/0\", perhaps you should "
         "use \"0.0.0.0/0\" instead: skipping this rule",
         NULL, "1.2.3.4", NULL},
        {"host bits in if", "if 10.0.0.1/8\n10.0.0.0/8 ten\nendif\n", 1,
         "non-null host address bits in \"10.0.0.1/8\", perhaps you should "
         "use \"10.0.0.0/8\" instead: skipping this rule",
         NULL, "10.0.0.1", "ten"},
        {"prefix too long IPv4", "1.2.3.0/33 x\n", 1,
         "bad mask length in \"1.2.3.0/33\": skipping this rule", NULL,
         "1.2.3.0", NULL},
        {"prefix too long IPv6", "::/129 x\n", 1,
         "bad mask length in \"::/129\": skipping this rule", NULL, "::", NULL},
        {"huge prefix", "::/99999999999999999999999 x\n", 1,
         "bad mask length in \"::/99999999999999999999999\": skipping this "
         "rule",
         NULL, "::", NULL},
        {"empty prefix", "1.2.3.0/ x\n", 1,
         "bad mask value in \"1.2.3.0/\": skipping this rule", NULL, "1.2.3.0",
         NULL},
        {"letter prefix", "1.2.3.0/x x\n", 1,
         "bad mask value in \"1.2.3.0/x\": skipping this rule", NULL, "1.2.3.0",
         NULL},
        {"two slashes", "1.2.3.0/24/5 x\n", 1,
         "bad mask value in \"1.2.3.0/24/5\": skipping this rule", NULL,
         "1.2.3.0", NULL},
        {"bad network", "300.1.1.1/8 x\n", 1,
         "bad network value in \"300.1.1.1/8\": skipping this rule", NULL,
         "300.1.1.1", NULL},
        {"no network", "/24 x\n", 1,
         "bad network value in \"/24\": skipping this rule", NULL, "0.0.0.0",
         NULL},
        {"octal-looking address", "010.0.0.1 x\n", 1,
         "bad address pattern: \"010.0.0.1\": skipping this rule", NULL,
         "10.0.0.1", NULL},
        {"not an address", "garbage here\n1.2.3.4 ok\n", 1,
         "bad address pattern: \"garbage\": skipping this rule", NULL,
         "1.2.3.4", "ok"},
        {"empty brackets", "[] x\n", 1,
         "bad address pattern: \"\": skipping this rule", NULL, "0.0.0.0",
         NULL},
        {"missing ]", "[1.2.3.4 x\n", 1,
         "missing ']' character after \"[1.2.3.4\": skipping this rule", NULL,
         "1.2.3.4", NULL},
        {"text after ]", "[1.2.3.4]x y\n", 1,
         "garbage after \"[1.2.3.4]\": skipping this rule", NULL, "1.2.3.4",
         NULL},
        {"no result", "1.2.3.4\n1.2.3.0/24 net\n", 1,
         "no lookup result: skipping this rule", NULL, "1.2.3.4", "net"},
        {"! alone", "!\n", 1, "no address pattern: skipping this rule", NULL,
         "1.2.3.4", NULL},
        {"if alone", "if\n1.2.3.4 x\n", 1,
         "no address pattern: skipping this rule", NULL, "1.2.3.4", "x"},
        {"if ! alone", "if !\n", 1, "no address pattern: skipping this rule",
         NULL, "1.2.3.4", NULL},
        {"text after if network", "if 7.0.0.0/8 x\nendif\n", 1,
         "bad mask value in \"7.0.0.0/8 x\": skipping this rule", NULL,
         "7.0.0.1", NULL},
        {"endif of a skipped if", "if 7.0.0.0/8 x\nendif\n", 2,
         "ENDIF without IF: skipping this rule", NULL, "7.0.0.1", NULL},
        {"endif without if", "endif\n1.2.3.4 x\n", 1,
         "ENDIF without IF: skipping this rule", NULL, "1.2.3.4", "x"},
        {"text after endif", "if 1.0.0.0/8\nendif x\n2.0.0.0/8 two\n", 2,
         "garbage after ENDIF: skipping this rule", NULL, "2.0.0.1", NULL},
        {"if without endif", "if 1.0.0.0/8\n2.0.0.0/8 two\n", 1,
         "IF has no matching ENDIF", NULL, "2.0.0.1", NULL},
        {"leading white space", " 1.2.3.4 x\n1.2.3.5 y\n", 1,
         "logical line must not start with whitespace: \" 1.2.3.4 x\"", NULL,
         "1.2.3.5", "y"},
};

/* test_warnings - bad rules are reported with file and line, and skipped */
static void
test_warnings(void **state)
{
	(void) state;
	table_check_warnings("cidr", warn_cases, NELEM(warn_cases));
}

/* test_open - read-only, open errors, flags, change detection */
static void
test_open(void **state)
{
	(void) state;
	table_check_open("cidr", "10.0.0.0/8 ten\n", "10.1.2.3", "ten");
}

/* test_inline - cidr:{ {rule}, {rule} } */
static void
test_inline(void **state)
{
	struct dict *d = dict_open("cidr:{ {10.0.0.0/8 ten}, {::/0 six} }",
	                           O_RDONLY, DICT_FLAG_DEFAULT);

	(void) state;
	CHECK_NSTR("ten", table_get(d, "10.9.8.7"), "ten");
	CHECK_NSTR("six", table_get(d, "fe80::1"), "six");
	CHECK_NSTR("other", table_get(d, "11.0.0.1"), NULL);
	dict_close(d);
}

/* test_unclosed_order - unclosed IFs are reported innermost first */
static void
test_unclosed_order(void **state)
{
	struct dict *d = table_open("cidr", "if 1.0.0.0/8\nif 1.1.0.0/16\n");
	const char *log = vstr_str(table_logs.text);
	const char *line1 = strstr(log, ", line 1: IF has no matching ENDIF");
	const char *line2 = strstr(log, ", line 2: IF has no matching ENDIF");

	(void) state;
	CHECK_TRUE("line 1", line1 != NULL, log);
	CHECK_TRUE("line 2", line2 != NULL, log);
	CHECK_TRUE("order", line2 < line1, log);
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
	        cmocka_unit_test_setup_teardown(test_unclosed_order,
	                                        table_setup, table_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
