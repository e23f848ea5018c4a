/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-ctl: what the protocol side (wifimedium_ctl.c) and the human
 * output (wifimedium_ctl_print.c) share. The printers take the request that
 * was sent and the reply's `result`, and must survive any shape of either:
 * the daemon is another program, maybe of another version.
 */
#ifndef WM_CTL_H
#define WM_CTL_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define WMCTL_PROG "wifimedium-ctl"

/* The exit status is an interface: scripts branch on it (docs/wifimedium-ctl.1). */
enum wmctl_exit {
	WMCTL_EXIT_OK = 0,
	WMCTL_EXIT_FAIL = 1,		/* the daemon refused, or our output could not be written */
	WMCTL_EXIT_USAGE = 2,		/* the command line is wrong: nothing was sent */
	WMCTL_EXIT_UNREACHABLE = 3,	/* no daemon at the socket, a timeout, a broken reply */
};

/* A connection to the daemon, and what was read from it and not yet used. */
struct wmctl {
	const char *path;
	bool json;
	int timeout_ms;		/* a reply's deadline; -1: none */
	int fd;
	char *buf;
	size_t len, cap;
	sigset_t run_mask;	/* while streaming: the mask that lets SIGINT, SIGTERM in */
};

/* Each returns an exit status, after a message on stderr if not WMCTL_EXIT_OK. */
int wmctl_connect(struct wmctl *c);
/* Sends req as one line; *reply: an object with req's "id" and a boolean "ok". */
int wmctl_call(struct wmctl *c, const json_t *req, json_t **reply);
/* After `capture`'s reply: the pcapng stream to stdout. */
int wmctl_capture(struct wmctl *c);
/* After `subscribe`'s reply: event lines to stdout, as text or (c->json) verbatim. */
int wmctl_events(struct wmctl *c);

/* One command's human output: the request sent and the reply's result. */
typedef void wmctl_print_fn(const json_t *req, const json_t *res);

wmctl_print_fn wmctl_print_status;
wmctl_print_fn wmctl_print_radios;
wmctl_print_fn wmctl_print_nodes;
wmctl_print_fn wmctl_print_links;
wmctl_print_fn wmctl_print_move;
wmctl_print_fn wmctl_print_mobility;
wmctl_print_fn wmctl_print_set_power;
wmctl_print_fn wmctl_print_pin;
wmctl_print_fn wmctl_print_unpin;
wmctl_print_fn wmctl_print_reload;
wmctl_print_fn wmctl_print_capture_start;
wmctl_print_fn wmctl_print_capture_stop;

/* One event line of `subscribe`, as one line of text (with its newline). */
void wmctl_print_event(const json_t *ev, FILE *f);

#endif
