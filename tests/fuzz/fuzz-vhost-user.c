/* SPDX-License-Identifier: MIT */
/*
 * The vhost-user back-end end to end, from the socket: a loop and a hub as
 * the daemon has them, one VM adopted on a socketpair, the input written to
 * the VM's end in chunks (so messages arrive split at every offset), the
 * loop run without blocking after each chunk. Input byte 0 is the chunk
 * size (0: everything at once); the rest is the byte stream.
 *
 * The loop and the hub are made once: the medium's set-up costs ~10 ms,
 * and without guest memory (no fds) an input can never reach the medium,
 * so nothing of one input is left for the next. The server and the
 * connection are new for each.
 *
 * No fds travel with fuzz input: requests that need them must be refused or
 * end the connection, never reach a handler that uses a missing fd.
 * Invariants (abort on failure): every reply is a well-formed version-1
 * reply with a u64-sized payload; while the back-end keeps the connection,
 * every whole GET in the input got exactly one reply (a front-end waits for
 * it); once the VM hangs up, the connection is torn down and every fd the
 * input made us open is closed; LSan checks the memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/log.h"
#include "util/loop.h"
#include "hub/hub.h"
#include "transport/vhost_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define VU_HDR 12
#define VU_MAX_PAYLOAD 4096
#define REPLY_FLAGS 0x5		/* version 1 | reply */
#define ROUNDS_MAX 10000

static void check(bool ok)
{
	if (!ok)
		abort();
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	check(d != NULL);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* What the back-end answered so far, checked header by header. */
struct replies {
	uint8_t buf[4096];
	size_t have;
	bool eof;
	unsigned int by_req[32];
};

static bool is_get(uint32_t req)
{
	return req == 1 || req == 11 || req == 15 || req == 17;
}

/* The GETs among the whole messages of the stream, split as the back-end splits it. */
static void count_gets(const uint8_t *p, size_t n, unsigned int by_req[32])
{
	while (n >= VU_HDR) {
		uint32_t hdr[3];

		memcpy(hdr, p, VU_HDR);
		if (hdr[2] > VU_MAX_PAYLOAD || n - VU_HDR < hdr[2])
			return;
		if (is_get(hdr[0]))
			by_req[hdr[0]]++;
		p += VU_HDR + hdr[2];
		n -= VU_HDR + hdr[2];
	}
}

static void drain(int fd, struct replies *r)
{
	for (;;) {
		ssize_t n = recv(fd, r->buf + r->have, sizeof(r->buf) - r->have, MSG_DONTWAIT);

		/* Closed with some of our input unread, the back-end resets the connection. */
		if (n == 0 || (n < 0 && errno != EAGAIN))
			r->eof = true;
		if (n <= 0)
			return;
		r->have += (size_t)n;
		while (r->have >= VU_HDR) {
			uint32_t hdr[3];

			memcpy(hdr, r->buf, VU_HDR);
			check(hdr[1] == REPLY_FLAGS && hdr[2] == 8);
			if (r->have < VU_HDR + hdr[2])
				break;
			if (hdr[0] < 32)
				r->by_req[hdr[0]]++;
			r->have -= VU_HDR + hdr[2];
			memmove(r->buf, r->buf + VU_HDR + hdr[2], r->have);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct loop *loop;
	static struct hub hub;
	struct replies r = { .have = 0 };
	struct vu_counters c;
	struct vu_server *srv;
	size_t chunk, off = 0;
	int sv[2], fds_before, rounds = 0;

	if (!loop) {
		struct medium_params p;

		log_set_level(LOG_LEVEL_ERROR);
		medium_params_init(&p);
		loop = loop_new();
		check(loop != NULL);
		hub_init(&hub, loop, &p);
	}
	if (!size)
		return 0;
	chunk = data[0];
	data++;
	size--;

	fds_before = count_fds();
	check(vu_server_open(&hub, NULL, &srv) == 0);
	check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	check(vu_server_adopt(srv, sv[0], "fuzz") == 0);

	while (off < size && !r.eof && rounds++ < ROUNDS_MAX) {
		size_t n = chunk && chunk < size - off ? chunk : size - off;
		ssize_t w = send(sv[1], data + off, n, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0 && errno != EAGAIN)
			break;	/* the back-end hung up: fine, it may */
		if (w > 0)
			off += (size_t)w;
		hub_sync(&hub);
		loop_run_once(loop, 0);
		drain(sv[1], &r);
	}

	for (int i = 0; i < ROUNDS_MAX && loop_run_once(loop, 0) > 0; i++)
		;
	drain(sv[1], &r);
	if (off == size && !r.eof) {
		unsigned int gets[32] = { 0 };

		count_gets(data, size, gets);
		for (unsigned int q = 0; q < 32; q++)
			check(!is_get(q) || gets[q] == r.by_req[q]);
	}

	/* The VM goes away: its connection must go with everything it held. */
	close(sv[1]);
	for (int i = 0; i < ROUNDS_MAX && loop_run_once(loop, 0) > 0; i++)
		;
	vu_server_get_counters(srv, &c);
	check(c.connections == 1 && c.broken <= 1);
	check(count_fds() == fds_before);
	vu_server_close(srv);
	return 0;
}
