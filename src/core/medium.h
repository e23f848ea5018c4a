/* SPDX-License-Identifier: MIT */
/*
 * The medium: radios, nodes and links; who hears each frame, when, at what
 * signal; contention, interference, ACKs and retries. No I/O, no clock
 * reads, no globals: time (simulated microseconds) and the random seed come
 * in, deliveries and TX statuses go out through callbacks. Deterministic for
 * a given seed and sequence of calls.
 */
#ifndef WM_CORE_MEDIUM_H
#define WM_CORE_MEDIUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy.h"
#include "prop.h"

#define MEDIUM_MAX_RATES 4
#define MEDIUM_FRAME_MAX (2304 + 40)/* largest MPDU a guest may hand us */

/* Access categories, in priority order (802.11 EDCA). */
enum medium_ac {
	MEDIUM_AC_BK,
	MEDIUM_AC_BE,
	MEDIUM_AC_VI,
	MEDIUM_AC_VO,
};

/* One entry of a guest's rate chain: hwsim_tx_rate + its TX_INFO_FLAGS flags. */
struct medium_rate {
	int8_t idx;		/* -1 ends the chain */
	uint8_t count;		/* attempts allowed (TX request) or used (TX status) */
	uint16_t flags;		/* PHY_RF_* */
};

/* A frame a radio transmits: what the codec makes of one HWSIM_CMD_FRAME. */
struct medium_tx {
	uint32_t client;		/* the connection the radio lives on */
	uint8_t radio[6];		/* its identity there (hwsim addresses[1]) */
	const uint8_t *frame;		/* the 802.11 frame, no FCS; copied by medium_tx() */
	uint32_t len;
	uint32_t freq;			/* MHz */
	uint32_t flags;			/* hwsim FLAGS as received, returned in the status */
	uint64_t cookie;
	struct medium_rate rates[MEDIUM_MAX_RATES];
	/* From the 802.11 header (proto/ieee80211): */
	uint8_t dst[6];			/* addr1 */
	uint8_t src[6];			/* addr2, valid if has_src */
	bool has_src;
	bool group;			/* addr1 is group addressed */
	bool no_ack;			/* NO_ACK requested or no ACK by frame type */
	enum medium_ac ac;
};

/* A frame decoded by a radio. */
struct medium_rx {
	uint32_t client;
	const uint8_t *radio;		/* identity of the receiving radio */
	const uint8_t *frame;		/* retry bit set on retransmissions */
	uint32_t len;
	uint32_t freq;
	int32_t signal_dbm;
	struct phy_rate rate;
	uint64_t time_us;		/* end of the frame on the air */
};

/* The outcome of one medium_tx(). */
struct medium_status {
	uint32_t client;
	const uint8_t *radio;
	uint64_t cookie;
	uint32_t flags;			/* as in medium_tx.flags */
	bool acked;
	struct medium_rate rates[MEDIUM_MAX_RATES];	/* attempts used per rate, idx -1 ends */
	int32_t ack_signal_dbm;		/* signal of the ACK when acked, else 0 */
	uint64_t time_us;
};

/* Things worth telling a person about; the daemon logs them. */
enum medium_notice_kind {
	MEDIUM_NOTICE_RADIO_NEW,	/* a radio was learned */
	MEDIUM_NOTICE_RADIO_GONE,	/* its client went away */
	MEDIUM_NOTICE_DUP_ADDR,		/* radios of two clients answer to one address */
	MEDIUM_NOTICE_NODE_BOUND,	/* a radio took its place on a configured node */
};

struct medium_notice {
	enum medium_notice_kind kind;
	uint32_t client;
	const uint8_t *radio;
	const uint8_t *addr;		/* DUP_ADDR: the address; NODE_BOUND: the node's MAC or NULL */
	uint32_t other_client;		/* DUP_ADDR: the client that had it first */
	int node;			/* NODE_BOUND */
	const char *node_name;		/* NODE_BOUND: the node's name, or NULL */
};

struct medium_ops {
	void (*deliver)(void *opaque, const struct medium_rx *rx);
	void (*tx_status)(void *opaque, const struct medium_status *st);
	void (*notice)(void *opaque, const struct medium_notice *n);	/* may be NULL */
};

enum medium_link_model {
	MEDIUM_LINK_PATH_LOSS,	/* positions + struct prop_model */
	MEDIUM_LINK_SNR,	/* fixed SNR per node pair, default_snr for the rest */
	MEDIUM_LINK_PROB,	/* fixed loss probability per pair, default_prob for the rest */
};

struct medium_params {
	uint64_t seed;
	enum medium_link_model link_model;
	struct prop_model prop;		/* MEDIUM_LINK_PATH_LOSS */
	double default_snr_db;		/* MEDIUM_LINK_SNR: unlisted pairs */
	double default_prob;		/* MEDIUM_LINK_PROB: unlisted pairs */
	double fading_db;		/* > 0: per-frame fading, std. dev. in dB */
	bool interference;		/* time-overlap interference (else only noise) */
	bool addressee_only;		/* deliver unicast only to its addressee */
	double noise_figure_db;		/* receiver noise figure */
	double cca_dbm;			/* energy detection threshold (per 20 MHz) */
	double preamble_snr_db;		/* a preamble this far above the noise is sensed */
	double default_tx_power_dbm;	/* for radios on no configured node */
	unsigned queue_limit;		/* frames queued per radio */
};

/*
 * Defaults: path loss free space, interference on, NF 7 dB, carrier sense
 * at -82 dBm or 4 dB SNR whichever is lower, 20 dBm, 256 frames.
 */
void medium_params_init(struct medium_params *p);

struct medium;

struct medium *medium_new(const struct medium_params *p, const struct medium_ops *ops,
			  void *opaque);
void medium_free(struct medium *m);

/*
 * Take new parameters (a config reload) without losing radios or frames:
 * everything but the seed and the queue limit takes effect for the next
 * decision.
 */
void medium_set_params(struct medium *m, const struct medium_params *p);

/* --- nodes and links: where radios are, and how pairs hear each other --- */

struct medium_node_conf {
	const char *name;	/* optional: bind radios of the client of that name */
	uint8_t mac[6];		/* bind the radio that answers to this address */
	bool has_mac;
	double pos[3];		/* metres */
	double tx_power_dbm;
	double antenna_gain_dbi;
	int medium_id;		/* radios on different media never hear each other (0 = default) */
};

/* Forget every node and pinned link; radios stay and fall back to the defaults. */
void medium_nodes_clear(struct medium *m);
/* Add a node; returns its id (>= 0) or -EEXIST for a MAC another node has. */
int medium_node_add(struct medium *m, const struct medium_node_conf *conf);
int medium_node_count(const struct medium *m);
int medium_node_set_pos(struct medium *m, int node, const double pos[3]);
int medium_node_set_tx_power(struct medium *m, int node, double dbm);
/* Pin a directional link from node a to node b to an SNR, or a loss probability. */
int medium_link_set_snr(struct medium *m, int a, int b, double snr_db);
int medium_link_set_prob(struct medium *m, int a, int b, double prob);
/* Forget a pinned link: it follows the model again. */
int medium_link_clear(struct medium *m, int a, int b);

/*
 * What node b hears of node a on freq: SNR in dB over the 20 MHz noise
 * floor (before fading and interference) and any extra loss probability.
 * 0 or -ENOENT.
 */
int medium_node_link(const struct medium *m, int a, int b, uint32_t freq, double *snr_db,
		     double *loss);

/*
 * Use a PER table in wmediumd's -x format instead of the AWGN model.
 * 0, or -EINVAL with "LINE: what" in err.
 */
int medium_load_per_table(struct medium *m, const char *text, size_t len, char *err,
			  size_t errlen);

/* --- radios: learned from the transports --- */

/* The radio answers to one more copy of addr (a multiset: add twice, delete twice). */
int medium_addr_add(struct medium *m, uint32_t client, const uint8_t radio[6],
		    const uint8_t addr[6]);
int medium_addr_del(struct medium *m, uint32_t client, const uint8_t radio[6],
		    const uint8_t addr[6]);
/*
 * Name a client (a VM): its radios take the node of that name, unless a node
 * by MAC claims them. NULL forgets the name. 0.
 */
int medium_client_set_name(struct medium *m, uint32_t client, const char *name);

/*
 * A radio known to exist before it announced anything (a transport saw it
 * created): it receives from now on. 0. medium_radio_del() removes one
 * radio like medium_client_gone() removes all of a client's: 0 or -ENOENT.
 */
int medium_radio_add(struct medium *m, uint32_t client, const uint8_t radio[6]);
int medium_radio_del(struct medium *m, uint32_t client, const uint8_t radio[6]);
/* The connection is gone: its radios and their queued frames go, with no status. */
void medium_client_gone(struct medium *m, uint32_t client);

/* --- time and frames --- */

/*
 * A radio transmits. Runs every event up to now first; now must not go
 * backwards. Queues the frame at the radio (dropping the oldest, with a
 * failed status, when the queue is full) and starts contention. Returns 0
 * or -EINVAL for a rate chain no PHY can send (the frame gets a failed
 * status at once), -EDEADLK when called from a medium callback (queue the
 * request and submit it after medium_run() returns).
 */
int medium_tx(struct medium *m, uint64_t now_us, const struct medium_tx *tx);

/* Time of the earliest pending event, UINT64_MAX if none. */
uint64_t medium_next_event(const struct medium *m);

/* Run every event due at or before now; UINT64_MAX runs all, leaving the clock at the last. */
void medium_run(struct medium *m, uint64_t now_us);

/* --- counters --- */

struct medium_counters {
	uint64_t tx_frames;		/* frames accepted from radios */
	uint64_t tx_attempts;		/* transmissions on the air, retries included */
	uint64_t tx_acked;
	uint64_t tx_failed;
	uint64_t rx_frames;		/* deliveries */
	uint64_t collisions;		/* receptions lost with interference present */
	uint64_t queue_drops;		/* dropped as oldest on a full queue */
	uint64_t bad_rate;		/* rate chains no PHY can send */
	uint64_t dup_addr;		/* an address claimed by radios of two clients */
};

void medium_get_counters(const struct medium *m, struct medium_counters *c);

#endif
