/* SPDX-License-Identifier: MIT */
/*
 * vhost-user back-end for virtio device 29 (mac80211_hwsim). The protocol:
 * QEMU's docs/interop/vhost-user.rst; what the guest's driver expects:
 * spec/virtio-hwsim.md. One table (vhost_user_req.c) lists every request we
 * take with the payload size and file descriptors it must carry; a request
 * that does not match is a protocol fault that drops that VM, never the
 * daemon.
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

#include "util/log.h"
#include "hub/hub.h"
#include "proto/hwsim.h"
#include "transport/vhost_user_int.h"
#include "transport/guestmem.h"
#include "transport/virtq.h"
#include "util/util.h"

static void conn_close(struct vu_conn *conn, const char *why);
static void mem_gone(struct vu_conn *conn);
static int queue_kicks(struct vu_conn *conn, unsigned int q, bool want);

/* ------------------------------------------------------------ queues */

/*
 * Owe the guest a signal for queue q. Signals are sent once per loop round
 * (vu_flush, from hub_sync): a round often puts a delivery and a status in
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

/* Whether the guest wants a signal for queue q (it reads its ring's flags): 1, 0, or -1 memory gone. */
static int notify_wanted(struct vu_conn *conn, unsigned int q)
{
	struct guestmem_guard g;
	bool wants;

	if (!GUESTMEM_GUARD(&g, &conn->mem)) {
		mem_gone(conn);
		return -1;
	}
	wants = virtq_should_notify(&conn->vq[q]);
	guestmem_unguard(&g);
	return wants;
}

/*
 * A guest's kick on queue 0 wakes us for its next frame. While a frame of
 * its own is on the medium (its TX status not yet back) and the medium
 * wakes us within VU_POLL_US anyway, the kick is not needed: the guest's
 * radio cannot send before that frame's exchange ends, and each round
 * looks at the ring first (vu_poll, before the medium runs), so what it
 * queued meanwhile is taken before the medium goes on, as if it had
 * kicked. The kick is asked for again before we may sleep longer; a
 * second radio of the same guest may so wait up to VU_POLL_US for its
 * frame to be seen (docs/vms.md, "Kicks and interrupts").
 */
#define VU_POLL_US 1000

static void tx_poll(struct vu_server *srv)
{
	uint64_t due = hub_next_due(srv->hub), now = loop_time_us(srv->hub->loop);
	bool soon = due != UINT64_MAX && due <= now + VU_POLL_US;
	struct vu_conn *conn, *next;

	for (conn = srv->conns; conn; conn = next) {
		bool poll = soon && conn->tx_inflight && virtq_ready(&conn->vq[Q_TX]);

		next = conn->next;
		if (poll == conn->tx_polled || conn->dead)
			continue;
		conn->tx_polled = poll;
		if (queue_kicks(conn, Q_TX, !poll) < 0) {
			shutdown(conn->fd, SHUT_RDWR);	/* closed when the socket wakes it */
			continue;
		}
		/* Kicks on again: what it queued before it saw that would go unseen. */
		if (!poll)
			vu_tx_process(conn);
	}
}

/* A round's start (hub_sync, before the medium runs): take what polled guests queued. */
static void vu_poll(void *opaque)
{
	struct vu_server *srv = opaque;
	struct vu_conn *conn, *next;

	for (conn = srv->conns; conn; conn = next) {
		next = conn->next;
		if (conn->tx_polled && !conn->dead)
			vu_tx_process(conn);
	}
}

/*
 * queue 0 stops (GET_VRING_BASE): every chain back is signalled, and the
 * ring is left asking for kicks, so that it works when it starts again.
 */
void vu_tx_stop(struct vu_conn *conn)
{
	vu_tx_returned(conn, 0);
	if (conn->tx_polled && virtq_ready(&conn->vq[Q_TX]))
		queue_kicks(conn, Q_TX, true);
	conn->tx_polled = false;
}

/*
 * The round's end: decide for each guest whether it should kick queue 0
 * (tx_poll), then signal every guest owed a signal.
 */
static void vu_flush(void *opaque)
{
	struct vu_server *srv = opaque;
	struct vu_conn *conn;

	tx_poll(srv);
	while ((conn = srv->dirty)) {
		srv->dirty = conn->dirty_next;
		conn->dirty = false;
		for (unsigned int q = 0; q < NQUEUES; q++) {
			uint64_t one = 1;
			int wants;

			if (!(conn->call_owed & (1u << q)) || conn->call[q] < 0 || conn->vq[q].broken)
				continue;
			wants = notify_wanted(conn, q);
			if (wants < 0) {
				shutdown(conn->fd, SHUT_RDWR);	/* closed when the socket wakes it */
				break;
			}
			if (!wants)
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

/*
 * The VMM shrank the file behind the guest's memory (a guarded access
 * raised SIGBUS): nothing of it may be touched again. Every queue is
 * broken, so no ring is read, and the connection ends at the next chance.
 */
static void mem_gone(struct vu_conn *conn)
{
	for (unsigned int q = 0; q < NQUEUES; q++)
		conn->vq[q].broken = "the guest's memory went away under us (SIGBUS)";
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
	struct guestmem_guard g;
	struct virtq_elem elem;
	bool small = false;
	int ret;

	if (!virtq_ready(vq))
		return vq->broken ? -1 : 0;
	if (!GUESTMEM_GUARD(&g, &conn->mem)) {
		mem_gone(conn);
		return -1;
	}
	ret = virtq_pop(vq, &conn->mem, &elem);
	if (ret > 0) {
		/* A buffer smaller than any hwsim posts goes back empty. */
		small = virtq_write(&elem, msg, len) < 0;
		virtq_push(vq, &elem, small ? 0 : len);
	}
	guestmem_unguard(&g);
	if (ret <= 0)
		return ret < 0 ? -1 : 0;
	if (small) {
		conn->srv->c.rx_dropped++;
		log_ratelimited(&conn->lim, LOG_LEVEL_WARN, "%s: RX buffer of %lu B too small for %u B",
				conn->name, (unsigned long)elem.in_len, len);
	}
	return 1;
}

/*
 * Whether the guest should kick queue q when it posts buffers (a VMM
 * honours VRING_USED_F_NO_NOTIFY without EVENT_IDX, which we do not
 * offer). 0, or -1 the memory went away.
 */
static int queue_kicks(struct vu_conn *conn, unsigned int q, bool want)
{
	struct guestmem_guard g;

	if (!GUESTMEM_GUARD(&g, &conn->mem)) {
		mem_gone(conn);
		return -1;
	}
	virtq_want_kicks(&conn->vq[q], want);
	guestmem_unguard(&g);
	return 0;
}

/*
 * hwsim posts an RX buffer back for every message it takes, so with kicks
 * on, every delivery would cost the VM a kick and us a wake-up: we ask for
 * them only while a message waits for a buffer.
 */
static int rx_kicks(struct vu_conn *conn, bool want)
{
	return queue_kicks(conn, Q_RX, want);
}

/*
 * Move held messages into RX buffers the guest posted; with none left
 * waiting, no more kicks are wanted. 0, or -1 the ring or the memory broke
 * (the caller decides how the connection ends).
 */
static int rx_drain(struct vu_conn *conn)
{
	bool any = false;

	while (conn->pend_n) {
		struct pending *p = &conn->pend[conn->pend_head];
		int ret = rx_put(conn, p->buf, p->len);

		if (ret < 0)
			return -1;
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
	return conn->pend_n ? 0 : rx_kicks(conn, false);
}

void vu_rx_flush(struct vu_conn *conn)
{
	if (rx_drain(conn) < 0)
		ring_fault(conn, Q_RX);
}

static int vu_send(struct hub_client *c, const void *msg, size_t len)
{
	struct vu_conn *conn = c->priv;
	struct pending *p;

	if (conn->dead)
		return -ENOTCONN;
	if (hwsim_peek_cmd(msg, len) == HWSIM_CMD_TX_INFO_FRAME) {
		conn->tx_statuses++;
		if (conn->tx_inflight)
			conn->tx_inflight--;
	}
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
	if (conn->pend_n++)
		return 0;
	/*
	 * The first message to wait: ask for kicks again, then look once
	 * more, for a buffer posted while the guest still saw them off. A
	 * broken ring ends the connection as above, from conn_readable().
	 */
	if (rx_kicks(conn, true) < 0 || rx_drain(conn) < 0) {
		shutdown(conn->fd, SHUT_RDWR);
		return -EIO;
	}
	return 0;
}

static const struct hub_client_ops vu_client_ops = { .send = vu_send };

/*
 * The next chain on the TX queue, copied to conn->tx and given back: 1 with
 * *len, 0 none, -1 the ring or the memory broke. Guarded only while it
 * touches guest memory: the hub is no place to jump out of.
 */
static int tx_take(struct vu_conn *conn, size_t *len)
{
	struct virtq *vq = &conn->vq[Q_TX];
	struct guestmem_guard g;
	struct virtq_elem elem;
	int ret;

	if (!GUESTMEM_GUARD(&g, &conn->mem)) {
		mem_gone(conn);
		return -1;
	}
	ret = virtq_pop(vq, &conn->mem, &elem);
	if (ret > 0) {
		*len = virtq_read(&elem, conn->tx, sizeof(conn->tx));
		virtq_push(vq, &elem, 0);
	}
	guestmem_unguard(&g);
	return ret < 0 ? -1 : ret;
}

/*
 * n chains of queue 0 were given back. The guest learns of it only to free
 * the skbs behind them (a frame's fate comes as a TX status on queue 1),
 * so it is told once a quarter of the ring waits, not per frame: a signal
 * per frame wakes the VM and costs us a write for nothing. n = 0: tell it
 * of all that waits now (the ring stops).
 */
void vu_tx_returned(struct vu_conn *conn, uint32_t n)
{
	uint32_t batch = conn->vq[Q_TX].num / 4;

	conn->tx_unsignalled += n;
	if (!conn->tx_unsignalled || (n && conn->tx_unsignalled < (batch ? batch : 1)))
		return;
	conn->tx_unsignalled = 0;
	notify(conn, Q_TX);
}

/* The guest transmitted: every chain on queue 0 is one hwsim message. */
void vu_tx_process(struct vu_conn *conn)
{
	struct virtq *vq = &conn->vq[Q_TX];
	uint32_t n = 0;

	while (!conn->dead && virtq_ready(vq)) {
		uint64_t statuses;
		size_t len = 0;
		bool frame;

		if (tx_take(conn, &len) <= 0)
			break;
		n++;
		/* A frame is in flight until its TX status; one refused with none never was. */
		frame = hwsim_peek_cmd(conn->tx, len) == HWSIM_CMD_FRAME;
		statuses = conn->tx_statuses;
		conn->tx_inflight += frame;
		if (hub_client_input(conn->srv->hub, conn->client, conn->tx, len) < 0 && frame &&
		    conn->tx_statuses == statuses && conn->tx_inflight)
			conn->tx_inflight--;
	}
	if (n && !conn->dead)
		vu_tx_returned(conn, n);
	if (!conn->dead)
		ring_fault(conn, Q_TX);
}

void vu_kicked(struct loop_watch *w, uint32_t events)
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
		vu_tx_process(conn);
	else
		vu_rx_flush(conn);
	/* The hub syncs once, when the round ends (the loop's before_wait). */
}

void vu_queue_stop(struct vu_conn *conn, unsigned int q)
{
	loop_unwatch(conn->srv->hub->loop, &conn->kick_watch[q].w);
	if (conn->kick[q] >= 0)
		close(conn->kick[q]);
	conn->kick[q] = -1;
}

void vu_replace_fd(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

void vu_mem_unmap(struct vu_mem *mem)
{
	for (unsigned int i = 0; i < mem->n; i++)
		if (mem->r[i].map)
			munmap(mem->r[i].map, mem->r[i].map_len);
	memset(mem, 0, sizeof(*mem));
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
			ret = vu_dispatch(conn, &m);
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
	/* The hub syncs once, when the round ends (the loop's before_wait). */
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
		hub_client_free(conn->srv->hub, conn->client);
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
			srv->nconns--;
			break;
		}
	loop_unwatch(srv->hub->loop, &conn->watch);
	for (unsigned int q = 0; q < NQUEUES; q++) {
		vu_queue_stop(conn, q);
		vu_replace_fd(&conn->call[q], -1);
		vu_replace_fd(&conn->err[q], -1);
	}
	vu_replace_fd(&conn->backend_req, -1);
	close_fds(conn->fds, &conn->nfds);
	close(conn->fd);
	vu_mem_unmap(&conn->mem);
	loop_defer_free(srv->hub->loop, conn_free, conn);
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
	hub_unique_name(srv->hub, name, conn->name, sizeof(conn->name));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	ret = loop_watch(srv->hub->loop, &conn->watch, fd, EPOLLIN, conn_readable, conn);
	if (ret < 0) {
		close(fd);
		conn_free(conn);
		return ret;
	}
	conn->client = hub_client_new(srv->hub, conn->name, 0, &vu_client_ops, conn);
	conn->next = srv->conns;
	srv->conns = conn;
	srv->nconns++;
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
	/* Bounded: a flood of connections must not keep the loop here. */
	for (int i = 0; i < 64; i++) {
		int fd = accept_shedding(srv->fd, NULL, NULL);
		char name[64];

		if (fd == -EAGAIN)
			return;
		if (fd < 0) {
			log_ratelimited(&srv->lim, LOG_LEVEL_WARN, "vhost-user: accept: %s%s",
					strerror(-fd), fd == -EMFILE ? ": a new VM was refused" : "");
			if (fd == -EMFILE) {
				srv->c.refused++;
				continue;
			}
			return;
		}
		if (srv->nconns >= srv->max_conns) {
			log_ratelimited(&srv->lim, LOG_LEVEL_WARN,
					"vhost-user: %u VMs already; refusing another", srv->max_conns);
			srv->c.refused++;
			close(fd);
			continue;
		}
		peer_name(fd, ++srv->next_anon, name);
		if (vu_server_adopt(srv, fd, name) < 0)
			log_warn("vhost-user: cannot serve a new VM");
	}
}

int vu_server_open(struct hub *hub, const char *path, struct vu_server **out)
{
	struct vu_server *srv = xcalloc(1, sizeof(*srv));
	const char *why = NULL;
	int ret;

	guestmem_init();
	srv->max_conns = 1024;
	srv->hub = hub;
	srv->fd = -1;
	srv->watch.fd = -1;
	if (!path) {
		srv->flush_id = hub_add_flush(hub, vu_flush, srv, NULL);
		srv->poll_id = hub_add_poll(hub, vu_poll, srv, NULL);
		*out = srv;
		return 0;
	}
	/* A socket left by an earlier run is replaced; anything else is not ours to remove. */
	srv->fd = unix_listen(path, 0, 64, &why);
	if (srv->fd < 0) {
		ret = srv->fd;
		log_error("vhost-user: %s: %s", path, why);
		free(srv);
		return ret;
	}
	ret = loop_watch(hub->loop, &srv->watch, srv->fd, EPOLLIN, accept_ready, srv);
	if (ret < 0)
		goto fail;
	srv->path = xstrdup(path);
	accept_reserve();
	log_notice("vhost-user: listening on %s for virtio device 29 (mac80211_hwsim)", path);
	srv->flush_id = hub_add_flush(hub, vu_flush, srv, NULL);
	srv->poll_id = hub_add_poll(hub, vu_poll, srv, NULL);
	*out = srv;
	return 0;
fail:
	close(srv->fd);
	unlink(path);
	free(srv);
	return ret;
}

void vu_server_set_max_conns(struct vu_server *srv, unsigned n)
{
	srv->max_conns = n ? n : 1024;
}

void vu_server_close(struct vu_server *srv)
{
	if (!srv)
		return;
	while (srv->conns)
		conn_close(srv->conns, "the medium is stopping");
	hub_del_flush(srv->hub, srv->flush_id);
	hub_del_flush(srv->hub, srv->poll_id);
	if (srv->fd >= 0) {
		loop_unwatch(srv->hub->loop, &srv->watch);
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
