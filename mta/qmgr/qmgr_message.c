/*
 * qmgr_message - activate a queue file, read its envelope, resolve and
 * assign its recipients, and finish it when every request is answered
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounce.h"
#include "deliver_request.h"
#include "events.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"
#include "resolve.h"

#include "qmgr.h"

/* Longest envelope record we accept; content records are skipped. */
#define QMGR_REC_LIMIT (1024 * 1024)

struct qmgr_message *qmgr_active_list;
size_t qmgr_active_count;
size_t qmgr_rcpt_in_memory;

/* Named attributes (REC_TYPE_ATTR "name=value") kept in the message. */
static const struct attr_field {
	const char *name;
	size_t offset;
} attr_fields[] = {
        {MAIL_ATTR_LOG_CLIENT_NAME, offsetof(struct qmgr_message, client_name)},
        {MAIL_ATTR_LOG_CLIENT_ADDR, offsetof(struct qmgr_message, client_addr)},
        {MAIL_ATTR_LOG_CLIENT_PORT, offsetof(struct qmgr_message, client_port)},
        {MAIL_ATTR_LOG_HELO_NAME, offsetof(struct qmgr_message, client_helo)},
        {MAIL_ATTR_LOG_PROTO_NAME, offsetof(struct qmgr_message, client_proto)},
        {MAIL_ATTR_RWR_CONTEXT, offsetof(struct qmgr_message, rewrite_context)},
        {MAIL_ATTR_SASL_METHOD, offsetof(struct qmgr_message, sasl_method)},
        {MAIL_ATTR_SASL_USERNAME, offsetof(struct qmgr_message, sasl_username)},
        {MAIL_ATTR_ENCODING, offsetof(struct qmgr_message, encoding)},
        {MAIL_ATTR_DSN_ENVID, offsetof(struct qmgr_message, dsn_envid)},
};

/* What precedes a recipient record, and the reading position. */
struct rcpt_pending {
	char *orig_addr;
	char *dsn_orcpt;
	int dsn_notify;
	long group_start; /* offset of the first record of this group */
};

/* Where a read stands. */
struct read_state {
	size_t budget; /* recipients to keep */
	bool envelope; /* first read: keep envelope fields, read to END */
	long counted;  /* RCPT + DONE records seen */
	long mesg_at;  /* offset of the REC_TYPE_MESG record */
};

/* set_str - replace a string field */
static void
set_str(char **field, const char *value)
{
	xfree(*field);
	*field = xstrdup(value);
}

/* parse_long - a decimal number; false when it is not one */
static bool
parse_long(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return end != s && errno == 0;
}

/* read_time - arrival time record "seconds microseconds" */
static int
read_time(struct qmgr_message *m, const char *text)
{
	char *end;
	long sec, usec = 0;

	errno = 0;
	sec = strtol(text, &end, 10);
	if (end == text || errno != 0)
		return -1;
	if (*end == ' ') {
		const char *u = end + 1;

		usec = strtol(u, &end, 10);
		if (end == u || errno != 0 || usec < 0 || usec > 999999)
			usec = 0;
	}
	m->arrival.tv_sec = sec;
	m->arrival.tv_usec = usec;
	return 0;
}

/* pending_reset - forget what preceded the last recipient */
static void
pending_reset(struct rcpt_pending *p)
{
	p->orig_addr = xfree(p->orig_addr);
	p->dsn_orcpt = xfree(p->dsn_orcpt);
	p->dsn_notify = 0;
	p->group_start = -1;
}

/* read_size - the size record: six fixed-width numbers */
static int
read_size(struct qmgr_message *m, char *text)
{
	long v[6] = {0, 0, 0, 0, 0, 0};
	char *cp = text, *end;

	for (int i = 0; i < 6; i++) {
		errno = 0;
		v[i] = strtol(cp, &end, 10);
		if (end == cp || errno != 0)
			return i >= 3 ? 0 : -1; /* old files: 3 fields */
		cp = end;
	}
	m->data_size = v[0];
	m->data_offset = v[1];
	m->rcpt_total = v[2];
	m->smtputf8 = (int) v[5];
	return 0;
}

/* read_attr - a named attribute; data_at: where text is in the file */
static void
read_attr(struct qmgr_message *m, struct rcpt_pending *p, const char *text,
          long data_at)
{
	const char *eq = strchr(text, '=');
	size_t nlen;
	long n;

	if (eq == NULL)
		return;
	nlen = (size_t) (eq - text);
	for (size_t i = 0; i < sizeof(attr_fields) / sizeof(attr_fields[0]);
	     i++) {
		if (strlen(attr_fields[i].name) == nlen &&
		    strncmp(attr_fields[i].name, text, nlen) == 0) {
			set_str((char **) ((char *) m + attr_fields[i].offset),
			        eq + 1);
			return;
		}
	}
	/* Postfix keeps per-recipient DSN data in named attributes too. */
	if (nlen == strlen(MAIL_ATTR_DSN_ORCPT) &&
	    strncmp(text, MAIL_ATTR_DSN_ORCPT, nlen) == 0)
		set_str(&p->dsn_orcpt, eq + 1);
	else if (nlen == strlen(MAIL_ATTR_DSN_NOTIFY) &&
	         strncmp(text, MAIL_ATTR_DSN_NOTIFY, nlen) == 0 &&
	         parse_long(eq + 1, &n))
		p->dsn_notify = (int) n;
	else if (nlen == strlen(MAIL_ATTR_TRACE_FLAGS) &&
	         strncmp(text, MAIL_ATTR_TRACE_FLAGS, nlen) == 0 &&
	         parse_long(eq + 1, &n)) {
		m->tflags = (int) n & DEL_REQ_FLAG_TRACE_MASK;
		/* One digit: record_done() can clear it in place.
		 */
		if (strlen(eq + 1) == 1)
			m->tflags_offset = data_at + (long) (eq + 1 - text);
	} else if (nlen == strlen(MAIL_ATTR_DSN_RET) &&
	           strncmp(text, MAIL_ATTR_DSN_RET, nlen) == 0 &&
	           parse_long(eq + 1, &n))
		m->dsn_ret = (int) n;
}

/* add_rcpt - keep one recipient of the slice */
static void
add_rcpt(struct qmgr_message *m, struct rcpt_pending *p, const char *addr,
         long offset)
{
	struct qmgr_rcpt *r;

	m->rcpt = xreallocarray(m->rcpt, m->rcpt_count + 1, sizeof(*m->rcpt));
	r = &m->rcpt[m->rcpt_count++];
	r->orig_addr = xstrdup(p->orig_addr ? p->orig_addr : "");
	r->address = xstrdup(addr);
	r->dsn_orcpt = xstrdup(p->dsn_orcpt ? p->dsn_orcpt : "");
	r->dsn_notify = p->dsn_notify;
	r->offset = offset;
	qmgr_rcpt_in_memory++;
}

/* read_rcpt - a recipient record: keep it or note where to go on */
static void
read_rcpt(struct qmgr_message *m, struct read_state *rs, struct rcpt_pending *p,
          const char *addr, long start)
{
	if (m->rcpt_next == 0 && m->rcpt_count < rs->budget)
		add_rcpt(m, p, addr, start);
	else if (m->rcpt_next == 0)
		m->rcpt_next = p->group_start >= 0 ? p->group_start : start;
}

/* group_mark - note the start of a recipient's record group */
static void
group_mark(struct rcpt_pending *p, long start)
{
	if (p->group_start < 0)
		p->group_start = start;
}

/* is_rcpt_attr - a named attribute that belongs to the next recipient */
static bool
is_rcpt_attr(const char *text)
{
	return strncmp(text, MAIL_ATTR_DSN_ORCPT "=",
	               strlen(MAIL_ATTR_DSN_ORCPT) + 1) == 0 ||
	       strncmp(text, MAIL_ATTR_DSN_NOTIFY "=",
	               strlen(MAIL_ATTR_DSN_NOTIFY) + 1) == 0;
}

/* read_envelope_rec - one envelope-only record (first read) */
static int
read_envelope_rec(struct qmgr_message *m, int type, struct vstr *buf,
                  long data_at)
{
	char *text = vstr_str(buf);
	long n;

	switch (type) {
	case REC_TYPE_SIZE:
		return read_size(m, text);
	case REC_TYPE_TIME:
		return read_time(m, text);
	case REC_TYPE_FROM:
		set_str(&m->sender, text);
		return 0;
	case REC_TYPE_FILT:
		set_str(&m->filter, text);
		return 0;
	case REC_TYPE_RDR:
		set_str(&m->redirect, text);
		return 0;
	case REC_TYPE_DSN_ENVID:
		set_str(&m->dsn_envid, text);
		return 0;
	case REC_TYPE_DSN_RET:
		if (parse_long(text, &n))
			m->dsn_ret = (int) n;
		return 0;
	case REC_TYPE_WARN:
		if (parse_long(text, &n)) {
			m->warn_time = n;
			m->warn_offset = data_at;
		}
		return 0;
	default:
		return 0;
	}
}

/* read_mesg - the content starts: jump to the extracted records */
static int
read_mesg(struct vstream *fp, struct read_state *rs, struct vstr *buf,
          long start)
{
	long xtra;

	rs->mesg_at = start;
	if (parse_long(vstr_str(buf), &xtra) && xtra > start &&
	    vstream_fseek(fp, xtra, SEEK_SET) < 0)
		return -1;
	/* Without a usable offset the content records are read and skipped. */
	return 0;
}

/* read_one - handle one record; 1 at the end, 0 go on, -1 corrupt */
static int
read_one(struct qmgr_message *m, struct vstream *fp, struct read_state *rs,
         struct rcpt_pending *p, struct vstr *buf)
{
	long start = (long) vstream_ftell(fp), n;
	int type = rec_get(fp, buf, QMGR_REC_LIMIT);
	long data_at = (long) vstream_ftell(fp) - (long) vstr_len(buf);

	switch (type) {
	case REC_TYPE_EOF:
	case REC_TYPE_ERROR:
		return -1;
	case REC_TYPE_END:
		return 1;
	case REC_TYPE_MESG:
		return read_mesg(fp, rs, buf, start);
	case REC_TYPE_ORCP:
		group_mark(p, start);
		set_str(&p->orig_addr, vstr_str(buf));
		return 0;
	case REC_TYPE_DSN_ORCPT:
		group_mark(p, start);
		set_str(&p->dsn_orcpt, vstr_str(buf));
		return 0;
	case REC_TYPE_DSN_NOTIFY:
		group_mark(p, start);
		if (parse_long(vstr_str(buf), &n))
			p->dsn_notify = (int) n;
		return 0;
	case REC_TYPE_ATTR:
		if (is_rcpt_attr(vstr_str(buf)))
			group_mark(p, start);
		read_attr(m, p, vstr_str(buf), data_at);
		return 0;
	case REC_TYPE_RCPT:
		rs->counted++;
		read_rcpt(m, rs, p, vstr_str(buf), start);
		pending_reset(p);
		/* A continued read stops as soon as the slice is full. */
		return !rs->envelope && m->rcpt_next != 0 ? 1 : 0;
	case REC_TYPE_DONE:
		rs->counted++;
		pending_reset(p);
		return 0;
	default:
		if (!rs->envelope)
			return 0;
		return read_envelope_rec(m, type, buf, data_at);
	}
}

/* read_records - read records from the current position to the end */
static int
read_records(struct qmgr_message *m, struct vstream *fp, struct read_state *rs,
             struct vstr *why)
{
	struct rcpt_pending p = {NULL, NULL, 0, -1};
	struct vstr *buf = vstr_alloc(100);
	int ret;

	while ((ret = read_one(m, fp, rs, &p, buf)) == 0)
		/* void */;
	pending_reset(&p);
	vstr_free(buf);
	if (ret < 0) {
		vstr_cpy(why, vstream_ferror(fp) ? "queue file read error"
		                                 : "damaged or truncated "
		                                   "queue file");
		return -1;
	}
	return 0;
}

/* message_alloc - an empty message */
static struct qmgr_message *
message_alloc(const char *queue, const char *id)
{
	struct qmgr_message *m = xcalloc(1, sizeof(*m));

	m->queue_name = xstrdup(queue);
	m->queue_id = xstrdup(id);
	m->warn_offset = -1;
	m->tflags_offset = -1;
	return m;
}

/* fill_empty - "" for every string the file did not give */
static void
fill_empty(struct qmgr_message *m)
{
	char **fields[] = {
	        &m->filter,          &m->redirect,    &m->encoding,
	        &m->dsn_envid,       &m->client_name, &m->client_addr,
	        &m->client_port,     &m->client_helo, &m->client_proto,
	        &m->rewrite_context, &m->sasl_method, &m->sasl_username};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (*fields[i] == NULL)
			*fields[i] = xstrdup("");
}

/* slice_free - drop the recipients in memory */
static void
slice_free(struct qmgr_message *m)
{
	for (size_t i = 0; i < m->rcpt_count; i++) {
		xfree(m->rcpt[i].orig_addr);
		xfree(m->rcpt[i].address);
		xfree(m->rcpt[i].dsn_orcpt);
	}
	qmgr_rcpt_in_memory -= m->rcpt_count;
	m->rcpt = xfree(m->rcpt);
	m->rcpt_count = 0;
}

/* qmgr_message_free - release a message */
struct qmgr_message *
qmgr_message_free(struct qmgr_message *m)
{
	char *fields[] = {m->queue_id,        m->queue_name,  m->sender,
	                  m->filter,          m->redirect,    m->encoding,
	                  m->dsn_envid,       m->client_name, m->client_addr,
	                  m->client_port,     m->client_helo, m->client_proto,
	                  m->rewrite_context, m->sasl_method, m->sasl_username};

	slice_free(m);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		xfree(fields[i]);
	return xfree(m);
}

/* qmgr_message_read_fp - the envelope and the first recipient slice */
static struct qmgr_message *
qmgr_message_read_fp(struct vstream *fp, const char *queue, const char *id,
                     size_t budget, struct vstr *why)
{
	struct qmgr_message *m = message_alloc(queue, id);
	struct read_state rs = {budget, true, 0, 0};

	if (read_records(m, fp, &rs, why) < 0)
		return qmgr_message_free(m);
	if (m->sender == NULL) {
		vstr_cpy(why, "no sender record");
		return qmgr_message_free(m);
	}
	if (m->data_offset <= 0)
		m->data_offset = rs.mesg_at;
	if (m->data_offset <= 0) {
		vstr_cpy(why, "no message content record");
		return qmgr_message_free(m);
	}
	if (m->rcpt_total <= 0)
		m->rcpt_total = rs.counted;
	fill_empty(m);
	return m;
}

/* qmgr_message_read - open and read a queue file (tests use this) */
struct qmgr_message *
qmgr_message_read(const char *queue, const char *id, size_t budget,
                  struct vstr *why)
{
	struct vstream *fp = mail_queue_open(queue, id, O_RDONLY, 0);
	struct qmgr_message *m;

	if (fp == NULL) {
		vstr_fmt(why, "open %s/%s: %m", queue, id);
		return NULL;
	}
	m = qmgr_message_read_fp(fp, queue, id, budget, why);
	vstream_close(fp);
	return m;
}

/* qmgr_message_read_more - the next recipient slice */
int
qmgr_message_read_more(struct qmgr_message *m, size_t budget, struct vstr *why)
{
	struct vstream *fp;
	struct read_state rs = {budget, false, 0, 0};
	long at = m->rcpt_next;
	int ret;

	if ((fp = mail_queue_open(m->queue_name, m->queue_id, O_RDONLY, 0)) ==
	    NULL) {
		vstr_fmt(why, "open %s/%s: %m", m->queue_name, m->queue_id);
		return -1;
	}
	m->rcpt_next = 0;
	if (vstream_fseek(fp, at, SEEK_SET) < 0) {
		vstr_fmt(why, "seek %s/%s: %m", m->queue_name, m->queue_id);
		ret = -1;
	} else {
		ret = read_records(m, fp, &rs, why);
	}
	vstream_close(fp);
	return ret;
}

/* qmgr_message_budget - how many recipients the next read may keep */
size_t
qmgr_message_budget(void)
{
	size_t limit = (size_t) var_qmgr_message_recipient_limit;
	size_t left =
	        qmgr_rcpt_in_memory < limit ? limit - qmgr_rcpt_in_memory : 0;

	if (left < (size_t) var_qmgr_message_recipient_minimum)
		left = (size_t) var_qmgr_message_recipient_minimum;
	return left;
}

/* qmgr_message_undone - which recipients are still REC_TYPE_RCPT */
size_t
qmgr_message_undone(const struct qmgr_message *m, struct qmgr_rcpt **rcpt,
                    size_t count, bool *undone)
{
	struct vstream *fp;
	size_t n = 0;
	char type;

	fp = mail_queue_open(m->queue_name, m->queue_id, O_RDONLY, 0);
	for (size_t i = 0; i < count; i++) {
		/* When the file cannot be read, nothing is known to be done. */
		undone[i] = fp == NULL ||
		            pread(vstream_fileno(fp), &type, 1,
		                  rcpt[i]->offset) != 1 ||
		            type != REC_TYPE_DONE;
		n += undone[i];
	}
	if (fp)
		vstream_close(fp);
	return n;
}

/* message_corrupt - state active -> corrupt, with a warning */
static void
message_corrupt(const char *id, const char *why)
{
	msg_warn("%s: %s", id, why);
	msg_warn("saving corrupt file \"%s\" from queue \"%s\" to queue \"%s\"",
	         id, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_CORRUPT);
	if (mail_queue_rename(id, MAIL_QUEUE_ACTIVE, MAIL_QUEUE_CORRUPT) < 0)
		msg_warn("%s: move from %s to %s: %m", id, MAIL_QUEUE_ACTIVE,
		         MAIL_QUEUE_CORRUPT);
}

/* message_link - add to the active list */
static void
message_link(struct qmgr_message *m)
{
	m->next = qmgr_active_list;
	if (m->next)
		m->next->prev = m;
	qmgr_active_list = m;
	qmgr_active_count++;
}

/* message_unlink - remove from the active list */
static void
message_unlink(struct qmgr_message *m)
{
	if (m->prev)
		m->prev->next = m->next;
	else
		qmgr_active_list = m->next;
	if (m->next)
		m->next->prev = m->prev;
	qmgr_active_count--;
}

/*
 * message_in_delivery - an agent of an earlier qmgr still holds it
 *
 * Agents keep a shared lock on the queue file while they deliver. After
 * a qmgr restart such a file is back in incoming/ while the old agent is
 * still at work; delivering it again now would repeat that delivery.
 */
static bool
message_in_delivery(struct vstream *fp, const char *id)
{
	int fd = vstream_fileno(fp);

	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return true;
		msg_warn("%s: lock %s: %m", id, MAIL_QUEUE_ACTIVE);
		return false;
	}
	(void) flock(fd, LOCK_UN);
	return false;
}

/* qmgr_message_activate - state incoming/deferred -> active, then route */
int
qmgr_message_activate(const char *id, const char *from)
{
	struct vstream *fp;
	struct vstr *why;
	struct qmgr_message *m;

	if (mail_queue_rename(id, from, MAIL_QUEUE_ACTIVE) < 0) {
		if (errno != ENOENT)
			msg_warn("%s: move from %s to %s: %m", id, from,
			         MAIL_QUEUE_ACTIVE);
		return -1;
	}
	if ((fp = mail_queue_open(MAIL_QUEUE_ACTIVE, id, O_RDONLY, 0)) ==
	    NULL) {
		/* Not the file's fault: put it back for a later scan. */
		msg_warn("%s: open %s: %m", id, MAIL_QUEUE_ACTIVE);
		if (errno != ENOENT &&
		    mail_queue_rename(id, MAIL_QUEUE_ACTIVE, from) < 0)
			msg_warn("%s: move back to %s: %m", id, from);
		return -1;
	}
	if (message_in_delivery(fp, id)) {
		vstream_close(fp);
		qmgr_defer_busy(id);
		return -1;
	}
	why = vstr_alloc(100);
	m = qmgr_message_read_fp(fp, MAIL_QUEUE_ACTIVE, id,
	                         qmgr_message_budget(), why);
	vstream_close(fp);
	if (m == NULL) {
		message_corrupt(id, vstr_str(why));
		vstr_free(why);
		return -1;
	}
	vstr_free(why);
	gettimeofday(&m->active, NULL);
	message_link(m);
	msg_info("%s: from=<%s>, size=%ld, nrcpt=%ld (queue active)",
	         m->queue_id, m->sender, m->data_size, m->rcpt_total);
	qmgr_message_assign(m);
	return 0;
}

/* filter_route - a content filter "transport:nexthop" routes everything */
static void
filter_route(const char *filter, const char *addr, struct resolve_reply *rp)
{
	const char *colon = strchr(filter, ':');
	const char *nexthop = colon ? colon + 1 : "";

	if (colon)
		vstr_mem(rp->transport, filter, (size_t) (colon - filter));
	else
		vstr_cpy(rp->transport, filter);
	vstr_cpy(rp->nexthop, *nexthop ? nexthop : var_myhostname);
	vstr_cpy(rp->recipient, addr);
	rp->flags = 0;
}

/* route_rcpt - resolve one recipient and queue it (or defer/bounce it) */
static void
route_rcpt(struct qmgr_message *m, struct qmgr_rcpt *r,
           struct resolve_reply *rp)
{
	const char *addr = *m->redirect ? m->redirect : r->address;
	struct qmgr_transport *t;
	struct qmgr_queue *q;

	if (*m->filter)
		filter_route(m->filter, addr, rp);
	else
		resolve_addr(addr, rp);
	if (rp->flags & RESOLVE_FLAG_FAIL) {
		qmgr_defer_rcpt(m, r, "4.3.0", "address resolver failure");
		return;
	}
	if (vstr_len(rp->recipient) > 0 &&
	    strcmp(r->address, vstr_str(rp->recipient)) != 0)
		set_str(&r->address, vstr_str(rp->recipient));
	if ((rp->flags & RESOLVE_FLAG_ERROR) &&
	    strcmp(vstr_str(rp->transport), "error") != 0) {
		qmgr_bounce_rcpt(m, r, "5.1.3", "bad address syntax");
		return;
	}
	t = qmgr_transport_find(vstr_str(rp->transport));
	if (!t->known) {
		qmgr_defer_rcpt(m, r, "4.3.0", "mail transport unavailable");
		return;
	}
	if (t->dead_until) {
		qmgr_defer_rcpt(m, r, "4.3.0", t->dead_reason);
		return;
	}
	q = qmgr_queue_find(
	        t, t->rcpt_limit == 1 ? r->address : vstr_str(rp->nexthop),
	        vstr_str(rp->nexthop));
	if (q->dead_until) {
		qmgr_defer_rcpt(m, r, q->dead_status, q->dead_reason);
		qmgr_queue_release(q);
		return;
	}
	qmgr_queue_add(q, m, r);
}

/* qmgr_message_assign - route every recipient of the slice */
void
qmgr_message_assign(struct qmgr_message *m)
{
	struct resolve_reply reply;

	resolve_reply_init(&reply);
	m->refcount++; /* not done while we are still assigning */
	for (size_t i = 0; i < m->rcpt_count; i++)
		route_rcpt(m, &m->rcpt[i], &reply);
	resolve_reply_free(&reply);
	qmgr_message_done_entry(m);
	qmgr_deliver_kick();
}

/* count_remaining - recipients still REC_TYPE_RCPT in the file */
static int
count_remaining(const struct qmgr_message *m)
{
	struct vstream *fp;
	struct vstr *buf;
	int type, n = 0;
	long xtra;

	fp = mail_queue_open(m->queue_name, m->queue_id, O_RDONLY, 0);
	if (fp == NULL)
		return -1;
	buf = vstr_alloc(100);
	while ((type = rec_get(fp, buf, QMGR_REC_LIMIT)) != REC_TYPE_END) {
		if (type == REC_TYPE_EOF || type == REC_TYPE_ERROR) {
			errno = EINVAL;
			n = -1;
			break;
		}
		if (type == REC_TYPE_RCPT)
			n++;
		else if (type == REC_TYPE_MESG &&
		         parse_long(vstr_str(buf), &xtra) && xtra > 0)
			vstream_fseek(fp, xtra, SEEK_SET);
	}
	vstr_free(buf);
	vstream_close(fp);
	return n;
}

/* log_flush - send the report of a bounce or trace log; true: failed */
static bool
log_flush(const struct qmgr_message *m, const char *service)
{
	struct vstr *path = vstr_alloc(64);
	bool exists;

	exists = access(mail_queue_path(path, service, m->queue_id), F_OK) == 0;
	vstr_free(path);
	if (!exists)
		return false;
	if (bounce_flush(service, m->queue_name, m->queue_id, m->encoding,
	                 m->smtputf8, m->sender, m->dsn_envid,
	                 m->dsn_ret) < 0) {
		msg_warn("%s: cannot flush the %s log; will retry", m->queue_id,
		         service);
		return true;
	}
	return false;
}

/* record_done - sendmail -v reports the first attempt only: clear the flag */
static void
record_done(struct qmgr_message *m)
{
	struct vstream *fp;

	if (!(m->tflags & DEL_REQ_FLAG_RECORD) || m->tflags_offset < 0)
		return;
	fp = mail_queue_open(m->queue_name, m->queue_id, O_RDWR, 0);
	if (fp == NULL ||
	    pwrite(vstream_fileno(fp), "0", 1, (off_t) m->tflags_offset) != 1 ||
	    fsync(vstream_fileno(fp)) < 0)
		msg_warn("%s: clear the trace flags: %m", m->queue_id);
	if (fp != NULL)
		vstream_close(fp);
	m->tflags = 0;
}

/* message_remove - every recipient is done: state active -> gone */
static void
message_remove(const struct qmgr_message *m)
{
	if (mail_queue_remove(MAIL_QUEUE_DEFER, m->queue_id) < 0 &&
	    errno != ENOENT)
		msg_warn("%s: remove %s log: %m", m->queue_id,
		         MAIL_QUEUE_DEFER);
	if (mail_queue_remove(m->queue_name, m->queue_id) < 0)
		msg_warn("%s: remove from %s: %m", m->queue_id, m->queue_name);
	else
		msg_info("%s: removed", m->queue_id);
}

/* message_finish - the last request of the message was answered */
static void
message_finish(struct qmgr_message *m)
{
	int remain = count_remaining(m);
	bool keep;

	if (remain < 0 && errno == ENOENT) {
		/* Removed or held behind our back (postsuper). */
		msg_warn("%s: remove %s from %s: %m", __func__, m->queue_id,
		         m->queue_name);
	} else {
		if (remain < 0)
			msg_warn("%s: cannot read the recipients; will retry",
			         m->queue_id);
		keep = log_flush(m, MAIL_QUEUE_BOUNCE);
		keep |= log_flush(m, MAIL_QUEUE_TRACE);
		if (remain > 0)
			record_done(m);
		if (remain != 0 || keep)
			qmgr_defer_finish(m, remain > 0 ? remain : 0);
		else
			message_remove(m);
	}
	message_unlink(m);
	qmgr_message_free(m);
	qmgr_scan_kick();
}

/* message_next_event - read the next slice, or finish the message */
static void
message_next_event(int event, void *ctx)
{
	struct qmgr_message *m = ctx;
	struct vstr *why;

	(void) event;
	if (m->refcount > 0)
		return;
	slice_free(m);
	if (m->rcpt_next > 0) {
		why = vstr_alloc(100);
		if (qmgr_message_read_more(m, qmgr_message_budget(), why) < 0) {
			msg_warn("%s: %s", m->queue_id, vstr_str(why));
			slice_free(m);
			m->rcpt_next = 0;
		}
		vstr_free(why);
		if (m->rcpt_count > 0) {
			qmgr_message_assign(m);
			return;
		}
	}
	message_finish(m);
}

/* qmgr_message_done_entry - one request (or the assignment) is over */
void
qmgr_message_done_entry(struct qmgr_message *m)
{
	if (m->refcount == 0)
		msg_panic("%s: %s: reference count underflow", __func__,
		          m->queue_id);
	/* Finish from the event loop: callers may still hold the message. */
	if (--m->refcount == 0)
		event_request_timer_ms(message_next_event, m, 0);
}
