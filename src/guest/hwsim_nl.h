/* SPDX-License-Identifier: MIT */
/*
 * The local kernel's hwsim radios over the MAC80211_HWSIM generic netlink
 * family: NEW_RADIO, DEL_RADIO, GET_RADIO (encoded and decoded by
 * proto/hwsim). The guest side's view, for hwsim-radio and airport
 * (docs/hwsim-radio.md). Functions return 0 or -errno and print nothing.
 */
#ifndef WM_GUEST_HWSIM_NL_H
#define WM_GUEST_HWSIM_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/hwsim.h"

/* One generic netlink socket talking to the MAC80211_HWSIM family. */
struct hwsim_nl;

/* What GET_RADIO tells about a radio. */
struct hwsim_nl_radio {
	uint32_t id;
	char phy[HWSIM_RADIO_NAME_MAX + 1];	/* the wiphy's current name, "" if not sent */
	uint32_t channels;
	char alpha2[3];				/* regulatory hint, "" if none */
	bool p2p, chanctx, strict_reg;
};

struct hwsim_nl_radios {
	struct hwsim_nl_radio *v;
	size_t n;
};

/*
 * Open a generic netlink socket and resolve MAC80211_HWSIM: 0, or -errno
 * with *why saying what failed for the caller to print (-ENOENT:
 * mac80211_hwsim is not loaded, and *why says how to load it).
 */
int hwsim_nl_open(struct hwsim_nl **out, const char **why);
/* The socket and the hwsim family id, for a caller that goes on using them (airport). */
int hwsim_nl_fd(const struct hwsim_nl *nl);
uint16_t hwsim_nl_family(const struct hwsim_nl *nl);
void hwsim_nl_close(struct hwsim_nl *nl);
/* The kernel's extended-ack text for the last refused request, or NULL. */
const char *hwsim_nl_ext_msg(const struct hwsim_nl *nl);

/* NEW_RADIO with radio's attributes (see hwsim_encode_new_radio); *id is the new radio's. */
int hwsim_nl_new_radio(struct hwsim_nl *nl, const struct hwsim_msg *radio, uint32_t *id);
/* DEL_RADIO by id (id >= 0) or by phy name. */
int hwsim_nl_del_radio(struct hwsim_nl *nl, int64_t id, const char *name);
/*
 * GET_RADIO for one id (id >= 0) or a dump of this network namespace's
 * radios (id < 0), into list (whose old contents are dropped; free list->v).
 */
int hwsim_nl_get_radios(struct hwsim_nl *nl, int64_t id, struct hwsim_nl_radios *list);

#endif
