/*
 * htable_test - unit tests for the string-keyed hash table
 */
#include "htable.h"
#include "testutil.h"

static int free_calls;

/* free_value - free_fn for values made with xstrdup() */
static void
free_value(void *value)
{
	xfree(value);
}

/* count_free - free_fn that counts and releases */
static void
count_free(void *value)
{
	free_calls++;
	xfree(value);
}

static const struct tcase {
	const char *name;
	const char *key;
	const char *value;
} entries[] = {
        {"simple key", "myhostname", "mail.example.com"},
        {"empty key", "", "empty"},
        {"key with spaces", "a key with spaces", "spaced"},
        {"binary-ish key", "\xc3\xa9t\xc3\xa9", "summer"},
        {"similar key 1", "ab", "first"},
        {"similar key 2", "ba", "second"},
        {"long key",
         "012345678901234567890123456789012345678901234567890123456789012345678"
         "9",
         "long"},
};

/* fill - a table with all entries, values owned by the table */
static struct htable *
fill(size_t size)
{
	struct htable *t = htable_create(size);

	for (size_t i = 0; i < NELEM(entries); i++)
		htable_enter(t, entries[i].key, xstrdup(entries[i].value));
	return t;
}

/* test_find - every key finds its own value */
static void
test_find(void **state)
{
	struct htable *t = fill(0);

	(void) state;
	for (size_t i = 0; i < NELEM(entries); i++) {
		const char *got = htable_find(t, entries[i].key);
		struct htable_info *ht = htable_locate(t, entries[i].key);

		CHECK_NSTR(entries[i].name, got, entries[i].value);
		CHECK_TRUE(entries[i].name, ht != NULL, "locate failed");
		CHECK_STR(entries[i].name, ht->key, entries[i].key);
		CHECK_TRUE(entries[i].name, ht->key != entries[i].key,
		           "key not copied");
	}
	CHECK_LONG("used", t->used, NELEM(entries));
	htable_free(t, free_value);
}

static const struct miss_case {
	const char *name;
	const char *key;
} misses[] = {
        {"absent key", "nothere"},          {"prefix of a key", "myhost"},
        {"key plus suffix", "myhostnamex"}, {"case differs", "MyHostname"},
        {"trailing space", "ab "},
};

/* test_miss - unknown keys give NULL */
static void
test_miss(void **state)
{
	struct htable *t = fill(0);

	(void) state;
	for (size_t i = 0; i < NELEM(misses); i++) {
		CHECK_NSTR(misses[i].name,
		           (const char *) htable_find(t, misses[i].key), NULL);
		CHECK_TRUE(misses[i].name,
		           htable_locate(t, misses[i].key) == NULL,
		           "locate found something");
	}
	htable_free(t, free_value);
}

/* test_key_copied - changing the caller's key buffer does not matter */
static void
test_key_copied(void **state)
{
	struct htable *t = htable_create(1);
	char key[] = "key";
	int value = 1;

	(void) state;
	htable_enter(t, key, &value);
	key[0] = 'X';
	CHECK_TRUE("key copied", htable_find(t, "key") == &value,
	           "original key no longer found");
	CHECK_TRUE("key copied", htable_find(t, key) == NULL,
	           "changed key found");
	htable_free(t, NULL);
}

/* test_grow_and_list - many entries: all found, listed in insertion order */
static void
test_grow_and_list(void **state)
{
	struct htable *t = htable_create(0);
	struct htable_info **list;
	char key[32];
	size_t n;

	(void) state;
	for (size_t i = 0; i < 5000; i++) {
		/* Reverse-ish order so that hash order is not insertion order.
		 */
		snprintf(key, sizeof(key), "k%zu", (i * 7919) % 5000);
		htable_enter(t, key, xstrdup(key));
	}
	CHECK_LONG("grow used", t->used, 5000);
	CHECK_TRUE("grow size", t->size >= 5000, "table did not grow");
	for (size_t i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		CHECK_NSTR("grow find", (const char *) htable_find(t, key),
		           key);
	}
	list = htable_list(t);
	for (n = 0; list[n]; n++) {
		snprintf(key, sizeof(key), "k%zu", (n * 7919) % 5000);
		CHECK_STR("list order", list[n]->key, key);
	}
	CHECK_LONG("list length", n, 5000);
	xfree(list);
	free_calls = 0;
	htable_free(t, count_free);
	CHECK_LONG("free calls", free_calls, 5000);
}

/* test_list_empty - an empty table lists as just the terminator */
static void
test_list_empty(void **state)
{
	struct htable *t = htable_create(5);
	struct htable_info **list = htable_list(t);

	(void) state;
	CHECK_TRUE("empty list", list[0] == NULL, "not empty");
	xfree(list);
	htable_free(t, NULL);
	CHECK_TRUE("free NULL", htable_free(NULL, NULL) == NULL, "not NULL");
}

static const struct delete_case {
	const char *name;
	const char *key;
	int want_free_calls;
	size_t want_used;
	const char *want_list; /* keys in order, '|' separated */
} deletes[] = {
        {"delete first", "myhostname", 1, NELEM(entries) - 1,
         "|a key with "
         "spaces|\xc3\xa9t\xc3\xa9|ab|ba|"
         "012345678901234567890123456789012345678901234567890123456789012345678"
         "9"},
        {"delete middle", "ab", 1, NELEM(entries) - 1,
         "myhostname||a key with "
         "spaces|\xc3\xa9t\xc3\xa9|ba|"
         "012345678901234567890123456789012345678901234567890123456789012345678"
         "9"},
        {"delete empty key", "", 1, NELEM(entries) - 1,
         "myhostname|a key with "
         "spaces|\xc3\xa9t\xc3\xa9|ab|ba|"
         "012345678901234567890123456789012345678901234567890123456789012345678"
         "9"},
        {"delete absent", "nothere", 0, NELEM(entries),
         "myhostname||a key with "
         "spaces|\xc3\xa9t\xc3\xa9|ab|ba|"
         "012345678901234567890123456789012345678901234567890123456789012345678"
         "9"},
};

/* list_keys - "k1|k2|..." in list order; caller frees */
static char *
list_keys(const struct htable *t)
{
	struct htable_info **list = htable_list(t);
	struct vstr *out = vstr_alloc(100);

	for (size_t i = 0; list[i]; i++) {
		if (i > 0)
			vstr_addch(out, '|');
		vstr_cat(out, list[i]->key);
	}
	xfree(list);
	return vstr_export(out);
}

/* test_delete - removal, free_fn, order of the rest */
static void
test_delete(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(deletes); i++) {
		const struct delete_case *tc = &deletes[i];
		struct htable *t = fill(0);
		char *keys;

		free_calls = 0;
		htable_delete(t, tc->key, count_free);
		CHECK_LONG(tc->name, free_calls, tc->want_free_calls);
		CHECK_LONG(tc->name, t->used, tc->want_used);
		CHECK_TRUE(tc->name, htable_locate(t, tc->key) == NULL,
		           "key still present");
		keys = list_keys(t);
		CHECK_STR(tc->name, keys, tc->want_list);
		xfree(keys);
		/* The key can be entered again, and is then listed last. */
		htable_enter(t, tc->key, xstrdup("again"));
		CHECK_NSTR(tc->name, (const char *) htable_find(t, tc->key),
		           "again");
		htable_free(t, free_value);
	}
}

/* test_delete_null_free - free_fn NULL leaves the value alone */
static void
test_delete_null_free(void **state)
{
	struct htable *t = htable_create(0);
	int value = 7;

	(void) state;
	htable_enter(t, "k", &value);
	htable_delete(t, "k", NULL);
	CHECK_LONG("value untouched", value, 7);
	CHECK_LONG("used", t->used, 0);
	htable_free(t, NULL);
}

/* enter_duplicate - child: enter the same key twice */
static void
enter_duplicate(const void *arg)
{
	struct htable *t = htable_create(0);

	(void) arg;
	htable_enter(t, "dup", NULL);
	htable_enter(t, "dup", NULL);
	htable_free(t, NULL);
}

/* test_duplicate - entering an existing key is a broken invariant */
static void
test_duplicate(void **state)
{
	struct child_result r;

	(void) state;
	child_run(enter_duplicate, NULL, &r);
	CHECK_CHILD("duplicate key", r, "signal 6",
	            "panic: htable_enter: duplicate key \"dup\"");
	child_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_find),
	        cmocka_unit_test(test_miss),
	        cmocka_unit_test(test_key_copied),
	        cmocka_unit_test(test_grow_and_list),
	        cmocka_unit_test(test_list_empty),
	        cmocka_unit_test(test_delete),
	        cmocka_unit_test(test_delete_null_free),
	        cmocka_unit_test(test_duplicate),
	};

	return cmocka_run_group_tests_name("htable", tests, NULL, NULL);
}
