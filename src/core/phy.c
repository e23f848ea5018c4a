/* SPDX-License-Identifier: MIT */
/*
 * PHY rates and airtime. Every number here comes from IEEE Std 802.11-2016
 * (clause numbers below); docs/phy.md lists the formulas and the published
 * durations the unit tests check them against.
 */
#include <errno.h>

#include "core/phy.h"
#include "util/util.h"

/* Global legacy table, in hwsim's 2.4 GHz order (mac80211_hwsim.c hwsim_rates[]). */
static const uint32_t legacy_kbps[PHY_LEGACY_RATES] = {
	1000, 2000, 5500, 11000, 6000, 9000, 12000, 18000, 24000, 36000, 48000, 54000,
};

/* OFDM data bits per 4 us symbol for legacy indices 4..11 (Clause 17). */
static const uint16_t legacy_ndbps[PHY_LEGACY_RATES] = {
	0, 0, 0, 0, 24, 36, 48, 72, 96, 144, 192, 216,
};

/* Legacy index of the first OFDM rate (6 Mbit/s) in the global table. */
#define LEGACY_OFDM0 4

static const enum phy_modclass legacy_mc[PHY_LEGACY_RATES] = {
	PHY_MC_DSSS1, PHY_MC_DSSS2, PHY_MC_CCK5_5, PHY_MC_CCK11,
	PHY_MC_BPSK_1_2, PHY_MC_BPSK_3_4, PHY_MC_QPSK_1_2, PHY_MC_QPSK_3_4,
	PHY_MC_QAM16_1_2, PHY_MC_QAM16_3_4, PHY_MC_QAM64_2_3, PHY_MC_QAM64_3_4,
};

/*
 * Per-stream modulation of HT MCS % 8 and VHT MCS 0..9 (Clauses 19, 21):
 * coded bits per subcarrier, code rate, and the non-HT reference rate (the
 * legacy index of the same modulation and code rate, 64-QAM 5/6 and 256-QAM
 * mapping to 54 Mbit/s, as the control-response rate rules use it).
 */
static const struct {
	uint8_t bpscs;
	uint8_t num, den;
	uint8_t legacy;
	enum phy_modclass mc;
} mcs_mod[10] = {
	{ 1, 1, 2, 4, PHY_MC_BPSK_1_2 },
	{ 2, 1, 2, 6, PHY_MC_QPSK_1_2 },
	{ 2, 3, 4, 7, PHY_MC_QPSK_3_4 },
	{ 4, 1, 2, 8, PHY_MC_QAM16_1_2 },
	{ 4, 3, 4, 9, PHY_MC_QAM16_3_4 },
	{ 6, 2, 3, 10, PHY_MC_QAM64_2_3 },
	{ 6, 3, 4, 11, PHY_MC_QAM64_3_4 },
	{ 6, 5, 6, 11, PHY_MC_QAM64_5_6 },
	{ 8, 3, 4, 11, PHY_MC_QAM256_3_4 },
	{ 8, 5, 6, 11, PHY_MC_QAM256_5_6 },
};

/*
 * VHT MCS/NSS/width combinations 802.11 marks "not valid" beyond the 20 MHz
 * MCS 9 ones (which fail the integer N_DBPS test below): their N_CBPS or
 * N_DBPS does not split evenly over the BCC encoders (Clause 21 VHT-MCS tables).
 */
static const struct {
	uint16_t bw;
	uint8_t mcs, nss;
} vht_excluded[] = {
	{ 80, 6, 3 }, { 80, 6, 7 }, { 80, 9, 6 }, { 160, 9, 3 },
};

/* HT-LTFs (no STBC) and VHT-LTFs by NSS - 1 (Clauses 19, 21). */
static const uint8_t ht_ltfs[4] = { 1, 2, 4, 4 };
static const uint8_t vht_ltfs[8] = { 1, 2, 4, 4, 6, 6, 8, 8 };

enum phy_band phy_band_of_freq(uint32_t freq_mhz)
{
	if (freq_mhz >= 2400 && freq_mhz <= 2500)
		return PHY_BAND_2GHZ;
	if (freq_mhz >= 5925 && freq_mhz <= 7125)
		return PHY_BAND_6GHZ;
	return PHY_BAND_5GHZ;
}

/* The index a struct phy_rate may carry, clamped so that hand-made rates cannot index out of bounds. */
static unsigned int legacy_idx(const struct phy_rate *r)
{
	return r->mcs < PHY_LEGACY_RATES ? r->mcs : PHY_LEGACY_RATES - 1;
}

static unsigned int mcs_row(const struct phy_rate *r)
{
	unsigned int m = r->mode == PHY_MODE_HT ? r->mcs % 8u : r->mcs;

	return m < ARRAY_SIZE(mcs_mod) ? m : ARRAY_SIZE(mcs_mod) - 1;
}

static unsigned int rate_nss(const struct phy_rate *r)
{
	if (r->nss < 1)
		return 1;
	if (r->mode == PHY_MODE_HT)
		return r->nss > 4 ? 4 : r->nss;
	return r->nss > 8 ? 8 : r->nss;
}

/* Data subcarriers by width (Clauses 19, 21); HT stops at 40 MHz. */
static uint32_t n_sd(const struct phy_rate *r)
{
	if (r->bw >= 160 && r->mode == PHY_MODE_VHT)
		return 468;
	if (r->bw >= 80 && r->mode == PHY_MODE_VHT)
		return 234;
	if (r->bw >= 40)
		return 108;
	return 52;
}

/* Coded and data bits per OFDM symbol of an HT/VHT rate, all streams together. */
static uint32_t n_cbps(const struct phy_rate *r)
{
	return n_sd(r) * mcs_mod[mcs_row(r)].bpscs * rate_nss(r);
}

static uint32_t n_dbps(const struct phy_rate *r)
{
	unsigned int m = mcs_row(r);

	return n_cbps(r) * mcs_mod[m].num / mcs_mod[m].den;
}

/*
 * BCC encoders, each adding 6 tail bits. HT: a second encoder above
 * 300 Mbit/s at short GI. VHT: one per 600 Mbit/s at short GI,
 * i.e. per 2160 data bits per symbol, raised until the bits split evenly;
 * for up to four streams this reproduces the VHT-MCS tables, beyond it may
 * be one off, which moves at most 6 bits.
 */
static uint32_t n_es(const struct phy_rate *r)
{
	uint32_t dbps = n_dbps(r), cbps = n_cbps(r), es;

	if (r->mode == PHY_MODE_HT)
		return dbps > 1080 ? 2 : 1;
	es = (dbps + 2159) / 2160;
	while (es < 12 && (dbps % es || cbps % es))
		es++;
	return es;
}

static int vht_combination_valid(uint8_t mcs, uint8_t nss, uint16_t bw)
{
	struct phy_rate r = { .mode = PHY_MODE_VHT, .mcs = mcs, .nss = nss, .bw = bw };
	unsigned int m = mcs_row(&r);

	if (n_cbps(&r) * mcs_mod[m].num % mcs_mod[m].den)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(vht_excluded); i++)
		if (vht_excluded[i].bw == bw && vht_excluded[i].mcs == mcs &&
		    vht_excluded[i].nss == nss)
			return 0;
	return 1;
}

int phy_rate_from_hwsim(int8_t idx, uint16_t flags, enum phy_band band, struct phy_rate *out)
{
	bool w40 = flags & PHY_RF_40MHZ, w80 = flags & PHY_RF_80MHZ, w160 = flags & PHY_RF_160MHZ;
	struct phy_rate r = {
		.band = band,
		.nss = 1,
		.bw = 20,
		.sgi = flags & PHY_RF_SHORT_GI,
	};

	if (idx < 0)
		return -EINVAL;
	if (band != PHY_BAND_2GHZ && band != PHY_BAND_5GHZ && band != PHY_BAND_6GHZ)
		return -EINVAL;
	if ((flags & PHY_RF_MCS) && (flags & PHY_RF_VHT_MCS))
		return -EINVAL;

	if (flags & PHY_RF_VHT_MCS) {
		/* mac80211's ieee80211_rate_set_vht(): idx = (NSS - 1) << 4 | MCS. */
		r.mode = PHY_MODE_VHT;
		r.mcs = idx & 0x0f;
		r.nss = (uint8_t)((idx >> 4) + 1);
		if (w40 + w80 + w160 > 1)
			return -EINVAL;
		r.bw = w160 ? 160 : w80 ? 80 : w40 ? 40 : 20;
		if (band == PHY_BAND_2GHZ && r.bw > 40)
			return -EINVAL;
		if (r.mcs > 9 || !vht_combination_valid(r.mcs, r.nss, r.bw))
			return -EINVAL;
	} else if (flags & PHY_RF_MCS) {
		r.mode = PHY_MODE_HT;
		r.mcs = (uint8_t)idx;
		if (r.mcs > 31 || w80 || w160)
			return -EINVAL;
		r.nss = (uint8_t)(r.mcs / 8 + 1);
		r.bw = w40 ? 40 : 20;
		r.greenfield = flags & PHY_RF_GREEN_FIELD;
	} else {
		/* Legacy: width and GI flags mean nothing for airtime or decoding here. */
		unsigned int n = band == PHY_BAND_2GHZ ? PHY_LEGACY_RATES
						       : PHY_LEGACY_RATES - LEGACY_OFDM0;

		if ((unsigned int)idx >= n)
			return -EINVAL;
		r.mcs = (uint8_t)(band == PHY_BAND_2GHZ ? idx : idx + LEGACY_OFDM0);
		r.mode = r.mcs < LEGACY_OFDM0 ? PHY_MODE_DSSS : PHY_MODE_OFDM;
		r.sgi = false;
		/* 1 Mbit/s has no short PLCP format (Clause 16). */
		r.short_preamble = r.mode == PHY_MODE_DSSS && r.mcs > 0 &&
				   (flags & PHY_RF_SHORT_PREAMBLE);
	}
	*out = r;
	return 0;
}

uint32_t phy_rate_kbps(const struct phy_rate *r)
{
	uint32_t dbps;

	switch (r->mode) {
	case PHY_MODE_DSSS:
	case PHY_MODE_OFDM:
		return legacy_kbps[legacy_idx(r)];
	case PHY_MODE_HT:
	case PHY_MODE_VHT:
		dbps = n_dbps(r);
		if (!r->sgi)
			return dbps * 250;	/* bits per 4 us */
		/* 3.6 us symbols, rounded to 0.1 Mbit/s as the 802.11 tables print them */
		return (dbps * 100 + 18) / 36 * 100;
	}
	return 0;
}

static uint32_t sat32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/*
 * HT/VHT data field: N_SYM = ceil((16 service + 8 * length + 6 * N_ES tail
 * bits) / N_DBPS). With short GI the symbols last 3.6 us but
 * TXTIME rounds the data field up to whole 4 us (19.4.3, 21.4.3), so the PPDU
 * ends on the legacy symbol grid the L-SIG length was computed for.
 */
static uint64_t mimo_data_us(const struct phy_rate *r, uint64_t bits)
{
	uint64_t dbps = n_dbps(r), nsym;

	nsym = (16 + bits + 6 * n_es(r) + dbps - 1) / dbps;
	if (r->sgi)
		return 4 * ((nsym * 9 + 9) / 10);	/* 4 * ceil(3.6 * nsym / 4) */
	return 4 * nsym;
}

uint32_t phy_airtime_us(const struct phy_rate *r, uint32_t psdu_bytes)
{
	uint64_t bits = 8ull * psdu_bytes, t, kbps;
	/* ERP-OFDM and HT/VHT at 2.4 GHz end with 6 us of signal extension (Clauses 18, 19). */
	uint64_t ext = r->band == PHY_BAND_2GHZ ? 6 : 0;

	switch (r->mode) {
	case PHY_MODE_DSSS:
		/* PLCP 144 + 48 us long, 72 + 24 us short; LENGTH rounds up (Clause 16). */
		kbps = legacy_kbps[legacy_idx(r)];
		t = (r->short_preamble ? 96 : 192) + (bits * 1000 + kbps - 1) / kbps;
		return sat32(t);
	case PHY_MODE_OFDM: {
		uint64_t dbps = legacy_ndbps[legacy_idx(r)] ? legacy_ndbps[legacy_idx(r)] : 24;

		/* 16 us STF + LTF, 4 us SIGNAL, 4 us symbols of 16 + 8 * length + 6 bits (17.4.3). */
		t = 20 + 4 * ((16 + bits + 6 + dbps - 1) / dbps) + ext;
		return sat32(t);
	}
	case PHY_MODE_HT:
		if (r->greenfield)	/* HT-GF-STF 8, HT-LTF1 8, HT-SIG 8, further HT-LTFs 4 each */
			t = 24 + 4 * (ht_ltfs[rate_nss(r) - 1] - 1);
		else			/* L-STF, L-LTF, L-SIG 20; HT-SIG 8; HT-STF 4; HT-LTFs 4 each */
			t = 32 + 4 * ht_ltfs[rate_nss(r) - 1];
		return sat32(t + mimo_data_us(r, bits) + ext);
	case PHY_MODE_VHT:
		/* L part 20, VHT-SIG-A 8, VHT-STF 4, VHT-LTFs 4 each, VHT-SIG-B 4 (21.4.3) */
		t = 36 + 4 * vht_ltfs[rate_nss(r) - 1];
		return sat32(t + mimo_data_us(r, bits) + ext);
	}
	return 0;
}

static struct phy_rate legacy_rate(enum phy_band band, unsigned int idx)
{
	struct phy_rate r = {
		.band = band,
		.mode = idx < LEGACY_OFDM0 ? PHY_MODE_DSSS : PHY_MODE_OFDM,
		.mcs = (uint8_t)idx,
		.nss = 1,
		.bw = 20,
	};
	return r;
}

/* The legacy-equivalent (non-HT reference) rate of r, as a global legacy index. */
static unsigned int reference_idx(const struct phy_rate *r)
{
	switch (r->mode) {
	case PHY_MODE_DSSS:
	case PHY_MODE_OFDM:
		return legacy_idx(r);
	case PHY_MODE_HT:
	case PHY_MODE_VHT:
		return mcs_mod[mcs_row(r)].legacy;
	}
	return LEGACY_OFDM0;
}

struct phy_rate phy_ack_rate(const struct phy_rate *r)
{
	unsigned int ref = reference_idx(r), ack;
	struct phy_rate a;

	if (ref < LEGACY_OFDM0) {
		/* DSSS/CCK: 1 or 2 Mbit/s; keep the short preamble the frame used. */
		a = legacy_rate(r->band, ref >= 1 ? 1 : 0);
		a.short_preamble = ref >= 1 && r->short_preamble;
		return a;
	}
	/* OFDM mandatory rates 6, 12, 24 Mbit/s at indices 4, 6, 8. */
	ack = ref >= 8 ? 8 : ref >= 6 ? 6 : 4;
	return legacy_rate(r->band, ack);
}

/* Legacy rates a band has: DSSS/CCK only at 2.4 GHz. */
static uint16_t band_legacy(enum phy_band band)
{
	return band == PHY_BAND_2GHZ ? 0xfff : 0xff0;
}

struct phy_rate phy_response_rate(const struct phy_rate *r, uint16_t basic)
{
	unsigned int ref = reference_idx(r), best = PHY_LEGACY_RATES;
	bool dsss = ref < LEGACY_OFDM0;
	struct phy_rate a;

	basic &= band_legacy(r->band);
	for (unsigned int i = 0; i < PHY_LEGACY_RATES; i++) {
		if (!(basic >> i & 1) || (i < LEGACY_OFDM0) != dsss ||
		    legacy_kbps[i] > legacy_kbps[ref])
			continue;
		if (best == PHY_LEGACY_RATES || legacy_kbps[i] > legacy_kbps[best])
			best = i;
	}
	if (best == PHY_LEGACY_RATES)
		return phy_ack_rate(r);
	a = legacy_rate(r->band, best);
	a.short_preamble = dsss && best >= 1 && r->short_preamble;
	return a;
}

struct phy_rate phy_protect_rate(const struct phy_rate *r, uint16_t basic)
{
	unsigned int lowest = r->band == PHY_BAND_2GHZ ? 0 : LEGACY_OFDM0, pick = PHY_LEGACY_RATES;
	unsigned int data = legacy_idx(r);

	basic &= band_legacy(r->band);
	if ((r->mode != PHY_MODE_DSSS && r->mode != PHY_MODE_OFDM) || !basic)
		return legacy_rate(r->band, lowest);
	/* The fastest basic rate not above the data rate, else the first basic rate. */
	for (unsigned int i = 0; i < PHY_LEGACY_RATES; i++) {
		if ((basic >> i & 1) && legacy_kbps[i] <= legacy_kbps[data] &&
		    (pick == PHY_LEGACY_RATES || legacy_kbps[i] > legacy_kbps[pick]))
			pick = i;
	}
	return legacy_rate(r->band, pick < PHY_LEGACY_RATES ? pick : (unsigned int)__builtin_ctz(basic));
}

uint8_t phy_rx_rate_index(const struct phy_rate *r)
{
	unsigned int ref = reference_idx(r);

	if (r->band == PHY_BAND_2GHZ)
		return (uint8_t)ref;
	/* No DSSS at 5/6 GHz: a hand-made DSSS rate there reports 6 Mbit/s. */
	return (uint8_t)(ref < LEGACY_OFDM0 ? 0 : ref - LEGACY_OFDM0);
}

enum phy_modclass phy_modclass(const struct phy_rate *r)
{
	switch (r->mode) {
	case PHY_MODE_DSSS:
	case PHY_MODE_OFDM:
		return legacy_mc[legacy_idx(r)];
	case PHY_MODE_HT:
	case PHY_MODE_VHT:
		return mcs_mod[mcs_row(r)].mc;
	}
	return PHY_MC_BPSK_1_2;
}

uint32_t phy_sifs_us(enum phy_band band)
{
	return band == PHY_BAND_2GHZ ? 10 : 16;
}

uint32_t phy_slot_us(const struct phy_rate *r)
{
	return r->mode == PHY_MODE_DSSS ? 20 : 9;
}

/*
 * The block of width bw (MHz) holding the 20 MHz channel centred on f, when
 * blocks tile the band from base (the lower edge of its first channel).
 */
static void block(double f, double base, double bw, double *lo, double *hi)
{
	double k = (double)(long long)((f - base) / bw);

	if (base + k * bw > f)	/* truncation went the wrong way below base */
		k -= 1;
	*lo = base + k * bw;
	*hi = *lo + bw;
}

void phy_span(const struct phy_rate *r, uint32_t freq_mhz, double *lo, double *hi)
{
	double f = freq_mhz, bw = r->bw;

	if (r->mode == PHY_MODE_DSSS) {
		*lo = f - 11;
		*hi = f + 11;
		return;
	}
	if (r->mode == PHY_MODE_OFDM || bw <= 20) {
		*lo = f - 10;
		*hi = f + 10;
		return;
	}
	switch (r->band) {
	case PHY_BAND_2GHZ:
		/* HT40+ for channels 1-7 (2412..2442 MHz), HT40- above. */
		if (f <= 2442) {
			*lo = f - 10;
			*hi = f + 30;
		} else {
			*lo = f - 30;
			*hi = f + 10;
		}
		return;
	case PHY_BAND_5GHZ:
		/*
		 * Annex E operating classes 116-130: blocks tile upwards from
		 * channel 36 (5180 MHz) over 36-144, and from channel 149
		 * (5745 MHz) above, e.g. 80 MHz: 36-48, 52-64, 100-112,
		 * 116-128, 132-144, 149-161; 160 MHz: 36-64, 100-128.
		 */
		block(f, f >= 5735 ? 5735 : 5170, bw, lo, hi);
		return;
	case PHY_BAND_6GHZ:
		/* Operating classes 131-134: channel 1 at 5955 MHz, blocks from its lower edge. */
		block(f, 5945, bw, lo, hi);
		return;
	}
	*lo = f - 10;
	*hi = f + 10;
}

const char *phy_mode_name(enum phy_mode mode)
{
	switch (mode) {
	case PHY_MODE_DSSS:
		return "DSSS";
	case PHY_MODE_OFDM:
		return "OFDM";
	case PHY_MODE_HT:
		return "HT";
	case PHY_MODE_VHT:
		return "VHT";
	}
	return "?";
}
