/* SPDX-License-Identifier: MIT */
/*
 * The vhost-user back-end against front-ends written here: the real
 * protocol over socketpairs, guest memory in memfds passed with
 * SET_MEM_TABLE at guest-physical addresses unlike the front-end's own
 * (with an mmap offset, and an RX buffer straddling the two regions),
 * eventfds for kicks and calls, split rings driven as the guest's virtio
 * driver drives them. Honest VMs (UML's handshake in lockstep with
 * REPLY_ACK; a QEMU-like one that pipelines; a legacy one without protocol
 * features) exchange frames through the hub; each malicious VM loses its
 * connection and costs the honest ones nothing.
 *
 * The daemon runs in this thread: a front-end sends, then runs the loop as
 * main.c does (hub_sync() as before_wait, then one round) until the answer
 * is there. Time passes in real time, as in test-hub.c's wait_msgs().
 *
 * With --attack PATH the same malicious VMs connect instead to a running
 * wifimedium's socket (tests/e2e/vhost/05-malicious.sh), one connection
 * per case, each in a child process so that a failed assertion costs only
 * its own case; the fixture then has no loop and pump() only waits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/loop.h"
#include "hub/hub.h"
#include "proto/hwsim.h"
#include "transport/guestmem.h"
#include "transport/vhost_user.h"

#include "hub_env.h"

/* ------------------------------------------------------------ protocol */

enum {
	GET_FEATURES = 1, SET_FEATURES = 2, SET_OWNER = 3, SET_MEM_TABLE = 5,
	SET_VRING_NUM = 8, SET_VRING_ADDR = 9, SET_VRING_BASE = 10, GET_VRING_BASE = 11,
	SET_VRING_KICK = 12, SET_VRING_CALL = 13, GET_PROTOCOL_FEATURES = 15,
	SET_PROTOCOL_FEATURES = 16, GET_QUEUE_NUM = 17, SET_VRING_ENABLE = 18,
	SET_BACKEND_REQ_FD = 21,
};

#define HDR 12
#define V1 0x1
#define REPLY 0x4
#define NEED_REPLY 0x8
#define F_VERSION_1 (1ULL << 32)
#define F_PROTOCOL_FEATURES (1ULL << 30)
#define PF_MQ (1ULL << 0)
#define PF_REPLY_ACK (1ULL << 3)
#define PF_BACKEND_REQ (1ULL << 5)
#define PF_CONFIG (1ULL << 9)
#define PF_INBAND_NOTIFICATIONS (1ULL << 14)
/* What UML 6.1 (arch/um/drivers/virtio_uml.c) can use of what it is offered. */
#define UML_PROTOCOL (PF_REPLY_ACK | PF_BACKEND_REQ | PF_CONFIG | PF_INBAND_NOTIFICATIONS)

#define PENDING_MAX 512		/* vhost_user.c: messages held for a guest without RX buffers */

/* ------------------------------------------------------- guest layout */

#define NUM 256			/* UML's queue size */
#define RS (1u << 20)		/* each region */
#define GPA0 0x40000000ull	/* the guest's physical addresses: regions 0 and 1 adjoin */
#define GPA1 (GPA0 + RS)
#define UA0 0x7f5500000000ull	/* the front-end's own addresses: they do not */
#define UA1 0x7f6600000000ull
#define R1_OFF 8192		/* region 1 starts this far into its memfd */
#define RING(q) (GPA0 + 0x4000 * (q))	/* desc; avail at +0x1000, used at +0x2000 */
#define TX_SLOTS 64
#define TX_BUF(i) (GPA0 + 0x10000 + 0x1000 * (uint64_t)(i))
#define RX_SLOTS 64
#define RX_LEN 3776		/* what hwsim posts on x86-64 */
#define RX_BUF(i) (GPA1 - 2048 + 0x1000 * (uint64_t)(i))	/* slot 0 straddles the regions */
#define DESC_NEXT 1
#define DESC_WRITE 2
#define MAXREC 1024

static const uint8_t radio_id[6] = { 0x42, 0, 0, 0, 0, 0 };	/* every guest's first radio */
static const uint8_t addr_a[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
static const uint8_t addr_b[6] = { 0x02, 0xbb, 0, 0, 0, 2 };
static const uint8_t addr_c[6] = { 0x02, 0xcc, 0, 0, 0, 3 };
static const uint8_t addr_m[6] = { 0x02, 0xee, 0, 0, 0, 4 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* One message the guest found in an RX buffer. */
struct rec {
	uint8_t cmd;
	uint64_t cookie;
	uint32_t flags, freq, seq;	/* seq: what the sender wrote into the frame body */
	uint8_t addr[6];		/* FRAME: ADDR_RECEIVER; TX_INFO_FRAME: ADDR_TRANSMITTER */
	uint8_t src[6];			/* FRAME: the 802.11 addr2 */
};

enum vm_mode {
	VM_UML,		/* protocol features, REPLY_ACK: every request waits for its ack */
	VM_PIPELINED,	/* protocol features without REPLY_ACK: sends without waiting */
	VM_LEGACY,	/* no protocol features: rings start at SET_VRING_KICK */
};

struct vm {
	enum vm_mode mode;
	bool ack;		/* REPLY_ACK negotiated */
	bool service;		/* reap and repost RX buffers while the loop runs */
	int sock;		/* the front-end's end */
	int memfd[2];
	uint8_t *map[2], *mem[2];
	size_t map_len[2];
	int kick[2], call[2], backend;
	uint16_t avail[2], used_seen[2];
	unsigned int tx_posted, tx_done;
	unsigned int rx_kicks;		/* kicks of queue 1 the device asked for */
	unsigned int tx_kicks;		/* and of queue 0 */
	const uint8_t *addr;
	unsigned int nrec;
	struct rec rec[MAXREC];
};

struct bad_case;

struct fixture {
	struct loop *loop;
	struct hub hub;
	struct vu_server *srv;
	struct vm *vms[8];
	struct vm *a, *b;
	const struct bad_case *bad;
	uint64_t cookie;
	uint32_t seq;
	int fds_at_start;
};

/* ------------------------------------------------------------- helpers */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static uint64_t eventfd_take(int fd)
{
	uint64_t v = 0;

	return read(fd, &v, sizeof(v)) == sizeof(v) ? v : 0;
}

/* The guest's view of [gpa, gpa+len): inside one region. */
static uint8_t *gmem(struct vm *vm, uint64_t gpa, size_t len)
{
	for (int i = 0; i < 2; i++) {
		uint64_t base = i ? GPA1 : GPA0;

		if (gpa >= base && gpa - base + len <= RS)
			return vm->mem[i] + (gpa - base);
	}
	fail_msg("guest address %#llx+%zu is in no region", (unsigned long long)gpa, len);
	return NULL;
}

static uint64_t uaddr(uint64_t gpa)
{
	return gpa < GPA1 ? UA0 + (gpa - GPA0) : UA1 + (gpa - GPA1);
}

static void copy_from_guest(struct vm *vm, uint64_t gpa, uint8_t *out, size_t len)
{
	while (len) {
		uint64_t end = gpa < GPA1 ? GPA1 : GPA1 + RS;
		size_t n = end - gpa < len ? (size_t)(end - gpa) : len;

		memcpy(out, gmem(vm, gpa, n), n);
		out += n;
		gpa += n;
		len -= n;
	}
}

static void st16(uint8_t *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, 2);
}

static uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return le16toh(v);
}

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static void set_desc(struct vm *vm, unsigned int q, uint16_t i, uint64_t gpa, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	uint8_t *d = gmem(vm, RING(q) + 16 * (uint64_t)i, 16);
	uint64_t a = htole64(gpa);
	uint32_t l = htole32(len);

	memcpy(d, &a, 8);
	memcpy(d + 8, &l, 4);
	st16(d + 12, flags);
	st16(d + 14, next);
}

/* Make chain `head` available (the ring's idx written last, as a driver does). */
static void post(struct vm *vm, unsigned int q, uint16_t head)
{
	uint8_t *avail = gmem(vm, RING(q) + 0x1000, 4 + 2 * NUM + 2);

	st16(avail + 4 + 2 * (vm->avail[q] % NUM), head);
	st16(avail + 2, ++vm->avail[q]);
}

static void kick(struct vm *vm, unsigned int q)
{
	uint64_t one = 1;

	assert_int_equal(write(vm->kick[q], &one, sizeof(one)), sizeof(one));
}

/* Whether the device said it needs no kick for q (VRING_USED_F_NO_NOTIFY). */
static bool kicks_off(struct vm *vm, unsigned int q)
{
	return ld16(gmem(vm, RING(q) + 0x2000, 2)) & 1;
}

/* RX buffers posted: kick as Linux's virtqueue_kick() does, unless told not to. */
static void kick_rx(struct vm *vm)
{
	if (kicks_off(vm, 1))
		return;
	vm->rx_kicks++;
	kick(vm, 1);
}

/* ------------------------------------------------------ the VM's driver */

static void record(struct vm *vm, const uint8_t *buf, uint32_t used_len)
{
	uint32_t nlen = ld32(buf);
	struct hwsim_msg m;
	const char *why = NULL;
	struct rec *r;

	/* used.len covers the message; the guest reads nlmsg_len of it. */
	assert_true(nlen >= HWSIM_HDRLEN && nlen <= used_len && used_len <= RX_LEN);
	if (hwsim_guest_validate_rx(buf, nlen, &why) != 0)
		fail_msg("a 6.1 guest would drop this message: %s", why);
	assert_int_equal(hwsim_decode(buf, nlen, &m, &why), 0);
	assert_true(vm->nrec < MAXREC);
	r = &vm->rec[vm->nrec++];
	memset(r, 0, sizeof(*r));
	r->cmd = m.cmd;
	r->cookie = m.cookie;
	r->flags = m.flags;
	r->freq = m.freq;
	if (m.cmd == HWSIM_CMD_FRAME) {
		memcpy(r->addr, m.receiver, 6);
		assert_true(m.frame_len >= 28);
		memcpy(r->src, m.frame + 10, 6);
		memcpy(&r->seq, m.frame + 24, 4);
	} else {
		memcpy(r->addr, m.transmitter, 6);
	}
}

/* What the driver's interrupt handlers do: take used buffers, give RX ones back. */
static void vm_service(struct vm *vm)
{
	const uint8_t *used = gmem(vm, RING(1) + 0x2000, 4 + 8 * NUM + 2);
	bool reposted = false;

	while (vm->used_seen[1] != ld16(used + 2)) {
		const uint8_t *e = used + 4 + 8 * (vm->used_seen[1] % NUM);
		uint32_t id = ld32(e), len = ld32(e + 4);
		static uint8_t buf[RX_LEN] __attribute__((aligned(8)));

		assert_true(id < RX_SLOTS && len <= RX_LEN);
		copy_from_guest(vm, RX_BUF(id), buf, len);
		record(vm, buf, len);
		vm->used_seen[1]++;
		post(vm, 1, (uint16_t)id);
		reposted = true;
	}
	if (reposted)
		kick_rx(vm);
	used = gmem(vm, RING(0) + 0x2000, 4 + 8 * NUM + 2);
	while (vm->used_seen[0] != ld16(used + 2)) {
		const uint8_t *e = used + 4 + 8 * (vm->used_seen[0] % NUM);

		/* TX buffers come back with nothing written. */
		assert_int_equal(ld32(e + 4), 0);
		vm->used_seen[0]++;
		vm->tx_done++;
	}
}

static void pause_ms(double ms);

/* One iteration of the daemon's loop_run(): before_wait, then a round. */
static void pump(struct fixture *f)
{
	if (f->loop) {
		hub_sync(&f->hub);
		loop_run_once(f->loop, 0);
	} else {
		pause_ms(1);	/* --attack: the daemon runs elsewhere */
	}
	for (unsigned int i = 0; i < 8; i++)
		if (f->vms[i] && f->vms[i]->service)
			vm_service(f->vms[i]);
}

static void pause_ms(double ms)
{
	struct timespec ts = { 0, (long)(ms * 1e6) };

	nanosleep(&ts, NULL);
}

/* Let real (and so simulated) time pass until cond, at most about 2 s. */
#define WAIT_UNTIL(f, cond)                                       \
	do {                                                      \
		for (int i_ = 0; i_ < 4000 && !(cond); i_++) {    \
			pause_ms(0.5);                            \
			pump(f);                                  \
		}                                                 \
	} while (0)

/* ------------------------------------------------------- front-end I/O */

static ssize_t vu_write(struct vm *vm, uint32_t req, uint32_t flags, const void *payload,
			uint32_t size, const int *fds, unsigned int nfds)
{
	uint8_t buf[HDR + 512];
	uint32_t hdr[3] = { req, flags, size };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 16)];
	} c;
	struct iovec iov = { buf, HDR + size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	assert_true(size <= 512 && nfds <= 16);
	memcpy(buf, hdr, HDR);
	if (size)
		memcpy(buf + HDR, payload, size);
	if (nfds) {
		struct cmsghdr *cm;

		memset(&c, 0, sizeof(c));
		mh.msg_control = c.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	return sendmsg(vm->sock, &mh, MSG_NOSIGNAL);
}

/* The reply to req: size bytes, running the daemon until it is there. */
static void get_reply(struct fixture *f, struct vm *vm, uint32_t req, void *out, uint32_t size)
{
	uint8_t buf[HDR + 64];
	uint32_t hdr[3];
	size_t have = 0;

	for (int i = 0; i < 1000 && have < HDR + size; i++) {
		ssize_t n = recv(vm->sock, buf + have, HDR + size - have, MSG_DONTWAIT);

		if (n > 0) {
			have += (size_t)n;
			continue;
		}
		if (n == 0)
			fail_msg("the back-end closed the connection instead of answering %u", req);
		assert_int_equal(errno, EAGAIN);
		pump(f);
	}
	assert_int_equal(have, HDR + size);
	memcpy(hdr, buf, HDR);
	assert_int_equal(hdr[0], req);
	assert_int_equal(hdr[1], V1 | REPLY);
	assert_int_equal(hdr[2], size);
	memcpy(out, buf + HDR, size);
}

static uint64_t reply_u64(struct fixture *f, struct vm *vm, uint32_t req)
{
	uint64_t v;

	get_reply(f, vm, req, &v, sizeof(v));
	return v;
}

static uint64_t get_u64(struct fixture *f, struct vm *vm, uint32_t req)
{
	assert_int_equal(vu_write(vm, req, V1, NULL, 0, NULL, 0), HDR);
	return reply_u64(f, vm, req);
}

/* A request as the VM's mode sends it: acked (UML), pipelined, or one at a time. */
static void request(struct fixture *f, struct vm *vm, uint32_t req, const void *payload,
		    uint32_t size, const int *fds, unsigned int nfds)
{
	assert_int_equal(vu_write(vm, req, V1 | (vm->ack ? NEED_REPLY : 0), payload, size, fds,
				  nfds),
			 HDR + size);
	if (vm->ack)
		assert_int_equal(reply_u64(f, vm, req), 0);
	else if (vm->mode != VM_PIPELINED)
		pump(f);
}

/* ------------------------------------------------------------- a VM */

static const char *attack_path;	/* --attack: connect here instead of adopting */

static int attack_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(strlen(attack_path) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, attack_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		fail_msg("connect %s: %s", attack_path, strerror(errno));
	return fd;
}

static struct vm *vm_new(struct fixture *f, enum vm_mode mode, const uint8_t *addr,
			 const char *name)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	int sv[2];

	assert_non_null(vm);
	vm->mode = mode;
	vm->addr = addr;
	vm->backend = -1;
	for (int i = 0; i < 2; i++) {
		vm->map_len[i] = RS + (i ? R1_OFF : 0);
		vm->memfd[i] = memfd_create("guest-ram", MFD_CLOEXEC);
		assert_true(vm->memfd[i] >= 0);
		assert_int_equal(ftruncate(vm->memfd[i], (off_t)vm->map_len[i]), 0);
		vm->map[i] = mmap(NULL, vm->map_len[i], PROT_READ | PROT_WRITE, MAP_SHARED,
				  vm->memfd[i], 0);
		assert_true(vm->map[i] != MAP_FAILED);
		vm->mem[i] = vm->map[i] + (i ? R1_OFF : 0);
		vm->kick[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		vm->call[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		assert_true(vm->kick[i] >= 0 && vm->call[i] >= 0);
	}
	if (attack_path) {
		(void)name;
		vm->sock = attack_connect();
	} else {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		vm->sock = sv[1];
		assert_int_equal(vu_server_adopt(f->srv, sv[0], name), 0);
	}
	for (unsigned int i = 0; i < 8; i++)
		if (!f->vms[i]) {
			f->vms[i] = vm;
			return vm;
		}
	fail_msg("too many VMs");
	return NULL;
}

static void vm_free(struct fixture *f, struct vm *vm)
{
	for (unsigned int i = 0; i < 8; i++)
		if (f->vms[i] == vm)
			f->vms[i] = NULL;
	if (vm->sock >= 0)
		close(vm->sock);
	if (vm->backend >= 0)
		close(vm->backend);
	for (int i = 0; i < 2; i++) {
		close(vm->kick[i]);
		close(vm->call[i]);
		close(vm->memfd[i]);
		munmap(vm->map[i], vm->map_len[i]);
	}
	free(vm);
}

/* Did the back-end hang up on us? Replies before the end are skipped. */
static bool vm_eof(struct vm *vm)
{
	uint8_t buf[256];
	ssize_t n;

	while ((n = recv(vm->sock, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	return n == 0 || (n < 0 && errno == ECONNRESET);
}

/* From SET_OWNER to SET_FEATURES, as each kind of front-end does it. */
static void vm_hello(struct fixture *f, struct vm *vm)
{
	uint64_t features, protocol = 0;

	if (vm->mode == VM_UML)
		request(f, vm, SET_OWNER, NULL, 0, NULL, 0);
	features = get_u64(f, vm, GET_FEATURES);
	assert_int_equal(features, F_VERSION_1 | F_PROTOCOL_FEATURES);
	if (vm->mode != VM_LEGACY) {
		protocol = get_u64(f, vm, GET_PROTOCOL_FEATURES);
		assert_int_equal(protocol, PF_MQ | PF_REPLY_ACK | PF_BACKEND_REQ);
		protocol &= vm->mode == VM_UML ? UML_PROTOCOL : PF_MQ;
		/* UML wants this very request acked: REPLY_ACK holds from here. */
		vm->ack = protocol & PF_REPLY_ACK;
		request(f, vm, SET_PROTOCOL_FEATURES, &protocol, 8, NULL, 0);
		assert_int_equal(get_u64(f, vm, GET_QUEUE_NUM), 2);
	}
	if (protocol & PF_BACKEND_REQ) {
		int sv[2];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		vm->backend = sv[0];
		request(f, vm, SET_BACKEND_REQ_FD, NULL, 0, &sv[1], 1);
		close(sv[1]);
	}
	if (vm->mode != VM_UML)
		request(f, vm, SET_OWNER, NULL, 0, NULL, 0);
	features = F_VERSION_1 | (vm->mode != VM_LEGACY ? F_PROTOCOL_FEATURES : 0);
	request(f, vm, SET_FEATURES, &features, 8, NULL, 0);
}

struct mem_table {
	uint32_t n, pad;
	uint64_t r[2][4];	/* gpa, size, front-end address, mmap offset */
};

static void vm_mem_table(struct fixture *f, struct vm *vm)
{
	struct mem_table t = { 2, 0, { { GPA0, RS, UA0, 0 }, { GPA1, RS, UA1, R1_OFF } } };

	request(f, vm, SET_MEM_TABLE, &t, sizeof(t), vm->memfd, 2);
}

struct vring_addr {
	uint32_t index, flags;
	uint64_t desc, used, avail, log;
};

/* CALL, NUM, BASE, ADDR: what UML sends per queue before any kick fd. */
static void vm_ring_setup(struct fixture *f, struct vm *vm, unsigned int q, uint32_t base)
{
	uint64_t idx = q;
	uint32_t st[2] = { q, NUM };
	struct vring_addr a = { q, 0, uaddr(RING(q)), uaddr(RING(q) + 0x2000),
				uaddr(RING(q) + 0x1000), 0 };

	request(f, vm, SET_VRING_CALL, &idx, 8, &vm->call[q], 1);
	request(f, vm, SET_VRING_NUM, st, 8, NULL, 0);
	st[1] = base;
	request(f, vm, SET_VRING_BASE, st, 8, NULL, 0);
	request(f, vm, SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
}

static void vm_ring_start(struct fixture *f, struct vm *vm, unsigned int q)
{
	uint64_t idx = q;
	uint32_t on[2] = { q, 1 };

	request(f, vm, SET_VRING_KICK, &idx, 8, &vm->kick[q], 1);
	if (vm->mode != VM_LEGACY)
		request(f, vm, SET_VRING_ENABLE, on, 8, NULL, 0);
}

static void vm_post_rx(struct vm *vm, unsigned int n)
{
	for (uint16_t i = 0; i < n; i++) {
		set_desc(vm, 1, i, RX_BUF(i), RX_LEN, DESC_WRITE, 0);
		post(vm, 1, i);
	}
	kick_rx(vm);
}

static bool tx_consumed(struct vm *vm)
{
	return ld16(gmem(vm, RING(0) + 0x2000 + 2, 2)) == vm->avail[0];
}

/* One hwsim message on queue 0; the buffer is the whole skb, tailroom and all. */
static void vm_tx(struct fixture *f, struct vm *vm, const void *msg, size_t len)
{
	unsigned int slot;
	uint8_t *p;

	WAIT_UNTIL(f, vm->tx_posted - vm->tx_done < TX_SLOTS);
	assert_true(vm->tx_posted - vm->tx_done < TX_SLOTS);
	slot = vm->tx_posted++ % TX_SLOTS;
	p = gmem(vm, TX_BUF(slot), len + 32);
	memcpy(p, msg, len);
	memset(p + len, 0xee, 32);
	set_desc(vm, 0, (uint16_t)slot, TX_BUF(slot), (uint32_t)len + 32, 0, 0);
	post(vm, 0, (uint16_t)slot);
	/* As Linux's virtqueue_kick() does: a barrier, then the device's flag. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (kicks_off(vm, 0))
		return;
	vm->tx_kicks++;
	kick(vm, 0);
}

static void vm_announce(struct fixture *f, struct vm *vm)
{
	uint8_t buf[128] __attribute__((aligned(4)));
	ssize_t n = hwsim_encode_mac_addr(buf, sizeof(buf), 0x1d, 1, true, radio_id, vm->addr);

	assert_true(n > 0);
	vm_tx(f, vm, buf, (size_t)n);
	WAIT_UNTIL(f, tx_consumed(vm));
	assert_true(tx_consumed(vm));
}

/* Handshake, memory, both rings, RX buffers, the radio's address: a guest up. */
static void vm_start(struct fixture *f, struct vm *vm)
{
	vm_hello(f, vm);
	vm_mem_table(f, vm);
	vm_ring_setup(f, vm, 0, 0);
	vm_ring_setup(f, vm, 1, 0);
	vm_ring_start(f, vm, 0);
	vm_ring_start(f, vm, 1);
	/* A pipelined front-end sent all that back to back: a GET shows it all went in. */
	assert_int_equal(get_u64(f, vm, GET_QUEUE_NUM), 2);
	vm_post_rx(vm, RX_SLOTS);
	vm->service = true;
	vm_announce(f, vm);
}

/* A data frame whose body carries seq. */
static void vm_send_frame(struct fixture *f, struct vm *vm, const uint8_t *to, uint32_t seq,
			  uint64_t cookie, int8_t rate)
{
	uint8_t frame[100] = { 0x08, 0x00 };
	uint8_t buf[512] __attribute__((aligned(4)));
	struct hwsim_rate rates[HWSIM_TX_MAX_RATES] = {
		{ rate, 3, 0 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 },
	};
	ssize_t n;

	memcpy(frame + 4, to, 6);
	memcpy(frame + 10, vm->addr, 6);
	memcpy(frame + 16, vm->addr, 6);
	memcpy(frame + 24, &seq, 4);
	n = hwsim_encode_frame_tx(buf, sizeof(buf), 0x1d, seq, radio_id, frame, sizeof(frame),
				  HWSIM_TX_CTL_REQ_TX_STATUS, rates, cookie, 2412);
	assert_true(n > 0);
	vm_tx(f, vm, buf, (size_t)n);
}

static const struct rec *find_status(const struct vm *vm, uint64_t cookie)
{
	for (unsigned int i = 0; i < vm->nrec; i++)
		if (vm->rec[i].cmd == HWSIM_CMD_TX_INFO_FRAME && vm->rec[i].cookie == cookie)
			return &vm->rec[i];
	return NULL;
}

static const struct rec *find_frame(const struct vm *vm, uint32_t seq)
{
	for (unsigned int i = 0; i < vm->nrec; i++)
		if (vm->rec[i].cmd == HWSIM_CMD_FRAME && vm->rec[i].seq == seq)
			return &vm->rec[i];
	return NULL;
}

static unsigned int count_statuses(const struct vm *vm)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vm->nrec; i++)
		n += vm->rec[i].cmd == HWSIM_CMD_TX_INFO_FRAME;
	return n;
}

/*
 * from sends to to: to gets the frame, from an acked status, both an RX
 * interrupt (TX interrupts come a quarter ring at a time: test_signals).
 */
static void exchange(struct fixture *f, struct vm *from, struct vm *to)
{
	uint64_t cookie = ++f->cookie;
	uint32_t seq = ++f->seq;
	const struct rec *st, *fr;

	eventfd_take(from->call[1]);
	eventfd_take(to->call[1]);
	vm_send_frame(f, from, to->addr, seq, cookie, 0);
	WAIT_UNTIL(f, find_status(from, cookie) && find_frame(to, seq));
	st = find_status(from, cookie);
	fr = find_frame(to, seq);
	assert_non_null(st);
	assert_non_null(fr);
	assert_true(st->flags & HWSIM_TX_STAT_ACK);
	assert_memory_equal(st->addr, radio_id, 6);
	assert_memory_equal(fr->addr, radio_id, 6);
	assert_memory_equal(fr->src, from->addr, 6);
	assert_int_equal(fr->freq, 2412);
	assert_true(eventfd_take(from->call[1]) > 0);
	assert_true(eventfd_take(to->call[1]) > 0);
}

/* ------------------------------------------------------------ fixture */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->bad = *state;
	f->fds_at_start = count_fds();
	log_set_level(getenv("TEST_LOG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	f->loop = hub_env_init(&f->hub);
	assert_int_equal(vu_server_open(&f->hub, NULL, &f->srv), 0);
	f->a = vm_new(f, VM_UML, addr_a, "uml-a");
	vm_start(f, f->a);
	f->b = vm_new(f, VM_PIPELINED, addr_b, "qemu-b");
	vm_start(f, f->b);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int fds;

	for (unsigned int i = 0; i < 8; i++)
		if (f->vms[i])
			vm_free(f, f->vms[i]);
	/* The VMs hung up: the daemon lets go of everything they gave it. */
	for (int i = 0; i < 100 && count_fds() != f->fds_at_start + 1; i++)
		pump(f);
	fds = count_fds();
	vu_server_close(f->srv);
	hub_deinit(&f->hub);
	loop_free(f->loop);
	assert_int_equal(fds, f->fds_at_start + 1);	/* the loop's epoll fd */
	assert_int_equal(count_fds(), f->fds_at_start);
	free(f);
	return 0;
}

/* ------------------------------------------------------- honest VMs */

static void test_honest_vms(void **state)
{
	struct fixture *f = *state;
	struct vu_counters c;
	uint32_t st[2] = { 0, 0 };
	uint64_t cookie;
	uint32_t seq;

	/* Deliveries cross VMs both ways; each radio answers to its own identity. */
	exchange(f, f->a, f->b);
	exchange(f, f->b, f->a);

	/* GET_VRING_BASE stops the ring and says where it stood. */
	assert_int_equal(vu_write(f->a, GET_VRING_BASE, V1, st, 8, NULL, 0), HDR + 8);
	get_reply(f, f->a, GET_VRING_BASE, st, 8);
	assert_int_equal(st[0], 0);
	assert_int_equal(st[1], f->a->avail[0]);

	/* Stopped: a frame posted now waits... */
	cookie = ++f->cookie;
	seq = ++f->seq;
	vm_send_frame(f, f->a, addr_b, seq, cookie, 0);
	for (int i = 0; i < 20; i++) {
		pause_ms(0.5);
		pump(f);
	}
	assert_null(find_status(f->a, cookie));
	assert_false(tx_consumed(f->a));

	/* ...until the front-end starts the ring again where it stopped (QEMU's resume). */
	vm_ring_setup(f, f->a, 0, st[1]);
	vm_ring_start(f, f->a, 0);
	WAIT_UNTIL(f, find_status(f->a, cookie) && find_frame(f->b, seq));
	assert_non_null(find_status(f->a, cookie));
	assert_non_null(find_frame(f->b, seq));
	exchange(f, f->a, f->b);

	vu_server_get_counters(f->srv, &c);
	assert_int_equal(c.connections, 2);
	assert_int_equal(c.broken, 0);
	assert_int_equal(c.rx_dropped, 0);
}

/* -------------------------------------------------- RX without buffers */

static void test_rx_backlog(void **state)
{
	struct fixture *f = *state;
	struct vm *c = vm_new(f, VM_LEGACY, addr_c, "legacy-c");
	const unsigned int n = PENDING_MAX + 88;
	struct vu_counters before, after;
	uint32_t first;

	/* A guest whose rings run (legacy: from SET_VRING_KICK) but posts no RX buffer. */
	vm_hello(f, c);
	vm_mem_table(f, c);
	vm_ring_setup(f, c, 0, 0);
	vm_ring_setup(f, c, 1, 0);
	vm_ring_start(f, c, 0);
	vm_ring_start(f, c, 1);
	vm_announce(f, c);
	vu_server_get_counters(f->srv, &before);

	/* n broadcasts from A, paced by its statuses so the medium drops none. */
	first = f->seq + 1;
	for (unsigned int i = 0; i < n; i++) {
		WAIT_UNTIL(f, i - count_statuses(f->a) < 48);
		vm_send_frame(f, f->a, bcast, ++f->seq, ++f->cookie, 4);
	}
	WAIT_UNTIL(f, find_status(f->a, f->cookie));
	assert_non_null(find_status(f->a, f->cookie));
	assert_int_equal(c->nrec, 0);
	vu_server_get_counters(f->srv, &after);
	assert_int_equal(after.rx_dropped - before.rx_dropped, n - PENDING_MAX);

	/* Buffers and a kick of queue 1: what was held arrives, in order. */
	vm_post_rx(c, RX_SLOTS);
	c->service = true;
	WAIT_UNTIL(f, c->nrec >= PENDING_MAX);
	for (int i = 0; i < 20; i++)
		pump(f);
	assert_int_equal(c->nrec, PENDING_MAX);
	for (unsigned int i = 0; i < c->nrec; i++) {
		assert_int_equal(c->rec[i].cmd, HWSIM_CMD_FRAME);
		assert_int_equal(c->rec[i].seq, first + i);
		assert_memory_equal(c->rec[i].src, addr_a, 6);
	}
	/* From now on nothing waits. */
	exchange(f, f->a, c);
	vu_server_get_counters(f->srv, &after);
	assert_int_equal(after.rx_dropped - before.rx_dropped, n - PENDING_MAX);
	assert_int_equal(after.broken, before.broken);
}

/* ------------------------------------------- kicks and interrupts */

static unsigned int count_frames(const struct vm *vm)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vm->nrec; i++)
		n += vm->rec[i].cmd == HWSIM_CMD_FRAME;
	return n;
}

/* from sends n frames to `to`, one at a time, each waited for by its status. */
static void send_n(struct fixture *f, struct vm *from, struct vm *to, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t cookie = ++f->cookie;

		vm_send_frame(f, from, to->addr, ++f->seq, cookie, 0);
		WAIT_UNTIL(f, find_status(from, cookie));
		assert_non_null(find_status(from, cookie));
	}
}

/*
 * Each side wakes the other only when it must: the guest kicks its RX
 * queue only while a message waits for a buffer, and hears of its TX
 * chains once a quarter ring is back, not per frame.
 */
static void test_signals(void **state)
{
	struct fixture *f = *state;
	unsigned int kicks, frames;
	uint64_t tx_irqs;

	/* B took a delivery and posted its buffer back: no kick wanted for that. */
	exchange(f, f->a, f->b);
	assert_true(kicks_off(f->b, 1));
	kicks = f->b->rx_kicks;
	send_n(f, f->a, f->b, 20);
	WAIT_UNTIL(f, count_frames(f->b) == 21);
	assert_int_equal(count_frames(f->b), 21);
	assert_int_equal(f->b->rx_kicks, kicks);

	/* B stops taking deliveries: once its 64 buffers are full, one waits, and kicks are wanted. */
	f->b->service = false;
	frames = count_frames(f->b);
	send_n(f, f->a, f->b, RX_SLOTS + 8);
	assert_int_equal(count_frames(f->b), frames);
	assert_false(kicks_off(f->b, 1));
	/* It catches up: the kick after its first reposting brings the 8 held back. */
	f->b->service = true;
	WAIT_UNTIL(f, count_frames(f->b) == frames + RX_SLOTS + 8);
	assert_int_equal(count_frames(f->b), frames + RX_SLOTS + 8);
	assert_int_equal(f->b->rx_kicks, kicks + 1);
	assert_true(kicks_off(f->b, 1));

	/* TX: NUM frames from A, every chain back, one interrupt per NUM / 4. */
	eventfd_take(f->a->call[0]);
	send_n(f, f->a, f->b, NUM);
	WAIT_UNTIL(f, f->a->tx_done == f->a->tx_posted);
	assert_int_equal(f->a->tx_done, f->a->tx_posted);
	for (int i = 0; i < 5; i++)
		pump(f);
	tx_irqs = eventfd_take(f->a->call[0]);
	assert_int_equal(tx_irqs, 4);	/* fewer than NUM / 4 were owed before */
}

/*
 * While A's frame is on the medium, A need not kick for its next: the
 * device looks at the ring each round. With nothing in flight, it wants
 * kicks again.
 */
static void test_tx_poll(void **state)
{
	struct fixture *f = *state;
	uint64_t c1 = ++f->cookie, c2 = ++f->cookie;
	uint32_t s1 = ++f->seq, s2 = ++f->seq;
	unsigned int kicks = f->a->tx_kicks, frames = count_frames(f->b);

	assert_false(kicks_off(f->a, 0));
	/* 6 Mb/s: the exchange takes a few hundred microseconds of the medium's time. */
	vm_send_frame(f, f->a, f->b->addr, s1, c1, 4);
	assert_int_equal(f->a->tx_kicks, kicks + 1);
	/* As the daemon's loop does: the kick's round, then its end (hub_sync). */
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	hub_sync(&f->hub);
	assert_null(find_status(f->a, c1));
	assert_true(kicks_off(f->a, 0));

	vm_send_frame(f, f->a, f->b->addr, s2, c2, 4);
	assert_int_equal(f->a->tx_kicks, kicks + 1);
	WAIT_UNTIL(f, find_status(f->a, c2) && count_frames(f->b) == frames + 2);
	assert_non_null(find_status(f->a, c1));
	assert_non_null(find_status(f->a, c2));
	assert_true(find_status(f->a, c2)->flags & HWSIM_TX_STAT_ACK);
	assert_int_equal(count_frames(f->b), frames + 2);
	assert_true(find_frame(f->b, s1) < find_frame(f->b, s2));

	/* Nothing in flight: kicks again. */
	WAIT_UNTIL(f, !kicks_off(f->a, 0));
	assert_false(kicks_off(f->a, 0));
	exchange(f, f->a, f->b);
	assert_int_equal(f->a->tx_kicks, kicks + 2);
}

/* ---------------------------------------------------- malicious VMs */

struct bad_case {
	const char *name;
	void (*act)(struct fixture *f, struct vm *m);
	int broken;		/* how much the broken counter must grow; -1: not checked */
	bool stays;		/* harmless to everyone else: the connection may go on */
	bool hangs_up;		/* the VM closes its own end */
};

static void act_desc_outside_memory(struct fixture *f, struct vm *m)
{
	vm_start(f, m);
	m->service = false;
	set_desc(m, 0, 0, 0x1000, 64, 0, 0);	/* below every region */
	post(m, 0, 0);
	kick(m, 0);
}

/* Empty pieces: only counting the walk, not the pieces, can stop it. */
static void act_chain_loops(struct fixture *f, struct vm *m)
{
	vm_start(f, m);
	m->service = false;
	set_desc(m, 0, 0, TX_BUF(0), 0, DESC_NEXT, 1);
	set_desc(m, 0, 1, TX_BUF(1), 0, DESC_NEXT, 0);
	post(m, 0, 0);
	kick(m, 0);
}

static void act_avail_far_ahead(struct fixture *f, struct vm *m)
{
	vm_start(f, m);
	m->service = false;
	st16(gmem(m, RING(0) + 0x1000 + 2, 2), (uint16_t)(m->avail[0] + 1000));
	kick(m, 0);
}

/* No kick: the medium's next delivery to this guest finds the RX ring broken. */
static void act_rx_avail_far_ahead(struct fixture *f, struct vm *m)
{
	vm_start(f, m);
	m->service = false;
	st16(gmem(m, RING(1) + 0x1000 + 2, 2), (uint16_t)(m->avail[1] + 1000));
}

static void act_ring_outside_memory(struct fixture *f, struct vm *m)
{
	uint32_t st[2] = { 0, NUM };
	struct vring_addr a = { 0, 0, UA0 + 2 * RS, uaddr(RING(0) + 0x2000),
				uaddr(RING(0) + 0x1000), 0 };

	vm_hello(f, m);
	vm_mem_table(f, m);
	request(f, m, SET_VRING_NUM, st, 8, NULL, 0);
	vu_write(m, SET_VRING_ADDR, V1 | NEED_REPLY, &a, sizeof(a), NULL, 0);
}

static void act_mem_table_regions_without_fds(struct fixture *f, struct vm *m)
{
	struct mem_table t = { 2, 0, { { GPA0, RS, UA0, 0 }, { GPA1, RS, UA1, R1_OFF } } };

	vm_hello(f, m);
	vu_write(m, SET_MEM_TABLE, V1 | NEED_REPLY, &t, sizeof(t), m->memfd, 1);
}

static void act_mem_table_size_overflow(struct fixture *f, struct vm *m)
{
	struct mem_table t = { 1, 0, { { 0xfffffffffffff000ull, 0x2000, UA0, 0 } } };

	vm_hello(f, m);
	vu_write(m, SET_MEM_TABLE, V1 | NEED_REPLY, &t, 8 + 32, m->memfd, 1);
}

/*
 * A region larger than the file behind it: touching its tail would raise
 * SIGBUS in the daemon. The VM goes on as if it had been accepted and puts
 * a TX buffer there.
 */
static void act_mem_table_beyond_file(struct fixture *f, struct vm *m)
{
	struct mem_table t = { 1, 0, { { GPA0, 64 * RS, UA0, 0 } } };
	uint64_t idx = 0;
	uint32_t st[2] = { 0, NUM };
	struct vring_addr a = { 0, 0, uaddr(RING(0)), uaddr(RING(0) + 0x2000),
				uaddr(RING(0) + 0x1000), 0 };

	vm_hello(f, m);
	vu_write(m, SET_MEM_TABLE, V1, &t, 8 + 32, m->memfd, 1);
	vu_write(m, SET_VRING_CALL, V1, &idx, 8, &m->call[0], 1);
	vu_write(m, SET_VRING_NUM, V1, st, 8, NULL, 0);
	vu_write(m, SET_VRING_ADDR, V1, &a, sizeof(a), NULL, 0);
	vu_write(m, SET_VRING_KICK, V1, &idx, 8, &m->kick[0], 1);
	st[1] = 1;
	vu_write(m, SET_VRING_ENABLE, V1, st, 8, NULL, 0);
	set_desc(m, 0, 0, GPA0 + 32 * RS, 64, 0, 0);
	post(m, 0, 0);
	kick(m, 0);
}

/*
 * The VMM shrinks the file behind guest memory the daemon has mapped (a
 * memfd truncated to 0): the daemon's next touch of the rings raises
 * SIGBUS, which used to kill it. Now only this VM is dropped.
 */
static void act_memory_truncated(struct fixture *f, struct vm *m)
{
	/* cmocka puts a SIGBUS handler of its own in place for every test: ours again. */
	guestmem_init();
	vm_start(f, m);
	m->service = false;	/* our own mapping of it faults now too */
	for (int i = 0; i < 2; i++)
		assert_int_equal(ftruncate(m->memfd[i], 0), 0);
	kick(m, 0);
}

static void act_oversized_header(struct fixture *f, struct vm *m)
{
	uint32_t hdr[3] = { SET_MEM_TABLE, V1, 4097 };
	uint8_t msg[HDR + 256] = { 0 };

	vm_hello(f, m);
	/*
	 * More than any request takes: refused on the header, not after waiting
	 * for 4097 bytes. One send: a daemon in another process (--attack) may
	 * hang up between two, and the second would fail with EPIPE.
	 */
	memcpy(msg, hdr, HDR);
	assert_int_equal(send(m->sock, msg, sizeof(msg), MSG_NOSIGNAL), sizeof(msg));
}

static void act_garbage(struct fixture *f, struct vm *m)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: wifimedium\r\n\r\n";

	(void)f;
	assert_int_equal(send(m->sock, http, sizeof(http) - 1, MSG_NOSIGNAL), sizeof(http) - 1);
}

static void act_too_many_fds(struct fixture *f, struct vm *m)
{
	int fds[9];
	uint64_t idx = 0;

	vm_hello(f, m);
	for (int i = 0; i < 9; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	vu_write(m, SET_VRING_CALL, V1 | NEED_REPLY, &idx, 8, fds, 9);
	for (int i = 0; i < 9; i++)
		close(fds[i]);
}

static void act_fd_with_get(struct fixture *f, struct vm *m)
{
	(void)f;
	vu_write(m, GET_FEATURES, V1, NULL, 0, &m->call[0], 1);
}

static void act_get_vring_base_queue_7(struct fixture *f, struct vm *m)
{
	uint32_t st[2] = { 7, 0 };

	vm_hello(f, m);
	vu_write(m, GET_VRING_BASE, V1, st, 8, NULL, 0);
}

static void act_version_bits(struct fixture *f, struct vm *m)
{
	(void)f;
	vu_write(m, GET_FEATURES, 0x2, NULL, 0, NULL, 0);
}

/*
 * SET_VRING_NUM after SET_VRING_ADDR: a one-entry descriptor table at the
 * very end of region 1 becomes 32768 entries without new addresses, and
 * the guest names entry 30000. The ring must wait for addresses that fit.
 */
static void act_vring_num_grows(struct fixture *f, struct vm *m)
{
	uint64_t idx = 0;
	uint32_t st[2] = { 0, 1 };
	struct vring_addr a = { 0, 0, UA1 + RS - 16, uaddr(RING(0) + 0x2000),
				uaddr(RING(0) + 0x1000), 0 };
	uint8_t *avail = gmem(m, RING(0) + 0x1000, 6);

	vm_hello(f, m);
	vm_mem_table(f, m);
	request(f, m, SET_VRING_CALL, &idx, 8, &m->call[0], 1);
	request(f, m, SET_VRING_NUM, st, 8, NULL, 0);
	st[1] = 0;
	request(f, m, SET_VRING_BASE, st, 8, NULL, 0);
	request(f, m, SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
	vm_ring_start(f, m, 0);
	st[1] = 32768;
	request(f, m, SET_VRING_NUM, st, 8, NULL, 0);
	st16(avail + 4, 30000);
	st16(avail + 2, 1);
	kick(m, 0);
	for (int i = 0; i < 20; i++)
		pump(f);
	assert_int_equal(ld16(gmem(m, RING(0) + 0x2000 + 2, 2)), 0);
}

/* A kick "eventfd" that never runs dry. */
static void act_kick_never_drains(struct fixture *f, struct vm *m)
{
	int fd = open("/dev/random", O_RDONLY | O_CLOEXEC);
	uint64_t idx = 0;
	uint32_t on[2] = { 0, 1 };

	assert_true(fd >= 0);
	vm_hello(f, m);
	vm_mem_table(f, m);
	vm_ring_setup(f, m, 0, 0);
	request(f, m, SET_VRING_KICK, &idx, 8, &fd, 1);
	request(f, m, SET_VRING_ENABLE, on, 8, NULL, 0);
	close(fd);
}

/*
 * The VM hangs up with a reply unread (the daemon's recvmsg fails with
 * ECONNRESET) in the round where B hands over a new call fd: nothing B
 * gave the daemon may be closed with M's connection.
 */
static void act_reset_with_reply_unread(struct fixture *f, struct vm *m)
{
	int call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t q = 1;

	assert_int_equal(vu_write(m, GET_FEATURES, V1, NULL, 0, NULL, 0), HDR);
	pump(f);
	/* A quiet round, so that in the next B's event comes before M's. */
	loop_run_once(f->loop, 0);
	assert_int_equal(vu_write(f->b, SET_VRING_CALL, V1, &q, 8, &call, 1), HDR + 8);
	close(m->sock);
	m->sock = -1;
	loop_run_once(f->loop, 0);
	close(f->b->call[1]);
	f->b->call[1] = call;
}

static const struct bad_case bad_cases[] = {
	{ "descriptor address outside the memory table", act_desc_outside_memory, 1, false, false },
	{ "descriptor chain that loops", act_chain_loops, 1, false, false },
	{ "avail idx running far ahead (TX)", act_avail_far_ahead, 1, false, false },
	{ "avail idx running far ahead (RX, found by a delivery)", act_rx_avail_far_ahead, 1, false, false },
	{ "ring addresses outside memory", act_ring_outside_memory, 1, false, false },
	{ "SET_MEM_TABLE with more regions than fds", act_mem_table_regions_without_fds, 1, false, false },
	{ "SET_MEM_TABLE with a region wrapping around", act_mem_table_size_overflow, 1, false, false },
	{ "SET_MEM_TABLE with a region beyond its file", act_mem_table_beyond_file, 1, false, false },
	{ "header with size > 4096", act_oversized_header, 1, false, false },
	{ "garbage bytes", act_garbage, 1, false, false },
	{ "too many fds in one message", act_too_many_fds, 1, false, false },
	{ "an fd with a request that takes none", act_fd_with_get, 1, false, false },
	{ "GET_VRING_BASE on queue 7", act_get_vring_base_queue_7, 1, false, false },
	{ "version bits wrong", act_version_bits, 1, false, false },
	{ "SET_VRING_NUM growing a mapped ring", act_vring_num_grows, 0, true, false },
	{ "kick fd that never drains", act_kick_never_drains, 0, true, false },
	{ "reset with a reply unread", act_reset_with_reply_unread, -1, false, true },
	{ "guest memory truncated under the daemon (SIGBUS)", act_memory_truncated, 1, false, false },
};

static void test_malicious(void **state)
{
	struct fixture *f = *state;
	const struct bad_case *bc = f->bad;
	struct vm *m = vm_new(f, VM_UML, addr_m, "mallory");
	struct vu_counters before, after;
	uint64_t cookie = ++f->cookie;
	uint32_t seq = ++f->seq;

	vu_server_get_counters(f->srv, &before);
	bc->act(f, m);
	/* The honest pair goes on talking while it acts up. */
	vm_send_frame(f, f->a, addr_b, seq, cookie, 0);
	if (bc->stays) {
		for (int i = 0; i < 20; i++) {
			pause_ms(0.5);
			pump(f);
		}
		assert_false(vm_eof(m));
	} else if (!bc->hangs_up) {
		WAIT_UNTIL(f, vm_eof(m));
		assert_true(vm_eof(m));
	}
	WAIT_UNTIL(f, find_status(f->a, cookie) && find_frame(f->b, seq));
	assert_non_null(find_status(f->a, cookie));
	assert_non_null(find_frame(f->b, seq));
	exchange(f, f->a, f->b);
	exchange(f, f->b, f->a);

	vu_server_get_counters(f->srv, &after);
	assert_int_equal(after.connections, before.connections);
	if (bc->broken >= 0)
		assert_int_equal(after.broken, before.broken + (uint64_t)bc->broken);
	assert_int_equal(after.rx_dropped, before.rx_dropped);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In a child: one malicious VM against path; exits 0 if the daemon hung up within 5 s. */
static void attack_one(const struct bad_case *bc)
{
	struct fixture f = { .bad = bc };
	struct vm *m;
	double end;

	alarm(30);	/* an act that waits on a reply never hangs the run */
	m = vm_new(&f, VM_UML, addr_m, "mallory");
	bc->act(&f, m);
	end = now_s() + 5;
	while (!vm_eof(m) && now_s() < end)
		pump(&f);
	_exit(vm_eof(m) ? 0 : 1);
}

/*
 * Every case after which the daemon must drop the connection, each over a
 * connection of its own to a running wifimedium. Exits 0 only if all were.
 */
static int attack(const char *path)
{
	int failed = 0;

	attack_path = path;
	for (size_t i = 0; i < (sizeof(bad_cases) / sizeof(bad_cases[0])); i++) {
		const struct bad_case *bc = &bad_cases[i];
		pid_t pid;
		int st = 0;

		if (bc->stays || bc->hangs_up)
			continue;
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			attack_one(bc);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			printf("attack %s: closed\n", bc->name);
		} else {
			printf("attack %s: NOT CLOSED%s\n", bc->name,
			       WIFEXITED(st) && WEXITSTATUS(st) == 1 ? "" :
			       " (the attack itself failed)");
			failed++;
		}
	}
	fflush(stdout);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct CMUnitTest tests[4 + (sizeof(bad_cases) / sizeof(bad_cases[0]))] = {
		cmocka_unit_test_setup_teardown(test_honest_vms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_poll, setup, teardown),
	};
	size_t n = 4;

	if (argc == 3 && strcmp(argv[1], "--attack") == 0)
		return attack(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: %s [--attack SOCKET]\n", argv[0]);
		return 2;
	}
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));

	for (size_t i = 0; i < (sizeof(bad_cases) / sizeof(bad_cases[0])); i++)
		tests[n++] = (struct CMUnitTest){ bad_cases[i].name, test_malicious, setup, teardown,
						  (void *)&bad_cases[i] };
	return _cmocka_run_group_tests("vhost-user", tests, n, NULL, NULL);
}
