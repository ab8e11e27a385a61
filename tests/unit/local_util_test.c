/*
 * local_util_test - the pure parts of local(8): extension splitting,
 * the command environment, command exit statuses, forward_path
 * expansion and the allow_mail_to_* class lists
 */
#include "../../mta/local/local_util.c"

#include "mail_params.h"
#include "testutil.h"

/* set_var - replace a string global */
static void
set_var(char **var, const char *value)
{
	xfree(*var);
	*var = value ? xstrdup(value) : NULL;
}

static const struct ext_case {
	const char *name;
	const char *local, *delims;
	const char *user, *ext; /* ext NULL: none */
} ext_cases[] = {
        {"plus", "user+foo", "+", "user", "foo"},
        {"no delimiter configured", "user+foo", "", "user+foo", NULL},
        {"no extension", "user", "+", "user", NULL},
        {"first of several delimiters", "user-a+b", "+-", "user", "a+b"},
        {"second delimiter character", "user+a-b", "-+", "user", "a-b"},
        {"empty user keeps the whole", "+foo", "+", "+foo", NULL},
        {"owner- lists are not split", "owner-list", "-", "owner-list", NULL},
        {"MAILER-DAEMON is not split", "mailer-daemon", "-", "mailer-daemon",
         NULL},
        {"empty extension", "user+", "+", "user", ""},
};

/* test_split_ext - user and extension of a localpart */
static void
test_split_ext(void **state)
{
	(void) state;
	set_var(&var_double_bounce_sender, "double-bounce");
	var_owner_request_special = true;
	for (size_t i = 0; i < NELEM(ext_cases); i++) {
		const struct ext_case *tc = &ext_cases[i];
		const char *delim;
		size_t at = local_split_ext(tc->local, tc->delims, &delim);
		char *user = xstrndup(tc->local, at);

		CHECK_STR(tc->name, user, tc->user);
		CHECK_NSTR(tc->name, delim ? delim + 1 : NULL, tc->ext);
		xfree(user);
	}
}

/* test_env - names, order, filtering, optional entries */
static void
test_env(void **state)
{
	struct local_env_in in = {
	        "/home/u",   "/bin/sh", "u",  "s@remote",  "u+x@here",
	        "u+x",       "here",    "x",  "orig@here", "",
	        "192.0.2.1", NULL,      NULL, NULL,        NULL};
	struct argv *env;
	char *joined;

	(void) state;
	env = local_env(&in, NULL);
	joined = argv_join(env, "|");
	CHECK_STR("env", joined,
	          "HOME=/home/u|LOGNAME=u|USER=u|SENDER=s@remote|"
	          "RECIPIENT=u+x@here|LOCAL=u+x|SHELL=/bin/sh|DOMAIN=here|"
	          "EXTENSION=x|ORIGINAL_RECIPIENT=orig@here|"
	          "CLIENT_ADDRESS=192.0.2.1");
	xfree(joined);
	argv_free(env);

	/* Untrusted text: bytes outside the filter become "_". */
	in.sender = "a;rm -rf `x`@evil";
	in.extension = NULL;
	in.orig_rcpt = "";
	in.client_addr = NULL;
	env = local_env(&in, "abcdefghijklmnopqrstuvwxyz@.-/+");
	joined = argv_join(env, "|");
	CHECK_STR("filtered env", joined,
	          "HOME=/home/u|LOGNAME=u|USER=u|SENDER=a_rm_-rf__x_@evil|"
	          "RECIPIENT=u+x@here|LOCAL=u+x|SHELL=/bin/sh|DOMAIN=here");
	xfree(joined);
	argv_free(env);
}

static const struct exit_case {
	const char *name;
	int wstatus; /* as waitpid reports it */
	bool timed_out;
	const char *output;
	int want;
	const char *dsn, *text;
} exit_cases[] = {
        {"success", 0, false, "", LOCAL_PIPE_OK, NULL, NULL},
        {"EX_TEMPFAIL defers", 75 << 8, false, "quota", LOCAL_PIPE_DEFER,
         "4.3.0", "temporary failure. Command output: quota"},
        {"EX_NOUSER bounces", 67 << 8, false, "", LOCAL_PIPE_BOUNCE, "5.1.1",
         "user unknown"},
        {"EX_OSERR defers", 71 << 8, false, "", LOCAL_PIPE_DEFER, "4.3.0",
         "system resource problem"},
        {"other status bounces", 1 << 8, false, "oops", LOCAL_PIPE_BOUNCE,
         "5.3.0",
         "Command died with status 1: \"/bin/cmd\". Command output: oops"},
        {"signal defers", SIGKILL, false, "", LOCAL_PIPE_DEFER, "4.3.0",
         "Command died with signal 9: \"/bin/cmd\""},
        {"time limit bounces", SIGKILL, true, "", LOCAL_PIPE_BOUNCE, "5.3.0",
         "Command time limit exceeded: \"/bin/cmd\""},
};

/* test_exit_status - mapping of exit codes and signals */
static void
test_exit_status(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(exit_cases); i++) {
		const struct exit_case *tc = &exit_cases[i];
		struct mbox_why why = {NULL, vstr_alloc(100)};
		int got = local_exit_status(tc->wstatus, tc->timed_out,
		                            "/bin/cmd", tc->output, &why);

		CHECK_LONG(tc->name, got, tc->want);
		if (tc->dsn) {
			CHECK_STR(tc->name, why.dsn, tc->dsn);
			CHECK_STR(tc->name, vstr_str(why.text), tc->text);
		}
		vstr_free(why.text);
	}
}

static const struct expand_case {
	const char *name;
	const char *pattern, *ext, *delim, *filter;
	const char *want;
} expand_cases[] = {
        {"forward_path with extension",
         "$home/.forward${recipient_delimiter}${extension}", "foo", "+", NULL,
         "/home/u/.forward+foo"},
        {"forward_path without extension",
         "$home/.forward${recipient_delimiter}${extension}", NULL, "", NULL,
         "/home/u/.forward"},
        {"conditional", "${extension?/x/$extension}${extension:none}", NULL, "",
         NULL, "none"},
        {"all names", "$user $shell $recipient $local $domain $mailbox", NULL,
         "", NULL, "u /bin/sh u@h u h u"},
        {"filtered value", "$home/$extension", "a;b", "+", "abdehmou/",
         "/home/u/a_b"},
};

/* test_expand - the names of forward_path and mailbox_command */
static void
test_expand(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(expand_cases); i++) {
		const struct expand_case *tc = &expand_cases[i];
		struct local_expand_in in = {"u",     "/home/u", "/bin/sh",
		                             "u@h",   "u",       "h",
		                             tc->ext, tc->delim};
		struct vstr *out = vstr_alloc(100);

		CHECK_LONG(tc->name,
		           local_expand(out, tc->pattern, &in, tc->filter) &
		                   MAC_ERROR,
		           0);
		CHECK_STR(tc->name, vstr_str(out), tc->want);
		vstr_free(out);
	}
}

/* test_class_mask - allow_mail_to_* and prepend_delivered_header */
static void
test_class_mask(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	CHECK_LONG(
	        "alias, forward",
	        local_class_mask("alias, forward", "allow_mail_to_files", why),
	        LOCAL_EXP_ALIAS | LOCAL_EXP_FORWARD);
	CHECK_LONG("include",
	           local_class_mask("include", "allow_mail_to_commands", why),
	           LOCAL_EXP_INCLUDE);
	CHECK_LONG("empty", local_class_mask("", "allow_mail_to_files", why),
	           0);
	CHECK_LONG("headers",
	           local_class_mask("command, file, forward",
	                            "prepend_delivered_header", why),
	           LOCAL_HDR_COMMAND | LOCAL_HDR_FILE | LOCAL_HDR_FORWARD);
	CHECK_LONG("bad class",
	           local_class_mask("alias, bogus", "allow_mail_to_files", why),
	           -1);
	CHECK_STR("bad class reason", vstr_str(why),
	          "bad allow_mail_to_files value: bogus");
	CHECK_LONG("file is not an expansion class",
	           local_class_mask("file", "allow_mail_to_files", why), -1);
	vstr_free(why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_split_ext),
	        cmocka_unit_test(test_env),
	        cmocka_unit_test(test_exit_status),
	        cmocka_unit_test(test_expand),
	        cmocka_unit_test(test_class_mask),
	};

	return cmocka_run_group_tests_name("local_util", tests, NULL, NULL);
}
