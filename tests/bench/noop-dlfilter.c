// SPDX-License-Identifier: GPL-2.0-only
// noop-dlfilter.c: the floor of the benchmark: a dlfilter that drops every
// sample without looking at it, so that `perf script` does nothing but its
// own decoding.
#include <perf/perf_dlfilter.h>

__attribute__((visibility("default"))) int filter_event(void *data,
		const struct perf_dlfilter_sample *sample, void *ctx);

int filter_event(void *data, const struct perf_dlfilter_sample *sample, void *ctx)
{
	(void)data;
	(void)sample;
	(void)ctx;
	return 1;
}
