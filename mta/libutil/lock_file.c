/*
 * lock_file - kernel locks and dot-lock files for mailbox delivery
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock_file.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

/* lock_fcntl - whole-file POSIX record lock */
static int
lock_fcntl(int fd, int op)
{
	struct flock fl;
	int cmd = (op & LOCK_OP_NOWAIT) ? F_SETLK : F_SETLKW;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = (op & LOCK_OP_EXCL) ? F_WRLCK : F_UNLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 0;
	while (fcntl(fd, cmd, &fl) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EACCES)
			errno = EAGAIN;
		return -1;
	}
	return 0;
}

/* lock_flock - BSD whole-file lock */
static int
lock_flock(int fd, int op)
{
	int how = (op & LOCK_OP_EXCL) ? LOCK_EX : LOCK_UN;

	if (op & LOCK_OP_NOWAIT)
		how |= LOCK_NB;
	while (flock(fd, how) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			errno = EAGAIN;
		return -1;
	}
	return 0;
}

/* lock_fd - apply or remove an exclusive lock of one style */
int
lock_fd(int fd, int style, int op)
{
	switch (style) {
	case LOCK_STYLE_FCNTL:
		return lock_fcntl(fd, op);
	case LOCK_STYLE_FLOCK:
		return lock_flock(fd, op);
	default:
		msg_panic("%s: bad lock style %d", __func__, style);
	}
}

/* dot_stale - remove a lock file older than the stale limit */
static void
dot_stale(const char *lock, const struct lock_dot_opts *o)
{
	struct stat st;
	time_t now = o->now ? o->now(NULL) : time(NULL);

	if (stat(lock, &st) == 0 && now > st.st_mtime + o->stale) {
		if (unlink(lock) < 0 && errno != ENOENT)
			msg_warn("cannot remove stale lock file %s: %m", lock);
	}
}

/* lock_dotfile - create PATH.lock, retrying while it exists */
int
lock_dotfile(const char *path, const struct lock_dot_opts *o, struct vstr *why)
{
	struct vstr *lock = vstr_alloc(100);
	int attempts = o->attempts > 0 ? o->attempts : 1;
	int saved = 0;
	int fd;

	vstr_fmt(lock, "%s.lock", path);
	for (int i = 0; i < attempts; i++) {
		fd = open(vstr_str(lock), O_WRONLY | O_CREAT | O_EXCL, 0);
		if (fd >= 0) {
			(void) close(fd);
			vstr_free(lock);
			return 0;
		}
		saved = errno;
		if (saved != EEXIST)
			break;
		dot_stale(vstr_str(lock), o);
		if (i + 1 < attempts && o->delay > 0)
			sleep((unsigned) o->delay);
	}
	vstr_fmt(why, "cannot create lock file %s: %s", vstr_str(lock),
	         strerror(saved));
	vstr_free(lock);
	errno = saved;
	return -1;
}

/* lock_dotfile_release - remove PATH.lock */
void
lock_dotfile_release(const char *path)
{
	struct vstr *lock = vstr_alloc(100);

	vstr_fmt(lock, "%s.lock", path);
	if (unlink(vstr_str(lock)) < 0 && errno != ENOENT)
		msg_warn("remove lock file %s: %m", vstr_str(lock));
	vstr_free(lock);
}
