/* SPDX-License-Identifier: MIT */
/*
 * The config loader. Two passes over libconfig's tree:
 *
 *  1. shape: every section and key is looked up in a table (name, type,
 *     where to keep it); an unknown name or a wrong type is an error. Adding
 *     a key is adding a table row and a slot in struct found.
 *  2. meaning: in a fixed order (ids first, since everything else is
 *     indexed by them) each value is checked and copied into struct
 *     wm_config.
 *
 * Pass 1 and the entry points are here, pass 2 in config_parse.c, and our
 * own `nodes' list (both passes of its entries) in config_nodes.c; what
 * they share is in config_int.h.
 *
 * Both passes report and go on, so one run lists every problem. Formats:
 * wmediumd (bcopeland) and its ancestors (ifaces.count, ifaces.error_probs,
 * the top-level path_loss section with model_params), and mininet-wifi's
 * fork (3-D positions, isnodeaps, noise_threshold, medium_array, sL,
 * two_ray_ground, log_normal_shadowing, pL, pmsr_*).
 */
#include "daemon/config.h"
#include "daemon/config_int.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_SIZE (16u << 20)	/* a config this big is a mistake, not a topology */
#define SNR_DEFAULT 30.0		/* wmediumd's SNR for pairs nothing names */

const char *const config_key_type_names[] = {
	[KEY_GROUP] = "a group { }",
	[KEY_LIST] = "a list",
	[KEY_STRING] = "a string",
	[KEY_NUMBER] = "a number",
	[KEY_INT] = "an integer",
	[KEY_BOOL] = "true or false",
};

/*
 * A top-level setting. wmediumd's are groups whose keys a table checks
 * here; ours (nodes) is a list of groups, whose keys config_nodes.c checks
 * entry by entry with the same checker.
 */
struct section_rule {
	const char *name;
	enum key_type type;		/* KEY_GROUP, KEY_LIST or KEY_STRING */
	size_t slot;
	const struct key_rule *keys;	/* KEY_GROUP: its keys */
	size_t n_keys;
	const char *unsupported;	/* known, but refused: this says why */
};

static const struct key_rule ifaces_keys[] = {
	{ "ids", KEY_LIST, SLOT(ids) },
	{ "count", KEY_INT, SLOT(count) },			/* cozybit, AOSP: == length of ids */
	{ "links", KEY_LIST, SLOT(ilinks) },			/* SNR links before model.type */
	{ "enable_interference", KEY_BOOL, SLOT(interference) },
	{ "error_probs", KEY_LIST, SLOT(error_probs) },		/* 2016 wmediumd: N x N matrix */
	{ "fading_coefficient", KEY_NUMBER, SLOT(ifading) },	/* where 2017 tests put it */
	{ "medium_array", KEY_LIST, SLOT(medium_array) },	/* mininet-wifi */
	{ "enable_medium_detection", KEY_BOOL, SLOT(medium_detection) },	/* mininet-wifi */
};

static const struct key_rule model_keys[] = {
	{ "type", KEY_STRING, SLOT(type) },
	{ "links", KEY_LIST, SLOT(links) },
	{ "default_prob", KEY_NUMBER, SLOT(default_prob) },
	{ "fading_coefficient", KEY_NUMBER, SLOT(fading) },
	{ "noise_threshold", KEY_NUMBER, SLOT(noise) },
	{ "positions", KEY_LIST, SLOT(positions) },
	{ "directions", KEY_LIST, SLOT(directions) },
	{ "tx_powers", KEY_LIST, SLOT(tx_powers) },
	{ "isnodeaps", KEY_LIST, SLOT(isnodeaps) },
	{ "model_name", KEY_STRING, SLOT(model_name) },
	{ "path_loss_exp", KEY_NUMBER, SLOT(exp) },
	{ "xg", KEY_NUMBER, SLOT(xg) },
	{ "sL", KEY_NUMBER, SLOT(sl) },
	{ "nFLOORS", KEY_INT, SLOT(nfloors) },
	{ "lF", KEY_NUMBER, SLOT(lf) },				/* mininet-wifi's spelling */
	{ "LF", KEY_NUMBER, SLOT(lf) },				/* wmediumd's */
	{ "pL", KEY_NUMBER, SLOT(pl) },
	{ "vegetation_matrix_file", KEY_STRING, SLOT(veg_file) },	/* weissberger */
	{ "matrix_size", KEY_INT, SLOT(veg_size) },
	{ "pmsr_sigma_m", KEY_NUMBER, SLOT(pmsr_sigma) },
	{ "pmsr_crlb_alpha", KEY_NUMBER, SLOT(pmsr_alpha) },
	{ "pmsr_nlos_prob", KEY_NUMBER, SLOT(pmsr_nlos_prob) },
	{ "pmsr_nlos_bias_m", KEY_NUMBER, SLOT(pmsr_nlos_bias) },
	{ "pmsr_seed", KEY_INT, SLOT(pmsr_seed) },
	{ "pmsr_brms_ratio", KEY_NUMBER, SLOT(pmsr_brms) },
};

/* 2017 wmediumd, before path loss moved into model: the same lists, other params. */
static const struct key_rule legacy_keys[] = {
	{ "positions", KEY_LIST, SLOT(positions) },
	{ "directions", KEY_LIST, SLOT(directions) },
	{ "tx_powers", KEY_LIST, SLOT(tx_powers) },
	{ "model_params", KEY_LIST, SLOT(legacy_params) },
};

static const struct section_rule sections[] = {
	{ "ifaces", KEY_GROUP, SLOT(ifaces), ifaces_keys, ARRAY_SIZE(ifaces_keys), NULL },
	{ "model", KEY_GROUP, SLOT(model), model_keys, ARRAY_SIZE(model_keys), NULL },
	{ "path_loss", KEY_GROUP, SLOT(legacy), legacy_keys, ARRAY_SIZE(legacy_keys), NULL },
	{ "nodes", KEY_LIST, SLOT(nodes), NULL, 0, NULL },	/* ours, not wmediumd's */
	{ "mobility_trace", KEY_STRING, SLOT(mobility_trace), NULL, 0, NULL },	/* ours */
	{ "prob", KEY_GROUP, 0, NULL, 0, "the 2011 cozybit per-rate matrices are not supported "
	  "(use model.type = \"prob\")" },
	{ "jam", KEY_GROUP, 0, NULL, 0, "the 2011 cozybit jammer is not supported" },
};

/* --- messages --- */

/* Printable and bounded: a value can be anything the file holds. */
static void escape(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 8 < size; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch >= 0x20 && ch < 0x7f && ch != '\'')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
	}
	if (*in)
		o += (size_t)snprintf(out + o, size - o, "...");
	out[o] = '\0';
}

void config_repr(const config_setting_t *s, char *buf, size_t size)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		snprintf(buf, size, "%d", config_setting_get_int(s));
		return;
	case CONFIG_TYPE_INT64:
		snprintf(buf, size, "%lld", config_setting_get_int64(s));
		return;
	case CONFIG_TYPE_FLOAT:
		snprintf(buf, size, "%g", config_setting_get_float(s));
		return;
	case CONFIG_TYPE_BOOL:
		snprintf(buf, size, "%s", config_setting_get_bool(s) ? "true" : "false");
		return;
	case CONFIG_TYPE_STRING:
		snprintf(buf, size, "\"%s\"", config_setting_get_string(s));
		return;
	}
	snprintf(buf, size, "%s", config_setting_is_group(s) ? "{...}" :
		 config_setting_is_array(s) ? "[...]" : "(...)");
}

/* "NAME:LINE: what: `value'" (value optional; line 0 drops the LINE part). */
void config_report(struct ctx *c, int line, const char *value, const char *fmt, ...)
{
	struct config_errors *e = c->errs;
	char what[512], val[160], pos[24] = "", msg[1024];
	va_list ap;

	c->nerr++;
	if (e->n >= CONFIG_MAX_ERRORS) {
		e->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	escape(value ? value : "", val, sizeof(val));
	if (line > 0)
		snprintf(pos, sizeof(pos), ":%d", line);
	snprintf(msg, sizeof(msg), value ? "%s%s: %s: `%s'" : "%s%s: %s", c->name, pos, what, val);
	e->v = xreallocarray(e->v, e->n + 1, sizeof(*e->v));
	e->v[e->n++] = (struct config_error){ .line = line, .msg = xstrdup(msg) };
}

static int cmp_error(const void *a, const void *b)
{
	const struct config_error *x = a, *y = b;

	/* Equal lines keep the order found: the array order is that order. */
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x > y) - (x < y);
}

/* --- pass 1: shape --- */

static bool type_ok(const config_setting_t *s, enum key_type t)
{
	double d;
	long long i;

	switch (t) {
	case KEY_GROUP:
		return config_setting_is_group(s);
	case KEY_LIST:
		return is_list(s);
	case KEY_STRING:
		return config_setting_type(s) == CONFIG_TYPE_STRING;
	case KEY_NUMBER:
		return get_number(s, &d);
	case KEY_INT:
		return get_int(s, &i);
	case KEY_BOOL:
		return config_setting_type(s) == CONFIG_TYPE_BOOL;
	}
	return false;
}

void config_check_keys(struct ctx *c, const char *where, const struct key_rule *keys,
		       size_t n_keys, const config_setting_t *g, void *found)
{
	for (size_t i = 0; i < length(g); i++) {
		const config_setting_t *s = elem(g, i), **p;
		const char *name = config_setting_name(s);
		const struct key_rule *k = NULL;

		for (size_t j = 0; j < n_keys && name && !k; j++)
			if (!strcmp(keys[j].name, name))
				k = &keys[j];
		if (!k) {
			config_report(c, line_of(s), name, "unknown key in %s", where);
			continue;
		}
		if (!type_ok(s, k->type)) {
			report_at(c, s, "%s.%s: expected %s", where, name,
				  config_key_type_names[k->type]);
			continue;
		}
		p = slot(found, k->slot);
		/* libconfig refuses a name twice; two spellings (lF, LF) reach here. */
		if (*p) {
			config_report(c, line_of(s), name, "%s.%s: given twice (also as %s at line %d)",
			       where, k->name, config_setting_name(*p), line_of(*p));
			continue;
		}
		*p = s;
	}
}

static void check_shape(struct ctx *c, const config_setting_t *root)
{
	for (size_t i = 0; i < length(root); i++) {
		const config_setting_t *s = elem(root, i);
		const char *name = config_setting_name(s);
		const struct section_rule *sec = NULL;

		for (size_t j = 0; j < ARRAY_SIZE(sections) && name && !sec; j++)
			if (!strcmp(sections[j].name, name))
				sec = &sections[j];
		if (!sec)
			config_report(c, line_of(s), name, "unknown section");
		else if (sec->unsupported)
			config_report(c, line_of(s), name, "%s", sec->unsupported);
		else if (!type_ok(s, sec->type))
			report_at(c, s, "%s: expected %s", name, config_key_type_names[sec->type]);
		else {
			*slot(&c->f, sec->slot) = s;
			if (sec->type == KEY_GROUP)
				config_check_keys(c, sec->name, sec->keys, sec->n_keys, s, &c->f);
		}
	}
}

/* --- entry points --- */

void config_errors_init(struct config_errors *errs)
{
	*errs = (struct config_errors){ 0 };
}

void config_errors_free(struct config_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		free(errs->v[i].msg);
	free(errs->v);
	config_errors_init(errs);
}

void config_errors_print(const struct config_errors *errs, FILE *f)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(f, "%s\n", errs->v[i].msg);
	if (errs->dropped)
		fprintf(f, "(%zu more errors)\n", errs->dropped);
}

void config_free(struct wm_config *cfg)
{
	free(cfg->radios);
	free(cfg->links);
	for (size_t i = 0; i < cfg->n_nodes; i++)
		free(cfg->nodes[i].mobility.waypoints);
	free(cfg->nodes);
	free(cfg->mobility_trace);
	ns2_trace_free(&cfg->trace);
	*cfg = (struct wm_config){ .default_snr_db = SNR_DEFAULT };
	prop_model_init(&cfg->prop, PROP_FREE_SPACE);
}

/*
 * What libconfig would do wrong with untrusted text: stop at a NUL (the
 * rest silently dropped) and open any file an @include names.
 */
static void check_raw(struct ctx *c, const char *text, size_t len)
{
	int line = 1;
	bool bol = true;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\0') {
			config_report(c, line, NULL, "NUL byte in the file");
			return;
		}
		if (bol && len - i >= 8 && !memcmp(text + i, "@include", 8))
			config_report(c, line, NULL, "@include is not supported");
		if (text[i] == '\n')
			line++;
		bol = text[i] == '\n' || (bol && (text[i] == ' ' || text[i] == '\t'));
	}
}

static int load(struct ctx *c, const char *text, size_t len)
{
	config_t lc;
	char *copy;

	check_raw(c, text, len);
	if (c->nerr)
		return -EINVAL;
	/* libconfig wants a C string; the text need not end in one. */
	copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	config_init(&lc);
	if (!config_read_string(&lc, copy)) {
		config_report(c, config_error_line(&lc), NULL, "%s", config_error_text(&lc));
	} else {
		check_shape(c, config_root_setting(&lc));
		config_parse_ids(c);
		config_parse_nodes(c);
		config_parse_trace(c);
		config_parse_model(c);
		config_parse_numbers(c);
	}
	config_destroy(&lc);
	free(copy);
	return c->nerr ? -EINVAL : 0;
}

/* Load text; dir is the config's directory for the files it names, or NULL to read none. */
static int load_text(const char *text, size_t len, const char *name, const char *dir,
		     struct wm_config *cfg, struct config_errors *errs)
{
	struct config_errors local;
	struct ctx c = { .name = name ? name : "(config)", .errs = errs ? errs : &local, .cfg = cfg,
			 .dir = dir };
	size_t first;
	int r;

	config_errors_init(&local);
	first = c.errs->n;
	*cfg = (struct wm_config){ 0 };
	config_free(cfg);	/* the defaults */
	r = load(&c, text, len);
	if (r < 0)
		config_free(cfg);
	if (c.errs->n > first)
		qsort(c.errs->v + first, c.errs->n - first, sizeof(*c.errs->v), cmp_error);
	config_errors_free(&local);
	return r;
}

int config_load_string(const char *text, size_t len, const char *name, struct wm_config *cfg,
		       struct config_errors *errs)
{
	return load_text(text, len, name, NULL, cfg, errs);
}

int config_load_file(const char *path, struct wm_config *cfg, struct config_errors *errs)
{
	struct config_errors local;
	struct ctx c = { .name = path, .errs = errs ? errs : &local, .cfg = cfg };
	const char *slash = strrchr(path, '/');
	char *buf = NULL, *dir;
	size_t len = 0;
	bool opened;
	int r;

	config_errors_init(&local);
	*cfg = (struct wm_config){ 0 };
	config_free(cfg);
	r = config_slurp(path, MAX_FILE_SIZE, &buf, &len, &opened);
	if (r < 0) {
		config_report(&c, 0, strerror(-r), opened ? "cannot read" : "cannot open");
	} else {
		/* Files it names are relative to its directory ("/" for one in the root). */
		size_t dl = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);

		dir = xmalloc(dl + 1);
		memcpy(dir, slash ? path : ".", dl);
		dir[dl] = '\0';
		r = load_text(buf, len, path, dir, cfg, errs);
		free(dir);
	}
	free(buf);
	config_errors_free(&local);
	return r;
}

static const char *model_type_name(const struct wm_config *cfg)
{
	switch (cfg->model) {
	case CONFIG_MODEL_NONE:
		return "none (every pair at the default SNR)";
	case CONFIG_MODEL_SNR:
		return "snr";
	case CONFIG_MODEL_PROB:
		return cfg->asymmetric ? "prob_asymmetric" : "prob";
	case CONFIG_MODEL_PATH_LOSS:
		return "path_loss";
	}
	return "?";
}

/* Names are checked to be plain characters: printed as they are. */
static void node_summary(const struct config_node *n, FILE *f)
{
	char mac[MAC_STR_LEN];

	if (n->has_mac)
		fprintf(f, "  node %s", mac_format(n->mac, mac));
	else
		fprintf(f, "  node \"%s\"", n->name);
	if (n->has_pos)
		fprintf(f, " at (%g, %g, %g)", n->pos[0], n->pos[1], n->pos[2]);
	if (n->has_tx_power)
		fprintf(f, " %g dBm", n->tx_power_dbm);
	if (n->antenna_gain_dbi != 0.0)
		fprintf(f, " %g dBi", n->antenna_gain_dbi);
	if (n->medium_id)
		fprintf(f, " medium %d", n->medium_id);
	if (n->mobility.model == CONFIG_MOBILITY_WAYPOINTS)
		fprintf(f, ", %zu waypoints%s", n->mobility.n_waypoints,
			n->mobility.loop ? " in a loop" : "");
	if (n->mobility.model == CONFIG_MOBILITY_RANDOM) {
		const struct medium_random_walk *rw = &n->mobility.random;

		fprintf(f, ", random waypoint in (%g, %g", rw->lo[0], rw->lo[1]);
		if (rw->has_z)
			fprintf(f, ", %g", rw->lo[2]);
		fprintf(f, ")..(%g, %g", rw->hi[0], rw->hi[1]);
		if (rw->has_z)
			fprintf(f, ", %g", rw->hi[2]);
		fprintf(f, ") at %g..%g m/s, pause %g..%g s, seed %llu", rw->speed_min,
			rw->speed_max, rw->pause_min, rw->pause_max, (unsigned long long)rw->seed);
	}
	fprintf(f, "\n");
}

void config_summary(const struct wm_config *cfg, FILE *f)
{
	const struct prop_model *pm = &cfg->prop;
	char mac[MAC_STR_LEN];

	fprintf(f, "%zu radios", cfg->n_radios);
	if (cfg->n_nodes)
		fprintf(f, ", %zu nodes", cfg->n_nodes);
	fprintf(f, ", model %s, interference %s, fading %g dB\n", model_type_name(cfg),
		cfg->interference ? "on" : "off", cfg->fading_db);
	if (cfg->model == CONFIG_MODEL_PATH_LOSS)
		fprintf(f, "  %s: exponent %g, xg %g dB, system loss %g dB, floors %d x %g dB, "
			"pL %g\n", prop_model_name(pm->type), pm->path_loss_exp, pm->xg,
			pm->system_loss, pm->floors, pm->floor_loss, pm->power_loss_coeff);
	if (cfg->model == CONFIG_MODEL_PROB)
		fprintf(f, "  unlisted pairs lose %g of their frames\n", cfg->default_prob);
	for (size_t i = 0; i < cfg->n_radios; i++) {
		const struct config_radio *r = &cfg->radios[i];

		fprintf(f, "  %zu %s", i, mac_format(r->mac, mac));
		if (r->has_pos)
			fprintf(f, " at (%g, %g, %g)", r->pos[0], r->pos[1], r->pos[2]);
		if (r->has_tx_power)
			fprintf(f, " %g dBm", r->tx_power_dbm);
		fprintf(f, "%s", r->is_ap ? " AP" : "");
		if (r->medium_id)
			fprintf(f, " medium %d", r->medium_id);
		fprintf(f, "\n");
	}
	for (size_t i = 0; i < cfg->n_links; i++)
		fprintf(f, "  link %d -> %d: %g%s\n", cfg->links[i].a, cfg->links[i].b,
			cfg->links[i].value, cfg->model == CONFIG_MODEL_PROB ? "" : " dB");
	for (size_t i = 0; i < cfg->n_nodes; i++)
		node_summary(&cfg->nodes[i], f);
	if (cfg->mobility_trace) {
		size_t nodes = 0, steps = 0;

		for (size_t i = 0; i < cfg->trace.n; i++) {
			nodes += !i || cfg->trace.v[i].node != cfg->trace.v[i - 1].node;
			steps += cfg->trace.v[i].timed;
		}
		fprintf(f, "  mobility trace %s: %zu nodes, %zu timed steps\n", cfg->mobility_trace,
			nodes, steps);
	}
}
