#ifndef MSG_H
#define MSG_H
/*
 * NAME
 *	msg - four-level diagnostics
 * SUMMARY
 *	void msg_info(const char *fmt, ...);
 *	void msg_warn(const char *fmt, ...);
 *	void msg_error(const char *fmt, ...);
 *	void msg_fatal(const char *fmt, ...);
 *	void msg_fatal_status(int status, const char *fmt, ...);
 *	void msg_panic(const char *fmt, ...);
 *
 *	typedef void (*msg_output_fn)(int level, const char *text, void *ctx);
 *	void msg_output_add(msg_output_fn fn, void *ctx);
 *	void msg_output_remove(msg_output_fn fn, void *ctx);
 *	void msg_stderr_init(const char *progname);
 *	void msg_stderr_off(void);
 *	void msg_cleanup(void (*fn)(void));
 *	extern int msg_verbose;
 * DESCRIPTION
 *	msg_info() reports progress, msg_warn() a problem that was handled,
 *	msg_error() a problem that makes the result wrong (after
 *	MSG_ERROR_LIMIT of them the process gives up with a fatal error),
 *	msg_fatal() a bad configuration or environment (runs the cleanup
 *	hook, then exits with status 1, or the status given to
 *	msg_fatal_status()), and msg_panic() a broken invariant (abort()).
 *
 *	Text is formatted like printf(3), plus %m for strerror(errno).
 *	Every line except info lines starts with "warning: ", "error: ",
 *	"fatal: " or "panic: ".
 *
 *	Output goes to every registered output: msg_stderr_init() adds
 *	standard error with a "progname: " prefix (msg_stderr_off() removes
 *	it); msg_syslog_init() and
 *	msg_logfile_init() (msg_syslog.h) add syslog and maillog_file.
 *	Tests add a capture output with msg_output_add().
 */
#include <stdarg.h>

enum msg_level { MSG_INFO, MSG_WARN, MSG_ERROR, MSG_FATAL, MSG_PANIC };

#define MSG_ERROR_LIMIT 13

typedef void (*msg_output_fn)(int level, const char *text, void *ctx);

extern int msg_verbose;

extern void msg_info(const char *, ...) __attribute__((format(printf, 1, 2)));
extern void msg_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
extern void msg_error(const char *, ...) __attribute__((format(printf, 1, 2)));
extern void msg_fatal(const char *, ...)
        __attribute__((format(printf, 1, 2), noreturn));
extern void msg_fatal_status(int, const char *, ...)
        __attribute__((format(printf, 2, 3), noreturn));
extern void msg_panic(const char *, ...)
        __attribute__((format(printf, 1, 2), noreturn));
extern void msg_vprintf(int, const char *, va_list)
        __attribute__((format(printf, 2, 0)));

extern void msg_output_add(msg_output_fn, void *);
extern void msg_output_remove(msg_output_fn, void *);
extern void msg_stderr_init(const char *);
extern void msg_stderr_off(void);
extern void msg_cleanup(void (*)(void));
extern const char *msg_level_prefix(int);

#endif
