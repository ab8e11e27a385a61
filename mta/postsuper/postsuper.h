#ifndef POSTSUPER_H
#define POSTSUPER_H
/*
 * NAME
 *	postsuper - internal interfaces of the postsuper command
 * SUMMARY
 *	void postsuper_struct(int flags);
 *	bool postsuper_msg_queue(const char *queue);
 *	void postsuper_list_files(const char *queue, struct argv *out);
 * DESCRIPTION
 *	postsuper_struct() does the maintenance passes that run before the
 *	per-message operations, over every message queue (incoming,
 *	active, deferred, hold, maildrop) and every log queue (bounce,
 *	defer, trace), relative to the current directory (the queue
 *	directory). PS_PURGE removes temporary files older than
 *	PS_MAX_TEMP_AGE: files in a message queue without the owner
 *	execute bit, which every complete queue file has. PS_STRUCT
 *	warns about names that are not queue IDs, moves files into the
 *	hash subdirectory hash_queue_names/hash_queue_depth give them,
 *	renames message files whose short queue ID does not end in the
 *	file's inode number (and long IDs to short ones when
 *	enable_long_queue_ids is off), renaming their defer/bounce/trace
 *	logs with them, and removes subdirectories nobody needs.
 *	PS_STRUCT_LONG (-S) checks the inode part of long IDs too.
 *
 *	postsuper_msg_queue() tells message queues from log queues.
 *	postsuper_list_files() appends the path (relative to the queue
 *	directory) of every regular file below queue, hash subdirectories
 *	included, in directory order.
 * DIAGNOSTICS
 *	Problems with one file are warnings; a queue directory that cannot
 *	be read is fatal.
 */
#include <stdbool.h>

struct argv;

#define PS_PURGE 1
#define PS_STRUCT 2
#define PS_STRUCT_LONG 4

/* Temporary files younger than this may still be in use. */
#define PS_MAX_TEMP_AGE (7 * 24 * 3600)

extern void postsuper_struct(int);
extern bool postsuper_msg_queue(const char *);
extern void postsuper_list_files(const char *, struct argv *);

#endif
