/* SPDX-License-Identifier: MIT */
/*
 * Frames a radio holds from medium_tx() to their status, recycled through
 * a free list, and each radio's four queues (one per access category).
 */
#include "frame.h"

#include <stdlib.h>

#include "util/util.h"

struct mframe *frame_alloc(struct medium *m)
{
	struct mframe *f = m->free_frames;

	if (f)
		m->free_frames = f->next;
	else
		f = xmalloc(sizeof(*f));
	f->next = NULL;
	return f;
}

void frame_free(struct medium *m, struct mframe *f)
{
	f->next = m->free_frames;
	m->free_frames = f;
}

void frame_pool_free(struct medium *m)
{
	struct mframe *f;

	while ((f = m->free_frames)) {
		m->free_frames = f->next;
		free(f);
	}
}

void frame_enqueue(struct mradio *r, struct mframe *f)
{
	f->next = NULL;
	if (r->qtail[f->ac])
		r->qtail[f->ac]->next = f;
	else
		r->qhead[f->ac] = f;
	r->qtail[f->ac] = f;
	r->qlen++;
}

static struct mframe *take_head(struct mradio *r, int ac)
{
	struct mframe *f = r->qhead[ac];

	r->qhead[ac] = f->next;
	if (!f->next)
		r->qtail[ac] = NULL;
	f->next = NULL;
	r->qlen--;
	return f;
}

struct mframe *frame_unlink(struct mradio *r, int ac, struct mframe *prev)
{
	struct mframe *f;

	if (!prev)
		return take_head(r, ac);
	f = prev->next;
	prev->next = f->next;
	if (r->qtail[ac] == f)
		r->qtail[ac] = prev;
	f->next = NULL;
	r->qlen--;
	return f;
}

void frame_requeue(struct mradio *r, struct mframe *f)
{
	f->next = r->qhead[f->ac];
	r->qhead[f->ac] = f;
	if (!f->next)
		r->qtail[f->ac] = f;
	r->qlen++;
}

struct mframe *frame_dequeue(struct mradio *r)
{
	for (int ac = MEDIUM_AC_VO; ac >= MEDIUM_AC_BK; ac--)
		if (r->qhead[ac])
			return take_head(r, ac);
	return NULL;
}

struct mframe *frame_dequeue_oldest(struct mradio *r)
{
	int oldest = -1;

	for (int ac = 0; ac < 4; ac++)
		if (r->qhead[ac] && (oldest < 0 || r->qhead[ac]->seq < r->qhead[oldest]->seq))
			oldest = ac;
	return oldest < 0 ? NULL : take_head(r, oldest);
}

void frame_drop_queue(struct medium *m, struct mradio *r)
{
	struct mframe *f;

	while ((f = frame_dequeue(r)))
		frame_free(m, f);
}
