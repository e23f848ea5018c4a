/* SPDX-License-Identifier: MIT */
/*
 * A hand builder for raw hwsim netlink messages, independent of the codec,
 * and the checks that a message passes the 6.1 guest's rules, shared by the
 * codec's tests. The includer includes cmocka and proto/hwsim.h and defines
 * FAMILY (the nlmsg_type its messages carry) before including this.
 */
#ifndef WM_TESTS_HWSIM_RAW_H
#define WM_TESTS_HWSIM_RAW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct raw {
	_Alignas(8) uint8_t b[4096];
	size_t len;
};

static inline void raw_sync(struct raw *r)
{
	uint32_t l = (uint32_t)r->len;

	memcpy(r->b, &l, 4);
}

static inline void raw_start(struct raw *r, uint8_t cmd)
{
	memset(r, 0, sizeof(*r));
	r->b[4] = FAMILY;
	r->b[16] = cmd;
	r->b[17] = 1;
	r->len = 20;
	raw_sync(r);
}

static inline void raw_attr(struct raw *r, uint16_t type, const void *data, uint16_t len)
{
	uint16_t nla_len = (uint16_t)(4 + len);

	memcpy(r->b + r->len, &nla_len, 2);
	memcpy(r->b + r->len + 2, &type, 2);
	if (len)
		memcpy(r->b + r->len + 4, data, len);
	r->len += (nla_len + 3u) & ~3u;
	raw_sync(r);
}

static inline void raw_u32(struct raw *r, uint16_t type, uint32_t v)
{
	raw_attr(r, type, &v, 4);
}

static inline void raw_u64(struct raw *r, uint16_t type, uint64_t v)
{
	raw_attr(r, type, &v, 8);
}

static inline void assert_guest_ok(const void *b, ssize_t n)
{
	const char *why = "";
	int r;

	assert_true(n > 0);
	r = hwsim_guest_validate(b, (size_t)n, HWSIM_ATTR_MAX_6_1, &why);
	if (r)
		fail_msg("guest would reject: %s", why);
}

static inline void assert_guest_rx_ok(const void *b, ssize_t n)
{
	const char *why = "";

	assert_guest_ok(b, n);
	if (hwsim_guest_validate_rx(b, (size_t)n, &why))
		fail_msg("guest RX would reject: %s", why);
}

#endif
