/* SPDX-License-Identifier: MIT */
/*
 * The event queue: an indexed binary min-heap of intrusive events, ordered
 * by (time, insertion sequence) so that events due at the same microsecond
 * run in the order they were scheduled — which keeps runs deterministic.
 * Events can be cancelled or moved in O(log n).
 */
#ifndef WM_CORE_SCHED_H
#define WM_CORE_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_NONE UINT32_MAX

struct sched_event {
	uint64_t time;
	uint64_t seq;
	uint32_t pos;		/* index in the heap, SCHED_NONE when not queued */
	int tag;		/* the owner's: what kind of object holds this event */
};

struct sched {
	struct sched_event **heap;
	uint32_t len, cap;
	uint64_t seq;
};

void sched_init(struct sched *s);
void sched_deinit(struct sched *s);

static inline void sched_event_init(struct sched_event *ev)
{
	ev->pos = SCHED_NONE;
}

static inline bool sched_queued(const struct sched_event *ev)
{
	return ev->pos != SCHED_NONE;
}

/* Queue ev at time; if it is queued already it moves. */
void sched_add(struct sched *s, struct sched_event *ev, uint64_t time);
/* Remove ev if queued. */
void sched_cancel(struct sched *s, struct sched_event *ev);
/* Earliest event, or NULL. */
static inline struct sched_event *sched_peek(const struct sched *s)
{
	return s->len ? s->heap[0] : NULL;
}
/* Remove and return the earliest event, or NULL. */
struct sched_event *sched_pop(struct sched *s);

#endif
