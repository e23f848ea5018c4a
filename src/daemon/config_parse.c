/* SPDX-License-Identifier: MIT */
/*
 * Pass 2 of the config loader: meaning. Each value the shape pass found is
 * checked (type, range, radio index, one entry per radio) and copied into
 * struct wm_config; wmediumd's link mirroring and model choice live here.
 * config.c calls the config_parse_* functions in order (config_parse_nodes
 * is in config_nodes.c).
 */
#include "daemon/config_int.h"

#include <libconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COORD 1e6			/* metres: 1000 km, beyond that a typo */

/* --- value checks --- */

bool config_number_in(struct ctx *c, const config_setting_t *s, const char *what, double lo,
		      double hi, double *out)
{
	double v;

	if (!get_number(s, &v)) {
		report_at(c, s, "%s: expected a number", what);
		return false;
	}
	if (v < lo || v > hi) {
		report_at(c, s, "%s: out of range [%g, %g]", what, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

/* An index into ifaces.ids. */
static bool radio_index(struct ctx *c, const config_setting_t *s, const char *what, int *out)
{
	long long v;

	if (!get_int(s, &v)) {
		report_at(c, s, "%s: expected a radio index", what);
		return false;
	}
	if (v < 0 || (unsigned long long)v >= c->cfg->n_radios) {
		report_at(c, s, "%s: no such radio (ifaces.ids has %zu)", what, c->cfg->n_radios);
		return false;
	}
	*out = (int)v;
	return true;
}

/* A per-radio list must have one entry per id. */
static bool per_radio(struct ctx *c, const config_setting_t *s, const char *what)
{
	if (!s)
		return false;
	if (length(s) != c->cfg->n_radios) {
		report_at(c, s, "%s: has %zu entries, ifaces.ids has %zu", what, length(s),
			  c->cfg->n_radios);
		return false;
	}
	return true;
}

/* --- pass 2: meaning --- */

struct mac_ref {
	uint8_t mac[ETH_ALEN];
	size_t idx;
};

static int cmp_mac_ref(const void *a, const void *b)
{
	const struct mac_ref *x = a, *y = b;
	int r = memcmp(x->mac, y->mac, ETH_ALEN);

	return r ? r : (x->idx > y->idx) - (x->idx < y->idx);
}

void config_parse_ids(struct ctx *c)
{
	const config_setting_t *ids = c->f.ids;
	struct wm_config *cfg = c->cfg;
	size_t n = ids ? length(ids) : 0, good = 0;
	struct mac_ref *refs;
	long long count;

	if (n > CONFIG_MAX_ENTRIES) {
		report_at(c, ids, "ifaces.ids: %zu radios, more than %u", n, CONFIG_MAX_ENTRIES);
		n = 0;
	}
	refs = xcalloc(n, sizeof(*refs));

	cfg->radios = xcalloc(n, sizeof(*cfg->radios));
	cfg->n_radios = n;
	for (size_t i = 0; i < n; i++) {
		const config_setting_t *s = elem(ids, i);
		struct config_radio *r = &cfg->radios[i];

		r->line = line_of(s);
		if (config_setting_type(s) != CONFIG_TYPE_STRING)
			report_at(c, s, "ifaces.ids: expected a MAC address string");
		else if (mac_parse(config_setting_get_string(s), r->mac) < 0)
			report_at(c, s, "ifaces.ids: bad MAC address");
		else if (mac_is_group(r->mac))
			report_at(c, s, "ifaces.ids: group address, not a radio's");
		else {
			memcpy(refs[good].mac, r->mac, ETH_ALEN);
			refs[good++].idx = i;
		}
	}
	/* Sorted, so duplicates sit side by side: O(n log n) for any n. */
	qsort(refs, good, sizeof(*refs), cmp_mac_ref);
	for (size_t i = 1; i < good; i++)
		if (mac_equal(refs[i].mac, refs[i - 1].mac))
			report_at(c, elem(ids, refs[i].idx),
				  "ifaces.ids: duplicate MAC address (also at line %d)",
				  cfg->radios[refs[i - 1].idx].line);
	free(refs);
	if (c->f.count && get_int(c->f.count, &count) && (count < 0 || (size_t)count != n))
		report_at(c, c->f.count, "ifaces.count: ifaces.ids has %zu", n);
}

/* Links as given, before wmediumd's mirroring. */
struct raw_link {
	int a, b;
	double value;
	int line;
};

static int cmp_raw_link(const void *x, const void *y)
{
	const struct raw_link *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return (p->line > q->line) - (p->line < q->line);
}

static void add_link(struct ctx *c, int a, int b, double v, int line)
{
	struct wm_config *cfg = c->cfg;

	/* Doubling: a 10^5-link file must not cost 10^10 copies. */
	if (cfg->n_links == c->links_cap) {
		c->links_cap = c->links_cap ? 2 * c->links_cap : 16;
		cfg->links = xreallocarray(cfg->links, c->links_cap, sizeof(*cfg->links));
	}
	cfg->links[cfg->n_links++] = (struct config_link){ .a = a, .b = b, .value = v, .line = line };
}

static bool raw_has(const struct raw_link *raw, size_t n, int a, int b)
{
	struct raw_link key = { .a = a, .b = b, .line = 0 };
	size_t lo = 0, hi = n;

	/* Every real line sorts after 0: this lands on the first (a, b) if any. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_raw_link(&raw[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && raw[lo].a == a && raw[lo].b == b;
}

/*
 * wmediumd: a link given one way holds both ways; given both ways, each
 * keeps its own value. The same direction twice is ambiguous (wmediumd
 * takes the last): an error here.
 */
static void expand_links(struct ctx *c, struct raw_link *raw, size_t n, bool asymmetric)
{
	qsort(raw, n, sizeof(*raw), cmp_raw_link);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && raw[i].a == raw[i - 1].a && raw[i].b == raw[i - 1].b) {
			char v[32];

			snprintf(v, sizeof(v), "(%d, %d)", raw[i].a, raw[i].b);
			config_report(c, raw[i].line, v, "link given twice (also at line %d)",
			       raw[i - 1].line);
			continue;
		}
		add_link(c, raw[i].a, raw[i].b, raw[i].value, raw[i].line);
		if (!asymmetric && !raw_has(raw, n, raw[i].b, raw[i].a))
			add_link(c, raw[i].b, raw[i].a, raw[i].value, raw[i].line);
	}
}

/* (i, j, value) triples: ifaces.links and model.links. */
static void parse_links(struct ctx *c, const config_setting_t *links, const char *what, bool prob,
			bool asymmetric)
{
	size_t n = length(links), got = 0;
	struct raw_link *raw = xcalloc(n, sizeof(*raw));

	for (size_t i = 0; i < n; i++) {
		const config_setting_t *l = elem(links, i);
		struct raw_link *r = &raw[got];
		bool ok;

		if (!is_list(l) || length(l) != 3) {
			report_at(c, l, "%s: expected (radio, radio, %s)", what,
				  prob ? "loss probability" : "SNR");
			continue;
		}
		r->line = line_of(l);
		ok = radio_index(c, elem(l, 0), what, &r->a);
		ok &= radio_index(c, elem(l, 1), what, &r->b);
		ok &= prob ? config_number_in(c, elem(l, 2), what, 0.0, 1.0, &r->value)
			   : config_number_in(c, elem(l, 2), what, -200.0, 200.0, &r->value);
		if (ok && r->a == r->b) {
			report_at(c, l, "%s: link from a radio to itself", what);
			ok = false;
		}
		got += ok;
	}
	expand_links(c, raw, got, asymmetric);
	free(raw);
}

/* ifaces.error_probs: an N x N matrix of which wmediumd used the upper triangle, both ways. */
static void parse_error_probs(struct ctx *c)
{
	const config_setting_t *m = c->f.error_probs;
	size_t n = c->cfg->n_radios;
	double v;

	if (!per_radio(c, m, "ifaces.error_probs"))
		return;
	for (size_t i = 0; i < n; i++) {
		const config_setting_t *row = elem(m, i);

		if (!is_list(row)) {
			report_at(c, row, "ifaces.error_probs: expected a row of %zu numbers", n);
			continue;
		}
		if (!per_radio(c, row, "ifaces.error_probs row"))
			continue;
		for (size_t j = 0; j < n; j++)
			if (config_number_in(c, elem(row, j), "ifaces.error_probs", 0.0, 1.0, &v) &&
			    j > i) {
				add_link(c, (int)i, (int)j, v, line_of(elem(row, j)));
				add_link(c, (int)j, (int)i, v, line_of(elem(row, j)));
			}
	}
}

bool config_tuple(struct ctx *c, const config_setting_t *s, const char *what, size_t min,
		  size_t max, double *out)
{
	size_t n = is_list(s) ? length(s) : 0;
	bool ok = true;

	if (n < min || n > max) {
		report_at(c, s, "%s: expected %s numbers", what, min == max ? "2" : "2 or 3");
		return false;
	}
	for (size_t i = 0; i < n; i++)
		ok &= config_number_in(c, elem(s, i), what, -MAX_COORD, MAX_COORD, &out[i]);
	return ok;
}

/* The per-radio lists of the model: positions, directions, tx_powers, isnodeaps. */
static void parse_radio_lists(struct ctx *c, bool path_loss)
{
	struct found *f = &c->f;
	struct wm_config *cfg = c->cfg;
	bool pos = path_loss && per_radio(c, f->positions, "positions");
	bool dir = path_loss && per_radio(c, f->directions, "directions");
	bool pow = path_loss && per_radio(c, f->tx_powers, "tx_powers");
	bool aps = per_radio(c, f->isnodeaps, "model.isnodeaps");

	for (size_t i = 0; i < cfg->n_radios; i++) {
		struct config_radio *r = &cfg->radios[i];
		long long v;

		/* wmediumd wants (x, y), mininet-wifi's fork (x, y, z): both are fine. */
		if (pos)
			r->has_pos = config_tuple(c, elem(f->positions, i), "positions", 2, 3,
						  r->pos);
		if (dir)
			r->has_dir = config_tuple(c, elem(f->directions, i), "directions", 2, 2,
						  r->dir);
		if (pow)
			r->has_tx_power = config_number_in(c, elem(f->tx_powers, i),
							   "tx_powers (dBm)", -100.0, 100.0,
							   &r->tx_power_dbm);
		if (!aps)
			continue;
		if (config_setting_type(elem(f->isnodeaps, i)) == CONFIG_TYPE_BOOL)
			r->is_ap = config_setting_get_bool(elem(f->isnodeaps, i));
		else if (get_int(elem(f->isnodeaps, i), &v) && (v == 0 || v == 1))
			r->is_ap = v;
		else
			report_at(c, elem(f->isnodeaps, i), "model.isnodeaps: expected 0 or 1");
	}
}

static void parse_medium_array(struct ctx *c)
{
	const config_setting_t *m = c->f.medium_array;
	struct config_radio *radios = c->cfg->radios;
	int r;

	/* ((0, 1, 6), (2, 3, 7)): medium k + 1 holds the radios of entry k. */
	for (size_t k = 0; k < length(m); k++) {
		const config_setting_t *set = elem(m, k);

		if (!is_list(set)) {
			report_at(c, set, "ifaces.medium_array: expected a list of radio indices");
			continue;
		}
		for (size_t j = 0; j < length(set); j++) {
			if (!radio_index(c, elem(set, j), "ifaces.medium_array", &r))
				continue;
			if (radios[r].medium_id)
				report_at(c, elem(set, j), "ifaces.medium_array: radio already in medium %d",
					  radios[r].medium_id);
			else
				radios[r].medium_id = (int)k + 1;
		}
	}
}

/* model_name chooses the model and its defaults; the parameters come after. */
static bool set_model_name(struct ctx *c, const config_setting_t *s)
{
	const char *name = config_setting_get_string(s);

	/* The names are prop.c's: one list, so a new model is readable at once. */
	for (int t = PROP_FREE_SPACE; t <= PROP_ITU; t++)
		if (!strcmp(prop_model_name((enum prop_model_type)t), name)) {
			prop_model_init(&c->cfg->prop, (enum prop_model_type)t);
			return true;
		}
	if (!strcmp(name, "weissberger"))
		report_at(c, s, "model_name: weissberger (vegetation map) is not supported");
	else
		report_at(c, s, "unknown model_name");
	return false;
}

/* path_loss.model_params = ("log_distance", exponent, xg) of 2017 wmediumd. */
static void parse_legacy_params(struct ctx *c)
{
	const config_setting_t *p = c->f.legacy_params;
	struct prop_model *pm = &c->cfg->prop;
	size_t n = length(p);

	if (!n || config_setting_type(elem(p, 0)) != CONFIG_TYPE_STRING) {
		report_at(c, p, "path_loss.model_params: expected (\"model name\", parameters...)");
		return;
	}
	if (!set_model_name(c, elem(p, 0)))
		return;
	if (pm->type == PROP_LOG_DISTANCE && n == 3) {
		config_number_in(c, elem(p, 1), "path_loss.model_params exponent", 0.1, 10.0,
				 &pm->path_loss_exp);
		config_number_in(c, elem(p, 2), "path_loss.model_params xg", -200.0, 200.0,
				 &pm->xg);
	} else if (!(pm->type == PROP_FREE_SPACE && n == 1)) {
		report_at(c, p, "path_loss.model_params: expected (\"log_distance\", exponent, xg) "
			  "or (\"free_space\")");
	}
}

static void parse_path_loss(struct ctx *c)
{
	struct found *f = &c->f;
	const config_setting_t *sec = f->legacy ? f->legacy : f->model;

	if (c->cfg->n_radios && !f->positions)
		config_report(c, line_of(sec), NULL, "%s.positions missing (path_loss needs them)",
		       config_setting_name(sec));
	if (f->legacy && f->legacy_params)
		parse_legacy_params(c);
	else if (f->legacy)
		config_report(c, line_of(sec), NULL, "path_loss.model_params missing");
	else if (f->model_name)
		set_model_name(c, f->model_name);
	else
		config_report(c, line_of(sec), NULL, "model.model_name missing (path_loss needs it)");
}

/* Which model, from model.type or from what older files imply. */
void config_parse_model(struct ctx *c)
{
	struct found *f = &c->f;
	struct wm_config *cfg = c->cfg;
	const char *type = f->type ? config_setting_get_string(f->type) : NULL;

	if (f->legacy && f->model) {
		config_report(c, line_of(f->legacy), NULL, "path_loss and model sections both given");
		return;
	}
	if (f->ilinks && f->error_probs) {
		config_report(c, line_of(f->error_probs), NULL, "ifaces.links and ifaces.error_probs both given");
		return;
	}
	if ((f->ilinks || f->error_probs) && type) {
		/* wmediumd silently drops the model then: say so instead. */
		config_report(c, line_of(f->type), type, "model.type conflicts with ifaces.%s",
		       f->ilinks ? "links" : "error_probs");
		return;
	}
	if (f->ilinks) {
		cfg->model = CONFIG_MODEL_SNR;
		parse_links(c, f->ilinks, "ifaces.links", false, false);
	} else if (f->error_probs) {
		cfg->model = CONFIG_MODEL_PROB;
		parse_error_probs(c);
	} else if (f->legacy || (type && !strcmp(type, "path_loss"))) {
		cfg->model = CONFIG_MODEL_PATH_LOSS;
		parse_path_loss(c);
	} else if (!type) {
		if (f->links || f->positions || f->model_name)
			config_report(c, line_of(f->model), NULL, "model.type missing");
	} else if (!strcmp(type, "snr")) {
		cfg->model = CONFIG_MODEL_SNR;
		if (f->links)
			parse_links(c, f->links, "model.links", false, false);
	} else if (!strcmp(type, "prob") || !strcmp(type, "prob_asymmetric")) {
		cfg->model = CONFIG_MODEL_PROB;
		cfg->asymmetric = strcmp(type, "prob") != 0;
		if (f->links)
			parse_links(c, f->links, "model.links", true, cfg->asymmetric);
	} else {
		report_at(c, f->type, "unknown model.type (snr, prob, prob_asymmetric, path_loss)");
	}
	/* Outside path_loss wmediumd ignores positions and powers; isnodeaps is checked anyway. */
	parse_radio_lists(c, cfg->model == CONFIG_MODEL_PATH_LOSS);
}

/*
 * Plain numbers with a range and a home in struct wm_config. The prop ones
 * land after model_name set the model's defaults; outside path_loss they
 * are checked and unused, as wmediumd ignores them.
 */
#define CFG(x) offsetof(struct wm_config, x)
static const struct num_rule {
	size_t slot, dest;
	const char *what;
	double lo, hi;
} num_rules[] = {
	{ SLOT(default_prob), CFG(default_prob), "model.default_prob", 0.0, 1.0 },
	{ SLOT(exp), CFG(prop.path_loss_exp), "model.path_loss_exp", 0.1, 10.0 },
	{ SLOT(xg), CFG(prop.xg), "model.xg (dB)", -200.0, 200.0 },
	{ SLOT(lf), CFG(prop.floor_loss), "model.lF (dB per floor)", 0.0, 1000.0 },
	{ SLOT(pl), CFG(prop.power_loss_coeff), "model.pL", 0.0, 100.0 },
	{ SLOT(pmsr_sigma), CFG(pmsr.sigma_m), "model.pmsr_sigma_m", 0.0, 1e4 },
	{ SLOT(pmsr_alpha), CFG(pmsr.crlb_alpha), "model.pmsr_crlb_alpha", 0.0, 1e4 },
	{ SLOT(pmsr_nlos_prob), CFG(pmsr.nlos_prob), "model.pmsr_nlos_prob", 0.0, 1.0 },
	{ SLOT(pmsr_nlos_bias), CFG(pmsr.nlos_bias_m), "model.pmsr_nlos_bias_m", -1e4, 1e4 },
	{ SLOT(pmsr_brms), CFG(pmsr.brms_ratio), "model.pmsr_brms_ratio", 1e-6, 1e4 },
};

void config_parse_numbers(struct ctx *c)
{
	struct found *f = &c->f;
	struct wm_config *cfg = c->cfg;
	struct prop_model *pm = &cfg->prop;
	long long v;
	double d;

	for (size_t i = 0; i < ARRAY_SIZE(num_rules); i++) {
		const config_setting_t *s = *slot(&c->f, num_rules[i].slot);

		if (s && config_number_in(c, s, num_rules[i].what, num_rules[i].lo, num_rules[i].hi,
					  &d))
			*(double *)((char *)cfg + num_rules[i].dest) = d;
	}
	/* sL is a linear ratio in mininet-wifi and its fork (sL = 1 is no loss). */
	if (f->sl && config_number_in(c, f->sl, "model.sL (ratio)", 0.0, 1e9, &d)) {
		if (d <= 0.0)
			report_at(c, f->sl, "model.sL: a ratio, must be above 0 (1 = no loss)");
		else if (pm->type == PROP_FREE_SPACE || pm->type == PROP_TWO_RAY_GROUND ||
			 pm->type == PROP_LOG_NORMAL_SHADOWING)
			pm->system_loss = 10.0 * log10(d);
	}
	if (f->nfloors && get_int(f->nfloors, &v)) {
		if (v < 0 || v > 1000)
			report_at(c, f->nfloors, "model.nFLOORS: out of range [0, 1000]");
		else
			pm->floors = (int)v;
	}
	if (f->fading && f->ifading)
		config_report(c, line_of(f->ifading), NULL,
		       "fading_coefficient given in both ifaces and model (line %d)",
		       line_of(f->fading));
	else if ((f->fading || f->ifading) &&
		 config_number_in(c, f->fading ? f->fading : f->ifading, "fading_coefficient (dB)",
				  0.0, 100.0, &d))
		cfg->fading_db = d;
	if (f->noise &&
	    config_number_in(c, f->noise, "model.noise_threshold (dBm)", -200.0, 0.0, &d)) {
		/* wmediumd silently falls back to -91 dBm for 0 and above. */
		if (d >= 0.0)
			report_at(c, f->noise, "model.noise_threshold: must be below 0 dBm");
		cfg->has_noise_threshold = d < 0.0;
		cfg->noise_threshold_dbm = d;
	}
	cfg->pmsr.present = f->pmsr_sigma || f->pmsr_alpha || f->pmsr_nlos_prob ||
			    f->pmsr_nlos_bias || f->pmsr_seed || f->pmsr_brms;
	if (f->pmsr_seed && get_int(f->pmsr_seed, &v))
		cfg->pmsr.seed = v;
	if (f->interference)
		cfg->interference = config_setting_get_bool(f->interference);
	if (f->medium_detection)
		cfg->medium_detection = config_setting_get_bool(f->medium_detection);
	if (f->medium_array)
		parse_medium_array(c);
}
