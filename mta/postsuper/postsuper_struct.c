/*
 * postsuper_struct - purge temporary files, repair the queue structure
 *
 * Every queue is listed first and changed afterwards, so a file that
 * was moved is not seen twice. Nothing here reads a queue file: the
 * name, the inode number, the mode and the mtime are all that count.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "msg.h"
#include "postsuper.h"
#include "vstr.h"

static const char *const msg_queues[] = {
        MAIL_QUEUE_INCOMING, MAIL_QUEUE_ACTIVE,   MAIL_QUEUE_DEFERRED,
        MAIL_QUEUE_HOLD,     MAIL_QUEUE_MAILDROP, NULL,
};
static const char *const log_queues[] = {
        MAIL_QUEUE_BOUNCE,
        MAIL_QUEUE_DEFER,
        MAIL_QUEUE_TRACE,
        NULL,
};

/* Digits of long queue IDs (mail_queue.c), for decoding. */
static const char b52[] =
        "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";

#define LONG_SEC_LEN 6
#define LONG_USEC_LEN 4
#define SHORT_USEC_LEN 5
#define MAX_SUBDIR_DEPTH 8 /* deeper trees are not ours */

/* postsuper_msg_queue - a queue with message files (not log files)? */
bool
postsuper_msg_queue(const char *queue)
{
	for (int i = 0; msg_queues[i]; i++)
		if (strcmp(msg_queues[i], queue) == 0)
			return true;
	return false;
}

/* list_dir - collect regular files below dir, depth-first */
static void
list_dir(const char *dir, struct argv *out, int depth)
{
	struct vstr *path = vstr_alloc(100);
	struct dirent *de;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL) {
		if (depth == 0 && errno != ENOENT)
			msg_fatal("open directory %s: %m", dir);
		vstr_free(path);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		vstr_fmt(path, "%s/%s", dir, de->d_name);
		if (lstat(vstr_str(path), &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < MAX_SUBDIR_DEPTH)
			list_dir(vstr_str(path), out, depth + 1);
		else if (S_ISREG(st.st_mode))
			argv_add(out, vstr_str(path));
	}
	(void) closedir(dp);
	vstr_free(path);
}

/* postsuper_list_files - every regular file below a queue directory */
void
postsuper_list_files(const char *queue, struct argv *out)
{
	list_dir(queue, out, 0);
}

/* move_file - rename without replacing, creating hash directories */
static int
move_file(const char *from, const char *to)
{
	int ret = renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);

	if (ret < 0 && errno == ENOENT && access(from, F_OK) == 0 &&
	    mail_queue_mkparents(to) == 0)
		ret = renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
	return ret;
}

/* decode - a number written in the first n digits of the base-52 set */
static bool
decode(const char *s, size_t n, unsigned base, unsigned long long *val)
{
	*val = 0;
	for (size_t i = 0; i < n; i++) {
		const char *d = s[i] ? strchr(b52, s[i]) : NULL;

		if (d == NULL || (unsigned) (d - b52) >= base)
			return false;
		*val = *val * base + (unsigned) (d - b52);
	}
	return true;
}

/* is_long_id - long form (time, 'z', inode) rather than short hex? */
static bool
is_long_id(const char *id)
{
	return strlen(id) > LONG_SEC_LEN + LONG_USEC_LEN &&
	       id[LONG_SEC_LEN + LONG_USEC_LEN] == 'z';
}

/*
 * wanted_id - the name a message file should have, or false when its
 * name is right. Short IDs end in the inode number in hex; long IDs
 * carry it in base 51 after the 'z' (checked with -S only); long IDs
 * become short when enable_long_queue_ids is off.
 */
static bool
wanted_id(const char *id, const struct stat *st, int flags, struct vstr *out)
{
	struct timeval tv = {.tv_sec = st->st_mtime};
	unsigned long long sec, usec, ino;
	struct vstr *hex = vstr_alloc(32);
	bool rename = false;

	if (is_long_id(id)) {
		const char *z = id + LONG_SEC_LEN + LONG_USEC_LEN;

		if (!decode(id, LONG_SEC_LEN, 52, &sec) ||
		    !decode(id + LONG_SEC_LEN, LONG_USEC_LEN, 52, &usec))
			sec = (unsigned long long) st->st_mtime, usec = 0;
		tv.tv_sec = (time_t) sec;
		tv.tv_usec = (suseconds_t) (usec % 1000000);
		rename = !var_enable_long_queue_ids ||
		         ((flags & PS_STRUCT_LONG) &&
		          (!decode(z + 1, strlen(z + 1), 51, &ino) ||
		           ino != (unsigned long long) st->st_ino));
	} else {
		vstr_mem(hex, id, SHORT_USEC_LEN);
		usec = strtoull(vstr_str(hex), NULL, 16);
		tv.tv_usec = (suseconds_t) (usec % 1000000);
		vstr_fmt(hex, "%lX", (unsigned long) st->st_ino);
		rename = strcmp(id + SHORT_USEC_LEN, vstr_str(hex)) != 0;
	}
	vstr_free(hex);
	if (rename)
		mail_queue_id_make(out, &tv, st->st_ino);
	return rename && strcmp(vstr_str(out), id) != 0;
}

/* rename_logs - the per-message logs follow a renamed message */
static void
rename_logs(const char *old_id, const char *new_id)
{
	struct vstr *from = vstr_alloc(100), *to = vstr_alloc(100);

	for (int i = 0; log_queues[i]; i++) {
		mail_queue_path(from, log_queues[i], old_id);
		mail_queue_path(to, log_queues[i], new_id);
		if (move_file(vstr_str(from), vstr_str(to)) < 0 &&
		    errno != ENOENT)
			msg_warn("rename file %s as %s: %m", vstr_str(from),
			         vstr_str(to));
	}
	vstr_free(from);
	vstr_free(to);
}

/* purge_one - remove an old temporary file; true when it is gone */
static bool
purge_one(const char *path, const struct stat *st, time_t now)
{
	if ((st->st_mode & S_IXUSR) != 0 ||
	    now - st->st_mtime <= PS_MAX_TEMP_AGE)
		return false;
	if (unlink(path) < 0) {
		if (errno != ENOENT)
			msg_warn("remove file %s: %m", path);
		return errno == ENOENT;
	}
	if (msg_verbose)
		msg_info("removed temporary file %s", path);
	return true;
}

/* fix_one - structure check and repair of one file; 1 when renamed */
static int
fix_one(const char *queue, const char *path, const struct stat *st, int flags)
{
	const char *id = strrchr(path, '/') + 1;
	struct vstr *want = vstr_alloc(100), *new_id = vstr_alloc(40);
	int renamed = 0;

	if (!mail_queue_id_ok(id)) {
		msg_warn("bogus file name: %s", path);
	} else if (postsuper_msg_queue(queue) &&
	           wanted_id(id, st, flags, new_id)) {
		mail_queue_path(want, queue, vstr_str(new_id));
		if (move_file(path, vstr_str(want)) < 0) {
			msg_warn("rename file %s as %s: %m", path,
			         vstr_str(want));
		} else {
			rename_logs(id, vstr_str(new_id));
			if (msg_verbose)
				msg_info("%s: renamed to %s", path,
				         vstr_str(want));
			renamed = 1;
		}
	} else if (strcmp(mail_queue_path(want, queue, id), path) != 0) {
		if (move_file(path, vstr_str(want)) < 0)
			msg_warn("rename file %s as %s: %m", path,
			         vstr_str(want));
		else if (msg_verbose)
			msg_info("%s: moved to %s", path, vstr_str(want));
	}
	vstr_free(want);
	vstr_free(new_id);
	return renamed;
}

/* needed_subdir - may this directory exist below its queue? */
static bool
needed_subdir(const char *queue, const char *name, int depth)
{
	return mail_queue_hashed(queue) && depth <= var_hash_queue_depth &&
	       strlen(name) == 1;
}

/* prune_dirs - remove empty subdirectories the queue does not use */
static void
prune_dirs(const char *queue, const char *dir, int depth)
{
	struct vstr *path = vstr_alloc(100);
	struct dirent *de;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL) {
		vstr_free(path);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		vstr_fmt(path, "%s/%s", dir, de->d_name);
		if (lstat(vstr_str(path), &st) < 0 || !S_ISDIR(st.st_mode) ||
		    depth >= MAX_SUBDIR_DEPTH)
			continue;
		prune_dirs(queue, vstr_str(path), depth + 1);
		/* rmdir() fails harmlessly on a directory that is not empty. */
		if (!needed_subdir(queue, de->d_name, depth + 1) &&
		    rmdir(vstr_str(path)) == 0 && msg_verbose)
			msg_info("removed directory %s", vstr_str(path));
	}
	(void) closedir(dp);
	vstr_free(path);
}

/* struct_queue - one queue: purge, then fix; returns files renamed */
static int
struct_queue(const char *queue, int flags, time_t now)
{
	struct argv *files = argv_alloc(100);
	int renamed = 0;

	if (msg_verbose)
		msg_info("queue: %s", queue);
	postsuper_list_files(queue, files);
	for (size_t i = 0; i < files->argc; i++) {
		const char *path = files->argv[i];
		struct stat st;

		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if ((flags & PS_PURGE) && postsuper_msg_queue(queue) &&
		    purge_one(path, &st, now))
			continue;
		if (flags & (PS_STRUCT | PS_STRUCT_LONG))
			renamed += fix_one(queue, path, &st, flags);
	}
	if (flags & (PS_STRUCT | PS_STRUCT_LONG))
		prune_dirs(queue, queue, 0);
	argv_free(files);
	return renamed;
}

/* postsuper_struct - -p, -s and -S over every queue */
void
postsuper_struct(int flags)
{
	time_t now = time(NULL);
	int renamed = 0;

	for (int i = 0; msg_queues[i]; i++)
		renamed += struct_queue(msg_queues[i], flags, now);
	for (int i = 0; log_queues[i]; i++)
		renamed += struct_queue(log_queues[i], flags & ~PS_PURGE, now);
	if (renamed > 0) {
		msg_info("Renamed to match inode number: %d message%s", renamed,
		         renamed == 1 ? "" : "s");
		msg_warn(
		        "QUEUE FILE NAMES WERE CHANGED TO MATCH INODE NUMBERS");
	}
}
