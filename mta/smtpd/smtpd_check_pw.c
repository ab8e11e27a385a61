/*
 * smtpd_check_pw - "proxy:unix:passwd.byname" without a proxymap service
 *
 * Postfix's smtpd runs chrooted and asks proxymap, outside the jail, for
 * the local_recipient_maps default proxy:unix:passwd.byname. Until we
 * have proxymap, smtpd reads the password database once before the jail
 * (getpwent(3)) into the table type "smtpd_passwd". The snapshot lives
 * as long as the smtpd process (max_idle, max_use), so a user added
 * later is known to the next smtpd process.
 */
#include <pwd.h>
#include <string.h>

#include "dict.h"
#include "htable.h"
#include "mymalloc.h"
#include "smtpd_check_int.h"
#include "vstr.h"

struct dict_pw {
	struct dict dict;
	struct htable *users; /* name -> passwd(5) line */
};

/* pw_lookup - a user of the snapshot */
static int
pw_lookup(struct dict *d, const char *key, const char **value)
{
	const char *line = htable_find(((struct dict_pw *) d)->users, key);

	if (line == NULL)
		return DICT_NOTFOUND;
	*value = line;
	return DICT_FOUND;
}

/* free_snapshot_line - htable value destructor */
static void
free_snapshot_line(void *p)
{
	xfree(p);
}

/* pw_close - release the snapshot */
static void
pw_close(struct dict *d)
{
	htable_free(((struct dict_pw *) d)->users, free_snapshot_line);
}

/* snapshot - every user of the password database */
static struct htable *
snapshot(void)
{
	struct htable *users = htable_create(100);
	struct vstr *line = vstr_alloc(100);
	struct passwd *pw;

	setpwent();
	while ((pw = getpwent()) != NULL) {
		if (htable_find(users, pw->pw_name) != NULL)
			continue;
		vstr_fmt(line, "%s:%s:%ld:%ld:%s:%s:%s", pw->pw_name,
		         pw->pw_passwd, (long) pw->pw_uid, (long) pw->pw_gid,
		         pw->pw_gecos, pw->pw_dir, pw->pw_shell);
		htable_enter(users, pw->pw_name, xstrdup(vstr_str(line)));
	}
	endpwent();
	vstr_free(line);
	return users;
}

/* dict_smtpd_passwd_open - the opener of "smtpd_passwd:passwd.byname" */
static struct dict *
dict_smtpd_passwd_open(const char *name, int open_flags, int dict_flags,
                       struct vstr *why)
{
	struct dict_pw *d;

	if (strcmp(name, "passwd.byname") != 0) {
		vstr_fmt(why, "smtpd_passwd: unknown table \"%s\"", name);
		return NULL;
	}
	d = (struct dict_pw *) dict_alloc("smtpd_passwd", name, sizeof(*d),
	                                  open_flags,
	                                  dict_flags | DICT_FLAG_FIXED);
	d->users = snapshot();
	d->dict.lookup = pw_lookup;
	d->dict.close = pw_close;
	return &d->dict;
}

/* check_pw_register - make the table type known (once) */
void
check_pw_register(void)
{
	dict_init();
	if (!dict_type_known("smtpd_passwd"))
		dict_register("smtpd_passwd", dict_smtpd_passwd_open);
}
