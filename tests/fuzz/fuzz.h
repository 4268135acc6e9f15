// SPDX-License-Identifier: Apache-2.0
// fuzz.h: what the fuzz targets share: read a whole .cdict through the
// public reader API, touching every field a consumer would.
#ifndef PW_FUZZ_H
#define PW_FUZZ_H

#include <stdint.h>
#include <string.h>

#include "cdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_read_all(int fd)
{
	struct pw_reader *r;
	struct pw_event ev;
	char msg[256];
	volatile size_t sink = 0;
	int err;

	err = pw_reader_open_fd(&r, fd, "fuzz");
	if (!err) {
		const struct pw_meta *m = pw_reader_meta(r);
		struct pw_trailer pk;

		// the trailer read from the end first (perfwhiz-dash does)
		if (!pw_reader_peek_trailer(r, &pk))
			for (size_t i = 0; i < pk.nr_stats; i++)
				sink += strlen(pk.stats[i].group) + strlen(pk.stats[i].name);
		pw_trailer_release(&pk);

		for (size_t i = 0; i < m->nr_tracepoints; i++)
			sink += strlen(m->tracepoints[i]);
		for (size_t i = 0; i < m->nr_extra; i++)
			sink += strlen(m->extra[i].key) + strlen(m->extra[i].value);
		while ((err = pw_reader_next(r, &ev)) > 0) {
			const char *s = NULL;

			if (ev.kind == PW_EV_TASK || ev.kind == PW_EV_EXEC)
				s = pw_reader_string(r, ev.task.name);
			else if (ev.kind == PW_EV_FORK)
				s = pw_reader_string(r, ev.fk.child_name);
			if (ev.kind == PW_EV_TASK || ev.kind == PW_EV_EXEC ||
			    ev.kind == PW_EV_FORK) {
				if (!s)
					__builtin_trap();	// a validated id must resolve
				sink += strlen(s);
			}
			sink += ev.time;
		}
		const struct pw_trailer *tr = pw_reader_trailer(r);

		for (size_t i = 0; tr && i < tr->nr_stats; i++)
			sink += strlen(tr->stats[i].group) + tr->stats[i].value;
	}
	pw_reader_describe(r, err, msg, sizeof(msg));
	sink += strlen(msg);
	pw_reader_free(r);
	(void)sink;
}

#endif
