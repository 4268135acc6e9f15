// SPDX-License-Identifier: Apache-2.0
// an_int.h: what the analysis pass's files share (analysis.c, an_events.c, replay.c); private.
//
// analysis.c opens the file, runs the pass and finishes the run;
// an_events.c holds everything an event touches (tasks, cpus, bins, the
// handlers and the event loop); replay.c reads the file again for the
// intervals (replay.h).
#ifndef PW_AN_INT_H
#define PW_AN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "cdict.h"
#include "tidmap.h"

#define AN_NO_NAME UINT32_MAX		// an_task_state.name_id: none

// The streaming state of a task: what the pass needs between events, and
// no caller after it.
struct an_task_state {
	uint64_t wake;			// wakeup time, 0 none
	uint64_t preempt;		// involuntary switch-out time, 0 none
	uint64_t sleep;			// voluntary switch-out time, 0 none
	uint64_t kvm_t;			// time of the last kvm exit/entry
	uint8_t kvm;			// 0 unknown, 1 in guest, 2 in host
	int32_t on_cpu;			// -1 when not running
	uint32_t kvm_reason, kvm_isa;
	uint32_t kvm_ri;		// reasons index + 1 of the last exit, 0 none
	uint32_t name_id;		// reader string id, AN_NO_NAME none
	size_t cpu_hint;		// the cpus entry used last
	uint16_t *reason_ix;		// (isa, reason < 128) -> reasons index
					// + 1, 0 none; NULL before the first
					// exit (a lookup per exit, no search)
	// past a few cpus or reasons, a hash of each: cpu -> cpus index + 1,
	// (isa, reason >= 128) -> reasons index + 1 (0 empty; a power of two
	// of slots, at most half full), so that no lookup is a search
	// through every entry (a hostile file may give a task 65,536 cpus)
	uint32_t *cpu_hix, *reason_hix;
	uint32_t cap_cpu_hix, cap_reason_hix;
	uint32_t cap_cpus, cap_reasons;	// entries cpus and reasons hold
};

// Every task of a run is made as an an_task: the public struct first (the
// run hands out &pub), its state right after it, where the state was when
// it sat at the end of struct pw_an_task: the pass reads it at the same
// offset from the task, with no pointer to follow.
struct an_task {
	struct pw_an_task pub;
	struct an_task_state st;
};

// an_st: the state of a task the pass made (any of run->all_tasks).
static inline struct an_task_state *an_st(struct pw_an_task *t)
{
	return &((struct an_task *)t)->st;
}

// The pass' own state (run->priv while it runs).
struct an_priv {
	const struct pw_an_opts *o;
	struct pw_reader *r;
	struct pw_cursor cur;		// over r's batches
	struct pw_an_task **all;	// every task ever created
	size_t nr_all, cap_all;
	struct pw_tid_map *map;
	int use_waking;
	int fd;				// the reader's input (borrowed by it)
	int bins_fixed;			// bin_ns known from the start
	struct pw_trailer hint;		// a whole file's, peeked before any
	int hinted;			// event: the first bin width, the
					// tasks' series' room (checked at the end)
	uint32_t max_bins;
	size_t cap_cpu_slots;		// run->cpus' room
	size_t busy_cpus;		// cpus with a busy series
	// the run's distinct KVM exit reasons: (isa is SVM, reason) -> 1, a
	// hash at most half full (PW_AN_REASONS_MAX)
	uint64_t *reasons;
	uint32_t nr_reasons, cap_reasons;
	const char *over;		// the limit the file passed (analysis.h),
					// said once the pass stops
	int succ;			// opts.nr_succ_tids > 0
	struct pw_tidhash succ_tids;	// opts.succ_tids, for a lookup per switch
	// the bin that holds the latest time binned: events come in time
	// order, so nearly every slice and switch falls in it and needs no
	// division; bin_lo is UINT64_MAX when unknown (after a fold)
	uint64_t bin_lo;		// absolute start of bin bin_cur
	uint32_t bin_cur;
};

// ---- an_events.c ----

// an_read_all: every event after the first (in *ev), handled. 0 at the
// end, a reader error (< 0), or 1 when out of memory.
int an_read_all(struct pw_an_run *run, const struct pw_event **ev);

// an_close_window: after the last event, what is still open at the
// window's end (run->win_start .. end): running slices, preempted time,
// exits without an entry. 0 or PW_ENOMEM.
int an_close_window(struct pw_an_run *run, uint64_t end);

// an_cols_grow: room for cap (> run->bin_stride) tasks in the tasks'
// series. 0, or -1 when out of memory.
int an_cols_grow(struct pw_an_run *run, size_t cap);

// an_task_cpu, an_task_reason: t's entry for a cpu, for a KVM exit reason,
// made on first use (for merging). NULL when out of memory.
struct pw_an_task_cpu *an_task_cpu(struct pw_an_task *t, int32_t cpu);
struct pw_an_reason *an_task_reason(struct pw_an_task *t, uint32_t isa, uint32_t reason);

// ---- analysis.c ----

// an_seterr: one line into err (size bytes; nothing when size is 0).
void an_seterr(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

// an_open_reader: a reader of path; *fd stays open for it (the caller
// closes it after pw_reader_free), -1 on failure. 0, or a PW_E* code with
// err set ("cannot open 'x': ...", the reader's description).
int an_open_reader(struct pw_reader **r, int *fd, const char *path, char *err,
		   size_t errsize);

#endif
