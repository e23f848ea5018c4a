/* SPDX-License-Identifier: MIT */
#include "hub.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/hwsim.h"
#include "util/util.h"

/* Large enough for any message we encode: a 2304-byte frame and its attributes. */
#define OUT_MAX 4096

static void hook_remove(struct hub *hub, size_t i);
static void air_watch(struct hub *hub);
static void dispatch_end(struct hub *hub);

enum hub_event { HUB_AIR, HUB_STATUS, HUB_NOTICE };

/* Every observer that wants ev. Hooks added meanwhile wait for the next event. */
static void observers(struct hub *hub, enum hub_event ev, const void *arg)
{
	hub->dispatching++;
	for (size_t i = 0, n = hub->nhooks; i < n; i++) {
		const struct hub_hook *h = &hub->hooks[i];

		if (!h->obs || h->dead)
			continue;
		switch (ev) {
		case HUB_AIR:
			if (h->obs->air)
				h->obs->air(h->data, arg);
			break;
		case HUB_STATUS:
			if (h->obs->status)
				h->obs->status(h->data, arg);
			break;
		case HUB_NOTICE:
			if (h->obs->notice)
				h->obs->notice(h->data, arg);
			break;
		}
	}
	dispatch_end(hub);
}

static struct hub_client *client_of(struct hub *hub, uint32_t id)
{
	return id < hub->nclients_cap ? hub->clients[id] : NULL;
}

/* Send, or with verdict ask the peer whether it took it: 1 taken (or cannot tell), 0 refused. */
static int client_send_v(struct hub *hub, struct hub_client *c, const void *buf, ssize_t len,
			 const char *what, bool verdict)
{
	int ret;

	if (len < 0) {
		log_ratelimited(&hub->lim, LOG_LEVEL_ERROR, "%s: cannot encode %s: %s", c->name,
				what, strerror((int)-len));
		return 1;
	}
	if (verdict && c->ops->send_verdict)
		ret = c->ops->send_verdict(c, buf, (size_t)len);
	else
		ret = c->ops->send(c, buf, (size_t)len);
	if (ret < 0) {
		c->c.send_errors++;
		log_ratelimited(&c->lim, LOG_LEVEL_WARN, "%s: %s not sent: %s", c->name, what,
				strerror(-ret));
		return 1;
	}
	c->c.msgs_out++;
	return verdict && c->ops->send_verdict ? ret : 1;
}

static void client_send(struct hub *hub, struct hub_client *c, const void *buf, ssize_t len,
			const char *what)
{
	client_send_v(hub, c, buf, len, what, false);
}

/* How far ahead of the clock a round runs the medium, and at most how many steps. */
#define HUB_AHEAD_US 50
#define HUB_AHEAD_MAX 256

static void late(struct hist *h, uint64_t now, uint64_t due)
{
	hist_add(h, now > due ? now - due : 0);
}

static bool on_deliver(void *opaque, const struct medium_rx *rx)
{
	struct hub *hub = opaque;
	struct hub_client *c = client_of(hub, rx->client);
	uint8_t buf[OUT_MAX];

	if (!c)
		return true;
	late(&hub->late_rx, hub->run_now, rx->time_us);
	/*
	 * A guest's hwsim has no bitrates for S1G (900 MHz): no RX_RATE is
	 * valid there and its receive path drops every frame a medium sends
	 * on it. The frame was on the air; no radio can take it: refused.
	 */
	if (!hwsim_band_rates(rx->freq)) {
		if (!hub->s1g_noted) {
			hub->s1g_noted = true;
			log_notice("%s: frames on %u MHz (S1G) reach no radio: hwsim has no bitrates "
				   "there", c->name, rx->freq);
		}
		return false;
	}
	/*
	 * An addressee the medium believes on another channel: its kernel, if
	 * it can be asked, knows better; else the belief stands and the frame
	 * is refused, as that kernel would.
	 */
	if (rx->elsewhere && !(rx->need_verdict && c->ops->send_verdict))
		return false;
	if (log_get_level() >= LOG_LEVEL_DEBUG) {
		char id[MAC_STR_LEN];

		log_debug("%s: %s receives %u B at %d dBm, %u MHz, rate %s %u", c->name,
			  mac_format(rx->radio, id), rx->len, rx->signal_dbm, rx->freq,
			  phy_mode_name(rx->rate.mode), rx->rate.mcs);
	}
	return client_send_v(hub, c, buf, hwsim_encode_rx(buf, sizeof(buf), c->nl_type, rx), "frame",
			     rx->need_verdict) != 0;
}

static void on_status(void *opaque, const struct medium_status *st)
{
	struct hub *hub = opaque;
	struct hub_client *c = client_of(hub, st->client);
	uint8_t buf[OUT_MAX];

	if (!c)
		return;
	late(&hub->late_status, hub->run_now, st->time_us);
	if (log_get_level() >= LOG_LEVEL_DEBUG) {
		char id[MAC_STR_LEN];

		log_debug("%s: %s cookie %llu %s after %u/%u/%u/%u attempts", c->name,
			  mac_format(st->radio, id), (unsigned long long)st->cookie,
			  st->acked ? "acked" : "not acked", st->rates[0].count, st->rates[1].count,
			  st->rates[2].count, st->rates[3].count);
	}
	client_send(hub, c, buf, hwsim_encode_status(buf, sizeof(buf), c->nl_type, st), "TX status");
	observers(hub, HUB_STATUS, st);
}

const char *hub_client_name(const struct hub *hub, uint32_t id)
{
	const struct hub_client *c = client_of((struct hub *)hub, id);

	return c ? c->name : NULL;
}

static bool name_taken(const struct hub *hub, const char *name)
{
	for (uint32_t i = 0; i < hub->nclients_cap; i++)
		if (hub->clients[i] && !strcmp(hub->clients[i]->name, name))
			return true;
	return false;
}

void hub_unique_name(const struct hub *hub, const char *want, char *out, size_t size)
{
	snprintf(out, size, "%s", want);
	for (unsigned int k = 2; name_taken(hub, out); k++) {
		char suffix[16];
		int n = snprintf(suffix, sizeof(suffix), "-%u", k);

		snprintf(out, size, "%.*s%s", (int)(size - 1 - (size_t)n), want, suffix);
	}
}

const char *hub_client_namer(void *hub, uint32_t id)
{
	return hub_client_name(hub, id);
}

static void on_air(void *opaque, const struct medium_air *a)
{
	struct hub *hub = opaque;

	observers(hub, HUB_AIR, a);
}

static void on_notice(void *opaque, const struct medium_notice *n)
{
	struct hub *hub = opaque;
	struct hub_client *c = client_of(hub, n->client);
	const char *name = c ? c->name : "?";
	char id[MAC_STR_LEN], a[MAC_STR_LEN];

	mac_format(n->radio, id);
	observers(hub, HUB_NOTICE, n);
	switch (n->kind) {
	case MEDIUM_NOTICE_RADIO_NEW:
		log_info("%s: radio %s appeared", name, id);
		break;
	case MEDIUM_NOTICE_RADIO_GONE:
		log_info("%s: radio %s gone", name, id);
		break;
	case MEDIUM_NOTICE_DUP_ADDR: {
		struct hub_client *o = client_of(hub, n->other_client);

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

static const struct medium_ops hub_medium_ops = { on_deliver, on_status, on_notice, on_air };

void hub_init(struct hub *hub, struct loop *loop, const struct medium_params *p)
{
	struct timespec ts;

	memset(hub, 0, sizeof(*hub));
	hub->loop = loop;
	hub->params = *p;
	hub->t0 = loop_now_us();
	clock_gettime(CLOCK_REALTIME, &ts);
	hub->epoch_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	hub->medium = medium_new(p, &hub_medium_ops, hub);
	air_watch(hub);
}

void hub_deinit(struct hub *hub)
{
	while (hub->nhooks)
		hook_remove(hub, hub->nhooks - 1);
	free(hub->hooks);
	medium_free(hub->medium);
	for (uint32_t i = 0; i < hub->nclients_cap; i++)
		free(hub->clients[i]);
	free(hub->clients);
	memset(hub, 0, sizeof(*hub));
}

uint64_t hub_now(const struct hub *hub)
{
	return loop_now_us() - hub->t0;
}

void hub_run(struct hub *hub)
{
	hub->run_now = hub_now(hub);
	medium_run(hub->medium, hub->run_now);
}

struct hub_client *hub_client_new(struct hub *hub, const char *name, uint16_t nl_type,
				const struct hub_client_ops *ops, void *priv)
{
	struct hub_client *c = xcalloc(1, sizeof(*c));
	uint32_t id;

	/* The lowest free id: the medium forgot everything of a freed one. */
	for (id = 0; id < hub->nclients_cap; id++)
		if (!hub->clients[id])
			break;
	if (id == hub->nclients_cap) {
		uint32_t cap = hub->nclients_cap ? 2 * hub->nclients_cap : 16;

		hub->clients = xreallocarray(hub->clients, cap, sizeof(*hub->clients));
		memset(&hub->clients[hub->nclients_cap], 0,
		       (cap - hub->nclients_cap) * sizeof(*hub->clients));
		hub->nclients_cap = cap;
	}
	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->nl_type = nl_type;
	c->ops = ops;
	c->priv = priv;
	hub->clients[id] = c;
	medium_client_set_name(hub->medium, id, c->name);
	log_info("%s: connected", c->name);
	return c;
}

void hub_client_free(struct hub *hub, struct hub_client *c)
{
	if (!c)
		return;
	hub_run(hub);
	medium_client_gone(hub->medium, c->id);
	log_info("%s: disconnected (%lu messages in, %lu bad, %lu out, %lu send errors)", c->name,
		 (unsigned long)c->c.msgs_in, (unsigned long)c->c.bad_msgs,
		 (unsigned long)c->c.msgs_out, (unsigned long)c->c.send_errors);
	hub->clients[c->id] = NULL;
	free(c);
}

static int bad(struct hub_client *c, int err, const char *what, const char *why)
{
	c->c.bad_msgs++;
	log_ratelimited(&c->lim, LOG_LEVEL_WARN, "%s: %s rejected: %s", c->name, what, why);
	return err;
}

void hub_client_radio_add(struct hub *hub, struct hub_client *c, const uint8_t identity[6])
{
	if (medium_radio_add(hub->medium, c->id, identity) == -ENOSPC)
		bad(c, -ENOSPC, "radio", "past the radio limits");
}

void hub_client_radio_del(struct hub *hub, struct hub_client *c, const uint8_t identity[6])
{
	medium_radio_del(hub->medium, c->id, identity);
}

void hub_client_silence(struct hub *hub, struct hub_client *c)
{
	medium_client_gone(hub->medium, c->id);
}


int hub_client_input(struct hub *hub, struct hub_client *c, const void *buf, size_t len)
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
			client_send(hub, c, out,
				    hwsim_encode_tx_failed(out, sizeof(out), c->nl_type, 0, &msg),
				    "TX status");
			return bad(c, -EINVAL, "FRAME", why);
		}
		if (log_get_level() >= LOG_LEVEL_DEBUG) {
			char id[MAC_STR_LEN], dst[MAC_STR_LEN];

			log_debug("%s: %s sends %u B to %s, %u MHz, cookie %llu, flags %#x, rates "
				  "%d/%u/%#x %d/%u/%#x %d/%u/%#x %d/%u/%#x (index/count/flags)",
				  c->name, mac_format(tx.radio, id), tx.len, mac_format(tx.dst, dst),
				  tx.freq, (unsigned long long)tx.cookie, tx.flags,
				  tx.rates[0].idx, tx.rates[0].count, tx.rates[0].flags,
				  tx.rates[1].idx, tx.rates[1].count, tx.rates[1].flags,
				  tx.rates[2].idx, tx.rates[2].count, tx.rates[2].flags,
				  tx.rates[3].idx, tx.rates[3].count, tx.rates[3].flags);
		}
		/* A rate chain no PHY can send, or a radio past the limits, gets its failed status inside. */
		/* What one wake-up brought arrived together: one clock reading for all. */
		if (medium_tx(hub->medium, loop_time_us(hub->loop) - hub->t0, &tx) == -ENOSPC)
			return bad(c, -ENOSPC, "FRAME", "from a new radio past the radio limits");
		return 0;
	case HWSIM_CMD_ADD_MAC_ADDR:
	case HWSIM_CMD_DEL_MAC_ADDR:
		if (!hwsim_has(&msg, HWSIM_ATTR_ADDR_TRANSMITTER) ||
		    !hwsim_has(&msg, HWSIM_ATTR_ADDR_RECEIVER))
			return bad(c, -EINVAL, "MAC address change", "missing an address");
		if (msg.cmd == HWSIM_CMD_ADD_MAC_ADDR)
			ret = medium_addr_add(hub->medium, c->id, msg.transmitter, msg.receiver);
		else
			ret = medium_addr_del(hub->medium, c->id, msg.transmitter, msg.receiver);
		if (ret == -EINVAL)
			return bad(c, ret, "MAC address change", "group address");
		if (ret == -ENOSPC)
			return bad(c, ret, "MAC address change", "past the radio or address limits");
		return 0;
	default:
		log_debug("%s: ignoring hwsim command %u", c->name, msg.cmd);
		return 0;
	}
}

static void timer_cb(void *opaque)
{
	hub_sync(opaque);
}

/* ---------------------------------------------------------------- hooks */

/*
 * The medium builds reports of the air (a record per receiver of every
 * frame) only while some observer wants them.
 */
static void air_watch(struct hub *hub)
{
	bool want = false;

	for (size_t i = 0; i < hub->nhooks && !want; i++)
		want = hub->hooks[i].obs && hub->hooks[i].obs->air && !hub->hooks[i].dead;
	medium_set_on_air(hub->medium, want ? on_air : NULL);
}

static unsigned hook_add(struct hub *hub, const struct hub_observer *obs, void (*flush)(void *),
			 void (*poll)(void *), void *data, void (*destroy)(void *))
{
	if (hub->nhooks == hub->hooks_cap) {
		hub->hooks_cap = hub->hooks_cap ? 2 * hub->hooks_cap : 8;
		hub->hooks = xreallocarray(hub->hooks, hub->hooks_cap, sizeof(*hub->hooks));
	}
	/* Id 0 is never handed out, so callers may use it for "none". */
	if (++hub->next_hook_id == 0)
		hub->next_hook_id = 1;
	hub->hooks[hub->nhooks++] = (struct hub_hook){
		.id = hub->next_hook_id, .obs = obs, .flush = flush, .poll = poll, .data = data,
		.destroy = destroy,
	};
	air_watch(hub);
	return hub->next_hook_id;
}

static void hook_remove(struct hub *hub, size_t i)
{
	struct hub_hook h = hub->hooks[i];

	memmove(&hub->hooks[i], &hub->hooks[i + 1], (hub->nhooks - i - 1) * sizeof(*hub->hooks));
	hub->nhooks--;
	air_watch(hub);
	if (h.destroy)
		h.destroy(h.data);
}

/* Removal inside a dispatch only marks the hook; the outermost dispatch reaps it. */
static void hook_del(struct hub *hub, unsigned id)
{
	for (size_t i = 0; i < hub->nhooks; i++) {
		if (hub->hooks[i].id != id || hub->hooks[i].dead)
			continue;
		if (hub->dispatching)
			hub->hooks[i].dead = true;
		else
			hook_remove(hub, i);
		return;
	}
}

static void dispatch_end(struct hub *hub)
{
	if (--hub->dispatching)
		return;
	for (size_t i = hub->nhooks; i-- > 0;)
		if (hub->hooks[i].dead)
			hook_remove(hub, i);
}

unsigned hub_observe(struct hub *hub, const struct hub_observer *obs, void *data,
		     void (*destroy)(void *data))
{
	return hook_add(hub, obs, NULL, NULL, data, destroy);
}

void hub_unobserve(struct hub *hub, unsigned id)
{
	hook_del(hub, id);
}

unsigned hub_add_flush(struct hub *hub, void (*fn)(void *data), void *data,
		       void (*destroy)(void *data))
{
	return hook_add(hub, NULL, fn, NULL, data, destroy);
}

unsigned hub_add_poll(struct hub *hub, void (*fn)(void *data), void *data,
		      void (*destroy)(void *data))
{
	return hook_add(hub, NULL, NULL, fn, data, destroy);
}

uint64_t hub_next_due(const struct hub *hub)
{
	uint64_t next = medium_next_event(hub->medium);

	return next == UINT64_MAX ? UINT64_MAX : hub->t0 + next;
}

void hub_del_flush(struct hub *hub, unsigned id)
{
	hook_del(hub, id);
}

/*
 * Each live poll hook (poll) or flush hook (!poll), in the order added.
 * Hooks added meanwhile run from the next round; removals wait for its end.
 */
static void run_hooks(struct hub *hub, bool poll)
{
	hub->dispatching++;
	for (size_t i = 0, n = hub->nhooks; i < n; i++) {
		void (*fn)(void *) = poll ? hub->hooks[i].poll : hub->hooks[i].flush;

		if (fn && !hub->hooks[i].dead)
			fn(hub->hooks[i].data);
	}
	dispatch_end(hub);
}

void hub_sync(struct hub *hub)
{
	uint64_t next;

	run_hooks(hub, true);
	hub_run(hub);
	/*
	 * Events due within the timer's resolution (a wake-up may come that
	 * late anyway) run in this round rather than after one more wake-up:
	 * a unicast frame's delivery and the TX status its ACK brings 44 us
	 * later leave together. Simulated time stays exact; only the messages
	 * leave up to HUB_AHEAD_US early, and a frame that arrives meanwhile
	 * starts at the medium's time.
	 */
	for (int i = 0; i < HUB_AHEAD_MAX; i++) {
		next = medium_next_event(hub->medium);
		if (next == UINT64_MAX || next > hub->run_now + HUB_AHEAD_US)
			break;
		medium_run(hub->medium, next);
	}
	run_hooks(hub, false);
	loop_set_timer(hub->loop, hub_next_due(hub), timer_cb, hub);
}
