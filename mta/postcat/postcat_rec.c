/*
 * NAME
 *	postcat_rec - read one queue file record, defensively
 * DESCRIPTION
 *	The length of a record is a base-128 number (rec.h). Like Postfix,
 *	postcat decodes it into 32 bits: more than five length bytes is
 *	"too many length bits", a value with the sign bit set is an
 *	"illegal length". The data is read in pieces, so a record that
 *	claims gigabytes in a small file costs no more memory than the
 *	file holds; the short read is reported as "unexpected EOF in data".
 */
#include <stdint.h>

#include "msg.h"
#include "postcat.h"
#include "rec.h"

#define PC_READ_CHUNK 65536

/* get_length - the varint after the type byte; -1 after a warning */
static int
get_length(struct vstream *in, const char *name, int type, int32_t *lenp)
{
	uint32_t len = 0;
	int ch;

	for (int shift = 0;; shift += 7) {
		if (shift >= 32) {
			msg_warn("%s: too many length bits, record type %d",
			         name, type);
			return -1;
		}
		if ((ch = vstream_getc(in)) == VSTREAM_EOF) {
			msg_warn("%s: unexpected EOF reading length, record "
			         "type %d",
			         name, type);
			return -1;
		}
		len |= (uint32_t) (ch & 0x7f) << shift;
		if ((ch & 0x80) == 0)
			break;
	}
	*lenp = (int32_t) len;
	if (*lenp < 0) {
		msg_warn("%s: illegal length %ld, record type %d", name,
		         (long) *lenp, type);
		return -1;
	}
	return 0;
}

/* postcat_rec_get - one record into buf; its type, EOF or ERROR */
int
postcat_rec_get(struct vstream *in, const char *name, struct vstr *buf)
{
	int type;

	vstr_reset(buf);
	if ((type = vstream_getc(in)) == VSTREAM_EOF)
		return vstream_ferror(in) ? REC_TYPE_ERROR : REC_TYPE_EOF;
	return postcat_rec_get_rest(in, name, type, buf);
}

/* postcat_rec_get_rest - the same, when the type byte was read already */
int
postcat_rec_get_rest(struct vstream *in, const char *name, int type,
                     struct vstr *buf)
{
	int32_t len;
	size_t want, got, done = 0;

	vstr_reset(buf);
	if (get_length(in, name, type, &len) < 0)
		return REC_TYPE_ERROR;
	while (done < (size_t) len) {
		want = (size_t) len - done;
		if (want > PC_READ_CHUNK)
			want = PC_READ_CHUNK;
		vstr_reserve(buf, want);
		got = vstream_read(in, vstr_str(buf) + done, want);
		done += got;
		buf->len = done;
		buf->buf[done] = 0;
		if (got < want) {
			msg_warn("%s: unexpected EOF in data, record type %d "
			         "length %ld",
			         name, type, (long) len);
			return REC_TYPE_ERROR;
		}
	}
	return type;
}
