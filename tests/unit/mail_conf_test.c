/*
 * mail_conf_test - unit tests for main.cf reading, lookup, expansion and
 * mail_params_init()
 *
 * mail_conf keeps process-wide state: main.cf is replaced by every load,
 * but -o overrides and registered names cannot be removed, so the test
 * that sets them runs in a child process.
 */
#include "mac_expand.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "stringops.h"
#include "testutil.h"

static char *tmpdir;
static struct log_capture logs;

/* setup - a private configuration directory and a log capture */
static int
setup(void **state)
{
	(void) state;
	tmpdir = tmpdir_create();
	capture_start(&logs);
	return 0;
}

/* teardown - remove them */
static int
teardown(void **state)
{
	(void) state;
	capture_stop(&logs);
	tmpdir_remove(tmpdir);
	tmpdir = NULL;
	return 0;
}

/* subst_dir - text with every "@DIR@" replaced by the test directory */
static char *
subst_dir(const char *text)
{
	struct vstr *out = vstr_alloc(100);
	const char *at;

	while ((at = strstr(text, "@DIR@")) != NULL) {
		vstr_cat_mem(out, text, (size_t) (at - text));
		vstr_cat(out, tmpdir);
		text = at + 5;
	}
	vstr_cat(out, text);
	return vstr_export(out);
}

/* main_cf_path - DIR/main.cf; caller frees */
static char *
main_cf_path(void)
{
	struct vstr *path = vstr_alloc(100);

	vstr_fmt(path, "%s/main.cf", tmpdir);
	return vstr_export(path);
}

/* load - write main.cf (with @DIR@ substituted) and load it */
static int
load(const char *text, bool explicit, struct vstr *why)
{
	char *body = subst_dir(text);

	xfree(file_write(tmpdir, "main.cf", body));
	xfree(body);
	capture_reset(&logs);
	return mail_conf_load(tmpdir, explicit, why);
}

/* check_path_text - got must be "<main.cf path><suffix>" */
static void
check_path_text(const char *name, const char *got, const char *prefix,
                const char *suffix)
{
	struct vstr *want = vstr_alloc(100);
	char *path = main_cf_path();
	char *sfx = subst_dir(suffix);

	vstr_fmt(want, "%s%s%s", prefix, path, sfx);
	CHECK_STR(name, got, vstr_str(want));
	xfree(sfx);
	xfree(path);
	vstr_free(want);
}

static const struct parse_case {
	const char *name;
	const char *text;
	const char *query;
	const char *want; /* main.cf value; NULL: not defined there */
	int want_line;
	const char *want_log; /* all diagnostics; @DIR@ substituted */
	int want_rc;
	const char *want_why; /* when rc is -1; @DIR@ substituted */
} parse_cases[] = {
        {"simple", "myhostname = a.example\n", "myhostname", "a.example", 1, "",
         0, NULL},
        {"comments and blank lines",
         "# comment\n\nmyhostname = a.example\n"
         "  # indented comment\n#last",
         "myhostname", "a.example", 3, "", 0, NULL},
        {"continuation lines", "mydestination = a,\n  b,\n\tc\nrelayhost = r\n",
         "mydestination", "a,  b,\tc", 1, "", 0, NULL},
        {"line after continuation", "mydestination = a,\n  b,\nrelayhost = r\n",
         "relayhost", "r", 3, "", 0, NULL},
        {"comment inside continuation", "mydestination = a,\n# note\n  b\n",
         "mydestination", "a,  b", 1, "", 0, NULL},
        {"later definition overrides",
         "myhostname = a\nrelayhost = x\nmyhostname = b\n", "myhostname", "b",
         3,
         "warning: @DIR@/main.cf, line 3: overriding earlier entry: "
         "myhostname=a\n",
         0, NULL},
        {"third definition names second value",
         "relayhost = 1\nrelayhost = 2\n\nrelayhost = 3\n", "relayhost", "3", 4,
         "warning: @DIR@/main.cf, line 2: overriding earlier entry: "
         "relayhost=1\n"
         "warning: @DIR@/main.cf, line 4: overriding earlier entry: "
         "relayhost=2\n",
         0, NULL},
        {"leading whitespace line ignored", "  stray = x\nmyhostname = c\n",
         "stray", NULL, 0,
         "warning: @DIR@/main.cf: logical line must not start with whitespace: "
         "\"  stray = x\"\n",
         0, NULL},
        {"text after ignored line kept",
         "  stray = x\n  more\nmyhostname = c\n", "myhostname", "c", 3,
         "warning: @DIR@/main.cf: logical line must not start with whitespace: "
         "\"  stray = x  more\"\n",
         0, NULL},
        {"missing =", "myhostname = a\nbogus line\n", NULL, NULL, 0, NULL, -1,
         "@DIR@/main.cf, line 2: missing '=' after attribute name: "
         "\"bogus line\""},
        {"missing = names first line of a continued line",
         "# c\nfoo\n  bar\nrelayhost = x\n", NULL, NULL, 0, NULL, -1,
         "@DIR@/main.cf, line 2: missing '=' after attribute name: "
         "\"foo  bar\""},
        {"empty value", "relayhost =\n", "relayhost", "", 1, "", 0, NULL},
        {"value containing =", "smtpd_banner = a = b\n", "smtpd_banner",
         "a = b", 1, "", 0, NULL},
        {"no spaces around =", "relayhost=[r]:25\n", "relayhost", "[r]:25", 1,
         "", 0, NULL},
        {"trailing white space trimmed", "relayhost = [r]   \t\n", "relayhost",
         "[r]", 1, "", 0, NULL},
        {"CRLF line ending", "relayhost = r\r\n", "relayhost", "r", 1, "", 0,
         NULL},
        {"unknown names kept", "my_custom_thing = x\n", "my_custom_thing", "x",
         1, "", 0, NULL},
        {"value not expanded when read", "relayhost = $myhostname\n",
         "relayhost", "$myhostname", 1, "", 0, NULL},
        {"empty file", "", "myhostname", NULL, 0, "", 0, NULL},
        {"comment mark inside value", "smtpd_banner = a # b\n", "smtpd_banner",
         "a # b", 1, "", 0, NULL},
};

/* test_parse - main.cf syntax, warnings and errors */
static void
test_parse(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(parse_cases); i++) {
		const struct parse_case *tc = &parse_cases[i];
		const struct conf_entry *e;
		int rc;

		vstr_reset(why);
		rc = load(tc->text, false, why);
		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc < 0) {
			char *want = subst_dir(tc->want_why);

			CHECK_STR(tc->name, vstr_str(why), want);
			xfree(want);
		} else {
			char *want = subst_dir(tc->want_log);

			e = mail_conf_main_entry(tc->query);
			CHECK_NSTR(tc->name, e ? e->value : NULL, tc->want);
			if (e)
				CHECK_LONG(tc->name, e->line, tc->want_line);
			CHECK_STR(tc->name, vstr_str(logs.text), want);
			xfree(want);
		}
	}
	vstr_free(why);
}

/* test_missing_name - "= value" is an error naming file and line */
static void
test_missing_name(void **state)
{
	struct vstr *why = vstr_alloc(100);
	char *path = main_cf_path();
	struct vstr *want = vstr_alloc(100);

	(void) state;
	CHECK_LONG("missing name", load("relayhost = x\n= value\n", false, why),
	           -1);
	vstr_fmt(want, "%s, line 2: ", path);
	CHECK_TRUE("missing name", str_prefix(vstr_str(why), vstr_str(want)),
	           vstr_str(why));
	xfree(path);
	vstr_free(want);
	vstr_free(why);
}

/* test_missing_file - no main.cf in the directory */
static void
test_missing_file(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	CHECK_LONG("missing main.cf", mail_conf_load(tmpdir, true, why), -1);
	check_path_text("missing main.cf", vstr_str(why), "open ",
	                ": No such file or directory");
	vstr_free(why);
}

/* test_config_directory - an explicit directory is config_directory */
static void
test_config_directory(void **state)
{
	struct vstr *why = vstr_alloc(100);
	const struct conf_entry *e;
	char *path = main_cf_path();

	(void) state;
	CHECK_LONG("explicit", load("relayhost = r\n", true, why), 0);
	e = mail_conf_main_entry("config_directory");
	CHECK_TRUE("explicit", e != NULL, "no config_directory entry");
	CHECK_STR("explicit value", e->value, tmpdir);
	CHECK_LONG("explicit line", e->line, 0);
	CHECK_NSTR("explicit raw", mail_conf_raw("config_directory"), tmpdir);
	CHECK_STR("explicit dir", mail_conf_dir(), tmpdir);
	CHECK_STR("explicit path", mail_conf_path(), path);
	CHECK_STR("explicit no warning", vstr_str(logs.text), "");

	CHECK_LONG("implicit", load("relayhost = r\n", false, why), 0);
	CHECK_TRUE("implicit", mail_conf_main_entry("config_directory") == NULL,
	           "config_directory entered");
	CHECK_NSTR("implicit raw", mail_conf_raw("config_directory"),
	           "/etc/postfix");
	xfree(path);
	vstr_free(why);
}

static const struct choose_case {
	const char *name;
	const char *cmdline;
	const char *env;
	const char *want;
	bool want_explicit;
} choose_cases[] = {
        {"-c wins", "/cmd", "/env", "/cmd", true},
        {"-c alone", "/cmd", NULL, "/cmd", true},
        {"environment", NULL, "/env", "/env", true},
        {"empty -c ignored", "", "/env", "/env", true},
        {"nothing", NULL, NULL, DEF_CONFIG_DIR, false},
        {"empty environment ignored", NULL, "", DEF_CONFIG_DIR, false},
};

/* test_dir_choose - -c, then MAIL_CONFIG, then the default */
static void
test_dir_choose(void **state)
{
	const char *saved = getenv("MAIL_CONFIG");
	char *copy = saved ? xstrdup(saved) : NULL;

	(void) state;
	for (size_t i = 0; i < NELEM(choose_cases); i++) {
		const struct choose_case *tc = &choose_cases[i];
		bool explicit = !tc->want_explicit;

		if (tc->env)
			setenv("MAIL_CONFIG", tc->env, 1);
		else
			unsetenv("MAIL_CONFIG");
		CHECK_STR(tc->name,
		          mail_conf_dir_choose(tc->cmdline, &explicit),
		          tc->want);
		CHECK_LONG(tc->name, explicit, tc->want_explicit);
	}
	if (copy)
		setenv("MAIL_CONFIG", copy, 1);
	else
		unsetenv("MAIL_CONFIG");
	xfree(copy);
}

/* test_main_list - entries in order of first definition, last value */
static void
test_main_list(void **state)
{
	struct vstr *why = vstr_alloc(100);
	struct vstr *got = vstr_alloc(100);
	struct conf_entry **list;

	(void) state;
	CHECK_LONG("list", load("b = 1\na = 2\n# x\nb = 3\nc =\n", false, why),
	           0);
	list = mail_conf_main_list();
	for (size_t i = 0; list[i]; i++)
		vstr_fmt_append(got, "%s=%s@%d|", list[i]->name, list[i]->value,
		                list[i]->line);
	CHECK_STR("list", vstr_str(got), "b=3@4|a=2@2|c=@5|");
	xfree(list);

	/* A new load forgets the old file. */
	CHECK_LONG("reload", load("d = 4\n", false, why), 0);
	CHECK_TRUE("reload", mail_conf_main_entry("b") == NULL, "b survived");
	list = mail_conf_main_list();
	CHECK_TRUE("reload list", list[0] && !list[1], "not one entry");
	xfree(list);
	vstr_free(got);
	vstr_free(why);
}

static const struct raw_case {
	const char *name;
	const char *param;
	const char *main_value; /* put in main.cf, or NULL */
	const char *override;   /* -o value, or NULL */
	const char *registered; /* mail_conf_register default, or NULL */
	const char *want;
	const char *want_defaults_only; /* postconf -d view */
} raw_cases[] = {
        {"built-in default", "notify_classes", NULL, NULL, NULL,
         "resource, software", "resource, software"},
        {"main.cf over default", "default_transport", "smtp:[relay]", NULL,
         NULL, "smtp:[relay]", "smtp"},
        {"override over main.cf", "relay_transport", "relay:x", "override:y",
         NULL, "override:y", "relay"},
        {"override over default", "2bounce_notice_recipient", NULL, "ov", NULL,
         "ov", "postmaster"},
        {"override of unknown name", "ov_only_name_x", NULL, "o", NULL, "o",
         NULL},
        {"unknown name", "no_such_name_x", NULL, NULL, NULL, NULL, NULL},
        {"unknown name in main.cf", "main_only_name_x", "m", NULL, NULL, "m",
         NULL},
        {"registered default", "reg_only_name_x", NULL, NULL, "reg", "reg",
         "reg"},
        {"main.cf over registered", "reg_main_name_x", "file", NULL, "reg",
         "file", "reg"},
        {"built-in default over registered", "mail_name", NULL, NULL, "reg",
         "Postfix", "Postfix"},
        {"empty main.cf value over default", "alias_database", "", NULL, NULL,
         "", "hash:/etc/aliases"},
};

/* show - "NAME: MODE=VALUE" with NULL shown as (undefined) */
static void
show(const char *name, const char *mode, const char *value)
{
	msg_info("%s: %s=%s", name, mode, value ? value : "(undefined)");
}

/*
 * raw_child - child: set up main.cf, overrides and registered names, and
 * report every lookup. Overrides cannot be removed, so this runs in a
 * child where they cannot leak into other tests.
 */
static void
raw_child(const void *arg)
{
	struct vstr *text = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);

	(void) arg;
	for (size_t i = 0; i < NELEM(raw_cases); i++)
		if (raw_cases[i].main_value)
			vstr_fmt_append(text, "%s = %s\n", raw_cases[i].param,
			                raw_cases[i].main_value);
	if (load(vstr_str(text), false, why) < 0)
		msg_fatal("load: %s", vstr_str(why));
	for (size_t i = 0; i < NELEM(raw_cases); i++) {
		if (raw_cases[i].override)
			mail_conf_override(raw_cases[i].param,
			                   raw_cases[i].override);
		if (raw_cases[i].registered)
			mail_conf_register(raw_cases[i].param,
			                   raw_cases[i].registered);
	}
	for (size_t i = 0; i < NELEM(raw_cases); i++)
		show(raw_cases[i].name, "normal",
		     mail_conf_raw(raw_cases[i].param));
	mail_conf_defaults_only(true);
	for (size_t i = 0; i < NELEM(raw_cases); i++)
		show(raw_cases[i].name, "defaults",
		     mail_conf_raw(raw_cases[i].param));
	mail_conf_defaults_only(false);
	show("registered lookup", "normal",
	     mail_conf_registered("reg_only_name_x"));
	show("not registered", "normal",
	     mail_conf_registered("notify_classes"));
	/* A second -o for the same name replaces the first. */
	mail_conf_override("ov_only_name_x", "o2");
	show("override replaced", "normal", mail_conf_raw("ov_only_name_x"));
	vstr_free(text);
	vstr_free(why);
}

/* want_line - the log must contain "NAME: MODE=VALUE\n" */
static void
want_line(const struct child_result *r, const char *name, const char *mode,
          const char *value)
{
	struct vstr *line = vstr_alloc(100);

	vstr_fmt(line, "%s: %s=%s\n", name, mode,
	         value ? value : "(undefined)");
	if (strstr(vstr_str(r->log), vstr_str(line)) == NULL)
		fail_msg("%s: got log \"%s\", want a line \"%s\"", name,
		         vstr_str(r->log), vstr_str(line));
	vstr_free(line);
}

/* test_raw_precedence - override > main.cf > default > registered */
static void
test_raw_precedence(void **state)
{
	struct child_result r;

	(void) state;
	child_run(raw_child, NULL, &r);
	CHECK_CHILD("raw lookups", r, "exit 0", NULL);
	for (size_t i = 0; i < NELEM(raw_cases); i++) {
		want_line(&r, raw_cases[i].name, "normal", raw_cases[i].want);
		want_line(&r, raw_cases[i].name, "defaults",
		          raw_cases[i].want_defaults_only);
	}
	want_line(&r, "registered lookup", "normal", "reg");
	want_line(&r, "not registered", "normal", NULL);
	want_line(&r, "override replaced", "normal", "o2");
	child_result_free(&r);
}

static const struct eval_case {
	const char *name;
	const char *param;
	const char *want_eval; /* mail_conf_eval_name */
	const char *want_main; /* mail_conf_main_eval */
} eval_cases[] = {
        {"chain through main.cf", "x_a", "hello no c", "hello no c"},
        {"conditional true", "x_d", "[yes]", "[yes]"},
        {"default only", "mail_name", "Postfix", NULL},
        {"default refers to main.cf", "myorigin", "host.example.com", NULL},
        {"main.cf refers to default", "smtpd_banner",
         "host.example.com ESMTP Postfix", "host.example.com ESMTP Postfix"},
        {"default refers to a host default", "mydestination",
         "host.example.com, localhost.example.com, localhost", NULL},
        {"host default from main.cf", "mydomain", "example.com", NULL},
        {"$$ kept as $", "x_dollar", "cost $5", "cost $5"},
        {"undefined name", "no_such_name_y", NULL, NULL},
        {"undefined reference is empty", "x_undef", "<>", "<>"},
};

/* test_eval - recursive expansion through main.cf and the defaults */
static void
test_eval(void **state)
{
	struct vstr *why = vstr_alloc(100);
	struct vstr *out = vstr_alloc(100);

	(void) state;
	CHECK_LONG("load",
	           load("x_a = $x_b\n"
	                "x_b = hello ${x_c?{c}:{no c}}\n"
	                "x_d = [${myhostname?{yes}:{no}}]\n"
	                "myhostname = host.example.com\n"
	                "smtpd_banner = $myhostname ESMTP $mail_name\n"
	                "x_dollar = cost $$5\n"
	                "x_undef = <$no_such_name_z>\n",
	                false, why),
	           0);
	for (size_t i = 0; i < NELEM(eval_cases); i++) {
		const struct eval_case *tc = &eval_cases[i];
		char *got = mail_conf_eval_name(tc->param);

		CHECK_NSTR(tc->name, got, tc->want_eval);
		xfree(got);
		got = mail_conf_main_eval(tc->param);
		CHECK_NSTR(tc->name, got, tc->want_main);
		xfree(got);
	}
	mail_conf_defaults_only(true);
	CHECK_TRUE("defaults-only main_eval",
	           mail_conf_main_eval("smtpd_banner") == NULL, "not NULL");
	mail_conf_defaults_only(false);

	CHECK_LONG("expand undefined",
	           mail_conf_expand("${no_such_name_z}", out, why), MAC_UNDEF);
	CHECK_LONG("expand error", mail_conf_expand("${", out, why) & MAC_ERROR,
	           MAC_ERROR);
	vstr_reset(out);
	CHECK_LONG("expand ok", mail_conf_expand("$x_d!", out, why), 0);
	CHECK_STR("expand ok", vstr_str(out), "[yes]!");
	vstr_free(out);
	vstr_free(why);
}

static const struct level_case {
	const char *name;
	const char *main_cf;
	const char *want_style;
	const char *want_dot;
} level_cases[] = {
        {"no level set", "", "subnet", "yes"},
        {"level 0", "compatibility_level = 0\n", "subnet", "yes"},
        {"level 1", "compatibility_level = 1\n", "subnet", "no"},
        {"level 2", "compatibility_level = 2\n", "host", "no"},
        {"level 3.6", "compatibility_level = 3.6\n", "host", "no"},
        {"level by reference", "lvl = 2\ncompatibility_level = $lvl\n", "host",
         "no"},
};

/* test_compatibility_level - defaults that depend on the level */
static void
test_compatibility_level(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(level_cases); i++) {
		const struct level_case *tc = &level_cases[i];
		char *style, *dot;

		CHECK_LONG(tc->name, load(tc->main_cf, false, why), 0);
		style = mail_conf_eval_name("mynetworks_style");
		dot = mail_conf_eval_name("append_dot_mydomain");
		CHECK_NSTR(tc->name, style, tc->want_style);
		CHECK_NSTR(tc->name, dot, tc->want_dot);
		xfree(style);
		xfree(dot);
	}
	vstr_free(why);
}

/* var_text - the var_* global of a parameter as text; caller frees */
static char *
var_text(const struct param_def *p)
{
	struct vstr *out = vstr_alloc(32);

	switch (p->type) {
	case PT_STR:
	case PT_LIST:
		vstr_cpy(out, *(char **) p->var ? *(char **) p->var : "(null)");
		break;
	case PT_BOOL:
		vstr_cpy(out, *(bool *) p->var ? "yes" : "no");
		break;
	case PT_INT:
		vstr_fmt(out, "%d", *(int *) p->var);
		break;
	case PT_SIZE:
	case PT_TIME:
		vstr_fmt(out, "%ld", *(long *) p->var);
		break;
	}
	return vstr_export(out);
}

static const struct var_case {
	const char *name;
	const char *param;
	const char *want; /* @DIR@ is the test directory */
} var_cases[] = {
        {"string", "myhostname", "host.example.com"},
        {"string expanded", "smtpd_banner", "host.example.com ESMTP"},
        {"string default expanded", "myorigin", "host.example.com"},
        {"host default", "mydomain", "example.com"},
        {"list expanded", "mydestination", "host.example.com, localhost"},
        {"list default", "notify_classes", "resource, software"},
        {"boolean", "disable_vrfy_command", "yes"},
        {"boolean from level default", "append_dot_mydomain", "no"},
        {"integer", "smtpd_recipient_limit", "500"},
        {"integer default", "default_process_limit", "100"},
        {"integer default with condition", "address_verify_poll_count", "3"},
        {"size", "message_size_limit", "20480000"},
        {"time in minutes", "queue_run_delay", "300"},
        {"time bare number in days", "maximal_queue_lifetime", "172800"},
        {"time default with condition", "smtpd_timeout", "300"},
        {"time default in hours", "postscreen_dnsbl_max_ttl", "3600"},
        {"time default in days", "address_verify_positive_refresh_time",
         "604800"},
        {"raw parameter not expanded", "forward_path",
         "$home/.forward${recipient_delimiter}${extension}, $home/.forward"},
        {"string from level default", "mynetworks_style", "host"},
        {"config_directory", "config_directory", "@DIR@"},
};

/* test_params_init - every type lands in its var_* global */
static void
test_params_init(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	CHECK_LONG("load",
	           load("myhostname = host.example.com\n"
	                "mydestination = $myhostname, localhost\n"
	                "disable_vrfy_command = yes\n"
	                "smtpd_recipient_limit = 500\n"
	                "message_size_limit = 20480000\n"
	                "queue_run_delay = 5m\n"
	                "maximal_queue_lifetime = 2\n"
	                "compatibility_level = 3.6\n"
	                "smtpd_banner = $myhostname ESMTP\n",
	                true, why),
	           0);
	if (mail_params_init(why) < 0)
		fail_msg("mail_params_init: got \"%s\", want success",
		         vstr_str(why));
	for (size_t i = 0; i < NELEM(var_cases); i++) {
		const struct var_case *tc = &var_cases[i];
		const struct param_def *p = param_find(tc->param);
		char *got, *want;

		CHECK_TRUE(tc->name, p != NULL, "unknown parameter");
		got = var_text(p);
		want = subst_dir(tc->want);
		CHECK_STR(tc->name, got, want);
		xfree(got);
		xfree(want);
	}
	CHECK_STR("typed globals", var_myhostname, "host.example.com");
	CHECK_LONG("typed globals", var_queue_run_delay, 300);
	CHECK_LONG("typed globals", var_disable_vrfy_command, true);
	CHECK_LONG("no warnings", logs.count[MSG_WARN], 0);
	vstr_free(why);
}

static const struct bad_case {
	const char *name;
	const char *main_cf;
	const char *want_why; /* "<path><want_why>", @DIR@ substituted */
} bad_cases[] = {
        {"bad time", "queue_run_delay = 5x\n",
         ", line 1: bad time parameter value queue_run_delay = 5x "
         "(use a number with unit s, m, h, d or w)"},
        {"bad time unit letter case", "# c\nqueue_run_delay = 5M\n",
         ", line 2: bad time parameter value queue_run_delay = 5M "
         "(use a number with unit s, m, h, d or w)"},
        {"bad number", "# c\n\nsmtpd_recipient_limit = 10k\n",
         ", line 3: bad numerical parameter value smtpd_recipient_limit = 10k"},
        {"int overflow", "smtpd_recipient_limit = 2147483648\n",
         ", line 1: bad numerical parameter value smtpd_recipient_limit = "
         "2147483648"},
        {"bad boolean", "relayhost = x\ndisable_vrfy_command = maybe\n",
         ", line 2: bad boolean parameter value disable_vrfy_command = maybe "
         "(use yes or no)"},
        {"below minimum", "message_size_limit = -1\n",
         ", line 1: invalid size parameter value message_size_limit = -1: "
         "must be at least 0"},
        {"bad after expansion",
         "my_limit = 12x\nsmtpd_recipient_limit = "
         "$my_limit\n",
         ", line 2: bad numerical parameter value smtpd_recipient_limit = 12x"},
        {"bad in continuation line", "queue_run_delay =\n  5x\n",
         ", line 1: bad time parameter value queue_run_delay = 5x "
         "(use a number with unit s, m, h, d or w)"},
        {"later definition is the one checked",
         "queue_run_delay = 5m\nqueue_run_delay = 5x\n",
         ", line 2: bad time parameter value queue_run_delay = 5x "
         "(use a number with unit s, m, h, d or w)"},
        {"mailname file missing", "myorigin = @DIR@/nonexistent\n",
         ", line 1: open @DIR@/nonexistent: No such file or directory"},
};

/* test_params_init_bad - file, line and parameter name in the reason */
static void
test_params_init_bad(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(bad_cases); i++) {
		const struct bad_case *tc = &bad_cases[i];

		CHECK_LONG(tc->name, load(tc->main_cf, false, why), 0);
		vstr_reset(why);
		CHECK_LONG(tc->name, mail_params_init(why), -1);
		check_path_text(tc->name, vstr_str(why), "", tc->want_why);
	}
	vstr_free(why);
}

static const struct mailname_case {
	const char *name;
	const char *param;
	const char *file;    /* content of DIR/mailname, NULL: no file */
	const char *main_cf; /* @DIR@ substituted */
	const char *want;
} mailname_cases[] = {
        {"myorigin first line", "myorigin", "mail.example.org\nsecond\n",
         "myorigin = @DIR@/mailname\n", "mail.example.org"},
        {"myhostname first line", "myhostname", "mx.example.org\n",
         "myhostname = @DIR@/mailname\n", "mx.example.org"},
        {"white space trimmed", "myorigin", "  spaced.example \t\n",
         "myorigin = @DIR@/mailname\n", "spaced.example"},
        {"no final newline", "myorigin", "bare.example",
         "myorigin = @DIR@/mailname\n", "bare.example"},
        {"empty file", "myorigin", "", "myorigin = @DIR@/mailname\n", ""},
        {"path through expansion", "myorigin", "via.example\n",
         "mailname_file = @DIR@/mailname\nmyorigin = $mailname_file\n",
         "via.example"},
        {"relative path is literal", "myorigin", NULL,
         "myorigin = relative/mailname\n", "relative/mailname"},
        {"other parameters not read", "relayhost", "ignored\n",
         "relayhost = @DIR@/mailname\n", "@DIR@/mailname"},
};

/* test_debian_mailname - myorigin = /etc/mailname reads the file */
static void
test_debian_mailname(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(mailname_cases); i++) {
		const struct mailname_case *tc = &mailname_cases[i];
		char *got, *want;

		if (tc->file)
			xfree(file_write(tmpdir, "mailname", tc->file));
		CHECK_LONG(tc->name, load(tc->main_cf, false, why), 0);
		if (mail_params_init(why) < 0)
			fail_msg("%s: got \"%s\", want success", tc->name,
			         vstr_str(why));
		got = var_text(param_find(tc->param));
		want = subst_dir(tc->want);
		CHECK_STR(tc->name, got, want);
		xfree(got);
		xfree(want);
	}
	vstr_free(why);
}

static const struct fatal_case {
	const char *name;
	const char *main_cf;
	const char *want_log; /* "fatal: <path><want_log>" */
} fatal_cases[] = {
        {"bad compatibility level", "compatibility_level = bogus\n",
         ": parameter append_dot_mydomain: bad compatibility level"},
        {"truncated reference", "access_map_defer_code = ${oops\n",
         ": parameter access_map_defer_code: truncated macro reference"},
        {"runaway recursion",
         "access_map_reject_code = $access_map_reject_code\n",
         ": parameter access_map_reject_code: unreasonable macro call nesting"},
        {"error reached through a default", "smtpd_banner = ${oops\n",
         ": parameter postscreen_greet_banner: truncated macro reference"},
};

/* params_init_child - child: load and initialize */
static void
params_init_child(const void *arg)
{
	const struct fatal_case *tc = arg;
	struct vstr *why = vstr_alloc(100);

	if (load(tc->main_cf, false, why) < 0 || mail_params_init(why) < 0)
		msg_warn("returned: %s", vstr_str(why));
	vstr_free(why);
}

/* test_params_init_fatal - a macro error in a value is fatal */
static void
test_params_init_fatal(void **state)
{
	char *path = main_cf_path();
	struct vstr *want = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(fatal_cases); i++) {
		const struct fatal_case *tc = &fatal_cases[i];
		struct child_result r;

		child_run(params_init_child, tc, &r);
		vstr_fmt(want, "fatal: %s%s", path, tc->want_log);
		CHECK_CHILD(tc->name, r, "exit 1", vstr_str(want));
		child_result_free(&r);
	}
	vstr_free(want);
	xfree(path);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	        T(test_parse),
	        T(test_missing_name),
	        T(test_missing_file),
	        T(test_config_directory),
	        cmocka_unit_test(test_dir_choose),
	        T(test_main_list),
	        T(test_raw_precedence),
	        T(test_eval),
	        T(test_compatibility_level),
	        T(test_params_init),
	        T(test_params_init_bad),
	        T(test_debian_mailname),
	        T(test_params_init_fatal),
	};
#undef T

	return cmocka_run_group_tests_name("mail_conf", tests, NULL, NULL);
}
