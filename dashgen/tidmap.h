// SPDX-License-Identifier: Apache-2.0
// tidmap.h: tid -> task, the lookup both passes over a .cdict make for nearly every event.
//
// Real tids are below PID_MAX_LIMIT (2^22 on 64-bit Linux): for them a
// two-level table, pages of PW_TID_PAGE slots allocated on first use
// (memory follows the tids seen, never the events), a lookup without a
// search; any other id an odd file may hold goes to a small hash. tid 0 is
// never stored (swapper/N belongs to its CPU).
//
//	struct pw_tid_map *m = calloc(1, sizeof(*m));
//	if (!m || pw_tid_map_put(m, tid, task))
//		nomem();
//	struct pw_an_task *t = pw_tid_map_find(m, tid);	// NULL: none
//	pw_tid_map_free(m);
#ifndef PW_TIDMAP_H
#define PW_TIDMAP_H

#include <stddef.h>
#include <stdint.h>

struct pw_an_task;

#define PW_TID_PAGE_BITS 10
#define PW_TID_PAGE (1u << PW_TID_PAGE_BITS)
#define PW_TID_DIRECT (1u << 22)

struct pw_tid_map {
	struct pw_an_task **pages[PW_TID_DIRECT / PW_TID_PAGE];
	int32_t *keys;			// the hash (tids outside the table)
	struct pw_an_task **vals;
	size_t hcap, hn;
};

static inline size_t pw_tid_hash(int32_t tid, size_t cap)
{
	return ((uint32_t)tid * 2654435761u) & (cap - 1);
}

// pw_tid_map_find: the task of tid (not 0), or NULL.
static inline struct pw_an_task *pw_tid_map_find(const struct pw_tid_map *m, int32_t tid)
{
	if ((uint32_t)tid < PW_TID_DIRECT) {
		struct pw_an_task **pg = m->pages[(uint32_t)tid >> PW_TID_PAGE_BITS];
		return pg ? pg[(uint32_t)tid & (PW_TID_PAGE - 1)] : NULL;
	}
	if (!m->hcap)
		return NULL;
	for (size_t j = pw_tid_hash(tid, m->hcap); m->vals[j]; j = (j + 1) & (m->hcap - 1))
		if (m->keys[j] == tid)
			return m->vals[j];
	return NULL;
}

// pw_tid_map_put: tid (not 0, not in the map yet) -> t (borrowed). 0 or
// PW_ENOMEM (the map is unchanged then).
int pw_tid_map_put(struct pw_tid_map *m, int32_t tid, struct pw_an_task *t);

// pw_tid_map_free: the map and its pages; NULL is fine.
void pw_tid_map_free(struct pw_tid_map *m);

#endif
