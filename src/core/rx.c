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
	const struct txrec *o;
	uint32_t n = 0;

	FOR_EACH_AIR_NEAR(m, o, rec->lane) {
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
 * ln P(every bit of the span survives at r), walking the stretches of its
 * airtime over which the set of interferers is constant: each stretch
 * carries its share of the bits at its own SINR. -INFINITY and *deaf when
 * r itself transmitted during the span (a radio cannot hear while it sends).
 */
static double reception_ln_ok(struct medium *m, const struct txrec *rec, struct mradio *r,
			      double p_dbm, uint32_t nov, const struct rx_span *sp,
			      bool *interfered, bool *deaf)
{
	double noise_dbm = link_noise_dbm(m, rec->rate.bw);
	double bits = 8.0 * sp->len, dur = (double)(sp->t1 - sp->t0);
	double noise_mw, sum = 0.0;
	uint32_t n = 0, ncuts = 0;

	*interfered = false;
	*deaf = false;
	for (uint32_t i = 0; i < nov; i++) {
		const struct txrec *o = m->rx.ov[i].rec;

		if (o->sender == r->idx && o->sender_gen == r->gen && o->end > sp->t0 &&
		    o->start < sp->t1) {
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

		if (!s || o->end <= sp->t0 || o->start >= sp->t1)
			continue;
		mw = pow(10.0, link_rx_dbm(m, s, r, o->freq, &loss) / 10.0) * m->rx.ov[i].frac;
		if (mw < noise_mw * 1e-3)	/* 30 dB under the noise: no effect */
			continue;
		m->rx.in[n++] = (struct interferer){
			.start = o->start > sp->t0 ? o->start : sp->t0,
			.end = o->end < sp->t1 ? o->end : sp->t1,
			.mw = mw,
		};
	}
	if (!n)
		return bits * per_model_ln_bit_ok(m->per, &rec->rate, p_dbm - noise_dbm);

	*interfered = true;
	m->rx.cuts[ncuts++] = sp->t0;
	m->rx.cuts[ncuts++] = sp->t1;
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

bool rx_signal(struct medium *m, const struct txrec *rec, struct mradio *r, double *p_dbm,
	       double *loss)
{
	struct mradio *s = txrec_sender(m, rec);
	double p;

	if (!s)
		return false;
	p = link_rx_dbm(m, s, r, rec->freq, loss);
	if (m->p.fading_db > 0.0)
		p += m->p.fading_db * rng_gauss(&m->rng);
	if (p - link_noise_dbm(m, rec->rate.bw) < SNR_FLOOR_DB)
		return false;
	*p_dbm = p;
	return true;
}

enum medium_fate rx_fate(struct medium *m, const struct txrec *rec, struct mradio *r,
			 uint32_t nov, double p_dbm, double loss, const struct rx_span *sp)
{
	double ln_ok, p_ok, p_clean, u, snr = p_dbm - link_noise_dbm(m, rec->rate.bw);
	bool interfered, deaf;

	/* A spec-prob link decides by the frame's size and rate, unicast data only. */
	if (m->matrices.count && sp->unicast_data) {
		struct mradio *s = txrec_sender(m, rec);

		if (s)
			medium_link_matrix_loss(m, s->node, r->node, sp->len - 4, &rec->rate, &loss);
	}
	ln_ok = reception_ln_ok(m, rec, r, p_dbm, nov, sp, &interfered, &deaf);
	if (deaf)
		return MEDIUM_FATE_BUSY;	/* its own transmission overlapped, whatever the signal */
	p_ok = exp(ln_ok) * (1.0 - loss);
	u = rng_uniform(&m->rng);
	if (u < p_ok)
		return MEDIUM_FATE_OK;
	/* Through noise alone (and no loss) the frame would have made it with p_clean. */
	p_clean = interfered ? exp(8.0 * sp->len * per_model_ln_bit_ok(m->per, &rec->rate, snr)) :
			       exp(ln_ok);
	if (interfered && u < p_clean * (1.0 - loss)) {
		m->c.collisions++;
		return MEDIUM_FATE_COLLISION;
	}
	return u < p_clean ? MEDIUM_FATE_LOSS : MEDIUM_FATE_NOISE;
}

bool rx_decide(struct medium *m, const struct txrec *rec, struct mradio *r, uint32_t nov,
	       int32_t *signal_dbm, enum medium_fate *fate)
{
	struct rx_span sp = {
		.t0 = rec->start, .t1 = rec->end, .len = rec->psdu,
		.unicast_data = rec->kind == TXREC_DATA && rec->frame && !rec->frame->group,
	};
	double p, loss;

	if (!rx_signal(m, rec, r, &p, &loss))
		return false;
	*signal_dbm = (int32_t)lround(p);
	*fate = rx_fate(m, rec, r, nov, p, loss, &sp);
	return true;
}

void rx_count(struct medium *m, const struct txrec *rec, const struct mradio *s,
	      struct mradio *r, bool addressee, enum medium_fate fate, uint32_t len)
{
	struct medium_link_counters *l = stats_link(m, (uint32_t)s->idx, (uint32_t)r->idx);

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
