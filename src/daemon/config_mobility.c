/* SPDX-License-Identifier: MIT */
/*
 * Mobility in the config (docs/mobility.md): a node's own model,
 *
 *   mobility = { waypoints = ( { position = (10.0, 0.0); speed = 1.5; pause = 2.0; },
 *                              { position = (10.0, 20.0, 1.0); speed = 1.0; } );
 *                loop = true; };
 *   mobility = { random = { box = ((0.0, 0.0), (50.0, 30.0)); speed = (0.5, 2.0);
 *                           pause = (0.0, 5.0); seed = 7; }; };
 *
 * and a top-level ns-2 trace, mobility_trace = "walk.ns_movements";
 * relative to the config's directory. Everything is checked here as the
 * medium will take it, so --test-config finds what a start would refuse.
 */
#include "daemon/config_int.h"

#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>

#define SPEED_MAX 1e5		/* m/s, as the control API's */
#define PAUSE_MAX 1e6		/* seconds: 11 days; beyond that a typo */

struct mob_found {
	const config_setting_t *waypoints, *loop, *random;
};

struct wp_found {
	const config_setting_t *position, *speed, *pause;
};

struct rnd_found {
	const config_setting_t *box, *speed, *pause, *seed;
};

static const struct key_rule mob_keys[] = {
	{ "waypoints", KEY_LIST, offsetof(struct mob_found, waypoints) },
	{ "loop", KEY_BOOL, offsetof(struct mob_found, loop) },
	{ "random", KEY_GROUP, offsetof(struct mob_found, random) },
};

static const struct key_rule wp_keys[] = {
	{ "position", KEY_LIST, offsetof(struct wp_found, position) },
	{ "speed", KEY_NUMBER, offsetof(struct wp_found, speed) },
	{ "pause", KEY_NUMBER, offsetof(struct wp_found, pause) },
};

static const struct key_rule rnd_keys[] = {
	{ "box", KEY_LIST, offsetof(struct rnd_found, box) },
	{ "speed", KEY_LIST, offsetof(struct rnd_found, speed) },
	{ "pause", KEY_LIST, offsetof(struct rnd_found, pause) },
	{ "seed", KEY_INT, offsetof(struct rnd_found, seed) },
};

static bool parse_waypoints(struct ctx *c, const config_setting_t *list,
			    struct config_mobility *out)
{
	size_t n = length(list);
	bool ok = true;

	if (!n || n > MEDIUM_MAX_WAYPOINTS) {
		report_at(c, list, "nodes.mobility.waypoints: expected 1 to %d waypoints, not %zu",
			  MEDIUM_MAX_WAYPOINTS, n);
		return false;
	}
	out->waypoints = xcalloc(n, sizeof(*out->waypoints));
	out->n_waypoints = n;
	for (size_t i = 0; i < n; i++) {
		const config_setting_t *g = elem(list, i);
		struct medium_waypoint *w = &out->waypoints[i];
		struct wp_found f = { 0 };

		if (!config_setting_is_group(g)) {
			report_at(c, g, "nodes.mobility.waypoints: expected %s per waypoint",
				  config_key_type_names[KEY_GROUP]);
			ok = false;
			continue;
		}
		config_check_keys(c, "nodes.mobility.waypoints", wp_keys, ARRAY_SIZE(wp_keys), g,
				  &f);
		if (!f.position || !f.speed) {
			config_report(c, line_of(g), NULL, "nodes.mobility.waypoints: a waypoint "
				      "needs a position and a speed");
			ok = false;
			continue;
		}
		ok &= config_tuple(c, f.position, "nodes.mobility.waypoints.position", 2, 3,
				   w->pos);
		w->has_z = length(f.position) == 3;
		ok &= config_number_in(c, f.speed, "nodes.mobility.waypoints.speed (m/s)", 1e-6,
				       SPEED_MAX, &w->speed);
		if (f.pause)
			ok &= config_number_in(c, f.pause, "nodes.mobility.waypoints.pause (s)", 0.0,
					       PAUSE_MAX, &w->pause);
	}
	return ok;
}

/* (min, max) of numbers in [lo, hi]. */
static bool range(struct ctx *c, const config_setting_t *s, const char *what, double lo,
		  double hi, double out[2])
{
	bool ok = true;

	if (length(s) != 2) {
		report_at(c, s, "%s: expected (min, max)", what);
		return false;
	}
	for (size_t i = 0; i < 2; i++)
		ok &= config_number_in(c, elem(s, i), what, lo, hi, &out[i]);
	if (ok && out[0] > out[1]) {
		report_at(c, s, "%s: min above max", what);
		return false;
	}
	return ok;
}

static bool parse_random(struct ctx *c, const config_setting_t *g, size_t node,
			 struct medium_random_walk *rw)
{
	struct rnd_found f = { 0 };
	double corner[2][3] = { { 0 } }, sp[2], pa[2] = { 0, 0 };
	size_t dims[2] = { 0, 0 };
	bool ok = true;
	long long seed;

	config_check_keys(c, "nodes.mobility.random", rnd_keys, ARRAY_SIZE(rnd_keys), g, &f);
	if (!f.box || !f.speed) {
		config_report(c, line_of(g), NULL, "nodes.mobility.random: needs a box and a speed");
		return false;
	}
	if (length(f.box) != 2) {
		report_at(c, f.box, "nodes.mobility.random.box: expected two corners ((x0, y0[, "
			  "z0]), (x1, y1[, z1]))");
		ok = false;
	} else {
		for (size_t i = 0; i < 2; i++) {
			const config_setting_t *e = elem(f.box, i);

			dims[i] = is_list(e) ? length(e) : 0;
			ok &= config_tuple(c, e, "nodes.mobility.random.box", 2, 3, corner[i]);
		}
		if (ok && dims[0] != dims[1]) {
			report_at(c, f.box, "nodes.mobility.random.box: corners of 2 and 3 numbers");
			ok = false;
		}
	}
	ok &= range(c, f.speed, "nodes.mobility.random.speed (m/s)", 1e-6, SPEED_MAX, sp);
	if (f.pause)
		ok &= range(c, f.pause, "nodes.mobility.random.pause (s)", 0.0, PAUSE_MAX, pa);
	/* Not given: one per node, so that a config's walks still repeat run after run. */
	rw->seed = 1 + node;
	if (f.seed && get_int(f.seed, &seed)) {
		if (seed < 0) {
			report_at(c, f.seed, "nodes.mobility.random.seed: negative");
			ok = false;
		}
		rw->seed = (uint64_t)seed;
	}
	if (!ok)
		return false;
	/* Corners in any order. */
	for (int k = 0; k < 3; k++) {
		rw->lo[k] = corner[0][k] < corner[1][k] ? corner[0][k] : corner[1][k];
		rw->hi[k] = corner[0][k] < corner[1][k] ? corner[1][k] : corner[0][k];
	}
	rw->has_z = dims[0] == 3;
	rw->speed_min = sp[0];
	rw->speed_max = sp[1];
	rw->pause_min = pa[0];
	rw->pause_max = pa[1];
	return true;
}

void config_parse_mobility(struct ctx *c, const config_setting_t *g, size_t idx,
			   struct config_mobility *out)
{
	struct mob_found f = { 0 };
	size_t node = c->cfg->n_radios + idx;

	out->line = line_of(g);
	config_check_keys(c, "nodes.mobility", mob_keys, ARRAY_SIZE(mob_keys), g, &f);
	if (!!f.waypoints == !!f.random) {
		config_report(c, out->line, NULL, "nodes.mobility: give waypoints or random (one)");
		return;
	}
	if (f.loop && !f.waypoints) {
		report_at(c, f.loop, "nodes.mobility.loop: only with waypoints");
		return;
	}
	if (f.waypoints) {
		if (!parse_waypoints(c, f.waypoints, out))
			return;
		out->loop = f.loop && config_setting_get_bool(f.loop);
		out->model = CONFIG_MOBILITY_WAYPOINTS;
	} else {
		if (!parse_random(c, f.random, node, &out->random))
			return;
		out->model = CONFIG_MOBILITY_RANDOM;
	}
	/* What is left (a loop or walk of no time): the medium's own rules. */
	if (out->model == CONFIG_MOBILITY_WAYPOINTS ?
		    medium_waypoints_check(out->waypoints, (uint32_t)out->n_waypoints, out->loop) :
		    medium_random_walk_check(&out->random)) {
		config_report(c, out->line, NULL, "nodes.mobility: a %s that takes no time "
			      "(every leg of no length and no pause)",
			      out->model == CONFIG_MOBILITY_WAYPOINTS ? "loop" : "walk");
		out->model = CONFIG_MOBILITY_NONE;
	}
}

int config_slurp(const char *path, size_t max, char **text, size_t *len, bool *opened)
{
	size_t n = 0, cap = 1 << 16;
	char *buf;
	FILE *f = fopen(path, "r");
	int r = 0;

	*text = NULL;
	*len = 0;
	*opened = f != NULL;
	if (!f)
		return -errno;
	/* One byte past the limit tells "too large" from "exactly at it". */
	buf = xmalloc(cap);
	while (!r && n <= max) {
		n += fread(buf + n, 1, cap - n, f);
		if (ferror(f))
			r = errno ? -errno : -EIO;	/* EISDIR for a directory */
		else if (n < cap)
			break;
		else
			buf = xrealloc(buf, cap *= 2);
	}
	fclose(f);
	if (!r && n > max)
		r = -EFBIG;
	if (r) {
		free(buf);
		return r;
	}
	*text = buf;
	*len = n;
	return 0;
}

/* The path of name: as it is when absolute, else under the config's directory. */
static char *resolve(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	if (name[0] == '/')
		return xstrdup(name);
	p = xmalloc(dl + nl + 2);
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	return p;
}

void config_parse_trace(struct ctx *c)
{
	const config_setting_t *s = c->f.mobility_trace;
	struct wm_config *cfg = c->cfg;
	size_t nodes = cfg->n_radios + cfg->n_nodes, len;
	char *text, err[256];
	const char *name;
	bool opened;
	int r;

	if (!s)
		return;
	name = config_setting_get_string(s);
	if (!name[0]) {
		report_at(c, s, "mobility_trace: empty file name");
		return;
	}
	if (!c->dir) {
		cfg->mobility_trace = xstrdup(name);
		return;
	}
	cfg->mobility_trace = resolve(c->dir, name);
	r = config_slurp(cfg->mobility_trace, NS2_TRACE_MAX_BYTES, &text, &len, &opened);
	if (r < 0) {
		config_report(c, line_of(s), strerror(-r), "mobility_trace: %s: cannot read",
			      cfg->mobility_trace);
		return;
	}
	r = ns2_trace_parse(text, len, &cfg->trace, err, sizeof(err));
	free(text);
	if (r < 0) {
		config_report(c, line_of(s), NULL, "mobility_trace: %s:%s", cfg->mobility_trace, err);
		return;
	}
	/* $node_(N) is node N: one the config has, and not one with a model of its own. */
	for (size_t i = 0; i < cfg->trace.n; i++) {
		const struct ns2_trace_entry *e = &cfg->trace.v[i];

		if (e->node >= nodes) {
			config_report(c, line_of(s), NULL, "mobility_trace: %s:%u: $node_(%u): the "
				      "config has %zu nodes (ifaces.ids, then nodes)",
				      cfg->mobility_trace, e->line, e->node, nodes);
			break;
		}
		/* Its first timed line: only steps would fight the model (a start is fine). */
		if (!e->timed || (i && e->node == cfg->trace.v[i - 1].node &&
				  cfg->trace.v[i - 1].timed))
			continue;
		if (e->node >= cfg->n_radios &&
		    cfg->nodes[e->node - cfg->n_radios].mobility.model != CONFIG_MOBILITY_NONE)
			config_report(c, line_of(s), NULL, "mobility_trace: %s:%u: $node_(%u) has a "
				      "mobility setting of its own (line %d)", cfg->mobility_trace,
				      e->line, e->node,
				      cfg->nodes[e->node - cfg->n_radios].mobility.line);
	}
}
