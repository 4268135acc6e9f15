// SPDX-License-Identifier: Apache-2.0
// selection.h: which runs and tasks the outputs show: short names of runs, tasks selected by -t.
//
// After pw_an_run_file() (analysis.h) every task is selected; -t narrows
// that: a POSIX extended regex matched at the start of the task's name
// (Python's re.match), a leading '*' read as ".*"; a number selects a
// tid. Usage:
//	struct pw_an_run *runs[2] = { NULL, NULL };	// pw_an_run_file's
//	struct pw_an_select *sel;
//	char err[256];
//	if (pw_an_select_new(&sel, "*vcpu[0-9]", err, sizeof(err)))
//		die("bad -t: %s", err);
//	if (pw_an_short_names(runs, 2))
//		die("out of memory");
//	for (size_t i = 0; i < 2; i++)
//		use(runs[i]->name, pw_an_select(runs[i], sel));
//	pw_an_select_free(sel);
#ifndef PW_SELECTION_H
#define PW_SELECTION_H

#include <stddef.h>

#include "analysis.h"

// pw_an_short_names: set each run's name from its file name as the original
// perfmap.py did: ".cdict" dropped, and with several runs the common head and
// tail stripped (never cutting digits). Returns 0 or PW_ENOMEM.
int pw_an_short_names(struct pw_an_run **runs, size_t n);

struct pw_an_select;

// pw_an_select_new: compile spec; 0 with *out set (caller frees with
// pw_an_select_free), PW_EINVAL (err: the regex error) or PW_ENOMEM.
int pw_an_select_new(struct pw_an_select **out, const char *spec, char *err,
		     size_t errsize);

// pw_an_select_match: 1 when t is selected by s, else 0.
int pw_an_select_match(const struct pw_an_select *s, const struct pw_an_task *t);

// pw_an_select_free: NULL is fine.
void pw_an_select_free(struct pw_an_select *s);

// pw_an_select: mark run's tasks selected (1) or not; returns how many are.
// s NULL selects every task.
size_t pw_an_select(struct pw_an_run *run, const struct pw_an_select *s);

// pw_an_find: the first task named exactly `name`, or NULL.
struct pw_an_task *pw_an_find(const struct pw_an_run *run, const char *name);

#endif
