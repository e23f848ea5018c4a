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

#include "util/log.h"
#include "util/loop.h"
#include "hub/hub.h"
#include "proto/hwsim.h"

#include "hub_env.h"

#define MAXMSG 64

struct peer {
	struct hub_client *c;
	unsigned n;
	uint8_t msgs[MAXMSG][HWSIM_MSG_MAX] __attribute__((aligned(4)));
	size_t lens[MAXMSG];
	int fail_sends;			/* make send() fail */
};

static int peer_send(struct hub_client *c, const void *msg, size_t len)
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

static const struct hub_client_ops peer_ops = { .send = peer_send };

/* A peer whose radios can be asked (as over netlink): each takes every frame. */
static int peer_send_verdict(struct hub_client *c, const void *msg, size_t len)
{
	int ret = peer_send(c, msg, len);

	return ret < 0 ? ret : 1;
}

static const struct hub_client_ops verdict_ops = {
	.send = peer_send, .send_verdict = peer_send_verdict,
};

struct fixture {
	struct loop *loop;
	struct hub hub;
	struct peer a, b;
};

static const uint8_t id_a[6] = { 0x42, 0, 0, 0, 0, 0 }, addr_a[6] = { 0x02, 0xa0, 0, 0, 0, 1 };
static const uint8_t id_b[6] = { 0x42, 0, 0, 0, 1, 0 }, addr_b[6] = { 0x02, 0xb0, 0, 0, 0, 2 };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	log_set_level(LOG_LEVEL_ERROR);
	f->loop = hub_env_init(&f->hub);
	f->a.c = hub_client_new(&f->hub, "vm:a", 0x1d, &peer_ops, &f->a);
	f->b.c = hub_client_new(&f->hub, "vm:b", 0x1d, &peer_ops, &f->b);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hub_deinit(&f->hub);
	loop_free(f->loop);
	free(f);
	return 0;
}

static void input(struct fixture *f, struct peer *p, const void *msg, ssize_t len, int expect)
{
	static uint8_t copy[HWSIM_MSG_MAX + 64] __attribute__((aligned(4)));

	assert_true(len > 0 && (size_t)len <= sizeof(copy));
	memcpy(copy, msg, (size_t)len);
	assert_int_equal(hub_client_input(&f->hub, p->c, copy, (size_t)len), expect);
}

static void announce(struct fixture *f, struct peer *p, const uint8_t id[6], const uint8_t a[6])
{
	uint8_t buf[128] __attribute__((aligned(4)));

	input(f, p, buf, hwsim_encode_mac_addr(buf, sizeof(buf), 0x1d, 1, true, id, a), 0);
}

/* A data frame from `from' to `to', as a guest's radio `id' transmits it on freq. */
static ssize_t frame_msg_on(uint8_t *buf, size_t size, const uint8_t id[6], const uint8_t *from,
			    const uint8_t *to, uint64_t cookie, int8_t rate_idx, uint32_t freq)
{
	uint8_t frame[100] = { 0x08, 0x00 };
	struct hwsim_rate rates[HWSIM_TX_MAX_RATES] = {
		{ rate_idx, 3, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};

	memcpy(frame + 4, to, 6);
	memcpy(frame + 10, from, 6);
	memcpy(frame + 16, from, 6);
	return hwsim_encode_frame_tx(buf, size, 0x1d, 7, id, frame, sizeof(frame),
				     HWSIM_TX_CTL_REQ_TX_STATUS, rates, cookie, freq);
}

/* The same on channel 1. */
static ssize_t frame_msg(uint8_t *buf, size_t size, const uint8_t id[6], const uint8_t *from,
			 const uint8_t *to, uint64_t cookie, int8_t rate_idx)
{
	return frame_msg_on(buf, size, id, from, to, cookie, rate_idx, 2412);
}

/* Let simulated time pass until `want' messages reached p (at most ~1 s). */
static void wait_msgs(struct fixture *f, struct peer *p, unsigned want)
{
	for (int i = 0; i < 1000 && p->n < want; i++) {
		struct timespec ts = { 0, 1000000 };

		nanosleep(&ts, NULL);
		hub_sync(&f->hub);
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

	/* Each was timed against the moment it stands for; the run came after. */
	assert_int_equal(f->hub.late_rx.count, 1);
	assert_int_equal(f->hub.late_status.count, 1);
	assert_true(f->hub.late_status.max < 1000000);
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
	assert_true(hub_client_input(&f->hub, f->a.c, junk, sizeof(junk)) < 0);
	/* Truncated in the middle of an attribute. */
	len = frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 1, 0);
	((struct { uint32_t len; } *)buf)->len = (uint32_t)len;
	assert_true(hub_client_input(&f->hub, f->a.c, buf, (size_t)len - 7) < 0);
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
	hub_client_free(&f->hub, f->b.c);
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

/*
 * A 60-byte frame at 902 MHz (S1G) with a VHT rate: it takes its airtime,
 * no radio can take it (hwsim has no S1G bitrates, so no RX_RATE would
 * do), and its sender learns so without the medium failing to encode.
 */
static void test_s1g_frame_reaches_nobody(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(4)));
	uint8_t frame[60] = { 0x08, 0x00 };
	struct hwsim_rate rates[HWSIM_TX_MAX_RATES] = {
		{ 0x10, 2, PHY_RF_VHT_MCS }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};
	struct hwsim_msg m;
	const char *why;

	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	memcpy(frame + 4, addr_b, 6);
	memcpy(frame + 10, addr_a, 6);
	memcpy(frame + 16, addr_a, 6);
	input(f, &f->a, buf,
	      hwsim_encode_frame_tx(buf, sizeof(buf), 0x1d, 7, id_a, frame, sizeof(frame),
				    HWSIM_TX_CTL_REQ_TX_STATUS, rates, 9, 902),
	      0);
	wait_msgs(f, &f->a, 1);
	assert_int_equal(f->b.n, 0);
	assert_int_equal(f->a.n, 1);
	assert_int_equal(hwsim_decode(f->a.msgs[0], f->a.lens[0], &m, &why), 0);
	assert_int_equal(m.cookie, 9);
	assert_false(m.flags & HWSIM_TX_STAT_ACK);
	assert_int_equal(f->b.c->c.send_errors, 0);
	assert_true(f->hub.s1g_noted);
}

/* An observer or flush hook that counts, and may remove hooks from inside. */
struct watcher {
	struct hub *hub;
	unsigned air, status, notice, flushes, destroyed;
	unsigned remove_on_air;		/* hook id to remove from inside air(), 0: none */
	unsigned add_on_air;		/* add one more observer from inside air() */
	struct watcher *added;
};

static const struct hub_observer watcher_obs;

static void w_air(void *data, const struct medium_air *a)
{
	struct watcher *w = data;

	(void)a;
	w->air++;
	if (w->remove_on_air) {
		hub_unobserve(w->hub, w->remove_on_air);
		w->remove_on_air = 0;
	}
	if (w->add_on_air && w->added) {
		hub_observe(w->hub, &watcher_obs, w->added, NULL);
		w->add_on_air = 0;
	}
}

static void w_status(void *data, const struct medium_status *st)
{
	(void)st;
	((struct watcher *)data)->status++;
}

static void w_notice(void *data, const struct medium_notice *n)
{
	(void)n;
	((struct watcher *)data)->notice++;
}

static void w_flush(void *data)
{
	((struct watcher *)data)->flushes++;
}

static void w_destroy(void *data)
{
	((struct watcher *)data)->destroyed++;
}

static const struct hub_observer watcher_obs = { w_air, w_status, w_notice };
static const struct hub_observer air_only = { .air = w_air };

static void test_observers(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(4)));
	struct watcher w1 = { .hub = &f->hub }, w2 = { .hub = &f->hub }, w3 = { .hub = &f->hub };
	unsigned id1, id2, fl;

	id1 = hub_observe(&f->hub, &watcher_obs, &w1, w_destroy);
	id2 = hub_observe(&f->hub, &air_only, &w2, w_destroy);
	fl = hub_add_flush(&f->hub, w_flush, &w1, NULL);
	assert_true(id1 && id2 && fl && id1 != id2 && id2 != fl);

	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	assert_int_equal(w1.notice, 2);		/* two radios appeared */
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 1, 0), 0);
	wait_msgs(f, &f->a, 1);
	assert_int_equal(w1.air, 2);		/* the frame and its ACK */
	assert_int_equal(w2.air, 2);
	assert_int_equal(w1.status, 1);
	assert_int_equal(w2.status, 0);		/* it wants only the air */
	assert_true(w1.flushes >= 1);

	/*
	 * w1 removes w2 from inside its callback: w2 sees nothing more, and is
	 * destroyed once the dispatch is over. w1 also adds w3, which sees
	 * events from the next one on.
	 */
	w1.remove_on_air = id2;
	w1.add_on_air = 1;
	w1.added = &w3;
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 2, 0), 0);
	wait_msgs(f, &f->a, 2);
	assert_int_equal(w2.destroyed, 1);
	assert_int_equal(w2.air, 2);		/* nothing after its removal */
	assert_int_equal(w1.air, 4);
	assert_int_equal(w3.air, 1);		/* the ACK, not the frame it was added during */

	/* Removed flush hooks stop; hub_deinit destroys what is left. */
	fl = w1.flushes;
	hub_del_flush(&f->hub, hub_add_flush(&f->hub, w_flush, &w1, NULL));
	hub_sync(&f->hub);
	assert_int_equal(w1.flushes, fl + 1);
	hub_unobserve(&f->hub, 12345);		/* unknown ids are ignored */
	assert_int_equal(w1.destroyed, 0);
	{
		struct medium_params p = f->hub.params;

		hub_deinit(&f->hub);
		assert_int_equal(w1.destroyed, 1);
		hub_init(&f->hub, f->loop, &p);	/* for teardown */
	}
}

/*
 * The only air observer leaves from inside its callback: the medium stops
 * building reports, but not half-way through the exchange it is deciding;
 * a new observer brings them back.
 */
static void test_last_air_observer_leaves(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(4)));
	struct watcher w = { .hub = &f->hub }, w2 = { .hub = &f->hub };

	w.remove_on_air = hub_observe(&f->hub, &air_only, &w, w_destroy);
	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 1, 0), 0);
	wait_msgs(f, &f->a, 1);
	assert_int_equal(w.air, 1);		/* the frame; gone before its ACK */
	assert_int_equal(w.destroyed, 1);
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 2, 0), 0);
	wait_msgs(f, &f->a, 2);
	assert_int_equal(f->a.n, 2);		/* both exchanges completed */
	hub_observe(&f->hub, &air_only, &w2, NULL);
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 3, 0), 0);
	wait_msgs(f, &f->a, 3);
	assert_int_equal(w2.air, 2);		/* the frame and its ACK */
	assert_int_equal(w.air, 1);
}

/*
 * B just sent on channel 11, so the medium believes it there: A's frame to
 * B on channel 1 is refused (and never ACKed) when B's side cannot be
 * asked, and goes to B's side, whose answer stands, when it can.
 */
static void check_addressee_elsewhere(struct fixture *f, bool ask)
{
	uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(4)));
	struct hwsim_msg m;
	const char *why = NULL;

	f->b.c->ops = ask ? &verdict_ops : &peer_ops;
	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	input(f, &f->b, buf, frame_msg_on(buf, sizeof(buf), id_b, addr_b, addr_a, 1, 0, 2462), 0);
	wait_msgs(f, &f->b, 1);
	assert_int_equal(f->b.n, 1);		/* its status; A, of unknown channel, hears it */
	assert_int_equal(f->a.n, 1);
	input(f, &f->a, buf, frame_msg(buf, sizeof(buf), id_a, addr_a, addr_b, 2, 0), 0);
	wait_msgs(f, &f->a, 2);
	assert_int_equal(f->a.n, 2);
	assert_int_equal(hwsim_decode(f->a.msgs[1], f->a.lens[1], &m, &why), 0);
	assert_int_equal(m.cmd, HWSIM_CMD_TX_INFO_FRAME);
	assert_int_equal(m.cookie, 2);
	if (ask) {
		assert_true(m.flags & HWSIM_TX_STAT_ACK);
		assert_int_equal(f->b.n, 2);
	} else {
		assert_false(m.flags & HWSIM_TX_STAT_ACK);
		assert_int_equal(m.rates[0].count, 3);	/* every attempt, none taken */
		assert_int_equal(f->b.n, 1);
	}
}

static void test_addressee_elsewhere_refused(void **state)
{
	check_addressee_elsewhere(*state, false);
}

static void test_addressee_elsewhere_asked(void **state)
{
	check_addressee_elsewhere(*state, true);
}

static void test_unique_names(void **state)
{
	struct fixture *f = *state;
	char name[64], shortbuf[8];
	struct hub_client *c;

	hub_unique_name(&f->hub, "vm:c", name, sizeof(name));
	assert_string_equal(name, "vm:c");
	hub_unique_name(&f->hub, "vm:a", name, sizeof(name));
	assert_string_equal(name, "vm:a-2");
	c = hub_client_new(&f->hub, name, 0x1d, &peer_ops, &f->a);
	hub_unique_name(&f->hub, "vm:a", name, sizeof(name));
	assert_string_equal(name, "vm:a-3");
	/* The name is shortened to make room for the suffix, which is never cut off. */
	hub_unique_name(&f->hub, "vm:a", shortbuf, sizeof(shortbuf));
	assert_string_equal(shortbuf, "vm:a-3");
	hub_client_free(&f->hub, f->a.c);
	f->a.c = hub_client_new(&f->hub, "vm:abcd", 0x1d, &peer_ops, &f->a);
	hub_unique_name(&f->hub, "vm:abcdefgh", shortbuf, sizeof(shortbuf));
	assert_string_equal(shortbuf, "vm:ab-2");
	hub_client_free(&f->hub, c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frame_delivered_and_acked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_costs_only_its_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsimulatable_frame_still_answered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_client_leaves_mid_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_s1g_frame_reaches_nobody, setup, teardown),
		cmocka_unit_test_setup_teardown(test_observers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_air_observer_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addressee_elsewhere_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addressee_elsewhere_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unique_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
