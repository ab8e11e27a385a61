/*
 * rewrite - trivial-rewrite's address rewriting, as a library
 */
#include <stdbool.h>
#include <string.h>

#include "mail_params.h"
#include "rewrite.h"
#include "vstr.h"

/* strip_route - "@a,@b:user@domain" becomes "user@domain" */
static void
strip_route(struct vstr *r)
{
	const char *s = vstr_str(r), *colon;

	if (s[0] != '@' || (colon = strchr(s, ':')) == NULL || colon[1] == 0)
		return;
	vstr_cpy(r, colon + 1);
}

/* swap_bang - "host!user" becomes "user@host" (first "!") */
static void
swap_bang(struct vstr *r, struct vstr *tmp)
{
	const char *s = vstr_str(r), *bang = strchr(s, '!');

	vstr_cpy(tmp, bang + 1);
	vstr_addch(tmp, '@');
	vstr_cat_mem(tmp, s, (size_t) (bang - s));
	vstr_cpy(r, vstr_str(tmp));
}

/* no_domain - the rewrites of an address without "@" */
static void
no_domain(struct vstr *r, const char *origin, struct vstr *tmp)
{
	char *pct;

	if (var_swap_bangpath && strchr(vstr_str(r), '!')) {
		swap_bang(r, tmp);
	} else if (var_allow_percent_hack &&
	           (pct = strrchr(vstr_str(r), '%')) != NULL) {
		*pct = '@';
	} else if (var_append_at_myorigin && origin && *origin) {
		vstr_addch(r, '@');
		vstr_cat(r, origin);
	}
}

/* append_domain - "user@host" becomes "user@host.$mydomain" */
static void
append_domain(struct vstr *r, const char *domain)
{
	const char *at = strrchr(vstr_str(r), '@');

	if (!var_append_dot_mydomain || domain == NULL || *domain == 0 ||
	    at == NULL || at[1] == 0 || at[1] == '[' || strchr(at, '.'))
		return;
	vstr_addch(r, '.');
	vstr_cat(r, domain);
}

/* strip_dot - remove one trailing dot, not from ".." or "@." */
static void
strip_dot(struct vstr *r)
{
	size_t len = vstr_len(r);
	const char *s = vstr_str(r);

	if (len >= 2 && s[len - 1] == '.' && s[len - 2] != '.' &&
	    s[len - 2] != '@')
		vstr_truncate(r, len - 1);
}

/* rewrite_addr - rewrite to user@fully.qualified.domain form */
void
rewrite_addr(const char *context, const char *addr, struct vstr *result)
{
	bool remote = context && strcmp(context, REWRITE_REMOTE) == 0;
	const char *origin =
	        remote ? var_remote_header_rewrite_domain : var_myorigin;
	const char *domain =
	        remote ? var_remote_header_rewrite_domain : var_mydomain;
	struct vstr *tmp;

	vstr_cpy(result, addr);
	if (*addr == 0 || strcmp(addr, "@") == 0) {
		vstr_reset(result);
		return;
	}
	tmp = vstr_alloc(100);
	strip_route(result);
	if (strchr(vstr_str(result), '@') == NULL)
		no_domain(result, origin, tmp);
	append_domain(result, domain);
	strip_dot(result);
	vstr_free(tmp);
}
