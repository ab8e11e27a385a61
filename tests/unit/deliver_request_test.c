/*
 * deliver_request_test - qmgr/agent requests and per-recipient status
 *
 * Requests go through a real socketpair with real vstreams; the queue
 * file lives in a private directory that the test makes its cwd, as
 * the queue directory is for a daemon.
 */
#include <sys/socket.h>

#include "attr.h"
#include "deliver_request.h"
#include "deliver_status.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "rec.h"
#include "testutil.h"
#include "vstream.h"

#define QID "ABC123DEF"

static char *topdir;
static char *olddir;
static long rcpt_off[2]; /* offsets of the two REC_TYPE_RCPT records */
static long mesg_off;    /* offset of REC_TYPE_MESG */

/* put_rec - one record, remembering where it starts */
static long
put_rec(struct vstream *fp, int type, const char *text)
{
	long off = (long) vstream_ftell(fp);

	if (rec_puts(fp, type, text) < 0)
		fail_msg("rec_puts: %s", strerror(errno));
	return off;
}

/* write_queue_file - active/QID with two recipients and a short body */
static void
write_queue_file(void)
{
	struct vstream *fp =
	        vstream_open("active/" QID, O_CREAT | O_TRUNC | O_RDWR, 0600);

	assert_non_null(fp);
	put_rec(fp, REC_TYPE_TIME, "1700000000 0");
	put_rec(fp, REC_TYPE_FROM, "sender@example.org");
	rcpt_off[0] = put_rec(fp, REC_TYPE_RCPT, "one@example.com");
	rcpt_off[1] = put_rec(fp, REC_TYPE_RCPT, "two@example.com");
	mesg_off = put_rec(fp, REC_TYPE_MESG, "");
	put_rec(fp, REC_TYPE_NORM, "Subject: test");
	put_rec(fp, REC_TYPE_NORM, "");
	put_rec(fp, REC_TYPE_NORM, "body");
	put_rec(fp, REC_TYPE_XTRA, "");
	put_rec(fp, REC_TYPE_END, "");
	assert_int_equal(vstream_close(fp), 0);
}

/* setup - private queue directory with main.cf and one queue file */
static int
setup(void **state)
{
	struct vstr *why = vstr_alloc(64);
	char *cf;

	(void) state;
	topdir = tmpdir_create();
	olddir = get_current_dir_name();
	cf = file_write(topdir, "main.cf",
	                "myhostname = mx.example.test\n"
	                "queue_directory = /nonexistent\n");
	xfree(cf);
	if (mail_conf_load(topdir, true, why) < 0 || mail_params_init(why) < 0)
		fail_msg("load main.cf: %s", vstr_str(why));
	vstr_free(why);
	if (chdir(topdir) < 0 || mkdir("active", 0700) < 0 ||
	    mkdir("private", 0700) < 0)
		fail_msg("set up %s: %s", topdir, strerror(errno));
	write_queue_file();
	return 0;
}

/* teardown - back to where we were, remove everything */
static int
teardown(void **state)
{
	(void) state;
	if (chdir(olddir) < 0)
		fail_msg("chdir %s: %s", olddir, strerror(errno));
	free(olddir);
	tmpdir_remove(topdir);
	return 0;
}

/* sample_request - a request with every field set */
static struct deliver_request *
sample_request(void)
{
	struct deliver_request *req = xcalloc(1, sizeof(*req));

	req->flags = DEL_REQ_FLAG_RECORD;
	req->queue_name = xstrdup("active");
	req->queue_id = xstrdup(QID);
	req->data_offset = mesg_off;
	req->data_size = 20;
	req->nexthop = xstrdup("mx.example.test");
	req->encoding = xstrdup("8bit");
	req->smtputf8 = 1;
	req->sender = xstrdup("sender@example.org");
	req->dsn_envid = xstrdup("env-1");
	req->dsn_ret = DSN_RET_HDRS;
	req->client_name = xstrdup("client.example.org");
	req->client_addr = xstrdup("192.0.2.7");
	req->client_port = xstrdup("4711");
	req->client_helo = xstrdup("helo.example.org");
	req->client_proto = xstrdup("ESMTP");
	req->rewrite_context = xstrdup("remote");
	req->sasl_method = xstrdup("PLAIN");
	req->sasl_username = xstrdup("joe");
	req->stats.arrival = (struct timeval){1700000000, 5};
	req->stats.active = (struct timeval){1700000001, 250000};
	req->stats.handoff = (struct timeval){1700000002, 999999};
	req->rcpt_count = 2;
	req->rcpt = xcalloc(2, sizeof(*req->rcpt));
	req->rcpt[0] = (struct recipient){
	        xstrdup("alias@example.com"), xstrdup("one@example.com"),
	        xstrdup("rfc822;alias@example.com"),
	        DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE, rcpt_off[0]};
	req->rcpt[1] =
	        (struct recipient){xstrdup(""), xstrdup("two@example.com"),
	                           xstrdup(""), 0, rcpt_off[1]};
	return req;
}

/* pair - two connected streams */
static void
pair(struct vstream **a, struct vstream **b)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		fail_msg("socketpair: %s", strerror(errno));
	*a = vstream_fdopen(sv[0], VSTREAM_FLAG_NONE);
	*b = vstream_fdopen(sv[1], VSTREAM_FLAG_NONE);
	vstream_set_timeout(*a, 5);
	vstream_set_timeout(*b, 5);
}

/* check_same - every field survived the trip */
static void
check_same(const struct deliver_request *w, const struct deliver_request *g)
{
	CHECK_LONG("flags", g->flags, w->flags);
	CHECK_STR("queue_name", g->queue_name, w->queue_name);
	CHECK_STR("queue_id", g->queue_id, w->queue_id);
	CHECK_LONG("data_offset", g->data_offset, w->data_offset);
	CHECK_LONG("data_size", g->data_size, w->data_size);
	CHECK_STR("nexthop", g->nexthop, w->nexthop);
	CHECK_STR("encoding", g->encoding, w->encoding);
	CHECK_LONG("smtputf8", g->smtputf8, w->smtputf8);
	CHECK_STR("sender", g->sender, w->sender);
	CHECK_STR("dsn_envid", g->dsn_envid, w->dsn_envid);
	CHECK_LONG("dsn_ret", g->dsn_ret, w->dsn_ret);
	CHECK_STR("client_name", g->client_name, w->client_name);
	CHECK_STR("client_addr", g->client_addr, w->client_addr);
	CHECK_STR("client_port", g->client_port, w->client_port);
	CHECK_STR("client_helo", g->client_helo, w->client_helo);
	CHECK_STR("client_proto", g->client_proto, w->client_proto);
	CHECK_STR("rewrite_context", g->rewrite_context, w->rewrite_context);
	CHECK_STR("sasl_method", g->sasl_method, w->sasl_method);
	CHECK_STR("sasl_username", g->sasl_username, w->sasl_username);
	CHECK_LONG("arrival sec", g->stats.arrival.tv_sec, 1700000000);
	CHECK_LONG("arrival usec", g->stats.arrival.tv_usec, 5);
	CHECK_LONG("active usec", g->stats.active.tv_usec, 250000);
	CHECK_LONG("handoff usec", g->stats.handoff.tv_usec, 999999);
	CHECK_LONG("rcpt_count", g->rcpt_count, w->rcpt_count);
	for (size_t i = 0; i < w->rcpt_count; i++) {
		CHECK_STR("orig_addr", g->rcpt[i].orig_addr,
		          w->rcpt[i].orig_addr);
		CHECK_STR("address", g->rcpt[i].address, w->rcpt[i].address);
		CHECK_STR("dsn_orcpt", g->rcpt[i].dsn_orcpt,
		          w->rcpt[i].dsn_orcpt);
		CHECK_LONG("dsn_notify", g->rcpt[i].dsn_notify,
		           w->rcpt[i].dsn_notify);
		CHECK_LONG("offset", g->rcpt[i].offset, w->rcpt[i].offset);
	}
}

/* test_round_trip - send, read, reply, and the queue file position */
static void
test_round_trip(void **state)
{
	struct deliver_request *want = sample_request(), *got;
	struct vstream *qmgr, *agent;
	struct vstr *buf = vstr_alloc(16);

	(void) state;
	pair(&qmgr, &agent);
	CHECK_LONG("send", deliver_request_send(qmgr, want), 0);
	got = deliver_request_read(agent);
	assert_non_null(got);
	check_same(want, got);
	assert_non_null(got->fp);
	CHECK_LONG("positioned at content", rec_get(got->fp, buf, 0),
	           REC_TYPE_MESG);
	CHECK_LONG("done", deliver_request_done(agent, got, DEL_STAT_DEFER), 0);
	CHECK_LONG("reply", deliver_request_reply(qmgr), DEL_STAT_DEFER);
	/* Second request on the same connection, final this time. */
	CHECK_LONG("send again", deliver_request_send(qmgr, want), 0);
	got = deliver_request_read(agent);
	assert_non_null(got);
	CHECK_LONG("done again",
	           deliver_request_done(agent, got, DEL_STAT_FINAL), 0);
	CHECK_LONG("reply again", deliver_request_reply(qmgr), DEL_STAT_FINAL);
	/* The agent goes away: no reply is -1. */
	vstream_close(agent);
	CHECK_LONG("reply from closed agent", deliver_request_reply(qmgr), -1);
	vstream_close(qmgr);
	deliver_request_free(want);
	vstr_free(buf);
}

/*
 * test_requester_gone - a request whose qmgr has closed the connection is
 * not delivered (a restarted qmgr owns the file), with a warning
 */
static void
test_requester_gone(void **state)
{
	struct deliver_request *want = sample_request();
	struct vstream *qmgr, *agent;
	struct log_capture cap;

	(void) state;
	pair(&qmgr, &agent);
	CHECK_LONG("send", deliver_request_send(qmgr, want), 0);
	vstream_close(qmgr);
	capture_start(&cap);
	CHECK_TRUE("request refused", deliver_request_read(agent) == NULL,
	           "a request of a gone qmgr was accepted");
	CHECK_TRUE("warning", capture_has(&cap, "queue manager went away"),
	           vstr_str(cap.text));
	capture_stop(&cap);
	vstream_close(agent);
	deliver_request_free(want);
}

/* request_text - the wire text of the sample request */
static char *
request_text(void)
{
	struct deliver_request *req = sample_request();
	struct vstream *fp =
	        vstream_open("request.txt", O_CREAT | O_TRUNC | O_RDWR, 0600);
	char *text;

	assert_non_null(fp);
	CHECK_LONG("send to file", deliver_request_send(fp, req), 0);
	vstream_close(fp);
	deliver_request_free(req);
	text = file_slurp("request.txt");
	assert_non_null(text);
	return text;
}

/* edit - replace the first line starting with from by to ("" deletes) */
static char *
edit(const char *text, const char *from, const char *to)
{
	struct vstr *out = vstr_alloc(1024);
	const char *hit = strstr(text, from), *eol;

	if (hit == NULL)
		fail_msg("edit: no \"%s\" in request", from);
	while (hit != text && hit[-1] != '\n')
		hit = strstr(hit + 1, from);
	eol = strchr(hit, '\n');
	vstr_mem(out, text, (size_t) (hit - text));
	if (*to) {
		vstr_cat(out, to);
		vstr_addch(out, '\n');
	}
	vstr_cat(out, eol + 1);
	return vstr_export(out);
}

static const struct bad_case {
	const char *name;
	const char *from; /* line prefix to replace */
	const char *to;   /* replacement line, "" to delete */
	const char *warning;
} bad_cases[] = {
        {"missing queue_id", "queue_id=", "", "\"queue_id\""},
        {"queue_id escapes", "queue_id=", "queue_id=../../etc/passwd",
         "\"queue_id\""},
        {"queue name with slash", "queue_name=", "queue_name=../active",
         "\"queue_name\""},
        {"flags not a number", "flags=", "flags=4x", "\"flags\""},
        {"unknown flag bit", "flags=", "flags=64", "\"flags\""},
        {"negative offset", "offset=", "offset=-1", "\"offset\""},
        {"time without point", "arrival_time=", "arrival_time=1700000000",
         "\"arrival_time\""},
        {"time with junk", "active_time=", "active_time=1.5x",
         "\"active_time\""},
        {"usec too long", "request_time=", "request_time=1.1234567",
         "\"request_time\""},
        {"more recipients than sent", "rcpt_count=", "rcpt_count=3",
         "\"rcpt_count\""},
        {"no recipients", "rcpt_count=", "rcpt_count=0", "\"rcpt_count\""},
        {"fewer recipients than sent", "rcpt_count=", "rcpt_count=1",
         "\"original_recipient\""},
        {"renamed attribute", "sender=", "sendr=x", "\"sender\""},
        {"notify out of range", "notify_flags=", "notify_flags=99",
         "\"notify_flags\""},
        {"ret out of range", "ret_flags=", "ret_flags=7", "\"ret_flags\""},
        {"no such queue file", "queue_id=", "queue_id=ABC123DEE",
         "open queue file active/ABC123DEE"},
};

/* read_text - feed raw text to deliver_request_read */
static struct deliver_request *
read_text(const char *text)
{
	struct vstream *qmgr, *agent;
	struct deliver_request *req;

	pair(&qmgr, &agent);
	vstream_puts(qmgr, text);
	vstream_fflush(qmgr);
	req = deliver_request_read(agent);
	vstream_close(qmgr);
	vstream_close(agent);
	return req;
}

/* test_malformed - strict parsing refuses each defect with a warning */
static void
test_malformed(void **state)
{
	char *good = request_text();
	struct log_capture cap;

	(void) state;
	capture_start(&cap);
	for (size_t i = 0; i < NELEM(bad_cases); i++) {
		const struct bad_case *tc = &bad_cases[i];
		char *text = edit(good, tc->from, tc->to);
		struct deliver_request *req;

		capture_reset(&cap);
		req = read_text(text);
		if (req != NULL)
			fail_msg("%s: got a request, want NULL", tc->name);
		if (!capture_has(&cap, tc->warning))
			fail_msg("%s: got log \"%s\", want \"%s\"", tc->name,
			         vstr_str(cap.text), tc->warning);
		xfree(text);
	}
	/* The unedited text is accepted, so the edits are what failed. */
	{
		struct deliver_request *req = read_text(good);

		CHECK_TRUE("unedited request", req != NULL, "refused");
		deliver_request_free(req);
	}
	capture_stop(&cap);
	xfree(good);
}

/* test_too_long - an over-long attribute line fails the request */
static void
test_too_long(void **state)
{
	char *good = request_text();
	struct vstr *line = vstr_alloc(70000);
	struct log_capture cap;
	char *text;

	(void) state;
	vstr_cpy(line, "nexthop=");
	for (int i = 0; i < 70000; i++)
		vstr_addch(line, 'x');
	text = edit(good, "nexthop=", vstr_str(line));
	capture_start(&cap);
	CHECK_TRUE("over-long line", read_text(text) == NULL, "accepted");
	CHECK_TRUE("warning", capture_has(&cap, "over-long"),
	           vstr_str(cap.text));
	capture_stop(&cap);
	xfree(text);
	xfree(good);
	vstr_free(line);
}

static const struct log_case {
	const char *name;
	const char *orig;
	const char *relay;
	bool conn;
	const char *word;
	const char *want;
} log_cases[] = {
        {"plain", "", "local", false, "sent",
         QID ": to=<one@example.com>, relay=local, delay=100, "
             "delays=60/35/0/5.2, dsn=2.0.0, status=sent (done it)"},
        {"orig_to differs", "alias@example.com", "local", false, "sent",
         QID ": to=<one@example.com>, orig_to=<alias@example.com>, "
             "relay=local, delay=100, delays=60/35/0/5.2, dsn=2.0.0, "
             "status=sent (done it)"},
        {"orig_to same but case", "ONE@example.com", "local", false, "sent",
         QID ": to=<one@example.com>, relay=local, delay=100, "
             "delays=60/35/0/5.2, dsn=2.0.0, status=sent (done it)"},
        {"no relay, connection time", "", NULL, true, "deferred",
         QID ": to=<one@example.com>, relay=none, delay=100, "
             "delays=60/35/3.2/2, dsn=2.0.0, status=deferred (done it)"},
};

/* ago - now minus seconds */
static struct timeval
ago(const struct timeval *now, double secs)
{
	long long us = (long long) now->tv_sec * 1000000 + now->tv_usec -
	               (long long) (secs * 1000000);

	return (struct timeval){(time_t) (us / 1000000),
	                        (suseconds_t) (us % 1000000)};
}

/* test_status_log - the log line shape */
static void
test_status_log(void **state)
{
	struct dsn d = {.status = "2.0.0", .reason = "done it"};
	struct log_capture cap;
	struct timeval now;

	(void) state;
	capture_start(&cap);
	for (size_t i = 0; i < NELEM(log_cases); i++) {
		const struct log_case *tc = &log_cases[i];
		struct recipient r = {(char *) tc->orig, "one@example.com", "",
		                      0, 1};
		struct msg_stats st;

		gettimeofday(&now, NULL);
		st.arrival = ago(&now, 100);
		st.active = ago(&now, 40);
		st.handoff = ago(&now, 5.2);
		st.conn = tc->conn ? ago(&now, 2) : (struct timeval){0, 0};
		capture_reset(&cap);
		status_log(QID, &r, tc->relay, &st, tc->word, &d);
		vstr_truncate(cap.text, vstr_len(cap.text) - 1);
		CHECK_STR(tc->name, vstr_str(cap.text), tc->want);
	}
	capture_stop(&cap);
}

/* type_at - the record type byte at offset in the queue file */
static int
type_at(long offset)
{
	char *text = file_slurp("active/" QID);
	int type;

	assert_non_null(text);
	type = text[offset];
	xfree(text);
	return type;
}

/* open_request - the sample request as an agent has it */
static struct deliver_request *
open_request(int flags)
{
	struct deliver_request *req = sample_request();

	req->flags = flags;
	req->fp = vstream_open("active/" QID, O_RDWR, 0);
	assert_non_null(req->fp);
	return req;
}

/* test_sent_marks_done - sent without trace marks the record done */
static void
test_sent_marks_done(void **state)
{
	struct deliver_request *req;
	struct dsn d = {.status = "2.0.0", .reason = "delivered to maildir"};
	struct log_capture cap;

	(void) state;
	write_queue_file();
	req = open_request(0);
	capture_start(&cap);
	CHECK_LONG("status", status_sent(req, req->rcpt + 1, "local", &d),
	           DEL_STAT_FINAL);
	CHECK_TRUE("log",
	           capture_has(&cap, "to=<two@example.com>, "
	                             "relay=local, delay="),
	           vstr_str(cap.text));
	CHECK_TRUE("log",
	           capture_has(&cap, ", dsn=2.0.0, status=sent "
	                             "(delivered to maildir)"),
	           vstr_str(cap.text));
	CHECK_LONG("record done", type_at(rcpt_off[1]), REC_TYPE_DONE);
	CHECK_LONG("other record", type_at(rcpt_off[0]), REC_TYPE_RCPT);
	capture_stop(&cap);
	deliver_request_free(req);
}

/* test_no_service_defers - nothing recorded means nothing marked */
static void
test_no_service_defers(void **state)
{
	struct deliver_request *req;
	struct dsn bad = {.status = "5.1.1", .reason = "no such user"};
	struct dsn ok = {.status = "2.0.0", .reason = "delivered"};
	struct log_capture cap;

	(void) state;
	write_queue_file();
	req = open_request(0);
	capture_start(&cap);
	/* No private/bounce: the bounce becomes a deferral. */
	CHECK_LONG("bounce", status_bounce(req, req->rcpt + 1, "local", &bad),
	           DEL_STAT_DEFER);
	CHECK_TRUE("bounce log",
	           capture_has(&cap, "dsn=4.3.0, status=deferred (bounce or "
	                             "trace service failure)"),
	           vstr_str(cap.text));
	CHECK_LONG("not done", type_at(rcpt_off[1]), REC_TYPE_RCPT);
	/* NOTIFY=SUCCESS needs the trace service: deferred too. */
	capture_reset(&cap);
	CHECK_LONG("sent", status_sent(req, req->rcpt, "local", &ok),
	           DEL_STAT_DEFER);
	CHECK_TRUE("sent log",
	           capture_has(&cap, "status=deferred (trace service failure)"),
	           vstr_str(cap.text));
	CHECK_LONG("not done", type_at(rcpt_off[0]), REC_TYPE_RCPT);
	/* A deferral is logged even when defer/ cannot be written. */
	capture_reset(&cap);
	bad.status = "4.4.1";
	CHECK_LONG("defer", status_defer(req, req->rcpt, "none", &bad),
	           DEL_STAT_DEFER);
	CHECK_TRUE("defer log",
	           capture_has(&cap, "dsn=4.4.1, status=deferred (no such "
	                             "user)"),
	           vstr_str(cap.text));
	CHECK_TRUE("defer warning", capture_has(&cap, "defer service failure"),
	           vstr_str(cap.text));
	capture_stop(&cap);
	deliver_request_free(req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_requester_gone),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_too_long),
	        cmocka_unit_test(test_status_log),
	        cmocka_unit_test(test_sent_marks_done),
	        cmocka_unit_test(test_no_service_defers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
