#ifndef TESTSERVER_H
#define TESTSERVER_H
/*
 * NAME
 *	testserver - tiny forked stream servers for client tests
 * SUMMARY
 *	typedef void (*testserver_fn)(int fd, const char *dir);
 *	void testserver_inet(struct testserver *s, testserver_fn fn,
 *	    const char *dir);
 *	void testserver_unix(struct testserver *s, const char *path,
 *	    testserver_fn fn, const char *dir);
 *	void testserver_stop(struct testserver *s);
 *	long testserver_connections(const char *dir);
 *	char *testserver_read_line(FILE *fp);
 *	void testserver_write(int fd, const char *data, size_t len);
 * DESCRIPTION
 *	testserver_inet() listens on 127.0.0.1 with a port picked by the
 *	kernel (s->port); testserver_unix() on a UNIX-domain socket at path.
 *	The socket listens before the call returns, so a client may connect
 *	at once. A forked server process accepts connections, appends one
 *	line per connection to DIR/connections, and runs fn(fd, dir) for
 *	each in a process of its own, which exits when fn returns.
 *	testserver_stop() kills the server and every connection process;
 *	the server also dies with the test process (PR_SET_PDEATHSIG).
 *
 *	testserver_connections() counts the connections accepted so far.
 *	testserver_read_line() returns one line without the newline
 *	(malloc'ed; NULL at the end); testserver_write() writes all bytes,
 *	ignoring errors (the client may be gone).
 *
 *	Everything stays on 127.0.0.1 or in the test's own directory.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

typedef void (*testserver_fn)(int fd, const char *dir);

struct testserver {
	pid_t pid;
	int port;
};

/* testserver_note - count one connection in DIR/connections */
static inline void
testserver_note(const char *dir)
{
	struct vstr *path = vstr_alloc(100);
	FILE *fp;

	vstr_fmt(path, "%s/connections", dir);
	if ((fp = fopen(vstr_str(path), "a")) != NULL) {
		fputs("c\n", fp);
		fclose(fp);
	}
	vstr_free(path);
}

/* testserver_loop - the server process: accept and fork forever */
static inline void __attribute__((noreturn))
testserver_loop(int lfd, testserver_fn fn, const char *dir)
{
	int fd;

	/* Do not outlive the test, whatever way it ends. */
	(void) prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	(void) setpgid(0, 0);
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_DFL);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			continue;
		testserver_note(dir);
		if (fork() == 0) {
			close(lfd);
			fn(fd, dir);
			_exit(0);
		}
		close(fd);
	}
}

/* testserver_fork - run the server on a listening socket */
static inline void
testserver_fork(struct testserver *s, int lfd, testserver_fn fn,
                const char *dir)
{
	if (listen(lfd, 16) < 0)
		fail_msg("listen: %s", strerror(errno));
	fflush(NULL);
	if ((s->pid = fork()) < 0)
		fail_msg("fork: %s", strerror(errno));
	if (s->pid == 0)
		testserver_loop(lfd, fn, dir);
	(void) setpgid(s->pid, s->pid);
	close(lfd);
}

/* testserver_inet - a server on 127.0.0.1 and a kernel-chosen port */
static inline void
testserver_inet(struct testserver *s, testserver_fn fn, const char *dir)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *) &sin, sizeof(sin)) < 0 ||
	    getsockname(lfd, (struct sockaddr *) &sin, &len) < 0)
		fail_msg("inet socket: %s", strerror(errno));
	s->port = ntohs(sin.sin_port);
	testserver_fork(s, lfd, fn, dir);
}

/* testserver_unix - a server on a UNIX-domain socket */
static inline void
testserver_unix(struct testserver *s, const char *path, testserver_fn fn,
                const char *dir)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (strlen(path) >= sizeof(sun.sun_path))
		fail_msg("socket path too long: %s", path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lfd < 0 || bind(lfd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
		fail_msg("unix socket %s: %s", path, strerror(errno));
	s->port = 0;
	testserver_fork(s, lfd, fn, dir);
}

/* testserver_stop - kill the server and its connection processes */
static inline void
testserver_stop(struct testserver *s)
{
	if (s->pid > 0) {
		(void) kill(-s->pid, SIGKILL);
		(void) kill(s->pid, SIGKILL);
		(void) waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
}

/* testserver_connections - connections accepted so far */
static inline long
testserver_connections(const char *dir)
{
	struct vstr *path = vstr_alloc(100);
	char *text;
	long n = 0;

	vstr_fmt(path, "%s/connections", dir);
	if ((text = file_slurp(vstr_str(path))) != NULL) {
		for (const char *cp = text; *cp; cp++)
			n += *cp == '\n';
		xfree(text);
	}
	vstr_free(path);
	return n;
}

/* testserver_read_line - one line without the newline, NULL at the end */
static inline char *
testserver_read_line(FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, fp);

	if (n <= 0) {
		free(line);
		return NULL;
	}
	if (line[n - 1] == '\n')
		line[n - 1] = 0;
	return line;
}

/* testserver_write - write everything, ignore a departed client */
static inline void
testserver_write(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n <= 0)
			return;
		data += n;
		len -= (size_t) n;
	}
}

#endif
