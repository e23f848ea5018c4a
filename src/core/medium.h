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

#include "core/phy.h"
#include "core/prop.h"

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

/* What a frame says about aggregation (proto/ieee80211: ieee80211_parse_agg()). */
enum medium_ba_event {
	MEDIUM_BA_NONE,
	MEDIUM_BA_ADD,			/* ADDBA Response, success: addr2 takes A-MPDUs of tid from addr1 */
	MEDIUM_BA_DEL,			/* DELBA of tid; initiator: addr2 is the agreement's originator */
	MEDIUM_BA_RESET,		/* deauthentication or disassociation: the pair's agreements end */
	MEDIUM_BA_OPAQUE,		/* a protected (PMF) action frame: agreements may be set up unseen */
};

struct medium_agg {
	enum medium_ba_event ba;
	uint8_t ba_tid;
	bool ba_initiator;
	uint16_t ba_win;		/* ADD: the recipient's buffer size (0 in the frame: 64) */
	/* The sender's limits for A-MPDUs it receives, from HT/VHT Capabilities of a (re)association frame: */
	bool has_caps;
	uint32_t ht_max_ampdu;		/* bytes, 0 if no HT Capabilities element */
	uint32_t vht_max_ampdu;		/* bytes, 0 if no VHT Capabilities element */
	uint8_t density_q;		/* minimum MPDU start spacing, quarter microseconds */
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
	bool qos_data;			/* QoS data (not Null) to acknowledge: may join an A-MPDU */
	uint8_t tid;			/* QoS data */
	uint16_t seq;			/* sequence number, QoS data */
	struct medium_agg agg;
	/*
	 * The BSS basic rate set a beacon, probe response or (re)association
	 * response announces (bit i: global legacy rate index i, phy.h; 0 if
	 * none): the sender's, and with basic_to_addressee (an association
	 * response) the addressee's too. It sets control-frame rates.
	 */
	uint16_t basic_rates;
	bool basic_to_addressee;
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
	bool need_verdict;		/* the addressee of a frame to acknowledge: say if refused */
	/*
	 * The addressee is known, from its own latest frames, to listen on
	 * another channel: a side that cannot ask its radio should refuse.
	 */
	bool elsewhere;
};

/* Why a frame ended without an ACK, in its status. */
enum medium_drop {
	MEDIUM_DROP_NONE,		/* acked, or sent with no ACK expected */
	MEDIUM_DROP_RETRIES,		/* no ACK after every attempt the chain allowed */
	MEDIUM_DROP_QUEUE,		/* oldest frame of a full queue, never sent */
	MEDIUM_DROP_RATE,		/* a rate chain no PHY can send, never sent */
	MEDIUM_DROP_LIMIT,		/* from a radio past the limits (params), never sent */
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
	enum medium_drop drop;
	uint8_t dst[6];			/* the frame's addr1 */
	uint32_t len;			/* of the frame */
	uint32_t freq;
};

/* What became of a transmission at one radio that heard it. */
enum medium_fate {
	MEDIUM_FATE_OK,			/* decoded (and delivered, for data) */
	MEDIUM_FATE_NOISE,		/* lost to noise: the error rate at its SNR */
	MEDIUM_FATE_COLLISION,		/* lost to interference: noise alone would have let it through */
	MEDIUM_FATE_LOSS,		/* lost to a loss probability (prob model, pinned loss) */
	MEDIUM_FATE_BUSY,		/* the receiver was transmitting itself */
	MEDIUM_FATE_ASLEEP,		/* decoded, but its kernel refused it: idle, down, off channel */
};

/* One radio's view of a transmission: every radio above the decoding floor is listed. */
struct medium_air_rx {
	uint32_t client;
	const uint8_t *radio;
	int32_t signal_dbm;
	enum medium_fate fate;
	bool addressee;
};

enum medium_air_kind {
	MEDIUM_AIR_DATA,		/* a frame a radio sent (any 802.11 frame the guest gave) */
	MEDIUM_AIR_ACK,			/* the ACK the medium sends for an addressee */
	MEDIUM_AIR_BLOCK_ACK,		/* the Block Ack it sends for an A-MPDU's addressee */
	MEDIUM_AIR_RTS,			/* before a frame the guest asked RTS/CTS protection for */
	MEDIUM_AIR_CTS,			/* answering an RTS, or CTS-to-self before a protected frame */
};

/* What follows a transmission. */
enum medium_air_next {
	MEDIUM_NEXT_DONE,		/* the frame is done: no ACK expected, or (ACK) acked */
	MEDIUM_NEXT_ACK,		/* the addressee decoded it: its ACK follows after SIFS
					   (RTS: its CTS; CTS: the protected frame) */
	MEDIUM_NEXT_RETRY,		/* no ACK will come: another attempt follows */
	MEDIUM_NEXT_FAIL,		/* no ACK will come and no attempt is left: the frame fails */
};

/*
 * One transmission leaving the air, data or ACK, with every radio that
 * heard it: what captures and counters are made of. Reported when it ends,
 * so reports come in order of end time.
 */
struct medium_air {
	enum medium_air_kind kind;
	uint32_t client;		/* the sender */
	const uint8_t *radio;
	const uint8_t *frame;		/* ACK: the 10-byte ACK frame */
	uint32_t len;
	uint32_t freq;
	struct phy_rate rate;
	double tx_power_dbm;
	double noise_dbm;		/* noise floor in the frame's bandwidth */
	uint64_t start_us, end_us;
	unsigned attempt;		/* 1 for the first; ACK: of the frame it answers */
	enum medium_air_next next;	/* ACK: DONE when acked, else RETRY or FAIL;
					   BLOCK_ACK: DONE when its sender decoded it, else RETRY;
					   an MPDU of an A-MPDU: ACK when the Block Ack acknowledges it */
	bool acked;			/* ACK, BLOCK_ACK: the frame's sender decoded it */
	uint32_t ampdu_ref;		/* an MPDU of an A-MPDU (one report each), or its
					   Block Ack: the A-MPDU's reference number; else 0 */
	bool ampdu_last;		/* the A-MPDU's last MPDU */
	const struct medium_air_rx *rx;
	uint32_t nrx;
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
	/*
	 * A frame a radio decoded. false: its side refused it (the radio is
	 * idle, down or on another channel, which only its kernel knows), so
	 * it neither received the frame nor acknowledges it.
	 */
	bool (*deliver)(void *opaque, const struct medium_rx *rx);
	void (*tx_status)(void *opaque, const struct medium_status *st);
	void (*notice)(void *opaque, const struct medium_notice *n);	/* may be NULL */
	void (*on_air)(void *opaque, const struct medium_air *a);	/* may be NULL */
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
	uint32_t mobility_step_us;	/* moving nodes advance this often (0: 100 ms) */
	/*
	 * What one peer can make the medium hold: radios in all (0: 16384),
	 * radios of one client (0: 1024), addresses one radio answers to
	 * besides its identity (0: 32). Past them: -ENOSPC, nothing made.
	 */
	uint32_t max_radios;
	uint32_t max_client_radios;
	uint32_t max_radio_addrs;
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
/* Put a node at pos: ends its mobility model; a plain velocity goes on from there. */
int medium_node_set_pos(struct medium *m, int node, const double pos[3]);
int medium_node_set_tx_power(struct medium *m, int node, double dbm);
/* Antenna gain in dBi, added to both ends of each of its links. 0, -ENOENT, -EINVAL. */
int medium_node_set_antenna_gain(struct medium *m, int node, double dbi);
/*
 * Antenna height above ground in metres, for two-ray ground (without one,
 * the node's z, at least 1 m); a height <= 0 returns to that. 0, -ENOENT, -EINVAL.
 */
int medium_node_set_antenna_height(struct medium *m, int node, double metres);
/*
 * Log-normal shadowing: a fixed term instead of the random draw for what
 * this node sends, db less path loss (the mininet-wifi fork's "gaussian
 * random"); NAN returns to the draw. 0, -ENOENT, -EINVAL for an infinity.
 */
int medium_node_set_shadowing(struct medium *m, int node, double db);
/* Radios on different media never hear each other (0 = the default medium). 0, -ENOENT. */
int medium_node_set_medium(struct medium *m, int node, int medium_id);
/*
 * A node moves at v metres per second from now on, its position advancing
 * every mobility_step_us of simulated time; zero stops it. Ends any
 * mobility model of the node (as medium_node_set_pos() does). 0, -ENOENT,
 * or -EINVAL for a speed that is not finite.
 */
int medium_node_set_velocity(struct medium *m, int node, const double v[3]);

/* --- mobility models (core/mobility.c; docs/mobility.md) --- */

#define MEDIUM_MAX_WAYPOINTS 1000
#define MEDIUM_MAX_TRACE_STEPS 100000	/* per node */

/* One waypoint: walk to pos at speed, then wait there pause seconds. */
struct medium_waypoint {
	double pos[3];			/* metres; without has_z the node keeps its height */
	bool has_z;
	double speed;			/* m/s, > 0 */
	double pause;			/* seconds, >= 0 */
};

/*
 * A node walks its waypoints in order from where it is now, and with loop
 * from the last back to the first, for ever. Replaces any model or
 * velocity. 0, -ENOENT, or -EINVAL for no waypoints, more than
 * MEDIUM_MAX_WAYPOINTS, a value not finite, a speed <= 0, a pause < 0, or a
 * loop that takes no time at all.
 */
int medium_node_set_waypoints(struct medium *m, int node, const struct medium_waypoint *wp,
			      uint32_t n, bool loop);
/* What medium_node_set_waypoints() checks, without a medium: 0 or -EINVAL. */
int medium_waypoints_check(const struct medium_waypoint *wp, uint32_t n, bool loop);

/*
 * Random waypoint: pick a point uniformly in the box, walk there at a speed
 * uniform in [speed_min, speed_max], pause uniform in [pause_min,
 * pause_max] seconds, repeat. Draws come from an rng of its own seeded with
 * seed, so a walk repeats for a seed whatever else happens. Without has_z
 * the walk stays at the node's height. 0, -ENOENT, -EINVAL (lo > hi, speed
 * min <= 0 or min > max, pause min < 0 or min > max, anything not finite).
 */
struct medium_random_walk {
	double lo[3], hi[3];
	bool has_z;
	double speed_min, speed_max;
	double pause_min, pause_max;
	uint64_t seed;
};

int medium_node_set_random_walk(struct medium *m, int node, const struct medium_random_walk *rw);
/* What medium_node_set_random_walk() checks, without a medium: 0 or -EINVAL. */
int medium_random_walk_check(const struct medium_random_walk *rw);

enum medium_trace_op {
	MEDIUM_TRACE_SETDEST,		/* walk towards dest (x, y) at speed; stop there */
	MEDIUM_TRACE_SET_X,		/* jump: the coordinate becomes value, motion stops */
	MEDIUM_TRACE_SET_Y,
	MEDIUM_TRACE_SET_Z,
};

/* One timed line of an ns-2 mobility trace, for one node. */
struct medium_trace_step {
	uint64_t at_us;			/* after the trace starts */
	enum medium_trace_op op;
	double dest[2];			/* SETDEST */
	double speed;			/* SETDEST: m/s, >= 0 (0: stop where it is) */
	double value;			/* SET_*: metres */
};

/*
 * A node follows timed steps from now (at_us counts from now). Steps in
 * order of at_us (equal times in the order given). 0, -ENOENT, -EINVAL
 * (out of order, more than MEDIUM_MAX_TRACE_STEPS, not finite, speed < 0).
 */
int medium_node_set_trace(struct medium *m, int node, const struct medium_trace_step *steps,
			  uint32_t n);

/* End the node's model or velocity: it stays where it is now. 0, -ENOENT. */
int medium_node_stop(struct medium *m, int node);

enum medium_mobility {
	MEDIUM_MOBILITY_NONE,		/* still, or a plain velocity */
	MEDIUM_MOBILITY_WAYPOINTS,
	MEDIUM_MOBILITY_RANDOM,
	MEDIUM_MOBILITY_TRACE,
};

struct medium_mobility_info {
	enum medium_mobility model;
	uint32_t leg;			/* WAYPOINTS: the waypoint it walks to or waits at;
					   TRACE: steps done */
	uint32_t legs;			/* WAYPOINTS: how many; TRACE: steps in all */
	bool loop;			/* WAYPOINTS */
	bool done;			/* WAYPOINTS without loop, TRACE: no step left */
	bool paused;			/* waiting at a point */
	double dest[3];			/* where it walks to (its position when still) */
	struct medium_random_walk random;	/* RANDOM */
};

struct medium_node_info {
	const char *name;		/* NULL when placed by MAC */
	uint8_t mac[6];
	bool has_mac;
	double pos[3], vel[3];
	double tx_power_dbm;
	double antenna_gain_dbi;
	double antenna_height_m;	/* 0: none set (z is used) */
	double shadowing_db;		/* NAN: none set (the random draw) */
	int medium_id;
	unsigned radios;		/* radios placed on it */
	struct medium_mobility_info mobility;
};

/* 0, or -ENOENT. */
int medium_node_info(const struct medium *m, int node, struct medium_node_info *out);
/* Pin a directional link from node a to node b to an SNR, or a loss probability. */
int medium_link_set_snr(struct medium *m, int a, int b, double snr_db);
int medium_link_set_prob(struct medium *m, int a, int b, double prob);
/* Forget a pinned link (and its loss matrix): it follows the model again. */
int medium_link_clear(struct medium *m, int a, int b);

/*
 * The mininet-wifi fork's "spec-prob" links: the loss probability of a
 * unicast frame from node a to node b depends on its size and rate:
 * v[size * MEDIUM_LOSS_SIZES + rate], size = floor(log2(bytes)) (0..11,
 * larger frames 11), rate = the legacy rate index 0..11 (1, 2, 5.5, 11,
 * 6, 9, .. 54 Mbit/s; HT and VHT MCS m count as OFDM rate 4 + m % 8).
 * Group-addressed frames and ACKs are not subject to it. Every value in
 * [0, 1], else -EINVAL; -ENOENT for a node that does not exist.
 */
#define MEDIUM_LOSS_SIZES 12
#define MEDIUM_LOSS_RATES 12
#define MEDIUM_LOSS_MATRIX_N (MEDIUM_LOSS_SIZES * MEDIUM_LOSS_RATES)
int medium_link_set_loss_matrix(struct medium *m, int a, int b, const double *v);
/* The loss a matrix on a -> b gives a unicast frame of len bytes at rate; -ENOENT if none. */
int medium_link_matrix_loss(const struct medium *m, int a, int b, uint32_t len,
			    const struct phy_rate *rate, double *loss);

enum medium_pin {
	MEDIUM_PIN_NONE,
	MEDIUM_PIN_SNR,		/* *value: dB */
	MEDIUM_PIN_LOSS,	/* *value: probability */
};

/* How the link from node a to node b is pinned (into *pin, *value): 0 or -ENOENT. */
int medium_link_pinned(const struct medium *m, int a, int b, enum medium_pin *pin, double *value);

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

/*
 * The radio answers to one more copy of addr (a multiset: add twice, delete
 * twice). 0; -EINVAL for a group address; -ENOSPC past a limit (params).
 */
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
 * created): it receives from now on. 0, or -ENOSPC past a limit
 * (params). medium_radio_del() removes one
 * radio like medium_client_gone() removes all of a client's: 0 or -ENOENT.
 */
int medium_radio_add(struct medium *m, uint32_t client, const uint8_t radio[6]);
int medium_radio_del(struct medium *m, uint32_t client, const uint8_t radio[6]);
/* The connection is gone: its radios and their queued frames go, with no status. */
void medium_client_gone(struct medium *m, uint32_t client);

#define MEDIUM_INFO_ADDRS 8

/* What one radio did, since it appeared. */
struct medium_radio_counters {
	uint64_t tx_frames, tx_bytes;	/* handed to the medium */
	uint64_t tx_attempts;		/* transmissions on the air, retries included */
	uint64_t retries;		/* attempts after a frame's first */
	uint64_t acked;
	uint64_t failed;		/* needed an ACK, got none after every attempt */
	uint64_t rx_frames, rx_bytes;	/* delivered to it */
	uint64_t airtime_us;		/* its transmissions, ACKs included */
	uint64_t ampdus;		/* A-MPDUs it sent */
	uint64_t ampdu_mpdus;		/* MPDUs those held, retries included */
	uint64_t drop_queue;		/* lost as oldest of a full queue */
	uint64_t drop_rate;		/* rate chains no PHY can send */
	/* Receptions it heard but lost, by fate. */
	uint64_t rx_noise, rx_collision, rx_loss, rx_busy;
	uint64_t rx_asleep;		/* decoded, refused by its kernel (MEDIUM_FATE_ASLEEP) */
};

struct medium_radio_info {
	uint32_t client;
	uint8_t id[6];
	int node;			/* -1: on no node */
	uint8_t addrs[MEDIUM_INFO_ADDRS][6];	/* announced, then learned, without repeats */
	unsigned naddrs;
	uint32_t last_freq;		/* of its last frame, 0 before any */
	double tx_power_dbm;
	uint32_t queued;		/* frames waiting, those in service included */
	struct medium_radio_counters c;
};

/*
 * Radios by slot: slots run from 0 to medium_radio_slots() - 1, some empty
 * (-ENOENT). A slot keeps its radio until the radio goes.
 */
uint32_t medium_radio_slots(const struct medium *m);
int medium_radio_info(const struct medium *m, uint32_t slot, struct medium_radio_info *out);
/* The slot of radio (client, id), or -ENOENT. */
int medium_radio_slot(const struct medium *m, uint32_t client, const uint8_t id[6]);

/*
 * What radio slot b hears of radio slot a on freq, as medium_node_link()
 * does for nodes: 0 or -ENOENT.
 */
int medium_radio_link(struct medium *m, uint32_t a, uint32_t b, uint32_t freq, double *snr_db,
		      double *loss);

/* What radio slot b made of radio slot a's data frames. */
struct medium_link_counters {
	uint64_t frames, bytes;		/* decoded */
	uint64_t lost;			/* heard, not decoded */
	uint64_t collisions;		/* of those, lost to interference */
	struct phy_rate rate;		/* a's last rate towards b, when has_rate */
	bool has_rate;
};

/* The counters of link a -> b (zero before any frame): 0, or -ENOENT for an empty slot. */
int medium_link_counters(const struct medium *m, uint32_t a, uint32_t b,
			 struct medium_link_counters *out);

/* Airtime per channel. */
struct medium_channel {
	uint32_t freq;
	uint64_t frames;		/* transmissions, ACKs included */
	uint64_t airtime_us;
};

/* Up to n channels into out, in order of first use; returns how many there are. */
uint32_t medium_channels(const struct medium *m, struct medium_channel *out, uint32_t n);

/* Probability that a frame of len bytes (without FCS) at rate and SNR is lost to noise. */
double medium_per(const struct medium *m, const struct phy_rate *rate, double snr_db,
		  uint32_t len);

/* --- time and frames --- */

/*
 * A radio transmits. Runs every event up to now first; now must not go
 * backwards. Queues the frame at the radio (dropping the oldest, with a
 * failed status, when the queue is full) and starts contention. Returns 0
 * or -EINVAL for a rate chain no PHY can send, -ENOSPC for a new radio past
 * a limit (either way the frame gets a failed status at once), -EDEADLK
 * when called from a medium callback (queue the
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
	uint64_t limited;		/* radios or addresses refused past a limit */
	uint64_t ampdus;		/* A-MPDUs sent (their MPDUs count as attempts) */
	uint64_t ampdu_mpdus;		/* MPDUs those held */
	uint64_t visits;		/* radios a transmission looked at, start to receptions */
};

/*
 * Replace ops.on_air (NULL: no reports). A report costs a record per
 * receiver of every frame: worth building only while someone reads it.
 * From inside a callback the change takes effect when medium_run() returns.
 */
void medium_set_on_air(struct medium *m, void (*on_air)(void *opaque, const struct medium_air *a));

void medium_get_counters(const struct medium *m, struct medium_counters *c);

#endif
