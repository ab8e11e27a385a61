/*
 * bounce_msg - the original message of a report, from its queue file
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "bounce_service.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "rec.h"

/* Longest envelope record we accept. */
#define BOUNCE_ENV_LIMIT 100000

/* envelope_record - note what a report needs from one envelope record */
static void
envelope_record(struct bounce_msg *m, int type, const char *text)
{
	char *end;
	long n;

	if (type == REC_TYPE_SIZE) {
		n = strtol(text, &end, 10);
		if (end != text && n >= 0)
			m->size = n;
	} else if (type == REC_TYPE_ATTR &&
	           strncmp(text, MAIL_ATTR_TRACE_FLAGS "=",
	                   sizeof(MAIL_ATTR_TRACE_FLAGS)) == 0) {
		n = strtol(text + sizeof(MAIL_ATTR_TRACE_FLAGS), &end, 10);
		if (*end == 0 && n >= 0)
			m->tflags = (int) n;
	} else if (type == REC_TYPE_TIME) {
		n = strtol(text, &end, 10);
		if (end != text && n > 0) {
			m->arrival.tv_sec = (time_t) n;
			n = strtol(end, &end, 10);
			m->arrival.tv_usec = n >= 0 && n < 1000000 ? n : 0;
		}
	}
}

/* bounce_msg_open - open the queue file and read up to the content */
int
bounce_msg_open(struct bounce_msg *m, struct vstr *why)
{
	struct vstr *buf;
	int type;

	m->fp = NULL;
	m->size = 0;
	m->tflags = 0;
	m->content = 0;
	m->arrival.tv_sec = 0;
	m->arrival.tv_usec = 0;
	if (!mail_queue_name_ok(m->queue_name) ||
	    !mail_queue_id_ok(m->queue_id)) {
		vstr_fmt(why, "bad queue file name %s/%s", m->queue_name,
		         m->queue_id);
		return -1;
	}
	m->fp = mail_queue_open(m->queue_name, m->queue_id, O_RDONLY, 0);
	if (m->fp == NULL) {
		vstr_fmt(why, "open queue file %s/%s: %s", m->queue_name,
		         m->queue_id, strerror(errno));
		return -1;
	}
	buf = vstr_alloc(100);
	while ((type = rec_get(m->fp, buf, BOUNCE_ENV_LIMIT)) > 0 &&
	       type != REC_TYPE_MESG)
		envelope_record(m, type, vstr_str(buf));
	vstr_free(buf);
	if (type != REC_TYPE_MESG) {
		vstr_fmt(why, "queue file %s/%s: no message content",
		         m->queue_name, m->queue_id);
		bounce_msg_close(m);
		return -1;
	}
	m->content = vstream_ftell(m->fp);
	return 0;
}

/* bounce_msg_close - release the queue file */
void
bounce_msg_close(struct bounce_msg *m)
{
	if (m->fp)
		(void) vstream_close(m->fp);
	m->fp = NULL;
}
