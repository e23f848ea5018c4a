/* SPDX-License-Identifier: MIT */
/*
 * A parsed config (daemon/config.h) put into the hub's medium: model,
 * nodes, links and mobility. Radios stay, frames in flight stay. Used at start, on
 * SIGHUP and by the control API's reload.
 */
#ifndef WM_DAEMON_CONFIG_APPLY_H
#define WM_DAEMON_CONFIG_APPLY_H

#include "daemon/config.h"
#include "hub/hub.h"

/* base: the command line's parameters, which the config's model overrides. */
void config_apply(struct hub *hub, const struct wm_config *cfg, const struct medium_params *base);

#endif
