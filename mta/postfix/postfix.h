#ifndef POSTFIX_H
#define POSTFIX_H
#include <stdbool.h>
/*
 * NAME
 *	postfix - internal interfaces of the postfix(1) command
 * SUMMARY
 *	int postfix_check_fatal(void);
 *	void postfix_check_warn(void);
 *	int postfix_set_permissions(void);
 *	int postfix_upgrade_configuration(void);
 *
 *	int postfix_run(const char *path, char *const argv[]);
 *
 *	int postfix_chroot(int argc, char **argv);
 *	bool postfix_full_jail_entry(const struct master_ent *ent);
 *
 *	int postfix_sync_jail(void);
 *	int postfix_sync_cmd(int argc, char **argv);
 * DESCRIPTION
 *	postfix_check_fatal() creates missing queue directories and checks
 *	what would keep the mail system from starting (master.cf, the
 *	postlog service when maillog_file is set, main.cf values); it
 *	logs a fatal-level message and returns -1 for the first problem.
 *	postfix_check_warn() warns about owners, modes and lookup tables
 *	older than their source files.
 *	postfix_set_permissions() sets the owners and modes of the queue
 *	and data directories. postfix_upgrade_configuration() adds the
 *	postlog service to master.cf when it is missing.
 *	All run with the queue directory as the current directory.
 *
 *	postfix_run() runs a program (looked up in $PATH when path has no
 *	'/') with argv, without a shell, and waits: its exit status, 128 +
 *	the signal number when it was killed, or -1 (logged) when it could
 *	not be started or waited for; 127 when it could not be executed.
 *
 *	postfix_chroot() is "postfix chroot [-n] [-S] [-X] [-c]
 *	on|off|query|check" (argv[0] is "chroot"; options may come before
 *	or after the verb); it returns the exit status.
 *	postfix_full_jail_entry() tells whether a master.cf entry runs a
 *	complex (smtp, lmtp, smtpd) or custom command chrooted, by the same
 *	service classes and chroot column rules as postfix chroot: such a
 *	jail needs the NSS modules and CA directories.
 *
 *	postfix_sync_jail() refuses a myorigin of debian.org or ubuntu.com
 *	and, as /etc/default/postfix's SYNC_CHROOT allows, brings the files
 *	chrooted services need into the queue directory (postfix_sync.c has
 *	the list); it returns -1 after logging a fatal-level message.
 *	start, start-fg and check run it after postfix_check_fatal().
 *	postfix_sync_cmd() is "postfix sync-chroot [all]" (argv[0] is
 *	"sync-chroot"): the sync of this instance, or with "all" of every
 *	instance (/etc/postfix and each /etc/postfix-NAME with a main.cf);
 *	it returns the exit status.
 */
extern int postfix_check_fatal(void);
extern void postfix_check_warn(void);
extern int postfix_set_permissions(void);
extern int postfix_upgrade_configuration(void);
struct master_ent;

extern int postfix_run(const char *, char *const[]);
extern int postfix_chroot(int, char **);
extern bool postfix_full_jail_entry(const struct master_ent *);
extern int postfix_sync_jail(void);
extern int postfix_sync_cmd(int, char **);

#endif
