/* SPDX-License-Identifier: MIT */
/*
 * A hash map from 64-bit keys to fixed-size values stored inline: open
 * addressing with linear probing, grown at three quarters full. For sparse tables
 * indexed by pairs (pinned links), where a dense N x N array would not fit.
 * Keys are any value below UINT64_MAX - 1. Pointers to values stay valid
 * until the next put or delete.
 */
#ifndef WM_UTIL_MAP64_H
#define WM_UTIL_MAP64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct map64 {
	uint64_t *keys;			/* key + 1; 0 empty, UINT64_MAX deleted */
	uint8_t *vals;
	size_t vsize;
	uint32_t cap, fill, count;	/* slots, slots not empty, live entries */
};

void map64_init(struct map64 *m, size_t vsize);
void map64_free(struct map64 *m);
/* The value of key, or NULL. */
void *map64_get(const struct map64 *m, uint64_t key);
/* The value of key, added zero-filled if it was not there. */
void *map64_put(struct map64 *m, uint64_t key);
/* Remove key: whether it was there. */
bool map64_del(struct map64 *m, uint64_t key);
void map64_clear(struct map64 *m);
/* Remove every key for which drop(key, ctx) is true. */
void map64_del_if(struct map64 *m, bool (*drop)(uint64_t key, void *ctx), void *ctx);

#endif
