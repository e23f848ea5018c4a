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
/* Per-radio and per-link counters of one data reception from s at r. */
void rx_count(struct medium *m, const struct txrec *rec, const struct mradio *s,
	      struct mradio *r, bool addressee, enum medium_fate fate);

#endif
