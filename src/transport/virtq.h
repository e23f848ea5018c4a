/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues in a guest's memory, as a vhost-user back-end sees them:
 * the memory table (guest-physical ranges mapped into this process), address
 * translation, and walking descriptor chains. Every address, length, index
 * and chain a guest hands us is checked; a fault marks the queue broken and
 * every later operation on it refuses. No sockets here: tests and fuzzers
 * drive it over ordinary memory.
 */
#ifndef WM_TRANSPORT_VIRTQ_H
#define WM_TRANSPORT_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VU_MAX_REGIONS 8
#define VIRTQ_MAX_SIZE 32768	/* virtio's limit on a split ring's size */
#define VIRTQ_MAX_IOV 64	/* longest chain we walk */

struct vu_region {
	uint64_t gpa;		/* guest-physical start */
	uint64_t size;
	uint64_t uaddr;		/* the front-end's own address of it (ring addresses use these) */
	uint8_t *host;		/* where it is mapped here */
	void *map;		/* what to munmap, or NULL when not ours */
	size_t map_len;
};

struct vu_mem {
	struct vu_region r[VU_MAX_REGIONS];
	unsigned int n;
};

/*
 * A guest-physical range in host memory: the longest piece of [gpa, gpa+len)
 * inside one region; *len is cut to it. NULL if gpa is in no region.
 */
uint8_t *vu_gpa_to_host(const struct vu_mem *mem, uint64_t gpa, uint64_t *len);
/* A front-end address range, wholly inside one region, or NULL. */
uint8_t *vu_uaddr_to_host(const struct vu_mem *mem, uint64_t uaddr, uint64_t len);

/* One piece of a descriptor chain, in host memory. */
struct virtq_iov {
	uint8_t *base;
	uint32_t len;
};

/* A chain taken from the available ring. */
struct virtq_elem {
	uint16_t head;
	unsigned int n_out, n_in;	/* device-readable pieces, then device-writable */
	struct virtq_iov iov[VIRTQ_MAX_IOV];
	uint64_t out_len, in_len;	/* total bytes of each */
};

struct virtq {
	uint32_t num;			/* size; 0 until SET_VRING_NUM */
	uint64_t desc_ua, avail_ua, used_ua;	/* as the front-end gave them */
	uint8_t *desc, *avail, *used;	/* translated: NULL until mapped */
	uint16_t last_avail;		/* next available entry to take */
	uint16_t used_idx;		/* next used entry to fill */
	bool enabled;
	const char *broken;		/* why the guest's ring is unusable, or NULL */
};

void virtq_init(struct virtq *vq);

/*
 * Translate the ring addresses against mem (after SET_VRING_ADDR or a new
 * memory table). 0, or -EFAULT with vq->broken set.
 */
int virtq_map(struct virtq *vq, const struct vu_mem *mem);

static inline bool virtq_ready(const struct virtq *vq)
{
	return vq->desc && vq->enabled && !vq->broken;
}

/*
 * Take the next available chain: 1 with *elem filled, 0 if none, -EFAULT if
 * the guest's ring or chain is malformed (out-of-range index or address,
 * a loop, a readable piece after a writable one, indirect descriptors we did
 * not offer, a chain longer than VIRTQ_MAX_IOV, avail->idx running more
 * than num ahead). On -EFAULT the queue is broken for good.
 */
int virtq_pop(struct virtq *vq, const struct vu_mem *mem, struct virtq_elem *elem);

/* Return a chain with len bytes written into its writable part. */
void virtq_push(struct virtq *vq, const struct virtq_elem *elem, uint32_t len);

/*
 * Whether the device wants the driver's kicks for this queue
 * (VRING_USED_F_NO_NOTIFY, a hint the driver follows without EVENT_IDX).
 * After asking again, look at the ring once more: the driver may have
 * posted while it still saw the old flag.
 */
void virtq_want_kicks(struct virtq *vq, bool want);

/* Does the guest want an interrupt (VRING_AVAIL_F_NO_INTERRUPT clear)? */
bool virtq_should_notify(const struct virtq *vq);

/* Gather up to max readable bytes of elem into buf; returns bytes copied. */
size_t virtq_read(const struct virtq_elem *elem, void *buf, size_t max);
/* Scatter len bytes into elem's writable part; -ENOSPC if it is too small. */
int virtq_write(const struct virtq_elem *elem, const void *buf, size_t len);

#endif
