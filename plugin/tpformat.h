// SPDX-License-Identifier: GPL-2.0-only
// tpformat.h: tracepoint formats parsed by libtraceevent, and direct reads of
// the fields they describe out of a sample's raw record.
//
// Invariants:
// - Formats are parsed once (in the plugin's start()); the hot path only
//   reads the resolved `struct pw_field` offsets, never libtraceevent.
// - A field read never goes past the raw record: pw_fields_fit() is checked
//   once per sample against the largest offset+size of the fields the
//   decoder reads, and dynamic (__data_loc) strings are checked on their own.
//
// Usage:
//	const char *text = "name: sched_switch\nID: 316\nformat:\n...";
//	const unsigned char raw[64] = { 0 };	// a sample's raw record
//	struct pw_tpfmts *set;
//	if (pw_tpfmts_new(&set, 8))
//		return -1;
//	pw_tpfmts_add(set, "sched", text, strlen(text));	// per format text
//	const struct pw_tpevent *ev = pw_tpfmts_find(set, "sched", "sched_switch");
//	struct pw_field prev;
//	if (ev && pw_tpevent_field(ev, "prev_pid", &prev) == 0)
//		use(pw_field_int(&prev, raw));
//	pw_tpfmts_free(set);
#ifndef PW_TPFORMAT_H
#define PW_TPFORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

// A resolved field. size 0 means absent.
#define PW_FLD_SIGNED 0x01
#define PW_FLD_DYNAMIC 0x02	// __data_loc: u32 holding offset | len << 16
#define PW_FLD_RELATIVE 0x04	// __rel_loc: offset counted from the field's end
#define PW_FLD_ARRAY 0x08
#define PW_FLD_LO32 0x10	// size 4 or 8: pw_field_u32() is a single load

struct pw_field {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
};

// One parsed tracepoint format.
struct pw_tpevent {
	int id;			// the tracepoint id (attr.config)
	const char *system;	// "sched"
	const char *name;	// "sched_switch"
	void *tep_event;	// struct tep_event *, for pw_tpevent_field()
};

struct pw_tpfmts;

// pw_tpfmts_new: an empty set; long_size is the recording host's sizeof(long)
// (the tracing data says it; 8 for the local host). Returns 0 or PW_ENOMEM.
int pw_tpfmts_new(struct pw_tpfmts **out, int long_size);

// pw_tpfmts_add: parse one format text (borrowed) of `system`: its name, id
// and fields, never its print format (cut off before libtraceevent sees
// it), and only when they are in the form the kernel prints ("name: ",
// "ID: ", "format:", "\tfield:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;"
// lines: every format of a 6.x kernel's tracefs is). Returns 0, PW_ETOOBIG
// when a field's offset or size is 2^31 or more (refused: libtraceevent
// would keep it cut to an int), PW_EINVAL when the text is not in that form
// or libtraceevent refuses it, or PW_ENOMEM.
int pw_tpfmts_add(struct pw_tpfmts *set, const char *system, const char *text,
		  size_t len);

// pw_tpfmts_add_file: read and parse a tracefs format file. Returns 0,
// PW_EIO (errno says why), PW_EINVAL or PW_ENOMEM.
int pw_tpfmts_add_file(struct pw_tpfmts *set, const char *system,
		       const char *path);

// pw_tpfmts_find / pw_tpfmts_find_id: a parsed event (borrowed, valid until
// pw_tpfmts_free()), or NULL.
const struct pw_tpevent *pw_tpfmts_find(const struct pw_tpfmts *set,
					const char *system, const char *name);
const struct pw_tpevent *pw_tpfmts_find_id(const struct pw_tpfmts *set, int id);
size_t pw_tpfmts_count(const struct pw_tpfmts *set);

// pw_tpevent_field: resolve a field by name into *f. Returns 0, or PW_EINVAL
// when the event has no such field (then *f is zeroed: size 0).
int pw_tpevent_field(const struct pw_tpevent *ev, const char *name,
		     struct pw_field *f);

// pw_tpfmts_free: release the set; NULL is fine.
void pw_tpfmts_free(struct pw_tpfmts *set);

/* ---- hot path: reads of resolved fields (caller checked the raw size) --- */

// pw_field_end: offset + size, what a raw record must hold to read f.
static inline uint32_t pw_field_end(const struct pw_field *f)
{
	return f->size ? f->offset + f->size : 0;
}

// pw_field_int: a numeric field of size 1, 2, 4 or 8, sign-extended when the
// format says signed; 0 for an absent field. The raw record is the host's
// byte order (the plugin refuses big-endian tracing data). One case a
// width, alike on purpose: each is a single load of its own type.
static inline int64_t pw_field_int(const struct pw_field *f, const void *raw)
{
	const unsigned char *p = (const unsigned char *)raw + f->offset;
	int s = f->flags & PW_FLD_SIGNED;

	switch (f->size) {
	case 1: {
		uint8_t v;
		memcpy(&v, p, 1);
		return s ? (int64_t)(int8_t)v : (int64_t)v;
	}
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return s ? (int64_t)(int16_t)v : (int64_t)v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return s ? (int64_t)(int32_t)v : (int64_t)v;
	}
	case 8: {
		uint64_t v;
		memcpy(&v, p, 8);
		return (int64_t)v;
	}
	default:
		return 0;
	}
}

// pw_field_u32: the low 32 bits of a numeric field, what a caller that keeps
// an int32_t or uint32_t of it gets from (uint32_t)pw_field_int(). For the
// usual sizes, 4 and 8 (pids, cpus, prev_state, exit reasons), that is one
// load at the field's offset, the record being little-endian: no switch on
// the size on the hot path.
static inline uint32_t pw_field_u32(const struct pw_field *f, const void *raw)
{
	uint32_t v;

	if (__builtin_expect(!!(f->flags & PW_FLD_LO32), 1)) {
		memcpy(&v, (const unsigned char *)raw + f->offset, 4);
		return v;
	}
	return (uint32_t)pw_field_int(f, raw);
}

// pw_field_str: a string field (char[N], or __data_loc/__rel_loc char[]) of
// a raw record of raw_size bytes: sets *len to its length up to the first
// NUL and returns its start, or NULL when the dynamic location points
// outside the record (the caller counts the sample invalid).
static inline const char *pw_field_str(const struct pw_field *f, const void *raw,
				       uint32_t raw_size, size_t *len)
{
	const char *base = (const char *)raw;
	uint32_t off = f->offset, n = f->size;

	if (f->flags & (PW_FLD_DYNAMIC | PW_FLD_RELATIVE)) {
		uint32_t loc;
		memcpy(&loc, base + f->offset, 4);
		off = loc & 0xffff;
		n = loc >> 16;
		if (f->flags & PW_FLD_RELATIVE)
			off += f->offset + f->size;
		if (off > raw_size || n > raw_size - off)
			return NULL;
	}
	const char *nul = memchr(base + off, 0, n);
	*len = nul ? (size_t)(nul - (base + off)) : n;
	return base + off;
}

#endif
