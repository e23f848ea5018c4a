/* SPDX-License-Identifier: MIT */
/*
 * TLS for the airport stream over TCP: TLS 1.3 with a pre-shared key (the
 * SHA-256 of the operator's secret), so each end proves it knows the
 * secret to the other, and every message after is private and cannot be
 * altered or injected on the way. No certificates. Both ends use it: the
 * medium (transport/airport.c) and the agent (airport/airport.c); the
 * handshake and records run over their own non-blocking sockets, through
 * OpenSSL.
 */
#ifndef WM_PROTO_STREAM_TLS_H
#define WM_PROTO_STREAM_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "util/loop.h"
#include "util/outbuf.h"

/* A context for one end: server (the medium) or client (an agent). NULL with *why. */
SSL_CTX *stream_tls_ctx(bool server, const uint8_t *secret, size_t len, const char **why);
void stream_tls_ctx_free(SSL_CTX *ctx);

/*
 * One step of the handshake on ssl: 1 done, 0 again when fd is ready
 * (*want_write: for writing, else reading), -1 failed with *why (the
 * other end does not know the secret, or does not speak TLS).
 */
int stream_tls_handshake(SSL *ssl, bool *want_write, const char **why);
/* Decrypted bytes: how many (> 0), 0 at the end of the stream, -EAGAIN, or -EPROTO/-errno. */
ssize_t stream_tls_read(SSL *ssl, void *buf, size_t len);
/* Bytes written (possibly fewer), -EAGAIN when none fit now, or -EPIPE. */
ssize_t stream_tls_write(SSL *ssl, const void *buf, size_t len);

/*
 * For both ends, whether their stream is TLS (ssl set) or plain: read into
 * buf (as stream_tls_read(); read() on a plain fd, so a virtio-serial port
 * works too), and write what is queued in out to w's fd (outbuf_flush(),
 * through TLS when ssl is set).
 */
ssize_t stream_io_read(SSL *ssl, int fd, void *buf, size_t len);
ssize_t stream_io_flush(SSL *ssl, struct outbuf *out, struct loop *l, struct loop_watch *w);

#endif
