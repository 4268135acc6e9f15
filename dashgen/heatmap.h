// SPDX-License-Identifier: Apache-2.0
// heatmap.h: the detailed dashboard's data: heatmaps, KVM latency histograms and core maps, binned to a bounded size.
//
// pw_hm_write() collects, from the intervals the replay (replay.h) hands it
// (during the first pass, see "The single pass" below, or reading the file a
// second time once the analysis gave the window, the final tasks and the
// selection), for each shown task:
// - "run": every slice that ends at a switch inside the window, at the
//   switch time, by its duration ('end of run'); a CPU's first slice, whose
//   start is unknown, is only counted ("nostart");
// - "sleep": every sleep (voluntary switch-out -> wakeup or switch-in) that
//   ends inside the window, at its end ('end of sleep');
// - "host": every KVM exit inside the window that has an entry, at the exit,
//   by exit -> entry; exits without an entry are counted per reason
//   ("unpaired"); "guest": entry -> exit, at that exit, by the exit's reason;
// - "hist": per exit reason, exit -> entry latencies in the duration buckets;
// - "core": where it ran: its slices clipped to the window (per CPU);
// and for each CPU which task ran on it: its slices, or per time bin the
// busy time, the task that ran most and how many tasks ran.
//
// Bounds (the page's size does not grow with events):
// - a series holds exact events while it has at most exact_max of them and
//   the page's exact budget (exact_total) lasts; beyond, it is binned into
//   PW_HM_BINS time bins x PW_HM_DUR duration buckets (5 per decade, 10 ns ..
//   100 s), and the time bins are then halved for every task alike until
//   the numbers the binned series take in the document (per non-empty
//   column: bin, key, first bucket, length and the counts) fit cell_budget;
// - at most max_tasks tasks get heatmaps (the selected ones, most runtime
//   first, idle tasks excepted); the others are named in "omitted";
// - the CPU view has at most cpu_cells bins in all.
// Memory: shown tasks x (series x reasons x PW_HM_BINS x PW_HM_DUR x 2 bytes,
// 4 once a count passes 65,535, for binned series, 24 bytes per exact
// event) + CPUs with slices x bins; counted, and at most PW_HM_BYTES_MAX
// (a second reading past it is refused).
//
// The document is written as one JSON value (docs/dashboards.md, "The
// detailed dashboard"); strings are escaped as the --json ones. heatmap.c
// writes it, hm_collect.c is the single pass; the other hm_* files are
// theirs alone (hm_int.h).
//
// With run read by pw_an_run_file() with opts.max_bins > 0 and its tasks
// selected, and no collector (the file is read a second time). Usage:
//	struct pw_an_run *run = NULL;
//	FILE *f = stdout;
//	char err[512];
//	struct pw_hm_opts ho = PW_HM_OPTS_INIT;
//	struct pw_hm_summary sum;
//	fputs("{\"runs\":[", f);
//	if (pw_hm_write(f, run, &ho, NULL, &sum, err, sizeof(err)))
//		die("%s", err);
//	fputs("]}", f);
#ifndef PW_HEATMAP_H
#define PW_HEATMAP_H

#include <stdint.h>
#include <stdio.h>

#include "analysis.h"

#define PW_HM_BINS 512		// time bins before halving (a power of two)
// What the heatmaps of one run may hold while they are made from a second
// reading (exact lists, grids, core maps, per-reason tables, the CPU
// view): past it they are refused, naming the limit. Real captures take
// a tenth of it; a file whose 64 shown tasks each have hundreds of
// binned KVM exit reasons would take gigabytes.
#define PW_HM_BYTES_MAX (512u << 20)
#define PW_HM_DUR 50		// duration buckets: 10^(1 + k/5) ns, k = 0..49
#define PW_HM_PER_DECADE 5

struct pw_hm_opts {
	size_t max_tasks;	// tasks with heatmaps
	uint32_t exact_max;	// exact events per series
	uint64_t exact_total;	// exact events per run, every series together
	uint64_t cell_budget;	// numbers the binned task series take
	uint64_t cpu_cells;	// CPU view bins, every CPU together
};

#define PW_HM_OPTS_INIT                                                         \
	{ .max_tasks = 64, .exact_max = 5000, .exact_total = 200000,             \
	  .cell_budget = 3000000, .cpu_cells = 131072 }

// What pw_hm_write did, for the message on stderr.
struct pw_hm_summary {
	size_t tasks, omitted;		// shown, selected but not shown
	size_t series, binned;		// non-empty series, of which binned
	uint64_t exact_events;		// events embedded exactly
	uint64_t binned_events;		// events counted in bins
	uint64_t bin_ns;		// task heatmaps' time bin
	uint32_t nr_bins;
	uint64_t cpu_bin_ns;		// CPU view's time bin
	size_t cpus_binned, cpus;	// CPUs drawn from bins, CPUs
	int single_pass;		// collected during the first pass
	size_t held;			// of it, the tids whose series were
					// held (0: every task's)
};

// pw_hm_dur_edge: the lower bound (ns) of duration bucket k (0 <= k <=
// PW_HM_DUR; edge PW_HM_DUR is the upper bound of the last one). Bucket 0
// also holds shorter durations, the last one longer ones.
uint64_t pw_hm_dur_edge(unsigned k);

// The single pass. A file with a trailer (which gives the window's end
// before the events are read) is collected while pw_an_run_file() reads
// it, from its batches (opts.batch = pw_hm_collect_batch, opts.batch_ctx =
// the collector, opts.batch_holds = PW_HM_COLLECT_HOLDS), on a thread of
// the collector's; pw_hm_write() then writes from it the same document the
// second pass would, or reads the file again when the collection does not
// hold (the run is not what it assumed, it ran out of room, or a shown task
// was not among the tids it held: hm_collect.c says which it holds).
// pw_hm_collect_new: NULL when the file cannot be done in one pass (no
// trailer, too many tasks for its trailer's ranking, tasks picked by name
// after the pass (selecting), --merge-sys-tasks, out of memory, or a test
// hook asks for two passes: hm_collect.c, collect_settings()). It copies
// what it needs of its arguments; pw_hm_write() must have the same opts
// values. pw_hm_collect_free() after pw_hm_write() (NULL is fine). Usage:
//	struct pw_an_opts o = PW_AN_OPTS_INIT;
//	struct pw_hm_opts ho = PW_HM_OPTS_INIT;
//	struct pw_hm_summary sum;
//	struct pw_an_run *run;
//	char err[512];
//	o.max_bins = PW_HM_BINS;
//	struct pw_hm_collect *col = pw_hm_collect_new("x.cdict", &o, &ho, 0);
//	o.batch = col ? pw_hm_collect_batch : NULL;
//	o.batch_ctx = col;
//	o.batch_holds = col ? PW_HM_COLLECT_HOLDS : 0;
//	if (pw_an_run_file(&run, "x.cdict", &o, err, sizeof(err)))
//		die("%s", err);
//	if (pw_hm_write(stdout, run, &ho, col, &sum, err, sizeof(err)))
//		die("%s", err);
//	pw_hm_collect_free(col);
//	pw_an_run_free(run);
struct pw_hm_collect;
struct pw_hm_collect *pw_hm_collect_new(const char *path, const struct pw_an_opts *ao,
					const struct pw_hm_opts *ho, int selecting);
void pw_hm_collect_batch(void *col, struct pw_an_run *run, const struct pw_event *v,
			 size_t n);
// the batches the collector keeps lent at once: opts.batch_holds
#define PW_HM_COLLECT_HOLDS 2
void pw_hm_collect_free(struct pw_hm_collect *col);

// pw_hm_write: write the heatmap object of `run` (its tasks selected by
// pw_an_select) to f, from col (NULL: none) or reading run->file again
// (pw_rp_run). The run must
// have been read with opts.max_bins > 0 for the per-task runtime series.
// Returns 0, or a PW_E* code with err set (the file changed between the
// passes, a read error, out of memory).
int pw_hm_write(FILE *f, const struct pw_an_run *run, const struct pw_hm_opts *ho,
		struct pw_hm_collect *col, struct pw_hm_summary *sum, char *err,
		size_t errsize);

#endif
