/*
 * local_alias - expansion through alias_maps, with owner- aliases
 */
#include <pwd.h>
#include <string.h>
#include <strings.h>

#include "dict.h"
#include "local.h"
#include "mail_params.h"
#include "maps.h"
#include "msg.h"
#include "mymalloc.h"
#include "rewrite.h"
#include "vstr.h"

/* alias_rights - commands and files run as the table owner */
static int
alias_rights(struct local_state *st, struct dict *d, struct local_user *u)
{
	struct passwd *pw;
	uid_t owner = d->has_file ? d->file_st.st_uid : 0;

	memset(u, 0, sizeof(*u));
	if (owner == 0)
		return 0; /* root-owned: default_privs, decided later */
	if ((pw = getpwuid(owner)) == NULL) {
		msg_warn("cannot find alias database owner for %s:%s", d->type,
		         d->name);
		return -1;
	}
	local_user_from_pw(st, u, pw);
	return 0;
}

/*
 * alias_owner - the owner-NAME alias makes that address the sender of
 * the expansion, so that problems go to the list owner. Returns the
 * canonical owner address (caller frees) or NULL.
 */
static char *
alias_owner(const char *name, int *status)
{
	struct vstr *key = vstr_alloc(100);
	struct vstr *canon;
	const char *value;
	int rc;

	*status = 0;
	if (!var_owner_request_special) {
		vstr_free(key);
		return NULL;
	}
	vstr_fmt(key, "owner-%s", name);
	rc = maps_find(local_alias_maps, vstr_str(key), MAPS_FIND_FULL, &value);
	if (rc != DICT_FOUND) {
		*status = rc == DICT_ERROR ? -1 : 0;
		vstr_free(key);
		return NULL;
	}
	canon = vstr_alloc(100);
	rewrite_addr(REWRITE_LOCAL,
	             var_expand_owner_alias ? value : vstr_str(key), canon);
	vstr_free(key);
	return vstr_export(canon);
}

/* alias_expand - deliver to what one alias lookup returned */
static int
alias_expand(struct local_state *st, struct local_attr a, struct dict *d,
             const char *name, const char *value)
{
	struct local_user u;
	char *owner;
	int owner_status;
	int count = 0;
	int status;

	if (alias_rights(st, d, &u) < 0)
		return local_result(st, &a, LOCAL_DEFERRED, "4.3.0",
		                    "cannot find alias database owner");
	a.exp_type = LOCAL_EXP_ALIAS;
	owner = alias_owner(name, &owner_status);
	if (owner_status < 0)
		return local_result(st, &a, LOCAL_DEFERRED, "4.3.0",
		                    "alias database unavailable");
	a.owner = owner;
	if (owner) {
		a.sender = owner;
		a.rcpt.orig_addr = "";
		a.rcpt.dsn_orcpt = "";
	}
	if (!var_frozen_delivered_to)
		a.delivered = a.rcpt.address;
	status = local_tokens(st, a, u, value, &count);
	if (count < 1) {
		msg_warn("no recipient in alias lookup result for %s", name);
		status = local_result(st, &a, LOCAL_DEFERRED, "4.3.0",
		                      "alias database unavailable");
	}
	xfree(owner);
	return status;
}

/* local_alias - look name up in alias_maps; true when it was handled */
bool
local_alias(struct local_state *st, struct local_attr a, struct local_user u,
            const char *name, int *status)
{
	(void) u;
	a.level++;

	/* An alias that lists its own name means the user of that name. */
	if (a.exp_from && strcasecmp(a.exp_from, name) == 0)
		return false;
	if (a.level > LOCAL_LEVEL_LIMIT) {
		msg_warn("alias database loop for %s", name);
		*status = local_result(st, &a, LOCAL_BOUNCE, "5.4.6",
		                       "alias database loop for %s", name);
		return true;
	}
	a.exp_from = name;
	for (size_t i = 0; i < local_alias_maps->count; i++) {
		struct dict *d = local_alias_maps->dicts[i];
		const char *value;
		char *copy;
		int rc = dict_get(d, name, &value);

		if (rc == DICT_ERROR) {
			msg_warn("%s:%s: lookup of %s failed: %s", d->type,
			         d->name, name,
			         d->why ? vstr_str(d->why) : "unknown error");
			*status = local_result(st, &a, LOCAL_DEFERRED, "4.3.0",
			                       "alias database unavailable");
			return true;
		}
		if (rc != DICT_FOUND)
			continue;
		if (local_verify(st)) {
			*status = local_result(st, &a, LOCAL_SENT, "2.0.0",
			                       "aliased to %s", value);
			return true;
		}
		copy = xstrdup(value);
		*status = alias_expand(st, a, d, name, copy);
		xfree(copy);
		return true;
	}
	return false;
}
