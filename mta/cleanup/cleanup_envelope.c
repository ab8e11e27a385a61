/*
 * cleanup_envelope - envelope records from the client, and the records
 * after REC_TYPE_XTRA ("extracted")
 *
 * The envelope is written as it arrives, after the size record that
 * cleanup_out_start() wrote: TIME and CTIME, FULL, FROM (rewritten), the
 * ATTR records, DSN_ENVID, DSN_RET, FILT/RDR from smtpd's access tables,
 * then each recipient after rewriting, canonical mapping, virtual alias
 * expansion and the duplicate filter, with its DSN_ORCPT, DSN_NOTIFY and
 * ORCP records in front.
 */
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "attr.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "msg.h"
#include "mymalloc.h"
#include "rec.h"
#include "rewrite.h"
#include "vstr.h"
#include "vstream.h"

#include "cleanup.h"

typedef void (*env_fn)(struct cleanup_state *, int, const char *, size_t);

/* env_time - arrival time as the client saw it, our create time, WARN */
static void
env_time(struct cleanup_state *state, int type, const char *buf, size_t len)
{
	if (state->time_done)
		return;
	state->time_done = true;
	if (type == REC_TYPE_TIME && len > 0)
		cleanup_out(state, REC_TYPE_TIME, buf, len);
	else
		cleanup_out_format(state, REC_TYPE_TIME, "%ld %ld",
		                   (long) state->arrival.tv_sec,
		                   (long) state->arrival.tv_usec);
	cleanup_out_format(state, REC_TYPE_CTIME, "%ld %ld",
	                   (long) state->arrival.tv_sec,
	                   (long) state->arrival.tv_usec);
	/* When qmgr should send a delay warning (it zeroes it once sent). */
	if (var_delay_warning_time > 0)
		cleanup_out_format(state, REC_TYPE_WARN, "%15ld",
		                   (long) state->arrival.tv_sec +
		                           var_delay_warning_time);
}

/* env_full - the sender's full name, for a missing From: header */
static void
env_full(struct cleanup_state *state, int type, const char *buf, size_t len)
{
	xfree(state->fullname);
	state->fullname = xstrndup(buf, len);
	cleanup_out(state, type, buf, len);
}

/* env_from - the envelope sender, rewritten */
static void
env_from(struct cleanup_state *state, int type, const char *buf, size_t len)
{
	(void) len;
	if (state->sender != NULL) {
		msg_warn("%s: duplicate sender record",
		         vstr_str(state->queue_id));
		state->errs |= CLEANUP_STAT_BAD;
		return;
	}
	cleanup_addr_sender(state, buf, state->temp1);
	state->sender = xstrdup(vstr_str(state->temp1));
	cleanup_out_string(state, type, state->sender);
	if (cleanup_config.send_bcc && (state->flags & CLEANUP_FLAG_BCC_OK) &&
	    *state->sender)
		cleanup_addr_bcc(state, cleanup_config.send_bcc, state->sender);
}

/* env_attr - a named attribute; some of them steer our work */
static void
env_attr(struct cleanup_state *state, int type, const char *buf, size_t len)
{
	const char *eq = memchr(buf, '=', len);
	char *name;
	const char *value;

	if (eq == NULL || eq == buf) {
		msg_warn("%s: bad attribute record: %.100s",
		         vstr_str(state->queue_id), buf);
		state->errs |= CLEANUP_STAT_BAD;
		return;
	}
	name = xstrndup(buf, (size_t) (eq - buf));
	value = eq + 1;
	attr_list_add(state->attrs, name, value);
	if (strcmp(name, MAIL_ATTR_RWR_CONTEXT) == 0) {
		if (strcmp(value, REWRITE_LOCAL) == 0)
			state->hdr_context = REWRITE_LOCAL;
		else if (strcmp(value, REWRITE_REMOTE) == 0)
			state->hdr_context = *var_remote_header_rewrite_domain
			                             ? REWRITE_REMOTE
			                             : NULL;
		else
			msg_warn("%s: unknown %s value: %.100s",
			         vstr_str(state->queue_id), name, value);
	}
	if (strcmp(name, MAIL_ATTR_SMTPUTF8) == 0)
		state->smtputf8 = strtol(value, NULL, 10);
	else
		cleanup_out(state, type, buf, len);
	xfree(name);
}

/* env_pass - records copied as they are */
static void
env_pass(struct cleanup_state *state, int type, const char *buf, size_t len)
{
	cleanup_out(state, type, buf, len);
}

/* env_flags - REC_TYPE_FLGS: HOLD or DISCARD from smtpd's access maps */
static void
env_flags(struct cleanup_state *state, int type, const char *buf, size_t len)
{
	long bits = strtol(buf, NULL, 10);

	(void) type;
	(void) len;
	state->flags |= (int) bits & (CLEANUP_FLAG_HOLD | CLEANUP_FLAG_DISCARD);
}

/* keep_pending - remember a record for later; empty means none */
static void
keep_pending(char **slot, const char *buf, size_t len)
{
	xfree(*slot);
	*slot = len > 0 ? xstrndup(buf, len) : NULL;
}

/* env_rcpt_attr - DSN_ORCPT, DSN_NOTIFY, ORCP: for the next recipient */
static void
env_rcpt_attr(struct cleanup_state *state, int type, const char *buf,
              size_t len)
{
	if (type == REC_TYPE_DSN_ORCPT)
		keep_pending(&state->dsn_orcpt, buf, len);
	else if (type == REC_TYPE_DSN_NOTIFY)
		keep_pending(&state->dsn_notify, buf, len);
	else
		keep_pending(&state->orcpt, buf, len);
}

/*
 * cleanup_add_recipient - rewrite and map one recipient, expand it with
 * virtual_alias_maps and write the results (with the pending DSN records);
 * state->temp1 gets the address before expansion
 */
void
cleanup_add_recipient(struct cleanup_state *state, const char *addr,
                      const char *orcpt)
{
	cleanup_addr_recipient(state, addr, state->temp1);
	if (state->recip == NULL)
		state->recip = xstrdup(vstr_str(state->temp1));
	if (cleanup_config.virtual_alias != NULL &&
	    (state->flags & CLEANUP_FLAG_MAP_OK)) {
		struct argv *list = argv_alloc(4);

		cleanup_virtual(state, vstr_str(state->temp1), list);
		for (size_t i = 0; i < list->argc; i++)
			cleanup_out_recipient(state, orcpt, list->argv[i]);
		argv_free(list);
	} else {
		cleanup_out_recipient(state, orcpt, vstr_str(state->temp1));
	}
}

/* env_rcpt - a recipient from the client, and its recipient_bcc_maps */
static void
env_rcpt(struct cleanup_state *state, int type, const char *buf, size_t len)
{
	char *canon;

	(void) type;
	(void) len;
	if (state->sender == NULL) {
		msg_warn("%s: recipient before sender",
		         vstr_str(state->queue_id));
		state->errs |= CLEANUP_STAT_BAD;
		return;
	}
	cleanup_add_recipient(state, buf, state->orcpt ? state->orcpt : buf);
	state->orcpt = xfree(state->orcpt);
	state->dsn_orcpt = xfree(state->dsn_orcpt);
	state->dsn_notify = xfree(state->dsn_notify);
	if (cleanup_config.rcpt_bcc && (state->flags & CLEANUP_FLAG_BCC_OK)) {
		canon = xstrdup(vstr_str(state->temp1));
		cleanup_addr_bcc(state, cleanup_config.rcpt_bcc, canon);
		xfree(canon);
	}
}

/* env_mesg - the content starts; the envelope must be complete */
static void
env_mesg(struct cleanup_state *state, int type, const char *buf, size_t len)
{
	(void) type;
	(void) buf;
	(void) len;
	if (state->sender == NULL) {
		msg_warn("%s: message without sender",
		         vstr_str(state->queue_id));
		state->errs |= CLEANUP_STAT_BAD;
	} else if (*var_always_bcc && (state->flags & CLEANUP_FLAG_BCC_OK)) {
		cleanup_add_recipient(state, var_always_bcc, var_always_bcc);
	}
	if (CLEANUP_OUT_OK(state))
		state->mesg_offset = vstream_ftell(state->dst);
	cleanup_out_format(state, REC_TYPE_MESG, "%15ld", 0L);
	if (CLEANUP_OUT_OK(state))
		state->data_offset = vstream_ftell(state->dst);
	state->where = WHERE_CONTENT;
	state->part = PART_PRIMARY;
}

/* env_ignore - records a client may send that we make ourselves */
static void
env_ignore(struct cleanup_state *state, int type, const char *buf, size_t len)
{
	(void) state;
	(void) type;
	(void) buf;
	(void) len;
}

static const struct {
	int type;
	env_fn fn;
} env_table[] = {
        {REC_TYPE_TIME, env_time},
        {REC_TYPE_CTIME, env_ignore},
        {REC_TYPE_SIZE, env_ignore},
        {REC_TYPE_FULL, env_full},
        {REC_TYPE_FROM, env_from},
        {REC_TYPE_ATTR, env_attr},
        {REC_TYPE_DSN_ENVID, env_pass},
        {REC_TYPE_DSN_RET, env_pass},
        {REC_TYPE_FILT, env_pass},
        {REC_TYPE_RDR, env_pass},
        {REC_TYPE_FLGS, env_flags},
        {REC_TYPE_DSN_ORCPT, env_rcpt_attr},
        {REC_TYPE_DSN_NOTIFY, env_rcpt_attr},
        {REC_TYPE_ORCP, env_rcpt_attr},
        {REC_TYPE_RCPT, env_rcpt},
        {REC_TYPE_MESG, env_mesg},
        {REC_TYPE_WARN, env_ignore},
};

/* find_fn - the handler of a record type, NULL when not allowed */
static env_fn
find_fn(int type)
{
	for (size_t i = 0; i < sizeof(env_table) / sizeof(env_table[0]); i++)
		if (env_table[i].type == type)
			return env_table[i].fn;
	return NULL;
}

/* cleanup_envelope - one envelope record */
void
cleanup_envelope(struct cleanup_state *state, int type, const char *buf,
                 size_t len)
{
	env_fn fn = find_fn(type);

	if (fn == NULL) {
		msg_warn("%s: unexpected record type %d in envelope",
		         vstr_str(state->queue_id), type);
		state->errs |= CLEANUP_STAT_BAD;
		return;
	}
	if (!state->time_done && fn != env_ignore)
		env_time(state, type, buf, len);
	if (fn != env_time)
		fn(state, type, buf, len);
}

/*
 * cleanup_extracted - a record after the content: recipients (as from
 * "sendmail -t"), content filter and redirect (they override the
 * envelope's, and go out with ours at the end), flags
 */
void
cleanup_extracted(struct cleanup_state *state, int type, const char *buf,
                  size_t len)
{
	switch (type) {
	case REC_TYPE_RCPT:
		env_rcpt(state, type, buf, len);
		break;
	case REC_TYPE_DSN_ORCPT:
	case REC_TYPE_DSN_NOTIFY:
	case REC_TYPE_ORCP:
		env_rcpt_attr(state, type, buf, len);
		break;
	case REC_TYPE_FILT:
		keep_pending(&state->filter, buf, len);
		break;
	case REC_TYPE_RDR:
		keep_pending(&state->redirect, buf, len);
		break;
	case REC_TYPE_FLGS:
		env_flags(state, type, buf, len);
		break;
	default:
		break;
	}
}
