/* SPDX-License-Identifier: MIT */
/* Radios, their addresses, and their places on nodes (radio.c). */
#ifndef WM_CORE_RADIO_H
#define WM_CORE_RADIO_H

#include "core/medium_int.h"

/* Empty radio and address maps, for medium_new(). */
void radio_maps_init(struct medium *m);
/* The radio (client, id), or NULL. */
struct mradio *radio_find(const struct medium *m, uint32_t client, const uint8_t id[6]);
/*
 * The radio (client, id), created (and placed on a node if one fits) on
 * first sight; NULL (counted) when that would pass max_radios or the
 * client's max_client_radios.
 */
struct mradio *radio_get(struct medium *m, uint32_t client, const uint8_t id[6]);
/*
 * r leaves: its queued frames are dropped, its addresses handed on, its
 * slot freed. Its frame in service must be gone first (air_radio_gone()).
 */
void radio_remove(struct medium *m, struct mradio *r);
/* Whether r answers to mac, announced or learned. */
bool radio_has_addr(const struct mradio *r, const uint8_t mac[6]);
/* The radio slot answering to mac, or -1. */
int radio_addr_lookup(const struct medium *m, const uint8_t mac[6]);
/*
 * r sent a frame from mac (its addr2): r answers to mac too, so a station
 * that never announced an address stays reachable. The last few are kept.
 */
void radio_learn(struct medium *m, struct mradio *r, const uint8_t mac[6]);
/* Place r on the node named after its client, if any and r has no place yet. */
void radio_try_bind_name(struct medium *m, struct mradio *r);
/* Bind r to the node configured for mac, unless r has a place by MAC already. */
void radio_try_bind(struct medium *m, struct mradio *r, const uint8_t mac[6]);

#endif
