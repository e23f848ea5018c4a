/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static enum log_level level = LOG_LEVEL_NOTICE;
static FILE *out;		/* the log file, or NULL for stderr */
static char *out_path;		/* its name, to reopen after rotation */
static int journal = -1;	/* stderr is journald's stream: -1 not yet known */

/* syslog priorities, which journald reads from a "<N>" prefix. */
static const char prio[] = {
	[LOG_LEVEL_ERROR] = '3', [LOG_LEVEL_WARN] = '4', [LOG_LEVEL_NOTICE] = '5',
	[LOG_LEVEL_INFO] = '6', [LOG_LEVEL_DEBUG] = '7',
};

static const char *const names[] = {
	[LOG_LEVEL_ERROR] = "error", [LOG_LEVEL_WARN] = "warn", [LOG_LEVEL_NOTICE] = "notice",
	[LOG_LEVEL_INFO] = "info", [LOG_LEVEL_DEBUG] = "debug",
};

int log_level_parse(const char *s, enum log_level *lvl)
{
	char *end;
	long n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*lvl = (enum log_level)i;
			return 0;
		}
	}
	/* wmediumd's -l takes syslog numbers: 0..3 errors, 4 warning, 5 notice, 6 info, 7 debug. */
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || end == s || n < 0 || n > 7)
		return -EINVAL;
	*lvl = n <= 3 ? LOG_LEVEL_ERROR : n == 4 ? LOG_LEVEL_WARN : n == 5 ? LOG_LEVEL_NOTICE :
	       n == 6 ? LOG_LEVEL_INFO : LOG_LEVEL_DEBUG;
	return 0;
}

void log_set_level(enum log_level l)
{
	level = l;
}

enum log_level log_get_level(void)
{
	return level;
}

static FILE *open_append(const char *path)
{
	FILE *f = fopen(path, "ae");

	if (f)
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int log_open_file(const char *path)
{
	FILE *f = open_append(path);
	char *copy;

	if (!f)
		return -errno;
	copy = strdup(path);
	if (!copy) {
		fclose(f);
		return -ENOMEM;
	}
	log_close();
	out = f;
	out_path = copy;
	return 0;
}

int log_reopen(void)
{
	FILE *f;

	if (!out_path)
		return 0;
	f = open_append(out_path);
	if (!f)
		return -errno;	/* keep writing where we were: better than nowhere */
	fclose(out);
	out = f;
	return 0;
}

void log_close(void)
{
	if (out)
		fclose(out);
	out = NULL;
	free(out_path);
	out_path = NULL;
}

/* systemd sets JOURNAL_STREAM to the device and inode of the stream it gave us. */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!env || sscanf(env, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

__attribute__((format(printf, 2, 0), nonnull(2)))
static void vlog(enum log_level l, const char *fmt, va_list ap)
{
	FILE *f = out ? out : stderr;
	struct timespec ts;
	struct tm tm;
	char when[48];

	if (!out && journal < 0)
		journal = stderr_is_journal();
	if (!out && journal) {
		/* journald stamps the time itself and reads the level from the prefix. */
		fprintf(f, "<%c>", prio[l]);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		if (out) {
			/* A file outlives the day: ISO 8601 with the zone, sortable. */
			char zone[8];

			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
			strftime(zone, sizeof(zone), "%z", &tm);
			fprintf(f, "%s.%03ld%s %-6s ", when, ts.tv_nsec / 1000000, zone, names[l]);
		} else {
			strftime(when, sizeof(when), "%H:%M:%S", &tm);
			fprintf(f, "%s.%03ld %-6s ", when, ts.tv_nsec / 1000000, names[l]);
		}
	}
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

void log_msg(enum log_level l, const char *fmt, ...)
{
	va_list ap;

	if (l > level)
		return;
	va_start(ap, fmt);
	vlog(l, fmt, ap);
	va_end(ap);
}

void log_ratelimited(struct log_limit *lim, enum log_level l, const char *fmt, ...)
{
	struct timespec ts;
	uint64_t now;
	va_list ap;

	if (l > level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec;
	if (now - lim->window_start >= 10) {
		lim->window_start = now;
		lim->in_window = 0;
	}
	if (lim->in_window >= 5) {
		lim->suppressed++;
		return;
	}
	lim->in_window++;
	if (lim->suppressed) {
		log_msg(l, "(%u similar messages suppressed)", lim->suppressed);
		lim->suppressed = 0;
	}
	va_start(ap, fmt);
	vlog(l, fmt, ap);
	va_end(ap);
}

FILE *log_stream(void)
{
	return out ? out : stderr;
}
