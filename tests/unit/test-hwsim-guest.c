/* SPDX-License-Identifier: MIT */
/*
 * The 6.1 guest-rules checker (hwsim_guest.c) rejects what a 6.1 guest
 * rejects and accepts what it accepts, on messages built by hand so that
 * no codec code is involved; test-hwsim.c holds the encoders to it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <linux/netlink.h>

#include "proto/hwsim.h"

#define FAMILY 0x22

static const uint8_t radio_a[6] = { 0x42, 0x00, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t radio_b[6] = { 0x42, 0x00, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };

/* A probe request as mac80211 sends it (wildcard SSID, 2.4 GHz rates). */
static const uint8_t probe_req[42] = {
	0x40, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x10, 0x00,
	0x00, 0x00, 0x01, 0x08, 0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24,
	0x32, 0x04, 0x30, 0x48, 0x60, 0x6c,
};

static const uint8_t big_frame[HWSIM_TX_FRAME_MAX + 1];

static void assert_guest_rejects(const void *b, size_t n, int max_attr)
{
	const char *why = NULL;

	assert_int_equal(hwsim_guest_validate(b, n, max_attr, &why), -EINVAL);
	assert_non_null(why);
}

/* ---- a hand builder for raw messages, independent of the codec ---- */

#include "hwsim_raw.h"

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

/* ---- the guest-rules checker rejects what a 6.1 guest rejects ---- */

static void test_guest_rules(void **state)
{
	static const uint8_t bad_info[6] = { 0 };
	struct raw r;
	uint16_t t;

	(void)state;
	raw_rx_frame(&r);
	assert_guest_rx_ok(r.b, (ssize_t)r.len);

	/* Attribute 26 (6.4's PMSR_SUPPORT) is above 6.1's maximum. */
	raw_rx_frame(&r);
	raw_attr(&r, HWSIM_ATTR_PMSR_SUPPORT | NLA_F_NESTED, NULL, 0);
	assert_guest_rejects(r.b, r.len, 25);
	assert_int_equal(hwsim_guest_validate(r.b, r.len, 28, NULL), 0);
	raw_rx_frame(&r);
	raw_attr(&r, HWSIM_ATTR_PMSR_SUPPORT, NULL, 0);	/* nested without the flag */
	assert_guest_rejects(r.b, r.len, 28);

	/* PAD has no policy. */
	raw_rx_frame(&r);
	raw_attr(&r, HWSIM_ATTR_PAD, NULL, 0);
	assert_guest_rejects(r.b, r.len, 25);

	/* Type 0, and type 0 hidden under flag bits. */
	raw_rx_frame(&r);
	raw_u32(&r, 0, 1);
	assert_guest_rejects(r.b, r.len, 25);
	raw_rx_frame(&r);
	raw_u32(&r, NLA_F_NESTED, 1);
	assert_guest_rejects(r.b, r.len, 25);

	/* TX_INFO must be exactly 8 bytes. */
	raw_start(&r, HWSIM_CMD_TX_INFO_FRAME);
	raw_attr(&r, HWSIM_ATTR_TX_INFO, bad_info, 6);
	assert_guest_rejects(r.b, r.len, 25);
	raw_start(&r, HWSIM_CMD_TX_INFO_FRAME);
	raw_attr(&r, HWSIM_ATTR_TX_INFO, probe_req, 10);
	assert_guest_rejects(r.b, r.len, 25);

	/* NLA_F_NESTED on a u32; NET_BYTEORDER is only masked off, as in the kernel. */
	raw_rx_frame(&r);
	raw_u32(&r, HWSIM_ATTR_FLAGS | NLA_F_NESTED, 0);
	assert_guest_rejects(r.b, r.len, 25);
	raw_rx_frame(&r);
	raw_u32(&r, HWSIM_ATTR_FLAGS | NLA_F_NET_BYTEORDER, 0);
	assert_int_equal(hwsim_guest_validate(r.b, r.len, 25, NULL), 0);

	/* Wrong fixed lengths. */
	raw_rx_frame(&r);
	raw_u64(&r, HWSIM_ATTR_SIGNAL, 0);
	assert_guest_rejects(r.b, r.len, 25);
	raw_rx_frame(&r);
	raw_u32(&r, HWSIM_ATTR_COOKIE, 0);
	assert_guest_rejects(r.b, r.len, 25);
	raw_rx_frame(&r);
	raw_attr(&r, HWSIM_ATTR_PERM_ADDR, mac_a, 5);
	assert_guest_rejects(r.b, r.len, 25);
	raw_rx_frame(&r);
	raw_attr(&r, HWSIM_ATTR_ADDR_TRANSMITTER, probe_req, 7);
	assert_guest_rejects(r.b, r.len, 25);
	raw_rx_frame(&r);
	raw_u32(&r, HWSIM_ATTR_NO_VIF, 0);
	assert_guest_rejects(r.b, r.len, 25);
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_FRAME, big_frame, 2305);
	assert_guest_rejects(r.b, r.len, 25);
	raw_start(&r, HWSIM_CMD_NEW_RADIO);
	raw_attr(&r, HWSIM_ATTR_REG_HINT_ALPHA2, "DEU", 3);
	assert_guest_rejects(r.b, r.len, 25);
	raw_start(&r, HWSIM_CMD_NEW_RADIO);
	raw_attr(&r, HWSIM_ATTR_REG_HINT_ALPHA2, "DE", 3);	/* "DE\0" */
	assert_int_equal(hwsim_guest_validate(r.b, r.len, 25, NULL), 0);
	raw_start(&r, HWSIM_CMD_NEW_RADIO);
	raw_attr(&r, HWSIM_ATTR_RADIO_NAME, NULL, 0);
	assert_guest_rejects(r.b, r.len, 25);

	/* Duplicates pass, as in the kernel (the last one wins). */
	raw_rx_frame(&r);
	raw_u32(&r, HWSIM_ATTR_SIGNAL, 0);
	assert_int_equal(hwsim_guest_validate(r.b, r.len, 25, NULL), 0);

	/* Trailing bytes after nlmsg_len. */
	raw_rx_frame(&r);
	assert_guest_rejects(r.b, r.len + 4, 25);
	/* Leftover inside nlmsg_len: an attribute header that does not fit. */
	raw_rx_frame(&r);
	t = 8;
	memcpy(r.b + r.len, &t, 2);
	r.len += 4;
	raw_sync(&r);
	assert_guest_rejects(r.b, r.len, 25);
	/* Misaligned end: two stray bytes. */
	raw_rx_frame(&r);
	r.len += 2;
	raw_sync(&r);
	assert_guest_rejects(r.b, r.len, 25);
	/* An attribute running past nlmsg_len. */
	raw_rx_frame(&r);
	t = 200;
	memcpy(r.b + 20, &t, 2);
	assert_guest_rejects(r.b, r.len, 25);
	/* Headers. */
	raw_rx_frame(&r);
	assert_guest_rejects(r.b, 15, 25);
	assert_guest_rejects(r.b, 19, 25);
	r.len = 16;
	raw_sync(&r);
	assert_guest_rejects(r.b, 16, 25);
	assert_int_equal(hwsim_guest_validate(r.b, 20, 29, NULL), -EINVAL);
}

static void test_guest_rx_rules(void **state)
{
	const char *why = NULL;
	struct raw r;

	(void)state;
	/* Missing SIGNAL. */
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_ADDR_RECEIVER, radio_b, 6);
	raw_attr(&r, HWSIM_ATTR_FRAME, probe_req, sizeof(probe_req));
	raw_u32(&r, HWSIM_ATTR_RX_RATE, 0);
	raw_u32(&r, HWSIM_ATTR_FREQ, 2412);
	assert_int_equal(hwsim_guest_validate_rx(r.b, r.len, &why), -EINVAL);
	assert_non_null(why);
	/* A frame shorter than a 3-address header. */
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_ADDR_RECEIVER, radio_b, 6);
	raw_attr(&r, HWSIM_ATTR_FRAME, probe_req, 23);
	raw_u32(&r, HWSIM_ATTR_RX_RATE, 0);
	raw_u32(&r, HWSIM_ATTR_SIGNAL, 0);
	raw_u32(&r, HWSIM_ATTR_FREQ, 2412);
	assert_int_equal(hwsim_guest_validate_rx(r.b, r.len, NULL), -EINVAL);
	/* RX_RATE 8 at 5 GHz. */
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_ADDR_RECEIVER, radio_b, 6);
	raw_attr(&r, HWSIM_ATTR_FRAME, probe_req, 24);
	raw_u32(&r, HWSIM_ATTR_RX_RATE, 8);
	raw_u32(&r, HWSIM_ATTR_SIGNAL, 0);
	raw_u32(&r, HWSIM_ATTR_FREQ, 5180);
	assert_int_equal(hwsim_guest_validate_rx(r.b, r.len, NULL), -EINVAL);
	/* No FREQ. */
	raw_start(&r, HWSIM_CMD_FRAME);
	raw_attr(&r, HWSIM_ATTR_ADDR_RECEIVER, radio_b, 6);
	raw_attr(&r, HWSIM_ATTR_FRAME, probe_req, 24);
	raw_u32(&r, HWSIM_ATTR_RX_RATE, 0);
	raw_u32(&r, HWSIM_ATTR_SIGNAL, 0);
	assert_int_equal(hwsim_guest_validate_rx(r.b, r.len, NULL), -EINVAL);
	/* A command the RX queue does not take. */
	hwsim_encode_mac_addr(r.b, sizeof(r.b), FAMILY, 0, true, radio_a, mac_a);
	assert_int_equal(hwsim_guest_validate_rx(r.b, 44, NULL), -EINVAL);
	/* TX_INFO_FRAME without SIGNAL. */
	raw_start(&r, HWSIM_CMD_TX_INFO_FRAME);
	raw_attr(&r, HWSIM_ATTR_ADDR_TRANSMITTER, radio_a, 6);
	raw_u32(&r, HWSIM_ATTR_FLAGS, 0);
	raw_u64(&r, HWSIM_ATTR_COOKIE, 1);
	raw_attr(&r, HWSIM_ATTR_TX_INFO, "\0\1\377\0\377\0\377\0", 8);
	assert_int_equal(hwsim_guest_validate_rx(r.b, r.len, NULL), -EINVAL);
	raw_u32(&r, HWSIM_ATTR_SIGNAL, 0);
	assert_int_equal(hwsim_guest_validate_rx(r.b, r.len, NULL), 0);
	assert_int_equal(hwsim_band_rates(2484), 12);
	assert_int_equal(hwsim_band_rates(5955), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_rules),
		cmocka_unit_test(test_guest_rx_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
