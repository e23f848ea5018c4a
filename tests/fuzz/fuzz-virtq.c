/* SPDX-License-Identifier: MIT */
/*
 * The split-ring walker over fake guest memory: one or two regions, each
 * its own exact-size heap block (so ASan flags any access past a region,
 * not only past the whole memory), placed at guest-physical and front-end
 * addresses the input picks; a ring of 1..256 entries at addresses the
 * input picks, possibly outside memory; the input then fills the memory
 * (descriptors, avail ring, indices) and runs a short script of ring
 * operations, poking memory in between as a running guest would.
 *
 * Invariants (abort on failure): every piece of a chain lies inside one
 * region; n_out + n_in <= VIRTQ_MAX_IOV and the byte totals add up; the
 * translated rings lie inside one region each; after -EFAULT the queue
 * stays broken and never touches guest memory again.
 *
 * Input: a 48-byte header (see struct layout below), 16 script bytes, then
 * the image of region 0, then of region 1 (missing bytes are zero), then
 * the bytes the script's pokes consume.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport/virtq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REGION_MAX 8192		/* a 256-entry ring needs 6.7 KiB */
#define HDR_LEN 48
#define OPS 16
#define HELD 4
#define POPS_PER_OP 16

struct input {
	const uint8_t *p;
	size_t n;
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Little-endian field of n bytes at the cursor; 0 once the input runs out. */
static uint64_t take(struct input *in, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t b = 0;

		if (in->n) {
			b = *in->p++;
			in->n--;
		}
		v |= b << (8 * i);
	}
	return v;
}

struct fake {
	struct vu_mem mem;
	uint8_t *block[2];
	size_t size[2];
};

/* Is [p, p+len) inside one region's host memory? */
static bool in_region(const struct fake *f, const uint8_t *p, uint64_t len)
{
	uintptr_t a = (uintptr_t)p;

	for (unsigned int i = 0; i < f->mem.n; i++) {
		uintptr_t start = (uintptr_t)f->mem.r[i].host, end = start + f->mem.r[i].size;

		if (a >= start && a <= end && len <= end - a)
			return true;
	}
	return false;
}

static void check_rings(const struct fake *f, const struct virtq *vq)
{
	if (!vq->desc) {
		check(!vq->avail && !vq->used);
		return;
	}
	check(in_region(f, vq->desc, 16 * (uint64_t)vq->num));
	check(in_region(f, vq->avail, 6 + 2 * (uint64_t)vq->num));
	check(in_region(f, vq->used, 6 + 8 * (uint64_t)vq->num));
}

static void check_elem(const struct fake *f, const struct virtq *vq, const struct virtq_elem *e)
{
	uint64_t out = 0, in = 0;

	check(e->head < vq->num);
	check(e->n_out + e->n_in <= VIRTQ_MAX_IOV);
	for (unsigned int k = 0; k < e->n_out + e->n_in; k++) {
		check(e->iov[k].len > 0);
		check(in_region(f, e->iov[k].base, e->iov[k].len));
		if (k < e->n_out)
			out += e->iov[k].len;
		else
			in += e->iov[k].len;
	}
	check(out == e->out_len && in == e->in_len);
}

/* A broken queue refuses everything and writes nothing. */
static void check_broken(struct fake *f, struct virtq *vq, const struct virtq_elem *held,
			 unsigned int nheld)
{
	static uint8_t before[2][REGION_MAX];
	struct virtq_elem e;

	check(vq->broken != NULL && !virtq_ready(vq));
	for (unsigned int i = 0; i < f->mem.n; i++)
		memcpy(before[i], f->block[i], f->size[i]);
	check(virtq_pop(vq, &f->mem, &e) == -EFAULT);
	for (unsigned int i = 0; i < nheld; i++)
		virtq_push(vq, &held[i], 1);
	for (unsigned int i = 0; i < f->mem.n; i++)
		check(memcmp(before[i], f->block[i], f->size[i]) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[2 * REGION_MAX];
	static struct virtq_elem held[HELD];
	struct input in = { data, size };
	struct fake f = { 0 };
	struct virtq vq;
	uint8_t flags, ops[OPS];
	uint64_t base_ua[2];
	int64_t ring_off[3];
	uint16_t base;
	unsigned int nheld = 0;
	bool was_broken = false;

	if (size < HDR_LEN)
		return 0;

	/* Header: the memory table. */
	flags = (uint8_t)take(&in, 1);
	f.mem.n = flags & 1 ? 2 : 1;
	for (unsigned int i = 0; i < 2; i++)
		f.size[i] = 1 + take(&in, 2) % REGION_MAX;
	for (unsigned int i = 0; i < 2; i++) {
		uint64_t gpa = take(&in, 8);

		/* SET_MEM_TABLE refuses regions that wrap around. */
		if (gpa > UINT64_MAX - f.size[i])
			gpa = UINT64_MAX - f.size[i];
		f.mem.r[i].gpa = gpa;
		f.mem.r[i].size = f.size[i];
	}
	for (unsigned int i = 0; i < 2; i++)
		f.mem.r[i].uaddr = base_ua[i] = take(&in, 4);

	/* The ring: size, addresses relative to one region's front-end address. */
	virtq_init(&vq);
	vq.num = 1 + (uint32_t)(take(&in, 2) % 256);
	for (unsigned int i = 0; i < 3; i++)
		ring_off[i] = (int32_t)(uint32_t)take(&in, 4);
	vq.desc_ua = base_ua[(flags >> 1) & 1] + (uint64_t)ring_off[0];
	vq.avail_ua = base_ua[(flags >> 2) & 1] + (uint64_t)ring_off[1];
	vq.used_ua = base_ua[(flags >> 3) & 1] + (uint64_t)ring_off[2];
	base = (uint16_t)take(&in, 2);
	vq.last_avail = vq.used_idx = base;
	vq.enabled = !(flags & 0x10);
	while (in.p < data + HDR_LEN)
		take(&in, 1);
	for (unsigned int i = 0; i < OPS; i++)
		ops[i] = (uint8_t)take(&in, 1);

	/* The memory, then the pokes. */
	for (unsigned int i = 0; i < f.mem.n; i++) {
		f.block[i] = malloc(f.size[i]);
		if (!f.block[i])
			abort();
		for (size_t k = 0; k < f.size[i]; k++)
			f.block[i][k] = (uint8_t)take(&in, 1);
		f.mem.r[i].host = f.block[i];
	}

	if (virtq_map(&vq, &f.mem) < 0) {
		check(vq.broken && !vq.desc && !vq.avail && !vq.used);
		was_broken = true;
	}
	check_rings(&f, &vq);

	for (unsigned int o = 0; o < OPS; o++) {
		uint8_t op = ops[o];

		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			for (unsigned int k = 0; k < POPS_PER_OP; k++) {
				struct virtq_elem *e = &held[nheld < HELD ? nheld : HELD - 1];
				int r = virtq_pop(&vq, &f.mem, e);

				check(r == 1 || r == 0 || r == -EFAULT);
				check(!was_broken || r == -EFAULT);
				if (r == -EFAULT) {
					was_broken = true;
					break;
				}
				if (r == 0)
					break;
				check_elem(&f, &vq, e);
				if (nheld < HELD)
					nheld++;
			}
			break;
		case 3:
			/* Return the oldest chain, claiming some of its writable bytes. */
			if (nheld) {
				virtq_push(&vq, &held[0], (uint32_t)(held[0].in_len >> (op >> 5)));
				memmove(&held[0], &held[1], (nheld - 1) * sizeof(held[0]));
				nheld--;
			}
			break;
		case 4:
			for (unsigned int i = 0; i < nheld; i++) {
				size_t want = (size_t)(op >> 3) * 300;
				size_t got = virtq_read(&held[i], buf, want);
				int w;

				check(got <= want && got <= held[i].out_len);
				check(got == want || got == held[i].out_len);
				w = virtq_write(&held[i], buf, want);
				check(w == (want > held[i].in_len ? -ENOSPC : 0));
			}
			break;
		case 5:
			/* A new memory table or SET_VRING_ADDR translates the ring again. */
			if (virtq_map(&vq, &f.mem) < 0) {
				check(vq.broken && !vq.desc);
				was_broken = true;
			}
			check_rings(&f, &vq);
			break;
		case 6: {
			/* The guest writes while we walk: one byte anywhere. */
			unsigned int i = (unsigned int)take(&in, 1) % f.mem.n;
			size_t at = (size_t)take(&in, 2) % f.size[i];

			f.block[i][at] = (uint8_t)take(&in, 1);
			break;
		}
		case 7:
			/* SET_VRING_NUM, then the ring translated for the new size. */
			vq.num = 1 + (uint32_t)take(&in, 1);
			if (virtq_map(&vq, &f.mem) < 0)
				was_broken = true;
			check_rings(&f, &vq);
			/* Chains taken under the old size stay valid memory; drop them anyway. */
			nheld = 0;
			break;
		}
		if (was_broken)
			check_broken(&f, &vq, held, nheld);
	}
	virtq_should_notify(&vq);

	for (unsigned int i = 0; i < f.mem.n; i++)
		free(f.block[i]);
	return 0;
}
