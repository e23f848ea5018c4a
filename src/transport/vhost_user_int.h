/* SPDX-License-Identifier: MIT */
/*
 * What vhost_user.c (connections, queues) and vhost_user_req.c (the
 * request table and its handlers) share. Not for use outside them.
 */
#ifndef WM_TRANSPORT_VHOST_USER_INT_H
#define WM_TRANSPORT_VHOST_USER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/log.h"
#include "util/loop.h"
#include "transport/vhost_user.h"
#include "transport/virtq.h"

#define VU_HDR 12
#define VU_MAX_PAYLOAD 4096	/* far above any request we take */
#define VU_MAX_FDS 8

#define NQUEUES 2
#define Q_TX 0			/* guest -> medium */
#define Q_RX 1			/* medium -> guest */
#define PENDING_MAX 512		/* messages held for a guest with no RX buffer posted */
#define TX_COPY_MAX 8192	/* a guest's TX buffer is its whole skb; the message is far shorter */

struct vu_msg {
	uint32_t req, flags, size;
	uint8_t *payload;
	int *fds;
	unsigned int nfds;
};

struct pending {
	uint32_t len;
	uint8_t *buf;
};

struct vu_conn;

struct vu_queue_watch {
	struct loop_watch w;
	struct vu_conn *conn;
	unsigned int q;
};

struct vu_conn {
	struct vu_conn *next;
	struct vu_server *srv;
	int fd;
	struct loop_watch watch;
	struct hub_client *client;
	char name[64];
	bool dead;

	uint64_t features, protocol;
	struct vu_mem mem;
	struct virtq vq[NQUEUES];
	int kick[NQUEUES], call[NQUEUES], err[NQUEUES];
	int backend_req;		/* the back-end request channel: kept, unused */
	uint8_t call_owed;		/* queues whose guest is owed a signal (vu_flush) */
	uint32_t tx_unsignalled;	/* TX chains given back since the last TX signal */
	uint32_t tx_inflight;		/* frames taken whose TX status has not gone back */
	uint64_t tx_statuses;		/* TX statuses sent, ever */
	bool tx_polled;			/* queue 0's kicks are off: vu_poll() looks each round */
	bool dirty;			/* on srv->dirty */
	struct vu_conn *dirty_next;
	struct vu_queue_watch kick_watch[NQUEUES];

	struct pending *pend;		/* ring of PENDING_MAX */
	unsigned int pend_head, pend_n;

	/* The message being read: bytes so far and the fds that came with them. */
	uint8_t in[VU_HDR + VU_MAX_PAYLOAD] __attribute__((aligned(8)));
	size_t have;
	int fds[VU_MAX_FDS];
	unsigned int nfds;

	uint8_t tx[TX_COPY_MAX] __attribute__((aligned(8)));
	struct log_limit lim;
};

struct vu_server {
	struct hub *hub;
	char *path;
	int fd;
	struct loop_watch watch;
	struct vu_conn *conns;
	struct vu_conn *dirty;		/* connections with guest signals owed this round */
	unsigned flush_id;		/* the hub's flush hook: vu_flush() */
	unsigned poll_id;		/* and its poll hook: vu_poll() */
	struct log_limit lim;		/* the listener's own warnings */
	unsigned nconns, max_conns;
	struct vu_counters c;
	unsigned int next_anon;
};

/* vhost_user.c */
void vu_rx_flush(struct vu_conn *conn);
void vu_tx_process(struct vu_conn *conn);
void vu_tx_returned(struct vu_conn *conn, uint32_t n);
void vu_tx_stop(struct vu_conn *conn);
void vu_kicked(struct loop_watch *w, uint32_t events);
void vu_queue_stop(struct vu_conn *conn, unsigned int q);
void vu_replace_fd(int *slot, int fd);
void vu_mem_unmap(struct vu_mem *mem);

/* vhost_user_req.c: one whole message: 0, or -errno for a fault that ends the connection. */
int vu_dispatch(struct vu_conn *conn, struct vu_msg *m);

#endif
