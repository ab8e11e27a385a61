#ifndef TESTDICT_H
#define TESTDICT_H
/*
 * NAME
 *	testdict - lookup table types for tests of the table users
 * SUMMARY
 *	void testdict_register(void);
 *	extern struct vstr *testdict_log;
 * DESCRIPTION
 *	testdict_register() adds three table types that only tests use:
 *
 *	record:NAME	a fixed-string table that has no keys; every lookup
 *			appends "NAME:key " to testdict_log, so a test can
 *			check the exact order of the keys a walk tries.
 *	recpat:NAME	the same as a pattern table (DICT_FLAG_PATTERN), to
 *			show which keys pattern tables are (not) given.
 *	testpat:TEXT	a pattern table that has every key containing TEXT,
 *			with the value "pat(key)".
 *
 *	testdict_log is created by testdict_register(); tests reset it.
 */
#include <string.h>

#include "dict.h"
#include "mymalloc.h"
#include "vstr.h"

static struct vstr *testdict_log;

struct testdict {
	struct dict dict;
	struct vstr *value;
};

/* testdict_record - log the key, find nothing */
static inline int
testdict_record(struct dict *d, const char *key, const char **value)
{
	(void) value;
	vstr_fmt_append(testdict_log, "%s:%s ", d->name, key);
	return DICT_NOTFOUND;
}

/* testdict_pattern - every key that contains the table name */
static inline int
testdict_pattern(struct dict *d, const char *key, const char **value)
{
	struct testdict *t = (struct testdict *) d;

	if (strstr(key, d->name) == NULL)
		return DICT_NOTFOUND;
	vstr_fmt(t->value, "pat(%s)", key);
	*value = vstr_str(t->value);
	return DICT_FOUND;
}

/* testdict_close - release the value buffer */
static inline void
testdict_close(struct dict *d)
{
	vstr_free(((struct testdict *) d)->value);
}

/* testdict_make - a table of one of the test types */
static inline struct dict *
testdict_make(const char *type, const char *name, int open_flags,
              int dict_flags, int type_flag,
              int (*fn)(struct dict *, const char *, const char **))
{
	struct testdict *t = (struct testdict *) dict_alloc(
	        type, name, sizeof(*t), open_flags, dict_flags | type_flag);

	t->value = vstr_alloc(50);
	t->dict.lookup = fn;
	t->dict.close = testdict_close;
	return &t->dict;
}

/* testdict_record_open - record:NAME */
static inline struct dict *
testdict_record_open(const char *name, int open_flags, int dict_flags,
                     struct vstr *why)
{
	(void) why;
	return testdict_make("record", name, open_flags, dict_flags,
	                     DICT_FLAG_FIXED, testdict_record);
}

/* testdict_recpat_open - recpat:NAME */
static inline struct dict *
testdict_recpat_open(const char *name, int open_flags, int dict_flags,
                     struct vstr *why)
{
	(void) why;
	return testdict_make("recpat", name, open_flags, dict_flags,
	                     DICT_FLAG_PATTERN, testdict_record);
}

/* testdict_testpat_open - testpat:TEXT */
static inline struct dict *
testdict_testpat_open(const char *name, int open_flags, int dict_flags,
                      struct vstr *why)
{
	(void) why;
	return testdict_make("testpat", name, open_flags, dict_flags,
	                     DICT_FLAG_PATTERN, testdict_pattern);
}

/* testdict_register - add the test types */
static inline void
testdict_register(void)
{
	dict_init();
	dict_register("record", testdict_record_open);
	dict_register("recpat", testdict_recpat_open);
	dict_register("testpat", testdict_testpat_open);
	if (testdict_log == NULL)
		testdict_log = vstr_alloc(200);
}

#endif
