/* SPDX-License-Identifier: MIT */
/*
 * Internals of the config loader shared by config.c (key tables, pass 1:
 * shape, messages, entry points), config_parse.c (pass 2: meaning, the
 * value checks and parsers) and config_nodes.c (our `nodes' list). Nothing
 * outside those three includes this.
 */
#ifndef WM_DAEMON_CONFIG_INT_H
#define WM_DAEMON_CONFIG_INT_H

#include <libconfig.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "daemon/config.h"

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
	const config_setting_t *nodes;		/* ours: the top-level list */
	const config_setting_t *mobility_trace;	/* ours: a string */
};

#define SLOT(x) offsetof(struct found, x)

/* ifaces.ids and nodes: more than this is a mistake, not a topology (docs/limits.md). */
#define CONFIG_MAX_ENTRIES 65536

enum key_type {
	KEY_GROUP,
	KEY_LIST,	/* a list ( ) or an array [ ] */
	KEY_STRING,
	KEY_NUMBER,	/* an integer or a real: wmediumd reads 15 as 0 here, we as 15.0 */
	KEY_INT,
	KEY_BOOL,
};

/* "a group { }", "a list", ...: for "expected ..." messages. */
extern const char *const config_key_type_names[];

struct key_rule {
	const char *name;
	enum key_type type;
	size_t slot;		/* offset of its pointer in the struct the caller fills */
};

/* One load: where its messages go, what it has found, what it fills. */
struct ctx {
	const char *name;
	struct config_errors *errs;
	unsigned nerr;
	size_t links_cap;
	struct wm_config *cfg;
	struct found f;
	const char *dir;	/* the config's directory; NULL: read no other file */
};

/* "NAME:LINE: what: `value'" (value optional; line 0 drops the LINE part). */
void config_report(struct ctx *c, int line, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A setting's value as the file gave it, for a message. */
void config_repr(const config_setting_t *s, char *buf, size_t size);

static inline int line_of(const config_setting_t *s)
{
	return s ? (int)config_setting_source_line(s) : 0;
}

/* An error about a setting, quoting its value. */
#define report_at(c, s, ...) \
	do { \
		char v_[96]; \
		config_repr(s, v_, sizeof(v_)); \
		config_report(c, line_of(s), v_, __VA_ARGS__); \
	} while (0)

/* --- typed reads --- */

static inline bool get_int(const config_setting_t *s, long long *out)
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

static inline bool get_number(const config_setting_t *s, double *out)
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

static inline bool is_list(const config_setting_t *s)
{
	return config_setting_is_list(s) || config_setting_is_array(s);
}

static inline const config_setting_t *elem(const config_setting_t *s, size_t i)
{
	return config_setting_get_elem(s, (unsigned)i);
}

static inline size_t length(const config_setting_t *s)
{
	return (size_t)config_setting_length(s);
}

static inline const config_setting_t **slot(void *found, size_t off)
{
	return (const config_setting_t **)((char *)found + off);
}

/*
 * Check the keys of group g against a table: an unknown name or a wrong
 * type is reported ("unknown key in WHERE", "WHERE.KEY: expected ..."),
 * every other setting is stored at found + its rule's slot. found's slots
 * must start NULL.
 */
void config_check_keys(struct ctx *c, const char *where, const struct key_rule *keys,
		       size_t n_keys, const config_setting_t *g, void *found);

/* A number in [lo, hi], or one error naming what and why. */
bool config_number_in(struct ctx *c, const config_setting_t *s, const char *what, double lo,
		      double hi, double *out);
/* A tuple of min..max numbers (a position, a direction), each within 10^6. */
bool config_tuple(struct ctx *c, const config_setting_t *s, const char *what, size_t min,
		  size_t max, double *out);

/*
 * Pass 2, in this order: ids first, since everything else is indexed by
 * them (and nodes check their MACs against them). Each reports what it
 * finds wrong and fills c->cfg with the rest.
 */
void config_parse_ids(struct ctx *c);
void config_parse_nodes(struct ctx *c);
void config_parse_model(struct ctx *c);
void config_parse_numbers(struct ctx *c);

/* config_mobility.c: a node's mobility = { } group g (its index is idx). */
void config_parse_mobility(struct ctx *c, const config_setting_t *g, size_t idx,
			   struct config_mobility *out);
/* config_mobility.c: read and check mobility_trace (after the nodes). */
void config_parse_trace(struct ctx *c);
/*
 * config_mobility.c: read a whole file of at most max bytes: 0 or -errno
 * (-EFBIG past max); *opened says whether it got as far as opening it.
 */
int config_slurp(const char *path, size_t max, char **text, size_t *len, bool *opened);

#endif
