#ifndef SOCK_H
#define SOCK_H
/*
 * NAME
 *	sock - UNIX-domain, TCP and FIFO endpoints
 * SUMMARY
 *	int sock_unix_listen(const char *path, int backlog, int mode,
 *	    struct vstr *why);
 *	int sock_unix_dgram_listen(const char *path, int mode, struct vstr
 **why); int sock_fifo_listen(const char *path, int mode, struct vstr *why); int
 *sock_inet_listen(const char *host, const char *port, int family, int backlog,
 *struct vstr *why); int sock_unix_connect(const char *path, int timeout, struct
 *vstr *why); int sock_inet_connect(const char *host, const char *port, int
 *timeout, struct vstr *why); int sock_unix_dgram_send(const char *path, const
 *void *buf, size_t len, int timeout); int sock_fifo_trigger(const char *path,
 *const void *buf, size_t len, int timeout); int sock_unix_trigger(const char
 **path, const void *buf, size_t len, int timeout); int sock_accept(int
 *listen_fd); int sock_send_fd(int sock, int fd); int sock_recv_fd(int sock);
 *void sock_nonblock(int fd, bool on); void sock_cloexec(int fd, bool on); int
 *sock_peer(int fd, struct vstr *addr, struct vstr *port); int sock_local(int
 *fd, struct vstr *addr, struct vstr *port); DESCRIPTION The listen functions
 *remove a stale UNIX socket or FIFO first, create the endpoint with the given
 *mode, and return a descriptor with close-on-exec set (master clears it for the
 *children it hands the descriptor to). sock_inet_listen() binds host (NULL or
 *	"" for all addresses of the family) and port; family is AF_INET,
 *	AF_INET6 (IPV6_V6ONLY set) or AF_UNSPEC. SO_REUSEADDR is set.
 *
 *	The connect functions wait at most timeout seconds (0: block).
 *	sock_inet_connect() tries each address of host in turn.
 *
 *	sock_fifo_trigger() and sock_unix_trigger() deliver a short wake-up
 *	message to a FIFO or stream socket service without blocking longer
 *	than timeout; the unix form writes, then closes.
 *	sock_unix_dgram_send() sends one datagram; while the receiver's
 *	queue is full it waits for room, up to timeout milliseconds in all
 *	(0: never waits).
 *
 *	sock_accept() accepts one connection, retrying on EINTR, and
 *	returns -1 with errno set when none is pending (EAGAIN) or on error.
 *	sock_send_fd() and sock_recv_fd() pass a descriptor over a UNIX
 *	socket (the "pass" service type).
 *
 *	sock_peer() and sock_local() give the numeric address and port of
 *	the peer or the local end ("" and "" for a UNIX socket; IPv4-mapped
 *	IPv6 addresses are given as IPv4).
 * DIAGNOSTICS
 *	Functions return -1 and, where a why argument exists, the reason.
 */
#include <stdbool.h>
#include <stddef.h>

#include "vstr.h"

extern int sock_unix_listen(const char *, int, int, struct vstr *);
extern int sock_unix_dgram_listen(const char *, int, struct vstr *);
extern int sock_fifo_listen(const char *, int, struct vstr *);
extern int sock_inet_listen(const char *, const char *, int, int,
                            struct vstr *);
extern int sock_unix_connect(const char *, int, struct vstr *);
extern int sock_inet_connect(const char *, const char *, int, struct vstr *);
extern int sock_unix_dgram_send(const char *, const void *, size_t, int);
extern int sock_fifo_trigger(const char *, const void *, size_t, int);
extern int sock_unix_trigger(const char *, const void *, size_t, int);
extern int sock_accept(int);
extern int sock_send_fd(int, int);
extern int sock_recv_fd(int);
extern void sock_nonblock(int, bool);
extern void sock_cloexec(int, bool);
extern int sock_peer(int, struct vstr *, struct vstr *);
extern int sock_local(int, struct vstr *, struct vstr *);

#endif
