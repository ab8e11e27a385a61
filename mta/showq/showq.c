/*
 * NAME
 *	showq - list the mail queue for postqueue(1)
 * SUMMARY
 *	showq [generic daemon options]	(from master(8))
 *	showq -S [-c config_dir]	(stand-alone, stdin/stdout)
 * DESCRIPTION
 *	See showq(8). One client per connection on
 *	public/$showq_service_name; the client sends nothing, showq writes
 *	the listing of every queue file in maildrop, active, incoming,
 *	deferred and hold (showq_proto.h) and the skeleton closes the
 *	connection.
 *
 *	A queue file whose mode lacks u+x is still being written (or was
 *	abandoned by a dead writer) and is skipped, as are files with more
 *	than one link. The size is the content size of the size record;
 *	maildrop files have none, and their file size is used. Recipients
 *	of the defer log (defer/ID) come first with their delay reason;
 *	those the log does not name follow with an empty reason.
 * SECURITY
 *	Runs chrooted in the queue directory as mail_owner; it takes no
 *	input from its clients (which are local, untrusted users) and
 *	passes every address through printable(). Queue files and defer
 *	logs are read with a bound on the record length; a malformed file
 *	ends its own listing, never the process.
 * DIAGNOSTICS
 *	Warnings name the queue and ID of a file that cannot be read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "attr.h"
#include "htable.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "mail_server.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"
#include "showq_proto.h"
#include "stringops.h"
#include "vstr.h"
#include "vstream.h"

/* Longest queue file record and defer log line we read. */
#define SHOWQ_REC_LIMIT (1024 * 1024)
/* Deepest hash directory level we descend into. */
#define SHOWQ_MAX_DEPTH 8

/* One queue file being listed. */
struct showq_file {
	const char *queue;
	const char *id;
	struct stat st;
	long size;             /* reported size */
	long arrival;          /* arrival time, 0 until seen */
	bool header_sent;      /* the message list was written */
	struct htable *listed; /* recipients from the defer log */
	size_t nlisted;
};

/* external_addr - the printable external form of an internal address */
static const char *
external_addr(const char *addr, struct vstr *out)
{
	if (*addr == 0)
		addr = var_empty_address_recipient;
	addr_quote_local(addr, out);
	printable(vstr_str(out), '?');
	return vstr_str(out);
}

/* send_rcpt - one recipient and its delay reason */
static void
send_rcpt(struct vstream *client, const char *addr, const char *why)
{
	(void) attr_print(client, ATTR_STR(MAIL_ATTR_RECIP, addr),
	                  ATTR_STR(MAIL_ATTR_WHY, why), ATTR_END);
}

/* send_defer_log - the recipients of defer/ID with their reasons */
static void
send_defer_log(struct vstream *client, struct showq_file *f)
{
	struct vstr *path = vstr_alloc(64), *ext = vstr_alloc(64);
	struct attr_list *l;
	struct vstream *fp;
	int n;

	mail_queue_path(path, MAIL_QUEUE_DEFER, f->id);
	if ((fp = vstream_open(vstr_str(path), O_RDONLY, 0)) == NULL) {
		if (errno != ENOENT)
			msg_warn("open %s: %m", vstr_str(path));
		vstr_free(path);
		vstr_free(ext);
		return;
	}
	l = attr_list_alloc();
	while ((n = attr_list_read(fp, l, SHOWQ_REC_LIMIT)) >= 0) {
		const char *rcpt = attr_list_get(l, MAIL_ATTR_RECIP);
		const char *why = attr_list_get(l, MAIL_ATTR_WHY);
		struct vstr *reason;

		if (n == 0 || rcpt == NULL)
			continue;
		external_addr(rcpt, ext);
		if ((var_duplicate_filter_limit == 0 ||
		     f->nlisted < (size_t) var_duplicate_filter_limit) &&
		    htable_locate(f->listed, vstr_str(ext)) == NULL) {
			htable_enter(f->listed, vstr_str(ext), NULL);
			f->nlisted++;
		}
		reason = vstr_alloc(64);
		vstr_cpy(reason, why ? why : "");
		printable(vstr_str(reason), '?');
		send_rcpt(client, vstr_str(ext), vstr_str(reason));
		vstr_free(reason);
	}
	attr_list_free(l);
	(void) vstream_close(fp);
	vstr_free(path);
	vstr_free(ext);
}

/* send_header - the message attributes, when the sender is known */
static void
send_header(struct vstream *client, struct showq_file *f, const char *sender)
{
	struct vstr *ext = vstr_alloc(64);

	(void) attr_print(
	        client, ATTR_STR(MAIL_ATTR_QUEUE, f->queue),
	        ATTR_STR(MAIL_ATTR_QUEUEID, f->id),
	        ATTR_LONG(MAIL_ATTR_TIME,
	                  f->arrival > 0 ? f->arrival : (long) f->st.st_mtime),
	        ATTR_LONG(MAIL_ATTR_SIZE, f->size),
	        ATTR_LONG(MAIL_ATTR_FORCED_EXPIRE,
	                  (f->st.st_mode & MAIL_QUEUE_STAT_EXPIRE) != 0),
	        ATTR_STR(MAIL_ATTR_SENDER, external_addr(sender, ext)),
	        ATTR_END);
	f->header_sent = true;
	vstr_free(ext);
	send_defer_log(client, f);
}

/* read_size - the content size of a size record, -1 when malformed */
static long
read_size(const char *text)
{
	char *end;
	long n;

	while (*text == ' ')
		text++;
	errno = 0;
	n = strtol(text, &end, 10);
	if (errno != 0 || end == text || n < 0 || (*end != ' ' && *end != 0))
		return -1;
	return n;
}

/* report_record - one record; false to stop reading this file */
static bool
report_record(struct vstream *client, struct vstream *qf, struct showq_file *f,
              bool *size_seen, int type, struct vstr *buf)
{
	const char *text = vstr_str(buf);
	struct vstr *ext;
	long n;

	switch (type) {
	case REC_TYPE_TIME:
		if (f->arrival == 0)
			f->arrival = strtol(text, NULL, 10);
		return true;
	case REC_TYPE_SIZE:
		if (!*size_seen && (n = read_size(text)) >= 0)
			f->size = n;
		else if (!*size_seen)
			msg_warn("%s: malformed size record -- using file size",
			         f->id);
		*size_seen = true;
		return true;
	case REC_TYPE_FROM:
		if (f->header_sent) {
			msg_warn("%s: duplicate sender -- skipping the rest",
			         f->id);
			return false;
		}
		send_header(client, f, text);
		return true;
	case REC_TYPE_RCPT:
		if (!f->header_sent) {
			msg_warn("%s: recipient before sender -- skipping",
			         f->id);
			return false;
		}
		ext = vstr_alloc(64);
		external_addr(text, ext);
		if (htable_locate(f->listed, vstr_str(ext)) == NULL)
			send_rcpt(client, vstr_str(ext), "");
		vstr_free(ext);
		return true;
	case REC_TYPE_MESG:
		/* The data is the offset of the extracted records. */
		n = strtol(text, NULL, 10);
		if (n > vstream_ftell(qf) && vstream_fseek(qf, n, SEEK_SET) < 0)
			return false;
		return true;
	default:
		return type != REC_TYPE_END;
	}
}

/* report_file - list one queue file */
static void
report_file(struct vstream *client, struct vstream *qf, struct showq_file *f)
{
	struct vstr *buf = vstr_alloc(256);
	bool size_seen = false;
	int type;

	f->size = (long) f->st.st_size;
	f->listed = htable_create(16);
	while (!vstream_ferror(client) &&
	       (type = rec_get(qf, buf, SHOWQ_REC_LIMIT)) >= 0)
		if (!report_record(client, qf, f, &size_seen, type, buf))
			break;
	if (f->header_sent)
		(void) attr_print(client, ATTR_END);
	f->listed = htable_free(f->listed, NULL);
	vstr_free(buf);
}

/* show_file - open and list queue/.../id when it is complete */
static void
show_file(struct vstream *client, const char *queue, const char *path,
          const char *id)
{
	struct showq_file f = {.queue = queue, .id = id};
	struct vstream *qf;

	if ((qf = vstream_open(path, O_RDONLY | O_NOFOLLOW, 0)) == NULL) {
		if (errno != ENOENT)
			msg_warn("open %s: %m", path);
		return;
	}
	if (fstat(vstream_fileno(qf), &f.st) < 0)
		msg_fatal("fstat %s: %m", path);
	/* Not ready (no u+x: being written), or not a plain queue file. */
	if (S_ISREG(f.st.st_mode) && f.st.st_nlink == 1 &&
	    (f.st.st_mode & MAIL_QUEUE_READY_MODE) == MAIL_QUEUE_READY_MODE)
		report_file(client, qf, &f);
	(void) vstream_close(qf);
}

/* is_hash_dir - whether name is a hash subdirectory at this depth */
static bool
is_hash_dir(const char *queue, const char *path, int depth)
{
	struct stat st;

	return depth < var_hash_queue_depth && depth < SHOWQ_MAX_DEPTH &&
	       mail_queue_hashed(queue) && lstat(path, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* walk_dir - every queue file under dir (hash subdirectories too) */
static void
walk_dir(struct vstream *client, const char *queue, const char *dir, int depth)
{
	struct vstr *path = vstr_alloc(64);
	struct dirent *de;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			msg_warn("open directory %s: %m", dir);
		vstr_free(path);
		return;
	}
	while (!vstream_ferror(client) && (de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		vstr_fmt(path, "%s/%s", dir, de->d_name);
		if (strlen(de->d_name) == 1 &&
		    is_hash_dir(queue, vstr_str(path), depth))
			walk_dir(client, queue, vstr_str(path), depth + 1);
		else if (mail_queue_id_ok(de->d_name))
			show_file(client, queue, vstr_str(path), de->d_name);
	}
	closedir(dp);
	vstr_free(path);
}

/* showq_service - the whole listing for one client */
static void
showq_service(struct vstream *client, const char *service, char **argv)
{
	static const char *const queues[] = {
	        MAIL_QUEUE_MAILDROP, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_INCOMING,
	        MAIL_QUEUE_DEFERRED, MAIL_QUEUE_HOLD};

	(void) service;
	if (argv[0] != NULL)
		msg_fatal("unexpected command-line argument: %s", argv[0]);
	if (attr_print(client, ATTR_STR(MAIL_ATTR_PROTO, SHOWQ_PROTOCOL),
	               ATTR_END) < 0)
		return;
	for (size_t i = 0; i < sizeof(queues) / sizeof(queues[0]); i++)
		walk_dir(client, queues[i], queues[i], 0);
	(void) attr_print(client, ATTR_END);
}

/* main - see showq(8) */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_SINGLE,
	        .service = showq_service,
	};

	return mail_server_run(argc, argv, &spec);
}
