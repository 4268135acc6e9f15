// SPDX-License-Identifier: Apache-2.0
// list.h: perfwhiz-dash's text answers: --list (the tasks by event count) and --successors-of (who ran next).
//
// Both write plain text for a terminal: task names (untrusted, from the
// trace) are UTF-8 repaired and their control characters shown as '?'.
// Part of the program: out of memory or a failed second reading, they say
// so on stderr (pw_msg.h) and exit 1.
//
// Usage:
//	struct pw_an_run *runs[1];
//	struct pw_an_opts o = PW_AN_OPTS_INIT;
//	char err[512];
//	if (pw_an_run_file(&runs[0], "run.cdict", &o, err, sizeof(err)))
//		die("%s", err);
//	pw_list_tasks(stdout, runs, 1);
//	if (!pw_list_successors(stdout, runs[0], "qemu-kvm", &o, "run"))
//		die("no task 'qemu-kvm'");
//	pw_an_run_free(runs[0]);
#ifndef PW_LIST_H
#define PW_LIST_H

#include <stdio.h>

#include "analysis.h"

// pw_list_tasks: for each of runs[0..n), its selected tasks by event count
// (then tid, then name): events, tid, pid, name.
void pw_list_tasks(FILE *f, struct pw_an_run **runs, size_t n);

// pw_list_successors: the tasks that ran next each time a task `spec` (a
// tid, or a name as the run shows it) was switched out of a cpu, with
// counts and percentages, from a second reading of r's file with `base`
// (r's own options: the same window and names); label goes in the heading.
// Returns 1, or 0 (nothing written) when r has no such task.
int pw_list_successors(FILE *f, const struct pw_an_run *r, const char *spec,
		       const struct pw_an_opts *base, const char *label);

#endif
