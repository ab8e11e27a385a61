/*
 * dict_simple_test - the dict layer and the simple table types: static,
 * fail, inline, environ, texthash, unix; shared opens, surrogates,
 * unsupported operations, bad names.
 */
#include "testutil.h"

#include <pwd.h>

#include "argv.h"
#include "dict.h"

static const struct tcase {
	const char *name;
	const char *table;
	const char *key;
	int want;               /* DICT_FOUND, DICT_NOTFOUND, DICT_ERROR */
	const char *want_value; /* when found */
} lookup_cases[] = {
        {"static", "static:OK", "anything", DICT_FOUND, "OK"},
        {"static braces", "static:{ 550 no such user }", "x", DICT_FOUND,
         "550 no such user"},
        {"fail", "fail:test", "x", DICT_ERROR, NULL},
        {"inline", "inline:{ a=1, b=2 }", "b", DICT_FOUND, "2"},
        {"inline braces", "inline:{ { a = value with spaces }, b=2 }", "a",
         DICT_FOUND, "value with spaces"},
        {"inline folded", "inline:{ User@Example.COM=x }", "user@example.com",
         DICT_FOUND, "x"},
        {"inline key folded", "inline:{ a=1 }", "A", DICT_FOUND, "1"},
        {"inline missing", "inline:{ a=1 }", "c", DICT_NOTFOUND, NULL},
        {"inline later wins", "inline:{ a=1, a=2 }", "a", DICT_FOUND, "2"},
        {"environ", "environ:x", "DICT_SIMPLE_TEST_VAR", DICT_FOUND, "set"},
        {"environ case kept", "environ:x", "dict_simple_test_var",
         DICT_NOTFOUND, NULL},
        {"environ missing", "environ:x", "NO_SUCH_VARIABLE_XYZ", DICT_NOTFOUND,
         NULL},
        {"unix passwd", "unix:passwd.byname", "root", DICT_FOUND,
         "root:x:0:0:root:/root:/bin/bash"},
        {"unix passwd missing", "unix:passwd.byname", "no-such-user-xyz",
         DICT_NOTFOUND, NULL},
        {"unix group", "unix:group.byname", "no-such-group-xyz", DICT_NOTFOUND,
         NULL},
};

/* test_lookups - the lookup table above */
static void
test_lookups(void **state)
{
	struct passwd *pw = getpwnam("root");
	struct vstr *want = vstr_alloc(100);

	(void) state;
	setenv("DICT_SIMPLE_TEST_VAR", "set", 1);
	for (size_t i = 0; i < sizeof(lookup_cases) / sizeof(lookup_cases[0]);
	     i++) {
		const struct tcase *tc = &lookup_cases[i];
		struct dict *d =
		        dict_open(tc->table, O_RDONLY, DICT_FLAG_DEFAULT);
		const char *v = NULL;
		int rc = dict_get(d, tc->key, &v);

		CHECK_LONG(tc->name, rc, tc->want);
		if (tc->want_value && strcmp(tc->name, "unix passwd") == 0) {
			/* The shell differs between systems. */
			vstr_fmt(want, "root:%s:0:0:%s:%s:%s", pw->pw_passwd,
			         pw->pw_gecos, pw->pw_dir, pw->pw_shell);
			CHECK_STR(tc->name, v, vstr_str(want));
		} else if (tc->want_value) {
			CHECK_STR(tc->name, v, tc->want_value);
		}
		if (rc == DICT_ERROR && *vstr_str(d->why) == 0)
			fail_msg("%s: error without a reason", tc->name);
		dict_close(d);
	}
	vstr_free(want);
}

static const struct bad_case {
	const char *name;
	const char *table;
	const char *reason; /* part of the reason */
} bad_cases[] = {
        {"no colon", "hashfile", "need \"type:name\""},
        {"unknown type", "nosuchtype:/x", "unsupported dictionary type"},
        {"inline without braces", "inline:a=1", "need \"{ name=value"},
        {"inline missing =", "inline:{ a }", "missing '='"},
        {"inline unbalanced", "inline:{ a=1", "missing '}'"},
        {"static unbalanced", "static:{ x", "missing '}'"},
        {"unix unknown", "unix:hosts.byname", "unknown table"},
        {"texthash missing file", "texthash:/nonexistent/file",
         "/nonexistent/file"},
};

/* test_bad_names - open errors name the problem; surrogates fail */
static void
test_bad_names(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *tc = &bad_cases[i];
		struct vstr *why = vstr_alloc(100);
		struct dict *d = dict_open_checked(tc->table, O_RDONLY,
		                                   DICT_FLAG_DEFAULT, why);
		const char *v;

		if (d != NULL)
			fail_msg("%s: opened, want an error", tc->name);
		if (strstr(vstr_str(why), tc->reason) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", tc->name,
			         vstr_str(why), tc->reason);
		d = dict_open(tc->table, O_RDONLY, DICT_FLAG_DEFAULT);
		CHECK_LONG(tc->name, dict_get(d, "k", &v), DICT_ERROR);
		if (strstr(vstr_str(d->why), tc->reason) == NULL)
			fail_msg("%s: surrogate reason \"%s\"", tc->name,
			         vstr_str(d->why));
		dict_close(d);
		vstr_free(why);
	}
}

/* test_unsupported - operations a type lacks fail with a reason */
static void
test_unsupported(void **state)
{
	struct dict *d = dict_open("static:x", O_RDONLY, DICT_FLAG_DEFAULT);
	const char *k, *v;

	(void) state;
	CHECK_LONG("update", dict_put(d, "a", "b"), DICT_ERROR);
	CHECK_TRUE("update",
	           strstr(vstr_str(d->why), "does not support update"),
	           "reason names the operation");
	CHECK_LONG("delete", dict_del(d, "a"), DICT_ERROR);
	CHECK_LONG("sequence", dict_seq(d, DICT_SEQ_FIRST, &k, &v), DICT_ERROR);
	dict_close(d);
}

/* test_shared - one instance per name and flags, reference counted */
static void
test_shared(void **state)
{
	struct dict *a, *b, *c;

	(void) state;
	a = dict_open_shared("inline:{ a=1 }", O_RDONLY, DICT_FLAG_DEFAULT);
	b = dict_open_shared("inline:{ a=1 }", O_RDONLY, DICT_FLAG_DEFAULT);
	c = dict_open_shared("inline:{ a=1 }", O_RDONLY, DICT_FLAG_TRY0NULL);
	CHECK_TRUE("same", a == b, "same name and flags share");
	CHECK_TRUE("other flags", a != c, "other flags do not share");
	dict_close(b);
	/* a is still usable after one close. */
	{
		const char *v;

		CHECK_LONG("after close", dict_get(a, "a", &v), DICT_FOUND);
	}
	dict_close(a);
	dict_close(c);
	b = dict_open_shared("inline:{ a=1 }", O_RDONLY, DICT_FLAG_DEFAULT);
	CHECK_LONG("reopened", b->refcount, 1);
	dict_close(b);
}

/* test_texthash - source file semantics, duplicates and bad lines */
static void
test_texthash(void **state)
{
	char *dir = tmpdir_create();
	char *path = file_write(dir, "map",
	                        "# comment\n"
	                        "alice  first\n"
	                        "bob second\n"
	                        "  continued\n"
	                        "\n"
	                        "lonely\n"
	                        "Alice  duplicate\n"
	                        "  leading\n");
	struct vstr *tn = vstr_alloc(100);
	struct log_capture cap;
	struct dict *d;
	const char *k, *v;
	int n = 0;

	(void) state;
	vstr_fmt(tn, "texthash:%s", path);
	capture_start(&cap);
	d = dict_open(vstr_str(tn), O_RDONLY, DICT_FLAG_DEFAULT);
	CHECK_TRUE("bad line",
	           capture_has(&cap, "map, line 6: expected format"),
	           "warning names file and line");
	CHECK_TRUE("duplicate",
	           capture_has(&cap, "map, line 7: duplicate entry"),
	           "duplicate warning names file and line");
	capture_stop(&cap);
	CHECK_LONG("alice", dict_get(d, "alice", &v), DICT_FOUND);
	CHECK_STR("alice keeps first", v, "first");
	CHECK_LONG("bob", dict_get(d, "bob", &v), DICT_FOUND);
	CHECK_STR("bob continued", v, "second  continued");
	CHECK_LONG("lonely", dict_get(d, "lonely", &v), DICT_NOTFOUND);
	for (int how = DICT_SEQ_FIRST; dict_seq(d, how, &k, &v) == DICT_FOUND;
	     how = DICT_SEQ_NEXT)
		n++;
	CHECK_LONG("entries", n, 2);
	CHECK_TRUE("unchanged", dict_changed() == NULL, "no change yet");
	xfree(file_write(dir, "map", "alice changed\n"));
	{
		struct timespec t[2] = {{2000000000, 0}, {2000000000, 0}};

		assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
	}
	CHECK_TRUE("changed", dict_changed() != NULL, "edit noticed");
	CHECK_LONG("read-only",
	           dict_open_checked(vstr_str(tn), O_RDWR, DICT_FLAG_DEFAULT,
	                             tn) == NULL,
	           1);
	dict_close(d);
	vstr_free(tn);
	xfree(path);
	tmpdir_remove(dir);
}

/* test_type_list - every built-in type is registered */
static void
test_type_list(void **state)
{
	static const char *const want[] = {
	        "btree",  "cdb",  "environ", "fail",     "hash",
	        "inline", "lmdb", "static",  "texthash", "unix",
	};
	struct argv *types = argv_alloc(16);

	(void) state;
	dict_type_list(types);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_TRUE(want[i], dict_type_known(want[i]), "registered");
	}
	CHECK_TRUE("unknown", !dict_type_known("nosuchtype"), "not registered");
	argv_free(types);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lookups),
	        cmocka_unit_test(test_bad_names),
	        cmocka_unit_test(test_unsupported),
	        cmocka_unit_test(test_shared),
	        cmocka_unit_test(test_texthash),
	        cmocka_unit_test(test_type_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
