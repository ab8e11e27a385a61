/*
 * test_service - a service program for the master and mail_server tests
 *
 *	test_service [options] echo
 *		SERVER_SINGLE: per client, read one line and answer
 *		"PID SERVICE: LINE" (the pid shows which process served).
 *	test_service [options] trigger FILE
 *		SERVER_TRIGGER: append "PID SERVICE: REQUEST" to FILE for
 *		every wake-up request.
 *	test_service [options] crash
 *		exits with status 1 right after start-up (bad command
 *		startup).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail_server.h"
#include "msg.h"
#include "vstr.h"
#include "vstream.h"

/* echo_service - one line in, one line out */
static void
echo_service(struct vstream *fp, const char *service, char **argv)
{
	struct vstr *buf = vstr_alloc(100);

	(void) argv;
	if (vstream_get_line(fp, buf, 1000) != VSTREAM_EOF) {
		vstr_truncate(buf, strcspn(vstr_str(buf), "\r\n"));
		vstream_printf(fp, "%ld %s: %s\n", (long) getpid(), service,
		               vstr_str(buf));
		vstream_fflush(fp);
	}
	vstr_free(buf);
}

/* trigger_service - record the request */
static void
trigger_service(const char *req, size_t len, const char *service, char **argv)
{
	struct vstr *line = vstr_alloc(100);
	int fd;

	if (argv[0] == NULL || argv[1] == NULL)
		msg_fatal("usage: test_service trigger FILE");
	vstr_fmt(line, "%ld %s: ", (long) getpid(), service);
	vstr_cat_mem(line, req, len);
	vstr_addch(line, '\n');
	if ((fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0666)) < 0)
		msg_fatal("open %s: %m", argv[1]);
	(void) !write(fd, vstr_str(line), vstr_len(line));
	close(fd);
	vstr_free(line);
}

/* crash_post_jail - fail at start-up */
static void
crash_post_jail(const char *service, char **argv)
{
	(void) argv;
	msg_fatal("%s: crashing on purpose", service);
}

/* main - pick the kind of service from the first non-option word */
int
main(int argc, char **argv)
{
	struct server_spec spec = {.kind = SERVER_SINGLE,
	                           .service = echo_service};
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "-n") == 0 ||
		    strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "-s") == 0 ||
		    strcmp(argv[i], "-c") == 0) {
			i++;
			continue;
		}
		if (argv[i][0] != '-')
			break;
	}
	if (i < argc && strcmp(argv[i], "trigger") == 0) {
		spec.kind = SERVER_TRIGGER;
		spec.trigger = trigger_service;
	} else if (i < argc && strcmp(argv[i], "crash") == 0) {
		spec.post_jail = crash_post_jail;
	}
	return mail_server_run(argc, argv, &spec);
}
