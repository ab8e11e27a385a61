/*
 * mbox_maildir - deliver one message into a Maildir
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "mbox_maildir.h"
#include "msg.h"
#include "vstr.h"

/* mbox_maildir_host - the host name with "/" and ":" escaped */
void
mbox_maildir_host(struct vstr *out, const char *host)
{
	vstr_reset(out);
	for (const char *cp = host; *cp; cp++) {
		if (*cp == '/')
			vstr_cat(out, "\\057");
		else if (*cp == ':')
			vstr_cat(out, "\\072");
		else
			vstr_addch(out, *cp);
	}
}

/* mbox_maildir_tmpname - the name in tmp/ */
void
mbox_maildir_tmpname(struct vstr *out, long sec, long pid, const char *host)
{
	vstr_fmt(out, "%ld.P%ld.%s", sec, pid, host);
}

/* mbox_maildir_newname - the name in new/ */
void
mbox_maildir_newname(struct vstr *out, long sec, unsigned long dev,
                     unsigned long ino, long usec, const char *host)
{
	vstr_fmt(out, "%ld.V%lxI%lxM%ld.%s", sec, dev, ino, usec, host);
}

/* make_dir - create one directory unless it exists */
static int
make_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* make_maildir - create the maildir and its three subdirectories */
static int
make_maildir(const char *maildir, struct vstr *scratch)
{
	static const char *subs[] = {"tmp", "new", "cur"};

	if (make_dir(maildir) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		vstr_fmt(scratch, "%s/%s", maildir, subs[i]);
		if (make_dir(vstr_str(scratch)) < 0)
			return -1;
	}
	return 0;
}

/* open_tmp - create the tmp/ file, making the directories when needed */
static int
open_tmp(const char *maildir, const char *tmpfile, struct vstr *scratch)
{
	int fd = open(tmpfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0 && errno == ENOENT) {
		if (make_maildir(maildir, scratch) < 0)
			return -1;
		fd = open(tmpfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		          0600);
	}
	return fd;
}

/* sync_dir - fsync a directory so that a new name survives a crash */
static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		if (fsync(fd) < 0)
			msg_warn("fsync %s: %m", dir);
		(void) close(fd);
	}
}

/* link_new - move the finished file from tmp/ into new/ */
static int
link_new(const char *maildir, const char *tmpfile, const struct stat *st,
         const struct timeval *tv, const char *host, struct mbox_why *why)
{
	struct vstr *name = vstr_alloc(100);
	struct vstr *path = vstr_alloc(100);
	int ret = 0;

	mbox_maildir_newname(
	        name, (long) tv->tv_sec, (unsigned long) st->st_dev,
	        (unsigned long) st->st_ino, (long) tv->tv_usec, host);
	vstr_fmt(path, "%s/new/%s", maildir, vstr_str(name));
	if (link(tmpfile, vstr_str(path)) < 0) {
		mbox_why_set(why, mbox_dsn(errno, "4.2.0"),
		             "create maildir file %s: %m", vstr_str(path));
		ret = -1;
	} else {
		vstr_fmt(path, "%s/new", maildir);
		sync_dir(vstr_str(path));
	}
	if (unlink(tmpfile) < 0)
		msg_warn("remove %s: %m", tmpfile);
	vstr_free(name);
	vstr_free(path);
	return ret;
}

/* mbox_maildir_deliver - tmp/, write, fsync, link into new/ */
int
mbox_maildir_deliver(const char *maildir, struct vstream *src, long offset,
                     int copy_flags, const struct mbox_copy_info *info,
                     struct mbox_why *why)
{
	struct vstr *host = vstr_alloc(100);
	struct vstr *tmp = vstr_alloc(100);
	struct vstr *scratch = vstr_alloc(100);
	char hostname[256];
	struct timeval tv;
	struct stat st;
	struct vstream *dst;
	int fd, ret = -1;

	if (gethostname(hostname, sizeof(hostname)) < 0)
		msg_fatal("gethostname: %m");
	hostname[sizeof(hostname) - 1] = 0;
	mbox_maildir_host(host, hostname);
	gettimeofday(&tv, NULL);
	mbox_maildir_tmpname(scratch, (long) tv.tv_sec, (long) getpid(),
	                     vstr_str(host));
	vstr_fmt(tmp, "%s/tmp/%s", maildir, vstr_str(scratch));
	if ((fd = open_tmp(maildir, vstr_str(tmp), scratch)) < 0) {
		mbox_why_set(why, mbox_dsn(errno, "4.2.0"),
		             "create maildir file %s: %m", vstr_str(tmp));
		goto out;
	}
	if (fstat(fd, &st) < 0)
		msg_fatal("fstat %s: %m", vstr_str(tmp));
	dst = vstream_fdopen(fd, VSTREAM_FLAG_NONE);
	if (mbox_copy(src, offset, dst, copy_flags | MBOX_COPY_TOFILE, info,
	              why) != 0) {
		(void) vstream_close(dst);
		(void) unlink(vstr_str(tmp));
		goto out;
	}
	if (vstream_close(dst) != 0) {
		mbox_why_set(why, mbox_dsn(errno, "5.3.0"),
		             "error writing message: %m");
		(void) unlink(vstr_str(tmp));
		goto out;
	}
	ret = link_new(maildir, vstr_str(tmp), &st, &tv, vstr_str(host), why);
out:
	vstr_free(host);
	vstr_free(tmp);
	vstr_free(scratch);
	return ret;
}
