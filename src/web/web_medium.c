/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-web's side of the daemon: one control connection
 * (docs/control.md), one subscription, a poll of `status`, `radios` and
 * `nodes` every tick, and `links` within a budget of pages per tick. What
 * changed since the last tick goes to the browsers as one `update`.
 *
 * Why links are budgeted: 500 radios have 249,500 links, 250 pages of
 * `links`, and every page is work for the medium's own loop. So each tick
 * asks for at most WEB_LINK_PAGES pages: first the links of radios whose
 * node moved or changed power (`links` with `radio`: one page each), then
 * the next page of a rolling sweep over all links (counters, rates, links
 * that appeared). A small air is swept whole every tick; a large one in
 * turns, while what a user moves is still fresh at once. Only links worth
 * drawing (above WEB_LINK_MIN_SNR, pinned, or carrying frames) are kept
 * and sent, and only when they changed.
 */
#include "web/web.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>

#include "util/log.h"
#include "util/util.h"

#define WEB_LINK_PAGES 4		/* `links` pages asked for per tick */
#define WEB_PAGE 1000			/* the API's largest page */
#define WEB_LINK_MIN_SNR -5.0		/* below: not drawn, not sent (unless pinned or used) */
#define WEB_EVENTS_KEPT 100		/* the feed a new page starts with */
#define WEB_EVENTS_PER_TICK 500		/* more in one tick are counted, not sent */
#define WEB_LINE_MAX (16u << 20)	/* a reply line; a page of 1000 links is ~300 KiB */
#define WEB_CALLS_MAX 256		/* browser changes waiting for the daemon */
#define WEB_RECONNECT_MS 1000

enum web_req_kind {
	REQ_SUBSCRIBE,
	REQ_PROBE,		/* `mobility` without arguments: does the daemon know it? */
	REQ_STATUS,
	REQ_RADIOS,
	REQ_NODES,
	REQ_LINKS_SWEEP,
	REQ_LINKS_RADIO,
	REQ_CALL,
};

/* A request sent, waiting for its reply (they come in order: a FIFO). */
struct web_call {
	struct web_call *next;
	long long id;
	enum web_req_kind kind;
	char *radio;		/* REQ_LINKS_RADIO */
	char *cmd;		/* REQ_CALL: what was asked */
	web_call_done *done;	/* REQ_CALL; NULL once cancelled */
	void *opaque;
};

struct web_medium {
	char *path;
	int tick_ms;
	int fd;
	bool up;
	bool connect_failed;		/* said once, not every second */
	int mobility;			/* -1 not known yet */
	int64_t next_tick, next_connect;

	char *rbuf;
	size_t rlen, rcap;
	char *wbuf;
	size_t woff, wlen, wcap;

	long long next_id;
	struct web_call *head, *tail;
	int calls;

	/* This tick's poll. */
	int cycle_left;			/* status, radios, nodes: lists still coming */
	json_t *cycle_status, *cycle_radios, *cycle_nodes;

	/* The view, as the browsers have it. */
	bool sent_state;		/* browsers got a `state` since we (re)connected */
	json_t *status;
	json_t *radios;			/* identity -> radio */
	json_t *nodes;			/* "index" -> node */
	json_t *links;			/* "from>to" -> compact link */
	json_t *assoc;			/* station address -> AP address */
	json_t *mesh_half;		/* "A|B" -> directions whose confirm was acked (1 A->B, 2 B->A) */
	json_t *mesh;			/* "A|B" -> [A, B]: peerings both sides confirmed */
	json_t *events;			/* the last WEB_EVENTS_KEPT */

	/* What changed since the last update. */
	json_t *chg_radios, *chg_nodes, *chg_links, *chg_assoc, *chg_mesh, *new_events;
	long long events_skipped;

	/* Links: radios to refresh first, the sweep's place, this tick's budget. */
	json_t *prio;			/* array of identities */
	json_t *prio_set;		/* the same, as keys */
	long long sweep_from;
	bool sweep_out;
	int link_budget;
};

static int64_t web_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------- the wire */

static void web_send(struct web_medium *m, json_t *req, enum web_req_kind kind, char *radio,
		     web_call_done *done, void *opaque, struct web_call **out)
{
	struct web_call *c = xcalloc(1, sizeof(*c));
	char *line;
	size_t len;

	c->id = m->next_id++;
	c->kind = kind;
	c->radio = radio;
	c->done = done;
	c->opaque = opaque;
	if (kind == REQ_CALL)
		c->cmd = xstrdup(json_string_value(json_object_get(req, "cmd")));
	json_object_set_new(req, "id", json_integer(c->id));
	line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!line)
		abort();
	len = strlen(line);
	if (m->wcap - m->wlen < len + 1) {
		if (m->woff) {
			memmove(m->wbuf, m->wbuf + m->woff, m->wlen - m->woff);
			m->wlen -= m->woff;
			m->woff = 0;
		}
		while (m->wcap - m->wlen < len + 1)
			m->wcap = m->wcap ? m->wcap * 2 : 65536;
		m->wbuf = xrealloc(m->wbuf, m->wcap);
	}
	memcpy(m->wbuf + m->wlen, line, len);
	m->wbuf[m->wlen + len] = '\n';
	m->wlen += len + 1;
	free(line);
	if (m->tail)
		m->tail->next = c;
	else
		m->head = c;
	m->tail = c;
	if (kind == REQ_CALL)
		m->calls++;
	if (out)
		*out = c;
}

static void web_request(struct web_medium *m, enum web_req_kind kind, const char *cmd,
			long long from, const char *radio)
{
	json_t *req = json_pack("{s:s}", "cmd", cmd);

	if (kind == REQ_RADIOS || kind == REQ_NODES || kind == REQ_LINKS_SWEEP ||
	    kind == REQ_LINKS_RADIO) {
		json_object_set_new(req, "from", json_integer(from));
		json_object_set_new(req, "count", json_integer(WEB_PAGE));
	}
	if (radio)
		json_object_set_new(req, "radio", json_string(radio));
	web_send(m, req, kind, radio ? xstrdup(radio) : NULL, NULL, NULL, NULL);
}

static void web_call_free(struct web_call *c)
{
	free(c->radio);
	free(c->cmd);
	free(c);
}

static void web_view_reset(struct web_medium *m)
{
	json_t **all[] = { &m->status, &m->radios, &m->nodes, &m->links, &m->assoc, &m->events,
			   &m->mesh_half, &m->mesh, &m->chg_mesh,
			   &m->chg_radios, &m->chg_nodes, &m->chg_links, &m->chg_assoc,
			   &m->new_events, &m->prio, &m->prio_set, &m->cycle_status,
			   &m->cycle_radios, &m->cycle_nodes };

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		json_decref(*all[i]);
		*all[i] = NULL;
	}
	m->status = json_null();
	m->radios = json_object();
	m->nodes = json_object();
	m->links = json_object();
	m->assoc = json_object();
	m->mesh_half = json_object();
	m->mesh = json_object();
	m->chg_mesh = json_object();
	m->events = json_array();
	m->chg_radios = json_object();
	m->chg_nodes = json_object();
	m->chg_links = json_object();
	m->chg_assoc = json_object();
	m->new_events = json_array();
	m->prio = json_array();
	m->prio_set = json_object();
	m->events_skipped = 0;
	m->cycle_left = 0;
	m->sweep_from = 0;
	m->sweep_out = false;
	m->sent_state = false;
}

/* The daemon went away (or broke the protocol): tell everyone, retry later. */
static void web_away(struct web_medium *m, const char *why)
{
	struct web_call *c, *next;

	if (m->fd >= 0) {
		log_warn("medium %s: %s; reconnecting", m->path, why);
		close(m->fd);
	}
	m->fd = -1;
	m->up = false;
	m->rlen = 0;
	m->woff = m->wlen = 0;
	for (c = m->head; c; c = next) {
		next = c->next;
		if (c->kind == REQ_CALL && c->done) {
			json_t *r = json_pack("{s:b,s:s,s:s}", "ok", 0, "error", "away",
					      "message", "the medium is away");

			c->done(c->opaque, r);
			json_decref(r);
		}
		web_call_free(c);
	}
	m->head = m->tail = NULL;
	m->calls = 0;
	web_view_reset(m);
	m->next_connect = web_now_ms() + WEB_RECONNECT_MS;
	{
		json_t *msg = json_pack("{s:b}", "up", 0);

		web_http_broadcast("medium", msg);
		json_decref(msg);
	}
}

static void web_flush(struct web_medium *m)
{
	while (m->fd >= 0 && m->woff < m->wlen) {
		ssize_t n = send(m->fd, m->wbuf + m->woff, m->wlen - m->woff, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			web_away(m, n < 0 ? strerror(errno) : "closed");
			return;
		}
		m->woff += (size_t)n;
	}
	m->woff = m->wlen = 0;
}

static int web_connect(struct web_medium *m)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(m->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, m->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A unix connect() completes at once or fails (EAGAIN: backlog full). */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* ------------------------------------------------------------ the view */

/* The compact link the page draws, or NULL when not worth drawing. */
static json_t *web_link_compact(const json_t *l)
{
	json_t *rate = json_object_get(l, "rate");
	double snr = json_number_value(json_object_get(l, "snr"));
	double per = json_number_value(json_object_get(l, "per"));
	double loss = json_number_value(json_object_get(l, "loss"));
	json_int_t frames = json_integer_value(json_object_get(l, "frames"));
	bool pinned = json_is_true(json_object_get(l, "pinned"));

	if (!json_is_number(json_object_get(l, "snr")))
		return NULL;
	if (snr < WEB_LINK_MIN_SNR && !pinned && frames == 0)
		return NULL;
	/*
	 * Rounded: a change the page cannot show is not a change to send. An
	 * array, not an object: 249,500 links take a third of the memory and
	 * of the bytes so (docs/web.md lists the fields).
	 */
	return json_pack("[f,f,f,I,I,I,s,I,I,i]", round(snr * 10) / 10, round(per * 1000) / 1000,
			 round(loss * 1000) / 1000,
			 json_integer_value(json_object_get(l, "freq")),
			 json_integer_value(json_object_get(rate, "kbps")),
			 json_integer_value(json_object_get(rate, "mcs")),
			 json_is_string(json_object_get(rate, "mode")) ?
			 json_string_value(json_object_get(rate, "mode")) : "",
			 frames, json_integer_value(json_object_get(l, "lost")), pinned ? 1 : 0);
}

static void web_links_page(struct web_medium *m, const json_t *list)
{
	size_t i;
	json_t *l;

	json_array_foreach(list, i, l) {
		const char *from = json_string_value(json_object_get(l, "from"));
		const char *to = json_string_value(json_object_get(l, "to"));
		json_t *c, *old;
		char key[2 * 64 + 2];

		if (!from || !to || strlen(from) > 64 || strlen(to) > 64)
			continue;
		snprintf(key, sizeof(key), "%s>%s", from, to);
		c = web_link_compact(l);
		old = json_object_get(m->links, key);
		if (c && (!old || !json_equal(old, c))) {
			json_object_set(m->links, key, c);
			json_object_set(m->chg_links, key, c);
		} else if (!c && old) {
			json_object_del(m->links, key);
			json_object_set_new(m->chg_links, key, json_null());
		}
		json_decref(c);
	}
}

static void web_prio_add(struct web_medium *m, const char *identity)
{
	if (json_object_get(m->prio_set, identity))
		return;
	json_object_set_new(m->prio_set, identity, json_true());
	json_array_append_new(m->prio, json_string(identity));
}

/* Radios of node index idx go to the front of the links queue. */
static void web_prio_node(struct web_medium *m, json_int_t idx)
{
	const char *id;
	json_t *r;

	json_object_foreach(m->radios, id, r) {
		json_t *n = json_object_get(r, "node");

		if (json_is_integer(n) && json_integer_value(n) == idx)
			web_prio_add(m, id);
	}
}

static void web_drop_links_of(struct web_medium *m, const char *identity)
{
	size_t n = strlen(identity);
	const char *key;
	json_t *v, *gone = json_array();
	size_t i;

	json_object_foreach(m->links, key, v) {
		const char *gt = strchr(key, '>');

		if (gt && (((size_t)(gt - key) == n && !strncmp(key, identity, n)) ||
			   !strcmp(gt + 1, identity)))
			json_array_append_new(gone, json_string(key));
	}
	json_array_foreach(gone, i, v) {
		json_object_del(m->links, json_string_value(v));
		json_object_set_new(m->chg_links, json_string_value(v), json_null());
	}
	json_decref(gone);
}

/* This tick's lists against the view: what changed goes to chg_*. */
static void web_diff_radios(struct web_medium *m)
{
	json_t *fresh = json_object(), *r, *gone = json_array(), *v;
	const char *id;
	size_t i;

	json_array_foreach(m->cycle_radios, i, r) {
		const char *ident = json_string_value(json_object_get(r, "identity"));

		if (ident)
			json_object_set(fresh, ident, r);
	}
	json_object_foreach(m->radios, id, r)
		if (!json_object_get(fresh, id))
			json_array_append_new(gone, json_string(id));
	json_array_foreach(gone, i, v) {
		json_object_set_new(m->chg_radios, json_string_value(v), json_null());
		web_drop_links_of(m, json_string_value(v));
	}
	json_object_foreach(fresh, id, r) {
		json_t *old = json_object_get(m->radios, id);

		/* A new radio's links come with the sweep: a whole air starting
		 * at once must not crowd the sweep out. */
		if (!old || !json_equal(old, r))
			json_object_set(m->chg_radios, id, r);
	}
	json_decref(gone);
	json_decref(m->radios);
	m->radios = fresh;
}

static bool web_field_changed(const json_t *a, const json_t *b, const char *key)
{
	return !json_equal(json_object_get(a, key), json_object_get(b, key));
}

static void web_diff_nodes(struct web_medium *m)
{
	json_t *fresh = json_object(), *n;
	const char *key;
	size_t i;

	json_array_foreach(m->cycle_nodes, i, n) {
		json_t *idx = json_object_get(n, "index");
		char k[32];

		if (!json_is_integer(idx))
			continue;
		snprintf(k, sizeof(k), "%" JSON_INTEGER_FORMAT, json_integer_value(idx));
		json_object_set(fresh, k, n);
	}
	json_object_foreach(m->nodes, key, n)
		if (!json_object_get(fresh, key))
			json_object_set_new(m->chg_nodes, key, json_null());
	json_object_foreach(fresh, key, n) {
		json_t *old = json_object_get(m->nodes, key);

		if (old && json_equal(old, n))
			continue;
		json_object_set(m->chg_nodes, key, n);
		/* What a link's SNR depends on: its nodes' places and powers. A
		 * new node's links come with the sweep, as a new radio's. */
		if (old && (web_field_changed(old, n, "pos") ||
		    web_field_changed(old, n, "tx_power") ||
		    web_field_changed(old, n, "antenna_gain")))
			web_prio_node(m, json_integer_value(json_object_get(n, "index")));
	}
	json_decref(m->nodes);
	m->nodes = fresh;
}

/* Radio identity by any address it answers to (NULL: none). */
static bool web_addr_of(const json_t *radio, const char *addr)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(radio, "addresses"), i, a)
		if (json_is_string(a) && !strcasecmp(json_string_value(a), addr))
			return true;
	return false;
}

static void web_assoc_set(struct web_medium *m, const char *sta, const char *ap)
{
	const json_t *old = json_object_get(m->assoc, sta);

	if (ap) {
		if (old && !strcmp(json_string_value(old), ap))
			return;
		json_object_set_new(m->assoc, sta, json_string(ap));
		json_object_set_new(m->chg_assoc, sta, json_string(ap));
	} else if (old) {
		json_object_del(m->assoc, sta);
		json_object_set_new(m->chg_assoc, sta, json_null());
	}
}

/*
 * Mesh peerings (802.11s): a peering stands once each side's confirm was
 * acked, and ends with a close from either side that went out.
 */
static void web_mesh_frame(struct web_medium *m, const char *type, const char *from,
			   const char *to, const char *next)
{
	bool ab = strcasecmp(from, to) < 0;
	const char *a = ab ? from : to, *b = ab ? to : from;
	char key[64];
	json_int_t half;

	if (strlen(from) > 24 || strlen(to) > 24 || !strcasecmp(to, "ff:ff:ff:ff:ff:ff"))
		return;
	snprintf(key, sizeof(key), "%s|%s", a, b);
	if (!strcmp(type, "mesh-peering-close")) {
		if (strcmp(next, "ack") && strcmp(next, "done"))
			return;
		json_object_del(m->mesh_half, key);
		if (json_object_get(m->mesh, key)) {
			json_object_del(m->mesh, key);
			json_object_set_new(m->chg_mesh, key, json_null());
		}
		return;
	}
	if (strcmp(type, "mesh-peering-confirm") || strcmp(next, "ack"))
		return;
	half = json_integer_value(json_object_get(m->mesh_half, key)) | (ab ? 1 : 2);
	json_object_set_new(m->mesh_half, key, json_integer(half));
	if (half == 3 && !json_object_get(m->mesh, key)) {
		json_t *pair = json_pack("[ss]", a, b);

		json_object_set(m->mesh, key, pair);
		json_object_set_new(m->chg_mesh, key, pair);
	}
}

/*
 * Associations from the frames that make and break them: an acked
 * (re)association response makes station `to` a member of AP `from`; a
 * deauthentication or disassociation that went out (acked, or needing no
 * ACK: broadcast) ends it, whichever side sent it.
 */
static void web_assoc_frame(struct web_medium *m, const json_t *ev)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const char *from = json_string_value(json_object_get(ev, "from"));
	const char *to = json_string_value(json_object_get(ev, "to"));
	const char *next = json_string_value(json_object_get(ev, "next"));
	const char *sta;
	json_t *v;

	if (!type || !from || !to || !next)
		return;
	if (!strncmp(type, "mesh-peering-", 13)) {
		web_mesh_frame(m, type, from, to, next);
		return;
	}
	if ((!strcmp(type, "assoc-resp") || !strcmp(type, "reassoc-resp")) &&
	    !strcmp(next, "ack")) {
		web_assoc_set(m, to, from);
		return;
	}
	if (strcmp(type, "deauth") && strcmp(type, "disassoc"))
		return;
	if (strcmp(next, "ack") && strcmp(next, "done"))
		return;
	v = json_object_get(m->assoc, from);
	if (v && !strcasecmp(json_string_value(v), to)) {
		web_assoc_set(m, from, NULL);	/* the station left */
		return;
	}
	if (!strcasecmp(to, "ff:ff:ff:ff:ff:ff")) {	/* the AP sent everyone away */
		json_t *gone = json_array();
		size_t i;

		json_object_foreach(m->assoc, sta, v)
			if (!strcasecmp(json_string_value(v), from))
				json_array_append_new(gone, json_string(sta));
		json_array_foreach(gone, i, v)
			web_assoc_set(m, json_string_value(v), NULL);
		json_decref(gone);
		return;
	}
	v = json_object_get(m->assoc, to);
	if (v && !strcasecmp(json_string_value(v), from))
		web_assoc_set(m, to, NULL);
}

/* A radio went down: no association through any of its addresses is left. */
static void web_assoc_radio_down(struct web_medium *m, const char *identity)
{
	const json_t *radio = json_object_get(m->radios, identity);
	json_t *gone = json_array(), *v;
	const char *sta;
	size_t i;

	json_object_foreach(m->assoc, sta, v) {
		const char *ap = json_string_value(v);

		if (!strcasecmp(sta, identity) || !strcasecmp(ap, identity) ||
		    (radio && (web_addr_of(radio, sta) || web_addr_of(radio, ap))))
			json_array_append_new(gone, json_string(sta));
	}
	json_array_foreach(gone, i, v)
		web_assoc_set(m, json_string_value(v), NULL);
	json_array_clear(gone);
	json_object_foreach(m->mesh, sta, v) {
		for (size_t k = 0; k < 2; k++) {
			const char *end = json_string_value(json_array_get(v, k));

			if (end && (!strcasecmp(end, identity) || (radio && web_addr_of(radio, end)))) {
				json_array_append_new(gone, json_string(sta));
				break;
			}
		}
	}
	json_array_foreach(gone, i, v) {
		json_object_del(m->mesh, json_string_value(v));
		json_object_del(m->mesh_half, json_string_value(v));
		json_object_set_new(m->chg_mesh, json_string_value(v), json_null());
	}
	json_decref(gone);
}

static void web_event(struct web_medium *m, json_t *ev)
{
	const char *kind = json_string_value(json_object_get(ev, "event"));

	if (!kind)
		return;
	if (!strcmp(kind, "frame"))
		web_assoc_frame(m, ev);
	else if (!strcmp(kind, "radio-down") && json_is_string(json_object_get(ev, "radio")))
		web_assoc_radio_down(m, json_string_value(json_object_get(ev, "radio")));
	json_array_append(m->events, ev);
	if (json_array_size(m->events) > WEB_EVENTS_KEPT)
		json_array_remove(m->events, 0);
	if (json_array_size(m->new_events) < WEB_EVENTS_PER_TICK)
		json_array_append(m->new_events, ev);
	else
		m->events_skipped++;
}

json_t *web_medium_state(const struct web_medium *m)
{
	json_t *radios = json_array(), *nodes = json_array(), *v;
	const char *k;

	json_object_foreach(m->radios, k, v)
		json_array_append(radios, v);
	json_object_foreach(m->nodes, k, v)
		json_array_append(nodes, v);
	return json_pack("{s:b,s:b,s:O,s:o,s:o,s:O,s:O,s:O,s:O}",
			 "up", m->up && m->sent_state, "mobility", m->mobility == 1,
			 "status", m->status, "nodes", nodes, "radios", radios,
			 "links", m->links, "assoc", m->assoc, "mesh", m->mesh,
			 "events", m->events);
}

/* The links to ask for this tick: moved radios first, then the sweep. */
static void web_links_ask(struct web_medium *m)
{
	/* One page of the budget stays the sweep's, however much moves. */
	while (m->link_budget > 1 && json_array_size(m->prio)) {
		const char *id = json_string_value(json_array_get(m->prio, 0));

		/* A radio that left since it was queued: nothing to ask. */
		if (json_object_get(m->radios, id)) {
			web_request(m, REQ_LINKS_RADIO, "links", 0, id);
			m->link_budget--;
		}
		json_object_del(m->prio_set, id);
		json_array_remove(m->prio, 0);
	}
	if (m->link_budget > 0 && !m->sweep_out && json_object_size(m->radios) > 1) {
		web_request(m, REQ_LINKS_SWEEP, "links", m->sweep_from, NULL);
		m->sweep_out = true;
		m->link_budget--;
	}
}

static void web_push(struct web_medium *m)
{
	json_t *msg;

	if (!m->sent_state) {
		m->sent_state = true;
		msg = web_medium_state(m);
		web_http_broadcast("state", msg);
		json_decref(msg);
	} else {
		msg = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:I}", "status", m->status,
				"nodes", m->chg_nodes, "radios", m->chg_radios,
				"links", m->chg_links, "assoc", m->chg_assoc, "mesh", m->chg_mesh,
				"events", m->new_events, "events_skipped",
				(json_int_t)m->events_skipped);
		web_http_broadcast("update", msg);
		json_decref(msg);
	}
	json_object_clear(m->chg_nodes);
	json_object_clear(m->chg_radios);
	json_object_clear(m->chg_links);
	json_object_clear(m->chg_assoc);
	json_object_clear(m->chg_mesh);
	json_array_clear(m->new_events);
	m->events_skipped = 0;
}

/* status, radios and nodes are all in: the tick's view is complete. */
static void web_cycle_done(struct web_medium *m)
{
	json_decref(m->status);
	m->status = m->cycle_status ? m->cycle_status : json_null();
	m->cycle_status = NULL;
	web_diff_radios(m);
	web_diff_nodes(m);
	json_decref(m->cycle_radios);
	json_decref(m->cycle_nodes);
	m->cycle_radios = m->cycle_nodes = NULL;
	web_push(m);
	m->link_budget = WEB_LINK_PAGES;
	web_links_ask(m);
}

static void web_cycle_start(struct web_medium *m)
{
	m->cycle_left = 3;
	m->cycle_radios = json_array();
	m->cycle_nodes = json_array();
	web_request(m, REQ_STATUS, "status", 0, NULL);
	web_request(m, REQ_RADIOS, "radios", 0, NULL);
	web_request(m, REQ_NODES, "nodes", 0, NULL);
}

/* A list page: its items appended to into; the next page asked for, or the list done. */
static void web_page(struct web_medium *m, const json_t *res, const char *key, json_t *into,
		     enum web_req_kind kind, const char *cmd)
{
	json_t *next = json_object_get(res, "next");

	json_array_extend(into, json_object_get(res, key));
	if (json_is_integer(next) && json_integer_value(next) > 0)
		web_request(m, kind, cmd, json_integer_value(next), NULL);
	else if (--m->cycle_left == 0)
		web_cycle_done(m);
}

static void web_reply(struct web_medium *m, json_t *reply)
{
	struct web_call *c = m->head;
	json_t *res = json_object_get(reply, "result");
	json_t *next;
	bool ok = json_is_true(json_object_get(reply, "ok"));

	if (!c || !json_is_integer(json_object_get(reply, "id")) ||
	    json_integer_value(json_object_get(reply, "id")) != c->id) {
		web_away(m, "a reply out of order");
		return;
	}
	m->head = c->next;
	if (!m->head)
		m->tail = NULL;
	if (!ok && c->kind != REQ_PROBE && c->kind != REQ_CALL) {
		const char *why = json_string_value(json_object_get(reply, "message"));

		log_warn("medium: request refused: %s", why ? why : "?");
	}
	switch (c->kind) {
	case REQ_SUBSCRIBE:
		break;
	case REQ_PROBE: {
		const char *err = json_string_value(json_object_get(reply, "error"));

		m->mobility = !(err && !strcmp(err, "unknown-command"));
		break;
	}
	case REQ_STATUS:
		m->cycle_status = ok ? json_incref(res) : json_null();
		if (--m->cycle_left == 0)
			web_cycle_done(m);
		break;
	case REQ_RADIOS:
		web_page(m, res, "radios", m->cycle_radios, REQ_RADIOS, "radios");
		break;
	case REQ_NODES:
		web_page(m, res, "nodes", m->cycle_nodes, REQ_NODES, "nodes");
		break;
	case REQ_LINKS_SWEEP:
		m->sweep_out = false;
		web_links_page(m, json_object_get(res, "links"));
		next = json_object_get(res, "next");
		m->sweep_from = json_is_integer(next) ? json_integer_value(next) : 0;
		if (m->sweep_from && m->link_budget > 0)
			web_links_ask(m);
		break;
	case REQ_LINKS_RADIO:
		web_links_page(m, json_object_get(res, "links"));
		/* More than one page: more than 501 radios; the sweep brings the rest. */
		break;
	case REQ_CALL:
		m->calls--;
		if (c->done)
			c->done(c->opaque, reply);
		if (ok && res && c->cmd && (!strcmp(c->cmd, "pin") || !strcmp(c->cmd, "unpin"))) {
			web_prio_node(m, json_integer_value(json_object_get(res, "from")));
			web_prio_node(m, json_integer_value(json_object_get(res, "to")));
		}
		/* Show the change now, not at the next tick. */
		if (ok)
			m->next_tick = web_now_ms();
		break;
	}
	web_call_free(c);
}

static void web_line(struct web_medium *m, const char *line)
{
	json_error_t err;
	json_t *j = json_loads(line, 0, &err);

	if (!json_is_object(j)) {
		json_decref(j);
		web_away(m, "a line that is not a JSON object");
		return;
	}
	if (json_object_get(j, "event"))
		web_event(m, j);
	else
		web_reply(m, j);
	json_decref(j);
}

void web_medium_io(struct web_medium *m, short revents)
{
	if (m->fd < 0)
		return;
	if (revents & POLLOUT)
		web_flush(m);
	if (m->fd < 0 || !(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	for (;;) {
		ssize_t n;
		char *nl;
		size_t start = 0;

		if (m->rcap - m->rlen < 65536) {
			if (m->rcap >= WEB_LINE_MAX) {
				web_away(m, "a reply line too long");
				return;
			}
			m->rcap = m->rcap ? m->rcap * 2 : 262144;
			m->rbuf = xrealloc(m->rbuf, m->rcap + 1);
		}
		n = read(m->fd, m->rbuf + m->rlen, m->rcap - m->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			web_away(m, n < 0 ? strerror(errno) : "it closed the connection");
			return;
		}
		m->rlen += (size_t)n;
		while (m->fd >= 0 && (nl = memchr(m->rbuf + start, '\n', m->rlen - start))) {
			*nl = '\0';
			web_line(m, m->rbuf + start);
			start = (size_t)(nl - m->rbuf) + 1;
		}
		if (m->fd < 0)
			return;
		memmove(m->rbuf, m->rbuf + start, m->rlen - start);
		m->rlen -= start;
		web_flush(m);
		if (m->fd < 0)
			return;
	}
}

/* --------------------------------------------------------------- ticks */

void web_medium_timer(struct web_medium *m)
{
	int64_t now = web_now_ms();

	if (m->fd < 0) {
		int fd;

		if (now < m->next_connect)
			return;
		fd = web_connect(m);
		if (fd < 0) {
			if (!m->connect_failed)
				log_warn("medium %s: cannot connect: %s; trying again every %d ms",
					 m->path, strerror(-fd), WEB_RECONNECT_MS);
			m->connect_failed = true;
			m->next_connect = now + WEB_RECONNECT_MS;
			return;
		}
		m->connect_failed = false;
		m->fd = fd;
		m->up = true;
		m->mobility = -1;
		log_info("medium %s: connected", m->path);
		web_view_reset(m);
		web_send(m, json_pack("{s:s,s:[sss]}", "cmd", "subscribe", "events", "radio",
				      "frame", "drop"), REQ_SUBSCRIBE, NULL, NULL, NULL, NULL);
		web_send(m, json_pack("{s:s}", "cmd", "mobility"), REQ_PROBE, NULL, NULL, NULL, NULL);
		m->next_tick = now;
	}
	if (now >= m->next_tick) {
		m->next_tick = now + m->tick_ms;
		/* A tick still being answered is not doubled: the daemon sets the pace. */
		if (m->cycle_left == 0)
			web_cycle_start(m);
	}
	web_flush(m);
}

int web_medium_timeout(const struct web_medium *m)
{
	int64_t when = m->fd < 0 ? m->next_connect : m->next_tick;
	int64_t left = when - web_now_ms();

	return left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

int web_medium_fd(const struct web_medium *m, short *events)
{
	*events = POLLIN | (m->woff < m->wlen ? POLLOUT : 0);
	return m->fd;
}

bool web_medium_up(const struct web_medium *m)
{
	return m->up && m->sent_state;
}

bool web_medium_mobility(const struct web_medium *m)
{
	return m->mobility == 1;
}

struct web_call *web_medium_call(struct web_medium *m, json_t *req, web_call_done *done,
				 void *opaque)
{
	struct web_call *c;

	if (m->fd < 0 || m->calls >= WEB_CALLS_MAX) {
		json_decref(req);
		return NULL;
	}
	/*
	 * Not flushed here: a failing send would call done() before the caller
	 * has suspended its request. The loop flushes (POLLOUT) right after.
	 */
	web_send(m, req, REQ_CALL, NULL, done, opaque, &c);
	return c;
}

void web_medium_cancel(struct web_medium *m, struct web_call *c)
{
	for (struct web_call *p = m->head; p; p = p->next)
		if (p == c)
			p->done = NULL;
}

struct web_medium *web_medium_new(const char *control_path, int tick_ms)
{
	struct web_medium *m = xcalloc(1, sizeof(*m));

	m->path = xstrdup(control_path);
	m->tick_ms = tick_ms;
	m->fd = -1;
	m->mobility = -1;
	m->next_id = 1;
	web_view_reset(m);
	return m;
}

void web_medium_free(struct web_medium *m)
{
	struct web_call *c, *next;

	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	for (c = m->head; c; c = next) {
		next = c->next;
		if (c->kind == REQ_CALL && c->done) {
			json_t *r = json_pack("{s:b,s:s,s:s}", "ok", 0, "error", "away",
					      "message", "the view is stopping");

			c->done(c->opaque, r);
			json_decref(r);
		}
		web_call_free(c);
	}
	m->head = NULL;
	json_t **all[] = { &m->status, &m->radios, &m->nodes, &m->links, &m->assoc, &m->events,
			   &m->mesh_half, &m->mesh, &m->chg_mesh,
			   &m->chg_radios, &m->chg_nodes, &m->chg_links, &m->chg_assoc,
			   &m->new_events, &m->prio, &m->prio_set, &m->cycle_status,
			   &m->cycle_radios, &m->cycle_nodes };
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		json_decref(*all[i]);
	free(m->rbuf);
	free(m->wbuf);
	free(m->path);
	free(m);
}
