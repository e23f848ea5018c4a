/* SPDX-License-Identifier: MIT */
/*
 * Internals of the medium shared by medium.c (nodes, queues, the public
 * API), radio.c (radios, their addresses, binding them to nodes) and air.c
 * (contention, transmissions, receptions, ACKs).
 */
#ifndef WM_CORE_MEDIUM_INT_H
#define WM_CORE_MEDIUM_INT_H

#include "medium.h"
#include "per.h"
#include "rng.h"
#include "sched.h"

#define MEDIUM_LEARNED_ADDRS 4

/* A frame a radio holds, from medium_tx() to its status. */
struct mframe {
	struct mframe *next;
	uint64_t seq;			/* enqueue order, to find the oldest */
	uint64_t cookie;
	uint32_t flags, freq, len;
	struct medium_rate rates[MEDIUM_MAX_RATES];
	struct phy_rate phy[MEDIUM_MAX_RATES];
	uint8_t nrates;
	uint8_t used[MEDIUM_MAX_RATES];	/* attempts made at each rate */
	uint8_t ri;			/* rate in use */
	uint8_t attempts;
	uint8_t dst[6];
	bool group, no_ack;
	enum medium_ac ac;
	uint8_t data[MEDIUM_FRAME_MAX];
};

struct maddr {
	uint8_t mac[6];
	uint16_t count;			/* announcements (ADD_MAC_ADDR) outstanding */
};

/* sched_event.tag: which object an event is embedded in. */
enum {
	EV_RADIO,		/* mradio.ev */
	EV_TXREC,		/* txrec.ev */
	EV_MOBILITY,		/* medium.mob_ev */
};

enum radio_state {
	RADIO_IDLE,			/* nothing in service */
	RADIO_CONTEND,			/* deferring / counting down backoff */
	RADIO_TX,			/* its data frame is on the air */
	RADIO_WAIT_ACK,			/* waiting for an ACK (ack_rec) or its timeout */
};

struct txrec;

struct mradio {
	int idx;			/* slot */
	bool used;
	uint32_t gen;			/* bumped when the slot is freed: stale references */
	uint32_t client;
	uint8_t id[6];
	int node;			/* -1: on no configured node */
	bool node_by_name;		/* placed by its client's name: a node by MAC overrides */
	struct maddr *addrs;
	uint32_t naddrs, addrs_cap;
	uint8_t learned[MEDIUM_LEARNED_ADDRS][6];
	uint8_t nlearned, learned_next;

	/* queues, one per access category; cur is the frame in service */
	struct mframe *qhead[4], *qtail[4];
	uint32_t qlen;
	struct mframe *cur;

	enum radio_state state;
	struct sched_event ev;		/* access (CONTEND) or ACK timeout (WAIT_ACK) */
	uint32_t backoff;		/* slots left */
	uint32_t cw;
	bool busy;			/* senses the medium busy (CONTEND only) */
	uint64_t idle_since;		/* when it last saw the medium go idle */
	uint32_t aifs, slot;		/* of the frame in service */
	double span_lo, span_hi;	/* spectrum of the frame in service */
	struct txrec *ack_rec;		/* WAIT_ACK: the ACK coming back, or NULL */
	uint32_t responding;		/* ACKs it is due to send (it must not contend) */
	uint32_t last_freq;		/* of the last frame it was given */
	struct medium_radio_counters st;
};

enum txrec_kind {
	TXREC_DATA,
	TXREC_ACK,
};

/* A transmission on the air, kept until no reception it overlaps needs it. */
struct txrec {
	struct txrec *prev, *next;
	struct sched_event ev;		/* its end */
	enum txrec_kind kind;
	bool ended;
	int sender;
	uint32_t sender_gen;
	int target;			/* ACK: the radio it answers; DATA: addressee or -1 */
	uint32_t target_gen;
	uint64_t start, end;
	uint32_t freq;
	double lo, hi;
	struct phy_rate rate;
	uint32_t psdu;
	struct mframe *frame;		/* DATA; owned by the sender's cur unless orphan */
	uint8_t ra[6];			/* ACK: the address it goes to (the data's addr2) */
	uint8_t attempt;		/* ACK: the attempt of the frame it answers */
	bool orphan;			/* sender gone: the record owns frame */
};

/* Cached link budget for an ordered radio pair. */
struct mlink {
	uint32_t gen;			/* 0: invalid */
	uint32_t freq;
	float rx_dbm;			/* received power before fading */
	float loss;			/* extra loss probability (prob model, pinned) */
};

/* A transmission overlapping a reception in time and spectrum. */
struct overlap {
	const struct txrec *rec;
	double frac;			/* share of its power inside the victim's spectrum */
};

/* An overlapping transmission as one receiver sees it. */
struct interferer {
	uint64_t start, end;		/* clipped to the reception */
	double mw;			/* power inside the victim's spectrum */
};

struct mnode {
	char *name;
	uint8_t mac[6];
	bool has_mac;
	double pos[3];
	double vel[3];			/* m/s */
	double tx_power_dbm;
	double gain_dbi;
	int medium_id;
};

enum pin_kind {
	PIN_NONE,
	PIN_SNR,
	PIN_PROB,
};

struct mpin {
	enum pin_kind kind;
	double value;
};

struct medium {
	struct medium_params p;
	struct medium_ops ops;
	void *opaque;
	struct per_model *per;
	struct rng rng;
	struct sched sched;
	uint64_t now;
	bool dispatching;		/* inside medium_run(): callbacks must not re-enter */

	/* Radios live in their own allocations: the heap points into them. */
	struct mradio **radios;
	uint32_t nradios, radios_cap;	/* slots in use / allocated (slots may be free) */
	int32_t *radio_map;		/* (client, id) -> slot; -1 empty, -2 deleted */
	uint32_t radio_map_cap, radio_map_fill;
	uint64_t *addr_keys;		/* mac (48 bits) + 1, 0 empty, UINT64_MAX deleted */
	int32_t *addr_vals;
	uint32_t addr_map_cap, addr_map_fill;

	char **client_names;		/* by client id: radios of a named client take its node */
	uint32_t client_names_cap;

	struct mnode *nodes;
	uint32_t nnodes, nodes_cap;
	struct mpin *pins;		/* nodes_cap x nodes_cap, directional */

	struct mlink *links;		/* radios_cap x radios_cap */
	uint32_t link_gen;

	struct txrec air;		/* list head: on the air and recently ended */
	uint32_t nair;
	struct mframe *free_frames;
	uint64_t frame_seq;
	double noise_dbm[4];		/* 20, 40, 80, 160 MHz */

	/* Scratch for one reception decision; grows, never carries state across calls. */
	struct overlap *ov;
	struct interferer *in;
	uint64_t *cuts;
	uint32_t scratch_cap;

	/* Moving nodes: one event advances them all. */
	struct sched_event mob_ev;
	uint64_t mob_last;		/* when positions were last advanced */

	/* Reports for ops.on_air: one entry per radio that heard the transmission. */
	struct medium_air_rx *air_rx;
	uint32_t air_rx_cap;

	/* Link counters: (sender slot, receiver slot) -> counters, open addressing. */
	uint64_t *ls_keys;		/* (a << 32 | b) + 1; 0 empty, UINT64_MAX deleted */
	struct medium_link_counters *ls_vals;
	uint32_t ls_cap, ls_fill;

	struct medium_channel *chans;
	uint32_t nchans, chans_cap;

	struct medium_counters c;
};

/* medium.c */
struct mframe *medium_frame_alloc(struct medium *m);
void medium_frame_free(struct medium *m, struct mframe *f);
struct mframe *medium_dequeue(struct medium *m, struct mradio *r);

/* Advance moving nodes to now (EV_MOBILITY). */
void medium_mobility(struct medium *m);
/* Whether only the mobility event is pending. */
bool medium_only_mobility(const struct medium *m);
/* What r transmits at: its node's power, or the default. */
double medium_radio_tx_power(const struct medium *m, const struct mradio *r);

/* stats.c */
/* The counters of link a -> b, created on first use. */
struct medium_link_counters *stats_link(struct medium *m, uint32_t a, uint32_t b);
/* Forget every link from or to slot. */
void stats_forget_radio(struct medium *m, uint32_t slot);
/* A transmission of dur us took the air on freq. */
void stats_airtime(struct medium *m, struct mradio *s, uint32_t freq, uint64_t dur);
void stats_free(struct medium *m);

/* radio.c */
/* Empty radio and address maps, for medium_new(). */
void radio_maps_init(struct medium *m);
/* The radio (client, id), created (and placed on a node if one fits) on first sight. */
struct mradio *radio_get(struct medium *m, uint32_t client, const uint8_t id[6]);
/* Whether r answers to mac, announced or learned. */
bool radio_has_addr(const struct mradio *r, const uint8_t mac[6]);
/* Place r on the node named after its client, if any and r has no place yet. */
void radio_try_bind_name(struct medium *m, struct mradio *r);
/* Bind r to the node configured for mac, unless r has a place by MAC already. */
void radio_try_bind(struct medium *m, struct mradio *r, const uint8_t mac[6]);
/* Free every frame queued at r, without a status. */
void radio_drop_frames(struct medium *m, struct mradio *r);
/* The radio slot answering to mac, or -1. */
int medium_addr_lookup(const struct medium *m, const uint8_t mac[6]);
void medium_learn(struct medium *m, struct mradio *r, const uint8_t mac[6]);

/* air.c */
void air_init(struct medium *m);
void air_deinit(struct medium *m);
void air_dispatch(struct medium *m, struct sched_event *ev);
/* A radio got a frame to send, or finished one: start serving its queue. */
void air_kick(struct medium *m, struct mradio *r);
/* A radio goes away: stop whatever it was doing on the air. */
void air_radio_gone(struct medium *m, struct mradio *r);
void air_complete(struct medium *m, struct mradio *r, bool acked, int32_t ack_signal);
void air_links_invalidate(struct medium *m);
void air_links_resize(struct medium *m, uint32_t old_cap, uint32_t new_cap);


#endif
