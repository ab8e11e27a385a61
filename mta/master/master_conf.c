/*
 * master_conf - start the services of master.cf, and apply a reload
 */
#include <string.h>

#include "events.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "master.h"
#include "msg.h"
#include "mymalloc.h"
#include "postlog_client.h"
#include "vstr.h"

struct master_serv *master_head;

/* master_cf_path - DIR/master.cf; caller frees */
static char *
master_cf_path(void)
{
	return vstr_export(
	        vstr_fmt(vstr_alloc(64), "%s/master.cf", mail_conf_dir()));
}

/* start_service - endpoints, status pipe, wake-ups; -1 and why when
 * an endpoint cannot be created */
static int
start_service(struct master_serv *s, struct vstr *why)
{
	if (master_listen_open(s, why) < 0)
		return -1;
	master_status_init(s);
	master_wakeup_init(s);
	master_avail_update(s);
	return 0;
}

/* master_config_start - every service of master.cf, at start-up */
void
master_config_start(void)
{
	char *path = master_cf_path();
	unsigned skipped;
	struct master_serv *list = master_ent_load(path, &skipped);
	struct vstr *why = vstr_alloc(100);

	for (struct master_serv *s = list; s; s = s->next)
		if (start_service(s, why) < 0)
			msg_fatal("%s", vstr_str(why));
	master_head = list;
	xfree(path);
	vstr_free(why);
}

/* find_serv - a service by name and type, NULL when none */
static struct master_serv *
find_serv(struct master_serv *list, const struct master_serv *want)
{
	for (struct master_serv *s = list; s; s = s->next)
		if (strcmp(s->name, want->name) == 0 &&
		    strcmp(s->type_name, want->type_name) == 0)
			return s;
	return NULL;
}

/* take_config - old keeps its endpoints, gets the new settings */
static void
take_config(struct master_serv *old, struct master_serv *new)
{
#define SWAP(type, a, b)                                                       \
	do {                                                                   \
		type tmp_ = (a);                                               \
		(a) = (b);                                                     \
		(b) = tmp_;                                                    \
	} while (0)
	SWAP(char *, old->where, new->where);
	SWAP(char *, old->path, new->path);
	SWAP(struct argv *, old->args, new->args);
	old->unpriv = new->unpriv;
	old->chroot = new->chroot;
	old->wakeup = new->wakeup;
	old->cond_wake = new->cond_wake;
	old->max_proc = new->max_proc;
#undef SWAP
}

/*
 * recycle - a service that stays: its children finish their client and
 * exit (their status pipe is closed), new ones start with the new
 * configuration, as after a Postfix reload.
 */
static void
recycle(struct master_serv *old, struct master_serv *new)
{
	master_wakeup_cancel(old);
	master_status_close(old);
	master_detach_children(old);
	take_config(old, new);
	old->throttled = false;
	old->throttle_delay = 1;
	for (int i = 0; old->listening && i < old->listen_count; i++)
		event_disable_readwrite(old->listen_fds[i]);
	old->listening = false;
	master_status_init(old);
	master_wakeup_init(old);
	master_avail_update(old);
}

/* unlink_serv - take s out of the master_head list */
static void
unlink_serv(struct master_serv *s)
{
	for (struct master_serv **sp = &master_head; *sp; sp = &(*sp)->next)
		if (*sp == s) {
			*sp = s->next;
			s->next = NULL;
			return;
		}
}

/* reload_one - a service of the new master.cf: keep, replace or add */
static struct master_serv *
reload_one(struct master_serv *n)
{
	struct master_serv *old = find_serv(master_head, n);

	if (old && old->endpoint && n->endpoint &&
	    strcmp(old->endpoint, n->endpoint) != 0) {
		unlink_serv(old);
		master_serv_retire(old);
		old = NULL;
	}
	if (old == NULL) {
		struct vstr *why = vstr_alloc(100);

		if (start_service(n, why) < 0) {
			msg_warn("%s -- skipping this service", vstr_str(why));
			n = master_serv_free(n);
		}
		vstr_free(why);
		return n;
	}
	unlink_serv(old);
	recycle(old, n);
	master_serv_free(n);
	return old;
}

/* master_config_reload - main.cf and master.cf again (SIGHUP) */
void
master_config_reload(void)
{
	struct vstr *why = vstr_alloc(100);
	char *path = master_cf_path();
	unsigned skipped;
	struct master_serv *list;
	struct master_serv *result = NULL;
	struct master_serv **tail = &result;
	bool explicit;
	const char *dir = mail_conf_dir_choose(NULL, &explicit);

	if (mail_conf_load(dir, explicit, why) < 0 ||
	    mail_params_init(why) < 0) {
		msg_warn("%s -- configuration not reloaded", vstr_str(why));
		goto out;
	}
	(void) postlog_client_init("master", "public/postlog", true, why);
	list = master_ent_load(path, &skipped);
	while (list) {
		struct master_serv *n = list;
		struct master_serv *kept;

		list = n->next;
		n->next = NULL;
		if ((kept = reload_one(n)) != NULL) {
			*tail = kept;
			tail = &kept->next;
		}
	}
	while (master_head) {
		struct master_serv *gone = master_head;

		unlink_serv(gone);
		master_serv_retire(gone);
	}
	master_head = result;
out:
	xfree(path);
	vstr_free(why);
}
