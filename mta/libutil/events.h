#ifndef EVENTS_H
#define EVENTS_H
/*
 * NAME
 *	events - the single-threaded event loop (epoll)
 * SUMMARY
 *	typedef void (*event_fn)(int event, void *ctx);
 *	void event_enable_read(int fd, event_fn fn, void *ctx);
 *	void event_enable_write(int fd, event_fn fn, void *ctx);
 *	void event_disable_readwrite(int fd);
 *	void event_request_timer(event_fn fn, void *ctx, int seconds);
 *	void event_request_timer_ms(event_fn fn, void *ctx, long ms);
 *	int event_cancel_timer(event_fn fn, void *ctx);
 *	void event_loop(int max_wait);
 *	time_t event_time(void);
 * DESCRIPTION
 *	event_loop() waits at most max_wait seconds (-1: until something
 *	happens) and calls the handlers of the descriptors that are ready
 *	(event EVENT_READ, EVENT_WRITE, or EVENT_XCPT for errors and
 *	hang-ups) and of the timers that are due (EVENT_TIME), then
 *	returns. Callers loop: for (;;) event_loop(-1);
 *	A timer is identified by (fn, ctx); requesting it again moves it.
 *	Handlers may enable, disable and request anything, including for
 *	the descriptor or timer being handled.
 */
#include <time.h>

#define EVENT_READ (1 << 0)
#define EVENT_WRITE (1 << 1)
#define EVENT_XCPT (1 << 2)
#define EVENT_TIME (1 << 3)

typedef void (*event_fn)(int, void *);

extern void event_enable_read(int, event_fn, void *);
extern void event_enable_write(int, event_fn, void *);
extern void event_disable_readwrite(int);
extern void event_request_timer(event_fn, void *, int);
extern void event_request_timer_ms(event_fn, void *, long);
extern int event_cancel_timer(event_fn, void *);
extern void event_loop(int);
extern time_t event_time(void);

#endif
