/* SPDX-License-Identifier: MIT */
/*
 * Arbitrary bytes as a wserver client's stream, against a medium with two
 * configured stations; the first byte picks the model (path loss, prob, or
 * the spec-prob mode) and how the rest is cut into reads. The replies must
 * be whole replies of the protocol, back to back, and nothing may crash or
 * leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"
#include "daemon/config_apply.h"
#include "daemon/wserver.h"
#include "hub/hub.h"
#include "proto/wserver.h"
#include "util/loop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static const char *const cfgs[2] = {
	"ifaces : { ids = [ \"02:00:00:00:00:00\", \"02:00:00:00:01:00\" ]; };\n"
	"model : { type = \"path_loss\"; positions = ((0.0, 0.0, 0.0), (10.0, 0.0, 0.0));\n"
	"  tx_powers = (14, 14); model_name = \"log_normal_shadowing\"; path_loss_exp = 3.0;\n"
	"  sL = 1; };\n",
	"ifaces : { ids = [ \"02:00:00:00:00:00\", \"02:00:00:00:01:00\" ]; };\n"
	"model : { type = \"prob\"; default_prob = 0.5; links = ((0, 1, 0.1)); };\n",
};

/* The size of a reply of this type, or 0 for none. */
static size_t reply_size(uint8_t t)
{
	if (t == WSERVER_ERROR)
		return 2;
	if (t == WSERVER_SPECPROB + 1)
		return 14;
	if (t == WSERVER_ADD + 1)
		return 13;
	if (t % 2 == 0 && t >= 2 && t <= 24)
		return wserver_req_size((uint8_t)(t - 1)) + 2;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hub hub;
	static struct loop *loop;
	static struct wm_config cfg[2];
	static struct medium_params base;
	static uint8_t out[1 << 16];
	struct wserver *ws;
	unsigned mode, chunk;

	if (!loop) {
		struct config_errors errs;

		loop = loop_new();
		medium_params_init(&base);
		base.link_model = MEDIUM_LINK_SNR;
		hub_init(&hub, loop, &base);
		for (int i = 0; i < 2; i++) {
			config_errors_init(&errs);
			check(config_load_string(cfgs[i], strlen(cfgs[i]), "fuzz.cfg", &cfg[i], &errs) == 0);
			config_errors_free(&errs);
		}
	}
	if (!size)
		return 0;
	mode = data[0] % 3;
	chunk = 1u + (data[0] >> 2) * 16u;
	data++;
	size--;
	if (mode < 2)
		config_apply(&hub, &cfg[mode], &base);
	else
		medium_nodes_clear(hub.medium);
	ws = wserver_new(&hub, mode == 2);
	wserver_reset(ws, mode < 2 ? &cfg[mode] : NULL);
	for (size_t off = 0; off < size;) {
		size_t n = size - off < chunk ? size - off : chunk, len, at = 0;

		len = wserver_handle(ws, data + off, n, out, sizeof(out));
		while (at < len) {
			size_t r = reply_size(out[at]);

			check(r && at + r <= len);
			at += r;
		}
		off += n;
	}
	wserver_close(ws);
	return 0;
}
