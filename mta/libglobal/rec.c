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

/* rec_type_name - printable name of a record type */
const char *
rec_type_name(int type)
{
	static const struct {
		int type;
		const char *name;
	} names[] = {
	        {REC_TYPE_SIZE, "message_size"},
	        {REC_TYPE_TIME, "message_arrival_time"},
	        {REC_TYPE_CTIME, "create_time"},
	        {REC_TYPE_FULL, "sender_fullname"},
	        {REC_TYPE_FILT, "content_filter"},
	        {REC_TYPE_RDR, "redirect_to"},
	        {REC_TYPE_FLGS, "cleanup_flags"},
	        {REC_TYPE_ATTR, "named_attribute"},
	        {REC_TYPE_FROM, "sender"},
	        {REC_TYPE_DSN_ENVID, "dsn_envelope_id"},
	        {REC_TYPE_DSN_RET, "dsn_return_flags"},
	        {REC_TYPE_DSN_ORCPT, "dsn_original_recipient"},
	        {REC_TYPE_DSN_NOTIFY, "dsn_notify_flags"},
	        {REC_TYPE_ORCP, "original_recipient"},
	        {REC_TYPE_RCPT, "recipient"},
	        {REC_TYPE_DONE, "done_recipient"},
	        {REC_TYPE_WARN, "warning_message_time"},
	        {REC_TYPE_MESG, "message_content"},
	        {REC_TYPE_NORM, "regular_text"},
	        {REC_TYPE_CONT, "continued_text"},
	        {REC_TYPE_XTRA, "extracted_info"},
	        {REC_TYPE_END, "message_end"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return names[i].name;
	return "unknown_record_type";
}
