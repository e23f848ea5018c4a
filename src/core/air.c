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
#include "air.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/chanidx.h"
#include "core/frame.h"
#include "core/link.h"
#include "core/radio.h"
#include "core/report.h"
#include "core/rx.h"
#include "core/stats.h"
#include "util/util.h"

#define ACK_PSDU 14		/* 10-byte ACK + FCS */
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
	m->air.prev = m->air.next = &m->air;
	m->nair = 0;
}

static void rec_free(struct medium *m, struct txrec *rec)
{
	rec->prev->next = rec->next;
	rec->next->prev = rec->prev;
	sched_cancel(&m->sched, &rec->ev);
	if (rec->orphan && rec->frame)
		frame_free(m, rec->frame);
	m->nair--;
	free(rec);
}

void air_deinit(struct medium *m)
{
	while (m->air.next != &m->air)
		rec_free(m, m->air.next);
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
	chanidx_contend(m, r);
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
	struct chanidx_iter it;

	for (struct mradio *r = chanidx_contenders(m, &it, rec); r; r = chanidx_next(m, &it)) {
		uint64_t start;

		if (r->state != RADIO_CONTEND || r->busy || !senses(m, r, rec))
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
		int t = radio_addr_lookup(m, f->dst);

		if (t >= 0 && t != r->idx) {
			rec->target = t;
			rec->target_gen = m->radios[t]->gen;
		}
	}
}

/* ------------------------------------------------------------- reception */

/* ---------------------------------------------------------- TX outcomes */

static void air_complete(struct medium *m, struct mradio *r, bool acked, int32_t ack_signal)
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
	frame_free(m, f);
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
	struct mradio *s = rec->orphan ? NULL : txrec_sender(m, rec);
	struct mframe *f = rec->frame;
	struct mradio *target = NULL;
	bool target_ok = false, reporting = m->ops.on_air && s;
	uint32_t nov = rx_overlaps(m, rec), nrx = 0;
	struct medium_air a = { .attempt = f->attempts };
	struct chanidx_iter it;

	if (rec->target >= 0) {
		target = m->radios[rec->target];
		if (!target->used || target->gen != rec->target_gen)
			target = NULL;
	}
	for (struct mradio *r = s ? chanidx_hearers(m, &it, rec) : NULL; r;
	     r = chanidx_next(m, &it)) {
		struct medium_rx rx;
		enum medium_fate fate;
		int32_t sig = 0;

		if (!r || !r->used || r == s)
			continue;
		if (m->p.addressee_only && !f->group && r != target)
			continue;
		if (!rx_decide(m, rec, r, nov, &sig, &fate))
			continue;
		if (fate == MEDIUM_FATE_OK) {
			rx = (struct medium_rx){
				.client = r->client, .radio = r->id, .frame = f->data, .len = f->len,
				.freq = f->freq, .signal_dbm = sig, .rate = rec->rate,
				.time_us = m->now, .need_verdict = r == target && !f->no_ack,
				.elsewhere = r == target && chanidx_elsewhere(m, r, rec),
			};
			if (m->ops.deliver(m->opaque, &rx))
				m->c.rx_frames++;
			else
				fate = MEDIUM_FATE_ASLEEP;
		}
		rx_count(m, rec, s, r, r == target, fate);
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
	struct mradio *a = txrec_sender(m, rec);
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
			report_send(m, rec, a, frame, sizeof(frame), 0, &rep);
		return;
	}
	nov = rx_overlaps(m, rec);
	heard = rx_decide(m, rec, s, nov, &sig, &fate);
	rep.acked = heard && fate == MEDIUM_FATE_OK;
	rep.next = rep.acked ? MEDIUM_NEXT_DONE : last_attempt(s->cur) ? MEDIUM_NEXT_FAIL :
								   MEDIUM_NEXT_RETRY;
	if (a && m->ops.on_air) {
		if (heard) {
			report_rx(m, nrx++, &(struct medium_air_rx){
				.client = s->client, .radio = s->id, .signal_dbm = sig, .fate = fate,
				.addressee = true,
			});
		}
		report_send(m, rec, a, frame, sizeof(frame), nrx, &rep);
	}
	if (rep.acked)
		air_complete(m, s, true, sig);
	else
		retry(m, s);
}

void air_dispatch(struct medium *m, struct sched_event *ev)
{
	struct txrec *rec;

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
	stats_airtime(m, txrec_sender(m, rec), rec->freq, rec->end - rec->start);
	if (rec->kind == TXREC_DATA) {
		data_ended(m, rec);
		/* The frame stays the sender's (or was completed): only an orphan's is ours. */
		if (!rec->orphan)
			rec->frame = NULL;
	} else {
		ack_ended(m, rec);
	}
	air_went_idle(m, rec);
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
		frame_free(m, r->cur);
	r->cur = NULL;
	r->ack_rec = NULL;
	r->state = RADIO_IDLE;
}
