#ifndef TABLETEST_H
#define TABLETEST_H
/*
 * NAME
 *	tabletest - helpers for the tests of rule-file lookup tables
 * SUMMARY
 *	int table_setup(void **state);  int table_teardown(void **state);
 *	struct dict *table_open(const char *type, const char *text);
 *	const char *table_get(struct dict *d, const char *key);
 *	void table_check_lookups(const char *type,
 *	    const struct lookup_case *cases, size_t n);
 *	void table_check_warnings(const char *type,
 *	    const struct warn_case *cases, size_t n);
 * DESCRIPTION
 *	table_setup() makes a private directory and starts a log capture
 *	(table_logs); table_teardown() undoes both.
 *
 *	table_open() writes text to the file "table" in that directory
 *	(table_path) and opens "type:table_path" read-only; the test fails
 *	when it cannot. table_get() returns the value, NULL when the key is
 *	not found, or "<error: reason>".
 *
 *	table_check_lookups() runs each case with a fresh table and fails
 *	on a wrong result or on any warning. table_check_warnings() runs
 *	each case and fails unless the log has "warning: TYPE map PATH,
 *	line N: TEXT" (and the second text when given), and unless the key
 *	then gives the wanted result: a table with bad rules still opens.
 */
#include <fcntl.h>

#include "dict.h"
#include "testutil.h"

struct lookup_case {
	const char *name;
	const char *table;
	const char *key;
	const char *want; /* NULL: not found */
};

struct warn_case {
	const char *name;
	const char *table;
	size_t line;          /* the line the warning names */
	const char *warning;  /* text after "TYPE map PATH, line N: " */
	const char *warning2; /* a second warning, or NULL */
	const char *key;      /* then this key gives want */
	const char *want;
};

static char *table_dir;
static char *table_path;
static struct log_capture table_logs;
static struct vstr *table_buf;

/* table_setup - a private directory and a log capture per test */
static inline int
table_setup(void **state)
{
	(void) state;
	table_dir = tmpdir_create();
	table_buf = vstr_alloc(100);
	capture_start(&table_logs);
	return 0;
}

/* table_teardown - remove them */
static inline int
table_teardown(void **state)
{
	(void) state;
	capture_stop(&table_logs);
	tmpdir_remove(table_dir);
	table_dir = NULL;
	table_path = xfree(table_path);
	table_buf = vstr_free(table_buf);
	return 0;
}

/* table_open - write the table file and open it */
static inline struct dict *
table_open(const char *type, const char *text)
{
	struct vstr *name = vstr_alloc(100), *why = vstr_alloc(100);
	struct dict *d;

	xfree(table_path);
	table_path = file_write(table_dir, "table", text);
	vstr_fmt(name, "%s:%s", type, table_path);
	d = dict_open_checked(vstr_str(name), O_RDONLY, DICT_FLAG_DEFAULT, why);
	if (d == NULL)
		fail_msg("open %s: %s", vstr_str(name), vstr_str(why));
	vstr_free(name);
	vstr_free(why);
	return d;
}

/* table_get - value, NULL when not found, "<error: ...>" on error */
static inline const char *
table_get(struct dict *d, const char *key)
{
	const char *value = NULL;

	switch (dict_get(d, key, &value)) {
	case DICT_FOUND:
		return value;
	case DICT_NOTFOUND:
		return NULL;
	default:
		vstr_fmt(table_buf, "<error: %s>", vstr_str(d->why));
		return vstr_str(table_buf);
	}
}

/* table_check_lookups - each case: the result, and no warning */
static inline void
table_check_lookups(const char *type, const struct lookup_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct lookup_case *tc = &cases[i];
		struct dict *d;

		capture_reset(&table_logs);
		d = table_open(type, tc->table);
		CHECK_NSTR(tc->name, table_get(d, tc->key), tc->want);
		if (table_logs.count[MSG_WARN] != 0)
			fail_msg("%s: got warnings \"%s\", want none", tc->name,
			         vstr_str(table_logs.text));
		dict_close(d);
	}
}

/* table_want_log - the log has the warning for that file and line */
static inline void
table_want_log(const char *type, const char *name, size_t line,
               const char *text)
{
	struct vstr *want = vstr_alloc(100);

	vstr_fmt(want, "warning: %s map %s, line %zu: %s\n", type, table_path,
	         line, text);
	if (!capture_has(&table_logs, vstr_str(want)))
		fail_msg("%s: got log \"%s\", want \"%s\"", name,
		         vstr_str(table_logs.text), vstr_str(want));
	vstr_free(want);
}

/* table_check_warnings - each case: the warnings, then a lookup */
static inline void
table_check_warnings(const char *type, const struct warn_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct warn_case *tc = &cases[i];
		struct dict *d;

		capture_reset(&table_logs);
		d = table_open(type, tc->table);
		table_want_log(type, tc->name, tc->line, tc->warning);
		if (tc->warning2)
			table_want_log(type, tc->name, tc->line, tc->warning2);
		CHECK_NSTR(tc->name, table_get(d, tc->key), tc->want);
		dict_close(d);
	}
}

/* table_open_fails - opening type:name with open_flags gives why */
static inline void
table_open_fails(const char *type, const char *name, int open_flags,
                 const char *want_why)
{
	struct vstr *tn = vstr_alloc(100), *why = vstr_alloc(100);
	struct dict *d;

	vstr_fmt(tn, "%s:%s", type, name);
	d = dict_open_checked(vstr_str(tn), open_flags, DICT_FLAG_DEFAULT, why);
	if (d != NULL)
		fail_msg("%s: got a table, want an error", vstr_str(tn));
	if (strstr(vstr_str(why), want_why) == NULL)
		fail_msg("%s: got \"%s\", want \"%s\"", vstr_str(tn),
		         vstr_str(why), want_why);
	vstr_free(tn);
	vstr_free(why);
}

/*
 * table_check_open - what every rule-file type does: read-only, open
 * errors, pattern flags, change detection, unsupported operations. The
 * table text must map key to want.
 */
static inline void
table_check_open(const char *type, const char *text, const char *key,
                 const char *want)
{
	struct dict *d;
	const char *k, *v;
	char *changed;

	table_open_fails(type, "/nonexistent/table", O_RDONLY,
	                 "No such file or directory");
	d = table_open(type, text);
	CHECK_NSTR("lookup", table_get(d, key), want);
	CHECK_TRUE("pattern flag", d->flags & DICT_FLAG_PATTERN, "not set");
	CHECK_TRUE("fixed fold", !(d->flags & DICT_FLAG_FOLD_FIX), "set");
	CHECK_STR("type", d->type, type);
	CHECK_LONG("put", dict_put(d, "k", "v"), DICT_ERROR);
	CHECK_LONG("del", dict_del(d, "k"), DICT_ERROR);
	CHECK_LONG("seq", dict_seq(d, DICT_SEQ_FIRST, &k, &v), DICT_ERROR);
	CHECK_NSTR("unchanged", dict_changed(), NULL);
	xfree(file_write(table_dir, "table", "# edited, and longer\n"));
	changed = xstrdup(dict_changed() ? dict_changed() : "(null)");
	CHECK_STR("changed", changed, table_path);
	xfree(changed);
	dict_close(d);
	CHECK_NSTR("closed", dict_changed(), NULL);
	table_open_fails(type, table_path, O_RDWR, "read-only");
	table_open_fails(type, table_path, O_WRONLY, "read-only");
	table_open_fails(type, table_path, O_RDWR | O_CREAT, "read-only");
}

#endif
