/*
 * cleanup_text_test - unit tests for the cleanup daemon's pure helpers:
 * header names and classes, Date: and Message-Id: values, display-name
 * quoting, Content-Type parsing, masquerading, DSN codes, address class
 * lists and the reply text of each status
 */
#include "../../mta/cleanup/cleanup_text.c"

#include "testutil.h"

static const struct name_case {
	const char *in;
	size_t want_name;
	size_t want_prefix;
} name_cases[] = {
        {"Subject: x", 7, 8}, {"Subject : x", 7, 9},    {"Subject:", 7, 8},
        {"X-A:b", 3, 4},      {" Subject: x", 0, 0},    {"NoColon", 0, 0},
        {":x", 0, 0},         {"Sub ject: x", 0, 0},    {"", 0, 0},
        {"From\t:\tx", 4, 6}, {"Bad\001Name: x", 0, 0}, {"X\xc3\xa9: x", 0, 0},
};

/* test_hdr_name - what counts as a header line */
static void
test_hdr_name(void **unused)
{
	(void) unused;
	for (size_t i = 0; i < NELEM(name_cases); i++) {
		const struct name_case *c = &name_cases[i];
		size_t prefix = 0;
		size_t got = cleanup_hdr_name(c->in, strlen(c->in), &prefix);

		CHECK_LONG(c->in, (long) got, (long) c->want_name);
		if (got > 0)
			CHECK_LONG(c->in, (long) prefix, (long) c->want_prefix);
	}
}

static const struct find_case {
	const char *name;
	int want_type; /* -1: not special */
	int want_flags;
} find_cases[] = {
        {"to", HDR_TO, HDR_OPT_RECIP},
        {"RESENT-FROM", HDR_RESENT_FROM, HDR_OPT_SENDER | HDR_OPT_RR},
        {"Message-ID", HDR_MESSAGE_ID, 0},
        {"Return-Path", HDR_RETURN_PATH, HDR_OPT_SENDER},
        {"Return-Receipt-To", HDR_RETURN_RECEIPT_TO, HDR_OPT_SENDER},
        {"Content-Type", HDR_CONTENT_TYPE, HDR_OPT_MIME},
        {"Content-Disposition", HDR_OTHER_MIME, HDR_OPT_MIME},
        {"mime-version", HDR_MIME_VERSION, HDR_OPT_MIME},
        {"Received", HDR_RECEIVED, 0},
        {"Apparently-To", HDR_APPARENTLY_TO, HDR_OPT_RECIP},
        {"X-Foo", -1, 0},
        {"Tox", -1, 0},
        {"T", -1, 0},
        {"Content-", -1, 0},
        {"Zzz", -1, 0},
};

/* test_hdr_find - header classification, case-insensitive */
static void
test_hdr_find(void **unused)
{
	(void) unused;
	for (size_t i = 0; i < NELEM(find_cases); i++) {
		const struct find_case *c = &find_cases[i];
		const struct hdr_opts *o =
		        cleanup_hdr_find(c->name, strlen(c->name));

		CHECK_LONG(c->name, o ? (long) o->type : -1L,
		           (long) c->want_type);
		if (o)
			CHECK_LONG(c->name, (long) o->flags,
			           (long) c->want_flags);
	}
}

static const struct date_case {
	const char *tz;
	time_t when;
	const char *want;
} date_cases[] = {
        {"UTC0", 1795316011, "Sun, 22 Nov 2026 02:53:31 +0000 (UTC)"},
        {"UTC0", 1793588011, "Mon,  2 Nov 2026 02:53:31 +0000 (UTC)"},
        {"XYZ-2", 1795316011, "Sun, 22 Nov 2026 04:53:31 +0200 (XYZ)"},
        {"ABC+5:30", 1795316011, "Sat, 21 Nov 2026 21:23:31 -0530 (ABC)"},
};

/* test_date - Postfix's Date: shape in the local time zone */
static void
test_date(void **unused)
{
	struct vstr *out = vstr_alloc(10);

	(void) unused;
	for (size_t i = 0; i < NELEM(date_cases); i++) {
		setenv("TZ", date_cases[i].tz, 1);
		tzset();
		cleanup_date_fmt(out, date_cases[i].when);
		CHECK_STR(date_cases[i].tz, vstr_str(out), date_cases[i].want);
	}
	unsetenv("TZ");
	tzset();
	vstr_free(out);
}

/* test_msgid - time stamp and queue ID, or the long queue ID alone */
static void
test_msgid(void **unused)
{
	struct vstr *out = vstr_alloc(10);

	(void) unused;
	cleanup_msgid_fmt(out, 1795316011, "3B74F108102", "mx.example.test",
	                  false);
	CHECK_STR("short", vstr_str(out),
	          "20261122025331.3B74F108102@mx.example.test");
	cleanup_msgid_fmt(out, 1795316011, "4Q7xk2T1pYzAbc", "mx.example.test",
	                  true);
	CHECK_STR("long", vstr_str(out), "4Q7xk2T1pYzAbc@mx.example.test");
	vstr_free(out);
}

static const struct pair {
	const char *in;
	const char *want;
} phrase_cases[] = {
        {"root", "root"},
        {"Alice Example", "Alice Example"},
        {"Alice Q. Example", "\"Alice Q. Example\""},
        {"a\"b\\c", "\"a\\\"b\\\\c\""},
        {"", "\"\""},
        {" lead", "\" lead\""},
        {"trail ", "\"trail \""},
        {"Doe, John", "\"Doe, John\""},
        {"x<y>", "\"x<y>\""},
};

/* test_phrase - display names are quoted only when they must be */
static void
test_phrase(void **unused)
{
	struct vstr *out = vstr_alloc(10);

	(void) unused;
	for (size_t i = 0; i < NELEM(phrase_cases); i++) {
		cleanup_phrase_fmt(out, phrase_cases[i].in);
		CHECK_STR(phrase_cases[i].in, vstr_str(out),
		          phrase_cases[i].want);
	}
	vstr_free(out);
}

static const struct ctype_case {
	const char *in;
	enum ctype_kind want;
	const char *boundary;
} ctype_cases[] = {
        {" multipart/mixed; boundary=\"a b\"", CTYPE_MULTIPART, "a b"},
        {"Multipart/Alternative; charset=x;\n\tboundary=xyz", CTYPE_MULTIPART,
         "xyz"},
        {"(comment) multipart/mixed; boundary=q", CTYPE_MULTIPART, "q"},
        {"multipart/mixed; xboundary=no", CTYPE_MULTIPART, ""},
        {"multipart/mixed", CTYPE_MULTIPART, ""},
        {"multipart/mixed; boundary=\"q\\\"x\"", CTYPE_MULTIPART, "q\"x"},
        {"message/rfc822", CTYPE_MESSAGE, ""},
        {"MESSAGE/RFC822; x=y", CTYPE_MESSAGE, ""},
        {"text/plain; boundary=zz", CTYPE_OTHER, ""},
        {"", CTYPE_OTHER, ""},
};

/* test_ctype - the kind of a MIME part and its boundary */
static void
test_ctype(void **unused)
{
	struct vstr *b = vstr_alloc(10);

	(void) unused;
	for (size_t i = 0; i < NELEM(ctype_cases); i++) {
		const struct ctype_case *c = &ctype_cases[i];

		CHECK_LONG(c->in, (long) cleanup_ctype_parse(c->in, b),
		           (long) c->want);
		CHECK_STR(c->in, vstr_str(b), c->boundary);
	}
	vstr_free(b);
}

static const struct masq_case {
	const char *addr;
	const char *domains;
	const char *exceptions;
	const char *want;
} masq_cases[] = {
        {"u@host.example.com", "example.com", "", "u@example.com"},
        {"u@a.b.example.com", "example.com", "", "u@example.com"},
        {"u@example.com", "example.com", "", "u@example.com"},
        {"u@EXAMPLE.com", "example.com", "", "u@EXAMPLE.com"},
        {"u@xexample.com", "example.com", "", "u@xexample.com"},
        {"u@a.sub.example.com", "sub.example.com example.com", "",
         "u@sub.example.com"},
        {"u@a.sub.example.com", "example.com sub.example.com", "",
         "u@example.com"},
        {"u@sub.example.com", "!sub.example.com example.com", "",
         "u@sub.example.com"},
        {"u@a.sub.example.com", "!sub.example.com example.com", "",
         "u@a.sub.example.com"},
        {"u@a.other.example.com", "!sub.example.com example.com", "",
         "u@example.com"},
        {"root@host.example.com", "example.com", "root, mailer-daemon",
         "root@host.example.com"},
        {"ROOT@host.example.com", "example.com", "root",
         "ROOT@host.example.com"},
        {"u@host.example.com", "", "", "u@host.example.com"},
        {"nodomain", "example.com", "", "nodomain"},
        {"u@host.other.org", "example.com", "", "u@host.other.org"},
};

/* test_masquerade - masquerade_domains semantics */
static void
test_masquerade(void **unused)
{
	struct vstr *addr = vstr_alloc(10);

	(void) unused;
	for (size_t i = 0; i < NELEM(masq_cases); i++) {
		const struct masq_case *c = &masq_cases[i];
		struct argv *domains = argv_split(c->domains, LIST_DELIMS);
		bool changed;

		vstr_cpy(addr, c->addr);
		changed = cleanup_masq_apply(addr, domains, c->exceptions);
		CHECK_STR(c->addr, vstr_str(addr), c->want);
		CHECK_LONG(c->addr, changed, strcmp(c->addr, c->want) != 0);
		argv_free(domains);
	}
	vstr_free(addr);
}

static const struct pair dsn_cases[] = {
        {"text", "5.7.1 text"},
        {"4.7.0 later", "4.7.0 later"},
        {"5.1.1", "5.1.1"},
        {"2.0.0 fine", "2.0.0 fine"},
        {"5.1 short", "5.7.1 5.1 short"},
        {"4.7.0x", "5.7.1 4.7.0x"},
        {"3.1.1 bad class", "5.7.1 3.1.1 bad class"},
        {"5.1234.1 long", "5.7.1 5.1234.1 long"},
};

/* test_dsn_prepend - a status code in front unless there is one */
static void
test_dsn_prepend(void **unused)
{
	struct vstr *out = vstr_alloc(10);

	(void) unused;
	for (size_t i = 0; i < NELEM(dsn_cases); i++) {
		cleanup_dsn_prepend(out, "5.7.1", dsn_cases[i].in);
		CHECK_STR(dsn_cases[i].in, vstr_str(out), dsn_cases[i].want);
	}
	vstr_free(out);
}

/* test_class_mask - *_classes lists, unknown names warned about */
static void
test_class_mask(void **unused)
{
	struct log_capture cap;

	(void) unused;
	CHECK_LONG("all",
	           cleanup_class_mask("envelope_sender, envelope_recipient "
	                              "header_sender,header_recipient",
	                              "x"),
	           CLASS_ENV_FROM | CLASS_ENV_RCPT | CLASS_HDR_FROM |
	                   CLASS_HDR_RCPT);
	CHECK_LONG("empty", cleanup_class_mask("", "x"), 0);
	CHECK_LONG("null", cleanup_class_mask(NULL, "x"), 0);
	capture_start(&cap);
	CHECK_LONG("unknown",
	           cleanup_class_mask("Header_Sender, bogus",
	                              "masquerade_classes"),
	           CLASS_HDR_FROM);
	CHECK_TRUE("warning",
	           capture_has(&cap, "warning: unknown masquerade_classes "
	                             "value \"bogus\" ignored"),
	           "warning logged");
	capture_stop(&cap);
}

static const struct reply_case {
	int errs;
	int write_errno;
	const char *reason;
	const char *want;
} reply_cases[] = {
        {CLEANUP_STAT_OK, 0, "", ""},
        {CLEANUP_STAT_DISCARD, 0, "", ""},
        {CLEANUP_STAT_CONT, 0, "5.7.1 no", "550 5.7.1 no"},
        {CLEANUP_STAT_CONT, 0, "", "550 5.7.1 message content rejected"},
        {CLEANUP_STAT_DEFER, 0, "4.6.0 Alias expansion error",
         "451 4.6.0 Alias expansion error"},
        {CLEANUP_STAT_WRITE, EIO, "",
         "451 4.3.0 Error: queue file write error"},
        {CLEANUP_STAT_WRITE, ENOSPC, "",
         "452 4.3.1 Insufficient system storage"},
        {CLEANUP_STAT_WRITE | CLEANUP_STAT_CONT, ENOSPC, "5.7.1 x",
         "550 5.7.1 x"},
        {CLEANUP_STAT_WRITE | CLEANUP_STAT_DEFER, EIO, "4.6.0 x",
         "451 4.6.0 x"},
        {CLEANUP_STAT_SIZE, 0, "",
         "552 5.3.4 Message size exceeds fixed limit"},
        {CLEANUP_STAT_HOPS, 0, "", "554 5.4.0 Error: too many hops"},
        {CLEANUP_STAT_RCPT, 0, "", "550 5.1.0 Error: no recipients specified"},
        {CLEANUP_STAT_BAD, 0, "", "451 4.3.0 Error: internal protocol error"},
};

/* test_reply_text - the SMTP reply for each status */
static void
test_reply_text(void **unused)
{
	struct vstr *out = vstr_alloc(10);

	(void) unused;
	for (size_t i = 0; i < NELEM(reply_cases); i++) {
		const struct reply_case *c = &reply_cases[i];

		cleanup_reply_text(out, c->errs, c->write_errno, c->reason);
		CHECK_STR(c->want, vstr_str(out), c->want);
	}
	vstr_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hdr_name),
	        cmocka_unit_test(test_hdr_find),
	        cmocka_unit_test(test_date),
	        cmocka_unit_test(test_msgid),
	        cmocka_unit_test(test_phrase),
	        cmocka_unit_test(test_ctype),
	        cmocka_unit_test(test_masquerade),
	        cmocka_unit_test(test_dsn_prepend),
	        cmocka_unit_test(test_class_mask),
	        cmocka_unit_test(test_reply_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
