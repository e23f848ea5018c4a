/* SPDX-License-Identifier: MIT */
#include "config_apply.h"

#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/util.h"

/*
 * The trace: initial positions, then each node's timed steps, whose clock
 * starts now (at start-up, or at a reload: the trace runs again).
 */
static void apply_trace(struct medium *m, const struct ns2_trace *t)
{
	struct medium_trace_step *steps = NULL;
	size_t i = 0;

	while (i < t->n) {
		uint32_t node = t->v[i].node, n = 0;
		struct medium_node_info ni;
		size_t first;

		if (medium_node_info(m, (int)node, &ni) < 0) {
			log_error("config: mobility trace: no node %u", node);
			for (; i < t->n && t->v[i].node == node; i++)
				;
			continue;
		}
		for (; i < t->n && t->v[i].node == node && !t->v[i].timed; i++)
			ni.pos[t->v[i].step.op - MEDIUM_TRACE_SET_X] = t->v[i].step.value;
		medium_node_set_pos(m, (int)node, ni.pos);
		for (first = i; i < t->n && t->v[i].node == node; i++)
			;
		if (i == first)
			continue;
		steps = xreallocarray(steps, i - first, sizeof(*steps));
		for (size_t k = first; k < i; k++)
			steps[n++] = t->v[k].step;
		if (medium_node_set_trace(m, (int)node, steps, n) < 0)
			log_error("config: mobility trace: node %u refused its steps", node);
	}
	free(steps);
}

static void apply_mobility(struct medium *m, int node, const struct config_node *cn)
{
	const struct config_mobility *mob = &cn->mobility;
	int r = 0;

	switch (mob->model) {
	case CONFIG_MOBILITY_NONE:
		return;
	case CONFIG_MOBILITY_WAYPOINTS:
		r = medium_node_set_waypoints(m, node, mob->waypoints, (uint32_t)mob->n_waypoints,
					      mob->loop);
		break;
	case CONFIG_MOBILITY_RANDOM:
		r = medium_node_set_random_walk(m, node, &mob->random);
		break;
	}
	if (r < 0)
		log_error("config: node at line %d: its mobility was refused", cn->line);
}

void config_apply(struct hub *hub, const struct wm_config *cfg, const struct medium_params *base)
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
	hub->params = p;
	medium_set_params(hub->medium, &p);

	medium_nodes_clear(hub->medium);
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
		if (medium_node_add(hub->medium, &nc) != (int)i)
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
		if (medium_node_add(hub->medium, &nc) < 0)
			log_error("config: node at line %d could not be placed", cn->line);
	}
	for (i = 0; i < cfg->n_links; i++) {
		const struct config_link *l = &cfg->links[i];

		if (cfg->model == CONFIG_MODEL_PROB)
			medium_link_set_prob(hub->medium, l->a, l->b, l->value);
		else
			medium_link_set_snr(hub->medium, l->a, l->b, l->value);
	}
	apply_trace(hub->medium, &cfg->trace);
	for (i = 0; i < cfg->n_nodes; i++)
		apply_mobility(hub->medium, (int)(cfg->n_radios + i), &cfg->nodes[i]);
}
