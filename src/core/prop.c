/* SPDX-License-Identifier: MIT */
/*
 * Propagation models. The formulas are the textbook ones that wmediumd and
 * mininet-wifi name, with their bugs left out:
 *
 *   free space       FS(d, f) = 20 log10(4 pi d f / c) + sL
 *   log-distance     FS(d0, f) + sL + 10 n log10(d / d0) + Xg
 *   log-normal       log-distance + sigma * gauss
 *   two-ray ground   free space up to dc = 4 pi ht hr / lambda,
 *                    40 log10(d) - 20 log10(ht hr) + sL beyond (continuous at dc)
 *   ITU indoor       20 log10(f_MHz) + N log10(d) + nFLOORS * lF - 28
 *                    (ITU-R P.1238; N = 28, or 38 beyond 16 m, when pL is 0,
 *                    as in Chrysikos et al. and mininet-wifi)
 *
 * Every model uses the frame's frequency. wmediumd's ITU model feeds Hz
 * where the formula wants MHz (120 dB too much), its two-ray model returns a
 * linear power as dB, and it truncates losses to int; none of that here.
 */
#include "prop.h"

#include <math.h>

#define SPEED_OF_LIGHT 299792458.0	/* m/s */
#define DEFAULT_FREQ_MHZ 2412.0		/* channel 1, wmediumd's fallback too */

const char *prop_model_name(enum prop_model_type type)
{
	switch (type) {
	case PROP_FREE_SPACE:
		return "free_space";
	case PROP_LOG_DISTANCE:
		return "log_distance";
	case PROP_LOG_NORMAL_SHADOWING:
		return "log_normal_shadowing";
	case PROP_TWO_RAY_GROUND:
		return "two_ray_ground";
	case PROP_ITU:
		return "itu";
	}
	return "?";
}

void prop_model_init(struct prop_model *pm, enum prop_model_type type)
{
	*pm = (struct prop_model){
		.type = type,
		/* mininet-wifi's propagationModel defaults: exp 3, sL 1 (0 dB), sigma 2 dB */
		.path_loss_exp = 3.0,
		.xg = 0.0,
		.sigma = 2.0,
		.system_loss = 0.0,
		.floors = 0,
		.floor_loss = 0.0,
		.power_loss_coeff = 0.0,
		.ref_distance = 1.0,
		/*
		 * mininet-wifi turns d = 0 into 0.1 m; wmediumd takes log10(0) and
		 * casts -inf to int. 0.1 m keeps every logarithm finite and is
		 * about where a small antenna's far field starts at 2.4 GHz.
		 */
		.min_distance = 0.1,
	};
}

/* 20 log10(4 pi d f / c) with f in MHz. */
static double free_space_db(double d, double freq_mhz)
{
	return 20.0 * log10(4.0 * M_PI * d * freq_mhz * 1e6 / SPEED_OF_LIGHT);
}

static double log_distance_db(const struct prop_model *pm, double d, double freq_mhz)
{
	double d0 = pm->ref_distance > 0.0 ? pm->ref_distance : 1.0;

	/*
	 * Inside d0 the reference loss holds (as ns-3 does): extrapolating the
	 * exponent inwards would give less loss than free space, and with
	 * n > 4 a gain.
	 */
	if (d < d0)
		d = d0;
	return free_space_db(d0, freq_mhz) + pm->system_loss +
	       10.0 * pm->path_loss_exp * log10(d / d0);
}

static double two_ray_db(const struct prop_model *pm, double d, double h_tx, double h_rx,
			 double freq_mhz)
{
	double lambda = SPEED_OF_LIGHT / (freq_mhz * 1e6);
	double crossover;

	/* Without two heights above ground there is no ground reflection to model. */
	if (!(h_tx > 0.0) || !(h_rx > 0.0))
		return free_space_db(d, freq_mhz) + pm->system_loss;
	crossover = 4.0 * M_PI * h_tx * h_rx / lambda;
	if (d <= crossover)
		return free_space_db(d, freq_mhz) + pm->system_loss;
	return 40.0 * log10(d) - 20.0 * log10(h_tx * h_rx) + pm->system_loss;
}

static double itu_db(const struct prop_model *pm, double d, double freq_mhz)
{
	double n = pm->power_loss_coeff;

	if (n == 0.0)
		n = d > 16.0 ? 38.0 : 28.0;
	return 20.0 * log10(freq_mhz) + n * log10(d) + pm->floors * pm->floor_loss - 28.0;
}

double prop_path_loss_db(const struct prop_model *pm, double dist_m, double h_tx, double h_rx,
			 double freq_mhz, double gauss)
{
	double min = pm->min_distance > 0.0 ? pm->min_distance : 0.1;
	double loss = 0.0;

	/* Written so NaN lands on the clamp too. */
	if (!(dist_m >= min))
		dist_m = min;
	if (!(freq_mhz > 0.0) || isinf(freq_mhz))
		freq_mhz = DEFAULT_FREQ_MHZ;

	switch (pm->type) {
	case PROP_FREE_SPACE:
		loss = free_space_db(dist_m, freq_mhz) + pm->system_loss;
		break;
	case PROP_LOG_DISTANCE:
		loss = log_distance_db(pm, dist_m, freq_mhz) + pm->xg;
		break;
	case PROP_LOG_NORMAL_SHADOWING:
		loss = log_distance_db(pm, dist_m, freq_mhz);
		if (isfinite(gauss))
			loss += pm->sigma * gauss;
		break;
	case PROP_TWO_RAY_GROUND:
		loss = two_ray_db(pm, dist_m, h_tx, h_rx, freq_mhz);
		break;
	case PROP_ITU:
		loss = itu_db(pm, dist_m, freq_mhz);
		break;
	}
	/* A passive channel never amplifies: a deep negative draw stops at 0 dB. */
	if (!(loss > 0.0))
		loss = isnan(loss) ? INFINITY : 0.0;
	return loss;
}

double prop_noise_dbm(double bw_mhz, double noise_figure_db)
{
	return -174.0 + 10.0 * log10(bw_mhz * 1e6) + noise_figure_db;
}
