/*
 * master_notify - tell master(8) whether this process is busy
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "mail_server.h"
#include "master_proto.h"

/* master_generation - the service generation master gave us */
unsigned
master_generation(void)
{
	const char *gen = getenv(MASTER_GEN_NAME);

	return gen ? (unsigned) strtoul(gen, NULL, 10) : 0;
}

/* master_notify - one status message, in one write */
int
master_notify(int avail)
{
	struct master_status st = {
	        .pid = (int) getpid(),
	        .gen = master_generation(),
	        .avail = avail,
	};
	ssize_t n;

	do
		n = write(MASTER_STATUS_FD, &st, sizeof(st));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t) sizeof(st) ? 0 : -1;
}
