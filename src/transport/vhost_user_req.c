/* SPDX-License-Identifier: MIT */
/*
 * The vhost-user requests we take: one handler each, and the table of the
 * payload size and file descriptors each must carry, checked before the
 * handler runs (see vhost_user.c for the connection that feeds them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"
#include "hub/hub.h"
#include "transport/vhost_user_int.h"
#include "transport/virtq.h"
#include "util/util.h"

#define VU_VERSION 0x1
#define VU_FLAG_REPLY 0x4
#define VU_FLAG_NEED_REPLY 0x8

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
		vu_queue_stop(conn, q);
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
			vu_mem_unmap(&mem);
			return -EPROTO;
		}
		/* mmap offsets must be page-aligned: map from 0 and skip to the region. */
		map = mmap(NULL, (size_t)(off + size), PROT_READ | PROT_WRITE, MAP_SHARED,
			   m->fds[i], 0);
		if (map == MAP_FAILED) {
			int err = errno;

			vu_mem_unmap(&mem);
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
	vu_mem_unmap(&conn->mem);
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
	vu_queue_stop(conn, q);
	if (q == Q_TX)
		vu_tx_stop(conn);
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
		vu_queue_stop(conn, q);
		conn->kick[q] = fd;
		if (fd < 0)
			return -EINVAL;	/* polling mode: not offered */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		conn->kick_watch[q].conn = conn;
		conn->kick_watch[q].q = q;
		if (loop_watch(conn->srv->hub->loop, &conn->kick_watch[q].w, fd, EPOLLIN, vu_kicked,
			       &conn->kick_watch[q]) < 0)
			return -EINVAL;
		if (!(conn->features & F_PROTOCOL_FEATURES))
			conn->vq[q].enabled = true;
		break;
	case VU_SET_VRING_CALL:
		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		vu_replace_fd(&conn->call[q], fd);
		break;
	default:
		vu_replace_fd(&conn->err[q], fd);
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
		vu_tx_process(conn);
	else if (on)
		vu_rx_flush(conn);
	return 0;
}

static int h_set_backend_req_fd(struct vu_conn *conn, struct vu_msg *m)
{
	vu_replace_fd(&conn->backend_req, take_fd(m, 0));
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
int vu_dispatch(struct vu_conn *conn, struct vu_msg *m)
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
