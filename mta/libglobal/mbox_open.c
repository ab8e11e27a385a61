/*
 * mbox_open - exclusive access to a UNIX mailbox file
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "mbox_open.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

static const struct lock_name {
	const char *name;
	int mask;
} lock_names[] = {
        {"flock", MBOX_LOCK_FLOCK},
        {"fcntl", MBOX_LOCK_FCNTL},
        {"dotlock", MBOX_LOCK_DOT},
        {"dotlock_may_fail", MBOX_LOCK_DOT | MBOX_LOCK_DOT_MAY_FAIL},
};

/* mbox_lock_mask - parse a mailbox_delivery_lock value */
int
mbox_lock_mask(const char *list, struct vstr *why)
{
	char *copy = xstrdup(list ? list : "");
	char *bp = copy;
	char *word;
	int mask = 0;

	while ((word = mystrtok(&bp, LIST_DELIMS)) != NULL) {
		size_t i;

		for (i = 0; i < sizeof(lock_names) / sizeof(lock_names[0]); i++)
			if (strcasecmp(word, lock_names[i].name) == 0)
				break;
		if (i == sizeof(lock_names) / sizeof(lock_names[0])) {
			vstr_fmt(why, "unknown mailbox lock method: %s", word);
			xfree(copy);
			return -1;
		}
		mask |= lock_names[i].mask;
	}
	xfree(copy);
	return mask;
}

/* mbox_why_set - record a status and a reason; %m is strerror(errno) */
void
mbox_why_set(struct mbox_why *why, const char *dsn, const char *fmt, ...)
{
	const char *err = strerror(errno);
	struct vstr *f = vstr_alloc(100);
	va_list ap;

	for (const char *cp = fmt; *cp; cp++) {
		if (cp[0] == '%' && cp[1] == 'm') {
			for (const char *ep = err; *ep; ep++) {
				if (*ep == '%')
					vstr_addch(f, '%');
				vstr_addch(f, *ep);
			}
			cp++;
		} else if (cp[0] == '%' && cp[1] == '%') {
			vstr_cat(f, "%%");
			cp++;
		} else {
			vstr_addch(f, *cp);
		}
	}
	why->dsn = dsn;
	vstr_reset(why->text);
	va_start(ap, fmt);
	vstr_vfmt_append(why->text, vstr_str(f), ap);
	va_end(ap);
	vstr_free(f);
}

/* mbox_dsn - map errno to a mailbox status code */
const char *
mbox_dsn(int err, const char *def_dsn)
{
	if (err == EAGAIN || err == ESTALE)
		return "4.2.0";
	if (err == ENOSPC)
		return "4.3.0";
	if (err == EDQUOT || err == EFBIG)
		return "5.2.2";
	return def_dsn;
}

/* open_existing - open a file that exists, refusing planted links */
static int
open_existing(const char *path, int oflags, struct stat *st,
              struct mbox_why *why, const char *def_dsn)
{
	struct stat lst;
	int fd;

	if (lstat(path, &lst) < 0)
		return -1;
	if (S_ISLNK(lst.st_mode) && lst.st_uid != 0) {
		errno = ELOOP;
		mbox_why_set(why, def_dsn, "file is a symbolic link: %s", path);
		return -2;
	}
	/* Not a link a moment ago: then it must not become one now. */
	fd = open(path, (oflags & ~(O_CREAT | O_EXCL)) | O_CLOEXEC |
	                        O_NONBLOCK |
	                        (S_ISLNK(lst.st_mode) ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0)
		msg_fatal("fstat %s: %m", path);
	if (!S_ISLNK(lst.st_mode) &&
	    (st->st_dev != lst.st_dev || st->st_ino != lst.st_ino)) {
		(void) close(fd);
		errno = EAGAIN;
		mbox_why_set(why, mbox_dsn(EAGAIN, def_dsn),
		             "file %s changed during open", path);
		return -2;
	}
	if (S_ISREG(st->st_mode) && st->st_nlink != 1) {
		(void) close(fd);
		errno = EPERM;
		mbox_why_set(why, def_dsn, "file has %lu hard links: %s",
		             (unsigned long) st->st_nlink, path);
		return -2;
	}
	return fd;
}

/* open_safely - open an existing file or create a new one */
static int
open_safely(const char *path, int oflags, mode_t mode, uid_t uid, gid_t gid,
            struct stat *st, struct mbox_why *why, const char *def_dsn)
{
	for (int tries = 0; tries < 3; tries++) {
		int fd = open_existing(path, oflags, st, why, def_dsn);

		if (fd >= 0 || fd == -2)
			return fd;
		if (errno != ENOENT || (oflags & O_CREAT) == 0)
			break;
		fd = open(path,
		          oflags | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		          mode);
		if (fd < 0) {
			if (errno == EEXIST)
				continue;
			break;
		}
		if (fstat(fd, st) < 0)
			msg_fatal("fstat %s: %m", path);
		if ((uid != (uid_t) -1 && st->st_uid != uid) ||
		    (gid != (gid_t) -1 && st->st_gid != gid)) {
			if (fchown(fd, uid, gid) < 0) {
				int saved = errno;

				msg_warn("cannot change ownership of %s: %m",
				         path);
				(void) close(fd);
				errno = saved;
				break;
			}
			(void) fstat(fd, st);
		}
		return fd;
	}
	mbox_why_set(why, mbox_dsn(errno, def_dsn), "cannot open file: %m");
	return -1;
}

/* take_dotlock - the dot-lock step of mbox_open */
static int
take_dotlock(const char *path, int lock_mask, const struct lock_dot_opts *dot,
             const char *def_dsn, struct mbox_why *why)
{
	struct vstr *reason = vstr_alloc(100);
	int saved;

	if (lock_dotfile(path, dot, reason) == 0) {
		vstr_free(reason);
		return MBOX_LOCK_DOT;
	}
	saved = errno;
	if (saved != EEXIST && (lock_mask & MBOX_LOCK_DOT_MAY_FAIL)) {
		vstr_free(reason);
		return 0;
	}
	why->dsn = mbox_dsn(saved == EEXIST ? EAGAIN : saved, def_dsn);
	vstr_cpy(why->text, vstr_str(reason));
	vstr_free(reason);
	errno = saved;
	return -1;
}

/* mbox_open - lock and open a mailbox file */
struct mbox *
mbox_open(const char *path, int oflags, mode_t mode, uid_t uid, gid_t gid,
          int lock_mask, const struct lock_dot_opts *dot, const char *def_dsn,
          struct mbox_why *why)
{
	struct mbox *mp = xcalloc(1, sizeof(*mp));
	int fd;
	int got;

	mp->path = xstrdup(path);
	if (lock_mask & MBOX_LOCK_DOT) {
		if ((got = take_dotlock(path, lock_mask, dot, def_dsn, why)) <
		    0)
			return mbox_release(mp);
		mp->locked |= got;
	}
	fd = open_safely(path, oflags, mode, uid, gid, &mp->st, why, def_dsn);
	if (fd < 0)
		return mbox_release(mp);
	mp->fp = vstream_fdopen(fd, VSTREAM_FLAG_NONE);
	if (S_ISREG(mp->st.st_mode)) {
		static const int styles[][2] = {
		        {MBOX_LOCK_FLOCK, LOCK_STYLE_FLOCK},
		        {MBOX_LOCK_FCNTL, LOCK_STYLE_FCNTL},
		};
		for (size_t i = 0; i < 2; i++) {
			if ((lock_mask & styles[i][0]) == 0)
				continue;
			if (lock_fd(fd, styles[i][1], LOCK_OP_EXCL) < 0) {
				mbox_why_set(why, mbox_dsn(errno, def_dsn),
				             "unable to lock for exclusive "
				             "access: %m");
				return mbox_release(mp);
			}
			mp->locked |= styles[i][0];
		}
		/* The file may have been replaced while we waited. */
		if (fstat(fd, &mp->st) < 0 || mp->st.st_nlink != 1) {
			errno = EAGAIN;
			mbox_why_set(why, mbox_dsn(EAGAIN, def_dsn),
			             "target file status changed unexpectedly");
			msg_warn("%s: file status changed unexpectedly", path);
			return mbox_release(mp);
		}
	}
	(void) vstream_fseek(mp->fp, 0, SEEK_END);
	return mp;
}

/* mbox_release - close, unlock and free */
struct mbox *
mbox_release(struct mbox *mp)
{
	if (mp->fp)
		(void) vstream_close(mp->fp);
	if (mp->locked & MBOX_LOCK_DOT)
		lock_dotfile_release(mp->path);
	xfree(mp->path);
	xfree(mp);
	return NULL;
}
