#ifndef POSTLOG_CLIENT_H
#define POSTLOG_CLIENT_H
/*
 * NAME
 *	postlog_client - logging of daemons and commands, via postlogd(8)
 *	when maillog_file is set
 * SUMMARY
 *	int postlog_client_init(const char *service, const char *socket_path,
 *	    bool fallback, struct vstr *why);
 *	void postlog_client_fallback(bool on);
 *	void postlog_client_stop(void);
 *	void postlog_client_direct(void);
 *	void postlog_format(struct vstr *line, const char *host,
 *	    const char *ident, long pid, const char *text);
 * DESCRIPTION
 *	postlog_client_init() is called after mail_params_init(). Without
 *	maillog_file it is mail_log_init(): syslog with the ident
 *	"$syslog_name/service". With maillog_file set, syslog is not used
 *	(as in Postfix): every diagnostic is formatted as a syslog line,
 *	"Mmm dd hh:mm:ss host ident[pid]: text\n", and sent as one
 *	datagram to the postlog service at socket_path (normally
 *	"public/postlog" relative to the queue directory). When that fails
 *	(postlogd not running yet) and fallback is on, the line is
 *	appended to maillog_file directly, which is opened here (so
 *	before privileges are dropped); a process that goes into a chroot
 *	turns the fallback off with postlog_client_fallback(false) and
 *	loses lines while postlogd is down rather than keep the log file
 *	writable inside the jail.
 *
 *	postlog_client_stop() removes the postlog output (postlogd(8)
 *	writes its own diagnostics to the file).
 *
 *	postlog_client_direct() sends later lines straight to the file
 *	(when there is a fallback): master(8) uses it for its last words,
 *	which no postlogd would be started to read.
 *
 *	postlog_format() builds one such line (without the newline).
 */
#include <stdbool.h>

struct vstr;

extern int postlog_client_init(const char *, const char *, bool, struct vstr *);
extern void postlog_client_fallback(bool);
extern void postlog_client_stop(void);
extern void postlog_client_direct(void);
extern void postlog_format(struct vstr *, const char *, const char *, long,
                           const char *);

#endif
