/*
 * access_map_test - unit tests for access(5) lookups (key order for mail
 * addresses, domains, clients and network prefixes; errors) and for the
 * action parser with its reject paths
 */
#include "access_map.h"
#include "dict.h"
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

/* defaults - the globals most cases use */
static void
defaults(void)
{
	set_var(&var_recipient_delimiter, "+");
	set_var(&var_parent_domain_matches_subdomains, "relay_domains");
	set_var(&var_smtpd_null_access_lookup_key, "<>");
	set_var(&var_double_bounce_sender, "double-bounce");
	var_owner_request_special = true;
}

enum lookup_kind { MAIL, DOMAIN, ADDR, CLIENT };

static const struct order_case {
	const char *name;
	enum lookup_kind kind;
	const char *in;    /* address, domain or IP address */
	const char *name2; /* CLIENT: the host name, or NULL */
	bool parent;       /* smtpd_access_maps in parent_domain_... */
	const char *delim;
	const char *want; /* every key tried, "a:" fixed, "p:" pattern */
} order_cases[] = {
        {"mail: extension, .parent style", MAIL, "user+ext@mail.example.com",
         NULL, false, "+",
         "a:user+ext@mail.example.com p:user+ext@mail.example.com "
         "a:user@mail.example.com a:mail.example.com a:.example.com a:.com "
         "a:user+ext@ a:user@ "},
        {"mail: extension, parent style", MAIL, "user+ext@mail.example.com",
         NULL, true, "+",
         "a:user+ext@mail.example.com p:user+ext@mail.example.com "
         "a:user@mail.example.com a:mail.example.com a:example.com a:com "
         "a:user+ext@ a:user@ "},
        {"mail: no extension", MAIL, "user@example.com", NULL, false, "+",
         "a:user@example.com p:user@example.com a:example.com a:.com "
         "a:user@ "},
        {"mail: no delimiter configured", MAIL, "user+ext@example.com", NULL,
         false, "",
         "a:user+ext@example.com p:user+ext@example.com "
         "a:example.com a:.com a:user+ext@ "},
        {"mail: multi-char delimiter", MAIL, "user-a+b@example.com", NULL,
         false, "+-",
         "a:user-a+b@example.com p:user-a+b@example.com "
         "a:user@example.com a:example.com a:.com a:user-a+b@ a:user@ "},
        {"mail: owner- kept whole", MAIL, "owner-x@example.com", NULL, false,
         "-",
         "a:owner-x@example.com p:owner-x@example.com a:example.com "
         "a:.com a:owner-x@ "},
        {"mail: no domain", MAIL, "user+ext", NULL, false, "+",
         "a:user+ext p:user+ext a:user a:user+ext@ a:user@ "},
        {"mail: empty localpart", MAIL, "@example.com", NULL, false, "+",
         "a:@example.com p:@example.com a:example.com a:.com "},
        {"mail: empty domain", MAIL, "user@", NULL, false, "+",
         "a:user@ p:user@ "},
        {"mail: empty domain, extension", MAIL, "user+ext@", NULL, false, "+",
         "a:user+ext@ p:user+ext@ a:user@ "},
        {"mail: trailing dot", MAIL, "u@example.com.", NULL, false, "+",
         "a:u@example.com. p:u@example.com. a:example.com. a:.com. a:u@ "},
        {"mail: null sender", MAIL, "", NULL, false, "+", "a:<> p:<> "},
        {"domain: .parent style", DOMAIN, "a.b.example.com", NULL, false, "+",
         "a:a.b.example.com p:a.b.example.com a:.b.example.com "
         "a:.example.com a:.com "},
        {"domain: parent style", DOMAIN, "a.b.example.com", NULL, true, "+",
         "a:a.b.example.com p:a.b.example.com a:b.example.com "
         "a:example.com a:com "},
        {"domain: single label", DOMAIN, "localhost", NULL, false, "+",
         "a:localhost p:localhost "},
        {"ipv4 prefixes", ADDR, "192.0.2.10", NULL, false, "+",
         "a:192.0.2.10 p:192.0.2.10 a:192.0.2 a:192.0 a:192 "},
        {"ipv6 prefixes", ADDR, "2001:db8::1", NULL, false, "+",
         "a:2001:db8::1 p:2001:db8::1 a:2001:db8: a:2001:db8 a:2001 "},
        {"ipv6 full form", ADDR, "2001:db8:1:2:3:4:5:6", NULL, false, "+",
         "a:2001:db8:1:2:3:4:5:6 p:2001:db8:1:2:3:4:5:6 a:2001:db8:1:2:3:4:5 "
         "a:2001:db8:1:2:3:4 a:2001:db8:1:2:3 a:2001:db8:1:2 a:2001:db8:1 "
         "a:2001:db8 a:2001 "},
        {"ipv6 loopback", ADDR, "::1", NULL, false, "+", "a:::1 p:::1 a:: "},
        {"client: name then address", CLIENT, "192.0.2.1", "mx.example.com",
         false, "+",
         "a:mx.example.com p:mx.example.com a:.example.com a:.com "
         "a:192.0.2.1 p:192.0.2.1 a:192.0.2 a:192.0 a:192 "},
        {"client: no name", CLIENT, "192.0.2.1", NULL, false, "+",
         "a:192.0.2.1 p:192.0.2.1 a:192.0.2 a:192.0 a:192 "},
        {"client: empty name", CLIENT, "192.0.2.1", "", false, "+",
         "a:192.0.2.1 p:192.0.2.1 a:192.0.2 a:192.0 a:192 "},
};

/* run_lookup - one lookup of a case */
static int
run_lookup(struct maps *m, enum lookup_kind kind, const char *in,
           const char *name, const char **value, struct vstr *key)
{
	switch (kind) {
	case MAIL:
		return access_find_mail(m, in, value, key);
	case DOMAIN:
		return access_find_domain(m, in, value, key);
	case ADDR:
		return access_find_addr(m, in, value, key);
	case CLIENT:
		return access_find_client(m, name, in, value, key);
	}
	return DICT_ERROR;
}

/* set_case_vars - the globals a case depends on */
static void
set_case_vars(bool parent, const char *delim)
{
	set_var(&var_parent_domain_matches_subdomains,
	        parent ? "relay_domains, smtpd_access_maps" : "relay_domains");
	set_var(&var_recipient_delimiter, delim);
}

/* test_order - the exact key sequence of every kind of lookup */
static void
test_order(void **state)
{
	struct maps *m;
	const char *value;

	(void) state;
	testdict_register();
	defaults();
	m = maps_create("smtpd_access_maps", "record:a, recpat:p",
	                DICT_FLAG_FOLD_FIX);
	for (size_t i = 0; i < NELEM(order_cases); i++) {
		const struct order_case *tc = &order_cases[i];

		set_case_vars(tc->parent, tc->delim);
		vstr_reset(testdict_log);
		CHECK_LONG(tc->name,
		           run_lookup(m, tc->kind, tc->in, tc->name2, &value,
		                      NULL),
		           DICT_NOTFOUND);
		CHECK_STR(tc->name, vstr_str(testdict_log), tc->want);
	}
	maps_free(m);
	defaults();
}

/* A table with an entry at every level of a mail address lookup. */
#define L_FULL "{user+ext@mail.example.com = full}, "
#define L_BARE "{user@mail.example.com = bare}, "
#define L_DOM "{mail.example.com = domain}, "
#define L_DOT "{.example.com = dotparent}, "
#define L_PAR "{example.com = parent}, "
#define L_UEXT "{user+ext@ = userext}, "
#define L_USER "{user@ = user}, "

static const struct find_case {
	const char *name;
	enum lookup_kind kind;
	const char *maps;
	const char *in;
	const char *name2;
	bool parent;
	int want_rc;
	const char *want_key;
	const char *want_value; /* or a text of maps_why() for DICT_ERROR */
} find_cases[] = {
        /* Mail: each case drops the level that won the one before. */
        {"mail: full", MAIL,
         "inline:{" L_FULL L_BARE L_DOM L_DOT L_PAR L_UEXT L_USER "}",
         "user+ext@mail.example.com", NULL, false, DICT_FOUND,
         "user+ext@mail.example.com", "full"},
        {"mail: bare", MAIL,
         "inline:{" L_BARE L_DOM L_DOT L_PAR L_UEXT L_USER "}",
         "user+ext@mail.example.com", NULL, false, DICT_FOUND,
         "user@mail.example.com", "bare"},
        {"mail: domain", MAIL, "inline:{" L_DOM L_DOT L_PAR L_UEXT L_USER "}",
         "user+ext@mail.example.com", NULL, false, DICT_FOUND,
         "mail.example.com", "domain"},
        {"mail: .parent", MAIL, "inline:{" L_DOT L_PAR L_UEXT L_USER "}",
         "user+ext@mail.example.com", NULL, false, DICT_FOUND, ".example.com",
         "dotparent"},
        {"mail: parent style", MAIL, "inline:{" L_DOT L_PAR L_UEXT L_USER "}",
         "user+ext@mail.example.com", NULL, true, DICT_FOUND, "example.com",
         "parent"},
        {"mail: parent name needs parent style", MAIL,
         "inline:{" L_PAR L_UEXT L_USER "}", "user+ext@mail.example.com", NULL,
         false, DICT_FOUND, "user+ext@", "userext"},
        {"mail: .parent needs .parent style", MAIL,
         "inline:{" L_DOT L_UEXT L_USER "}", "user+ext@mail.example.com", NULL,
         true, DICT_FOUND, "user+ext@", "userext"},
        {"mail: user@", MAIL, "inline:{" L_USER "}",
         "user+ext@mail.example.com", NULL, false, DICT_FOUND, "user@", "user"},
        {"mail: case folded", MAIL, "inline:{" L_BARE "}",
         "User+Ext@MAIL.Example.com", NULL, false, DICT_FOUND,
         "User@MAIL.Example.com", "bare"},
        {"mail: nothing", MAIL, "inline:{ {other@ = x} }",
         "user+ext@mail.example.com", NULL, false, DICT_NOTFOUND, NULL, NULL},
        {"mail: DUNNO hides the rest", MAIL,
         "inline:{ {user+ext@mail.example.com = DUNNO}, " L_DOM "}",
         "user+ext@mail.example.com", NULL, false, DICT_FOUND,
         "user+ext@mail.example.com", "DUNNO"},
        {"mail: first table at a level", MAIL,
         "inline:{" L_DOM "}, inline:{" L_BARE "}", "user+ext@mail.example.com",
         NULL, false, DICT_FOUND, "user@mail.example.com", "bare"},
        {"mail: null sender", MAIL, "inline:{ {<> = REJECT} }", "", NULL, false,
         DICT_FOUND, "<>", "REJECT"},
        {"mail: null sender is only <>", MAIL, "inline:{ {@ = x}, {. = y} }",
         "", NULL, false, DICT_NOTFOUND, NULL, NULL},
        {"mail: pattern table, whole address", MAIL, "testpat:r+e",
         "user+ext@mail.example.com", NULL, false, DICT_FOUND,
         "user+ext@mail.example.com", "pat(user+ext@mail.example.com)"},
        {"mail: pattern table, no partial keys", MAIL, "testpat:r@",
         "user+ext@mail.example.com", NULL, false, DICT_NOTFOUND, NULL, NULL},
        {"mail: pattern table, address without extension", MAIL,
         "testpat:example", "u@x.example.com", NULL, false, DICT_FOUND,
         "u@x.example.com", "pat(u@x.example.com)"},
        /* Errors stop the walk; they are never "not found". */
        {"mail: failing table", MAIL, "fail:access", "user@example.com", NULL,
         false, DICT_ERROR, NULL, "fail:access"},
        {"mail: failing second table", MAIL,
         "inline:{ {example.com = OK} }, fail:access", "user@example.com", NULL,
         false, DICT_ERROR, NULL, "fail:access"},
        {"mail: found before failing table", MAIL,
         "inline:{ {user@example.com = OK} }, fail:access", "user@example.com",
         NULL, false, DICT_FOUND, "user@example.com", "OK"},
        {"mail: null sender, failing table", MAIL, "fail:access", "", NULL,
         false, DICT_ERROR, NULL, "fail:access"},
        {"domain: failing table", DOMAIN, "fail:helo", "a.example.com", NULL,
         false, DICT_ERROR, NULL, "fail:helo"},
        {"addr: failing table", ADDR, "fail:client", "192.0.2.1", NULL, false,
         DICT_ERROR, NULL, "fail:client"},
        {"client: failing table", CLIENT, "fail:client", "192.0.2.1",
         "a.example", false, DICT_ERROR, NULL, "fail:client"},
        {"client: empty value is an error", CLIENT, "inline:{ {192.0.2 = } }",
         "192.0.2.1", NULL, false, DICT_ERROR, NULL, "empty value"},
        /* Domains. */
        {"domain: itself", DOMAIN, "inline:{ {a.example.com = x} }",
         "a.example.com", NULL, false, DICT_FOUND, "a.example.com", "x"},
        {"domain: .tld", DOMAIN, "inline:{ {.com = x} }", "a.example.com", NULL,
         false, DICT_FOUND, ".com", "x"},
        {"domain: parent tld", DOMAIN, "inline:{ {com = x} }", "a.example.com",
         NULL, true, DICT_FOUND, "com", "x"},
        {"domain: pattern table gets the name", DOMAIN, "testpat:a.ex",
         "a.example.com", NULL, false, DICT_FOUND, "a.example.com",
         "pat(a.example.com)"},
        /* Addresses. */
        {"ipv4: host", ADDR, "inline:{ {192.0.2.1 = x}, {192.0.2 = y} }",
         "192.0.2.1", NULL, false, DICT_FOUND, "192.0.2.1", "x"},
        {"ipv4: /24", ADDR, "inline:{ {192.0.2 = y}, {192.0 = z} }",
         "192.0.2.1", NULL, false, DICT_FOUND, "192.0.2", "y"},
        {"ipv4: /16", ADDR, "inline:{ {192.0 = z}, {192 = w} }", "192.0.2.1",
         NULL, false, DICT_FOUND, "192.0", "z"},
        {"ipv4: /8", ADDR, "inline:{ {192 = w} }", "192.0.2.1", NULL, false,
         DICT_FOUND, "192", "w"},
        {"ipv4: octets are not prefixes", ADDR,
         "inline:{ {192.0.2.1 = x}, {19 = y}, {192.0.2.1. = z} }", "192.0.2.10",
         NULL, false, DICT_NOTFOUND, NULL, NULL},
        {"ipv6: host", ADDR, "inline:{ {2001:db8::1 = x} }", "2001:db8::1",
         NULL, false, DICT_FOUND, "2001:db8::1", "x"},
        {"ipv6: trailing colon prefix", ADDR, "inline:{ {2001:db8: = x} }",
         "2001:db8::1", NULL, false, DICT_FOUND, "2001:db8:", "x"},
        {"ipv6: two groups", ADDR, "inline:{ {2001:db8 = x} }", "2001:db8::1",
         NULL, false, DICT_FOUND, "2001:db8", "x"},
        {"ipv6: one group", ADDR, "inline:{ {2001 = x} }", "2001:db8::1", NULL,
         false, DICT_FOUND, "2001", "x"},
        {"ipv6: text, not numbers", ADDR, "inline:{ {2001:db8:0 = x} }",
         "2001:db8::1", NULL, false, DICT_NOTFOUND, NULL, NULL},
        {"ipv6: case folded", ADDR, "inline:{ {2001:db8:: = x} }",
         "2001:DB8::", NULL, false, DICT_FOUND, "2001:DB8::", "x"},
        /* Clients: the name and its parents before the address. */
        {"client: name", CLIENT,
         "inline:{ {mx.example.com = n}, {192.0.2.1 = a} }", "192.0.2.1",
         "mx.example.com", false, DICT_FOUND, "mx.example.com", "n"},
        {"client: parent name before address", CLIENT,
         "inline:{ {.example.com = n}, {192.0.2.1 = a} }", "192.0.2.1",
         "mx.example.com", false, DICT_FOUND, ".example.com", "n"},
        {"client: address", CLIENT,
         "inline:{ {other.example = n}, {192.0.2 = a} }", "192.0.2.1",
         "mx.example.com", false, DICT_FOUND, "192.0.2", "a"},
        {"client: unknown name", CLIENT, "inline:{ {192.0.2.1 = a} }",
         "192.0.2.1", "unknown", false, DICT_FOUND, "192.0.2.1", "a"},
};

/* test_find - which key wins, and errors */
static void
test_find(void **state)
{
	struct vstr *key = vstr_alloc(100);

	(void) state;
	testdict_register();
	defaults();
	for (size_t i = 0; i < NELEM(find_cases); i++) {
		const struct find_case *tc = &find_cases[i];
		struct maps *m = maps_create("smtpd_access_maps", tc->maps,
		                             DICT_FLAG_FOLD_FIX);
		const char *value = NULL;
		int rc;

		set_case_vars(tc->parent, "+");
		vstr_reset(key);
		rc = run_lookup(m, tc->kind, tc->in, tc->name2, &value, key);
		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc == DICT_FOUND) {
			CHECK_STR(tc->name, vstr_str(key), tc->want_key);
			CHECK_STR(tc->name, value, tc->want_value);
		} else if (rc == DICT_ERROR &&
		           !strstr(maps_why(m), tc->want_value)) {
			fail_msg("%s: got why \"%s\", want \"%s\"", tc->name,
			         maps_why(m), tc->want_value);
		}
		maps_free(m);
	}
	vstr_free(key);
	defaults();
}

/* test_null_key - smtpd_null_access_lookup_key */
static void
test_null_key(void **state)
{
	struct maps *m = maps_create("t", "inline:{ {<> = a}, {null = b} }", 0);
	const char *value;

	(void) state;
	defaults();
	set_var(&var_smtpd_null_access_lookup_key, "null");
	CHECK_LONG("custom key", access_find_mail(m, "", &value, NULL),
	           DICT_FOUND);
	CHECK_STR("custom key", value, "b");
	set_var(&var_smtpd_null_access_lookup_key, NULL);
	CHECK_LONG("unset key", access_find_mail(m, "", &value, NULL),
	           DICT_FOUND);
	CHECK_STR("unset key", value, "a");
	maps_free(m);
	defaults();
}

/* test_parent_style - the parameter that selects it */
static void
test_parent_style(void **state)
{
	(void) state;
	set_var(&var_parent_domain_matches_subdomains,
	        "debug_peer_list,smtpd_access_maps relay_domains");
	CHECK_TRUE("listed", access_parent_style(), "false");
	set_var(&var_parent_domain_matches_subdomains, "smtpd_access_maps_x");
	CHECK_TRUE("longer name", !access_parent_style(), "true");
	set_var(&var_parent_domain_matches_subdomains, "");
	CHECK_TRUE("empty", !access_parent_style(), "true");
	set_var(&var_parent_domain_matches_subdomains, NULL);
	CHECK_TRUE("unset", !access_parent_style(), "true");
	defaults();
}

static const struct action_case {
	const char *name;
	const char *value;
	bool want_ok;
	enum access_verb verb;
	int code;
	const char *dsn;  /* NULL: none */
	const char *text; /* or a text of why when rejected */
	bool disconnect;
	bool numeric;
} action_cases[] = {
        {"OK", "OK", true, ACCESS_OK, 0, NULL, "", false, false},
        {"ok lower case", "ok", true, ACCESS_OK, 0, NULL, "", false, false},
        {"OK with blanks", "  OK \t", true, ACCESS_OK, 0, NULL, "", false,
         false},
        {"OK with text", "OK fine", false, 0, 0, NULL, "OK takes no text",
         false, false},
        {"all digits", "12345", true, ACCESS_OK, 0, NULL, "", false, true},
        {"three digits alone", "554", true, ACCESS_OK, 0, NULL, "", false,
         true},
        {"DUNNO", "DUNNO", true, ACCESS_DUNNO, 0, NULL, "", false, false},
        {"DUNNO with text", "dunno maybe", false, 0, 0, NULL,
         "DUNNO takes no text", false, false},
        {"REJECT", "REJECT", true, ACCESS_REJECT, 0, NULL, "", false, false},
        {"REJECT text", "REJECT go  away ", true, ACCESS_REJECT, 0, NULL,
         "go  away", false, false},
        {"REJECT 5.x.x text", "REJECT 5.7.1 go away", true, ACCESS_REJECT, 0,
         "5.7.1", "go away", false, false},
        {"REJECT 4.x.x text", "reject 4.7.1 later", true, ACCESS_REJECT, 0,
         "4.7.1", "later", false, false},
        {"REJECT status only", "REJECT 5.1.10", true, ACCESS_REJECT, 0,
         "5.1.10", "", false, false},
        {"REJECT long status", "REJECT 5.123.456 x", true, ACCESS_REJECT, 0,
         "5.123.456", "x", false, false},
        {"REJECT status too long is text", "REJECT 5.7.1234 x", true,
         ACCESS_REJECT, 0, NULL, "5.7.1234 x", false, false},
        {"REJECT status glued is text", "REJECT 5.7.1x", true, ACCESS_REJECT, 0,
         NULL, "5.7.1x", false, false},
        {"REJECT 2.x.x", "REJECT 2.0.0 fine", false, 0, 0, NULL,
         "enhanced status code 2.0.0 does not match", false, false},
        {"REJECT with tab", "REJECT\tgo", true, ACCESS_REJECT, 0, NULL, "go",
         false, false},
        {"REJECTED is no keyword", "REJECTED", true, ACCESS_RESTRICTIONS, 0,
         NULL, "REJECTED", false, false},
        {"DEFER", "DEFER", true, ACCESS_DEFER, 0, NULL, "", false, false},
        {"DEFER 4.x.x", "DEFER 4.3.2 busy", true, ACCESS_DEFER, 0, "4.3.2",
         "busy", false, false},
        {"DEFER 5.x.x", "DEFER 5.3.2 busy", false, 0, 0, NULL,
         "does not match the reply class 4", false, false},
        {"DEFER_IF_REJECT", "DEFER_IF_REJECT", true, ACCESS_DEFER_IF_REJECT, 0,
         NULL, "", false, false},
        {"DEFER_IF_REJECT text", "DEFER_IF_REJECT 4.7.1 maybe", true,
         ACCESS_DEFER_IF_REJECT, 0, "4.7.1", "maybe", false, false},
        {"DEFER_IF_REJECT 5.x.x", "DEFER_IF_REJECT 5.7.1 x", false, 0, 0, NULL,
         "does not match", false, false},
        {"DEFER_IF_PERMIT", "defer_if_permit not yet", true,
         ACCESS_DEFER_IF_PERMIT, 0, NULL, "not yet", false, false},
        {"DEFER_IF_PERMIT 5.x.x", "DEFER_IF_PERMIT 5.7.1 x", false, 0, 0, NULL,
         "does not match", false, false},
        {"450 text", "450 try later", true, ACCESS_CODE, 450, NULL, "try later",
         false, false},
        {"450 4.x.x text", "450 4.7.1 try later", true, ACCESS_CODE, 450,
         "4.7.1", "try later", false, false},
        {"450 5.x.x", "450 5.7.1 no", false, 0, 0, NULL,
         "enhanced status code 5.7.1 does not match the reply class 4", false,
         false},
        {"550 5.x.x", "550 5.7.1 no", true, ACCESS_CODE, 550, "5.7.1", "no",
         false, false},
        {"550 4.x.x", "550 4.7.1 no", false, 0, 0, NULL, "does not match",
         false, false},
        {"550 2.x.x", "550 2.0.0 no", false, 0, 0, NULL, "does not match",
         false, false},
        {"code and blank is all digits", "550 ", true, ACCESS_OK, 0, NULL, "",
         false, true},
        {"421 disconnects", "421 bye", true, ACCESS_CODE, 421, NULL, "bye",
         true, false},
        {"521 disconnects", "521 5.7.0 bye", true, ACCESS_CODE, 521, "5.7.0",
         "bye", true, false},
        {"554 tab", "554\tno", true, ACCESS_CODE, 554, NULL, "no", false,
         false},
        {"250 is no reject", "250 fine", false, 0, 0, NULL,
         "reply code 250 is not 4NN or 5NN", false, false},
        {"650 is no reply", "650 x", false, 0, 0, NULL, "is not 4NN or 5NN",
         false, false},
        {"digits glued to text", "450foo", true, ACCESS_RESTRICTIONS, 0, NULL,
         "450foo", false, false},
        {"DISCARD", "DISCARD", true, ACCESS_DISCARD, 0, NULL, "", false, false},
        {"DISCARD text", "DISCARD spam 5.7.1", true, ACCESS_DISCARD, 0, NULL,
         "spam 5.7.1", false, false},
        {"HOLD text", "HOLD look at it", true, ACCESS_HOLD, 0, NULL,
         "look at it", false, false},
        {"WARN text", "WARN odd", true, ACCESS_WARN, 0, NULL, "odd", false,
         false},
        {"WARN", "WARN", true, ACCESS_WARN, 0, NULL, "", false, false},
        {"INFO text", "INFO note", true, ACCESS_INFO, 0, NULL, "note", false,
         false},
        {"REDIRECT", "REDIRECT abuse@example.com", true, ACCESS_REDIRECT, 0,
         NULL, "abuse@example.com", false, false},
        {"REDIRECT none", "REDIRECT", false, 0, 0, NULL,
         "REDIRECT needs one user@domain address", false, false},
        {"REDIRECT no domain", "REDIRECT abuse", false, 0, 0, NULL,
         "REDIRECT needs", false, false},
        {"REDIRECT empty user", "REDIRECT @example.com", false, 0, 0, NULL,
         "REDIRECT needs", false, false},
        {"REDIRECT empty domain", "REDIRECT abuse@", false, 0, 0, NULL,
         "REDIRECT needs", false, false},
        {"REDIRECT two addresses", "REDIRECT a@x b@y", false, 0, 0, NULL,
         "REDIRECT needs", false, false},
        {"BCC", "BCC copy@example.com", true, ACCESS_BCC, 0, NULL,
         "copy@example.com", false, false},
        {"BCC none", "BCC", false, 0, 0, NULL, "BCC needs", false, false},
        {"FILTER", "FILTER smtp:[127.0.0.1]:10025", true, ACCESS_FILTER, 0,
         NULL, "smtp:[127.0.0.1]:10025", false, false},
        {"FILTER empty destination", "FILTER scan:", true, ACCESS_FILTER, 0,
         NULL, "scan:", false, false},
        {"FILTER none", "FILTER", false, 0, 0, NULL,
         "FILTER needs transport:destination", false, false},
        {"FILTER no colon", "FILTER smtp", false, 0, 0, NULL, "FILTER needs",
         false, false},
        {"FILTER no transport", "FILTER :host", false, 0, 0, NULL,
         "FILTER needs", false, false},
        {"FILTER with space", "FILTER smtp: host", false, 0, 0, NULL,
         "FILTER needs", false, false},
        {"PREPEND", "PREPEND X-Checked: yes, twice", true, ACCESS_PREPEND, 0,
         NULL, "X-Checked: yes, twice", false, false},
        {"PREPEND empty value", "PREPEND X-Flag:", true, ACCESS_PREPEND, 0,
         NULL, "X-Flag:", false, false},
        {"PREPEND space before colon", "PREPEND Subject : x", true,
         ACCESS_PREPEND, 0, NULL, "Subject : x", false, false},
        {"PREPEND none", "PREPEND", false, 0, 0, NULL,
         "PREPEND needs \"headername: headervalue\"", false, false},
        {"PREPEND no colon", "PREPEND X-Flag yes", false, 0, 0, NULL,
         "PREPEND needs", false, false},
        {"PREPEND no name", "PREPEND : yes", false, 0, 0, NULL, "PREPEND needs",
         false, false},
        {"PREPEND space in name", "PREPEND X Flag: yes", false, 0, 0, NULL,
         "PREPEND needs", false, false},
        {"PREPEND control char in name", "PREPEND X\001F: yes", false, 0, 0,
         NULL, "bad access table action \"PREPEND X?F: yes\"", false, false},
        {"restrictions", "reject_unknown_client_hostname, permit", true,
         ACCESS_RESTRICTIONS, 0, NULL, "reject_unknown_client_hostname, permit",
         false, false},
        {"one restriction", "permit_mynetworks", true, ACCESS_RESTRICTIONS, 0,
         NULL, "permit_mynetworks", false, false},
        {"empty", "", false, 0, 0, NULL, "empty action", false, false},
        {"blank", " \t ", false, 0, 0, NULL, "empty action", false, false},
};

/* check_action - compare a parsed action with a case */
static void
check_action(const struct action_case *tc, const struct access_action *a)
{
	CHECK_LONG(tc->name, a->verb, tc->verb);
	CHECK_LONG(tc->name, a->code, tc->code);
	CHECK_NSTR(tc->name, a->dsn, tc->dsn);
	CHECK_STR(tc->name, a->text, tc->text);
	CHECK_LONG(tc->name, a->disconnect, tc->disconnect);
	CHECK_LONG(tc->name, a->numeric, tc->numeric && tc->verb == ACCESS_OK);
}

/* test_action_parse - every keyword and its reject paths */
static void
test_action_parse(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(action_cases); i++) {
		const struct action_case *tc = &action_cases[i];
		struct access_action a;
		bool ok;

		vstr_reset(why);
		ok = access_action_parse(tc->value, &a, why);
		CHECK_LONG(tc->name, ok, tc->want_ok);
		if (ok) {
			check_action(tc, &a);
			access_action_free(&a);
			CHECK_TRUE(tc->name, a.text == NULL && a.dsn == NULL,
			           "not freed");
		} else {
			if (!strstr(vstr_str(why), tc->text))
				fail_msg("%s: got why \"%s\", want \"%s\"",
				         tc->name, vstr_str(why), tc->text);
			CHECK_TRUE(tc->name, a.text == NULL && a.dsn == NULL,
			           "left allocated");
		}
	}
	vstr_free(why);
}

static const struct verb_name_case {
	enum access_verb verb;
	const char *want;
} verb_name_cases[] = {
        {ACCESS_OK, "OK"},
        {ACCESS_DUNNO, "DUNNO"},
        {ACCESS_REJECT, "REJECT"},
        {ACCESS_DEFER, "DEFER"},
        {ACCESS_DEFER_IF_REJECT, "DEFER_IF_REJECT"},
        {ACCESS_DEFER_IF_PERMIT, "DEFER_IF_PERMIT"},
        {ACCESS_CODE, "4NN/5NN"},
        {ACCESS_DISCARD, "DISCARD"},
        {ACCESS_HOLD, "HOLD"},
        {ACCESS_WARN, "WARN"},
        {ACCESS_INFO, "INFO"},
        {ACCESS_REDIRECT, "REDIRECT"},
        {ACCESS_BCC, "BCC"},
        {ACCESS_FILTER, "FILTER"},
        {ACCESS_PREPEND, "PREPEND"},
        {ACCESS_RESTRICTIONS, "restrictions"},
};

/* test_verb_name - names for logging */
static void
test_verb_name(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(verb_name_cases); i++)
		CHECK_STR(verb_name_cases[i].want,
		          access_verb_name(verb_name_cases[i].verb),
		          verb_name_cases[i].want);
}

/* test_lookup_and_parse - what a restriction does with a table */
static void
test_lookup_and_parse(void **state)
{
	struct maps *m =
	        maps_create("smtpd_sender_restrictions",
	                    "inline:{ {spam.example = 550 5.7.1 Go away}, "
	                    "{friend@spam.example = OK} }",
	                    DICT_FLAG_FOLD_FIX);
	struct vstr *why = vstr_alloc(100);
	struct access_action a;
	const char *value;

	(void) state;
	defaults();
	CHECK_LONG("lookup",
	           access_find_mail(m, "x@spam.example", &value, NULL),
	           DICT_FOUND);
	CHECK_TRUE("parse", access_action_parse(value, &a, why), vstr_str(why));
	CHECK_LONG("code", a.code, 550);
	CHECK_STR("dsn", a.dsn, "5.7.1");
	CHECK_STR("text", a.text, "Go away");
	access_action_free(&a);
	CHECK_LONG("friend",
	           access_find_mail(m, "Friend@spam.example", &value, NULL),
	           DICT_FOUND);
	CHECK_STR("friend", value, "OK");
	maps_free(m);
	vstr_free(why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_order),
	        cmocka_unit_test(test_find),
	        cmocka_unit_test(test_null_key),
	        cmocka_unit_test(test_parent_style),
	        cmocka_unit_test(test_action_parse),
	        cmocka_unit_test(test_verb_name),
	        cmocka_unit_test(test_lookup_and_parse),
	};

	return cmocka_run_group_tests_name("access_map", tests, NULL, NULL);
}
