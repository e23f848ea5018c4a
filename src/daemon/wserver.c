/* SPDX-License-Identifier: MIT */
/*
 * The fork's control socket over the medium's nodes. Its stations are
 * addresses with an index: the config's ifaces.ids (node i for id i), then
 * those ADD appends; DEL takes one out and later indices move down, as the
 * fork does. A station is a node placed by MAC, so every radio answering
 * to that address follows what the socket sets. A deleted station's node
 * stays, alone on a medium of its own (its frames reach nobody and nothing
 * reaches it, as the fork drops an unknown station's frames) until ADD
 * brings it back.
 */
#include "daemon/wserver.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/wserver.h"
#include "util/log.h"
#include "util/outbuf.h"
#include "util/util.h"

#define WS_CONNS_MAX 16
#define WS_OUT_MAX 65536		/* replies a client has not read */
#define WS_DETACHED (INT_MIN / 2)	/* medium ids of deleted stations: WS_DETACHED - node */

struct ws_station {
	uint8_t mac[6];
	int node;
};

struct ws_conn {
	struct wserver *ws;
	struct ws_conn *prev, *next;
	int fd;
	struct loop_watch w;
	uint8_t in[WSERVER_REQ_MAX];
	size_t inlen;
	struct outbuf out;
	bool dead;
};

struct wserver {
	struct hub *hub;
	bool spec;
	char *path;
	int fd;
	struct loop_watch w;
	struct ws_conn conns;		/* list head */
	unsigned nconns;
	bool shutdown;			/* a client asked: close after this round */
	struct ws_station *st;
	size_t nst, cap;
	struct log_limit lim;
	uint8_t test_in[WSERVER_REQ_MAX];	/* wserver_handle()'s connection */
	size_t test_inlen;
};

/* --------------------------------------------------------------- stations */

static int station_find(const struct wserver *ws, const uint8_t mac[6])
{
	for (size_t i = 0; i < ws->nst; i++)
		if (mac_equal(ws->st[i].mac, mac))
			return (int)i;
	return -1;
}

static int station_node(const struct wserver *ws, const uint8_t mac[6])
{
	int i = station_find(ws, mac);

	return i < 0 ? -1 : ws->st[i].node;
}

void wserver_reset(struct wserver *ws, const struct wm_config *cfg)
{
	ws->nst = 0;
	for (size_t i = 0; cfg && i < cfg->n_radios; i++) {
		if (ws->nst == ws->cap) {
			ws->cap = ws->cap ? 2 * ws->cap : 16;
			ws->st = xreallocarray(ws->st, ws->cap, sizeof(*ws->st));
		}
		memcpy(ws->st[ws->nst].mac, cfg->radios[i].mac, 6);
		ws->st[ws->nst].node = (int)i;
		ws->nst++;
	}
}

static bool prob_model(const struct wserver *ws)
{
	return ws->hub->params.link_model == MEDIUM_LINK_PROB;
}

/* The node that has this MAC, or -1. */
static int node_of_mac(struct medium *m, const uint8_t mac[6])
{
	struct medium_node_info ni;

	for (int n = 0, count = medium_node_count(m); n < count; n++)
		if (medium_node_info(m, n, &ni) == 0 && ni.has_mac && mac_equal(ni.mac, mac))
			return n;
	return -1;
}

/*
 * A new station's links, as the fork makes them until the client says
 * otherwise: every frame lost (spec-prob, prob), or an SNR of -10 dB (snr).
 * With path loss its position decides, as soon as the client sends one.
 */
static void station_links_init(struct wserver *ws, int node)
{
	struct medium *m = ws->hub->medium;
	double all[MEDIUM_LOSS_MATRIX_N];

	for (int i = 0; i < MEDIUM_LOSS_MATRIX_N; i++)
		all[i] = 1.0;
	for (size_t i = 0; i < ws->nst; i++) {
		int o = ws->st[i].node;

		if (o == node)
			continue;
		medium_link_clear(m, node, o);
		medium_link_clear(m, o, node);
		if (ws->spec) {
			medium_link_set_loss_matrix(m, node, o, all);
			medium_link_set_loss_matrix(m, o, node, all);
		} else if (ws->hub->params.link_model == MEDIUM_LINK_PROB) {
			medium_link_set_prob(m, node, o, 1.0);
			medium_link_set_prob(m, o, node, 1.0);
		} else if (ws->hub->params.link_model == MEDIUM_LINK_SNR) {
			medium_link_set_snr(m, node, o, -10.0);
			medium_link_set_snr(m, o, node, -10.0);
		}
	}
}

static enum wserver_result do_add(struct wserver *ws, const uint8_t mac[6], int32_t *id)
{
	struct medium *m = ws->hub->medium;
	uint32_t max = ws->hub->params.max_radios ? ws->hub->params.max_radios : 16384;
	int node;

	*id = 0;
	if (station_find(ws, mac) >= 0)
		return WSERVER_DUPLICATE;
	if (mac_is_group(mac) || ws->nst >= max)
		return WSERVER_INVALID;
	node = node_of_mac(m, mac);
	if (node < 0) {
		struct medium_node_conf nc = {
			.has_mac = true, .tx_power_dbm = ws->hub->params.default_tx_power_dbm,
		};

		memcpy(nc.mac, mac, 6);
		node = medium_node_add(m, &nc);
		if (node < 0)
			return WSERVER_INVALID;
	}
	medium_node_set_medium(m, node, 0);
	if (ws->nst == ws->cap) {
		ws->cap = ws->cap ? 2 * ws->cap : 16;
		ws->st = xreallocarray(ws->st, ws->cap, sizeof(*ws->st));
	}
	station_links_init(ws, node);
	memcpy(ws->st[ws->nst].mac, mac, 6);
	ws->st[ws->nst].node = node;
	*id = (int32_t)ws->nst++;
	return WSERVER_OK;
}

static enum wserver_result do_del(struct wserver *ws, int i)
{
	if (i < 0 || (size_t)i >= ws->nst)
		return WSERVER_NOT_FOUND;
	medium_node_set_medium(ws->hub->medium, ws->st[i].node, WS_DETACHED - ws->st[i].node);
	memmove(ws->st + i, ws->st + i + 1, (ws->nst - (size_t)i - 1) * sizeof(*ws->st));
	ws->nst--;
	return WSERVER_OK;
}

/* Both ways, as the fork sets SNR and error probability. */
static enum wserver_result pair(struct wserver *ws, const struct wserver_req *r, int *a, int *b)
{
	*a = station_node(ws, r->mac);
	*b = station_node(ws, r->mac2);
	return *a < 0 || *b < 0 ? WSERVER_NOT_FOUND : WSERVER_OK;
}

/*
 * What moves a station or changes its budget: refused by the prob model
 * (and spec-prob), where links are probabilities, and answered 0 for an
 * address no station has, as the fork does (mininet-wifi counts on it).
 */
static enum wserver_result node_update(struct wserver *ws, const struct wserver_req *r, int node)
{
	struct medium *m = ws->hub->medium;
	uint8_t t = r->type;

	if (prob_model(ws) || ws->spec)
		return WSERVER_WRONG_MODE;
	if (t == WSERVER_POSITION) {
		double pos[3] = { r->pos[0], r->pos[1], r->pos[2] };

		for (int i = 0; i < 3; i++)
			if (!isfinite(pos[i]) || fabs(pos[i]) > 1e7)
				return WSERVER_INVALID;
		if (node >= 0)
			medium_node_set_pos(m, node, pos);
	} else if (t == WSERVER_GAUSSIAN) {
		if (!isfinite(r->fvalue) || fabsf(r->fvalue) > 1000.0f)
			return WSERVER_INVALID;
		if (node >= 0)
			medium_node_set_shadowing(m, node, r->fvalue);
	} else if (t == WSERVER_HEIGHT) {
		if (r->value < 0 || r->value > 100000)
			return WSERVER_INVALID;
		if (node >= 0)
			medium_node_set_antenna_height(m, node, r->value);
	} else {
		/* TX power in dBm, antenna gain in dBi */
		if (r->value < -100 || r->value > 100)
			return WSERVER_INVALID;
		if (node >= 0 && t == WSERVER_TXPOWER)
			medium_node_set_tx_power(m, node, r->value);
		else if (node >= 0)
			medium_node_set_antenna_gain(m, node, r->value);
	}
	if (node < 0)
		log_info("wserver: request %u for %02x:%02x:%02x:%02x:%02x:%02x, no station: "
			 "nothing to change", t, r->mac[0], r->mac[1], r->mac[2], r->mac[3],
			 r->mac[4], r->mac[5]);
	return WSERVER_OK;
}

/* Apply one request; its result, and ADD's new index in *id. */
static enum wserver_result apply(struct wserver *ws, const struct wserver_req *r, int32_t *id)
{
	struct medium *m = ws->hub->medium;
	enum wserver_result res;
	int a, b, node = station_node(ws, r->mac);

	/* Changes take effect from now on the medium's clock: bring it up to now first. */
	hub_run(ws->hub);
	switch ((enum wserver_type)r->type) {
	case WSERVER_SHUTDOWN:
		ws->shutdown = true;
		return WSERVER_OK;
	case WSERVER_ADD:
		return do_add(ws, r->mac, id);
	case WSERVER_DEL_BY_MAC:
		return do_del(ws, station_find(ws, r->mac));
	case WSERVER_DEL_BY_ID:
		return do_del(ws, r->value);
	case WSERVER_SNR:
		if (prob_model(ws) || ws->spec)
			return WSERVER_WRONG_MODE;
		if ((res = pair(ws, r, &a, &b)) != WSERVER_OK)
			return res;
		medium_link_set_snr(m, a, b, r->value);
		medium_link_set_snr(m, b, a, r->value);
		return WSERVER_OK;
	case WSERVER_ERRPROB: {
		double p = fmin(wserver_fixed_to_double(r->fixed), 1.0);

		if (!prob_model(ws))
			return WSERVER_WRONG_MODE;
		if ((res = pair(ws, r, &a, &b)) != WSERVER_OK)
			return res;
		medium_link_set_prob(m, a, b, p);
		medium_link_set_prob(m, b, a, p);
		return WSERVER_OK;
	}
	case WSERVER_SPECPROB: {
		double v[MEDIUM_LOSS_MATRIX_N];

		if (!ws->spec)
			return WSERVER_WRONG_MODE;
		if ((res = pair(ws, r, &a, &b)) != WSERVER_OK)
			return res;
		for (int i = 0; i < MEDIUM_LOSS_MATRIX_N; i++)
			v[i] = fmin(wserver_fixed_to_double(r->spec[i]), 1.0);
		return medium_link_set_loss_matrix(m, a, b, v) == 0 ? WSERVER_OK : WSERVER_INVALID;
	}
	case WSERVER_MEDIUM:
		if (node < 0)
			return WSERVER_NOT_FOUND;
		if (r->value < 0)
			return WSERVER_INVALID;
		medium_node_set_medium(m, node, r->value);
		return WSERVER_OK;
	case WSERVER_POSITION:
	case WSERVER_TXPOWER:
	case WSERVER_GAIN:
	case WSERVER_HEIGHT:
	case WSERVER_GAUSSIAN:
		return node_update(ws, r, node);
	case WSERVER_ERROR:
		break;
	}
	return WSERVER_INVALID;
}

typedef void emit_fn(void *ctx, const uint8_t *buf, size_t len);

/*
 * Requests out of in[0..*inlen) (the bytes kept from before) plus
 * more[0..len); replies through emit. Whatever follows an unknown type is
 * dropped: with no length on the wire there is no telling where the next
 * request starts. Returns false once the client asked to shut down.
 */
static bool process(struct wserver *ws, uint8_t *in, size_t *inlen, const uint8_t *more,
		    size_t len, emit_fn *emit, void *ctx)
{
	while (len || *inlen) {
		struct wserver_req req;
		uint8_t reply[WSERVER_REPLY_MAX];
		enum wserver_result res;
		int32_t id = 0;
		size_t take = len < WSERVER_REQ_MAX - *inlen ? len : WSERVER_REQ_MAX - *inlen;
		ssize_t n;

		memcpy(in + *inlen, more, take);
		*inlen += take;
		more += take;
		len -= take;
		n = wserver_parse(in, *inlen, &req);
		if (n == 0)
			return true;
		if (n < 0) {
			log_ratelimited(&ws->lim, LOG_LEVEL_WARN,
					"wserver: unknown request type %u; %zu bytes dropped", in[0],
					*inlen + len);
			emit(ctx, reply, wserver_error_reply(in[0], reply));
			*inlen = 0;
			return true;
		}
		memmove(in, in + n, *inlen - (size_t)n);
		*inlen -= (size_t)n;
		res = apply(ws, &req, &id);
		log_debug("wserver: request %u: result %u", req.type, res);
		if (ws->shutdown)
			return false;
		emit(ctx, reply, wserver_reply(&req, res, id, reply));
	}
	return true;
}

/* ------------------------------------------------------------- the socket */

static void conn_free(void *p)
{
	struct ws_conn *c = p;

	outbuf_free(&c->out);
	free(c);
}

static void conn_kill(struct ws_conn *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = true;
	if (why)
		log_info("wserver: connection closed: %s", why);
	c->prev->next = c->next;
	c->next->prev = c->prev;
	c->ws->nconns--;
	loop_unwatch(c->ws->hub->loop, &c->w);
	close(c->fd);
	loop_defer_free(c->ws->hub->loop, conn_free, c);
}

static void conn_emit(void *ctx, const uint8_t *buf, size_t len)
{
	struct ws_conn *c = ctx;

	if (len && outbuf_append(&c->out, buf, len, NULL, 0, WS_OUT_MAX) < 0)
		conn_kill(c, "it reads no replies");
}

static void stop_serving(struct wserver *ws)
{
	while (ws->conns.next != &ws->conns)
		conn_kill(ws->conns.next, NULL);
	if (ws->fd >= 0) {
		loop_unwatch(ws->hub->loop, &ws->w);
		close(ws->fd);
		ws->fd = -1;
	}
	if (ws->path) {
		unlink(ws->path);
		log_notice("wserver: a client asked to shut down: %s closed, the medium goes on",
			   ws->path);
		free(ws->path);
		ws->path = NULL;
	}
}

static void conn_cb(struct loop_watch *w, uint32_t events)
{
	struct ws_conn *c = w->opaque;
	uint8_t buf[4096];

	if (events & EPOLLOUT && outbuf_flush(&c->out, c->ws->hub->loop, &c->w) < 0) {
		conn_kill(c, "write failed");
		return;
	}
	if (events & EPOLLERR) {
		conn_kill(c, NULL);
		return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP)))
		return;
	for (int round = 0; round < 16 && !c->dead; round++) {
		ssize_t n = read(c->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			conn_kill(c, n < 0 ? strerror(errno) : NULL);
			return;
		}
		if (!process(c->ws, c->in, &c->inlen, buf, (size_t)n, conn_emit, c)) {
			stop_serving(c->ws);
			return;
		}
	}
	if (!c->dead && outbuf_flush(&c->out, c->ws->hub->loop, &c->w) < 0)
		conn_kill(c, "write failed");
}

static void accept_cb(struct loop_watch *w, uint32_t events)
{
	struct wserver *ws = w->opaque;

	(void)events;
	for (int i = 0; i < 16; i++) {
		int fd = accept_shedding(ws->fd, NULL, NULL);
		struct ws_conn *c;

		if (fd == -EAGAIN)
			return;
		if (fd < 0) {
			log_ratelimited(&ws->lim, LOG_LEVEL_WARN, "wserver: accept: %s",
					strerror(-fd));
			if (fd == -EMFILE)
				continue;
			return;
		}
		if (ws->nconns >= WS_CONNS_MAX) {
			log_ratelimited(&ws->lim, LOG_LEVEL_WARN,
					"wserver: %d connections already; refusing another",
					WS_CONNS_MAX);
			close(fd);
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->ws = ws;
		c->fd = fd;
		c->next = &ws->conns;
		c->prev = ws->conns.prev;
		ws->conns.prev->next = c;
		ws->conns.prev = c;
		ws->nconns++;
		if (loop_watch(ws->hub->loop, &c->w, fd, EPOLLIN, conn_cb, c) < 0) {
			c->w.fd = -1;
			conn_kill(c, "cannot watch it");
			continue;
		}
		log_info("wserver: client connected");
	}
}

struct wserver *wserver_new(struct hub *hub, bool spec)
{
	struct wserver *ws = xcalloc(1, sizeof(*ws));

	ws->hub = hub;
	ws->spec = spec;
	ws->fd = -1;
	ws->conns.next = ws->conns.prev = &ws->conns;
	return ws;
}

int wserver_open(struct hub *hub, const char *path, bool spec, struct wserver **out)
{
	const char *why = NULL;
	struct wserver *ws;
	/* Like the control socket: its owner's group may steer the medium. */
	int err, fd = unix_listen(path, 0660, 16, &why);

	if (fd < 0) {
		log_error("wserver: %s: %s", path, why);
		return fd;
	}
	ws = wserver_new(hub, spec);
	ws->fd = fd;
	ws->path = xstrdup(path);
	if ((err = loop_watch(hub->loop, &ws->w, ws->fd, EPOLLIN, accept_cb, ws)) < 0) {
		log_error("wserver: %s: %s", path, strerror(-err));
		close(ws->fd);
		ws->fd = -1;
		wserver_close(ws);	/* removes the socket */
		return err;
	}
	accept_reserve();
	log_notice("wserver: listening on %s (the mininet-wifi control protocol%s)", path,
		   spec ? ", spec-prob mode" : "");
	*out = ws;
	return 0;
}

void wserver_close(struct wserver *ws)
{
	if (!ws)
		return;
	while (ws->conns.next != &ws->conns)
		conn_kill(ws->conns.next, NULL);
	if (ws->fd >= 0) {
		loop_unwatch(ws->hub->loop, &ws->w);
		close(ws->fd);
	}
	if (ws->path)
		unlink(ws->path);
	free(ws->path);
	free(ws->st);
	free(ws);
}

/* ------------------------------------------------------------------ tests */

struct membuf {
	uint8_t *out;
	size_t cap, len;
};

static void mem_emit(void *ctx, const uint8_t *buf, size_t len)
{
	struct membuf *mb = ctx;
	size_t n = len < mb->cap - mb->len ? len : mb->cap - mb->len;

	memcpy(mb->out + mb->len, buf, n);
	mb->len += n;
}

size_t wserver_handle(struct wserver *ws, const uint8_t *in, size_t len, uint8_t *out,
		      size_t cap)
{
	struct membuf mb = { out, cap, 0 };

	if (!process(ws, ws->test_in, &ws->test_inlen, in, len, mem_emit, &mb))
		ws->test_inlen = 0;
	return mb.len;
}
