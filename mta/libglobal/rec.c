/*
 * rec - queue file records
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "rec.h"

/* The types rec_get() accepts. */
static const char rec_types[] = "CTcFQ>fASi<onORDWMNUXE";

/* rec_put - one record: type, varint length, data */
int
rec_put(struct vstream *fp, int type, const void *data, size_t len)
{
	unsigned char hdr[1 + 10];
	size_t n = 0, left = len;

	hdr[n++] = (unsigned char) type;
	do {
		unsigned char b = left & 0x7f;

		left >>= 7;
		hdr[n++] = left ? (unsigned char) (b | 0x80) : b;
	} while (left);
	if (vstream_write(fp, hdr, n) < 0 ||
	    (len && vstream_write(fp, data, len) < 0))
		return REC_TYPE_ERROR;
	return type;
}

/* rec_puts - a string record */
int
rec_puts(struct vstream *fp, int type, const char *s)
{
	return rec_put(fp, type, s, strlen(s));
}

/* rec_fprintf - a formatted record */
int
rec_fprintf(struct vstream *fp, int type, const char *fmt, ...)
{
	struct vstr *s = vstr_alloc(64);
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vstr_vfmt_append(s, fmt, ap);
	va_end(ap);
	ret = rec_put(fp, type, vstr_str(s), vstr_len(s));
	vstr_free(s);
	return ret;
}

/* rec_get - one record into buf; its type, or EOF/ERROR */
int
rec_get(struct vstream *fp, struct vstr *buf, size_t limit)
{
	int type, ch, shift = 0;
	size_t len = 0;

	vstr_reset(buf);
	if ((type = vstream_getc(fp)) == VSTREAM_EOF)
		return vstream_ferror(fp) ? REC_TYPE_ERROR : REC_TYPE_EOF;
	if (strchr(rec_types, type) == NULL || type == 0)
		return REC_TYPE_ERROR;
	do {
		if ((ch = vstream_getc(fp)) == VSTREAM_EOF || shift > 56)
			return REC_TYPE_ERROR;
		len |= (size_t) (ch & 0x7f) << shift;
		shift += 7;
	} while (ch & 0x80);
	if (limit && len > limit)
		return REC_TYPE_ERROR;
	vstr_reserve(buf, len);
	if (len && vstream_read(fp, vstr_str(buf), len) != len)
		return REC_TYPE_ERROR;
	buf->len = len;
	buf->buf[len] = 0;
	return type;
}

/* rec_put_type - overwrite the type byte of a record in place */
int
rec_put_type(int fd, int type, off_t offset)
{
	unsigned char t = (unsigned char) type;

	return pwrite(fd, &t, 1, offset) == 1 ? 0 : -1;
}
