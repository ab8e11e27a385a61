/*
 * dict_socketmap - socketmap:inet:host:port:name and
 * socketmap:unix:/path:name, the Sendmail socket map protocol (as used
 * by postsrsd and others).
 *
 * The request is one netstring "name SPACE key"; the reply one netstring
 * of at most dict_socketmap_reply_limit bytes: "OK SPACE value" (found),
 * "NOTFOUND" (not found), "TEMP", "TIMEOUT" or "PERM", each optionally
 * followed by SPACE and a reason. Every failure is a temporary error
 * (DICT_ERROR): the caller defers, and PERM is also logged, because the
 * server's verdict is overridden. The connection is made at the first
 * lookup and kept (dict_netio.h has the retry rules); each step must
 * finish within dict_socketmap_timeout_ms.
 */
#include <fcntl.h>
#include <string.h>

#include "dict.h"
#include "dict_netio.h"
#include "dict_types.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

int dict_socketmap_timeout_ms = 100 * 1000;
size_t dict_socketmap_reply_limit = 100000;

struct dict_socketmap {
	struct dict dict;
	struct dict_netio *io;
	char *map;
	struct vstr *request;
	struct vstr *reply;
};

/* Reply status words. */
static const struct sm_status {
	const char *word;
	int result;
	const char *what; /* DICT_ERROR: kind of error */
	bool log;
} sm_statuses[] = {
        {"OK", DICT_FOUND, NULL, false},
        {"NOTFOUND", DICT_NOTFOUND, NULL, false},
        {"TEMP", DICT_ERROR, "temporary error", false},
        {"TIMEOUT", DICT_ERROR, "timeout error", false},
        {"PERM", DICT_ERROR, "permanent error", true},
};

/* sm_excerpt - a printable, bounded copy of untrusted text */
static char *
sm_excerpt(const char *text)
{
	return printable(xstrndup(text, 100), '?');
}

/* sm_error - a server-reported failure */
static int
sm_error(struct dict_socketmap *s, const struct sm_status *st,
         const char *reason)
{
	char *copy = sm_excerpt(reason);

	vstr_fmt(s->dict.why, "socketmap:%s: server %s%s%s", s->dict.name,
	         st->what, *copy ? ": " : "", copy);
	if (st->log)
		msg_warn("%s", vstr_str(s->dict.why));
	xfree(copy);
	return DICT_ERROR;
}

/* sm_malformed - a reply that is not one of the status words */
static int
sm_malformed(struct dict_socketmap *s, const char *reply)
{
	char *copy = sm_excerpt(reply);

	vstr_fmt(s->dict.why, "socketmap:%s: malformed reply: \"%s\"",
	         s->dict.name, copy);
	xfree(copy);
	dict_netio_disconnect(s->io);
	return DICT_ERROR;
}

/* sm_found - "OK value"; an empty value is a server bug, logged */
static int
sm_found(struct dict_socketmap *s, const char *key, const char *data,
         const char **value)
{
	char *copy;

	if (*data) {
		*value = data;
		return DICT_FOUND;
	}
	copy = sm_excerpt(key);
	msg_warn("socketmap:%s: empty result for key \"%s\" treated as not "
	         "found",
	         s->dict.name, copy);
	xfree(copy);
	return DICT_NOTFOUND;
}

/* sm_reply - interpret "WORD[ SPACE text]" */
static int
sm_reply(struct dict_socketmap *s, const char *key, const char **value)
{
	char *reply = vstr_str(s->reply);
	size_t wlen = strcspn(reply, " ");
	const char *rest = reply[wlen] ? reply + wlen + 1 : "";

	if (strlen(reply) != vstr_len(s->reply))
		return sm_malformed(s, "(null byte in reply)");
	for (size_t i = 0; i < sizeof(sm_statuses) / sizeof(sm_statuses[0]);
	     i++) {
		const struct sm_status *st = &sm_statuses[i];

		if (strlen(st->word) != wlen ||
		    strncmp(reply, st->word, wlen) != 0)
			continue;
		if (st->result == DICT_FOUND)
			return sm_found(s, key, rest, value);
		if (st->result == DICT_ERROR)
			return sm_error(s, st, rest);
		return st->result;
	}
	return sm_malformed(s, reply);
}

/* sm_lookup - one request */
static int
sm_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_socketmap *s = (struct dict_socketmap *) d;
	size_t len = size_add(size_add(strlen(s->map), 1), strlen(key));

	vstr_fmt(s->request, "%zu:%s %s,", len, s->map, key);
	if (dict_netio_call(s->io, vstr_str(s->request), vstr_len(s->request),
	                    dict_netio_read_netstring,
	                    dict_socketmap_reply_limit,
	                    dict_socketmap_timeout_ms, s->reply,
	                    d->why) != DICT_NETIO_OK)
		return DICT_ERROR;
	return sm_reply(s, key, value);
}

/* sm_close - disconnect and release */
static void
sm_close(struct dict *d)
{
	struct dict_socketmap *s = (struct dict_socketmap *) d;

	dict_netio_free(s->io);
	xfree(s->map);
	vstr_free(s->request);
	vstr_free(s->reply);
}

/* dict_socketmap_open - inet:host:port:name or unix:/path:name */
struct dict *
dict_socketmap_open(const char *name, int open_flags, int dict_flags,
                    struct vstr *why)
{
	const char *colon = strrchr(name, ':');
	struct vstr *label;
	struct dict_netio *io;
	struct dict_socketmap *s;
	char *endpoint;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		vstr_fmt(why, "socketmap:%s: table is read-only", name);
		return NULL;
	}
	if (colon == NULL || colon[1] == 0 ||
	    (!str_prefix(name, "inet:") && !str_prefix(name, "unix:"))) {
		vstr_fmt(why,
		         "socketmap:%s: need \"inet:host:port:name\" or "
		         "\"unix:pathname:name\"",
		         name);
		return NULL;
	}
	label = vstr_alloc(100);
	vstr_fmt(label, "socketmap:%s", name);
	endpoint = xstrndup(name, (size_t) (colon - name));
	io = dict_netio_alloc(vstr_str(label), endpoint, why);
	vstr_free(label);
	xfree(endpoint);
	if (io == NULL)
		return NULL;
	s = (struct dict_socketmap *) dict_alloc("socketmap", name, sizeof(*s),
	                                         open_flags,
	                                         dict_flags | DICT_FLAG_FIXED);
	s->io = io;
	s->map = xstrdup(colon + 1);
	s->request = vstr_alloc(100);
	s->reply = vstr_alloc(100);
	s->dict.lookup = sm_lookup;
	s->dict.close = sm_close;
	return &s->dict;
}
