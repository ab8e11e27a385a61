/*
 * dict_file_test - hash:, btree:, lmdb: and cdb: tables: build, look up,
 * walk, duplicates, incremental update and delete, NUL forms, atomic
 * rebuild, change detection, "older than source" warnings, bad files.
 */
#include "testutil.h"

#include "dict.h"

static const struct ftype {
	const char *type;
	const char *suffix;
	bool updatable; /* cdb is only rebuilt whole */
} types[] = {
        {"hash", ".db", true},
        {"btree", ".db", true},
        {"lmdb", ".lmdb", true},
        {"cdb", ".cdb", false},
};

#define NTYPES (sizeof(types) / sizeof(types[0]))

static const struct entry {
	const char *key;
	const char *value;
} entries[] = {
        {"alice@example.com", "bob@example.com"},
        {"example.net", "OK"},
        {"@example.org", "catchall@example.org"},
        {"user", "a value with spaces"},
};

#define NENTRIES (sizeof(entries) / sizeof(entries[0]))

/* table_name - "type:dir/name" */
static char *
table_name(const struct ftype *ft, const char *dir, const char *name)
{
	struct vstr *s = vstr_alloc(100);

	vstr_fmt(s, "%s:%s/%s", ft->type, dir, name);
	return vstr_export(s);
}

/* build - create a table from entries[] */
static void
build(const struct ftype *ft, const char *tn, int flags)
{
	struct vstr *why = vstr_alloc(100);
	struct dict *d =
	        dict_open_checked(tn, O_RDWR | O_CREAT | O_TRUNC, flags, why);

	if (d == NULL)
		fail_msg("%s: open for build: %s", ft->type, vstr_str(why));
	for (size_t i = 0; i < NENTRIES; i++) {
		int rc = dict_put(d, entries[i].key, entries[i].value);

		if (rc != DICT_OK)
			fail_msg("%s: put %s: got %d, want %d", ft->type,
			         entries[i].key, rc, DICT_OK);
	}
	/* A duplicate keeps the first value by default. */
	if (dict_put(d, entries[0].key, "other") != DICT_DUP)
		fail_msg("%s: duplicate put: want DICT_DUP", ft->type);
	dict_close(d);
	vstr_free(why);
}

/* test_build_lookup - every type answers like the source */
static void
test_build_lookup(void **state)
{
	(void) state;
	for (size_t t = 0; t < NTYPES; t++) {
		char *dir = tmpdir_create();
		char *tn = table_name(&types[t], dir, "map");
		struct dict *d;
		const char *v;

		build(&types[t], tn, DICT_FLAG_DEFAULT);
		d = dict_open(tn, O_RDONLY, DICT_FLAG_DEFAULT);
		for (size_t i = 0; i < NENTRIES; i++) {
			int rc = dict_get(d, entries[i].key, &v);

			if (rc != DICT_FOUND)
				fail_msg("%s: get %s: got %d, want found (%s)",
				         types[t].type, entries[i].key, rc,
				         vstr_str(d->why));
			CHECK_STR(types[t].type, v, entries[i].value);
		}
		/* Fixed-string keys are folded to lower case. */
		if (dict_get(d, "Alice@EXAMPLE.com", &v) != DICT_FOUND)
			fail_msg("%s: folded lookup failed", types[t].type);
		if (dict_get(d, "nobody", &v) != DICT_NOTFOUND)
			fail_msg("%s: missing key found", types[t].type);
		dict_close(d);
		xfree(tn);
		tmpdir_remove(dir);
	}
}

/* test_sequence - a walk returns every entry once */
static void
test_sequence(void **state)
{
	(void) state;
	for (size_t t = 0; t < NTYPES; t++) {
		char *dir = tmpdir_create();
		char *tn = table_name(&types[t], dir, "map");
		struct dict *d;
		const char *k, *v;
		size_t n = 0;
		int how = DICT_SEQ_FIRST;

		build(&types[t], tn, DICT_FLAG_DEFAULT);
		d = dict_open(tn, O_RDONLY, DICT_FLAG_DEFAULT);
		while (dict_seq(d, how, &k, &v) == DICT_FOUND) {
			bool known = false;

			for (size_t i = 0; i < NENTRIES; i++)
				if (strcmp(k, entries[i].key) == 0 &&
				    strcmp(v, entries[i].value) == 0)
					known = true;
			if (!known)
				fail_msg("%s: walk returned %s=%s",
				         types[t].type, k, v);
			n++;
			how = DICT_SEQ_NEXT;
		}
		CHECK_LONG(types[t].type, (long) n, (long) NENTRIES);
		dict_close(d);
		xfree(tn);
		tmpdir_remove(dir);
	}
}

/* test_update_delete - incremental changes where the format allows */
static void
test_update_delete(void **state)
{
	(void) state;
	for (size_t t = 0; t < NTYPES; t++) {
		char *dir = tmpdir_create();
		char *tn = table_name(&types[t], dir, "map");
		struct vstr *why = vstr_alloc(100);
		struct dict *d;
		const char *v;

		build(&types[t], tn, DICT_FLAG_DEFAULT);
		d = dict_open_checked(tn, O_RDWR, DICT_FLAG_DEFAULT, why);
		if (!types[t].updatable) {
			if (d != NULL)
				fail_msg("%s: update open: want an error",
				         types[t].type);
			goto next;
		}
		assert_non_null(d);
		CHECK_LONG(types[t].type, dict_put(d, "new", "1"), DICT_OK);
		CHECK_LONG(types[t].type, dict_del(d, "example.net"), DICT_OK);
		CHECK_LONG(types[t].type, dict_del(d, "example.net"),
		           DICT_NOTFOUND);
		dict_close(d);
		d = dict_open(tn, O_RDONLY, DICT_FLAG_DEFAULT);
		CHECK_LONG(types[t].type, dict_get(d, "new", &v), DICT_FOUND);
		CHECK_LONG(types[t].type, dict_get(d, "example.net", &v),
		           DICT_NOTFOUND);
		dict_close(d);
		/* Replace mode overwrites. */
		d = dict_open(tn, O_RDWR,
		              DICT_FLAG_DEFAULT | DICT_FLAG_DUP_REPLACE);
		CHECK_LONG(types[t].type, dict_put(d, "new", "2"), DICT_OK);
		CHECK_LONG(types[t].type, dict_get(d, "new", &v), DICT_FOUND);
		CHECK_STR(types[t].type, v, "2");
		dict_close(d);
	next:
		vstr_free(why);
		xfree(tn);
		tmpdir_remove(dir);
	}
}

/* test_nul_forms - tables with and without the trailing NUL both work */
static void
test_nul_forms(void **state)
{
	static const int forms[] = {DICT_FLAG_TRY1NULL, DICT_FLAG_TRY0NULL};

	(void) state;
	for (size_t t = 0; t < NTYPES; t++) {
		for (size_t f = 0; f < 2; f++) {
			char *dir = tmpdir_create();
			char *tn = table_name(&types[t], dir, "map");
			struct dict *d;
			const char *v;

			build(&types[t], tn, DICT_FLAG_DEFAULT | forms[f]);
			d = dict_open(tn, O_RDONLY, DICT_FLAG_DEFAULT);
			if (dict_get(d, "user", &v) != DICT_FOUND)
				fail_msg("%s form %zu: not found",
				         types[t].type, f);
			CHECK_STR(types[t].type, v, "a value with spaces");
			dict_close(d);
			xfree(tn);
			tmpdir_remove(dir);
		}
	}
}

/* test_rebuild_atomic - readers keep the old table until they reopen */
static void
test_rebuild_atomic(void **state)
{
	(void) state;
	for (size_t t = 0; t < NTYPES; t++) {
		char *dir = tmpdir_create();
		char *tn = table_name(&types[t], dir, "map");
		struct vstr *why = vstr_alloc(100);
		struct dict *reader, *writer;
		const char *v, *changed;
		DIR *dh;
		struct dirent *de;

		build(&types[t], tn, DICT_FLAG_DEFAULT);
		reader = dict_open(tn, O_RDONLY, DICT_FLAG_DEFAULT);
		CHECK_TRUE(types[t].type, dict_changed() == NULL, "unchanged");
		writer = dict_open_checked(tn, O_RDWR | O_CREAT | O_TRUNC,
		                           DICT_FLAG_DEFAULT, why);
		assert_non_null(writer);
		CHECK_LONG(types[t].type, dict_put(writer, "half", "x"),
		           DICT_OK);
		/* Mid-rebuild: the old table is intact and complete. */
		CHECK_LONG(types[t].type, dict_get(reader, "user", &v),
		           DICT_FOUND);
		CHECK_LONG(types[t].type, dict_get(reader, "half", &v),
		           DICT_NOTFOUND);
		dict_close(writer);
		changed = dict_changed();
		if (changed == NULL || strstr(changed, "/map") == NULL)
			fail_msg("%s: dict_changed: got %s", types[t].type,
			         changed ? changed : "NULL");
		/* No temporary file is left behind. */
		dh = opendir(dir);
		while ((de = readdir(dh)) != NULL)
			if (strstr(de->d_name, ".tmp"))
				fail_msg("%s: left %s", types[t].type,
				         de->d_name);
		closedir(dh);
		dict_close(reader);
		vstr_free(why);
		xfree(tn);
		tmpdir_remove(dir);
	}
}

/* test_source_newer - warn when the source text is newer */
static void
test_source_newer(void **state)
{
	(void) state;
	for (size_t t = 0; t < NTYPES; t++) {
		char *dir = tmpdir_create();
		char *tn = table_name(&types[t], dir, "map");
		char *src;
		struct log_capture cap;
		struct timespec old[2] = {{1000000, 0}, {1000000, 0}};
		struct vstr *db = vstr_alloc(100);
		struct dict *d;

		build(&types[t], tn, DICT_FLAG_DEFAULT);
		src = file_write(dir, "map", "user x\n");
		vstr_fmt(db, "%s/map%s", dir, types[t].suffix);
		assert_int_equal(utimensat(AT_FDCWD, vstr_str(db), old, 0), 0);
		capture_start(&cap);
		d = dict_open(tn, O_RDONLY, DICT_FLAG_DEFAULT);
		if (!capture_has(&cap, "is older than source file"))
			fail_msg("%s: no older-than-source warning",
			         types[t].type);
		capture_stop(&cap);
		dict_close(d);
		vstr_free(db);
		xfree(src);
		xfree(tn);
		tmpdir_remove(dir);
	}
}

/* test_bad_files - missing and corrupt tables fail cleanly */
static void
test_bad_files(void **state)
{
	(void) state;
	for (size_t t = 0; t < NTYPES; t++) {
		char *dir = tmpdir_create();
		char *tn = table_name(&types[t], dir, "missing");
		struct vstr *why = vstr_alloc(100);
		struct dict *d;
		const char *v;
		char name[64];
		char *junk;

		if (dict_open_checked(tn, O_RDONLY, DICT_FLAG_DEFAULT, why))
			fail_msg("%s: missing table opened", types[t].type);
		if (strstr(vstr_str(why), "missing") == NULL)
			fail_msg("%s: reason lacks the name: %s", types[t].type,
			         vstr_str(why));
		/* dict_open gives a surrogate that fails every lookup. */
		d = dict_open(tn, O_RDONLY, DICT_FLAG_DEFAULT);
		CHECK_LONG(types[t].type, dict_get(d, "x", &v), DICT_ERROR);
		dict_close(d);
		xfree(tn);
		snprintf(name, sizeof(name), "junk%s", types[t].suffix);
		junk = file_write(dir, name, "this is not a table\n");
		tn = table_name(&types[t], dir, "junk");
		d = dict_open_checked(tn, O_RDONLY, DICT_FLAG_DEFAULT, why);
		/* tinycdb cannot tell junk from a table; lookups then fail. */
		if (d != NULL) {
			int rc = dict_get(d, "x", &v);

			if (rc == DICT_FOUND)
				fail_msg("%s: junk file answered",
				         types[t].type);
			dict_close(d);
		}
		xfree(junk);
		xfree(tn);
		vstr_free(why);
		tmpdir_remove(dir);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_build_lookup),
	        cmocka_unit_test(test_sequence),
	        cmocka_unit_test(test_update_delete),
	        cmocka_unit_test(test_nul_forms),
	        cmocka_unit_test(test_rebuild_atomic),
	        cmocka_unit_test(test_source_newer),
	        cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
