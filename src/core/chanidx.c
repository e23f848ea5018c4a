/* SPDX-License-Identifier: MIT */
/*
 * Radios by channel. The medium is never told which channel a radio
 * listens on (hwsim does not say; a guest drops off-channel frames
 * itself), but a radio sends on the channel it is on: each frame a radio
 * hands the medium places it in the set of that channel, and a
 * transmission visits only the sets whose channels overlap its spectrum.
 * A radio that has sent nothing yet, or nothing for CHANIDX_FRESH_US, or
 * whose last frame said it may leave (a scan's probe request, the
 * power-management bit), sits in the catch-all set that every
 * transmission visits: what the medium learned narrows what a radio hears
 * only while it is fresh, and a radio that moved is found again by what
 * it sends next.
 *
 * Contenders are indexed apart, by the span of the frame they contend
 * for, which the medium knows exactly. A radio that stopped contending
 * leaves its set lazily, when a walk comes across it, so that the paths
 * out of RADIO_CONTEND need not know of the index.
 *
 * Sets are found by a linear search over the spans in use: a medium has
 * a few dozen channels at most, and a search happens only when a radio
 * changes channel or span, not per frame.
 */
#include "chanidx.h"

#include <stdlib.h>

#include "util/util.h"

#define LISTEN_HALF_MHZ 10.0	/* a channel's primary 20 MHz, which is what it hears */

static struct chanidx_pos *pos_of(struct medium *m, const struct chanidx *ix, struct mradio *r)
{
	return ix == &m->listen ? &r->listen : &r->contend_at;
}

static struct rset *rset_of(struct chanidx *ix, uint32_t set)
{
	return set == CHANIDX_ANY ? &ix->any : &ix->set[set].rs;
}

static void leave(struct medium *m, struct chanidx *ix, struct mradio *r)
{
	struct chanidx_pos *p = pos_of(m, ix, r);
	struct rset *s;
	uint32_t last;

	if (p->set == CHANIDX_OUT)
		return;
	s = rset_of(ix, p->set);
	last = s->slot[--s->n];
	if (p->i < s->n) {
		s->slot[p->i] = last;
		pos_of(m, ix, m->radios[last])->i = p->i;
	}
	p->set = CHANIDX_OUT;
}

static void join(struct medium *m, struct chanidx *ix, struct mradio *r, uint32_t set)
{
	struct chanidx_pos *p = pos_of(m, ix, r);
	struct rset *s = rset_of(ix, set);

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->slot = xreallocarray(s->slot, s->cap, sizeof(*s->slot));
	}
	p->set = set;
	p->i = s->n;
	s->slot[s->n++] = (uint32_t)r->idx;
}

/* The set of [lo, hi]: the one in use, else an empty one reused, else a new one. */
static uint32_t set_for(struct chanidx *ix, double lo, double hi)
{
	uint32_t k, empty = UINT32_MAX;

	for (k = 0; k < ix->nset; k++) {
		if (ix->set[k].lo == lo && ix->set[k].hi == hi)
			return k;
		if (!ix->set[k].rs.n && empty == UINT32_MAX)
			empty = k;
	}
	if (empty != UINT32_MAX) {
		k = empty;
	} else {
		if (ix->nset == ix->cap) {
			ix->cap = ix->cap ? 2 * ix->cap : 8;
			ix->set = xreallocarray(ix->set, ix->cap, sizeof(*ix->set));
		}
		k = ix->nset++;
		ix->set[k].rs = (struct rset){ 0 };
	}
	ix->set[k].lo = lo;
	ix->set[k].hi = hi;
	return k;
}

/* ------------------------------------------------------- freshness */

static void fresh_unlink(struct medium *m, struct mradio *r)
{
	if (r->fresh_prev >= 0)
		m->radios[r->fresh_prev]->fresh_next = r->fresh_next;
	else if (m->fresh_head == r->idx)
		m->fresh_head = r->fresh_next;
	if (r->fresh_next >= 0)
		m->radios[r->fresh_next]->fresh_prev = r->fresh_prev;
	else if (m->fresh_tail == r->idx)
		m->fresh_tail = r->fresh_prev;
	r->fresh_prev = r->fresh_next = -1;
}

static void fresh_append(struct medium *m, struct mradio *r)
{
	r->fresh_prev = m->fresh_tail;
	r->fresh_next = -1;
	if (m->fresh_tail >= 0)
		m->radios[m->fresh_tail]->fresh_next = r->idx;
	else
		m->fresh_head = r->idx;
	m->fresh_tail = r->idx;
}

/* r's channel is unknown from now on: it hears every transmission. */
static void listen_anywhere(struct medium *m, struct mradio *r)
{
	if (r->listen.set == CHANIDX_ANY)
		return;
	if (r->listen.set != CHANIDX_OUT)
		fresh_unlink(m, r);
	leave(m, &m->listen, r);
	join(m, &m->listen, r, CHANIDX_ANY);
}

/* Radios silent for CHANIDX_FRESH_US go back to the catch-all set, oldest first. */
static void expire(struct medium *m)
{
	while (m->fresh_head >= 0) {
		struct mradio *r = m->radios[m->fresh_head];

		if (m->now - r->heard_at < CHANIDX_FRESH_US)
			return;
		listen_anywhere(m, r);
	}
}

/* ------------------------------------------------------------ radios */

void chanidx_init(struct medium *m)
{
	m->listen = (struct chanidx){ 0 };
	m->contend = (struct chanidx){ 0 };
	m->fresh_head = m->fresh_tail = -1;
}

static void chanidx_free(struct chanidx *ix)
{
	for (uint32_t k = 0; k < ix->nset; k++)
		free(ix->set[k].rs.slot);
	free(ix->set);
	free(ix->any.slot);
	*ix = (struct chanidx){ 0 };
}

void chanidx_deinit(struct medium *m)
{
	chanidx_free(&m->listen);
	chanidx_free(&m->contend);
	m->fresh_head = m->fresh_tail = -1;
}

void chanidx_radio_new(struct medium *m, struct mradio *r)
{
	r->listen.set = r->contend_at.set = CHANIDX_OUT;
	r->fresh_prev = r->fresh_next = -1;
	r->listen_freq = 0;
	join(m, &m->listen, r, CHANIDX_ANY);
}

void chanidx_radio_gone(struct medium *m, struct mradio *r)
{
	if (r->listen.set < CHANIDX_ANY)
		fresh_unlink(m, r);
	leave(m, &m->listen, r);
	leave(m, &m->contend, r);
}

void chanidx_heard(struct medium *m, struct mradio *r, uint32_t freq, const uint8_t *frame,
		   uint32_t len)
{
	/* Frame Control: a probe request (management, subtype 4), or Power Management set. */
	bool leaving = len >= 2 && ((frame[0] & 0xfc) == 0x40 || (frame[1] & 0x10));

	if (leaving) {
		listen_anywhere(m, r);
		return;
	}
	if (r->listen.set < CHANIDX_ANY && r->listen_freq == freq) {
		fresh_unlink(m, r);
	} else {
		if (r->listen.set < CHANIDX_ANY)
			fresh_unlink(m, r);
		leave(m, &m->listen, r);
		join(m, &m->listen, r,
		     set_for(&m->listen, freq - LISTEN_HALF_MHZ, freq + LISTEN_HALF_MHZ));
		r->listen_freq = freq;
	}
	r->heard_at = m->now;
	fresh_append(m, r);
}

void chanidx_contend(struct medium *m, struct mradio *r)
{
	struct chanidx *ix = &m->contend;
	uint32_t k = r->contend_at.set;

	if (k < ix->nset && ix->set[k].lo == r->span_lo && ix->set[k].hi == r->span_hi)
		return;
	leave(m, ix, r);
	join(m, ix, r, set_for(ix, r->span_lo, r->span_hi));
}

bool chanidx_elsewhere(const struct medium *m, const struct mradio *r, const struct txrec *rec)
{
	return r->listen.set < CHANIDX_ANY && r->listen_freq != rec->freq &&
	       m->now - r->heard_at < CHANIDX_FRESH_US;
}

/* -------------------------------------------------------------- walks */

/* From it->set on, the first set worth walking (the catch-all always is). */
static void seek(struct chanidx_iter *it)
{
	const struct chanidx *ix = it->ix;

	for (; it->set < ix->nset; it->set++) {
		const struct chanidx_set *cs = &ix->set[it->set];

		if (cs->rs.n && spans_overlap(cs->lo, cs->hi, it->lo, it->hi))
			break;
	}
	it->i = 0;
}

struct mradio *chanidx_next(struct medium *m, struct chanidx_iter *it)
{
	struct chanidx *ix = it->ix;

	for (;;) {
		struct rset *s;
		struct mradio *r;

		if (it->set > ix->nset) {
			int x = it->extra;

			it->extra = -1;
			if (x < 0)
				return NULL;
			m->c.visits++;
			return m->radios[x];
		}
		s = it->set == ix->nset ? &ix->any : &ix->set[it->set].rs;
		if (it->i >= s->n) {
			it->set++;
			seek(it);
			continue;
		}
		r = m->radios[s->slot[it->i]];
		if (it->contenders && r->state != RADIO_CONTEND) {
			leave(m, ix, r);	/* the last member moved here: look again */
			continue;
		}
		it->i++;
		m->c.visits++;
		return r;
	}
}

/* Whether r sits in a channel's set of ix that does not overlap [lo, hi]. */
static bool set_elsewhere(const struct chanidx *ix, const struct chanidx_pos *p, double lo,
			  double hi)
{
	return p->set < ix->nset && !spans_overlap(ix->set[p->set].lo, ix->set[p->set].hi, lo, hi);
}

struct mradio *chanidx_hearers(struct medium *m, struct chanidx_iter *it, const struct txrec *rec)
{
	struct mradio *t = rec->target >= 0 ? m->radios[rec->target] : NULL;
	bool only_addressee = m->p.addressee_only && rec->kind == TXREC_DATA && rec->frame &&
			      !rec->frame->group;

	expire(m);
	*it = (struct chanidx_iter){ .ix = &m->listen, .lo = rec->lo, .hi = rec->hi, .extra = -1 };
	if (t && (!t->used || t->gen != rec->target_gen))
		t = NULL;
	if (only_addressee) {
		/* Nobody else takes a unicast frame: skip every set. */
		it->set = m->listen.nset + 1;
		it->extra = t ? t->idx : -1;
		return chanidx_next(m, it);
	}
	if (t && set_elsewhere(&m->listen, &t->listen, rec->lo, rec->hi))
		it->extra = t->idx;
	seek(it);
	return chanidx_next(m, it);
}

struct mradio *chanidx_contenders(struct medium *m, struct chanidx_iter *it,
				  const struct txrec *rec)
{
	struct mradio *s = txrec_sender(m, rec);

	*it = (struct chanidx_iter){
		.ix = &m->contend, .lo = rec->lo, .hi = rec->hi, .extra = -1, .contenders = true,
	};
	if (s && s->state == RADIO_CONTEND &&
	    set_elsewhere(&m->contend, &s->contend_at, rec->lo, rec->hi))
		it->extra = s->idx;
	seek(it);
	return chanidx_next(m, it);
}
