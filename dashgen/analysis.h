// SPDX-License-Identifier: Apache-2.0
// analysis.h: one .cdict run reduced to per-task, per task x CPU, per CPU and KVM figures.
//
// This is what every output of perfwhiz-dash (--json, --csv, --list, the
// dashboards) is built on. Definitions: docs/architecture.md, "Reduction semantics";
// docs/json-schema.md gives each figure's exact meaning.
//
// Invariants:
// - One streaming pass over the file (pw_reader_next); memory is bounded by
//   tasks x CPUs x time bins (plus per-task KVM reasons and log-bucket
//   histograms), never by the number of events.
// - Times are perf-clock ns. The window is [win_start, win_end]: win_start =
//   first event + opts.from_ns; win_end = win_start + opts.cap_ns, or the last
//   event when cap_ns is 0. A run shorter than the requested window ends at
//   its last event: covered_ns < window_ns and scale = window_ns / covered_ns.
// - Time figures (runtime, host/guest time, preempted time, busy/idle) are
//   intervals clipped to the window, exact to the ns; counts (switches,
//   sched-in, migrations, exits, waits) are events inside the window.
//   Latency distributions (wait, per-reason host time) hold whole
//   intervals that end (waits) or start (exits) inside the window.
// - After pw_an_run_file() the tasks are final: names resolved (last name,
//   --map, --merge-sys-tasks, --append-tid), sorted by runtime descending then
//   tid then name, and every task is selected until pw_an_select()
//   (selection.h) says otherwise.
//
// Usage:
//	struct pw_an_opts o = PW_AN_OPTS_INIT;
//	struct pw_an_run *run;
//	char err[512];
//	if (pw_an_run_file(&run, "x.cdict", &o, err, sizeof(err)))
//		die("%s", err);
//	for (size_t i = 0; i < run->nr_tasks; i++)
//		use(run->tasks[i]);
//	pw_an_run_free(run);
#ifndef PW_ANALYSIS_H
#define PW_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "cdict.h"
#include "pw_map.h"
#include "pw_stats.h"

struct pw_an_run;
struct pw_an_task;

// Limits of what one run may hold: a file past one is refused, the limit
// named ("too many tasks in 'x.cdict': more than 262144 (the limit)"); each is
// checked before what it bounds is allocated. docs/perfwhiz-dash.md,
// "Limits", gives each and what happens at it; the reader's own are in
// cdict.h (strings, cpus, chunks).
#define PW_AN_TASKS_MAX (1u << 18)	// tasks (tids, and one idle task per cpu)
#define PW_AN_REASONS_MAX 1024		// distinct KVM exit reasons (isa, reason)
// The tasks' and cpus' time series (opts.max_bins) take at most this many
// bytes: past it, their bins are halved (each twice as wide), down to
// PW_AN_SERIES_MIN_BINS; the page says the width it got.
#define PW_AN_SERIES_BYTES (128u << 20)
#define PW_AN_SERIES_MIN_BINS 16

// Flags of the intervals the second pass hands its sink (replay.h).
#define PW_REC_F_OPEN	  0x1	// still open at the end of the data: end is
				// the window's end, not an event
#define PW_REC_F_NOSTART  0x2	// slice: the CPU's first switch, whose slice
				// began before the capture: start is the
				// first event, a lower bound
#define PW_REC_F_UNPAIRED 0x4	// kvm_host: an exit with no entry after it
				// (another exit came, or the data ended):
				// end is that next exit or the window's end,
				// the interval is not host time

struct pw_an_opts {
	uint64_t from_ns;		// window start after the first event
	uint64_t cap_ns;		// window length; 0: to the last event
	int merge_sys_tasks;		// "name/N" -> "name" (see pw_an_sys_name)
	int append_tid;			// "name:tid"
	const struct pw_map *map;	// tid -> name (borrowed), or NULL
	uint32_t max_bins;		// time series bins (0: no series)
	const int32_t *succ_tids;	// count successors of these tids
	size_t nr_succ_tids;
	void (*progress)(void *ctx, uint64_t events, uint64_t bytes_hint);
	void *ctx;			// for progress
	// each batch of events once the pass has handled all of it (the
	// tasks they name exist), in file order, then (v NULL, n 0) once
	// after the last, before the run is finished or freed, whatever the
	// pass' outcome; NULL: none. What the single-pass heatmaps are
	// collected from (heatmap.h).
	void (*batch)(void *batch_ctx, struct pw_an_run *run, const struct pw_event *v,
		      size_t n);
	void *batch_ctx;
	unsigned batch_holds;		// batches batch() may keep at once
					// (pw_an_batch_hold), at most
					// PW_READ_HOLDS_MAX
};

// The defaults: the whole file, names as the trace has them, no series, no
// successors, no progress, no batches.
#define PW_AN_OPTS_INIT { .from_ns = 0, .cap_ns = 0, .map = NULL, .max_bins = 0, \
			  .succ_tids = NULL, .progress = NULL, .batch = NULL }

// Per task x CPU.
struct pw_an_task_cpu {
	int32_t cpu;
	uint64_t runtime_ns;
	uint64_t switches;		// switches of the task on this cpu
	uint64_t sched_in;
};

// Per task x KVM exit reason.
struct pw_an_reason {
	uint32_t isa, reason;
	const char *name;		// "EXTERNAL_INTERRUPT", "hlt", "UNKNOWN_7"
	char buf[24];			// holds name when unknown
	uint64_t count;			// exits inside the window
	uint64_t host_ns;		// clipped exit -> entry
	struct pw_hist host;		// whole exit -> entry intervals (p50/p99/max)
};

// A task of a run. Only the pass makes them (with its own state beside
// each); a caller reads them.
struct pw_an_task {
	int32_t tid;			// 0 for swapper/N
	int32_t trace_tid;		// the tid in the trace (merging may
					// change tid to the group's lowest)
	int32_t pid;			// tgid, -1 unknown (or merged tids differ)
	int32_t idle_cpu;		// N for swapper/N, else -1
	char *name;			// final display name (owned)
	char *comm;			// last name from the trace (owned), or NULL
	size_t index;			// position when created (stable id)
	uint32_t nr_merged;		// tasks folded into this one (1 = itself)
	int selected;

	uint64_t runtime_ns;
	double cpu_pct;			// runtime / covered window
	uint64_t switches, voluntary, involuntary;	// unknown-state switches
							// count in switches only
	uint64_t sched_in, migrations;
	uint64_t wait_ns, preempted_ns;
	struct pw_hist wait;		// whole wakeup -> switch-in latencies
	uint64_t events;		// events about this task (--list)
	uint64_t successor_count;	// switches to it from opts.succ_tids

	struct pw_an_task_cpu *cpus;	// sorted by cpu after the pass
	size_t nr_cpus;

	uint64_t kvm_exits, host_ns, guest_ns;
	struct pw_an_reason *reasons;	// sorted by count desc, then name
	size_t nr_reasons;

	// time series: the run's (PW_AN_BIN_RT, PW_AN_BIN_SW)

	struct pw_an_task *merged_into;	// set on tasks folded away
};

// Per CPU.
struct pw_an_cpu {
	int32_t cpu;
	uint64_t busy_ns;		// runtime of every task but swapper/N
	uint64_t idle_ns;		// runtime of swapper/N
	uint64_t switches;
	uint64_t *bin_busy;		// series, or NULL
	// streaming state
	struct pw_an_task *cur;		// running task, NULL unknown
	uint64_t since;			// when cur was switched in
	struct pw_an_task *idle;	// swapper/N
};

// Data quality: everything that makes a figure less than exact.
struct pw_an_quality {
	uint64_t clipped_start;		// slices begun before the window (or the
					// capture: a CPU's first switch)
	uint64_t clipped_end;		// slices still running at the window end
	uint64_t unknown_state;		// switches without prev_state (legacy)
	uint64_t switch_mismatch;	// prev differs from the task switched in
	uint64_t kvm_exit_without_entry;
	uint64_t kvm_entry_without_exit;
	uint64_t tid_reuse;		// a tid seen with a new pid
	uint64_t exec;			// sched_process_exec seen
	uint64_t failed_validation;	// samples the plugin refused (trailer)
	uint64_t legacy_skipped;	// legacy rows of unknown event types
	int truncated;			// file stops short of its trailer
	int legacy;			// original perfwhiz file
	uint64_t before_window;		// events before win_start
	uint64_t after_window;		// events after win_end
	int conversion;			// enum pw_end: how the capture's conversion ended
	char *conversion_why;		// what the producer said of it, or NULL
	uint64_t time_backwards;	// events earlier than the one before on their cpu
};

struct pw_an_run {
	char *file;			// path as given (owned)
	char *name;			// short run name (owned; pw_an_short_names,
					// selection.h)
	struct pw_meta meta;		// deep copy (owned)
	struct pw_stat *stats;		// trailer counters (owned), may be none
	size_t nr_stats;

	uint64_t first_ns, last_ns;	// first and last event of the file
	uint64_t win_start, win_end;	// absolute
	uint64_t window_ns;		// requested window length
	uint64_t covered_ns;		// part of it the data covers
	double scale;			// window_ns / covered_ns (1 when whole)
	uint32_t nr_cpus;		// meta nr_cpus, or highest cpu seen + 1
	uint64_t events_read;		// every event read
	uint64_t events[PW_EV__COUNT];	// events inside the window, by kind

	struct pw_an_task **tasks;	// final, sorted (see top)
	size_t nr_tasks;
	struct pw_an_task **all_tasks;	// every task created, in creation order,
	size_t nr_all_tasks;		// including those merged away (owned)
	struct pw_an_cpu *cpus;		// indexed by cpu, nr_cpu_slots entries
	size_t nr_cpu_slots;
	struct pw_an_quality q;

	uint32_t nr_bins;		// series: bins of bin_ns from win_start
	uint64_t bin_ns;
	// the tasks' runtime and switch series (opts.max_bins; NULL without),
	// bin-major: a row of bin_stride tasks (t->index) per bin, so that
	// the pass, where every task adds to the same bin or two at any time,
	// stays in cache however many tasks there are. Read them with
	// PW_AN_BIN_RT(run, t, b) and PW_AN_BIN_SW(run, t, b), b < nr_bins.
	uint64_t *bin_rt;
	uint32_t *bin_sw;
	size_t bin_stride;

	void *priv;			// streaming state (NULL after the pass)
};

#define PW_AN_BIN_RT(run, t, b) ((run)->bin_rt[(size_t)(b) * (run)->bin_stride + (t)->index])
#define PW_AN_BIN_SW(run, t, b) ((run)->bin_sw[(size_t)(b) * (run)->bin_stride + (t)->index])

// pw_an_run_file: read `path` (name used in messages: `display`) and reduce
// it. Returns 0 with *out set (caller frees with pw_an_run_free), or a PW_E*
// code with one line for people in err ("corrupt input 'x.cdict' at offset
// ...", "cannot open 'x': No such file or directory"); *out is NULL then.
// A truncated file is not an error: q.truncated is set. PW_EINVAL: the
// window starts after the last event (err says so).
int pw_an_run_file(struct pw_an_run **out, const char *path,
		   const struct pw_an_opts *opts, char *err, size_t errsize);

// pw_an_span: first and last event time of a file (from its trailer, or a
// full read of a file without one; for the
// common window of several files). Same errors as pw_an_run_file.
int pw_an_span(const char *path, uint64_t *first, uint64_t *last, char *err,
	       size_t errsize);

// During the pass, for opts.batch: the tasks made so far (in all_tasks
// order: t->index), and the series bin width the pass will end with if its
// last event is at last_ns. After it: all_tasks, bin_ns.
struct pw_an_task *const *pw_an_live_tasks(const struct pw_an_run *run, size_t *n);
uint64_t pw_an_live_bin_ns(const struct pw_an_run *run, uint64_t last_ns);

// In opts.batch: keep v valid, unchanged, past the call, until
// pw_an_batch_release(run, token) (any thread; before the pass' final
// batch call returns). Returns the token, or -1 when it cannot be kept
// (a reader without threads, a legacy file, opts.batch_holds all kept):
// copy v then.
int pw_an_batch_hold(struct pw_an_run *run);
void pw_an_batch_release(const struct pw_an_run *run, int token);

// pw_an_run_free: release a run and everything it owns; NULL is fine.
void pw_an_run_free(struct pw_an_run *run);

// pw_an_sys_name: the --merge-sys-tasks fold of a name into buf: "swapper/3",
// "ksoftirqd/0", "kworker/1:2", "kworker/u8:0" -> the part before '/';
// names whose '/' is not followed by a cpu-like digit (or 'u' and a digit)
// are kept. Returns buf.
char *pw_an_sys_name(const char *name, char *buf, size_t size);

// pw_an_reason_find: a task's entry for a reason name, or NULL.
const struct pw_an_reason *pw_an_reason_find(const struct pw_an_task *t,
					     const char *name);

#endif
