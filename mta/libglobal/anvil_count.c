/*
 * anvil_count - per-client connection counts and event rates; see
 * anvil_count.h. Pure bookkeeping: the caller passes the time.
 */
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "anvil_count.h"
#include "htable.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

/* Peak slots: one per rate, then the connection count and cache size. */
#define PEAK_COUNT ANVIL_RATE_COUNT
#define PEAK_CACHE (ANVIL_RATE_COUNT + 1)
#define PEAK_SLOTS (ANVIL_RATE_COUNT + 2)

struct anvil_peak {
	int value;
	char *ident; /* NULL for the cache size */
	time_t when;
};

struct anvil_table {
	long unit;             /* anvil_rate_time_unit, seconds */
	struct htable *remote; /* ident -> struct anvil_remote */
	struct anvil_peak peak[PEAK_SLOTS];
};

struct anvil_owner {
	struct htable *conns; /* ident -> connections (long, as pointer) */
};

/* anvil_table_create - an empty table */
struct anvil_table *
anvil_table_create(long unit)
{
	struct anvil_table *t = xcalloc(1, sizeof(*t));

	t->unit = unit > 0 ? unit : 1;
	t->remote = htable_create(100);
	return t;
}

/* remote_free - htable destructor */
static void
remote_free(void *ptr)
{
	struct anvil_remote *r = ptr;

	xfree(r->ident);
	xfree(r);
}

/* anvil_table_free - destroy a table */
struct anvil_table *
anvil_table_free(struct anvil_table *t)
{
	htable_free(t->remote, remote_free);
	for (int i = 0; i < PEAK_SLOTS; i++)
		xfree(t->peak[i].ident);
	xfree(t);
	return NULL;
}

/* anvil_owner_create - a new local client */
struct anvil_owner *
anvil_owner_create(void)
{
	struct anvil_owner *o = xcalloc(1, sizeof(*o));

	o->conns = htable_create(4);
	return o;
}

/* anvil_size - number of entries */
size_t
anvil_size(const struct anvil_table *t)
{
	return t->remote->used;
}

/* peak_update - remember a new maximum */
static void
peak_update(struct anvil_table *t, int slot, int value, const char *ident,
            time_t now)
{
	struct anvil_peak *p = &t->peak[slot];

	if (value <= p->value)
		return;
	p->value = value;
	p->when = now;
	if (ident && (p->ident == NULL || strcmp(p->ident, ident) != 0)) {
		xfree(p->ident);
		p->ident = xstrdup(ident);
	}
}

/* remote_get - the entry for ident, created when missing */
static struct anvil_remote *
remote_get(struct anvil_table *t, const char *ident, time_t now)
{
	struct anvil_remote *r = htable_find(t->remote, ident);

	if (r != NULL)
		return r;
	r = xcalloc(1, sizeof(*r));
	r->ident = xstrdup(ident);
	r->start = now;
	htable_enter(t->remote, ident, r);
	peak_update(t, PEAK_CACHE, (int) t->remote->used, NULL, now);
	return r;
}

/* window_expired - has the rate window of r ended? */
static int
window_expired(const struct anvil_table *t, const struct anvil_remote *r,
               time_t now)
{
	return r->start + t->unit < now;
}

/* remote_count - one event of kind rate; returns the new rate */
static int
remote_count(struct anvil_table *t, struct anvil_remote *r, int rate,
             time_t now)
{
	if (window_expired(t, r, now)) {
		memset(r->rate, 0, sizeof(r->rate));
		r->start = now;
	}
	if (r->rate[rate] < INT_MAX)
		r->rate[rate]++;
	peak_update(t, rate, r->rate[rate], r->ident, now);
	return r->rate[rate];
}

/* anvil_connect - register a connection of owner o */
const struct anvil_remote *
anvil_connect(struct anvil_table *t, struct anvil_owner *o, const char *ident,
              time_t now)
{
	struct anvil_remote *r = remote_get(t, ident, now);
	struct htable_info *h;

	(void) remote_count(t, r, ANVIL_RATE_CONN, now);
	if (r->count < INT_MAX)
		r->count++;
	peak_update(t, PEAK_COUNT, r->count, r->ident, now);
	if ((h = htable_locate(o->conns, ident)) != NULL)
		h->value = (void *) ((long) h->value + 1);
	else
		htable_enter(o->conns, ident, (void *) 1L);
	return r;
}

/* drop - forget n connections of ident */
static void
drop(struct anvil_table *t, const char *ident, long n)
{
	struct anvil_remote *r = htable_find(t->remote, ident);

	if (r == NULL)
		return;
	r->count = r->count > n ? r->count - (int) n : 0;
}

/* anvil_disconnect - owner o closed one connection of ident */
void
anvil_disconnect(struct anvil_table *t, struct anvil_owner *o,
                 const char *ident)
{
	struct htable_info *h = htable_locate(o->conns, ident);
	long n;

	if (h == NULL)
		return;
	n = (long) h->value - 1;
	if (n > 0)
		h->value = (void *) n;
	else
		htable_delete(o->conns, ident, NULL);
	drop(t, ident, 1);
}

/* anvil_owner_free - owner o went away: drop what it left open */
struct anvil_owner *
anvil_owner_free(struct anvil_table *t, struct anvil_owner *o)
{
	struct htable_info **list = htable_list(o->conns);

	for (struct htable_info **h = list; *h; h++)
		drop(t, (*h)->key, (long) (*h)->value);
	xfree(list);
	htable_free(o->conns, NULL);
	xfree(o);
	return NULL;
}

/* anvil_event - count one event of another kind */
int
anvil_event(struct anvil_table *t, int rate, const char *ident, time_t now)
{
	if (rate < 0 || rate >= ANVIL_RATE_COUNT)
		msg_panic("%s: bad rate index %d", __func__, rate);
	return remote_count(t, remote_get(t, ident, now), rate, now);
}

/* anvil_peek - a rate, not counting */
int
anvil_peek(struct anvil_table *t, int rate, const char *ident, time_t now)
{
	const struct anvil_remote *r = htable_find(t->remote, ident);

	if (rate < 0 || rate >= ANVIL_RATE_COUNT)
		msg_panic("%s: bad rate index %d", __func__, rate);
	if (r == NULL || window_expired(t, r, now))
		return 0;
	return r->rate[rate];
}

/* anvil_lookup - the entry of ident, or NULL */
const struct anvil_remote *
anvil_lookup(const struct anvil_table *t, const char *ident)
{
	return htable_find(t->remote, ident);
}

/* anvil_expire - drop idle entries whose window has ended */
size_t
anvil_expire(struct anvil_table *t, time_t now)
{
	struct htable_info **list = htable_list(t->remote);
	size_t n = 0;

	for (struct htable_info **h = list; *h; h++) {
		struct anvil_remote *r = (*h)->value;

		if (r->count == 0 && window_expired(t, r, now)) {
			htable_delete(t->remote, (*h)->key, remote_free);
			n++;
		}
	}
	xfree(list);
	return n;
}

/* peak_line - one "statistics:" line, then reset the peak */
static void
peak_line(struct anvil_table *t, int slot, const char *what, bool rate,
          struct argv *lines)
{
	struct anvil_peak *p = &t->peak[slot];
	struct vstr *buf;
	char when[32];
	struct tm tm;

	if (p->value <= 0)
		return;
	buf = vstr_alloc(100);
	localtime_r(&p->when, &tm);
	if (strftime(when, sizeof(when), "%b %e %H:%M:%S", &tm) == 0)
		when[0] = 0;
	vstr_fmt(buf, "statistics: max %s %d", what, p->value);
	if (rate)
		vstr_fmt_append(buf, "/%lds", t->unit);
	if (p->ident)
		vstr_fmt_append(buf, " for (%s)", p->ident);
	vstr_fmt_append(buf, " at %s", when);
	argv_add(lines, vstr_str(buf));
	vstr_free(buf);
	p->value = 0;
}

/* anvil_stats - the peaks since the last call, as log lines */
void
anvil_stats(struct anvil_table *t, struct argv *lines)
{
	peak_line(t, ANVIL_RATE_CONN, "connection rate", true, lines);
	peak_line(t, PEAK_COUNT, "connection count", false, lines);
	peak_line(t, ANVIL_RATE_MAIL, "message rate", true, lines);
	peak_line(t, ANVIL_RATE_RCPT, "recipient rate", true, lines);
	peak_line(t, ANVIL_RATE_NTLS, "new TLS sessions per unit time", true,
	          lines);
	peak_line(t, ANVIL_RATE_AUTH, "auth rate", true, lines);
	peak_line(t, PEAK_CACHE, "cache size", false, lines);
}
