// SPDX-License-Identifier: Apache-2.0
// unit-tidhash.c: the tid hash table (common/pw_tidhash.h) against a simple
// model: an array of the tids put, in order, whose positions are the
// indexes. Tids 0, -1, INT32_MIN and INT32_MAX, tids a multiple of the table
// size apart, growth past several doublings, absent tids, bad indexes,
// release and reuse.
#include <stdlib.h>

#include "check.h"
#include "pw_error.h"
#include "pw_tidhash.h"

// The model: model[i] is the tid put with index i.
struct model {
	int32_t *tid;
	uint32_t n, cap;
};

static void model_put(struct model *m, int32_t tid)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 1024;
		m->tid = realloc(m->tid, m->cap * sizeof(*m->tid));
		if (!m->tid)
			abort();
	}
	m->tid[m->n++] = tid;
}

// the model's index of tid, or -1 (a linear search: small models only)
static int64_t model_find(const struct model *m, int32_t tid)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (m->tid[i] == tid)
			return i;
	return -1;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

// A tid as files hold them: mostly small, sometimes anything, and the
// values at the edges.
static int32_t any_tid(void)
{
	static const int32_t edge[] = { 0, -1, 1, INT32_MIN, INT32_MAX, INT32_MIN + 1,
					INT32_MAX - 1, 1024, -1024, 1 << 20 };

	switch (rnd32() % 8) {
	case 0:
		return edge[rnd32() % (sizeof(edge) / sizeof(edge[0]))];
	case 1:
	case 2:
		return (int32_t)rnd32();
	default:
		return (int32_t)(rnd32() % 100000);
	}
}

// Every tid of the model found at its index, and h's invariants.
static void check_all(const struct pw_tidhash *h, const struct model *m)
{
	int bad = 0;

	check_uint(h->n, ==, m->n);
	check(h->cap == 0 || (h->cap & (h->cap - 1)) == 0);
	check_uint((uint64_t)h->n * 2, <=, h->cap);
	for (uint32_t i = 0; i < m->n && bad < 5; i++) {
		int64_t got = pw_tidhash_find(h, m->tid[i]);

		if (got != i) {
			check_int(got, ==, i);
			bad++;
		}
	}
}

static void test_empty(void)
{
	struct pw_tidhash h = { 0 };

	check_int(pw_tidhash_find(&h, 0), ==, -1);
	check_int(pw_tidhash_find(&h, -1), ==, -1);
	check_int(pw_tidhash_find(&h, INT32_MIN), ==, -1);
	check_int(pw_tidhash_find(&h, INT32_MAX), ==, -1);
	pw_tidhash_release(&h);		// a zeroed table is fine
	check(h.slots == NULL && h.cap == 0 && h.n == 0);
}

static void test_edges(void)
{
	static const int32_t tids[] = { 0, -1, INT32_MIN, INT32_MAX, 1, INT32_MIN + 1,
					INT32_MAX - 1, -2 };
	const uint32_t n = sizeof(tids) / sizeof(tids[0]);
	struct pw_tidhash h = { 0 };

	for (uint32_t i = 0; i < n; i++) {
		check_int(pw_tidhash_find(&h, tids[i]), ==, -1);
		check_int(pw_tidhash_put(&h, tids[i], 10 * i), ==, 0);
		for (uint32_t j = 0; j <= i; j++)
			check_int(pw_tidhash_find(&h, tids[j]), ==, 10 * j);
		for (uint32_t j = i + 1; j < n; j++)
			check_int(pw_tidhash_find(&h, tids[j]), ==, -1);
	}
	check_int(pw_tidhash_find(&h, 2), ==, -1);
	check_int(pw_tidhash_find(&h, -3), ==, -1);
	// the largest index there is, and the one past it, refused
	check_int(pw_tidhash_put(&h, 42, UINT32_MAX - 1), ==, 0);
	check_int(pw_tidhash_find(&h, 42), ==, UINT32_MAX - 1);
	check_int(pw_tidhash_put(&h, 43, UINT32_MAX), ==, PW_EINVAL);
	check_int(pw_tidhash_find(&h, 43), ==, -1);
	check_uint(h.n, ==, n + 1);
	pw_tidhash_release(&h);
}

// Tids a multiple of the table size apart (and of larger powers of two)
// must not share a probe chain: no key sits far from its home slot.
static void test_strides(void)
{
	static const uint32_t strides[] = { 1024, 2048, 1u << 16, 1u << 20, 1u << 24 };

	for (size_t s = 0; s < sizeof(strides) / sizeof(strides[0]); s++) {
		struct pw_tidhash h = { 0 };
		struct model m = { 0 };
		uint32_t far = 0;

		// 240 multiples, distinct as int32 for every stride here
		for (int32_t k = -120; k < 120; k++) {
			int32_t tid = (int32_t)(uint32_t)((int64_t)k * strides[s]);

			check_int(pw_tidhash_put(&h, tid, m.n), ==, 0);
			model_put(&m, tid);
		}
		check_all(&h, &m);
		// the farthest a key sits from its home slot
		for (uint32_t j = 0; j < h.cap; j++) {
			if (!h.slots[j].idx1)
				continue;
			uint32_t d = (j - pw_tidhash_home(&h, h.slots[j].tid)) & (h.cap - 1);

			far = d > far ? d : far;
		}
		check_uint(far, <, 16);
		for (int32_t k = 1; k < 50; k++)	// between the multiples: absent
			check_int(pw_tidhash_find(&h, (int32_t)(k * (int64_t)strides[s] / 3 + 1)), ==,
				  model_find(&m, (int32_t)(k * (int64_t)strides[s] / 3 + 1)));
		pw_tidhash_release(&h);
		free(m.tid);
	}
}

// Random tids, checked against the model as the table grows.
static void test_random(void)
{
	struct pw_tidhash h = { 0 };
	struct model m = { 0 };

	for (int round = 0; round < 3000; round++) {
		int32_t tid = any_tid();
		int64_t want = model_find(&m, tid);

		check_int(pw_tidhash_find(&h, tid), ==, want);
		if (want < 0) {
			check_int(pw_tidhash_put(&h, tid, m.n), ==, 0);
			model_put(&m, tid);
		}
		if (round % 500 == 0)
			check_all(&h, &m);
	}
	check_all(&h, &m);
	pw_tidhash_release(&h);
	free(m.tid);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

// 300,000 distinct tids: from 1024 slots to 2^20, ten doublings; every one
// found at its index after each, and absent ones not found.
static void test_growth(void)
{
	struct pw_tidhash h = { 0 };
	struct model m = { 0 };
	uint32_t doublings = 0, cap = 0;
	const uint32_t n = 300000;

	for (uint32_t i = 0; i < n; i++) {
		// distinct: an odd multiplier is a bijection of the 32-bit values
		int32_t tid = (int32_t)(i * 2654435761u + 12345u);

		check_int(pw_tidhash_put(&h, tid, i), ==, 0);
		model_put(&m, tid);
		if (h.cap != cap) {
			doublings += cap != 0;
			cap = h.cap;
			check_all(&h, &m);
		}
	}
	check_uint(doublings, >=, 9);
	check_all(&h, &m);
	// absent tids: the model sorted, for a binary search
	int32_t *sorted = malloc(n * sizeof(*sorted));

	if (!check(sorted))
		return;
	memcpy(sorted, m.tid, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_i32);
	int misses = 0;

	for (int k = 0; k < 100000; k++) {
		int32_t tid = (int32_t)rnd32();
		int in = bsearch(&tid, sorted, n, sizeof(*sorted), cmp_i32) != NULL;
		int64_t got = pw_tidhash_find(&h, tid);

		if (!in && got != -1 && misses++ < 5)
			check_int(got, ==, -1);
		if (in && (got < 0 || m.tid[got] != tid) && misses++ < 5)
			check_int(got, >=, 0);
	}
	free(sorted);
	pw_tidhash_release(&h);
	free(m.tid);
}

// After a release the table is empty and takes keys again.
static void test_reuse(void)
{
	struct pw_tidhash h = { 0 };
	struct model m = { 0 };

	for (uint32_t i = 0; i < 5000; i++)
		check_int(pw_tidhash_put(&h, (int32_t)(i * 7 - 100), i), ==, 0);
	pw_tidhash_release(&h);
	check(h.slots == NULL && h.cap == 0 && h.n == 0);
	check_int(pw_tidhash_find(&h, -100), ==, -1);
	check_int(pw_tidhash_find(&h, 0), ==, -1);
	for (uint32_t i = 0; i < 3000; i++) {
		int32_t tid = (int32_t)(i * 11 + 5);

		check_int(pw_tidhash_put(&h, tid, m.n), ==, 0);
		model_put(&m, tid);
	}
	check_all(&h, &m);
	check_int(pw_tidhash_find(&h, -100), ==, -1);
	pw_tidhash_release(&h);
	pw_tidhash_release(&h);		// twice is fine
	free(m.tid);
}

int main(void)
{
	TEST(test_empty(), "tidhash: an empty table finds nothing, releases");
	TEST(test_edges(), "tidhash: 0, -1, INT32_MIN, INT32_MAX as keys; the index UINT32_MAX refused");
	TEST(test_strides(), "tidhash: tids a multiple of the table size apart keep short probes");
	TEST(test_random(), "tidhash: random tids against an array model");
	TEST(test_growth(), "tidhash: 300,000 tids, ten doublings, absent tids not found");
	TEST(test_reuse(), "tidhash: released, then used again");
	return check_done();
}
