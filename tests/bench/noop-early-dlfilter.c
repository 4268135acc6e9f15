// SPDX-License-Identifier: GPL-2.0-only
// noop-early-dlfilter.c: the lowest floor a dlfilter can stand on: drops
// every sample in filter_event_early(), before perf resolves the sample's
// thread, map and symbol (machine__resolve) and applies its own filters.
// perfwhiz.so does its work there too (docs/plugin.md), so this is the floor
// its overhead is measured against; noop-dlfilter.c, which drops samples in
// filter_event(), shows what perf's resolution adds.
#include <perf/perf_dlfilter.h>

__attribute__((visibility("default"))) int filter_event_early(void *data,
		const struct perf_dlfilter_sample *sample, void *ctx);

int filter_event_early(void *data, const struct perf_dlfilter_sample *sample, void *ctx)
{
	(void)data;
	(void)sample;
	(void)ctx;
	return 1;
}
