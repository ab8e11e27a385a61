/*
 * postfix_check - "postfix check", "set-permissions" and
 * "upgrade-configuration"
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "dict.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_queue.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "postfix.h"
#include "stringops.h"
#include "vstr.h"

/* The mail_owner directories of the queue. */
static const char *const owner_dirs[] = {
        "saved", "incoming", "active",  "defer",  "deferred", "bounce",
        "hold",  "trace",    "corrupt", "public", "private",  "flush",
};

/* The table types whose file has a separate source text, and suffix. */
static const struct table_suffix {
	const char *type;
	const char *suffix;
} table_suffixes[] = {
        {"hash", ".db"},
        {"btree", ".db"},
        {"lmdb", ".lmdb"},
        {"cdb", ".cdb"},
};

/* owner_ids - mail_owner's uid and gid; fatal when unknown */
static void
owner_ids(uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(var_mail_owner);

	if (pw == NULL)
		msg_fatal("file %s/main.cf: parameter mail_owner: "
		          "unknown user name value: %s",
		          mail_conf_dir(), var_mail_owner);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
}

/* master_cf_has - is NAME/TYPE a service of master.cf? */
static bool
master_cf_has(const char *path, const char *name, const char *type)
{
	struct vstr *why = vstr_alloc(100);
	struct master_cf *mc = master_cf_read(path, why);
	bool found;

	if (mc == NULL)
		msg_fatal("%s", vstr_str(why));
	found = master_cf_find(mc, name, type) != NULL;
	master_cf_free(mc);
	vstr_free(why);
	return found;
}

/* postfix_check_fatal - what would keep the mail system from running */
int
postfix_check_fatal(void)
{
	struct vstr *why = vstr_alloc(100);
	struct vstr *path = vstr_alloc(100);
	uid_t uid;
	gid_t gid;

	owner_ids(&uid, &gid);
	if (mail_queue_mkdirs(uid, gid, why) < 0)
		msg_fatal("unable to create missing queue directories: %s",
		          vstr_str(why));
	if (mkdir(var_data_directory, 0700) == 0 &&
	    chown(var_data_directory, uid, gid) < 0)
		msg_fatal("chown %s: %m", var_data_directory);
	vstr_fmt(path, "%s/master.cf", mail_conf_dir());
	if (access(vstr_str(path), F_OK) < 0)
		msg_fatal("no %s file found", vstr_str(path));
	if (*var_maillog_file &&
	    !master_cf_has(vstr_str(path), var_postlog_service_name,
	                   "unix-dgram"))
		msg_fatal("missing '%s' service in master.cf - run 'postfix "
		          "upgrade-configuration'",
		          var_postlog_service_name);
	vstr_free(why);
	vstr_free(path);
	return 0;
}

/* check_owner - warn when path's owner, group or mode is wrong */
static void
check_owner(const char *path, const char *user, uid_t uid, bool writable)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return;
	if (st.st_uid != uid)
		msg_warn("not owned by %s: %s", user, path);
	if (!writable && (st.st_mode & (S_IWGRP | S_IWOTH)))
		msg_warn("group or other writable: %s", path);
}

/* check_group - warn when path's group is not the set-gid group */
static void
check_group(const char *path, gid_t gid)
{
	struct stat st;

	if (lstat(path, &st) == 0 && st.st_gid != gid)
		msg_warn("not owned by group %s: %s", var_setgid_group, path);
}

/* check_corrupt - every file in corrupt/ is a damaged message */
static void
check_corrupt(void)
{
	DIR *dir = opendir(MAIL_QUEUE_CORRUPT);
	struct dirent *de;

	if (dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			msg_warn("damaged message: %s/%s", MAIL_QUEUE_CORRUPT,
			         de->d_name);
	closedir(dir);
}

/* check_table_word - "hash:/etc/postfix/virtual" and friends */
static void
check_table_word(const char *word, struct argv *seen)
{
	struct vstr *db = vstr_alloc(100);

	for (size_t i = 0;
	     i < sizeof(table_suffixes) / sizeof(table_suffixes[0]); i++) {
		size_t n = strlen(table_suffixes[i].type);
		const char *src = word + n + 1;

		if (strncmp(word, table_suffixes[i].type, n) != 0 ||
		    word[n] != ':' || *src != '/')
			continue;
		for (size_t j = 0; j < seen->argc; j++)
			if (strcmp(seen->argv[j], src) == 0)
				src = NULL;
		if (src == NULL)
			break;
		argv_add(seen, src);
		vstr_fmt(db, "%s%s", src, table_suffixes[i].suffix);
		dict_source_check(vstr_str(db), src);
		break;
	}
	vstr_free(db);
}

/* check_tables - tables named in main.cf older than their source */
static void
check_tables(void)
{
	struct conf_entry **list = mail_conf_main_list();
	struct argv *seen = argv_alloc(8);
	static const char *const always[] = {"alias_maps", "alias_database"};
	struct argv *names = argv_alloc(32);

	for (size_t i = 0; list && list[i]; i++)
		argv_add(names, list[i]->name);
	for (size_t i = 0; i < 2; i++)
		argv_add(names, always[i]);
	for (size_t i = 0; i < names->argc; i++) {
		char *value = mail_conf_eval_name(names->argv[i]);
		struct argv *words;

		if (value == NULL)
			continue;
		words = argv_split(value, LIST_DELIMS);
		for (size_t j = 0; j < words->argc; j++)
			check_table_word(words->argv[j], seen);
		argv_free(words);
		xfree(value);
	}
	argv_free(names);
	argv_free(seen);
	xfree(list);
}

/* postfix_check_warn - owners, modes, damaged messages, stale tables */
void
postfix_check_warn(void)
{
	struct vstr *path = vstr_alloc(100);
	struct group *gr = getgrnam(var_setgid_group);
	uid_t uid;
	gid_t gid;

	owner_ids(&uid, &gid);
	check_owner(var_queue_directory, "root", 0, false);
	vstr_fmt(path, "%s/pid", var_queue_directory);
	check_owner(vstr_str(path), "root", 0, false);
	vstr_fmt(path, "%s/main.cf", mail_conf_dir());
	check_owner(vstr_str(path), "root", 0, false);
	vstr_fmt(path, "%s/master.cf", mail_conf_dir());
	check_owner(vstr_str(path), "root", 0, false);
	check_owner(var_data_directory, var_mail_owner, uid, false);
	for (size_t i = 0; i < sizeof(owner_dirs) / sizeof(owner_dirs[0]);
	     i++) {
		vstr_fmt(path, "%s/%s", var_queue_directory, owner_dirs[i]);
		check_owner(vstr_str(path), var_mail_owner, uid, true);
	}
	vstr_fmt(path, "%s/maildrop", var_queue_directory);
	check_owner(vstr_str(path), var_mail_owner, uid, true);
	if (gr) {
		check_group(vstr_str(path), gr->gr_gid);
		vstr_fmt(path, "%s/public", var_queue_directory);
		check_group(vstr_str(path), gr->gr_gid);
	}
	check_corrupt();
	check_tables();
	vstr_free(path);
}

/* postfix_set_permissions - queue and data directory owners and modes */
int
postfix_set_permissions(void)
{
	struct vstr *why = vstr_alloc(100);
	uid_t uid;
	gid_t gid;
	int rc = 0;

	owner_ids(&uid, &gid);
	if (mail_queue_mkdirs(uid, gid, why) < 0) {
		msg_error("%s", vstr_str(why));
		rc = -1;
	}
	if (mkdir(var_data_directory, 0700) < 0 && errno != EEXIST) {
		msg_error("mkdir %s: %m", var_data_directory);
		rc = -1;
	} else if (chown(var_data_directory, uid, gid) < 0 ||
	           chmod(var_data_directory, 0700) < 0) {
		msg_error("set owner/mode of %s: %m", var_data_directory);
		rc = -1;
	}
	vstr_free(why);
	return rc;
}

/* postfix_upgrade_configuration - add a missing postlog service */
int
postfix_upgrade_configuration(void)
{
	struct vstr *path = vstr_alloc(100);
	struct vstr *line = vstr_alloc(100);
	int fd;
	int rc = 0;

	vstr_fmt(path, "%s/master.cf", mail_conf_dir());
	if (!master_cf_has(vstr_str(path), var_postlog_service_name,
	                   "unix-dgram")) {
		vstr_fmt(line,
		         "%-9s unix-dgram n  -       n       -       1"
		         "       postlogd\n",
		         var_postlog_service_name);
		if ((fd = open(vstr_str(path), O_WRONLY | O_APPEND)) < 0 ||
		    write(fd, vstr_str(line), vstr_len(line)) !=
		            (ssize_t) vstr_len(line)) {
			msg_error("update %s: %m", vstr_str(path));
			rc = -1;
		} else {
			msg_info("adding the %s service to %s",
			         var_postlog_service_name, vstr_str(path));
		}
		if (fd >= 0)
			close(fd);
	}
	vstr_free(path);
	vstr_free(line);
	return rc < 0 ? -1 : postfix_set_permissions();
}
