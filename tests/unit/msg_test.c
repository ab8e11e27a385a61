/*
 * msg_test - unit tests for the four-level diagnostics
 */
#include "testutil.h"

static struct log_capture logs;

/* setup - capture every diagnostic of the test */
static int
setup(void **state)
{
	(void) state;
	capture_start(&logs);
	return 0;
}

/* teardown - stop capturing */
static int
teardown(void **state)
{
	(void) state;
	capture_stop(&logs);
	return 0;
}

enum level_fn { FN_INFO, FN_WARN, FN_ERROR };

static const struct tcase {
	const char *name;
	enum level_fn fn;
	int err;         /* errno before the call */
	const char *fmt; /* with one %s argument */
	const char *arg;
	const char *want; /* the captured line */
} cases[] = {
        {"info has no prefix", FN_INFO, 0, "hello %s", "world",
         "hello world\n"},
        {"warning prefix", FN_WARN, 0, "disk %s", "full",
         "warning: disk full\n"},
        {"error prefix", FN_ERROR, 0, "bad %s", "thing", "error: bad thing\n"},
        {"%m is strerror(errno)", FN_WARN, ENOENT, "open %s: %m", "/x",
         "warning: open /x: No such file or directory\n"},
        {"%m twice", FN_INFO, EACCES, "%s %m / %m", "a",
         "a Permission denied / Permission denied\n"},
        {"%%m is literal", FN_WARN, ENOENT, "100%%m %s", "x",
         "warning: 100%m x\n"},
        {"%% kept", FN_INFO, 0, "50%% %s", "done", "50% done\n"},
        {"argument with %m is not expanded", FN_INFO, ENOENT, "%s", "%m",
         "%m\n"},
        {"argument with % sign", FN_INFO, 0, "<%s>", "%d%s%n", "<%d%s%n>\n"},
};

/*
 * level_child - child: one diagnostic, then a line that tells whether
 * errno survived the call. The formats come from the table, so the
 * compiler cannot check them here; each has one %s.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void
level_child(const void *arg)
{
	const struct tcase *tc = arg;

	errno = tc->err;
	switch (tc->fn) {
	case FN_INFO:
		msg_info(tc->fmt, tc->arg);
		break;
	case FN_WARN:
		msg_warn(tc->fmt, tc->arg);
		break;
	case FN_ERROR:
		msg_error(tc->fmt, tc->arg);
		break;
	}
	msg_info("errno %s", errno == tc->err ? "kept" : "changed");
}
#pragma GCC diagnostic pop

/*
 * test_levels - prefixes, formatting, %m. Each case runs in a child so
 * that msg_error() calls do not add up towards the error limit here.
 */
static void
test_levels(void **state)
{
	struct vstr *want = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *tc = &cases[i];
		struct child_result r;

		child_run(level_child, tc, &r);
		vstr_fmt(want, "%serrno kept\n", tc->want);
		CHECK_CHILD(tc->name, r, "exit 0", NULL);
		CHECK_STR(tc->name, vstr_str(r.log), vstr_str(want));
		child_result_free(&r);
	}
	vstr_free(want);
}

static const struct prefix_case {
	const char *name;
	int level;
	const char *want;
} prefix_cases[] = {
        {"info", MSG_INFO, ""},
        {"warn", MSG_WARN, "warning: "},
        {"error", MSG_ERROR, "error: "},
        {"fatal", MSG_FATAL, "fatal: "},
        {"panic", MSG_PANIC, "panic: "},
        {"below range", -1, ""},
        {"above range", MSG_PANIC + 1, ""},
};

/* test_prefixes - msg_level_prefix for every level and out of range */
static void
test_prefixes(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(prefix_cases); i++)
		CHECK_STR(prefix_cases[i].name,
		          msg_level_prefix(prefix_cases[i].level),
		          prefix_cases[i].want);
}

/* test_long_message - text beyond the line limit is cut, not overflowed */
static void
test_long_message(void **state)
{
	char *big = xmalloc(10001);
	const char *text;

	(void) state;
	memset(big, 'x', 10000);
	big[10000] = 0;
	msg_warn("%s", big);
	text = vstr_str(logs.text);
	CHECK_TRUE("long message", strncmp(text, "warning: xxx", 12) == 0,
	           "no warning prefix");
	/* "warning: " + at most 4095 text bytes + "\n" */
	CHECK_LONG("long message length", vstr_len(logs.text), 9 + 4095 + 1);
	xfree(big);
}

static int second_calls;

/* second_output - another output, counts its calls */
static void
second_output(int level, const char *text, void *ctx)
{
	(void) level;
	(void) text;
	(void) ctx;
	second_calls++;
}

/* test_outputs - all outputs get the line; removal stops it */
static void
test_outputs(void **state)
{
	(void) state;
	second_calls = 0;
	msg_output_add(second_output, NULL);
	msg_info("to both");
	CHECK_LONG("second output", second_calls, 1);
	CHECK_STR("capture output", vstr_str(logs.text), "to both\n");
	msg_output_remove(second_output, NULL);
	msg_info("to capture only");
	CHECK_LONG("removed output", second_calls, 1);
	CHECK_TRUE("capture output", capture_has(&logs, "to capture only"),
	           vstr_str(logs.text));
	/* Removing what is not there, or with another ctx, is a no-op. */
	msg_output_remove(second_output, NULL);
	msg_output_remove(capture_output, &second_calls);
	capture_reset(&logs);
	msg_info("still captured");
	CHECK_STR("capture kept", vstr_str(logs.text), "still captured\n");
}

/* reentrant_output - an output that itself logs */
static void
reentrant_output(int level, const char *text, void *ctx)
{
	(void) level;
	(void) text;
	(void) ctx;
	msg_warn("from inside an output");
}

/* test_reentry - a message logged by an output is dropped, not looped */
static void
test_reentry(void **state)
{
	(void) state;
	msg_output_add(reentrant_output, NULL);
	msg_info("outer");
	msg_output_remove(reentrant_output, NULL);
	CHECK_STR("reentry", vstr_str(logs.text), "outer\n");
}

/* The ways a process can end, each run in a child. */
enum end_fn {
	END_FATAL,
	END_FATAL_STATUS,
	END_PANIC,
	END_ERRORS,
	END_FATAL_CLEANUP
};

static const struct end_case {
	const char *name;
	enum end_fn fn;
	int arg;
	const char *want_end;
	const char *want_log;
} end_cases[] = {
        {"fatal exits 1", END_FATAL, 0, "exit 1", "fatal: bad config x\n"},
        {"fatal with %m", END_FATAL, ENOENT, "exit 1",
         "fatal: bad config No such file or directory\n"},
        {"fatal_status", END_FATAL_STATUS, 3, "exit 3", "fatal: status 3\n"},
        {"fatal_status 0", END_FATAL_STATUS, 0, "exit 0", "fatal: status 0\n"},
        {"panic aborts", END_PANIC, 0, "signal 6", "panic: broken 42\n"},
        {"errors below the limit", END_ERRORS, MSG_ERROR_LIMIT - 1, "exit 0",
         NULL},
        {"errors at the limit", END_ERRORS, MSG_ERROR_LIMIT, "exit 1",
         "fatal: too many errors - program terminated\n"},
        {"cleanup hook runs before exit", END_FATAL_CLEANUP, 0, "exit 1",
         "fatal: with cleanup\ncleanup ran\n"},
};

/* cleanup_hook - reports that it ran */
static void
cleanup_hook(void)
{
	msg_info("cleanup ran");
}

/* end_child - child: one way of ending */
static void
end_child(const void *arg)
{
	const struct end_case *tc = arg;

	switch (tc->fn) {
	case END_FATAL:
		errno = tc->arg;
		if (tc->arg)
			msg_fatal("bad config %m");
		msg_fatal("bad config %s", "x");
	case END_FATAL_STATUS:
		msg_fatal_status(tc->arg, "status %d", tc->arg);
	case END_PANIC:
		msg_panic("broken %d", 42);
	case END_ERRORS:
		for (int i = 0; i < tc->arg; i++)
			msg_error("error %d", i);
		return;
	case END_FATAL_CLEANUP:
		msg_cleanup(cleanup_hook);
		msg_fatal("with cleanup");
	}
}

/* test_endings - fatal, fatal_status, panic, error limit, cleanup hook */
static void
test_endings(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(end_cases); i++) {
		const struct end_case *tc = &end_cases[i];
		struct child_result r;

		child_run(end_child, tc, &r);
		CHECK_CHILD(tc->name, r, tc->want_end, tc->want_log);
		if (tc->fn == END_ERRORS)
			CHECK_TRUE(tc->name,
			           strstr(vstr_str(r.log), "error: error 0\n"),
			           vstr_str(r.log));
		child_result_free(&r);
	}
}

static const struct stderr_case {
	const char *name;
	const char *progname;
	bool init;        /* call msg_stderr_init */
	int long_text;    /* length of a long message, 0: short one */
	const char *want; /* exact stderr text for short messages */
} stderr_cases[] = {
        {"progname prefix", "postconf", true, 0,
         "postconf: warning: to stderr\n"},
        {"path stripped", "/usr/sbin/postfix", true, 0,
         "postfix: warning: to stderr\n"},
        {"no output registered", NULL, false, 0, "warning: to stderr\n"},
        {"long line cut with newline", "prog", true, 6000, NULL},
};

static char *stderr_path;

/* stderr_child - child: send a warning to a file on fd 2 */
static void
stderr_child(const void *arg)
{
	const struct stderr_case *tc = arg;
	int fd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || dup2(fd, 2) < 0)
		_exit(2);
	close(fd);
	child_capture_off();
	msg_output_remove(capture_output, &logs);
	if (tc->init) {
		msg_stderr_init(tc->progname);
		msg_stderr_init(tc->progname); /* not added twice */
	}
	if (tc->long_text) {
		char *big = xmalloc((size_t) tc->long_text + 1);

		memset(big, 'y', (size_t) tc->long_text);
		big[tc->long_text] = 0;
		msg_warn("%s", big);
		xfree(big);
	} else {
		msg_warn("to %s", "stderr");
	}
}

/* test_stderr - the standard error output */
static void
test_stderr(void **state)
{
	char *dir = tmpdir_create();
	struct vstr *path = vstr_alloc(100);

	(void) state;
	vstr_fmt(path, "%s/stderr", dir);
	stderr_path = vstr_str(path);
	for (size_t i = 0; i < NELEM(stderr_cases); i++) {
		const struct stderr_case *tc = &stderr_cases[i];
		struct child_result r;
		char *got;

		child_run(stderr_child, tc, &r);
		CHECK_CHILD(tc->name, r, "exit 0", NULL);
		got = file_slurp(stderr_path);
		CHECK_TRUE(tc->name, got != NULL, "no stderr file");
		if (tc->want) {
			CHECK_STR(tc->name, got, tc->want);
		} else {
			size_t len = strlen(got);

			CHECK_TRUE(tc->name,
			           strncmp(got, "prog: warning: yyy", 18) == 0,
			           got);
			CHECK_TRUE(tc->name, len < 4096, "line not cut");
			CHECK_LONG(tc->name, got[len - 1], '\n');
			CHECK_TRUE(tc->name, strchr(got, '\n') == got + len - 1,
			           "more than one line");
		}
		xfree(got);
		child_result_free(&r);
	}
	stderr_path = NULL;
	vstr_free(path);
	tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
	        cmocka_unit_test(test_prefixes),
	        cmocka_unit_test_setup_teardown(test_long_message, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_outputs, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reentry, setup, teardown),
	        cmocka_unit_test(test_endings),
	        cmocka_unit_test_setup_teardown(test_stderr, setup, teardown),
	};

	return cmocka_run_group_tests_name("msg", tests, NULL, NULL);
}
