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
 * Both passes report and go on, so one run lists every problem. Formats:
 * wmediumd (bcopeland) and its ancestors (ifaces.count, ifaces.error_probs,
 * the top-level path_loss section with model_params), and mininet-wifi's
 * fork (3-D positions, isnodeaps, noise_threshold, medium_array, sL,
 * two_ray_ground, log_normal_shadowing, pL, pmsr_*).
 */
#include "daemon/config.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_SIZE (16u << 20)	/* a config this big is a mistake, not a topology */
#define MAX_COORD 1e6			/* metres: 1000 km, beyond that a typo */
#define SNR_DEFAULT 30.0		/* wmediumd's SNR for pairs nothing names */

/* Every setting the tables know, by where it is; NULL when absent. */
struct found {
	const config_setting_t *ifaces, *ids, *count, *ilinks, *interference, *error_probs,
		*ifading, *medium_array, *medium_detection;
	const config_setting_t *model, *type, *links, *default_prob, *fading, *noise,
		*positions, *directions, *tx_powers, *isnodeaps, *model_name, *exp, *xg, *sl,
		*nfloors, *lf, *pl, *veg_file, *veg_size;
	const config_setting_t *pmsr_sigma, *pmsr_alpha, *pmsr_nlos_prob, *pmsr_nlos_bias,
		*pmsr_seed, *pmsr_brms;
	const config_setting_t *legacy, *legacy_params;
};

enum key_type {
	KEY_GROUP,
	KEY_LIST,	/* a list ( ) or an array [ ] */
	KEY_STRING,
	KEY_NUMBER,	/* an integer or a real: wmediumd reads 15 as 0 here, we as 15.0 */
	KEY_INT,
	KEY_BOOL,
};

static const char *const key_type_names[] = {
	[KEY_GROUP] = "a group { }",
	[KEY_LIST] = "a list",
	[KEY_STRING] = "a string",
	[KEY_NUMBER] = "a number",
	[KEY_INT] = "an integer",
	[KEY_BOOL] = "true or false",
};

struct key_rule {
	const char *name;
	enum key_type type;
	size_t slot;		/* offsetof(struct found, ...) */
};

struct section_rule {
	const char *name;
	size_t slot;
	const struct key_rule *keys;
	size_t n_keys;
	const char *unsupported;	/* known, but refused: this says why */
};

#define SLOT(x) offsetof(struct found, x)

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
	{ "ifaces", SLOT(ifaces), ifaces_keys, ARRAY_SIZE(ifaces_keys), NULL },
	{ "model", SLOT(model), model_keys, ARRAY_SIZE(model_keys), NULL },
	{ "path_loss", SLOT(legacy), legacy_keys, ARRAY_SIZE(legacy_keys), NULL },
	{ "prob", 0, NULL, 0, "the 2011 cozybit per-rate matrices are not supported "
	  "(use model.type = \"prob\")" },
	{ "jam", 0, NULL, 0, "the 2011 cozybit jammer is not supported" },
};

struct ctx {
	const char *name;
	struct config_errors *errs;
	unsigned nerr;
	size_t links_cap;
	struct wm_config *cfg;
	struct found f;
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

static void repr(const config_setting_t *s, char *buf, size_t size)
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
static void report(struct ctx *c, int line, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void report(struct ctx *c, int line, const char *value, const char *fmt, ...)
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

static int line_of(const config_setting_t *s)
{
	return s ? (int)config_setting_source_line(s) : 0;
}

/* An error about a setting, quoting its value. */
#define report_at(c, s, ...) \
	do { \
		char v_[96]; \
		repr(s, v_, sizeof(v_)); \
		report(c, line_of(s), v_, __VA_ARGS__); \
	} while (0)

static int cmp_error(const void *a, const void *b)
{
	const struct config_error *x = a, *y = b;

	/* Equal lines keep the order found: the array order is that order. */
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x > y) - (x < y);
}

/* --- typed reads --- */

static bool get_int(const config_setting_t *s, long long *out)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		*out = config_setting_get_int(s);
		return true;
	case CONFIG_TYPE_INT64:
		*out = config_setting_get_int64(s);
		return true;
	}
	return false;
}

static bool get_number(const config_setting_t *s, double *out)
{
	long long i;

	if (get_int(s, &i)) {
		*out = (double)i;
		return true;
	}
	if (config_setting_type(s) != CONFIG_TYPE_FLOAT)
		return false;
	*out = config_setting_get_float(s);
	return isfinite(*out);	/* 1e999 scans as inf */
}

static bool is_list(const config_setting_t *s)
{
	return config_setting_is_list(s) || config_setting_is_array(s);
}

static const config_setting_t *elem(const config_setting_t *s, size_t i)
{
	return config_setting_get_elem(s, (unsigned)i);
}

static size_t length(const config_setting_t *s)
{
	return (size_t)config_setting_length(s);
}

/* A number in [lo, hi], or one error naming what and why. */
static bool number_in(struct ctx *c, const config_setting_t *s, const char *what, double lo,
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

static const config_setting_t **slot(struct ctx *c, size_t off)
{
	return (const config_setting_t **)((char *)&c->f + off);
}

static void check_section(struct ctx *c, const struct section_rule *sec, const config_setting_t *g)
{
	for (size_t i = 0; i < length(g); i++) {
		const config_setting_t *s = elem(g, i), **p;
		const char *name = config_setting_name(s);
		const struct key_rule *k = NULL;

		for (size_t j = 0; j < sec->n_keys && name && !k; j++)
			if (!strcmp(sec->keys[j].name, name))
				k = &sec->keys[j];
		if (!k) {
			report(c, line_of(s), name, "unknown key in %s", sec->name);
			continue;
		}
		if (!type_ok(s, k->type)) {
			report_at(c, s, "%s.%s: expected %s", sec->name, name, key_type_names[k->type]);
			continue;
		}
		p = slot(c, k->slot);
		/* libconfig refuses a name twice; two spellings (lF, LF) reach here. */
		if (*p) {
			report(c, line_of(s), name, "%s.%s: given twice (also as %s at line %d)",
			       sec->name, k->name, config_setting_name(*p), line_of(*p));
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
			report(c, line_of(s), name, "unknown section");
		else if (sec->unsupported)
			report(c, line_of(s), name, "%s", sec->unsupported);
		else if (!config_setting_is_group(s))
			report_at(c, s, "%s: expected %s", name, key_type_names[KEY_GROUP]);
		else {
			*slot(c, sec->slot) = s;
			check_section(c, sec, s);
		}
	}
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

static void parse_ids(struct ctx *c)
{
	const config_setting_t *ids = c->f.ids;
	struct wm_config *cfg = c->cfg;
	size_t n = ids ? length(ids) : 0, good = 0;
	struct mac_ref *refs = xcalloc(n, sizeof(*refs));
	long long count;

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
			report(c, raw[i].line, v, "link given twice (also at line %d)",
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
		ok &= prob ? number_in(c, elem(l, 2), what, 0.0, 1.0, &r->value)
			   : number_in(c, elem(l, 2), what, -200.0, 200.0, &r->value);
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
			if (number_in(c, elem(row, j), "ifaces.error_probs", 0.0, 1.0, &v) && j > i) {
				add_link(c, (int)i, (int)j, v, line_of(elem(row, j)));
				add_link(c, (int)j, (int)i, v, line_of(elem(row, j)));
			}
	}
}

/* A tuple of numbers: a position, a direction. */
static bool tuple(struct ctx *c, const config_setting_t *s, const char *what, size_t min,
		  size_t max, double *out)
{
	size_t n = is_list(s) ? length(s) : 0;
	bool ok = true;

	if (n < min || n > max) {
		report_at(c, s, "%s: expected %s numbers", what, min == max ? "2" : "2 or 3");
		return false;
	}
	for (size_t i = 0; i < n; i++)
		ok &= number_in(c, elem(s, i), what, -MAX_COORD, MAX_COORD, &out[i]);
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
			r->has_pos = tuple(c, elem(f->positions, i), "positions", 2, 3, r->pos);
		if (dir)
			r->has_dir = tuple(c, elem(f->directions, i), "directions", 2, 2, r->dir);
		if (pow)
			r->has_tx_power = number_in(c, elem(f->tx_powers, i), "tx_powers (dBm)",
						    -100.0, 100.0, &r->tx_power_dbm);
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
		number_in(c, elem(p, 1), "path_loss.model_params exponent", 0.1, 10.0,
			  &pm->path_loss_exp);
		number_in(c, elem(p, 2), "path_loss.model_params xg", -200.0, 200.0, &pm->xg);
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
		report(c, line_of(sec), NULL, "%s.positions missing (path_loss needs them)",
		       config_setting_name(sec));
	if (f->legacy && f->legacy_params)
		parse_legacy_params(c);
	else if (f->legacy)
		report(c, line_of(sec), NULL, "path_loss.model_params missing");
	else if (f->model_name)
		set_model_name(c, f->model_name);
	else
		report(c, line_of(sec), NULL, "model.model_name missing (path_loss needs it)");
}

/* Which model, from model.type or from what older files imply. */
static void parse_model(struct ctx *c)
{
	struct found *f = &c->f;
	struct wm_config *cfg = c->cfg;
	const char *type = f->type ? config_setting_get_string(f->type) : NULL;

	if (f->legacy && f->model) {
		report(c, line_of(f->legacy), NULL, "path_loss and model sections both given");
		return;
	}
	if (f->ilinks && f->error_probs) {
		report(c, line_of(f->error_probs), NULL, "ifaces.links and ifaces.error_probs both given");
		return;
	}
	if ((f->ilinks || f->error_probs) && type) {
		/* wmediumd silently drops the model then: say so instead. */
		report(c, line_of(f->type), type, "model.type conflicts with ifaces.%s",
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
			report(c, line_of(f->model), NULL, "model.type missing");
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

static void parse_numbers(struct ctx *c)
{
	struct found *f = &c->f;
	struct wm_config *cfg = c->cfg;
	struct prop_model *pm = &cfg->prop;
	long long v;
	double d;

	for (size_t i = 0; i < ARRAY_SIZE(num_rules); i++) {
		const config_setting_t *s = *slot(c, num_rules[i].slot);

		if (s && number_in(c, s, num_rules[i].what, num_rules[i].lo, num_rules[i].hi, &d))
			*(double *)((char *)cfg + num_rules[i].dest) = d;
	}
	/* sL is a linear ratio in mininet-wifi and its fork (sL = 1 is no loss). */
	if (f->sl && number_in(c, f->sl, "model.sL (ratio)", 0.0, 1e9, &d)) {
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
		report(c, line_of(f->ifading), NULL,
		       "fading_coefficient given in both ifaces and model (line %d)",
		       line_of(f->fading));
	else if ((f->fading || f->ifading) &&
		 number_in(c, f->fading ? f->fading : f->ifading, "fading_coefficient (dB)", 0.0,
			   100.0, &d))
		cfg->fading_db = d;
	if (f->noise && number_in(c, f->noise, "model.noise_threshold (dBm)", -200.0, 0.0, &d)) {
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
			report(c, line, NULL, "NUL byte in the file");
			return;
		}
		if (bol && len - i >= 8 && !memcmp(text + i, "@include", 8))
			report(c, line, NULL, "@include is not supported");
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
		report(c, config_error_line(&lc), NULL, "%s", config_error_text(&lc));
	} else {
		check_shape(c, config_root_setting(&lc));
		parse_ids(c);
		parse_model(c);
		parse_numbers(c);
	}
	config_destroy(&lc);
	free(copy);
	return c->nerr ? -EINVAL : 0;
}

int config_load_string(const char *text, size_t len, const char *name, struct wm_config *cfg,
		       struct config_errors *errs)
{
	struct config_errors local;
	struct ctx c = { .name = name ? name : "(config)", .errs = errs ? errs : &local, .cfg = cfg };
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

int config_load_file(const char *path, struct wm_config *cfg, struct config_errors *errs)
{
	struct config_errors local;
	struct ctx c = { .name = path, .errs = errs ? errs : &local, .cfg = cfg };
	size_t len = 0, cap = 1 << 16;
	char *buf = NULL;
	FILE *f = fopen(path, "r");
	int r = f ? 0 : -errno;

	config_errors_init(&local);
	*cfg = (struct wm_config){ 0 };
	config_free(cfg);
	if (!f) {
		report(&c, 0, strerror(-r), "cannot open");
	} else {
		/* One byte past the limit tells "too large" from "exactly at it". */
		buf = xmalloc(cap);
		while (!r && len <= MAX_FILE_SIZE) {
			len += fread(buf + len, 1, cap - len, f);
			if (ferror(f))
				r = errno ? -errno : -EIO;	/* EISDIR for a directory */
			else if (len < cap)
				break;
			else
				buf = xrealloc(buf, cap *= 2);
		}
		fclose(f);
		if (!r && len > MAX_FILE_SIZE)
			r = -EFBIG;
		if (r)
			report(&c, 0, strerror(-r), "cannot read");
		else
			r = config_load_string(buf, len, path, cfg, errs);
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

void config_summary(const struct wm_config *cfg, FILE *f)
{
	const struct prop_model *pm = &cfg->prop;
	char mac[MAC_STR_LEN];

	fprintf(f, "%zu radios, model %s, interference %s, fading %g dB\n", cfg->n_radios,
		model_type_name(cfg), cfg->interference ? "on" : "off", cfg->fading_db);
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
}
