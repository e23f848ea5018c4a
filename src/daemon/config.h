/* SPDX-License-Identifier: MIT */
/*
 * The config file: wmediumd's libconfig format (bcopeland/wmediumd and the
 * wmediumd fork mininet-wifi writes for), plus our own nodes list, read
 * into plain data the daemon applies to the medium. No I/O besides
 * reading the file, no logging: every problem becomes one
 * "FILE:LINE: what: `value'" message in a list the caller prints, and all
 * of them are collected, not just the first.
 * docs/config.md describes every key.
 */
#ifndef WM_DAEMON_CONFIG_H
#define WM_DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/medium.h"
#include "core/ns2trace.h"
#include "core/prop.h"
#include "util/util.h"

/* How pairs of radios hear each other (model.type, or what older files imply). */
enum config_model_type {
	CONFIG_MODEL_NONE,	/* no model: every pair at default_snr_db */
	CONFIG_MODEL_SNR,	/* "snr", or ifaces.links: fixed SNR per pair */
	CONFIG_MODEL_PROB,	/* "prob" / "prob_asymmetric", or ifaces.error_probs */
	CONFIG_MODEL_PATH_LOSS,	/* "path_loss", or the old top-level path_loss section */
};

/* One entry of ifaces.ids, with what the model section says about it. */
struct config_radio {
	uint8_t mac[ETH_ALEN];
	int line;			/* where its id is, for later messages */
	bool has_pos;			/* model.positions */
	double pos[3];			/* metres; z = 0 when given as (x, y) */
	bool has_dir;			/* model.directions */
	double dir[2];			/* metres added to x, y every wmediumd move interval */
	bool has_tx_power;		/* model.tx_powers */
	double tx_power_dbm;
	double antenna_gain_dbi;	/* no wmediumd format carries one: 0 */
	bool is_ap;			/* model.isnodeaps: the pair uses the AP's tx power */
	int medium_id;			/* ifaces.medium_array: 0 = the shared medium, else 1.. */
};

/*
 * One directed link a -> b (indices into radios), already expanded the way
 * wmediumd does: a link given in one direction only holds both ways, unless
 * the model is "prob_asymmetric". value is an SNR in dB or a loss
 * probability in [0, 1], by model.
 */
struct config_link {
	int a, b;
	double value;
	int line;
};

enum config_mobility_model {
	CONFIG_MOBILITY_NONE,
	CONFIG_MOBILITY_WAYPOINTS,	/* mobility.waypoints (+ loop) */
	CONFIG_MOBILITY_RANDOM,		/* mobility.random */
};

/* A node's mobility = { } (docs/mobility.md), checked as the medium will take it. */
struct config_mobility {
	enum config_mobility_model model;
	struct medium_waypoint *waypoints;	/* WAYPOINTS */
	size_t n_waypoints;
	bool loop;
	struct medium_random_walk random;	/* RANDOM; seed: given, else 1 + the node's index */
	int line;			/* of mobility */
};

/* Longest client (VM) name a node can give, without the NUL. */
#define CONFIG_NAME_MAX 63

/*
 * One entry of our own top-level nodes list (no wmediumd format has it):
 * the radios of the client (VM) called name, or the one radio that answers
 * to mac, exactly one of the two. Unlike ifaces.ids it is no link index:
 * links (snr, prob) never refer to a node.
 */
struct config_node {
	char name[CONFIG_NAME_MAX + 1];	/* "" when placed by mac */
	bool has_mac;
	uint8_t mac[ETH_ALEN];		/* unicast, in no other node and not in ifaces.ids */
	bool has_pos;			/* false: at the origin (pos is all 0) */
	double pos[3];			/* metres; z = 0 when given as (x, y) */
	bool has_tx_power;		/* false: the daemon's default */
	double tx_power_dbm;
	double antenna_gain_dbi;	/* 0 unless given */
	int medium_id;			/* as config_radio: 0 = the shared medium */
	int line;			/* where the entry's { is, for later messages */
	struct config_mobility mobility;	/* its mobility = { } */
};

/* model.pmsr_*: mininet-wifi's FTM ranging-error model. Parsed, not modelled. */
struct config_pmsr {
	bool present;
	double sigma_m, crlb_alpha, nlos_prob, nlos_bias_m, brms_ratio;
	long long seed;
};

struct wm_config {
	struct config_radio *radios;	/* in ifaces.ids order */
	size_t n_radios;
	bool interference;		/* ifaces.enable_interference */
	bool medium_detection;		/* ifaces.enable_medium_detection */
	enum config_model_type model;
	bool asymmetric;		/* "prob_asymmetric": links are one-way */
	struct config_link *links;
	size_t n_links;
	double default_snr_db;		/* SNR of pairs no link names (wmediumd: 30) */
	double default_prob;		/* loss probability of pairs no link names (0) */
	double fading_db;		/* model.fading_coefficient: std. dev. in dB, 0 = off */
	bool has_noise_threshold;
	double noise_threshold_dbm;	/* model.noise_threshold (mininet-wifi: -91) */
	struct prop_model prop;		/* CONFIG_MODEL_PATH_LOSS */
	struct config_pmsr pmsr;
	struct config_node *nodes;	/* ours: in file order, names and MACs unique */
	size_t n_nodes;
	/*
	 * Ours: mobility_trace, an ns-2 trace, read by config_load_file()
	 * (relative to the config's directory) and checked against the
	 * nodes: $node_(N) is node N (ifaces.ids first, then nodes).
	 * config_load_string() names it here but reads nothing.
	 */
	char *mobility_trace;		/* the path as resolved, or NULL */
	struct ns2_trace trace;
};

/* Messages beyond this many are counted, not kept: a 10^5-link typo stays readable. */
#define CONFIG_MAX_ERRORS 64

struct config_error {
	int line;	/* 0 when the message is about the whole file */
	char *msg;	/* "FILE:LINE: what: `value'", no newline */
};

struct config_errors {
	struct config_error *v;	/* sorted by line */
	size_t n;
	size_t dropped;		/* errors past CONFIG_MAX_ERRORS */
};

void config_errors_init(struct config_errors *errs);
void config_errors_free(struct config_errors *errs);
/* One message a line, then "(N more errors)" if some were dropped. */
void config_errors_print(const struct config_errors *errs, FILE *f);

/*
 * Read a config file. 0, -EINVAL when the file has errors (errs says
 * which), or -errno when it cannot be read (-EFBIG past 16 MiB; errs says
 * so too). On failure cfg holds the defaults and no radios or links; on
 * success the caller owns it (config_free). errs may be NULL; otherwise it
 * must be initialised, and messages are appended to it.
 */
int config_load_file(const char *path, struct wm_config *cfg, struct config_errors *errs);

/*
 * The same from memory; name stands for the file name in messages. A
 * mobility_trace is not read (no file is opened for text from memory).
 */
int config_load_string(const char *text, size_t len, const char *name, struct wm_config *cfg,
		       struct config_errors *errs);

/* Free what cfg holds and reset it to the defaults (safe on a failed load). */
void config_free(struct wm_config *cfg);

/* A short human summary: radios, model and its parameters, links or positions, nodes. */
void config_summary(const struct wm_config *cfg, FILE *f);

/*
 * Whether name can name a client: 1 to CONFIG_NAME_MAX characters of
 * A-Z a-z 0-9 . _ -. The rule of nodes[].name. transport/vhost_user.c
 * (peer_name) maps a VM's name into the same characters and 63 bytes:
 * keep the two in step, or a VM gets a name no config can write.
 */
bool config_name_valid(const char *name);

#endif
