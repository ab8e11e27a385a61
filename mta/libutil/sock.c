/*
 * sock - UNIX-domain, TCP and FIFO endpoints
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sock.h"

/* sock_nonblock - set or clear O_NONBLOCK */
void
sock_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		(void) fcntl(fd, F_SETFL,
		             on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* sock_cloexec - set or clear FD_CLOEXEC */
void
sock_cloexec(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl >= 0)
		(void) fcntl(fd, F_SETFD,
		             on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC);
}

/* unix_addr - fill a sockaddr_un; -1 if the path is too long */
static int
unix_addr(struct sockaddr_un *sun, const char *path, struct vstr *why)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		if (why)
			vstr_fmt(why, "socket path too long: %s", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

/* unix_bind - create, bind and chmod a UNIX socket of a type */
static int
unix_bind(const char *path, int type, int mode, struct vstr *why)
{
	struct sockaddr_un sun;
	int fd;

	if (unix_addr(&sun, path, why) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) < 0) {
		if (why)
			vstr_fmt(why, "socket: %s", strerror(errno));
		return -1;
	}
	(void) unlink(path);
	if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0 ||
	    chmod(path, (mode_t) mode) < 0) {
		if (why)
			vstr_fmt(why, "bind %s: %s", path, strerror(errno));
		(void) close(fd);
		return -1;
	}
	return fd;
}

/* sock_unix_listen - listening stream socket */
int
sock_unix_listen(const char *path, int backlog, int mode, struct vstr *why)
{
	int fd = unix_bind(path, SOCK_STREAM, mode, why);

	if (fd >= 0 && listen(fd, backlog) < 0) {
		if (why)
			vstr_fmt(why, "listen %s: %s", path, strerror(errno));
		(void) close(fd);
		return -1;
	}
	if (fd >= 0)
		sock_nonblock(fd, true);
	return fd;
}

/* sock_unix_dgram_listen - datagram socket */
int
sock_unix_dgram_listen(const char *path, int mode, struct vstr *why)
{
	return unix_bind(path, SOCK_DGRAM, mode, why);
}

/* sock_fifo_listen - FIFO opened for reading (and writing, so no EOF) */
int
sock_fifo_listen(const char *path, int mode, struct vstr *why)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) == 0 && !S_ISFIFO(st.st_mode))
		(void) unlink(path);
	if (mkfifo(path, (mode_t) mode) < 0 && errno != EEXIST) {
		if (why)
			vstr_fmt(why, "mkfifo %s: %s", path, strerror(errno));
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    fchmod(fd, (mode_t) mode) < 0) {
		if (why)
			vstr_fmt(why, "open %s: %s", path, strerror(errno));
		if (fd >= 0)
			(void) close(fd);
		return -1;
	}
	return fd;
}

/* sock_inet_listen - listening TCP socket */
int
sock_inet_listen(const char *host, const char *port, int family, int backlog,
                 struct vstr *why)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, on = 1, err;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((err = getaddrinfo(host && *host ? host : NULL, port, &hints,
	                       &res)) != 0) {
		if (why)
			vstr_fmt(why, "%s:%s: %s", host ? host : "", port,
			         gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		(void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		                  sizeof(on));
		if (ai->ai_family == AF_INET6)
			(void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			                  sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, backlog) == 0)
			break;
		if (why)
			vstr_fmt(why, "bind %s port %s: %s", host ? host : "*",
			         port, strerror(errno));
		(void) close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		sock_nonblock(fd, true);
	return fd;
}

/* connect_wait - connect with a deadline */
static int
connect_wait(int fd, const struct sockaddr *sa, socklen_t len, int timeout)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int err = 0;
	socklen_t elen = sizeof(err);

	if (timeout <= 0)
		return connect(fd, sa, len);
	sock_nonblock(fd, true);
	if (connect(fd, sa, len) == 0) {
		sock_nonblock(fd, false);
		return 0;
	}
	if (errno != EINPROGRESS && errno != EAGAIN)
		return -1;
	if (poll(&pfd, 1, timeout * 1000) <= 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
		errno = err ? err : errno;
		return -1;
	}
	sock_nonblock(fd, false);
	return 0;
}

/* sock_unix_connect - connect to a UNIX stream socket */
int
sock_unix_connect(const char *path, int timeout, struct vstr *why)
{
	struct sockaddr_un sun;
	int fd;

	if (unix_addr(&sun, path, why) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect_wait(fd, (struct sockaddr *) &sun, sizeof(sun), timeout) <
	    0) {
		int saved = errno;

		if (why)
			vstr_fmt(why, "connect to %s: %s", path,
			         strerror(errno));
		(void) close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* sock_inet_connect - connect to host:port, each address in turn */
int
sock_inet_connect(const char *host, const char *port, int timeout,
                  struct vstr *why)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, err;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(host, port, &hints, &res)) != 0) {
		if (why)
			vstr_fmt(why, "%s: %s", host, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect_wait(fd, ai->ai_addr, ai->ai_addrlen, timeout) == 0)
			break;
		if (why)
			vstr_fmt(why, "connect to %s port %s: %s", host, port,
			         strerror(errno));
		(void) close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* now_ms - a monotonic clock in milliseconds */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sock_unix_dgram_send - one datagram, waiting up to timeout ms for room */
int
sock_unix_dgram_send(const char *path, const void *buf, size_t len, int timeout)
{
	struct sockaddr_un sun;
	struct pollfd pfd = {.events = POLLOUT};
	long long deadline = now_ms() + timeout;
	int ret = -1;

	if (unix_addr(&sun, path, NULL) < 0)
		return -1;
	if ((pfd.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	/* Connected, so that poll() reports room in the receiver's queue. */
	if (connect(pfd.fd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
		goto out;
	for (;;) {
		long long left;

		if (send(pfd.fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) {
			ret = 0;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN || (left = deadline - now_ms()) <= 0 ||
		    poll(&pfd, 1, (int) left) <= 0)
			break;
	}
out:
	(void) close(pfd.fd);
	return ret;
}

/* sock_fifo_trigger - write a wake-up request to a FIFO */
int
sock_fifo_trigger(const char *path, const void *buf, size_t len, int timeout)
{
	int fd, ret;

	(void) timeout;
	if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return -1;
	ret = write(fd, buf, len) == (ssize_t) len ? 0 : -1;
	(void) close(fd);
	return ret;
}

/* sock_unix_trigger - write a wake-up request to a stream service */
int
sock_unix_trigger(const char *path, const void *buf, size_t len, int timeout)
{
	int fd, ret;

	if ((fd = sock_unix_connect(path, timeout, NULL)) < 0)
		return -1;
	ret = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t) len
	              ? 0
	              : -1;
	(void) close(fd);
	return ret;
}

/* sock_accept - accept one connection */
int
sock_accept(int listen_fd)
{
	int fd;

	do
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	return fd;
}

/* sock_send_fd - pass a descriptor over a UNIX socket */
int
sock_send_fd(int sock, int fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;

	memset(&ctl, 0, sizeof(ctl));
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* sock_recv_fd - receive a descriptor */
int
sock_recv_fd(int sock)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;
	int fd;

	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = EBADMSG;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* addr_text - numeric host and port of a sockaddr */
static int
addr_text(struct sockaddr_storage *ss, socklen_t len, struct vstr *addr,
          struct vstr *port)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (ss->ss_family == AF_UNIX) {
		vstr_reset(addr);
		vstr_reset(port);
		return 0;
	}
	if (getnameinfo((struct sockaddr *) ss, len, host, sizeof(host), serv,
	                sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return -1;
	if (ss->ss_family == AF_INET6 && strncmp(host, "::ffff:", 7) == 0 &&
	    strchr(host + 7, '.'))
		vstr_cpy(addr, host + 7);
	else
		vstr_cpy(addr, host);
	vstr_cpy(port, serv);
	return 0;
}

/* sock_peer - numeric address of the peer */
int
sock_peer(int fd, struct vstr *addr, struct vstr *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *) &ss, &len) < 0)
		return -1;
	return addr_text(&ss, len, addr, port);
}

/* sock_local - numeric address of our end */
int
sock_local(int fd, struct vstr *addr, struct vstr *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0)
		return -1;
	return addr_text(&ss, len, addr, port);
}
