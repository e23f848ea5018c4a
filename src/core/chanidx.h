/* SPDX-License-Identifier: MIT */
/*
 * Radios indexed by spectrum (chanidx.c), so that a transmission visits
 * the radios that could hear it and the contenders that could sense it,
 * not every radio of the medium.
 */
#ifndef WM_CORE_CHANIDX_H
#define WM_CORE_CHANIDX_H

#include "core/medium_int.h"

/*
 * How long a radio's channel, learned from what it sent, is believed
 * while it sends nothing more. Longer than a beacon interval (100 TU,
 * 102.4 ms), so a beaconing AP never leaves its channel's set, and long
 * enough that a station that sends now and then stays indexed; short
 * enough that a radio that left silently (a passive scan, a channel
 * switch) is soon back in the catch-all set, hearing everything.
 */
#define CHANIDX_FRESH_US 1000000

/* A walk over radios of the index; fields are the walk's own. */
struct chanidx_iter {
	struct chanidx *ix;
	double lo, hi;
	uint32_t set;			/* in ix->set; ix->nset: the catch-all; past it: extra */
	uint32_t i;
	int extra;			/* a radio visited last, or -1 */
	bool contenders;
};

void chanidx_init(struct medium *m);
void chanidx_deinit(struct medium *m);
/* A new radio: its channel unknown, it hears everything. */
void chanidx_radio_new(struct medium *m, struct mradio *r);
/* r leaves: out of every set. */
void chanidx_radio_gone(struct medium *m, struct mradio *r);
/*
 * r hands the medium a frame for freq: it listens there now, unless the
 * frame says it is about to leave (a probe request of a scan, or the
 * power-management bit a station sets before it dozes or goes off
 * channel), in which case its channel is unknown.
 */
void chanidx_heard(struct medium *m, struct mradio *r, uint32_t freq, const uint8_t *frame,
		   uint32_t len);
/* r contends on [r->span_lo, r->span_hi] (set just before). */
void chanidx_contend(struct medium *m, struct mradio *r);
/*
 * The first radio that may hear rec: every radio listening on a channel
 * whose 20 MHz overlaps rec's spectrum, every radio whose channel is not
 * known (or no longer fresh), and rec's addressee wherever it is (it may
 * be told that it was not listening); only the addressee for unicast
 * data under addressee_only. Then chanidx_next() until NULL.
 * Radios are used; the sender is among them.
 */
struct mradio *chanidx_hearers(struct medium *m, struct chanidx_iter *it, const struct txrec *rec);
/*
 * The first radio that contends on spectrum overlapping rec's, or is
 * rec's sender and contends; then chanidx_next() until NULL. Every
 * radio in RADIO_CONTEND is found by some such walk.
 */
struct mradio *chanidx_contenders(struct medium *m, struct chanidx_iter *it,
				  const struct txrec *rec);
struct mradio *chanidx_next(struct medium *m, struct chanidx_iter *it);
/*
 * Whether r is known, from its own fresh transmissions, to listen on
 * another channel than rec's: it cannot be receiving rec.
 */
bool chanidx_elsewhere(const struct medium *m, const struct mradio *r, const struct txrec *rec);

#endif
