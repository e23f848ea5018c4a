/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "outbuf.h"
#include "util/util.h"

int outbuf_append(struct outbuf *o, const void *head, size_t hlen, const void *body, size_t blen,
		  size_t limit)
{
	size_t need = hlen + blen, held = outbuf_held(o);

	if (held + need > limit)
		return -ENOBUFS;
	/* Reclaim the written part before growing. */
	if (o->off && o->len + need > o->cap) {
		memmove(o->buf, o->buf + o->off, held);
		o->len = held;
		o->off = 0;
	}
	if (o->len + need > o->cap) {
		while (o->len + need > o->cap)
			o->cap = o->cap ? 2 * o->cap : 65536;
		o->buf = xrealloc(o->buf, o->cap);
	}
	memcpy(o->buf + o->len, head, hlen);
	if (blen)
		memcpy(o->buf + o->len + hlen, body, blen);
	o->len += need;
	return 0;
}

ssize_t outbuf_write(struct outbuf *o, int fd)
{
	size_t done = 0;

	while (!outbuf_empty(o)) {
		/* send() for sockets (no SIGPIPE); write() for a virtio-serial port. */
		ssize_t n = send(fd, o->buf + o->off, outbuf_held(o), MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, o->buf + o->off, outbuf_held(o));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -errno;
		}
		o->off += (size_t)n;
		done += (size_t)n;
	}
	if (outbuf_empty(o))
		o->off = o->len = 0;
	return (ssize_t)done;
}

ssize_t outbuf_flush(struct outbuf *o, struct loop *l, struct loop_watch *w)
{
	ssize_t n = outbuf_write(o, w->fd);

	if (n >= 0)
		loop_rewatch(l, w, EPOLLIN | (outbuf_empty(o) ? 0 : EPOLLOUT));
	return n;
}

ssize_t outbuf_flush_via(struct outbuf *o, struct loop *l, struct loop_watch *w,
			 outbuf_writer *write_fn, void *ctx)
{
	size_t done = 0;

	while (!outbuf_empty(o)) {
		ssize_t n = write_fn(ctx, o->buf + o->off, outbuf_held(o));

		if (n == -EAGAIN)
			break;
		if (n < 0)
			return n;
		o->off += (size_t)n;
		done += (size_t)n;
	}
	if (outbuf_empty(o))
		o->off = o->len = 0;
	loop_rewatch(l, w, EPOLLIN | (outbuf_empty(o) ? 0 : EPOLLOUT));
	return (ssize_t)done;
}

void outbuf_clear(struct outbuf *o)
{
	o->off = o->len = 0;
}

void outbuf_free(struct outbuf *o)
{
	free(o->buf);
	*o = (struct outbuf){ 0 };
}
