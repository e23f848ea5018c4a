/* SPDX-License-Identifier: MIT */
/*
 * The airport stream codec: wire bytes written out by hand parse to the
 * right fields and are what the encoders write; every type round-trips
 * byte for byte; split input waits for the rest; every malformed header
 * and payload is refused with a reason; resync finds the next header; the
 * HELLO authenticator matches HMAC-SHA256 computed independently.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "proto/hwsim.h"
#include "proto/stream.h"

_Static_assert(STREAM_HWSIM_MIN == HWSIM_HDRLEN, "an HWSIM payload holds at least the netlink headers");

static _Alignas(8) uint8_t buf[STREAM_MSG_MAX + 64];
static _Alignas(8) uint8_t buf2[STREAM_MSG_MAX + 64];

static const char name63[] = "guest-0.example_hostxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

/* HELLO {1..1, flags 0, 2 radios, no authenticator, "vm1"}, as the agent sends it. */
static const uint8_t wire_hello[] = {
	0x57, 0x4d, 0x50, 0x31, 0x01, 0x00, 0x01, 0x00, 0x0f, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x03,
	'v', 'm', '1',
};

/* WELCOME {version 1, flags 0, keepalive 5000 ms, "vm1-2"}. */
static const uint8_t wire_welcome[] = {
	0x57, 0x4d, 0x50, 0x31, 0x01, 0x00, 0x03, 0x00, 0x0d, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x88, 0x13, 0x00, 0x00, 'v', 'm', '1', '-', '2',
};

/* PING with token 0x0123456789abcdef. */
static const uint8_t wire_ping[] = {
	0x57, 0x4d, 0x50, 0x31, 0x01, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00,
	0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,
};

/* An hwsim REGISTER: nlmsghdr {len 20, family 0x22, NLM_F_REQUEST|ACK, seq 7, pid 0}, genl {1, 1}. */
static const uint8_t nl_register[20] = {
	0x14, 0x00, 0x00, 0x00, 0x22, 0x00, 0x05, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00,
};

static void assert_parses(const uint8_t *b, size_t n, struct stream_msg *m)
{
	const char *why = "";
	size_t used = 99;
	int r = stream_parse(b, n, m, &used, &why);

	if (r != 1)
		fail_msg("parse returned %d: %s", r, why);
	assert_int_equal(used, n);
	assert_int_equal(m->len, n - STREAM_HDR_LEN);
}

/* Parsing b[0..n) fails with reason. */
static void assert_refused(const uint8_t *b, size_t n, const char *reason)
{
	struct stream_msg m;
	const char *why = NULL;
	size_t used = 99;

	assert_int_equal(stream_parse(b, n, &m, &used, &why), -EPROTO);
	assert_int_equal(used, 0);
	assert_non_null(why);
	if (strcmp(why, reason) != 0)
		fail_msg("refused with \"%s\", wanted \"%s\"", why, reason);
}

/* Re-encoding what parsed gives back the same bytes. */
static void assert_reencodes(const uint8_t *b, size_t n, const struct stream_msg *m)
{
	ssize_t k = stream_encode(buf2, sizeof(buf2), m);

	assert_int_equal(k, (ssize_t)n);
	assert_memory_equal(buf2, b, n);
}

static void put_header(uint8_t *b, uint16_t version, uint16_t type, uint32_t len)
{
	memcpy(b, "WMP1", 4);
	b[4] = (uint8_t)version;
	b[5] = (uint8_t)(version >> 8);
	b[6] = (uint8_t)type;
	b[7] = (uint8_t)(type >> 8);
	b[8] = (uint8_t)len;
	b[9] = (uint8_t)(len >> 8);
	b[10] = (uint8_t)(len >> 16);
	b[11] = (uint8_t)(len >> 24);
}

static void test_wire_hello(void **state)
{
	struct stream_msg m;

	(void)state;
	assert_parses(wire_hello, sizeof(wire_hello), &m);
	assert_int_equal(m.type, STREAM_HELLO);
	assert_int_equal(m.hello.version_min, 1);
	assert_int_equal(m.hello.version_max, 1);
	assert_int_equal(m.hello.flags, 0);
	assert_int_equal(m.hello.radios, 2);
	assert_int_equal(m.hello.auth_len, 0);
	assert_string_equal(m.hello.name, "vm1");
	assert_int_equal(stream_encode_hello(buf, sizeof(buf), 1, 1, 0, 2, "vm1", NULL),
			 sizeof(wire_hello));
	assert_memory_equal(buf, wire_hello, sizeof(wire_hello));
	assert_reencodes(wire_hello, sizeof(wire_hello), &m);
}

static void test_wire_welcome_ping(void **state)
{
	struct stream_msg m;

	(void)state;
	assert_parses(wire_welcome, sizeof(wire_welcome), &m);
	assert_int_equal(m.type, STREAM_WELCOME);
	assert_int_equal(m.welcome.version, 1);
	assert_int_equal(m.welcome.flags, 0);
	assert_int_equal(m.welcome.keepalive_ms, 5000);
	assert_string_equal(m.welcome.name, "vm1-2");
	assert_int_equal(stream_encode_welcome(buf, sizeof(buf), 1, 0, 5000, "vm1-2"),
			 sizeof(wire_welcome));
	assert_memory_equal(buf, wire_welcome, sizeof(wire_welcome));

	assert_parses(wire_ping, sizeof(wire_ping), &m);
	assert_int_equal(m.type, STREAM_PING);
	assert_true(m.token == UINT64_C(0x0123456789abcdef));
	assert_int_equal(stream_encode_ping(buf, sizeof(buf), UINT64_C(0x0123456789abcdef)),
			 sizeof(wire_ping));
	assert_memory_equal(buf, wire_ping, sizeof(wire_ping));
}

static void test_round_trips(void **state)
{
	static const char refuse_text[] = "nom déjà pris — réessayez 😀";
	uint8_t challenge[STREAM_CHALLENGE_LEN], auth[STREAM_MAC_LEN];
	uint8_t nl[64];
	struct stream_msg m;
	ssize_t n;

	(void)state;
	for (unsigned int i = 0; i < sizeof(challenge); i++) {
		challenge[i] = (uint8_t)(0xa0 + i);
		auth[i] = (uint8_t)(0x10 + i);
	}

	n = stream_encode_hello(buf, sizeof(buf), 1, 7, 0x80000001u, 65535, name63, auth);
	assert_int_equal(n, STREAM_HDR_LEN + STREAM_HELLO_FIXED + 32 + 63);
	assert_parses(buf, (size_t)n, &m);
	assert_int_equal(m.type, STREAM_HELLO);
	assert_int_equal(m.hello.version_min, 1);
	assert_int_equal(m.hello.version_max, 7);
	assert_int_equal(m.hello.flags, 0x80000001u);
	assert_int_equal(m.hello.radios, 65535);
	assert_int_equal(m.hello.auth_len, 32);
	assert_memory_equal(m.hello.auth, auth, 32);
	assert_string_equal(m.hello.name, name63);
	assert_reencodes(buf, (size_t)n, &m);

	n = stream_encode_challenge(buf, sizeof(buf), challenge);
	assert_int_equal(n, STREAM_HDR_LEN + 32);
	assert_parses(buf, (size_t)n, &m);
	assert_int_equal(m.type, STREAM_CHALLENGE);
	assert_memory_equal(m.challenge, challenge, 32);
	assert_reencodes(buf, (size_t)n, &m);

	n = stream_encode_welcome(buf, sizeof(buf), 1, 0xffff, 0, "a");
	assert_parses(buf, (size_t)n, &m);
	assert_int_equal(m.welcome.keepalive_ms, 0);
	assert_int_equal(m.welcome.flags, 0xffff);
	assert_string_equal(m.welcome.name, "a");
	assert_reencodes(buf, (size_t)n, &m);
	n = stream_encode_welcome(buf, sizeof(buf), 65535, 0, STREAM_KEEPALIVE_MAX_MS, name63);
	assert_parses(buf, (size_t)n, &m);
	assert_int_equal(m.welcome.version, 65535);
	assert_int_equal(m.welcome.keepalive_ms, STREAM_KEEPALIVE_MAX_MS);
	assert_string_equal(m.welcome.name, name63);
	assert_reencodes(buf, (size_t)n, &m);

	n = stream_encode_refuse(buf, sizeof(buf), STREAM_REASON_NAME, refuse_text,
				 strlen(refuse_text));
	assert_parses(buf, (size_t)n, &m);
	assert_int_equal(m.type, STREAM_REFUSE);
	assert_int_equal(m.refuse.reason, STREAM_REASON_NAME);
	assert_int_equal(m.refuse.text_len, strlen(refuse_text));
	assert_memory_equal(m.refuse.text, refuse_text, strlen(refuse_text));
	assert_ptr_equal(m.refuse.text, (const char *)buf + STREAM_HDR_LEN + 4);
	assert_reencodes(buf, (size_t)n, &m);

	/* Empty text; a reason code version 1 does not define. */
	n = stream_encode_bye(buf, sizeof(buf), 0xdeadbeef, NULL, 0);
	assert_int_equal(n, STREAM_HDR_LEN + 4);
	assert_parses(buf, (size_t)n, &m);
	assert_int_equal(m.type, STREAM_BYE);
	assert_int_equal(m.bye.reason, 0xdeadbeef);
	assert_int_equal(m.bye.text_len, 0);
	assert_reencodes(buf, (size_t)n, &m);

	n = stream_encode_hwsim(buf, sizeof(buf), nl_register, sizeof(nl_register));
	assert_int_equal(n, STREAM_HDR_LEN + 20);
	assert_parses(buf, (size_t)n, &m);
	assert_int_equal(m.type, STREAM_HWSIM);
	/* The payload stays where it is, 4-byte aligned in an aligned buffer, for hwsim_decode(). */
	assert_ptr_equal(m.hwsim.msg, buf + STREAM_HDR_LEN);
	assert_int_equal(m.hwsim.len, 20);
	assert_memory_equal(m.hwsim.msg, nl_register, 20);
	assert_reencodes(buf, (size_t)n, &m);

	/* The largest payload. */
	memset(buf + STREAM_HDR_LEN, 0x5a, STREAM_PAYLOAD_MAX);
	memcpy(nl, "\x00\x00\x01\x00", 4);	/* nlmsg_len 65536 */
	memcpy(buf + STREAM_HDR_LEN, nl, 4);
	memcpy(buf2, buf + STREAM_HDR_LEN, STREAM_PAYLOAD_MAX);
	n = stream_encode_hwsim(buf, sizeof(buf), buf2, STREAM_PAYLOAD_MAX);
	assert_int_equal(n, STREAM_MSG_MAX);
	assert_parses(buf, (size_t)n, &m);
	assert_int_equal(m.hwsim.len, STREAM_PAYLOAD_MAX);

	/* The header alone, for writev(): the same 12 bytes. */
	assert_int_equal(stream_encode_hwsim(buf, sizeof(buf), nl_register, 20), 32);
	assert_int_equal(stream_encode_hwsim_header(buf2, STREAM_HDR_LEN, nl_register, 20),
			 STREAM_HDR_LEN);
	assert_memory_equal(buf2, buf, STREAM_HDR_LEN);

	n = stream_encode_pong(buf, sizeof(buf), UINT64_MAX);
	assert_parses(buf, (size_t)n, &m);
	assert_int_equal(m.type, STREAM_PONG);
	assert_true(m.token == UINT64_MAX);
	assert_reencodes(buf, (size_t)n, &m);
}

/* Several messages back to back, as a connection reads them, then each cut at every byte. */
static void test_split(void **state)
{
	uint8_t stream[512];
	size_t ends[8], count = 0, total = 0, at = 0;
	struct stream_msg m;
	size_t used;
	ssize_t n;

	(void)state;
#define ADD(expr) do { n = (expr); assert_true(n > 0); total += (size_t)n; ends[count++] = total; } while (0)
	ADD(stream_encode_hello(stream + total, sizeof(stream) - total, 1, 1, 0, 3, "vm1", NULL));
	ADD(stream_encode_welcome(stream + total, sizeof(stream) - total, 1, 0, 1000, "vm1"));
	ADD(stream_encode_hwsim(stream + total, sizeof(stream) - total, nl_register, 20));
	ADD(stream_encode_ping(stream + total, sizeof(stream) - total, 42));
	ADD(stream_encode_bye(stream + total, sizeof(stream) - total, STREAM_REASON_SHUTDOWN, "bye", 3));
#undef ADD

	for (size_t i = 0; i < count; i++) {
		for (size_t k = 0; at + k < ends[i]; k++) {
			const char *why = NULL;

			used = 99;
			assert_int_equal(stream_parse(stream + at, k, &m, &used, &why), 0);
			assert_int_equal(used, 0);
			assert_null(why);
		}
		/* Complete, and with the next message's bytes behind it. */
		assert_int_equal(stream_parse(stream + at, ends[i] - at, &m, &used, NULL), 1);
		assert_int_equal(used, ends[i] - at);
		assert_int_equal(stream_parse(stream + at, total - at, &m, &used, NULL), 1);
		assert_int_equal(used, ends[i] - at);
		at += used;
	}
	assert_int_equal(at, total);
}

static void test_bad_header(void **state)
{
	struct stream_msg m;
	uint8_t b[64];
	size_t used;

	(void)state;
	/* Each magic byte; detected from the first wrong byte on. */
	for (int i = 0; i < 4; i++) {
		memcpy(b, wire_ping, sizeof(wire_ping));
		b[i] ^= 0x20;
		assert_refused(b, sizeof(wire_ping), "bad magic");
		assert_refused(b, (size_t)i + 1, "bad magic");
	}
	assert_refused((const uint8_t *)"GET / HTTP/1.1\r\n", 16, "bad magic");
	/* The magic in big-endian order. */
	assert_refused((const uint8_t *)"1PMW", 4, "bad magic");

	memcpy(b, wire_ping, sizeof(wire_ping));
	for (unsigned int v = 0; v < 4; v += 2) {	/* 0 and 2 */
		b[4] = (uint8_t)v;
		assert_refused(b, sizeof(wire_ping), "unsupported version");
		assert_refused(b, 6, "unsupported version");
	}
	b[4] = 1;
	b[5] = 1;	/* 257 */
	assert_refused(b, 6, "unsupported version");

	const uint16_t types[] = { 0, STREAM_TYPE_MAX + 1, 0x100, 0xffff };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		put_header(b, 1, types[i], 8);
		assert_refused(b, 8, "unknown type");
		assert_refused(b, 20, "unknown type");
	}

	/* Oversize: refused from the header alone, without waiting for 64 KiB. */
	put_header(b, 1, STREAM_HWSIM, STREAM_PAYLOAD_MAX + 4);
	assert_refused(b, STREAM_HDR_LEN, "length over 65536");
	put_header(b, 1, STREAM_PING, UINT32_MAX);
	assert_refused(b, STREAM_HDR_LEN, "length over 65536");

	const struct { uint16_t type; uint32_t len; } wrong[] = {
		{ STREAM_PING, 0 }, { STREAM_PING, 7 }, { STREAM_PING, 9 }, { STREAM_PONG, 16 },
		{ STREAM_CHALLENGE, 31 }, { STREAM_CHALLENGE, 33 },
		{ STREAM_HELLO, STREAM_HELLO_FIXED }, { STREAM_HELLO, STREAM_HELLO_FIXED + 32 + 64 },
		{ STREAM_WELCOME, STREAM_WELCOME_FIXED }, { STREAM_WELCOME, STREAM_WELCOME_FIXED + 64 },
		{ STREAM_REFUSE, 3 }, { STREAM_REFUSE, 4 + 256 }, { STREAM_BYE, 0 }, { STREAM_BYE, 4 + 256 },
		{ STREAM_HWSIM, 0 }, { STREAM_HWSIM, 16 }, { STREAM_HWSIM, 19 },
	};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		put_header(b, 1, wrong[i].type, wrong[i].len);
		assert_refused(b, STREAM_HDR_LEN, "length wrong for the type");
	}

	/* A valid header whose payload has not arrived yet. */
	put_header(b, 1, STREAM_HWSIM, STREAM_PAYLOAD_MAX);
	assert_int_equal(stream_parse(b, STREAM_HDR_LEN, &m, &used, NULL), 0);
	assert_int_equal(stream_parse(b, 0, &m, &used, NULL), 0);
	assert_int_equal(stream_parse(NULL, 0, &m, &used, NULL), 0);
}

/* A HELLO payload from its parts; returns the message length. */
static size_t hello(uint8_t *b, uint16_t vmin, uint16_t vmax, uint8_t auth_len, uint8_t name_len,
		    const char *name, size_t actual_name)
{
	uint8_t *p = b + STREAM_HDR_LEN;
	size_t plen = STREAM_HELLO_FIXED + auth_len + actual_name;

	put_header(b, 1, STREAM_HELLO, (uint32_t)plen);
	memset(p, 0, STREAM_HELLO_FIXED + auth_len);
	p[0] = (uint8_t)vmin;
	p[2] = (uint8_t)vmax;
	p[8] = 1;
	p[10] = auth_len;
	p[11] = name_len;
	memcpy(p + STREAM_HELLO_FIXED + auth_len, name, actual_name);
	return STREAM_HDR_LEN + plen;
}

static void test_bad_hello(void **state)
{
	uint8_t b[512];
	struct stream_msg m;
	char long_name[65];

	(void)state;
	assert_parses(b, hello(b, 1, 1, 0, 2, "ok", 2), &m);
	assert_parses(b, hello(b, 1, 1, 32, 2, "ok", 2), &m);

	assert_refused(b, hello(b, 0, 1, 0, 2, "ok", 2), "HELLO: bad version range");
	assert_refused(b, hello(b, 2, 1, 0, 2, "ok", 2), "HELLO: bad version range");
	assert_refused(b, hello(b, 1, 1, 16, 2, "ok", 2), "HELLO: authenticator length not 0 or 32");
	assert_refused(b, hello(b, 1, 1, 33, 2, "ok", 2), "HELLO: authenticator length not 0 or 32");
	/* The length fields and the payload length disagree: truncated or trailing name bytes. */
	assert_refused(b, hello(b, 1, 1, 0, 3, "ok", 2), "HELLO: length does not match its fields");
	assert_refused(b, hello(b, 1, 1, 0, 1, "ok", 2), "HELLO: length does not match its fields");
	assert_refused(b, hello(b, 1, 1, 32, 2, "okokokokokokokokokokokokokokokokokok", 34),
		       "HELLO: length does not match its fields");	/* auth_len 32 in a 0-auth layout */
	assert_refused(b, hello(b, 1, 1, 0, 200, "ok", 2), "HELLO: length does not match its fields");
	/* Empty name (with an authenticator, so the length is legal). */
	assert_refused(b, hello(b, 1, 1, 32, 0, "", 0), "empty name");
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	assert_refused(b, hello(b, 1, 1, 0, 64, long_name, 64), "name longer than 63 bytes");
	assert_parses(b, hello(b, 1, 1, 32, 63, long_name, 63), &m);
	assert_int_equal(strlen(m.hello.name), 63);

	const char *bad_chars[] = { "vm 1", "vm/1", "vm\0001", "vm\n", "vmé", "vm:1", "vm@x", "vm1~" };
	for (size_t i = 0; i < sizeof(bad_chars) / sizeof(bad_chars[0]); i++) {
		size_t n = i == 2 ? 4 : strlen(bad_chars[i]);

		assert_refused(b, hello(b, 1, 1, 0, (uint8_t)n, bad_chars[i], n),
			       "name has a character outside [A-Za-z0-9._-]");
	}
	const char *bad_first[] = { "-vm", ".", "..", "_x", "\x80" };
	for (size_t i = 0; i < sizeof(bad_first) / sizeof(bad_first[0]); i++) {
		size_t n = strlen(bad_first[i]);

		assert_refused(b, hello(b, 1, 1, 0, (uint8_t)n, bad_first[i], n),
			       "name does not start with a letter or digit");
	}
	assert_parses(b, hello(b, 1, 1, 0, 15, "Z9.a_b-c.local-", 15), &m);
	assert_string_equal(m.hello.name, "Z9.a_b-c.local-");
}

static void test_bad_welcome(void **state)
{
	uint8_t b[128];

	(void)state;
	assert_true(stream_encode_welcome(b, sizeof(b), 1, 0, 100, "vm") > 0);
	b[STREAM_HDR_LEN] = 0;
	assert_refused(b, STREAM_HDR_LEN + 10, "WELCOME: version 0");

	const uint32_t keepalive[] = { 1, STREAM_KEEPALIVE_MIN_MS - 1, STREAM_KEEPALIVE_MAX_MS + 1, UINT32_MAX };
	for (size_t i = 0; i < sizeof(keepalive) / sizeof(keepalive[0]); i++) {
		assert_true(stream_encode_welcome(b, sizeof(b), 1, 0, 100, "vm") > 0);
		b[STREAM_HDR_LEN + 4] = (uint8_t)keepalive[i];
		b[STREAM_HDR_LEN + 5] = (uint8_t)(keepalive[i] >> 8);
		b[STREAM_HDR_LEN + 6] = (uint8_t)(keepalive[i] >> 16);
		b[STREAM_HDR_LEN + 7] = (uint8_t)(keepalive[i] >> 24);
		assert_refused(b, STREAM_HDR_LEN + 10, "WELCOME: keepalive not 0 or 100..3600000 ms");
	}

	assert_true(stream_encode_welcome(b, sizeof(b), 1, 0, 100, "vm") > 0);
	b[STREAM_HDR_LEN + 9] = '/';
	assert_refused(b, STREAM_HDR_LEN + 10, "name has a character outside [A-Za-z0-9._-]");
	b[STREAM_HDR_LEN + 8] = '-';
	assert_refused(b, STREAM_HDR_LEN + 10, "name does not start with a letter or digit");
}

/* A BYE carrying text[0..n); returns the message length. */
static size_t bye(uint8_t *b, const char *text, size_t n)
{
	put_header(b, 1, STREAM_BYE, (uint32_t)(4 + n));
	memset(b + STREAM_HDR_LEN, 0, 4);
	memcpy(b + STREAM_HDR_LEN + 4, text, n);
	return STREAM_HDR_LEN + 4 + n;
}

static void test_text(void **state)
{
	static const char *const good[] = {
		"", "peer closed", "é", "€", "😀", "\xc2\xa0", "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf", "~",
	};
	static const char *const not_utf8[] = {
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf",
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
		"\xff", "\xe2\x82", "\xf0\x9f\x98", "\xc3", "a\xc3(",
	};
	static const char *const control[] = { "\n", "a\tb", "\x1b[2J", "\x7f", "\xc2\x85", "\xc2\x9f", "\x01" };
	uint8_t b[512];
	char text[STREAM_TEXT_MAX + 1];
	struct stream_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_parses(b, bye(b, good[i], strlen(good[i])), &m);
		assert_int_equal(m.bye.text_len, strlen(good[i]));
	}
	for (size_t i = 0; i < sizeof(not_utf8) / sizeof(not_utf8[0]); i++) {
		assert_refused(b, bye(b, not_utf8[i], strlen(not_utf8[i])), "text is not UTF-8");
		assert_int_equal(stream_encode_bye(b, sizeof(b), 0, not_utf8[i], strlen(not_utf8[i])), -EINVAL);
	}
	for (size_t i = 0; i < sizeof(control) / sizeof(control[0]); i++) {
		assert_refused(b, bye(b, control[i], strlen(control[i])), "control character in text");
		assert_int_equal(stream_encode_refuse(b, sizeof(b), 0, control[i], strlen(control[i])), -EINVAL);
	}
	/* NUL inside the text. */
	assert_refused(b, bye(b, "a\0b", 3), "control character in text");

	/* 255 bytes is the limit; 256 is refused by the header's length bound. */
	memset(text, 'x', sizeof(text));
	assert_parses(b, bye(b, text, STREAM_TEXT_MAX), &m);
	assert_refused(b, bye(b, text, STREAM_TEXT_MAX + 1), "length wrong for the type");
	assert_int_equal(stream_encode_bye(b, sizeof(b), 0, text, STREAM_TEXT_MAX + 1), -EINVAL);
	/* The same checks on REFUSE. */
	size_t n = bye(b, "\n", 1);

	b[6] = STREAM_REFUSE;
	assert_refused(b, n, "control character in text");
}

static void test_bad_hwsim(void **state)
{
	uint8_t b[128], nl[64];
	struct stream_msg m;

	(void)state;
	memset(nl, 0, sizeof(nl));
	/* nlmsg_len must be the payload length. */
	memcpy(nl, nl_register, 20);
	nl[0] = 24;
	put_header(b, 1, STREAM_HWSIM, 20);
	memcpy(b + STREAM_HDR_LEN, nl, 20);
	assert_refused(b, STREAM_HDR_LEN + 20, "HWSIM: nlmsg_len is not the payload length");
	put_header(b, 1, STREAM_HWSIM, 28);
	memcpy(b + STREAM_HDR_LEN, nl, 28);
	assert_refused(b, STREAM_HDR_LEN + 28, "HWSIM: nlmsg_len is not the payload length");
	nl[0] = 28;
	memcpy(b + STREAM_HDR_LEN, nl, 28);
	assert_parses(b, STREAM_HDR_LEN + 28, &m);
	/* A length no netlink message has. */
	nl[0] = 22;
	put_header(b, 1, STREAM_HWSIM, 22);
	memcpy(b + STREAM_HDR_LEN, nl, 22);
	assert_refused(b, STREAM_HDR_LEN + 22, "HWSIM: length not a multiple of 4");
	/* Shorter than the netlink headers: the header's length bound. */
	nl[0] = 16;
	put_header(b, 1, STREAM_HWSIM, 16);
	assert_refused(b, STREAM_HDR_LEN, "length wrong for the type");
	assert_int_equal(stream_encode_hwsim(b, sizeof(b), nl, 16), -EINVAL);
}

static void test_encode_errors(void **state)
{
	uint8_t b[STREAM_HDR_LEN + 128], ch[32] = { 0 }, nl[24];
	ssize_t n;

	(void)state;
	assert_int_equal(stream_encode_hello(b, sizeof(b), 0, 1, 0, 1, "vm", NULL), -EINVAL);
	assert_int_equal(stream_encode_hello(b, sizeof(b), 2, 1, 0, 1, "vm", NULL), -EINVAL);
	assert_int_equal(stream_encode_hello(b, sizeof(b), 1, 1, 0, 1, "", NULL), -EINVAL);
	assert_int_equal(stream_encode_hello(b, sizeof(b), 1, 1, 0, 1, NULL, NULL), -EINVAL);
	assert_int_equal(stream_encode_hello(b, sizeof(b), 1, 1, 0, 1, "a b", NULL), -EINVAL);
	assert_int_equal(stream_encode_hello(b, sizeof(b), 1, 1, 0, 1, "-a", NULL), -EINVAL);
	assert_int_equal(stream_encode_hello(b, sizeof(b), 1, 1, 0, 1,
					     "a123456789012345678901234567890123456789012345678901234567890123",
					     NULL), -EINVAL);
	assert_int_equal(stream_encode_welcome(b, sizeof(b), 0, 0, 0, "vm"), -EINVAL);
	assert_int_equal(stream_encode_welcome(b, sizeof(b), 1, 0, 99, "vm"), -EINVAL);
	assert_int_equal(stream_encode_welcome(b, sizeof(b), 1, 0, STREAM_KEEPALIVE_MAX_MS + 1, "vm"),
			 -EINVAL);
	assert_int_equal(stream_encode_welcome(b, sizeof(b), 1, 0, 0, ".."), -EINVAL);
	assert_int_equal(stream_encode_bye(b, sizeof(b), 0, NULL, 1), -EINVAL);

	memcpy(nl, nl_register, 20);
	memset(nl + 20, 0, 4);
	assert_int_equal(stream_encode_hwsim(b, sizeof(b), nl, 24), -EINVAL);	/* nlmsg_len 20 */
	assert_int_equal(stream_encode_hwsim(b, sizeof(b), NULL, 20), -EINVAL);
	assert_int_equal(stream_encode_hwsim_header(b, sizeof(b), nl, 24), -EINVAL);
	nl[0] = 24;
	assert_int_equal(stream_encode_hwsim_header(b, STREAM_HDR_LEN - 1, nl, 24), -ENOSPC);
	assert_int_equal(stream_encode_hwsim(b, STREAM_HDR_LEN + 23, nl, 24), -ENOSPC);

	/* Every encoder: one byte short is -ENOSPC, exact fits. */
#define FITS(call_with_size)                                             \
	do {                                                             \
		size_t size = sizeof(b);                                 \
		n = call_with_size;                                      \
		assert_true(n > 0);                                      \
		size = (size_t)n - 1;                                    \
		assert_int_equal(call_with_size, -ENOSPC);               \
		size = (size_t)n;                                        \
		assert_int_equal(call_with_size, n);                     \
	} while (0)
	FITS(stream_encode_hello(b, size, 1, 1, 0, 1, "vm", ch));
	FITS(stream_encode_challenge(b, size, ch));
	FITS(stream_encode_welcome(b, size, 1, 0, 0, "vm"));
	FITS(stream_encode_refuse(b, size, 1, "no", 2));
	FITS(stream_encode_bye(b, size, 1, "", 0));
	FITS(stream_encode_hwsim(b, size, nl, 24));
	FITS(stream_encode_ping(b, size, 1));
	FITS(stream_encode_pong(b, size, 1));
	FITS(stream_encode_hwsim_header(b, size, nl, 24));
#undef FITS

	/* stream_encode() of a message no parse produces. */
	struct stream_msg m = { .type = 0 };

	assert_int_equal(stream_encode(b, sizeof(b), &m), -EINVAL);
	m.type = STREAM_TYPE_MAX + 1;
	assert_int_equal(stream_encode(b, sizeof(b), &m), -EINVAL);
	m.type = STREAM_HELLO;
	m.hello.version_min = m.hello.version_max = 1;
	strcpy(m.hello.name, "vm");
	m.hello.auth_len = 5;
	assert_int_equal(stream_encode(b, sizeof(b), &m), -EINVAL);
	m.hello.auth_len = 0;
	assert_true(stream_encode(b, sizeof(b), &m) > 0);
}

static void test_resync(void **state)
{
	const uint32_t from_agent = STREAM_BIT(STREAM_HELLO) | STREAM_BIT(STREAM_BYE);
	uint8_t b[256];
	size_t n = 0;

	(void)state;
	/* The tail of some earlier message, then a PING, then a HELLO. */
	memcpy(b, "WMP\x01\x02xxWMP1\x02\x00garbage", 20);
	n = 20;
	memcpy(b + n, wire_ping, sizeof(wire_ping));
	n += sizeof(wire_ping);
	memcpy(b + n, wire_hello, sizeof(wire_hello));
	n += sizeof(wire_hello);

	assert_int_equal(stream_resync(b, n, from_agent), 20 + sizeof(wire_ping));
	assert_int_equal(stream_resync(b, n, STREAM_BIT(STREAM_PING)), 20);
	assert_int_equal(stream_resync(b, 20, from_agent), 20);
	assert_int_equal(stream_resync(b, 0, from_agent), 0);
	/* A possible header start at the very end is kept: more bytes may complete it. */
	assert_int_equal(stream_resync(b, 20 + 2, from_agent), 20);
	assert_int_equal(stream_resync(b, 20 + 7, from_agent), 20);
	assert_int_equal(stream_resync(b, 20 + 8, from_agent), 20 + 8);	/* now known to be a PING */
	/* A HELLO header with a length HELLO cannot have is skipped. */
	memcpy(b, wire_hello, sizeof(wire_hello));
	b[8] = 200;
	assert_int_equal(stream_resync(b, sizeof(wire_hello), from_agent), sizeof(wire_hello));
}




static void test_roles_names(void **state)
{
	(void)state;
	assert_true(stream_may_send(STREAM_ROLE_AGENT, STREAM_HELLO));
	assert_false(stream_may_send(STREAM_ROLE_MEDIUM, STREAM_HELLO));
	for (uint16_t t = STREAM_CHALLENGE; t <= STREAM_REFUSE; t++) {
		assert_true(stream_may_send(STREAM_ROLE_MEDIUM, t));
		assert_false(stream_may_send(STREAM_ROLE_AGENT, t));
	}
	for (uint16_t t = STREAM_HWSIM; t <= STREAM_BYE; t++) {
		assert_true(stream_may_send(STREAM_ROLE_MEDIUM, t));
		assert_true(stream_may_send(STREAM_ROLE_AGENT, t));
	}
	assert_false(stream_may_send(STREAM_ROLE_AGENT, 0));
	assert_false(stream_may_send(STREAM_ROLE_MEDIUM, STREAM_TYPE_MAX + 1));

	assert_string_equal(stream_type_name(STREAM_HELLO), "HELLO");
	assert_string_equal(stream_type_name(STREAM_HWSIM), "HWSIM");
	assert_string_equal(stream_type_name(STREAM_BYE), "BYE");
	assert_string_equal(stream_type_name(0), "?");
	assert_string_equal(stream_type_name(9), "?");

	assert_true(stream_name_valid("a", 1));
	assert_true(stream_name_valid(name63, 63));
	assert_false(stream_name_valid(name63, 0));
	assert_false(stream_name_valid(NULL, 1));
	assert_false(stream_name_valid("a.b", 4));	/* the NUL counted */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_hello),
		cmocka_unit_test(test_wire_welcome_ping),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_hello),
		cmocka_unit_test(test_bad_welcome),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_bad_hwsim),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_resync),
		cmocka_unit_test(test_roles_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
