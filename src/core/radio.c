/* SPDX-License-Identifier: MIT */
/*
 * Radios learned from the transports: the (client, identity) map, the
 * addresses each answers to and the map from address to radio, and the
 * binding of radios to configured nodes by MAC, identity or client name.
 */
#include "radio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/frame.h"
#include "core/link.h"
#include "core/ampdu.h"
#include "core/stats.h"
#include "util/util.h"

/* ------------------------------------------------------------------ maps */

static inline uint32_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

static inline uint32_t radio_hash(uint32_t client, const uint8_t id[6])
{
	return hash64(mac48(id) ^ ((uint64_t)client << 48) ^ ((uint64_t)client * 0x9e3779b97f4a7c15ULL));
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

struct mradio *radio_find(const struct medium *m, uint32_t client, const uint8_t id[6])
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
	uint64_t key = mac48(mac) + 1;
	uint32_t mask = m->addr_map_cap - 1;

	for (uint32_t h = hash64(key);; h++) {
		uint64_t k = m->addr_keys[h & mask];

		if (k == ADDR_EMPTY)
			return -1;
		if (k == key)
			return (int)(h & mask);
	}
}

int radio_addr_lookup(const struct medium *m, const uint8_t mac[6])
{
	int s = addr_slot(m, mac);

	return s < 0 ? -1 : m->addr_vals[s];
}

static void addr_map_set(struct medium *m, const uint8_t mac[6], int radio)
{
	uint64_t key = mac48(mac) + 1;
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

void radio_maps_init(struct medium *m)
{
	radio_map_rebuild(m, 64);
	addr_map_rebuild(m, 64);
}

/* --------------------------------------------------------------- binding */

static void notice(struct medium *m, const struct medium_notice *n)
{
	if (m->ops.notice)
		m->ops.notice(m->opaque, n);
}

static void radio_bind(struct medium *m, struct mradio *r, int node, bool by_name)
{
	struct medium_notice n = {
		.kind = MEDIUM_NOTICE_NODE_BOUND, .client = r->client, .radio = r->id,
		.addr = m->nodes[node].has_mac ? m->nodes[node].mac : NULL, .node = node,
		.node_name = m->nodes[node].name,
	};

	r->node = node;
	r->node_by_name = by_name;
	link_invalidate(m);
	notice(m, &n);
}

static const char *client_name(const struct medium *m, uint32_t client)
{
	return client < m->client_names_cap ? m->client_names[client] : NULL;
}

/* Place r on the node named after its client, if any and r has no place yet. */
void radio_try_bind_name(struct medium *m, struct mradio *r)
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
void radio_try_bind(struct medium *m, struct mradio *r, const uint8_t mac[6])
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

/* ---------------------------------------------------------------- radios */

struct mradio *radio_get(struct medium *m, uint32_t client, const uint8_t id[6])
{
	struct mradio *r = radio_find(m, client, id);
	uint32_t s;

	if (r)
		return r;
	if (m->nradios >= m->p.max_radios ||
	    (client < m->client_radios_cap && m->client_radios[client] >= m->p.max_client_radios)) {
		m->c.limited++;
		return NULL;
	}
	if (client >= m->client_radios_cap) {
		uint32_t cap = m->client_radios_cap ? m->client_radios_cap : 16;

		while (cap <= client)
			cap *= 2;
		m->client_radios = xreallocarray(m->client_radios, cap, sizeof(*m->client_radios));
		memset(&m->client_radios[m->client_radios_cap], 0,
		       (cap - m->client_radios_cap) * sizeof(*m->client_radios));
		m->client_radios_cap = cap;
	}
	m->client_radios[client]++;
	for (s = 0; s < m->radios_cap; s++)
		if (!m->radios[s] || !m->radios[s]->used)
			break;
	if (s == m->radios_cap) {
		uint32_t cap = m->radios_cap ? 2 * m->radios_cap : 8;

		m->radios = xreallocarray(m->radios, cap, sizeof(*m->radios));
		memset(&m->radios[m->radios_cap], 0, (cap - m->radios_cap) * sizeof(*m->radios));
		link_resize(m, cap);
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
	map64_init(&r->ba, sizeof(struct mba));
	sched_event_init(&r->ev);
	r->ev.tag = EV_RADIO;
	sched_event_init(&r->nav_ev);
	r->nav_ev.tag = EV_NAV;
	m->nradios++;
	radio_map_insert(m, r);
	/* The link cache rows of a reused slot belong to its previous radio. */
	link_invalidate(m);
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

bool radio_has_addr(const struct mradio *r, const uint8_t mac[6])
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
	int other = radio_addr_lookup(m, mac);

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
	if (radio_addr_lookup(m, mac) != r->idx || radio_has_addr(r, mac))
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
	if (!r)
		return -ENOSPC;
	for (uint32_t i = 0; i < r->naddrs; i++) {
		if (mac_equal(r->addrs[i].mac, addr)) {
			if (r->addrs[i].count < UINT16_MAX)
				r->addrs[i].count++;
			return 0;
		}
	}
	if (r->naddrs >= m->p.max_radio_addrs) {
		m->c.limited++;
		return -ENOSPC;
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
void radio_learn(struct medium *m, struct mradio *r, const uint8_t mac[6])
{
	uint8_t old[6];
	bool evict;

	if (mac_is_group(mac) || radio_has_addr(r, mac)) {
		if (!mac_is_group(mac) && radio_addr_lookup(m, mac) < 0)
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

void radio_remove(struct medium *m, struct mradio *r)
{
	notice(m, &(struct medium_notice){ .kind = MEDIUM_NOTICE_RADIO_GONE,
					   .client = r->client, .radio = r->id });
	frame_drop_queue(m, r);
	ampdu_radio_free(r);
	radio_map_remove(m, r);
	m->client_radios[r->client]--;
	stats_forget_radio(m, (uint32_t)r->idx);
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
	return radio_get(m, client, radio) ? 0 : -ENOSPC;
}

/* ----------------------------------------------------------- inspection */

uint32_t medium_radio_slots(const struct medium *m)
{
	return m->radios_cap;
}

static void info_add_addr(struct medium_radio_info *out, const uint8_t mac[6])
{
	for (unsigned i = 0; i < out->naddrs; i++)
		if (mac_equal(out->addrs[i], mac))
			return;
	if (out->naddrs < MEDIUM_INFO_ADDRS)
		memcpy(out->addrs[out->naddrs++], mac, 6);
}

int medium_radio_info(const struct medium *m, uint32_t slot, struct medium_radio_info *out)
{
	const struct mradio *r;

	if (slot >= m->radios_cap || !(r = m->radios[slot]) || !r->used)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->client = r->client;
	memcpy(out->id, r->id, 6);
	out->node = r->node;
	for (uint32_t i = 0; i < r->naddrs; i++)
		info_add_addr(out, r->addrs[i].mac);
	for (uint8_t i = 0; i < r->nlearned; i++)
		info_add_addr(out, r->learned[i]);
	out->last_freq = r->last_freq;
	out->tx_power_dbm = link_tx_power(m, r);
	out->queued = r->qlen + (r->nagg ? r->nagg : r->cur ? 1 : 0);
	out->c = r->st;
	return 0;
}

int medium_radio_slot(const struct medium *m, uint32_t client, const uint8_t id[6])
{
	const struct mradio *r = radio_find(m, client, id);

	return r ? r->idx : -ENOENT;
}
