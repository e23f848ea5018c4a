/* SPDX-License-Identifier: MIT */
/*
 * Packet error rates: the AWGN model's shape (bounds, monotonicity, where
 * each rate crosses 10 % PER), agreement with the closed forms it
 * tabulates, and the wmediumd -x table loader with every error it reports.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/per.h"
#include "core/phy.h"

#define VHT(nss, mcs) ((int8_t)((((nss) - 1) << 4) | (mcs)))

static struct phy_rate rate(int8_t idx, uint16_t flags, enum phy_band band)
{
	struct phy_rate r;

	assert_int_equal(phy_rate_from_hwsim(idx, flags, band, &r), 0);
	return r;
}

static struct phy_rate legacy24(int i)
{
	return rate((int8_t)i, 0, PHY_BAND_2GHZ);
}

/* SINR (dB) where a frame of len bytes has 10 % PER, by bisection. */
static double crossing(const struct per_model *pm, const struct phy_rate *r, uint32_t len)
{
	double lo = -60, hi = 100;

	for (int i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2;

		if (per_model_per(pm, r, mid, len) > 0.1)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static int setup(void **state)
{
	*state = per_model_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	per_model_free(*state);
	return 0;
}

/* A representative of every rate family the medium can hand in. */
static size_t all_rates(struct phy_rate *out)
{
	size_t n = 0;

	for (int i = 0; i < 12; i++)
		out[n++] = legacy24(i);
	for (int i = 0; i < 8; i++)
		out[n++] = rate((int8_t)i, 0, PHY_BAND_5GHZ);
	for (int m = 0; m < 32; m++)
		out[n++] = rate((int8_t)m, PHY_RF_MCS, PHY_BAND_5GHZ);
	for (int nss = 1; nss <= 3; nss++)
		for (int m = 0; m < 10; m++)
			out[n++] = rate(VHT(nss, m), PHY_RF_VHT_MCS | PHY_RF_40MHZ, PHY_BAND_5GHZ);
	return n;
}

static void test_bounds(void **state)
{
	const struct per_model *pm = *state;
	static const double odd[] = { NAN, -INFINITY, INFINITY, -1e308, 1e308, -0.0 };
	struct phy_rate r[128];
	size_t n = all_rates(r);

	for (size_t i = 0; i < n; i++) {
		for (double s = -60; s <= 100; s += 0.7) {
			double l = per_model_ln_bit_ok(pm, &r[i], s);
			double p = per_model_per(pm, &r[i], s, 1500);

			assert_true(l <= 0.0 && l >= -1000.0);
			assert_true(p >= 0.0 && p <= 1.0);
			assert_true(per_model_per(pm, &r[i], s, UINT32_MAX) >= p);
		}
		for (size_t k = 0; k < sizeof(odd) / sizeof(odd[0]); k++) {
			double l = per_model_ln_bit_ok(pm, &r[i], odd[k]);
			double p = per_model_per(pm, &r[i], odd[k], 1500);

			assert_true(l <= 0.0 && l >= -1000.0);
			assert_true(p >= 0.0 && p <= 1.0);
		}
		assert_true(per_model_per(pm, &r[i], -100, 0) == 0.0);
		assert_true(per_model_per(pm, &r[i], -100, 1500) > 0.999999);
		assert_true(per_model_per(pm, &r[i], 80, 1500) < 1e-12);
	}
}

static void test_monotone_snr(void **state)
{
	const struct per_model *pm = *state;
	struct phy_rate r[128];
	size_t n = all_rates(r);

	for (size_t i = 0; i < n; i++) {
		double pl = per_model_ln_bit_ok(pm, &r[i], -80), pp = 1.0;

		for (double s = -80; s <= 100; s += 0.013) {
			double l = per_model_ln_bit_ok(pm, &r[i], s);
			double p = per_model_per(pm, &r[i], s, 1500);

			assert_true(l >= pl);
			assert_true(p <= pp);
			pl = l;
			pp = p;
		}
	}
	/* Strictly rising over the table (-20..+60 dB) for single-stream rates. */
	for (size_t i = 0; i < n; i++) {
		double prev;

		if (r[i].nss > 1)
			continue;
		prev = per_model_ln_bit_ok(pm, &r[i], -19.99);
		for (double s = -19.94; s < 59.99; s += 0.05) {
			double l = per_model_ln_bit_ok(pm, &r[i], s);

			assert_true(l > prev);
			prev = l;
		}
	}
}

static void test_monotone_length(void **state)
{
	const struct per_model *pm = *state;
	struct phy_rate r[128];
	size_t n = all_rates(r);

	for (size_t i = 0; i < n; i += 3)
		for (double s = -5; s <= 35; s += 2.5) {
			double prev = 0.0, l = per_model_ln_bit_ok(pm, &r[i], s);

			for (uint32_t len = 1; len < 70000; len = len * 5 / 4 + 1) {
				double p = per_model_per(pm, &r[i], s, len);

				assert_true(p >= prev);
				/* per = 1 - exp(8 len ln_bit_ok), computed without cancellation */
				assert_true(fabs(p + expm1(8.0 * len * l)) <= 1e-15);
				prev = p;
			}
		}
}

/* 802.11 minimum sensitivity order, and windows around the AWGN-theory values. */
static void test_crossings(void **state)
{
	const struct per_model *pm = *state;
	static const double lo[12] = { -4, 0.5, 3, 6, 2, 5, 5.5, 8.5, 12, 15, 20, 21 };
	static const double hi[12] = { -1, 3.5, 6, 9, 5, 8, 8.5, 11.5, 15, 18, 23, 25 };
	static const double vlo[10] = { 2, 5.5, 8.5, 12, 15, 20, 21, 22.5, 27, 28 };
	static const double vhi[10] = { 5, 8.5, 11.5, 15, 18, 23, 25, 25.5, 30, 31.5 };
	double prev = -100;

	for (int i = 0; i < 12; i++) {
		struct phy_rate r = legacy24(i);
		double c = crossing(pm, &r, 1500);

		assert_true(c > lo[i] && c < hi[i]);
		/* Within each family each faster rate needs more SINR. */
		if (i != 4)
			assert_true(c > prev);
		prev = c;
		/* A 14-byte ACK gets through at lower SINR than a 1500-byte frame. */
		assert_true(crossing(pm, &r, 14) < c - 1.0);
	}
	for (int m = 0; m < 10; m++) {
		struct phy_rate r = rate(VHT(1, m), PHY_RF_VHT_MCS | PHY_RF_40MHZ, PHY_BAND_5GHZ);
		struct phy_rate r2 = rate(VHT(2, m), PHY_RF_VHT_MCS | PHY_RF_40MHZ, PHY_BAND_5GHZ);
		double c = crossing(pm, &r, 1500);

		assert_true(c > vlo[m] && c < vhi[m]);
		/* NSS 2 splits the power: 3.01 dB more. */
		assert_true(fabs(crossing(pm, &r2, 1500) - c - 10 * log10(2.0)) < 0.01);
		/* The SINR is over the PPDU's width: the width itself changes nothing. */
		r.bw = 80;
		assert_true(fabs(crossing(pm, &r, 1500) - c) < 1e-9);
	}
	for (int m = 0; m < 8; m++) {
		struct phy_rate h1 = rate((int8_t)m, PHY_RF_MCS, PHY_BAND_2GHZ);
		struct phy_rate h3 = rate((int8_t)(m + 16), PHY_RF_MCS, PHY_BAND_2GHZ);

		assert_true(fabs(crossing(pm, &h3, 1500) - crossing(pm, &h1, 1500) -
				 10 * log10(3.0)) < 0.01);
	}
}

/* The tabulated model against its closed forms, off the 0.1 dB grid. */
static double bpsk_half_ber(double g)
{
	static const double c[9] = { 36, 211, 1404, 11633, 77433, 502690, 3322763, 21292910,
				     134365911 };
	double p = 0.5 * erfc(sqrt(g)), d = sqrt(4 * p * (1 - p)), s = 0;

	for (int i = 0; i < 9; i++)
		s += c[i] * pow(d, 10 + 2 * i);
	return fmin(0.5 * s, 0.5);
}

static double qam64_34_ber(double g)
{
	static const double c[10] = { 42, 201, 1492, 10469, 62935, 379644, 2253373, 13073811,
				      75152755, 428005675 };
	double p = 7.0 / 24.0 * erfc(sqrt(g / 42.0)), d = sqrt(4 * p * (1 - p)), s = 0;

	for (int i = 0; i < 10; i++)
		s += c[i] * pow(d, 5 + i);
	return fmin(s / 6.0, 0.5);
}

/*
 * 0.5 % of ln P(bit ok) (thousandths of a dB) where bit errors are rarer than 5 % (the union bound's
 * kink at its 0.5 clamp is smoothed by interpolation, harmlessly: no frame
 * survives there anyway).
 */
static void close_to(double got, double want)
{
	if (want < -0.05)
		return;
	if (!(fabs(got - want) <= 5e-3 * fabs(want)))
		fail_msg("got %.9g want %.9g", got, want);
}

static void test_closed_forms(void **state)
{
	const struct per_model *pm = *state;
	struct phy_rate dsss1 = legacy24(0), ofdm6 = legacy24(4), ofdm54 = legacy24(11);

	for (double s = -12.03; s < 0; s += 0.37) {
		double g = pow(10, s / 10);

		/* DBPSK with 13 dB processing gain: Eb/N0 = 20 g. */
		close_to(per_model_ln_bit_ok(pm, &dsss1, s), log1p(-0.5 * exp(-20 * g)));
	}
	for (double s = 0.03; s < 8; s += 0.29)
		close_to(per_model_ln_bit_ok(pm, &ofdm6, s), log1p(-bpsk_half_ber(pow(10, s / 10))));
	for (double s = 17.01; s < 30; s += 0.31)
		close_to(per_model_ln_bit_ok(pm, &ofdm54, s),
			 log1p(-qam64_34_ber(pow(10, s / 10))));
	/* At very low SINR the coded bound is clamped: a coin flip per bit. */
	assert_true(fabs(per_model_ln_bit_ok(pm, &ofdm54, -15) - log(0.5)) < 1e-6);
}

/* --- the -x table --- */

static const char small_table[] =
	"# RSSI vs PER, wmediumd -x format\n"
	"\n"
	"  -95\t1 1 1 1 1 1 1 1 1 1 1 1  # a trailing comment\r\n"
	"-90 0.5 0.6 0.7 0.8 0.9 1 1 1 1 1 1 1\n"
	"#-87 0 0 0 0 0 0 0 0 0 0 0 0\n"
	"-85 0 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1 1\n"
	"-80.0 0 0 0 0 0 0 0 0 0 0 0.5 1";

static struct per_model *load(const char *text)
{
	struct per_model *pm = per_model_new();
	char err[128] = "";
	size_t len = strlen(text);
	/* Exactly len bytes, no NUL: the loader must not read past the buffer. */
	char *buf = malloc(len ? len : 1);

	memcpy(buf, text, len);
	if (per_model_load_table(pm, buf, len, err, sizeof(err)) != 0)
		fail_msg("load failed: %s", err);
	free(buf);
	return pm;
}

static void near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-12))
		fail_msg("got %.15g want %.15g", got, want);
}

/* SINR of a row: wmediumd keys rows by SINR + its -91 dBm noise floor. */
#define AT(dbm) ((dbm) + 91.0)

static void test_table_lookup(void **state)
{
	struct per_model *pm = load(small_table);
	struct phy_rate r0 = legacy24(0), r3 = legacy24(3), r10 = legacy24(10);
	struct phy_rate r11 = legacy24(11), r5 = rate(0, 0, PHY_BAND_5GHZ);

	(void)state;
	/* Rows at the reference length 1458 B. */
	near(per_model_per(pm, &r0, AT(-90), 1458), 0.5);
	near(per_model_per(pm, &r3, AT(-85), 1458), 0.3);
	near(per_model_per(pm, &r11, AT(-80), 1458), 1.0);
	near(per_model_per(pm, &r10, AT(-80), 1458), 0.5);
	/* 5 GHz index 0 (6 Mbit/s) reads column 0, as in wmediumd. */
	near(per_model_per(pm, &r5, AT(-90), 1458), 0.5);
	/* Linear between rows (the commented-out row does not count). */
	near(per_model_per(pm, &r0, AT(-87.5), 1458), 0.25);
	near(per_model_per(pm, &r3, AT(-82.5), 1458), 0.15);
	near(per_model_per(pm, &r0, AT(-92.5), 1458), 0.75);
	/* Below the table: lost at any length; above it: received. */
	near(per_model_per(pm, &r0, AT(-95.01), 1), 1.0);
	near(per_model_per(pm, &r0, AT(-95), 1), 1.0);
	near(per_model_per(pm, &r11, AT(-79.99), 1500), 0.0);
	near(per_model_per(pm, &r0, AT(-60), 1500), 0.0);
	/* Length scaling: 1 - (1 - PER)^(len / 1458). */
	near(per_model_per(pm, &r0, AT(-90), 2916), 0.75);
	near(per_model_per(pm, &r0, AT(-90), 14), 1 - pow(0.5, 14 / 1458.0));
	near(per_model_ln_bit_ok(pm, &r0, AT(-90)), log(0.5) / (8 * 1458.0));
	near(per_model_per(pm, &r0, AT(-90), 0), 0.0);
	per_model_free(pm);
}

static void test_table_mimo(void **state)
{
	struct per_model *pm = load(small_table);
	struct phy_rate ht7_5 = rate(7, PHY_RF_MCS, PHY_BAND_5GHZ);
	struct phy_rate ht7_2 = rate(7, PHY_RF_MCS, PHY_BAND_2GHZ);
	struct phy_rate ht15 = rate(15, PHY_RF_MCS | PHY_RF_40MHZ, PHY_BAND_5GHZ);
	struct phy_rate ht3 = rate(3, PHY_RF_MCS, PHY_BAND_2GHZ);
	struct phy_rate vht9 = rate(VHT(1, 9), PHY_RF_VHT_MCS | PHY_RF_80MHZ, PHY_BAND_5GHZ);
	double d2 = 10 * log10(2.0);

	(void)state;
	/* HT MCS 7 is 54 Mbit/s equivalent: column 7 at 5 GHz, 11 at 2.4 GHz. */
	near(per_model_per(pm, &ht7_5, AT(-85), 1458), 0.7);
	near(per_model_per(pm, &ht7_2, AT(-85), 1458), 1.0);
	near(per_model_per(pm, &vht9, AT(-85), 1458), 0.7);
	/* HT MCS 3 (16-QAM 1/2) is 24 Mbit/s: column 8 at 2.4 GHz. */
	near(per_model_per(pm, &ht3, AT(-85), 1458), 0.8);
	/* Two streams: each sees 3 dB less. */
	near(per_model_per(pm, &ht15, AT(-85) + d2, 1458), 0.7);
	near(per_model_per(pm, &ht15, AT(-85), 1458), 0.7 + (1.0 - 0.7) * d2 / 5);
	per_model_free(pm);
}

static void test_table_monotone(void **state)
{
	struct per_model *pm = load(small_table);
	struct phy_rate r[128];
	size_t n = all_rates(r);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		double pp = 1.0, pl = -INFINITY;

		for (double s = -20; s < 30; s += 0.01) {
			double p = per_model_per(pm, &r[i], s, 1000);
			double l = per_model_ln_bit_ok(pm, &r[i], s);

			assert_true(p <= pp && p >= 0.0);
			assert_true(l >= pl && l <= 0.0 && l >= -1000.0);
			pp = p;
			pl = l;
		}
	}
	per_model_free(pm);
}

static void test_table_reload(void **state)
{
	struct per_model *pm = load(small_table);
	struct phy_rate r0 = legacy24(0);
	char err[128];
	const char *other = "-50 0.25 0 0 0 0 0 0 0 0 0 0 0\n";

	(void)state;
	/* A failed load leaves the table as it was. */
	assert_int_equal(per_model_load_table(pm, "junk", 4, err, sizeof(err)), -EINVAL);
	near(per_model_per(pm, &r0, AT(-90), 1458), 0.5);
	/* A good one replaces it. */
	assert_int_equal(per_model_load_table(pm, other, strlen(other), err, sizeof(err)), 0);
	near(per_model_per(pm, &r0, AT(-50), 1458), 0.25);
	near(per_model_per(pm, &r0, AT(-90), 1458), 1.0);
	near(per_model_per(pm, &r0, AT(-49), 1458), 0.0);
	per_model_free(pm);
}

/* The shipped example is the AWGN model sampled at whole dB: both must agree there. */
static void test_table_example(void **state)
{
	const struct per_model *awgn = *state;
	const char *path = SRCDIR "/examples/per-table-awgn.txt";
	FILE *f = fopen(path, "rb");
	char *text = malloc(1 << 16), err[128];
	size_t len;
	struct per_model *pm = per_model_new();
	int checked = 0;

	assert_non_null(f);
	len = fread(text, 1, 1 << 16, f);
	fclose(f);
	if (per_model_load_table(pm, text, len, err, sizeof(err)) != 0)
		fail_msg("%s:%s", path, err);
	for (int i = 0; i < 12; i++) {
		struct phy_rate r = legacy24(i);

		for (int dbm = -100; dbm <= -60; dbm++) {
			double want = per_model_per(awgn, &r, AT(dbm), 1458);
			double got = per_model_per(pm, &r, AT(dbm), 1458);

			if (want < 1e-6 || want > 0.99995)
				continue;
			if (!(fabs(got - want) <= 1e-3 * want))
				fail_msg("rate %d at %d dBm: table %g, model %g", i, dbm, got, want);
			checked++;
		}
	}
	assert_true(checked > 40);
	free(text);
	per_model_free(pm);
}

static const char row12[] = " 1 1 1 1 1 1 1 1 1 1 1 1\n";

static void expect_error(const char *text, size_t len, const char *msg)
{
	struct per_model *pm = per_model_new();
	char err[256] = "";
	/* Exactly len bytes (NULL stays NULL): no reading past the buffer. */
	char *buf = text ? malloc(len ? len : 1) : NULL;

	if (len)
		memcpy(buf, text, len);
	assert_int_equal(per_model_load_table(pm, buf, len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, msg);
	/* Still the AWGN model. */
	assert_true(per_model_per(pm, &(struct phy_rate){ .mode = PHY_MODE_OFDM, .mcs = 4,
							  .nss = 1, .bw = 20 }, 30, 1500) < 1e-9);
	free(buf);
	per_model_free(pm);
}

#define ERR(text, msg) expect_error(text, sizeof(text) - 1, msg)

static void test_table_errors(void **state)
{
	char big[100];

	(void)state;
	ERR("abc 1 1 1 1 1 1 1 1 1 1 1 1\n", "1: bad signal level `abc'");
	ERR("# x\n-90 1 1 1 1 1 1 1 1 1 1 1 0.5x\n", "2: bad probability `0.5x'");
	ERR("-90 nan 1 1 1 1 1 1 1 1 1 1 1", "1: bad probability `nan'");
	ERR("inf 1 1 1 1 1 1 1 1 1 1 1 1", "1: bad signal level `inf'");
	ERR("0x10 1 1 1 1 1 1 1 1 1 1 1 1", "1: bad signal level `0x10'");
	ERR("-90 1 1 1 1 1 1 1 1 1 1 1 1e", "1: bad probability `1e'");
	ERR("-90 1 1 1 1 1 1 1 1 1 1 1 1,0", "1: bad probability `1,0'");
	ERR("-90 1 1\0 1 1 1 1 1 1 1 1 1 1", "1: bad probability `1?'");
	ERR("-90 1 1 1 1 1 1 1 1 1 1 1\n",
	    "1: expected a signal level and 12 probabilities, got 12 fields");
	ERR("\n\n-90 1 1 1 1 1 1 1 1 1 1 1 1 1\n",
	    "3: expected a signal level and 12 probabilities, got more than 13 fields");
	ERR("-90 # 1 1 1 1 1 1 1 1 1 1 1 1\n",
	    "1: expected a signal level and 12 probabilities, got 1 fields");
	ERR("-90 1 1 1 1 1 1 1 1 1 1 1 1\n-90 1 1 1 1 1 1 1 1 1 1 1 1\n",
	    "2: signal level -90 dBm not above the previous row's -90 dBm");
	ERR("-90 1 1 1 1 1 1 1 1 1 1 1 1\n-91 1 1 1 1 1 1 1 1 1 1 1 1\n",
	    "2: signal level -91 dBm not above the previous row's -90 dBm");
	ERR("1e6 1 1 1 1 1 1 1 1 1 1 1 1\n", "1: signal level 1e+06 dBm out of range");
	ERR("-90 1 1 1 1 1 1 1 1 1 1 1 1.5\n", "1: probability 1.5 out of [0, 1]");
	ERR("-90 -0.1 1 1 1 1 1 1 1 1 1 1 1\n", "1: probability -0.1 out of [0, 1]");
	ERR("-90 0.5 1 1 1 1 1 1 1 1 1 1 1\n-85 0.6 1 1 1 1 1 1 1 1 1 1 1\n",
	    "2: rate column 0: PER 0.6 above the previous row's 0.5, PER must not rise with "
	    "the signal");
	ERR("", "1: no table rows");
	ERR("# only a comment\n\n", "2: no table rows");
	ERR("  \t\r\n# x", "2: no table rows");
	expect_error(NULL, 0, "1: no table rows");

	memset(big, '7', 70);
	memcpy(big + 70, row12, sizeof(row12) - 1);
	expect_error(big, 70 + sizeof(row12) - 1,
		     "1: bad signal level `77777777777777777777777777777777...'");
}

static void test_table_limits(void **state)
{
	struct per_model *pm = per_model_new();
	size_t cap = 4097 * 40, len = 0;
	char *text = malloc(cap), err[64];
	struct phy_rate r0 = legacy24(0);

	(void)state;
	for (int i = 0; i < 4096; i++)
		len += (size_t)snprintf(text + len, cap - len, "%.1f%s", i * 0.1 - 200, row12);
	assert_int_equal(per_model_load_table(pm, text, len, err, sizeof(err)), 0);
	near(per_model_per(pm, &r0, AT(0), 1), 1.0);
	len += (size_t)snprintf(text + len, cap - len, "%d%s", 300, row12);
	assert_int_equal(per_model_load_table(pm, text, len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "4097: more than 4096 rows");
	/* No room for a message, or a small one: no overflow, still an error. */
	assert_int_equal(per_model_load_table(pm, "x", 1, NULL, 0), -EINVAL);
	assert_int_equal(per_model_load_table(pm, "x", 1, err, 5), -EINVAL);
	assert_string_equal(err, "1: e");
	assert_int_equal(per_model_load_table(pm, NULL, 3, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "0: no text");
	free(text);
	per_model_free(pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_monotone_snr),
		cmocka_unit_test(test_monotone_length),
		cmocka_unit_test(test_crossings),
		cmocka_unit_test(test_closed_forms),
		cmocka_unit_test(test_table_lookup),
		cmocka_unit_test(test_table_mimo),
		cmocka_unit_test(test_table_monotone),
		cmocka_unit_test(test_table_reload),
		cmocka_unit_test(test_table_example),
		cmocka_unit_test(test_table_errors),
		cmocka_unit_test(test_table_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
