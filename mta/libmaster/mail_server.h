#ifndef MAIL_SERVER_H
#define MAIL_SERVER_H
/*
 * NAME
 *	mail_server - the daemon skeleton every service runs in
 * SUMMARY
 *	int mail_server_run(int argc, char **argv,
 *	    const struct server_spec *spec);
 *	void mail_server_drain(void);
 *	void mail_server_disconnect(struct vstream *stream);
 * DESCRIPTION
 *	master(8) starts a service as
 *	  PROGRAM -n SERVICE -t TYPE -s NSOCK [-u] [-j] [-v] [-o name=value]
 *	    [other command-column arguments]
 *	with the listening descriptors at MASTER_LISTEN_FD and up and the
 *	status pipe at MASTER_STATUS_FD. TYPE is inet, unix, unix-dgram,
 *	fifo or pass; -u: drop privileges to mail_owner (unpriv column),
 *	-j: chroot into queue_directory (chroot column).
 *
 *	mail_server_run() parses those options (the program's own options
 *	come back in argv for the callbacks), loads main.cf with the -o
 *	overrides, sets up logging as syslog_name/SERVICE (and the postlog
 *	service when maillog_file is set), then, as root:
 *	spec->pre_jail(); setgroups; chroot(queue_directory) when -j
 *	(else chdir to it); setresgid/setresuid to mail_owner when -u
 *	(unless spec->keep_root) and a check that root cannot come back;
 *	spec->post_jail(); then it serves until max_idle seconds pass
 *	without a client or max_use clients were served (unless
 *	spec->forever). A fatal error is one line, "fatal: ...", exit 1.
 *
 *	SERVER_SINGLE: one client at a time; spec->service(stream, service,
 *	argv) is called per connection, with var_ipc_timeout as deadline
 *	for unix clients (the service sets its own for inet). The skeleton
 *	closes the stream afterwards. Stand-alone mode "PROGRAM -S [args]"
 *	(no master) serves one client on standard input and output, for
 *	tests and inetd use.
 *	SERVER_TRIGGER: spec->trigger(buf, len, service, argv) is called for
 *	each wake-up request (bytes read from a fifo, a unix connection or
 *	a datagram); the event loop (events.h) runs in between, so the
 *	service may register its own descriptors and timers.
 *
 *	SERVER_MULTI: one process serves many clients at once through the
 *	event loop (anvil). The skeleton accepts connections and calls
 *	spec->multi(stream, service, argv) each time a client stream is
 *	readable (and again while input is buffered); the callback reads
 *	one request (the stream has var_ipc_timeout for unix clients),
 *	answers it, and calls mail_server_disconnect(stream) at end of
 *	file or on error. mail_server_disconnect() calls the optional
 *	spec->multi_done(stream, service, argv), unregisters and closes
 *	the stream. The process tells master once that it is available
 *	and never that it is busy, so master starts no second process
 *	while it runs. It exits when max_idle seconds pass with no client
 *	connected, or (no client connected) after max_use disconnects,
 *	unless spec->forever. Stand-alone mode serves standard input and
 *	output as one client.
 *
 *	spec->pre_exit(service, argv), when set, runs before a
 *	SERVER_MULTI process exits because it was idle, drained or lost
 *	master (anvil logs its statistics there).
 *
 *	mail_server_drain() tells master this process will take no more
 *	clients (after a table changed: dict_changed()); the skeleton then
 *	exits after the current client. The skeleton also checks
 *	dict_changed() itself between clients.
 * SECURITY
 *	Only pre_jail runs with root privileges unless keep_root is set
 *	(local, pipe and virtual switch to the recipient's uid per
 *	delivery).
 */
#include <stdbool.h>
#include <stddef.h>

#include "vstream.h"

#define MASTER_STATUS_FD 5
#define MASTER_LISTEN_FD 6

enum server_kind { SERVER_SINGLE, SERVER_TRIGGER, SERVER_MULTI };

typedef void (*server_single_fn)(struct vstream *, const char *, char **);
typedef void (*server_trigger_fn)(const char *, size_t, const char *, char **);
typedef void (*server_init_fn)(const char *, char **);

struct server_spec {
	enum server_kind kind;
	server_single_fn service;    /* SERVER_SINGLE */
	server_trigger_fn trigger;   /* SERVER_TRIGGER */
	server_init_fn pre_jail;     /* optional, as root */
	server_init_fn post_jail;    /* optional, as mail_owner */
	bool keep_root;              /* do not setuid to mail_owner */
	bool forever;                /* ignore max_idle and max_use (qmgr) */
	server_single_fn multi;      /* SERVER_MULTI: a client is readable */
	server_single_fn multi_done; /* optional: before a client is closed */
	server_init_fn pre_exit;     /* optional: SERVER_MULTI exits */
};

extern int mail_server_run(int, char **, const struct server_spec *);
extern void mail_server_drain(void);
extern void mail_server_disconnect(struct vstream *);

#endif
