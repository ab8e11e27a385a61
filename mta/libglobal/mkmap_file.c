/*
 * mkmap_file - postmap -F: values that are the content of files
 *
 * When building, the value names one or more files (separated by commas
 * or white space); the table stores the BASE64 encoding of their content,
 * joined with a newline between files. When reading, the value is
 * decoded. This carries PEM data (TLS keys and certificates for SNI) in
 * a table.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "mkmap.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

static const char b64chars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64_encode - append the BASE64 encoding of data */
static void
b64_encode(struct vstr *out, const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < len; i += 3) {
		unsigned long n = (unsigned long) data[i] << 16;

		if (i + 1 < len)
			n |= (unsigned long) data[i + 1] << 8;
		if (i + 2 < len)
			n |= data[i + 2];
		vstr_addch(out, b64chars[(n >> 18) & 63]);
		vstr_addch(out, b64chars[(n >> 12) & 63]);
		vstr_addch(out, i + 1 < len ? b64chars[(n >> 6) & 63] : '=');
		vstr_addch(out, i + 2 < len ? b64chars[n & 63] : '=');
	}
}

/* b64_value - the 6-bit value of a BASE64 character, -1 if none */
static int
b64_value(int ch)
{
	const char *cp = ch ? strchr(b64chars, ch) : NULL;

	return cp ? (int) (cp - b64chars) : -1;
}

/* mkmap_b64_decode - decode into out; false when in is not BASE64 */
bool
mkmap_b64_decode(struct vstr *out, const char *in)
{
	size_t len = strlen(in);

	vstr_reset(out);
	if (len % 4 != 0)
		return false;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		bool last = i + 4 == len;

		for (int j = 0; j < 4; j++) {
			if (last && j >= 2 && in[i + j] == '=' &&
			    (j == 3 || in[i + 3] == '=')) {
				v[j] = 0;
				pad++;
			} else if ((v[j] = b64_value(in[i + j])) < 0) {
				return false;
			}
		}
		vstr_addch(out, (v[0] << 2) | (v[1] >> 4));
		if (pad < 2)
			vstr_addch(out, ((v[1] & 15) << 4) | (v[2] >> 2));
		if (pad < 1)
			vstr_addch(out, ((v[2] & 3) << 6) | v[3]);
	}
	return true;
}

/* read_file - append a whole file; -1 with the reason */
static int
read_file(struct vstr *out, const char *path, struct vstr *why)
{
	char chunk[8192];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		vstr_fmt(why, "open %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			vstr_fmt(why, "read %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		vstr_cat_mem(out, chunk, (size_t) n);
	}
	close(fd);
	return 0;
}

/* mkmap_file_value - BASE64 of the named files; -1 with the reason */
int
mkmap_file_value(struct vstr *out, const char *files, struct vstr *why)
{
	char *copy = xstrdup(files), *cp = copy, *name;
	struct vstr *data = vstr_alloc(1024);
	int rc = 0;

	while (rc == 0 && (name = mystrtok(&cp, LIST_DELIMS)) != NULL) {
		if (vstr_len(data) > 0)
			vstr_addch(data, '\n');
		rc = read_file(data, name, why);
	}
	vstr_reset(out);
	if (rc == 0)
		b64_encode(out, (const unsigned char *) vstr_str(data),
		           vstr_len(data));
	vstr_free(data);
	xfree(copy);
	return rc;
}
