/*
 * vstream_test - buffered streams: lines with limits, mixed reading and
 * writing on files and sockets, deadlines
 */
#include <fcntl.h>
#include <sys/socket.h>

#include "testutil.h"
#include "vstream.h"

static const struct line_case {
	const char *name;
	const char *input;
	size_t limit;
	const char *want[4]; /* successive lines; NULL ends */
	int last[4];
} line_cases[] = {
        {"two lines", "ab\ncd\n", 0, {"ab\n", "cd\n", NULL}, {'\n', '\n'}},
        {"no final newline", "ab\ncd", 0, {"ab\n", "cd", NULL}, {'\n', 'd'}},
        {"limit splits a line",
         "abcdef\n",
         4,
         {"abcd", "ef\n", NULL},
         {'d', '\n'}},
        {"limit equals line", "abc\n", 4, {"abc\n", NULL}, {'\n'}},
        {"empty input", "", 0, {NULL}, {0}},
        {"crlf kept", "a\r\n", 0, {"a\r\n", NULL}, {'\n'}},
};

/* pipe_with - a read descriptor that yields text */
static int
pipe_with(const char *text)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, strlen(text)), (int) strlen(text));
	close(fds[1]);
	return fds[0];
}

/* test_lines - vstream_get_line over the table */
static void
test_lines(void **state)
{
	struct vstr *buf = vstr_alloc(10);

	(void) state;
	for (size_t i = 0; i < NELEM(line_cases); i++) {
		const struct line_case *c = &line_cases[i];
		struct vstream *fp = vstream_fdopen(pipe_with(c->input), 0);
		size_t n;

		for (n = 0; c->want[n]; n++) {
			int last = vstream_get_line(fp, buf, c->limit);

			CHECK_LONG(c->name, last, c->last[n]);
			CHECK_STR(c->name, vstr_str(buf), c->want[n]);
		}
		CHECK_LONG(c->name, vstream_get_line(fp, buf, c->limit),
		           VSTREAM_EOF);
		CHECK_TRUE(c->name, vstream_feof(fp), "no EOF flag");
		vstream_close(fp);
	}
	vstr_free(buf);
}

/* test_file_mixed - write, seek, read, overwrite: ftell stays exact */
static void
test_file_mixed(void **state)
{
	char path[] = "/tmp/vstream_testXXXXXX";
	int fd = mkstemp(path);
	struct vstream *fp = vstream_fdopen(fd, 0);
	struct vstr *buf = vstr_alloc(10);
	char got[16];

	(void) state;
	unlink(path);
	assert_int_equal(vstream_puts(fp, "hello\nworld\n"), 0);
	CHECK_LONG("ftell after write", vstream_ftell(fp), 12);
	CHECK_LONG("seek", vstream_fseek(fp, 0, SEEK_SET), 0);
	assert_int_equal(vstream_get_line(fp, buf, 0), '\n');
	CHECK_LONG("ftell after a line", vstream_ftell(fp), 6);
	/* Overwrite "world" while read-ahead holds it. */
	assert_int_equal(vstream_puts(fp, "WORLD"), 0);
	CHECK_LONG("ftell after overwrite", vstream_ftell(fp), 11);
	assert_int_equal(vstream_fflush(fp), 0);
	assert_int_equal(pread(fd, got, 12, 0), 12);
	got[12] = 0;
	CHECK_STR("file content", got, "hello\nWORLD\n");
	vstr_free(buf);
	vstream_close(fp);
}

/* test_socket_pipelining - a reply does not drop pipelined input */
static void
test_socket_pipelining(void **state)
{
	int sv[2];
	struct vstream *fp;
	struct vstr *buf = vstr_alloc(10);
	char reply[8];

	(void) state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], "MAIL\nRCPT\n", 10), 10);
	fp = vstream_fdopen(sv[0], 0);
	assert_int_equal(vstream_get_line(fp, buf, 0), '\n');
	CHECK_LONG("pipelined bytes", vstream_peek(fp), 5);
	assert_int_equal(vstream_puts(fp, "250\n"), 0);
	assert_int_equal(vstream_fflush(fp), 0);
	assert_int_equal(read(sv[1], reply, 4), 4);
	assert_int_equal(vstream_get_line(fp, buf, 0), '\n');
	CHECK_STR("second command", vstr_str(buf), "RCPT\n");
	vstream_close(fp);
	close(sv[1]);
	vstr_free(buf);
}

/* test_timeout - a read with a deadline fails and sets the flag */
static void
test_timeout(void **state)
{
	int sv[2];
	struct vstream *fp;

	(void) state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fp = vstream_fdopen(sv[0], 0);
	vstream_set_timeout(fp, 1);
	CHECK_LONG("getc", vstream_getc(fp), VSTREAM_EOF);
	CHECK_TRUE("timeout", vstream_ftimeout(fp), "no timeout flag");
	vstream_close(fp);
	close(sv[1]);
}

/* test_read_exact - vstream_read across buffer refills */
static void
test_read_exact(void **state)
{
	int sv[2];
	struct vstream *fp;
	char big[20000], got[20000];

	(void) state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if (fork() == 0) {
		close(sv[0]);
		(void) !write(sv[1], big, sizeof(big));
		_exit(0);
	}
	close(sv[1]);
	fp = vstream_fdopen(sv[0], 0);
	CHECK_LONG("read", vstream_read(fp, got, sizeof(got)), sizeof(got));
	CHECK_TRUE("content", memcmp(big, got, sizeof(got)) == 0, "differs");
	CHECK_LONG("then EOF", vstream_read(fp, got, 1), 0);
	vstream_close(fp);
}

/* test_ungetc - a byte put back is read again, once */
static void
test_ungetc(void **state)
{
	int sv[2];
	struct vstream *fp;
	struct vstr *line = vstr_alloc(16);

	(void) state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	(void) !write(sv[1], "ab\n", 3);
	close(sv[1]);
	fp = vstream_fdopen(sv[0], 0);
	CHECK_LONG("nothing to put back yet", vstream_ungetc(fp), -1);
	CHECK_LONG("first byte", vstream_getc(fp), 'a');
	CHECK_LONG("put back", vstream_ungetc(fp), 0);
	CHECK_LONG("line", vstream_get_line(fp, line, 0), '\n');
	CHECK_TRUE("whole line again", strcmp(vstr_str(line), "ab\n") == 0,
	           vstr_str(line));
	vstr_free(line);
	vstream_close(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lines),
	        cmocka_unit_test(test_file_mixed),
	        cmocka_unit_test(test_socket_pipelining),
	        cmocka_unit_test(test_timeout),
	        cmocka_unit_test(test_read_exact),
	        cmocka_unit_test(test_ungetc),
	};

	return cmocka_run_group_tests_name("vstream", tests, NULL, NULL);
}
