/* SPDX-License-Identifier: MIT */
/*
 * Counters beyond the per-radio ones kept in struct mradio: per link (what
 * one radio made of another's frames), in a map that holds only pairs that
 * heard each other, and airtime per channel.
 */
#include "stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define LS_EMPTY 0
#define LS_DELETED UINT64_MAX

static uint32_t ls_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

static void ls_rebuild(struct medium *m, uint32_t cap)
{
	uint64_t *keys = m->ls_keys;
	struct medium_link_counters *vals = m->ls_vals;
	uint32_t old = m->ls_cap;

	m->ls_keys = xcalloc(cap, sizeof(*m->ls_keys));
	m->ls_vals = xcalloc(cap, sizeof(*m->ls_vals));
	m->ls_cap = cap;
	m->ls_fill = 0;
	for (uint32_t i = 0; i < old; i++) {
		uint32_t j;

		if (keys[i] == LS_EMPTY || keys[i] == LS_DELETED)
			continue;
		for (j = ls_hash(keys[i]) & (cap - 1); m->ls_keys[j] != LS_EMPTY; j = (j + 1) & (cap - 1))
			;
		m->ls_keys[j] = keys[i];
		m->ls_vals[j] = vals[i];
		m->ls_fill++;
	}
	free(keys);
	free(vals);
}

static int ls_find(const struct medium *m, uint64_t key)
{
	if (!m->ls_cap)
		return -1;
	for (uint32_t j = ls_hash(key) & (m->ls_cap - 1);; j = (j + 1) & (m->ls_cap - 1)) {
		if (m->ls_keys[j] == key)
			return (int)j;
		if (m->ls_keys[j] == LS_EMPTY)
			return -1;
	}
}

struct medium_link_counters *stats_link(struct medium *m, uint32_t a, uint32_t b)
{
	uint64_t key = ((uint64_t)a << 32 | b) + 1;
	int i = ls_find(m, key);
	uint32_t j;

	if (i >= 0)
		return &m->ls_vals[i];
	/* At most 3/4 full, tombstones included. */
	if (4 * (m->ls_fill + 1) > 3 * m->ls_cap)
		ls_rebuild(m, m->ls_cap ? 2 * m->ls_cap : 64);
	for (j = ls_hash(key) & (m->ls_cap - 1);
	     m->ls_keys[j] != LS_EMPTY && m->ls_keys[j] != LS_DELETED; j = (j + 1) & (m->ls_cap - 1))
		;
	if (m->ls_keys[j] == LS_EMPTY)
		m->ls_fill++;
	m->ls_keys[j] = key;
	memset(&m->ls_vals[j], 0, sizeof(m->ls_vals[j]));
	return &m->ls_vals[j];
}

void stats_forget_radio(struct medium *m, uint32_t slot)
{
	for (uint32_t i = 0; i < m->ls_cap; i++) {
		uint64_t k = m->ls_keys[i] - 1;

		if (m->ls_keys[i] == LS_EMPTY || m->ls_keys[i] == LS_DELETED)
			continue;
		if ((uint32_t)(k >> 32) == slot || (uint32_t)k == slot)
			m->ls_keys[i] = LS_DELETED;
	}
}

int medium_link_counters(const struct medium *m, uint32_t a, uint32_t b,
			 struct medium_link_counters *out)
{
	int i;

	if (a >= m->radios_cap || b >= m->radios_cap || !m->radios[a] || !m->radios[a]->used ||
	    !m->radios[b] || !m->radios[b]->used)
		return -ENOENT;
	i = ls_find(m, ((uint64_t)a << 32 | b) + 1);
	if (i >= 0)
		*out = m->ls_vals[i];
	else
		memset(out, 0, sizeof(*out));
	return 0;
}

void stats_airtime(struct medium *m, struct mradio *s, uint32_t freq, uint64_t dur)
{
	uint32_t i;

	if (s)
		s->st.airtime_us += dur;
	for (i = 0; i < m->nchans; i++)
		if (m->chans[i].freq == freq)
			break;
	if (i == m->nchans) {
		if (m->nchans == m->chans_cap) {
			m->chans_cap = m->chans_cap ? 2 * m->chans_cap : 8;
			m->chans = xreallocarray(m->chans, m->chans_cap, sizeof(*m->chans));
		}
		m->chans[m->nchans++] = (struct medium_channel){ .freq = freq };
	}
	m->chans[i].frames++;
	m->chans[i].airtime_us += dur;
}

uint32_t medium_channels(const struct medium *m, struct medium_channel *out, uint32_t n)
{
	for (uint32_t i = 0; i < m->nchans && i < n; i++)
		out[i] = m->chans[i];
	return m->nchans;
}

void stats_free(struct medium *m)
{
	free(m->ls_keys);
	free(m->ls_vals);
	free(m->chans);
}
