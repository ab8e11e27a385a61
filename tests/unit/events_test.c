/*
 * events_test - unit tests for the epoll event loop and its timers
 */
#include <time.h>

#include "events.h"
#include "testutil.h"

/* A record of handler calls: "name:event" appended per call. */
static char calls[256];

/* note - append one call to the record */
static void
note(const char *name, int event)
{
	size_t len = strlen(calls);

	snprintf(calls + len, sizeof(calls) - len, "%s%s:%d", len ? " " : "",
	         name, event);
}

/* ms_now - monotonic milliseconds */
static long long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* run_until - call event_loop until calls has n entries or ms pass */
static void
run_until(size_t n, long ms)
{
	long long end = ms_now() + ms;

	for (;;) {
		size_t have = calls[0] ? 1 : 0;

		for (const char *cp = calls; *cp; cp++)
			have += *cp == ' ';
		if (have >= n || ms_now() >= end)
			return;
		event_loop(1);
	}
}

static void
timer_a(int ev, void *ctx)
{
	(void) ctx;
	note("a", ev);
}

static void
timer_b(int ev, void *ctx)
{
	(void) ctx;
	note("b", ev);
}

static void
timer_c(int ev, void *ctx)
{
	(void) ctx;
	note("c", ev);
}

static const struct order_case {
	const char *name;
	long a_ms, b_ms, c_ms;
	const char *want;
} order_cases[] = {
        {"in request order", 10, 20, 30, "a:8 b:8 c:8"},
        {"reverse order", 60, 40, 20, "c:8 b:8 a:8"},
        {"mixed order", 30, 10, 20, "b:8 c:8 a:8"},
};

/* test_timer_order - timers fire once each, earliest first */
static void
test_timer_order(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(order_cases); i++) {
		const struct order_case *tc = &order_cases[i];

		calls[0] = 0;
		event_request_timer_ms(timer_a, NULL, tc->a_ms);
		event_request_timer_ms(timer_b, NULL, tc->b_ms);
		event_request_timer_ms(timer_c, NULL, tc->c_ms);
		run_until(3, 2000);
		run_until(4, 100); /* nothing fires twice */
		CHECK_STR(tc->name, calls, tc->want);
	}
}

/* test_timer_delay - a timer does not fire early */
static void
test_timer_delay(void **state)
{
	long long start = ms_now();

	(void) state;
	calls[0] = 0;
	event_request_timer_ms(timer_a, NULL, 150);
	run_until(1, 2000);
	CHECK_STR("fired", calls, "a:8");
	CHECK_TRUE("not early", ms_now() - start >= 140, "fired too early");
}

/* test_timer_move_cancel - requesting again moves; cancel forgets */
static void
test_timer_move_cancel(void **state)
{
	(void) state;
	calls[0] = 0;
	event_request_timer_ms(timer_a, NULL, 10);
	event_request_timer_ms(timer_a, NULL, 5000);
	run_until(1, 200);
	CHECK_STR("moved timer", calls, "");
	CHECK_LONG("cancel existing", event_cancel_timer(timer_a, NULL), 1);
	CHECK_LONG("cancel again", event_cancel_timer(timer_a, NULL), 0);
	/* Same function, different context: two timers. */
	event_request_timer_ms(timer_b, (void *) 1, 10);
	event_request_timer_ms(timer_b, (void *) 2, 10);
	run_until(2, 1000);
	CHECK_STR("two contexts", calls, "b:8 b:8");
}

static int rearm_count;

/* timer_rearm - asks for itself again at once */
static void
timer_rearm(int ev, void *ctx)
{
	(void) ctx;
	(void) ev;
	rearm_count++;
	event_request_timer(timer_rearm, NULL, 0);
}

/* test_timer_rearm - a re-requested timer waits for the next call */
static void
test_timer_rearm(void **state)
{
	(void) state;
	rearm_count = 0;
	event_request_timer(timer_rearm, NULL, 0);
	event_loop(0);
	CHECK_LONG("one call per loop", rearm_count, 1);
	event_loop(0);
	CHECK_LONG("second loop", rearm_count, 2);
	event_cancel_timer(timer_rearm, NULL);
}

static int other_fd = -1;

/* fd_handler - records; drains the descriptor in ctx */
static void
fd_handler(int ev, void *ctx)
{
	int fd = (int) (long) ctx;
	char c;

	note(fd == other_fd ? "other" : "fd", ev);
	if (ev == EVENT_READ)
		(void) !read(fd, &c, 1);
}

/* disabling_handler - disables other_fd before it is handled */
static void
disabling_handler(int ev, void *ctx)
{
	int fd = (int) (long) ctx;
	char c;

	note("first", ev);
	(void) !read(fd, &c, 1);
	event_disable_readwrite(other_fd);
}

/* test_read_write - readiness, hang-up, disable */
static void
test_read_write(void **state)
{
	int p[2];
	int q[2];

	(void) state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	other_fd = -1;

	calls[0] = 0;
	event_enable_read(p[0], fd_handler, (void *) (long) p[0]);
	event_loop(0);
	CHECK_STR("nothing to read", calls, "");
	assert_int_equal(write(p[1], "x", 1), 1);
	run_until(1, 1000);
	CHECK_STR("readable", calls, "fd:1");

	calls[0] = 0;
	event_enable_write(q[1], fd_handler, (void *) (long) q[1]);
	run_until(1, 1000);
	CHECK_STR("writable", calls, "fd:2");
	event_disable_readwrite(q[1]);

	calls[0] = 0;
	close(p[1]);
	run_until(1, 1000);
	CHECK_STR("hang-up", calls, "fd:4");
	event_disable_readwrite(p[0]);
	close(p[0]);

	/* A handler disables a descriptor that is ready in the same round. */
	assert_int_equal(pipe(p), 0);
	calls[0] = 0;
	other_fd = q[0];
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(write(q[1], "y", 1), 1);
	event_enable_read(p[0], disabling_handler, (void *) (long) p[0]);
	event_enable_read(q[0], fd_handler, (void *) (long) q[0]);
	run_until(1, 1000);
	event_loop(0);
	event_disable_readwrite(p[0]);
	event_disable_readwrite(q[0]);
	/* epoll order is not fixed: other may come first, never after. */
	if (strcmp(calls, "first:1") != 0)
		CHECK_STR("disabled in the same round", calls,
		          "other:1 first:1");
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

/* test_max_wait - event_loop returns after max_wait with nothing to do */
static void
test_max_wait(void **state)
{
	long long start = ms_now();

	(void) state;
	event_loop(1);
	CHECK_TRUE("waited", ms_now() - start >= 900, "returned too early");
	CHECK_TRUE("not much longer", ms_now() - start < 3000,
	           "waited too long");
	CHECK_TRUE("event_time", labs((long) (event_time() - time(NULL))) <= 1,
	           "event_time is not the current time");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_timer_order),
	        cmocka_unit_test(test_timer_delay),
	        cmocka_unit_test(test_timer_move_cancel),
	        cmocka_unit_test(test_timer_rearm),
	        cmocka_unit_test(test_read_write),
	        cmocka_unit_test(test_max_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
