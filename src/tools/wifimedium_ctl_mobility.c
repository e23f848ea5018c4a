/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-ctl's mobility commands (docs/mobility.md): `path' (waypoints
 * as X,Y[,Z]@SPEED[+PAUSE]), `wander' (random waypoint in a box) and
 * `stop', each one `mobility' request.
 */
#include "wifimedium_ctl_cmd.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* "X,Y[,Z]@SPEED[+PAUSE]" as {"pos": [...], "speed": S, "pause": P}. */
static json_t *wmctl_waypoint(const struct wmctl_cmd *cmd, const char *s)
{
	const char *at = strrchr(s, '@');
	char *xyz, *end;
	double speed, pause = 0.0;
	json_t *pos;

	if (!at) {
		wmctl_usage_error(cmd, "invalid waypoint (X,Y[,Z]@SPEED[+PAUSE]): `%s'", s);
		return NULL;
	}
	errno = 0;
	speed = strtod(at + 1, &end);
	if (end == at + 1 || errno || !isfinite(speed) || (*end && *end != '+')) {
		wmctl_usage_error(cmd, "invalid waypoint speed (m/s): `%s'", s);
		return NULL;
	}
	if (*end == '+') {
		const char *p = end + 1;

		pause = strtod(p, &end);
		if (end == p || errno || !isfinite(pause) || *end) {
			wmctl_usage_error(cmd, "invalid waypoint pause (seconds): `%s'", s);
			return NULL;
		}
	}
	xyz = xstrdup(s);
	xyz[at - s] = '\0';
	pos = wmctl_vector(cmd, "waypoint position", xyz);
	free(xyz);
	if (!pos)
		return NULL;
	return json_pack("{s:o, s:f, s:f}", "pos", pos, "speed", speed, "pause", pause);
}

enum { PATH_LOOP };
const struct wmctl_optdef wmctl_path_opts[] = {
	[PATH_LOOP] = { "loop", false },
	{ NULL, false },
};

int wmctl_build_path(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	json_t *wps = json_array();

	if (!wmctl_set(req, "node", wmctl_node(cmd, "node", a->pos[0]))) {
		json_decref(wps);
		return WMCTL_EXIT_USAGE;
	}
	for (int i = 1; i < a->npos; i++) {
		json_t *w = wmctl_waypoint(cmd, a->pos[i]);

		if (!w) {
			json_decref(wps);
			return WMCTL_EXIT_USAGE;
		}
		json_array_append_new(wps, w);
	}
	json_object_set_new(req, "waypoints", wps);
	json_object_set_new(req, "loop", json_boolean(a->n[PATH_LOOP]));
	return 0;
}

enum { WANDER_BOX, WANDER_SPEED, WANDER_PAUSE, WANDER_SEED };
const struct wmctl_optdef wmctl_wander_opts[] = {
	[WANDER_BOX] = { "box", true },
	[WANDER_SPEED] = { "speed", true },
	[WANDER_PAUSE] = { "pause", true },
	[WANDER_SEED] = { "seed", true },
	{ NULL, false },
};

/* "MIN[,MAX]" as [min, max] (max = min when not given). */
static json_t *wmctl_range(const struct wmctl_cmd *cmd, const char *what, const char *s)
{
	double lo, hi;
	char *end;

	errno = 0;
	lo = strtod(s, &end);
	hi = lo;
	if (end != s && *end == ',') {
		const char *p = end + 1;

		hi = strtod(p, &end);
		if (end == p)
			end = (char *)p - 1;	/* "1," is no range */
	}
	if (end == s || *end || errno || !isfinite(lo) || !isfinite(hi)) {
		wmctl_usage_error(cmd, "invalid %s (MIN[,MAX]): `%s'", what, s);
		return NULL;
	}
	return json_pack("[f, f]", lo, hi);
}

static const char *wmctl_last(const struct wmctl_args *a, int k)
{
	return a->n[k] ? a->val[k][a->n[k] - 1] : NULL;
}

int wmctl_build_wander(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	const char *box = wmctl_last(a, WANDER_BOX), *seed = wmctl_last(a, WANDER_SEED), *colon;
	json_t *rnd, *c0, *c1;
	char *first;

	if (!box || !wmctl_last(a, WANDER_SPEED))
		return wmctl_usage_error(cmd, "give --box and --speed");
	if (!wmctl_set(req, "node", wmctl_node(cmd, "node", a->pos[0])))
		return WMCTL_EXIT_USAGE;
	colon = strchr(box, ':');
	if (!colon)
		return wmctl_usage_error(cmd, "invalid box (X0,Y0[,Z0]:X1,Y1[,Z1]): `%s'", box);
	first = xstrdup(box);
	first[colon - box] = '\0';
	c0 = wmctl_vector(cmd, "box corner", first);
	free(first);
	c1 = c0 ? wmctl_vector(cmd, "box corner", colon + 1) : NULL;
	if (!c1) {
		json_decref(c0);
		return WMCTL_EXIT_USAGE;
	}
	rnd = json_pack("{s:[o, o]}", "box", c0, c1);
	if (!wmctl_set(rnd, "speed", wmctl_range(cmd, "speed", wmctl_last(a, WANDER_SPEED))) ||
	    (wmctl_last(a, WANDER_PAUSE) &&
	     !wmctl_set(rnd, "pause", wmctl_range(cmd, "pause", wmctl_last(a, WANDER_PAUSE))))) {
		json_decref(rnd);
		return WMCTL_EXIT_USAGE;
	}
	if (seed) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(seed, &end, 10);
		if (!seed[0] || *end || errno || v < 0) {
			json_decref(rnd);
			return wmctl_usage_error(cmd, "invalid seed (a whole number >= 0): `%s'", seed);
		}
		json_object_set_new(rnd, "seed", json_integer(v));
	}
	json_object_set_new(req, "random", rnd);
	return 0;
}

int wmctl_build_stop(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	if (!wmctl_set(req, "node", wmctl_node(cmd, "node", a->pos[0])))
		return WMCTL_EXIT_USAGE;
	json_object_set_new(req, "stop", json_true());
	return 0;
}
