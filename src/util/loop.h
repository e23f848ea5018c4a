/* SPDX-License-Identifier: MIT */
/*
 * The event loop: epoll for file descriptors, one deadline (the wait's
 * timeout, to the microsecond: epoll_pwait2), signals through signalfd. Small enough to read in
 * one sitting, like Redis's ae.c.
 *
 * A watch is embedded in its owner. Unwatching inside a callback is safe:
 * events already collected for it in this round are skipped. An owner that
 * frees itself from a callback hands the memory to loop_defer_free(), which
 * runs after the round, so no stale event can reach freed memory.
 */
#ifndef WM_UTIL_LOOP_H
#define WM_UTIL_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

struct loop;
struct loop_watch;

typedef void loop_cb(struct loop_watch *w, uint32_t events);

struct loop_watch {
	int fd;			/* -1 when not watching */
	uint32_t events;
	loop_cb *cb;
	void *opaque;
};

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watch fd for EPOLLIN/EPOLLOUT...; returns 0 or -errno. */
int loop_watch(struct loop *l, struct loop_watch *w, int fd, uint32_t events, loop_cb *cb,
	       void *opaque);
int loop_rewatch(struct loop *l, struct loop_watch *w, uint32_t events);
void loop_unwatch(struct loop *l, struct loop_watch *w);

/* Free ptr with fn after the current round (at once outside a round). */
void loop_defer_free(struct loop *l, void (*fn)(void *), void *ptr);

/* Microseconds on CLOCK_MONOTONIC. */
uint64_t loop_now_us(void);
/*
 * The clock read once per phase of the loop: the first call in a round
 * (or between rounds) reads it, later ones in the same phase get that
 * reading again. A clock reading is a system call under UML: messages
 * that arrived together need one between them, not one each.
 */
uint64_t loop_time_us(struct loop *l);

/* Arm the timer for the monotonic time `when` (UINT64_MAX: disarm); cb runs then. */
void loop_set_timer(struct loop *l, uint64_t when_us, void (*cb)(void *), void *opaque);

/* Signals: block them and deliver to cb(signo) from the loop. */
int loop_signals(struct loop *l, const int *signals, int n, void (*cb)(int, void *), void *opaque);

/* Run rounds until loop_stop(); returns 0. before_wait runs before each sleep. */
int loop_run(struct loop *l, void (*before_wait)(void *), void *opaque);
void loop_stop(struct loop *l);

/*
 * One round without loop_run(): wait up to timeout_ms (0: not at all, -1:
 * forever) for events, run their callbacks and what they deferred. Returns
 * the number of events handled, or -errno. For tests and fuzzers that must
 * not block; the caller does what loop_run()'s before_wait would.
 */
int loop_run_once(struct loop *l, int timeout_ms);

#endif
