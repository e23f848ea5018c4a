/* SPDX-License-Identifier: MIT */
/*
 * airport: the guest-side agent for hypervisors that cannot present virtio
 * device 29. It registers as the medium of its own kernel's hwsim radios
 * (generic netlink) and carries every hwsim message to wifimedium and back
 * over a stream (docs/stream-protocol.md): a virtio-serial port, vsock, TCP
 * or a unix socket. While the medium is away it answers every frame with a
 * failed TX status, so the guest's Wi-Fi stack never stalls, and it
 * reconnects on its own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libmnl/libmnl.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/log.h"
#include "util/loop.h"
#include "proto/hwsim.h"
#include "proto/stream.h"
#include "proto/stream_tls.h"
#include "guest/hwsim_nl.h"
#include "util/outbuf.h"
#include "util/util.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define PENDING_MAX 4096	/* frames handed to the medium and not yet answered */
#define OUT_LIMIT (4u << 20)	/* bytes queued for a medium that does not read */

enum link_state {
	LINK_DOWN,
	LINK_CONNECTING,
	LINK_TLS,		/* TCP with a secret: the TLS handshake */
	LINK_HELLO,		/* HELLO sent, waiting for WELCOME */
	LINK_UP,
};

struct addr_entry {
	uint8_t radio[6], addr[6];
	unsigned int count;
};

struct pending_tx {
	uint8_t radio[6];
	uint64_t cookie;
	uint32_t flags;
};

struct agent {
	struct loop *loop;
	const char *connect;
	char name[STREAM_NAME_MAX + 1];
	uint8_t secret[256];
	size_t secret_len;
	uint16_t radios;

	struct hwsim_nl *nl;
	uint16_t family;
	struct loop_watch nl_watch;

	int fd;
	struct loop_watch watch;
	enum link_state state;
	bool vport, tcp;
	SSL_CTX *tls;			/* with a secret over TCP */
	SSL *ssl;
	uint64_t keepalive_us, last_rx, last_tx, retry_at;
	unsigned int backoff_ms;
	struct stream_rx in;
	struct outbuf out;

	int tick_fd;
	struct loop_watch tick;

	struct addr_entry *addrs;
	size_t naddrs, addrs_cap;
	struct pending_tx *pend;
	size_t npend;

	uint64_t failed_offline;	/* frames answered as failed while the medium was away */
	uint8_t nlbuf[65536] __attribute__((aligned(8)));
};

static void link_down(struct agent *a, const char *why);

/* ----------------------------------------------------------- kernel */

static void kernel_send(struct agent *a, void *msg, ssize_t len)
{
	struct nlmsghdr *nlh = msg;

	if (len <= 0)
		return;
	/* nlmsg_type means nothing across the stream: it is our kernel's family here. */
	nlh->nlmsg_type = a->family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 0;
	nlh->nlmsg_pid = 0;
	if (send(hwsim_nl_fd(a->nl), msg, (size_t)len, 0) < 0)
		log_debug("kernel: a message was refused: %s", strerror(errno));
}

/* A frame the medium will never answer: fail it, or the guest's queue fills. */
static void fail_frame(struct agent *a, const uint8_t radio[6], uint64_t cookie, uint32_t flags)
{
	struct hwsim_rate none[HWSIM_TX_MAX_RATES] = {
		{ -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};
	uint8_t buf[256] __attribute__((aligned(4)));

	kernel_send(a, buf, hwsim_encode_tx_info(buf, sizeof(buf), a->family, 0, radio,
						 flags & ~(uint32_t)HWSIM_TX_STAT_ACK, cookie, 0, none));
}

static void addr_note(struct agent *a, const struct hwsim_msg *m, bool add)
{
	for (size_t i = 0; i < a->naddrs; i++) {
		struct addr_entry *e = &a->addrs[i];

		if (!mac_equal(e->radio, m->transmitter) || !mac_equal(e->addr, m->receiver))
			continue;
		if (add)
			e->count++;
		else if (--e->count == 0)
			a->addrs[i] = a->addrs[--a->naddrs];
		return;
	}
	if (!add)
		return;
	if (a->naddrs == a->addrs_cap) {
		a->addrs_cap = a->addrs_cap ? 2 * a->addrs_cap : 16;
		a->addrs = xreallocarray(a->addrs, a->addrs_cap, sizeof(*a->addrs));
	}
	memcpy(a->addrs[a->naddrs].radio, m->transmitter, 6);
	memcpy(a->addrs[a->naddrs].addr, m->receiver, 6);
	a->addrs[a->naddrs++].count = 1;
}

/* ----------------------------------------------------------- medium */

/* Write what is queued (once connected); false if the link went down. */
static bool flush_out(struct agent *a)
{
	ssize_t n;

	if (a->fd < 0 || a->state == LINK_CONNECTING || a->state == LINK_TLS)
		return a->fd >= 0;
	n = stream_io_flush(a->ssl, &a->out, a->loop, &a->watch);
	if (n < 0) {
		link_down(a, strerror((int)-n));
		return false;
	}
	if (n > 0)
		a->last_tx = loop_now_us();
	return true;
}

static int queue_out(struct agent *a, const void *hdr, size_t hlen, const void *body, size_t blen)
{
	return outbuf_append(&a->out, hdr, hlen, body, blen, OUT_LIMIT);
}

static void send_msg(struct agent *a, const void *msg, ssize_t len)
{
	if (len > 0 && a->fd >= 0 && queue_out(a, msg, (size_t)len, NULL, 0) == 0)
		flush_out(a);
}

static int send_hwsim(struct agent *a, const void *msg, size_t len)
{
	uint8_t hdr[STREAM_HDR_LEN];
	ssize_t h = stream_encode_hwsim_header(hdr, sizeof(hdr), msg, len);

	if (h < 0)
		return (int)h;
	return queue_out(a, hdr, (size_t)h, msg, len);
}

static void send_hello(struct agent *a)
{
	uint8_t buf[STREAM_HDR_LEN + 128];

	a->state = LINK_HELLO;
	send_msg(a, buf, stream_encode_hello(buf, sizeof(buf), STREAM_VERSION, STREAM_VERSION, 0,
					     a->radios, a->name, NULL));
}

/* The medium is gone: fail what it had, try again later. */
static void link_down(struct agent *a, const char *why)
{
	if (a->fd < 0)
		return;
	log_warn("medium %s: %s; frames fail until it is back", a->connect, why);
	loop_unwatch(a->loop, &a->watch);
	SSL_free(a->ssl);
	a->ssl = NULL;
	close(a->fd);
	a->fd = -1;
	a->state = LINK_DOWN;
	stream_rx_reset(&a->in, false);
	outbuf_clear(&a->out);
	for (size_t i = 0; i < a->npend; i++)
		fail_frame(a, a->pend[i].radio, a->pend[i].cookie, a->pend[i].flags);
	a->failed_offline += a->npend;
	a->npend = 0;
	a->retry_at = loop_now_us() + (uint64_t)a->backoff_ms * 1000;
	a->backoff_ms = a->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : a->backoff_ms * 2;
}

static void on_welcome(struct agent *a, const struct stream_welcome *w)
{
	uint8_t buf[128] __attribute__((aligned(4)));

	a->state = LINK_UP;
	a->backoff_ms = BACKOFF_MIN_MS;
	a->keepalive_us = (uint64_t)w->keepalive_ms * 1000;
	log_notice("medium %s: connected as %s", a->connect, w->name);
	/* The medium knows nothing of this guest yet: tell it every address again. */
	for (size_t i = 0; i < a->naddrs; i++) {
		struct addr_entry *e = &a->addrs[i];

		for (unsigned int k = 0; k < e->count; k++)
			send_hwsim(a, buf, (size_t)hwsim_encode_mac_addr(buf, sizeof(buf), 0, 0, true,
									 e->radio, e->addr));
	}
	flush_out(a);
}

static void forget_pending(struct agent *a, const struct hwsim_msg *m)
{
	/* Answers come in order, mostly: search from the oldest. */
	for (size_t i = 0; i < a->npend; i++) {
		if (a->pend[i].cookie == m->cookie && mac_equal(a->pend[i].radio, m->transmitter)) {
			memmove(&a->pend[i], &a->pend[i + 1], (a->npend - i - 1) * sizeof(*a->pend));
			a->npend--;
			return;
		}
	}
}

static void on_stream_msg(struct agent *a, const struct stream_msg *m)
{
	uint8_t buf[STREAM_HDR_LEN + 8];

	switch ((enum stream_type)m->type) {
	case STREAM_WELCOME:
		on_welcome(a, &m->welcome);
		return;
	case STREAM_REFUSE:
	case STREAM_BYE: {
		char why[STREAM_TEXT_MAX + 64];

		snprintf(why, sizeof(why), "%s (%u): %.*s",
			 m->type == STREAM_REFUSE ? "refused" : "said goodbye", m->refuse.reason,
			 (int)m->refuse.text_len, m->refuse.text);
		/* A refusal for version or secret will not mend itself soon. */
		if (m->type == STREAM_REFUSE)
			a->backoff_ms = BACKOFF_MAX_MS;
		link_down(a, why);
		return;
	}
	case STREAM_HWSIM: {
		struct hwsim_msg h;
		static uint8_t copy[STREAM_PAYLOAD_MAX] __attribute__((aligned(8)));

		if (a->state != LINK_UP)
			break;
		memcpy(copy, m->hwsim.msg, m->hwsim.len);
		if (hwsim_decode(copy, m->hwsim.len, &h, NULL) == 0 &&
		    h.cmd == HWSIM_CMD_TX_INFO_FRAME)
			forget_pending(a, &h);
		kernel_send(a, copy, (ssize_t)m->hwsim.len);
		return;
	}
	case STREAM_PING:
		send_msg(a, buf, stream_encode_pong(buf, sizeof(buf), m->token));
		return;
	case STREAM_PONG:
		return;
	case STREAM_HELLO:
	case STREAM_CHALLENGE:		/* version 1's HMAC handshake: TLS does its work now */
		break;
	}
	link_down(a, "the medium broke the protocol");
}

static bool agent_msg(void *data, const struct stream_msg *m)
{
	struct agent *a = data;

	on_stream_msg(a, m);
	return a->fd >= 0;
}

static void stream_event(struct loop_watch *w, uint32_t events)
{
	struct agent *a = w->opaque;

	if (a->state == LINK_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			link_down(a, strerror(err));
			return;
		}
		loop_rewatch(a->loop, &a->watch, EPOLLIN);
		if (a->tls && a->tcp) {
			a->ssl = SSL_new(a->tls);
			if (!a->ssl || !SSL_set_fd(a->ssl, a->fd)) {
				link_down(a, "cannot start TLS");
				return;
			}
			SSL_set_connect_state(a->ssl);
			a->state = LINK_TLS;
		} else {
			send_hello(a);
			return;
		}
	}
	if (a->state == LINK_TLS) {
		const char *why = NULL;
		bool want_write;
		int r = stream_tls_handshake(a->ssl, &want_write, &why);

		if (r < 0) {
			link_down(a, why);
			return;
		}
		if (r == 0) {
			loop_rewatch(a->loop, &a->watch, EPOLLIN | (want_write ? EPOLLOUT : 0));
			return;
		}
		log_info("medium %s: TLS session established", a->connect);
		loop_rewatch(a->loop, &a->watch, EPOLLIN);
		send_hello(a);
		return;
	}
	if ((events & EPOLLOUT) && !flush_out(a))
		return;
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !(a->ssl && SSL_pending(a->ssl)))
		return;
	/* TLS may hold decrypted bytes the socket no longer shows: read it dry. */
	for (int rounds = 0; (rounds < 16 || a->ssl) && a->fd >= 0; rounds++) {
		size_t room;
		uint8_t *space = stream_rx_space(&a->in, &room);
		ssize_t n = stream_io_read(a->ssl, a->fd, space, room);
		const char *why = "?";

		if (n == -EAGAIN || n == -EINTR)
			break;
		if (n <= 0) {
			link_down(a, n ? strerror((int)-n) : "closed");
			return;
		}
		a->last_rx = loop_now_us();
		if (stream_rx_take(&a->in, (size_t)n, agent_msg, a, &why) < 0) {
			link_down(a, why);
			return;
		}
	}
}

/* Open the stream: 0 (connected or connecting) or -errno. */
static int link_open(struct agent *a)
{
	const char *spec = a->connect;
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int fd, ret;

	memset(&ss, 0, sizeof(ss));
	a->vport = false;
	a->tcp = !strncmp(spec, "tcp:", 4);
	if (!strncmp(spec, "vport:", 6)) {
		char path[128];

		snprintf(path, sizeof(path), "/dev/virtio-ports/%s", spec + 6);
		fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		a->vport = true;
	} else {
		if (!strncmp(spec, "unix:", 5)) {
			struct sockaddr_un *un = (struct sockaddr_un *)&ss;

			un->sun_family = AF_UNIX;
			snprintf(un->sun_path, sizeof(un->sun_path), "%s", spec + 5);
			len = sizeof(*un);
		} else if (!strncmp(spec, "vsock:", 6)) {
			struct sockaddr_vm *vm = (struct sockaddr_vm *)&ss;
			unsigned int cid, port;

			if (sscanf(spec + 6, "%u:%u", &cid, &port) != 2)
				return -EINVAL;
			vm->svm_family = AF_VSOCK;
			vm->svm_cid = cid;
			vm->svm_port = port;
			len = sizeof(*vm);
		} else if (!strncmp(spec, "tcp:", 4)) {
			struct sockaddr_in *in = (struct sockaddr_in *)&ss;
			char host[64];
			unsigned int port;

			if (sscanf(spec + 4, "%63[^:]:%u", host, &port) != 2 || port > 65535)
				return -EINVAL;
			in->sin_family = AF_INET;
			in->sin_port = htons((uint16_t)port);
			if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
				return -EINVAL;
			len = sizeof(*in);
		} else {
			return -EINVAL;
		}
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
			ret = -errno;
			close(fd);
			return ret;
		}
	}
	a->fd = fd;
	stream_rx_reset(&a->in, a->vport);
	a->last_rx = a->last_tx = loop_now_us();
	a->state = a->vport ? LINK_HELLO : LINK_CONNECTING;
	ret = loop_watch(a->loop, &a->watch, fd, a->vport ? EPOLLIN : EPOLLOUT, stream_event, a);
	if (ret < 0) {
		close(fd);
		a->fd = -1;
		a->state = LINK_DOWN;
		return ret;
	}
	if (a->vport)
		send_hello(a);
	return 0;
}

/* ------------------------------------------------------------ events */

static void kernel_event(struct loop_watch *w, uint32_t events)
{
	struct agent *a = w->opaque;

	(void)events;
	for (int rounds = 0; rounds < 64; rounds++) {
		ssize_t n = recv(w->fd, a->nlbuf, sizeof(a->nlbuf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)a->nlbuf;
		int left = (int)n;

		if (n < 0) {
			if (errno == ENOBUFS) {
				log_warn("kernel: netlink socket overflowed, frames lost");
				continue;
			}
			break;
		}
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			struct hwsim_msg m;

			if (nlh->nlmsg_type != a->family ||
			    hwsim_decode(nlh, nlh->nlmsg_len, &m, NULL) < 0)
				continue;
			if (m.cmd == HWSIM_CMD_ADD_MAC_ADDR || m.cmd == HWSIM_CMD_DEL_MAC_ADDR)
				addr_note(a, &m, m.cmd == HWSIM_CMD_ADD_MAC_ADDR);
			if (a->state != LINK_UP) {
				if (hwsim_is_tx_frame(&m)) {
					fail_frame(a, m.transmitter, m.cookie, m.flags);
					a->failed_offline++;
				}
				continue;
			}
			if (hwsim_is_tx_frame(&m)) {
				if (a->npend == PENDING_MAX) {
					/* The medium sits on too much: the oldest will never be answered. */
					fail_frame(a, a->pend[0].radio, a->pend[0].cookie, a->pend[0].flags);
					memmove(a->pend, a->pend + 1, (PENDING_MAX - 1) * sizeof(*a->pend));
					a->npend--;
				}
				memcpy(a->pend[a->npend].radio, m.transmitter, 6);
				a->pend[a->npend].cookie = m.cookie;
				a->pend[a->npend++].flags = m.flags;
			}
			if (send_hwsim(a, nlh, nlh->nlmsg_len) < 0 && hwsim_is_tx_frame(&m))
				fail_frame(a, m.transmitter, m.cookie, m.flags);
		}
	}
	if (a->state == LINK_UP)
		flush_out(a);
}

static void tick(struct loop_watch *w, uint32_t events)
{
	struct agent *a = w->opaque;
	uint64_t now = loop_now_us(), expirations;
	uint8_t buf[STREAM_HDR_LEN + 8];

	(void)events;
	if (read(w->fd, &expirations, sizeof(expirations)) < 0)
		return;
	if (a->state == LINK_DOWN) {
		if (now >= a->retry_at) {
			int ret = link_open(a);

			if (ret < 0) {
				a->retry_at = now + (uint64_t)a->backoff_ms * 1000;
				a->backoff_ms = a->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
										    a->backoff_ms * 2;
				log_debug("medium %s: %s", a->connect, strerror(-ret));
			}
		}
		return;
	}
	if (a->state == LINK_UP && a->keepalive_us) {
		if (now - a->last_rx > 3 * a->keepalive_us) {
			link_down(a, "nothing heard for 3 keepalive intervals");
			return;
		}
		if (now - a->last_tx >= a->keepalive_us)
			send_msg(a, buf, stream_encode_ping(buf, sizeof(buf), now));
	}
	/* A port keeps no connection: say HELLO again until someone answers. */
	if (a->state == LINK_HELLO && a->vport && now - a->last_tx > 1000000)
		send_hello(a);
}

static void on_signal(int sig, void *opaque)
{
	struct agent *a = opaque;

	(void)sig;
	loop_stop(a->loop);
}

/* ------------------------------------------------------------- start */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: airport --connect SPEC [OPTIONS]\n"
		"Carry this guest's hwsim radios to a wifimedium medium.\n"
		"\n"
		"  -c, --connect SPEC     vport:NAME (virtio-serial port, e.g. org.wifimedium.0),\n"
		"                         tcp:ADDR:PORT (IPv4 literal), vsock:CID:PORT, unix:PATH\n"
		"  -N, --name NAME        the guest's name at the medium (default: hostname)\n"
		"  -s, --secret-file FILE the shared secret of a TCP medium: TLS with it\n"
		"  -r, --radios N         create N radios with unique addresses first, for\n"
		"                         as long as the agent runs (hwsim-radio for others)\n"
		"  -m, --mac-prefix P     their addresses: P:00:ii:00 (P = three octets,\n"
		"                         locally administered; default from the name)\n"
		"  -l, --log-level LEVEL  error, warn, notice (default), info, debug\n"
		"  -h, --help             this help\n"
		"  -V, --version          the version\n"
		"\n"
		"Signals: SIGINT and SIGTERM stop, and the kernel removes the radios\n"
		"--radios made (also if the agent dies); SIGHUP, SIGUSR1, SIGUSR2 are ignored.\n"
		"Exit status: 0 stopped by a signal, 1 failed (the log says why), 2 bad usage.\n"
		"Manual: airport(8).\n");
}

/* Three octets from the name, locally administered and unicast: guests differ. */
static void default_prefix(const char *name, uint8_t p[3])
{
	uint32_t h = 2166136261u;

	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	p[0] = (uint8_t)((h & 0xfc) | 0x02);
	p[1] = (uint8_t)(h >> 8);
	p[2] = (uint8_t)(h >> 16);
}

/*
 * --radios N: radios P:00:ii:00 for i < N, which live as long as the agent:
 * the kernel destroys them when our netlink socket closes, at exit or at a
 * crash. A restarted agent would otherwise find them, perhaps moved to
 * other namespaces where it cannot see them, and the 6.1 kernel takes a
 * second radio with the same address without a word: the medium could not
 * tell the two apart. Radios meant to outlive the agent come from
 * hwsim-radio.
 */
static int make_radios(struct agent *a, unsigned int n, const uint8_t prefix[3])
{
	for (unsigned int i = 0; i < n; i++) {
		struct hwsim_msg r = { 0 };
		uint32_t id;
		int ret;

		r.perm_addr[0] = prefix[0];
		r.perm_addr[1] = prefix[1];
		r.perm_addr[2] = prefix[2];
		r.perm_addr[4] = (uint8_t)i;
		r.attrs = HWSIM_BIT(HWSIM_ATTR_PERM_ADDR) | HWSIM_BIT(HWSIM_ATTR_DESTROY_RADIO_ON_CLOSE);
		ret = hwsim_nl_new_radio(a->nl, &r, &id);
		if (ret < 0) {
			log_error("cannot create radio %u: %s", i, strerror(-ret));
			return ret;
		}
		log_info("radio %u: %02x:%02x:%02x:00:%02x:00", id, prefix[0], prefix[1], prefix[2], i);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'N' },
		{ "secret-file", required_argument, NULL, 's' },
		{ "radios", required_argument, NULL, 'r' },
		{ "mac-prefix", required_argument, NULL, 'm' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct agent a;
	static const int signals[] = { SIGINT, SIGTERM };
	const char *secret_file = NULL;
	uint8_t prefix[3] = { 0 };
	bool have_prefix = false;
	unsigned long radios = 0;
	enum log_level level = LOG_LEVEL_NOTICE;
	struct itimerspec its = { { 0, 100000000 }, { 0, 100000000 } };
	int c;

	a.fd = -1;
	stream_rx_init(&a.in, STREAM_BIT(STREAM_WELCOME) |
				      STREAM_BIT(STREAM_REFUSE) | STREAM_BIT(STREAM_BYE));
	a.backoff_ms = BACKOFF_MIN_MS;
	while ((c = getopt_long(argc, argv, "c:N:s:r:m:l:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a.connect = optarg;
			break;
		case 'N':
			snprintf(a.name, sizeof(a.name), "%s", optarg);
			break;
		case 's':
			secret_file = optarg;
			break;
		case 'r': {
			char *end;

			radios = strtoul(optarg, &end, 10);
			if (*end || !*optarg || radios > 256) {
				fprintf(stderr, "airport: bad radio count: `%s'\n", optarg);
				return 2;
			}
			break;
		}
		case 'm': {
			unsigned int p0, p1, p2;
			char extra;

			if (sscanf(optarg, "%2x:%2x:%2x%c", &p0, &p1, &p2, &extra) != 3 ||
			    (p0 & 0x03) != 0x02) {
				fprintf(stderr, "airport: bad MAC prefix (three octets, locally "
						"administered unicast, e.g. 02:aa:01): `%s'\n", optarg);
				return 2;
			}
			prefix[0] = (uint8_t)p0;
			prefix[1] = (uint8_t)p1;
			prefix[2] = (uint8_t)p2;
			have_prefix = true;
			break;
		}
		case 'l':
			if (log_level_parse(optarg, &level) < 0) {
				fprintf(stderr, "airport: bad log level: `%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("airport %s\n", WM_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!a.connect || optind < argc) {
		usage(stderr);
		return 2;
	}
	log_set_level(level);
	/* A medium that hangs up must cost a reconnect, not the agent. */
	signal(SIGPIPE, SIG_IGN);
	/* Nothing to reload: a stray signal must not take the guest's radios off the air. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	if (!a.name[0]) {
		gethostname(a.name, sizeof(a.name) - 1);
		for (char *p = a.name; *p; p++)
			if (!stream_name_valid(p, 1))
				*p = '-';
	}
	if (!stream_name_valid(a.name, strlen(a.name))) {
		fprintf(stderr, "airport: bad name (1..63 of A-Z a-z 0-9 . _ -): `%s'\n", a.name);
		return 2;
	}
	if (secret_file) {
		const char *why = NULL;

		if (secret_read(secret_file, a.secret, sizeof(a.secret), &a.secret_len, &why) < 0) {
			fprintf(stderr, "airport: secret file %s: %s\n", secret_file, why);
			return 1;
		}
		a.tls = stream_tls_ctx(false, a.secret, a.secret_len, &why);
		if (!a.tls) {
			fprintf(stderr, "airport: %s\n", why);
			return 1;
		}
	}
	{
		const char *why = NULL;
		int err = hwsim_nl_open(&a.nl, &why);

		if (err < 0) {
			if (err == -ENOENT)
				log_error("%s", why);
			else
				log_error("%s: %s", why, strerror(-err));
			return 1;
		}
	}
	a.family = hwsim_nl_family(a.nl);
	if (!have_prefix)
		default_prefix(a.name, prefix);
	if (radios && make_radios(&a, (unsigned int)radios, prefix) < 0)
		return 1;
	a.radios = (uint16_t)radios;

	/* The medium role for our kernel's radios: every frame comes to us from now on. */
	{
		uint8_t buf[64] __attribute__((aligned(4)));
		ssize_t len = hwsim_encode_register(buf, sizeof(buf), a.family, 1);

		if (len < 0 || send(hwsim_nl_fd(a.nl), buf, (size_t)len, 0) < 0) {
			log_error("cannot register as the hwsim medium: %s", strerror(errno));
			return 1;
		}
	}
	fcntl(hwsim_nl_fd(a.nl), F_SETFL, fcntl(hwsim_nl_fd(a.nl), F_GETFL) | O_NONBLOCK);
	a.loop = loop_new();
	a.pend = xcalloc(PENDING_MAX, sizeof(*a.pend));
	a.tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (!a.loop || a.tick_fd < 0 ||
	    loop_watch(a.loop, &a.nl_watch, hwsim_nl_fd(a.nl), EPOLLIN, kernel_event, &a) < 0 ||
	    loop_watch(a.loop, &a.tick, a.tick_fd, EPOLLIN, tick, &a) < 0 ||
	    loop_signals(a.loop, signals, 2, on_signal, &a) < 0) {
		log_error("cannot set up: %s", strerror(errno));
		return 1;
	}
	timerfd_settime(a.tick_fd, 0, &its, NULL);
	log_notice("airport %s: medium of this guest's hwsim radios, carrying them to %s", a.name,
		   a.connect);
	loop_run(a.loop, NULL, NULL);
	if (a.state == LINK_UP) {
		uint8_t buf[STREAM_HDR_LEN + 64];

		send_msg(&a, buf, stream_encode_bye(buf, sizeof(buf), STREAM_REASON_SHUTDOWN,
						    "the agent is stopping", 21));
	}
	log_notice("airport: stopping (%lu frames failed while the medium was away)",
		   (unsigned long)a.failed_offline);
	hwsim_nl_close(a.nl);
	SSL_free(a.ssl);
	stream_tls_ctx_free(a.tls);
	stream_rx_deinit(&a.in);
	outbuf_free(&a.out);
	return 0;
}
