/*
 * linefile - physical and logical lines of configuration files
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "linefile.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

/* linefile_from_text - split text into physical lines */
struct linefile *
linefile_from_text(const char *path, const char *text)
{
	struct linefile *lf = xmalloc(sizeof(*lf));
	const char *nl;

	lf->path = xstrdup(path);
	lf->lines = argv_alloc(64);
	while (*text) {
		if ((nl = strchr(text, '\n')) == NULL) {
			argv_add(lf->lines, text);
			break;
		}
		argv_addn(lf->lines, text, (size_t) (nl - text));
		text = nl + 1;
	}
	return lf;
}

/* linefile_read - load a file; NULL with reason on error */
struct linefile *
linefile_read(const char *path, struct vstr *why)
{
	FILE *fp;
	struct vstr *buf;
	struct linefile *lf;
	char chunk[8192];
	size_t n;

	if ((fp = fopen(path, "re")) == NULL) {
		vstr_fmt(why, "open %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = vstr_alloc(8192);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		vstr_cat_mem(buf, chunk, n);
	if (ferror(fp)) {
		vstr_fmt(why, "read %s: %s", path, strerror(errno));
		fclose(fp);
		vstr_free(buf);
		return NULL;
	}
	fclose(fp);
	if (memchr(vstr_str(buf), 0, vstr_len(buf)) != NULL)
		msg_warn("%s: file contains a null byte; text after it on "
		         "that line is ignored",
		         path);
	lf = linefile_from_text(path, vstr_str(buf));
	vstr_free(buf);
	return lf;
}

/* linefile_free - destroy, return NULL */
struct linefile *
linefile_free(struct linefile *lf)
{
	if (lf) {
		xfree(lf->path);
		argv_free(lf->lines);
		xfree(lf);
	}
	return NULL;
}

/* is_skipped - blank or comment line */
static bool
is_skipped(const char *line)
{
	while (isspace((unsigned char) *line))
		line++;
	return *line == 0 || *line == '#';
}

/* linefile_next - next logical line at or after *pos */
bool
linefile_next(const struct linefile *lf, size_t *pos, struct logical_line *ll)
{
	size_t i = *pos;
	char **lines = lf->lines->argv;

	while (i < lf->lines->argc && is_skipped(lines[i]))
		i++;
	if (i >= lf->lines->argc) {
		*pos = i;
		return false;
	}
	if (ll->text == NULL)
		ll->text = vstr_alloc(256);
	ll->first = ll->last = i;
	ll->leading_space = isspace((unsigned char) lines[i][0]);
	vstr_cpy(ll->text, lines[i]);
	for (i++; i < lf->lines->argc; i++) {
		if (is_skipped(lines[i]))
			continue;
		if (!isspace((unsigned char) lines[i][0]))
			break;
		vstr_cat(ll->text, lines[i]);
		ll->last = i;
	}
	*pos = ll->last + 1;
	return true;
}

/* fsync_dir - make a rename durable */
static int
fsync_dir(const char *path, struct vstr *why)
{
	char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	int fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fsync(fd) < 0) {
		vstr_fmt(why, "fsync directory %s: %s", dir, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	xfree(copy);
	return rc;
}

/* write_all - write a whole buffer */
static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t) n;
	}
	return 0;
}

/* file_replace - atomically replace a file's content */
int
file_replace(const char *path, const char *data, size_t len, struct vstr *why)
{
	struct vstr *tmp = vstr_alloc(256);
	struct stat st;
	mode_t mode = 0644;
	int fd;

	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	vstr_fmt(tmp, "%s.tmp", path);
	fd = open(vstr_str(tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	          mode);
	if (fd < 0) {
		vstr_fmt(why, "create %s: %s", vstr_str(tmp), strerror(errno));
		vstr_free(tmp);
		return -1;
	}
	if (write_all(fd, data, len) < 0 || fchmod(fd, mode) < 0 ||
	    fsync(fd) < 0) {
		vstr_fmt(why, "write %s: %s", vstr_str(tmp), strerror(errno));
		close(fd);
		unlink(vstr_str(tmp));
		vstr_free(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(vstr_str(tmp), path) < 0) {
		vstr_fmt(why, "rename %s to %s: %s", vstr_str(tmp), path,
		         strerror(errno));
		unlink(vstr_str(tmp));
		vstr_free(tmp);
		return -1;
	}
	vstr_free(tmp);
	return fsync_dir(path, why);
}

/* linefile_write - write all physical lines back atomically */
int
linefile_write(const struct linefile *lf, struct vstr *why)
{
	struct vstr *buf = vstr_alloc(8192);
	int rc;

	for (size_t i = 0; i < lf->lines->argc; i++) {
		vstr_cat(buf, lf->lines->argv[i]);
		vstr_addch(buf, '\n');
	}
	rc = file_replace(lf->path, vstr_str(buf), vstr_len(buf), why);
	vstr_free(buf);
	return rc;
}
