/* SPDX-License-Identifier: MIT */
/* wifimedium-web's HTTP side (web_http.c): libmicrohttpd in external polling. */
#ifndef WM_WEB_HTTP_H
#define WM_WEB_HTTP_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "web/web.h"

/*
 * Serve on listen_fd (bound, listening; taken). token: what a browser must
 * present (token_len 0: none; then only a loopback Host is served). 0 or -errno.
 */
int web_http_start(struct web_medium *m, int listen_fd, bool read_only, const char *token,
		   size_t token_len);
/* For the loop: its epoll fd, MHD_run(), MHD_get_timeout(). */
struct MHD_Daemon *web_http_daemon(void);
/* A comment line to every stream, so idle ones are known to be alive. */
void web_http_keepalive(void);
void web_http_stop(void);

#endif
