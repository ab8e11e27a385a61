/*
 * cleanup_addr - address rewriting for the envelope and the address
 * headers: standard form (rewrite.h), canonical_maps with their classes,
 * masquerade_domains
 *
 * Envelope addresses are always rewritten in the "local" context, as
 * trivial-rewrite does for Postfix's cleanup; header addresses in the
 * context the client named (rewrite_context), and not at all when that
 * context is "remote" and remote_header_rewrite_domain is empty.
 */
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "argv.h"
#include "dict.h"
#include "mail_addr_find.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "maps.h"
#include "msg.h"
#include "rewrite.h"
#include "vstr.h"

#include "cleanup.h"

#define MAX_CANON_RECURSION 10

/* first_result - the first address of a lookup result, internal form */
static void
first_result(struct cleanup_state *state, struct maps *maps, const char *addr,
             const char *result, struct vstr *out)
{
	struct argv *list;

	/* "@domain": keep the local part, replace the domain. */
	if (*result == '@' && strpbrk(result, ", \t") == NULL) {
		const char *at = strrchr(addr, '@');

		vstr_mem(out, addr, at ? (size_t) (at - addr) : strlen(addr));
		vstr_cat(out, result);
		return;
	}
	list = argv_alloc(2);
	if (addr_list_extract(result, list) < 1) {
		argv_free(list);
		list = argv_split(result, ", \t");
	}
	if (list->argc > 1)
		msg_warn("%s: multi-valued %s entry for %s",
		         vstr_str(state->queue_id), maps->title, addr);
	vstr_cpy(out, list->argc > 0 ? list->argv[0] : addr);
	argv_free(list);
}

/*
 * cleanup_map11 - replace addr by its canonical(5) mapping, repeatedly,
 * until it maps to itself or to nothing. Returns 1 when addr changed. A
 * table error sets CLEANUP_STAT_WRITE: the client must try again later.
 */
int
cleanup_map11(struct cleanup_state *state, struct maps *maps, struct vstr *addr)
{
	struct mail_addr_opts opts = {.class = "canonical"};
	struct vstr *result = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	struct vstr *next = vstr_alloc(100);
	int changed = 0, count;

	for (count = 0; count < MAX_CANON_RECURSION; count++) {
		int rc = mail_addr_find(maps, vstr_str(addr), &opts, result,
		                        why);

		if (rc == DICT_ERROR) {
			msg_warn("%s: %s map lookup problem for %s -- message "
			         "not accepted, try again later",
			         vstr_str(state->queue_id), maps->title,
			         vstr_str(addr));
			state->errs |= CLEANUP_STAT_WRITE;
			break;
		}
		if (rc != DICT_FOUND)
			break;
		first_result(state, maps, vstr_str(addr), vstr_str(result),
		             next);
		if (strcasecmp(vstr_str(next), vstr_str(addr)) == 0) {
			changed |= strcmp(vstr_str(next), vstr_str(addr)) != 0;
			vstr_cpy(addr, vstr_str(next));
			break;
		}
		vstr_cpy(addr, vstr_str(next));
		changed = 1;
	}
	if (count >= MAX_CANON_RECURSION)
		msg_warn("%s: unreasonable %s map nesting for %s -- message "
		         "not accepted, try again later",
		         vstr_str(state->queue_id), maps->title,
		         vstr_str(addr));
	vstr_free(result);
	vstr_free(why);
	vstr_free(next);
	return changed;
}

/*
 * map_class - the canonical maps and masquerading of one address class,
 * in Postfix's order: the class-specific map, then canonical_maps
 */
static void
map_class(struct cleanup_state *state, struct maps *specific,
          int specific_classes, int class, struct vstr *addr)
{
	const struct cleanup_config *c = &cleanup_config;

	if ((state->flags & CLEANUP_FLAG_MAP_OK) == 0 || vstr_len(addr) == 0)
		return;
	if (specific && (specific_classes & class))
		cleanup_map11(state, specific, addr);
	if (c->canonical && (c->canon_classes & class))
		cleanup_map11(state, c->canonical, addr);
	if (c->masq_domains && (c->masq_classes & class))
		cleanup_masq_apply(addr, c->masq_domains,
		                   var_masquerade_exceptions);
}

/* cleanup_addr_sender - the envelope sender, rewritten and mapped */
void
cleanup_addr_sender(struct cleanup_state *state, const char *in,
                    struct vstr *out)
{
	if (*in == 0) {
		vstr_reset(out);
		return;
	}
	rewrite_addr(REWRITE_LOCAL, in, out);
	map_class(state, cleanup_config.send_canon,
	          cleanup_config.send_canon_classes, CLASS_ENV_FROM, out);
}

/* cleanup_addr_recipient - an envelope recipient, rewritten and mapped */
void
cleanup_addr_recipient(struct cleanup_state *state, const char *in,
                       struct vstr *out)
{
	rewrite_addr(REWRITE_LOCAL, *in ? in : var_empty_address_recipient,
	             out);
	map_class(state, cleanup_config.rcpt_canon,
	          cleanup_config.rcpt_canon_classes, CLASS_ENV_RCPT, out);
}

struct hdr_ctx {
	struct cleanup_state *state;
	int class;
};

/* hdr_rewrite_one - rewrite one header address; -1 keeps the original */
static int
hdr_rewrite_one(const char *in, struct vstr *out, void *context)
{
	struct hdr_ctx *ctx = context;
	struct cleanup_state *state = ctx->state;

	if (*in == 0)
		return -1;
	rewrite_addr(state->hdr_context, in, out);
	if (ctx->class == CLASS_HDR_FROM)
		map_class(state, cleanup_config.send_canon,
		          cleanup_config.send_canon_classes, ctx->class, out);
	else
		map_class(state, cleanup_config.rcpt_canon,
		          cleanup_config.rcpt_canon_classes, ctx->class, out);
	return strcmp(in, vstr_str(out)) == 0 ? -1 : 0;
}

/*
 * cleanup_addr_header - rewrite the addresses in the value of a sender or
 * recipient header (hdr_flags: HDR_OPT_SENDER or HDR_OPT_RECIP); out gets
 * the new value, or the old one when it cannot be parsed
 */
void
cleanup_addr_header(struct cleanup_state *state, int hdr_flags,
                    const char *value, struct vstr *out)
{
	struct hdr_ctx ctx = {state, (hdr_flags & HDR_OPT_SENDER)
	                                     ? CLASS_HDR_FROM
	                                     : CLASS_HDR_RCPT};

	if (addr_list_rewrite(value, out, hdr_rewrite_one, &ctx) < 0)
		vstr_cpy(out, value);
}

/*
 * cleanup_addr_bcc - sender_bcc_maps or recipient_bcc_maps: add the
 * recipients that the table lists for addr (before any pending DSN
 * records could be taken: callers run it between recipients)
 */
void
cleanup_addr_bcc(struct cleanup_state *state, struct maps *maps,
                 const char *addr)
{
	struct mail_addr_opts opts = {.class = NULL};
	struct vstr *result = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	struct argv *list = argv_alloc(2);
	int rc = mail_addr_find(maps, addr, &opts, result, why);

	if (rc == DICT_ERROR) {
		msg_warn("%s: %s map lookup problem for %s -- message not "
		         "accepted, try again later",
		         vstr_str(state->queue_id), maps->title, addr);
		state->errs |= CLEANUP_STAT_WRITE;
	} else if (rc == DICT_FOUND) {
		if (addr_list_extract(vstr_str(result), list) < 0)
			argv_add(list, vstr_str(result));
		for (size_t i = 0; i < list->argc; i++)
			cleanup_add_recipient(state, list->argv[i],
			                      list->argv[i]);
	}
	argv_free(list);
	vstr_free(result);
	vstr_free(why);
}
