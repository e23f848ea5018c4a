/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-ctl's human output: tables and one-line summaries made from the
 * daemon's replies (docs/control.md). Every field is looked up by name and
 * type; a missing or mistyped one prints as "-" instead of failing, so a
 * daemon that adds or drops a field still gets readable output (--json shows
 * the reply as it came).
 */
#include "tools/wifimedium_ctl.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

#define WMCTL_CELL_MAX 256	/* one table cell; longer text is cut */
#define WMCTL_TEXT_MAX 4400	/* a path (PATH_MAX) and some words */

/* ------------------------------------------------------------ JSON access */

static bool j_num(const json_t *o, const char *key, double *v)
{
	const json_t *x = json_object_get(o, key);

	if (!json_is_number(x))
		return false;
	*v = json_number_value(x);
	return true;
}

static const char *j_str(const json_t *o, const char *key)
{
	const json_t *x = json_object_get(o, key);

	return json_is_string(x) ? json_string_value(x) : NULL;
}

static bool j_true(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* ------------------------------------------------------- number formats */

/* At most `dec` decimals, without trailing zeros: 2, 2.5, -0.25; never "-0". */
static const char *fmt_num(char *buf, size_t size, double v, int dec)
{
	char *p;

	snprintf(buf, size, "%.*f", dec, v);
	if (strchr(buf, '.')) {
		p = buf + strlen(buf) - 1;
		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
	}
	if (!strcmp(buf, "-0"))
		strcpy(buf, "0");
	return buf;
}

/* A counter: an integer as is, "-" if absent. */
static const char *fmt_count(char *buf, size_t size, const json_t *o, const char *key)
{
	const json_t *x = json_object_get(o, key);

	if (json_is_integer(x))
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(x));
	else if (json_is_real(x))
		snprintf(buf, size, "%.0f", json_real_value(x));
	else
		snprintf(buf, size, "-");
	return buf;
}

/* A field as a number of `dec` decimals (fixed when `fixed`), "-" if absent. */
static const char *fmt_field(char *buf, size_t size, const json_t *o, const char *key, int dec,
			     bool fixed)
{
	double v;

	if (!j_num(o, key, &v))
		snprintf(buf, size, "-");
	else if (fixed)
		snprintf(buf, size, "%.*f", dec, v);
	else
		fmt_num(buf, size, v, dec);
	return buf;
}

/* A share 0..1 as a percentage; tiny non-zero shares do not round to a reassuring 0. */
static const char *fmt_pct(char *buf, size_t size, double p)
{
	if (p == 0)
		snprintf(buf, size, "0%%");
	else if (p > 0 && p < 0.0005)
		snprintf(buf, size, "<0.1%%");
	else
		snprintf(buf, size, "%.1f%%", p * 100);
	return buf;
}

static const char *fmt_us(char *buf, size_t size, double us)
{
	if (us < 1000)
		snprintf(buf, size, "%.0f us", us);
	else if (us < 1e6)
		snprintf(buf, size, "%.1f ms", us / 1e3);
	else
		snprintf(buf, size, "%.3f s", us / 1e6);
	return buf;
}

/* [x, y, z] as "(x, y, z)" in metres to the centimetre; "-" if not a list of numbers. */
static const char *fmt_vec(char *buf, size_t size, const json_t *v)
{
	char num[32];
	size_t i, len;
	json_t *x;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return snprintf(buf, size, "-"), buf;
	len = (size_t)snprintf(buf, size, "(");
	json_array_foreach(v, i, x) {
		if (!json_is_number(x))
			return snprintf(buf, size, "-"), buf;
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
						fmt_num(num, sizeof(num), json_number_value(x), 2));
	}
	if (len < size)
		snprintf(buf + len, size - len, ")");
	return buf;
}

static bool vec_is_zero(const json_t *v)
{
	size_t i;
	json_t *x;

	json_array_foreach(v, i, x)
		if (!json_is_number(x) || json_number_value(x) != 0)
			return false;
	return true;
}

/* "#3 (sta1)": a node of a reply by index, with its name or MAC when it has one. */
static const char *fmt_node(char *buf, size_t size, const json_t *node)
{
	const char *name = j_str(node, "name") ? j_str(node, "name") : j_str(node, "mac");
	char idx[32];

	fmt_count(idx, sizeof(idx), node, "index");
	if (name)
		snprintf(buf, size, "#%s (%s)", idx, name);
	else
		snprintf(buf, size, "#%s", idx);
	return buf;
}

/* A node a request named and the reply's index for it: "ap (#0)", or "#0" for an index. */
static const char *fmt_named(char *buf, size_t size, const json_t *req, const json_t *res,
			     const char *key)
{
	const char *name = j_str(req, key);
	char idx[32];

	fmt_count(idx, sizeof(idx), res, key);
	if (name && strcmp(idx, "-"))
		snprintf(buf, size, "%s (#%s)", name, idx);
	else if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "#%s", idx);
	return buf;
}

/* "OFDM 54M", "VHT mcs7 2x80 650M". */
static const char *fmt_rate(char *buf, size_t size, const json_t *rate)
{
	const char *mode = j_str(rate, "mode");
	double kbps, mcs, nss, bw;
	char mbps[32] = "?";

	if (!mode)
		return snprintf(buf, size, "-"), buf;
	if (j_num(rate, "kbps", &kbps))
		fmt_num(mbps, sizeof(mbps), kbps / 1000, 1);
	if (strcmp(mode, "DSSS") && strcmp(mode, "CCK") && strcmp(mode, "OFDM") &&
	    j_num(rate, "mcs", &mcs) && j_num(rate, "nss", &nss) && j_num(rate, "bw", &bw))
		snprintf(buf, size, "%s mcs%.0f %.0fx%.0f %sM", mode, mcs, nss, bw, mbps);
	else
		snprintf(buf, size, "%s %sM", mode, mbps);
	return buf;
}

/* ---------------------------------------------------------------- tables */

/*
 * Cells are collected first and printed once every width is known: names
 * of clients and nodes have any length. Two spaces between columns; the
 * last column is not padded, so no line ends in blanks.
 */
struct wmctl_table {
	size_t ncols;
	const char *align;	/* 'l' or 'r' per column */
	char **cells;		/* row-major, the header row first */
	size_t n, cap;
};

static void table_init(struct wmctl_table *t, const char *align, const char *const *heads)
{
	*t = (struct wmctl_table){ .ncols = strlen(align), .align = align };
	for (size_t i = 0; i < t->ncols; i++) {
		t->cells = xreallocarray(t->cells, t->n + 1, sizeof(*t->cells));
		t->cells[t->n++] = xstrdup(heads[i]);
	}
	t->cap = t->n;
}

__attribute__((format(printf, 2, 3)))
static void table_cell(struct wmctl_table *t, const char *fmt, ...)
{
	char buf[WMCTL_CELL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (t->n == t->cap) {
		t->cap = t->cap * 2;
		t->cells = xreallocarray(t->cells, t->cap, sizeof(*t->cells));
	}
	t->cells[t->n++] = xstrdup(buf);
}

static void table_print(struct wmctl_table *t)
{
	size_t width[16] = { 0 };

	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->cells[i]) > width[i % t->ncols])
			width[i % t->ncols] = strlen(t->cells[i]);
	for (size_t i = 0; i < t->n; i++) {
		size_t col = i % t->ncols;
		bool last = col == t->ncols - 1;
		int w = (int)width[col];

		if (t->align[col] == 'r')
			printf("%*s", w, t->cells[i]);
		else
			printf("%-*s", last ? 0 : w, t->cells[i]);
		fputs(last ? "\n" : "  ", stdout);
		free(t->cells[i]);
	}
	free(t->cells);
}

/* ---------------------------------------------------------------- status */

static void kv(const char *key, const char *value)
{
	if (value && !value[0])
		printf("%s\n", key);
	else
		printf("%-10s %s\n", key, value ? value : "-");
}

void wmctl_print_status(const json_t *req, const json_t *res)
{
	static const char *const heads[] = { "FREQ", "FRAMES", "AIRTIME", "BUSY" };
	const json_t *cap = json_object_get(res, "capture");
	const json_t *counters = json_object_get(res, "counters");
	const json_t *chans = json_object_get(res, "channels");
	char buf[WMCTL_TEXT_MAX], a[64], b[64];
	struct wmctl_table t;
	const char *key;
	size_t keyw = 0, i;
	json_t *x;
	double v;

	kv("version:", j_str(res, "version"));
	kv("time:", j_num(res, "time_us", &v) ? fmt_us(buf, sizeof(buf), v) : NULL);
	kv("config:", j_str(res, "config") ? j_str(res, "config") : "none");
	kv("model:", j_str(res, "model"));
	kv("clients:", fmt_count(buf, sizeof(buf), res, "clients"));
	kv("radios:", fmt_count(buf, sizeof(buf), res, "radios"));
	kv("nodes:", fmt_count(buf, sizeof(buf), res, "nodes"));
	if (json_is_object(cap)) {
		snprintf(buf, sizeof(buf), "%s (%s records, %s dropped)",
			 j_str(cap, "file") ? j_str(cap, "file") : "?",
			 fmt_count(a, sizeof(a), cap, "records"),
			 fmt_count(b, sizeof(b), cap, "dropped"));
		kv("capture:", buf);
	} else {
		kv("capture:", "none");
	}
	if (json_object_size(counters)) {
		kv("counters:", "");
		json_object_foreach((json_t *)counters, key, x)
			if (strlen(key) > keyw)
				keyw = strlen(key);
		json_object_foreach((json_t *)counters, key, x)
			printf("  %-*s  %s\n", (int)keyw, key, fmt_count(buf, sizeof(buf), counters, key));
	}
	if (!json_array_size(chans)) {
		kv("channels:", "none yet");
		return;
	}
	putchar('\n');
	table_init(&t, "rrrr", heads);
	json_array_foreach(chans, i, x) {
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), x, "freq"));
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), x, "frames"));
		table_cell(&t, "%s", j_num(x, "airtime_us", &v) ? fmt_us(a, sizeof(a), v) : "-");
		table_cell(&t, "%s", j_num(x, "busy", &v) ? fmt_pct(b, sizeof(b), v) : "-");
	}
	table_print(&t);
}

/* ---------------------------------------------------------------- radios */

/*
 * DROPS: every reason of `drops` but `retries`, which equals FAILED and
 * would count those frames twice. --json has the breakdown.
 */
static const char *fmt_drops(char *buf, size_t size, const json_t *drops)
{
	double sum = 0;
	const char *key;
	json_t *x;

	if (!json_is_object(drops))
		return snprintf(buf, size, "-"), buf;
	json_object_foreach((json_t *)drops, key, x)
		if (json_is_number(x) && strcmp(key, "retries"))
			sum += json_number_value(x);
	snprintf(buf, size, "%.0f", sum);
	return buf;
}

void wmctl_print_radios(const json_t *req, const json_t *res)
{
	static const char *const heads[] = {
		"CLIENT", "IDENTITY", "NODE", "FREQ", "TXPOW", "TX", "RX", "RETRIES", "FAILED",
		"DROPS",
	};
	const json_t *radios = json_object_get(res, "radios");
	char buf[64];
	struct wmctl_table t;
	size_t i;
	json_t *r;

	if (!json_array_size(radios)) {
		printf("no radios\n");
		return;
	}
	table_init(&t, "lllrrrrrrr", heads);
	json_array_foreach(radios, i, r) {
		const json_t *c = json_object_get(r, "counters");

		table_cell(&t, "%s", j_str(r, "client") ? j_str(r, "client") : "-");
		table_cell(&t, "%s", j_str(r, "identity") ? j_str(r, "identity") : "-");
		table_cell(&t, "%s", j_str(r, "node_name") ? j_str(r, "node_name") :
			   fmt_count(buf, sizeof(buf), r, "node"));
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), r, "freq"));
		table_cell(&t, "%s", fmt_field(buf, sizeof(buf), r, "tx_power", 1, true));
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), c, "tx_frames"));
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), c, "rx_frames"));
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), c, "retries"));
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), c, "failed"));
		table_cell(&t, "%s", fmt_drops(buf, sizeof(buf), json_object_get(c, "drops")));
	}
	table_print(&t);
}

/* ----------------------------------------------------------------- nodes */

/* A node's mobility model, in a few words ("-" when none). */
static const char *fmt_mobility(char *buf, size_t size, const json_t *node)
{
	const json_t *mob = json_object_get(node, "mobility");
	const char *model = j_str(mob, "model");
	double leg = 0, legs = 0, seed = 0;

	if (!model)
		return snprintf(buf, size, "-"), buf;
	if (!strcmp(model, "waypoints") && j_num(mob, "leg", &leg) && j_num(mob, "legs", &legs))
		snprintf(buf, size, "waypoint %.0f/%.0f%s%s", leg + 1, legs,
			 j_true(mob, "loop") ? " loop" : "",
			 j_true(mob, "done") ? " done" : j_true(mob, "paused") ? " paused" : "");
	else if (!strcmp(model, "random") && j_num(mob, "seed", &seed))
		snprintf(buf, size, "random seed %.0f%s", seed,
			 j_true(mob, "paused") ? " paused" : "");
	else if (!strcmp(model, "trace") && j_num(mob, "step", &leg) && j_num(mob, "steps", &legs))
		snprintf(buf, size, "trace %.0f/%.0f%s", leg, legs, j_true(mob, "done") ? " done" : "");
	else
		snprintf(buf, size, "%.64s", model);
	return buf;
}

void wmctl_print_nodes(const json_t *req, const json_t *res)
{
	static const char *const heads[] = {
		"#", "NAME/MAC", "POS", "VELOCITY", "TXPOW", "RADIOS", "MOBILITY",
	};
	const json_t *nodes = json_object_get(res, "nodes");
	char buf[WMCTL_CELL_MAX];
	struct wmctl_table t;
	size_t i;
	json_t *n;

	if (!json_array_size(nodes)) {
		printf("no nodes\n");
		return;
	}
	table_init(&t, "rlllrrl", heads);
	json_array_foreach(nodes, i, n) {
		const json_t *vel = json_object_get(n, "velocity");
		const char *name = j_str(n, "name") ? j_str(n, "name") : j_str(n, "mac");

		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), n, "index"));
		table_cell(&t, "%s", name ? name : "-");
		table_cell(&t, "%s", fmt_vec(buf, sizeof(buf), json_object_get(n, "pos")));
		table_cell(&t, "%s", vec_is_zero(vel) ? "-" : fmt_vec(buf, sizeof(buf), vel));
		table_cell(&t, "%s", fmt_field(buf, sizeof(buf), n, "tx_power", 1, true));
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), n, "radios"));
		table_cell(&t, "%s", fmt_mobility(buf, sizeof(buf), n));
	}
	table_print(&t);
}

/* ----------------------------------------------------------------- links */

void wmctl_print_links(const json_t *req, const json_t *res)
{
	static const char *const heads[] = {
		"FROM", "TO", "FREQ", "SNR", "PER", "LOSS", "RATE", "FRAMES", "LOST",
	};
	const json_t *links = json_object_get(res, "links");
	char buf[WMCTL_CELL_MAX];
	bool pinned = false;
	struct wmctl_table t;
	size_t i;
	json_t *l;
	double v;

	if (!json_array_size(links)) {
		printf("no links\n");
		return;
	}
	table_init(&t, "llrrrrlrr", heads);
	json_array_foreach(links, i, l) {
		table_cell(&t, "%s", j_str(l, "from") ? j_str(l, "from") : "-");
		table_cell(&t, "%s", j_str(l, "to") ? j_str(l, "to") : "-");
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), l, "freq"));
		table_cell(&t, "%s%s", fmt_field(buf, sizeof(buf), l, "snr", 1, true),
			   j_true(l, "pinned") ? "*" : "");
		pinned |= j_true(l, "pinned");
		table_cell(&t, "%s", j_num(l, "per", &v) ? fmt_pct(buf, sizeof(buf), v) : "-");
		table_cell(&t, "%s", j_num(l, "loss", &v) ? fmt_pct(buf, sizeof(buf), v) : "-");
		table_cell(&t, "%s", fmt_rate(buf, sizeof(buf), json_object_get(l, "rate")));
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), l, "frames"));
		table_cell(&t, "%s", fmt_count(buf, sizeof(buf), l, "lost"));
	}
	table_print(&t);
	if (pinned)
		printf("* pinned link\n");
}

/* ------------------------------------------------------- changes: one line */

void wmctl_print_move(const json_t *req, const json_t *res)
{
	const json_t *vel = json_object_get(res, "velocity");
	char node[WMCTL_CELL_MAX], pos[WMCTL_CELL_MAX], v[WMCTL_CELL_MAX];

	fmt_node(node, sizeof(node), res);
	fmt_vec(pos, sizeof(pos), json_object_get(res, "pos"));
	if (vec_is_zero(vel))
		printf("%snode %s: at %s m, not moving\n", j_true(res, "created") ? "created " : "",
		       node, pos);
	else
		printf("%snode %s: at %s m, moving %s m/s\n",
		       j_true(res, "created") ? "created " : "", node, pos,
		       fmt_vec(v, sizeof(v), vel));
}

void wmctl_print_mobility(const json_t *req, const json_t *res)
{
	char node[WMCTL_CELL_MAX], pos[WMCTL_CELL_MAX], mob[WMCTL_CELL_MAX];

	fmt_node(node, sizeof(node), res);
	fmt_vec(pos, sizeof(pos), json_object_get(res, "pos"));
	fmt_mobility(mob, sizeof(mob), res);
	printf("%snode %s: at %s m, %s\n", j_true(res, "created") ? "created " : "", node, pos,
	       strcmp(mob, "-") ? mob : "stopped");
}

void wmctl_print_set_power(const json_t *req, const json_t *res)
{
	char node[WMCTL_CELL_MAX], dbm[32];

	printf("%snode %s: tx power %s dBm\n", j_true(res, "created") ? "created " : "",
	       fmt_node(node, sizeof(node), res), fmt_field(dbm, sizeof(dbm), res, "tx_power", 1,
							  true));
}

static void print_link(const char *verb, const json_t *req, const json_t *res)
{
	char from[WMCTL_CELL_MAX], to[WMCTL_CELL_MAX];
	const json_t *both = json_object_get(res, "both");

	if (!json_is_boolean(both))
		both = json_object_get(req, "both");
	printf("%s %s %s %s", verb, fmt_named(from, sizeof(from), req, res, "from"),
	       json_is_false(both) ? "->" : "<->", fmt_named(to, sizeof(to), req, res, "to"));
}

void wmctl_print_pin(const json_t *req, const json_t *res)
{
	char buf[64];
	double v;

	print_link("pinned", req, res);
	if (j_num(req, "snr", &v))
		printf(": SNR %s dB\n", fmt_num(buf, sizeof(buf), v, 1));
	else if (j_num(req, "loss", &v))
		printf(": loss %s\n", fmt_pct(buf, sizeof(buf), v));
	else
		putchar('\n');
}

void wmctl_print_unpin(const json_t *req, const json_t *res)
{
	print_link("unpinned", req, res);
	printf(": back to the model\n");
}

void wmctl_print_reload(const json_t *req, const json_t *res)
{
	char n[32];

	printf("reloaded the config: %s nodes\n", fmt_count(n, sizeof(n), res, "nodes"));
}

void wmctl_print_capture_start(const json_t *req, const json_t *res)
{
	const char *file = j_str(res, "file") ? j_str(res, "file") : j_str(req, "file");

	printf("capturing to %s\n", file ? file : "?");
}

void wmctl_print_capture_stop(const json_t *req, const json_t *res)
{
	char a[32], b[32];

	printf("stopped capturing to %s: %s records, %s dropped\n",
	       j_str(res, "file") ? j_str(res, "file") : "?",
	       fmt_count(a, sizeof(a), res, "records"), fmt_count(b, sizeof(b), res, "dropped"));
}

/* ---------------------------------------------------------------- events */

/* "a, b, c" from a list of strings, cut to fit. */
static const char *fmt_list(char *buf, size_t size, const json_t *list)
{
	size_t i, len = 0;
	json_t *x;

	buf[0] = '\0';
	json_array_foreach(list, i, x)
		if (json_is_string(x) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
						json_string_value(x));
	return buf;
}

/*
 *     12.345678  frame       auth 02:00:00:00:01:00 > 02:00:00:00:00:00 2412 MHz try 1: ack [alg 0 seq 1 status 0]
 * Seconds of simulated time, the event, then its fields in reading order.
 * An event this client does not know prints as its JSON.
 */
void wmctl_print_event(const json_t *ev, FILE *f)
{
	const char *name = j_str(ev, "event");
	char t[32] = "", a[32], b[32], heard[WMCTL_CELL_MAX];
	double us;

#define S(key) (j_str(ev, key) ? j_str(ev, key) : "-")
	if (j_num(ev, "time_us", &us))
		snprintf(t, sizeof(t), "%.6f", us / 1e6);
	fprintf(f, "%12s  %-10s  ", t, name ? name : "?");
	if (name && (!strcmp(name, "radio-up") || !strcmp(name, "radio-down"))) {
		fprintf(f, "%s %s\n", S("client"), S("radio"));
	} else if (name && !strcmp(name, "frame")) {
		fprintf(f, "%s %s > %s %s MHz try %s: %s", S("type"), S("from"), S("to"),
			fmt_count(a, sizeof(a), ev, "freq"), fmt_count(b, sizeof(b), ev, "attempt"),
			S("next"));
		if (json_object_get(ev, "auth_alg"))
			fprintf(f, " [alg %s seq %s status %s]",
				fmt_count(a, sizeof(a), ev, "auth_alg"),
				fmt_count(b, sizeof(b), ev, "auth_seq"),
				fmt_count(heard, sizeof(heard), ev, "status"));
		if (json_array_size(json_object_get(ev, "heard_by")))
			fprintf(f, " (heard by %s)",
				fmt_list(heard, sizeof(heard), json_object_get(ev, "heard_by")));
		fputc('\n', f);
	} else if (name && !strcmp(name, "drop")) {
		fprintf(f, "%s %s %s > %s %s MHz %s bytes\n", S("reason"), S("client"), S("radio"),
			S("to"), fmt_count(a, sizeof(a), ev, "freq"),
			fmt_count(b, sizeof(b), ev, "len"));
	} else if (name && !strcmp(name, "overflow")) {
		fprintf(f, "%s events lost: this client did not keep up\n",
			fmt_count(a, sizeof(a), ev, "dropped"));
	} else {
		char *s = json_dumps(ev, JSON_COMPACT);

		fprintf(f, "%s\n", s ? s : "?");
		free(s);
	}
#undef S
}
