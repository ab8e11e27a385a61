/*
 * qmgr_message_test - reading a queue file's envelope and recipients,
 * recipient slices, damaged files, the warning time patch
 */
#include "qmgr_testenv.h"

#define ID "4AB12C3D4E"

/* A message as cleanup writes it, with one recipient already done. */
static const struct qrec full_file[] = {
        {REC_TYPE_SIZE, NULL},
        {REC_TYPE_TIME, "1700000000 123456"},
        {REC_TYPE_CTIME, "1700000000 123456"},
        {REC_TYPE_WARN, "     1700003600"},
        {REC_TYPE_ATTR, "log_client_name=client.example"},
        {REC_TYPE_ATTR, "log_client_address=192.0.2.1"},
        {REC_TYPE_ATTR, "rewrite_context=remote"},
        {REC_TYPE_FROM, "alice@example.org"},
        {REC_TYPE_DSN_ENVID, "env-1"},
        {REC_TYPE_DSN_RET, "2"},
        {REC_TYPE_ORCP, "Bob@Example.Test"},
        {REC_TYPE_DSN_ORCPT, "rfc822;bob@example.test"},
        {REC_TYPE_DSN_NOTIFY, "6"},
        {REC_TYPE_RCPT, "bob@example.test"},
        {REC_TYPE_DONE, "carol@example.test"},
        {REC_TYPE_ATTR, "dsn_orig_rcpt=rfc822;dave@example.test"},
        {REC_TYPE_RCPT, "dave@example.test"},
        {REC_TYPE_MESG, NULL},
        {REC_TYPE_NORM, "Subject: test"},
        {REC_TYPE_NORM, ""},
        {REC_TYPE_NORM, "body"},
        {REC_TYPE_XTRA, ""},
        {REC_TYPE_RCPT, "erin@example.test"},
        {REC_TYPE_END, ""},
};

/* type_at - the record type byte at an offset of the queue file */
static int
type_at(const char *queue, long offset)
{
	struct vstream *fp = mail_queue_open(queue, ID, O_RDONLY, 0);
	char c = 0;

	assert_non_null(fp);
	if (pread(vstream_fileno(fp), &c, 1, offset) != 1)
		fail_msg("pread at %ld", offset);
	vstream_close(fp);
	return c;
}

/* test_envelope - every envelope field and the live recipients */
static void
test_envelope(void **state)
{
	char *dir = qmgr_env_setup(NULL);
	struct vstr *why = vstr_alloc(10);
	struct qmgr_message *m;
	static const char *const want[] = {
	        "bob@example.test", "dave@example.test", "erin@example.test"};

	(void) state;
	qmgr_env_build("active", ID, full_file, NELEM(full_file), 0700);
	m = qmgr_message_read("active", ID, 100, why);
	if (m == NULL)
		fail_msg("read: %s", vstr_str(why));
	CHECK_STR("sender", m->sender, "alice@example.org");
	CHECK_LONG("size", m->data_size, 123);
	CHECK_LONG("nrcpt", m->rcpt_total, 4);
	CHECK_LONG("arrival", m->arrival.tv_sec, 1700000000);
	CHECK_LONG("arrival usec", m->arrival.tv_usec, 123456);
	CHECK_LONG("warn", m->warn_time, 1700003600);
	CHECK_STR("client", m->client_name, "client.example");
	CHECK_STR("addr", m->client_addr, "192.0.2.1");
	CHECK_STR("context", m->rewrite_context, "remote");
	CHECK_STR("envid", m->dsn_envid, "env-1");
	CHECK_LONG("ret", m->dsn_ret, 2);
	CHECK_STR("filter", m->filter, "");
	CHECK_LONG("count", (long) m->rcpt_count, 3);
	for (size_t i = 0; i < NELEM(want) && i < m->rcpt_count; i++) {
		CHECK_STR("rcpt", m->rcpt[i].address, want[i]);
		CHECK_LONG("rcpt offset type",
		           type_at("active", m->rcpt[i].offset), REC_TYPE_RCPT);
	}
	CHECK_STR("orig", m->rcpt[0].orig_addr, "Bob@Example.Test");
	CHECK_STR("orcpt", m->rcpt[0].dsn_orcpt, "rfc822;bob@example.test");
	CHECK_LONG("notify", m->rcpt[0].dsn_notify, 6);
	CHECK_STR("attr orcpt", m->rcpt[1].dsn_orcpt,
	          "rfc822;dave@example.test");
	CHECK_STR("no orig", m->rcpt[1].orig_addr, "");
	CHECK_LONG("mesg type", type_at("active", m->data_offset),
	           REC_TYPE_MESG);
	CHECK_LONG("in memory", (long) qmgr_rcpt_in_memory, 3);
	qmgr_message_free(m);
	CHECK_LONG("in memory after", (long) qmgr_rcpt_in_memory, 0);
	vstr_free(why);
	qmgr_env_teardown(dir);
}

/* test_slices - a small budget reads the recipients in slices */
static void
test_slices(void **state)
{
	char *dir = qmgr_env_setup(NULL);
	struct vstr *why = vstr_alloc(10);
	struct qmgr_message *m;

	(void) state;
	qmgr_env_build("active", ID, full_file, NELEM(full_file), 0700);
	m = qmgr_message_read("active", ID, 1, why);
	assert_non_null(m);
	CHECK_LONG("first slice", (long) m->rcpt_count, 1);
	CHECK_STR("first", m->rcpt[0].address, "bob@example.test");
	CHECK_TRUE("more", m->rcpt_next > 0, "rcpt_next set");
	CHECK_LONG("nrcpt still all", m->rcpt_total, 4);
	slice_free(m);
	if (qmgr_message_read_more(m, 1, why) < 0)
		fail_msg("more: %s", vstr_str(why));
	CHECK_LONG("second slice", (long) m->rcpt_count, 1);
	CHECK_STR("second", m->rcpt[0].address, "dave@example.test");
	/* Its DSN attribute came before it: the slice starts there. */
	CHECK_STR("second orcpt", m->rcpt[0].dsn_orcpt,
	          "rfc822;dave@example.test");
	slice_free(m);
	if (qmgr_message_read_more(m, 5, why) < 0)
		fail_msg("more: %s", vstr_str(why));
	CHECK_LONG("third slice", (long) m->rcpt_count, 1);
	CHECK_STR("third", m->rcpt[0].address, "erin@example.test");
	CHECK_LONG("no more", m->rcpt_next, 0);
	qmgr_message_free(m);
	vstr_free(why);
	qmgr_env_teardown(dir);
}

static const struct qrec no_end[] = {
        {REC_TYPE_SIZE, NULL},    {REC_TYPE_TIME, "1700000000 0"},
        {REC_TYPE_FROM, "a@b.c"}, {REC_TYPE_RCPT, "x@y.z"},
        {REC_TYPE_MESG, NULL},    {REC_TYPE_NORM, "x"},
        {REC_TYPE_XTRA, ""},
};
static const struct qrec no_from[] = {
        {REC_TYPE_SIZE, NULL},    {REC_TYPE_TIME, "1700000000 0"},
        {REC_TYPE_RCPT, "x@y.z"}, {REC_TYPE_MESG, NULL},
        {REC_TYPE_XTRA, ""},      {REC_TYPE_END, ""},
};
static const struct qrec no_mesg[] = {
        {REC_TYPE_TIME, "1700000000 0"},
        {REC_TYPE_FROM, ""},
        {REC_TYPE_RCPT, "x@y.z"},
        {REC_TYPE_END, ""},
};
static const struct qrec null_sender[] = {
        {REC_TYPE_SIZE, NULL}, {REC_TYPE_TIME, "1700000000 0"},
        {REC_TYPE_FROM, ""},   {REC_TYPE_RCPT, "x@y.z"},
        {REC_TYPE_MESG, NULL}, {REC_TYPE_XTRA, ""},
        {REC_TYPE_END, ""},
};

static const struct bad_case {
	const char *name;
	const struct qrec *recs;
	size_t n;
	const char *why; /* NULL: reads fine */
} bad_cases[] = {
        {"no end record", no_end, NELEM(no_end), "truncated"},
        {"no sender", no_from, NELEM(no_from), "no sender record"},
        {"no content", no_mesg, NELEM(no_mesg), "no message content"},
        {"null sender is fine", null_sender, NELEM(null_sender), NULL},
};

/* test_bad - damaged files are refused with a reason */
static void
test_bad(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		char *dir = qmgr_env_setup(NULL);
		struct vstr *why = vstr_alloc(10);
		struct qmgr_message *m;

		qmgr_env_build("active", ID, c->recs, c->n, 0700);
		m = qmgr_message_read("active", ID, 10, why);
		if (c->why == NULL) {
			if (m == NULL)
				fail_msg("%s: got error \"%s\", want success",
				         c->name, vstr_str(why));
			qmgr_message_free(m);
		} else {
			if (m != NULL)
				fail_msg("%s: got success, want error",
				         c->name);
			CHECK_TRUE(c->name, strstr(vstr_str(why), c->why),
			           c->why);
		}
		vstr_free(why);
		qmgr_env_teardown(dir);
	}
}

/* test_warn_patch - the delay warning time is cleared in place */
static void
test_warn_patch(void **state)
{
	char *dir = qmgr_env_setup(NULL);
	struct vstr *why = vstr_alloc(10);
	struct qmgr_message *m;

	(void) state;
	qmgr_env_build("active", ID, full_file, NELEM(full_file), 0700);
	m = qmgr_message_read("active", ID, 100, why);
	assert_non_null(m);
	patch_warn_time(m);
	qmgr_message_free(m);
	m = qmgr_message_read("active", ID, 100, why);
	assert_non_null(m);
	CHECK_LONG("warn after patch", m->warn_time, 0);
	CHECK_LONG("recipients intact", (long) m->rcpt_count, 3);
	qmgr_message_free(m);
	vstr_free(why);
	qmgr_env_teardown(dir);
}

/* test_remaining - count_remaining and undone follow the type bytes */
static void
test_remaining(void **state)
{
	char *dir = qmgr_env_setup(NULL);
	struct vstr *why = vstr_alloc(10);
	struct qmgr_message *m;
	struct qmgr_rcpt *rp[3];
	bool undone[3];

	(void) state;
	qmgr_env_build("active", ID, full_file, NELEM(full_file), 0700);
	m = qmgr_message_read("active", ID, 100, why);
	assert_non_null(m);
	CHECK_LONG("remaining", count_remaining(m), 3);
	for (int i = 0; i < 3; i++)
		rp[i] = &m->rcpt[i];
	assert_int_equal(mark_done(m, m->rcpt[1].offset), 0);
	CHECK_LONG("remaining after done", count_remaining(m), 2);
	CHECK_LONG("undone", (long) qmgr_message_undone(m, rp, 3, undone), 2);
	CHECK_TRUE("dave done", !undone[1], "undone[1] false");
	CHECK_TRUE("erin not done", undone[2], "undone[2] true");
	qmgr_message_free(m);
	vstr_free(why);
	qmgr_env_teardown(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_envelope),
	        cmocka_unit_test(test_slices),
	        cmocka_unit_test(test_bad),
	        cmocka_unit_test(test_warn_patch),
	        cmocka_unit_test(test_remaining),
	};

	return cmocka_run_group_tests_name("qmgr_message", tests, NULL, NULL);
}
