// SPDX-License-Identifier: Apache-2.0
// cdict_write_int.h: what the writer's pieces (cdict_write.c, cdict_tally.c)
// share: the columns of one event chunk as the writer fills them, and the
// msgpack packing of strings and counters. Private to common/.
#ifndef PW_CDICT_WRITE_INT_H
#define PW_CDICT_WRITE_INT_H

#include <stdint.h>
#include <string.h>

#include <msgpack.h>

#include "cdict_int.h"

// The columns of one event chunk: kind, dt and cpu have a row per event,
// each group's columns a row per event of the group's kinds. Every column
// holds PW_CHUNK_ROWS values, allocated when the chunk (kind, dt, cpu) or the
// group is first used, so that pushes never check room.
struct pw_wchunk {
	uint32_t rows;
	uint64_t t0;
	uint8_t *kind;
	int64_t *dt, *cpu;
	int64_t *cols[PW_G__COUNT][PW_GROUP_MAXCOLS];
	uint32_t gn[PW_G__COUNT];	// rows of each group
	char **str;		// strings new in this chunk, borrowed from the table
	uint32_t nstr, str_cap;
};

static inline void pw_pack_str(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);

	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

static inline void pw_pack_kv_str(msgpack_packer *pk, const char *k, const char *v)
{
	pw_pack_str(pk, k);
	pw_pack_str(pk, v);
}

static inline void pw_pack_kv_u64(msgpack_packer *pk, const char *k, uint64_t v)
{
	pw_pack_str(pk, k);
	msgpack_pack_uint64(pk, v);
}

#endif
