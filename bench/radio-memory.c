/* SPDX-License-Identifier: MIT */
/*
 * What many radios cost in memory: N radios (default 10,000) spread over
 * C channels (default 50), each on a configured node of a 100 m grid
 * (path loss, log-distance), each sending one broadcast on its channel,
 * so every pair's link budget is computed and every pair that hears each
 * other gets link counters. Prints the peak resident size of this process
 * before and after, and the time the frames took.
 *
 *   radio-memory [radios [channels]]
 *
 * The target (docs/limits.md): 10,000 radios over 50 channels in 256 MiB.
 * With the old dense N x N link table this needed 4 GiB for the table
 * alone (16384^2 x 16 bytes) and aborted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/medium.h"

static uint64_t delivered;

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
}

static const struct medium_ops ops = { on_deliver, on_status, NULL, NULL };

static long peak_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void mac(int i, uint8_t m[6], uint8_t first)
{
	memset(m, 0, 6);
	m[0] = first;
	m[2] = (uint8_t)(i >> 16);
	m[3] = (uint8_t)(i >> 8);
	m[4] = (uint8_t)i;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000, channels = argc > 2 ? atoi(argv[2]) : 50;
	int side = 1;
	struct medium_params p;
	struct medium *m;
	long before;
	double t0, t1;
	uint8_t frame[64] = { 0x80 };	/* a beacon-sized management frame */

	if (n < 2 || channels < 1) {
		fprintf(stderr, "usage: radio-memory [radios >= 2 [channels >= 1]]\n");
		return 2;
	}
	while (side * side < n)
		side++;
	medium_params_init(&p);
	p.prop.type = PROP_LOG_DISTANCE;
	p.max_radios = (uint32_t)n;
	p.max_client_radios = (uint32_t)n;
	before = peak_kib();
	m = medium_new(&p, &ops, NULL);
	for (int i = 0; i < n; i++) {
		struct medium_node_conf nc = {
			.has_mac = true, .tx_power_dbm = 20,
			.pos = { 100.0 * (i % side), 100.0 * (i / side), 1.5 },
		};
		uint8_t id[6];

		mac(i, nc.mac, 0x02);
		medium_node_add(m, &nc);
		mac(i, id, 0x42);
		if (medium_radio_add(m, 0, id) < 0 || medium_addr_add(m, 0, id, nc.mac) < 0) {
			fprintf(stderr, "radio-memory: radio %d refused\n", i);
			return 1;
		}
	}
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		/* Channels 1..14 at 2.4 GHz and 36.. at 5 GHz, 20 MHz apart: C distinct ones. */
		int c = i % channels;
		uint32_t freq = c < 13 ? 2412 + 5 * (uint32_t)c : 5180 + 20 * (uint32_t)(c - 13);
		struct medium_tx tx = {
			.client = 0, .frame = frame, .len = sizeof(frame), .freq = freq,
			.cookie = (uint64_t)i + 1, .group = true, .no_ack = true, .ac = MEDIUM_AC_VO,
			.rates = { { 0, 1, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 } },
		};

		mac(i, tx.radio, 0x42);
		mac(i, tx.src, 0x02);
		tx.has_src = true;
		memset(tx.dst, 0xff, 6);
		medium_tx(m, (uint64_t)i * 1000, &tx);
	}
	medium_run(m, UINT64_MAX);
	t1 = now_s();
	printf("%d radios, %d channels: peak RSS %.1f MiB (%.1f MiB before the medium); "
	       "%d broadcasts decided in %.2f s, %llu deliveries\n",
	       n, channels, peak_kib() / 1024.0, before / 1024.0, n, t1 - t0,
	       (unsigned long long)delivered);
	medium_free(m);
	return 0;
}
