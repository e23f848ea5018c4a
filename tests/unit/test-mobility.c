/* SPDX-License-Identifier: MIT */
/*
 * Mobility models on the medium's clock (core/mobility.c) and the ns-2
 * trace parser (core/ns2trace.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/medium.h"
#include "core/ns2trace.h"

#define S(x) ((uint64_t)((x) * 1000000.0))

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

static const struct medium_ops ops = { .deliver = deliver, .tx_status = tx_status };

static struct medium *new_medium(uint32_t step_us)
{
	struct medium_params p;

	medium_params_init(&p);
	p.mobility_step_us = step_us;
	return medium_new(&p, &ops, NULL);
}

static int add_node(struct medium *m, double x, double y, double z)
{
	struct medium_node_conf nc = { .pos = { x, y, z }, .tx_power_dbm = 20 };

	return medium_node_add(m, &nc);
}

static struct medium_node_info at(struct medium *m, int node, uint64_t t)
{
	struct medium_node_info ni;

	medium_run(m, t);
	assert_int_equal(medium_node_info(m, node, &ni), 0);
	return ni;
}

static void assert_pos(const struct medium_node_info *ni, double x, double y, double z)
{
	if (fabs(ni->pos[0] - x) > 1e-9 || fabs(ni->pos[1] - y) > 1e-9 ||
	    fabs(ni->pos[2] - z) > 1e-9)
		fail_msg("at (%g, %g, %g), want (%g, %g, %g)", ni->pos[0], ni->pos[1], ni->pos[2],
			 x, y, z);
}

/* Two legs (2-D: the height stays), a pause, then the loop back: each point at its time. */
static void test_waypoints_loop(void **state)
{
	struct medium *m = new_medium(100000);
	const struct medium_waypoint wp[] = {
		{ .pos = { 10, 0, 0 }, .speed = 2.0, .pause = 1.0 },	/* 5 s, then 1 s there */
		{ .pos = { 10, 10, 0 }, .speed = 5.0 },			/* 2 s */
	};
	struct medium_node_info ni;
	int n = add_node(m, 0, 0, 1.5);

	(void)state;
	assert_int_equal(medium_node_set_waypoints(m, n, wp, 2, true), 0);
	assert_int_equal(medium_next_event(m), 100000);
	ni = at(m, n, S(2.5));
	assert_pos(&ni, 5, 0, 1.5);
	assert_true(fabs(ni.vel[0] - 2.0) < 1e-9 && ni.vel[1] == 0.0);
	assert_int_equal(ni.mobility.model, MEDIUM_MOBILITY_WAYPOINTS);
	assert_int_equal(ni.mobility.leg, 0);
	assert_int_equal(ni.mobility.legs, 2);
	assert_true(ni.mobility.loop);
	assert_false(ni.mobility.paused);
	ni = at(m, n, S(5));
	assert_pos(&ni, 10, 0, 1.5);
	/* The pause: it stays, at no speed. */
	ni = at(m, n, S(5.9));
	assert_pos(&ni, 10, 0, 1.5);
	assert_true(ni.mobility.paused);
	assert_true(ni.vel[0] == 0.0 && ni.vel[1] == 0.0);
	ni = at(m, n, S(7));
	assert_pos(&ni, 10, 5, 1.5);
	assert_int_equal(ni.mobility.leg, 1);
	ni = at(m, n, S(8));
	assert_pos(&ni, 10, 10, 1.5);
	/* Loop: back to the first at its speed (5 s), its pause, then the second again. */
	ni = at(m, n, S(10.5));
	assert_pos(&ni, 10, 5, 1.5);
	assert_int_equal(ni.mobility.leg, 0);
	ni = at(m, n, S(13));
	assert_pos(&ni, 10, 0, 1.5);
	ni = at(m, n, S(14));
	assert_pos(&ni, 10, 0, 1.5);
	ni = at(m, n, S(16));
	assert_pos(&ni, 10, 10, 1.5);
	/* Many rounds later the times still hold: positions are not accumulated. */
	ni = at(m, n, S(16 + 8 * 1000));
	assert_pos(&ni, 10, 10, 1.5);
	assert_int_equal(medium_next_event(m), S(16 + 8 * 1000) + 100000);
	medium_free(m);
}

/* Without loop the walk ends at the last point, and the step stops with it. */
static void test_waypoints_end(void **state)
{
	struct medium *m = new_medium(250000);
	const struct medium_waypoint wp[] = {
		{ .pos = { 3, 4, 0 }, .has_z = true, .speed = 5.0, .pause = 0.5 },	/* 1 s */
		{ .pos = { 3, 4, 12 }, .has_z = true, .speed = 4.0, .pause = 2.0 },	/* 3 s */
	};
	struct medium_node_info ni;
	int other = add_node(m, 100, 100, 0), n = add_node(m, 0, 0, 0);

	(void)state;
	assert_int_equal(medium_node_set_waypoints(m, n, wp, 2, false), 0);
	ni = at(m, n, S(1));
	assert_pos(&ni, 3, 4, 0);
	ni = at(m, n, S(2.5));
	assert_pos(&ni, 3, 4, 4);
	assert_true(fabs(ni.vel[2] - 4.0) < 1e-9);
	ni = at(m, n, S(4.5));
	assert_pos(&ni, 3, 4, 12);
	assert_false(ni.mobility.done);	/* its last pause */
	ni = at(m, n, S(6.5));
	assert_pos(&ni, 3, 4, 12);
	assert_true(ni.mobility.done);
	assert_int_equal(ni.mobility.leg, 1);
	assert_int_equal(medium_next_event(m), UINT64_MAX);
	ni = at(m, other, S(7));
	assert_pos(&ni, 100, 100, 0);
	assert_int_equal(ni.mobility.model, MEDIUM_MOBILITY_NONE);
	medium_free(m);
}

static void test_waypoints_invalid(void **state)
{
	struct medium *m = new_medium(0);
	struct medium_waypoint wp[2] = {
		{ .pos = { 1, 0, 0 }, .has_z = true, .speed = 1.0 },
		{ .pos = { 2, 0, 0 }, .has_z = true, .speed = 1.0 },
	};
	struct medium_waypoint *many = calloc(MEDIUM_MAX_WAYPOINTS + 1, sizeof(*many));
	int n = add_node(m, 0, 0, 0);

	(void)state;
	assert_non_null(many);
	assert_int_equal(medium_node_set_waypoints(m, 5, wp, 2, false), -ENOENT);
	assert_int_equal(medium_node_set_waypoints(m, n, wp, 0, false), -EINVAL);
	wp[1].speed = 0.0;
	assert_int_equal(medium_node_set_waypoints(m, n, wp, 2, false), -EINVAL);
	wp[1].speed = 1.0;
	wp[0].pause = -1;
	assert_int_equal(medium_node_set_waypoints(m, n, wp, 2, false), -EINVAL);
	wp[0].pause = 0;
	wp[0].pos[1] = NAN;
	assert_int_equal(medium_node_set_waypoints(m, n, wp, 2, false), -EINVAL);
	wp[0].pos[1] = 0;
	/* One point, looped with no pause: a loop of no time. */
	assert_int_equal(medium_node_set_waypoints(m, n, wp, 1, true), -EINVAL);
	wp[0].pause = 0.5;
	assert_int_equal(medium_node_set_waypoints(m, n, wp, 1, true), 0);
	for (int i = 0; i <= MEDIUM_MAX_WAYPOINTS; i++)
		many[i] = wp[1];
	assert_int_equal(medium_node_set_waypoints(m, n, many, MEDIUM_MAX_WAYPOINTS + 1, false),
			 -EINVAL);
	assert_int_equal(medium_node_set_waypoints(m, n, many, MEDIUM_MAX_WAYPOINTS, false), 0);
	free(many);
	medium_free(m);
}

/* A model ends with a position, a velocity or a stop; the node stays where it was. */
static void test_cancel(void **state)
{
	struct medium *m = new_medium(100000);
	const struct medium_waypoint wp = { .pos = { 10, 0, 0 }, .has_z = true, .speed = 1.0 };
	const double v[3] = { 0, 2, 0 }, p[3] = { 50, 50, 0 };
	struct medium_node_info ni;
	int n = add_node(m, 0, 0, 0);

	(void)state;
	assert_int_equal(medium_node_set_waypoints(m, n, &wp, 1, false), 0);
	ni = at(m, n, S(3));
	assert_pos(&ni, 3, 0, 0);
	assert_int_equal(medium_node_stop(m, n), 0);
	assert_int_equal(medium_next_event(m), UINT64_MAX);
	ni = at(m, n, S(5));
	assert_pos(&ni, 3, 0, 0);
	assert_int_equal(ni.mobility.model, MEDIUM_MOBILITY_NONE);

	assert_int_equal(medium_node_set_waypoints(m, n, &wp, 1, false), 0);
	medium_run(m, S(6));
	assert_int_equal(medium_node_set_velocity(m, n, v), 0);
	ni = at(m, n, S(7));
	assert_pos(&ni, 4, 2, 0);
	assert_int_equal(ni.mobility.model, MEDIUM_MOBILITY_NONE);
	assert_true(ni.vel[1] == 2.0);
	/* A position keeps a velocity going from there. */
	assert_int_equal(medium_node_set_pos(m, n, p), 0);
	ni = at(m, n, S(8));
	assert_pos(&ni, 50, 52, 0);

	assert_int_equal(medium_node_set_waypoints(m, n, &wp, 1, false), 0);
	ni = at(m, n, S(9));
	assert_int_equal(ni.mobility.model, MEDIUM_MOBILITY_WAYPOINTS);
	assert_int_equal(medium_node_set_pos(m, n, p), 0);
	ni = at(m, n, S(10));
	assert_pos(&ni, 50, 50, 0);
	assert_int_equal(ni.mobility.model, MEDIUM_MOBILITY_NONE);
	assert_int_equal(medium_next_event(m), UINT64_MAX);
	assert_int_equal(medium_node_stop(m, 7), -ENOENT);
	medium_free(m);
}

static void walk_random(uint64_t seed, bool has_z, double out[200][3])
{
	struct medium *m = new_medium(100000);
	struct medium_random_walk rw = {
		.lo = { -5, 10, 1 }, .hi = { 5, 30, 3 }, .has_z = has_z,
		.speed_min = 1, .speed_max = 10, .pause_min = 0, .pause_max = 2, .seed = seed,
	};
	int n = add_node(m, 0, 0, 7);

	assert_int_equal(medium_node_set_random_walk(m, n, &rw), 0);
	for (int i = 0; i < 200; i++) {
		struct medium_node_info ni = at(m, n, S(1) * (uint64_t)(i + 1));

		memcpy(out[i], ni.pos, sizeof(out[i]));
		assert_int_equal(ni.mobility.model, MEDIUM_MOBILITY_RANDOM);
		assert_true(ni.mobility.random.seed == seed);
	}
	medium_free(m);
}

/* In the box (once it got there), the same walk for a seed, another for another. */
static void test_random(void **state)
{
	static double a[200][3], b[200][3], c[200][3], d[200][3];
	int inside = 0, differ = 0;

	(void)state;
	walk_random(7, true, a);
	walk_random(7, true, b);
	walk_random(8, true, c);
	walk_random(7, false, d);
	assert_memory_equal(a, b, sizeof(a));
	for (int i = 0; i < 200; i++) {
		/* From (0, 0, 7) the first leg walks into the box; every later point is in it. */
		if (a[i][1] >= 10 && a[i][2] <= 3)
			inside = 1;
		if (inside) {
			assert_true(a[i][0] >= -5 && a[i][0] <= 5);
			assert_true(a[i][1] >= 10 && a[i][1] <= 30);
			assert_true(a[i][2] >= 1 && a[i][2] <= 3);
		}
		differ += memcmp(a[i], c[i], sizeof(a[i])) != 0;
		/* 2-D: the height stays. */
		assert_true(d[i][2] == 7.0);
	}
	assert_true(inside);
	assert_true(differ > 150);
}

static void test_random_invalid(void **state)
{
	struct medium *m = new_medium(0);
	struct medium_random_walk ok = {
		.lo = { 0, 0, 0 }, .hi = { 1, 1, 0 }, .speed_min = 1, .speed_max = 1, .seed = 1,
	}, rw;
	int n = add_node(m, 0, 0, 0);

	(void)state;
	rw = ok;
	assert_int_equal(medium_node_set_random_walk(m, n, &rw), 0);
	assert_int_equal(medium_node_set_random_walk(m, 3, &rw), -ENOENT);
	rw.speed_min = 0;
	assert_int_equal(medium_node_set_random_walk(m, n, &rw), -EINVAL);
	rw = ok;
	rw.speed_min = 2;
	assert_int_equal(medium_node_set_random_walk(m, n, &rw), -EINVAL);
	rw = ok;
	rw.lo[0] = 2;
	assert_int_equal(medium_node_set_random_walk(m, n, &rw), -EINVAL);
	rw = ok;
	rw.pause_min = -1;
	assert_int_equal(medium_node_set_random_walk(m, n, &rw), -EINVAL);
	rw = ok;
	rw.hi[1] = INFINITY;
	assert_int_equal(medium_node_set_random_walk(m, n, &rw), -EINVAL);
	/* A point and no pause: legs of no time. */
	rw = ok;
	rw.hi[0] = rw.hi[1] = 0;
	assert_int_equal(medium_node_set_random_walk(m, n, &rw), -EINVAL);
	rw.pause_max = 1;
	assert_int_equal(medium_node_set_random_walk(m, n, &rw), 0);
	medium_free(m);
}

/* setdest starts at its time, stops on arrival, and a later step cuts a walk short. */
static void test_trace_steps(void **state)
{
	struct medium *m = new_medium(100000);
	const struct medium_trace_step st[] = {
		{ .at_us = S(1), .op = MEDIUM_TRACE_SETDEST, .dest = { 10, 0 }, .speed = 5 },
		{ .at_us = S(4), .op = MEDIUM_TRACE_SETDEST, .dest = { 10, 100 }, .speed = 10 },
		{ .at_us = S(5), .op = MEDIUM_TRACE_SETDEST, .dest = { 0, 10 }, .speed = 0 },
		{ .at_us = S(6), .op = MEDIUM_TRACE_SET_X, .value = -4 },
		{ .at_us = S(6), .op = MEDIUM_TRACE_SET_Z, .value = 2 },
	};
	struct medium_trace_step bad[2] = { st[1], st[0] };
	struct medium_node_info ni;
	int n;

	(void)state;
	/* The trace's clock starts when it is set. */
	medium_run(m, S(10));
	n = add_node(m, 0, 0, 1);
	assert_int_equal(medium_node_set_trace(m, n, bad, 2), -EINVAL);
	assert_int_equal(medium_node_set_trace(m, n, st, 5), 0);
	ni = at(m, n, S(10.5));
	assert_pos(&ni, 0, 0, 1);
	assert_int_equal(ni.mobility.model, MEDIUM_MOBILITY_TRACE);
	assert_int_equal(ni.mobility.leg, 0);
	assert_int_equal(ni.mobility.legs, 5);
	ni = at(m, n, S(12));
	assert_pos(&ni, 5, 0, 1);
	ni = at(m, n, S(13));
	assert_pos(&ni, 10, 0, 1);
	ni = at(m, n, S(13.5));
	assert_pos(&ni, 10, 0, 1);
	assert_true(ni.vel[0] == 0.0);
	/* Walking north at 10 m/s for 1 s, then speed 0: it stops there. */
	ni = at(m, n, S(15));
	assert_pos(&ni, 10, 10, 1);
	ni = at(m, n, S(15.5));
	assert_pos(&ni, 10, 10, 1);
	ni = at(m, n, S(16));
	assert_pos(&ni, -4, 10, 2);
	assert_true(ni.mobility.done);
	assert_int_equal(ni.mobility.leg, 5);
	assert_int_equal(medium_next_event(m), UINT64_MAX);
	medium_free(m);
}

/* Walks that end leave the step's list; the others go on (the list is swap-removed). */
static void test_many_movers(void **state)
{
	struct medium *m = new_medium(100000);
	struct medium_node_info ni;
	int n[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		/* Node i walks 10 (i + 1) m east at 10 m/s: done after i + 1 s. */
		struct medium_waypoint wp = { .pos = { 10.0 * (i + 1), (double)i, 0 }, .has_z = true,
					      .speed = 10.0 };

		n[i] = add_node(m, 0, i, 0);
		assert_int_equal(medium_node_set_waypoints(m, n[i], &wp, 1, false), 0);
	}
	/* The first and third end first: the second and fourth are still walking. */
	assert_int_equal(medium_node_stop(m, n[2]), 0);
	ni = at(m, n[0], S(1.5));
	assert_pos(&ni, 10, 0, 0);
	assert_true(ni.mobility.done);
	ni = at(m, n[1], S(1.5));
	assert_pos(&ni, 15, 1, 0);
	ni = at(m, n[2], S(1.5));
	assert_pos(&ni, 0, 2, 0);
	ni = at(m, n[3], S(1.5));
	assert_pos(&ni, 15, 3, 0);
	ni = at(m, n[3], S(3.5));
	assert_pos(&ni, 35, 3, 0);
	ni = at(m, n[1], S(3.5));
	assert_pos(&ni, 20, 1, 0);
	ni = at(m, n[3], S(4));
	assert_pos(&ni, 40, 3, 0);
	assert_int_equal(medium_next_event(m), UINT64_MAX);
	medium_free(m);
}

/* Links follow a walk at the steps, without anything else happening. */
static void test_link_follows(void **state)
{
	struct medium *m = new_medium(100000);
	const struct medium_waypoint wp = { .pos = { 100, 0, 0 }, .has_z = true, .speed = 10.0 };
	double snr0, snr1, loss;
	int a = add_node(m, 0, 0, 0), b = add_node(m, 10, 0, 0);

	(void)state;
	assert_int_equal(medium_node_link(m, a, b, 5180, &snr0, &loss), 0);
	assert_int_equal(medium_node_set_waypoints(m, b, &wp, 1, false), 0);
	medium_run(m, S(2));
	assert_int_equal(medium_node_link(m, a, b, 5180, &snr1, &loss), 0);
	/* 10 m, then 30 m: free space loses 20 log10(3) dB. */
	assert_true(fabs((snr0 - snr1) - 20.0 * log10(3.0)) < 1e-6);
	medium_free(m);
}

/* ---------------------------------------------------------- the parser */

static int parse(const char *text, struct ns2_trace *t, char *err, size_t errlen)
{
	return ns2_trace_parse(text, strlen(text), t, err, errlen);
}

static void test_parse_good(void **state)
{
	const char *text =
		"# from setdest -v 1 -n 2\n"
		"$node_(1) set X_ 150.5\n"
		"$node_(1) set Y_ 93.98\n"
		"$node_(1) set Z_ 0.000000000000\n"
		"\n"
		"$god_ set-dist 0 1 16777215\n"
		"$ns_ at 30.000000000000 \"$god_ set-dist 0 1 1\"\n"
		"$ns_ at 2.0 \"$node_(1) setdest 20.0 30.0 5.0\"   # walk\r\n"
		"  $ns_ at 1.5 \" $node_(1) setdest 1 2 0 \"\n"
		"$ns_ at 1.5 \"$node_(0) set X_ -3e1\"\n"
		"\t$node_(0) set X_ 2";
	struct ns2_trace t;
	char err[128];

	(void)state;
	assert_int_equal(parse(text, &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 7);
	/* Node 0 first: its position, then its timed step. */
	assert_int_equal(t.v[0].node, 0);
	assert_false(t.v[0].timed);
	assert_int_equal(t.v[0].line, 11);
	assert_true(t.v[0].step.op == MEDIUM_TRACE_SET_X && t.v[0].step.value == 2.0);
	assert_true(t.v[1].timed && t.v[1].step.at_us == 1500000);
	assert_true(t.v[1].step.op == MEDIUM_TRACE_SET_X && t.v[1].step.value == -30.0);
	/* Node 1: X, Y, Z in file order, then its steps in time order. */
	assert_true(t.v[2].node == 1 && !t.v[2].timed && t.v[2].step.value == 150.5);
	assert_true(t.v[3].step.op == MEDIUM_TRACE_SET_Y && t.v[3].step.value == 93.98);
	assert_true(t.v[4].step.op == MEDIUM_TRACE_SET_Z && t.v[4].step.value == 0.0);
	assert_true(t.v[5].timed && t.v[5].line == 9 && t.v[5].step.at_us == 1500000);
	assert_true(t.v[5].step.op == MEDIUM_TRACE_SETDEST && t.v[5].step.speed == 0.0);
	assert_true(t.v[6].line == 8 && t.v[6].step.at_us == 2000000);
	assert_true(t.v[6].step.dest[0] == 20.0 && t.v[6].step.dest[1] == 30.0);
	assert_true(t.v[6].step.speed == 5.0);
	ns2_trace_free(&t);

	assert_int_equal(ns2_trace_parse(NULL, 0, &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(parse("# nothing\n\n", &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 0);
}

static void test_parse_bad(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "$node_(0) set X_ 1\n$node_(0) set W_ 1\n", "2: unknown coordinate `W_'" },
		{ "$node_(x) set X_ 1\n", "1: bad node `$node_(x)'" },
		{ "$node_() set X_ 1\n", "1: bad node" },
		{ "$node_(131072) set X_ 1\n", "1: bad node" },
		{ "$node_(0) set X_ nan\n", "1: bad coordinate `nan'" },
		{ "$node_(0) set X_ 1e8\n", "1: bad coordinate `1e8'" },
		{ "$node_(0) set X_\n", "1: `set' wants" },
		{ "$node_(0) setdest 1 2 3\n", "1: setdest outside" },
		{ "$node_(0) fly 1 2 3\n", "1: unknown node command `fly'" },
		{ "\n\n$ns_ at -1 \"$node_(0) setdest 1 2 3\"\n", "3: bad time `-1'" },
		{ "$ns_ at 1e10 \"$node_(0) setdest 1 2 3\"\n", "1: bad time" },
		{ "$ns_ at 1 $node_(0) setdest 1 2 3\n", "1: want the command in double quotes" },
		{ "$ns_ at 1 \"$node_(0) setdest 1 2 3\n", "1: want the command in double quotes" },
		{ "$ns_ at 1 \"$node_(0) setdest 1 2\"\n", "1: setdest wants X Y SPEED" },
		{ "$ns_ at 1 \"$node_(0) setdest 1 2 -3\"\n", "1: bad speed `-3'" },
		{ "$ns_ at 1 \"$node_(0) setdest 1 2 1e6\"\n", "1: bad speed" },
		{ "$ns_ at 1 \"$node_(0) setdest 1 2 \" 3\"\n", "1: a quote inside" },
		{ "$ns_ at 1 \"$mobile_(0) setdest 1 2 3\"\n", "1: unknown command `$mobile_(0)'" },
		{ "$ns_ after 1 \"$node_(0) setdest 1 2 3\"\n", "1: want `$ns_ at TIME" },
		{ "set X_ 3\n", "1: unknown statement `set'" },
		{ "$node_(0) set X_ 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", "1: more than 16 words" },
		{ "$node_(0) set X_ 1\0\n", "1: NUL byte" },
	};
	struct ns2_trace t;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].text);

		if (strstr(cases[i].err, "NUL"))
			len += 2;
		t.n = 99;
		if (ns2_trace_parse(cases[i].text, len, &t, err, sizeof(err)) != -EINVAL)
			fail_msg("accepted: %s", cases[i].text);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)))
			fail_msg("%s: said \"%s\", want \"%s...\"", cases[i].text, err, cases[i].err);
		assert_int_equal(t.n, 0);
		assert_null(t.v);
	}
}

static void test_parse_limits(void **state)
{
	static char line[NS2_TRACE_MAX_LINE + 10];
	size_t len = 0, steps = MEDIUM_MAX_TRACE_STEPS + 1;
	struct ns2_trace t;
	char *text, err[128];

	(void)state;
	/* A line one character too long (its newline not counted), blank but for a comment. */
	memset(line, ' ', sizeof(line));
	memcpy(line + NS2_TRACE_MAX_LINE - 2, "# x\n", 4);
	assert_int_equal(ns2_trace_parse(line, NS2_TRACE_MAX_LINE + 2, &t, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "1: line longer than 1024 characters");
	assert_int_equal(ns2_trace_parse(line + 1, NS2_TRACE_MAX_LINE + 1, &t, err, sizeof(err)),
			 0);
	assert_int_equal(t.n, 0);

	/* One node past the steps the core takes: the line past them is named. */
	text = malloc(steps * 48);
	assert_non_null(text);
	for (size_t i = 0; i < steps; i++)
		len += (size_t)sprintf(text + len, "$ns_ at %zu \"$node_(3) setdest 1 1 1\"\n", i);
	assert_int_equal(ns2_trace_parse(text, len, &t, err, sizeof(err)), -EINVAL);
	snprintf(text, 64, "%zu: $node_(3): more than %u timed lines", steps,
		 MEDIUM_MAX_TRACE_STEPS);
	assert_string_equal(err, text);
	free(text);
}

/* The parser's output drives the core: a trace of two nodes, end to end. */
static void test_trace_parsed(void **state)
{
	const char *text = "$node_(1) set X_ 0\n$node_(1) set Y_ 0\n"
			   "$ns_ at 1 \"$node_(1) setdest 0 30 10\"\n";
	struct medium *m = new_medium(100000);
	struct medium_node_info ni;
	struct ns2_trace t;
	char err[64];
	int n;

	(void)state;
	add_node(m, 5, 5, 0);
	n = add_node(m, 5, 5, 0);
	assert_int_equal(parse(text, &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 3);
	for (size_t i = 0; i < 2; i++) {
		ni = at(m, n, 0);
		ni.pos[t.v[i].step.op - MEDIUM_TRACE_SET_X] = t.v[i].step.value;
		assert_int_equal(medium_node_set_pos(m, n, ni.pos), 0);
	}
	assert_int_equal(medium_node_set_trace(m, n, &t.v[2].step, 1), 0);
	ns2_trace_free(&t);
	ni = at(m, n, S(3));
	assert_pos(&ni, 0, 20, 0);
	ni = at(m, n, S(5));
	assert_pos(&ni, 0, 30, 0);
	medium_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waypoints_loop),
		cmocka_unit_test(test_waypoints_end),
		cmocka_unit_test(test_waypoints_invalid),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_random_invalid),
		cmocka_unit_test(test_trace_steps),
		cmocka_unit_test(test_many_movers),
		cmocka_unit_test(test_link_follows),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_trace_parsed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
