/* SPDX-License-Identifier: MIT */
/*
 * Many airport agents against one wifimedium: starts the daemon on a unix
 * socket, connects N synthetic agents (one radio each, its identity its
 * address), and for T seconds keeps W unicast frames in flight per agent,
 * each to the next agent on its channel. Reports frames and deliveries per
 * second, the daemon's CPU time per frame and its own totals. One thread,
 * one epoll; the load generator shares the machine with the daemon, so its
 * CPU time is reported too. With --beacons B, B of the agents are APs
 * that send a beacon every 100 TU (102.4 ms) at 6 Mb/s on K channels, and
 * nothing else happens: the rest only listen. docs/benchmarks.md has
 * numbers.
 *
 *   airport-peers [--agents N] [--seconds T] [--window W] [--channels K]
 *                 [--size BYTES] [--attempts A] [--addressee-only]
 *                 [--beacons B] [--wifimedium PATH] [--capture FILE]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proto/hwsim.h"
#include "proto/stream.h"
#include "util/util.h"

#define PIDFD_TAG UINT32_MAX
#define BARRIER_TOKEN 0x62617272u	/* its PONG says the medium took our ADD_MAC_ADDR */
#define OUT_MAX 16384			/* a batch of frames and PONGs for one send() */
#define BEACON_US 102400		/* 100 TU */

/* 20 MHz channels of the 5 GHz band that do not overlap: 36..64, 100..144, 149..165. */
static const uint16_t chan_freq[] = {
	5180, 5200, 5220, 5240, 5260, 5280, 5300, 5320, 5500, 5520, 5540, 5560, 5580,
	5600, 5620, 5640, 5660, 5680, 5700, 5720, 5745, 5765, 5785, 5805, 5825,
};

struct options {
	unsigned int agents, seconds, window, channels, size, attempts, beacons;
	bool addressee_only;
	const char *wifimedium;
	const char *capture;		/* the daemon writes its capture there (-p) */
};

enum agent_state {
	AGENT_HELLO,		/* HELLO sent */
	AGENT_WELCOMED,		/* ADD_MAC_ADDR and the barrier PING sent */
	AGENT_READY,		/* the barrier's PONG came: the medium knows our address */
	AGENT_DEAD,
};

struct agent {
	int fd;
	enum agent_state state;
	uint8_t addr[6];
	uint32_t freq;
	unsigned int inflight, seq;
	uint64_t statuses;
	uint64_t next_beacon;		/* an AP's (--beacons) next beacon, CLOCK_MONOTONIC us */
	uint8_t *frame;			/* the 802.11 data frame to the next agent, or a beacon */
	uint8_t *in;
	size_t have, out_len;
	uint8_t out[OUT_MAX];
};

struct bench {
	struct options o;
	struct agent *a;
	int ep, pidfd;
	pid_t pid;
	bool sending, daemon_gone;
	unsigned int ready, lost;
	uint64_t sent, acked, failed, deliveries, to_addressee, bad, lat_sum, lat_max;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* utime + stime of pid in seconds, from /proc/PID/stat; -1 if it cannot be read. */
static double proc_cpu(pid_t pid)
{
	char path[64], buf[1024] = "", *p;
	unsigned long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	/* comm may hold spaces and parentheses: fields count from the last ')'. */
	p = p ? strrchr(buf, ')') : NULL;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/*
 * Seconds all CPUs spent idle, and stolen by the hypervisor for other
 * machines, from /proc/stat. Idle time is measured when CPUs enter and
 * leave idle (NO_HZ); busy time is only sampled on ticks, which misses
 * much of two processes waking each other all the time.
 */
static void machine_times(double *idle_s, double *steal_s)
{
	unsigned long long idle = 0, iowait = 0, steal = 0;
	FILE *f = fopen("/proc/stat", "r");

	if (f && fscanf(f, "cpu %*u %*u %*u %llu %llu %*u %*u %llu", &idle, &iowait, &steal) != 3)
		idle = iowait = steal = 0;
	if (f)
		fclose(f);
	*idle_s = (double)(idle + iowait) / (double)sysconf(_SC_CLK_TCK);
	*steal_s = (double)steal / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void agent_fail(struct bench *b, struct agent *a, const char *why)
{
	if (a->state == AGENT_DEAD)
		return;
	/* A dying daemon closes every socket at once: the first few say enough. */
	if (b->lost < 3)
		fprintf(stderr, "airport-peers: agent %td: %s\n", a - b->a, why);
	else if (b->lost == 3)
		fprintf(stderr, "airport-peers: more agents lost\n");
	if (a->state == AGENT_READY)
		b->ready--;
	a->state = AGENT_DEAD;
	b->lost++;
	epoll_ctl(b->ep, EPOLL_CTL_DEL, a->fd, NULL);
	close(a->fd);
	a->fd = -1;
}

/*
 * Send the batch. The socket blocks, with a send timeout: the medium never
 * waits for us (it queues, or drops for slow readers), so a blocked send
 * waits only for the daemon to read, and a hung daemon becomes an error.
 */
static void agent_flush(struct bench *b, struct agent *a)
{
	for (size_t off = 0; off < a->out_len && a->state != AGENT_DEAD;) {
		ssize_t n = send(a->fd, a->out + off, a->out_len - off, MSG_NOSIGNAL);

		if (n < 0 && errno != EINTR)
			agent_fail(b, a, errno == EAGAIN ? "the daemon did not read for 5 s" :
				   strerror(errno));
		off += n > 0 ? (size_t)n : 0;
	}
	a->out_len = 0;
}

/* Append one stream message, or one hwsim message as HWSIM (is_hwsim), to the batch. */
static void agent_put(struct bench *b, struct agent *a, const void *msg, ssize_t len,
		      bool is_hwsim)
{
	if (len < 0) {
		agent_fail(b, a, strerror((int)-len));
		return;
	}
	if (a->out_len + STREAM_HDR_LEN + (size_t)len > OUT_MAX)
		agent_flush(b, a);
	if (a->state == AGENT_DEAD)
		return;
	if (is_hwsim)
		len = stream_encode_hwsim(a->out + a->out_len, OUT_MAX - a->out_len, msg, (size_t)len);
	else
		memcpy(a->out + a->out_len, msg, (size_t)len);
	if (len < 0)
		agent_fail(b, a, strerror((int)-len));
	else
		a->out_len += (size_t)len;
}

static void agent_send_frame(struct bench *b, struct agent *a)
{
	uint8_t buf[HWSIM_MSG_MAX] __attribute__((aligned(4)));
	/* Data at 54 Mb/s (index 7), beacons at 6 (index 0), once. */
	struct hwsim_rate rates[HWSIM_TX_MAX_RATES] = {
		{ b->o.beacons ? 0 : 7, (uint8_t)(b->o.beacons ? 1 : b->o.attempts), 0 },
		{ -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};
	/* The cookie carries the time it was sent: the status comes back with it. */
	uint64_t cookie = now_us() << 8 | (a->seq++ & 0xff);

	if (a->state == AGENT_DEAD)
		return;
	agent_put(b, a, buf, hwsim_encode_frame_tx(buf, sizeof(buf), 0, 0, a->addr, a->frame,
						   b->o.size, HWSIM_TX_CTL_REQ_TX_STATUS, rates,
						   cookie, a->freq), true);
	if (a->state == AGENT_DEAD)
		return;
	a->inflight++;
	b->sent++;
}

/* A TX status frees a slot of the window, which the next frame takes. */
static void on_status(struct bench *b, struct agent *a, const struct hwsim_msg *m)
{
	uint64_t lat = now_us() - (m->cookie >> 8);

	if (!a->inflight || !mac_equal(m->transmitter, a->addr)) {
		b->bad++;
		return;
	}
	b->lat_sum += lat;
	if (lat > b->lat_max)
		b->lat_max = lat;
	a->inflight--;
	a->statuses++;
	if (m->flags & HWSIM_TX_STAT_ACK)
		b->acked++;
	else
		b->failed++;
	if (b->sending && !b->o.beacons)
		agent_send_frame(b, a);
}

static void on_hwsim(struct bench *b, struct agent *a, const uint8_t *msg, size_t len)
{
	static uint32_t copy[STREAM_PAYLOAD_MAX / 4];
	struct hwsim_msg m;

	/* After a WELCOME of odd length a payload is misaligned for hwsim_decode(). */
	if ((uintptr_t)msg & 3)
		msg = memcpy(copy, msg, len);
	if (hwsim_decode(msg, len, &m, NULL) < 0) {
		b->bad++;
	} else if (m.cmd == HWSIM_CMD_TX_INFO_FRAME) {
		on_status(b, a, &m);
	} else if (m.cmd == HWSIM_CMD_FRAME && hwsim_has(&m, HWSIM_ATTR_ADDR_RECEIVER)) {
		b->deliveries++;
		b->to_addressee += m.frame_len >= 10 && mac_equal(m.frame + 4, a->addr);
	} else {
		b->bad++;
	}
}

static void on_msg(struct bench *b, struct agent *a, const struct stream_msg *m)
{
	uint8_t buf[128] __attribute__((aligned(4)));
	char why[STREAM_TEXT_MAX + 32];

	switch ((enum stream_type)m->type) {
	case STREAM_WELCOME:
		if (a->state != AGENT_HELLO)
			break;
		a->state = AGENT_WELCOMED;
		agent_put(b, a, buf, hwsim_encode_mac_addr(buf, sizeof(buf), 0, 0, true, a->addr,
							   a->addr), true);
		agent_put(b, a, buf, stream_encode_ping(buf, sizeof(buf), BARRIER_TOKEN), false);
		break;
	case STREAM_PONG:
		if (m->token == BARRIER_TOKEN && a->state == AGENT_WELCOMED) {
			a->state = AGENT_READY;
			b->ready++;
		}
		break;
	case STREAM_PING:
		agent_put(b, a, buf, stream_encode_pong(buf, sizeof(buf), m->token), false);
		break;
	case STREAM_HWSIM:
		on_hwsim(b, a, m->hwsim.msg, m->hwsim.len);
		break;
	case STREAM_REFUSE:
	case STREAM_BYE:
		snprintf(why, sizeof(why), "%s (%u): %.*s", stream_type_name(m->type),
			 m->bye.reason, (int)m->bye.text_len, m->bye.text);
		agent_fail(b, a, why);
		break;
	case STREAM_CHALLENGE:
	case STREAM_HELLO:
		agent_fail(b, a, "the daemon wants a secret, or broke the protocol");
		break;
	}
}

static void agent_readable(struct bench *b, struct agent *a)
{
	ssize_t n = recv(a->fd, a->in + a->have, STREAM_MSG_MAX - a->have, MSG_DONTWAIT);
	size_t off = 0;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		agent_fail(b, a, n ? strerror(errno) : "the daemon closed the connection");
		return;
	}
	a->have += (size_t)n;
	while (a->state != AGENT_DEAD) {
		struct stream_msg m;
		size_t used = 0;
		const char *why = "?";
		int ret = stream_parse(a->in + off, a->have - off, &m, &used, &why);

		if (ret == 0)
			break;
		if (ret < 0) {
			agent_fail(b, a, why);
			return;
		}
		off += used;
		on_msg(b, a, &m);
	}
	if (a->state == AGENT_DEAD)
		return;
	memmove(a->in, a->in + off, a->have - off);
	a->have -= off;
	agent_flush(b, a);
}

/* Serve every socket until deadline (CLOCK_MONOTONIC us). -1 once the daemon is gone. */
static int pump(struct bench *b, uint64_t deadline)
{
	struct epoll_event evs[64];
	uint64_t now = now_us();
	int n = epoll_wait(b->ep, evs, ARRAY_SIZE(evs),
			   now >= deadline ? 0 : (int)((deadline - now + 999) / 1000));

	for (int i = 0; i < n; i++) {
		if (evs[i].data.u32 == PIDFD_TAG)
			b->daemon_gone = true;
		else if (b->a[evs[i].data.u32].state != AGENT_DEAD)
			agent_readable(b, &b->a[evs[i].data.u32]);
	}
	return b->daemon_gone ? -1 : 0;
}

static int daemon_start(struct bench *b, const char *sock, const char *log)
{
	char spec[PATH_MAX], pending[64];
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = PIDFD_TAG };
	const char *argv[14] = { b->o.wifimedium, "-l", "notice", "--log-file", log, "--airport",
				 spec, "--limit", pending };
	int argc = 9;

	if (b->o.addressee_only)
		argv[argc++] = "--addressee-only";
	if (b->o.capture) {
		argv[argc++] = "-p";
		argv[argc++] = b->o.capture;
	}
	snprintf(spec, sizeof(spec), "unix:%s", sock);
	/* Every agent connects before any says HELLO. */
	snprintf(pending, sizeof(pending), "airport-pending=%u", b->o.agents + 1);
	b->pid = fork();
	if (b->pid < 0)
		return -errno;
	if (b->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);	/* never outlive a crashed bench */
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "airport-peers: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	b->pidfd = pidfd_open(b->pid, 0);
	if (b->pidfd < 0 || epoll_ctl(b->ep, EPOLL_CTL_ADD, b->pidfd, &ev) < 0)
		return -errno;
	return 0;
}

/* SIGTERM, then SIGKILL after 10 s. Its wait status, or -1. Our sockets wait meanwhile. */
static int daemon_stop(struct bench *b)
{
	struct pollfd pfd = { b->pidfd, POLLIN, 0 };
	int status;

	if (b->pid <= 0)
		return -1;
	kill(b->pid, SIGTERM);
	if (poll(&pfd, 1, 10000) == 0) {
		fprintf(stderr, "airport-peers: wifimedium ignored SIGTERM for 10 s: killed\n");
		kill(b->pid, SIGKILL);
	}
	return waitpid(b->pid, &status, 0) == b->pid ? status : -1;
}

/* A connected socket, retrying for 5 s while the daemon starts. fd or -errno. */
static int connect_sock(struct bench *b, const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { 5, 0 };
	uint64_t deadline = now_us() + 5000000;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
			return fd;
		}
		close(fd);
		if ((errno != ENOENT && errno != ECONNREFUSED) || now_us() > deadline)
			return -errno;
		if (pump(b, now_us() + 10000) < 0)
			return -ECHILD;
	}
}

/* Connect and HELLO every agent, then wait (10 s) until the medium knows every address. */
static int agents_start(struct bench *b, const char *sock)
{
	unsigned int n = b->o.agents, k = b->o.channels;
	uint64_t deadline;

	for (unsigned int i = 0; i < n; i++) {
		struct agent *a = &b->a[i];
		/* The next agent on the same channel, wrapping to the channel's first. */
		unsigned int peer = i + k < n ? i + k : i % k;
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		uint8_t buf[128];
		char name[32];

		a->fd = connect_sock(b, sock);
		if (a->fd < 0) {
			if (!b->daemon_gone)
				fprintf(stderr, "airport-peers: connecting agent %u: %s\n", i,
					strerror(-a->fd));
			return -1;
		}
		a->state = AGENT_HELLO;
		memcpy(a->addr, (uint8_t[6]){ 0x02, 0x77, 0, 0, (uint8_t)(i >> 8), (uint8_t)i }, 6);
		a->freq = chan_freq[i % k];
		a->frame = xcalloc(1, b->o.size);
		if (b->o.beacons) {
			/* A beacon: broadcast, from and of the AP's BSS. */
			a->frame[0] = 0x80;
			memset(a->frame + 4, 0xff, 6);
			memcpy(a->frame + 10, a->addr, 6);
			memcpy(a->frame + 16, a->addr, 6);
		} else {
			a->frame[0] = 0x08;	/* data, so the addressee ACKs it */
			memcpy(a->frame + 4, a->addr, 6);
			a->frame[8] = (uint8_t)(peer >> 8);
			a->frame[9] = (uint8_t)peer;
			memcpy(a->frame + 10, a->addr, 6);
			memcpy(a->frame + 16, a->frame + 4, 6);
		}
		a->in = xmalloc(STREAM_MSG_MAX);
		epoll_ctl(b->ep, EPOLL_CTL_ADD, a->fd, &ev);
		snprintf(name, sizeof(name), "agent-%u", i);
		agent_put(b, a, buf, stream_encode_hello(buf, sizeof(buf), 1, 1, 0, 1, name, NULL),
			  false);
		agent_flush(b, a);
	}
	for (deadline = now_us() + 10000000; b->ready < n && !b->lost;) {
		if (now_us() > deadline) {
			fprintf(stderr, "airport-peers: %u of %u agents not ready within 10 s\n",
				n - b->ready, n);
			return -1;
		}
		if (pump(b, now_us() + 100000) < 0)
			return -1;
	}
	return b->lost ? -1 : 0;
}

/* CPU over a measured stretch: the daemon's, the bench's, and the machine's idle time. */
struct cpu_span {
	uint64_t t0;
	double daemon, self, idle, steal, wall;	/* seconds; at the start, the readings */
	long ncpu;
};

static void span_start(struct cpu_span *c, const struct bench *b)
{
	c->t0 = now_us();
	c->daemon = proc_cpu(b->pid);
	c->self = self_cpu();
	machine_times(&c->idle, &c->steal);
	c->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
}

static void span_stop(struct cpu_span *c, const struct bench *b)
{
	double idle, steal;

	c->daemon = proc_cpu(b->pid) - c->daemon;
	c->self = self_cpu() - c->self;
	machine_times(&idle, &steal);
	c->idle = idle - c->idle;
	c->steal = steal - c->steal;
	c->wall = (double)(now_us() - c->t0) / 1e6;
}

/* After a run: 5 s for the statuses still owed, then what never came. */
static int drain(struct bench *b)
{
	uint64_t missing;

	for (uint64_t drained = now_us() + 5000000; now_us() < drained;)
		if (b->sent == b->acked + b->failed || pump(b, now_us() + 100000) < 0)
			break;
	missing = b->sent - b->acked - b->failed;
	printf("then: %lu statuses never came (5 s drain), %u agents lost, %lu bad messages\n",
	       (unsigned long)missing, b->lost, (unsigned long)b->bad);
	return missing || b->lost || b->bad ? -1 : 0;
}

/* The measured run: fill every window, keep it full for T s, then drain (5 s). */
static int run(struct bench *b)
{
	unsigned int n = b->o.agents;
	struct cpu_span c;
	uint64_t end, statuses, deliveries, lo = UINT64_MAX, hi = 0;
	double dcpu, wall, sum = 0, sq = 0;

	span_start(&c, b);
	end = c.t0 + (uint64_t)b->o.seconds * 1000000;
	b->sending = true;
	for (unsigned int i = 0; i < n; i++) {
		for (unsigned int w = 0; w < b->o.window; w++)
			agent_send_frame(b, &b->a[i]);
		agent_flush(b, &b->a[i]);
	}
	while (now_us() < end && pump(b, end) == 0)
		;
	span_stop(&c, b);
	dcpu = c.daemon;
	wall = c.wall;
	b->sending = false;
	if (b->daemon_gone)
		return -1;
	statuses = b->acked + b->failed;
	deliveries = b->deliveries;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t x = b->a[i].statuses;

		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
		sum += (double)x;
		sq += (double)x * (double)x;
	}
	printf("%u agents, %u channel%s, %u B at 54 Mb/s x%u, window %u%s: %.2f s\n", n,
	       b->o.channels, b->o.channels > 1 ? "s" : "", b->o.size, b->o.attempts, b->o.window,
	       b->o.addressee_only ? ", addressee only" : "", wall);
	printf("sent %lu frames; %lu statuses (%lu acked, %lu failed) after %.1f ms on average, "
	       "%.1f at most; %lu deliveries (%lu to the addressee)\n",
	       (unsigned long)b->sent, (unsigned long)statuses, (unsigned long)b->acked,
	       (unsigned long)b->failed, statuses ? (double)b->lat_sum / 1e3 / (double)statuses : 0,
	       (double)b->lat_max / 1e3, (unsigned long)deliveries,
	       (unsigned long)b->to_addressee);
	/* What else ran, roughly: on a shared machine the numbers mean little without it. */
	printf("%.0f frames/s (%.1f%% acked), %.0f deliveries/s; daemon CPU %.2f s (%.0f%%), "
	       "%.1f us per frame; bench CPU %.0f%%; machine busy %.0f%% of %ld CPUs, steal %.0f%%\n",
	       (double)statuses / wall, statuses ? 100.0 * (double)b->acked / (double)statuses : 0.0,
	       (double)deliveries / wall, dcpu, 100 * dcpu / wall,
	       statuses ? dcpu * 1e6 / (double)statuses : 0.0, 100 * c.self / wall,
	       100 * ((double)c.ncpu - c.idle / wall), c.ncpu, 100 * c.steal / wall);
	/* Jain's index: 1 when every agent got as many frames through, 1/n when one got all. */
	printf("frames per agent: min %lu, max %lu, Jain fairness %.3f\n", (unsigned long)lo,
	       (unsigned long)hi, sq > 0 ? sum * sum / (n * sq) : 0.0);
	return drain(b);
}

/*
 * --beacons: each AP beacons every 100 TU for T s, the APs staggered over
 * the interval; the other agents only listen. What it costs the daemon.
 */
static int run_beacons(struct bench *b)
{
	unsigned int nb = b->o.beacons;
	struct cpu_span c;
	uint64_t end;
	double dcpu, wall;

	span_start(&c, b);
	end = c.t0 + (uint64_t)b->o.seconds * 1000000;
	b->sending = true;
	for (unsigned int i = 0; i < nb; i++)
		b->a[i].next_beacon = c.t0 + (uint64_t)i * BEACON_US / nb;
	for (;;) {
		uint64_t now = now_us(), next = end;

		for (unsigned int i = 0; i < nb; i++) {
			struct agent *a = &b->a[i];

			if (a->state != AGENT_READY)
				continue;
			if (a->next_beacon <= now) {
				agent_send_frame(b, a);
				agent_flush(b, a);
				a->next_beacon += BEACON_US;
			}
			next = a->next_beacon < next ? a->next_beacon : next;
		}
		if (now >= end || pump(b, next) < 0)
			break;
	}
	span_stop(&c, b);
	dcpu = c.daemon;
	wall = c.wall;
	b->sending = false;
	if (b->daemon_gone)
		return -1;
	printf("%u agents, %u of them beaconing every %.1f ms on %u channel%s, %u B at 6 Mb/s%s: "
	       "%.2f s\n", b->o.agents, nb, BEACON_US / 1e3, b->o.channels,
	       b->o.channels > 1 ? "s" : "", b->o.size, b->o.addressee_only ? ", addressee only" : "",
	       wall);
	printf("sent %lu beacons (%.0f/s); %lu deliveries (%.0f/s, %.1f per beacon)\n",
	       (unsigned long)b->sent, (double)b->sent / wall, (unsigned long)b->deliveries,
	       (double)b->deliveries / wall, b->sent ? (double)b->deliveries / (double)b->sent : 0.0);
	printf("daemon CPU %.3f s: %.1f%% of one core, %.1f us per beacon, %.2f us per delivery; "
	       "bench CPU %.0f%%; machine busy %.0f%% of %ld CPUs, steal %.0f%%\n", dcpu,
	       100 * dcpu / wall,
	       b->sent ? dcpu * 1e6 / (double)b->sent : 0.0,
	       b->deliveries ? dcpu * 1e6 / (double)b->deliveries : 0.0, 100 * c.self / wall,
	       100 * ((double)c.ncpu - c.idle / wall), c.ncpu, 100 * c.steal / wall);
	return drain(b);
}

/* The daemon's account: its totals, and the first few things it warned about. */
static void show_log(const char *log)
{
	char line[1024];
	unsigned int warnings = 0;
	FILE *f = fopen(log, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *text = strchr(line, ' ');

		if (!text)
			continue;
		if (strstr(text, " totals: ") || strstr(text, "latency beyond airtime") ||
		    strstr(text, " sessions, ") || strstr(text, "capture: closed"))
			printf("wifimedium: %s", text + 1);
		else if ((!strncmp(text + 1, "warn", 4) || !strncmp(text + 1, "error", 5)) &&
			 warnings++ < 5)
			printf("wifimedium: %s", text + 1);
	}
	fclose(f);
	printf("wifimedium: %u warnings and errors in its log\n", warnings);
}

static const struct option long_options[] = {
	{ "agents", required_argument, NULL, 'n' },
	{ "seconds", required_argument, NULL, 't' },
	{ "window", required_argument, NULL, 'w' },
	{ "channels", required_argument, NULL, 'k' },
	{ "size", required_argument, NULL, 's' },
	{ "attempts", required_argument, NULL, 'a' },
	{ "addressee-only", no_argument, NULL, 'o' },
	{ "beacons", required_argument, NULL, 'b' },
	{ "wifimedium", required_argument, NULL, 'W' },
	{ "capture", required_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* 0 to run, 1 to exit successfully (--help), -1 on a bad command line. */
static int parse_options(int argc, char **argv, struct options *o, char exe[PATH_MAX])
{
	static const struct { int opt; unsigned int lo, hi; } bounds[] = {
		{ 'n', 2, 1000 }, { 't', 1, 3600 }, { 'w', 1, 64 },
		{ 'k', 1, ARRAY_SIZE(chan_freq) }, { 's', 24, HWSIM_RX_FRAME_MAX }, { 'a', 1, 15 },
		{ 'b', 0, 1000 },
	};
	unsigned int *field[] = { &o->agents, &o->seconds, &o->window, &o->channels, &o->size,
				  &o->attempts, &o->beacons };
	ssize_t len;
	int c;

	*o = (struct options){ 100, 10, 4, 1, 200, 1, 0, false, NULL, NULL };
	while ((c = getopt_long(argc, argv, "n:t:w:k:s:a:b:h", long_options, NULL)) != -1) {
		size_t i = 0;
		unsigned long v;
		char *end;

		if (c == 'p') {
			o->capture = optarg;
			continue;
		}
		if (c == 'o' || c == 'W') {
			o->addressee_only |= c == 'o';
			o->wifimedium = c == 'W' ? optarg : o->wifimedium;
			continue;
		}
		while (i < ARRAY_SIZE(bounds) && bounds[i].opt != c)
			i++;
		if (i == ARRAY_SIZE(bounds)) {
			fprintf(c == 'h' ? stdout : stderr,
				"usage: airport-peers [--agents N (100)] [--seconds T (10)] [--window W (4)]\n"
				"  [--channels K (1)] [--size BYTES (200)] [--attempts A (1)]\n"
				"  [--addressee-only] [--beacons B (0: unicast data)]\n"
				"  [--wifimedium PATH (BUILD/src/wifimedium)]\n"
				"  [--capture FILE (the daemon captures to FILE)]\n");
			return c == 'h' ? 1 : -1;
		}
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (errno || *end || end == optarg || v < bounds[i].lo || v > bounds[i].hi) {
			fprintf(stderr, "airport-peers: want %u..%u: `%s'\n", bounds[i].lo,
				bounds[i].hi, optarg);
			return -1;
		}
		*field[i] = (unsigned int)v;
	}
	if (optind < argc || (o->beacons ? o->beacons < o->channels || o->beacons > o->agents :
					   o->agents < 2 * o->channels)) {
		fprintf(stderr, "airport-peers: %s\n", optind < argc ? "unexpected argument" :
			o->beacons ? "every channel needs an AP, and APs are agents "
			"(--channels <= --beacons <= --agents)" :
			"every channel needs two agents (--agents >= 2 x --channels)");
		return -1;
	}
	if (!o->wifimedium) {
		/* The build tree's daemon: BUILD/bench/airport-peers -> BUILD/src/wifimedium. */
		len = readlink("/proc/self/exe", exe, PATH_MAX - 32);
		if (len < 0)
			return -1;
		exe[len] = 0;
		strcat(dirname(exe), "/../src/wifimedium");
		o->wifimedium = exe;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char exe[PATH_MAX], dir[] = "/tmp/airport-peers.XXXXXX", sock[64], log[64];
	struct bench b = { .pidfd = -1 };
	int ret = parse_options(argc, argv, &b.o, exe), status;

	if (ret)
		return ret > 0 ? 0 : 2;
	ret = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);	/* in order with our complaints on stderr */
	if (access(b.o.wifimedium, X_OK) < 0) {
		fprintf(stderr, "airport-peers: %s: %s (--wifimedium PATH)\n", b.o.wifimedium,
			strerror(errno));
		return 2;
	}
	if (!mkdtemp(dir) || (b.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		perror("airport-peers");
		return 1;
	}
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	snprintf(log, sizeof(log), "%s/wifimedium.log", dir);
	b.a = xcalloc(b.o.agents, sizeof(*b.a));
	for (unsigned int i = 0; i < b.o.agents; i++)
		b.a[i].fd = -1;
	if (daemon_start(&b, sock, log) < 0)
		perror("airport-peers: starting wifimedium");
	else if (agents_start(&b, sock) == 0 && (b.o.beacons ? run_beacons(&b) : run(&b)) == 0)
		ret = 0;
	if (b.daemon_gone)
		fprintf(stderr, "airport-peers: wifimedium exited before we stopped it\n");
	status = daemon_stop(&b);
	if (status != -1 && WIFSIGNALED(status))
		fprintf(stderr, "airport-peers: wifimedium was killed by signal %d (%s)\n",
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (status == -1 || WEXITSTATUS(status))
		fprintf(stderr, "airport-peers: wifimedium exited with status %d\n",
			status == -1 ? -1 : WEXITSTATUS(status));
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status))
		ret = 1;
	show_log(log);
	for (unsigned int i = 0; i < b.o.agents; i++) {
		if (b.a[i].fd >= 0)
			close(b.a[i].fd);
		free(b.a[i].frame);
		free(b.a[i].in);
	}
	free(b.a);
	if (ret == 0) {
		unlink(log);
		unlink(sock);
		rmdir(dir);
	} else {
		fprintf(stderr, "airport-peers: the daemon's log stays in %s\n", dir);
	}
	return ret;
}
