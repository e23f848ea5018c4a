/* SPDX-License-Identifier: MIT */
/*
 * The virtio mac80211_hwsim device (ID 29) as a vhost-user back-end: VMs
 * (UML, crosvm, QEMU >= 10.2) connect to one listening socket, one VM per
 * connection, and their guests' stock hwsim driver uses us as its medium.
 * Each connection is one client of the hub; queue 0 carries the guest's
 * messages to us, queue 1 ours to the guest.
 */
#ifndef WM_TRANSPORT_VHOST_USER_H
#define WM_TRANSPORT_VHOST_USER_H

#include <stdint.h>

struct hub;
struct vu_server;

struct vu_counters {
	uint64_t connections;		/* accepted so far */
	uint64_t broken;		/* connections dropped for a protocol or ring fault */
	uint64_t rx_dropped;		/* messages for a guest that had no room for them */
	uint64_t refused;		/* connections closed at once: too many, or no descriptors */
};

/* Listen on path (a stale socket there is replaced). 0 or -errno, logged. */
int vu_server_open(struct hub *hub, const char *path, struct vu_server **out);
/* At most n VMs at once (0: 1024); more are closed as they come, counted as refused. */
void vu_server_set_max_conns(struct vu_server *srv, unsigned n);
void vu_server_close(struct vu_server *srv);
void vu_server_get_counters(const struct vu_server *srv, struct vu_counters *c);

/*
 * Serve one already-connected socket as a VM (tests and fuzzers use a
 * socketpair). The server keeps it until it disconnects or is closed.
 */
int vu_server_adopt(struct vu_server *srv, int fd, const char *name);

#endif
