/* SPDX-License-Identifier: MIT */
/*
 * The control API's commands (docs/control.md): each takes the request
 * object and returns the result object, or an error made by ctl_fail().
 * Everything in a request is checked before anything changes.
 */
#include "daemon/ctl_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/capture.h"
#include "proto/ieee80211.h"
#include "util/util.h"

#define LINK_PER_LEN 1500	/* frame length the links' PER is given for */

json_t *ctl_fail(const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/*
	 * Messages quote what a client sent (a parser's excerpt of bad input,
	 * a name cut at the message's length), and jansson refuses a string
	 * that is not UTF-8: the reply would be lost.
	 */
	utf8_clean(msg);
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "error", code, "message", msg);
}


static bool is_error(json_t *v)
{
	return json_is_false(json_object_get(v, "ok"));
}

static json_t *json_mac(const uint8_t mac[6])
{
	char s[MAC_STR_LEN];

	return json_string(mac_format(mac, s));
}

json_t *ctl_json_vec3(const double v[3])
{
	return json_pack("[f, f, f]", v[0], v[1], v[2]);
}

/* ------------------------------------------------------------ selectors */

/* The slot of the radio whose identity or one of whose addresses is mac, or -1. */
static int radio_by_mac(struct medium *m, const uint8_t mac[6], struct medium_radio_info *ri)
{
	uint32_t n = medium_radio_slots(m);

	for (uint32_t s = 0; s < n; s++) {
		if (medium_radio_info(m, s, ri) < 0)
			continue;
		if (mac_equal(ri->id, mac))
			return (int)s;
		for (unsigned i = 0; i < ri->naddrs; i++)
			if (mac_equal(ri->addrs[i], mac))
				return (int)s;
	}
	return -1;
}

static json_t *find_radio(struct ctl *ctl, json_t *sel, const char *what, int *slot,
			  struct medium_radio_info *ri)
{
	uint8_t mac[6];

	if (!json_is_string(sel))
		return ctl_fail("bad-request", "%s: want a radio's address (a string)", what);
	if (mac_parse(json_string_value(sel), mac) < 0)
		return ctl_fail("bad-request", "%s: '%s' is not a MAC address", what,
			    json_string_value(sel));
	*slot = radio_by_mac(ctl->hub->medium, mac, ri);
	if (*slot < 0)
		return ctl_fail("not-found", "%s: no radio answers to %s", what, json_string_value(sel));
	return NULL;
}

/*
 * The node sel names (docs/control.md, "Naming"): an index, a node's name
 * or MAC, or a radio's address. With create, a radio on no node gets one.
 */
json_t *ctl_find_node(struct ctl *ctl, json_t *sel, const char *what, bool create, int *node,
			 bool *created)
{
	struct medium *m = ctl->hub->medium;
	int n = medium_node_count(m);
	struct medium_node_info ni;
	struct medium_radio_info ri;
	const char *s;
	uint8_t mac[6];
	bool is_mac;

	*created = false;
	if (json_is_integer(sel)) {
		json_int_t i = json_integer_value(sel);

		if (i < 0 || i >= n)
			return ctl_fail("not-found", "%s: no node %lld (there are %d)", what, (long long)i, n);
		*node = (int)i;
		return NULL;
	}
	if (!json_is_string(sel))
		return ctl_fail("bad-request", "%s: want a node index, a name or an address", what);
	s = json_string_value(sel);
	is_mac = mac_parse(s, mac) == 0;
	for (int i = 0; i < n; i++) {
		medium_node_info(m, i, &ni);
		if ((ni.name && !strcmp(ni.name, s)) || (is_mac && ni.has_mac && mac_equal(ni.mac, mac))) {
			*node = i;
			return NULL;
		}
	}
	if (!is_mac || radio_by_mac(m, mac, &ri) < 0)
		return ctl_fail("not-found", "%s: no node or radio '%s'", what, s);
	if (ri.node >= 0) {
		*node = ri.node;
		return NULL;
	}
	if (!create)
		return ctl_fail("not-found", "%s: radio %s is on no node", what, s);
	{
		struct medium_node_conf nc = {
			.has_mac = true, .tx_power_dbm = ctl->hub->params.default_tx_power_dbm,
		};
		struct medium_radio_info after;
		int slot;

		memcpy(nc.mac, ri.id, 6);
		*node = medium_node_add(m, &nc);
		slot = radio_by_mac(m, mac, &after);
		if (*node < 0 || slot < 0 || after.node != *node)
			return ctl_fail("failed", "%s: could not give radio %s a node", what, s);
		*created = true;
	}
	return NULL;
}

/* A 2- or 3-vector of finite numbers within limit. */
json_t *ctl_get_vec(json_t *v, const char *what, double limit, double out[3])
{
	size_t n = json_array_size(v);

	if (!json_is_array(v) || n < 2 || n > 3)
		return ctl_fail("bad-request", "%s: want [x, y] or [x, y, z]", what);
	out[2] = 0.0;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(v, i);

		if (!json_is_number(e))
			return ctl_fail("bad-request", "%s: element %zu is not a number", what, i);
		out[i] = json_number_value(e);
		if (!isfinite(out[i]) || fabs(out[i]) > limit)
			return ctl_fail("invalid", "%s: element %zu out of range (|x| <= %g)", what, i, limit);
	}
	return NULL;
}

/* -------------------------------------------------------------- reading */

static const char *model_name(enum medium_link_model model)
{
	switch (model) {
	case MEDIUM_LINK_PATH_LOSS:
		return "path-loss";
	case MEDIUM_LINK_SNR:
		return "snr";
	case MEDIUM_LINK_PROB:
		return "prob";
	}
	return "?";
}

static json_t *late_json(const struct hist *h)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "count", (json_int_t)h->count, "p50_us",
			 (json_int_t)hist_quantile(h, 0.5), "p99_us", (json_int_t)hist_quantile(h, 0.99),
			 "max_us", (json_int_t)h->max);
}

static json_t *cmd_status(struct ctl_conn *conn, json_t *req)
{
	struct hub *hub = conn->ctl->hub;
	struct medium *m = hub->medium;
	struct medium_counters c;
	struct medium_channel ch[64];
	struct medium_radio_info ri;
	uint64_t now;
	uint32_t nch, clients = 0, radios = 0;
	json_t *chans = json_array(), *cap = json_null();

	hub_run(hub);
	now = hub->run_now;
	medium_get_counters(m, &c);
	for (uint32_t i = 0; i < hub->nclients_cap; i++)
		clients += hub->clients[i] != NULL;
	for (uint32_t s = 0; s < medium_radio_slots(m); s++)
		radios += medium_radio_info(m, s, &ri) == 0;
	nch = medium_channels(m, ch, ARRAY_SIZE(ch));
	for (uint32_t i = 0; i < nch && i < ARRAY_SIZE(ch); i++)
		json_array_append_new(chans, json_pack("{s:I, s:I, s:I, s:f}", "freq",
						       (json_int_t)ch[i].freq, "frames",
						       (json_int_t)ch[i].frames, "airtime_us",
						       (json_int_t)ch[i].airtime_us, "busy",
						       now ? (double)ch[i].airtime_us / (double)now : 0.0));
	if (conn->ctl->ops.recorder && conn->ctl->ops.recorder->file) {
		struct capture_file *cf = conn->ctl->ops.recorder->file;
		struct capture_stats st;

		capture_get_stats(capture_file_capture(cf), &st);
		cap = json_pack("{s:s, s:I, s:I}", "file", capture_file_path(cf), "records",
				(json_int_t)st.records, "dropped", (json_int_t)st.dropped);
	}
	return json_pack("{s:s, s:I, s:o, s:s, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o, s:{s:o, s:o}}",
			 "version", WM_VERSION, "time_us", (json_int_t)now, "config",
			 conn->ctl->ops.config ? json_string(conn->ctl->ops.config) : json_null(),
			 "model", model_name(hub->params.link_model), "clients", (json_int_t)clients,
			 "radios", (json_int_t)radios, "nodes", (json_int_t)medium_node_count(m),
			 "counters", "tx_frames", (json_int_t)c.tx_frames, "tx_attempts",
			 (json_int_t)c.tx_attempts, "tx_acked", (json_int_t)c.tx_acked, "tx_failed",
			 (json_int_t)c.tx_failed, "rx_frames", (json_int_t)c.rx_frames, "collisions",
			 (json_int_t)c.collisions, "queue_drops", (json_int_t)c.queue_drops,
			 "bad_rate", (json_int_t)c.bad_rate, "dup_addr", (json_int_t)c.dup_addr,
			 "limited", (json_int_t)c.limited, "ampdus", (json_int_t)c.ampdus,
			 "ampdu_mpdus", (json_int_t)c.ampdu_mpdus,
			 "channels", chans, "capture", cap, "latency", "delivery",
			 late_json(&hub->late_rx), "status", late_json(&hub->late_status));
}

static json_t *radio_json(struct ctl *ctl, const struct medium_radio_info *ri)
{
	const struct medium_radio_counters *c = &ri->c;
	const char *client = hub_client_name(ctl->hub, ri->client);
	struct medium_node_info ni;
	json_t *addrs = json_array(), *node = json_null(), *node_name = json_null();

	for (unsigned i = 0; i < ri->naddrs; i++)
		json_array_append_new(addrs, json_mac(ri->addrs[i]));
	if (ri->node >= 0 && medium_node_info(ctl->hub->medium, ri->node, &ni) == 0) {
		node = json_integer(ri->node);
		if (ni.name)
			node_name = json_string(ni.name);
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:f, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}}",
			 "client", client ? client : "?", "identity", json_mac(ri->id), "addresses",
			 addrs, "node", node, "node_name", node_name, "freq",
			 ri->last_freq ? json_integer(ri->last_freq) : json_null(), "tx_power",
			 ri->tx_power_dbm, "queued", (json_int_t)ri->queued, "counters", "tx_frames",
			 (json_int_t)c->tx_frames, "tx_bytes", (json_int_t)c->tx_bytes, "tx_attempts",
			 (json_int_t)c->tx_attempts, "retries", (json_int_t)c->retries, "acked",
			 (json_int_t)c->acked, "failed", (json_int_t)c->failed, "rx_frames",
			 (json_int_t)c->rx_frames, "rx_bytes", (json_int_t)c->rx_bytes, "collisions",
			 (json_int_t)c->rx_collision, "airtime_us", (json_int_t)c->airtime_us, "ampdus",
			 (json_int_t)c->ampdus, "ampdu_mpdus", (json_int_t)c->ampdu_mpdus, "drops",
			 "queue", (json_int_t)c->drop_queue, "rate", (json_int_t)c->drop_rate,
			 "retries", (json_int_t)c->failed, "rx_noise", (json_int_t)c->rx_noise,
			 "rx_collision", (json_int_t)c->rx_collision, "rx_loss",
			 (json_int_t)c->rx_loss, "rx_busy", (json_int_t)c->rx_busy, "rx_asleep",
			 (json_int_t)c->rx_asleep);
}

/*
 * Lists come in pages, so no reply outgrows a client's output buffer or
 * holds the loop for long: `from' (the first item, default 0) and `count'
 * (at most this many, default and limit PAGE_MAX). The reply's `next' is
 * where the following page starts, or null after the last.
 */
#define PAGE_MAX 1000u

struct page {
	uint64_t from, count;		/* asked for */
	uint64_t seen;			/* items passed so far */
	bool more;			/* an item past the page exists */
};

static json_t *page_parse(json_t *req, const char *cmd, struct page *pg)
{
	json_t *from = json_object_get(req, "from"), *count = json_object_get(req, "count");

	*pg = (struct page){ .from = 0, .count = PAGE_MAX };
	if (from && (!json_is_integer(from) || json_integer_value(from) < 0))
		return ctl_fail("bad-request", "%s: from is not a count of items", cmd);
	if (count && (!json_is_integer(count) || json_integer_value(count) < 1 ||
		      json_integer_value(count) > PAGE_MAX))
		return ctl_fail("bad-request", "%s: count is not 1 to %u", cmd, PAGE_MAX);
	if (from)
		pg->from = (uint64_t)json_integer_value(from);
	if (count)
		pg->count = (uint64_t)json_integer_value(count);
	return NULL;
}

/* Is the next item on the page? Counts it either way; past the page, notes there is more. */
static bool page_take(struct page *pg)
{
	uint64_t i = pg->seen++;

	if (i >= pg->from + pg->count) {
		pg->more = true;
		return false;
	}
	return i >= pg->from;
}

/* Past the page and knowing there is more: nothing else to look at. */
static bool page_done(const struct page *pg)
{
	return pg->more;
}

static json_t *page_reply(const char *key, json_t *list, const struct page *pg)
{
	return json_pack("{s:o, s:o}", key, list, "next",
			 pg->more ? json_integer((json_int_t)(pg->from + pg->count)) : json_null());
}

static json_t *cmd_radios(struct ctl_conn *conn, json_t *req)
{
	struct medium *m = conn->ctl->hub->medium;
	struct medium_radio_info ri;
	struct page pg;
	json_t *list, *err;

	if ((err = page_parse(req, "radios", &pg)))
		return err;
	hub_run(conn->ctl->hub);
	list = json_array();
	for (uint32_t s = 0; s < medium_radio_slots(m) && !page_done(&pg); s++)
		if (medium_radio_info(m, s, &ri) == 0 && page_take(&pg))
			json_array_append_new(list, radio_json(conn->ctl, &ri));
	return page_reply("radios", list, &pg);
}

json_t *ctl_node_json(struct ctl *ctl, int node, bool created)
{
	struct medium_node_info ni;

	medium_node_info(ctl->hub->medium, node, &ni);
	return json_pack("{s:i, s:o, s:o, s:o, s:o, s:f, s:f, s:o, s:o, s:i, s:i, s:o, s:b}",
			 "index", node, "name", ni.name ? json_string(ni.name) : json_null(), "mac",
			 ni.has_mac ? json_mac(ni.mac) : json_null(), "pos", ctl_json_vec3(ni.pos),
			 "velocity", ctl_json_vec3(ni.vel), "tx_power", ni.tx_power_dbm,
			 "antenna_gain", ni.antenna_gain_dbi, "antenna_height",
			 ni.antenna_height_m > 0 ? json_real(ni.antenna_height_m) : json_null(),
			 "shadowing", isnan(ni.shadowing_db) ? json_null() : json_real(ni.shadowing_db),
			 "medium", ni.medium_id, "radios", (int)ni.radios, "mobility",
			 ctl_mobility_json(&ni.mobility), "created", created);
}

static json_t *cmd_nodes(struct ctl_conn *conn, json_t *req)
{
	struct medium *m = conn->ctl->hub->medium;
	struct page pg;
	json_t *list, *err;

	if ((err = page_parse(req, "nodes", &pg)))
		return err;
	hub_run(conn->ctl->hub);
	list = json_array();
	for (int i = 0; i < medium_node_count(m) && !page_done(&pg); i++) {
		json_t *n;

		if (!page_take(&pg))
			continue;
		n = ctl_node_json(conn->ctl, i, false);
		json_object_del(n, "created");
		json_array_append_new(list, n);
	}
	return page_reply("nodes", list, &pg);
}

static json_t *rate_json(const struct phy_rate *r)
{
	json_t *v = json_pack("{s:s, s:i, s:i, s:i, s:I}", "mode", phy_mode_name(r->mode), "mcs",
			      r->mcs, "nss", r->nss, "bw", r->bw, "kbps",
			      (json_int_t)phy_rate_kbps(r));

	if (r->mode == PHY_MODE_HT || r->mode == PHY_MODE_VHT)
		json_object_set_new(v, "sgi", json_boolean(r->sgi));
	return v;
}

static json_t *link_json(struct ctl *ctl, uint32_t a, uint32_t b,
			 const struct medium_radio_info *ra, const struct medium_radio_info *rb)
{
	struct medium *m = ctl->hub->medium;
	uint32_t freq = ra->last_freq ? ra->last_freq : 2412;
	struct medium_link_counters lc;
	struct phy_rate rate;
	enum medium_pin pin = MEDIUM_PIN_NONE;
	double snr, loss, pv;

	medium_radio_link(m, a, b, freq, &snr, &loss);
	medium_link_counters(m, a, b, &lc);
	if (lc.has_rate) {
		rate = lc.rate;
	} else {
		/* The lowest rate of the band: 1 Mbit/s DSSS, or 6 Mbit/s OFDM. */
		rate = (struct phy_rate){ .band = phy_band_of_freq(freq), .nss = 1, .bw = 20 };
		rate.mode = rate.band == PHY_BAND_2GHZ ? PHY_MODE_DSSS : PHY_MODE_OFDM;
		rate.mcs = rate.band == PHY_BAND_2GHZ ? 0 : 4;
	}
	if (ra->node >= 0 && rb->node >= 0)
		medium_link_pinned(m, ra->node, rb->node, &pin, &pv);
	return json_pack("{s:o, s:o, s:I, s:f, s:f, s:o, s:f, s:b, s:I, s:I, s:I, s:I}", "from",
			 json_mac(ra->id), "to", json_mac(rb->id), "freq", (json_int_t)freq, "snr",
			 snr < -200 ? -200.0 : snr, "loss", loss, "rate", rate_json(&rate), "per",
			 medium_per(m, &rate, snr, LINK_PER_LEN), "pinned", pin != MEDIUM_PIN_NONE,
			 "frames", (json_int_t)lc.frames, "bytes", (json_int_t)lc.bytes, "lost",
			 (json_int_t)lc.lost, "collisions", (json_int_t)lc.collisions);
}

static json_t *cmd_links(struct ctl_conn *conn, json_t *req)
{
	struct medium *m = conn->ctl->hub->medium;
	uint32_t n = medium_radio_slots(m);
	struct medium_radio_info *ri = xcalloc(n ? n : 1, sizeof(*ri));
	bool *used = xcalloc(n ? n : 1, sizeof(*used));
	json_t *sel = json_object_get(req, "radio"), *list, *err;
	struct page pg;
	int only = -1;

	if ((err = page_parse(req, "links", &pg))) {
		free(ri);
		free(used);
		return err;
	}
	if (sel) {
		struct medium_radio_info tmp;

		if ((err = find_radio(conn->ctl, sel, "radio", &only, &tmp))) {
			free(ri);
			free(used);
			return err;
		}
	}
	hub_run(conn->ctl->hub);
	list = json_array();
	for (uint32_t s = 0; s < n; s++)
		used[s] = medium_radio_info(m, s, &ri[s]) == 0;
	/* Pairs are counted, not built, up to the page: a page costs its own links only. */
	for (uint32_t a = 0; a < n && !page_done(&pg); a++) {
		for (uint32_t b = 0; b < n && !page_done(&pg); b++) {
			if (a == b || !used[a] || !used[b])
				continue;
			if (only >= 0 && a != (uint32_t)only && b != (uint32_t)only)
				continue;
			if (page_take(&pg))
				json_array_append_new(list, link_json(conn->ctl, a, b, &ri[a], &ri[b]));
		}
	}
	free(ri);
	free(used);
	return page_reply("links", list, &pg);
}

/* ------------------------------------------------------------- steering */

static json_t *cmd_move(struct ctl_conn *conn, json_t *req)
{
	struct medium *m = conn->ctl->hub->medium;
	json_t *pos = json_object_get(req, "pos"), *vel = json_object_get(req, "velocity"), *err;
	double p[3], v[3];
	bool created;
	int node;

	if (!pos && !vel)
		return ctl_fail("bad-request", "move: give pos, velocity or both");
	if ((pos && (err = ctl_get_vec(pos, "pos", CTL_POS_LIMIT, p))) ||
	    (vel && (err = ctl_get_vec(vel, "velocity", CTL_SPEED_LIMIT, v))))
		return err;
	if (!json_object_get(req, "node"))
		return ctl_fail("bad-request", "move: node missing");
	if ((err = ctl_find_node(conn->ctl, json_object_get(req, "node"), "node", true, &node, &created)))
		return err;
	/* Bring the air up to now: a new velocity starts from here. */
	hub_run(conn->ctl->hub);
	if (pos)
		medium_node_set_pos(m, node, p);
	if (vel)
		medium_node_set_velocity(m, node, v);
	return ctl_node_json(conn->ctl, node, created);
}

static json_t *cmd_set_power(struct ctl_conn *conn, json_t *req)
{
	json_t *dbm = json_object_get(req, "dbm"), *err;
	bool created;
	int node;

	if (!json_is_number(dbm))
		return ctl_fail("bad-request", "set-power: dbm missing or not a number");
	if (!(json_number_value(dbm) >= -50.0 && json_number_value(dbm) <= 60.0))
		return ctl_fail("invalid", "set-power: %g dBm is out of range (-50..60)",
			    json_number_value(dbm));
	if (!json_object_get(req, "node"))
		return ctl_fail("bad-request", "set-power: node missing");
	if ((err = ctl_find_node(conn->ctl, json_object_get(req, "node"), "node", true, &node, &created)))
		return err;
	hub_run(conn->ctl->hub);
	medium_node_set_tx_power(conn->ctl->hub->medium, node, json_number_value(dbm));
	return ctl_node_json(conn->ctl, node, created);
}

static json_t *pin_common(struct ctl_conn *conn, json_t *req, bool pin)
{
	struct medium *m = conn->ctl->hub->medium;
	json_t *snr = json_object_get(req, "snr"), *loss = json_object_get(req, "loss");
	json_t *both = json_object_get(req, "both"), *err;
	const char *cmd = pin ? "pin" : "unpin";
	bool created_a, created_b, two_way = true;
	int a, b;

	if (both) {
		if (!json_is_boolean(both))
			return ctl_fail("bad-request", "%s: both must be true or false", cmd);
		two_way = json_is_true(both);
	}
	if (pin) {
		if (!!snr == !!loss)
			return ctl_fail("bad-request", "pin: give exactly one of snr and loss");
		if (snr && !json_is_number(snr))
			return ctl_fail("bad-request", "pin: snr is not a number");
		if (loss && !json_is_number(loss))
			return ctl_fail("bad-request", "pin: loss is not a number");
		if (snr && !(fabs(json_number_value(snr)) <= 200.0))
			return ctl_fail("invalid", "pin: snr %g dB out of range (-200..200)",
				    json_number_value(snr));
		if (loss && !(json_number_value(loss) >= 0.0 && json_number_value(loss) <= 1.0))
			return ctl_fail("invalid", "pin: loss %g is not a probability (0..1)",
				    json_number_value(loss));
	}
	if (!json_object_get(req, "from") || !json_object_get(req, "to"))
		return ctl_fail("bad-request", "%s: from and to are needed", cmd);
	if ((err = ctl_find_node(conn->ctl, json_object_get(req, "from"), "from", pin, &a, &created_a)) ||
	    (err = ctl_find_node(conn->ctl, json_object_get(req, "to"), "to", pin, &b, &created_b)))
		return err;
	if (a == b)
		return ctl_fail("invalid", "%s: from and to are the same node (%d)", cmd, a);
	hub_run(conn->ctl->hub);
	for (int dir = 0; dir < (two_way ? 2 : 1); dir++) {
		int x = dir ? b : a, y = dir ? a : b;

		if (!pin)
			medium_link_clear(m, x, y);
		else if (snr)
			medium_link_set_snr(m, x, y, json_number_value(snr));
		else
			medium_link_set_prob(m, x, y, json_number_value(loss));
	}
	return json_pack("{s:i, s:i, s:b}", "from", a, "to", b, "both", two_way);
}

static json_t *cmd_pin(struct ctl_conn *conn, json_t *req)
{
	return pin_common(conn, req, true);
}

static json_t *cmd_unpin(struct ctl_conn *conn, json_t *req)
{
	return pin_common(conn, req, false);
}

static json_t *cmd_reload(struct ctl_conn *conn, json_t *req)
{
	struct ctl *ctl = conn->ctl;
	char err[1024] = "";

	if (!ctl->ops.reload || !ctl->ops.config)
		return ctl_fail("failed", "reload: the daemon runs without a config file (-c)");
	if (ctl->ops.reload(ctl->ops.opaque, err, sizeof(err)) < 0)
		return ctl_fail("failed", "reload: %s", err);
	return json_pack("{s:i}", "nodes", medium_node_count(ctl->hub->medium));
}

/* ------------------------------------------------------------- captures */

static json_t *cmd_capture_start(struct ctl_conn *conn, json_t *req)
{
	json_t *file = json_object_get(req, "file"), *over = json_object_get(req, "overwrite");
	struct capture_recorder *r = conn->ctl->ops.recorder;
	const char *name;
	int ret;

	if (!json_is_string(file) || !json_string_length(file))
		return ctl_fail("bad-request", "capture-start: file missing or not a string");
	if (over && !json_is_boolean(over))
		return ctl_fail("bad-request", "capture-start: overwrite is not true or false");
	if (!r || r->dirfd < 0)
		return ctl_fail("failed", "capture-start: the daemon has no capture directory "
				"(start it with --capture-dir DIR)");
	name = json_string_value(file);
	ret = capture_recorder_start_beneath(r, name, over && json_is_true(over));
	switch (ret) {
	case 0:
		return json_pack("{s:s}", "file", capture_file_path(r->file));
	case -EEXIST:
		return ctl_fail("failed", "capture-start: %s exists in %s (overwrite to replace it)",
				name, r->dir);
	case -EXDEV:
	case -ELOOP:
		return ctl_fail("failed", "capture-start: %s: not beneath %s without a symbolic link",
				name, r->dir);
	case -EINVAL:
	case -ENXIO:	/* a FIFO with no reader, opened without waiting for one */
		return ctl_fail("failed", "capture-start: %s: not a regular file", name);
	default:
		return ctl_fail("failed", "capture-start: %s: %s", name, strerror(-ret));
	}
}

static json_t *cmd_capture_stop(struct ctl_conn *conn, json_t *req)
{
	struct capture_recorder *r = conn->ctl->ops.recorder;
	struct capture_stats st;
	json_t *file;

	if (!r || !r->file)
		return ctl_fail("not-found", "capture-stop: no capture is running");
	file = json_string(capture_file_path(r->file));
	capture_recorder_stop(r, &st);
	return json_pack("{s:o, s:I, s:I}", "file", file, "records", (json_int_t)st.records,
			 "dropped", (json_int_t)st.dropped);
}

static json_t *cmd_capture(struct ctl_conn *conn, json_t *req)
{
	struct capture_filter f = { .nfreqs = 0 };
	json_t *freq = json_object_get(req, "freq"), *radio = json_object_get(req, "radio");
	json_t *freqs = json_array(), *err;

	if (freq) {
		json_t *list = json_is_array(freq) ? freq : NULL;
		size_t n = list ? json_array_size(list) : 1;

		if (n > CAPTURE_MAX_FREQS) {
			json_decref(freqs);
			return ctl_fail("invalid", "capture: at most %d frequencies", CAPTURE_MAX_FREQS);
		}
		for (size_t i = 0; i < n; i++) {
			json_t *e = list ? json_array_get(list, i) : freq;

			if (!json_is_integer(e) || json_integer_value(e) < 1 ||
			    json_integer_value(e) > 100000) {
				json_decref(freqs);
				return ctl_fail("bad-request", "capture: freq wants MHz (an integer 1..100000)");
			}
			f.freqs[f.nfreqs++] = (uint32_t)json_integer_value(e);
			json_array_append_new(freqs, json_integer(json_integer_value(e)));
		}
	}
	if (radio) {
		struct medium_radio_info ri;
		int slot;

		if ((err = find_radio(conn->ctl, radio, "radio", &slot, &ri))) {
			json_decref(freqs);
			return err;
		}
		f.has_radio = true;
		f.client = ri.client;
		memcpy(f.radio, ri.id, 6);
	}
	conn->start_capture = true;
	conn->cap_filter = f;
	return json_pack("{s:o, s:o}", "freq", freqs, "radio",
			 f.has_radio ? json_mac(f.radio) : json_null());
}

/* ---------------------------------------------------------------- events */

static const struct {
	const char *name;
	unsigned bit;
} event_names[] = {
	{ "radio", CTL_EV_RADIO },
	{ "frame", CTL_EV_FRAME },
	{ "drop", CTL_EV_DROP },
};

static json_t *cmd_subscribe(struct ctl_conn *conn, json_t *req)
{
	json_t *ev = json_object_get(req, "events"), *names = json_array();
	unsigned mask = 0;

	if (!ev) {
		mask = CTL_EV_RADIO | CTL_EV_FRAME | CTL_EV_DROP;
	} else if (!json_is_array(ev)) {
		json_decref(names);
		return ctl_fail("bad-request", "subscribe: events wants a list of radio, frame, drop");
	}
	for (size_t i = 0; ev && i < json_array_size(ev); i++) {
		const char *s = json_string_value(json_array_get(ev, i));
		size_t k;

		for (k = 0; s && k < ARRAY_SIZE(event_names); k++)
			if (!strcmp(s, event_names[k].name))
				break;
		if (!s || k == ARRAY_SIZE(event_names)) {
			json_decref(names);
			return ctl_fail("bad-request", "subscribe: unknown event kind (want radio, frame, drop)");
		}
		mask |= event_names[k].bit;
	}
	for (size_t k = 0; k < ARRAY_SIZE(event_names); k++)
		if (mask & event_names[k].bit)
			json_array_append_new(names, json_string(event_names[k].name));
	conn->events = mask;
	return json_pack("{s:o}", "events", names);
}

/*
 * A mesh peering frame (802.11-2020 9.6.16: a self-protected action, category
 * 15, action 1 open, 2 confirm, 3 close): what makes and ends a mesh link,
 * as (re)association does a station's. NULL for any other action.
 */
static const char *mesh_peering_kind(const struct ieee80211_hdr_info *h, const uint8_t *frame,
				     uint32_t len)
{
	static const char *const kinds[] = { NULL, "mesh-peering-open", "mesh-peering-confirm",
					     "mesh-peering-close" };

	if (h->protected || len < h->hdr_len + 2 || frame[h->hdr_len] != 15 ||
	    frame[h->hdr_len + 1] >= ARRAY_SIZE(kinds))
		return NULL;
	return kinds[frame[h->hdr_len + 1]];
}

/* The association-relevant kind of a frame whose header is h, or NULL. */
static const char *frame_kind(const struct ieee80211_hdr_info *h, const uint8_t *frame,
			      uint32_t len)
{
	static const uint8_t eapol_snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e };

	if (h->type == IEEE80211_FTYPE_MGMT) {
		switch (h->subtype) {
		case IEEE80211_STYPE_AUTH:
			return "auth";
		case IEEE80211_STYPE_DEAUTH:
			return "deauth";
		case IEEE80211_STYPE_ASSOC_REQ:
			return "assoc-req";
		case IEEE80211_STYPE_ASSOC_RESP:
			return "assoc-resp";
		case IEEE80211_STYPE_REASSOC_REQ:
			return "reassoc-req";
		case IEEE80211_STYPE_REASSOC_RESP:
			return "reassoc-resp";
		case IEEE80211_STYPE_DISASSOC:
			return "disassoc";
		case IEEE80211_STYPE_ACTION:
			return mesh_peering_kind(h, frame, len);
		default:
			return NULL;
		}
	}
	if (h->type == IEEE80211_FTYPE_DATA && !h->protected &&
	    len >= h->hdr_len + sizeof(eapol_snap) &&
	    !memcmp(frame + h->hdr_len, eapol_snap, sizeof(eapol_snap)))
		return "eapol";
	return NULL;
}

static const char *next_name(enum medium_air_next next)
{
	switch (next) {
	case MEDIUM_NEXT_DONE:
		return "done";
	case MEDIUM_NEXT_ACK:
		return "ack";
	case MEDIUM_NEXT_RETRY:
		return "retry";
	case MEDIUM_NEXT_FAIL:
		return "fail";
	}
	return "?";
}

static bool anyone_wants(const struct ctl *ctl, unsigned bit)
{
	for (const struct ctl_conn *c = ctl->conns.next; c != &ctl->conns; c = c->next)
		if (c->events & bit)
			return true;
	return false;
}

void ctl_event_air(struct ctl *ctl, const struct medium_air *a)
{
	struct ieee80211_hdr_info h;
	const uint8_t *body;
	const char *kind;
	json_t *heard, *ev;

	if (a->kind != MEDIUM_AIR_DATA || !anyone_wants(ctl, CTL_EV_FRAME) ||
	    ieee80211_parse(a->frame, a->len, &h) < 0 || !(kind = frame_kind(&h, a->frame, a->len)))
		return;
	heard = json_array();
	for (uint32_t i = 0; i < a->nrx; i++)
		if (a->rx[i].fate == MEDIUM_FATE_OK)
			json_array_append_new(heard, json_mac(a->rx[i].radio));
	ev = json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:I, s:i, s:s, s:o}", "event", "frame",
		       "time_us", (json_int_t)a->end_us, "type", kind, "radio",
		       json_mac(a->radio), "from", h.addr2 ? json_mac(h.addr2) : json_null(),
		       "to", h.addr1 ? json_mac(h.addr1) : json_null(), "freq",
		       (json_int_t)a->freq, "attempt", (int)a->attempt, "next",
		       next_name(a->next), "heard_by", heard);
	/*
	 * An authentication's fixed fields say which exchange it is (open, SAE,
	 * FT: a roam) and how it went. Shared Key's third frame is encrypted.
	 */
	body = a->frame + h.hdr_len;
	if (ev && !strcmp(kind, "auth") && !h.protected && a->len >= h.hdr_len + 6) {
		json_object_set_new(ev, "auth_alg", json_integer(body[0] | body[1] << 8));
		json_object_set_new(ev, "auth_seq", json_integer(body[2] | body[3] << 8));
		json_object_set_new(ev, "status", json_integer(body[4] | body[5] << 8));
	}
	ctl_broadcast(ctl, CTL_EV_FRAME, ev);
}

void ctl_event_status(struct ctl *ctl, const struct medium_status *st)
{
	static const char *const reasons[] = {
		[MEDIUM_DROP_RETRIES] = "retries",
		[MEDIUM_DROP_QUEUE] = "queue",
		[MEDIUM_DROP_RATE] = "rate",
		[MEDIUM_DROP_LIMIT] = "limit",
	};
	const char *client;

	if (st->drop == MEDIUM_DROP_NONE || !anyone_wants(ctl, CTL_EV_DROP))
		return;
	client = hub_client_name(ctl->hub, st->client);
	ctl_broadcast(ctl, CTL_EV_DROP,
		      json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:I, s:I}", "event", "drop",
				"time_us", (json_int_t)st->time_us, "reason", reasons[st->drop],
				"client", client ? client : "?", "radio", json_mac(st->radio), "to",
				json_mac(st->dst), "freq", (json_int_t)st->freq, "len",
				(json_int_t)st->len));
}

void ctl_event_notice(struct ctl *ctl, const struct medium_notice *n)
{
	const char *client;

	if ((n->kind != MEDIUM_NOTICE_RADIO_NEW && n->kind != MEDIUM_NOTICE_RADIO_GONE) ||
	    !anyone_wants(ctl, CTL_EV_RADIO))
		return;
	client = hub_client_name(ctl->hub, n->client);
	ctl_broadcast(ctl, CTL_EV_RADIO,
		      json_pack("{s:s, s:I, s:s, s:o}", "event",
				n->kind == MEDIUM_NOTICE_RADIO_NEW ? "radio-up" : "radio-down",
				"time_us", (json_int_t)hub_now(ctl->hub), "client",
				client ? client : "?", "radio", json_mac(n->radio)));
}

/* ------------------------------------------------------------- dispatch */

static const struct {
	const char *name;
	json_t *(*fn)(struct ctl_conn *conn, json_t *req);
} commands[] = {
	{ "status", cmd_status },
	{ "radios", cmd_radios },
	{ "nodes", cmd_nodes },
	{ "links", cmd_links },
	{ "move", cmd_move },
	{ "mobility", ctl_cmd_mobility },
	{ "set-power", cmd_set_power },
	{ "pin", cmd_pin },
	{ "unpin", cmd_unpin },
	{ "reload", cmd_reload },
	{ "capture-start", cmd_capture_start },
	{ "capture-stop", cmd_capture_stop },
	{ "capture", cmd_capture },
	{ "subscribe", cmd_subscribe },
};

json_t *ctl_run(struct ctl_conn *conn, json_t *req)
{
	json_t *id = json_is_object(req) ? json_object_get(req, "id") : NULL;
	json_t *cmd = json_is_object(req) ? json_object_get(req, "cmd") : NULL;
	json_t *body = NULL, *reply;
	const char *name;

	if (!json_is_object(req))
		body = ctl_fail("bad-request", "a request is a JSON object");
	else if (!json_is_string(cmd))
		body = ctl_fail("bad-request", "cmd missing or not a string");
	if (!body) {
		name = json_string_value(cmd);
		for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
			if (!strcmp(name, commands[i].name))
				body = commands[i].fn(conn, req);
		if (!body)
			body = ctl_fail("unknown-command", "no command '%.64s'", name);
	}
	if (is_error(body)) {
		reply = body;
	} else {
		reply = json_pack("{s:b, s:o}", "ok", 1, "result", body);
	}
	json_object_set(reply, "id", id ? id : json_null());
	return reply;
}
