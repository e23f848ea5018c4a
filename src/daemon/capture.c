/* SPDX-License-Identifier: MIT */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proto/ieee80211.h"
#include "proto/pcapng.h"
#include "util/log.h"
#include "util/util.h"

#define COMMENT_MAX 2048
#define COMMENT_RX_MAX 8	/* receivers named in a comment; the rest are counted */
#define IFACES_MAX 64

struct capture {
	struct capture_filter f;
	uint64_t epoch_us;
	capture_sink *sink;
	void *opaque;
	uint32_t freqs[IFACES_MAX];	/* interface id -> frequency */
	uint32_t nifaces;
	uint64_t dropped_since;		/* dropped since the last record taken */
	struct capture_stats st;
	uint8_t *buf;			/* one record (and its interface) */
	size_t cap;
};

static bool want_freq(const struct capture_filter *f, uint32_t freq)
{
	if (!f->nfreqs)
		return true;
	for (unsigned i = 0; i < f->nfreqs; i++)
		if (f->freqs[i] == freq)
			return true;
	return false;
}

static bool is_radio(const struct capture_filter *f, uint32_t client, const uint8_t *radio)
{
	return f->client == client && mac_equal(f->radio, radio);
}

struct capture *capture_new(const struct capture_filter *f, uint64_t epoch_us, capture_sink *sink,
			    void *opaque)
{
	struct capture *c = xcalloc(1, sizeof(*c));
	char app[64];
	size_t n;

	c->f = *f;
	c->epoch_us = epoch_us;
	c->sink = sink;
	c->opaque = opaque;
	c->cap = pcapng_epb_size(MEDIUM_FRAME_MAX, COMMENT_MAX) + 256;
	c->buf = xmalloc(c->cap);
	snprintf(app, sizeof(app), "wifimedium %s", WM_VERSION);
	n = pcapng_shb(c->buf, c->cap, app);
	if (!n || sink(opaque, c->buf, n) < 0) {
		capture_free(c);
		return NULL;
	}
	c->st.bytes += n;
	return c;
}

void capture_free(struct capture *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c);
}

void capture_get_stats(const struct capture *c, struct capture_stats *s)
{
	*s = c->st;
}

/* A growing comment; what does not fit is cut. */
struct text {
	char s[COMMENT_MAX];
	size_t len;
};

static void __attribute__((format(printf, 2, 3))) put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, sizeof(t->s) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < sizeof(t->s) - t->len ? (size_t)n : sizeof(t->s) - 1 - t->len;
}

/* The per-record parts without printf: a comment is built per transmission. */
static void put_str(struct text *t, const char *str)
{
	size_t n = strlen(str), room = sizeof(t->s) - 1 - t->len;

	if (n > room)
		n = room;
	memcpy(t->s + t->len, str, n);
	t->len += n;
	t->s[t->len] = 0;
}

static void put_mac(struct text *t, const uint8_t *mac)
{
	static const char hex[] = "0123456789abcdef";
	char s[MAC_STR_LEN];

	for (int i = 0; i < 6; i++) {
		s[3 * i] = hex[mac[i] >> 4];
		s[3 * i + 1] = hex[mac[i] & 15];
		s[3 * i + 2] = i < 5 ? ':' : 0;
	}
	put_str(t, s);
}

static void put_int(struct text *t, long v)
{
	char s[24], *p = s + sizeof(s) - 1;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	*p = 0;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	put_str(t, p);
}

static const char *fate_name(enum medium_fate fate)
{
	switch (fate) {
	case MEDIUM_FATE_OK:
		return "ok";
	case MEDIUM_FATE_NOISE:
		return "lost (noise)";
	case MEDIUM_FATE_COLLISION:
		return "lost (collision)";
	case MEDIUM_FATE_LOSS:
		return "lost (loss probability)";
	case MEDIUM_FATE_BUSY:
		return "lost (transmitting)";
	case MEDIUM_FATE_ASLEEP:
		return "refused (not listening)";
	}
	return "?";
}

static void put_radio(struct text *t, uint32_t client, const uint8_t *radio, capture_namer *namer,
		      void *opaque)
{
	const char *name = namer ? namer(opaque, client) : NULL;

	put_mac(t, radio);
	if (name) {
		put_str(t, " (");
		put_str(t, name);
		put_str(t, ")");
	}
}

/*
 * "tx 42:00:00:00:01:00 (vm:sta) attempt 2 at 20 dBm; rx 42:00:00:00:00:00
 * -48 dBm ok (addressee); rx 42:00:00:00:02:00 -71 dBm lost (collision);
 * ACK follows"
 */
static void comment(struct text *t, const struct medium_air *a, capture_namer *namer,
		    void *opaque)
{
	unsigned listed = 0, more = 0, more_ok = 0;

	bool ack = a->kind != MEDIUM_AIR_DATA;

	put_str(t, a->kind == MEDIUM_AIR_ACK ? "ack by " : ack ? "block ack by " : "tx ");
	put_radio(t, a->client, a->radio, namer, opaque);
	put_str(t, ack ? " for attempt " : " attempt ");
	put_int(t, (long)a->attempt);
	if (a->ampdu_ref) {
		put_str(t, a->kind == MEDIUM_AIR_DATA ? " in A-MPDU " : " of A-MPDU ");
		put_int(t, (long)a->ampdu_ref);
	}
	put_str(t, " at ");
	put_int(t, lround(a->tx_power_dbm));
	put_str(t, " dBm");
	/* The addressee first, then the others up to a handful; the rest as a count. */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < a->nrx; i++) {
			const struct medium_air_rx *rx = &a->rx[i];
			bool addressee = rx->addressee && a->kind == MEDIUM_AIR_DATA;

			if (addressee != (pass == 0))
				continue;
			if (listed == COMMENT_RX_MAX) {
				more++;
				more_ok += rx->fate == MEDIUM_FATE_OK;
				continue;
			}
			listed++;
			put_str(t, "; rx ");
			put_mac(t, rx->radio);
			put_str(t, " ");
			put_int(t, rx->signal_dbm);
			put_str(t, " dBm ");
			put_str(t, fate_name(rx->fate));
			if (addressee)
				put_str(t, " (addressee)");
		}
	}
	if (more) {
		put_str(t, "; ");
		put_int(t, (long)more);
		put_str(t, " more heard it (");
		put_int(t, (long)more_ok);
		put_str(t, " decoded)");
	}
	if (!a->nrx)
		put_str(t, "; heard by no radio");
	if (a->kind == MEDIUM_AIR_BLOCK_ACK) {
		put_str(t, a->acked ? "; A-MPDU acknowledged" :
			   a->next == MEDIUM_NEXT_RETRY ? "; Block Ack lost: the MPDUs go again" :
							  "; nobody waits for it");
		return;
	}
	switch (a->next) {
	case MEDIUM_NEXT_DONE:
		put_str(t, ack ? (a->acked ? "; frame acked" : "; nobody waits for it") :
				 "; no ACK expected");
		break;
	case MEDIUM_NEXT_ACK:
		put_str(t, a->ampdu_ref ? "; Block Ack follows" : "; ACK follows");
		break;
	case MEDIUM_NEXT_RETRY:
		put_str(t, ack ? "; ACK lost: retry follows" : "; no ACK: retry follows");
		break;
	case MEDIUM_NEXT_FAIL:
		put_str(t, ack ? "; ACK lost: frame failed, no attempt left" :
				 "; no ACK: frame failed, no attempt left");
		break;
	}
}

static int8_t clamp_dbm(double v)
{
	return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : lround(v));
}

/* Interface id of freq, -1 if not yet described. */
static int iface_of(const struct capture *c, uint32_t freq)
{
	for (uint32_t i = 0; i < c->nifaces; i++)
		if (c->freqs[i] == freq)
			return (int)i;
	return -1;
}

static void take(struct capture *c, size_t n)
{
	if (c->sink(c->opaque, c->buf, n) < 0) {
		c->st.dropped++;
		c->dropped_since++;
		return;
	}
	c->st.records++;
	c->st.bytes += n;
	c->dropped_since = 0;
}

void capture_air(struct capture *c, const struct medium_air *a, capture_namer *namer,
		 void *name_opaque)
{
	struct radiotap_info ri = {
		.tsft = a->start_us, .freq = a->freq, .rate = a->rate,
		.noise_dbm = clamp_dbm(a->noise_dbm),
		.has_tx_power = true, .tx_power_dbm = clamp_dbm(a->tx_power_dbm),
		.ampdu_ref = a->kind == MEDIUM_AIR_DATA ? a->ampdu_ref : 0,
		.ampdu_last = a->ampdu_last,
	};
	struct text t = { .len = 0 };
	int ifid;
	size_t n = 0, m;

	if (!want_freq(&c->f, a->freq))
		return;
	if (c->dropped_since)
		put(&t, "[%llu records dropped before this one] ",
		    (unsigned long long)c->dropped_since);
	if (c->f.has_radio && !is_radio(&c->f, a->client, a->radio)) {
		const struct medium_air_rx *rx = NULL;

		for (uint32_t i = 0; i < a->nrx && !rx; i++)
			if (is_radio(&c->f, a->rx[i].client, a->rx[i].radio))
				rx = &a->rx[i];
		if (!rx)
			return;
		/* That radio's view: the signal it heard, and what it made of it first. */
		ri.has_signal = true;
		ri.signal_dbm = clamp_dbm(rx->signal_dbm);
		ri.has_tx_power = false;
		put(&t, "this radio: %s; ", fate_name(rx->fate));
	}
	comment(&t, a, namer, name_opaque);

	ifid = iface_of(c, a->freq);
	if (ifid < 0) {
		char name[32], desc[64];

		if (c->nifaces == IFACES_MAX) {
			c->st.dropped++;
			c->dropped_since++;
			return;
		}
		snprintf(name, sizeof(name), "%u MHz", a->freq);
		snprintf(desc, sizeof(desc), "wifimedium channel at %u MHz", a->freq);
		n = pcapng_idb(c->buf, c->cap, name, desc);
		ifid = (int)c->nifaces;
	}
	m = pcapng_epb(c->buf + n, c->cap - n, (uint32_t)ifid, c->epoch_us + a->end_us, &ri,
		       a->frame, a->len, t.s);
	if (!m)
		return;
	/* The interface counts as described only once its block was taken. */
	if (n) {
		uint64_t before = c->st.records;

		take(c, n + m);
		if (c->st.records != before)
			c->freqs[c->nifaces++] = a->freq;
		return;
	}
	take(c, m);
}

/* ------------------------------------------------------------ file sink */

struct capture_file {
	struct capture *c;
	char *path;
	int fd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint8_t *ring;
	size_t size, head, used;	/* bytes ring[head..head+used) wait, modulo size */
	bool stop, failed;
	bool idle;			/* the writer waits for a kick */
	int error;
};

static int file_sink(void *opaque, const void *buf, size_t len)
{
	struct capture_file *cf = opaque;
	size_t tail, first;
	int ret = 0;

	pthread_mutex_lock(&cf->lock);
	if (cf->failed || len > cf->size - cf->used) {
		ret = -ENOBUFS;
		goto out;
	}
	tail = (cf->head + cf->used) % cf->size;
	first = len < cf->size - tail ? len : cf->size - tail;
	memcpy(cf->ring + tail, buf, first);
	memcpy(cf->ring, (const uint8_t *)buf + first, len - first);
	cf->used += len;
	/* Waking the writer per record would cost a futex call each: kicks batch them. */
	if (cf->idle && cf->used > cf->size / 2)
		pthread_cond_signal(&cf->cond);
out:
	pthread_mutex_unlock(&cf->lock);
	return ret;
}

static void *file_writer(void *opaque)
{
	struct capture_file *cf = opaque;

	pthread_mutex_lock(&cf->lock);
	for (;;) {
		size_t n;
		ssize_t w;

		while (!cf->used && !cf->stop) {
			cf->idle = true;
			pthread_cond_wait(&cf->cond, &cf->lock);
			cf->idle = false;
		}
		if (!cf->used || cf->failed)
			break;
		n = cf->used < cf->size - cf->head ? cf->used : cf->size - cf->head;
		pthread_mutex_unlock(&cf->lock);
		/* The ring's bytes from head on are ours until used shrinks. */
		w = write(cf->fd, cf->ring + cf->head, n);
		pthread_mutex_lock(&cf->lock);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cf->failed = true;
			cf->error = w < 0 ? errno : EIO;
			cf->used = 0;
			break;
		}
		cf->head = (cf->head + (size_t)w) % cf->size;
		cf->used -= (size_t)w;
	}
	pthread_mutex_unlock(&cf->lock);
	return NULL;
}

struct capture_file *capture_file_adopt(int fd, const char *path, uint64_t epoch_us,
				       size_t buf_bytes)
{
	struct capture_file *cf = xcalloc(1, sizeof(*cf));
	struct capture_filter all = { .nfreqs = 0 };
	int err;

	cf->fd = fd;
	cf->path = xstrdup(path);
	cf->size = buf_bytes ? buf_bytes : 8u << 20;
	cf->ring = xmalloc(cf->size);
	pthread_mutex_init(&cf->lock, NULL);
	pthread_cond_init(&cf->cond, NULL);
	err = pthread_create(&cf->thread, NULL, file_writer, cf);
	if (err) {
		close(cf->fd);
		free(cf->ring);
		free(cf->path);
		free(cf);
		errno = err;
		return NULL;
	}
	cf->c = capture_new(&all, epoch_us, file_sink, cf);
	return cf;
}

/*
 * fd was opened without blocking (a FIFO with no reader would have held the
 * loop): it must be a regular file, which writes never block on for long.
 * 0, or -errno with fd closed.
 */
static int regular_only(int fd, bool truncate)
{
	struct stat st;
	int err;

	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((truncate && ftruncate(fd, 0) < 0) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return 0;
}

struct capture_file *capture_file_open(const char *path, uint64_t epoch_us, size_t buf_bytes)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0640);
	int err;

	if (fd < 0)
		return NULL;
	err = regular_only(fd, true);
	if (err < 0) {
		errno = -err;
		return NULL;
	}
	return capture_file_adopt(fd, path, epoch_us, buf_bytes);
}

struct capture_file *capture_file_open_beneath(int dirfd, const char *dir, const char *name,
					       bool overwrite, uint64_t epoch_us, size_t buf_bytes)
{
	struct open_how how = {
		.flags = O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC | (overwrite ? 0 : O_EXCL),
		.mode = 0640,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char *path;
	long fd;
	int err;

	fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd < 0)
		return NULL;
	err = regular_only((int)fd, overwrite);
	if (err < 0) {
		errno = -err;
		return NULL;
	}
	path = xmalloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	{
		struct capture_file *cf = capture_file_adopt((int)fd, path, epoch_us, buf_bytes);

		err = errno;
		free(path);
		errno = err;
		return cf;
	}
}

struct capture *capture_file_capture(struct capture_file *cf)
{
	return cf->c;
}

const char *capture_file_path(const struct capture_file *cf)
{
	return cf->path;
}

void capture_file_kick(struct capture_file *cf)
{
	pthread_mutex_lock(&cf->lock);
	if (cf->idle && cf->used)
		pthread_cond_signal(&cf->cond);
	pthread_mutex_unlock(&cf->lock);
}

int capture_file_error(struct capture_file *cf)
{
	int err;

	pthread_mutex_lock(&cf->lock);
	err = cf->failed ? cf->error : 0;
	pthread_mutex_unlock(&cf->lock);
	return err;
}

void capture_file_close(struct capture_file *cf, struct capture_stats *s)
{
	if (!cf)
		return;
	pthread_mutex_lock(&cf->lock);
	cf->stop = true;
	pthread_cond_signal(&cf->cond);
	pthread_mutex_unlock(&cf->lock);
	pthread_join(cf->thread, NULL);
	if (s) {
		memset(s, 0, sizeof(*s));
		if (cf->c)
			capture_get_stats(cf->c, s);
	}
	if (cf->failed)
		errno = cf->error;
	capture_free(cf->c);
	close(cf->fd);
	pthread_mutex_destroy(&cf->lock);
	pthread_cond_destroy(&cf->cond);
	free(cf->ring);
	free(cf->path);
	free(cf);
}

/* ------------------------------------------------------------ recorder */

static void recorder_air(void *data, const struct medium_air *a)
{
	struct capture_recorder *r = data;

	capture_air(capture_file_capture(r->file), a, hub_client_namer, r->hub);
}

static void recorder_flush(void *data)
{
	struct capture_recorder *r = data;

	capture_file_kick(r->file);
}

static const struct hub_observer recorder_observer = { .air = recorder_air };

void capture_recorder_init(struct capture_recorder *r, struct hub *hub)
{
	*r = (struct capture_recorder){ .hub = hub, .dirfd = -1 };
}

void capture_recorder_deinit(struct capture_recorder *r)
{
	capture_recorder_stop(r, NULL);
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->dir);
	r->dirfd = -1;
	r->dir = NULL;
}

int capture_recorder_set_dir(struct capture_recorder *r, const char *dir)
{
	char *real = realpath(dir, NULL);
	int fd;

	if (!real)
		return -errno;
	fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		free(real);
		return err;
	}
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->dir);
	r->dirfd = fd;
	r->dir = real;
	return 0;
}

static void recorder_attach(struct capture_recorder *r, struct capture_file *cf);

int capture_recorder_start(struct capture_recorder *r, const char *path)
{
	struct capture_file *cf = capture_file_open(path, r->hub->epoch_us, 0);

	if (!cf)
		return -errno;
	recorder_attach(r, cf);
	return 0;
}

int capture_recorder_start_beneath(struct capture_recorder *r, const char *name, bool overwrite)
{
	struct capture_file *cf;
	size_t dl;

	if (r->dirfd < 0)
		return -EPERM;
	/* An absolute name inside the directory is taken as relative to it. */
	dl = strlen(r->dir);
	if (name[0] == '/' && !strncmp(name, r->dir, dl) && name[dl] == '/')
		name += dl + 1;
	cf = capture_file_open_beneath(r->dirfd, r->dir, name, overwrite, r->hub->epoch_us, 0);
	if (!cf)
		return -errno;
	recorder_attach(r, cf);
	return 0;
}

static void recorder_attach(struct capture_recorder *r, struct capture_file *cf)
{
	capture_recorder_stop(r, NULL);
	r->file = cf;
	r->obs_id = hub_observe(r->hub, &recorder_observer, r, NULL);
	r->flush_id = hub_add_flush(r->hub, recorder_flush, r, NULL);
	log_notice("capture: writing %s", capture_file_path(cf));
}

int capture_recorder_stop(struct capture_recorder *r, struct capture_stats *s)
{
	struct capture_stats st;
	char *path;
	int err;

	if (!r->file)
		return -ENOENT;
	hub_unobserve(r->hub, r->obs_id);
	hub_del_flush(r->hub, r->flush_id);
	path = xstrdup(capture_file_path(r->file));
	err = capture_file_error(r->file);
	capture_file_close(r->file, &st);
	r->file = NULL;
	if (err)
		log_error("capture: %s: %s; %llu records written before, %llu dropped", path,
			  strerror(err), (unsigned long long)st.records,
			  (unsigned long long)st.dropped);
	else
		log_notice("capture: closed %s: %llu records, %llu dropped", path,
			   (unsigned long long)st.records, (unsigned long long)st.dropped);
	free(path);
	if (s)
		*s = st;
	return 0;
}
