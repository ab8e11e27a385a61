/*
 * dict_tcp_test - the tcp_table(5) client against a forked scripted
 * server on 127.0.0.1
 */
#include <fcntl.h>
#include <time.h>

#include "dict.h"
#include "dict_types.h"
#include "testserver.h"

static char *tmpdir;
static struct testserver server;
static struct vstr *table_name; /* tcp:127.0.0.1:PORT */
static struct log_capture logs;

enum action { REPLY, ECHO, SLOW, CLOSE, ONCE, BYE, LONG, LIMIT, TRICKLE };

/* What the server does for each key (as it arrives, %-encoded). */
static const struct script {
	const char *key;
	enum action action;
	const char *reply;
} script[] = {
        {"found", REPLY, "200 value\n"},
        {"enc", REPLY, "200 a%20b%0Ac%25d%7e\n"},
        {"missing", REPLY, "500 no such key\n"},
        {"temp", REPLY, "400 try%20later\n"},
        {"empty", REPLY, "200 \n"},
        {"nospace", REPLY, "200\n"},
        {"badcode", REPLY, "300 what\n"},
        {"shortcode", REPLY, "20 x\n"},
        {"junk", REPLY, "hello world\n"},
        {"badhex", REPLY, "200 x%4g\n"},
        {"cuthex", REPLY, "200 x%4\n"},
        {"nulhex", REPLY, "200 x%00y\n"},
        {"crlf", REPLY, "200 v\r\n"},
        {"other2xx", REPLY, "250 ok\n"},
        {"other5xx", REPLY, "550 gone\n"},
        {"other4xx", REPLY, "451 later\n"},
        {"slow", SLOW, "200 late\n"},
        {"close", CLOSE, NULL},
        {"closeonce", ONCE, "200 second try\n"},
        {"bye", BYE, "200 bye\n"},
        {"trickle", TRICKLE, "200 trickle\n"},
        {"long", LONG, NULL},
        {"limit", LIMIT, NULL},
};

/* send_filled - "200 " and x's up to n bytes with the newline */
static void
send_filled(int fd, size_t n, bool newline)
{
	struct vstr *r = vstr_alloc(n + 1);

	vstr_cpy(r, "200 ");
	while (vstr_len(r) < n - 1)
		vstr_addch(r, 'x');
	vstr_addch(r, newline ? '\n' : 'x');
	testserver_write(fd, vstr_str(r), vstr_len(r));
	vstr_free(r);
}

/* echo - "200 " and the key as received, so the test sees the encoding */
static void
echo(int fd, const char *key)
{
	struct vstr *r = vstr_alloc(100);

	vstr_cpy(r, "200 ");
	for (const char *cp = key; *cp; cp++)
		if (*cp == '%')
			vstr_cat(r, "%25");
		else
			vstr_addch(r, *cp);
	vstr_addch(r, '\n');
	testserver_write(fd, vstr_str(r), vstr_len(r));
	vstr_free(r);
}

/* once - true the first time it is called for this server directory */
static bool
once(const char *dir)
{
	struct vstr *path = vstr_alloc(100);
	int fd;

	vstr_fmt(path, "%s/closeonce", dir);
	fd = open(vstr_str(path), O_WRONLY | O_CREAT | O_EXCL, 0600);
	vstr_free(path);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* answer - one request; false when the connection must end */
static bool
answer(int fd, const char *key, const char *dir)
{
	const struct script *s = NULL;

	for (size_t i = 0; i < NELEM(script); i++)
		if (strcmp(script[i].key, key) == 0)
			s = &script[i];
	if (s == NULL) {
		echo(fd, key);
		return true;
	}
	switch (s->action) {
	case SLOW:
		sleep(2);
		break;
	case CLOSE:
		return false;
	case ONCE:
		if (once(dir))
			return false;
		break;
	case LONG:
		send_filled(fd, 5000, false);
		return true;
	case LIMIT:
		send_filled(fd, 4096, true);
		return true;
	case TRICKLE:
		for (const char *cp = s->reply; *cp; cp++) {
			testserver_write(fd, cp, 1);
			usleep(2000);
		}
		return true;
	default:
		break;
	}
	testserver_write(fd, s->reply, strlen(s->reply));
	return s->action != BYE;
}

/* tcp_server - one connection: "get key" lines */
static void
tcp_server(int fd, const char *dir)
{
	FILE *in = fdopen(dup(fd), "r");
	char *line;
	bool more = true;

	while (more && (line = testserver_read_line(in)) != NULL) {
		more = answer(fd, strncmp(line, "get ", 4) == 0 ? line + 4 : "",
		              dir);
		free(line);
	}
	fclose(in);
	close(fd);
}

/* group_setup - one server for all tests */
static int
group_setup(void **state)
{
	(void) state;
	tmpdir = tmpdir_create();
	testserver_inet(&server, tcp_server, tmpdir);
	table_name = vstr_alloc(50);
	vstr_fmt(table_name, "tcp:127.0.0.1:%d", server.port);
	dict_tcp_timeout_ms = 300;
	return 0;
}

/* group_teardown - stop the server */
static int
group_teardown(void **state)
{
	(void) state;
	testserver_stop(&server);
	tmpdir_remove(tmpdir);
	table_name = vstr_free(table_name);
	return 0;
}

/* setup - capture diagnostics per test */
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

/* open_table - the server's table, or fail the test */
static struct dict *
open_table(void)
{
	struct vstr *why = vstr_alloc(100);
	struct dict *d = dict_open_checked(vstr_str(table_name), O_RDONLY,
	                                   DICT_FLAG_DEFAULT, why);

	CHECK_TRUE("open", d != NULL, vstr_str(why));
	vstr_free(why);
	return d;
}

static const struct tcase {
	const char *name;
	const char *key;
	int want_rc;
	const char *want; /* value, or text in the reason of DICT_ERROR */
} cases[] = {
        {"found", "found", DICT_FOUND, "value"},
        {"value is %-decoded", "enc", DICT_FOUND, "a b\nc%d~"},
        {"key is %-encoded", "echo a b%\001\303\251", DICT_FOUND,
         "echo%20a%20b%25%01%C3%A9"},
        {"not found", "missing", DICT_NOTFOUND, NULL},
        {"other 5xx not found", "other5xx", DICT_NOTFOUND, NULL},
        {"temporary error", "temp", DICT_ERROR, "server error: try later"},
        {"other 4xx error", "other4xx", DICT_ERROR, "server error: later"},
        {"other 2xx found", "other2xx", DICT_FOUND, "ok"},
        {"CR before newline dropped", "crlf", DICT_FOUND, "v"},
        {"empty value is not found", "empty", DICT_NOTFOUND, NULL},
        {"no space after code", "nospace", DICT_ERROR,
         "malformed reply: \"200\""},
        {"unknown code class", "badcode", DICT_ERROR,
         "malformed reply: \"300 what\""},
        {"two-digit code", "shortcode", DICT_ERROR, "malformed reply"},
        {"no code", "junk", DICT_ERROR, "malformed reply: \"hello world\""},
        {"bad hex digit", "badhex", DICT_ERROR, "malformed reply"},
        {"cut hex escape", "cuthex", DICT_ERROR, "malformed reply"},
        {"hex NUL refused", "nulhex", DICT_ERROR, "malformed reply"},
        {"reply too long", "long", DICT_ERROR,
         "reply line longer than 4095 bytes"},
        {"reply at the limit", "limit", DICT_FOUND, NULL},
        {"reply a byte at a time", "trickle", DICT_FOUND, "trickle"},
        {"found after errors", "found", DICT_FOUND, "value"},
        {"no reply twice", "close", DICT_ERROR, "connection closed by server"},
        {"timeout", "slow", DICT_ERROR, "timeout while reading the reply"},
        {"found after timeout", "found", DICT_FOUND, "value"},
};

/* check_result - compare one lookup with a case */
static void
check_result(const struct tcase *tc, struct dict *d, int rc, const char *value)
{
	CHECK_LONG(tc->name, rc, tc->want_rc);
	if (rc == DICT_FOUND && tc->want)
		CHECK_STR(tc->name, value, tc->want);
	if (rc == DICT_ERROR)
		CHECK_TRUE(tc->name, strstr(vstr_str(d->why), tc->want),
		           vstr_str(d->why));
}

/* test_lookups - every reply kind through one table */
static void
test_lookups(void **state)
{
	struct dict *d = open_table();

	(void) state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *tc = &cases[i];
		const char *value = NULL;
		int rc = dict_get(d, tc->key, &value);

		check_result(tc, d, rc, value);
		if (strcmp(tc->key, "limit") == 0 && rc == DICT_FOUND)
			CHECK_LONG(tc->name, strlen(value), 4091);
	}
	CHECK_TRUE("empty warning",
	           capture_has(&logs, "empty result for key \"empty\""),
	           vstr_str(logs.text));
	dict_close(d);
}

/* test_connect_when_needed - no connection at open, one for many lookups */
static void
test_connect_when_needed(void **state)
{
	long before = testserver_connections(tmpdir);
	struct dict *d = open_table();
	const char *value;

	(void) state;
	CHECK_LONG("after open", testserver_connections(tmpdir) - before, 0);
	for (int i = 0; i < 3; i++)
		CHECK_LONG("lookup", dict_get(d, "found", &value), DICT_FOUND);
	CHECK_LONG("kept", testserver_connections(tmpdir) - before, 1);
	/* The server hangs up after "bye": the next lookup reconnects. */
	CHECK_LONG("bye", dict_get(d, "bye", &value), DICT_FOUND);
	CHECK_LONG("after bye", dict_get(d, "found", &value), DICT_FOUND);
	CHECK_STR("after bye", value, "value");
	CHECK_LONG("reconnected", testserver_connections(tmpdir) - before, 2);
	CHECK_LONG("no warnings", logs.count[MSG_WARN], 0);
	dict_close(d);
}

/* test_retry_once - one new connection after an I/O error, not more */
static void
test_retry_once(void **state)
{
	struct dict *d = open_table();
	const char *value;
	long before = testserver_connections(tmpdir);

	(void) state;
	CHECK_LONG("close once", dict_get(d, "closeonce", &value), DICT_FOUND);
	CHECK_STR("close once", value, "second try");
	CHECK_LONG("close once", testserver_connections(tmpdir) - before, 2);
	/* A fresh table: its first connection and exactly one retry. */
	dict_close(d);
	d = open_table();
	before = testserver_connections(tmpdir);
	CHECK_LONG("close always", dict_get(d, "close", &value), DICT_ERROR);
	CHECK_LONG("close always", testserver_connections(tmpdir) - before, 2);
	dict_close(d);
}

/* elapsed_ms - milliseconds since start */
static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* test_timeout - a slow server costs one timeout, without a retry */
static void
test_timeout(void **state)
{
	struct dict *d = open_table();
	const char *value;
	struct timespec start;
	long before = testserver_connections(tmpdir), ms;

	(void) state;
	clock_gettime(CLOCK_MONOTONIC, &start);
	CHECK_LONG("slow", dict_get(d, "slow", &value), DICT_ERROR);
	ms = elapsed_ms(&start);
	CHECK_TRUE("slow", ms >= 250 && ms < 1500, "timeout not honoured");
	CHECK_TRUE("slow", strstr(vstr_str(d->why), "timeout"),
	           vstr_str(d->why));
	CHECK_LONG("slow", testserver_connections(tmpdir) - before, 1);
	dict_close(d);
}

/* test_refused - open works; the lookup reports the connect error */
static void
test_refused(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct vstr *name = vstr_alloc(50);
	struct dict *d;
	const char *value;

	(void) state;
	/* A port that was bound and is not listening refuses connections. */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_LONG("bind", bind(fd, (struct sockaddr *) &sin, sizeof(sin)), 0);
	CHECK_LONG("name", getsockname(fd, (struct sockaddr *) &sin, &len), 0);
	vstr_fmt(name, "tcp:127.0.0.1:%d", ntohs(sin.sin_port));
	d = dict_open(vstr_str(name), O_RDONLY, DICT_FLAG_DEFAULT);
	CHECK_LONG("refused", dict_get(d, "found", &value), DICT_ERROR);
	CHECK_TRUE("refused",
	           strstr(vstr_str(d->why), "connect: Connection refused"),
	           vstr_str(d->why));
	CHECK_LONG("no warnings", logs.count[MSG_WARN], 0);
	dict_close(d);
	close(fd);
	vstr_free(name);
}

static const struct open_case {
	const char *name;
	const char *table;
	int open_flags;
	const char *want;
} open_cases[] = {
        {"no port", "tcp:localhost", O_RDONLY,
         "tcp:localhost: need \"host:port\" instead of \"localhost\""},
        {"empty port", "tcp:localhost:", O_RDONLY, "need \"host:port\""},
        {"empty host", "tcp::9000", O_RDONLY, "need \"host:port\""},
        {"bracket without port", "tcp:[::1]9000", O_RDONLY, "bad endpoint"},
        {"read-write", "tcp:127.0.0.1:9000", O_RDWR,
         "tcp:127.0.0.1:9000: table is read-only"},
};

/* test_open_errors - bad names and modes */
static void
test_open_errors(void **state)
{
	struct vstr *why = vstr_alloc(100);

	(void) state;
	for (size_t i = 0; i < NELEM(open_cases); i++) {
		const struct open_case *tc = &open_cases[i];
		struct dict *d = dict_open_checked(tc->table, tc->open_flags,
		                                   DICT_FLAG_DEFAULT, why);

		CHECK_TRUE(tc->name, d == NULL, "open succeeded");
		CHECK_TRUE(tc->name, strstr(vstr_str(why), tc->want),
		           vstr_str(why));
	}
	vstr_free(why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_connect_when_needed, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_retry_once, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_open_errors, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests_name("dict_tcp", tests, group_setup,
	                                   group_teardown);
}
