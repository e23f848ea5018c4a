/* SPDX-License-Identifier: MIT */
/*
 * Medium scenarios: who hears what, ACKs on the reverse link, retries along
 * the rate chain, hidden nodes, the capture effect, channel separation,
 * queues, learning radios, determinism.
 */
#include "medium_env.h"

/* --------------------------------------------------------------- tests */

static void test_unicast_acked_first_try(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	assert_int_equal(send_frame(e, 0, 0, 1, &ofdm6), 0);
	medium_run(e->m, UINT64_MAX);

	assert_int_equal(e->nst, 1);
	assert_true(e->st[0].acked);
	assert_int_equal(e->st[0].rates[0].idx, 0);
	assert_int_equal(e->st[0].rates[0].count, 1);
	assert_int_equal(e->st[0].rates[1].idx, -1);
	assert_int_equal(e->nrx, 1);
	assert_int_equal(e->rx[0].client, 1);
	assert_false(e->rx[0].retry);
	assert_int_equal(e->rx[0].freq, 5180);
	/* Signal is noise (-174 + 73 + 7 = -94 dBm) plus the pinned 30 dB. */
	assert_int_equal(e->rx[0].signal, -64);
	/*
	 * Timing: AIFS(BE) 16 + 3*9 = 43 us, up to 15 slots of backoff, 1500+4 B at
	 * 6 Mbit/s = 20 + 4 * ceil((16 + 8*1504 + 6) / 24) = 2028 us, SIFS 16, ACK 44 us.
	 */
	assert_true(e->rx[0].time >= 43 + 2028 && e->rx[0].time <= 43 + 135 + 2028);
	assert_int_equal(e->st[0].time, e->rx[0].time + 16 + 44);
	env_free(e);
}

static void test_unknown_addressee_never_acked(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = ofdm6;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	o.idx[0] = 2;
	o.count[0] = 3;
	o.idx[1] = 0;
	o.count[1] = 2;
	send_frame(e, 0, 0, 1000, &o);
	medium_run(e->m, UINT64_MAX);

	assert_int_equal(e->nst, 1);
	assert_false(e->st[0].acked);
	assert_int_equal(e->st[0].rates[0].idx, 2);
	assert_int_equal(e->st[0].rates[0].count, 3);
	assert_int_equal(e->st[0].rates[1].idx, 0);
	assert_int_equal(e->st[0].rates[1].count, 2);
	/* Radio 1 overhears every attempt; retransmissions carry the retry bit. */
	assert_int_equal(e->nrx, 5);
	assert_false(e->rx[0].retry);
	for (unsigned k = 1; k < 5; k++)
		assert_true(e->rx[k].retry);
	env_free(e);
}

static void test_group_and_no_ack_never_retried(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = ofdm6;

	(void)state;
	for (int i = 0; i < 4; i++)
		add_radio(e, i, 0, 0);
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			link(e, i, j, 30);
	send_frame(e, 0, 0, -1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 1);
	assert_false(e->st[0].acked);
	assert_int_equal(e->st[0].rates[0].count, 1);
	assert_int_equal(e->nrx, 3);	/* everyone but the sender */

	/* NO_ACK unicast to nobody: one attempt, never reported acked. */
	o.no_ack = true;
	send_frame(e, 100000, 0, 1000, &o);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 2);
	assert_false(e->st[1].acked);
	assert_int_equal(e->st[1].rates[0].count, 1);
	env_free(e);
}

static void test_ack_lost_on_reverse_link(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	unsigned retries = 0;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	/* Forward link fine, reverse link dead: B decodes every copy, A hears no ACK. */
	assert_int_equal(medium_link_set_snr(e->m, 0, 1, 30), 0);
	assert_int_equal(medium_link_set_snr(e->m, 1, 0, -20), 0);
	send_frame(e, 0, 0, 1, &ofdm6);
	medium_run(e->m, UINT64_MAX);

	assert_int_equal(e->nst, 1);
	assert_false(e->st[0].acked);
	assert_int_equal(e->st[0].rates[0].count, 4);
	assert_int_equal(e->nrx, 4);
	for (unsigned k = 0; k < e->nrx; k++) {
		assert_int_equal(e->rx[k].client, 1);
		retries += e->rx[k].retry;
	}
	assert_int_equal(retries, 3);

	/* The same with a working reverse link: acked at once. */
	assert_int_equal(medium_link_set_snr(e->m, 1, 0, 30), 0);
	send_frame(e, 1000000, 0, 1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 2);
	assert_true(e->st[1].acked);
	assert_int_equal(e->st[1].rates[0].count, 1);
	env_free(e);
}

/*
 * A and C send to B and hear each other at ac_snr: at -20 dB they are
 * hidden from each other. Returns the collisions counted and fills the
 * delivery ratio.
 */
static uint64_t two_senders(double ac_snr, bool interference, double *delivered)
{
	struct medium_params p = params_snr();
	struct medium_counters c;
	struct env *e;
	unsigned acked = 0;
	struct sendopt o = ofdm6;

	p.interference = interference;
	e = env_new(&p);
	o.count[0] = 7;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	add_radio(e, 2, 0, 0);
	link(e, 0, 1, 25);
	link(e, 2, 1, 25);
	link(e, 0, 2, ac_snr);
	for (int k = 0; k < 200; k++) {
		send_frame(e, 0, 0, 1, &o);
		send_frame(e, 0, 2, 1, &o);
	}
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 400);
	for (unsigned k = 0; k < e->nst; k++)
		acked += e->st[k].acked;
	*delivered = acked / 400.0;
	medium_get_counters(e->m, &c);
	env_free(e);
	return c.collisions;
}

static void test_hidden_node_collides(void **state)
{
	double d_hidden, d_visible, d_off;
	uint64_t hidden = two_senders(-20, true, &d_hidden);
	uint64_t visible = two_senders(25, true, &d_visible);
	uint64_t off = two_senders(-20, false, &d_off);
	/* -85 dBm: under the -82 dBm CCA level, but a preamble 9 dB over the noise is sensed. */
	double d_weak;
	uint64_t weak = two_senders(9, true, &d_weak);

	print_message("hidden: %lu collisions, %.3f acked; visible: %lu, %.3f; no interference: %lu, %.3f\n",
		      (unsigned long)hidden, d_hidden, (unsigned long)visible, d_visible,
		      (unsigned long)off, d_off);
	(void)state;
	/* Hidden senders overlap most frames; visible ones only on equal backoff. */
	assert_true(hidden > 200);
	assert_true(visible < hidden / 10);
	assert_true(d_visible > 0.99);
	assert_true(weak < hidden / 10);
	assert_true(d_weak > 0.99);
	assert_true(d_hidden < d_visible);
	/* Without the interference model the same topology never collides. */
	assert_int_equal(off, 0);
	/* ... though B still cannot hear one sender while it ACKs the other. */
	assert_true(d_off > d_hidden);
}

static void test_capture_effect(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	unsigned from_strong = 0, from_weak = 0;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	add_radio(e, 2, 0, 0);
	link(e, 0, 1, 40);	/* strong */
	link(e, 2, 1, 12);	/* weak, but fine on its own at 6 Mbit/s */
	link(e, 0, 2, -20);	/* hidden from each other */
	/* Broadcasts, so nothing is retried: each frame has one chance. */
	for (int k = 0; k < 50; k++) {
		send_frame(e, (uint64_t)k * 10000, 0, -1, &ofdm6);
		send_frame(e, (uint64_t)k * 10000, 2, -1, &ofdm6);
	}
	medium_run(e->m, UINT64_MAX);
	for (unsigned k = 0; k < e->nrx; k++) {
		if (e->rx[k].client != 1)
			continue;
		if (e->rx[k].signal == -94 + 40)
			from_strong++;
		else if (e->rx[k].signal == -94 + 12)
			from_weak++;
	}
	/* The stronger frame survives the overlap; the weaker one is lost under it. */
	assert_int_equal(from_strong, 50);
	assert_int_equal(from_weak, 0);
	env_free(e);

	/* The weak frame alone gets through. */
	e = env_new(&p);
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	add_radio(e, 2, 0, 0);
	link(e, 2, 1, 12);
	for (int k = 0; k < 50; k++)
		send_frame(e, (uint64_t)k * 10000, 2, -1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nrx, 50);
	env_free(e);
}

/* When does C's frame, sent 100 us into A's long frame on 2412 MHz, complete? */
static uint64_t c_done_while_a_busy(uint32_t c_freq)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt slow = { .freq = 2412, .len = 1500, .idx = { 0, -1, -1, -1 },
				.count = { 1 } };	/* 1 Mbit/s: 12 ms */
	struct sendopt o = ofdm6;
	uint64_t t = 0;

	for (int i = 0; i < 4; i++)
		add_radio(e, i, 0, 0);
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			link(e, i, j, 30);
	send_frame(e, 0, 0, 1, &slow);
	o.freq = c_freq;
	o.idx[0] = c_freq > 3000 ? 0 : 4;	/* 6 Mbit/s in either band */
	send_frame(e, 100, 2, 3, &o);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 2);
	for (unsigned k = 0; k < e->nst; k++) {
		if (e->st[k].client == 2) {
			assert_true(e->st[k].acked);
			t = e->st[k].time;
		}
	}
	env_free(e);
	return t;
}

static void test_channels_independent(void **state)
{
	uint64_t other_band = c_done_while_a_busy(5180);
	uint64_t ch6 = c_done_while_a_busy(2437);
	uint64_t ch3 = c_done_while_a_busy(2422);
	uint64_t same = c_done_while_a_busy(2412);
	uint64_t a_end = 43 + 192 + 12032;	/* A's frame ends no earlier than this */

	(void)state;
	/* Another band or a non-overlapping channel: C goes at once. */
	assert_true(other_band < 100 + 43 + 135 + 2100 + 100);
	assert_true(ch6 < 100 + 43 + 135 + 2200 + 100);
	/* The same channel, or an overlapping one (1 vs 3), waits for A. */
	assert_true(same > a_end);
	assert_true(ch3 > a_end);
}

static void test_queue_overflow_drops_oldest(void **state)
{
	struct medium_params p = params_snr();
	struct env *e;
	struct medium_counters c;

	(void)state;
	p.queue_limit = 4;
	e = env_new(&p);
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	for (int k = 0; k < 10; k++)
		send_frame(e, 0, 0, 1, &ofdm6);
	/* Frame 1 is in service, 2..5 queue, 6..10 push out 2..6 one by one. */
	assert_int_equal(e->nst, 5);
	for (unsigned k = 0; k < 5; k++) {
		assert_int_equal(e->st[k].cookie, 2 + k);
		assert_false(e->st[k].acked);
		assert_int_equal(e->st[k].rates[0].idx, -1);
	}
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 10);
	for (unsigned k = 5; k < 10; k++)
		assert_true(e->st[k].acked);
	assert_int_equal(e->st[5].cookie, 1);
	assert_int_equal(e->st[6].cookie, 7);
	medium_get_counters(e->m, &c);
	assert_int_equal(c.queue_drops, 5);
	env_free(e);
}

static void test_addresses_are_a_multiset(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	uint8_t id1[6], extra[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
	struct sendopt o = ofdm6;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	ident(1, id1);
	o.count[0] = 1;
	/* Radio 1 announces a second address twice (e.g. a P2P device and a scan). */
	assert_int_equal(medium_addr_add(e->m, 1, id1, extra), 0);
	assert_int_equal(medium_addr_add(e->m, 1, id1, extra), 0);
	assert_int_equal(medium_addr_add(e->m, 1, id1, (uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }),
			 -EINVAL);

	/* Unicast to the extra address: acked by radio 1. */
	send_frame(e, 0, 0, 1, &o);	/* warm up the generic path */
	medium_run(e->m, UINT64_MAX);
	assert_true(e->st[0].acked);
	{
		static uint8_t frame[64];
		struct medium_tx t = { .client = 0, .frame = frame, .len = 64, .freq = 5180,
				       .cookie = 99, .has_src = true,
				       .rates = { { 0, 1, 0 }, { -1, 0, 0 } }, .ac = MEDIUM_AC_BE };

		ident(0, t.radio);
		addr(0, t.src);
		memcpy(t.dst, extra, 6);
		assert_int_equal(medium_tx(e->m, 1000000, &t), 0);
		medium_run(e->m, UINT64_MAX);
		assert_true(e->st[1].acked);

		/* One delete: still answers. */
		assert_int_equal(medium_addr_del(e->m, 1, id1, extra), 0);
		t.cookie = 100;
		medium_tx(e->m, 2000000, &t);
		medium_run(e->m, UINT64_MAX);
		assert_true(e->st[2].acked);

		/* Second delete: gone; nobody answers (but radio 1 still overhears). */
		assert_int_equal(medium_addr_del(e->m, 1, id1, extra), 0);
		assert_int_equal(medium_addr_del(e->m, 1, id1, extra), -ENOENT);
		t.cookie = 101;
		medium_tx(e->m, 3000000, &t);
		medium_run(e->m, UINT64_MAX);
		assert_false(e->st[3].acked);
	}
	env_free(e);
}

static void test_learned_sender_address(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	static uint8_t frame[64];
	struct medium_tx t = { .frame = frame, .len = 64, .freq = 5180, .has_src = true,
			       .rates = { { 0, 2, 0 }, { -1, 0, 0 } }, .ac = MEDIUM_AC_BE };
	uint8_t rnd[6] = { 0x06, 0x11, 0x22, 0x33, 0x44, 0x55 };

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	/* Radio 1 transmits from a random address it never announced (a scan). */
	t.client = 1;
	ident(1, t.radio);
	memcpy(t.src, rnd, 6);
	memset(t.dst, 0xff, 6);
	t.group = t.no_ack = true;
	t.cookie = 1;
	medium_tx(e->m, 0, &t);
	medium_run(e->m, UINT64_MAX);
	/* An answer to that address reaches it and is acked. */
	t.client = 0;
	ident(0, t.radio);
	addr(0, t.src);
	memcpy(t.dst, rnd, 6);
	t.group = t.no_ack = false;
	t.cookie = 2;
	medium_tx(e->m, 100000, &t);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 2);
	assert_true(e->st[1].acked);
	env_free(e);
}

static void test_client_gone_mid_frame(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct medium_counters c;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	for (int k = 0; k < 5; k++)
		send_frame(e, 0, 0, 1, &ofdm6);
	/* 1 ms in, radio 0's first frame is on the air. */
	medium_run(e->m, 1000);
	medium_client_gone(e->m, 0);
	medium_run(e->m, UINT64_MAX);
	/* No status for a client that is gone, nothing delivered from a dead sender. */
	assert_int_equal(e->nst, 0);
	assert_int_equal(e->nrx, 0);

	/* The receiver going away: frames to it are no longer acked. */
	add_radio(e, 2, 0, 0);
	link(e, 1, 2, 30);
	send_frame(e, 100000, 2, 1, &ofdm6);
	medium_run(e->m, 100500);
	medium_client_gone(e->m, 1);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 1);
	assert_false(e->st[0].acked);
	medium_get_counters(e->m, &c);
	assert_int_equal(c.tx_failed, 1);
	env_free(e);
}

static void test_bad_rate_fails_at_once(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = ofdm6;
	struct medium_counters c;

	(void)state;
	add_radio(e, 0, 0, 0);
	o.idx[0] = 9;	/* 5 GHz has 8 legacy rates */
	assert_int_equal(send_frame(e, 0, 0, 1, &o), -EINVAL);
	assert_int_equal(e->nst, 1);
	assert_false(e->st[0].acked);
	o.idx[0] = -1;
	assert_int_equal(send_frame(e, 0, 0, 1, &o), -EINVAL);
	medium_get_counters(e->m, &c);
	assert_int_equal(c.bad_rate, 2);
	env_free(e);
}

/*
 * An entry no PHY can send (VHT MCS 9 at 20 MHz for two streams, which
 * mac80211 names for some frames) is skipped: the frame goes at the next
 * entry, and its status reports no attempt at the skipped one.
 */
static void test_undefined_rate_skipped(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = ofdm6;
	struct medium_counters c;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 40);
	o.idx[0] = 0x19;		/* NSS 2, MCS 9 */
	o.flags[0] = PHY_RF_VHT_MCS;
	o.count[0] = 1;
	o.idx[1] = 0x11;		/* NSS 2, MCS 1: defined */
	o.flags[1] = PHY_RF_VHT_MCS;
	o.count[1] = 4;
	assert_int_equal(send_frame(e, 0, 0, 1, &o), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 1);
	assert_true(e->st[0].acked);
	assert_int_equal(e->st[0].rates[0].idx, -1);
	assert_int_equal(e->st[0].rates[0].count, 0);
	assert_int_equal(e->st[0].rates[1].idx, 0x11);
	assert_int_equal(e->st[0].rates[1].count, 1);
	assert_int_equal(e->nrx, 1);
	/* Alone, or after the last defined entry, it still fails the frame or ends the chain. */
	o.idx[1] = -1;
	assert_int_equal(send_frame(e, 0, 0, 1, &o), -EINVAL);
	medium_get_counters(e->m, &c);
	assert_int_equal(c.bad_rate, 1);
	env_free(e);
}

static void test_duplicate_address_noticed(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	uint8_t id[6], a[6];
	struct medium_counters c;

	(void)state;
	ident(1, id);
	addr(1, a);
	/* Two guests whose radio 1 has the same address: both restart indices. */
	assert_int_equal(medium_addr_add(e->m, 10, id, a), 0);
	assert_int_equal(medium_addr_add(e->m, 11, id, a), 0);
	medium_get_counters(e->m, &c);
	assert_int_equal(c.dup_addr, 1);
	assert_int_equal(e->dup_notices, 1);
	env_free(e);
}

static void test_addressee_only(void **state)
{
	struct medium_params p = params_snr();
	struct env *e;

	(void)state;
	for (int mode = 0; mode < 2; mode++) {
		p.addressee_only = mode;
		e = env_new(&p);
		for (int i = 0; i < 3; i++)
			add_radio(e, i, 0, 0);
		link(e, 0, 1, 30);
		link(e, 0, 2, 30);
		link(e, 1, 2, 30);
		send_frame(e, 0, 0, 1, &ofdm6);
		send_frame(e, 0, 0, -1, &ofdm6);
		medium_run(e->m, UINT64_MAX);
		/* Overhearing: radio 2 gets the unicast too, unless switched off. */
		assert_int_equal(e->nrx, mode ? 3 : 4);
		env_free(e);
	}
}

static void test_path_loss_range(void **state)
{
	struct medium_params p;
	struct env *e;

	(void)state;
	medium_params_init(&p);
	p.link_model = MEDIUM_LINK_PATH_LOSS;
	prop_model_init(&p.prop, PROP_FREE_SPACE);
	e = env_new(&p);
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 10, 0);		/* 10 m: loud */
	add_radio(e, 2, 100000, 0);	/* 100 km: nothing */
	send_frame(e, 0, 0, -1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nrx, 1);
	assert_int_equal(e->rx[0].client, 1);
	/* 20 dBm - FSPL(10 m, 5180 MHz) = 20 - 66.7 = -46.7 dBm. */
	assert_true(e->rx[0].signal >= -48 && e->rx[0].signal <= -45);

	/* Moving the far node close makes it hear. */
	assert_int_equal(medium_node_set_pos(e->m, 2, (double[3]){ 0, 20, 0 }), 0);
	send_frame(e, 100000, 0, -1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nrx, 3);
	env_free(e);
}

static void test_placed_by_client_name(void **state)
{
	struct medium_params p;
	struct env *e;
	struct medium_node_conf far = { .name = "sta", .pos = { 500, 0, 0 }, .tx_power_dbm = 20 };
	struct medium_node_conf near = { .has_mac = true, .pos = { 5, 0, 0 }, .tx_power_dbm = 20 };
	uint8_t id[6], a[6];
	int32_t first;

	(void)state;
	medium_params_init(&p);
	e = env_new(&p);
	add_radio(e, 0, 0, 0);
	/* Client 1 is the VM "sta": its radio lands on node "sta", 500 m away. */
	assert_int_equal(medium_node_add(e->m, &far), 1);
	medium_client_set_name(e->m, 1, "sta");
	ident(1, id);
	addr(1, a);
	assert_int_equal(medium_addr_add(e->m, 1, id, a), 0);
	send_frame(e, 0, 0, -1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nrx, 1);
	first = e->rx[0].signal;
	/* 20 dBm - FSPL(500 m, 5180 MHz) = 20 - 100.7 = -80.7 dBm. */
	assert_true(first >= -82 && first <= -79);

	/* A node by MAC is more specific than the VM's name: it wins. */
	addr(1, near.mac);
	assert_int_equal(medium_node_add(e->m, &near), 2);
	send_frame(e, 100000, 0, -1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nrx, 2);
	assert_true(e->rx[1].signal > first + 30);
	env_free(e);
}

static uint64_t run_hash(uint64_t seed)
{
	struct medium_params p = params_snr();
	struct env *e;
	uint64_t h = 1469598103934665603ULL;
	struct sendopt o = ofdm6;

	p.seed = seed;
	e = env_new(&p);
	for (int i = 0; i < 3; i++)
		add_radio(e, i, 0, 0);
	link(e, 0, 1, 12);
	link(e, 2, 1, 12);
	link(e, 0, 2, -20);
	o.idx[0] = 3;
	for (int k = 0; k < 100; k++) {
		send_frame(e, (uint64_t)k * 500, 0, 1, &o);
		send_frame(e, (uint64_t)k * 500, 2, 1, &o);
	}
	medium_run(e->m, UINT64_MAX);
	for (unsigned k = 0; k < e->nst; k++)
		h = (h ^ (e->st[k].time * 31 + e->st[k].cookie * 7 + e->st[k].acked)) *
		    1099511628211ULL;
	for (unsigned k = 0; k < e->nrx; k++)
		h = (h ^ (e->rx[k].time + (uint64_t)e->rx[k].client)) * 1099511628211ULL;
	env_free(e);
	return h;
}

static void test_deterministic_under_seed(void **state)
{
	(void)state;
	assert_true(run_hash(7) == run_hash(7));
	assert_true(run_hash(7) != run_hash(8));
}

static void test_rates_and_airtime_follow_chain(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = {
		.freq = 5180, .len = 1500, .idx = { 7, 7, 0, -1 }, .count = { 2, 2, 2 },
		.flags = { PHY_RF_MCS, PHY_RF_MCS, 0 },
	};

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	/* 12 dB: HT MCS 7 (64-QAM 5/6) fails, 6 Mbit/s gets through. */
	link(e, 0, 1, 12);
	send_frame(e, 0, 0, 1, &o);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 1);
	assert_true(e->st[0].acked);
	assert_int_equal(e->st[0].rates[0].count, 2);
	assert_int_equal(e->st[0].rates[0].flags, PHY_RF_MCS);
	assert_int_equal(e->st[0].rates[1].count, 2);
	assert_int_equal(e->st[0].rates[2].idx, 0);
	assert_int_equal(e->st[0].rates[2].count, 1);
	assert_int_equal(e->st[0].rates[3].idx, -1);
	env_free(e);
}

static void test_reentry_refused(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	e->reenter = true;
	send_frame(e, 0, 0, 1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 1);
	assert_int_equal(e->reenter_ret, -EDEADLK);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unicast_acked_first_try),
		cmocka_unit_test(test_unknown_addressee_never_acked),
		cmocka_unit_test(test_group_and_no_ack_never_retried),
		cmocka_unit_test(test_ack_lost_on_reverse_link),
		cmocka_unit_test(test_hidden_node_collides),
		cmocka_unit_test(test_capture_effect),
		cmocka_unit_test(test_channels_independent),
		cmocka_unit_test(test_queue_overflow_drops_oldest),
		cmocka_unit_test(test_addresses_are_a_multiset),
		cmocka_unit_test(test_learned_sender_address),
		cmocka_unit_test(test_client_gone_mid_frame),
		cmocka_unit_test(test_bad_rate_fails_at_once),
		cmocka_unit_test(test_undefined_rate_skipped),
		cmocka_unit_test(test_duplicate_address_noticed),
		cmocka_unit_test(test_addressee_only),
		cmocka_unit_test(test_path_loss_range),
		cmocka_unit_test(test_placed_by_client_name),
		cmocka_unit_test(test_deterministic_under_seed),
		cmocka_unit_test(test_rates_and_airtime_follow_chain),
		cmocka_unit_test(test_reentry_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
