/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-ctl: the command-line client of the daemon's control API
 * (docs/control.md; user guide in docs/wifimedium-ctl.md).
 *
 * One connection and one request per run. Most commands print the reply
 * and exit; `capture` copies the pcapng bytes that follow its reply to
 * stdout, and `events` prints the event lines that follow its reply, until
 * interrupted or until stdout's reader goes away.
 *
 * The exit status is the interface scripts rely on: 0 done, 1 the daemon
 * refused, 2 a wrong command line (nothing was sent), 3 no daemon, a
 * timeout or a reply that breaks the protocol.
 *
 * This file: the commands, their arguments and requests, and main. The
 * wire is in wifimedium_ctl_conn.c, the human output in wifimedium_ctl_print.c,
 * the mobility commands' arguments in wifimedium_ctl_mobility.c.
 */
#include "wifimedium_ctl.h"
#include "wifimedium_ctl_cmd.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

#ifndef WM_VERSION
#define WM_VERSION "unknown"
#endif

#define WMCTL_DEFAULT_SOCKET "/run/wifimedium/control"
#define WMCTL_DEFAULT_TIMEOUT_MS 10000

/* Options taken before the command and after it. */
enum { G_SOCKET, G_JSON, G_TIMEOUT, G_HELP };
static const struct wmctl_optdef wmctl_globals[] = {
	[G_SOCKET] = { "socket", true },
	[G_JSON] = { "json", false },
	[G_TIMEOUT] = { "timeout", true },
	[G_HELP] = { "help", false },
	{ NULL, false },
};

enum { WMCTL_OPT_NONE = -1, WMCTL_OPT_BAD = -2 };

/* ----------------------------------------------------------- messages */

static void wmctl_hint(const struct wmctl_cmd *cmd)
{
	if (cmd)
		fprintf(stderr, "Try `" WMCTL_PROG " %s --help'.\n", cmd->name);
	else
		fprintf(stderr, "Try `" WMCTL_PROG " --help'.\n");
}

/* A wrong command line: the message, a pointer to the help; the exit status. */
int wmctl_usage_error(const struct wmctl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, WMCTL_PROG "%s%s: ", cmd ? " " : "", cmd ? cmd->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	wmctl_hint(cmd);
	return WMCTL_EXIT_USAGE;
}

/* ------------------------------------------------------- command line */

/*
 * The option at argv[*i] (which starts with '-'): its index in defs, with
 * *val set when it takes one ("--name=value" or the next argument);
 * WMCTL_OPT_NONE if defs does not have it, WMCTL_OPT_BAD after a message.
 */
static int wmctl_match(const struct wmctl_cmd *cmd, const struct wmctl_optdef *defs, int argc,
		     char **argv, int *i, const char **val)
{
	const char *arg = argv[*i], *eq = NULL, *name;
	size_t len;

	if (!strcmp(arg, "-s") || !strcmp(arg, "-h")) {
		name = arg[1] == 's' ? "socket" : "help";
		len = strlen(name);
	} else if (!strncmp(arg, "--", 2)) {
		name = arg + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
	} else {
		return WMCTL_OPT_NONE;
	}
	for (int k = 0; defs[k].name; k++) {
		if (strlen(defs[k].name) != len || strncmp(defs[k].name, name, len))
			continue;
		if (defs[k].arg && eq) {
			*val = eq + 1;
		} else if (defs[k].arg) {
			if (*i + 1 >= argc) {
				wmctl_usage_error(cmd, "option needs a value: `%s'", arg);
				return WMCTL_OPT_BAD;
			}
			*val = argv[++*i];
		} else if (eq) {
			wmctl_usage_error(cmd, "option takes no value: `%s'", arg);
			return WMCTL_OPT_BAD;
		}
		return k;
	}
	return WMCTL_OPT_NONE;
}

static int wmctl_parse_double(const struct wmctl_cmd *cmd, const char *what, const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (!s[0] || *end || errno || !isfinite(*v))
		return wmctl_usage_error(cmd, "invalid %s (a number): `%s'", what, s);
	return 0;
}

/* A global option's effect; 0, or WMCTL_EXIT_USAGE after a message. */
static int wmctl_global(struct wmctl *c, const struct wmctl_cmd *cmd, int k, const char *val,
		      bool *help)
{
	double sec;

	switch (k) {
	case G_SOCKET:
		c->path = val;
		return 0;
	case G_JSON:
		c->json = true;
		return 0;
	case G_TIMEOUT:
		if (wmctl_parse_double(cmd, "timeout", val, &sec))
			return WMCTL_EXIT_USAGE;
		if (sec < 0 || sec > 86400)
			return wmctl_usage_error(cmd, "invalid timeout (0..86400 seconds, 0 for "
					       "none): `%s'", val);
		c->timeout_ms = sec == 0 ? -1 : (int)ceil(sec * 1000);
		return 0;
	case G_HELP:
		*help = true;
		return 0;
	}
	return 0;
}

/* "-3" and "-.5" are coordinates, not options. */
static bool wmctl_is_negative(const char *s)
{
	return s[0] == '-' && (isdigit((unsigned char)s[1]) ||
			       (s[1] == '.' && isdigit((unsigned char)s[2])));
}

/*
 * A command's arguments (argv[0] is its name) into *a. Options may come
 * anywhere; so may the global ones (`nodes --json`). No getopt: it would
 * take `move sta -3 4` for an option -3.
 */
static int wmctl_parse_args(struct wmctl *c, const struct wmctl_cmd *cmd, int argc, char **argv,
			  struct wmctl_args *a)
{
	static const struct wmctl_optdef none[] = { { NULL, false } };
	bool opts_done = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;
		int k;

		if (!opts_done && !strcmp(arg, "--")) {
			opts_done = true;
			continue;
		}
		if (opts_done || arg[0] != '-' || !arg[1] || wmctl_is_negative(arg)) {
			if (a->npos == cmd->npos_max || a->npos == WMCTL_POS_MAX)
				return wmctl_usage_error(cmd, "unexpected argument: `%s'", arg);
			a->pos[a->npos++] = arg;
			continue;
		}
		k = wmctl_match(cmd, cmd->opts ? cmd->opts : none, argc, argv, &i, &val);
		if (k == WMCTL_OPT_BAD)
			return WMCTL_EXIT_USAGE;
		if (k >= 0) {
			if (a->n[k] == WMCTL_REPEAT_MAX)
				return wmctl_usage_error(cmd, "too many %s", arg);
			a->val[k][a->n[k]++] = val;
			continue;
		}
		k = wmctl_match(cmd, wmctl_globals, argc, argv, &i, &val);
		if (k == WMCTL_OPT_BAD)
			return WMCTL_EXIT_USAGE;
		if (k == WMCTL_OPT_NONE)
			return wmctl_usage_error(cmd, "unknown option: `%s'", arg);
		if (wmctl_global(c, cmd, k, val, &a->help))
			return WMCTL_EXIT_USAGE;
	}
	if (!a->help && a->npos < cmd->npos_min)
		return wmctl_usage_error(cmd, "missing arguments: %s", cmd->args);
	return 0;
}

/* -------------------------------------------------- request arguments */

/* Sets req[key] = v (taking v); false if v could not be made (after a message). */
bool wmctl_set(json_t *req, const char *key, json_t *v)
{
	return v && json_object_set_new(req, key, v) == 0;
}

static json_t *wmctl_string(const struct wmctl_cmd *cmd, const char *what, const char *s)
{
	json_t *j = json_string(s);

	if (!j)
		wmctl_usage_error(cmd, "invalid %s (not UTF-8): `%s'", what, s);
	return j;
}

/* A node as the user named it: digits are its index, anything else a name or address. */
json_t *wmctl_node(const struct wmctl_cmd *cmd, const char *what, const char *s)
{
	if (s[0] && strspn(s, "0123456789") == strlen(s)) {
		long long v;

		errno = 0;
		v = strtoll(s, NULL, 10);
		if (!errno)
			return json_integer(v);
		wmctl_usage_error(cmd, "invalid %s (an index too large): `%s'", what, s);
		return NULL;
	}
	return wmctl_string(cmd, what, s);
}

static json_t *wmctl_number(const struct wmctl_cmd *cmd, const char *what, const char *s)
{
	double v;

	return wmctl_parse_double(cmd, what, s, &v) ? NULL : json_real(v);
}

/* "VX,VY[,VZ]" as [vx, vy(, vz)]. */
json_t *wmctl_vector(const struct wmctl_cmd *cmd, const char *what, const char *s)
{
	json_t *v = json_array();
	const char *p = s;
	char *end;

	for (;;) {
		double x;

		errno = 0;
		x = strtod(p, &end);
		if (end == p || errno || !isfinite(x) || (*end && *end != ',') ||
		    json_array_size(v) == 3)
			break;
		json_array_append_new(v, json_real(x));
		if (!*end) {
			if (json_array_size(v) >= 2)
				return v;
			break;
		}
		p = end + 1;
	}
	json_decref(v);
	wmctl_usage_error(cmd, "invalid %s (two or three numbers, X,Y[,Z]): `%s'", what, s);
	return NULL;
}

/* The values of a repeatable option, each also a comma-separated list. */
static json_t *wmctl_list(const struct wmctl_cmd *cmd, const struct wmctl_args *a, int k,
			json_t *(*one)(const struct wmctl_cmd *cmd, const char *s))
{
	json_t *list = json_array();

	for (int i = 0; i < a->n[k]; i++) {
		char *copy = xstrdup(a->val[k][i]), *save = NULL, *tok;
		bool any = false;

		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			json_t *x = one(cmd, tok);

			if (!x)
				break;
			json_array_append_new(list, x);
			any = true;
		}
		free(copy);
		if (tok || !any) {
			if (!tok)	/* "--freq ,": nothing; else one() said why */
				wmctl_usage_error(cmd, "empty list: `%s'", a->val[k][i]);
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

static int wmctl_build_links(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	/* A radio is always named by address (docs/control.md, "Naming"), never by index. */
	if (a->npos && !wmctl_set(req, "radio", wmctl_string(cmd, "radio", a->pos[0])))
		return WMCTL_EXIT_USAGE;
	return 0;
}

enum { MOVE_VELOCITY };
static const struct wmctl_optdef wmctl_move_opts[] = {
	[MOVE_VELOCITY] = { "velocity", true },
	{ NULL, false },
};

static int wmctl_build_move(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	json_t *pos;

	if (a->npos == 2)
		return wmctl_usage_error(cmd, "a position needs X and Y: `%s %s'", a->pos[0],
				       a->pos[1]);
	if (a->npos == 1 && !a->n[MOVE_VELOCITY])
		return wmctl_usage_error(cmd, "give a position X Y [Z], a --velocity, or both");
	if (!wmctl_set(req, "node", wmctl_node(cmd, "node", a->pos[0])))
		return WMCTL_EXIT_USAGE;
	if (a->npos > 2) {
		pos = json_array();
		for (int i = 1; i < a->npos; i++) {
			json_t *x = wmctl_number(cmd, i == 1 ? "X" : i == 2 ? "Y" : "Z", a->pos[i]);

			if (!x) {
				json_decref(pos);
				return WMCTL_EXIT_USAGE;
			}
			json_array_append_new(pos, x);
		}
		json_object_set_new(req, "pos", pos);
	}
	if (a->n[MOVE_VELOCITY] &&
	    !wmctl_set(req, "velocity", wmctl_vector(cmd, "velocity",
						 a->val[MOVE_VELOCITY][a->n[MOVE_VELOCITY] - 1])))
		return WMCTL_EXIT_USAGE;
	return 0;
}

static int wmctl_build_set_power(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	if (!wmctl_set(req, "node", wmctl_node(cmd, "node", a->pos[0])) ||
	    !wmctl_set(req, "dbm", wmctl_number(cmd, "power in dBm", a->pos[1])))
		return WMCTL_EXIT_USAGE;
	return 0;
}

enum { PIN_SNR, PIN_LOSS, PIN_ONE_WAY };
static const struct wmctl_optdef wmctl_pin_opts[] = {
	[PIN_SNR] = { "snr", true },
	[PIN_LOSS] = { "loss", true },
	[PIN_ONE_WAY] = { "one-way", false },
	{ NULL, false },
};
enum { UNPIN_ONE_WAY };
static const struct wmctl_optdef wmctl_unpin_opts[] = {
	[UNPIN_ONE_WAY] = { "one-way", false },
	{ NULL, false },
};

static int wmctl_build_link(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req,
			  bool one_way)
{
	if (!wmctl_set(req, "from", wmctl_node(cmd, "FROM node", a->pos[0])) ||
	    !wmctl_set(req, "to", wmctl_node(cmd, "TO node", a->pos[1])))
		return WMCTL_EXIT_USAGE;
	json_object_set_new(req, "both", json_boolean(!one_way));
	return 0;
}

static int wmctl_build_pin(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	int ret = wmctl_build_link(cmd, a, req, a->n[PIN_ONE_WAY]);

	if (ret)
		return ret;
	/* Range checks are the daemon's: it is the one that knows them. */
	if (a->n[PIN_SNR] + a->n[PIN_LOSS] != 1)
		return wmctl_usage_error(cmd, "give one of --snr DB and --loss P");
	if (a->n[PIN_SNR])
		return wmctl_set(req, "snr", wmctl_number(cmd, "SNR in dB", a->val[PIN_SNR][0])) ?
		       0 : WMCTL_EXIT_USAGE;
	return wmctl_set(req, "loss", wmctl_number(cmd, "loss probability", a->val[PIN_LOSS][0])) ?
	       0 : WMCTL_EXIT_USAGE;
}

static int wmctl_build_unpin(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	return wmctl_build_link(cmd, a, req, a->n[UNPIN_ONE_WAY]);
}

/* The daemon opens the file from its own working directory: send an absolute path. */
enum { CAPSTART_OVERWRITE };
static const struct wmctl_optdef wmctl_capture_start_opts[] = {
	[CAPSTART_OVERWRITE] = { "overwrite", false },
	{ NULL, false },
};

static int wmctl_build_capture_start(const struct wmctl_cmd *cmd, const struct wmctl_args *a,
				   json_t *req)
{
	/* The daemon resolves FILE beneath its --capture-dir, not in our directory. */
	if (!wmctl_set(req, "file", wmctl_string(cmd, "file", a->pos[0])))
		return WMCTL_EXIT_USAGE;
	if (a->n[CAPSTART_OVERWRITE])
		json_object_set_new(req, "overwrite", json_true());
	return 0;
}

enum { CAP_FREQ, CAP_RADIO };
static const struct wmctl_optdef wmctl_capture_opts[] = {
	[CAP_FREQ] = { "freq", true },
	[CAP_RADIO] = { "radio", true },
	{ NULL, false },
};

static json_t *wmctl_freq(const struct wmctl_cmd *cmd, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || *end || errno || v < 1 || v > 1000000) {
		wmctl_usage_error(cmd, "invalid frequency (MHz, e.g. 2412): `%s'", s);
		return NULL;
	}
	return json_integer(v);
}

static int wmctl_build_capture(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	json_t *freqs;

	if (a->n[CAP_FREQ]) {
		freqs = wmctl_list(cmd, a, CAP_FREQ, wmctl_freq);
		if (!freqs)
			return WMCTL_EXIT_USAGE;
		/* One frequency goes as a number, the simpler form the spec allows. */
		if (json_array_size(freqs) == 1)
			json_object_set(req, "freq", json_array_get(freqs, 0));
		else
			json_object_set(req, "freq", freqs);
		json_decref(freqs);
	}
	if (a->n[CAP_RADIO] > 1)
		return wmctl_usage_error(cmd, "one --radio at most");
	if (a->n[CAP_RADIO] && !wmctl_set(req, "radio", wmctl_string(cmd, "radio",
								 a->val[CAP_RADIO][0])))
		return WMCTL_EXIT_USAGE;
	return 0;
}

static const struct wmctl_optdef wmctl_events_opts[] = {
	{ "type", true },
	{ NULL, false },
};

static json_t *wmctl_event_type(const struct wmctl_cmd *cmd, const char *s)
{
	if (strcmp(s, "radio") && strcmp(s, "frame") && strcmp(s, "drop")) {
		wmctl_usage_error(cmd, "invalid event type (radio, frame or drop): `%s'", s);
		return NULL;
	}
	return json_string(s);
}

static int wmctl_build_events(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req)
{
	json_t *types;

	if (!a->n[0])
		return 0;
	types = wmctl_list(cmd, a, 0, wmctl_event_type);
	return wmctl_set(req, "events", types) ? 0 : WMCTL_EXIT_USAGE;
}

/* ----------------------------------------------------------- commands */

static const struct wmctl_cmd wmctl_cmds[] = {
	{ "status", "status", 0, 0, NULL, NULL, wmctl_print_status, NULL, "",
	  "Show the medium as a whole: time, model, counts, counters, channels, capture.",
	  "", "status" },
	{ "radios", "radios", 0, 0, NULL, NULL, wmctl_print_radios, NULL, "",
	  "List the radios: CLIENT IDENTITY NODE FREQ TXPOW TX RX RETRIES FAILED DROPS.",
	  "DROPS counts every reason but `retries' (those are FAILED); --json has them all.\n",
	  "radios" },
	{ "nodes", "nodes", 0, 0, NULL, NULL, wmctl_print_nodes, NULL, "",
	  "List the nodes: # NAME/MAC POS VELOCITY TXPOW RADIOS MOBILITY.", "", "nodes" },
	{ "links", "links", 0, 1, NULL, wmctl_build_links, wmctl_print_links, NULL, "[RADIO]",
	  "List every ordered pair of radios: FROM TO FREQ SNR PER LOSS RATE FRAMES LOST.",
	  "  RADIO        only the links from or to this radio (its identity or an address)\n"
	  "\nSNR is what TO hears of FROM, in dB (* marks a pinned link); PER the loss\n"
	  "of a 1500-byte frame to noise at RATE; LOSS any extra loss probability.\n",
	  "links 02:00:00:00:00:00" },
	{ "move", "move", 1, 4, wmctl_move_opts, wmctl_build_move, wmctl_print_move, NULL,
	  "NODE [X Y [Z]] [--velocity VX,VY[,VZ]]",
	  "Place a node, set it moving, or both.",
	  "  NODE         an index (as `nodes' lists it), a node's name or MAC, or the\n"
	  "               identity or an address of a radio (its node; made if it has none)\n"
	  "  X Y [Z]      the position in metres (Z: 0 if not given)\n"
	  "  --velocity VX,VY[,VZ]\n"
	  "               metres per second, kept until the next move; 0,0 stops it\n",
	  "move sta1 10 -2.5 --velocity 0.5,0" },
	{ "path", "mobility", 2, WMCTL_POS_MAX, wmctl_path_opts, wmctl_build_path,
	  wmctl_print_mobility, NULL, "NODE X,Y[,Z]@SPEED[+PAUSE]... [--loop]",
	  "Walk a node through waypoints, from where it is now.",
	  "  NODE         as for `move'\n"
	  "  X,Y[,Z]@SPEED[+PAUSE]\n"
	  "               a waypoint in metres (without Z the node keeps its height),\n"
	  "               reached at SPEED m/s, then PAUSE seconds there (default 0);\n"
	  "               up to 1000 of them\n"
	  "  --loop       after the last, walk back to the first, for ever\n"
	  "\nA later `move', `path', `wander' or `stop' ends the walk.\n",
	  "path sta1 20,0@1.4 20,15@1.4+10 0,0@2 --loop" },
	{ "wander", "mobility", 1, 1, wmctl_wander_opts, wmctl_build_wander, wmctl_print_mobility,
	  NULL, "NODE --box X0,Y0[,Z0]:X1,Y1[,Z1] --speed MIN[,MAX] [--pause MIN[,MAX]] [--seed N]",
	  "Random waypoint: walk to random points of a box, for ever.",
	  "  NODE         as for `move'\n"
	  "  --box X0,Y0[,Z0]:X1,Y1[,Z1]\n"
	  "               two corners (metres); with X,Y corners the height stays\n"
	  "  --speed MIN[,MAX]\n"
	  "               each leg at a speed drawn from MIN..MAX m/s (above 0)\n"
	  "  --pause MIN[,MAX]\n"
	  "               then a pause drawn from MIN..MAX seconds (default none)\n"
	  "  --seed N     the walk's random seed: the same N, the same walk (default:\n"
	  "               1 + the node's index)\n",
	  "wander sta2 --box 0,0:30,20 --speed 0.5,1.5 --pause 0,5 --seed 7" },
	{ "stop", "mobility", 1, 1, NULL, wmctl_build_stop, wmctl_print_mobility, NULL, "NODE",
	  "Stop a node's walk or velocity; it stays where it is.",
	  "  NODE         as for `move'\n", "stop sta2" },
	{ "set-power", "set-power", 2, 2, NULL, wmctl_build_set_power, wmctl_print_set_power, NULL,
	  "NODE DBM", "Set a node's transmit power.",
	  "  NODE         as for `move'\n"
	  "  DBM          the power in dBm (the daemon takes -50..60)\n",
	  "set-power ap 10" },
	{ "pin", "pin", 2, 2, wmctl_pin_opts, wmctl_build_pin, wmctl_print_pin, NULL,
	  "FROM TO (--snr DB | --loss P) [--one-way]",
	  "Pin the link between two nodes to an SNR, or add a loss probability.",
	  "  FROM TO      nodes, as for `move'\n"
	  "  --snr DB     the pair hears each other at this SNR, whatever the model says\n"
	  "  --loss P     frames are lost with probability P (0..1) on top of the model\n"
	  "  --one-way    only FROM -> TO (default: both directions)\n",
	  "pin ap sta2 --loss 0.3" },
	{ "unpin", "unpin", 2, 2, wmctl_unpin_opts, wmctl_build_unpin, wmctl_print_unpin, NULL,
	  "FROM TO [--one-way]", "Return a pinned link to the propagation model.",
	  "  FROM TO      nodes, as for `move'\n"
	  "  --one-way    only FROM -> TO (default: both directions)\n",
	  "unpin ap sta2" },
	{ "reload", "reload", 0, 0, NULL, NULL, wmctl_print_reload, NULL, "",
	  "Read the config file again, as SIGHUP does: every change made here is undone.",
	  "Radios and frames stay. A config that does not load is refused (exit 1) with\n"
	  "the parser's messages, and the medium runs on as it was.\n",
	  "reload" },
	{ "capture-start", "capture-start", 1, 1, wmctl_capture_start_opts,
	  wmctl_build_capture_start, wmctl_print_capture_start, NULL, "FILE [--overwrite]",
	  "Make the daemon write a pcapng capture of the air to FILE.",
	  "  FILE         beneath the daemon's --capture-dir (a path relative to it, or an\n"
	  "               absolute one inside it), reached without a symbolic link; a\n"
	  "               regular file. A running capture is stopped first.\n"
	  "  --overwrite  replace FILE if it exists (else that is refused)\n",
	  "capture-start air.pcapng" },
	{ "capture-stop", "capture-stop", 0, 0, NULL, NULL, wmctl_print_capture_stop, NULL, "",
	  "Stop the daemon's file capture (exit 1 if none runs).", "", "capture-stop" },
	{ "capture", "capture", 0, 0, wmctl_capture_opts, wmctl_build_capture, NULL, wmctl_capture,
	  "[--freq MHZ]... [--radio RADIO]",
	  "Stream a live pcapng capture to stdout (not to a terminal), until interrupted.",
	  "  --freq MHZ   only frames on this frequency; repeat or list (2412,5180) for more\n"
	  "  --radio RADIO\n"
	  "               that radio's view: what it sent, and what it heard at what signal\n"
	  "\nEnds with exit 0 on Ctrl-C, when the reader goes (`| head'), or when the\n"
	  "daemon closes the stream.\n",
	  "capture --freq 2412 | wireshark -k -i -" },
	{ "events", "subscribe", 0, 0, wmctl_events_opts, wmctl_build_events, NULL, wmctl_events,
	  "[--type radio,frame,drop]",
	  "Follow events, one line each (JSON lines with --json), until interrupted.",
	  "  --type T     radio (radios coming and going), frame (authentication,\n"
	  "               association and EAPOL attempts), drop (frames lost); default all\n"
	  "\nLines: seconds of simulated time, the event, its fields. Ends with exit 0 on\n"
	  "Ctrl-C or when the reader goes; exit 3 if the daemon closes the connection.\n",
	  "events --type frame,drop" },
};

/*
 * Lists (radios, nodes, links) come in pages: while a reply says where the
 * next one starts, ask for it and add its items to the first reply, which
 * is then printed as one list. 0 or an exit code.
 */
static int wmctl_all_pages(struct wmctl *c, json_t *req, json_t **reply)
{
	static const char *const keys[] = { "radios", "nodes", "links" };
	json_t *result = json_object_get(*reply, "result");

	if (!json_is_true(json_object_get(*reply, "ok")) || !json_is_object(result))
		return 0;
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		json_t *items = json_object_get(result, keys[k]);

		while (json_is_array(items) && json_is_integer(json_object_get(result, "next"))) {
			json_t *more = NULL, *mres;
			int ret;

			json_object_set(req, "from", json_object_get(result, "next"));
			ret = wmctl_call(c, req, &more);
			if (ret)
				return ret;
			mres = json_object_get(more, "result");
			if (!json_is_true(json_object_get(more, "ok")) || !json_is_object(mres) ||
			    !json_is_array(json_object_get(mres, keys[k]))) {
				json_decref(*reply);
				*reply = more;
				return 0;
			}
			json_array_extend(items, json_object_get(mres, keys[k]));
			json_object_set(result, "next", json_object_get(mres, "next"));
			json_decref(more);
		}
	}
	return 0;
}

static const struct wmctl_cmd *wmctl_find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(wmctl_cmds); i++)
		if (!strcmp(wmctl_cmds[i].name, name))
			return &wmctl_cmds[i];
	return NULL;
}

static void wmctl_cmd_usage(const struct wmctl_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: " WMCTL_PROG " [OPTIONS] %s%s%s\n%s\n%s%s\nExample:\n  " WMCTL_PROG " %s\n",
		cmd->name, cmd->args[0] ? " " : "", cmd->args, cmd->summary,
		cmd->help[0] ? "\n" : "", cmd->help, cmd->example);
}

static void wmctl_usage(FILE *f)
{
	fprintf(f, "Usage: " WMCTL_PROG " [-s SOCKET] [--json] [--timeout SEC] COMMAND [ARGS...]\n"
		"Read and steer a running wifimedium through its control socket.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(wmctl_cmds); i++)
		fprintf(f, "  %-14s %s\n", wmctl_cmds[i].name, wmctl_cmds[i].summary);
	fprintf(f, "  %-14s %s\n", "help [COMMAND]", "This help, or a command's.");
	fprintf(f, "\nOptions:\n"
		"  -s, --socket PATH  the daemon's --control socket (default: $WIFIMEDIUM_CONTROL,\n"
		"                     else " WMCTL_DEFAULT_SOCKET ")\n"
		"  --json             print the reply's result as JSON\n"
		"  --timeout SEC      wait this long for a reply (default %d; 0: for ever)\n"
		"  -h, --help         this help\n"
		"  -V, --version      the version\n"
		"\nExit status: 0 done; 1 the daemon refused (its message on stderr); 2 usage\n"
		"error; 3 no daemon at the socket, no reply in time, or a broken reply.\n"
		"Manual: wifimedium-ctl(1).\n",
		WMCTL_DEFAULT_TIMEOUT_MS / 1000);
}

/* The reply, as the user asked for it; the exit status. */
static int wmctl_answer(struct wmctl *c, const struct wmctl_cmd *cmd, const json_t *req, json_t *reply)
{
	json_t *res = json_object_get(reply, "result");

	if (json_is_false(json_object_get(reply, "ok"))) {
		const char *msg = json_string_value(json_object_get(reply, "message"));
		const char *err = json_string_value(json_object_get(reply, "error"));

		fprintf(stderr, WMCTL_PROG ": %s\n", msg ? msg : err ? err : "refused, no reason given");
		/* With --json the error object goes to stdout too; never into a pcapng stream. */
		if (c->json && cmd->stream != wmctl_capture) {
			json_object_del(reply, "id");
			json_dumpf(reply, stdout, JSON_INDENT(2));
			putchar('\n');
		}
		return WMCTL_EXIT_FAIL;
	}
	if (cmd->stream)
		return cmd->stream(c);
	if (c->json) {
		/* A result the daemon left out prints as {}: --json output is always an object. */
		if (res)
			json_dumpf(res, stdout, JSON_INDENT(2));
		else
			fputs("{}", stdout);
		putchar('\n');
	} else {
		cmd->print(req, res);
	}
	return WMCTL_EXIT_OK;
}

static int wmctl_run(struct wmctl *c, const struct wmctl_cmd *cmd, int argc, char **argv)
{
	struct wmctl_args a = { 0 };
	json_t *req, *reply = NULL;
	int ret;

	ret = wmctl_parse_args(c, cmd, argc, argv, &a);
	if (ret)
		return ret;
	if (a.help) {
		wmctl_cmd_usage(cmd, stdout);
		return WMCTL_EXIT_OK;
	}
	/* One request per connection: its id can be a constant. */
	req = json_pack("{s:i, s:s}", "id", 1, "cmd", cmd->wire);
	if (!req)
		abort();
	ret = cmd->build ? cmd->build(cmd, &a, req) : 0;
	if (!ret && cmd->stream == wmctl_capture && isatty(STDOUT_FILENO))
		ret = wmctl_usage_error(cmd, "will not write pcapng to a terminal: pipe it "
				      "(| wireshark -k -i -), or use capture-start FILE");
	if (!ret)
		ret = wmctl_connect(c);
	if (!ret)
		ret = wmctl_call(c, req, &reply);
	if (!ret)
		ret = wmctl_all_pages(c, req, &reply);
	if (!ret)
		ret = wmctl_answer(c, cmd, req, reply);
	/* Output lost to a full disk must not pass for success; a reader that left may. */
	if (fflush(stdout) == EOF && errno != EPIPE && !ret) {
		fprintf(stderr, WMCTL_PROG ": cannot write to stdout: %s\n", strerror(errno));
		ret = WMCTL_EXIT_FAIL;
	}
	json_decref(reply);
	json_decref(req);
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	return ret;
}

int main(int argc, char **argv)
{
	const char *env = getenv("WIFIMEDIUM_CONTROL");
	struct wmctl c = {
		.path = env && env[0] ? env : WMCTL_DEFAULT_SOCKET,
		.timeout_ms = WMCTL_DEFAULT_TIMEOUT_MS,
		.fd = -1,
	};
	const struct wmctl_cmd *cmd;
	bool help = false;
	int i;

	/* A closed socket or pipe is an error return to handle, not a death. */
	signal(SIGPIPE, SIG_IGN);

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *val = NULL;
		int k;

		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf(WMCTL_PROG " " WM_VERSION "\n");
			return WMCTL_EXIT_OK;
		}
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		k = wmctl_match(NULL, wmctl_globals, argc, argv, &i, &val);
		if (k == WMCTL_OPT_BAD)
			return WMCTL_EXIT_USAGE;
		if (k == WMCTL_OPT_NONE)
			return wmctl_usage_error(NULL, "unknown option: `%s'", argv[i]);
		if (wmctl_global(&c, NULL, k, val, &help))
			return WMCTL_EXIT_USAGE;
	}
	if (help) {
		wmctl_usage(stdout);
		return WMCTL_EXIT_OK;
	}
	if (i == argc) {
		wmctl_usage(stderr);
		return WMCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 == argc) {
			wmctl_usage(stdout);
			return WMCTL_EXIT_OK;
		}
		cmd = wmctl_find_cmd(argv[i + 1]);
		if (!cmd)
			return wmctl_usage_error(NULL, "unknown command: `%s'", argv[i + 1]);
		wmctl_cmd_usage(cmd, stdout);
		return WMCTL_EXIT_OK;
	}
	cmd = wmctl_find_cmd(argv[i]);
	if (!cmd)
		return wmctl_usage_error(NULL, "unknown command: `%s'", argv[i]);
	return wmctl_run(&c, cmd, argc - i, argv + i);
}
