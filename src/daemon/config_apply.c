/* SPDX-License-Identifier: MIT */
#include "config_apply.h"

#include <string.h>

#include "util/log.h"

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
}
