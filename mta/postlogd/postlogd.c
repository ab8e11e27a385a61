/*
 * postlogd - append the log lines of the other processes to maillog_file
 *
 * SECURITY
 *	postlogd opens maillog_file as root before it drops privileges (the
 *	postlog service is not chrooted and runs as mail_owner afterwards);
 *	it only appends datagrams from public/postlog, one line each, with
 *	line breaks inside a datagram turned into spaces so that no client
 *	can forge a second log line.
 * DIAGNOSTICS
 *	Its own diagnostics go to the same file, "postfix/postlogd[pid]:".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "mail_params.h"
#include "mail_server.h"
#include "msg.h"
#include "msg_syslog.h"
#include "mymalloc.h"
#include "postlog_client.h"
#include "stringops.h"
#include "vstr.h"

static int log_fd = -1;
static struct vstr *line;

/* prefix_ok - maillog_file starts with one of maillog_file_prefixes */
static bool
prefix_ok(const char *path)
{
	struct argv *prefixes =
	        argv_split(var_maillog_file_prefixes, LIST_DELIMS);
	bool ok = false;

	for (size_t i = 0; i < prefixes->argc && !ok; i++)
		ok = str_prefix(path, prefixes->argv[i]);
	argv_free(prefixes);
	return ok;
}

/* open_log - maillog_file, or a copy of stdout or stderr */
static int
open_log(const char *path)
{
	if (strcmp(path, "/dev/stdout") == 0)
		return fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (strcmp(path, "/dev/stderr") == 0)
		return fcntl(2, F_DUPFD_CLOEXEC, 3);
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	            0600);
}

/* postlogd_pre_jail - open the file as root; log to it directly */
static void
postlogd_pre_jail(const char *service, char **argv)
{
	struct vstr *why = vstr_alloc(100);
	struct vstr *ident = vstr_alloc(64);

	(void) argv;
	if (*var_maillog_file == 0)
		msg_fatal("no maillog_file is configured -- "
		          "the postlog service is not needed");
	if (!prefix_ok(var_maillog_file))
		msg_fatal("open %s: path does not match any prefix in "
		          "maillog_file_prefixes (%s)",
		          var_maillog_file, var_maillog_file_prefixes);
	if ((log_fd = open_log(var_maillog_file)) < 0)
		msg_fatal("open %s: %m", var_maillog_file);
	postlog_client_stop();
	vstr_fmt(ident, "%s/%s", var_syslog_name, service);
	if (msg_logfile_init(var_maillog_file, var_myhostname, vstr_str(ident),
	                     why) < 0)
		msg_warn("%s", vstr_str(why));
	line = vstr_alloc(512);
	vstr_free(why);
	vstr_free(ident);
}

/* postlogd_trigger - one datagram is one line */
static void
postlogd_trigger(const char *buf, size_t len, const char *service, char **argv)
{
	size_t done = 0;

	(void) service;
	(void) argv;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == 0))
		len--;
	if (len == 0)
		return;
	vstr_mem(line, buf, len);
	for (size_t i = 0; i < len; i++)
		if (vstr_str(line)[i] == '\n' || vstr_str(line)[i] == 0)
			vstr_str(line)[i] = ' ';
	vstr_addch(line, '\n');
	while (done < vstr_len(line)) {
		ssize_t n = write(log_fd, vstr_str(line) + done,
		                  vstr_len(line) - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			msg_warn("write %s: %m", var_maillog_file);
			return;
		}
		done += (size_t) n;
	}
}

/* main - see postlogd(8) */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_TRIGGER,
	        .trigger = postlogd_trigger,
	        .pre_jail = postlogd_pre_jail,
	};

	return mail_server_run(argc, argv, &spec);
}
