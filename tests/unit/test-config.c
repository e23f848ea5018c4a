/* SPDX-License-Identifier: MIT */
/*
 * The config loader: every example and every reconstructed wild config
 * (tests/configs/wild-*.cfg) parses to the right values; every kind of bad
 * input gives its exact "FILE:LINE: what: `value'" message; all errors of a
 * file are reported, in line order. Our own nodes list too, with every model.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/config.h"

#define CONFIGS SRCDIR "/tests/configs/"
#define EXAMPLES SRCDIR "/examples/"

static void assert_near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-9))
		fail_msg("got %.12g, want %.12g", got, want);
}

/* Load and insist on success, printing what went wrong otherwise. */
static void load_ok(const char *path, struct wm_config *cfg)
{
	struct config_errors e;
	int r;

	config_errors_init(&e);
	r = config_load_file(path, cfg, &e);
	if (r != 0 || e.n) {
		config_errors_print(&e, stdout);
		fail_msg("%s: %d", path, r);
	}
	config_errors_free(&e);
}

static int load_str(const char *text, struct wm_config *cfg, struct config_errors *e)
{
	config_errors_init(e);
	return config_load_string(text, strlen(text), "t.cfg", cfg, e);
}

/* text must fail with exactly these messages, in this order. */
static void expect_errors(const char *text, const char *const *want, size_t n)
{
	struct wm_config cfg;
	struct config_errors e;
	int r = load_str(text, &cfg, &e);

	if (e.n != n) {
		config_errors_print(&e, stdout);
		fail_msg("%zu errors, want %zu", e.n, n);
	}
	for (size_t i = 0; i < n; i++)
		assert_string_equal(e.v[i].msg, want[i]);
	assert_int_equal(r, -EINVAL);
	/* A failed load leaves nothing to free, and nothing half-filled. */
	assert_null(cfg.radios);
	assert_null(cfg.links);
	assert_null(cfg.nodes);
	assert_int_equal(cfg.n_radios, 0);
	assert_int_equal(cfg.n_nodes, 0);
	config_errors_free(&e);
}

#define EXPECT(text, ...) \
	do { \
		const char *const w_[] = { __VA_ARGS__ }; \
		expect_errors(text, w_, sizeof(w_) / sizeof(w_[0])); \
	} while (0)

static const struct config_link *find_link(const struct wm_config *cfg, int a, int b)
{
	for (size_t i = 0; i < cfg->n_links; i++)
		if (cfg->links[i].a == a && cfg->links[i].b == b)
			return &cfg->links[i];
	fail_msg("no link %d -> %d", a, b);
	return NULL;
}

static void assert_mac(const uint8_t *mac, const char *want)
{
	char buf[MAC_STR_LEN];

	assert_string_equal(mac_format(mac, buf), want);
}

/* --- the wild configs --- */

static const struct {
	const char *file;
	size_t radios;
	enum config_model_type model;
	size_t links;
} wild[] = {
	{ "wild-aosp-cuttlefish.cfg", 11, CONFIG_MODEL_NONE, 0 },
	{ "wild-aosp-gen-config.cfg", 4, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-fork-tree.cfg", 3, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-fork-tree-error-prob.cfg", 3, CONFIG_MODEL_PROB, 2 },
	{ "wild-fork-tree-fading.cfg", 3, CONFIG_MODEL_SNR, 4 },
	{ "wild-mininet-free-space.cfg", 3, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-mininet-itu.cfg", 3, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-mininet-log-distance.cfg", 3, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-mininet-log-normal-shadowing.cfg", 3, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-mininet-multimedium.cfg", 9, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-mininet-pmsr.cfg", 3, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-mininet-prob.cfg", 3, CONFIG_MODEL_PROB, 4 },
	{ "wild-mininet-snr.cfg", 3, CONFIG_MODEL_SNR, 4 },
	{ "wild-mininet-two-ray-ground.cfg", 3, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-nachtmaar-2node.cfg", 2, CONFIG_MODEL_NONE, 0 },
	{ "wild-wmediumd-2node.cfg", 2, CONFIG_MODEL_NONE, 0 },
	{ "wild-wmediumd-diamond.cfg", 4, CONFIG_MODEL_SNR, 12 },
	{ "wild-wmediumd-diamond-direction.cfg", 4, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-wmediumd-diamond-error-prob.cfg", 4, CONFIG_MODEL_PROB, 12 },
	{ "wild-wmediumd-diamond-fading.cfg", 4, CONFIG_MODEL_SNR, 12 },
	{ "wild-wmediumd-diamond-log-distance.cfg", 4, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-wmediumd-interference.cfg", 7, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-wmediumd-readme-path-loss.cfg", 4, CONFIG_MODEL_PATH_LOSS, 0 },
	{ "wild-wmediumd-readme-perfect.cfg", 4, CONFIG_MODEL_NONE, 0 },
	{ "wild-wmediumd-readme-prob.cfg", 4, CONFIG_MODEL_PROB, 4 },
	{ "wild-wmediumd-readme-prob-asymmetric.cfg", 4, CONFIG_MODEL_PROB, 3 },
	{ "wild-wmediumd-readme-snr.cfg", 4, CONFIG_MODEL_SNR, 12 },
};

static void test_wild_all_parse(void **state)
{
	DIR *d = opendir(CONFIGS);
	struct dirent *de;
	size_t seen = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
		struct wm_config cfg;
		char path[512];

		snprintf(path, sizeof(path), CONFIGS "%s", wild[i].file);
		load_ok(path, &cfg);
		if (cfg.n_radios != wild[i].radios || cfg.model != wild[i].model ||
		    cfg.n_links != wild[i].links)
			fail_msg("%s: %zu radios, model %d, %zu links", wild[i].file, cfg.n_radios,
				 cfg.model, cfg.n_links);
		config_free(&cfg);
	}
	/* Every wild-*.cfg in the directory is in the table above. */
	assert_non_null(d);
	while ((de = readdir(d))) {
		bool listed = false;

		if (strncmp(de->d_name, "wild-", 5))
			continue;
		for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++)
			listed |= !strcmp(wild[i].file, de->d_name);
		if (!listed)
			fail_msg("%s is not in the table", de->d_name);
		seen++;
	}
	closedir(d);
	assert_int_equal(seen, sizeof(wild) / sizeof(wild[0]));
}

static void test_wild_wmediumd_values(void **state)
{
	struct wm_config cfg;

	(void)state;
	/* README prob: one-way links hold both ways; the rest at default_prob. */
	load_ok(CONFIGS "wild-wmediumd-readme-prob.cfg", &cfg);
	assert_false(cfg.asymmetric);
	assert_near(cfg.default_prob, 1.0);
	assert_near(find_link(&cfg, 2, 0)->value, 0.0);
	assert_near(find_link(&cfg, 3, 2)->value, 0.0);
	assert_int_equal(find_link(&cfg, 2, 3)->line, 19);
	config_free(&cfg);

	load_ok(CONFIGS "wild-wmediumd-readme-prob-asymmetric.cfg", &cfg);
	assert_true(cfg.asymmetric);
	assert_near(find_link(&cfg, 0, 2)->value, 0.2);
	assert_near(find_link(&cfg, 2, 0)->value, 0.8);
	assert_near(find_link(&cfg, 0, 1)->value, 0.5);
	config_free(&cfg);

	load_ok(CONFIGS "wild-wmediumd-diamond.cfg", &cfg);
	assert_near(find_link(&cfg, 0, 3)->value, -10.0);
	assert_near(find_link(&cfg, 3, 0)->value, -10.0);
	assert_near(cfg.default_snr_db, 30.0);
	config_free(&cfg);

	load_ok(CONFIGS "wild-wmediumd-readme-path-loss.cfg", &cfg);
	assert_int_equal(cfg.prop.type, PROP_LOG_DISTANCE);
	assert_near(cfg.prop.path_loss_exp, 3.5);
	assert_true(cfg.radios[2].has_pos && cfg.radios[2].has_dir && cfg.radios[2].has_tx_power);
	assert_near(cfg.radios[2].pos[1], -70.0);
	assert_near(cfg.radios[2].pos[2], 0.0);
	assert_near(cfg.radios[2].dir[1], 10.0);
	assert_near(cfg.radios[2].tx_power_dbm, 15.0);
	assert_mac(cfg.radios[3].mac, "02:00:00:00:03:00");
	assert_int_equal(cfg.radios[2].line, 7);
	/* libconfig 1.5 dates the last element by the "]" on the next line. */
	assert_int_equal(cfg.radios[3].line, 9);
	config_free(&cfg);

	load_ok(CONFIGS "wild-wmediumd-interference.cfg", &cfg);
	assert_true(cfg.interference);
	assert_near(cfg.radios[3].tx_power_dbm, 11.0);
	assert_near(cfg.radios[6].pos[1], 130.0);
	config_free(&cfg);

	/* 2016: the upper triangle of the matrix, both ways. */
	load_ok(CONFIGS "wild-wmediumd-diamond-error-prob.cfg", &cfg);
	assert_near(find_link(&cfg, 0, 1)->value, 1.0);
	assert_near(find_link(&cfg, 1, 0)->value, 1.0);
	assert_near(find_link(&cfg, 0, 2)->value, 0.0);
	assert_near(find_link(&cfg, 3, 1)->value, 1.0);
	config_free(&cfg);

	load_ok(CONFIGS "wild-wmediumd-diamond-fading.cfg", &cfg);
	assert_near(cfg.fading_db, 1.0);
	config_free(&cfg);

	/* 2017: the top-level path_loss section. */
	load_ok(CONFIGS "wild-wmediumd-diamond-direction.cfg", &cfg);
	assert_int_equal(cfg.prop.type, PROP_LOG_DISTANCE);
	assert_near(cfg.prop.path_loss_exp, 3.5);
	assert_near(cfg.radios[2].pos[1], -100.0);
	assert_near(cfg.radios[1].dir[1], 10.0);
	config_free(&cfg);

	load_ok(CONFIGS "wild-aosp-cuttlefish.cfg", &cfg);
	assert_mac(cfg.radios[10].mac, "42:15:b2:00:01:00");
	config_free(&cfg);

	load_ok(CONFIGS "wild-aosp-gen-config.cfg", &cfg);
	assert_int_equal(cfg.prop.type, PROP_FREE_SPACE);
	assert_near(cfg.radios[3].tx_power_dbm, 10.0);
	config_free(&cfg);
}

static void test_wild_mininet_values(void **state)
{
	struct wm_config cfg;

	(void)state;
	load_ok(CONFIGS "wild-mininet-multimedium.cfg", &cfg);
	/* tx_powers = (14, ...): wmediumd reads 0 dBm here. */
	for (size_t i = 0; i < cfg.n_radios; i++)
		assert_near(cfg.radios[i].tx_power_dbm, 14.0);
	assert_int_equal(cfg.radios[0].medium_id, 1);
	assert_int_equal(cfg.radios[6].medium_id, 1);
	assert_int_equal(cfg.radios[3].medium_id, 2);
	assert_int_equal(cfg.radios[8].medium_id, 3);
	assert_true(cfg.radios[7].is_ap);
	assert_false(cfg.radios[5].is_ap);
	assert_true(cfg.has_noise_threshold);
	assert_near(cfg.noise_threshold_dbm, -91.0);
	assert_near(cfg.radios[2].pos[0], 1493.0);
	config_free(&cfg);

	load_ok(CONFIGS "wild-mininet-log-distance.cfg", &cfg);
	assert_near(cfg.radios[2].pos[2], 3.0);
	assert_near(cfg.radios[2].pos[1], 45.5);
	assert_near(cfg.radios[2].tx_power_dbm, 20.0);
	assert_true(cfg.interference);
	config_free(&cfg);

	load_ok(CONFIGS "wild-mininet-itu.cfg", &cfg);
	assert_int_equal(cfg.prop.type, PROP_ITU);
	assert_int_equal(cfg.prop.floors, 2);
	assert_near(cfg.prop.floor_loss, 15.0);
	assert_near(cfg.prop.power_loss_coeff, 30.0);
	config_free(&cfg);

	/* sL is a power ratio: 2 is 3 dB. */
	load_ok(CONFIGS "wild-mininet-two-ray-ground.cfg", &cfg);
	assert_int_equal(cfg.prop.type, PROP_TWO_RAY_GROUND);
	assert_near(cfg.prop.system_loss, 10.0 * log10(2.0));
	config_free(&cfg);

	load_ok(CONFIGS "wild-mininet-log-normal-shadowing.cfg", &cfg);
	assert_int_equal(cfg.prop.type, PROP_LOG_NORMAL_SHADOWING);
	assert_near(cfg.prop.path_loss_exp, 3.0);
	assert_near(cfg.prop.system_loss, 0.0);
	config_free(&cfg);

	load_ok(CONFIGS "wild-mininet-pmsr.cfg", &cfg);
	assert_true(cfg.pmsr.present);
	assert_near(cfg.pmsr.sigma_m, 0.5);
	assert_near(cfg.pmsr.nlos_prob, 0.1);
	assert_near(cfg.pmsr.brms_ratio, 0.2887);
	assert_int_equal(cfg.pmsr.seed, 7);
	config_free(&cfg);

	load_ok(CONFIGS "wild-mininet-prob.cfg", &cfg);
	assert_near(find_link(&cfg, 2, 1)->value, 0.25);
	config_free(&cfg);

	/* type = "snr" with no ";": libconfig's terminator is optional. */
	load_ok(CONFIGS "wild-fork-tree-fading.cfg", &cfg);
	assert_near(find_link(&cfg, 2, 0)->value, 0.0);
	assert_near(cfg.fading_db, 1.0);
	config_free(&cfg);
}

static void test_refused_wild(void **state)
{
	struct wm_config cfg;
	struct config_errors e;

	(void)state;
	config_errors_init(&e);
	assert_int_equal(config_load_file(CONFIGS "refused-cozybit-test-001.cfg", &cfg, &e), -EINVAL);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].msg, CONFIGS "refused-cozybit-test-001.cfg:17: the 2011 cozybit "
			    "per-rate matrices are not supported (use model.type = \"prob\"): `prob'");
	config_errors_free(&e);
	assert_int_equal(config_load_file(CONFIGS "refused-mininet-weissberger.cfg", &cfg, &e),
			 -EINVAL);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].msg, CONFIGS "refused-mininet-weissberger.cfg:19: model_name: "
			    "weissberger (vegetation map) is not supported: `\"weissberger\"'");
	config_errors_free(&e);
	/* The README's asymmetric example as printed: a missing comma. */
	assert_int_equal(config_load_file(CONFIGS "bad-readme-missing-comma.cfg", &cfg, &e), -EINVAL);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].msg, CONFIGS "bad-readme-missing-comma.cfg:20: syntax error");
	config_errors_free(&e);
}

/* --- the examples --- */

static void test_examples(void **state)
{
	static const struct {
		const char *file;
		enum config_model_type model;
		enum prop_model_type prop;
	} ex[] = {
		{ "snr.cfg", CONFIG_MODEL_SNR, PROP_FREE_SPACE },
		{ "prob.cfg", CONFIG_MODEL_PROB, PROP_FREE_SPACE },
		{ "path-loss-free-space.cfg", CONFIG_MODEL_PATH_LOSS, PROP_FREE_SPACE },
		{ "path-loss-log-distance.cfg", CONFIG_MODEL_PATH_LOSS, PROP_LOG_DISTANCE },
		{ "path-loss-log-normal-shadowing.cfg", CONFIG_MODEL_PATH_LOSS,
		  PROP_LOG_NORMAL_SHADOWING },
		{ "path-loss-two-ray-ground.cfg", CONFIG_MODEL_PATH_LOSS, PROP_TWO_RAY_GROUND },
		{ "path-loss-itu.cfg", CONFIG_MODEL_PATH_LOSS, PROP_ITU },
		{ "mininet-wifi.cfg", CONFIG_MODEL_PATH_LOSS, PROP_LOG_DISTANCE },
		{ "vms.cfg", CONFIG_MODEL_PATH_LOSS, PROP_LOG_DISTANCE },
		{ "mobility.cfg", CONFIG_MODEL_PATH_LOSS, PROP_LOG_DISTANCE },
	};
	struct wm_config cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		char path[512];

		snprintf(path, sizeof(path), EXAMPLES "%s", ex[i].file);
		load_ok(path, &cfg);
		assert_int_equal(cfg.model, ex[i].model);
		assert_int_equal(cfg.prop.type, ex[i].prop);
		assert_true(cfg.interference);
		if (cfg.model == CONFIG_MODEL_PATH_LOSS)
			for (size_t r = 0; r < cfg.n_radios; r++)
				assert_true(cfg.radios[r].has_pos && cfg.radios[r].has_tx_power);
		config_free(&cfg);
	}
	load_ok(EXAMPLES "snr.cfg", &cfg);
	assert_near(find_link(&cfg, 0, 2)->value, 12.0);
	assert_near(find_link(&cfg, 2, 0)->value, 9.0);	/* given both ways: kept apart */
	assert_near(find_link(&cfg, 2, 1)->value, 5.0);	/* given one way: mirrored */
	assert_near(cfg.fading_db, 2.0);
	config_free(&cfg);
	load_ok(EXAMPLES "path-loss-itu.cfg", &cfg);
	assert_int_equal(cfg.prop.floors, 1);
	assert_near(cfg.radios[0].tx_power_dbm, 20.0);
	assert_true(cfg.radios[0].is_ap);
	config_free(&cfg);
	load_ok(EXAMPLES "mininet-wifi.cfg", &cfg);
	assert_int_equal(cfg.radios[3].medium_id, 2);
	config_free(&cfg);
	/* demo.cfg's room, by VM name: no ids at all. */
	load_ok(EXAMPLES "vms.cfg", &cfg);
	assert_int_equal(cfg.n_radios, 0);
	assert_int_equal(cfg.n_nodes, 3);
	assert_near(cfg.prop.path_loss_exp, 3.5);
	for (size_t i = 0; i < cfg.n_nodes; i++)
		assert_true(cfg.nodes[i].has_pos && cfg.nodes[i].has_tx_power &&
			    !cfg.nodes[i].has_mac);
	assert_string_equal(cfg.nodes[0].name, "ap");
	assert_near(cfg.nodes[0].antenna_gain_dbi, 2.0);
	assert_string_equal(cfg.nodes[2].name, "sta2");
	assert_near(cfg.nodes[2].pos[0], 30.0);
	assert_near(cfg.nodes[2].tx_power_dbm, 15.0);
	config_free(&cfg);
}

/* --- values --- */

static void test_integers_are_reals(void **state)
{
	struct wm_config cfg;
	struct config_errors e;

	(void)state;
	assert_int_equal(load_str("ifaces: { ids = [\"02:00:00:00:00:00\", \"02:00:00:00:01:00\"]; };\n"
				  "model: { type = \"path_loss\"; model_name = \"log_distance\";\n"
				  "  positions = ((0, 0), (3, 4));\n"
				  "  tx_powers = (15, 15);\n"
				  "  path_loss_exp = 3; xg = 2; };\n", &cfg, &e), 0);
	assert_near(cfg.radios[0].tx_power_dbm, 15.0);
	assert_near(cfg.radios[1].tx_power_dbm, 15.0);
	assert_near(cfg.radios[1].pos[1], 4.0);
	assert_near(cfg.prop.path_loss_exp, 3.0);
	assert_near(cfg.prop.xg, 2.0);
	config_free(&cfg);
	config_errors_free(&e);
	/* 64-bit integers and hex too, and real SNRs where wmediumd truncates. */
	assert_int_equal(load_str("ifaces: { ids = [\"02:00:00:00:00:00\", \"02:00:00:00:01:00\"];\n"
				  "  links = ((0, 1, 12.5), (1, 0, 0x10)); };\n"
				  "model: { fading_coefficient = 3L; };\n", &cfg, &e), 0);
	assert_near(find_link(&cfg, 0, 1)->value, 12.5);
	assert_near(find_link(&cfg, 1, 0)->value, 16.0);
	assert_near(cfg.fading_db, 3.0);
	config_free(&cfg);
	config_errors_free(&e);
}

static void test_empty_and_defaults(void **state)
{
	struct wm_config cfg;
	struct config_errors e;

	(void)state;
	/* Radios are learned: a config may name none. */
	assert_int_equal(load_str("", &cfg, &e), 0);
	assert_int_equal(cfg.n_radios, 0);
	assert_int_equal(cfg.model, CONFIG_MODEL_NONE);
	assert_near(cfg.default_snr_db, 30.0);
	assert_near(cfg.default_prob, 0.0);
	assert_false(cfg.interference);
	config_free(&cfg);
	assert_int_equal(load_str("model: { type = \"path_loss\"; model_name = \"itu\"; };", &cfg, &e), 0);
	assert_int_equal(cfg.prop.type, PROP_ITU);
	assert_near(cfg.prop.min_distance, 0.1);
	config_free(&cfg);
	config_errors_free(&e);
	/* errs may be NULL. */
	assert_int_equal(config_load_string("x", 1, NULL, &cfg, NULL), -EINVAL);
	assert_int_equal(config_load_string("ifaces: { ids = []; };", 22, NULL, &cfg, NULL), 0);
	config_free(&cfg);
}

static void test_link_directions(void **state)
{
	struct wm_config cfg;
	struct config_errors e;
	const char *ids = "ifaces: { ids = [\"02:00:00:00:00:00\", \"02:00:00:00:01:00\", "
			  "\"02:00:00:00:02:00\"]; };\n";
	char text[512];

	(void)state;
	snprintf(text, sizeof(text), "%smodel: { type = \"prob_asymmetric\"; default_prob = 0.5;\n"
		 "  links = ((0, 1, 0.1), (2, 0, 0.3)); };", ids);
	assert_int_equal(load_str(text, &cfg, &e), 0);
	assert_int_equal(cfg.n_links, 2);	/* one-way: nothing mirrored */
	assert_near(find_link(&cfg, 2, 0)->value, 0.3);
	config_free(&cfg);
	config_errors_free(&e);
	snprintf(text, sizeof(text), "%smodel: { type = \"snr\";\n"
		 "  links = ((0, 1, 10), (1, 0, 20), (1, 2, 7)); };", ids);
	assert_int_equal(load_str(text, &cfg, &e), 0);
	assert_int_equal(cfg.n_links, 4);
	assert_near(find_link(&cfg, 0, 1)->value, 10);
	assert_near(find_link(&cfg, 1, 0)->value, 20);
	assert_near(find_link(&cfg, 2, 1)->value, 7);
	assert_int_equal(find_link(&cfg, 2, 1)->line, 3);
	config_free(&cfg);
	config_errors_free(&e);
}

/* --- errors, one kind at a time --- */

#define IDS2 "ifaces: { ids = [\"02:00:00:00:00:00\", \"02:00:00:00:01:00\"]; };\n"

static void test_error_unknown_keys(void **state)
{
	(void)state;
	EXPECT("ifaces: {\n  idz = [];\n};\nmodel: {\n  path_loss_exponent = 3.5;\n};\nmedium = 1;\n",
	       "t.cfg:2: unknown key in ifaces: `idz'",
	       "t.cfg:5: unknown key in model: `path_loss_exponent'",
	       "t.cfg:7: unknown section: `medium'");
	EXPECT("ifaces = 3;", "t.cfg:1: ifaces: expected a group { }: `3'");
	EXPECT("path_loss: { model_name = \"itu\"; };",
	       "t.cfg:1: unknown key in path_loss: `model_name'",
	       "t.cfg:1: path_loss.model_params missing");
}

static void test_error_types(void **state)
{
	(void)state;
	EXPECT("ifaces: {\n enable_interference = 1;\n ids = \"02:00:00:00:00:00\";\n};\n"
	       "model: {\n type = 3;\n default_prob = \"1.0\";\n nFLOORS = 1.5;\n xg = 1e999;\n};",
	       "t.cfg:2: ifaces.enable_interference: expected true or false: `1'",
	       "t.cfg:3: ifaces.ids: expected a list: `\"02:00:00:00:00:00\"'",
	       "t.cfg:6: model.type: expected a string: `3'",
	       "t.cfg:7: model.default_prob: expected a number: `\"1.0\"'",
	       "t.cfg:8: model.nFLOORS: expected an integer: `1.5'",
	       "t.cfg:9: model.xg: expected a number: `inf'");
}

static void test_error_macs(void **state)
{
	(void)state;
	EXPECT("ifaces: { ids = (\n\"02:00:00:00:00:00\",\n\"2:0:0:0:0:0\",\n\"02:00:00:00:00:00\",\n"
	       "\"ff:ff:ff:ff:ff:ff\",\n\"02:00:00:00:00:00:00:01\",\n5,\n\"x\",\n\"02:00:00:00:09:00\"); };",
	       "t.cfg:3: ifaces.ids: bad MAC address: `\"2:0:0:0:0:0\"'",
	       "t.cfg:4: ifaces.ids: duplicate MAC address (also at line 2): `\"02:00:00:00:00:00\"'",
	       "t.cfg:5: ifaces.ids: group address, not a radio's: `\"ff:ff:ff:ff:ff:ff\"'",
	       "t.cfg:6: ifaces.ids: bad MAC address: `\"02:00:00:00:00:00:00:01\"'",
	       "t.cfg:7: ifaces.ids: expected a MAC address string: `5'",
	       "t.cfg:8: ifaces.ids: bad MAC address: `\"x\"'");
	EXPECT("ifaces: {\n count = 3;\n ids = [\"02:00:00:00:00:00\"];\n};",
	       "t.cfg:2: ifaces.count: ifaces.ids has 1: `3'");
}

static void test_error_links(void **state)
{
	(void)state;
	EXPECT(IDS2 "model: { type = \"snr\"; links = (\n(0, 2, 10),\n(-1, 1, 10),\n(1, 1, 5),\n"
	       "(0, 1),\n(0, 1, 10),\n(0, 1, 11),\n(\"0\", 1, 3),\n(0, 1, 1e3)\n); };",
	       "t.cfg:3: model.links: no such radio (ifaces.ids has 2): `2'",
	       "t.cfg:4: model.links: no such radio (ifaces.ids has 2): `-1'",
	       "t.cfg:5: model.links: link from a radio to itself: `(...)'",
	       "t.cfg:6: model.links: expected (radio, radio, SNR): `(...)'",
	       "t.cfg:8: link given twice (also at line 7): `(0, 1)'",
	       "t.cfg:9: model.links: expected a radio index: `\"0\"'",
	       "t.cfg:10: model.links: out of range [-200, 200]: `1000'");
	EXPECT(IDS2 "model: {\n type = \"prob\";\n default_prob = 1.5;\n"
	       " links = ((0, 1, -0.1), (1, 0, 2)); };",
	       "t.cfg:4: model.default_prob: out of range [0, 1]: `1.5'",
	       "t.cfg:5: model.links: out of range [0, 1]: `-0.1'",
	       "t.cfg:5: model.links: out of range [0, 1]: `2'");
	EXPECT("ifaces: { ids = [\"02:00:00:00:00:00\"];\n links = ((0, 0, 3));\n};\n"
	       "model: { type = \"snr\"; };",
	       "t.cfg:4: model.type conflicts with ifaces.links: `snr'");
	EXPECT("ifaces: { ids = [\"02:00:00:00:00:00\"];\n links = ((0, 1, 3));\n};",
	       "t.cfg:2: ifaces.links: no such radio (ifaces.ids has 1): `1'");
	EXPECT("ifaces: { ids = [\"02:00:00:00:00:00\"];\n error_probs = ((0.0, 1.0));\n};",
	       "t.cfg:2: ifaces.error_probs row: has 2 entries, ifaces.ids has 1: `(...)'");
}

static void test_error_path_loss(void **state)
{
	(void)state;
	EXPECT(IDS2 "model: {\n type = \"path_loss\";\n tx_powers = (15);\n directions = ((1, 2, 3), (0, 0));\n};",
	       "t.cfg:2: model.positions missing (path_loss needs them)",
	       "t.cfg:2: model.model_name missing (path_loss needs it)",
	       "t.cfg:4: tx_powers: has 1 entries, ifaces.ids has 2: `(...)'",
	       "t.cfg:5: directions: expected 2 numbers: `(...)'");
	EXPECT(IDS2 "model: {\n type = \"path_loss\";\n model_name = \"friis\";\n"
	       " positions = ((0, 0), (1, 1, 1, 1));\n sL = -2;\n nFLOORS = -1;\n"
	       " noise_threshold = 5;\n fading_coefficient = -1;\n tx_powers = (15, 500);\n};",
	       "t.cfg:4: unknown model_name: `\"friis\"'",
	       "t.cfg:5: positions: expected 2 or 3 numbers: `(...)'",
	       "t.cfg:6: model.sL (ratio): out of range [0, 1e+09]: `-2'",
	       "t.cfg:7: model.nFLOORS: out of range [0, 1000]: `-1'",
	       "t.cfg:8: model.noise_threshold (dBm): out of range [-200, 0]: `5'",
	       "t.cfg:9: fading_coefficient (dB): out of range [0, 100]: `-1'",
	       "t.cfg:10: tx_powers (dBm): out of range [-100, 100]: `500'");
	EXPECT("model: {\n type = \"radio\";\n};", "t.cfg:2: unknown model.type (snr, prob, "
	       "prob_asymmetric, path_loss): `\"radio\"'");
	EXPECT("model: {\n links = ((0, 1, 2));\n};", "t.cfg:1: model.type missing");
	EXPECT(IDS2 "model: {\n type = \"path_loss\"; model_name = \"itu\";\n positions = ((0, 0), (1, 1));\n"
	       " lF = 3;\n LF = 4;\n noise_threshold = 0;\n};",
	       "t.cfg:6: model.LF: given twice (also as lF at line 5): `LF'",
	       "t.cfg:7: model.noise_threshold: must be below 0 dBm: `0'");
	EXPECT(IDS2 "path_loss: {\n positions = ((0, 0), (1, 1));\n model_params = (\"log_distance\", 3.5);\n};\n"
	       "model: { type = \"snr\"; };",
	       "t.cfg:2: path_loss and model sections both given");
	EXPECT(IDS2 "path_loss: {\n positions = ((0, 0), (1, 1));\n model_params = (\"log_distance\", 3.5);\n};",
	       "t.cfg:4: path_loss.model_params: expected (\"log_distance\", exponent, xg) or "
	       "(\"free_space\"): `(...)'");
}

static void test_error_media(void **state)
{
	(void)state;
	EXPECT("ifaces: { ids = [\"02:00:00:00:00:00\", \"02:00:00:00:01:00\"];\n"
	       " medium_array = (\n(0, 1),\n(1, 5),\n3);\n};\n"
	       "model: { type = \"path_loss\"; model_name = \"free_space\";\n"
	       " positions = ((0, 0), (1, 1));\n isnodeaps = (1, 2);\n};",
	       "t.cfg:4: ifaces.medium_array: radio already in medium 1: `1'",
	       "t.cfg:4: ifaces.medium_array: no such radio (ifaces.ids has 2): `5'",
	       "t.cfg:5: ifaces.medium_array: expected a list of radio indices: `3'",
	       "t.cfg:9: model.isnodeaps: expected 0 or 1: `2'");
}

static void test_error_syntax_and_raw(void **state)
{
	struct wm_config cfg;
	struct config_errors e;
	const char nul[] = "ifaces: {\n ids = [];\0 };";

	(void)state;
	config_errors_init(&e);
	EXPECT("ifaces: {\n ids = [\"02:00:00:00:00:00\"]\n links = ((0, 1, 2)\n};",
	       "t.cfg:4: syntax error");
	EXPECT("ifaces: {\n  @include \"/etc/passwd\"\n};", "t.cfg:2: @include is not supported");
	assert_int_equal(config_load_string(nul, sizeof(nul) - 1, "t.cfg", &cfg, &e), -EINVAL);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].msg, "t.cfg:2: NUL byte in the file");
	config_errors_free(&e);
	/* Not NUL-terminated: only len bytes are read. */
	assert_int_equal(config_load_string("ifaces: { };garbage", 12, "t.cfg", &cfg, &e), 0);
	config_free(&cfg);
	config_errors_free(&e);
}

static void test_error_file(void **state)
{
	struct wm_config cfg;
	struct config_errors e;

	(void)state;
	config_errors_init(&e);
	assert_int_equal(config_load_file(CONFIGS "no-such.cfg", &cfg, &e), -ENOENT);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.v[0].msg, CONFIGS "no-such.cfg: cannot open: `No such file or directory'");
	assert_int_equal(cfg.n_radios, 0);
	config_errors_free(&e);
	assert_int_equal(config_load_file(CONFIGS, &cfg, &e), -EISDIR);
	assert_string_equal(e.v[0].msg, CONFIGS ": cannot read: `Is a directory'");
	config_errors_free(&e);
}

/* --- all errors, in line order --- */

/* file must fail with exactly these messages (after "FILE"), in this order. */
static void expect_file_errors(const char *file, const char *const *want, size_t n)
{
	struct wm_config cfg;
	struct config_errors e;
	char path[512];

	snprintf(path, sizeof(path), CONFIGS "%s", file);
	config_errors_init(&e);
	assert_int_equal(config_load_file(path, &cfg, &e), -EINVAL);
	if (e.n != n) {
		config_errors_print(&e, stdout);
		fail_msg("%zu errors", e.n);
	}
	for (size_t i = 0; i < e.n; i++) {
		char full[1024];

		snprintf(full, sizeof(full), "%s%s", path, want[i]);
		assert_string_equal(e.v[i].msg, full);
	}
	assert_null(cfg.nodes);
	config_errors_free(&e);
}

static void test_all_errors_of_a_file(void **state)
{
	static const char *const want[] = {
		":6: ifaces.ids: duplicate MAC address (also at line 5): `\"02:00:00:00:00:00\"'",
		":7: ifaces.ids: bad MAC address: `\"02:00:00:00:02\"'",
		":8: ifaces.ids: group address, not a radio's: `\"03:00:00:00:03:00\"'",
		":11: ifaces.count: ifaces.ids has 5: `3'",
		":12: ifaces.enable_interference: expected true or false: `1'",
		":13: unknown key in ifaces: `color'",
		":19: positions: expected 2 or 3 numbers: `(...)'",
		":19: positions: out of range [-1e+06, 1e+06]: `1e+07'",
		":20: tx_powers (dBm): expected a number: `\"15\"'",
		":21: model.isnodeaps: expected 0 or 1: `2'",
		":22: unknown model_name: `\"log_distanse\"'",
		":23: model.path_loss_exp: out of range [0.1, 10]: `-3.5'",
		":24: model.sL: a ratio, must be above 0 (1 = no loss): `0'",
		":26: model.LF: given twice (also as lF at line 25): `LF'",
		":29: unknown section: `medium'",
	};

	(void)state;
	expect_file_errors("bad-many.cfg", want, sizeof(want) / sizeof(want[0]));
}

/* --- mobility --- */

static void test_mobility_values(void **state)
{
	static const char text[] =
		"nodes = (\n"
		"  { name = \"a\"; position = (1.0, 2.0, 3.0);\n"
		"    mobility = { waypoints = ( { position = (10, 0); speed = 1.5; pause = 2; },\n"
		"                               { position = [10.0, 20.0, 1.5]; speed = 3; } );\n"
		"                 loop = true; }; },\n"
		"  { name = \"b\"; mobility = { random = { box = ((50, 40, 3), (0, 0, 1));\n"
		"    speed = (0.5, 2); pause = (0, 5); seed = 7; }; }; },\n"
		"  { name = \"c\"; mobility = { random = { box = ((0, 0), (5, 5)); speed = (1, 1); }; }; },\n"
		"  { name = \"d\"; mobility = { waypoints = ( { position = (1, 1); speed = 1; } ); }; }\n"
		");\n";
	struct wm_config cfg;
	struct config_errors e;
	const struct config_mobility *m;

	(void)state;
	assert_int_equal(load_str(text, &cfg, &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(cfg.n_nodes, 4);
	m = &cfg.nodes[0].mobility;
	assert_int_equal(m->model, CONFIG_MOBILITY_WAYPOINTS);
	assert_int_equal(m->n_waypoints, 2);
	assert_true(m->loop);
	assert_int_equal(m->line, 3);
	assert_near(m->waypoints[0].pos[0], 10.0);
	assert_false(m->waypoints[0].has_z);	/* (x, y): the node keeps its height */
	assert_true(m->waypoints[1].has_z);
	assert_near(m->waypoints[0].speed, 1.5);
	assert_near(m->waypoints[0].pause, 2.0);
	assert_near(m->waypoints[1].pos[1], 20.0);
	assert_near(m->waypoints[1].pos[2], 1.5);
	assert_near(m->waypoints[1].pause, 0.0);
	/* Corners in any order; 3-D. */
	m = &cfg.nodes[1].mobility;
	assert_int_equal(m->model, CONFIG_MOBILITY_RANDOM);
	assert_true(m->random.has_z);
	assert_near(m->random.lo[0], 0.0);
	assert_near(m->random.hi[0], 50.0);
	assert_near(m->random.lo[2], 1.0);
	assert_near(m->random.hi[2], 3.0);
	assert_near(m->random.speed_min, 0.5);
	assert_near(m->random.speed_max, 2.0);
	assert_near(m->random.pause_max, 5.0);
	assert_true(m->random.seed == 7);
	/* 2-D, no pause, no seed: the seed is 1 + the node's index. */
	m = &cfg.nodes[2].mobility;
	assert_false(m->random.has_z);
	assert_near(m->random.pause_max, 0.0);
	assert_true(m->random.seed == 3);
	assert_false(cfg.nodes[3].mobility.loop);
	assert_null(cfg.mobility_trace);
	assert_int_equal(cfg.nodes[3].mobility.model, CONFIG_MOBILITY_WAYPOINTS);
	config_free(&cfg);
	config_errors_free(&e);
}

static void test_error_mobility(void **state)
{
	(void)state;
	EXPECT("nodes = ( { name = \"a\"; mobility = { loop = true; }; } );",
	       "t.cfg:1: nodes.mobility: give waypoints or random (one)");
	EXPECT("nodes = ( { name = \"a\"; mobility = { waypoints = (); random = { }; }; } );",
	       "t.cfg:1: nodes.mobility: give waypoints or random (one)");
	EXPECT("nodes = ( { name = \"a\"; mobility = { waypoints = (); }; } );",
	       "t.cfg:1: nodes.mobility.waypoints: expected 1 to 1000 waypoints, not 0: `(...)'");
	EXPECT("nodes = ( { name = \"a\"; mobility = { waypoints = ( 1 ); }; } );",
	       "t.cfg:1: nodes.mobility.waypoints: expected a group { } per waypoint: `1'");
	EXPECT("nodes = ( { name = \"a\";\n mobility = { waypoints = ( { speed = 1; } ); }; } );",
	       "t.cfg:2: nodes.mobility.waypoints: a waypoint needs a position and a speed");
	EXPECT("nodes = ( { name = \"a\"; mobility = { waypoints = ( { position = (1, 2);\n"
	       " speed = 0; pause = -1; color = 1; } ); }; } );",
	       "t.cfg:2: unknown key in nodes.mobility.waypoints: `color'",
	       "t.cfg:2: nodes.mobility.waypoints.speed (m/s): out of range [1e-06, 100000]: `0'",
	       "t.cfg:2: nodes.mobility.waypoints.pause (s): out of range [0, 1e+06]: `-1'");
	EXPECT("nodes = ( { name = \"a\"; mobility = { waypoints = ( { position = (1, 2, 3, 4);"
	       " speed = 1; } ); loop = 1; }; } );",
	       "t.cfg:1: nodes.mobility.loop: expected true or false: `1'",
	       "t.cfg:1: nodes.mobility.waypoints.position: expected 2 or 3 numbers: `(...)'");
	EXPECT("nodes = ( { name = \"a\";\n mobility = { waypoints = ( { position = (0, 0); speed = 1; } );"
	       " loop = true; }; } );",
	       "t.cfg:2: nodes.mobility: a loop that takes no time (every leg of no length and no pause)");
	EXPECT("nodes = ( { name = \"a\"; mobility = { random = { box = ((0, 0), (1, 1)); };"
	       " loop = false; }; } );",
	       "t.cfg:1: nodes.mobility.loop: only with waypoints: `false'");
	EXPECT("nodes = ( { name = \"a\"; mobility = { random = { box = ((0, 0), (1, 1)); }; }; } );",
	       "t.cfg:1: nodes.mobility.random: needs a box and a speed");
	EXPECT("nodes = ( { name = \"a\"; mobility = { random = { box = ((0, 0), (1, 1, 1));"
	       " speed = (2, 1); pause = (1); seed = -3; }; }; } );",
	       "t.cfg:1: nodes.mobility.random.box: corners of 2 and 3 numbers: `(...)'",
	       "t.cfg:1: nodes.mobility.random.speed (m/s): min above max: `(...)'",
	       "t.cfg:1: nodes.mobility.random.pause (s): expected (min, max): `(...)'",
	       "t.cfg:1: nodes.mobility.random.seed: negative: `-3'");
	EXPECT("nodes = ( { name = \"a\"; mobility = { random = { box = ((0, 0));"
	       " speed = (1, 1e6); }; }; } );",
	       "t.cfg:1: nodes.mobility.random.box: expected two corners ((x0, y0[, z0]), (x1, y1[, z1])): `(...)'",
	       "t.cfg:1: nodes.mobility.random.speed (m/s): out of range [1e-06, 100000]: `1e+06'");
	EXPECT("nodes = ( { name = \"a\";\n mobility = { random = { box = ((1, 1, 0), (1, 1, 5));"
	       " speed = (1, 1); }; }; } );\n"
	       "nodes2 = 1;",
	       "t.cfg:3: unknown section: `nodes2'");
	EXPECT("nodes = ( { name = \"a\";\n mobility = { random = { box = ((1, 1), (1, 1));"
	       " speed = (1, 1); }; }; } );",
	       "t.cfg:2: nodes.mobility: a walk that takes no time (every leg of no length and no pause)");
	EXPECT("mobility_trace = 3;", "t.cfg:1: mobility_trace: expected a string: `3'");
	EXPECT("mobility_trace = \"\";", "t.cfg:1: mobility_trace: empty file name: `\"\"'");
}

/* A file in dir; returns its path in buf. */
static const char *write_file(const char *dir, const char *name, const char *text, char *buf,
			      size_t size)
{
	FILE *f;

	snprintf(buf, size, "%s/%s", dir, name);
	f = fopen(buf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return buf;
}

static void test_mobility_trace(void **state)
{
	static const char head[] =
		"ifaces : { ids = [ \"02:00:00:00:00:00\" ]; };\n"
		"nodes = ( { name = \"a\"; },\n"
		"  { name = \"b\"; mobility = { waypoints = ( { position = (1, 1); speed = 1; } ); }; } );\n";
	char dir[] = "/tmp/wm-test-config-XXXXXX", cpath[256], tpath[256], text[512], want[768];
	struct wm_config cfg;
	struct config_errors e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "walk.tr", "$node_(0) set X_ 5\n$node_(2) set Y_ 1\n"
		   "$ns_ at 1 \"$node_(1) setdest 3 4 1\"\n$ns_ at 0.5 \"$node_(1) setdest 1 1 1\"\n",
		   tpath, sizeof(tpath));
	snprintf(text, sizeof(text), "%smobility_trace = \"walk.tr\";\n", head);
	write_file(dir, "ok.cfg", text, cpath, sizeof(cpath));
	load_ok(cpath, &cfg);
	assert_string_equal(cfg.mobility_trace, tpath);
	assert_int_equal(cfg.trace.n, 4);
	assert_true(cfg.trace.v[0].node == 0 && cfg.trace.v[0].step.value == 5.0);
	assert_true(cfg.trace.v[1].node == 1 && cfg.trace.v[1].step.at_us == 500000);
	assert_true(cfg.trace.v[2].node == 1 && cfg.trace.v[2].step.at_us == 1000000);
	assert_true(cfg.trace.v[3].node == 2 && !cfg.trace.v[3].timed);
	config_free(&cfg);
	/* From memory: named, not read. */
	assert_int_equal(load_str(text, &cfg, &e), 0);
	assert_string_equal(cfg.mobility_trace, "walk.tr");
	assert_int_equal(cfg.trace.n, 0);
	config_free(&cfg);
	config_errors_free(&e);

	/* Steps for a node with its own model (only a start is fine), a node past the config's. */
	write_file(dir, "bad.tr", "# x\n$ns_ at 1 \"$node_(2) setdest 3 4 1\"\n"
		   "$node_(2) set X_ 1\n$ns_ at 2 \"$node_(3) setdest 3 4 1\"\n", tpath, sizeof(tpath));
	snprintf(text, sizeof(text), "%smobility_trace = \"bad.tr\";\n", head);
	write_file(dir, "bad.cfg", text, cpath, sizeof(cpath));
	config_errors_init(&e);
	assert_int_equal(config_load_file(cpath, &cfg, &e), -EINVAL);
	assert_int_equal(e.n, 2);
	snprintf(want, sizeof(want), "%s:4: mobility_trace: %s:2: $node_(2) has a mobility "
		 "setting of its own (line 3)", cpath, tpath);
	assert_string_equal(e.v[0].msg, want);
	snprintf(want, sizeof(want), "%s:4: mobility_trace: %s:4: $node_(3): the config has 3 "
		 "nodes (ifaces.ids, then nodes)", cpath, tpath);
	assert_string_equal(e.v[1].msg, want);
	config_errors_free(&e);

	/* A parse error, with the trace's line. */
	write_file(dir, "bad.tr", "\n\n$ns_ at 1 \"$node_(0) setdest 3 4\"\n", tpath, sizeof(tpath));
	config_errors_init(&e);
	assert_int_equal(config_load_file(cpath, &cfg, &e), -EINVAL);
	assert_int_equal(e.n, 1);
	snprintf(want, sizeof(want), "%s:4: mobility_trace: %s:3: setdest wants X Y SPEED", cpath,
		 tpath);
	assert_string_equal(e.v[0].msg, want);
	config_errors_free(&e);

	/* No such file. */
	snprintf(text, sizeof(text), "%smobility_trace = \"none.tr\";\n", head);
	write_file(dir, "none.cfg", text, cpath, sizeof(cpath));
	config_errors_init(&e);
	assert_int_equal(config_load_file(cpath, &cfg, &e), -EINVAL);
	assert_int_equal(e.n, 1);
	snprintf(want, sizeof(want), "%s:4: mobility_trace: %s/none.tr: cannot read: `No such "
		 "file or directory'", cpath, dir);
	assert_string_equal(e.v[0].msg, want);
	config_errors_free(&e);

	for (const char *const *f = (const char *const[]){ "walk.tr", "ok.cfg", "bad.tr",
							    "bad.cfg", "none.cfg", NULL }; *f; f++) {
		snprintf(want, sizeof(want), "%s/%s", dir, *f);
		unlink(want);
	}
	rmdir(dir);
}

/* --- our nodes list --- */

static void test_nodes_values(void **state)
{
	struct wm_config cfg;
	struct config_errors e;
	const struct config_node *n;

	(void)state;
	assert_int_equal(load_str("nodes = (\n"
		"  { name = \"ap\"; position = (0.0, 0.0, 2.0); tx_power = 20; antenna_gain = 2.5; },\n"
		"  { name = \"sta1\"; position = (5, 3); },\n"
		"  { mac = \"02:11:00:00:00:01\"; position = (30.0, 0.0); tx_power = 15.5; medium = 1; },\n"
		"  { name = \"A-Z_a.z-09a123456789b123456789c123456789d123456789e123456789fgh\";\n"
		"    antenna_gain = -3; medium = 65535; }\n);", &cfg, &e), 0);
	assert_int_equal(cfg.n_radios, 0);
	assert_int_equal(cfg.model, CONFIG_MODEL_NONE);
	assert_int_equal(cfg.n_nodes, 4);
	n = &cfg.nodes[0];
	assert_string_equal(n->name, "ap");
	assert_false(n->has_mac);
	assert_true(n->has_pos && n->has_tx_power);
	assert_near(n->pos[2], 2.0);
	assert_near(n->tx_power_dbm, 20.0);
	assert_near(n->antenna_gain_dbi, 2.5);
	assert_int_equal(n->medium_id, 0);
	assert_int_equal(n->line, 2);
	n = &cfg.nodes[1];	/* integers as reals, (x, y) as z = 0 */
	assert_string_equal(n->name, "sta1");
	assert_true(n->has_pos && !n->has_tx_power);
	assert_near(n->pos[0], 5.0);
	assert_near(n->pos[1], 3.0);
	assert_near(n->pos[2], 0.0);
	assert_near(n->antenna_gain_dbi, 0.0);
	n = &cfg.nodes[2];
	assert_string_equal(n->name, "");
	assert_true(n->has_mac);
	assert_mac(n->mac, "02:11:00:00:00:01");
	assert_near(n->pos[0], 30.0);
	assert_near(n->tx_power_dbm, 15.5);
	assert_int_equal(n->medium_id, 1);
	assert_int_equal(n->line, 4);
	n = &cfg.nodes[3];	/* 63 characters, no position: the origin */
	assert_int_equal(strlen(n->name), CONFIG_NAME_MAX);
	assert_false(n->has_pos);
	assert_near(n->pos[0] + n->pos[1] + n->pos[2], 0.0);
	assert_near(n->antenna_gain_dbi, -3.0);
	assert_int_equal(n->medium_id, 65535);
	config_free(&cfg);
	assert_null(cfg.nodes);
	assert_int_equal(cfg.n_nodes, 0);
	config_errors_free(&e);
	assert_int_equal(load_str("nodes = [];", &cfg, &e), 0);
	assert_int_equal(cfg.n_nodes, 0);
	config_free(&cfg);
	config_errors_free(&e);
}

/* Nodes go with every model and leave its links alone: links index ids only. */
static void test_nodes_every_model(void **state)
{
	static const struct {
		const char *text;
		enum config_model_type model;
		size_t links;
	} m[] = {
		{ "", CONFIG_MODEL_NONE, 0 },
		{ IDS2 "model: { type = \"snr\"; links = ((0, 1, 10)); };", CONFIG_MODEL_SNR, 2 },
		{ IDS2 "model: { type = \"prob\"; links = ((0, 1, 0.5)); };", CONFIG_MODEL_PROB, 2 },
		{ IDS2 "model: { type = \"prob_asymmetric\"; links = ((0, 1, 0.5)); };",
		  CONFIG_MODEL_PROB, 1 },
		{ "ifaces: { ids = [\"02:00:00:00:00:00\", \"02:00:00:00:01:00\"];\n"
		  " error_probs = ((0, 0.2), (0.2, 0)); };", CONFIG_MODEL_PROB, 2 },
		{ "ifaces: { ids = [\"02:00:00:00:00:00\", \"02:00:00:00:01:00\"];\n"
		  " links = ((0, 1, 7)); };", CONFIG_MODEL_SNR, 2 },
		{ IDS2 "model: { type = \"path_loss\"; model_name = \"free_space\";\n"
		  " positions = ((0, 0), (1, 1)); };", CONFIG_MODEL_PATH_LOSS, 0 },
		{ "model: { type = \"path_loss\"; model_name = \"two_ray_ground\"; };",
		  CONFIG_MODEL_PATH_LOSS, 0 },
		{ "path_loss: { positions = (); model_params = (\"free_space\"); };",
		  CONFIG_MODEL_PATH_LOSS, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct wm_config cfg;
		struct config_errors e;
		char text[1024];

		snprintf(text, sizeof(text), "%s\nnodes = ({ name = \"a\"; position = (1, 2); },\n"
			 " { mac = \"02:11:00:00:00:01\"; tx_power = 3; });", m[i].text);
		if (load_str(text, &cfg, &e)) {
			config_errors_print(&e, stdout);
			fail_msg("model %zu", i);
		}
		assert_int_equal(cfg.model, m[i].model);
		assert_int_equal(cfg.n_links, m[i].links);
		assert_int_equal(cfg.n_nodes, 2);
		assert_true(cfg.nodes[0].has_pos && cfg.nodes[1].has_tx_power);
		config_free(&cfg);
		config_errors_free(&e);
	}
	EXPECT("model: { type = \"snr\"; links = ((0, 1, 10)); };\n"
	       "nodes = ({ name = \"a\"; }, { name = \"b\"; });",
	       "t.cfg:1: model.links: no such radio (ifaces.ids has 0): `0'",
	       "t.cfg:1: model.links: no such radio (ifaces.ids has 0): `1'");
}

static void test_error_nodes(void **state)
{
	static const char *const want[] = {
		":4: unknown key in nodes: `colour'",
		":5: nodes: name and mac both given (a node has one)",
		":6: nodes: a node needs a name or a mac",
		":7: nodes.name: duplicate name (also at line 4): `\"ap\"'",
		":9: nodes.mac: duplicate MAC address (also at line 8): `\"02:11:00:00:00:02\"'",
		":10: nodes.mac: also in ifaces.ids (line 2): one radio placed twice: "
		"`\"02:00:00:00:01:00\"'",
		":11: nodes.mac: group address, not a radio's: `\"03:00:00:00:01:00\"'",
		":12: nodes.mac: bad MAC address: `\"02:00:00:00:01\"'",
		":13: nodes.name: expected 1 to 63 characters of A-Z a-z 0-9 . _ -: `\"vm 1\"'",
		":14: nodes.name: expected 1 to 63 characters of A-Z a-z 0-9 . _ -: `\"\"'",
		":15: nodes.name: expected a string: `3'",
		":16: nodes.antenna_gain: expected a number: `\"2\"'",
		":16: nodes.position: expected 2 or 3 numbers: `(...)'",
		":16: nodes.tx_power (dBm): out of range [-100, 100]: `500'",
		":16: nodes.medium: out of range [0, 65535]: `-1'",
		":17: nodes.medium: expected an integer: `1.5'",
		":17: nodes.position: out of range [-1e+06, 1e+06]: `1e+07'",
		":17: nodes.antenna_gain (dBi): out of range [-50, 50]: `51'",
		":18: nodes: expected a group { } per node: `\"z\"'",
		":19: nodes.name: expected 1 to 63 characters of A-Z a-z 0-9 . _ -: "
		"`\"a123456789b123456789c123456789d123456789e123456789f123456789g123\"'",
		":20: nodes.tx_power: expected a number: `inf'",
		":20: nodes.medium: out of range [0, 65535]: `65536'",
	};

	(void)state;
	expect_file_errors("bad-nodes.cfg", want, sizeof(want) / sizeof(want[0]));
	EXPECT("nodes: { name = \"a\"; };", "t.cfg:1: nodes: expected a list: `{...}'");
	/* Every node on a MAC of ids is reported so, not as a duplicate of the first. */
	EXPECT("ifaces: { ids = (\"02:00:00:00:00:00\", 5); };\nnodes = (\n"
	       "{ mac = \"02:00:00:00:00:00\"; },\n{ mac = \"02:00:00:00:00:00\"; },\n"
	       "{ mac = 5; name = \"a\"; });",
	       "t.cfg:1: ifaces.ids: expected a MAC address string: `5'",
	       "t.cfg:3: nodes.mac: also in ifaces.ids (line 1): one radio placed twice: "
	       "`\"02:00:00:00:00:00\"'",
	       "t.cfg:4: nodes.mac: also in ifaces.ids (line 1): one radio placed twice: "
	       "`\"02:00:00:00:00:00\"'",
	       "t.cfg:5: nodes.mac: expected a string: `5'",
	       "t.cfg:5: nodes: name and mac both given (a node has one)");
	/* A MAC twice in ids is ids' error; the node on it gets its own, once. */
	EXPECT("ifaces: { ids = [\"02:00:00:00:00:00\",\n\"02:00:00:00:00:00\"]; };\n"
	       "nodes = ({ mac = \"02:00:00:00:00:00\"; });",
	       "t.cfg:2: ifaces.ids: duplicate MAC address (also at line 1): `\"02:00:00:00:00:00\"'",
	       "t.cfg:3: nodes.mac: also in ifaces.ids (line 1): one radio placed twice: "
	       "`\"02:00:00:00:00:00\"'");
}

static void test_name_valid(void **state)
{
	char longest[CONFIG_NAME_MAX + 2];

	(void)state;
	memset(longest, 'v', sizeof(longest) - 1);
	longest[CONFIG_NAME_MAX] = '\0';
	assert_true(config_name_valid(longest));
	assert_true(config_name_valid("AP-1.lab_2"));
	longest[CONFIG_NAME_MAX] = 'v';
	longest[CONFIG_NAME_MAX + 1] = '\0';
	assert_false(config_name_valid(longest));
	assert_false(config_name_valid(""));
	assert_false(config_name_valid("a/b"));
	assert_false(config_name_valid("a b"));
	assert_false(config_name_valid("caf\xc3\xa9"));
}

static void test_error_cap(void **state)
{
	struct wm_config cfg;
	struct config_errors e;
	size_t len = 0, cap = 1 << 16;
	char *text = malloc(cap);
	char *out = NULL;
	size_t out_len = 0;
	FILE *f;

	(void)state;
	config_errors_init(&e);
	len += (size_t)snprintf(text, cap, IDS2 "model: { type = \"snr\"; links = (");
	for (int i = 0; i < 200; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s(0, 9, 1)", i ? ", " : "");
	len += (size_t)snprintf(text + len, cap - len, "); };");
	assert_int_equal(config_load_string(text, len, "t.cfg", &cfg, &e), -EINVAL);
	assert_int_equal(e.n, CONFIG_MAX_ERRORS);
	assert_int_equal(e.dropped, 200 - CONFIG_MAX_ERRORS);
	f = open_memstream(&out, &out_len);
	config_errors_print(&e, f);
	fclose(f);
	assert_non_null(strstr(out, "(136 more errors)\n"));
	free(out);
	free(text);
	config_errors_free(&e);
}

/* Messages are appended to what errs already holds. */
static void test_errors_append(void **state)
{
	struct wm_config cfg;
	struct config_errors e;

	(void)state;
	config_errors_init(&e);
	assert_int_equal(config_load_string("a = 1;", 6, "one", &cfg, &e), -EINVAL);
	assert_int_equal(config_load_string("b = 1;", 6, "two", &cfg, &e), -EINVAL);
	assert_int_equal(e.n, 2);
	assert_string_equal(e.v[0].msg, "one:1: unknown section: `a'");
	assert_string_equal(e.v[1].msg, "two:1: unknown section: `b'");
	config_errors_free(&e);
}

/* What config_summary prints for a file; the caller frees it. */
static char *summary_of(const char *path)
{
	struct wm_config cfg;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	load_ok(path, &cfg);
	f = open_memstream(&out, &len);
	config_summary(&cfg, f);
	fclose(f);
	config_free(&cfg);
	return out;
}

static void test_summary(void **state)
{
	char *out;

	(void)state;
	out = summary_of(CONFIGS "wild-mininet-multimedium.cfg");
	assert_non_null(strstr(out, "9 radios, model path_loss, interference on"));
	assert_non_null(strstr(out, "log_distance: exponent 3,"));
	assert_non_null(strstr(out, "  6 02:00:00:00:06:00 at (337, 424, 0) 14 dBm AP medium 1\n"));
	assert_null(strstr(out, "node"));
	free(out);
	out = summary_of(CONFIGS "nodes-path-loss.cfg");
	assert_non_null(strstr(out, "1 radios, 2 nodes, model path_loss, interference on"));
	assert_non_null(strstr(out, "\n  0 02:00:00:00:00:00 at (10, 0, 0) 18 dBm\n"
				    "  node \"ap\" 20 dBm 3 dBi\n"
				    "  node 02:00:00:00:01:00 at (0, 7.5, 1.5) 14.5 dBm -1.5 dBi\n"));
	free(out);
	out = summary_of(CONFIGS "nodes-snr.cfg");
	assert_non_null(strstr(out, "  link 1 -> 0: 25 dB\n  node \"vm-a\" medium 1\n"
				    "  node \"vm.b_2\" at (1, 2, 0) 10 dBm\n"
				    "  node 02:11:00:00:00:01 medium 3\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mobility_values),
		cmocka_unit_test(test_error_mobility),
		cmocka_unit_test(test_mobility_trace),
		cmocka_unit_test(test_wild_all_parse),
		cmocka_unit_test(test_wild_wmediumd_values),
		cmocka_unit_test(test_wild_mininet_values),
		cmocka_unit_test(test_refused_wild),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_integers_are_reals),
		cmocka_unit_test(test_empty_and_defaults),
		cmocka_unit_test(test_link_directions),
		cmocka_unit_test(test_error_unknown_keys),
		cmocka_unit_test(test_error_types),
		cmocka_unit_test(test_error_macs),
		cmocka_unit_test(test_error_links),
		cmocka_unit_test(test_error_path_loss),
		cmocka_unit_test(test_error_media),
		cmocka_unit_test(test_error_syntax_and_raw),
		cmocka_unit_test(test_error_file),
		cmocka_unit_test(test_nodes_values),
		cmocka_unit_test(test_nodes_every_model),
		cmocka_unit_test(test_error_nodes),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_all_errors_of_a_file),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_errors_append),
		cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
