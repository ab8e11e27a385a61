/*
 * master_ent - services from master.cf entries
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "mail_params.h"
#include "master.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

/* yes_no - a y/n/- column; "-" gives the default */
static bool
yes_no(const char *v, bool def)
{
	return strcmp(v, "-") == 0 ? def : strcmp(v, "y") == 0;
}

/* parse_wakeup - "-", "N" or "N?" */
static void
parse_wakeup(struct master_serv *s, const char *v)
{
	if (strcmp(v, "-") == 0)
		return;
	s->wakeup = (int) strtol(v, NULL, 10);
	s->cond_wake = strchr(v, '?') != NULL;
}

/* disabled - the service is listed in master_service_disable */
static bool
disabled(const char *name, const char *type)
{
	struct vstr *both;
	bool ret;

	if (*var_master_service_disable == 0)
		return false;
	both = vstr_fmt(vstr_alloc(64), "%s.%s", name, type);
	ret = list_has_word(var_master_service_disable, vstr_str(both)) ||
	      list_has_word(var_master_service_disable, type);
	vstr_free(both);
	return ret;
}

/* serv_alloc - the fields that come straight from the entry */
static struct master_serv *
serv_alloc(const char *path, const struct master_ent *ent)
{
	struct master_serv *s = xcalloc(1, sizeof(*s));
	const char *maxproc = ent->field[MF_MAXPROC];

	s->name = xstrdup(ent->field[MF_NAME]);
	s->type_name = xstrdup(ent->field[MF_TYPE]);
	if (server_type_parse(s->type_name, &s->type) < 0)
		msg_fatal("%s, line %zu: unknown service type: %s", path,
		          ent->first + 1, s->type_name);
	s->where = vstr_export(
	        vstr_fmt(vstr_alloc(64), "%s, line %zu", path, ent->first + 1));
	s->private_ = yes_no(ent->field[MF_PRIVATE], true);
	s->unpriv = yes_no(ent->field[MF_UNPRIV], true);
	s->chroot = yes_no(ent->field[MF_CHROOT], false);
	parse_wakeup(s, ent->field[MF_WAKEUP]);
	s->max_proc = strcmp(maxproc, "-") == 0
	                      ? var_default_process_limit
	                      : (int) strtol(maxproc, NULL, 10);
	s->args = argv_alloc(ent->args->argc + 1);
	for (size_t i = 0; i < ent->args->argc; i++)
		argv_add(s->args, ent->args->argv[i]);
	s->path =
	        vstr_export(vstr_fmt(vstr_alloc(64), "%s/%s",
	                             var_daemon_directory, ent->args->argv[0]));
	if (s->type != SERV_TYPE_INET)
		s->endpoint = vstr_export(
		        vstr_fmt(vstr_alloc(64), "%s/%s",
		                 s->private_ ? "private" : "public", s->name));
	s->status_fd[0] = s->status_fd[1] = -1;
	s->throttle_delay = 1;
	return s;
}

/* master_serv_free - a service without listeners or children */
struct master_serv *
master_serv_free(struct master_serv *s)
{
	xfree(s->name);
	xfree(s->type_name);
	xfree(s->where);
	xfree(s->path);
	xfree(s->endpoint);
	xfree(s->listen_fds);
	argv_free(s->args);
	return xfree(s);
}

/* master_serv_same - no configuration difference that matters */
bool
master_serv_same(const struct master_serv *a, const struct master_serv *b)
{
	if (a->private_ != b->private_ || a->unpriv != b->unpriv ||
	    a->chroot != b->chroot || a->wakeup != b->wakeup ||
	    a->cond_wake != b->cond_wake || a->max_proc != b->max_proc ||
	    strcmp(a->path, b->path) != 0 || a->args->argc != b->args->argc)
		return false;
	for (size_t i = 0; i < a->args->argc; i++)
		if (strcmp(a->args->argv[i], b->args->argv[i]) != 0)
			return false;
	return true;
}

/*
 * master_ent_load - the services of master.cf, in order. A service
 * whose program does not exist is skipped with one warning, so that a
 * master.cf naming daemons we do not have still runs the rest.
 */
struct master_serv *
master_ent_load(const char *path, unsigned *skipped)
{
	struct vstr *why = vstr_alloc(100);
	struct master_cf *mc = master_cf_read(path, why);
	struct master_serv *head = NULL;
	struct master_serv **tail = &head;

	if (mc == NULL)
		msg_fatal("%s", vstr_str(why));
	*skipped = 0;
	for (size_t i = 0; i < mc->count; i++) {
		const struct master_ent *ent = mc->ents + i;
		struct master_serv *s;

		if (disabled(ent->field[MF_NAME], ent->field[MF_TYPE]))
			continue;
		s = serv_alloc(path, ent);
		if (access(s->path, X_OK) < 0) {
			msg_warn("%s: service %s/%s: cannot execute %s: %m -- "
			         "skipping this service",
			         s->where, s->name, s->type_name, s->path);
			master_serv_free(s);
			*skipped += 1;
			continue;
		}
		*tail = s;
		tail = &s->next;
	}
	master_cf_free(mc);
	vstr_free(why);
	return head;
}
