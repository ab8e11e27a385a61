/*
 * bounce_test - the bounce/defer/trace services and their reports
 *
 * The real service code (mta/bounce) runs in forked test servers on
 * private/bounce, private/defer and private/trace in a private queue
 * directory; a fake cleanup on public/cleanup stores each submitted
 * message as records in cleanup-RCPT.rec. The MIME structure of the
 * reports is checked by Python's email package, an independent parser.
 */
#include "testserver.h"

#include "../../mta/bounce/bounce_log.c"
#include "../../mta/bounce/bounce_msg.c"
#include "../../mta/bounce/bounce_notify.c"
#include "../../mta/bounce/bounce_report.c"
#include "../../mta/bounce/bounce_service.c"

#include "bounce.h"
#include "deliver_status.h"
#include "mail_conf.h"

#define QID "ABC123DEF"
#define SENDER "sender@example.org"
#define NEW_ID "B0B0B0B0B"
#define LONG_LINE 3000

static char *topdir;
static char *olddir;
static struct testserver servers[4];
static long rcpt_off[2];
static char *saved_notify_classes; /* tests point the global elsewhere */

/* The Python side: a one-line-per-fact summary of a report. */
static const char check_py[] =
        "import sys, email\n"
        "from email import policy\n"
        "msg = email.message_from_binary_file(open(sys.argv[1], 'rb'),\n"
        "                                     policy=policy.compat32)\n"
        "out = ['subject: ' + msg['Subject'], 'to: ' + msg['To'],\n"
        "       'auto: ' + msg['Auto-Submitted'],\n"
        "       'type: %s %s' % (msg.get_content_type(),\n"
        "                        msg.get_param('report-type')),\n"
        "       'defects: %d' % len(msg.defects)]\n"
        "skip = ('Arrival-Date', 'Will-Retry-Until')\n"
        "for part in msg.get_payload():\n"
        "    ct = part.get_content_type()\n"
        "    out.append('part: ' + ct)\n"
        "    if ct == 'text/plain':\n"
        "        for l in part.get_payload().splitlines():\n"
        "            if l.startswith('<'):\n"
        "                out.append('  entry: ' + l)\n"
        "    elif ct == 'message/delivery-status':\n"
        "        for b in part.get_payload():\n"
        "            out.append('  ' + '; '.join('%s=%s' % (k, v)\n"
        "                for k, v in b.items() if k not in skip))\n"
        "    elif ct == 'message/rfc822':\n"
        "        inner = part.get_payload()[0]\n"
        "        out.append('  subject: %s' % inner['Subject'])\n"
        "        out.append('  return-path: %s' % inner['Return-Path'])\n"
        "        lens = [len(l) for l in inner.get_payload().splitlines()]\n"
        "        out.append('  body lines: %s' % lens)\n"
        "    elif ct == 'text/rfc822-headers':\n"
        "        names = [l.split(':')[0] for l in\n"
        "                 part.get_payload().splitlines()\n"
        "                 if l and not l[0].isspace()]\n"
        "        out.append('  headers: ' + ','.join(names))\n"
        "print('\\n'.join(out))\n";

/* write_queue_file - active/QID: two recipients, a long body line */
static void
write_queue_file(long size)
{
	struct vstream *fp =
	        vstream_open("active/" QID, O_CREAT | O_TRUNC | O_RDWR, 0600);
	struct vstr *x = vstr_alloc(LONG_LINE);

	assert_non_null(fp);
	rec_fprintf(fp, REC_TYPE_SIZE, REC_SIZE_FORMAT, size, 0L, 2L, 0L, size,
	            0L);
	rec_puts(fp, REC_TYPE_TIME, "1700000000 250000");
	rec_puts(fp, REC_TYPE_FROM, SENDER);
	rcpt_off[0] = (long) vstream_ftell(fp);
	rec_puts(fp, REC_TYPE_RCPT, "one@example.com");
	rcpt_off[1] = (long) vstream_ftell(fp);
	rec_puts(fp, REC_TYPE_RCPT, "two@example.com");
	rec_puts(fp, REC_TYPE_MESG, "");
	rec_puts(fp, REC_TYPE_NORM, "Received: by mx.example.test;");
	rec_puts(fp, REC_TYPE_NORM, "\tMon, 1 Jan 2024 00:00:00 +0000");
	rec_puts(fp, REC_TYPE_NORM, "Subject: test");
	rec_puts(fp, REC_TYPE_NORM, "");
	rec_puts(fp, REC_TYPE_NORM, "body");
	for (int i = 0; i < LONG_LINE; i++)
		vstr_addch(x, 'x');
	/* An over-long line arrives in pieces: CONT, CONT, NORM. */
	rec_put(fp, REC_TYPE_CONT, vstr_str(x), 1000);
	rec_put(fp, REC_TYPE_CONT, vstr_str(x), 1000);
	rec_put(fp, REC_TYPE_NORM, vstr_str(x), 1000);
	rec_puts(fp, REC_TYPE_NORM, "end");
	rec_puts(fp, REC_TYPE_XTRA, "");
	rec_puts(fp, REC_TYPE_END, "");
	assert_int_equal(vstream_close(fp), 0);
	vstr_free(x);
}

/* serve - the real bounce service on one connection */
static void
serve(int fd, const char *service)
{
	struct vstream *fp = vstream_fdopen(fd, VSTREAM_FLAG_NONE);

	vstream_set_timeout(fp, 10);
	bounce_service(fp, service, NULL);
	vstream_close(fp);
}

static void
serve_bounce(int fd, const char *dir)
{
	(void) dir;
	serve(fd, "bounce");
}

static void
serve_defer(int fd, const char *dir)
{
	(void) dir;
	serve(fd, "defer");
}

static void
serve_trace(int fd, const char *dir)
{
	(void) dir;
	serve(fd, "trace");
}

/* serve_cleanup - fake cleanup: store the records, answer status */
static void
serve_cleanup(int fd, const char *dir)
{
	struct vstream *fp = vstream_fdopen(fd, VSTREAM_FLAG_NONE), *out;
	struct attr_list *l = attr_list_alloc();
	struct vstr *buf = vstr_alloc(100), *path = vstr_alloc(100);
	struct vstr *rcpt = vstr_alloc(100);
	int type, status;

	vstream_set_timeout(fp, 10);
	attr_print(fp, ATTR_STR("queue_id", NEW_ID), ATTR_END);
	if (attr_list_read(fp, l, 1000) != 1 ||
	    attr_list_get_long(l, "flags", -1) != CLEANUP_FLAG_MASK_INTERNAL)
		_exit(1);
	vstr_fmt(path, "%s/cleanup.tmp.%ld", dir, (long) getpid());
	out = vstream_open(vstr_str(path), O_CREAT | O_TRUNC | O_WRONLY, 0600);
	while ((type = rec_get(fp, buf, 0)) > 0) {
		rec_put(out, type, vstr_str(buf), vstr_len(buf));
		if (type == REC_TYPE_RCPT)
			vstr_cpy(rcpt, vstr_str(buf));
		if (type == REC_TYPE_END)
			break;
	}
	vstream_close(out);
	status = type == REC_TYPE_END ? 0 : CLEANUP_STAT_BAD;
	vstr_fmt(buf, "%s/cleanup-fail", dir);
	if (access(vstr_str(buf), F_OK) == 0)
		status = CLEANUP_STAT_WRITE;
	vstr_fmt(buf, "%s/cleanup-%s.rec", dir, vstr_str(rcpt));
	if (status == 0)
		rename(vstr_str(path), vstr_str(buf));
	attr_print(fp, ATTR_LONG("status", status),
	           ATTR_STR("reason", status ? "451 4.3.0 test failure" : ""),
	           ATTR_END);
	vstream_close(fp);
}

/* setup - queue directory, main.cf, the four servers */
static int
setup(void **state)
{
	static const char *const dirs[] = {"active", "bounce",  "defer",
	                                   "trace",  "private", "public"};
	struct vstr *why = vstr_alloc(64);

	(void) state;
	topdir = tmpdir_create();
	olddir = get_current_dir_name();
	xfree(file_write(topdir, "main.cf",
	                 "myhostname = mx.example.test\n"
	                 "maximal_queue_lifetime = 5d\n"));
	xfree(file_write(topdir, "check.py", check_py));
	if (mail_conf_load(topdir, true, why) < 0 || mail_params_init(why) < 0)
		fail_msg("load main.cf: %s", vstr_str(why));
	vstr_free(why);
	saved_notify_classes = var_notify_classes;
	if (chdir(topdir) < 0)
		fail_msg("chdir %s: %s", topdir, strerror(errno));
	for (size_t i = 0; i < NELEM(dirs); i++)
		if (mkdir(dirs[i], 0700) < 0)
			fail_msg("mkdir %s: %s", dirs[i], strerror(errno));
	testserver_unix(&servers[0], "private/bounce", serve_bounce, topdir);
	testserver_unix(&servers[1], "private/defer", serve_defer, topdir);
	testserver_unix(&servers[2], "private/trace", serve_trace, topdir);
	testserver_unix(&servers[3], "public/cleanup", serve_cleanup, topdir);
	return 0;
}

/* teardown - stop the servers, remove everything */
static int
teardown(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(servers); i++)
		testserver_stop(&servers[i]);
	var_notify_classes = saved_notify_classes;
	if (chdir(olddir) < 0)
		fail_msg("chdir %s: %s", olddir, strerror(errno));
	free(olddir);
	tmpdir_remove(topdir);
	return 0;
}

/* reset - a fresh queue file, no logs, no stored messages */
static int
reset(void **state)
{
	static const char *const names[] = {"bounce/" QID,
	                                    "trace/" QID,
	                                    "cleanup-" SENDER ".rec",
	                                    "cleanup-postmaster.rec",
	                                    "cleanup-fail",
	                                    "report.rec"};
	struct vstr *path = vstr_alloc(64);

	(void) state;
	for (size_t i = 0; i < NELEM(names); i++)
		unlink(names[i]);
	unlink(mail_queue_path(path, "defer", QID));
	vstr_free(path);
	write_queue_file(300);
	var_notify_classes = "resource, software";
	return 0;
}

/* render - the content records of a record file as text; envelope too */
static char *
render(const char *path, struct vstr *from, struct vstr *rcpt)
{
	struct vstream *fp = vstream_open(path, O_RDONLY, 0);
	struct vstr *buf = vstr_alloc(100), *text = vstr_alloc(1000);
	bool content = false;
	int type;

	if (fp == NULL)
		fail_msg("open %s: %s", path, strerror(errno));
	while ((type = rec_get(fp, buf, 0)) > 0) {
		if (type == REC_TYPE_FROM && from)
			vstr_cpy(from, vstr_str(buf));
		if (type == REC_TYPE_RCPT && rcpt)
			vstr_cpy(rcpt, vstr_str(buf));
		if (type == REC_TYPE_XTRA)
			content = false;
		if (content &&
		    (type == REC_TYPE_NORM || type == REC_TYPE_CONT)) {
			vstr_cat_mem(text, vstr_str(buf), vstr_len(buf));
			if (type == REC_TYPE_NORM)
				vstr_addch(text, '\n');
		}
		if (type == REC_TYPE_MESG)
			content = true;
	}
	vstream_close(fp);
	vstr_free(buf);
	return vstr_export(text);
}

/* python_summary - what Python's email package sees in a report */
static char *
python_summary(const char *text)
{
	struct vstr *out = vstr_alloc(1000);
	char *path = file_write(topdir, "report.txt", text);
	struct vstr *cmd = vstr_alloc(100);
	char chunk[512];
	size_t n;
	FILE *pp;

	vstr_fmt(cmd, "python3 %s/check.py %s", topdir, path);
	if ((pp = popen(vstr_str(cmd), "r")) == NULL)
		fail_msg("popen python3: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), pp)) > 0)
		vstr_cat_mem(out, chunk, n);
	if (pclose(pp) != 0)
		fail_msg("python3 check failed on:\n%s", text);
	xfree(path);
	vstr_free(cmd);
	return vstr_export(out);
}

/* check_summary - compare, printing the report on mismatch */
static void
check_summary(const char *name, const char *text, const char *want)
{
	char *got = python_summary(text);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got\n%s\nwant\n%s\nreport:\n%s", name, got, want,
		         text);
	xfree(got);
}

/* log_rcpt - an in-memory log record */
static struct bounce_rcpt
log_rcpt(const char *addr, const char *orig, int notify, const char *status,
         const char *action, const char *reason)
{
	struct bounce_rcpt r = {.orig_addr = (char *) orig,
	                        .address = (char *) addr,
	                        .dsn_orcpt = "",
	                        .dsn_notify = notify,
	                        .status = (char *) status,
	                        .action = (char *) action,
	                        .reason = (char *) reason,
	                        .relay = "none",
	                        .dtype = "",
	                        .dtext = "",
	                        .mtype = "",
	                        .mname = ""};

	return r;
}

/* report_text - build a report into report.rec and render it */
static char *
report_text(struct bounce_report *rep, struct bounce_msg *m,
            struct bounce_log *log, int *count)
{
	struct vstream *out =
	        vstream_open("report.rec", O_CREAT | O_TRUNC | O_RDWR, 0600);
	struct vstr *why = vstr_alloc(64);
	char *text;

	rec_puts(out, REC_TYPE_MESG, "");
	if (bounce_msg_open(m, why) < 0)
		fail_msg("bounce_msg_open: %s", vstr_str(why));
	*count = bounce_report_write(out, rep, m, log);
	bounce_msg_close(m);
	rec_puts(out, REC_TYPE_XTRA, "");
	vstream_close(out);
	text = render("report.rec", NULL, NULL);
	vstr_free(why);
	return text;
}

/* sample_msg - the message attributes of a flush request */
static struct bounce_msg
sample_msg(const char *sender, int ret)
{
	struct bounce_msg m = {.queue_name = "active",
	                       .queue_id = QID,
	                       .encoding = "8bit",
	                       .sender = sender,
	                       .dsn_envid = "",
	                       .dsn_ret = ret};

	return m;
}

/* sample_report - a failure report as the bounce service makes it */
static struct bounce_report
sample_report(enum bounce_kind kind)
{
	struct bounce_report rep = {.kind = kind,
	                            .to = SENDER,
	                            .new_id = NEW_ID,
	                            .hostname = "mx.example.test",
	                            .size_limit = 50000,
	                            .retry_until = 1700432000,
	                            .now = {1700000100, 0}};

	return rep;
}

static const char want_failure[] =
        "subject: Undelivered Mail Returned to Sender\n"
        "to: " SENDER "\n"
        "auto: auto-replied\n"
        "type: multipart/report delivery-status\n"
        "defects: 0\n"
        "part: text/plain\n"
        "  entry: <one@example.com> (expanded from <alias@example.com>): "
        "host\n"
        "  entry: <two@example.com>: mailbox full\n"
        "part: message/delivery-status\n"
        "  Reporting-MTA=dns; mx.example.test; X-Postfix-Queue-ID=" QID
        "; X-Postfix-Sender=rfc822; " SENDER "\n"
        "  Final-Recipient=rfc822; one@example.com; "
        "Original-Recipient=rfc822;alias@example.com; Action=failed; "
        "Status=5.1.1; Remote-MTA=dns; mx.example.com; "
        "Diagnostic-Code=smtp; 550 5.1.1 no such user\n"
        "  Final-Recipient=rfc822; two@example.com; Action=failed; "
        "Status=5.2.2; Diagnostic-Code=X-Postfix; mailbox full\n"
        "part: message/rfc822\n"
        "  subject: test\n"
        "  return-path: <" SENDER ">\n"
        "  body lines: [4, 3000, 3]\n";

/* failure_log - two failed recipients, one from a remote server */
static void
failure_log(struct bounce_log *log, struct bounce_rcpt *r)
{
	r[0] = log_rcpt("one@example.com", "alias@example.com", 0, "5.1.1",
	                "failed",
	                "host mx.example.com[192.0.2.1] said: 550 5.1.1 no "
	                "such user (in reply to RCPT TO command)");
	r[0].dsn_orcpt = "rfc822;alias@example.com";
	r[0].dtype = "smtp";
	r[0].dtext = "550 5.1.1 no such user";
	r[0].mtype = "dns";
	r[0].mname = "mx.example.com";
	r[1] = log_rcpt("two@example.com", "", DSN_NOTIFY_FAILURE, "5.2.2",
	                "failed", "mailbox full");
	log->rcpt = r;
	log->count = 2;
}

/* test_report_failure - full report: three parts, original included */
static void
test_report_failure(void **state)
{
	struct bounce_report rep = sample_report(BOUNCE_KIND_FAILURE);
	struct bounce_msg m = sample_msg(SENDER, 0);
	struct bounce_rcpt r[2];
	struct bounce_log log;
	char *text;
	int count;

	(void) state;
	failure_log(&log, r);
	text = report_text(&rep, &m, &log, &count);
	CHECK_LONG("count", count, 2);
	check_summary("failure", text, want_failure);
	CHECK_TRUE("boundary",
	           strstr(text, "boundary=\"" QID ".1700000100/"
	                        "mx.example.test\"") != NULL,
	           text);
	CHECK_TRUE("message-id",
	           strstr(text, "Message-Id: <20231114221500." NEW_ID
	                        "@mx.example.test>") != NULL,
	           text);
	CHECK_TRUE("wrapped entry", strstr(text, "\n    TO command)\n") != NULL,
	           text);
	xfree(text);
}

static const struct hdrs_case {
	const char *name;
	int ret;
	long size;
	long limit;
} hdrs_cases[] = {
        {"RET=HDRS", DSN_RET_HDRS, 300, 50000},
        {"over bounce_size_limit", DSN_RET_FULL, 60000, 50000},
};

/* test_report_headers_only - RET=HDRS and big messages: headers only */
static void
test_report_headers_only(void **state)
{
	struct bounce_rcpt r[2];
	struct bounce_log log;

	(void) state;
	failure_log(&log, r);
	for (size_t i = 0; i < NELEM(hdrs_cases); i++) {
		struct bounce_report rep = sample_report(BOUNCE_KIND_FAILURE);
		struct bounce_msg m = sample_msg(SENDER, hdrs_cases[i].ret);
		char *text, *got;
		int count;

		write_queue_file(hdrs_cases[i].size);
		rep.size_limit = hdrs_cases[i].limit;
		text = report_text(&rep, &m, &log, &count);
		got = python_summary(text);
		CHECK_TRUE(hdrs_cases[i].name,
		           strstr(got,
		                  "part: text/rfc822-headers\n  headers: "
		                  "Return-Path,Received,Subject\n") != NULL,
		           got);
		CHECK_TRUE(hdrs_cases[i].name, strstr(text, "\nbody\n") == NULL,
		           "body included");
		xfree(got);
		xfree(text);
	}
}

/* test_report_notify - DSN NOTIFY decides who is in which report */
static void
test_report_notify(void **state)
{
	struct bounce_report rep = sample_report(BOUNCE_KIND_FAILURE);
	struct bounce_rcpt r[3];
	struct bounce_log log = {r, 3, 3};

	(void) state;
	r[0] = log_rcpt("a@x", "", DSN_NOTIFY_SUCCESS, "5.0.0", "failed", "x");
	r[1] = log_rcpt("b@x", "", DSN_NOTIFY_NEVER, "5.0.0", "failed", "x");
	r[2] = log_rcpt("c@x", "", DSN_NOTIFY_DELAY, "5.0.0", "failed", "x");
	CHECK_LONG("failure", bounce_report_count(&rep, &log), 0);
	rep.kind = BOUNCE_KIND_DELAY;
	CHECK_LONG("delay", bounce_report_count(&rep, &log), 1);
	rep.kind = BOUNCE_KIND_SUCCESS;
	CHECK_LONG("success", bounce_report_count(&rep, &log), 1);
	rep.kind = BOUNCE_KIND_FAILURE;
	rep.postmaster = true;
	CHECK_LONG("postmaster sees all", bounce_report_count(&rep, &log), 3);
}

/* test_report_delay - warning: delayed, headers only, retry date */
static void
test_report_delay(void **state)
{
	struct bounce_report rep = sample_report(BOUNCE_KIND_DELAY);
	struct bounce_msg m = sample_msg(SENDER, 0);
	struct bounce_rcpt r[1];
	struct bounce_log log = {r, 1, 1};
	char *text, *got;
	int count;

	(void) state;
	r[0] = log_rcpt("one@example.com", "", 0, "4.4.1", "delayed",
	                "connect to mx.example.com: Connection refused");
	text = report_text(&rep, &m, &log, &count);
	got = python_summary(text);
	CHECK_TRUE("subject",
	           str_prefix(got, "subject: Delayed Mail (still being "
	                           "retried)\n"),
	           got);
	CHECK_TRUE("action",
	           strstr(got, "Action=delayed; Status=4.4.1") != NULL, got);
	CHECK_TRUE("headers only",
	           strstr(got, "part: text/rfc822-headers") != NULL, got);
	CHECK_TRUE("retry until", strstr(text, "\nWill-Retry-Until: ") != NULL,
	           text);
	xfree(got);
	xfree(text);
}

/* test_log_round_trip - append through the service, read back */
static void
test_log_round_trip(void **state)
{
	struct recipient rc = {"alias@example.com", "one@example.com",
	                       "rfc822;alias@example.com", DSN_NOTIFY_FAILURE,
	                       123};
	struct dsn d = {"4.4.1",    "delayed", "connection refused", "smtp",
	                "421 busy", "dns",     "mx.example.com"};
	struct vstr *why = vstr_alloc(64), *path = vstr_alloc(64);
	struct bounce_log log;
	FILE *fp;

	(void) state;
	CHECK_LONG("append 1", bounce_append("defer", QID, &rc, "mx", &d), 0);
	rc.address = "two@example.com";
	CHECK_LONG("append 2", bounce_append("defer", QID, &rc, "mx", &d), 0);
	/* A record cut short by a crash is skipped. */
	fp = fopen(mail_queue_path(path, "defer", QID), "a");
	assert_non_null(fp);
	fputs("recipient=half@example.com\n", fp);
	fclose(fp);
	CHECK_TRUE("hashed", strchr(vstr_str(path) + 6, '/') != NULL,
	           vstr_str(path));
	CHECK_LONG("read", bounce_log_read("defer", QID, &log, why), 0);
	CHECK_LONG("count", log.count, 2);
	CHECK_STR("address", log.rcpt[1].address, "two@example.com");
	CHECK_STR("orig", log.rcpt[0].orig_addr, "alias@example.com");
	CHECK_STR("orcpt", log.rcpt[0].dsn_orcpt, "rfc822;alias@example.com");
	CHECK_LONG("notify", log.rcpt[0].dsn_notify, DSN_NOTIFY_FAILURE);
	CHECK_LONG("offset", log.rcpt[0].offset, 123);
	CHECK_STR("status", log.rcpt[0].status, "4.4.1");
	CHECK_STR("action", log.rcpt[0].action, "delayed");
	CHECK_STR("reason", log.rcpt[0].reason, "connection refused");
	CHECK_STR("relay", log.rcpt[0].relay, "mx");
	CHECK_STR("dtext", log.rcpt[0].dtext, "421 busy");
	CHECK_STR("mname", log.rcpt[0].mname, "mx.example.com");
	bounce_log_release(&log);
	CHECK_LONG("missing log", bounce_log_read("bounce", QID, &log, why), 0);
	CHECK_LONG("missing log count", log.count, 0);
	vstr_free(why);
	vstr_free(path);
}

/* agent_request - the request an agent holds for active/QID */
static struct deliver_request *
agent_request(int flags)
{
	struct deliver_request *req = xcalloc(1, sizeof(*req));

	req->flags = flags;
	req->queue_name = xstrdup("active");
	req->queue_id = xstrdup(QID);
	req->fp = vstream_open("active/" QID, O_RDWR, 0);
	assert_non_null(req->fp);
	req->rcpt_count = 2;
	req->rcpt = xcalloc(2, sizeof(*req->rcpt));
	req->rcpt[0] =
	        (struct recipient){xstrdup(""), xstrdup("one@example.com"),
	                           xstrdup(""), 0, rcpt_off[0]};
	req->rcpt[1] = (struct recipient){
	        xstrdup(""), xstrdup("two@example.com"), xstrdup(""),
	        DSN_NOTIFY_SUCCESS, rcpt_off[1]};
	return req;
}

/* record_type - type byte at offset of the queue file */
static int
record_type(long offset)
{
	char *text = file_slurp("active/" QID);
	int type = text[offset];

	xfree(text);
	return type;
}

/* notify - run bounce_notify in-process; its log lines */
static int
notify(enum bounce_kind kind, const char *dir, const char *sender,
       struct log_capture *cap)
{
	struct bounce_msg m = sample_msg(sender, 0);

	capture_reset(cap);
	return bounce_notify(kind, dir, &m, kind == BOUNCE_KIND_DELAY);
}

/* stored - the report cleanup received for rcpt, checked, or NULL */
static char *
stored(const char *rcpt, const char *want_from)
{
	struct vstr *path = vstr_alloc(64), *from = vstr_alloc(64);
	struct vstr *to = vstr_alloc(64);
	char *text = NULL;

	vstr_fmt(path, "cleanup-%s.rec", rcpt);
	if (access(vstr_str(path), F_OK) == 0) {
		text = render(vstr_str(path), from, to);
		CHECK_STR("envelope sender", vstr_str(from), want_from);
		CHECK_STR("envelope recipient", vstr_str(to), rcpt);
	}
	vstr_free(path);
	vstr_free(from);
	vstr_free(to);
	return text;
}

/* test_bounce_flow - agent bounces, service logs, flush sends */
static void
test_bounce_flow(void **state)
{
	struct deliver_request *req = agent_request(0);
	struct dsn d = {.status = "5.1.1", .reason = "unknown user: \"one\""};
	struct log_capture cap;
	char *text, *got;

	(void) state;
	capture_start(&cap);
	CHECK_LONG("bounce", status_bounce(req, req->rcpt, "local", &d),
	           DEL_STAT_FINAL);
	CHECK_TRUE("log",
	           capture_has(&cap, "dsn=5.1.1, status=bounced "
	                             "(unknown user: \"one\")"),
	           vstr_str(cap.text));
	CHECK_LONG("marked done", record_type(rcpt_off[0]), REC_TYPE_DONE);
	CHECK_TRUE("bounce log", access("bounce/" QID, F_OK) == 0, "missing");
	deliver_request_free(req);

	/* Flush through the service: the report reaches cleanup. */
	CHECK_LONG(
	        "flush",
	        bounce_flush("bounce", "active", QID, "8bit", 0, SENDER, "", 0),
	        0);
	text = stored(SENDER, "");
	assert_non_null(text);
	got = python_summary(text);
	CHECK_TRUE("report",
	           strstr(got, "entry: <one@example.com>: unknown "
	                       "user: \"one\"") != NULL,
	           got);
	CHECK_TRUE("log removed", access("bounce/" QID, F_OK) < 0, "present");
	CHECK_TRUE("no postmaster copy", stored("postmaster", "") == NULL,
	           "sent");
	xfree(got);
	xfree(text);
	capture_stop(&cap);
}

/* test_soft_bounce - soft_bounce = yes: 5.X.X becomes a 4.X.X deferral */
static void
test_soft_bounce(void **state)
{
	struct deliver_request *req = agent_request(0);
	struct dsn d = {.status = "5.1.1", .reason = "unknown user"};
	struct vstr *why = vstr_alloc(64);
	struct bounce_log log;
	struct log_capture cap;

	(void) state;
	capture_start(&cap);
	var_soft_bounce = true;
	CHECK_LONG("status", status_bounce(req, req->rcpt, "local", &d),
	           DEL_STAT_DEFER);
	var_soft_bounce = false;
	CHECK_TRUE("log",
	           capture_has(&cap, "dsn=4.1.1, status=deferred (unknown "
	                             "user)"),
	           vstr_str(cap.text));
	CHECK_LONG("not done", record_type(rcpt_off[0]), REC_TYPE_RCPT);
	CHECK_TRUE("no bounce log", access("bounce/" QID, F_OK) < 0, "present");
	CHECK_LONG("defer log", bounce_log_read("defer", QID, &log, why), 0);
	CHECK_LONG("defer records", log.count, 1);
	CHECK_STR("status", log.rcpt[0].status, "4.1.1");
	CHECK_STR("action", log.rcpt[0].action, "delayed");
	bounce_log_release(&log);
	vstr_free(why);
	deliver_request_free(req);
	capture_stop(&cap);
}

/* test_notify_policy - postmaster copies, null sender, double bounce */
static void
test_notify_policy(void **state)
{
	struct recipient rc = {"", "one@example.com", "", 0, 1};
	struct dsn d = {.status = "5.1.1", .action = "failed", .reason = "no"};
	const char *dbl = "double-bounce@mx.example.test";
	struct log_capture cap;
	char *text;

	(void) state;
	capture_start(&cap);
	var_notify_classes = "bounce";
	bounce_append("bounce", QID, &rc, "none", &d);
	CHECK_LONG("with copy",
	           notify(BOUNCE_KIND_FAILURE, "bounce", SENDER, &cap), 0);
	CHECK_TRUE("sender log",
	           capture_has(&cap, QID
	                       ": sender non-delivery notification: " NEW_ID),
	           vstr_str(cap.text));
	CHECK_TRUE("postmaster log",
	           capture_has(&cap, QID ": postmaster non-delivery "
	                                 "notification: " NEW_ID),
	           vstr_str(cap.text));
	xfree(stored(SENDER, ""));
	text = stored("postmaster", dbl);
	assert_non_null(text);
	CHECK_TRUE("copy subject",
	           strstr(text, "Subject: Postmaster Copy: Undelivered Mail") !=
	                   NULL,
	           text);
	CHECK_TRUE("copy headers only",
	           strstr(text, "Content-Type: text/rfc822-headers") != NULL,
	           text);
	xfree(text);

	/* Null sender, default notify_classes: nothing sent, log gone. */
	reset(NULL);
	bounce_append("bounce", QID, &rc, "none", &d);
	CHECK_LONG("null sender",
	           notify(BOUNCE_KIND_FAILURE, "bounce", "", &cap), 0);
	CHECK_TRUE("nothing sent", stored("postmaster", dbl) == NULL, "sent");
	CHECK_TRUE("log removed", access("bounce/" QID, F_OK) < 0, "present");

	/* Null sender with 2bounce: the postmaster gets it. */
	var_notify_classes = "2bounce";
	bounce_append("bounce", QID, &rc, "none", &d);
	CHECK_LONG("2bounce", notify(BOUNCE_KIND_FAILURE, "bounce", "", &cap),
	           0);
	text = stored("postmaster", dbl);
	CHECK_TRUE("double bounce sent", text != NULL, vstr_str(cap.text));
	xfree(text);

	/* A report to the double-bounce address is dropped. */
	reset(NULL);
	bounce_append("bounce", QID, &rc, "none", &d);
	CHECK_LONG("triple", notify(BOUNCE_KIND_FAILURE, "bounce", dbl, &cap),
	           0);
	CHECK_TRUE("discarded",
	           capture_has(&cap, "undeliverable postmaster "
	                             "notification discarded"),
	           vstr_str(cap.text));
	capture_stop(&cap);
}

/* test_notify_failure - cleanup says no: status -1, log kept */
static void
test_notify_failure(void **state)
{
	struct recipient rc = {"", "one@example.com", "", 0, 1};
	struct dsn d = {.status = "5.1.1", .action = "failed", .reason = "no"};
	struct log_capture cap;

	(void) state;
	capture_start(&cap);
	xfree(file_write(topdir, "cleanup-fail", ""));
	bounce_append("bounce", QID, &rc, "none", &d);
	CHECK_LONG("status",
	           notify(BOUNCE_KIND_FAILURE, "bounce", SENDER, &cap), -1);
	CHECK_TRUE("warning", capture_has(&cap, "451 4.3.0 test failure"),
	           vstr_str(cap.text));
	CHECK_TRUE("log kept", access("bounce/" QID, F_OK) == 0, "removed");
	capture_stop(&cap);
}

/* test_expired_and_warn - defer log: warning keeps it, flush fails all */
static void
test_expired_and_warn(void **state)
{
	struct recipient rc = {"", "one@example.com", "", 0, 1};
	struct dsn d = {.status = "4.4.1",
	                .action = "delayed",
	                .reason = "connection refused"};
	struct vstr *path = vstr_alloc(64);
	struct log_capture cap;
	char *text, *got;

	(void) state;
	capture_start(&cap);
	bounce_append("defer", QID, &rc, "none", &d);
	CHECK_LONG("warn",
	           bounce_warn("defer", "active", QID, "", 0, SENDER, "", 0),
	           0);
	text = stored(SENDER, "");
	assert_non_null(text);
	CHECK_TRUE(
	        "delay subject",
	        strstr(text, "Subject: Delayed Mail (still being retried)") !=
	                NULL,
	        text);
	xfree(text);
	mail_queue_path(path, "defer", QID);
	CHECK_TRUE("log kept", access(vstr_str(path), F_OK) == 0, "removed");
	CHECK_LONG("expire",
	           bounce_flush("defer", "active", QID, "", 0, SENDER, "", 0),
	           0);
	text = stored(SENDER, "");
	got = python_summary(text);
	CHECK_TRUE("failed with 4.4.1",
	           strstr(got, "Action=failed; Status=4.4.1") != NULL, got);
	CHECK_TRUE("subject",
	           str_prefix(got, "subject: Undelivered Mail Returned"), got);
	CHECK_TRUE("log removed", access(vstr_str(path), F_OK) < 0, "present");
	xfree(got);
	xfree(text);
	vstr_free(path);
	capture_stop(&cap);
}

/* test_trace_flow - NOTIFY=SUCCESS and sendmail -bv reports */
static void
test_trace_flow(void **state)
{
	struct deliver_request *req = agent_request(0);
	struct dsn d = {.status = "2.0.0", .reason = "delivered to maildir"};
	struct log_capture cap;
	char *text, *got;

	(void) state;
	capture_start(&cap);
	/* rcpt[1] asked for NOTIFY=SUCCESS. */
	CHECK_LONG("sent", status_sent(req, req->rcpt + 1, "local", &d),
	           DEL_STAT_FINAL);
	CHECK_LONG("done", record_type(rcpt_off[1]), REC_TYPE_DONE);
	CHECK_LONG("trace flush",
	           bounce_flush("trace", "active", QID, "", 0, SENDER, "", 0),
	           0);
	text = stored(SENDER, "");
	assert_non_null(text);
	got = python_summary(text);
	CHECK_TRUE("success report",
	           str_prefix(got, "subject: Successful Mail Delivery Report"),
	           got);
	CHECK_TRUE("entry",
	           strstr(got, "entry: <two@example.com>: delivery via "
	                       "local: delivered to maildir") != NULL,
	           got);
	CHECK_TRUE("action",
	           strstr(got, "Action=delivered; Status=2.0.0") != NULL, got);
	xfree(got);
	xfree(text);
	deliver_request_free(req);

	/* sendmail -bv: deliverable, traced, marked done (nothing else is
	 * left to do for this recipient: qmgr ends the probe after one pass).
	 */
	reset(NULL);
	unlink("cleanup-" SENDER ".rec");
	req = agent_request(DEL_REQ_FLAG_EXPAND);
	capture_reset(&cap);
	CHECK_LONG("verify", status_sent(req, req->rcpt, "local", &d),
	           DEL_STAT_FINAL);
	CHECK_TRUE("log", capture_has(&cap, "status=deliverable (delivered"),
	           vstr_str(cap.text));
	CHECK_LONG("done", record_type(rcpt_off[0]), REC_TYPE_DONE);
	CHECK_LONG("flush",
	           bounce_flush("trace", "active", QID, "", 0, SENDER, "", 0),
	           0);
	text = stored(SENDER, "");
	assert_non_null(text);
	CHECK_TRUE("verify subject",
	           strstr(text, "Subject: Mail Delivery Status Report") != NULL,
	           text);
	CHECK_TRUE("deliverable", strstr(text, "Action: deliverable") != NULL,
	           text);
	xfree(text);
	deliver_request_free(req);
	capture_stop(&cap);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_report_failure, reset),
	        cmocka_unit_test_setup(test_report_headers_only, reset),
	        cmocka_unit_test_setup(test_report_notify, reset),
	        cmocka_unit_test_setup(test_report_delay, reset),
	        cmocka_unit_test_setup(test_log_round_trip, reset),
	        cmocka_unit_test_setup(test_bounce_flow, reset),
	        cmocka_unit_test_setup(test_soft_bounce, reset),
	        cmocka_unit_test_setup(test_notify_policy, reset),
	        cmocka_unit_test_setup(test_notify_failure, reset),
	        cmocka_unit_test_setup(test_expired_and_warn, reset),
	        cmocka_unit_test_setup(test_trace_flow, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
