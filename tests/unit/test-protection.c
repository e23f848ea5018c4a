/* SPDX-License-Identifier: MIT */
/*
 * Protection: RTS/CTS and CTS-to-self when the guest flags a rate for it,
 * the NAV of every radio that decodes them, and what that buys against a
 * hidden node.
 */
#include "medium_env.h"

/* 6 Mbit/s at 5 GHz with the given protection flag, 7 attempts. */
static struct sendopt protected_ofdm(uint16_t flag)
{
	struct sendopt o = ofdm6;

	o.count[0] = 7;
	o.flags[0] = flag;
	return o;
}

static void test_rts_cts_exchange(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = protected_ofdm(PHY_RF_RTS_CTS);
	const struct airlog *a;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 30);
	assert_int_equal(send_frame(e, 0, 0, 1, &o), 0);
	medium_run(e->m, UINT64_MAX);

	/* RTS, CTS, data, ACK, each SIFS (16 us) after the one before. */
	assert_int_equal(e->nair, 4);
	a = e->air;
	assert_int_equal(a[0].kind, MEDIUM_AIR_RTS);
	assert_int_equal(a[0].client, 0);
	assert_int_equal(a[0].len, 16);
	assert_int_equal(a[0].frame[0], 0xb4);
	assert_int_equal(a[0].next, MEDIUM_NEXT_ACK);
	assert_int_equal(a[1].kind, MEDIUM_AIR_CTS);
	assert_int_equal(a[1].client, 1);
	assert_int_equal(a[1].len, 10);
	assert_int_equal(a[1].frame[0], 0xc4);
	assert_int_equal(a[1].start, a[0].end + 16);
	assert_int_equal(a[2].kind, MEDIUM_AIR_DATA);
	assert_int_equal(a[2].start, a[1].end + 16);
	assert_int_equal(a[3].kind, MEDIUM_AIR_ACK);
	assert_int_equal(a[3].start, a[2].end + 16);
	/* The RTS's Duration covers all that follows it; the CTS's what follows it. */
	assert_int_equal(a[0].frame[2] | a[0].frame[3] << 8, a[3].end - a[0].end);
	assert_int_equal(a[1].frame[2] | a[1].frame[3] << 8, a[3].end - a[1].end);
	/* The CTS goes to the RTS's sender. */
	assert_memory_equal(a[1].frame + 4, a[0].frame + 10, 6);
	assert_int_equal(e->nst, 1);
	assert_true(e->st[0].acked);
	assert_int_equal(e->st[0].rates[0].count, 1);
	check_reports(e);
	check_counters_match_reports(e, 2);
	env_free(e);
}

/*
 * The RTS goes at the rate mac80211 gives the driver: the fastest basic
 * rate of the BSS not above the data rate. Before the station knows its
 * BSS, the band's lowest; after the association response that announces
 * 1, 2, 5.5 and 11 Mbit/s basic (hostapd's 802.11g), 11 Mbit/s, and the
 * CTS answers at 11; the ACK to 54 Mbit/s data stays at 24 (no OFDM basic).
 */
static void test_rts_rate_from_basic_rates(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = { .freq = 2412, .len = 1500, .idx = { 11, -1, -1, -1 }, .count = { 7 },
			     .flags = { PHY_RF_RTS_CTS } };
	struct sendopt resp = { .freq = 2412, .len = 60, .idx = { 0, -1, -1, -1 }, .count = { 4 },
				.fc = { 0x10, 0 }, .basic_rates = 0x000f, .basic_to_addressee = true };
	unsigned n;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, 40);
	assert_int_equal(send_frame(e, 0, 0, 1, &o), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nair, 4);
	assert_int_equal(e->air[0].kind, MEDIUM_AIR_RTS);
	assert_int_equal(e->air[0].rate.mcs, 0);		/* 1 Mbit/s */
	assert_int_equal(e->air[0].end - e->air[0].start, 192 + 160);

	assert_int_equal(send_frame(e, e->air[3].end + 1000, 1, 0, &resp), 0);
	medium_run(e->m, UINT64_MAX);
	n = e->nair;
	assert_int_equal(send_frame(e, e->air[n - 1].end + 1000, 0, 1, &o), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nair, n + 4);
	assert_int_equal(e->air[n].kind, MEDIUM_AIR_RTS);
	assert_int_equal(e->air[n].rate.mode, PHY_MODE_DSSS);
	assert_int_equal(e->air[n].rate.mcs, 3);		/* 11 Mbit/s */
	assert_int_equal(e->air[n].end - e->air[n].start, 192 + 15);
	assert_int_equal(e->air[n + 1].kind, MEDIUM_AIR_CTS);
	assert_int_equal(e->air[n + 1].rate.mcs, 3);
	assert_int_equal(e->air[n + 2].kind, MEDIUM_AIR_DATA);
	assert_int_equal(e->air[n + 3].kind, MEDIUM_AIR_ACK);
	assert_int_equal(e->air[n + 3].rate.mcs, 8);		/* 24 Mbit/s */
	/* The RTS's Duration still covers all that follows it. */
	assert_int_equal(e->air[n].frame[2] | e->air[n].frame[3] << 8, e->air[n + 3].end - e->air[n].end);
	env_free(e);
}

static void test_rts_unanswered(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = protected_ofdm(PHY_RF_RTS_CTS);
	unsigned rts = 0;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, -20);		/* out of range */
	o.count[0] = 3;
	assert_int_equal(send_frame(e, 0, 0, 1, &o), 0);
	medium_run(e->m, UINT64_MAX);
	/* Three RTSs, no CTS, the frame never on the air, failed after its three attempts. */
	for (unsigned k = 0; k < e->nair; k++) {
		assert_int_equal(e->air[k].kind, MEDIUM_AIR_RTS);
		assert_int_equal(e->air[k].attempt, k + 1);	/* each RTS stands for an attempt */
		rts++;
	}
	assert_int_equal(rts, 3);
	assert_int_equal(e->air[2].next, MEDIUM_NEXT_FAIL);
	assert_int_equal(e->nst, 1);
	assert_false(e->st[0].acked);
	assert_int_equal(e->st[0].drop, MEDIUM_DROP_RETRIES);
	assert_int_equal(e->st[0].rates[0].count, 3);
	env_free(e);
}

static void test_cts_to_self(void **state)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = protected_ofdm(PHY_RF_CTS_PROTECT);
	const struct airlog *a;

	(void)state;
	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	add_radio(e, 2, 0, 0);
	link(e, 0, 1, 30);
	link(e, 0, 2, 30);
	link(e, 1, 2, 30);
	assert_int_equal(send_frame(e, 0, 0, 1, &o), 0);
	medium_run(e->m, UINT64_MAX);
	a = e->air;
	assert_int_equal(e->nair, 3);
	assert_int_equal(a[0].kind, MEDIUM_AIR_CTS);
	assert_int_equal(a[0].client, 0);
	/* To itself: the sender's own address. */
	assert_int_equal(a[0].frame[4], 0x02);
	assert_int_equal(a[0].frame[8], 0);
	assert_int_equal(a[0].nrx, 2);
	assert_int_equal(a[1].kind, MEDIUM_AIR_DATA);
	assert_int_equal(a[1].start, a[0].end + 16);
	assert_int_equal(a[2].kind, MEDIUM_AIR_ACK);
	assert_true(e->st[0].acked);
	check_reports(e);
	env_free(e);
}

/*
 * Two senders that cannot hear each other, both sending to one radio:
 * without protection their frames collide at it; with RTS/CTS only the
 * short RTSs do, and the CTS that one of them draws silences the other
 * (its NAV) for the whole frame.
 */
static void hidden_pair(bool rts, unsigned *data_collisions, double *delivered)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);
	struct sendopt o = protected_ofdm(rts ? PHY_RF_RTS_CTS : 0);
	unsigned acked = 0;

	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	add_radio(e, 2, 0, 0);
	link(e, 0, 1, 25);
	link(e, 2, 1, 25);
	link(e, 0, 2, -20);
	for (int k = 0; k < 200; k++) {
		send_frame(e, 0, 0, 1, &o);
		send_frame(e, 0, 2, 1, &o);
	}
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst, 400);
	for (unsigned k = 0; k < e->nst; k++)
		acked += e->st[k].acked;
	*delivered = acked / 400.0;
	*data_collisions = 0;
	for (unsigned k = 0; k < e->nair; k++)
		for (uint32_t i = 0; e->air[k].kind == MEDIUM_AIR_DATA && i < e->air[k].nrx; i++)
			*data_collisions += e->air[k].rx[i].fate == MEDIUM_FATE_COLLISION;
	check_reports(e);
	check_counters_match_reports(e, 3);
	env_free(e);
}

static void test_rts_cts_against_hidden_node(void **state)
{
	unsigned plain, rts;
	double d_plain, d_rts;

	(void)state;
	hidden_pair(false, &plain, &d_plain);
	hidden_pair(true, &rts, &d_rts);
	print_message("hidden node: %u data collisions, %.3f delivered; with RTS/CTS: %u, %.3f\n",
		      plain, d_plain, rts, d_rts);
	assert_true(plain > 200);
	assert_true(rts < plain / 20);
	assert_true(d_rts > d_plain);
	assert_true(d_rts > 0.95);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rts_cts_exchange),
		cmocka_unit_test(test_rts_rate_from_basic_rates),
		cmocka_unit_test(test_rts_unanswered),
		cmocka_unit_test(test_cts_to_self),
		cmocka_unit_test(test_rts_cts_against_hidden_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
