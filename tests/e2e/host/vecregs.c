/*
 * Do a kernel's context switches keep each process's vector registers?
 *
 * Workers (processes, each with threads) load every vector register the
 * CPU has (zmm0-31 and k1-7 with AVX-512, ymm0-15 with AVX, xmm0-15
 * otherwise) with a pattern of their own, give up the CPU (sched_yield,
 * then a spin long enough to be preempted now and then), read the
 * registers back and compare, many times over. With -a, signals whose
 * handler loads other values into every register land in the middle:
 * every fourth round sends one to itself while the registers hold, and a
 * timer sends more at random points (signal delivery and sigreturn must
 * restore them too).
 *
 * Written for UML guests, whose kernel keeps each guest process's register
 * file in a buffer it moves with ptrace (patches/uml-6.1/0001, 0002), but valid
 * on any Linux. Exit 0 and one summary line when every comparison held; 1
 * and the first difference otherwise; 2 on a usage or system error.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#if !defined(__x86_64__)
int main(void)
{
	fputs("vecregs: x86-64 only\n", stderr);
	return 2;
}
#else
#include <cpuid.h>

/* One register image: 32 vector registers of 64 bytes, then k1..k7. */
#define VR_REGS 32
#define VR_WIDTH 64
#define VR_KOFF (VR_REGS * VR_WIDTH)
#define VR_SIZE (VR_KOFF + 8 * 2)

struct vr_image {
	_Alignas(64) uint8_t b[VR_SIZE];
};

/* A system call: its number and three arguments. */
struct vr_sys {
	long nr, a0, a1, a2;
};

/*
 * vr_hold_*(in, out, spin, sys): load every register from in, make the
 * system call sys (sched_yield gives the CPU away; a signal sent to
 * oneself is delivered on its return, while the registers hold), spin
 * `spin` times, store every register to out. Written as whole functions
 * so no compiler-generated code runs while the registers hold the
 * pattern; every vector register is caller-saved in the SysV ABI.
 */
void vr_hold_zmm(const struct vr_image *in, struct vr_image *out, long spin,
		 const struct vr_sys *sys);
void vr_hold_ymm(const struct vr_image *in, struct vr_image *out, long spin,
		 const struct vr_sys *sys);
void vr_hold_xmm(const struct vr_image *in, struct vr_image *out, long spin,
		 const struct vr_sys *sys);

#define VR_ENTER                                                           \
	"push %rbx\npush %r12\npush %r13\n"                                 \
	"mov %rsi, %r12\nmov %rdx, %r13\nmov %rcx, %rbx\n"
#define VR_SYSCALL_SPIN                                                    \
	"mov 0(%rbx), %rax\nmov 8(%rbx), %rdi\n"                            \
	"mov 16(%rbx), %rsi\nmov 24(%rbx), %rdx\n"                          \
	"syscall\n"                                                        \
	"mov %r13, %rdx\n"                                                 \
	"1: dec %rdx\n"                                                    \
	"jns 1b\n"
#define VR_LEAVE "pop %r13\npop %r12\npop %rbx\n"

/*
 * Register i of the list from (or to) slot i of the image: the assembler's
 * own loop writes one instruction per register. In is %rdi, out is %r12.
 */
#define VR_REGS_0_15 "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"
#define VR_REGS_16_31 "16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"
#define VR_LOAD(op, r, list) ".irp i," list "\n" op " \\i*64(%rdi), %" r "\\i\n.endr\n"
#define VR_STORE(op, r, list) ".irp i," list "\n" op " %" r "\\i, \\i*64(%r12)\n.endr\n"
#define VR_KLOAD ".irp i,1,2,3,4,5,6,7\nkmovw 2048+2*\\i(%rdi), %k\\i\n.endr\n"
#define VR_KSTORE ".irp i,1,2,3,4,5,6,7\nkmovw %k\\i, 2048+2*\\i(%r12)\n.endr\n"

#define VR_FUNC(name, body)                                                \
	__asm__(".text\n.globl " name "\n.type " name ", @function\n"      \
		name ":\n" body "ret\n.size " name ", .-" name "\n")

VR_FUNC("vr_hold_zmm",
	VR_ENTER
	VR_LOAD("vmovdqu64", "zmm", VR_REGS_0_15) VR_LOAD("vmovdqu64", "zmm", VR_REGS_16_31)
	VR_KLOAD
	VR_SYSCALL_SPIN
	VR_STORE("vmovdqu64", "zmm", VR_REGS_0_15) VR_STORE("vmovdqu64", "zmm", VR_REGS_16_31)
	VR_KSTORE
	"vzeroupper\n" VR_LEAVE);
VR_FUNC("vr_hold_ymm",
	VR_ENTER
	VR_LOAD("vmovdqu", "ymm", VR_REGS_0_15)
	VR_SYSCALL_SPIN
	VR_STORE("vmovdqu", "ymm", VR_REGS_0_15)
	"vzeroupper\n" VR_LEAVE);
VR_FUNC("vr_hold_xmm",
	VR_ENTER
	VR_LOAD("movdqu", "xmm", VR_REGS_0_15)
	VR_SYSCALL_SPIN
	VR_STORE("movdqu", "xmm", VR_REGS_0_15)
	VR_LEAVE);

enum vr_isa { VR_ISA_SSE, VR_ISA_AVX, VR_ISA_AVX512 };

struct vr_kind {
	const char *name;
	void (*hold)(const struct vr_image *, struct vr_image *, long, const struct vr_sys *);
	int regs, width, kregs;
};

static const struct vr_kind vr_kinds[] = {
	[VR_ISA_SSE] = { "sse (xmm0-15)", vr_hold_xmm, 16, 16, 0 },
	[VR_ISA_AVX] = { "avx (ymm0-15)", vr_hold_ymm, 16, 32, 0 },
	[VR_ISA_AVX512] = { "avx-512 (zmm0-31, k1-7)", vr_hold_zmm, 32, 64, 7 },
};

static enum vr_isa vr_detect(void)
{
	unsigned int a, b, c, d;
	uint32_t xcr0_lo, xcr0_hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX))
		return VR_ISA_SSE;
	__asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
	if ((xcr0_lo & 0x6) != 0x6)
		return VR_ISA_SSE;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & bit_AVX512F) ||
	    (xcr0_lo & 0xe0) != 0xe0)
		return VR_ISA_AVX;
	return VR_ISA_AVX512;
}

static const struct vr_kind *kind;
static long rounds = 20000, spin = 2000;
static int procs = 4, threads = 2;
static bool with_signals;

/* splitmix64: a different, reproducible value for every byte position. */
static uint64_t vr_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void vr_fill(struct vr_image *im, uint64_t seed)
{
	for (size_t i = 0; i < VR_SIZE; i += 8) {
		uint64_t v = vr_mix(seed * 1000003u + i);
		memcpy(im->b + i, &v, VR_SIZE - i < 8 ? VR_SIZE - i : 8);
	}
}

/* Compares what the registers of this kind hold; returns the first bad register or -1. */
static int vr_compare(const struct vr_image *want, const struct vr_image *got, int *byte)
{
	for (int r = 0; r < kind->regs; r++)
		for (int i = 0; i < kind->width; i++)
			if (want->b[r * VR_WIDTH + i] != got->b[r * VR_WIDTH + i]) {
				*byte = i;
				return r;
			}
	for (int k = 1; k <= kind->kregs; k++)
		if (memcmp(want->b + VR_KOFF + 2 * k, got->b + VR_KOFF + 2 * k, 2)) {
			*byte = 0;
			return 100 + k;
		}
	return -1;
}

/*
 * What the workers did, summed over processes (shared memory): a test
 * that switched no context or caught no signal mid-hold proved nothing.
 */
struct vr_counts {
	_Atomic long switches, signals, mid_hold;
};
static struct vr_counts *counts;
static _Thread_local volatile sig_atomic_t holding;

static void on_alarm(int sig)
{
	/* Puts other values in every register, as any handler may. */
	struct vr_image a, b;
	int saved = errno;

	(void)sig;
	counts->signals++;
	if (holding)
		counts->mid_hold++;
	vr_fill(&a, 0xdeadbeef);
	kind->hold(&a, &b, 0, &(struct vr_sys){ .nr = SYS_sched_yield });
	errno = saved;
}

struct vr_worker {
	int proc, thread;
	int failed;
};

static void *vr_work(void *arg)
{
	struct vr_worker *w = arg;
	struct vr_image want, got;

	for (long r = 0; r < rounds; r++) {
		int byte;
		int bad;

		vr_fill(&want, ((uint64_t)w->proc << 40) ^ ((uint64_t)w->thread << 32) ^ (uint64_t)r);
		/* Every fourth round a signal lands while the registers hold. */
		struct vr_sys sys = { .nr = SYS_sched_yield };
		if (with_signals && r % 4 == 0)
			sys = (struct vr_sys){ SYS_tgkill, getpid(), gettid(), SIGALRM };

		memset(&got, 0, sizeof(got));
		holding = 1;
		kind->hold(&want, &got, spin, &sys);
		holding = 0;
		bad = vr_compare(&want, &got, &byte);
		if (bad >= 0) {
			if (bad >= 100)
				fprintf(stderr, "vecregs: process %d thread %d round %ld: k%d changed\n",
					w->proc, w->thread, r, bad - 100);
			else
				fprintf(stderr,
					"vecregs: process %d thread %d round %ld: register %d byte %d "
					"is %02x, was %02x\n",
					w->proc, w->thread, r, bad, byte,
					got.b[bad * VR_WIDTH + byte], want.b[bad * VR_WIDTH + byte]);
			w->failed = 1;
			return NULL;
		}
	}
	struct rusage ru;
	if (getrusage(RUSAGE_THREAD, &ru) == 0)
		counts->switches += ru.ru_nvcsw + ru.ru_nivcsw;
	return NULL;
}

static int vr_process(int proc)
{
	pthread_t tid[64];
	struct vr_worker w[64];
	int failed = 0;

	if (with_signals) {
		struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
		struct itimerval it = { { 0, 3000 }, { 0, 3000 } };

		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL)) {
			perror("vecregs: timer");
			return 2;
		}
	}
	for (int t = 0; t < threads; t++) {
		w[t] = (struct vr_worker){ .proc = proc, .thread = t };
		if (pthread_create(&tid[t], NULL, vr_work, &w[t])) {
			fputs("vecregs: pthread_create failed\n", stderr);
			return 2;
		}
	}
	for (int t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		failed |= w[t].failed;
	}
	return failed;
}

static long vr_arg(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "vecregs: %s wants a number from %ld to %ld: `%s'\n", opt, min, max, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	int opt, failed = 0;
	const char *force = NULL;

	while ((opt = getopt(argc, argv, "p:t:r:s:ak:")) != -1) {
		switch (opt) {
		case 'p': procs = (int)vr_arg("-p", optarg, 1, 64); break;
		case 't': threads = (int)vr_arg("-t", optarg, 1, 64); break;
		case 'r': rounds = vr_arg("-r", optarg, 1, 100000000); break;
		case 's': spin = vr_arg("-s", optarg, 0, 1000000000); break;
		case 'a': with_signals = true; break;
		case 'k': force = optarg; break;
		default:
			fputs("usage: vecregs [-p PROCESSES] [-t THREADS] [-r ROUNDS] [-s SPIN] [-a]"
			      " [-k sse|avx|avx512]\n", stderr);
			return 2;
		}
	}
	counts = mmap(NULL, sizeof(*counts), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror("vecregs: mmap");
		return 2;
	}
	kind = &vr_kinds[vr_detect()];
	if (force) {
		enum vr_isa want = !strcmp(force, "sse") ? VR_ISA_SSE :
				   !strcmp(force, "avx") ? VR_ISA_AVX : VR_ISA_AVX512;

		if (want > vr_detect()) {
			fprintf(stderr, "vecregs: this CPU has no %s\n", force);
			return 2;
		}
		kind = &vr_kinds[want];
	}

	for (int p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("vecregs: fork");
			return 2;
		}
		if (pid == 0)
			_exit(vr_process(p));
	}
	for (int p = 0; p < procs; p++) {
		int st;

		if (wait(&st) < 0) {
			perror("vecregs: wait");
			return 2;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			failed = 1;
	}
	if (failed)
		return 1;
	printf("vecregs: %s: %d processes x %d threads x %ld rounds, %ld context switches",
	       kind->name, procs, threads, rounds, counts->switches);
	if (with_signals)
		printf(", %ld signals (%ld while registers were held)", counts->signals,
		       counts->mid_hold);
	printf(": every register kept\n");
	if (counts->switches < rounds || (with_signals && counts->mid_hold == 0)) {
		fputs("vecregs: too few context switches or signals to prove anything\n", stderr);
		return 1;
	}
	return 0;
}
#endif
