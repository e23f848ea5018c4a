/* SPDX-License-Identifier: MIT */
#include "stream.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>


#include "util/util.h"

_Static_assert(STREAM_TYPE_MAX < 32, "STREAM_BIT() is a 32-bit mask");
_Static_assert(STREAM_HELLO_FIXED + STREAM_MAC_LEN + STREAM_NAME_MAX <= UINT8_MAX,
	       "HELLO lengths fit its u8 length fields");

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EPROTO;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/*
 * The one policy table: payload bounds and who may send each type. Every
 * bound is checked from the header alone, before any payload is waited
 * for, so a peer cannot make a receiver buffer more than the type needs.
 */
#define FROM_AGENT (1u << STREAM_ROLE_AGENT)
#define FROM_MEDIUM (1u << STREAM_ROLE_MEDIUM)

struct type_policy {
	const char *name;
	uint32_t min, max;		/* payload length */
	unsigned int senders;
};

static const struct type_policy policy[STREAM_TYPE_MAX + 1] = {
	[STREAM_HELLO] = { "HELLO", STREAM_HELLO_FIXED + 1,
			   STREAM_HELLO_FIXED + STREAM_MAC_LEN + STREAM_NAME_MAX, FROM_AGENT },
	[STREAM_CHALLENGE] = { "CHALLENGE", STREAM_CHALLENGE_LEN, STREAM_CHALLENGE_LEN, FROM_MEDIUM },
	[STREAM_WELCOME] = { "WELCOME", STREAM_WELCOME_FIXED + 1,
			     STREAM_WELCOME_FIXED + STREAM_NAME_MAX, FROM_MEDIUM },
	[STREAM_REFUSE] = { "REFUSE", STREAM_CLOSE_FIXED, STREAM_CLOSE_FIXED + STREAM_TEXT_MAX,
			    FROM_MEDIUM },
	[STREAM_HWSIM] = { "HWSIM", STREAM_HWSIM_MIN, STREAM_PAYLOAD_MAX, FROM_AGENT | FROM_MEDIUM },
	[STREAM_PING] = { "PING", 8, 8, FROM_AGENT | FROM_MEDIUM },
	[STREAM_PONG] = { "PONG", 8, 8, FROM_AGENT | FROM_MEDIUM },
	[STREAM_BYE] = { "BYE", STREAM_CLOSE_FIXED, STREAM_CLOSE_FIXED + STREAM_TEXT_MAX,
			 FROM_AGENT | FROM_MEDIUM },
};

static bool type_known(uint32_t type)
{
	return type >= 1 && type <= STREAM_TYPE_MAX;
}

const char *stream_type_name(uint16_t type)
{
	return type_known(type) ? policy[type].name : "?";
}

bool stream_may_send(enum stream_role role, uint16_t type)
{
	return type_known(type) && (policy[type].senders & (1u << role));
}

/*
 * Names end up in logs, in the control API's tables and on its command
 * line, and as node names in config files: a first character that is a
 * letter or digit keeps them from reading as an option ("-x") or a hidden
 * or relative path (".", "..").
 */
static const char *name_check(const char *name, size_t len)
{
	if (len == 0)
		return "empty name";
	if (len > STREAM_NAME_MAX)
		return "name longer than 63 bytes";
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return i == 0 ? "name does not start with a letter or digit"
				      : "name has a character outside [A-Za-z0-9._-]";
	}
	return NULL;
}

bool stream_name_valid(const char *name, size_t len)
{
	return name && !name_check(name, len);
}

/*
 * Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF)
 * without C0, DEL or C1 control characters: a receiver logs the text as
 * it is, and a newline or an escape sequence in it would forge or garble
 * log lines.
 */
static const char *text_check(const char *text, size_t len)
{
	size_t i = 0;

	if (len > STREAM_TEXT_MAX)
		return "text longer than 255 bytes";
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(text + i, len - i, &cp);

		if (!n)
			return "text is not UTF-8";
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return "control character in text";
		i += n;
	}
	return NULL;
}

/*
 * The header fields present in buf[0..len), each checked as soon as it is
 * complete: 1 for a whole valid header (*type, *plen set), 0 for a valid
 * prefix (*type set once its bytes are there, else 0), -EPROTO otherwise.
 */
static int check_header(const uint8_t *buf, size_t len, uint16_t *type, uint32_t *plen,
			const char **why)
{
	static const uint8_t magic[4] = { 'W', 'M', 'P', '1' };
	uint32_t n;

	*type = 0;
	if (len && memcmp(buf, magic, len < 4 ? len : 4) != 0)
		return fail(why, "bad magic");
	if (len < 6)
		return 0;
	if (get16(buf + 4) != STREAM_VERSION)
		return fail(why, "unsupported version");
	if (len < 8)
		return 0;
	if (!type_known(get16(buf + 6)))
		return fail(why, "unknown type");
	*type = get16(buf + 6);
	if (len < STREAM_HDR_LEN)
		return 0;
	n = get32(buf + 8);
	if (n > STREAM_PAYLOAD_MAX)
		return fail(why, "length over 65536");
	if (n < policy[*type].min || n > policy[*type].max)
		return fail(why, "length wrong for the type");
	*plen = n;
	return 1;
}

static int parse_hello(const uint8_t *p, uint32_t len, struct stream_hello *h, const char **why)
{
	const char *reason;
	uint8_t name_len;

	h->version_min = get16(p);
	h->version_max = get16(p + 2);
	h->flags = get32(p + 4);
	h->radios = get16(p + 8);
	h->auth_len = p[10];
	name_len = p[11];
	if (h->version_min == 0 || h->version_min > h->version_max)
		return fail(why, "HELLO: bad version range");
	if (h->auth_len != 0 && h->auth_len != STREAM_MAC_LEN)
		return fail(why, "HELLO: authenticator length not 0 or 32");
	if (len != (uint32_t)STREAM_HELLO_FIXED + h->auth_len + name_len)
		return fail(why, "HELLO: length does not match its fields");
	reason = name_check((const char *)p + STREAM_HELLO_FIXED + h->auth_len, name_len);
	if (reason)
		return fail(why, reason);
	memcpy(h->auth, p + STREAM_HELLO_FIXED, h->auth_len);
	memcpy(h->name, p + STREAM_HELLO_FIXED + h->auth_len, name_len);
	h->name[name_len] = '\0';
	return 0;
}

static int parse_welcome(const uint8_t *p, uint32_t len, struct stream_welcome *w,
			 const char **why)
{
	size_t name_len = len - STREAM_WELCOME_FIXED;
	const char *reason;

	w->version = get16(p);
	w->flags = get16(p + 2);
	w->keepalive_ms = get32(p + 4);
	if (w->version == 0)
		return fail(why, "WELCOME: version 0");
	if (w->keepalive_ms && (w->keepalive_ms < STREAM_KEEPALIVE_MIN_MS ||
				w->keepalive_ms > STREAM_KEEPALIVE_MAX_MS))
		return fail(why, "WELCOME: keepalive not 0 or 100..3600000 ms");
	reason = name_check((const char *)p + STREAM_WELCOME_FIXED, name_len);
	if (reason)
		return fail(why, reason);
	memcpy(w->name, p + STREAM_WELCOME_FIXED, name_len);
	w->name[name_len] = '\0';
	return 0;
}

static int parse_close(const uint8_t *p, uint32_t len, struct stream_close *c, const char **why)
{
	const char *reason;

	c->reason = get32(p);
	c->text = (const char *)p + STREAM_CLOSE_FIXED;
	c->text_len = len - STREAM_CLOSE_FIXED;
	reason = text_check(c->text, c->text_len);
	return reason ? fail(why, reason) : 0;
}

static const char *hwsim_check(const uint8_t *p, size_t len)
{
	if (len % 4)
		return "HWSIM: length not a multiple of 4";
	if (get32(p) != len)
		return "HWSIM: nlmsg_len is not the payload length";
	return NULL;
}

static int parse_payload(const uint8_t *p, uint32_t len, struct stream_msg *m, const char **why)
{
	const char *reason;

	switch ((enum stream_type)m->type) {
	case STREAM_HELLO:
		return parse_hello(p, len, &m->hello, why);
	case STREAM_CHALLENGE:
		memcpy(m->challenge, p, STREAM_CHALLENGE_LEN);
		return 0;
	case STREAM_WELCOME:
		return parse_welcome(p, len, &m->welcome, why);
	case STREAM_REFUSE:
		return parse_close(p, len, &m->refuse, why);
	case STREAM_BYE:
		return parse_close(p, len, &m->bye, why);
	case STREAM_HWSIM:
		reason = hwsim_check(p, len);
		if (reason)
			return fail(why, reason);
		m->hwsim.msg = p;
		m->hwsim.len = len;
		return 0;
	case STREAM_PING:
	case STREAM_PONG:
		m->token = get64(p);
		return 0;
	}
	return fail(why, "unknown type");	/* not reached: check_header() knows the types */
}

int stream_parse(const uint8_t *buf, size_t len, struct stream_msg *out, size_t *consumed,
		 const char **why)
{
	uint16_t type;
	uint32_t plen = 0;
	int r;

	*consumed = 0;
	r = check_header(buf, len, &type, &plen, why);
	if (r <= 0)
		return r;
	if (len - STREAM_HDR_LEN < plen)
		return 0;
	memset(out, 0, sizeof(*out));
	out->type = type;
	out->len = plen;
	r = parse_payload(buf + STREAM_HDR_LEN, plen, out, why);
	if (r < 0)
		return r;
	*consumed = STREAM_HDR_LEN + (size_t)plen;
	return 1;
}

size_t stream_resync(const uint8_t *buf, size_t len, uint32_t types)
{
	for (size_t i = 0; i < len; i++) {
		uint16_t type;
		uint32_t plen;

		if (check_header(buf + i, len - i, &type, &plen, NULL) < 0)
			continue;
		if (type && !(types & STREAM_BIT(type)))
			continue;
		return i;
	}
	return len;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

static void write_header(uint8_t *p, enum stream_type type, size_t plen)
{
	put32(p, STREAM_MAGIC);
	put16(p + 4, STREAM_VERSION);
	put16(p + 6, (uint16_t)type);
	put32(p + 8, (uint32_t)plen);
}

/* The header of a message of type with a plen-byte payload, if plen suits type and it all fits. */
static ssize_t put_header(void *buf, size_t size, enum stream_type type, size_t plen)
{
	if (plen < policy[type].min || plen > policy[type].max)
		return -EINVAL;
	if (size < STREAM_HDR_LEN + plen)
		return -ENOSPC;
	write_header(buf, type, plen);
	return (ssize_t)(STREAM_HDR_LEN + plen);
}

ssize_t stream_encode_hello(void *buf, size_t size, uint16_t version_min, uint16_t version_max,
			    uint32_t flags, uint16_t radios, const char *name,
			    const uint8_t *auth)
{
	size_t name_len = name ? strnlen(name, STREAM_NAME_MAX + 1) : 0;
	size_t auth_len = auth ? STREAM_MAC_LEN : 0;
	uint8_t *p;
	ssize_t n;

	if (version_min == 0 || version_min > version_max || !stream_name_valid(name, name_len))
		return -EINVAL;
	n = put_header(buf, size, STREAM_HELLO, STREAM_HELLO_FIXED + auth_len + name_len);
	if (n < 0)
		return n;
	p = (uint8_t *)buf + STREAM_HDR_LEN;
	put16(p, version_min);
	put16(p + 2, version_max);
	put32(p + 4, flags);
	put16(p + 8, radios);
	p[10] = (uint8_t)auth_len;
	p[11] = (uint8_t)name_len;
	if (auth)
		memcpy(p + STREAM_HELLO_FIXED, auth, auth_len);
	memcpy(p + STREAM_HELLO_FIXED + auth_len, name, name_len);
	return n;
}

ssize_t stream_encode_challenge(void *buf, size_t size,
				const uint8_t challenge[STREAM_CHALLENGE_LEN])
{
	ssize_t n = put_header(buf, size, STREAM_CHALLENGE, STREAM_CHALLENGE_LEN);

	if (n < 0)
		return n;
	memcpy((uint8_t *)buf + STREAM_HDR_LEN, challenge, STREAM_CHALLENGE_LEN);
	return n;
}

ssize_t stream_encode_welcome(void *buf, size_t size, uint16_t version, uint16_t flags,
			      uint32_t keepalive_ms, const char *name)
{
	size_t name_len = name ? strnlen(name, STREAM_NAME_MAX + 1) : 0;
	uint8_t *p;
	ssize_t n;

	if (version == 0 || !stream_name_valid(name, name_len) ||
	    (keepalive_ms && (keepalive_ms < STREAM_KEEPALIVE_MIN_MS ||
			      keepalive_ms > STREAM_KEEPALIVE_MAX_MS)))
		return -EINVAL;
	n = put_header(buf, size, STREAM_WELCOME, STREAM_WELCOME_FIXED + name_len);
	if (n < 0)
		return n;
	p = (uint8_t *)buf + STREAM_HDR_LEN;
	put16(p, version);
	put16(p + 2, flags);
	put32(p + 4, keepalive_ms);
	memcpy(p + STREAM_WELCOME_FIXED, name, name_len);
	return n;
}

static ssize_t encode_close(void *buf, size_t size, enum stream_type type, uint32_t reason,
			    const char *text, size_t text_len)
{
	uint8_t *p;
	ssize_t n;

	if ((text_len && !text) || text_check(text, text_len))
		return -EINVAL;
	n = put_header(buf, size, type, STREAM_CLOSE_FIXED + text_len);
	if (n < 0)
		return n;
	p = (uint8_t *)buf + STREAM_HDR_LEN;
	put32(p, reason);
	if (text_len)
		memcpy(p + STREAM_CLOSE_FIXED, text, text_len);
	return n;
}

ssize_t stream_encode_refuse(void *buf, size_t size, uint32_t reason, const char *text,
			     size_t text_len)
{
	return encode_close(buf, size, STREAM_REFUSE, reason, text, text_len);
}

ssize_t stream_encode_bye(void *buf, size_t size, uint32_t reason, const char *text,
			  size_t text_len)
{
	return encode_close(buf, size, STREAM_BYE, reason, text, text_len);
}

ssize_t stream_encode_hwsim_header(void *buf, size_t size, const void *nlmsg, size_t len)
{
	if (!nlmsg || len < STREAM_HWSIM_MIN || len > STREAM_PAYLOAD_MAX || hwsim_check(nlmsg, len))
		return -EINVAL;
	if (size < STREAM_HDR_LEN)
		return -ENOSPC;
	write_header(buf, STREAM_HWSIM, len);
	return STREAM_HDR_LEN;
}

ssize_t stream_encode_hwsim(void *buf, size_t size, const void *nlmsg, size_t len)
{
	ssize_t n;

	if (!nlmsg || len < STREAM_HWSIM_MIN || len > STREAM_PAYLOAD_MAX || hwsim_check(nlmsg, len))
		return -EINVAL;
	n = put_header(buf, size, STREAM_HWSIM, len);
	if (n < 0)
		return n;
	memcpy((uint8_t *)buf + STREAM_HDR_LEN, nlmsg, len);
	return n;
}

static ssize_t encode_token(void *buf, size_t size, enum stream_type type, uint64_t token)
{
	ssize_t n = put_header(buf, size, type, 8);

	if (n < 0)
		return n;
	put64((uint8_t *)buf + STREAM_HDR_LEN, token);
	return n;
}

ssize_t stream_encode_ping(void *buf, size_t size, uint64_t token)
{
	return encode_token(buf, size, STREAM_PING, token);
}

ssize_t stream_encode_pong(void *buf, size_t size, uint64_t token)
{
	return encode_token(buf, size, STREAM_PONG, token);
}

ssize_t stream_encode(void *buf, size_t size, const struct stream_msg *m)
{
	const struct stream_hello *h = &m->hello;

	switch ((enum stream_type)m->type) {
	case STREAM_HELLO:
		if (h->auth_len != 0 && h->auth_len != STREAM_MAC_LEN)
			return -EINVAL;
		return stream_encode_hello(buf, size, h->version_min, h->version_max, h->flags,
					   h->radios, h->name, h->auth_len ? h->auth : NULL);
	case STREAM_CHALLENGE:
		return stream_encode_challenge(buf, size, m->challenge);
	case STREAM_WELCOME:
		return stream_encode_welcome(buf, size, m->welcome.version, m->welcome.flags,
					     m->welcome.keepalive_ms, m->welcome.name);
	case STREAM_REFUSE:
		return stream_encode_refuse(buf, size, m->refuse.reason, m->refuse.text,
					    m->refuse.text_len);
	case STREAM_BYE:
		return stream_encode_bye(buf, size, m->bye.reason, m->bye.text, m->bye.text_len);
	case STREAM_HWSIM:
		return stream_encode_hwsim(buf, size, m->hwsim.msg, m->hwsim.len);
	case STREAM_PING:
		return stream_encode_ping(buf, size, m->token);
	case STREAM_PONG:
		return stream_encode_pong(buf, size, m->token);
	}
	return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* Authentication                                                      */

/* ------------------------------------------------------------- receiving */

void stream_rx_init(struct stream_rx *rx, uint32_t resync_types)
{
	*rx = (struct stream_rx){ .buf = xmalloc(STREAM_MSG_MAX), .resync_types = resync_types };
}

void stream_rx_deinit(struct stream_rx *rx)
{
	free(rx->buf);
	rx->buf = NULL;
}

uint8_t *stream_rx_space(struct stream_rx *rx, size_t *room)
{
	*room = STREAM_MSG_MAX - rx->have;
	return rx->buf + rx->have;
}

void stream_rx_reset(struct stream_rx *rx, bool resync)
{
	rx->have = 0;
	rx->resyncing = resync;
	rx->resets++;
}

void stream_rx_resync(struct stream_rx *rx)
{
	rx->resyncing = true;
}

/* Drop the first off bytes, which were consumed. */
static void rx_consume(struct stream_rx *rx, size_t off)
{
	memmove(rx->buf, rx->buf + off, rx->have - off);
	rx->have -= off;
}

int stream_rx_take(struct stream_rx *rx, size_t n, stream_rx_cb *cb, void *data, const char **why)
{
	unsigned resets = rx->resets;
	size_t off = 0;

	rx->have += n;
	while (off < rx->have) {
		struct stream_msg m;
		size_t used = 0;
		const char *w = NULL;
		int ret;

		if (rx->resyncing) {
			off += stream_resync(rx->buf + off, rx->have - off, rx->resync_types);
			if (off >= rx->have)
				break;
		}
		ret = stream_parse(rx->buf + off, rx->have - off, &m, &used, &w);
		if (ret == 0)
			break;
		if (ret < 0) {
			if (rx->resyncing) {
				off++;	/* a false match: look further */
				continue;
			}
			rx_consume(rx, off);	/* a resync starts at the bad bytes */
			if (why)
				*why = w;
			return -EPROTO;
		}
		rx->resyncing = false;
		off += used;
		/* m points into buf: the rest moves only after cb is done with it. */
		if (!cb(data, &m)) {
			if (rx->resets == resets)
				rx_consume(rx, off);
			return 1;
		}
		if (rx->resets != resets)
			return 0;	/* cb started over: what was buffered is gone */
	}
	rx_consume(rx, off);
	return 0;
}
