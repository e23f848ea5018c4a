/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-web: options, the listening socket, and the loop that runs the
 * daemon's connection and libmicrohttpd side by side in one thread (see
 * web.h; the user's guide is docs/web.md).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/log.h"
#include "util/loop.h"
#include "util/util.h"
#include "web/web.h"
#include "web/web_http.h"

#ifndef WM_VERSION
#define WM_VERSION "unknown"
#endif

#define WEB_DEFAULT_CONTROL "/run/wifimedium/control"
#define WEB_DEFAULT_PORT 8421
#define WEB_KEEPALIVE_MS 15000

enum { WEB_EXIT_OK = 0, WEB_EXIT_FAIL = 1, WEB_EXIT_USAGE = 2 };

static volatile sig_atomic_t web_stopped;

struct web_options {
	const char *control;
	const char *listen;
	const char *token_file;
	bool read_only;
	int interval_ms;
};

static void web_usage(FILE *f)
{
	fprintf(f, "Usage: " WEB_PROG " [--control PATH] [--listen [ADDR:]PORT] [--read-only]\n"
		"                      [--token-file FILE] [--interval MS] [--log-level LEVEL]\n"
		"Serve a live view of wifimedium's air to web browsers: nodes, radios, links,\n"
		"associations, airtime and events, pushed as they change; drag a node to move it.\n"
		"It talks to the daemon over its control socket, as wifimedium-ctl does.\n\n"
		"  -c, --control PATH     the daemon's control socket (default $WIFIMEDIUM_CONTROL,\n"
		"                         else " WEB_DEFAULT_CONTROL ")\n"
		"  -L, --listen [ADDR:]PORT  where to serve (default 127.0.0.1:%d; [::1]:PORT for\n"
		"                         IPv6; port 0: any free one). An address other than\n"
		"                         loopback needs --token-file.\n"
		"  -r, --read-only        the page only watches: every change is refused (403)\n"
		"  -t, --token-file FILE  a secret (mode 0600 or stricter, 8..200 characters of\n"
		"                         A-Z a-z 0-9 . _ ~ -) every browser must present:\n"
		"                         ?token=SECRET once (then a cookie), or\n"
		"                         Authorization: Bearer SECRET\n"
		"  -i, --interval MS      how often the daemon is asked (100..10000, default 500)\n"
		"  -l, --log-level LEVEL  error, warn, notice, info (default), debug\n"
		"  -V, --version          print the version\n"
		"  -h, --help             print this help\n\n"
		"Exit status: 0 stopped by a signal, 1 could not start, 2 usage error.\n"
		"Manual: " WEB_PROG "(1).\n", WEB_DEFAULT_PORT);
}

__attribute__((format(printf, 1, 2)))
static int web_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(WEB_PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry `" WEB_PROG " --help'.\n", stderr);
	return WEB_EXIT_USAGE;
}

/* 1 done (help, version), 0 go on, or an exit status after a message. */
static int web_parse(int argc, char **argv, struct web_options *o)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'L' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "token-file", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum log_level level;
	char *end;
	long v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:L:rt:i:l:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->control = optarg;
			break;
		case 'L':
			o->listen = optarg;
			break;
		case 'r':
			o->read_only = true;
			break;
		case 't':
			o->token_file = optarg;
			break;
		case 'i':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 100 || v > 10000)
				return web_usage_error("invalid interval (100..10000 ms): `%s'",
						       optarg);
			o->interval_ms = (int)v;
			break;
		case 'l':
			if (log_level_parse(optarg, &level) < 0)
				return web_usage_error("invalid log level: `%s'", optarg);
			log_set_level(level);
			break;
		case 'V':
			printf(WEB_PROG " " WM_VERSION "\n");
			return 1;
		case 'h':
			web_usage(stdout);
			return 1;
		case ':':
			return web_usage_error("option needs a value: `%s'", argv[optind - 1]);
		default:
			return web_usage_error("unknown option: `%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return web_usage_error("unexpected argument: `%s'", argv[optind]);
	return 0;
}

/* "[ADDR:]PORT", "[V6]:PORT": *sa filled. 0, or -EINVAL. */
static int web_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	char host[64] = "127.0.0.1";
	const char *port = s, *colon;
	char *end;
	long p;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = '\0';
		port = rb + 2;
	} else if ((colon = strrchr(s, ':'))) {
		if ((size_t)(colon - s) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		port = colon + 1;
	}
	errno = 0;
	p = strtol(port, &end, 10);
	if (!isdigit((unsigned char)port[0]) || *end || errno || p < 0 || p > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)p);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*a6);
		return 0;
	}
	return -EINVAL;
}

static bool web_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24 == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* The listening socket, or -1 after a message. */
static int web_listen(const struct sockaddr_storage *ss, socklen_t len, const char *what)
{
	int one = 1, fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		fprintf(stderr, WEB_PROG ": %s: cannot make a socket: %s\n", what, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, WEB_PROG ": %s: cannot listen: %s\n", what, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The token: a secret file whose bytes can travel in a URL and a cookie as they are. */
static int web_token(const char *path, char *buf, size_t size, size_t *len)
{
	const char *why = NULL;

	if (secret_read(path, (uint8_t *)buf, size - 1, len, &why) < 0) {
		fprintf(stderr, WEB_PROG ": token file %s: %s\n", path, why);
		return -1;
	}
	buf[*len] = '\0';
	for (size_t i = 0; i < *len; i++) {
		if (!isalnum((unsigned char)buf[i]) && !strchr("._~-", buf[i])) {
			fprintf(stderr, WEB_PROG ": token file %s: only A-Z a-z 0-9 . _ ~ - may "
				"appear in a token (it travels in URLs and cookies)\n", path);
			return -1;
		}
	}
	return 0;
}

static void web_on_signal(int sig)
{
	web_stopped = 1;
}

static void web_print_address(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		printf("%s: serving http://%s:%u/\n", WEB_PROG, host, port);
	} else {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		printf("%s: serving http://[%s]:%u/\n", WEB_PROG, host, port);
	}
	fflush(stdout);
}

static int web_run(struct web_medium *m)
{
	struct MHD_Daemon *d = web_http_daemon();
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	int64_t next_ka = 0;
	sigset_t run_mask, stop;
	struct sigaction sa = { .sa_handler = web_on_signal };

	if (!info)
		return -EIO;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &run_mask);
	sigdelset(&run_mask, SIGINT);
	sigdelset(&run_mask, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	while (!web_stopped) {
		struct pollfd p[2] = { { .fd = info->epoll_fd, .events = POLLIN } };
		MHD_UNSIGNED_LONG_LONG mhd_ms;
		int timeout = web_medium_timeout(m);
		struct timespec ts;
		int64_t now;

		p[1].fd = web_medium_fd(m, &p[1].events);
		if (MHD_get_timeout(d, &mhd_ms) == MHD_YES && mhd_ms < (unsigned long long)timeout)
			timeout = (int)mhd_ms;
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000;
		if (ppoll(p, p[1].fd >= 0 ? 2 : 1, &ts, &run_mask) < 0 && errno != EINTR)
			return -errno;
		if (p[1].fd >= 0 && p[1].revents)
			web_medium_io(m, p[1].revents);
		web_medium_timer(m);
		now = (int64_t)loop_now_us() / 1000;
		if (now >= next_ka) {
			if (next_ka)
				web_http_keepalive();
			next_ka = now + WEB_KEEPALIVE_MS;
		}
		MHD_run(d);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct web_options o = { .interval_ms = 500 };
	struct sockaddr_storage ss;
	struct web_medium *m;
	char token[256] = "";
	size_t token_len = 0;
	char listen_default[32];
	socklen_t sslen;
	int ret, fd;

	log_set_level(LOG_LEVEL_INFO);
	ret = web_parse(argc, argv, &o);
	if (ret)
		return ret == 1 ? WEB_EXIT_OK : ret;
	if (!o.control)
		o.control = getenv("WIFIMEDIUM_CONTROL");
	if (!o.control || !o.control[0])
		o.control = WEB_DEFAULT_CONTROL;
	snprintf(listen_default, sizeof(listen_default), "127.0.0.1:%d", WEB_DEFAULT_PORT);
	if (!o.listen)
		o.listen = listen_default;
	if (web_parse_listen(o.listen, &ss, &sslen) < 0)
		return web_usage_error("invalid --listen ([ADDR:]PORT with a numeric address, "
				       "[ADDR]:PORT for IPv6): `%s'", o.listen);
	if (!web_is_loopback(&ss) && !o.token_file)
		return web_usage_error("refusing to serve %s without --token-file: an address "
				       "other than loopback lets others steer the medium",
				       o.listen);
	if (o.token_file && web_token(o.token_file, token, sizeof(token), &token_len) < 0)
		return WEB_EXIT_FAIL;
	fd = web_listen(&ss, sslen, o.listen);
	if (fd < 0)
		return WEB_EXIT_FAIL;
	m = web_medium_new(o.control, o.interval_ms);
	if (web_http_start(m, fd, o.read_only, token, token_len) < 0) {
		fprintf(stderr, WEB_PROG ": cannot start the HTTP server\n");
		explicit_bzero(token, sizeof(token));
		close(fd);
		web_medium_free(m);
		return WEB_EXIT_FAIL;
	}
	explicit_bzero(token, sizeof(token));
	log_info("medium: %s%s", o.control, o.read_only ? " (read-only view)" : "");
	web_print_address(fd);
	ret = web_run(m);
	if (ret < 0)
		log_error("stopped: %s", strerror(-ret));
	/* Waiting changes get their answer (medium away) before the server stops. */
	web_medium_free(m);
	web_http_stop();
	return ret < 0 ? WEB_EXIT_FAIL : WEB_EXIT_OK;
}
