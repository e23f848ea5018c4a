/* SPDX-License-Identifier: MIT */
#include "wm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/capture.h"
#include "daemon/config.h"
#include "proto/hwsim.h"
#include "util/util.h"

/* Large enough for any message we encode: a 2304-byte frame and its attributes. */
#define OUT_MAX 4096

static struct wm_client *client_of(struct wm *wm, uint32_t id)
{
	return id < wm->nclients_cap ? wm->clients[id] : NULL;
}

static void client_send(struct wm *wm, struct wm_client *c, const void *buf, ssize_t len,
			const char *what)
{
	int ret;

	if (len < 0) {
		log_ratelimited(&wm->lim, LOG_LEVEL_ERROR, "%s: cannot encode %s: %s", c->name,
				what, strerror((int)-len));
		return;
	}
	ret = c->ops->send(c, buf, (size_t)len);
	if (ret < 0) {
		c->c.send_errors++;
		log_ratelimited(&c->lim, LOG_LEVEL_WARN, "%s: %s not sent: %s", c->name, what,
				strerror(-ret));
		return;
	}
	c->c.msgs_out++;
}

static void on_deliver(void *opaque, const struct medium_rx *rx)
{
	struct wm *wm = opaque;
	struct wm_client *c = client_of(wm, rx->client);
	uint8_t buf[OUT_MAX];

	if (!c)
		return;
	if (log_get_level() >= LOG_LEVEL_DEBUG) {
		char id[MAC_STR_LEN];

		log_debug("%s: %s receives %u B at %d dBm, %u MHz, rate %s %u", c->name,
			  mac_format(rx->radio, id), rx->len, rx->signal_dbm, rx->freq,
			  phy_mode_name(rx->rate.mode), rx->rate.mcs);
	}
	client_send(wm, c, buf, hwsim_encode_rx(buf, sizeof(buf), c->nl_type, rx), "frame");
}

static void on_status(void *opaque, const struct medium_status *st)
{
	struct wm *wm = opaque;
	struct wm_client *c = client_of(wm, st->client);
	uint8_t buf[OUT_MAX];

	if (!c)
		return;
	if (log_get_level() >= LOG_LEVEL_DEBUG) {
		char id[MAC_STR_LEN];

		log_debug("%s: %s cookie %llu %s after %u/%u/%u/%u attempts", c->name,
			  mac_format(st->radio, id), (unsigned long long)st->cookie,
			  st->acked ? "acked" : "not acked", st->rates[0].count, st->rates[1].count,
			  st->rates[2].count, st->rates[3].count);
	}
	client_send(wm, c, buf, hwsim_encode_status(buf, sizeof(buf), c->nl_type, st), "TX status");
	if (wm->obs.status)
		wm->obs.status(wm->obs.opaque, st);
}

const char *wm_client_name(const struct wm *wm, uint32_t id)
{
	const struct wm_client *c = client_of((struct wm *)wm, id);

	return c ? c->name : NULL;
}

const char *wm_capture_namer(void *wm, uint32_t id)
{
	return wm_client_name(wm, id);
}

static void on_air(void *opaque, const struct medium_air *a)
{
	struct wm *wm = opaque;

	if (wm->capture)
		capture_air(capture_file_capture(wm->capture), a, wm_capture_namer, wm);
	if (wm->obs.air)
		wm->obs.air(wm->obs.opaque, a);
}

int wm_capture_start(struct wm *wm, const char *path)
{
	struct capture_file *cf = capture_file_open(path, wm->epoch_us, 0);

	if (!cf)
		return -errno;
	if (wm->capture)
		wm_capture_stop(wm, NULL);
	wm->capture = cf;
	log_notice("capture: writing %s", path);
	return 0;
}

int wm_capture_stop(struct wm *wm, struct capture_stats *s)
{
	struct capture_stats st;
	char *path;
	int err;

	if (!wm->capture)
		return -ENOENT;
	path = xstrdup(capture_file_path(wm->capture));
	err = capture_file_error(wm->capture);
	capture_file_close(wm->capture, &st);
	wm->capture = NULL;
	if (err)
		log_error("capture: %s: %s; %llu records written before, %llu dropped", path,
			  strerror(err), (unsigned long long)st.records,
			  (unsigned long long)st.dropped);
	else
		log_notice("capture: closed %s: %llu records, %llu dropped", path,
			   (unsigned long long)st.records, (unsigned long long)st.dropped);
	free(path);
	if (s)
		*s = st;
	return 0;
}

static void on_notice(void *opaque, const struct medium_notice *n)
{
	struct wm *wm = opaque;
	struct wm_client *c = client_of(wm, n->client);
	const char *name = c ? c->name : "?";
	char id[MAC_STR_LEN], a[MAC_STR_LEN];

	mac_format(n->radio, id);
	if (wm->obs.notice)
		wm->obs.notice(wm->obs.opaque, n);
	switch (n->kind) {
	case MEDIUM_NOTICE_RADIO_NEW:
		log_info("%s: radio %s appeared", name, id);
		break;
	case MEDIUM_NOTICE_RADIO_GONE:
		log_info("%s: radio %s gone", name, id);
		break;
	case MEDIUM_NOTICE_DUP_ADDR: {
		struct wm_client *o = client_of(wm, n->other_client);

		log_warn("%s: radio %s answers to %s, which a radio of %s uses too: frames to it "
			 "reach only one of them. Give each guest's radios unique addresses "
			 "(PERM_ADDR, e.g. airport --radios)",
			 name, id, mac_format(n->addr, a), o ? o->name : "another client");
		break;
	}
	case MEDIUM_NOTICE_NODE_BOUND:
		if (n->addr)
			log_info("%s: radio %s placed on configured node %d (%s)", name, id, n->node,
				 mac_format(n->addr, a));
		else if (n->node_name)
			log_info("%s: radio %s placed on configured node %d (\"%s\")", name, id, n->node,
				 n->node_name);
		else
			log_info("%s: radio %s placed on configured node %d", name, id, n->node);
		break;
	}
}

static const struct medium_ops wm_medium_ops = { on_deliver, on_status, on_notice, on_air };

int wm_init(struct wm *wm, struct loop *loop, const struct medium_params *p)
{
	memset(wm, 0, sizeof(*wm));
	wm->loop = loop;
	wm->params = *p;
	wm->t0 = loop_now_us();
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		wm->epoch_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	}
	wm->medium = medium_new(p, &wm_medium_ops, wm);
	return 0;
}

void wm_deinit(struct wm *wm)
{
	wm_capture_stop(wm, NULL);
	medium_free(wm->medium);
	for (uint32_t i = 0; i < wm->nclients_cap; i++)
		free(wm->clients[i]);
	free(wm->clients);
	memset(wm, 0, sizeof(*wm));
}

uint64_t wm_now(const struct wm *wm)
{
	return loop_now_us() - wm->t0;
}

struct wm_client *wm_client_new(struct wm *wm, const char *name, uint16_t nl_type,
				const struct wm_client_ops *ops, void *priv)
{
	struct wm_client *c = xcalloc(1, sizeof(*c));
	uint32_t id;

	/* The lowest free id: the medium forgot everything of a freed one. */
	for (id = 0; id < wm->nclients_cap; id++)
		if (!wm->clients[id])
			break;
	if (id == wm->nclients_cap) {
		uint32_t cap = wm->nclients_cap ? 2 * wm->nclients_cap : 16;

		wm->clients = xreallocarray(wm->clients, cap, sizeof(*wm->clients));
		memset(&wm->clients[wm->nclients_cap], 0,
		       (cap - wm->nclients_cap) * sizeof(*wm->clients));
		wm->nclients_cap = cap;
	}
	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->nl_type = nl_type;
	c->ops = ops;
	c->priv = priv;
	wm->clients[id] = c;
	medium_client_set_name(wm->medium, id, c->name);
	log_info("%s: connected", c->name);
	return c;
}

void wm_client_free(struct wm *wm, struct wm_client *c)
{
	if (!c)
		return;
	medium_run(wm->medium, wm_now(wm));
	medium_client_gone(wm->medium, c->id);
	log_info("%s: disconnected (%lu messages in, %lu bad, %lu out, %lu send errors)", c->name,
		 (unsigned long)c->c.msgs_in, (unsigned long)c->c.bad_msgs,
		 (unsigned long)c->c.msgs_out, (unsigned long)c->c.send_errors);
	wm->clients[c->id] = NULL;
	free(c);
}

static int bad(struct wm_client *c, int err, const char *what, const char *why)
{
	c->c.bad_msgs++;
	log_ratelimited(&c->lim, LOG_LEVEL_WARN, "%s: %s rejected: %s", c->name, what, why);
	return err;
}

int wm_client_input(struct wm *wm, struct wm_client *c, const void *buf, size_t len)
{
	struct hwsim_msg msg;
	struct medium_tx tx;
	const char *why = "?";
	uint8_t out[OUT_MAX];
	int ret;

	c->c.msgs_in++;
	ret = hwsim_decode(buf, len, &msg, &why);
	if (ret < 0)
		return bad(c, ret, "hwsim message", why);

	switch (msg.cmd) {
	case HWSIM_CMD_FRAME:
		if (!hwsim_is_tx_frame(&msg))
			return bad(c, -EINVAL, "FRAME", "a delivery, not a transmission");
		c->c.frames_in++;
		if (hwsim_to_medium_tx(&msg, c->id, &tx, &why) < 0) {
			/* Still answer the cookie, or the guest's pending queue fills up. */
			client_send(wm, c, out,
				    hwsim_encode_tx_failed(out, sizeof(out), c->nl_type, 0, &msg),
				    "TX status");
			return bad(c, -EINVAL, "FRAME", why);
		}
		if (log_get_level() >= LOG_LEVEL_DEBUG) {
			char id[MAC_STR_LEN], dst[MAC_STR_LEN];

			log_debug("%s: %s sends %u B to %s, %u MHz, cookie %llu, flags %#x, rates %d/%u %d/%u %d/%u %d/%u",
				  c->name, mac_format(tx.radio, id), tx.len, mac_format(tx.dst, dst),
				  tx.freq, (unsigned long long)tx.cookie, tx.flags,
				  tx.rates[0].idx, tx.rates[0].count, tx.rates[1].idx, tx.rates[1].count,
				  tx.rates[2].idx, tx.rates[2].count, tx.rates[3].idx, tx.rates[3].count);
		}
		/* A rate chain no PHY can send gets its failed status inside. */
		medium_tx(wm->medium, wm_now(wm), &tx);
		return 0;
	case HWSIM_CMD_ADD_MAC_ADDR:
	case HWSIM_CMD_DEL_MAC_ADDR:
		if (!hwsim_has(&msg, HWSIM_ATTR_ADDR_TRANSMITTER) ||
		    !hwsim_has(&msg, HWSIM_ATTR_ADDR_RECEIVER))
			return bad(c, -EINVAL, "MAC address change", "missing an address");
		if (msg.cmd == HWSIM_CMD_ADD_MAC_ADDR)
			ret = medium_addr_add(wm->medium, c->id, msg.transmitter, msg.receiver);
		else
			ret = medium_addr_del(wm->medium, c->id, msg.transmitter, msg.receiver);
		if (ret == -EINVAL)
			return bad(c, ret, "MAC address change", "group address");
		return 0;
	default:
		log_debug("%s: ignoring hwsim command %u", c->name, msg.cmd);
		return 0;
	}
}

void wm_apply_config(struct wm *wm, const struct wm_config *cfg, const struct medium_params *base)
{
	struct medium_params p = *base;
	size_t i;

	p.interference = cfg->interference;
	p.fading_db = cfg->fading_db;
	switch (cfg->model) {
	case CONFIG_MODEL_NONE:
		p.link_model = MEDIUM_LINK_SNR;
		p.default_snr_db = cfg->default_snr_db;
		break;
	case CONFIG_MODEL_SNR:
		p.link_model = MEDIUM_LINK_SNR;
		p.default_snr_db = cfg->default_snr_db;
		break;
	case CONFIG_MODEL_PROB:
		p.link_model = MEDIUM_LINK_PROB;
		p.default_snr_db = cfg->default_snr_db;
		p.default_prob = cfg->default_prob;
		break;
	case CONFIG_MODEL_PATH_LOSS:
		p.link_model = MEDIUM_LINK_PATH_LOSS;
		p.prop = cfg->prop;
		break;
	}
	/* mininet-wifi's noise_threshold is the noise floor at 20 MHz: fold it into the NF. */
	if (cfg->has_noise_threshold)
		p.noise_figure_db = cfg->noise_threshold_dbm - prop_noise_dbm(20, 0);
	wm->params = p;
	medium_set_params(wm->medium, &p);

	medium_nodes_clear(wm->medium);
	for (i = 0; i < cfg->n_radios; i++) {
		const struct config_radio *r = &cfg->radios[i];
		struct medium_node_conf nc = {
			.has_mac = true,
			.tx_power_dbm = r->has_tx_power ? r->tx_power_dbm : p.default_tx_power_dbm,
			.antenna_gain_dbi = r->antenna_gain_dbi,
			.medium_id = r->medium_id,
		};

		memcpy(nc.mac, r->mac, 6);
		if (r->has_pos)
			memcpy(nc.pos, r->pos, sizeof(nc.pos));
		if (medium_node_add(wm->medium, &nc) != (int)i)
			log_error("config: radio %zu could not be placed", i);
	}
	/* Our nodes: VMs placed by name, radios by MAC. Node ids follow ifaces.ids'. */
	for (i = 0; i < cfg->n_nodes; i++) {
		const struct config_node *cn = &cfg->nodes[i];
		struct medium_node_conf nc = {
			.name = cn->has_mac ? NULL : cn->name,
			.has_mac = cn->has_mac,
			.tx_power_dbm = cn->has_tx_power ? cn->tx_power_dbm : p.default_tx_power_dbm,
			.antenna_gain_dbi = cn->antenna_gain_dbi,
			.medium_id = cn->medium_id,
		};

		memcpy(nc.mac, cn->mac, 6);
		memcpy(nc.pos, cn->pos, sizeof(nc.pos));
		if (medium_node_add(wm->medium, &nc) < 0)
			log_error("config: node at line %d could not be placed", cn->line);
	}
	for (i = 0; i < cfg->n_links; i++) {
		const struct config_link *l = &cfg->links[i];

		if (cfg->model == CONFIG_MODEL_PROB)
			medium_link_set_prob(wm->medium, l->a, l->b, l->value);
		else
			medium_link_set_snr(wm->medium, l->a, l->b, l->value);
	}
}

static void timer_cb(void *opaque)
{
	wm_sync(opaque);
}

int wm_add_flush(struct wm *wm, void (*fn)(void *opaque), void *opaque)
{
	for (size_t i = 0; i < ARRAY_SIZE(wm->flush); i++) {
		if (!wm->flush[i].fn) {
			wm->flush[i].fn = fn;
			wm->flush[i].opaque = opaque;
			return 0;
		}
	}
	return -ENOSPC;
}

void wm_del_flush(struct wm *wm, void (*fn)(void *opaque), void *opaque)
{
	for (size_t i = 0; i < ARRAY_SIZE(wm->flush); i++)
		if (wm->flush[i].fn == fn && wm->flush[i].opaque == opaque)
			wm->flush[i].fn = NULL;
}

void wm_sync(struct wm *wm)
{
	uint64_t next;

	medium_run(wm->medium, wm_now(wm));
	if (wm->capture)
		capture_file_kick(wm->capture);
	for (size_t i = 0; i < ARRAY_SIZE(wm->flush); i++)
		if (wm->flush[i].fn)
			wm->flush[i].fn(wm->flush[i].opaque);
	next = medium_next_event(wm->medium);
	loop_set_timer(wm->loop, next == UINT64_MAX ? UINT64_MAX : wm->t0 + next, timer_cb, wm);
}
