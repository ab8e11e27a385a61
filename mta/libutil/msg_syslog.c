/*
 * msg_syslog - syslog and maillog_file outputs for msg(3)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "msg_syslog.h"
#include "mymalloc.h"
#include "vstr.h"

static const struct facility {
	const char *name;
	int code;
} facilities[] = {
        {"auth", LOG_AUTH},     {"authpriv", LOG_AUTHPRIV},
        {"cron", LOG_CRON},     {"daemon", LOG_DAEMON},
        {"kern", LOG_KERN},     {"lpr", LOG_LPR},
        {"mail", LOG_MAIL},     {"news", LOG_NEWS},
        {"syslog", LOG_SYSLOG}, {"user", LOG_USER},
        {"uucp", LOG_UUCP},     {"local0", LOG_LOCAL0},
        {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
        {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
        {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6},
        {"local7", LOG_LOCAL7},
};

static char *syslog_ident;

/* msg_syslog_facility - name to code, -1 when unknown */
int
msg_syslog_facility(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].code;
	return -1;
}

/* syslog_output - one syslog(3) call per line */
static void
syslog_output(int level, const char *text, void *ctx)
{
	static const int prio[] = {LOG_INFO, LOG_WARNING, LOG_ERR, LOG_CRIT,
	                           LOG_CRIT};

	(void) ctx;
	syslog(prio[level], "%s%s", msg_level_prefix(level), text);
}

/* msg_syslog_init - start logging to syslog */
void
msg_syslog_init(const char *ident, int facility)
{
	/* openlog() keeps the pointer: keep our own copy alive. */
	char *old = syslog_ident;

	syslog_ident = xstrdup(ident);
	openlog(syslog_ident, LOG_PID | LOG_NDELAY, facility);
	xfree(old);
	msg_output_remove(syslog_output, NULL);
	msg_output_add(syslog_output, NULL);
}

struct logfile {
	int fd;
	char *host;
	char *ident;
};

static struct logfile logfile = {-1, NULL, NULL};

/* logfile_output - append one syslog-shaped line with one write(2) */
static void
logfile_output(int level, const char *text, void *ctx)
{
	struct logfile *lf = ctx;
	char stamp[32];
	char line[4096];
	struct tm tm;
	time_t now = time(NULL);
	int n;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s %s %s[%ld]: %s%s\n", stamp,
	             lf->host, lf->ident, (long) getpid(),
	             msg_level_prefix(level), text);
	if (n < 0)
		return;
	if ((size_t) n >= sizeof(line)) {
		n = (int) sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	(void) !write(lf->fd, line, (size_t) n);
}

/* msg_logfile_close - stop logging to the file */
void
msg_logfile_close(void)
{
	if (logfile.fd < 0)
		return;
	msg_output_remove(logfile_output, &logfile);
	if (logfile.fd > 2)
		close(logfile.fd);
	logfile.fd = -1;
	logfile.host = xfree(logfile.host);
	logfile.ident = xfree(logfile.ident);
}

/* msg_logfile_init - start appending to maillog_file */
int
msg_logfile_init(const char *path, const char *host, const char *ident,
                 struct vstr *why)
{
	int fd;

	if (strcmp(path, "/dev/stdout") == 0)
		fd = dup(1);
	else if (strcmp(path, "/dev/stderr") == 0)
		fd = dup(2);
	else
		fd = open(path,
		          O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		          0600);
	if (fd < 0) {
		vstr_fmt(why, "open %s: %s", path, strerror(errno));
		return -1;
	}
	msg_logfile_close();
	logfile.fd = fd;
	logfile.host = xstrdup(host);
	logfile.ident = xstrdup(ident);
	msg_output_add(logfile_output, &logfile);
	return 0;
}
