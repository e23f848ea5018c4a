/* SPDX-License-Identifier: MIT */
/*
 * The medium's public entry points and its bookkeeping: configured nodes
 * and pinned links, frames coming in, simulated time and the events it
 * runs. The modules below (medium_int.h lists them) do the rest: moving
 * nodes (mobility.c), radios (radio.c), the air (air.c), the link budget
 * (link.c).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/air.h"
#include "core/ampdu.h"
#include "core/chanidx.h"
#include "core/frame.h"
#include "core/link.h"
#include "core/mobility.h"
#include "core/radio.h"
#include "core/report.h"
#include "core/rx.h"
#include "core/stats.h"
#include "util/util.h"

static void limits_default(struct medium_params *p)
{
	if (!p->max_radios)
		p->max_radios = 16384;
	if (!p->max_client_radios)
		p->max_client_radios = 1024;
	if (!p->max_radio_addrs)
		p->max_radio_addrs = 32;
}

void medium_params_init(struct medium_params *p)
{
	memset(p, 0, sizeof(*p));
	p->seed = 1;
	p->link_model = MEDIUM_LINK_PATH_LOSS;
	prop_model_init(&p->prop, PROP_FREE_SPACE);
	p->default_snr_db = 30.0;	/* what wmediumd gives pairs its snr model does not list */
	p->default_prob = 0.0;
	p->interference = true;
	p->noise_figure_db = 7.0;
	/*
	 * 802.11 requires OFDM receivers to sense a preamble at -82 dBm; real
	 * ones sense any preamble they can synchronise to, a few dB above the
	 * noise. Without that a station hears frames it never defers to.
	 */
	p->cca_dbm = -82.0;
	p->preamble_snr_db = 4.0;
	p->default_tx_power_dbm = 20.0;
	p->queue_limit = 256;
	limits_default(p);
}

/* ------------------------------------------------------------- lifecycle */

struct medium *medium_new(const struct medium_params *p, const struct medium_ops *ops,
			  void *opaque)
{
	struct medium *m = xcalloc(1, sizeof(*m));
	static const double bws[4] = { 20, 40, 80, 160 };

	m->p = *p;
	if (!m->p.queue_limit)
		m->p.queue_limit = 1;
	limits_default(&m->p);
	m->ops = *ops;
	m->on_air_next = ops->on_air;
	m->opaque = opaque;
	m->per = per_model_new();
	rng_init(&m->rng, p->seed);
	sched_init(&m->sched);
	for (int i = 0; i < 4; i++)
		m->noise_dbm[i] = prop_noise_dbm(bws[i], p->noise_figure_db);
	radio_maps_init(m);
	chanidx_init(m);
	link_init(m);
	map64_init(&m->pins, sizeof(struct mpin));
	map64_init(&m->matrices, sizeof(struct mmatrix));
	stats_init(m);
	sched_event_init(&m->mob_ev);
	m->mob_ev.tag = EV_MOBILITY;
	air_init(m);
	return m;
}

void medium_free(struct medium *m)
{
	if (!m)
		return;
	for (uint32_t s = 0; s < m->radios_cap; s++) {
		struct mradio *r = m->radios[s];

		if (!r)
			continue;
		if (r->used) {
			air_radio_gone(m, r);
			frame_drop_queue(m, r);
			ampdu_radio_free(r);
		}
		free(r->addrs);
		free(r);
	}
	air_deinit(m);
	chanidx_deinit(m);
	frame_pool_free(m);
	mobility_clear(m);
	free(m->movers);
	for (uint32_t i = 0; i < m->nnodes; i++)
		free(m->nodes[i].name);
	free(m->nodes);
	for (uint32_t i = 0; i < m->client_names_cap; i++)
		free(m->client_names[i]);
	free(m->client_names);
	free(m->client_radios);
	map64_free(&m->pins);
	map64_free(&m->matrices);
	link_deinit(m);
	rx_deinit(m);
	report_deinit(m);
	stats_free(m);
	free(m->radios);
	free(m->radio_map);
	free(m->addr_keys);
	free(m->addr_vals);
	sched_deinit(&m->sched);
	per_model_free(m->per);
	free(m);
}

void medium_set_params(struct medium *m, const struct medium_params *p)
{
	static const double bws[4] = { 20, 40, 80, 160 };
	uint64_t seed = m->p.seed;
	unsigned limit = m->p.queue_limit;

	m->p = *p;
	m->p.seed = seed;
	m->p.queue_limit = limit;
	limits_default(&m->p);
	for (int i = 0; i < 4; i++)
		m->noise_dbm[i] = prop_noise_dbm(bws[i], p->noise_figure_db);
	link_invalidate(m);
}

int medium_load_per_table(struct medium *m, const char *text, size_t len, char *err,
			  size_t errlen)
{
	return per_model_load_table(m->per, text, len, err, errlen);
}

/* ----------------------------------------------------------------- nodes */

void medium_nodes_clear(struct medium *m)
{
	for (uint32_t s = 0; s < m->radios_cap; s++)
		if (m->radios[s]) {
			m->radios[s]->node = -1;
			m->radios[s]->node_by_name = false;
		}
	mobility_clear(m);
	for (uint32_t i = 0; i < m->nnodes; i++)
		free(m->nodes[i].name);
	m->nnodes = 0;
	map64_clear(&m->pins);
	map64_clear(&m->matrices);
	link_invalidate(m);
}

int medium_node_add(struct medium *m, const struct medium_node_conf *conf)
{
	struct mnode *n;

	if (conf->has_mac) {
		for (uint32_t i = 0; i < m->nnodes; i++)
			if (m->nodes[i].has_mac && mac_equal(m->nodes[i].mac, conf->mac))
				return -EEXIST;
	}
	if (m->nnodes == m->nodes_cap) {
		uint32_t cap = m->nodes_cap ? 2 * m->nodes_cap : 16;

		m->nodes = xreallocarray(m->nodes, cap, sizeof(*m->nodes));
		m->nodes_cap = cap;
	}
	n = &m->nodes[m->nnodes];
	n->name = conf->name ? xstrdup(conf->name) : NULL;
	memcpy(n->mac, conf->mac, 6);
	n->has_mac = conf->has_mac;
	memcpy(n->pos, conf->pos, sizeof(n->pos));
	n->mv = NULL;
	n->mover_idx = UINT32_MAX;
	n->tx_power_dbm = conf->tx_power_dbm;
	n->gain_dbi = conf->antenna_gain_dbi;
	n->height_m = n->shadow_db = 0.0;
	n->has_height = n->has_shadow = false;
	n->medium_id = conf->medium_id;
	m->nnodes++;

	/* Radios already known may belong to the new node, by their client's name... */
	if (conf->name) {
		for (uint32_t s = 0; s < m->radios_cap; s++) {
			struct mradio *r = m->radios[s];

			if (r && r->used)
				radio_try_bind_name(m, r);
		}
	}
	/* ... or by an address they answer to. */
	if (conf->has_mac) {
		for (uint32_t s = 0; s < m->radios_cap; s++) {
			struct mradio *r = m->radios[s];

			uint8_t perm[6];

			if (!r || !r->used)
				continue;
			memcpy(perm, r->id, 6);
			perm[0] &= (uint8_t)~0x40;
			if (mac_equal(r->id, conf->mac) || mac_equal(perm, conf->mac) ||
			    radio_has_addr(r, conf->mac))
				radio_try_bind(m, r, conf->mac);
		}
	}
	return (int)m->nnodes - 1;
}

int medium_node_count(const struct medium *m)
{
	return (int)m->nnodes;
}

int medium_node_set_pos(struct medium *m, int node, const double pos[3])
{
	if (node < 0 || (uint32_t)node >= m->nnodes)
		return -ENOENT;
	mobility_place(m, node, pos);
	link_invalidate(m);
	return 0;
}

int medium_node_set_tx_power(struct medium *m, int node, double dbm)
{
	if (node < 0 || (uint32_t)node >= m->nnodes)
		return -ENOENT;
	if (!isfinite(dbm))
		return -EINVAL;
	m->nodes[node].tx_power_dbm = dbm;
	link_invalidate(m);
	return 0;
}

int medium_node_set_antenna_gain(struct medium *m, int node, double dbi)
{
	if (node < 0 || (uint32_t)node >= m->nnodes)
		return -ENOENT;
	if (!isfinite(dbi))
		return -EINVAL;
	m->nodes[node].gain_dbi = dbi;
	link_invalidate(m);
	return 0;
}

int medium_node_set_antenna_height(struct medium *m, int node, double metres)
{
	if (node < 0 || (uint32_t)node >= m->nnodes)
		return -ENOENT;
	if (!isfinite(metres))
		return -EINVAL;
	m->nodes[node].has_height = metres > 0.0;
	m->nodes[node].height_m = metres > 0.0 ? metres : 0.0;
	link_invalidate(m);
	return 0;
}

int medium_node_set_shadowing(struct medium *m, int node, double db)
{
	if (node < 0 || (uint32_t)node >= m->nnodes)
		return -ENOENT;
	if (isinf(db))
		return -EINVAL;
	m->nodes[node].has_shadow = !isnan(db);
	m->nodes[node].shadow_db = isnan(db) ? 0.0 : db;
	link_invalidate(m);
	return 0;
}

int medium_node_set_medium(struct medium *m, int node, int medium_id)
{
	if (node < 0 || (uint32_t)node >= m->nnodes)
		return -ENOENT;
	m->nodes[node].medium_id = medium_id;
	link_invalidate(m);
	return 0;
}

int medium_node_info(const struct medium *m, int node, struct medium_node_info *out)
{
	const struct mnode *n;

	if (node < 0 || (uint32_t)node >= m->nnodes)
		return -ENOENT;
	n = &m->nodes[node];
	memset(out, 0, sizeof(*out));
	out->name = n->name;
	memcpy(out->mac, n->mac, 6);
	out->has_mac = n->has_mac;
	memcpy(out->pos, n->pos, sizeof(out->pos));
	mobility_info(m, n, &out->mobility, out->vel);
	out->tx_power_dbm = n->tx_power_dbm;
	out->antenna_gain_dbi = n->gain_dbi;
	out->antenna_height_m = n->has_height ? n->height_m : 0.0;
	out->shadowing_db = n->has_shadow ? n->shadow_db : NAN;
	out->medium_id = n->medium_id;
	for (uint32_t s = 0; s < m->radios_cap; s++)
		if (m->radios[s] && m->radios[s]->used && m->radios[s]->node == node)
			out->radios++;
	return 0;
}

static int pin_set(struct medium *m, int a, int b, enum pin_kind kind, double value)
{
	if (a < 0 || b < 0 || (uint32_t)a >= m->nnodes || (uint32_t)b >= m->nnodes)
		return -ENOENT;
	if (kind == PIN_NONE)
		map64_del(&m->pins, PIN_KEY(a, b));
	else
		*(struct mpin *)map64_put(&m->pins, PIN_KEY(a, b)) = (struct mpin){ kind, value };
	link_invalidate(m);
	return 0;
}

int medium_link_set_snr(struct medium *m, int a, int b, double snr_db)
{
	if (!isfinite(snr_db))
		return -EINVAL;
	return pin_set(m, a, b, PIN_SNR, snr_db);
}

int medium_link_set_prob(struct medium *m, int a, int b, double prob)
{
	if (!(prob >= 0.0 && prob <= 1.0))
		return -EINVAL;
	return pin_set(m, a, b, PIN_PROB, prob);
}

int medium_link_clear(struct medium *m, int a, int b)
{
	int ret = pin_set(m, a, b, PIN_NONE, 0.0);

	if (ret == 0)
		map64_del(&m->matrices, PIN_KEY(a, b));
	return ret;
}

int medium_link_set_loss_matrix(struct medium *m, int a, int b, const double *v)
{
	struct mmatrix *mx;

	if (a < 0 || b < 0 || (uint32_t)a >= m->nnodes || (uint32_t)b >= m->nnodes)
		return -ENOENT;
	for (int i = 0; i < MEDIUM_LOSS_MATRIX_N; i++)
		if (!(v[i] >= 0.0 && v[i] <= 1.0))
			return -EINVAL;
	mx = map64_put(&m->matrices, PIN_KEY(a, b));
	for (int i = 0; i < MEDIUM_LOSS_MATRIX_N; i++)
		mx->p[i] = (float)v[i];
	return 0;
}

int medium_link_matrix_loss(const struct medium *m, int a, int b, uint32_t len,
			    const struct phy_rate *rate, double *loss)
{
	const struct mmatrix *mx;
	unsigned size = 0, ri;

	if (a < 0 || b < 0 || !m->matrices.count)
		return -ENOENT;
	mx = map64_get(&m->matrices, PIN_KEY(a, b));
	if (!mx)
		return -ENOENT;
	while (size < MEDIUM_LOSS_SIZES - 1 && len >> (size + 1))
		size++;
	ri = rate->mode == PHY_MODE_DSSS || rate->mode == PHY_MODE_OFDM ? rate->mcs :
	     4u + rate->mcs % 8u;
	if (ri >= MEDIUM_LOSS_RATES)
		ri = MEDIUM_LOSS_RATES - 1;
	*loss = mx->p[size * MEDIUM_LOSS_RATES + ri];
	return 0;
}

int medium_link_pinned(const struct medium *m, int a, int b, enum medium_pin *pin, double *value)
{
	static const struct mpin none = { PIN_NONE, 0.0 };
	const struct mpin *p;

	if (a < 0 || b < 0 || (uint32_t)a >= m->nnodes || (uint32_t)b >= m->nnodes)
		return -ENOENT;
	p = map64_get(&m->pins, PIN_KEY(a, b));
	if (!p)
		p = &none;
	*pin = p->kind == PIN_SNR ? MEDIUM_PIN_SNR : p->kind == PIN_PROB ? MEDIUM_PIN_LOSS :
								MEDIUM_PIN_NONE;
	*value = p->value;
	return 0;
}

/* ---------------------------------------------------------------- queues */

static void fail_now(struct medium *m, struct mradio *r, struct mframe *f, enum medium_drop why)
{
	struct medium_status st = {
		.client = r->client, .radio = r->id, .cookie = f->cookie, .flags = f->flags,
		.time_us = m->now, .drop = why, .len = f->len, .freq = f->freq,
	};

	memcpy(st.dst, f->dst, 6);
	memcpy(st.rates, f->rates, sizeof(st.rates));
	for (int i = 0; i < MEDIUM_MAX_RATES; i++) {
		st.rates[i].count = f->used[i];
		if (!f->used[i])
			st.rates[i].idx = -1;
	}
	m->c.tx_failed++;
	m->ops.tx_status(m->opaque, &st);
}

/* A frame from a radio that could not be made (past a limit): failed at once. */
static void fail_unknown(struct medium *m, const struct medium_tx *tx)
{
	struct medium_status st = {
		.client = tx->client, .radio = tx->radio, .cookie = tx->cookie, .flags = tx->flags,
		.time_us = m->now, .drop = MEDIUM_DROP_LIMIT, .len = tx->len, .freq = tx->freq,
	};

	memcpy(st.dst, tx->dst, 6);
	memcpy(st.rates, tx->rates, sizeof(st.rates));
	for (int i = 0; i < MEDIUM_MAX_RATES; i++) {
		st.rates[i].count = 0;
		st.rates[i].idx = -1;
	}
	m->c.tx_failed++;
	m->ops.tx_status(m->opaque, &st);
}

/* Full queue: the oldest queued frame goes, with a failed status. */
static void drop_oldest(struct medium *m, struct mradio *r)
{
	struct mframe *f = frame_dequeue_oldest(r);

	if (!f)
		return;
	m->c.queue_drops++;
	r->st.drop_queue++;
	fail_now(m, r, f, MEDIUM_DROP_QUEUE);
	frame_free(m, f);
}

int medium_tx(struct medium *m, uint64_t now_us, const struct medium_tx *tx)
{
	struct mradio *r;
	struct mframe *f;
	enum phy_band band;

	if (m->dispatching)
		return -EDEADLK;
	medium_run(m, now_us);
	r = radio_get(m, tx->client, tx->radio);
	if (!r) {
		fail_unknown(m, tx);
		return -ENOSPC;
	}
	r->last_freq = tx->freq;
	if (tx->has_src)
		radio_learn(m, r, tx->src);
	ampdu_learn(m, r, tx);
	if (tx->basic_rates) {
		int t = tx->basic_to_addressee && !tx->group ? radio_addr_lookup(m, tx->dst) : -1;

		r->basic = tx->basic_rates;
		if (t >= 0)
			m->radios[t]->basic = tx->basic_rates;
	}

	f = frame_alloc(m);
	f->seq = m->frame_seq++;
	f->cookie = tx->cookie;
	f->flags = tx->flags;
	f->freq = tx->freq;
	f->len = tx->len <= MEDIUM_FRAME_MAX ? tx->len : MEDIUM_FRAME_MAX;
	memcpy(f->data, tx->frame, f->len);
	memcpy(f->rates, tx->rates, sizeof(f->rates));
	memset(f->used, 0, sizeof(f->used));
	memcpy(f->dst, tx->dst, 6);
	f->group = tx->group;
	f->no_ack = tx->no_ack || tx->group;
	f->ac = tx->ac <= MEDIUM_AC_VO ? tx->ac : MEDIUM_AC_BE;
	f->qos = tx->qos_data && !f->no_ack;
	f->tid = tx->tid & 15;
	f->sn = tx->seq & 4095;
	f->ri = 0;
	f->attempts = 0;
	f->nrates = 0;
	m->c.tx_frames++;
	r->st.tx_frames++;
	r->st.tx_bytes += f->len;

	/*
	 * The chain ends at its first unused entry. An entry no PHY of this
	 * band can send (mac80211 can name VHT MCS 9 at 20 MHz for one or two
	 * streams, which 802.11 does not define) is skipped, as if allowed no
	 * attempt: the frame goes at the entries after it. A chain with no
	 * entry left fails.
	 */
	band = phy_band_of_freq(tx->freq);
	for (int i = 0; i < MEDIUM_MAX_RATES && tx->freq; i++) {
		if (tx->rates[i].idx < 0 || !tx->rates[i].count)
			break;
		f->nrates++;
		if (phy_rate_from_hwsim(tx->rates[i].idx, tx->rates[i].flags, band, &f->phy[i]) < 0)
			f->rates[i].count = 0;
		else if (!f->rates[f->ri].count)
			f->ri = (uint8_t)i;
	}
	if (!f->nrates || !f->rates[f->ri].count) {
		m->c.bad_rate++;
		r->st.drop_rate++;
		fail_now(m, r, f, MEDIUM_DROP_RATE);
		frame_free(m, f);
		return -EINVAL;
	}
	for (int i = 0; i < f->nrates; i++)
		if (!f->rates[i].count)
			f->phy[i] = f->phy[f->ri];	/* never sent; keeps every entry a rate */

	chanidx_heard(m, r, f->freq, f->data, f->len);
	if (r->qlen >= m->p.queue_limit)
		drop_oldest(m, r);
	frame_enqueue(r, f);
	air_kick(m, r);
	return 0;
}

/* ------------------------------------------------------------------ time */

uint64_t medium_next_event(const struct medium *m)
{
	const struct sched_event *ev = sched_peek(&m->sched);

	return ev ? ev->time : UINT64_MAX;
}

static bool only_mobility(const struct medium *m)
{
	return m->sched.len == 1 && sched_queued(&m->mob_ev);
}

void medium_run(struct medium *m, uint64_t now_us)
{
	struct sched_event *ev;

	if (m->dispatching)
		return;
	m->dispatching = true;
	while ((ev = sched_peek(&m->sched)) && ev->time <= now_us) {
		/* Draining: moving nodes alone would keep the queue busy forever. */
		if (now_us == UINT64_MAX && only_mobility(m))
			break;
		sched_pop(&m->sched);
		if (ev->time > m->now)
			m->now = ev->time;
		if (ev->tag == EV_MOBILITY)
			mobility_run(m);
		else
			air_dispatch(m, ev);
	}
	m->dispatching = false;
	m->ops.on_air = m->on_air_next;
	/* UINT64_MAX drains the queue: the clock stays at the last event. */
	if (now_us > m->now && now_us != UINT64_MAX)
		m->now = now_us;
}

/* ---------------------------------------------------------------- radios */

int medium_radio_del(struct medium *m, uint32_t client, const uint8_t radio[6])
{
	struct mradio *r = radio_find(m, client, radio);

	if (!r)
		return -ENOENT;
	air_radio_gone(m, r);
	radio_remove(m, r);
	return 0;
}

void medium_client_gone(struct medium *m, uint32_t client)
{
	for (uint32_t s = 0; s < m->radios_cap; s++) {
		struct mradio *r = m->radios[s];

		if (r && r->used && r->client == client) {
			air_radio_gone(m, r);
			radio_remove(m, r);
		}
	}
	medium_client_set_name(m, client, NULL);
}

void medium_set_on_air(struct medium *m, void (*on_air)(void *opaque, const struct medium_air *a))
{
	/* A frame being decided now must not lose its callback half-way. */
	m->on_air_next = on_air;
	if (!m->dispatching)
		m->ops.on_air = on_air;
}

void medium_get_counters(const struct medium *m, struct medium_counters *c)
{
	*c = m->c;
}
