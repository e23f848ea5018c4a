/* SPDX-License-Identifier: MIT */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
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

	struct loop_watch timer;
	uint64_t timer_when;
	void (*timer_cb)(void *);
	void *timer_opaque;

	struct loop_watch sig;
	void (*sig_cb)(int, void *);
	void *sig_opaque;

	struct deferred *deferred;
	size_t ndeferred, deferred_cap;
};

uint64_t loop_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void timer_fired(struct loop_watch *w, uint32_t events)
{
	struct loop *l = w->opaque;
	uint64_t expirations;

	(void)events;
	if (read(w->fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return;
	l->timer_when = UINT64_MAX;
	if (l->timer_cb)
		l->timer_cb(l->timer_opaque);
}

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));
	int tfd;

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->epfd < 0 || tfd < 0) {
		if (l->epfd >= 0)
			close(l->epfd);
		if (tfd >= 0)
			close(tfd);
		free(l);
		return NULL;
	}
	l->timer.fd = -1;
	l->sig.fd = -1;
	l->timer_when = UINT64_MAX;
	if (loop_watch(l, &l->timer, tfd, EPOLLIN, timer_fired, l) < 0) {
		close(tfd);
		loop_free(l);
		return NULL;
	}
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
	if (l->timer.fd >= 0)
		close(l->timer.fd);
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
	struct itimerspec its = { 0 };

	l->timer_cb = cb;
	l->timer_opaque = opaque;
	if (when_us == l->timer_when)
		return;
	l->timer_when = when_us;
	if (when_us != UINT64_MAX) {
		/* 0 would disarm: an overdue deadline fires in the next microsecond. */
		if (when_us == 0)
			when_us = 1;
		its.it_value.tv_sec = (time_t)(when_us / 1000000u);
		its.it_value.tv_nsec = (long)(when_us % 1000000u) * 1000;
	}
	timerfd_settime(l->timer.fd, TFD_TIMER_ABSTIME, &its, NULL);
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

/* Run the callbacks of n collected events, then what they deferred. */
static void dispatch(struct loop *l, const struct epoll_event *evs, int n)
{
	l->in_round = true;
	for (int i = 0; i < n; i++) {
		struct loop_watch *w = evs[i].data.ptr;

		if (w->fd < 0)	/* unwatched earlier in this round */
			continue;
		w->cb(w, evs[i].events);
	}
	l->in_round = false;
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
		n = epoll_wait(l->epfd, evs, MAX_EVENTS, -1);
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
	int n = epoll_wait(l->epfd, evs, MAX_EVENTS, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	dispatch(l, evs, n);
	return n;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}
