/* SPDX-License-Identifier: MIT */
/*
 * Arbitrary bytes as control requests, one per line, against a daemon with
 * radios and nodes: every request must get exactly one reply, a JSON
 * object with "ok" and "id", and nothing may crash or leak. Live captures
 * (whose output is pcapng, not JSON) end the input. Files are off.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ctl_int.h"
#include "hub/hub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 64

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void add_radio(struct hub *hub, uint32_t client, uint8_t last)
{
	uint8_t id[6] = { 0x42, 0, 0, 0, last, 0 }, a[6] = { 0x02, 0, 0, 0, last, 0 };

	medium_radio_add(hub->medium, client, id);
	medium_addr_add(hub->medium, client, id, a);
}

/* One reply line per request, each an object with a boolean ok and an id. */
static void check_reply(const char *out, size_t len)
{
	const char *nl = memchr(out, '\n', len);
	json_error_t err;
	json_t *v;

	check(nl && (size_t)(nl - out) == len - 1);
	v = json_loadb(out, len - 1, 0, &err);
	check(v && json_is_object(v) && json_is_boolean(json_object_get(v, "ok")) &&
	      json_object_get(v, "id"));
	if (json_is_false(json_object_get(v, "ok")))
		check(json_is_string(json_object_get(v, "error")) &&
		      json_is_string(json_object_get(v, "message")));
	json_decref(v);
}

/* The daemon is made once (the medium's error tables take a while); nodes are reset per input. */
static struct hub hub;

static void setup(void)
{
	static bool done;
	struct medium_params p;

	if (done)
		return;
	done = true;
	medium_params_init(&p);
	p.link_model = MEDIUM_LINK_PATH_LOSS;
	hub_init(&hub, loop_new(), &p);
	add_radio(&hub, 0, 0);
	add_radio(&hub, 1, 1);
	add_radio(&hub, 1, 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_ops ops = { .config = NULL };	/* no recorder: no files */
	struct medium_node_conf nc = { .name = "ap", .tx_power_dbm = 20 };
	struct ctl *ctl;
	struct ctl_conn *conn;
	unsigned lines = 0;

	setup();
	medium_nodes_clear(hub.medium);
	medium_node_add(hub.medium, &nc);
	nc.name = "sta";
	nc.pos[0] = 10;
	medium_node_add(hub.medium, &nc);
	ctl = ctl_new(&hub, &ops);
	conn = ctl_conn_new_memory(ctl);

	while (size && lines++ < MAX_LINES && !ctl_conn_dead(conn) && !conn->cap) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) : size;
		bool capture;
		size_t len;
		char *out;

		ctl_request(conn, (const char *)data, n);
		capture = conn->cap != NULL;
		out = ctl_conn_output(conn, &len);
		/* A capture's reply line is followed by the pcapng section header. */
		if (capture) {
			const char *end = memchr(out, '\n', len);

			check(end && len > (size_t)(end - out) + 4 &&
			      !memcmp(end + 1, "\n\r\r\n", 4));
			len = (size_t)(end - out) + 1;
		}
		check_reply(out, len);
		free(out);
		data += n + (nl ? 1 : 0);
		size -= n + (nl ? 1 : 0);
	}
	ctl_conn_free_memory(conn);
	ctl_close(ctl);
	return 0;
}
