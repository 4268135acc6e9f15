// SPDX-License-Identifier: Apache-2.0
// hm_series.h: each interval into the heatmaps' state: series, core maps, the CPU view, reason keys. Private to the heatmaps.
//
// Each interval of the replay (replay.h) goes through here, by the sink
// (hm_sink.h): the common cases inline (PW_HOT), a bin found without a
// division when it is the one the last interval fell in (they come in time
// order), a list grown only now and then; what the path seldom needs is out
// of line, in hm_series.c, as is freeing the state. What runs out of
// memory sets h->nomem (and returns -1 where it says so). In the single
// pass (h->collect) the bytes held are counted (hm_collect_bytes) and the
// adds the exact budget would see are logged (hm_log_add).
#ifndef PW_HM_SERIES_H
#define PW_HM_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hm_int.h"
#include "pw_compiler.h"

/* ---- duration buckets -------------------------------------------------- */

// Bucket k holds durations from hm_dur_edges[k] (10^(1 + k/5) ns) up to
// the next edge; bucket 0 also shorter ones, the last one longer ones.
extern uint64_t hm_dur_edges[PW_HM_DUR + 1];
// per sixteenth of an octave [(16 + m) << (e - 4), (17 + m) << (e - 4)),
// 4 <= e < 36 (all durations from 16 ns to the last bucket's edge, below
// 2^36), index 16 (e - 4) + m: the bucket of its lowest value, capped at
// PW_HM_DUR - 2 so that hm_dur_bucket's one step stays in range
#define HM_OCT_E0 4
#define HM_OCT_E1 36
extern unsigned char hm_dur_oct[(HM_OCT_E1 - HM_OCT_E0) * 16];

// hm_dur_init: the two tables (again: nothing), before any of the rest.
// Not thread-safe: the main thread's, before the collector's thread starts.
void hm_dur_init(void);

// hm_dur_check: assert() hm_dur_bucket's answers against a binary search.
void hm_dur_check(void);

// As dur_bucket_search, from the sixteenth of an octave ns is in: one
// holds at most one edge (a ratio of at most 17/16, a bucket 10^(1/5)), so
// at most one step. The exponent and the first 4 bits of the mantissa of
// ns as a double (exact below 2^53) index the table: no variable shift,
// no search. hm_dur_init() first.
PW_HOT unsigned hm_dur_bucket(uint64_t ns)
{
	if (ns < hm_dur_edges[1])	// 16: below, bucket 0
		return 0;
	if (ns >= hm_dur_edges[PW_HM_DUR - 1])	// < 2^36
		return PW_HM_DUR - 1;
	double x = (double)(int64_t)ns;
	uint64_t bits;
	memcpy(&bits, &x, sizeof(bits));
	unsigned k = hm_dur_oct[(bits >> 48) - ((1023u + HM_OCT_E0) << 4)];
	return k + (hm_dur_edges[k + 1] <= ns);
}

/* ---- exact lists ------------------------------------------------------- */

// hm_collect_bytes: n more bytes held; past h->bytes_max h->nomem is set:
// in the single pass the second pass takes over, in the second pass
// h->toobig is set too (the heatmaps are refused: heatmap.h,
// PW_HM_BYTES_MAX)
void hm_collect_bytes(struct hm *h, uint64_t n);

// hm_list_grow: a block more at l's tail (the pool's, or a new one). 0, or
// -1 out of memory.
int hm_list_grow(struct hm *h, struct hm_list *l);

PW_HOT int hm_list_add(struct hm *h, struct hm_list *l, uint64_t t, uint64_t d, uint32_t key)
{
	size_t i = l->n % HM_BLK;

	if (!i && hm_list_grow(h, l))
		return -1;
	l->tail->v[i] = (struct hm_ev){ t, d, key };
	l->n++;
	return 0;
}

// hm_log_grow: the single pass' log of the budget's adds, twice as long
void hm_log_grow(struct hm *h);

// single pass: an add the exact budget would see (the series is exact)
PW_HOT void hm_log_add(struct hm *h, uint32_t sid)
{
	if (h->nlog == h->caplog)
		hm_log_grow(h);
	if (h->nlog < h->caplog)
		h->log[h->nlog++] = (uint16_t)sid;	// < 65536 (hm_collect.c)
}

// hm_list_free: l's blocks to h's pool (h NULL: to free()); l is empty
void hm_list_free(struct hm *h, struct hm_list *l);

/* ---- binned series ----------------------------------------------------- */

// The task heatmaps' time bin of t (ws <= t): the last one for anything
// past it. bin [sb_lo, sb_lo + bin_ns) is the one the last lookup found.
PW_HOT uint32_t hm_bin_of(struct hm *h, uint64_t t)
{
	if (t - h->sb_lo < h->bin_ns)
		return h->sb_idx;
	uint64_t i = (t - h->ws) / h->bin_ns;
	if (i >= h->nbins)
		return h->nbins - 1;	// not cached: its range is open
	h->sb_idx = (uint32_t)i;
	h->sb_lo = h->ws + i * h->bin_ns;
	return (uint32_t)i;
}

// hm_grid_new: series s's grid and mask of key, made (calloc). The grid, or
// NULL out of memory.
void *hm_grid_new(struct hm *h, struct hm_series *s, uint32_t key);

// hm_series_widen: s's grids to 32-bit cells; cell i of wkey's grid (a
// 16-bit count that just wrapped to 0) at 65,536 (wkey SIZE_MAX: none).
// 0, or -1 (h->nomem set): out of memory.
int hm_series_widen(struct hm *h, struct hm_series *s, size_t wkey, size_t i);

// one event into a binned series: its cell's count, and the column's mask
// of non-empty buckets (what the document's size is computed from; a bit
// per event costs less than scanning every grid after the pass)
PW_HOT void hm_series_bin_k(struct hm *h, struct hm_series *s, uint64_t t, unsigned k,
			    uint32_t key)
{
	void *g = key < s->nkeys ? s->grid[key] : NULL;

	if (!g && !(g = hm_grid_new(h, s, key))) {
		h->nomem = 1;
		return;
	}
	uint32_t b = hm_bin_of(h, t);
	size_t i = (size_t)b * PW_HM_DUR + k;
	if (__builtin_expect(!s->wide, 1)) {
		if (__builtin_expect(++((uint16_t *)g)[i] == 0, 0) &&
		    hm_series_widen(h, s, key, i))
			return;
	} else {
		((uint32_t *)g)[i]++;
	}
	s->mask[key][b] |= (uint64_t)1 << k;
}

PW_HOT void hm_series_bin(struct hm *h, struct hm_series *s, uint64_t t, uint64_t d,
			  uint32_t key)
{
	hm_series_bin_k(h, s, t, hm_dur_bucket(d), key);
}

// hm_series_to_bins: s has too many events: what it kept is binned and
// given back to the exact budget
void hm_series_to_bins(struct hm *h, struct hm_series *s);

PW_HOT void hm_series_add(struct hm *h, struct hm_series *s, uint64_t t, uint64_t d,
			  uint32_t key)
{
	s->count++;
	if (!s->binned) {
		if (h->collect)
			hm_log_add(h, s->sid);
		if (s->ex.n < h->o->exact_max && h->exact_left) {
			if (!hm_list_add(h, &s->ex, t, d, key))
				h->exact_left--;
			return;
		}
		hm_series_to_bins(h, s);
	}
	hm_series_bin(h, s, t, d, key);
}

/* ---- core maps --------------------------------------------------------- */

// hm_core_bins_span: [a, b) into core bins s, bin by bin
void hm_core_bins_span(struct hm *h, uint64_t *s, uint64_t a, uint64_t b);

PW_HOT void hm_core_bins_add(struct hm *h, struct hm_task *k, uint32_t cpu, uint64_t a,
			     uint64_t b)
{
	if (cpu >= h->ncpus)
		return;
	if (!k->core_bins[cpu]) {
		if (!(k->core_bins[cpu] = calloc(h->nbins, sizeof(uint64_t)))) {
			h->nomem = 1;
			return;
		}
		hm_collect_bytes(h, h->nbins * sizeof(uint64_t));
	}
	uint64_t *s = k->core_bins[cpu];
	uint32_t i = hm_bin_of(h, a);
	if (b - 1 - h->sb_lo < h->bin_ns && i == h->sb_idx)
		s[i] += b - a;		// in one bin (the one just found)
	else
		hm_core_bins_span(h, s, a, b);
}

// hm_core_to_bins: task k's core map has too many slices: binned, and the
// exact ones given back to the budget
void hm_core_to_bins(struct hm *h, struct hm_task *k);

PW_HOT void hm_core_add(struct hm *h, struct hm_task *k, int32_t cpu, uint64_t a,
			uint64_t b)
{
	if (cpu < 0 || (size_t)cpu >= h->ncpus)
		return;
	k->core_count++;
	if (!k->core_binned) {
		if (h->collect)
			hm_log_add(h, k->core_sid);
		if (k->core.n < h->o->exact_max && h->exact_left) {
			if (!hm_list_add(h, &k->core, a, b - a, (uint32_t)cpu))
				h->exact_left--;
			return;
		}
		hm_core_to_bins(h, k);
		if (h->nomem)
			return;
	}
	hm_core_bins_add(h, k, (uint32_t)cpu, a, b);
}

/* ---- the CPU view ------------------------------------------------------ */

// hm_id_new: task t's id in the CPU view, given now (its visible task's)
int32_t hm_id_new(struct hm *h, const struct pw_an_task *t, size_t idx);

PW_HOT int32_t hm_id_of(struct hm *h, const struct pw_an_task *t, size_t idx)
{
	return h->id[idx] >= 0 ? h->id[idx] : hm_id_new(h, t, idx);
}

// hm_cpu_flush: c's bin being accumulated, done: its top task, busy time
// and task count
void hm_cpu_flush(struct hm *h, struct hm_cpu *c);

// hm_cpu_acc_new: room in c's accumulator, and its hash, for one task
// more. 0, or -1 out of memory.
int hm_cpu_acc_new(struct hm *h, struct hm_cpu *c);

// the first slot of id in c's hash (cap slots, a power of two)
static inline size_t hm_acc_home(int32_t id, size_t cap)
{
	return (size_t)(((uint64_t)(uint32_t)id * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

// ns of task id in bin `bin` of c: the bin's tasks, found through their
// hash (a table of every id per cpu was cpus x tasks)
PW_HOT void hm_cpu_acc(struct hm *h, struct hm_cpu *c, uint32_t bin, int32_t id,
		       uint64_t ns)
{
	if (c->cur != (int64_t)bin) {
		hm_cpu_flush(h, c);
		c->cur = bin;
		c->cur_lo = h->ws + (uint64_t)bin * h->cpu_bin_ns;
	}
	size_t j = 0;
	if (c->capah) {
		uint32_t at;
		for (j = hm_acc_home(id, c->capah); (at = c->ahix[j]); j = (j + 1) & (c->capah - 1))
			if (c->acc[at - 1].id == id) {
				c->acc[at - 1].ns += ns;
				return;
			}
	}
	size_t cap0 = c->capah;
	if ((c->nacc == c->capacc || 2 * (c->nacc + 1) > c->capah) && hm_cpu_acc_new(h, c)) {
		h->nomem = 1;
		return;
	}
	if (c->capah != cap0)	// the hash made anew: id's empty slot in it
		for (j = hm_acc_home(id, c->capah); c->ahix[j]; j = (j + 1) & (c->capah - 1))
			;
	c->acc[c->nacc++] = (struct hm_acc){ id, ns };
	c->ahix[j] = (uint32_t)c->nacc;
}

// hm_cpu_span: task id's [a, b) on c, bin by bin
void hm_cpu_span(struct hm *h, struct hm_cpu *c, int32_t id, uint64_t a, uint64_t b);

// hm_cpu_to_bins: c has too many slices: drawn from its bins alone
void hm_cpu_to_bins(struct hm *h, struct hm_cpu *c);

PW_HOT void hm_cpu_add(struct hm *h, int32_t cpu, int32_t id, uint64_t a, uint64_t b)
{
	if (cpu < 0 || (size_t)cpu >= h->ncpus)
		return;
	struct hm_cpu *c = &h->cpus[cpu];
	c->count++;
	if (!c->binned) {
		if (c->ex.n < h->o->exact_max && h->cpu_exact_left) {
			if (!hm_list_add(h, &c->ex, a, b - a, (uint32_t)id))
				h->cpu_exact_left--;
		} else {
			hm_cpu_to_bins(h, c);
		}
	}
	// always binned too (slices of a CPU come in time order): most fall
	// in the bin being accumulated, whose range is [cur_lo, + cpu_bin_ns)
	// (the last bin takes what is past it)
	if (c->cur >= 0 && a >= c->cur_lo &&
	    (b - 1 - c->cur_lo < h->cpu_bin_ns || c->cur == h->cpu_nbins - 1))
		hm_cpu_acc(h, c, (uint32_t)c->cur, id, b - a);
	else
		hm_cpu_span(h, c, id, a, b);
}

/* ---- reason keys ------------------------------------------------------- */

// hm_reason_names_fix: the names held in the reasons' buf, after the array
// moved
void hm_reason_names_fix(struct hm *h);

// hm_reason_key_new: the key of a reason without one in h->rkey: found,
// or given now. UINT32_MAX out of memory.
uint32_t hm_reason_key_new(struct hm *h, uint32_t isa, uint32_t reason);

// the page's key of a reason: keys in order of first appearance
PW_HOT uint32_t hm_reason_key(struct hm *h, uint32_t isa, uint32_t reason)
{
	if (isa != PW_ISA_SVM)
		isa = PW_ISA_VMX;
	if (reason < HM_RKEY && h->rkey[isa == PW_ISA_SVM][reason] >= 0)
		return (uint32_t)h->rkey[isa == PW_ISA_SVM][reason];
	return hm_reason_key_new(h, isa, reason);
}

// hm_task_keys_grow: task k's per-reason tables to hold key. 0, or -1 out
// of memory.
int hm_task_keys_grow(struct hm *h, struct hm_task *k, uint32_t key);

// make task k's per-reason tables hold key
PW_HOT int hm_task_keys(struct hm *h, struct hm_task *k, uint32_t key)
{
	return key < k->nkeys ? 0 : hm_task_keys_grow(h, k, key);
}

/* ---- the state --------------------------------------------------------- */

// hm_cpus_grow: h->cpus to n CPUs (and what is per CPU in the tasks' core
// maps). 0, or -1 out of memory (what was made is freed with h).
int hm_cpus_grow(struct hm *h, size_t n);

// hm_task_free: what task k holds; k zeroed
void hm_task_free(struct hm *h, struct hm_task *k);

// hm_free: what h holds; h zeroed (a zeroed h is fine)
void hm_free(struct hm *h);

#endif
