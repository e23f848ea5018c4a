/* SPDX-License-Identifier: MIT */
/*
 * Moving nodes. A moving node holds one segment: from p0 at t0 it walks in
 * a straight line to p1, reached at t1, and stays there; at `next' its
 * model picks the following segment (a waypoint's pause is next - t1; a
 * trace's next step may come before t1 and cut the walk short). A plain
 * velocity is a segment without end. Positions are computed from these
 * times, never accumulated, so they do not drift and a waypoint is reached
 * exactly at its time whatever the step.
 *
 * One event advances all moving nodes every mobility_step_us; the nodes
 * that move are kept in a list, so a step costs the moving nodes only.
 */
#include "core/mobility.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/link.h"
#include "util/util.h"

/*
 * Legs one node may start in one step. Only models whose legs take
 * (almost) no time get near it; past it the node goes on at the next step
 * rather than hold the loop.
 */
#define LEGS_PER_STEP 4096
#define MAX_LEG_S 1e9		/* a leg or pause longer than 31 years is clamped */

struct mmover {
	enum medium_mobility model;
	bool linear;			/* a plain velocity: p0 + vel * (t - t0), no end */
	double vel[3];
	double p0[3], p1[3];
	uint64_t t0, t1;
	uint64_t next;			/* UINT64_MAX: the model has nothing more to do */

	/* MEDIUM_MOBILITY_WAYPOINTS */
	struct medium_waypoint *wp;
	uint32_t nwp, leg;
	bool loop;
	/* MEDIUM_MOBILITY_RANDOM */
	struct medium_random_walk rw;
	struct rng rng;
	/* MEDIUM_MOBILITY_TRACE */
	struct medium_trace_step *steps;
	uint32_t nsteps, done;
	uint64_t start;
};

static uint32_t step_us(const struct medium *m)
{
	return m->p.mobility_step_us ? m->p.mobility_step_us : 100000;
}

static bool finite3(const double v[3])
{
	return isfinite(v[0]) && isfinite(v[1]) && isfinite(v[2]);
}

static uint64_t seconds_us(double s)
{
	if (!(s > 0.0))
		return 0;
	if (s > MAX_LEG_S)
		s = MAX_LEG_S;
	return (uint64_t)llround(s * 1e6);
}

static void pos_at(const struct mmover *mv, uint64_t t, double out[3])
{
	if (mv->linear) {
		double dt = (double)(t - mv->t0) / 1e6;

		for (int k = 0; k < 3; k++)
			out[k] = mv->p0[k] + mv->vel[k] * dt;
	} else if (t >= mv->t1) {
		memcpy(out, mv->p1, sizeof(mv->p1));
	} else {
		double f = (double)(t - mv->t0) / (double)(mv->t1 - mv->t0);

		for (int k = 0; k < 3; k++)
			out[k] = mv->p0[k] + (mv->p1[k] - mv->p0[k]) * f;
	}
}

/* A walk from `from' at t to `to' at speed (> 0), or standing at `from' (speed 0). */
static void walk(struct mmover *mv, const double from[3], const double to[3], double speed,
		 uint64_t t)
{
	double d = 0.0;

	for (int k = 0; k < 3; k++)
		d += (to[k] - from[k]) * (to[k] - from[k]);
	memcpy(mv->p0, from, sizeof(mv->p0));
	memcpy(mv->p1, speed > 0.0 ? to : from, sizeof(mv->p1));
	mv->t0 = t;
	mv->t1 = t + (speed > 0.0 ? seconds_us(sqrt(d) / speed) : 0);
}

/* ---------------------------------------------------------------- models */

static void waypoint_leg(struct mmover *mv, const double from[3], uint64_t t)
{
	const struct medium_waypoint *w = &mv->wp[mv->leg];
	double to[3] = { w->pos[0], w->pos[1], w->has_z ? w->pos[2] : from[2] };

	walk(mv, from, to, w->speed, t);
	mv->next = mv->t1 + seconds_us(w->pause);
}

static double uniform(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_uniform(r);
}

static void random_leg(struct mmover *mv, const double from[3], uint64_t t)
{
	const struct medium_random_walk *rw = &mv->rw;
	double to[3];

	/* Always three draws for the point, so a walk's draws do not depend on has_z. */
	for (int k = 0; k < 3; k++)
		to[k] = uniform(&mv->rng, rw->lo[k], rw->hi[k]);
	if (!rw->has_z)
		to[2] = from[2];
	walk(mv, from, to, uniform(&mv->rng, rw->speed_min, rw->speed_max), t);
	mv->next = mv->t1 + seconds_us(uniform(&mv->rng, rw->pause_min, rw->pause_max));
}

static void trace_apply(struct mmover *mv, const double here[3], uint64_t t)
{
	const struct medium_trace_step *s = &mv->steps[mv->done++];
	double to[3];

	memcpy(to, here, sizeof(to));
	switch (s->op) {
	case MEDIUM_TRACE_SETDEST:
		to[0] = s->dest[0];
		to[1] = s->dest[1];
		walk(mv, here, to, s->speed, t);
		break;
	case MEDIUM_TRACE_SET_X:
	case MEDIUM_TRACE_SET_Y:
	case MEDIUM_TRACE_SET_Z:
		to[s->op - MEDIUM_TRACE_SET_X] = s->value;
		walk(mv, to, to, 0.0, t);
		break;
	}
	mv->next = mv->done < mv->nsteps ? mv->start + mv->steps[mv->done].at_us : UINT64_MAX;
}

/* At t, where the node is `here': the model's next segment. false: it has none. */
static bool model_next(struct mmover *mv, const double here[3], uint64_t t)
{
	switch (mv->model) {
	case MEDIUM_MOBILITY_NONE:
		return false;
	case MEDIUM_MOBILITY_WAYPOINTS:
		if (mv->leg + 1 == mv->nwp && !mv->loop)
			return false;
		mv->leg = mv->leg + 1 == mv->nwp ? 0 : mv->leg + 1;
		waypoint_leg(mv, here, t);
		return true;
	case MEDIUM_MOBILITY_RANDOM:
		random_leg(mv, here, t);
		return true;
	case MEDIUM_MOBILITY_TRACE:
		if (mv->done == mv->nsteps)
			return false;
		trace_apply(mv, here, t);
		return true;
	}
	return false;
}

/* Still something to do at or after now: a velocity, a walk, a model's next leg. */
static bool alive(const struct mmover *mv, uint64_t now)
{
	return mv->linear || mv->next != UINT64_MAX || now < mv->t1;
}

/* Bring one node to now. true when its position changed. */
static bool advance(struct mnode *n, uint64_t now)
{
	struct mmover *mv = n->mv;
	double old[3], here[3];

	memcpy(old, n->pos, sizeof(old));
	for (unsigned i = 0; !mv->linear && mv->next <= now && i < LEGS_PER_STEP; i++) {
		pos_at(mv, mv->next, here);
		if (!model_next(mv, here, mv->next))
			mv->next = UINT64_MAX;	/* it stands at p1: its last leg ended */
	}
	pos_at(mv, now, n->pos);
	return memcmp(old, n->pos, sizeof(old)) != 0;
}

/* ---------------------------------------------------------- the movers */

static void mover_free(struct mmover *mv)
{
	if (!mv)
		return;
	free(mv->wp);
	free(mv->steps);
	free(mv);
}

static void movers_add(struct medium *m, int node)
{
	struct mnode *n = &m->nodes[node];

	if (n->mover_idx != UINT32_MAX)
		return;
	if (m->nmovers == m->movers_cap) {
		m->movers_cap = m->movers_cap ? 2 * m->movers_cap : 16;
		m->movers = xreallocarray(m->movers, m->movers_cap, sizeof(*m->movers));
	}
	n->mover_idx = m->nmovers;
	m->movers[m->nmovers++] = (uint32_t)node;
}

static void movers_del(struct medium *m, int node)
{
	struct mnode *n = &m->nodes[node];
	uint32_t i = n->mover_idx, last;

	if (i == UINT32_MAX)
		return;
	last = m->movers[--m->nmovers];
	m->movers[i] = last;
	m->nodes[last].mover_idx = i;
	n->mover_idx = UINT32_MAX;
}

/* Keep the step event queued exactly while some node moves. */
static void step_sync(struct medium *m)
{
	if (!m->nmovers)
		sched_cancel(&m->sched, &m->mob_ev);
	else if (!sched_queued(&m->mob_ev))
		sched_add(&m->sched, &m->mob_ev, m->now + step_us(m));
}

/* The node's motion ends where it is now; its model, if any, goes. */
static void stop(struct medium *m, int node)
{
	struct mnode *n = &m->nodes[node];

	if (!n->mv)
		return;
	if (n->mover_idx != UINT32_MAX && advance(n, m->now))
		link_invalidate(m);
	movers_del(m, node);
	mover_free(n->mv);
	n->mv = NULL;
	step_sync(m);
}

/* A fresh mover for node, starting now where the node is. */
static struct mmover *start(struct medium *m, int node, enum medium_mobility model)
{
	struct mnode *n = &m->nodes[node];
	struct mmover *mv;

	stop(m, node);
	mv = xcalloc(1, sizeof(*mv));
	mv->model = model;
	walk(mv, n->pos, n->pos, 0.0, m->now);
	mv->next = UINT64_MAX;
	n->mv = mv;
	return mv;
}

/* The mover is set up: take the node into the list if it has anything to do. */
static void go(struct medium *m, int node)
{
	struct mnode *n = &m->nodes[node];

	if (advance(n, m->now))
		link_invalidate(m);
	if (alive(n->mv, m->now))
		movers_add(m, node);
	step_sync(m);
}

void mobility_run(struct medium *m)
{
	bool moved = false;

	for (uint32_t i = 0; i < m->nmovers;) {
		uint32_t node = m->movers[i];
		struct mnode *n = &m->nodes[node];

		moved |= advance(n, m->now);
		if (alive(n->mv, m->now))
			i++;
		else
			movers_del(m, (int)node);	/* the last one moved into i */
	}
	if (moved)
		link_invalidate(m);
	if (m->nmovers)
		sched_add(&m->sched, &m->mob_ev, m->now + step_us(m));
}

void mobility_clear(struct medium *m)
{
	for (uint32_t i = 0; i < m->nnodes; i++) {
		mover_free(m->nodes[i].mv);
		m->nodes[i].mv = NULL;
		m->nodes[i].mover_idx = UINT32_MAX;
	}
	m->nmovers = 0;
	sched_cancel(&m->sched, &m->mob_ev);
}

void mobility_place(struct medium *m, int node, const double pos[3])
{
	struct mnode *n = &m->nodes[node];

	if (n->mv && !n->mv->linear)
		stop(m, node);
	memcpy(n->pos, pos, sizeof(n->pos));
	/* A plain velocity goes on from the new place. */
	if (n->mv) {
		memcpy(n->mv->p0, pos, sizeof(n->mv->p0));
		n->mv->t0 = m->now;
	}
}

void mobility_info(const struct medium *m, const struct mnode *n,
		   struct medium_mobility_info *out, double vel[3])
{
	const struct mmover *mv = n->mv;

	memset(out, 0, sizeof(*out));
	memset(vel, 0, 3 * sizeof(*vel));
	memcpy(out->dest, n->pos, sizeof(out->dest));
	if (!mv)
		return;
	out->model = mv->model;
	if (mv->linear) {
		memcpy(vel, mv->vel, 3 * sizeof(*vel));
		return;
	}
	memcpy(out->dest, mv->p1, sizeof(out->dest));
	if (m->now >= mv->t0 && m->now < mv->t1) {
		double dt = (double)(mv->t1 - mv->t0) / 1e6;

		for (int k = 0; k < 3; k++)
			vel[k] = (mv->p1[k] - mv->p0[k]) / dt;
	}
	out->paused = m->now >= mv->t1 && mv->next != UINT64_MAX;
	switch (mv->model) {
	case MEDIUM_MOBILITY_NONE:
		break;
	case MEDIUM_MOBILITY_WAYPOINTS:
		out->leg = mv->leg;
		out->legs = mv->nwp;
		out->loop = mv->loop;
		out->done = mv->next == UINT64_MAX && m->now >= mv->t1;
		break;
	case MEDIUM_MOBILITY_RANDOM:
		out->random = mv->rw;
		break;
	case MEDIUM_MOBILITY_TRACE:
		out->leg = mv->done;
		out->legs = mv->nsteps;
		out->done = mv->next == UINT64_MAX && m->now >= mv->t1;
		break;
	}
}

/* ------------------------------------------------------------ public API */

static bool node_ok(const struct medium *m, int node)
{
	return node >= 0 && (uint32_t)node < m->nnodes;
}

int medium_node_set_velocity(struct medium *m, int node, const double v[3])
{
	struct mmover *mv;

	if (!node_ok(m, node))
		return -ENOENT;
	if (!finite3(v))
		return -EINVAL;
	if (v[0] == 0.0 && v[1] == 0.0 && v[2] == 0.0) {
		stop(m, node);
		return 0;
	}
	mv = start(m, node, MEDIUM_MOBILITY_NONE);
	mv->linear = true;
	memcpy(mv->vel, v, sizeof(mv->vel));
	go(m, node);
	return 0;
}

int medium_node_stop(struct medium *m, int node)
{
	if (!node_ok(m, node))
		return -ENOENT;
	stop(m, node);
	return 0;
}

/* A leg's time; in the plane only unless both ends are 3-D (a 2-D point's z is moot). */
static double leg_us(const double a[3], const double b[3], bool has_z, double speed)
{
	double d = 0.0;

	for (int k = 0; k < (has_z ? 3 : 2); k++)
		d += (b[k] - a[k]) * (b[k] - a[k]);
	return (double)seconds_us(sqrt(d) / speed);
}

int medium_waypoints_check(const struct medium_waypoint *wp, uint32_t n, bool loop)
{
	double cycle = 0.0;

	if (!n || n > MEDIUM_MAX_WAYPOINTS)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		if (!finite3(wp[i].pos) || !(wp[i].speed > 0.0) || !isfinite(wp[i].speed) ||
		    !(wp[i].pause >= 0.0) || !isfinite(wp[i].pause))
			return -EINVAL;
		cycle += leg_us(wp[i ? i - 1 : n - 1].pos, wp[i].pos,
				wp[i].has_z && wp[i ? i - 1 : n - 1].has_z, wp[i].speed) +
			 (double)seconds_us(wp[i].pause);
	}
	/* A loop that takes no time would run every leg at once, for ever. */
	return loop && cycle < 1.0 ? -EINVAL : 0;
}

int medium_node_set_waypoints(struct medium *m, int node, const struct medium_waypoint *wp,
			      uint32_t n, bool loop)
{
	struct mmover *mv;

	if (!node_ok(m, node))
		return -ENOENT;
	if (medium_waypoints_check(wp, n, loop) < 0)
		return -EINVAL;
	mv = start(m, node, MEDIUM_MOBILITY_WAYPOINTS);
	mv->wp = xreallocarray(NULL, n, sizeof(*wp));
	memcpy(mv->wp, wp, n * sizeof(*wp));
	mv->nwp = n;
	mv->loop = loop;
	mv->leg = 0;
	waypoint_leg(mv, m->nodes[node].pos, m->now);
	go(m, node);
	return 0;
}

int medium_random_walk_check(const struct medium_random_walk *rw)
{
	bool point = true;

	if (!finite3(rw->lo) || !finite3(rw->hi) || !isfinite(rw->speed_max) ||
	    !isfinite(rw->pause_max) || !(rw->speed_min > 0.0) || !(rw->speed_min <= rw->speed_max) ||
	    !(rw->pause_min >= 0.0) || !(rw->pause_min <= rw->pause_max))
		return -EINVAL;
	for (int k = 0; k < 3; k++) {
		if (!(rw->lo[k] <= rw->hi[k]))
			return -EINVAL;
		if (rw->lo[k] < rw->hi[k] && (k < 2 || rw->has_z))
			point = false;
	}
	/* Legs of no length and no pause: the same loop that takes no time. */
	return point && rw->pause_max == 0.0 ? -EINVAL : 0;
}

int medium_node_set_random_walk(struct medium *m, int node, const struct medium_random_walk *rw)
{
	struct mmover *mv;

	if (!node_ok(m, node))
		return -ENOENT;
	if (medium_random_walk_check(rw) < 0)
		return -EINVAL;
	mv = start(m, node, MEDIUM_MOBILITY_RANDOM);
	mv->rw = *rw;
	rng_init(&mv->rng, rw->seed);
	random_leg(mv, m->nodes[node].pos, m->now);
	go(m, node);
	return 0;
}

int medium_node_set_trace(struct medium *m, int node, const struct medium_trace_step *steps,
			  uint32_t n)
{
	struct mmover *mv;

	if (!node_ok(m, node))
		return -ENOENT;
	if (n > MEDIUM_MAX_TRACE_STEPS)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		const struct medium_trace_step *s = &steps[i];

		if ((i && s->at_us < steps[i - 1].at_us) || s->at_us > UINT64_MAX / 4 ||
		    (unsigned)s->op > MEDIUM_TRACE_SET_Z)
			return -EINVAL;
		if (s->op == MEDIUM_TRACE_SETDEST ?
			    !isfinite(s->dest[0]) || !isfinite(s->dest[1]) || !isfinite(s->speed) ||
			    !(s->speed >= 0.0) :
			    !isfinite(s->value))
			return -EINVAL;
	}
	mv = start(m, node, MEDIUM_MOBILITY_TRACE);
	if (n) {
		mv->steps = xreallocarray(NULL, n, sizeof(*steps));
		memcpy(mv->steps, steps, n * sizeof(*steps));
	}
	mv->nsteps = n;
	mv->start = m->now;
	mv->next = n ? m->now + steps[0].at_us : UINT64_MAX;
	go(m, node);
	return 0;
}
