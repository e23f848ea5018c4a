/* SPDX-License-Identifier: MIT */
/*
 * The hub: one medium, the clients the transports bring (a local kernel
 * over netlink, a VM over vhost-user, an airport peer over a stream), the
 * clock that ties simulated time to CLOCK_MONOTONIC, and whoever watches
 * the air (captures, the control server) as observers.
 *
 * A frame's way: a transport reads one hwsim message and hands it to
 * hub_client_input(); the codec (proto/hwsim) turns it into a medium_tx
 * for the medium; hub_sync() runs the medium up to now, whose decisions
 * come back through hub_medium_ops: deliveries and TX statuses are encoded
 * and sent through each client's ops, every transmission goes to the
 * observers; then the flush hooks let transports send what they batched.
 *
 * The hub knows nothing of configs, files or sockets.
 */
#ifndef WM_HUB_HUB_H
#define WM_HUB_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/medium.h"
#include "util/log.h"
#include "util/hist.h"
#include "util/loop.h"

struct hub_client;

struct hub_client_ops {
	/* Send one hwsim message; 0, or -errno (counted; the transport decides the rest). */
	int (*send)(struct hub_client *c, const void *msg, size_t len);
	/*
	 * May be NULL. Deliver a frame and say whether the radio took it: 1
	 * taken, 0 refused by its kernel (idle, down, off channel), -errno not
	 * sent. For the addressee of a frame to acknowledge.
	 */
	int (*send_verdict)(struct hub_client *c, const void *msg, size_t len);
};

struct hub_client_counters {
	uint64_t msgs_in;		/* hwsim messages read */
	uint64_t bad_msgs;		/* rejected by the codec */
	uint64_t frames_in;		/* FRAMEs transmitted by its radios */
	uint64_t msgs_out;		/* deliveries and statuses sent */
	uint64_t send_errors;		/* sends that failed */
};

struct hub_client {
	uint32_t id;
	char name[64];
	uint16_t nl_type;		/* nlmsg_type of messages to it (netlink: the family id) */
	const struct hub_client_ops *ops;
	void *priv;
	struct log_limit lim;
	struct hub_client_counters c;
};

/* Who watches the air; any member may be NULL. */
struct hub_observer {
	void (*air)(void *data, const struct medium_air *a);
	void (*status)(void *data, const struct medium_status *st);
	void (*notice)(void *data, const struct medium_notice *n);
};

/* An observer or a flush hook, by id. */
struct hub_hook {
	unsigned id;
	const struct hub_observer *obs;		/* NULL: a flush or poll hook */
	void (*flush)(void *data);
	void (*poll)(void *data);
	void *data;
	void (*destroy)(void *data);
	bool dead;				/* removed during a dispatch: reaped after */
};

struct hub {
	struct loop *loop;
	struct medium *medium;
	struct medium_params params;
	uint64_t t0;			/* CLOCK_MONOTONIC us at simulated time 0 */
	uint64_t epoch_us;		/* wall clock (us since the epoch) at simulated time 0 */
	struct hub_client **clients;	/* by id; NULL slots are free */
	uint32_t nclients_cap;
	struct log_limit lim;
	struct hub_hook *hooks;
	size_t nhooks, hooks_cap;
	unsigned next_hook_id;
	unsigned dispatching;		/* depth of hook dispatch; removals wait for 0 */
	uint64_t run_now;		/* simulated time of the latest hub_run() */
	bool s1g_noted;			/* said once that S1G frames reach no radio */
	/*
	 * How late deliveries and TX statuses leave, in microseconds after
	 * the simulated moment they stand for (a frame's end on the air, its
	 * exchange's end): the medium's cost and its timer, beyond airtime.
	 */
	struct hist late_rx, late_status;
};

void hub_init(struct hub *hub, struct loop *loop, const struct medium_params *p);
/* Frees the clients' records and every hook (their destroy callbacks run). */
void hub_deinit(struct hub *hub);

/* Simulated microseconds now. */
uint64_t hub_now(const struct hub *hub);
/* Run the medium up to now (its deliveries and statuses go to the clients' batches). */
void hub_run(struct hub *hub);

/* A new client; name is for logs (a VM's name, "kernel", "airport:peer"). */
struct hub_client *hub_client_new(struct hub *hub, const char *name, uint16_t nl_type,
				  const struct hub_client_ops *ops, void *priv);
/* The client is gone: its radios leave the medium. The transport frees priv. */
void hub_client_free(struct hub *hub, struct hub_client *c);

/*
 * One hwsim netlink message from c. Bad input is logged (rate-limited, with
 * the client's name), counted, and a FRAME that decoded but cannot be
 * simulated still gets its failed TX status. Returns 0, or -errno for a
 * message the codec rejected (transports may count or drop the peer).
 */
int hub_client_input(struct hub *hub, struct hub_client *c, const void *msg, size_t len);

/*
 * A radio of c that the transport learned of another way than by its
 * frames (netlink: the kernel's radio list), keyed by identity; and its
 * end. Their frames flow through hub_client_input() as any client's.
 */
void hub_client_radio_add(struct hub *hub, struct hub_client *c, const uint8_t identity[6]);
void hub_client_radio_del(struct hub *hub, struct hub_client *c, const uint8_t identity[6]);
/*
 * c's peer is gone but its record must live until the loop round ends:
 * its radios leave the medium now, so nothing more is sent to them.
 */
void hub_client_silence(struct hub *hub, struct hub_client *c);

/*
 * Take what the poll hooks find, run the medium up to now (and the events
 * due within the timer's resolution after it), let the flush hooks send
 * what they batched (one signal per guest per round, not per message), and
 * arm the loop's timer for the medium's next event.
 */
void hub_sync(struct hub *hub);

/*
 * want, or want-2, want-3, ... (want shortened to fit size): a name no
 * client has. Configs place radios by their client's name, so two guests
 * may not share one, whatever transport brought them.
 */
void hub_unique_name(const struct hub *hub, const char *want, char *out, size_t size);

/* Name of client id, NULL if none. */
const char *hub_client_name(const struct hub *hub, uint32_t id);
/* The same with an untyped hub, for callbacks (a capture_namer). */
const char *hub_client_namer(void *hub, uint32_t id);

/*
 * Watch the air: obs's callbacks get every transmission, TX status and
 * notice from now on. Returns the id for hub_unobserve(), which also runs
 * destroy(data) if given (so does hub_deinit()). Safe inside a callback.
 */
unsigned hub_observe(struct hub *hub, const struct hub_observer *obs, void *data,
		     void (*destroy)(void *data));
void hub_unobserve(struct hub *hub, unsigned id);

/*
 * fn(data) at the end of every hub_sync(), in the order added: a
 * transport's or capture's batch goes out once per round. Returns the id
 * for hub_del_flush(); destroy as for observers.
 */
unsigned hub_add_flush(struct hub *hub, void (*fn)(void *data), void *data,
		       void (*destroy)(void *data));
void hub_del_flush(struct hub *hub, unsigned id);

/*
 * fn(data) at the start of every hub_sync(), before the medium runs: a
 * transport that asked its peers not to wake it (a virtqueue's
 * VRING_USED_F_NO_NOTIFY) takes what they sent meanwhile, as if they had.
 * Removed with hub_del_flush().
 */
unsigned hub_add_poll(struct hub *hub, void (*fn)(void *data), void *data,
		      void (*destroy)(void *data));

/*
 * When the medium's next event is due, on CLOCK_MONOTONIC in
 * microseconds (UINT64_MAX: none): from a flush hook, the deadline the
 * round will arm the loop's timer for, unless something is added first.
 */
uint64_t hub_next_due(const struct hub *hub);

#endif
