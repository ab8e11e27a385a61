/*
 * msg - diagnostics dispatched to registered outputs
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

int msg_verbose;

#define MSG_MAX_OUTPUTS 8

static struct {
	msg_output_fn fn;
	void *ctx;
} outputs[MSG_MAX_OUTPUTS];
static int output_count;
static void (*cleanup_fn)(void);
static int error_count;
static int in_msg;
static const char *stderr_progname;

/* msg_output_add - register an output */
void
msg_output_add(msg_output_fn fn, void *ctx)
{
	if (output_count >= MSG_MAX_OUTPUTS)
		msg_panic("%s: too many outputs", __func__);
	outputs[output_count].fn = fn;
	outputs[output_count].ctx = ctx;
	output_count++;
}

/* msg_output_remove - unregister an output */
void
msg_output_remove(msg_output_fn fn, void *ctx)
{
	for (int i = 0; i < output_count; i++) {
		if (outputs[i].fn == fn && outputs[i].ctx == ctx) {
			memmove(outputs + i, outputs + i + 1,
			        sizeof(outputs[0]) *
			                (size_t) (output_count - i - 1));
			output_count--;
			return;
		}
	}
}

/* msg_level_prefix - the text that starts a line of this level */
const char *
msg_level_prefix(int level)
{
	static const char *const prefix[] = {
	        "", "warning: ", "error: ", "fatal: ", "panic: ",
	};

	return level >= 0 && level <= MSG_PANIC ? prefix[level] : "";
}

/* stderr_output - write "progname: level: text" to fd 2 in one write */
static void
stderr_output(int level, const char *text, void *ctx)
{
	char line[4096];
	int n;

	(void) ctx;
	n = snprintf(line, sizeof(line), "%s: %s%s\n", stderr_progname,
	             msg_level_prefix(level), text);
	if (n < 0)
		return;
	if ((size_t) n >= sizeof(line)) {
		n = (int) sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	(void) !write(2, line, (size_t) n);
}

/* msg_stderr_init - send diagnostics to standard error */
void
msg_stderr_init(const char *progname)
{
	const char *slash = strrchr(progname, '/');

	stderr_progname = slash ? slash + 1 : progname;
	msg_output_remove(stderr_output, NULL);
	msg_output_add(stderr_output, NULL);
}

/* msg_stderr_off - stop sending diagnostics to standard error */
void
msg_stderr_off(void)
{
	msg_output_remove(stderr_output, NULL);
}

/* msg_cleanup - set the hook that msg_fatal runs before exit */
void
msg_cleanup(void (*fn)(void))
{
	cleanup_fn = fn;
}

/*
 * expand_percent_m - replace %m by the error text. The error text is
 * escaped so that the result is still a safe format string.
 */
static void
expand_percent_m(char *out, size_t size, const char *fmt, int err)
{
	const char *etext = strerror(err);
	size_t o = 0;

	for (const char *cp = fmt; *cp && o + 1 < size; cp++) {
		if (cp[0] == '%' && cp[1] == '%') {
			if (o + 2 >= size)
				break;
			out[o++] = '%';
			out[o++] = '%';
			cp++;
		} else if (cp[0] == '%' && cp[1] == 'm') {
			for (const char *e = etext; *e && o + 2 < size; e++) {
				if (*e == '%')
					out[o++] = '%';
				out[o++] = *e;
			}
			cp++;
		} else {
			out[o++] = *cp;
		}
	}
	out[o] = 0;
}

/* msg_vprintf - format once, hand to all outputs */
void
msg_vprintf(int level, const char *fmt, va_list ap)
{
	int saved_errno = errno;
	char xfmt[2048];
	char text[4096];

	if (in_msg++ == 0) {
		expand_percent_m(xfmt, sizeof(xfmt), fmt, saved_errno);
		vsnprintf(text, sizeof(text), xfmt, ap);
		if (output_count == 0)
			fprintf(stderr, "%s%s\n", msg_level_prefix(level),
			        text);
		for (int i = 0; i < output_count; i++)
			outputs[i].fn(level, text, outputs[i].ctx);
	}
	in_msg--;
	errno = saved_errno;
}

/* msg_info - report progress */
void
msg_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprintf(MSG_INFO, fmt, ap);
	va_end(ap);
}

/* msg_warn - report a handled problem */
void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprintf(MSG_WARN, fmt, ap);
	va_end(ap);
}

/* msg_error - report an error; give up after too many */
void
msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprintf(MSG_ERROR, fmt, ap);
	va_end(ap);
	if (++error_count >= MSG_ERROR_LIMIT)
		msg_fatal("too many errors - program terminated");
}

/* run_cleanup - run the fatal hook once */
static void
run_cleanup(void)
{
	void (*fn)(void) = cleanup_fn;

	cleanup_fn = NULL;
	if (fn)
		fn();
}

/* msg_fatal_status - report a fatal problem, exit with status */
void
msg_fatal_status(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprintf(MSG_FATAL, fmt, ap);
	va_end(ap);
	run_cleanup();
	exit(status);
}

/* msg_fatal - report a fatal problem, exit 1 */
void
msg_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprintf(MSG_FATAL, fmt, ap);
	va_end(ap);
	run_cleanup();
	exit(1);
}

/* msg_panic - report a broken invariant, dump core */
void
msg_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprintf(MSG_PANIC, fmt, ap);
	va_end(ap);
	abort();
}
