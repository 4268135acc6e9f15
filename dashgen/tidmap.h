// SPDX-License-Identifier: Apache-2.0
// tidmap.h: tid -> task, the lookup both passes over a .cdict make for nearly every event.
//
// Real tids are below PID_MAX_LIMIT (2^22 on 64-bit Linux): for them a
// two-level table, pages of PW_TID_PAGE slots allocated on first use
// (memory follows the tids seen, never the events), a lookup without a
// search; any other id an odd file may hold goes to the tid hash
// (pw_tidhash.h), whose index is into the map's own array of tasks. tid 0
// is never stored (swapper/N belongs to its CPU). A zeroed map is empty.
//
// Usage:
//	struct pw_an_task *task = NULL;		// a run's task (borrowed)
//	struct pw_tid_map *m = calloc(1, sizeof(*m));
//	if (!m || pw_tid_map_put(m, 4242, task))
//		die("out of memory");
//	use(pw_tid_map_find(m, 4242));		// NULL: none
//	pw_tid_map_free(m);
#ifndef PW_TIDMAP_H
#define PW_TIDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "pw_tidhash.h"

struct pw_an_task;

#define PW_TID_PAGE_BITS 10
#define PW_TID_PAGE (1u << PW_TID_PAGE_BITS)
#define PW_TID_DIRECT (1u << 22)

struct pw_tid_map {
	struct pw_an_task **pages[PW_TID_DIRECT / PW_TID_PAGE];
	struct pw_tidhash far;		// tids outside the table -> index in far_tasks
	struct pw_an_task **far_tasks;
	size_t nr_far, cap_far;
};

// pw_tid_map_find: the task of tid (not 0), or NULL.
static inline struct pw_an_task *pw_tid_map_find(const struct pw_tid_map *m, int32_t tid)
{
	if ((uint32_t)tid < PW_TID_DIRECT) {
		struct pw_an_task **pg = m->pages[(uint32_t)tid >> PW_TID_PAGE_BITS];
		return pg ? pg[(uint32_t)tid & (PW_TID_PAGE - 1)] : NULL;
	}
	int64_t i = pw_tidhash_find(&m->far, tid);
	return i < 0 ? NULL : m->far_tasks[i];
}

// pw_tid_map_put: tid (not 0, not in the map yet) -> t (borrowed). 0 or
// PW_ENOMEM (the map is unchanged then).
int pw_tid_map_put(struct pw_tid_map *m, int32_t tid, struct pw_an_task *t);

// pw_tid_map_free: the map and its pages; NULL is fine.
void pw_tid_map_free(struct pw_tid_map *m);

#endif
