/*
 * master_cf_test - unit tests for master.cf parsing
 */
#include "argv.h"
#include "linefile.h"
#include "master_cf.h"
#include "testutil.h"

/* fields - the seven fixed fields joined with '|'; caller frees */
static char *
fields(const struct master_ent *ent)
{
	struct vstr *out = vstr_alloc(100);

	for (int i = 0; i < MF_COMMAND; i++) {
		if (i > 0)
			vstr_addch(out, '|');
		vstr_cat(out, ent->field[i]);
	}
	return vstr_export(out);
}

static const struct ent_case {
	const char *name;
	const char *text;
	const char *want_fields; /* NULL: rejected */
	const char *want_args;   /* or the reason when rejected */
} ent_cases[] = {
        {"smtp",
         "smtp      inet  n       -       y       -       -       smtpd",
         "smtp|inet|n|-|y|-|-", "smtpd"},
        {"arguments", "pickup unix n - y 60 1 pickup -o content_filter= -v",
         "pickup|unix|n|-|y|60|1", "pickup|-o|content_filter=|-v"},
        {"wakeup with ?", "qmgr unix n - n 300? 1 qmgr",
         "qmgr|unix|n|-|n|300?|1", "qmgr"},
        {"maxproc zero", "relay unix - - y - 0 smtp", "relay|unix|-|-|y|-|0",
         "smtp"},
        {"unix-dgram", "postlog unix-dgram n - n - 1 postlogd",
         "postlog|unix-dgram|n|-|n|-|1", "postlogd"},
        {"fifo", "old fifo n - n 60 1 pickup", "old|fifo|n|-|n|60|1", "pickup"},
        {"pass", "smtpd pass - - y - - smtpd", "smtpd|pass|-|-|y|-|-", "smtpd"},
        {"inet with address", "127.0.0.1:10025 inet n - n - - smtpd",
         "127.0.0.1:10025|inet|n|-|n|-|-", "smtpd"},
        {"tabs", "a\tunix\t-\tn\tn\t-\t-\tpipe", "a|unix|-|n|n|-|-", "pipe"},
        {"braced option is one argument",
         "submission inet n - y - - smtpd -o { smtpd_tls_security_level = "
         "encrypt } -o x=y",
         "submission|inet|n|-|y|-|-",
         "smtpd|-o|{ smtpd_tls_security_level = encrypt }|-o|x=y"},
        {"pipe argv with ${...}",
         "maildrop unix - n n - - pipe flags=DRXhu user=vmail "
         "argv=/usr/bin/maildrop -d ${recipient}",
         "maildrop|unix|-|n|n|-|-",
         "pipe|flags=DRXhu|user=vmail|argv=/usr/bin/maildrop|-d|${recipient}"},
        /* Reject paths, one per field. */
        {"bad type", "smtp tcp n - y - - smtpd", NULL,
         "field \"type\": bad value: \"tcp\""},
        {"type case", "smtp INET n - y - - smtpd", NULL,
         "field \"type\": bad value: \"INET\""},
        {"bad private", "smtp inet x - y - - smtpd", NULL,
         "field \"private\": bad value: \"x\""},
        {"bad private word", "smtp inet yes - y - - smtpd", NULL,
         "field \"private\": bad value: \"yes\""},
        {"bad unprivileged", "smtp inet n Y y - - smtpd", NULL,
         "field \"unprivileged\": bad value: \"Y\""},
        {"bad chroot", "smtp inet n - 1 - - smtpd", NULL,
         "field \"chroot\": bad value: \"1\""},
        {"bad wakeup letters", "smtp inet n - y abc - smtpd", NULL,
         "field \"wakeup\": bad value: \"abc\""},
        {"bad wakeup ??", "smtp inet n - y 60?? - smtpd", NULL,
         "field \"wakeup\": bad value: \"60??\""},
        {"bad wakeup ? alone", "smtp inet n - y ? - smtpd", NULL,
         "field \"wakeup\": bad value: \"?\""},
        {"bad wakeup negative", "smtp inet n - y -1 - smtpd", NULL,
         "field \"wakeup\": bad value: \"-1\""},
        {"bad wakeup unit", "smtp inet n - y 60s - smtpd", NULL,
         "field \"wakeup\": bad value: \"60s\""},
        {"bad maxproc letters", "smtp inet n - y - x smtpd", NULL,
         "field \"process_limit\": bad value: \"x\""},
        {"bad maxproc negative", "smtp inet n - y - -5 smtpd", NULL,
         "field \"process_limit\": bad value: \"-5\""},
        {"bad maxproc fraction", "smtp inet n - y - 1.5 smtpd", NULL,
         "field \"process_limit\": bad value: \"1.5\""},
        {"bad maxproc with ?", "smtp inet n - y - 1? smtpd", NULL,
         "field \"process_limit\": bad value: \"1?\""},
        {"brace in service name", "{smtp} inet n - y - - smtpd", NULL,
         "field \"service\": bad value: \"{smtp}\""},
        {"seven fields", "smtp inet n - y - -", NULL,
         "entry has fewer than 8 fields"},
        {"one field", "smtp", NULL, "entry has fewer than 8 fields"},
        {"empty", "", NULL, "entry has fewer than 8 fields"},
};

/* test_ent_parse - one entry, fields and arguments */
static void
test_ent_parse(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(ent_cases); i++) {
		const struct ent_case *tc = &ent_cases[i];
		struct master_ent ent;
		struct vstr *why = vstr_alloc(100);
		int rc = master_ent_parse(tc->text, &ent, why);

		if (tc->want_fields == NULL) {
			CHECK_LONG(tc->name, rc, -1);
			CHECK_STR(tc->name, vstr_str(why), tc->want_args);
			CHECK_TRUE(tc->name, ent.args == NULL,
			           "arguments left after a failure");
		} else {
			char *f, *a;

			if (rc < 0)
				fail_msg("%s: got \"%s\", want success",
				         tc->name, vstr_str(why));
			f = fields(&ent);
			a = argv_join(ent.args, "|");
			CHECK_STR(tc->name, f, tc->want_fields);
			CHECK_STR(tc->name, a, tc->want_args);
			xfree(f);
			xfree(a);
			master_ent_clear(&ent);
			CHECK_TRUE(tc->name, ent.args == NULL && !ent.field[0],
			           "clear left storage");
		}
		vstr_free(why);
	}
}

static const char sample[] =
        "# Postfix master process configuration file.\n"
        "#\n"
        "# service type  private unpriv  chroot  wakeup  maxproc command\n"
        "smtp      inet  n       -       y       -       -       smtpd\n"
        "#submission inet n       -       y       -       -       smtpd\n"
        "submission inet n       -       y       -       -       smtpd\n"
        "  -o syslog_name=postfix/submission\n"
        "  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject "
        "}\n"
        "# a comment between continuation lines\n"
        "\n"
        "  -o smtpd_tls_security_level=encrypt\n"
        "pickup    unix  n       -       y       60      1       pickup\n"
        "smtp      unix  -       -       y       -       -       smtp\n";

/* test_read - a master.cf file: entries, spans, lookups */
static void
test_read(void **state)
{
	static const struct span_case {
		const char *name;
		const char *type;
		size_t first, last; /* physical line indices */
		const char *args;
	} spans[] = {
	        {"smtp", "inet", 3, 3, "smtpd"},
	        {"submission", "inet", 5, 10,
	         "smtpd|-o|syslog_name=postfix/submission|-o|{ "
	         "smtpd_client_restrictions = permit_sasl_authenticated, "
	         "reject "
	         "}|-o|smtpd_tls_security_level=encrypt"},
	        {"pickup", "unix", 11, 11, "pickup"},
	        {"smtp", "unix", 12, 12, "smtp"},
	};
	char *dir = tmpdir_create();
	char *path = file_write(dir, "master.cf", sample);
	struct vstr *why = vstr_alloc(100);
	struct master_cf *mc;

	(void) state;
	mc = master_cf_read(path, why);
	CHECK_TRUE("read", mc != NULL, vstr_str(why));
	CHECK_STR("read path", mc->path, path);
	CHECK_LONG("read count", mc->count, NELEM(spans));
	CHECK_LONG("physical lines kept", mc->lf->lines->argc, 13);
	for (size_t i = 0; i < NELEM(spans); i++) {
		const struct span_case *tc = &spans[i];
		struct master_ent *ent = master_cf_find(mc, tc->name, tc->type);
		char *a;

		CHECK_TRUE(tc->name, ent == &mc->ents[i], "find: wrong entry");
		CHECK_LONG(tc->name, ent->first, tc->first);
		CHECK_LONG(tc->name, ent->last, tc->last);
		a = argv_join(ent->args, "|");
		CHECK_STR(tc->name, a, tc->args);
		xfree(a);
	}
	CHECK_TRUE("find missing type",
	           master_cf_find(mc, "pickup", "inet") == NULL, "found");
	CHECK_TRUE("find commented out",
	           master_cf_find(mc, "#submission", "inet") == NULL, "found");
	master_cf_free(mc);
	CHECK_TRUE("free NULL", master_cf_free(NULL) == NULL, "not NULL");

	/* Missing file. */
	mc = master_cf_read("/nonexistent/master.cf", why);
	CHECK_TRUE("missing file", mc == NULL, "read succeeded");
	CHECK_STR("missing file", vstr_str(why),
	          "open /nonexistent/master.cf: No such file or directory");
	xfree(path);
	vstr_free(why);
	tmpdir_remove(dir);
}

static const struct file_case {
	const char *name;
	const char *text;
	const char *want_why; /* after "file test/master.cf: " */
} file_cases[] = {
        {"bad type on line 2",
         "smtp inet n - y - - smtpd\nbad tcp n - y - - x\n",
         "line 2: field \"type\": bad value: \"tcp\""},
        {"bad private after comments",
         "# c\n\n# d\nsmtp inet maybe - y - - smtpd\n",
         "line 4: field \"private\": bad value: \"maybe\""},
        {"bad wakeup", "pickup unix n - y 1m 1 pickup\n",
         "line 1: field \"wakeup\": bad value: \"1m\""},
        {"bad maxproc", "smtp inet n - y - many smtpd\n",
         "line 1: field \"process_limit\": bad value: \"many\""},
        {"too few fields, continued entry names its first line",
         "smtp inet n - y - - smtpd\nrelay unix - -\n  y -\nx unix - - y - - "
         "x\n",
         "line 2: entry has fewer than 8 fields"},
        {"bad field on a continuation line names the first line",
         "smtp inet n - y - - smtpd\nrelay unix\n  -  - y - bad smtp\n",
         "line 2: field \"process_limit\": bad value: \"bad\""},
        {"error after an ignored leading white space line",
         "  smtp inet n - y - - smtpd\nx",
         "line 2: entry has fewer than 8 fields"},
};

/* test_file_errors - errors name the file and line */
static void
test_file_errors(void **state)
{
	struct log_capture logs;

	(void) state;
	capture_start(&logs);
	for (size_t i = 0; i < NELEM(file_cases); i++) {
		const struct file_case *tc = &file_cases[i];
		struct vstr *why = vstr_alloc(100);
		struct vstr *want = vstr_alloc(100);
		struct master_cf *mc;

		mc = master_cf_parse(
		        linefile_from_text("test/master.cf", tc->text), why);
		CHECK_TRUE(tc->name, mc == NULL, "parse succeeded");
		vstr_fmt(want, "file test/master.cf: %s", tc->want_why);
		CHECK_STR(tc->name, vstr_str(why), vstr_str(want));
		vstr_free(why);
		vstr_free(want);
	}
	capture_stop(&logs);
}

/*
 * test_leading_space - text that starts with white space where no entry
 * began is ignored with a warning, as main.cf does.
 */
static void
test_leading_space(void **state)
{
	struct log_capture logs;
	struct vstr *why = vstr_alloc(100);
	struct master_cf *mc;

	(void) state;
	capture_start(&logs);
	mc = master_cf_parse(
	        linefile_from_text("test/master.cf",
	                           "  smtp inet n - y - - smtpd\n"
	                           "\t-o a=b\n"
	                           "pickup unix n - y 60 1 pickup\n"),
	        why);
	CHECK_TRUE("leading space", mc != NULL, vstr_str(why));
	CHECK_LONG("leading space count", mc->count, 1);
	CHECK_STR("leading space entry", mc->ents[0].field[MF_NAME], "pickup");
	CHECK_LONG("leading space entry line", mc->ents[0].first, 2);
	CHECK_STR("leading space warning", vstr_str(logs.text),
	          "warning: test/master.cf: logical line must not start with "
	          "whitespace: \"  smtp inet n - y - - smtpd\t-o a=b\"\n");
	master_cf_free(mc);
	capture_stop(&logs);
	vstr_free(why);
}

/* test_many_entries - the entry array grows */
static void
test_many_entries(void **state)
{
	struct vstr *text = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	struct master_cf *mc;
	char name[32];

	(void) state;
	for (int i = 0; i < 100; i++)
		vstr_fmt_append(text, "svc%d unix - - n - - pipe\n", i);
	mc = master_cf_parse(linefile_from_text("x", vstr_str(text)), why);
	CHECK_TRUE("many", mc != NULL, vstr_str(why));
	CHECK_LONG("many count", mc->count, 100);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "svc%d", i);
		CHECK_TRUE(name,
		           master_cf_find(mc, name, "unix") == &mc->ents[i],
		           "not found in place");
		CHECK_LONG(name, mc->ents[i].first, i);
	}
	master_cf_free(mc);
	vstr_free(text);
	vstr_free(why);
}

/* test_reparse - an editor changes the lines, then parses again */
static void
test_reparse(void **state)
{
	struct vstr *why = vstr_alloc(100);
	struct master_cf *mc;

	(void) state;
	mc = master_cf_parse(linefile_from_text("x", sample), why);
	CHECK_TRUE("parse", mc != NULL, vstr_str(why));
	argv_replace(mc->lf->lines, 11,
	             "pickup    unix  n       -       y       120     1       "
	             "pickup");
	argv_delete(mc->lf->lines, 3, 1);
	mc = master_cf_reparse(mc, why);
	CHECK_TRUE("reparse", mc != NULL, vstr_str(why));
	CHECK_LONG("reparse count", mc->count, 3);
	CHECK_TRUE("smtp inet gone", master_cf_find(mc, "smtp", "inet") == NULL,
	           "still there");
	CHECK_STR("wakeup changed",
	          master_cf_find(mc, "pickup", "unix")->field[MF_WAKEUP],
	          "120");
	CHECK_LONG("spans shifted", master_cf_find(mc, "pickup", "unix")->first,
	           10);

	/* An edit that breaks the file fails and frees everything. */
	argv_replace(mc->lf->lines, 10, "pickup unix n - y 60 1");
	mc = master_cf_reparse(mc, why);
	CHECK_TRUE("broken edit", mc == NULL, "reparse succeeded");
	CHECK_STR("broken edit", vstr_str(why),
	          "file x: line 11: entry has fewer than 8 fields");
	vstr_free(why);
}

static const struct opt_case {
	const char *name;
	const char *entry;
	int want_rc;
	const char *want_names; /* or the reason when rc is -1 */
	const char *want_values;
} opt_cases[] = {
        {"none", "smtp inet n - y - - smtpd", 0, "", ""},
        {"one", "x inet n - n - - cmd -o a=b", 0, "a", "b"},
        {"spaces after -o", "x inet n - n - - cmd -o a = b", -1,
         "missing '=' after attribute name: \"a\"", NULL},
        {"attached form", "x inet n - n - - cmd -oa=b", 0, "a", "b"},
        {"braced with spaces", "x inet n - n - - cmd -o { a = b c }", 0, "a",
         "b c"},
        {"braced without spaces", "x inet n - n - - cmd -o {a=b}", 0, "a", "b"},
        {"braced value with commas",
         "x inet n - n - - cmd -o { r = permit_mynetworks, reject }", 0, "r",
         "permit_mynetworks, reject"},
        {"braced value with braces",
         "x inet n - n - - cmd -o { m = inline:{ {a=b} } }", 0, "m",
         "inline:{ {a=b} }"},
        {"empty value", "x inet n - n - - cmd -o a=", 0, "a", ""},
        {"braced empty value", "x inet n - n - - cmd -o {a=}", 0, "a", ""},
        {"value with =", "x inet n - n - - cmd -o a=b=c", 0, "a", "b=c"},
        {"several in order", "x inet n - n - - cmd -o a=1 -o { b = 2 } -oc=3",
         0, "a|b|c", "1|2|3"},
        {"other flags skipped", "x inet n - n - - cmd -v -o a=b -D", 0, "a",
         "b"},
        {"stops at first non-option",
         "x unix - n n - - pipe -o a=b argv=/bin/cat -o c=d", 0, "a", "b"},
        {"option-like command is not an option", "x inet n - n - - -oa=b", 0,
         "", ""},
        {"-o at end", "x inet n - n - - cmd -o", -1, "-o without value", NULL},
        {"no =", "x inet n - n - - cmd -o novalue", -1,
         "missing '=' after attribute name: \"novalue\"", NULL},
        {"attached without =", "x inet n - n - - cmd -onovalue", -1,
         "missing '=' after attribute name: \"novalue\"", NULL},
        {"missing name", "x inet n - n - - cmd -o =v", -1,
         "missing attribute name: \"=v\"", NULL},
        {"braced missing name", "x inet n - n - - cmd -o { = v }", -1,
         "missing attribute name: \"{ = v }\"", NULL},
        {"braced unbalanced", "x inet n - n - - cmd -o {a=b", -1,
         "missing '}' in \"{a=b\"", NULL},
        {"text after braces", "x inet n - n - - cmd -o {a=b}x", -1,
         "syntax error after '}' in \"{a=b}x\"", NULL},
        {"braced space in name", "x inet n - n - - cmd -o { a b = c }", -1,
         "missing '=' after attribute name: \"{ a b = c }\"", NULL},
};

/* test_options - "-o name=value" and "-o { name = value }" */
static void
test_options(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(opt_cases); i++) {
		const struct opt_case *tc = &opt_cases[i];
		struct master_ent ent;
		struct vstr *why = vstr_alloc(100);
		struct argv *names = argv_alloc(4);
		struct argv *values = argv_alloc(4);
		int rc;

		if (master_ent_parse(tc->entry, &ent, why) < 0)
			fail_msg("%s: got parse error \"%s\", want an entry",
			         tc->name, vstr_str(why));
		rc = master_ent_options(&ent, names, values, why);
		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc == 0) {
			char *n = argv_join(names, "|");
			char *v = argv_join(values, "|");

			CHECK_STR(tc->name, n, tc->want_names);
			CHECK_STR(tc->name, v, tc->want_values);
			xfree(n);
			xfree(v);
		} else {
			CHECK_STR(tc->name, vstr_str(why), tc->want_names);
		}
		master_ent_clear(&ent);
		argv_free(names);
		argv_free(values);
		vstr_free(why);
	}
}

static const struct field_case {
	const char *name;
	int field;
	const char *value;
	int want_rc;
} field_cases[] = {
        {"service plain", MF_NAME, "smtp", 0},
        {"service address", MF_NAME, "[::1]:25", 0},
        {"service empty", MF_NAME, "", -1},
        {"service space", MF_NAME, "a b", -1},
        {"service close brace", MF_NAME, "a}", -1},
        {"type inet", MF_TYPE, "inet", 0},
        {"type empty", MF_TYPE, "", -1},
        {"type prefix", MF_TYPE, "uni", -1},
        {"type suffix", MF_TYPE, "unixx", -1},
        {"private y", MF_PRIVATE, "y", 0},
        {"private n", MF_PRIVATE, "n", 0},
        {"private -", MF_PRIVATE, "-", 0},
        {"private empty", MF_PRIVATE, "", -1},
        {"private yy", MF_PRIVATE, "yy", -1},
        {"unpriv no", MF_UNPRIV, "no", -1},
        {"chroot --", MF_CHROOT, "--", -1},
        {"wakeup 0", MF_WAKEUP, "0", 0},
        {"wakeup 0?", MF_WAKEUP, "0?", 0},
        {"wakeup empty", MF_WAKEUP, "", -1},
        {"wakeup ?1", MF_WAKEUP, "?1", -1},
        {"wakeup space", MF_WAKEUP, "1 ", -1},
        {"maxproc 100", MF_MAXPROC, "100", 0},
        {"maxproc -", MF_MAXPROC, "-", 0},
        {"maxproc empty", MF_MAXPROC, "", -1},
        {"maxproc --", MF_MAXPROC, "--", -1},
        {"command", MF_COMMAND, "smtpd", 0},
        {"command empty", MF_COMMAND, "", -1},
};

/* test_field_check - each field's validator, accept and reject */
static void
test_field_check(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(field_cases); i++) {
		const struct field_case *tc = &field_cases[i];
		struct vstr *why = vstr_alloc(100);
		int rc = master_field_check(tc->field, tc->value, why);

		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc < 0) {
			struct vstr *want = vstr_alloc(100);

			vstr_fmt(want, "field \"%s\": bad value: \"%s\"",
			         master_field_names[tc->field], tc->value);
			CHECK_STR(tc->name, vstr_str(why), vstr_str(want));
			vstr_free(want);
		}
		vstr_free(why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ent_parse),
	        cmocka_unit_test(test_read),
	        cmocka_unit_test(test_file_errors),
	        cmocka_unit_test(test_leading_space),
	        cmocka_unit_test(test_many_entries),
	        cmocka_unit_test(test_reparse),
	        cmocka_unit_test(test_options),
	        cmocka_unit_test(test_field_check),
	};

	return cmocka_run_group_tests_name("master_cf", tests, NULL, NULL);
}
