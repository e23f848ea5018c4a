/* SPDX-License-Identifier: MIT */
/* Per-link and per-channel counters (stats.c). */
#ifndef WM_CORE_STATS_H
#define WM_CORE_STATS_H

#include "core/medium_int.h"

void stats_init(struct medium *m);
/* The counters of link a -> b, created on first use. */
struct medium_link_counters *stats_link(struct medium *m, uint32_t a, uint32_t b);
/* Forget every link from or to slot. */
void stats_forget_radio(struct medium *m, uint32_t slot);
/* A transmission of dur us by s took the air on freq. */
void stats_airtime(struct medium *m, struct mradio *s, uint32_t freq, uint64_t dur);
void stats_free(struct medium *m);

#endif
