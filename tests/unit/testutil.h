#ifndef TESTUTIL_H
#define TESTUTIL_H
/*
 * NAME
 *	testutil - shared helpers for the cmocka unit tests
 * SUMMARY
 *	CHECK_STR(name, got, want)  CHECK_NSTR(...)  CHECK_LONG(...)
 *	CHECK_TRUE(name, cond, what)
 *
 *	struct log_capture; void capture_start(struct log_capture *c);
 *	void capture_stop(struct log_capture *c);
 *	bool capture_has(const struct log_capture *c, const char *text);
 *
 *	char *tmpdir_create(void); void tmpdir_remove(char *dir);
 *	char *file_write(const char *dir, const char *name, const char *text);
 *	char *file_slurp(const char *path);
 *
 *	void child_run(child_fn fn, const void *arg, struct child_result *r);
 *	void child_result_free(struct child_result *r);
 * DESCRIPTION
 *	The CHECK_* macros fail the current test with "NAME: got X, want Y"
 *	(STYLE.md item 17). CHECK_NSTR accepts NULL on either side.
 *
 *	A log capture is a msg output (msg_output_add) that keeps every
 *	diagnostic as "prefix text\n" so that tests can assert on warnings.
 *
 *	tmpdir_create() makes a private directory with mkdtemp(3) under
 *	$TMPDIR (or /tmp); tmpdir_remove() deletes it recursively and frees
 *	the name. file_write() creates DIR/NAME and returns the path (free
 *	it with xfree()); file_slurp() returns a file's content or NULL.
 *
 *	child_run() runs fn(arg) in a forked child, for code that calls
 *	msg_fatal() (exit) or msg_panic() (abort). Every diagnostic of the
 *	child is collected in r->log; r->exited/r->status or r->signo tell
 *	how it ended. A child that returns from fn exits with status 0.
 *	Core dumps and leak reports are disabled in the child.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define CHECK_STR(name, got, want)                                             \
	do {                                                                   \
		const char *got_ = (got), *want_ = (want);                     \
		if (strcmp(got_, want_) != 0)                                  \
			fail_msg("%s: got \"%s\", want \"%s\"", (name), got_,  \
			         want_);                                       \
	} while (0)

#define CHECK_NSTR(name, got, want)                                            \
	do {                                                                   \
		const char *got_ = (got), *want_ = (want);                     \
		if ((got_ == NULL) != (want_ == NULL) ||                       \
		    (got_ && strcmp(got_, want_) != 0))                        \
			fail_msg("%s: got %s%s%s, want %s%s%s", (name),        \
			         got_ ? "\"" : "", got_ ? got_ : "NULL",       \
			         got_ ? "\"" : "", want_ ? "\"" : "",          \
			         want_ ? want_ : "NULL", want_ ? "\"" : "");   \
	} while (0)

#define CHECK_LONG(name, got, want)                                            \
	do {                                                                   \
		long got_ = (long) (got), want_ = (long) (want);               \
		if (got_ != want_)                                             \
			fail_msg("%s: got %ld, want %ld", (name), got_,        \
			         want_);                                       \
	} while (0)

#define CHECK_TRUE(name, cond, what)                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			fail_msg("%s: %s", (name), (what));                    \
	} while (0)

/* Log capture. */

struct log_capture {
	struct vstr *text;
	int count[MSG_PANIC + 1];
};

/* capture_output - msg output that records "prefix text\n" */
static inline void
capture_output(int level, const char *text, void *ctx)
{
	struct log_capture *c = ctx;

	if (level >= 0 && level <= MSG_PANIC)
		c->count[level]++;
	vstr_cat(c->text, msg_level_prefix(level));
	vstr_cat(c->text, text);
	vstr_addch(c->text, '\n');
}

/* capture_start - begin recording diagnostics */
static inline void
capture_start(struct log_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->text = vstr_alloc(256);
	msg_output_add(capture_output, c);
}

/* capture_reset - forget what was recorded so far */
static inline void
capture_reset(struct log_capture *c)
{
	vstr_reset(c->text);
	memset(c->count, 0, sizeof(c->count));
}

/* capture_stop - stop recording and release */
static inline void
capture_stop(struct log_capture *c)
{
	msg_output_remove(capture_output, c);
	c->text = vstr_free(c->text);
}

/* capture_has - the log contains text */
static inline bool
capture_has(const struct log_capture *c, const char *text)
{
	return strstr(vstr_str(c->text), text) != NULL;
}

/* Temporary files. */

/* tmpdir_create - private directory for one test */
static inline char *
tmpdir_create(void)
{
	const char *base = getenv("TMPDIR");
	struct vstr *path = vstr_alloc(100);

	vstr_fmt(path, "%s/mta-unit-XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(vstr_str(path)) == NULL)
		fail_msg("mkdtemp %s: %s", vstr_str(path), strerror(errno));
	return vstr_export(path);
}

/* remove_tree - delete a file or a directory with its content */
static inline void
remove_tree(const char *path)
{
	struct stat st;
	DIR *dp;
	struct dirent *de;
	struct vstr *sub;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		(void) unlink(path);
		return;
	}
	if ((dp = opendir(path)) != NULL) {
		sub = vstr_alloc(100);
		while ((de = readdir(dp)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			vstr_fmt(sub, "%s/%s", path, de->d_name);
			remove_tree(vstr_str(sub));
		}
		vstr_free(sub);
		closedir(dp);
	}
	(void) rmdir(path);
}

/* tmpdir_remove - delete the directory tree and free its name */
static inline void
tmpdir_remove(char *dir)
{
	if (dir) {
		remove_tree(dir);
		xfree(dir);
	}
}

/* file_write - create DIR/NAME with text; returns the path */
static inline char *
file_write(const char *dir, const char *name, const char *text)
{
	struct vstr *path = vstr_alloc(100);
	FILE *fp;

	vstr_fmt(path, "%s/%s", dir, name);
	if ((fp = fopen(vstr_str(path), "w")) == NULL)
		fail_msg("create %s: %s", vstr_str(path), strerror(errno));
	if (fputs(text, fp) == EOF || fclose(fp) != 0)
		fail_msg("write %s: %s", vstr_str(path), strerror(errno));
	return vstr_export(path);
}

/* file_slurp - whole content of a file, NULL when it cannot be read */
static inline char *
file_slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct vstr *buf;
	char chunk[4096];
	size_t n;

	if (fp == NULL)
		return NULL;
	buf = vstr_alloc(4096);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		vstr_cat_mem(buf, chunk, n);
	fclose(fp);
	return vstr_export(buf);
}

/* Child processes. */

typedef void (*child_fn)(const void *arg);

struct child_result {
	bool exited; /* normal exit; status is the exit code */
	int status;
	int signo;        /* else the signal that ended it */
	struct vstr *log; /* "prefix text\n" lines */
};

static int child_log_fd = -1;

/*
 * LeakSanitizer's switch, present only in sanitizer builds. A child that
 * ends in msg_fatal() exits with the memory of the failed call still
 * allocated, as a real program does; that is not a leak worth reporting.
 */
extern void __lsan_disable(void) __attribute__((weak));

/* child_output - msg output of the child: one write per line */
static inline void
child_output(int level, const char *text, void *ctx)
{
	struct vstr *line = vstr_alloc(100);

	(void) ctx;
	vstr_fmt(line, "%s%s\n", msg_level_prefix(level), text);
	(void) !write(child_log_fd, vstr_str(line), vstr_len(line));
	vstr_free(line);
}

/* child_capture_off - stop sending the child's diagnostics to the parent */
static inline void
child_capture_off(void)
{
	msg_output_remove(child_output, NULL);
}

/* child_run - run fn(arg) in a child process, collect its diagnostics */
static inline void
child_run(child_fn fn, const void *arg, struct child_result *r)
{
	int fds[2];
	pid_t pid;
	int wstatus;
	char chunk[4096];
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->log = vstr_alloc(256);
	if (pipe(fds) < 0)
		fail_msg("pipe: %s", strerror(errno));
	/* Unflushed TAP output would otherwise be written twice. */
	fflush(NULL);
	if ((pid = fork()) < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		struct rlimit rl = {0, 0};

		(void) setrlimit(RLIMIT_CORE, &rl);
		if (__lsan_disable)
			__lsan_disable();
		close(fds[0]);
		child_log_fd = fds[1];
		msg_output_add(child_output, NULL);
		fn(arg);
		fflush(NULL);
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		vstr_cat_mem(r->log, chunk, (size_t) n);
	}
	close(fds[0]);
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	if (WIFEXITED(wstatus)) {
		r->exited = true;
		r->status = WEXITSTATUS(wstatus);
	} else if (WIFSIGNALED(wstatus)) {
		r->signo = WTERMSIG(wstatus);
	}
}

/* child_result_free - release the collected log */
static inline void
child_result_free(struct child_result *r)
{
	r->log = vstr_free(r->log);
}

/* child_describe - "exit N" or "signal N" for messages */
static inline const char *
child_describe(const struct child_result *r, struct vstr *buf)
{
	if (r->exited)
		vstr_fmt(buf, "exit %d", r->status);
	else
		vstr_fmt(buf, "signal %d", r->signo);
	return vstr_str(buf);
}

/*
 * CHECK_CHILD - the child ended as wanted ("exit 1", "signal 6") and its
 * log contains want_log (when not NULL).
 */
#define CHECK_CHILD(name, r, want_end, want_log)                               \
	do {                                                                   \
		struct vstr *end_ = vstr_alloc(32);                            \
		const char *wl_ = (want_log);                                  \
		child_describe(&(r), end_);                                    \
		if (strcmp(vstr_str(end_), (want_end)) != 0)                   \
			fail_msg("%s: got %s, want %s (log: %s)", (name),      \
			         vstr_str(end_), (want_end),                   \
			         vstr_str((r).log));                           \
		if (wl_ && strstr(vstr_str((r).log), wl_) == NULL)             \
			fail_msg("%s: got log \"%s\", want it to contain "     \
			         "\"%s\"",                                     \
			         (name), vstr_str((r).log), wl_);              \
		vstr_free(end_);                                               \
	} while (0)

#endif
