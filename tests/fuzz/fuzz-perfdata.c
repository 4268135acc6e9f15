// SPDX-License-Identifier: GPL-2.0-only
// fuzz-perfdata.c: libFuzzer target for the plugin's perf.data header,
// attr and feature-section parser (tracing data included).
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "perfdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_perfdata pd;
	char msg[256];
	volatile size_t sink = 0;
	int err = pw_perfdata_parse(&pd, data, size);

	if (!err)
		for (size_t i = 0; i < pd.nr_formats; i++)
			sink += pd.formats[i].len;
	pw_perfdata_describe(&pd, err, msg, sizeof(msg));
	sink += strlen(msg);
	pw_perfdata_release(&pd);
	(void)sink;
	return 0;
}
