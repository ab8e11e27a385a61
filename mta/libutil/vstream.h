#ifndef VSTREAM_H
#define VSTREAM_H
/*
 * NAME
 *	vstream - buffered streams on file descriptors, with deadlines
 * SUMMARY
 *	struct vstream *vstream_fdopen(int fd, int flags);
 *	struct vstream *vstream_open(const char *path, int oflags, int mode);
 *	int vstream_close(struct vstream *fp);
 *	struct vstream *vstream_free(struct vstream *fp);
 *	int vstream_fileno(const struct vstream *fp);
 *	void vstream_set_timeout(struct vstream *fp, int seconds);
 *
 *	int vstream_getc(struct vstream *fp);
 *	int vstream_ungetc(struct vstream *fp);
 *	int vstream_get_line(struct vstream *fp, struct vstr *buf, size_t
 *limit); size_t vstream_read(struct vstream *fp, void *buf, size_t n); size_t
 *vstream_peek(const struct vstream *fp);
 *
 *	int vstream_write(struct vstream *fp, const void *buf, size_t n);
 *	int vstream_puts(struct vstream *fp, const char *s);
 *	int vstream_putc(struct vstream *fp, int ch);
 *	int vstream_printf(struct vstream *fp, const char *fmt, ...);
 *	int vstream_fflush(struct vstream *fp);
 *
 *	off_t vstream_ftell(struct vstream *fp);
 *	off_t vstream_fseek(struct vstream *fp, off_t off, int whence);
 *	int vstream_fsync(struct vstream *fp);
 *
 *	bool vstream_ferror(const struct vstream *fp);
 *	bool vstream_feof(const struct vstream *fp);
 *	bool vstream_ftimeout(const struct vstream *fp);
 *	void vstream_clearerr(struct vstream *fp);
 * DESCRIPTION
 *	A vstream buffers reads and writes on one file descriptor (a file,
 *	pipe or socket). Reading and writing may be mixed: switching from
 *	one to the other flushes or discards the buffer as needed, and
 *	vstream_ftell() reports the logical position.
 *
 *	vstream_set_timeout() gives every later read and write a deadline
 *	of that many seconds (0: none). A read or write that misses its
 *	deadline fails and vstream_ftimeout() becomes true.
 *
 *	vstream_getc() returns the next byte or VSTREAM_EOF.
 *	vstream_ungetc() puts the byte that vstream_getc() just returned
 *	back (once; -1 when there is none).
 *	vstream_get_line() empties buf, then reads bytes into it up to and
 *	including a newline, or until limit bytes were read, or until end
 *	of file. It returns the last byte read ('\n' for a complete line),
 *	or VSTREAM_EOF when nothing could be read. Protocol limits are
 *	enforced here, not by buffer sizes.
 *	vstream_read() reads exactly n bytes unless end of file or an
 *	error comes first, and returns the count.
 *	vstream_peek() returns how many bytes are buffered and unread
 *	(smtpd uses it to see pipelined input).
 *
 *	Writes are buffered until vstream_fflush(), a read, a seek or the
 *	close. They return 0 or VSTREAM_EOF (-1) on error.
 *	vstream_fsync() flushes and then fsync()s the descriptor.
 *	vstream_close() flushes, closes the descriptor and frees the
 *	stream; it returns 0 or VSTREAM_EOF if the flush or close failed.
 *	vstream_free() frees the stream without closing the descriptor.
 *
 *	Flags for vstream_fdopen(): VSTREAM_FLAG_NONE.
 * DIAGNOSTICS
 *	Errors are reported through the return values and the error, eof
 *	and timeout flags; errno is left as the failing system call set it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vstr.h"

#define VSTREAM_EOF (-1)
#define VSTREAM_FLAG_NONE 0

struct vstream;

extern struct vstream *vstream_fdopen(int, int);
extern struct vstream *vstream_open(const char *, int, int);
extern int vstream_close(struct vstream *);
extern struct vstream *vstream_free(struct vstream *);
extern int vstream_fileno(const struct vstream *);
extern void vstream_set_timeout(struct vstream *, int);
extern int vstream_getc(struct vstream *);
extern int vstream_ungetc(struct vstream *);
extern int vstream_get_line(struct vstream *, struct vstr *, size_t);
extern size_t vstream_read(struct vstream *, void *, size_t);
extern size_t vstream_peek(const struct vstream *);
extern int vstream_write(struct vstream *, const void *, size_t);
extern int vstream_puts(struct vstream *, const char *);
extern int vstream_putc(struct vstream *, int);
extern int vstream_printf(struct vstream *, const char *, ...)
        __attribute__((format(printf, 2, 3)));
extern int vstream_fflush(struct vstream *);
extern off_t vstream_ftell(struct vstream *);
extern off_t vstream_fseek(struct vstream *, off_t, int);
extern int vstream_fsync(struct vstream *);
extern bool vstream_ferror(const struct vstream *);
extern bool vstream_feof(const struct vstream *);
extern bool vstream_ftimeout(const struct vstream *);
extern void vstream_clearerr(struct vstream *);

#endif
