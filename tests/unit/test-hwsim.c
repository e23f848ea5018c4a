/* SPDX-License-Identifier: MIT */
/*
 * hwsim codec: every encoder round-trips and passes the 6.1 guest's strict
 * rules (the checker itself is tested in test-hwsim_guest.c); the decoder
 * rejects malformed input with a reason and reads wire bytes laid out as a
 * 6.1 guest writes them; the glue to the core maps flags, ACK policy,
 * access categories and rates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "proto/hwsim.h"

#define FAMILY 0x22

static const uint8_t radio_a[6] = { 0x42, 0x00, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t radio_b[6] = { 0x42, 0x00, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x00 };

static const struct hwsim_rate chain[HWSIM_TX_MAX_RATES] = {
	{ 7, 2, PHY_RF_MCS | PHY_RF_SHORT_GI }, { 4, 2, PHY_RF_MCS }, { 0, 3, PHY_RF_MCS }, { -1, 0, 0 },
};

/* A probe request as mac80211 sends it (wildcard SSID, 2.4 GHz rates). */
static const uint8_t probe_req[42] = {
	0x40, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x10, 0x00,
	0x00, 0x00, 0x01, 0x08, 0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24,
	0x32, 0x04, 0x30, 0x48, 0x60, 0x6c,
};

/* QoS data STA -> AP, TID 6, LLC/SNAP IPv4. */
static const uint8_t qos_data[42] = {
	0x88, 0x01, 0x2c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00,
	0x10, 0x00, 0x06, 0x00,
	0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00,
};

static _Alignas(8) uint8_t buf[HWSIM_MSG_MAX + 256];
static const uint8_t big_frame[HWSIM_TX_FRAME_MAX + 1];

static void assert_decodes(const void *b, size_t n, struct hwsim_msg *m)
{
	const char *why = "";

	if (hwsim_decode(b, n, m, &why))
		fail_msg("decode failed: %s", why);
}

/* Decoding must fail with err and a reason. */
static void assert_decode_fails(const void *b, size_t n, int err)
{
	struct hwsim_msg m;
	const char *why = NULL;

	assert_int_equal(hwsim_decode(b, n, &m, &why), err);
	assert_non_null(why);
}

/* Every buffer shorter than the message gives -ENOSPC. */
#define ASSERT_NOSPC(len, call_with_size)                                 \
	do {                                                              \
		for (size_t size_ = 0; size_ < (size_t)(len); size_++) { \
			size_t size = size_;                              \
			assert_int_equal((call_with_size), -ENOSPC);      \
		}                                                         \
	} while (0)

/* ---- a hand builder for raw messages, independent of the codec ---- */

#include "hwsim_raw.h"

/* A guest FRAME: every attribute a 6.1 guest sends, in its order. */
static void raw_tx_frame(struct raw *r)
{
	static const uint8_t info[8] = { 0, 1, 0xff, 0, 0xff, 0, 0xff, 0 };
	static const uint8_t flags[12] = { 0, 0, 0, 0xff, 0, 0, 0xff, 0, 0, 0xff, 0, 0 };

	raw_start(r, HWSIM_CMD_FRAME);
	raw_attr(r, HWSIM_ATTR_ADDR_TRANSMITTER, radio_a, 6);
	raw_attr(r, HWSIM_ATTR_FRAME, probe_req, sizeof(probe_req));
	raw_u32(r, HWSIM_ATTR_FLAGS, HWSIM_TX_CTL_REQ_TX_STATUS);
	raw_u32(r, HWSIM_ATTR_FREQ, 2412);
	raw_attr(r, HWSIM_ATTR_TX_INFO, info, 8);
	raw_attr(r, HWSIM_ATTR_TX_INFO_FLAGS, flags, 12);
	raw_u64(r, HWSIM_ATTR_COOKIE, 42);
}

/* A delivery the guest accepts. */
static void raw_rx_frame(struct raw *r)
{
	raw_start(r, HWSIM_CMD_FRAME);
	raw_attr(r, HWSIM_ATTR_ADDR_RECEIVER, radio_b, 6);
	raw_attr(r, HWSIM_ATTR_FRAME, probe_req, sizeof(probe_req));
	raw_u32(r, HWSIM_ATTR_RX_RATE, 0);
	raw_u32(r, HWSIM_ATTR_SIGNAL, (uint32_t)-50);
	raw_u32(r, HWSIM_ATTR_FREQ, 2412);
}

/* ---- encoders: round trip, guest rules, sizes ---- */

static void test_frame_rx(void **state)
{
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	n = hwsim_encode_frame_rx(buf, sizeof(buf), FAMILY, 7, radio_b, probe_req,
				  sizeof(probe_req), 11, -61, 2437);
	assert_int_equal(n, 20 + 12 + 48 + 8 + 8 + 8);
	assert_guest_rx_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.cmd, HWSIM_CMD_FRAME);
	assert_int_equal(m.nl_type, FAMILY);
	assert_int_equal(m.seq, 7);
	assert_int_equal(m.version, 1);
	assert_int_equal(m.attrs, HWSIM_BIT(HWSIM_ATTR_ADDR_RECEIVER) | HWSIM_BIT(HWSIM_ATTR_FRAME) |
				  HWSIM_BIT(HWSIM_ATTR_RX_RATE) | HWSIM_BIT(HWSIM_ATTR_SIGNAL) |
				  HWSIM_BIT(HWSIM_ATTR_FREQ));
	assert_memory_equal(m.receiver, radio_b, 6);
	assert_int_equal(m.frame_len, sizeof(probe_req));
	assert_memory_equal(m.frame, probe_req, sizeof(probe_req));
	assert_ptr_equal(m.frame, buf + 20 + 12 + 4);
	assert_int_equal(m.rx_rate, 11);
	assert_int_equal(m.signal, -61);
	assert_int_equal(m.freq, 2437);
	assert_false(hwsim_is_tx_frame(&m));
	/* Padding after the 42-byte frame is zero: output is deterministic. */
	assert_int_equal(buf[20 + 12 + 46], 0);
	assert_int_equal(buf[20 + 12 + 47], 0);

	ASSERT_NOSPC(n, hwsim_encode_frame_rx(buf, size, FAMILY, 7, radio_b, probe_req,
					      sizeof(probe_req), 11, -61, 2437));
	/* What the guest would drop is refused. */
	assert_int_equal(hwsim_encode_frame_rx(buf, sizeof(buf), 0, 0, radio_b, probe_req, 23, 0, 0, 2412), -EINVAL);
	assert_int_equal(hwsim_encode_frame_rx(buf, sizeof(buf), 0, 0, radio_b, big_frame, 2305, 0, 0, 2412), -EINVAL);
	assert_true(hwsim_encode_frame_rx(buf, sizeof(buf), 0, 0, radio_b, big_frame, 2304, 0, 0, 2412) > 0);
	assert_int_equal(hwsim_encode_frame_rx(buf, sizeof(buf), 0, 0, radio_b, probe_req, 42, 12, 0, 2412), -EINVAL);
	assert_int_equal(hwsim_encode_frame_rx(buf, sizeof(buf), 0, 0, radio_b, probe_req, 42, 8, 0, 5180), -EINVAL);
	assert_int_equal(hwsim_encode_frame_rx(buf, sizeof(buf), 0, 0, radio_b, probe_req, 42, 7, 0, 5180), 104);
	assert_int_equal(hwsim_encode_frame_rx(buf, sizeof(buf), 0, 0, radio_b, probe_req, 42, 0, 0, 915), -EINVAL);
	assert_int_equal(hwsim_encode_frame_rx(buf + 2, sizeof(buf) - 2, 0, 0, radio_b, probe_req, 42, 0, 0, 2412), -EINVAL);
}

static void test_tx_info(void **state)
{
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	n = hwsim_encode_tx_info(buf, sizeof(buf), FAMILY, 1, radio_a,
				 HWSIM_TX_CTL_REQ_TX_STATUS | HWSIM_TX_STAT_ACK,
				 0x1122334455667788ull, -47, chain);
	assert_int_equal(n, 20 + 12 + 8 + 12 + 8 + 12 + 16);
	assert_guest_rx_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.cmd, HWSIM_CMD_TX_INFO_FRAME);
	assert_memory_equal(m.transmitter, radio_a, 6);
	assert_int_equal(m.flags, HWSIM_TX_CTL_REQ_TX_STATUS | HWSIM_TX_STAT_ACK);
	assert_true(m.cookie == 0x1122334455667788ull);
	assert_int_equal(m.signal, -47);
	assert_true(hwsim_has(&m, HWSIM_ATTR_TX_INFO_FLAGS));
	for (int i = 0; i < HWSIM_TX_MAX_RATES; i++) {
		assert_int_equal(m.rates[i].idx, chain[i].idx);
		assert_int_equal(m.rates[i].count, chain[i].count);
		assert_int_equal(m.rates[i].flags, chain[i].flags);
	}
	/* TX_INFO is exactly 8 bytes on the wire: {7,2},{4,2},{0,3},{-1,0}. */
	{
		static const uint8_t want[] = { 12, 0, 7, 0, 7, 2, 4, 2, 0, 3, 0xff, 0 };

		assert_memory_equal(buf + 20 + 12 + 8 + 12 + 8, want, sizeof(want));
	}
	ASSERT_NOSPC(n, hwsim_encode_tx_info(buf, size, FAMILY, 1, radio_a, 0, 1, 0, chain));
}

static void test_tx_failed(void **state)
{
	struct raw r;
	struct hwsim_msg tx, m;
	ssize_t n;

	(void)state;
	raw_tx_frame(&r);
	assert_decodes(r.b, r.len, &tx);
	n = hwsim_encode_tx_failed(buf, sizeof(buf), FAMILY, 0, &tx);
	assert_guest_rx_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.cmd, HWSIM_CMD_TX_INFO_FRAME);
	assert_int_equal(m.flags, HWSIM_TX_CTL_REQ_TX_STATUS);
	assert_true(m.cookie == 42);
	for (int i = 0; i < HWSIM_TX_MAX_RATES; i++)
		assert_int_equal(m.rates[i].idx, -1);
	/* Only for a guest's FRAME. */
	assert_int_equal(hwsim_encode_tx_failed(buf, sizeof(buf), FAMILY, 0, &m), -EINVAL);
}

static void test_frame_tx(void **state)
{
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	n = hwsim_encode_frame_tx(buf, sizeof(buf), FAMILY, 3, radio_a, qos_data, sizeof(qos_data),
				  HWSIM_TX_CTL_REQ_TX_STATUS, chain, 99, 5180);
	assert_int_equal(n, 20 + 12 + 48 + 8 + 8 + 12 + 16 + 12);
	assert_guest_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_true(hwsim_is_tx_frame(&m));
	assert_memory_equal(m.transmitter, radio_a, 6);
	assert_memory_equal(m.frame, qos_data, sizeof(qos_data));
	assert_int_equal(m.flags, HWSIM_TX_CTL_REQ_TX_STATUS);
	assert_true(m.cookie == 99);
	assert_int_equal(m.freq, 5180);
	for (int i = 0; i < HWSIM_TX_MAX_RATES; i++) {
		assert_int_equal(m.rates[i].idx, chain[i].idx);
		assert_int_equal(m.rates[i].flags, chain[i].flags);
	}
	ASSERT_NOSPC(n, hwsim_encode_frame_tx(buf, size, FAMILY, 3, radio_a, qos_data,
					      sizeof(qos_data), 0, chain, 99, 5180));
	/* 10 bytes (an injected ACK) to 2304. */
	assert_true(hwsim_encode_frame_tx(buf, sizeof(buf), 0, 0, radio_a, qos_data, 10, 0, chain, 1, 2412) > 0);
	assert_int_equal(hwsim_encode_frame_tx(buf, sizeof(buf), 0, 0, radio_a, qos_data, 9, 0, chain, 1, 2412), -EINVAL);
	n = hwsim_encode_frame_tx(buf, sizeof(buf), 0, 0, radio_a, big_frame, 2304, 0, chain, 1, 2412);
	assert_true(n > 0 && n <= HWSIM_MSG_MAX);
	assert_guest_ok(buf, n);
}

static void test_mac_addr(void **state)
{
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	for (int add = 0; add <= 1; add++) {
		n = hwsim_encode_mac_addr(buf, sizeof(buf), FAMILY, 5, add, radio_a, mac_b);
		assert_int_equal(n, 44);
		assert_guest_ok(buf, n);
		assert_decodes(buf, (size_t)n, &m);
		assert_int_equal(m.cmd, add ? HWSIM_CMD_ADD_MAC_ADDR : HWSIM_CMD_DEL_MAC_ADDR);
		assert_memory_equal(m.transmitter, radio_a, 6);
		assert_memory_equal(m.receiver, mac_b, 6);
		ASSERT_NOSPC(n, hwsim_encode_mac_addr(buf, size, FAMILY, 5, add, radio_a, mac_b));
	}
}

static void test_register(void **state)
{
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	n = hwsim_encode_register(buf, sizeof(buf), FAMILY, 9);
	assert_int_equal(n, 20);
	assert_guest_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.cmd, HWSIM_CMD_REGISTER);
	assert_int_equal(m.attrs, 0);
	assert_int_equal(m.nl_flags, NLM_F_REQUEST | NLM_F_ACK);
	ASSERT_NOSPC(n, hwsim_encode_register(buf, size, FAMILY, 9));
}

static void test_new_radio(void **state)
{
	static const uint32_t ciphers[] = { 0x000fac04, 0x000fac02 };
	struct hwsim_msg radio, m;
	ssize_t n;

	(void)state;
	memset(&radio, 0, sizeof(radio));
	radio.attrs = HWSIM_BIT(HWSIM_ATTR_CHANNELS) | HWSIM_BIT(HWSIM_ATTR_REG_HINT_ALPHA2) |
		      HWSIM_BIT(HWSIM_ATTR_REG_CUSTOM_REG) | HWSIM_BIT(HWSIM_ATTR_REG_STRICT_REG) |
		      HWSIM_BIT(HWSIM_ATTR_SUPPORT_P2P_DEVICE) | HWSIM_BIT(HWSIM_ATTR_USE_CHANCTX) |
		      HWSIM_BIT(HWSIM_ATTR_DESTROY_RADIO_ON_CLOSE) | HWSIM_BIT(HWSIM_ATTR_RADIO_NAME) |
		      HWSIM_BIT(HWSIM_ATTR_NO_VIF) | HWSIM_BIT(HWSIM_ATTR_PERM_ADDR) |
		      HWSIM_BIT(HWSIM_ATTR_IFTYPE_SUPPORT) | HWSIM_BIT(HWSIM_ATTR_CIPHER_SUPPORT) |
		      HWSIM_BIT(HWSIM_ATTR_MLO_SUPPORT);
	radio.channels = 1;
	memcpy(radio.reg_alpha2, "DE", 2);
	radio.reg_custom_reg = 1;
	radio.radio_name = "hub-phy7";
	radio.radio_name_len = 7;
	memcpy(radio.perm_addr, mac_b, 6);
	radio.iftype_support = 0x1fe;
	radio.cipher_support = (const uint8_t *)ciphers;
	radio.cipher_support_len = sizeof(ciphers);

	n = hwsim_encode_new_radio(buf, sizeof(buf), FAMILY, 11, &radio);
	assert_true(n > 0);
	assert_guest_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.cmd, HWSIM_CMD_NEW_RADIO);
	assert_int_equal(m.attrs, radio.attrs);
	assert_int_equal(m.channels, 1);
	assert_memory_equal(m.reg_alpha2, "DE", 2);
	assert_int_equal(m.reg_custom_reg, 1);
	assert_int_equal(m.radio_name_len, 7);
	assert_memory_equal(m.radio_name, "hub-phy7", 7);
	assert_memory_equal(m.perm_addr, mac_b, 6);
	assert_int_equal(m.iftype_support, 0x1fe);
	assert_int_equal(m.cipher_support_len, 8);
	assert_memory_equal(m.cipher_support, ciphers, 8);
	assert_int_equal(m.nl_flags, NLM_F_REQUEST | NLM_F_ACK);
	ASSERT_NOSPC(n, hwsim_encode_new_radio(buf, size, FAMILY, 11, &radio));

	/* Only PERM_ADDR: what the agent sends for a radio with a unique address. */
	memset(&radio, 0, sizeof(radio));
	radio.attrs = HWSIM_BIT(HWSIM_ATTR_PERM_ADDR);
	memcpy(radio.perm_addr, mac_a, 6);
	n = hwsim_encode_new_radio(buf, sizeof(buf), FAMILY, 12, &radio);
	assert_int_equal(n, 32);
	assert_guest_ok(buf, n);

	/* Names the kernel refuses. */
	radio.attrs = HWSIM_BIT(HWSIM_ATTR_RADIO_NAME);
	radio.radio_name = "0123456789012345678901234567890123456789012345678901234567890123x";
	radio.radio_name_len = 65;
	assert_int_equal(hwsim_encode_new_radio(buf, sizeof(buf), 0, 0, &radio), -EINVAL);
	radio.radio_name_len = 64;
	assert_true(hwsim_encode_new_radio(buf, sizeof(buf), 0, 0, &radio) > 0);
	radio.radio_name_len = 0;
	assert_int_equal(hwsim_encode_new_radio(buf, sizeof(buf), 0, 0, &radio), -EINVAL);
	radio.attrs = HWSIM_BIT(HWSIM_ATTR_CIPHER_SUPPORT);
	radio.cipher_support = (const uint8_t *)ciphers;
	radio.cipher_support_len = 6;
	assert_int_equal(hwsim_encode_new_radio(buf, sizeof(buf), 0, 0, &radio), -EINVAL);
	/* What hwsim_new_radio_nl() refuses: no channels, a group or zero PERM_ADDR. */
	memset(&radio, 0, sizeof(radio));
	radio.attrs = HWSIM_BIT(HWSIM_ATTR_CHANNELS);
	assert_int_equal(hwsim_encode_new_radio(buf, sizeof(buf), 0, 0, &radio), -EINVAL);
	radio.attrs = HWSIM_BIT(HWSIM_ATTR_PERM_ADDR);
	assert_int_equal(hwsim_encode_new_radio(buf, sizeof(buf), 0, 0, &radio), -EINVAL);
	radio.perm_addr[0] = 0x03;
	assert_int_equal(hwsim_encode_new_radio(buf, sizeof(buf), 0, 0, &radio), -EINVAL);
}

/* NEW_RADIO as the kernel multicasts it after creating a radio (append_radio_msg). */
static void test_new_radio_reply(void **state)
{
	struct raw r;
	struct hwsim_msg m;
	int32_t err = 0;
	uint32_t seq = 0;
	_Alignas(4) uint8_t ack[36] = { 36, 0, 0, 0, NLMSG_ERROR, 0, 0, 0, 11, 0, 0, 0 };

	(void)state;
	raw_start(&r, HWSIM_CMD_NEW_RADIO);
	raw_u32(&r, HWSIM_ATTR_RADIO_ID, 3);
	raw_u32(&r, HWSIM_ATTR_CHANNELS, 1);
	raw_attr(&r, HWSIM_ATTR_RADIO_NAME, "phy3", 4);
	assert_guest_ok(r.b, (ssize_t)r.len);
	assert_decodes(r.b, r.len, &m);
	assert_int_equal(m.radio_id, 3);
	assert_int_equal(m.radio_name_len, 4);
	assert_memory_equal(m.radio_name, "phy3", 4);

	/* The NLMSG_ERROR answer carries the new radio's id. */
	ack[16] = 3;
	assert_int_equal(hwsim_decode_ack(ack, sizeof(ack), &seq, &err), 0);
	assert_int_equal(seq, 11);
	assert_int_equal(err, 3);
	assert_int_equal(hwsim_decode_ack(ack, 19, &seq, &err), -EBADMSG);
	assert_int_equal(hwsim_decode_ack(r.b, r.len, &seq, &err), -ENOMSG);
}

static void test_del_get_radio(void **state)
{
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	n = hwsim_encode_del_radio(buf, sizeof(buf), FAMILY, 1, 4, NULL);
	assert_int_equal(n, 28);
	assert_guest_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.cmd, HWSIM_CMD_DEL_RADIO);
	assert_int_equal(m.radio_id, 4);

	n = hwsim_encode_del_radio(buf, sizeof(buf), FAMILY, 1, -1, "hub-phy7");
	assert_guest_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_false(hwsim_has(&m, HWSIM_ATTR_RADIO_ID));
	assert_memory_equal(m.radio_name, "hub-phy7", 7);
	assert_int_equal(hwsim_encode_del_radio(buf, sizeof(buf), FAMILY, 1, -1, NULL), -EINVAL);
	assert_int_equal(hwsim_encode_del_radio(buf, sizeof(buf), FAMILY, 1, -1, ""), -EINVAL);
	ASSERT_NOSPC(28, hwsim_encode_del_radio(buf, size, FAMILY, 1, 4, NULL));

	n = hwsim_encode_get_radio(buf, sizeof(buf), FAMILY, 2, -1);
	assert_int_equal(n, 20);
	assert_guest_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.cmd, HWSIM_CMD_GET_RADIO);
	assert_true(m.nl_flags & NLM_F_DUMP);
	n = hwsim_encode_get_radio(buf, sizeof(buf), FAMILY, 2, 0);
	assert_int_equal(n, 28);
	assert_guest_ok(buf, n);
}

/* Decoding what hwsim_encode() made of a decoded message gives the same message. */
static void assert_reencodes(const struct hwsim_msg *m)
{
	static _Alignas(8) uint8_t again[HWSIM_MSG_MAX];
	struct hwsim_msg m2;
	ssize_t n = hwsim_encode(again, sizeof(again), m->nl_type, m->seq, m);

	assert_true(n > 0 && n <= HWSIM_MSG_MAX);
	assert_guest_ok(again, n);
	assert_decodes(again, (size_t)n, &m2);
	assert_int_equal(m2.cmd, m->cmd);
	assert_int_equal(m2.attrs, m->attrs);
	assert_int_equal(m2.frame_len, m->frame_len);
	if (m->frame_len)
		assert_memory_equal(m2.frame, m->frame, m->frame_len);
	assert_memory_equal(m2.receiver, m->receiver, 6);
	assert_memory_equal(m2.transmitter, m->transmitter, 6);
	assert_memory_equal(m2.rates, m->rates, sizeof(m->rates));
	assert_true(m2.cookie == m->cookie);
	assert_int_equal(m2.flags, m->flags);
	assert_int_equal(m2.freq, m->freq);
	assert_int_equal(m2.signal, m->signal);
	assert_int_equal(m2.radio_name_len, m->radio_name_len);
}

static void test_reencode(void **state)
{
	struct raw r;
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	raw_tx_frame(&r);
	assert_decodes(r.b, r.len, &m);
	assert_reencodes(&m);
	raw_rx_frame(&r);
	assert_decodes(r.b, r.len, &m);
	assert_reencodes(&m);
	n = hwsim_encode_tx_info(buf, sizeof(buf), FAMILY, 1, radio_a, 0, 5, -3, chain);
	assert_decodes(buf, (size_t)n, &m);
	assert_reencodes(&m);
	/* Without TX_INFO_FLAGS the flags are 0 and stay absent. */
	m.attrs &= ~HWSIM_BIT(HWSIM_ATTR_TX_INFO_FLAGS);
	n = hwsim_encode(buf, sizeof(buf), FAMILY, 1, &m);
	assert_decodes(buf, (size_t)n, &m);
	assert_false(hwsim_has(&m, HWSIM_ATTR_TX_INFO_FLAGS));
	assert_int_equal(m.rates[0].flags, 0);
}

/* ---- the decoder ---- */

/*
 * A 6.1 x86-64 guest's FRAME for a probe request, byte by byte as
 * mac80211_hwsim_tx_frame_nl() lays it out, followed by the rest of its
 * skb (only nlmsg_len bytes count).
 */
static const _Alignas(8) uint8_t wire_probe[136 + 24] = {
	0x88, 0x00, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00,	/* nlmsg_len 136, type 0x22 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* seq 0, pid 0 */
	0x02, 0x01, 0x00, 0x00,				/* FRAME, version 1 */
	0x0a, 0x00, 0x02, 0x00, 0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x2e, 0x00, 0x03, 0x00,				/* FRAME, 42 bytes */
	0x40, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x10, 0x00,
	0x00, 0x00, 0x01, 0x08, 0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24,
	0x32, 0x04, 0x30, 0x48, 0x60, 0x6c, 0x00, 0x00,
	0x08, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,	/* FLAGS REQ_TX_STATUS */
	0x08, 0x00, 0x13, 0x00, 0x6c, 0x09, 0x00, 0x00,	/* FREQ 2412 */
	0x0c, 0x00, 0x07, 0x00, 0x00, 0x01, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00,
	0x10, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0xff, 0x00,
	0x00, 0xff, 0x00, 0x00,
	0x0c, 0x00, 0x08, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* skb tailroom */
	0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
	0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
};

/*
 * A QoS data frame at 5180 MHz from a guest on an architecture without
 * efficient unaligned access: nla_put_u64_64bit() put a PAD before COOKIE.
 * Minstrel chain MCS 7 SGI x2, MCS 4 x2, MCS 0 x3.
 */
static const _Alignas(8) uint8_t wire_qos[140] = {
	0x8c, 0x00, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x01, 0x00, 0x00,
	0x0a, 0x00, 0x02, 0x00, 0x42, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x2e, 0x00, 0x03, 0x00,
	0x88, 0x01, 0x2c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00,
	0x10, 0x00, 0x06, 0x00,
	0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,	/* FLAGS 0 */
	0x08, 0x00, 0x13, 0x00, 0x3c, 0x14, 0x00, 0x00,	/* FREQ 5180 */
	0x0c, 0x00, 0x07, 0x00, 0x07, 0x02, 0x04, 0x02, 0x00, 0x03, 0xff, 0x00,
	0x10, 0x00, 0x15, 0x00, 0x07, 0x88, 0x00, 0x04, 0x08, 0x00, 0x00, 0x08,
	0x00, 0xff, 0x00, 0x00,
	0x04, 0x00, 0x14, 0x00,				/* PAD */
	0x0c, 0x00, 0x08, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_wire_probe(void **state)
{
	struct hwsim_msg m;
	struct medium_tx tx;

	(void)state;
	assert_decodes(wire_probe, sizeof(wire_probe), &m);
	assert_int_equal(m.cmd, HWSIM_CMD_FRAME);
	assert_int_equal(m.nl_type, 0x22);
	assert_true(hwsim_is_tx_frame(&m));
	assert_memory_equal(m.transmitter, radio_a, 6);
	assert_int_equal(m.frame_len, 42);
	assert_memory_equal(m.frame, probe_req, 42);
	assert_int_equal(m.flags, HWSIM_TX_CTL_REQ_TX_STATUS);
	assert_int_equal(m.freq, 2412);
	assert_true(m.cookie == 42);
	assert_int_equal(m.rates[0].idx, 0);
	assert_int_equal(m.rates[0].count, 1);
	assert_int_equal(m.rates[1].idx, -1);

	assert_int_equal(hwsim_to_medium_tx(&m, 5, &tx, NULL), 0);
	assert_int_equal(tx.client, 5);
	assert_memory_equal(tx.radio, radio_a, 6);
	assert_ptr_equal(tx.frame, m.frame);
	assert_int_equal(tx.len, 42);
	assert_int_equal(tx.freq, 2412);
	assert_memory_equal(tx.dst, "\xff\xff\xff\xff\xff\xff", 6);
	assert_true(tx.has_src);
	assert_memory_equal(tx.src, mac_a, 6);
	assert_true(tx.group);
	assert_true(tx.no_ack);
	assert_int_equal(tx.ac, MEDIUM_AC_VO);
	assert_true(tx.cookie == 42);
	assert_int_equal(tx.rates[0].idx, 0);
	assert_int_equal(tx.rates[0].count, 1);
	assert_int_equal(tx.rates[0].flags, 0);
}

static void test_wire_qos(void **state)
{
	struct hwsim_msg m;
	struct medium_tx tx;

	(void)state;
	assert_decodes(wire_qos, sizeof(wire_qos), &m);
	assert_false(hwsim_has(&m, HWSIM_ATTR_PAD));
	assert_true(m.cookie == 0x201);
	assert_int_equal(m.freq, 5180);
	assert_int_equal(hwsim_to_medium_tx(&m, 1, &tx, NULL), 0);
	assert_memory_equal(tx.radio, radio_b, 6);
	assert_memory_equal(tx.dst, mac_a, 6);
	assert_memory_equal(tx.src, mac_b, 6);
	assert_false(tx.group);
	assert_false(tx.no_ack);
	assert_int_equal(tx.ac, MEDIUM_AC_VO);	/* TID 6 */
	for (int i = 0; i < MEDIUM_MAX_RATES; i++) {
		assert_int_equal(tx.rates[i].idx, chain[i].idx);
		assert_int_equal(tx.rates[i].count, chain[i].count);
		assert_int_equal(tx.rates[i].flags, chain[i].flags);
	}
}

static void test_decode_rejects(void **state)
{
	static _Alignas(8) uint8_t b[512];
	struct raw r;
	uint32_t l;

	(void)state;
	memcpy(b, wire_probe, 136);
	/* Truncated, lying lengths, misalignment. */
	assert_decode_fails(b, 15, -EBADMSG);
	assert_decode_fails(b, 135, -EBADMSG);
	l = 19;
	memcpy(b, &l, 4);
	assert_decode_fails(b, 136, -EBADMSG);
	l = 134;
	memcpy(b, &l, 4);
	assert_decode_fails(b, 136, -EBADMSG);
	l = 136;
	memcpy(b, &l, 4);
	memmove(b + 1, b, 136);
	assert_decode_fails(b + 1, 136, -EINVAL);
	memmove(b, b + 1, 136);
	/* An attribute whose length runs past the message. */
	b[20] = 0x7c;
	assert_decode_fails(b, 136, -EBADMSG);
	b[20] = 0x0a;
	/* An attribute length below its header. */
	b[20] = 2;
	assert_decode_fails(b, 136, -EBADMSG);
	b[20] = 0x0a;
	/* Flag bits on a plain attribute. */
	b[23] = 0x80;
	assert_decode_fails(b, 136, -EBADMSG);
	b[23] = 0x40;
	assert_decode_fails(b, 136, -EBADMSG);
	b[23] = 0;
	/* Type 0. */
	b[22] = 0;
	assert_decode_fails(b, 136, -EBADMSG);
	b[22] = 2;
	assert_decodes(b, 136, &(struct hwsim_msg){ 0 });

	/* Duplicate. */
	raw_tx_frame(&r);
	raw_u32(&r, HWSIM_ATTR_FLAGS, 0);
	assert_decode_fails(r.b, r.len, -EBADMSG);
	/* Commands. */
	for (unsigned int cmd = 0; cmd < 256; cmd++) {
		if (cmd >= HWSIM_CMD_REGISTER && cmd <= HWSIM_CMD_DEL_MAC_ADDR)
			continue;
		raw_start(&r, (uint8_t)cmd);
		assert_decode_fails(r.b, r.len, -EOPNOTSUPP);
	}
	/* Lengths outside the policy. */
	raw_start(&r, HWSIM_CMD_TX_INFO_FRAME);
	raw_attr(&r, HWSIM_ATTR_TX_INFO, probe_req, 6);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_TX_INFO_FRAME);
	raw_attr(&r, HWSIM_ATTR_TX_INFO_FLAGS, probe_req, 8);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_TX_INFO_FRAME);
	raw_attr(&r, HWSIM_ATTR_FLAGS, probe_req, 2);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_ADD_MAC_ADDR);
	raw_attr(&r, HWSIM_ATTR_ADDR_TRANSMITTER, radio_a, 5);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_FRAME, probe_req, 9);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_FRAME, big_frame, HWSIM_TX_FRAME_MAX + 1);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_NEW_RADIO);
	raw_attr(&r, HWSIM_ATTR_REG_HINT_ALPHA2, "DEU", 3);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_NEW_RADIO);
	raw_attr(&r, HWSIM_ATTR_CIPHER_SUPPORT, "\1\2\3\4\5\6", 6);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_NEW_RADIO);
	raw_attr(&r, HWSIM_ATTR_PAD, "\0\0\0\0", 4);
	assert_decode_fails(r.b, r.len, -EINVAL);
	/* Required attributes. */
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_ADDR_TRANSMITTER, radio_a, 6);
	raw_attr(&r, HWSIM_ATTR_FRAME, probe_req, sizeof(probe_req));
	raw_u32(&r, HWSIM_ATTR_FLAGS, 0);
	raw_attr(&r, HWSIM_ATTR_TX_INFO, "\0\1\377\0\377\0\377\0", 8);
	assert_decode_fails(r.b, r.len, -EINVAL);	/* no COOKIE */
	raw_u64(&r, HWSIM_ATTR_COOKIE, 1);
	assert_decodes(r.b, r.len, &(struct hwsim_msg){ 0 });
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_FRAME, probe_req, sizeof(probe_req));
	assert_decode_fails(r.b, r.len, -EINVAL);	/* neither address */
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_ADDR_RECEIVER, radio_b, 6);
	raw_attr(&r, HWSIM_ATTR_FRAME, probe_req, 23);
	raw_u32(&r, HWSIM_ATTR_RX_RATE, 0);
	raw_u32(&r, HWSIM_ATTR_SIGNAL, 0);
	assert_decode_fails(r.b, r.len, -EINVAL);	/* delivered frame too short */
	raw_start(&r, HWSIM_CMD_ADD_MAC_ADDR);
	raw_attr(&r, HWSIM_ATTR_ADDR_TRANSMITTER, radio_a, 6);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_DEL_RADIO);
	assert_decode_fails(r.b, r.len, -EINVAL);
	raw_start(&r, HWSIM_CMD_TX_INFO_FRAME);
	assert_decode_fails(r.b, r.len, -EINVAL);
}

static void test_decode_accepts(void **state)
{
	struct raw r;
	struct hwsim_msg m;

	(void)state;
	/* Unknown attributes of newer kernels are skipped. */
	raw_tx_frame(&r);
	raw_u32(&r, 29, 1);
	raw_u32(&r, 300, 1);
	raw_attr(&r, HWSIM_ATTR_PMSR_RESULT | NLA_F_NESTED, NULL, 0);
	assert_decodes(r.b, r.len, &m);
	assert_true(hwsim_is_tx_frame(&m));
	/* FREQ absent (old kernels): accepted, 2412 assumed by the glue. */
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_ADDR_TRANSMITTER, radio_a, 6);
	raw_attr(&r, HWSIM_ATTR_FRAME, qos_data, sizeof(qos_data));
	raw_u32(&r, HWSIM_ATTR_FLAGS, HWSIM_TX_CTL_NO_ACK);
	raw_attr(&r, HWSIM_ATTR_TX_INFO, "\4\1\377\0\377\0\377\0", 8);
	raw_u64(&r, HWSIM_ATTR_COOKIE, 1);
	assert_decodes(r.b, r.len, &m);
	assert_false(hwsim_has(&m, HWSIM_ATTR_FREQ));
	assert_false(hwsim_has(&m, HWSIM_ATTR_TX_INFO_FLAGS));
	{
		struct medium_tx tx;

		assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), 0);
		assert_int_equal(tx.freq, HWSIM_DEFAULT_FREQ);
		assert_int_equal(tx.rates[0].idx, 4);
		assert_int_equal(tx.rates[0].flags, 0);
		assert_true(tx.no_ack);		/* hwsim NO_ACK on a unicast frame */
		assert_false(tx.group);
	}
	/* A radio name with a NUL from a tool; one with a NUL inside ends there, as kstrndup reads it. */
	raw_start(&r, HWSIM_CMD_NEW_RADIO);
	raw_attr(&r, HWSIM_ATTR_RADIO_NAME, "phy0", 5);
	assert_decodes(r.b, r.len, &m);
	assert_int_equal(m.radio_name_len, 4);
	raw_start(&r, HWSIM_CMD_DEL_RADIO);
	raw_attr(&r, HWSIM_ATTR_RADIO_NAME, "ph\0y\1", 5);
	assert_decodes(r.b, r.len, &m);
	assert_int_equal(m.radio_name_len, 2);
	raw_start(&r, HWSIM_CMD_DEL_RADIO);
	raw_attr(&r, HWSIM_ATTR_RADIO_NAME, "\0phy", 4);
	assert_decode_fails(r.b, r.len, -EINVAL);
}

/* ---- glue to the core ---- */

static void tx_for(struct hwsim_msg *m, const uint8_t *frame, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->cmd = HWSIM_CMD_FRAME;
	m->attrs = HWSIM_BIT(HWSIM_ATTR_ADDR_TRANSMITTER) | HWSIM_BIT(HWSIM_ATTR_FRAME) |
		   HWSIM_BIT(HWSIM_ATTR_FLAGS) | HWSIM_BIT(HWSIM_ATTR_TX_INFO) |
		   HWSIM_BIT(HWSIM_ATTR_TX_INFO_FLAGS) | HWSIM_BIT(HWSIM_ATTR_COOKIE) |
		   HWSIM_BIT(HWSIM_ATTR_FREQ);
	memcpy(m->transmitter, radio_a, 6);
	m->frame = frame;
	m->frame_len = (uint32_t)len;
	m->freq = 2437;
	memcpy(m->rates, chain, sizeof(chain));
}

static void test_to_medium_tx(void **state)
{
	static const enum medium_ac want[8] = {
		MEDIUM_AC_BE, MEDIUM_AC_BK, MEDIUM_AC_BK, MEDIUM_AC_BE,
		MEDIUM_AC_VI, MEDIUM_AC_VI, MEDIUM_AC_VO, MEDIUM_AC_VO,
	};
	uint8_t f[42];
	struct hwsim_msg m;
	struct medium_tx tx;
	const char *why = NULL;

	(void)state;
	memcpy(f, qos_data, sizeof(f));
	for (uint8_t tid = 0; tid < 8; tid++) {
		f[24] = tid;
		tx_for(&m, f, sizeof(f));
		assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), 0);
		assert_int_equal(tx.ac, want[tid]);
		assert_false(tx.no_ack);
		assert_int_equal(tx.freq, 2437);
		assert_int_equal(tx.rates[0].flags, PHY_RF_MCS | PHY_RF_SHORT_GI);
		assert_int_equal(tx.rates[3].idx, -1);
	}
	/* hwsim NO_ACK flag; QoS No Ack policy. */
	f[24] = 0;
	tx_for(&m, f, sizeof(f));
	m.flags = HWSIM_TX_CTL_NO_ACK;
	assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), 0);
	assert_true(tx.no_ack);
	assert_int_equal(tx.flags, HWSIM_TX_CTL_NO_ACK);
	f[24] = 0x20;
	tx_for(&m, f, sizeof(f));
	assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), 0);
	assert_true(tx.no_ack);
	/* Group addressed data. */
	f[24] = 0;
	f[4] = 0x33;
	tx_for(&m, f, sizeof(f));
	assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), 0);
	assert_true(tx.group);
	assert_true(tx.no_ack);
	/* Non-QoS data is BE; management is VO. */
	f[0] = 0x08;
	tx_for(&m, f, sizeof(f));
	assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), 0);
	assert_int_equal(tx.ac, MEDIUM_AC_BE);
	f[0] = 0xd0;
	f[4] = 0x02;
	tx_for(&m, f, sizeof(f));
	assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), 0);
	assert_int_equal(tx.ac, MEDIUM_AC_VO);
	assert_false(tx.no_ack);
	/* An injected ACK: only addr1. */
	f[0] = 0xd4;
	tx_for(&m, f, 10);
	assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), 0);
	assert_false(tx.has_src);
	assert_true(tx.no_ack);
	assert_int_equal(tx.ac, MEDIUM_AC_VO);
	/* Without TX_INFO_FLAGS every rate's flags are 0. */
	tx_for(&m, qos_data, sizeof(qos_data));
	m.attrs &= ~HWSIM_BIT(HWSIM_ATTR_TX_INFO_FLAGS);
	assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), 0);
	for (int i = 0; i < MEDIUM_MAX_RATES; i++)
		assert_int_equal(tx.rates[i].flags, 0);
	/* A data header cut short, and a delivery instead of a transmission. */
	tx_for(&m, qos_data, 20);
	assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, &why), -EINVAL);
	assert_non_null(why);
	m.attrs &= ~HWSIM_BIT(HWSIM_ATTR_ADDR_TRANSMITTER);
	m.attrs |= HWSIM_BIT(HWSIM_ATTR_ADDR_RECEIVER);
	assert_int_equal(hwsim_to_medium_tx(&m, 0, &tx, NULL), -EINVAL);
}

static void test_encode_rx(void **state)
{
	struct medium_rx rx = {
		.client = 1, .radio = radio_b, .frame = probe_req, .len = sizeof(probe_req),
		.freq = 2412, .signal_dbm = -70,
	};
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	/* 2.4 GHz: 1 Mbit/s DSSS is index 0, OFDM 54 is 11. */
	rx.rate = (struct phy_rate){ .band = PHY_BAND_2GHZ, .mode = PHY_MODE_DSSS, .mcs = 0, .nss = 1, .bw = 20 };
	n = hwsim_encode_rx(buf, sizeof(buf), FAMILY, &rx);
	assert_guest_rx_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.rx_rate, 0);
	assert_int_equal(m.signal, -70);
	assert_int_equal(m.freq, 2412);
	assert_memory_equal(m.receiver, radio_b, 6);
	rx.rate = (struct phy_rate){ .band = PHY_BAND_2GHZ, .mode = PHY_MODE_OFDM, .mcs = 11, .nss = 1, .bw = 20 };
	n = hwsim_encode_rx(buf, sizeof(buf), FAMILY, &rx);
	assert_guest_rx_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.rx_rate, 11);
	/* 5 GHz: band-relative, 54 Mbit/s is 7; HT MCS 7 reports below 8 too. */
	rx.freq = 5180;
	rx.rate = (struct phy_rate){ .band = PHY_BAND_5GHZ, .mode = PHY_MODE_OFDM, .mcs = 11, .nss = 1, .bw = 20 };
	n = hwsim_encode_rx(buf, sizeof(buf), FAMILY, &rx);
	assert_guest_rx_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.rx_rate, 7);
	rx.rate = (struct phy_rate){ .band = PHY_BAND_5GHZ, .mode = PHY_MODE_HT, .mcs = 7, .nss = 1, .bw = 40, .sgi = true };
	n = hwsim_encode_rx(buf, sizeof(buf), FAMILY, &rx);
	assert_guest_rx_ok(buf, n);
	rx.rate = (struct phy_rate){ .band = PHY_BAND_5GHZ, .mode = PHY_MODE_VHT, .mcs = 9, .nss = 2, .bw = 80 };
	n = hwsim_encode_rx(buf, sizeof(buf), FAMILY, &rx);
	assert_guest_rx_ok(buf, n);
	rx.rate = (struct phy_rate){ .band = PHY_BAND_5GHZ, .mode = PHY_MODE_OFDM, .mcs = 4, .nss = 1, .bw = 20 };
	n = hwsim_encode_rx(buf, sizeof(buf), FAMILY, &rx);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.rx_rate, 0);
	/* A 2.4 GHz index on a 5 GHz channel is refused, not sent to be dropped. */
	rx.rate = (struct phy_rate){ .band = PHY_BAND_2GHZ, .mode = PHY_MODE_OFDM, .mcs = 11, .nss = 1, .bw = 20 };
	assert_int_equal(hwsim_encode_rx(buf, sizeof(buf), FAMILY, &rx), -EINVAL);
	/* Frames the guest drops: shorter than 24 bytes. */
	rx.rate = (struct phy_rate){ .band = PHY_BAND_5GHZ, .mode = PHY_MODE_OFDM, .mcs = 4, .nss = 1, .bw = 20 };
	rx.len = 10;
	assert_int_equal(hwsim_encode_rx(buf, sizeof(buf), FAMILY, &rx), -EINVAL);
	rx.len = sizeof(probe_req);
	assert_int_equal(hwsim_encode_rx(buf, 50, FAMILY, &rx), -ENOSPC);
}

static void test_encode_status(void **state)
{
	struct medium_status st = {
		.client = 1, .radio = radio_a, .cookie = 77,
		.flags = HWSIM_TX_CTL_REQ_TX_STATUS, .acked = true,
		.rates = { { 7, 1, PHY_RF_MCS }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 } },
		.ack_signal_dbm = -55,
	};
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	n = hwsim_encode_status(buf, sizeof(buf), FAMILY, &st);
	assert_guest_rx_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.cmd, HWSIM_CMD_TX_INFO_FRAME);
	assert_memory_equal(m.transmitter, radio_a, 6);
	assert_int_equal(m.flags, HWSIM_TX_CTL_REQ_TX_STATUS | HWSIM_TX_STAT_ACK);
	assert_true(m.cookie == 77);
	assert_int_equal(m.signal, -55);
	assert_int_equal(m.rates[0].idx, 7);
	assert_int_equal(m.rates[0].count, 1);
	assert_int_equal(m.rates[0].flags, PHY_RF_MCS);
	assert_int_equal(m.rates[1].idx, -1);

	/* Not acked: STAT_ACK is cleared even if the guest's flags carried it. */
	st.acked = false;
	st.flags |= HWSIM_TX_STAT_ACK | HWSIM_TX_CTL_NO_ACK;
	st.ack_signal_dbm = 0;
	n = hwsim_encode_status(buf, sizeof(buf), FAMILY, &st);
	assert_guest_rx_ok(buf, n);
	assert_decodes(buf, (size_t)n, &m);
	assert_int_equal(m.flags, HWSIM_TX_CTL_REQ_TX_STATUS | HWSIM_TX_CTL_NO_ACK);
	ASSERT_NOSPC(n, hwsim_encode_status(buf, size, FAMILY, &st));
}

static void test_msg_max(void **state)
{
	static _Alignas(8) uint8_t big[HWSIM_MSG_MAX];
	static const uint32_t ciphers[HWSIM_CIPHERS_MAX];
	char name[HWSIM_RADIO_NAME_MAX];
	struct hwsim_msg m;
	ssize_t n;

	(void)state;
	/* Everything an encoder can put in one message fits HWSIM_MSG_MAX exactly. */
	memset(name, 'x', sizeof(name));
	memset(&m, 0, sizeof(m));
	m.cmd = HWSIM_CMD_FRAME;
	for (unsigned int a = 1; a <= HWSIM_ATTR_MAX_6_1; a++)
		if (a != HWSIM_ATTR_PAD)
			m.attrs |= HWSIM_BIT(a);
	m.frame = big_frame;
	m.frame_len = HWSIM_RX_FRAME_MAX;
	m.radio_name = name;
	m.radio_name_len = sizeof(name);
	m.cipher_support = (const uint8_t *)ciphers;
	m.cipher_support_len = sizeof(ciphers);
	n = hwsim_encode(big, sizeof(big), FAMILY, 0, &m);
	assert_int_equal(n, HWSIM_MSG_MAX);
	assert_guest_ok(big, n);
	assert_int_equal(hwsim_encode(big, sizeof(big) - 1, FAMILY, 0, &m), -ENOSPC);
}

/*
 * The generic netlink controller's answer to GETFAMILY for hwsim, as a
 * 6.1 kernel sends it (trimmed to the attributes we read and one we do
 * not): FAMILY_NAME, FAMILY_ID 0x1d, MCAST_GROUPS { 1: { ID 3, "config" } }.
 */
static void test_family(void **state)
{
	_Alignas(4) uint8_t fb[256];
	struct hwsim_family f;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nlattr *groups, *grp;
	ssize_t len;

	(void)state;
	len = hwsim_encode_get_family(fb, sizeof(fb), 7);
	assert_true(len > 0);
	nlh = (struct nlmsghdr *)fb;
	assert_int_equal(nlh->nlmsg_type, GENL_ID_CTRL);
	assert_int_equal(nlh->nlmsg_seq, 7);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(g->cmd, CTRL_CMD_GETFAMILY);
	assert_string_equal(mnl_attr_get_str(mnl_nlmsg_get_payload_offset(nlh, sizeof(*g))),
			    "MAC80211_HWSIM");
	assert_int_equal(hwsim_encode_get_family(fb, 20, 7), -ENOSPC);

	memset(fb, 0, sizeof(fb));
	nlh = mnl_nlmsg_put_header(fb);
	nlh->nlmsg_type = GENL_ID_CTRL;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_NEWFAMILY;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "MAC80211_HWSIM");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1d);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 2);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 3);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "config");
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(hwsim_decode_family(fb, nlh->nlmsg_len, &f), 0);
	assert_int_equal(f.id, 0x1d);
	assert_int_equal(f.config_group, 3);

	/* Truncated, not the controller's, or without an id: refused, nothing read. */
	assert_int_equal(hwsim_decode_family(fb, nlh->nlmsg_len - 4, &f), -EBADMSG);
	nlh->nlmsg_type = 0x1d;
	assert_int_equal(hwsim_decode_family(fb, nlh->nlmsg_len, &f), -ENOMSG);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g));
	assert_int_equal(hwsim_decode_family(fb, nlh->nlmsg_len, &f), -EBADMSG);
	assert_int_equal(f.id, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_rx),
		cmocka_unit_test(test_tx_info),
		cmocka_unit_test(test_tx_failed),
		cmocka_unit_test(test_frame_tx),
		cmocka_unit_test(test_mac_addr),
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_new_radio),
		cmocka_unit_test(test_new_radio_reply),
		cmocka_unit_test(test_del_get_radio),
		cmocka_unit_test(test_reencode),
		cmocka_unit_test(test_wire_probe),
		cmocka_unit_test(test_wire_qos),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_decode_accepts),
		cmocka_unit_test(test_to_medium_tx),
		cmocka_unit_test(test_encode_rx),
		cmocka_unit_test(test_encode_status),
		cmocka_unit_test(test_msg_max),
		cmocka_unit_test(test_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
