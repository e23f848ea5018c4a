/* SPDX-License-Identifier: MIT */
/*
 * Deterministic random numbers: xoshiro256** seeded through splitmix64.
 * Every random draw of the medium comes from one of these, so a seed
 * reproduces a run exactly.
 */
#ifndef WM_CORE_RNG_H
#define WM_CORE_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_init(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, 1) with 53 bits. */
double rng_uniform(struct rng *r);
/* Uniform integer in [0, n] (inclusive), n < 2^32. */
uint32_t rng_upto(struct rng *r, uint32_t n);
/* Standard normal deviate. */
double rng_gauss(struct rng *r);
/* A standard normal deviate that is a pure function of (seed, key): per-link shadowing. */
double rng_gauss_keyed(uint64_t seed, uint64_t key);

#endif
