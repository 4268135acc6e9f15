// SPDX-License-Identifier: Apache-2.0
// pw_tidhash.h: tid -> index, the one hash table of tids in perfwhiz (the
// plugin's tasks, the writer's runtime per tid, the legacy reader's names,
// perfwhiz-dash's tids outside its direct table).
//
// Open addressing with linear probing, Fibonacci hashing (the top bits of
// tid * 2654435761, which depend on every bit of the tid: tids a multiple
// of the table size apart do not share a chain), at most half full. Any
// int32 is a key, 0 and -1 included (a file may hold any). The value is an
// index into the caller's own array, which keeps the tasks in the order
// they came: the table holds 8 bytes a slot, tid and index side by side, so
// that a probe reads one cache line. Usage:
//	struct pw_tidhash h = { 0 };
//	int32_t tid = 4242;
//	int64_t i = pw_tidhash_find(&h, tid);	// -1: not there
//	if (i < 0 && pw_tidhash_put(&h, tid, 7))
//		return -1;			// PW_ENOMEM, h unchanged
//	pw_tidhash_release(&h);
#ifndef PW_TIDHASH_H
#define PW_TIDHASH_H

#include <stddef.h>
#include <stdint.h>

struct pw_tidhash_slot {
	int32_t tid;
	uint32_t idx1;		// index + 1; 0: the slot is empty
};

struct pw_tidhash {
	struct pw_tidhash_slot *slots;
	uint32_t cap;		// a power of two, or 0
	uint32_t n;		// keys held
	unsigned shift;		// 32 - log2(cap)
};

// pw_tidhash_home: the slot a tid's probe starts at (cap > 0).
static inline uint32_t pw_tidhash_home(const struct pw_tidhash *h, int32_t tid)
{
	return ((uint32_t)tid * 2654435761u) >> h->shift;
}

// pw_tidhash_find: the index of tid, or -1 when it is not in h.
static inline int64_t pw_tidhash_find(const struct pw_tidhash *h, int32_t tid)
{
	if (!h->cap)
		return -1;
	for (uint32_t j = pw_tidhash_home(h, tid);; j = (j + 1) & (h->cap - 1)) {
		const struct pw_tidhash_slot *s = &h->slots[j];
		if (!s->idx1)
			return -1;
		if (s->tid == tid)
			return (int64_t)s->idx1 - 1;
	}
}

// pw_tidhash_put: tid (not in h yet) -> index. 0; PW_EINVAL for the index
// UINT32_MAX, or PW_ENOMEM, with h unchanged.
int pw_tidhash_put(struct pw_tidhash *h, int32_t tid, uint32_t index);

// pw_tidhash_release: free the slots; h is empty (and reusable) after it.
// A zeroed h is fine.
void pw_tidhash_release(struct pw_tidhash *h);

#endif
