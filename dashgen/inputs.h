// SPDX-License-Identifier: Apache-2.0
// inputs.h: perfwhiz-dash's input files: each read into a run over one common window, and what stderr is told about them.
//
// Part of the program, not a library: on an error it says so on stderr
// (pw_msg.h) and exits, 1 for an input or runtime error, 2 for a window
// that the options put beyond a capture.
//
// Usage:
//	struct pw_cli c = PW_CLI_INIT;
//	struct pw_inputs in = PW_INPUTS_INIT;
//	size_t selected[1];
//	char *files[] = { "run.cdict" };
//	c.files = files;
//	c.nr_files = 1;
//	pw_inputs_read(&in, &c, NULL);
//	selected[0] = in.runs[0]->nr_tasks;	// without -t, every task
//	pw_inputs_summary(&in, selected, c.quiet, c.verbose);
//	pw_inputs_release(&in);
#ifndef PW_INPUTS_H
#define PW_INPUTS_H

#include <stddef.h>

#include "analysis.h"
#include "cli.h"
#include "heatmap.h"

struct pw_inputs {
	size_t n;			// the files (c->nr_files)
	char **paths;			// each as read: the name, or name.cdict
	struct pw_an_run **runs;	// each one's analysis
	struct pw_hm_collect **cols;	// with --heatmaps, each one's heatmaps
					// collected while it was read (NULL:
					// not possible in one reading)
	struct pw_an_opts opts;		// what the runs were read with, the
					// window settled (from_ns, cap_ns), no
					// progress nor batch callback: for a
					// second reading (--successors-of)
};

#define PW_INPUTS_INIT { .n = 0, .paths = NULL, .runs = NULL, .cols = NULL }

// pw_inputs_resolve: the file read for an input name: as given, else with
// ".cdict" added (the original let the suffix be omitted). Caller frees;
// NULL when out of memory.
char *pw_inputs_resolve(const char *name);

// pw_inputs_read: read every file c names (the ".cdict" suffix may be
// omitted) with c's window, naming (map: --map's, or NULL; borrowed) and
// heatmap options, showing progress unless -q; then name the runs
// (pw_an_short_names) and warn of each run that covers only part of the
// window. Exits on an error.
void pw_inputs_read(struct pw_inputs *in, const struct pw_cli *c, const struct pw_map *map);

// pw_inputs_summary: a line per run on stderr (events, tasks, selected[i]
// of them selected, cpus, window; and its data-quality figures when
// verbose) unless quiet; then, quiet or not, a warning per truncated file.
void pw_inputs_summary(const struct pw_inputs *in, const size_t *selected, int quiet,
		       int verbose);

// pw_inputs_release: free what pw_inputs_read made; fine on PW_INPUTS_INIT.
void pw_inputs_release(struct pw_inputs *in);

#endif
