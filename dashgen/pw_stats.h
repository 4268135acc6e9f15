// SPDX-License-Identifier: Apache-2.0
// pw_stats.h: a log-bucketed histogram of nanosecond durations, for percentiles in bounded memory.
//
// Invariants:
// - count, sum, min and max are exact; only percentiles are approximate.
// - Values below 128 have a bucket each (exact). Above, every power of two is
//   split into 64 equal buckets, so a bucket spans at most 1/64 of its lower
//   bound; a percentile is reported as the middle of its bucket, clamped to
//   [min, max]: within 0.8% (1/128) of the exact nearest-rank value.
// - Memory: a window of buckets between the smallest and the largest value
//   seen (4 bytes a bucket; a 1 µs..10 ms spread is about 14 powers of two,
//   900 buckets, 3.5 KB), whatever the number of values; but a window grows
//   only as wide as its values pay for (PW_HIST_WINDOW(count) buckets): a
//   bucket it cannot reach yet is kept apart (8 bytes) until enough values
//   came. Two values 2^62 apart took every bucket between them (15 KB),
//   which a file could ask of every task; a histogram of n values takes at
//   most 1 KB + 260 bytes a value, and the common case is one window.
//
// Usage:
//	struct pw_hist h = PW_HIST_INIT;
//	pw_hist_add(&h, 1500);                  // PW_ENOMEM on failure
//	uint64_t p99 = pw_hist_percentile(&h, 99.0);
//	pw_hist_release(&h);
#ifndef PW_STATS_H
#define PW_STATS_H

#include <stdint.h>
#include <string.h>

#define PW_HIST_SUB_BITS 6			// 64 buckets per power of two
#define PW_HIST_BUCKETS ((64 - PW_HIST_SUB_BITS + 1) << PW_HIST_SUB_BITS)

// The widest window a histogram of count values may have, in buckets.
#define PW_HIST_WINDOW(count) (128 + 64 * (uint64_t)(count))

// A bucket outside the window, and its count.
struct pw_hist_far {
	uint32_t idx, n;
};

struct pw_hist {
	uint64_t count;
	uint64_t sum;		// wraps only past 584 years of nanoseconds
	uint64_t min, max;	// 0 when count == 0
	uint32_t lo;		// index of b[0]
	uint32_t n;		// buckets allocated
	uint32_t *b;
	struct pw_hist_far *far;	// buckets outside the window, by index
	uint32_t nfar, capfar;
};

#define PW_HIST_INIT { .count = 0, .b = NULL, .far = NULL }

// pw_hist_bucket: the bucket of a value. Inline, as the analysis pass calls
// it for every wait and KVM exit: for 2^7 <= v < 2^53 the bucket, ((e - 5)
// << 6) + the 6 bits after v's leading one (e = its position), is v as a
// double shifted right by 46 (exponent and first 6 mantissa bits) less the
// exponent bias: no clz, no variable shift.
static inline uint32_t pw_hist_bucket(uint64_t v)
{
	const unsigned sub = 1u << PW_HIST_SUB_BITS;

	if (v < 2 * sub)
		return (uint32_t)v;
	if (v < (uint64_t)1 << 53) {
		double x = (double)(int64_t)v;
		uint64_t bits;
		memcpy(&bits, &x, sizeof(bits));
		return (uint32_t)(bits >> (52 - PW_HIST_SUB_BITS)) -
		       ((1023u + PW_HIST_SUB_BITS - 1) << PW_HIST_SUB_BITS);
	}
	unsigned e = 63 - (unsigned)__builtin_clzll(v);
	return ((e - PW_HIST_SUB_BITS + 1) << PW_HIST_SUB_BITS) +
	       ((uint32_t)(v >> (e - PW_HIST_SUB_BITS)) & (sub - 1));
}

// pw_hist_add_grow: pw_hist_add's out-of-line half (allocates the bucket);
// call pw_hist_add.
int pw_hist_add_grow(struct pw_hist *h, uint64_t v);

// pw_hist_add: count one value. Returns 0 or PW_ENOMEM (then h is unchanged).
// Inline for the analysis pass: a value whose bucket is allocated is
// counted here (count, min and max are valid once b exists).
static inline int pw_hist_add(struct pw_hist *h, uint64_t v)
{
	uint32_t idx = pw_hist_bucket(v);

	if (idx - h->lo >= h->n)	// n is 0 while b is NULL
		return pw_hist_add_grow(h, v);
	h->b[idx - h->lo]++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	return 0;
}

// pw_hist_merge: add every value of src into dst. Returns 0 or PW_ENOMEM.
int pw_hist_merge(struct pw_hist *dst, const struct pw_hist *src);

// pw_hist_percentile: the nearest-rank p-th percentile (0 < p <= 100) to
// the precision above; 0 for an empty histogram; p >= 100 gives max.
uint64_t pw_hist_percentile(const struct pw_hist *h, double p);

// pw_hist_bucket_low / pw_hist_bucket_high: the inclusive value range of a
// bucket (for drawing them).
uint64_t pw_hist_bucket_low(uint32_t idx);
uint64_t pw_hist_bucket_high(uint32_t idx);

// pw_hist_at: the count of bucket idx (0 outside the allocated range).
uint32_t pw_hist_at(const struct pw_hist *h, uint32_t idx);

// pw_hist_release: free the buckets and zero h. NULL is fine.
void pw_hist_release(struct pw_hist *h);

#endif
