/* SPDX-License-Identifier: MIT */
/*
 * The control server over a real socket, on a real hub with synthetic
 * hwsim clients: the socket's life (mode, a live or stale predecessor),
 * requests and replies, half-close, events, and what happens to clients
 * that stop reading — they lose capture records and events, or are cut
 * off; the medium never waits for them.
 *
 * Simulated time is the hub's clock (CLOCK_MONOTONIC - hub.t0); moving t0
 * back lets thousands of frames' worth of air pass without the test
 * sleeping through it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/ctl_int.h"
#include "util/log.h"
#include "util/loop.h"
#include "hub/hub.h"
#include "proto/hwsim.h"

#include "hub_env.h"

#define NL 0x1d
#define RATE_54 11		/* 2.4 GHz legacy index: 54 Mbit/s */

/* A synthetic transport: counts what the hub sends it. */
struct peer {
	struct hub_client *c;
	unsigned statuses, acked, frames;
};

static int peer_send(struct hub_client *c, const void *msg, size_t len)
{
	static uint8_t copy[HWSIM_MSG_MAX] __attribute__((aligned(8)));
	struct peer *p = c->priv;
	struct hwsim_msg m;
	const char *why;

	assert_true(len <= sizeof(copy));
	memcpy(copy, msg, len);
	assert_int_equal(hwsim_decode(copy, len, &m, &why), 0);
	if (m.cmd == HWSIM_CMD_TX_INFO_FRAME) {
		p->statuses++;
		p->acked += !!(m.flags & HWSIM_TX_STAT_ACK);
	} else if (m.cmd == HWSIM_CMD_FRAME) {
		p->frames++;
	}
	return 0;
}

static const struct hub_client_ops peer_ops = { .send = peer_send };

struct fixture {
	char dir[64], path[128];
	struct loop *loop;
	struct hub hub;
	struct ctl *ctl;
	struct ctl_conn *mem;		/* a memory connection, freed by teardown */
	struct peer a, b;
	uint64_t cookie;
};

static const uint8_t id_a[6] = { 0x42, 0, 0, 0, 0, 0 }, addr_a[6] = { 0x02, 0xa0, 0, 0, 0, 1 };
static const uint8_t id_b[6] = { 0x42, 0, 0, 0, 1, 0 }, addr_b[6] = { 0x02, 0xb0, 0, 0, 0, 2 };
static const uint8_t nobody[6] = { 0x02, 0xee, 0, 0, 0, 9 };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	log_set_level(LOG_LEVEL_ERROR);
	f->loop = hub_env_init(&f->hub);
	strcpy(f->dir, "/tmp/hub-ctl-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ctl.sock", f->dir);
	f->a.c = hub_client_new(&f->hub, "vm:a", NL, &peer_ops, &f->a);
	f->b.c = hub_client_new(&f->hub, "vm:b", NL, &peer_ops, &f->b);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ctl_conn_free_memory(f->mem);
	ctl_close(f->ctl);
	hub_deinit(&f->hub);
	loop_free(f->loop);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void open_ctl(struct fixture *f)
{
	const struct ctl_ops ops = { .reload = NULL };

	assert_int_equal(ctl_open(&f->hub, f->path, &ops, &f->ctl), 0);
}

/* One loop round without waiting, and the hub's end of round. */
static void pump(struct fixture *f)
{
	assert_true(loop_run_once(f->loop, 0) >= 0);
	hub_sync(&f->hub);
}

static void input(struct fixture *f, struct peer *p, const void *msg, ssize_t len)
{
	static uint8_t copy[HWSIM_MSG_MAX] __attribute__((aligned(8)));

	assert_true(len > 0 && (size_t)len <= sizeof(copy));
	memcpy(copy, msg, (size_t)len);
	assert_int_equal(hub_client_input(&f->hub, p->c, copy, (size_t)len), 0);
}

static void announce(struct fixture *f, struct peer *p, const uint8_t id[6], const uint8_t a[6])
{
	uint8_t buf[128] __attribute__((aligned(8)));

	input(f, p, buf, hwsim_encode_mac_addr(buf, sizeof(buf), NL, 1, true, id, a));
}

/* An 802.11 frame as radio id sends it, at 54 Mb/s with three attempts, on 2412 MHz. */
static void send_bytes(struct fixture *f, struct peer *p, const uint8_t id[6],
		       const uint8_t *frame, size_t len)
{
	static uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(8)));
	const struct hwsim_rate rates[HWSIM_TX_MAX_RATES] = {
		{ RATE_54, 3, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};

	input(f, p, buf, hwsim_encode_frame_tx(buf, sizeof(buf), NL, 7, id, frame, len,
					       HWSIM_TX_CTL_REQ_TX_STATUS, rates, ++f->cookie,
					       2412));
}

/* Radio id of p transmits len bytes from `from' to `to': an auth frame or a data frame. */
static void send_frame(struct fixture *f, struct peer *p, const uint8_t id[6],
		       const uint8_t *from, const uint8_t *to, bool auth, size_t len)
{
	static uint8_t frame[1600];

	assert_true(len >= 24 && len <= sizeof(frame));
	memset(frame, 0, len);
	frame[0] = auth ? 0xb0 : 0x08;	/* management subtype 11 (auth), or data */
	memcpy(frame + 4, to, 6);
	memcpy(frame + 10, from, 6);
	memcpy(frame + 16, auth ? to : from, 6);
	if (len >= 30) {
		frame[24] = 2;		/* auth: fast BSS transition, transaction 1, */
		frame[26] = 1;
		frame[28] = 53;		/* status 53 (invalid PMKID) */
	}
	send_bytes(f, p, id, frame, len);
}

/* A mesh peering frame: a self-protected action (category 15) with this action code. */
static void send_mesh_peering(struct fixture *f, struct peer *p, const uint8_t id[6],
			      const uint8_t *from, const uint8_t *to, uint8_t category,
			      uint8_t action)
{
	uint8_t frame[40] = { 0xd0 };	/* management subtype 13: action */

	memcpy(frame + 4, to, 6);
	memcpy(frame + 10, from, 6);
	memcpy(frame + 16, from, 6);
	frame[24] = category;
	frame[25] = action;
	send_bytes(f, p, id, frame, sizeof(frame));
}

/* Let simulated time pass, 2 ms a step, until p has `want' TX statuses. */
static void run_until_statuses(struct fixture *f, struct peer *p, unsigned want)
{
	for (int i = 0; i < 100000 && p->statuses < want; i++) {
		assert_true(f->hub.t0 > 2000);	/* simulated time stays below the monotonic clock */
		f->hub.t0 -= 2000;
		pump(f);
	}
	assert_int_equal(p->statuses, want);
}

/* n frames from A to B in batches the radio's queue holds; every one must get its status. */
static void traffic(struct fixture *f, unsigned n, bool auth, size_t len,
		    void (*check)(struct fixture *f))
{
	unsigned base = f->a.statuses;

	for (unsigned done = 0; done < n;) {
		unsigned batch = n - done < 100 ? n - done : 100;

		for (unsigned i = 0; i < batch; i++)
			send_frame(f, &f->a, id_a, addr_a, addr_b, auth, len);
		done += batch;
		run_until_statuses(f, &f->a, base + done);
		if (check)
			check(f);
	}
}

/* ------------------------------------------------------------- clients */

struct buf {
	char *p;
	size_t len, cap;
};

static int client(struct fixture *f, int sndbuf_small)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (sndbuf_small) {
		int v = 4096;

		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	}
	memcpy(sa.sun_path, f->path, strlen(f->path) + 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	pump(f);
	return fd;
}

static void say(int fd, const char *s)
{
	assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Read what is there: 0 when it would block, 1 at EOF, -errno. */
static int slurp(int fd, struct buf *b)
{
	for (;;) {
		ssize_t n;

		if (b->cap - b->len < 65537) {
			b->cap = b->cap ? 2 * b->cap : 1 << 20;
			b->p = realloc(b->p, b->cap);
			assert_non_null(b->p);
		}
		n = read(fd, b->p + b->len, b->cap - b->len - 1);
		if (n > 0) {
			b->len += (size_t)n;
			b->p[b->len] = 0;
			continue;
		}
		if (n == 0)
			return 1;
		if (errno == EAGAIN)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

/* Pump and read until b holds a whole line. */
static void wait_line(struct fixture *f, int fd, struct buf *b)
{
	for (int i = 0; i < 1000 && (!b->len || !memchr(b->p, '\n', b->len)); i++) {
		assert_true(loop_run_once(f->loop, 10) >= 0);
		hub_sync(&f->hub);
		assert_true(slurp(fd, b) >= 0);
	}
	assert_non_null(b->len ? memchr(b->p, '\n', b->len) : NULL);
}

/* The connection that carries a capture, or is subscribed; NULL if none. */
static struct ctl_conn *conn_where(struct fixture *f, bool capture)
{
	for (struct ctl_conn *c = f->ctl->conns.next; c != &f->ctl->conns; c = c->next)
		if (capture ? c->cap != NULL : c->events != 0)
			return c;
	return NULL;
}

/* Read everything the daemon has for fd: until its buffer is empty and the socket too. */
static void drain(struct fixture *f, int fd, struct ctl_conn *conn, struct buf *b)
{
	for (int i = 0; i < 100000; i++) {
		assert_int_equal(slurp(fd, b), 0);
		pump(f);
		if (outbuf_empty(&conn->out)) {
			assert_int_equal(slurp(fd, b), 0);
			return;
		}
	}
	fail_msg("the daemon's output for the client never drained");
}

static json_t *parse_line(const char *s, size_t len)
{
	json_error_t err;
	json_t *v = json_loadb(s, len, 0, &err);

	if (!v)
		fail_msg("not JSON (%s): %.*s", err.text, (int)len, s);
	return v;
}

/* ---------------------------------------------------------------- tests */

static void test_socket(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl *second = NULL;
	const struct ctl_ops ops = { .reload = NULL };
	struct buf b = { 0 };
	struct stat st;
	json_t *v;
	int fd;

	/* A stale socket: bound, never listened on, its owner gone. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memcpy(sa.sun_path, f->path, strlen(f->path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	open_ctl(f);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);

	/* A live one is left alone. */
	assert_int_equal(ctl_open(&f->hub, f->path, &ops, &second), -EADDRINUSE);
	assert_null(second);
	assert_int_equal(stat(f->path, &st), 0);

	fd = client(f, 0);
	say(fd, "{\"id\":7,\"cmd\":\"status\"}\n");
	wait_line(f, fd, &b);
	v = parse_line(b.p, (size_t)((char *)memchr(b.p, '\n', b.len) - b.p));
	assert_int_equal(json_integer_value(json_object_get(v, "id")), 7);
	assert_true(json_is_true(json_object_get(v, "ok")));
	assert_true(json_is_string(json_object_get(json_object_get(v, "result"), "version")));
	json_decref(v);
	close(fd);
	free(b.p);
}

static void check_capture_bounded(struct fixture *f)
{
	struct ctl_conn *c = conn_where(f, true);

	assert_non_null(c);
	assert_true(outbuf_held(&c->out) <= CTL_CAPTURE_LIMIT);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Walk the pcapng stream: EPBs counted, and the N of every "[N records
 * dropped before this one]" comment summed.
 */
static void walk_pcapng(const uint8_t *p, size_t len, uint64_t *nepb, uint64_t *dropped,
			unsigned *notes)
{
	size_t off = 0;

	*nepb = *dropped = 0;
	*notes = 0;
	assert_true(len >= 12 && le32(p) == 0x0a0d0d0au);
	while (off < len) {
		uint32_t type, total;

		assert_true(len - off >= 12);
		type = le32(p + off);
		total = le32(p + off + 4);
		assert_true(total >= 12 && total % 4 == 0 && total <= len - off);
		assert_int_equal(le32(p + off + total - 4), total);
		if (type == 6) {
			uint32_t caplen = le32(p + off + 20);
			const uint8_t *o = p + off + 28 + ((caplen + 3u) & ~3u);
			unsigned long long n;

			(*nepb)++;
			/* The comment is the only option: code 1, then its length. */
			assert_int_equal(o[0] | o[1] << 8, 1);
			if (sscanf((const char *)o + 4, "[%llu records dropped before this one] ", &n) == 1) {
				*dropped += n;
				(*notes)++;
			}
		}
		off += total;
	}
}

static void test_capture_reader_stalls(void **state)
{
	struct fixture *f = *state;
	struct capture_stats st;
	struct ctl_conn *conn;
	struct buf b = { 0 };
	uint64_t nepb, dropped;
	unsigned notes, sent;
	const char *nl;
	json_t *v;
	int fd;

	open_ctl(f);
	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	fd = client(f, 1);
	say(fd, "{\"cmd\":\"capture\"}\n");
	for (int i = 0; i < 100 && !conn_where(f, true); i++)
		pump(f);
	assert_non_null(conn_where(f, true));

	/*
	 * About 2 KB of records a frame with its ACK: send until the socket
	 * and CTL_CAPTURE_LIMIT are full and records drop, then some more.
	 */
	conn = conn_where(f, true);
	for (sent = 0; sent < 40000; sent += 500) {
		capture_get_stats(conn->cap, &st);
		if (st.dropped)
			break;
		traffic(f, 500, false, 1500, check_capture_bounded);
	}
	assert_true(st.dropped > 0);
	traffic(f, 500, false, 1500, check_capture_bounded);
	sent += 500;
	assert_int_equal(f->a.statuses, sent);

	/* The reader comes back: it gets what was kept, then new records with the count. */
	drain(f, fd, conn, &b);
	traffic(f, 10, false, 1500, NULL);
	drain(f, fd, conn, &b);
	capture_get_stats(conn->cap, &st);

	nl = memchr(b.p, '\n', b.len);
	assert_non_null(nl);
	v = parse_line(b.p, (size_t)(nl - b.p));
	assert_true(json_is_true(json_object_get(v, "ok")));
	json_decref(v);
	walk_pcapng((const uint8_t *)nl + 1, b.len - (size_t)(nl + 1 - b.p), &nepb, &dropped, &notes);
	assert_int_equal(nepb, st.records);
	assert_true(notes > 0);
	assert_int_equal(dropped, st.dropped);
	close(fd);
	free(b.p);
}

static void check_events_bounded(struct fixture *f)
{
	struct ctl_conn *c = conn_where(f, false);

	assert_non_null(c);
	assert_true(outbuf_held(&c->out) <= CTL_OUT_LIMIT);
}

static void test_subscriber_stalls(void **state)
{
	struct fixture *f = *state;
	struct medium_counters mc;
	struct ctl_conn *conn;
	struct buf b = { 0 };
	uint64_t lost, frames = 0, overflows = 0, noted = 0, last = 0, after = 0;
	unsigned sent;
	int fd;

	open_ctl(f);
	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	fd = client(f, 1);
	say(fd, "{\"cmd\":\"subscribe\",\"events\":[\"frame\"]}\n");
	for (int i = 0; i < 100 && !conn_where(f, false); i++)
		pump(f);
	assert_non_null(conn_where(f, false));

	/* ~250 bytes an event: send until CTL_OUT_LIMIT and the socket are full, then more. */
	conn = conn_where(f, false);
	for (sent = 0; sent < 100000 && !conn->events_dropped; sent += 1000)
		traffic(f, 1000, true, 30, check_events_bounded);
	assert_true(conn->events_dropped > 0);
	traffic(f, 1000, true, 30, check_events_bounded);
	sent += 1000;
	assert_int_equal(f->a.statuses, sent);
	lost = conn->events_dropped;

	drain(f, fd, conn, &b);
	traffic(f, 5, true, 30, NULL);
	drain(f, fd, conn, &b);
	assert_int_equal(conn->events_dropped, 0);

	for (char *s = b.p, *nl; (nl = memchr(s, '\n', b.len - (size_t)(s - b.p))); s = nl + 1) {
		json_t *v = parse_line(s, (size_t)(nl - s));
		const char *ev = json_string_value(json_object_get(v, "event"));

		if (json_object_get(v, "ok")) {
			assert_true(json_is_true(json_object_get(v, "ok")));
		} else if (ev && !strcmp(ev, "overflow")) {
			last = (uint64_t)json_integer_value(json_object_get(v, "dropped"));
			assert_true(last > 0);
			noted += last;
			overflows++;
			after = 0;
		} else {
			assert_string_equal(ev, "frame");
			frames++;
			after++;
		}
		json_decref(v);
	}
	/* Every transmission is an event delivered or one counted as dropped. */
	medium_get_counters(f->hub.medium, &mc);
	assert_int_equal(frames + noted, mc.tx_attempts);
	/*
	 * The last note came once the reader was back, with what was dropped
	 * since the one before, and the new events follow it. (Whether notes
	 * also appear while the buffer is still full depends on how full it is:
	 * test_overflow_note_needs_room pins that down.)
	 */
	assert_true(overflows >= 1);
	assert_int_equal(last, lost);
	assert_true(after >= 5);
	close(fd);
	free(b.p);
}

static void test_nonreader_cut_off(void **state)
{
	struct fixture *f = *state;
	char req[64 * 20 + 1] = "";
	struct buf b = { 0 }, b2 = { 0 };
	json_t *v;
	int fd, fd2, r = 0;

	open_ctl(f);
	/* 12 radios: a links reply lists 132 links, about 40 KB. */
	for (int i = 0; i < 12; i++) {
		uint8_t id[6] = { 0x42, 0, 0, 0, 0x10, (uint8_t)i };
		uint8_t addr[6] = { 0x02, 0x10, 0, 0, 0, (uint8_t)i };

		announce(f, &f->a, id, addr);
	}
	fd = client(f, 1);
	for (int i = 0; i < 64; i++)
		strcat(req, "{\"cmd\":\"links\"}\n");
	say(fd, req);
	for (int i = 0; i < 1000 && r == 0; i++) {
		assert_true(loop_run_once(f->loop, 10) >= 0);
		hub_sync(&f->hub);
		r = slurp(fd, &b);
	}
	/* Hung up on: EOF, or a reset if it still had unread requests. */
	assert_true(r == 1 || r == -ECONNRESET);
	assert_true(b.len <= CTL_OUT_LIMIT);
	close(fd);

	/* Nobody else pays for it. */
	fd2 = client(f, 0);
	say(fd2, "{\"id\":\"x\",\"cmd\":\"links\"}\n");
	wait_line(f, fd2, &b2);
	v = parse_line(b2.p, (size_t)((char *)memchr(b2.p, '\n', b2.len) - b2.p));
	assert_string_equal(json_string_value(json_object_get(v, "id")), "x");
	assert_true(json_is_true(json_object_get(v, "ok")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(v, "result"), "links")),
			 132);
	json_decref(v);
	close(fd2);
	free(b.p);
	free(b2.p);
}

static void test_half_close(void **state)
{
	struct fixture *f = *state;
	struct buf b = { 0 };
	char *nl;
	json_t *v;
	int fd, r = 0;

	open_ctl(f);
	fd = client(f, 0);
	say(fd, "{\"id\":3,\"cmd\":\"status\"}\n");
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	for (int i = 0; i < 1000 && r == 0; i++) {
		assert_true(loop_run_once(f->loop, 10) >= 0);
		hub_sync(&f->hub);
		r = slurp(fd, &b);
	}
	assert_int_equal(r, 1);
	nl = b.len ? memchr(b.p, '\n', b.len) : NULL;
	assert_non_null(nl);
	assert_int_equal((size_t)(nl + 1 - b.p), b.len);	/* one reply, then EOF */
	v = parse_line(b.p, (size_t)(nl - b.p));
	assert_int_equal(json_integer_value(json_object_get(v, "id")), 3);
	assert_true(json_is_true(json_object_get(v, "ok")));
	/* Nothing was sent: no lateness measured yet, but both fields are there. */
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(json_object_get(v, "result"), "latency"),
						 "delivery"),
				 "count")),
			 0);
	assert_non_null(json_object_get(
		json_object_get(json_object_get(json_object_get(v, "result"), "latency"), "status"),
		"p99_us"));
	json_decref(v);
	close(fd);
	free(b.p);
}

/* The next event line in b from *pos, parsed (NULL if there is none). */
static json_t *next_event(struct buf *b, size_t *pos)
{
	char *nl = *pos < b->len ? memchr(b->p + *pos, '\n', b->len - *pos) : NULL;
	json_t *v;

	if (!nl)
		return NULL;
	v = parse_line(b->p + *pos, (size_t)(nl - b->p - *pos));
	*pos = (size_t)(nl + 1 - b->p);
	return v;
}

static void expect_str(json_t *v, const char *key, const char *want)
{
	const char *s = json_string_value(json_object_get(v, key));

	if (!s || strcmp(s, want))
		fail_msg("%s: want \"%s\", got \"%s\"", key, want, s ? s : "(none)");
}

static void test_events(void **state)
{
	struct fixture *f = *state;
	struct buf b = { 0 };
	size_t pos = 0;
	json_t *v;
	int fd;

	open_ctl(f);
	fd = client(f, 0);
	say(fd, "{\"cmd\":\"subscribe\"}\n");
	wait_line(f, fd, &b);
	v = next_event(&b, &pos);
	assert_true(json_is_true(json_object_get(v, "ok")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(v, "result"), "events")), 3);
	json_decref(v);

	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	send_frame(f, &f->a, id_a, addr_a, addr_b, true, 30);
	run_until_statuses(f, &f->a, 1);
	assert_int_equal(f->a.acked, 1);
	send_frame(f, &f->a, id_a, addr_a, nobody, true, 26);	/* too short for the fields */
	run_until_statuses(f, &f->a, 2);
	assert_int_equal(f->a.acked, 1);
	hub_client_free(&f->hub, f->a.c);
	f->a.c = NULL;
	for (int i = 0; i < 10; i++)
		pump(f);
	assert_int_equal(slurp(fd, &b), 0);

	v = next_event(&b, &pos);
	assert_non_null(v);
	expect_str(v, "event", "radio-up");
	expect_str(v, "client", "vm:a");
	expect_str(v, "radio", "42:00:00:00:00:00");
	json_decref(v);
	v = next_event(&b, &pos);
	assert_non_null(v);
	expect_str(v, "event", "radio-up");
	expect_str(v, "client", "vm:b");
	expect_str(v, "radio", "42:00:00:00:01:00");
	json_decref(v);

	v = next_event(&b, &pos);
	assert_non_null(v);
	expect_str(v, "event", "frame");
	expect_str(v, "type", "auth");
	expect_str(v, "radio", "42:00:00:00:00:00");
	expect_str(v, "from", "02:a0:00:00:00:01");
	expect_str(v, "to", "02:b0:00:00:00:02");
	expect_str(v, "next", "ack");
	assert_int_equal(json_integer_value(json_object_get(v, "attempt")), 1);
	assert_int_equal(json_integer_value(json_object_get(v, "freq")), 2412);
	assert_int_equal(json_integer_value(json_object_get(v, "auth_alg")), 2);
	assert_int_equal(json_integer_value(json_object_get(v, "auth_seq")), 1);
	assert_int_equal(json_integer_value(json_object_get(v, "status")), 53);
	assert_int_equal(json_array_size(json_object_get(v, "heard_by")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "heard_by"), 0)),
			    "42:00:00:00:01:00");
	json_decref(v);

	/* Nobody answers: three attempts, the last one fails, then the drop. */
	for (int attempt = 1; attempt <= 3; attempt++) {
		v = next_event(&b, &pos);
		assert_non_null(v);
		expect_str(v, "event", "frame");
		expect_str(v, "to", "02:ee:00:00:00:09");
		expect_str(v, "next", attempt < 3 ? "retry" : "fail");
		assert_int_equal(json_integer_value(json_object_get(v, "attempt")), attempt);
		assert_null(json_object_get(v, "auth_alg"));
		assert_null(json_object_get(v, "status"));
		json_decref(v);
	}
	v = next_event(&b, &pos);
	assert_non_null(v);
	expect_str(v, "event", "drop");
	expect_str(v, "reason", "retries");
	expect_str(v, "client", "vm:a");
	expect_str(v, "radio", "42:00:00:00:00:00");
	expect_str(v, "to", "02:ee:00:00:00:09");
	json_decref(v);

	v = next_event(&b, &pos);
	assert_non_null(v);
	expect_str(v, "event", "radio-down");
	expect_str(v, "client", "vm:a");
	expect_str(v, "radio", "42:00:00:00:00:00");
	json_decref(v);
	assert_null(next_event(&b, &pos));
	close(fd);
	free(b.p);
}

/* Mesh peering frames are events of their own; other action frames are not. */
static void test_events_mesh_peering(void **state)
{
	static const char *const want[] = { "mesh-peering-open", "mesh-peering-confirm",
					     "mesh-peering-close" };
	struct fixture *f = *state;
	struct buf b = { 0 };
	size_t pos = 0;
	json_t *v;
	int fd;

	open_ctl(f);
	fd = client(f, 0);
	say(fd, "{\"cmd\":\"subscribe\",\"events\":[\"frame\"]}\n");
	wait_line(f, fd, &b);
	v = next_event(&b, &pos);
	assert_true(json_is_true(json_object_get(v, "ok")));
	json_decref(v);

	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	send_mesh_peering(f, &f->a, id_a, addr_a, addr_b, 3, 0);	/* block ack: not one */
	send_mesh_peering(f, &f->a, id_a, addr_a, addr_b, 15, 4);	/* group key inform */
	for (uint8_t action = 1; action <= 3; action++)
		send_mesh_peering(f, &f->a, id_a, addr_a, addr_b, 15, action);
	run_until_statuses(f, &f->a, 5);
	for (int i = 0; i < 10; i++)
		pump(f);
	assert_int_equal(slurp(fd, &b), 0);
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		v = next_event(&b, &pos);
		assert_non_null(v);
		expect_str(v, "event", "frame");
		expect_str(v, "type", want[k]);
		expect_str(v, "from", "02:a0:00:00:00:01");
		expect_str(v, "to", "02:b0:00:00:00:02");
		expect_str(v, "next", "ack");
		json_decref(v);
	}
	assert_null(next_event(&b, &pos));
	close(fd);
	free(b.p);
}

/*
 * "overflow says how many once it has room again" (docs/control.md): a
 * note that fits while the event behind it does not is not room again (it
 * was, once: the note went out, the event was dropped and the count began
 * again, so a stalled subscriber's last bytes filled with stale notes). A memory
 * connection with its buffer filled to 100 bytes short of the limit
 * (room for a note, ~35 bytes, not for a frame event, ~250) pins it down.
 */
static void test_overflow_note_needs_room(void **state)
{
	struct fixture *f = *state;
	const struct ctl_ops ops = { .reload = NULL };
	struct ctl_conn *mc;
	static char pad[CTL_OUT_LIMIT];
	char *out;
	size_t len;

	f->ctl = ctl_new(&f->hub, &ops);
	mc = f->mem = ctl_conn_new_memory(f->ctl);
	static const char sub[] = "{\"cmd\":\"subscribe\",\"events\":[\"frame\"]}";

	ctl_request(mc, sub, strlen(sub));
	free(ctl_conn_output(mc, NULL));
	announce(f, &f->a, id_a, addr_a);
	announce(f, &f->b, id_b, addr_b);
	memset(pad, ' ', sizeof(pad));
	assert_int_equal(outbuf_append(&mc->out, pad, CTL_OUT_LIMIT - 100, NULL, 0, CTL_OUT_LIMIT), 0);

	/* Three frame events that cannot fit: counted, nothing written. */
	for (unsigned i = 1; i <= 3; i++) {
		send_frame(f, &f->a, id_a, addr_a, addr_b, true, 30);
		run_until_statuses(f, &f->a, i);
		assert_int_equal(f->a.acked, i);
		assert_int_equal(mc->events_dropped, i);
		assert_int_equal(outbuf_held(&mc->out), CTL_OUT_LIMIT - 100);
	}

	/* Room again: one note with the whole count, then the event. */
	free(ctl_conn_output(mc, NULL));
	send_frame(f, &f->a, id_a, addr_a, addr_b, true, 30);
	run_until_statuses(f, &f->a, 4);
	out = ctl_conn_output(mc, &len);
	{
		static const char want[] = "{\"event\":\"overflow\",\"dropped\":3}\n{\"event\":\"frame\"";

		assert_true(len > sizeof(want));
		assert_memory_equal(out, want, sizeof(want) - 1);
	}
	assert_int_equal(mc->events_dropped, 0);
	free(out);
}

/* Whether the daemon closed fd (EOF after what it sent). */
static bool hung_up(int fd)
{
	char b[4096];
	ssize_t n;

	while ((n = recv(fd, b, sizeof(b), MSG_DONTWAIT)) > 0)
		;
	return n == 0;
}

/*
 * Connections nobody uses cannot lock others out: one user gets at most 16
 * of the 64, and a connection that asks nothing (and streams nothing) is
 * closed after the idle time; a subscriber is not.
 */
static void test_idle_and_per_user(void **state)
{
	struct fixture *f = *state;
	const struct ctl_ops ops = { .idle_us = 200000 };
	int fds[20], sub, busy;
	struct buf b = { 0 };
	unsigned open = 0;

	assert_int_equal(ctl_open(&f->hub, f->path, &ops, &f->ctl), 0);
	for (int i = 0; i < 20; i++)
		fds[i] = client(f, 0);
	pump(f);
	for (int i = 0; i < 20; i++)
		open += !hung_up(fds[i]);
	assert_int_equal(open, 16);	/* all ours: the same uid */
	for (int i = 0; i < 20; i++)
		close(fds[i]);
	for (int i = 0; i < 10; i++)
		pump(f);

	/* Idle ones go; a subscriber and one that keeps asking stay. */
	fds[0] = client(f, 0);
	sub = client(f, 0);
	busy = client(f, 0);
	say(sub, "{\"id\":1,\"cmd\":\"subscribe\"}\n");
	wait_line(f, sub, &b);
	for (int i = 0; i < 60; i++) {
		struct timespec ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
		if (i % 5 == 0) {
			say(busy, "{\"id\":2,\"cmd\":\"status\"}\n");
			b.len = 0;
			wait_line(f, busy, &b);
		}
		pump(f);
	}
	assert_true(hung_up(fds[0]));
	assert_false(hung_up(sub));
	assert_false(hung_up(busy));
	close(fds[0]);
	close(sub);
	close(busy);
	free(b.p);
}

/* The first line of b as JSON, consumed from b. */
static json_t *take_line(struct buf *b)
{
	char *nl = memchr(b->p, '\n', b->len);
	size_t n = (size_t)(nl - b->p);
	json_t *v = parse_line(b->p, n);

	memmove(b->p, nl + 1, b->len - n - 1);
	b->len -= n + 1;
	return v;
}

/* Send one request line on fd and take its reply's result (NULL for an error reply). */
static json_t *ask(struct fixture *f, int fd, struct buf *b, const char *line, json_t **reply)
{
	say(fd, line);
	wait_line(f, fd, b);
	*reply = take_line(b);
	return json_object_get(*reply, "result");
}

/* A page of a list: how many items it held, and where the next starts (-1: none). */
static void page_is(json_t *res, const char *key, size_t items, json_int_t next)
{
	json_t *n = json_object_get(res, "next");

	assert_int_equal(json_array_size(json_object_get(res, key)), items);
	if (next < 0)
		assert_true(json_is_null(n));
	else
		assert_int_equal(json_integer_value(n), next);
}

/*
 * 1,000 radios: 999,000 links. Built whole, that reply took seconds and
 * was refused past the output limit. Now lists come in pages of at most
 * 1,000 items, each a reply that fits, with `next' where the following one
 * starts; another client is answered between pages.
 */
static void test_links_in_pages(void **state)
{
	struct fixture *f = *state;
	struct buf b = { 0 }, o = { 0 };
	json_t *v;
	int fd, other;

	for (unsigned i = 0; i < 1000; i++) {
		uint8_t id[6] = { 0x42, 0x10, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };
		uint8_t a[6] = { 0x02, 0x10, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };

		announce(f, i % 2 ? &f->a : &f->b, id, a);
	}
	open_ctl(f);
	fd = client(f, 0);
	other = client(f, 0);

	page_is(ask(f, fd, &b, "{\"id\":1,\"cmd\":\"links\"}\n", &v), "links", 1000, 1000);
	json_decref(v);
	/* Someone else is served meanwhile. */
	ask(f, other, &o, "{\"id\":2,\"cmd\":\"status\"}\n", &v);
	assert_true(json_is_true(json_object_get(v, "ok")));
	json_decref(v);
	/* The last page: 999,000 links in all. */
	page_is(ask(f, fd, &b, "{\"id\":3,\"cmd\":\"links\",\"from\":998500}\n", &v), "links",
		500, -1);
	json_decref(v);
	/* One radio's links: 1,998, in two pages; radios in one. */
	page_is(ask(f, fd, &b, "{\"id\":4,\"cmd\":\"links\",\"radio\":\"02:10:00:00:00:07\"}\n",
		    &v), "links", 1000, 1000);
	json_decref(v);
	page_is(ask(f, fd, &b,
		    "{\"id\":5,\"cmd\":\"links\",\"radio\":\"02:10:00:00:00:07\",\"from\":1000}\n",
		    &v), "links", 998, -1);
	json_decref(v);
	page_is(ask(f, fd, &b, "{\"id\":6,\"cmd\":\"radios\",\"count\":1000}\n", &v), "radios",
		1000, -1);
	json_decref(v);
	/* Bad pages are refused, not served. */
	assert_null(ask(f, fd, &b, "{\"id\":7,\"cmd\":\"links\",\"count\":5000}\n", &v));
	assert_string_equal(json_string_value(json_object_get(v, "error")), "bad-request");
	json_decref(v);
	close(fd);
	close(other);
	free(b.p);
	free(o.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capture_reader_stalls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subscriber_stalls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow_note_needs_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonreader_cut_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_mesh_peering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_and_per_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_in_pages, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
