/* SPDX-License-Identifier: MIT */
/*
 * Packet error rate: PER(SINR, rate, length) from AWGN bit-error formulas
 * per modulation with the coding gain of its code rate (the NIST/YANS family
 * of models), precomputed into tables at start, or from a user table in
 * wmediumd's `-x` file format. No I/O: the table loader parses a buffer.
 */
#ifndef WM_CORE_PER_H
#define WM_CORE_PER_H

#include <stddef.h>
#include <stdint.h>

#include "core/phy.h"

struct per_model;

/* Build the AWGN tables for every phy_modclass. Never fails (allocation aborts). */
struct per_model *per_model_new(void);
void per_model_free(struct per_model *pm);

/*
 * ln(probability that one data bit survives) at rate r and the given SINR.
 * sinr_db is the PPDU's whole received power over noise + interference
 * integrated over the PPDU's own width (r->bw), i.e. the per-subcarrier SNR;
 * the caller does not adjust for NSS: this does, giving each of NSS streams
 * 1/NSS of the power (-10 log10 NSS dB). NaN counts as hopeless.
 * In [-1000, 0] (-1000: certainly lost, from a user table), never NaN;
 * non-decreasing in SINR. A PSDU of n bits survives a stretch of constant
 * SINR with probability exp(n * per_model_ln_bit_ok()), which lets the
 * medium evaluate a reception piecewise when interference comes and goes.
 * A table lookup with linear interpolation: O(1) for the AWGN model,
 * O(log rows) with a user table.
 */
double per_model_ln_bit_ok(const struct per_model *pm, const struct phy_rate *r, double sinr_db);

/*
 * Probability that a PSDU of psdu_bytes sent at r fails at constant SINR:
 * 1 - exp(8 * psdu_bytes * per_model_ln_bit_ok()), 0 for 0 bytes.
 * In [0, 1]; non-increasing in SINR, non-decreasing in length. With a user
 * table loaded, every rate reads the column of its legacy-equivalent rate
 * (phy_rx_rate_index) instead, at its per-stream SINR.
 */
double per_model_per(const struct per_model *pm, const struct phy_rate *r, double sinr_db,
		     uint32_t psdu_bytes);

/*
 * Replace the AWGN model (or an earlier table) by a table in wmediumd's `-x`
 * format, given as len bytes of text (no NUL needed): lines of a signal
 * level in dBm and 12 PERs, one per hwsim legacy rate index of the band;
 * '#' starts a comment; keys strictly increasing, PERs in [0, 1] and not
 * rising down a column; at most 4096 rows. As in wmediumd the signal is
 * SINR - 91 dBm (its fixed noise floor), below the first row a frame is lost
 * and above the last received; between rows the PER is interpolated, and it
 * applies to 1458-byte PSDUs, scaled to other lengths as independent bits
 * (docs/phy.md). Returns 0, or -EINVAL with a message "LINE: what" in err
 * (truncated to errlen; err may be NULL) and the model unchanged.
 */
int per_model_load_table(struct per_model *pm, const char *text, size_t len, char *err,
			 size_t errlen);

#endif
