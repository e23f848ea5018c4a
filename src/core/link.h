/* SPDX-License-Identifier: MIT */
/* The link budget (link.c): received power per radio pair, cached. */
#ifndef WM_CORE_LINK_H
#define WM_CORE_LINK_H

#include "core/medium_int.h"

void link_init(struct medium *m);
void link_deinit(struct medium *m);
/* Something the budget depends on changed (a node, a pin, the model): recompute on use. */
void link_invalidate(struct medium *m);
/* The radio slots grew to new_cap: the cache is resized (and emptied). */
void link_resize(struct medium *m, uint32_t new_cap);
/* Received power in dBm at r of what s sends on freq, and any extra loss probability. */
double link_rx_dbm(struct medium *m, const struct mradio *s, const struct mradio *r,
		   uint32_t freq, double *loss);
/* What r transmits at: its node's power, or the default. */
double link_tx_power(const struct medium *m, const struct mradio *r);
/* The noise floor over a channel of bw MHz. */
double link_noise_dbm(const struct medium *m, uint16_t bw);

#endif
