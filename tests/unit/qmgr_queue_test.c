/*
 * qmgr_queue_test - recipient grouping, concurrency windows, round robin,
 * dead destinations, and the transports master.cf does not have
 */
#include "qmgr_testenv.h"

static const char master_cf[] =
        "smtp      unix  -       -       n       -       -       smtp\n"
        "relay     unix  -       -       n       -       3       smtp\n"
        "limited   unix  -       -       n       -       1       smtp\n"
        "rr        unix  -       -       n       -       -       smtp\n"
        "deadq     unix  -       -       n       -       -       smtp\n"
        "grp       unix  -       -       n       -       -       smtp\n";

static const char main_extra[] =
        "grp_destination_recipient_limit = 2\n"
        "relay_destination_concurrency_limit = 2\n"
        "deadq_initial_destination_concurrency = 2\n"
        "deadq_destination_concurrency_failed_cohort_limit = 1\n";

/* env - queue directory, main.cf and master.cf */
static char *
env(void)
{
	char *dir = qmgr_env_setup(main_extra);
	char *path = file_write(dir, "master.cf", master_cf);

	xfree(path);
	qmgr_master_cf_load();
	return dir;
}

/* fake_message - a message with n recipients, not from a file */
static struct qmgr_message *
fake_message(size_t n)
{
	struct qmgr_message *m = message_alloc("active", "4AB12C3D4E");
	struct vstr *addr = vstr_alloc(20);

	m->sender = xstrdup("a@b.c");
	fill_empty(m);
	for (size_t i = 0; i < n; i++) {
		struct rcpt_pending p = {NULL, NULL, 0, -1};

		vstr_fmt(addr, "r%zu@dest.example", i);
		add_rcpt(m, &p, vstr_str(addr), (long) (100 + i));
	}
	m->refcount = 1; /* the test holds it */
	vstr_free(addr);
	return m;
}

/* drop_message - release a fake message and its pending timer */
static void
drop_message(struct qmgr_message *m)
{
	event_cancel_timer(message_next_event, m);
	qmgr_message_free(m);
}

/* test_grouping - recipients per request follow the recipient limit */
static void
test_grouping(void **state)
{
	char *dir = env();
	struct qmgr_message *m = fake_message(5);
	struct qmgr_transport *t = qmgr_transport_find("grp");
	struct qmgr_queue *q =
	        qmgr_queue_find(t, "Dest.Example", "dest.example");
	static const size_t want[] = {2, 2, 1};
	struct qmgr_entry *e;

	(void) state;
	CHECK_LONG("rcpt limit", t->rcpt_limit, 2);
	CHECK_TRUE("known", t->known, "in master.cf");
	CHECK_STR("queue name folded", q->name, "dest.example");
	for (size_t i = 0; i < m->rcpt_count; i++)
		qmgr_queue_add(q, m, &m->rcpt[i]);
	CHECK_LONG("entries", (long) q->todo_count, 3);
	CHECK_LONG("refcount", (long) m->refcount, 4);
	for (size_t i = 0; i < NELEM(want); i++) {
		e = qmgr_queue_select();
		assert_non_null(e);
		CHECK_LONG("entry size", (long) e->count, (long) want[i]);
		qmgr_queue_entry_done(e, QMGR_OUTCOME_OK);
	}
	CHECK_TRUE("empty", qmgr_queue_select() == NULL, "nothing left");
	CHECK_LONG("refcount after", (long) m->refcount, 1);
	drop_message(m);
	qmgr_env_teardown(dir);
}

/* one_rcpt_messages - n messages of one recipient each, into q */
static void
one_rcpt_messages(struct qmgr_queue *q, struct qmgr_message **ms, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ms[i] = fake_message(1);
		qmgr_queue_add(q, ms[i], &ms[i]->rcpt[0]);
	}
}

/* drop_messages - release n fake messages */
static void
drop_messages(struct qmgr_message **ms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		drop_message(ms[i]);
}

/* test_window - per-destination and per-transport limits */
static void
test_window(void **state)
{
	char *dir = env();
	struct qmgr_message *ms[4], *ls[2];
	struct qmgr_transport *t = qmgr_transport_find("relay");
	struct qmgr_transport *lim = qmgr_transport_find("limited");
	struct qmgr_queue *q = qmgr_queue_find(t, "dest.example", "x");
	struct qmgr_entry *a, *b, *c;

	(void) state;
	CHECK_LONG("relay proc limit", t->proc_limit, 3);
	CHECK_LONG("relay conc limit", t->conc_limit, 2);
	one_rcpt_messages(q, ms, 4);
	CHECK_LONG("relay entries", (long) q->todo_count, 4);
	a = qmgr_queue_select();
	b = qmgr_queue_select();
	CHECK_TRUE("two at once", a && b, "two entries");
	CHECK_TRUE("window full", qmgr_queue_select() == NULL, "no third");
	qmgr_queue_entry_done(a, QMGR_OUTCOME_OK);
	c = qmgr_queue_select();
	CHECK_TRUE("next after an answer", c != NULL, "an entry");
	qmgr_queue_entry_done(b, QMGR_OUTCOME_OK);
	qmgr_queue_entry_done(c, QMGR_OUTCOME_OK);
	a = qmgr_queue_select();
	CHECK_TRUE("fourth", a != NULL, "an entry");
	qmgr_queue_entry_done(a, QMGR_OUTCOME_OK);
	CHECK_TRUE("relay done", qmgr_queue_select() == NULL, "empty");

	/* Different destinations, but master.cf allows one process. */
	ls[0] = fake_message(1);
	ls[1] = fake_message(1);
	qmgr_queue_add(qmgr_queue_find(lim, "one.example", "one.example"),
	               ls[0], &ls[0]->rcpt[0]);
	qmgr_queue_add(qmgr_queue_find(lim, "two.example", "two.example"),
	               ls[1], &ls[1]->rcpt[0]);
	a = qmgr_queue_select();
	CHECK_TRUE("limited first", a && a->queue->transport == lim, "lim");
	CHECK_TRUE("limited second waits", qmgr_queue_select() == NULL,
	           "process limit");
	qmgr_queue_entry_done(a, QMGR_OUTCOME_OK);
	a = qmgr_queue_select();
	CHECK_TRUE("limited second", a && a->queue->transport == lim, "lim");
	qmgr_queue_entry_done(a, QMGR_OUTCOME_OK);
	CHECK_TRUE("all done", qmgr_queue_select() == NULL, "empty");
	drop_messages(ms, 4);
	drop_messages(ls, 2);
	qmgr_env_teardown(dir);
}

/* test_round_robin - destinations take turns */
static void
test_round_robin(void **state)
{
	char *dir = env();
	struct qmgr_message *as[2], *bs[2];
	struct qmgr_transport *t = qmgr_transport_find("rr");
	struct qmgr_queue *qa = qmgr_queue_find(t, "a.example", "a.example");
	struct qmgr_queue *qb = qmgr_queue_find(t, "b.example", "b.example");
	struct qmgr_entry *e[4];

	(void) state;
	one_rcpt_messages(qa, as, 2);
	one_rcpt_messages(qb, bs, 2);
	for (int i = 0; i < 4; i++) {
		e[i] = qmgr_queue_select();
		assert_non_null(e[i]);
	}
	CHECK_TRUE("alternate 1", e[0]->queue != e[1]->queue, "turns");
	CHECK_TRUE("alternate 2", e[1]->queue != e[2]->queue, "turns");
	CHECK_TRUE("alternate 3", e[2]->queue != e[3]->queue, "turns");
	for (int i = 0; i < 4; i++)
		qmgr_queue_entry_done(e[i], QMGR_OUTCOME_OK);
	drop_messages(as, 2);
	drop_messages(bs, 2);
	qmgr_env_teardown(dir);
}

/* test_dead - a failed cohort suspends a destination */
static void
test_dead(void **state)
{
	char *dir = env();
	struct qmgr_message *ms[4];
	struct qmgr_transport *t = qmgr_transport_find("deadq");
	struct qmgr_queue *q = qmgr_queue_find(t, "down.example", "down");
	struct qmgr_entry *a, *b;
	struct log_capture c;

	(void) state;
	one_rcpt_messages(q, ms, 4);
	a = qmgr_queue_select();
	b = qmgr_queue_select();
	CHECK_TRUE("initial window 2", a && b && !qmgr_queue_select(),
	           "two entries");
	capture_start(&c);
	qmgr_queue_entry_done(a, QMGR_OUTCOME_ALLFAIL);
	CHECK_TRUE("not dead yet", q->dead_until == 0, "alive");
	qmgr_queue_entry_done(b, QMGR_OUTCOME_ALLFAIL);
	CHECK_TRUE("dead", q->dead_until != 0, "dead");
	CHECK_LONG("waiting entries deferred", (long) q->todo_count, 0);
	CHECK_TRUE("deferral logged",
	           capture_has(&c, "4AB12C3D4E: to=<r0@dest.example>, "
	                           "relay=none"),
	           "to= line");
	CHECK_TRUE("reason logged",
	           capture_has(&c, "dsn=4.4.1, status=deferred (delivery "
	                           "temporarily suspended: destination not "
	                           "reachable)"),
	           "suspended reason");
	capture_stop(&c);
	CHECK_TRUE("nothing selected", qmgr_queue_select() == NULL, "none");
	qmgr_queue_flush_dead();
	drop_messages(ms, 4);
	qmgr_env_teardown(dir);
}

/* test_filter_route - content filters and unknown transports */
static void
test_filter_route(void **state)
{
	char *dir = env();
	struct qmgr_message *m = fake_message(3);
	struct resolve_reply reply;
	struct qmgr_transport *t;
	struct log_capture c;

	(void) state;
	resolve_reply_init(&reply);
	set_str(&m->filter, "smtp:[127.0.0.1]:10025");
	route_rcpt(m, &m->rcpt[0], &reply);
	set_str(&m->filter, "smtp");
	route_rcpt(m, &m->rcpt[1], &reply);
	t = qmgr_transport_find("smtp");
	CHECK_TRUE("filter nexthop",
	           htable_find(t->queue_table, "[127.0.0.1]:10025") != NULL,
	           "queue [127.0.0.1]:10025");
	CHECK_TRUE("filter without nexthop",
	           htable_find(t->queue_table, "mx.example.test") != NULL,
	           "queue $myhostname");
	capture_start(&c);
	set_str(&m->filter, "nosuch:host");
	route_rcpt(m, &m->rcpt[2], &reply);
	CHECK_TRUE("unknown transport",
	           capture_has(&c, "to=<r2@dest.example>, relay=none, "),
	           "to= line");
	CHECK_TRUE("unknown transport reason",
	           capture_has(&c, "dsn=4.3.0, status=deferred (mail "
	                           "transport unavailable)"),
	           "reason");
	capture_stop(&c);
	resolve_reply_free(&reply);
	for (struct qmgr_entry *e; (e = qmgr_queue_select()) != NULL;)
		qmgr_queue_entry_done(e, QMGR_OUTCOME_OK);
	drop_message(m);
	qmgr_env_teardown(dir);
}

/* two_rcpt_file - a complete queue file with two local recipients */
static const struct qrec two_rcpt_file[] = {
        {REC_TYPE_SIZE, NULL},
        {REC_TYPE_TIME, "1700000000 0"},
        {REC_TYPE_FROM, "a@b.c"},
        {REC_TYPE_RCPT, "u1@mx.example.test"},
        {REC_TYPE_RCPT, "u2@mx.example.test"},
        {REC_TYPE_MESG, NULL},
        {REC_TYPE_XTRA, ""},
        {REC_TYPE_END, ""},
};

static const struct limit_case {
	const char *name;
	const char *main_cf;
	size_t want_active;
	size_t want_rcpts;
} limit_cases[] = {
        {"active limit", "qmgr_message_active_limit = 2\n", 2, 4},
        {"recipient limit",
         "qmgr_message_recipient_limit = 3\n"
         "qmgr_message_recipient_minimum = 1\n",
         2, 3},
};

/* test_limits - a full incoming queue is taken only as far as allowed */
static void
test_limits(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(limit_cases); i++) {
		const struct limit_case *c = &limit_cases[i];
		char *dir = qmgr_env_setup(c->main_cf);
		struct vstr *id = vstr_alloc(20);
		size_t left = 0;
		DIR *d;

		for (int n = 0; n < 5; n++) {
			vstr_fmt(id, "5AB12C3D4%d", n);
			qmgr_env_build("incoming", vstr_str(id), two_rcpt_file,
			               NELEM(two_rcpt_file), 0700);
		}
		qmgr_scan_request("incoming", 0);
		feed_event(0, NULL);
		CHECK_LONG(c->name, (long) qmgr_active_count,
		           (long) c->want_active);
		CHECK_LONG(c->name, (long) qmgr_rcpt_in_memory,
		           (long) c->want_rcpts);
		assert_non_null(d = opendir("incoming"));
		for (struct dirent *de; (de = readdir(d)) != NULL;)
			left += de->d_name[0] != '.';
		closedir(d);
		CHECK_LONG("left in incoming", (long) left,
		           5 - (long) c->want_active);
		/* Forget them: the queues keep entries, not worth freeing. */
		while (qmgr_active_list) {
			struct qmgr_message *m = qmgr_active_list;

			message_unlink(m);
			qmgr_rcpt_in_memory -= m->rcpt_count;
			m->rcpt_count = 0;
		}
		vstr_free(id);
		qmgr_env_teardown(dir);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_grouping),
	        cmocka_unit_test(test_window),
	        cmocka_unit_test(test_round_robin),
	        cmocka_unit_test(test_dead),
	        cmocka_unit_test(test_filter_route),
	        cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests_name("qmgr_queue", tests, NULL, NULL);
}
