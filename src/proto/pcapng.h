/* SPDX-License-Identifier: MIT */
/*
 * Captures of the simulated air as pcapng (draft-ietf-opsawg-pcapng) with
 * radiotap headers (https://www.radiotap.org): the blocks, byte by byte.
 * Byte-in/byte-out: no I/O, no allocation, no clock.
 *
 * A capture is one little-endian section: a Section Header Block, then one
 * Interface Description Block per channel, each before the first packet
 * that names it (IDBs may follow packets: a channel first seen mid-capture
 * gets its IDB then), then one Enhanced Packet Block per transmission.
 * Interface ids count IDBs from 0 in the order they were written. Every
 * interface has link type LINKTYPE_IEEE802_11_RADIOTAP and microsecond
 * timestamps; the packet is radiotap + the 802.11 frame without FCS.
 *
 * Every function returns the number of bytes written to buf, or 0 when
 * cap is too small, in which case buf is left untouched. Strings are
 * UTF-8; NULL or "" leaves the option out, and one longer than an option
 * can hold (65535 bytes) is cut at a character boundary.
 */
#ifndef WM_PROTO_PCAPNG_H
#define WM_PROTO_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/phy.h"

#define PCAPNG_LINKTYPE_RADIOTAP 127	/* LINKTYPE_IEEE802_11_RADIOTAP */
#define PCAPNG_OPT_STR_MAX 65535	/* longest string option: its length is a u16 */
#define RADIOTAP_MAX_LEN 48		/* the longest header radiotap_encode() writes */

/* One transmission as the air saw it, for its radiotap header. */
struct radiotap_info {
	uint64_t tsft;		/* us: TSFT, here the start of the frame on the air */
	uint32_t freq;		/* MHz: primary channel centre */
	struct phy_rate rate;
	bool has_signal;
	int8_t signal_dbm;	/* antenna signal: what a receiver heard, only if has_signal */
	int8_t noise_dbm;	/* antenna noise */
	bool has_tx_power;
	int8_t tx_power_dbm;	/* transmit power, only if has_tx_power */
	uint32_t ampdu_ref;	/* an MPDU of an A-MPDU: its reference number (A-MPDU status); 0 none */
	bool ampdu_last;	/* the A-MPDU's last MPDU */
};

/* Section Header Block: version 1.0, length unknown (-1), shb_userappl app (may be NULL). */
size_t pcapng_shb(uint8_t *buf, size_t cap, const char *app);

/*
 * Interface Description Block: LINKTYPE_IEEE802_11_RADIOTAP, no snap
 * length, if_name name (may be NULL), if_description desc (may be NULL),
 * if_tsresol 10^-6 s.
 */
size_t pcapng_idb(uint8_t *buf, size_t cap, const char *name, const char *desc);

/*
 * Radiotap header for ri: TSFT, Flags, Rate (DSSS/OFDM), Channel, dBm
 * antenna signal (if has_signal), dBm antenna noise, dBm TX power (if
 * has_tx_power), MCS (HT), A-MPDU status (if ampdu_ref) and VHT. At most
 * RADIOTAP_MAX_LEN bytes.
 */
size_t radiotap_encode(uint8_t *buf, size_t cap, const struct radiotap_info *ri);

/*
 * Enhanced Packet Block on interface ifid at ts_us (us since the epoch):
 * radiotap for ri followed by frame[0..len) (no FCS), captured whole;
 * opt_comment comment (may be NULL). 0 also if the block would pass 4 GiB.
 */
size_t pcapng_epb(uint8_t *buf, size_t cap, uint32_t ifid, uint64_t ts_us,
		  const struct radiotap_info *ri, const uint8_t *frame, uint32_t len,
		  const char *comment);

/* A cap that always fits pcapng_epb() for a frame of len bytes and a comment of clen bytes. */
size_t pcapng_epb_size(uint32_t len, size_t clen);

#endif
