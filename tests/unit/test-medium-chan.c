/* SPDX-License-Identifier: MIT */
/*
 * The channel index: a transmission visits the radios of overlapping
 * channels and those whose channel is not known; a radio that moves is
 * found where it sends next; a radio silent for a second, or that said it
 * may leave, hears everything again; an addressee known to listen
 * elsewhere neither takes the frame nor ACKs it.
 */
#include "medium_env.h"

#define FRESH_US 1000000	/* the medium's freshness window (chanidx.h) */

static const struct sendopt ch100 = {
	.freq = 5500, .len = 200, .idx = { 0, -1, -1, -1 }, .count = { 4 },
};

/* Radios 0 .. n-1 on one spot, every pair hearing each other at 30 dB. */
static struct env *env_radios(int n)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);

	for (int i = 0; i < n; i++)
		add_radio(e, i, 0, 0);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			link(e, i, j, 30);
	return e;
}

static uint64_t visits(struct env *e)
{
	struct medium_counters c;

	medium_get_counters(e->m, &c);
	return c.visits;
}

/* Deliveries to radio i logged since entry `from`. */
static unsigned rx_at(const struct env *e, unsigned from, int i)
{
	unsigned n = 0;

	for (unsigned k = from; k < e->nrx; k++)
		n += e->rx[k].client == (uint32_t)i;
	return n;
}

/* The fate radio i met in the last data report, or -1 if it is not listed. */
static int last_fate(const struct env *e, int i)
{
	for (unsigned k = e->nair; k-- > 0;) {
		if (e->air[k].kind != MEDIUM_AIR_DATA)
			continue;
		for (uint32_t j = 0; j < e->air[k].nrx; j++)
			if (e->air[k].rx[j].client == (uint32_t)i)
				return (int)e->air[k].rx[j].fate;
		return -1;
	}
	return -1;
}

/*
 * Radios 0 and 1 on 5180, `others' more on 5500, each of which sent there:
 * a broadcast on 5180 costs as many visits however many radios are on
 * 5500, and reaches none of them.
 */
static uint64_t broadcast_visits(int others, unsigned *delivered)
{
	struct env *e = env_radios(2 + others);
	uint64_t before;
	unsigned from;

	for (int i = 2; i < 2 + others; i++)
		send_frame(e, 0, i, -1, &ch100);
	send_frame(e, 0, 1, -1, &ofdm6);
	medium_run(e->m, 100000);
	before = visits(e);
	from = e->nrx;
	send_frame(e, 100000, 0, -1, &ofdm6);
	medium_run(e->m, 200000);
	*delivered = e->nrx - from;
	before = visits(e) - before;
	check_reports(e);
	env_free(e);
	return before;
}

static void test_other_channels_not_visited(void **state)
{
	unsigned d2, d6;
	uint64_t v2 = broadcast_visits(2, &d2), v6 = broadcast_visits(6, &d6);

	(void)state;
	assert_int_equal(d2, 1);
	assert_int_equal(d6, 1);
	assert_int_equal(v2, v6);
	/* The walk over 5180 sees the sender and radio 1; nothing else is listed. */
	assert_true(v2 >= 2 && v2 <= 4);
}

static void test_unknown_channel_hears_everything(void **state)
{
	struct env *e = env_radios(4);
	struct sendopt o24 = ofdm6;
	unsigned from;

	(void)state;
	o24.freq = 2412;
	o24.idx[0] = 4;		/* 6 Mbit/s ERP-OFDM */
	/* Radios 2 and 3 never sent: every channel reaches them. */
	send_frame(e, 0, 0, -1, &ofdm6);
	send_frame(e, 0, 1, -1, &ch100);
	medium_run(e->m, 50000);
	assert_int_equal(rx_at(e, 0, 2), 2);
	assert_int_equal(rx_at(e, 0, 3), 2);
	/* Radios 0 and 1, known on 5 GHz, do not hear 2412; radio 3 still does. */
	from = e->nrx;
	send_frame(e, 50000, 2, -1, &o24);
	medium_run(e->m, 100000);
	assert_int_equal(rx_at(e, from, 3), 1);
	assert_int_equal(rx_at(e, from, 0), 0);
	assert_int_equal(rx_at(e, from, 1), 0);
	check_reports(e);
	env_free(e);
}

static void test_moved_radio_reachable(void **state)
{
	struct env *e = env_radios(3);
	unsigned from;

	(void)state;
	send_frame(e, 0, 2, -1, &ch100);
	medium_run(e->m, 10000);
	from = e->nrx;
	send_frame(e, 10000, 0, -1, &ofdm6);
	medium_run(e->m, 20000);
	assert_int_equal(rx_at(e, from, 1), 1);
	assert_int_equal(rx_at(e, from, 2), 0);
	assert_int_equal(last_fate(e, 2), -1);

	/* Radio 2 hops to 5180 and says so by sending there: it hears 5180, not 5500. */
	send_frame(e, 20000, 2, -1, &ofdm6);
	medium_run(e->m, 30000);
	from = e->nrx;
	send_frame(e, 30000, 0, 2, &ofdm6);
	send_frame(e, 30000, 1, -1, &ch100);
	medium_run(e->m, 50000);
	assert_int_equal(rx_at(e, from, 2), 1);
	assert_int_equal(e->nst, 5);
	for (unsigned k = 3; k < 5; k++)
		if (e->st[k].client == 0)
			assert_true(e->st[k].acked);
	check_reports(e);
	env_free(e);
}

static void test_silent_radio_hears_everything_again(void **state)
{
	struct env *e = env_radios(3);
	unsigned from;

	(void)state;
	send_frame(e, 0, 2, -1, &ch100);
	medium_run(e->m, FRESH_US - 10000);
	from = e->nrx;
	send_frame(e, FRESH_US - 10000, 0, -1, &ofdm6);
	medium_run(e->m, FRESH_US - 5000);
	assert_int_equal(rx_at(e, from, 2), 0);
	/* A second after it last sent, radio 2 may be anywhere. */
	from = e->nrx;
	send_frame(e, FRESH_US + 5000, 0, -1, &ofdm6);
	medium_run(e->m, FRESH_US + 10000);
	assert_int_equal(rx_at(e, from, 2), 1);
	check_reports(e);
	env_free(e);
}

static void test_leaving_radio_hears_everything(void **state)
{
	/* A probe request (a scan hops on); the PM bit (a station dozes or leaves its channel). */
	const uint8_t fc[2][2] = { { 0x40, 0x00 }, { 0x48, 0x11 } };

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct env *e = env_radios(3);
		struct sendopt o = ch100;
		unsigned from;

		send_frame(e, 0, 2, -1, &ch100);
		medium_run(e->m, 10000);
		from = e->nrx;
		send_frame(e, 10000, 0, -1, &ofdm6);
		medium_run(e->m, 20000);
		assert_int_equal(rx_at(e, from, 2), 0);
		o.fc[0] = fc[k][0];
		o.fc[1] = fc[k][1];
		send_frame(e, 20000, 2, -1, &o);
		medium_run(e->m, 30000);
		from = e->nrx;
		send_frame(e, 30000, 0, -1, &ofdm6);
		medium_run(e->m, 40000);
		assert_int_equal(rx_at(e, from, 2), 1);
		check_reports(e);
		env_free(e);
	}
}

/*
 * Radio 1 last sent on `where': radio 0's unicast on 5180 (or 2412 for
 * channel 1, whose neighbour 3 overlaps it) is refused and never ACKed
 * while that is fresh, and taken once radio 1 has been silent a second.
 */
static void check_addressee_elsewhere(uint32_t here, uint32_t where)
{
	struct env *e = env_radios(2);
	struct sendopt mine = ch100, theirs = ch100;
	struct medium_radio_info ri;

	mine.freq = here;
	theirs.freq = where;
	if (here < 5000)
		mine.idx[0] = theirs.idx[0] = 4;
	send_frame(e, 0, 1, -1, &theirs);
	medium_run(e->m, 10000);
	send_frame(e, 10000, 0, 1, &mine);
	medium_run(e->m, 100000);
	assert_int_equal(e->nst, 2);
	assert_int_equal(e->st[1].client, 0);
	assert_false(e->st[1].acked);
	assert_int_equal(e->st[1].drop, MEDIUM_DROP_RETRIES);
	assert_int_equal(e->st[1].rates[0].count, 4);
	assert_int_equal(rx_at(e, 0, 1), 0);
	assert_int_equal(last_fate(e, 1), MEDIUM_FATE_ASLEEP);
	ri = info_of(e, 1);
	assert_int_equal(ri.c.rx_asleep, 4);
	assert_int_equal(e->refused_elsewhere, 4);
	for (unsigned k = 0; k < e->nair; k++)
		assert_int_not_equal(e->air[k].kind, MEDIUM_AIR_ACK);

	send_frame(e, 10000 + FRESH_US, 0, 1, &mine);
	medium_run(e->m, 20000 + FRESH_US);
	assert_int_equal(e->nst, 3);
	assert_true(e->st[2].acked);
	assert_int_equal(rx_at(e, 0, 1), 1);
	check_reports(e);
	check_counters_match_reports(e, 2);
	env_free(e);
}

static void test_addressee_elsewhere_not_acked(void **state)
{
	(void)state;
	check_addressee_elsewhere(5180, 5500);	/* a channel apart: not otherwise visited */
	check_addressee_elsewhere(2412, 2422);	/* overlapping channels 1 and 3 */
}

static void test_addressee_here_acked(void **state)
{
	struct env *e = env_radios(2);

	(void)state;
	/* Radio 1 sent on 5180 a moment ago: it is there, and answers. */
	send_frame(e, 0, 1, -1, &ofdm6);
	medium_run(e->m, 10000);
	send_frame(e, 10000, 0, 1, &ofdm6);
	medium_run(e->m, 100000);
	assert_int_equal(e->nst, 2);
	assert_true(e->st[1].acked);
	assert_int_equal(last_fate(e, 1), MEDIUM_FATE_OK);
	check_reports(e);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_channels_not_visited),
		cmocka_unit_test(test_unknown_channel_hears_everything),
		cmocka_unit_test(test_moved_radio_reachable),
		cmocka_unit_test(test_silent_radio_hears_everything_again),
		cmocka_unit_test(test_leaving_radio_hears_everything),
		cmocka_unit_test(test_addressee_elsewhere_not_acked),
		cmocka_unit_test(test_addressee_here_acked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
