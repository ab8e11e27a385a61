#ifndef QMGR_TESTENV_H
#define QMGR_TESTENV_H
/*
 * NAME
 *	qmgr_testenv - a private queue directory for the qmgr unit tests
 * SUMMARY
 *	char *qmgr_env_setup(const char *extra_main_cf);
 *	void qmgr_env_teardown(char *dir);
 *	void qmgr_env_build(const char *queue, const char *id,
 *	    const struct qrec *recs, size_t n, int mode);
 * DESCRIPTION
 *	The qmgr sources are compiled into the test (unit tests link only
 *	the libraries; qmgr's main() is renamed).
 *
 *	qmgr_env_setup() makes a temporary directory with a main.cf
 *	(queue_directory pointing there, plus extra_main_cf lines), loads
 *	it, creates the queue directories and makes it the current
 *	directory, as qmgr's is. qmgr_env_build() writes a queue file from
 *	a record table with rec_put(); a record of type REC_TYPE_SIZE with
 *	NULL data gets a size record that points at the REC_TYPE_MESG
 *	record, and REC_TYPE_MESG with NULL data points at the
 *	REC_TYPE_XTRA record, as cleanup writes them.
 */
#include "testutil.h"

#define main qmgr_main
int qmgr_main(int, char **);
#include "../../mta/qmgr/qmgr.c"
#undef main
#include "../../mta/qmgr/qmgr_defer.c"
#include "../../mta/qmgr/qmgr_deliver.c"
#include "../../mta/qmgr/qmgr_message.c"
#include "../../mta/qmgr/qmgr_queue.c"
#include "../../mta/qmgr/qmgr_scan.c"

#include "mail_conf.h"
#include "rec.h"

struct qrec {
	int type;
	const char *data;
};

static char qmgr_env_oldcwd[4096];

/* qmgr_env_setup - configuration and queue directories in a temp dir */
static inline char *
qmgr_env_setup(const char *extra)
{
	char *dir = tmpdir_create();
	struct vstr *text = vstr_alloc(200), *why = vstr_alloc(100);
	static const char *const queues[] = {"incoming", "active", "deferred",
	                                     "corrupt",  "hold",   "bounce",
	                                     "defer",    "trace",  "private"};
	char *path;

	vstr_fmt(text,
	         "queue_directory = %s\nmyhostname = mx.example.test\n"
	         "mydestination = $myhostname\n%s",
	         dir, extra ? extra : "");
	path = file_write(dir, "main.cf", vstr_str(text));
	xfree(path);
	if (mail_conf_load(dir, true, why) < 0 || mail_params_init(why) < 0)
		fail_msg("config: %s", vstr_str(why));
	if (getcwd(qmgr_env_oldcwd, sizeof(qmgr_env_oldcwd)) == NULL)
		fail_msg("getcwd: %s", strerror(errno));
	if (chdir(dir) < 0)
		fail_msg("chdir %s: %s", dir, strerror(errno));
	for (size_t i = 0; i < NELEM(queues); i++)
		if (mkdir(queues[i], 0700) < 0)
			fail_msg("mkdir %s: %s", queues[i], strerror(errno));
	vstr_free(text);
	vstr_free(why);
	return dir;
}

/* qmgr_env_teardown - back to where we were, and remove it all */
static inline void
qmgr_env_teardown(char *dir)
{
	if (chdir(qmgr_env_oldcwd) < 0)
		fail_msg("chdir back: %s", strerror(errno));
	tmpdir_remove(dir);
}

/* patch_text - overwrite text at a file offset */
static inline void
patch_text(int fd, long where, const struct vstr *s)
{
	if (pwrite(fd, vstr_str(s), vstr_len(s), where) !=
	    (ssize_t) vstr_len(s))
		fail_msg("pwrite: %s", strerror(errno));
}

/* qmgr_env_build - write a queue file from records */
static inline void
qmgr_env_build(const char *queue, const char *id, const struct qrec *recs,
               size_t n, int mode)
{
	struct vstr *path = vstr_alloc(64), *text = vstr_alloc(100);
	struct vstream *fp;
	long size_at = -1, mesg_at = -1, xtra_at = -1, nrcpt = 0;
	const char *data;

	mail_queue_path(path, queue, id);
	fp = vstream_open(vstr_str(path), O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (fp == NULL)
		fail_msg("create %s: %s", vstr_str(path), strerror(errno));
	for (size_t i = 0; i < n; i++) {
		long at = (long) vstream_ftell(fp);

		data = recs[i].data;
		if (recs[i].type == REC_TYPE_SIZE && data == NULL) {
			size_at = at;
			vstr_fmt(text, REC_SIZE_FORMAT, 0L, 0L, 0L, 0L, 0L, 0L);
			data = vstr_str(text);
		} else if (recs[i].type == REC_TYPE_MESG && data == NULL) {
			mesg_at = at;
			data = "              0";
		} else if (recs[i].type == REC_TYPE_XTRA) {
			xtra_at = at;
		} else if (recs[i].type == REC_TYPE_RCPT ||
		           recs[i].type == REC_TYPE_DONE) {
			nrcpt++;
		}
		rec_put(fp, recs[i].type, data ? data : "",
		        data ? strlen(data) : 0);
	}
	vstream_fflush(fp);
	if (size_at >= 0) {
		vstr_fmt(text, REC_SIZE_FORMAT, 123L, mesg_at, nrcpt, 0L, 123L,
		         0L);
		patch_text(vstream_fileno(fp), size_at + 2, text);
	}
	if (mesg_at >= 0 && xtra_at >= 0) {
		vstr_fmt(text, "%15ld", xtra_at);
		patch_text(vstream_fileno(fp), mesg_at + 2, text);
	}
	vstream_close(fp);
	if (chmod(vstr_str(path), (mode_t) mode) < 0)
		fail_msg("chmod: %s", strerror(errno));
	vstr_free(path);
	vstr_free(text);
}

#endif
