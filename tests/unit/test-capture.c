/* SPDX-License-Identifier: MIT */
/*
 * Captures of the air: the pcapng a capture writes for synthetic
 * transmissions, read back block by block; its filters; a sink that
 * refuses (records dropped, counted, and said so in the next record's
 * comment); and a file capture whose reader stalls, which must lose
 * records rather than block the medium.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/capture.h"
#include "proto/pcapng.h"

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 1u
#define BT_EPB 6u
#define EPOCH 1700000000000000ull
#define RT_SIGNAL_OFF 22	/* dBm antenna signal: after TSFT, flags, rate/pad, channel */
#define RT_TXPOWER_OFF 23	/* dBm TX power, after the noise, where no signal precedes it */

/* Radiotap it_present for the records capture_air writes (TX power is the sender's). */
#define RT_LEGACY 0x0000044fu	/* TSFT flags rate channel noise txpower */
#define RT_HT 0x0008044bu	/* TSFT flags channel noise txpower MCS */
#define RT_HEARD 0x0000006fu	/* a receiver's view: TSFT flags rate channel signal noise */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/* ------------------------------------------------------------- parsing */

struct epb {
	uint32_t ifid;
	uint64_t ts;
	uint32_t caplen;
	const uint8_t *data;	/* radiotap + frame */
	char comment[4096];
};

#define MAX_EPB 64
#define MAX_IDB 8

/* A capture read back: block types in order, each IDB's frequency, the first EPBs. */
struct parsed {
	uint32_t types[256];
	unsigned nblocks, nshb, nidb, nepb;
	uint32_t idb_freq[MAX_IDB];
	struct epb epb[MAX_EPB];
};

/* An IDB's if_name, "2412 MHz", back to 2412. */
static uint32_t idb_freq(const uint8_t *b, uint32_t total)
{
	const uint8_t *p = b + 16, *end = b + total - 4;

	assert_int_equal(le16(b + 8), PCAPNG_LINKTYPE_RADIOTAP);
	while (p + 4 <= end && le16(p)) {
		if (le16(p) == 2)
			return (uint32_t)strtoul((const char *)p + 4, NULL, 10);
		p += 4 + ((le16(p + 2) + 3u) & ~3u);
	}
	fail_msg("IDB without if_name");
	return 0;
}

static void parse_epb(const uint8_t *b, uint32_t total, struct epb *e)
{
	const uint8_t *p, *end = b + total - 4;

	e->ifid = le32(b + 8);
	e->ts = (uint64_t)le32(b + 12) << 32 | le32(b + 16);
	e->caplen = le32(b + 20);
	assert_int_equal(le32(b + 24), e->caplen);
	e->data = b + 28;
	e->comment[0] = 0;
	p = b + 28 + ((e->caplen + 3u) & ~3u);
	while (p + 4 <= end && le16(p)) {
		uint16_t n = le16(p + 2);

		if (le16(p) == 1) {
			assert_true(n < sizeof(e->comment));
			memcpy(e->comment, p + 4, n);
			e->comment[n] = 0;
		}
		p += 4 + ((n + 3u) & ~3u);
	}
}

/*
 * Walk the blocks of buf[0..len): every block whole and well-formed (type,
 * the same total length at both ends, a multiple of 4). Returns the bytes
 * of whole blocks: a stream cut mid-block ends there.
 */
static size_t parse(const uint8_t *buf, size_t len, struct parsed *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (len - off >= 12) {
		const uint8_t *b = buf + off;
		uint32_t type = le32(b), total = le32(b + 4);

		assert_true(total >= 12 && total % 4 == 0);
		if (total > len - off)
			break;
		assert_int_equal(le32(b + total - 4), total);
		if (out->nblocks < 256)
			out->types[out->nblocks] = type;
		out->nblocks++;
		switch (type) {
		case BT_SHB:
			assert_int_equal(le32(b + 8), 0x1a2b3c4du);
			out->nshb++;
			break;
		case BT_IDB:
			if (out->nidb < MAX_IDB)
				out->idb_freq[out->nidb] = idb_freq(b, total);
			out->nidb++;
			break;
		case BT_EPB:
			if (out->nepb < MAX_EPB)
				parse_epb(b, total, &out->epb[out->nepb]);
			out->nepb++;
			break;
		default:
			fail_msg("unexpected block type %#x", type);
		}
		off += total;
	}
	return off;
}

/* ---------------------------------------------------------------- sinks */

struct mem {
	uint8_t *buf;
	size_t len, cap;
	bool refuse;
	unsigned calls;
};

static int mem_sink(void *opaque, const void *buf, size_t len)
{
	struct mem *m = opaque;

	m->calls++;
	if (m->refuse)
		return -ENOBUFS;
	if (m->len + len > m->cap) {
		m->cap = (m->len + len) * 2;
		m->buf = realloc(m->buf, m->cap);
		assert_non_null(m->buf);
	}
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	return 0;
}

static const char *namer(void *opaque, uint32_t client)
{
	(void)opaque;
	return client == 1 ? "vm:a" : client == 2 ? "vm:b" : NULL;
}

/* ------------------------------------------------------------- records */

static const uint8_t rad_a[6] = { 0x42, 0, 0, 0, 0, 0xa };
static const uint8_t rad_b[6] = { 0x42, 0, 0, 0, 0, 0xb };
static const uint8_t rad_c[6] = { 0x42, 0, 0, 0, 0, 0xc };
#define STR_A "42:00:00:00:00:0a"
#define STR_B "42:00:00:00:00:0b"
#define STR_C "42:00:00:00:00:0c"

static uint8_t data_frame[40];
static const uint8_t ack_frame[10] = { 0xd4, 0, 0, 0, 0x42, 0, 0, 0, 0, 0xa };

static const struct phy_rate ofdm54 = { .band = PHY_BAND_2GHZ, .mode = PHY_MODE_OFDM,
					.mcs = 11, .nss = 1, .bw = 20 };
static const struct phy_rate ht7 = { .band = PHY_BAND_5GHZ, .mode = PHY_MODE_HT, .mcs = 7,
				     .nss = 1, .bw = 20 };

/* A data frame from A (client 1) at 20 dBm, heard by whatever rx lists. */
static struct medium_air data_air(uint32_t freq, enum medium_air_next next, unsigned attempt,
				  const struct medium_air_rx *rx, uint32_t nrx)
{
	for (size_t i = 0; i < sizeof(data_frame); i++)
		data_frame[i] = (uint8_t)(0x30 + i);
	data_frame[0] = 0x08;
	data_frame[1] = 0;
	return (struct medium_air){
		.kind = MEDIUM_AIR_DATA, .client = 1, .radio = rad_a, .frame = data_frame,
		.len = sizeof(data_frame), .freq = freq, .rate = freq == 2412 ? ofdm54 : ht7,
		.tx_power_dbm = 20.0, .noise_dbm = -94.0, .start_us = 1000 * attempt,
		.end_us = 1000 * attempt + 77, .attempt = attempt, .next = next, .rx = rx,
		.nrx = nrx,
	};
}

/* The ACK B (client 2) sends for A's attempt, at 15 dBm. */
static struct medium_air ack_air(enum medium_air_next next, bool acked, const struct medium_air_rx *rx,
				 uint32_t nrx)
{
	return (struct medium_air){
		.kind = MEDIUM_AIR_ACK, .client = 2, .radio = rad_b, .frame = ack_frame,
		.len = sizeof(ack_frame), .freq = 2412, .rate = ofdm54, .tx_power_dbm = 15.0,
		.noise_dbm = -94.0, .start_us = 5000, .end_us = 5044, .attempt = 1, .next = next,
		.acked = acked, .rx = rx, .nrx = nrx,
	};
}

/* Record e is a's: timestamp, radiotap, frame bytes; its comment is want. */
static void check_epb(const struct epb *e, uint32_t ifid, const struct medium_air *a,
		      uint32_t present, const char *want)
{
	uint16_t rtlen = le16(e->data + 2);

	assert_int_equal(e->ifid, ifid);
	assert_int_equal(e->ts, EPOCH + a->end_us);
	assert_int_equal(e->data[0], 0);
	assert_int_equal(le32(e->data + 4), present);
	assert_int_equal(e->caplen, rtlen + a->len);
	assert_memory_equal(e->data + rtlen, a->frame, a->len);
	if (want)
		assert_string_equal(e->comment, want);
}

static struct capture *mem_capture(const struct capture_filter *f, struct mem *m)
{
	struct capture *c = capture_new(f, EPOCH, mem_sink, m);

	assert_non_null(c);
	return c;
}

static void test_format(void **state)
{
	struct capture_filter all = { .nfreqs = 0 };
	struct mem m = { 0 };
	struct capture *c = mem_capture(&all, &m);
	/* The addressee is listed second but named first. */
	const struct medium_air_rx rx1[] = {
		{ 3, rad_c, -71, MEDIUM_FATE_COLLISION, false },
		{ 2, rad_b, -48, MEDIUM_FATE_OK, true },
	};
	const struct medium_air_rx rx_ack[] = { { 1, rad_a, -52, MEDIUM_FATE_OK, false } };
	const struct medium_air_rx rx_lost[] = {
		{ 2, rad_b, -80, MEDIUM_FATE_NOISE, true },
		{ 3, rad_c, -81, MEDIUM_FATE_LOSS, false },
	};
	const struct medium_air_rx rx_busy[] = { { 2, rad_b, -60, MEDIUM_FATE_BUSY, true } };
	struct medium_air_rx many[11];
	struct medium_air recs[8];
	struct capture_stats st;
	struct parsed p;
	char want[1024];

	for (int i = 0; i < 11; i++) {
		uint8_t *id = malloc(6);

		memcpy(id, rad_c, 6);
		id[4] = (uint8_t)i;
		/* Receivers 8..10 are counted: two of them decoded. */
		many[i] = (struct medium_air_rx){ 3, id, -40 - i,
						  i == 9 ? MEDIUM_FATE_NOISE : MEDIUM_FATE_OK, false };
	}
	recs[0] = data_air(2412, MEDIUM_NEXT_ACK, 1, rx1, 2);
	recs[1] = ack_air(MEDIUM_NEXT_DONE, true, rx_ack, 1);
	recs[2] = data_air(5180, MEDIUM_NEXT_RETRY, 2, rx_lost, 2);
	recs[3] = data_air(2412, MEDIUM_NEXT_FAIL, 3, rx_busy, 1);
	recs[4] = data_air(5180, MEDIUM_NEXT_DONE, 1, NULL, 0);
	recs[5] = ack_air(MEDIUM_NEXT_RETRY, false, rx_ack, 1);
	recs[6] = data_air(2412, MEDIUM_NEXT_DONE, 1, many, 11);
	recs[7] = ack_air(MEDIUM_NEXT_FAIL, false, NULL, 0);
	recs[3].tx_power_dbm = 4.6;	/* rounded in the comment */
	for (int i = 0; i < 8; i++)
		capture_air(c, &recs[i], namer, NULL);

	assert_int_equal(parse(m.buf, m.len, &p), m.len);
	/* SHB, IDB 2412, EPB, EPB, IDB 5180, EPB x5. */
	assert_int_equal(p.nblocks, 11);
	assert_int_equal(p.types[0], BT_SHB);
	assert_int_equal(p.types[1], BT_IDB);
	assert_int_equal(p.types[2], BT_EPB);
	assert_int_equal(p.types[3], BT_EPB);
	assert_int_equal(p.types[4], BT_IDB);
	for (int i = 5; i < 11; i++)
		assert_int_equal(p.types[i], BT_EPB);
	assert_int_equal(p.nshb, 1);
	assert_int_equal(p.nidb, 2);
	assert_int_equal(p.idb_freq[0], 2412);
	assert_int_equal(p.idb_freq[1], 5180);
	assert_int_equal(p.nepb, 8);

	check_epb(&p.epb[0], 0, &recs[0], RT_LEGACY,
		  "tx " STR_A " (vm:a) attempt 1 at 20 dBm; rx " STR_B " -48 dBm ok (addressee); rx "
		  STR_C " -71 dBm lost (collision); ACK follows");
	/* The channel's view: the sender's TX power, no received signal. */
	assert_int_equal((int8_t)p.epb[0].data[RT_TXPOWER_OFF], 20);
	check_epb(&p.epb[1], 0, &recs[1], RT_LEGACY,
		  "ack by " STR_B " (vm:b) for attempt 1 at 15 dBm; rx " STR_A
		  " -52 dBm ok; frame acked");
	check_epb(&p.epb[2], 1, &recs[2], RT_HT,
		  "tx " STR_A " (vm:a) attempt 2 at 20 dBm; rx " STR_B
		  " -80 dBm lost (noise) (addressee); rx " STR_C
		  " -81 dBm lost (loss probability); no ACK: retry follows");
	check_epb(&p.epb[3], 0, &recs[3], RT_LEGACY,
		  "tx " STR_A " (vm:a) attempt 3 at 5 dBm; rx " STR_B
		  " -60 dBm lost (transmitting) (addressee); no ACK: frame failed, no attempt left");
	check_epb(&p.epb[4], 1, &recs[4], RT_HT,
		  "tx " STR_A " (vm:a) attempt 1 at 20 dBm; heard by no radio; no ACK expected");
	check_epb(&p.epb[5], 0, &recs[5], RT_LEGACY,
		  "ack by " STR_B " (vm:b) for attempt 1 at 15 dBm; rx " STR_A
		  " -52 dBm ok; ACK lost: retry follows");
	/* Eight receivers named, the other three counted. */
	snprintf(want, sizeof(want), "tx " STR_A " (vm:a) attempt 1 at 20 dBm");
	for (int i = 0; i < 8; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "; rx 42:00:00:00:%02x:0c %d dBm ok", i, -40 - i);
	strcat(want, "; 3 more heard it (2 decoded); no ACK expected");
	check_epb(&p.epb[6], 0, &recs[6], RT_LEGACY, want);
	check_epb(&p.epb[7], 0, &recs[7], RT_LEGACY,
		  "ack by " STR_B " (vm:b) for attempt 1 at 15 dBm; heard by no radio; "
		  "ACK lost: frame failed, no attempt left");

	capture_get_stats(c, &st);
	assert_int_equal(st.records, 8);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.bytes, m.len);
	capture_free(c);
	for (int i = 0; i < 11; i++)
		free((void *)many[i].radio);
	free(m.buf);
}

static void test_filter_freqs(void **state)
{
	struct capture_filter f = { .freqs = { 5180, 5200 }, .nfreqs = 2 };
	struct mem m = { 0 };
	struct capture *c = mem_capture(&f, &m);
	struct medium_air a24 = data_air(2412, MEDIUM_NEXT_DONE, 1, NULL, 0);
	struct medium_air a5 = data_air(5180, MEDIUM_NEXT_DONE, 2, NULL, 0);
	struct capture_stats st;
	struct parsed p;

	capture_air(c, &a24, namer, NULL);
	capture_air(c, &a5, namer, NULL);
	capture_air(c, &a24, namer, NULL);
	assert_int_equal(parse(m.buf, m.len, &p), m.len);
	assert_int_equal(p.nidb, 1);
	assert_int_equal(p.idb_freq[0], 5180);
	assert_int_equal(p.nepb, 1);
	check_epb(&p.epb[0], 0, &a5, RT_HT, NULL);
	capture_get_stats(c, &st);
	/* Filtered out is not dropped. */
	assert_int_equal(st.records, 1);
	assert_int_equal(st.dropped, 0);
	capture_free(c);
	free(m.buf);
}

static void test_filter_radio(void **state)
{
	struct capture_filter f = { .has_radio = true, .client = 2 };
	struct mem m = { 0 };
	struct capture *c;
	const struct medium_air_rx heard_b[] = {
		{ 3, rad_c, -50, MEDIUM_FATE_OK, false },
		{ 2, rad_b, -63, MEDIUM_FATE_COLLISION, true },
	};
	const struct medium_air_rx heard_c[] = { { 3, rad_c, -50, MEDIUM_FATE_OK, true } };
	/* B's identity, on another client: not the radio asked for. */
	const struct medium_air_rx other_b[] = { { 3, rad_b, -55, MEDIUM_FATE_OK, true } };
	struct medium_air by_b = ack_air(MEDIUM_NEXT_DONE, true, NULL, 0);
	struct medium_air to_b = data_air(2412, MEDIUM_NEXT_RETRY, 1, heard_b, 2);
	struct medium_air to_c = data_air(2412, MEDIUM_NEXT_ACK, 1, heard_c, 1);
	struct medium_air to_ob = data_air(2412, MEDIUM_NEXT_ACK, 1, other_b, 1);
	struct capture_stats st;
	struct parsed p;

	memcpy(f.radio, rad_b, 6);
	c = mem_capture(&f, &m);
	capture_air(c, &to_c, namer, NULL);
	capture_air(c, &to_b, namer, NULL);
	capture_air(c, &to_ob, namer, NULL);
	capture_air(c, &by_b, namer, NULL);
	by_b.client = 3;	/* same identity, another client: not B */
	capture_air(c, &by_b, namer, NULL);

	assert_int_equal(parse(m.buf, m.len, &p), m.len);
	assert_int_equal(p.nepb, 2);
	check_epb(&p.epb[0], 0, &to_b, RT_HEARD, NULL);
	assert_int_equal((int8_t)p.epb[0].data[RT_SIGNAL_OFF], -63);
	assert_string_equal(p.epb[0].comment,
			    "this radio: lost (collision); tx " STR_A " (vm:a) attempt 1 at 20 dBm; rx "
			    STR_B " -63 dBm lost (collision) (addressee); rx " STR_C
			    " -50 dBm ok; no ACK: retry follows");
	by_b.client = 2;
	check_epb(&p.epb[1], 0, &by_b, RT_LEGACY, NULL);
	assert_int_equal((int8_t)p.epb[1].data[RT_TXPOWER_OFF], 15);
	assert_int_equal(strncmp(p.epb[1].comment, "ack by " STR_B " (vm:b)", 30), 0);
	capture_get_stats(c, &st);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.dropped, 0);
	capture_free(c);
	free(m.buf);
}

static void test_refusing_sink(void **state)
{
	struct capture_filter all = { .nfreqs = 0 };
	struct mem m = { 0 };
	struct capture *c = mem_capture(&all, &m);
	struct medium_air a24 = data_air(2412, MEDIUM_NEXT_DONE, 1, NULL, 0);
	struct medium_air a5 = data_air(5180, MEDIUM_NEXT_DONE, 1, NULL, 0);
	struct capture_stats st;
	struct parsed p;

	capture_air(c, &a24, namer, NULL);
	m.refuse = true;
	capture_air(c, &a24, namer, NULL);
	capture_air(c, &a5, namer, NULL);	/* its IDB is refused with it */
	capture_air(c, &a24, namer, NULL);
	capture_air(c, &a24, namer, NULL);
	capture_get_stats(c, &st);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.dropped, 4);
	m.refuse = false;
	capture_air(c, &a5, namer, NULL);
	capture_air(c, &a24, namer, NULL);
	m.refuse = true;
	capture_air(c, &a24, namer, NULL);
	m.refuse = false;
	capture_air(c, &a5, namer, NULL);

	assert_int_equal(parse(m.buf, m.len, &p), m.len);
	/* SHB IDB(2412) EPB IDB(5180) EPB EPB EPB: 5180 described once, when taken. */
	assert_int_equal(p.nblocks, 7);
	assert_int_equal(p.types[3], BT_IDB);
	assert_int_equal(p.nidb, 2);
	assert_int_equal(p.idb_freq[1], 5180);
	assert_int_equal(p.nepb, 4);
	assert_string_equal(p.epb[0].comment,
			    "tx " STR_A " (vm:a) attempt 1 at 20 dBm; heard by no radio; no ACK expected");
	check_epb(&p.epb[1], 1, &a5, RT_HT,
		  "[4 records dropped before this one] tx " STR_A
		  " (vm:a) attempt 1 at 20 dBm; heard by no radio; no ACK expected");
	check_epb(&p.epb[2], 0, &a24, RT_LEGACY,
		  "tx " STR_A " (vm:a) attempt 1 at 20 dBm; heard by no radio; no ACK expected");
	check_epb(&p.epb[3], 1, &a5, RT_HT,
		  "[1 records dropped before this one] tx " STR_A
		  " (vm:a) attempt 1 at 20 dBm; heard by no radio; no ACK expected");
	capture_get_stats(c, &st);
	assert_int_equal(st.records, 4);
	assert_int_equal(st.dropped, 5);
	assert_int_equal(st.bytes, m.len);
	capture_free(c);

	/* A sink that refuses the section header gets no capture. */
	m.refuse = true;
	assert_null(capture_new(&all, EPOCH, mem_sink, &m));
	free(m.buf);
}

/* ---------------------------------------------------------------- files */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void test_file(void **state)
{
	char dir[] = "/tmp/hub-capture-XXXXXX", path[128], link[128], missing[160];
	struct capture_file *cf;
	struct capture_stats st;
	struct medium_air a = data_air(2412, MEDIUM_NEXT_DONE, 1, NULL, 0);
	struct parsed p;
	uint8_t *buf;
	size_t len;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/air.pcapng", dir);
	snprintf(link, sizeof(link), "%s/link.pcapng", dir);
	snprintf(missing, sizeof(missing), "%s/no/such/dir/air.pcapng", dir);

	cf = capture_file_open(path, EPOCH, 0);
	assert_non_null(cf);
	assert_string_equal(capture_file_path(cf), path);
	for (int i = 0; i < 100; i++) {
		a.end_us = (uint64_t)i;
		capture_air(capture_file_capture(cf), &a, namer, NULL);
		if (i % 10 == 0)
			capture_file_kick(cf);
	}
	assert_int_equal(capture_file_error(cf), 0);
	capture_file_close(cf, &st);
	assert_int_equal(st.records, 100);
	assert_int_equal(st.dropped, 0);

	buf = slurp(path, &len);
	assert_true(len >= 4);
	assert_int_equal(le32(buf), BT_SHB);
	assert_int_equal(parse(buf, len, &p), len);
	assert_int_equal(p.nshb, 1);
	assert_int_equal(p.nidb, 1);
	assert_int_equal(p.nepb, 100);
	assert_int_equal(st.bytes, len);
	assert_int_equal(p.epb[63].ts, EPOCH + 63);
	free(buf);

	/* Never through a symbolic link: the target stays untouched. */
	assert_int_equal(symlink("target", link), 0);
	errno = 0;
	assert_null(capture_file_open(link, EPOCH, 0));
	assert_int_equal(errno, ELOOP);
	{
		char target[160];
		struct stat sb;

		snprintf(target, sizeof(target), "%s/target", dir);
		assert_int_equal(lstat(target, &sb), -1);
		assert_int_equal(errno, ENOENT);
	}
	errno = 0;
	assert_null(capture_file_open(missing, EPOCH, 0));
	assert_int_equal(errno, ENOENT);

	unlink(link);
	unlink(path);
	rmdir(dir);
}

/* A stalled reader must cost records, never time: a blocked capture_air() hangs this test. */
static void on_alarm(int sig)
{
	static const char msg[] = "test-capture: capture blocked the caller (alarm)\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

struct drain {
	int fd;
	atomic_bool stop;
	uint8_t *buf;
	size_t len, cap;
};

/* Read the FIFO until stop is set and it is empty. */
static void *drain_thread(void *opaque)
{
	struct drain *d = opaque;
	bool last = false;

	for (;;) {
		ssize_t n;

		if (d->cap - d->len < 65536) {
			d->cap = d->cap ? 2 * d->cap : 1 << 20;
			d->buf = realloc(d->buf, d->cap);
			if (!d->buf)
				abort();
		}
		n = read(d->fd, d->buf + d->len, d->cap - d->len);
		if (n > 0) {
			d->len += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			abort();
		if (last)
			return NULL;
		/* The writer was joined before stop was set: one more pass gets the rest. */
		last = atomic_load(&d->stop);
		if (!last)
			poll(&(struct pollfd){ .fd = d->fd, .events = POLLIN }, 1, 10);
	}
}

static void test_slow_reader_never_blocks(void **state)
{
	char dir[] = "/tmp/hub-capture-XXXXXX", path[128];
	const unsigned offered = 20000;
	struct medium_air a = data_air(2412, MEDIUM_NEXT_DONE, 1, NULL, 0);
	struct drain d = { .fd = -1 };
	struct capture_file *cf;
	struct capture_stats st, mid;
	struct sigaction sa = { .sa_handler = on_alarm };
	struct parsed p;
	pthread_t th;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* Our end first, so the O_WRONLY open finds a reader and does not block. */
	d.fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	assert_true(d.fd >= 0);
	atomic_init(&d.stop, false);
	sigaction(SIGALRM, &sa, NULL);
	alarm(20);

	/* The daemon refuses FIFOs as capture files: a pipe stands for a slow disk here. */
	cf = capture_file_adopt(open(path, O_WRONLY | O_CLOEXEC), path, EPOCH, 4096);
	assert_non_null(cf);
	for (unsigned i = 0; i < offered; i++) {
		a.end_us = i;
		capture_air(capture_file_capture(cf), &a, namer, NULL);
		if (i % 64 == 0)
			capture_file_kick(cf);
	}
	capture_get_stats(capture_file_capture(cf), &mid);
	assert_true(mid.dropped > 0);
	assert_int_equal(mid.records + mid.dropped, offered);

	/* Close joins the writer, which waits for room in the pipe: drain it meanwhile. */
	assert_int_equal(pthread_create(&th, NULL, drain_thread, &d), 0);
	capture_file_close(cf, &st);
	atomic_store(&d.stop, true);
	assert_int_equal(pthread_join(th, NULL), 0);
	alarm(0);

	assert_int_equal(st.records, mid.records);
	assert_int_equal(st.dropped, mid.dropped);
	assert_true(d.len >= 4);
	assert_int_equal(le32(d.buf), BT_SHB);
	assert_int_equal(parse(d.buf, d.len, &p), d.len);
	assert_int_equal(p.nepb, st.records);
	assert_int_equal(st.bytes, d.len);

	free(d.buf);
	close(d.fd);
	unlink(path);
	rmdir(dir);
}

/* Which files a capture may be opened on, and how a client's name is resolved. */
static void test_open_rules(void **state)
{
	char dir[] = "/tmp/hub-capture-XXXXXX", path[160], out[160];
	struct capture_stats st;
	struct capture_file *cf;
	int dirfd, rd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd >= 0);

	/* The operator's -p: a FIFO is refused at once, with or without a reader. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(capture_file_open(path, EPOCH, 0));
	assert_int_equal(errno, ENXIO);
	rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_null(capture_file_open(path, EPOCH, 0));
	assert_int_equal(errno, EINVAL);
	close(rd);

	/* A client's name: beneath the directory, new unless overwriting, no links. */
	cf = capture_file_open_beneath(dirfd, dir, "a.pcapng", false, EPOCH, 0);
	assert_non_null(cf);
	snprintf(path, sizeof(path), "%s/a.pcapng", dir);
	assert_string_equal(capture_file_path(cf), path);
	capture_file_close(cf, &st);
	assert_null(capture_file_open_beneath(dirfd, dir, "a.pcapng", false, EPOCH, 0));
	assert_int_equal(errno, EEXIST);
	cf = capture_file_open_beneath(dirfd, dir, "a.pcapng", true, EPOCH, 0);
	assert_non_null(cf);
	capture_file_close(cf, &st);
	assert_null(capture_file_open_beneath(dirfd, dir, "../escape.pcapng", true, EPOCH, 0));
	assert_int_equal(errno, EXDEV);
	assert_null(capture_file_open_beneath(dirfd, dir, "/tmp/escape.pcapng", true, EPOCH, 0));
	assert_int_equal(errno, EXDEV);
	snprintf(out, sizeof(out), "%s/link", dir);
	assert_int_equal(symlink("a.pcapng", out), 0);
	assert_null(capture_file_open_beneath(dirfd, dir, "link", true, EPOCH, 0));
	assert_int_equal(errno, ELOOP);
	assert_null(capture_file_open_beneath(dirfd, dir, "fifo", true, EPOCH, 0));
	assert_int_equal(errno, ENXIO);

	unlink(out);
	unlink(path);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	unlink(path);
	close(dirfd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_filter_freqs),
		cmocka_unit_test(test_filter_radio),
		cmocka_unit_test(test_refusing_sink),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_open_rules),
		cmocka_unit_test(test_slow_reader_never_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
