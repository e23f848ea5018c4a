/* SPDX-License-Identifier: MIT */
/*
 * The control protocol of the mininet-wifi fork of wmediumd ("wserver"),
 * which mininet-wifi speaks over a unix stream socket to move stations,
 * change powers and pin links while the air runs. Byte in, byte out:
 * requests are parsed here, replies encoded; what they do is the daemon's
 * (daemon/wserver.c, docs/wmediumd.md).
 *
 * A message is one type byte and a body of a size fixed by the type, no
 * padding, every 32-bit field big-endian (floats as IEEE-754 single
 * precision). A reply starts with its own type (the request's + 1), then
 * echoes the request byte for byte (but for SPECPROB), then one result
 * byte; ADD's reply carries the new station's index before it.
 */
#ifndef WM_PROTO_WSERVER_H
#define WM_PROTO_WSERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum wserver_type {
	WSERVER_SHUTDOWN = 0,		/* stop serving the socket; no reply */
	WSERVER_SNR = 1,		/* MAC, MAC, i32 dB: both ways */
	WSERVER_DEL_BY_MAC = 3,		/* MAC */
	WSERVER_DEL_BY_ID = 5,		/* i32 station index */
	WSERVER_ADD = 7,		/* MAC */
	WSERVER_ERRPROB = 9,		/* MAC, MAC, u32 1.31 fixed point: both ways */
	WSERVER_SPECPROB = 11,		/* MAC, MAC, 144 x u32 1.31: one way */
	WSERVER_POSITION = 13,		/* MAC, f32 x, y, z */
	WSERVER_TXPOWER = 15,		/* MAC, i32 dBm */
	WSERVER_GAIN = 17,		/* MAC, i32 dBi */
	WSERVER_HEIGHT = 19,		/* MAC, i32 m */
	WSERVER_GAUSSIAN = 21,		/* MAC, f32 */
	WSERVER_MEDIUM = 23,		/* MAC, i32 medium id */
	WSERVER_ERROR = 0xff,		/* ours: the reply to a type we do not know */
};

/* The result byte of a reply. */
enum wserver_result {
	WSERVER_OK = 0,
	WSERVER_NOT_FOUND = 1,		/* no station has that address (or index) */
	WSERVER_DUPLICATE = 2,		/* ADD: a station has it already */
	WSERVER_WRONG_MODE = 3,		/* the request does not fit the model in use */
	WSERVER_INVALID = 4,		/* ours: a value out of range (NaN, 1000 dBm, ...) */
};

#define WSERVER_SPEC_N 144		/* 12 size classes x 12 legacy rates */
#define WSERVER_REQ_MAX 589		/* SPECPROB */
#define WSERVER_REPLY_MAX 21		/* POSITION's */

struct wserver_req {
	uint8_t type;
	uint8_t mac[6], mac2[6];	/* mac2: SNR, ERRPROB, SPECPROB */
	int32_t value;			/* SNR, DEL_BY_ID, TXPOWER, GAIN, HEIGHT, MEDIUM */
	uint32_t fixed;			/* ERRPROB */
	float pos[3];			/* POSITION */
	float fvalue;			/* GAUSSIAN */
	uint32_t spec[WSERVER_SPEC_N];	/* SPECPROB, row-major [size][rate] */
	uint8_t raw[WSERVER_REQ_MAX];	/* the request as received, for the echo */
	size_t len;
};

/* The size of a request of this type, or 0 for a type that is not a request. */
size_t wserver_req_size(uint8_t type);

/*
 * One request from buf[0..len): the bytes it took (> 0), 0 if more are
 * needed, -EPROTO if buf[0] is not a request type.
 */
ssize_t wserver_parse(const uint8_t *buf, size_t len, struct wserver_req *req);

/*
 * The reply to req into out (WSERVER_REPLY_MAX bytes): its length, 0 for
 * SHUTDOWN, which has none. id: ADD's new station index.
 */
size_t wserver_reply(const struct wserver_req *req, enum wserver_result result, int32_t id,
		     uint8_t *out);

/* The reply to an unknown type t: WSERVER_ERROR, t. Its length (2). */
size_t wserver_error_reply(uint8_t t, uint8_t *out);

/*
 * The fork's 1.31 fixed point: bit 31 the integer part, bits 0..30 the
 * fraction. 0x80000000 is 1.0.
 */
double wserver_fixed_to_double(uint32_t u);
uint32_t wserver_double_to_fixed(double d);

#endif
