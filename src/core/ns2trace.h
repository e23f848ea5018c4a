/* SPDX-License-Identifier: MIT */
/*
 * ns-2 mobility traces, as ns-2's setdest and BonnMotion write them and
 * mininet-wifi and ns-3's Ns2MobilityHelper read them (docs/mobility.md):
 *
 *   $node_(0) set X_ 10.0              initial position, also Y_ and Z_
 *   $ns_ at 2.5 "$node_(0) setdest 20.0 30.0 5.0"
 *                                      at 2.5 s walk to (20, 30) at 5 m/s
 *   $ns_ at 9.0 "$node_(0) set X_ 0"   at 9 s jump
 *   $god_ set-dist 0 1 2               (and `at' lines of $god_: ignored)
 *
 * with # comments and blank lines. A pure parser: text in, lines out, no
 * I/O. The text is untrusted: every size is bounded and every problem is
 * one "LINE: what `token'" message.
 */
#ifndef WM_CORE_NS2TRACE_H
#define WM_CORE_NS2TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/medium.h"

#define NS2_TRACE_MAX_BYTES (16u << 20)
#define NS2_TRACE_MAX_LINE 1024		/* characters in one line */
#define NS2_TRACE_MAX_ENTRIES 1000000	/* set and at lines in all */
#define NS2_TRACE_MAX_NODE 131071	/* highest $node_(N) */
#define NS2_TRACE_MAX_TIME_S 1e9
#define NS2_TRACE_POS_LIMIT 1e7		/* metres, as the control API's */
#define NS2_TRACE_SPEED_LIMIT 1e5	/* metres per second */

/* One `set' (initial position) or `at' line. */
struct ns2_trace_entry {
	uint32_t node;
	uint32_t line;
	bool timed;			/* an `at' line: step is a timed step */
	struct medium_trace_step step;	/* untimed: op is SET_X, SET_Y or SET_Z */
};

/*
 * Entries sorted by node, then untimed before timed, then time, then file
 * order: one node's timed entries are a run in the order
 * medium_node_set_trace() takes them.
 */
struct ns2_trace {
	struct ns2_trace_entry *v;
	size_t n;
};

/*
 * Parse len bytes of text into t (its old contents are not freed). 0, or
 * -EINVAL with "LINE: what" in err (t is left empty). A node with more than
 * MEDIUM_MAX_TRACE_STEPS timed lines is an error at its line past them.
 */
int ns2_trace_parse(const char *text, size_t len, struct ns2_trace *t, char *err, size_t errlen);
void ns2_trace_free(struct ns2_trace *t);

#endif
