/* SPDX-License-Identifier: MIT */
/*
 * PHY rates and airtime: legacy DSSS/CCK and OFDM, HT (802.11n) and VHT
 * (802.11ac), as a guest's mac80211 describes them in hwsim's TX_INFO and
 * TX_INFO_FLAGS. Pure arithmetic: no I/O, no state.
 */
#ifndef WM_CORE_PHY_H
#define WM_CORE_PHY_H

#include <stdbool.h>
#include <stdint.h>

enum phy_band {
	PHY_BAND_2GHZ,
	PHY_BAND_5GHZ,
	PHY_BAND_6GHZ,
};

enum phy_mode {
	PHY_MODE_DSSS,	/* 1, 2 Mbit/s DSSS and 5.5, 11 Mbit/s CCK (Clause 15/16) */
	PHY_MODE_OFDM,	/* 6..54 Mbit/s (Clause 17/18, ERP-OFDM at 2.4 GHz) */
	PHY_MODE_HT,	/* HT-mixed format, MCS 0..31 */
	PHY_MODE_VHT,	/* VHT, MCS 0..9, NSS 1..8 */
};

/* Rate flags exactly as hwsim's TX_INFO_FLAGS carries them (mac80211_rate_control_flags). */
enum {
	PHY_RF_RTS_CTS = 1 << 0,
	PHY_RF_CTS_PROTECT = 1 << 1,
	PHY_RF_SHORT_PREAMBLE = 1 << 2,
	PHY_RF_MCS = 1 << 3,
	PHY_RF_GREEN_FIELD = 1 << 4,
	PHY_RF_40MHZ = 1 << 5,
	PHY_RF_DUP_DATA = 1 << 6,
	PHY_RF_SHORT_GI = 1 << 7,
	PHY_RF_VHT_MCS = 1 << 8,
	PHY_RF_80MHZ = 1 << 9,
	PHY_RF_160MHZ = 1 << 10,
};

/*
 * Modulation and code rate: what the bit-error model needs. Ordered by
 * robustness within each family.
 */
enum phy_modclass {
	PHY_MC_DSSS1,		/* DBPSK, 1 Mbit/s */
	PHY_MC_DSSS2,		/* DQPSK, 2 Mbit/s */
	PHY_MC_CCK5_5,
	PHY_MC_CCK11,
	PHY_MC_BPSK_1_2,
	PHY_MC_BPSK_3_4,
	PHY_MC_QPSK_1_2,
	PHY_MC_QPSK_3_4,
	PHY_MC_QAM16_1_2,
	PHY_MC_QAM16_3_4,
	PHY_MC_QAM64_2_3,
	PHY_MC_QAM64_3_4,
	PHY_MC_QAM64_5_6,
	PHY_MC_QAM256_3_4,
	PHY_MC_QAM256_5_6,
	PHY_MC_COUNT,
};

/* Number of legacy rates in the global legacy table (1, 2, 5.5, 11, 6, 9, ..., 54). */
#define PHY_LEGACY_RATES 12

struct phy_rate {
	enum phy_band band;
	enum phy_mode mode;
	/*
	 * DSSS/OFDM: index into the global legacy table 0..11
	 *            (0:1 1:2 2:5.5 3:11 4:6 5:9 6:12 7:18 8:24 9:36 10:48 11:54 Mbit/s);
	 * HT: MCS 0..31; VHT: MCS 0..9.
	 */
	uint8_t mcs;
	uint8_t nss;		/* spatial streams: 1 legacy, mcs / 8 + 1 HT, 1..8 VHT */
	uint16_t bw;		/* MHz: 20, 40, 80 or 160 */
	bool sgi;		/* HT/VHT short guard interval */
	bool short_preamble;	/* DSSS 2/5.5/11 only */
	bool greenfield;	/* HT greenfield preamble */
};

/* "DSSS", "OFDM", "HT", "VHT". */
const char *phy_mode_name(enum phy_mode mode);

/* Band of a centre frequency in MHz: 2.4 GHz (2400..2500), 6 GHz (5925..7125), else 5 GHz. */
enum phy_band phy_band_of_freq(uint32_t freq_mhz);

/*
 * Turn one entry of a guest's rate chain into a rate. idx is hwsim's rate
 * index, flags its PHY_RF_* flags: a band-relative legacy index; an HT MCS
 * (PHY_RF_MCS); or for VHT (PHY_RF_VHT_MCS) mac80211's encoding
 * (NSS - 1) << 4 | MCS (ieee80211_rate_set_vht(): NSS 1..8 in bits 4-6, so
 * 0x79 is NSS 8 MCS 9). Legacy indices are relative to the band's table:
 * 2.4 GHz has all 12 rates, 5/6 GHz start at 6 Mbit/s (index 0 = 6 Mbit/s,
 * 8 rates); legacy rates ignore width and GI flags, and 1 Mbit/s the short
 * preamble flag. Returns 0, or -EINVAL for what no PHY of that band sends:
 * idx < 0, legacy idx out of range (DSSS at 5/6 GHz), HT MCS > 31 or HT at
 * 80/160 MHz, VHT MCS > 9, VHT combinations 802.11 marks not valid (20 MHz
 * MCS 9 except NSS 3 and 6; 80 MHz MCS 6 NSS 3 and 7; 80 MHz MCS 9 NSS 6;
 * 160 MHz MCS 9 NSS 3), more than one width flag, 80/160 MHz at 2.4 GHz, or
 * both MCS flags.
 */
int phy_rate_from_hwsim(int8_t idx, uint16_t flags, enum phy_band band, struct phy_rate *out);

/*
 * Data rate in kbit/s (1 Mbit/s = 1000; HT MCS 7 20 MHz LGI = 65000, SGI =
 * 72200: short-GI rates are rounded to 0.1 Mbit/s as 802.11's tables print them).
 */
uint32_t phy_rate_kbps(const struct phy_rate *r);

/*
 * Time on air in microseconds of a PSDU of psdu_bytes (the 802.11 frame
 * including its 4-byte FCS): preamble + header + data symbols (+ the 6 us
 * signal extension of OFDM-based frames at 2.4 GHz); short-GI data fields
 * round up to whole 4 us as 802.11's TXTIME does. Published figures this
 * matches: 1536 B at OFDM 54 Mbit/s 5 GHz: 248 us (20 + 57 symbols of 4 us;
 * a 1500 B PSDU takes 56 symbols, 244 us); 1 Mbit/s DSSS long preamble,
 * 1500 B: 192 + 12000 = 12192 us. Saturates at UINT32_MAX. docs/phy.md.
 */
uint32_t phy_airtime_us(const struct phy_rate *r, uint32_t psdu_bytes);

/*
 * The rate of a control response (ACK) to a frame sent at r: the highest
 * mandatory rate of the same modulation family not above r's (for HT/VHT the
 * legacy OFDM rate of the same modulation and code rate per stream), per
 * 802.11 9.7.6.5: 1/2 Mbit/s for DSSS/CCK (2 Mbit/s keeps r's short
 * preamble), 6/12/24 Mbit/s for OFDM; 20 MHz, same band.
 */
struct phy_rate phy_ack_rate(const struct phy_rate *r);

/*
 * The same response when the BSS basic rate set is known (basic: bit i for
 * global legacy index i, 0 unknown): the highest basic rate of r's
 * modulation family (DSSS/CCK or OFDM) not above r's reference rate, else
 * phy_ack_rate(r) (802.11 10.6.6.5.2).
 */
struct phy_rate phy_response_rate(const struct phy_rate *r, uint16_t basic);

/*
 * The rate of the RTS or CTS-to-self protecting a frame sent at r, as
 * mac80211 sets it for its driver: for DSSS/OFDM data the fastest basic
 * rate not above r's, else the basic rate first in the band's table
 * (rate_fixup_ratelist() in net/mac80211/rate.c); with no basic rate
 * known, and for HT/VHT data (which mac80211 gives no such rate), the
 * band's lowest rate (1 Mbit/s at 2.4 GHz, 6 at 5/6 GHz).
 */
struct phy_rate phy_protect_rate(const struct phy_rate *r, uint16_t basic);

/*
 * hwsim's RX_RATE for a frame received at r: a legacy index relative to
 * r->band's table (< 12 at 2.4 GHz, < 8 at 5/6 GHz), the fastest legacy rate
 * not above r's per-stream modulation. The guest rejects anything else.
 */
uint8_t phy_rx_rate_index(const struct phy_rate *r);

/* Modulation and code rate of r (per stream for HT/VHT). */
enum phy_modclass phy_modclass(const struct phy_rate *r);

/* SIFS in us: 10 at 2.4 GHz, 16 at 5/6 GHz. */
uint32_t phy_sifs_us(enum phy_band band);
/* Slot time in us: 20 for DSSS/CCK (long slot), 9 otherwise. */
uint32_t phy_slot_us(const struct phy_rate *r);

/*
 * The spectrum a transmission occupies, in MHz: [*lo, *hi]. freq_mhz is the
 * primary 20 MHz channel's centre (hwsim's FREQ); wider channels extend over
 * the 802.11 channelisation (Annex E operating classes): at 5 GHz the
 * 40/80/160 MHz blocks are fixed (80: 36-48, 52-64, 100-112, 116-128,
 * 132-144, 149-161; 160: 36-64, 100-128), at 6 GHz they tile up from
 * channel 1 (5955 MHz); at 2.4 GHz 40 MHz extends upwards for channels 1-7
 * and downwards above. DSSS/CCK occupies 22 MHz, the rest 20 MHz per 20.
 */
void phy_span(const struct phy_rate *r, uint32_t freq_mhz, double *lo, double *hi);

#endif
