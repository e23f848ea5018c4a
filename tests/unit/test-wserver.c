/* SPDX-License-Identifier: MIT */
/*
 * The mininet-wifi fork's control protocol: the codec against byte strings
 * worked out by hand from the fork's layouts (and Python's struct with
 * '!'), then every request type through the server, checked by what the
 * medium's nodes and links became.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "hub_env.h"

#include "daemon/config.h"
#include "daemon/config_apply.h"
#include "daemon/wserver.h"
#include "proto/wserver.h"

static const uint8_t A[6] = { 0x02, 0, 0, 0, 0, 0 };
static const uint8_t B[6] = { 0x02, 0, 0, 0, 1, 0 };
static const uint8_t C[6] = { 0x02, 0, 0, 0, 2, 0 };

static size_t put_mac(uint8_t *p, const uint8_t mac[6])
{
	memcpy(p, mac, 6);
	return 6;
}

static size_t put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

static size_t put_f32(uint8_t *p, float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return put_be32(p, u);
}

/* MAC + i32 requests: TXPOWER, GAIN, HEIGHT, MEDIUM. */
static size_t req_mac_i32(uint8_t *b, uint8_t type, const uint8_t mac[6], int32_t v)
{
	b[0] = type;
	put_mac(b + 1, mac);
	put_be32(b + 7, (uint32_t)v);
	return 11;
}

static size_t req_pair(uint8_t *b, uint8_t type, const uint8_t a[6], const uint8_t c[6], uint32_t v)
{
	b[0] = type;
	put_mac(b + 1, a);
	put_mac(b + 7, c);
	put_be32(b + 13, v);
	return 17;
}

static size_t req_pos(uint8_t *b, const uint8_t mac[6], float x, float y, float z)
{
	b[0] = WSERVER_POSITION;
	put_mac(b + 1, mac);
	put_f32(b + 7, x);
	put_f32(b + 11, y);
	put_f32(b + 15, z);
	return 19;
}

static void test_codec(void **state)
{
	/* The worked examples: an SNR of 40, a position, an ADD answered with index 3. */
	static const uint8_t snr[17] = { 1, 2, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0x28 };
	static const uint8_t pos[19] = { 13, 2, 0, 0, 0, 0, 0, 0x41, 0x20, 0, 0, 0x41, 0xa0, 0, 0,
					 0, 0, 0, 0 };
	static const uint8_t add[7] = { 7, 2, 0, 0, 0, 1, 0 };
	static const uint8_t add_reply[13] = { 8, 7, 2, 0, 0, 0, 1, 0, 0, 0, 0, 3, 0 };
	struct wserver_req r;
	uint8_t out[WSERVER_REPLY_MAX], spec[WSERVER_REQ_MAX] = { WSERVER_SPECPROB };
	size_t n;

	(void)state;
	assert_int_equal(wserver_parse(snr, 16, &r), 0);	/* one byte short: wait */
	assert_int_equal(wserver_parse(snr, 0, &r), 0);
	assert_int_equal(wserver_parse(snr, 17, &r), 17);
	assert_int_equal(r.type, WSERVER_SNR);
	assert_memory_equal(r.mac, A, 6);
	assert_memory_equal(r.mac2, B, 6);
	assert_int_equal(r.value, 40);
	n = wserver_reply(&r, WSERVER_OK, 0, out);
	assert_int_equal(n, 19);
	assert_int_equal(out[0], 2);
	assert_memory_equal(out + 1, snr, 17);
	assert_int_equal(out[18], 0);

	assert_int_equal(wserver_parse(pos, sizeof(pos), &r), 19);
	assert_true(r.pos[0] == 10.0f && r.pos[1] == 20.0f && r.pos[2] == 0.0f);
	n = wserver_reply(&r, WSERVER_NOT_FOUND, 0, out);
	assert_int_equal(n, 21);
	assert_int_equal(out[0], 14);
	assert_int_equal(out[20], 1);

	assert_int_equal(wserver_parse(add, sizeof(add), &r), 7);
	n = wserver_reply(&r, WSERVER_OK, 3, out);
	assert_int_equal(n, 13);
	assert_memory_equal(out, add_reply, 13);

	/* SPECPROB: 589 bytes in, the two addresses and the result out. */
	memcpy(spec + 1, A, 6);
	memcpy(spec + 7, B, 6);
	put_be32(spec + 13 + 4 * 143, 0x80000000u);
	assert_int_equal(wserver_parse(spec, 588, &r), 0);
	assert_int_equal(wserver_parse(spec, sizeof(spec), &r), 589);
	assert_true(r.spec[143] == 0x80000000u && r.spec[0] == 0);
	n = wserver_reply(&r, WSERVER_OK, 0, out);
	assert_int_equal(n, 14);
	assert_int_equal(out[0], 12);
	assert_memory_equal(out + 1, A, 6);
	assert_memory_equal(out + 7, B, 6);

	/* Shutdown has no reply; a reply type or an unknown one is no request. */
	assert_int_equal(wserver_parse((const uint8_t[]){ 0 }, 1, &r), 1);
	assert_int_equal(wserver_reply(&r, WSERVER_OK, 0, out), 0);
	for (unsigned t = 0; t < 256; t++) {
		uint8_t b[WSERVER_REQ_MAX] = { (uint8_t)t };
		bool request = t <= 23 && (t % 2 == 1 || t == 0);

		assert_int_equal(wserver_parse(b, sizeof(b), &r) > 0, request);
		assert_int_equal(wserver_req_size((uint8_t)t) > 0, request);
		if (!request)
			assert_int_equal(wserver_parse(b, sizeof(b), &r), -EPROTO);
	}
	assert_int_equal(wserver_error_reply(42, out), 2);
	assert_true(out[0] == 0xff && out[1] == 42);

	/* The fork's fixed point: 1.0 is bit 31, the fraction below it. */
	assert_true(wserver_fixed_to_double(0x80000000u) == 1.0);
	assert_true(wserver_fixed_to_double(0x40000000u) == 0.5);
	assert_true(wserver_fixed_to_double(0) == 0.0);
	assert_true(fabs(wserver_fixed_to_double(0x59999999u) - 0.7) < 1e-9);
	assert_true(wserver_double_to_fixed(1.0) == 0x80000000u);
	assert_true(wserver_double_to_fixed(0.5) == 0x40000000u);
	assert_true(wserver_double_to_fixed(-1.0) == 0);
	assert_true(wserver_double_to_fixed(NAN) == 0);
}

struct rig {
	struct hub hub;
	struct loop *loop;
	struct wm_config cfg;
	struct medium_params base;
	struct wserver *ws;
};

static void rig_up(struct rig *g, const char *text, bool spec)
{
	struct config_errors errs;

	memset(g, 0, sizeof(*g));
	g->loop = hub_env_init(&g->hub);
	medium_params_init(&g->base);
	g->base.link_model = MEDIUM_LINK_SNR;
	if (text) {
		config_errors_init(&errs);
		assert_int_equal(config_load_string(text, strlen(text), "test.cfg", &g->cfg, &errs), 0);
		config_errors_free(&errs);
		config_apply(&g->hub, &g->cfg, &g->base);
	}
	g->ws = wserver_new(&g->hub, spec);
	wserver_reset(g->ws, text ? &g->cfg : NULL);
}

static void rig_down(struct rig *g)
{
	wserver_close(g->ws);
	config_free(&g->cfg);
	hub_deinit(&g->hub);
	loop_free(g->loop);
}

/* Send one request; its reply's result byte (the last), or -1 for none. */
static int ask(struct rig *g, const uint8_t *req, size_t len, uint8_t *reply, size_t *rlen)
{
	uint8_t out[64];
	size_t n = wserver_handle(g->ws, req, len, out, sizeof(out));

	if (reply)
		memcpy(reply, out, n);
	if (rlen)
		*rlen = n;
	return n ? out[n - 1] : -1;
}

static double snr_of(struct rig *g, int a, int b)
{
	double snr, loss;

	assert_int_equal(medium_node_link(g->hub.medium, a, b, 2412, &snr, &loss), 0);
	return snr;
}

static double loss_of(struct rig *g, int a, int b)
{
	double snr, loss;

	assert_int_equal(medium_node_link(g->hub.medium, a, b, 2412, &snr, &loss), 0);
	return loss;
}

static const char interference_cfg[] =
	"ifaces : { ids = [ \"02:00:00:00:00:00\", \"02:00:00:00:01:00\" ];\n"
	"  enable_interference = true; };\n"
	"model : { type = \"path_loss\"; positions = ((0.0, 0.0, 0.0), (10.0, 0.0, 0.0));\n"
	"  tx_powers = (14, 14); model_name = \"log_distance\"; path_loss_exp = 3.0; xg = 0.0; };\n";

/* Interference mode: what mininet-wifi sends as stations move and change power. */
static void test_path_loss(void **state)
{
	struct rig g;
	struct medium_node_info ni;
	uint8_t b[64], reply[64];
	double snr10, snr;
	size_t n;
	int32_t id;

	(void)state;
	rig_up(&g, interference_cfg, false);
	snr10 = snr_of(&g, 0, 1);

	/* Moved to 100 m: log-distance, exponent 3, loses 30 dB; the reply echoes the request. */
	n = req_pos(b, B, 100.0f, 0.0f, 0.0f);
	assert_int_equal(ask(&g, b, n, reply, &n), WSERVER_OK);
	assert_int_equal(n, 21);
	assert_int_equal(reply[0], 14);
	assert_memory_equal(reply + 1, b, 19);
	snr = snr_of(&g, 0, 1);
	assert_true(fabs(snr10 - snr - 30.0) < 1e-6);
	assert_int_equal(medium_node_info(g.hub.medium, 1, &ni), 0);
	assert_true(ni.pos[0] == 100.0);

	/* TX power 20 dBm (from 14), then 6 dBi of antenna gain at the far end. */
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_TXPOWER, A, 20), NULL, NULL), WSERVER_OK);
	assert_true(fabs(snr_of(&g, 0, 1) - snr - 6.0) < 1e-6);
	assert_true(fabs(snr_of(&g, 1, 0) - snr) < 1e-6);	/* B still sends at 14 */
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_GAIN, B, 6), NULL, NULL), WSERVER_OK);
	assert_true(fabs(snr_of(&g, 0, 1) - snr - 12.0) < 1e-6);
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_HEIGHT, B, 12), NULL, NULL), WSERVER_OK);
	assert_int_equal(medium_node_info(g.hub.medium, 1, &ni), 0);
	assert_true(ni.antenna_height_m == 12.0 && ni.antenna_gain_dbi == 6.0);
	b[0] = WSERVER_GAUSSIAN;
	put_f32(b + 7, 2.5f);
	memcpy(b + 1, B, 6);
	assert_int_equal(ask(&g, b, 11, NULL, NULL), WSERVER_OK);
	assert_int_equal(medium_node_info(g.hub.medium, 1, &ni), 0);
	assert_true(ni.shadowing_db == 2.5);

	/* An address no station has: 0 and nothing changes (the fork's answer). */
	assert_int_equal(ask(&g, b, req_pos(b, C, 1.0f, 1.0f, 0.0f), NULL, NULL), WSERVER_OK);
	assert_int_equal(medium_node_count(g.hub.medium), 2);
	/* Values out of range: refused, nothing changes. */
	assert_int_equal(ask(&g, b, req_pos(b, B, NAN, 0.0f, 0.0f), NULL, NULL), WSERVER_INVALID);
	assert_int_equal(ask(&g, b, req_pos(b, B, 1e9f, 0.0f, 0.0f), NULL, NULL), WSERVER_INVALID);
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_TXPOWER, A, 1000), NULL, NULL),
			 WSERVER_INVALID);
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_HEIGHT, A, -3), NULL, NULL),
			 WSERVER_INVALID);
	assert_int_equal(medium_node_info(g.hub.medium, 1, &ni), 0);
	assert_true(ni.pos[0] == 100.0);

	/* Media: apart, then together. */
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_MEDIUM, B, 3), NULL, NULL), WSERVER_OK);
	assert_true(snr_of(&g, 0, 1) < -200.0);
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_MEDIUM, A, 3), NULL, NULL), WSERVER_OK);
	assert_true(snr_of(&g, 0, 1) > -200.0);
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_MEDIUM, C, 3), NULL, NULL),
			 WSERVER_NOT_FOUND);
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_MEDIUM, A, -1), NULL, NULL),
			 WSERVER_INVALID);
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_MEDIUM, A, 0), NULL, NULL), WSERVER_OK);
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_MEDIUM, B, 0), NULL, NULL), WSERVER_OK);

	/* SNR pins both ways; errprob and specprob do not fit this model. */
	assert_int_equal(ask(&g, b, req_pair(b, WSERVER_SNR, A, B, 25), NULL, NULL), WSERVER_OK);
	assert_true(snr_of(&g, 0, 1) == 25.0 && snr_of(&g, 1, 0) == 25.0);
	assert_int_equal(ask(&g, b, req_pair(b, WSERVER_SNR, A, C, 25), NULL, NULL),
			 WSERVER_NOT_FOUND);
	assert_int_equal(ask(&g, b, req_pair(b, WSERVER_ERRPROB, A, B, 0x40000000u), NULL, NULL),
			 WSERVER_WRONG_MODE);

	/* ADD: index 2, a node placed by MAC; again: duplicate. DEL by MAC, then by id. */
	b[0] = WSERVER_ADD;
	memcpy(b + 1, C, 6);
	assert_int_equal(ask(&g, b, 7, reply, &n), WSERVER_OK);
	assert_int_equal(n, 13);
	id = (int32_t)((uint32_t)reply[8] << 24 | (uint32_t)reply[9] << 16 | reply[10] << 8 | reply[11]);
	assert_int_equal(id, 2);
	assert_int_equal(medium_node_count(g.hub.medium), 3);
	assert_int_equal(ask(&g, b, req_pos(b, C, 5.0f, 0.0f, 0.0f), NULL, NULL), WSERVER_OK);
	assert_int_equal(medium_node_info(g.hub.medium, 2, &ni), 0);
	assert_true(ni.has_mac && !memcmp(ni.mac, C, 6) && ni.pos[0] == 5.0);
	b[0] = WSERVER_ADD;
	memcpy(b + 1, C, 6);
	assert_int_equal(ask(&g, b, 7, NULL, NULL), WSERVER_DUPLICATE);
	b[0] = WSERVER_DEL_BY_MAC;
	memcpy(b + 1, A, 6);
	assert_int_equal(ask(&g, b, 7, reply, &n), WSERVER_OK);
	assert_int_equal(n, 9);
	/* A deleted station hears nobody, and nobody hears it; C is index 1 now. */
	assert_true(snr_of(&g, 0, 2) < -200.0 && snr_of(&g, 2, 0) < -200.0);
	assert_int_equal(ask(&g, b, 7, NULL, NULL), WSERVER_NOT_FOUND);
	b[0] = WSERVER_DEL_BY_ID;
	put_be32(b + 1, 1);
	assert_int_equal(ask(&g, b, 5, NULL, NULL), WSERVER_OK);
	assert_int_equal(ask(&g, b, 5, NULL, NULL), WSERVER_NOT_FOUND);
	assert_true(snr_of(&g, 1, 2) < -200.0);
	/* Added again: back on the air, at the end of the list. */
	b[0] = WSERVER_ADD;
	memcpy(b + 1, A, 6);
	assert_int_equal(ask(&g, b, 7, reply, &n), WSERVER_OK);
	assert_int_equal(reply[11], 1);
	assert_true(snr_of(&g, 0, 1) > -200.0);

	/* A reload brings the config's stations back. */
	wserver_reset(g.ws, &g.cfg);
	b[0] = WSERVER_DEL_BY_ID;
	put_be32(b + 1, 1);
	assert_int_equal(ask(&g, b, 5, NULL, NULL), WSERVER_OK);
	rig_down(&g);
}

/* Requests split across reads, several in one read, garbage, shutdown. */
static void test_stream(void **state)
{
	struct rig g;
	uint8_t b[128], out[128];
	size_t n, m;

	(void)state;
	rig_up(&g, interference_cfg, false);
	n = req_mac_i32(b, WSERVER_TXPOWER, A, 10);
	n += req_mac_i32(b + n, WSERVER_GAIN, A, 2);
	/* Byte by byte: nothing until each request is whole. */
	m = 0;
	for (size_t i = 0; i < n; i++)
		m += wserver_handle(g.ws, b + i, 1, out + m, sizeof(out) - m);
	assert_int_equal(m, 26);
	assert_int_equal(out[0], 16);
	assert_int_equal(out[13], 18);
	/* Both at once. */
	assert_int_equal(wserver_handle(g.ws, b, n, out, sizeof(out)), 26);
	/* An unknown type: the error reply; the rest of what came with it is dropped. */
	b[0] = 42;
	m = req_mac_i32(b + 1, WSERVER_TXPOWER, A, 10) + 1;
	assert_int_equal(wserver_handle(g.ws, b, m, out, sizeof(out)), 2);
	assert_true(out[0] == 0xff && out[1] == 42);
	/* ...and the connection goes on. */
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_TXPOWER, A, 10), NULL, NULL), WSERVER_OK);
	/* A reply type sent as a request is unknown too. */
	b[0] = 2;
	assert_int_equal(wserver_handle(g.ws, b, 1, out, sizeof(out)), 2);
	/* Shutdown: no reply, and what follows it is not read. */
	b[0] = WSERVER_SHUTDOWN;
	n = 1 + req_mac_i32(b + 1, WSERVER_TXPOWER, A, 10);
	assert_int_equal(wserver_handle(g.ws, b, n, out, sizeof(out)), 0);
	rig_down(&g);
}

/* The prob model: error probabilities, positions refused. */
static void test_prob(void **state)
{
	static const char cfg[] =
		"ifaces : { ids = [ \"02:00:00:00:00:00\", \"02:00:00:00:01:00\" ]; };\n"
		"model : { type = \"prob\"; default_prob = 1.0; links = ((0, 1, 0.0)); };\n";
	struct rig g;
	uint8_t b[64];

	(void)state;
	rig_up(&g, cfg, false);
	assert_true(loss_of(&g, 0, 1) == 0.0);
	assert_int_equal(ask(&g, b, req_pair(b, WSERVER_ERRPROB, A, B, 0x40000000u), NULL, NULL),
			 WSERVER_OK);
	assert_true(loss_of(&g, 0, 1) == 0.5 && loss_of(&g, 1, 0) == 0.5);
	/* Past 1 (what mininet-wifi's encoder makes of fractions): always lost. */
	assert_int_equal(ask(&g, b, req_pair(b, WSERVER_ERRPROB, A, B, 0xc0000000u), NULL, NULL),
			 WSERVER_OK);
	assert_true(loss_of(&g, 0, 1) == 1.0);
	assert_int_equal(ask(&g, b, req_pair(b, WSERVER_ERRPROB, A, C, 0), NULL, NULL),
			 WSERVER_NOT_FOUND);
	assert_int_equal(ask(&g, b, req_pos(b, A, 1.0f, 0.0f, 0.0f), NULL, NULL), WSERVER_WRONG_MODE);
	assert_int_equal(ask(&g, b, req_mac_i32(b, WSERVER_TXPOWER, A, 10), NULL, NULL),
			 WSERVER_WRONG_MODE);
	assert_int_equal(ask(&g, b, req_pair(b, WSERVER_SNR, A, B, 30), NULL, NULL),
			 WSERVER_WRONG_MODE);
	/* A station added here loses everything until told otherwise. */
	b[0] = WSERVER_ADD;
	memcpy(b + 1, C, 6);
	assert_int_equal(ask(&g, b, 7, NULL, NULL), WSERVER_OK);
	assert_true(loss_of(&g, 0, 2) == 1.0 && loss_of(&g, 2, 1) == 1.0);
	rig_down(&g);
}

/* -d: no config; stations come by ADD, links by SPECPROB. */
static void test_spec(void **state)
{
	struct rig g;
	struct phy_rate r6 = { .band = PHY_BAND_2GHZ, .mode = PHY_MODE_OFDM, .mcs = 4, .nss = 1, .bw = 20 };
	uint8_t b[WSERVER_REQ_MAX], reply[64];
	double loss;
	size_t n;

	(void)state;
	rig_up(&g, NULL, true);
	for (int i = 0; i < 2; i++) {
		b[0] = WSERVER_ADD;
		memcpy(b + 1, i ? B : A, 6);
		assert_int_equal(ask(&g, b, 7, reply, NULL), WSERVER_OK);
		assert_int_equal(reply[11], i);
	}
	/* New links lose every unicast frame. */
	assert_int_equal(medium_link_matrix_loss(g.hub.medium, 0, 1, 1500, &r6, &loss), 0);
	assert_true(loss == 1.0);
	memset(b, 0, sizeof(b));
	b[0] = WSERVER_SPECPROB;
	memcpy(b + 1, A, 6);
	memcpy(b + 7, B, 6);
	put_be32(b + 13 + 4 * (10 * 12 + 4), 0x20000000u);	/* 1024..2047 B at 6 Mbit/s: 0.25 */
	assert_int_equal(ask(&g, b, WSERVER_REQ_MAX, reply, &n), WSERVER_OK);
	assert_int_equal(n, 14);
	assert_int_equal(medium_link_matrix_loss(g.hub.medium, 0, 1, 1500, &r6, &loss), 0);
	assert_true(loss == 0.25);
	assert_int_equal(medium_link_matrix_loss(g.hub.medium, 0, 1, 100, &r6, &loss), 0);
	assert_true(loss == 0.0);
	assert_int_equal(medium_link_matrix_loss(g.hub.medium, 1, 0, 1500, &r6, &loss), 0);
	assert_true(loss == 1.0);	/* one way only */
	memcpy(b + 7, C, 6);
	assert_int_equal(ask(&g, b, WSERVER_REQ_MAX, NULL, NULL), WSERVER_NOT_FOUND);
	/* Positions and SNRs have no place here. */
	assert_int_equal(ask(&g, b, req_pos(b, A, 1.0f, 0.0f, 0.0f), NULL, NULL), WSERVER_WRONG_MODE);
	assert_int_equal(ask(&g, b, req_pair(b, WSERVER_SNR, A, B, 30), NULL, NULL),
			 WSERVER_WRONG_MODE);
	rig_down(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec),
		cmocka_unit_test(test_path_loss),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_prob),
		cmocka_unit_test(test_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
