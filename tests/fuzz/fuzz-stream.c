/* SPDX-License-Identifier: MIT */
/*
 * Arbitrary bytes through stream_parse() the way a connection reads them:
 * message after message, resyncing after an error (as on a virtio-serial
 * port). Every parsed message must re-encode to exactly the bytes it came
 * from and parse back the same; every prefix of it must ask for more bytes;
 * the same input cut into chunks must give the same messages and the same
 * first error, also through stream_rx (the reader both ends use).
 * Invariant failures abort.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ALL_TYPES (((UINT32_C(1) << (STREAM_TYPE_MAX + 1)) - 1) & ~UINT32_C(1))
#define MAX_EVENTS 512

static uint8_t out[STREAM_MSG_MAX];

/* What the whole-buffer pass saw, to compare with the chunked pass. */
struct event {
	int r;			/* 1 or -EPROTO */
	size_t used;
	uint16_t type;
	const char *why;
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Reads every byte a pointer covers, so ASan sees any pointer past the input. */
static unsigned int touch(const void *p, size_t n)
{
	const volatile uint8_t *b = p;
	unsigned int sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += b[i];
	return sum;
}

static bool header_reason(const char *why)
{
	return !strcmp(why, "bad magic") || !strcmp(why, "unsupported version") ||
	       !strcmp(why, "unknown type") || !strcmp(why, "length over 65536") ||
	       !strcmp(why, "length wrong for the type");
}

static bool same(const struct stream_msg *a, const struct stream_msg *b)
{
	if (a->type != b->type || a->len != b->len)
		return false;
	switch ((enum stream_type)a->type) {
	case STREAM_HELLO:
		return a->hello.version_min == b->hello.version_min &&
		       a->hello.version_max == b->hello.version_max &&
		       a->hello.flags == b->hello.flags && a->hello.radios == b->hello.radios &&
		       a->hello.auth_len == b->hello.auth_len &&
		       !memcmp(a->hello.auth, b->hello.auth, a->hello.auth_len) &&
		       !strcmp(a->hello.name, b->hello.name);
	case STREAM_CHALLENGE:
		return !memcmp(a->challenge, b->challenge, STREAM_CHALLENGE_LEN);
	case STREAM_WELCOME:
		return a->welcome.version == b->welcome.version && a->welcome.flags == b->welcome.flags &&
		       a->welcome.keepalive_ms == b->welcome.keepalive_ms &&
		       !strcmp(a->welcome.name, b->welcome.name);
	case STREAM_REFUSE:
	case STREAM_BYE:
		return a->bye.reason == b->bye.reason && a->bye.text_len == b->bye.text_len &&
		       (!a->bye.text_len || !memcmp(a->bye.text, b->bye.text, a->bye.text_len));
	case STREAM_HWSIM:
		return a->hwsim.len == b->hwsim.len && !memcmp(a->hwsim.msg, b->hwsim.msg, a->hwsim.len);
	case STREAM_PING:
	case STREAM_PONG:
		return a->token == b->token;
	}
	return false;
}

/* Everything that must hold for a message parsed from msg[0..used). */
static void parsed(const uint8_t *msg, size_t used, const struct stream_msg *m)
{
	struct stream_msg m2;
	size_t used2;
	ssize_t n;

	check(used >= STREAM_HDR_LEN && used == STREAM_HDR_LEN + (size_t)m->len);
	check(m->type >= 1 && m->type <= STREAM_TYPE_MAX);
	check(strcmp(stream_type_name(m->type), "?") != 0);
	switch ((enum stream_type)m->type) {
	case STREAM_HELLO:
		check(stream_name_valid(m->hello.name, strlen(m->hello.name)));
		check(m->hello.auth_len == 0 || m->hello.auth_len == STREAM_MAC_LEN);
		check(m->hello.version_min >= 1 && m->hello.version_min <= m->hello.version_max);
		break;
	case STREAM_WELCOME:
		check(stream_name_valid(m->welcome.name, strlen(m->welcome.name)));
		break;
	case STREAM_REFUSE:
	case STREAM_BYE:
		check(m->bye.text_len <= STREAM_TEXT_MAX);
		check(m->bye.text == (const char *)msg + STREAM_HDR_LEN + 4);
		touch(m->bye.text, m->bye.text_len);
		break;
	case STREAM_HWSIM:
		check(m->hwsim.msg == msg + STREAM_HDR_LEN && m->hwsim.len == m->len);
		touch(m->hwsim.msg, m->hwsim.len);
		n = stream_encode_hwsim_header(out, sizeof(out), m->hwsim.msg, m->hwsim.len);
		check(n == STREAM_HDR_LEN && !memcmp(out, msg, STREAM_HDR_LEN));
		break;
	case STREAM_CHALLENGE:
	case STREAM_PING:
	case STREAM_PONG:
		break;
	}

	/* Canonical: re-encoding gives the very bytes, which parse the same. */
	n = stream_encode(out, sizeof(out), m);
	check(n == (ssize_t)used && !memcmp(out, msg, used));
	check(stream_parse(out, (size_t)n, &m2, &used2, NULL) == 1 && used2 == used && same(m, &m2));
	check(stream_encode(out, used - 1, m) == -ENOSPC);

	/* Every prefix is only "more, please". */
	for (size_t k = 0; k <= STREAM_HDR_LEN && k < used; k++)
		check(stream_parse(msg, k, &m2, &used2, NULL) == 0 && used2 == 0);
	check(stream_parse(msg, used - 1, &m2, &used2, NULL) == 0);
}

/* The whole input as one receive buffer; returns the events up to the first error. */
static size_t whole(const uint8_t *in, size_t size, struct event *ev, uint32_t mask)
{
	size_t at = 0, count = 0;
	bool resynced = false, errored = false;

	while (at < size) {
		struct stream_msg m;
		const char *why = NULL;
		size_t used = 77;
		int r = stream_parse(in + at, size - at, &m, &used, &why);

		check(r == 1 || r == 0 || r == -EPROTO);
		if (r == 0) {
			check(used == 0 && why == NULL);
			break;
		}
		if (r == 1) {
			parsed(in + at, used, &m);
			if (resynced)
				check(mask & STREAM_BIT(m.type));
		} else {
			check(used == 0 && why != NULL);
			/* Resync only stops where a header of a wanted type may start. */
			if (resynced)
				check(!header_reason(why));
		}
		if (!errored && count < MAX_EVENTS)
			ev[count++] = (struct event){ r, used, r == 1 ? m.type : 0, why };
		resynced = false;
		if (r == 1) {
			at += used;
			continue;
		}
		errored = true;
		/* As a virtio-serial receiver does: drop a byte, look for the next header. */
		size_t skip = stream_resync(in + at + 1, size - at - 1, mask);

		check(skip <= size - at - 1);
		at += 1 + skip;
		resynced = true;
	}
	return count;
}

/* The same bytes arriving in chunks of pseudo-random sizes, parsed as they come. */
static void chunked(const uint8_t *in, size_t size, const struct event *ev, size_t count,
		    unsigned int seed)
{
	static uint8_t rx[STREAM_MSG_MAX];
	size_t have = 0, fed = 0, seen = 0;

	while (fed < size) {
		size_t chunk;

		seed = seed * 1103515245u + 12345u;
		chunk = 1 + (seed >> 16) % 97;
		if (chunk > size - fed)
			chunk = size - fed;
		if (chunk > sizeof(rx) - have)
			chunk = sizeof(rx) - have;
		memcpy(rx + have, in + fed, chunk);
		have += chunk;
		fed += chunk;
		for (;;) {
			struct stream_msg m;
			const char *why = NULL;
			size_t used;
			int r = stream_parse(rx, have, &m, &used, &why);

			if (r == 0)
				break;
			if (seen == count)
				return;		/* past what the whole pass recorded */
			check(r == ev[seen].r && used == ev[seen].used);
			check(r == 1 ? m.type == ev[seen].type : !strcmp(why, ev[seen].why));
			seen++;
			if (r < 0)
				return;
			memmove(rx, rx + used, have - used);
			have -= used;
		}
	}
	/* Everything the whole pass parsed, the chunked one did too. */
	check(seen == count || (count == MAX_EVENTS));
}

struct rx_seen {
	const struct event *ev;
	size_t count, seen;
};

static bool rx_msg(void *data, const struct stream_msg *m)
{
	struct rx_seen *s = data;

	if (s->seen < s->count)
		check(s->ev[s->seen].r == 1 && s->ev[s->seen].type == m->type);
	s->seen++;
	return true;
}

/*
 * The same bytes in chunks through stream_rx, the reader both ends of
 * airport use: the whole pass's messages, then its first error.
 */
static void via_rx(const uint8_t *in, size_t size, const struct event *ev, size_t count,
		   unsigned int seed)
{
	struct rx_seen s = { ev, count, 0 };
	struct stream_rx rx;
	size_t fed = 0;
	bool errored = false;

	stream_rx_init(&rx, 0);
	while (fed < size) {
		const char *why = NULL;
		size_t room, chunk;
		uint8_t *space = stream_rx_space(&rx, &room);
		int r;

		check(room > 0);
		seed = seed * 1103515245u + 12345u;
		chunk = 1 + (seed >> 16) % 211;
		if (chunk > size - fed)
			chunk = size - fed;
		if (chunk > room)
			chunk = room;
		memcpy(space, in + fed, chunk);
		fed += chunk;
		r = stream_rx_take(&rx, chunk, rx_msg, &s, &why);
		if (r < 0) {
			check(r == -EPROTO && why);
			if (s.seen < count)
				check(ev[s.seen].r == -EPROTO && !strcmp(why, ev[s.seen].why));
			errored = true;
			break;
		}
		check(r == 0);
	}
	/* The whole pass recorded exactly these messages (and this error), unless it ran out of room. */
	check(count == MAX_EVENTS || s.seen + errored == count);
	stream_rx_deinit(&rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event ev[MAX_EVENTS];
	/* An exact-size heap copy: ASan flags any read past it. */
	uint8_t *in = malloc(size ? size : 1);
	uint32_t mask = ALL_TYPES;
	size_t count;

	if (!in)
		return 0;
	if (size)
		memcpy(in, data, size);
	/* Half the inputs resync to what a medium wants after an error, half to any type. */
	if (size && (in[size - 1] & 1))
		mask = STREAM_BIT(STREAM_HELLO) | STREAM_BIT(STREAM_BYE);

	count = whole(in, size, ev, mask);
	chunked(in, size, ev, count, size ? in[0] : 0);
	via_rx(in, size, ev, count, size ? in[size / 2] : 0);
	free(in);
	return 0;
}
