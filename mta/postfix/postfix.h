#ifndef POSTFIX_H
#define POSTFIX_H
/*
 * NAME
 *	postfix - internal interfaces of the postfix(1) command
 * SUMMARY
 *	int postfix_check_fatal(void);
 *	void postfix_check_warn(void);
 *	int postfix_set_permissions(void);
 *	int postfix_upgrade_configuration(void);
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
 */
extern int postfix_check_fatal(void);
extern void postfix_check_warn(void);
extern int postfix_set_permissions(void);
extern int postfix_upgrade_configuration(void);

#endif
