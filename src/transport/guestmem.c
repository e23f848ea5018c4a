/* SPDX-License-Identifier: MIT */
#include "guestmem.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The innermost guard of this thread (the loop's: guest memory is touched nowhere else). */
static _Thread_local struct guestmem_guard *top;

static bool in_mem(const struct vu_mem *mem, uintptr_t a)
{
	for (unsigned int i = 0; i < mem->n; i++) {
		uintptr_t base = (uintptr_t)mem->r[i].host;

		if (base && a >= base && a - base < mem->r[i].size)
			return true;
	}
	return false;
}

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	struct guestmem_guard *g = top;

	(void)ctx;
	if (g && in_mem(g->mem, (uintptr_t)si->si_addr)) {
		top = g->prev;
		/* SA_NODEFER: SIGBUS is not blocked here, so no mask to restore. */
		siglongjmp(g->jb, 1);
	}
	/* Not guest memory: a bug. Die of it as if no handler were there. */
	signal(sig, SIG_DFL);
	raise(sig);
}

void guestmem_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

void guestmem_push(struct guestmem_guard *g, const struct vu_mem *mem)
{
	g->mem = mem;
	g->prev = top;
	top = g;
}

void guestmem_unguard(struct guestmem_guard *g)
{
	top = g->prev;
}
