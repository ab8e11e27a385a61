/*
 * dict_tcp - tcp:host:port, the line-based client/server lookup protocol
 * of tcp_table(5).
 *
 * The client sends "get SPACE key NEWLINE" with '%', white space and
 * every byte that is not printable ASCII in the key written as %XX. The
 * server answers one line of at most DICT_TCP_REPLY_MAX bytes with the
 * newline: "2xx SPACE value" (found; value %XX-decoded), "5xx SPACE text"
 * (not found), "4xx SPACE text" (temporary error). Anything else is a
 * malformed reply and a temporary error. The connection is made at the
 * first lookup and kept (dict_netio.h has the retry rules); each step
 * must finish within dict_tcp_timeout_ms.
 */
#include <ctype.h>
#include <fcntl.h>
#include <string.h>

#include "dict.h"
#include "dict_netio.h"
#include "dict_types.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

#define DICT_TCP_REPLY_MAX 4096 /* bytes, newline included */

int dict_tcp_timeout_ms = 100 * 1000;

struct dict_tcp {
	struct dict dict;
	struct dict_netio *io;
	struct vstr *request;
	struct vstr *reply;
	struct vstr *value;
};

/* hex_encode - append text with %, space and non-printable bytes as %XX */
static void
hex_encode(struct vstr *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *cp = (const unsigned char *) text; *cp;
	     cp++) {
		if (*cp == '%' || *cp <= ' ' || *cp >= 0x7f) {
			vstr_addch(out, '%');
			vstr_addch(out, hex[*cp >> 4]);
			vstr_addch(out, hex[*cp & 15]);
		} else {
			vstr_addch(out, *cp);
		}
	}
}

/* hex_digit - value of one hex digit, -1 if none */
static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* hex_decode - %XX to bytes; false on a bad or NUL escape */
static bool
hex_decode(struct vstr *out, const char *text)
{
	int hi, lo;

	vstr_reset(out);
	for (const char *cp = text; *cp; cp++) {
		if (*cp != '%') {
			vstr_addch(out, *cp);
			continue;
		}
		if ((hi = hex_digit((unsigned char) cp[1])) < 0 ||
		    (lo = hex_digit((unsigned char) cp[2])) < 0 ||
		    hi * 16 + lo == 0)
			return false;
		vstr_addch(out, hi * 16 + lo);
		cp += 2;
	}
	return true;
}

/* malformed - the reason for a reply that breaks the protocol */
static int
malformed(struct dict_tcp *t, const char *reply)
{
	char *copy = xstrndup(reply, 100);

	vstr_fmt(t->dict.why, "tcp:%s: malformed reply: \"%s\"", t->dict.name,
	         printable(copy, '?'));
	xfree(copy);
	dict_netio_disconnect(t->io);
	return DICT_ERROR;
}

/* empty_result - "200 " with nothing: a server bug, logged */
static int
empty_result(struct dict_tcp *t, const char *key)
{
	char *copy = xstrndup(key, 100);

	msg_warn("tcp:%s: empty result for key \"%s\" treated as not found",
	         t->dict.name, printable(copy, '?'));
	xfree(copy);
	return DICT_NOTFOUND;
}

/* tcp_status - classify "NNN SPACE text"; 0 when malformed */
static int
tcp_status(const char *reply)
{
	if (!isdigit((unsigned char) reply[0]) ||
	    !isdigit((unsigned char) reply[1]) ||
	    !isdigit((unsigned char) reply[2]) || reply[3] != ' ')
		return 0;
	return reply[0];
}

/* tcp_lookup - one "get" request */
static int
tcp_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_tcp *t = (struct dict_tcp *) d;
	const char *reply;
	int rc;

	vstr_cpy(t->request, "get ");
	hex_encode(t->request, key);
	vstr_addch(t->request, '\n');
	rc = dict_netio_call(t->io, vstr_str(t->request), vstr_len(t->request),
	                     dict_netio_read_line, DICT_TCP_REPLY_MAX - 1,
	                     dict_tcp_timeout_ms, t->reply, d->why);
	if (rc != DICT_NETIO_OK)
		return DICT_ERROR;
	reply = vstr_str(t->reply);
	if (strlen(reply) != vstr_len(t->reply))
		return malformed(t, "(null byte in reply)");
	switch (tcp_status(reply)) {
	case '2':
		if (!hex_decode(t->value, reply + 4))
			return malformed(t, reply);
		if (vstr_len(t->value) == 0)
			return empty_result(t, key);
		*value = vstr_str(t->value);
		return DICT_FOUND;
	case '5':
		return DICT_NOTFOUND;
	case '4':
		if (!hex_decode(t->value, reply + 4))
			vstr_cpy(t->value, reply + 4);
		vstr_fmt(d->why, "tcp:%s: server error: %s", d->name,
		         printable(vstr_str(t->value), '?'));
		return DICT_ERROR;
	default:
		return malformed(t, reply);
	}
}

/* tcp_close - disconnect and release */
static void
tcp_close(struct dict *d)
{
	struct dict_tcp *t = (struct dict_tcp *) d;

	dict_netio_free(t->io);
	vstr_free(t->request);
	vstr_free(t->reply);
	vstr_free(t->value);
}

/* dict_tcp_open - tcp:host:port; connects at the first lookup */
struct dict *
dict_tcp_open(const char *name, int open_flags, int dict_flags,
              struct vstr *why)
{
	struct vstr *label, *endpoint;
	struct dict_netio *io;
	struct dict_tcp *t;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		vstr_fmt(why, "tcp:%s: table is read-only", name);
		return NULL;
	}
	label = vstr_alloc(100);
	endpoint = vstr_alloc(100);
	vstr_fmt(label, "tcp:%s", name);
	vstr_fmt(endpoint, "inet:%s", name);
	io = dict_netio_alloc(vstr_str(label), vstr_str(endpoint), why);
	vstr_free(label);
	vstr_free(endpoint);
	if (io == NULL)
		return NULL;
	t = (struct dict_tcp *) dict_alloc("tcp", name, sizeof(*t), open_flags,
	                                   dict_flags | DICT_FLAG_FIXED);
	t->io = io;
	t->request = vstr_alloc(100);
	t->reply = vstr_alloc(100);
	t->value = vstr_alloc(100);
	t->dict.lookup = tcp_lookup;
	t->dict.close = tcp_close;
	return &t->dict;
}
