/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-web: a live view of the air in a browser (docs/web.md). A
 * companion program of the daemon: it holds ONE control connection
 * (docs/control.md), polls the state at a fixed rate, follows the events
 * of one subscription, and fans the result out to any number of browsers
 * over Server-Sent Events; changes the browsers ask for go to the daemon
 * as the same control requests wifimedium-ctl sends.
 *
 * Two halves share this header: the medium (web_medium.c: the daemon's
 * connection, the state and its diffs) and the HTTP side (web_http.c:
 * libmicrohttpd handlers, access checks, the SSE clients). main (web.c)
 * runs them in one thread around poll(): nothing needs a lock.
 */
#ifndef WM_WEB_H
#define WM_WEB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEB_PROG "wifimedium-web"

/* What the medium half tells the HTTP half. */
struct web_medium;
/* A change a browser asked for, waiting for the daemon's reply. */
struct web_call;

/* Called with the daemon's reply (or an error made here) for one web_call. */
typedef void web_call_done(void *opaque, json_t *reply);

struct web_medium *web_medium_new(const char *control_path, int tick_ms);
void web_medium_free(struct web_medium *m);

/* The daemon's socket fd (-1 while away) and the poll events it waits for. */
int web_medium_fd(const struct web_medium *m, short *events);
/* poll() said fd has revents; read, parse, dispatch. */
void web_medium_io(struct web_medium *m, short revents);
/* Milliseconds until web_medium_timer() wants to run (0: now). */
int web_medium_timeout(const struct web_medium *m);
/* Ticks: polls, reconnects, keep-alives. */
void web_medium_timer(struct web_medium *m);

bool web_medium_up(const struct web_medium *m);
/* Whether the daemon answers `mobility` (a later daemon); false while unknown. */
bool web_medium_mobility(const struct web_medium *m);

/*
 * The whole view as the page's first message and GET /api/state serve it
 * (a new reference): up, mobility, status, nodes, radios, links, assoc,
 * events.
 */
json_t *web_medium_state(const struct web_medium *m);

/*
 * Send req (a checked object with "cmd"; stolen) to the daemon; done(opaque,
 * reply) runs once with the reply object (`ok`, `result` or `error` and
 * `message`), borrowed for the call. Returns a handle for
 * web_medium_cancel(), or NULL when the medium is away (done is not called).
 */
struct web_call *web_medium_call(struct web_medium *m, json_t *req, web_call_done *done,
				 void *opaque);
/* The asker is gone: done will not be called. */
void web_medium_cancel(struct web_medium *m, struct web_call *c);

/*
 * Messages for the browsers: the medium half calls this with each one
 * (an SSE event name and its JSON data); the HTTP half defines it.
 */
void web_http_broadcast(const char *event, const json_t *data);

#endif
