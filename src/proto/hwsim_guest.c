/* SPDX-License-Identifier: MIT */
/*
 * The Linux 6.1 guest's receive rules, independently of the decoder: the
 * kernel's validate_nla() against hwsim_genl_policy, re-implemented from
 * the kernel rather than from hwsim.c's policy table, so the tests and the
 * fuzzer can hold the encoders to it without a shared bug hiding there.
 * For that reason it uses nothing from hwsim.c (fail() is a private copy);
 * hwsim.c uses hwsim_band_rates() from here.
 */
#include "proto/hwsim.h"

#include <errno.h>
#include <string.h>

#include <linux/netlink.h>

static int fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

static uint32_t get_u32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The kernel policy types hwsim_genl_policy uses (include/net/netlink.h). */
enum guest_pol {
	GP_NONE,	/* no entry: NLA_UNSPEC, refused under NL_VALIDATE_UNSPEC (PAD) */
	GP_U32,
	GP_U64,
	GP_FLAG,
	GP_STRING,	/* len: maximum without one trailing NUL, 0 = any */
	GP_BINARY,	/* len: maximum, 0 = any */
	GP_EXACT,	/* NLA_POLICY_EXACT_LEN and ETH_ADDR_COMPAT under strict: exactly len */
	GP_NESTED,	/* 6.4+ PMSR */
};

static const struct {
	enum guest_pol type;
	uint16_t len;
} guest_policy[HWSIM_ATTR_MAX + 1] = {
	[1] = { GP_EXACT, 6 },		/* ADDR_RECEIVER */
	[2] = { GP_EXACT, 6 },		/* ADDR_TRANSMITTER */
	[3] = { GP_BINARY, 2304 },	/* FRAME: IEEE80211_MAX_DATA_LEN */
	[4] = { GP_U32, 4 },
	[5] = { GP_U32, 4 },
	[6] = { GP_U32, 4 },
	[7] = { GP_EXACT, 8 },		/* TX_INFO */
	[8] = { GP_U64, 8 },
	[9] = { GP_U32, 4 },
	[10] = { GP_U32, 4 },
	[11] = { GP_STRING, 2 },	/* REG_HINT_ALPHA2 */
	[12] = { GP_U32, 4 },
	[13] = { GP_FLAG, 0 },
	[14] = { GP_FLAG, 0 },
	[15] = { GP_FLAG, 0 },
	[16] = { GP_FLAG, 0 },
	[17] = { GP_STRING, 0 },	/* RADIO_NAME */
	[18] = { GP_FLAG, 0 },
	[19] = { GP_U32, 4 },
	[20] = { GP_NONE, 0 },		/* PAD */
	[21] = { GP_BINARY, 0 },	/* TX_INFO_FLAGS */
	[22] = { GP_EXACT, 6 },		/* PERM_ADDR */
	[23] = { GP_U32, 4 },
	[24] = { GP_BINARY, 0 },	/* CIPHER_SUPPORT */
	[25] = { GP_FLAG, 0 },
	[26] = { GP_NESTED, 0 },
	[27] = { GP_NESTED, 0 },
	[28] = { GP_NESTED, 0 },
};

static uint16_t get_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* validate_nla() for one attribute whose type is within 1..max. */
static int guest_check_attr(uint16_t raw_type, const uint8_t *data, int len, const char **why)
{
	uint16_t type = raw_type & NLA_TYPE_MASK;
	enum guest_pol pt = guest_policy[type].type;
	int max = guest_policy[type].len;
	bool nested_flag = raw_type & NLA_F_NESTED;

	if ((pt == GP_U32 || pt == GP_U64) && len != max)
		return fail(why, "integer attribute of the wrong length", -EINVAL);
	if (pt == GP_NESTED && !nested_flag)
		return fail(why, "nested attribute without NLA_F_NESTED", -EINVAL);
	if (pt != GP_NESTED && pt != GP_NONE && nested_flag)
		return fail(why, "NLA_F_NESTED on a plain attribute", -EINVAL);

	switch (pt) {
	case GP_NONE:
		return fail(why, "attribute without policy (PAD)", -EINVAL);
	case GP_FLAG:
		if (len > 0)
			return fail(why, "flag attribute with payload", -EINVAL);
		break;
	case GP_STRING:
		if (len < 1)
			return fail(why, "empty string attribute", -EINVAL);
		if (max && (data[len - 1] == '\0' ? len - 1 : len) > max)
			return fail(why, "string attribute too long", -EINVAL);
		break;
	case GP_BINARY:
		if (max && len > max)
			return fail(why, "binary attribute too long", -EINVAL);
		break;
	case GP_EXACT:
		if (len != max)
			return fail(why, "fixed-length attribute of the wrong length", -EINVAL);
		break;
	case GP_NESTED:
		if (len != 0 && len < 4)
			return fail(why, "nested attribute shorter than a header", -EINVAL);
		break;
	case GP_U32:
	case GP_U64:
		break;
	}
	return 0;
}

/* Calls fn for each attribute of a message already known to fit its buffer; -1 ends. */
static int guest_walk(const uint8_t *p, uint32_t nlmsg_len, int max_attr,
		      const uint8_t **tb, const char **why)
{
	const uint8_t *pos = p + HWSIM_HDRLEN;
	int rem = (int)nlmsg_len - HWSIM_HDRLEN;

	/* nla_for_each_attr(): stops at the first header that does not fit. */
	while (rem >= 4) {
		uint16_t nla_len = get_u16(pos), raw = get_u16(pos + 2);
		uint16_t type = raw & NLA_TYPE_MASK;
		int r;

		if (nla_len < 4 || nla_len > rem)
			break;
		if (type == 0 || type > max_attr)
			return fail(why, type ? "attribute type above the guest's maximum"
					      : "attribute type 0", -EINVAL);
		r = guest_check_attr(raw, pos + 4, nla_len - 4, why);
		if (r < 0)
			return r;
		if (tb)
			tb[type] = pos;
		pos += (nla_len + 3) & ~3;
		rem -= (nla_len + 3) & ~3;
	}
	if (rem > 0)
		return fail(why, "bytes left over after the attributes", -EINVAL);
	return 0;
}

int hwsim_guest_validate(const void *buf, size_t len, int max_attr, const char **why)
{
	const uint8_t *p = buf;
	uint32_t nlmsg_len;

	if (max_attr < 1 || max_attr > HWSIM_ATTR_MAX)
		return fail(why, "no policy known for that maximum", -EINVAL);
	if (!p || len < 16)
		return fail(why, "shorter than a netlink header", -EINVAL);
	nlmsg_len = get_u32(p);
	if (nlmsg_len > len)
		return fail(why, "nlmsg_len beyond the buffer", -EINVAL);
	if (nlmsg_len < HWSIM_HDRLEN)
		return fail(why, "nlmsg_len shorter than the headers", -EINVAL);
	if (nlmsg_len != len)
		return fail(why, "bytes after nlmsg_len", -EINVAL);
	return guest_walk(p, nlmsg_len, max_attr, NULL, why);
}

unsigned int hwsim_band_rates(uint32_t freq)
{
	/* hwsim_rates[]: all 12 at 2.4 GHz, from 6 Mbit/s (8) at 5/6 GHz, none for S1G. */
	if (freq >= 2400 && freq < 2500)
		return 12;
	if (freq < 1000)
		return 0;
	return 8;
}

static uint32_t tb_u32(const uint8_t *attr)
{
	return get_u32(attr + 4);
}

int hwsim_guest_validate_rx(const void *buf, size_t len, const char **why)
{
	const uint8_t *tb[HWSIM_ATTR_MAX + 1] = { NULL };
	const uint8_t *p = buf;
	int r = hwsim_guest_validate(buf, len, HWSIM_ATTR_MAX_6_1, why);

	if (r < 0)
		return r;
	guest_walk(p, (uint32_t)len, HWSIM_ATTR_MAX_6_1, tb, NULL);

	switch (p[16]) {
	case HWSIM_CMD_FRAME:
		/* hwsim_cloned_frame_received_nl() */
		if (!tb[HWSIM_ATTR_ADDR_RECEIVER] || !tb[HWSIM_ATTR_FRAME] ||
		    !tb[HWSIM_ATTR_RX_RATE] || !tb[HWSIM_ATTR_SIGNAL])
			return fail(why, "FRAME lacks RECEIVER, FRAME, RX_RATE or SIGNAL", -EINVAL);
		if (get_u16(tb[HWSIM_ATTR_FRAME]) - 4 < HWSIM_RX_FRAME_MIN)
			return fail(why, "FRAME shorter than a 3-address header", -EINVAL);
		if (!tb[HWSIM_ATTR_FREQ])
			return fail(why, "FRAME without FREQ", -EINVAL);
		if (tb_u32(tb[HWSIM_ATTR_RX_RATE]) >= hwsim_band_rates(tb_u32(tb[HWSIM_ATTR_FREQ])))
			return fail(why, "RX_RATE not a legacy rate of FREQ's band", -EINVAL);
		return 0;
	case HWSIM_CMD_TX_INFO_FRAME:
		/* hwsim_tx_info_frame_received_nl() */
		if (!tb[HWSIM_ATTR_ADDR_TRANSMITTER] || !tb[HWSIM_ATTR_FLAGS] ||
		    !tb[HWSIM_ATTR_COOKIE] || !tb[HWSIM_ATTR_SIGNAL] || !tb[HWSIM_ATTR_TX_INFO])
			return fail(why, "TX_INFO_FRAME lacks a required attribute", -EINVAL);
		return 0;
	}
	return fail(why, "the guest takes only FRAME and TX_INFO_FRAME", -EINVAL);
}
