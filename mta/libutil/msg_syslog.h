#ifndef MSG_SYSLOG_H
#define MSG_SYSLOG_H
/*
 * NAME
 *	msg_syslog - diagnostics to syslog and to a log file
 * SUMMARY
 *	int msg_syslog_facility(const char *name);
 *	void msg_syslog_init(const char *ident, int facility);
 *	int msg_logfile_init(const char *path, const char *host,
 *	    const char *ident, struct vstr *why);
 *	void msg_logfile_close(void);
 * DESCRIPTION
 *	msg_syslog_init() sends every diagnostic to syslog(3) with the
 *	given ident (for example "postfix/smtpd"), LOG_PID and LOG_NDELAY,
 *	so the socket is open before a chroot. msg_syslog_facility() maps
 *	a syslog_facility name ("mail", "local0" ...) to its code, or
 *	returns -1.
 *
 *	msg_logfile_init() appends every diagnostic to the named file
 *	(maillog_file), one write(2) per line, in the shape of a syslog
 *	line: "Mmm dd hh:mm:ss host ident[pid]: text". It returns 0, or -1
 *	with the reason in why.
 */
struct vstr;

extern int msg_syslog_facility(const char *);
extern void msg_syslog_init(const char *, int);
extern int msg_logfile_init(const char *, const char *, const char *,
                            struct vstr *);
extern void msg_logfile_close(void);

#endif
