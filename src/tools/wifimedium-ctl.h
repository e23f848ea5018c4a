/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-ctl: what the protocol side (wifimedium-ctl.c) and the human
 * output (wifimedium-ctl-print.c) share. The printers take the request that
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

#define CTL_PROG "wifimedium-ctl"

/* The exit status is an interface: scripts branch on it (docs/wifimedium-ctl.1). */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAIL = 1,		/* the daemon refused, or our output could not be written */
	CTL_EXIT_USAGE = 2,		/* the command line is wrong: nothing was sent */
	CTL_EXIT_UNREACHABLE = 3,	/* no daemon at the socket, a timeout, a broken reply */
};

/* A connection to the daemon, and what was read from it and not yet used. */
struct ctl {
	const char *path;
	bool json;
	int timeout_ms;		/* a reply's deadline; -1: none */
	int fd;
	char *buf;
	size_t len, cap;
	sigset_t run_mask;	/* while streaming: the mask that lets SIGINT, SIGTERM in */
};

/* Each returns an exit status, after a message on stderr if not CTL_EXIT_OK. */
int ctl_connect(struct ctl *c);
/* Sends req as one line; *reply: an object with req's "id" and a boolean "ok". */
int ctl_call(struct ctl *c, const json_t *req, json_t **reply);
/* After `capture`'s reply: the pcapng stream to stdout. */
int ctl_capture(struct ctl *c);
/* After `subscribe`'s reply: event lines to stdout, as text or (c->json) verbatim. */
int ctl_events(struct ctl *c);

/* One command's human output: the request sent and the reply's result. */
typedef void ctl_print_fn(const json_t *req, const json_t *res);

ctl_print_fn ctl_print_status;
ctl_print_fn ctl_print_radios;
ctl_print_fn ctl_print_nodes;
ctl_print_fn ctl_print_links;
ctl_print_fn ctl_print_move;
ctl_print_fn ctl_print_set_power;
ctl_print_fn ctl_print_pin;
ctl_print_fn ctl_print_unpin;
ctl_print_fn ctl_print_reload;
ctl_print_fn ctl_print_capture_start;
ctl_print_fn ctl_print_capture_stop;

/* One event line of `subscribe`, as one line of text (with its newline). */
void ctl_print_event(const json_t *ev, FILE *f);

#endif
