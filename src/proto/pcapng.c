/* SPDX-License-Identifier: MIT */
/*
 * pcapng blocks and radiotap headers. Each encoder first works out the
 * exact size, refuses a short buffer before writing anything, then writes
 * with unchecked stores: the sizing and the writing must describe the same
 * layout, which the unit test checks byte by byte.
 */
#include <string.h>

#include "proto/pcapng.h"

#define PCAPNG_BT_SHB 0x0a0d0d0au
#define PCAPNG_BT_IDB 0x00000001u
#define PCAPNG_BT_EPB 0x00000006u
#define PCAPNG_BOM 0x1a2b3c4du

/* Option codes: 0 and 1 are common to all blocks, the rest per block type. */
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9

/* Block type + total length in front, total length again at the end. */
#define BLOCK_OVERHEAD 12
#define SHB_FIXED 16		/* magic, major, minor, section length */
#define IDB_FIXED 8		/* link type, reserved, snap length */
#define EPB_FIXED 20		/* interface, timestamp high/low, captured and original length */

/* Radiotap presence bits, field numbers of radiotap.org (include/net/ieee80211_radiotap.h). */
enum {
	RT_TSFT = 0,
	RT_FLAGS = 1,
	RT_RATE = 2,
	RT_CHANNEL = 3,
	RT_DBM_ANTSIGNAL = 5,
	RT_DBM_ANTNOISE = 6,
	RT_DBM_TX_POWER = 10,
	RT_MCS = 19,
	RT_AMPDU = 20,
	RT_VHT = 21,
};

#define RT_F_SHORTPRE 0x02

#define RT_CHAN_CCK 0x0020
#define RT_CHAN_OFDM 0x0040
#define RT_CHAN_2GHZ 0x0080
#define RT_CHAN_5GHZ 0x0100

#define RT_MCS_HAVE_BW 0x01
#define RT_MCS_HAVE_MCS 0x02
#define RT_MCS_HAVE_GI 0x04
#define RT_MCS_HAVE_FMT 0x08
#define RT_MCS_HAVE_FEC 0x10
#define RT_MCS_HAVE_STBC 0x20
#define RT_MCS_HAVE_NESS 0x40	/* radiotap.org; not in Linux 6.1's header */
#define RT_MCS_BW_40 0x01
#define RT_MCS_SGI 0x04
#define RT_MCS_FMT_GF 0x08

#define RT_AMPDU_LAST_KNOWN 0x0004
#define RT_AMPDU_IS_LAST 0x0008

#define RT_VHT_KNOWN_STBC 0x0001
#define RT_VHT_KNOWN_GI 0x0004
#define RT_VHT_KNOWN_BANDWIDTH 0x0040
#define RT_VHT_FLAG_SGI 0x04

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static uint8_t *put_u8(uint8_t *p, uint8_t v)
{
	*p = v;
	return p + 1;
}

static uint8_t *put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *put_le32(uint8_t *p, uint32_t v)
{
	p = put_le16(p, (uint16_t)v);
	return put_le16(p, (uint16_t)(v >> 16));
}

static uint8_t *put_le64(uint8_t *p, uint64_t v)
{
	p = put_le32(p, (uint32_t)v);
	return put_le32(p, (uint32_t)(v >> 32));
}

/* Zeroes up to the next multiple of 4 from base: pcapng pads data and options with zeroes. */
static uint8_t *put_pad4(uint8_t *p, const uint8_t *base)
{
	while ((size_t)(p - base) & 3)
		*p++ = 0;
	return p;
}

/*
 * Bytes of s an option carries: all of it, or as much as a u16 length
 * allows without splitting a UTF-8 sequence (a cut sequence is invalid
 * UTF-8, which readers show as replacement characters or reject).
 */
static size_t opt_str_len(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n <= PCAPNG_OPT_STR_MAX)
		return n;
	n = PCAPNG_OPT_STR_MAX;
	while (n > 0 && ((uint8_t)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* Size of a string option carrying n bytes; an absent or empty string takes no option. */
static size_t opt_size(size_t n)
{
	return n ? 4 + pad4(n) : 0;
}

static uint8_t *put_opt(uint8_t *p, uint16_t code, const void *val, size_t n)
{
	uint8_t *start = p;

	p = put_le16(p, code);
	p = put_le16(p, (uint16_t)n);
	if (n)
		memcpy(p, val, n);
	return put_pad4(p + n, start);
}

static uint8_t *put_opt_str(uint8_t *p, uint16_t code, const char *s, size_t n)
{
	return n ? put_opt(p, code, s, n) : p;
}

/* opt_endofopt only ends a non-empty list: a block without options has none. */
static uint8_t *put_endofopt(uint8_t *p)
{
	return put_le32(p, OPT_ENDOFOPT);
}

static uint8_t *put_block_head(uint8_t *p, uint32_t type, size_t total)
{
	p = put_le32(p, type);
	return put_le32(p, (uint32_t)total);
}

size_t pcapng_shb(uint8_t *buf, size_t cap, const char *app)
{
	size_t alen = opt_str_len(app);
	size_t opts = alen ? opt_size(alen) + 4 : 0;
	size_t total = BLOCK_OVERHEAD + SHB_FIXED + opts;
	uint8_t *p = buf;

	if (cap < total)
		return 0;
	p = put_block_head(p, PCAPNG_BT_SHB, total);
	p = put_le32(p, PCAPNG_BOM);
	p = put_le16(p, 1);
	p = put_le16(p, 0);
	/* Section length unknown: we stream, and pipes cannot seek back to fill it in. */
	p = put_le64(p, UINT64_MAX);
	if (alen) {
		p = put_opt_str(p, SHB_USERAPPL, app, alen);
		p = put_endofopt(p);
	}
	put_le32(p, (uint32_t)total);
	return total;
}

size_t pcapng_idb(uint8_t *buf, size_t cap, const char *name, const char *desc)
{
	size_t nlen = opt_str_len(name), dlen = opt_str_len(desc);
	/* if_tsresol is always there, so the list always ends with opt_endofopt. */
	size_t opts = opt_size(nlen) + opt_size(dlen) + 8 + 4;
	size_t total = BLOCK_OVERHEAD + IDB_FIXED + opts;
	const uint8_t tsresol = 6;	/* 10^-6 s; readers assume it when absent, we say it */
	uint8_t *p = buf;

	if (cap < total)
		return 0;
	p = put_block_head(p, PCAPNG_BT_IDB, total);
	p = put_le16(p, PCAPNG_LINKTYPE_RADIOTAP);
	p = put_le16(p, 0);
	p = put_le32(p, 0);	/* snap length 0: no limit */
	p = put_opt_str(p, IF_NAME, name, nlen);
	p = put_opt_str(p, IF_DESCRIPTION, desc, dlen);
	p = put_opt(p, IF_TSRESOL, &tsresol, 1);
	p = put_endofopt(p);
	put_le32(p, (uint32_t)total);
	return total;
}

/* Zero padding so a field of align bytes starts aligned from the start of the radiotap header. */
static uint8_t *rt_align(uint8_t *p, const uint8_t *base, size_t align)
{
	while ((size_t)(p - base) & (align - 1))
		*p++ = 0;
	return p;
}

static uint16_t rt_chan_flags(const struct phy_rate *r)
{
	uint16_t f = 0;

	/*
	 * 6 GHz has no channel flag of its own: mac80211 marks it 5 GHz (and
	 * Wireshark tells the bands apart by frequency anyway), so we do too.
	 */
	switch (r->band) {
	case PHY_BAND_2GHZ:
		f |= RT_CHAN_2GHZ;
		break;
	case PHY_BAND_5GHZ:
	case PHY_BAND_6GHZ:
		f |= RT_CHAN_5GHZ;
		break;
	}
	/*
	 * The modulation of this frame, not what the channel allows: HT and
	 * VHT are OFDM. (mac80211 writes "dynamic CCK-OFDM" for HT at 2.4 GHz,
	 * describing the channel; a simulated channel has no such mode.)
	 */
	switch (r->mode) {
	case PHY_MODE_DSSS:
		f |= RT_CHAN_CCK;
		break;
	case PHY_MODE_OFDM:
	case PHY_MODE_HT:
	case PHY_MODE_VHT:
		f |= RT_CHAN_OFDM;
		break;
	}
	return f;
}

static uint8_t rt_vht_bw(uint16_t bw)
{
	switch (bw) {
	case 40:
		return 1;
	case 80:
		return 4;
	case 160:
		return 11;
	default:
		return 0;
	}
}

/*
 * Fields go in presence-bit order, each aligned to its natural size from
 * the start of the header (radiotap's rule; a parser that finds a field
 * misaligned reads garbage from there on). With the 8-byte header TSFT
 * lands at 8 without padding, and the Rate byte, when absent, becomes the
 * padding Channel needs.
 */
static size_t rt_build(uint8_t *out, const struct radiotap_info *ri)
{
	const struct phy_rate *r = &ri->rate;
	bool legacy = r->mode == PHY_MODE_DSSS || r->mode == PHY_MODE_OFDM;
	uint32_t present = 1u << RT_TSFT | 1u << RT_FLAGS | 1u << RT_CHANNEL |
			   1u << RT_DBM_ANTNOISE;
	uint8_t flags = 0;
	uint8_t *p = out + 8;

	if (legacy)
		present |= 1u << RT_RATE;
	if (ri->has_signal)
		present |= 1u << RT_DBM_ANTSIGNAL;
	if (ri->has_tx_power)
		present |= 1u << RT_DBM_TX_POWER;
	if (r->mode == PHY_MODE_HT)
		present |= 1u << RT_MCS;
	if (ri->ampdu_ref)
		present |= 1u << RT_AMPDU;
	if (r->mode == PHY_MODE_VHT)
		present |= 1u << RT_VHT;
	/*
	 * Flags 0x80 (short GI) is left clear: it is not in Linux's list and
	 * the MCS/VHT fields carry the guard interval. No FCS follows (0x10).
	 */
	if (r->mode == PHY_MODE_DSSS && r->short_preamble && r->mcs > 0)
		flags |= RT_F_SHORTPRE;

	p = rt_align(p, out, 8);
	p = put_le64(p, ri->tsft);
	p = put_u8(p, flags);
	if (legacy)
		p = put_u8(p, (uint8_t)(phy_rate_kbps(r) / 500));
	p = rt_align(p, out, 2);
	p = put_le16(p, (uint16_t)ri->freq);
	p = put_le16(p, rt_chan_flags(r));
	if (ri->has_signal)
		p = put_u8(p, (uint8_t)ri->signal_dbm);
	p = put_u8(p, (uint8_t)ri->noise_dbm);
	if (ri->has_tx_power)
		p = put_u8(p, (uint8_t)ri->tx_power_dbm);
	if (r->mode == PHY_MODE_HT) {
		uint8_t mflags = 0;

		if (r->bw == 40)
			mflags |= RT_MCS_BW_40;
		if (r->sgi)
			mflags |= RT_MCS_SGI;
		if (r->greenfield)
			mflags |= RT_MCS_FMT_GF;
		/*
		 * Everything the simulation decides is known, including what
		 * it never uses (BCC, no STBC, no extension streams): Wireshark
		 * computes the frame's duration from these and warns on each
		 * one left unknown.
		 */
		p = put_u8(p, RT_MCS_HAVE_BW | RT_MCS_HAVE_MCS | RT_MCS_HAVE_GI | RT_MCS_HAVE_FMT |
			      RT_MCS_HAVE_FEC | RT_MCS_HAVE_STBC | RT_MCS_HAVE_NESS);
		p = put_u8(p, mflags);
		p = put_u8(p, r->mcs);
	}
	if (ri->ampdu_ref) {
		p = rt_align(p, out, 4);
		p = put_le32(p, ri->ampdu_ref);
		/* Whether this is the last subframe is known; no delimiter CRC. */
		p = put_le16(p, RT_AMPDU_LAST_KNOWN | (ri->ampdu_last ? RT_AMPDU_IS_LAST : 0));
		p = put_u8(p, 0);
		p = put_u8(p, 0);
	}
	if (r->mode == PHY_MODE_VHT) {
		p = rt_align(p, out, 2);
		/* STBC known (off) for the same reason as HT's. */
		p = put_le16(p, RT_VHT_KNOWN_STBC | RT_VHT_KNOWN_GI | RT_VHT_KNOWN_BANDWIDTH);
		p = put_u8(p, r->sgi ? RT_VHT_FLAG_SGI : 0);
		p = put_u8(p, rt_vht_bw(r->bw));
		/* User 0 only; NSS 0 marks users 1-3 absent. */
		p = put_u8(p, (uint8_t)(r->mcs << 4 | (r->nss & 0x0f)));
		p = put_u8(p, 0);
		p = put_u8(p, 0);
		p = put_u8(p, 0);
		p = put_u8(p, 0);	/* coding: BCC */
		p = put_u8(p, 0);	/* group id: SU */
		p = put_le16(p, 0);	/* partial AID */
	}

	out[0] = 0;	/* version */
	out[1] = 0;
	put_le16(out + 2, (uint16_t)(p - out));
	put_le32(out + 4, present);
	return (size_t)(p - out);
}

size_t radiotap_encode(uint8_t *buf, size_t cap, const struct radiotap_info *ri)
{
	uint8_t rt[RADIOTAP_MAX_LEN];
	size_t n = rt_build(rt, ri);

	if (cap < n)
		return 0;
	memcpy(buf, rt, n);
	return n;
}

size_t pcapng_epb_size(uint32_t len, size_t clen)
{
	size_t opts = 0;

	if (clen)
		opts = 4 + pad4(clen < PCAPNG_OPT_STR_MAX ? clen : PCAPNG_OPT_STR_MAX) + 4;
	return BLOCK_OVERHEAD + EPB_FIXED + pad4((size_t)RADIOTAP_MAX_LEN + len) + opts;
}

size_t pcapng_epb(uint8_t *buf, size_t cap, uint32_t ifid, uint64_t ts_us,
		  const struct radiotap_info *ri, const uint8_t *frame, uint32_t len,
		  const char *comment)
{
	uint8_t rt[RADIOTAP_MAX_LEN];
	size_t rtlen = rt_build(rt, ri);
	size_t clen = opt_str_len(comment);
	size_t opts = clen ? opt_size(clen) + 4 : 0;
	uint64_t caplen = (uint64_t)rtlen + len;
	uint64_t total = BLOCK_OVERHEAD + EPB_FIXED + ((caplen + 3) & ~(uint64_t)3) + opts;
	uint8_t *p = buf, *data;

	if (total > UINT32_MAX || cap < total)
		return 0;
	p = put_block_head(p, PCAPNG_BT_EPB, (size_t)total);
	p = put_le32(p, ifid);
	p = put_le32(p, (uint32_t)(ts_us >> 32));
	p = put_le32(p, (uint32_t)ts_us);
	p = put_le32(p, (uint32_t)caplen);
	p = put_le32(p, (uint32_t)caplen);
	data = p;
	memcpy(p, rt, rtlen);
	p += rtlen;
	if (len)
		memcpy(p, frame, len);
	p = put_pad4(p + len, data);
	if (clen) {
		p = put_opt_str(p, OPT_COMMENT, comment, clen);
		p = put_endofopt(p);
	}
	put_le32(p, (uint32_t)total);
	return (size_t)total;
}
