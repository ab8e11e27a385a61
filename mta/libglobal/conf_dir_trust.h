#ifndef CONF_DIR_TRUST_H
#define CONF_DIR_TRUST_H
/*
 * NAME
 *	conf_dir_trust - may a set-gid command use this configuration
 *	directory?
 * SUMMARY
 *	bool conf_dir_trusted(const char *dir, struct vstr *why);
 * DESCRIPTION
 *	A set-gid command (postdrop, postqueue) must not let a user point
 *	it at a main.cf of the user's own (queue_directory, command
 *	paths), or the group privilege would serve that user. As in
 *	Postfix, conf_dir_trusted() accepts dir when it is the default
 *	/etc/postfix, when the real user is root, when the process has no
 *	set-gid or set-uid privilege at all, or when dir is listed in
 *	alternate_config_directories or multi_instance_directories of the
 *	default /etc/postfix/main.cf. Otherwise it returns false with the
 *	reason in why.
 * BUGS
 *	The lists in the default main.cf are taken literally: $name
 *	references in them are not expanded.
 */
#include <stdbool.h>

struct vstr;

extern bool conf_dir_trusted(const char *, struct vstr *)
        __attribute__((warn_unused_result));

#endif
