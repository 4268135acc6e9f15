// SPDX-License-Identifier: Apache-2.0
// hm_bound.c: the heatmaps' bins and bounds (see hm_bound.h).
#include "hm_bound.h"

#include "hm_series.h"

static uint32_t pow2_floor(uint64_t v)
{
	uint32_t p = 1;
	while ((uint64_t)p * 2 <= v && p < (1u << 30))
		p *= 2;
	return p;
}

// The bins of window [ws, we] (the analysis' own, run_bin_ns, when nearly as
// fine) and of the CPU view for ncpus CPUs.
void hm_params(struct hm *h, uint64_t ws, uint64_t we, uint64_t run_bin_ns,
	       size_t ncpus, const struct pw_hm_opts *ho)
{
	h->ws = ws;
	h->we = we;
	h->wlen = we - ws;	// the analysis' window: we >= ws
	uint64_t span = we - ws + 1;
	h->nbins = PW_HM_BINS;
	h->bin_ns = (span + h->nbins - 1) / h->nbins;
	// the first pass' series bins when they are nearly as fine (at most
	// 1/4 wider): the CPU % strip and the heatmaps then share bin edges
	if (run_bin_ns && run_bin_ns * PW_HM_BINS >= span && run_bin_ns * 4 <= h->bin_ns * 5)
		h->bin_ns = run_bin_ns;
	uint64_t cpub = ho->cpu_cells / (ncpus ? ncpus : 1);
	h->cpu_nbins = pow2_floor(cpub < 64 ? 64 : cpub > 1024 ? 1024 : cpub);
	h->cpu_bin_ns = (span + h->cpu_nbins - 1) / h->cpu_nbins;
	if ((h->bin_ns * PW_HM_BINS) % h->cpu_nbins == 0 &&
	    h->bin_ns * PW_HM_BINS / h->cpu_nbins >= h->cpu_bin_ns)
		h->cpu_bin_ns = h->bin_ns * PW_HM_BINS / h->cpu_nbins;	// aligned too
	h->sb_lo = h->ws;	// bin 0
	h->sb_idx = 0;
}

// the numbers the binned task series take in the document (what makes
// its size): per column 3 or 4 plus its buckets; per core cell 3
static uint64_t cells(const struct hm *h)
{
	uint64_t n = 0;

	for (size_t i = 0; i < h->ntasks; i++) {
		const struct hm_task *k = &h->tasks[i];
		for (int s = 0; s < S__N; s++)
			for (size_t key = 0; key < k->s[s].nkeys; key++) {
				const uint64_t *m = k->s[s].mask[key];
				unsigned lo, hi;
				for (uint32_t b = 0; m && b < h->nbins; b++)
					if (hm_col_range(m[b], &lo, &hi))
						n += 3 + (s == S_HOST || s == S_GUEST) + hi - lo + 1;
			}
		for (size_t c = 0; k->core_bins && c < h->ncpus; c++)
			for (uint32_t b = 0; k->core_bins[c] && b < h->nbins; b++)
				n += 3 * (k->core_bins[c][b] != 0);
	}
	return n;
}

// a 16-bit series whose folded counts would not fit: widened first. 0, or
// -1 (out of memory)
static int fold_fit(struct hm *h, struct hm_series *se, uint32_t half)
{
	for (size_t key = 0; !se->wide && key < se->nkeys; key++) {
		const uint16_t *g = se->grid[key];
		for (size_t b = 0; g && b < half; b++)
			for (size_t d = 0; d < PW_HM_DUR; d++)
				if ((uint32_t)g[2 * b * PW_HM_DUR + d] +
				    g[(2 * b + 1) * PW_HM_DUR + d] > UINT16_MAX)
					return hm_series_widen(h, se, SIZE_MAX, SIZE_MAX);
	}
	return 0;
}

// halve the time resolution of every binned series (exact: counts add up).
// 0, or -1 (h->nomem set): out of memory
static int fold(struct hm *h)
{
	uint32_t half = h->nbins / 2;

	for (size_t i = 0; i < h->ntasks; i++) {
		struct hm_task *k = &h->tasks[i];
		for (int s = 0; s < S__N; s++) {
			struct hm_series *se = &k->s[s];
			if (fold_fit(h, se, half))
				return -1;
			for (size_t key = 0; key < se->nkeys; key++) {
				void *g = se->grid[key];
				uint64_t *m = se->mask[key];
				if (!g)
					continue;
				for (uint32_t b = 0; b < half; b++) {
					for (unsigned d = 0; d < PW_HM_DUR; d++) {
						size_t o = (size_t)b * PW_HM_DUR + d;
						uint32_t v = hm_cell(se, g, 2 * (size_t)b * PW_HM_DUR + d) +
							     hm_cell(se, g, (2 * (size_t)b + 1) * PW_HM_DUR + d);
						if (se->wide)
							((uint32_t *)g)[o] = v;
						else
							((uint16_t *)g)[o] = (uint16_t)v;
					}
					m[b] = m[2 * b] | m[2 * b + 1];
				}
			}
		}
		for (size_t c = 0; k->core_bins && c < h->ncpus; c++) {
			uint64_t *s = k->core_bins[c];
			for (uint32_t b = 0; s && b < half; b++)
				s[b] = s[2 * b] + s[2 * b + 1];
		}
	}
	h->nbins = half;
	h->bin_ns *= 2;
	return 0;
}

int hm_bound(struct hm *h, uint64_t cell_budget)
{
	while (h->nbins > 16 && cells(h) > cell_budget)
		if (fold(h))
			return -1;
	return 0;
}
