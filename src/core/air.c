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
 * QoS data under a Block Ack agreement goes out as A-MPDUs (ampdu.c
 * builds them): one PPDU, each MPDU decoded on its own at the PPDU's signal
 * over the stretch of air it occupies, one Block Ack after SIFS for those
 * the addressee decoded, each MPDU with its own TX status; the rest are
 * sent again in the next A-MPDU while their rate chains allow.
 *
 * A frame whose rate the guest flagged for protection goes behind an RTS
 * (the addressee answers with a CTS, or the attempt fails) or a CTS to
 * itself. Every other radio that decodes an RTS or CTS holds off for the
 * Duration it carries (the NAV, virtual carrier sense): that is what
 * RTS/CTS buys against hidden nodes.
 *
 * Simplifications, each chosen knowingly: one contention entity per radio
 * (the highest-priority non-empty access category is served, with that
 * category's AIFS and CW) rather than four EDCA functions per radio; no
 * EIFS; a receiver evaluates every frame by SINR alone
 * (no preamble locking), so the stronger of two overlapping frames may
 * survive: the capture effect.
 */
#include "air.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/ampdu.h"
#include "core/chanidx.h"
#include "core/frame.h"
#include "core/link.h"
#include "core/radio.h"
#include "core/report.h"
#include "core/rx.h"
#include "core/stats.h"
#include "util/util.h"

#define ACK_PSDU 14		/* 10-byte ACK + FCS */
#define CTS_PSDU 14		/* 10-byte CTS + FCS */
#define RTS_PSDU 20		/* 16-byte RTS + FCS */
#define RETRY_BIT 0x08		/* Retry in the second octet of Frame Control */

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
	m->lanes = NULL;
	m->nlanes = m->lanes_cap = 0;
	m->nair = 0;
	m->free_recs = NULL;
}

static void near_add(struct lane *l, uint32_t k)
{
	l->near = xreallocarray(l->near, l->nnear + 1, sizeof(*l->near));
	l->near[l->nnear++] = k;
}

/* The lane of [lo, hi], made on first use; *hint, a lane it likely is, becomes it. */
static uint32_t lane_of(struct medium *m, double lo, double hi, uint32_t *hint)
{
	uint32_t k = *hint;

	if (k < m->nlanes && m->lanes[k].lo == lo && m->lanes[k].hi == hi)
		return k;
	for (k = 0; k < m->nlanes; k++)
		if (m->lanes[k].lo == lo && m->lanes[k].hi == hi)
			return *hint = k;
	if (m->nlanes == m->lanes_cap) {
		m->lanes_cap = m->lanes_cap ? 2 * m->lanes_cap : 8;
		m->lanes = xreallocarray(m->lanes, m->lanes_cap, sizeof(*m->lanes));
	}
	m->lanes[k] = (struct lane){ .lo = lo, .hi = hi };
	m->nlanes++;
	for (uint32_t j = 0; j <= k; j++) {
		if (!spans_overlap(m->lanes[j].lo, m->lanes[j].hi, lo, hi))
			continue;
		near_add(&m->lanes[k], j);
		if (j != k)
			near_add(&m->lanes[j], k);
	}
	return *hint = k;
}

static void rec_free(struct medium *m, struct txrec *rec)
{
	struct lane *l = &m->lanes[rec->lane];

	*(rec->prev ? &rec->prev->next : &l->first) = rec->next;
	*(rec->next ? &rec->next->prev : &l->last) = rec->prev;
	sched_cancel(&m->sched, &rec->ev);
	if (rec->orphan) {
		for (uint32_t i = 0; i < rec->nsub; i++)
			frame_free(m, rec->sub[i].f);
		if (rec->frame && !rec->nsub)
			frame_free(m, rec->frame);
	}
	free(rec->sub);
	m->nair--;
	rec->next = m->free_recs;
	m->free_recs = rec;
}

void air_deinit(struct medium *m)
{
	for (uint32_t k = 0; k < m->nlanes; k++)
		while (m->lanes[k].first)
			rec_free(m, m->lanes[k].first);
	while (m->free_recs) {
		struct txrec *rec = m->free_recs;

		m->free_recs = rec->next;
		free(rec);
	}
	for (uint32_t k = 0; k < m->nlanes; k++)
		free(m->lanes[k].near);
	free(m->lanes);
	air_init(m);
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
	frac = txrec_spectral_fraction(rec, r->span_lo, r->span_hi);
	if (frac <= 0.0 || !(s = txrec_sender(m, rec)))
		return false;
	p = link_rx_dbm(m, s, r, rec->freq, &loss);
	if (frac < 1.0)
		p += 10.0 * log10(frac);
	return p >= m->p.cca_dbm || p - m->noise_dbm[0] >= m->p.preamble_snr_db;
}

static bool senses_busy(struct medium *m, struct mradio *r)
{
	struct txrec *rec;

	if (r->responding || r->nav_until > m->now)
		return true;
	FOR_EACH_AIR_NEAR(m, rec, r->span_lane)
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
	lane_of(m, r->span_lo, r->span_hi, &r->span_lane);
	chanidx_contend(m, r);
	r->backoff = rng_upto(&m->rng, r->cw);
	r->state = RADIO_CONTEND;
	r->busy = senses_busy(m, r);
	if (!r->busy) {
		r->idle_since = m->now;
		schedule_access(m, r);
	}
}

/*
 * r, contending with the air idle, senses it busy from now: its countdown
 * stops, less the slots that elapsed. Not if it is due this very
 * microsecond: it cannot have sensed anything yet, and sends too.
 */
static void freeze(struct medium *m, struct mradio *r)
{
	uint64_t start = r->idle_since + r->aifs;

	if (sched_queued(&r->ev) && r->ev.time <= m->now)
		return;
	if (m->now > start) {
		uint64_t slots = (m->now - start) / r->slot;

		r->backoff -= slots < r->backoff ? (uint32_t)slots : r->backoff;
	}
	sched_cancel(&m->sched, &r->ev);
	r->busy = true;
}

/* r, contending with the air busy, resumes its countdown if it now senses it idle. */
static void thaw(struct medium *m, struct mradio *r)
{
	if (senses_busy(m, r))
		return;
	r->busy = false;
	r->idle_since = m->now;
	schedule_access(m, r);
}

/* rec went on the air: contenders that sense it freeze their countdown. */
static void air_went_busy(struct medium *m, const struct txrec *rec)
{
	struct chanidx_iter it;

	for (struct mradio *r = chanidx_contenders(m, &it, rec); r; r = chanidx_next(m, &it)) {

		if (r->state != RADIO_CONTEND || r->busy || !senses(m, r, rec))
			continue;
		freeze(m, r);
	}
}

/* r decoded an RTS or CTS reserving the air until until: its NAV. */
static void nav_set(struct medium *m, struct mradio *r, uint64_t until)
{
	if (until <= r->nav_until || until <= m->now)
		return;
	r->nav_until = until;
	sched_add(&m->sched, &r->nav_ev, until);
	if (r->state == RADIO_CONTEND && !r->busy)
		freeze(m, r);
}

/*
 * rec left the air: contenders that now sense it idle resume. Only those
 * it could have kept busy need a look: its sender, and those contending on
 * spectrum it overlapped. Any other busy contender senses something else
 * (which it will look at again when that ends), so a transmission costs
 * the contenders of its own channel, not every radio's look at the air.
 */
static void air_went_idle(struct medium *m, const struct txrec *rec)
{
	struct chanidx_iter it;

	for (struct mradio *r = chanidx_contenders(m, &it, rec); r; r = chanidx_next(m, &it)) {
		if (r->state != RADIO_CONTEND || !r->busy)
			continue;
		if (!(rec->sender == r->idx && rec->sender_gen == r->gen) &&
		    txrec_spectral_fraction(rec, r->span_lo, r->span_hi) <= 0.0)
			continue;
		thaw(m, r);
	}
}

void air_kick(struct medium *m, struct mradio *r)
{
	struct mframe *f;

	if (r->state != RADIO_IDLE || !(f = frame_dequeue(r)))
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
	struct txrec *rec = m->free_recs;
	struct lane *l;

	if (rec) {
		m->free_recs = rec->next;
		memset(rec, 0, sizeof(*rec));
	} else {
		rec = xcalloc(1, sizeof(*rec));
	}
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
	rec->lane = lane_of(m, rec->lo, rec->hi, &s->sent_lane);
	l = &m->lanes[rec->lane];
	rec->prev = l->last;
	*(l->last ? &l->last->next : &l->first) = rec;
	l->last = rec;
	m->nair++;
	sched_add(&m->sched, &rec->ev, rec->end);
	air_went_busy(m, rec);
	return rec;
}

/*
 * Drop ended records that no reception still on the air overlaps, in the
 * lanes that overlap lane k (a record's that just ended): only there can
 * its end have let one go. A lane's records wait for the receptions under
 * way in the lanes that overlap it.
 */
static void prune(struct medium *m, uint32_t k)
{
	for (uint32_t i = 0; i < m->lanes[k].nnear; i++) {
		uint32_t j = m->lanes[k].near[i];
		uint64_t horizon = UINT64_MAX;
		struct txrec *rec, *next;

		FOR_EACH_AIR_NEAR(m, rec, j)
			if (!rec->ended && rec->start < horizon)
				horizon = rec->start;
		for (rec = m->lanes[j].first; rec; rec = next) {
			next = rec->next;
			if (rec->ended && rec->end <= horizon)
				rec_free(m, rec);
		}
	}
}

/* One attempt of f begins. */
static void attempt(struct medium *m, struct mradio *r, struct mframe *f)
{
	f->used[f->ri]++;
	if (++f->attempts > 1 && f->len >= 2)
		f->data[1] |= RETRY_BIT;	/* lets receivers drop the duplicate */
	m->c.tx_attempts++;
	r->st.tx_attempts++;
	if (f->attempts > 1)
		r->st.retries++;
}

/*
 * How long a sender waits for a control response of psdu bytes at ctl
 * after its frame ends (ACKTimeout, BlockAckTimeout, CTSTimeout): SIFS + a
 * slot + the response's airtime; by then it would have begun.
 */
static uint32_t response_timeout_us(const struct phy_rate *ctl, uint32_t psdu)
{
	return phy_sifs_us(ctl->band) + phy_slot_us(ctl) + phy_airtime_us(ctl, psdu);
}

/* The radio f is addressed to, if the medium knows it and it is not r; else -1. */
static int addressee(struct medium *m, const struct mradio *r, const struct mframe *f)
{
	int t = f->group ? -1 : radio_addr_lookup(m, f->dst);

	return t >= 0 && t != r->idx ? t : -1;
}

/* The data PPDU (a frame, or the A-MPDU sub[] lays out) goes on the air at start. */
static void send_data(struct medium *m, struct mradio *r, uint64_t start, uint32_t psdu,
		      const struct msub *sub)
{
	struct mframe *f = r->cur;
	struct txrec *rec;
	int t = addressee(m, r, f);

	r->state = RADIO_TX;
	rec = rec_new(m, TXREC_DATA, r, start, &f->phy[f->ri], f->freq, psdu);
	rec->frame = f;
	if (r->nagg) {
		rec->nsub = r->nagg;
		rec->sub = xreallocarray(NULL, r->nagg, sizeof(*sub));
		memcpy(rec->sub, sub, r->nagg * sizeof(*sub));
		rec->ampdu_ref = ++m->ampdu_ref;
		m->c.ampdus++;
		m->c.ampdu_mpdus += r->nagg;
		r->st.ampdus++;
		r->st.ampdu_mpdus += r->nagg;
	}
	if (t >= 0) {
		rec->target = t;
		rec->target_gen = m->radios[t]->gen;
	}
}

/* The air a data PPDU of psdu bytes holds, with the response it expects: SIFS + ACK or Block Ack. */
static uint32_t exchange_us(const struct mradio *r, uint32_t psdu)
{
	const struct mframe *f = r->cur;
	const struct phy_rate *rate = &f->phy[f->ri];
	struct phy_rate ack = phy_response_rate(rate, r->basic);
	uint32_t us = phy_airtime_us(rate, psdu);

	if (!f->no_ack)
		us += phy_sifs_us(rate->band) + phy_airtime_us(&ack, r->nagg ? BA_PSDU : ACK_PSDU);
	return us;
}

static void start_data(struct medium *m, struct mradio *r)
{
	struct mframe *f = r->cur;
	struct msub sub[AMPDU_MAX];
	uint32_t psdu = ampdu_gather(m, r, sub);
	uint16_t prot = f->rates[f->ri].flags & (PHY_RF_RTS_CTS | PHY_RF_CTS_PROTECT);
	struct phy_rate ctl = phy_protect_rate(&f->phy[f->ri], r->basic);
	struct phy_rate cts = phy_response_rate(&ctl, r->basic);
	uint32_t sifs = phy_sifs_us(ctl.band);
	struct txrec *rec;

	attempt(m, r, f);
	for (uint32_t i = 1; i < r->nagg; i++)
		attempt(m, r, r->agg[i]);
	if (!r->nagg)
		psdu = f->len + 4;
	if ((prot & PHY_RF_RTS_CTS) && !f->group && !f->no_ack) {
		/* RTS, then the frame once the addressee's CTS arrives (cts_ended). */
		int t = addressee(m, r, f);

		r->state = RADIO_WAIT_CTS;
		r->pend_psdu = psdu;
		if (r->nagg) {
			r->pend_sub = xreallocarray(NULL, r->nagg, sizeof(*sub));
			memcpy(r->pend_sub, sub, r->nagg * sizeof(*sub));
		}
		rec = rec_new(m, TXREC_RTS, r, m->now, &ctl, f->freq, RTS_PSDU);
		rec->target = t;
		rec->target_gen = t >= 0 ? m->radios[t]->gen : 0;
		rec->nav_us = 2 * sifs + phy_airtime_us(&cts, CTS_PSDU) + exchange_us(r, psdu);
		rec->attempt = f->attempts;
		memcpy(rec->ra, f->dst, 6);
		memcpy(rec->ta, f->len >= 16 ? f->data + 10 : r->id, 6);
		r->ack_rec = NULL;
		sched_add(&m->sched, &r->ev, rec->end + response_timeout_us(&cts, CTS_PSDU));
		return;
	}
	if (prot) {
		/* CTS-to-self: the frame follows after SIFS, whoever heard it. */
		rec = rec_new(m, TXREC_CTS, r, m->now, &ctl, f->freq, CTS_PSDU);
		rec->nav_us = sifs + exchange_us(r, psdu);
		rec->attempt = f->attempts;
		memcpy(rec->ra, f->len >= 16 ? f->data + 10 : r->id, 6);
		send_data(m, r, rec->end + sifs, psdu, sub);
		return;
	}
	send_data(m, r, m->now, psdu, sub);
}

/* ------------------------------------------------------------- reception */

/* ---------------------------------------------------------- TX outcomes */

/* f, which r sent, is done: its status goes out and it is freed. */
static void frame_done(struct medium *m, struct mradio *r, struct mframe *f, bool acked,
		       int32_t ack_signal)
{
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
	m->ops.tx_status(m->opaque, &st);
	frame_free(m, f);
}

static void air_complete(struct medium *m, struct mradio *r, bool acked, int32_t ack_signal)
{
	struct mframe *f = r->cur;

	r->cur = NULL;
	r->ack_rec = NULL;
	r->state = RADIO_IDLE;
	sched_cancel(&m->sched, &r->ev);
	frame_done(m, r, f, acked, ack_signal);
	air_kick(m, r);
}

/*
 * The next entry of f's chain with attempts allowed after entry i, or
 * f->nrates (entries no PHY can send have none: medium_tx()).
 */
static uint8_t next_rate(const struct mframe *f, uint8_t i)
{
	while (++i < f->nrates && !f->rates[i].count)
		;
	return i;
}

/* Whether f has an attempt left on its rate chain, moving along it if needed. */
static bool attempts_left(struct mframe *f)
{
	uint8_t next;

	if (f->used[f->ri] < f->rates[f->ri].count)
		return true;
	if ((next = next_rate(f, f->ri)) >= f->nrates)
		return false;
	f->ri = next;
	return true;
}

/*
 * The A-MPDU r sent is over: the MPDUs in acked (by place) were
 * acknowledged, the others go back to the head of the queue for the next
 * A-MPDU, or fail when their chains are spent. A lost Block Ack (acked 0)
 * doubles the contention window as a lost ACK does.
 */
static void ampdu_done(struct medium *m, struct mradio *r, uint64_t acked, int32_t ack_signal)
{
	struct mframe *agg[AMPDU_MAX];
	uint32_t n = r->nagg, keep = 0;
	const struct phy_rate *rate = &r->cur->phy[r->cur->ri];

	memcpy(agg, r->agg, n * sizeof(*agg));
	r->cur = NULL;
	r->nagg = 0;
	r->ack_rec = NULL;
	r->state = RADIO_IDLE;
	sched_cancel(&m->sched, &r->ev);
	for (uint32_t i = 0; i < n; i++) {
		if (acked >> i & 1)
			frame_done(m, r, agg[i], true, ack_signal);
		else if (!attempts_left(agg[i]))
			frame_done(m, r, agg[i], false, 0);
		else
			agg[keep++] = agg[i];
	}
	while (keep)
		frame_requeue(r, agg[--keep]);
	if (acked) {
		air_kick(m, r);
		return;
	}
	if (!(r->cur = frame_dequeue(r)))
		return;
	r->cw = 2 * r->cw + 1;
	if (r->cw > cw_max(r->cur->ac, rate))
		r->cw = cw_max(r->cur->ac, rate);
	contend(m, r);
}

/* Whether the attempt just made was the frame's last. */
static bool last_attempt(const struct mframe *f)
{
	return f->used[f->ri] >= f->rates[f->ri].count && next_rate(f, f->ri) >= f->nrates;
}

/* The attempt failed: next attempt along the rate chain, or give up. */
static void retry(struct medium *m, struct mradio *r)
{
	struct mframe *f = r->cur;

	if (r->nagg) {
		ampdu_done(m, r, 0, 0);
		return;
	}
	r->ack_rec = NULL;
	if (!attempts_left(f)) {
		air_complete(m, r, false, 0);
		return;
	}
	r->cw = 2 * r->cw + 1;
	if (r->cw > cw_max(f->ac, &f->phy[f->ri]))
		r->cw = cw_max(f->ac, &f->phy[f->ri]);
	contend(m, r);
}

/*
 * rec, s's frame or A-MPDU, just ended and wants a response (kind, psdu
 * bytes) at the control-response rate. target, the addressee that decoded
 * it, answers after SIFS without contending (and defers meanwhile); with no
 * target s waits out the timeout. The response on the air, or NULL.
 */
static struct txrec *await_response(struct medium *m, const struct txrec *rec, struct mradio *s,
				    struct mradio *target, enum txrec_kind kind, uint32_t psdu)
{
	struct phy_rate ctl = phy_response_rate(&rec->rate, (target ? target : s)->basic);
	const struct mframe *f = rec->frame;
	struct txrec *resp;

	s->state = RADIO_WAIT_ACK;
	s->ack_rec = NULL;
	if (!target) {
		sched_add(&m->sched, &s->ev, m->now + response_timeout_us(&ctl, psdu));
		return NULL;
	}
	target->responding++;
	resp = rec_new(m, kind, target, m->now + phy_sifs_us(ctl.band), &ctl, rec->freq, psdu);
	resp->target = s->idx;
	resp->target_gen = s->gen;
	resp->attempt = f->attempts;
	/* It goes to the address the frame came from (its addr2). */
	memcpy(resp->ra, f->len >= 16 ? f->data + 10 : s->id, 6);
	s->ack_rec = resp;
	return resp;
}

/*
 * What r made of frame f of rec (from s; target its addressee, or NULL),
 * at signal sig: a decoded frame is handed to r's side, whose kernel may
 * refuse it; counted either way. The fate after that.
 */
static enum medium_fate receive(struct medium *m, const struct txrec *rec, struct mframe *f,
				const struct mradio *s, struct mradio *r, const struct mradio *target,
				int32_t sig, enum medium_fate fate)
{
	if (fate == MEDIUM_FATE_OK) {
		struct medium_rx rx = {
			.client = r->client, .radio = r->id, .frame = f->data, .len = f->len,
			.freq = f->freq, .signal_dbm = sig, .rate = rec->rate, .time_us = m->now,
			.need_verdict = r == target && !f->no_ack,
			.elsewhere = r == target && chanidx_elsewhere(m, r, rec),
		};

		if (m->ops.deliver(m->opaque, &rx))
			m->c.rx_frames++;
		else
			fate = MEDIUM_FATE_ASLEEP;
	}
	rx_count(m, rec, s, r, r == target, fate, f->len);
	return fate;
}

static void data_ended(struct medium *m, struct txrec *rec)
{
	struct mradio *s = rec->orphan ? NULL : txrec_sender(m, rec);
	struct mframe *f = rec->frame;
	struct mradio *target = txrec_target(m, rec);
	bool target_ok = false, reporting = m->ops.on_air && s;
	uint32_t nov = rx_overlaps(m, rec), nrx = 0;
	struct medium_air a = { .attempt = f->attempts };
	struct chanidx_iter it;

	for (struct mradio *r = s ? chanidx_hearers(m, &it, rec) : NULL; r;
	     r = chanidx_next(m, &it)) {
		enum medium_fate fate;
		int32_t sig = 0;

		if (!r || !r->used || r == s)
			continue;
		if (m->p.addressee_only && !f->group && r != target)
			continue;
		if (!rx_decide(m, rec, r, nov, &sig, &fate))
			continue;
		fate = receive(m, rec, f, s, r, target, sig, fate);
		if (reporting) {
			report_rx(m, nrx++, &(struct medium_air_rx){
				.client = r->client, .radio = r->id, .signal_dbm = sig, .fate = fate,
				.addressee = r == target,
			});
		}
		if (fate == MEDIUM_FATE_OK && r == target)
			target_ok = true;
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
		report_send(m, rec, s, f->data, f->len, nrx, &a);

	if (a.next == MEDIUM_NEXT_DONE) {
		air_complete(m, s, false, 0);
		return;
	}
	await_response(m, rec, s, a.next == MEDIUM_NEXT_ACK ? target : NULL, TXREC_ACK, ACK_PSDU);
}

/* Where MPDU i of rec is on the air: its bytes' share of the data field after the preamble. */
static struct rx_span sub_span(const struct txrec *rec, uint32_t i, uint32_t pre)
{
	const struct msub *sb = &rec->sub[i];
	double data = (double)(rec->end - rec->start - pre);
	struct rx_span sp = {
		.t0 = rec->start + pre + (uint64_t)(data * sb->off / rec->psdu),
		.t1 = rec->start + pre + (uint64_t)(data * (sb->off + sb->len) / rec->psdu + 0.999),
		.len = sb->len - 4,	/* the MPDU and its FCS, without the delimiter */
		.unicast_data = true,
	};

	if (sp.t1 <= sp.t0)
		sp.t1 = sp.t0 + 1;
	return sp;
}

/*
 * An A-MPDU left the air: every radio that heard it decodes each MPDU on
 * its own; the addressee answers those it decoded with one Block Ack.
 */
static void ampdu_ended(struct medium *m, struct txrec *rec)
{
	struct mradio *s = rec->orphan ? NULL : txrec_sender(m, rec);
	struct mradio *target = txrec_target(m, rec);
	bool reporting = m->ops.on_air && s;
	uint32_t n = rec->nsub, nov, nrx = 0, pre = phy_airtime_us(&rec->rate, 0);
	uint64_t ok = 0;
	struct medium_air a;
	struct txrec *br;
	struct chanidx_iter it;

	if (!s)
		return;
	nov = rx_overlaps(m, rec);
	for (struct mradio *r = chanidx_hearers(m, &it, rec); r; r = chanidx_next(m, &it)) {
		double p, loss;

		if (!r || !r->used || r == s)
			continue;
		if (m->p.addressee_only && r != target)
			continue;
		if (!rx_signal(m, rec, r, &p, &loss))
			continue;
		for (uint32_t k = 0; k < n; k++) {
			struct rx_span sp = sub_span(rec, k, pre);
			struct mframe *f = rec->sub[k].f;
			enum medium_fate fate = rx_fate(m, rec, r, nov, p, loss, &sp);

			fate = receive(m, rec, f, s, r, target, (int32_t)lround(p), fate);
			if (reporting)
				report_fate(m, nrx, k, fate);
			if (fate == MEDIUM_FATE_OK && r == target)
				ok |= 1ull << k;
		}
		if (reporting) {
			report_rx(m, nrx++, &(struct medium_air_rx){
				.client = r->client, .radio = r->id, .signal_dbm = (int32_t)lround(p),
				.addressee = r == target,
			});
		}
	}
	if (ok && target->state == RADIO_TX)
		ok = 0;		/* it started sending meanwhile: no Block Ack */
	for (uint32_t k = 0; reporting && k < n; k++) {
		struct mframe *f = rec->sub[k].f;

		a = (struct medium_air){ .attempt = f->attempts, .ampdu_ref = rec->ampdu_ref,
					 .ampdu_last = k + 1 == n };
		if (ok >> k & 1)
			a.next = MEDIUM_NEXT_ACK;
		else
			a.next = last_attempt(f) ? MEDIUM_NEXT_FAIL : MEDIUM_NEXT_RETRY;
		report_pick(m, nrx, k);
		report_send(m, rec, s, f->data, f->len, nrx, &a);
	}

	br = await_response(m, rec, s, ok ? target : NULL, TXREC_BA, BA_PSDU);
	if (br) {
		br->ampdu_ref = rec->ampdu_ref;
		br->ba_mask = ok;
		ampdu_ba_frame(rec, ok, br->ra, rec->frame->data + 4, br->ba_frame);
	}
}

/* RTS (16 bytes) or CTS (10 bytes) as it goes on the air, without FCS. */
static uint32_t control_frame(const struct txrec *rec, uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = rec->kind == TXREC_RTS ? 0xb4 : 0xc4;
	out[2] = (uint8_t)(rec->nav_us > 32767 ? 32767 : rec->nav_us);
	out[3] = (uint8_t)((rec->nav_us > 32767 ? 32767 : rec->nav_us) >> 8);
	memcpy(out + 4, rec->ra, 6);
	if (rec->kind != TXREC_RTS)
		return 10;
	memcpy(out + 10, rec->ta, 6);
	return 16;
}

static void cts_failed(struct medium *m, struct mradio *s)
{
	free(s->pend_sub);
	s->pend_sub = NULL;
	s->ack_rec = NULL;
	retry(m, s);
}

/*
 * An RTS or CTS left the air. Every radio that decodes it but the one it
 * concerns sets its NAV; the RTS's addressee answers with a CTS if it is
 * free to (in no exchange of its own, its NAV clear); the sender, decoding
 * that CTS, sends its frame after SIFS.
 */
static void control_ended(struct medium *m, struct txrec *rec)
{
	struct mradio *c = txrec_sender(m, rec), *t = txrec_target(m, rec);
	struct medium_air rep = { .attempt = rec->attempt };
	bool reporting = m->ops.on_air && c, answered = false;
	uint32_t nov = rx_overlaps(m, rec), nrx = 0;
	uint8_t frame[16];
	uint32_t len = control_frame(rec, frame);
	struct chanidx_iter it;

	if (rec->kind == TXREC_CTS && rec->target >= 0 && c && c->responding)
		c->responding--;	/* a CTS answering an RTS */
	for (struct mradio *r = c ? chanidx_hearers(m, &it, rec) : NULL; r;
	     r = chanidx_next(m, &it)) {
		enum medium_fate fate;
		int32_t sig = 0;

		if (!r || !r->used || r == c)
			continue;
		if (m->p.addressee_only && r != t)
			continue;
		if (!rx_decide(m, rec, r, nov, &sig, &fate))
			continue;
		if (fate == MEDIUM_FATE_OK && r == t)
			answered = rec->kind == TXREC_RTS ?
					   (t->state == RADIO_IDLE || t->state == RADIO_CONTEND) &&
						   !t->responding && t->nav_until <= m->now :
					   t->state == RADIO_WAIT_CTS && t->ack_rec == rec;
		else if (fate == MEDIUM_FATE_OK)
			nav_set(m, r, rec->end + rec->nav_us);
		if (reporting) {
			report_rx(m, nrx++, &(struct medium_air_rx){
				.client = r->client, .radio = r->id, .signal_dbm = sig, .fate = fate,
				.addressee = r == t,
			});
		}
	}
	if (rec->kind == TXREC_RTS)
		rep.next = answered && c && c->state == RADIO_WAIT_CTS ? MEDIUM_NEXT_ACK :
			   c && c->cur && last_attempt(c->cur) ? MEDIUM_NEXT_FAIL :
								   MEDIUM_NEXT_RETRY;
	else if (answered || rec->target < 0)
		rep.next = MEDIUM_NEXT_ACK;
	else if (t && t->state == RADIO_WAIT_CTS && t->ack_rec == rec)
		rep.next = last_attempt(t->cur) ? MEDIUM_NEXT_FAIL : MEDIUM_NEXT_RETRY;
	else
		rep.next = MEDIUM_NEXT_DONE;
	if (reporting)
		report_send(m, rec, c, frame, len, nrx, &rep);

	if (rec->kind == TXREC_RTS) {
		uint32_t sifs = phy_sifs_us(rec->rate.band);
		struct phy_rate ctl;
		struct txrec *cr;

		if (!answered || !c || c->state != RADIO_WAIT_CTS)
			return;	/* no CTS: the sender's CTSTimeout runs out */
		ctl = phy_response_rate(&rec->rate, t->basic);
		t->responding++;
		cr = rec_new(m, TXREC_CTS, t, m->now + sifs, &ctl, rec->freq, CTS_PSDU);
		cr->target = c->idx;
		cr->target_gen = c->gen;
		cr->nav_us = rec->nav_us - sifs - phy_airtime_us(&ctl, CTS_PSDU);
		cr->attempt = rec->attempt;
		memcpy(cr->ra, rec->ta, 6);
		c->ack_rec = cr;
		return;
	}
	if (rec->target < 0 || !t || t->state != RADIO_WAIT_CTS || t->ack_rec != rec)
		return;
	sched_cancel(&m->sched, &t->ev);
	if (!answered) {
		cts_failed(m, t);
		return;
	}
	t->ack_rec = NULL;
	send_data(m, t, m->now + phy_sifs_us(rec->rate.band), t->pend_psdu, t->pend_sub);
	free(t->pend_sub);
	t->pend_sub = NULL;
}

/*
 * An ACK or Block Ack left the air: the frame's (or A-MPDU's) sender
 * learns what arrived if it still waits for it and decodes it. A lost ACK
 * ends a frame on its last attempt; after a lost Block Ack each MPDU's
 * own chain decides.
 */
static void response_ended(struct medium *m, struct txrec *rec)
{
	struct mradio *a = txrec_sender(m, rec);
	struct mradio *s = m->radios[rec->target];
	bool waiting = s->used && s->gen == rec->target_gen && s->state == RADIO_WAIT_ACK &&
		       s->ack_rec == rec;
	bool ba = rec->kind == TXREC_BA, heard = false;
	struct medium_air rep = { .attempt = rec->attempt, .ampdu_ref = rec->ampdu_ref };
	enum medium_fate fate = MEDIUM_FATE_NOISE;
	uint8_t ack[10] = { 0xd4, 0x00 };
	uint32_t nrx = 0;
	int32_t sig = 0;

	if (a && a->responding)
		a->responding--;
	memcpy(ack + 4, rec->ra, 6);
	if (waiting) {
		heard = rx_decide(m, rec, s, rx_overlaps(m, rec), &sig, &fate);
		rep.acked = heard && fate == MEDIUM_FATE_OK;
		rep.next = rep.acked		       ? MEDIUM_NEXT_DONE :
			   !ba && last_attempt(s->cur) ? MEDIUM_NEXT_FAIL :
							 MEDIUM_NEXT_RETRY;
	}
	if (a && m->ops.on_air) {
		if (heard) {
			report_rx(m, nrx++, &(struct medium_air_rx){
				.client = s->client, .radio = s->id, .signal_dbm = sig, .fate = fate,
				.addressee = true,
			});
		}
		report_send(m, rec, a, ba ? rec->ba_frame : ack,
			    ba ? sizeof(rec->ba_frame) : sizeof(ack), nrx, &rep);
	}
	if (!waiting)
		return;
	if (ba)
		ampdu_done(m, s, rep.acked ? rec->ba_mask : 0, sig);
	else if (rep.acked)
		air_complete(m, s, true, sig);
	else
		retry(m, s);
}

void air_dispatch(struct medium *m, struct sched_event *ev)
{
	struct txrec *rec;

	if (ev->tag == EV_RADIO) {
		/* A radio's own event: access after backoff, or ACK or CTS timeout. */
		struct mradio *r = (struct mradio *)((char *)ev - offsetof(struct mradio, ev));

		if (r->state == RADIO_CONTEND)
			start_data(m, r);
		else if (r->state == RADIO_WAIT_ACK)
			retry(m, r);
		else if (r->state == RADIO_WAIT_CTS)
			cts_failed(m, r);
		return;
	}
	if (ev->tag == EV_NAV) {
		struct mradio *r = (struct mradio *)((char *)ev - offsetof(struct mradio, nav_ev));

		if (r->state == RADIO_CONTEND && r->busy)
			thaw(m, r);
		return;
	}
	rec = (struct txrec *)((char *)ev - offsetof(struct txrec, ev));
	rec->ended = true;
	stats_airtime(m, txrec_sender(m, rec), rec->freq, rec->end - rec->start);
	if (rec->kind == TXREC_DATA) {
		if (rec->nsub)
			ampdu_ended(m, rec);
		else
			data_ended(m, rec);
		/* The frames stay the sender's (or were completed): only an orphan's are ours. */
		if (!rec->orphan) {
			rec->frame = NULL;
			free(rec->sub);
			rec->sub = NULL;
			rec->nsub = 0;
		}
	} else if (rec->kind == TXREC_RTS || rec->kind == TXREC_CTS) {
		control_ended(m, rec);
	} else {
		response_ended(m, rec);
	}
	air_went_idle(m, rec);
	prune(m, rec->lane);
}

void air_radio_gone(struct medium *m, struct mradio *r)
{
	sched_cancel(&m->sched, &r->ev);
	sched_cancel(&m->sched, &r->nav_ev);
	free(r->pend_sub);
	r->pend_sub = NULL;
	if (r->state == RADIO_TX) {
		struct txrec *rec;

		for (uint32_t k = 0; k < m->nlanes; k++) {
			for (rec = m->lanes[k].first; rec; rec = rec->next) {
				if (!rec->ended && rec->kind == TXREC_DATA && rec->frame == r->cur) {
					rec->orphan = true;	/* the frames stay on the air until its end */
					r->cur = NULL;
					r->nagg = 0;
				}
			}
		}
	}
	for (uint32_t i = 1; i < r->nagg; i++)
		frame_free(m, r->agg[i]);
	if (r->cur)
		frame_free(m, r->cur);
	r->cur = NULL;
	r->nagg = 0;
	r->ack_rec = NULL;
	r->state = RADIO_IDLE;
}
