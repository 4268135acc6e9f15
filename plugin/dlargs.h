// SPDX-License-Identifier: GPL-2.0-only
// dlargs.h: the plugin's options (perf's --dlarg ARG, each "name" or
// "name=value"), and what it reads of perf's own command line: the input
// (-i) and whether samples may be taken in filter_event_early().
// Usage:
//	char *argv[] = { "out=run.cdict", "quiet" };
//	struct state *st = calloc(1, sizeof(*st));
//	if (!st || pw_dlargs_parse(st, 2, argv))	// says why on stderr
//		return -1;
//	st->early = !st->keep && pw_dlargs_early_is_safe();
//	if (pw_dlargs_apply(st))			// says why on stderr
//		return -1;
#ifndef PW_PLUGIN_DLARGS_H
#define PW_PLUGIN_DLARGS_H

#include "state.h"

// pw_dlargs_parse: the dlargs into st (values copied). 0; 1 for help (the
// usage printed); PW_EINVAL for an unknown dlarg, an empty value or a dlarg
// with a value given twice (said on stderr); PW_ENOMEM.
int pw_dlargs_parse(struct state *st, int argc, char **argv);

// pw_dlargs_apply: the input (input=, else perf's -i, else stdin if it is
// a pipe, else perf.data), pipe mode and the output's default name; then,
// before anything is read, the output checked: refused when it is a
// directory, a socket, a block device or a link to nothing, or the same
// file (links followed) as the perf.data perf reads, input= or map=; then
// what the options name, loaded: the map= file, the tasks= regex
// (st->have_re), the autoname scan. 0, or an error (said on stderr, but
// PW_ENOMEM).
int pw_dlargs_apply(struct state *st);

// pw_dlargs_early_is_safe: 1 when perf's command line holds nothing but
// options that filter no sample, so that samples may be taken in
// filter_event_early(), before perf's own filters.
int pw_dlargs_early_is_safe(void);

#endif
