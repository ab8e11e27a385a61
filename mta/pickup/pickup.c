/*
 * NAME
 *	pickup - feed the maildrop queue into cleanup
 * SYNOPSIS
 *	pickup [generic daemon options]
 * DESCRIPTION
 *	See pickup(8). A trigger server (master.cf "pickup unix n - y 60 1
 *	pickup"): each wake-up, from postdrop(1) or master's wakeup timer,
 *	and once at start, scans maildrop/ until a pass removes nothing.
 *
 *	Queue states (doc/queue-states.md): a maildrop file without u+x is
 *	still being written by postdrop and is skipped. A ready file is
 *	read twice: first every record is checked (maildrop.h); a file
 *	that fails goes to corrupt/ with a warning, never to cleanup. Then
 *	it is copied to cleanup(8) over public/cleanup, with a Received:
 *	header in front of the content, and the DSN attribute records that
 *	sendmail writes turned into the records cleanup takes. When
 *	cleanup answers status 0 the new queue file is in incoming/ and
 *	fsync'd, and only then is the maildrop file removed. A cleanup
 *	that cannot be reached or that defers leaves the file for the next
 *	scan; a message cleanup rejects goes to corrupt/ with a warning.
 *
 *	The log line of a message is "ID: uid=N from=<sender>", with the
 *	queue ID that cleanup assigned, the owner of the maildrop file and
 *	the sender as the user gave it.
 * SECURITY
 *	pickup runs chrooted as mail_owner and reads files written by any
 *	local user: it opens them with O_NOFOLLOW, takes only regular files
 *	with one link that are still the file it listed, bounds each record
 *	by line_length_limit, and checks every record before cleanup sees
 *	any (maildrop_check). It writes nothing but renames in maildrop/
 *	and corrupt/.
 * DIAGNOSTICS
 *	Problems and transactions go to the mail log as postfix/pickup.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attr.h"
#include "events.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "mail_server.h"
#include "maildrop.h"
#include "msg.h"
#include "mymalloc.h"
#include "pickup.h"
#include "rec.h"
#include "vstr.h"
#include "vstream.h"

#define DAY_SECONDS 86400
#define HOUR_SECONDS 3600

/* warn_corrupt - why a file goes to corrupt/ */
static void
warn_corrupt(const struct pickup_file *pf, const char *why)
{
	msg_warn("%s: uid=%ld: %s -- moving to corrupt queue", pf->id,
	         (long) pf->st.st_uid, why);
}

/* check_file - pass one: every record, before cleanup sees any */
static int
check_file(struct pickup_file *pf)
{
	struct vstr *buf = vstr_alloc(1024), *why = vstr_alloc(100);
	struct maildrop_check check;
	int type, result = PICKUP_OK;

	maildrop_check_init(&check, false);
	while (check.seg != MAILDROP_SEG_END) {
		type = rec_get(pf->fp, buf, (size_t) var_line_length_limit);
		if (type == REC_TYPE_EOF)
			break;
		if (type < 0) {
			vstr_cpy(why, "malformed record (bad type, length "
			              "or truncated)");
			result = PICKUP_CORRUPT;
			break;
		}
		if (maildrop_check(&check, type, vstr_str(buf), vstr_len(buf),
		                   why) == MAILDROP_BAD) {
			result = PICKUP_CORRUPT;
			break;
		}
		if (type == REC_TYPE_FROM && pf->sender == NULL)
			pf->sender = xstrdup(vstr_str(buf));
	}
	if (result == PICKUP_OK && check.seg == MAILDROP_SEG_END &&
	    rec_get(pf->fp, buf, 1) != REC_TYPE_EOF) {
		vstr_cpy(why, "data after end of message");
		result = PICKUP_CORRUPT;
	}
	if (result == PICKUP_OK && !maildrop_check_done(&check, why))
		result = PICKUP_CORRUPT;
	if (result == PICKUP_CORRUPT)
		warn_corrupt(pf, vstr_str(why));
	vstr_free(buf);
	vstr_free(why);
	return result;
}

/* same_file - the open file is the one listed, regular, one link */
static bool
same_file(int fd, const struct stat *listed, struct stat *st)
{
	return fstat(fd, st) == 0 && S_ISREG(st->st_mode) &&
	       st->st_nlink == 1 && st->st_dev == listed->st_dev &&
	       st->st_ino == listed->st_ino;
}

/* open_file - open a listed maildrop file safely */
static int
open_file(struct pickup_file *pf, const struct stat *listed)
{
	struct vstr *path = vstr_alloc(64);
	int fd;

	mail_queue_path(path, MAIL_QUEUE_MAILDROP, pf->id);
	fd = open(vstr_str(path),
	          O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	vstr_free(path);
	if (fd < 0) {
		if (errno == ENOENT)
			return PICKUP_GONE;
		msg_warn("open input file %s/%s: %m", MAIL_QUEUE_MAILDROP,
		         pf->id);
		return errno == EACCES ? PICKUP_KEEP : PICKUP_CORRUPT;
	}
	if (!same_file(fd, listed, &pf->st)) {
		close(fd);
		msg_warn("%s/%s: not a regular file with one link, or it "
		         "changed while opened",
		         MAIL_QUEUE_MAILDROP, pf->id);
		return PICKUP_CORRUPT;
	}
	pf->fp = vstream_fdopen(fd, VSTREAM_FLAG_NONE);
	return PICKUP_OK;
}

/* check_time - a time stamp from the future or the distant past */
static void
check_time(struct pickup_file *pf)
{
	time_t now = time(NULL);

	if (pf->st.st_mtime > now + 2 * HOUR_SECONDS) {
		msg_warn("%s: message dated %ld seconds into the future",
		         pf->id, (long) (pf->st.st_mtime - now));
		pf->st.st_mtime = now;
	} else if (pf->st.st_mtime < now - DAY_SECONDS) {
		msg_warn("%s: message has been queued for %d days", pf->id,
		         (int) ((now - pf->st.st_mtime) / DAY_SECONDS));
	}
}

/* pickup_one - one maildrop file: check, copy, the verdict */
static int
pickup_one(const char *id, const struct stat *listed)
{
	struct pickup_file pf;
	int result;

	memset(&pf, 0, sizeof(pf));
	pf.id = id;
	result = open_file(&pf, listed);
	if (result == PICKUP_OK)
		result = check_file(&pf);
	if (result == PICKUP_OK) {
		check_time(&pf);
		if (vstream_fseek(pf.fp, 0, SEEK_SET) < 0) {
			msg_warn("%s: seek: %m", id);
			result = PICKUP_KEEP;
		} else {
			result = pickup_copy(&pf);
		}
	}
	if (pf.fp)
		vstream_close(pf.fp);
	xfree(pf.sender);
	return result;
}

/* dispose - act on the verdict; true when the file left maildrop/ */
static bool
dispose(const char *id, int result)
{
	switch (result) {
	case PICKUP_OK:
		if (mail_queue_remove(MAIL_QUEUE_MAILDROP, id) == 0)
			return true;
		if (errno != ENOENT)
			msg_warn("remove %s/%s: %m", MAIL_QUEUE_MAILDROP, id);
		return false;
	case PICKUP_CORRUPT:
		if (mail_queue_rename(id, MAIL_QUEUE_MAILDROP,
		                      MAIL_QUEUE_CORRUPT) == 0)
			return true;
		msg_warn("rename %s/%s to %s: %m", MAIL_QUEUE_MAILDROP, id,
		         MAIL_QUEUE_CORRUPT);
		return false;
	default:
		return false;
	}
}

/* ready - a listed name that is a complete maildrop file */
static bool
ready(const char *name, struct stat *st)
{
	struct vstr *path = vstr_alloc(64);
	bool ok;

	if (name[0] == '.' || !mail_queue_id_ok(name)) {
		vstr_free(path);
		return false;
	}
	mail_queue_path(path, MAIL_QUEUE_MAILDROP, name);
	/* No u+x: postdrop is still writing it. */
	ok = lstat(vstr_str(path), st) == 0 && S_ISREG(st->st_mode) &&
	     (st->st_mode & S_IXUSR) != 0;
	vstr_free(path);
	return ok;
}

/* scan_once - one pass over maildrop/; the number of files taken */
static int
scan_once(void)
{
	DIR *dir = opendir(MAIL_QUEUE_MAILDROP);
	struct dirent *de;
	struct stat st;
	int taken = 0;

	if (dir == NULL) {
		msg_warn("open directory %s: %m", MAIL_QUEUE_MAILDROP);
		return 0;
	}
	while ((de = readdir(dir)) != NULL) {
		char *id = xstrdup(de->d_name);

		if (ready(id, &st) && dispose(id, pickup_one(id, &st)))
			taken++;
		xfree(id);
	}
	closedir(dir);
	return taken;
}

/* pickup_scan - scan until a pass takes nothing */
static void
pickup_scan(void)
{
	while (scan_once() > 0)
		;
}

/* pickup_trigger - a wake-up from postdrop or master */
static void
pickup_trigger(const char *buf, size_t len, const char *service, char **argv)
{
	(void) buf;
	(void) len;
	(void) service;
	if (argv[0] != NULL)
		msg_fatal("unexpected command-line argument: %s", argv[0]);
	pickup_scan();
}

/* start_scan - the scan at start: mail dropped while we were down */
static void
start_scan(int ev, void *ctx)
{
	(void) ev;
	(void) ctx;
	pickup_scan();
}

/* pickup_pre_jail - time zone for the Received: header, before chroot */
static void
pickup_pre_jail(const char *service, char **argv)
{
	(void) service;
	(void) argv;
	tzset();
}

/* pickup_post_jail - look at maildrop/ as soon as the loop runs */
static void
pickup_post_jail(const char *service, char **argv)
{
	(void) service;
	(void) argv;
	event_request_timer(start_scan, NULL, 0);
}

/* main - the trigger server skeleton */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_TRIGGER,
	        .trigger = pickup_trigger,
	        .pre_jail = pickup_pre_jail,
	        .post_jail = pickup_post_jail,
	};

	return mail_server_run(argc, argv, &spec);
}
