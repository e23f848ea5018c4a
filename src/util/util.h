/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by every layer: allocation that cannot fail (it
 * aborts), array sizes, MAC addresses, UTF-8, unix socket paths.
 */
#ifndef WM_UTIL_H
#define WM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ETH_ALEN 6

/* Allocation failure aborts: the daemon cannot do anything sensible without memory. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);

/* "aa:bb:cc:dd:ee:ff" plus NUL. */
#define MAC_STR_LEN 18
char *mac_format(const uint8_t mac[ETH_ALEN], char buf[MAC_STR_LEN]);
/* 0, or -EINVAL (mac untouched) if s is not exactly six colon-separated hex octets. */
int mac_parse(const char *s, uint8_t mac[ETH_ALEN]);

/*
 * Makes path free for a new unix socket listener: a socket file nobody
 * accepts on (left by a run that died) is removed. 0; -EADDRINUSE when a
 * process still accepts there (another daemon: not ours to take over);
 * -EEXIST when path is not a socket; -ENAMETOOLONG.
 */
int unix_path_claim(const char *path);

/*
 * A unix stream listener at path, non-blocking and close-on-exec: the path
 * claimed first (unix_path_claim), the socket given mode (0: as the umask
 * makes it) before it listens, so nobody connects under looser rights.
 * The fd, or -errno with *why saying what went wrong, for the caller to
 * log after the path ("another daemon answers there", "exists and is not
 * a socket", "socket path too long", or the failing call's error); a file
 * it made is removed again.
 */
int unix_listen(const char *path, mode_t mode, int backlog, const char **why);

/*
 * A shared secret from path into buf (at most size - 1 bytes, a final
 * newline dropped): 0 with *len, or -errno with *why saying what is wrong:
 * not a regular file, readable or writable by group or others (-EPERM: a
 * secret others can read is no secret), shorter than 8 bytes or too long
 * (-EINVAL).
 */
int secret_read(const char *path, uint8_t *buf, size_t size, size_t *len, const char **why);

/*
 * For listeners: accept_shedding() below needs one spare descriptor, set
 * aside here while descriptors are plentiful (when a listener opens).
 * 0 or -errno.
 */
int accept_reserve(void);
/*
 * accept4(lfd, sa, len, SOCK_NONBLOCK | SOCK_CLOEXEC) that survives running
 * out of descriptors: on EMFILE or ENFILE the waiting connection is taken
 * with the spare descriptor and closed at once (its peer sees it end), so
 * a listener never stays readable with nothing the loop can do about it
 * (a level-triggered loop would spin). Returns the new fd, or -errno:
 * -EAGAIN when nothing waits, -EMFILE when a connection was shed.
 */
int accept_shedding(int lfd, struct sockaddr *sa, socklen_t *len);

/*
 * The UTF-8 sequence starting s[0..len): its length (1..4) with its code
 * point in *cp, or 0 when s does not start a well-formed one (a stray or
 * cut-short byte, an overlong form, a surrogate, past U+10FFFF).
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Make the NUL-terminated s valid UTF-8 in place: bytes that start no sequence become '?'. */
void utf8_clean(char *s);

/*
 * "LINE: message" into err (errlen bytes, truncated; nothing if err is
 * NULL), for parsers that report where input went wrong. Returns -EINVAL.
 */
int line_error(char *err, size_t errlen, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline int mac_equal(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, ETH_ALEN) == 0;
}

static inline int mac_is_group(const uint8_t *a)
{
	return a[0] & 0x01;
}

#endif
