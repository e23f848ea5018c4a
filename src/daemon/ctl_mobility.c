/* SPDX-License-Identifier: MIT */
/*
 * The control API's `mobility' command (docs/control.md, docs/mobility.md):
 * give a node a waypoint walk or a random waypoint walk, or stop it; and
 * how `nodes' shows a node's model. Everything in a request is checked
 * before anything changes.
 */
#include "daemon/ctl_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define PAUSE_LIMIT 1e6		/* seconds, as the config's */

static json_t *pair_json(double a, double b)
{
	return json_pack("[f, f]", a, b);
}

json_t *ctl_mobility_json(const struct medium_mobility_info *mi)
{
	const struct medium_random_walk *rw = &mi->random;
	json_t *v;

	switch (mi->model) {
	case MEDIUM_MOBILITY_NONE:
		return json_null();
	case MEDIUM_MOBILITY_WAYPOINTS:
		return json_pack("{s:s, s:i, s:i, s:b, s:b, s:b, s:o}", "model", "waypoints", "leg",
				 (int)mi->leg, "legs", (int)mi->legs, "loop", mi->loop, "paused",
				 mi->paused, "done", mi->done, "dest", ctl_json_vec3(mi->dest));
	case MEDIUM_MOBILITY_RANDOM:
		v = json_pack("{s:s, s:[o, o], s:o, s:o, s:I, s:b, s:o}", "model", "random", "box",
			      ctl_json_vec3(rw->lo), ctl_json_vec3(rw->hi), "speed",
			      pair_json(rw->speed_min, rw->speed_max), "pause",
			      pair_json(rw->pause_min, rw->pause_max), "seed", (json_int_t)rw->seed,
			      "paused", mi->paused, "dest", ctl_json_vec3(mi->dest));
		/* A 2-D box: the walk keeps the node's height, which the box does not say. */
		if (!rw->has_z) {
			json_t *box = json_object_get(v, "box");

			json_array_remove(json_array_get(box, 0), 2);
			json_array_remove(json_array_get(box, 1), 2);
		}
		return v;
	case MEDIUM_MOBILITY_TRACE:
		return json_pack("{s:s, s:i, s:i, s:b, s:o}", "model", "trace", "step", (int)mi->leg,
				 "steps", (int)mi->legs, "done", mi->done, "dest",
				 ctl_json_vec3(mi->dest));
	}
	return json_null();
}

/* A number in [lo, hi] (lo excluded when open): NULL or the error. */
static json_t *get_num(json_t *v, const char *what, double lo, double hi, bool open, double *out)
{
	if (!json_is_number(v))
		return ctl_fail("bad-request", "%s: not a number", what);
	*out = json_number_value(v);
	if (!(open ? *out > lo : *out >= lo) || !(*out <= hi))
		return ctl_fail("invalid", open ? "%s: %g out of range (above %g, at most %g)" :
						  "%s: %g out of range (%g..%g)", what, *out, lo, hi);
	return NULL;
}

/* [min, max] within [lo, hi]. */
static json_t *get_range(json_t *v, const char *what, double lo, double hi, bool open,
			 double out[2])
{
	json_t *err;

	if (!json_is_array(v) || json_array_size(v) != 2)
		return ctl_fail("bad-request", "%s: want [min, max]", what);
	for (size_t i = 0; i < 2; i++)
		if ((err = get_num(json_array_get(v, i), what, lo, hi, open, &out[i])))
			return err;
	if (out[0] > out[1])
		return ctl_fail("invalid", "%s: min %g above max %g", what, out[0], out[1]);
	return NULL;
}

static json_t *get_waypoints(json_t *list, struct medium_waypoint **out, uint32_t *n)
{
	size_t len = json_array_size(list);
	struct medium_waypoint *wp;
	json_t *err = NULL;
	char what[64];

	if (!json_is_array(list))
		return ctl_fail("bad-request", "mobility: waypoints wants a list");
	if (!len || len > MEDIUM_MAX_WAYPOINTS)
		return ctl_fail("invalid", "mobility: 1 to %d waypoints, not %zu",
				MEDIUM_MAX_WAYPOINTS, len);
	wp = xcalloc(len, sizeof(*wp));
	for (size_t i = 0; i < len && !err; i++) {
		json_t *o = json_array_get(list, i), *pause;

		if (!json_is_object(o)) {
			err = ctl_fail("bad-request", "mobility: waypoint %zu is not an object", i);
			break;
		}
		snprintf(what, sizeof(what), "waypoint %zu: pos", i);
		if (!json_object_get(o, "pos") || !json_object_get(o, "speed")) {
			err = ctl_fail("bad-request", "mobility: waypoint %zu needs pos and speed", i);
			break;
		}
		if ((err = ctl_get_vec(json_object_get(o, "pos"), what, CTL_POS_LIMIT, wp[i].pos)))
			break;
		wp[i].has_z = json_array_size(json_object_get(o, "pos")) == 3;
		snprintf(what, sizeof(what), "waypoint %zu: speed", i);
		if ((err = get_num(json_object_get(o, "speed"), what, 0.0, CTL_SPEED_LIMIT, true,
				   &wp[i].speed)))
			break;
		pause = json_object_get(o, "pause");
		snprintf(what, sizeof(what), "waypoint %zu: pause", i);
		if (pause && (err = get_num(pause, what, 0.0, PAUSE_LIMIT, false, &wp[i].pause)))
			break;
	}
	if (err) {
		free(wp);
		return err;
	}
	*out = wp;
	*n = (uint32_t)len;
	return NULL;
}

static json_t *get_random(json_t *o, struct medium_random_walk *rw, bool *has_seed)
{
	json_t *box = json_object_get(o, "box"), *seed, *err;
	double c[2][3], sp[2], pa[2] = { 0.0, 0.0 };

	if (!json_is_object(o))
		return ctl_fail("bad-request", "mobility: random wants an object");
	if (!json_is_array(box) || json_array_size(box) != 2)
		return ctl_fail("bad-request", "mobility: random.box wants [[x0, y0(, z0)], "
				"[x1, y1(, z1)]]");
	for (size_t i = 0; i < 2; i++)
		if ((err = ctl_get_vec(json_array_get(box, i), "random.box", CTL_POS_LIMIT, c[i])))
			return err;
	if (json_array_size(json_array_get(box, 0)) != json_array_size(json_array_get(box, 1)))
		return ctl_fail("bad-request", "mobility: random.box: corners of 2 and 3 numbers");
	rw->has_z = json_array_size(json_array_get(box, 0)) == 3;
	for (int k = 0; k < 3; k++) {
		rw->lo[k] = fmin(c[0][k], c[1][k]);
		rw->hi[k] = fmax(c[0][k], c[1][k]);
	}
	if (!json_object_get(o, "speed"))
		return ctl_fail("bad-request", "mobility: random.speed missing");
	if ((err = get_range(json_object_get(o, "speed"), "random.speed", 0.0, CTL_SPEED_LIMIT,
			     true, sp)))
		return err;
	if (json_object_get(o, "pause") &&
	    (err = get_range(json_object_get(o, "pause"), "random.pause", 0.0, PAUSE_LIMIT, false,
			     pa)))
		return err;
	rw->speed_min = sp[0];
	rw->speed_max = sp[1];
	rw->pause_min = pa[0];
	rw->pause_max = pa[1];
	seed = json_object_get(o, "seed");
	*has_seed = seed != NULL;
	if (seed && (!json_is_integer(seed) || json_integer_value(seed) < 0))
		return ctl_fail("bad-request", "mobility: random.seed is not a whole number >= 0");
	if (seed)
		rw->seed = (uint64_t)json_integer_value(seed);
	if (medium_random_walk_check(rw) < 0)
		return ctl_fail("invalid", "mobility: a walk that takes no time (a box of one "
				"point and no pause)");
	return NULL;
}

json_t *ctl_cmd_mobility(struct ctl_conn *conn, json_t *req)
{
	struct medium *m = conn->ctl->hub->medium;
	json_t *wps = json_object_get(req, "waypoints"), *rnd = json_object_get(req, "random");
	json_t *stop = json_object_get(req, "stop"), *loop = json_object_get(req, "loop"), *err;
	struct medium_waypoint *wp = NULL;
	struct medium_random_walk rw = { .seed = 0 };
	bool created, has_seed = false;
	uint32_t n = 0;
	int node, r = 0;

	if (!!wps + !!rnd + !!stop != 1)
		return ctl_fail("bad-request", "mobility: give one of waypoints, random and stop");
	if (stop && !json_is_true(stop))
		return ctl_fail("bad-request", "mobility: stop must be true");
	if (loop && (!wps || !json_is_boolean(loop)))
		return ctl_fail("bad-request", "mobility: loop is true or false, with waypoints");
	if (!json_object_get(req, "node"))
		return ctl_fail("bad-request", "mobility: node missing");
	if ((rnd && (err = get_random(rnd, &rw, &has_seed))) ||
	    (wps && (err = get_waypoints(wps, &wp, &n))))
		return err;
	if (wps && medium_waypoints_check(wp, n, loop && json_is_true(loop)) < 0) {
		free(wp);
		return ctl_fail("invalid", "mobility: a loop that takes no time (every leg of no "
				"length and no pause)");
	}
	if ((err = ctl_find_node(conn->ctl, json_object_get(req, "node"), "node", !stop, &node,
				 &created))) {
		free(wp);
		return err;
	}
	/* Bring the air up to now: the walk starts from here. */
	hub_run(conn->ctl->hub);
	if (stop) {
		r = medium_node_stop(m, node);
	} else if (wps) {
		r = medium_node_set_waypoints(m, node, wp, n, loop && json_is_true(loop));
	} else {
		/* No seed: one per node, as the config's, so the same request repeats the walk. */
		if (!has_seed)
			rw.seed = 1 + (uint64_t)node;
		r = medium_node_set_random_walk(m, node, &rw);
	}
	free(wp);
	if (r < 0)
		return ctl_fail("failed", "mobility: %s", strerror(-r));
	return ctl_node_json(conn->ctl, node, created);
}
