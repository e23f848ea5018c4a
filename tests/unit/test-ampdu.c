/* SPDX-License-Identifier: MIT */
/*
 * A-MPDU and Block Ack: agreements learned from the frames, what goes
 * into one PPDU and what stays out, one decision per MPDU, the Block Ack
 * and each MPDU's own status.
 */
#include "medium_env.h"

#include "core/medium_int.h"	/* a radio's agreements, to check their bound */

#define MCS7 7			/* HT MCS 7, 20 MHz, long GI: 65 Mbit/s */
#define HT_FREQ 5180

/* Radio i sends QoS data of tid with sequence number seq to radio j at HT MCS mcs. */
static int send_qos(struct env *e, uint64_t now, int i, int j, uint8_t tid, uint16_t seq,
		    uint32_t len, int8_t mcs)
{
	static uint8_t frame[2400];
	struct medium_tx tx = {
		.client = (uint32_t)i, .frame = frame, .len = len, .freq = HT_FREQ, .flags = 1,
		.cookie = ++e->cookie, .has_src = true, .ac = MEDIUM_AC_BE, .qos_data = true,
		.tid = tid, .seq = seq,
		.rates = { { mcs, 4, PHY_RF_MCS }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 } },
	};

	ident(i, tx.radio);
	addr(i, tx.src);
	addr(j, tx.dst);
	memset(frame, 0, sizeof(frame));
	frame[0] = 0x88;
	memcpy(frame + 4, tx.dst, 6);
	memcpy(frame + 10, tx.src, 6);
	frame[22] = (uint8_t)(seq << 4);
	frame[23] = (uint8_t)(seq >> 4);
	frame[24] = tid;
	return medium_tx(e->m, now, &tx);
}

/* Radio i sends radio j a management frame carrying agg (an ADDBA Response, say). */
static void send_mgmt(struct env *e, uint64_t now, int i, int j, const struct medium_agg *agg)
{
	static uint8_t frame[64];
	struct medium_tx tx = {
		.client = (uint32_t)i, .frame = frame, .len = 40, .freq = HT_FREQ, .flags = 1,
		.cookie = ++e->cookie, .has_src = true, .ac = MEDIUM_AC_VO, .agg = *agg,
		.rates = { { 0, 4, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 } },
	};

	ident(i, tx.radio);
	addr(i, tx.src);
	addr(j, tx.dst);
	memset(frame, 0, sizeof(frame));
	frame[0] = 0xd0;
	memcpy(frame + 4, tx.dst, 6);
	memcpy(frame + 10, tx.src, 6);
	assert_int_equal(medium_tx(e->m, now, &tx), 0);
}

/* Two radios at snr; radio 1 agrees to take A-MPDUs of TID 0 from radio 0, window win. */
static struct env *pair(double snr, uint16_t win)
{
	struct medium_params p = params_snr();
	struct env *e = env_new(&p);

	add_radio(e, 0, 0, 0);
	add_radio(e, 1, 0, 0);
	link(e, 0, 1, snr);
	if (win)
		send_mgmt(e, 0, 1, 0, &(struct medium_agg){ .ba = MEDIUM_BA_ADD, .ba_win = win });
	medium_run(e->m, 100000);
	return e;
}

static unsigned count_ampdus(const struct env *e)
{
	struct medium_counters c;

	medium_get_counters(e->m, &c);
	return (unsigned)c.ampdus;
}

/* The on_air reports of data from radio 0 from index from on. */
static unsigned data_reports(const struct env *e, unsigned from)
{
	unsigned n = 0;

	for (unsigned k = from; k < e->nair; k++)
		n += e->air[k].kind == MEDIUM_AIR_DATA && e->air[k].client == 0;
	return n;
}

static void test_queued_frames_go_as_one_ampdu(void **state)
{
	struct env *e = pair(40, 64);
	unsigned air0 = e->nair, st0 = e->nst, rx0 = e->nrx, ba = 0;
	uint64_t t0 = 200000, first = 0;

	(void)state;
	for (int k = 0; k < 10; k++)
		assert_int_equal(send_qos(e, t0, 0, 1, 0, (uint16_t)(100 + k), 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);

	assert_int_equal(count_ampdus(e), 1);
	{
		struct medium_counters c;
		struct medium_radio_info ri;
		uint8_t id[6];

		medium_get_counters(e->m, &c);
		assert_int_equal(c.ampdu_mpdus, 10);
		ident(0, id);
		assert_int_equal(medium_radio_info(e->m, (uint32_t)medium_radio_slot(e->m, 0, id), &ri), 0);
		assert_int_equal(ri.c.ampdus, 1);
		assert_int_equal(ri.c.ampdu_mpdus, 10);
	}
	/* Ten MPDUs in one PPDU: ten reports sharing its times and reference, then the Block Ack. */
	assert_int_equal(e->nair - air0, 11);
	for (unsigned k = air0; k < air0 + 10; k++) {
		const struct airlog *a = &e->air[k];

		assert_int_equal(a->kind, MEDIUM_AIR_DATA);
		assert_int_equal(a->ampdu_ref, e->air[air0].ampdu_ref);
		assert_true(a->ampdu_ref != 0);
		assert_int_equal(a->ampdu_last, k == air0 + 9);
		assert_int_equal(a->start, e->air[air0].start);
		assert_int_equal(a->next, MEDIUM_NEXT_ACK);
		/* Subframes of 4 + 1500 + 4 bytes, each a multiple of 4: 15080 bytes in all. */
		assert_int_equal(a->end - a->start,
				 phy_airtime_us(&a->rate, 10 * (4 + 1500 + 4)));
	}
	for (unsigned k = air0; k < e->nair; k++) {
		const struct airlog *a = &e->air[k];

		if (a->kind != MEDIUM_AIR_BLOCK_ACK)
			continue;
		ba++;
		assert_true(a->acked);
		assert_int_equal(a->client, 1);
		assert_int_equal(a->ampdu_ref, e->air[air0].ampdu_ref);
		assert_int_equal(a->start, e->air[air0].end + 16);
		/* Compressed, TID 0, starting sequence number 100, ten bits set. */
		assert_int_equal(a->frame[16], 0x04);
		assert_int_equal(a->frame[18] | a->frame[19] << 8, 100 << 4);
		assert_int_equal(a->frame[20], 0xff);
		assert_int_equal(a->frame[21], 0x03);
		assert_int_equal(a->frame[22], 0);
	}
	assert_int_equal(ba, 1);
	/* Each MPDU delivered once and given its own status, acknowledged. */
	assert_int_equal(e->nrx - rx0, 10);
	assert_int_equal(e->nst - st0, 10);
	for (unsigned k = st0; k < e->nst; k++) {
		assert_true(e->st[k].acked);
		assert_int_equal(e->st[k].rates[0].count, 1);
		if (!first)
			first = e->st[k].time;
		assert_int_equal(e->st[k].time, first);
	}
	check_reports(e);
	check_counters_match_reports(e, 2);
	env_free(e);
}

static void test_no_agreement_no_ampdu(void **state)
{
	struct env *e = pair(40, 0);
	unsigned air0 = e->nair;

	(void)state;
	for (int k = 0; k < 6; k++)
		assert_int_equal(send_qos(e, 200000, 0, 1, 0, (uint16_t)k, 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(count_ampdus(e), 0);
	assert_int_equal(data_reports(e, air0), 6);
	assert_int_equal(e->nst, 6);
	check_reports(e);
	env_free(e);
}

static void test_other_tid_and_legacy_rates_stay_out(void **state)
{
	struct env *e = pair(40, 64);
	struct sendopt o = ofdm6;

	(void)state;
	/* TID 5 has no agreement; a legacy rate never aggregates. */
	for (int k = 0; k < 4; k++)
		assert_int_equal(send_qos(e, 200000, 0, 1, 5, (uint16_t)k, 1000, MCS7), 0);
	o.len = 200;
	for (int k = 0; k < 3; k++)
		assert_int_equal(send_frame(e, 200000, 0, 1, &o), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(count_ampdus(e), 0);
	/* The agreement's TID goes together even with other frames queued between. */
	for (int k = 0; k < 4; k++) {
		assert_int_equal(send_qos(e, 400000, 0, 1, 0, (uint16_t)k, 1000, MCS7), 0);
		assert_int_equal(send_qos(e, 400000, 0, 1, 5, (uint16_t)(10 + k), 1000, MCS7), 0);
	}
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(count_ampdus(e), 1);
	check_reports(e);
	check_counters_match_reports(e, 2);
	env_free(e);
}

static void test_window_and_length_limit(void **state)
{
	struct env *e = pair(40, 4);
	unsigned air0 = e->nair, sizes[8] = { 0 }, nsizes = 0, run = 0;

	(void)state;
	for (int k = 0; k < 10; k++)
		assert_int_equal(send_qos(e, 200000, 0, 1, 0, (uint16_t)k, 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);
	for (unsigned k = air0; k < e->nair; k++) {
		if (e->air[k].kind != MEDIUM_AIR_DATA)
			continue;
		run++;
		if (!e->air[k].ampdu_ref || e->air[k].ampdu_last) {
			assert_true(nsizes < 8);
			sizes[nsizes++] = run;
			run = 0;
		}
	}
	/* A window of 4: 4 + 4 + 2. */
	assert_int_equal(nsizes, 3);
	assert_int_equal(sizes[0], 4);
	assert_int_equal(sizes[1], 4);
	assert_int_equal(sizes[2], 2);
	env_free(e);

	/* The recipient takes at most 8191 bytes (exponent 0): five 1508-byte subframes. */
	e = pair(40, 64);
	send_mgmt(e, 110000, 1, 0, &(struct medium_agg){ .has_caps = true, .ht_max_ampdu = 8191 });
	medium_run(e->m, 150000);
	air0 = e->nair;
	for (int k = 0; k < 10; k++)
		assert_int_equal(send_qos(e, 200000, 0, 1, 0, (uint16_t)k, 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(count_ampdus(e), 2);
	for (unsigned k = air0; k < e->nair; k++)
		if (e->air[k].kind == MEDIUM_AIR_DATA)
			assert_int_equal(e->air[k].end - e->air[k].start,
					 phy_airtime_us(&e->air[k].rate, 5 * 1508));
	env_free(e);
}

static void test_delba_ends_agreement(void **state)
{
	struct env *e = pair(40, 64);

	(void)state;
	/* The recipient ends it (initiator clear): the originator's agreement goes. */
	send_mgmt(e, 110000, 1, 0, &(struct medium_agg){ .ba = MEDIUM_BA_DEL });
	medium_run(e->m, 150000);
	for (int k = 0; k < 5; k++)
		assert_int_equal(send_qos(e, 200000, 0, 1, 0, (uint16_t)k, 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(count_ampdus(e), 0);
	env_free(e);

	/* Under PMF the agreement is unseen: protected action frames stand for it. */
	e = pair(40, 0);
	send_mgmt(e, 110000, 0, 1, &(struct medium_agg){ .ba = MEDIUM_BA_OPAQUE });
	medium_run(e->m, 150000);
	for (int k = 0; k < 5; k++)
		assert_int_equal(send_qos(e, 200000, 0, 1, 0, (uint16_t)k, 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(count_ampdus(e), 1);
	/* Deauthentication ends every agreement of the pair. */
	send_mgmt(e, 300000, 1, 0, &(struct medium_agg){ .ba = MEDIUM_BA_RESET });
	medium_run(e->m, 350000);
	for (int k = 0; k < 5; k++)
		assert_int_equal(send_qos(e, 400000, 0, 1, 0, (uint16_t)(5 + k), 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(count_ampdus(e), 1);
	env_free(e);
}

/*
 * At an SNR where MCS 7 loses about half of its 1500-byte MPDUs, each is
 * decided on its own: A-MPDUs come back partly acknowledged, the misses go
 * again (Retry set) in the next one, and every frame gets exactly one
 * status, acknowledged exactly when the addressee got it.
 */
static void test_mpdus_decided_one_by_one(void **state)
{
	struct env *e = pair(23.5, 64);	/* 1500 B at MCS 7: about half lost */
	unsigned st0 = e->nst, air0 = e->nair, partial = 0, got[40] = { 0 };
	uint64_t first_cookie = e->cookie + 1;

	(void)state;
	for (int k = 0; k < 40; k++)
		assert_int_equal(send_qos(e, 200000, 0, 1, 0, (uint16_t)k, 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst - st0, 40);
	for (unsigned k = air0; k < e->nair; k++) {
		const struct airlog *a = &e->air[k];
		unsigned ok = 0, n = 0;

		if (a->kind != MEDIUM_AIR_DATA || !a->ampdu_last)
			continue;
		for (unsigned j = k - 1; j >= air0 && e->air[j].ampdu_ref == a->ampdu_ref; j--) {
			n++;
			ok += e->air[j].next == MEDIUM_NEXT_ACK;
		}
		n++;
		ok += a->next == MEDIUM_NEXT_ACK;
		partial += ok > 0 && ok < n;
	}
	assert_true(partial > 0);
	/* Deliveries carry the frames as sent: some were retries, with their bit. */
	{
		unsigned retried = 0;

		for (unsigned k = 0; k < e->nrx; k++)
			retried += e->rx[k].client == 1 && e->rx[k].retry;
		assert_true(retried > 0);
	}
	for (unsigned k = st0; k < e->nst; k++) {
		uint64_t c = e->st[k].cookie - first_cookie;

		assert_true(c < 40);
		assert_int_equal(got[c]++, 0);
	}
	check_reports(e);
	check_counters_match_reports(e, 2);
	env_free(e);
}

/* An addressee whose kernel refuses every delivery neither receives nor acknowledges. */
static void test_refusing_addressee_gets_no_ampdu_acked(void **state)
{
	struct env *e = pair(40, 64);
	unsigned st0 = e->nst;

	(void)state;
	e->asleep[1] = true;
	for (int k = 0; k < 4; k++)
		assert_int_equal(send_qos(e, 200000, 0, 1, 0, (uint16_t)k, 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nst - st0, 4);
	for (unsigned k = st0; k < e->nst; k++) {
		assert_false(e->st[k].acked);
		assert_int_equal(e->st[k].drop, MEDIUM_DROP_RETRIES);
		assert_int_equal(e->st[k].rates[0].count, 4);
	}
	assert_true(e->refused_verdict >= 16);
	check_reports(e);
	env_free(e);
}

/*
 * A guest floods a radio with ADDBA Responses from made-up addresses:
 * the radio holds at most BA_MAX agreements, the one it had still works,
 * and the flood's (re)association capabilities overwrite only the
 * flooding radio's own.
 */
static void test_agreement_flood_bounded(void **state)
{
	struct env *e = pair(40, 64);
	struct medium_agg add = { .ba = MEDIUM_BA_ADD, .ba_win = 64 };
	static uint8_t frame[64];

	(void)state;
	for (uint32_t k = 0; k < 5000; k++) {
		struct medium_tx tx = {
			.client = 1, .frame = frame, .len = 40, .freq = HT_FREQ, .flags = 1,
			.cookie = ++e->cookie, .has_src = true, .ac = MEDIUM_AC_VO, .agg = add,
			.rates = { { 0, 4, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 } },
		};

		add.ba_tid = (uint8_t)(k & 15);
		tx.agg = add;
		tx.agg.has_caps = true;
		tx.agg.ht_max_ampdu = 8191;
		ident(1, tx.radio);
		addr(0, tx.dst);
		tx.src[0] = 0x06;
		tx.src[3] = (uint8_t)(k >> 16);
		tx.src[4] = (uint8_t)(k >> 8);
		tx.src[5] = (uint8_t)k;
		assert_int_equal(medium_tx(e->m, 110000, &tx), 0);
	}
	medium_run(e->m, 300000);
	assert_int_equal(e->m->radios[slot_of(e, 0)]->ba.count, BA_MAX);
	assert_int_equal(e->m->radios[slot_of(e, 1)]->caps.ht_max, 8191);
	assert_int_equal(e->m->radios[slot_of(e, 0)]->caps.ht_max, 0);
	for (int k = 0; k < 10; k++)
		assert_int_equal(send_qos(e, 400000, 0, 1, 0, (uint16_t)k, 1500, MCS7), 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(count_ampdus(e), 2);	/* 8191 bytes: five 1508-byte MPDUs each */
	env_free(e);
}

/* The sender goes away with an A-MPDU on the air: nothing leaks, nothing is delivered. */
static void test_sender_gone_mid_ampdu(void **state)
{
	struct env *e = pair(40, 64);
	unsigned rx0 = e->nrx;

	(void)state;
	for (int k = 0; k < 8; k++)
		assert_int_equal(send_qos(e, 200000, 0, 1, 0, (uint16_t)k, 1500, MCS7), 0);
	medium_run(e->m, 200300);
	assert_int_equal(count_ampdus(e), 1);
	medium_client_gone(e->m, 0);
	medium_run(e->m, UINT64_MAX);
	assert_int_equal(e->nrx, rx0);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queued_frames_go_as_one_ampdu),
		cmocka_unit_test(test_no_agreement_no_ampdu),
		cmocka_unit_test(test_other_tid_and_legacy_rates_stay_out),
		cmocka_unit_test(test_window_and_length_limit),
		cmocka_unit_test(test_delba_ends_agreement),
		cmocka_unit_test(test_mpdus_decided_one_by_one),
		cmocka_unit_test(test_refusing_addressee_gets_no_ampdu_acked),
		cmocka_unit_test(test_sender_gone_mid_ampdu),
		cmocka_unit_test(test_agreement_flood_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
