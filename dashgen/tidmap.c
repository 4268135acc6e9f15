// SPDX-License-Identifier: Apache-2.0
// tidmap.c: filling and freeing the tid -> task map (tidmap.h).
#include <stdlib.h>

#include "pw_error.h"
#include "tidmap.h"

// a tid outside the direct table: its task at the end of far_tasks, the
// hash giving that index
static int put_far(struct pw_tid_map *m, int32_t tid, struct pw_an_task *t)
{
	if (m->nr_far == m->cap_far) {
		size_t n = m->cap_far ? 2 * m->cap_far : 16;
		struct pw_an_task **v = realloc(m->far_tasks, n * sizeof(*v));
		if (!v)
			return PW_ENOMEM;
		m->far_tasks = v;
		m->cap_far = n;
	}
	// (the hash holds at most 2^30 tids: the index fits)
	if (pw_tidhash_put(&m->far, tid, (uint32_t)m->nr_far))
		return PW_ENOMEM;
	m->far_tasks[m->nr_far++] = t;
	return 0;
}

int pw_tid_map_put(struct pw_tid_map *m, int32_t tid, struct pw_an_task *t)
{
	if ((uint32_t)tid >= PW_TID_DIRECT)
		return put_far(m, tid, t);
	struct pw_an_task ***pg = &m->pages[(uint32_t)tid >> PW_TID_PAGE_BITS];
	if (!*pg && !(*pg = calloc(PW_TID_PAGE, sizeof(**pg))))
		return PW_ENOMEM;
	(*pg)[(uint32_t)tid & (PW_TID_PAGE - 1)] = t;
	return 0;
}

void pw_tid_map_free(struct pw_tid_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < PW_TID_DIRECT / PW_TID_PAGE; i++)
		free(m->pages[i]);
	pw_tidhash_release(&m->far);
	free(m->far_tasks);
	free(m);
}
