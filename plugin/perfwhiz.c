// SPDX-License-Identifier: GPL-2.0-only
// perfwhiz.c: the perf dlfilter: decodes sched and KVM tracepoint samples and
// reduces them into a .cdict file (entry points, dlargs, reduction, summary).
//
// perf script --dlfilter build/perfwhiz.so [--dlarg out=run.cdict] -i perf.data
//
// start() finds the event formats (the perf.data's tracing data, else the
// local tracefs in pipe mode), resolves every field the decoders read, and
// opens the writer; filter_event_early() (or filter_event(), see `early`)
// routes each sample by its attr (type and tracepoint id; the route is then
// cached by the sample's id), checks it and hands a copy to the decoding
// thread, which appends events (see "the decoding thread"); stop() writes
// the trailer and prints the summary. Memory grows with tasks, CPUs and
// event types only, plus the thread's 8 MiB of batches. The filter runs on
// perf's only thread for every sample: see HOT below.
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


#include <perf/perf_dlfilter.h>

#include "cdict.h"
#include "perfdata.h"
#include "pw_map.h"
#include "pw_thread.h"
#include "tpformat.h"

#define PW_API __attribute__((visibility("default")))
// The hot path is filter_event() with its helpers inlined (one call per
// sample: it runs on perf's only thread); what is rare stays out of line.
#define HOT static inline __attribute__((always_inline))
#define RARE static __attribute__((noinline))
#define PROG "perfwhiz"
#define COMM_LEN 16
#define NR_FIELDS 6
#define TASK_BLOCK 1024
#define ID_ROUTES 1024		// slots of the route cache by sample id

// perf fills this in before start() (perf's dlfilter.c looks it up by name)
PW_API struct perf_dlfilter_fns perf_dlfilter_fns;

PW_API int start(void **data, void *ctx);
PW_API int stop(void *data, void *ctx);
PW_API int filter_event(void *data, const struct perf_dlfilter_sample *sample,
			void *ctx);
PW_API int filter_event_early(void *data, const struct perf_dlfilter_sample *sample,
			      void *ctx);
PW_API const char *filter_description(const char **long_description);

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

#define S(i) (1u << (i))

// the temporary output, for the SIGTERM handler (see signals_start)
static char term_unlink[4096];

static const struct known known[] = {
	{ "sched", "sched_switch", PW_EV_SWITCH,
	  { "?prev_comm", "prev_pid", "prev_state", "?next_comm", "next_pid" },
	  S(1) | S(2) | S(4), S(0) | S(3) },
	{ "sched", "sched_wakeup", PW_EV_WAKEUP, { "?comm", "pid", "?target_cpu" },
	  S(1) | S(2), S(0) },
	{ "sched", "sched_waking", PW_EV_WAKING, { "?comm", "pid", "?target_cpu" },
	  S(1) | S(2), S(0) },
	{ "sched", "sched_wakeup_new", PW_EV_WAKEUP_NEW,
	  { "?comm", "pid", "?target_cpu" }, S(1) | S(2), S(0) },
	{ "sched", "sched_migrate_task", PW_EV_MIGRATE,
	  { "?comm", "pid", "orig_cpu", "dest_cpu" }, S(1) | S(2) | S(3), S(0) },
	{ "sched", "sched_process_exec", PW_EV_EXEC, { "?filename", "pid" },
	  S(1), 0 },
	{ "sched", "sched_process_fork", PW_EV_FORK,
	  { "?parent_comm", "parent_pid", "?child_comm", "child_pid" },
	  S(1) | S(3), S(0) | S(2) },
	{ "sched", "sched_process_exit", PW_EV_EXIT, { "?comm", "pid" }, S(1), S(0) },
	{ "sched", "sched_stat_sleep", PW_EV_STAT_SLEEP, { "?comm", "pid", "delay" },
	  S(1), S(0) },
	{ "sched", "sched_stat_iowait", PW_EV_STAT_IOWAIT,
	  { "?comm", "pid", "delay" }, S(1), S(0) },
	{ "sched", "sched_stat_runtime", PW_EV_STAT_RUNTIME,
	  { "?comm", "pid", "runtime" }, S(1), S(0) },
	{ "kvm", "kvm_exit", PW_EV_KVM_EXIT, { "exit_reason", "?isa" },
	  S(0) | S(1), 0 },
	{ "kvm", "kvm_entry", PW_EV_KVM_ENTRY, { "?vcpu_id" }, S(0), 0 },
	{ "kvm", "kvm_userspace_exit", PW_EV_KVM_USEREXIT, { "reason" }, S(0), 0 },
};
#define NR_KNOWN (sizeof(known) / sizeof(known[0]))

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

// The route of the samples of one sample id (see route_of()).
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

struct autoname {
	int32_t tid;
	char *name;
};

// The decoding thread's queue (see "the decoding thread" below): batches
// of samples, each a struct dq_rec and its raw record padded to 8 bytes.
#define DQ_BATCH (256 * 1024)
#define DQ_N 32
#define DQ_WAKE 2		// batches waiting before an idle thread is woken
#define DQ_ALIGN (2u << 20)	// the ring's alignment: a huge page

struct dq_rec {
	uint64_t time;
	int32_t tid, pid, cpu;
	uint32_t route;		// index in state.routes
	uint32_t raw_size;
	uint8_t dec;		// index in state.dec
	uint8_t pad[3];
};

struct dq {
	unsigned char *cur;		// b[produced % DQ_N]: perf's thread fills it
	size_t curlen;
	int running;
	atomic_int failed;	// the thread set werr: it decodes no more
	// handed over under mu
	_Alignas(64) unsigned char *b[DQ_N];	// DQ_BATCH bytes each
	size_t len[DQ_N];
	unsigned produced, consumed;	// batches handed over, decoded
	pthread_mutex_t mu;
	pthread_cond_t cv_full, cv_free;
	pthread_t th;
	int quit;
	int idle;		// the thread waits for batches
	// the decoding side's (the thread's; perf's without it)
	uint64_t *invalid;	// per route: failed validation while decoded
	size_t ninvalid;
};

struct state {
	// dlargs
	char *out_path, *input, *map_path, *tasks_re;
	int autoname, keep, quiet;
	int ret;		// the filter's: 1 drops the sample, 0 (keep) not
	int early;		// samples are taken in filter_event_early()
	regex_t re;
	int have_re;
	struct pw_map map;
	struct autoname *auto_names;
	size_t nr_auto;

	// formats and routing
	int pipe_mode;
	char *source;		// what the formats came from, for messages
	struct pw_tpfmts *fmts;
	struct decoder dec[NR_KNOWN];
	struct route *routes;
	size_t nr_routes, alloc_routes;
	struct route *last_route;
	struct id_route *id_routes;	// ID_ROUTES slots, by id % ID_ROUTES

	// tasks: a hash of tid -> task, tasks in fixed blocks (stable pointers)
	struct task **blocks;
	size_t nr_blocks, nr_tasks;
	struct task **hash;	// open addressing, NULL empty
	size_t hash_size, hash_mask;	// a power of two, and it - 1
	unsigned hash_shift;		// 32 - log2(hash_size)
	uint8_t *cpu_seen;	// PW_MAX_CPUS bytes
	uint32_t nr_cpus_seen;

	// output
	struct pw_writer *w;
	int werr;
	int failed;		// werr was reported and the output abandoned
	uint64_t by_kind[PW_EV__COUNT];	// events stored, from the writer in stop()
	struct timespec t0;
	// perf's thread's counts, written on every sample: not in a cache
	// line the decoding thread reads (nor its own part of dq)
	_Alignas(64) uint64_t samples, invalid_total, ignored_total, missing_total;
	struct dq dq;
};

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct task *task_at(struct state *st, size_t i)
{
	return &st->blocks[i / TASK_BLOCK][i % TASK_BLOCK];
}

// Fibonacci hashing: the top bits of the product, which depend on every bit
// of the tid (the low bits would depend on the tid's low bits only, and
// tids a multiple of the table size apart would share a chain).
static size_t hash_tid(int32_t tid, unsigned shift)
{
	return ((uint32_t)tid * 2654435761u) >> shift;
}

static int hash_grow(struct state *st)
{
	size_t n = st->hash_size ? st->hash_size * 2 : 1024;
	unsigned shift = st->hash_size ? st->hash_shift - 1 : 32 - 10;
	// (at most 2^31 slots, for the shift)
	struct task **h = n <= (1u << 31) ? calloc(n, sizeof(*h)) : NULL;

	if (!h)
		return PW_ENOMEM;
	for (size_t i = 0; i < st->nr_tasks; i++) {
		struct task *t = task_at(st, i);
		size_t j = hash_tid(t->tid, shift);
		while (h[j])
			j = (j + 1) & (n - 1);
		h[j] = t;
	}
	free(st->hash);
	st->hash = h;
	st->hash_size = n;
	st->hash_mask = n - 1;
	st->hash_shift = shift;
	return 0;
}

static const char *fixed_name(struct state *st, int32_t tid)
{
	const char *n = pw_map_name(&st->map, tid);

	for (size_t i = 0; !n && i < st->nr_auto; i++)
		if (st->auto_names[i].tid == tid)
			n = st->auto_names[i].name;
	return n;
}

// task_get() past its first probe: the rest of the chain, else a new task.
RARE struct task *task_get_slow(struct state *st, int32_t tid)
{
	size_t j = hash_tid(tid, st->hash_shift);
	struct task *t;

	while ((t = st->hash[j])) {
		if (t->tid == tid)
			return t;
		j = (j + 1) & st->hash_mask;
	}
	if ((st->nr_tasks + 1) * 2 > st->hash_size) {
		if (hash_grow(st))
			return NULL;
		return task_get_slow(st, tid);
	}
	if (st->nr_tasks == st->nr_blocks * TASK_BLOCK) {
		struct task **b = realloc(st->blocks,
					  (st->nr_blocks + 1) * sizeof(*b));
		if (!b)
			return NULL;
		st->blocks = b;
		b[st->nr_blocks] = calloc(TASK_BLOCK, sizeof(struct task));
		if (!b[st->nr_blocks])
			return NULL;
		st->nr_blocks++;
	}
	t = task_at(st, st->nr_tasks);
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->pid = tid == 0 ? 0 : -1;
	t->flags = TF_DIRTY;
	t->fixed = fixed_name(st, tid);
	if (tid == 0)
		memcpy(t->comm, "swapper", 8);
	st->hash[j] = t;
	st->nr_tasks++;
	return t;
}

// The task of tid, created on first sight; NULL only when out of memory.
// Inline for the common case, a task found at its first probe (the table
// is kept at most half full).
static inline struct task *task_get(struct state *st, int32_t tid)
{
	struct task *t = st->hash[hash_tid(tid, st->hash_shift)];

	if (__builtin_expect(t && t->tid == tid, 1))
		return t;
	return task_get_slow(st, tid);
}

static const char *task_name(const struct task *t)
{
	return t->fixed ? t->fixed : t->comm;
}

// A comm seen for t (len bytes, no NUL inside).
RARE void note_comm(struct task *t, const char *s, size_t len)
{
	if (t->tid == 0)	// the idle task is swapper/N on every cpu
		return;
	if (len > COMM_LEN - 1)
		len = COMM_LEN - 1;
	if (t->comm[len] == 0 && !memcmp(t->comm, s, len))
		return;
	memset(t->comm, 0, COMM_LEN);
	memcpy(t->comm, s, len);
	if (!t->fixed)
		t->flags = (uint8_t)((t->flags | TF_DIRTY) & ~TF_MATCH_KNOWN);
}

// A comm of a plain char[16] field (sched_switch's prev_comm and next_comm,
// the wakeup's comm): the kernel copies task->comm, NUL-padded, so the 16
// bytes are nearly always those of t->comm (NUL-padded too, comm[15] = 0),
// which proves the string unchanged without measuring it: two 8-byte
// compares. Anything else (a new comm, bytes after the NUL) takes
// note_comm(), which decides exactly as for any other string.
static inline void note_comm16(struct task *t, const char *p)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, p, 8);
	memcpy(&a1, p + 8, 8);
	memcpy(&b0, t->comm, 8);
	memcpy(&b1, t->comm + 8, 8);
	if (((a0 ^ b0) | (a1 ^ b1)) == 0 || t->tid == 0)
		return;
	const char *nul = memchr(p, 0, COMM_LEN);
	note_comm(t, p, nul ? (size_t)(nul - p) : COMM_LEN);
}

// The comm of field f (slot of decoder d) of sample s, if the record has one.
static inline void note_comm_field(const struct decoder *d, int slot,
				   struct task *t,
				   const struct perf_dlfilter_sample *s)
{
	const struct pw_field *f = &d->f[slot];
	const char *str;
	size_t len;

	if (__builtin_expect(!!(d->comm16 & (1u << slot)), 1)) {
		note_comm16(t, (const char *)s->raw_data + f->offset);
		return;
	}
	if ((str = pw_field_str(f, s->raw_data, s->raw_size, &len)))
		note_comm(t, str, len);
}

static inline void note_pid(struct task *t, int32_t pid)
{
	if (t->pid != pid && t->tid > 0 && pid > 0) {
		t->pid = pid;
		t->flags |= TF_DIRTY;
	}
}

RARE int task_match_re(struct state *st, struct task *t)
{
	if (!(t->flags & TF_MATCH_KNOWN)) {
		int m = regexec(&st->re, task_name(t), 0, NULL, 0) == 0;
		t->flags = (uint8_t)((t->flags & ~TF_MATCH) | TF_MATCH_KNOWN |
				     (m ? TF_MATCH : 0));
	}
	return t->flags & TF_MATCH;
}

static inline int task_match(struct state *st, struct task *t)
{
	return !st->have_re || task_match_re(st, t);
}

// (werr is written only when it is set: the decoding thread must not dirty
// the cache line perf's thread reads on every sample)
static inline void add(struct state *st, const struct pw_event *ev)
{
	if (!st->werr) {
		int e = pw_writer_add(st->w, ev);
		if (__builtin_expect(e, 0))
			st->werr = e;
	}
}

// Events stored: the sum of by_kind[] (the writer's counts, taken in stop()).
static uint64_t stored(const struct state *st)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		n += st->by_kind[k];
	return n;
}

static int64_t intern(struct state *st, const char *s)
{
	if (st->werr)
		return -1;
	int64_t id = pw_writer_intern(st->w, s);
	if (id < 0)
		st->werr = (int)id;
	return id;
}

// Write t's TASK record if its name or tgid changed since the last one.
RARE void task_emit_dirty(struct state *st, struct task *t, uint64_t time,
			  int cpu)
{
	int64_t id = intern(st, task_name(t));
	if (id < 0)
		return;
	struct pw_event ev = { .time = time, .cpu = cpu, .kind = PW_EV_TASK,
			       .tid = t->tid };
	ev.task.pid = t->pid;
	ev.task.name = (uint32_t)id;
	add(st, &ev);
	t->flags = (uint8_t)((t->flags & ~TF_DIRTY) | TF_EMITTED);
}

static inline void task_emit(struct state *st, struct task *t, uint64_t time,
			     int cpu)
{
	if (__builtin_expect(!!(t->flags & TF_DIRTY), 0))
		task_emit_dirty(st, t, time, cpu);
}

/* ---- formats ------------------------------------------------------------- */

// The "name: X" line of a format text, copied into buf.
static int format_name(const char *text, char *buf, size_t size)
{
	if (strncmp(text, "name: ", 6))
		return -1;
	size_t n = strcspn(text + 6, "\n");
	if (n >= size)
		return -1;
	memcpy(buf, text + 6, n);
	buf[n] = 0;
	return 0;
}

static const struct known *known_by_name(const char *system, const char *name)
{
	for (size_t i = 0; i < NR_KNOWN; i++)
		if (!strcmp(known[i].name, name) &&
		    (!system || !strcmp(known[i].system, system)))
			return &known[i];
	return NULL;
}

// Resolve the decoders of every known event the format set holds.
static void build_decoders(struct state *st)
{
	for (size_t i = 0; i < NR_KNOWN; i++) {
		struct decoder *d = &st->dec[i];
		const struct pw_tpevent *ev =
			pw_tpfmts_find(st->fmts, known[i].system, known[i].name);

		d->k = &known[i];
		d->kind = known[i].kind;
		d->id = -1;
		if (!ev)
			continue;
		d->id = ev->id;
		d->usable = 1;
		if (pw_tpevent_field(ev, "common_type", &d->common_type) == 0)
			d->min_raw = pw_field_end(&d->common_type);
		d->ct_u16 = d->common_type.size == 2 &&
			    !(d->common_type.flags & PW_FLD_SIGNED);
		for (int f = 0; f < NR_FIELDS && known[i].fields[f]; f++) {
			const char *fname = known[i].fields[f];
			int optional = fname[0] == '?';
			if (optional)
				fname++;
			if (pw_tpevent_field(ev, fname, &d->f[f])) {
				if (!optional && !d->missing) {
					d->usable = 0;
					d->missing = strdup(fname);
				}
				continue;
			}
			if (d->f[f].size == COMM_LEN &&
			    !(d->f[f].flags & (PW_FLD_DYNAMIC | PW_FLD_RELATIVE)))
				d->comm16 |= (uint8_t)(1u << f);
			uint32_t end = pw_field_end(&d->f[f]);
			if (end > d->min_raw)
				d->min_raw = end;
		}
		d->fast = d->ct_u16 &&
			  (d->comm16 & known[i].comm) == known[i].comm;
		for (int f = 0; f < NR_FIELDS; f++)
			if ((known[i].num32 & S(f)) && d->f[f].size &&
			    !(d->f[f].flags & PW_FLD_LO32))
				d->fast = 0;
	}
}

/* ---- output and metadata -------------------------------------------------- */

static char *default_out(const char *input, int pipe_mode)
{
	const char *ext = ".cdict";
	size_t n;
	char *out;

	if (pipe_mode)
		return strdup("perf.cdict");
	n = strlen(input);
	if (n > 5 && !strcmp(input + n - 5, ".data"))
		n -= 5;
	out = malloc(n + strlen(ext) + 1);
	if (out) {
		memcpy(out, input, n);
		strcpy(out + n, ext);
	}
	return out;
}

// Open the writer with the metadata of pd (NULL in pipe mode).
static int open_writer(struct state *st, const struct pw_perfdata *pd)
{
	struct pw_meta m;
	char *tps[PW_PD_MAX_ATTRS];
	struct stat sb;

	memset(&m, 0, sizeof(m));
	m.perfwhiz = PROG " " PW_VERSION;
	m.source = st->pipe_mode ? "-" : st->input;
	if (pd) {
		m.hostname = pd->hostname;
		m.kernel = pd->osrelease;
		m.arch = pd->arch;
		m.cpu_desc = pd->cpudesc;
		m.cpuid = pd->cpuid;
		m.perf_version = pd->version;
		m.cmdline = pd->cmdline;
		m.nr_cpus = pd->nr_cpus_online;
		m.nr_cpus_avail = pd->nr_cpus_avail;
		m.core_siblings = pd->core_siblings;
		m.nr_core_siblings = pd->nr_core_siblings;
		m.thread_siblings = pd->thread_siblings;
		m.nr_thread_siblings = pd->nr_thread_siblings;
		m.core_id = pd->core_id;
		m.socket_id = pd->socket_id;
		m.nr_topo_cpus = pd->nr_topo_cpus;
		for (size_t i = 0; i < pd->nr_attrs; i++)
			if (pd->attrs[i].type == PERF_TYPE_TRACEPOINT &&
			    pd->attrs[i].name)
				tps[m.nr_tracepoints++] = pd->attrs[i].name;
		m.tracepoints = tps;
		if (stat(st->input, &sb) == 0)
			m.capture_time = (int64_t)sb.st_mtime;
	}
	int err = pw_writer_open(&st->w, st->out_path, &m);
	if (!err && strlen(pw_writer_tmp_path(st->w)) < sizeof(term_unlink))
		strcpy(term_unlink, pw_writer_tmp_path(st->w));
	if (err) {
		msg("cannot create '%s': %s", st->out_path,
		    err == PW_EIO ? strerror(pw_writer_errno(st->w) ?
					     pw_writer_errno(st->w) : errno) :
				    pw_strerror(err));
		pw_writer_free(st->w);
		st->w = NULL;
	}
	return err;
}

/* ---- finding the formats --------------------------------------------------- */

// Resolve the decoders; sched_switch is required (every figure is built on
// it): without it, or without a field it needs, there is nothing to reduce.
static int check_formats(struct state *st)
{
	const struct decoder *sw = &st->dec[0];	// known[0] is sched_switch

	build_decoders(st);
	if (sw->id < 0) {
		msg("'%s' has no sched:sched_switch events: nothing to reduce",
		    st->input);
		return PW_EINVAL;
	}
	if (!sw->usable) {
		if (st->pipe_mode)
			msg("sched:sched_switch in the local tracefs lacks "
			    "field '%s'", sw->missing);
		else
			msg("sched:sched_switch in '%s' lacks field '%s'",
			    st->input, sw->missing);
		return PW_EINVAL;
	}
	return 0;
}

static int load_from_perfdata(struct state *st)
{
	struct pw_perfdata pd;
	char buf[256];
	int err = pw_perfdata_load(&pd, st->input);

	if (err) {
		if (err == PW_EIO)
			msg("cannot read '%s': %s (tried --dlarg input=, "
			    "perf's -i, ./perf.data)", st->input, strerror(errno));
		else
			msg("cannot read '%s': %s", st->input,
			    pw_perfdata_describe(&pd, err, buf, sizeof(buf)));
		pw_perfdata_release(&pd);
		return err;
	}
	if (!pd.has_tracing_data) {
		msg("no tracepoint formats: '%s' has no tracing data "
		    "(record tracepoints: perf record -e sched:sched_switch ...)",
		    st->input);
		pw_perfdata_release(&pd);
		return PW_EINVAL;
	}
	err = pw_tpfmts_new(&st->fmts, pd.tracing_long_size);
	for (size_t i = 0; !err && i < pd.nr_formats; i++) {
		char name[128];
		const struct pw_pd_format *f = &pd.formats[i];
		if (format_name(f->text, name, sizeof(name)) ||
		    !known_by_name(f->system, name))
			continue;
		if (pw_tpfmts_add(st->fmts, f->system, f->text, f->len) ==
		    PW_ENOMEM)
			err = PW_ENOMEM;
	}
	if (!err)
		err = check_formats(st);
	if (!err)
		err = open_writer(st, &pd);
	pw_perfdata_release(&pd);
	return err;
}

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing/events",
	"/sys/kernel/debug/tracing/events",
};

static int load_from_tracefs(struct state *st)
{
	char path[512];
	int err = pw_tpfmts_new(&st->fmts, (int)sizeof(long));

	for (size_t d = 0; !err && d < 2 && !pw_tpfmts_count(st->fmts); d++)
		for (size_t i = 0; !err && i < NR_KNOWN; i++) {
			snprintf(path, sizeof(path), "%s/%s/%s/format",
				 tracefs_dirs[d], known[i].system, known[i].name);
			if (pw_tpfmts_add_file(st->fmts, known[i].system,
					       path) == PW_ENOMEM)
				err = PW_ENOMEM;
		}
	if (err)
		return err;
	if (!pw_tpfmts_find(st->fmts, "sched", "sched_switch")) {
		msg("no tracepoint formats: pipe input has none, and neither "
		    "%s/sched/sched_switch/format nor "
		    "%s/sched/sched_switch/format is readable (mount tracefs)",
		    tracefs_dirs[0], tracefs_dirs[1]);
		return PW_EINVAL;
	}
	err = check_formats(st);
	return err ? err : open_writer(st, NULL);
}

// Can the samples be taken in filter_event_early()? perf calls it before it
// resolves the sample's thread, map and symbol (machine__resolve), which is
// half of perf's time on real captures and of no use to us, but also before
// its own sample filters (--cpu, --time, --comms, --pid, --tid, --symbols,
// --debug-mode, ...). So only when perf's command line holds nothing but
// options that filter nothing; anything else, known or not, and the samples
// are taken in filter_event(), after perf's filters, as before.
static int early_is_safe(void)
{
	static const char *const with_value[] = { "-i", "--input", "--dlfilter",
						   "--dlarg" };
	static const char *const flags[] = { "-f", "--force", "-v", "--verbose" };
	char buf[65536];
	FILE *f = fopen("/proc/self/cmdline", "re");
	size_t n, i = 0;
	int arg = 0, safe = 1;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	if (n == sizeof(buf) - 1)
		return 0;	// too long to be sure
	buf[n] = 0;
	for (; i < n && safe; arg++) {
		const char *a = buf + i, *base = strrchr(a, '/');
		size_t l = strlen(a), k;
		int ok = 0;

		i += l + 1;
		if (arg == 0) {		// perf itself
			safe = !strcmp(base ? base + 1 : a, "perf");
			continue;
		}
		if (arg == 1) {
			safe = !strcmp(a, "script");
			continue;
		}
		for (k = 0; !ok && k < sizeof(flags) / sizeof(flags[0]); k++)
			ok = !strcmp(a, flags[k]);
		for (k = 0; !ok && k < sizeof(with_value) / sizeof(with_value[0]); k++) {
			size_t kl = strlen(with_value[k]);

			if (!strcmp(a, with_value[k])) {	// the value follows
				ok = i < n;
				i += strlen(buf + i) + 1;
			} else if (!strncmp(a, with_value[k], kl) &&
				   (a[kl] == '=' || (kl == 2 && a[kl]))) {
				ok = 1;	// --input=X, --dlarg=X, -iX
			}
		}
		safe = ok;
	}
	return safe && arg >= 2;
}

// perf's own -i/--input, from our process's command line; NULL if absent.
static char *input_from_cmdline(void)
{
	char buf[65536];
	FILE *f = fopen("/proc/self/cmdline", "re");
	size_t n;
	char *found = NULL;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (size_t i = 0; i < n;) {
		const char *a = buf + i;
		size_t l = strlen(a);
		const char *next = i + l + 1 < n ? a + l + 1 : NULL;
		if (!strcmp(a, "--"))
			break;
		if ((!strcmp(a, "-i") || !strcmp(a, "--input")) && next) {
			free(found);
			found = strdup(next);
		} else if (!strncmp(a, "--input=", 8)) {
			free(found);
			found = strdup(a + 8);
		} else if (!strncmp(a, "-i", 2) && a[2]) {
			free(found);
			found = strdup(a + 2);
		}
		i += l + 1;
	}
	return found;
}

/* ---- autoname: QEMU threads of processes still alive --------------------- */

static int read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	return (int)n;
}

// The VM name of a QEMU command line: `-name guest=NAME,...` or `-name NAME`.
static int qemu_vm_name(const char *cmd, int n, char *name, size_t size)
{
	if (!strstr(cmd, "qemu"))
		return -1;
	for (int i = 0; i < n;) {
		const char *a = cmd + i;
		int l = (int)strlen(a);
		if (!strcmp(a, "-name") && i + l + 1 < n) {
			const char *v = a + l + 1;
			if (!strncmp(v, "guest=", 6))
				v += 6;
			size_t k = strcspn(v, ",");
			if (!k || k >= size)
				return -1;
			memcpy(name, v, k);
			name[k] = 0;
			return 0;
		}
		i += l + 1;
	}
	return -1;
}

static void autoname_scan(struct state *st)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	char path[640], cmd[8192], vm[128], comm[64];

	if (!proc)
		return;
	while ((de = readdir(proc))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		int n = read_small(path, cmd, sizeof(cmd));
		if (n <= 0 || qemu_vm_name(cmd, n, vm, sizeof(vm)))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", de->d_name);
		DIR *td = opendir(path);
		struct dirent *te;
		while (td && (te = readdir(td))) {
			if (te->d_name[0] < '1' || te->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/comm",
				 de->d_name, te->d_name);
			if (read_small(path, comm, sizeof(comm)) <= 0)
				continue;
			comm[strcspn(comm, "\n")] = 0;
			unsigned vcpu;
			char name[200];
			if (sscanf(comm, "CPU %u/KVM", &vcpu) == 1)
				snprintf(name, sizeof(name), "%s.vcpu%u", vm, vcpu);
			else
				snprintf(name, sizeof(name), "%s.emu", vm);
			struct autoname *v = realloc(st->auto_names,
				(st->nr_auto + 1) * sizeof(*v));
			if (!v)
				break;
			st->auto_names = v;
			v[st->nr_auto].tid = atoi(te->d_name);
			v[st->nr_auto].name = strdup(name);
			if (v[st->nr_auto].name)
				st->nr_auto++;
		}
		if (td)
			closedir(td);
	}
	closedir(proc);
}

/* ---- dlargs ------------------------------------------------------------- */

static const char usage[] =
	"perfwhiz.so dlargs (each as --dlarg ARG):\n"
	"  out=FILE        the .cdict to write (default: the input's name with .cdict,\n"
	"                  perf.cdict in pipe mode)\n"
	"  input=FILE      the perf.data to take event formats and metadata from\n"
	"                  (default: perf's -i, else ./perf.data)\n"
	"  map=CSV         name tasks: tid,libvirt-name,type,uuid,group-type,group-id,task-name\n"
	"                  gives task-name.GG.type\n"
	"  tasks=REGEX     keep only tasks whose name matches (and switches involving them)\n"
	"  autoname        name QEMU vCPU and emulator threads of live VMs from /proc\n"
	"  keep            let perf print the samples too (return 0)\n"
	"  quiet           no summary on stderr\n"
	"  help            this text\n";

static int parse_dlargs(struct state *st, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		char **dst = NULL;
		if (!strncmp(a, "out=", 4))
			dst = &st->out_path;
		else if (!strncmp(a, "input=", 6))
			dst = &st->input;
		else if (!strncmp(a, "map=", 4))
			dst = &st->map_path;
		else if (!strncmp(a, "tasks=", 6))
			dst = &st->tasks_re;
		else if (!strcmp(a, "autoname"))
			st->autoname = 1;
		else if (!strcmp(a, "keep"))
			st->keep = 1;
		else if (!strcmp(a, "quiet"))
			st->quiet = 1;
		else if (!strcmp(a, "help")) {
			fputs(usage, stderr);
			return 1;
		} else {
			msg("unknown dlarg '%s': valid ones are out=FILE, "
			    "input=FILE, map=CSV, tasks=REGEX, autoname, keep, "
			    "quiet, help", a);
			return PW_EINVAL;
		}
		if (dst) {
			const char *v = strchr(a, '=') + 1;
			if (!*v) {
				msg("empty value in dlarg '%s'", a);
				return PW_EINVAL;
			}
			free(*dst);
			*dst = strdup(v);
			if (!*dst)
				return PW_ENOMEM;
		}
	}
	return 0;
}

/* ---- signals ------------------------------------------------------------ */

// perf stops cleanly on SIGINT (its handler sets a flag; perf then calls
// stop(), which writes a complete, shorter file) but dies on SIGTERM, which
// would leave the writer's temporary file behind. So SIGTERM (if at its
// default) is made to raise SIGINT. perf 6.1 installs its SIGINT handler
// after start(): until the first sample, a SIGTERM or SIGINT is only noted
// (our own handlers), and at the first sample perf's SIGINT handler is
// chained behind ours and the noted signal raised again, so perf stops
// there. The handler that sees the signal records it, so that stop() can say
// the file is cut short. SIGXFSZ is ignored (if at its default) so that a
// file-size limit makes write() fail with EFBIG instead of killing perf
// mid-write. stop() restores every disposition changed here.
static volatile sig_atomic_t interrupted;	// the signal that stopped us
static volatile sig_atomic_t chained;		// perf's SIGINT handler is behind ours
static volatile sig_atomic_t no_perf_int;	// perf has no SIGINT handler
static struct sigaction old_int, perf_int, old_term, old_xfsz;
static int set_int, set_term, set_xfsz;

static void on_int(int sig, siginfo_t *si, void *uc)
{
	if (!interrupted)
		interrupted = sig;
	if (!chained)
		return;		// before the first sample: raised again there
	if (perf_int.sa_flags & SA_SIGINFO)
		perf_int.sa_sigaction(sig, si, uc);
	else if (perf_int.sa_handler != SIG_DFL && perf_int.sa_handler != SIG_IGN)
		perf_int.sa_handler(sig);
}

static void on_term(int sig)
{
	int e = errno;

	interrupted = sig;
	if (chained) {
		kill(getpid(), SIGINT);
	} else if (no_perf_int) {
		// perf cannot be stopped cleanly: leave no output at all
		if (term_unlink[0])
			unlink(term_unlink);
		signal(SIGTERM, SIG_DFL);
		raise(SIGTERM);
	}
	errno = e;
}

static int is_dfl(const struct sigaction *sa)
{
	return !(sa->sa_flags & SA_SIGINFO) && sa->sa_handler == SIG_DFL;
}

static int is_ours(const struct sigaction *sa)
{
	return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == on_int;
}

static int is_handler(const struct sigaction *sa)
{
	return (sa->sa_flags & SA_SIGINFO) ||
	       (sa->sa_handler != SIG_DFL && sa->sa_handler != SIG_IGN);
}

static void signals_start(void)
{
	struct sigaction sa;

	interrupted = 0;
	chained = 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGXFSZ, NULL, &old_xfsz) == 0 && is_dfl(&old_xfsz))
		set_xfsz = sigaction(SIGXFSZ, &sa, NULL) == 0;
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGTERM, NULL, &old_term) == 0 && is_dfl(&old_term))
		set_term = sigaction(SIGTERM, &sa, NULL) == 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_int;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	if (sigaction(SIGINT, NULL, &old_int) == 0 && is_dfl(&old_int))
		set_int = sigaction(SIGINT, &sa, NULL) == 0;
}

// At the first sample: chain perf's SIGINT handler, installed by now, and
// pass on a signal that came before it.
static void signals_run(void)
{
	struct sigaction sa;

	if (chained || sigaction(SIGINT, NULL, &perf_int))
		return;
	if (is_ours(&perf_int) || !is_handler(&perf_int)) {
		// no handler of perf's: SIGTERM and SIGINT act as they
		// would without us
		// would without us, but a SIGTERM first removes the
		// temporary file (on_term)
		if (set_int && is_ours(&perf_int))
			sigaction(SIGINT, &old_int, NULL);
		set_int = 0;
		no_perf_int = 1;
		if (interrupted == SIGTERM)
			on_term(SIGTERM);
		else if (interrupted)
			raise(interrupted);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_int;
	sa.sa_flags = (perf_int.sa_flags & ~SA_RESETHAND) | SA_SIGINFO;
	sa.sa_mask = perf_int.sa_mask;
	if (sigaction(SIGINT, &sa, NULL))
		return;
	chained = 1;
	if (interrupted)
		kill(getpid(), SIGINT);
}

static void signals_stop(void)
{
	struct sigaction cur;

	if (set_term)
		sigaction(SIGTERM, &old_term, NULL);
	if (chained)
		sigaction(SIGINT, &perf_int, NULL);
	else if (set_int && sigaction(SIGINT, NULL, &cur) == 0 && is_ours(&cur))
		sigaction(SIGINT, &old_int, NULL);
	if (set_xfsz)
		sigaction(SIGXFSZ, &old_xfsz, NULL);
	set_term = set_int = set_xfsz = 0;
	chained = no_perf_int = 0;
	term_unlink[0] = '\0';
}

/* ---- entry points ---------------------------------------------------------- */

static void dq_start(struct state *st);
static void dq_stop(struct state *st);

static void state_free(struct state *st)
{
	if (!st)
		return;
	dq_stop(st);
	free(st->dq.b[0]);	// the ring, one allocation
	free(st->dq.invalid);
	pw_writer_free(st->w);
	pw_tpfmts_free(st->fmts);
	for (size_t i = 0; i < NR_KNOWN; i++)
		free(st->dec[i].missing);
	for (size_t i = 0; i < st->nr_routes; i++)
		free(st->routes[i].name);
	free(st->routes);
	for (size_t i = 0; i < st->nr_blocks; i++)
		free(st->blocks[i]);
	free(st->blocks);
	free(st->hash);
	free(st->cpu_seen);
	free(st->id_routes);
	for (size_t i = 0; i < st->nr_auto; i++)
		free(st->auto_names[i].name);
	free(st->auto_names);
	pw_map_release(&st->map);
	if (st->have_re)
		regfree(&st->re);
	free(st->out_path);
	free(st->input);
	free(st->map_path);
	free(st->tasks_re);
	free(st->source);
	free(st);
}

int start(void **data, void *ctx)
{
	struct state *st = calloc(1, sizeof(*st));
	char **argv = NULL;
	int argc = 0, err;
	struct stat sb;

	*data = NULL;
	if (!st)
		return -ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &st->t0);
	signals_start();
	if (perf_dlfilter_fns.args)
		argv = perf_dlfilter_fns.args(ctx, &argc);
	err = parse_dlargs(st, argc, argv);
	if (err)
		goto fail;
	st->ret = st->keep ? 0 : 1;
	// with keep, perf goes on to print every sample: nothing to gain
	st->early = !st->keep && early_is_safe();
	if (st->map_path) {
		size_t line;
		err = pw_map_load(&st->map, st->map_path, &line);
		if (err) {
			char e[PATH_MAX + 128];
			msg("%s", pw_map_describe(err, st->map_path, line, errno,
						  e, sizeof(e)));
			goto fail;
		}
	}
	if (st->tasks_re) {
		int rc = regcomp(&st->re, st->tasks_re, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char e[128];
			regerror(rc, &st->re, e, sizeof(e));
			msg("bad tasks= regex '%s': %s", st->tasks_re, e);
			err = PW_EINVAL;
			goto fail;
		}
		st->have_re = 1;
	}
	if (st->autoname)
		autoname_scan(st);

	// the input: input=, else perf's -i, else stdin if a pipe, else perf.data
	if (!st->input)
		st->input = input_from_cmdline();
	if (!st->input)
		st->input = strdup(fstat(0, &sb) == 0 && S_ISFIFO(sb.st_mode) ?
				   "-" : "perf.data");
	if (!st->input) {
		err = PW_ENOMEM;
		goto fail;
	}
	st->pipe_mode = !strcmp(st->input, "-");
	if (!st->out_path)
		st->out_path = default_out(st->input, st->pipe_mode);
	st->cpu_seen = calloc(PW_MAX_CPUS, 1);
	st->id_routes = calloc(ID_ROUTES, sizeof(*st->id_routes));
	if (!st->out_path || !st->cpu_seen || !st->id_routes || hash_grow(st)) {
		err = PW_ENOMEM;
		goto fail;
	}
	err = st->pipe_mode ? load_from_tracefs(st) : load_from_perfdata(st);
	if (err)
		goto fail;
	for (size_t i = 0; i < NR_KNOWN; i++)
		if (st->dec[i].id >= 0 && !st->dec[i].usable)
			msg("format of %s:%s lacks field '%s': its samples are "
			    "not decoded", known[i].system, known[i].name,
			    st->dec[i].missing);
	dq_start(st);
	*data = st;
	return 0;
fail:
	signals_stop();
	state_free(st);
	return err == PW_ENOMEM ? -ENOMEM : -EINVAL;
}

// A new route for an attr (first sample of it). NULL when out of memory.
static struct route *route_new(struct state *st, uint32_t type,
			       uint64_t config, const char *event)
{
	if (st->nr_routes == st->alloc_routes) {
		size_t n = st->alloc_routes ? st->alloc_routes * 2 : 16;
		struct route *r = realloc(st->routes, n * sizeof(*r));
		if (!r)
			return NULL;
		st->routes = r;
		st->alloc_routes = n;
		// moved: drop the pointers to the old array
		st->last_route = NULL;
		memset(st->id_routes, 0, ID_ROUTES * sizeof(*st->id_routes));
	}
	struct route *r = &st->routes[st->nr_routes];
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->config = config;
	r->name = strdup(event ? event : "?");
	if (!r->name)
		return NULL;
	st->nr_routes++;
	r->what = R_IGNORE;
	if (type != PERF_TYPE_TRACEPOINT || !event)
		return r;
	const char *colon = strchr(event, ':');
	const char *name = colon ? colon + 1 : event;
	char sys[64] = "";
	if (colon && (size_t)(colon - event) < sizeof(sys)) {
		memcpy(sys, event, (size_t)(colon - event));
		sys[colon - event] = 0;
	}
	const struct known *k = known_by_name(colon ? sys : NULL, name);
	if (!k)
		return r;
	struct decoder *d = &st->dec[k - known];
	if (d->id >= 0 && (uint64_t)d->id == config && d->usable) {
		r->what = R_DECODE;
		r->dec = d;
	} else {
		r->what = R_MISSING;
	}
	return r;
}

// The route of a sample of attr (NULL: the host gives none) by its type and
// config, made on the first sample of an attr.
static struct route *route_find(struct state *st,
				const struct perf_dlfilter_sample *s,
				const struct perf_event_attr *attr)
{
	uint32_t type = attr ? attr->type : PERF_TYPE_TRACEPOINT;
	uint64_t config = attr ? attr->config : UINT64_MAX;
	struct route *r = st->last_route;

	if (r && r->type == type && r->config == config &&
	    (attr || (s->event && !strcmp(r->name, s->event))))
		return r;
	for (size_t i = 0; i < st->nr_routes; i++) {
		r = &st->routes[i];
		if (r->type == type && r->config == config &&
		    (attr || (s->event && !strcmp(r->name, s->event))))
			return st->last_route = r;
	}
	if (!attr && s->event) {
		// no attr from the host: route by name, config from the format
		const char *colon = strchr(s->event, ':');
		const struct known *k = known_by_name(NULL, colon ? colon + 1 :
								    s->event);
		if (k && st->dec[k - known].id >= 0)
			config = (uint64_t)st->dec[k - known].id;
	}
	r = route_new(st, type, config, s->event);
	return st->last_route = r;
}

// The route of sample s. perf gives each sample the id of its event (one
// per event and cpu, PERF_SAMPLE_IDENTIFIER) and takes the sample's evsel,
// hence the attr that attr() returns, from that id alone
// (evlist__id2evsel(); id 0 means its first evsel), so the route found once
// for an id holds for every later sample with that id; several events of
// the same tracepoint have ids of their own and share the route of their
// (type, config). That spares perf's attr() callback and our compare on
// nearly every sample. Only ids of attrs that say they sample ids are kept
// (a host whose attrs do not, like the unit tests' fake one, routes by attr
// alone), and never id 0: the kernel's ids start at 1, and a host that
// leaves the field 0 must not send every sample down the first route.
static inline struct route *route_of(struct state *st,
				     const struct perf_dlfilter_sample *s,
				     void *ctx)
{
	struct id_route *c = &st->id_routes[s->id % ID_ROUTES];
	const struct perf_event_attr *attr;
	struct route *r;

	if (__builtin_expect(c->r && c->id == s->id, 1))
		return c->r;
	attr = perf_dlfilter_fns.attr ? perf_dlfilter_fns.attr(ctx) : NULL;
	r = route_find(st, s, attr);
	if (r && attr && s->id &&
	    (attr->sample_type & (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_ID))) {
		c->id = s->id;
		c->r = r;
	}
	return r;
}

// A 32-bit number of slot i of decoder d from raw, and the comm of slot i
// for task t, on a decoder's fast path (fast = d->fast, a constant in each
// copy of decode_as()) or the general one.
#define RD32(fast, d, i, raw)                                                  \
	((fast) ? ld32((const unsigned char *)(raw) + (d)->f[i].offset) :       \
		  pw_field_u32(&(d)->f[i], (raw)))

static inline uint32_t ld32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

HOT void
note_comm_slot(const struct decoder *d, int slot, struct task *t,
	       const struct perf_dlfilter_sample *s, const int fast)
{
	if (fast)
		note_comm16(t, (const char *)s->raw_data + d->f[slot].offset);
	else
		note_comm_field(d, slot, t, s);
}

// A record about two tasks (switch: prev and next; fork: parent and child):
// find both, note the comms the record carries (field slots fa and fb) and
// the sample's tgid, and emit their names if either is kept. Returns 1 to
// store the record, 0 when neither task is kept, -1 when out of memory.
HOT int
two_tasks(struct state *st, const struct decoder *d,
	  const struct perf_dlfilter_sample *s, int fa, int32_t a, int fb,
	  int32_t b, struct task **ta, struct task **tb, const int fast)
{
	if (!(*ta = task_get(st, a)) || !(*tb = task_get(st, b)))
		return -1;
	note_comm_slot(d, fa, *ta, s, fast);
	note_comm_slot(d, fb, *tb, s, fast);
	if (s->tid == a)
		note_pid(*ta, s->pid);
	if (!task_match(st, *ta) && !task_match(st, *tb))
		return 0;
	task_emit(st, *ta, s->time, s->cpu);
	task_emit(st, *tb, s->time, s->cpu);
	return 1;
}

// The checks before any field of a sample is read: the record holds every
// field the decoder reads, is of the decoder's event (common_type) and has
// a cpu in range. 0 (counted as failed validation) when one fails.
HOT int
sample_ok(struct state *st, struct route *r, const struct decoder *d,
	  const struct perf_dlfilter_sample *s, const int fast)
{
	const unsigned char *raw = s->raw_data;
	int bad;

	if (!raw || s->raw_size < d->min_raw || (uint32_t)s->cpu >= PW_MAX_CPUS) {
		bad = 1;
	} else if (fast || d->ct_u16) {
		uint16_t ct;
		memcpy(&ct, raw + d->common_type.offset, 2);
		bad = ct != d->id;
	} else {
		bad = d->common_type.size &&
		      pw_field_int(&d->common_type, raw) != d->id;
	}
	if (__builtin_expect(bad, 0)) {
		r->invalid++;
		st->invalid_total++;
		return 0;
	}
	if (!st->cpu_seen[s->cpu]) {
		st->cpu_seen[s->cpu] = 1;
		st->nr_cpus_seen++;
	}
	return 1;
}

RARE int invalid_late(struct state *st, uint32_t ri);

// Returns 0, or -1 when out of memory.
HOT int
dec_switch(struct state *st, uint32_t ri, const struct decoder *d,
	   const struct perf_dlfilter_sample *s, const int fast)
{
	const void *raw = s->raw_data;
	struct pw_event ev = { .time = s->time, .cpu = s->cpu,
			       .kind = PW_EV_SWITCH };
	struct task *t, *o;
	int n;

	ev.tid = (int32_t)RD32(fast, d, 1, raw);
	ev.sw.prev_state = RD32(fast, d, 2, raw);
	ev.sw.next_tid = (int32_t)RD32(fast, d, 4, raw);
	// no kernel pid is negative (and format 3 cannot hold every prev of
	// -1): a damaged record, counted as failing validation
	if (__builtin_expect(ev.tid < 0 || ev.sw.next_tid < 0, 0))
		return invalid_late(st, ri);
	if ((n = two_tasks(st, d, s, 0, ev.tid, 3, ev.sw.next_tid, &t, &o,
			   fast)) <= 0)
		return n;
	add(st, &ev);
	return 0;
}

// WAKEUP, WAKING, WAKEUP_NEW, MIGRATE, EXIT, STAT_*: one task, its comm
// in slot 0 and its tid in slot 1.
HOT int
dec_one_task(struct state *st, const struct decoder *d,
	     const struct perf_dlfilter_sample *s, const int fast)
{
	const void *raw = s->raw_data;
	const struct pw_field *f = d->f;
	struct pw_event ev = { .time = s->time, .cpu = s->cpu, .kind = d->kind };
	struct task *t;

	ev.tid = (int32_t)RD32(fast, d, 1, raw);
	if (!(t = task_get(st, ev.tid)))
		return -1;
	note_comm_slot(d, 0, t, s, fast);
	if (s->tid == ev.tid)
		note_pid(t, s->pid);
	if (d->kind == PW_EV_MIGRATE) {
		ev.mg.orig_cpu = (int32_t)RD32(fast, d, 2, raw);
		ev.mg.dest_cpu = (int32_t)RD32(fast, d, 3, raw);
	} else if (d->kind >= PW_EV_STAT_SLEEP) {
		ev.st.delay_ns = (uint64_t)pw_field_int(&f[2], raw);
	} else if (d->kind != PW_EV_EXIT) {
		ev.wk.target_cpu = f[2].size ? (int32_t)RD32(fast, d, 2, raw) :
					       -1;
	}
	if (!task_match(st, t))
		return 0;
	task_emit(st, t, ev.time, ev.cpu);
	add(st, &ev);
	return 0;
}

// KVM_EXIT, KVM_ENTRY, KVM_USEREXIT: about the vCPU thread the event fired on.
HOT int
dec_kvm(struct state *st, const struct decoder *d,
	const struct perf_dlfilter_sample *s, const int fast)
{
	const void *raw = s->raw_data;
	const struct pw_field *f = d->f;
	struct pw_event ev = { .time = s->time, .cpu = s->cpu, .kind = d->kind,
			       .tid = s->tid };
	struct task *t;

	if (!(t = task_get(st, ev.tid)))
		return -1;
	note_pid(t, s->pid);
	if (d->kind == PW_EV_KVM_EXIT) {
		ev.kx.reason = RD32(fast, d, 0, raw);
		ev.kx.isa = f[1].size ? RD32(fast, d, 1, raw) : PW_ISA_VMX;
	} else if (d->kind == PW_EV_KVM_USEREXIT) {
		ev.kx.reason = RD32(fast, d, 0, raw);
	} else {
		ev.ke.vcpu_id = f[0].size ? RD32(fast, d, 0, raw) : UINT32_MAX;
	}
	if (!task_match(st, t))
		return 0;
	task_emit(st, t, ev.time, ev.cpu);
	add(st, &ev);
	return 0;
}

// A sample of route ri that failed validation while decoded (a string
// field out of the record): counted on the decoding side, added to the
// route's count in stop(). 0, or -1 out of memory.
RARE int invalid_late(struct state *st, uint32_t ri)
{
	struct dq *q = &st->dq;

	if (ri >= q->ninvalid) {
		size_t n = (size_t)ri + 16;
		uint64_t *v = realloc(q->invalid, n * sizeof(*v));
		if (!v)
			return -1;
		memset(v + q->ninvalid, 0, (n - q->ninvalid) * sizeof(*v));
		q->invalid = v;
		q->ninvalid = n;
	}
	q->invalid[ri]++;
	return 0;
}

// EXEC and FORK, rare: kept out of the hot path.
RARE int dec_rare(struct state *st, uint32_t ri, const struct decoder *d,
		  const struct perf_dlfilter_sample *s)
{
	const void *raw = s->raw_data;
	const struct pw_field *f = d->f;
	struct pw_event ev = { .time = s->time, .cpu = s->cpu, .kind = d->kind };
	struct task *t, *o;
	const char *str;
	size_t len;
	int64_t id;
	int n;

	if (d->kind == PW_EV_EXEC) {
		ev.tid = (int32_t)pw_field_u32(&f[1], raw);
		if (!(t = task_get(st, ev.tid)))
			return -1;
		str = pw_field_str(&f[0], raw, s->raw_size, &len);
		if (!str && f[0].size)
			return invalid_late(st, ri);
		if (str && len) {	// the new comm: the file's basename
			const char *b = memrchr(str, '/', len);
			if (b) {
				len -= (size_t)(b + 1 - str);
				str = b + 1;
			}
			note_comm(t, str, len);
		}
		note_pid(t, s->pid);
		if (!task_match(st, t))
			return 0;
		task_emit(st, t, ev.time, ev.cpu);
		if ((id = intern(st, task_name(t))) < 0)
			return 0;
		ev.task.pid = t->pid;
		ev.task.name = (uint32_t)id;
	} else {
		ev.tid = (int32_t)pw_field_u32(&f[1], raw);
		ev.fk.child_tid = (int32_t)pw_field_u32(&f[3], raw);
		ev.fk.child_pid = -1;
		if ((n = two_tasks(st, d, s, 0, ev.tid, 2, ev.fk.child_tid, &t,
				   &o, 0)) <= 0)
			return n;
		if ((id = intern(st, task_name(o))) < 0)
			return 0;
		ev.fk.child_name = (uint32_t)id;
	}
	add(st, &ev);
	return 0;
}

// decode() for one value of d->fast, so that each copy is specialised: a
// sample of route ri that passed sample_ok() into events.
HOT void
decode_as(struct state *st, uint32_t ri, const struct decoder *d,
	  const struct perf_dlfilter_sample *s, const int fast)
{
	int err;

	if (d->kind == PW_EV_SWITCH) {	// most samples: no jump table
		err = dec_switch(st, ri, d, s, fast);
		goto out;
	}
	switch (d->kind) {
	case PW_EV_WAKEUP:
	case PW_EV_WAKING:
	case PW_EV_WAKEUP_NEW:
	case PW_EV_MIGRATE:
	case PW_EV_EXIT:
	case PW_EV_STAT_SLEEP:
	case PW_EV_STAT_IOWAIT:
	case PW_EV_STAT_RUNTIME:
		err = dec_one_task(st, d, s, fast);
		break;
	case PW_EV_KVM_EXIT:
	case PW_EV_KVM_ENTRY:
	case PW_EV_KVM_USEREXIT:
		err = dec_kvm(st, d, s, fast);
		break;
	case PW_EV_EXEC:
	case PW_EV_FORK:
		err = dec_rare(st, ri, d, s);
		break;
	default:
		return;
	}
out:
	if (err && !st->werr)
		st->werr = PW_ENOMEM;
}

static inline void decode(struct state *st, uint32_t ri, const struct decoder *d,
			  const struct perf_dlfilter_sample *s)
{
	if (__builtin_expect(d->fast, 1))
		decode_as(st, ri, d, s, 1);
	else
		decode_as(st, ri, d, s, 0);
}

/* ---- the decoding thread -------------------------------------------------- */

// perf's thread routes and checks each sample (sample_ok) and copies it,
// raw record and all, into a batch; this thread decodes the batches in
// order: the tasks, their names, the events into the writer, whose chunks
// it also compresses (the writer's own thread stays off: three threads on
// two cores would take perf's core from it). perf's thread spends on a
// sample only the route, the checks and the copy, the rest is on the other
// core. The task table, the writer's adds and werr are this thread's while
// it runs (perf's after dq_stop(): the mutex orders them). A sample too
// large for a batch (a host's odd record) is decoded on perf's thread once
// the thread is idle.

// a record's bytes in a batch: its header, its raw record padded to 8
static inline size_t dq_rec_size(uint32_t raw_size)
{
	return sizeof(struct dq_rec) + (((size_t)raw_size + 7) & ~(size_t)7);
}

static void dq_decode(struct state *st, const unsigned char *p, size_t len)
{
	struct perf_dlfilter_sample s;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	for (size_t o = 0; o < len && !st->werr;) {
		const struct dq_rec *h = (const struct dq_rec *)(p + o);
		s.time = h->time;
		s.tid = h->tid;
		s.pid = h->pid;
		s.cpu = h->cpu;
		s.raw_size = h->raw_size;
		s.raw_data = p + o + sizeof(*h);
		decode(st, h->route, &st->dec[h->dec], &s);
		o += dq_rec_size(h->raw_size);
	}
}

static void *dq_thread(void *arg)
{
	struct state *st = arg;
	struct dq *q = &st->dq;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->produced == q->consumed && !q->quit) {
			q->idle = 1;
			pthread_cond_wait(&q->cv_full, &q->mu);
		}
		q->idle = 0;
		if (q->produced == q->consumed)
			break;
		unsigned i = q->consumed % DQ_N;
		pthread_mutex_unlock(&q->mu);
		if (!st->werr) {
			dq_decode(st, q->b[i], q->len[i]);
			if (st->werr)
				atomic_store(&q->failed, 1);
		}
		pthread_mutex_lock(&q->mu);
		q->consumed++;
		pthread_cond_signal(&q->cv_free);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static void dq_sync_destroy(struct dq *q)
{
	pthread_cond_destroy(&q->cv_free);
	pthread_cond_destroy(&q->cv_full);
	pthread_mutex_destroy(&q->mu);
}

// The batches and the thread, once the writer is open. Without them (out of
// memory, no thread) perf's thread decodes each sample itself, as before.
// With one usable cpu (taskset) it also compresses: a helper could only take
// turns with it (under taskset -c 0, 10^7 samples, 7 interleaved runs: 4.07
// s with the decoding thread, 4.07 without any; the batches' memory saved).
// (With default attributes the inits cannot fail on Linux.)
static void dq_start(struct state *st)
{
	struct dq *q = &st->dq;

	if (pw_cpus_usable() < 2) {
		pw_writer_no_thread(st->w);
		return;
	}
	// One allocation for the ring: one mmap and one munmap, not DQ_N. In
	// 2 MiB pages where transparent huge pages are on (madvise mode, as
	// Debian's): perf's thread then takes 4 page faults on its first pass
	// through the ring, not 2,048 (measured: 10^6 generated samples, 21
	// interleaved runs, 1.32 -> 1.26 of the no-op's wall; docs/bench.md).
	size_t ring_size = (size_t)DQ_N * DQ_BATCH;
	unsigned char *ring = aligned_alloc(DQ_ALIGN, ring_size);
	if (!ring)
		return;
	(void)madvise(ring, ring_size, MADV_HUGEPAGE);	// a hint: EINVAL without THP
	for (unsigned i = 0; i < DQ_N; i++)
		q->b[i] = ring + (size_t)i * DQ_BATCH;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv_full, NULL);
	pthread_cond_init(&q->cv_free, NULL);
	if (pw_thread_start(&q->th, dq_thread, st)) {	// signals stay perf's
		dq_sync_destroy(q);
		return;
	}
	q->cur = q->b[0];
	q->curlen = 0;
	q->running = 1;
	// this thread compresses too: with a writer thread beside it, perf's
	// thread would share its core with one of them whenever both ran
	pw_writer_no_thread(st->w);
}

// Hand the batch being filled to the thread and wait for a free one. An
// idle thread is woken once DQ_WAKE batches wait (or by dq_drain()): a
// wakeup costs perf's thread a few microseconds in a VM, so not one a batch;
// and not many more, since what waits at stop() is decoded while perf's
// thread waits (8 batches: 4-8 ms of drain at 10^6 samples; 2: ~3.5 ms).
static void dq_publish(struct dq *q)
{
	pthread_mutex_lock(&q->mu);
	q->len[q->produced % DQ_N] = q->curlen;
	q->produced++;
	if (q->idle && q->produced - q->consumed >= DQ_WAKE) {
		q->idle = 0;
		pthread_cond_signal(&q->cv_full);
	}
	while (q->produced - q->consumed == DQ_N)
		pthread_cond_wait(&q->cv_free, &q->mu);
	pthread_mutex_unlock(&q->mu);
	q->cur = q->b[q->produced % DQ_N];
	q->curlen = 0;
}

// Wait until the thread has decoded every batch handed over (the batch
// being filled too): the decoding side is perf's thread's until the next
// batch is handed over.
static void dq_drain(struct dq *q)
{
	if (q->curlen)
		dq_publish(q);
	pthread_mutex_lock(&q->mu);
	q->idle = 0;
	pthread_cond_signal(&q->cv_full);
	while (q->consumed != q->produced)
		pthread_cond_wait(&q->cv_free, &q->mu);
	pthread_mutex_unlock(&q->mu);
}

// Decode what was handed over (after a failure the thread skips it), then
// end the thread: the decoding side is perf's thread's from here. Safe to
// call again, or without a thread.
static void dq_stop(struct state *st)
{
	struct dq *q = &st->dq;

	if (!q->running)
		return;
	dq_drain(q);
	pthread_mutex_lock(&q->mu);
	q->quit = 1;
	pthread_cond_signal(&q->cv_full);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	dq_sync_destroy(q);
	q->running = 0;
}

// A checked sample of route r to the decoding side.
HOT void dq_put(struct state *st, struct route *r, const struct perf_dlfilter_sample *s)
{
	struct dq *q = &st->dq;
	uint32_t ri = (uint32_t)(r - st->routes);
	size_t need = dq_rec_size(s->raw_size);

	if (!q->running || need > DQ_BATCH) {
		if (q->running)
			dq_drain(q);
		decode(st, ri, r->dec, s);
		return;
	}
	if (q->curlen + need > DQ_BATCH)
		dq_publish(q);
	struct dq_rec *h = (struct dq_rec *)(q->cur + q->curlen);
	h->time = s->time;
	h->tid = s->tid;
	h->pid = s->pid;
	h->cpu = s->cpu;
	h->route = ri;
	h->raw_size = s->raw_size;
	h->dec = (uint8_t)(r->dec - st->dec);
	memcpy(h + 1, s->raw_data, s->raw_size);
	q->curlen += need;
}

// Say why the output failed, in one line, and drop the temporary file.
static void report_failure(struct state *st, int err)
{
	int e = st->w ? pw_writer_errno(st->w) : 0;

	msg("cannot write '%s': %s", st->out_path,
	    err == PW_EIO && e ? strerror(e) : pw_strerror(err));
	pw_writer_free(st->w);	// removes the temporary file
	st->w = NULL;
	st->failed = err == PW_EIO && e ? e : err == PW_ENOMEM ? ENOMEM : EIO;
}

HOT int take(struct state *st, const struct perf_dlfilter_sample *s, void *ctx)
{
	struct route *r;

	if (st->failed)
		return -st->failed;
	if (!st->samples)
		signals_run();
	st->samples++;
	r = route_of(st, s, ctx);
	if (!r) {
		dq_stop(st);	// werr is perf's thread's
		if (!st->werr)
			st->werr = PW_ENOMEM;
	} else if (r->what == R_DECODE) {
		if (sample_ok(st, r, r->dec, s, r->dec->fast))
			dq_put(st, r, s);
	} else if (r->what == R_IGNORE) {
		r->count++;
		st->ignored_total++;
	} else {
		r->count++;
		st->missing_total++;
	}
	if (__builtin_expect(atomic_load_explicit(&st->dq.failed, memory_order_relaxed), 0))
		dq_stop(st);	// werr is perf's thread's again
	if (!st->dq.running && st->werr) {
		// perf stops at a negative return and exits non-zero
		report_failure(st, st->werr);
		return -st->failed;
	}
	return st->ret;
}

int filter_event_early(void *data, const struct perf_dlfilter_sample *s, void *ctx)
{
	struct state *st = data;

	if (!st)
		return 1;
	return st->early ? take(st, s, ctx) : 0;	// 0: on to filter_event()
}

int filter_event(void *data, const struct perf_dlfilter_sample *s, void *ctx)
{
	struct state *st = data;

	if (!st)
		return 1;
	return st->early ? st->ret : take(st, s, ctx);
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int cmp_route_name(const void *a, const void *b)
{
	const struct route *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

// Routes of one kind, sorted by name (deterministic stats and summary).
static size_t routes_sorted(struct state *st, const struct route **v, int what)
{
	size_t n = 0;

	for (size_t i = 0; i < st->nr_routes; i++)
		if (st->routes[i].what == what)
			v[n++] = &st->routes[i];
	qsort(v, n, sizeof(*v), cmp_route_name);
	return n;
}

static void summary(struct state *st, uint64_t bytes, int ok)
{
	const struct route **v = malloc((st->nr_routes + 1) * sizeof(*v));
	size_t n;

	if (!v)
		return;
	if (ok)
		msg("wrote '%s' from '%s'", st->out_path, st->input);
	fprintf(stderr, PROG ": %llu samples, %llu events stored:",
		(unsigned long long)st->samples, (unsigned long long)stored(st));
	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		if (st->by_kind[k])
			fprintf(stderr, " %s %llu", pw_event_name(k),
				(unsigned long long)st->by_kind[k]);
	fputc('\n', stderr);
	n = routes_sorted(st, v, R_IGNORE);
	fprintf(stderr, PROG ": %llu samples ignored%s",
		(unsigned long long)st->ignored_total, n ? ":" : "");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %s %llu", v[i]->name,
			(unsigned long long)v[i]->count);
	fputc('\n', stderr);
	fprintf(stderr, PROG ": %llu samples failed validation",
		(unsigned long long)st->invalid_total);
	for (size_t i = 0; i < st->nr_routes; i++)
		if (st->routes[i].invalid)
			fprintf(stderr, " %s %llu", st->routes[i].name,
				(unsigned long long)st->routes[i].invalid);
	fputc('\n', stderr);
	fprintf(stderr, PROG ": %zu tasks seen, %u cpus\n", st->nr_tasks,
		st->nr_cpus_seen);
	fprintf(stderr, PROG ": output %llu bytes, %.2f bytes/event, %.3f s\n",
		(unsigned long long)bytes,
		stored(st) ? (double)bytes / (double)stored(st) : 0.0,
		elapsed(&st->t0));
	free(v);
}

int stop(void *data, void *ctx)
{
	struct state *st = data;
	int err;

	(void)ctx;
	// from here the file is being finished (last chunk, trailer, rename):
	// a SIGTERM now would leave a temporary file, so it waits; perf exits
	// moments after stop() anyway
	sigset_t term;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	signals_stop();
	if (!st)
		return 0;
	dq_stop(st);	// every sample decoded
	for (size_t i = 0; i < st->dq.ninvalid && i < st->nr_routes; i++) {
		st->routes[i].invalid += st->dq.invalid[i];
		st->invalid_total += st->dq.invalid[i];
	}
	if (st->failed) {	// said in filter_event(); the temp file is gone
		err = st->failed;
		state_free(st);
		return -err;
	}
	// samples of events we want but whose format the input lacks
	for (size_t i = 0; i < st->nr_routes; i++) {
		struct route *r = &st->routes[i];
		if (r->what != R_MISSING)
			continue;
		const char *colon = strchr(r->name, ':');
		const struct known *k = known_by_name(NULL, colon ? colon + 1 : r->name);
		const struct decoder *d = k ? &st->dec[k - known] : NULL;
		if (d && d->id >= 0 && !d->usable)
			msg("%s: %llu samples not decoded: its format lacks "
			    "field '%s'", r->name, (unsigned long long)r->count,
			    d->missing);
		else
			msg("%s: %llu samples not decoded: no format for event "
			    "id %llu in %s", r->name, (unsigned long long)r->count,
			    (unsigned long long)r->config,
			    st->pipe_mode ? "the local tracefs" :
					    "the tracing data of the input");
	}
	const struct route **v = malloc((st->nr_routes + 1) * sizeof(*v));
	if (!v) {
		state_free(st);
		return -ENOMEM;
	}
	size_t n = routes_sorted(st, v, R_IGNORE);
	for (size_t i = 0; i < n; i++)
		pw_writer_set_stat(st->w, "ignored", v[i]->name, v[i]->count);
	n = routes_sorted(st, v, R_DECODE);
	for (size_t i = 0; i < n; i++)
		if (v[i]->invalid)
			pw_writer_set_stat(st->w, "invalid", v[i]->name,
					   v[i]->invalid);
	n = routes_sorted(st, v, R_MISSING);
	for (size_t i = 0; i < n; i++)
		pw_writer_set_stat(st->w, "invalid", v[i]->name, v[i]->count);
	free(v);
	// the writer's thread counts the events by kind (for the trailer):
	// taken from it here rather than counted again on the hot path
	if (!st->werr)
		st->werr = pw_writer_events(st->w, st->by_kind);
	pw_writer_set_stat(st->w, "plugin", "samples", st->samples);
	pw_writer_set_stat(st->w, "plugin", "stored", stored(st));
	pw_writer_set_stat(st->w, "plugin", "ignored", st->ignored_total);
	pw_writer_set_stat(st->w, "plugin", "invalid",
			   st->invalid_total + st->missing_total);
	pw_writer_set_stat(st->w, "plugin", "tasks", st->nr_tasks);
	pw_writer_set_stat(st->w, "plugin", "cpus", st->nr_cpus_seen);

	err = st->werr;
	if (!err)
		err = pw_writer_finish(st->w);
	if (err) {
		// one line, no summary; perf 6.1 ignores stop()'s return
		// value, so when the failure shows only now (the last chunk,
		// the trailer, fsync or rename) perf would exit 0 with no file:
		// exit non-zero ourselves (stop() is perf's last call to us)
		report_failure(st, err);
		err = st->failed;
		state_free(st);
		exit(1);
	}
	if (interrupted)
		msg("interrupted by %s: '%s' holds the samples up to that point",
		    interrupted == SIGTERM ? "SIGTERM" : "SIGINT", st->out_path);
	if (!st->quiet)
		summary(st, pw_writer_bytes(st->w), 1);
	state_free(st);
	return 0;
}

const char *filter_description(const char **long_description)
{
	static const char long_desc[] =
		"Decodes sched and kvm tracepoint samples (formats from the "
		"perf.data tracing data, or the local tracefs in pipe mode) and "
		"reduces them into a .cdict file for perfwhiz-dash: context "
		"switches, wakeups, migrations, KVM exits and entries, task names. "
		"Returns 1 for every sample so perf prints nothing. "
		"Options: --dlarg help.";

	if (long_description)
		*long_description = long_desc;
	return "perfwhiz: reduce sched/kvm samples into a .cdict file";
}
