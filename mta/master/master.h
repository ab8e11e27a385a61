#ifndef MASTER_H
#define MASTER_H
/*
 * NAME
 *	master - internal interfaces of the master(8) daemon
 * SUMMARY
 *	Services (one per master.cf entry), their children, and the parts:
 *	master_ent.c builds services from master.cf; master_listen.c
 *	creates and closes their listening endpoints; master_spawn.c forks
 *	children, reaps them, follows their status pipe and throttles
 *	services that fail at start-up; master_wakeup.c sends the periodic
 *	wake-up requests; master_conf.c reads the configuration and
 *	applies a reload; master_notify.c tells systemd about readiness,
 *	reloads and the stop (sd_notify, only when NOTIFY_SOCKET is set).
 */
#include <stdbool.h>
#include <sys/types.h>

#include "server_args.h"

struct argv;
struct vstr;

struct master_serv {
	char *name;      /* first column: "smtp", "127.0.0.1:2525", "qmgr" */
	char *type_name; /* second column */
	enum server_type type;
	char *where;   /* "/etc/postfix/master.cf, line 12" */
	bool private_; /* private/ or public/ for unix, fifo, pass */
	bool unpriv;
	bool chroot;
	int wakeup;        /* seconds, 0: none */
	bool cond_wake;    /* "n?": only once the service was used */
	int max_proc;      /* 0: unlimited */
	char *path;        /* daemon_directory/command */
	struct argv *args; /* the argv given to the child */
	char *endpoint;    /* socket or fifo path (unix types) */
	int *listen_fds;
	int listen_count;
	int status_fd[2]; /* read end kept, write end given to children */
	unsigned gen;
	int total_proc; /* children of this generation */
	int avail_proc; /* of which available */
	bool listening;
	bool throttled;
	int throttle_delay; /* seconds of the next throttle */
	bool wakeup_armed;
	long busy_warned; /* time of the last process limit warning */
	bool removed;     /* gone from master.cf, children still alive */
	bool mark;        /* reload bookkeeping */
	struct master_serv *next;
};

struct master_proc {
	pid_t pid;
	struct master_serv *serv;
	unsigned gen;
	bool avail;
	bool killed; /* master sent it a signal */
	unsigned use_count;
	struct master_proc *next;
};

extern struct master_serv *master_head;
extern int master_verbose_children;

/* master_ent.c */
extern struct master_serv *master_ent_load(const char *, unsigned *);
extern struct master_serv *master_serv_free(struct master_serv *);
extern bool master_serv_same(const struct master_serv *,
                             const struct master_serv *);

/* master_listen.c */
extern int master_listen_open(struct master_serv *, struct vstr *);
extern void master_listen_close(struct master_serv *);

/* master_spawn.c */
extern void master_avail_update(struct master_serv *);
extern void master_status_init(struct master_serv *);
extern void master_status_close(struct master_serv *);
extern void master_detach_children(struct master_serv *);
extern void master_kill_children(int);
extern void master_reap_children(void);
extern int master_child_count(void);
extern void master_spawn(struct master_serv *);
extern void master_serv_retire(struct master_serv *);

/* master_wakeup.c */
extern void master_wakeup_init(struct master_serv *);
extern void master_wakeup_cancel(struct master_serv *);
extern void master_wakeup_used(struct master_serv *);

/* master_conf.c */
extern void master_config_start(void);
extern void master_config_reload(void);
extern void master_config_stop(void);

/* master_notify.c */
extern void master_notify_ready(void);
extern void master_notify_reloading(void);
extern void master_notify_stopping(void);

#endif
