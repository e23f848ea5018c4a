/* SPDX-License-Identifier: MIT */
#include "stream_tls.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "util/util.h"

/* The one PSK identity; the key is what matters. */
#define TLS_IDENTITY "wifimedium-airport"

struct tls_key {
	uint8_t key[SHA256_DIGEST_LENGTH];
};

static const unsigned char aes128gcm_sha256[] = { 0x13, 0x01 };

static SSL_SESSION *psk_session(SSL *ssl)
{
	const struct tls_key *k = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, aes128gcm_sha256);
	SSL_SESSION *s;

	if (!k || !cipher || !(s = SSL_SESSION_new()))
		return NULL;
	if (!SSL_SESSION_set1_master_key(s, k->key, sizeof(k->key)) ||
	    !SSL_SESSION_set_cipher(s, cipher) ||
	    !SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION)) {
		SSL_SESSION_free(s);
		return NULL;
	}
	return s;
}

static int find_psk(SSL *ssl, const unsigned char *id, size_t len, SSL_SESSION **sess)
{
	*sess = NULL;
	/* Another identity: no key for it, and the handshake fails. */
	if (len != strlen(TLS_IDENTITY) || memcmp(id, TLS_IDENTITY, len))
		return 1;
	*sess = psk_session(ssl);
	return *sess ? 1 : 0;
}

static int use_psk(SSL *ssl, const EVP_MD *md, const unsigned char **id, size_t *len,
		   SSL_SESSION **sess)
{
	SSL_SESSION *s = psk_session(ssl);

	if (!s)
		return 0;
	/* After a HelloRetryRequest the digest is fixed: ours is SHA-256. */
	if (md && md != SSL_CIPHER_get_handshake_digest(SSL_SESSION_get0_cipher(s))) {
		SSL_SESSION_free(s);
		*sess = NULL;
		return 1;
	}
	*id = (const unsigned char *)TLS_IDENTITY;
	*len = strlen(TLS_IDENTITY);
	*sess = s;
	return 1;
}

SSL_CTX *stream_tls_ctx(bool server, const uint8_t *secret, size_t len, const char **why)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	struct tls_key *k;

	if (!ctx) {
		*why = "cannot make a TLS context";
		return NULL;
	}
	k = xcalloc(1, sizeof(*k));
	SHA256(secret, len, k->key);
	SSL_CTX_set_app_data(ctx, k);
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256")) {
		*why = "TLS 1.3 is not available";
		stream_tls_ctx_free(ctx);
		return NULL;
	}
	/* Writes may be partial and retried from a moved buffer (util/outbuf). */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (server) {
		SSL_CTX_set_psk_find_session_callback(ctx, find_psk);
		SSL_CTX_set_num_tickets(ctx, 0);	/* no resumption: every session proves the key */
	} else {
		SSL_CTX_set_psk_use_session_callback(ctx, use_psk);
	}
	return ctx;
}

void stream_tls_ctx_free(SSL_CTX *ctx)
{
	struct tls_key *k;

	if (!ctx)
		return;
	k = SSL_CTX_get_app_data(ctx);
	if (k) {
		OPENSSL_cleanse(k, sizeof(*k));
		free(k);
	}
	SSL_CTX_free(ctx);
}

int stream_tls_handshake(SSL *ssl, bool *want_write, const char **why)
{
	int r = SSL_do_handshake(ssl);

	*want_write = false;
	if (r == 1)
		return 1;
	switch (SSL_get_error(ssl, r)) {
	case SSL_ERROR_WANT_READ:
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*want_write = true;
		return 0;
	default:
		*why = "TLS handshake failed: the other end does not know the secret, or speaks no TLS";
		ERR_clear_error();
		return -1;
	}
}

/* What a failed SSL_read_ex() or SSL_write_ex() means: -EAGAIN, 0 (the end), or -errno. */
static ssize_t io_error(SSL *ssl, int r, bool reading)
{
	switch (SSL_get_error(ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return reading ? 0 : -EPIPE;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		/* No errno: the peer hung up without close_notify. */
		return errno ? -errno : reading ? 0 : -EPIPE;
	default:
		ERR_clear_error();
		return reading ? -EPROTO : -EPIPE;
	}
}

ssize_t stream_tls_read(SSL *ssl, void *buf, size_t len)
{
	size_t n = 0;
	int r;

	errno = 0;	/* SSL_ERROR_SYSCALL's cause, if any, is what the call leaves here */
	r = SSL_read_ex(ssl, buf, len, &n);
	return r == 1 ? (ssize_t)n : io_error(ssl, r, true);
}

ssize_t stream_tls_write(SSL *ssl, const void *buf, size_t len)
{
	size_t n = 0;
	int r;

	errno = 0;
	r = SSL_write_ex(ssl, buf, len, &n);
	return r == 1 ? (ssize_t)n : io_error(ssl, r, false);
}

ssize_t stream_io_read(SSL *ssl, int fd, void *buf, size_t len)
{
	ssize_t n;

	if (ssl)
		return stream_tls_read(ssl, buf, len);
	n = read(fd, buf, len);
	return n < 0 ? -errno : n;
}

static ssize_t tls_writer(void *ssl, const void *buf, size_t len)
{
	return stream_tls_write(ssl, buf, len);
}

ssize_t stream_io_flush(SSL *ssl, struct outbuf *out, struct loop *l, struct loop_watch *w)
{
	return ssl ? outbuf_flush_via(out, l, w, tls_writer, ssl) : outbuf_flush(out, l, w);
}
