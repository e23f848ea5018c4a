/* SPDX-License-Identifier: MIT */
/* Reports of transmissions for ops.on_air (report.c). */
#ifndef WM_CORE_REPORT_H
#define WM_CORE_REPORT_H

#include "core/medium_int.h"

void report_deinit(struct medium *m);
/* Receiver n (0, 1, ...) of the transmission about to be reported. */
void report_rx(struct medium *m, uint32_t n, const struct medium_air_rx *rx);
/* Report rec, sent by s, with its first nrx receivers; a carries attempt and outcome. */
/* A-MPDU: receiver n's fate of MPDU k; then the fates of MPDU k into the receivers' entries. */
void report_fate(struct medium *m, uint32_t n, uint32_t k, enum medium_fate fate);
void report_pick(struct medium *m, uint32_t nrx, uint32_t k);
void report_send(struct medium *m, const struct txrec *rec, const struct mradio *s,
		 const uint8_t *frame, uint32_t len, uint32_t nrx, struct medium_air *a);

#endif
