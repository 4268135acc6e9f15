// SPDX-License-Identifier: Apache-2.0
// cdict_chunk.h: decoding one chunk of a .cdict file, on any thread: its
// checksum, inflating, unpacking, and the columns of an event chunk turned
// into pw_events, every value checked; the trailer chunk into a pw_trailer.
// Also the record of an error and where (struct pw_fail) and the msgpack
// lookups that the reader's other pieces (cdict_meta.c, cdict_pipe.c,
// cdict_read.c) share. Private to common/.
//
// A chunk is decoded in a slot (struct pw_slot): cdict_pipe.c reads the
// header and payload into it, in file order; pw_slot_decode() does all that
// needs no earlier chunk; cdict_read.c, taking the slots in file order,
// finishes what does (the string table, each cpu's first switch).
#ifndef PW_CDICT_CHUNK_H
#define PW_CDICT_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#include <libdeflate.h>
#include <msgpack.h>

#include "cdict_int.h"

// Rows a reader accepts in one event chunk (the writer puts PW_CHUNK_ROWS):
// what bounds a slot's event array (48 bytes a row).
#define PW_READ_ROWS_MAX (4u * PW_CHUNK_ROWS)

// An error and where: the reader's, or a slot's until the caller reaches
// it. err 0: none.
struct pw_fail {
	int err;
	uint64_t off;		// the file offset it is about
	int line;		// the source line that found it
	char detail[192];
};

// pw_fail_set: record the error in f unless f holds one already (the first
// error stays); returns f's error. Every bad-input path goes through it,
// by CORRUPT() or FAIL(): one breakpoint for all bad input.
int pw_fail_set(struct pw_fail *f, int err, uint64_t off, int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define CORRUPT(f, off, ...) pw_fail_set((f), PW_ECORRUPT, (off), __LINE__, __VA_ARGS__)
#define FAIL(f, err, off, ...) pw_fail_set((f), (err), (off), __LINE__, __VA_ARGS__)

// What a slot holds (pw_slot.type): nothing (end of input), a chunk of
// each known type, a chunk of a type from a later minor version (to skip,
// and also "read, not decoded yet"), or an error (pw_slot.f).
enum { CH_EOF, CH_META, CH_EV, CH_END, CH_SKIP, CH_ERR };

// Each cpu's first or last switch of an event chunk (pw_slot.first, .last).
struct pw_fixup {
	uint32_t row;
	int32_t cpu;
	int64_t v;		// first: sw.prev as stored; last: PW_NEXT_SEEN(next)
	uint64_t time;		// last: the switch's time
};

// A task or fork row's string id, checked by the caller against the table.
struct pw_strref {
	uint32_t row, id;
};

// The times of a cpu's first and last event in an event chunk
// (pw_slot.span): what the caller compares with the chunk before.
struct pw_cpuspan {
	uint32_t cpu;
	uint64_t first, last;
};

struct pw_slot {
	uint64_t seq;		// chunk number (0 = the metadata)
	int ready;		// decoded, for the caller to take (cdict_pipe.c)
	int held;		// taken, and its events still lent (pw_reader_hold)

	// what was read: header and payload, or why not
	uint64_t off, end;	// the chunk's offset, and the offset after it
	uint8_t hdr[PW_CHUNK_HEADER_SIZE];
	uint32_t zlen, rawlen;
	unsigned char *zbuf, *raw;
	size_t zcap, rawcap;
	struct libdeflate_decompressor *inflater;
	msgpack_unpacked upk;

	// what was decoded
	int type;		// CH_*
	struct pw_fail f;	// the chunk's error (err 0: none); for an event
				// chunk, the rows before `nev` are good
	struct pw_event *ev;	// nev events
	uint32_t nev;
	const msgpack_object *str;	// the chunk's new strings, or NULL
	struct pw_trailer tr;	// CH_END
	// what only the caller can finish (it needs the chunks before):
	// each cpu's first switch of the chunk, whose prev and runtime come
	// from the cpu's last switch before it; each cpu's last switch (what
	// the next chunk's first one needs); the string ids of task rows
	struct pw_fixup *first, *last;
	uint32_t nfirst, nlast, capcpu;
	struct pw_strref *refs;
	uint32_t nrefs;
	// each cpu of the chunk (in order of its first row): its first and
	// last event's time; and the events earlier than the one before them
	// on their cpu, within the chunk (the caller adds the chunk's first
	// event of each cpu against the chunk before)
	struct pw_cpuspan *span;
	uint32_t nspan;
	uint64_t backwards;
	// the decoded columns: dt, cpu, then each group's; per cpu, the last
	// switch seen while deriving
	int64_t *cols;
	uint32_t cap;		// rows ev holds (cols: 6 times as many values)
	// each group's rows, in order: rows[gstart[g] .. gstart[g + 1])
	uint32_t *rows;
	uint32_t gstart[PW_G__COUNT + 1];
	// per cpu number, while a chunk is decoded (all 0 between chunks:
	// only the cpus a chunk has are touched, and reset, so that a chunk
	// costs its rows and cpus, never the highest cpu number):
	int64_t *cpu_next;	// PW_NEXT_SEEN(next) of the cpu's last switch, 0 none
	uint64_t *cpu_last;	// its time
	uint64_t *cpu_tf, *cpu_tl;	// first and last event time + 1, 0 none
	uint32_t ncpu;		// entries of the four (a power of two)
};

// pw_slot_init: an empty slot (zeroed, its msgpack zone ready).
void pw_slot_init(struct pw_slot *s);

// pw_slot_unpack: check the payload read into s against its checksum,
// inflate and unpack it (a file of major version `version`); returns its
// type (CH_ERR with s->f set on failure). s->hdr, zbuf, zlen, rawlen and
// off must be set.
int pw_slot_unpack(struct pw_slot *s, unsigned version);

// pw_slot_decode: everything about a read chunk (s->type CH_SKIP, as
// cdict_pipe.c leaves it) that needs no earlier chunk: unpack, then decode
// the events or the trailer by type; sets s->type (and s->f). Anything else
// in s->type (nothing was read: end of input or a read error) stays as it
// is. version: the file's major version.
void pw_slot_decode(struct pw_slot *s, unsigned version);

// pw_slot_parse_trailer: the unpacked trailer map m into s->tr; 0, or the
// error (in s->f).
int pw_slot_parse_trailer(struct pw_slot *s, const msgpack_object *m);

// pw_slot_release: free what s holds; s is garbage after it.
void pw_slot_release(struct pw_slot *s);

// ---- msgpack lookups ----

// pw_mp_get: the value of the string key in map, or NULL.
const msgpack_object *pw_mp_get(const msgpack_object *map, const char *key);

// pw_mp_is_int: 1 for an integer (either sign).
int pw_mp_is_int(const msgpack_object *o);

// pw_mp_uint: a non-negative integer that fits int64, or -1 (also for NULL).
int64_t pw_mp_uint(const msgpack_object *o);

// pw_mp_strdup: a copy of a string (cut at 4 * PW_NAME_MAX bytes), caller
// frees; NULL when o is NULL or no string, or out of memory.
char *pw_mp_strdup(const msgpack_object *o);

#endif
