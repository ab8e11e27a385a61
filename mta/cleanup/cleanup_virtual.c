/*
 * cleanup_virtual - virtual_alias_maps expansion of one envelope recipient
 *
 * Breadth-first, as virtual(5) describes: each address of the list is
 * looked up until it maps to nothing, to itself (kept, once), or to an
 * address seen before in this expansion. Results without domain get
 * @$myorigin (rewrite.h). virtual_alias_recursion_limit bounds the
 * lookups per address, virtual_alias_expansion_limit the list, and
 * virtual_alias_address_length_limit each result. Limits and table errors
 * defer the whole message.
 */
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "argv.h"
#include "dict.h"
#include "htable.h"
#include "mail_addr_find.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "maps.h"
#include "msg.h"
#include "mymalloc.h"
#include "rewrite.h"
#include "vstr.h"

#include "cleanup.h"

/* expansion_error - defer the message with Postfix's reason */
static void
expansion_error(struct cleanup_state *state, int stat, const char *before,
                const char *after, const char *addr)
{
	msg_warn("%s: %s%s %s for %s -- message not accepted, try again later",
	         vstr_str(state->queue_id), before,
	         cleanup_config.virtual_alias->title, after, addr);
	state->errs |= stat;
	if (vstr_len(state->reason) == 0)
		vstr_cpy(state->reason, "4.6.0 Alias expansion error");
}

/* split_result - the addresses of a lookup result, internal form */
static struct argv *
split_result(const char *result)
{
	struct argv *list = argv_alloc(4);

	if (addr_list_extract(result, list) < 0) {
		argv_free(list);
		list = argv_split(result, ", \t");
	}
	return list;
}

/*
 * replace_entry - put the results of one lookup in place of list[arg]
 * (first result) and at the end (the others); an address that expands to
 * itself is marked seen, so it is kept and not looked up again
 */
static void
replace_entry(struct cleanup_state *state, struct argv *list, size_t arg,
              const char *result, struct htable *seen)
{
	struct argv *found = split_result(result);
	struct vstr *addr = vstr_alloc(100);
	char *lhs = xstrdup(list->argv[arg]);
	size_t added = 0;

	for (size_t i = 0; i < found->argc; i++) {
		if (strlen(found->argv[i]) >
		    (size_t) var_virtual_alias_address_length_limit) {
			msg_warn("%s: unreasonable %s result %.300s... -- "
			         "message not accepted, try again later",
			         vstr_str(state->queue_id),
			         cleanup_config.virtual_alias->title,
			         found->argv[i]);
			continue;
		}
		rewrite_addr(REWRITE_LOCAL, found->argv[i], addr);
		if (added++ == 0)
			argv_replace(list, arg, vstr_str(addr));
		else
			argv_add(list, vstr_str(addr));
		if (strcasecmp(lhs, vstr_str(addr)) == 0 &&
		    htable_locate(seen, lhs) == NULL)
			htable_enter(seen, lhs, NULL);
	}
	xfree(lhs);
	vstr_free(addr);
	argv_free(found);
}

/* expand_one - look list[arg] up until it settles; false on error */
static bool
expand_one(struct cleanup_state *state, struct argv *list, size_t arg,
           struct htable *seen, struct vstr *result, struct vstr *why)
{
	struct mail_addr_opts opts = {.class = "virtual"};
	struct maps *maps = cleanup_config.virtual_alias;

	for (int count = 0;; count++) {
		int rc;

		if (htable_locate(seen, list->argv[arg]) != NULL)
			return true;
		if (count >= var_virtual_alias_recursion_limit) {
			expansion_error(state, CLEANUP_STAT_DEFER,
			                "unreasonable ", "map nesting",
			                list->argv[arg]);
			return false;
		}
		htable_enter(seen, list->argv[arg], NULL);
		rc = mail_addr_find(maps, list->argv[arg], &opts, result, why);
		if (rc == DICT_ERROR) {
			expansion_error(state, CLEANUP_STAT_WRITE, "",
			                "map lookup problem", list->argv[arg]);
			return false;
		}
		if (rc != DICT_FOUND)
			return true;
		replace_entry(state, list, arg, vstr_str(result), seen);
	}
}

/*
 * cleanup_virtual - expand addr into out (appended); on an error the
 * message is deferred and out holds what was expanded so far
 */
void
cleanup_virtual(struct cleanup_state *state, const char *addr, struct argv *out)
{
	struct htable *seen = htable_create(16);
	struct vstr *result = vstr_alloc(100);
	struct vstr *why = vstr_alloc(100);
	size_t first = out->argc;

	argv_add(out, addr);
	for (size_t arg = first; arg < out->argc; arg++) {
		if (out->argc - first >
		    (size_t) var_virtual_alias_expansion_limit) {
			expansion_error(state, CLEANUP_STAT_DEFER,
			                "unreasonable ", "map expansion size",
			                addr);
			break;
		}
		if (!expand_one(state, out, arg, seen, result, why))
			break;
	}
	htable_free(seen, NULL);
	vstr_free(result);
	vstr_free(why);
}
