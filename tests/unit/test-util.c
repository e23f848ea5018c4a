/* SPDX-License-Identifier: MIT */
/*
 * util: MAC addresses, UTF-8, unix socket paths, the output queue, the
 * event loop (watches, timer, deferred frees, signals) and logging (levels,
 * rate limits) — each through its real interface, with real descriptors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/hist.h"
#include "util/log.h"
#include "util/loop.h"
#include "util/map64.h"
#include "util/outbuf.h"
#include "util/util.h"

static void test_mac(void **state)
{
	uint8_t m[6];
	char s[MAC_STR_LEN];

	(void)state;
	assert_int_equal(mac_parse("02:aB:00:0f:10:ff", m), 0);
	assert_string_equal(mac_format(m, s), "02:ab:00:0f:10:ff");
	assert_true(mac_is_group((const uint8_t[]){ 0x01, 0, 0x5e, 0, 0, 1 }));
	assert_false(mac_is_group(m));
	assert_true(mac_equal(m, (const uint8_t[]){ 0x02, 0xab, 0x00, 0x0f, 0x10, 0xff }));
	/* Exactly six colon-separated hex octets; m is left alone otherwise. */
	static const char *const bad[] = {
		"", "02:ab:00:0f:10", "02:ab:00:0f:10:ff:00", "02-ab-00-0f-10-ff", "2:ab:00:0f:10:ff",
		"02:ab:00:0f:10:fg", "02:ab:00:0f:10:ff ", " 02:ab:00:0f:10:ff", "02::ab:00:0f:10:ff",
		"002:ab:00:0f:10:ff",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(mac_parse(bad[i], m), -EINVAL);
	assert_string_equal(mac_format(m, s), "02:ab:00:0f:10:ff");
}

static void test_utf8(void **state)
{
	uint32_t cp = 0;
	struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} good[] = {
		{ "A", 1, 'A' }, { "\xc2\xa0", 2, 0xa0 }, { "\xe2\x82\xac", 3, 0x20ac },
		{ "\xf0\x9f\x93\xa1", 4, 0x1f4e1 }, { "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
	};
	static const char *const bad[] = {
		"\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf0\x80\x80\xaf",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xe2\x82", "\xc2\x41",
	};
	char s[32];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(utf8_decode(good[i].s, strlen(good[i].s), &cp), good[i].len);
		assert_int_equal(cp, good[i].cp);
		/* Cut short: not a sequence. */
		assert_int_equal(utf8_decode(good[i].s, good[i].len - 1, &cp), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(utf8_decode(bad[i], strlen(bad[i]), &cp), 0);

	/* Every byte that starts no sequence becomes '?', the rest stays. */
	strcpy(s, "ok \xe2\x82\xac \xc3(\xed\xa0\x80 \xe2\x82");
	utf8_clean(s);
	assert_string_equal(s, "ok \xe2\x82\xac ?(??? ??");
}

static void test_unix_path_claim(void **state)
{
	char dir[] = "/tmp/wm-util-XXXXXX", path[64], file[64];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
	snprintf(file, sizeof(file), "%s/f", dir);
	strcpy(sa.sun_path, path);

	assert_int_equal(unix_path_claim(path), 0);	/* nothing there */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(unix_path_claim(path), -EADDRINUSE);	/* someone answers */
	close(fd);
	assert_int_equal(unix_path_claim(path), 0);	/* stale: removed */
	assert_int_equal(access(path, F_OK), -1);

	close(open(file, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(unix_path_claim(file), -EEXIST);	/* not a socket: left alone */
	assert_int_equal(access(file, F_OK), 0);
	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(unix_path_claim(path) , 0);	/* nothing by that (long but fitting) name */
	{
		char longer[200];

		memset(longer, 'x', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = '\0';
		assert_int_equal(unix_path_claim(longer), -ENAMETOOLONG);
	}
	unlink(file);
	rmdir(dir);
}

static void test_outbuf(void **state)
{
	struct outbuf o = { 0 };
	char big[100000], got[200000];
	struct loop *l = loop_new();
	struct loop_watch w = { .fd = -1 };
	int sv[2];
	ssize_t n, total = 0;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &(int){ 4096 }, sizeof(int)), 0);
	assert_int_equal(loop_watch(l, &w, sv[0], EPOLLIN, NULL, NULL), 0);
	memset(big, 'a', sizeof(big));

	/* Head and body in order; the limit counts what is held. */
	assert_int_equal(outbuf_append(&o, "hd", 2, big, sizeof(big), 2 * sizeof(big)), 0);
	assert_int_equal(outbuf_held(&o), sizeof(big) + 2);
	assert_int_equal(outbuf_append(&o, big, sizeof(big), NULL, 0, sizeof(big) + 10), -ENOBUFS);
	assert_int_equal(outbuf_held(&o), sizeof(big) + 2);

	/* The socket takes only part: the rest waits, and the loop is told to wake for it. */
	n = outbuf_flush(&o, l, &w);
	assert_true(n > 0 && (size_t)n < sizeof(big) + 2);
	assert_false(outbuf_empty(&o));
	assert_int_equal(w.events, EPOLLIN | EPOLLOUT);
	while (!outbuf_empty(&o)) {
		ssize_t r = read(sv[1], got + total, sizeof(got) - (size_t)total);

		assert_true(r > 0);
		total += r;
		assert_true(outbuf_flush(&o, l, &w) >= 0);
	}
	assert_int_equal(w.events, EPOLLIN);
	for (ssize_t r; (r = read(sv[1], got + total, sizeof(got) - (size_t)total)) > 0;)
		total += r;
	assert_int_equal(total, sizeof(big) + 2);
	assert_memory_equal(got, "hd", 2);
	assert_memory_equal(got + 2, big, sizeof(big));

	/* A peer that is gone is an error, not a signal (MSG_NOSIGNAL). */
	assert_int_equal(outbuf_append(&o, "x", 1, NULL, 0, 10), 0);
	close(sv[1]);
	assert_int_equal(outbuf_write(&o, sv[0]), -EPIPE);
	outbuf_clear(&o);
	assert_true(outbuf_empty(&o));
	outbuf_free(&o);
	loop_unwatch(l, &w);
	close(sv[0]);
	loop_free(l);
}

/* ------------------------------------------------------------------ loop */

struct loopy {
	struct loop *l;
	struct loop_watch a, b;
	int pa[2], pb[2];
	unsigned a_calls, b_calls, timers, signals, freed;
	bool a_unwatches_b;
};

static void on_a(struct loop_watch *w, uint32_t events)
{
	struct loopy *t = w->opaque;
	char c;

	assert_true(events & EPOLLIN);
	assert_int_equal(read(w->fd, &c, 1), 1);
	t->a_calls++;
	if (t->a_unwatches_b)
		loop_unwatch(t->l, &t->b);
}

static void on_b(struct loop_watch *w, uint32_t events)
{
	struct loopy *t = w->opaque;
	char c;

	(void)events;
	assert_int_equal(read(w->fd, &c, 1), 1);
	t->b_calls++;
}

static void on_timer(void *opaque)
{
	((struct loopy *)opaque)->timers++;
}

static void on_free(void *ptr)
{
	((struct loopy *)ptr)->freed++;
}

static void on_signal(int sig, void *opaque)
{
	assert_int_equal(sig, SIGUSR2);
	((struct loopy *)opaque)->signals++;
}

static void test_loop(void **state)
{
	struct loopy t = { 0 };
	static const int sigs[] = { SIGUSR2 };

	(void)state;
	t.l = loop_new();
	assert_non_null(t.l);
	assert_int_equal(pipe2(t.pa, O_NONBLOCK), 0);
	assert_int_equal(pipe2(t.pb, O_NONBLOCK), 0);
	assert_int_equal(loop_watch(t.l, &t.a, t.pa[0], EPOLLIN, on_a, &t), 0);
	assert_int_equal(loop_watch(t.l, &t.b, t.pb[0], EPOLLIN, on_b, &t), 0);

	/* Nothing ready: a round returns at once with nothing done. */
	assert_int_equal(loop_run_once(t.l, 0), 0);
	assert_int_equal(write(t.pa[1], "x", 1), 1);
	assert_int_equal(write(t.pb[1], "y", 1), 1);
	assert_int_equal(loop_run_once(t.l, 100), 2);
	assert_int_equal(t.a_calls, 1);
	assert_int_equal(t.b_calls, 1);

	/*
	 * Both ready again, and a's callback unwatches b: whichever runs first,
	 * b's event of this round is skipped once b is unwatched, and b is never
	 * called again.
	 */
	t.a_unwatches_b = true;
	assert_int_equal(write(t.pa[1], "x", 1), 1);
	assert_int_equal(write(t.pb[1], "y", 1), 1);
	loop_run_once(t.l, 100);
	assert_int_equal(t.a_calls, 2);
	assert_true(t.b_calls <= 2);
	{
		unsigned b = t.b_calls;

		assert_int_equal(write(t.pb[1], "y", 1), 1);
		loop_run_once(t.l, 20);
		assert_int_equal(t.b_calls, b);
		assert_int_equal(t.b.fd, -1);
	}

	/* The timer fires once at its time; UINT64_MAX disarms it. */
	loop_set_timer(t.l, loop_now_us() + 20000, on_timer, &t);
	loop_run_once(t.l, 0);
	assert_int_equal(t.timers, 0);
	for (int i = 0; i < 50 && !t.timers; i++)
		loop_run_once(t.l, 10);
	assert_int_equal(t.timers, 1);
	loop_run_once(t.l, 30);
	assert_int_equal(t.timers, 1);
	loop_set_timer(t.l, loop_now_us() + 10000, on_timer, &t);
	loop_set_timer(t.l, UINT64_MAX, on_timer, &t);
	loop_run_once(t.l, 30);
	assert_int_equal(t.timers, 1);
	/* The deadline ends a wait that would otherwise last for ever. */
	loop_set_timer(t.l, loop_now_us() + 2000, on_timer, &t);
	assert_int_equal(loop_run_once(t.l, -1), 0);
	assert_int_equal(t.timers, 2);

	/* Deferred frees: at once outside a round. */
	loop_defer_free(t.l, on_free, &t);
	assert_int_equal(t.freed, 1);

	/* Signals arrive as loop events, not as handlers. */
	assert_int_equal(loop_signals(t.l, sigs, 1, on_signal, &t), 0);
	kill(getpid(), SIGUSR2);
	for (int i = 0; i < 20 && !t.signals; i++)
		loop_run_once(t.l, 10);
	assert_int_equal(t.signals, 1);

	loop_unwatch(t.l, &t.a);
	for (int i = 0; i < 2; i++) {
		close(t.pa[i]);
		close(t.pb[i]);
	}
	loop_free(t.l);
}

/* ------------------------------------------------------------------- log */

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_log(void **state)
{
	char path[] = "/tmp/wm-log-XXXXXX";
	struct log_limit lim = { 0 };
	enum log_level lvl;
	const char *text;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_level_parse("debug", &lvl), 0);
	assert_int_equal(lvl, LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("warn", &lvl), 0);
	assert_int_equal(lvl, LOG_LEVEL_WARN);
	assert_int_equal(log_level_parse("7", &lvl), 0);	/* wmediumd's numbers */
	assert_int_equal(lvl, LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("0", &lvl), 0);
	assert_int_equal(lvl, LOG_LEVEL_ERROR);
	assert_true(log_level_parse("loud", &lvl) < 0);
	assert_true(log_level_parse("8", &lvl) < 0);

	assert_int_equal(log_open_file(path), 0);
	log_set_level(LOG_LEVEL_NOTICE);
	log_info("hidden %d", 1);
	log_notice("shown %d", 2);
	log_error("error %s", "three");
	/* A flood from one source: five lines, then one saying how many were held back. */
	for (int i = 0; i < 100; i++)
		log_ratelimited(&lim, LOG_LEVEL_WARN, "flood %d", i);
	log_close();
	text = slurp(path);
	assert_int_equal(count(text, "hidden"), 0);
	assert_int_equal(count(text, "shown 2"), 1);
	assert_int_equal(count(text, "error three"), 1);
	assert_int_equal(count(text, "flood"), 5);
	assert_int_equal(count(text, "\n"), 7);
	assert_int_equal(lim.suppressed, 95);
	assert_non_null(strstr(text, "notice"));
	assert_non_null(strstr(text, "error "));
	unlink(path);
	assert_int_equal(log_open_file("/nonexistent-dir/x.log"), -ENOENT);
}

/* A file's lines carry the date; after logrotate's rename, SIGHUP's reopen writes anew. */
static void test_log_rotate(void **state)
{
	char path[] = "/tmp/wm-log-XXXXXX", moved[64];
	int fd = mkstemp(path), y, mo, d, h, mi, s, ms, zone;
	char level[16], word[16];
	const char *text;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(moved, sizeof(moved), "%s.1", path);
	log_set_level(LOG_LEVEL_NOTICE);
	assert_int_equal(log_open_file(path), 0);
	log_notice("before");
	assert_int_equal(rename(path, moved), 0);
	log_notice("still old");
	assert_int_equal(log_reopen(), 0);
	log_warn("after");
	log_close();
	assert_int_equal(log_reopen(), 0);	/* no file: nothing to do */

	text = slurp(moved);
	assert_int_equal(count(text, "\n"), 2);
	assert_int_equal(sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%5d %15s %15s", &y, &mo, &d, &h,
				&mi, &s, &ms, &zone, level, word), 10);
	assert_true(y >= 2024 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
	assert_string_equal(level, "notice");
	assert_string_equal(word, "before");
	assert_non_null(strstr(text, "still old"));
	text = slurp(path);
	assert_int_equal(count(text, "\n"), 1);
	assert_non_null(strstr(text, " warn   after"));
	unlink(path);
	unlink(moved);
}

static bool odd_key(uint64_t key, void *ctx)
{
	(void)ctx;
	return key & 1;
}

static void test_map64(void **state)
{
	struct map64 m;
	uint32_t *v;

	(void)state;
	map64_init(&m, sizeof(uint32_t));
	assert_null(map64_get(&m, 5));
	assert_false(map64_del(&m, 5));
	/* Enough to grow several times; keys far apart and adjacent, 0 included. */
	for (uint64_t k = 0; k < 5000; k++) {
		v = map64_put(&m, k * 0x100000001ull);
		assert_int_equal(*v, 0);	/* new values start zeroed */
		*v = (uint32_t)k + 1;
	}
	assert_int_equal(m.count, 5000);
	for (uint64_t k = 0; k < 5000; k++) {
		v = map64_get(&m, k * 0x100000001ull);
		assert_non_null(v);
		assert_int_equal(*v, k + 1);
	}
	assert_null(map64_get(&m, 12345));
	/* put on a present key returns its value, unchanged. */
	assert_int_equal(*(uint32_t *)map64_put(&m, 7 * 0x100000001ull), 8);
	/* Delete, then put again: a tombstone does not hide what follows it. */
	for (uint64_t k = 0; k < 5000; k += 2)
		assert_true(map64_del(&m, k * 0x100000001ull));
	assert_int_equal(m.count, 2500);
	for (uint64_t k = 1; k < 5000; k += 2)
		assert_int_equal(*(uint32_t *)map64_get(&m, k * 0x100000001ull), k + 1);
	for (int round = 0; round < 10; round++)
		for (uint64_t k = 0; k < 5000; k += 2) {
			*(uint32_t *)map64_put(&m, k * 0x100000001ull) = 1;
			map64_del(&m, k * 0x100000001ull);
		}
	assert_int_equal(m.count, 2500);
	assert_true(m.cap <= 16384);	/* churn rebuilds in place, it does not grow */
	/* Remove by predicate: keys k * 0x100000001 are odd exactly when k is. */
	map64_del_if(&m, odd_key, NULL);
	assert_int_equal(m.count, 0);
	map64_clear(&m);
	assert_null(map64_get(&m, 0x100000001ull));
	map64_free(&m);
}

/* Quantiles within 1/16 of the exact ones, exact for small values; max exact. */
static void test_hist(void **state)
{
	static struct hist h;
	uint64_t x = 88172645463325252ull;

	(void)state;
	assert_int_equal(hist_quantile(&h, 0.5), 0);
	for (uint64_t v = 1; v <= 31; v++)
		hist_add(&h, v);
	assert_int_equal(hist_quantile(&h, 0.5), 16);
	assert_int_equal(hist_quantile(&h, 1.0), 31);
	assert_int_equal(hist_quantile(&h, 0.0), 1);

	memset(&h, 0, sizeof(h));
	/* 1..100000: p50 = 50000, p99 = 99000, within 1/16 above. */
	for (uint64_t v = 1; v <= 100000; v++)
		hist_add(&h, v);
	assert_true(hist_quantile(&h, 0.5) >= 50000);
	assert_true(hist_quantile(&h, 0.5) <= 50000 + 50000 / 16);
	assert_true(hist_quantile(&h, 0.99) >= 99000);
	assert_true(hist_quantile(&h, 0.99) <= 100000);
	assert_int_equal(hist_quantile(&h, 1.0), 100000);
	assert_int_equal(h.count, 100000);

	/* Any value: the bucket's top is at or above it and within 1/16 of it. */
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < 10000; i++) {
		uint64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (x % 64);
		memset(&h, 0, sizeof(h));
		hist_add(&h, v);
		hist_add(&h, UINT64_MAX);
		assert_true(hist_quantile(&h, 0.5) >= v);
		assert_true(hist_quantile(&h, 0.5) - v <= v / 16);
	}
	assert_int_equal(hist_quantile(&h, 1.0), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_unix_path_claim),
		cmocka_unit_test(test_outbuf),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_log_rotate),
		cmocka_unit_test(test_map64),
		cmocka_unit_test(test_hist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
