/* SPDX-License-Identifier: MIT */
/*
 * hwsim_decode() on arbitrary bytes, then everything that consumes its
 * output: hwsim_to_medium_tx(), and re-encoding, whose result must pass the
 * 6.1 guest's rules and decode to the same message. Also the guest-rules
 * checker and the ACK decoder on the raw input. Invariant failures abort.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/hwsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Alignas(8) uint8_t out[HWSIM_MSG_MAX];

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Reads every byte the message points to, so ASan sees any pointer past the input. */
static unsigned int touch(const uint8_t *p, size_t n)
{
	unsigned int sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	return sum;
}

static void reencode(const struct hwsim_msg *m)
{
	struct hwsim_msg m2;
	const char *why = NULL;
	ssize_t n = hwsim_encode(out, sizeof(out), m->nl_type, m->seq, m);

	if (n < 0) {
		/* Only a guest's frame longer than any kernel policy takes cannot be re-encoded. */
		check(n == -EINVAL && m->frame_len > HWSIM_RX_FRAME_MAX);
		return;
	}
	check(hwsim_guest_validate(out, (size_t)n, HWSIM_ATTR_MAX_6_1, &why) == 0);
	check(hwsim_decode(out, (size_t)n, &m2, &why) == 0);
	check(m2.cmd == m->cmd && m2.attrs == m->attrs && m2.frame_len == m->frame_len);
	check(!m->frame_len || memcmp(m2.frame, m->frame, m->frame_len) == 0);
	check(memcmp(m2.rates, m->rates, sizeof(m->rates)) == 0);
	check(m2.cookie == m->cookie && m2.flags == m->flags && m2.freq == m->freq);
	check(m2.radio_name_len == m->radio_name_len && m2.cipher_support_len == m->cipher_support_len);
	check(memcmp(m2.receiver, m->receiver, 6) == 0 && memcmp(m2.transmitter, m->transmitter, 6) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy: aligned, and ASan flags any read past it. */
	uint8_t *in = malloc(size ? size : 1);
	struct hwsim_msg m;
	struct medium_tx tx;
	const char *why = NULL;
	uint32_t seq;
	int32_t err;
	int r;

	if (!in)
		return 0;
	if (size)
		memcpy(in, data, size);

	hwsim_guest_validate(in, size, HWSIM_ATTR_MAX_6_1, &why);
	hwsim_guest_validate(in, size, HWSIM_ATTR_MAX, &why);
	hwsim_guest_validate_rx(in, size, &why);
	hwsim_decode_ack(in, size, &seq, &err);

	why = NULL;
	r = hwsim_decode(in, size, &m, &why);
	check(r == 0 || r == -EINVAL || r == -EBADMSG || r == -EOPNOTSUPP);
	check(r == 0 || why != NULL);
	if (r == 0) {
		if (m.frame)
			touch(m.frame, m.frame_len);
		if (m.radio_name)
			touch((const uint8_t *)m.radio_name, m.radio_name_len);
		if (m.cipher_support)
			touch(m.cipher_support, m.cipher_support_len);
		if (hwsim_is_tx_frame(&m)) {
			if (hwsim_to_medium_tx(&m, 1, &tx, &why) == 0) {
				check(tx.frame == m.frame && tx.len == m.frame_len);
				check(tx.ac <= MEDIUM_AC_VO && (!tx.group || tx.no_ack));
			}
			/* A failed status for any decoded guest frame is a valid delivery. */
			ssize_t n = hwsim_encode_tx_failed(out, sizeof(out), 0, 0, &m);

			check(n > 0 && hwsim_guest_validate_rx(out, (size_t)n, &why) == 0);
		}
		reencode(&m);
	}
	free(in);
	return 0;
}
