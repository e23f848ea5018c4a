/* SPDX-License-Identifier: MIT */
/*
 * The harness of the medium's tests: radios on pinned links, a log of
 * deliveries, statuses and on_air reports, and checks that every report is
 * consistent. Included by test-medium.c, test-medium-report.c and
 * test-medium-state.c.
 */
#ifndef WM_TESTS_MEDIUM_ENV_H
#define WM_TESTS_MEDIUM_ENV_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/medium.h"

#define MAXLOG 20000
#define MAXRX 8
#define NOISE_20 (-174.0 + 73.0103 + 7.0)	/* 20 MHz, NF 7 dB */

struct sendopt {
	uint32_t freq;
	uint32_t len;
	int8_t idx[4];
	uint8_t count[4];
	uint16_t flags[4];
	bool no_ack;
	const uint8_t *src;		/* addr2 other than the radio's address */
	uint8_t fc[2];			/* Frame Control if not zero, else a data frame's */
	uint16_t basic_rates;		/* medium_tx.basic_rates and basic_to_addressee */
	bool basic_to_addressee;
};

static const struct sendopt ofdm6 __attribute__((unused)) = {
	.freq = 5180, .len = 1500, .idx = { 0, -1, -1, -1 }, .count = { 4 },
};

struct rxlog {
	uint32_t client;
	uint8_t radio[6];
	uint8_t src_last;		/* last octet of addr2 */
	bool retry;
	int32_t signal;
	uint64_t time;
	uint32_t len, freq;
};

struct stlog {
	uint32_t client;
	uint8_t radio[6];
	uint64_t cookie;
	bool acked;
	struct medium_rate rates[MEDIUM_MAX_RATES];
	int32_t ack_signal;
	uint64_t time;
	enum medium_drop drop;
	uint32_t len, freq;
};

/* A copy of one on_air report: the callback's pointers do not outlive it. */
struct airlog {
	enum medium_air_kind kind;
	uint32_t client;
	uint8_t radio[6];
	uint8_t frame[28];		/* the header (and a Block Ack) is all the tests look at */
	uint32_t len, freq;
	struct phy_rate rate;
	double tx_power, noise;
	uint64_t start, end;
	unsigned attempt;
	enum medium_air_next next;
	bool acked;
	uint32_t ampdu_ref;
	bool ampdu_last;
	struct medium_air_rx rx[MAXRX];	/* radio points into rx_id */
	uint8_t rx_id[MAXRX][6];
	uint32_t nrx;
};

struct env {
	struct medium *m;
	struct rxlog rx[MAXLOG];
	unsigned nrx;
	struct stlog st[MAXLOG];
	unsigned nst;
	struct airlog air[MAXLOG];
	unsigned nair;
	unsigned dup_notices;
	uint64_t cookie;
	bool asleep[8];			/* radio i's kernel refuses deliveries */
	unsigned refused, refused_verdict, refused_elsewhere;
	bool reenter;			/* on_status tries medium_tx */
	int reenter_ret;
};

static inline int send_frame(struct env *e, uint64_t now, int i, int j, const struct sendopt *o);

static inline bool on_deliver(void *opaque, const struct medium_rx *rx)
{
	struct env *e = opaque;
	struct rxlog *l;

	/* As a transport that cannot ask its radio: the medium's belief stands. */
	if (rx->elsewhere) {
		e->refused_elsewhere++;
		return false;
	}
	if (rx->client < 8 && e->asleep[rx->client]) {
		e->refused++;
		e->refused_verdict += rx->need_verdict;
		return false;
	}
	assert_true(e->nrx < MAXLOG);
	l = &e->rx[e->nrx++];
	l->client = rx->client;
	memcpy(l->radio, rx->radio, 6);
	l->src_last = rx->len >= 16 ? rx->frame[15] : 0;
	l->retry = rx->frame[1] & 0x08;
	l->signal = rx->signal_dbm;
	l->time = rx->time_us;
	l->len = rx->len;
	l->freq = rx->freq;
	return true;
}

static inline void on_status(void *opaque, const struct medium_status *st)
{
	struct env *e = opaque;
	struct stlog *l;

	assert_true(e->nst < MAXLOG);
	l = &e->st[e->nst++];
	l->client = st->client;
	memcpy(l->radio, st->radio, 6);
	l->cookie = st->cookie;
	l->acked = st->acked;
	memcpy(l->rates, st->rates, sizeof(l->rates));
	l->ack_signal = st->ack_signal_dbm;
	l->time = st->time_us;
	l->drop = st->drop;
	l->len = st->len;
	l->freq = st->freq;
	if (e->reenter) {
		e->reenter = false;
		e->reenter_ret = send_frame(e, st->time_us, 0, 1, &ofdm6);
	}
}

static inline void on_notice(void *opaque, const struct medium_notice *n)
{
	struct env *e = opaque;

	if (n->kind == MEDIUM_NOTICE_DUP_ADDR)
		e->dup_notices++;
}

static inline void on_air(void *opaque, const struct medium_air *a)
{
	struct env *e = opaque;
	struct airlog *l;

	assert_true(e->nair < MAXLOG);
	assert_true(a->nrx <= MAXRX);
	l = &e->air[e->nair++];
	l->kind = a->kind;
	l->client = a->client;
	memcpy(l->radio, a->radio, 6);
	memcpy(l->frame, a->frame, a->len < sizeof(l->frame) ? a->len : sizeof(l->frame));
	l->len = a->len;
	l->freq = a->freq;
	l->rate = a->rate;
	l->tx_power = a->tx_power_dbm;
	l->noise = a->noise_dbm;
	l->start = a->start_us;
	l->end = a->end_us;
	l->attempt = a->attempt;
	l->next = a->next;
	l->acked = a->acked;
	l->ampdu_ref = a->ampdu_ref;
	l->ampdu_last = a->ampdu_last;
	l->nrx = a->nrx;
	for (uint32_t i = 0; i < a->nrx; i++) {
		l->rx[i] = a->rx[i];
		memcpy(l->rx_id[i], a->rx[i].radio, 6);
		l->rx[i].radio = l->rx_id[i];
	}
}

static const struct medium_ops ops __attribute__((unused)) = {
	on_deliver, on_status, on_notice, on_air,
};
static const struct medium_ops ops_quiet __attribute__((unused)) = {
	on_deliver, on_status, on_notice, NULL,
};

/* Radio i: identity 42:00:00:00:ii:00, 802.11 address 02:00:00:00:ii:00. */
static inline void ident(int i, uint8_t mac[6])
{
	const uint8_t b[6] = { 0x42, 0, 0, 0, (uint8_t)i, 0 };

	memcpy(mac, b, 6);
}

static inline void addr(int i, uint8_t mac[6])
{
	ident(i, mac);
	mac[0] = 0x02;
}

static inline struct env *env_new_ops(const struct medium_params *p, const struct medium_ops *o)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->m = medium_new(p, o, e);
	return e;
}

static inline struct env *env_new(const struct medium_params *p)
{
	return env_new_ops(p, &ops);
}

static inline void env_free(struct env *e)
{
	medium_free(e->m);
	free(e);
}

/* A node per radio, bound by the radio's 802.11 address, and the radio itself. */
static inline int add_radio(struct env *e, int i, double x, double y)
{
	struct medium_node_conf nc = { .has_mac = true, .pos = { x, y, 0 }, .tx_power_dbm = 20 };
	uint8_t id[6], a[6];
	int node;

	addr(i, nc.mac);
	node = medium_node_add(e->m, &nc);
	assert_true(node >= 0);
	ident(i, id);
	addr(i, a);
	assert_int_equal(medium_addr_add(e->m, (uint32_t)i, id, a), 0);
	return node;
}

static inline struct medium_params params_snr(void)
{
	struct medium_params p;

	medium_params_init(&p);
	p.link_model = MEDIUM_LINK_SNR;
	p.default_snr_db = -30;		/* unpinned pairs hear nothing */
	p.seed = 42;
	return p;
}

/* Symmetric pinned SNR between radios i and j (nodes are added in radio order). */
static inline void link(struct env *e, int i, int j, double snr)
{
	assert_int_equal(medium_link_set_snr(e->m, i, j, snr), 0);
	assert_int_equal(medium_link_set_snr(e->m, j, i, snr), 0);
}

/* Radio i sends a data frame to radio j (j < 0: broadcast, j >= 1000: nobody). */
static inline int send_frame(struct env *e, uint64_t now, int i, int j, const struct sendopt *o)
{
	static uint8_t frame[2400];
	struct medium_tx tx = {
		.client = (uint32_t)i, .frame = frame, .len = o->len, .freq = o->freq,
		.flags = 1, .cookie = ++e->cookie, .has_src = true, .ac = MEDIUM_AC_BE,
	};

	ident(i, tx.radio);
	if (o->src)
		memcpy(tx.src, o->src, 6);
	else
		addr(i, tx.src);
	if (j < 0) {
		memset(tx.dst, 0xff, 6);
		tx.group = true;
	} else {
		addr(j, tx.dst);
	}
	tx.no_ack = o->no_ack || tx.group;
	tx.basic_rates = o->basic_rates;
	tx.basic_to_addressee = o->basic_to_addressee;
	for (int k = 0; k < 4; k++)
		tx.rates[k] = (struct medium_rate){ o->idx[k], o->count[k], o->flags[k] };
	memset(frame, 0, sizeof(frame));
	frame[0] = o->fc[0] || o->fc[1] ? o->fc[0] : 0x08;
	frame[1] = o->fc[1];
	memcpy(frame + 4, tx.dst, 6);
	memcpy(frame + 10, tx.src, 6);
	return medium_tx(e->m, now, &tx);
}

static inline int slot_of(struct env *e, int i)
{
	uint8_t id[6];
	int s;

	ident(i, id);
	s = medium_radio_slot(e->m, (uint32_t)i, id);
	assert_true(s >= 0);
	return s;
}

static inline struct medium_radio_info info_of(struct env *e, int i)
{
	struct medium_radio_info ri;

	assert_int_equal(medium_radio_info(e->m, (uint32_t)slot_of(e, i), &ri), 0);
	return ri;
}

static inline bool rate_eq(const struct phy_rate *a, const struct phy_rate *b)
{
	return a->band == b->band && a->mode == b->mode && a->mcs == b->mcs && a->nss == b->nss &&
	       a->bw == b->bw && a->sgi == b->sgi && a->short_preamble == b->short_preamble &&
	       a->greenfield == b->greenfield;
}

static inline struct phy_rate hwsim_rate(int8_t idx, uint16_t flags, uint32_t freq)
{
	struct phy_rate r;

	assert_int_equal(phy_rate_from_hwsim(idx, flags, phy_band_of_freq(freq), &r), 0);
	return r;
}

/*
 * What every report must satisfy whatever the scenario: end-time order,
 * duration = airtime of the PSDU at the reported rate (an A-MPDU's MPDUs
 * share its PPDU, which is longer than each), ACKs 10 bytes and Block Acks
 * 28 after SIFS, no radio listed twice or as its own receiver.
 */
static inline void check_reports(const struct env *e)
{
	for (unsigned k = 0; k < e->nair; k++) {
		const struct airlog *a = &e->air[k];

		if (k)
			assert_true(e->air[k - 1].end <= a->end);
		if (a->kind == MEDIUM_AIR_DATA && a->ampdu_ref)
			assert_true(a->end - a->start > phy_airtime_us(&a->rate, a->len + 4));
		else
			assert_int_equal(a->end - a->start, phy_airtime_us(&a->rate, a->len + 4));
		if (a->kind == MEDIUM_AIR_BLOCK_ACK) {
			assert_int_equal(a->len, 28);
			assert_int_equal(a->frame[0], 0x94);
			assert_true(a->ampdu_ref);
			assert_true(a->nrx <= 1);
		}
		if (a->kind == MEDIUM_AIR_ACK) {
			assert_int_equal(a->len, 10);
			assert_int_equal(a->frame[0], 0xd4);
			assert_int_equal(a->frame[1], 0);
			assert_true(a->nrx <= 1);
		}
		for (uint32_t i = 0; i < a->nrx; i++) {
			assert_false(a->rx[i].client == a->client &&
				     !memcmp(a->rx[i].radio, a->radio, 6));
			for (uint32_t j = 0; j < i; j++)
				assert_false(a->rx[i].client == a->rx[j].client &&
					     !memcmp(a->rx[i].radio, a->rx[j].radio, 6));
		}
	}
}

/*
 * Every counter derived from the reports: per receiving radio by fate, per
 * ordered link, in total; compared with what the medium counted.
 */
static inline void check_counters_match_reports(struct env *e, int nradios)
{
	struct medium_link_counters want[8][8], got;
	struct medium_radio_info ri;
	struct medium_counters mc;
	uint64_t fates[8][6] = { { 0 } }, rxb[8] = { 0 }, air[8] = { 0 }, coll = 0, rx = 0;

	assert_true(nradios <= 8);
	memset(want, 0, sizeof(want));
	for (unsigned k = 0; k < e->nair; k++) {
		const struct airlog *a = &e->air[k];

		/* An A-MPDU's airtime once, with its last MPDU. */
		if (!a->ampdu_ref || a->ampdu_last || a->kind != MEDIUM_AIR_DATA)
			air[a->client] += a->end - a->start;
		for (uint32_t i = 0; i < a->nrx; i++) {
			const struct medium_air_rx *x = &a->rx[i];
			struct medium_link_counters *l = &want[a->client][x->client];

			coll += x->fate == MEDIUM_FATE_COLLISION;
			if (a->kind != MEDIUM_AIR_DATA)
				continue;
			fates[x->client][x->fate]++;
			if (x->addressee) {
				l->has_rate = true;
				l->rate = a->rate;
			}
			if (x->fate == MEDIUM_FATE_OK) {
				l->frames++;
				l->bytes += a->len;
				rxb[x->client] += a->len;
				rx++;
			} else {
				l->lost++;
				l->collisions += x->fate == MEDIUM_FATE_COLLISION;
			}
		}
	}
	for (int i = 0; i < nradios; i++) {
		ri = info_of(e, i);
		assert_int_equal(ri.c.rx_frames, fates[i][MEDIUM_FATE_OK]);
		assert_int_equal(ri.c.rx_bytes, rxb[i]);
		assert_int_equal(ri.c.rx_noise, fates[i][MEDIUM_FATE_NOISE]);
		assert_int_equal(ri.c.rx_collision, fates[i][MEDIUM_FATE_COLLISION]);
		assert_int_equal(ri.c.rx_loss, fates[i][MEDIUM_FATE_LOSS]);
		assert_int_equal(ri.c.rx_busy, fates[i][MEDIUM_FATE_BUSY]);
		assert_int_equal(ri.c.rx_asleep, fates[i][MEDIUM_FATE_ASLEEP]);
		assert_int_equal(ri.c.airtime_us, air[i]);
		for (int j = 0; j < nradios; j++) {
			assert_int_equal(medium_link_counters(e->m, (uint32_t)slot_of(e, i),
							      (uint32_t)slot_of(e, j), &got), 0);
			assert_int_equal(got.frames, want[i][j].frames);
			assert_int_equal(got.bytes, want[i][j].bytes);
			assert_int_equal(got.lost, want[i][j].lost);
			assert_int_equal(got.collisions, want[i][j].collisions);
			assert_int_equal(got.has_rate, want[i][j].has_rate);
			if (got.has_rate)
				assert_true(rate_eq(&got.rate, &want[i][j].rate));
		}
	}
	medium_get_counters(e->m, &mc);
	assert_int_equal(mc.rx_frames, rx);
	assert_int_equal(mc.rx_frames, e->nrx);
	/* The global count includes ACKs lost to interference. */
	assert_int_equal(mc.collisions, coll);
}

#endif
