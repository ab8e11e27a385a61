/*
 * mail_queue - queue directories, queue IDs and queue file paths
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail_params.h"
#include "mail_queue.h"
#include "stringops.h"

/* Digits of the long queue ID: sorted in ASCII order, no vowels. */
static const char b52[] =
        "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
#define B51_LEN 51 /* the same without 'z', which separates the inode */

/* mail_queue_hashed - is queue listed in hash_queue_names? */
bool
mail_queue_hashed(const char *queue)
{
	return list_has_word(var_hash_queue_names, queue);
}

/* hash_char - the character of id that picks a hash subdirectory */
static const char *
hash_chars(const char *id)
{
	const char *z = strchr(id, 'z');

	/* Long IDs: the microseconds part; short IDs: the first digits. */
	if (z && strlen(id) > 10)
		return id + 6;
	return id;
}

/* mail_queue_dir - directory of a queue file */
const char *
mail_queue_dir(struct vstr *buf, const char *queue, const char *id)
{
	vstr_cpy(buf, queue);
	if (id && mail_queue_hashed(queue)) {
		const char *h = hash_chars(id);

		for (int i = 0; i < var_hash_queue_depth && h[i]; i++)
			vstr_fmt_append(buf, "/%c", h[i]);
	}
	return vstr_str(buf);
}

/* mail_queue_path - path of a queue file */
const char *
mail_queue_path(struct vstr *buf, const char *queue, const char *id)
{
	mail_queue_dir(buf, queue, id);
	vstr_fmt_append(buf, "/%s", id);
	return vstr_str(buf);
}

/* mail_queue_id_ok - short (hex) or long (base 52) queue ID? */
bool
mail_queue_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n < 6 || n > 40)
		return false;
	if (strspn(id, "0123456789ABCDEF") == n)
		return true;
	return strspn(id, b52) == n && strchr(id, 'z') != NULL;
}

/* mail_queue_name_ok - a plain queue name */
bool
mail_queue_name_ok(const char *queue)
{
	return *queue && strlen(queue) < 100 &&
	       strspn(queue, "abcdefghijklmnopqrstuvwxyz") == strlen(queue);
}

/* put_base - append n in base "base" with at least width digits */
static void
put_base(struct vstr *id, unsigned long long n, unsigned base, int width)
{
	char tmp[64];
	int len = 0;

	do {
		tmp[len++] = b52[n % base];
		n /= base;
	} while (n && len < (int) sizeof(tmp));
	while (len < width && len < (int) sizeof(tmp))
		tmp[len++] = '0';
	while (len > 0)
		vstr_addch(id, tmp[--len]);
}

/* mail_queue_id_make - queue ID from arrival time and inode */
void
mail_queue_id_make(struct vstr *id, const struct timeval *tv, ino_t inode)
{
	vstr_reset(id);
	if (var_enable_long_queue_ids) {
		put_base(id, (unsigned long long) tv->tv_sec, 52, 6);
		put_base(id, (unsigned long long) tv->tv_usec, 52, 4);
		vstr_addch(id, 'z');
		put_base(id, (unsigned long long) inode, B51_LEN, 1);
	} else {
		vstr_fmt(id, "%05X%lX", (unsigned) tv->tv_usec,
		         (unsigned long) inode);
	}
}

/* mail_queue_mkparents - create the missing directories leading to path */
int
mail_queue_mkparents(const char *path)
{
	struct vstr *dir = vstr_alloc(64);
	int ret = 0;

	for (const char *cp = strchr(path, '/'); cp; cp = strchr(cp + 1, '/')) {
		if (cp == path)
			continue;
		vstr_mem(dir, path, (size_t) (cp - path));
		if (mkdir(vstr_str(dir), 0700) < 0 && errno != EEXIST) {
			ret = -1;
			break;
		}
	}
	vstr_free(dir);
	return ret;
}

/* mail_queue_enter - create a new queue file named by its queue ID */
struct vstream *
mail_queue_enter(const char *queue, int mode, struct vstr *id,
                 struct vstr *path, struct timeval *tv)
{
	struct vstr *tmp = vstr_alloc(64);
	static unsigned long seq;
	struct stat st;
	int fd;

	vstr_fmt(tmp, "%s/.%ld.%lu", queue, (long) getpid(), seq++);
	fd = open(vstr_str(tmp), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	          (mode_t) mode);
	if (fd < 0 || fstat(fd, &st) < 0)
		goto fail;
	for (;;) {
		gettimeofday(tv, NULL);
		mail_queue_id_make(id, tv, st.st_ino);
		mail_queue_path(path, queue, vstr_str(id));
		if (renameat2(AT_FDCWD, vstr_str(tmp), AT_FDCWD, vstr_str(path),
		              RENAME_NOREPLACE) == 0)
			break;
		if (errno == ENOENT &&
		    mail_queue_mkparents(vstr_str(path)) == 0)
			continue;
		if (errno != EEXIST)
			goto fail;
		usleep(10);
	}
	vstr_free(tmp);
	return vstream_fdopen(fd, VSTREAM_FLAG_NONE);
fail:
	if (fd >= 0) {
		int saved = errno;

		(void) unlink(vstr_str(tmp));
		(void) close(fd);
		errno = saved;
	}
	vstr_free(tmp);
	return NULL;
}

/* mail_queue_rename - move a queue file to another queue */
int
mail_queue_rename(const char *id, const char *old_queue, const char *new_queue)
{
	struct vstr *from = vstr_alloc(64), *to = vstr_alloc(64);
	int ret;

	mail_queue_path(from, old_queue, id);
	mail_queue_path(to, new_queue, id);
	ret = rename(vstr_str(from), vstr_str(to));
	if (ret < 0 && errno == ENOENT && access(vstr_str(from), F_OK) == 0 &&
	    mail_queue_mkparents(vstr_str(to)) == 0)
		ret = rename(vstr_str(from), vstr_str(to));
	vstr_free(from);
	vstr_free(to);
	return ret;
}

/* mail_queue_remove - unlink a queue file */
int
mail_queue_remove(const char *queue, const char *id)
{
	struct vstr *path = vstr_alloc(64);
	int ret = unlink(mail_queue_path(path, queue, id));

	vstr_free(path);
	return ret;
}

/* mail_queue_open - open an existing queue file */
struct vstream *
mail_queue_open(const char *queue, const char *id, int flags, int mode)
{
	struct vstr *path = vstr_alloc(64);
	struct vstream *fp;

	fp = vstream_open(mail_queue_path(path, queue, id), flags, mode);
	vstr_free(path);
	return fp;
}

/* mail_queue_fsync_dir - make a rename or create in a queue durable */
int
mail_queue_fsync_dir(const char *queue, const char *id)
{
	struct vstr *dir = vstr_alloc(64);
	int fd, ret = -1;

	fd = open(mail_queue_dir(dir, queue, id),
	          O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		ret = fsync(fd);
		(void) close(fd);
	}
	vstr_free(dir);
	return ret;
}

/* mkdir_owned - one directory with owner, group and mode, fixed if wrong */
static int
mkdir_owned(const char *path, uid_t uid, gid_t gid, mode_t mode,
            struct vstr *why)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST) {
		vstr_fmt(why, "create directory %s: %s", path, strerror(errno));
		return -1;
	}
	if (chown(path, uid, gid) < 0 || chmod(path, mode) < 0) {
		vstr_fmt(why, "set owner/mode of %s: %s", path,
		         strerror(errno));
		return -1;
	}
	return 0;
}

/* mail_queue_mkdirs - the queue directory tree, relative to the cwd */
int
mail_queue_mkdirs(uid_t owner, gid_t group, struct vstr *why)
{
	static const char *const plain[] = {
	        MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE,  MAIL_QUEUE_DEFERRED,
	        MAIL_QUEUE_HOLD,     MAIL_QUEUE_CORRUPT, MAIL_QUEUE_BOUNCE,
	        MAIL_QUEUE_DEFER,    MAIL_QUEUE_TRACE,   MAIL_QUEUE_FLUSH,
	        MAIL_QUEUE_SAVED,    "private",
	};
	struct group *gr = getgrnam(var_setgid_group);
	gid_t postdrop = gr ? gr->gr_gid : group;

	(void) group;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (mkdir_owned(plain[i], owner, group, 0700, why) < 0)
			return -1;
	if (mkdir_owned(MAIL_QUEUE_MAILDROP, owner, postdrop, 01730, why) < 0 ||
	    mkdir_owned("public", owner, postdrop, 0710, why) < 0 ||
	    mkdir_owned("pid", 0, 0, 0755, why) < 0)
		return -1;
	return 0;
}
