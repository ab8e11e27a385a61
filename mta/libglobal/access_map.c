/*
 * access_map - access(5) table lookups and actions
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "dsn_util.h"
#include "access_map.h"
#include "dict.h"
#include "mail_addr_find.h"
#include "mail_params.h"
#include "maps.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* One walk over the keys of an access(5) lookup. */
struct walk {
	struct maps *maps;
	struct vstr *key;
	const char **value;
	int rc;
};

/* lookup - the key in w->key; true when the walk ends here */
static bool
lookup(struct walk *w, int flags)
{
	w->rc = maps_find(w->maps, vstr_str(w->key), flags, w->value);
	return w->rc != DICT_NOTFOUND;
}

/* lookup_mem - a key given as bytes */
static bool
lookup_mem(struct walk *w, const char *key, size_t len, int flags)
{
	vstr_mem(w->key, key, len);
	return lookup(w, flags);
}

/* walk_start - begin a walk; the key goes to the caller's buffer if any */
static void
walk_start(struct walk *w, struct maps *m, const char **value, struct vstr *key)
{
	w->maps = m;
	w->key = key ? key : vstr_alloc(100);
	w->value = value;
	w->rc = DICT_NOTFOUND;
}

/* walk_end - the result; frees a private key buffer */
static int
walk_end(struct walk *w, struct vstr *key)
{
	if (key == NULL)
		vstr_free(w->key);
	return w->rc;
}

/* access_parent_style - "example.com" also matches its subdomains */
bool
access_parent_style(void)
{
	return list_has_word(var_parent_domain_matches_subdomains,
	                     "smtpd_access_maps");
}

/* walk_domain - the name, then its parent domains */
static bool
walk_domain(struct walk *w, const char *name, int first_flags)
{
	bool parent = access_parent_style();
	const char *dot;

	if (lookup_mem(w, name, strlen(name), first_flags))
		return true;
	for (dot = strchr(name, '.'); dot && dot[1];
	     dot = strchr(dot + 1, '.')) {
		const char *k = parent ? dot + 1 : dot;

		if (lookup_mem(w, k, strlen(k), MAPS_FIND_PARTIAL))
			return true;
	}
	return false;
}

/* walk_ipaddr - the address, then shorter prefixes */
static bool
walk_ipaddr(struct walk *w, const char *addr)
{
	int delim = strchr(addr, ':') ? ':' : '.';
	size_t len = strlen(addr);

	if (lookup_mem(w, addr, len, MAPS_FIND_FULL))
		return true;
	for (;;) {
		while (len > 0 && addr[len - 1] != delim)
			len--;
		if (len <= 1)
			return false;
		if (lookup_mem(w, addr, --len, MAPS_FIND_PARTIAL))
			return true;
	}
}

/* walk_mail - the address keys of access(5) */
static bool
walk_mail(struct walk *w, const char *addr)
{
	const char *atp = strrchr(addr, '@');
	size_t at = atp ? (size_t) (atp - addr) : strlen(addr);
	size_t ext = mail_addr_ext_split(addr, at, var_recipient_delimiter);

	if (lookup_mem(w, addr, strlen(addr), MAPS_FIND_FULL))
		return true;
	if (ext < at) {
		vstr_mem(w->key, addr, ext);
		vstr_cat(w->key, addr + at);
		if (lookup(w, MAPS_FIND_PARTIAL))
			return true;
	}
	if (atp && atp[1] && walk_domain(w, atp + 1, MAPS_FIND_PARTIAL))
		return true;
	/* With an empty domain, "user+ext@" and "user@" were tried above. */
	if (atp && atp[1] == 0)
		return false;
	if (ext < at) {
		vstr_mem(w->key, addr, at);
		vstr_addch(w->key, '@');
		if (lookup(w, MAPS_FIND_PARTIAL))
			return true;
	}
	if (ext == 0)
		return false;
	vstr_mem(w->key, addr, ext);
	vstr_addch(w->key, '@');
	return lookup(w, MAPS_FIND_PARTIAL);
}

/* access_find_mail - envelope address lookup */
int
access_find_mail(struct maps *m, const char *addr, const char **value,
                 struct vstr *key)
{
	struct walk w;
	const char *null_key = var_smtpd_null_access_lookup_key;

	walk_start(&w, m, value, key);
	if (*addr == 0)
		(void) lookup_mem(&w, null_key ? null_key : "<>",
		                  strlen(null_key ? null_key : "<>"),
		                  MAPS_FIND_FULL);
	else
		(void) walk_mail(&w, addr);
	return walk_end(&w, key);
}

/* access_find_domain - host or domain name lookup */
int
access_find_domain(struct maps *m, const char *domain, const char **value,
                   struct vstr *key)
{
	struct walk w;

	walk_start(&w, m, value, key);
	(void) walk_domain(&w, domain, MAPS_FIND_FULL);
	return walk_end(&w, key);
}

/* access_find_addr - network address lookup */
int
access_find_addr(struct maps *m, const char *ipaddr, const char **value,
                 struct vstr *key)
{
	struct walk w;

	walk_start(&w, m, value, key);
	(void) walk_ipaddr(&w, ipaddr);
	return walk_end(&w, key);
}

/* access_find_client - client name, then address */
int
access_find_client(struct maps *m, const char *name, const char *ipaddr,
                   const char **value, struct vstr *key)
{
	struct walk w;

	walk_start(&w, m, value, key);
	if (!(name && *name && walk_domain(&w, name, MAPS_FIND_FULL)))
		(void) walk_ipaddr(&w, ipaddr);
	return walk_end(&w, key);
}

/*
 * Actions. Each keyword has a row with the check of its argument; the
 * check fills the action or says in why what is wrong.
 */
struct verb_row;

typedef bool (*arg_check_fn)(const char *args, const struct verb_row *row,
                             struct access_action *a, struct vstr *why);

struct verb_row {
	const char *name;
	enum access_verb verb;
	arg_check_fn check;
	const char *dsn_classes; /* arg_reply: allowed status classes */
};

/* take_reply - optional enhanced status code of a class, then text */
static bool
take_reply(const char *args, const char *classes, struct access_action *a,
           struct vstr *why)
{
	size_t n = dsn_status_prefix(args);

	if (n > 0) {
		if (strchr(classes, args[0]) == NULL) {
			vstr_fmt(why,
			         "enhanced status code %.*s does not match "
			         "the reply class %s",
			         (int) n, args, classes);
			return false;
		}
		a->dsn = xstrndup(args, n);
		args += n;
		args += strspn(args, " \t");
	}
	a->text = xstrdup(args);
	return true;
}

/* arg_none - OK and DUNNO take nothing */
static bool
arg_none(const char *args, const struct verb_row *row, struct access_action *a,
         struct vstr *why)
{
	if (*args != 0) {
		vstr_fmt(why, "%s takes no text", row->name);
		return false;
	}
	a->text = xstrdup("");
	return true;
}

/* arg_reply - REJECT and DEFER*: [status code] [text] */
static bool
arg_reply(const char *args, const struct verb_row *row, struct access_action *a,
          struct vstr *why)
{
	return take_reply(args, row->dsn_classes, a, why);
}

/* arg_text - DISCARD, HOLD, WARN, INFO: optional text to log */
static bool
arg_text(const char *args, const struct verb_row *row, struct access_action *a,
         struct vstr *why)
{
	(void) row;
	(void) why;
	a->text = xstrdup(args);
	return true;
}

/* arg_address - REDIRECT and BCC: one user@domain */
static bool
arg_address(const char *args, const struct verb_row *row,
            struct access_action *a, struct vstr *why)
{
	const char *at = strrchr(args, '@');

	if (at == NULL || at == args || at[1] == 0 ||
	    args[strcspn(args, " \t\r\n")] != 0) {
		vstr_fmt(why, "%s needs one user@domain address", row->name);
		return false;
	}
	a->text = xstrdup(args);
	return true;
}

/* arg_filter - FILTER transport:destination */
static bool
arg_filter(const char *args, const struct verb_row *row,
           struct access_action *a, struct vstr *why)
{
	const char *colon = strchr(args, ':');

	if (colon == NULL || colon == args ||
	    args[strcspn(args, " \t\r\n")] != 0) {
		vstr_fmt(why, "%s needs transport:destination", row->name);
		return false;
	}
	a->text = xstrdup(args);
	return true;
}

/* arg_header - PREPEND headername: headervalue */
static bool
arg_header(const char *args, const struct verb_row *row,
           struct access_action *a, struct vstr *why)
{
	size_t n = 0;

	/* A field name is printable ASCII without ':' (RFC 5322). */
	while (args[n] > 32 && args[n] < 127 && args[n] != ':')
		n++;
	if (n == 0 || args[n + strspn(args + n, " \t")] != ':') {
		vstr_fmt(why, "%s needs \"headername: headervalue\"",
		         row->name);
		return false;
	}
	a->text = xstrdup(args);
	return true;
}

static const struct verb_row verbs[] = {
        {"OK", ACCESS_OK, arg_none, NULL},
        {"DUNNO", ACCESS_DUNNO, arg_none, NULL},
        {"REJECT", ACCESS_REJECT, arg_reply, "45"},
        {"DEFER", ACCESS_DEFER, arg_reply, "4"},
        {"DEFER_IF_REJECT", ACCESS_DEFER_IF_REJECT, arg_reply, "4"},
        {"DEFER_IF_PERMIT", ACCESS_DEFER_IF_PERMIT, arg_reply, "4"},
        {"DISCARD", ACCESS_DISCARD, arg_text, NULL},
        {"HOLD", ACCESS_HOLD, arg_text, NULL},
        {"WARN", ACCESS_WARN, arg_text, NULL},
        {"INFO", ACCESS_INFO, arg_text, NULL},
        {"REDIRECT", ACCESS_REDIRECT, arg_address, NULL},
        {"BCC", ACCESS_BCC, arg_address, NULL},
        {"FILTER", ACCESS_FILTER, arg_filter, NULL},
        {"PREPEND", ACCESS_PREPEND, arg_header, NULL},
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

/* find_verb - the row of a keyword, NULL when it is none */
static const struct verb_row *
find_verb(const char *word, size_t len)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (strlen(verbs[i].name) == len &&
		    strncasecmp(verbs[i].name, word, len) == 0)
			return &verbs[i];
	return NULL;
}

/* parse_code - "4NN [text]" or "5NN [text]" */
static bool
parse_code(const char *code, const char *args, struct access_action *a,
           struct vstr *why)
{
	char cls[2] = {code[0], 0};

	if (code[0] != '4' && code[0] != '5') {
		vstr_fmt(why, "reply code %.3s is not 4NN or 5NN", code);
		return false;
	}
	a->verb = ACCESS_CODE;
	a->code = (code[0] - '0') * 100 + (code[1] - '0') * 10 + code[2] - '0';
	a->disconnect = a->code == 421 || a->code == 521;
	return take_reply(args, cls, a, why);
}

/* is_code - three digits */
static bool
is_code(const char *word, size_t len)
{
	return len == 3 && isdigit((unsigned char) word[0]) &&
	       isdigit((unsigned char) word[1]) &&
	       isdigit((unsigned char) word[2]);
}

/* parse_value - dispatch on the first word of a trimmed value */
static bool
parse_value(const char *v, struct access_action *a, struct vstr *why)
{
	size_t len = strcspn(v, " \t\r\n");
	const char *args = v + len + strspn(v + len, " \t\r\n");
	const struct verb_row *row;

	if (*v == 0) {
		vstr_cpy(why, "empty action");
		return false;
	}
	if (alldig(v)) {
		a->verb = ACCESS_OK;
		a->numeric = true;
		a->text = xstrdup("");
		return true;
	}
	if (is_code(v, len))
		return parse_code(v, args, a, why);
	if ((row = find_verb(v, len)) != NULL) {
		a->verb = row->verb;
		return row->check(args, row, a, why);
	}
	a->verb = ACCESS_RESTRICTIONS;
	a->text = xstrdup(v);
	return true;
}

/* access_action_parse - a table value as an action */
bool
access_action_parse(const char *value, struct access_action *a,
                    struct vstr *why)
{
	char *copy = xstrdup(value);
	struct vstr *reason = vstr_alloc(100);
	bool ok;

	memset(a, 0, sizeof(*a));
	ok = parse_value(trim_space(copy), a, reason);
	if (!ok) {
		access_action_free(a);
		vstr_fmt(why, "bad access table action \"%s\": %s",
		         printable(copy, '?'), vstr_str(reason));
	}
	xfree(copy);
	vstr_free(reason);
	return ok;
}

/* access_action_free - release a parsed action */
void
access_action_free(struct access_action *a)
{
	a->dsn = xfree(a->dsn);
	a->text = xfree(a->text);
}

/* access_verb_name - keyword of a verb, for logging */
const char *
access_verb_name(enum access_verb verb)
{
	if (verb == ACCESS_CODE)
		return "4NN/5NN";
	if (verb == ACCESS_RESTRICTIONS)
		return "restrictions";
	for (size_t i = 0; i < NVERBS; i++)
		if (verbs[i].verb == verb)
			return verbs[i].name;
	return "unknown";
}
