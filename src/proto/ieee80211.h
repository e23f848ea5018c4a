/* SPDX-License-Identifier: MIT */
/*
 * 802.11 MAC header parsing: just what the medium needs to route a frame
 * (addresses, ACK behaviour, access category) and what logs and captures
 * show. Byte-in, no I/O, no allocation. The frame is an MPDU as hwsim
 * carries it: no FCS, no radiotap.
 */
#ifndef WM_PROTO_IEEE80211_H
#define WM_PROTO_IEEE80211_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/medium.h"

/* Frame control type field (bits 2-3). */
enum ieee80211_ftype {
	IEEE80211_FTYPE_MGMT = 0,
	IEEE80211_FTYPE_CTL = 1,
	IEEE80211_FTYPE_DATA = 2,
	IEEE80211_FTYPE_EXT = 3,
};

/* Management subtypes. */
enum {
	IEEE80211_STYPE_ASSOC_REQ = 0,
	IEEE80211_STYPE_ASSOC_RESP = 1,
	IEEE80211_STYPE_REASSOC_REQ = 2,
	IEEE80211_STYPE_REASSOC_RESP = 3,
	IEEE80211_STYPE_PROBE_REQ = 4,
	IEEE80211_STYPE_PROBE_RESP = 5,
	IEEE80211_STYPE_TIMING_ADV = 6,
	IEEE80211_STYPE_BEACON = 8,
	IEEE80211_STYPE_ATIM = 9,
	IEEE80211_STYPE_DISASSOC = 10,
	IEEE80211_STYPE_AUTH = 11,
	IEEE80211_STYPE_DEAUTH = 12,
	IEEE80211_STYPE_ACTION = 13,
	IEEE80211_STYPE_ACTION_NOACK = 14,
};

/* Control subtypes. */
enum {
	IEEE80211_STYPE_TRIGGER = 2,
	IEEE80211_STYPE_TACK = 3,
	IEEE80211_STYPE_BRP_POLL = 4,
	IEEE80211_STYPE_NDPA = 5,
	IEEE80211_STYPE_CTL_EXT = 6,
	IEEE80211_STYPE_CTL_WRAPPER = 7,
	IEEE80211_STYPE_BAR = 8,
	IEEE80211_STYPE_BA = 9,
	IEEE80211_STYPE_PSPOLL = 10,
	IEEE80211_STYPE_RTS = 11,
	IEEE80211_STYPE_CTS = 12,
	IEEE80211_STYPE_ACK = 13,
	IEEE80211_STYPE_CFEND = 14,
	IEEE80211_STYPE_CFENDACK = 15,
};

/* Data subtypes: bit 3 marks QoS, bit 2 "no data" (Null frames). */
enum {
	IEEE80211_STYPE_DATA = 0,
	IEEE80211_STYPE_NULLFUNC = 4,
	IEEE80211_STYPE_QOS_DATA = 8,
	IEEE80211_STYPE_QOS_NULLFUNC = 12,
};

/* Frame control flag bits (host order, after reading the little-endian field). */
enum {
	IEEE80211_FCTL_TODS = 1 << 8,
	IEEE80211_FCTL_FROMDS = 1 << 9,
	IEEE80211_FCTL_MOREFRAGS = 1 << 10,
	IEEE80211_FCTL_RETRY = 1 << 11,
	IEEE80211_FCTL_PM = 1 << 12,
	IEEE80211_FCTL_MOREDATA = 1 << 13,
	IEEE80211_FCTL_PROTECTED = 1 << 14,
	IEEE80211_FCTL_ORDER = 1 << 15,
};

/* QoS control Ack Policy values (bits 5-6). */
enum ieee80211_ack_policy {
	IEEE80211_ACK_NORMAL = 0,
	IEEE80211_ACK_NONE = 1,
	IEEE80211_ACK_NO_EXPLICIT = 2,
	IEEE80211_ACK_BLOCK = 3,
};

/* EDCA access categories, lowest priority first (same order as enum medium_ac). */
enum ieee80211_ac {
	IEEE80211_AC_BK,
	IEEE80211_AC_BE,
	IEEE80211_AC_VI,
	IEEE80211_AC_VO,
};

#define IEEE80211_MIN_FRAME_LEN 10	/* ACK and CTS: FC, duration, RA */
#define IEEE80211_MAX_DATA_LEN 2304	/* MSDU; also hwsim's cap on a delivered frame */

/* What the MAC header of one frame says. Address pointers point into the frame. */
struct ieee80211_hdr_info {
	uint16_t fc;			/* frame control, host order */
	enum ieee80211_ftype type;
	uint8_t subtype;
	bool to_ds, from_ds, more_frags, retry, pwr_mgmt, more_data, protected, order;
	uint16_t duration;		/* duration/ID field as sent */
	/* NULL when the frame type has no such field. */
	const uint8_t *addr1;		/* RA/DA */
	const uint8_t *addr2;		/* TA/SA (for extension frames, the sender) */
	const uint8_t *addr3;
	const uint8_t *addr4;		/* data frames with ToDS and FromDS */
	bool has_seq;
	uint16_t seq_ctrl;
	uint16_t seq_num;		/* seq_ctrl >> 4 */
	uint8_t frag_num;		/* seq_ctrl & 15 */
	bool has_qos;
	uint16_t qos_ctrl;
	uint8_t tid;			/* qos_ctrl & 15 */
	enum ieee80211_ack_policy ack_policy;	/* from QoS control; NORMAL without one */
	bool has_htc;			/* +HTC: Order bit on QoS data or management */
	uint32_t htc;
	size_t hdr_len;			/* bytes up to the frame body */
	/* addr1 is a group address (or the frame has no addr1, e.g. S1G/DMG beacons). */
	bool group;
	/*
	 * The receiver sends no immediate acknowledgement, whatever the
	 * sender's hwsim flags say: group addressed, control frames other than
	 * PS-Poll and a BAR asking for one, QoS data whose ack policy is not
	 * Normal Ack, Action No Ack, extension frames.
	 */
	bool no_ack;
};

/*
 * Parse the MAC header of frame[0..len). Returns 0, or -EINVAL when len is
 * shorter than the header the frame control announces, frame is NULL, or
 * the protocol version is not 0 (S1G PV1 short frames are not supported).
 * The body (hdr_len..len) is not looked at, except a BAR's control field.
 */
int ieee80211_parse(const uint8_t *frame, size_t len, struct ieee80211_hdr_info *out);

/*
 * Read from frame[0..len), whose header h describes, what aggregation needs:
 * ADDBA Responses, DELBAs, deauthentication and disassociation, and the
 * A-MPDU parameters of (re)association frames. Malformed bodies say nothing.
 */
void ieee80211_parse_agg(const uint8_t *frame, size_t len, const struct ieee80211_hdr_info *h,
			 struct medium_agg *out);

/*
 * The BSS basic rate set a beacon, probe response or successful (re)association
 * response announces in its (Extended) Supported Rates: bit i for global
 * legacy rate index i (1, 2, 5.5, 11, 6, 9, ..., 54 Mbit/s; membership
 * selectors ignored); 0 for other frames or none. *to_addressee: the set is
 * the addressee's BSS too (an association response).
 */
uint16_t ieee80211_parse_basic_rates(const uint8_t *frame, size_t len,
				     const struct ieee80211_hdr_info *h, bool *to_addressee);

/* 802.1D user priority (TID 0..7; TIDs 8-15 use their low 3 bits) to access category. */
enum ieee80211_ac ieee80211_tid_to_ac(uint8_t tid);

/* Access category a frame is sent in: QoS data by TID, other data BE, the rest VO. */
enum ieee80211_ac ieee80211_frame_ac(const struct ieee80211_hdr_info *h);

/* Short name of a type/subtype for logs ("beacon", "qos-data", "ack", ...); never NULL. */
const char *ieee80211_frame_name(enum ieee80211_ftype type, uint8_t subtype);

#endif
