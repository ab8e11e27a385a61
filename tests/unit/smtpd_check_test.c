/*
 * smtpd_check_test - the SMTP server's access restrictions: each case
 * configures main.cf and tables, runs one check in a child process (the
 * resolver caches its configuration per process) and compares the reply
 * and the logged lines with what Postfix 3.7 produces
 */
#include "testutil.h"

#include "dict.h"
#include "mail_conf.h"
#include "mail_params.h"

#include "../../mta/smtpd/smtpd_check.c"
#include "../../mta/smtpd/smtpd_check_access.c"
#include "../../mta/smtpd/smtpd_check_addr.c"
#include "../../mta/smtpd/smtpd_check_pw.c"
#include "../../mta/smtpd/smtpd_check_rbl.c"
#include "../../mta/smtpd/smtpd_check_rest.c"

/* What a case calls. */
enum stage { CONNECT, HELO, MAIL, RCPT, DATA, EOD, ETRN, SIZE };

/* The configuration every case starts from. */
static const char base_main_cf[] =
        "compatibility_level = 3.6\n"
        "myhostname = mx.example.test\n"
        "mydomain = example.test\n"
        "myorigin = $myhostname\n"
        "mydestination = $myhostname, localhost\n"
        "mynetworks = 127.0.0.0/8\n"
        "inet_interfaces = loopback-only\n"
        "alias_maps =\n"
        "local_recipient_maps = texthash:@DIR@/users\n"
        "recipient_delimiter = +\n";

/* Tables every case has. */
static const char users_table[] = "alice x\nbob x\n";
static const char access_table[] =
        "junk@spam.test REJECT\n"
        "spam.test REJECT 5.7.0 go away\n"
        "deferme.test 450 4.7.1 later\n"
        "defer.test DEFER\n"
        "strict.test strict\n"
        "warn.test WARN look at this\n"
        "hold.test HOLD\n"
        "discard.test DISCARD\n"
        "redirect.test REDIRECT postmaster@mx.example.test\n"
        "filter.test FILTER smtp:[127.0.0.1]:10025\n"
        "prepend.test PREPEND X-Tag: yes\n"
        "inline.test reject_non_fqdn_sender reject\n"
        "table.test hash:/etc/postfix/x\n"
        "okay.test OK\n"
        "dunno.test DUNNO\n"
        "<> REJECT no bounces\n"
        "127.0.0.2 REJECT\n"
        "192.0.2 550 5.7.1 Go away\n"
        "bad.helo.test REJECT\n"
        "example.test 554 Helo not wanted\n";

static const struct check_case {
	const char *name;
	const char *main_cf; /* appended to base_main_cf; @DIR@ = tables */
	enum stage stage;
	const char *client; /* "name[addr]"; NULL: localhost[127.0.0.1] */
	const char *helo;
	const char *sender;
	const char *rcpt;
	const char *want;     /* the reply, NULL: accepted */
	const char *want_log; /* lines that must be in the log, or NULL */
} cases[] = {
        /* Relay control. */
        {"relay from outside is deferred (3.7 default)", "", RCPT,
         "unknown[192.0.2.7]", "vm", "a@remote.test", "victim@elsewhere.test",
         "454 4.7.1 <victim@elsewhere.test>: Relay access denied",
         "NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 454 4.7.1 "
         "<victim@elsewhere.test>: Relay access denied; "
         "from=<a@remote.test> to=<victim@elsewhere.test> proto=ESMTP "
         "helo=<vm>\n"},
        {"relay from mynetworks", "", RCPT, NULL, "vm", "a@remote.test",
         "victim@elsewhere.test", NULL, NULL},
        {"reject_unauth_destination",
         "smtpd_relay_restrictions =\n"
         "smtpd_recipient_restrictions = permit_mynetworks, "
         "reject_unauth_destination\n",
         RCPT, "unknown[192.0.2.7]", "vm", "a@remote.test",
         "victim@elsewhere.test",
         "554 5.7.1 <victim@elsewhere.test>: Relay access denied", NULL},
        {"relay_domains are authorized", "relay_domains = relay.test\n", RCPT,
         "unknown[192.0.2.7]", "vm", "a@remote.test", "x@relay.test", NULL,
         NULL},
        {"permit_auth_destination then reject",
         "smtpd_relay_restrictions = permit_auth_destination, reject\n", RCPT,
         "unknown[192.0.2.7]", "vm", "a@remote.test", "alice@mx.example.test",
         NULL, NULL},
        {"no relay control is fatal",
         "smtpd_relay_restrictions =\n"
         "smtpd_recipient_restrictions = permit_mynetworks\n",
         RCPT, NULL, "vm", "a@remote.test", "x@elsewhere.test", "exit",
         "fatal: in parameter smtpd_relay_restrictions or "
         "smtpd_recipient_restrictions, specify at least one working "
         "instance of: reject_unauth_destination, defer_unauth_destination, "
         "reject, defer, defer_if_permit or check_relay_domains\n"},
        /* Unknown recipients. */
        {"unknown local user", "", RCPT, NULL, "vm", "a@remote.test",
         "nosuchuser@mx.example.test",
         "550 5.1.1 <nosuchuser@mx.example.test>: Recipient address "
         "rejected: User unknown in local recipient table",
         "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 550 5.1.1 "
         "<nosuchuser@mx.example.test>: Recipient address rejected: User "
         "unknown in local recipient table; from=<a@remote.test> "
         "to=<nosuchuser@mx.example.test> proto=ESMTP helo=<vm>\n"},
        {"known local user", "", RCPT, NULL, "vm", "a@remote.test",
         "alice@mx.example.test", NULL, NULL},
        {"local user with extension", "", RCPT, NULL, "vm", "a@remote.test",
         "alice+news@localhost", NULL, NULL},
        {"postmaster needs no table entry", "", RCPT, NULL, "vm",
         "a@remote.test", "postmaster@mx.example.test", NULL, NULL},
        {"bare postmaster", "", RCPT, NULL, "vm", "a@remote.test", "postmaster",
         NULL, NULL},
        {"passwd snapshot for proxy:unix:passwd.byname",
         "local_recipient_maps = proxy:unix:passwd.byname, "
         "nis:mail.aliases\n",
         RCPT, NULL, "vm", "a@remote.test", "root@mx.example.test", NULL,
         "warning: dict_nis_init: NIS domain name not set - NIS lookups "
         "disabled\n"},
        {"passwd snapshot: unknown user",
         "local_recipient_maps = proxy:unix:passwd.byname $alias_maps\n", RCPT,
         NULL, "vm", "a@remote.test", "nosuchuser@mx.example.test",
         "550 5.1.1 <nosuchuser@mx.example.test>: Recipient address "
         "rejected: User unknown in local recipient table",
         NULL},
        {"table name hidden", "show_user_unknown_table_name = no\n", RCPT, NULL,
         "vm", "a@remote.test", "x@mx.example.test",
         "550 5.1.1 <x@mx.example.test>: Recipient address rejected: User "
         "unknown",
         NULL},
        {"unknown local user code",
         "unknown_local_recipient_reject_code = 450\n", RCPT, NULL, "vm",
         "a@remote.test", "x@mx.example.test",
         "450 4.1.1 <x@mx.example.test>: Recipient address rejected: User "
         "unknown in local recipient table",
         NULL},
        {"empty local_recipient_maps accepts all", "local_recipient_maps =\n",
         RCPT, NULL, "vm", "a@remote.test", "x@mx.example.test", NULL, NULL},
        {"unlisted recipient check off",
         "smtpd_reject_unlisted_recipient = no\n", RCPT, NULL, "vm",
         "a@remote.test", "x@mx.example.test", NULL, NULL},
        {"virtual alias domain",
         "virtual_alias_domains = valias.test\n"
         "virtual_alias_maps = texthash:@DIR@/valias\n",
         RCPT, "unknown[192.0.2.7]", "vm", "a@remote.test", "nope@valias.test",
         "550 5.1.1 <nope@valias.test>: Recipient address rejected: User "
         "unknown in virtual alias table",
         NULL},
        {"virtual alias known",
         "virtual_alias_domains = valias.test\n"
         "virtual_alias_maps = texthash:@DIR@/valias\n",
         RCPT, "unknown[192.0.2.7]", "vm", "a@remote.test", "known@valias.test",
         NULL, NULL},
        {"virtual mailbox domain",
         "virtual_mailbox_domains = vmbox.test\n"
         "virtual_mailbox_maps = texthash:@DIR@/vmbox\n",
         RCPT, "unknown[192.0.2.7]", "vm", "a@remote.test", "nope@vmbox.test",
         "550 5.1.1 <nope@vmbox.test>: Recipient address rejected: User "
         "unknown in virtual mailbox table",
         NULL},
        {"relay recipient table",
         "relay_domains = relay.test\n"
         "relay_recipient_maps = texthash:@DIR@/relayrcpt\n",
         RCPT, "unknown[192.0.2.7]", "vm", "a@remote.test", "bad@relay.test",
         "550 5.1.1 <bad@relay.test>: Recipient address rejected: User "
         "unknown in relay recipient table",
         NULL},
        {"relay recipient listed",
         "relay_domains = relay.test\n"
         "relay_recipient_maps = texthash:@DIR@/relayrcpt\n",
         RCPT, "unknown[192.0.2.7]", "vm", "a@remote.test", "ok@relay.test",
         NULL, NULL},
        {"unlisted sender", "smtpd_reject_unlisted_sender = yes\n", RCPT, NULL,
         "vm", "ghost@mx.example.test", "alice@mx.example.test",
         "550 5.1.0 <ghost@mx.example.test>: Sender address rejected: User "
         "unknown in local recipient table",
         NULL},
        /* Access tables. */
        {"sender REJECT",
         "smtpd_sender_restrictions = check_sender_access "
         "texthash:@DIR@/access\n",
         RCPT, NULL, "vm", "junk@spam.test", "alice@mx.example.test",
         "554 5.7.1 <junk@spam.test>: Sender address rejected: Access denied",
         "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 554 5.7.1 "
         "<junk@spam.test>: Sender address rejected: Access denied; "
         "from=<junk@spam.test> to=<alice@mx.example.test> proto=ESMTP "
         "helo=<vm>\n"},
        {"bare table is check_sender_access",
         "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT, NULL,
         "vm", "junk@spam.test", "alice@mx.example.test",
         "554 5.7.1 <junk@spam.test>: Sender address rejected: Access denied",
         NULL},
        {"REJECT with status and text, parent domain",
         "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT, NULL,
         "vm", "x@mail.spam.test", "alice@mx.example.test",
         "554 5.7.0 <x@mail.spam.test>: Sender address rejected: go away",
         NULL},
        {"4NN reply", "smtpd_sender_restrictions = texthash:@DIR@/access\n",
         RCPT, NULL, "vm", "x@deferme.test", "alice@mx.example.test",
         "450 4.7.1 <x@deferme.test>: Sender address rejected: later", NULL},
        {"DEFER", "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT,
         NULL, "vm", "x@defer.test", "alice@mx.example.test",
         "450 4.7.1 <x@defer.test>: Sender address rejected: Access denied",
         NULL},
        {"null sender key",
         "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT, NULL,
         "vm", "", "alice@mx.example.test",
         "554 5.7.1 <>: Sender address rejected: no bounces",
         "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 554 5.7.1 <>: "
         "Sender address rejected: no bounces; from=<> "
         "to=<alice@mx.example.test> proto=ESMTP helo=<vm>\n"},
        {"OK ends the list",
         "smtpd_sender_restrictions = texthash:@DIR@/access, reject\n", RCPT,
         NULL, "vm", "x@okay.test", "alice@mx.example.test", NULL, NULL},
        {"DUNNO goes on",
         "smtpd_sender_restrictions = texthash:@DIR@/access, reject\n", RCPT,
         NULL, "vm", "x@dunno.test", "alice@mx.example.test",
         "554 5.7.1 <x@dunno.test>: Sender address rejected: Access denied",
         NULL},
        {"restriction class from a table",
         "smtpd_restriction_classes = strict\n"
         "strict = reject_unauth_destination, reject\n"
         "smtpd_sender_restrictions = texthash:@DIR@/access\n",
         RCPT, NULL, "vm", "x@strict.test", "alice@mx.example.test",
         "554 5.7.1 <x@strict.test>: Sender address rejected: Access denied",
         NULL},
        {"restriction class by name",
         "smtpd_restriction_classes = onlylocal\n"
         "onlylocal = reject_unauth_destination\n"
         "smtpd_relay_restrictions = onlylocal\n",
         RCPT, NULL, "vm", "a@remote.test", "x@elsewhere.test",
         "554 5.7.1 <x@elsewhere.test>: Relay access denied", NULL},
        {"restrictions inline in a table",
         "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT, NULL,
         "vm", "joe@inline.test", "alice@mx.example.test",
         "554 5.7.1 <joe@inline.test>: Sender address rejected: Access denied",
         NULL},
        {"table inside a table is refused",
         "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT, NULL,
         "vm", "joe@table.test", "alice@mx.example.test",
         "451 4.3.5 Server configuration error",
         "warning: access table texthash:@DIR@/access has entry with lookup "
         "table: hash:/etc/postfix/x\n"},
        {"client access",
         "smtpd_client_restrictions = check_client_access "
         "texthash:@DIR@/access\n",
         RCPT, "unknown[127.0.0.2]", "vm", "a@remote.test",
         "alice@mx.example.test",
         "554 5.7.1 <unknown[127.0.0.2]>: Client host rejected: Access "
         "denied",
         "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 "
         "<unknown[127.0.0.2]>: Client host rejected: Access denied; "
         "from=<a@remote.test> to=<alice@mx.example.test> proto=ESMTP "
         "helo=<vm>\n"},
        {"client network prefix",
         "smtpd_client_restrictions = texthash:@DIR@/access\n", RCPT,
         "unknown[192.0.2.9]", "vm", "a@remote.test", "alice@mx.example.test",
         "550 5.7.1 <unknown[192.0.2.9]>: Client host rejected: Go away", NULL},
        {"client check at connect (delay_reject = no)",
         "smtpd_delay_reject = no\n"
         "smtpd_client_restrictions = texthash:@DIR@/access\n",
         CONNECT, "unknown[127.0.0.2]", NULL, NULL, NULL,
         "554 5.7.1 <unknown[127.0.0.2]>: Client host rejected: Access "
         "denied",
         "NOQUEUE: reject: CONNECT from unknown[127.0.0.2]: 554 5.7.1 "
         "<unknown[127.0.0.2]>: Client host rejected: Access denied; "
         "proto=SMTP\n"},
        {"client check waits (delay_reject = yes)",
         "smtpd_client_restrictions = texthash:@DIR@/access\n", CONNECT,
         "unknown[127.0.0.2]", NULL, NULL, NULL, NULL, NULL},
        {"helo access",
         "smtpd_helo_restrictions = check_helo_access texthash:@DIR@/access\n",
         RCPT, NULL, "bad.helo.test", "a@remote.test", "alice@mx.example.test",
         "554 5.7.1 <bad.helo.test>: Helo command rejected: Access denied",
         NULL},
        {"helo access parent domain, 5NN without status",
         "smtpd_helo_restrictions = texthash:@DIR@/access\n", RCPT, NULL,
         "host.example.test", "a@remote.test", "alice@mx.example.test",
         "554 5.7.1 <host.example.test>: Helo command rejected: Helo not "
         "wanted",
         NULL},
        {"recipient access",
         "smtpd_recipient_restrictions = check_recipient_access "
         "texthash:@DIR@/access\n",
         RCPT, NULL, "vm", "a@remote.test", "x@spam.test",
         "554 5.7.0 <x@spam.test>: Recipient address rejected: go away", NULL},
        {"table lookup failure",
         "smtpd_sender_restrictions = check_sender_access "
         "texthash:@DIR@/missing\n",
         RCPT, NULL, "vm", "a@remote.test", "alice@mx.example.test",
         "451 4.3.5 <a@remote.test>: Sender address rejected: Server "
         "configuration error",
         NULL},
        {"table argument missing",
         "smtpd_sender_restrictions = check_sender_access\n", RCPT, NULL, "vm",
         "a@remote.test", "alice@mx.example.test",
         "451 4.3.5 Server configuration error",
         "warning: restriction check_sender_access: bad argument "
         "\"check_sender_access\": need maptype:mapname\n"},
        /* Actions for the message. */
        {"WARN", "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT,
         NULL, "vm", "x@warn.test", "alice@mx.example.test", NULL,
         "NOQUEUE: warn: RCPT from localhost[127.0.0.1]: look at this; "
         "from=<x@warn.test> to=<alice@mx.example.test> proto=ESMTP "
         "helo=<vm>\n"},
        {"HOLD", "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT,
         NULL, "vm", "x@hold.test", "alice@mx.example.test", NULL,
         "NOQUEUE: hold: RCPT from localhost[127.0.0.1]: <x@hold.test>: "
         "Sender address triggers HOLD action; from=<x@hold.test> "
         "to=<alice@mx.example.test> proto=ESMTP helo=<vm>\n"
         "state: hold=1 discard=0\n"},
        {"DISCARD", "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT,
         NULL, "vm", "x@discard.test", "nosuchuser@mx.example.test", NULL,
         "NOQUEUE: discard: RCPT from localhost[127.0.0.1]: "
         "<x@discard.test>: Sender address triggers DISCARD action; "
         "from=<x@discard.test> to=<nosuchuser@mx.example.test> "
         "proto=ESMTP helo=<vm>\n"
         "state: hold=0 discard=1\n"},
        {"REDIRECT", "smtpd_sender_restrictions = texthash:@DIR@/access\n",
         RCPT, NULL, "vm", "x@redirect.test", "alice@mx.example.test", NULL,
         "NOQUEUE: redirect: RCPT from localhost[127.0.0.1]: "
         "<x@redirect.test>: Sender address triggers REDIRECT "
         "postmaster@mx.example.test; from=<x@redirect.test> "
         "to=<alice@mx.example.test> proto=ESMTP helo=<vm>\n"
         "state: redirect=postmaster@mx.example.test\n"},
        {"FILTER", "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT,
         NULL, "vm", "x@filter.test", "alice@mx.example.test", NULL,
         "state: filter=smtp:[127.0.0.1]:10025\n"},
        {"PREPEND", "smtpd_sender_restrictions = texthash:@DIR@/access\n", RCPT,
         NULL, "vm", "x@prepend.test", "alice@mx.example.test", NULL,
         "state: prepend=X-Tag: yes\n"},
        /* Generic restrictions. */
        {"unknown restriction",
         "smtpd_recipient_restrictions = frobnicate, permit\n", RCPT, NULL,
         "vm", "a@remote.test", "alice@mx.example.test",
         "451 4.3.5 Server configuration error",
         "warning: unknown smtpd restriction: \"frobnicate\"\n"
         "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 451 4.3.5 Server "
         "configuration error; from=<a@remote.test> "
         "to=<alice@mx.example.test> proto=ESMTP helo=<vm>\n"},
        {"policy service is not supported: never a permit",
         "smtpd_recipient_restrictions = check_policy_service "
         "inet:127.0.0.1:9, permit\n",
         RCPT, NULL, "vm", "a@remote.test", "alice@mx.example.test",
         "451 4.3.5 Server configuration error",
         "warning: unknown smtpd restriction: \"check_policy_service\"\n"},
        {"reject", "smtpd_client_restrictions = reject\n", RCPT, NULL, "vm",
         "a@remote.test", "alice@mx.example.test",
         "554 5.7.1 <localhost[127.0.0.1]>: Client host rejected: Access "
         "denied",
         NULL},
        {"defer", "smtpd_helo_restrictions = defer\n", RCPT, NULL, "vm",
         "a@remote.test", "alice@mx.example.test",
         "450 4.3.2 <vm>: Helo command rejected: Try again later", NULL},
        {"permit stops the list",
         "smtpd_sender_restrictions = permit, reject\n", RCPT, NULL, "vm",
         "a@remote.test", "alice@mx.example.test", NULL,
         "warning: restriction `reject' after `permit' is ignored\n"},
        {"warn_if_reject",
         "smtpd_sender_restrictions = warn_if_reject, "
         "reject\n",
         RCPT, NULL, "vm", "a@remote.test", "alice@mx.example.test", NULL,
         "NOQUEUE: reject_warning: RCPT from localhost[127.0.0.1]: 554 5.7.1 "
         "<a@remote.test>: Sender address rejected: Access denied; "
         "from=<a@remote.test> to=<alice@mx.example.test> proto=ESMTP "
         "helo=<vm>\n"},
        {"defer_if_permit", "smtpd_sender_restrictions = defer_if_permit\n",
         RCPT, NULL, "vm", "a@remote.test", "alice@mx.example.test",
         "450 4.7.0 <a@remote.test>: Sender address rejected: "
         "defer_if_permit requested",
         NULL},
        {"defer_if_reject",
         "smtpd_sender_restrictions = defer_if_reject, reject\n", RCPT, NULL,
         "vm", "a@remote.test", "alice@mx.example.test",
         "450 4.7.0 <a@remote.test>: Sender address rejected: "
         "defer_if_reject requested",
         NULL},
        {"soft_bounce",
         "soft_bounce = yes\n"
         "smtpd_sender_restrictions = reject\n",
         RCPT, NULL, "vm", "a@remote.test", "alice@mx.example.test",
         "454 4.7.1 <a@remote.test>: Sender address rejected: Access denied",
         NULL},
        {"permit_sasl_authenticated without login",
         "smtpd_relay_restrictions = permit_sasl_authenticated, "
         "reject_unauth_destination\n",
         RCPT, NULL, "vm", "a@remote.test", "x@elsewhere.test",
         "554 5.7.1 <x@elsewhere.test>: Relay access denied", NULL},
        {"reject_unauth_pipelining",
         "smtpd_data_restrictions = reject_unauth_pipelining\n", DATA, NULL,
         "vm", "a@remote.test", "alice@mx.example.test",
         "503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP "
         "command pipelining",
         "NOQUEUE: reject: DATA from localhost[127.0.0.1]: 503 5.5.0 <DATA>: "
         "Data command rejected: Improper use of SMTP command pipelining; "
         "from=<a@remote.test> proto=ESMTP helo=<vm>\n"},
        {"end-of-data reject", "smtpd_end_of_data_restrictions = reject\n", EOD,
         NULL, "vm", "a@remote.test", "alice@mx.example.test",
         "554 5.7.1 <END-OF-MESSAGE>: End-of-data rejected: Access denied",
         "NOQUEUE: reject: END-OF-MESSAGE from localhost[127.0.0.1]: "},
        {"bare table without a default",
         "smtpd_data_restrictions = "
         "texthash:@DIR@/access\n",
         DATA, NULL, "vm", "a@remote.test", "alice@mx.example.test",
         "451 4.3.5 Server configuration error", NULL},
        {"etrn access",
         "smtpd_etrn_restrictions = check_etrn_access texthash:@DIR@/access\n",
         ETRN, NULL, "vm", NULL, "spam.test",
         "554 5.7.0 <spam.test>: Etrn command rejected: go away",
         "NOQUEUE: reject: ETRN from localhost[127.0.0.1]: "},
        {"message size", "message_size_limit = 1000\n", SIZE, NULL, "vm", NULL,
         NULL, "552 5.3.4 Message size exceeds fixed limit",
         "NOQUEUE: reject: MAIL from localhost[127.0.0.1]: 552 5.3.4 Message "
         "size exceeds fixed limit; proto=ESMTP helo=<vm>\n"},
        /* Names and addresses. */
        {"invalid helo",
         "smtpd_helo_restrictions = reject_invalid_helo_hostname\n", RCPT, NULL,
         "bad_host!", "a@remote.test", "alice@mx.example.test",
         "501 5.5.2 <bad_host!>: Helo command rejected: Invalid name", NULL},
        {"valid helo",
         "smtpd_helo_restrictions = "
         "reject_invalid_helo_hostname\n",
         RCPT, NULL, "mail.remote.test.", "a@remote.test",
         "alice@mx.example.test", NULL, NULL},
        {"invalid helo address",
         "smtpd_helo_restrictions = reject_invalid_helo_hostname\n", RCPT, NULL,
         "[1.2.3]", "a@remote.test", "alice@mx.example.test",
         "501 5.5.2 <[1.2.3]>: Helo command rejected: invalid ip address",
         NULL},
        {"helo address literal",
         "smtpd_helo_restrictions = reject_non_fqdn_helo_hostname\n", RCPT,
         NULL, "[192.0.2.1]", "a@remote.test", "alice@mx.example.test", NULL,
         NULL},
        {"non-fqdn helo",
         "smtpd_helo_restrictions = reject_non_fqdn_helo_hostname\n", RCPT,
         NULL, "vm", "a@remote.test", "alice@mx.example.test",
         "504 5.5.2 <vm>: Helo command rejected: need fully-qualified "
         "hostname",
         NULL},
        {"non-fqdn sender",
         "smtpd_sender_restrictions = reject_non_fqdn_sender\n", RCPT, NULL,
         "vm", "joe@vm", "alice@mx.example.test",
         "504 5.5.2 <joe@vm>: Sender address rejected: need fully-qualified "
         "address",
         NULL},
        {"non-fqdn recipient",
         "smtpd_recipient_restrictions = reject_non_fqdn_recipient\n", RCPT,
         NULL, "vm", "a@remote.test", "joe@vm",
         "504 5.5.2 <joe@vm>: Recipient address rejected: need "
         "fully-qualified address",
         NULL},
        {"unknown client hostname",
         "smtpd_client_restrictions = reject_unknown_client_hostname\n", RCPT,
         "unknown[192.0.2.7]", "vm", "a@remote.test", "alice@mx.example.test",
         "450 4.7.25 Client host rejected: cannot find your hostname, "
         "[192.0.2.7]",
         NULL},
        /* DNS lists (answers from fake_rbl_query). */
        {"rbl client listed",
         "smtpd_client_restrictions = "
         "reject_rbl_client rbl.test\n",
         RCPT, "unknown[127.0.0.2]", "vm", "a@remote.test",
         "alice@mx.example.test",
         "554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked "
         "using rbl.test; Listed for testing",
         "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 Service "
         "unavailable; Client host [127.0.0.2] blocked using rbl.test; "
         "Listed for testing; from=<a@remote.test> "
         "to=<alice@mx.example.test> proto=ESMTP helo=<vm>\n"},
        {"rbl client not listed",
         "smtpd_client_restrictions = "
         "reject_rbl_client rbl.test\n",
         RCPT, "unknown[192.0.2.8]", "vm", "a@remote.test",
         "alice@mx.example.test", NULL, NULL},
        {"rbl reply pattern misses",
         "smtpd_client_restrictions = "
         "reject_rbl_client "
         "rbl.test=127.0.0.[3..9]\n",
         RCPT, "unknown[192.0.2.7]", "vm", "a@remote.test",
         "alice@mx.example.test", NULL, NULL},
        {"rbl reply pattern matches",
         "smtpd_client_restrictions = "
         "reject_rbl_client "
         "rbl.test=127.0.0.[2;10]\n",
         RCPT, "unknown[192.0.2.7]", "vm", "a@remote.test",
         "alice@mx.example.test",
         "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked "
         "using rbl.test",
         NULL},
        {"rhsbl sender",
         "smtpd_sender_restrictions = "
         "reject_rhsbl_sender rhsbl.test\n",
         RCPT, NULL, "vm", "x@spam.test", "alice@mx.example.test",
         "554 5.7.1 Service unavailable; Sender address [x@spam.test] "
         "blocked using rhsbl.test",
         NULL},
        {"rbl without domain",
         "smtpd_client_restrictions = "
         "reject_rbl_client\n",
         RCPT, "unknown[127.0.0.2]", "vm", "a@remote.test",
         "alice@mx.example.test", NULL,
         "warning: restriction reject_rbl_client requires domain name "
         "argument\n"},
        {"dnswl permits",
         "smtpd_client_restrictions = "
         "permit_dnswl_client wl.test, reject\n",
         RCPT, "unknown[127.0.0.2]", "vm", "a@remote.test",
         "alice@mx.example.test", NULL, NULL},
        {"multi-recipient bounce",
         "smtpd_data_restrictions = reject_multi_recipient_bounce\n", DATA,
         NULL, "vm", "", "alice@mx.example.test",
         "550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce",
         NULL},
};

/* fake_rbl_query - DNS list answers without DNS */
static int
fake_rbl_query(const char *name, struct argv *addrs, struct vstr *txt)
{
	static const struct {
		const char *name, *addr, *txt;
	} zone[] = {
	        {"2.0.0.127.rbl.test", "127.0.0.2", "Listed for testing"},
	        {"7.2.0.192.rbl.test", "127.0.0.10", ""},
	        {"spam.test.rhsbl.test", "127.0.0.2", ""},
	        {"2.0.0.127.wl.test", "127.0.0.5", ""},
	};

	for (size_t i = 0; i < NELEM(zone); i++) {
		if (strcmp(name, zone[i].name) == 0) {
			argv_add(addrs, zone[i].addr);
			vstr_cat(txt, zone[i].txt);
			return RBL_FOUND;
		}
	}
	return RBL_NONE;
}

/* subst_dir - text with @DIR@ replaced by dir */
static char *
subst_dir(const char *text, const char *dir)
{
	struct vstr *out = vstr_alloc(200);
	const char *at;

	while ((at = strstr(text, "@DIR@")) != NULL) {
		vstr_cat_mem(out, text, (size_t) (at - text));
		vstr_cat(out, dir);
		text = at + 5;
	}
	vstr_cat(out, text);
	return vstr_export(out);
}

/* set_client - "name[addr]" into the state */
static void
set_client(struct smtpd_state *s, const char *client)
{
	const char *lb = strchr(client, '[');

	s->name = xstrndup(client, (size_t) (lb - client));
	s->reverse_name = xstrdup(s->name);
	s->addr = xstrndup(lb + 1, strlen(lb + 1) - 1);
	s->namaddr = xstrdup(client);
}

static char *case_dir;

/* remove_case_dir - also when the child ends in msg_fatal() */
static void
remove_case_dir(void)
{
	if (case_dir)
		tmpdir_remove(case_dir);
	case_dir = NULL;
}

/* setup - main.cf and tables in a new directory, then the checks */
static char *
setup(const struct check_case *tc)
{
	char *dir = case_dir = tmpdir_create();
	struct vstr *cf = vstr_alloc(500);
	struct vstr *why = vstr_alloc(100);
	char *text;

	vstr_fmt(cf, "%s%s", base_main_cf, tc->main_cf);
	text = subst_dir(vstr_str(cf), dir);
	xfree(file_write(dir, "main.cf", text));
	xfree(text);
	xfree(file_write(dir, "users", users_table));
	xfree(file_write(dir, "access", access_table));
	xfree(file_write(dir, "valias", "known@valias.test alice\n"));
	xfree(file_write(dir, "vmbox", "known@vmbox.test x\n"));
	xfree(file_write(dir, "relayrcpt", "ok@relay.test x\n"));
	if (mail_conf_load(dir, true, why) < 0 || mail_params_init(why) < 0)
		msg_fatal("config: %s", vstr_str(why));
	vstr_free(cf);
	vstr_free(why);
	return dir;
}

/* run_stage - call the check of a case */
static const char *
run_stage(const struct check_case *tc, struct smtpd_state *s)
{
	switch (tc->stage) {
	case CONNECT:
		return smtpd_check_client(s);
	case HELO:
		return smtpd_check_helo(s);
	case MAIL:
		return smtpd_check_mail(s);
	case RCPT:
		return smtpd_check_rcpt(s);
	case DATA:
		s->rcpt_count = 2;
		s->pipelining = true;
		return smtpd_check_data(s);
	case EOD:
		s->rcpt_count = 1;
		return smtpd_check_eod(s);
	case ETRN:
		s->etrn_name = xstrdup(tc->rcpt);
		s->recipient = xfree(s->recipient);
		return smtpd_check_etrn(s);
	default:
		return smtpd_check_size(s, 2000);
	}
}

/* case_child - one case in a child: prints the reply and state */
static void
case_child(const void *arg)
{
	const struct check_case *tc = arg;
	struct smtpd_state s = {0};
	const char *reply;

	(void) setup(tc);
	msg_cleanup(remove_case_dir);
	rbl_query = fake_rbl_query;
	smtpd_check_init();
	set_client(&s, tc->client ? tc->client : "localhost[127.0.0.1]");
	s.protocol = xstrdup(tc->stage == CONNECT ? "SMTP" : "ESMTP");
	s.helo_name = tc->helo ? xstrdup(tc->helo) : NULL;
	s.sender = tc->sender ? xstrdup(tc->sender) : NULL;
	s.recipient = tc->rcpt ? xstrdup(tc->rcpt) : NULL;
	s.ehlo_seen = true;
	smtpd_check_session(&s);
	reply = run_stage(tc, &s);
	msg_info("reply: %s", reply ? reply : "(accept)");
	msg_info("state: hold=%d discard=%d", s.hold, s.discard);
	if (s.redirect)
		msg_info("state: redirect=%s", s.redirect);
	if (s.filter)
		msg_info("state: filter=%s", s.filter);
	if (s.prepend && s.prepend->argc)
		msg_info("state: prepend=%s", s.prepend->argv[0]);
	remove_case_dir();
}

/* has_lines - every line of want is a line of log */
static void
has_lines(const char *name, const char *log, const char *want)
{
	char *copy = xstrdup(want);
	char *bp = copy;
	char *line;

	while ((line = mystrtok(&bp, "\n")) != NULL)
		if (strstr(log, line) == NULL)
			fail_msg("%s: log lacks \"%s\"; log:\n%s", name, line,
			         log);
	xfree(copy);
}

/* test_cases - every case, with @DIR@ in want_log taken as a wildcard */
static void
test_cases(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct check_case *tc = &cases[i];
		struct child_result r;
		struct vstr *want = vstr_alloc(200);
		const char *log;

		child_run(case_child, tc, &r);
		log = vstr_str(r.log);
		if (getenv("SMTPD_CHECK_TEST_SHOW"))
			printf("== %s\n%s", tc->name, log);
		if (tc->want && strcmp(tc->want, "exit") == 0) {
			CHECK_TRUE(tc->name, r.exited && r.status == 1,
			           "child should exit 1");
		} else {
			vstr_fmt(want, "reply: %s\n",
			         tc->want ? tc->want : "(accept)");
			has_lines(tc->name, log, vstr_str(want));
		}
		if (tc->want_log) {
			/* The directory name varies: compare around it. */
			char *w = xstrdup(tc->want_log);
			char *part = w, *at;

			while ((at = strstr(part, "@DIR@")) != NULL) {
				*at = 0;
				has_lines(tc->name, log, part);
				part = at + 5;
			}
			has_lines(tc->name, log, part);
			xfree(w);
		}
		vstr_free(want);
		child_result_free(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
