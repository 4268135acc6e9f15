// SPDX-License-Identifier: GPL-2.0-only
// state.h: PRIVATE to the plugin (plugin/*.c): the state perf's start()
// hands back to every call, and the types its parts share (the events it
// decodes, their decoders and routes, the task table).
//
// Who owns what while the decoding thread runs (dq.h): perf's thread the
// routes, the per-sample counts and the batch being filled; the decoding
// thread the task table, the writer's adds and werr (written only when it
// is set). After pw_dq_stop() all of it is perf's thread's.
#ifndef PW_PLUGIN_STATE_H
#define PW_PLUGIN_STATE_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "autoname.h"
#include "cdict.h"
#include "dq.h"
#include "pw_map.h"
#include "pw_tidhash.h"
#include "tpformat.h"

#define PW_PROG "perfwhiz"	// the name every message of the plugin starts with
#define COMM_LEN 16
#define NR_FIELDS 6
#define ID_ROUTES 1024		// slots of the route cache by sample id

/* ---- the events we decode ----------------------------------------------- */

// Field names per kind, in slot order; a leading '?' marks an optional field.
// num32: the slots read as 32-bit numbers, comm: the slots holding a comm
// (bit i for slot i), for the decoders' fast path (see struct decoder).
struct known {
	const char *system, *name;
	uint8_t kind;
	const char *fields[NR_FIELDS];
	uint8_t num32, comm;
};

// The events we decode (formats.c); pw_known[0] is sched:sched_switch.
#define NR_KNOWN 14
extern const struct known pw_known[NR_KNOWN];

// A decoder: one known event whose format was found and resolved.
//
// fast: the format is the usual one, so the hot path needs no test per
// field: common_type is an unsigned 2 bytes, every 32-bit number it reads
// (known.num32) is 4 or 8 bytes wide or an absent optional field, every
// comm (known.comm) a plain char[16]. Other layouts, old or hostile, take
// the general reads; both paths give the same values.
struct decoder {
	const struct known *k;
	uint8_t kind;		// k->kind, one load less per sample
	uint8_t fast;
	uint8_t ct_u16;		// common_type is the usual unsigned 2 bytes
	uint8_t comm16;		// bit f: field f is a plain char[16] (a comm)
	int id;			// tracepoint id
	int usable;		// every required field resolved
	uint32_t min_raw;	// largest offset+size of the fields read
	struct pw_field common_type;
	struct pw_field f[NR_FIELDS];
	char *missing;		// the first required field not found
};

// Where the samples of one attr go.
enum { R_DECODE, R_IGNORE, R_MISSING };
struct route {
	uint32_t type;
	uint64_t config;
	int what;		// R_*
	struct decoder *dec;
	char *name;		// "sched:sched_switch"
	uint64_t count;		// samples (R_IGNORE) or samples not decoded (R_MISSING)
	uint64_t invalid;	// R_DECODE samples that failed validation
};

// The route of the samples of one sample id (see route_of() in perfwhiz.c).
struct id_route {
	uint64_t id;
	struct route *r;	// NULL: empty
};

/* ---- tasks -------------------------------------------------------------- */

#define TF_EMITTED 0x01		// a TASK record was written
#define TF_DIRTY 0x02		// name or tgid changed since that record
#define TF_MATCH 0x04		// tasks= regex matches its name
#define TF_MATCH_KNOWN 0x08

struct task {
	int32_t tid;
	int32_t pid;		// tgid, -1 unknown
	char comm[COMM_LEN];	// last comm seen, NUL-padded: comm[15] is 0
	const char *fixed;	// name from map= or autoname (borrowed)
	uint8_t flags;
};

/* ---- the state ---------------------------------------------------------- */

struct state {
	// dlargs
	char *out_path, *input, *map_path, *tasks_re;
	int autoname, keep, quiet;
	int ret;		// the filter's: 1 drops the sample, 0 (keep) not
	int early;		// samples are taken in filter_event_early()
	regex_t re;
	int have_re;
	struct pw_map map;
	struct pw_autonames auto_names;

	// formats and routing
	int pipe_mode;
	struct pw_tpfmts *fmts;
	struct decoder dec[NR_KNOWN];
	struct route *routes;
	size_t nr_routes, alloc_routes;
	struct route *last_route;
	struct id_route *id_routes;	// ID_ROUTES slots, by id % ID_ROUTES

	// tasks in the order they came, and tid -> index into them
	struct task *tasks;
	size_t nr_tasks, alloc_tasks;
	struct pw_tidhash tids;
	uint8_t *cpu_seen;	// PW_MAX_CPUS bytes
	uint32_t nr_cpus_seen;

	// output
	struct pw_writer *w;
	int werr;
	int failed;		// werr was reported and the output abandoned
	uint64_t by_kind[PW_EV__COUNT];	// events stored, from the writer in stop()
	struct timespec t0;
	// perf's thread's counts, written on every sample: not in a cache
	// line the decoding thread reads (nor its own part of dq;
	// docs/decisions.md, "Nothing written that perf's thread reads per
	// sample")
	_Alignas(64) uint64_t samples, invalid_total, ignored_total, missing_total;
	struct pw_dq dq;
	// the decoding side's: per route, samples that failed validation
	// while decoded (added to the routes' counts in stop())
	uint64_t *late_invalid;
	size_t nr_late_invalid;
};

#endif
