/* SPDX-License-Identifier: MIT */
/*
 * Reports of what happened on the air, for ops.on_air: each data or ACK
 * transmission with every radio that heard it and its fate. The buffer of
 * receivers grows and is reused; the report lives only during the call.
 */
#include "report.h"

#include <stdlib.h>

#include "core/link.h"
#include "util/util.h"

void report_deinit(struct medium *m)
{
	free(m->rep.rx);
	free(m->rep.fates);
	m->rep = (struct report_buf){ 0 };
}

static void reserve(struct medium *m, uint32_t n)
{
	if (n < m->rep.cap)
		return;
	while (n >= m->rep.cap)
		m->rep.cap = m->rep.cap ? 2 * m->rep.cap : 16;
	m->rep.rx = xreallocarray(m->rep.rx, m->rep.cap, sizeof(*m->rep.rx));
	m->rep.fates = xreallocarray(m->rep.fates, m->rep.cap, AMPDU_MAX);
}

void report_rx(struct medium *m, uint32_t n, const struct medium_air_rx *rx)
{
	reserve(m, n);
	m->rep.rx[n] = *rx;
}

void report_fate(struct medium *m, uint32_t n, uint32_t k, enum medium_fate fate)
{
	reserve(m, n);
	m->rep.fates[(size_t)n * AMPDU_MAX + k] = (uint8_t)fate;
}

void report_pick(struct medium *m, uint32_t nrx, uint32_t k)
{
	for (uint32_t i = 0; i < nrx; i++)
		m->rep.rx[i].fate = (enum medium_fate)m->rep.fates[(size_t)i * AMPDU_MAX + k];
}

void report_send(struct medium *m, const struct txrec *rec, const struct mradio *s,
		   const uint8_t *frame, uint32_t len, uint32_t nrx, struct medium_air *a)
{
	static const enum medium_air_kind kinds[] = {
		[TXREC_DATA] = MEDIUM_AIR_DATA, [TXREC_ACK] = MEDIUM_AIR_ACK,
		[TXREC_BA] = MEDIUM_AIR_BLOCK_ACK, [TXREC_RTS] = MEDIUM_AIR_RTS,
		[TXREC_CTS] = MEDIUM_AIR_CTS,
	};

	a->kind = kinds[rec->kind];
	a->client = s->client;
	a->radio = s->id;
	a->frame = frame;
	a->len = len;
	a->freq = rec->freq;
	a->rate = rec->rate;
	a->tx_power_dbm = link_tx_power(m, s);
	a->noise_dbm = link_noise_dbm(m, rec->rate.bw);
	a->start_us = rec->start;
	a->end_us = rec->end;
	a->rx = m->rep.rx;
	a->nrx = nrx;
	m->ops.on_air(m->opaque, a);
}
