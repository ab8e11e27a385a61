/*
 * qmgr_scan - walk incoming/ and deferred/ and feed due messages into
 * active/, within the active message and recipient limits
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "events.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"

#include "qmgr.h"

/* Hash levels we walk; hash_queue_depth is at most this. */
#define SCAN_MAX_DEPTH 4
/* Messages activated, and files looked at, per turn of the event loop. */
#define SCAN_BATCH 100
#define SCAN_LOOK 2000

struct qmgr_scan {
	const char *queue;
	int flags;   /* of the walk under way */
	int request; /* asked for since: start (again) when the walk ends */
	int level;   /* -1: no walk under way */
	DIR *dir[SCAN_MAX_DEPTH + 1];
	struct vstr *path[SCAN_MAX_DEPTH + 1];
};

static struct qmgr_scan scans[] = {
        {MAIL_QUEUE_INCOMING, 0, 0, -1, {NULL}, {NULL}},
        {MAIL_QUEUE_DEFERRED, 0, 0, -1, {NULL}, {NULL}},
};
#define SCAN_COUNT (sizeof(scans) / sizeof(scans[0]))

static void feed_event(int, void *);

/* scan_find - the scan of a queue */
static struct qmgr_scan *
scan_find(const char *queue)
{
	for (size_t i = 0; i < SCAN_COUNT; i++)
		if (strcmp(scans[i].queue, queue) == 0)
			return &scans[i];
	msg_panic("%s: unknown queue %s", __func__, queue);
}

/* scan_push - descend into a directory */
static int
scan_push(struct qmgr_scan *s, const char *path)
{
	DIR *d = opendir(path);
	int lvl = s->level + 1;

	if (d == NULL) {
		msg_warn("open directory %s: %m", path);
		return -1;
	}
	if (s->path[lvl] == NULL)
		s->path[lvl] = vstr_alloc(64);
	vstr_cpy(s->path[lvl], path);
	s->dir[lvl] = d;
	s->level = lvl;
	return 0;
}

/* scan_pop - leave the current directory */
static void
scan_pop(struct qmgr_scan *s)
{
	closedir(s->dir[s->level]);
	s->dir[s->level] = NULL;
	s->level--;
}

/* scan_subdir - whether an entry is a hash subdirectory to walk */
static bool
scan_subdir(const struct qmgr_scan *s, const char *name, struct vstr *path)
{
	struct stat st;

	if (strlen(name) != 1 || s->level >= var_hash_queue_depth ||
	    s->level >= SCAN_MAX_DEPTH || !mail_queue_hashed(s->queue))
		return false;
	vstr_fmt(path, "%s/%s", vstr_str(s->path[s->level]), name);
	return lstat(vstr_str(path), &st) == 0 && S_ISDIR(st.st_mode);
}

/* scan_next - the next queue ID of a walk, NULL when it is over */
static const char *
scan_next(struct qmgr_scan *s, struct vstr *id)
{
	struct vstr *sub = vstr_alloc(64);
	struct dirent *de;

	for (;;) {
		if (s->level < 0) {
			if (s->request == 0 || scan_push(s, s->queue) < 0) {
				s->request = 0;
				vstr_free(sub);
				return NULL;
			}
			s->flags = s->request;
			s->request = 0;
		}
		if ((de = readdir(s->dir[s->level])) == NULL) {
			scan_pop(s);
			/* A walk that ended is restarted only when asked. */
			if (s->level < 0 && s->request == 0) {
				vstr_free(sub);
				return NULL;
			}
			continue;
		}
		if (de->d_name[0] == '.')
			continue;
		if (scan_subdir(s, de->d_name, sub)) {
			scan_push(s, vstr_str(sub));
			continue;
		}
		if (mail_queue_id_ok(de->d_name)) {
			vstr_cpy(id, de->d_name);
			vstr_free(sub);
			return vstr_str(id);
		}
	}
}

/* qmgr_scan_due - whether a queue file may be activated now */
bool
qmgr_scan_due(const char *queue, int flags, const char *id, time_t now)
{
	struct vstr *path = vstr_alloc(64);
	struct stat st;
	int ret = lstat(mail_queue_path(path, queue, id), &st);

	vstr_free(path);
	if (ret < 0 || !S_ISREG(st.st_mode))
		return false;
	/* Still being written by cleanup (no u+x yet): incoming only. */
	if ((st.st_mode & MAIL_QUEUE_READY_MODE) != MAIL_QUEUE_READY_MODE)
		return false;
	/* In deferred/ the mtime is the next attempt time. */
	if ((flags & QMGR_SCAN_ALL) == 0 && st.st_mtime > now &&
	    strcmp(queue, MAIL_QUEUE_INCOMING) != 0)
		return false;
	return true;
}

/* qmgr_scan_request - ask for a walk of a queue */
void
qmgr_scan_request(const char *queue, int flags)
{
	scan_find(queue)->request |= flags | QMGR_SCAN_START;
	qmgr_scan_kick();
}

/* qmgr_scan_kick - feed messages from the event loop */
void
qmgr_scan_kick(void)
{
	event_request_timer_ms(feed_event, NULL, 0);
}

/* room - whether another message may become active */
static bool
room(void)
{
	return qmgr_active_count < (size_t) var_qmgr_message_active_limit &&
	       qmgr_rcpt_in_memory < (size_t) var_qmgr_message_recipient_limit;
}

/* feed_event - activate due messages, alternating between the queues */
static void
feed_event(int event, void *ctx)
{
	struct vstr *id = vstr_alloc(32);
	time_t now = time(NULL);
	size_t done = 0, idle = 0, i = 0, looked = 0;
	struct qmgr_scan *s;

	(void) event;
	(void) ctx;
	/* What does not fit stays where it is for a later kick. */
	while (room() && done < SCAN_BATCH && looked < SCAN_LOOK &&
	       idle < SCAN_COUNT) {
		s = &scans[i++ % SCAN_COUNT];
		if (scan_next(s, id) == NULL) {
			idle++;
			continue;
		}
		idle = 0;
		looked++;
		if (qmgr_scan_due(s->queue, s->flags, vstr_str(id), now) &&
		    qmgr_message_activate(vstr_str(id), s->queue) == 0)
			done++;
	}
	vstr_free(id);
	if (done == SCAN_BATCH || looked == SCAN_LOOK)
		qmgr_scan_kick();
}

/* qmgr_scan_move_all - move every file of one queue into another */
int
qmgr_scan_move_all(const char *from, const char *to)
{
	struct qmgr_scan s = {from, 0, QMGR_SCAN_START, -1, {NULL}, {NULL}};
	struct vstr *id = vstr_alloc(32), *path = vstr_alloc(64);
	struct timeval tv[2];
	int count = 0;

	gettimeofday(&tv[0], NULL);
	tv[1] = tv[0];
	while (scan_next(&s, id) != NULL) {
		/* Time stamp "now": due at once, wherever it lands. */
		if (utimes(mail_queue_path(path, from, vstr_str(id)), tv) < 0)
			msg_warn("%s: set time stamp: %m", vstr_str(id));
		if (mail_queue_rename(vstr_str(id), from, to) < 0)
			msg_warn("%s: move from %s to %s: %m", vstr_str(id),
			         from, to);
		else
			count++;
	}
	for (int i = 0; i <= SCAN_MAX_DEPTH; i++)
		vstr_free(s.path[i]);
	vstr_free(id);
	vstr_free(path);
	return count;
}
