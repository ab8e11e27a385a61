/*
 * dict_sqlite_test - sqlite: tables over a database made in a private
 * directory
 */
#include <fcntl.h>
#include <sqlite3.h>

#include "dict.h"
#include "dict_types.h"
#include "testutil.h"

static char *tmpdir;
static struct log_capture logs;

static const char schema[] =
        "CREATE TABLE a (k TEXT, v TEXT);"
        "INSERT INTO a VALUES ('a@example.com', 'A2'), ('a@example.com', 'A1'),"
        " ('b', 'B'), ('x''y', 'quote'), ('empty', ''), ('n', NULL),"
        " ('example.com', 'dom'), ('a', 'locA'), ('x@y', 'z@w.org'),"
        " ('multi', 'one'), ('multi', NULL), ('multi', ''), ('multi', 'two'),"
        " ('q@r', 'plain'), ('q@r', 'p@s.org');"
        "CREATE TABLE ids (id INTEGER, name TEXT);"
        "INSERT INTO ids VALUES (5, 'five');";

/* group_setup - the database and a domain list file */
static int
group_setup(void **state)
{
	struct vstr *path = vstr_alloc(100);
	char *err = NULL, *file;
	sqlite3 *db;

	(void) state;
	tmpdir = tmpdir_create();
	vstr_fmt(path, "%s/t.db", tmpdir);
	if (sqlite3_open(vstr_str(path), &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("create %s: %s", vstr_str(path),
		         err ? err : sqlite3_errmsg(db));
	sqlite3_close(db);
	vstr_free(path);
	file = file_write(tmpdir, "domains",
	                  "# domains\nexample.net\n\texample.info,\n"
	                  "!no.example.org example.org\n");
	xfree(file);
	return 0;
}

/* group_teardown - remove the directory */
static int
group_teardown(void **state)
{
	(void) state;
	tmpdir_remove(tmpdir);
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

/* subst - text with @DIR@ replaced by the test directory */
static char *
subst(const char *text)
{
	struct vstr *out = vstr_alloc(100);
	const char *cp, *hit;

	for (cp = text; (hit = strstr(cp, "@DIR@")) != NULL; cp = hit + 5) {
		vstr_cat_mem(out, cp, (size_t) (hit - cp));
		vstr_cat(out, tmpdir);
	}
	vstr_cat(out, cp);
	return vstr_export(out);
}

/* write_cf - DIR/q.cf with dbpath and the given lines; returns its path */
static char *
write_cf(const char *lines)
{
	struct vstr *text = vstr_alloc(100);
	char *body = subst(lines), *path;

	vstr_fmt(text, "dbpath = %s/t.db\n%s\n", tmpdir, body);
	path = file_write(tmpdir, "q.cf", vstr_str(text));
	xfree(body);
	vstr_free(text);
	return path;
}

/* open_cf - open sqlite:PATH or fail the test */
static struct dict *
open_cf(const char *name, const char *path)
{
	struct vstr *type_name = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	struct dict *d;

	vstr_fmt(type_name, "sqlite:%s", path);
	d = dict_open_checked(vstr_str(type_name), O_RDONLY, DICT_FLAG_DEFAULT,
	                      why);
	if (d == NULL)
		fail_msg("%s: open: %s", name, vstr_str(why));
	vstr_free(type_name);
	vstr_free(why);
	return d;
}

#define Q(text) "query = " text

static const struct tcase {
	const char *name;
	const char *cf; /* lines after dbpath */
	const char *key;
	int want_rc;
	const char *want; /* value, or text in the reason of DICT_ERROR */
} cases[] = {
        /* Expansions, shown by selecting them. */
        {"%s", Q("SELECT '%s'"), "user@example.com", DICT_FOUND,
         "user@example.com"},
        {"all parts", Q("SELECT '%u|%d|%1|%2|%3|%S|%U|%D|%%'"),
         "user@mail.example.com", DICT_FOUND,
         "user|mail.example.com|com|example|mail|user@mail.example.com|user|"
         "mail.example.com|%"},
        {"key is folded", Q("SELECT '%s'"), "User@Example.COM", DICT_FOUND,
         "user@example.com"},
        {"%u without @ is the key", Q("SELECT '%u'"), "plain", DICT_FOUND,
         "plain"},
        {"%u empty suppresses", Q("SELECT '%u'"), "@example.com", DICT_NOTFOUND,
         NULL},
        {"%U empty suppresses", Q("SELECT '%s' WHERE '%U' = ''"),
         "@example.com", DICT_NOTFOUND, NULL},
        {"%d without @ suppresses", Q("SELECT 'x' WHERE '%d' <> ''"), "plain",
         DICT_NOTFOUND, NULL},
        {"%d empty suppresses", Q("SELECT '%d'"), "user@", DICT_NOTFOUND, NULL},
        {"%D without @ suppresses", Q("SELECT '%s%D'"), "plain", DICT_NOTFOUND,
         NULL},
        {"%3 beyond the labels", Q("SELECT '%3'"), "u@example.com",
         DICT_NOTFOUND, NULL},
        {"%1 without @", Q("SELECT '%1'"), "example.com", DICT_NOTFOUND, NULL},
        {"%9 deep", Q("SELECT '%9'"), "u@i.h.g.f.e.d.c.b.a", DICT_FOUND, "i"},
        {"empty labels skipped", Q("SELECT '%2.%1'"), "u@a..b.", DICT_FOUND,
         "a.b"},
        {"last @ splits", Q("SELECT '%u/%d'"), "a@b@c", DICT_FOUND, "a@b/c"},
        {"two expansions, one string", Q("SELECT v FROM a WHERE k = '%u@%d'"),
         "a@example.com", DICT_FOUND, "A2,A1"},
        {"doubled quote in string", Q("SELECT v FROM a WHERE k = 'x''%s'"), "y",
         DICT_FOUND, "quote"},
        {"double-quoted string", Q("SELECT v FROM a WHERE k = \"%s\""), "b",
         DICT_FOUND, "B"},
        {"unquoted expansion", Q("SELECT v FROM a WHERE k = %s"), "b",
         DICT_FOUND, "B"},
        {"unquoted number", Q("SELECT name FROM ids WHERE id = %s"), "5",
         DICT_FOUND, "five"},
        {"plain string kept", Q("SELECT v FROM a WHERE k = 'b' OR k = '%s'"),
         "nothing", DICT_FOUND, "B"},
        {"%% in LIKE", Q("SELECT v FROM a WHERE k LIKE '%s%%' ORDER BY v"),
         "a@ex", DICT_FOUND, "A1,A2"},
        {"%% as an operator", Q("SELECT 7 %% 3 WHERE '%s' <> ''"), "b",
         DICT_FOUND, "1"},
        {"[identifier]", Q("SELECT v FROM [a] WHERE k = '%s'"), "b", DICT_FOUND,
         "B"},
        {"line comment suppresses", Q("SELECT v FROM a WHERE k = '%s' -- %d"),
         "b", DICT_NOTFOUND, NULL},
        {"line comment passes", Q("SELECT v FROM a WHERE k = '%s' -- %d"),
         "q@r", DICT_FOUND, "plain,p@s.org"},
        {"block comment suppresses",
         Q("SELECT v FROM a /* %u */ WHERE k = '%s'"), "@example.com",
         DICT_NOTFOUND, NULL},
        {"continued query", "query = SELECT v\n  FROM a\n  WHERE k = '%s'", "b",
         DICT_FOUND, "B"},
        {"legacy query",
         "select_field = v\ntable = a\nwhere_field = k\n"
         "additional_conditions = AND v LIKE 'A%%'",
         "a@example.com", DICT_FOUND, "A2,A1"},
        {"query wins over legacy",
         Q("SELECT 'q'") "\nselect_field = v\ntable = a\nwhere_field = k", "b",
         DICT_FOUND, "q"},
        /* Keys never change the statement. */
        {"quote in key", Q("SELECT v FROM a WHERE k = '%s'"), "x'y", DICT_FOUND,
         "quote"},
        {"injection, quoted", Q("SELECT v FROM a WHERE k = '%s'"),
         "x' OR '1'='1", DICT_NOTFOUND, NULL},
        {"injection, comment", Q("SELECT v FROM a WHERE k = '%s'"), "b'--",
         DICT_NOTFOUND, NULL},
        {"injection, statement", Q("SELECT v FROM a WHERE k = '%s'"),
         "b'; DROP TABLE a; --", DICT_NOTFOUND, NULL},
        {"injection, double quotes", Q("SELECT v FROM a WHERE k = \"%s\""),
         "b\" OR \"1\"=\"1", DICT_NOTFOUND, NULL},
        {"injection, unquoted", Q("SELECT v FROM a WHERE k = %s"), "b OR 1=1",
         DICT_NOTFOUND, NULL},
        {"table survived", Q("SELECT v FROM a WHERE k = '%s'"), "b", DICT_FOUND,
         "B"},
        /* Results. */
        {"two rows", Q("SELECT v FROM a WHERE k = '%s' ORDER BY v"),
         "a@example.com", DICT_FOUND, "A1,A2"},
        {"NULL and empty skipped", Q("SELECT v FROM a WHERE k = '%s'"), "multi",
         DICT_FOUND, "one,two"},
        {"only empty", Q("SELECT v FROM a WHERE k = '%s'"), "empty",
         DICT_NOTFOUND, NULL},
        {"only NULL", Q("SELECT v FROM a WHERE k = '%s'"), "n", DICT_NOTFOUND,
         NULL},
        {"no row", Q("SELECT v FROM a WHERE k = '%s'"), "nope", DICT_NOTFOUND,
         NULL},
        {"number result", Q("SELECT id FROM ids WHERE name = '%s'"), "five",
         DICT_FOUND, "5"},
        {"result_format",
         Q("SELECT v FROM a WHERE k = '%s' ORDER BY v") "\nresult_format = "
                                                        "<%s>",
         "a@example.com", DICT_FOUND, "<A1>,<A2>"},
        {"result %u %d",
         Q("SELECT v FROM a WHERE k = '%s'") "\nresult_format = %u at %d",
         "x@y", DICT_FOUND, "z at w.org"},
        {"result %d skips unqualified",
         Q("SELECT v FROM a WHERE k = '%s'") "\nresult_format = %d", "q@r",
         DICT_FOUND, "s.org"},
        {"result %u of unqualified",
         Q("SELECT v FROM a WHERE k = '%s'") "\nresult_format = [%u]", "q@r",
         DICT_FOUND, "[plain],[p]"},
        {"result %d none qualified",
         Q("SELECT v FROM a WHERE k = '%s'") "\nresult_format = %d",
         "a@example.com", DICT_NOTFOUND, NULL},
        {"result key parts",
         Q("SELECT v FROM a WHERE k = '%s'") "\nresult_format = "
                                             "%S:%U:%D:%1:%%:%s",
         "x@y", DICT_FOUND, "x@y:x:y:y:%:z@w.org"},
        {"result key part missing",
         Q("SELECT v FROM a WHERE k = '%s'") "\nresult_format = %s@%D", "b",
         DICT_NOTFOUND, NULL},
        {"expansion_limit exceeded",
         Q("SELECT v FROM a WHERE k = '%s'") "\nexpansion_limit = 1",
         "a@example.com", DICT_ERROR,
         "expansion limit 1 exceeded for key \"a@example.com\""},
        {"expansion_limit met",
         Q("SELECT v FROM a WHERE k = '%s'") "\nexpansion_limit = 1", "b",
         DICT_FOUND, "B"},
        {"expansion_limit counts results",
         Q("SELECT v FROM a WHERE k = '%s'") "\nexpansion_limit = 2", "multi",
         DICT_FOUND, "one,two"},
        {"expansion_limit 0 is none",
         Q("SELECT v FROM a WHERE k = '%s'") "\nexpansion_limit = 0", "multi",
         DICT_FOUND, "one,two"},
        /* The domain filter. */
        {"domain listed", Q("SELECT 'hit'") "\ndomain = example.com",
         "a@example.com", DICT_FOUND, "hit"},
        {"domain case", Q("SELECT 'hit'") "\ndomain = Example.COM",
         "A@EXAMPLE.com", DICT_FOUND, "hit"},
        {"domain not listed", Q("SELECT 'hit'") "\ndomain = example.com",
         "a@example.org", DICT_NOTFOUND, NULL},
        {"domain no subdomains", Q("SELECT 'hit'") "\ndomain = example.com",
         "a@sub.example.com", DICT_NOTFOUND, NULL},
        {"domain bare key", Q("SELECT 'hit'") "\ndomain = example.com",
         "example.com", DICT_NOTFOUND, NULL},
        {"domain empty local part", Q("SELECT 'hit'") "\ndomain = example.com",
         "@example.com", DICT_NOTFOUND, NULL},
        {"domain second of list",
         Q("SELECT 'hit'") "\ndomain = example.org, example.com",
         "a@example.com", DICT_FOUND, "hit"},
        {"domain negated",
         Q("SELECT 'hit'") "\ndomain = !no.example.com, no.example.com",
         "a@no.example.com", DICT_NOTFOUND, NULL},
        {"domain table", Q("SELECT 'hit'") "\ndomain = inline:{example.org=1}",
         "a@example.org", DICT_FOUND, "hit"},
        {"domain table miss",
         Q("SELECT 'hit'") "\ndomain = inline:{example.org=1}", "a@example.com",
         DICT_NOTFOUND, NULL},
        {"domain table error", Q("SELECT 'hit'") "\ndomain = fail:dom",
         "a@example.com", DICT_ERROR,
         "domain table: fail:dom: table lookup failed on purpose"},
        {"domain file", Q("SELECT 'hit'") "\ndomain = @DIR@/domains",
         "a@example.info", DICT_FOUND, "hit"},
        {"domain file negated", Q("SELECT 'hit'") "\ndomain = @DIR@/domains",
         "a@no.example.org", DICT_NOTFOUND, NULL},
        {"domain file miss", Q("SELECT 'hit'") "\ndomain = @DIR@/domains",
         "a@example.com", DICT_NOTFOUND, NULL},
        /* SQL errors are temporary. */
        {"no such table", Q("SELECT v FROM nosuch WHERE k = '%s'"), "b",
         DICT_ERROR, "SQL prepare failed: no such table: nosuch"},
        {"syntax error", Q("SELEKT '%s'"), "b", DICT_ERROR,
         "SQL prepare failed: near \"SELEKT\": syntax error"},
        {"own parameter", Q("SELECT v FROM a WHERE k = ? OR k = '%s'"), "b",
         DICT_ERROR, "query has SQL parameters of its own"},
        {"own named parameter", Q("SELECT v FROM a WHERE k = :k"), "b",
         DICT_ERROR, "query has SQL parameters of its own"},
        {"two statements", Q("SELECT v FROM a WHERE k = '%s'; SELECT 1"), "b",
         DICT_ERROR, "query has more than one statement"},
        {"trailing semicolon", Q("SELECT v FROM a WHERE k = '%s';"), "b",
         DICT_FOUND, "B"},
        {"database is read-only", Q("DELETE FROM a WHERE k = '%s'"), "b",
         DICT_ERROR, "SQL query failed: attempt to write a readonly database"},
        {"row not deleted", Q("SELECT v FROM a WHERE k = '%s'"), "b",
         DICT_FOUND, "B"},
        {"error while stepping",
         Q("SELECT v FROM a WHERE k = '%s' AND abs(-9223372036854775807 - 1)"),
         "b", DICT_ERROR, "SQL query failed: integer overflow"},
};

/* test_lookups - one table per case */
static void
test_lookups(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *tc = &cases[i];
		char *path = write_cf(tc->cf);
		struct dict *d = open_cf(tc->name, path);
		const char *value = NULL;
		int rc = dict_get(d, tc->key, &value);

		CHECK_LONG(tc->name, rc, tc->want_rc);
		if (rc == DICT_FOUND)
			CHECK_STR(tc->name, value, tc->want);
		if (rc == DICT_ERROR)
			CHECK_TRUE(tc->name, strstr(vstr_str(d->why), tc->want),
			           vstr_str(d->why));
		dict_close(d);
		xfree(path);
	}
	CHECK_LONG("no warnings", logs.count[MSG_WARN], 0);
}

/* test_repeat - one prepared statement through many lookups */
static void
test_repeat(void **state)
{
	static const struct {
		const char *key;
		int rc;
		const char *want;
	} steps[] = {
	        {"b", DICT_FOUND, "B"},
	        {"nope", DICT_NOTFOUND, NULL},
	        {"a@example.com", DICT_ERROR, "expansion limit 1"},
	        {"x'y", DICT_FOUND, "quote"},
	        {"", DICT_NOTFOUND, NULL},
	        {"b", DICT_FOUND, "B"},
	        {"a@example.com", DICT_ERROR, "expansion limit 1"},
	        {"a", DICT_FOUND, "locA"},
	};
	char *path = write_cf(
	        Q("SELECT v FROM a WHERE k = '%s'") "\n"
	                                            "expansion_limit = 1");
	struct dict *d = open_cf("repeat", path);

	(void) state;
	for (size_t i = 0; i < NELEM(steps); i++) {
		const char *value = NULL;
		int rc = dict_get(d, steps[i].key, &value);

		CHECK_LONG(steps[i].key, rc, steps[i].rc);
		if (rc == DICT_FOUND)
			CHECK_STR(steps[i].key, value, steps[i].want);
		if (rc == DICT_ERROR)
			CHECK_TRUE(steps[i].key,
			           strstr(vstr_str(d->why), steps[i].want),
			           vstr_str(d->why));
	}
	dict_close(d);
	xfree(path);
}

static const struct open_case {
	const char *name;
	const char *cf; /* whole file; NULL: no file */
	int open_flags;
	const char *want; /* @CF@ is the file, @DIR@ the directory */
} open_cases[] = {
        {"no file", NULL, O_RDONLY, "open @CF@: No such file or directory"},
        {"read-write", "dbpath = x\n", O_RDWR,
         "sqlite:@CF@: table is read-only"},
        {"no equals sign", "dbpath = @DIR@/t.db\nquery\n", O_RDONLY,
         "@CF@, line 2: missing '=' after attribute name"},
        {"leading white space", "  dbpath = @DIR@/t.db\n", O_RDONLY,
         "@CF@, line 1: text starts with white space"},
        {"no dbpath", "query = SELECT 1\n", O_RDONLY,
         "@CF@: dbpath is not set"},
        {"empty dbpath", "dbpath =\nquery = SELECT 1\n", O_RDONLY,
         "@CF@: dbpath is not set"},
        {"no query", "dbpath = @DIR@/t.db\ntable = a\n", O_RDONLY,
         "@CF@: need query, or select_field, table and where_field"},
        {"bad expansion", "dbpath = @DIR@/t.db\nquery = SELECT '%x'\n",
         O_RDONLY, "@CF@: invalid % expansion in query \"SELECT '%x'\""},
        {"bad bare expansion", "dbpath = @DIR@/t.db\nquery = SELECT %x\n",
         O_RDONLY, "@CF@: invalid % expansion in query \"SELECT %x\""},
        {"trailing percent", "dbpath = @DIR@/t.db\nquery = SELECT 1 %\n",
         O_RDONLY, "@CF@: invalid % expansion in query \"SELECT 1 %\""},
        {"bad expansion in comment",
         "dbpath = @DIR@/t.db\nquery = SELECT 1 -- %q\n", O_RDONLY,
         "@CF@: invalid % expansion in query \"SELECT 1 -- %q\""},
        {"unterminated string", "dbpath = @DIR@/t.db\nquery = SELECT '%s\n",
         O_RDONLY, "@CF@: unterminated quoted string in query \"SELECT '%s\""},
        {"expansion in identifier",
         "dbpath = @DIR@/t.db\nquery = SELECT v FROM [a%s]\n", O_RDONLY,
         "@CF@: expansion inside a quoted identifier in query \"SELECT v "
         "FROM [a%s]\""},
        {"unterminated identifier",
         "dbpath = @DIR@/t.db\nquery = SELECT v FROM `a\n", O_RDONLY,
         "@CF@: unterminated quoted identifier in query \"SELECT v FROM "
         "`a\""},
        {"bad result_format",
         "dbpath = @DIR@/t.db\nquery = SELECT 1\nresult_format = %s%\n",
         O_RDONLY, "@CF@: invalid result_format: \"%s%\""},
        {"empty result_format",
         "dbpath = @DIR@/t.db\nquery = SELECT 1\nresult_format =\n", O_RDONLY,
         "@CF@: invalid result_format: \"\""},
        {"bad expansion_limit",
         "dbpath = @DIR@/t.db\nquery = SELECT 1\nexpansion_limit = many\n",
         O_RDONLY, "@CF@: invalid expansion_limit: \"many\""},
        {"negative expansion_limit",
         "dbpath = @DIR@/t.db\nquery = SELECT 1\nexpansion_limit = -1\n",
         O_RDONLY, "@CF@: invalid expansion_limit: \"-1\""},
        {"empty domain element",
         "dbpath = @DIR@/t.db\nquery = SELECT 1\ndomain = a.com, !\n", O_RDONLY,
         "@CF@: empty element in domain list"},
        {"missing domain file",
         "dbpath = @DIR@/t.db\nquery = SELECT 1\ndomain = @DIR@/nofile\n",
         O_RDONLY, "open @DIR@/nofile: No such file or directory"},
        {"missing database", "dbpath = @DIR@/missing.db\nquery = SELECT 1\n",
         O_RDONLY,
         "@CF@: open database @DIR@/missing.db: unable to open database "
         "file"},
};

/* test_open_errors - open fails with a reason that names the file */
static void
test_open_errors(void **state)
{
	struct vstr *why = vstr_alloc(100);
	struct vstr *cf = vstr_alloc(100);
	struct vstr *name = vstr_alloc(100);
	struct vstr *want = vstr_alloc(100);

	(void) state;
	vstr_fmt(cf, "%s/bad.cf", tmpdir);
	vstr_fmt(name, "sqlite:%s", vstr_str(cf));
	for (size_t i = 0; i < NELEM(open_cases); i++) {
		const struct open_case *tc = &open_cases[i];
		char *text = tc->cf ? subst(tc->cf) : NULL;
		char *want_dir = subst(tc->want);
		struct dict *d;
		const char *hit;

		(void) unlink(vstr_str(cf));
		if (text)
			xfree(file_write(tmpdir, "bad.cf", text));
		vstr_reset(want);
		hit = strstr(want_dir, "@CF@");
		vstr_cat_mem(want, want_dir,
		             hit ? (size_t) (hit - want_dir)
		                 : strlen(want_dir));
		if (hit) {
			vstr_cat(want, vstr_str(cf));
			vstr_cat(want, hit + 4);
		}
		d = dict_open_checked(vstr_str(name), tc->open_flags,
		                      DICT_FLAG_DEFAULT, why);
		CHECK_TRUE(tc->name, d == NULL, "open succeeded");
		CHECK_STR(tc->name, vstr_str(why), vstr_str(want));
		xfree(text);
		xfree(want_dir);
	}
	CHECK_TRUE("missing database not created",
	           access(vstr_str(vstr_fmt(want, "%s/missing.db", tmpdir)),
	                  F_OK) < 0,
	           vstr_str(want));
	vstr_free(why);
	vstr_free(cf);
	vstr_free(name);
	vstr_free(want);
}

/* test_surrogate - dict_open() of a bad file fails lookups, logs once */
static void
test_surrogate(void **state)
{
	struct vstr *name = vstr_alloc(100);
	struct dict *d;
	const char *value;

	(void) state;
	vstr_fmt(name, "sqlite:%s/none.cf", tmpdir);
	d = dict_open(vstr_str(name), O_RDONLY, DICT_FLAG_DEFAULT);
	CHECK_LONG("surrogate", dict_get(d, "b", &value), DICT_ERROR);
	CHECK_TRUE("surrogate", strstr(vstr_str(d->why), "none.cf"),
	           vstr_str(d->why));
	CHECK_LONG("one warning", logs.count[MSG_WARN], 1);
	dict_close(d);
	vstr_free(name);
}

/* test_changed - the .cf file is watched for dict_changed() */
static void
test_changed(void **state)
{
	char *path = write_cf(Q("SELECT '%s'"));
	struct dict *d = open_cf("changed", path);
	char *again;

	(void) state;
	CHECK_NSTR("unchanged", dict_changed(), NULL);
	again = write_cf(Q("SELECT 'different %s'"));
	CHECK_NSTR("changed", dict_changed(), path);
	dict_close(d);
	CHECK_NSTR("closed", dict_changed(), NULL);
	xfree(path);
	xfree(again);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_repeat, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_open_errors, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_surrogate, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_changed, setup, teardown),
	};

	return cmocka_run_group_tests_name("dict_sqlite", tests, group_setup,
	                                   group_teardown);
}
