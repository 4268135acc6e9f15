// SPDX-License-Identifier: GPL-2.0-only
// output.h: the plugin's .cdict: the writer opened with the capture's
// metadata, the trailer's counters, the summary on stderr, and the one line
// that says why the output failed.
//
// start() opens the writer once the formats are found; stop() sets the
// counters (pw_out_stats), finishes the file, then prints the summary.
// Usage:
//	struct state *st = calloc(1, sizeof(*st));
//	if (!st)
//		return -1;
//	st->input = "perf.data";
//	st->out_path = "perf.cdict";
//	if (pw_out_open(st, NULL) == 0) {
//		if (pw_out_stats(st) == 0 && pw_writer_finish(st->w) == 0)
//			pw_out_summary(st);
//		pw_writer_free(st->w);
//	}
#ifndef PW_PLUGIN_OUTPUT_H
#define PW_PLUGIN_OUTPUT_H

#include "perfdata.h"
#include "state.h"

// pw_out_open: open st->w on st->out_path with the metadata of pd (NULL in
// pipe mode), and name its temporary file to the signal handlers. 0, or
// the writer's error, said on stderr (st->w is then NULL).
int pw_out_open(struct state *st, const struct pw_perfdata *pd);

// pw_out_stats: the writer's trailer counters: samples ignored and failing
// validation by event, the plugin's totals; st->by_kind from the writer.
// 0, or PW_ENOMEM.
int pw_out_stats(struct state *st);

// pw_out_summary: what was read and stored, on stderr (not with quiet).
void pw_out_summary(const struct state *st);

// pw_out_failure: say why the output failed (err: a PW_E* code), in one
// line, and drop the temporary file; st->failed is the errno to return.
void pw_out_failure(struct state *st, int err);

#endif
