/*
 * dict_netio - client connections of the network table types (tcp:,
 * socketmap:): connect on demand, one request and one reply within a
 * deadline, one retry on a new connection after an I/O error.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "dict_netio.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

#define NETIO_READ_CHUNK 4096
#define NETIO_EXCERPT 60 /* bytes of a bad reply quoted in a reason */

/* now_mono - monotonic clock */
static struct timespec
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

/* deadline_set - the current step must end within timeout_ms */
static void
deadline_set(struct dict_netio *io, int timeout_ms)
{
	struct timespec ts = now_mono();
	long ms = timeout_ms > 0 ? timeout_ms : 0;

	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	io->deadline = ts;
}

/* remaining_ms - time left before the deadline, 0 when passed */
static int
remaining_ms(const struct dict_netio *io)
{
	struct timespec ts = now_mono();
	long long ms = (long long) (io->deadline.tv_sec - ts.tv_sec) * 1000 +
	               (io->deadline.tv_nsec - ts.tv_nsec) / 1000000;

	if (ms <= 0)
		return 0;
	return ms > 1000000000 ? 1000000000 : (int) ms;
}

/* wait_fd - wait until fd is ready for events or the deadline passes */
static int
wait_fd(struct dict_netio *io, short events, const char *what, struct vstr *why)
{
	struct pollfd pfd = {.fd = io->fd, .events = events};
	int n, ms;

	for (;;) {
		if ((ms = remaining_ms(io)) == 0) {
			vstr_fmt(why, "%s: timeout while %s", io->label, what);
			return DICT_NETIO_TIMEOUT;
		}
		if ((n = poll(&pfd, 1, ms)) > 0)
			return DICT_NETIO_OK;
		if (n < 0 && errno != EINTR) {
			vstr_fmt(why, "%s: poll: %m", io->label);
			return DICT_NETIO_IOERR;
		}
	}
}

/* parse_inet - "host:port" or "[host]:port" */
static int
parse_inet(struct dict_netio *io, const char *text, struct vstr *why)
{
	const char *colon, *host = text, *host_end;

	if (*text == '[') {
		host = text + 1;
		if ((host_end = strchr(host, ']')) == NULL ||
		    host_end[1] != ':') {
			vstr_fmt(why, "%s: bad endpoint \"inet:%s\"", io->label,
			         text);
			return -1;
		}
		colon = host_end + 1;
	} else if ((colon = strrchr(text, ':')) != NULL) {
		host_end = colon;
	} else {
		host_end = NULL;
	}
	if (host_end == NULL || host_end == host || colon[1] == 0) {
		vstr_fmt(why, "%s: need \"host:port\" instead of \"%s\"",
		         io->label, text);
		return -1;
	}
	io->family = AF_INET;
	io->host = xstrndup(host, (size_t) (host_end - host));
	io->port = xstrdup(colon + 1);
	return 0;
}

/* parse_unix - "/path", short enough for a socket address */
static int
parse_unix(struct dict_netio *io, const char *text, struct vstr *why)
{
	struct sockaddr_un sun;

	if (*text == 0 || strlen(text) >= sizeof(sun.sun_path)) {
		vstr_fmt(why, "%s: bad UNIX-domain socket path \"%s\"",
		         io->label, text);
		return -1;
	}
	io->family = AF_UNIX;
	return 0;
}

/* dict_netio_alloc - check the endpoint; connect later */
struct dict_netio *
dict_netio_alloc(const char *label, const char *endpoint, struct vstr *why)
{
	struct dict_netio *io = xcalloc(1, sizeof(*io));
	int rc;

	io->label = xstrdup(label);
	io->fd = -1;
	io->in = vstr_alloc(NETIO_READ_CHUNK);
	if (str_prefix(endpoint, "inet:")) {
		io->endpoint = xstrdup(endpoint + 5);
		rc = parse_inet(io, io->endpoint, why);
	} else if (str_prefix(endpoint, "unix:")) {
		io->endpoint = xstrdup(endpoint + 5);
		rc = parse_unix(io, io->endpoint, why);
	} else {
		vstr_fmt(why, "%s: need \"inet:\" or \"unix:\" endpoint",
		         label);
		rc = -1;
	}
	return rc < 0 ? dict_netio_free(io) : io;
}

/* dict_netio_disconnect - close the connection, if any */
void
dict_netio_disconnect(struct dict_netio *io)
{
	if (io->fd >= 0)
		(void) close(io->fd);
	io->fd = -1;
	vstr_reset(io->in);
	io->in_pos = 0;
}

/* dict_netio_free - disconnect and release */
struct dict_netio *
dict_netio_free(struct dict_netio *io)
{
	if (io == NULL)
		return NULL;
	dict_netio_disconnect(io);
	xfree(io->label);
	xfree(io->endpoint);
	xfree(io->host);
	xfree(io->port);
	vstr_free(io->in);
	xfree(io);
	return NULL;
}

/* connect_addr - one non-blocking connect within the deadline */
static int
connect_addr(struct dict_netio *io, int family, const struct sockaddr *sa,
             socklen_t len, struct vstr *why)
{
	int err = 0, rc;
	socklen_t elen = sizeof(err);

	io->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (io->fd < 0) {
		vstr_fmt(why, "%s: socket: %m", io->label);
		return DICT_NETIO_IOERR;
	}
	if (connect(io->fd, sa, len) == 0)
		return DICT_NETIO_OK;
	if (errno != EINPROGRESS) {
		vstr_fmt(why, "%s: connect: %m", io->label);
		dict_netio_disconnect(io);
		return DICT_NETIO_IOERR;
	}
	if ((rc = wait_fd(io, POLLOUT, "connecting", why)) != DICT_NETIO_OK) {
		dict_netio_disconnect(io);
		return rc;
	}
	if (getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		err = errno;
	if (err != 0) {
		vstr_fmt(why, "%s: connect: %s", io->label, strerror(err));
		dict_netio_disconnect(io);
		return DICT_NETIO_IOERR;
	}
	return DICT_NETIO_OK;
}

/* connect_unix - connect to a UNIX-domain stream socket */
static int
connect_unix(struct dict_netio *io, struct vstr *why)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	memcpy(sun.sun_path, io->endpoint, strlen(io->endpoint) + 1);
	return connect_addr(io, AF_UNIX, (struct sockaddr *) &sun, sizeof(sun),
	                    why);
}

/* connect_inet - try each address of host:port */
static int
connect_inet(struct dict_netio *io, struct vstr *why)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_STREAM};
	struct addrinfo *res, *ai;
	int err, rc = DICT_NETIO_IOERR;

	if ((err = getaddrinfo(io->host, io->port, &hints, &res)) != 0) {
		vstr_fmt(why, "%s: look up %s port %s: %s", io->label, io->host,
		         io->port,
		         err == EAI_SYSTEM ? strerror(errno)
		                           : gai_strerror(err));
		return DICT_NETIO_IOERR;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		rc = connect_addr(io, ai->ai_family, ai->ai_addr,
		                  ai->ai_addrlen, why);
		if (rc == DICT_NETIO_OK || rc == DICT_NETIO_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	return rc;
}

/* mono_seconds - monotonic clock in seconds */
static time_t
mono_seconds(void)
{
	return now_mono().tv_sec;
}

/* netio_connect - connect when not connected or the connection is old */
static int
netio_connect(struct dict_netio *io, int timeout_ms, struct vstr *why)
{
	time_t now = mono_seconds();
	int rc;

	if (io->fd >= 0 && (now - io->last_used > DICT_NETIO_MAX_IDLE ||
	                    now - io->connected > DICT_NETIO_MAX_TTL))
		dict_netio_disconnect(io);
	if (io->fd >= 0)
		return DICT_NETIO_OK;
	deadline_set(io, timeout_ms);
	rc = io->family == AF_UNIX ? connect_unix(io, why)
	                           : connect_inet(io, why);
	if (rc == DICT_NETIO_OK)
		io->connected = io->last_used = now;
	return rc;
}

/* write_all - send the whole request */
static int
write_all(struct dict_netio *io, const char *buf, size_t len, struct vstr *why)
{
	ssize_t n;
	int rc;

	while (len > 0) {
		n = send(io->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t) n;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			rc = wait_fd(io, POLLOUT, "sending the request", why);
			if (rc != DICT_NETIO_OK)
				return rc;
		} else if (n < 0 && errno != EINTR) {
			vstr_fmt(why, "%s: write: %m", io->label);
			return DICT_NETIO_IOERR;
		}
	}
	return DICT_NETIO_OK;
}

/* fill - read more input; the caller bounds how much it keeps */
static int
fill(struct dict_netio *io, struct vstr *why)
{
	struct vstr *in = io->in;
	ssize_t n;
	int rc;

	if (io->in_pos > 0) {
		memmove(in->buf, in->buf + io->in_pos, in->len - io->in_pos);
		vstr_truncate(in, in->len - io->in_pos);
		io->in_pos = 0;
	}
	vstr_reserve(in, NETIO_READ_CHUNK);
	for (;;) {
		if ((rc = wait_fd(io, POLLIN, "reading the reply", why)) !=
		    DICT_NETIO_OK)
			return rc;
		n = recv(io->fd, in->buf + in->len, NETIO_READ_CHUNK, 0);
		if (n > 0) {
			in->len += (size_t) n;
			in->buf[in->len] = 0;
			return DICT_NETIO_OK;
		}
		if (n == 0) {
			vstr_fmt(why, "%s: connection closed by server%s",
			         io->label,
			         in->len ? " in the middle of a reply" : "");
			return DICT_NETIO_IOERR;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			vstr_fmt(why, "%s: read: %m", io->label);
			return DICT_NETIO_IOERR;
		}
	}
}

/* excerpt - a short printable copy of untrusted bytes for a reason */
static void
excerpt(struct vstr *out, const char *p, size_t len)
{
	size_t start = vstr_len(out);

	vstr_cat_mem(out, p, len > NETIO_EXCERPT ? NETIO_EXCERPT : len);
	for (size_t i = start; i < vstr_len(out); i++)
		if (vstr_str(out)[i] == 0)
			vstr_str(out)[i] = '?';
	printable(vstr_str(out) + start, '?');
	if (len > NETIO_EXCERPT)
		vstr_cat(out, "...");
}

/* dict_netio_read_line - one reply line of at most limit bytes */
int
dict_netio_read_line(struct dict_netio *io, size_t limit, struct vstr *reply,
                     struct vstr *why)
{
	const char *start, *nl;
	size_t len;
	int rc;

	for (;;) {
		start = vstr_str(io->in) + io->in_pos;
		len = vstr_len(io->in) - io->in_pos;
		if ((nl = memchr(start, '\n', len)) != NULL)
			break;
		if (len > limit) {
			vstr_fmt(why, "%s: reply line longer than %zu bytes",
			         io->label, limit);
			return DICT_NETIO_PROTO;
		}
		if ((rc = fill(io, why)) != DICT_NETIO_OK)
			return rc;
	}
	len = (size_t) (nl - start);
	if (len > limit) {
		vstr_fmt(why, "%s: reply line longer than %zu bytes", io->label,
		         limit);
		return DICT_NETIO_PROTO;
	}
	io->in_pos += len + 1;
	if (len > 0 && start[len - 1] == '\r')
		len--;
	vstr_mem(reply, start, len);
	return DICT_NETIO_OK;
}

/* netstring_header - parse "digits:"; 1 complete, 0 need more, -1 bad */
static int
netstring_header(const char *p, size_t avail, size_t *len, size_t *hdr)
{
	size_t i, n = 0;

	for (i = 0; i < avail && isdigit((unsigned char) p[i]); i++) {
		if (i >= 9)
			return -1; /* we never accept a billion bytes */
		n = n * 10 + (size_t) (p[i] - '0');
	}
	if (i == avail)
		return 0;
	if (i == 0 || p[i] != ':')
		return -1;
	*len = n;
	*hdr = i + 1;
	return 1;
}

/* dict_netio_read_netstring - one netstring with at most limit bytes */
int
dict_netio_read_netstring(struct dict_netio *io, size_t limit,
                          struct vstr *reply, struct vstr *why)
{
	size_t len = 0, hdr = 0;
	const char *p;
	int rc, got;

	while ((got = netstring_header(vstr_str(io->in) + io->in_pos,
	                               vstr_len(io->in) - io->in_pos, &len,
	                               &hdr)) == 0)
		if ((rc = fill(io, why)) != DICT_NETIO_OK)
			return rc;
	p = vstr_str(io->in) + io->in_pos;
	if (got < 0) {
		vstr_fmt(why, "%s: malformed netstring: \"", io->label);
		excerpt(why, p, vstr_len(io->in) - io->in_pos);
		vstr_cat(why, "\"");
		return DICT_NETIO_PROTO;
	}
	if (len > limit) {
		vstr_fmt(why, "%s: reply of %zu bytes exceeds the limit of %zu",
		         io->label, len, limit);
		return DICT_NETIO_PROTO;
	}
	while (vstr_len(io->in) - io->in_pos < hdr + len + 1)
		if ((rc = fill(io, why)) != DICT_NETIO_OK)
			return rc;
	p = vstr_str(io->in) + io->in_pos;
	if (p[hdr + len] != ',') {
		vstr_fmt(why, "%s: netstring does not end in ','", io->label);
		return DICT_NETIO_PROTO;
	}
	vstr_mem(reply, p + hdr, len);
	io->in_pos += hdr + len + 1;
	return DICT_NETIO_OK;
}

/* dict_netio_call - one request and its reply, one retry after I/O errors */
int
dict_netio_call(struct dict_netio *io, const char *req, size_t len,
                dict_netio_read_fn read_fn, size_t limit, int timeout_ms,
                struct vstr *reply, struct vstr *why)
{
	int rc = DICT_NETIO_IOERR;

	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = netio_connect(io, timeout_ms, why)) != DICT_NETIO_OK)
			return rc;
		/* Bytes left over from an earlier reply belong to nothing. */
		vstr_reset(io->in);
		io->in_pos = 0;
		deadline_set(io, timeout_ms);
		rc = write_all(io, req, len, why);
		if (rc == DICT_NETIO_OK) {
			deadline_set(io, timeout_ms);
			rc = read_fn(io, limit, reply, why);
		}
		if (rc == DICT_NETIO_OK) {
			io->last_used = mono_seconds();
			return rc;
		}
		dict_netio_disconnect(io);
		if (rc != DICT_NETIO_IOERR)
			break;
	}
	return rc;
}
