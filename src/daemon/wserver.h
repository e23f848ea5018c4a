/* SPDX-License-Identifier: MIT */
/*
 * The mininet-wifi fork's wmediumd control socket (-s): mininet-wifi adds
 * stations, moves them, changes their powers, gains, heights and media and
 * pins links while the air runs. Requests map onto the medium's nodes and
 * pinned links; the wire format is proto/wserver. docs/wmediumd.md.
 */
#ifndef WM_DAEMON_WSERVER_H
#define WM_DAEMON_WSERVER_H

#include <stdbool.h>

#include "daemon/config.h"
#include "hub/hub.h"

#define WSERVER_DEFAULT_PATH "/var/run/wmediumd.sock"

struct wserver;

/*
 * Listen on the unix socket path (a stale one is replaced; one another
 * daemon serves is not). spec: the fork's -d mode, where links are loss
 * matrices set by SPECPROB (every new link loses everything until then).
 * 0 or -errno, logged.
 */
int wserver_open(struct hub *hub, const char *path, bool spec, struct wserver **out);
/*
 * The stations are the config's ifaces.ids again, at node ids 0..n-1 (after
 * config_apply(): a reload undoes every change made over the socket).
 */
void wserver_reset(struct wserver *ws, const struct wm_config *cfg);
/* Close every connection and the socket, and remove it. NULL is fine. */
void wserver_close(struct wserver *ws);

/*
 * For tests: feed the bytes a client sent, get back what the server
 * answers (into out, at most cap bytes; the length). No socket involved.
 */
size_t wserver_handle(struct wserver *ws, const uint8_t *in, size_t len, uint8_t *out,
		      size_t cap);
/* For tests: a server with no socket. */
struct wserver *wserver_new(struct hub *hub, bool spec);

#endif
