/*
 * attr_rec_test - the attribute protocol and queue file records
 */
#include <fcntl.h>
#include <sys/socket.h>

#include "attr.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "rec.h"
#include "testutil.h"

/* stream_pair - two connected streams */
static void
stream_pair(struct vstream **a, struct vstream **b)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	*a = vstream_fdopen(sv[0], 0);
	*b = vstream_fdopen(sv[1], 0);
}

/* test_attr_round_trip - typed print, list read, newline scrubbing */
static void
test_attr_round_trip(void **state)
{
	struct vstream *a, *b;
	struct attr_list *l = attr_list_alloc();

	(void) state;
	stream_pair(&a, &b);
	assert_int_equal(attr_print(a, ATTR_STR("queue_id", "ABC"),
	                            ATTR_LONG("status", 4),
	                            ATTR_STR("reason", "x\r\nforged=1"),
	                            ATTR_STR("recipient", "a"),
	                            ATTR_STR("recipient", "b"), ATTR_END),
	                 0);
	CHECK_LONG("count", attr_list_read(b, l, 100), 5);
	CHECK_STR("str", attr_list_get(l, "queue_id"), "ABC");
	CHECK_LONG("long", attr_list_get_long(l, "status", -1), 4);
	CHECK_STR("scrubbed", attr_list_get(l, "reason"), "x  forged=1");
	CHECK_TRUE("no forged attr", attr_list_get(l, "forged") == NULL,
	           "newline let a value forge an attribute");
	CHECK_STR("repeat 2", attr_list_value(l, 4), "b");
	CHECK_LONG("absent", attr_list_get_long(l, "nope", 7), 7);
	attr_list_free(l);
	vstream_close(a);
	vstream_close(b);
}

static const struct bad_attr {
	const char *name;
	const char *wire;
} bad_attrs[] = {
        {"no equals sign", "justtext\n\n"},
        {"empty name", "=v\n\n"},
        {"over-long line", "name=0123456789012345678901234567890\n\n"},
        {"eof before terminator", "a=b\n"},
};

/* test_attr_bad - malformed input fails the request */
static void
test_attr_bad(void **state)
{
	struct attr_list *l = attr_list_alloc();

	(void) state;
	for (size_t i = 0; i < NELEM(bad_attrs); i++) {
		struct vstream *a, *b;

		stream_pair(&a, &b);
		vstream_puts(a, bad_attrs[i].wire);
		vstream_close(a);
		CHECK_LONG(bad_attrs[i].name, attr_list_read(b, l, 20), -1);
		vstream_close(b);
	}
	attr_list_free(l);
}

/* test_rec_round_trip - records of many sizes, in-place type change */
static void
test_rec_round_trip(void **state)
{
	char path[] = "/tmp/rec_testXXXXXX";
	int fd = mkstemp(path);
	struct vstream *fp = vstream_fdopen(fd, 0);
	struct vstr *buf = vstr_alloc(10), *big = vstr_alloc(10);
	static const size_t sizes[] = {0, 1, 127, 128, 300, 16384, 100000};
	off_t rcpt_off;

	(void) state;
	unlink(path);
	for (size_t i = 0; i < NELEM(sizes); i++) {
		vstr_reset(big);
		for (size_t j = 0; j < sizes[i]; j++)
			vstr_addch(big, 'a' + (int) (j % 26));
		assert_int_equal(rec_put(fp, REC_TYPE_NORM, vstr_str(big),
		                         vstr_len(big)),
		                 REC_TYPE_NORM);
	}
	rcpt_off = vstream_ftell(fp);
	rec_puts(fp, REC_TYPE_RCPT, "u@example.com");
	rec_fprintf(fp, REC_TYPE_SIZE, REC_SIZE_FORMAT, 1L, 2L, 3L, 4L, 5L, 6L);
	assert_int_equal(vstream_fflush(fp), 0);
	assert_int_equal(rec_put_type(fd, REC_TYPE_DONE, rcpt_off), 0);
	vstream_fseek(fp, 0, SEEK_SET);
	for (size_t i = 0; i < NELEM(sizes); i++) {
		CHECK_LONG("type", rec_get(fp, buf, 0), REC_TYPE_NORM);
		CHECK_LONG("length", vstr_len(buf), sizes[i]);
	}
	CHECK_LONG("done", rec_get(fp, buf, 0), REC_TYPE_DONE);
	CHECK_STR("rcpt", vstr_str(buf), "u@example.com");
	CHECK_LONG("size", rec_get(fp, buf, 0), REC_TYPE_SIZE);
	CHECK_LONG("size len", vstr_len(buf), REC_SIZE_LEN);
	CHECK_LONG("eof", rec_get(fp, buf, 0), REC_TYPE_EOF);
	vstream_close(fp);
	vstr_free(buf);
	vstr_free(big);
}

/* test_rec_bad - truncation, bad type, over limit */
static void
test_rec_bad(void **state)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
		size_t limit;
	} cases[] = {
	        {"bad type", "\001\001x", 3, 0},
	        {"truncated data", "N\005ab", 4, 0},
	        {"truncated length", "N\200", 2, 0},
	        {"over limit", "N\005abcde", 7, 4},
	};
	struct vstr *buf = vstr_alloc(10);

	(void) state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		int fds[2];
		struct vstream *fp;

		assert_int_equal(pipe(fds), 0);
		assert_int_equal(write(fds[1], cases[i].bytes, cases[i].len),
		                 (int) cases[i].len);
		close(fds[1]);
		fp = vstream_fdopen(fds[0], 0);
		CHECK_LONG(cases[i].name, rec_get(fp, buf, cases[i].limit),
		           REC_TYPE_ERROR);
		vstream_close(fp);
	}
	vstr_free(buf);
}

/* test_queue_ids - short and long forms, validation, hashing */
static void
test_queue_ids(void **state)
{
	struct timeval tv = {.tv_sec = 1795316011, .tv_usec = 876124};
	struct vstr *id = vstr_alloc(20), *path = vstr_alloc(20);
	struct timeval later = {.tv_sec = 1795316012, .tv_usec = 0};
	struct vstr *id2 = vstr_alloc(20);

	(void) state;
	var_enable_long_queue_ids = false;
	mail_queue_id_make(id, &tv, 0x1080F5);
	CHECK_STR("short", vstr_str(id), "D5E5C1080F5");
	CHECK_TRUE("short ok", mail_queue_id_ok(vstr_str(id)), "rejected");
	var_enable_long_queue_ids = true;
	mail_queue_id_make(id, &tv, 12345);
	mail_queue_id_make(id2, &later, 1);
	CHECK_TRUE("long ok", mail_queue_id_ok(vstr_str(id)), "rejected");
	CHECK_TRUE("long sorts by time",
	           strcmp(vstr_str(id), vstr_str(id2)) < 0,
	           "later ID sorts first");
	CHECK_TRUE("bad id", !mail_queue_id_ok("../../etc"), "accepted");
	CHECK_TRUE("lower hex", !mail_queue_id_ok("d5e5c1080f5"), "accepted");
	var_hash_queue_names = "deferred, defer";
	var_hash_queue_depth = 1;
	CHECK_STR("hashed", mail_queue_path(path, "deferred", "D5E5C1080F5"),
	          "deferred/D/D5E5C1080F5");
	CHECK_STR("flat", mail_queue_path(path, "incoming", "D5E5C1080F5"),
	          "incoming/D5E5C1080F5");
	vstr_free(id);
	vstr_free(id2);
	vstr_free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_attr_round_trip),
	        cmocka_unit_test(test_attr_bad),
	        cmocka_unit_test(test_rec_round_trip),
	        cmocka_unit_test(test_rec_bad),
	        cmocka_unit_test(test_queue_ids),
	};

	return cmocka_run_group_tests_name("attr_rec", tests, NULL, NULL);
}
