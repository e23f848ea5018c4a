/* SPDX-License-Identifier: MIT */
/*
 * A hub on a fresh event loop, as the unit tests of the transports and the
 * control API build it.
 */
#ifndef WM_TESTS_HUB_ENV_H
#define WM_TESTS_HUB_ENV_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hub/hub.h"
#include "util/loop.h"

/* Initialise @hub with the link model the daemon runs without a config; returns its loop. */
static inline struct loop *hub_env_init(struct hub *hub)
{
	struct medium_params p;
	struct loop *loop;

	medium_params_init(&p);
	p.link_model = MEDIUM_LINK_SNR;
	loop = loop_new();
	assert_non_null(loop);
	hub_init(hub, loop, &p);
	return loop;
}

#endif
