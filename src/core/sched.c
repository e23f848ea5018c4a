/* SPDX-License-Identifier: MIT */
#include "sched.h"

#include "util/util.h"

void sched_init(struct sched *s)
{
	s->heap = NULL;
	s->len = s->cap = 0;
	s->seq = 0;
}

void sched_deinit(struct sched *s)
{
	for (uint32_t i = 0; i < s->len; i++)
		s->heap[i]->pos = SCHED_NONE;
	free(s->heap);
	sched_init(s);
}

static inline bool before(const struct sched_event *a, const struct sched_event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline void place(struct sched *s, uint32_t i, struct sched_event *ev)
{
	s->heap[i] = ev;
	ev->pos = i;
}

static void sift_up(struct sched *s, uint32_t i)
{
	struct sched_event *ev = s->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!before(ev, s->heap[parent]))
			break;
		place(s, i, s->heap[parent]);
		i = parent;
	}
	place(s, i, ev);
}

static void sift_down(struct sched *s, uint32_t i)
{
	struct sched_event *ev = s->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= s->len)
			break;
		if (c + 1 < s->len && before(s->heap[c + 1], s->heap[c]))
			c++;
		if (!before(s->heap[c], ev))
			break;
		place(s, i, s->heap[c]);
		i = c;
	}
	place(s, i, ev);
}

void sched_add(struct sched *s, struct sched_event *ev, uint64_t time)
{
	sched_cancel(s, ev);
	if (s->len == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->heap = xreallocarray(s->heap, s->cap, sizeof(*s->heap));
	}
	ev->time = time;
	ev->seq = s->seq++;
	place(s, s->len++, ev);
	sift_up(s, s->len - 1);
}

void sched_cancel(struct sched *s, struct sched_event *ev)
{
	uint32_t i = ev->pos;
	struct sched_event *last;

	if (i == SCHED_NONE)
		return;
	ev->pos = SCHED_NONE;
	last = s->heap[--s->len];
	if (i == s->len)
		return;
	place(s, i, last);
	if (i > 0 && before(last, s->heap[(i - 1) / 2]))
		sift_up(s, i);
	else
		sift_down(s, i);
}

struct sched_event *sched_pop(struct sched *s)
{
	struct sched_event *ev = sched_peek(s);

	if (ev)
		sched_cancel(s, ev);
	return ev;
}
