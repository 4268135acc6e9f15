// SPDX-License-Identifier: Apache-2.0
// cdict_tally.h: what the writer counts for the trailer of a .cdict file:
// events by kind, first and last time, chunks, the distinct tids and each
// one's runtime (its slices, as a reader derives them), and the named
// counters the producer sets; and the trailer map packed from them. Private
// to common/ (the writer's). Usage:
//	struct pw_tally t = { 0 };
//	struct pw_wchunk c = { 0 };		// a chunk's columns, as the writer fills them
//	msgpack_sbuffer sb;
//	msgpack_packer pk;
//	msgpack_sbuffer_init(&sb);
//	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
//	if (pw_tally_chunk(&t, &c) || pw_tally_set_stat(&t, "ignored", "irq", 3) ||
//	    pw_tally_pack(&t, &pk))
//		die("out of memory");
//	use(sb.data, sb.size);			// the trailer map
//	msgpack_sbuffer_destroy(&sb);
//	pw_tally_release(&t);
#ifndef PW_CDICT_TALLY_H
#define PW_CDICT_TALLY_H

#include <stdint.h>

#include "cdict_write_int.h"
#include "pw_tidhash.h"

struct pw_tally {
	struct pw_trailer tr;	// rows, events, first/last_ns, chunks, stats
	int have_first;
	// the distinct tids in order of first sight, with their runtime
	struct pw_tidhash tids;	// tid -> index in tasks
	struct pw_top *tasks;
	uint32_t ntasks;
	size_t captasks;
	// each cpu as a reader sees it for the runtimes: the tid the last
	// switch switched in, and that switch's time + 1 (0: none yet)
	struct pw_tally_cpu {
		int32_t tid;
		uint64_t last;
	} *cpu;
	uint32_t ncpu;
};

// pw_tally_chunk: a chunk's rows into the counts: events by kind, first and
// last time, every event's tid, and each switch's slice (from the cpu's
// last switch, or from the file's first event: what a reader derives) on
// its prev's runtime. tr.chunks is the caller's to count. 0 or PW_ENOMEM.
int pw_tally_chunk(struct pw_tally *t, const struct pw_wchunk *c);

// pw_tally_set_stat: set a named counter (copied); setting a pair twice
// keeps the last value. 0 or PW_ENOMEM.
int pw_tally_set_stat(struct pw_tally *t, const char *group, const char *name,
		      uint64_t value);

// pw_tally_pack: the trailer map into pk, once the last chunk is counted:
// the counts, the PW_TRAILER_TOP tids with the most runtime, the counters
// (sorted, so that the same counters give the same bytes in any order).
// 0 or PW_ENOMEM (pk then holds part of a map).
int pw_tally_pack(struct pw_tally *t, msgpack_packer *pk);

// pw_tally_release: free what t holds and zero it; a zeroed t is fine.
void pw_tally_release(struct pw_tally *t);

#endif
