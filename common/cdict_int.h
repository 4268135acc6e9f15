// SPDX-License-Identifier: Apache-2.0
// cdict_int.h: what the .cdict writer and reader share: the column schema of
// event chunks, the byte planes of integer columns, the string table, and
// the little-endian helpers. Private to common/ (cdict_schema.c).
#ifndef PW_CDICT_INT_H
#define PW_CDICT_INT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cdict.h"

// Event chunks hold one column per row for the kind, time and cpu, then one
// column group per family of kinds; a group's columns have one value per row
// of its kinds, in row order. See docs/cdict-format.md, "Event chunks".
enum pw_group {
	PW_G_SW,	// sched_switch
	PW_G_WK,	// sched_wakeup, sched_waking, sched_wakeup_new
	PW_G_MG,	// sched_migrate_task
	PW_G_KX,	// kvm_exit
	PW_G_KE,	// kvm_entry
	PW_G_KU,	// kvm_userspace_exit
	PW_G_TK,	// task, sched_process_exec
	PW_G_FK,	// sched_process_fork
	PW_G_EX,	// sched_process_exit
	PW_G_ST,	// sched_stat_sleep, sched_stat_iowait, sched_stat_runtime
	PW_G__COUNT
};

#define PW_GROUP_MAXCOLS 4

// A cpu's last switched-in tid as the writer and the reader keep it for the
// sw.prev elision: never 0, which says the cpu has had no switch, whatever
// the tid (kept as tid + 1, a next of -1 read as none: the reader took the
// cpu's next switch for its first again, past its per-cpu table)
#define PW_NEXT_SEEN(tid) ((int64_t)(tid) + ((int64_t)1 << 32))
#define PW_NEXT_TID(v) ((int32_t)((v) - ((int64_t)1 << 32)))

struct pw_group_desc {
	const char *cols[PW_GROUP_MAXCOLS];	// msgpack keys, "sw.prev", ...
	unsigned ncols;
};

extern const struct pw_group_desc pw_groups[PW_G__COUNT];
extern const uint8_t pw_kind_group[PW_EV__COUNT];

// pw_ev_to_cols: the group column values of an event (sw.prev is stored as
// written here, the writer applies its elision on top). Inline: the
// writer's hot path. One case per group, like its inverse decode_fields()
// in cdict_chunk.c: both kept as switches on purpose (a table of field
// offsets and types would cost the reader's and the writer's hot loops a
// branch a value).
static inline void pw_ev_to_cols(const struct pw_event *ev, int64_t v[PW_GROUP_MAXCOLS])
{
	v[0] = ev->tid;
	v[1] = v[2] = v[3] = 0;
	switch (pw_kind_group[ev->kind]) {
	case PW_G_SW:
		v[1] = ev->sw.next_tid;
		v[2] = ev->sw.prev_state;
		break;
	case PW_G_WK:
		v[1] = ev->wk.target_cpu;
		break;
	case PW_G_MG:
		v[1] = ev->mg.orig_cpu;
		v[2] = ev->mg.dest_cpu;
		break;
	case PW_G_KX:
		v[1] = ev->kx.reason;
		v[2] = ev->kx.isa;
		break;
	case PW_G_KE:
		v[1] = ev->ke.vcpu_id;
		break;
	case PW_G_KU:
		v[1] = ev->kx.reason;
		break;
	case PW_G_TK:
		v[1] = ev->task.pid;
		v[2] = ev->task.name;
		break;
	case PW_G_FK:
		v[1] = ev->fk.child_tid;
		v[2] = ev->fk.child_pid;
		v[3] = ev->fk.child_name;
		break;
	case PW_G_EX:
		break;
	case PW_G_ST:
		v[1] = (int64_t)ev->st.delay_ns;
		break;
	}
}

static inline int pw_in_i32(int64_t x)
{
	return x >= INT32_MIN && x <= INT32_MAX;
}

static inline int pw_in_u32(int64_t x)
{
	return x >= 0 && x <= (int64_t)UINT32_MAX;
}

// Integer columns of format 3 are byte planes (docs/cdict-format.md, "Integer
// columns"): a msgpack bin of 1 + w * n bytes, w the width of the widest
// zigzag value, then plane 0 (bits 0-7 of every value), plane 1, ... The
// high planes of small numbers are runs of zeros, which deflate shrinks to
// almost nothing, and decoding is a few byte loads per value.
static inline uint64_t pw_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t pw_unzigzag(uint64_t z)
{
	return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

// pw_planes_width: bytes needed for the widest zigzag value of v[0..n).
unsigned pw_planes_width(const int64_t *v, uint32_t n);

// pw_planes_encode: write the column (width byte, then the planes) into out,
// which has room for 1 + width * n bytes; returns the bytes written.
size_t pw_planes_encode(uint8_t *out, const int64_t *v, uint32_t n, unsigned width);

// pw_planes_decode: decode a column of n values from bin[0..len) into v;
// returns 0, or -1 when the length does not match its width (or the width
// is over 8).
int pw_planes_decode(const uint8_t *bin, size_t len, uint32_t n, int64_t *v);

// pw_bytes_room: room for need bytes in *buf (of *cap bytes: realloc'd,
// the contents kept); 0 or PW_ENOMEM.
static inline int pw_bytes_room(unsigned char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	unsigned char *nb = realloc(*buf, need);

	if (!nb)
		return PW_ENOMEM;
	*buf = nb;
	*cap = need;
	return 0;
}

// A table of strings by id, dense from 0, as the writer and the reader keep
// a file's: each a copy, cut to PW_NAME_MAX bytes.
struct pw_strs {
	char **s;
	uint32_t n;
	size_t cap;
};

// pw_strs_add: a copy of p[0..len) (cut to PW_NAME_MAX bytes, then
// NUL-terminated) as string t->n; 0 or PW_ENOMEM.
int pw_strs_add(struct pw_strs *t, const char *p, size_t len);

// pw_strs_release: free the strings and zero t.
void pw_strs_release(struct pw_strs *t);

static inline void pw_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t pw_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void pw_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline uint16_t pw_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#endif
