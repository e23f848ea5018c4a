/* SPDX-License-Identifier: MIT */
/*
 * mac80211_hwsim generic-netlink messages: decode what guests send, encode
 * what they must accept, and check our output against the Linux 6.1
 * guest's strict receive rules. Byte-in/byte-out: no I/O, no allocation,
 * no logging. Transports own the buffers; see docs/hwsim-codec.md.
 *
 * One message is nlmsghdr (16 B) + genlmsghdr (4 B) + attributes. Integers
 * are in host order, as the guest (little-endian in practice) writes them.
 * Buffers passed to hwsim_decode() and the encoders must be 4-byte aligned.
 */
#ifndef WM_PROTO_HWSIM_H
#define WM_PROTO_HWSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/medium.h"

enum hwsim_cmd {
	HWSIM_CMD_UNSPEC = 0,
	HWSIM_CMD_REGISTER = 1,
	HWSIM_CMD_FRAME = 2,
	HWSIM_CMD_TX_INFO_FRAME = 3,
	HWSIM_CMD_NEW_RADIO = 4,
	HWSIM_CMD_DEL_RADIO = 5,
	HWSIM_CMD_GET_RADIO = 6,
	HWSIM_CMD_ADD_MAC_ADDR = 7,
	HWSIM_CMD_DEL_MAC_ADDR = 8,
	HWSIM_CMD_START_PMSR = 9,	/* 6.4+ */
	HWSIM_CMD_ABORT_PMSR = 10,
	HWSIM_CMD_REPORT_PMSR = 11,
};
#define HWSIM_CMD_MAX HWSIM_CMD_REPORT_PMSR

enum hwsim_attr {
	HWSIM_ATTR_UNSPEC = 0,
	HWSIM_ATTR_ADDR_RECEIVER = 1,
	HWSIM_ATTR_ADDR_TRANSMITTER = 2,
	HWSIM_ATTR_FRAME = 3,
	HWSIM_ATTR_FLAGS = 4,
	HWSIM_ATTR_RX_RATE = 5,
	HWSIM_ATTR_SIGNAL = 6,
	HWSIM_ATTR_TX_INFO = 7,
	HWSIM_ATTR_COOKIE = 8,
	HWSIM_ATTR_CHANNELS = 9,
	HWSIM_ATTR_RADIO_ID = 10,
	HWSIM_ATTR_REG_HINT_ALPHA2 = 11,
	HWSIM_ATTR_REG_CUSTOM_REG = 12,
	HWSIM_ATTR_REG_STRICT_REG = 13,
	HWSIM_ATTR_SUPPORT_P2P_DEVICE = 14,
	HWSIM_ATTR_USE_CHANCTX = 15,
	HWSIM_ATTR_DESTROY_RADIO_ON_CLOSE = 16,
	HWSIM_ATTR_RADIO_NAME = 17,
	HWSIM_ATTR_NO_VIF = 18,
	HWSIM_ATTR_FREQ = 19,
	HWSIM_ATTR_PAD = 20,		/* alignment filler: accepted, never sent */
	HWSIM_ATTR_TX_INFO_FLAGS = 21,
	HWSIM_ATTR_PERM_ADDR = 22,
	HWSIM_ATTR_IFTYPE_SUPPORT = 23,
	HWSIM_ATTR_CIPHER_SUPPORT = 24,
	HWSIM_ATTR_MLO_SUPPORT = 25,	/* the 6.1 guest's maximum */
	HWSIM_ATTR_PMSR_SUPPORT = 26,	/* 6.4+, nested, skipped by the decoder */
	HWSIM_ATTR_PMSR_REQUEST = 27,
	HWSIM_ATTR_PMSR_RESULT = 28,
};
#define HWSIM_ATTR_MAX HWSIM_ATTR_PMSR_RESULT
#define HWSIM_ATTR_MAX_6_1 HWSIM_ATTR_MLO_SUPPORT

/* HWSIM_ATTR_FLAGS */
enum {
	HWSIM_TX_CTL_REQ_TX_STATUS = 1 << 0,
	HWSIM_TX_CTL_NO_ACK = 1 << 1,
	HWSIM_TX_STAT_ACK = 1 << 2,
};

#define HWSIM_TX_MAX_RATES 4
#define HWSIM_GENL_VERSION 1
#define HWSIM_HDRLEN 20			/* nlmsghdr + genlmsghdr */

/* The command of an encoded message, undecoded (its genlmsghdr's first byte), or -1. */
static inline int hwsim_peek_cmd(const void *buf, size_t len)
{
	return len >= HWSIM_HDRLEN ? ((const uint8_t *)buf)[16] : -1;
}

#define HWSIM_RADIO_NAME_MAX 64		/* NL80211_WIPHY_NAME_MAXLEN; newer kernels enforce it */
#define HWSIM_CIPHERS_MAX 16		/* u32 suites in CIPHER_SUPPORT (6.1 knows 12) */

/*
 * FRAME lengths. A guest accepts 24..2304 bytes (a 3-address header up to
 * IEEE80211_MAX_DATA_LEN) on delivery; what a guest transmits may be as
 * short as an injected ACK (10 bytes) and up to an MSDU plus MAC and
 * security headers (MEDIUM_FRAME_MAX).
 */
#define HWSIM_RX_FRAME_MIN 24
#define HWSIM_RX_FRAME_MAX 2304
#define HWSIM_TX_FRAME_MIN 10
#define HWSIM_TX_FRAME_MAX 2344

/*
 * Largest message any encoder produces: hwsim_encode() with every attribute
 * of 1..25 (a FRAME of 2304 bytes, a 64-byte name, 16 ciphers). The
 * largest real one, a guest-style FRAME, is 2396 bytes; a delivery 2364.
 */
#define HWSIM_MSG_MAX (HWSIM_HDRLEN + 2 * 12 + (4 + HWSIM_RX_FRAME_MAX) + 3 * 8 + 12 + 12 + \
		       2 * 8 + 8 + 8 + 4 * 4 + (4 + HWSIM_RADIO_NAME_MAX) + 4 + 8 + 16 + 12 + \
		       8 + (4 + 4 * HWSIM_CIPHERS_MAX) + 4)

/* One rate-chain entry: TX_INFO's {idx, count} and TX_INFO_FLAGS' flags at the same position. */
struct hwsim_rate {
	int8_t idx;			/* -1 ends the chain */
	uint8_t count;
	uint16_t flags;			/* PHY_RF_*; 0 when TX_INFO_FLAGS is absent */
};

#define HWSIM_BIT(attr) (UINT32_C(1) << (attr))

/*
 * A decoded message, or the input of hwsim_encode(). attrs has
 * HWSIM_BIT(a) set for each attribute present; a field is meaningful only
 * when its bit is set (flag attributes are just the bit). Pointers point
 * into the decoded buffer: keep it alive while msg is used.
 */
struct hwsim_msg {
	uint8_t cmd;			/* enum hwsim_cmd */
	uint8_t version;		/* genl version, not checked (the kernel never does) */
	uint16_t nl_type;		/* family id, as received */
	uint16_t nl_flags;
	uint32_t seq;
	uint32_t pid;
	uint32_t attrs;

	uint8_t receiver[6];		/* ADDR_RECEIVER */
	uint8_t transmitter[6];		/* ADDR_TRANSMITTER: the radio's identity */
	const uint8_t *frame;		/* FRAME */
	uint32_t frame_len;
	uint32_t flags;			/* FLAGS: HWSIM_TX_* */
	uint32_t rx_rate;		/* RX_RATE */
	int32_t signal;			/* SIGNAL, dBm */
	struct hwsim_rate rates[HWSIM_TX_MAX_RATES];	/* TX_INFO (+ TX_INFO_FLAGS) */
	uint64_t cookie;		/* COOKIE */
	uint32_t freq;			/* FREQ, MHz */
	uint8_t perm_addr[6];		/* PERM_ADDR */

	/* Radio management (NEW_RADIO, DEL_RADIO, GET_RADIO). */
	uint32_t channels;		/* CHANNELS */
	uint32_t radio_id;		/* RADIO_ID */
	char reg_alpha2[2];		/* REG_HINT_ALPHA2 */
	uint32_t reg_custom_reg;	/* REG_CUSTOM_REG */
	const char *radio_name;		/* RADIO_NAME, not NUL-terminated; */
	uint32_t radio_name_len;	/* a trailing NUL is not counted */
	uint32_t iftype_support;	/* IFTYPE_SUPPORT: BIT(NL80211_IFTYPE_*) */
	const uint8_t *cipher_support;	/* CIPHER_SUPPORT: raw u32 suites, host order */
	uint32_t cipher_support_len;	/* bytes, a multiple of 4 */
	/* REG_STRICT_REG, SUPPORT_P2P_DEVICE, USE_CHANCTX, DESTROY_RADIO_ON_CLOSE,
	 * NO_VIF and MLO_SUPPORT are flags: their bit in attrs is all there is. */
};

static inline bool hwsim_has(const struct hwsim_msg *msg, enum hwsim_attr attr)
{
	return msg->attrs & HWSIM_BIT(attr);
}

/*
 * Decode one netlink message from buf[0..len). Only nlmsg_len bytes count:
 * a guest's TX buffer is its whole skb, so bytes after nlmsg_len are
 * ignored. Checks, in order: the headers; each attribute against one
 * policy table (length, no flags, no duplicates; PAD and types above 28
 * are skipped); then what the command needs. FRAME comes in two shapes:
 * as a guest transmits it (ADDR_TRANSMITTER, FRAME 10..2344 B, FLAGS,
 * TX_INFO, COOKIE; FREQ and TX_INFO_FLAGS optional) or as delivered to a
 * radio (ADDR_RECEIVER, FRAME 24..2304 B, RX_RATE, SIGNAL).
 *
 * Returns 0; -EBADMSG for broken framing (truncated, nlmsg_len wrong or
 * unaligned, attribute overrun, type 0, flag bits, duplicate); -EINVAL for
 * an attribute of the wrong length or a command missing what it needs;
 * -EOPNOTSUPP for a command we do not handle (unknown, or PMSR). *why
 * (if why is not NULL) gets a static reason on failure.
 */
int hwsim_decode(const void *buf, size_t len, struct hwsim_msg *msg, const char **why);

/* A FRAME as a guest transmits it (decoded with ADDR_TRANSMITTER). */
static inline bool hwsim_is_tx_frame(const struct hwsim_msg *msg)
{
	return msg->cmd == HWSIM_CMD_FRAME && hwsim_has(msg, HWSIM_ATTR_ADDR_TRANSMITTER);
}

/*
 * Encoders. Each writes one whole message into buf (4-byte aligned, size
 * bytes) with nlmsg_type nl_type, nlmsg_seq seq, NLM_F_REQUEST (required
 * by a kernel reading a netlink socket, ignored on virtio) and genl
 * version 1, and returns its length (== nlmsg_len, no trailing bytes) or
 * -ENOSPC if it does not fit, or -EINVAL for an argument no guest would
 * accept (frame length, name length, an illegal RX rate).
 */

/* FRAME to a receiving radio: ADDR_RECEIVER, FRAME (24..2304 B), RX_RATE, SIGNAL, FREQ. */
ssize_t hwsim_encode_frame_rx(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			      const uint8_t receiver[6], const uint8_t *frame, size_t len,
			      uint32_t rx_rate, int32_t signal, uint32_t freq);

/*
 * TX_INFO_FRAME, the outcome of one FRAME: ADDR_TRANSMITTER, FLAGS, COOKIE,
 * SIGNAL, TX_INFO (8 B) and TX_INFO_FLAGS (12 B; 6.1 ignores it, a patch
 * proposed for later kernels reads it).
 */
ssize_t hwsim_encode_tx_info(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			     const uint8_t transmitter[6], uint32_t flags, uint64_t cookie,
			     int32_t signal, const struct hwsim_rate rates[HWSIM_TX_MAX_RATES]);

/*
 * A failed TX_INFO_FRAME for a decoded guest FRAME the medium cannot take
 * (e.g. its 802.11 header does not parse): the original flags without
 * STAT_ACK, its cookie, no attempts (every idx -1). Every cookie must be
 * answered or the guest's pending queue fills.
 */
ssize_t hwsim_encode_tx_failed(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			       const struct hwsim_msg *tx);

/* FRAME as a guest transmits it: ADDR_TRANSMITTER, FRAME (10..2344 B), FLAGS, FREQ,
 * TX_INFO, TX_INFO_FLAGS, COOKIE. For synthetic peers and the guest-side agent. */
ssize_t hwsim_encode_frame_tx(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			      const uint8_t transmitter[6], const uint8_t *frame, size_t len,
			      uint32_t flags, const struct hwsim_rate rates[HWSIM_TX_MAX_RATES],
			      uint64_t cookie, uint32_t freq);

/* ADD_MAC_ADDR (add) or DEL_MAC_ADDR: ADDR_TRANSMITTER = radio identity, ADDR_RECEIVER = addr. */
ssize_t hwsim_encode_mac_addr(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			      bool add, const uint8_t transmitter[6], const uint8_t addr[6]);

/* REGISTER (no attributes), with NLM_F_ACK. */
ssize_t hwsim_encode_register(void *buf, size_t size, uint16_t nl_type, uint32_t seq);

/*
 * NEW_RADIO with NLM_F_ACK, carrying every radio-management attribute set in
 * radio->attrs (CHANNELS, REG_*, the flags, RADIO_NAME, PERM_ADDR,
 * IFTYPE_SUPPORT, CIPHER_SUPPORT, MLO_SUPPORT); other bits are ignored.
 * The kernel answers with an NLMSG_ERROR whose error is the new radio id
 * (>= 0) or -errno (see hwsim_decode_ack), and multicasts a NEW_RADIO.
 */
ssize_t hwsim_encode_new_radio(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			       const struct hwsim_msg *radio);

/* DEL_RADIO with NLM_F_ACK, by RADIO_ID when radio_id >= 0, else by RADIO_NAME name. */
ssize_t hwsim_encode_del_radio(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			       int64_t radio_id, const char *name);

/* GET_RADIO for one radio id, or a dump of all (NLM_F_DUMP) when radio_id < 0. */
ssize_t hwsim_encode_get_radio(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
			       int64_t radio_id);

/*
 * Any message: msg->cmd with every attribute of 1..25 but PAD set in
 * msg->attrs, in attribute order. Flags are msg->nl_flags. Checks lengths
 * like the specific encoders. Used to re-encode what was decoded.
 */
ssize_t hwsim_encode(void *buf, size_t size, uint16_t nl_type, uint32_t seq,
		     const struct hwsim_msg *msg);

/*
 * Finding the family: CTRL_CMD_GETFAMILY for "MAC80211_HWSIM" to the
 * generic netlink controller (GENL_ID_CTRL), with NLM_F_ACK; and its
 * answer, a GENL_ID_CTRL message before the ACK: the family's id and the
 * id of its "config" multicast group (radios created and deleted), 0 if it
 * has none. Decoding returns 0, -ENOMSG for another message type, or
 * -EBADMSG when the message is truncated or carries no family id.
 */
struct hwsim_family {
	uint16_t id;
	uint32_t config_group;
};

ssize_t hwsim_encode_get_family(void *buf, size_t size, uint32_t seq);
int hwsim_decode_family(const void *buf, size_t len, struct hwsim_family *f);

/*
 * An NLMSG_ERROR answer: *seq of the request and *error (0 for an ACK, -errno,
 * or NEW_RADIO's radio id). Returns 0, -EBADMSG if truncated, -ENOMSG if buf
 * is not an NLMSG_ERROR.
 */
int hwsim_decode_ack(const void *buf, size_t len, uint32_t *seq, int32_t *error);

/*
 * The Linux 6.1 guest's genlmsg_parse(NL_VALIDATE_STRICT) against
 * hwsim_genl_policy, re-implemented from the kernel's rules without the
 * decoder's code: nlmsg_len within len and covering both headers; every
 * attribute within nlmsg_len with no leftover bytes; type 0 or above
 * max_attr rejected; PAD (no policy) rejected; NLA_F_NESTED rejected on
 * non-nested types; u32/u64 exact; addresses exactly 6; TX_INFO exactly 8;
 * flags empty; strings non-empty (ALPHA2 at most 2 + NUL); FRAME at most
 * 2304. Stricter than the guest in one way: len must equal nlmsg_len (one
 * message, no trailing bytes). max_attr is 25 for 6.1; up to 28 adds
 * 6.4's nested PMSR attributes (their contents are not checked).
 * Duplicates are accepted, as the kernel does (the last one wins).
 * Returns 0 or -EINVAL with *why.
 */
int hwsim_guest_validate(const void *buf, size_t len, int max_attr, const char **why);

/*
 * Everything a 6.1 guest checks before it uses a message it receives on
 * its RX virtqueue: hwsim_guest_validate(25), then cmd FRAME or
 * TX_INFO_FRAME with the attributes its handler requires, FRAME 24..2304
 * bytes, and RX_RATE below the number of legacy rates of FREQ's band.
 * FREQ is required too (radios using channel contexts drop frames without
 * it). Returns 0 or -EINVAL with *why.
 */
int hwsim_guest_validate_rx(const void *buf, size_t len, const char **why);

/* Legacy rates a 6.1 guest has in the band of freq: 12 at 2.4 GHz, 0 for S1G, else 8. */
unsigned int hwsim_band_rates(uint32_t freq);

/* --- glue to the core --- */

/* The frequency assumed for a FRAME without FREQ (pre-4.x kernels), as wmediumd does. */
#define HWSIM_DEFAULT_FREQ 2412

/*
 * Turn a decoded guest FRAME (hwsim_is_tx_frame) into a medium_tx for the
 * radio (client, msg->transmitter). Parses the 802.11 header: dst = addr1
 * (broadcast for frames without one), src = addr2 when present, group,
 * no_ack (hwsim NO_ACK, group, or no ACK by frame type / QoS ack policy),
 * ac (QoS TID; BE for other data; VO otherwise). Rates from TX_INFO, flags
 * from TX_INFO_FLAGS by position (0 without it). tx->frame points into
 * msg's buffer. Returns 0 or -EINVAL with *why (not a TX FRAME, or the
 * 802.11 header does not parse: answer it with hwsim_encode_tx_failed()).
 */
int hwsim_to_medium_tx(const struct hwsim_msg *msg, uint32_t client, struct medium_tx *tx,
		       const char **why);

/*
 * FRAME delivering rx to its radio: RX_RATE from phy_rx_rate_index(). seq is 0.
 * -EINVAL if the guest would drop it (frame length outside 24..2304, rate
 * index not legal in the band of rx->freq).
 */
ssize_t hwsim_encode_rx(void *buf, size_t size, uint16_t nl_type, const struct medium_rx *rx);

/* TX_INFO_FRAME for st: flags with STAT_ACK iff acked, TX_INFO/TX_INFO_FLAGS from st->rates. */
ssize_t hwsim_encode_status(void *buf, size_t size, uint16_t nl_type,
			    const struct medium_status *st);

#endif
