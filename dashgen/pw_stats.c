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

// cover: make blk reach the groups [lo, hi] (pointers only). 0 or PW_ENOMEM.
static int cover(struct pw_hist *h, uint32_t lo, uint32_t hi)
{
	if (h->blk && lo >= h->lo && hi < h->lo + h->n)
		return 0;
	if (h->blk) {
		if (h->lo < lo)
			lo = h->lo;
		if (h->lo + h->n - 1 > hi)
			hi = h->lo + h->n - 1;
	}
	uint32_t n = hi - lo + 1;
	uint32_t **blk = calloc(n, sizeof(*blk));
	if (!blk)
		return PW_ENOMEM;
	if (h->blk)
		memcpy(blk + (h->lo - lo), h->blk, h->n * sizeof(*blk));
	free(h->blk);
	h->blk = blk;
	h->lo = lo;
	h->n = n;
	return 0;
}

// the buckets of bucket idx's group, made on first use; NULL out of memory
static uint32_t *group(struct pw_hist *h, uint32_t idx)
{
	uint32_t g = idx >> PW_HIST_SUB_BITS;

	if (cover(h, g, g))
		return NULL;
	uint32_t **b = &h->blk[g - h->lo];
	if (!*b)
		*b = calloc(SUB, sizeof(**b));
	return *b;
}

int pw_hist_add_grow(struct pw_hist *h, uint64_t v)
{
	uint32_t idx = pw_hist_bucket(v), *b = group(h, idx);

	if (!b)
		return PW_ENOMEM;
	b[idx & (SUB - 1)]++;
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
	for (uint32_t g = 0; g < src->n; g++) {
		const uint32_t *s = src->blk[g];
		uint32_t *d = s ? group(dst, (src->lo + g) << PW_HIST_SUB_BITS) : NULL;
		if (s && !d)
			return PW_ENOMEM;
		for (uint32_t i = 0; s && i < SUB; i++)
			d[i] += s[i];
	}
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
	for (uint32_t g = 0; g < h->n; g++) {
		const uint32_t *b = h->blk[g];
		uint32_t i = 0;
		if (!b)		// no value in this power of two
			continue;
		while (i < SUB && (seen += b[i]) < rank)
			i++;
		if (i == SUB)
			continue;
		uint32_t idx = ((h->lo + g) << PW_HIST_SUB_BITS) + i;
		uint64_t lo = pw_hist_bucket_low(idx);
		uint64_t v = lo + (pw_hist_bucket_high(idx) - lo) / 2;
		if (v < h->min)
			v = h->min;
		if (v > h->max)
			v = h->max;
		return v;
	}
	return h->max;
}

uint32_t pw_hist_at(const struct pw_hist *h, uint32_t idx)
{
	uint32_t g = (idx >> PW_HIST_SUB_BITS) - h->lo;

	if (g >= h->n || !h->blk[g])
		return 0;
	return h->blk[g][idx & (SUB - 1)];
}

void pw_hist_release(struct pw_hist *h)
{
	if (!h)
		return;
	for (uint32_t g = 0; g < h->n; g++)
		free(h->blk[g]);
	free(h->blk);
	memset(h, 0, sizeof(*h));
}
