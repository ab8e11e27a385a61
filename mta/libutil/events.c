/*
 * events - the single-threaded event loop: epoll for descriptors, a
 * sorted list for timers (processes have a handful of them).
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "msg.h"
#include "mymalloc.h"

struct fd_slot {
	event_fn rfn;
	void *rctx;
	event_fn wfn;
	void *wctx;
	unsigned mask; /* EVENT_READ | EVENT_WRITE registered with epoll */
};

struct timer {
	event_fn fn;
	void *ctx;
	long long due_ms;   /* monotonic milliseconds */
	unsigned long seq;  /* request order, to defer re-requested timers */
	struct timer *next; /* sorted by due_ms, then seq */
};

static int epoll_fd = -1;
static struct fd_slot *slots;
static size_t slot_count;
static struct timer *timers;
static unsigned long timer_seq;
static time_t event_present;

/* now_ms - monotonic clock in milliseconds */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* event_init - create the epoll descriptor on first use */
static void
event_init(void)
{
	if (epoll_fd >= 0)
		return;
	if ((epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		msg_fatal("epoll_create1: %m");
	event_present = time(NULL);
}

/* slot_get - the slot of fd, growing the table */
static struct fd_slot *
slot_get(int fd)
{
	if (fd < 0)
		msg_panic("%s: bad file descriptor %d", __func__, fd);
	if ((size_t) fd >= slot_count) {
		size_t n = slot_count ? slot_count : 64;

		while (n <= (size_t) fd)
			n = size_mul(n, 2);
		slots = xreallocarray(slots, n, sizeof(*slots));
		memset(slots + slot_count, 0,
		       (n - slot_count) * sizeof(*slots));
		slot_count = n;
	}
	return slots + fd;
}

/* slot_update - tell epoll what the slot now wants */
static void
slot_update(int fd, struct fd_slot *s, unsigned want)
{
	struct epoll_event ev;
	int op;

	if (want == s->mask)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.data.fd = fd;
	ev.events = ((want & EVENT_READ) ? EPOLLIN : 0u) |
	            ((want & EVENT_WRITE) ? EPOLLOUT : 0u);
	op = want == 0      ? EPOLL_CTL_DEL
	     : s->mask == 0 ? EPOLL_CTL_ADD
	                    : EPOLL_CTL_MOD;
	if (epoll_ctl(epoll_fd, op, fd, &ev) < 0) {
		/* A descriptor closed before it was disabled is gone. */
		if (op == EPOLL_CTL_DEL && (errno == EBADF || errno == ENOENT))
			;
		else if (op == EPOLL_CTL_ADD && errno == EEXIST)
			(void) epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &ev);
		else
			msg_fatal("epoll_ctl fd %d: %m", fd);
	}
	s->mask = want;
}

/* event_enable_read - call fn when fd is readable */
void
event_enable_read(int fd, event_fn fn, void *ctx)
{
	struct fd_slot *s;

	event_init();
	s = slot_get(fd);
	s->rfn = fn;
	s->rctx = ctx;
	slot_update(fd, s, s->mask | EVENT_READ);
}

/* event_enable_write - call fn when fd is writable */
void
event_enable_write(int fd, event_fn fn, void *ctx)
{
	struct fd_slot *s;

	event_init();
	s = slot_get(fd);
	s->wfn = fn;
	s->wctx = ctx;
	slot_update(fd, s, s->mask | EVENT_WRITE);
}

/* event_disable_readwrite - forget fd */
void
event_disable_readwrite(int fd)
{
	struct fd_slot *s;

	event_init();
	if (fd < 0 || (size_t) fd >= slot_count)
		return;
	s = slots + fd;
	slot_update(fd, s, 0);
	memset(s, 0, sizeof(*s));
}

/* timer_unlink - remove the timer (fn, ctx); return it or NULL */
static struct timer *
timer_unlink(event_fn fn, void *ctx)
{
	for (struct timer **tp = &timers; *tp; tp = &(*tp)->next) {
		if ((*tp)->fn == fn && (*tp)->ctx == ctx) {
			struct timer *t = *tp;

			*tp = t->next;
			return t;
		}
	}
	return NULL;
}

/* event_request_timer_ms - call fn once after ms milliseconds */
void
event_request_timer_ms(event_fn fn, void *ctx, long ms)
{
	struct timer *t = timer_unlink(fn, ctx);
	struct timer **tp;

	event_init();
	if (t == NULL)
		t = xmalloc(sizeof(*t));
	t->fn = fn;
	t->ctx = ctx;
	t->due_ms = now_ms() + (ms > 0 ? ms : 0);
	t->seq = ++timer_seq;
	for (tp = &timers; *tp && (*tp)->due_ms <= t->due_ms; tp = &(*tp)->next)
		;
	t->next = *tp;
	*tp = t;
}

/* event_request_timer - call fn once after seconds */
void
event_request_timer(event_fn fn, void *ctx, int seconds)
{
	event_request_timer_ms(fn, ctx, seconds > 0 ? seconds * 1000L : 0);
}

/* event_cancel_timer - forget the timer; 1 if it existed */
int
event_cancel_timer(event_fn fn, void *ctx)
{
	struct timer *t = timer_unlink(fn, ctx);

	xfree(t);
	return t != NULL;
}

/* event_time - the time of the last wake-up of the loop */
time_t
event_time(void)
{
	if (event_present == 0)
		event_present = time(NULL);
	return event_present;
}

/* wait_ms - how long epoll_wait may sleep */
static int
wait_ms(int max_wait)
{
	long long limit = max_wait < 0 ? -1 : (long long) max_wait * 1000;

	if (timers) {
		long long left = timers->due_ms - now_ms();

		if (left < 0)
			left = 0;
		if (limit < 0 || left < limit)
			limit = left;
	}
	return limit > 1000000000LL ? 1000000000 : (int) limit;
}

/* run_timers - call the timers that are due, not those re-requested */
static void
run_timers(void)
{
	unsigned long last = timer_seq;
	long long now = now_ms();
	struct timer *t;

	for (;;) {
		struct timer **tp = &timers;

		while (*tp && (*tp)->due_ms <= now && (*tp)->seq > last)
			tp = &(*tp)->next;
		if ((t = *tp) == NULL || t->due_ms > now)
			break;
		*tp = t->next;
		event_fn fn = t->fn;
		void *ctx = t->ctx;

		xfree(t);
		fn(EVENT_TIME, ctx);
	}
}

/* dispatch - call the handler of one ready descriptor */
static void
dispatch(const struct epoll_event *ev)
{
	int fd = ev->data.fd;
	struct fd_slot *s;

	if (fd < 0 || (size_t) fd >= slot_count)
		return;
	s = slots + fd;
	if ((ev->events & EPOLLIN) && (s->mask & EVENT_READ))
		s->rfn(EVENT_READ, s->rctx);
	else if ((ev->events & (EPOLLERR | EPOLLHUP)) && (s->mask & EVENT_READ))
		s->rfn(EVENT_XCPT, s->rctx);
	/* The read handler may have disabled or replaced the descriptor. */
	s = slots + fd;
	if ((ev->events & EPOLLOUT) && (s->mask & EVENT_WRITE))
		s->wfn(EVENT_WRITE, s->wctx);
	else if ((ev->events & (EPOLLERR | EPOLLHUP)) &&
	         (s->mask & EVENT_WRITE) && !(s->mask & EVENT_READ))
		s->wfn(EVENT_XCPT, s->wctx);
}

/* event_loop - wait at most max_wait seconds, run what is ready */
void
event_loop(int max_wait)
{
	struct epoll_event evs[64];
	int n;

	event_init();
	n = epoll_wait(epoll_fd, evs, 64, wait_ms(max_wait));
	if (n < 0 && errno != EINTR)
		msg_fatal("epoll_wait: %m");
	event_present = time(NULL);
	run_timers();
	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd;

		/* A handler may have disabled a later descriptor. */
		if (fd >= 0 && (size_t) fd < slot_count && slots[fd].mask)
			dispatch(evs + i);
	}
}
