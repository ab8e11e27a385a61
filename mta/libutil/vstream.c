/*
 * vstream - buffered streams on file descriptors, with deadlines
 *
 * Two buffers: read-ahead and pending output. On a socket they are
 * independent (pipelined input survives our replies); on a regular file a
 * write first drops the read-ahead and repositions the descriptor, and a
 * read first flushes pending output, so that ftell() is exact. "pos" is
 * the offset of the descriptor itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mymalloc.h"
#include "vstream.h"

#define VSTREAM_BUFSIZE 8192

struct vstream {
	int fd;
	int timeout;
	bool seekable; /* regular file: read-ahead is dropped on write */
	char *rbuf;    /* read-ahead: [rpos, rend) unread */
	size_t rpos, rend;
	char *wbuf; /* pending output: [0, wlen) */
	size_t wlen;
	off_t pos; /* offset of the descriptor (regular files) */
	bool error, eof, timedout;
};

/* vstream_fdopen - wrap a descriptor */
struct vstream *
vstream_fdopen(int fd, int flags)
{
	struct vstream *fp = xmalloc(sizeof(*fp));

	(void) flags;
	memset(fp, 0, sizeof(*fp));
	fp->fd = fd;
	fp->rbuf = xmalloc(VSTREAM_BUFSIZE);
	fp->wbuf = xmalloc(VSTREAM_BUFSIZE);
	fp->pos = lseek(fd, 0, SEEK_CUR);
	fp->seekable = fp->pos >= 0;
	if (fp->pos < 0)
		fp->pos = 0;
	return fp;
}

/* vstream_open - open a file as a stream */
struct vstream *
vstream_open(const char *path, int oflags, int mode)
{
	int fd = open(path, oflags | O_CLOEXEC, mode);

	return fd < 0 ? NULL : vstream_fdopen(fd, VSTREAM_FLAG_NONE);
}

/* vstream_free - release the stream, keep the descriptor */
struct vstream *
vstream_free(struct vstream *fp)
{
	if (fp) {
		(void) vstream_fflush(fp);
		xfree(fp->rbuf);
		xfree(fp->wbuf);
		xfree(fp);
	}
	return NULL;
}

/* vstream_close - flush, close and free */
int
vstream_close(struct vstream *fp)
{
	int ret = vstream_fflush(fp);

	if (close(fp->fd) < 0)
		ret = VSTREAM_EOF;
	xfree(fp->rbuf);
	xfree(fp->wbuf);
	xfree(fp);
	return ret;
}

int
vstream_fileno(const struct vstream *fp)
{
	return fp->fd;
}

void
vstream_set_timeout(struct vstream *fp, int seconds)
{
	fp->timeout = seconds;
}

bool
vstream_ferror(const struct vstream *fp)
{
	return fp->error;
}

bool
vstream_feof(const struct vstream *fp)
{
	return fp->eof;
}

bool
vstream_ftimeout(const struct vstream *fp)
{
	return fp->timedout;
}

void
vstream_clearerr(struct vstream *fp)
{
	fp->error = fp->eof = fp->timedout = false;
}

/* wait_ready - wait until fd is ready for events within the deadline */
static int
wait_ready(struct vstream *fp, short events, time_t deadline)
{
	struct pollfd pfd = {.fd = fp->fd, .events = events};
	time_t left;
	int n;

	if (fp->timeout <= 0)
		return 0;
	for (;;) {
		left = deadline - time(NULL);
		if (left <= 0) {
			fp->timedout = fp->error = true;
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&pfd, 1, (int) (left > 3600 ? 3600000 : left * 1000));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR) {
			fp->error = true;
			return -1;
		}
	}
}

/* fill - read more input into the buffer; 0, or VSTREAM_EOF */
static int
fill(struct vstream *fp)
{
	time_t deadline = time(NULL) + fp->timeout;
	ssize_t n;

	if (fp->wlen && vstream_fflush(fp) < 0)
		return VSTREAM_EOF;
	fp->rpos = fp->rend = 0;
	for (;;) {
		if (wait_ready(fp, POLLIN, deadline) < 0)
			return VSTREAM_EOF;
		n = read(fp->fd, fp->rbuf, VSTREAM_BUFSIZE);
		if (n > 0) {
			fp->rend = (size_t) n;
			fp->pos += n;
			return 0;
		}
		if (n == 0) {
			fp->eof = true;
			return VSTREAM_EOF;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN && fp->timeout > 0)
			continue;
		fp->error = true;
		return VSTREAM_EOF;
	}
}

/* vstream_getc - one byte */
int
vstream_getc(struct vstream *fp)
{
	if (fp->rpos >= fp->rend)
		if (fill(fp) < 0)
			return VSTREAM_EOF;
	return (unsigned char) fp->rbuf[fp->rpos++];
}

/* vstream_ungetc - put back the byte vstream_getc() just returned */
int
vstream_ungetc(struct vstream *fp)
{
	if (fp->rpos == 0)
		return -1;
	fp->rpos--;
	return 0;
}

/* vstream_get_line - one line of at most limit bytes */
int
vstream_get_line(struct vstream *fp, struct vstr *buf, size_t limit)
{
	size_t got = 0;
	int last = VSTREAM_EOF;

	vstr_reset(buf);
	while (limit == 0 || got < limit) {
		char *start, *nl;
		size_t avail, take;

		if (fp->rpos >= fp->rend)
			if (fill(fp) < 0)
				break;
		start = fp->rbuf + fp->rpos;
		avail = fp->rend - fp->rpos;
		if (limit && avail > limit - got)
			avail = limit - got;
		nl = memchr(start, '\n', avail);
		take = nl ? (size_t) (nl - start) + 1 : avail;
		vstr_cat_mem(buf, start, take);
		fp->rpos += take;
		got += take;
		last = (unsigned char) start[take - 1];
		if (nl)
			break;
	}
	return got ? last : VSTREAM_EOF;
}

/* vstream_read - exactly n bytes unless EOF or error */
size_t
vstream_read(struct vstream *fp, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		size_t avail, take;

		if (fp->rpos >= fp->rend)
			if (fill(fp) < 0)
				break;
		avail = fp->rend - fp->rpos;
		take = avail < n - got ? avail : n - got;
		memcpy((char *) buf + got, fp->rbuf + fp->rpos, take);
		fp->rpos += take;
		got += take;
	}
	return got;
}

/* vstream_peek - unread buffered bytes */
size_t
vstream_peek(const struct vstream *fp)
{
	return fp->rend - fp->rpos;
}

/* drop_readahead - before writing a regular file, undo read-ahead */
static int
drop_readahead(struct vstream *fp)
{
	off_t logical = fp->pos - (off_t) (fp->rend - fp->rpos);

	if (lseek(fp->fd, logical, SEEK_SET) < 0) {
		fp->error = true;
		return VSTREAM_EOF;
	}
	fp->pos = logical;
	fp->rpos = fp->rend = 0;
	return 0;
}

/* write_all - write n bytes with the deadline */
static int
write_all(struct vstream *fp, const char *p, size_t n)
{
	time_t deadline = time(NULL) + fp->timeout;
	ssize_t w;

	while (n > 0) {
		if (wait_ready(fp, POLLOUT, deadline) < 0)
			return VSTREAM_EOF;
		w = write(fp->fd, p, n);
		if (w < 0) {
			if (errno == EINTR || (errno == EAGAIN && fp->timeout))
				continue;
			fp->error = true;
			return VSTREAM_EOF;
		}
		p += w;
		n -= (size_t) w;
		fp->pos += (off_t) w;
	}
	return 0;
}

/* vstream_fflush - write pending output */
int
vstream_fflush(struct vstream *fp)
{
	size_t n;

	if (fp->wlen == 0)
		return fp->error ? VSTREAM_EOF : 0;
	n = fp->wlen;
	fp->wlen = 0;
	return write_all(fp, fp->wbuf, n);
}

/* vstream_write - buffered write */
int
vstream_write(struct vstream *fp, const void *buf, size_t n)
{
	const char *p = buf;

	if (fp->seekable && fp->rpos < fp->rend && drop_readahead(fp) < 0)
		return VSTREAM_EOF;
	if (n >= VSTREAM_BUFSIZE) {
		if (vstream_fflush(fp) < 0)
			return VSTREAM_EOF;
		return write_all(fp, p, n);
	}
	if (fp->wlen + n > VSTREAM_BUFSIZE && vstream_fflush(fp) < 0)
		return VSTREAM_EOF;
	memcpy(fp->wbuf + fp->wlen, p, n);
	fp->wlen += n;
	return fp->error ? VSTREAM_EOF : 0;
}

int
vstream_puts(struct vstream *fp, const char *s)
{
	return vstream_write(fp, s, strlen(s));
}

int
vstream_putc(struct vstream *fp, int ch)
{
	char c = (char) ch;

	return vstream_write(fp, &c, 1);
}

/* vstream_printf - formatted output */
int
vstream_printf(struct vstream *fp, const char *fmt, ...)
{
	struct vstr *s = vstr_alloc(100);
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vstr_vfmt_append(s, fmt, ap);
	va_end(ap);
	ret = vstream_write(fp, vstr_str(s), vstr_len(s));
	vstr_free(s);
	return ret;
}

/* vstream_ftell - logical position */
off_t
vstream_ftell(struct vstream *fp)
{
	return fp->pos - (off_t) (fp->rend - fp->rpos) + (off_t) fp->wlen;
}

/* vstream_fseek - reposition; returns the new offset or -1 */
off_t
vstream_fseek(struct vstream *fp, off_t off, int whence)
{
	off_t res;

	if (vstream_fflush(fp) < 0)
		return -1;
	if (whence == SEEK_CUR) {
		off += vstream_ftell(fp);
		whence = SEEK_SET;
	}
	if ((res = lseek(fp->fd, off, whence)) < 0) {
		fp->error = true;
		return -1;
	}
	fp->rpos = fp->rend = fp->wlen = 0;
	fp->pos = res;
	fp->eof = false;
	return res;
}

/* vstream_fsync - flush and fsync */
int
vstream_fsync(struct vstream *fp)
{
	if (vstream_fflush(fp) < 0)
		return VSTREAM_EOF;
	return fsync(fp->fd) < 0 ? VSTREAM_EOF : 0;
}
