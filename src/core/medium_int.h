/* SPDX-License-Identifier: MIT */
/*
 * The medium's data, shared by its modules. Each module has a header of
 * its own with what it offers; they call one way:
 *
 *   medium.c   the public API: nodes, pins, queues in, time
 *     mobility.c moving nodes: velocities and mobility models
 *     air.c      contention, transmissions, ACKs and retries
 *       rx.c       receptions: SINR over overlapping transmissions
 *       chanidx.c  radios by channel: who may hear, who contends where
 *       report.c   what happened on the air, for ops.on_air
 *       radio.c    radios, their addresses, binding them to nodes
 *         link.c     the link budget, cached per radio pair
 *         stats.c    per-link and per-channel counters
 *         frame.c    the frame pool and each radio's queues
 */
#ifndef WM_CORE_MEDIUM_INT_H
#define WM_CORE_MEDIUM_INT_H

#include "core/medium.h"
#include "core/per.h"
#include "core/rng.h"
#include "core/sched.h"
#include "util/map64.h"

#define MEDIUM_LEARNED_ADDRS 4
#define AMPDU_MAX 64			/* MPDUs in one A-MPDU: the Block Ack bitmap's width */

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
	bool qos;			/* QoS data to acknowledge: may join an A-MPDU */
	uint8_t tid;
	uint16_t sn;			/* sequence number (qos) */
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
	EV_NAV,			/* mradio.nav_ev */
};

/* A Block Ack agreement a radio originates (mradio.ba), or its possibility. */
struct mba {
	uint16_t win;			/* the recipient's buffer size */
};

/* mradio.ba keys: agreement for (recipient, TID); a pair whose agreements are encrypted. */
#define BA_KEY(mac48, tid) ((uint64_t)(mac48) << 4 | (tid))
#define BA_KEY_OPAQUE(mac48) ((uint64_t)1 << 52 | (mac48))
/*
 * Agreements one radio holds at most: 16 TIDs with each of 64 peers. The
 * keys come from addresses in other guests' frames; past this, new ones
 * are not learned (their frames go alone, as without an agreement).
 */
#define BA_MAX 1024

/* What a radio takes in A-MPDUs (mradio.caps), from its (re)association frames; zero: not said. */
struct mcaps {
	uint32_t ht_max, vht_max;	/* bytes, 0: not stated */
	uint8_t density_q;		/* minimum MPDU start spacing, quarter microseconds */
};

enum radio_state {
	RADIO_IDLE,			/* nothing in service */
	RADIO_CONTEND,			/* deferring / counting down backoff */
	RADIO_WAIT_CTS,			/* its RTS is on the air or the CTS due (ack_rec) */
	RADIO_TX,			/* its data frame is on the air (or about to be) */
	RADIO_WAIT_ACK,			/* waiting for an ACK (ack_rec) or its timeout */
};

struct txrec;
struct msub;

/* A set of radio slots in no order; each member records where it sits. */
struct rset {
	uint32_t *slot;
	uint32_t n, cap;
};

#define CHANIDX_ANY (UINT32_MAX - 1)	/* chanidx_pos.set: the catch-all set */
#define CHANIDX_OUT UINT32_MAX		/* in no set */

/* Where a radio sits in a struct chanidx. */
struct chanidx_pos {
	uint32_t set;			/* index in chanidx.set, CHANIDX_ANY or CHANIDX_OUT */
	uint32_t i;			/* in that set's slots */
};

/*
 * Radios by spectrum (chanidx.c): one set per span in use, and a
 * catch-all set. Sets are never removed, only emptied and reused, so a
 * walk over them stays valid while radios leave.
 */
struct chanidx {
	struct chanidx_set {
		double lo, hi;
		struct rset rs;
	} *set;
	uint32_t nset, cap;
	struct rset any;
};

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
	struct mframe **agg;		/* the A-MPDU in service, agg[0] == cur; AMPDU_MAX entries */
	uint32_t nagg;			/* its MPDUs; 0 when cur goes alone */
	struct map64 ba;		/* BA_KEY -> struct mba: agreements it originates, at most BA_MAX */
	struct mcaps caps;		/* what it takes in A-MPDUs, as it last said */
	uint16_t basic;			/* its BSS's basic rates (medium_tx.basic_rates), 0 unknown */

	enum radio_state state;
	struct sched_event ev;		/* access (CONTEND) or ACK timeout (WAIT_ACK) */
	uint32_t backoff;		/* slots left */
	uint32_t cw;
	bool busy;			/* senses the medium busy (CONTEND only) */
	uint64_t idle_since;		/* when it last saw the medium go idle */
	uint32_t aifs, slot;		/* of the frame in service */
	double span_lo, span_hi;	/* spectrum of the frame in service */
	uint32_t span_lane;		/* the air's lane of that span (air.c) */
	uint32_t sent_lane;		/* the lane of what it last put on the air */
	struct txrec *ack_rec;		/* WAIT_ACK: the ACK coming back; WAIT_CTS: the CTS; or NULL */
	struct msub *pend_sub;		/* WAIT_CTS: the A-MPDU's layout, for after the CTS */
	uint32_t pend_psdu;		/* WAIT_CTS: the PSDU to send after the CTS */
	uint64_t nav_until;		/* virtual carrier sense: an RTS or CTS it decoded reserves the air */
	struct sched_event nav_ev;	/* when the NAV ends */
	uint32_t responding;		/* ACKs it is due to send (it must not contend) */
	uint32_t last_freq;		/* of the last frame it was given */
	struct medium_radio_counters st;

	/* chanidx.c: where it listens (learned from what it sends) and contends */
	struct chanidx_pos listen, contend_at;
	uint32_t listen_freq;		/* while in a channel's set of medium.listen */
	uint64_t heard_at;		/* when it last sent there */
	int32_t fresh_prev, fresh_next;	/* in medium.fresh_*, oldest first; -1 ends */
};

enum txrec_kind {
	TXREC_DATA,
	TXREC_ACK,
	TXREC_BA,			/* a Block Ack answering an A-MPDU */
	TXREC_RTS,			/* before a protected frame: target is its addressee */
	TXREC_CTS,			/* answering an RTS (target: its sender), or CTS-to-self (-1) */
};

/* One MPDU of an A-MPDU on the air: its place in the PSDU. */
struct msub {
	struct mframe *f;
	uint32_t off, len;		/* bytes: delimiter + MPDU + FCS, before padding */
};

/* A transmission on the air, kept until no reception it overlaps needs it. */
struct txrec {
	struct txrec *prev, *next;	/* in its lane */
	uint32_t lane;
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
	struct msub *sub;		/* DATA as an A-MPDU: its MPDUs (sub[0].f == frame), else NULL */
	uint32_t nsub;
	uint32_t ampdu_ref;		/* A-MPDU or its Block Ack: reference number, else 0 */
	uint8_t ra[6];			/* ACK, BA, CTS: the address it goes to (the data's addr2); RTS: its addressee */
	uint8_t ta[6];			/* RTS: the address it comes from */
	uint32_t nav_us;		/* RTS, CTS: the Duration it carries: the air it reserves after it */
	uint8_t attempt;		/* ACK, BA: the attempt of the frame it answers */
	uint64_t ba_mask;		/* BA: the MPDUs (by place in the A-MPDU) it acknowledges */
	uint8_t ba_frame[28];		/* BA: the compressed Block Ack, without FCS */
	bool orphan;			/* sender gone: the record owns frame (and sub's) */
};

/* Cached link budget for an ordered radio pair. */
struct mlink {
	uint64_t pair;			/* sender slot << 32 | receiver slot */
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

struct mmover;

struct mnode {
	char *name;
	uint8_t mac[6];
	bool has_mac;
	double pos[3];			/* as of the last mobility step, if it moves */
	struct mmover *mv;		/* how it moves (mobility.c), or NULL */
	uint32_t mover_idx;		/* in medium.movers, UINT32_MAX if not there */
	double tx_power_dbm;
	double gain_dbi;
	double height_m;		/* antenna height for two-ray ground, if has_height */
	double shadow_db;		/* fixed shadowing of what it sends, if has_shadow */
	bool has_height, has_shadow;
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

#define PIN_KEY(a, b) ((uint64_t)(uint32_t)(a) << 32 | (uint32_t)(b))

/* A link's loss probability by frame size class and legacy rate (medium_link_set_loss_matrix). */
struct mmatrix {
	float p[MEDIUM_LOSS_MATRIX_N];
};

struct medium {
	struct medium_params p;
	struct medium_ops ops;
	/* medium_set_on_air(): ops.on_air once the run in progress is over */
	void (*on_air_next)(void *opaque, const struct medium_air *a);
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
	uint32_t *client_radios;	/* by client id: its radios, for max_client_radios */
	uint32_t client_radios_cap;

	struct mnode *nodes;
	uint32_t nnodes, nodes_cap;
	struct map64 pins;		/* PIN_KEY(a, b) -> struct mpin, directional; only pinned pairs */
	struct map64 matrices;		/* PIN_KEY(a, b) -> struct mmatrix, directional */

	struct link_cache {
		struct mlink *tab;	/* direct-mapped by pair: mask + 1 entries */
		uint32_t mask;
		uint32_t gen;		/* entries of another generation are stale */
	} links;			/* link.c */

	/*
	 * On the air and recently ended, by the exact span of spectrum each
	 * occupies (a lane), oldest first in each: what overlaps a span is
	 * found among the lanes that overlap it, whatever else is on the air.
	 */
	struct lane {
		double lo, hi;
		struct txrec *first, *last;
		uint32_t *near, nnear;	/* the lanes that overlap it, itself included */
	} *lanes;
	uint32_t nlanes, lanes_cap;
	uint32_t nair;
	struct txrec *free_recs;	/* freed records, for reuse */
	struct mframe *free_frames;
	uint64_t frame_seq;
	double noise_dbm[4];		/* 20, 40, 80, 160 MHz */

	/* rx.c: scratch for one reception decision; grows, never carries state across calls. */
	struct rx_scratch {
		struct overlap *ov;
		struct interferer *in;
		uint64_t *cuts;
		uint32_t cap;
	} rx;

	/* Moving nodes (mobility.c): one event advances all those listed. */
	struct sched_event mob_ev;
	uint32_t *movers;		/* node indices */
	uint32_t nmovers, movers_cap;

	/* report.c: one entry per radio that heard the transmission being reported. */
	struct report_buf {
		struct medium_air_rx *rx;
		uint8_t *fates;		/* A-MPDU: [receiver * AMPDU_MAX + MPDU] */
		uint32_t cap;
	} rep;

	/* stats.c: (sender slot << 32 | receiver slot) -> counters, only pairs that heard each other. */
	struct map64 link_stats;

	uint32_t ampdu_ref;		/* the last A-MPDU's reference number */

	struct medium_channel *chans;
	uint32_t nchans, chans_cap;

	/* chanidx.c: radios by the channel they listen on, contenders by their span */
	struct chanidx listen, contend;
	int32_t fresh_head, fresh_tail;	/* radios in a channel's set of listen, by heard_at */

	struct medium_counters c;
};

/* An address as a number, for keys. */
static inline uint64_t mac48(const uint8_t mac[6])
{
	uint64_t k = 0;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

/* The radio that sent rec, if it is still there. */
static inline struct mradio *txrec_sender(const struct medium *m, const struct txrec *rec)
{
	struct mradio *s = m->radios[rec->sender];

	return s->used && s->gen == rec->sender_gen ? s : NULL;
}

/* The radio rec is addressed to, if it has one and it is still there. */
static inline struct mradio *txrec_target(const struct medium *m, const struct txrec *rec)
{
	struct mradio *t = rec->target >= 0 ? m->radios[rec->target] : NULL;

	return t && t->used && t->gen == rec->target_gen ? t : NULL;
}

/*
 * Whether spans [alo, ahi] and [blo, bhi] MHz overlap, as
 * txrec_spectral_fraction() > 0: touching edges do not.
 */
static inline bool spans_overlap(double alo, double ahi, double blo, double bhi)
{
	return (ahi < bhi ? ahi : bhi) - (alo > blo ? alo : blo) > 0.0;
}

/*
 * Every record, on the air or ended, whose spectrum overlaps lane k's
 * (as txrec_spectral_fraction() > 0). Lanes are kept for good, one per
 * span ever used: a few dozen at most.
 */
#define FOR_EACH_AIR_NEAR(m, rec, k)                                                    \
	for (uint32_t k_ = (k), i_ = 0; i_ < (m)->lanes[k_].nnear; i_++)                  \
		for ((rec) = (m)->lanes[(m)->lanes[k_].near[i_]].first; (rec); (rec) = (rec)->next)

/* Fraction of rec's power that falls in [lo, hi] MHz. */
static inline double txrec_spectral_fraction(const struct txrec *rec, double lo, double hi)
{
	double o = (rec->hi < hi ? rec->hi : hi) - (rec->lo > lo ? rec->lo : lo);

	if (o <= 0)
		return 0.0;
	return o >= rec->hi - rec->lo ? 1.0 : o / (rec->hi - rec->lo);
}

#endif
