/* SPDX-License-Identifier: MIT */
/*
 * The link budget: what one radio receives of another's transmission,
 * from the configured nodes (positions, powers, gains, medium ids), the
 * propagation model and pinned links, cached per ordered radio pair until
 * anything it depends on changes (in a bounded, direct-mapped cache). Also the public link queries of
 * medium.h. Calls nothing else of the medium.
 */
#include "link.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "util/util.h"

/*
 * The cache is direct-mapped: a pair shares its entry with others and is
 * recomputed when they displace it. Its size follows the radios squared
 * up to 2^20 entries (24 MiB), so memory stays bounded however many radios
 * come, where a dense N x N table took 1.6 GB at 10,000.
 */
#define LINK_CACHE_MIN 64u
#define LINK_CACHE_MAX (1u << 20)

void link_init(struct medium *m)
{
	m->links.gen = 1;
	link_resize(m, 0);
}

void link_deinit(struct medium *m)
{
	free(m->links.tab);
	m->links.tab = NULL;
}

void link_invalidate(struct medium *m)
{
	if (++m->links.gen == 0)
		m->links.gen = 1;
}

void link_resize(struct medium *m, uint32_t new_cap)
{
	uint64_t want = (uint64_t)new_cap * new_cap;
	uint32_t n = LINK_CACHE_MIN;

	while (n < want && n < LINK_CACHE_MAX)
		n *= 2;
	if (m->links.tab && n == m->links.mask + 1)
		return;
	/* Every new radio invalidates the cache anyway: nothing worth copying. */
	free(m->links.tab);
	m->links.tab = xcalloc(n, sizeof(*m->links.tab));
	m->links.mask = n - 1;
}

static uint32_t pair_hash(uint64_t k)
{
	k ^= k >> 31;
	k *= 0x7fb5d329728ea185ULL;
	k ^= k >> 27;
	return (uint32_t)k;
}

double link_tx_power(const struct medium *m, const struct mradio *r)
{
	return r->node >= 0 ? m->nodes[r->node].tx_power_dbm : m->p.default_tx_power_dbm;
}

double link_noise_dbm(const struct medium *m, uint16_t bw)
{
	return m->noise_dbm[bw >= 160 ? 3 : bw >= 80 ? 2 : bw >= 40 ? 1 : 0];
}

static uint64_t shadow_key(const struct mradio *r)
{
	if (r->node >= 0)
		return (uint64_t)r->node + 1;
	return (1ULL << 63) | (((uint64_t)r->client << 32) ^
			       ((uint64_t)r->id[2] << 24 | (uint64_t)r->id[3] << 16 |
				(uint64_t)r->id[4] << 8 | r->id[5]));
}

/*
 * Received power in dBm at node nr (-1: a radio on no node) of what node ns
 * sends on freq, and any extra loss probability. ka, kb key the pair's
 * shadowing draw.
 */
static double link_budget(const struct medium *m, int ins, int inr, uint64_t ka, uint64_t kb,
			  uint32_t freq, double *loss)
{
	const struct mnode *ns = ins >= 0 ? &m->nodes[ins] : NULL;
	const struct mnode *nr = inr >= 0 ? &m->nodes[inr] : NULL;
	const struct mpin *pin = NULL;
	double p = -1000.0, lp = 0.0;

	if (ns && nr && m->pins.count)
		pin = map64_get(&m->pins, PIN_KEY(ins, inr));

	switch (m->p.link_model) {
	case MEDIUM_LINK_PATH_LOSS: {
		static const double origin[3];
		const double *a = ns ? ns->pos : origin, *b = nr ? nr->pos : origin;
		double d = sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
				(a[2] - b[2]) * (a[2] - b[2]));
		/*
		 * Shadowing is a property of the pair, the same both ways and
		 * every frame, unless the sender's is fixed (the fork's gaussian
		 * random, which counts against path loss).
		 */
		bool shadow = m->p.prop.type == PROP_LOG_NORMAL_SHADOWING;
		bool fixed = shadow && ns && ns->has_shadow;
		double g = shadow && !fixed ?
			   rng_gauss_keyed(m->p.seed, ka < kb ? ka * 0x100000001b3ULL ^ kb :
							  kb * 0x100000001b3ULL ^ ka) : 0.0;
		/* Antenna height: as set, else the node's z, at least 1 m (two-ray ground needs > 0). */
		double ht = ns && ns->has_height ? ns->height_m : fmax(a[2], 1.0);
		double hr = nr && nr->has_height ? nr->height_m : fmax(b[2], 1.0);

		p = (ns ? ns->tx_power_dbm : m->p.default_tx_power_dbm) +
		    (ns ? ns->gain_dbi : 0.0) + (nr ? nr->gain_dbi : 0.0) -
		    prop_path_loss_db(&m->p.prop, d, ht, hr, freq, g) + (fixed ? ns->shadow_db : 0.0);
		break;
	}
	case MEDIUM_LINK_SNR:
		p = m->noise_dbm[0] + m->p.default_snr_db;
		break;
	case MEDIUM_LINK_PROB:
		p = m->noise_dbm[0] + m->p.default_snr_db;
		lp = m->p.default_prob;
		break;
	}
	if (pin && pin->kind == PIN_SNR)
		p = m->noise_dbm[0] + pin->value;
	else if (pin && pin->kind == PIN_PROB)
		lp = pin->value;
	if ((ns ? ns->medium_id : 0) != (nr ? nr->medium_id : 0))
		p = -1000.0;
	*loss = lp;
	return p;
}

double link_rx_dbm(struct medium *m, const struct mradio *s, const struct mradio *r,
			  uint32_t freq, double *loss)
{
	uint64_t pair = (uint64_t)(uint32_t)s->idx << 32 | (uint32_t)r->idx;
	struct mlink *l = &m->links.tab[pair_hash(pair) & m->links.mask];
	double p;

	if (l->gen == m->links.gen && l->pair == pair && l->freq == freq) {
		*loss = l->loss;
		return l->rx_dbm;
	}
	p = link_budget(m, s->node, r->node, shadow_key(s), shadow_key(r), freq, loss);
	l->pair = pair;
	l->gen = m->links.gen;
	l->freq = freq;
	l->rx_dbm = (float)p;
	l->loss = (float)*loss;
	return p;
}

int medium_node_link(const struct medium *m, int a, int b, uint32_t freq, double *snr_db,
		     double *loss)
{
	if (a < 0 || b < 0 || (uint32_t)a >= m->nnodes || (uint32_t)b >= m->nnodes)
		return -ENOENT;
	*snr_db = link_budget(m, a, b, (uint64_t)a + 1, (uint64_t)b + 1, freq, loss) -
		  m->noise_dbm[0];
	return 0;
}

int medium_radio_link(struct medium *m, uint32_t a, uint32_t b, uint32_t freq, double *snr_db,
		      double *loss)
{
	const struct mradio *s, *r;

	if (a >= m->radios_cap || b >= m->radios_cap || !(s = m->radios[a]) || !s->used ||
	    !(r = m->radios[b]) || !r->used)
		return -ENOENT;
	*snr_db = link_rx_dbm(m, s, r, freq, loss) - m->noise_dbm[0];
	return 0;
}

double medium_per(const struct medium *m, const struct phy_rate *rate, double snr_db,
		  uint32_t len)
{
	return per_model_per(m->per, rate, snr_db, len + 4);
}
