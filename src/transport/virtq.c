/* SPDX-License-Identifier: MIT */
#include "virtq.h"

#include <endian.h>
#include <errno.h>
#include <string.h>

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

/* Ring layout (virtio 1.x, split, little-endian), by offsets: no struct aliasing of guest memory. */
#define DESC_SIZE 16
#define AVAIL_IDX 2
#define AVAIL_RING 4
#define USED_IDX 2
#define USED_RING 4
#define USED_ELEM 8

uint8_t *vu_gpa_to_host(const struct vu_mem *mem, uint64_t gpa, uint64_t *len)
{
	for (unsigned int i = 0; i < mem->n; i++) {
		const struct vu_region *r = &mem->r[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size) {
			uint64_t off = gpa - r->gpa;

			if (*len > r->size - off)
				*len = r->size - off;
			return r->host + off;
		}
	}
	return NULL;
}

uint8_t *vu_uaddr_to_host(const struct vu_mem *mem, uint64_t uaddr, uint64_t len)
{
	for (unsigned int i = 0; i < mem->n; i++) {
		const struct vu_region *r = &mem->r[i];

		if (uaddr >= r->uaddr && uaddr - r->uaddr < r->size &&
		    len <= r->size - (uaddr - r->uaddr))
			return r->host + (uaddr - r->uaddr);
	}
	return NULL;
}

void virtq_init(struct virtq *vq)
{
	memset(vq, 0, sizeof(*vq));
}

static uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static void st32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

/* The index fields are shared with a guest running concurrently: atomic, ordered. */
static uint16_t load_idx(const uint8_t *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_ACQUIRE));
}

static void store_idx(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)(void *)p, htole16(v), __ATOMIC_RELEASE);
}

int virtq_map(struct virtq *vq, const struct vu_mem *mem)
{
	uint64_t n = vq->num;

	vq->desc = vq->avail = vq->used = NULL;
	if (!n || (!vq->desc_ua && !vq->avail_ua && !vq->used_ua))
		return 0;	/* not configured yet */
	vq->desc = vu_uaddr_to_host(mem, vq->desc_ua, DESC_SIZE * n);
	vq->avail = vu_uaddr_to_host(mem, vq->avail_ua, AVAIL_RING + 2 * n + 2);
	vq->used = vu_uaddr_to_host(mem, vq->used_ua, USED_RING + USED_ELEM * n + 2);
	/* The index fields are read atomically: they must be 2-byte aligned. */
	if (!vq->desc || !vq->avail || !vq->used ||
	    ((uintptr_t)vq->avail | (uintptr_t)vq->used) & 1) {
		vq->desc = vq->avail = vq->used = NULL;
		vq->broken = "ring addresses outside the guest's memory table";
		return -EFAULT;
	}
	return 0;
}

static int fault(struct virtq *vq, const char *why)
{
	vq->broken = why;
	return -EFAULT;
}

int virtq_pop(struct virtq *vq, const struct vu_mem *mem, struct virtq_elem *elem)
{
	uint16_t avail_idx, head, i;
	unsigned int walked = 0;

	if (vq->broken)
		return -EFAULT;
	if (!virtq_ready(vq))
		return 0;
	avail_idx = load_idx(vq->avail + AVAIL_IDX);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num)
		return fault(vq, "available index runs more than the ring's size ahead");

	head = ld16(vq->avail + AVAIL_RING + 2 * (vq->last_avail % vq->num));
	if (head >= vq->num)
		return fault(vq, "available ring names a descriptor beyond the ring");
	elem->head = head;
	elem->n_out = elem->n_in = 0;
	elem->out_len = elem->in_len = 0;

	for (i = head;;) {
		const uint8_t *d = vq->desc + DESC_SIZE * (size_t)i;
		uint64_t addr = ld64(d), len = ld32(d + 8);
		uint16_t flags = ld16(d + 12), next = ld16(d + 14);

		if (++walked > vq->num)
			return fault(vq, "descriptor chain loops");
		if (flags & VRING_DESC_F_INDIRECT)
			return fault(vq, "indirect descriptor (not offered)");
		if (!(flags & VRING_DESC_F_WRITE) && elem->n_in)
			return fault(vq, "readable descriptor after a writable one");
		/* A buffer may straddle regions: one piece per region. */
		while (len) {
			uint64_t piece = len;
			uint8_t *host = vu_gpa_to_host(mem, addr, &piece);

			if (!host)
				return fault(vq, "descriptor address outside the guest's memory");
			if (elem->n_out + elem->n_in == VIRTQ_MAX_IOV)
				return fault(vq, "descriptor chain too long");
			elem->iov[elem->n_out + elem->n_in] =
				(struct virtq_iov){ host, (uint32_t)piece };
			if (flags & VRING_DESC_F_WRITE) {
				elem->n_in++;
				elem->in_len += piece;
			} else {
				elem->n_out++;
				elem->out_len += piece;
			}
			addr += piece;
			len -= piece;
		}
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		if (next >= vq->num)
			return fault(vq, "descriptor chain leaves the ring");
		i = next;
	}
	vq->last_avail++;
	return 1;
}

void virtq_push(struct virtq *vq, const struct virtq_elem *elem, uint32_t len)
{
	uint8_t *e;

	if (!vq->used || vq->broken)
		return;
	e = vq->used + USED_RING + USED_ELEM * (size_t)(vq->used_idx % vq->num);
	st32(e, elem->head);
	st32(e + 4, len);
	store_idx(vq->used + USED_IDX, ++vq->used_idx);
}

void virtq_want_kicks(struct virtq *vq, bool want)
{
	if (!vq->used || vq->broken)
		return;
	store_idx(vq->used, want ? 0 : VRING_USED_F_NO_NOTIFY);
	/* Asking again: what the driver posted before it saw the flag must be seen after it. */
	if (want)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool virtq_should_notify(const struct virtq *vq)
{
	return vq->avail && !(load_idx(vq->avail) & VRING_AVAIL_F_NO_INTERRUPT);
}

size_t virtq_read(const struct virtq_elem *elem, void *buf, size_t max)
{
	size_t done = 0;

	for (unsigned int k = 0; k < elem->n_out && done < max; k++) {
		size_t n = elem->iov[k].len < max - done ? elem->iov[k].len : max - done;

		memcpy((uint8_t *)buf + done, elem->iov[k].base, n);
		done += n;
	}
	return done;
}

int virtq_write(const struct virtq_elem *elem, const void *buf, size_t len)
{
	size_t done = 0;

	if (len > elem->in_len)
		return -ENOSPC;
	for (unsigned int k = elem->n_out; k < elem->n_out + elem->n_in && done < len; k++) {
		size_t n = elem->iov[k].len < len - done ? elem->iov[k].len : len - done;

		memcpy(elem->iov[k].base, (const uint8_t *)buf + done, n);
		done += n;
	}
	return 0;
}
