/* SPDX-License-Identifier: MIT */
/*
 * What sysfs tells about the local kernel's wiphys: addresses and network
 * interfaces of a phy, and which phy has an address. For hwsim-radio and
 * airport (docs/hwsim-radio.md).
 */
#ifndef WM_GUEST_SYSFS_H
#define WM_GUEST_SYSFS_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define SYSFS_PHY_NAME_MAX 64		/* NL80211_WIPHY_NAME_MAXLEN, without the NUL */

/*
 * /sys/class/ieee80211/PHY/addresses: the permanent address, then (for
 * hwsim) the identity, addresses[1]. Returns how many were read (1 or 2;
 * with 1 the identity is unknown) or -errno.
 */
int sysfs_phy_addrs(const char *phy, uint8_t perm[ETH_ALEN], uint8_t ident[ETH_ALEN]);
/* The network interfaces of PHY, comma-separated, or "-". */
void sysfs_phy_netdevs(const char *phy, char *out, size_t size);
/*
 * The phy of this namespace whose permanent address or identity is mac,
 * into phy (SYSFS_PHY_NAME_MAX + 1 bytes). 0, or -ENOENT.
 */
int sysfs_phy_by_addr(const uint8_t mac[ETH_ALEN], char *phy);

#endif
