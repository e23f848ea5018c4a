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

#include "phy.h"

struct per_model;

/* Build the AWGN tables for every phy_modclass. Never fails (allocation aborts). */
struct per_model *per_model_new(void);
void per_model_free(struct per_model *pm);

/*
 * ln(probability that one data bit survives) at rate r and the given SINR
 * (dB, already per stream: the caller does not adjust for NSS; this does).
 * Always <= 0; non-decreasing in SINR. A PSDU of n bits survives a stretch
 * of constant SINR with probability exp(n * per_model_ln_bit_ok()), which
 * lets the medium evaluate a reception piecewise when interference comes
 * and goes. O(1): a table lookup with linear interpolation.
 */
double per_model_ln_bit_ok(const struct per_model *pm, const struct phy_rate *r, double sinr_db);

/*
 * Probability that a PSDU of psdu_bytes sent at r fails at constant SINR.
 * In [0, 1]; non-increasing in SINR, non-decreasing in length. With a user
 * table loaded, legacy-equivalent rates (phy_rx_rate_index) are looked up in
 * it instead.
 */
double per_model_per(const struct per_model *pm, const struct phy_rate *r, double sinr_db,
		     uint32_t psdu_bytes);

/*
 * Replace the AWGN model by a table in wmediumd's `-x` format, given as text.
 * Returns 0, or -EINVAL with a message "LINE: what" in err.
 */
int per_model_load_table(struct per_model *pm, const char *text, size_t len, char *err,
			 size_t errlen);

#endif
