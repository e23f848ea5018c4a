/* SPDX-License-Identifier: MIT */
/*
 * vhost-user back-end for virtio device 29 (mac80211_hwsim). The protocol:
 * QEMU's docs/interop/vhost-user.rst; what the guest's driver expects:
 * spec/virtio-hwsim.md. One table lists every request we take with the
 * payload size and file descriptors it must carry; a request that does not
 * match is a protocol fault that drops that VM, never the daemon.
 */
#include "vhost_user.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/wm.h"
#include "proto/hwsim.h"
#include "transport/virtq.h"
#include "util/util.h"

#define VU_VERSION 0x1
#define VU_FLAG_REPLY 0x4
#define VU_FLAG_NEED_REPLY 0x8
#define VU_HDR 12
#define VU_MAX_PAYLOAD 4096	/* far above any request we take */
#define VU_MAX_FDS 8

#define F_VERSION_1 (1ULL << 32)
#define F_PROTOCOL_FEATURES (1ULL << 30)
#define PF_MQ (1ULL << 0)
#define PF_REPLY_ACK (1ULL << 3)
#define PF_BACKEND_REQ (1ULL << 5)
/* What we implement, and so offer: no indirect descriptors, no event index, no packed ring. */
#define OFFERED_FEATURES (F_VERSION_1 | F_PROTOCOL_FEATURES)
/*
 * The back-end request channel is offered but never used: UML (6.1)
 * allocates its device interrupt only when that channel is set up, and
 * without it asks for IRQ 0 and fails to probe.
 */
#define OFFERED_PROTOCOL (PF_MQ | PF_REPLY_ACK | PF_BACKEND_REQ)

#define VRING_IDX_MASK 0xff
#define VRING_NOFD (1ULL << 8)

#define NQUEUES 2
#define Q_TX 0			/* guest -> medium */
#define Q_RX 1			/* medium -> guest */
#define PENDING_MAX 512		/* messages held for a guest with no RX buffer posted */
#define TX_COPY_MAX 8192	/* a guest's TX buffer is its whole skb; the message is far shorter */

enum vu_req {
	VU_GET_FEATURES = 1,
	VU_SET_FEATURES = 2,
	VU_SET_OWNER = 3,
	VU_RESET_OWNER = 4,
	VU_SET_MEM_TABLE = 5,
	VU_SET_LOG_BASE = 6,
	VU_SET_LOG_FD = 7,
	VU_SET_VRING_NUM = 8,
	VU_SET_VRING_ADDR = 9,
	VU_SET_VRING_BASE = 10,
	VU_GET_VRING_BASE = 11,
	VU_SET_VRING_KICK = 12,
	VU_SET_VRING_CALL = 13,
	VU_SET_VRING_ERR = 14,
	VU_GET_PROTOCOL_FEATURES = 15,
	VU_SET_PROTOCOL_FEATURES = 16,
	VU_GET_QUEUE_NUM = 17,
	VU_SET_VRING_ENABLE = 18,
	VU_SET_BACKEND_REQ_FD = 21,
};

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
	struct wm_client *client;
	char name[64];
	bool dead;

	uint64_t features, protocol;
	struct vu_mem mem;
	struct virtq vq[NQUEUES];
	int kick[NQUEUES], call[NQUEUES], err[NQUEUES];
	int backend_req;		/* the back-end request channel: kept, unused */
	uint8_t call_owed;		/* queues whose guest is owed a signal (vu_flush) */
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
	struct wm *wm;
	char *path;
	int fd;
	struct loop_watch watch;
	struct vu_conn *conns;
	struct vu_conn *dirty;		/* connections with guest signals owed this round */
	struct vu_counters c;
	unsigned int next_anon;
};

static void conn_close(struct vu_conn *conn, const char *why);

/* ------------------------------------------------------------ queues */

/*
 * Owe the guest a signal for queue q. Signals are sent once per loop round
 * (vu_flush, from wm_sync): a round often puts a delivery and a status in
 * one guest's ring, and every signal wakes a VM.
 */
static void notify(struct vu_conn *conn, unsigned int q)
{
	conn->call_owed |= (uint8_t)(1u << q);
	if (!conn->dirty) {
		conn->dirty = true;
		conn->dirty_next = conn->srv->dirty;
		conn->srv->dirty = conn;
	}
}

static void vu_flush(void *opaque)
{
	struct vu_server *srv = opaque;
	struct vu_conn *conn;

	while ((conn = srv->dirty)) {
		srv->dirty = conn->dirty_next;
		conn->dirty = false;
		for (unsigned int q = 0; q < NQUEUES; q++) {
			uint64_t one = 1;

			if (!(conn->call_owed & (1u << q)) || conn->call[q] < 0 ||
			    !virtq_should_notify(&conn->vq[q]))
				continue;
			/* An eventfd takes 8 bytes; UML's call fd is a pipe, full means already signalled. */
			if (write(conn->call[q], &one, sizeof(one)) < 0 && errno != EAGAIN)
				log_ratelimited(&conn->lim, LOG_LEVEL_WARN,
						"%s: cannot signal queue %u: %s", conn->name, q,
						strerror(errno));
		}
		conn->call_owed = 0;
	}
}

static bool ring_fault(struct vu_conn *conn, unsigned int q)
{
	char why[160];

	if (!conn->vq[q].broken)
		return false;
	snprintf(why, sizeof(why), "queue %u: %s", q, conn->vq[q].broken);
	conn_close(conn, why);
	return true;
}

/* Put msg in the guest's next RX buffer: 1 done, 0 no buffer, -1 the ring broke. */
static int rx_put(struct vu_conn *conn, const void *msg, uint32_t len)
{
	struct virtq *vq = &conn->vq[Q_RX];
	struct virtq_elem elem;
	int ret = virtq_pop(vq, &conn->mem, &elem);

	if (ret <= 0)
		return ret < 0 ? -1 : 0;
	if (virtq_write(&elem, msg, len) < 0) {
		/* Smaller than any buffer hwsim posts: give it back empty, count the loss. */
		virtq_push(vq, &elem, 0);
		conn->srv->c.rx_dropped++;
		log_ratelimited(&conn->lim, LOG_LEVEL_WARN, "%s: RX buffer of %lu B too small for %u B",
				conn->name, (unsigned long)elem.in_len, len);
		return 1;
	}
	virtq_push(vq, &elem, len);
	return 1;
}

/* Move held messages into RX buffers the guest posted. */
static void rx_flush(struct vu_conn *conn)
{
	bool any = false;

	while (conn->pend_n) {
		struct pending *p = &conn->pend[conn->pend_head];
		int ret = rx_put(conn, p->buf, p->len);

		if (ret < 0) {
			ring_fault(conn, Q_RX);
			return;
		}
		if (!ret)
			break;
		any = true;
		free(p->buf);
		p->buf = NULL;
		conn->pend_head = (conn->pend_head + 1) % PENDING_MAX;
		conn->pend_n--;
	}
	if (any)
		notify(conn, Q_RX);
}

static int vu_send(struct wm_client *c, const void *msg, size_t len)
{
	struct vu_conn *conn = c->priv;
	struct pending *p;

	if (conn->dead)
		return -ENOTCONN;
	if (!conn->pend_n) {
		int ret = rx_put(conn, msg, (uint32_t)len);

		if (ret > 0) {
			notify(conn, Q_RX);
			return 0;
		}
		if (ret < 0) {
			/*
			 * Not closed here: the hub is inside the medium's
			 * dispatch with this client, maybe outside a loop round
			 * (before_wait), where a close would free it at once.
			 * Shutting the socket down wakes conn_readable(), which
			 * closes the connection in the next round.
			 */
			shutdown(conn->fd, SHUT_RDWR);
			return -EIO;
		}
	}
	if (conn->pend_n == PENDING_MAX) {
		conn->srv->c.rx_dropped++;
		return -ENOBUFS;
	}
	p = &conn->pend[(conn->pend_head + conn->pend_n) % PENDING_MAX];
	p->buf = xmalloc(len);
	memcpy(p->buf, msg, len);
	p->len = (uint32_t)len;
	conn->pend_n++;
	return 0;
}

static const struct wm_client_ops vu_client_ops = { .send = vu_send };

/* The guest transmitted: every chain on queue 0 is one hwsim message. */
static void tx_process(struct vu_conn *conn)
{
	struct virtq *vq = &conn->vq[Q_TX];
	struct virtq_elem elem;
	bool any = false;
	int ret;

	while (!conn->dead && (ret = virtq_pop(vq, &conn->mem, &elem)) > 0) {
		size_t len = virtq_read(&elem, conn->tx, sizeof(conn->tx));

		virtq_push(vq, &elem, 0);
		any = true;
		wm_client_input(conn->srv->wm, conn->client, conn->tx, len);
	}
	if (any && !conn->dead)
		notify(conn, Q_TX);
	if (!conn->dead)
		ring_fault(conn, Q_TX);
}

static void kicked(struct loop_watch *w, uint32_t events)
{
	struct vu_queue_watch *qw = w->opaque;
	struct vu_conn *conn = qw->conn;
	uint8_t drain[64];

	(void)events;
	/*
	 * An eventfd holds a counter, a pipe a byte per kick: drain either, but
	 * boundedly: the fd is the guest's choice, and some (/dev/random) never
	 * run dry. What is left wakes us again next round.
	 */
	for (int i = 0; i < 16 && read(w->fd, drain, sizeof(drain)) == (ssize_t)sizeof(drain); i++)
		;
	if (conn->dead)
		return;
	if (qw->q == Q_TX)
		tx_process(conn);
	else
		rx_flush(conn);
	wm_sync(conn->srv->wm);
}

static void queue_stop(struct vu_conn *conn, unsigned int q)
{
	loop_unwatch(conn->srv->wm->loop, &conn->kick_watch[q].w);
	if (conn->kick[q] >= 0)
		close(conn->kick[q]);
	conn->kick[q] = -1;
}

static void replace_fd(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

static void mem_unmap(struct vu_mem *mem)
{
	for (unsigned int i = 0; i < mem->n; i++)
		if (mem->r[i].map)
			munmap(mem->r[i].map, mem->r[i].map_len);
	memset(mem, 0, sizeof(*mem));
}

/* ---------------------------------------------------------- requests */

static int reply(struct vu_conn *conn, const struct vu_msg *m, const void *payload, uint32_t size)
{
	uint8_t buf[VU_HDR + 64];
	uint32_t hdr[3] = { m->req, VU_VERSION | VU_FLAG_REPLY, size };
	ssize_t n;

	memcpy(buf, hdr, VU_HDR);
	memcpy(buf + VU_HDR, payload, size);
	n = send(conn->fd, buf, VU_HDR + size, MSG_NOSIGNAL);
	return n == (ssize_t)(VU_HDR + size) ? 0 : -EIO;
}

static int reply_u64(struct vu_conn *conn, const struct vu_msg *m, uint64_t v)
{
	return reply(conn, m, &v, sizeof(v));
}

static uint64_t p64(const struct vu_msg *m)
{
	uint64_t v;

	memcpy(&v, m->payload, sizeof(v));
	return v;
}

static uint32_t p32(const struct vu_msg *m, size_t off)
{
	uint32_t v;

	memcpy(&v, m->payload + off, sizeof(v));
	return v;
}

/* Take fd i of the message: the caller owns it now. */
static int take_fd(struct vu_msg *m, unsigned int i)
{
	int fd = m->fds[i];

	m->fds[i] = -1;
	return fd;
}

static int h_get_features(struct vu_conn *conn, struct vu_msg *m)
{
	return reply_u64(conn, m, OFFERED_FEATURES);
}

static int h_set_features(struct vu_conn *conn, struct vu_msg *m)
{
	uint64_t f = p64(m);

	if (f & ~OFFERED_FEATURES)
		return -EINVAL;
	conn->features = f;
	/* Without protocol features rings start enabled; with them, at SET_VRING_ENABLE. */
	if (!(f & F_PROTOCOL_FEATURES))
		for (unsigned int q = 0; q < NQUEUES; q++)
			conn->vq[q].enabled = true;
	return 0;
}

static int h_nop(struct vu_conn *conn, struct vu_msg *m)
{
	(void)conn;
	(void)m;
	return 0;
}

static int h_reset_owner(struct vu_conn *conn, struct vu_msg *m)
{
	(void)m;
	for (unsigned int q = 0; q < NQUEUES; q++) {
		queue_stop(conn, q);
		virtq_init(&conn->vq[q]);
	}
	conn->features = conn->protocol = 0;
	return 0;
}

static int h_set_mem_table(struct vu_conn *conn, struct vu_msg *m)
{
	uint32_t n = p32(m, 0);
	struct vu_mem mem = { 0 };

	/*
	 * UML sends room for two regions whatever it uses: the count decides.
	 * A table that does not match its fds, or regions that cannot be, are
	 * protocol faults like a size the request table refuses.
	 */
	if (n == 0 || n > VU_MAX_REGIONS || m->size < 8 + 32 * n ||
	    m->size > 8 + 32 * VU_MAX_REGIONS || m->nfds != n)
		return -EPROTO;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *r = m->payload + 8 + 32 * i;
		uint64_t gpa, size, uaddr, off;
		struct vu_region *reg = &mem.r[i];
		struct stat st;
		void *map;

		memcpy(&gpa, r, 8);
		memcpy(&size, r + 8, 8);
		memcpy(&uaddr, r + 16, 8);
		memcpy(&off, r + 24, 8);
		/*
		 * A mapping past the end of its file maps fine and raises SIGBUS
		 * when touched. (A file shrunk after this check still can: guest
		 * memory is trusted not to shrink, as every back-end does.)
		 */
		if (!size || gpa + size < gpa || uaddr + size < uaddr || off + size < off ||
		    fstat(m->fds[i], &st) < 0 ||
		    (S_ISREG(st.st_mode) && (uint64_t)st.st_size < off + size)) {
			mem_unmap(&mem);
			return -EPROTO;
		}
		/* mmap offsets must be page-aligned: map from 0 and skip to the region. */
		map = mmap(NULL, (size_t)(off + size), PROT_READ | PROT_WRITE, MAP_SHARED,
			   m->fds[i], 0);
		if (map == MAP_FAILED) {
			int err = errno;

			mem_unmap(&mem);
			log_warn("%s: cannot map guest memory region %u (%lu bytes): %s", conn->name,
				 i, (unsigned long)size, strerror(err));
			return -err;
		}
		reg->gpa = gpa;
		reg->size = size;
		reg->uaddr = uaddr;
		reg->map = map;
		reg->map_len = (size_t)(off + size);
		reg->host = (uint8_t *)map + off;
		mem.n = i + 1;
	}
	/* The fds are no longer needed once mapped. */
	mem_unmap(&conn->mem);
	conn->mem = mem;
	for (unsigned int q = 0; q < NQUEUES; q++)
		if (virtq_map(&conn->vq[q], &conn->mem) < 0)
			return -EFAULT;
	return 0;
}

static int vring_index(const struct vu_msg *m, unsigned int *q)
{
	uint32_t idx = p32(m, 0) & VRING_IDX_MASK;

	if (idx >= NQUEUES)
		return -EINVAL;
	*q = idx;
	return 0;
}

static int h_set_vring_num(struct vu_conn *conn, struct vu_msg *m)
{
	unsigned int q;
	uint32_t num = p32(m, 4);

	if (vring_index(m, &q) < 0 || num == 0 || num > VIRTQ_MAX_SIZE)
		return -EINVAL;
	conn->vq[q].num = num;
	/* The rings were checked for the old size: unusable until SET_VRING_ADDR maps them again. */
	conn->vq[q].desc = conn->vq[q].avail = conn->vq[q].used = NULL;
	return 0;
}

static int h_set_vring_addr(struct vu_conn *conn, struct vu_msg *m)
{
	struct virtq *vq;
	unsigned int q;

	if (vring_index(m, &q) < 0)
		return -EINVAL;
	vq = &conn->vq[q];
	memcpy(&vq->desc_ua, m->payload + 8, 8);
	memcpy(&vq->used_ua, m->payload + 16, 8);
	memcpy(&vq->avail_ua, m->payload + 24, 8);
	if (!vq->num)
		return -EINVAL;
	if (virtq_map(vq, &conn->mem) < 0)
		return -EFAULT;
	/* Continue where the used ring stands (the front-end may have restarted us). */
	if (vq->used)
		vq->used_idx = (uint16_t)(vq->used[2] | vq->used[3] << 8);
	return 0;
}

static int h_set_vring_base(struct vu_conn *conn, struct vu_msg *m)
{
	unsigned int q;

	if (vring_index(m, &q) < 0)
		return -EINVAL;
	conn->vq[q].last_avail = (uint16_t)p32(m, 4);
	conn->vq[q].used_idx = (uint16_t)p32(m, 4);
	return 0;
}

static int h_get_vring_base(struct vu_conn *conn, struct vu_msg *m)
{
	uint32_t state[2];
	unsigned int q;

	if (vring_index(m, &q) < 0)
		return -EINVAL;
	/* The ring stops here; held messages wait for it to start again. */
	queue_stop(conn, q);
	conn->vq[q].enabled = false;
	state[0] = q;
	state[1] = conn->vq[q].last_avail;
	return reply(conn, m, state, sizeof(state));
}

static int h_set_vring_fd(struct vu_conn *conn, struct vu_msg *m)
{
	uint64_t v = p64(m);
	unsigned int q = v & VRING_IDX_MASK;
	bool nofd = v & VRING_NOFD;
	int fd;

	if (q >= NQUEUES || (v & ~(uint64_t)(VRING_IDX_MASK | VRING_NOFD)) || m->nfds != !nofd)
		return -EINVAL;
	fd = nofd ? -1 : take_fd(m, 0);
	switch (m->req) {
	case VU_SET_VRING_KICK:
		queue_stop(conn, q);
		conn->kick[q] = fd;
		if (fd < 0)
			return -EINVAL;	/* polling mode: not offered */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		conn->kick_watch[q].conn = conn;
		conn->kick_watch[q].q = q;
		if (loop_watch(conn->srv->wm->loop, &conn->kick_watch[q].w, fd, EPOLLIN, kicked,
			       &conn->kick_watch[q]) < 0)
			return -EINVAL;
		if (!(conn->features & F_PROTOCOL_FEATURES))
			conn->vq[q].enabled = true;
		break;
	case VU_SET_VRING_CALL:
		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		replace_fd(&conn->call[q], fd);
		break;
	default:
		replace_fd(&conn->err[q], fd);
		break;
	}
	return 0;
}

static int h_get_protocol_features(struct vu_conn *conn, struct vu_msg *m)
{
	return reply_u64(conn, m, OFFERED_PROTOCOL);
}

static int h_set_protocol_features(struct vu_conn *conn, struct vu_msg *m)
{
	uint64_t f = p64(m);

	if (f & ~OFFERED_PROTOCOL)
		return -EINVAL;
	conn->protocol = f;
	return 0;
}

static int h_get_queue_num(struct vu_conn *conn, struct vu_msg *m)
{
	return reply_u64(conn, m, NQUEUES);
}

static int h_set_vring_enable(struct vu_conn *conn, struct vu_msg *m)
{
	unsigned int q;
	uint32_t on = p32(m, 4);

	if (vring_index(m, &q) < 0 || on > 1)
		return -EINVAL;
	conn->vq[q].enabled = on;
	if (on && q == Q_TX)
		tx_process(conn);
	else if (on)
		rx_flush(conn);
	return 0;
}

static int h_set_backend_req_fd(struct vu_conn *conn, struct vu_msg *m)
{
	replace_fd(&conn->backend_req, take_fd(m, 0));
	return 0;
}

struct vu_handler {
	const char *name;
	uint32_t size;		/* exact payload size; UINT32_MAX: checked by the handler */
	uint8_t nfds;		/* exact fd count; UINT8_MAX: checked by the handler */
	bool replies;		/* sends its own reply */
	int (*fn)(struct vu_conn *conn, struct vu_msg *m);
};

static const struct vu_handler handlers[] = {
	[VU_GET_FEATURES] = { "GET_FEATURES", 0, 0, true, h_get_features },
	[VU_SET_FEATURES] = { "SET_FEATURES", 8, 0, false, h_set_features },
	[VU_SET_OWNER] = { "SET_OWNER", 0, 0, false, h_nop },
	[VU_RESET_OWNER] = { "RESET_OWNER", 0, 0, false, h_reset_owner },
	[VU_SET_MEM_TABLE] = { "SET_MEM_TABLE", UINT32_MAX, UINT8_MAX, false, h_set_mem_table },
	[VU_SET_VRING_NUM] = { "SET_VRING_NUM", 8, 0, false, h_set_vring_num },
	[VU_SET_VRING_ADDR] = { "SET_VRING_ADDR", 40, 0, false, h_set_vring_addr },
	[VU_SET_VRING_BASE] = { "SET_VRING_BASE", 8, 0, false, h_set_vring_base },
	[VU_GET_VRING_BASE] = { "GET_VRING_BASE", 8, 0, true, h_get_vring_base },
	[VU_SET_VRING_KICK] = { "SET_VRING_KICK", 8, UINT8_MAX, false, h_set_vring_fd },
	[VU_SET_VRING_CALL] = { "SET_VRING_CALL", 8, UINT8_MAX, false, h_set_vring_fd },
	[VU_SET_VRING_ERR] = { "SET_VRING_ERR", 8, UINT8_MAX, false, h_set_vring_fd },
	[VU_GET_PROTOCOL_FEATURES] = { "GET_PROTOCOL_FEATURES", 0, 0, true,
				       h_get_protocol_features },
	[VU_SET_PROTOCOL_FEATURES] = { "SET_PROTOCOL_FEATURES", 8, 0, false,
				       h_set_protocol_features },
	[VU_GET_QUEUE_NUM] = { "GET_QUEUE_NUM", 0, 0, true, h_get_queue_num },
	[VU_SET_VRING_ENABLE] = { "SET_VRING_ENABLE", 8, 0, false, h_set_vring_enable },
	[VU_SET_BACKEND_REQ_FD] = { "SET_BACKEND_REQ_FD", 0, 1, false, h_set_backend_req_fd },
};

/* One whole message: 0, or -errno for a fault that ends the connection. */
static int dispatch(struct vu_conn *conn, struct vu_msg *m)
{
	const struct vu_handler *h = m->req < ARRAY_SIZE(handlers) ? &handlers[m->req] : NULL;
	int ret;

	if ((m->flags & 0x3) != VU_VERSION) {
		log_warn("%s: vhost-user version %u, not 1", conn->name, m->flags & 0x3);
		return -EPROTO;
	}
	if (!h || !h->fn) {
		/* Unknown or unoffered (logging, config, ...): refuse if asked, else ignore. */
		log_ratelimited(&conn->lim, LOG_LEVEL_INFO, "%s: ignoring vhost-user request %u",
				conn->name, m->req);
		ret = -EOPNOTSUPP;
	} else if ((h->size != UINT32_MAX && m->size != h->size) ||
		   (h->nfds != UINT8_MAX && m->nfds != h->nfds)) {
		log_warn("%s: %s with %u bytes and %u fds", conn->name, h->name, m->size, m->nfds);
		return -EPROTO;
	} else {
		ret = h->fn(conn, m);
		if (conn->dead)
			return 0;
		/*
		 * Ring faults and malformed requests end the connection, and so
		 * does a GET that cannot answer: the front-end would wait forever.
		 */
		if (ret == -EFAULT || ret == -EPROTO || (h->replies && ret < 0))
			return ret;
		if (ret < 0)
			log_ratelimited(&conn->lim, LOG_LEVEL_WARN, "%s: %s refused: %s", conn->name,
					h->name, strerror(-ret));
		if (h->replies)
			return 0;
	}
	if ((m->flags & VU_FLAG_NEED_REPLY) && (conn->protocol & PF_REPLY_ACK))
		return reply_u64(conn, m, ret < 0 ? 1 : 0);
	return 0;
}

/* ------------------------------------------------------- connections */

static void close_fds(int *fds, unsigned int *n)
{
	for (unsigned int i = 0; i < *n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	*n = 0;
}

static void conn_readable(struct loop_watch *w, uint32_t events)
{
	struct vu_conn *conn = w->opaque;

	(void)events;
	if (ring_fault(conn, Q_RX))	/* found by vu_send() */
		return;
	for (int rounds = 0; rounds < 64 && !conn->dead; rounds++) {
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(int) * VU_MAX_FDS)];
		} cbuf;
		uint32_t size = 0;
		struct iovec iov = { conn->in + conn->have, 0 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
				     .msg_controllen = sizeof(cbuf.buf) };
		ssize_t n;

		/*
		 * Never read past the message being assembled: a stream socket
		 * hands over the fds of a later message with its first byte, and
		 * a front-end that does not wait for replies (QEMU) has several
		 * queued. Read the header, then exactly its payload.
		 */
		if (conn->have >= VU_HDR)
			memcpy(&size, conn->in + 8, sizeof(size));
		iov.iov_len = conn->have < VU_HDR ? VU_HDR - conn->have
						  : VU_HDR + size - conn->have;
		n = recvmsg(conn->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n < 0) {
			/* The control buffer is not filled on failure: it holds stale bytes. */
			conn_close(conn, strerror(errno));
			return;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			unsigned int k;

			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			k = (unsigned int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			for (unsigned int i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (conn->nfds < VU_MAX_FDS)
					conn->fds[conn->nfds++] = fd;
				else
					close(fd);
			}
		}
		if (mh.msg_flags & MSG_CTRUNC) {
			conn_close(conn, "too many file descriptors in one message");
			return;
		}
		if (n == 0) {
			conn_close(conn, "the VM closed the connection");
			return;
		}
		conn->have += (size_t)n;
		while (!conn->dead && conn->have >= VU_HDR) {
			uint32_t hdr[3];
			struct vu_msg m;
			int ret;

			memcpy(hdr, conn->in, VU_HDR);
			if (hdr[2] > VU_MAX_PAYLOAD) {
				conn_close(conn, "vhost-user message larger than any request");
				return;
			}
			if (conn->have < VU_HDR + hdr[2])
				break;
			m = (struct vu_msg){ hdr[0], hdr[1], hdr[2], conn->in + VU_HDR, conn->fds,
					     conn->nfds };
			ret = dispatch(conn, &m);
			close_fds(conn->fds, &conn->nfds);
			if (ret < 0 && !conn->dead) {
				char why[96];

				snprintf(why, sizeof(why), "protocol fault in request %u: %s", m.req,
					 strerror(-ret));
				conn_close(conn, why);
				return;
			}
			memmove(conn->in, conn->in + VU_HDR + hdr[2], conn->have - VU_HDR - hdr[2]);
			conn->have -= VU_HDR + hdr[2];
		}
	}
	if (!conn->dead)
		wm_sync(conn->srv->wm);
}

/*
 * After the loop round: the hub's client may still be in use further up the
 * stack when a fault closes the connection (a send to this VM failing inside
 * the medium's decisions on its own frame).
 */
static void conn_free(void *p)
{
	struct vu_conn *conn = p;

	if (conn->client)
		wm_client_free(conn->srv->wm, conn->client);
	for (unsigned int i = 0; i < conn->pend_n; i++)
		free(conn->pend[(conn->pend_head + i) % PENDING_MAX].buf);
	free(conn->pend);
	free(conn);
}

static void conn_close(struct vu_conn *conn, const char *why)
{
	struct vu_server *srv = conn->srv;
	struct vu_conn **pp;

	if (conn->dead)
		return;
	conn->dead = true;
	if (conn->dirty) {
		for (pp = &srv->dirty; *pp; pp = &(*pp)->dirty_next)
			if (*pp == conn) {
				*pp = conn->dirty_next;
				break;
			}
		conn->dirty = false;
	}
	if (strcmp(why, "the VM closed the connection")) {
		srv->c.broken++;
		log_warn("%s: disconnecting: %s", conn->name, why);
	} else {
		log_notice("%s: %s", conn->name, why);
	}
	for (pp = &srv->conns; *pp; pp = &(*pp)->next)
		if (*pp == conn) {
			*pp = conn->next;
			break;
		}
	loop_unwatch(srv->wm->loop, &conn->watch);
	for (unsigned int q = 0; q < NQUEUES; q++) {
		queue_stop(conn, q);
		replace_fd(&conn->call[q], -1);
		replace_fd(&conn->err[q], -1);
	}
	replace_fd(&conn->backend_req, -1);
	close_fds(conn->fds, &conn->nfds);
	close(conn->fd);
	mem_unmap(&conn->mem);
	loop_defer_free(srv->wm->loop, conn_free, conn);
}

/* Two VMs may not share a name: configs place radios by it. */
static void unique_name(struct vu_server *srv, const char *want, char out[64])
{
	snprintf(out, 64, "%s", want);
	for (unsigned int k = 2;; k++) {
		bool taken = false;

		for (struct vu_conn *c = srv->conns; c; c = c->next)
			taken |= !strcmp(c->name, out);
		if (!taken)
			return;
		snprintf(out, 64, "%.56s-%u", want, k);
	}
}

int vu_server_adopt(struct vu_server *srv, int fd, const char *name)
{
	struct vu_conn *conn = xcalloc(1, sizeof(*conn));
	int ret;

	conn->srv = srv;
	conn->fd = fd;
	for (unsigned int q = 0; q < NQUEUES; q++) {
		virtq_init(&conn->vq[q]);
		conn->kick[q] = conn->call[q] = conn->err[q] = -1;
		conn->kick_watch[q].w.fd = -1;
	}
	conn->backend_req = -1;
	conn->pend = xcalloc(PENDING_MAX, sizeof(*conn->pend));
	unique_name(srv, name, conn->name);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	ret = loop_watch(srv->wm->loop, &conn->watch, fd, EPOLLIN, conn_readable, conn);
	if (ret < 0) {
		close(fd);
		conn_free(conn);
		return ret;
	}
	conn->client = wm_client_new(srv->wm, conn->name, 0, &vu_client_ops, conn);
	conn->next = srv->conns;
	srv->conns = conn;
	srv->c.connections++;
	return 0;
}

/*
 * A name for the VM on the other end: UML's umid=, QEMU's -name, else its
 * pid. Configs place radios by it.
 */
static void peer_name(int fd, unsigned int anon, char out[64])
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char path[64], args[4096], name[64] = "";
	ssize_t n = 0;
	int f;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.pid <= 0) {
		snprintf(out, 64, "vm%u", anon);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)cred.pid);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f >= 0) {
		n = read(f, args, sizeof(args) - 1);
		close(f);
	}
	for (ssize_t i = 0; i < n;) {
		const char *a = args + i;
		size_t l = strnlen(a, (size_t)(n - i));
		const char *next = i + (ssize_t)l + 1 < n ? a + l + 1 : NULL;

		if (!strncmp(a, "umid=", 5))
			snprintf(name, sizeof(name), "%s", a + 5);
		else if (!strcmp(a, "-name") && next)
			snprintf(name, sizeof(name), "%s",
				 !strncmp(next, "guest=", 6) ? next + 6 : next);
		i += (ssize_t)l + 1;
	}
	name[strcspn(name, ",")] = 0;
	for (char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
			*c = '_';
	if (name[0])
		snprintf(out, 64, "%s", name);
	else
		snprintf(out, 64, "vm-%d", (int)cred.pid);
}

static void accept_ready(struct loop_watch *w, uint32_t events)
{
	struct vu_server *srv = w->opaque;

	(void)events;
	for (;;) {
		int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		char name[64];

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("vhost-user: accept: %s", strerror(errno));
			return;
		}
		peer_name(fd, ++srv->next_anon, name);
		if (vu_server_adopt(srv, fd, name) < 0)
			log_warn("vhost-user: cannot serve a new VM");
	}
}

int vu_server_open(struct wm *wm, const char *path, struct vu_server **out)
{
	struct vu_server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int ret;

	srv->wm = wm;
	srv->fd = -1;
	srv->watch.fd = -1;
	if (!path) {
		wm_add_flush(wm, vu_flush, srv);
		*out = srv;
		return 0;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_error("vhost-user: socket path too long: %s", path);
		free(srv);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	/* A socket left by an earlier run is replaced; anything else is not ours to remove. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_error("vhost-user: %s exists and is not a socket", path);
			free(srv);
			return -EEXIST;
		}
		unlink(path);
	}
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0 || bind(srv->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(srv->fd, 64) < 0) {
		ret = -errno;
		log_error("vhost-user: cannot listen on %s: %s", path, strerror(-ret));
		goto fail;
	}
	ret = loop_watch(wm->loop, &srv->watch, srv->fd, EPOLLIN, accept_ready, srv);
	if (ret < 0)
		goto fail;
	srv->path = xstrdup(path);
	log_notice("vhost-user: listening on %s for virtio device 29 (mac80211_hwsim)", path);
	wm_add_flush(wm, vu_flush, srv);
	*out = srv;
	return 0;
fail:
	if (srv->fd >= 0)
		close(srv->fd);
	free(srv);
	return ret;
}

void vu_server_close(struct vu_server *srv)
{
	if (!srv)
		return;
	while (srv->conns)
		conn_close(srv->conns, "the medium is stopping");
	wm_del_flush(srv->wm, vu_flush, srv);
	if (srv->fd >= 0) {
		loop_unwatch(srv->wm->loop, &srv->watch);
		close(srv->fd);
		unlink(srv->path);
	}
	free(srv->path);
	free(srv);
}

void vu_server_get_counters(const struct vu_server *srv, struct vu_counters *c)
{
	*c = srv->c;
}
