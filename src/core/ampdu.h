/* SPDX-License-Identifier: MIT */
/* Aggregation (ampdu.c): Block Ack agreements, peers' limits, building A-MPDUs. */
#ifndef WM_CORE_AMPDU_H
#define WM_CORE_AMPDU_H

#include "core/medium_int.h"

#define BA_PSDU 32		/* compressed Block Ack: 28 bytes + FCS */

/* Learn what tx, sent by r, says about aggregation (struct medium_agg). */
void ampdu_learn(struct medium *m, struct mradio *r, const struct medium_tx *tx);

/* Forget r's agreements and its A-MPDU buffer (the radio is gone). */
void ampdu_radio_free(struct mradio *r);

/*
 * Build the A-MPDU r->cur heads, when it may head one: QoS data to
 * acknowledge at an HT or VHT rate, under a Block Ack agreement with its
 * addressee. Takes from r's queue, in order, the frames of the same TID to
 * the same addressee at the same rate, while the A-MPDU stays within
 * AMPDU_MAX MPDUs, the agreement's window of sequence numbers, the
 * addressee's maximum A-MPDU length (with its minimum MPDU start spacing
 * as padding) and the PPDU time limit (aPPDUMaxTime, or the access
 * category's TXOP limit with its Block Ack). r->agg and r->nagg then hold
 * it and sub[] the MPDUs' places; returns the PSDU's length. Returns 0,
 * r->nagg 0, when cur goes alone.
 */
uint32_t ampdu_gather(struct medium *m, struct mradio *r, struct msub *sub);

/*
 * The compressed Block Ack (without FCS) the addressee of rec sends for the
 * MPDUs in ok (bits by place in the A-MPDU): to ra, from ta.
 */
void ampdu_ba_frame(const struct txrec *rec, uint64_t ok, const uint8_t ra[6],
		    const uint8_t ta[6], uint8_t out[28]);

#endif
