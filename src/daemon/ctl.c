/* SPDX-License-Identifier: MIT */
/*
 * The control server's connections: accepting, reading request lines,
 * bounded output, live captures. What the commands do is ctl_cmd.c.
 */
#include "daemon/ctl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "util/log.h"
#include "util/util.h"

static void conn_free(void *ptr)
{
	struct ctl_conn *conn = ptr;

	capture_free(conn->cap);
	outbuf_free(&conn->out);
	free(conn->in);
	free(conn);
}

static void conn_kill(struct ctl_conn *conn, const char *why)
{
	if (conn->dead)
		return;
	conn->dead = true;
	if (why)
		log_info("control: connection closed: %s", why);
	conn->prev->next = conn->next;
	conn->next->prev = conn->prev;
	conn->prev = conn->next = conn;
	conn->ctl->nconns--;
	/* A memory connection is its creator's to free. */
	if (conn->memory)
		return;
	if (conn->fd >= 0) {
		loop_unwatch(conn->ctl->hub->loop, &conn->w);
		close(conn->fd);
		conn->fd = -1;
	}
	loop_defer_free(conn->ctl->hub->loop, conn_free, conn);
}

/* Write what the socket takes; watch for room if something is left. */
static void conn_flush(struct ctl_conn *conn)
{
	ssize_t n;

	if (conn->memory || conn->dead)
		return;
	if (outbuf_empty(&conn->out) && !conn->eof)
		return;
	n = outbuf_write(&conn->out, conn->fd);
	if (n < 0) {
		conn_kill(conn, strerror((int)-n));
		return;
	}
	if (conn->eof && outbuf_empty(&conn->out) && !conn->cap && !conn->events) {
		conn_kill(conn, NULL);
		return;
	}
	loop_rewatch(conn->ctl->hub->loop, &conn->w,
		     (conn->eof ? 0 : EPOLLIN) | (outbuf_empty(&conn->out) ? 0 : EPOLLOUT));
}

static void flush_all(void *opaque)
{
	struct ctl *ctl = opaque;
	struct ctl_conn *conn, *next;

	for (conn = ctl->conns.next; conn != &ctl->conns; conn = next) {
		next = conn->next;
		conn_flush(conn);
	}
}

void ctl_send_json(struct ctl_conn *conn, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(v);
	if (!s)
		return;
	if (outbuf_append(&conn->out, s, strlen(s), "\n", 1, CTL_OUT_LIMIT) < 0)
		conn_kill(conn, "client does not read its replies");
	free(s);
}

static int capture_sink_conn(void *opaque, const void *buf, size_t len)
{
	struct ctl_conn *conn = opaque;

	return outbuf_append(&conn->out, buf, len, NULL, 0, CTL_CAPTURE_LIMIT);
}

int ctl_start_capture(struct ctl_conn *conn, const struct capture_filter *f)
{
	conn->cap = capture_new(f, conn->ctl->hub->epoch_us, capture_sink_conn, conn);
	if (!conn->cap) {
		conn_kill(conn, "live capture does not fit the connection's buffer");
		return -1;
	}
	conn->events = 0;
	return 0;
}

void ctl_broadcast(struct ctl *ctl, unsigned mask, json_t *v)
{
	char *s = NULL, note[64];
	size_t len = 0;
	int n;

	for (struct ctl_conn *conn = ctl->conns.next; conn != &ctl->conns; conn = conn->next) {
		if (!(conn->events & mask))
			continue;
		if (!s && !(s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII)))
			break;
		len = strlen(s);
		n = conn->events_dropped ?
		    snprintf(note, sizeof(note), "{\"event\":\"overflow\",\"dropped\":%llu}\n",
			     (unsigned long long)conn->events_dropped) : 0;
		/* The overflow note goes out with the next event that fits, never alone. */
		if (outbuf_held(&conn->out) + (size_t)n + len + 1 > CTL_OUT_LIMIT) {
			conn->events_dropped++;
			continue;
		}
		outbuf_append(&conn->out, note, (size_t)n, s, len, CTL_OUT_LIMIT);
		outbuf_append(&conn->out, "\n", 1, NULL, 0, CTL_OUT_LIMIT);
		conn->events_dropped = 0;
	}
	free(s);
	json_decref(v);
}

void ctl_request(struct ctl_conn *conn, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *req, *reply;

	if (conn->dead || conn->cap)
		return;
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req) {
		reply = ctl_fail("bad-request", "not JSON: %s", jerr.text);
		json_object_set_new(reply, "id", json_null());
	} else {
		reply = ctl_run(conn, req);
		json_decref(req);
	}
	ctl_send_json(conn, reply);
	if (conn->start_capture && !conn->dead) {
		conn->start_capture = false;
		ctl_start_capture(conn, &conn->cap_filter);
	}
}

static void conn_input(struct ctl_conn *conn, const char *buf, size_t n)
{
	conn->last_active = loop_now_us();
	while (n && !conn->dead && !conn->cap) {
		const char *nl = memchr(buf, '\n', n);
		size_t take = nl ? (size_t)(nl - buf) : n;
		json_t *reply;

		if (conn->overlong || conn->inlen + take > CTL_LINE_MAX) {
			conn->overlong = true;
			conn->inlen = 0;
		} else {
			memcpy(conn->in + conn->inlen, buf, take);
			conn->inlen += take;
		}
		if (!nl)
			return;
		buf += take + 1;
		n -= take + 1;
		if (conn->overlong) {
			conn->overlong = false;
			reply = ctl_fail("bad-request", "request line longer than %d bytes",
					 CTL_LINE_MAX);
			json_object_set_new(reply, "id", json_null());
			ctl_send_json(conn, reply);
			continue;
		}
		/* A blank line (or a lone CR) asks for nothing. */
		if (conn->inlen && conn->in[conn->inlen - 1] == '\r')
			conn->inlen--;
		if (conn->inlen)
			ctl_request(conn, conn->in, conn->inlen);
		conn->inlen = 0;
	}
}

static void conn_cb(struct loop_watch *w, uint32_t events)
{
	struct ctl_conn *conn = w->opaque;
	char buf[16384];

	if (events & EPOLLOUT)
		conn_flush(conn);
	if (conn->dead)
		return;
	if ((events & EPOLLERR) || ((events & EPOLLHUP) && conn->eof)) {
		conn_kill(conn, NULL);
		return;
	}
	if (conn->eof || !(events & (EPOLLIN | EPOLLHUP)))
		return;
	for (int round = 0; round < 16 && !conn->dead; round++) {
		ssize_t n = read(conn->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			conn_kill(conn, strerror(errno));
			return;
		}
		if (n == 0) {
			/*
			 * The client is done sending: answer what it asked, then
			 * close; captures and subscriptions go on until it hangs up.
			 */
			conn->eof = true;
			break;
		}
		/* A live capture carries pcapng one way: what the client sends is ignored. */
		if (!conn->cap)
			conn_input(conn, buf, (size_t)n);
	}
	conn_flush(conn);
}

static struct ctl_conn *conn_new(struct ctl *ctl, int fd)
{
	struct ctl_conn *conn = xcalloc(1, sizeof(*conn));

	conn->ctl = ctl;
	conn->fd = fd;
	conn->w.fd = -1;
	conn->in = xmalloc(CTL_LINE_MAX);
	conn->uid = (uid_t)-1;
	conn->last_active = loop_now_us();
	conn->next = &ctl->conns;
	conn->prev = ctl->conns.prev;
	ctl->conns.prev->next = conn;
	ctl->conns.prev = conn;
	ctl->nconns++;
	return conn;
}

static int user_conns(const struct ctl *ctl, uid_t uid)
{
	int n = 0;

	for (const struct ctl_conn *c = ctl->conns.next; c != &ctl->conns; c = c->next)
		n += !c->dead && c->uid == uid;
	return n;
}

/*
 * Every few seconds: a connection that has asked nothing for CTL_IDLE_US
 * and streams nothing (no subscription, no capture) is closed, so idle
 * clients cannot hold every slot forever.
 */
static void tick_cb(struct loop_watch *w, uint32_t events)
{
	struct ctl *ctl = w->opaque;
	uint64_t now = loop_now_us(), n;
	const uint64_t idle = ctl->ops.idle_us;

	(void)events;
	if (read(ctl->tick_fd, &n, sizeof(n)) < 0)
		return;
	for (struct ctl_conn *c = ctl->conns.next, *next; c != &ctl->conns; c = next) {
		next = c->next;
		if (!c->dead && !c->memory && !c->events && !c->cap &&
		    now - c->last_active > idle)
			conn_kill(c, "idle: no request for a while");
	}
}

static void accept_cb(struct loop_watch *w, uint32_t events)
{
	struct ctl *ctl = w->opaque;

	for (int i = 0; i < 16; i++) {
		int fd = accept_shedding(ctl->fd, NULL, NULL);
		struct ucred cred = { .uid = (uid_t)-1 };
		struct ctl_conn *conn;

		if (fd == -EAGAIN)
			return;
		if (fd < 0) {
			log_ratelimited(&ctl->lim, LOG_LEVEL_WARN, "control: accept: %s%s",
					strerror(-fd), fd == -EMFILE ? ": a client was refused" : "");
			if (fd == -EMFILE)
				continue;
			return;
		}
		if (ctl->nconns >= (int)ctl->ops.max_conns) {
			log_ratelimited(&ctl->lim, LOG_LEVEL_WARN,
					"control: %u connections already; refusing another",
					ctl->ops.max_conns);
			close(fd);
			continue;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &(socklen_t){ sizeof(cred) }) < 0)
			cred.uid = (uid_t)-1;
		if (user_conns(ctl, cred.uid) >= (int)ctl->ops.max_conns_per_user) {
			log_ratelimited(&ctl->lim, LOG_LEVEL_WARN,
					"control: user %u has %u connections already; refusing another",
					(unsigned)cred.uid, ctl->ops.max_conns_per_user);
			close(fd);
			continue;
		}
		conn = conn_new(ctl, fd);
		conn->uid = cred.uid;
		if (loop_watch(ctl->hub->loop, &conn->w, fd, EPOLLIN, conn_cb, conn) < 0) {
			close(fd);
			conn->fd = -1;
			conn_kill(conn, "cannot watch it");
		}
	}
}

/* ------------------------------------------------------------- observer */

static void obs_air(void *opaque, const struct medium_air *a)
{
	struct ctl *ctl = opaque;

	for (struct ctl_conn *conn = ctl->conns.next; conn != &ctl->conns; conn = conn->next)
		if (conn->cap)
			capture_air(conn->cap, a, hub_client_namer, ctl->hub);
	ctl_event_air(ctl, a);
}

static void obs_status(void *opaque, const struct medium_status *st)
{
	ctl_event_status(opaque, st);
}

static void obs_notice(void *opaque, const struct medium_notice *n)
{
	ctl_event_notice(opaque, n);
}

static const struct hub_observer ctl_observer = { obs_air, obs_status, obs_notice };

struct ctl *ctl_new(struct hub *hub, const struct ctl_ops *ops)
{
	struct ctl *ctl = xcalloc(1, sizeof(*ctl));

	ctl->hub = hub;
	ctl->ops = *ops;
	ctl->fd = -1;
	ctl->w.fd = -1;
	ctl->tick_fd = -1;
	ctl->tick.fd = -1;
	if (!ctl->ops.idle_us)
		ctl->ops.idle_us = CTL_IDLE_US;
	if (!ctl->ops.max_conns)
		ctl->ops.max_conns = CTL_MAX_CONNS;
	if (!ctl->ops.max_conns_per_user)
		ctl->ops.max_conns_per_user = CTL_MAX_CONNS_PER_USER;
	ctl->conns.next = ctl->conns.prev = &ctl->conns;
	ctl->obs_id = hub_observe(hub, &ctl_observer, ctl, NULL);
	ctl->flush_id = hub_add_flush(hub, flush_all, ctl, NULL);
	return ctl;
}

struct ctl_conn *ctl_conn_new_memory(struct ctl *ctl)
{
	struct ctl_conn *conn = conn_new(ctl, -1);

	conn->memory = true;
	return conn;
}

void ctl_conn_free_memory(struct ctl_conn *conn)
{
	if (!conn)
		return;
	conn_kill(conn, NULL);
	conn_free(conn);
}

char *ctl_conn_output(struct ctl_conn *conn, size_t *len)
{
	size_t n = outbuf_held(&conn->out);
	char *s = xmalloc(n + 1);

	memcpy(s, conn->out.buf + conn->out.off, n);
	s[n] = 0;
	outbuf_clear(&conn->out);
	if (len)
		*len = n;
	return s;
}

int ctl_open(struct hub *hub, const char *path, const struct ctl_ops *ops, struct ctl **out)
{
	const char *why = NULL;
	struct ctl *ctl;
	/* The owner's group may steer the medium; nobody else. */
	int err, fd = unix_listen(path, 0660, 16, &why);

	if (fd < 0) {
		log_error("control: %s: %s", path, why);
		return fd;
	}
	ctl = ctl_new(hub, ops);
	ctl->path = xstrdup(path);
	ctl->fd = fd;
	if ((err = loop_watch(hub->loop, &ctl->w, ctl->fd, EPOLLIN, accept_cb, ctl)) < 0) {
		errno = -err;
		goto fail_unlink;
	}
	{
		/* Checked twice per idle period, at most every 5 s. */
		uint64_t us = ctl->ops.idle_us / 2 < 5000000 ? ctl->ops.idle_us / 2 : 5000000;
		struct itimerspec its = {
			{ (time_t)(us / 1000000), (long)(us % 1000000) * 1000 },
			{ (time_t)(us / 1000000), (long)(us % 1000000) * 1000 },
		};

		ctl->tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (ctl->tick_fd < 0 || timerfd_settime(ctl->tick_fd, 0, &its, NULL) < 0 ||
		    (err = loop_watch(hub->loop, &ctl->tick, ctl->tick_fd, EPOLLIN, tick_cb, ctl)) < 0) {
			if (ctl->tick_fd >= 0 && err >= 0)
				err = -errno;
			errno = err < 0 ? -err : errno;
			goto fail_unlink;
		}
	}
	accept_reserve();
	log_notice("control: listening on %s", path);
	*out = ctl;
	return 0;

fail_unlink:
	err = errno;
	unlink(path);
	log_error("control: %s: %s", path, strerror(err));
	free(ctl->path);
	ctl->path = NULL;
	ctl_close(ctl);
	return -err;
}

void ctl_close(struct ctl *ctl)
{
	if (!ctl)
		return;
	while (ctl->conns.next != &ctl->conns)
		conn_kill(ctl->conns.next, NULL);
	if (ctl->fd >= 0) {
		loop_unwatch(ctl->hub->loop, &ctl->w);
		close(ctl->fd);
	}
	if (ctl->tick_fd >= 0) {
		loop_unwatch(ctl->hub->loop, &ctl->tick);
		close(ctl->tick_fd);
	}
	if (ctl->path)
		unlink(ctl->path);
	hub_del_flush(ctl->hub, ctl->flush_id);
	hub_unobserve(ctl->hub, ctl->obs_id);
	free(ctl->path);
	free(ctl);
}

bool ctl_conn_dead(const struct ctl_conn *conn)
{
	return conn->dead;
}
