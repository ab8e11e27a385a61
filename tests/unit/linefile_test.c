/*
 * linefile_test - unit tests for physical and logical configuration lines
 */
#include "argv.h"
#include "linefile.h"
#include "testutil.h"

static char *tmpdir;
static struct log_capture logs;

/* setup - a private directory and a log capture per test */
static int
setup(void **state)
{
	(void) state;
	tmpdir = tmpdir_create();
	capture_start(&logs);
	return 0;
}

/* teardown - remove them */
static int
teardown(void **state)
{
	(void) state;
	capture_stop(&logs);
	tmpdir_remove(tmpdir);
	tmpdir = NULL;
	return 0;
}

static const struct phys_case {
	const char *name;
	const char *text;
	const char *want; /* lines joined with '|' */
	size_t count;
} phys_cases[] = {
        {"empty text", "", "", 0},
        {"one line without newline", "a", "a", 1},
        {"one line with newline", "a\n", "a", 1},
        {"trailing empty line", "a\n\n", "a|", 2},
        {"only a newline", "\n", "", 1},
        {"two lines, no final newline", "a\nb", "a|b", 2},
        {"blank lines kept", "a\n\n\nb\n", "a|||b", 4},
        {"carriage return kept", "a\r\nb\r\n", "a\r|b\r", 2},
        {"white space kept", "  a  \n\tb\n", "  a  |\tb", 2},
};

/* test_from_text - physical lines without their newlines */
static void
test_from_text(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(phys_cases); i++) {
		const struct phys_case *tc = &phys_cases[i];
		struct linefile *lf = linefile_from_text("label", tc->text);
		char *got = argv_join(lf->lines, "|");

		CHECK_STR(tc->name, got, tc->want);
		CHECK_LONG(tc->name, lf->lines->argc, tc->count);
		CHECK_STR(tc->name, lf->path, "label");
		xfree(got);
		linefile_free(lf);
	}
	CHECK_TRUE("free NULL", linefile_free(NULL) == NULL, "not NULL");
}

/* logical - "first-last:text" per logical line, '|' separated; L = leading */
static char *
logical(const struct linefile *lf, size_t start)
{
	struct logical_line ll = {0};
	struct vstr *out = vstr_alloc(100);
	size_t pos = start;

	while (linefile_next(lf, &pos, &ll)) {
		if (vstr_len(out))
			vstr_addch(out, '|');
		vstr_fmt_append(out, "%s%zu-%zu:%s",
		                ll.leading_space ? "L" : "", ll.first, ll.last,
		                vstr_str(ll.text));
		if (pos != ll.last + 1)
			vstr_fmt_append(out, "<pos %zu>", pos);
	}
	if (pos != lf->lines->argc)
		vstr_fmt_append(out, "<end pos %zu>", pos);
	vstr_free(ll.text);
	return vstr_export(out);
}

static const struct logical_case {
	const char *name;
	const char *text;
	size_t start;
	const char *want;
} logical_cases[] = {
        {"two plain lines", "a = 1\nb = 2\n", 0, "0-0:a = 1|1-1:b = 2"},
        {"continuation joined as is", "a = 1\n  2\n\t3\nb = x", 0,
         "0-2:a = 1  2\t3|3-3:b = x"},
        {"comments and blanks skipped", "# c\n\na = 1\n# mid\n  cont\n\nb=2", 0,
         "2-4:a = 1  cont|6-6:b=2"},
        {"indented comment skipped", "a\n  # not text\n  b\n", 0, "0-2:a  b"},
        {"blank-only line inside", "a\n   \n  b", 0, "0-2:a  b"},
        {"comment after text is text", "a = b # c\n", 0, "0-0:a = b # c"},
        {"leading space first", "  x = 1\ny = 2", 0, "L0-0:  x = 1|1-1:y = 2"},
        {"leading space with continuation", "\tx = 1\n  more\ny", 0,
         "L0-1:\tx = 1  more|2-2:y"},
        {"only comments", "# a\n#b\n\n", 0, ""},
        {"empty", "", 0, ""},
        {"start in the middle", "a\nb\n c\nd\n", 1, "1-2:b c|3-3:d"},
        {"start at the end", "a\n", 1, ""},
        {"start inside a continuation", "a\n b\nc", 1, "L1-1: b|2-2:c"},
        {"trailing comment ends file", "a\n  b\n# end\n", 0, "0-1:a  b"},
        {"CR is white space", "a\n\r\nb", 0, "0-0:a|2-2:b"},
};

/* test_next - logical lines, their spans and the cursor */
static void
test_next(void **state)
{
	(void) state;
	for (size_t i = 0; i < NELEM(logical_cases); i++) {
		const struct logical_case *tc = &logical_cases[i];
		struct linefile *lf = linefile_from_text("label", tc->text);
		char *got = logical(lf, tc->start);

		CHECK_STR(tc->name, got, tc->want);
		xfree(got);
		linefile_free(lf);
	}
}

/* test_read - a file on disk, and the reject paths */
static void
test_read(void **state)
{
	char *path = file_write(tmpdir, "main.cf", "a = 1\n  2\n# c\nb = 3\n");
	struct vstr *why = vstr_alloc(100);
	struct vstr *want = vstr_alloc(100);
	struct linefile *lf;
	char *got;

	(void) state;
	lf = linefile_read(path, why);
	CHECK_TRUE("read", lf != NULL, vstr_str(why));
	got = argv_join(lf->lines, "|");
	CHECK_STR("read lines", got, "a = 1|  2|# c|b = 3");
	CHECK_STR("read path", lf->path, path);
	xfree(got);
	linefile_free(lf);

	/* Missing file. */
	vstr_fmt(want, "open %s/nonexistent: No such file or directory",
	         tmpdir);
	xfree(path);
	path = xstrdup(vstr_str(want) + 5);
	*strchr(path, ':') = 0;
	lf = linefile_read(path, why);
	CHECK_TRUE("missing file", lf == NULL, "read succeeded");
	CHECK_STR("missing file", vstr_str(why), vstr_str(want));

	/* A directory cannot be read as a file. */
	lf = linefile_read(tmpdir, why);
	CHECK_TRUE("directory", lf == NULL, "read succeeded");
	vstr_fmt(want, "read %s: Is a directory", tmpdir);
	CHECK_STR("directory", vstr_str(why), vstr_str(want));
	CHECK_LONG("no warnings", logs.count[MSG_WARN], 0);
	xfree(path);
	vstr_free(why);
	vstr_free(want);
}

/* test_read_nul - a NUL byte is reported and cuts its line */
static void
test_read_nul(void **state)
{
	struct vstr *path = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	struct linefile *lf;
	FILE *fp;
	char *got;
	static const char data[] = "a = 1\nb = x\0junk\nc = 3\n";

	(void) state;
	vstr_fmt(path, "%s/nul.cf", tmpdir);
	fp = fopen(vstr_str(path), "w");
	CHECK_TRUE("create", fp != NULL, strerror(errno));
	fwrite(data, 1, sizeof(data) - 1, fp);
	fclose(fp);
	lf = linefile_read(vstr_str(path), why);
	CHECK_TRUE("nul read", lf != NULL, vstr_str(why));
	CHECK_LONG("nul warning", logs.count[MSG_WARN], 1);
	CHECK_TRUE("nul warning", capture_has(&logs, "contains a null byte"),
	           vstr_str(logs.text));
	CHECK_TRUE("nul warning names file", capture_has(&logs, vstr_str(path)),
	           vstr_str(logs.text));
	got = argv_join(lf->lines, "|");
	CHECK_TRUE("nul lines", strncmp(got, "a = 1|b = x", 11) == 0, got);
	xfree(got);
	linefile_free(lf);
	vstr_free(path);
	vstr_free(why);
}

/* test_write - edited lines go back atomically, mode kept */
static void
test_write(void **state)
{
	char *path = file_write(tmpdir, "master.cf", "one\ntwo\nthree\n");
	struct vstr *why = vstr_alloc(100);
	struct vstr *tmp = vstr_alloc(100);
	struct linefile *lf;
	struct stat st;
	char *got;

	(void) state;
	CHECK_LONG("chmod", chmod(path, 0600), 0);
	lf = linefile_read(path, why);
	CHECK_TRUE("read", lf != NULL, vstr_str(why));
	argv_replace(lf->lines, 1, "TWO");
	argv_insert(lf->lines, 3, "four");
	argv_delete(lf->lines, 0, 1);
	CHECK_LONG("write", linefile_write(lf, why), 0);
	got = file_slurp(path);
	CHECK_NSTR("write content", got, "TWO\nthree\nfour\n");
	xfree(got);
	CHECK_LONG("stat", stat(path, &st), 0);
	CHECK_LONG("mode kept", st.st_mode & 07777, 0600);
	vstr_fmt(tmp, "%s.tmp", path);
	CHECK_TRUE("no temporary left", access(vstr_str(tmp), F_OK) < 0,
	           vstr_str(tmp));
	linefile_free(lf);

	/* No lines: an empty file. */
	lf = linefile_from_text(path, "");
	CHECK_LONG("write empty", linefile_write(lf, why), 0);
	got = file_slurp(path);
	CHECK_NSTR("write empty content", got, "");
	xfree(got);
	linefile_free(lf);
	xfree(path);
	vstr_free(why);
	vstr_free(tmp);
}

/* test_file_replace - new file, binary data, and the reject paths */
static void
test_file_replace(void **state)
{
	struct vstr *path = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	struct vstr *want = vstr_alloc(100);
	struct stat st;
	char *got;

	(void) state;
	/* A new file gets mode 0644 regardless of the umask. */
	vstr_fmt(path, "%s/new", tmpdir);
	mode_t old_umask = umask(077);
	CHECK_LONG("new file", file_replace(vstr_str(path), "x\0y", 3, why), 0);
	umask(old_umask);
	CHECK_LONG("stat", stat(vstr_str(path), &st), 0);
	CHECK_LONG("new mode", st.st_mode & 07777, 0644);
	CHECK_LONG("new size", st.st_size, 3);

	/* Replace with shorter content. */
	CHECK_LONG("replace", file_replace(vstr_str(path), "z", 1, why), 0);
	got = file_slurp(vstr_str(path));
	CHECK_NSTR("replace content", got, "z");
	xfree(got);

	/* Reject: the directory does not exist. */
	vstr_fmt(path, "%s/nodir/file", tmpdir);
	CHECK_LONG("no directory", file_replace(vstr_str(path), "a", 1, why),
	           -1);
	vstr_fmt(want, "create %s.tmp: No such file or directory",
	         vstr_str(path));
	CHECK_STR("no directory", vstr_str(why), vstr_str(want));

	/* Reject: a directory cannot be replaced by a file. */
	vstr_fmt(path, "%s/subdir", tmpdir);
	CHECK_LONG("mkdir", mkdir(vstr_str(path), 0755), 0);
	CHECK_LONG("over directory", file_replace(vstr_str(path), "a", 1, why),
	           -1);
	vstr_fmt(want, "rename %s.tmp to %s: Is a directory", vstr_str(path),
	         vstr_str(path));
	CHECK_STR("over directory", vstr_str(why), vstr_str(want));
	vstr_fmt(path, "%s/subdir.tmp", tmpdir);
	CHECK_TRUE("temporary removed", access(vstr_str(path), F_OK) < 0,
	           vstr_str(path));
	vstr_free(path);
	vstr_free(why);
	vstr_free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_from_text),
	        cmocka_unit_test(test_next),
	        cmocka_unit_test_setup_teardown(test_read, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_read_nul, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_write, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_file_replace, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests_name("linefile", tests, NULL, NULL);
}
