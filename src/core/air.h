/* SPDX-License-Identifier: MIT */
/* The air (air.c): contention, transmissions, ACKs and retries. */
#ifndef WM_CORE_AIR_H
#define WM_CORE_AIR_H

#include "core/medium_int.h"

void air_init(struct medium *m);
void air_deinit(struct medium *m);
/* A scheduled event of the air (EV_RADIO, EV_TXREC) is due. */
void air_dispatch(struct medium *m, struct sched_event *ev);
/* A radio got a frame to send, or finished one: start serving its queue. */
void air_kick(struct medium *m, struct mradio *r);
/* A radio goes away: stop whatever it was doing on the air, free its frame in service. */
void air_radio_gone(struct medium *m, struct mradio *r);

#endif
