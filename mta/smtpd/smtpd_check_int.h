#ifndef SMTPD_CHECK_INT_H
#define SMTPD_CHECK_INT_H
/*
 * NAME
 *	smtpd_check_int - internals shared by the smtpd_check*.c files
 * SUMMARY
 *	struct check_ctx *check_ctx(struct smtpd_state *state);
 *	int check_reject(struct smtpd_state *state, int err, int code,
 *	    const char *dsn, const char *fmt, ...);
 *	int check_defer_if(struct check_defer *d, int err, int code,
 *	    const char *dsn, const char *fmt, ...);
 *	int check_defer_if_permit(struct smtpd_state *state, bool act_defer,
 *	    int err, int code, const char *dsn, const char *fmt, ...);
 *	int check_dict_retry(struct smtpd_state *state, const char *name);
 *	int check_server_error(struct smtpd_state *state);
 *	int check_permit(struct eval *e, const char *action,
 *	    const char *class, const char *name, const char *table);
 *	void check_log_whatsup(struct smtpd_state *state,
 *	    const char *whatsup, const char *text);
 *	const char *check_dsn_fix(const char *status, const char *class);
 *
 *	int check_generic(struct eval *e, const struct argv *list);
 *	int check_table_result(struct eval *e, const char *table,
 *	    const char *value, const char *datum);
 *	struct maps *check_table(const char *table);
 *	struct argv *check_class(const char *name);
 *	int check_*_access(...);  (smtpd_check_access.c)
 *	int check_auth_destination(...), check_rcpt_maps(...), ...
 *	    (smtpd_check_addr.c)
 * DESCRIPTION
 *	Results of a restriction: CHECK_DUNNO (no decision), CHECK_OK
 *	(permit) or CHECK_REJECT (the reply is in check_ctx()->text and was
 *	logged). A table error or a configuration error is a rejection
 *	with a 4XX reply, so it also ends the evaluation.
 *
 *	check_reject() formats "<code> <dsn> <text>", validates it, applies
 *	warn_if_reject (logs "reject_warning" and returns CHECK_DUNNO),
 *	defer_if_reject (a 5XX becomes the saved deferral) and soft_bounce,
 *	logs the "reject:" line and returns CHECK_REJECT. The error class
 *	(CHECK_ERR_*) decides whether warn_if_reject may apply.
 *
 *	check_defer_if() remembers the first deferral of its kind and
 *	returns CHECK_DUNNO. check_defer_if_permit() does that with
 *	defer_if_permit, or rejects at once when act_defer is false or
 *	warn_if_reject is in effect.
 *
 *	check_generic() evaluates a restriction list; e names the thing
 *	checked for replies (reply_name, reply_class) and the default
 *	check_*_access for a bare "type:table".
 *
 *	check_table() is the pre-opened map list of a table named in a
 *	restriction list; check_class() a restriction class's list.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "smtpd.h"

struct argv;
struct maps;
struct vstr;

#define CHECK_DUNNO 0
#define CHECK_OK 1
#define CHECK_REJECT 2

/* Error classes (Postfix mail_error.h), for warn_if_reject. */
#define CHECK_ERR_POLICY (1 << 0)
#define CHECK_ERR_PROTOCOL (1 << 1)
#define CHECK_ERR_BOUNCE (1 << 2)
#define CHECK_ERR_SOFTWARE (1 << 3)
#define CHECK_ERR_RESOURCE (1 << 4)
#define CHECK_ERR_DATA (1 << 5)

/* What is being rejected, in replies. */
#define NAME_CLIENT "Client host"
#define NAME_REV_CLIENT "Unverified Client host"
#define NAME_HELO "Helo command"
#define NAME_SENDER "Sender address"
#define NAME_RECIPIENT "Recipient address"
#define NAME_ETRN "Etrn command"
#define NAME_DATA "Data command"
#define NAME_EOD "End-of-data"

/* Status code for sender problems that have none of their own. */
#define SND_DSN "4.1.7"

struct check_defer {
	bool active;
	int err;
	int code;
	struct vstr *dsn;
	struct vstr *reason;
};

struct check_ctx {
	struct vstr *text;  /* the reply (state->reply) */
	const char *where;  /* "RCPT", "MAIL", ... for logging */
	int recursion;      /* nesting of restriction lists */
	int warn_if_reject; /* level at which warn_if_reject applies */
	struct check_defer defer_if_permit;
	struct check_defer defer_if_reject;
	bool dip_client; /* defer_if_permit raised by client checks */
	bool dip_helo;   /* ... by HELO checks */
	bool dip_sender; /* ... by sender checks */
	bool sender_rcptmap_checked;
	bool recipient_rcptmap_checked;
	int error_mask;   /* CHECK_ERR_* of this session */
	struct argv *bcc; /* BCC actions (no field in smtpd.h yet) */
};

/* One evaluation of a restriction list. */
struct eval {
	struct smtpd_state *state;
	struct check_ctx *ctx;
	const char *reply_name;
	const char *reply_class;
	const char *def_acl; /* check_*_access for a bare table, or NULL */
};

/* smtpd_check.c */
extern struct check_ctx *check_ctx(struct smtpd_state *);
extern int check_reject(struct smtpd_state *, int, int, const char *,
                        const char *, ...)
        __attribute__((format(printf, 5, 6)));
extern int check_vreject(struct smtpd_state *, int, int, const char *,
                         const char *, va_list)
        __attribute__((format(printf, 5, 0)));
extern int check_defer_if(struct check_defer *, int, int, const char *,
                          const char *, ...)
        __attribute__((format(printf, 5, 6)));
extern int check_defer_if_permit(struct smtpd_state *, bool, int, int,
                                 const char *, const char *, ...)
        __attribute__((format(printf, 6, 7)));
extern int check_dict_retry(struct smtpd_state *, const char *);
extern int check_server_error(struct smtpd_state *);
extern bool check_tempfail_defers(const char *);
extern int check_permit(struct eval *, const char *, const char *, const char *,
                        const char *);
extern void check_log_whatsup(struct smtpd_state *, const char *, const char *);
extern const char *check_dsn_fix(const char *, const char *);
extern const char *check_dsn_split(const char *, const char *, struct vstr *);
extern struct maps *check_table(const char *);
extern struct argv *check_class(const char *);
extern struct argv *check_parse(const char *);
extern char *check_map_names(const char *);
extern void check_cleanup(void);

/* smtpd_check_rest.c */
extern int check_generic(struct eval *, const struct argv *);
extern bool check_has_required(const struct argv *, int);

/* smtpd_check_access.c */
extern int check_table_result(struct eval *, const char *, const char *,
                              const char *);
extern int check_client_access(struct eval *, const char *, const char *,
                               const char *, const char *);
extern int check_domain_access(struct eval *, const char *, const char *);
extern int check_mail_access(struct eval *, const char *, const char *);
extern int check_null_sender_access(struct eval *, const char *);

/* smtpd_check_addr.c */
extern int check_auth_destination(struct eval *, const char *);
extern int check_unauth_destination(struct eval *, const char *, int,
                                    const char *);
extern int check_rcpt_maps(struct eval *, const char *, const char *);
extern int check_recipient_rcpt_maps(struct eval *, const char *);
extern int check_sender_rcpt_maps(struct eval *, const char *);
extern int check_non_fqdn_address(struct eval *, const char *);
extern int check_invalid_hostname(struct eval *, const char *);
extern int check_invalid_hostaddr(struct eval *, const char *);
extern int check_non_fqdn_hostname(struct eval *, const char *);
extern int check_unknown_hostname(struct eval *, const char *);
extern int check_unknown_address(struct eval *, const char *);
extern void check_addr_init(void);
extern void check_addr_cleanup(void);
extern bool check_mynetworks(struct smtpd_state *, int *);

/* smtpd_check_rbl.c */
extern int check_rbl_client(struct eval *, const char *);
extern int check_rhsbl(struct eval *, const char *, const char *, const char *);
extern int check_dnswl_client(struct eval *, const char *);
extern int check_rhswl_client(struct eval *, const char *);

/* smtpd_check_pw.c */
extern void check_pw_register(void);

#endif
