/* SPDX-License-Identifier: MIT */
/*
 * hwsim-radio's side of the kernel: the MAC80211_HWSIM generic netlink
 * family (NEW_RADIO, DEL_RADIO, GET_RADIO, encoded and decoded by
 * proto/hwsim) and what sysfs tells about a phy (addresses, netdevs).
 * Functions return 0 or -errno; only hr_nl_open() prints (why the family
 * cannot be reached). See docs/hwsim-radio.md.
 */
#ifndef WM_TOOLS_HWSIM_RADIO_H
#define WM_TOOLS_HWSIM_RADIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/hwsim.h"
#include "util/util.h"

#define HR_PROG "hwsim-radio"
#define HR_NAME_MAX HWSIM_RADIO_NAME_MAX	/* a phy name, without its NUL */

/* One generic netlink socket talking to the MAC80211_HWSIM family. */
struct hr_nl;

/* What GET_RADIO tells about a radio. */
struct hr_radio {
	uint32_t id;
	char phy[HR_NAME_MAX + 1];	/* the wiphy's current name, "" if not sent */
	uint32_t channels;
	char alpha2[3];			/* regulatory hint, "" if none */
	bool p2p, chanctx, strict_reg;
};

struct hr_radios {
	struct hr_radio *v;
	size_t n;
};

/*
 * Open a generic netlink socket and resolve MAC80211_HWSIM. Prints the
 * reason on failure; -ENOENT means mac80211_hwsim is not loaded.
 */
int hr_nl_open(struct hr_nl **out);
/* The socket and the hwsim family id, for a caller that goes on using them (airport). */
int hr_nl_fd(const struct hr_nl *nl);
uint16_t hr_nl_family(const struct hr_nl *nl);
void hr_nl_close(struct hr_nl *nl);
/* The kernel's extended-ack text for the last refused request, or NULL. */
const char *hr_nl_ext_msg(const struct hr_nl *nl);

/* NEW_RADIO with radio's attributes (see hwsim_encode_new_radio); *id is the new radio's. */
int hr_new_radio(struct hr_nl *nl, const struct hwsim_msg *radio, uint32_t *id);
/* DEL_RADIO by id (id >= 0) or by phy name. */
int hr_del(struct hr_nl *nl, int64_t id, const char *name);
/*
 * GET_RADIO for one id (id >= 0) or a dump of this network namespace's
 * radios (id < 0), into list (whose old contents are dropped; free list->v).
 */
int hr_get_radios(struct hr_nl *nl, int64_t id, struct hr_radios *list);

/*
 * /sys/class/ieee80211/PHY/addresses: the permanent address, then (for
 * hwsim) the identity, addresses[1]. Returns how many were read (1 or 2;
 * with 1 the identity is unknown) or -errno.
 */
int hr_phy_addrs(const char *phy, uint8_t perm[ETH_ALEN], uint8_t ident[ETH_ALEN]);
/* The network interfaces of PHY, comma-separated, or "-". */
void hr_phy_netdevs(const char *phy, char *out, size_t size);
/*
 * The phy of this namespace whose permanent address or identity is mac,
 * into phy (HR_NAME_MAX + 1 bytes). 0, or -ENOENT.
 */
int hr_phy_by_addr(const uint8_t mac[ETH_ALEN], char *phy);

#endif
