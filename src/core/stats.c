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

#define LINK_KEY(a, b) ((uint64_t)(a) << 32 | (uint32_t)(b))

struct medium_link_counters *stats_link(struct medium *m, uint32_t a, uint32_t b)
{
	return map64_put(&m->link_stats, LINK_KEY(a, b));
}

static bool touches(uint64_t key, void *ctx)
{
	uint32_t slot = *(const uint32_t *)ctx;

	return (uint32_t)(key >> 32) == slot || (uint32_t)key == slot;
}

void stats_forget_radio(struct medium *m, uint32_t slot)
{
	map64_del_if(&m->link_stats, touches, &slot);
}

int medium_link_counters(const struct medium *m, uint32_t a, uint32_t b,
			 struct medium_link_counters *out)
{
	const struct medium_link_counters *l;

	if (a >= m->radios_cap || b >= m->radios_cap || !m->radios[a] || !m->radios[a]->used ||
	    !m->radios[b] || !m->radios[b]->used)
		return -ENOENT;
	l = map64_get(&m->link_stats, LINK_KEY(a, b));
	if (l)
		*out = *l;
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

void stats_init(struct medium *m)
{
	map64_init(&m->link_stats, sizeof(struct medium_link_counters));
}

void stats_free(struct medium *m)
{
	map64_free(&m->link_stats);
	free(m->chans);
}
