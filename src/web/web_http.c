/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-web's HTTP side (libmicrohttpd in external-polling mode, run
 * from web.c's loop). Every request is untrusted: it passes the access
 * check (a token when one is configured; otherwise a loopback Host, so a
 * page elsewhere cannot reach us by DNS rebinding), then a fixed table of
 * paths; bodies are bounded and must be JSON of an allowed command;
 * every response says its type, its caching and a restrictive CSP.
 *
 * The page's updates are Server-Sent Events: each browser has a buffer the
 * medium's broadcasts are appended to, read out by libmicrohttpd; an idle
 * stream is suspended until the next broadcast (never a busy wait). A
 * browser that falls WEB_SSE_BACKLOG behind is ended; its EventSource
 * reconnects and starts from a full state.
 */
#include "web/web_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/util.h"
#include "web/web_assets.h"

#define WEB_BODY_MAX 16384		/* a change's request body */
#define WEB_SSE_MAX 64			/* browsers following at once */
#define WEB_SSE_BACKLOG (8u << 20)	/* unsent bytes (past its first state) before a browser is dropped */
#define WEB_COOKIE "wm_token"

static const char web_csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/* The commands a browser may send: the same operations as wifimedium-ctl's. */
static const char *const web_cmds[] = { "move", "set-power", "pin", "unpin", "mobility" };

struct web_sse {
	struct web_sse *next, **pprev;
	struct MHD_Connection *conn;
	char *buf;
	size_t off, len, cap;
	size_t limit;		/* unsent bytes past which it is cut off */
	bool suspended, closing;
};

/* One request's state across libmicrohttpd's calls of the handler. */
struct web_req {
	struct MHD_Connection *conn;
	char body[WEB_BODY_MAX];
	size_t len;
	bool too_big;
	struct web_call *call;		/* sent to the daemon, reply not yet in */
	json_t *reply;
};

static struct {
	struct MHD_Daemon *d;
	struct web_medium *m;
	bool read_only;
	char token[256];
	size_t token_len;
	struct web_sse *sse;
	int nsse;
} web;

/* ----------------------------------------------------------- responses */

static enum MHD_Result web_respond(struct MHD_Connection *conn, unsigned int code,
				   const char *type, const void *body, size_t len,
				   enum MHD_ResponseMemoryMode mode, const char *cache)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	MHD_add_response_header(r, "Content-Security-Policy", web_csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* A JSON body (j is taken). */
static enum MHD_Result web_json(struct MHD_Connection *conn, unsigned int code, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (!s)
		return MHD_NO;
	return web_respond(conn, code, "application/json", s, strlen(s),
			   MHD_RESPMEM_MUST_FREE, "no-store");
}

static enum MHD_Result web_error(struct MHD_Connection *conn, unsigned int code,
				 const char *error, const char *message)
{
	return web_json(conn, code, json_pack("{s:b,s:s,s:s}", "ok", 0, "error", error,
					      "message", message));
}

/* --------------------------------------------------------------- access */

/* Compares in time that depends only on the token's length, never on where they differ. */
static bool web_token_equal(const char *given)
{
	size_t n = strlen(given);
	unsigned char diff = n != web.token_len;

	for (size_t i = 0; i < web.token_len; i++)
		diff |= (unsigned char)web.token[i] ^ (unsigned char)(i < n ? given[i] : 0);
	return !diff;
}

/* Host names a loopback address (a browser's view of where it connected). */
static bool web_host_loopback(const char *host)
{
	char name[64];
	struct in_addr a4;
	const char *end;
	size_t n;

	if (!host)
		return false;
	if (host[0] == '[') {
		end = strchr(host, ']');
		return end && end - host == 4 && !strncmp(host, "[::1]", 5) &&
		       (!end[1] || end[1] == ':');
	}
	end = strchr(host, ':');
	n = end ? (size_t)(end - host) : strlen(host);
	if (n >= sizeof(name))
		return false;
	memcpy(name, host, n);
	name[n] = '\0';
	if (!strcasecmp(name, "localhost"))
		return true;
	return inet_pton(AF_INET, name, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

enum web_access { WEB_ALLOW, WEB_DENY_MISSING, WEB_DENY_BAD, WEB_SET_COOKIE };

static enum web_access web_access(struct MHD_Connection *conn)
{
	const char *q, *c, *auth;

	if (!web.token_len)
		return web_host_loopback(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
								     MHD_HTTP_HEADER_HOST)) ?
		       WEB_ALLOW : WEB_DENY_BAD;
	q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token");
	c = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, WEB_COOKIE);
	auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (q)
		return web_token_equal(q) ? WEB_SET_COOKIE : WEB_DENY_BAD;
	if (auth) {
		if (strncmp(auth, "Bearer ", 7))
			return WEB_DENY_BAD;
		return web_token_equal(auth + 7) ? WEB_ALLOW : WEB_DENY_BAD;
	}
	if (c)
		return web_token_equal(c) ? WEB_ALLOW : WEB_DENY_BAD;
	return WEB_DENY_MISSING;
}

/* ?token= once: the cookie is set and the address bar loses the token. */
static enum MHD_Result web_set_cookie(struct MHD_Connection *conn, const char *url)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL,
								 MHD_RESPMEM_PERSISTENT);
	char cookie[sizeof(web.token) + 64];
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	snprintf(cookie, sizeof(cookie), WEB_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict",
		 web.token);
	MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, url);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "Content-Security-Policy", web_csp);
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(conn, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ret;
}

/* ------------------------------------------------------------------ SSE */

static void web_sse_append(struct web_sse *s, const char *a, size_t alen)
{
	if (s->closing)
		return;
	if (s->len - s->off + alen > s->limit) {
		/* It cannot keep up: end it, it comes back from a full state. */
		s->closing = true;
		s->off = s->len = 0;
		return;
	}
	if (s->cap - s->len < alen) {
		if (s->off)
			memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
		while (s->cap - s->len < alen)
			s->cap = s->cap ? s->cap * 2 : 65536;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, a, alen);
	s->len += alen;
}

static void web_sse_wake(struct web_sse *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

/* "event: NAME\ndata: JSON\n\n" (compact JSON has no newline). */
static char *web_sse_message(const char *event, const json_t *data, size_t *len)
{
	char *j = json_dumps(data, JSON_COMPACT), *msg;
	size_t n;

	if (!j)
		return NULL;
	n = strlen(event) + strlen(j) + 20;
	msg = xmalloc(n);
	*len = (size_t)snprintf(msg, n, "event: %s\ndata: %s\n\n", event, j);
	free(j);
	return msg;
}

void web_http_broadcast(const char *event, const json_t *data)
{
	size_t len;
	char *msg;

	if (!web.sse)
		return;
	msg = web_sse_message(event, data, &len);
	if (!msg)
		return;
	for (struct web_sse *s = web.sse; s; s = s->next) {
		web_sse_append(s, msg, len);
		web_sse_wake(s);
	}
	free(msg);
}

void web_http_keepalive(void)
{
	static const char ka[] = ": keep-alive\n\n";

	for (struct web_sse *s = web.sse; s; s = s->next) {
		web_sse_append(s, ka, sizeof(ka) - 1);
		web_sse_wake(s);
	}
}

static ssize_t web_sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct web_sse *s = cls;
	size_t n;

	if (s->off < s->len) {
		n = s->len - s->off < max ? s->len - s->off : max;
		memcpy(buf, s->buf + s->off, n);
		s->off += n;
		if (s->off == s->len)
			s->off = s->len = 0;
		return (ssize_t)n;
	}
	if (s->closing)
		return MHD_CONTENT_READER_END_OF_STREAM;
	/* Nothing to send: sleep until web_sse_wake(). */
	s->suspended = true;
	MHD_suspend_connection(s->conn);
	return 0;
}

static void web_sse_free(void *cls)
{
	struct web_sse *s = cls;

	*s->pprev = s->next;
	if (s->next)
		s->next->pprev = s->pprev;
	web.nsse--;
	free(s->buf);
	free(s);
}

static enum MHD_Result web_events(struct MHD_Connection *conn)
{
	struct MHD_Response *r;
	struct web_sse *s;
	enum MHD_Result ret;
	json_t *first;
	size_t len;
	char *msg;

	if (web.nsse >= WEB_SSE_MAX)
		return web_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
				 "too many pages follow the medium");
	s = xcalloc(1, sizeof(*s));
	s->conn = conn;
	if (web_medium_up(web.m)) {
		first = web_medium_state(web.m);
		msg = web_sse_message("state", first, &len);
	} else {
		first = json_pack("{s:b}", "up", 0);
		msg = web_sse_message("medium", first, &len);
	}
	json_decref(first);
	/* A large air's first state (25 MiB for 500 radios) is not falling behind. */
	s->limit = WEB_SSE_BACKLOG + (msg ? len : 0);
	web_sse_append(s, "retry: 2000\n\n", 13);
	if (msg)
		web_sse_append(s, msg, len);
	free(msg);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536, web_sse_read, s,
					      web_sse_free);
	if (!r) {
		free(s->buf);
		free(s);
		return MHD_NO;
	}
	s->next = web.sse;
	s->pprev = &web.sse;
	if (web.sse)
		web.sse->pprev = &s->next;
	web.sse = s;
	web.nsse++;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "Content-Security-Policy", web_csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* -------------------------------------------------------------- changes */

static void web_call_done_cb(void *opaque, json_t *reply)
{
	struct web_req *r = opaque;

	r->call = NULL;
	r->reply = json_incref(reply);
	MHD_resume_connection(r->conn);
}

/* The daemon's error -> an HTTP status. */
static unsigned int web_status_of(const json_t *reply)
{
	const char *e = json_string_value(json_object_get(reply, "error"));

	if (json_is_true(json_object_get(reply, "ok")))
		return MHD_HTTP_OK;
	if (!e)
		return MHD_HTTP_BAD_GATEWAY;
	if (!strcmp(e, "not-found"))
		return MHD_HTTP_NOT_FOUND;
	if (!strcmp(e, "bad-request") || !strcmp(e, "invalid"))
		return MHD_HTTP_BAD_REQUEST;
	if (!strcmp(e, "unknown-command"))
		return MHD_HTTP_NOT_IMPLEMENTED;
	if (!strcmp(e, "away"))
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	return MHD_HTTP_UNPROCESSABLE_CONTENT;
}

/* Content-Type is application/json (which a cross-site form cannot send without asking). */
static bool web_is_json(struct MHD_Connection *conn)
{
	const char *t = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");

	return t && !strncasecmp(t, "application/json", n) && (!t[n] || t[n] == ';');
}

/* An Origin, when the browser sends one, is this server itself. */
static bool web_same_origin(struct MHD_Connection *conn)
{
	const char *o = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);

	if (!o)
		return true;
	if (!h)
		return false;
	/* https: through a TLS proxy in front of us, which keeps the Host. */
	if (!strncmp(o, "http://", 7))
		return !strcmp(o + 7, h);
	return !strncmp(o, "https://", 8) && !strcmp(o + 8, h);
}

static enum MHD_Result web_change(struct web_req *r)
{
	struct MHD_Connection *conn = r->conn;
	const char *cmd;
	json_error_t err;
	json_t *req;
	bool known = false;

	if (r->reply) {
		unsigned int code = web_status_of(r->reply);
		json_t *reply = r->reply;

		r->reply = NULL;
		json_object_del(reply, "id");
		return web_json(conn, code, reply);
	}
	if (web.read_only)
		return web_error(conn, MHD_HTTP_FORBIDDEN, "read-only",
				 "this view is read-only (--read-only)");
	if (!web_same_origin(conn))
		return web_error(conn, MHD_HTTP_FORBIDDEN, "origin", "a request from another site");
	if (!web_is_json(conn))
		return web_error(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "bad-request",
				 "the body must be application/json");
	if (r->too_big)
		return web_error(conn, MHD_HTTP_CONTENT_TOO_LARGE, "bad-request",
				 "the body is larger than 16 KiB");
	req = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(req)) {
		json_decref(req);
		return web_error(conn, MHD_HTTP_BAD_REQUEST, "bad-request",
				 "the body is not a JSON object");
	}
	cmd = json_string_value(json_object_get(req, "cmd"));
	for (size_t i = 0; cmd && i < ARRAY_SIZE(web_cmds); i++)
		known |= !strcmp(cmd, web_cmds[i]);
	if (!known) {
		json_decref(req);
		return web_error(conn, MHD_HTTP_BAD_REQUEST, "bad-request",
				 "cmd must be move, set-power, pin, unpin or mobility");
	}
	json_object_del(req, "id");	/* ours to give */
	r->call = web_medium_call(web.m, req, web_call_done_cb, r);
	if (!r->call)
		return web_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "away",
				 "the medium is away (or busy)");
	MHD_suspend_connection(conn);
	return MHD_YES;
}

/* -------------------------------------------------------------- routing */

static enum MHD_Result web_handler(void *cls, struct MHD_Connection *conn, const char *url,
				   const char *method, const char *version,
				   const char *upload_data, size_t *upload_data_size,
				   void **con_cls)
{
	struct web_req *r = *con_cls;
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	bool post = !strcmp(method, "POST");
	const struct web_asset *a;

	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->conn = conn;
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		if (r->len + n > sizeof(r->body))
			r->too_big = true;
		else
			memcpy(r->body + r->len, upload_data, n);
		if (!r->too_big)
			r->len += n;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->reply)
		return web_change(r);
	if (r->call)		/* suspended, waiting for the daemon */
		return MHD_YES;
	if (!get && !post)
		return web_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "bad-request",
				 "GET, HEAD or POST only");
	switch (web_access(conn)) {
	case WEB_ALLOW:
		break;
	case WEB_SET_COOKIE:
		if (get)
			return web_set_cookie(conn, url);
		break;
	case WEB_DENY_MISSING:
		return web_error(conn, MHD_HTTP_UNAUTHORIZED, "unauthorized",
				 "a token is needed: open the page once with ?token=TOKEN");
	case WEB_DENY_BAD:
		return web_error(conn, MHD_HTTP_FORBIDDEN, "forbidden",
				 web.token_len ? "wrong token" :
				 "not a loopback Host (use --token-file to serve others)");
	}
	if (post) {
		if (strcmp(url, "/api/cmd"))
			return web_error(conn, MHD_HTTP_NOT_FOUND, "not-found", "no such path");
		return web_change(r);
	}
	if (!strcmp(url, "/api/state")) {
		json_t *s = web_medium_state(web.m);

		json_object_set_new(s, "read_only", json_boolean(web.read_only));
		return web_json(conn, MHD_HTTP_OK, s);
	}
	if (!strcmp(url, "/api/events"))
		return web_events(conn);
	if (!strcmp(url, "/api/config"))
		return web_json(conn, MHD_HTTP_OK, json_pack("{s:b,s:b}", "read_only",
							    web.read_only, "mobility",
							    web_medium_mobility(web.m)));
	a = web_asset_find(url);
	if (!a)
		return web_error(conn, MHD_HTTP_NOT_FOUND, "not-found", "no such path");
	return web_respond(conn, MHD_HTTP_OK, a->type, a->data, a->len, MHD_RESPMEM_PERSISTENT,
			   "no-cache");
}

static void web_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			  enum MHD_RequestTerminationCode toe)
{
	struct web_req *r = *con_cls;

	if (!r)
		return;
	if (r->call)
		web_medium_cancel(web.m, r->call);
	json_decref(r->reply);
	free(r);
	*con_cls = NULL;
}

/* libmicrohttpd's own messages (a browser that went away mid-stream...): debug. */
static void web_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	if (log_get_level() < LOG_LEVEL_DEBUG)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("http: %s", buf);
}

int web_http_start(struct web_medium *m, int listen_fd, bool read_only, const char *token,
		   size_t token_len)
{
	web.m = m;
	web.read_only = read_only;
	if (token_len >= sizeof(web.token))
		return -EINVAL;
	memcpy(web.token, token, token_len);
	web.token[token_len] = '\0';
	web.token_len = token_len;
	web.d = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
				 0, NULL, NULL, web_handler, NULL,
				 MHD_OPTION_LISTEN_SOCKET, listen_fd,
				 MHD_OPTION_NOTIFY_COMPLETED, web_completed, NULL,
				 MHD_OPTION_EXTERNAL_LOGGER, web_mhd_log, NULL,
				 MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
				 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
				 MHD_OPTION_END);
	return web.d ? 0 : -EIO;
}

struct MHD_Daemon *web_http_daemon(void)
{
	return web.d;
}

void web_http_stop(void)
{
	for (struct web_sse *s = web.sse; s; s = s->next) {
		s->closing = true;
		web_sse_wake(s);
	}
	if (web.d)
		MHD_stop_daemon(web.d);
	web.d = NULL;
	explicit_bzero(web.token, sizeof(web.token));
}
