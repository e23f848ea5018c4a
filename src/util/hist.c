/* SPDX-License-Identifier: MIT */
#include "hist.h"

/* Bucket of v: v itself below 2 * HIST_SUB, then HIST_SUB per power of two. */
static unsigned bucket_of(uint64_t v)
{
	unsigned e;

	if (v < 2 * HIST_SUB)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);	/* 5 .. 63 */
	return 2 * HIST_SUB + (e - 5) * HIST_SUB + (unsigned)((v >> (e - 4)) & (HIST_SUB - 1));
}

/* The largest value bucket b holds. */
static uint64_t bucket_top(unsigned b)
{
	unsigned e, sub;

	if (b < 2 * HIST_SUB)
		return b;
	e = (b - 2 * HIST_SUB) / HIST_SUB + 5;
	sub = (b - 2 * HIST_SUB) % HIST_SUB;
	/* [2^e + sub * 2^(e-4), 2^e + (sub + 1) * 2^(e-4) - 1] */
	return (1ull << e) + ((uint64_t)(sub + 1) << (e - 4)) - 1;
}

void hist_add(struct hist *h, uint64_t v)
{
	h->bucket[bucket_of(v)]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	if (q < 0)
		q = 0;
	/* The smallest value with at least ceil(q * count) values at or below it. */
	rank = (uint64_t)(q * (double)h->count + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (unsigned b = 0; b < HIST_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen >= rank) {
			uint64_t top = bucket_top(b);

			return top < h->max ? top : h->max;
		}
	}
	return h->max;
}
