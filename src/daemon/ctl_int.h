/* SPDX-License-Identifier: MIT */
/* Internals of the control server shared by ctl.c (connections) and ctl_cmd.c (commands). */
#ifndef WM_DAEMON_CTL_INT_H
#define WM_DAEMON_CTL_INT_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon/capture.h"
#include "daemon/ctl.h"
#include "util/log.h"
#include "util/loop.h"
#include "util/outbuf.h"

#define CTL_LINE_MAX 65536
#define CTL_OUT_LIMIT (1u << 20)	/* replies and events waiting for a reader */
#define CTL_CAPTURE_LIMIT (4u << 20)	/* live capture bytes waiting for a reader */
#define CTL_MAX_CONNS 64
#define CTL_MAX_CONNS_PER_USER 16	/* one user cannot take every connection */
#define CTL_IDLE_US (60u * 1000000u)	/* a connection that asks nothing is closed */

enum {
	CTL_EV_RADIO = 1 << 0,
	CTL_EV_FRAME = 1 << 1,
	CTL_EV_DROP = 1 << 2,
};

struct ctl_conn {
	struct ctl *ctl;
	struct ctl_conn *prev, *next;
	int fd;				/* -1: a memory connection */
	struct loop_watch w;
	char *in;			/* a partial request line */
	size_t inlen;
	bool overlong;			/* discarding the rest of a line past CTL_LINE_MAX */
	struct outbuf out;
	bool dead;			/* cut off or hung up: freed after the round */
	bool eof;			/* the client shut down its sending side */
	unsigned events;		/* CTL_EV_* subscribed to */
	uint64_t events_dropped;	/* not yet reported by an overflow event */
	struct capture *cap;		/* a live capture: the connection carries pcapng only */
	bool start_capture;		/* after this reply, with cap_filter */
	struct capture_filter cap_filter;
	bool memory;			/* no socket: output stays in out (tests, fuzzing) */
	uid_t uid;			/* the peer's, for the per-user share */
	uint64_t last_active;		/* CLOCK_MONOTONIC us of its last request */
};

struct ctl {
	struct hub *hub;
	struct ctl_ops ops;
	char *path;
	int fd;
	struct loop_watch w;
	struct ctl_conn conns;		/* list head */
	int nconns;
	struct log_limit lim;
	unsigned obs_id, flush_id;	/* its hooks in the hub */
	int tick_fd;			/* every few seconds: idle connections go */
	struct loop_watch tick;
};

/* ctl.c: queue a JSON value as one line to conn; steals v. */
void ctl_send_json(struct ctl_conn *conn, json_t *v);
/* ctl.c: queue v (stolen) to every connection subscribed to one of mask's events. */
void ctl_broadcast(struct ctl *ctl, unsigned mask, json_t *v);
/* ctl.c: turn conn into a live capture with filter f: 0, or -1 (conn is cut off). */
int ctl_start_capture(struct ctl_conn *conn, const struct capture_filter *f);

/* ctl_cmd.c: an error reply's body (ok false, error code, message); ctl_run() adds the id. */
json_t *ctl_fail(const char *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ctl_cmd.c: run one decoded request; returns the reply (never NULL). */
json_t *ctl_run(struct ctl_conn *conn, json_t *req);

#define CTL_POS_LIMIT 1e7	/* metres from the origin */
#define CTL_SPEED_LIMIT 1e5	/* metres per second */

/*
 * ctl_cmd.c: the node sel names (docs/control.md, "Naming"); with create a
 * radio on no node gets one. NULL, or the error reply.
 */
json_t *ctl_find_node(struct ctl *ctl, json_t *sel, const char *what, bool create, int *node,
		      bool *created);
/* ctl_cmd.c: a 2- or 3-vector of finite numbers within limit (z 0 if absent): NULL or the error. */
json_t *ctl_get_vec(json_t *v, const char *what, double limit, double out[3]);
json_t *ctl_json_vec3(const double v[3]);
/* ctl_cmd.c: a node as `nodes' lists it, with `created'. */
json_t *ctl_node_json(struct ctl *ctl, int node, bool created);

/* ctl_mobility.c: the `mobility' command, and a node's model for `nodes' (null if none). */
json_t *ctl_cmd_mobility(struct ctl_conn *conn, json_t *req);
json_t *ctl_mobility_json(const struct medium_mobility_info *mi);

/* ctl_cmd.c: the events of one transmission, status or notice, for subscribers. */
void ctl_event_air(struct ctl *ctl, const struct medium_air *a);
void ctl_event_status(struct ctl *ctl, const struct medium_status *st);
void ctl_event_notice(struct ctl *ctl, const struct medium_notice *n);

#endif
