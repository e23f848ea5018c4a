/* SPDX-License-Identifier: MIT */
/*
 * The medium's bookkeeping: radios learned from the transports and the
 * addresses they answer to, configured nodes and pinned links, per-radio
 * queues, and the public entry points. What happens on the air is air.c.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "medium_int.h"
#include "util/util.h"

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
}

/* ------------------------------------------------------------------ maps */

static inline uint64_t mac_key(const uint8_t mac[6])
{
	uint64_t k = 0;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

static inline uint32_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

static inline uint32_t radio_hash(uint32_t client, const uint8_t id[6])
{
	return hash64(mac_key(id) ^ ((uint64_t)client << 48) ^ ((uint64_t)client * 0x9e3779b97f4a7c15ULL));
}

#define MAP_EMPTY (-1)
#define MAP_DELETED (-2)

static void radio_map_rebuild(struct medium *m, uint32_t cap)
{
	free(m->radio_map);
	m->radio_map_cap = cap;
	m->radio_map = xmalloc(cap * sizeof(*m->radio_map));
	for (uint32_t i = 0; i < cap; i++)
		m->radio_map[i] = MAP_EMPTY;
	m->radio_map_fill = 0;
	for (uint32_t s = 0; s < m->radios_cap; s++) {
		struct mradio *r = m->radios[s];

		if (!r || !r->used)
			continue;
		for (uint32_t h = radio_hash(r->client, r->id);; h++) {
			if (m->radio_map[h & (cap - 1)] == MAP_EMPTY) {
				m->radio_map[h & (cap - 1)] = (int32_t)s;
				m->radio_map_fill++;
				break;
			}
		}
	}
}

static struct mradio *radio_find(const struct medium *m, uint32_t client, const uint8_t id[6])
{
	uint32_t mask = m->radio_map_cap - 1;

	for (uint32_t h = radio_hash(client, id);; h++) {
		int32_t v = m->radio_map[h & mask];
		struct mradio *r;

		if (v == MAP_EMPTY)
			return NULL;
		if (v == MAP_DELETED)
			continue;
		r = m->radios[v];
		if (r->client == client && mac_equal(r->id, id))
			return r;
	}
}

static void radio_map_insert(struct medium *m, struct mradio *r)
{
	uint32_t mask;

	if (2 * (m->radio_map_fill + 1) > m->radio_map_cap)
		radio_map_rebuild(m, m->radio_map_cap * 2);
	mask = m->radio_map_cap - 1;
	for (uint32_t h = radio_hash(r->client, r->id);; h++) {
		int32_t v = m->radio_map[h & mask];

		if (v == MAP_EMPTY || v == MAP_DELETED) {
			if (v == MAP_EMPTY)
				m->radio_map_fill++;
			m->radio_map[h & mask] = r->idx;
			return;
		}
	}
}

static void radio_map_remove(struct medium *m, struct mradio *r)
{
	uint32_t mask = m->radio_map_cap - 1;

	for (uint32_t h = radio_hash(r->client, r->id);; h++) {
		int32_t v = m->radio_map[h & mask];

		if (v == MAP_EMPTY)
			return;
		if (v == r->idx) {
			m->radio_map[h & mask] = MAP_DELETED;
			return;
		}
	}
}

#define ADDR_EMPTY 0
#define ADDR_DELETED UINT64_MAX

static void addr_map_rebuild(struct medium *m, uint32_t cap)
{
	uint64_t *keys = m->addr_keys;
	int32_t *vals = m->addr_vals;
	uint32_t old = m->addr_map_cap;

	m->addr_keys = xcalloc(cap, sizeof(*m->addr_keys));
	m->addr_vals = xmalloc(cap * sizeof(*m->addr_vals));
	m->addr_map_cap = cap;
	m->addr_map_fill = 0;
	for (uint32_t i = 0; i < old; i++) {
		if (keys[i] == ADDR_EMPTY || keys[i] == ADDR_DELETED)
			continue;
		for (uint32_t h = hash64(keys[i]);; h++) {
			if (m->addr_keys[h & (cap - 1)] == ADDR_EMPTY) {
				m->addr_keys[h & (cap - 1)] = keys[i];
				m->addr_vals[h & (cap - 1)] = vals[i];
				m->addr_map_fill++;
				break;
			}
		}
	}
	free(keys);
	free(vals);
}

/* Slot of the map entry for mac, or -1. */
static int addr_slot(const struct medium *m, const uint8_t mac[6])
{
	uint64_t key = mac_key(mac) + 1;
	uint32_t mask = m->addr_map_cap - 1;

	for (uint32_t h = hash64(key);; h++) {
		uint64_t k = m->addr_keys[h & mask];

		if (k == ADDR_EMPTY)
			return -1;
		if (k == key)
			return (int)(h & mask);
	}
}

int medium_addr_lookup(const struct medium *m, const uint8_t mac[6])
{
	int s = addr_slot(m, mac);

	return s < 0 ? -1 : m->addr_vals[s];
}

static void addr_map_set(struct medium *m, const uint8_t mac[6], int radio)
{
	uint64_t key = mac_key(mac) + 1;
	int s = addr_slot(m, mac);
	uint32_t mask;

	if (s >= 0) {
		m->addr_vals[s] = radio;
		return;
	}
	if (2 * (m->addr_map_fill + 1) > m->addr_map_cap)
		addr_map_rebuild(m, m->addr_map_cap * 2);
	mask = m->addr_map_cap - 1;
	for (uint32_t h = hash64(key);; h++) {
		uint64_t k = m->addr_keys[h & mask];

		if (k == ADDR_EMPTY || k == ADDR_DELETED) {
			if (k == ADDR_EMPTY)
				m->addr_map_fill++;
			m->addr_keys[h & mask] = key;
			m->addr_vals[h & mask] = radio;
			return;
		}
	}
}

static void addr_map_del(struct medium *m, const uint8_t mac[6])
{
	int s = addr_slot(m, mac);

	if (s >= 0)
		m->addr_keys[s] = ADDR_DELETED;
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
	m->ops = *ops;
	m->opaque = opaque;
	m->per = per_model_new();
	rng_init(&m->rng, p->seed);
	sched_init(&m->sched);
	for (int i = 0; i < 4; i++)
		m->noise_dbm[i] = prop_noise_dbm(bws[i], p->noise_figure_db);
	radio_map_rebuild(m, 64);
	addr_map_rebuild(m, 64);
	m->link_gen = 1;
	air_init(m);
	return m;
}

static void radio_drop_frames(struct medium *m, struct mradio *r)
{
	struct mframe *f;

	while ((f = medium_dequeue(m, r)))
		medium_frame_free(m, f);
}

void medium_free(struct medium *m)
{
	struct mframe *f;

	if (!m)
		return;
	for (uint32_t s = 0; s < m->radios_cap; s++) {
		struct mradio *r = m->radios[s];

		if (!r)
			continue;
		if (r->used) {
			air_radio_gone(m, r);
			radio_drop_frames(m, r);
		}
		free(r->addrs);
		free(r);
	}
	air_deinit(m);
	while ((f = m->free_frames)) {
		m->free_frames = f->next;
		free(f);
	}
	for (uint32_t i = 0; i < m->nnodes; i++)
		free(m->nodes[i].name);
	free(m->nodes);
	for (uint32_t i = 0; i < m->client_names_cap; i++)
		free(m->client_names[i]);
	free(m->client_names);
	free(m->pins);
	free(m->links);
	free(m->ov);
	free(m->in);
	free(m->cuts);
	free(m->radios);
	free(m->radio_map);
	free(m->addr_keys);
	free(m->addr_vals);
	sched_deinit(&m->sched);
	per_model_free(m->per);
	free(m);
}

struct mframe *medium_frame_alloc(struct medium *m)
{
	struct mframe *f = m->free_frames;

	if (f)
		m->free_frames = f->next;
	else
		f = xmalloc(sizeof(*f));
	f->next = NULL;
	return f;
}

void medium_frame_free(struct medium *m, struct mframe *f)
{
	f->next = m->free_frames;
	m->free_frames = f;
}

void medium_set_params(struct medium *m, const struct medium_params *p)
{
	static const double bws[4] = { 20, 40, 80, 160 };
	uint64_t seed = m->p.seed;
	unsigned limit = m->p.queue_limit;

	m->p = *p;
	m->p.seed = seed;
	m->p.queue_limit = limit;
	for (int i = 0; i < 4; i++)
		m->noise_dbm[i] = prop_noise_dbm(bws[i], p->noise_figure_db);
	air_links_invalidate(m);
}

int medium_load_per_table(struct medium *m, const char *text, size_t len, char *err,
			  size_t errlen)
{
	return per_model_load_table(m->per, text, len, err, errlen);
}

/* ----------------------------------------------------------------- nodes */

static void pins_resize(struct medium *m, uint32_t old_cap, uint32_t cap)
{
	struct mpin *pins = xcalloc((size_t)cap * cap, sizeof(*pins));

	for (uint32_t a = 0; a < old_cap; a++)
		memcpy(&pins[(size_t)a * cap], &m->pins[(size_t)a * old_cap],
		       old_cap * sizeof(*pins));
	free(m->pins);
	m->pins = pins;
}

static void notice(struct medium *m, const struct medium_notice *n)
{
	if (m->ops.notice)
		m->ops.notice(m->opaque, n);
}

static bool radio_has_addr(const struct mradio *r, const uint8_t mac[6]);

static void radio_bind(struct medium *m, struct mradio *r, int node, bool by_name)
{
	struct medium_notice n = {
		.kind = MEDIUM_NOTICE_NODE_BOUND, .client = r->client, .radio = r->id,
		.addr = m->nodes[node].has_mac ? m->nodes[node].mac : NULL, .node = node,
		.node_name = m->nodes[node].name,
	};

	r->node = node;
	r->node_by_name = by_name;
	air_links_invalidate(m);
	notice(m, &n);
}

static const char *client_name(const struct medium *m, uint32_t client)
{
	return client < m->client_names_cap ? m->client_names[client] : NULL;
}

/* Place r on the node named after its client, if any and r has no place yet. */
static void radio_try_bind_name(struct medium *m, struct mradio *r)
{
	const char *name = client_name(m, r->client);

	if (r->node >= 0 || !name)
		return;
	for (uint32_t i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].name && !strcmp(m->nodes[i].name, name)) {
			radio_bind(m, r, (int)i, true);
			return;
		}
	}
}

/* Bind r to the node configured for mac, unless r has a place by MAC already. */
static void radio_try_bind(struct medium *m, struct mradio *r, const uint8_t mac[6])
{
	if (r->node >= 0 && !r->node_by_name)
		return;
	for (uint32_t i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].has_mac && mac_equal(m->nodes[i].mac, mac)) {
			radio_bind(m, r, (int)i, false);
			return;
		}
	}
}

void medium_nodes_clear(struct medium *m)
{
	for (uint32_t s = 0; s < m->radios_cap; s++)
		if (m->radios[s]) {
			m->radios[s]->node = -1;
			m->radios[s]->node_by_name = false;
		}
	for (uint32_t i = 0; i < m->nnodes; i++)
		free(m->nodes[i].name);
	m->nnodes = 0;
	if (m->pins)
		memset(m->pins, 0, (size_t)m->nodes_cap * m->nodes_cap * sizeof(*m->pins));
	air_links_invalidate(m);
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
		pins_resize(m, m->nodes_cap, cap);
		m->nodes_cap = cap;
	}
	n = &m->nodes[m->nnodes];
	n->name = conf->name ? xstrdup(conf->name) : NULL;
	memcpy(n->mac, conf->mac, 6);
	n->has_mac = conf->has_mac;
	memcpy(n->pos, conf->pos, sizeof(n->pos));
	n->tx_power_dbm = conf->tx_power_dbm;
	n->gain_dbi = conf->antenna_gain_dbi;
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
	memcpy(m->nodes[node].pos, pos, sizeof(m->nodes[node].pos));
	air_links_invalidate(m);
	return 0;
}

int medium_node_set_tx_power(struct medium *m, int node, double dbm)
{
	if (node < 0 || (uint32_t)node >= m->nnodes)
		return -ENOENT;
	m->nodes[node].tx_power_dbm = dbm;
	air_links_invalidate(m);
	return 0;
}

static int pin_set(struct medium *m, int a, int b, enum pin_kind kind, double value)
{
	if (a < 0 || b < 0 || (uint32_t)a >= m->nnodes || (uint32_t)b >= m->nnodes)
		return -ENOENT;
	m->pins[(size_t)a * m->nodes_cap + (size_t)b] = (struct mpin){ kind, value };
	air_links_invalidate(m);
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
	return pin_set(m, a, b, PIN_NONE, 0.0);
}

/* ---------------------------------------------------------------- radios */

static struct mradio *radio_get(struct medium *m, uint32_t client, const uint8_t id[6])
{
	struct mradio *r = radio_find(m, client, id);
	uint32_t s;

	if (r)
		return r;
	for (s = 0; s < m->radios_cap; s++)
		if (!m->radios[s] || !m->radios[s]->used)
			break;
	if (s == m->radios_cap) {
		uint32_t cap = m->radios_cap ? 2 * m->radios_cap : 8;

		m->radios = xreallocarray(m->radios, cap, sizeof(*m->radios));
		memset(&m->radios[m->radios_cap], 0, (cap - m->radios_cap) * sizeof(*m->radios));
		air_links_resize(m, m->radios_cap, cap);
		m->radios_cap = cap;
	}
	if (!m->radios[s])
		m->radios[s] = xcalloc(1, sizeof(struct mradio));
	r = m->radios[s];
	{
		struct maddr *addrs = r->addrs;
		uint32_t cap = r->addrs_cap, gen = r->gen;

		memset(r, 0, sizeof(*r));
		r->addrs = addrs;
		r->addrs_cap = cap;
		r->gen = gen;
	}
	r->idx = (int)s;
	r->used = true;
	r->client = client;
	memcpy(r->id, id, 6);
	r->node = -1;
	r->state = RADIO_IDLE;
	sched_event_init(&r->ev);
	r->ev.tag = EV_RADIO;
	m->nradios++;
	radio_map_insert(m, r);
	/* The link cache rows of a reused slot belong to its previous radio. */
	air_links_invalidate(m);
	notice(m, &(struct medium_notice){ .kind = MEDIUM_NOTICE_RADIO_NEW,
					   .client = client, .radio = r->id });
	radio_try_bind(m, r, id);
	{
		/* hwsim's identity is its perm address with 0x40 set in the first octet. */
		uint8_t perm[6];

		memcpy(perm, id, 6);
		perm[0] &= (uint8_t)~0x40;
		radio_try_bind(m, r, perm);
	}
	radio_try_bind_name(m, r);
	return r;
}

static bool radio_has_addr(const struct mradio *r, const uint8_t mac[6])
{
	for (uint32_t i = 0; i < r->naddrs; i++)
		if (mac_equal(r->addrs[i].mac, mac))
			return true;
	for (uint32_t i = 0; i < r->nlearned; i++)
		if (mac_equal(r->learned[i], mac))
			return true;
	return false;
}

/* Point mac at r; warn when a radio of another client answers to it too. */
static void addr_claim(struct medium *m, struct mradio *r, const uint8_t mac[6])
{
	int other = medium_addr_lookup(m, mac);

	if (other >= 0 && other != r->idx) {
		struct mradio *o = m->radios[other];

		if (o->client != r->client) {
			m->c.dup_addr++;
			notice(m, &(struct medium_notice){
				.kind = MEDIUM_NOTICE_DUP_ADDR, .client = r->client, .radio = r->id,
				.addr = mac, .other_client = o->client });
		}
	}
	addr_map_set(m, mac, r->idx);
	radio_try_bind(m, r, mac);
}

/* mac no longer belongs to r: hand the map entry to another radio that has it. */
static void addr_release(struct medium *m, struct mradio *r, const uint8_t mac[6])
{
	if (medium_addr_lookup(m, mac) != r->idx || radio_has_addr(r, mac))
		return;
	addr_map_del(m, mac);
	for (uint32_t s = 0; s < m->radios_cap; s++) {
		struct mradio *o = m->radios[s];

		if (o && o->used && o != r && radio_has_addr(o, mac)) {
			addr_map_set(m, mac, o->idx);
			return;
		}
	}
}

int medium_addr_add(struct medium *m, uint32_t client, const uint8_t radio[6],
		    const uint8_t addr[6])
{
	struct mradio *r;

	if (mac_is_group(addr))
		return -EINVAL;
	r = radio_get(m, client, radio);
	for (uint32_t i = 0; i < r->naddrs; i++) {
		if (mac_equal(r->addrs[i].mac, addr)) {
			if (r->addrs[i].count < UINT16_MAX)
				r->addrs[i].count++;
			return 0;
		}
	}
	if (r->naddrs == r->addrs_cap) {
		r->addrs_cap = r->addrs_cap ? 2 * r->addrs_cap : 4;
		r->addrs = xreallocarray(r->addrs, r->addrs_cap, sizeof(*r->addrs));
	}
	memcpy(r->addrs[r->naddrs].mac, addr, 6);
	r->addrs[r->naddrs].count = 1;
	r->naddrs++;
	addr_claim(m, r, addr);
	return 0;
}

int medium_addr_del(struct medium *m, uint32_t client, const uint8_t radio[6],
		    const uint8_t addr[6])
{
	struct mradio *r = radio_find(m, client, radio);

	if (!r)
		return -ENOENT;
	for (uint32_t i = 0; i < r->naddrs; i++) {
		if (!mac_equal(r->addrs[i].mac, addr))
			continue;
		if (--r->addrs[i].count == 0) {
			r->addrs[i] = r->addrs[--r->naddrs];
			addr_release(m, r, addr);
		}
		return 0;
	}
	return -ENOENT;
}

/*
 * A radio answers to the addr2 of its frames too, so a station that never
 * announced an address (or whose announcement a scan withdrew) stays
 * reachable. The last few are kept; older ones are forgotten.
 */
void medium_learn(struct medium *m, struct mradio *r, const uint8_t mac[6])
{
	uint8_t old[6];
	bool evict;

	if (mac_is_group(mac) || radio_has_addr(r, mac)) {
		if (!mac_is_group(mac) && medium_addr_lookup(m, mac) < 0)
			addr_map_set(m, mac, r->idx);
		return;
	}
	evict = r->nlearned == MEDIUM_LEARNED_ADDRS;
	memcpy(old, r->learned[r->learned_next], 6);
	memcpy(r->learned[r->learned_next], mac, 6);
	r->learned_next = (uint8_t)((r->learned_next + 1) % MEDIUM_LEARNED_ADDRS);
	if (!evict)
		r->nlearned++;
	else
		addr_release(m, r, old);
	addr_claim(m, r, mac);
}

static void radio_remove(struct medium *m, struct mradio *r)
{
	notice(m, &(struct medium_notice){ .kind = MEDIUM_NOTICE_RADIO_GONE,
					   .client = r->client, .radio = r->id });
	air_radio_gone(m, r);
	radio_drop_frames(m, r);
	radio_map_remove(m, r);
	r->used = false;
	r->gen++;
	m->nradios--;
	{
		/* Emptied first, so addr_release() hands each address on. */
		uint32_t n = r->naddrs, nl = r->nlearned;

		r->naddrs = 0;
		r->nlearned = 0;
		for (uint32_t i = 0; i < n; i++)
			addr_release(m, r, r->addrs[i].mac);
		for (uint32_t i = 0; i < nl; i++)
			addr_release(m, r, r->learned[i]);
	}
}

int medium_client_set_name(struct medium *m, uint32_t client, const char *name)
{
	if (client >= m->client_names_cap) {
		uint32_t cap = m->client_names_cap ? m->client_names_cap : 16;

		if (!name)
			return 0;
		while (cap <= client)
			cap *= 2;
		m->client_names = xreallocarray(m->client_names, cap, sizeof(*m->client_names));
		memset(&m->client_names[m->client_names_cap], 0,
		       (cap - m->client_names_cap) * sizeof(*m->client_names));
		m->client_names_cap = cap;
	}
	free(m->client_names[client]);
	m->client_names[client] = name ? xstrdup(name) : NULL;
	for (uint32_t s = 0; name && s < m->radios_cap; s++) {
		struct mradio *r = m->radios[s];

		if (r && r->used && r->client == client)
			radio_try_bind_name(m, r);
	}
	return 0;
}

int medium_radio_add(struct medium *m, uint32_t client, const uint8_t radio[6])
{
	radio_get(m, client, radio);
	return 0;
}

int medium_radio_del(struct medium *m, uint32_t client, const uint8_t radio[6])
{
	struct mradio *r = radio_find(m, client, radio);

	if (!r)
		return -ENOENT;
	radio_remove(m, r);
	return 0;
}

void medium_client_gone(struct medium *m, uint32_t client)
{
	for (uint32_t s = 0; s < m->radios_cap; s++) {
		struct mradio *r = m->radios[s];

		if (r && r->used && r->client == client)
			radio_remove(m, r);
	}
	medium_client_set_name(m, client, NULL);
}

/* ---------------------------------------------------------------- queues */

struct mframe *medium_dequeue(struct medium *m, struct mradio *r)
{
	for (int ac = MEDIUM_AC_VO; ac >= MEDIUM_AC_BK; ac--) {
		struct mframe *f = r->qhead[ac];

		if (!f)
			continue;
		r->qhead[ac] = f->next;
		if (!f->next)
			r->qtail[ac] = NULL;
		f->next = NULL;
		r->qlen--;
		return f;
	}
	return NULL;
}

static void fail_now(struct medium *m, struct mradio *r, struct mframe *f)
{
	struct medium_status st = {
		.client = r->client, .radio = r->id, .cookie = f->cookie, .flags = f->flags,
		.time_us = m->now,
	};

	memcpy(st.rates, f->rates, sizeof(st.rates));
	for (int i = 0; i < MEDIUM_MAX_RATES; i++) {
		st.rates[i].count = f->used[i];
		if (!f->used[i])
			st.rates[i].idx = -1;
	}
	m->c.tx_failed++;
	m->ops.tx_status(m->opaque, &st);
}

/* Full queue: the oldest queued frame goes, with a failed status. */
static void drop_oldest(struct medium *m, struct mradio *r)
{
	int oldest = -1;
	struct mframe *f;

	for (int ac = 0; ac < 4; ac++)
		if (r->qhead[ac] && (oldest < 0 || r->qhead[ac]->seq < r->qhead[oldest]->seq))
			oldest = ac;
	if (oldest < 0)
		return;
	f = r->qhead[oldest];
	r->qhead[oldest] = f->next;
	if (!f->next)
		r->qtail[oldest] = NULL;
	r->qlen--;
	m->c.queue_drops++;
	fail_now(m, r, f);
	medium_frame_free(m, f);
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
	if (tx->has_src)
		medium_learn(m, r, tx->src);

	f = medium_frame_alloc(m);
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
	f->ri = 0;
	f->attempts = 0;
	f->nrates = 0;
	m->c.tx_frames++;

	/* The chain ends at the first entry no PHY of this band can send. */
	band = phy_band_of_freq(tx->freq);
	for (int i = 0; i < MEDIUM_MAX_RATES && tx->freq; i++) {
		if (tx->rates[i].idx < 0 || !tx->rates[i].count)
			break;
		if (phy_rate_from_hwsim(tx->rates[i].idx, tx->rates[i].flags, band, &f->phy[i]) < 0)
			break;
		f->nrates++;
	}
	if (!f->nrates) {
		m->c.bad_rate++;
		fail_now(m, r, f);
		medium_frame_free(m, f);
		return -EINVAL;
	}

	if (r->qlen >= m->p.queue_limit)
		drop_oldest(m, r);
	if (r->qtail[f->ac])
		r->qtail[f->ac]->next = f;
	else
		r->qhead[f->ac] = f;
	r->qtail[f->ac] = f;
	r->qlen++;
	air_kick(m, r);
	return 0;
}

/* ------------------------------------------------------------------ time */

uint64_t medium_next_event(const struct medium *m)
{
	const struct sched_event *ev = sched_peek(&m->sched);

	return ev ? ev->time : UINT64_MAX;
}

void medium_run(struct medium *m, uint64_t now_us)
{
	struct sched_event *ev;

	if (m->dispatching)
		return;
	m->dispatching = true;
	while ((ev = sched_peek(&m->sched)) && ev->time <= now_us) {
		sched_pop(&m->sched);
		if (ev->time > m->now)
			m->now = ev->time;
		air_dispatch(m, ev);
	}
	m->dispatching = false;
	/* UINT64_MAX drains the queue: the clock stays at the last event. */
	if (now_us > m->now && now_us != UINT64_MAX)
		m->now = now_us;
}

void medium_get_counters(const struct medium *m, struct medium_counters *c)
{
	*c = m->c;
}
