/* SPDX-License-Identifier: MIT */
/*
 * The medium's side of the airport stream (docs/stream-protocol.md): guests
 * that cannot present virtio device 29 run the `airport` agent, which takes
 * the hwsim medium role inside the guest and carries every hwsim message to
 * us over a byte stream. Listeners: unix sockets (what QEMU's virtio-serial
 * chardev connects to), TCP (loopback unless a secret is set) and vsock.
 * Each agent session is one client of the hub, like a VM on vhost-user.
 */
#ifndef WM_TRANSPORT_AIRPORT_H
#define WM_TRANSPORT_AIRPORT_H

#include <stddef.h>
#include <stdint.h>

struct hub;
struct airport_server;

struct airport_options {
	const uint8_t *secret;		/* required of TCP agents when set */
	size_t secret_len;
	uint32_t keepalive_ms;		/* offered in WELCOME; 0: the default (5 s) */
	size_t queue_limit;		/* bytes held per slow peer; 0: the default (1 MiB) */
	/*
	 * Connections not yet welcomed (a TCP one holds a descriptor for up to
	 * 30 s, a VMM's port until its agent starts); past it new ones are
	 * closed at once. 0: the default, 64.
	 */
	unsigned max_pending;
};

struct airport_counters {
	uint64_t sessions;		/* agents welcomed */
	uint64_t refused;		/* HELLOs refused (version, name, secret) */
	uint64_t broken;		/* peers closed for protocol faults or timeouts */
	uint64_t dropped;		/* messages not queued for a peer that does not read */
	uint64_t shed;			/* connections closed at once: too many pending, no descriptors */
};

/* A server with no listener yet. */
struct airport_server *airport_server_new(struct hub *hub, const struct airport_options *o);
void airport_server_free(struct airport_server *srv);

/*
 * Listen on "unix:PATH", "tcp:ADDR:PORT" (ADDR an IPv4 or [IPv6] literal) or
 * "vsock:PORT". TCP on a non-loopback address without a secret is refused.
 * 0, or -errno with the reason logged.
 */
int airport_server_listen(struct airport_server *srv, const char *spec);

/* Serve one connected stream (tests); resync: it is a virtio-serial port. */
int airport_server_adopt(struct airport_server *srv, int fd, const char *peer, int resync);

void airport_server_get_counters(const struct airport_server *srv, struct airport_counters *c);

#endif
