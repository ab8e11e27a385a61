/*
 * bounce_log - the bounce/, defer/ and trace/ logs of one message
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounce_service.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"

/* Longest line of a log record we read back. */
#define BOUNCE_LOG_LINE_LIMIT 65536

/* log_open - open dir/ID for appending, creating hash directories */
static int
log_open(const char *dir, const char *queue_id, struct vstr *path)
{
	int fd;

	mail_queue_path(path, dir, queue_id);
	fd = open(vstr_str(path), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	          0600);
	if (fd < 0 && errno == ENOENT &&
	    mail_queue_mkparents(vstr_str(path)) == 0)
		fd = open(vstr_str(path),
		          O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	return fd;
}

/* bounce_log_append - one record at the end of dir/ID, durably */
int
bounce_log_append(const char *dir, const char *queue_id,
                  const struct attr_list *rec, struct vstr *why)
{
	struct vstr *path = vstr_alloc(64);
	struct vstream *fp;
	struct stat st;
	int fd, ret = -1;

	if ((fd = log_open(dir, queue_id, path)) < 0) {
		vstr_fmt(why, "open %s: %s", vstr_str(path), strerror(errno));
		vstr_free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) {
		vstr_fmt(why, "lock %s: %s", vstr_str(path), strerror(errno));
		(void) close(fd);
		vstr_free(path);
		return -1;
	}
	fp = vstream_fdopen(fd, VSTREAM_FLAG_NONE);
	if (attr_list_write(fp, rec) == 0 && vstream_fsync(fp) == 0 &&
	    (st.st_size > 0 || mail_queue_fsync_dir(dir, queue_id) == 0))
		ret = 0;
	else
		vstr_fmt(why, "write %s: %s", vstr_str(path), strerror(errno));
	if (vstream_close(fp) != 0 && ret == 0) {
		vstr_fmt(why, "close %s: %s", vstr_str(path), strerror(errno));
		ret = -1;
	}
	vstr_free(path);
	return ret;
}

/* get_dup - a copy of attribute name, "" when absent */
static char *
get_dup(const struct attr_list *l, const char *name)
{
	const char *v = attr_list_get(l, name);

	return xstrdup(v ? v : "");
}

/* bounce_rcpt_from_attrs - a log record from its attribute list */
void
bounce_rcpt_from_attrs(struct bounce_rcpt *r, const struct attr_list *l)
{
	r->orig_addr = get_dup(l, MAIL_ATTR_ORCPT);
	r->address = get_dup(l, MAIL_ATTR_RECIP);
	r->dsn_orcpt = get_dup(l, MAIL_ATTR_DSN_ORCPT);
	r->dsn_notify = (int) attr_list_get_long(l, MAIL_ATTR_DSN_NOTIFY, 0);
	r->offset = attr_list_get_long(l, MAIL_ATTR_OFFSET, 0);
	r->status = get_dup(l, MAIL_ATTR_DSN_STATUS);
	r->action = get_dup(l, MAIL_ATTR_DSN_ACTION);
	r->reason = get_dup(l, MAIL_ATTR_WHY);
	r->relay = get_dup(l, MAIL_ATTR_RELAY);
	r->dtype = get_dup(l, MAIL_ATTR_DSN_DTYPE);
	r->dtext = get_dup(l, MAIL_ATTR_DSN_DTEXT);
	r->mtype = get_dup(l, MAIL_ATTR_DSN_MTYPE);
	r->mname = get_dup(l, MAIL_ATTR_DSN_MNAME);
}

/* log_add - append a record to the in-memory log */
static void
log_add(struct bounce_log *log, const struct attr_list *l)
{
	if (log->count == log->cap) {
		log->cap = log->cap ? size_mul(log->cap, 2) : 8;
		log->rcpt =
		        xreallocarray(log->rcpt, log->cap, sizeof(*log->rcpt));
	}
	bounce_rcpt_from_attrs(log->rcpt + log->count, l);
	log->count++;
}

/* bounce_log_read - every record of dir/ID; a missing file is empty */
int
bounce_log_read(const char *dir, const char *queue_id, struct bounce_log *log,
                struct vstr *why)
{
	struct vstr *path = vstr_alloc(64);
	struct attr_list *l;
	struct vstream *fp;
	int n;

	memset(log, 0, sizeof(*log));
	mail_queue_path(path, dir, queue_id);
	if ((fp = vstream_open(vstr_str(path), O_RDONLY, 0)) == NULL) {
		int ret = errno == ENOENT ? 0 : -1;

		if (ret < 0)
			vstr_fmt(why, "open %s: %s", vstr_str(path),
			         strerror(errno));
		vstr_free(path);
		return ret;
	}
	l = attr_list_alloc();
	while ((n = attr_list_read(fp, l, BOUNCE_LOG_LINE_LIMIT)) >= 0) {
		if (n > 0 && attr_list_get(l, MAIL_ATTR_RECIP) != NULL)
			log_add(log, l);
		else if (n > 0)
			msg_warn("%s: record without recipient ignored",
			         vstr_str(path));
	}
	if (attr_list_count(l) > 0 || !vstream_feof(fp))
		msg_warn("%s: truncated or unreadable record ignored",
		         vstr_str(path));
	attr_list_free(l);
	(void) vstream_close(fp);
	vstr_free(path);
	return 0;
}

/* bounce_log_release - free the records */
void
bounce_log_release(struct bounce_log *log)
{
	for (size_t i = 0; i < log->count; i++) {
		struct bounce_rcpt *r = log->rcpt + i;
		char *strs[] = {r->orig_addr, r->address, r->dsn_orcpt,
		                r->status,    r->action,  r->reason,
		                r->relay,     r->dtype,   r->dtext,
		                r->mtype,     r->mname};

		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			xfree(strs[k]);
	}
	xfree(log->rcpt);
	memset(log, 0, sizeof(*log));
}
