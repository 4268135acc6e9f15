// SPDX-License-Identifier: Apache-2.0
// cdict.h: the .cdict file format: events, metadata, streaming writer (format
// 3) and streaming reader (formats 3 and 2, and the original Python
// perfwhiz's files).
//
// The byte layout is specified in docs/cdict-format.md; only common/ touches
// the bytes. Invariants:
// - A file is a header, a metadata chunk, event chunks, and a trailer chunk;
//   a file without its trailer is truncated (a capture cut short) and every
//   complete chunk in it is still readable.
// - Events come out of the reader in the order they went into the writer
//   (perf script delivers samples in time order).
// - Strings (task names) are interned: events carry a string id; ids are
//   dense from 0 in order of first use, and pw_reader_string() maps them back.
// - Memory is bounded by a few chunks (PW_CHUNK_ROWS events each: two in the
//   writer; in the reader, the decoding threads + 2, and one more per batch
//   lent beyond the first) plus the number of strings, tids and
//   CPUs, never by the number of events. What a file may make a reader keep
//   is capped, each cap checked before the allocation it bounds: a chunk
//   of at most PW_CHUNK_MAX bytes (and 262,144 rows), CPUs below
//   PW_MAX_CPUS, at most as many new strings in a chunk as it has rows,
//   PW_STRINGS_MAX strings of PW_STRINGS_BYTES_MAX bytes in all; a file
//   past a cap is refused as corrupt, the cap named (docs/cdict-format.md,
//   "What a reader must check").
// - The reader decodes chunks ahead on background threads when the input is
//   a large regular file (pw_reader_set_threads()); what it delivers, and
//   every error and its place, are the same with threads or without.
//
// Usage, writing:
//	struct pw_meta meta = { .hostname = "host1", .nr_cpus = 4 };
//	struct pw_writer *w;
//	int err = pw_writer_open(&w, "run.cdict", &meta);
//	struct pw_event ev = { .kind = PW_EV_SWITCH, .time = 1000, .cpu = 3,
//			       .tid = 42, .sw = { .next_tid = 43, .prev_state = 1 } };
//	err = pw_writer_add(w, &ev);          // repeat; chunks are flushed as they fill
//	pw_writer_set_stat(w, "ignored", "irq:irq_handler_entry", 12);
//	err = pw_writer_finish(w);            // trailer, fsync, rename: the file appears
//	pw_writer_free(w);                    // after a failure: removes the temp file
//
// Usage, reading:
//	struct pw_reader *r;
//	struct pw_event ev;
//	int err = pw_reader_open(&r, "run.cdict");
//	while ((err = pw_reader_next(r, &ev)) > 0)
//		use(&ev, pw_reader_string(r, ev.task.name));
//	// or a chunk's events at a time:
//	const struct pw_event *v; size_t n;
//	while ((err = pw_reader_next_batch(r, &v, &n)) > 0)
//		for (size_t i = 0; i < n; i++) use(&v[i]);
//	if (err == PW_ETRUNC)                 // every complete chunk was delivered
//		use(r);
//	else if (err < 0) { char msg[512]; pw_reader_describe(r, err, msg, sizeof(msg)); }
//	pw_reader_free(r);
#ifndef PW_CDICT_H
#define PW_CDICT_H

#include <stddef.h>
#include <stdint.h>

#include "pw_error.h"

#define PW_CDICT_MAGIC "PWCDICT\n"	// 8 bytes at offset 0
#define PW_CDICT_VERSION 3		// major version the writer writes
#define PW_CDICT_VERSION_MIN 2		// oldest major version the reader reads
#define PW_CDICT_MINOR 2
#define PW_HEADER_SIZE 16
#define PW_CHUNK_HEADER_SIZE 16
#define PW_CHUNK_ROWS 65536		// events per event chunk (writer side)
#define PW_CHUNK_MAX (64u << 20)	// cap on a chunk, compressed or not
#define PW_LEGACY_MAX (1u << 30)	// cap on a legacy file, decompressed
#define PW_MAX_CPUS 65536		// a cpu number >= this is corrupt
#define PW_NAME_MAX 4096		// longest string kept (longer ones are cut)
#define PW_STRINGS_MAX (1u << 22)	// strings in one file's table, at most
#define PW_STRINGS_BYTES_MAX (128u << 20)	// their bytes together, at most
#define PW_READ_THREADS_MAX 8		// decoding threads of one reader
#define PW_READ_HOLDS_MAX 8		// batches one reader lends at once

// Event kinds. The numbers are on disk: append, never renumber.
#define PW_EVENT_KINDS(_)                                                      \
	_(PW_EV_SWITCH, "sched_switch")                                        \
	_(PW_EV_WAKEUP, "sched_wakeup")                                        \
	_(PW_EV_WAKING, "sched_waking")                                        \
	_(PW_EV_WAKEUP_NEW, "sched_wakeup_new")                                \
	_(PW_EV_MIGRATE, "sched_migrate_task")                                 \
	_(PW_EV_EXEC, "sched_process_exec")                                    \
	_(PW_EV_FORK, "sched_process_fork")                                    \
	_(PW_EV_EXIT, "sched_process_exit")                                    \
	_(PW_EV_STAT_SLEEP, "sched_stat_sleep")                                \
	_(PW_EV_STAT_IOWAIT, "sched_stat_iowait")                              \
	_(PW_EV_STAT_RUNTIME, "sched_stat_runtime")                            \
	_(PW_EV_KVM_EXIT, "kvm_exit")                                          \
	_(PW_EV_KVM_ENTRY, "kvm_entry")                                        \
	_(PW_EV_KVM_USEREXIT, "kvm_userspace_exit")                            \
	_(PW_EV_TASK, "task")

enum pw_event_kind {
#define PW_EV_ENUM_(code, name) code,
	PW_EVENT_KINDS(PW_EV_ENUM_)
#undef PW_EV_ENUM_
	PW_EV__COUNT
};

// pw_event_name: the tracepoint-style name of a kind ("sched_switch"), or
// NULL for an unknown kind. pw_event_kind_by_name: the reverse, or -1.
const char *pw_event_name(unsigned kind);
int pw_event_kind_by_name(const char *name);

// prev_state of a switch: the kernel's TASK_* bits as sched_switch reports
// them (0 = R, runnable: the switch was involuntary). The legacy format has
// no state: its switches carry PW_STATE_UNKNOWN.
#define PW_STATE_UNKNOWN 0xffffffffu

// KVM instruction set of an exit reason (kvm_exit's isa field).
#define PW_ISA_VMX 1
#define PW_ISA_SVM 2

// Event flags (set by the reader, never stored).
#define PW_EVF_CLIPPED 0x01	// switch: the slice began before the first event
#define PW_EVF_LEGACY 0x02	// read from a legacy file: times are whole µs

// One event. `tid` is the task the event is about; the union holds the rest,
// by kind. Time is the perf clock in ns.
struct pw_event {
	uint64_t time;
	int32_t cpu;
	uint8_t kind;		// enum pw_event_kind
	uint8_t flags;		// PW_EVF_*
	uint16_t reserved;
	int32_t tid;		// SWITCH: prev; WAKEUP*: woken; MIGRATE: moved; KVM_*: the
				// vCPU thread; EXEC/EXIT/STAT_*/TASK: that task; FORK: parent
	union {
		struct {	// SWITCH
			int32_t next_tid;
			uint32_t prev_state;
			uint64_t runtime_ns;	// reader only: the slice that ended
						// (clipped to the first event)
		} sw;
		struct {	// WAKEUP, WAKING, WAKEUP_NEW
			int32_t target_cpu;
		} wk;
		struct {	// MIGRATE
			int32_t orig_cpu, dest_cpu;
		} mg;
		struct {	// KVM_EXIT (isa, reason), KVM_USEREXIT (reason)
			uint32_t reason;
			uint32_t isa;
		} kx;
		struct {	// KVM_ENTRY
			uint32_t vcpu_id;
		} ke;
		struct {	// TASK (a name or tgid seen for tid), EXEC (new image)
			int32_t pid;	// tgid, -1 when unknown
			uint32_t name;	// string id
		} task;
		struct {	// FORK
			int32_t child_tid;
			int32_t child_pid;
			uint32_t child_name;	// string id
		} fk;
		struct {	// STAT_SLEEP, STAT_IOWAIT, STAT_RUNTIME
			uint64_t delay_ns;	// runtime_ns for STAT_RUNTIME
		} st;
	};
};

// A capture's metadata. Every string may be NULL (unknown); numbers 0 when
// unknown. The writer borrows it; the reader owns the one it returns.
struct pw_kv {
	char *key;
	char *value;
};

struct pw_meta {
	char *perfwhiz;		// version of the writer
	char *hostname;
	char *kernel;		// osrelease
	char *arch;
	char *cpu_desc;
	char *cpuid;
	char *perf_version;
	char *cmdline;		// the perf record command line
	char *source;		// the perf.data the capture was read from
	uint32_t nr_cpus;	// online CPUs at record time
	uint32_t nr_cpus_avail;
	int64_t capture_time;	// unix seconds when recorded, 0 unknown
	char **tracepoints;	// "sched:sched_switch", ... as recorded
	size_t nr_tracepoints;
	char **core_siblings;	// topology: one cpu list per core group ("0-3")
	size_t nr_core_siblings;
	char **thread_siblings;
	size_t nr_thread_siblings;
	int32_t *core_id;	// per cpu, or NULL
	int32_t *socket_id;	// per cpu, or NULL
	size_t nr_topo_cpus;	// entries in core_id and socket_id
	struct pw_kv *extra;	// anything else the producer wants to record
	size_t nr_extra;
};

// A named counter of the trailer: stats[group][name] = value.
struct pw_stat {
	char *group;
	char *name;
	uint64_t value;
};

// One of the trailer's tids with the most runtime (minor version 1).
struct pw_top {
	int32_t tid;
	uint64_t runtime_ns;	// its slices, each cpu's last one to last_ns
};

#define PW_TRAILER_TOP 1024	// tids in the trailer's "top", at most

// The valid event times, on both sides: a producer counts a sample later
// than this as failing validation, a reader refuses an event past it.
#define PW_TIME_MAX ((uint64_t)INT64_MAX)

// How the conversion that wrote a file ended (the trailer's "ended", minor
// version 2). A file without it (older, legacy, no trailer) is UNKNOWN.
enum pw_end {
	PW_END_UNKNOWN,
	PW_END_COMPLETE,	// the producer saw its whole input
	PW_END_INTERRUPTED,	// stopped by a signal (SIGINT, SIGTERM, ...)
	PW_END_PERF_FAILED,	// perf stopped before the end of its input
	PW_END_UNCHECKED,	// finished, but whether all input came was not checked
	PW_END__COUNT
};

// pw_end_name: "unknown", "complete", "interrupted", "perf_failed",
// "unchecked"; pw_end_by_name: the inverse, PW_END_UNKNOWN for any other.
const char *pw_end_name(int end);
int pw_end_by_name(const char *name);

// The trailer: its presence proves the file is whole.
struct pw_trailer {
	uint64_t rows;			// events in the file (all kinds)
	uint64_t events[PW_EV__COUNT];	// events by kind
	uint64_t tasks;			// distinct tids
	uint64_t first_ns, last_ns;	// first and last event time
	uint64_t chunks;		// event chunks before the trailer
	struct pw_stat *stats;
	size_t nr_stats;
	struct pw_top *top;		// most runtime first; NULL in files
	size_t nr_top;			// older than minor version 1
	int end;			// enum pw_end (minor version 2)
	char *end_why;			// what the producer said of it, or NULL
};

/* ---- writer ------------------------------------------------------------ */

struct pw_writer;

// pw_writer_open: create the output as its path says (common/pw_outpath.h):
// for a new or regular file (through links: the file they lead to), a
// temporary file made with O_EXCL in its directory (".NAME.XXXXXX", mode
// 0666 less the umask; a replaced file's mode kept), renamed over it only
// at pw_writer_finish(), so that an earlier file of that name survives any
// failure; a character device or a FIFO is written straight through (no
// temporary file: such an output is half-written by a failure); a
// directory, a socket, a block device or a link to nothing is refused.
// Writes the header and the metadata chunk (borrowed). Returns 0, PW_EIO
// (pw_writer_errno() says why: EISDIR, ENOTSUP or ENOENT for a refused
// path; *out is then set, for pw_writer_free()), PW_ENOMEM or PW_EINVAL.
int pw_writer_open(struct pw_writer **out, const char *path,
		   const struct pw_meta *meta);

// pw_writer_no_thread: pack and write each chunk in pw_writer_add()'s
// caller, as it fills, rather than on the writer's own thread; for a caller
// that is itself a thread beside the one producing the events (the
// plugin's decoding thread). Before the first chunk is full; the bytes
// written are the same.
void pw_writer_no_thread(struct pw_writer *w);

// pw_writer_intern: the id of a string, adding it to the table on first use.
// Strings longer than PW_NAME_MAX are cut to it. Returns the id (>= 0) or
// PW_ENOMEM.
int64_t pw_writer_intern(struct pw_writer *w, const char *s);

// pw_writer_add: append one event (copied). Strings are given as ids from
// pw_writer_intern(). sw.runtime_ns is ignored (readers derive it). Flushes
// a chunk every PW_CHUNK_ROWS events. Returns 0, PW_EINVAL (bad kind, cpu or
// string id; a switch out of tid -1 unless the cpu's last switch was into
// -1: format 3 stores prev as tid + 1, 0 being the elision), PW_EIO or
// PW_ENOMEM.
int pw_writer_add(struct pw_writer *w, const struct pw_event *ev);

// pw_writer_set_stat: set a trailer counter (copied), e.g. ("ignored",
// "irq:irq_handler_entry", 12). Setting a pair twice keeps the last value.
int pw_writer_set_stat(struct pw_writer *w, const char *group,
		       const char *name, uint64_t value);

// pw_writer_set_end: how the conversion ended (enum pw_end) and why, in
// words (copied; NULL: nothing to say), for the trailer's "ended". A writer
// that is never told writes PW_END_COMPLETE. 0, PW_EINVAL or PW_ENOMEM.
int pw_writer_set_end(struct pw_writer *w, int end, const char *why);

// pw_writer_events: the events stored so far, by kind (the trailer's
// counts), into events[]: the chunk being filled is handed to the thread
// and waited for first, so that they are final after the last
// pw_writer_add(). Returns 0, or the writer's error (events[] still set).
int pw_writer_events(struct pw_writer *w, uint64_t events[PW_EV__COUNT]);

// pw_writer_finish: flush, write the trailer, fsync, rename into place (a
// device or FIFO: flush, trailer, close). Returns 0 or a PW_E* code (then
// nothing appears under the name; a device or FIFO got part of the file).
int pw_writer_finish(struct pw_writer *w);

// pw_writer_tmp_path: the temporary file being written (borrowed), or NULL
// once finished and when writing straight through to a device or FIFO; for
// a fatal-signal handler that can only unlink it.
const char *pw_writer_tmp_path(const struct pw_writer *w);

// pw_writer_bytes: bytes written so far (header and chunks).
uint64_t pw_writer_bytes(const struct pw_writer *w);

// pw_writer_errno: the errno of the last PW_EIO, for messages.
int pw_writer_errno(const struct pw_writer *w);

// pw_writer_free: release; if pw_writer_finish() did not succeed, remove the
// temporary file (a device or FIFO keeps what it got). NULL is fine.
void pw_writer_free(struct pw_writer *w);

/* ---- reader ------------------------------------------------------------ */

struct pw_reader;

// pw_reader_open: open a .cdict file, or a legacy perfwhiz file (detected
// from its first bytes), and read its header and metadata. Returns 0 with
// *out set, or a PW_E* code; on an input error *out is still set (so that
// pw_reader_describe() can say where) and the caller frees it.
int pw_reader_open(struct pw_reader **out, const char *path);

// pw_reader_open_fd: the same on an open descriptor (borrowed, not closed);
// `name` is used in messages.
int pw_reader_open_fd(struct pw_reader **out, int fd, const char *name);

// pw_reader_set_threads: decode with n background threads (0: in the
// caller, as each chunk is needed), before the first pw_reader_next(). By
// default a regular file of at least 1 MiB gets min(2, online CPUs) threads
// and anything else none; threads are never used on pipes. Returns 0, or
// PW_EINVAL after reading began or for n > PW_READ_THREADS_MAX.
int pw_reader_set_threads(struct pw_reader *r, unsigned n);

// pw_reader_set_holds: room for n batches lent at once (pw_reader_hold),
// before the first pw_reader_next(): n more chunks in memory. Returns 0, or
// PW_EINVAL after reading began or for n > PW_READ_HOLDS_MAX.
int pw_reader_set_holds(struct pw_reader *r, unsigned n);

// pw_reader_hold: the batch pw_reader_next_batch() gave last stays valid
// (unchanged, and not reused for a later chunk) after the next calls, until
// pw_reader_release(r, token), which any thread may call; tokens are given
// back in any order. Returns the token (>= 0), or -1 when this reader
// cannot lend it (no decoding threads, a legacy file, no batch in hand, or
// the set_holds room is all lent): the caller copies what it needs then.
// Releasing is needed before pw_reader_free().
int pw_reader_hold(struct pw_reader *r);
void pw_reader_release(struct pw_reader *r, int token);

// pw_reader_next: the next event into *ev. Returns 1, or 0 at the end of a
// whole file, or a negative code: PW_ETRUNC when the file stops short of its
// trailer (every complete chunk was delivered before), PW_ECRC/PW_ECORRUPT/
// PW_ETOOBIG on bad data (events before the bad row were delivered).
int pw_reader_next(struct pw_reader *r, struct pw_event *ev);

// pw_reader_next_batch: the next events, as many as are decoded in a row:
// sets *ev to an array of *n >= 1 events (borrowed: valid until the next call
// of pw_reader_next*() or pw_reader_free()). Returns 1, 0 or an error, as
// pw_reader_next(); mixing the two calls is fine.
int pw_reader_next_batch(struct pw_reader *r, const struct pw_event **ev,
			 size_t *n);

// A cursor over pw_reader_next_batch(): one event at a time, as a pointer
// into the reader's batch (borrowed until the next pw_cursor_next() or
// pw_reader_next*() call), with no call per event. Usage:
//	struct pw_reader *r;
//	int err = pw_reader_open(&r, "run.cdict");
//	struct pw_cursor c = PW_CURSOR_INIT(r);
//	const struct pw_event *ev;
//	while ((err = pw_cursor_next(&c, &ev)) > 0)
//		use(ev);
struct pw_cursor {
	struct pw_reader *r;
	const struct pw_event *v;
	size_t i, n;
};

#define PW_CURSOR_INIT(reader) { (reader), NULL, 0, 0 }

// pw_cursor_next: 1 with *ev set, or what pw_reader_next_batch() returned.
static inline int pw_cursor_next(struct pw_cursor *c, const struct pw_event **ev)
{
	if (c->i == c->n) {
		int k = pw_reader_next_batch(c->r, &c->v, &c->n);

		c->i = 0;
		if (k <= 0) {
			c->n = 0;
			return k;
		}
	}
	*ev = &c->v[c->i++];
	return 1;
}

// pw_reader_string: the string of an id, or NULL if the id is unknown.
// Borrowed: valid until pw_reader_free().
const char *pw_reader_string(const struct pw_reader *r, uint32_t id);
uint32_t pw_reader_nr_strings(const struct pw_reader *r);

// pw_reader_meta: the metadata (borrowed; fields NULL/0 when unknown).
const struct pw_meta *pw_reader_meta(const struct pw_reader *r);

// pw_reader_trailer: the trailer once pw_reader_next() returned 0; NULL
// before, and for truncated or legacy files.
const struct pw_trailer *pw_reader_trailer(const struct pw_reader *r);

// pw_reader_peek_trailer: the trailer of a whole file, read from its end
// before (or without) reading the events: the last chunk of the file whose
// header checksum holds and whose payload ends exactly at the end of the
// file, checked and decoded as pw_reader_next() would. A copy in *tr
// (release it with pw_trailer_release()), 0; PW_ENOENT-like PW_ETRUNC when
// no trailer is there (a file cut short, a pipe, a legacy file), another
// PW_E* code when the chunk found is damaged or memory ran out. Does not
// move the reading position.
int pw_reader_peek_trailer(struct pw_reader *r, struct pw_trailer *tr);

// pw_trailer_release: free what a peeked trailer holds, and zero it.
void pw_trailer_release(struct pw_trailer *tr);

// pw_reader_events: events delivered so far.
uint64_t pw_reader_events(const struct pw_reader *r);

// pw_reader_time_backwards: of the events delivered so far, those whose
// time is earlier than the event before them on the same cpu (a clock that
// stepped back, or a damaged capture). Their times are delivered as they
// are; a switch's derived runtime is 0 then.
uint64_t pw_reader_time_backwards(const struct pw_reader *r);

// pw_reader_is_legacy: 1 for a file of the original Python perfwhiz.
int pw_reader_is_legacy(const struct pw_reader *r);

// pw_reader_skipped: legacy rows of event types perfwhiz does not know.
uint64_t pw_reader_skipped(const struct pw_reader *r);

// pw_reader_describe: one line for people about error `err` of this reader:
// "corrupt input 'x.cdict' at offset 0x1a4: chunk length exceeds limit".
// Returns buf.
char *pw_reader_describe(const struct pw_reader *r, int err, char *buf,
			 size_t size);

// pw_reader_free: close and release everything; NULL is fine.
void pw_reader_free(struct pw_reader *r);

/* ---- metadata helpers --------------------------------------------------- */

// pw_meta_release: free every field of a meta the caller built with
// malloc'd strings and arrays, and zero it. NULL is fine.
void pw_meta_release(struct pw_meta *m);

// pw_crc32: the CRC-32 of zlib's crc32() over a buffer, continuing from `crc`
// (0 to start).
uint32_t pw_crc32(uint32_t crc, const void *buf, size_t len);

#endif
