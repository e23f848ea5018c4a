/* SPDX-License-Identifier: MIT */
/*
 * The airport stream protocol: the messages the guest-side agent
 * (`airport`) and wifimedium exchange over a byte stream (virtio-serial
 * port, vsock, TCP, unix socket). Byte-in/byte-out: no I/O, no allocation,
 * no logging, no clock. The protocol itself, byte by byte, with the
 * session rules the transports follow, is docs/stream-protocol.md.
 *
 * Every message is a 12-byte header {u32 magic "WMP1", u16 version,
 * u16 type, u32 payload length} and a payload whose layout the type fixes.
 * Integers are little-endian on the wire whatever the host. Buffers may
 * have any alignment.
 */
#ifndef WM_PROTO_STREAM_H
#define WM_PROTO_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define STREAM_MAGIC 0x31504d57u	/* "WMP1" in wire order */
#define STREAM_VERSION 1		/* the only version this codec speaks */
#define STREAM_HDR_LEN 12
#define STREAM_PAYLOAD_MAX 65536
#define STREAM_MSG_MAX (STREAM_HDR_LEN + STREAM_PAYLOAD_MAX)	/* a receive buffer that always fits */

#define STREAM_NAME_MAX 63		/* guest names: 1..63 of [A-Za-z0-9._-], first alphanumeric */
#define STREAM_TEXT_MAX 255		/* REFUSE/BYE text: UTF-8 without control characters */
#define STREAM_CHALLENGE_LEN 32
#define STREAM_MAC_LEN 32		/* HMAC-SHA256 */
#define STREAM_HWSIM_MIN 20		/* nlmsghdr + genlmsghdr (HWSIM_HDRLEN) */
#define STREAM_KEEPALIVE_MIN_MS 100	/* WELCOME keepalive: 0 (off) or MIN..MAX */
#define STREAM_KEEPALIVE_MAX_MS 3600000

/* Fixed parts of the variable-length payloads. */
#define STREAM_HELLO_FIXED 12
#define STREAM_WELCOME_FIXED 8
#define STREAM_CLOSE_FIXED 4		/* REFUSE, BYE: the reason code */

enum stream_type {
	STREAM_HELLO = 1,		/* agent -> medium */
	STREAM_CHALLENGE = 2,		/* medium -> agent */
	STREAM_WELCOME = 3,		/* medium -> agent */
	STREAM_REFUSE = 4,		/* medium -> agent */
	STREAM_HWSIM = 5,		/* both ways */
	STREAM_PING = 6,		/* both ways */
	STREAM_PONG = 7,		/* both ways */
	STREAM_BYE = 8,			/* both ways */
};
#define STREAM_TYPE_MAX STREAM_BYE
#define STREAM_BIT(type) (UINT32_C(1) << (type))

/*
 * Reason codes of REFUSE and BYE. A receiver takes any value (a later
 * medium may add some); these are the ones version 1 defines.
 */
enum stream_reason {
	STREAM_REASON_NONE = 0,		/* orderly close, nothing wrong */
	STREAM_REASON_VERSION = 1,	/* no protocol version in common */
	STREAM_REASON_AUTH = 2,		/* authenticator missing, unexpected or wrong */
	STREAM_REASON_NAME = 3,		/* the medium will not take this name */
	STREAM_REASON_RADIOS = 4,	/* more radios than the medium allows */
	STREAM_REASON_BUSY = 5,		/* the medium takes no more guests now */
	STREAM_REASON_PROTOCOL = 6,	/* the peer broke the protocol; text says how */
	STREAM_REASON_TIMEOUT = 7,	/* nothing heard for 3 keepalive intervals */
	STREAM_REASON_SHUTDOWN = 8,	/* the sender is stopping */
};

enum stream_role {
	STREAM_ROLE_AGENT,
	STREAM_ROLE_MEDIUM,
};

/* HELLO: the agent introduces its guest. */
struct stream_hello {
	uint16_t version_min;		/* versions the agent speaks, 1 <= min <= max */
	uint16_t version_max;
	uint32_t flags;			/* none defined: sent 0, unknown bits ignored */
	uint16_t radios;		/* hwsim radios the agent runs in its guest */
	uint8_t auth_len;		/* 0 (no authenticator) or STREAM_MAC_LEN */
	uint8_t auth[STREAM_MAC_LEN];	/* version 1's HMAC, unused: TLS proves the secret now */
	char name[STREAM_NAME_MAX + 1];	/* NUL-terminated copy */
};

/* WELCOME: the session is established. */
struct stream_welcome {
	uint16_t version;		/* chosen: in the agent's range, >= 1 */
	uint16_t flags;			/* none defined: sent 0, unknown bits ignored */
	uint32_t keepalive_ms;		/* 0 or STREAM_KEEPALIVE_MIN_MS..MAX_MS */
	char name[STREAM_NAME_MAX + 1];	/* the name the medium uses, NUL-terminated copy */
};

/* REFUSE and BYE. */
struct stream_close {
	uint32_t reason;		/* enum stream_reason, or a code we do not know */
	const char *text;		/* into the parsed buffer, not NUL-terminated; */
	size_t text_len;		/* 0..STREAM_TEXT_MAX bytes of checked UTF-8 */
};

/*
 * One parsed message. Only the member of the union named by type is
 * meaningful. text and hwsim.msg point into the parsed buffer: keep it
 * while they are used. Names, the challenge and the authenticator are
 * copied.
 */
struct stream_msg {
	uint16_t type;			/* enum stream_type */
	uint32_t len;			/* payload length */
	union {
		struct stream_hello hello;
		uint8_t challenge[STREAM_CHALLENGE_LEN];
		struct stream_welcome welcome;
		struct stream_close refuse;
		struct stream_close bye;
		struct {
			const uint8_t *msg;	/* one netlink message, nlmsg_len == len */
			size_t len;
		} hwsim;
		uint64_t token;		/* PING, PONG */
	};
};

/*
 * Parse one message from the start of buf[0..len), bytes as received.
 * Returns 1 with *out filled and *consumed = its length (header + payload);
 * 0 if buf holds only a valid prefix of a message (read more and call
 * again with the longer buffer); -EPROTO with a static *why if the bytes
 * cannot be a message: bad magic, a version other than 1, an unknown type,
 * a length over STREAM_PAYLOAD_MAX or outside the type's bounds, or a
 * payload its type rejects. Header fields are checked as soon as they are
 * complete, so garbage and oversize lengths fail without waiting for the
 * payload. *consumed is 0 unless 1 is returned; why may be NULL.
 */
int stream_parse(const uint8_t *buf, size_t len, struct stream_msg *out, size_t *consumed,
		 const char **why);

/*
 * For a receiver that must find its way back into a stream it joined in
 * the middle (a virtio-serial port, see docs/stream-protocol.md): the
 * offset of the first byte of buf that starts a valid header of one of
 * types (a STREAM_BIT() mask), or a valid prefix of one at the end of buf;
 * len if there is none. Discard that many bytes, then parse.
 */
size_t stream_resync(const uint8_t *buf, size_t len, uint32_t types);

/*
 * One direction of a stream, as both ends read it: bytes in, whole
 * messages out, resynchronising where the stream may have been joined in
 * the middle. No I/O: the owner reads into stream_rx_space() and hands
 * the count to stream_rx_take().
 */
struct stream_rx {
	uint8_t *buf;			/* STREAM_MSG_MAX bytes: any message fits */
	size_t have;
	uint32_t resync_types;		/* STREAM_BIT()s a resync may land on */
	bool resyncing;
	unsigned resets;		/* stream_rx_reset() calls, to notice one inside a callback */
};

/* Returns false to stop taking messages (its owner is closing the stream). */
typedef bool stream_rx_cb(void *data, const struct stream_msg *m);

void stream_rx_init(struct stream_rx *rx, uint32_t resync_types);
void stream_rx_deinit(struct stream_rx *rx);
/* Where to read next and how much fits: never 0 bytes. */
uint8_t *stream_rx_space(struct stream_rx *rx, size_t *room);
/*
 * n bytes were read into the space: every whole message goes to cb, in
 * order, and the rest waits for more bytes. Returns 0; 1 when cb returned
 * false (the messages it saw are consumed, unless it reset rx); -EPROTO
 * with *why for bytes that are not the protocol while not resyncing (the
 * stream is broken: end it, or reset it to resync).
 */
int stream_rx_take(struct stream_rx *rx, size_t n, stream_rx_cb *cb, void *data, const char **why);
/* Forget what is buffered; with resync, look for the next message of resync_types first. */
void stream_rx_reset(struct stream_rx *rx, bool resync);
/* Keep what is buffered, but find the next message of resync_types in it (a session ended). */
void stream_rx_resync(struct stream_rx *rx);

/*
 * Encoders. Each writes one whole message (header + payload) into
 * buf[0..size) and returns its length, or -EINVAL for an argument the
 * receiver's stream_parse() would reject (a bad name or text, a version
 * range, a keepalive out of bounds, a malformed netlink header), or
 * -ENOSPC if it does not fit.
 */

/* HELLO; auth is NULL (no authenticator) or STREAM_MAC_LEN bytes. */
ssize_t stream_encode_hello(void *buf, size_t size, uint16_t version_min, uint16_t version_max,
			    uint32_t flags, uint16_t radios, const char *name,
			    const uint8_t *auth);

ssize_t stream_encode_challenge(void *buf, size_t size,
				const uint8_t challenge[STREAM_CHALLENGE_LEN]);

ssize_t stream_encode_welcome(void *buf, size_t size, uint16_t version, uint16_t flags,
			      uint32_t keepalive_ms, const char *name);

/* REFUSE and BYE: text is text_len bytes (no NUL needed), 0..STREAM_TEXT_MAX. */
ssize_t stream_encode_refuse(void *buf, size_t size, uint32_t reason, const char *text,
			     size_t text_len);
ssize_t stream_encode_bye(void *buf, size_t size, uint32_t reason, const char *text,
			  size_t text_len);

/*
 * HWSIM: one netlink message of len bytes, whose nlmsg_len (little-endian)
 * must equal len, a multiple of 4 in 20..STREAM_PAYLOAD_MAX.
 * stream_encode_hwsim_header() checks the same and writes only the
 * 12-byte header, for a transport that sends the message from where it
 * lies (writev) instead of copying it.
 */
ssize_t stream_encode_hwsim(void *buf, size_t size, const void *nlmsg, size_t len);
ssize_t stream_encode_hwsim_header(void *buf, size_t size, const void *nlmsg, size_t len);

ssize_t stream_encode_ping(void *buf, size_t size, uint64_t token);
ssize_t stream_encode_pong(void *buf, size_t size, uint64_t token);

/* Any parsed message, byte for byte as it was received (every field is kept). */
ssize_t stream_encode(void *buf, size_t size, const struct stream_msg *msg);


/* A guest name: 1..63 bytes of [A-Za-z0-9._-], the first a letter or digit. */
bool stream_name_valid(const char *name, size_t len);

/* Whether the protocol lets role send type (unknown types: false). */
bool stream_may_send(enum stream_role role, uint16_t type);

/* "HELLO", "HWSIM", ...; "?" for an unknown type. For log lines. */
const char *stream_type_name(uint16_t type);

#endif
