/*
 * resolve_test - unit tests for address classes, transports, nexthops,
 * transport_maps key order and semantics, local-domain stripping, routed
 * and bad addresses, table failures and local IP literals
 */
#include "mail_params.h"
#include "resolve.h"
#include "testdict.h"
#include "testutil.h"

/* set_var - replace a string global */
static void
set_var(char **var, const char *value)
{
	xfree(*var);
	*var = value ? xstrdup(value) : NULL;
}

/* defaults - a Debian-like configuration */
static void
defaults(void)
{
	set_var(&var_myhostname, "mail.example.com");
	set_var(&var_mydomain, "example.com");
	set_var(&var_myorigin, "example.com");
	set_var(&var_mydestination,
	        "mail.example.com, localhost.example.com, localhost, "
	        "example.com");
	set_var(&var_relay_domains, "relay.example");
	set_var(&var_virtual_alias_domains, "valias.example");
	set_var(&var_virtual_mailbox_domains, "inline:{ vmbox.example=x }");
	set_var(&var_transport_maps, "");
	set_var(&var_relocated_maps, "");
	set_var(&var_relayhost, "");
	set_var(&var_local_transport, "local:mail.example.com");
	set_var(&var_virtual_transport, "virtual");
	set_var(&var_relay_transport, "relay");
	set_var(&var_default_transport, "smtp");
	set_var(&var_inet_interfaces, "loopback-only");
	set_var(&var_proxy_interfaces, "192.0.2.99");
	set_var(&var_parent_domain_matches_subdomains,
	        "debug_peer_list,fast_flush_domains,mynetworks,"
	        "permit_mx_backup_networks,qmqpd_authorized_clients,"
	        "relay_domains,smtpd_access_maps");
	set_var(&var_recipient_delimiter, "+");
	set_var(&var_empty_address_recipient, "MAILER-DAEMON");
	set_var(&var_remote_header_rewrite_domain, "");
	var_swap_bangpath = true;
	var_allow_percent_hack = true;
	var_append_at_myorigin = true;
	var_append_dot_mydomain = false;
	var_resolve_null_domain = false;
	var_show_user_unknown_table_name = true;
	var_allow_min_user = false;
}

/* Which parameter a case changes from the defaults. */
enum tweak {
	T_NONE,
	T_RELAYHOST,    /* relayhost = [gw.example]:587 */
	T_LOCAL_NOHOP,  /* local_transport = local */
	T_DEFAULT_ERR,  /* default_transport = error:no outbound mail */
	T_DEFAULT_HOST, /* default_transport = smtp:[smart]:25 */
	T_NO_PERCENT,   /* allow_percent_hack = no */
	T_TRANSPORT,    /* transport_maps = inline:{...} */
	T_PARENT_TRANSPORT,
	T_NO_TABLE_NAME,
};

#define TRANSPORT_TABLE                                                        \
	"inline:{ {user@t.example = error:gone}, {t.example = smtp:[t-mx]}, "  \
	"{.sub.example = relay:}, {nh.example = :[nh-mx]:2525}, "              \
	"{noop.example = :}, {sub.example = uucp}, {*=wild:[wild]} }"

static const struct tcase {
	const char *name;
	enum tweak tweak;
	const char *addr;
	int flags;
	const char *transport;
	const char *nexthop;
	const char *recipient;
} cases[] = {
        {"local", T_NONE, "user@mail.example.com",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "mail.example.com",
         "user@mail.example.com"},
        {"local, other name", T_NONE, "user@Localhost",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "mail.example.com",
         "user@Localhost"},
        {"local nexthop is the domain", T_LOCAL_NOHOP, "user@localhost",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "localhost",
         "user@localhost"},
        {"unqualified", T_NONE, "user",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "mail.example.com",
         "user@example.com"},
        {"empty", T_NONE, "", RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local",
         "mail.example.com", "MAILER-DAEMON@mail.example.com"},
        {"trailing dot", T_NONE, "user@example.com.",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "mail.example.com",
         "user@example.com"},
        {"loopback literal", T_NONE, "user@[127.0.0.1]",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "mail.example.com",
         "user@[127.0.0.1]"},
        {"ipv6 loopback literal", T_NONE, "user@[IPv6:::1]",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "mail.example.com",
         "user@[IPv6:::1]"},
        {"proxy literal", T_NONE, "user@[192.0.2.99]",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "mail.example.com",
         "user@[192.0.2.99]"},
        {"remote literal", T_NONE, "user@[192.0.2.1]", RESOLVE_CLASS_DEFAULT,
         "smtp", "[192.0.2.1]", "user@[192.0.2.1]"},
        {"virtual alias", T_NONE, "u@valias.example",
         RESOLVE_CLASS_ALIAS | RESOLVE_FLAG_FINAL, "error",
         "5.1.1 User unknown in virtual alias table", "u@valias.example"},
        {"virtual alias, no table name", T_NO_TABLE_NAME, "u@valias.example",
         RESOLVE_CLASS_ALIAS | RESOLVE_FLAG_FINAL, "error",
         "5.1.1 User unknown", "u@valias.example"},
        {"virtual alias ignores subdomains", T_NONE, "u@x.valias.example",
         RESOLVE_CLASS_DEFAULT, "smtp", "x.valias.example",
         "u@x.valias.example"},
        {"virtual mailbox", T_NONE, "u@VMbox.example",
         RESOLVE_CLASS_VIRTUAL | RESOLVE_FLAG_FINAL, "virtual", "VMbox.example",
         "u@VMbox.example"},
        {"virtual ignores relayhost", T_RELAYHOST, "u@vmbox.example",
         RESOLVE_CLASS_VIRTUAL | RESOLVE_FLAG_FINAL, "virtual", "vmbox.example",
         "u@vmbox.example"},
        {"local ignores relayhost", T_LOCAL_NOHOP, "u@localhost",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "localhost",
         "u@localhost"},
        {"relay", T_NONE, "u@relay.example", RESOLVE_CLASS_RELAY, "relay",
         "relay.example", "u@relay.example"},
        {"relay subdomain (parent style)", T_NONE, "u@a.relay.example",
         RESOLVE_CLASS_RELAY, "relay", "a.relay.example", "u@a.relay.example"},
        {"relay with relayhost", T_RELAYHOST, "u@relay.example",
         RESOLVE_CLASS_RELAY, "relay", "[gw.example]:587", "u@relay.example"},
        {"default", T_NONE, "u@elsewhere.example", RESOLVE_CLASS_DEFAULT,
         "smtp", "elsewhere.example", "u@elsewhere.example"},
        {"default with relayhost", T_RELAYHOST, "u@elsewhere.example",
         RESOLVE_CLASS_DEFAULT, "smtp", "[gw.example]:587",
         "u@elsewhere.example"},
        {"default error transport", T_DEFAULT_ERR, "u@elsewhere.example",
         RESOLVE_CLASS_DEFAULT, "error", "no outbound mail",
         "u@elsewhere.example"},
        {"default transport nexthop wins", T_DEFAULT_HOST, "u@else.example",
         RESOLVE_CLASS_DEFAULT, "smtp", "[smart]:25", "u@else.example"},
        {"percent hack via local domain", T_NONE, "u%else.example@localhost",
         RESOLVE_CLASS_DEFAULT, "smtp", "else.example", "u@else.example"},
        {"percent hack off: routed", T_NO_PERCENT, "u%else.example@localhost",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL | RESOLVE_FLAG_ROUTED,
         "local", "mail.example.com", "u%else.example@localhost"},
        {"percent to remote: routed", T_NONE, "u%other@relay.example",
         RESOLVE_CLASS_RELAY | RESOLVE_FLAG_ROUTED, "relay", "relay.example",
         "u%other@relay.example"},
        {"bang via local domain", T_NONE, "else.example!u@localhost",
         RESOLVE_CLASS_DEFAULT, "smtp", "else.example", "u@else.example"},
        {"double at via local", T_NONE, "u@else.example@localhost",
         RESOLVE_CLASS_DEFAULT, "smtp", "else.example", "u@else.example"},
        {"double at to remote: routed", T_NONE, "u@x@else.example",
         RESOLVE_CLASS_DEFAULT | RESOLVE_FLAG_ROUTED, "smtp", "else.example",
         "u@x@else.example"},
        {"local chain", T_NONE, "u%localhost@example.com",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "local", "mail.example.com",
         "u@localhost"},
        {"empty domain", T_NONE, "u@",
         RESOLVE_CLASS_DEFAULT | RESOLVE_FLAG_ERROR, "error",
         "5.1.3 Bad address syntax", "u@"},
        {"bad domain", T_NONE, "u@a..b",
         RESOLVE_CLASS_DEFAULT | RESOLVE_FLAG_ERROR, "error",
         "5.1.3 Bad address syntax", "u@a..b"},
        {"numeric domain", T_NONE, "u@1.2.3.4",
         RESOLVE_CLASS_DEFAULT | RESOLVE_FLAG_ERROR, "error",
         "5.1.3 Bad address syntax", "u@1.2.3.4"},
        {"bad literal", T_NONE, "u@[1.2.3]",
         RESOLVE_CLASS_DEFAULT | RESOLVE_FLAG_ERROR, "error",
         "5.1.3 Bad address syntax", "u@[1.2.3]"},
        {"leading dash", T_NONE, "-oQ@elsewhere.example",
         RESOLVE_CLASS_DEFAULT | RESOLVE_FLAG_ERROR, "error",
         "5.1.3 Bad address syntax", "-oQ@elsewhere.example"},
        /* transport_maps */
        {"tm: full address", T_TRANSPORT, "user@t.example",
         RESOLVE_CLASS_DEFAULT, "error", "gone", "user@t.example"},
        {"tm: address without extension", T_TRANSPORT, "user+x@t.example",
         RESOLVE_CLASS_DEFAULT, "error", "gone", "user+x@t.example"},
        {"tm: domain", T_TRANSPORT, "other@t.example", RESOLVE_CLASS_DEFAULT,
         "smtp", "[t-mx]", "other@t.example"},
        {"tm: name only resets nexthop", T_TRANSPORT, "u@sub.example",
         RESOLVE_CLASS_DEFAULT, "uucp", "sub.example", "u@sub.example"},
        {"tm: .parent", T_TRANSPORT, "u@a.sub.example", RESOLVE_CLASS_DEFAULT,
         "relay", "a.sub.example", "u@a.sub.example"},
        {"tm: nexthop only keeps transport", T_TRANSPORT, "u@nh.example",
         RESOLVE_CLASS_DEFAULT, "smtp", "[nh-mx]:2525", "u@nh.example"},
        {"tm: colon changes nothing", T_TRANSPORT, "u@noop.example",
         RESOLVE_CLASS_DEFAULT, "smtp", "noop.example", "u@noop.example"},
        {"tm: wildcard", T_TRANSPORT, "u@else.example", RESOLVE_CLASS_DEFAULT,
         "wild", "[wild]", "u@else.example"},
        {"tm: local class too", T_TRANSPORT, "u@localhost",
         RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_FINAL, "wild", "[wild]",
         "u@localhost"},
        {"tm: not for alias class", T_TRANSPORT, "u@valias.example",
         RESOLVE_CLASS_ALIAS | RESOLVE_FLAG_FINAL, "error",
         "5.1.1 User unknown in virtual alias table", "u@valias.example"},
        {"tm: parent style", T_PARENT_TRANSPORT, "u@a.t.example",
         RESOLVE_CLASS_DEFAULT, "smtp", "[t-mx]", "u@a.t.example"},
};

/* apply_tweak - change the configuration for one case */
static void
apply_tweak(enum tweak t)
{
	switch (t) {
	case T_NONE:
		break;
	case T_RELAYHOST:
		set_var(&var_relayhost, "[gw.example]:587");
		set_var(&var_local_transport, "local");
		break;
	case T_LOCAL_NOHOP:
		set_var(&var_local_transport, "local");
		set_var(&var_relayhost, "[gw.example]:587");
		break;
	case T_DEFAULT_ERR:
		set_var(&var_default_transport, "error:no outbound mail");
		break;
	case T_DEFAULT_HOST:
		set_var(&var_default_transport, "smtp:[smart]:25");
		set_var(&var_relayhost, "[gw.example]");
		break;
	case T_NO_PERCENT:
		var_allow_percent_hack = false;
		break;
	case T_PARENT_TRANSPORT:
		set_var(&var_parent_domain_matches_subdomains,
		        "transport_maps");
		/* FALLTHROUGH */
	case T_TRANSPORT:
		set_var(&var_transport_maps, TRANSPORT_TABLE);
		break;
	case T_NO_TABLE_NAME:
		var_show_user_unknown_table_name = false;
		break;
	}
}

/* test_cases - the table */
static void
test_cases(void **state)
{
	struct resolve_reply r;

	(void) state;
	resolve_reply_init(&r);
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *c = &cases[i];

		defaults();
		apply_tweak(c->tweak);
		resolve_addr(c->addr, &r);
		CHECK_LONG(c->name, r.flags, c->flags);
		CHECK_STR(c->name, vstr_str(r.transport), c->transport);
		CHECK_STR(c->name, vstr_str(r.nexthop), c->nexthop);
		CHECK_STR(c->name, vstr_str(r.recipient), c->recipient);
	}
	resolve_reply_free(&r);
}

/* test_local - resolve_local() */
static void
test_local(void **state)
{
	static const struct {
		const char *name;
		const char *inet;
		const char *domain;
		int want;
	} lc[] = {
	        {"mydestination", "loopback-only", "localhost", 1},
	        {"case and dot", "loopback-only", "LocalHost.", 1},
	        {"not listed", "loopback-only", "else.example", 0},
	        {"empty", "loopback-only", "", 0},
	        {"loopback", "loopback-only", "[127.0.0.1]", 1},
	        {"all has loopback", "all", "[127.0.0.1]", 1},
	        {"all has ipv6 loopback", "all", "[IPv6:::1]", 1},
	        {"explicit address", "192.0.2.5", "[192.0.2.5]", 1},
	        {"explicit, loopback not", "192.0.2.5", "[127.0.0.1]", 0},
	        {"proxy", "192.0.2.5", "[192.0.2.99]", 1},
	        {"no brackets", "loopback-only", "127.0.0.1", 0},
	        {"bad literal", "loopback-only", "[127.0.0]", 0},
	};

	(void) state;
	for (size_t i = 0; i < NELEM(lc); i++) {
		defaults();
		set_var(&var_inet_interfaces, lc[i].inet);
		CHECK_LONG(lc[i].name, resolve_local(lc[i].domain), lc[i].want);
	}
}

/* test_failures - table errors defer */
static void
test_failures(void **state)
{
	struct resolve_reply r;
	struct log_capture cap;

	(void) state;
	resolve_reply_init(&r);
	capture_start(&cap);
	defaults();
	set_var(&var_mydestination, "localhost fail:mydest");
	resolve_addr("u@else.example", &r);
	CHECK_TRUE("mydestination failure", r.flags & RESOLVE_FLAG_FAIL,
	           "no FAIL flag");
	CHECK_LONG("mydestination local before failure",
	           resolve_local("localhost"), 1);
	defaults();
	set_var(&var_transport_maps, "fail:tm");
	resolve_addr("u@else.example", &r);
	CHECK_TRUE("transport failure", r.flags & RESOLVE_FLAG_FAIL,
	           "no FAIL flag");
	defaults();
	set_var(&var_relay_domains, "fail:rd");
	resolve_addr("u@else.example", &r);
	CHECK_TRUE("relay_domains failure", r.flags & RESOLVE_FLAG_FAIL,
	           "no FAIL flag");
	defaults();
	set_var(&var_default_transport, "");
	resolve_addr("u@else.example", &r);
	CHECK_TRUE("null transport", r.flags & RESOLVE_FLAG_FAIL,
	           "no FAIL flag");
	CHECK_TRUE("null transport warning",
	           capture_has(&cap, "parameter default_transport: null "
	                             "transport is not allowed"),
	           vstr_str(cap.text));
	defaults();
	resolve_addr("u@else.example", &r);
	CHECK_LONG("recovered", r.flags, RESOLVE_CLASS_DEFAULT);
	capture_stop(&cap);
	resolve_reply_free(&r);
}

/* test_relocated - relocated_maps */
static void
test_relocated(void **state)
{
	struct resolve_reply r;

	(void) state;
	resolve_reply_init(&r);
	defaults();
	set_var(&var_relocated_maps,
	        "inline:{ old@example.com=new@else.example }");
	resolve_addr("old@example.com", &r);
	CHECK_STR("relocated transport", vstr_str(r.transport), "error");
	CHECK_STR("relocated nexthop", vstr_str(r.nexthop),
	          "5.1.6 User has moved to new@else.example");
	resolve_addr("other@example.com", &r);
	CHECK_STR("not relocated", vstr_str(r.transport), "local");
	resolve_reply_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cases),
	        cmocka_unit_test(test_local),
	        cmocka_unit_test(test_failures),
	        cmocka_unit_test(test_relocated),
	};

	testdict_register();
	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
