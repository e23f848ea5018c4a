/* SPDX-License-Identifier: MIT */
#include "map64.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define M64_EMPTY 0
#define M64_DELETED UINT64_MAX

static uint32_t m64_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

void map64_init(struct map64 *m, size_t vsize)
{
	*m = (struct map64){ .vsize = vsize };
}

void map64_free(struct map64 *m)
{
	free(m->keys);
	free(m->vals);
	map64_init(m, m->vsize);
}

void map64_clear(struct map64 *m)
{
	if (m->keys)
		memset(m->keys, 0, m->cap * sizeof(*m->keys));
	m->fill = m->count = 0;
}

/* Slot of key, or of the first empty slot on its probe path (-1 when the table is empty). */
static int64_t m64_find(const struct map64 *m, uint64_t key, bool *found)
{
	uint64_t k = key + 1;
	uint32_t mask = m->cap - 1;

	*found = false;
	if (!m->cap)
		return -1;
	for (uint32_t i = m64_hash(key) & mask;; i = (i + 1) & mask) {
		if (m->keys[i] == M64_EMPTY)
			return i;
		if (m->keys[i] == k) {
			*found = true;
			return i;
		}
	}
}

static void m64_rebuild(struct map64 *m, uint32_t cap)
{
	struct map64 old = *m;

	m->cap = cap;
	m->keys = xcalloc(cap, sizeof(*m->keys));
	m->vals = xcalloc(cap, m->vsize);
	m->fill = m->count = 0;
	for (uint32_t i = 0; i < old.cap; i++) {
		if (old.keys[i] == M64_EMPTY || old.keys[i] == M64_DELETED)
			continue;
		memcpy(map64_put(m, old.keys[i] - 1), old.vals + (size_t)i * m->vsize, m->vsize);
	}
	free(old.keys);
	free(old.vals);
}

void *map64_get(const struct map64 *m, uint64_t key)
{
	bool found;
	int64_t i = m64_find(m, key, &found);

	return found ? m->vals + (size_t)i * m->vsize : NULL;
}

void *map64_put(struct map64 *m, uint64_t key)
{
	bool found;
	int64_t i;

	/* At most 3/4 full, tombstones included; mostly tombstones: rebuilt at the same size. */
	if (4 * (m->fill + 1) > 3 * m->cap)
		m64_rebuild(m, 2 * m->count >= m->cap ? (m->cap ? 2 * m->cap : 16) : (m->cap ? m->cap : 16));
	i = m64_find(m, key, &found);
	if (!found) {
		m->keys[i] = key + 1;
		memset(m->vals + (size_t)i * m->vsize, 0, m->vsize);
		m->fill++;
		m->count++;
	}
	return m->vals + (size_t)i * m->vsize;
}

bool map64_del(struct map64 *m, uint64_t key)
{
	bool found;
	int64_t i = m64_find(m, key, &found);

	if (!found)
		return false;
	m->keys[i] = M64_DELETED;
	m->count--;
	return true;
}

void map64_del_if(struct map64 *m, bool (*drop)(uint64_t key, void *ctx), void *ctx)
{
	for (uint32_t i = 0; i < m->cap; i++) {
		if (m->keys[i] == M64_EMPTY || m->keys[i] == M64_DELETED)
			continue;
		if (drop(m->keys[i] - 1, ctx)) {
			m->keys[i] = M64_DELETED;
			m->count--;
		}
	}
}
