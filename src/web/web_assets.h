/* SPDX-License-Identifier: MIT */
/*
 * The page's files, built into the program (web_assets.c is generated at
 * build time by embed.py from src/web/assets/): nothing is read from disk
 * or fetched at run time.
 */
#ifndef WM_WEB_ASSETS_H
#define WM_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path;	/* as requested: "/", "/app.js" */
	const char *type;	/* Content-Type */
	const unsigned char *data;
	size_t len;
};

/* The asset served at path, or NULL. */
const struct web_asset *web_asset_find(const char *path);

#endif
