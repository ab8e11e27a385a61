/*
 * cleanup_out - queue file output: records, content lines split at
 * line_length_limit, recipients with the duplicate filter, and the final
 * steps that make the file durable before the client hears OK
 *
 * Everything goes through the queue file's vstream buffer: one write(2)
 * per buffer, not per record, and exactly one fsync(2) per message.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "htable.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"
#include "vstr.h"
#include "vstream.h"

#include "cleanup.h"

/* Buffers of this module; callers may pass text in the state's temps. */
static struct vstr *out_buf;
static struct vstr *dup_key;

/* cleanup_out_write_error - remember the first write error */
void
cleanup_out_write_error(struct cleanup_state *state)
{
	if ((state->errs & (CLEANUP_STAT_WRITE | CLEANUP_STAT_SIZE)) == 0) {
		state->write_errno = errno ? errno : EIO;
		msg_warn("%s: write queue file: %s", vstr_str(state->queue_id),
		         strerror(state->write_errno));
	}
	/* A file size limit is a message size problem (Postfix does so). */
	state->errs |= state->write_errno == EFBIG ? CLEANUP_STAT_SIZE
	                                           : CLEANUP_STAT_WRITE;
}

/* cleanup_out - write one record unless the message is already lost */
void
cleanup_out(struct cleanup_state *state, int type, const char *data, size_t len)
{
	if (!CLEANUP_OUT_OK(state))
		return;
	if (state->where == WHERE_CONTENT &&
	    (type == REC_TYPE_NORM || type == REC_TYPE_CONT)) {
		state->content_size += (long) len + (type == REC_TYPE_NORM);
		if (var_message_size_limit > 0 &&
		    state->content_size > var_message_size_limit) {
			state->errs |= CLEANUP_STAT_SIZE;
			return;
		}
	}
	if (rec_put(state->dst, type, data, len) == REC_TYPE_ERROR)
		cleanup_out_write_error(state);
}

/* cleanup_out_string - write a record from a C string */
void
cleanup_out_string(struct cleanup_state *state, int type, const char *s)
{
	cleanup_out(state, type, s, strlen(s));
}

/* cleanup_out_format - write a record from a format */
void
cleanup_out_format(struct cleanup_state *state, int type, const char *fmt, ...)
{
	va_list ap;

	if (out_buf == NULL)
		out_buf = vstr_alloc(100);
	va_start(ap, fmt);
	vstr_reset(out_buf);
	vstr_vfmt_append(out_buf, fmt, ap);
	va_end(ap);
	cleanup_out(state, type, vstr_str(out_buf), vstr_len(out_buf));
}

/*
 * cleanup_out_text - write one content line or piece; longer than
 * line_length_limit, it becomes REC_TYPE_CONT pieces and a final piece of
 * the given type
 */
void
cleanup_out_text(struct cleanup_state *state, int type, const char *p,
                 size_t len)
{
	size_t limit = var_line_length_limit > 0
	                       ? (size_t) var_line_length_limit
	                       : len + 1;

	while (len > limit) {
		cleanup_out(state, REC_TYPE_CONT, p, limit);
		p += limit;
		len -= limit;
	}
	cleanup_out(state, type, p, len);
}

/* cleanup_out_header - write a logical header, one record per line */
void
cleanup_out_header(struct cleanup_state *state, const char *text, size_t len)
{
	const char *nl;

	while ((nl = memchr(text, '\n', len)) != NULL) {
		cleanup_out_text(state, REC_TYPE_NORM, text,
		                 (size_t) (nl - text));
		len -= (size_t) (nl - text) + 1;
		text = nl + 1;
	}
	cleanup_out_text(state, REC_TYPE_NORM, text, len);
}

/* dup_seen - the duplicate filter: true when this recipient was written */
static bool
dup_seen(struct cleanup_state *state, const char *orcpt, const char *recip)
{
	struct vstr *key;

	if (dup_key == NULL)
		dup_key = vstr_alloc(100);
	key = dup_key;
	vstr_fmt(key, "%s\n%s\n%s\n%s",
	         state->dsn_orcpt ? state->dsn_orcpt : "",
	         state->dsn_notify ? state->dsn_notify : "",
	         var_enable_original_recipient ? orcpt : "", recip);
	if (htable_locate(state->dups, vstr_str(key)) != NULL)
		return true;
	if (state->dups->used < (size_t) var_duplicate_filter_limit)
		htable_enter(state->dups, vstr_str(key), NULL);
	return false;
}

/*
 * cleanup_out_recipient - write one final recipient with the DSN and
 * original-recipient records that belong to it, unless it is a duplicate
 */
void
cleanup_out_recipient(struct cleanup_state *state, const char *orcpt,
                      const char *recip)
{
	if (!CLEANUP_OUT_OK(state) || dup_seen(state, orcpt, recip))
		return;
	if (state->dsn_orcpt)
		cleanup_out_string(state, REC_TYPE_DSN_ORCPT, state->dsn_orcpt);
	if (state->dsn_notify)
		cleanup_out_string(state, REC_TYPE_DSN_NOTIFY,
		                   state->dsn_notify);
	if (var_enable_original_recipient)
		cleanup_out_string(state, REC_TYPE_ORCP, orcpt);
	cleanup_out_string(state, REC_TYPE_RCPT, recip);
	state->rcpt_count++;
}

/* cleanup_out_start - the size record, rewritten once sizes are known */
void
cleanup_out_start(struct cleanup_state *state)
{
	cleanup_out_format(state, REC_TYPE_SIZE, REC_SIZE_FORMAT, 0L, 0L, 0L,
	                   0L, 0L, 0L);
}

/* patch_offsets - rewrite the MESG and SIZE records in place */
static int
patch_offsets(struct cleanup_state *state)
{
	long data_size = (long) (state->xtra_offset - state->data_offset);

	if (vstream_fseek(state->dst, state->mesg_offset, SEEK_SET) < 0)
		return -1;
	cleanup_out_format(state, REC_TYPE_MESG, "%15ld",
	                   (long) state->xtra_offset);
	if (vstream_fseek(state->dst, 0, SEEK_SET) < 0)
		return -1;
	cleanup_out_format(state, REC_TYPE_SIZE, REC_SIZE_FORMAT, data_size,
	                   (long) state->data_offset, (long) state->rcpt_count,
	                   (long) REC_QMGR_OPT_NONE, data_size,
	                   state->smtputf8);
	return CLEANUP_OUT_OK(state) ? 0 : -1;
}

/*
 * make_durable - flush, mark ready, fsync; then move to hold/ if asked,
 * and fsync the directory that now holds the file. The mode change comes
 * before the one fsync(2) (Postfix's order), so one call makes data and
 * mode durable; until it returns the client has been promised nothing.
 * With ext4's ordered data mode a crash before it leaves the old mode or
 * the complete data; on other file systems qmgr's check of the size
 * record catches a ready file whose data did not make it.
 */
static int
make_durable(struct cleanup_state *state)
{
	const char *id = vstr_str(state->queue_id);
	const char *queue = MAIL_QUEUE_INCOMING;
	int fd = vstream_fileno(state->dst);

	if (vstream_fflush(state->dst) != 0 ||
	    fchmod(fd, MAIL_QUEUE_READY_MODE) < 0 || fsync(fd) < 0)
		return -1;
	if (state->flags & CLEANUP_FLAG_HOLD) {
		if (mail_queue_rename(id, MAIL_QUEUE_INCOMING,
		                      MAIL_QUEUE_HOLD) < 0)
			return -1;
		queue = MAIL_QUEUE_HOLD;
	}
	if (mail_queue_fsync_dir(queue, id) < 0) {
		if (state->flags & CLEANUP_FLAG_HOLD)
			(void) mail_queue_remove(queue, id);
		return -1;
	}
	return 0;
}

/*
 * cleanup_out_finish - the extracted records and END, the offsets, and
 * durability ("incoming, ready" or "hold"). Returns 0, or -1 with
 * CLEANUP_STAT_WRITE set.
 */
int
cleanup_out_finish(struct cleanup_state *state)
{
	if (state->filter)
		cleanup_out_string(state, REC_TYPE_FILT, state->filter);
	if (state->redirect)
		cleanup_out_string(state, REC_TYPE_RDR, state->redirect);
	cleanup_out(state, REC_TYPE_END, "", 0);
	if (!CLEANUP_OUT_OK(state))
		return -1;
	if (patch_offsets(state) < 0 || make_durable(state) < 0) {
		cleanup_out_write_error(state);
		return -1;
	}
	return 0;
}
