/*
 * server_args_test - the command line master(8) gives a service, and the
 * postlog line shape
 */
#include "argv.h"
#include "postlog_client.h"
#include "server_args.h"
#include "stringops.h"
#include "testutil.h"

static const struct args_case {
	const char *name;
	const char *cmdline; /* split at spaces; "~" stands for a space */
	int want_rc;
	const char
	        *want; /* "service type nsock u j S v config | o=v,.. | rest" */
	const char *want_why;
} args_cases[] = {
        {"master's usual line", "/x/smtpd -n smtp -t inet -s 2 -u -j", 0,
         "smtp inet 2 u j - 0 - |  | ", NULL},
        {"defaults", "/usr/lib/postfix/sbin/qmgr", 0,
         "qmgr unix 1 - - - 0 - |  | ", NULL},
        {"clustered flags", "pickup -n pickup -uj -vv", 0,
         "pickup unix 1 u j - 2 - |  | ", NULL},
        {"attached values", "local -nlocal -tunix -s3", 0,
         "local unix 3 - - - 0 - |  | ", NULL},
        {"overrides in order",
         "smtpd -n 10025 -t inet -o smtpd_tls_security_level=none "
         "-o syslog_name=postfix/$service_name",
         0,
         "10025 inet 1 - - - 0 - | smtpd_tls_security_level=none,"
         "syslog_name=postfix/$service_name | ",
         NULL},
        {"braced override", "smtpd -o {~smtpd_banner~=~a~b~}", 0,
         "smtpd unix 1 - - - 0 - | smtpd_banner=a b | ", NULL},
        {"attached override", "cleanup -oheader_checks=", 0,
         "cleanup unix 1 - - - 0 - | header_checks= | ", NULL},
        {"stand-alone and config dir", "smtpd -S -c /tmp/conf", 0,
         "smtpd unix 1 - - S 0 /tmp/conf |  | ", NULL},
        {"pipe arguments stop parsing",
         "pipe -n maildrop -t unix flags=DRXhu user=vmail "
         "argv=/usr/bin/maildrop -d ${recipient}",
         0,
         "maildrop unix 1 - - - 0 - |  | flags=DRXhu user=vmail "
         "argv=/usr/bin/maildrop -d ${recipient}",
         NULL},
        {"double dash", "x -n a -- -n b", 0, "a unix 1 - - - 0 - |  | -n b",
         NULL},
        {"ignored Postfix flags", "x -d -D -l -z", 0,
         "x unix 1 - - - 0 - |  | ", NULL},
        {"unknown type", "x -t tcp", -1, NULL, "unknown service type: tcp"},
        {"bad socket count", "x -s 0", -1, NULL, "bad socket count: 0"},
        {"non-numeric socket count", "x -s two", -1, NULL,
         "bad socket count: two"},
        {"missing value", "x -n", -1, NULL,
         "option requires an argument -- 'n'"},
        {"unknown option", "x -q", -1, NULL, "invalid option -- 'q'"},
        {"override without =", "x -o junk", -1, NULL,
         "bad -o argument \"junk\": missing '=' after attribute name"},
};

/* summary - the parsed fields as one string */
static char *
summary(const struct server_args *a)
{
	struct vstr *s = vstr_alloc(100);

	vstr_fmt(s, "%s %s %d %s %s %s %d %s | ", a->service, a->type_name,
	         a->nsock, a->unpriv ? "u" : "-", a->chroot ? "j" : "-",
	         a->standalone ? "S" : "-", a->verbose,
	         a->config_dir ? a->config_dir : "-");
	for (size_t i = 0; i < a->opt_names->argc; i++)
		vstr_fmt_append(s, "%s%s=%s", i ? "," : "",
		                a->opt_names->argv[i], a->opt_values->argv[i]);
	vstr_cat(s, " | ");
	for (int i = 0; i < a->rest_count; i++)
		vstr_fmt_append(s, "%s%s", i ? " " : "", a->rest[i]);
	return vstr_export(s);
}

/* test_parse - table of command lines */
static void
test_parse(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(args_cases); i++) {
		const struct args_case *tc = &args_cases[i];
		struct argv *words = argv_split(tc->cmdline, " ");
		struct server_args a;
		struct vstr *why = vstr_alloc(10);
		int rc;

		for (size_t w = 0; w < words->argc; w++)
			for (char *cp = words->argv[w]; *cp; cp++)
				if (*cp == '~')
					*cp = ' ';
		rc = server_args_parse((int) words->argc, words->argv, &a, why);
		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc == 0) {
			char *got = summary(&a);

			CHECK_STR(tc->name, got, tc->want);
			CHECK_TRUE(tc->name, a.rest[a.rest_count] == NULL,
			           "rest is not NULL-terminated");
			xfree(got);
		} else {
			CHECK_STR(tc->name, vstr_str(why), tc->want_why);
		}
		server_args_free(&a);
		vstr_free(why);
		argv_free(words);
	}
}

static const struct type_case {
	const char *name;
	int want_rc;
	enum server_type want;
} type_cases[] = {
        {"inet", 0, SERV_TYPE_INET},        {"unix", 0, SERV_TYPE_UNIX},
        {"unix-dgram", 0, SERV_TYPE_DGRAM}, {"fifo", 0, SERV_TYPE_FIFO},
        {"pass", 0, SERV_TYPE_PASS},        {"Unix", -1, SERV_TYPE_UNIX},
        {"", -1, SERV_TYPE_UNIX},
};

/* test_types - master.cf type names */
static void
test_types(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(type_cases); i++) {
		enum server_type t = SERV_TYPE_UNIX;

		CHECK_LONG(type_cases[i].name,
		           server_type_parse(type_cases[i].name, &t),
		           type_cases[i].want_rc);
		CHECK_LONG(type_cases[i].name, t, type_cases[i].want);
	}
}

/* test_postlog_format - "Mmm dd hh:mm:ss host ident[pid]: text" */
static void
test_postlog_format(void **state)
{
	struct vstr *line = vstr_alloc(10);
	const char *s;

	(void) state;
	postlog_format(line, "mx.example", "postfix/smtpd", 3998,
	               "connect from x[192.0.2.1]");
	s = vstr_str(line);
	CHECK_TRUE("month", s[3] == ' ' && s[0] >= 'A' && s[0] <= 'Z',
	           "no month name");
	CHECK_TRUE("time",
	           s[6] == ' ' && s[9] == ':' && s[12] == ':' && s[15] == ' ',
	           "no hh:mm:ss");
	CHECK_STR("rest", s + 16,
	          "mx.example postfix/smtpd[3998]: connect from x[192.0.2.1]");
	vstr_free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse),
	        cmocka_unit_test(test_types),
	        cmocka_unit_test(test_postlog_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
