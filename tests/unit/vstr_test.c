/*
 * vstr_test - unit tests for the dynamic string type
 */
#include <stdint.h>

#include "testutil.h"
#include "vstr.h"

enum vstr_op {
	OP_CPY,
	OP_CAT,
	OP_MEM,
	OP_CAT_MEM,
	OP_ADDCH,
	OP_RESET,
	OP_TRUNCATE,
	OP_FMT,
	OP_FMT_APPEND,
};

/* One operation applied to a string that starts as init. */
static const struct tcase {
	const char *name;
	size_t initial; /* vstr_alloc() size */
	const char *init;
	enum vstr_op op;
	const char *arg; /* string, bytes, or %s argument */
	size_t n;        /* byte count, character or length */
	const char *want;
	size_t want_len;
} cases[] = {
        {"cpy replaces", 10, "old text", OP_CPY, "new", 0, "new", 3},
        {"cpy empty", 10, "old", OP_CPY, "", 0, "", 0},
        {"cpy grows", 0, "", OP_CPY, "longer than zero", 0, "longer than zero",
         16},
        {"cat appends", 10, "ab", OP_CAT, "cd", 0, "abcd", 4},
        {"cat empty", 10, "ab", OP_CAT, "", 0, "ab", 2},
        {"cat grows", 1, "ab", OP_CAT, "cdefghijklmnop", 0, "abcdefghijklmnop",
         16},
        {"mem binary", 10, "x", OP_MEM, "a\0b", 3, "a\0b", 3},
        {"mem zero bytes", 10, "x", OP_MEM, "abc", 0, "", 0},
        {"cat_mem binary", 10, "x", OP_CAT_MEM, "\0y", 2, "x\0y", 3},
        {"cat_mem partial", 10, "x", OP_CAT_MEM, "yzzz", 1, "xy", 2},
        {"addch", 10, "ab", OP_ADDCH, NULL, 'c', "abc", 3},
        {"addch NUL byte", 10, "ab", OP_ADDCH, NULL, 0, "ab\0", 3},
        {"addch high byte", 10, "", OP_ADDCH, NULL, 0xe9, "\xe9", 1},
        {"addch grows", 0, "", OP_ADDCH, NULL, 'z', "z", 1},
        {"reset", 10, "abc", OP_RESET, NULL, 0, "", 0},
        {"truncate shorter", 10, "abcdef", OP_TRUNCATE, NULL, 3, "abc", 3},
        {"truncate to zero", 10, "abcdef", OP_TRUNCATE, NULL, 0, "", 0},
        {"truncate same length", 10, "abc", OP_TRUNCATE, NULL, 3, "abc", 3},
        {"truncate longer is no-op", 10, "abc", OP_TRUNCATE, NULL, 10, "abc",
         3},
        {"fmt replaces", 10, "old", OP_FMT, "x", 7, "<x:7>", 5},
        {"fmt grows", 1, "old", OP_FMT, "0123456789abcdef", 42,
         "<0123456789abcdef:42>", 21},
        {"fmt empty result", 10, "old", OP_FMT, NULL, 0, "", 0},
        {"fmt_append", 10, "pre", OP_FMT_APPEND, "x", 7, "pre<x:7>", 8},
        {"fmt_append grows", 3, "pre", OP_FMT_APPEND, "0123456789", 1,
         "pre<0123456789:1>", 17},
};

/* apply - run one operation */
static void
apply(struct vstr *s, const struct tcase *tc)
{
	switch (tc->op) {
	case OP_CPY:
		vstr_cpy(s, tc->arg);
		break;
	case OP_CAT:
		vstr_cat(s, tc->arg);
		break;
	case OP_MEM:
		vstr_mem(s, tc->arg, tc->n);
		break;
	case OP_CAT_MEM:
		vstr_cat_mem(s, tc->arg, tc->n);
		break;
	case OP_ADDCH:
		vstr_addch(s, (int) tc->n);
		break;
	case OP_RESET:
		vstr_reset(s);
		break;
	case OP_TRUNCATE:
		vstr_truncate(s, tc->n);
		break;
	case OP_FMT:
		if (tc->arg)
			vstr_fmt(s, "<%s:%zu>", tc->arg, tc->n);
		else
			vstr_fmt(s, "%s", "");
		break;
	case OP_FMT_APPEND:
		vstr_fmt_append(s, "<%s:%zu>", tc->arg, tc->n);
		break;
	}
}

/* visible - printable copy of binary content for messages */
static char *
visible(const char *p, size_t n)
{
	struct vstr *v = vstr_alloc(n);

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char) p[i];

		if (ch >= 0x20 && ch < 0x7f)
			vstr_addch(v, ch);
		else
			vstr_fmt_append(v, "\\x%02x", ch);
	}
	return vstr_export(v);
}

/* check_content - length, bytes, NUL terminator and capacity */
static void
check_content(const char *name, const struct vstr *s, const char *want,
              size_t want_len)
{
	if (vstr_len(s) != want_len || memcmp(vstr_str(s), want, want_len)) {
		char *got = visible(vstr_str(s), vstr_len(s));
		char *exp = visible(want, want_len);

		fail_msg("%s: got \"%s\" (%zu bytes), want \"%s\" (%zu bytes)",
		         name, got, vstr_len(s), exp, want_len);
	}
	CHECK_LONG(name, vstr_str(s)[vstr_len(s)], 0);
	CHECK_TRUE(name, s->cap > s->len, "capacity leaves no room for NUL");
}

/* test_ops - every case of the table */
static void
test_ops(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *tc = &cases[i];
		struct vstr *s = vstr_alloc(tc->initial);

		vstr_cpy(s, tc->init);
		apply(s, tc);
		check_content(tc->name, s, tc->want, tc->want_len);
		CHECK_TRUE(tc->name, vstr_free(s) == NULL,
		           "vstr_free did not return NULL");
	}
}

/* test_alloc_empty - a new string is empty and terminated */
static void
test_alloc_empty(void **state)
{
	static const size_t sizes[] = {0, 1, 100, 4096};

	(void) state;
	for (size_t i = 0; i < NELEM(sizes); i++) {
		struct vstr *s = vstr_alloc(sizes[i]);
		char name[40];

		snprintf(name, sizeof(name), "alloc %zu", sizes[i]);
		check_content(name, s, "", 0);
		CHECK_TRUE(name, s->cap >= sizes[i] + 1, "capacity too small");
		vstr_free(s);
	}
	CHECK_TRUE("free NULL", vstr_free(NULL) == NULL, "not NULL");
}

/* test_growth - many appends keep every byte (buffer moves as it grows) */
static void
test_growth(void **state)
{
	struct vstr *s = vstr_alloc(0);
	const size_t total = 100000;

	(void) state;
	for (size_t i = 0; i < total; i++)
		vstr_addch(s, 'a' + (int) (i % 26));
	CHECK_LONG("growth length", vstr_len(s), total);
	for (size_t i = 0; i < total; i++)
		if (vstr_str(s)[i] != 'a' + (int) (i % 26))
			fail_msg("growth: byte %zu: got %d, want %d", i,
			         vstr_str(s)[i], 'a' + (int) (i % 26));
	CHECK_LONG("growth NUL", vstr_str(s)[total], 0);
	vstr_free(s);
}

/* test_fmt_large - formatted output larger than the buffer */
static void
test_fmt_large(void **state)
{
	static const size_t sizes[] = {63, 64, 65, 1000, 70000};

	(void) state;
	for (size_t i = 0; i < NELEM(sizes); i++) {
		char *big = xmalloc(sizes[i] + 1);
		struct vstr *s = vstr_alloc(1);
		char name[40];

		memset(big, 'x', sizes[i]);
		big[sizes[i]] = 0;
		snprintf(name, sizeof(name), "fmt %zu bytes", sizes[i]);
		vstr_cpy(s, "head:");
		vstr_fmt_append(s, "%s|%d", big, 42);
		CHECK_LONG(name, vstr_len(s), 5 + sizes[i] + 3);
		CHECK_TRUE(name, memcmp(vstr_str(s), "head:", 5) == 0,
		           "prefix lost");
		CHECK_TRUE(name, memcmp(vstr_str(s) + 5, big, sizes[i]) == 0,
		           "body wrong");
		CHECK_STR(name, vstr_str(s) + 5 + sizes[i], "|42");
		vstr_fmt(s, "%s", big);
		CHECK_LONG(name, vstr_len(s), sizes[i]);
		vstr_free(s);
		xfree(big);
	}
}

/* test_export - the buffer outlives the wrapper */
static void
test_export(void **state)
{
	struct vstr *s = vstr_alloc(2);
	char *buf;

	(void) state;
	vstr_cpy(s, "exported text");
	buf = vstr_export(s);
	CHECK_STR("export", buf, "exported text");
	xfree(buf);
}

/* reserve_overflow - child: a size that cannot be represented */
static void
reserve_overflow(const void *arg)
{
	struct vstr *s = vstr_alloc(10);

	(void) arg;
	vstr_cpy(s, "abc");
	vstr_reserve(s, SIZE_MAX - 2);
}

/* test_reserve_overflow - size overflow panics instead of wrapping */
static void
test_reserve_overflow(void **state)
{
	struct child_result r;

	(void) state;
	child_run(reserve_overflow, NULL, &r);
	CHECK_CHILD("reserve SIZE_MAX", r, "signal 6",
	            "panic: size_add: overflow");
	child_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ops),
	        cmocka_unit_test(test_alloc_empty),
	        cmocka_unit_test(test_growth),
	        cmocka_unit_test(test_fmt_large),
	        cmocka_unit_test(test_export),
	        cmocka_unit_test(test_reserve_overflow),
	};

	return cmocka_run_group_tests_name("vstr", tests, NULL, NULL);
}
