#ifndef MASTER_PROTO_H
#define MASTER_PROTO_H
/*
 * NAME
 *	master_proto - the status pipe between master(8) and its children
 * SUMMARY
 *	int master_notify(int status);
 *	unsigned master_generation(void);
 * DESCRIPTION
 *	master(8) gives every child of a service the write end of that
 *	service's status pipe as descriptor MASTER_STATUS_FD
 *	(mail_server.h), and the service generation in the environment
 *	variable MASTER_GEN_NAME (decimal). A child writes one struct
 *	master_status per state change, in one write(2) (smaller than
 *	PIPE_BUF, so writes of several children never interleave):
 *	MASTER_STAT_TAKEN when it took a client (or a trigger request) and
 *	is busy, MASTER_STAT_AVAIL when it is ready for the next one.
 *	master counts a new child as available; it watches the listening
 *	descriptors and forks another child only while no child of the
 *	service is available and the process limit allows. A status with
 *	a generation other than the service's current one (the service
 *	changed after a reload) is ignored.
 *
 *	A child learns that master went away when its status descriptor
 *	reports an error (the read end was closed): it exits.
 *
 *	master_notify() sends a status for this process; it returns 0, or
 *	-1 when master is gone (or the descriptor is not open, as in
 *	stand-alone mode).
 */
#define MASTER_STAT_TAKEN 0
#define MASTER_STAT_AVAIL 1

#define MASTER_GEN_NAME "GENERATION"

struct master_status {
	int pid;
	unsigned gen;
	int avail; /* MASTER_STAT_* */
};

extern int master_notify(int);
extern unsigned master_generation(void);

#endif
