/* SPDX-License-Identifier: MIT */
/*
 * Propagation models against values computed independently: free space from
 * the engineering form 20 log10(d_km) + 20 log10(f_MHz) + 32.45, the others
 * from their defining formulas evaluated by hand (numbers in the comments).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/prop.h"

#define EPS 0.01

static void assert_near(double got, double want, double eps)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("got %.6f, want %.6f (+-%g)", got, want, eps);
}

/* The textbook engineering form, a different route to the same number. */
static double fspl_km_mhz(double d_m, double f_mhz)
{
	return 20.0 * log10(d_m / 1000.0) + 20.0 * log10(f_mhz) + 32.4478;
}

static double loss(enum prop_model_type t, double d, double f)
{
	struct prop_model pm;

	prop_model_init(&pm, t);
	return prop_path_loss_db(&pm, d, 1.0, 1.0, f, 0.0);
}

static void test_free_space_known(void **state)
{
	(void)state;
	assert_near(loss(PROP_FREE_SPACE, 1.0, 2412), 40.095, EPS);
	assert_near(loss(PROP_FREE_SPACE, 10.0, 2412), 60.095, EPS);
	assert_near(loss(PROP_FREE_SPACE, 100.0, 5180), 86.734, EPS);
	for (double d = 0.5; d < 5000; d *= 3.7)
		assert_near(loss(PROP_FREE_SPACE, d, 2437), fspl_km_mhz(d, 2437), 0.005);
}

static void test_free_space_uses_frequency(void **state)
{
	double lo = loss(PROP_FREE_SPACE, 30.0, 2412), hi = loss(PROP_FREE_SPACE, 30.0, 5745);

	(void)state;
	/* wmediumd ignores the channel; a 5 GHz frame loses 7.5 dB more here. */
	assert_near(hi - lo, 20.0 * log10(5745.0 / 2412.0), 1e-9);
}

static void test_free_space_system_loss(void **state)
{
	struct prop_model pm;

	(void)state;
	prop_model_init(&pm, PROP_FREE_SPACE);
	pm.system_loss = 10.0 * log10(2.0);	/* sL = 2 */
	assert_near(prop_path_loss_db(&pm, 10.0, 0, 0, 2412, 0), 60.095 + 3.0103, EPS);
}

static void test_log_distance(void **state)
{
	struct prop_model pm;

	(void)state;
	prop_model_init(&pm, PROP_LOG_DISTANCE);
	pm.path_loss_exp = 3.5;
	/* 40.095 + 35 log10(50) = 40.095 + 59.464 */
	assert_near(prop_path_loss_db(&pm, 50.0, 0, 0, 2412, 0), 99.559, EPS);
	/* At d0 it is free space at d0; inside d0 it stays there. */
	assert_near(prop_path_loss_db(&pm, 1.0, 0, 0, 2412, 0), 40.095, EPS);
	assert_near(prop_path_loss_db(&pm, 0.3, 0, 0, 2412, 0), 40.095, EPS);
	pm.xg = 4.5;
	assert_near(prop_path_loss_db(&pm, 50.0, 0, 0, 2412, 0), 104.059, EPS);
	/* Exponent 2 with d0 = 1 m is free space. */
	pm.xg = 0;
	pm.path_loss_exp = 2.0;
	assert_near(prop_path_loss_db(&pm, 77.0, 0, 0, 5180, 0), fspl_km_mhz(77.0, 5180), 0.005);
	/* A different reference distance moves PL(d0) with it. */
	pm.ref_distance = 10.0;
	pm.path_loss_exp = 3.0;
	assert_near(prop_path_loss_db(&pm, 100.0, 0, 0, 2412, 0), 60.095 + 30.0, EPS);
}

static void test_log_normal_shadowing(void **state)
{
	struct prop_model pm, ld;

	(void)state;
	prop_model_init(&pm, PROP_LOG_NORMAL_SHADOWING);
	prop_model_init(&ld, PROP_LOG_DISTANCE);
	assert_near(pm.sigma, 2.0, 0);
	assert_near(prop_path_loss_db(&pm, 40.0, 0, 0, 2412, 0.0),
		    prop_path_loss_db(&ld, 40.0, 0, 0, 2412, 0.0), 1e-9);
	pm.sigma = 4.0;
	assert_near(prop_path_loss_db(&pm, 40.0, 0, 0, 2412, 1.5),
		    prop_path_loss_db(&ld, 40.0, 0, 0, 2412, 0.0) + 6.0, 1e-9);
	/* Shadowing only: Xg belongs to log_distance. */
	pm.xg = 50;
	assert_near(prop_path_loss_db(&pm, 40.0, 0, 0, 2412, 0.0),
		    prop_path_loss_db(&ld, 40.0, 0, 0, 2412, 0.0), 1e-9);
	/* A wild draw cannot turn loss into gain; NaN draws are ignored. */
	assert_near(prop_path_loss_db(&pm, 1.0, 0, 0, 2412, -100.0), 0.0, 0);
	assert_near(prop_path_loss_db(&pm, 40.0, 0, 0, 2412, NAN),
		    prop_path_loss_db(&ld, 40.0, 0, 0, 2412, 0.0), 1e-9);
}

static void test_two_ray_ground(void **state)
{
	struct prop_model pm;
	double lambda = 299792458.0 / 2412e6, dc = 4 * M_PI * 1.5 * 1.5 / lambda;

	(void)state;
	prop_model_init(&pm, PROP_TWO_RAY_GROUND);
	assert_near(dc, 227.483, 0.001);
	/* Below the crossover: free space. */
	assert_near(prop_path_loss_db(&pm, 100.0, 1.5, 1.5, 2412, 0), fspl_km_mhz(100, 2412), 0.005);
	/* Beyond: 40 log10(500) - 20 log10(2.25) = 107.959 - 7.044 */
	assert_near(prop_path_loss_db(&pm, 500.0, 1.5, 1.5, 2412, 0), 100.915, EPS);
	/* Continuous at the crossover (both 87.234 dB). */
	assert_near(prop_path_loss_db(&pm, dc - 1e-6, 1.5, 1.5, 2412, 0),
		    prop_path_loss_db(&pm, dc + 1e-6, 1.5, 1.5, 2412, 0), 1e-4);
	/* Beyond the crossover the frequency no longer matters, d^4 does. */
	assert_near(prop_path_loss_db(&pm, 2000.0, 1.5, 1.5, 2412, 0) -
		    prop_path_loss_db(&pm, 1000.0, 1.5, 1.5, 2412, 0), 40.0 * log10(2.0), 1e-9);
	/* No antenna height: no ground ray, free space. */
	assert_near(prop_path_loss_db(&pm, 500.0, 0.0, 1.5, 2412, 0), fspl_km_mhz(500, 2412), 0.005);
	pm.system_loss = 3.0;
	assert_near(prop_path_loss_db(&pm, 500.0, 1.5, 1.5, 2412, 0), 103.915, EPS);
}

static void test_itu_mhz_not_hz(void **state)
{
	struct prop_model pm;

	(void)state;
	prop_model_init(&pm, PROP_ITU);
	/* 20 log10(2400) + 28 log10(10) + 0 - 28 = 67.604: wmediumd gets ~187.6 with Hz. */
	assert_near(prop_path_loss_db(&pm, 10.0, 0, 0, 2400, 0), 67.604, EPS);
	/* Beyond 16 m N = 38: 67.604 - 28 + 38 log10(20) + 0 = 89.043 */
	assert_near(prop_path_loss_db(&pm, 20.0, 0, 0, 2400, 0), 89.043, EPS);
	pm.power_loss_coeff = 30.0;
	assert_near(prop_path_loss_db(&pm, 20.0, 0, 0, 2400, 0), 67.604 - 28.0 + 30.0 * log10(20.0), EPS);
	pm.floors = 2;
	pm.floor_loss = 15.0;
	assert_near(prop_path_loss_db(&pm, 20.0, 0, 0, 2400, 0), 67.604 - 28.0 + 39.031 + 30.0, EPS);
}

static void test_min_distance_clamp(void **state)
{
	enum prop_model_type t[] = { PROP_FREE_SPACE, PROP_LOG_DISTANCE, PROP_LOG_NORMAL_SHADOWING,
				     PROP_TWO_RAY_GROUND, PROP_ITU };
	struct prop_model pm;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double at_min = loss(t[i], 0.1, 2412);

		assert_true(isfinite(at_min));
		assert_true(at_min >= 0.0);
		assert_near(loss(t[i], 0.0, 2412), at_min, 0);
		assert_near(loss(t[i], -5.0, 2412), at_min, 0);
		assert_near(loss(t[i], NAN, 2412), at_min, 0);
		assert_near(loss(t[i], 1e-30, 2412), at_min, 0);
	}
	/* Free space at the 0.1 m clamp: 40.095 - 20 = 20.095 dB. */
	assert_near(loss(PROP_FREE_SPACE, 0.0, 2412), 20.095, EPS);
	prop_model_init(&pm, PROP_FREE_SPACE);
	pm.min_distance = 1.0;
	assert_near(prop_path_loss_db(&pm, 0.2, 0, 0, 2412, 0), 40.095, EPS);
}

static void test_monotonic_in_distance(void **state)
{
	enum prop_model_type t[] = { PROP_FREE_SPACE, PROP_LOG_DISTANCE, PROP_TWO_RAY_GROUND, PROP_ITU };

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double prev = -1;

		for (double d = 0.05; d < 1e5; d *= 1.3) {
			double l = loss(t[i], d, 5180);

			assert_true(l >= prev);
			prev = l;
		}
	}
}

static void test_bad_frequency_means_channel_1(void **state)
{
	(void)state;
	assert_near(loss(PROP_FREE_SPACE, 10.0, 0.0), loss(PROP_FREE_SPACE, 10.0, 2412), 0);
	assert_near(loss(PROP_FREE_SPACE, 10.0, -5.0), loss(PROP_FREE_SPACE, 10.0, 2412), 0);
	assert_near(loss(PROP_ITU, 10.0, NAN), loss(PROP_ITU, 10.0, 2412), 0);
	assert_near(loss(PROP_ITU, 10.0, INFINITY), loss(PROP_ITU, 10.0, 2412), 0);
}

static void test_noise(void **state)
{
	(void)state;
	assert_near(prop_noise_dbm(20, 0), -100.990, 0.001);
	assert_near(prop_noise_dbm(40, 0) - prop_noise_dbm(20, 0), 3.0103, 0.0001);
	assert_near(prop_noise_dbm(80, 7), -100.990 + 6.0206 + 7, 0.001);
	assert_near(prop_noise_dbm(1e-6, 0), -174.0, 1e-9);	/* 1 Hz */
}

static void test_init_and_names(void **state)
{
	struct prop_model pm;

	(void)state;
	prop_model_init(&pm, PROP_ITU);
	assert_int_equal(pm.type, PROP_ITU);
	assert_near(pm.path_loss_exp, 3.0, 0);
	assert_near(pm.ref_distance, 1.0, 0);
	assert_near(pm.min_distance, 0.1, 0);
	assert_near(pm.system_loss, 0.0, 0);
	assert_int_equal(pm.floors, 0);
	assert_string_equal(prop_model_name(PROP_FREE_SPACE), "free_space");
	assert_string_equal(prop_model_name(PROP_LOG_DISTANCE), "log_distance");
	assert_string_equal(prop_model_name(PROP_LOG_NORMAL_SHADOWING), "log_normal_shadowing");
	assert_string_equal(prop_model_name(PROP_TWO_RAY_GROUND), "two_ray_ground");
	assert_string_equal(prop_model_name(PROP_ITU), "itu");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_space_known),
		cmocka_unit_test(test_free_space_uses_frequency),
		cmocka_unit_test(test_free_space_system_loss),
		cmocka_unit_test(test_log_distance),
		cmocka_unit_test(test_log_normal_shadowing),
		cmocka_unit_test(test_two_ray_ground),
		cmocka_unit_test(test_itu_mhz_not_hz),
		cmocka_unit_test(test_min_distance_clamp),
		cmocka_unit_test(test_monotonic_in_distance),
		cmocka_unit_test(test_bad_frequency_means_channel_1),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_init_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
