/* SPDX-License-Identifier: MIT */
/*
 * Touching a guest's memory safely. A VMM can shrink the file behind a
 * region it gave us (truncate the memfd) at any time, after we mapped it;
 * the next access then raises SIGBUS, which by default kills the daemon.
 * Every access to guest memory happens inside a guard: a SIGBUS whose
 * address lies in the guarded memory jumps back to the guard, which ends
 * that VM; any other SIGBUS still kills the process, as a bug should.
 *
 *	struct guestmem_guard g;
 *
 *	if (GUESTMEM_GUARD(&g, &conn->mem)) {
 *		... accesses ...
 *		guestmem_unguard(&g);
 *	} else {
 *		... the memory went away: stop using it ...
 *	}
 *
 * Between the guard and its end, no frame may hold anything a jump would
 * leak or leave half-done except the guarded VM's own state: guards nest,
 * so code that calls out (into the hub) guards again at its next access.
 */
#ifndef WM_TRANSPORT_GUESTMEM_H
#define WM_TRANSPORT_GUESTMEM_H

#include <setjmp.h>

#include "transport/virtq.h"

struct guestmem_guard {
	sigjmp_buf jb;
	const struct vu_mem *mem;
	struct guestmem_guard *prev;
};

/* Install the SIGBUS handler (every guard needs it; again after anyone replaced it). */
void guestmem_init(void);
void guestmem_push(struct guestmem_guard *g, const struct vu_mem *mem);
void guestmem_unguard(struct guestmem_guard *g);

/* True on entry; false when a guarded access faulted (the guard is then already gone). */
#define GUESTMEM_GUARD(g, m) (guestmem_push((g), (m)), sigsetjmp((g)->jb, 0) == 0)

#endif
