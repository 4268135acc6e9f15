// SPDX-License-Identifier: Apache-2.0
// unit-analysis-stats.c: the analysis' building blocks: the log-bucket histogram against exact sorted-array percentiles, the tid map.
#include <stdlib.h>

#include "check.h"
#include "pw_stats.h"
#include "tidmap.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

// exact nearest-rank percentile of a sorted array
static uint64_t exact(const uint64_t *v, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n);
	if ((double)rank < p / 100.0 * (double)n)
		rank++;
	if (rank < 1)
		rank = 1;
	return v[rank - 1];
}

// the bucket as pw_stats.h defines it, with a clz: what the inline
// pw_hist_bucket's double trick must give
static uint32_t bucket_ref(uint64_t v)
{
	const unsigned sub = 1u << PW_HIST_SUB_BITS;

	if (v < 2 * sub)
		return (uint32_t)v;
	unsigned e = 63 - (unsigned)__builtin_clzll(v);
	return ((e - PW_HIST_SUB_BITS + 1) << PW_HIST_SUB_BITS) +
	       ((uint32_t)(v >> (e - PW_HIST_SUB_BITS)) & (sub - 1));
}

static void test_bucket_formula(void)
{
	for (unsigned e = 0; e < 64; e++) {
		uint64_t v = (uint64_t)1 << e;
		uint64_t probes[] = { v - 1, v, v + 1, v + v / 3, v + v / 64 * 63,
				      v | (v - 1) };
		for (size_t i = 0; i < sizeof(probes) / sizeof(*probes); i++)
			if (pw_hist_bucket(probes[i]) != bucket_ref(probes[i])) {
				check_uint(pw_hist_bucket(probes[i]), ==, bucket_ref(probes[i]));
				return;
			}
	}
	uint64_t seed = 42;
	for (int i = 0; i < 100000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t v = seed >> (seed & 63);
		if (pw_hist_bucket(v) != bucket_ref(v)) {
			check_uint(pw_hist_bucket(v), ==, bucket_ref(v));
			return;
		}
	}
	check_uint(pw_hist_bucket(UINT64_MAX), ==, bucket_ref(UINT64_MAX));
}

static void test_buckets(void)
{
	// every value lies in its bucket, and buckets tile the line
	uint64_t probes[] = { 0, 1, 63, 64, 127, 128, 129, 255, 256, 1000, 4095,
			      4096, 123456789, UINT64_MAX / 3, UINT64_MAX };
	for (size_t i = 0; i < sizeof(probes) / sizeof(*probes); i++) {
		uint32_t b = pw_hist_bucket(probes[i]);
		check_uint(pw_hist_bucket_low(b), <=, probes[i]);
		check_uint(pw_hist_bucket_high(b), >=, probes[i]);
		check_uint(b, <, PW_HIST_BUCKETS);
	}
	for (uint32_t b = 0; b + 1 < PW_HIST_BUCKETS; b++)
		if (pw_hist_bucket_high(b) + 1 != pw_hist_bucket_low(b + 1)) {
			check_uint(pw_hist_bucket_high(b) + 1, ==, pw_hist_bucket_low(b + 1));
			break;
		}
	check_uint(pw_hist_bucket(UINT64_MAX), ==, PW_HIST_BUCKETS - 1);
	// small values are exact
	check_uint(pw_hist_bucket_low(pw_hist_bucket(100)), ==, 100);
	check_uint(pw_hist_bucket_high(pw_hist_bucket(100)), ==, 100);
}

static void test_percentiles(void)
{
	enum { N = 20000 };
	static uint64_t v[N];
	struct pw_hist h = PW_HIST_INIT;
	uint64_t seed = 12345, sum = 0;

	for (size_t i = 0; i < N; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		// spread over 10 ns .. ~10 ms, log-uniform-ish
		unsigned shift = (unsigned)(seed >> 60);	// 0..15
		v[i] = 10 + ((seed >> 20) & 0x3ff) * (1ull << shift);
		sum += v[i];
		check_int(pw_hist_add(&h, v[i]), ==, 0);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	check_uint(h.count, ==, N);
	check_uint(h.sum, ==, sum);
	check_uint(h.min, ==, v[0]);
	check_uint(h.max, ==, v[N - 1]);
	double ps[] = { 1, 10, 50, 90, 99, 99.9 };
	for (size_t i = 0; i < sizeof(ps) / sizeof(*ps); i++) {
		uint64_t want = exact(v, N, ps[i]), got = pw_hist_percentile(&h, ps[i]);
		uint64_t d = got > want ? got - want : want - got;
		// documented precision: within 1/128 of the exact value
		check_uint(d * 128, <=, want);
	}
	check_uint(pw_hist_percentile(&h, 100), ==, v[N - 1]);

	// merging two halves gives the same histogram as one
	struct pw_hist a = PW_HIST_INIT, b = PW_HIST_INIT, m = PW_HIST_INIT;
	for (size_t i = 0; i < N; i++)
		pw_hist_add(i % 2 ? &a : &b, v[i]);
	check_int(pw_hist_merge(&m, &a), ==, 0);
	check_int(pw_hist_merge(&m, &b), ==, 0);
	check_uint(m.count, ==, N);
	check_uint(m.sum, ==, sum);
	for (size_t i = 0; i < sizeof(ps) / sizeof(*ps); i++)
		check_uint(pw_hist_percentile(&m, ps[i]), ==, pw_hist_percentile(&h, ps[i]));
	pw_hist_release(&a);
	pw_hist_release(&b);
	pw_hist_release(&m);
	pw_hist_release(&h);
	pw_hist_release(NULL);
}

static void test_small(void)
{
	struct pw_hist h = PW_HIST_INIT;
	check_uint(pw_hist_percentile(&h, 50), ==, 0);
	uint64_t vals[] = { 5, 1, 3, 2, 4 };	// exact below 128
	for (size_t i = 0; i < 5; i++)
		pw_hist_add(&h, vals[i]);
	check_uint(pw_hist_percentile(&h, 50), ==, 3);
	check_uint(pw_hist_percentile(&h, 20), ==, 1);
	check_uint(pw_hist_percentile(&h, 21), ==, 2);
	check_uint(pw_hist_percentile(&h, 99), ==, 5);
	pw_hist_add(&h, 1000000);		// one far value: p50 unchanged, max exact
	check_uint(pw_hist_percentile(&h, 50), ==, 3);
	check_uint(pw_hist_percentile(&h, 100), ==, 1000000);
	check_uint(pw_hist_percentile(&h, 99), ==, 1000000);	// clamped to max
	pw_hist_release(&h);
}

// the map stores pointers it never follows: any distinct addresses do
static char tasks[3000];
#define TASK(i) ((struct pw_an_task *)(void *)&tasks[i])

static void test_tidmap(void)
{
	// tids of the direct table, and ids only an odd file holds (the hash,
	// grown several times)
	static const int32_t direct[] = { 1, 1023, 1024, 4242, (1 << 22) - 1 };
	struct pw_tid_map *m = calloc(1, sizeof(*m));

	if (!check(m != NULL))
		return;
	check(pw_tid_map_find(m, 4242) == NULL);
	check(pw_tid_map_find(m, -1) == NULL);
	for (size_t i = 0; i < sizeof(direct) / sizeof(*direct); i++)
		check_int(pw_tid_map_put(m, direct[i], TASK(i)), ==, 0);
	for (int32_t i = 0; i < 2000; i++) {
		int32_t tid = i % 2 ? -1 - i : (1 << 22) + i * 1024;
		check_int(pw_tid_map_put(m, tid, TASK(100 + i)), ==, 0);
	}
	check_int(pw_tid_map_put(m, INT32_MAX, TASK(2999)), ==, 0);
	check_int(pw_tid_map_put(m, INT32_MIN, TASK(2998)), ==, 0);
	for (size_t i = 0; i < sizeof(direct) / sizeof(*direct); i++)
		check(pw_tid_map_find(m, direct[i]) == TASK(i));
	for (int32_t i = 0; i < 2000; i++) {
		int32_t tid = i % 2 ? -1 - i : (1 << 22) + i * 1024;
		if (pw_tid_map_find(m, tid) != TASK(100 + i)) {
			check_int(tid, ==, -1);
			break;
		}
	}
	check(pw_tid_map_find(m, INT32_MAX) == TASK(2999));
	check(pw_tid_map_find(m, INT32_MIN) == TASK(2998));
	check(pw_tid_map_find(m, 2) == NULL);
	check(pw_tid_map_find(m, -3) == NULL);		// odd i put -2, -4, ...
	check(pw_tid_map_find(m, (1 << 22) + 1) == NULL);
	pw_tid_map_free(m);
	pw_tid_map_free(NULL);
}

int main(void)
{
	TEST(test_bucket_formula(), "the inline bucket is the clz one");
	TEST(test_buckets(), "buckets tile the value range");
	TEST(test_percentiles(), "percentiles within 1/128 of exact, merge");
	TEST(test_small(), "small values exact, clamped to min/max");
	TEST(test_tidmap(), "tid map: direct table, odd ids in the hash");
	return check_done();
}
