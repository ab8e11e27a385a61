/*
 * pickup_copy - send a checked maildrop file to cleanup (pickup.h)
 *
 * The records go over as they are, with these changes: DSN attribute
 * records become cleanup's DSN records (maildrop_attr_type), a missing
 * rewrite_context becomes "local", the content starts with our
 * Received: header, and MESG carries no offset. The file is checked
 * again while it is copied: a record that fails now drops the cleanup
 * connection without END, so cleanup discards its half.
 */
#include <string.h>
#include <time.h>

#include "attr.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "maildrop.h"
#include "msg.h"
#include "mymalloc.h"
#include "pickup.h"
#include "rec.h"
#include "rewrite.h"
#include "vstr.h"
#include "vstream.h"

struct copy_state {
	struct pickup_file *pf;
	struct vstream *cl;   /* to cleanup */
	struct vstr *qid;     /* cleanup's queue ID */
	struct vstr *why;     /* check result */
	bool rwr_seen;        /* file named its rewrite_context */
	bool content_started; /* a content record was sent */
};

/* cleanup_open - connect, read the queue ID, send the request flags */
static struct vstream *
cleanup_open(struct pickup_file *pf, struct vstr *qid)
{
	struct vstream *cl;
	struct attr_list *reply = attr_list_alloc();
	const char *id;

	cl = mail_connect(MAIL_CLASS_PUBLIC, MAIL_SERVICE_CLEANUP,
	                  (int) var_ipc_timeout);
	if (cl == NULL) {
		msg_warn("%s: connect to %s/%s: %m", pf->id, MAIL_CLASS_PUBLIC,
		         MAIL_SERVICE_CLEANUP);
	} else if (attr_list_read(cl, reply, (size_t) var_line_length_limit) <
	                   0 ||
	           (id = attr_list_get(reply, MAIL_ATTR_QUEUEID)) == NULL ||
	           attr_print(cl,
	                      ATTR_LONG(MAIL_ATTR_FLAGS,
	                                CLEANUP_FLAG_MASK_EXTERNAL |
	                                        CLEANUP_FLAG_BOUNCE),
	                      ATTR_END) < 0) {
		msg_warn("%s: cleanup service handshake failed", pf->id);
		vstream_close(cl);
		cl = NULL;
	} else {
		vstr_cpy(qid, id);
	}
	attr_list_free(reply);
	return cl;
}

/* put_received - our trace header, first in the content */
static void
put_received(struct copy_state *s)
{
	char date[80];
	struct tm *tm = localtime(&s->pf->st.st_mtime);

	if (tm == NULL || strftime(date, sizeof(date),
	                           "%a, %e %b %Y %H:%M:%S %z (%Z)", tm) == 0)
		date[0] = 0;
	rec_fprintf(s->cl, REC_TYPE_NORM,
	            "Received: by %s (%s, from userid %ld)", var_myhostname,
	            var_mail_name, (long) s->pf->st.st_uid);
	rec_fprintf(s->cl, REC_TYPE_NORM, "\tid %s; %s", vstr_str(s->qid),
	            date);
}

/* start_content - the envelope is complete: log, MESG, Received: */
static void
start_content(struct copy_state *s)
{
	if (!s->rwr_seen)
		rec_fprintf(s->cl, REC_TYPE_ATTR, "%s=%s",
		            MAIL_ATTR_RWR_CONTEXT, REWRITE_LOCAL);
	msg_info("%s: uid=%ld from=<%s>", vstr_str(s->qid),
	         (long) s->pf->st.st_uid, s->pf->sender);
	rec_puts(s->cl, REC_TYPE_MESG, "");
	put_received(s);
}

/* put_attr - an attribute record, or the DSN record it stands for */
static void
put_attr(struct copy_state *s, const char *data, size_t len)
{
	int type = maildrop_attr_type(data, len);
	const char *eq = memchr(data, '=', len);

	if (type != 0 && eq != NULL) {
		rec_put(s->cl, type, eq + 1, len - (size_t) (eq + 1 - data));
		return;
	}
	if (eq != NULL &&
	    (size_t) (eq - data) == strlen(MAIL_ATTR_RWR_CONTEXT) &&
	    memcmp(data, MAIL_ATTR_RWR_CONTEXT, (size_t) (eq - data)) == 0)
		s->rwr_seen = true;
	rec_put(s->cl, REC_TYPE_ATTR, data, len);
}

/* put_record - one checked record to cleanup */
static void
put_record(struct copy_state *s, int type, const char *data, size_t len)
{
	switch (type) {
	case REC_TYPE_ATTR:
		put_attr(s, data, len);
		break;
	case REC_TYPE_MESG:
		start_content(s);
		break;
	case REC_TYPE_NORM:
	case REC_TYPE_CONT:
		/* Text that starts with white space would continue our
		 * Received: header: end that header first. */
		if (!s->content_started && len > 0 &&
		    (data[0] == ' ' || data[0] == '\t'))
			rec_put(s->cl, REC_TYPE_NORM, "", 0);
		s->content_started = true;
		rec_put(s->cl, type, data, len);
		break;
	default:
		rec_put(s->cl, type, data, len);
		break;
	}
}

/* copy_records - the file to cleanup; PICKUP_OK or PICKUP_CORRUPT */
static int
copy_records(struct copy_state *s)
{
	struct vstr *buf = vstr_alloc(1024);
	struct maildrop_check check;
	int type, result = PICKUP_OK;

	maildrop_check_init(&check, false);
	while (check.seg != MAILDROP_SEG_END) {
		type = rec_get(s->pf->fp, buf, (size_t) var_line_length_limit);
		if (type < 0) {
			vstr_cpy(s->why, "file changed while it was read");
			result = PICKUP_CORRUPT;
			break;
		}
		switch (maildrop_check(&check, type, vstr_str(buf),
		                       vstr_len(buf), s->why)) {
		case MAILDROP_BAD:
			result = PICKUP_CORRUPT;
			break;
		case MAILDROP_SKIP:
			msg_warn("%s: uid=%ld: %s", s->pf->id,
			         (long) s->pf->st.st_uid, vstr_str(s->why));
			continue;
		default:
			put_record(s, type, vstr_str(buf), vstr_len(buf));
			continue;
		}
		break;
	}
	vstr_free(buf);
	return result;
}

/* verdict - cleanup's answer after END */
static int
verdict(struct copy_state *s)
{
	struct attr_list *reply = attr_list_alloc();
	long status;
	int result;

	if (vstream_fflush(s->cl) != 0 ||
	    attr_list_read(s->cl, reply, (size_t) var_line_length_limit) < 0) {
		msg_warn("%s: cleanup service: no reply", s->pf->id);
		attr_list_free(reply);
		return PICKUP_KEEP;
	}
	status = attr_list_get_long(reply, MAIL_ATTR_STATUS, -1);
	if (status == CLEANUP_STAT_OK || status == CLEANUP_STAT_DISCARD) {
		result = PICKUP_OK;
	} else if (status < 0 ||
	           (status & (CLEANUP_STAT_WRITE | CLEANUP_STAT_DEFER))) {
		msg_warn("%s: cleanup service: status %ld, file kept",
		         s->pf->id, status);
		result = PICKUP_KEEP;
	} else {
		const char *reason = attr_list_get(reply, MAIL_ATTR_REASON);

		msg_warn("%s: uid=%ld: rejected by cleanup: %s -- moving to "
		         "corrupt queue",
		         s->pf->id, (long) s->pf->st.st_uid,
		         reason && *reason ? reason : "no reason given");
		result = PICKUP_CORRUPT;
	}
	attr_list_free(reply);
	return result;
}

/* pickup_copy - the whole exchange with cleanup */
int
pickup_copy(struct pickup_file *pf)
{
	struct copy_state s;
	int result;

	memset(&s, 0, sizeof(s));
	s.pf = pf;
	s.qid = vstr_alloc(32);
	s.why = vstr_alloc(100);
	s.cl = cleanup_open(pf, s.qid);
	if (s.cl == NULL) {
		result = PICKUP_KEEP;
	} else if ((result = copy_records(&s)) != PICKUP_OK) {
		msg_warn("%s: uid=%ld: %s -- moving to corrupt queue", pf->id,
		         (long) pf->st.st_uid, vstr_str(s.why));
	} else {
		result = verdict(&s);
	}
	if (s.cl)
		vstream_close(s.cl);
	vstr_free(s.qid);
	vstr_free(s.why);
	return result;
}
