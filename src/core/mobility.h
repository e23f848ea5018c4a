/* SPDX-License-Identifier: MIT */
/*
 * Moving nodes (mobility.c): a plain velocity or a model (waypoints,
 * random waypoint, an ns-2 trace). Each moving node's position is a pure
 * function of simulated time, evaluated once every mobility_step_us for
 * the nodes that move, never per frame; link budgets follow through
 * link_invalidate() when a position changed.
 */
#ifndef WM_CORE_MOBILITY_H
#define WM_CORE_MOBILITY_H

#include "core/medium_int.h"

/* The step event (EV_MOBILITY) is due: advance every moving node to m->now. */
void mobility_run(struct medium *m);
/* Forget every node's motion (medium_nodes_clear(), medium_free()). */
void mobility_clear(struct medium *m);
/* Where the node's model stands, and its velocity now. */
void mobility_info(const struct medium *m, const struct mnode *n,
		   struct medium_mobility_info *out, double vel[3]);
/* Put the node at pos (medium_node_set_pos()): a model ends, a velocity goes on from there. */
void mobility_place(struct medium *m, int node, const double pos[3]);

#endif
