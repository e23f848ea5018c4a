/* SPDX-License-Identifier: MIT */
/*
 * A histogram of non-negative integers (microseconds, say) with a relative
 * error of at most 1/16: values below 32 exactly, larger ones in 16 steps
 * per power of two. Fixed size, no allocation; adding is a few shifts.
 */
#ifndef WM_UTIL_HIST_H
#define WM_UTIL_HIST_H

#include <stdint.h>

#define HIST_SUB 16
#define HIST_BUCKETS (2 * HIST_SUB + (64 - 5) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t max;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_add(struct hist *h, uint64_t v);
/*
 * The value below which a share q (0..1) of the values lie: the upper end
 * of the bucket holding it, never above the largest value seen; 0 when
 * empty.
 */
uint64_t hist_quantile(const struct hist *h, double q);

#endif
