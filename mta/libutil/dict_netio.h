#ifndef DICT_NETIO_H
#define DICT_NETIO_H
/*
 * NAME
 *	dict_netio - client connections of the network table types
 * SUMMARY
 *	struct dict_netio *dict_netio_alloc(const char *label,
 *	    const char *endpoint, struct vstr *why);
 *	struct dict_netio *dict_netio_free(struct dict_netio *io);
 *	typedef int (*dict_netio_read_fn)(struct dict_netio *io, size_t limit,
 *	    struct vstr *reply, struct vstr *why);
 *	int dict_netio_call(struct dict_netio *io, const char *req, size_t len,
 *	    dict_netio_read_fn read, size_t limit, int timeout_ms,
 *	    struct vstr *reply, struct vstr *why);
 *	int dict_netio_read_line(struct dict_netio *io, size_t limit,
 *	    struct vstr *reply, struct vstr *why);
 *	int dict_netio_read_netstring(struct dict_netio *io, size_t limit,
 *	    struct vstr *reply, struct vstr *why);
 *	void dict_netio_disconnect(struct dict_netio *io);
 * DESCRIPTION
 *	The tcp: and socketmap: tables send one request and read one reply
 *	over a stream connection that is kept between lookups.
 *
 *	dict_netio_alloc() checks the endpoint ("inet:host:port",
 *	"inet:[host]:port" or "unix:/path") without connecting: the
 *	connection is made by the first request, so that opening a table
 *	never waits for a server. label names the table in reasons
 *	("tcp:127.0.0.1:9000"). It returns NULL with the reason in why
 *	when the endpoint is malformed.
 *
 *	dict_netio_call() connects when not connected, discards unread
 *	input, writes the request and reads one reply with read(), each
 *	step within timeout_ms. When the request fails with an I/O error
 *	(the server closed an idle connection, a reset) it is tried once
 *	more on a new connection; a timeout or a protocol error is not
 *	retried. A connection idle for DICT_NETIO_MAX_IDLE seconds or older
 *	than DICT_NETIO_MAX_TTL seconds is replaced before use. Every
 *	failure closes the connection.
 *
 *	dict_netio_read_line() reads one line (the newline and a CR before
 *	it removed) of at most limit bytes before the newline.
 *	dict_netio_read_netstring() reads one netstring ("len:data,") with
 *	at most limit data bytes.
 *
 *	Results: DICT_NETIO_OK, or with the reason in why:
 *	DICT_NETIO_IOERR (connect, read or write failed, early end of
 *	input), DICT_NETIO_TIMEOUT, DICT_NETIO_PROTO (malformed or
 *	oversized reply).
 * SECURITY
 *	Replies are untrusted: lengths are checked before data is stored,
 *	and reasons quote at most a short printable() excerpt. Writes use
 *	MSG_NOSIGNAL, so a closed connection is an error, not a SIGPIPE.
 */
#include <stddef.h>
#include <time.h>

struct vstr;

#define DICT_NETIO_OK 0
#define DICT_NETIO_IOERR (-1)
#define DICT_NETIO_TIMEOUT (-2)
#define DICT_NETIO_PROTO (-3)

#define DICT_NETIO_MAX_IDLE 10 /* seconds */
#define DICT_NETIO_MAX_TTL 100 /* seconds */

struct dict_netio {
	char *label;     /* table name for reasons */
	char *endpoint;  /* without "inet:" or "unix:" */
	int family;      /* AF_INET (any inet) or AF_UNIX */
	char *host;      /* inet: host without brackets */
	char *port;      /* inet: port or service */
	int fd;          /* -1 when not connected */
	struct vstr *in; /* received, from in_pos on not yet consumed */
	size_t in_pos;
	struct timespec deadline; /* of the current step */
	time_t connected;         /* monotonic seconds */
	time_t last_used;
};

typedef int (*dict_netio_read_fn)(struct dict_netio *, size_t, struct vstr *,
                                  struct vstr *);

extern struct dict_netio *dict_netio_alloc(const char *, const char *,
                                           struct vstr *);
extern struct dict_netio *dict_netio_free(struct dict_netio *);
extern int dict_netio_call(struct dict_netio *, const char *, size_t,
                           dict_netio_read_fn, size_t, int, struct vstr *,
                           struct vstr *);
extern int dict_netio_read_line(struct dict_netio *, size_t, struct vstr *,
                                struct vstr *);
extern int dict_netio_read_netstring(struct dict_netio *, size_t, struct vstr *,
                                     struct vstr *);
extern void dict_netio_disconnect(struct dict_netio *);

#endif
