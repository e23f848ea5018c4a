/* SPDX-License-Identifier: MIT */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

#define MAX_EVENTS 64

struct deferred {
	void (*fn)(void *);
	void *ptr;
};

struct loop {
	int epfd;
	bool stop;
	bool in_round;

	uint64_t timer_when;		/* the deadline the wait ends at; UINT64_MAX none */
	bool no_pwait2;			/* a kernel before 5.11: waits in milliseconds */
	bool timed_out;			/* the last wait ended at the deadline */
	void (*timer_cb)(void *);
	void *timer_opaque;

	struct loop_watch sig;
	void (*sig_cb)(int, void *);
	void *sig_opaque;

	struct deferred *deferred;
	size_t ndeferred, deferred_cap;

	bool have_time;			/* time holds this phase's clock reading */
	uint64_t time;
};

uint64_t loop_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t loop_time_us(struct loop *l)
{
	if (!l->have_time) {
		l->time = loop_now_us();
		l->have_time = true;
	}
	return l->time;
}

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	l->sig.fd = -1;
	l->timer_when = UINT64_MAX;
	/*
	 * Deadlines are the wait's timeout: without this a sleep may overrun
	 * by the default 50 us of timer slack, which is longer than a slot.
	 */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	return l;
}

static void run_deferred(struct loop *l)
{
	/* fn may defer more: take the list as it grows. */
	for (size_t i = 0; i < l->ndeferred; i++)
		l->deferred[i].fn(l->deferred[i].ptr);
	l->ndeferred = 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	run_deferred(l);
	if (l->sig.fd >= 0)
		close(l->sig.fd);
	close(l->epfd);
	free(l->deferred);
	free(l);
}

int loop_watch(struct loop *l, struct loop_watch *w, int fd, uint32_t events, loop_cb *cb,
	       void *opaque)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	w->fd = fd;
	w->events = events;
	w->cb = cb;
	w->opaque = opaque;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		w->fd = -1;
		return -errno;
	}
	return 0;
}

int loop_rewatch(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (w->fd < 0)
		return -EBADF;
	if (events == w->events)
		return 0;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
		return -errno;
	w->events = events;
	return 0;
}

void loop_unwatch(struct loop *l, struct loop_watch *w)
{
	if (w->fd < 0)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->fd = -1;
}

void loop_defer_free(struct loop *l, void (*fn)(void *), void *ptr)
{
	if (!l->in_round) {
		fn(ptr);
		return;
	}
	if (l->ndeferred == l->deferred_cap) {
		l->deferred_cap = l->deferred_cap ? 2 * l->deferred_cap : 16;
		l->deferred = xreallocarray(l->deferred, l->deferred_cap, sizeof(*l->deferred));
	}
	l->deferred[l->ndeferred++] = (struct deferred){ fn, ptr };
}

void loop_set_timer(struct loop *l, uint64_t when_us, void (*cb)(void *), void *opaque)
{
	l->timer_cb = cb;
	l->timer_opaque = opaque;
	l->timer_when = when_us;
}

static void signal_fired(struct loop_watch *w, uint32_t events)
{
	struct loop *l = w->opaque;
	struct signalfd_siginfo si;

	(void)events;
	while (read(w->fd, &si, sizeof(si)) == sizeof(si))
		l->sig_cb((int)si.ssi_signo, l->sig_opaque);
}

int loop_signals(struct loop *l, const int *signals, int n, void (*cb)(int, void *), void *opaque)
{
	sigset_t set;
	int fd, ret;

	sigemptyset(&set);
	for (int i = 0; i < n; i++)
		sigaddset(&set, signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	l->sig_cb = cb;
	l->sig_opaque = opaque;
	ret = loop_watch(l, &l->sig, fd, EPOLLIN, signal_fired, l);
	if (ret < 0)
		close(fd);
	return ret;
}

/*
 * Wait for events, at most max_us (-1: no limit) and no later than the
 * timer's deadline: the deadline is the wait's timeout, so a timer costs no
 * system call of its own.
 */
static int wait_events(struct loop *l, struct epoll_event *evs, int64_t max_us)
{
	int64_t us = max_us;
	bool by_timer = false;
	int n = 0;

	if (l->timer_when != UINT64_MAX) {
		uint64_t now = loop_now_us();
		int64_t left = l->timer_when > now ? (int64_t)(l->timer_when - now) : 0;

		if (us < 0 || left <= us) {
			us = left;
			by_timer = true;
		}
	}
	if (!l->no_pwait2) {
		struct timespec ts = { .tv_sec = (time_t)(us / 1000000), .tv_nsec = (long)(us % 1000000) * 1000 };

		n = epoll_pwait2(l->epfd, evs, MAX_EVENTS, us < 0 ? NULL : &ts, NULL);
		if (n < 0 && errno == ENOSYS)
			l->no_pwait2 = true;
	}
	if (l->no_pwait2)
		n = epoll_wait(l->epfd, evs, MAX_EVENTS, us < 0 ? -1 : (int)((us + 999) / 1000));
	l->timed_out = n == 0 && by_timer;
	return n;
}

/* Run the callbacks of n collected events and of the timer if it is due, then what they deferred. */
static void dispatch(struct loop *l, const struct epoll_event *evs, int n)
{
	l->in_round = true;
	l->have_time = false;
	for (int i = 0; i < n; i++) {
		struct loop_watch *w = evs[i].data.ptr;

		if (w->fd < 0)	/* unwatched earlier in this round */
			continue;
		w->cb(w, evs[i].events);
	}
	/* A wait that timed out at the deadline needs no look at the clock. */
	if (l->timer_when != UINT64_MAX && (l->timed_out || loop_time_us(l) >= l->timer_when)) {
		l->timer_when = UINT64_MAX;
		if (l->timer_cb)
			l->timer_cb(l->timer_opaque);
	}
	l->in_round = false;
	l->have_time = false;
	run_deferred(l);
}

int loop_run(struct loop *l, void (*before_wait)(void *), void *opaque)
{
	struct epoll_event evs[MAX_EVENTS];

	l->stop = false;
	while (!l->stop) {
		int n;

		if (before_wait)
			before_wait(opaque);
		if (l->stop)
			break;
		n = wait_events(l, evs, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		dispatch(l, evs, n);
	}
	return 0;
}

int loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event evs[MAX_EVENTS];
	int n = wait_events(l, evs, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	dispatch(l, evs, n);
	return n;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}
