#ifndef MAIL_QUEUE_H
#define MAIL_QUEUE_H
/*
 * NAME
 *	mail_queue - queue directories, queue IDs and queue file paths
 * SUMMARY
 *	const char *mail_queue_path(struct vstr *buf, const char *queue,
 *	    const char *id);
 *	const char *mail_queue_dir(struct vstr *buf, const char *queue,
 *	    const char *id);
 *	bool mail_queue_id_ok(const char *id);
 *	bool mail_queue_name_ok(const char *queue);
 *	struct vstream *mail_queue_enter(const char *queue, int mode,
 *	    struct vstr *id, struct vstr *path, struct timeval *tv);
 *	int mail_queue_rename(const char *id, const char *old_queue,
 *	    const char *new_queue);
 *	int mail_queue_remove(const char *queue, const char *id);
 *	struct vstream *mail_queue_open(const char *queue, const char *id,
 *	    int flags, int mode);
 *	int mail_queue_fsync_dir(const char *queue, const char *id);
 *	int mail_queue_mkdirs(uid_t owner, gid_t group, struct vstr *why);
 *	int mail_queue_mkparents(const char *path);
 *	void mail_queue_id_make(struct vstr *id, const struct timeval *tv,
 *	    ino_t inode);
 *	bool mail_queue_hashed(const char *queue);
 * DESCRIPTION
 *	Paths are relative to queue_directory (processes chdir there, or
 *	chroot into it). Queues hashed by hash_queue_names get
 *	hash_queue_depth levels of one-character subdirectories taken
 *	from the queue ID ("deferred/A/ABC123..."); the others are flat.
 *
 *	Queue IDs: with enable_long_queue_ids = no, the short form, five
 *	hex digits of microseconds then the inode number in hex (upper
 *	case). With yes, the long form: the arrival second in base 52 (6
 *	characters), the microseconds in base 52 (4), 'z', then the inode
 *	in base 51 (no 'z'); it sorts by arrival time. Both forms are
 *	accepted everywhere (mail_queue_id_ok).
 *
 *	mail_queue_enter() creates a new file in queue (normally incoming),
 *	named after its own queue ID, with the given mode, and returns it
 *	open for reading and writing; id, path and the arrival time tv are
 *	filled in. The caller writes, fsyncs, and calls mail_queue_fsync_dir.
 *	Until the size record is complete a file is not ready: qmgr skips
 *	files whose mode lacks the execute bit (MAIL_QUEUE_READY_MODE);
 *	cleanup sets it with fchmod once the file is complete and fsync'd.
 *
 *	mail_queue_rename() moves a file between queues (creating a
 *	missing hash directory). mail_queue_mkparents() creates the missing
 *	directories (mode 0700) leading to a path, as mkdir -p of its
 *	parent: hash directories of queue files and logs. mail_queue_mkdirs()
 *creates the queue directory tree with Postfix's owners and modes (postfix set-
 *	permissions semantics: maildrop is group postdrop 1730, public is
 *	group postdrop 0710, the rest mail_owner 0700).
 * DIAGNOSTICS
 *	Functions return -1 or NULL with errno set.
 */
#include <stdbool.h>
#include <sys/time.h>
#include <sys/types.h>

#include "vstr.h"
#include "vstream.h"

#define MAIL_QUEUE_MAILDROP "maildrop"
#define MAIL_QUEUE_INCOMING "incoming"
#define MAIL_QUEUE_ACTIVE "active"
#define MAIL_QUEUE_DEFERRED "deferred"
#define MAIL_QUEUE_HOLD "hold"
#define MAIL_QUEUE_CORRUPT "corrupt"
#define MAIL_QUEUE_BOUNCE "bounce"
#define MAIL_QUEUE_DEFER "defer"
#define MAIL_QUEUE_TRACE "trace"
#define MAIL_QUEUE_FLUSH "flush"
#define MAIL_QUEUE_SAVED "saved"

/* Mode of a queue file that is complete; without u+x it is in progress. */
#define MAIL_QUEUE_READY_MODE 0700
#define MAIL_QUEUE_BUSY_MODE 0600

extern const char *mail_queue_path(struct vstr *, const char *, const char *);
extern const char *mail_queue_dir(struct vstr *, const char *, const char *);
extern bool mail_queue_id_ok(const char *);
extern bool mail_queue_name_ok(const char *);
extern struct vstream *mail_queue_enter(const char *, int, struct vstr *,
                                        struct vstr *, struct timeval *);
extern int mail_queue_rename(const char *, const char *, const char *);
extern int mail_queue_remove(const char *, const char *);
extern struct vstream *mail_queue_open(const char *, const char *, int, int);
extern int mail_queue_fsync_dir(const char *, const char *);
extern int mail_queue_mkdirs(uid_t, gid_t, struct vstr *);
extern int mail_queue_mkparents(const char *);
extern void mail_queue_id_make(struct vstr *, const struct timeval *, ino_t);
extern bool mail_queue_hashed(const char *);

#endif
