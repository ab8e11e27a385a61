/*
 * flush_log - the per-site logs of deferred queue IDs
 *
 * A log is flush/NAME (flush_site_path), one queue ID a line, appended
 * to by "add" and rewritten by "send_site" and "refresh", always under
 * an exclusive lock. Its access time records the last time it was
 * flushed (set explicitly, whatever the mount options), its
 * modification time the last change.
 *
 * SECURITY
 *	Only IDs that pass mail_queue_id_ok() are read from a log or
 *	added to one, so a log can name no file outside deferred/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "flush.h"
#include "flush_clnt.h"
#include "htable.h"
#include "lock_file.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

/* Hash levels of flush/ we walk at most. */
#define FLUSH_MAX_DEPTH 4

/* What became of one queue ID. */
enum flush_one_status { FLUSH_ONE_MOVED, FLUSH_ONE_GONE, FLUSH_ONE_KEEP };

/* open_locked - open and lock a log; -1 with errno when it cannot be */
static int
open_locked(const char *path, int flags)
{
	struct stat st;

	for (int tries = 0; tries < 10; tries++) {
		int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0600);

		if (fd < 0 && errno == ENOENT && (flags & O_CREAT) &&
		    mail_queue_mkparents(path) == 0)
			fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -1;
		if (lock_fd(fd, LOCK_STYLE_FLOCK, LOCK_OP_EXCL) < 0 ||
		    fstat(fd, &st) < 0) {
			int saved = errno;

			(void) close(fd);
			errno = saved;
			return -1;
		}
		/* Removed by a refresh while we waited for the lock? */
		if (st.st_nlink > 0 && S_ISREG(st.st_mode))
			return fd;
		(void) close(fd);
	}
	errno = EAGAIN;
	return -1;
}

/* flush_log_add - remember that queue_id waits for site */
int
flush_log_add(const char *site, const char *queue_id)
{
	struct vstr *path, *line;
	int status, fd;

	if (!flush_site_ok(site) || !mail_queue_id_ok(queue_id))
		return FLUSH_STAT_BAD;
	if ((status = flush_policy(site)) != FLUSH_STAT_OK)
		return status;
	path = vstr_alloc(64);
	line = vstr_alloc(64);
	flush_site_path(path, site);
	vstr_fmt(line, "%s\n", queue_id);
	if ((fd = open_locked(vstr_str(path), O_WRONLY | O_APPEND | O_CREAT)) <
	    0) {
		msg_warn("open %s: %m", vstr_str(path));
		status = FLUSH_STAT_FAIL;
	} else if (write(fd, vstr_str(line), vstr_len(line)) !=
	           (ssize_t) vstr_len(line)) {
		msg_warn("write %s: %m", vstr_str(path));
		status = FLUSH_STAT_FAIL;
	}
	if (fd >= 0 && close(fd) < 0 && status == FLUSH_STAT_OK) {
		msg_warn("close %s: %m", vstr_str(path));
		status = FLUSH_STAT_FAIL;
	}
	if (msg_verbose && status == FLUSH_STAT_OK)
		msg_info("%s: site %s queue_id %s", __func__, site, queue_id);
	vstr_free(path);
	vstr_free(line);
	return status;
}

/* flush_one - make one deferred message due now and move it to incoming */
static enum flush_one_status
flush_one(const char *queue_id)
{
	struct vstr *path = vstr_alloc(64);
	enum flush_one_status ret = FLUSH_ONE_MOVED;
	struct stat st;

	mail_queue_path(path, MAIL_QUEUE_DEFERRED, queue_id);
	if (lstat(vstr_str(path), &st) < 0 || !S_ISREG(st.st_mode)) {
		/* Delivered, in another queue, or removed. */
		ret = FLUSH_ONE_GONE;
	} else if (utimes(vstr_str(path), NULL) < 0) {
		if (errno == ENOENT)
			ret = FLUSH_ONE_GONE;
		else {
			msg_warn("%s: update %s time stamps: %m", queue_id,
			         vstr_str(path));
			ret = FLUSH_ONE_KEEP;
		}
	} else if (mail_queue_rename(queue_id, MAIL_QUEUE_DEFERRED,
	                             MAIL_QUEUE_INCOMING) < 0) {
		if (errno == ENOENT)
			ret = FLUSH_ONE_GONE;
		else {
			msg_warn("%s: move to %s: %m", queue_id,
			         MAIL_QUEUE_INCOMING);
			ret = FLUSH_ONE_KEEP;
		}
	}
	if (msg_verbose)
		msg_info("%s: %s: %s", __func__, queue_id,
		         ret == FLUSH_ONE_MOVED  ? "moved"
		         : ret == FLUSH_ONE_GONE ? "not deferred"
		                                 : "kept");
	vstr_free(path);
	return ret;
}

/* read_all - the whole content of fd, from the start; -1 on error */
static int
read_all(int fd, struct vstr *buf)
{
	char chunk[4096];
	ssize_t n;

	vstr_reset(buf);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		vstr_cat_mem(buf, chunk, (size_t) n);
	return n < 0 ? -1 : 0;
}

/* send_ids - flush every ID of a log text; keep the ones still waiting */
static int
send_ids(char *text, struct vstr *keep)
{
	struct htable *seen = htable_create(100);
	char *cp = text, *id;
	int moved = 0;

	vstr_reset(keep);
	while ((id = mystrtok(&cp, "\n")) != NULL) {
		if (!mail_queue_id_ok(id) || htable_locate(seen, id))
			continue;
		htable_enter(seen, id, NULL);
		switch (flush_one(id)) {
		case FLUSH_ONE_MOVED:
			moved++;
			break;
		case FLUSH_ONE_KEEP:
			vstr_fmt_append(keep, "%s\n", id);
			break;
		case FLUSH_ONE_GONE:
			break;
		}
	}
	htable_free(seen, NULL);
	return moved;
}

/* send_fd - flush the IDs of an open, locked log and rewrite it */
static int
send_fd(int fd, const char *path, int *moved)
{
	struct vstr *text = vstr_alloc(256), *keep = vstr_alloc(64);
	struct timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	int ret = 0;

	if (read_all(fd, text) < 0) {
		msg_warn("read %s: %m", path);
		ret = -1;
	} else {
		*moved += send_ids(vstr_str(text), keep);
		if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
		    write(fd, vstr_str(keep), vstr_len(keep)) !=
		            (ssize_t) vstr_len(keep)) {
			msg_warn("rewrite %s: %m", path);
			ret = -1;
		}
		/* The access time says when this log was last flushed. */
		(void) futimens(fd, ts);
	}
	vstr_free(text);
	vstr_free(keep);
	return ret;
}

/* trigger_qmgr - tell qmgr about the mail in incoming/ */
static void
trigger_qmgr(const char *req, size_t len)
{
	if (mail_trigger(MAIL_CLASS_PUBLIC, var_queue_service_name, req, len) <
	    0)
		msg_warn("trigger %s/%s: %m", MAIL_CLASS_PUBLIC,
		         var_queue_service_name);
}

/* trigger_delivery - a site is reachable again: forget dead state, scan */
static void
trigger_delivery(void)
{
	static const char req[] = {QMGR_REQ_FLUSH_DEAD, QMGR_REQ_SCAN_INCOMING};

	trigger_qmgr(req, sizeof(req));
}

/* flush_log_send_site - deliver the deferred mail of site now */
int
flush_log_send_site(const char *site)
{
	struct vstr *path;
	int status, fd, moved = 0;

	if (!flush_site_ok(site))
		return FLUSH_STAT_BAD;
	if ((status = flush_policy(site)) != FLUSH_STAT_OK)
		return status;
	path = vstr_alloc(64);
	flush_site_path(path, site);
	if ((fd = open_locked(vstr_str(path), O_RDWR)) < 0) {
		if (errno != ENOENT) {
			msg_warn("open %s: %m", vstr_str(path));
			status = FLUSH_STAT_FAIL;
		}
	} else {
		if (send_fd(fd, vstr_str(path), &moved) < 0)
			status = FLUSH_STAT_FAIL;
		(void) close(fd);
	}
	if (moved > 0)
		trigger_delivery();
	if (msg_verbose)
		msg_info("%s: site %s: %d queued", __func__, site, moved);
	vstr_free(path);
	return status;
}

/* flush_log_send_file - deliver one deferred message now */
int
flush_log_send_file(const char *queue_id)
{
	if (!mail_queue_id_ok(queue_id))
		return FLUSH_STAT_BAD;
	if (flush_one(queue_id) == FLUSH_ONE_MOVED)
		trigger_delivery();
	return FLUSH_STAT_OK;
}

/* refresh_one - purge an old empty log, or flush an old non-empty one */
static void
refresh_one(const char *path, long max_age, time_t now, int *moved)
{
	struct stat st;
	int fd;

	if ((fd = open_locked(path, O_RDWR)) < 0) {
		if (errno != ENOENT)
			msg_warn("open %s: %m", path);
		return;
	}
	if (fstat(fd, &st) < 0) {
		msg_warn("fstat %s: %m", path);
	} else if (st.st_size == 0) {
		if (st.st_mtime + var_fast_flush_purge_time <= now &&
		    unlink(path) < 0)
			msg_warn("remove %s: %m", path);
	} else if (max_age == 0 || st.st_atime + max_age <= now) {
		(void) send_fd(fd, path, moved);
	}
	(void) close(fd);
}

/* refresh_dir - refresh the logs of one directory, and its hash levels */
static void
refresh_dir(const char *dir, int depth, long max_age, time_t now, int *moved)
{
	struct vstr *path = vstr_alloc(64);
	struct dirent *de;
	struct stat st;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		msg_warn("open directory %s: %m", dir);
		vstr_free(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		vstr_fmt(path, "%s/%s", dir, de->d_name);
		if (lstat(vstr_str(path), &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && strlen(de->d_name) == 1 &&
		    depth < FLUSH_MAX_DEPTH)
			refresh_dir(vstr_str(path), depth + 1, max_age, now,
			            moved);
		else if (S_ISREG(st.st_mode))
			refresh_one(vstr_str(path), max_age, now, moved);
	}
	closedir(d);
	vstr_free(path);
}

/* flush_log_refresh - refresh logs older than max_age (0: all) */
void
flush_log_refresh(long max_age)
{
	static const char req[] = {QMGR_REQ_SCAN_INCOMING};
	int moved = 0;

	refresh_dir(MAIL_QUEUE_FLUSH, 0, max_age, time(NULL), &moved);
	if (moved > 0)
		trigger_qmgr(req, sizeof(req));
	if (msg_verbose)
		msg_info("%s: %d queued", __func__, moved);
}
