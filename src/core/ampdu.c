/* SPDX-License-Identifier: MIT */
/*
 * Aggregation: which frames a radio may send together, and within what
 * limits. A radio originates Block Ack agreements (learned from the ADDBA
 * Responses its peers send, ended by DELBA, deauthentication and
 * disassociation); each peer states in its (re)association frames the
 * longest A-MPDU it takes and how far apart MPDUs must start. Under
 * protected management frames the agreements are encrypted: a pair that
 * exchanged protected action frames is taken to have agreements on every
 * TID, with the usual window of 64.
 */
#include "ampdu.h"

#include <stdlib.h>
#include <string.h>

#include "core/frame.h"
#include "core/phy.h"
#include "core/radio.h"
#include "util/util.h"

#define HT_MAX_AMPDU 65535	/* maximum A-MPDU length exponent 3 */
#define VHT_MAX_AMPDU 1048575	/* exponent 7 */
#define PPDU_MAX_US 5484	/* aPPDUMaxTime of HT-mixed and VHT PPDUs */
#define DELIMITER 4		/* MPDU delimiter before each MPDU */
#define SCAN_MAX 256		/* queued frames looked at for one A-MPDU */

static void agreement_set(struct mradio *o, uint64_t key, uint16_t win)
{
	struct mba *b = map64_get(&o->ba, key);

	if (!b && o->ba.count >= BA_MAX)
		return;
	if (!b)
		b = map64_put(&o->ba, key);
	b->win = win;
}

static void agreements_end(struct mradio *o, uint64_t peer)
{
	for (uint8_t tid = 0; tid < 16; tid++)
		map64_del(&o->ba, BA_KEY(peer, tid));
	map64_del(&o->ba, BA_KEY_OPAQUE(peer));
}

void ampdu_learn(struct medium *m, struct mradio *r, const struct medium_tx *tx)
{
	const struct medium_agg *a = &tx->agg;
	struct mradio *peer = NULL;
	int p;

	if (!tx->has_src)
		return;
	if (a->has_caps)
		r->caps = (struct mcaps){ a->ht_max_ampdu, a->vht_max_ampdu, a->density_q };
	if (a->ba == MEDIUM_BA_NONE || tx->group)
		return;
	p = radio_addr_lookup(m, tx->dst);
	if (p >= 0 && p != r->idx)
		peer = m->radios[p];
	switch (a->ba) {
	case MEDIUM_BA_ADD:
		/* The recipient answers: the addressee originates. */
		if (peer)
			agreement_set(peer, BA_KEY(mac48(tx->src), a->ba_tid), a->ba_win);
		break;
	case MEDIUM_BA_DEL:
		if (a->ba_initiator)
			map64_del(&r->ba, BA_KEY(mac48(tx->dst), a->ba_tid));
		else if (peer)
			map64_del(&peer->ba, BA_KEY(mac48(tx->src), a->ba_tid));
		break;
	case MEDIUM_BA_RESET:
		agreements_end(r, mac48(tx->dst));
		if (peer)
			agreements_end(peer, mac48(tx->src));
		break;
	case MEDIUM_BA_OPAQUE:
		agreement_set(r, BA_KEY_OPAQUE(mac48(tx->dst)), AMPDU_MAX);
		if (peer)
			agreement_set(peer, BA_KEY_OPAQUE(mac48(tx->src)), AMPDU_MAX);
		break;
	case MEDIUM_BA_NONE:
		break;
	}
}

void ampdu_radio_free(struct mradio *r)
{
	map64_free(&r->ba);
	free(r->agg);
	r->agg = NULL;
	r->nagg = 0;
}

/* The agreement's window for (dst, tid) at r, capped at AMPDU_MAX; 0 without one. */
static uint32_t ba_window(const struct mradio *r, const uint8_t dst[6], uint8_t tid)
{
	const struct mba *b = map64_get(&r->ba, BA_KEY(mac48(dst), tid));

	if (!b)
		b = map64_get(&r->ba, BA_KEY_OPAQUE(mac48(dst)));
	if (!b)
		return 0;
	return b->win < AMPDU_MAX ? b->win : AMPDU_MAX;
}

static bool same_rate(const struct phy_rate *a, const struct phy_rate *b)
{
	return a->band == b->band && a->mode == b->mode && a->mcs == b->mcs && a->nss == b->nss &&
	       a->bw == b->bw && a->sgi == b->sgi && a->greenfield == b->greenfield;
}

/* How long the A-MPDU may last: aPPDUMaxTime, or the TXOP limit with its Block Ack. */
static uint32_t ppdu_limit_us(enum medium_ac ac, const struct phy_rate *rate)
{
	struct phy_rate ack = phy_ack_rate(rate);
	uint32_t resp = phy_sifs_us(rate->band) + phy_airtime_us(&ack, BA_PSDU);

	switch (ac) {
	case MEDIUM_AC_VI:
		return 3008 - resp;
	case MEDIUM_AC_VO:
		return 1504 - resp;
	case MEDIUM_AC_BK:
	case MEDIUM_AC_BE:
		break;
	}
	return PPDU_MAX_US;
}

/* An MPDU's share of the A-MPDU before padding: at least min (start spacing). */
static uint32_t sub_len(const struct mframe *f, uint32_t min)
{
	uint32_t n = DELIMITER + f->len + 4;

	return n < min ? min : n;
}

uint32_t ampdu_gather(struct medium *m, struct mradio *r, struct msub *sub)
{
	struct mframe *head = r->cur, *prev = NULL, *f, *next;
	const struct phy_rate *rate = &head->phy[head->ri];
	bool vht = rate->mode == PHY_MODE_VHT;
	const struct mcaps *caps;
	int t;
	uint32_t win, maxlen, minsub, limit, psdu, n = 1, scanned = 0;

	r->nagg = 0;
	if (!head->qos || head->group || head->no_ack || (rate->mode != PHY_MODE_HT && !vht))
		return 0;
	win = ba_window(r, head->dst, head->tid);
	if (win < 2 || !r->qhead[head->ac])
		return 0;
	/* The addressee's limits; a radio the medium does not know states none. */
	t = radio_addr_lookup(m, head->dst);
	caps = t >= 0 ? &m->radios[t]->caps : &(const struct mcaps){ 0 };
	if (vht)
		maxlen = caps->vht_max ? caps->vht_max : VHT_MAX_AMPDU;
	else
		maxlen = caps->ht_max ? caps->ht_max : HT_MAX_AMPDU;
	/* Quarter microseconds at kbit/s: bytes = q / 4 * kbps / 8000. */
	minsub = (uint32_t)(((uint64_t)caps->density_q * phy_rate_kbps(rate) + 31999) / 32000);
	limit = ppdu_limit_us(head->ac, rate);

	sub[0] = (struct msub){ head, 0, sub_len(head, minsub) };
	psdu = sub[0].len;
	for (f = r->qhead[head->ac]; f && n < win && scanned++ < SCAN_MAX; f = next) {
		uint32_t off, len;

		next = f->next;
		if (!f->qos || f->no_ack || f->tid != head->tid || !mac_equal(f->dst, head->dst) ||
		    !same_rate(&f->phy[f->ri], rate)) {
			prev = f;
			continue;
		}
		/* Sequence numbers of one TID come in order: past the window, so is the rest. */
		if ((uint16_t)(f->sn - head->sn) % 4096 >= win)
			break;
		off = (psdu + 3) & ~3u;
		len = sub_len(f, minsub);
		if (off + len > maxlen || phy_airtime_us(rate, off + len) > limit)
			break;
		if (!r->agg)
			r->agg = xcalloc(AMPDU_MAX, sizeof(*r->agg));
		frame_unlink(r, head->ac, prev);
		r->agg[n] = f;
		sub[n++] = (struct msub){ f, off, len };
		psdu = off + len;
	}
	if (n < 2)
		return 0;
	r->agg[0] = head;
	r->nagg = n;
	return psdu;
}

void ampdu_ba_frame(const struct txrec *rec, uint64_t ok, const uint8_t ra[6],
		    const uint8_t ta[6], uint8_t out[28])
{
	uint16_t ssn = rec->sub[0].f->sn;
	uint16_t ctl = (uint16_t)(1u << 2 | (unsigned)rec->sub[0].f->tid << 12);	/* compressed */
	uint64_t bitmap = 0;

	for (uint32_t i = 0; i < rec->nsub; i++) {
		uint16_t d = (uint16_t)(rec->sub[i].f->sn - ssn) % 4096;

		if ((ok >> i & 1) && d < 64)
			bitmap |= 1ull << d;
	}
	memset(out, 0, 28);
	out[0] = 0x94;			/* control, Block Ack */
	memcpy(out + 4, ra, 6);
	memcpy(out + 10, ta, 6);
	out[16] = (uint8_t)ctl;
	out[17] = (uint8_t)(ctl >> 8);
	out[18] = (uint8_t)(ssn << 4);
	out[19] = (uint8_t)(ssn >> 4);
	for (int i = 0; i < 8; i++)
		out[20 + i] = (uint8_t)(bitmap >> (8 * i));
}
