/* SPDX-License-Identifier: MIT */
/*
 * Receptions: what a radio makes of a transmission, from its signal over
 * the noise and every transmission overlapping it in time and spectrum,
 * walked stretch by stretch (collisions and capture come out of it), then
 * one seeded draw. Calls the link budget and the counters, nothing above.
 */
#include "rx.h"

#include <math.h>
#include <stdlib.h>

#include "core/link.h"
#include "core/stats.h"
#include "util/util.h"

#define SNR_FLOOR_DB -5.0	/* below this nothing decodes: skip the PER lookup */

void rx_deinit(struct medium *m)
{
	free(m->rx.ov);
	free(m->rx.in);
	free(m->rx.cuts);
	m->rx = (struct rx_scratch){ 0 };
}

static void scratch_reserve(struct medium *m, uint32_t n)
{
	if (n <= m->rx.cap)
		return;
	while (m->rx.cap < n)
		m->rx.cap = m->rx.cap ? 2 * m->rx.cap : 16;
	m->rx.ov = xreallocarray(m->rx.ov, m->rx.cap, sizeof(*m->rx.ov));
	m->rx.in = xreallocarray(m->rx.in, m->rx.cap, sizeof(*m->rx.in));
	m->rx.cuts = xreallocarray(m->rx.cuts, 2 * (size_t)m->rx.cap + 2, sizeof(*m->rx.cuts));
}

uint32_t rx_overlaps(struct medium *m, const struct txrec *rec)
{
	uint32_t n = 0;

	for (const struct txrec *o = m->air.next; o != &m->air; o = o->next) {
		double frac;

		if (o == rec || o->end <= rec->start || o->start >= rec->end)
			continue;
		frac = txrec_spectral_fraction(o, rec->lo, rec->hi);
		if (frac <= 0.0)
			continue;
		scratch_reserve(m, n + 1);
		m->rx.ov[n++] = (struct overlap){ o, frac };
	}
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * ln P(every bit of rec survives at r), walking the stretches of rec's
 * airtime over which the set of interferers is constant: each stretch
 * carries its share of the bits at its own SINR. -INFINITY and *deaf when
 * r itself transmitted during rec (a radio cannot hear while it sends).
 */
static double reception_ln_ok(struct medium *m, const struct txrec *rec, struct mradio *r,
			      double p_dbm, uint32_t nov, bool *interfered, bool *deaf)
{
	double noise_dbm = link_noise_dbm(m, rec->rate.bw);
	double bits = 8.0 * rec->psdu, dur = (double)(rec->end - rec->start);
	double noise_mw, sum = 0.0;
	uint32_t n = 0, ncuts = 0;

	*interfered = false;
	*deaf = false;
	for (uint32_t i = 0; i < nov; i++) {
		if (m->rx.ov[i].rec->sender == r->idx && m->rx.ov[i].rec->sender_gen == r->gen) {
			*deaf = true;
			return -INFINITY;
		}
	}
	if (!m->p.interference || !nov)
		return bits * per_model_ln_bit_ok(m->per, &rec->rate, p_dbm - noise_dbm);

	noise_mw = pow(10.0, noise_dbm / 10.0);
	for (uint32_t i = 0; i < nov; i++) {
		const struct txrec *o = m->rx.ov[i].rec;
		struct mradio *s = txrec_sender(m, o);
		double loss, mw;

		if (!s)
			continue;
		mw = pow(10.0, link_rx_dbm(m, s, r, o->freq, &loss) / 10.0) * m->rx.ov[i].frac;
		if (mw < noise_mw * 1e-3)	/* 30 dB under the noise: no effect */
			continue;
		m->rx.in[n++] = (struct interferer){
			.start = o->start > rec->start ? o->start : rec->start,
			.end = o->end < rec->end ? o->end : rec->end,
			.mw = mw,
		};
	}
	if (!n)
		return bits * per_model_ln_bit_ok(m->per, &rec->rate, p_dbm - noise_dbm);

	*interfered = true;
	m->rx.cuts[ncuts++] = rec->start;
	m->rx.cuts[ncuts++] = rec->end;
	for (uint32_t i = 0; i < n; i++) {
		m->rx.cuts[ncuts++] = m->rx.in[i].start;
		m->rx.cuts[ncuts++] = m->rx.in[i].end;
	}
	qsort(m->rx.cuts, ncuts, sizeof(*m->rx.cuts), cmp_u64);
	for (uint32_t k = 0; k + 1 < ncuts; k++) {
		uint64_t a = m->rx.cuts[k], b = m->rx.cuts[k + 1];
		double i_mw = 0.0;

		if (b == a)
			continue;
		for (uint32_t j = 0; j < n; j++)
			if (m->rx.in[j].start <= a && m->rx.in[j].end >= b)
				i_mw += m->rx.in[j].mw;
		sum += bits * ((double)(b - a) / dur) *
		       per_model_ln_bit_ok(m->per, &rec->rate,
					   p_dbm - 10.0 * log10(noise_mw + i_mw));
	}
	return sum;
}

bool rx_decide(struct medium *m, const struct txrec *rec, struct mradio *r, uint32_t nov,
		    int32_t *signal_dbm, enum medium_fate *fate)
{
	struct mradio *s = txrec_sender(m, rec);
	double loss, p, ln_ok, p_ok, p_clean, u, snr;
	bool interfered, deaf;

	if (!s)
		return false;
	p = link_rx_dbm(m, s, r, rec->freq, &loss);
	/* A spec-prob link decides by the frame's size and rate, unicast data only. */
	if (m->matrices.count && rec->kind == TXREC_DATA && rec->frame && !rec->frame->group)
		medium_link_matrix_loss(m, s->node, r->node, rec->psdu - 4, &rec->rate, &loss);
	if (m->p.fading_db > 0.0)
		p += m->p.fading_db * rng_gauss(&m->rng);
	snr = p - link_noise_dbm(m, rec->rate.bw);
	if (snr < SNR_FLOOR_DB)
		return false;
	*signal_dbm = (int32_t)lround(p);
	ln_ok = reception_ln_ok(m, rec, r, p, nov, &interfered, &deaf);
	if (deaf) {
		/* Its own transmission overlapped: deaf, whatever the signal. */
		*fate = MEDIUM_FATE_BUSY;
		return true;
	}
	p_ok = exp(ln_ok) * (1.0 - loss);
	u = rng_uniform(&m->rng);
	if (u < p_ok) {
		*fate = MEDIUM_FATE_OK;
		return true;
	}
	/* Through noise alone (and no loss) the frame would have made it with p_clean. */
	p_clean = interfered ? exp(8.0 * rec->psdu * per_model_ln_bit_ok(m->per, &rec->rate, snr)) :
			       exp(ln_ok);
	if (interfered && u < p_clean * (1.0 - loss)) {
		m->c.collisions++;
		*fate = MEDIUM_FATE_COLLISION;
	} else if (u < p_clean) {
		*fate = MEDIUM_FATE_LOSS;
	} else {
		*fate = MEDIUM_FATE_NOISE;
	}
	return true;
}

void rx_count(struct medium *m, const struct txrec *rec, const struct mradio *s,
			    struct mradio *r, bool addressee, enum medium_fate fate)
{
	struct medium_link_counters *l = stats_link(m, (uint32_t)s->idx, (uint32_t)r->idx);
	uint32_t len = rec->psdu - 4;

	if (addressee) {
		l->rate = rec->rate;
		l->has_rate = true;
	}
	switch (fate) {
	case MEDIUM_FATE_OK:
		r->st.rx_frames++;
		r->st.rx_bytes += len;
		l->frames++;
		l->bytes += len;
		return;
	case MEDIUM_FATE_NOISE:
		r->st.rx_noise++;
		break;
	case MEDIUM_FATE_COLLISION:
		r->st.rx_collision++;
		l->collisions++;
		break;
	case MEDIUM_FATE_LOSS:
		r->st.rx_loss++;
		break;
	case MEDIUM_FATE_BUSY:
		r->st.rx_busy++;
		break;
	case MEDIUM_FATE_ASLEEP:
		r->st.rx_asleep++;
		break;
	}
	l->lost++;
}
