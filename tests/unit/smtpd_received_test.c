/*
 * smtpd_received_test - the Received: header smtpd writes, and the
 * RFC 5322 date in Postfix's layout
 */
#include "testutil.h"

#include "../../mta/smtpd/smtpd_received.c"

static const struct date_case {
	const char *tz;
	time_t when;
	const char *want;
} date_cases[] = {
        {"UTC", 1795316011, "Sun, 22 Nov 2026 02:53:31 +0000 (UTC)"},
        {"UTC", 1767596889, "Mon,  5 Jan 2026 07:08:09 +0000 (UTC)"},
        {"Europe/Berlin", 1767596889, "Mon,  5 Jan 2026 08:08:09 +0100 (CET)"},
        {"America/St_Johns", 1767596889,
         "Mon,  5 Jan 2026 03:38:09 -0330 (NST)"},
};

static void
test_mail_date(void **unused)
{
	struct vstr *out = vstr_alloc(10);

	(void) unused;
	for (size_t i = 0; i < NELEM(date_cases); i++) {
		setenv("TZ", date_cases[i].tz, 1);
		tzset();
		smtpd_mail_date(out, date_cases[i].when);
		CHECK_STR(date_cases[i].tz, vstr_str(out), date_cases[i].want);
	}
	vstr_free(out);
}

static const struct rcvd_case {
	const char *name;
	struct smtpd_received r;
	const char *want; /* lines joined with "\n" */
} rcvd_cases[] = {
        {"one recipient",
         {"vm", "localhost", "127.0.0.1", "mx.example.test", "Postfix", "ESMTP",
          "D685C1080F5", "alice@mx.example.test", 1795316011},
         "Received: from vm (localhost [127.0.0.1])\n"
         "\tby mx.example.test (Postfix) with ESMTP id D685C1080F5\n"
         "\tfor <alice@mx.example.test>; Sun, 22 Nov 2026 02:53:31 +0000 "
         "(UTC)"},
        {"several recipients",
         {"vm", "unknown", "IPv6:2001:db8::1", "mx.example.test", "Postfix",
          "SMTP", "ABC", NULL, 1795316011},
         "Received: from vm (unknown [IPv6:2001:db8::1])\n"
         "\tby mx.example.test (Postfix) with SMTP id ABC;\n"
         "\tSun, 22 Nov 2026 02:53:31 +0000 (UTC)"},
        {"no HELO, quoted recipient",
         {NULL, "client.example", "192.0.2.7", "mx", "Postfix", "ESMTP", "ID",
          "a b@c", 1795316011},
         "Received: from client.example (client.example [192.0.2.7])\n"
         "\tby mx (Postfix) with ESMTP id ID\n"
         "\tfor <\"a b\"@c>; Sun, 22 Nov 2026 02:53:31 +0000 (UTC)"},
};

static void
test_received(void **unused)
{
	(void) unused;
	setenv("TZ", "UTC", 1);
	tzset();
	for (size_t i = 0; i < NELEM(rcvd_cases); i++) {
		struct argv *lines = argv_alloc(4);
		char *got;

		smtpd_received_lines(&rcvd_cases[i].r, lines);
		got = argv_join(lines, "\n");
		CHECK_STR(rcvd_cases[i].name, got, rcvd_cases[i].want);
		xfree(got);
		argv_free(lines);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_mail_date),
	        cmocka_unit_test(test_received),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
