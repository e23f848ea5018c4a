/* SPDX-License-Identifier: MIT */
/*
 * The daemon's hub: one medium, the clients the transports bring (a local
 * kernel over netlink, a VM over vhost-user, an airport peer over a
 * stream), and the clock that ties simulated time to CLOCK_MONOTONIC.
 * Transports hand every hwsim message they read to wm_client_input() and
 * send what the medium decides through their client's ops.
 */
#ifndef WM_DAEMON_WM_H
#define WM_DAEMON_WM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/medium.h"
#include "util/log.h"
#include "util/loop.h"

struct wm_config;
struct wm_client;
struct capture_file;
struct capture_stats;

struct wm_client_ops {
	/* Send one hwsim message; 0, or -errno (counted; the transport decides the rest). */
	int (*send)(struct wm_client *c, const void *msg, size_t len);
};

struct wm_client_counters {
	uint64_t msgs_in;		/* hwsim messages read */
	uint64_t bad_msgs;		/* rejected by the codec */
	uint64_t frames_in;		/* FRAMEs transmitted by its radios */
	uint64_t msgs_out;		/* deliveries and statuses sent */
	uint64_t send_errors;		/* sends that failed */
};

struct wm_client {
	uint32_t id;
	char name[64];
	uint16_t nl_type;		/* nlmsg_type of messages to it (netlink: the family id) */
	const struct wm_client_ops *ops;
	void *priv;
	struct log_limit lim;
	struct wm_client_counters c;
};

struct wm {
	struct loop *loop;
	struct medium *medium;
	struct medium_params params;
	uint64_t t0;			/* CLOCK_MONOTONIC us at simulated time 0 */
	struct wm_client **clients;	/* by id; NULL slots are free */
	uint32_t nclients_cap;
	struct log_limit lim;
	struct {
		void (*fn)(void *opaque);
		void *opaque;
	} flush[4];			/* run at the end of every wm_sync() */
	uint64_t epoch_us;		/* wall clock (us since the epoch) at simulated time 0 */
	struct capture_file *capture;	/* -p / --capture / capture-start */
	struct wm_observer {		/* the control server's view of the medium */
		void (*air)(void *opaque, const struct medium_air *a);
		void (*status)(void *opaque, const struct medium_status *st);
		void (*notice)(void *opaque, const struct medium_notice *n);
		void *opaque;
	} obs;
};

/* 0 or -errno. p->seed and p->queue_limit are fixed from here on. */
int wm_init(struct wm *wm, struct loop *loop, const struct medium_params *p);
void wm_deinit(struct wm *wm);

/* Simulated microseconds now. */
uint64_t wm_now(const struct wm *wm);

/* A new client; name is for logs ("kernel", "vm:NAME", "airport:peer"). */
struct wm_client *wm_client_new(struct wm *wm, const char *name, uint16_t nl_type,
				const struct wm_client_ops *ops, void *priv);
/* The client is gone: its radios leave the medium. The transport frees priv. */
void wm_client_free(struct wm *wm, struct wm_client *c);

/*
 * One hwsim netlink message from c. Bad input is logged (rate-limited, with
 * the client's name), counted, and a FRAME that decoded but cannot be
 * simulated still gets its failed TX status. Returns 0, or -errno for a
 * message the codec rejected (transports may count or drop the peer).
 */
int wm_client_input(struct wm *wm, struct wm_client *c, const void *msg, size_t len);

/*
 * Apply a config: the medium's model, nodes and links. Radios stay, frames
 * in flight stay. Used at start and on SIGHUP.
 */
void wm_apply_config(struct wm *wm, const struct wm_config *cfg, const struct medium_params *base);

/*
 * Run the medium up to now, let the transports flush what they batched (one
 * signal per guest per round, not per message), and arm the loop's timer
 * for the medium's next event.
 */
void wm_sync(struct wm *wm);

/* Name of client id, NULL if none. */
const char *wm_client_name(const struct wm *wm, uint32_t id);
/* The same for a capture's comments (a capture_namer): wm is the struct wm. */
const char *wm_capture_namer(void *wm, uint32_t id);

/*
 * Capture every transmission into the pcapng file at path (replacing a
 * capture running): 0, or -errno with the file not created.
 */
int wm_capture_start(struct wm *wm, const char *path);
/* Stop the file capture: 0 with its totals, or -ENOENT when none runs. */
int wm_capture_stop(struct wm *wm, struct capture_stats *s);

/* A transport's flush for wm_sync(): 0, or -ENOSPC past four. */
int wm_add_flush(struct wm *wm, void (*fn)(void *opaque), void *opaque);
void wm_del_flush(struct wm *wm, void (*fn)(void *opaque), void *opaque);

#endif
