/* SPDX-License-Identifier: MIT */
#include "netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "util/log.h"
#include "hub/hub.h"
#include "proto/hwsim.h"
#include "util/util.h"

/*
 * A burst of frames from many radios arrives faster than one read loop
 * drains it; the default 208 KiB holds ~60 full-size frames. Ask for more
 * (SO_RCVBUFFORCE as root, else up to rmem_max).
 */
#define NL_RCVBUF (8 << 20)
#define NL_SNDBUF (4 << 20)

#define NL_STASH_MAX 4096	/* datagrams held while waiting for a verdict */

/*
 * Reads take up to NL_RX_BATCH datagrams per system call. 32 KiB holds any
 * hwsim message and any dump part (the kernel sizes those to our buffer, up
 * to 32 KiB).
 */
#define NL_RX_BATCH 16
#define NL_VERDICT_BATCH 8	/* reads while waiting for a verdict */
#define NL_RX_SLOT 32768

/*
 * What the medium sends in one loop round goes to the kernel as one
 * datagram of many messages, which the kernel handles one after another as
 * if each had come alone (an error answer names the failing message by its
 * sequence number). Must stay below the socket's send buffer.
 */
#define NL_TX_BATCH 65536

struct nl_medium {
	struct hub *hub;
	struct mnl_socket *nl;
	uint16_t family;
	uint32_t config_group;		/* hwsim's "config" multicast group, 0 if none */
	struct {
		uint32_t id;
		uint8_t identity[6];
	} *known;			/* radios listed or announced, by hwsim radio id */
	size_t nknown, known_cap;
	uint32_t portid;
	uint32_t seq;
	/* Datagrams read while waiting for a delivery's verdict, oldest first. */
	struct nl_stashed {
		struct nl_stashed *next;
		size_t len;
		uint8_t data[];
	} *stash, **stash_tail;
	size_t nstash;
	bool draining;
	unsigned flush_id;
	struct loop_watch watch;
	struct hub_client *client;
	struct nl_medium_counters c;
	struct log_limit lim;
	size_t olen;			/* bytes waiting in obuf */
	unsigned omsgs;			/* messages waiting in obuf */
	uint8_t obuf[NL_TX_BATCH];
	struct mmsghdr rx[NL_RX_BATCH];
	struct iovec rxiov[NL_RX_BATCH];
	uint8_t buf[65536];		/* one datagram, while registering; rx slot 0 after */
	uint8_t rxbuf[NL_RX_BATCH - 1][NL_RX_SLOT];
	struct mmsghdr vrx[NL_VERDICT_BATCH];	/* what send_verdict() reads */
	struct iovec vrxiov[NL_VERDICT_BATCH];
	uint8_t vrxbuf[NL_VERDICT_BATCH][NL_RX_SLOT];
};

/* The controller's answer to GETFAMILY (a callback of nl_request); no id: -ENOENT after. */
static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	hwsim_decode_family(nlh, nlh->nlmsg_len, data);
	return MNL_CB_OK;
}

/* One request, answered synchronously (only at start-up, before the loop runs). */
static int nl_request(struct nl_medium *nm, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nm->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nm->nl, nm->buf, sizeof(nm->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(nm->buf, (size_t)n, seq, nm->portid, cb, data);
	} while (ret == MNL_CB_OK);
	return ret < 0 ? -errno : 0;
}

static int resolve_family(struct nl_medium *nm)
{
	struct hwsim_family f = { 0 };
	ssize_t len = hwsim_encode_get_family(nm->buf, sizeof(nm->buf), ++nm->seq);
	int ret;

	if (len < 0)
		return (int)len;
	ret = nl_request(nm, (struct nlmsghdr *)nm->buf, family_cb, &f);
	if (ret < 0)
		return ret;
	if (!f.id)
		return -ENOENT;
	nm->family = f.id;
	nm->config_group = f.config_group;
	return 0;
}

/* Hand the kernel every message the round batched, in one datagram; 0 or -errno. */
static int nl_out_flush(struct nl_medium *nm)
{
	int ret = 0;

	if (!nm->olen)
		return 0;
	nm->c.batches++;
	if (mnl_socket_sendto(nm->nl, nm->obuf, nm->olen) < 0) {
		ret = -errno;
		nm->c.send_drops += nm->omsgs;
		log_ratelimited(&nm->lim, LOG_LEVEL_ERROR, "kernel: %u messages not sent: %s",
				nm->omsgs, strerror(-ret));
	}
	nm->olen = 0;
	nm->omsgs = 0;
	return ret;
}

/* A copy of msg at the end of the batch (flushed first if full), or NULL if it can never fit. */
static struct nlmsghdr *nl_out_add(struct nl_medium *nm, const void *msg, size_t len)
{
	size_t padded = NLMSG_ALIGN(len);
	struct nlmsghdr *nlh;

	if (len < NLMSG_HDRLEN || padded > sizeof(nm->obuf))
		return NULL;
	if (nm->olen + padded > sizeof(nm->obuf))
		nl_out_flush(nm);
	nlh = (struct nlmsghdr *)(nm->obuf + nm->olen);
	memcpy(nlh, msg, len);
	memset(nm->obuf + nm->olen + len, 0, padded - len);
	nm->olen += padded;
	nm->omsgs++;
	nm->c.messages++;
	return nlh;
}

static int nl_send(struct hub_client *c, const void *msg, size_t len)
{
	return nl_out_add(c->priv, msg, len) ? 0 : -EMSGSIZE;
}

static void stash_push(struct nl_medium *nm, const uint8_t *buf, size_t len)
{
	struct nl_stashed *s;

	if (nm->nstash >= NL_STASH_MAX) {
		nm->c.stash_drops++;
		log_ratelimited(&nm->lim, LOG_LEVEL_WARN,
				"kernel: %d messages wait already; one dropped", NL_STASH_MAX);
		return;
	}
	s = xmalloc(sizeof(*s) + len);
	s->next = NULL;
	s->len = len;
	memcpy(s->data, buf, len);
	*nm->stash_tail = s;
	nm->stash_tail = &s->next;
	nm->nstash++;
	nm->c.stashed++;
}

/* Is buf the kernel's answer to our message seq? Then *error is its errno (0: taken). */
static bool is_ack_of(const uint8_t *buf, size_t len, uint32_t seq, int *error)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct nlmsgerr *err;

	if (len < NLMSG_HDRLEN + sizeof(*err) || nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len > len)
		return false;
	err = mnl_nlmsg_get_payload(nlh);
	if (err->msg.nlmsg_seq != seq)
		return false;
	*error = err->error;
	return true;
}

/*
 * A delivery whose fate matters (the addressee of a frame to acknowledge):
 * the kernel takes it or refuses it (EINVAL: the radio is idle, down or on
 * another channel) while we send it, and answers at once when asked. It
 * goes out at once, behind what the round batched before it (frames keep
 * their order), in the same datagram. What arrives before the answer waits
 * in the stash, in order, for nl_drain().
 */
static int nl_send_verdict(struct hub_client *c, const void *msg, size_t len)
{
	struct nl_medium *nm = c->priv;
	int fd = mnl_socket_get_fd(nm->nl), error, ret;
	struct nlmsghdr *nlh = nl_out_add(nm, msg, len);
	uint32_t seq;

	if (!nlh)
		return -EMSGSIZE;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq = ++nm->seq;
	ret = nl_out_flush(nm);
	if (ret < 0)
		return ret;
	nm->c.verdicts++;
	/* Bounded: a kernel that never answers must not hold the medium. */
	for (int got = 0; got < NL_STASH_MAX;) {
		bool answered = false;
		int n = recvmmsg(fd, nm->vrx, NL_VERDICT_BATCH, MSG_DONTWAIT, NULL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			nm->c.enobufs++;
			got++;
			continue;
		}
		if (n < 0)
			return 1;	/* no answer: cannot tell; taken */
		nm->c.reads++;
		got += n;
		for (int i = 0; i < n; i++) {
			const uint8_t *buf = nm->vrx[i].msg_hdr.msg_iov->iov_base;
			size_t blen = nm->vrx[i].msg_len;

			if (nm->vrx[i].msg_hdr.msg_flags & MSG_TRUNC)
				continue;
			if (!answered && is_ack_of(buf, blen, seq, &error))
				answered = true;
			else
				stash_push(nm, buf, blen);
		}
		if (!answered)
			continue;
		if (!error)
			return 1;
		nm->c.kernel_errors++;
		nm->c.refused++;
		log_debug("kernel: the addressee refused a frame: %s", strerror(-error));
		return 0;
	}
	return 1;
}

static void nl_handle(struct nl_medium *nm, const uint8_t *buf, size_t len);

/* Handle what waited in the stash; not from within itself. */
static void nl_drain(struct nl_medium *nm)
{
	if (nm->draining)
		return;
	nm->draining = true;
	while (nm->stash) {
		struct nl_stashed *s = nm->stash;

		nm->stash = s->next;
		if (!nm->stash)
			nm->stash_tail = &nm->stash;
		nm->nstash--;
		nl_handle(nm, s->data, s->len);
		free(s);
	}
	nm->draining = false;
}

static void nl_flush(void *data)
{
	struct nl_medium *nm = data;

	nl_drain(nm);
	nl_out_flush(nm);
}

static const struct hub_client_ops nl_ops = { .send = nl_send, .send_verdict = nl_send_verdict };

/*
 * hwsim's identity (addresses[1]) of the radio it numbers id: the second
 * address its wiphy lists in sysfs (the platform device is hwsim<id>).
 * No message carries it: a radio made with PERM_ADDR has that address as
 * identity, others 42:00:00:II:ii:00. 0, or -ENOENT when the radio is not
 * visible here.
 */
static int radio_identity(uint32_t id, uint8_t mac[6])
{
	char path[128], line[64];
	struct dirent *e;
	int ret = -ENOENT;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/devices/virtual/mac80211_hwsim/hwsim%u/ieee80211", id);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while ((e = readdir(d)) && ret < 0) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/devices/virtual/mac80211_hwsim/hwsim%u/ieee80211/%.32s/addresses", id,
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		/* First line: the perm address; second: the identity. */
		if (fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			ret = mac_parse(line, mac);
		}
		fclose(f);
	}
	closedir(d);
	return ret;
}

/*
 * Radios that exist before they say anything: those the GET_RADIO dump
 * lists at start and those the "config" group announces later. A radio
 * that only monitors never announces an address (hwsim skips monitor
 * interfaces) and never transmits, and would otherwise hear nothing.
 */
static bool nl_radio_event(struct nl_medium *nm, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct hwsim_msg msg;
	uint8_t id[6];

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*g) ||
	    (g->cmd != HWSIM_CMD_NEW_RADIO && g->cmd != HWSIM_CMD_GET_RADIO &&
	     g->cmd != HWSIM_CMD_DEL_RADIO))
		return false;
	if (hwsim_decode(nlh, nlh->nlmsg_len, &msg, NULL) < 0 ||
	    !hwsim_has(&msg, HWSIM_ATTR_RADIO_ID))
		return true;
	if (g->cmd == HWSIM_CMD_DEL_RADIO) {
		/* Gone from sysfs by now: use what we read when it came. */
		for (size_t k = 0; k < nm->nknown; k++) {
			if (nm->known[k].id != msg.radio_id)
				continue;
			hub_client_radio_del(nm->hub, nm->client, nm->known[k].identity);
			nm->known[k] = nm->known[--nm->nknown];
			break;
		}
		return true;
	}
	if (radio_identity(msg.radio_id, id) < 0)
		return true;
	if (nm->nknown == nm->known_cap) {
		nm->known_cap = nm->known_cap ? 2 * nm->known_cap : 16;
		nm->known = xreallocarray(nm->known, nm->known_cap, sizeof(*nm->known));
	}
	nm->known[nm->nknown].id = msg.radio_id;
	memcpy(nm->known[nm->nknown++].identity, id, 6);
	hub_client_radio_add(nm->hub, nm->client, id);
	return true;
}

static void nl_handle(struct nl_medium *nm, const uint8_t *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len;

	while (mnl_nlmsg_ok(nlh, left)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

			/*
			 * The kernel answers a delivery with EINVAL when the radio is
			 * down, idle or on another channel: that is the receiving
			 * radio not listening, the normal fate of most broadcasts.
			 */
			if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*err)) && err->error) {
				nm->c.kernel_errors++;
				log_debug("kernel: a radio did not take a message: %s",
					  strerror(-err->error));
			}
		} else if (nlh->nlmsg_type == nm->family && !nl_radio_event(nm, nlh)) {
			hub_client_input(nm->hub, nm->client, nlh, nlh->nlmsg_len);
		}
		nlh = mnl_nlmsg_next(nlh, &left);
	}
}

static void nl_readable(struct loop_watch *w, uint32_t events)
{
	struct nl_medium *nm = w->opaque;
	int fd = mnl_socket_get_fd(nm->nl);

	(void)events;
	/* Bounded, so a flood from the kernel cannot starve the other transports. */
	for (int round = 0; round < 256 / NL_RX_BATCH; round++) {
		int n;

		/* What a verdict's wait set aside came first: handle it first. */
		nl_drain(nm);
		n = recvmmsg(fd, nm->rx, NL_RX_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			if (errno == ENOBUFS) {
				nm->c.enobufs++;
				log_ratelimited(&nm->lim, LOG_LEVEL_WARN,
						"kernel: netlink socket overflowed, frames lost (%lu times)",
						(unsigned long)nm->c.enobufs);
				continue;
			}
			log_ratelimited(&nm->lim, LOG_LEVEL_ERROR, "kernel: recv: %s",
					strerror(errno));
			break;
		}
		nm->c.reads++;
		for (int i = 0; i < n; i++) {
			if (nm->rx[i].msg_hdr.msg_flags & MSG_TRUNC) {
				log_ratelimited(&nm->lim, LOG_LEVEL_ERROR,
						"kernel: a message over %d bytes, dropped", NL_RX_SLOT);
				continue;
			}
			nl_handle(nm, nm->rx[i].msg_hdr.msg_iov->iov_base, nm->rx[i].msg_len);
		}
		/* Fewer than asked for: nothing more waits, no need to ask again. */
		if (n < NL_RX_BATCH)
			break;
	}
	/* The hub syncs once, when the round ends (the loop's before_wait). */
}

int nl_medium_open(struct hub *hub, struct nl_medium **out)
{
	struct nl_medium *nm = xcalloc(1, sizeof(*nm));
	int rcv = NL_RCVBUF, snd = NL_SNDBUF, fd, ret;
	uint32_t seq;
	int32_t err = 0;
	ssize_t len;

	nm->hub = hub;
	nm->stash_tail = &nm->stash;
	nm->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nm->nl) {
		ret = -errno;
		log_error("netlink: cannot open a generic netlink socket: %s", strerror(-ret));
		goto free_nm;
	}
	if (mnl_socket_bind(nm->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		log_error("netlink: bind: %s", strerror(-ret));
		goto close_sock;
	}
	nm->portid = mnl_socket_get_portid(nm->nl);
	fd = mnl_socket_get_fd(nm->nl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	/*
	 * Error answers then carry only the header, not a copy of the whole
	 * frame: every broadcast delivered to an idle radio draws one, and full
	 * copies would fill the receive buffer with garbage.
	 */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &(int){ 1 }, sizeof(int));

	ret = resolve_family(nm);
	if (ret < 0) {
		log_error("netlink: no MAC80211_HWSIM family (%s): is mac80211_hwsim loaded?",
			  strerror(-ret));
		goto close_sock;
	}

	seq = ++nm->seq;
	len = hwsim_encode_register(nm->buf, sizeof(nm->buf), nm->family, seq);
	if (len < 0 || mnl_socket_sendto(nm->nl, nm->buf, (size_t)len) < 0) {
		ret = len < 0 ? (int)len : -errno;
		log_error("netlink: cannot register: %s", strerror(-ret));
		goto close_sock;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nm->nl, nm->buf, sizeof(nm->buf));
		uint32_t got;

		if (n < 0) {
			ret = -errno;
			log_error("netlink: waiting for the registration: %s", strerror(-ret));
			goto close_sock;
		}
		if (hwsim_decode_ack(nm->buf, (size_t)n, &got, &err) == 0 && got == seq)
			break;
	}
	if (err) {
		ret = err;
		log_error("netlink: the kernel refused the registration: %s%s", strerror(-err),
			  err == -EBUSY ? " (another medium, e.g. wmediumd, is registered)" :
			  err == -EOPNOTSUPP ? " (a radio has channels > 1)" : "");
		goto close_sock;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		ret = -errno;
		goto close_sock;
	}
	for (int i = 0; i < NL_RX_BATCH; i++) {
		nm->rxiov[i] = (struct iovec){ i ? nm->rxbuf[i - 1] : nm->buf, NL_RX_SLOT };
		nm->rx[i].msg_hdr = (struct msghdr){ .msg_iov = &nm->rxiov[i], .msg_iovlen = 1 };
	}
	for (int i = 0; i < NL_VERDICT_BATCH; i++) {
		nm->vrxiov[i] = (struct iovec){ nm->vrxbuf[i], NL_RX_SLOT };
		nm->vrx[i].msg_hdr = (struct msghdr){ .msg_iov = &nm->vrxiov[i], .msg_iovlen = 1 };
	}
	nm->client = hub_client_new(hub, "kernel", nm->family, &nl_ops, nm);
	ret = loop_watch(hub->loop, &nm->watch, fd, EPOLLIN, nl_readable, nm);
	if (ret < 0) {
		log_error("netlink: cannot watch the socket: %s", strerror(-ret));
		goto free_client;
	}
	if (nm->config_group &&
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &nm->config_group,
		       sizeof(nm->config_group)) < 0)
		log_warn("netlink: cannot follow radio creation: %s", strerror(errno));
	len = hwsim_encode_get_radio(nm->buf, sizeof(nm->buf), nm->family, ++nm->seq, -1);
	if (len < 0 || mnl_socket_sendto(nm->nl, nm->buf, (size_t)len) < 0)
		log_warn("netlink: cannot list the radios: %s", strerror(len < 0 ? (int)-len : errno));
	nm->flush_id = hub_add_flush(hub, nl_flush, nm, NULL);
	log_notice("netlink: registered as the hwsim medium (family %u)", nm->family);
	*out = nm;
	return 0;

free_client:
	hub_client_free(hub, nm->client);
close_sock:
	mnl_socket_close(nm->nl);
free_nm:
	free(nm);
	return ret;
}

void nl_medium_close(struct nl_medium *nm)
{
	if (!nm)
		return;
	loop_unwatch(nm->hub->loop, &nm->watch);
	nl_out_flush(nm);
	if (nm->flush_id)
		hub_del_flush(nm->hub, nm->flush_id);
	hub_client_free(nm->hub, nm->client);
	while (nm->stash) {
		struct nl_stashed *s = nm->stash;

		nm->stash = s->next;
		free(s);
	}
	/* Closing the socket hands the radios back to the kernel's own medium. */
	mnl_socket_close(nm->nl);
	free(nm->known);
	free(nm);
}

void nl_medium_get_counters(const struct nl_medium *nm, struct nl_medium_counters *c)
{
	*c = nm->c;
}
