/* SPDX-License-Identifier: MIT */
/*
 * The medium core alone: how many unicast frame decisions per second (two
 * radios, 1500-byte frames: contention, the data frame, its reception, the
 * ACK and its reception, the TX status), and what each extra receiver of a
 * broadcast costs; and many radios spread over many channels, each sending
 * to a partner on its own channel, where a frame should cost what its
 * channel holds, not what the medium holds. CPU time of this process, no
 * I/O.
 *
 *   bench-core [frames]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/medium.h"

static uint64_t delivered, statuses;

static bool on_deliver(void *o, const struct medium_rx *rx)
{
	(void)o;
	(void)rx;
	delivered++;
	return true;
}

static void on_status(void *o, const struct medium_status *st)
{
	(void)o;
	(void)st;
	statuses++;
}

static const struct medium_ops ops = { on_deliver, on_status, NULL, NULL };

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void mac(int i, uint8_t m[6], uint8_t first)
{
	memset(m, 0, 6);
	m[0] = first;
	m[3] = (uint8_t)(i >> 8);
	m[4] = (uint8_t)i;
}

static struct medium *setup(int radios, struct medium_params *p)
{
	struct medium *m = medium_new(p, &ops, NULL);

	for (int i = 0; i < radios; i++) {
		struct medium_node_conf nc = { .has_mac = true, .pos = { i, 0, 0 },
					       .tx_power_dbm = 20 };
		uint8_t id[6];

		mac(i, nc.mac, 0x02);
		medium_node_add(m, &nc);
		mac(i, id, 0x42);
		medium_addr_add(m, (uint32_t)i, id, nc.mac);
	}
	for (int i = 0; i < radios; i++)
		for (int j = 0; j < radios; j++)
			if (i != j)
				medium_link_set_snr(m, i, j, 40);
	return m;
}

/* Seconds of CPU to push frames from radio 0 to dst (-1: broadcast), in batches. */
static double run(struct medium *m, long frames, int dst, uint64_t *now)
{
	static uint8_t frame[1500];
	struct medium_tx tx = {
		.client = 0, .frame = frame, .len = sizeof(frame), .freq = 5180, .flags = 1,
		.rates = { { 7, 1, PHY_RF_MCS }, { 7, 3, PHY_RF_MCS }, { -1, 0, 0 } },
		.has_src = true, .ac = MEDIUM_AC_BE,
	};
	double t0;

	mac(0, tx.radio, 0x42);
	mac(0, tx.src, 0x02);
	if (dst < 0) {
		memset(tx.dst, 0xff, 6);
		tx.group = tx.no_ack = true;
	} else {
		mac(dst, tx.dst, 0x02);
	}
	frame[0] = 0x08;
	t0 = cpu_seconds();
	for (long done = 0; done < frames;) {
		long batch = frames - done < 200 ? frames - done : 200;

		for (long k = 0; k < batch; k++) {
			tx.cookie = (uint64_t)(done + k);
			medium_tx(m, *now, &tx);
		}
		done += batch;
		for (uint64_t t; (t = medium_next_event(m)) != UINT64_MAX; *now = t)
			medium_run(m, t);
	}
	return cpu_seconds() - t0;
}

/*
 * radios (an even number) on `channels' 20 MHz channels at 5 GHz, pair
 * 2k and 2k+1 on channel k % channels, every radio with a frame for its
 * partner queued at once, `rounds' times; addressee-only deliveries. Each
 * radio is its own client. Nanoseconds of CPU per frame.
 */
static double run_spread(int radios, int channels, long rounds)
{
	static const uint32_t chan[] = { 5180, 5200, 5220, 5240, 5260, 5280, 5300, 5320, 5500,
					 5520, 5540, 5560, 5580, 5600, 5620, 5640, 5660, 5680,
					 5700, 5720, 5745, 5765, 5785, 5805, 5825 };
	static uint8_t frame[200];
	struct medium_params p;
	struct medium *m;
	uint64_t now = 0;
	long frames = 0;
	double t0, t;

	medium_params_init(&p);
	p.link_model = MEDIUM_LINK_SNR;
	p.addressee_only = true;
	m = setup(radios, &p);
	frame[0] = 0x08;
	t0 = cpu_seconds();
	for (long k = 0; k < rounds; k++) {
		for (int i = 0; i < radios; i++) {
			struct medium_tx tx = {
				.client = (uint32_t)i, .frame = frame, .len = sizeof(frame),
				.freq = chan[(i / 2) % channels], .flags = 1,
				.rates = { { 7, 1, 0 }, { -1, 0, 0 } }, .has_src = true,
				.ac = MEDIUM_AC_BE, .cookie = (uint64_t)k,
			};

			mac(i, tx.radio, 0x42);
			mac(i, tx.src, 0x02);
			mac(i ^ 1, tx.dst, 0x02);
			medium_tx(m, now, &tx);
			frames++;
		}
		for (uint64_t next; (next = medium_next_event(m)) != UINT64_MAX; now = next)
			medium_run(m, next);
	}
	t = cpu_seconds() - t0;
	medium_free(m);
	return t * 1e9 / (double)frames;
}

int main(int argc, char **argv)
{
	long frames = argc > 1 ? atol(argv[1]) : 2000000;
	struct medium_params p;
	struct medium *m;
	uint64_t now = 0;
	double t, t1, t100;
	long bframes = frames / 20 > 1000 ? frames / 20 : 1000;

	medium_params_init(&p);
	p.link_model = MEDIUM_LINK_SNR;
	p.queue_limit = 1000;

	/* Unicast, 2 radios; batches of 200 frames queued at once. */
	m = setup(2, &p);
	delivered = statuses = 0;
	t = run(m, frames, 1, &now);
	printf("unicast, 2 radios, 1500 B HT MCS7: %ld frames in %.3f s CPU: %.0f frames/s, %.0f ns/frame (%lu delivered)\n",
	       frames, t, frames / t, t * 1e9 / frames, (unsigned long)delivered);
	medium_free(m);

	/* Broadcast: 1 receiver vs 100 receivers; the difference is the per-receiver cost. */
	m = setup(2, &p);
	t1 = run(m, bframes, -1, &now);
	medium_free(m);
	m = setup(101, &p);
	delivered = 0;
	t100 = run(m, bframes, -1, &now);
	printf("broadcast to 100 radios: %.0f ns/frame; 1 receiver: %.0f ns/frame; per extra receiver: %.1f ns (%lu delivered)\n",
	       t100 * 1e9 / bframes, t1 * 1e9 / bframes, (t100 - t1) * 1e9 / bframes / 99,
	       (unsigned long)delivered);
	medium_free(m);

	/* Many radios, many channels: the cost should follow the channel, not the medium. */
	{
		long rounds = frames / 2000 > 10 ? frames / 2000 : 10;
		double a = run_spread(100, 20, rounds), b = run_spread(1000, 25, rounds / 8 + 1);

		printf("100 radios on 20 channels, 200 B OFDM 54, addressee only: %.0f ns/frame\n", a);
		printf("1000 radios on 25 channels: %.0f ns/frame (%.2fx the 100 radios')\n", b, b / a);
	}
	return 0;
}
