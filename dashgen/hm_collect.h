// SPDX-License-Identifier: Apache-2.0
// hm_collect.h: the single pass' end: what it collected, cut to what the second pass would have made. Private to the heatmaps.
//
// hm_collect.c implements this and the collector's public functions of
// heatmap.h (pw_hm_collect_new, pw_hm_collect_batch, pw_hm_collect_free).
#ifndef PW_HM_COLLECT_H
#define PW_HM_COLLECT_H

#include <stddef.h>

#include "hm_int.h"

// hm_collect_finish: after the first pass, c's collection cut to the
// shown tasks (shown[0..ns), in their order; borrowed): their data moved
// to the front, the exact budget given out, reason keys and CPU view ids
// numbered as the second pass would have. 0 with *out = the state to write
// (c's: freed with c), 1 when the collection does not hold (the second
// pass is to be made), -1 out of memory.
int hm_collect_finish(struct pw_hm_collect *c, const struct pw_an_run *run,
		      const struct pw_an_task *const *shown, size_t ns,
		      struct pw_hm_summary *sum, struct hm **out);

#endif
