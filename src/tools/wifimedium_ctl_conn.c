/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-ctl's side of the wire (docs/control.md, "Framing"): connect,
 * send one request line, read its reply line within the timeout; then, for
 * the streaming commands, copy what follows the reply to stdout until the
 * user, the reader of stdout or the daemon ends it.
 */
#include "tools/wifimedium_ctl.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

/*
 * The spec bounds lines at 64 KiB, but `links` on a large air has n(n-1)
 * entries and can be longer: we take any reply up to a bound that only
 * stops a runaway peer from eating the memory.
 */
#define WMCTL_LINE_MAX (64u << 20)
#define WMCTL_STREAM_BUF 65536

static volatile sig_atomic_t wmctl_stopped;

/* The daemon cannot be reached or broke the protocol: the message; the exit status. */
__attribute__((format(printf, 2, 3)))
static int wmctl_unreachable(const struct wmctl *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, WMCTL_PROG ": %s: ", c->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return WMCTL_EXIT_UNREACHABLE;
}

/* ----------------------------------------------------------- the wire */

static int64_t wmctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int wmctl_connect(struct wmctl *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = c->timeout_ms / 1000,
			      .tv_usec = (c->timeout_ms % 1000) * 1000 };

	if (strlen(c->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, WMCTL_PROG ": socket path too long (at most %zu bytes): `%s'\n",
			sizeof(sa.sun_path) - 1, c->path);
		return WMCTL_EXIT_USAGE;
	}
	strcpy(sa.sun_path, c->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return wmctl_unreachable(c, "cannot make a socket: %s", strerror(errno));
	/* Linux bounds a unix connect() (full backlog) and send() by SO_SNDTIMEO. */
	if (c->timeout_ms >= 0)
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		return wmctl_unreachable(c, "cannot connect: %s%s", strerror(err),
				       err == ENOENT || err == ECONNREFUSED ?
				       " (is wifimedium running with --control at this path? "
				       "-s or $WIFIMEDIUM_CONTROL name another)" :
				       err == EACCES ? " (the socket is for the daemon's user "
				       "and group)" : err == EAGAIN ? " (the daemon is not "
				       "accepting connections)" : "");
	}
	return 0;
}

static void wmctl_on_signal(int sig)
{
	wmctl_stopped = 1;
}

/*
 * From here on SIGINT and SIGTERM only set wmctl_stopped: they are blocked,
 * and let in only inside ppoll() and around writes to stdout, so a stop is
 * never lost between a check and a wait. SA_RESETHAND: a second one kills
 * at once, should a write hang on a reader that never reads.
 */
static void wmctl_stream_signals(struct wmctl *c)
{
	struct sigaction sa = { .sa_handler = wmctl_on_signal, .sa_flags = SA_RESETHAND };
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &c->run_mask);
	sigdelset(&c->run_mask, SIGINT);
	sigdelset(&c->run_mask, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * Wait until the socket has something (data, its end, an error). 0;
 * -ETIMEDOUT past deadline (ms, -1 none); while streaming also -EINTR when
 * stopped and -EPIPE when stdout's reader is gone (a pipe reports POLLERR:
 * `| head -c 4` on a quiet air must not wait for the next frame to notice).
 */
static int wmctl_wait(struct wmctl *c, int64_t deadline, bool stream)
{
	struct pollfd p[2] = {
		{ .fd = c->fd, .events = POLLIN },
		{ .fd = STDOUT_FILENO, .events = 0 },
	};

	for (;;) {
		struct timespec ts, *tsp = NULL;
		int n;

		if (deadline >= 0) {
			int64_t left = deadline - wmctl_now_ms();

			if (left <= 0)
				return -ETIMEDOUT;
			ts = (struct timespec){ .tv_sec = left / 1000,
						.tv_nsec = (left % 1000) * 1000000 };
			tsp = &ts;
		}
		if (wmctl_stopped)
			return -EINTR;
		n = ppoll(p, stream ? 2 : 1, tsp, stream ? &c->run_mask : NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (stream && (p[1].revents & (POLLERR | POLLHUP | POLLNVAL)))
			return -EPIPE;
		if (p[0].revents)
			return 0;
	}
}

/* Reads what the socket has into c->buf. 0; -ECONNRESET at its end; see wmctl_wait(). */
static int wmctl_fill(struct wmctl *c, int64_t deadline, bool stream)
{
	ssize_t n;
	int ret;

	if (c->cap - c->len < 4096) {
		c->cap = c->cap ? c->cap * 2 : WMCTL_STREAM_BUF;
		c->buf = xrealloc(c->buf, c->cap);
	}
	ret = wmctl_wait(c, deadline, stream);
	if (ret < 0)
		return ret;
	n = read(c->fd, c->buf + c->len, c->cap - c->len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	c->len += (size_t)n;
	return 0;
}

/*
 * The next line, at c->buf with its '\n' made a NUL; *used is its length
 * with the '\n', for wmctl_consume(). 0, -EMSGSIZE, or as wmctl_fill().
 */
static int wmctl_read_line(struct wmctl *c, int64_t deadline, bool stream, size_t *used)
{
	size_t scanned = 0;
	char *nl;
	int ret;

	for (;;) {
		nl = c->len ? memchr(c->buf + scanned, '\n', c->len - scanned) : NULL;
		if (nl) {
			*nl = '\0';
			*used = (size_t)(nl - c->buf) + 1;
			return 0;
		}
		scanned = c->len;
		if (c->len > WMCTL_LINE_MAX)
			return -EMSGSIZE;
		ret = wmctl_fill(c, deadline, stream);
		if (ret < 0)
			return ret;
	}
}

static void wmctl_consume(struct wmctl *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* What a failed read means, for the user; the exit status. */
static int wmctl_read_error(struct wmctl *c, int err, const char *when)
{
	switch (-err) {
	case ETIMEDOUT:
		return wmctl_unreachable(c, "no reply within %g s (--timeout)",
				       c->timeout_ms / 1000.0);
	case ECONNRESET:
		return wmctl_unreachable(c, "the daemon closed the connection %s", when);
	case EMSGSIZE:
		return wmctl_unreachable(c, "a line of over %u bytes: not the control protocol",
				       WMCTL_LINE_MAX);
	default:
		return wmctl_unreachable(c, "cannot read: %s", strerror(-err));
	}
}

/*
 * Sends req (with its "id") as one line and reads the reply: *reply is an
 * object with the same id and a boolean "ok". 0, or WMCTL_EXIT_UNREACHABLE
 * after a message.
 */
int wmctl_call(struct wmctl *c, const json_t *req, json_t **reply)
{
	int64_t deadline = c->timeout_ms < 0 ? -1 : wmctl_now_ms() + c->timeout_ms;
	char *line = json_dumps(req, JSON_COMPACT), *p;
	size_t len, used;
	json_error_t jerr;
	json_t *r;
	int ret;

	if (!line)
		abort();	/* jansson fails only on memory here: what we built is valid */
	len = strlen(line);
	line[len++] = '\n';	/* over the NUL: the line is sent by length */
	for (p = line; len; ) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			free(line);
			return wmctl_unreachable(c, "cannot send: %s", err == EAGAIN ?
					       "timed out (--timeout)" : strerror(err));
		}
		p += n;
		len -= (size_t)n;
	}
	free(line);

	ret = wmctl_read_line(c, deadline, false, &used);
	if (ret < 0)
		return wmctl_read_error(c, ret, "before replying");
	r = json_loadb(c->buf, used - 1, 0, &jerr);
	wmctl_consume(c, used);
	if (!r)
		return wmctl_unreachable(c, "malformed reply: %s", jerr.text);
	if (!json_is_object(r) || !json_is_boolean(json_object_get(r, "ok"))) {
		json_decref(r);
		return wmctl_unreachable(c, "malformed reply: not an object with \"ok\"");
	}
	if (!json_equal(json_object_get(r, "id"), json_object_get(req, "id"))) {
		json_decref(r);
		return wmctl_unreachable(c, "malformed reply: its \"id\" is not the request's");
	}
	*reply = r;
	return 0;
}

/* ------------------------------------------------------------ streams */

/* All of buf to stdout. 0; -EPIPE when its reader left; -EINTR when stopped; -errno. */
static int wmctl_write_out(struct wmctl *c, const char *buf, size_t len)
{
	sigset_t blocked;
	int ret = 0;

	sigprocmask(SIG_SETMASK, &c->run_mask, &blocked);
	while (len && !wmctl_stopped) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
	sigprocmask(SIG_SETMASK, &blocked, NULL);
	return ret ? ret : wmctl_stopped ? -EINTR : 0;
}

/* A failed write to stdout: its reader leaving or a stop is the normal end. */
static int wmctl_out_error(int err)
{
	if (err == -EPIPE || err == -EINTR)
		return WMCTL_EXIT_OK;
	fprintf(stderr, WMCTL_PROG ": cannot write to stdout: %s\n", strerror(-err));
	return WMCTL_EXIT_FAIL;
}

/* The pcapng bytes after the reply, as they come; the first may already be in c->buf. */
int wmctl_capture(struct wmctl *c)
{
	char *buf;
	int ret;

	wmctl_stream_signals(c);
	ret = wmctl_write_out(c, c->buf, c->len);
	c->len = 0;
	if (ret < 0)
		return wmctl_out_error(ret);
	buf = xmalloc(WMCTL_STREAM_BUF);
	for (;;) {
		ssize_t n;

		ret = wmctl_wait(c, -1, true);
		if (ret == -EINTR || ret == -EPIPE) {
			ret = WMCTL_EXIT_OK;
			break;
		}
		if (ret < 0) {
			ret = wmctl_read_error(c, ret, "");
			break;
		}
		n = read(c->fd, buf, WMCTL_STREAM_BUF);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {	/* the daemon ended the capture: the file ends with a record */
			ret = n ? wmctl_read_error(c, -errno, "") : WMCTL_EXIT_OK;
			break;
		}
		ret = wmctl_write_out(c, buf, (size_t)n);
		if (ret < 0) {
			ret = wmctl_out_error(ret);
			break;
		}
	}
	free(buf);
	return ret;
}

static int wmctl_flush_out(struct wmctl *c)
{
	sigset_t blocked;
	int ret = 0;

	sigprocmask(SIG_SETMASK, &c->run_mask, &blocked);
	if (fflush(stdout) == EOF)
		ret = -errno;
	sigprocmask(SIG_SETMASK, &blocked, NULL);
	return ret;
}

/* Event lines after the reply: verbatim with --json, else as text. */
int wmctl_events(struct wmctl *c)
{
	size_t used;
	int ret;

	wmctl_stream_signals(c);
	for (;;) {
		json_error_t jerr;
		json_t *ev;

		ret = wmctl_read_line(c, -1, true, &used);
		if (ret == -EINTR || ret == -EPIPE)
			return WMCTL_EXIT_OK;
		if (ret < 0)
			return wmctl_read_error(c, ret, "while following events");
		ev = json_loadb(c->buf, used - 1, 0, &jerr);
		if (!json_is_object(ev)) {
			json_decref(ev);
			return wmctl_unreachable(c, "malformed event line: %s",
					       ev ? "not an object" : jerr.text);
		}
		/* Lines without "event" would be replies: we send no more requests. */
		if (c->json)
			printf("%s\n", c->buf);
		else if (json_object_get(ev, "event"))
			wmctl_print_event(ev, stdout);
		json_decref(ev);
		wmctl_consume(c, used);
		/* One write per burst, not per line, yet nothing waits in our buffer. */
		if (!memchr(c->buf, '\n', c->len)) {
			ret = wmctl_flush_out(c);
			if (ret < 0)
				return wmctl_out_error(ret);
		}
	}
}
