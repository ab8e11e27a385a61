/*
 * local_forward - $HOME/.forward files, and resubmission of a message
 * to other addresses through the cleanup service
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "attr.h"
#include "local.h"
#include "mac_expand.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"
#include "stringops.h"
#include "vstr.h"

/* read_forward - one .forward candidate, read as the user; 1 found */
static int
read_forward(const char *path, const struct local_user *u, struct vstr *text)
{
	struct stat sb;
	char buf[4096];
	ssize_t n;
	int fd, found = 0;

	local_set_eugid(u->uid, u->gid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0) {
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (sb.st_uid != u->uid && sb.st_uid != 0) {
				msg_warn("file %s has bad owner uid %ld", path,
				         (long) sb.st_uid);
			} else {
				while ((n = read(fd, buf, sizeof(buf))) > 0)
					vstr_cat_mem(text, buf, (size_t) n);
				found = 1;
			}
		}
		(void) close(fd);
	}
	local_set_eugid(local_owner_uid, local_owner_gid);
	return found;
}

/* forward_text - the first .forward of forward_path that exists */
static int
forward_text(const struct local_attr *a, const struct local_user *u,
             struct vstr *text)
{
	struct local_expand_in in = {a->user,         u->home,  u->shell,
	                             a->rcpt.address, a->local, a->domain,
	                             a->extension,    a->delim};
	struct argv *paths = argv_split(var_forward_path, ", \t\r\n");
	struct vstr *path = vstr_alloc(100);
	int found = 0;

	for (size_t i = 0; i < paths->argc && !found; i++) {
		if (local_expand(path, paths->argv[i], &in,
		                 var_forward_expansion_filter) &
		    MAC_ERROR) {
			found = -1;
			break;
		}
		if (vstr_len(path) == 0 || vstr_str(path)[0] != '/')
			continue;
		found = read_forward(vstr_str(path), u, text);
	}
	argv_free(paths);
	vstr_free(path);
	return found;
}

/* local_forward - deliver through the user's .forward; true if handled */
bool
local_forward(struct local_state *st, struct local_attr a, struct local_user u,
              int *status)
{
	struct passwd *pw;
	struct vstr *text;
	int found, count = 0;

	a.level++;
	if ((pw = getpwnam(a.user)) == NULL)
		return false;
	if (local_been_here(st, "forward %s", a.local))
		return false;
	local_user_from_pw(st, &u, pw);
	text = vstr_alloc(256);
	found = forward_text(&a, &u, text);
	if (found < 0) {
		*status = local_result(st, &a, LOCAL_DEFERRED, "4.3.5",
		                       "mail system configuration error");
		vstr_free(text);
		return true;
	}
	if (found == 0) {
		vstr_free(text);
		return false;
	}
	a.exp_type = LOCAL_EXP_FORWARD;
	a.exp_from = a.local;
	a.owner = a.user;
	if (!var_frozen_delivered_to)
		a.delivered = a.rcpt.address;
	*status = local_tokens(st, a, u, vstr_str(text), &count);
	vstr_free(text);
	/* An empty .forward means the mailbox, as if there was none. */
	return count > 0;
}

/* send_envelope - the records before the content */
static void
send_envelope(struct vstream *fp, const struct local_state *st,
              const struct local_attr *a)
{
	const struct deliver_request *req = st->req;

	rec_fprintf(fp, REC_TYPE_TIME, "%ld %ld",
	            (long) req->stats.arrival.tv_sec,
	            (long) req->stats.arrival.tv_usec);
	rec_puts(fp, REC_TYPE_FROM, a->sender);
	rec_fprintf(fp, REC_TYPE_ATTR, "%s=%s", MAIL_ATTR_RWR_CONTEXT, "local");
	if (!a->owner && req->dsn_envid && *req->dsn_envid)
		rec_puts(fp, REC_TYPE_DSN_ENVID, req->dsn_envid);
	if (!a->owner && req->dsn_ret)
		rec_fprintf(fp, REC_TYPE_DSN_RET, "%d", req->dsn_ret);
	if (a->rcpt.dsn_orcpt && *a->rcpt.dsn_orcpt)
		rec_puts(fp, REC_TYPE_DSN_ORCPT, a->rcpt.dsn_orcpt);
	if (a->rcpt.dsn_notify & ~DSN_NOTIFY_SUCCESS)
		rec_fprintf(fp, REC_TYPE_DSN_NOTIFY, "%d",
		            a->rcpt.dsn_notify & ~DSN_NOTIFY_SUCCESS);
	if (a->rcpt.orig_addr && *a->rcpt.orig_addr)
		rec_puts(fp, REC_TYPE_ORCP, a->rcpt.orig_addr);
	rec_puts(fp, REC_TYPE_RCPT, a->rcpt.address);
}

/* send_content - Delivered-To, then the queued content records */
static int
send_content(struct vstream *fp, const struct local_state *st,
             const struct local_attr *a)
{
	struct vstream *src = st->req->fp;
	struct vstr *buf = vstr_alloc(1024);
	int type;

	rec_puts(fp, REC_TYPE_MESG, "");
	if (local_hdr_mask & LOCAL_HDR_FORWARD)
		rec_fprintf(fp, REC_TYPE_NORM, "Delivered-To: %s",
		            a->delivered);
	if (vstream_fseek(src, st->req->data_offset, SEEK_SET) < 0)
		msg_fatal("%s: seek queue file: %m", st->req->queue_id);
	while ((type = rec_get(src, buf, 0)) > 0) {
		if (type == REC_TYPE_MESG)
			continue;
		if (type != REC_TYPE_NORM && type != REC_TYPE_CONT)
			break;
		if (rec_put(fp, type, vstr_str(buf), vstr_len(buf)) ==
		    REC_TYPE_ERROR)
			break;
	}
	vstr_free(buf);
	if (type != REC_TYPE_XTRA)
		return -1;
	rec_puts(fp, REC_TYPE_XTRA, "");
	rec_puts(fp, REC_TYPE_END, "");
	return vstream_fflush(fp) == 0 ? 0 : -1;
}

/* cleanup_reply - the cleanup server's verdict: 0, or -1 with why */
static int
cleanup_reply(struct vstream *fp, struct vstr *why)
{
	struct attr_list *l = attr_list_alloc();
	long status;
	const char *reason;

	if (attr_list_read(fp, l, (size_t) var_line_length_limit) < 0) {
		vstr_cpy(why, "4.3.0 mail forwarding transaction failed");
		attr_list_free(l);
		return -1;
	}
	status = attr_list_get_long(l, MAIL_ATTR_STATUS, -1);
	reason = attr_list_get(l, MAIL_ATTR_REASON);
	if (status != 0)
		vstr_cpy(why, reason && *reason ? reason
		                                : "4.3.0 mail forwarding "
		                                  "transaction failed");
	attr_list_free(l);
	return status == 0 ? 0 : -1;
}

/* resubmit - one new message for the address; queue ID into id */
static int
resubmit(const struct local_state *st, const struct local_attr *a,
         struct vstr *id, struct vstr *why)
{
	struct vstream *fp;
	struct attr_list *l;
	int ret = -1;

	if ((fp = mail_connect(MAIL_CLASS_PUBLIC, MAIL_SERVICE_CLEANUP,
	                       (int) var_ipc_timeout)) == NULL) {
		vstr_fmt(why, "4.3.0 connect to %s service: %s",
		         MAIL_SERVICE_CLEANUP, strerror(errno));
		return -1;
	}
	l = attr_list_alloc();
	if (attr_list_read(fp, l, (size_t) var_line_length_limit) < 0 ||
	    attr_list_get(l, MAIL_ATTR_QUEUEID) == NULL) {
		vstr_cpy(why, "4.3.0 mail forwarding transaction failed");
	} else {
		vstr_cpy(id, attr_list_get(l, MAIL_ATTR_QUEUEID));
		if (attr_print(fp,
		               ATTR_LONG(MAIL_ATTR_FLAGS,
		                         CLEANUP_FLAG_BOUNCE |
		                                 CLEANUP_FLAG_MASK_INTERNAL),
		               ATTR_END) < 0) {
			vstr_cpy(why,
			         "4.3.0 mail forwarding transaction failed");
		} else {
			send_envelope(fp, st, a);
			if (send_content(fp, st, a) < 0)
				vstr_cpy(why, "4.3.0 mail forwarding "
				              "transaction failed");
			else
				ret = cleanup_reply(fp, why);
		}
	}
	attr_list_free(l);
	(void) vstream_close(fp);
	return ret;
}

/*
 * split_reply - "D.S.N text" or an SMTP reply "550 5.7.1 text": the
 * status code into dsn, the text as result
 */
static const char *
split_reply(const char *w, char *dsn, size_t size)
{
	size_t n;

	if (strspn(w, "0123456789") == 3 && w[3] == ' ')
		w += 4;
	n = strspn(w, "0123456789.");
	if (n >= 5 && n < size && (w[0] == '4' || w[0] == '5') && w[n] == ' ') {
		memcpy(dsn, w, n);
		dsn[n] = 0;
		return w + n + 1;
	}
	snprintf(dsn, size, "%s", "4.3.0");
	return w;
}

/* local_indirect - forward a copy of the message to a->rcpt.address */
int
local_indirect(struct local_state *st, struct local_attr a)
{
	struct vstr *id, *why;
	int status;

	if (local_verify(st))
		return local_result(st, &a, LOCAL_SENT, "2.0.0",
		                    "forwards to %s", a.rcpt.address);
	if (local_been_here(st, "indirect %s %s", a.sender, a.rcpt.address))
		return 0;
	id = vstr_alloc(20);
	why = vstr_alloc(100);
	if (resubmit(st, &a, id, why) == 0) {
		status = local_result(st, &a, LOCAL_SENT, "2.0.0",
		                      "forwarded as %s", vstr_str(id));
	} else {
		char dsn[16];
		const char *text = split_reply(vstr_str(why), dsn, sizeof(dsn));

		status = local_result(
		        st, &a, dsn[0] == '5' ? LOCAL_BOUNCE : LOCAL_DEFERRED,
		        dsn, "%s", text);
	}
	vstr_free(id);
	vstr_free(why);
	return status;
}
