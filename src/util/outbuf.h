/* SPDX-License-Identifier: MIT */
/*
 * A bounded byte queue in front of a non-blocking stream: append what is to
 * be sent, write as much as the socket takes, keep the rest for EPOLLOUT.
 */
#ifndef WM_UTIL_OUTBUF_H
#define WM_UTIL_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/loop.h"

struct outbuf {
	uint8_t *buf;
	size_t off, len, cap;		/* unsent bytes are buf[off..len) */
};

static inline bool outbuf_empty(const struct outbuf *o)
{
	return o->off == o->len;
}

/* Bytes waiting to be written. */
static inline size_t outbuf_held(const struct outbuf *o)
{
	return o->len - o->off;
}

/* Queue head then body (body may be NULL); -ENOBUFS past limit bytes held. */
int outbuf_append(struct outbuf *o, const void *head, size_t hlen, const void *body, size_t blen,
		  size_t limit);
/*
 * Write what the fd takes: the number of bytes written (0 when it would
 * block), or -errno for a connection that is gone.
 */
ssize_t outbuf_write(struct outbuf *o, int fd);
/*
 * outbuf_write() to w's fd, then have the loop wake for EPOLLOUT exactly
 * while bytes wait (EPOLLIN always): what outbuf_write() returned.
 */
ssize_t outbuf_flush(struct outbuf *o, struct loop *l, struct loop_watch *w);
/*
 * The same through write(ctx, buf, len) instead of the socket (a TLS
 * session): it returns the bytes it took, -EAGAIN when none now, or -errno.
 */
typedef ssize_t outbuf_writer(void *ctx, const void *buf, size_t len);
ssize_t outbuf_flush_via(struct outbuf *o, struct loop *l, struct loop_watch *w,
			 outbuf_writer *write, void *ctx);
void outbuf_clear(struct outbuf *o);
void outbuf_free(struct outbuf *o);

#endif
