/* SPDX-License-Identifier: MIT */
/*
 * What sysfs tells about the local kernel's wiphys (see sysfs.h).
 */
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SYSFS_IEEE80211 "/sys/class/ieee80211"

/* A phy name we may put in a sysfs path: no '/', not "." or "..". */
static bool phy_name_ok(const char *phy)
{
	return phy[0] && !strchr(phy, '/') && strcmp(phy, ".") && strcmp(phy, "..");
}

int sysfs_phy_addrs(const char *phy, uint8_t perm[ETH_ALEN], uint8_t ident[ETH_ALEN])
{
	char path[PATH_MAX], line[64];
	int n = 0;
	FILE *f;

	if (!phy_name_ok(phy))
		return -EINVAL;
	snprintf(path, sizeof(path), SYSFS_IEEE80211 "/%s/addresses", phy);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (n < 2 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (mac_parse(line, n == 0 ? perm : ident) < 0)
			break;
		n++;
	}
	fclose(f);
	return n ? n : -EBADMSG;
}

void sysfs_phy_netdevs(const char *phy, char *out, size_t size)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t used = 0;
	DIR *d;

	snprintf(out, size, "-");
	if (!phy_name_ok(phy))
		return;
	snprintf(path, sizeof(path), SYSFS_IEEE80211 "/%s/device/net", phy);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		int w;

		if (de->d_name[0] == '.')
			continue;
		w = snprintf(out + used, size - used, "%s%s", used ? "," : "", de->d_name);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	closedir(d);
	if (!used)
		snprintf(out, size, "-");
}

int sysfs_phy_by_addr(const uint8_t mac[ETH_ALEN], char *phy)
{
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d = opendir(SYSFS_IEEE80211);

	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		uint8_t perm[ETH_ALEN], ident[ETH_ALEN];
		int n;

		if (de->d_name[0] == '.' || strlen(de->d_name) > SYSFS_PHY_NAME_MAX)
			continue;
		n = sysfs_phy_addrs(de->d_name, perm, ident);
		if ((n >= 1 && mac_equal(perm, mac)) || (n == 2 && mac_equal(ident, mac))) {
			strcpy(phy, de->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}
