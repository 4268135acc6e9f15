// SPDX-License-Identifier: Apache-2.0
// pw_stats.c: the log-bucketed duration histogram (see pw_stats.h for the precision).
#include <stdlib.h>
#include <string.h>

#include "pw_error.h"
#include "pw_stats.h"

#define SUB (1u << PW_HIST_SUB_BITS)

uint64_t pw_hist_bucket_low(uint32_t idx)
{
	if (idx < 2 * SUB)
		return idx;
	unsigned e = (idx >> PW_HIST_SUB_BITS) + PW_HIST_SUB_BITS - 1;
	uint64_t sub = idx & (SUB - 1);
	return (SUB + sub) << (e - PW_HIST_SUB_BITS);
}

uint64_t pw_hist_bucket_high(uint32_t idx)
{
	if (idx < 2 * SUB)
		return idx;
	unsigned e = (idx >> PW_HIST_SUB_BITS) + PW_HIST_SUB_BITS - 1;
	return pw_hist_bucket_low(idx) + ((uint64_t)1 << (e - PW_HIST_SUB_BITS)) - 1;
}

// grow: make the allocated range cover [lo, hi].
static int grow(struct pw_hist *h, uint32_t lo, uint32_t hi)
{
	if (h->b && lo >= h->lo && hi < h->lo + h->n)
		return 0;
	if (h->b) {
		if (h->lo < lo)
			lo = h->lo;
		if (h->lo + h->n - 1 > hi)
			hi = h->lo + h->n - 1;
	}
	uint32_t n = hi - lo + 1;
	uint32_t *b = calloc(n, sizeof(*b));
	if (!b)
		return PW_ENOMEM;
	if (h->b)
		memcpy(b + (h->lo - lo), h->b, h->n * sizeof(*b));
	free(h->b);
	h->b = b;
	h->lo = lo;
	h->n = n;
	return 0;
}

int pw_hist_add_grow(struct pw_hist *h, uint64_t v)
{
	uint32_t idx = pw_hist_bucket(v);
	// grow a little beyond the value, so a spread-out series does not
	// reallocate at every new bucket
	uint32_t lo = idx > SUB / 2 ? idx - SUB / 2 : 0;
	uint32_t hi = idx + SUB / 2 < PW_HIST_BUCKETS ? idx + SUB / 2 : PW_HIST_BUCKETS - 1;

	if (!h->b || idx < h->lo || idx >= h->lo + h->n)
		if (grow(h, lo, hi))
			return PW_ENOMEM;
	h->b[idx - h->lo]++;
	if (!h->count || v < h->min)
		h->min = v;
	if (!h->count || v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	return 0;
}

int pw_hist_merge(struct pw_hist *dst, const struct pw_hist *src)
{
	if (!src->count)
		return 0;
	if (grow(dst, src->lo, src->lo + src->n - 1))
		return PW_ENOMEM;
	for (uint32_t i = 0; i < src->n; i++)
		dst->b[src->lo + i - dst->lo] += src->b[i];
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	if (!dst->count || src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
	return 0;
}

uint64_t pw_hist_percentile(const struct pw_hist *h, double p)
{
	if (!h->count)
		return 0;
	if (p >= 100.0)
		return h->max;
	double r = p / 100.0 * (double)h->count;
	uint64_t rank = (uint64_t)r;
	if ((double)rank < r)
		rank++;			// ceil
	if (rank < 1)
		rank = 1;
	uint64_t seen = 0;
	for (uint32_t i = 0; i < h->n; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			uint32_t idx = h->lo + i;
			uint64_t lo = pw_hist_bucket_low(idx);
			uint64_t v = lo + (pw_hist_bucket_high(idx) - lo) / 2;
			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}

uint32_t pw_hist_at(const struct pw_hist *h, uint32_t idx)
{
	if (!h->b || idx < h->lo || idx >= h->lo + h->n)
		return 0;
	return h->b[idx - h->lo];
}

void pw_hist_release(struct pw_hist *h)
{
	if (!h)
		return;
	free(h->b);
	memset(h, 0, sizeof(*h));
}
