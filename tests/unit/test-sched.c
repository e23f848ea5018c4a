/* SPDX-License-Identifier: MIT */
/* The event heap and the random source: order, ties, cancellation, determinism. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "core/sched.h"

static void test_pops_in_time_order(void **state)
{
	struct sched s;
	struct sched_event ev[1000];
	struct rng r;
	uint64_t last = 0;

	(void)state;
	sched_init(&s);
	rng_init(&r, 5);
	for (int i = 0; i < 1000; i++) {
		sched_event_init(&ev[i]);
		sched_add(&s, &ev[i], rng_upto(&r, 100000));
	}
	for (int i = 0; i < 1000; i++) {
		struct sched_event *e = sched_pop(&s);

		assert_non_null(e);
		assert_false(sched_queued(e));
		assert_true(e->time >= last);
		last = e->time;
	}
	assert_null(sched_pop(&s));
	sched_deinit(&s);
}

static void test_ties_keep_insertion_order(void **state)
{
	struct sched s;
	struct sched_event ev[50];

	(void)state;
	sched_init(&s);
	for (int i = 0; i < 50; i++) {
		sched_event_init(&ev[i]);
		sched_add(&s, &ev[i], 7);
	}
	for (int i = 0; i < 50; i++)
		assert_ptr_equal(sched_pop(&s), &ev[i]);
	sched_deinit(&s);
}

static void test_cancel_and_move(void **state)
{
	struct sched s;
	struct sched_event ev[200];
	struct rng r;
	bool gone[200] = { false };
	uint64_t last = 0;
	int left = 0;

	(void)state;
	sched_init(&s);
	rng_init(&r, 9);
	for (int i = 0; i < 200; i++) {
		sched_event_init(&ev[i]);
		sched_add(&s, &ev[i], rng_upto(&r, 1000));
	}
	for (int i = 0; i < 200; i += 3) {
		sched_cancel(&s, &ev[i]);
		sched_cancel(&s, &ev[i]);	/* twice is harmless */
		gone[i] = true;
	}
	for (int i = 1; i < 200; i += 3)
		sched_add(&s, &ev[i], 5000 + (uint64_t)i);	/* move to the end */
	assert_true(sched_peek(&s)->time <= 1000);
	for (struct sched_event *e; (e = sched_pop(&s));) {
		int i = (int)(e - ev);

		assert_false(gone[i]);
		assert_true(e->time >= last);
		last = e->time;
		left++;
	}
	assert_int_equal(left, 200 - 67);
	assert_int_equal(last, 5000 + 199);
	sched_deinit(&s);
}

static void test_rng_deterministic_and_sane(void **state)
{
	struct rng a, b;
	double sum = 0, sq = 0;
	uint32_t hist[8] = { 0 };

	(void)state;
	rng_init(&a, 123);
	rng_init(&b, 123);
	for (int i = 0; i < 1000; i++)
		assert_true(rng_next(&a) == rng_next(&b));
	for (int i = 0; i < 80000; i++) {
		double g = rng_gauss(&a);
		uint32_t k = rng_upto(&a, 7);

		assert_true(k <= 7);
		hist[k]++;
		sum += g;
		sq += g * g;
	}
	assert_true(fabs(sum / 80000) < 0.02);
	assert_true(fabs(sq / 80000 - 1.0) < 0.03);
	for (int k = 0; k < 8; k++)
		assert_true(hist[k] > 9000 && hist[k] < 11000);
	for (int i = 0; i < 1000; i++) {
		double u = rng_uniform(&a);

		assert_true(u >= 0.0 && u < 1.0);
	}
	assert_true(rng_gauss_keyed(1, 2) == rng_gauss_keyed(1, 2));
	assert_true(rng_gauss_keyed(1, 2) != rng_gauss_keyed(1, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pops_in_time_order),
		cmocka_unit_test(test_ties_keep_insertion_order),
		cmocka_unit_test(test_cancel_and_move),
		cmocka_unit_test(test_rng_deterministic_and_sane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
