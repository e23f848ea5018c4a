/* SPDX-License-Identifier: MIT */
/*
 * wifimedium-ctl: what a command is and how its arguments become a
 * request, shared by wifimedium_ctl.c (the table, the command line, main)
 * and wifimedium_ctl_mobility.c (path, wander, stop).
 */
#ifndef WM_CTL_CMD_H
#define WM_CTL_CMD_H

#include <jansson.h>
#include <stdbool.h>

#include "wifimedium_ctl.h"

#define WMCTL_POS_MAX 1001	/* positional arguments: path NODE and 1000 waypoints */
#define WMCTL_OPTS_MAX 4		/* options of one command */
#define WMCTL_REPEAT_MAX 32	/* occurrences of one option (--freq) */

/* A long option, "--name" or "--name=value"; its index in its table identifies it. */
struct wmctl_optdef {
	const char *name;
	bool arg;
};

struct wmctl_args {
	const char *pos[WMCTL_POS_MAX];
	int npos;
	const char *val[WMCTL_OPTS_MAX][WMCTL_REPEAT_MAX];
	int n[WMCTL_OPTS_MAX];
	bool help;
};

struct wmctl_cmd {
	const char *name;
	const char *wire;	/* the request's `cmd` */
	int npos_min, npos_max;
	const struct wmctl_optdef *opts;	/* NULL-terminated, at most WMCTL_OPTS_MAX */
	/* Adds the arguments to the request; an exit status (OK, or USAGE after a message). */
	int (*build)(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req);
	wmctl_print_fn *print;
	int (*stream)(struct wmctl *c);	/* instead of print: what follows the reply */
	const char *args, *summary, *help, *example;
};

/* A wrong command line: the message, a pointer to the help; the exit status. */
int wmctl_usage_error(const struct wmctl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sets req[key] = v (taking v); false if v could not be made (after a message). */
bool wmctl_set(json_t *req, const char *key, json_t *v);
/* A node as the user named it: digits are its index, anything else a name or address. */
json_t *wmctl_node(const struct wmctl_cmd *cmd, const char *what, const char *s);
/* "X,Y[,Z]" as [x, y(, z)]; NULL after a message. */
json_t *wmctl_vector(const struct wmctl_cmd *cmd, const char *what, const char *s);

/* wifimedium_ctl_mobility.c */
extern const struct wmctl_optdef wmctl_path_opts[];
extern const struct wmctl_optdef wmctl_wander_opts[];
int wmctl_build_path(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req);
int wmctl_build_wander(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req);
int wmctl_build_stop(const struct wmctl_cmd *cmd, const struct wmctl_args *a, json_t *req);

#endif
