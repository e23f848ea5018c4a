/* SPDX-License-Identifier: MIT */
/*
 * Captures of the air as pcapng with radiotap: one interface per channel,
 * one record per transmission (data and ACK, every attempt), each with a
 * comment saying who sent it, which attempt it was and what became of it.
 *
 * A capture never slows the medium: records go into a bounded buffer, and
 * a record that does not fit is dropped and counted. A file capture drains
 * its buffer from a thread of its own (a slow disk loses records, never
 * frames); a stream capture (a control connection) hands its buffer to the
 * event loop.
 */
#ifndef WM_DAEMON_CAPTURE_H
#define WM_DAEMON_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/medium.h"
#include "hub/hub.h"

#define CAPTURE_MAX_FREQS 16

/* Which records a capture takes. */
struct capture_filter {
	uint32_t freqs[CAPTURE_MAX_FREQS];	/* none: every channel */
	unsigned nfreqs;
	bool has_radio;				/* one radio's view */
	uint32_t client;
	uint8_t radio[6];
};

struct capture_stats {
	uint64_t records;		/* taken */
	uint64_t dropped;		/* did not fit the buffer (or the file failed) */
	uint64_t bytes;
};

/* Where a capture's bytes go: 0 if all len bytes were taken, else -ENOBUFS (none taken). */
typedef int capture_sink(void *opaque, const void *buf, size_t len);

/* Names for comments: a client's name ("ap", "kernel"), or NULL. */
typedef const char *capture_namer(void *opaque, uint32_t client);

struct capture;

/*
 * A capture into sink. epoch_us is the wall-clock time (us since the epoch)
 * of simulated time 0: record timestamps are epoch_us + the frame's end on
 * the air. Writes the section header at once; NULL if the sink refuses it.
 */
struct capture *capture_new(const struct capture_filter *f, uint64_t epoch_us, capture_sink *sink,
			    void *opaque);
void capture_free(struct capture *c);

/* Record one transmission, if the filter takes it. */
void capture_air(struct capture *c, const struct medium_air *a, capture_namer *namer,
		 void *name_opaque);
void capture_get_stats(const struct capture *c, struct capture_stats *s);

/*
 * A capture into a file, written by a thread of its own through a buffer
 * of buf_bytes (0: 8 MiB). NULL with errno when the file cannot be created
 * (the operator's -p: opened without following a symbolic link as its last
 * component and without blocking, a regular file only, truncated).
 */
struct capture_file;

struct capture_file *capture_file_open(const char *path, uint64_t epoch_us, size_t buf_bytes);
/*
 * The same for a client's request: name is resolved beneath the directory
 * dirfd (named dir, for logs) without crossing a symbolic link or leaving
 * it; an existing file is replaced only with overwrite; anything but a
 * regular file is refused (EINVAL) without waiting on it.
 */
struct capture_file *capture_file_open_beneath(int dirfd, const char *dir, const char *name,
					       bool overwrite, uint64_t epoch_us, size_t buf_bytes);
/*
 * The same into fd, any descriptor open for writing (tests make a slow disk
 * of a pipe), which the capture owns from now on; NULL with errno and fd
 * closed on failure. path names it in logs.
 */
struct capture_file *capture_file_adopt(int fd, const char *path, uint64_t epoch_us,
					size_t buf_bytes);
struct capture *capture_file_capture(struct capture_file *cf);
const char *capture_file_path(const struct capture_file *cf);
/* Have the writer write what is buffered: once per loop round, not per record. */
void capture_file_kick(struct capture_file *cf);
/* 0, or the errno that stopped the writer (later records are dropped). */
int capture_file_error(struct capture_file *cf);
/* Write what is buffered, stop the thread, close; stats of the whole capture. */
void capture_file_close(struct capture_file *cf, struct capture_stats *s);

/*
 * The daemon's file capture (-p, capture-start): at most one at a time,
 * an observer of the hub that records every transmission and kicks its
 * writer once per round.
 */
struct capture_recorder {
	struct hub *hub;
	struct capture_file *file;	/* NULL: none runs */
	unsigned obs_id, flush_id;
	int dirfd;			/* --capture-dir, -1: none */
	char *dir;
};

void capture_recorder_init(struct capture_recorder *r, struct hub *hub);
/* Stops a capture running, forgets the directory. */
void capture_recorder_deinit(struct capture_recorder *r);
/* Where clients' captures go (--capture-dir): 0 or -errno. */
int capture_recorder_set_dir(struct capture_recorder *r, const char *dir);
/* Record into path (the operator's -p), replacing a capture running: 0, or -errno with nothing changed. */
int capture_recorder_start(struct capture_recorder *r, const char *path);
/*
 * Record into name beneath the capture directory (a client's request; see
 * capture_file_open_beneath()): 0, or -errno with nothing changed; -EPERM
 * without a capture directory.
 */
int capture_recorder_start_beneath(struct capture_recorder *r, const char *name, bool overwrite);
/* Stop: 0 with its totals (s may be NULL), or -ENOENT when none runs. */
int capture_recorder_stop(struct capture_recorder *r, struct capture_stats *s);

#endif
