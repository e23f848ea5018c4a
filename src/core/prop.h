/* SPDX-License-Identifier: MIT */
/*
 * Propagation: path loss between two points at a frequency, and thermal
 * noise. Every model takes the frame's frequency (wmediumd ignores it) in MHz.
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

struct prop_model {
	enum prop_model_type type;
	double path_loss_exp;	/* log_distance, log_normal_shadowing (mininet-wifi default 3.5) */
	double xg;		/* log_distance: extra fixed loss Xg in dB */
	double sigma;		/* log_normal_shadowing: standard deviation in dB */
	double system_loss;	/* sL: system loss in dB, free_space/two_ray/shadowing */
	int floors;		/* itu: nFLOORS */
	double floor_loss;	/* itu: lF, penetration loss per floor in dB */
	double power_loss_coeff;	/* itu: pL, distance power loss coefficient N */
	double ref_distance;	/* d0 in metres for log-distance models (1 m) */
};

/* The defaults each model has when the config names it without parameters. */
void prop_model_init(struct prop_model *pm, enum prop_model_type type);

/*
 * Path loss in dB over dist_m metres (clamped below to 0.1 m... see prop.c)
 * at freq_mhz, between antennas at heights h_tx, h_rx metres (two-ray
 * ground uses them). gauss is a standard normal draw the caller owns (so
 * shadowing is reproducible per link); models without randomness ignore it.
 */
double prop_path_loss_db(const struct prop_model *pm, double dist_m, double h_tx, double h_rx,
			 double freq_mhz, double gauss);

/* Thermal noise floor in dBm: -174 dBm/Hz + 10 log10(bandwidth) + noise figure. */
double prop_noise_dbm(double bw_mhz, double noise_figure_db);

#endif
