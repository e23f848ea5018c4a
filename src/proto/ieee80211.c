/* SPDX-License-Identifier: MIT */
#include "ieee80211.h"

#include <errno.h>
#include <string.h>

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Header length of a control frame and whether it carries a TA. ACK, CTS and
 * the wrapper/extension frames have only the RA; every other defined control
 * frame has RA and TA (CF-End's "TA" is the BSSID). The control wrapper also
 * carries the wrapped frame's FC and an HT control field before its body.
 */
static size_t ctl_hdr_len(uint8_t subtype, bool *has_ta)
{
	switch (subtype) {
	case IEEE80211_STYPE_CTS:
	case IEEE80211_STYPE_ACK:
	case IEEE80211_STYPE_CTL_EXT:
		*has_ta = false;
		return 10;
	case IEEE80211_STYPE_CTL_WRAPPER:
		*has_ta = false;
		return 16;
	case IEEE80211_STYPE_TRIGGER:
	case IEEE80211_STYPE_TACK:
	case IEEE80211_STYPE_BRP_POLL:
	case IEEE80211_STYPE_NDPA:
	case IEEE80211_STYPE_BAR:
	case IEEE80211_STYPE_BA:
	case IEEE80211_STYPE_PSPOLL:
	case IEEE80211_STYPE_RTS:
	case IEEE80211_STYPE_CFEND:
	case IEEE80211_STYPE_CFENDACK:
		*has_ta = true;
		return 16;
	}
	/* Reserved subtypes 0 and 1: assume only the common FC, duration, RA. */
	*has_ta = false;
	return 10;
}

int ieee80211_parse(const uint8_t *frame, size_t len, struct ieee80211_hdr_info *out)
{
	struct ieee80211_hdr_info h;
	size_t need;

	if (!frame || !out || len < IEEE80211_MIN_FRAME_LEN)
		return -EINVAL;

	memset(&h, 0, sizeof(h));
	h.fc = get_le16(frame);
	if (h.fc & 3)
		return -EINVAL;
	h.type = (enum ieee80211_ftype)((h.fc >> 2) & 3);
	h.subtype = (h.fc >> 4) & 15;
	h.to_ds = h.fc & IEEE80211_FCTL_TODS;
	h.from_ds = h.fc & IEEE80211_FCTL_FROMDS;
	h.more_frags = h.fc & IEEE80211_FCTL_MOREFRAGS;
	h.retry = h.fc & IEEE80211_FCTL_RETRY;
	h.pwr_mgmt = h.fc & IEEE80211_FCTL_PM;
	h.more_data = h.fc & IEEE80211_FCTL_MOREDATA;
	h.protected = h.fc & IEEE80211_FCTL_PROTECTED;
	h.order = h.fc & IEEE80211_FCTL_ORDER;
	h.duration = get_le16(frame + 2);
	h.ack_policy = IEEE80211_ACK_NORMAL;

	switch (h.type) {
	case IEEE80211_FTYPE_MGMT:
		need = 24;
		/* Order on a management frame announces an HT control field (+HTC). */
		h.has_htc = h.order;
		if (h.has_htc)
			need += 4;
		if (len < need)
			return -EINVAL;
		h.addr1 = frame + 4;
		h.addr2 = frame + 10;
		h.addr3 = frame + 16;
		h.has_seq = true;
		if (h.has_htc)
			h.htc = get_le32(frame + 24);
		h.hdr_len = need;
		h.group = h.addr1[0] & 1;
		h.no_ack = h.group || h.subtype == IEEE80211_STYPE_ACTION_NOACK;
		break;
	case IEEE80211_FTYPE_CTL: {
		bool has_ta;

		need = ctl_hdr_len(h.subtype, &has_ta);
		if (len < need)
			return -EINVAL;
		h.addr1 = frame + 4;
		if (has_ta)
			h.addr2 = frame + 10;
		h.hdr_len = need;
		h.group = h.addr1[0] & 1;
		/*
		 * Only PS-Poll (answered by ACK or data) and a BAR (answered by
		 * a BlockAck, unless its BAR Ack Policy bit says no) expect an
		 * immediate response the sender waits for.
		 */
		if (h.subtype == IEEE80211_STYPE_PSPOLL)
			h.no_ack = h.group;
		else if (h.subtype == IEEE80211_STYPE_BAR)
			h.no_ack = h.group || (len >= 18 && (frame[16] & 1));
		else
			h.no_ack = true;
		break;
	}
	case IEEE80211_FTYPE_DATA:
		need = 24;
		if (h.to_ds && h.from_ds)
			need += 6;
		h.has_qos = h.subtype & 8;
		if (h.has_qos)
			need += 2;
		/* On non-QoS data Order means "strictly ordered", not +HTC. */
		h.has_htc = h.has_qos && h.order;
		if (h.has_htc)
			need += 4;
		if (len < need)
			return -EINVAL;
		h.addr1 = frame + 4;
		h.addr2 = frame + 10;
		h.addr3 = frame + 16;
		h.has_seq = true;
		if (h.to_ds && h.from_ds)
			h.addr4 = frame + 24;
		if (h.has_qos) {
			size_t q = h.addr4 ? 30 : 24;

			h.qos_ctrl = get_le16(frame + q);
			h.tid = h.qos_ctrl & 15;
			h.ack_policy = (enum ieee80211_ack_policy)((h.qos_ctrl >> 5) & 3);
			if (h.has_htc)
				h.htc = get_le32(frame + q + 2);
		}
		h.hdr_len = need;
		h.group = h.addr1[0] & 1;
		h.no_ack = h.group || h.ack_policy != IEEE80211_ACK_NORMAL;
		break;
	case IEEE80211_FTYPE_EXT:
		/*
		 * DMG and S1G beacons: FC, duration, then the sender's address;
		 * no receiver address, heard by all, never acknowledged.
		 */
		need = 10;
		h.addr2 = frame + 4;
		h.hdr_len = need;
		h.group = true;
		h.no_ack = true;
		break;
	}

	if (h.has_seq) {
		h.seq_ctrl = get_le16(frame + 22);
		h.seq_num = h.seq_ctrl >> 4;
		h.frag_num = h.seq_ctrl & 15;
	}
	*out = h;
	return 0;
}

/* HT and VHT Capabilities among the elements ies[0..len). */
static void agg_caps(const uint8_t *ies, size_t len, struct medium_agg *out)
{
	static const uint8_t density_q[8] = { 0, 1, 2, 4, 8, 16, 32, 64 };

	while (len >= 2 && (size_t)ies[1] + 2 <= len) {
		const uint8_t *e = ies + 2;

		if (ies[0] == 45 && ies[1] >= 3) {		/* HT Capabilities */
			out->has_caps = true;
			out->ht_max_ampdu = (1u << (13 + (e[2] & 3))) - 1;
			out->density_q = density_q[(e[2] >> 2) & 7];
		} else if (ies[0] == 191 && ies[1] >= 4) {	/* VHT Capabilities */
			uint32_t info = (uint32_t)e[0] | (uint32_t)e[1] << 8 |
					(uint32_t)e[2] << 16 | (uint32_t)e[3] << 24;

			out->has_caps = true;
			out->vht_max_ampdu = (1u << (13 + ((info >> 23) & 7))) - 1;
		}
		len -= (size_t)ies[1] + 2;
		ies += (size_t)ies[1] + 2;
	}
}

void ieee80211_parse_agg(const uint8_t *frame, size_t len, const struct ieee80211_hdr_info *h,
			 struct medium_agg *out)
{
	const uint8_t *b = frame + h->hdr_len;
	size_t blen = len > h->hdr_len ? len - h->hdr_len : 0;

	memset(out, 0, sizeof(*out));
	if (h->type != IEEE80211_FTYPE_MGMT || h->group || !h->addr2)
		return;
	switch (h->subtype) {
	case IEEE80211_STYPE_DEAUTH:
	case IEEE80211_STYPE_DISASSOC:
		out->ba = MEDIUM_BA_RESET;
		return;
	case IEEE80211_STYPE_ASSOC_REQ:
		if (blen >= 4)
			agg_caps(b + 4, blen - 4, out);
		return;
	case IEEE80211_STYPE_REASSOC_REQ:
		if (blen >= 10)
			agg_caps(b + 10, blen - 10, out);
		return;
	case IEEE80211_STYPE_ASSOC_RESP:
	case IEEE80211_STYPE_REASSOC_RESP:
		if (blen >= 6)
			agg_caps(b + 6, blen - 6, out);
		return;
	case IEEE80211_STYPE_ACTION:
		break;
	default:
		return;
	}
	if (h->protected) {
		/* Block Ack is a robust category: under PMF its frames are encrypted. */
		out->ba = MEDIUM_BA_OPAQUE;
		return;
	}
	if (blen < 2 || b[0] != 3)			/* category Block Ack */
		return;
	if (b[1] == 1 && blen >= 9 && get_le16(b + 3) == 0) {	/* ADDBA Response, success */
		uint16_t params = get_le16(b + 5);

		out->ba = MEDIUM_BA_ADD;
		out->ba_tid = (params >> 2) & 15;
		out->ba_win = params >> 6 ? params >> 6 : 64;
	} else if (b[1] == 2 && blen >= 6) {		/* DELBA */
		uint16_t params = get_le16(b + 2);

		out->ba = MEDIUM_BA_DEL;
		out->ba_tid = params >> 12;
		out->ba_initiator = params & (1u << 11);
	}
}

/* Supported Rates values (500 kbit/s units) in global legacy index order (phy.h). */
static const uint8_t legacy_units[12] = { 2, 4, 11, 22, 12, 18, 24, 36, 48, 72, 96, 108 };

uint16_t ieee80211_parse_basic_rates(const uint8_t *frame, size_t len,
				     const struct ieee80211_hdr_info *h, bool *to_addressee)
{
	const uint8_t *ies = frame + h->hdr_len;
	size_t n = len > h->hdr_len ? len - h->hdr_len : 0, fixed;
	uint16_t basic = 0;

	*to_addressee = false;
	if (h->type != IEEE80211_FTYPE_MGMT)
		return 0;
	switch (h->subtype) {
	case IEEE80211_STYPE_BEACON:
	case IEEE80211_STYPE_PROBE_RESP:
		fixed = 12;		/* timestamp, beacon interval, capabilities */
		break;
	case IEEE80211_STYPE_ASSOC_RESP:
	case IEEE80211_STYPE_REASSOC_RESP:
		fixed = 6;		/* capabilities, status, AID */
		if (n < fixed || get_le16(ies + 2) != 0 || h->group)
			return 0;	/* refused: the station joins no BSS */
		*to_addressee = true;
		break;
	default:
		return 0;
	}
	if (n < fixed)
		return 0;
	ies += fixed;
	n -= fixed;
	while (n >= 2 && (size_t)ies[1] + 2 <= n) {
		if (ies[0] == 1 || ies[0] == 50) {	/* (Extended) Supported Rates */
			for (unsigned i = 0; i < ies[1]; i++) {
				if (!(ies[2 + i] & 0x80))
					continue;
				for (unsigned k = 0; k < 12; k++)
					if (legacy_units[k] == (ies[2 + i] & 0x7f))
						basic |= (uint16_t)(1u << k);
			}
		}
		n -= (size_t)ies[1] + 2;
		ies += (size_t)ies[1] + 2;
	}
	if (!basic)
		*to_addressee = false;
	return basic;
}

enum ieee80211_ac ieee80211_tid_to_ac(uint8_t tid)
{
	/* 802.11 Table 10-1 (UP to AC): 1, 2 background; 0, 3 best effort. */
	switch (tid & 7) {
	case 1:
	case 2:
		return IEEE80211_AC_BK;
	case 0:
	case 3:
		return IEEE80211_AC_BE;
	case 4:
	case 5:
		return IEEE80211_AC_VI;
	default:
		return IEEE80211_AC_VO;
	}
}

enum ieee80211_ac ieee80211_frame_ac(const struct ieee80211_hdr_info *h)
{
	switch (h->type) {
	case IEEE80211_FTYPE_DATA:
		return h->has_qos ? ieee80211_tid_to_ac(h->tid) : IEEE80211_AC_BE;
	case IEEE80211_FTYPE_MGMT:
	case IEEE80211_FTYPE_CTL:
	case IEEE80211_FTYPE_EXT:
		break;
	}
	/* mac80211 sends management and control frames on the VO queue. */
	return IEEE80211_AC_VO;
}

static const char *const mgmt_names[16] = {
	"assoc-req", "assoc-resp", "reassoc-req", "reassoc-resp",
	"probe-req", "probe-resp", "timing-adv", "mgmt-7",
	"beacon", "atim", "disassoc", "auth",
	"deauth", "action", "action-noack", "mgmt-15",
};

static const char *const ctl_names[16] = {
	"ctl-0", "ctl-1", "trigger", "tack",
	"brp-poll", "ndpa", "ctl-ext", "ctl-wrapper",
	"bar", "ba", "ps-poll", "rts",
	"cts", "ack", "cf-end", "cf-end-ack",
};

static const char *const data_names[16] = {
	"data", "data-cfack", "data-cfpoll", "data-cfackpoll",
	"null", "cfack", "cfpoll", "cfackpoll",
	"qos-data", "qos-data-cfack", "qos-data-cfpoll", "qos-data-cfackpoll",
	"qos-null", "data-13", "qos-cfpoll", "qos-cfackpoll",
};

static const char *const ext_names[16] = {
	"dmg-beacon", "s1g-beacon", "ext-2", "ext-3",
	"ext-4", "ext-5", "ext-6", "ext-7",
	"ext-8", "ext-9", "ext-10", "ext-11",
	"ext-12", "ext-13", "ext-14", "ext-15",
};

const char *ieee80211_frame_name(enum ieee80211_ftype type, uint8_t subtype)
{
	subtype &= 15;
	switch (type) {
	case IEEE80211_FTYPE_MGMT:
		return mgmt_names[subtype];
	case IEEE80211_FTYPE_CTL:
		return ctl_names[subtype];
	case IEEE80211_FTYPE_DATA:
		return data_names[subtype];
	case IEEE80211_FTYPE_EXT:
		return ext_names[subtype];
	}
	return "unknown";
}
