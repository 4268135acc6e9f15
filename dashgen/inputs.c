// SPDX-License-Identifier: Apache-2.0
// inputs.c: reading perfwhiz-dash's input files over one window, and the lines stderr gets about them (inputs.h).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inputs.h"
#include "progress.h"
#include "pw_msg.h"
#include "selection.h"

#define PROG PW_DASH_PROG

// Each file's first and last event time from its trailer (span[i][0],
// span[i][1]), while several files are read without --cap; NULL otherwise.
// Static: what pw_die() leaves behind stays reachable for the leak checker
// of the sanitizer builds.
static uint64_t (*span)[2];

char *pw_inputs_resolve(const char *name)
{
	struct stat st;
	char *p;

	if (stat(name, &st) == 0 || asprintf(&p, "%s.cdict", name) < 0)
		return strdup(name);
	if (stat(p, &st) == 0)
		return p;
	free(p);
	return strdup(name);
}

// What reads an input twice (NULL: nothing): --heatmaps (the single
// pass needs the trailer read from the file's end first, or the second
// reading), --successors-of (a second reading), several files without
// --cap (their spans first).
static const char *twice(const struct pw_cli *c)
{
	if (c->heatmaps)
		return "--heatmaps reads each input twice";
	if (c->succ)
		return "--successors-of reads each input twice";
	if (c->nr_files > 1 && !c->cap_ns)
		return "several inputs without --cap are each read twice";
	return NULL;
}

// An input that can be read only once (a pipe, <(...), a device) is
// refused before anything is read when the options read it twice: a
// second reading would hang on an empty FIFO or find the stream gone.
// Read once, it is read as any file.
static void check_once(const char *path, const struct pw_cli *c)
{
	const char *why = twice(c);
	struct stat st;

	if (!why || stat(path, &st) || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return;
	pw_die(PROG, 1, "cannot read '%s' twice: it is %s, and %s: save it to a file first",
	       path, S_ISFIFO(st.st_mode) ? "a pipe" : S_ISCHR(st.st_mode) ?
	       "a character device" : S_ISSOCK(st.st_mode) ? "a socket" : "not a regular file",
	       why);
}

// The window's length: --cap, or with several files and no --cap the
// shortest capture from --from on (each file's span read from its trailer
// into span[], held to its events once it is read).
static uint64_t window_cap(const struct pw_inputs *in, const struct pw_cli *c)
{
	uint64_t shortest = UINT64_MAX;
	char err[1024];

	if (in->n < 2 || c->cap_ns)
		return c->cap_ns;
	if (!(span = calloc(in->n, sizeof(*span))))
		pw_die(PROG, 1, "out of memory");
	for (size_t i = 0; i < in->n; i++) {
		uint64_t a, b;
		if (pw_an_span(in->paths[i], &a, &b, err, sizeof(err)))
			pw_die(PROG, 1, "%s", err);
		span[i][0] = a;
		span[i][1] = b;
		if (b - a < shortest)
			shortest = b - a;
	}
	if (c->from_ns >= shortest)
		pw_die(PROG, 2, "--from %.3f ms is beyond the shortest capture (%.3f ms long)",
		       (double)c->from_ns / 1e6, (double)shortest / 1e6);
	return shortest - c->from_ns;
}

// Read file i with in->opts (its heatmaps collected while it is read, when
// they can be); exits on an error.
static void read_one(struct pw_inputs *in, size_t i, const struct pw_cli *c,
		     struct pw_progress *prog)
{
	const char *path = in->paths[i];
	char err[1024];

	if (c->heatmaps) {
		struct pw_hm_opts ho = PW_HM_OPTS_INIT;
		in->cols[i] = pw_hm_collect_new(path, &in->opts, &ho, c->task != NULL);
		in->opts.batch = in->cols[i] ? pw_hm_collect_batch : NULL;
		in->opts.batch_holds = in->cols[i] ? PW_HM_COLLECT_HOLDS : 0;
		in->opts.batch_ctx = in->cols[i];
	}
	pw_progress_start(prog, path);
	int e = pw_an_run_file(&in->runs[i], path, &in->opts, err, sizeof(err));
	pw_progress_end(prog);
	const struct pw_an_run *r = in->runs[i];
	// the window came from what the file's end said: a tail that passes
	// for a trailer but is not the one the reader reached, or a file
	// changed since, would have given another one
	if (!e && span && (r->first_ns != span[i][0] || r->last_ns != span[i][1])) {
		snprintf(err, sizeof(err), "corrupt input '%s': its end says its events "
			 "run from %" PRIu64 " to %" PRIu64 " ns, they run from %" PRIu64
			 " to %" PRIu64 " (or it changed while it was read)", path,
			 span[i][0], span[i][1], r->first_ns, r->last_ns);
		e = PW_ECORRUPT;
	}
	if (e)
		pw_die(PROG, e == PW_EINVAL ? 2 : 1, "%s", err);
}

void pw_inputs_read(struct pw_inputs *in, const struct pw_cli *c, const struct pw_map *map)
{
	struct pw_an_opts o = PW_AN_OPTS_INIT;
	struct pw_progress prog = PW_PROGRESS_INIT;

	in->n = c->nr_files;
	in->paths = calloc(in->n, sizeof(*in->paths));
	in->runs = calloc(in->n, sizeof(*in->runs));
	in->cols = calloc(in->n, sizeof(*in->cols));
	if (!in->paths || !in->runs || !in->cols)
		pw_die(PROG, 1, "out of memory");
	for (size_t i = 0; i < in->n; i++)
		if (!(in->paths[i] = pw_inputs_resolve(c->files[i])))
			pw_die(PROG, 1, "out of memory");
	for (size_t i = 0; i < in->n; i++)
		check_once(in->paths[i], c);

	o.from_ns = c->from_ns;
	o.cap_ns = window_cap(in, c);
	o.merge_sys_tasks = c->merge;
	o.append_tid = c->append;
	o.map = map;
	o.progress = pw_progress_cb;
	o.ctx = &prog;
	if (c->heatmaps)	// the per-task runtime and per-CPU busy series
		o.max_bins = PW_HM_BINS;
	in->opts = o;
	prog.enabled = !c->quiet && isatty(2);
	for (size_t i = 0; i < in->n; i++)
		read_one(in, i, c, &prog);
	free(span);
	span = NULL;
	// a second reading shows no progress and feeds no collector
	in->opts.progress = NULL;
	in->opts.ctx = NULL;
	in->opts.batch = NULL;
	in->opts.batch_ctx = NULL;
	in->opts.batch_holds = 0;

	if (pw_an_short_names(in->runs, in->n))
		pw_die(PROG, 1, "out of memory");
	for (size_t i = 0; i < in->n; i++) {
		const struct pw_an_run *r = in->runs[i];
		if (r->scale > 1.0)
			pw_msg(PROG, "warning: '%s' covers %.3f ms of the %.3f ms window: "
			       "its percentages are of the time it covers, its counts are "
			       "not scaled (scale %.2f)", r->file,
			       (double)r->covered_ns / 1e6, (double)r->window_ns / 1e6, r->scale);
	}
}

// One run's line (and with verbose its data-quality figures), and the notes
// about what its figures cannot tell.
static void summary(const struct pw_an_run *r, size_t selected, int verbose)
{
	const struct pw_an_quality *q = &r->q;

	pw_msg(PROG, "%s: %" PRIu64 " events, %zu tasks (%zu selected), %" PRIu32
	       " cpus, window %.3f ms%s", r->file, r->events_read, r->nr_tasks, selected,
	       r->nr_cpus, (double)r->covered_ns / 1e6, q->legacy ? " (legacy file)" : "");
	if (q->failed_validation)
		pw_msg(PROG, "warning: '%s': %" PRIu64 " samples failed validation at capture",
		       r->file, q->failed_validation);
	if (q->unknown_state)
		pw_msg(PROG, "note: '%s': %" PRIu64 " switches without prev_state "
		       "(legacy): counted as switches, neither voluntary nor involuntary",
		       r->file, q->unknown_state);
	if (verbose)
		pw_msg(PROG, "quality '%s': clipped_start %" PRIu64 ", clipped_end %" PRIu64
		       ", switch_mismatch %" PRIu64 ", kvm_exits_without_entry %" PRIu64
		       ", kvm_entries_without_exit %" PRIu64 ", tid_reuse %" PRIu64 ", exec %"
		       PRIu64 ", legacy_skipped %" PRIu64, r->file, q->clipped_start,
		       q->clipped_end, q->switch_mismatch, q->kvm_exit_without_entry,
		       q->kvm_entry_without_exit, q->tid_reuse, q->exec, q->legacy_skipped);
}

void pw_inputs_summary(const struct pw_inputs *in, const size_t *selected, int quiet,
		       int verbose)
{
	if (!quiet)
		for (size_t i = 0; i < in->n; i++)
			summary(in->runs[i], selected[i], verbose);
	// data lost to a cut-short capture or conversion is said even with -q
	for (size_t i = 0; i < in->n; i++) {
		const struct pw_an_run *r = in->runs[i];
		const char *why = r->q.conversion_why;

		if (r->q.truncated)
			pw_msg(PROG, "warning: '%s' is truncated: %" PRIu64
			       " events recovered from its complete chunks",
			       r->file, r->events_read);
		if (r->q.conversion == PW_END_INTERRUPTED)
			pw_msg(PROG, "warning: '%s': its conversion was interrupted%s%s: "
			       "the figures cover what was converted", r->file,
			       why ? ": " : "", why ? why : "");
		else if (r->q.conversion == PW_END_PERF_FAILED)
			pw_msg(PROG, "warning: '%s': perf stopped before the end of the "
			       "capture%s%s: the figures cover part of it", r->file,
			       why ? ": " : "", why ? why : "");
		else if (r->q.conversion == PW_END_UNCHECKED)
			pw_msg(PROG, "warning: '%s': whether its conversion saw the whole "
			       "capture was not checked%s%s", r->file,
			       why ? ": " : "", why ? why : "");
		if (r->q.time_backwards)
			pw_msg(PROG, "warning: '%s': %" PRIu64 " events earlier than the "
			       "one before them on their cpu", r->file, r->q.time_backwards);
	}
}

void pw_inputs_release(struct pw_inputs *in)
{
	for (size_t i = 0; i < in->n; i++) {
		if (in->cols)
			pw_hm_collect_free(in->cols[i]);
		if (in->runs)
			pw_an_run_free(in->runs[i]);
		if (in->paths)
			free(in->paths[i]);
	}
	free(in->cols);
	free(in->runs);
	free(in->paths);
	in->n = 0;
	in->cols = NULL;
	in->runs = NULL;
	in->paths = NULL;
}
