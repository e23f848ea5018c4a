/* SPDX-License-Identifier: MIT */
/*
 * The medium's side of the airport stream. The protocol and the state
 * machine this follows: docs/stream-protocol.md ("The medium, per
 * connection", "Virtio-serial", "Keepalive").
 */
#include "airport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/log.h"
#include "hub/hub.h"
#include "proto/hwsim.h"
#include "proto/stream.h"
#include "proto/stream_tls.h"
#include "util/outbuf.h"
#include "util/util.h"

#define DEFAULT_KEEPALIVE_MS 5000
#define DEFAULT_QUEUE_LIMIT (1u << 20)
#define HELLO_TIMEOUT_US (30u * 1000000u)	/* a connection that never says HELLO */
#define MAX_RADIOS 1024
#define DEFAULT_MAX_PENDING 64

enum airport_kind {
	AIRPORT_KIND_UNIX,
	AIRPORT_KIND_TCP,
	AIRPORT_KIND_VSOCK,
};

enum airport_state {
	AIRPORT_STATE_WAITING,
	AIRPORT_STATE_CHALLENGED,
	AIRPORT_STATE_ESTABLISHED,
};

struct airport_listener {
	struct airport_listener *next;
	struct airport_server *srv;
	enum airport_kind kind;
	int fd;
	struct loop_watch watch;
	char *path;			/* unix: to unlink */
	char spec[128];
	struct log_limit lim;		/* its own warnings */
};

struct airport_peer {
	struct airport_peer *next;
	struct airport_server *srv;
	int fd;
	struct loop_watch watch;
	char peer[96];
	SSL *ssl;			/* TCP with a secret: TLS, handshaking until established */
	bool tls_ready;
	bool resync;			/* a virtio-serial port: never closed, resynced */
	bool dead;
	enum airport_state state;
	struct hub_client *client;
	uint64_t opened, last_rx, last_tx;	/* CLOCK_MONOTONIC us */
	struct stream_rx in;
	struct outbuf out;
	struct airport_peer *dirty_next;	/* on srv->dirty: output waits for the round's end */
	bool dirty;
	struct log_limit lim;
};

struct airport_server {
	struct hub *hub;
	struct airport_options o;
	uint8_t *secret;
	SSL_CTX *tls;			/* with a secret: TCP peers speak TLS (proto/stream_tls) */
	struct log_limit lim;		/* warnings about peers that never got a session */
	struct airport_listener *listeners;
	struct airport_peer *peers;
	struct airport_peer *dirty;	/* peers to write to when the round ends */
	unsigned flush_id;
	int tick_fd;
	struct loop_watch tick;
	struct airport_counters c;
	unsigned int nconn;		/* connections accepted, to tell unix peers apart */
	uint8_t scratch[STREAM_PAYLOAD_MAX] __attribute__((aligned(8)));
};

static void peer_close(struct airport_peer *p, uint32_t reason, const char *why);
static void peer_drop(struct airport_peer *p, const char *why);

/* ------------------------------------------------------------ output */

/* Write what is queued; false if the peer is gone. */
static bool flush_out(struct airport_peer *p)
{
	ssize_t n;

	if (p->ssl && !p->tls_ready)
		return true;	/* nothing goes out before the handshake is done */
	n = stream_io_flush(p->ssl, &p->out, p->srv->hub->loop, &p->watch);

	if (n < 0) {
		peer_drop(p, strerror((int)-n));
		return false;
	}
	if (n > 0)
		p->last_tx = loop_time_us(p->srv->hub->loop);
	return true;
}

/*
 * Queue bytes for the peer. A peer that does not read costs itself only:
 * past the limit its deliveries are dropped (counted), TX statuses get
 * twice the room (a guest stalls without them).
 */
static int queue_out(struct airport_peer *p, const void *hdr, size_t hlen, const void *body,
		     size_t blen, size_t limit)
{
	int ret = outbuf_append(&p->out, hdr, hlen, body, blen, limit);

	if (ret < 0)
		p->srv->c.dropped++;
	return ret;
}

static void send_msg(struct airport_peer *p, const void *msg, ssize_t len)
{
	if (len <= 0 || p->dead)
		return;
	if (queue_out(p, msg, (size_t)len, NULL, 0, 2 * p->srv->o.queue_limit) == 0)
		flush_out(p);
}

static int airport_send(struct hub_client *c, const void *msg, size_t len)
{
	struct airport_peer *p = c->priv;
	uint8_t hdr[STREAM_HDR_LEN];
	ssize_t h;
	bool status;
	int ret;

	if (p->dead || p->state != AIRPORT_STATE_ESTABLISHED)
		return -ENOTCONN;
	h = stream_encode_hwsim_header(hdr, sizeof(hdr), msg, len);
	if (h < 0)
		return (int)h;
	status = len > HWSIM_HDRLEN && ((const uint8_t *)msg)[16] == HWSIM_CMD_TX_INFO_FRAME;
	ret = queue_out(p, hdr, (size_t)h, msg, len,
			status ? 2 * p->srv->o.queue_limit : p->srv->o.queue_limit);
	if (ret < 0)
		return ret;
	/*
	 * Several messages per round are common: one write when the round
	 * ends (flush_dirty, from the hub's sync before the loop sleeps), and
	 * no epoll change unless the socket is full.
	 */
	if (!p->dirty) {
		p->dirty = true;
		p->dirty_next = p->srv->dirty;
		p->srv->dirty = p;
	}
	return 0;
}

/* The loop round is over: each peer with output gets one write. */
static void flush_dirty(void *data)
{
	struct airport_server *srv = data;

	while (srv->dirty) {
		struct airport_peer *p = srv->dirty;

		srv->dirty = p->dirty_next;
		p->dirty = false;
		if (!p->dead)
			flush_out(p);
	}
}

static const struct hub_client_ops airport_client_ops = { .send = airport_send };

/* ---------------------------------------------------------- sessions */

static void session_end(struct airport_peer *p)
{
	if (p->client) {
		hub_client_free(p->srv->hub, p->client);
		p->client = NULL;
	}
	p->state = AIRPORT_STATE_WAITING;
}

static void refuse(struct airport_peer *p, uint32_t reason, const char *text)
{
	uint8_t buf[STREAM_HDR_LEN + 4 + STREAM_TEXT_MAX];

	p->srv->c.refused++;
	log_warn("airport %s: refused: %s", p->peer, text);
	send_msg(p, buf, stream_encode_refuse(buf, sizeof(buf), reason, text, strlen(text)));
	peer_close(p, STREAM_REASON_NONE, NULL);
}

/* A name no live session uses: NAME, NAME-2, ... */
static void on_hello(struct airport_peer *p, const struct stream_hello *h)
{
	struct airport_server *srv = p->srv;
	uint8_t buf[STREAM_HDR_LEN + STREAM_WELCOME_FIXED + STREAM_NAME_MAX];
	char name[STREAM_NAME_MAX + 1];

	if (p->state == AIRPORT_STATE_ESTABLISHED) {
		log_notice("airport %s: %s restarted its session", p->peer, p->client->name);
		session_end(p);
	}
	if (h->version_min > STREAM_VERSION) {
		refuse(p, STREAM_REASON_VERSION, "no protocol version in common (we speak 1)");
		return;
	}
	if (h->auth_len) {
		/* Version 1's HMAC handshake is gone: over TCP, TLS proves the secret. */
		refuse(p, STREAM_REASON_AUTH, p->ssl ? "the secret is proved by TLS, not in HELLO" :
						      "this listener takes no secret");
		return;
	}
	if (h->radios > MAX_RADIOS) {
		refuse(p, STREAM_REASON_RADIOS, "more than 1024 radios");
		return;
	}
	hub_unique_name(srv->hub, h->name, name, sizeof(name));
	p->client = hub_client_new(srv->hub, name, 0, &airport_client_ops, p);
	p->state = AIRPORT_STATE_ESTABLISHED;
	srv->c.sessions++;
	log_notice("airport %s: guest %s with %u radios", p->peer, name, h->radios);
	send_msg(p, buf, stream_encode_welcome(buf, sizeof(buf), STREAM_VERSION, 0,
					       srv->o.keepalive_ms, name));
}

/* One parsed message: false when the peer is gone. */
static bool on_msg(struct airport_peer *p, const struct stream_msg *m)
{
	uint8_t buf[STREAM_HDR_LEN + 8];

	switch ((enum stream_type)m->type) {
	case STREAM_HELLO:
		on_hello(p, &m->hello);
		return !p->dead;
	case STREAM_BYE:
		log_notice("airport %s: goodbye (%u): %.*s", p->peer, m->bye.reason,
			   (int)m->bye.text_len, m->bye.text);
		peer_close(p, STREAM_REASON_NONE, NULL);
		return !p->dead;
	case STREAM_HWSIM:
	case STREAM_PING:
	case STREAM_PONG:
		if (p->state != AIRPORT_STATE_ESTABLISHED)
			break;
		if (m->type == STREAM_HWSIM) {
			const void *msg = m->hwsim.msg;

			/*
			 * The codec wants 4-byte alignment; a message that follows an
			 * odd-length one (HELLO, BYE) in the same read is not aligned.
			 */
			if ((uintptr_t)msg & 3) {
				memcpy(p->srv->scratch, msg, m->hwsim.len);
				msg = p->srv->scratch;
			}
			hub_client_input(p->srv->hub, p->client, msg, m->hwsim.len);
		}
		else if (m->type == STREAM_PING)
			send_msg(p, buf, stream_encode_pong(buf, sizeof(buf), m->token));
		return !p->dead;
	case STREAM_CHALLENGE:
	case STREAM_WELCOME:
	case STREAM_REFUSE:
		break;
	}
	peer_close(p, STREAM_REASON_PROTOCOL, p->state == AIRPORT_STATE_ESTABLISHED ?
		   "a message only the medium sends" : "a message before HELLO");
	return false;
}

static bool peer_msg(void *data, const struct stream_msg *m)
{
	struct airport_peer *p = data;

	return on_msg(p, m) && !p->dead;
}

/* Begin TLS on a new TCP peer: its first bytes are the client's hello. */
static void tls_start(struct airport_peer *p)
{
	p->ssl = SSL_new(p->srv->tls);
	if (!p->ssl || !SSL_set_fd(p->ssl, p->fd)) {
		peer_drop(p, "cannot start TLS");
		return;
	}
	SSL_set_accept_state(p->ssl);
}

/* Advance the handshake: true once done, false while it goes on or after it failed. */
static bool tls_step(struct airport_peer *p)
{
	const char *why = NULL;
	bool want_write;
	int r = stream_tls_handshake(p->ssl, &want_write, &why);

	if (r < 0) {
		p->srv->c.refused++;
		log_ratelimited(&p->srv->lim, LOG_LEVEL_WARN, "airport %s: %s", p->peer, why);
		peer_drop(p, NULL);
		return false;
	}
	if (r == 0) {
		loop_rewatch(p->srv->hub->loop, &p->watch, EPOLLIN | (want_write ? EPOLLOUT : 0));
		return false;
	}
	p->tls_ready = true;
	log_info("airport %s: TLS session established", p->peer);
	loop_rewatch(p->srv->hub->loop, &p->watch, EPOLLIN);
	return true;
}

static void peer_readable(struct loop_watch *w, uint32_t events)
{
	struct airport_peer *p = w->opaque;

	if (p->ssl && !p->tls_ready && !tls_step(p))
		return;
	if ((events & EPOLLOUT) && !flush_out(p))
		return;
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !(p->ssl && SSL_pending(p->ssl)))
		return;
	/* TLS may hold decrypted bytes the socket no longer shows: read it dry. */
	for (int rounds = 0; (rounds < 16 || p->ssl) && !p->dead; rounds++) {
		size_t room;
		uint8_t *space = stream_rx_space(&p->in, &room);
		ssize_t n = stream_io_read(p->ssl, p->fd, space, room);
		const char *why = NULL;

		if (n == -EAGAIN || n == -EINTR)
			break;
		if (n <= 0) {
			peer_drop(p, n ? strerror((int)-n) : "closed");
			return;
		}
		p->last_rx = loop_time_us(p->srv->hub->loop);
		if (stream_rx_take(&p->in, (size_t)n, peer_msg, p, &why) < 0) {
			peer_close(p, STREAM_REASON_PROTOCOL, why);
			return;
		}
		/*
		 * Less than the room asked for: the socket is dry for now, and
		 * asking again would only fail with EAGAIN (a system call per
		 * wake-up for nothing). More later wakes us again.
		 */
		if (!p->ssl && (size_t)n < room)
			break;
	}
	/* What it made us send goes out when the round ends (flush_dirty). */
}

/* After the loop round: the hub may still hold the client further up the stack. */
static void peer_free(void *ptr)
{
	struct airport_peer *p = ptr;

	if (p->client)
		hub_client_free(p->srv->hub, p->client);
	SSL_free(p->ssl);
	stream_rx_deinit(&p->in);
	outbuf_free(&p->out);
	free(p);
}

/* The connection is gone (EOF, an error, shutdown): forget it. */
static void peer_drop(struct airport_peer *p, const char *why)
{
	struct airport_server *srv = p->srv;
	struct airport_peer **pp;

	if (p->dead)
		return;
	if (why)
		log_notice("airport %s: %s", p->peer, why);
	p->dead = true;
	if (p->dirty) {
		for (pp = &srv->dirty; *pp; pp = &(*pp)->dirty_next)
			if (*pp == p) {
				*pp = p->dirty_next;
				break;
			}
		p->dirty = false;
	}
	for (pp = &srv->peers; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	loop_unwatch(srv->hub->loop, &p->watch);
	close(p->fd);
	/* Nothing more reaches its radios; the client itself goes after the round. */
	if (p->client)
		hub_client_silence(srv->hub, p->client);
	loop_defer_free(srv->hub->loop, peer_free, p);
}

/*
 * End the session: BYE with reason (unless NONE), then a socket closes; a
 * virtio-serial port cannot be closed from here, so its session is
 * forgotten and the stream resynced.
 */
static void peer_close(struct airport_peer *p, uint32_t reason, const char *why)
{
	if (p->dead)
		return;
	if (reason != STREAM_REASON_NONE) {
		uint8_t buf[STREAM_HDR_LEN + 4 + STREAM_TEXT_MAX];
		const char *t = why ? why : "";

		p->srv->c.broken++;
		log_warn("airport %s: %s", p->peer, t);
		send_msg(p, buf, stream_encode_bye(buf, sizeof(buf), reason, t,
						   strnlen(t, STREAM_TEXT_MAX)));
		if (p->dead)
			return;
	}
	if (p->resync) {
		session_end(p);
		stream_rx_resync(&p->in);
		return;
	}
	peer_drop(p, NULL);
}

int airport_server_adopt(struct airport_server *srv, int fd, const char *peer, int resync)
{
	struct airport_peer *p = xcalloc(1, sizeof(*p));
	int ret;

	p->srv = srv;
	p->fd = fd;
	p->resync = resync;
	snprintf(p->peer, sizeof(p->peer), "%s", peer);
	stream_rx_init(&p->in, STREAM_BIT(STREAM_HELLO) | STREAM_BIT(STREAM_BYE));
	stream_rx_reset(&p->in, resync);
	p->opened = p->last_rx = p->last_tx = loop_now_us();
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	ret = loop_watch(srv->hub->loop, &p->watch, fd, EPOLLIN, peer_readable, p);
	if (ret < 0) {
		close(fd);
		stream_rx_deinit(&p->in);
		free(p);
		return ret;
	}
	p->next = srv->peers;
	srv->peers = p;
	return 0;
}

/* ----------------------------------------------------------- listening */

/*
 * Connections that hold a descriptor without a session: a TCP peer for up
 * to 30 s, a unix one (a VMM's virtio-serial port: never timed out) until
 * its agent says HELLO.
 */
static unsigned pending(const struct airport_server *srv)
{
	unsigned n = 0;

	for (const struct airport_peer *p = srv->peers; p; p = p->next)
		n += p->state != AIRPORT_STATE_ESTABLISHED;
	return n;
}

static void accept_ready(struct loop_watch *w, uint32_t events)
{
	struct airport_listener *l = w->opaque;
	struct airport_server *srv = l->srv;

	(void)events;
	/* Bounded: a flood of connections must not keep the loop here. */
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage sa;
		socklen_t len = sizeof(sa);
		int fd = accept_shedding(l->fd, (struct sockaddr *)&sa, &len);
		char peer[96], host[INET6_ADDRSTRLEN] = "?";

		if (fd == -EAGAIN)
			return;
		if (fd < 0) {
			log_ratelimited(&l->lim, LOG_LEVEL_WARN, "airport %s: accept: %s%s", l->spec,
					strerror(-fd), fd == -EMFILE ? ": an agent was refused" : "");
			if (fd == -EMFILE) {
				srv->c.shed++;
				continue;
			}
			return;
		}
		if (pending(srv) >= srv->o.max_pending) {
			log_ratelimited(&l->lim, LOG_LEVEL_WARN,
					"airport %s: %u connections have not said HELLO yet; "
					"refusing more", l->spec, srv->o.max_pending);
			srv->c.shed++;
			close(fd);
			continue;
		}
		switch (l->kind) {
		case AIRPORT_KIND_TCP:
			if (sa.ss_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof(host));
			else
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host,
					  sizeof(host));
			snprintf(peer, sizeof(peer), "tcp:%s", host);
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
			break;
		case AIRPORT_KIND_VSOCK:
			snprintf(peer, sizeof(peer), "vsock:%u", ((struct sockaddr_vm *)&sa)->svm_cid);
			break;
		case AIRPORT_KIND_UNIX:
			snprintf(peer, sizeof(peer), "%.80s#%u", l->spec, ++srv->nconn);
			break;
		}
		if (airport_server_adopt(srv, fd, peer, l->kind == AIRPORT_KIND_UNIX) == 0 &&
		    l->kind == AIRPORT_KIND_TCP && srv->tls)
			tls_start(srv->peers);
	}
}

static void tick(struct loop_watch *w, uint32_t events)
{
	struct airport_server *srv = w->opaque;
	uint64_t now = loop_now_us(), ka = (uint64_t)srv->o.keepalive_ms * 1000, expirations;
	struct airport_peer *p, *next;

	(void)events;
	if (read(w->fd, &expirations, sizeof(expirations)) < 0)
		return;
	for (p = srv->peers; p; p = next) {
		uint8_t buf[STREAM_HDR_LEN + 8];

		next = p->next;
		if (p->state != AIRPORT_STATE_ESTABLISHED) {
			if (!p->resync && now - p->opened > HELLO_TIMEOUT_US)
				peer_close(p, STREAM_REASON_TIMEOUT, "no HELLO within 30 s");
			continue;
		}
		if (!ka)
			continue;
		if (now - p->last_rx > 3 * ka) {
			peer_close(p, STREAM_REASON_TIMEOUT, "nothing heard for 3 keepalive intervals");
			continue;
		}
		if (now - p->last_tx >= ka)
			send_msg(p, buf, stream_encode_ping(buf, sizeof(buf), now));
	}
}

struct airport_server *airport_server_new(struct hub *hub, const struct airport_options *o)
{
	struct airport_server *srv = xcalloc(1, sizeof(*srv));
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };

	srv->hub = hub;
	srv->o = *o;
	if (!srv->o.keepalive_ms)
		srv->o.keepalive_ms = DEFAULT_KEEPALIVE_MS;
	if (!srv->o.max_pending)
		srv->o.max_pending = DEFAULT_MAX_PENDING;
	if (!srv->o.queue_limit)
		srv->o.queue_limit = DEFAULT_QUEUE_LIMIT;
	if (o->secret_len) {
		const char *why = NULL;

		srv->tls = stream_tls_ctx(true, o->secret, o->secret_len, &why);
		if (!srv->tls)
			log_error("airport: %s: TCP agents will be refused", why);
		srv->secret = xmalloc(o->secret_len);
		memcpy(srv->secret, o->secret, o->secret_len);
		srv->o.secret = srv->secret;
	}
	srv->flush_id = hub_add_flush(hub, flush_dirty, srv, NULL);
	srv->tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	srv->tick.fd = -1;
	if (srv->tick_fd >= 0) {
		if (srv->o.keepalive_ms < 2000) {
			its.it_interval = its.it_value = (struct timespec){
				0, (long)srv->o.keepalive_ms * 500000L };
		}
		timerfd_settime(srv->tick_fd, 0, &its, NULL);
		loop_watch(hub->loop, &srv->tick, srv->tick_fd, EPOLLIN, tick, srv);
	}
	return srv;
}

static bool loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/* Parse a listener spec into an address. 0 or -EINVAL. */
static int parse_spec(const char *spec, enum airport_kind *kind, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (!strncmp(spec, "unix:", 5)) {
		struct sockaddr_un *un = (struct sockaddr_un *)ss;

		if (!spec[5] || strlen(spec + 5) >= sizeof(un->sun_path))
			return -EINVAL;
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, spec + 5);
		*kind = AIRPORT_KIND_UNIX;
		*len = sizeof(*un);
		return 0;
	}
	if (!strncmp(spec, "vsock:", 6)) {
		struct sockaddr_vm *vm = (struct sockaddr_vm *)ss;
		char *end;
		unsigned long port = strtoul(spec + 6, &end, 10);

		if (!spec[6] || *end || port > UINT32_MAX)
			return -EINVAL;
		vm->svm_family = AF_VSOCK;
		vm->svm_cid = VMADDR_CID_ANY;
		vm->svm_port = (unsigned int)port;
		*kind = AIRPORT_KIND_VSOCK;
		*len = sizeof(*vm);
		return 0;
	}
	if (!strncmp(spec, "tcp:", 4)) {
		char host[INET6_ADDRSTRLEN + 2];
		const char *colon = strrchr(spec + 4, ':');
		char *end;
		unsigned long port;
		size_t hl;

		if (!colon)
			return -EINVAL;
		port = strtoul(colon + 1, &end, 10);
		hl = (size_t)(colon - (spec + 4));
		if (!colon[1] || *end || port == 0 || port > 65535 || hl == 0 || hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, spec + 4, hl);
		host[hl] = 0;
		*kind = AIRPORT_KIND_TCP;
		if (host[0] == '[' && host[hl - 1] == ']') {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

			host[hl - 1] = 0;
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
			*len = sizeof(*in6);
			return inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1 ? 0 : -EINVAL;
		} else {
			struct sockaddr_in *in = (struct sockaddr_in *)ss;

			in->sin_family = AF_INET;
			in->sin_port = htons((uint16_t)port);
			*len = sizeof(*in);
			return inet_pton(AF_INET, host, &in->sin_addr) == 1 ? 0 : -EINVAL;
		}
	}
	return -EINVAL;
}

int airport_server_listen(struct airport_server *srv, const char *spec)
{
	struct airport_listener *l;
	struct sockaddr_storage ss;
	socklen_t len;
	enum airport_kind kind;
	int fd, ret;

	if (parse_spec(spec, &kind, &ss, &len) < 0) {
		log_error("airport: bad listener `%s' (unix:PATH, tcp:ADDR:PORT or vsock:PORT)", spec);
		return -EINVAL;
	}
	if (kind == AIRPORT_KIND_TCP && !srv->secret && !loopback((struct sockaddr *)&ss)) {
		log_error("airport %s: a TCP listener beyond loopback needs a secret (--secret-file)",
			  spec);
		return -EPERM;
	}
	if (kind == AIRPORT_KIND_UNIX) {
		const char *path = ((struct sockaddr_un *)&ss)->sun_path;

		/* A socket left by an earlier run is replaced; anything else is not ours. */
		ret = unix_path_claim(path);
		if (ret < 0) {
			log_error("airport %s: %s", spec,
				  ret == -EADDRINUSE ? "another daemon answers there"
						     : "exists and is not a socket");
			return ret;
		}
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && kind == AIRPORT_KIND_TCP)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
		ret = -errno;
		log_error("airport %s: cannot listen: %s", spec, strerror(-ret));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	l = xcalloc(1, sizeof(*l));
	l->srv = srv;
	l->kind = kind;
	l->fd = fd;
	snprintf(l->spec, sizeof(l->spec), "%s", spec);
	if (kind == AIRPORT_KIND_UNIX)
		l->path = xstrdup(((struct sockaddr_un *)&ss)->sun_path);
	ret = loop_watch(srv->hub->loop, &l->watch, fd, EPOLLIN, accept_ready, l);
	if (ret < 0) {
		close(fd);
		free(l->path);
		free(l);
		return ret;
	}
	l->next = srv->listeners;
	srv->listeners = l;
	accept_reserve();
	log_notice("airport: listening on %s%s", spec,
		   kind == AIRPORT_KIND_TCP && srv->secret ? " (secret required)" : "");
	return 0;
}

void airport_server_free(struct airport_server *srv)
{
	if (!srv)
		return;
	hub_del_flush(srv->hub, srv->flush_id);
	while (srv->peers) {
		struct airport_peer *p = srv->peers;
		uint8_t buf[STREAM_HDR_LEN + 64];
		ssize_t len = stream_encode_bye(buf, sizeof(buf), STREAM_REASON_SHUTDOWN,
						"the medium is stopping", 22);

		/*
		 * Best effort and straight to the socket: outside a loop round a
		 * failing flush would free the peer under our feet.
		 */
		if (len > 0 && outbuf_empty(&p->out))
			(void)!send(p->fd, buf, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);
		peer_drop(p, NULL);
	}
	while (srv->listeners) {
		struct airport_listener *l = srv->listeners;

		srv->listeners = l->next;
		loop_unwatch(srv->hub->loop, &l->watch);
		close(l->fd);
		if (l->path)
			unlink(l->path);
		free(l->path);
		free(l);
	}
	if (srv->tick_fd >= 0) {
		loop_unwatch(srv->hub->loop, &srv->tick);
		close(srv->tick_fd);
	}
	free(srv->secret);
	stream_tls_ctx_free(srv->tls);
	free(srv);
}

void airport_server_get_counters(const struct airport_server *srv, struct airport_counters *c)
{
	*c = srv->c;
}
