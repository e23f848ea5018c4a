/* SPDX-License-Identifier: MIT */
/*
 * The local kernel's hwsim radios over generic netlink (see hwsim_nl.h).
 * One request at a time, answered synchronously: its users (hwsim-radio,
 * airport at start-up) have nothing else to do meanwhile.
 */
#include "hwsim_nl.h"

#include <ctype.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/util.h"

#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

#define HWSIM_NL_BUF_SIZE 65536	/* a dump datagram is at most 32 KiB; larger never truncates */

struct hwsim_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t seq;
	char ext_msg[128];	/* the kernel's extended-ack text for the last answer, or "" */
	_Alignas(4) uint8_t buf[HWSIM_NL_BUF_SIZE];	/* hwsim_decode() needs 4-byte alignment */
};

/* ---------------------------------------------------------------- netlink */

/* The kernel's extended-ack message (NLMSGERR_ATTR_MSG), if it sent one. */
static void ext_msg_of(struct hwsim_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*err);

	nl->ext_msg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || mnl_nlmsg_get_payload_len(nlh) < off)
		return;
	/* Uncapped errors carry a copy of the request before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(err->msg))
			return;
		off += err->msg.nlmsg_len - sizeof(err->msg);
	}
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
			snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s", mnl_attr_get_str(attr));
			return;
		}
	}
}

/*
 * Send the request in nl->buf (len bytes, sequence nl->seq) and read answers
 * until its NLMSG_ERROR or, for a dump, NLMSG_DONE. Answers of the hwsim
 * family go to cb (which may be NULL). *status gets the kernel's verdict:
 * 0, -errno, or NEW_RADIO's radio id. Returns 0, or -errno when the socket
 * fails, -EBADMSG for an answer that does not parse, -EINTR when the radio
 * list changed during a dump (ask again), or cb's error.
 */
static int transact(struct hwsim_nl *nl, size_t len,
		       int (*cb)(const struct nlmsghdr *nlh, void *data), void *data,
		       int32_t *status)
{
	uint32_t portid = mnl_socket_get_portid(nl->sock);
	bool interrupted = false;

	nl->ext_msg[0] = '\0';
	if (mnl_socket_sendto(nl->sock, nl->buf, len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;
		int left = (int)n;

		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq != nl->seq || (nlh->nlmsg_pid && nlh->nlmsg_pid != portid))
				continue;	/* not the answer to this request */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				interrupted = true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				uint32_t seq;

				if (hwsim_decode_ack(nlh, nlh->nlmsg_len, &seq, status) < 0)
					return -EBADMSG;
				ext_msg_of(nl, nlh);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				/* A dump that failed says why in the int after the header. */
				*status = 0;
				if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int32_t))
					memcpy(status, mnl_nlmsg_get_payload(nlh), sizeof(int32_t));
				return interrupted ? -EINTR : 0;
			}
			if (nlh->nlmsg_type == nl->family && cb) {
				int ret = cb(nlh, data);

				if (ret < 0)
					return ret;
			}
		}
		if (left > 0)
			return -EBADMSG;	/* a message claims more than the datagram holds */
	}
}

/* The control family's answer to CTRL_CMD_GETFAMILY, before its ACK. */
static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct hwsim_nl *nl = data;
	struct hwsim_family f;

	if (hwsim_decode_family(nlh, nlh->nlmsg_len, &f) < 0)
		return -EBADMSG;
	nl->family = f.id;
	return 0;
}

void hwsim_nl_close(struct hwsim_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

/* As transport/netlink.c does it. */
int hwsim_nl_fd(const struct hwsim_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

uint16_t hwsim_nl_family(const struct hwsim_nl *nl)
{
	return nl->family;
}

int hwsim_nl_open(struct hwsim_nl **out, const char **why)
{
	struct hwsim_nl *nl = xcalloc(1, sizeof(*nl));
	int32_t status = 0;
	ssize_t len;
	int ret;

	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		*why = "cannot open a generic netlink socket";
		goto close_nl;
	}
	/*
	 * Errors then carry only the request's header, plus the kernel's text
	 * for them ("must have at least one channel"), which we print. Both
	 * are optional: without them errors just say less.
	 */
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_CAP_ACK, &(int){ 1 },
		   sizeof(int));
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_EXT_ACK, &(int){ 1 },
		   sizeof(int));

	len = hwsim_encode_get_family(nl->buf, sizeof(nl->buf), ++nl->seq);
	/* Until resolved, nl->family is the control family, whose answer we want. */
	nl->family = GENL_ID_CTRL;
	ret = len < 0 ? (int)len : transact(nl, (size_t)len, family_cb, nl, &status);
	if (ret == 0 && status < 0)
		ret = status;
	if (ret == 0 && nl->family == GENL_ID_CTRL)
		ret = -ENOENT;	/* acknowledged without an answer: treat as no family */
	if (ret < 0) {
		*why = ret == -ENOENT ? "mac80211_hwsim not loaded (no MAC80211_HWSIM generic "
					"netlink family): modprobe mac80211_hwsim radios=0"
				      : "cannot resolve the MAC80211_HWSIM family";
		goto close_nl;
	}
	*out = nl;
	return 0;

close_nl:
	hwsim_nl_close(nl);
	return ret;
}

/* ----------------------------------------------------------------- radios */

static int radio_cb(const struct nlmsghdr *nlh, void *data)
{
	struct hwsim_nl_radios *list = data;
	struct hwsim_msg msg;
	struct hwsim_nl_radio *r;

	if (hwsim_decode(nlh, nlh->nlmsg_len, &msg, NULL) < 0)
		return -EBADMSG;
	/* The "list changed" marker of an interrupted dump carries no radio. */
	if (msg.cmd != HWSIM_CMD_GET_RADIO || !hwsim_has(&msg, HWSIM_ATTR_RADIO_ID))
		return 0;
	list->v = xreallocarray(list->v, list->n + 1, sizeof(*list->v));
	r = &list->v[list->n++];
	memset(r, 0, sizeof(*r));
	r->id = msg.radio_id;
	if (hwsim_has(&msg, HWSIM_ATTR_RADIO_NAME)) {
		size_t n = msg.radio_name_len < HWSIM_RADIO_NAME_MAX ? msg.radio_name_len : HWSIM_RADIO_NAME_MAX;

		memcpy(r->phy, msg.radio_name, n);
		r->phy[n] = '\0';
	}
	r->channels = hwsim_has(&msg, HWSIM_ATTR_CHANNELS) ? msg.channels : 1;
	if (hwsim_has(&msg, HWSIM_ATTR_REG_HINT_ALPHA2) &&
	    isalpha((unsigned char)msg.reg_alpha2[0]) && isalpha((unsigned char)msg.reg_alpha2[1]))
		memcpy(r->alpha2, msg.reg_alpha2, 2);
	r->p2p = hwsim_has(&msg, HWSIM_ATTR_SUPPORT_P2P_DEVICE);
	r->chanctx = hwsim_has(&msg, HWSIM_ATTR_USE_CHANCTX);
	r->strict_reg = hwsim_has(&msg, HWSIM_ATTR_REG_STRICT_REG);
	return 0;
}

int hwsim_nl_get_radios(struct hwsim_nl *nl, int64_t id, struct hwsim_nl_radios *list)
{
	/* A dump restarts when radios come and go under it; give up eventually. */
	for (int attempt = 0; attempt < 5; attempt++) {
		int32_t status = 0;
		ssize_t len = hwsim_encode_get_radio(nl->buf, sizeof(nl->buf), nl->family,
						     ++nl->seq, id);
		int ret;

		if (len < 0)
			return (int)len;
		list->n = 0;
		ret = transact(nl, (size_t)len, radio_cb, list, &status);
		if (ret == -EINTR)
			continue;
		return ret < 0 ? ret : status < 0 ? status : 0;
	}
	return -EINTR;
}

int hwsim_nl_del_radio(struct hwsim_nl *nl, int64_t id, const char *name)
{
	int32_t status = 0;
	ssize_t len = hwsim_encode_del_radio(nl->buf, sizeof(nl->buf), nl->family, ++nl->seq,
					     id, name);
	int ret;

	if (len < 0)
		return (int)len;
	ret = transact(nl, (size_t)len, NULL, NULL, &status);
	return ret < 0 ? ret : status;
}

int hwsim_nl_new_radio(struct hwsim_nl *nl, const struct hwsim_msg *radio, uint32_t *id)
{
	int32_t status = 0;
	ssize_t len = hwsim_encode_new_radio(nl->buf, sizeof(nl->buf), nl->family, ++nl->seq,
					     radio);
	int ret;

	nl->ext_msg[0] = '\0';
	if (len < 0)
		return (int)len;
	/* The answer to NEW_RADIO is an NLMSG_ERROR whose error is the radio id. */
	ret = transact(nl, (size_t)len, NULL, NULL, &status);
	if (ret < 0)
		return ret;
	if (status < 0)
		return status;
	*id = (uint32_t)status;
	return 0;
}

const char *hwsim_nl_ext_msg(const struct hwsim_nl *nl)
{
	return nl && nl->ext_msg[0] ? nl->ext_msg : NULL;
}
