// SPDX-License-Identifier: Apache-2.0
// fuzz-map.c: libFuzzer target for the task-annotation CSV parser (--map).
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "pw_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_map map;
	size_t bad = 0;
	volatile size_t sink = 0;

	if (!pw_map_parse(&map, (const char *)data, size, &bad))
		for (size_t i = 0; i < map.nr; i++) {
			const char *n = pw_map_name(&map, map.entries[i].tid);

			if (!n)
				__builtin_trap();	// every parsed tid has a name
			sink += strlen(n);
		}
	pw_map_release(&map);
	(void)sink;
	return 0;
}
