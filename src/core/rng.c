/* SPDX-License-Identifier: MIT */
#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_init(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

uint32_t rng_upto(struct rng *r, uint32_t n)
{
	/* Multiply-shift: the bias is below 2^-32, far under anything we measure. */
	return (uint32_t)(((rng_next(r) >> 32) * ((uint64_t)n + 1)) >> 32);
}

static double gauss_from(double u1, double u2)
{
	/* Box-Muller; u1 in (0, 1] so the log is finite. */
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double rng_gauss(struct rng *r)
{
	double u1 = 1.0 - rng_uniform(r);

	return gauss_from(u1, rng_uniform(r));
}

double rng_gauss_keyed(uint64_t seed, uint64_t key)
{
	struct rng r;

	rng_init(&r, seed ^ (key * 0xd6e8feb86659fd93ULL));
	return rng_gauss(&r);
}
