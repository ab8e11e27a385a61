#ifndef ANVIL_COUNT_H
#define ANVIL_COUNT_H
/*
 * NAME
 *	anvil_count - per-client connection counts and event rates (the
 *	state behind anvil(8))
 * SUMMARY
 *	struct anvil_table *anvil_table_create(long time_unit);
 *	struct anvil_table *anvil_table_free(struct anvil_table *t);
 *	struct anvil_owner *anvil_owner_create(void);
 *	struct anvil_owner *anvil_owner_free(struct anvil_table *t,
 *	    struct anvil_owner *o);
 *	const struct anvil_remote *anvil_connect(struct anvil_table *t,
 *	    struct anvil_owner *o, const char *ident, time_t now);
 *	void anvil_disconnect(struct anvil_table *t, struct anvil_owner *o,
 *	    const char *ident);
 *	int anvil_event(struct anvil_table *t, int rate, const char *ident,
 *	    time_t now);
 *	int anvil_peek(struct anvil_table *t, int rate, const char *ident,
 *	    time_t now);
 *	const struct anvil_remote *anvil_lookup(const struct anvil_table *t,
 *	    const char *ident);
 *	size_t anvil_expire(struct anvil_table *t, time_t now);
 *	size_t anvil_size(const struct anvil_table *t);
 *	void anvil_stats(struct anvil_table *t, struct argv *lines);
 * DESCRIPTION
 *	An ident names a (service, client) pair, as "smtp:192.0.2.1"; the
 *	table does not look inside it. For each ident it keeps the number
 *	of open connections and, per ANVIL_RATE_* event kind, the number of
 *	events in the current window. A window starts at the first event
 *	and lasts time_unit seconds (anvil_rate_time_unit); the first
 *	event after it starts a new window in which every rate restarts
 *	from zero (Postfix's simple reset, which answers bursts quickly).
 *
 *	An owner is one local client of anvil (one smtpd process). The
 *	connections it registered are remembered with it, so that
 *	anvil_owner_free() drops them all when that process goes away
 *	without saying disconnect; a disconnect for an ident the owner did
 *	not connect is ignored.
 *
 *	anvil_connect() counts a connection and a connection-rate event
 *	and returns the updated entry (count and rate[ANVIL_RATE_CONN]).
 *	anvil_event() counts one event of another kind (message,
 *	recipient, new TLS session, AUTH) and returns its rate; an ident
 *	without state gets an entry with no connection. anvil_peek()
 *	returns a rate without counting (0 when unknown or expired).
 *	anvil_lookup() returns the entry or NULL.
 *
 *	anvil_expire() removes entries without connections whose window
 *	has ended (their rates would restart anyway) and returns how many.
 *
 *	anvil_stats() appends the peak values since the previous call, as
 *	anvil logs them, and resets them:
 *	  statistics: max connection rate 3/60s for (smtp:192.0.2.1) at
 *	  Nov 22 10:00:01
 *	with lines for connection rate, connection count, message rate,
 *	recipient rate, new TLS sessions, AUTH rate and the cache size,
 *	each only when it is non-zero. Times are local (ctime(3)).
 */
#include <stddef.h>
#include <time.h>

#include "argv.h"

#define ANVIL_RATE_CONN 0
#define ANVIL_RATE_MAIL 1
#define ANVIL_RATE_RCPT 2
#define ANVIL_RATE_NTLS 3
#define ANVIL_RATE_AUTH 4
#define ANVIL_RATE_COUNT 5

struct anvil_remote {
	char *ident;
	int count;                  /* open connections */
	int rate[ANVIL_RATE_COUNT]; /* events in the current window */
	time_t start;               /* start of the current window */
};

struct anvil_table;
struct anvil_owner;

extern struct anvil_table *anvil_table_create(long);
extern struct anvil_table *anvil_table_free(struct anvil_table *);
extern struct anvil_owner *anvil_owner_create(void);
extern struct anvil_owner *anvil_owner_free(struct anvil_table *,
                                            struct anvil_owner *);
extern const struct anvil_remote *
anvil_connect(struct anvil_table *, struct anvil_owner *, const char *, time_t);
extern void anvil_disconnect(struct anvil_table *, struct anvil_owner *,
                             const char *);
extern int anvil_event(struct anvil_table *, int, const char *, time_t);
extern int anvil_peek(struct anvil_table *, int, const char *, time_t);
extern const struct anvil_remote *anvil_lookup(const struct anvil_table *,
                                               const char *);
extern size_t anvil_expire(struct anvil_table *, time_t);
extern size_t anvil_size(const struct anvil_table *);
extern void anvil_stats(struct anvil_table *, struct argv *);

#endif
