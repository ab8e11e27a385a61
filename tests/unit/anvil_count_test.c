/*
 * anvil_count_test - unit tests for anvil's connection counts and rates
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anvil_count.h"
#include "argv.h"
#include "testutil.h"
#include "vstr.h"

enum op { CONNECT, DISCONNECT, EVENT, PEEK, LOOKUP, OWNER_GONE, EXPIRE, END };

struct step {
	enum op op;
	int owner;         /* 0 or 1 */
	const char *ident; /* ident, or NULL */
	time_t now;
	int kind;   /* ANVIL_RATE_* for EVENT and PEEK */
	long count; /* expected count (CONNECT, LOOKUP), size (EXPIRE) */
	long rate;  /* expected rate; for EXPIRE: entries removed */
};

#define A "smtp:192.0.2.1"
#define B "smtp:192.0.2.2"

static const struct script {
	const char *name;
	struct step steps[12];
} scripts[] = {
        {"counts per ident and owner",
         {{CONNECT, 0, A, 100, 0, 1, 1},
          {CONNECT, 1, A, 101, 0, 2, 2},
          {CONNECT, 0, B, 101, 0, 1, 1},
          {DISCONNECT, 0, A, 102, 0, 0, 0},
          {LOOKUP, 0, A, 102, 0, 1, 2},
          {CONNECT, 0, A, 103, 0, 2, 3},
          {END, 0, NULL, 0, 0, 0, 0}}},
        {"window ends after the time unit",
         {{CONNECT, 0, A, 100, 0, 1, 1},
          {CONNECT, 0, A, 160, 0, 2, 2},
          {CONNECT, 0, A, 161, 0, 3, 1},
          {END, 0, NULL, 0, 0, 0, 0}}},
        {"disconnect by another owner is ignored",
         {{CONNECT, 0, A, 100, 0, 1, 1},
          {DISCONNECT, 1, A, 100, 0, 0, 0},
          {DISCONNECT, 0, B, 100, 0, 0, 0},
          {LOOKUP, 0, A, 100, 0, 1, 1},
          {DISCONNECT, 0, A, 100, 0, 0, 0},
          {DISCONNECT, 0, A, 100, 0, 0, 0},
          {LOOKUP, 0, A, 100, 0, 0, 1},
          {END, 0, NULL, 0, 0, 0, 0}}},
        {"an owner that goes away drops its connections",
         {{CONNECT, 0, A, 100, 0, 1, 1},
          {CONNECT, 0, A, 100, 0, 2, 2},
          {CONNECT, 1, A, 100, 0, 3, 3},
          {OWNER_GONE, 0, NULL, 100, 0, 0, 0},
          {LOOKUP, 0, A, 100, 0, 1, 3},
          {CONNECT, 0, A, 100, 0, 2, 4},
          {END, 0, NULL, 0, 0, 0, 0}}},
        {"message and recipient rates",
         {{CONNECT, 0, A, 100, 0, 1, 1},
          {EVENT, 0, A, 101, ANVIL_RATE_MAIL, 0, 1},
          {EVENT, 0, A, 102, ANVIL_RATE_MAIL, 0, 2},
          {EVENT, 0, A, 102, ANVIL_RATE_RCPT, 0, 1},
          {EVENT, 0, A, 103, ANVIL_RATE_MAIL, 0, 3},
          {EVENT, 0, A, 200, ANVIL_RATE_MAIL, 0, 1},
          {PEEK, 0, A, 200, ANVIL_RATE_CONN, 0, 0},
          {PEEK, 0, A, 200, ANVIL_RATE_RCPT, 0, 0},
          {LOOKUP, 0, A, 200, 0, 1, 0},
          {END, 0, NULL, 0, 0, 0, 0}}},
        {"peek does not count",
         {{EVENT, 0, B, 100, ANVIL_RATE_NTLS, 0, 1},
          {PEEK, 0, B, 100, ANVIL_RATE_NTLS, 0, 1},
          {PEEK, 0, B, 100, ANVIL_RATE_NTLS, 0, 1},
          {EVENT, 0, B, 101, ANVIL_RATE_NTLS, 0, 2},
          {PEEK, 0, B, 170, ANVIL_RATE_NTLS, 0, 0},
          {PEEK, 0, A, 100, ANVIL_RATE_AUTH, 0, 0},
          {LOOKUP, 0, B, 170, 0, 0, 0},
          {END, 0, NULL, 0, 0, 0, 0}}},
        {"expire only quiet entries whose window ended",
         {{CONNECT, 0, A, 100, 0, 1, 1},
          {CONNECT, 0, B, 100, 0, 1, 1},
          {DISCONNECT, 0, B, 110, 0, 0, 0},
          {EXPIRE, 0, NULL, 150, 0, 2, 0},
          {EXPIRE, 0, NULL, 161, 0, 1, 1},
          {PEEK, 0, B, 161, ANVIL_RATE_CONN, 0, 0},
          {LOOKUP, 0, A, 161, 0, 1, 1},
          {EXPIRE, 0, NULL, 500, 0, 1, 0},
          {END, 0, NULL, 0, 0, 0, 0}}},
};

/* check_step - run one step and compare */
static void
check_step(struct anvil_table *t, struct anvil_owner **owners, const char *name,
           size_t n, const struct step *s)
{
	char what[200];
	const struct anvil_remote *r;
	struct anvil_owner **o = &owners[s->owner];

	snprintf(what, sizeof(what), "%s, step %zu", name, n);
	if (*o == NULL)
		*o = anvil_owner_create();
	switch (s->op) {
	case CONNECT:
		r = anvil_connect(t, *o, s->ident, s->now);
		CHECK_LONG(what, r->count, s->count);
		CHECK_LONG(what, r->rate[ANVIL_RATE_CONN], s->rate);
		break;
	case DISCONNECT:
		anvil_disconnect(t, *o, s->ident);
		break;
	case EVENT:
		CHECK_LONG(what, anvil_event(t, s->kind, s->ident, s->now),
		           s->rate);
		break;
	case PEEK:
		CHECK_LONG(what, anvil_peek(t, s->kind, s->ident, s->now),
		           s->rate);
		break;
	case LOOKUP:
		r = anvil_lookup(t, s->ident);
		CHECK_TRUE(what, r != NULL, "entry exists");
		CHECK_LONG(what, r->count, s->count);
		CHECK_LONG(what, r->rate[ANVIL_RATE_CONN], s->rate);
		break;
	case OWNER_GONE:
		*o = anvil_owner_free(t, *o);
		break;
	case EXPIRE:
		CHECK_LONG(what, (long) anvil_expire(t, s->now), s->rate);
		CHECK_LONG(what, (long) anvil_size(t), s->count);
		break;
	case END:
		break;
	}
}

/* test_scripts - each script on a fresh table, time unit 60s */
static void
test_scripts(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(scripts); i++) {
		struct anvil_table *t = anvil_table_create(60);
		struct anvil_owner *owners[2] = {NULL, NULL};

		for (size_t n = 0; scripts[i].steps[n].op != END; n++)
			check_step(t, owners, scripts[i].name, n,
			           &scripts[i].steps[n]);
		for (int k = 0; k < 2; k++)
			if (owners[k])
				anvil_owner_free(t, owners[k]);
		anvil_table_free(t);
	}
}

/* test_stats - the peak lines, then nothing until new events */
static void
test_stats(void **state)
{
	static const char *const want[] = {
	        "statistics: max connection rate 2/60s for (smtp:192.0.2.1) "
	        "at Jan  1 00:01:41",
	        "statistics: max connection count 2 for (smtp:192.0.2.1) at "
	        "Jan  1 00:01:41",
	        "statistics: max message rate 3/60s for (smtp:192.0.2.2) at "
	        "Jan  1 00:01:45",
	        "statistics: max recipient rate 1/60s for (smtp:192.0.2.2) at "
	        "Jan  1 00:01:46",
	        "statistics: max auth rate 1/60s for (smtp:192.0.2.1) at Jan  "
	        "1 "
	        "00:01:47",
	        "statistics: max cache size 2 at Jan  1 00:01:42",
	};
	struct anvil_table *t = anvil_table_create(60);
	struct anvil_owner *o = anvil_owner_create();
	struct argv *lines = argv_alloc(8);

	(void) state;
	setenv("TZ", "UTC", 1);
	tzset();
	anvil_connect(t, o, A, 100);
	anvil_connect(t, o, A, 101);
	anvil_event(t, ANVIL_RATE_MAIL, B, 102);
	anvil_event(t, ANVIL_RATE_MAIL, B, 103);
	anvil_event(t, ANVIL_RATE_MAIL, B, 105);
	anvil_event(t, ANVIL_RATE_RCPT, B, 106);
	anvil_event(t, ANVIL_RATE_AUTH, A, 107);
	anvil_stats(t, lines);
	CHECK_LONG("line count", (long) lines->argc, (long) NELEM(want));
	for (size_t i = 0; i < NELEM(want) && i < lines->argc; i++)
		CHECK_STR("stats line", lines->argv[i], want[i]);
	argv_free(lines);
	lines = argv_alloc(8);
	anvil_stats(t, lines);
	CHECK_LONG("after reset", (long) lines->argc, 0);
	anvil_event(t, ANVIL_RATE_NTLS, A, 108);
	anvil_stats(t, lines);
	CHECK_LONG("one new peak", (long) lines->argc, 1);
	CHECK_STR("ntls line", lines->argv[0],
	          "statistics: max new TLS sessions per unit time 1/60s for "
	          "(smtp:192.0.2.1) at Jan  1 00:01:48");
	argv_free(lines);
	anvil_owner_free(t, o);
	anvil_table_free(t);
}

/* test_bad_kind - a rate index out of range is a panic */
static void
bad_kind(const void *arg)
{
	struct anvil_table *t = anvil_table_create(60);

	(void) arg;
	anvil_event(t, ANVIL_RATE_COUNT, A, 100);
}

static void
test_bad_kind(void **state)
{
	struct child_result r;

	(void) state;
	child_run(bad_kind, NULL, &r);
	CHECK_TRUE("aborted", r.signo != 0, "killed by a signal");
	CHECK_TRUE("panic text",
	           strstr(vstr_str(r.log), "panic: anvil_event: bad rate") !=
	                   NULL,
	           "panic logged");
	child_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_scripts),
	        cmocka_unit_test(test_stats),
	        cmocka_unit_test(test_bad_kind),
	};

	return cmocka_run_group_tests_name("anvil_count", tests, NULL, NULL);
}
