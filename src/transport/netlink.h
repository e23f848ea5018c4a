/* SPDX-License-Identifier: MIT */
/*
 * The local kernel's hwsim radios over generic netlink: wifimedium registers
 * as the medium of this network namespace's hwsim group (what wmediumd
 * does), receives every frame the radios transmit, and answers with
 * deliveries and TX statuses. All radios of the kernel are one client.
 */
#ifndef WM_TRANSPORT_NETLINK_H
#define WM_TRANSPORT_NETLINK_H

#include <stdint.h>

struct hub;
struct nl_medium;

struct nl_medium_counters {
	uint64_t enobufs;	/* the kernel dropped messages to us: our socket overflowed */
	uint64_t send_drops;	/* messages the kernel did not take from us */
	uint64_t kernel_errors;	/* deliveries refused: the radio was down, idle or elsewhere */
	uint64_t verdicts;	/* addressee deliveries whose fate the kernel told */
	uint64_t refused;	/* of those, refused: no ACK for them */
	uint64_t stashed;	/* messages read while waiting for a verdict, handled after */
	uint64_t stash_drops;	/* of those, dropped: the stash was full */
	uint64_t messages;	/* messages sent to the kernel (deliveries, statuses) */
	uint64_t batches;	/* datagrams they went in: one per loop round, or when full */
	uint64_t reads;		/* system calls that read messages */
};

/* Register with the kernel; 0 or -errno (with a logged reason). */
int nl_medium_open(struct hub *hub, struct nl_medium **out);
void nl_medium_close(struct nl_medium *nm);
void nl_medium_get_counters(const struct nl_medium *nm, struct nl_medium_counters *c);

#endif
