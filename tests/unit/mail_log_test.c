/*
 * mail_log_test - syslog ident, facility check and maillog_file lines
 */
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mail_conf.h"
#include "mail_log.h"
#include "mail_params.h"
#include "msg.h"
#include "msg_syslog.h"
#include "vstr.h"

static char dir[] = "/tmp/mail_log_test.XXXXXX";

/* write_main_cf - a main.cf with the given text */
static void
write_main_cf(const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/main.cf", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* load - main.cf into the globals */
static int
load(struct vstr *why)
{
	if (mail_conf_load(dir, true, why) < 0)
		return -1;
	return mail_params_init(why);
}

static const struct tcase {
	const char *name;
	const char *facility;
	int want;
} facility_cases[] = {
        {"mail", "mail", 0},         {"local3", "local3", 0},
        {"upper case", "LOCAL7", 0}, {"unknown", "mailx", -1},
        {"empty", "", -1},
};

/* test_facility - syslog_facility names are checked */
static void
test_facility(void **state)
{
	(void) state;
	for (size_t i = 0;
	     i < sizeof(facility_cases) / sizeof(facility_cases[0]); i++) {
		const struct tcase *tc = &facility_cases[i];
		struct vstr *why = vstr_alloc(100);
		char text[256];
		int got;

		snprintf(text, sizeof(text),
		         "myhostname = mx.example.test\nsyslog_facility = %s\n",
		         tc->facility);
		write_main_cf(text);
		assert_int_equal(load(why), 0);
		got = mail_log_init("smtpd", why);
		if (got != tc->want)
			fail_msg("%s: got %d, want %d (%s)", tc->name, got,
			         tc->want, vstr_str(why));
		if (got < 0 && strstr(vstr_str(why), "syslog_facility") == NULL)
			fail_msg("%s: reason does not name the parameter: %s",
			         tc->name, vstr_str(why));
		vstr_free(why);
	}
}

/* test_logfile_line - one syslog-shaped line per message */
static void
test_logfile_line(void **state)
{
	struct vstr *why = vstr_alloc(100);
	char text[512], path[256], line[1024], pattern[256];
	FILE *fp;
	regex_t re;
	int n = 0;

	(void) state;
	snprintf(path, sizeof(path), "%s/maillog", dir);
	snprintf(text, sizeof(text),
	         "myhostname = mx.example.test\nsyslog_name = postfix-inst\n"
	         "maillog_file = %s\n",
	         path);
	write_main_cf(text);
	assert_int_equal(load(why), 0);
	assert_int_equal(mail_log_init("smtpd", why), 0);
	msg_warn("queue file %s: bad record", "ABC123");
	msg_info("connect from localhost[127.0.0.1]");
	msg_logfile_close();

	snprintf(pattern, sizeof(pattern),
	         "^[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} "
	         "mx\\.example\\.test postfix-inst/smtpd\\[%ld\\]: ",
	         (long) getpid());
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		if (regexec(&re, line, 0, NULL, 0) != 0)
			fail_msg("bad line shape: %s", line);
		n++;
	}
	fclose(fp);
	regfree(&re);
	if (n != 2)
		fail_msg("got %d lines, want 2", n);
	vstr_free(why);
}

/* test_logfile_error - an unwritable maillog_file is reported */
static void
test_logfile_error(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	write_main_cf("maillog_file = /nonexistent-dir/maillog\n");
	assert_int_equal(load(why), 0);
	assert_int_equal(mail_log_init("smtpd", why), -1);
	assert_non_null(strstr(vstr_str(why), "/nonexistent-dir/maillog"));
	vstr_free(why);
}

/* teardown - remove the directory */
static int
teardown(void **state)
{
	char cmd[300];

	(void) state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_facility),
	        cmocka_unit_test(test_logfile_line),
	        cmocka_unit_test(test_logfile_error),
	};

	if (mkdtemp(dir) == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, teardown);
}
