/* SPDX-License-Identifier: MIT */
/*
 * The medium's side of the airport stream with synthetic agents on real
 * sockets: sessions, frames across agents, names, secrets over TCP,
 * garbage, resync on a virtio-serial-like stream, restarts, slow readers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/log.h"
#include "util/loop.h"
#include "hub/hub.h"
#include "proto/hwsim.h"
#include "proto/stream.h"
#include "proto/stream_tls.h"
#include "transport/airport.h"

#include "hub_env.h"

struct fixture {
	struct loop *loop;
	struct hub hub;
	struct airport_server *srv;
};

struct agent {
	int fd;
	uint8_t in[STREAM_MSG_MAX];
	size_t have;
};

static const uint8_t id_a[6] = { 0x02, 0xaa, 0, 0, 0, 0 };
static const uint8_t id_b[6] = { 0x02, 0xbb, 0, 0, 0, 0 };

static int setup_with(void **state, const struct airport_options *o)
{
	struct fixture *f = calloc(1, sizeof(*f));

	log_set_level(LOG_LEVEL_ERROR);
	f->loop = hub_env_init(&f->hub);
	f->srv = airport_server_new(&f->hub, o);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	struct airport_options o = { .queue_limit = 0 };

	return setup_with(state, &o);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	airport_server_free(f->srv);
	hub_deinit(&f->hub);
	loop_run_once(f->loop, 0);
	loop_free(f->loop);
	free(f);
	return 0;
}

/* Let the daemon run a few rounds (and simulated time pass). */
static void spin(struct fixture *f, int ms)
{
	for (int i = 0; i < ms; i++) {
		loop_run_once(f->loop, 1);
		hub_sync(&f->hub);
	}
}

static void agent_pair(struct fixture *f, struct agent *a, int resync)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	memset(a, 0, sizeof(*a));
	a->fd = sv[0];
	assert_int_equal(airport_server_adopt(f->srv, sv[1], "test", resync), 0);
}

static void agent_send(struct agent *a, const void *buf, ssize_t len)
{
	assert_true(len > 0);
	assert_int_equal(send(a->fd, buf, (size_t)len, MSG_NOSIGNAL), len);
}

static void hello(struct agent *a, const char *name, const uint8_t *auth)
{
	uint8_t buf[256];

	agent_send(a, buf, stream_encode_hello(buf, sizeof(buf), 1, 1, 0, 1, name, auth));
}

/*
 * The next message from the medium, spinning the daemon meanwhile: 1 with
 * *m, 0 on EOF, -1 if nothing came within ~1 s.
 */
static int agent_recv(struct fixture *f, struct agent *a, struct stream_msg *m)
{
	for (int i = 0; i < 1000; i++) {
		size_t used = 0;
		const char *why;
		int ret = stream_parse(a->in, a->have, m, &used, &why);
		struct pollfd pfd = { a->fd, POLLIN, 0 };

		if (ret > 0) {
			/* The caller looks at m before the next call: keep the bytes until then. */
			static uint8_t keep[STREAM_MSG_MAX];

			memcpy(keep, a->in, used);
			memmove(a->in, a->in + used, a->have - used);
			a->have -= used;
			return stream_parse(keep, used, m, &used, &why) > 0 ? 1 : -1;
		}
		assert_true(ret == 0);
		spin(f, 1);
		if (poll(&pfd, 1, 0) == 1) {
			ssize_t n = recv(a->fd, a->in + a->have, sizeof(a->in) - a->have, 0);

			if (n <= 0)
				return 0;
			a->have += (size_t)n;
		}
	}
	return -1;
}

/* The next message of one type, skipping PINGs and what else comes first. */
static int agent_expect(struct fixture *f, struct agent *a, uint16_t type, struct stream_msg *m)
{
	for (int k = 0; k < 32; k++) {
		int ret = agent_recv(f, a, m);

		if (ret <= 0)
			return ret;
		if (m->type == type)
			return 1;
	}
	return -1;
}

static void welcome(struct fixture *f, struct agent *a, const char *name, const char *want)
{
	struct stream_msg m;

	hello(a, name, NULL);
	assert_int_equal(agent_expect(f, a, STREAM_WELCOME, &m), 1);
	assert_string_equal(m.welcome.name, want);
	assert_int_equal(m.welcome.version, 1);
}

static void send_hwsim(struct agent *a, const void *msg, ssize_t len)
{
	uint8_t buf[STREAM_MSG_MAX];

	assert_true(len > 0);
	agent_send(a, buf, stream_encode_hwsim(buf, sizeof(buf), msg, (size_t)len));
}

static void announce(struct agent *a, const uint8_t id[6])
{
	uint8_t buf[128] __attribute__((aligned(4)));

	send_hwsim(a, buf, hwsim_encode_mac_addr(buf, sizeof(buf), 0, 1, true, id, id));
}

static void transmit(struct agent *a, const uint8_t id[6], const uint8_t dst[6], uint64_t cookie)
{
	uint8_t frame[64] = { 0x08, 0x00 };
	uint8_t buf[512] __attribute__((aligned(4)));
	struct hwsim_rate rates[HWSIM_TX_MAX_RATES] = {
		{ 0, 2, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};

	memcpy(frame + 4, dst, 6);
	memcpy(frame + 10, id, 6);
	memcpy(frame + 16, id, 6);
	send_hwsim(a, buf, hwsim_encode_frame_tx(buf, sizeof(buf), 0, 1, id, frame, sizeof(frame),
						 HWSIM_TX_CTL_REQ_TX_STATUS, rates, cookie, 2412));
}

static void test_frames_cross_agents(void **state)
{
	struct fixture *f = *state;
	struct agent a, b;
	struct stream_msg m;
	struct hwsim_msg h;
	const char *why;

	agent_pair(f, &a, 0);
	agent_pair(f, &b, 0);
	welcome(f, &a, "guest-a", "guest-a");
	welcome(f, &b, "guest-b", "guest-b");
	announce(&a, id_a);
	announce(&b, id_b);
	transmit(&a, id_a, id_b, 42);

	/* B gets the frame, as its guest's kernel will take it. */
	assert_int_equal(agent_expect(f, &b, STREAM_HWSIM, &m), 1);
	assert_int_equal(hwsim_guest_validate_rx(m.hwsim.msg, m.hwsim.len, &why), 0);
	assert_int_equal(hwsim_decode(m.hwsim.msg, m.hwsim.len, &h, &why), 0);
	assert_int_equal(h.cmd, HWSIM_CMD_FRAME);
	assert_memory_equal(h.receiver, id_b, 6);
	/* A gets its status. */
	assert_int_equal(agent_expect(f, &a, STREAM_HWSIM, &m), 1);
	assert_int_equal(hwsim_decode(m.hwsim.msg, m.hwsim.len, &h, &why), 0);
	assert_int_equal(h.cmd, HWSIM_CMD_TX_INFO_FRAME);
	assert_int_equal(h.cookie, 42);
	assert_true(h.flags & HWSIM_TX_STAT_ACK);
	close(a.fd);
	close(b.fd);
}

/* HELLO with an odd-length name and the first HWSIM in one write: still taken. */
static void test_unaligned_after_hello(void **state)
{
	struct fixture *f = *state;
	struct agent a, b;
	struct stream_msg m;
	struct hwsim_msg h;
	const char *why;
	uint8_t buf[512] __attribute__((aligned(4)));
	uint8_t mac[128] __attribute__((aligned(4)));
	ssize_t n = stream_encode_hello(buf, sizeof(buf), 1, 1, 0, 1, "agent-1", NULL);
	ssize_t k = hwsim_encode_mac_addr(mac, sizeof(mac), 0, 1, true, id_b, id_b);

	assert_true(n % 4 != 0);
	n += stream_encode_hwsim(buf + n, sizeof(buf) - (size_t)n, mac, (size_t)k);
	agent_pair(f, &a, 0);
	agent_pair(f, &b, 0);
	welcome(f, &a, "sender", "sender");
	agent_send(&b, buf, n);
	assert_int_equal(agent_expect(f, &b, STREAM_WELCOME, &m), 1);
	/* b's radio is known only through that ADD_MAC_ADDR: a frame to it is acked. */
	transmit(&a, id_a, id_b, 5);
	assert_int_equal(agent_expect(f, &a, STREAM_HWSIM, &m), 1);
	assert_int_equal(hwsim_decode(m.hwsim.msg, m.hwsim.len, &h, &why), 0);
	assert_int_equal(h.cookie, 5);
	assert_true(h.flags & HWSIM_TX_STAT_ACK);
	close(a.fd);
	close(b.fd);
}

static void test_names_are_unique(void **state)
{
	struct fixture *f = *state;
	struct agent a, b;

	agent_pair(f, &a, 0);
	agent_pair(f, &b, 0);
	welcome(f, &a, "vm", "vm");
	welcome(f, &b, "vm", "vm-2");
	close(a.fd);
	close(b.fd);
}

static void test_garbage_closes_only_its_peer(void **state)
{
	struct fixture *f = *state;
	struct agent a, b, c;
	struct stream_msg m;
	struct airport_counters cnt;
	uint8_t junk[64];

	agent_pair(f, &a, 0);
	agent_pair(f, &b, 0);
	welcome(f, &a, "honest-a", "honest-a");
	welcome(f, &b, "honest-b", "honest-b");
	announce(&a, id_a);
	announce(&b, id_b);

	/* Garbage instead of HELLO: BYE PROTOCOL, then EOF. */
	agent_pair(f, &c, 0);
	memset(junk, 0x5a, sizeof(junk));
	agent_send(&c, junk, sizeof(junk));
	assert_int_equal(agent_expect(f, &c, STREAM_BYE, &m), 1);
	assert_int_equal(m.bye.reason, STREAM_REASON_PROTOCOL);
	assert_int_equal(agent_recv(f, &c, &m), 0);
	/* A message only the medium sends, after a good HELLO: the same. */
	agent_pair(f, &c, 0);
	welcome(f, &c, "liar", "liar");
	{
		uint8_t buf[64];

		agent_send(&c, buf, stream_encode_welcome(buf, sizeof(buf), 1, 0, 0, "x"));
	}
	assert_int_equal(agent_expect(f, &c, STREAM_BYE, &m), 1);
	assert_int_equal(agent_recv(f, &c, &m), 0);
	close(c.fd);
	airport_server_get_counters(f->srv, &cnt);
	assert_int_equal(cnt.broken, 2);

	/* The honest pair still talks. */
	transmit(&a, id_a, id_b, 7);
	assert_int_equal(agent_expect(f, &b, STREAM_HWSIM, &m), 1);
	assert_int_equal(agent_expect(f, &a, STREAM_HWSIM, &m), 1);
	close(a.fd);
	close(b.fd);
}

static void test_restart_on_second_hello(void **state)
{
	struct fixture *f = *state;
	struct agent a, b;
	struct stream_msg m;
	struct hwsim_msg h;
	const char *why;

	agent_pair(f, &a, 0);
	agent_pair(f, &b, 0);
	welcome(f, &a, "restarts", "restarts");
	welcome(f, &b, "other", "other");
	announce(&a, id_a);
	/* The agent restarts: the same name comes back, the old radio is gone. */
	welcome(f, &a, "restarts", "restarts");
	transmit(&b, id_b, id_a, 9);
	assert_int_equal(agent_expect(f, &b, STREAM_HWSIM, &m), 1);
	assert_int_equal(hwsim_decode(m.hwsim.msg, m.hwsim.len, &h, &why), 0);
	assert_int_equal(h.cookie, 9);
	assert_false(h.flags & HWSIM_TX_STAT_ACK);
	close(a.fd);
	close(b.fd);
}

static void test_virtio_serial_resyncs(void **state)
{
	struct fixture *f = *state;
	struct agent a;
	struct stream_msg m;
	uint8_t junk[37];

	/* A port: the last agent left half a message; the new one says HELLO. */
	agent_pair(f, &a, 1);
	memset(junk, 0x31, sizeof(junk));
	agent_send(&a, junk, sizeof(junk));
	welcome(f, &a, "vport", "vport");
	/* A protocol error ends the session but not the port. */
	{
		uint8_t buf[64];

		agent_send(&a, buf, stream_encode_challenge(buf, sizeof(buf), junk));
	}
	assert_int_equal(agent_expect(f, &a, STREAM_BYE, &m), 1);
	welcome(f, &a, "vport", "vport");
	close(a.fd);
}

static void test_slow_reader_drops_only_its_own(void **state)
{
	struct airport_options o = { .queue_limit = 16384 };
	struct fixture *f;
	struct agent a, slow;
	struct airport_counters c;
	struct stream_msg m;

	setup_with(state, &o);
	f = *state;

	agent_pair(f, &a, 0);
	agent_pair(f, &slow, 0);
	welcome(f, &a, "fast", "fast");
	welcome(f, &slow, "slow", "slow");
	announce(&a, id_a);
	announce(&slow, id_b);
	/* "slow" never reads; a's broadcasts pile up for it until the limit. */
	setsockopt(slow.fd, SOL_SOCKET, SO_RCVBUF, &(int){ 4096 }, sizeof(int));
	for (uint64_t k = 0; k < 3000; k++) {
		transmit(&a, id_a, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, k);
		if (k % 50 == 0) {
			spin(f, 20);
			/* a reads its statuses as they come */
			while (agent_recv(f, &a, &m) == 1 && a.have)
				;
		}
	}
	spin(f, 200);
	airport_server_get_counters(f->srv, &c);
	assert_true(c.dropped > 0);
	/* ... and a still gets statuses. */
	transmit(&a, id_a, id_b, 99999);
	for (int i = 0; i < 4000; i++) {
		struct hwsim_msg h;
		const char *why;

		if (agent_recv(f, &a, &m) != 1)
			break;
		if (m.type == STREAM_HWSIM && hwsim_decode(m.hwsim.msg, m.hwsim.len, &h, &why) == 0 &&
		    h.cookie == 99999)
			break;
		assert_true(i < 3999);
	}
	close(a.fd);
	close(slow.fd);
	teardown(state);
}

/* TCP on loopback with a secret: CHALLENGE, the right proof, a wrong one. */
/*
 * An agent's TLS session to the medium, with the key of `secret': the
 * handshake runs step by step while the daemon spins. 1 established, 0 the
 * handshake failed (this end or the medium's refused it).
 */
static int tls_connect(struct fixture *f, struct agent *a, SSL_CTX *ctx, SSL **out)
{
	SSL *ssl = SSL_new(ctx);
	const char *why;
	bool ww;
	int r = 0;

	assert_non_null(ssl);
	assert_int_equal(SSL_set_fd(ssl, a->fd), 1);
	SSL_set_connect_state(ssl);
	for (int i = 0; i < 2000; i++) {
		r = stream_tls_handshake(ssl, &ww, &why);
		if (r != 0)
			break;
		spin(f, 1);
	}
	*out = ssl;
	return r > 0;
}

/* One message from the medium over TLS, spinning the daemon: as agent_recv(). */
static int tls_recv(struct fixture *f, struct agent *a, SSL *ssl, struct stream_msg *m)
{
	static uint8_t keep[STREAM_MSG_MAX];

	for (int i = 0; i < 2000; i++) {
		size_t used = 0;
		const char *why;
		int ret = stream_parse(a->in, a->have, m, &used, &why);
		ssize_t n;

		if (ret > 0) {
			memcpy(keep, a->in, used);
			memmove(a->in, a->in + used, a->have - used);
			a->have -= used;
			return stream_parse(keep, used, m, &used, &why) > 0 ? 1 : -1;
		}
		spin(f, 1);
		n = stream_tls_read(ssl, a->in + a->have, sizeof(a->in) - a->have);
		if (n == 0 || (n < 0 && n != -EAGAIN))
			return 0;
		if (n > 0)
			a->have += (size_t)n;
	}
	return -1;
}

/*
 * TCP with a secret is TLS 1.3 with a key from the secret: an agent with
 * the wrong secret, or none (plain bytes), gets no session; one with the
 * right one is welcomed, and its traffic is private. The medium's HMAC
 * handshake of version 1 is gone: HELLO carries no authenticator.
 */
static void test_secret_over_tcp(void **state)
{
	static const char secret[] = "correct horse battery staple";
	struct airport_options o = { .secret = (const uint8_t *)secret, .secret_len = sizeof(secret) - 1 };
	struct fixture *f;
	struct agent a;
	struct stream_msg m;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	struct airport_counters c;
	SSL_CTX *good, *bad;
	const char *why;
	char spec[64];
	uint8_t buf[256];
	SSL *ssl;
	int port = 0;

	setup_with(state, &o);
	f = *state;
	good = stream_tls_ctx(false, (const uint8_t *)secret, sizeof(secret) - 1, &why);
	bad = stream_tls_ctx(false, (const uint8_t *)"wrong secret!", 13, &why);
	assert_non_null(good);
	assert_non_null(bad);
	for (int p = 41000 + getpid() % 2000; p < 45000 && !port; p += 37) {
		snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%d", p);
		if (airport_server_listen(f->srv, spec) == 0)
			port = p;
	}
	assert_true(port > 0);
	sa.sin_port = htons((uint16_t)port);

	/* The wrong secret: no session, and the medium counts a refusal. */
	memset(&a, 0, sizeof(a));
	a.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(a.fd, (struct sockaddr *)&sa, sizeof(sa));
	assert_int_equal(tls_connect(f, &a, bad, &ssl), 0);
	SSL_free(ssl);
	close(a.fd);
	spin(f, 20);
	airport_server_get_counters(f->srv, &c);
	assert_int_equal(c.refused, 1);

	/* No TLS at all: a plain HELLO is not a client hello; the medium hangs up. */
	memset(&a, 0, sizeof(a));
	a.fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(a.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	hello(&a, "remote", NULL);
	assert_int_equal(agent_recv(f, &a, &m), 0);
	close(a.fd);

	/* The right secret: a session, HELLO, WELCOME, all of it encrypted. */
	memset(&a, 0, sizeof(a));
	a.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(a.fd, (struct sockaddr *)&sa, sizeof(sa));
	assert_int_equal(tls_connect(f, &a, good, &ssl), 1);
	assert_int_equal(SSL_version(ssl), TLS1_3_VERSION);
	{
		ssize_t n = stream_encode_hello(buf, sizeof(buf), 1, 1, 0, 1, "remote", NULL);

		assert_true(n > 0);
		assert_int_equal(stream_tls_write(ssl, buf, (size_t)n), n);
	}
	for (int k = 0; k < 8; k++) {
		assert_int_equal(tls_recv(f, &a, ssl, &m), 1);
		if (m.type == STREAM_WELCOME)
			break;
	}
	assert_int_equal(m.type, STREAM_WELCOME);
	assert_string_equal(m.welcome.name, "remote");
	SSL_free(ssl);
	close(a.fd);
	stream_tls_ctx_free(good);
	stream_tls_ctx_free(bad);
	teardown(state);
}

/*
 * The attack that aborted the daemon: an agent announcing a new radio with
 * every ADD_MAC_ADDR (33,000 of them) grew the radio table, and the link
 * table with it at capacity squared, until an allocation of 64 GiB failed.
 * Now its radios stop at the per-client limit, the rest are refused and
 * counted, and another agent's frames still cross.
 */
static void test_radio_flood(void **state)
{
	struct fixture *f = *state;
	struct agent a, b, c;
	struct medium_counters mc;
	struct stream_msg m;
	uint32_t radios = 0;

	agent_pair(f, &a, 0);
	welcome(f, &a, "flood", "flood");
	for (uint32_t i = 0; i < 33000; i++) {
		uint8_t id[6] = { 0x02, 0xcc, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

		announce(&a, id);
		if (i % 64 == 63)
			spin(f, 1);
	}
	spin(f, 20);
	for (uint32_t s = 0; s < medium_radio_slots(f->hub.medium); s++) {
		struct medium_radio_info ri;

		radios += medium_radio_info(f->hub.medium, s, &ri) == 0;
	}
	assert_int_equal(radios, 1024);
	medium_get_counters(f->hub.medium, &mc);
	assert_int_equal(mc.limited, 33000 - 1024);

	/* Everyone else is served as before. */
	agent_pair(f, &b, 0);
	agent_pair(f, &c, 0);
	welcome(f, &b, "b", "b");
	welcome(f, &c, "c", "c");
	announce(&b, id_a);
	announce(&c, id_b);
	transmit(&b, id_a, id_b, 5);
	assert_int_equal(agent_expect(f, &c, STREAM_HWSIM, &m), 1);
	assert_int_equal(agent_expect(f, &b, STREAM_HWSIM, &m), 1);
	close(a.fd);
	close(b.fd);
	close(c.fd);
}

static void test_listen_specs(void **state)
{
	struct fixture *f = *state;

	(void)f;
	assert_int_equal(airport_server_listen(f->srv, "tcp:127.0.0.1"), -EINVAL);
	assert_int_equal(airport_server_listen(f->srv, "tcp:127.0.0.1:0"), -EINVAL);
	assert_int_equal(airport_server_listen(f->srv, "tcp:localhost:7000"), -EINVAL);
	assert_int_equal(airport_server_listen(f->srv, "serial:/dev/x"), -EINVAL);
	assert_int_equal(airport_server_listen(f->srv, "vsock:"), -EINVAL);
	/* Beyond loopback without a secret: refused before anything is bound. */
	assert_int_equal(airport_server_listen(f->srv, "tcp:0.0.0.0:7000"), -EPERM);
	assert_int_equal(airport_server_listen(f->srv, "tcp:[::]:7000"), -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frames_cross_agents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_after_hello, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_are_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_closes_only_its_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_on_second_hello, setup, teardown),
		cmocka_unit_test_setup_teardown(test_virtio_serial_resyncs, setup, teardown),
		cmocka_unit_test(test_slow_reader_drops_only_its_own),
		cmocka_unit_test(test_secret_over_tcp),
		cmocka_unit_test_setup_teardown(test_listen_specs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_radio_flood, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
