/* SPDX-License-Identifier: MIT */
/*
 * Our own top-level `nodes' list: where the radios of a client (a VM,
 * known by its name) or of one MAC address are, with power, antenna gain
 * and medium. No wmediumd format has it, so it follows our rules only:
 *
 *   nodes = ( { name = "ap"; position = (0.0, 0.0, 2.0); tx_power = 20; },
 *             { mac = "02:11:00:00:00:01"; position = (30.0, 0.0); medium = 1; } );
 *
 * (and a node's mobility = { }, config_mobility.c).
 *
 * Pass 1 (config.c) only checks that nodes is a list; each entry's keys
 * are checked here with the same table checker as wmediumd's sections,
 * then their values. Names and MACs must be unique, and a MAC must not be
 * in ifaces.ids as well: that would place one radio twice.
 */
#include "daemon/config_int.h"

#include <libconfig.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MEDIUM 65535	/* media are small numbers; beyond this, a typo */

/* What one entry holds, by key; NULL when absent or of the wrong type. */
struct node_found {
	const config_setting_t *name, *mac, *position, *tx_power, *antenna_gain, *medium,
		*mobility;
};

#define NSLOT(x) offsetof(struct node_found, x)

static const struct key_rule node_keys[] = {
	{ "name", KEY_STRING, NSLOT(name) },
	{ "mac", KEY_STRING, NSLOT(mac) },
	{ "position", KEY_LIST, NSLOT(position) },
	{ "tx_power", KEY_NUMBER, NSLOT(tx_power) },
	{ "antenna_gain", KEY_NUMBER, NSLOT(antenna_gain) },
	{ "medium", KEY_INT, NSLOT(medium) },
	{ "mobility", KEY_GROUP, NSLOT(mobility) },	/* config_mobility.c */
};

/* Not isalnum(): the locale must not change which names are valid. */
static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

bool config_name_valid(const char *name)
{
	size_t n;

	for (n = 0; name[n]; n++)
		if (n == CONFIG_NAME_MAX || !name_char(name[n]))
			return false;
	return n > 0;
}

/*
 * A node's identity, for the uniqueness checks: the setting that gives it
 * (for messages), and for MACs whether it is an ifaces.ids entry instead.
 */
struct ident {
	const config_setting_t *s;
	const char *name;	/* name nodes */
	uint8_t mac[ETH_ALEN];	/* MAC nodes and ids */
	bool is_id;		/* an ifaces.ids entry, not a node */
	size_t idx;		/* file order within nodes, or within ids */
};

static int cmp_name(const void *a, const void *b)
{
	const struct ident *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : (x->idx > y->idx) - (x->idx < y->idx);
}

/* By MAC; within one MAC, ids entries first, then file order. */
static int cmp_mac(const void *a, const void *b)
{
	const struct ident *x = a, *y = b;
	int r = memcmp(x->mac, y->mac, ETH_ALEN);

	if (r)
		return r;
	if (x->is_id != y->is_id)
		return x->is_id ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* A MAC string a radio can have: the checks (and messages) of ifaces.ids. */
static bool unicast_mac(struct ctx *c, const config_setting_t *s, const char *what, uint8_t *mac)
{
	if (mac_parse(config_setting_get_string(s), mac) < 0)
		report_at(c, s, "%s: bad MAC address", what);
	else if (mac_is_group(mac))
		report_at(c, s, "%s: group address, not a radio's", what);
	else
		return true;
	return false;
}

/*
 * Exactly one of name and mac. A key given with the wrong type has had its
 * message already; it still counts as given, so no second one here.
 */
static bool parse_identity(struct ctx *c, const config_setting_t *g, const struct node_found *nf,
			   struct config_node *n)
{
	bool name = config_setting_get_member(g, "name") != NULL;
	bool mac = config_setting_get_member(g, "mac") != NULL;

	if (name && mac) {
		config_report(c, n->line, NULL, "nodes: name and mac both given (a node has one)");
		return false;
	}
	if (!name && !mac) {
		config_report(c, n->line, NULL, "nodes: a node needs a name or a mac");
		return false;
	}
	if (nf->name) {
		const char *s = config_setting_get_string(nf->name);

		if (!config_name_valid(s)) {
			report_at(c, nf->name,
				  "nodes.name: expected 1 to %d characters of A-Z a-z 0-9 . _ -",
				  CONFIG_NAME_MAX);
			return false;
		}
		memcpy(n->name, s, strlen(s) + 1);
		return true;
	}
	if (nf->mac && unicast_mac(c, nf->mac, "nodes.mac", n->mac)) {
		n->has_mac = true;
		return true;
	}
	return false;
}

static void parse_values(struct ctx *c, const struct node_found *nf, struct config_node *n)
{
	long long v;

	/* (x, y) or (x, y, z), as model.positions; absent means the origin. */
	if (nf->position)
		n->has_pos = config_tuple(c, nf->position, "nodes.position", 2, 3, n->pos);
	if (nf->tx_power)
		n->has_tx_power = config_number_in(c, nf->tx_power, "nodes.tx_power (dBm)", -100.0,
						   100.0, &n->tx_power_dbm);
	if (nf->antenna_gain)
		config_number_in(c, nf->antenna_gain, "nodes.antenna_gain (dBi)", -50.0, 50.0,
				 &n->antenna_gain_dbi);
	if (nf->medium && get_int(nf->medium, &v)) {
		if (v < 0 || v > MAX_MEDIUM)
			report_at(c, nf->medium, "nodes.medium: out of range [0, %d]", MAX_MEDIUM);
		else
			n->medium_id = (int)v;
	}
}

static void check_unique_names(struct ctx *c, struct ident *names, size_t n)
{
	/* Sorted, so duplicates sit side by side: O(n log n) for any n. */
	qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(names[i].name, names[i - 1].name))
			report_at(c, names[i].s, "nodes.name: duplicate name (also at line %d)",
				  line_of(names[i - 1].s));
}

/*
 * MAC nodes against each other and against ifaces.ids. In a run of one
 * MAC the ids entries sort first: every node in a run that has one is
 * placed twice; otherwise every node after the first is a duplicate.
 * Duplicates among ids themselves are config_parse_ids's to report.
 */
static void check_unique_macs(struct ctx *c, struct ident *macs, size_t n)
{
	qsort(macs, n, sizeof(*macs), cmp_mac);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (!mac_equal(macs[i].mac, macs[first].mac)) {
			first = i;
			continue;
		}
		if (macs[i].is_id)
			continue;
		if (macs[first].is_id)
			report_at(c, macs[i].s, "nodes.mac: also in ifaces.ids (line %d): one radio "
				  "placed twice", line_of(macs[first].s));
		else
			report_at(c, macs[i].s, "nodes.mac: duplicate MAC address (also at line %d)",
				  line_of(macs[first].s));
	}
}

void config_parse_nodes(struct ctx *c)
{
	const config_setting_t *list = c->f.nodes, *ids = c->f.ids;
	struct wm_config *cfg = c->cfg;
	size_t n = list ? length(list) : 0, n_ids = ids ? length(ids) : 0;
	struct ident *names, *macs;
	size_t n_names = 0, n_macs = 0;

	if (n > CONFIG_MAX_ENTRIES) {
		report_at(c, list, "nodes: %zu nodes, more than %u", n, CONFIG_MAX_ENTRIES);
		n = 0;
	}
	if (n_ids > CONFIG_MAX_ENTRIES)
		n_ids = 0;	/* reported with ifaces.ids */
	names = xcalloc(n, sizeof(*names));
	macs = xcalloc(n + n_ids, sizeof(*macs));

	cfg->nodes = xcalloc(n, sizeof(*cfg->nodes));
	cfg->n_nodes = n;
	for (size_t i = 0; i < n; i++) {
		const config_setting_t *g = elem(list, i);
		struct config_node *node = &cfg->nodes[i];
		struct node_found nf = { 0 };

		node->line = line_of(g);
		if (!config_setting_is_group(g)) {
			report_at(c, g, "nodes: expected %s per node",
				  config_key_type_names[KEY_GROUP]);
			continue;
		}
		config_check_keys(c, "nodes", node_keys, ARRAY_SIZE(node_keys), g, &nf);
		parse_values(c, &nf, node);
		if (nf.mobility)
			config_parse_mobility(c, nf.mobility, i, &node->mobility);
		if (!parse_identity(c, g, &nf, node))
			continue;
		if (node->has_mac) {
			macs[n_macs] = (struct ident){ .s = nf.mac, .idx = i };
			memcpy(macs[n_macs++].mac, node->mac, ETH_ALEN);
		} else {
			names[n_names++] =
				(struct ident){ .s = nf.name, .name = node->name, .idx = i };
		}
	}
	/*
	 * Only ids entries that parsed: a bad one has had its message. (A
	 * group address there cannot match: no node keeps one.)
	 */
	for (size_t i = 0; n_macs && i < n_ids; i++) {
		const config_setting_t *s = elem(ids, i);
		uint8_t mac[ETH_ALEN];

		if (config_setting_type(s) == CONFIG_TYPE_STRING &&
		    mac_parse(config_setting_get_string(s), mac) == 0) {
			macs[n_macs] = (struct ident){ .s = s, .is_id = true, .idx = i };
			memcpy(macs[n_macs++].mac, mac, ETH_ALEN);
		}
	}
	check_unique_names(c, names, n_names);
	check_unique_macs(c, macs, n_macs);
	free(names);
	free(macs);
}
