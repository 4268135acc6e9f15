// SPDX-License-Identifier: Apache-2.0
// hm_int.h: the heatmaps' state (struct hm), shared by heatmap.c and the hm_*.c files. Private to them.
//
// One struct hm holds a run's heatmap data from its collection to its
// document: per task with heatmaps its series (exact lists, or binned
// grids), its per-reason tables and its core map; per CPU its view. The
// second pass fills one for the shown tasks (heatmap.c), the single pass
// one for every task that it then cuts to the shown ones (hm_collect.c).
// hm_bound.h bins it, hm_series.h (through hm_sink.h) fills it, hm_bound.h
// bounds it, heatmap.c writes it.
#ifndef PW_HM_INT_H
#define PW_HM_INT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "heatmap.h"

enum { S_RUN, S_SLEEP, S_HOST, S_GUEST, S__N };

struct hm_ev {
	uint64_t t, d;		// time (abs), duration
	uint32_t key;		// reason key (KVM), cpu (core), id (CPU view)
};

// An exact list: blocks of HM_BLK events (never copied when the list
// grows; a list that becomes bins gives them back to the run's pool).
#define HM_BLK 256

struct hm_blk {
	struct hm_blk *next;
	struct hm_ev v[HM_BLK];
};

struct hm_list {
	struct hm_blk *head, *tail;
	size_t n;
};

struct hm_series {
	uint64_t count;		// events in the window
	int binned;
	uint32_t sid;		// single pass: its number in the budget's log
	struct hm_list ex;	// exact events while !binned
	void **grid;		// per key: nbins x PW_HM_DUR counts, lazily:
				// uint16_t, or uint32_t once wide (hm_cell())
	uint64_t **mask;	// per key: per bin, bit k set when bucket k
				// has events (PW_HM_DUR <= 64)
	size_t nkeys;
	int wide;		// the grids hold uint32_t: a count passed 65,535
};

// Grid cells are 16 bits until one of a series' counts would pass 65,535,
// then that series' grids are made 32-bit (hm_series_widen()): half the memory
// of the grids, which are most of what the heatmaps' collection touches
// first, each page a fault and the kernel's zeroing (docs/decisions.md,
// "16-bit heatmap grid cells").
static inline uint32_t hm_cell(const struct hm_series *s, const void *g, size_t i)
{
	return s->wide ? ((const uint32_t *)g)[i] : ((const uint16_t *)g)[i];
}

struct hm_task {
	const struct pw_an_task *t;	// the first pass' visible task
	struct hm_series s[S__N];
	uint64_t nostart;
	uint64_t *unpaired;		// per reason key
	uint64_t (*hist)[PW_HM_DUR];	// per reason key
	size_t nkeys;			// of unpaired and hist
	// core map
	uint64_t core_count;
	int core_binned;
	struct hm_list core;		// key = cpu
	uint64_t **core_bins;		// per cpu slot: nbins runtimes, lazily
	// the key of the last exit's reason: its guest interval and then its
	// host interval ask for the same one
	uint32_t rk_isa, rk_reason, rk_key;	// rk_key UINT32_MAX: none
	// single pass: the core map's number in the budget's log, and per
	// reason key when the task first asked for it (0: never)
	uint32_t core_sid;
	uint64_t *kseq;
};

struct hm_acc {
	int32_t id;
	uint64_t ns;
};

struct hm_cpu {
	uint64_t count;			// busy slices
	int binned;
	struct hm_list ex;		// key = id
	int32_t *top;			// per bin: the task that ran most, -1
	uint64_t *top_ns, *busy;	// (the four made at the cpu's first
	uint32_t *ntasks;		// flushed bin: NULL for a cpu without)
	int64_t cur;			// bin being accumulated, -1 none
	uint64_t cur_lo;		// its start
	struct hm_acc *acc;		// its tasks
	size_t nacc, capacc;
	uint32_t *ahix;			// a hash of acc: id -> position + 1, 0
	size_t capah;			// empty (a power of two of slots, at
					// most half full; cleared at the flush)
};

#define HM_RKEY 128		// reasons below this code have a key table

struct hm_reason {
	uint32_t isa, reason;
	const char *name;	// static, or buf (hm_reason_names_fix)
	char buf[24];
};

// single pass: a CPU view bin whose top tasks tie (which one is shown
// depends on the final ids: the lowest)
struct hm_tie {
	uint32_t cpu, bin;
	size_t at, n;		// in tie_ids
};

struct hm {
	const struct pw_an_run *run;
	const struct pw_hm_opts *o;
	uint64_t ws, we;		// window, inclusive
	uint64_t wlen;			// we - ws
	uint64_t bin_ns;
	uint32_t nbins;
	uint64_t cpu_bin_ns;
	uint32_t cpu_nbins;
	int32_t *slot;			// all_tasks index -> heat slot, -1
	unsigned char *cview;		// all_tasks index -> in the CPU view
					// (not an idle task)
	int32_t *id;			// all_tasks index -> id, -1
	int32_t *vid;			// visible task's index -> id, -1
	const struct pw_an_task **ids;	// id -> visible task
	size_t nids;
	struct hm_task *tasks;
	size_t ntasks;
	struct hm_cpu *cpus;
	size_t ncpus;
	struct hm_reason *reasons;
	size_t nreasons;
	int32_t rkey[2][HM_RKEY];	// [isa is SVM][reason] -> key, -1 none
	uint64_t sb_lo;			// the series bin last found: its start
	uint32_t sb_idx;		// and index
	uint64_t exact_left;
	uint64_t cpu_exact_left;
	struct hm_blk *pool;		// free blocks
	int nomem;
	int toobig;			// the second pass passed bytes_max
	// single pass (collect): every task's series, reason keys and CPU
	// view ids provisional, no exact budget; what the budget would have
	// seen is logged, to be replayed for the shown tasks at the end
	int collect;
	size_t cap;			// tasks the per-task arrays hold
	uint16_t *log;			// series number of each add to a
	size_t nlog, caplog;		// series still exact, in event order
	uint64_t kseq;			// reason keys' first uses, counted
	uint64_t bytes, bytes_max;	// exact lists, grids, core bins, key
					// tables, the CPU view and the log,
					// and their bound (hm_collect_bytes)
	struct hm_tie *ties;
	size_t nties, capties;
	int32_t *tie_ids;
	size_t ntie_ids, captie_ids;
};

// for each event e of list l: HM_LIST_EACH(l, e) { ... }
#define HM_LIST_EACH(l, e)                                                     \
	for (const struct hm_blk *b_ = (l)->head; b_; b_ = b_->next)            \
		for (const struct hm_ev *e = b_->v,                             \
					*end_ = b_->v + (b_->next ? HM_BLK      \
							: (l)->n - ((l)->n - 1) / HM_BLK * HM_BLK); \
		     e < end_; e++)

// the task whose heatmaps a task's data goes to: threads merged into
// another task go to it
static inline const struct pw_an_task *hm_visible(const struct pw_an_task *t)
{
	while (t->merged_into)
		t = t->merged_into;
	return t;
}

#endif
