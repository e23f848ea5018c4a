/* SPDX-License-Identifier: MIT */
/*
 * Logging with levels to stderr or a file. Nothing per frame above debug;
 * errors a peer can trigger go through log_ratelimited() so a hostile peer
 * cannot flood the log.
 */
#ifndef WM_UTIL_LOG_H
#define WM_UTIL_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_NOTICE,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Level from a name (error, warn, notice, info, debug) or wmediumd's number 0..7. */
int log_level_parse(const char *s, enum log_level *out);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/*
 * Where lines go and how they look: to a file (appending), each line starts
 * with an ISO 8601 timestamp and the level; to stderr when it is journald's
 * stream (JOURNAL_STREAM), with the syslog priority prefix "<N>" and no time;
 * otherwise to stderr with the time of day and the level.
 */
/* Log to path instead of stderr; -errno if it cannot be opened. */
int log_open_file(const char *path);
/* Open the log file's path anew (after logrotate moved it); -errno, still logging to the old. */
int log_reopen(void);
void log_close(void);
/* Where messages go: the log file, or stderr. */
FILE *log_stream(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Like log_msg, but at most burst messages per 10 s for this *state; the
 * count of the suppressed ones is reported with the next one let through.
 */
struct log_limit {
	uint64_t window_start;
	uint32_t in_window;
	uint32_t suppressed;
};

void log_ratelimited(struct log_limit *lim, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)                                                   \
	do {                                                             \
		if (log_get_level() >= LOG_LEVEL_DEBUG)                  \
			log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__);           \
	} while (0)

#endif
