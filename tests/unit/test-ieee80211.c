/* SPDX-License-Identifier: MIT */
/* 802.11 header parsing: frames as mac80211 builds them, and every truncation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "proto/ieee80211.h"

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t ap[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t sta[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t peer[6] = { 0x02, 0x00, 0x00, 0x00, 0x02, 0x00 };
static const uint8_t wds[6] = { 0x02, 0x00, 0x00, 0x00, 0x03, 0x00 };

/* Every prefix shorter than need fails with -EINVAL; need and longer parse. */
static void check_truncations(const uint8_t *f, size_t len, size_t need)
{
	struct ieee80211_hdr_info h;

	for (size_t n = 0; n < need; n++)
		assert_int_equal(ieee80211_parse(f, n, &h), -EINVAL);
	for (size_t n = need; n <= len; n++) {
		assert_int_equal(ieee80211_parse(f, n, &h), 0);
		assert_int_equal(h.hdr_len, need);
	}
}

static void test_beacon(void **state)
{
	/* Beacon from ap, seq 0x123 frag 0, then timestamp/interval/capability and SSID. */
	const uint8_t f[] = {
		0x80, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x30, 0x12,
		0, 0, 0, 0, 0, 0, 0, 0, 0x64, 0x00, 0x01, 0x04,
		0x00, 0x04, 't', 'e', 's', 't',
	};
	struct ieee80211_hdr_info h;

	(void)state;
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.type, IEEE80211_FTYPE_MGMT);
	assert_int_equal(h.subtype, IEEE80211_STYPE_BEACON);
	assert_memory_equal(h.addr1, bcast, 6);
	assert_memory_equal(h.addr2, ap, 6);
	assert_memory_equal(h.addr3, ap, 6);
	assert_null(h.addr4);
	assert_true(h.has_seq);
	assert_int_equal(h.seq_num, 0x123);
	assert_int_equal(h.frag_num, 0);
	assert_false(h.has_qos);
	assert_int_equal(h.hdr_len, 24);
	assert_true(h.group);
	assert_true(h.no_ack);
	assert_int_equal(ieee80211_frame_ac(&h), IEEE80211_AC_VO);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "beacon");
	check_truncations(f, sizeof(f), 24);
}

static void test_probe_req(void **state)
{
	const uint8_t f[] = {
		0x40, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x10, 0x00,
		0x00, 0x00, 0x01, 0x04, 0x02, 0x04, 0x0b, 0x16,
	};
	struct ieee80211_hdr_info h;

	(void)state;
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.type, IEEE80211_FTYPE_MGMT);
	assert_int_equal(h.subtype, IEEE80211_STYPE_PROBE_REQ);
	assert_memory_equal(h.addr2, sta, 6);
	assert_int_equal(h.seq_num, 1);
	assert_true(h.group);
	assert_true(h.no_ack);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "probe-req");
}

static void test_auth(void **state)
{
	/* Open system auth, seq 1, unicast to the AP: acknowledged. Retry bit set. */
	const uint8_t f[] = {
		0xb0, 0x08, 0x3a, 0x01,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x21, 0x00,
		0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	};
	struct ieee80211_hdr_info h;

	(void)state;
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.subtype, IEEE80211_STYPE_AUTH);
	assert_true(h.retry);
	assert_int_equal(h.duration, 0x013a);
	assert_int_equal(h.seq_num, 2);
	assert_int_equal(h.frag_num, 1);
	assert_false(h.group);
	assert_false(h.no_ack);
	assert_memory_equal(h.addr1, ap, 6);
	assert_memory_equal(h.addr2, sta, 6);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "auth");
}

static void test_mgmt_htc(void **state)
{
	/* Action frame with the Order bit: +HTC, 4 more header bytes. */
	uint8_t f[32] = { 0xd0, 0x80 };
	struct ieee80211_hdr_info h;

	(void)state;
	memcpy(f + 4, ap, 6);
	f[24] = 0x78;
	f[27] = 0x12;
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_true(h.has_htc);
	assert_int_equal(h.htc, 0x12000078);
	assert_int_equal(h.hdr_len, 28);
	assert_false(h.no_ack);
	check_truncations(f, sizeof(f), 28);

	f[0] = 0xe0;	/* Action No Ack */
	f[1] = 0;
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_true(h.no_ack);
	assert_false(h.group);
}

static void qos_frame(uint8_t *f, uint8_t fc1, uint16_t qos)
{
	memset(f, 0, 40);
	f[0] = 0x88;
	f[1] = fc1;
	memcpy(f + 4, ap, 6);
	memcpy(f + 10, sta, 6);
	memcpy(f + 16, peer, 6);
	f[22] = 0x50;
	f[23] = 0x01;
	f[24] = qos & 0xff;
	f[25] = qos >> 8;
}

static void test_qos_data(void **state)
{
	uint8_t f[40];
	struct ieee80211_hdr_info h;

	(void)state;
	qos_frame(f, 0x01, 0x0005);	/* ToDS, TID 5 */
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.type, IEEE80211_FTYPE_DATA);
	assert_int_equal(h.subtype, IEEE80211_STYPE_QOS_DATA);
	assert_true(h.to_ds);
	assert_false(h.from_ds);
	assert_true(h.has_qos);
	assert_int_equal(h.tid, 5);
	assert_int_equal(h.ack_policy, IEEE80211_ACK_NORMAL);
	assert_int_equal(h.hdr_len, 26);
	assert_int_equal(h.seq_num, 0x15);
	assert_false(h.no_ack);
	assert_int_equal(ieee80211_frame_ac(&h), IEEE80211_AC_VI);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "qos-data");
	check_truncations(f, sizeof(f), 26);

	qos_frame(f, 0x01, 0x0026);	/* TID 6, ack policy No Ack */
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.ack_policy, IEEE80211_ACK_NONE);
	assert_true(h.no_ack);
	assert_int_equal(ieee80211_frame_ac(&h), IEEE80211_AC_VO);

	qos_frame(f, 0x01, 0x0061);	/* Block Ack policy: no immediate ACK */
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.ack_policy, IEEE80211_ACK_BLOCK);
	assert_true(h.no_ack);
	assert_int_equal(ieee80211_frame_ac(&h), IEEE80211_AC_BK);

	qos_frame(f, 0x81, 0x0000);	/* +HTC on QoS data */
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_true(h.has_htc);
	assert_int_equal(h.hdr_len, 30);
	check_truncations(f, sizeof(f), 30);
}

static void test_data_nonqos(void **state)
{
	/* Non-QoS data FromDS with the Order bit: "strictly ordered", no HT control. */
	uint8_t f[30] = { 0x08, 0x82 };
	struct ieee80211_hdr_info h;

	(void)state;
	memcpy(f + 4, bcast, 6);
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_false(h.has_qos);
	assert_false(h.has_htc);
	assert_int_equal(h.hdr_len, 24);
	assert_true(h.group);
	assert_true(h.no_ack);
	assert_int_equal(ieee80211_frame_ac(&h), IEEE80211_AC_BE);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "data");

	f[0] = 0x48;	/* Null function */
	memcpy(f + 4, ap, 6);
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.subtype, IEEE80211_STYPE_NULLFUNC);
	assert_false(h.no_ack);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "null");
}

static void test_four_addr(void **state)
{
	uint8_t f[40] = { 0x08, 0x03 };
	struct ieee80211_hdr_info h;

	(void)state;
	memcpy(f + 4, ap, 6);
	memcpy(f + 10, sta, 6);
	memcpy(f + 16, peer, 6);
	memcpy(f + 24, wds, 6);
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_true(h.to_ds && h.from_ds);
	assert_memory_equal(h.addr4, wds, 6);
	assert_int_equal(h.hdr_len, 30);
	check_truncations(f, sizeof(f), 30);

	f[0] = 0x88;	/* QoS 4-address: QoS control after addr4 */
	f[30] = 0x07;
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.tid, 7);
	assert_int_equal(h.hdr_len, 32);
	check_truncations(f, sizeof(f), 32);
}

static void test_ack_cts(void **state)
{
	uint8_t ack[10] = { 0xd4, 0x00, 0x00, 0x00 };
	struct ieee80211_hdr_info h;

	(void)state;
	memcpy(ack + 4, sta, 6);
	assert_int_equal(ieee80211_parse(ack, sizeof(ack), &h), 0);
	assert_int_equal(h.type, IEEE80211_FTYPE_CTL);
	assert_int_equal(h.subtype, IEEE80211_STYPE_ACK);
	assert_memory_equal(h.addr1, sta, 6);
	assert_null(h.addr2);
	assert_false(h.has_seq);
	assert_int_equal(h.hdr_len, 10);
	assert_true(h.no_ack);
	assert_false(h.group);
	assert_int_equal(ieee80211_frame_ac(&h), IEEE80211_AC_VO);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "ack");
	check_truncations(ack, sizeof(ack), 10);

	ack[0] = 0xc4;
	assert_int_equal(ieee80211_parse(ack, sizeof(ack), &h), 0);
	assert_int_equal(h.subtype, IEEE80211_STYPE_CTS);
	assert_null(h.addr2);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "cts");
}

static void test_rts(void **state)
{
	uint8_t f[16] = { 0xb4, 0x00, 0x2c, 0x01 };
	struct ieee80211_hdr_info h;

	(void)state;
	memcpy(f + 4, ap, 6);
	memcpy(f + 10, sta, 6);
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.subtype, IEEE80211_STYPE_RTS);
	assert_memory_equal(h.addr2, sta, 6);
	assert_int_equal(h.duration, 300);
	assert_true(h.no_ack);
	check_truncations(f, sizeof(f), 16);
}

static void test_bar_ba_pspoll(void **state)
{
	/* BAR: RA, TA, BAR control (TID 0, normal ack policy), start seq. */
	uint8_t f[20] = { 0x84, 0x00 };
	struct ieee80211_hdr_info h;

	(void)state;
	memcpy(f + 4, ap, 6);
	memcpy(f + 10, sta, 6);
	f[16] = 0x04;
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.subtype, IEEE80211_STYPE_BAR);
	assert_memory_equal(h.addr2, sta, 6);
	assert_int_equal(h.hdr_len, 16);
	assert_false(h.no_ack);	/* a BlockAck answers it */
	check_truncations(f, sizeof(f), 16);
	f[16] |= 1;		/* BAR Ack Policy: no acknowledgement */
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_true(h.no_ack);

	f[0] = 0x94;		/* BlockAck */
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.subtype, IEEE80211_STYPE_BA);
	assert_true(h.no_ack);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "ba");

	f[0] = 0xa4;		/* PS-Poll: answered by ACK or data */
	assert_int_equal(ieee80211_parse(f, 16, &h), 0);
	assert_int_equal(h.subtype, IEEE80211_STYPE_PSPOLL);
	assert_false(h.no_ack);
	assert_int_equal(ieee80211_parse(f, 15, &h), -EINVAL);
}

static void test_ext(void **state)
{
	uint8_t f[16] = { 0x0c, 0x00 };
	struct ieee80211_hdr_info h;

	(void)state;
	memcpy(f + 4, ap, 6);
	assert_int_equal(ieee80211_parse(f, sizeof(f), &h), 0);
	assert_int_equal(h.type, IEEE80211_FTYPE_EXT);
	assert_null(h.addr1);
	assert_memory_equal(h.addr2, ap, 6);
	assert_true(h.group);
	assert_true(h.no_ack);
	assert_string_equal(ieee80211_frame_name(h.type, h.subtype), "dmg-beacon");
}

static void test_bad(void **state)
{
	uint8_t f[40] = { 0x80 };
	struct ieee80211_hdr_info h;

	(void)state;
	assert_int_equal(ieee80211_parse(NULL, 40, &h), -EINVAL);
	assert_int_equal(ieee80211_parse(f, 40, NULL), -EINVAL);
	f[0] = 0x81;		/* protocol version 1 */
	assert_int_equal(ieee80211_parse(f, 40, &h), -EINVAL);
	f[0] = 0x82;
	assert_int_equal(ieee80211_parse(f, 40, &h), -EINVAL);
	/* Every FC value: either parses within len or fails, never reads past. */
	for (unsigned int fc = 0; fc < 0x10000; fc++) {
		f[0] = fc & 0xff;
		f[1] = fc >> 8;
		for (size_t n = 0; n <= 34; n += 1) {
			int r = ieee80211_parse(f, n, &h);

			assert_true(r == 0 || r == -EINVAL);
			if (r == 0)
				assert_true(h.hdr_len <= n);
		}
	}
}

static void test_tid_to_ac(void **state)
{
	static const enum ieee80211_ac want[8] = {
		IEEE80211_AC_BE, IEEE80211_AC_BK, IEEE80211_AC_BK, IEEE80211_AC_BE,
		IEEE80211_AC_VI, IEEE80211_AC_VI, IEEE80211_AC_VO, IEEE80211_AC_VO,
	};

	(void)state;
	for (uint8_t tid = 0; tid < 16; tid++)
		assert_int_equal(ieee80211_tid_to_ac(tid), want[tid & 7]);
}

static void test_names(void **state)
{
	(void)state;
	for (int t = 0; t < 4; t++)
		for (int s = 0; s < 16; s++)
			assert_non_null(ieee80211_frame_name((enum ieee80211_ftype)t, (uint8_t)s));
	assert_string_equal(ieee80211_frame_name(IEEE80211_FTYPE_MGMT, 5), "probe-resp");
	assert_string_equal(ieee80211_frame_name(IEEE80211_FTYPE_CTL, 11), "rts");
	assert_string_equal(ieee80211_frame_name(IEEE80211_FTYPE_DATA, 12), "qos-null");
}

/* A management frame of subtype from 02::01 to 02::02 with body[0..n). */
static size_t mgmt(uint8_t *f, uint8_t subtype, bool protected, const uint8_t *body, size_t n)
{
	static const uint8_t hdr[24] = {
		0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x00, 0x00,
	};

	memcpy(f, hdr, sizeof(hdr));
	f[0] = (uint8_t)(subtype << 4);
	f[1] = protected ? 0x40 : 0;
	memcpy(f + 24, body, n);
	return 24 + n;
}

static void agg_of(const uint8_t *f, size_t len, struct medium_agg *a)
{
	struct ieee80211_hdr_info h;

	assert_int_equal(ieee80211_parse(f, len, &h), 0);
	ieee80211_parse_agg(f, len, &h, a);
}

static void test_agg(void **state)
{
	/* ADDBA Response: Block Ack, token 1, success, immediate TID 5 buffer 32, timeout 0. */
	const uint8_t addba[] = { 3, 1, 1, 0, 0, 0x16, 0x08, 0, 0 };
	/* The same refused (status 37). */
	const uint8_t refused[] = { 3, 1, 1, 37, 0, 0x16, 0x08, 0, 0 };
	/* DELBA by the initiator of TID 6, reason 39. */
	const uint8_t delba[] = { 3, 2, 0x00, 0x68, 39, 0 };
	/* Association Request: capability, listen interval, SSID "x", HT Capabilities (factor 3,
	 * density 6), VHT Capabilities (exponent 7). */
	const uint8_t assoc[] = {
		0x31, 0x04, 0x0a, 0x00,
		0, 1, 'x',
		45, 26, 0xef, 0x01, 0x1b, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0,
		191, 12, 0x00, 0x00, 0x80, 0x03, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	/* Truncated elements say nothing. */
	const uint8_t cut[] = { 0x31, 0x04, 0x0a, 0x00, 45, 26, 0xef, 0x01 };
	uint8_t f[128];
	struct medium_agg a;
	size_t n;

	(void)state;
	agg_of(f, mgmt(f, IEEE80211_STYPE_ACTION, false, addba, sizeof(addba)), &a);
	assert_int_equal(a.ba, MEDIUM_BA_ADD);
	assert_int_equal(a.ba_tid, 5);
	assert_int_equal(a.ba_win, 32);
	agg_of(f, mgmt(f, IEEE80211_STYPE_ACTION, false, refused, sizeof(refused)), &a);
	assert_int_equal(a.ba, MEDIUM_BA_NONE);
	agg_of(f, mgmt(f, IEEE80211_STYPE_ACTION, false, addba, 5), &a);
	assert_int_equal(a.ba, MEDIUM_BA_NONE);
	agg_of(f, mgmt(f, IEEE80211_STYPE_ACTION, false, delba, sizeof(delba)), &a);
	assert_int_equal(a.ba, MEDIUM_BA_DEL);
	assert_int_equal(a.ba_tid, 6);
	assert_true(a.ba_initiator);
	agg_of(f, mgmt(f, IEEE80211_STYPE_ACTION, true, addba, sizeof(addba)), &a);
	assert_int_equal(a.ba, MEDIUM_BA_OPAQUE);
	agg_of(f, mgmt(f, IEEE80211_STYPE_DEAUTH, true, delba, 2), &a);
	assert_int_equal(a.ba, MEDIUM_BA_RESET);
	agg_of(f, mgmt(f, IEEE80211_STYPE_DISASSOC, false, delba, 2), &a);
	assert_int_equal(a.ba, MEDIUM_BA_RESET);

	n = mgmt(f, IEEE80211_STYPE_ASSOC_REQ, false, assoc, sizeof(assoc));
	agg_of(f, n, &a);
	assert_true(a.has_caps);
	assert_int_equal(a.ht_max_ampdu, 65535);
	assert_int_equal(a.density_q, 32);		/* 8 us */
	assert_int_equal(a.vht_max_ampdu, 1048575);
	/* A response has its status and AID before the elements. */
	{
		uint8_t resp[sizeof(assoc) + 2] = { 0x31, 0x04, 0, 0, 0x01, 0xc0 };

		memcpy(resp + 6, assoc + 4, sizeof(assoc) - 4);
		agg_of(f, mgmt(f, IEEE80211_STYPE_ASSOC_RESP, false, resp, sizeof(resp)), &a);
		assert_int_equal(a.ht_max_ampdu, 65535);
		assert_int_equal(a.vht_max_ampdu, 1048575);
		/* Read as a request, 2 bytes early, the elements do not parse. */
		agg_of(f, mgmt(f, IEEE80211_STYPE_ASSOC_REQ, false, resp, sizeof(resp)), &a);
		assert_false(a.has_caps);
	}
	agg_of(f, mgmt(f, IEEE80211_STYPE_ASSOC_REQ, false, cut, sizeof(cut)), &a);
	assert_false(a.has_caps);
	/* A group-addressed frame sets up nothing. */
	n = mgmt(f, IEEE80211_STYPE_ACTION, false, addba, sizeof(addba));
	memset(f + 4, 0xff, 6);
	agg_of(f, n, &a);
	assert_int_equal(a.ba, MEDIUM_BA_NONE);
}

static uint16_t basic_of(const uint8_t *f, size_t len, bool *to_addressee)
{
	struct ieee80211_hdr_info h;

	assert_int_equal(ieee80211_parse(f, len, &h), 0);
	return ieee80211_parse_basic_rates(f, len, &h, to_addressee);
}

static void test_basic_rates(void **state)
{
	/* Beacon: timestamp, interval, capabilities; SSID "x"; Supported Rates with
	 * 1, 2, 5.5, 11 basic and 6, 9, 12, 18 not; Extended with 24 basic, 36, 48,
	 * 54 and the HT PHY membership selector (127 | 0x80). */
	const uint8_t beacon[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0x64, 0, 0x31, 0x04,
		0, 1, 'x',
		1, 8, 0x82, 0x84, 0x8b, 0x96, 12, 18, 24, 36,
		50, 5, 0xb0, 72, 96, 108, 0xff,
	};
	/* Association response, success, AID 1, rates 6, 12, 24 basic (a 5 GHz BSS). */
	const uint8_t resp[] = { 0x31, 0x04, 0, 0, 0x01, 0xc0, 1, 4, 0x8c, 18, 0x98, 0xb0 };
	uint8_t refused[sizeof(resp)];
	uint8_t f[128];
	bool to;

	(void)state;
	assert_int_equal(basic_of(f, mgmt(f, IEEE80211_STYPE_BEACON, false, beacon, sizeof(beacon)), &to),
			 0x000f | 1u << 8);
	assert_false(to);
	assert_int_equal(basic_of(f, mgmt(f, IEEE80211_STYPE_PROBE_RESP, false, beacon, sizeof(beacon)),
				  &to), 0x010f);
	assert_int_equal(basic_of(f, mgmt(f, IEEE80211_STYPE_ASSOC_RESP, false, resp, sizeof(resp)), &to),
			 1u << 4 | 1u << 6 | 1u << 8);
	assert_true(to);
	assert_int_equal(basic_of(f, mgmt(f, IEEE80211_STYPE_REASSOC_RESP, false, resp, sizeof(resp)),
				  &to), 0x0150);
	assert_true(to);
	/* A refused association joins no BSS. */
	memcpy(refused, resp, sizeof(resp));
	refused[2] = 17;
	assert_int_equal(basic_of(f, mgmt(f, IEEE80211_STYPE_ASSOC_RESP, false, refused, sizeof(refused)),
				  &to), 0);
	assert_false(to);
	/* Other frames, and elements cut short, say nothing. */
	assert_int_equal(basic_of(f, mgmt(f, IEEE80211_STYPE_ASSOC_REQ, false, resp, sizeof(resp)), &to), 0);
	assert_int_equal(basic_of(f, mgmt(f, IEEE80211_STYPE_BEACON, false, beacon, 20), &to), 0);
	assert_int_equal(basic_of(f, mgmt(f, IEEE80211_STYPE_BEACON, false, beacon, 8), &to), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_beacon),
		cmocka_unit_test(test_probe_req),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_mgmt_htc),
		cmocka_unit_test(test_qos_data),
		cmocka_unit_test(test_data_nonqos),
		cmocka_unit_test(test_four_addr),
		cmocka_unit_test(test_ack_cts),
		cmocka_unit_test(test_rts),
		cmocka_unit_test(test_bar_ba_pspoll),
		cmocka_unit_test(test_ext),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_agg),
		cmocka_unit_test(test_basic_rates),
		cmocka_unit_test(test_tid_to_ac),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
