/* SPDX-License-Identifier: MIT */
/*
 * Arbitrary bytes as a wmediumd -x PER table. A table that loads must give
 * PERs in [0, 1] that never rise with SINR nor fall with length, for every
 * kind of rate; a table that fails must say where, and leave the model
 * usable. The model is built once (its AWGN tables take milliseconds) and
 * kept: a successful load replaces the whole table, so what is checked after
 * one depends on this input only.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The units under test are compiled into the harness, so that a libFuzzer
 * build instruments them (the static libraries are built without coverage
 * flags); their definitions take precedence over the archive's.
 */
#include "core/per.c"
#include "core/phy.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                     \
	do {                            \
		if (!(cond))            \
			abort();        \
	} while (0)

static const struct {
	int8_t idx;
	uint16_t flags;
	enum phy_band band;
} rates[] = {
	{ 0, 0, PHY_BAND_2GHZ },
	{ 3, PHY_RF_SHORT_PREAMBLE, PHY_BAND_2GHZ },
	{ 4, 0, PHY_BAND_2GHZ },
	{ 11, 0, PHY_BAND_2GHZ },
	{ 0, 0, PHY_BAND_5GHZ },
	{ 7, 0, PHY_BAND_6GHZ },
	{ 7, PHY_RF_MCS, PHY_BAND_2GHZ },
	{ 15, PHY_RF_MCS | PHY_RF_40MHZ, PHY_BAND_5GHZ },
	{ 0x09, PHY_RF_VHT_MCS | PHY_RF_80MHZ, PHY_BAND_5GHZ },
	{ 0x73, PHY_RF_VHT_MCS | PHY_RF_160MHZ, PHY_BAND_5GHZ },
};

static void check(const struct per_model *pm)
{
	static const double odd[] = { NAN, INFINITY, -INFINITY, 1e300, -1e300 };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct phy_rate r;
		double prev = 1.0;

		CHECK(phy_rate_from_hwsim(rates[i].idx, rates[i].flags, rates[i].band, &r) == 0);
		for (double s = -130; s <= 130; s += 1.7) {
			double p = per_model_per(pm, &r, s, 1500);
			double l = per_model_ln_bit_ok(pm, &r, s);

			CHECK(p >= 0.0 && p <= 1.0 && p <= prev);
			CHECK(l <= 0.0 && isfinite(l));
			CHECK(per_model_per(pm, &r, s, 14) <= p);
			prev = p;
		}
		for (size_t k = 0; k < sizeof(odd) / sizeof(odd[0]); k++) {
			double p = per_model_per(pm, &r, odd[k], 100);

			CHECK(p >= 0.0 && p <= 1.0);
			CHECK(per_model_ln_bit_ok(pm, &r, odd[k]) <= 0.0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct per_model *pm;
	char err[96];
	int rc;

	if (!pm)
		pm = per_model_new();
	memset(err, 0, sizeof(err));
	rc = per_model_load_table(pm, (const char *)data, size, err, sizeof(err));
	if (rc == 0) {
		check(pm);
		return 0;
	}
	/* "LINE: what", NUL-terminated inside the buffer. */
	CHECK(rc == -EINVAL);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	CHECK(strchr(err, ':') != NULL);
	{
		struct phy_rate r;
		double p;

		CHECK(phy_rate_from_hwsim(4, 0, PHY_BAND_2GHZ, &r) == 0);
		p = per_model_per(pm, &r, 10.0, 1500);
		CHECK(p >= 0.0 && p <= 1.0);
	}
	return 0;
}
