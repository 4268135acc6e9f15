// SPDX-License-Identifier: Apache-2.0
// hm_bound.h: the heatmaps' time bins, and the folding that keeps the document within its budget. Private to the heatmaps.
//
// hm_params() first, before anything is collected (the bins are where
// events go); hm_bound() once all is collected, before the document.
#ifndef PW_HM_BOUND_H
#define PW_HM_BOUND_H

#include <stddef.h>
#include <stdint.h>

#include "hm_int.h"

// the non-empty buckets of one time bin's column, from its mask: [lo, hi];
// 0 when empty
static inline int hm_col_range(uint64_t m, unsigned *lo, unsigned *hi)
{
	if (!m)
		return 0;
	*lo = (unsigned)__builtin_ctzll(m);
	*hi = 63 - (unsigned)__builtin_clzll(m);
	return 1;
}

// hm_params: the bins of window [ws, we] (the analysis' own, run_bin_ns,
// when nearly as fine) and of the CPU view for ncpus CPUs (ho->cpu_cells
// in all).
void hm_params(struct hm *h, uint64_t ws, uint64_t we, uint64_t run_bin_ns, size_t ncpus,
	       const struct pw_hm_opts *ho);

// hm_bound: halve the task heatmaps' time bins, every task's alike, until
// the numbers their binned series take in the document fit cell_budget (16
// bins at the least). 0, or -1 (h->nomem set): out of memory.
int hm_bound(struct hm *h, uint64_t cell_budget);

#endif
