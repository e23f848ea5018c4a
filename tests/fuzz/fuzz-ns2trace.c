/* SPDX-License-Identifier: MIT */
/*
 * Arbitrary bytes as an ns-2 mobility trace. A trace that parses must be
 * sorted as promised, within its bounds, and drive the medium's nodes to
 * finite positions within the trace's limits; one that fails must say
 * where and leave nothing behind.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Compiled into the harness so that a libFuzzer build instruments them (see fuzz-per-table.c). */
#include "core/mobility.c"
#include "core/ns2trace.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                     \
	do {                            \
		if (!(cond))            \
			abort();        \
	} while (0)

#define NODES 4

static bool deliver(void *opaque, const struct medium_rx *rx)
{
	(void)opaque;
	(void)rx;
	return true;
}

static void tx_status(void *opaque, const struct medium_status *st)
{
	(void)opaque;
	(void)st;
}

static void drive(const struct ns2_trace *t)
{
	static const struct medium_ops ops = { .deliver = deliver, .tx_status = tx_status };
	struct medium_params p;
	struct medium *m;
	size_t i = 0;

	medium_params_init(&p);
	p.mobility_step_us = 500000;
	m = medium_new(&p, &ops, NULL);
	for (int k = 0; k < NODES; k++) {
		struct medium_node_conf nc = { .tx_power_dbm = 20 };

		CHECK(medium_node_add(m, &nc) == k);
	}
	while (i < t->n && t->v[i].node < NODES) {
		uint32_t node = t->v[i].node;
		struct medium_node_info ni;
		size_t first;

		for (; i < t->n && t->v[i].node == node && !t->v[i].timed; i++) {
			CHECK(medium_node_info(m, (int)node, &ni) == 0);
			ni.pos[t->v[i].step.op - MEDIUM_TRACE_SET_X] = t->v[i].step.value;
			CHECK(medium_node_set_pos(m, (int)node, ni.pos) == 0);
		}
		for (first = i; i < t->n && t->v[i].node == node; i++)
			;
		if (i > first) {
			struct medium_trace_step *s = malloc((i - first) * sizeof(*s));

			for (size_t k = first; k < i; k++)
				s[k - first] = t->v[k].step;
			CHECK(medium_node_set_trace(m, (int)node, s, (uint32_t)(i - first)) == 0);
			free(s);
		}
	}
	/* A few steps and one far jump: every position finite and within the limits. */
	for (uint64_t now = 0; now <= 10000000; now = now ? now * 10 : 1000000) {
		medium_run(m, now);
		for (int k = 0; k < NODES; k++) {
			struct medium_node_info ni;

			CHECK(medium_node_info(m, k, &ni) == 0);
			for (int a = 0; a < 3; a++)
				CHECK(isfinite(ni.pos[a]) && fabs(ni.pos[a]) <= NS2_TRACE_POS_LIMIT);
		}
	}
	medium_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ns2_trace t;
	char err[96];
	int rc;

	memset(err, 0, sizeof(err));
	rc = ns2_trace_parse((const char *)data, size, &t, err, sizeof(err));
	if (rc < 0) {
		/* "LINE: what", NUL-terminated inside the buffer. */
		CHECK(rc == -EINVAL && !t.v && !t.n);
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		CHECK(strchr(err, ':') != NULL);
		return 0;
	}
	for (size_t i = 0; i < t.n; i++) {
		const struct ns2_trace_entry *e = &t.v[i];

		CHECK(e->node <= NS2_TRACE_MAX_NODE && e->line >= 1);
		CHECK(e->timed || e->step.op != MEDIUM_TRACE_SETDEST);
		CHECK(e->step.at_us <= (uint64_t)(NS2_TRACE_MAX_TIME_S * 1e6));
		if (i)
			CHECK(t.v[i - 1].node < e->node ||
			      (t.v[i - 1].node == e->node &&
			       (t.v[i - 1].timed < e->timed ||
				(t.v[i - 1].timed == e->timed &&
				 t.v[i - 1].step.at_us <= e->step.at_us))));
	}
	drive(&t);
	ns2_trace_free(&t);
	return 0;
}
