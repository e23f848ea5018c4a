/* SPDX-License-Identifier: MIT */
/*
 * The medium's state as the control API reads it: per-link and per-channel
 * counters, moving nodes, radio inspection and the PER it quotes.
 */
#include "medium_env.h"

static void test_link_counters(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = ofdm6;
	struct medium_link_counters l;
	struct medium_radio_info ri;
	struct phy_rate r12 = hwsim_rate(2, 0, 5180), mcs3 = hwsim_rate(3, PHY_RF_MCS, 5180);
	uint32_t s0, s1, s2, s3;
	uint8_t id[6];

	(void)state;
	for (int i = 0; i < 3; i++)
		add_radio(e, i, 0, 0);
	link(e, 0, 1, 30);
	link(e, 0, 2, 30);
	link(e, 1, 2, 30);
	s0 = (uint32_t)slot_of(e, 0);
	s1 = (uint32_t)slot_of(e, 1);
	s2 = (uint32_t)slot_of(e, 2);
	assert_int_equal(medium_link_counters(e->m, s0, s1, &l), 0);
	assert_int_equal(l.frames, 0);
	assert_false(l.has_rate);

	o.idx[0] = 2;
	for (uint32_t k = 1; k <= 3; k++) {
		o.len = 100 * k;
		send_frame(e, k * 100000, 0, 1, &o);
	}
	o = ofdm6;
	o.idx[0] = 3;
	o.flags[0] = PHY_RF_MCS;
	o.len = 400;
	send_frame(e, 400000, 1, 0, &o);
	medium_run(e->m, UINT64_MAX);
	check_reports(e);
	assert_int_equal(e->nst, 4);
	for (unsigned k = 0; k < 4; k++)
		assert_true(e->st[k].acked);

	assert_int_equal(medium_link_counters(e->m, s0, s1, &l), 0);
	assert_int_equal(l.frames, 3);
	assert_int_equal(l.bytes, 600);
	assert_int_equal(l.lost, 0);
	assert_true(l.has_rate);
	assert_true(rate_eq(&l.rate, &r12));
	/* The bystander decoded the same frames, but 0 sends it nothing. */
	assert_int_equal(medium_link_counters(e->m, s0, s2, &l), 0);
	assert_int_equal(l.frames, 3);
	assert_int_equal(l.bytes, 600);
	assert_false(l.has_rate);
	/* ACKs are no data frames: 1 -> 0 is the one HT frame. */
	assert_int_equal(medium_link_counters(e->m, s1, s0, &l), 0);
	assert_int_equal(l.frames, 1);
	assert_int_equal(l.bytes, 400);
	assert_true(l.has_rate);
	assert_true(rate_eq(&l.rate, &mcs3));
	assert_int_equal(medium_link_counters(e->m, s2, s0, &l), 0);
	assert_int_equal(l.frames, 0);
	assert_false(l.has_rate);
	assert_int_equal(medium_link_counters(e->m, s0, s0, &l), 0);
	assert_int_equal(l.frames, 0);
	check_counters_match_reports(e, 3);

	/* Radio 2 goes: its slot is empty, its links gone both ways. */
	ident(2, id);
	assert_int_equal(medium_radio_del(e->m, 2, id), 0);
	assert_int_equal(medium_radio_del(e->m, 2, id), -ENOENT);
	assert_int_equal(medium_link_counters(e->m, s0, s2, &l), -ENOENT);
	assert_int_equal(medium_link_counters(e->m, s2, s0, &l), -ENOENT);
	assert_int_equal(medium_radio_info(e->m, s2, &ri), -ENOENT);
	assert_int_equal(medium_link_counters(e->m, s0, medium_radio_slots(e->m), &l), -ENOENT);

	/* A newcomer takes the free slot and none of its predecessor's history. */
	add_radio(e, 3, 0, 0);
	link(e, 0, 3, 30);
	s3 = (uint32_t)slot_of(e, 3);
	assert_int_equal(s3, s2);
	assert_int_equal(medium_link_counters(e->m, s0, s3, &l), 0);
	assert_int_equal(l.frames, 0);
	assert_int_equal(l.bytes, 0);
	assert_false(l.has_rate);
	assert_int_equal(medium_link_counters(e->m, s3, s0, &l), 0);
	assert_int_equal(l.frames, 0);
	ri = info_of(e, 3);
	assert_int_equal(ri.c.rx_frames, 0);
	assert_int_equal(ri.c.rx_bytes, 0);
	send_frame(e, 2000000, 0, -1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(medium_link_counters(e->m, s0, s3, &l), 0);
	assert_int_equal(l.frames, 1);
	assert_int_equal(l.bytes, 1500);
	env_free(e);
}

static void test_channels(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o24 = ofdm6;
	struct medium_channel ch[4];
	uint64_t frames[2] = { 0 }, air[2] = { 0 }, radios_air = 0;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	assert_int_equal(medium_channels(e->m, ch, 4), 0);
	o24.freq = 2412;
	o24.idx[0] = 4;		/* 6 Mbit/s ERP-OFDM */
	send_frame(e, 0, 0, 1, &ofdm6);
	send_frame(e, 100000, 0, 1, &ofdm6);
	/* Past CHANIDX_FRESH_US: radio 0 is no longer known to listen on 5180 and answers. */
	send_frame(e, 1200000, 1, 0, &o24);
	send_frame(e, 1300000, 0, -1, &o24);
	medium_run(e->m, UINT64_MAX);
	check_reports(e);
	assert_int_equal(e->nair, 7);

	for (unsigned k = 0; k < e->nair; k++) {
		int c = e->air[k].freq == 2412;

		assert_true(e->air[k].freq == 2412 || e->air[k].freq == 5180);
		frames[c]++;
		air[c] += e->air[k].end - e->air[k].start;
	}
	assert_int_equal(frames[0], 4);
	assert_int_equal(frames[1], 3);
	/* In order of first use. */
	assert_int_equal(medium_channels(e->m, ch, 4), 2);
	assert_int_equal(ch[0].freq, 5180);
	assert_int_equal(ch[0].frames, frames[0]);
	assert_int_equal(ch[0].airtime_us, air[0]);
	assert_int_equal(ch[1].freq, 2412);
	assert_int_equal(ch[1].frames, frames[1]);
	assert_int_equal(ch[1].airtime_us, air[1]);
	for (int i = 0; i < 2; i++)
		radios_air += info_of(e, i).c.airtime_us;
	assert_int_equal(radios_air, air[0] + air[1]);
	/* Room for one: one filled, the count still says two. */
	memset(ch, 0, sizeof(ch));
	assert_int_equal(medium_channels(e->m, ch, 1), 2);
	assert_int_equal(ch[0].freq, 5180);
	assert_int_equal(ch[1].freq, 0);
	env_free(e);
}

static void test_velocity(void **state)
{
	struct medium_params p;
	struct medium_node_info ni;
	struct env *e;
	const double v[3] = { 10, 0, 0 }, stop[3] = { 0, 0, 0 };
	double bad[3] = { NAN, 0, 0 };
	double snr0, snr1, snr2, loss, pl10, pl20;
	uint32_t s0, s1;
	int n0;

	(void)state;
	medium_params_init(&p);		/* free space */
	p.mobility_step_us = 100000;
	e = env_new(&p);
	n0 = add_radio(e, 0, 0, 0);
	add_radio(e, 1, -10, 0);
	s0 = (uint32_t)slot_of(e, 0);
	s1 = (uint32_t)slot_of(e, 1);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 5180, &snr0, &loss), 0);
	assert_int_equal(medium_radio_link(e->m, s0, 99, 5180, &snr0, &loss), -ENOENT);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 5180, &snr0, &loss), 0);
	assert_true(loss == 0.0);
	assert_int_equal(medium_next_event(e->m), UINT64_MAX);

	assert_int_equal(medium_node_set_velocity(e->m, n0, bad), -EINVAL);
	bad[0] = INFINITY;
	assert_int_equal(medium_node_set_velocity(e->m, n0, bad), -EINVAL);
	assert_int_equal(medium_node_set_velocity(e->m, -1, v), -ENOENT);
	assert_int_equal(medium_node_set_velocity(e->m, 2, v), -ENOENT);
	assert_int_equal(medium_node_info(e->m, 2, &ni), -ENOENT);
	assert_int_equal(medium_node_info(e->m, -1, &ni), -ENOENT);
	assert_int_equal(medium_next_event(e->m), UINT64_MAX);

	assert_int_equal(medium_node_set_velocity(e->m, n0, v), 0);
	assert_int_equal(medium_next_event(e->m), 100000);
	medium_run(e->m, 1000000);
	assert_int_equal(medium_node_info(e->m, n0, &ni), 0);
	assert_true(fabs(ni.pos[0] - 10.0) < 1e-6);
	assert_true(fabs(ni.pos[1]) < 1e-12 && fabs(ni.pos[2]) < 1e-12);
	assert_true(ni.vel[0] == 10.0 && ni.vel[1] == 0.0);
	assert_int_equal(ni.radios, 1);
	assert_int_equal(medium_next_event(e->m), 1100000);

	/* 10 m apart then 20 m: free space loses 20 log10(2) dB. */
	pl10 = prop_path_loss_db(&p.prop, 10, 1, 1, 5180, 0);
	pl20 = prop_path_loss_db(&p.prop, 20, 1, 1, 5180, 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 5180, &snr1, &loss), 0);
	print_message("SNR %.3f dB at 10 m, %.3f dB at 20 m\n", snr0, snr1);
	assert_true(snr1 < snr0);
	assert_true(fabs((snr0 - snr1) - (pl20 - pl10)) < 1e-3);
	assert_true(fabs((snr0 - snr1) - 20.0 * log10(2.0)) < 1e-3);

	/* A frame sent now is received at the new distance. */
	send_frame(e, 1000000, 0, -1, &ofdm6);
	/* Draining stops when only the moving node is left: no endless loop. */
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 1);
	assert_int_equal(e->nrx, 1);
	assert_true(labs((long)e->rx[0].signal - lround(20.0 - pl20)) <= 1);
	assert_int_equal(medium_next_event(e->m), 1100000);
	medium_run(e->m, 1500000);
	assert_int_equal(medium_node_info(e->m, n0, &ni), 0);
	assert_true(fabs(ni.pos[0] - 15.0) < 1e-6);

	/* Stopped: no more steps, the position holds. */
	assert_int_equal(medium_node_set_velocity(e->m, n0, stop), 0);
	assert_int_equal(medium_next_event(e->m), UINT64_MAX);
	medium_run(e->m, 3000000);
	assert_int_equal(medium_node_info(e->m, n0, &ni), 0);
	assert_true(fabs(ni.pos[0] - 15.0) < 1e-6);
	assert_true(ni.vel[0] == 0.0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 5180, &snr2, &loss), 0);
	assert_true(snr2 < snr1);
	env_free(e);
}

/* Gain, antenna height, fixed shadowing and media, as the wserver sets them. */
static void test_node_setters(void **state)
{
	struct medium_params p;
	struct medium_node_info ni;
	struct env *e;
	double snr0, snr, loss, fixed;
	uint32_t s0, s1;
	int n0, n1;

	(void)state;
	medium_params_init(&p);		/* free space */
	e = env_new(&p);
	n0 = add_radio(e, 0, 0, 0);
	n1 = add_radio(e, 1, 10, 0);
	s0 = (uint32_t)slot_of(e, 0);
	s1 = (uint32_t)slot_of(e, 1);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &snr0, &loss), 0);

	assert_int_equal(medium_node_set_antenna_gain(e->m, n0, 3.0), 0);
	assert_int_equal(medium_node_set_antenna_gain(e->m, n1, 2.0), 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &snr, &loss), 0);
	assert_true(fabs(snr - snr0 - 5.0) < 1e-6);
	assert_int_equal(medium_node_set_antenna_gain(e->m, 7, 1.0), -ENOENT);
	assert_int_equal(medium_node_set_antenna_gain(e->m, n0, NAN), -EINVAL);
	assert_int_equal(medium_node_info(e->m, n0, &ni), 0);
	assert_true(ni.antenna_gain_dbi == 3.0 && ni.antenna_height_m == 0.0 && isnan(ni.shadowing_db));

	/* Media: apart, then together again. */
	assert_int_equal(medium_node_set_medium(e->m, n1, 2), 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &snr, &loss), 0);
	assert_true(snr < -200.0);
	assert_int_equal(medium_node_set_medium(e->m, n0, 2), 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &snr, &loss), 0);
	assert_true(fabs(snr - snr0 - 5.0) < 1e-6);
	assert_int_equal(medium_node_set_medium(e->m, -1, 0), -ENOENT);

	/* Two-ray ground beyond the crossover (10 km at 10 m): h_t^2 h_r^2 / d^4. */
	p.prop.type = PROP_TWO_RAY_GROUND;
	medium_set_params(e->m, &p);
	assert_int_equal(medium_node_set_pos(e->m, n1, (double[3]){ 50000, 0, 0 }), 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &snr0, &loss), 0);
	assert_int_equal(medium_node_set_antenna_height(e->m, n0, 10.0), 0);
	assert_int_equal(medium_node_set_antenna_height(e->m, n1, 10.0), 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &snr, &loss), 0);
	print_message("two-ray ground at 50 km: %.2f dB at 1 m, %.2f dB at 10 m\n", snr0, snr);
	assert_true(fabs(snr - snr0 - 40.0) < 1e-6);
	assert_int_equal(medium_node_info(e->m, n0, &ni), 0);
	assert_true(ni.antenna_height_m == 10.0);
	assert_int_equal(medium_node_set_antenna_height(e->m, n0, 0.0), 0);
	assert_int_equal(medium_node_set_antenna_height(e->m, n1, -1.0), 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &snr, &loss), 0);
	assert_true(fabs(snr - snr0) < 1e-6);
	assert_int_equal(medium_node_set_antenna_height(e->m, n0, INFINITY), -EINVAL);

	/* Log-normal shadowing: the sender's fixed term instead of the draw, one way only. */
	p.prop = (struct prop_model){ 0 };
	prop_model_init(&p.prop, PROP_LOG_NORMAL_SHADOWING);
	medium_set_params(e->m, &p);
	assert_int_equal(medium_node_set_pos(e->m, n1, (double[3]){ 10, 0, 0 }), 0);
	assert_int_equal(medium_node_set_shadowing(e->m, n0, 0.0), 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &fixed, &loss), 0);
	assert_int_equal(medium_node_set_shadowing(e->m, n0, 6.0), 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &snr, &loss), 0);
	assert_true(fabs(snr - fixed - 6.0) < 1e-6);
	assert_int_equal(medium_node_info(e->m, n0, &ni), 0);
	assert_true(ni.shadowing_db == 6.0);
	assert_int_equal(medium_node_set_shadowing(e->m, n0, NAN), 0);
	assert_int_equal(medium_radio_link(e->m, s0, s1, 2412, &snr, &loss), 0);
	assert_true(fabs(snr - fixed) > 1e-9);	/* the draw again (sigma 2 dB) */
	assert_int_equal(medium_node_set_shadowing(e->m, n0, -INFINITY), -EINVAL);
	env_free(e);
}

/* Spec-prob links: a unicast frame's loss by its size and rate; broadcasts pass. */
static void test_loss_matrix(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt big = ofdm6, small = ofdm6;
	double v[MEDIUM_LOSS_MATRIX_N], loss;
	struct phy_rate r = hwsim_rate(0, 0, 5180);	/* 6 Mbit/s: legacy index 4 */

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 40);
	for (int i = 0; i < MEDIUM_LOSS_MATRIX_N; i++)
		v[i] = 0.0;
	v[10 * MEDIUM_LOSS_RATES + 4] = 1.0;	/* 1024..2047 bytes at 6 Mbit/s: always lost */
	assert_int_equal(medium_link_set_loss_matrix(e->m, 0, 1, v), 0);
	assert_int_equal(medium_link_matrix_loss(e->m, 0, 1, 1500, &r, &loss), 0);
	assert_true(loss == 1.0);
	assert_int_equal(medium_link_matrix_loss(e->m, 0, 1, 500, &r, &loss), 0);
	assert_true(loss == 0.0);
	assert_int_equal(medium_link_matrix_loss(e->m, 1, 0, 1500, &r, &loss), -ENOENT);

	big.len = 1500;
	small.len = 500;
	send_frame(e, 0, 0, 1, &big);
	medium_run(e->m, 1000000);
	assert_int_equal(e->nst, 1);
	assert_false(e->st[0].acked);
	assert_int_equal(e->nrx, 0);
	send_frame(e, 1000000, 0, 1, &small);
	send_frame(e, 1000000, 1, 0, &big);	/* the other way has no matrix */
	send_frame(e, 1000000, 0, -1, &big);	/* broadcast: not subject to it */
	medium_run(e->m, 2000000);
	assert_int_equal(e->nst, 4);
	assert_true(e->st[1].acked && e->st[2].acked);
	assert_int_equal(e->nrx, 3);

	v[3] = 1.5;
	assert_int_equal(medium_link_set_loss_matrix(e->m, 0, 1, v), -EINVAL);
	v[3] = NAN;
	assert_int_equal(medium_link_set_loss_matrix(e->m, 0, 1, v), -EINVAL);
	assert_int_equal(medium_link_set_loss_matrix(e->m, 0, 5, v), -ENOENT);
	/* Cleared with the link's pin; the model decides again. */
	assert_int_equal(medium_link_clear(e->m, 0, 1), 0);
	assert_int_equal(medium_link_matrix_loss(e->m, 0, 1, 1500, &r, &loss), -ENOENT);
	env_free(e);
}

/* A radio whose kernel refuses deliveries neither receives nor acknowledges. */
static void test_asleep(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct medium_radio_info ri;

	(void)state;
	for (int i = 0; i < 3; i++)
		add_radio(e, i, 0, 0);
	link(e, 0, 1, 40);
	link(e, 0, 2, 40);
	link(e, 1, 2, 40);
	e->asleep[1] = true;
	send_frame(e, 0, 0, 1, &ofdm6);		/* to the sleeper: every attempt, no ACK */
	medium_run(e->m, 1000000);
	assert_int_equal(e->nst, 1);
	assert_false(e->st[0].acked);
	assert_int_equal(e->st[0].rates[0].count, 4);
	assert_int_equal(e->st[0].drop, MEDIUM_DROP_RETRIES);
	/* Radio 2 overheard each attempt; radio 1 decoded each and refused it. */
	assert_int_equal(e->nrx, 4);
	assert_int_equal(e->refused, 4);
	assert_int_equal(e->refused_verdict, 4);
	ri = info_of(e, 1);
	assert_int_equal(ri.c.rx_asleep, 4);
	assert_int_equal(ri.c.rx_frames, 0);
	/* A broadcast: refused without a verdict asked, nothing retried. */
	send_frame(e, 1000000, 0, -1, &ofdm6);
	medium_run(e->m, 2000000);
	assert_int_equal(e->nst, 2);
	assert_int_equal(e->refused, 5);
	assert_int_equal(e->refused_verdict, 4);
	/* Awake again: acked at once. */
	e->asleep[1] = false;
	send_frame(e, 2000000, 0, 1, &ofdm6);
	medium_run(e->m, 3000000);
	assert_true(e->st[2].acked);
	assert_int_equal(e->st[2].rates[0].count, 1);
	check_counters_match_reports(e, 3);
	env_free(e);
}

static void test_radio_info(void **state)
{
	struct medium_params p = params_snr();
	struct medium_radio_info ri;
	struct env *e;
	struct sendopt o = ofdm6;
	const uint8_t learned[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
	const uint8_t id9[6] = { 0x42, 9, 9, 9, 9, 9 };
	uint8_t a0[6], id[6];
	uint32_t used = 0;

	(void)state;
	p.default_tx_power_dbm = 17;
	e = env_new(&p);
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	assert_int_equal(medium_node_set_tx_power(e->m, 0, 15), 0);
	addr(0, a0);
	ident(0, id);
	/* Announced twice: one address. */
	assert_int_equal(medium_addr_add(e->m, 0, id, a0), 0);
	assert_int_equal(medium_radio_add(e->m, 9, id9), 0);

	ri = info_of(e, 1);
	assert_int_equal(ri.last_freq, 0);
	send_frame(e, 0, 0, 1, &ofdm6);			/* addr2 = its own address */
	o.src = learned;
	o.freq = 2412;
	o.idx[0] = 4;
	send_frame(e, 100000, 0, 1, &o);		/* learns 02:aa:00:00:00:01 */
	send_frame(e, 200000, 0, 1, &o);		/* ... once */
	medium_run(e->m, UINT64_MAX);

	ri = info_of(e, 0);
	assert_int_equal(ri.client, 0);
	assert_memory_equal(ri.id, id, 6);
	assert_int_equal(ri.node, 0);
	assert_int_equal(ri.naddrs, 2);
	assert_memory_equal(ri.addrs[0], a0, 6);
	assert_memory_equal(ri.addrs[1], learned, 6);
	assert_int_equal(ri.last_freq, 2412);
	assert_true(ri.tx_power_dbm == 15.0);
	assert_int_equal(ri.c.tx_frames, 3);
	assert_int_equal(ri.c.acked, 3);
	ri = info_of(e, 1);
	assert_int_equal(ri.node, 1);
	assert_true(ri.tx_power_dbm == 20.0);
	assert_int_equal(ri.naddrs, 1);
	assert_int_equal(ri.last_freq, 0);
	/* On no node: the default power. */
	assert_int_equal(medium_radio_info(e->m, (uint32_t)medium_radio_slot(e->m, 9, id9), &ri), 0);
	assert_int_equal(ri.node, -1);
	assert_true(ri.tx_power_dbm == 17.0);
	assert_int_equal(ri.naddrs, 0);

	/* Every used slot maps back to itself; empty and out-of-range ones are -ENOENT. */
	for (uint32_t s = 0; s < medium_radio_slots(e->m) + 2; s++) {
		if (medium_radio_info(e->m, s, &ri) < 0) {
			assert_int_equal(medium_radio_info(e->m, s, &ri), -ENOENT);
			continue;
		}
		used++;
		assert_int_equal(medium_radio_slot(e->m, ri.client, ri.id), (int)s);
	}
	assert_int_equal(used, 3);
	assert_int_equal(medium_radio_slot(e->m, 1, id), -ENOENT);	/* wrong client */
	assert_int_equal(medium_radio_slot(e->m, 7, id9), -ENOENT);
	env_free(e);
}

static void test_per(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct phy_rate r = hwsim_rate(0, 0, 5180);
	double prev = 2.0, mid = NAN;

	(void)state;
	for (double snr = -10; snr <= 40; snr += 0.5) {
		double x = medium_per(e->m, &r, snr, 1500);

		assert_true(x >= 0.0 && x <= 1.0);
		assert_true(x <= prev + 1e-12);
		if (isnan(mid) && x < 0.5)
			mid = snr;
		prev = x;
	}
	assert_true(medium_per(e->m, &r, -10, 1500) > 0.99);
	assert_true(medium_per(e->m, &r, 40, 1500) < 1e-6);
	assert_false(isnan(mid));
	/* Where it is neither 0 nor 1, a longer frame is likelier to be lost. */
	assert_true(medium_per(e->m, &r, mid, 100) < medium_per(e->m, &r, mid, 500));
	assert_true(medium_per(e->m, &r, mid, 500) < medium_per(e->m, &r, mid, 1500));
	assert_true(medium_per(e->m, &r, mid + 1, 1500) < medium_per(e->m, &r, mid, 1500));
	env_free(e);
}

/*
 * The data's sender goes while its ACK is on the air: the ACK still ends on
 * the air and is reported with the RA and attempt it was sent for (the
 * record carries them; the sender's frame is gone by then).
 */

/*
 * What one client can make the medium hold: radios per client and in all,
 * addresses per radio. Past them nothing is made, -ENOSPC says so, a frame
 * still gets its (failed) status, and what goes away makes room again.
 */
static void test_limits(void **state)
{
	struct medium_params p = params_snr();
	struct medium_counters c;
	struct env *e;
	uint8_t id[6] = { 0x42, 0, 0, 0, 0, 0 }, a[6] = { 0x02, 0xaa, 0, 0, 0, 0 };
	struct medium_tx tx = {
		.client = 7, .len = 24, .freq = 2412, .cookie = 99, .rates = { { 0, 1, 0 }, { -1 } },
		.has_src = true, .ac = MEDIUM_AC_BE,
	};
	static uint8_t frame[24] = { 0x08 };

	(void)state;
	p.max_radios = 8;
	p.max_client_radios = 3;
	p.max_radio_addrs = 2;
	e = env_new(&p);

	for (int i = 0; i < 3; i++) {
		id[5] = (uint8_t)i;
		assert_int_equal(medium_radio_add(e->m, 7, id), 0);
	}
	id[5] = 3;
	assert_int_equal(medium_radio_add(e->m, 7, id), -ENOSPC);
	a[5] = 1;
	assert_int_equal(medium_addr_add(e->m, 7, id, a), -ENOSPC);
	/* A frame from a fourth radio: refused, and answered at once. */
	tx.frame = frame;
	memcpy(tx.radio, id, 6);
	memcpy(tx.src, id, 6);
	memset(tx.dst, 0xff, 6);
	tx.group = true;
	assert_int_equal(medium_tx(e->m, 0, &tx), -ENOSPC);
	assert_int_equal(e->nst, 1);
	assert_int_equal(e->st[0].cookie, 99);
	assert_false(e->st[0].acked);
	assert_int_equal(e->st[0].drop, MEDIUM_DROP_LIMIT);
	assert_int_equal(medium_radio_slot(e->m, 7, id), -ENOENT);

	/* Other clients are not held back by client 7's limit, only by the total. */
	for (int i = 0; i < 5; i++) {
		id[5] = (uint8_t)(10 + i);
		assert_int_equal(medium_radio_add(e->m, 100 + (uint32_t)i, id), 0);
	}
	id[5] = 20;
	assert_int_equal(medium_radio_add(e->m, 200, id), -ENOSPC);

	/* Addresses per radio, besides repeats of one it has. */
	id[5] = 0;
	a[5] = 1;
	assert_int_equal(medium_addr_add(e->m, 7, id, a), 0);
	assert_int_equal(medium_addr_add(e->m, 7, id, a), 0);
	a[5] = 2;
	assert_int_equal(medium_addr_add(e->m, 7, id, a), 0);
	a[5] = 3;
	assert_int_equal(medium_addr_add(e->m, 7, id, a), -ENOSPC);

	/* A client that goes makes room for everyone. */
	medium_client_gone(e->m, 7);
	id[5] = 20;
	assert_int_equal(medium_radio_add(e->m, 200, id), 0);
	id[5] = 3;
	assert_int_equal(medium_radio_add(e->m, 7, id), 0);
	medium_get_counters(e->m, &c);
	assert_int_equal(c.limited, 5);
	env_free(e);
}

/* An on_air that logs the report, then switches reports off. */
static void air_then_off(void *opaque, const struct medium_air *a)
{
	struct env *e = opaque;

	on_air(opaque, a);
	medium_set_on_air(e->m, NULL);
}

static void test_air_reports_switch(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	medium_set_on_air(e->m, NULL);
	send_frame(e, 0, 0, 1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 1);
	assert_true(e->st[0].acked);
	assert_int_equal(e->nrx, 1);
	assert_int_equal(e->nair, 0);

	medium_set_on_air(e->m, on_air);
	send_frame(e, 100000, 0, 1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nair, 2);		/* the frame and its ACK */

	/* Off from inside a report: the run ends as it began, reported whole. */
	medium_set_on_air(e->m, air_then_off);
	send_frame(e, 200000, 0, 1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nair, 4);
	assert_int_equal(e->nst, 3);
	assert_true(e->st[2].acked);
	send_frame(e, 300000, 0, 1, &ofdm6);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nair, 4);
	assert_int_equal(e->nst, 4);
	check_reports(e);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_counters),
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_velocity),
		cmocka_unit_test(test_node_setters),
		cmocka_unit_test(test_loss_matrix),
		cmocka_unit_test(test_asleep),
		cmocka_unit_test(test_radio_info),
		cmocka_unit_test(test_per),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_air_reports_switch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
