/* SPDX-License-Identifier: MIT */
/*
 * The daemon's hub with synthetic clients in place of transports: real
 * hwsim messages in, real messages out, checked against the 6.1 guest's
 * rules; garbage from one client costs nobody else anything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "daemon/loop.h"
#include "daemon/wm.h"
#include "proto/hwsim.h"

#define MAXMSG 64

struct peer {
	struct wm_client *c;
	unsigned n;
	uint8_t msgs[MAXMSG][HWSIM_MSG_MAX] __attribute__((aligned(4)));
	size_t lens[MAXMSG];
	int fail_sends;			/* make send() fail */
};

static int peer_send(struct wm_client *c, const void *msg, size_t len)
{
	struct peer *p = c->priv;

	if (p->fail_sends)
		return -EPIPE;
	assert_true(len <= HWSIM_MSG_MAX);
	if (p->n < MAXMSG) {
		memcpy(p->msgs[p->n], msg, len);
		p->lens[p->n++] = len;
	}
	return 0;
}

static const struct wm_client_ops peer_ops = { .send = peer_send };

struct fixture {
	struct loop *loop;
	struct wm wm;
	struct peer a, b;
};

static const uint8_t id_a[6] = { 0x42, 0, 0, 0, 0, 0 }, addr_a[6] = { 0x02, 0xa0, 0, 0, 0, 1 };
static const uint8_t id_b[6] = { 0x42, 0, 0, 0, 1, 0 }, addr_b[6] = { 0x02, 0xb0, 0, 0, 0, 2 };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct medium_params p;

	log_set_level(LOG_LEVEL_ERROR);
	medium_params_init(&p);
	p.link_model = MEDIUM_LINK_SNR;
	f->loop = loop_new();
	assert_non_null(f->loop);
	wm_init(&f->wm, f->loop, &p);
	f->a.c = wm_client_new(&f->wm, "vm:a", 0x1d, &peer_ops, &f->a);
	f->b.c = wm_client_new(&f->wm, "vm:b", 0x1d, &peer_ops, &f->b);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	wm_deinit(&f->wm);
	loop_free(f->loop);
	free(f);
	return 0;
}

static void input(struct fixture *f, struct peer *p, const void *msg, ssize_t len, int expect)
{
	static uint8_t copy[HWSIM_MSG_MAX + 64] __attribute__((aligned(4)));

	assert_true(len > 0 && (size_t)len <= sizeof(copy));
	memcpy(copy, msg, (size_t)len);
	assert_int_equal(wm_client_input(&f->wm, p->c, copy, (size_t)len), expect);
}

static void announce(struct fixture *f, struct peer *p, const uint8_t id[6], const uint8_t a[6])
{
	uint8_t buf[128] __attribute__((aligned(4)));

	input(f, p, buf, hwsim_encode_mac_addr(buf, sizeof(buf), 0x1d, 1, true, id, a), 0);
}

/* A data frame from `from' to `to', as a guest's radio `id' transmits it. */
static ssize_t frame_msg(uint8_t *buf, size_t size, const uint8_t id[6], const uint8_t *from,
			 const uint8_t *to, uint64_t cookie, int8_t rate_idx)
{
	uint8_t frame[100] = { 0x08, 0x00 };
	struct hwsim_rate rates[HWSIM_TX_MAX_RATES] = {
		{ rate_idx, 3, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};

	memcpy(frame + 4, to, 6);
	memcpy(frame + 10, from, 6);
	memcpy(frame + 16, from, 6);
	return hwsim_encode_frame_tx(buf, size, 0x1d, 7, id, frame, sizeof(frame),
				     HWSIM_TX_CTL_REQ_TX_STATUS, rates, cookie, 2412);
}

/* Let simulated time pass until `want' messages reached p (at most ~1 s). */
static void wait_msgs(struct fixture *f, struct peer *p, unsigned want)
{
	for (int i = 0; i < 1000 && p->n < want; i++) {
		struct timespec ts = { 0, 1000000 };

		nanosleep(&ts, NULL);
		wm_sync(&f->wm);
	}
}

static void test_frame_delivered_and_acked(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(4)));
	struct hwsim_msg m;
	const char *why = NULL;

	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 77, 0), 0);
	wait_msgs(f, &f->a, 1);

	/* B got the frame, in a form its guest accepts. */
	assert_int_equal(f->b.n, 1);
	assert_int_equal(hwsim_guest_validate_rx(f->b.msgs[0], f->b.lens[0], &why), 0);
	assert_int_equal(hwsim_decode(f->b.msgs[0], f->b.lens[0], &m, &why), 0);
	assert_int_equal(m.cmd, HWSIM_CMD_FRAME);
	assert_memory_equal(m.receiver, id_b, 6);
	assert_int_equal(m.freq, 2412);
	assert_int_equal(m.signal, -94 + 30);	/* default SNR 30 over a 20 MHz noise floor */

	/* A got exactly one acked status for its cookie. */
	assert_int_equal(f->a.n, 1);
	assert_int_equal(hwsim_guest_validate_rx(f->a.msgs[0], f->a.lens[0], &why), 0);
	assert_int_equal(hwsim_decode(f->a.msgs[0], f->a.lens[0], &m, &why), 0);
	assert_int_equal(m.cmd, HWSIM_CMD_TX_INFO_FRAME);
	assert_int_equal(m.cookie, 77);
	assert_true(m.flags & HWSIM_TX_STAT_ACK);
	assert_int_equal(m.rates[0].idx, 0);
	assert_int_equal(m.rates[0].count, 1);
	assert_int_equal(m.rates[1].idx, -1);
	assert_int_equal(f->a.c->c.frames_in, 1);
	assert_int_equal(f->b.c->c.msgs_out, 1);
}

static void test_garbage_costs_only_its_sender(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(4)));
	uint8_t junk[64] __attribute__((aligned(4)));
	ssize_t len;

	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	memset(junk, 0xa5, sizeof(junk));
	assert_true(wm_client_input(&f->wm, f->a.c, junk, sizeof(junk)) < 0);
	/* Truncated in the middle of an attribute. */
	len = frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 1, 0);
	((struct { uint32_t len; } *)buf)->len = (uint32_t)len;
	assert_true(wm_client_input(&f->wm, f->a.c, buf, (size_t)len - 7) < 0);
	assert_int_equal(f->a.c->c.bad_msgs, 2);
	assert_int_equal(f->b.c->c.bad_msgs, 0);

	/* B's traffic to A is untouched. */
	input(f, &f->b, buf, frame_msg(buf, sizeof(buf), id_b, addr_b, addr_a, 5, 0), 0);
	wait_msgs(f, &f->b, 1);
	assert_int_equal(f->a.n, 1);
	assert_int_equal(f->b.n, 1);
}

static void test_unsimulatable_frame_still_answered(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(4)));
	struct hwsim_msg m;
	const char *why;
	/* A 10-byte frame claiming to be data: no addr2, addr3; the header does not parse. */
	uint8_t frame[10] = { 0x08, 0x00 };
	struct hwsim_rate rates[HWSIM_TX_MAX_RATES] = {
		{ 0, 1, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};
	ssize_t len = hwsim_encode_frame_tx(buf, sizeof(buf), 0x1d, 1, id_a, frame, sizeof(frame),
					    HWSIM_TX_CTL_REQ_TX_STATUS, rates, 99, 2412);

	input(f, &f->a, buf, len, -EINVAL);
	/* The cookie is answered at once, failed, or the guest's queue would fill. */
	assert_int_equal(f->a.n, 1);
	assert_int_equal(hwsim_decode(f->a.msgs[0], f->a.lens[0], &m, &why), 0);
	assert_int_equal(m.cmd, HWSIM_CMD_TX_INFO_FRAME);
	assert_int_equal(m.cookie, 99);
	assert_false(m.flags & HWSIM_TX_STAT_ACK);

	/* A rate no PHY has (2.4 GHz has 12 legacy rates): failed status at once. */
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 100, 12), 0);
	assert_int_equal(f->a.n, 2);
	assert_int_equal(hwsim_decode(f->a.msgs[1], f->a.lens[1], &m, &why), 0);
	assert_int_equal(m.cookie, 100);
	assert_false(m.flags & HWSIM_TX_STAT_ACK);
}

static void test_client_leaves_mid_frame(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(4)));

	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	f->b.fail_sends = 1;
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 1, 0), 0);
	wait_msgs(f, &f->a, 1);
	/* B's transport failing costs A nothing; it is counted on B. */
	assert_int_equal(f->a.n, 1);
	assert_int_equal(f->b.c->c.send_errors, 1);

	/* B goes away while A's next frame is on the air: no status or delivery for B. */
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 2, 0), 0);
	wm_client_free(&f->wm, f->b.c);
	f->b.c = NULL;
	wait_msgs(f, &f->a, 2);
	assert_int_equal(f->a.n, 2);
	{
		struct hwsim_msg m;
		const char *why;

		assert_int_equal(hwsim_decode(f->a.msgs[1], f->a.lens[1], &m, &why), 0);
		assert_int_equal(m.cookie, 2);
		assert_false(m.flags & HWSIM_TX_STAT_ACK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frame_delivered_and_acked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_costs_only_its_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsimulatable_frame_still_answered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_client_leaves_mid_frame, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
