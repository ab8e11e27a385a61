/*
 * mbox_test - mailbox writing: the envelope lines and From_ quoting of
 * mbox_copy, truncation after a failed write, kernel and dot locks of
 * mbox_open, and Maildir names and delivery
 */
#include "lock_file.h"
#include "mbox_copy.h"
#include "mbox_maildir.h"
#include "mbox_open.h"
#include "rec.h"
#include "testutil.h"

/* queue_file - a queue file of "T:text" records (N normal, U continued) */
static struct vstream *
queue_file(const char *dir, const char *const *recs, bool end)
{
	struct vstr *path = vstr_alloc(100);
	struct vstream *fp;

	vstr_fmt(path, "%s/queue", dir);
	fp = vstream_open(vstr_str(path), O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_non_null(fp);
	rec_puts(fp, REC_TYPE_MESG, "");
	for (; *recs; recs++)
		rec_puts(fp, (*recs)[0], *recs + 2);
	if (end)
		rec_puts(fp, REC_TYPE_XTRA, "");
	assert_int_equal(vstream_fflush(fp), 0);
	vstr_free(path);
	return fp;
}

static const struct copy_case {
	const char *name;
	const char *recs[8];
	const char *sender, *orig;
	int flags;
	const char *want;
} copy_cases[] = {
        {"mbox: envelope lines, From_ quoting, blank line",
         {"N:Subject: x", "N:", "N:From me", "N:From", "N: From x", NULL},
         "a@example.com",
         "o@example.com",
         MBOX_COPY_MBOX,
         "From a@example.com  Thu Jan  1 00:00:42 1970\n"
         "Return-Path: <a@example.com>\n"
         "X-Original-To: o@example.com\n"
         "Delivered-To: d@example.com\n"
         "Subject: x\n\n>From me\nFrom\n From x\n\n"},
        {"null sender, no original recipient",
         {"N:body", NULL},
         "",
         "",
         MBOX_COPY_MBOX,
         "From MAILER-DAEMON  Thu Jan  1 00:00:42 1970\n"
         "Return-Path: <>\nDelivered-To: d@example.com\nbody\n\n"},
        {"long lines: CONT pieces join, only line starts are quoted",
         {"U:From ", "N:From x", "N:From y", NULL},
         "a@b",
         "",
         MBOX_COPY_QUOTE,
         ">From From x\n>From y\n"},
        {"last line without newline is completed",
         {"N:a", "U:tail", NULL},
         "a@b",
         "",
         0,
         "a\ntail\n"},
        {"maildir style: no From_, no quoting, no blank line",
         {"N:From x", NULL},
         "a@b",
         "",
         MBOX_COPY_RETURN_PATH | MBOX_COPY_DELIVERED,
         "Return-Path: <a@b>\nDelivered-To: d@example.com\nFrom x\n"},
        {"quoted local part",
         {"N:x", NULL},
         "a b@example.com",
         "",
         MBOX_COPY_RETURN_PATH,
         "Return-Path: <\"a b\"@example.com>\nx\n"},
};

/* test_copy - output of mbox_copy for each case */
static void
test_copy(void **state)
{
	(void) state;
	setenv("TZ", "UTC", 1);
	tzset();
	for (size_t i = 0; i < NELEM(copy_cases); i++) {
		const struct copy_case *tc = &copy_cases[i];
		char *dir = tmpdir_create();
		struct vstream *src = queue_file(dir, tc->recs, true);
		struct mbox_why why = {NULL, vstr_alloc(10)};
		struct mbox_copy_info info = {tc->sender, tc->orig,
		                              "d@example.com", 42};
		char *out_path = file_write(dir, "out", "");
		struct vstream *dst =
		        vstream_open(out_path, O_WRONLY | O_APPEND, 0);
		char *got;

		CHECK_LONG(tc->name,
		           mbox_copy(src, 0, dst, tc->flags | MBOX_COPY_TOFILE,
		                     &info, &why),
		           0);
		vstream_close(dst);
		got = file_slurp(out_path);
		CHECK_STR(tc->name, got, tc->want);
		xfree(got);
		xfree(out_path);
		vstr_free(why.text);
		vstream_close(src);
		tmpdir_remove(dir);
	}
}

/* test_corrupt - content without its end record: defer, truncate */
static void
test_corrupt(void **state)
{
	static const char *const recs[] = {"N:line", NULL};
	char *dir = tmpdir_create();
	struct vstream *src = queue_file(dir, recs, false);
	struct mbox_why why = {NULL, vstr_alloc(10)};
	struct mbox_copy_info info = {"a@b", "", "d@b", 42};
	char *out_path = file_write(dir, "out", "old mail\n");
	struct vstream *dst = vstream_open(out_path, O_WRONLY | O_APPEND, 0);
	struct log_capture cap;
	char *got;
	int status;

	(void) state;
	capture_start(&cap);
	status = mbox_copy(src, 0, dst, MBOX_COPY_MBOX, &info, &why);
	capture_stop(&cap);
	CHECK_LONG("corrupt status", status, MBOX_COPY_STAT_CORRUPT);
	CHECK_STR("corrupt dsn", why.dsn, "4.3.0");
	vstream_close(dst);
	got = file_slurp(out_path);
	CHECK_STR("corrupt: truncated back", got, "old mail\n");
	xfree(got);
	xfree(out_path);
	vstr_free(why.text);
	vstream_close(src);
	tmpdir_remove(dir);
}

/* efbig_child - in a child: a file size limit makes the copy fail */
static void
efbig_child(const void *arg)
{
	const char *dir = arg;
	static const char *const recs[] = {
	        "N:0123456789012345678901234567890123456789",
	        "N:0123456789012345678901234567890123456789", NULL};
	struct vstream *src = queue_file(dir, recs, true);
	struct mbox_why why = {NULL, vstr_alloc(10)};
	struct mbox_copy_info info = {"a@b", "", "d@b", 42};
	struct vstr *path = vstr_alloc(100);
	struct rlimit rl = {100, 100};
	struct vstream *dst;
	int status;

	vstr_fmt(path, "%s/mbox", dir);
	dst = vstream_open(vstr_str(path), O_WRONLY | O_APPEND, 0);
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &rl);
	status = mbox_copy(src, 0, dst, MBOX_COPY_MBOX, &info, &why);
	vstream_close(dst);
	msg_info("status=%d dsn=%s reason=%s", status, why.dsn,
	         vstr_str(why.text));
}

/* test_efbig - mailbox_size_limit: 5.2.2, and the mailbox is restored */
static void
test_efbig(void **state)
{
	char *dir = tmpdir_create();
	char *mbox = file_write(dir, "mbox", "From x\nold\n\n");
	struct child_result r;
	char *got;

	(void) state;
	child_run(efbig_child, dir, &r);
	CHECK_TRUE("efbig",
	           strstr(vstr_str(r.log), "status=4 dsn=5.2.2 "
	                                   "reason=error writing "
	                                   "message: File too large"),
	           vstr_str(r.log));
	got = file_slurp(mbox);
	CHECK_STR("efbig: truncated back", got, "From x\nold\n\n");
	xfree(got);
	xfree(mbox);
	child_result_free(&r);
	tmpdir_remove(dir);
}

static time_t fake_now;

/* fixed_clock - the clock the dot-lock code sees */
static time_t
fixed_clock(time_t *t)
{
	if (t)
		*t = fake_now;
	return fake_now;
}

/* test_dotlock - busy, stale and free lock files */
static void
test_dotlock(void **state)
{
	char *dir = tmpdir_create();
	struct vstr *path = vstr_alloc(100), *lock = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	struct lock_dot_opts o = {2, 0, 500, fixed_clock};
	struct stat st;

	(void) state;
	vstr_fmt(path, "%s/user", dir);
	vstr_fmt(lock, "%s/user.lock", dir);
	assert_int_equal(lock_dotfile(vstr_str(path), &o, why), 0);
	CHECK_TRUE("dotlock created", stat(vstr_str(lock), &st) == 0,
	           "no user.lock");
	/* Held and fresh: fails with EEXIST after the attempts. */
	fake_now = st.st_mtime + 10;
	CHECK_LONG("busy lock", lock_dotfile(vstr_str(path), &o, why), -1);
	CHECK_LONG("busy errno", errno, EEXIST);
	CHECK_TRUE("busy reason", strstr(vstr_str(why), "cannot create lock"),
	           vstr_str(why));
	/* Older than stale_lock_time: removed and taken. */
	fake_now = st.st_mtime + 501;
	CHECK_LONG("stale lock", lock_dotfile(vstr_str(path), &o, why), 0);
	lock_dotfile_release(vstr_str(path));
	CHECK_TRUE("released", stat(vstr_str(lock), &st) < 0, "lock remains");
	vstr_free(path);
	vstr_free(lock);
	vstr_free(why);
	tmpdir_remove(dir);
}

/* lock_child - try to lock the file that the parent holds */
static void
lock_child(const void *arg)
{
	const char *path = arg;
	int fd = open(path, O_RDWR);
	int f1 = lock_fd(fd, LOCK_STYLE_FCNTL, LOCK_OP_EXCL | LOCK_OP_NOWAIT);
	int e1 = errno;
	int f2 = lock_fd(fd, LOCK_STYLE_FLOCK, LOCK_OP_EXCL | LOCK_OP_NOWAIT);
	int e2 = errno;

	msg_info("fcntl=%d/%d flock=%d/%d", f1, e1 == EAGAIN, f2, e2 == EAGAIN);
}

/* test_mbox_open - locks held by mbox_open keep others out */
static void
test_mbox_open(void **state)
{
	char *dir = tmpdir_create();
	struct vstr *path = vstr_alloc(100), *lock = vstr_alloc(100);
	struct mbox_why why = {NULL, vstr_alloc(100)};
	struct lock_dot_opts o = {1, 0, 500, NULL};
	struct child_result r;
	struct mbox *mp;
	struct stat st;

	(void) state;
	vstr_fmt(path, "%s/user", dir);
	vstr_fmt(lock, "%s/user.lock", dir);
	mp = mbox_open(vstr_str(path), O_WRONLY | O_APPEND | O_CREAT, 0600,
	               (uid_t) -1, (gid_t) -1,
	               MBOX_LOCK_FCNTL | MBOX_LOCK_FLOCK | MBOX_LOCK_DOT, &o,
	               "5.2.0", &why);
	assert_non_null(mp);
	CHECK_TRUE("dot lock held", stat(vstr_str(lock), &st) == 0, "none");
	child_run(lock_child, vstr_str(path), &r);
	CHECK_TRUE("kernel locks held",
	           strstr(vstr_str(r.log), "fcntl=-1/1 flock=-1/1"),
	           vstr_str(r.log));
	child_result_free(&r);
	/* The dot-lock keeps a second opener out: temporary failure. */
	CHECK_TRUE("second open fails",
	           mbox_open(vstr_str(path), O_WRONLY | O_APPEND, 0600,
	                     (uid_t) -1, (gid_t) -1, MBOX_LOCK_DOT, &o, "5.2.0",
	                     &why) == NULL,
	           "second open succeeded");
	CHECK_STR("busy dsn", why.dsn, "4.2.0");
	mbox_release(mp);
	CHECK_TRUE("dot lock removed", stat(vstr_str(lock), &st) < 0, "left");
	vstr_free(path);
	vstr_free(lock);
	vstr_free(why.text);
	tmpdir_remove(dir);
}

/* test_mbox_links - symbolic and hard links are refused */
static void
test_mbox_links(void **state)
{
	char *dir = tmpdir_create();
	char *target = file_write(dir, "target", "");
	struct vstr *path = vstr_alloc(100);
	struct mbox_why why = {NULL, vstr_alloc(100)};
	struct lock_dot_opts o = {1, 0, 500, NULL};

	(void) state;
	vstr_fmt(path, "%s/hard", dir);
	assert_int_equal(link(target, vstr_str(path)), 0);
	CHECK_TRUE("hard link",
	           mbox_open(vstr_str(path), O_WRONLY | O_APPEND, 0600, -1, -1,
	                     0, &o, "5.2.0", &why) == NULL,
	           "opened a hard-linked file");
	vstr_fmt(path, "%s/sym", dir);
	assert_int_equal(symlink(target, vstr_str(path)), 0);
	if (geteuid() != 0) /* root-owned links are trusted */
		CHECK_TRUE("symlink",
		           mbox_open(vstr_str(path), O_WRONLY | O_APPEND, 0600,
		                     -1, -1, 0, &o, "5.2.0", &why) == NULL,
		           "opened through a symlink");
	CHECK_LONG("lock mask", mbox_lock_mask("fcntl, dotlock", why.text),
	           MBOX_LOCK_FCNTL | MBOX_LOCK_DOT);
	CHECK_LONG("bad lock mask", mbox_lock_mask("fcntl, bogus", why.text),
	           -1);
	CHECK_STR("mbox_dsn EFBIG", mbox_dsn(EFBIG, "5.3.0"), "5.2.2");
	CHECK_STR("mbox_dsn ENOSPC", mbox_dsn(ENOSPC, "5.3.0"), "4.3.0");
	CHECK_STR("mbox_dsn other", mbox_dsn(EIO, "5.3.0"), "5.3.0");
	xfree(target);
	vstr_free(path);
	vstr_free(why.text);
	tmpdir_remove(dir);
}

/* test_maildir_names - name formats and host name escaping */
static void
test_maildir_names(void **state)
{
	struct vstr *out = vstr_alloc(100), *host = vstr_alloc(100);

	(void) state;
	mbox_maildir_host(host, "a/b:c");
	CHECK_STR("host escape", vstr_str(host), "a\\057b\\072c");
	mbox_maildir_tmpname(out, 1700000000, 4242, "mx");
	CHECK_STR("tmp name", vstr_str(out), "1700000000.P4242.mx");
	mbox_maildir_newname(out, 1700000000, 0x801, 0x1234, 56789, "mx");
	CHECK_STR("new name", vstr_str(out), "1700000000.V801I1234M56789.mx");
	vstr_free(out);
	vstr_free(host);
}

/* test_maildir_deliver - directories created, file in new/, tmp/ empty */
static void
test_maildir_deliver(void **state)
{
	static const char *const recs[] = {"N:Subject: hi", "N:", "N:From x",
	                                   NULL};
	char *dir = tmpdir_create();
	struct vstream *src = queue_file(dir, recs, true);
	struct mbox_why why = {NULL, vstr_alloc(100)};
	struct mbox_copy_info info = {"a@b", "o@b", "d@b", 42};
	struct vstr *md = vstr_alloc(100), *sub = vstr_alloc(100);
	int files[3] = {0, 0, 0};
	static const char *subs[] = {"tmp", "new", "cur"};

	(void) state;
	vstr_fmt(md, "%s/Maildir", dir);
	for (int n = 0; n < 2; n++)
		CHECK_LONG("deliver",
		           mbox_maildir_deliver(vstr_str(md), src, 0,
		                                MBOX_COPY_RETURN_PATH, &info,
		                                &why),
		           0);
	for (int i = 0; i < 3; i++) {
		DIR *dp;
		struct dirent *de;

		vstr_fmt(sub, "%s/%s", vstr_str(md), subs[i]);
		dp = opendir(vstr_str(sub));
		assert_non_null(dp);
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			files[i]++;
			if (i == 1) {
				char *path, *got;

				vstr_fmt_append(sub, "/%s", de->d_name);
				path = vstr_str(sub);
				got = file_slurp(path);
				CHECK_STR("maildir content", got,
				          "Return-Path: <a@b>\nSubject: "
				          "hi\n\nFrom x\n");
				xfree(got);
				vstr_fmt(sub, "%s/%s", vstr_str(md), subs[i]);
			}
		}
		closedir(dp);
	}
	CHECK_LONG("tmp files", files[0], 0);
	CHECK_LONG("new files", files[1], 2);
	CHECK_LONG("cur files", files[2], 0);
	vstr_free(md);
	vstr_free(sub);
	vstr_free(why.text);
	vstream_close(src);
	tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_copy),
	        cmocka_unit_test(test_corrupt),
	        cmocka_unit_test(test_efbig),
	        cmocka_unit_test(test_dotlock),
	        cmocka_unit_test(test_mbox_open),
	        cmocka_unit_test(test_mbox_links),
	        cmocka_unit_test(test_maildir_names),
	        cmocka_unit_test(test_maildir_deliver),
	};

	return cmocka_run_group_tests_name("mbox", tests, NULL, NULL);
}
