/*
 * mail_log - syslog and maillog_file set up from main.cf
 */
#include "mail_log.h"
#include "mail_params.h"
#include "msg_syslog.h"
#include "vstr.h"

/* mail_log_init - ident syslog_name/service, facility, maillog_file */
int
mail_log_init(const char *service, struct vstr *why)
{
	struct vstr *ident = vstr_alloc(64);
	int facility = msg_syslog_facility(var_syslog_facility);
	int rc = 0;

	if (facility < 0) {
		vstr_fmt(why, "unknown syslog_facility value: %s",
		         var_syslog_facility);
		vstr_free(ident);
		return -1;
	}
	vstr_fmt(ident, "%s/%s", var_syslog_name, service);
	msg_syslog_init(vstr_str(ident), facility);
	if (*var_maillog_file)
		rc = msg_logfile_init(var_maillog_file, var_myhostname,
		                      vstr_str(ident), why);
	vstr_free(ident);
	return rc;
}
