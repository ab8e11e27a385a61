#ifndef MAIL_LOG_H
#define MAIL_LOG_H
/*
 * NAME
 *	mail_log - start logging the way the configuration says
 * SUMMARY
 *	int mail_log_init(const char *service, struct vstr *why);
 * DESCRIPTION
 *	mail_log_init() is called by a program after mail_params_init().
 *	It sends diagnostics to syslog with the ident
 *	"$syslog_name/service" (for example "postfix/smtpd"), LOG_PID and
 *	the facility named by syslog_facility, and, when maillog_file is
 *	set, also appends them to that file in syslog's line shape. It
 *	returns 0, or -1 with the reason in why (an unknown facility, a log
 *	file that cannot be opened).
 */
struct vstr;

extern int mail_log_init(const char *, struct vstr *);

#endif
