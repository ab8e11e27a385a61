/*
 * dict_socketmap_test - the socketmap client against forked scripted
 * servers on 127.0.0.1 and on a UNIX-domain socket
 */
#include <ctype.h>
#include <fcntl.h>
#include <time.h>

#include "dict.h"
#include "dict_types.h"
#include "stringops.h"
#include "testserver.h"

static char *tmpdir;
static struct testserver inet_server, unix_server;
static struct vstr *inet_name, *unix_name; /* socketmap:...:mymap */
static struct log_capture logs;

enum action { REPLY, RAW, ECHO, SLOW, CLOSE, ONCE, BYE, SIZED, TRICKLE };

/* What the server does for each key. REPLY is wrapped in a netstring. */
static const struct script {
	const char *key;
	enum action action;
	const char *reply;
} script[] = {
        {"found", REPLY, "OK value"},
        {"spaced", REPLY, "OK a value with spaces"},
        {"missing", REPLY, "NOTFOUND "},
        {"missing-bare", REPLY, "NOTFOUND"},
        {"missing-reason", REPLY, "NOTFOUND no such user"},
        {"temp", REPLY, "TEMP database busy"},
        {"timeout", REPLY, "TIMEOUT backend slow"},
        {"perm", REPLY, "PERM access denied"},
        {"perm-bare", REPLY, "PERM"},
        {"empty", REPLY, "OK "},
        {"ok-bare", REPLY, "OK"},
        {"unknown", REPLY, "MAYBE x"},
        {"lowercase", REPLY, "ok value"},
        {"nul", RAW, "6:OK a\0b,"},
        {"badlen", RAW, "x:OK v,"},
        {"nocolon", RAW, "4;OK v,"},
        {"noterm", RAW, "4:OK v;"},
        {"huge", RAW, "999999:OK "},
        {"manydigits", RAW, "0000000000004:OK v,"},
        {"echo", ECHO, NULL},
        {"slow", SLOW, "OK late"},
        {"close", CLOSE, NULL},
        {"closeonce", ONCE, "OK second try"},
        {"bye", BYE, "OK bye"},
        {"trickle", TRICKLE, "10:OK trickle,"},
        {"sized-", SIZED, NULL},
};

/* Lengths of the RAW replies (one has a NUL inside). */
static const struct raw_size {
	const char *key;
	size_t len;
} raw_sizes[] = {
        {"nul", 9},    {"badlen", 7}, {"nocolon", 7},
        {"noterm", 7}, {"huge", 10},  {"manydigits", 19},
};

/* read_netstring - one request; NULL at the end or on bad input */
static char *
read_netstring(FILE *in, size_t *lenp)
{
	size_t len = 0;
	int c;
	char *data;

	while ((c = getc(in)) != EOF && isdigit(c))
		len = len * 10 + (size_t) (c - '0');
	if (c != ':' || len > 100000)
		return NULL;
	data = xmalloc(len + 1);
	if (fread(data, 1, len, in) != len || getc(in) != ',') {
		xfree(data);
		return NULL;
	}
	data[len] = 0;
	*lenp = len;
	return data;
}

/* send_netstring - reply with text as a netstring */
static void
send_netstring(int fd, const char *text, size_t len)
{
	struct vstr *r = vstr_alloc(100);

	vstr_fmt(r, "%zu:", len);
	vstr_cat_mem(r, text, len);
	vstr_addch(r, ',');
	testserver_write(fd, vstr_str(r), vstr_len(r));
	vstr_free(r);
}

/* once - true the first time for this server directory */
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

/* sized - "OK " and x's, the key after "sized-" being the reply length */
static void
sized(int fd, const char *key)
{
	struct vstr *r = vstr_alloc(100);
	size_t n = strtoul(key + strlen("sized-"), NULL, 10);

	vstr_cpy(r, "OK ");
	while (vstr_len(r) < n)
		vstr_addch(r, 'x');
	send_netstring(fd, vstr_str(r), vstr_len(r));
	vstr_free(r);
}

/* find - the script row of a key; "sized-N" and unknown keys by kind */
static const struct script *
find(const char *key)
{
	static const struct script echo = {"", ECHO, NULL};

	for (size_t i = 0; i < NELEM(script); i++)
		if (strcmp(script[i].key, key) == 0 ||
		    (script[i].action == SIZED &&
		     str_prefix(key, script[i].key)))
			return &script[i];
	return &echo;
}

/* answer - one request "mymap key"; false when the connection must end */
static bool
answer(int fd, const char *req, size_t len, const char *dir)
{
	const char *key = strchr(req, ' ') ? strchr(req, ' ') + 1 : "";
	const struct script *s = find(key);
	struct vstr *r;

	switch (s->action) {
	case ECHO:
		r = vstr_alloc(100);
		vstr_cpy(r, "OK ");
		vstr_cat_mem(r, req, len);
		send_netstring(fd, vstr_str(r), vstr_len(r));
		vstr_free(r);
		return true;
	case RAW:
		/* sizeof - 1: the "nul" reply has a NUL inside. */
		for (size_t i = 0; i < NELEM(raw_sizes); i++)
			if (strcmp(raw_sizes[i].key, s->key) == 0)
				testserver_write(fd, s->reply,
				                 raw_sizes[i].len);
		return true;
	case SIZED:
		sized(fd, key);
		return true;
	case TRICKLE:
		for (const char *cp = s->reply; *cp; cp++) {
			testserver_write(fd, cp, 1);
			usleep(2000);
		}
		return true;
	case SLOW:
		sleep(2);
		break;
	case CLOSE:
		return false;
	case ONCE:
		if (once(dir))
			return false;
		break;
	default:
		break;
	}
	send_netstring(fd, s->reply, strlen(s->reply));
	return s->action != BYE;
}

/* sm_server - one connection: netstring requests */
static void
sm_server(int fd, const char *dir)
{
	FILE *in = fdopen(dup(fd), "r");
	char *req;
	bool more = true;

	size_t len;

	while (more && (req = read_netstring(in, &len)) != NULL) {
		more = answer(fd, req, len, dir);
		xfree(req);
	}
	fclose(in);
	close(fd);
}

/* group_setup - an inet and a unix server for all tests */
static int
group_setup(void **state)
{
	struct vstr *path = vstr_alloc(100);

	(void) state;
	tmpdir = tmpdir_create();
	testserver_inet(&inet_server, sm_server, tmpdir);
	vstr_fmt(path, "%s/sock", tmpdir);
	testserver_unix(&unix_server, vstr_str(path), sm_server, tmpdir);
	inet_name = vstr_alloc(50);
	vstr_fmt(inet_name, "socketmap:inet:127.0.0.1:%d:mymap",
	         inet_server.port);
	unix_name = vstr_alloc(50);
	vstr_fmt(unix_name, "socketmap:unix:%s:mymap", vstr_str(path));
	vstr_free(path);
	dict_socketmap_timeout_ms = 300;
	return 0;
}

/* group_teardown - stop the servers */
static int
group_teardown(void **state)
{
	(void) state;
	testserver_stop(&inet_server);
	testserver_stop(&unix_server);
	tmpdir_remove(tmpdir);
	inet_name = vstr_free(inet_name);
	unix_name = vstr_free(unix_name);
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

/* open_table - a table by name, or fail the test */
static struct dict *
open_table(const struct vstr *name)
{
	struct vstr *why = vstr_alloc(100);
	struct dict *d = dict_open_checked(vstr_str(name), O_RDONLY,
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
        {"value with spaces", "spaced", DICT_FOUND, "a value with spaces"},
        {"request is name space key", "echo a b", DICT_FOUND, "mymap echo a b"},
        {"not found", "missing", DICT_NOTFOUND, NULL},
        {"not found without space", "missing-bare", DICT_NOTFOUND, NULL},
        {"not found with reason", "missing-reason", DICT_NOTFOUND, NULL},
        {"temporary error", "temp", DICT_ERROR,
         "server temporary error: database busy"},
        {"timeout error", "timeout", DICT_ERROR,
         "server timeout error: backend slow"},
        {"permanent error", "perm", DICT_ERROR,
         "server permanent error: access denied"},
        {"permanent error without reason", "perm-bare", DICT_ERROR,
         "mymap: server permanent error"},
        {"empty value", "empty", DICT_NOTFOUND, NULL},
        {"OK without value", "ok-bare", DICT_NOTFOUND, NULL},
        {"unknown status", "unknown", DICT_ERROR,
         "malformed reply: \"MAYBE x\""},
        {"status is case-sensitive", "lowercase", DICT_ERROR,
         "malformed reply: \"ok value\""},
        {"NUL in reply", "nul", DICT_ERROR, "null byte in reply"},
        {"length not a number", "badlen", DICT_ERROR,
         "malformed netstring: \"x:OK v,\""},
        {"no colon", "nocolon", DICT_ERROR, "malformed netstring"},
        {"no comma", "noterm", DICT_ERROR, "does not end in ','"},
        {"length over the limit", "huge", DICT_ERROR,
         "reply of 999999 bytes exceeds the limit of 100000"},
        {"too many digits", "manydigits", DICT_ERROR, "malformed netstring"},
        {"reply at the limit", "sized-100000", DICT_FOUND, NULL},
        {"reply over the limit", "sized-100001", DICT_ERROR,
         "exceeds the limit of 100000"},
        {"reply a byte at a time", "trickle", DICT_FOUND, "trickle"},
        {"found after errors", "found", DICT_FOUND, "value"},
        {"no reply twice", "close", DICT_ERROR, "connection closed by server"},
        {"slow server", "slow", DICT_ERROR, "timeout while reading the reply"},
        {"found after timeout", "found", DICT_FOUND, "value"},
};

/* run_cases - every case against one table */
static void
run_cases(const struct vstr *name)
{
	struct dict *d = open_table(name);
	struct vstr *label = vstr_alloc(100);

	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *tc = &cases[i];
		const char *value = NULL;
		int rc = dict_get(d, tc->key, &value);

		vstr_fmt(label, "%s: %s", vstr_str(name), tc->name);
		CHECK_LONG(vstr_str(label), rc, tc->want_rc);
		if (rc == DICT_FOUND && tc->want)
			CHECK_STR(vstr_str(label), value, tc->want);
		if (rc == DICT_ERROR)
			CHECK_TRUE(vstr_str(label),
			           strstr(vstr_str(d->why), tc->want),
			           vstr_str(d->why));
		if (strcmp(tc->key, "sized-100000") == 0)
			CHECK_LONG(vstr_str(label), strlen(value), 99997);
	}
	vstr_free(label);
	dict_close(d);
}

/* test_lookups - every reply kind, over TCP and a UNIX-domain socket */
static void
test_lookups(void **state)
{
	(void) state;
	run_cases(inet_name);
	run_cases(unix_name);
	/* PERM is logged; TEMP and TIMEOUT are only returned. */
	CHECK_TRUE("perm logged",
	           capture_has(&logs, "warning: socketmap:inet:127.0.0.1:") &&
	                   capture_has(&logs, "server permanent error: "
	                                      "access denied"),
	           vstr_str(logs.text));
	CHECK_TRUE("temp not logged", !capture_has(&logs, "database busy"),
	           vstr_str(logs.text));
	CHECK_TRUE("empty logged",
	           capture_has(&logs, "empty result for key \"empty\""),
	           vstr_str(logs.text));
	CHECK_LONG("warnings", logs.count[MSG_WARN], 2 * 4);
}

/* test_reply_limit - the limit can be lowered */
static void
test_reply_limit(void **state)
{
	struct dict *d = open_table(inet_name);
	const char *value;
	size_t saved = dict_socketmap_reply_limit;

	(void) state;
	dict_socketmap_reply_limit = 64;
	CHECK_LONG("at 64", dict_get(d, "sized-64", &value), DICT_FOUND);
	CHECK_LONG("at 64", strlen(value), 61);
	CHECK_LONG("over 64", dict_get(d, "sized-65", &value), DICT_ERROR);
	CHECK_TRUE("over 64",
	           strstr(vstr_str(d->why),
	                  "reply of 65 bytes exceeds the limit of 64"),
	           vstr_str(d->why));
	dict_socketmap_reply_limit = saved;
	dict_close(d);
}

/* test_connect_when_needed - no connection at open, one kept for many */
static void
test_connect_when_needed(void **state)
{
	long before = testserver_connections(tmpdir);
	struct dict *d = open_table(unix_name);
	const char *value;

	(void) state;
	CHECK_LONG("after open", testserver_connections(tmpdir) - before, 0);
	for (int i = 0; i < 3; i++)
		CHECK_LONG("lookup", dict_get(d, "found", &value), DICT_FOUND);
	CHECK_LONG("kept", testserver_connections(tmpdir) - before, 1);
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
	struct dict *d = open_table(inet_name);
	const char *value;
	long before = testserver_connections(tmpdir);

	(void) state;
	CHECK_LONG("close once", dict_get(d, "closeonce", &value), DICT_FOUND);
	CHECK_STR("close once", value, "second try");
	CHECK_LONG("close once", testserver_connections(tmpdir) - before, 2);
	dict_close(d);
	d = open_table(inet_name);
	before = testserver_connections(tmpdir);
	CHECK_LONG("close always", dict_get(d, "close", &value), DICT_ERROR);
	CHECK_LONG("close always", testserver_connections(tmpdir) - before, 2);
	dict_close(d);
}

/* test_timeout - a slow server costs one timeout, without a retry */
static void
test_timeout(void **state)
{
	struct dict *d = open_table(unix_name);
	const char *value;
	struct timespec start, end;
	long before = testserver_connections(tmpdir), ms;

	(void) state;
	clock_gettime(CLOCK_MONOTONIC, &start);
	CHECK_LONG("slow", dict_get(d, "slow", &value), DICT_ERROR);
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (end.tv_sec - start.tv_sec) * 1000 +
	     (end.tv_nsec - start.tv_nsec) / 1000000;
	CHECK_TRUE("slow", ms >= 250 && ms < 1500, "timeout not honoured");
	CHECK_LONG("slow", testserver_connections(tmpdir) - before, 1);
	dict_close(d);
}

/* test_no_server - open works; the lookup reports the connect error */
static void
test_no_server(void **state)
{
	struct vstr *name = vstr_alloc(100);
	struct dict *d;
	const char *value;

	(void) state;
	vstr_fmt(name, "socketmap:unix:%s/nosock:mymap", tmpdir);
	d = open_table(name);
	CHECK_LONG("no server", dict_get(d, "found", &value), DICT_ERROR);
	CHECK_TRUE("no server",
	           strstr(vstr_str(d->why),
	                  "nosock:mymap: connect: No such file or directory"),
	           vstr_str(d->why));
	dict_close(d);
	vstr_free(name);
}

static const struct open_case {
	const char *name;
	const char *table;
	int open_flags;
	const char *want;
} open_cases[] = {
        {"no map name", "socketmap:inet:127.0.0.1:9000", O_RDONLY,
         "need \"host:port\" instead of \"127.0.0.1\""},
        {"empty map name", "socketmap:unix:/x/y:", O_RDONLY,
         "need \"inet:host:port:name\" or \"unix:pathname:name\""},
        {"unknown endpoint type", "socketmap:tcp:127.0.0.1:9000:m", O_RDONLY,
         "need \"inet:host:port:name\""},
        {"no colon", "socketmap:whatever", O_RDONLY,
         "need \"inet:host:port:name\""},
        {"empty unix path", "socketmap:unix::m", O_RDONLY,
         "bad UNIX-domain socket path \"\""},
        {"long unix path",
         "socketmap:unix:/"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:m",
         O_RDONLY, "bad UNIX-domain socket path"},
        {"read-write", "socketmap:inet:127.0.0.1:9000:m", O_RDWR,
         "socketmap:inet:127.0.0.1:9000:m: table is read-only"},
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
	        cmocka_unit_test_setup_teardown(test_reply_limit, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_connect_when_needed, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_retry_once, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_no_server, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_open_errors, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests_name("dict_socketmap", tests, group_setup,
	                                   group_teardown);
}
