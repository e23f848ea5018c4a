/* SPDX-License-Identifier: MIT */
/*
 * The control server: JSON requests and replies, one per line, on a unix
 * stream socket (docs/control.md). Reads and steers the medium, streams
 * live captures and events. Every connection has a bounded output buffer:
 * one that stops reading loses its events or capture records, or is cut
 * off, and never holds up the medium.
 */
#ifndef WM_DAEMON_CTL_H
#define WM_DAEMON_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "hub/hub.h"

struct capture_recorder;

struct ctl_ops {
	/* Reload the config: 0, or -1 with a message in err. NULL: no config to reload. */
	int (*reload)(void *opaque, char *err, size_t errlen);
	void *opaque;
	const char *config;		/* the config file's path, or NULL */
	/* The daemon's file capture (capture-start/stop); NULL refuses them (fuzzing). */
	struct capture_recorder *recorder;
	/*
	 * A connection that sends no request for this long and streams nothing
	 * (no events, no capture) is closed. 0: 60 s.
	 */
	uint64_t idle_us;
	unsigned max_conns;		/* 0: 64 */
	unsigned max_conns_per_user;	/* 0: 16 */
};

struct ctl;
struct ctl_conn;

/*
 * Listen on path (mode 0660): 0, or -errno after logging why. A stale
 * socket is replaced; one a live daemon answers on is -EADDRINUSE. At
 * most 64 connections, 16 of one user (SO_PEERCRED); idle ones are closed.
 */
int ctl_open(struct hub *hub, const char *path, const struct ctl_ops *ops, struct ctl **out);
void ctl_close(struct ctl *ctl);

/*
 * Without a socket, for tests and fuzzers: a server and a connection whose
 * output collects in memory. ctl_request() handles one request line (no
 * newline needed) as if it came from conn; ctl_conn_output() hands over
 * (and forgets) what conn was sent since, NUL-terminated; *len excludes
 * the NUL.
 */
struct ctl *ctl_new(struct hub *hub, const struct ctl_ops *ops);
struct ctl_conn *ctl_conn_new_memory(struct ctl *ctl);
void ctl_request(struct ctl_conn *conn, const char *line, size_t len);
char *ctl_conn_output(struct ctl_conn *conn, size_t *len);
/* Whether the server cut conn off (or it turned into a capture: see its output). */
bool ctl_conn_dead(const struct ctl_conn *conn);
void ctl_conn_free_memory(struct ctl_conn *conn);

#endif
