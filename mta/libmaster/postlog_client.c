/*
 * postlog_client - diagnostics as syslog-shaped datagrams to postlogd
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail_log.h"
#include "mail_params.h"
#include "msg.h"
#include "mymalloc.h"
#include "postlog_client.h"
#include "sock.h"
#include "vstr.h"

struct postlog {
	char *ident;
	char *path;
	int fallback_fd;
	bool fallback;
	bool direct;
	struct vstr *line;
};

static struct postlog postlog = {NULL, NULL, -1, false, false, NULL};

/* postlog_format - "Mmm dd hh:mm:ss host ident[pid]: text" */
void
postlog_format(struct vstr *line, const char *host, const char *ident, long pid,
               const char *text)
{
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	vstr_fmt(line, "%s %s %s[%ld]: %s", stamp, host, ident, pid, text);
}

/* How long a burst of lines may wait for room in postlogd's queue,
 * rather than lose a line. */
#define POSTLOG_WAIT_MS 500

/* postlog_output - the msg output: datagram, else the file */
static void
postlog_output(int level, const char *text, void *ctx)
{
	struct postlog *pl = ctx;
	struct vstr *full = vstr_alloc(256);

	vstr_fmt(full, "%s%s", msg_level_prefix(level), text);
	postlog_format(pl->line, var_myhostname, pl->ident, (long) getpid(),
	               vstr_str(full));
	vstr_free(full);
	if (!(pl->direct && pl->fallback_fd >= 0) &&
	    sock_unix_dgram_send(pl->path, vstr_str(pl->line),
	                         vstr_len(pl->line), POSTLOG_WAIT_MS) == 0)
		return;
	if (pl->fallback && pl->fallback_fd >= 0) {
		vstr_addch(pl->line, '\n');
		(void) !write(pl->fallback_fd, vstr_str(pl->line),
		              vstr_len(pl->line));
	}
}

/* postlog_client_fallback - allow or forbid direct file appends */
void
postlog_client_fallback(bool on)
{
	postlog.fallback = on;
	if (!on && postlog.fallback_fd >= 0) {
		close(postlog.fallback_fd);
		postlog.fallback_fd = -1;
	}
}

/* postlog_client_stop - no more datagrams */
void
postlog_client_stop(void)
{
	msg_output_remove(postlog_output, &postlog);
	postlog_client_fallback(false);
}

/* postlog_client_direct - append to the file from now on */
void
postlog_client_direct(void)
{
	postlog.direct = true;
}

/* open_fallback - maillog_file, or a copy of stdout/stderr */
static int
open_fallback(void)
{
	if (strcmp(var_maillog_file, "/dev/stdout") == 0)
		return fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (strcmp(var_maillog_file, "/dev/stderr") == 0)
		return fcntl(2, F_DUPFD_CLOEXEC, 3);
	return open(var_maillog_file,
	            O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
}

/* postlog_client_init - syslog, or postlogd with a file fallback */
int
postlog_client_init(const char *service, const char *path, bool fallback,
                    struct vstr *why)
{
	if (*var_maillog_file == 0)
		return mail_log_init(service, why);
	msg_output_remove(postlog_output, &postlog);
	xfree(postlog.ident);
	xfree(postlog.path);
	if (postlog.fallback_fd >= 0)
		close(postlog.fallback_fd);
	if (postlog.line == NULL)
		postlog.line = vstr_alloc(256);
	postlog.ident = vstr_export(
	        vstr_fmt(vstr_alloc(64), "%s/%s", var_syslog_name, service));
	postlog.path = xstrdup(path);
	postlog.fallback = fallback;
	postlog.fallback_fd = fallback ? open_fallback() : -1;
	msg_output_add(postlog_output, &postlog);
	return 0;
}
