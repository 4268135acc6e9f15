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

// the position of bucket idx among the far ones: its entry, or where it
// would go
static uint32_t far_at(const struct pw_hist *h, uint32_t idx)
{
	uint32_t a = 0, z = h->nfar;

	while (a < z) {
		uint32_t m = a + (z - a) / 2;
		if (h->far[m].idx < idx)
			a = m + 1;
		else
			z = m;
	}
	return a;
}

// The window made anew over [lo, hi], the old one and every far bucket in
// it. 0 or PW_ENOMEM.
static int rewindow(struct pw_hist *h, uint32_t lo, uint32_t hi)
{
	uint32_t n = hi - lo + 1;
	uint32_t *b = calloc(n, sizeof(*b));

	if (!b)
		return PW_ENOMEM;
	if (h->b)
		memcpy(b + (h->lo - lo), h->b, h->n * sizeof(*b));
	for (uint32_t i = 0; i < h->nfar; i++)
		b[h->far[i].idx - lo] += h->far[i].n;
	free(h->b);
	free(h->far);
	h->b = b;
	h->lo = lo;
	h->n = n;
	h->far = NULL;
	h->nfar = h->capfar = 0;
	return 0;
}

// cnt more in bucket idx (h->count already counts them): in the window,
// grown to reach it (and every far bucket) when the values pay for it,
// else among the far buckets. 0 or PW_ENOMEM.
static int add_n(struct pw_hist *h, uint32_t idx, uint32_t cnt)
{
	if (h->b && idx - h->lo < h->n) {
		h->b[idx - h->lo] += cnt;
		return 0;
	}
	// a little beyond the value, so that a spread-out series does not
	// make the window anew at every new bucket
	uint32_t lo = idx > SUB / 2 ? idx - SUB / 2 : 0;
	uint32_t hi = idx + SUB / 2 < PW_HIST_BUCKETS ? idx + SUB / 2 : PW_HIST_BUCKETS - 1;
	if (h->b) {
		lo = h->lo < lo ? h->lo : lo;
		hi = h->lo + h->n - 1 > hi ? h->lo + h->n - 1 : hi;
	}
	if (h->nfar) {
		lo = h->far[0].idx < lo ? h->far[0].idx : lo;
		hi = h->far[h->nfar - 1].idx > hi ? h->far[h->nfar - 1].idx : hi;
	}
	if (hi - lo + 1 <= PW_HIST_WINDOW(h->count)) {
		if (rewindow(h, lo, hi))
			return PW_ENOMEM;
		h->b[idx - h->lo] += cnt;
		return 0;
	}
	uint32_t k = far_at(h, idx);
	if (k < h->nfar && h->far[k].idx == idx) {
		h->far[k].n += cnt;
		return 0;
	}
	if (h->nfar == h->capfar) {
		uint32_t cap = h->capfar ? 2 * h->capfar : 4;
		struct pw_hist_far *f = realloc(h->far, cap * sizeof(*f));
		if (!f)
			return PW_ENOMEM;
		h->far = f;
		h->capfar = cap;
	}
	memmove(h->far + k + 1, h->far + k, (h->nfar - k) * sizeof(*h->far));
	h->far[k] = (struct pw_hist_far){ idx, cnt };
	h->nfar++;
	return 0;
}

int pw_hist_add_grow(struct pw_hist *h, uint64_t v)
{
	h->count++;
	if (add_n(h, pw_hist_bucket(v), 1)) {
		h->count--;
		return PW_ENOMEM;
	}
	if (h->count == 1 || v < h->min)
		h->min = v;
	if (h->count == 1 || v > h->max)
		h->max = v;
	h->sum += v;
	return 0;
}

int pw_hist_merge(struct pw_hist *dst, const struct pw_hist *src)
{
	if (!src->count)
		return 0;
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	if (!dst->count || src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;	// first: the window may grow to every value
	dst->sum += src->sum;
	for (uint32_t i = 0; i < src->n; i++)
		if (src->b[i] && add_n(dst, src->lo + i, src->b[i]))
			return PW_ENOMEM;
	for (uint32_t i = 0; i < src->nfar; i++)
		if (add_n(dst, src->far[i].idx, src->far[i].n))
			return PW_ENOMEM;
	return 0;
}

// the middle of bucket idx, clamped to [min, max]
static uint64_t middle(const struct pw_hist *h, uint32_t idx)
{
	uint64_t lo = pw_hist_bucket_low(idx);
	uint64_t v = lo + (pw_hist_bucket_high(idx) - lo) / 2;

	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
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
	if (!h->nfar) {		// the common case: the window alone
		for (uint32_t i = 0; i < h->n; i++)
			if ((seen += h->b[i]) >= rank)
				return middle(h, h->lo + i);
		return h->max;
	}
	// the far buckets below the window, the window, the far ones above
	uint32_t below = h->b ? far_at(h, h->lo) : h->nfar;
	for (uint32_t k = 0; k < h->nfar + h->n; k++) {
		uint32_t idx, c;
		if (k < below) {
			idx = h->far[k].idx, c = h->far[k].n;
		} else if (k < below + h->n) {
			idx = h->lo + (k - below), c = h->b[k - below];
		} else {
			idx = h->far[k - h->n].idx, c = h->far[k - h->n].n;
		}
		if ((seen += c) >= rank)
			return middle(h, idx);
	}
	return h->max;
}

uint32_t pw_hist_at(const struct pw_hist *h, uint32_t idx)
{
	if (h->b && idx - h->lo < h->n)
		return h->b[idx - h->lo];
	uint32_t k = far_at(h, idx);
	return k < h->nfar && h->far[k].idx == idx ? h->far[k].n : 0;
}

void pw_hist_release(struct pw_hist *h)
{
	if (!h)
		return;
	free(h->b);
	free(h->far);
	memset(h, 0, sizeof(*h));
}
