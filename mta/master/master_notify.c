/*
 * master_notify - readiness and state reports to systemd
 *
 * Under a Type=notify unit systemd sets NOTIFY_SOCKET; master reports
 * READY=1 once every listener of master.cf is open (connections queue
 * in the kernel from then on and the first children start on demand),
 * RELOADING=1 and READY=1 around a reload, and STOPPING=1 when it
 * terminates. The status line names the configuration directory and
 * the number of services. Without NOTIFY_SOCKET nothing is sent.
 * Children never see the variable: import_environment builds theirs.
 */
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "mail_conf.h"
#include "master.h"
#include "msg.h"
#include "vstr.h"

/* send_state - one notification; a failure is only logged */
static void
send_state(const char *text)
{
	int rc;

	if (getenv("NOTIFY_SOCKET") == NULL)
		return;
	if ((rc = sd_notify(0, text)) < 0)
		msg_warn("sd_notify: %s", strerror(-rc));
	else if (msg_verbose)
		msg_info("sd_notify: %s", text);
}

/* service_count - the services master runs now */
static int
service_count(void)
{
	int n = 0;

	for (struct master_serv *s = master_head; s; s = s->next)
		n++;
	return n;
}

/* master_notify_ready - READY=1 with the status line */
void
master_notify_ready(void)
{
	struct vstr *text = vstr_alloc(100);
	int n = service_count();

	vstr_fmt(text, "READY=1\nSTATUS=%s: %d service%s", mail_conf_dir(), n,
	         n == 1 ? "" : "s");
	send_state(vstr_str(text));
	vstr_free(text);
}

/* master_notify_reloading - RELOADING=1 with the monotonic time */
void
master_notify_reloading(void)
{
	struct vstr *text = vstr_alloc(100);
	struct timespec ts;

	/* systemd 253 and later want MONOTONIC_USEC; older ones ignore it. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		msg_fatal("clock_gettime: %m");
	vstr_fmt(text, "RELOADING=1\nSTATUS=reloading %s\nMONOTONIC_USEC=%llu",
	         mail_conf_dir(),
	         (unsigned long long) ts.tv_sec * 1000000ULL +
	                 (unsigned long long) ts.tv_nsec / 1000ULL);
	send_state(vstr_str(text));
	vstr_free(text);
}

/* master_notify_stopping - STOPPING=1 */
void
master_notify_stopping(void)
{
	send_state("STOPPING=1\nSTATUS=stopping");
}
