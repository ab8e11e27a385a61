/*
 * local_mailbox - mailbox delivery (mailbox_command, Maildir, mbox),
 * deliveries to files, and the unknown-user policy
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dict.h"
#include "local.h"
#include "mac_expand.h"
#include "mail_params.h"
#include "maps.h"
#include "mbox_copy.h"
#include "mbox_maildir.h"
#include "mbox_open.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

/* copy_info - what goes into Return-Path, X-Original-To, Delivered-To */
static struct mbox_copy_info
copy_info(const struct local_attr *a)
{
	struct mbox_copy_info info = {
	        a->sender,
	        var_enable_original_recipient && a->rcpt.orig_addr
	                ? a->rcpt.orig_addr
	                : "",
	        a->delivered ? a->delivered : a->rcpt.address, 0};

	return info;
}

/* dot_opts - dot-lock retry policy from main.cf */
static struct lock_dot_opts
dot_opts(void)
{
	struct lock_dot_opts o = {var_deliver_lock_attempts,
	                          var_deliver_lock_delay, var_stale_lock_time,
	                          NULL};

	return o;
}

/* mbox_write - lock, append, unlock; 0 or -1 with why */
static int
mbox_write(struct local_state *st, const struct local_attr *a, const char *path,
           uid_t uid, gid_t gid, int lock_mask, int flags, struct mbox_why *why,
           bool must_own)
{
	struct lock_dot_opts dot = dot_opts();
	struct mbox_copy_info info = copy_info(a);
	struct mbox *mp;
	int ret = -1;

	mp = mbox_open(path, O_APPEND | O_WRONLY | O_CREAT, 0600, uid, gid,
	               lock_mask, &dot, "5.2.0", why);
	if (mp == NULL)
		return -1;
	if (must_own && !S_ISREG(mp->st.st_mode)) {
		mbox_why_set(why, "5.2.0",
		             "destination %s is not a regular file", path);
	} else if (must_own && var_strict_mailbox_ownership &&
	           mp->st.st_uid != uid) {
		mbox_why_set(why, "4.2.0",
		             "destination %s is not owned by recipient", path);
		msg_warn("specify \"strict_mailbox_ownership = no\" to ignore "
		         "mailbox ownership mismatch");
	} else if (!must_own && S_ISREG(mp->st.st_mode) &&
	           (mp->st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))) {
		mbox_why_set(why, "5.7.1", "executable destination file %s",
		             path);
	} else {
		if (!S_ISREG(mp->st.st_mode))
			flags &= ~MBOX_COPY_TOFILE;
		ret = mbox_copy(st->req->fp, st->req->data_offset, mp->fp,
		                flags, &info, why) == 0
		              ? 0
		              : -1;
	}
	mbox_release(mp);
	return ret;
}

/* mbox_flags - MBOX_COPY_MBOX, with Delivered-To per the header policy */
static int
mbox_flags(void)
{
	int flags = MBOX_COPY_MBOX;

	if ((local_hdr_mask & LOCAL_HDR_FILE) == 0)
		flags &= ~MBOX_COPY_DELIVERED;
	return flags;
}

/*
 * mbox_file - the user's mailbox: in mail_spool_directory (opened and
 * locked as root, since the spool is not writable by users on Debian,
 * and created for the user) or $HOME/$home_mailbox (as the user).
 */
static int
mbox_file(struct local_state *st, struct local_attr a, struct local_user u)
{
	struct mbox_why why = {NULL, vstr_alloc(100)};
	struct vstr *path = vstr_alloc(100);
	bool spool = *var_home_mailbox == 0;
	int status, rc;

	if (spool)
		vstr_fmt(path, "%s/%s", var_mail_spool_directory, a.user);
	else
		vstr_fmt(path, "%s/%s", u.home, var_home_mailbox);
	if (local_verify(st)) {
		status = local_result(st, &a, LOCAL_SENT, "2.0.0",
		                      "delivers to mailbox");
	} else if (local_been_here(st, "mailbox %s", vstr_str(path))) {
		status = 0;
	} else {
		local_set_eugid(spool ? 0 : u.uid, spool ? 0 : u.gid);
		rc = mbox_write(st, &a, vstr_str(path), u.uid, u.gid,
		                local_lock_mask, mbox_flags(), &why, true);
		local_set_eugid(local_owner_uid, local_owner_gid);
		if (rc == 0)
			status = local_result(st, &a, LOCAL_SENT, "2.0.0",
			                      "delivered to mailbox");
		else
			status =
			        local_result_why(st, &a, &why,
			                         "cannot update mailbox %s for "
			                         "user %s. ",
			                         vstr_str(path), a.user);
	}
	vstr_free(path);
	vstr_free(why.text);
	return status;
}

/* local_maildir - deliver into a Maildir, as the user */
int
local_maildir(struct local_state *st, struct local_attr a, struct local_user u,
              const char *dir)
{
	struct mbox_why why = {NULL, vstr_alloc(100)};
	struct mbox_copy_info info = copy_info(&a);
	char *path = xstrdup(dir);
	size_t len = strlen(path);
	int flags = MBOX_COPY_RETURN_PATH | MBOX_COPY_ORIG_RCPT;
	int status, rc;

	while (len > 1 && path[len - 1] == '/')
		path[--len] = 0;
	if (local_hdr_mask & LOCAL_HDR_FILE)
		flags |= MBOX_COPY_DELIVERED;
	if (local_verify(st)) {
		status = local_result(st, &a, LOCAL_SENT, "2.0.0",
		                      "delivers to maildir");
	} else if (local_been_here(st, "maildir %s", path)) {
		status = 0;
	} else {
		local_set_eugid(u.uid, u.gid);
		rc = mbox_maildir_deliver(path, st->req->fp,
		                          st->req->data_offset, flags, &info,
		                          &why);
		if (rc < 0 && errno == EACCES) {
			msg_warn("maildir access problem for UID/GID=%ld/%ld: "
			         "%s",
			         (long) u.uid, (long) u.gid,
			         vstr_str(why.text));
			msg_warn("perhaps you need to create the maildirs in "
			         "advance");
		}
		local_set_eugid(local_owner_uid, local_owner_gid);
		if (rc == 0)
			status = local_result(st, &a, LOCAL_SENT, "2.0.0",
			                      "delivered to maildir");
		else
			status = local_result_why(st, &a, &why,
			                          "maildir delivery failed: ");
	}
	xfree(path);
	vstr_free(why.text);
	return status;
}

/* local_file - append to a file named in an alias or .forward */
int
local_file(struct local_state *st, struct local_attr a, struct local_user u,
           const char *path)
{
	struct mbox_why why = {NULL, vstr_alloc(100)};
	int lock_mask = local_lock_mask;
	int status, rc;

	if (u.uid == 0) {
		u.uid = local_default_uid;
		u.gid = local_default_gid;
	}
	if (path[strlen(path) - 1] == '/') {
		vstr_free(why.text);
		return local_maildir(st, a, u, path);
	}
	if (local_been_here(st, "file %ld %s", (long) u.uid, path)) {
		vstr_free(why.text);
		return 0;
	}
	if (local_verify(st)) {
		vstr_free(why.text);
		return local_result(st, &a, LOCAL_SENT, "2.0.0",
		                    "delivers to file: %s", path);
	}
	if (lock_mask & MBOX_LOCK_DOT)
		lock_mask |= MBOX_LOCK_DOT_MAY_FAIL;
	local_set_eugid(u.uid, u.gid);
	rc = mbox_write(st, &a, path, (uid_t) -1, (gid_t) -1, lock_mask,
	                mbox_flags(), &why, false);
	local_set_eugid(local_owner_uid, local_owner_gid);
	if (rc == 0)
		status = local_result(st, &a, LOCAL_SENT, "2.0.0",
		                      "delivered to file: %s", path);
	else
		status = local_result_why(
		        st, &a, &why,
		        "cannot append message to file %s: ", path);
	vstr_free(why.text);
	return status;
}

/*
 * mailbox_cmd - mailbox_command_maps, then mailbox_command: 1 and the
 * command when one applies. Neither is $name-expanded: "$EXTENSION" and
 * friends are for the shell, from the environment.
 */
static int
mailbox_cmd(struct local_state *st, const struct local_attr *a,
            struct vstr *cmd, int *status)
{
	const char *found = NULL;
	int rc;

	if (maps_count(local_cmd_maps) > 0) {
		rc = maps_find(local_cmd_maps, a->user, MAPS_FIND_FULL, &found);
		if (rc == DICT_ERROR) {
			msg_warn("%s", maps_why(local_cmd_maps));
			*status = local_result(
			        st, a, LOCAL_DEFERRED, "4.3.0",
			        "mailbox_command_maps lookup failure");
			return -1;
		}
		if (rc != DICT_FOUND)
			found = NULL;
	}
	if (found == NULL && *var_mailbox_command)
		found = var_mailbox_command;
	if (found == NULL)
		return 0;
	vstr_cpy(cmd, found);
	return 1;
}

/* local_mailbox - deliver to the user's mailbox; false: no such user */
bool
local_mailbox(struct local_state *st, struct local_attr a, struct local_user u,
              int *status)
{
	struct passwd *pw;
	struct vstr *cmd;
	int rc;

	a.level++;
	if ((pw = getpwnam(a.user)) == NULL)
		return false;
	local_user_from_pw(st, &u, pw);
	cmd = vstr_alloc(100);
	rc = mailbox_cmd(st, &a, cmd, status);
	if (rc > 0) {
		*status = local_command(st, a, u, vstr_str(cmd));
	} else if (rc == 0 && *var_home_mailbox &&
	           var_home_mailbox[strlen(var_home_mailbox) - 1] == '/') {
		vstr_fmt(cmd, "%s/%s", u.home, var_home_mailbox);
		*status = local_maildir(st, a, u, vstr_str(cmd));
	} else if (rc == 0) {
		*status = mbox_file(st, a, u);
	}
	vstr_free(cmd);
	return true;
}

/* local_unknown - luser_relay, or the unknown user bounce */
int
local_unknown(struct local_state *st, struct local_attr a, struct local_user u)
{
	struct local_expand_in in = {a.user,         NULL,    NULL,
	                             a.rcpt.address, a.local, a.domain,
	                             a.extension,    a.delim};
	struct vstr *relay;
	int status;

	if (*var_luser_relay == 0)
		return local_result(st, &a, LOCAL_BOUNCE, "5.1.1",
		                    "unknown user: \"%s\"", a.user);
	relay = vstr_alloc(100);
	if (local_expand(relay, var_luser_relay, &in, NULL) & MAC_ERROR)
		status = local_result(st, &a, LOCAL_DEFERRED, "4.3.5",
		                      "mail system configuration error");
	else
		status = local_resolve_addr(st, a, u, vstr_str(relay));
	vstr_free(relay);
	return status;
}
