/*
 * qmgr_defer_test - back-off times, expiry, due files in the queues
 */
#include <sys/file.h>
#include <utime.h>

#include "qmgr_testenv.h"

static const struct backoff_case {
	const char *name;
	long age, min, max;
	long want;
} backoff_cases[] = {
        {"new message waits the minimum", 0, 300, 4000, 300},
        {"young message waits the minimum", 120, 300, 4000, 300},
        {"wait grows with age", 1000, 300, 4000, 1000},
        {"doubles between attempts", 2000, 300, 4000, 2000},
        {"capped at the maximum", 86400, 300, 4000, 4000},
        {"at the maximum exactly", 4000, 300, 4000, 4000},
        {"minimum wins over a smaller maximum", 50, 300, 100, 300},
        {"negative age (clock step)", -50, 300, 4000, 300},
};

/* test_backoff - the age clamped between the two limits */
static void
test_backoff(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(backoff_cases); i++) {
		const struct backoff_case *c = &backoff_cases[i];

		CHECK_LONG(c->name, qmgr_defer_backoff(c->age, c->min, c->max),
		           c->want);
	}
}

/* test_next_time - now plus the back-off for the message age */
static void
test_next_time(void **state)
{
	char *dir = qmgr_env_setup("minimal_backoff_time = 100s\n"
	                           "maximal_backoff_time = 1000s\n");

	(void) state;
	CHECK_LONG("fresh", (long) qmgr_defer_next_time(5000, 5000), 5100);
	CHECK_LONG("aged", (long) qmgr_defer_next_time(5000, 4500), 5500);
	CHECK_LONG("old", (long) qmgr_defer_next_time(90000, 0), 91000);
	CHECK_LONG("future arrival", (long) qmgr_defer_next_time(5000, 6000),
	           5100);
	qmgr_env_teardown(dir);
}

static const struct expire_case {
	const char *name;
	const char *sender;
	long age;
	bool want;
} expire_cases[] = {
        {"young", "a@b.c", 3599, false},
        {"just expired", "a@b.c", 3600, true},
        {"old", "a@b.c", 100000, true},
        {"bounce young", "", 59, false},
        {"bounce uses bounce_queue_lifetime", "", 60, true},
};

/* test_expired - maximal_queue_lifetime, bounce_queue_lifetime for <> */
static void
test_expired(void **state)
{
	char *dir = qmgr_env_setup("maximal_queue_lifetime = 1h\n"
	                           "bounce_queue_lifetime = 60s\n");

	(void) state;
	for (size_t i = 0; i < NELEM(expire_cases); i++) {
		const struct expire_case *c = &expire_cases[i];
		struct qmgr_message m;

		memset(&m, 0, sizeof(m));
		m.sender = (char *) c->sender;
		m.arrival.tv_sec = 1000000;
		CHECK_TRUE(c->name,
		           qmgr_defer_expired(&m, 1000000 + c->age) == c->want,
		           c->want ? "expired" : "not expired");
	}
	qmgr_env_teardown(dir);
}

static const struct qrec small_file[] = {
        {REC_TYPE_SIZE, NULL},    {REC_TYPE_TIME, "1700000000 0"},
        {REC_TYPE_FROM, "a@b.c"}, {REC_TYPE_RCPT, "x@y.z"},
        {REC_TYPE_MESG, NULL},    {REC_TYPE_XTRA, ""},
        {REC_TYPE_END, ""},
};

static const struct due_case {
	const char *name;
	const char *queue;
	int mode;
	long mtime_offset; /* from "now" */
	int flags;
	bool want;
} due_cases[] = {
        {"incoming complete", "incoming", 0700, 0, 0, true},
        {"incoming being written", "incoming", 0600, 0, 0, false},
        {"incoming time stamp ignored", "incoming", 0700, 300, 0, true},
        {"deferred due", "deferred", 0700, -10, 0, true},
        {"deferred due now", "deferred", 0700, 0, 0, true},
        {"deferred not yet", "deferred", 0700, 300, 0, false},
        {"deferred forced", "deferred", 0700, 300, QMGR_SCAN_ALL, true},
};

/* test_due - which queue files a scan may take */
static void
test_due(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(due_cases); i++) {
		const struct due_case *c = &due_cases[i];
		char *dir = qmgr_env_setup(NULL);
		struct vstr *path = vstr_alloc(64), *sub = vstr_alloc(64);
		time_t now = 1800000000;
		struct utimbuf ut = {now + c->mtime_offset,
		                     now + c->mtime_offset};

		/* deferred/ is hashed: deferred/X/ID. */
		if (mail_queue_hashed(c->queue))
			mkdir(mail_queue_dir(sub, c->queue, "4AB12C3D4E"),
			      0700);
		qmgr_env_build(c->queue, "4AB12C3D4E", small_file,
		               NELEM(small_file), c->mode);
		utime(mail_queue_path(path, c->queue, "4AB12C3D4E"), &ut);
		CHECK_TRUE(c->name,
		           qmgr_scan_due(c->queue, c->flags, "4AB12C3D4E",
		                         now) == c->want,
		           c->want ? "due" : "not due");
		CHECK_TRUE("missing file",
		           !qmgr_scan_due(c->queue, QMGR_SCAN_ALL, "4AB12C3D4F",
		                          now),
		           "not due");
		vstr_free(path);
		vstr_free(sub);
		qmgr_env_teardown(dir);
	}
}

/* test_move_all - restart recovery: active/ back into incoming/ */
static void
test_move_all(void **state)
{
	char *dir = qmgr_env_setup(NULL);
	static const char *const ids[] = {"4AB12C3D4E", "4AB12C3D4F",
	                                  "5AB12C3D40"};
	struct vstr *path = vstr_alloc(64);
	struct stat st;

	(void) state;
	for (size_t i = 0; i < NELEM(ids); i++)
		qmgr_env_build("active", ids[i], small_file, NELEM(small_file),
		               0700);
	CHECK_LONG("moved", qmgr_scan_move_all("active", "incoming"), 3);
	for (size_t i = 0; i < NELEM(ids); i++) {
		CHECK_TRUE(ids[i],
		           stat(mail_queue_path(path, "incoming", ids[i]),
		                &st) == 0,
		           "in incoming");
		CHECK_TRUE(ids[i],
		           stat(mail_queue_path(path, "active", ids[i]), &st) <
		                   0,
		           "not in active");
	}
	CHECK_LONG("nothing left", qmgr_scan_move_all("active", "incoming"), 0);
	vstr_free(path);
	qmgr_env_teardown(dir);
}

/* test_busy - a file an agent still holds waits in deferred/ */
static void
test_busy(void **state)
{
	char *dir = qmgr_env_setup(NULL);
	struct vstr *path = vstr_alloc(64);
	struct stat st;
	time_t now = time(NULL);
	int fd;

	(void) state;
	qmgr_env_build("incoming", "4AB12C3D4E", small_file, NELEM(small_file),
	               0700);
	/* The old agent's shared lock goes with the file across renames. */
	fd = open(mail_queue_path(path, "incoming", "4AB12C3D4E"), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_SH), 0);
	CHECK_LONG("not activated",
	           qmgr_message_activate("4AB12C3D4E", "incoming"), -1);
	CHECK_LONG("none active", (long) qmgr_active_count, 0);
	CHECK_TRUE("in deferred",
	           stat(mail_queue_path(path, "deferred", "4AB12C3D4E"), &st) ==
	                   0,
	           "deferred/4/4AB12C3D4E");
	CHECK_TRUE("retry in a minute",
	           st.st_mtime >= now + 59 && st.st_mtime <= now + 61,
	           "mtime now+60");
	close(fd);
	vstr_free(path);
	qmgr_env_teardown(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_backoff),
	        cmocka_unit_test(test_next_time),
	        cmocka_unit_test(test_expired),
	        cmocka_unit_test(test_due),
	        cmocka_unit_test(test_move_all),
	        cmocka_unit_test(test_busy),
	};

	return cmocka_run_group_tests_name("qmgr_defer", tests, NULL, NULL);
}
