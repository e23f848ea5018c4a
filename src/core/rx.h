/* SPDX-License-Identifier: MIT */
/* Receptions (rx.c): what a radio makes of a transmission. */
#ifndef WM_CORE_RX_H
#define WM_CORE_RX_H

#include "core/medium_int.h"

void rx_deinit(struct medium *m);
/* The transmissions that overlap rec in time and spectrum, kept for rx_decide(); how many. */
uint32_t rx_overlaps(struct medium *m, const struct txrec *rec);
/*
 * What r makes of rec, given its nov overlaps: the outcome drawn from the
 * reception's success probability. false when rec is below the floor at r
 * (r did not hear it at all); else true with *signal_dbm, the power r
 * received, and *fate.
 */
bool rx_decide(struct medium *m, const struct txrec *rec, struct mradio *r, uint32_t nov,
	       int32_t *signal_dbm, enum medium_fate *fate);

/* A stretch of a transmission decoded on its own: all of it, or one MPDU of an A-MPDU. */
struct rx_span {
	uint64_t t0, t1;		/* on the air, t1 > t0 */
	uint32_t len;			/* bytes it carries, FCS included */
	bool unicast_data;		/* a spec-prob link's loss matrix applies */
};

/*
 * The two halves of rx_decide(), for an A-MPDU whose MPDUs are decided one
 * by one at one signal: the power r receives rec at, its fading drawn and
 * the link's loss probability in *loss (false below the floor); then the
 * fate of one span of rec received at p_dbm.
 */
bool rx_signal(struct medium *m, const struct txrec *rec, struct mradio *r, double *p_dbm,
	       double *loss);
enum medium_fate rx_fate(struct medium *m, const struct txrec *rec, struct mradio *r,
			 uint32_t nov, double p_dbm, double loss, const struct rx_span *sp);

/* Per-radio and per-link counters of one data reception from s at r of len frame bytes. */
void rx_count(struct medium *m, const struct txrec *rec, const struct mradio *s,
	      struct mradio *r, bool addressee, enum medium_fate fate, uint32_t len);

#endif
