#ifndef LOCAL_H
#define LOCAL_H
/*
 * NAME
 *	local - internal interfaces of the local delivery agent
 * SUMMARY
 *	Delivery state, passed down the expansion tree:
 *	struct local_state (per request), struct local_attr (per
 *	recipient and expansion level, copied by value so that a deeper
 *	level cannot change what a shallower one sees) and struct
 *	local_user (whose rights a command or file delivery uses).
 *
 *	Every delivery function returns 0 when it reached a final result
 *	(delivered or bounced) and LOCAL_DEFER when it deferred; results
 *	are recorded with local_result() and reported per top-level
 *	recipient by local_results_flush().
 * DESCRIPTION
 *	local.c		server loop, request and recipient bookkeeping
 *	local_recipient.c	address split, loop checks, delivery switch
 *	local_alias.c	alias_maps expansion, owner- aliases
 *	local_token.c	alias/forward/include list items; resolving
 *	local_forward.c	$HOME/.forward files, resubmission to cleanup
 *	local_mailbox.c	mbox, Maildir and file deliveries
 *	local_command.c	pipe to a command, with the time limit
 *	local_util.c	pure helpers (extension, environment, exit status,
 *			$name expansion, privileges) that unit tests include
 */
#include <stdbool.h>
#include <sys/types.h>

#include "deliver_request.h"
#include "htable.h"
#include "mbox_open.h"

struct argv;
struct maps;
struct passwd;
struct vstr;

#define LOCAL_DEFER 1

/* Expansion classes, as allow_mail_to_commands/files name them. */
#define LOCAL_EXP_NONE 0
#define LOCAL_EXP_ALIAS (1 << 0)
#define LOCAL_EXP_FORWARD (1 << 1)
#define LOCAL_EXP_INCLUDE (1 << 2)

/* prepend_delivered_header classes. */
#define LOCAL_HDR_COMMAND (1 << 0)
#define LOCAL_HDR_FILE (1 << 1)
#define LOCAL_HDR_FORWARD (1 << 2)

#define LOCAL_LEVEL_LIMIT 100

enum local_kind { LOCAL_SENT, LOCAL_BOUNCE, LOCAL_DEFERRED };

struct local_result {
	struct recipient rcpt; /* owned copies of the strings */
	enum local_kind kind;
	char *dsn;
	char *reason;
};

struct local_state {
	struct deliver_request *req;
	const char *service; /* master.cf name: relay=, and "is it us" */
	struct htable *dup;  /* duplicate filter, per top-level recipient */
	struct htable *loop; /* Delivered-To values in the message */
	struct local_result *res;
	size_t nres, cap;
	struct argv *pool; /* strings kept until the recipient is done */
};

struct local_user {
	uid_t uid; /* 0: use default_privs for commands and files */
	gid_t gid;
	const char *home;
	const char *shell;
};

struct local_attr {
	struct recipient rcpt; /* address at this level; top-level offset */
	const char *sender;    /* envelope sender (owner- after a list) */
	const char *owner;     /* owner- or .forward user, else NULL */
	const char *delivered; /* Delivered-To value */
	const char *exp_from;  /* alias name we expanded */
	int exp_type;          /* LOCAL_EXP_* */
	int level;
	bool no_alias; /* "\user": mailbox, no alias or .forward */
	/* Set by local_deliver_recipient(). */
	const char *local;     /* localpart, folded */
	const char *user;      /* localpart without extension */
	const char *extension; /* NULL when none */
	const char *delim;     /* delimiter found, "" when none */
	const char *domain;    /* NULL when none */
};

/* Configuration prepared at start-up (local.c). */
extern struct maps *local_alias_maps;
extern struct maps *local_cmd_maps;
extern int local_lock_mask;
extern int local_cmd_mask;
extern int local_file_mask;
extern int local_hdr_mask;
extern uid_t local_owner_uid, local_default_uid;
extern gid_t local_owner_gid, local_default_gid;

/* local.c */
extern int local_result(struct local_state *, const struct local_attr *,
                        enum local_kind, const char *, const char *, ...)
        __attribute__((format(printf, 5, 6)));
extern int local_result_why(struct local_state *, const struct local_attr *,
                            const struct mbox_why *, const char *, ...)
        __attribute__((format(printf, 4, 5)));
extern bool local_been_here(struct local_state *, const char *, ...)
        __attribute__((format(printf, 2, 3)));
extern bool local_verify(const struct local_state *);

/* local_recipient.c */
extern int local_deliver_recipient(struct local_state *, struct local_attr,
                                   struct local_user);

/* local_alias.c */
extern bool local_alias(struct local_state *, struct local_attr,
                        struct local_user, const char *, int *);

/* local_token.c */
extern int local_tokens(struct local_state *, struct local_attr,
                        struct local_user, const char *, int *);
extern int local_resolve_addr(struct local_state *, struct local_attr,
                              struct local_user, const char *);
extern void local_user_from_pw(struct local_state *, struct local_user *,
                               const struct passwd *);
extern const char *local_save(struct local_state *, const char *);

/* local_forward.c */
extern bool local_forward(struct local_state *, struct local_attr,
                          struct local_user, int *);
extern int local_indirect(struct local_state *, struct local_attr);

/* local_mailbox.c */
extern bool local_mailbox(struct local_state *, struct local_attr,
                          struct local_user, int *);
extern int local_file(struct local_state *, struct local_attr,
                      struct local_user, const char *);
extern int local_maildir(struct local_state *, struct local_attr,
                         struct local_user, const char *);
extern int local_unknown(struct local_state *, struct local_attr,
                         struct local_user);

/* local_command.c */
extern int local_command(struct local_state *, struct local_attr,
                         struct local_user, const char *);

/* local_util.c */
struct local_env_in {
	const char *home, *shell, *user, *sender, *recipient, *local;
	const char *domain, *extension, *orig_rcpt;
	const char *client_name, *client_addr, *client_helo, *client_proto;
	const char *sasl_method, *sasl_username;
};

struct local_expand_in {
	const char *user, *home, *shell, *recipient, *local, *domain;
	const char *extension, *delim;
};

#define LOCAL_PIPE_OK 0
#define LOCAL_PIPE_BOUNCE 1
#define LOCAL_PIPE_DEFER 2

extern size_t local_split_ext(const char *, const char *, const char **);
extern struct argv *local_env(const struct local_env_in *, const char *);
extern int local_exit_status(int, bool, const char *, const char *,
                             struct mbox_why *);
extern int local_expand(struct vstr *, const char *,
                        const struct local_expand_in *, const char *);
extern int local_class_mask(const char *, const char *, struct vstr *);
extern void local_set_eugid(uid_t, gid_t);
extern void local_filter(char *, const char *);

#endif
