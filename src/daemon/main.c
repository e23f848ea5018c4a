/* SPDX-License-Identifier: MIT */
/*
 * wifimedium: the medium daemon. Accepts wmediumd's command line and config
 * files, so rigs that run wmediumd switch by changing the binary's name.
 */
#include <errno.h>
#include <getopt.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#else
/* Without libsystemd the service is Type=exec: nothing to tell systemd. */
static int sd_notify(int unset_environment, const char *state)
{
	(void)unset_environment;
	(void)state;
	return 0;
}
#endif
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/capture.h"
#include "daemon/config.h"
#include "daemon/config_apply.h"
#include "daemon/ctl.h"
#include "daemon/wserver.h"
#include "hub/hub.h"
#include "transport/airport.h"
#include "transport/netlink.h"
#include "transport/vhost_user.h"
#include "util/log.h"
#include "util/loop.h"
#include "util/util.h"

#ifndef WM_VERSION
#define WM_VERSION "unknown"
#endif

struct options {
	const char *config;
	const char *per_file;
	const char *log_file;
	enum log_level level;
	uint64_t seed;
	int nice;			/* --nice: the priority the medium asks for */
	bool test_config;
	bool addressee_only;
	bool netlink;
	const char *vhost_user;
	const char *airport[8];
	unsigned int nairport;
	const char *secret_file;
	const char *capture;
	const char *capture_dir;
	const char *control;
	const char *wserver;		/* -s: the mininet-wifi fork's control socket */
	bool spec;			/* -d: its spec-prob mode */
	bool compat;			/* run as wmediumd (by that name, or --wmediumd-compat) */
	int socket_mode;		/* --socket-mode, -1: as created */
	gid_t socket_gid;		/* --socket-group, (gid_t)-1: unchanged */
	/* --limit: 0 keeps each default (docs/limits.md). */
	uint32_t max_radios, max_client_radios, max_radio_addrs, max_pending, queue;
	uint32_t max_vms, max_control, max_control_user, control_idle_s;
};

/* --limit NAME=N: what each name sets, and its bounds. */
static const struct limit_def {
	const char *name;
	size_t off;
	uint32_t min, max;
} limit_defs[] = {
	{ "radios", offsetof(struct options, max_radios), 1, 1u << 20 },
	{ "client-radios", offsetof(struct options, max_client_radios), 1, 1u << 20 },
	{ "radio-addrs", offsetof(struct options, max_radio_addrs), 1, 4096 },
	{ "airport-pending", offsetof(struct options, max_pending), 1, 4096 },
	{ "queue", offsetof(struct options, queue), 1, 65536 },
	{ "vms", offsetof(struct options, max_vms), 1, 65536 },
	{ "control", offsetof(struct options, max_control), 1, 4096 },
	{ "control-per-user", offsetof(struct options, max_control_user), 1, 4096 },
	{ "control-idle", offsetof(struct options, control_idle_s), 1, 86400 },
};

struct daemon {
	struct options o;
	struct loop *loop;
	struct hub hub;
	struct capture_recorder recorder;	/* -p, capture-start */
	struct medium_params base;	/* parameters before any config */
	struct nl_medium *nl;
	struct vu_server *vu;
	struct airport_server *airport;
	struct ctl *ctl;
	struct wserver *ws;
};

enum {
	OPT_LOG_FILE = 0x100,
	OPT_SEED,
	OPT_TEST_CONFIG,
	OPT_ADDRESSEE_ONLY,
	OPT_AIRPORT,
	OPT_SECRET_FILE,
	OPT_CONTROL,
	OPT_LIMIT,
	OPT_CAPTURE_DIR,
	OPT_SOCKET_MODE,
	OPT_SOCKET_GROUP,
	OPT_WMEDIUMD_COMPAT,
	OPT_NICE,
};

/* The wmediumd interface level we answer to (hostap's tests want >= 0.3.1). */
#define WMEDIUMD_LEVEL "0.3.1"

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "per-file", required_argument, NULL, 'x' },
	{ "log-level", required_argument, NULL, 'l' },
	{ "log-file", required_argument, NULL, OPT_LOG_FILE },
	{ "netlink", no_argument, NULL, 'n' },
	{ "vhost-user", required_argument, NULL, 'u' },
	{ "airport", required_argument, NULL, OPT_AIRPORT },
	{ "secret-file", required_argument, NULL, OPT_SECRET_FILE },
	{ "capture", required_argument, NULL, 'p' },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "capture-dir", required_argument, NULL, OPT_CAPTURE_DIR },
	{ "socket-mode", required_argument, NULL, OPT_SOCKET_MODE },
	{ "wserver", optional_argument, NULL, 's' },
	{ "spec-prob", no_argument, NULL, 'd' },
	{ "wmediumd-compat", no_argument, NULL, OPT_WMEDIUMD_COMPAT },
	{ "socket-group", required_argument, NULL, OPT_SOCKET_GROUP },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "nice", required_argument, NULL, OPT_NICE },
	{ "test-config", no_argument, NULL, OPT_TEST_CONFIG },
	{ "addressee-only", no_argument, NULL, OPT_ADDRESSEE_ONLY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: wifimedium [OPTIONS]\n"
		"A simulated 802.11 medium for mac80211_hwsim radios.\n"
		"\n"
		"  -c, --config FILE      config in wmediumd's format (see docs/config.md)\n"
		"  -x, --per-file FILE    packet error rates from a wmediumd -x table\n"
		"                         instead of the AWGN model\n"
		"  -l, --log-level LEVEL  error, warn, notice (default), info, debug,\n"
		"                         or wmediumd's 0..7\n"
		"      --log-file FILE    log to FILE instead of standard error\n"
		"  -u, --vhost-user PATH  listen on PATH for VMs presenting virtio device 29\n"
		"                         (UML, crosvm, QEMU >= 10.2), any number of them\n"
		"      --airport SPEC     listen for airport agents: unix:PATH (a QEMU\n"
		"                         virtio-serial chardev), tcp:ADDR:PORT, vsock:PORT;\n"
		"                         up to 8 times\n"
		"      --secret-file FILE the shared secret TCP agents must prove\n"
		"                         (required for TCP beyond loopback)\n"
		"  -p, --capture FILE     write every transmission to FILE as pcapng with\n"
		"                         radiotap (docs/capture.md)\n"
		"      --control PATH     listen for control requests on the unix socket PATH\n"
		"                         (mode 0660; docs/control.md, wifimedium-ctl)\n"
		"      --capture-dir DIR  where capture-start may write (beneath DIR only;\n"
		"                         without it, control clients cannot write files)\n"
		"      --socket-mode MODE permissions of every unix socket (octal, e.g. 0660;\n"
		"                         default: the umask's, 0660 for --control)\n"
		"      --socket-group GROUP  group of every unix socket (e.g. the VMM's)\n"
		"  -s, --wserver[=PATH]   serve the mininet-wifi fork of wmediumd's control\n"
		"                         socket on PATH (default " WSERVER_DEFAULT_PATH ";\n"
		"                         -sPATH, no space): stations, positions, powers,\n"
		"                         links at run time (docs/wmediumd.md)\n"
		"  -d, --spec-prob        the fork's -d: no config, stations and per-link\n"
		"                         loss matrices by size and rate come over -s\n"
		"      --wmediumd-compat  behave as wmediumd (also when run by that name):\n"
		"                         its -V line, \"REGISTER SENT!\" on stdout, -x FILEax\n"
		"  -n, --netlink          be the medium of this kernel's hwsim radios over\n"
		"                         netlink too (the default without -u or --airport)\n"
		"      --limit NAME=N[,NAME=N...]  what peers can make the medium hold:\n"
		"                         radios (16384), client-radios (1024),\n"
		"                         radio-addrs (32), airport-pending (64),\n"
		"                         queue (256 frames per radio), vms (1024),\n"
		"                         control (64), control-per-user (16),\n"
		"                         control-idle (60 s); docs/limits.md\n"
		"      --seed N           seed of every random draw (default 1): runs repeat\n"
		"      --nice N           scheduling priority, -20..19 (default -10, where\n"
		"                         allowed): a medium late for its deadlines delays\n"
		"                         every radio on the same CPU; 0 leaves it as is\n"
		"      --addressee-only   deliver unicast frames only to their addressee\n"
		"                         (no overhearing: for very large setups)\n"
		"      --test-config      check the config, print what it describes, exit\n"
		"  -h, --help             this help\n"
		"  -V, --version          the version\n"
		"\n"
		"Signals: SIGHUP reloads the config and reopens the log file (not a\n"
		"capture); SIGUSR2 only reopens the log file (for logrotate); SIGUSR1\n"
		"logs the counters; SIGINT and SIGTERM stop.\n"
		"Exit status: 0 done, 1 failed (the log says why), 2 bad usage.\n"
		"Manual: wifimedium(8), wifimedium.conf(5).\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end || end == s || *s == '-' ? -EINVAL : 0;
}

/* One --limit argument: NAME=N pairs separated by commas. 0 or -1 after saying why. */
static int parse_limits(const char *arg, struct options *o)
{
	char *copy = xstrdup(arg), *save = NULL;
	int ret = 0;

	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		const struct limit_def *d = NULL;
		uint64_t v;

		if (eq)
			*eq = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(limit_defs); i++)
			if (!strcmp(limit_defs[i].name, item))
				d = &limit_defs[i];
		if (!d) {
			fprintf(stderr, "wifimedium: unknown limit: `%s' (radios, client-radios, "
					"radio-addrs, airport-pending, queue, vms, control, "
					"control-per-user, control-idle)\n", item);
			ret = -1;
			break;
		}
		if (!eq || parse_u64(eq + 1, &v) < 0 || v < d->min || v > d->max) {
			fprintf(stderr, "wifimedium: limit %s wants a number from %u to %u: `%s'\n",
				d->name, d->min, d->max, eq ? eq + 1 : "");
			ret = -1;
			break;
		}
		*(uint32_t *)((char *)o + d->off) = (uint32_t)v;
	}
	free(copy);
	return ret;
}

/* 0 to go on, 1 to exit successfully, -1 to exit with an error. */
static int parse_options(int argc, char **argv, struct options *o)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	bool version = false;
	int c;

	memset(o, 0, sizeof(*o));
	/* Rigs that start `wmediumd' (mininet-wifi, hostap's tests) get its habits. */
	o->compat = !strcmp(prog, "wmediumd");
	o->level = LOG_LEVEL_NOTICE;
	o->socket_mode = -1;
	o->socket_gid = (gid_t)-1;
	o->seed = 1;
	o->nice = -10;
	while ((c = getopt_long(argc, argv, "c:x:l:u:p:nhVs::dt:a:", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'x':
			o->per_file = optarg;
			break;
		case 'l':
			if (log_level_parse(optarg, &o->level) < 0) {
				fprintf(stderr, "wifimedium: bad log level: `%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_LOG_FILE:
			o->log_file = optarg;
			break;
		case 'n':
			o->netlink = true;
			break;
		case 'u':
			o->vhost_user = optarg;
			break;
		case OPT_SEED:
			if (parse_u64(optarg, &o->seed) < 0) {
				fprintf(stderr, "wifimedium: bad seed: `%s'\n", optarg);
				return -1;
			}
			break;
		case OPT_NICE: {
			uint64_t v;
			bool neg = optarg[0] == '-';

			if (parse_u64(optarg + neg, &v) < 0 || v > (neg ? 20 : 19)) {
				fprintf(stderr, "wifimedium: bad nice value: `%s' (-20..19)\n", optarg);
				return -1;
			}
			o->nice = neg ? -(int)v : (int)v;
			break;
		}
		case OPT_TEST_CONFIG:
			o->test_config = true;
			break;
		case OPT_ADDRESSEE_ONLY:
			o->addressee_only = true;
			break;
		case OPT_AIRPORT:
			if (o->nairport == ARRAY_SIZE(o->airport)) {
				fprintf(stderr, "wifimedium: at most 8 --airport listeners\n");
				return -1;
			}
			o->airport[o->nairport++] = optarg;
			break;
		case OPT_SECRET_FILE:
			o->secret_file = optarg;
			break;
		case 'p':
			o->capture = optarg;
			break;
		case OPT_CONTROL:
			o->control = optarg;
			break;
		case OPT_CAPTURE_DIR:
			o->capture_dir = optarg;
			break;
		case OPT_SOCKET_MODE: {
			char *end;
			long m = strtol(optarg, &end, 8);

			if (*end || end == optarg || m < 0 || m > 0777) {
				fprintf(stderr, "wifimedium: bad socket mode (octal, 0 to 0777): `%s'\n",
					optarg);
				return -1;
			}
			o->socket_mode = (int)m;
			break;
		}
		case OPT_SOCKET_GROUP: {
			struct group *g = getgrnam(optarg);
			char *end;
			long id = strtol(optarg, &end, 10);

			if (g)
				o->socket_gid = g->gr_gid;
			else if (!*end && end != optarg && id >= 0)
				o->socket_gid = (gid_t)id;
			else {
				fprintf(stderr, "wifimedium: no such group: `%s'\n", optarg);
				return -1;
			}
			break;
		}
		case OPT_LIMIT:
			if (parse_limits(optarg, o) < 0)
				return -1;
			break;
		case 's':
			o->wserver = optarg ? optarg : WSERVER_DEFAULT_PATH;
			break;
		case 'd':
			o->spec = true;
			break;
		case OPT_WMEDIUMD_COMPAT:
			o->compat = true;
			break;
		case 't':
			fprintf(stderr, "wifimedium: -t (wmediumd's time-control socket for UML time "
					"travel) is not supported: the medium keeps real time\n");
			return -1;
		case 'a':
			fprintf(stderr, "wifimedium: -a (wmediumd's API socket) is not supported: "
					"use --control (docs/control.md) or -s (the mininet-wifi "
					"protocol)\n");
			return -1;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			version = true;
			break;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (version) {
		if (o->compat)
			printf("wmediumd v" WMEDIUMD_LEVEL " - a wireless medium simulator for "
			       "mac80211_hwsim (wifimedium %s, with the mininet-wifi fork's -s and -d)\n",
			       WM_VERSION);
		else
			printf("wifimedium %s\n", WM_VERSION);
		return 1;
	}
	if (o->spec && !o->wserver) {
		fprintf(stderr, "wifimedium: -d needs -s: its stations and links come over that "
				"socket\n");
		return -1;
	}
	if (o->spec && o->config) {
		fprintf(stderr, "wifimedium: -d takes no -c: it starts with no station\n");
		return -1;
	}
	if (o->test_config && !o->config) {
		fprintf(stderr, "wifimedium: --test-config needs -c FILE\n");
		return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "wifimedium: unexpected argument: `%s'\n", argv[optind]);
		return -1;
	}
	/* As wmediumd: with -u the local kernel's radios are left alone unless -n says otherwise. */
	if (!o->vhost_user && !o->nairport)
		o->netlink = true;
	return 0;
}

/* Load path; on errors log them, and put the first into err if not NULL. */
static int load_config(const char *path, struct wm_config *cfg, char *err, size_t errlen)
{
	struct config_errors errs;
	int ret;

	config_errors_init(&errs);
	ret = config_load_file(path, cfg, &errs);
	if (ret < 0) {
		for (size_t i = 0; i < errs.n; i++)
			log_error("%s", errs.v[i].msg);
		if (errs.dropped)
			log_error("(%zu more errors)", errs.dropped);
		if (err && errs.n)
			snprintf(err, errlen, "%s%s", errs.v[0].msg,
				 errs.n > 1 ? " (and more errors)" : "");
		else if (err)
			snprintf(err, errlen, "%s: cannot load", path);
	}
	config_errors_free(&errs);
	return ret;
}

static int load_per_file(struct hub *hub, const char *path)
{
	char err[256];
	char *text;
	size_t len = 0, cap = 65536;
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		ret = -errno;
		log_error("%s: %s", path, strerror(-ret));
		return ret;
	}
	text = xmalloc(cap);
	for (size_t n; (n = fread(text + len, 1, cap - len, f)) > 0;) {
		len += n;
		if (len == cap)
			text = xrealloc(text, cap *= 2);
	}
	fclose(f);
	ret = medium_load_per_table(hub->medium, text, len, err, sizeof(err));
	if (ret < 0)
		log_error("%s:%s", path, err);
	free(text);
	return ret;
}

/* Column label of medium node i: its ifaces.ids index, or its name / MAC. */
static void node_label(const struct wm_config *cfg, size_t i, char out[10])
{
	if (i < cfg->n_radios) {
		snprintf(out, 10, "%zu", i);
		return;
	}
	i -= cfg->n_radios;
	if (cfg->nodes[i].has_mac)
		snprintf(out, 10, "..%02x:%02x", cfg->nodes[i].mac[4], cfg->nodes[i].mac[5]);
	else
		snprintf(out, 10, "%.9s", cfg->nodes[i].name);
}

/* --test-config: what the file describes, and what each pair would hear. */
static int test_config(struct daemon *d, const struct wm_config *cfg)
{
	static const uint32_t freqs[] = { 2412, 5180 };
	size_t n = cfg->n_radios + cfg->n_nodes;
	char label[10];

	config_summary(cfg, stdout);
	if (n < 2)
		return 0;
	if (n > 32) {
		printf("link SNRs: %zu radios and nodes, matrix omitted\n", n);
		return 0;
	}
	for (size_t fi = 0; fi < ARRAY_SIZE(freqs); fi++) {
		printf("SNR in dB at %" PRIu32 " MHz (row hears column; loss probability where set):\n",
		       freqs[fi]);
		printf("%9s", "");
		for (size_t b = 0; b < n; b++) {
			node_label(cfg, b, label);
			printf(" %9s", label);
		}
		printf("\n");
		for (size_t a = 0; a < n; a++) {
			node_label(cfg, a, label);
			printf("%9s", label);
			for (size_t b = 0; b < n; b++) {
				double snr, loss;

				if (a == b) {
					printf(" %9s", "-");
					continue;
				}
				medium_node_link(d->hub.medium, (int)b, (int)a, freqs[fi], &snr, &loss);
				if (snr < -200)
					printf(" %9s", "apart");
				else if (loss > 0)
					printf(" %5.0f/%.1f", snr, loss);
				else
					printf(" %9.1f", snr);
			}
			printf("\n");
		}
	}
	return 0;
}

static int reload(struct daemon *d, const char *why, char *err, size_t errlen)
{
	struct wm_config cfg;

	if (!d->o.config) {
		log_notice("%s: no config file to reload", why);
		snprintf(err, errlen, "no config file (-c)");
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (load_config(d->o.config, &cfg, err, errlen) < 0) {
		log_error("%s: %s has errors (above); keeping the config in use", why, d->o.config);
		return -1;
	}
	hub_run(&d->hub);
	config_apply(&d->hub, &cfg, &d->base);
	if (d->ws)
		wserver_reset(d->ws, &cfg);
	log_notice("%s: reloaded %s (%zu radios, %zu nodes)", why, d->o.config, cfg.n_radios,
		   cfg.n_nodes);
	config_free(&cfg);
	return 0;
}

static int ctl_reload(void *opaque, char *err, size_t errlen)
{
	return reload(opaque, "control", err, errlen);
}

/* What the medium did and what it cost, for the log and for benchmarks. */
static void log_totals(struct daemon *d)
{
	struct medium_counters c;
	struct rusage ru;
	double cpu;

	medium_get_counters(d->hub.medium, &c);
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	log_notice("totals: %" PRIu64 " frames (%" PRIu64 " attempts, %" PRIu64 " acked, %" PRIu64
		   " failed, %" PRIu64 " A-MPDUs), %" PRIu64 " deliveries, %" PRIu64 " collisions, %" PRIu64
		   " queue drops; %.3f s CPU, %.1f us per frame",
		   c.tx_frames, c.tx_attempts, c.tx_acked, c.tx_failed, c.ampdus, c.rx_frames,
		   c.collisions, c.queue_drops, cpu, c.tx_frames ? cpu * 1e6 / (double)c.tx_frames : 0.0);
	log_notice("latency beyond airtime: %" PRIu64 " deliveries p50 %" PRIu64 " us, p99 %" PRIu64
		   " us, max %" PRIu64 " us; %" PRIu64 " TX statuses p50 %" PRIu64 " us, p99 %" PRIu64
		   " us, max %" PRIu64 " us",
		   d->hub.late_rx.count, hist_quantile(&d->hub.late_rx, 0.5),
		   hist_quantile(&d->hub.late_rx, 0.99), d->hub.late_rx.max, d->hub.late_status.count,
		   hist_quantile(&d->hub.late_status, 0.5), hist_quantile(&d->hub.late_status, 0.99),
		   d->hub.late_status.max);
	if (d->airport) {
		struct airport_counters a;

		airport_server_get_counters(d->airport, &a);
		log_notice("airport: %" PRIu64 " sessions, %" PRIu64 " refused, %" PRIu64
			   " dropped for faults or silence, %" PRIu64 " messages dropped for slow peers, %"
			   PRIu64 " connections shed", a.sessions, a.refused, a.broken, a.dropped, a.shed);
	}
	if (d->nl) {
		struct nl_medium_counters n;

		nl_medium_get_counters(d->nl, &n);
		log_notice("netlink: %" PRIu64 " deliveries refused by the kernel (%" PRIu64
			   " of %" PRIu64 " addressees asked: no ACK), %" PRIu64
			   " messages overflowed our socket, %" PRIu64 " not taken from us; %" PRIu64
			   " messages sent in %" PRIu64 " writes, received in %" PRIu64 " reads",
			   n.kernel_errors, n.refused, n.verdicts, n.enobufs, n.send_drops, n.messages,
			   n.batches, n.reads);
	}
	if (d->vu) {
		struct vu_counters v;

		vu_server_get_counters(d->vu, &v);
		log_notice("vhost-user: %" PRIu64 " VMs connected in all, %" PRIu64
			   " dropped for faults, %" PRIu64 " messages dropped for want of RX buffers, %"
			   PRIu64 " connections refused", v.connections, v.broken, v.rx_dropped,
			   v.refused);
	}
}

static void on_signal(int sig, void *opaque)
{
	struct daemon *d = opaque;

	if (sig == SIGHUP || sig == SIGUSR2) {
		char err[256];
		int e = log_reopen();

		if (e < 0)
			log_error("%s: cannot reopen the log file: %s; still writing to the old one",
				  sig == SIGHUP ? "SIGHUP" : "SIGUSR2", strerror(-e));
		if (sig == SIGUSR2)	/* logrotate's: the log file only, the air untouched */
			return;
		sd_notify(0, "RELOADING=1");
		reload(d, "SIGHUP", err, sizeof(err));
		sd_notify(0, "READY=1");
		return;
	}
	if (sig == SIGUSR1) {
		log_notice("SIGUSR1: counters so far");
		log_totals(d);
		return;
	}
	log_notice("%s: stopping", strsignal(sig));
	sd_notify(0, "STOPPING=1");
	loop_stop(d->loop);
}

/* The secret: the file's bytes, less one trailing newline. */
static int read_secret(const char *path, uint8_t *buf, size_t size, size_t *len)
{
	const char *why = NULL;

	if (secret_read(path, buf, size, len, &why) < 0) {
		log_error("secret file %s: %s", path, why);
		return -1;
	}
	return 0;
}

/* --socket-mode and --socket-group on every unix socket we listen on: 0, or -1 after logging. */
static int socket_perms(const struct options *o)
{
	const char *paths[3 + ARRAY_SIZE(o->airport)];
	size_t n = 0;

	if (o->socket_mode < 0 && o->socket_gid == (gid_t)-1)
		return 0;
	if (o->vhost_user)
		paths[n++] = o->vhost_user;
	if (o->control)
		paths[n++] = o->control;
	if (o->wserver)
		paths[n++] = o->wserver;
	for (unsigned int i = 0; i < o->nairport; i++)
		if (!strncmp(o->airport[i], "unix:", 5))
			paths[n++] = o->airport[i] + 5;
	for (size_t i = 0; i < n; i++) {
		if ((o->socket_gid != (gid_t)-1 && chown(paths[i], (uid_t)-1, o->socket_gid) < 0) ||
		    (o->socket_mode >= 0 && chmod(paths[i], (mode_t)o->socket_mode) < 0)) {
			log_error("%s: cannot set the socket's group or mode: %s", paths[i],
				  strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int open_airport(struct daemon *d)
{
	uint8_t secret[256];
	struct airport_options o = { .max_pending = d->o.max_pending };

	if (d->o.secret_file) {
		if (read_secret(d->o.secret_file, secret, sizeof(secret), &o.secret_len) < 0)
			return -1;
		o.secret = secret;
	}
	d->airport = airport_server_new(&d->hub, &o);
	memset(secret, 0, sizeof(secret));
	for (unsigned int i = 0; i < d->o.nairport; i++)
		if (airport_server_listen(d->airport, d->o.airport[i]) < 0)
			return -1;
	return 0;
}

/*
 * The medium keeps the air's deadlines for every radio it serves: when it
 * shares a CPU with them (hostap's tests, mininet-wifi: one kernel, or a
 * single-CPU guest) and waits its turn behind their supplicants, every
 * delivery and status is late by that much (p99 30 ms against 4 ms at
 * nice -15 in bench/uml-mesh-latency). Ask for the priority, and go on
 * without it where it is not granted.
 */
static void set_priority(int nice)
{
	if (!nice)
		return;
	if (setpriority(PRIO_PROCESS, 0, nice) < 0)
		log_info("cannot set scheduling priority %d: %s; running at %d", nice, strerror(errno),
			 getpriority(PRIO_PROCESS, 0));
}

static void before_wait(void *opaque)
{
	struct daemon *d = opaque;

	hub_sync(&d->hub);
}

int main(int argc, char **argv)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 };
	struct daemon d;
	struct wm_config cfg;
	bool have_cfg = false;
	int ret = 1;

	memset(&d, 0, sizeof(d));
	memset(&cfg, 0, sizeof(cfg));
	switch (parse_options(argc, argv, &d.o)) {
	case 1:
		return 0;
	case -1:
		return 2;
	default:
		break;
	}
	log_set_level(d.o.level);
	/*
	 * A peer that dies leaves pipes and sockets behind whose reader is
	 * gone (UML's call fd is a pipe): a write must fail with EPIPE, not
	 * kill the medium for everyone else.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (d.o.log_file && log_open_file(d.o.log_file) < 0) {
		fprintf(stderr, "wifimedium: cannot open log file %s: %s\n", d.o.log_file,
			strerror(errno));	/* no log yet to say it in */
		return 1;
	}

	medium_params_init(&d.base);
	d.base.seed = d.o.seed;
	d.base.addressee_only = d.o.addressee_only;
	if (d.o.max_radios)
		d.base.max_radios = d.o.max_radios;
	if (d.o.max_client_radios)
		d.base.max_client_radios = d.o.max_client_radios;
	if (d.o.max_radio_addrs)
		d.base.max_radio_addrs = d.o.max_radio_addrs;
	if (d.o.queue)
		d.base.queue_limit = d.o.queue;
	/* Without a config every pair hears every other well: wmediumd's default SNR. */
	d.base.link_model = MEDIUM_LINK_SNR;

	if (d.o.config) {
		if (load_config(d.o.config, &cfg, NULL, 0) < 0)
			return 1;
		have_cfg = true;
	}

	d.loop = loop_new();
	if (!d.loop) {
		log_error("cannot create the event loop: %s", strerror(errno));
		goto free_cfg;
	}
	hub_init(&d.hub, d.loop, &d.base);
	capture_recorder_init(&d.recorder, &d.hub);
	if (d.o.capture_dir) {
		int err = capture_recorder_set_dir(&d.recorder, d.o.capture_dir);

		if (err < 0) {
			log_error("--capture-dir %s: %s", d.o.capture_dir, strerror(-err));
			goto deinit;
		}
	}
	if (have_cfg)
		config_apply(&d.hub, &cfg, &d.base);
	if (d.o.per_file && d.o.compat && access(d.o.per_file, F_OK) < 0) {
		/*
		 * The mininet-wifi fork reads FILE "ax" for -x FILE, and
		 * mininet-wifi names a FILE that only exists with it.
		 */
		static char ax[4096];

		snprintf(ax, sizeof(ax), "%sax", d.o.per_file);
		if (access(ax, F_OK) == 0) {
			log_notice("-x %s: no such file; reading %s, as the mininet-wifi fork does",
				   d.o.per_file, ax);
			d.o.per_file = ax;
		}
	}
	if (d.o.per_file && load_per_file(&d.hub, d.o.per_file) < 0)
		goto deinit;

	if (d.o.test_config) {
		test_config(&d, &cfg);
		printf("%s: ok\n", d.o.config);
		ret = 0;
		goto deinit;
	}

	if (loop_signals(d.loop, signals, (int)ARRAY_SIZE(signals), on_signal, &d) < 0) {
		log_error("cannot handle signals: %s", strerror(errno));
		goto deinit;
	}
	if (d.o.vhost_user && vu_server_open(&d.hub, d.o.vhost_user, &d.vu) < 0)
		goto deinit;
	if (d.vu)
		vu_server_set_max_conns(d.vu, d.o.max_vms);
	if (d.o.nairport && open_airport(&d) < 0)
		goto close_vu;
	if (d.o.netlink && nl_medium_open(&d.hub, &d.nl) < 0)
		goto close_vu;
	if (d.nl && d.o.compat) {
		/* hostap's tests wait for this line on stdout before they go on. */
		printf("REGISTER SENT!\n");
		fflush(stdout);
	}
	if (d.o.wserver) {
		if (wserver_open(&d.hub, d.o.wserver, d.o.spec, &d.ws) < 0)
			goto close_nl;
		wserver_reset(d.ws, have_cfg ? &cfg : NULL);
	}
	if (d.o.capture) {
		int err = capture_recorder_start(&d.recorder, d.o.capture);

		if (err < 0) {
			log_error("capture: cannot create %s: %s", d.o.capture, strerror(-err));
			goto close_nl;
		}
	}
	if (d.o.control) {
		struct ctl_ops ops = {
			.reload = ctl_reload, .opaque = &d, .config = d.o.config, .recorder = &d.recorder,
			.idle_us = (uint64_t)d.o.control_idle_s * 1000000u,
			.max_conns = d.o.max_control, .max_conns_per_user = d.o.max_control_user,
		};

		if (ctl_open(&d.hub, d.o.control, &ops, &d.ctl) < 0)
			goto close_nl;
	}
	if (socket_perms(&d.o) < 0)
		goto close_nl;
	set_priority(d.o.nice);
	log_notice("wifimedium %s running (seed %" PRIu64 "%s%s)", WM_VERSION, d.o.seed,
		   d.o.config ? ", config " : "", d.o.config ? d.o.config : "");
	/* Every socket listens: whatever systemd orders after us may connect now. */
	sd_notify(0, "READY=1");
	loop_run(d.loop, before_wait, &d);
	log_totals(&d);
	ret = 0;

close_nl:
	wserver_close(d.ws);
	ctl_close(d.ctl);
	nl_medium_close(d.nl);
close_vu:
	airport_server_free(d.airport);
	vu_server_close(d.vu);
deinit:
	capture_recorder_deinit(&d.recorder);
	hub_deinit(&d.hub);
	loop_free(d.loop);
free_cfg:
	if (have_cfg)
		config_free(&cfg);
	log_close();
	return ret;
}
