/* SPDX-License-Identifier: MIT */
#include "hwsim.h"

#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "proto/ieee80211.h"
#include "util/util.h"

_Static_assert(HWSIM_TX_FRAME_MAX == (MEDIUM_FRAME_MAX), "decoder and medium disagree on frame size");
_Static_assert(HWSIM_TX_MAX_RATES == MEDIUM_MAX_RATES, "rate chain length");
_Static_assert(HWSIM_HDRLEN == MNL_NLMSG_HDRLEN + GENL_HDRLEN, "header length");
_Static_assert(HWSIM_ATTR_MAX < 32, "attrs is a 32-bit mask");

static int fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

/*
 * What we accept from a peer, per attribute: payload length bounds, and
 * whether it is skipped (PAD, which a guest on an architecture without
 * efficient unaligned access puts before COOKIE; 6.4's nested PMSR
 * attributes, which only PMSR commands carry) or nested. A zero entry
 * (min 0, max 0) means "must be empty": the flags.
 */
struct attr_policy {
	uint16_t min, max;
	bool skip;
	bool nested;
};

static const struct attr_policy policy[HWSIM_ATTR_MAX + 1] = {
	[HWSIM_ATTR_ADDR_RECEIVER] = { 6, 6, false, false },
	[HWSIM_ATTR_ADDR_TRANSMITTER] = { 6, 6, false, false },
	[HWSIM_ATTR_FRAME] = { HWSIM_TX_FRAME_MIN, HWSIM_TX_FRAME_MAX, false, false },
	[HWSIM_ATTR_FLAGS] = { 4, 4, false, false },
	[HWSIM_ATTR_RX_RATE] = { 4, 4, false, false },
	[HWSIM_ATTR_SIGNAL] = { 4, 4, false, false },
	[HWSIM_ATTR_TX_INFO] = { 8, 8, false, false },
	[HWSIM_ATTR_COOKIE] = { 8, 8, false, false },
	[HWSIM_ATTR_CHANNELS] = { 4, 4, false, false },
	[HWSIM_ATTR_RADIO_ID] = { 4, 4, false, false },
	[HWSIM_ATTR_REG_HINT_ALPHA2] = { 2, 3, false, false },
	[HWSIM_ATTR_REG_CUSTOM_REG] = { 4, 4, false, false },
	[HWSIM_ATTR_REG_STRICT_REG] = { 0, 0, false, false },
	[HWSIM_ATTR_SUPPORT_P2P_DEVICE] = { 0, 0, false, false },
	[HWSIM_ATTR_USE_CHANCTX] = { 0, 0, false, false },
	[HWSIM_ATTR_DESTROY_RADIO_ON_CLOSE] = { 0, 0, false, false },
	[HWSIM_ATTR_RADIO_NAME] = { 1, HWSIM_RADIO_NAME_MAX + 1, false, false },
	[HWSIM_ATTR_NO_VIF] = { 0, 0, false, false },
	[HWSIM_ATTR_FREQ] = { 4, 4, false, false },
	[HWSIM_ATTR_PAD] = { 0, 0, true, false },
	[HWSIM_ATTR_TX_INFO_FLAGS] = { 12, 12, false, false },
	[HWSIM_ATTR_PERM_ADDR] = { 6, 6, false, false },
	[HWSIM_ATTR_IFTYPE_SUPPORT] = { 4, 4, false, false },
	[HWSIM_ATTR_CIPHER_SUPPORT] = { 0, 4 * HWSIM_CIPHERS_MAX, false, false },
	[HWSIM_ATTR_MLO_SUPPORT] = { 0, 0, false, false },
	[HWSIM_ATTR_PMSR_SUPPORT] = { 0, UINT16_MAX, true, true },
	[HWSIM_ATTR_PMSR_REQUEST] = { 0, UINT16_MAX, true, true },
	[HWSIM_ATTR_PMSR_RESULT] = { 0, UINT16_MAX, true, true },
};

static const char *const missing[HWSIM_ATTR_MAX + 1] = {
	[HWSIM_ATTR_ADDR_RECEIVER] = "missing ADDR_RECEIVER",
	[HWSIM_ATTR_ADDR_TRANSMITTER] = "missing ADDR_TRANSMITTER",
	[HWSIM_ATTR_FRAME] = "missing FRAME",
	[HWSIM_ATTR_FLAGS] = "missing FLAGS",
	[HWSIM_ATTR_RX_RATE] = "missing RX_RATE",
	[HWSIM_ATTR_SIGNAL] = "missing SIGNAL",
	[HWSIM_ATTR_TX_INFO] = "missing TX_INFO",
	[HWSIM_ATTR_COOKIE] = "missing COOKIE",
};

static void store(struct hwsim_msg *msg, enum hwsim_attr type, const struct nlattr *attr)
{
	const uint8_t *p = mnl_attr_get_payload(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);

	switch (type) {
	case HWSIM_ATTR_ADDR_RECEIVER:
		memcpy(msg->receiver, p, 6);
		break;
	case HWSIM_ATTR_ADDR_TRANSMITTER:
		memcpy(msg->transmitter, p, 6);
		break;
	case HWSIM_ATTR_FRAME:
		msg->frame = p;
		msg->frame_len = len;
		break;
	case HWSIM_ATTR_FLAGS:
		msg->flags = mnl_attr_get_u32(attr);
		break;
	case HWSIM_ATTR_RX_RATE:
		msg->rx_rate = mnl_attr_get_u32(attr);
		break;
	case HWSIM_ATTR_SIGNAL:
		msg->signal = (int32_t)mnl_attr_get_u32(attr);
		break;
	case HWSIM_ATTR_TX_INFO:
		for (int i = 0; i < HWSIM_TX_MAX_RATES; i++) {
			msg->rates[i].idx = (int8_t)p[2 * i];
			msg->rates[i].count = p[2 * i + 1];
		}
		break;
	case HWSIM_ATTR_COOKIE:
		msg->cookie = mnl_attr_get_u64(attr);
		break;
	case HWSIM_ATTR_CHANNELS:
		msg->channels = mnl_attr_get_u32(attr);
		break;
	case HWSIM_ATTR_RADIO_ID:
		msg->radio_id = mnl_attr_get_u32(attr);
		break;
	case HWSIM_ATTR_REG_HINT_ALPHA2:
		memcpy(msg->reg_alpha2, p, 2);
		break;
	case HWSIM_ATTR_REG_CUSTOM_REG:
		msg->reg_custom_reg = mnl_attr_get_u32(attr);
		break;
	case HWSIM_ATTR_RADIO_NAME:
		/* The kernel sends strlen() bytes and reads up to a NUL (kstrndup): so do we. */
		msg->radio_name = (const char *)p;
		msg->radio_name_len = (uint32_t)strnlen((const char *)p, len);
		break;
	case HWSIM_ATTR_FREQ:
		msg->freq = mnl_attr_get_u32(attr);
		break;
	case HWSIM_ATTR_TX_INFO_FLAGS:
		/* 4 x packed { s8 idx; u16 flags; }; idx repeats TX_INFO's. */
		for (int i = 0; i < HWSIM_TX_MAX_RATES; i++) {
			uint16_t f;

			memcpy(&f, p + 3 * i + 1, sizeof(f));
			msg->rates[i].flags = f;
		}
		break;
	case HWSIM_ATTR_PERM_ADDR:
		memcpy(msg->perm_addr, p, 6);
		break;
	case HWSIM_ATTR_IFTYPE_SUPPORT:
		msg->iftype_support = mnl_attr_get_u32(attr);
		break;
	case HWSIM_ATTR_CIPHER_SUPPORT:
		msg->cipher_support = p;
		msg->cipher_support_len = len;
		break;
	case HWSIM_ATTR_REG_STRICT_REG:
	case HWSIM_ATTR_SUPPORT_P2P_DEVICE:
	case HWSIM_ATTR_USE_CHANCTX:
	case HWSIM_ATTR_DESTROY_RADIO_ON_CLOSE:
	case HWSIM_ATTR_NO_VIF:
	case HWSIM_ATTR_MLO_SUPPORT:
		/* Flags: the bit in attrs says it all. */
		break;
	case HWSIM_ATTR_UNSPEC:
	case HWSIM_ATTR_PAD:
	case HWSIM_ATTR_PMSR_SUPPORT:
	case HWSIM_ATTR_PMSR_REQUEST:
	case HWSIM_ATTR_PMSR_RESULT:
		/* Skipped by the policy before we get here. */
		break;
	}
	msg->attrs |= HWSIM_BIT(type);
}

static int check_attr(const struct nlattr *attr, uint32_t *seen, const char **why)
{
	uint16_t raw = attr->nla_type;
	uint16_t type = mnl_attr_get_type(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);
	const struct attr_policy *pol;

	if (type == HWSIM_ATTR_UNSPEC)
		return fail(why, "attribute type 0", -EBADMSG);
	/* Newer kernels may add attributes: skip them, as netlink readers do. */
	if (type > HWSIM_ATTR_MAX)
		return 0;
	pol = &policy[type];
	if ((raw & NLA_F_NET_BYTEORDER) || ((raw & NLA_F_NESTED) && !pol->nested))
		return fail(why, "attribute flag bits on a plain attribute", -EBADMSG);
	if (len < pol->min || len > pol->max)
		return fail(why, "attribute length outside its policy", -EINVAL);
	/* Strings may end in one NUL, which their maximum counts: the text itself is one shorter. */
	if ((type == HWSIM_ATTR_REG_HINT_ALPHA2 || type == HWSIM_ATTR_RADIO_NAME) &&
	    len == pol->max && ((const uint8_t *)mnl_attr_get_payload(attr))[len - 1] != '\0')
		return fail(why, "string attribute too long", -EINVAL);
	if (type == HWSIM_ATTR_RADIO_NAME && ((const char *)mnl_attr_get_payload(attr))[0] == '\0')
		return fail(why, "empty RADIO_NAME", -EINVAL);
	if (type == HWSIM_ATTR_CIPHER_SUPPORT && len % 4)
		return fail(why, "CIPHER_SUPPORT not a u32 array", -EINVAL);
	if (pol->skip)
		return 0;
	if (*seen & HWSIM_BIT(type))
		return fail(why, "duplicate attribute", -EBADMSG);
	*seen |= HWSIM_BIT(type);
	return 1;
}

/* What each command needs once every attribute has passed its policy. */
static int check_command(const struct hwsim_msg *msg, const char **why)
{
	static const enum hwsim_attr tx_frame[] = {
		HWSIM_ATTR_FRAME, HWSIM_ATTR_FLAGS, HWSIM_ATTR_TX_INFO, HWSIM_ATTR_COOKIE,
	};
	static const enum hwsim_attr rx_frame[] = {
		HWSIM_ATTR_FRAME, HWSIM_ATTR_RX_RATE, HWSIM_ATTR_SIGNAL,
	};
	static const enum hwsim_attr tx_info[] = {
		HWSIM_ATTR_ADDR_TRANSMITTER, HWSIM_ATTR_FLAGS, HWSIM_ATTR_COOKIE,
		HWSIM_ATTR_SIGNAL, HWSIM_ATTR_TX_INFO,
	};
	static const enum hwsim_attr mac_addr[] = {
		HWSIM_ATTR_ADDR_TRANSMITTER, HWSIM_ATTR_ADDR_RECEIVER,
	};
	const enum hwsim_attr *need = NULL;
	size_t n = 0;

	switch ((enum hwsim_cmd)msg->cmd) {
	case HWSIM_CMD_FRAME:
		if (hwsim_has(msg, HWSIM_ATTR_ADDR_TRANSMITTER)) {
			need = tx_frame;
			n = ARRAY_SIZE(tx_frame);
		} else if (hwsim_has(msg, HWSIM_ATTR_ADDR_RECEIVER)) {
			need = rx_frame;
			n = ARRAY_SIZE(rx_frame);
			if (hwsim_has(msg, HWSIM_ATTR_FRAME) &&
			    (msg->frame_len < HWSIM_RX_FRAME_MIN || msg->frame_len > HWSIM_RX_FRAME_MAX))
				return fail(why, "delivered FRAME outside 24..2304 bytes", -EINVAL);
		} else {
			return fail(why, "FRAME without ADDR_TRANSMITTER or ADDR_RECEIVER", -EINVAL);
		}
		break;
	case HWSIM_CMD_TX_INFO_FRAME:
		need = tx_info;
		n = ARRAY_SIZE(tx_info);
		break;
	case HWSIM_CMD_ADD_MAC_ADDR:
	case HWSIM_CMD_DEL_MAC_ADDR:
		need = mac_addr;
		n = ARRAY_SIZE(mac_addr);
		break;
	case HWSIM_CMD_DEL_RADIO:
		if (!hwsim_has(msg, HWSIM_ATTR_RADIO_ID) && !hwsim_has(msg, HWSIM_ATTR_RADIO_NAME))
			return fail(why, "DEL_RADIO without RADIO_ID or RADIO_NAME", -EINVAL);
		break;
	case HWSIM_CMD_REGISTER:
	case HWSIM_CMD_NEW_RADIO:
	case HWSIM_CMD_GET_RADIO:
		/* Requests and replies alike: every attribute is optional. */
		break;
	case HWSIM_CMD_UNSPEC:
	case HWSIM_CMD_START_PMSR:
	case HWSIM_CMD_ABORT_PMSR:
	case HWSIM_CMD_REPORT_PMSR:
		return fail(why, "unsupported command", -EOPNOTSUPP);
	}
	for (size_t i = 0; i < n; i++)
		if (!hwsim_has(msg, need[i]))
			return fail(why, missing[need[i]], -EINVAL);
	return 0;
}

int hwsim_decode(const void *buf, size_t len, struct hwsim_msg *msg, const char **why)
{
	const struct nlmsghdr *nlh = buf;
	const struct genlmsghdr *genl;
	const struct nlattr *attr;
	uint32_t seen = 0;

	if (!buf || !msg)
		return fail(why, "no buffer", -EINVAL);
	if ((uintptr_t)buf & 3)
		return fail(why, "buffer not 4-byte aligned", -EINVAL);
	if (len < sizeof(*nlh))
		return fail(why, "truncated netlink header", -EBADMSG);
	if (nlh->nlmsg_len > len)
		return fail(why, "nlmsg_len beyond buffer", -EBADMSG);
	if (nlh->nlmsg_len < HWSIM_HDRLEN)
		return fail(why, "nlmsg_len shorter than headers", -EBADMSG);
	if (nlh->nlmsg_len & 3)
		return fail(why, "nlmsg_len not 4-byte aligned", -EBADMSG);

	genl = mnl_nlmsg_get_payload(nlh);
	memset(msg, 0, sizeof(*msg));
	msg->cmd = genl->cmd;
	msg->version = genl->version;
	msg->nl_type = nlh->nlmsg_type;
	msg->nl_flags = nlh->nlmsg_flags;
	msg->seq = nlh->nlmsg_seq;
	msg->pid = nlh->nlmsg_pid;
	for (int i = 0; i < HWSIM_TX_MAX_RATES; i++)
		msg->rates[i].idx = -1;

	/* Commands we do not know have attributes we cannot check: stop here. */
	if (genl->cmd == HWSIM_CMD_UNSPEC || genl->cmd > HWSIM_CMD_MAX)
		return fail(why, "unknown command", -EOPNOTSUPP);
	if (genl->cmd >= HWSIM_CMD_START_PMSR)
		return fail(why, "unsupported command", -EOPNOTSUPP);

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		int r = check_attr(attr, &seen, why);

		if (r < 0)
			return r;
		if (r > 0)
			store(msg, (enum hwsim_attr)mnl_attr_get_type(attr), attr);
	}
	/* The loop stops at the first attribute that does not fit: anything left is garbage. */
	if ((const char *)attr != (const char *)mnl_nlmsg_get_payload_tail(nlh))
		return fail(why, "attribute overruns message", -EBADMSG);

	return check_command(msg, why);
}

int hwsim_decode_ack(const void *buf, size_t len, uint32_t *seq, int32_t *error)
{
	const struct nlmsghdr *nlh = buf;
	const struct nlmsgerr *err;

	if (!buf || ((uintptr_t)buf & 3) || len < sizeof(*nlh))
		return -EBADMSG;
	if (nlh->nlmsg_type != NLMSG_ERROR)
		return -ENOMSG;
	if (nlh->nlmsg_len > len || nlh->nlmsg_len < sizeof(*nlh) + sizeof(int32_t))
		return -EBADMSG;
	err = mnl_nlmsg_get_payload(nlh);
	if (seq)
		*seq = nlh->nlmsg_seq;
	if (error)
		*error = err->error;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

/* A message being built: attributes are appended until one does not fit. */
struct enc {
	struct nlmsghdr *nlh;
	size_t size;
	bool full;
};

static int enc_start(struct enc *e, void *buf, size_t size, uint16_t nl_type, uint16_t flags,
		     uint32_t seq, enum hwsim_cmd cmd)
{
	struct genlmsghdr *genl;

	if (!buf || ((uintptr_t)buf & 3))
		return -EINVAL;
	if (size < HWSIM_HDRLEN)
		return -ENOSPC;
	e->nlh = mnl_nlmsg_put_header(buf);
	e->nlh->nlmsg_type = nl_type;
	e->nlh->nlmsg_flags = flags;
	e->nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(e->nlh, sizeof(*genl));
	genl->cmd = (uint8_t)cmd;
	genl->version = HWSIM_GENL_VERSION;
	e->size = size;
	e->full = false;
	return 0;
}

static void enc_put(struct enc *e, enum hwsim_attr type, size_t len, const void *data)
{
	/* mnl memcpy()s the payload: never hand it NULL, even for 0 bytes. */
	if (!data)
		data = "";
	/* mnl zero-fills the alignment padding, so output is deterministic. */
	if (!e->full && !mnl_attr_put_check(e->nlh, e->size, (uint16_t)type, len, data))
		e->full = true;
}

static void enc_u32(struct enc *e, enum hwsim_attr type, uint32_t v)
{
	enc_put(e, type, sizeof(v), &v);
}

static void enc_u64(struct enc *e, enum hwsim_attr type, uint64_t v)
{
	/* 4-byte aligned like every attribute: 6.1 asks for no PAD before it on x86. */
	enc_put(e, type, sizeof(v), &v);
}

static void enc_flag(struct enc *e, enum hwsim_attr type)
{
	enc_put(e, type, 0, NULL);
}

/* TX_INFO: 4 x { s8 idx; u8 count; }. */
static void enc_tx_info(struct enc *e, const struct hwsim_rate rates[HWSIM_TX_MAX_RATES])
{
	uint8_t info[2 * HWSIM_TX_MAX_RATES];

	for (int i = 0; i < HWSIM_TX_MAX_RATES; i++) {
		info[2 * i] = (uint8_t)rates[i].idx;
		info[2 * i + 1] = rates[i].count;
	}
	enc_put(e, HWSIM_ATTR_TX_INFO, sizeof(info), info);
}

/* TX_INFO_FLAGS: 4 x packed { s8 idx; u16 flags; }. */
static void enc_tx_info_flags(struct enc *e, const struct hwsim_rate rates[HWSIM_TX_MAX_RATES])
{
	uint8_t flags[3 * HWSIM_TX_MAX_RATES];

	for (int i = 0; i < HWSIM_TX_MAX_RATES; i++) {
		flags[3 * i] = (uint8_t)rates[i].idx;
		memcpy(flags + 3 * i + 1, &rates[i].flags, sizeof(uint16_t));
	}
	enc_put(e, HWSIM_ATTR_TX_INFO_FLAGS, sizeof(flags), flags);
}

static ssize_t enc_end(struct enc *e)
{
	return e->full ? -ENOSPC : (ssize_t)e->nlh->nlmsg_len;
}

ssize_t hwsim_encode_frame_rx(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			      const uint8_t receiver[6], const uint8_t *frame, size_t len,
			      uint32_t rx_rate, int32_t signal, uint32_t freq)
{
	struct enc e;
	int r;

	if (!receiver || !frame || len < HWSIM_RX_FRAME_MIN || len > HWSIM_RX_FRAME_MAX ||
	    rx_rate >= hwsim_band_rates(freq))
		return -EINVAL;
	r = enc_start(&e, buf, size, nl_type, NLM_F_REQUEST, seq, HWSIM_CMD_FRAME);
	if (r < 0)
		return r;
	enc_put(&e, HWSIM_ATTR_ADDR_RECEIVER, 6, receiver);
	enc_put(&e, HWSIM_ATTR_FRAME, len, frame);
	enc_u32(&e, HWSIM_ATTR_RX_RATE, rx_rate);
	enc_u32(&e, HWSIM_ATTR_SIGNAL, (uint32_t)signal);
	enc_u32(&e, HWSIM_ATTR_FREQ, freq);
	return enc_end(&e);
}

ssize_t hwsim_encode_tx_info(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			     const uint8_t transmitter[6], uint32_t flags, uint64_t cookie,
			     int32_t signal, const struct hwsim_rate rates[HWSIM_TX_MAX_RATES])
{
	struct enc e;
	int r;

	if (!transmitter || !rates)
		return -EINVAL;
	r = enc_start(&e, buf, size, nl_type, NLM_F_REQUEST, seq, HWSIM_CMD_TX_INFO_FRAME);
	if (r < 0)
		return r;
	enc_put(&e, HWSIM_ATTR_ADDR_TRANSMITTER, 6, transmitter);
	enc_u32(&e, HWSIM_ATTR_FLAGS, flags);
	enc_u64(&e, HWSIM_ATTR_COOKIE, cookie);
	enc_u32(&e, HWSIM_ATTR_SIGNAL, (uint32_t)signal);
	enc_tx_info(&e, rates);
	enc_tx_info_flags(&e, rates);
	return enc_end(&e);
}

ssize_t hwsim_encode_tx_failed(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			       const struct hwsim_msg *tx)
{
	static const struct hwsim_rate none[HWSIM_TX_MAX_RATES] = {
		{ -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};

	if (!tx || !hwsim_is_tx_frame(tx) || !hwsim_has(tx, HWSIM_ATTR_COOKIE))
		return -EINVAL;
	return hwsim_encode_tx_info(buf, size, nl_type, seq, tx->transmitter,
				    tx->flags & ~(uint32_t)HWSIM_TX_STAT_ACK, tx->cookie, 0, none);
}

ssize_t hwsim_encode_frame_tx(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			      const uint8_t transmitter[6], const uint8_t *frame, size_t len,
			      uint32_t flags, const struct hwsim_rate rates[HWSIM_TX_MAX_RATES],
			      uint64_t cookie, uint32_t freq)
{
	struct enc e;
	int r;

	/* Capped at what a kernel's policy takes (2304), not what we decode (2344). */
	if (!transmitter || !frame || !rates || len < HWSIM_TX_FRAME_MIN ||
	    len > HWSIM_RX_FRAME_MAX)
		return -EINVAL;
	r = enc_start(&e, buf, size, nl_type, NLM_F_REQUEST, seq, HWSIM_CMD_FRAME);
	if (r < 0)
		return r;
	/* The order the 6.1 kernel writes them in. */
	enc_put(&e, HWSIM_ATTR_ADDR_TRANSMITTER, 6, transmitter);
	enc_put(&e, HWSIM_ATTR_FRAME, len, frame);
	enc_u32(&e, HWSIM_ATTR_FLAGS, flags);
	enc_u32(&e, HWSIM_ATTR_FREQ, freq);
	enc_tx_info(&e, rates);
	enc_tx_info_flags(&e, rates);
	enc_u64(&e, HWSIM_ATTR_COOKIE, cookie);
	return enc_end(&e);
}

ssize_t hwsim_encode_mac_addr(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			      bool add, const uint8_t transmitter[6], const uint8_t addr[6])
{
	struct enc e;
	int r;

	if (!transmitter || !addr)
		return -EINVAL;
	r = enc_start(&e, buf, size, nl_type, NLM_F_REQUEST, seq,
		      add ? HWSIM_CMD_ADD_MAC_ADDR : HWSIM_CMD_DEL_MAC_ADDR);
	if (r < 0)
		return r;
	enc_put(&e, HWSIM_ATTR_ADDR_TRANSMITTER, 6, transmitter);
	enc_put(&e, HWSIM_ATTR_ADDR_RECEIVER, 6, addr);
	return enc_end(&e);
}

ssize_t hwsim_encode_register(void *buf, size_t size, uint16_t nl_type, uint32_t seq)
{
	struct enc e;
	int r = enc_start(&e, buf, size, nl_type, NLM_F_REQUEST | NLM_F_ACK, seq,
			  HWSIM_CMD_REGISTER);

	return r < 0 ? r : enc_end(&e);
}

/* Lengths the kernel (6.1, and later ones for RADIO_NAME) would refuse. */
static int check_radio_args(const struct hwsim_msg *m)
{
	if (hwsim_has(m, HWSIM_ATTR_RADIO_NAME) &&
	    (!m->radio_name || m->radio_name_len == 0 ||
	     m->radio_name_len > HWSIM_RADIO_NAME_MAX ||
	     memchr(m->radio_name, '\0', m->radio_name_len)))
		return -EINVAL;
	if (hwsim_has(m, HWSIM_ATTR_CIPHER_SUPPORT) &&
	    ((m->cipher_support_len && !m->cipher_support) || m->cipher_support_len % 4 ||
	     m->cipher_support_len > 4 * HWSIM_CIPHERS_MAX))
		return -EINVAL;
	return 0;
}

/* Radio-management attributes present in m, in attribute order. */
static void enc_radio(struct enc *e, const struct hwsim_msg *m)
{
	static const enum hwsim_attr flags[] = {
		HWSIM_ATTR_REG_STRICT_REG, HWSIM_ATTR_SUPPORT_P2P_DEVICE,
		HWSIM_ATTR_USE_CHANCTX, HWSIM_ATTR_DESTROY_RADIO_ON_CLOSE,
	};

	if (hwsim_has(m, HWSIM_ATTR_CHANNELS))
		enc_u32(e, HWSIM_ATTR_CHANNELS, m->channels);
	if (hwsim_has(m, HWSIM_ATTR_RADIO_ID))
		enc_u32(e, HWSIM_ATTR_RADIO_ID, m->radio_id);
	if (hwsim_has(m, HWSIM_ATTR_REG_HINT_ALPHA2))
		enc_put(e, HWSIM_ATTR_REG_HINT_ALPHA2, 2, m->reg_alpha2);
	if (hwsim_has(m, HWSIM_ATTR_REG_CUSTOM_REG))
		enc_u32(e, HWSIM_ATTR_REG_CUSTOM_REG, m->reg_custom_reg);
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (hwsim_has(m, flags[i]))
			enc_flag(e, flags[i]);
	/* Without a NUL, as the kernel itself sends it (it copies nla_len bytes). */
	if (hwsim_has(m, HWSIM_ATTR_RADIO_NAME))
		enc_put(e, HWSIM_ATTR_RADIO_NAME, m->radio_name_len, m->radio_name);
	if (hwsim_has(m, HWSIM_ATTR_NO_VIF))
		enc_flag(e, HWSIM_ATTR_NO_VIF);
}

static void enc_radio_tail(struct enc *e, const struct hwsim_msg *m)
{
	if (hwsim_has(m, HWSIM_ATTR_PERM_ADDR))
		enc_put(e, HWSIM_ATTR_PERM_ADDR, 6, m->perm_addr);
	if (hwsim_has(m, HWSIM_ATTR_IFTYPE_SUPPORT))
		enc_u32(e, HWSIM_ATTR_IFTYPE_SUPPORT, m->iftype_support);
	if (hwsim_has(m, HWSIM_ATTR_CIPHER_SUPPORT))
		enc_put(e, HWSIM_ATTR_CIPHER_SUPPORT, m->cipher_support_len, m->cipher_support);
	if (hwsim_has(m, HWSIM_ATTR_MLO_SUPPORT))
		enc_flag(e, HWSIM_ATTR_MLO_SUPPORT);
}

ssize_t hwsim_encode_new_radio(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			       const struct hwsim_msg *radio)
{
	struct enc e;
	int r;

	if (!radio || check_radio_args(radio) < 0)
		return -EINVAL;
	/* hwsim_new_radio_nl() refuses no channels and a PERM_ADDR that is group or zero. */
	if (hwsim_has(radio, HWSIM_ATTR_CHANNELS) && radio->channels == 0)
		return -EINVAL;
	if (hwsim_has(radio, HWSIM_ATTR_PERM_ADDR) &&
	    ((radio->perm_addr[0] & 1) || !memcmp(radio->perm_addr, "\0\0\0\0\0\0", 6)))
		return -EINVAL;
	r = enc_start(&e, buf, size, nl_type, NLM_F_REQUEST | NLM_F_ACK, seq,
		      HWSIM_CMD_NEW_RADIO);
	if (r < 0)
		return r;
	enc_radio(&e, radio);
	enc_radio_tail(&e, radio);
	return enc_end(&e);
}

ssize_t hwsim_encode_del_radio(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			       int64_t radio_id, const char *name)
{
	size_t n = name ? strlen(name) : 0;
	struct enc e;
	int r;

	if (radio_id > UINT32_MAX || (radio_id < 0 && (n == 0 || n > HWSIM_RADIO_NAME_MAX)))
		return -EINVAL;
	r = enc_start(&e, buf, size, nl_type, NLM_F_REQUEST | NLM_F_ACK, seq,
		      HWSIM_CMD_DEL_RADIO);
	if (r < 0)
		return r;
	if (radio_id >= 0)
		enc_u32(&e, HWSIM_ATTR_RADIO_ID, (uint32_t)radio_id);
	else
		enc_put(&e, HWSIM_ATTR_RADIO_NAME, n, name);
	return enc_end(&e);
}

ssize_t hwsim_encode_get_radio(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			       int64_t radio_id)
{
	struct enc e;
	int r;

	if (radio_id > UINT32_MAX)
		return -EINVAL;
	r = enc_start(&e, buf, size, nl_type,
		      NLM_F_REQUEST | (radio_id < 0 ? NLM_F_DUMP : NLM_F_ACK), seq,
		      HWSIM_CMD_GET_RADIO);
	if (r < 0)
		return r;
	if (radio_id >= 0)
		enc_u32(&e, HWSIM_ATTR_RADIO_ID, (uint32_t)radio_id);
	return enc_end(&e);
}

ssize_t hwsim_encode_get_family(void *buf, size_t size, uint32_t seq)
{
	static const char name[] = "MAC80211_HWSIM";
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (!buf || ((uintptr_t)buf & 3))
		return -EINVAL;
	if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g)) + MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(name)))
		return -ENOSPC;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	return nlh->nlmsg_len;
}

static int family_group_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if ((type == CTRL_ATTR_MCAST_GRP_NAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) ||
	    (type == CTRL_ATTR_MCAST_GRP_ID && mnl_attr_validate(attr, MNL_TYPE_U32) >= 0))
		tb[type] = attr;
	return MNL_CB_OK;
}

static int family_attr(const struct nlattr *attr, void *data)
{
	struct hwsim_family *f = data;
	const struct nlattr *grp;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			f->id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			break;
		mnl_attr_for_each_nested(grp, attr) {
			const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };

			if (mnl_attr_parse_nested(grp, family_group_attr, tb) < 0)
				continue;
			if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
			    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), "config"))
				f->config_group = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

int hwsim_decode_family(const void *buf, size_t len, struct hwsim_family *f)
{
	const struct nlmsghdr *nlh = buf;

	*f = (struct hwsim_family){ 0 };
	if (!buf || ((uintptr_t)buf & 3) || len < MNL_NLMSG_HDRLEN)
		return -EBADMSG;
	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return -ENOMSG;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr) || nlh->nlmsg_len > len)
		return -EBADMSG;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, f) < 0 || !f->id)
		return -EBADMSG;
	return 0;
}

ssize_t hwsim_encode(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
		     const struct hwsim_msg *msg)
{
	const struct hwsim_msg *m = msg;
	struct enc e;
	int r;

	if (!m || m->cmd == HWSIM_CMD_UNSPEC || m->cmd > HWSIM_CMD_MAX || check_radio_args(m) < 0)
		return -EINVAL;
	if (hwsim_has(m, HWSIM_ATTR_FRAME) &&
	    (!m->frame || m->frame_len < HWSIM_TX_FRAME_MIN || m->frame_len > HWSIM_RX_FRAME_MAX))
		return -EINVAL;
	r = enc_start(&e, buf, size, nl_type, m->nl_flags, seq, (enum hwsim_cmd)m->cmd);
	if (r < 0)
		return r;
	if (hwsim_has(m, HWSIM_ATTR_ADDR_RECEIVER))
		enc_put(&e, HWSIM_ATTR_ADDR_RECEIVER, 6, m->receiver);
	if (hwsim_has(m, HWSIM_ATTR_ADDR_TRANSMITTER))
		enc_put(&e, HWSIM_ATTR_ADDR_TRANSMITTER, 6, m->transmitter);
	if (hwsim_has(m, HWSIM_ATTR_FRAME))
		enc_put(&e, HWSIM_ATTR_FRAME, m->frame_len, m->frame);
	if (hwsim_has(m, HWSIM_ATTR_FLAGS))
		enc_u32(&e, HWSIM_ATTR_FLAGS, m->flags);
	if (hwsim_has(m, HWSIM_ATTR_RX_RATE))
		enc_u32(&e, HWSIM_ATTR_RX_RATE, m->rx_rate);
	if (hwsim_has(m, HWSIM_ATTR_SIGNAL))
		enc_u32(&e, HWSIM_ATTR_SIGNAL, (uint32_t)m->signal);
	if (hwsim_has(m, HWSIM_ATTR_TX_INFO))
		enc_tx_info(&e, m->rates);
	if (hwsim_has(m, HWSIM_ATTR_COOKIE))
		enc_u64(&e, HWSIM_ATTR_COOKIE, m->cookie);
	enc_radio(&e, m);
	if (hwsim_has(m, HWSIM_ATTR_FREQ))
		enc_u32(&e, HWSIM_ATTR_FREQ, m->freq);
	if (hwsim_has(m, HWSIM_ATTR_TX_INFO_FLAGS))
		enc_tx_info_flags(&e, m->rates);
	enc_radio_tail(&e, m);
	return enc_end(&e);
}

/* ------------------------------------------------------------------ */
/* Glue to the core                                                    */
/* ------------------------------------------------------------------ */

static enum medium_ac to_medium_ac(enum ieee80211_ac ac)
{
	switch (ac) {
	case IEEE80211_AC_BK:
		return MEDIUM_AC_BK;
	case IEEE80211_AC_BE:
		return MEDIUM_AC_BE;
	case IEEE80211_AC_VI:
		return MEDIUM_AC_VI;
	case IEEE80211_AC_VO:
		break;
	}
	return MEDIUM_AC_VO;
}

int hwsim_to_medium_tx(const struct hwsim_msg *msg, uint32_t client, struct medium_tx *tx,
		       const char **why)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct ieee80211_hdr_info h;
	bool flags_known;

	if (!msg || !tx || !hwsim_is_tx_frame(msg) || !hwsim_has(msg, HWSIM_ATTR_FRAME) ||
	    !hwsim_has(msg, HWSIM_ATTR_TX_INFO) || !msg->frame)
		return fail(why, "not a FRAME from a radio", -EINVAL);
	if (msg->frame_len > HWSIM_TX_FRAME_MAX)
		return fail(why, "frame too long", -EINVAL);
	if (ieee80211_parse(msg->frame, msg->frame_len, &h) < 0)
		return fail(why, "802.11 header does not parse", -EINVAL);

	memset(tx, 0, sizeof(*tx));
	tx->client = client;
	memcpy(tx->radio, msg->transmitter, 6);
	tx->frame = msg->frame;
	tx->len = msg->frame_len;
	tx->freq = hwsim_has(msg, HWSIM_ATTR_FREQ) ? msg->freq : HWSIM_DEFAULT_FREQ;
	tx->flags = msg->flags;
	tx->cookie = msg->cookie;
	flags_known = hwsim_has(msg, HWSIM_ATTR_TX_INFO_FLAGS);
	for (int i = 0; i < MEDIUM_MAX_RATES; i++) {
		tx->rates[i].idx = msg->rates[i].idx;
		tx->rates[i].count = msg->rates[i].count;
		tx->rates[i].flags = flags_known ? msg->rates[i].flags : 0;
	}
	memcpy(tx->dst, h.addr1 ? h.addr1 : bcast, 6);
	if (h.addr2) {
		memcpy(tx->src, h.addr2, 6);
		tx->has_src = true;
	}
	tx->group = h.group;
	tx->no_ack = (msg->flags & HWSIM_TX_CTL_NO_ACK) || h.no_ack;
	tx->ac = to_medium_ac(ieee80211_frame_ac(&h));
	if (h.type == IEEE80211_FTYPE_DATA && h.subtype == IEEE80211_STYPE_QOS_DATA &&
	    !tx->no_ack && h.has_seq && !h.frag_num && !h.more_frags) {
		tx->qos_data = true;
		tx->tid = h.tid;
		tx->seq = h.seq_num;
	}
	ieee80211_parse_agg(msg->frame, msg->frame_len, &h, &tx->agg);
	tx->basic_rates = ieee80211_parse_basic_rates(msg->frame, msg->frame_len, &h,
						      &tx->basic_to_addressee);
	return 0;
}

ssize_t hwsim_encode_rx(void *buf, size_t size, uint16_t nl_type, const struct medium_rx *rx)
{
	if (!rx || !rx->radio || !rx->frame)
		return -EINVAL;
	/* hwsim_encode_frame_rx() refuses an index the band of FREQ does not have. */
	return hwsim_encode_frame_rx(buf, size, nl_type, 0, rx->radio, rx->frame, rx->len,
				     phy_rx_rate_index(&rx->rate), rx->signal_dbm, rx->freq);
}

ssize_t hwsim_encode_status(void *buf, size_t size, uint16_t nl_type,
			    const struct medium_status *st)
{
	struct hwsim_rate rates[HWSIM_TX_MAX_RATES];
	uint32_t flags;

	if (!st || !st->radio)
		return -EINVAL;
	for (int i = 0; i < HWSIM_TX_MAX_RATES; i++) {
		rates[i].idx = st->rates[i].idx;
		rates[i].count = st->rates[i].count;
		rates[i].flags = st->rates[i].flags;
	}
	/* A guest never sets STAT_ACK itself; if it did, only the medium's verdict counts. */
	flags = st->flags & ~(uint32_t)HWSIM_TX_STAT_ACK;
	if (st->acked)
		flags |= HWSIM_TX_STAT_ACK;
	return hwsim_encode_tx_info(buf, size, nl_type, 0, st->radio, flags, st->cookie,
				    st->ack_signal_dbm, rates);
}
