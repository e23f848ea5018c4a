/* SPDX-License-Identifier: MIT */
/*
 * pcapng + radiotap encoding: every block and radiotap layout byte by byte
 * against the specifications, short buffers, and a capture tshark must read
 * (from a file and from a pipe) with the values we put in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "proto/pcapng.h"

#define CANARY 0xa5

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/*
 * Common block checks: a multiple of 4, the same total length at both
 * ends, the given type.
 */
static void check_block(const uint8_t *b, size_t n, uint32_t type)
{
	assert_int_equal(n % 4, 0);
	assert_int_equal(le32(b), type);
	assert_int_equal(le32(b + 4), n);
	assert_int_equal(le32(b + n - 4), n);
}

/* An option at *p with code, length and value; padding zero; *p moves past it. */
static void check_opt(const uint8_t **p, uint16_t code, const void *val, size_t len)
{
	size_t padded = (len + 3) & ~(size_t)3;

	assert_int_equal(le16(*p), code);
	assert_int_equal(le16(*p + 2), len);
	assert_memory_equal(*p + 4, val, len);
	for (size_t i = len; i < padded; i++)
		assert_int_equal((*p)[4 + i], 0);
	*p += 4 + padded;
}

static void check_endofopt(const uint8_t **p)
{
	assert_int_equal(le32(*p), 0);
	*p += 4;
}

/* Every cap below need returns 0 and leaves the whole buffer as it was. */
#define CHECK_SHORT(call_with_cap, need)					\
	do {									\
		uint8_t sb_[1024];						\
		for (size_t cap_ = 0; cap_ < (need); cap_++) {			\
			size_t cap = cap_;					\
			memset(sb_, CANARY, sizeof(sb_));			\
			assert_int_equal((call_with_cap), 0);			\
			for (size_t i_ = 0; i_ < sizeof(sb_); i_++)		\
				assert_int_equal(sb_[i_], CANARY);		\
		}								\
	} while (0)

static void test_shb(void **state)
{
	uint8_t b[256];
	const uint8_t *p;
	size_t n;

	(void)state;
	memset(b, CANARY, sizeof(b));
	n = pcapng_shb(b, sizeof(b), "wifimedium");
	/* 12 framing + 16 fixed + userappl (4 + 10 padded to 12) + endofopt */
	assert_int_equal(n, 48);
	check_block(b, n, 0x0a0d0d0a);
	assert_int_equal(le32(b + 8), 0x1a2b3c4d);
	assert_int_equal(le16(b + 12), 1);
	assert_int_equal(le16(b + 14), 0);
	assert_true(le64(b + 16) == UINT64_MAX);
	p = b + 24;
	check_opt(&p, 4, "wifimedium", 10);
	check_endofopt(&p);
	assert_ptr_equal(p, b + n - 4);
	assert_int_equal(b[n], CANARY);
	CHECK_SHORT(pcapng_shb(sb_, cap, "wifimedium"), 48);

	/* No application: no options at all, not even opt_endofopt. */
	n = pcapng_shb(b, sizeof(b), NULL);
	assert_int_equal(n, 28);
	check_block(b, n, 0x0a0d0d0a);
	assert_int_equal(pcapng_shb(b, sizeof(b), ""), 28);
	CHECK_SHORT(pcapng_shb(sb_, cap, NULL), 28);
}

static void test_idb(void **state)
{
	const uint8_t six = 6;
	uint8_t b[256];
	const uint8_t *p;
	size_t n;

	(void)state;
	memset(b, CANARY, sizeof(b));
	n = pcapng_idb(b, sizeof(b), "2412", "2412 MHz, channel 1");
	/* 12 + 8 + if_name (4 + 4) + if_description (4 + 20) + if_tsresol (4 + 4) + 4 */
	assert_int_equal(n, 64);
	check_block(b, n, 1);
	assert_int_equal(le16(b + 8), PCAPNG_LINKTYPE_RADIOTAP);
	assert_int_equal(le16(b + 10), 0);
	assert_int_equal(le32(b + 12), 0);
	p = b + 16;
	check_opt(&p, 2, "2412", 4);
	check_opt(&p, 3, "2412 MHz, channel 1", 19);
	check_opt(&p, 9, &six, 1);
	check_endofopt(&p);
	assert_ptr_equal(p, b + n - 4);
	assert_int_equal(b[n], CANARY);
	CHECK_SHORT(pcapng_idb(sb_, cap, "2412", "2412 MHz, channel 1"), 64);

	/* Without description; the resolution is always stated. */
	n = pcapng_idb(b, sizeof(b), "5180", NULL);
	assert_int_equal(n, 40);
	check_block(b, n, 1);
	p = b + 16;
	check_opt(&p, 2, "5180", 4);
	check_opt(&p, 9, &six, 1);
	check_endofopt(&p);
	assert_int_equal(pcapng_idb(b, sizeof(b), NULL, NULL), 32);
}

static struct radiotap_info rt_info(uint32_t freq, enum phy_mode mode, uint8_t mcs,
				    uint8_t nss, uint16_t bw, bool sgi)
{
	struct radiotap_info ri = {
		.tsft = 0x0102030405060708ull,
		.freq = freq,
		.rate = {
			.band = phy_band_of_freq(freq),
			.mode = mode,
			.mcs = mcs,
			.nss = nss,
			.bw = bw,
			.sgi = sgi,
		},
		.has_signal = true,
		.signal_dbm = -42,
		.noise_dbm = -91,
	};

	return ri;
}

/*
 * The common head every layout shares: version 0, length, one present
 * word, TSFT at 8 (8-aligned), Flags at 16.
 */
static void check_rt_head(const uint8_t *b, size_t n, uint32_t present, uint8_t flags)
{
	assert_int_equal(b[0], 0);
	assert_int_equal(b[1], 0);
	assert_int_equal(le16(b + 2), n);
	assert_int_equal(le32(b + 4), present);
	assert_true(le64(b + 8) == 0x0102030405060708ull);
	assert_int_equal(b[16], flags);
}

static void test_radiotap_dsss(void **state)
{
	struct radiotap_info ri = rt_info(2412, PHY_MODE_DSSS, 3, 1, 20, false);
	uint8_t b[64];
	size_t n;

	(void)state;
	ri.rate.short_preamble = true;
	n = radiotap_encode(b, sizeof(b), &ri);
	/* TSFT, Flags, Rate, Channel, signal, noise */
	assert_int_equal(n, 24);
	check_rt_head(b, n, 0x6f, 0x02);
	assert_int_equal(b[17], 22);			/* 11 Mbit/s in 500 kbit/s */
	assert_int_equal(le16(b + 18), 2412);		/* 2-aligned, no pad after Rate */
	assert_int_equal(le16(b + 20), 0x00a0);		/* 2 GHz | CCK */
	assert_int_equal((int8_t)b[22], -42);
	assert_int_equal((int8_t)b[23], -91);
	CHECK_SHORT(radiotap_encode(sb_, cap, &ri), 24);

	/* 1 Mbit/s has no short preamble whatever the flag says. */
	ri.rate.mcs = 0;
	n = radiotap_encode(b, sizeof(b), &ri);
	check_rt_head(b, n, 0x6f, 0x00);
	assert_int_equal(b[17], 2);
}

static void test_radiotap_ofdm(void **state)
{
	struct radiotap_info ri = rt_info(5180, PHY_MODE_OFDM, 11, 1, 20, false);
	uint8_t b[64];
	size_t n;

	(void)state;
	n = radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(n, 24);
	check_rt_head(b, n, 0x6f, 0x00);
	assert_int_equal(b[17], 108);
	assert_int_equal(le16(b + 18), 5180);
	assert_int_equal(le16(b + 20), 0x0140);		/* 5 GHz | OFDM */

	/* TX power is bit 10, one byte after noise. */
	ri.has_tx_power = true;
	ri.tx_power_dbm = 20;
	n = radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(n, 25);
	check_rt_head(b, n, 0x46f, 0x00);
	assert_int_equal((int8_t)b[24], 20);

	/* The channel's view: the sender's power, no received signal (bit 5 clear). */
	ri.has_signal = false;
	n = radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(n, 24);
	check_rt_head(b, n, 0x44f, 0x00);
	assert_int_equal((int8_t)b[22], -91);
	assert_int_equal((int8_t)b[23], 20);

	/* ERP-OFDM at 2.4 GHz, and 6 GHz flagged as 5 GHz as mac80211 does. */
	ri = rt_info(2412, PHY_MODE_OFDM, 4, 1, 20, false);
	radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(b[17], 12);
	assert_int_equal(le16(b + 20), 0x00c0);
	ri = rt_info(5955, PHY_MODE_OFDM, 4, 1, 20, false);
	radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(le16(b + 18), 5955);
	assert_int_equal(le16(b + 20), 0x0140);
}

static void test_radiotap_ht(void **state)
{
	struct radiotap_info ri = rt_info(2437, PHY_MODE_HT, 7, 1, 40, true);
	uint8_t b[64];
	size_t n;

	(void)state;
	n = radiotap_encode(b, sizeof(b), &ri);
	/* No Rate: its byte is the pad that 2-aligns Channel. MCS is byte-aligned. */
	assert_int_equal(n, 27);
	check_rt_head(b, n, 0x8006b, 0x00);
	assert_int_equal(b[17], 0);
	assert_int_equal(le16(b + 18), 2437);
	assert_int_equal(le16(b + 20), 0x00c0);		/* 2 GHz | OFDM */
	assert_int_equal((int8_t)b[22], -42);
	assert_int_equal((int8_t)b[23], -91);
	assert_int_equal(b[24], 0x7f);			/* known: all but ness bit 1 */
	assert_int_equal(b[25], 0x05);			/* 40 MHz | short GI */
	assert_int_equal(b[26], 7);
	CHECK_SHORT(radiotap_encode(sb_, cap, &ri), 27);

	ri = rt_info(5180, PHY_MODE_HT, 15, 2, 20, false);
	ri.rate.greenfield = true;
	ri.has_tx_power = true;
	ri.tx_power_dbm = -3;
	n = radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(n, 28);
	check_rt_head(b, n, 0x8046b, 0x00);
	assert_int_equal((int8_t)b[24], -3);
	assert_int_equal(b[25], 0x7f);
	assert_int_equal(b[26], 0x08);			/* 20 MHz, long GI, greenfield */
	assert_int_equal(b[27], 15);
}

static void test_radiotap_vht(void **state)
{
	struct radiotap_info ri = rt_info(5180, PHY_MODE_VHT, 9, 2, 80, true);
	const uint8_t vht[12] = {
		0x45, 0x00,		/* known: STBC, GI, bandwidth */
		0x04,			/* short GI */
		4,			/* 80 MHz */
		0x92, 0, 0, 0,		/* user 0: MCS 9, NSS 2 */
		0, 0, 0, 0,		/* coding, group id, partial AID */
	};
	uint8_t b[64];
	size_t n;

	(void)state;
	n = radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(n, 36);
	check_rt_head(b, n, 0x20006b, 0x00);
	assert_int_equal(le16(b + 18), 5180);
	assert_int_equal(le16(b + 20), 0x0140);
	assert_memory_equal(b + 24, vht, sizeof(vht));
	CHECK_SHORT(radiotap_encode(sb_, cap, &ri), 36);

	/* TX power at 24 puts VHT (2-aligned) at 26 after a pad byte: the longest layout. */
	ri.has_tx_power = true;
	ri.tx_power_dbm = 15;
	n = radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(n, 38);
	assert_true(n <= RADIOTAP_MAX_LEN);
	check_rt_head(b, n, 0x20046b, 0x00);
	assert_int_equal(b[24], 15);
	assert_int_equal(b[25], 0);
	assert_memory_equal(b + 26, vht, sizeof(vht));

	/* With a signal and A-MPDU status (4-aligned, at 28): the longest layout. */
	ri.has_signal = true;
	ri.signal_dbm = -50;
	ri.ampdu_ref = 0x01020304;
	ri.ampdu_last = true;
	n = radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(n, 48);
	assert_int_equal(n, RADIOTAP_MAX_LEN);
	check_rt_head(b, n, 0x30046b | 1u << 5, 0x00);
	assert_int_equal(le32(b + 28), 0x01020304);
	assert_int_equal(le16(b + 32), 0x000c);		/* last known, last */
	assert_memory_equal(b + 36, vht, sizeof(vht));
	ri.has_signal = false;
	ri.ampdu_ref = 0;

	/* Widths 20, 40, 160 and long GI. */
	ri = rt_info(5180, PHY_MODE_VHT, 0, 1, 20, false);
	radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(le16(b + 24), 0x0045);
	assert_int_equal(b[26], 0);
	assert_int_equal(b[27], 0);
	assert_int_equal(b[28], 0x01);
	ri.rate.bw = 40;
	radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(b[27], 1);
	ri.rate.bw = 160;
	ri.rate.nss = 8;
	ri.rate.mcs = 8;
	radiotap_encode(b, sizeof(b), &ri);
	assert_int_equal(b[27], 11);
	assert_int_equal(b[28], 0x88);
}

static const uint8_t beacon[] = {
	0x80, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x30, 0x12,
	0, 0, 0, 0, 0, 0, 0, 0, 0x64, 0x00, 0x01, 0x04,
	0x00, 0x04, 't', 'e', 's', 't',
	0x01, 0x08, 0x8c, 0x12, 0x98, 0x24, 0xb0, 0x48, 0x60, 0x6c,
	0x03, 0x01, 0x01,
};

static void test_epb(void **state)
{
	struct radiotap_info ri = rt_info(2412, PHY_MODE_OFDM, 4, 1, 20, false);
	const uint64_t ts = 1700000000123456ull;
	const char *comment = "sta1 -> ap";
	uint8_t b[256], rt[64];
	size_t n, rtlen, caplen, padded;
	const uint8_t *p;

	(void)state;
	rtlen = radiotap_encode(rt, sizeof(rt), &ri);
	caplen = rtlen + sizeof(beacon);
	padded = (caplen + 3) & ~(size_t)3;
	assert_int_not_equal(caplen, padded);		/* the test needs padding */

	memset(b, CANARY, sizeof(b));
	n = pcapng_epb(b, sizeof(b), 3, ts, &ri, beacon, sizeof(beacon), comment);
	assert_int_equal(n, 12 + 20 + padded + 4 + 12 + 4);
	assert_true(n <= pcapng_epb_size(sizeof(beacon), strlen(comment)));
	check_block(b, n, 6);
	assert_int_equal(le32(b + 8), 3);
	assert_int_equal(le32(b + 12), (uint32_t)(ts >> 32));
	assert_int_equal(le32(b + 16), (uint32_t)ts);
	assert_int_equal(le32(b + 20), caplen);
	assert_int_equal(le32(b + 24), caplen);
	assert_memory_equal(b + 28, rt, rtlen);
	assert_memory_equal(b + 28 + rtlen, beacon, sizeof(beacon));
	for (size_t i = caplen; i < padded; i++)
		assert_int_equal(b[28 + i], 0);
	p = b + 28 + padded;
	check_opt(&p, 1, comment, strlen(comment));
	check_endofopt(&p);
	assert_ptr_equal(p, b + n - 4);
	assert_int_equal(b[n], CANARY);
	CHECK_SHORT(pcapng_epb(sb_, cap, 3, ts, &ri, beacon, sizeof(beacon), comment), n);

	/* No comment (NULL or empty): no options. */
	n = pcapng_epb(b, sizeof(b), 0, ts, &ri, beacon, sizeof(beacon), NULL);
	assert_int_equal(n, 12 + 20 + padded);
	check_block(b, n, 6);
	assert_int_equal(pcapng_epb(b, sizeof(b), 0, ts, &ri, beacon, sizeof(beacon), ""), n);
	assert_true(n <= pcapng_epb_size(sizeof(beacon), 0));

	/* The size bound holds for the longest radiotap at every padding. */
	ri = rt_info(5180, PHY_MODE_VHT, 9, 2, 80, true);
	ri.has_tx_power = true;
	for (uint32_t len = 0; len < 8; len++)
		for (size_t cl = 0; cl < 8; cl++) {
			char c[8] = "";

			memset(c, 'x', cl);
			c[cl < 7 ? cl : 7] = 0;
			n = pcapng_epb(b, sizeof(b), 0, ts, &ri, beacon, len, c);
			assert_true(n > 0);
			assert_true(n <= pcapng_epb_size(len, strlen(c)));
		}
}

/* A comment longer than an option holds is cut before a UTF-8 sequence, not inside it. */
static void test_epb_long_comment(void **state)
{
	struct radiotap_info ri = rt_info(2412, PHY_MODE_OFDM, 4, 1, 20, false);
	const size_t clen = 2 + 2 * 32770;	/* "ab" then "é" x 32770 */
	char *c = malloc(clen + 1);
	size_t cap = pcapng_epb_size(sizeof(beacon), clen), n, rtlen;
	uint8_t *b = malloc(cap);
	uint8_t rt[64];
	const uint8_t *opt;

	(void)state;
	assert_non_null(c);
	assert_non_null(b);
	c[0] = 'a';
	c[1] = 'b';
	for (size_t i = 2; i < clen; i += 2) {
		c[i] = (char)0xc3;
		c[i + 1] = (char)0xa9;
	}
	c[clen] = 0;
	n = pcapng_epb(b, cap, 0, 0, &ri, beacon, sizeof(beacon), c);
	assert_true(n > 0 && n <= cap);
	check_block(b, n, 6);
	rtlen = radiotap_encode(rt, sizeof(rt), &ri);
	opt = b + 28 + ((rtlen + sizeof(beacon) + 3) & ~(size_t)3);
	assert_int_equal(le16(opt), 1);
	/* 65535 would split the 32767th "é"; 65534 ends on the previous one. */
	assert_int_equal(le16(opt + 2), 65534);
	assert_memory_equal(opt + 4, c, 65534);
	free(b);
	free(c);
}

/* The tshark test's temporary directory, removed by its teardown even when an assertion fails. */
static char tmpdir[] = "/tmp/test-pcapng-XXXXXX";
static bool tmpdir_made;

/* Runs cmd through the shell, returns its exit status and its stdout in out (NUL-terminated). */
static int run(const char *cmd, char *out, size_t cap)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0, r;

	assert_non_null(f);
	while (n + 1 < cap && (r = fread(out + n, 1, cap - 1 - n, f)) > 0)
		n += r;
	out[n] = 0;
	return pclose(f);
}

static bool have_tshark(void)
{
	char out[16];

	return run("command -v tshark >/dev/null 2>&1 && echo yes", out, sizeof(out)) == 0 &&
	       strcmp(out, "yes\n") == 0;
}

static void append(FILE *f, const uint8_t *b, size_t n)
{
	assert_true(n > 0);
	assert_int_equal(fwrite(b, 1, n, f), n);
}

#define TSHARK_FIELDS								\
	" -T fields -E separator=,"						\
	" -e frame.interface_name -e frame.time_epoch -e radiotap.mactime"	\
	" -e radiotap.channel.freq -e radiotap.dbm_antsignal"			\
	" -e radiotap.dbm_antnoise -e radiotap.datarate -e radiotap.mcs.index"	\
	" -e radiotap.vht.mcs.0 -e radiotap.vht.nss.0 -e radiotap.vht.bw"	\
	" -e frame.comment -e wlan.fc.type_subtype -e radiotap.txpower"	\
	" -e frame.interface_description -e radiotap.mcs.bw -e radiotap.mcs.gi"	\
	" -e radiotap.ampdu.reference -e radiotap.ampdu.flags.last"

#define BEACON_COMMENT "\xc3\xa9t\xc3\xa9 beacon"	/* "été beacon": UTF-8 survives */

/*
 * A capture as the daemon writes it: IDB for 2412, packets on it, then an
 * IDB for 5180 after those packets, and packets on both. tshark reads it
 * from the file and from a pipe, sees our values and no malformed packet.
 */
static void test_tshark(void **state)
{
	/* Data, From DS, to sta from ap, seq 1, LLC/SNAP with a local experimental EtherType. */
	static const uint8_t data[] = {
		0x08, 0x02, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x10, 0x00,
		0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x88, 0xb5,
		'h', 'e', 'l', 'l', 'o',
	};
	/* QoS data, TID 0, To DS. */
	static const uint8_t qos[] = {
		0x88, 0x01, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x02, 0x00,
		0x20, 0x00, 0x00, 0x00,
		0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x88, 0xb5,
		'w', 'o', 'r', 'l', 'd', '!',
	};
	/* Per packet, TSHARK_FIELDS in order; HT has a data rate, VHT none in 4.0. */
	const char *expect =
		"2412,1700000000.000100000,50,2412,-40,-95,6,,,,,"BEACON_COMMENT","
		"0x0008,,2412 MHz,,,,\n"
		"2412,1700000000.000300000,250,2412,-55,-95,150,7,,,,,0x0020,20,2412 MHz,1,1,,\n"
		"5180,1700000000.000500000,450,5180,-60,-92,,,9,2,4,vht,0x0028,,,,,7,1\n"
		"2412,1700000000.000700000,650,2412,-41,-95,6,,,,,"BEACON_COMMENT","
		"0x0008,,2412 MHz,,,,\n";
	const char *dir = tmpdir;
	char path[64], cmd[1024], out[4096], out2[4096];
	struct radiotap_info ri;
	uint8_t b[512];
	FILE *f;

	(void)state;
	if (!have_tshark())
		skip();
	assert_non_null(mkdtemp(tmpdir));
	tmpdir_made = true;
	snprintf(path, sizeof(path), "%s/air.pcapng", dir);
	f = fopen(path, "wb");
	assert_non_null(f);

	append(f, b, pcapng_shb(b, sizeof(b), "wifimedium test"));
	append(f, b, pcapng_idb(b, sizeof(b), "2412", "2412 MHz"));
	ri = rt_info(2412, PHY_MODE_OFDM, 4, 1, 20, false);
	ri.tsft = 50;
	ri.signal_dbm = -40;
	ri.noise_dbm = -95;
	append(f, b, pcapng_epb(b, sizeof(b), 0, 1700000000000100ull, &ri, beacon,
				sizeof(beacon), BEACON_COMMENT));
	ri = rt_info(2412, PHY_MODE_HT, 7, 1, 40, true);
	ri.tsft = 250;
	ri.signal_dbm = -55;
	ri.noise_dbm = -95;
	ri.has_tx_power = true;
	ri.tx_power_dbm = 20;
	append(f, b, pcapng_epb(b, sizeof(b), 0, 1700000000000300ull, &ri, data, sizeof(data),
				NULL));
	/* A channel first seen mid-capture: its IDB comes after packets of interface 0. */
	append(f, b, pcapng_idb(b, sizeof(b), "5180", NULL));
	ri = rt_info(5180, PHY_MODE_VHT, 9, 2, 80, true);
	ri.tsft = 450;
	ri.signal_dbm = -60;
	ri.noise_dbm = -92;
	ri.ampdu_ref = 7;			/* the last MPDU of an A-MPDU */
	ri.ampdu_last = true;
	append(f, b, pcapng_epb(b, sizeof(b), 1, 1700000000000500ull, &ri, qos, sizeof(qos),
				"vht"));
	ri = rt_info(2412, PHY_MODE_OFDM, 4, 1, 20, false);
	ri.tsft = 650;
	ri.signal_dbm = -41;
	ri.noise_dbm = -95;
	append(f, b, pcapng_epb(b, sizeof(b), 0, 1700000000000700ull, &ri, beacon,
				sizeof(beacon), BEACON_COMMENT));
	assert_int_equal(fclose(f), 0);

	snprintf(cmd, sizeof(cmd), "tshark -r %s" TSHARK_FIELDS " 2>%s/err", path, dir);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	assert_string_equal(out, expect);

	/* The same bytes through a pipe: no seeking back for later IDBs. */
	snprintf(cmd, sizeof(cmd), "tshark -r -" TSHARK_FIELDS " <%s 2>>%s/err", path, dir);
	assert_int_equal(run(cmd, out2, sizeof(out2)), 0);
	assert_string_equal(out2, expect);

	/* No expert info at warning or above, nothing malformed, in either reading. */
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -Y '_ws.malformed || _ws.expert.severity >= 0x600000' 2>>%s/err;"
		 " tshark -r - -V <%s 2>>%s/err | grep -ci malformed", path, dir, path, dir);
	run(cmd, out, sizeof(out));
	assert_string_equal(out, "0\n");
	/* tshark's errors and warnings start with "tshark:" (being root is only a note). */
	snprintf(cmd, sizeof(cmd), "grep -c '^tshark' %s/err", dir);
	run(cmd, out, sizeof(out));
	assert_string_equal(out, "0\n");
}

static int teardown_tmpdir(void **state)
{
	char cmd[64], out[16];

	(void)state;
	if (!tmpdir_made)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return run(cmd, out, sizeof(out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shb),
		cmocka_unit_test(test_idb),
		cmocka_unit_test(test_radiotap_dsss),
		cmocka_unit_test(test_radiotap_ofdm),
		cmocka_unit_test(test_radiotap_ht),
		cmocka_unit_test(test_radiotap_vht),
		cmocka_unit_test(test_epb),
		cmocka_unit_test(test_epb_long_comment),
		cmocka_unit_test_teardown(test_tshark, teardown_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
