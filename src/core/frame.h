/* SPDX-License-Identifier: MIT */
/* Frames a radio holds, and its queues (frame.c). */
#ifndef WM_CORE_FRAME_H
#define WM_CORE_FRAME_H

#include "core/medium_int.h"

struct mframe *frame_alloc(struct medium *m);
void frame_free(struct medium *m, struct mframe *f);
void frame_pool_free(struct medium *m);
/* Queue f at r in its access category. */
void frame_enqueue(struct mradio *r, struct mframe *f);
/* The next frame r serves: the head of its highest non-empty access category, or NULL. */
struct mframe *frame_dequeue(struct mradio *r);
/* Take the frame after prev (the head if prev is NULL) out of r's queue of ac. */
struct mframe *frame_unlink(struct mradio *r, int ac, struct mframe *prev);
/* Put f back at the head of its queue: an MPDU of an A-MPDU to send again. */
void frame_requeue(struct mradio *r, struct mframe *f);
/* The oldest frame queued at r, taken off its queue, or NULL. */
struct mframe *frame_dequeue_oldest(struct mradio *r);
/* Free every frame queued at r, without a status. */
void frame_drop_queue(struct medium *m, struct mradio *r);

#endif
