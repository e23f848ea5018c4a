/* SPDX-License-Identifier: MIT */
/*
 * The air: CSMA/CA contention per radio, transmissions as records with a
 * start, an end and a spectrum, receptions decided by SINR over the time a
 * frame overlaps others, ACKs sent after SIFS on the reverse link, retries
 * along the guest's rate chain.
 *
 * Contention is planned, not ticked: a radio deferring to a busy medium
 * holds its remaining backoff slots; when the medium goes idle for it, one
 * event is scheduled at idle + AIFS + slots * slot time; when the medium goes
 * busy before that, the slots that elapsed are taken off and the event is
 * cancelled. Two radios whose countdowns end in the same microsecond both
 * transmit: that is how backoff collisions happen on real air, since no radio
 * can sense another's transmission within the slot it starts in.
 *
 * Simplifications, each chosen knowingly: one contention entity per radio
 * (the highest-priority non-empty access category is served, with that
 * category's AIFS and CW) rather than four EDCA functions per radio; no
 * EIFS; RTS/CTS is not modelled (mac80211 uses it only above the RTS
 * threshold, off by default); a receiver evaluates every frame by SINR alone
 * (no preamble locking), so the stronger of two overlapping frames may
 * survive: the capture effect.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "medium_int.h"
#include "util/util.h"

#define ACK_PSDU 14		/* 10-byte ACK + FCS */
#define RETRY_BIT 0x08		/* Retry in the second octet of Frame Control */
#define SNR_FLOOR_DB -5.0	/* below this nothing decodes: skip the PER lookup */

static const uint8_t aifsn[4] = { 7, 3, 2, 2 };	/* BK BE VI VO */

static uint32_t cw_min(enum medium_ac ac, const struct phy_rate *rate)
{
	uint32_t base = rate->mode == PHY_MODE_DSSS ? 31 : 15;

	switch (ac) {
	case MEDIUM_AC_BK:
	case MEDIUM_AC_BE:
		return base;
	case MEDIUM_AC_VI:
		return (base + 1) / 2 - 1;
	case MEDIUM_AC_VO:
		return (base + 1) / 4 - 1;
	}
	return base;
}

static uint32_t cw_max(enum medium_ac ac, const struct phy_rate *rate)
{
	uint32_t base = rate->mode == PHY_MODE_DSSS ? 31 : 15;

	switch (ac) {
	case MEDIUM_AC_BK:
	case MEDIUM_AC_BE:
		return 1023;
	case MEDIUM_AC_VI:
		return base;
	case MEDIUM_AC_VO:
		return (base + 1) / 2 - 1;
	}
	return 1023;
}

void air_init(struct medium *m)
{
	m->air.prev = m->air.next = &m->air;
	m->nair = 0;
}

static void rec_free(struct medium *m, struct txrec *rec)
{
	rec->prev->next = rec->next;
	rec->next->prev = rec->prev;
	sched_cancel(&m->sched, &rec->ev);
	if (rec->orphan && rec->frame)
		medium_frame_free(m, rec->frame);
	m->nair--;
	free(rec);
}

void air_deinit(struct medium *m)
{
	while (m->air.next != &m->air)
		rec_free(m, m->air.next);
}

/* ------------------------------------------------------------ link budget */

void air_links_invalidate(struct medium *m)
{
	if (++m->link_gen == 0)
		m->link_gen = 1;
}

void air_links_resize(struct medium *m, uint32_t old_cap, uint32_t new_cap)
{
	/* Every new radio invalidates the cache anyway: nothing worth copying. */
	(void)old_cap;
	free(m->links);
	m->links = xcalloc((size_t)new_cap * new_cap, sizeof(*m->links));
}

static uint64_t shadow_key(const struct mradio *r)
{
	if (r->node >= 0)
		return (uint64_t)r->node + 1;
	return (1ULL << 63) | (((uint64_t)r->client << 32) ^
			       ((uint64_t)r->id[2] << 24 | (uint64_t)r->id[3] << 16 |
				(uint64_t)r->id[4] << 8 | r->id[5]));
}

/*
 * Received power in dBm at node nr (-1: a radio on no node) of what node ns
 * sends on freq, and any extra loss probability. ka, kb key the pair's
 * shadowing draw.
 */
static double link_budget(const struct medium *m, int ins, int inr, uint64_t ka, uint64_t kb,
			  uint32_t freq, double *loss)
{
	const struct mnode *ns = ins >= 0 ? &m->nodes[ins] : NULL;
	const struct mnode *nr = inr >= 0 ? &m->nodes[inr] : NULL;
	const struct mpin *pin = NULL;
	double p = -1000.0, lp = 0.0;

	if (ns && nr)
		pin = &m->pins[(size_t)ins * m->nodes_cap + (size_t)inr];

	switch (m->p.link_model) {
	case MEDIUM_LINK_PATH_LOSS: {
		static const double origin[3];
		const double *a = ns ? ns->pos : origin, *b = nr ? nr->pos : origin;
		double d = sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
				(a[2] - b[2]) * (a[2] - b[2]));
		/* Shadowing is a property of the pair, the same both ways and every frame. */
		double g = m->p.prop.type == PROP_LOG_NORMAL_SHADOWING ?
			   rng_gauss_keyed(m->p.seed, ka < kb ? ka * 0x100000001b3ULL ^ kb :
							  kb * 0x100000001b3ULL ^ ka) : 0.0;
		/* Antenna height is the node's z, at least 1 m (two-ray ground needs > 0). */
		double ht = fmax(a[2], 1.0), hr = fmax(b[2], 1.0);

		p = (ns ? ns->tx_power_dbm : m->p.default_tx_power_dbm) +
		    (ns ? ns->gain_dbi : 0.0) + (nr ? nr->gain_dbi : 0.0) -
		    prop_path_loss_db(&m->p.prop, d, ht, hr, freq, g);
		break;
	}
	case MEDIUM_LINK_SNR:
		p = m->noise_dbm[0] + m->p.default_snr_db;
		break;
	case MEDIUM_LINK_PROB:
		p = m->noise_dbm[0] + m->p.default_snr_db;
		lp = m->p.default_prob;
		break;
	}
	if (pin && pin->kind == PIN_SNR)
		p = m->noise_dbm[0] + pin->value;
	else if (pin && pin->kind == PIN_PROB)
		lp = pin->value;
	if ((ns ? ns->medium_id : 0) != (nr ? nr->medium_id : 0))
		p = -1000.0;
	*loss = lp;
	return p;
}

/* Received power in dBm at r of what s sends on freq (cached), and any extra loss probability. */
static double link_rx_dbm(struct medium *m, const struct mradio *s, const struct mradio *r,
			  uint32_t freq, double *loss)
{
	struct mlink *l = &m->links[(size_t)s->idx * m->radios_cap + (size_t)r->idx];
	double p;

	if (l->gen == m->link_gen && l->freq == freq) {
		*loss = l->loss;
		return l->rx_dbm;
	}
	p = link_budget(m, s->node, r->node, shadow_key(s), shadow_key(r), freq, loss);
	l->gen = m->link_gen;
	l->freq = freq;
	l->rx_dbm = (float)p;
	l->loss = (float)*loss;
	return p;
}

int medium_node_link(const struct medium *m, int a, int b, uint32_t freq, double *snr_db,
		     double *loss)
{
	if (a < 0 || b < 0 || (uint32_t)a >= m->nnodes || (uint32_t)b >= m->nnodes)
		return -ENOENT;
	*snr_db = link_budget(m, a, b, (uint64_t)a + 1, (uint64_t)b + 1, freq, loss) -
		  m->noise_dbm[0];
	return 0;
}

static int bw_index(uint16_t bw)
{
	return bw >= 160 ? 3 : bw >= 80 ? 2 : bw >= 40 ? 1 : 0;
}

int medium_radio_link(struct medium *m, uint32_t a, uint32_t b, uint32_t freq, double *snr_db,
		      double *loss)
{
	const struct mradio *s, *r;

	if (a >= m->radios_cap || b >= m->radios_cap || !(s = m->radios[a]) || !s->used ||
	    !(r = m->radios[b]) || !r->used)
		return -ENOENT;
	*snr_db = link_rx_dbm(m, s, r, freq, loss) - m->noise_dbm[0];
	return 0;
}

double medium_per(const struct medium *m, const struct phy_rate *rate, double snr_db,
		  uint32_t len)
{
	return per_model_per(m->per, rate, snr_db, len + 4);
}

/* Fraction of rec's power that falls in [lo, hi]. */
static double spectral_fraction(const struct txrec *rec, double lo, double hi)
{
	double o = fmin(rec->hi, hi) - fmax(rec->lo, lo);

	if (o <= 0)
		return 0.0;
	return o >= rec->hi - rec->lo ? 1.0 : o / (rec->hi - rec->lo);
}

static struct mradio *rec_sender(const struct medium *m, const struct txrec *rec)
{
	struct mradio *s = m->radios[rec->sender];

	return s->used && s->gen == rec->sender_gen ? s : NULL;
}

/* ------------------------------------------------------------- contention */

/*
 * Does r, contending on [span_lo, span_hi], sense rec: its energy above the
 * CCA threshold, or its preamble clear enough of the noise to detect?
 */
static bool senses(struct medium *m, struct mradio *r, const struct txrec *rec)
{
	struct mradio *s;
	double frac, loss, p;

	if (rec->ended)
		return false;
	if (rec->sender == r->idx && rec->sender_gen == r->gen)
		return true;
	frac = spectral_fraction(rec, r->span_lo, r->span_hi);
	if (frac <= 0.0 || !(s = rec_sender(m, rec)))
		return false;
	p = link_rx_dbm(m, s, r, rec->freq, &loss);
	if (frac < 1.0)
		p += 10.0 * log10(frac);
	return p >= m->p.cca_dbm || p - m->noise_dbm[0] >= m->p.preamble_snr_db;
}

static bool senses_busy(struct medium *m, struct mradio *r)
{
	if (r->responding)
		return true;
	for (struct txrec *rec = m->air.next; rec != &m->air; rec = rec->next)
		if (senses(m, r, rec))
			return true;
	return false;
}

static void schedule_access(struct medium *m, struct mradio *r)
{
	sched_add(&m->sched, &r->ev, r->idle_since + r->aifs + (uint64_t)r->backoff * r->slot);
}

/* Start contending for the current frame's next attempt: draw a backoff in [0, CW]. */
static void contend(struct medium *m, struct mradio *r)
{
	struct mframe *f = r->cur;
	const struct phy_rate *rate = &f->phy[f->ri];

	r->slot = phy_slot_us(rate);
	r->aifs = phy_sifs_us(rate->band) + aifsn[f->ac] * r->slot;
	phy_span(rate, f->freq, &r->span_lo, &r->span_hi);
	r->backoff = rng_upto(&m->rng, r->cw);
	r->state = RADIO_CONTEND;
	r->busy = senses_busy(m, r);
	if (!r->busy) {
		r->idle_since = m->now;
		schedule_access(m, r);
	}
}

/* rec went on the air: contenders that sense it freeze their countdown. */
static void air_went_busy(struct medium *m, const struct txrec *rec)
{
	for (uint32_t i = 0; i < m->radios_cap; i++) {
		struct mradio *r = m->radios[i];
		uint64_t start;

		if (!r || !r->used || r->state != RADIO_CONTEND || r->busy || !senses(m, r, rec))
			continue;
		/* Due this very microsecond: it cannot have sensed rec yet and sends too. */
		if (sched_queued(&r->ev) && r->ev.time <= m->now)
			continue;
		start = r->idle_since + r->aifs;
		if (m->now > start) {
			uint64_t slots = (m->now - start) / r->slot;

			r->backoff -= slots < r->backoff ? (uint32_t)slots : r->backoff;
		}
		sched_cancel(&m->sched, &r->ev);
		r->busy = true;
	}
}

/* Something left the air: contenders that now sense it idle resume. */
static void air_went_idle(struct medium *m)
{
	for (uint32_t i = 0; i < m->radios_cap; i++) {
		struct mradio *r = m->radios[i];

		if (!r || !r->used || r->state != RADIO_CONTEND || !r->busy)
			continue;
		if (senses_busy(m, r))
			continue;
		r->busy = false;
		r->idle_since = m->now;
		schedule_access(m, r);
	}
}

void air_kick(struct medium *m, struct mradio *r)
{
	struct mframe *f;

	if (r->state != RADIO_IDLE || !(f = medium_dequeue(m, r)))
		return;
	r->cur = f;
	r->cw = cw_min(f->ac, &f->phy[0]);
	contend(m, r);
}

/* -------------------------------------------------------- transmissions */

static struct txrec *rec_new(struct medium *m, enum txrec_kind kind, struct mradio *s,
			     uint64_t start, const struct phy_rate *rate, uint32_t freq,
			     uint32_t psdu)
{
	struct txrec *rec = xcalloc(1, sizeof(*rec));

	rec->kind = kind;
	rec->sender = s->idx;
	rec->sender_gen = s->gen;
	rec->target = -1;
	rec->start = start;
	rec->end = start + phy_airtime_us(rate, psdu);
	rec->rate = *rate;
	rec->freq = freq;
	rec->psdu = psdu;
	phy_span(rate, freq, &rec->lo, &rec->hi);
	sched_event_init(&rec->ev);
	rec->ev.tag = EV_TXREC;
	rec->prev = m->air.prev;
	rec->next = &m->air;
	m->air.prev->next = rec;
	m->air.prev = rec;
	m->nair++;
	sched_add(&m->sched, &rec->ev, rec->end);
	air_went_busy(m, rec);
	return rec;
}

/* Drop ended records that no reception still on the air overlaps. */
static void prune(struct medium *m)
{
	uint64_t horizon = UINT64_MAX;
	struct txrec *rec, *next;

	for (rec = m->air.next; rec != &m->air; rec = rec->next)
		if (!rec->ended && rec->start < horizon)
			horizon = rec->start;
	for (rec = m->air.next; rec != &m->air; rec = next) {
		next = rec->next;
		if (rec->ended && rec->end <= horizon)
			rec_free(m, rec);
	}
}

static void start_data(struct medium *m, struct mradio *r)
{
	struct mframe *f = r->cur;
	struct txrec *rec;

	f->used[f->ri]++;
	if (++f->attempts > 1 && f->len >= 2)
		f->data[1] |= RETRY_BIT;	/* lets receivers drop the duplicate */
	r->state = RADIO_TX;
	m->c.tx_attempts++;
	r->st.tx_attempts++;
	if (f->attempts > 1)
		r->st.retries++;
	rec = rec_new(m, TXREC_DATA, r, m->now, &f->phy[f->ri], f->freq, f->len + 4);
	rec->frame = f;
	if (!f->group) {
		int t = medium_addr_lookup(m, f->dst);

		if (t >= 0 && t != r->idx) {
			rec->target = t;
			rec->target_gen = m->radios[t]->gen;
		}
	}
}

/* ------------------------------------------------------------- reception */

static void scratch_reserve(struct medium *m, uint32_t n)
{
	if (n <= m->scratch_cap)
		return;
	while (m->scratch_cap < n)
		m->scratch_cap = m->scratch_cap ? 2 * m->scratch_cap : 16;
	m->ov = xreallocarray(m->ov, m->scratch_cap, sizeof(*m->ov));
	m->in = xreallocarray(m->in, m->scratch_cap, sizeof(*m->in));
	m->cuts = xreallocarray(m->cuts, 2 * (size_t)m->scratch_cap + 2, sizeof(*m->cuts));
}

/* The records that overlap rec in time and spectrum, into m->ov. */
static uint32_t find_overlaps(struct medium *m, const struct txrec *rec)
{
	uint32_t n = 0;

	for (const struct txrec *o = m->air.next; o != &m->air; o = o->next) {
		double frac;

		if (o == rec || o->end <= rec->start || o->start >= rec->end)
			continue;
		frac = spectral_fraction(o, rec->lo, rec->hi);
		if (frac <= 0.0)
			continue;
		scratch_reserve(m, n + 1);
		m->ov[n++] = (struct overlap){ o, frac };
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
	double noise_dbm = m->noise_dbm[bw_index(rec->rate.bw)];
	double bits = 8.0 * rec->psdu, dur = (double)(rec->end - rec->start);
	double noise_mw, sum = 0.0;
	uint32_t n = 0, ncuts = 0;

	*interfered = false;
	*deaf = false;
	for (uint32_t i = 0; i < nov; i++) {
		if (m->ov[i].rec->sender == r->idx && m->ov[i].rec->sender_gen == r->gen) {
			*deaf = true;
			return -INFINITY;
		}
	}
	if (!m->p.interference || !nov)
		return bits * per_model_ln_bit_ok(m->per, &rec->rate, p_dbm - noise_dbm);

	noise_mw = pow(10.0, noise_dbm / 10.0);
	for (uint32_t i = 0; i < nov; i++) {
		const struct txrec *o = m->ov[i].rec;
		struct mradio *s = rec_sender(m, o);
		double loss, mw;

		if (!s)
			continue;
		mw = pow(10.0, link_rx_dbm(m, s, r, o->freq, &loss) / 10.0) * m->ov[i].frac;
		if (mw < noise_mw * 1e-3)	/* 30 dB under the noise: no effect */
			continue;
		m->in[n++] = (struct interferer){
			.start = o->start > rec->start ? o->start : rec->start,
			.end = o->end < rec->end ? o->end : rec->end,
			.mw = mw,
		};
	}
	if (!n)
		return bits * per_model_ln_bit_ok(m->per, &rec->rate, p_dbm - noise_dbm);

	*interfered = true;
	m->cuts[ncuts++] = rec->start;
	m->cuts[ncuts++] = rec->end;
	for (uint32_t i = 0; i < n; i++) {
		m->cuts[ncuts++] = m->in[i].start;
		m->cuts[ncuts++] = m->in[i].end;
	}
	qsort(m->cuts, ncuts, sizeof(*m->cuts), cmp_u64);
	for (uint32_t k = 0; k + 1 < ncuts; k++) {
		uint64_t a = m->cuts[k], b = m->cuts[k + 1];
		double i_mw = 0.0;

		if (b == a)
			continue;
		for (uint32_t j = 0; j < n; j++)
			if (m->in[j].start <= a && m->in[j].end >= b)
				i_mw += m->in[j].mw;
		sum += bits * ((double)(b - a) / dur) *
		       per_model_ln_bit_ok(m->per, &rec->rate,
					   p_dbm - 10.0 * log10(noise_mw + i_mw));
	}
	return sum;
}

/*
 * What r makes of rec: the outcome drawn from the reception's success
 * probability. false when rec is below the floor at r (r did not hear it
 * at all); else true with *signal_dbm, the power r received, and *fate.
 */
static bool receive(struct medium *m, const struct txrec *rec, struct mradio *r, uint32_t nov,
		    int32_t *signal_dbm, enum medium_fate *fate)
{
	struct mradio *s = rec_sender(m, rec);
	double loss, p, ln_ok, p_ok, p_clean, u, snr;
	bool interfered, deaf;

	if (!s)
		return false;
	p = link_rx_dbm(m, s, r, rec->freq, &loss);
	if (m->p.fading_db > 0.0)
		p += m->p.fading_db * rng_gauss(&m->rng);
	snr = p - m->noise_dbm[bw_index(rec->rate.bw)];
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

/* Per-radio and per-link counters of one data reception. */
static void count_reception(struct medium *m, const struct txrec *rec, const struct mradio *s,
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
	}
	l->lost++;
}

/* Room for n reports to ops.on_air. */
static void air_rx_reserve(struct medium *m, uint32_t n)
{
	if (n <= m->air_rx_cap)
		return;
	m->air_rx_cap = m->air_rx_cap ? 2 * m->air_rx_cap : 16;
	while (m->air_rx_cap < n)
		m->air_rx_cap *= 2;
	m->air_rx = xreallocarray(m->air_rx, m->air_rx_cap, sizeof(*m->air_rx));
}

static void report(struct medium *m, const struct txrec *rec, const struct mradio *s,
		   const uint8_t *frame, uint32_t len, uint32_t nrx, struct medium_air *a)
{
	a->kind = rec->kind == TXREC_DATA ? MEDIUM_AIR_DATA : MEDIUM_AIR_ACK;
	a->client = s->client;
	a->radio = s->id;
	a->frame = frame;
	a->len = len;
	a->freq = rec->freq;
	a->rate = rec->rate;
	a->tx_power_dbm = medium_radio_tx_power(m, s);
	a->noise_dbm = m->noise_dbm[bw_index(rec->rate.bw)];
	a->start_us = rec->start;
	a->end_us = rec->end;
	a->rx = m->air_rx;
	a->nrx = nrx;
	m->ops.on_air(m->opaque, a);
}

/* ---------------------------------------------------------- TX outcomes */

void air_complete(struct medium *m, struct mradio *r, bool acked, int32_t ack_signal)
{
	struct mframe *f = r->cur;
	struct medium_status st = {
		.client = r->client, .radio = r->id, .cookie = f->cookie, .flags = f->flags,
		.acked = acked, .ack_signal_dbm = acked ? ack_signal : 0, .time_us = m->now,
		.drop = acked || f->no_ack ? MEDIUM_DROP_NONE : MEDIUM_DROP_RETRIES,
		.len = f->len, .freq = f->freq,
	};

	memcpy(st.dst, f->dst, 6);
	for (int i = 0; i < MEDIUM_MAX_RATES; i++) {
		st.rates[i] = f->rates[i];
		st.rates[i].count = f->used[i];
		if (!f->used[i] || i >= f->nrates)
			st.rates[i].idx = -1;
	}
	if (acked) {
		m->c.tx_acked++;
		r->st.acked++;
	} else if (!f->no_ack) {
		m->c.tx_failed++;
		r->st.failed++;
	}
	r->cur = NULL;
	r->ack_rec = NULL;
	r->state = RADIO_IDLE;
	sched_cancel(&m->sched, &r->ev);
	m->ops.tx_status(m->opaque, &st);
	medium_frame_free(m, f);
	air_kick(m, r);
}

/* Whether the attempt just made was the frame's last. */
static bool last_attempt(const struct mframe *f)
{
	return f->used[f->ri] >= f->rates[f->ri].count && f->ri + 1 >= f->nrates;
}

/* The attempt failed: next attempt along the rate chain, or give up. */
static void retry(struct medium *m, struct mradio *r)
{
	struct mframe *f = r->cur;

	r->ack_rec = NULL;
	if (f->used[f->ri] >= f->rates[f->ri].count && ++f->ri >= f->nrates) {
		f->ri = (uint8_t)(f->nrates - 1);
		air_complete(m, r, false, 0);
		return;
	}
	r->cw = 2 * r->cw + 1;
	if (r->cw > cw_max(f->ac, &f->phy[f->ri]))
		r->cw = cw_max(f->ac, &f->phy[f->ri]);
	contend(m, r);
}

static void data_ended(struct medium *m, struct txrec *rec)
{
	struct mradio *s = rec->orphan ? NULL : rec_sender(m, rec);
	struct mframe *f = rec->frame;
	struct mradio *target = NULL;
	bool target_ok = false, reporting = m->ops.on_air && s;
	uint32_t nov = find_overlaps(m, rec), nrx = 0;
	struct medium_air a = { .attempt = f->attempts };

	if (rec->target >= 0) {
		target = m->radios[rec->target];
		if (!target->used || target->gen != rec->target_gen)
			target = NULL;
	}
	for (uint32_t i = 0; s && i < m->radios_cap; i++) {
		struct mradio *r = m->radios[i];
		struct medium_rx rx;
		enum medium_fate fate;
		int32_t sig = 0;

		if (!r || !r->used || r == s)
			continue;
		if (m->p.addressee_only && !f->group && r != target)
			continue;
		if (!receive(m, rec, r, nov, &sig, &fate))
			continue;
		count_reception(m, rec, s, r, r == target, fate);
		if (reporting) {
			air_rx_reserve(m, nrx + 1);
			m->air_rx[nrx++] = (struct medium_air_rx){
				.client = r->client, .radio = r->id, .signal_dbm = sig, .fate = fate,
				.addressee = r == target,
			};
		}
		if (fate != MEDIUM_FATE_OK)
			continue;
		if (r == target)
			target_ok = true;
		rx = (struct medium_rx){
			.client = r->client, .radio = r->id, .frame = f->data, .len = f->len,
			.freq = f->freq, .signal_dbm = sig, .rate = rec->rate, .time_us = m->now,
		};
		m->c.rx_frames++;
		m->ops.deliver(m->opaque, &rx);
	}
	if (!s)
		return;
	if (f->no_ack)
		a.next = MEDIUM_NEXT_DONE;
	else if (target_ok && target->state != RADIO_TX)
		a.next = MEDIUM_NEXT_ACK;
	else
		a.next = last_attempt(f) ? MEDIUM_NEXT_FAIL : MEDIUM_NEXT_RETRY;
	if (reporting)
		report(m, rec, s, f->data, f->len, nrx, &a);

	if (a.next == MEDIUM_NEXT_DONE) {
		air_complete(m, s, false, 0);
		return;
	}
	s->state = RADIO_WAIT_ACK;
	if (a.next == MEDIUM_NEXT_ACK) {
		struct phy_rate ack = phy_ack_rate(&rec->rate);
		struct txrec *ar;

		/* The addressee answers after SIFS, without contending; it defers meanwhile. */
		target->responding++;
		ar = rec_new(m, TXREC_ACK, target, m->now + phy_sifs_us(ack.band), &ack, f->freq,
			     ACK_PSDU);
		ar->target = s->idx;
		ar->target_gen = s->gen;
		ar->attempt = f->attempts;
		/* The ACK's RA is the address the frame came from (its addr2). */
		memcpy(ar->ra, f->len >= 16 ? f->data + 10 : s->id, 6);
		s->ack_rec = ar;
	} else {
		struct phy_rate ack = phy_ack_rate(&rec->rate);

		/* ACKTimeout: SIFS + slot + the ACK's preamble would have begun by now. */
		s->ack_rec = NULL;
		sched_add(&m->sched, &s->ev,
			  m->now + phy_sifs_us(ack.band) + phy_slot_us(&ack) +
			  phy_airtime_us(&ack, ACK_PSDU));
	}
}

static void ack_ended(struct medium *m, struct txrec *rec)
{
	struct mradio *a = rec_sender(m, rec);
	struct mradio *s = m->radios[rec->target];
	bool waiting = s->used && s->gen == rec->target_gen && s->state == RADIO_WAIT_ACK &&
		       s->ack_rec == rec;
	struct medium_air rep = { .attempt = rec->attempt };
	enum medium_fate fate = MEDIUM_FATE_NOISE;
	uint8_t frame[10] = { 0xd4, 0x00 };
	uint32_t nov, nrx = 0;
	int32_t sig = 0;
	bool heard;

	if (a && a->responding)
		a->responding--;
	memcpy(frame + 4, rec->ra, 6);
	if (!waiting) {
		if (a && m->ops.on_air)
			report(m, rec, a, frame, sizeof(frame), 0, &rep);
		return;
	}
	nov = find_overlaps(m, rec);
	heard = receive(m, rec, s, nov, &sig, &fate);
	rep.acked = heard && fate == MEDIUM_FATE_OK;
	rep.next = rep.acked ? MEDIUM_NEXT_DONE : last_attempt(s->cur) ? MEDIUM_NEXT_FAIL :
								   MEDIUM_NEXT_RETRY;
	if (a && m->ops.on_air) {
		if (heard) {
			air_rx_reserve(m, 1);
			m->air_rx[nrx++] = (struct medium_air_rx){
				.client = s->client, .radio = s->id, .signal_dbm = sig, .fate = fate,
				.addressee = true,
			};
		}
		report(m, rec, a, frame, sizeof(frame), nrx, &rep);
	}
	if (rep.acked)
		air_complete(m, s, true, sig);
	else
		retry(m, s);
}

void air_dispatch(struct medium *m, struct sched_event *ev)
{
	struct txrec *rec;

	if (ev->tag == EV_MOBILITY) {
		medium_mobility(m);
		return;
	}
	if (ev->tag == EV_RADIO) {
		/* A radio's own event: access after backoff, or ACK timeout. */
		struct mradio *r = (struct mradio *)((char *)ev - offsetof(struct mradio, ev));

		if (r->state == RADIO_CONTEND)
			start_data(m, r);
		else if (r->state == RADIO_WAIT_ACK)
			retry(m, r);
		return;
	}
	rec = (struct txrec *)((char *)ev - offsetof(struct txrec, ev));
	rec->ended = true;
	stats_airtime(m, rec_sender(m, rec), rec->freq, rec->end - rec->start);
	if (rec->kind == TXREC_DATA) {
		data_ended(m, rec);
		/* The frame stays the sender's (or was completed): only an orphan's is ours. */
		if (!rec->orphan)
			rec->frame = NULL;
	} else {
		ack_ended(m, rec);
	}
	air_went_idle(m);
	prune(m);
}

void air_radio_gone(struct medium *m, struct mradio *r)
{
	sched_cancel(&m->sched, &r->ev);
	if (r->state == RADIO_TX) {
		for (struct txrec *rec = m->air.next; rec != &m->air; rec = rec->next) {
			if (!rec->ended && rec->kind == TXREC_DATA && rec->frame == r->cur) {
				rec->orphan = true;	/* the frame stays on the air until its end */
				r->cur = NULL;
			}
		}
	}
	if (r->cur)
		medium_frame_free(m, r->cur);
	r->cur = NULL;
	r->ack_rec = NULL;
	r->state = RADIO_IDLE;
}
