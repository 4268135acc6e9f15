// SPDX-License-Identifier: Apache-2.0
// pw_tidhash.c: growing the tid hash (pw_tidhash.h).
#include <stdlib.h>

#include "pw_error.h"
#include "pw_tidhash.h"

#define PW_TIDHASH_MIN_BITS 10

static int grow(struct pw_tidhash *h)
{
	unsigned bits = h->cap ? 32 - h->shift + 1 : PW_TIDHASH_MIN_BITS;
	struct pw_tidhash_slot *s;
	struct pw_tidhash g;

	if (bits > 31)
		return PW_ENOMEM;
	if (!(s = calloc((size_t)1 << bits, sizeof(*s))))
		return PW_ENOMEM;
	g = (struct pw_tidhash){ s, (uint32_t)1 << bits, h->n, 32 - bits };
	for (uint32_t i = 0; i < h->cap; i++) {
		if (!h->slots[i].idx1)
			continue;
		uint32_t j = pw_tidhash_home(&g, h->slots[i].tid);
		while (s[j].idx1)
			j = (j + 1) & (g.cap - 1);
		s[j] = h->slots[i];
	}
	free(h->slots);
	*h = g;
	return 0;
}

int pw_tidhash_put(struct pw_tidhash *h, int32_t tid, uint32_t index)
{
	if (index == UINT32_MAX)
		return PW_EINVAL;
	if (((uint64_t)h->n + 1) * 2 > h->cap && grow(h))
		return PW_ENOMEM;
	uint32_t j = pw_tidhash_home(h, tid);
	while (h->slots[j].idx1)
		j = (j + 1) & (h->cap - 1);
	h->slots[j] = (struct pw_tidhash_slot){ tid, index + 1 };
	h->n++;
	return 0;
}

void pw_tidhash_release(struct pw_tidhash *h)
{
	free(h->slots);
	*h = (struct pw_tidhash){ 0 };
}
