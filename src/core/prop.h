/* SPDX-License-Identifier: MIT */
/*
 * Propagation: path loss between two points at a frequency, and thermal
 * noise. Every model takes the frame's frequency (wmediumd ignores it) in MHz.
 * Pure arithmetic: no state, no randomness of its own (a normal draw comes in).
 */
#ifndef WM_CORE_PROP_H
#define WM_CORE_PROP_H

enum prop_model_type {
	PROP_FREE_SPACE,
	PROP_LOG_DISTANCE,
	PROP_LOG_NORMAL_SHADOWING,
	PROP_TWO_RAY_GROUND,
	PROP_ITU,
};

/*
 * Parameters of every model; each model reads only its own (see prop.c for
 * the formulas). Losses are in dB, distances in metres. wmediumd's sL is a
 * linear power ratio; the config loader converts it to system_loss in dB.
 */
struct prop_model {
	enum prop_model_type type;
	double path_loss_exp;	/* n: log_distance, log_normal_shadowing (mininet-wifi: 3) */
	double xg;		/* Xg: log_distance, extra fixed loss in dB */
	double sigma;		/* log_normal_shadowing: std. deviation of the shadowing, dB */
	double system_loss;	/* 10 log10(sL) in dB, added to the free-space part (not itu) */
	int floors;		/* itu: nFLOORS, floors between the two radios */
	double floor_loss;	/* itu: lF, penetration loss per floor in dB */
	double power_loss_coeff;	/* itu: pL, the N of ITU-R P.1238; 0 = 28, or 38 beyond 16 m */
	double ref_distance;	/* d0 of the log-distance models, metres (1 m) */
	double min_distance;	/* closer radios count as this far apart, metres (0.1 m) */
};

/* The defaults each model has when the config names it without parameters. */
void prop_model_init(struct prop_model *pm, enum prop_model_type type);

/* "free_space", "log_distance", ...: the names wmediumd's model_name uses. */
const char *prop_model_name(enum prop_model_type type);

/*
 * Path loss in dB (never below 0) over dist_m metres at freq_mhz, between
 * antennas at heights h_tx, h_rx metres (two-ray ground uses them). dist_m
 * is clamped below to pm->min_distance. gauss is a standard normal draw the
 * caller owns (so shadowing is reproducible per link); models without
 * randomness ignore it. A freq_mhz that is not positive means 2412 MHz.
 */
double prop_path_loss_db(const struct prop_model *pm, double dist_m, double h_tx, double h_rx,
			 double freq_mhz, double gauss);

/* Thermal noise floor in dBm: -174 dBm/Hz + 10 log10(bandwidth) + noise figure. */
double prop_noise_dbm(double bw_mhz, double noise_figure_db);

#endif
