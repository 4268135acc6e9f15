// SPDX-License-Identifier: GPL-2.0-only
// formats.h: finding the event formats (the perf.data's tracing data, else
// the local tracefs in pipe mode), building a decoder for every event the
// plugin knows, and routing each attr's samples to its decoder.
//
// A decoder resolves, once, every field offset the hot path reads
// (struct decoder in state.h); sched:sched_switch is required, every other
// event is decoded when its format has the fields it needs. start() calls
// pw_formats_load(), opens the writer, then pw_formats_warn(); the first
// sample of each attr calls pw_route_find(); stop() pw_formats_report().
// Usage:
//	struct state *st = calloc(1, sizeof(*st));
//	struct pw_perfdata pd = { 0 };
//	if (!st)
//		return -1;
//	st->input = "perf.data";
//	int err = pw_formats_load(st, &pd);	// says why it failed
//	pw_perfdata_release(&pd);
//	if (!err)
//		pw_formats_warn(st);
#ifndef PW_PLUGIN_FORMATS_H
#define PW_PLUGIN_FORMATS_H

#include <linux/perf_event.h>

#include "perfdata.h"
#include "state.h"

// pw_formats_load: the formats of st->input (its perf.data, loaded into
// *pd for its metadata; the local tracefs when st->pipe_mode, pd left
// zeroed) and st->dec[] built from them. 0, or PW_EINVAL (said on stderr:
// no formats, no sched_switch or a field of it missing), a perf.data error
// (said), or PW_ENOMEM. The caller releases *pd in every case.
int pw_formats_load(struct state *st, struct pw_perfdata *pd);

// pw_formats_warn: one line for each event whose format lacks a field:
// its samples will not be decoded.
void pw_formats_warn(const struct state *st);

// pw_route_find: the route of the samples of attr (NULL when the host gives
// none: then by the event's name, `event`, "sched:sched_switch"), made on
// the first sample of an attr. NULL only when out of memory.
struct route *pw_route_find(struct state *st, const struct perf_event_attr *attr,
			    const char *event);

// pw_formats_report: at stop(), one line for each event of ours whose
// samples were not decoded (no format, or a field missing), with their count.
void pw_formats_report(const struct state *st);

#endif
