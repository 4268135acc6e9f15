// SPDX-License-Identifier: GPL-2.0-only
// perfwhiz.c: the perf dlfilter's entry points and its per-sample path:
// routing and checking each sample, the task table, the decoders.
//
// perf script --dlfilter build/perfwhiz.so [--dlarg out=run.cdict] -i perf.data
//
// start() reads the dlargs (dlargs.c), finds the event formats and builds
// the decoders (formats.c), opens the writer (output.c) and starts the
// decoding thread (dq.c); filter_event_early() (or filter_event(), see
// `early`) routes each sample by its attr (type and tracepoint id; the
// route is then cached by the sample's id), checks it and hands a copy to
// the decoding thread, which decodes it into events (see "the decoding
// thread's batches"); stop() writes the trailer and prints the summary.
// Memory grows with tasks, CPUs and event types only, plus the thread's
// 8 MiB of batches. The filter runs on perf's only thread for every
// sample: the path is small functions inlined into it (PW_HOT), and what
// is rare stays out of line (PW_COLD).
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <perf/perf_dlfilter.h>

#include "pw_array.h"
#include "dlargs.h"
#include "dq.h"
#include "formats.h"
#include "output.h"
#include "pw_compiler.h"
#include "pw_msg.h"
#include "pw_thread.h"
#include "signals.h"
#include "state.h"

// the only symbols the plugin exports (the build hides every other one)
#define PW_API __attribute__((visibility("default")))

// perf fills this in before start() (perf's dlfilter.c looks it up by name)
PW_API struct perf_dlfilter_fns perf_dlfilter_fns;

PW_API int start(void **data, void *ctx);
PW_API int stop(void *data, void *ctx);
PW_API int filter_event(void *data, const struct perf_dlfilter_sample *sample,
			void *ctx);
PW_API int filter_event_early(void *data, const struct perf_dlfilter_sample *sample,
			      void *ctx);
PW_API const char *filter_description(const char **long_description);

/* ---- tasks -------------------------------------------------------------- */

static const char *fixed_name(struct state *st, int32_t tid)
{
	const char *n = pw_map_name(&st->map, tid);

	return n ? n : pw_autoname_find(&st->auto_names, tid);
}

// task_idx() past its first probe: the rest of the chain, else a new task.
PW_COLD int64_t task_idx_slow(struct state *st, int32_t tid)
{
	int64_t i = pw_tidhash_find(&st->tids, tid);
	struct task *t;

	if (i >= 0)
		return i;
	if (pw_grow(&st->tasks, &st->alloc_tasks, st->nr_tasks, sizeof(*t), 1024))
		return -1;
	if (pw_tidhash_put(&st->tids, tid, (uint32_t)st->nr_tasks))
		return -1;
	t = &st->tasks[st->nr_tasks];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->pid = tid == 0 ? 0 : -1;
	t->flags = TF_DIRTY;
	t->fixed = fixed_name(st, tid);
	if (tid == 0)
		memcpy(t->comm, "swapper", 8);
	return (int64_t)st->nr_tasks++;
}

// The index of tid's task in st->tasks, created on first sight; -1 only
// when out of memory. Inline for the common case, a task found at its
// first probe (the table is kept at most half full; docs/decisions.md,
// "The task table is the shared tid hash"). A new task may move
// st->tasks: a record about two tasks looks both up before it takes a
// pointer to either (two_tasks()).
static inline int64_t task_idx(struct state *st, int32_t tid)
{
	const struct pw_tidhash *h = &st->tids;

	if (__builtin_expect(h->cap != 0, 1)) {	// 0 until the first task
		const struct pw_tidhash_slot *s = &h->slots[pw_tidhash_home(h, tid)];
		if (__builtin_expect(s->tid == tid && s->idx1, 1))
			return (int64_t)s->idx1 - 1;
	}
	return task_idx_slow(st, tid);
}

// The task of tid (task_idx()), or NULL when out of memory; valid until the
// next lookup.
static inline struct task *task_get(struct state *st, int32_t tid)
{
	int64_t i = task_idx(st, tid);

	return i < 0 ? NULL : &st->tasks[i];
}

static const char *task_name(const struct task *t)
{
	return t->fixed ? t->fixed : t->comm;
}

// A comm seen for t (len bytes, no NUL inside).
PW_COLD void note_comm(struct task *t, const char *s, size_t len)
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

PW_COLD int task_match_re(struct state *st, struct task *t)
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
PW_COLD void task_emit_dirty(struct state *st, struct task *t, uint64_t time,
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

/* ---- routing and checks (perf's thread) ----------------------------------- */

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
	r = pw_route_find(st, attr, s->event);
	if (r && attr && s->id &&
	    (attr->sample_type & (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_ID))) {
		c->id = s->id;
		c->r = r;
	}
	return r;
}

// The checks before any field of a sample is read: the record holds every
// field the decoder reads, is of the decoder's event (common_type) and has
// a cpu in range. 0 (counted as failed validation) when one fails.
PW_HOT int
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

/* ---- the decoders (the decoding side) ------------------------------------- */

// A 32-bit number of slot i of decoder d from raw, on a decoder's fast path
// (fast = d->fast, a constant in each copy of decode_as()) or the general one.
#define RD32(fast, d, i, raw)                                                  \
	((fast) ? ld32((const unsigned char *)(raw) + (d)->f[i].offset) :       \
		  pw_field_u32(&(d)->f[i], (raw)))

static inline uint32_t ld32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

// The comm of slot `slot` for task t, on the fast path or the general one.
PW_HOT void
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
PW_HOT int
two_tasks(struct state *st, const struct decoder *d,
	  const struct perf_dlfilter_sample *s, int fa, int32_t a, int fb,
	  int32_t b, struct task **ta, struct task **tb, const int fast)
{
	int64_t ia = task_idx(st, a), ib = task_idx(st, b);

	if (ia < 0 || ib < 0)
		return -1;
	*ta = &st->tasks[ia];
	*tb = &st->tasks[ib];
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

// A sample of route ri that failed validation while decoded (a string
// field out of the record): counted on the decoding side, added to the
// route's count in stop(). 0, or -1 out of memory.
PW_COLD int invalid_late(struct state *st, uint32_t ri)
{
	if (ri >= st->nr_late_invalid) {
		size_t n = (size_t)ri + 16;
		uint64_t *v = realloc(st->late_invalid, n * sizeof(*v));
		if (!v)
			return -1;
		memset(v + st->nr_late_invalid, 0,
		       (n - st->nr_late_invalid) * sizeof(*v));
		st->late_invalid = v;
		st->nr_late_invalid = n;
	}
	st->late_invalid[ri]++;
	return 0;
}

// Returns 0, or -1 when out of memory.
PW_HOT int
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

// The end of a record about one task t: stored if t is kept, after its
// name when that changed. (dec_one_task() and dec_kvm() share it; EXEC
// interns a name in between, so dec_rare() spells it out.)
PW_HOT int store_one(struct state *st, struct task *t, const struct pw_event *ev)
{
	if (!task_match(st, t))
		return 0;
	task_emit(st, t, ev->time, ev->cpu);
	add(st, ev);
	return 0;
}

// WAKEUP, WAKING, WAKEUP_NEW, MIGRATE, EXIT, STAT_*: one task, its comm
// in slot 0 and its tid in slot 1.
PW_HOT int
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
	return store_one(st, t, &ev);
}

// KVM_EXIT, KVM_ENTRY, KVM_USEREXIT: about the vCPU thread the event fired on.
PW_HOT int
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
	return store_one(st, t, &ev);
}

// EXEC and FORK, rare: kept out of the hot path.
PW_COLD int dec_rare(struct state *st, uint32_t ri, const struct decoder *d,
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
PW_HOT void
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

/* ---- the decoding thread's batches ---------------------------------------- */

// perf's thread routes and checks each sample (sample_ok) and copies it,
// raw record and all, into a batch of the decoding queue (dq.h); the
// decoding thread decodes the batches in order: the tasks, their names,
// the events into the writer, whose chunks it also compresses. perf's
// thread spends on a sample only the route, the checks and the copy, the
// rest is on the other core. The task table, the writer's adds and werr
// are the decoding thread's while it runs (perf's after pw_dq_stop()). A
// sample too large for a batch (a host's odd record) is decoded on perf's
// thread once the thread is idle.

// A sample in a batch: this header, then its raw record padded to 8 bytes.
struct dq_rec {
	uint64_t time;
	int32_t tid, pid, cpu;
	uint32_t route;		// index in state.routes
	uint32_t raw_size;
	uint8_t dec;		// index in state.dec
	uint8_t pad[3];
};

static inline size_t dq_rec_size(uint32_t raw_size)
{
	return sizeof(struct dq_rec) + (((size_t)raw_size + 7) & ~(size_t)7);
}

// The decoding queue's consumer: the samples of one batch into events.
// Nonzero when decoding failed in this batch (werr set).
static int decode_batch(void *arg, const unsigned char *p, size_t len)
{
	struct state *st = arg;
	struct perf_dlfilter_sample s;

	if (st->werr)
		return 0;	// set by perf's thread: it says so at stop()
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
	return st->werr != 0;
}

// The decoding thread, once the writer is open. Without it (out of memory,
// no thread) perf's thread decodes each sample itself, and the writer's
// own thread compresses. With one usable cpu there is none: perf's thread
// also compresses, as a helper could only take turns with it
// (docs/decisions.md, "Helper threads count usable cpus"). With it, the
// writer's thread stays off: the decoding thread compresses too, or
// perf's thread would share its core with one of them whenever both ran
// (docs/decisions.md, "The decoding thread compresses too").
static void decoding_start(struct state *st)
{
	if (pw_cpus_usable() < 2 || pw_dq_start(&st->dq, decode_batch, st) == 0)
		pw_writer_no_thread(st->w);
}

// A checked sample of route r to the decoding side.
PW_HOT void dq_put(struct state *st, struct route *r, const struct perf_dlfilter_sample *s)
{
	struct pw_dq *q = &st->dq;
	uint32_t ri = (uint32_t)(r - st->routes);
	size_t need = dq_rec_size(s->raw_size);

	if (!q->running || need > PW_DQ_BATCH) {
		if (q->running)
			pw_dq_drain(q);
		decode(st, ri, r->dec, s);
		return;
	}
	struct dq_rec *h = (struct dq_rec *)pw_dq_alloc(q, need);
	h->time = s->time;
	h->tid = s->tid;
	h->pid = s->pid;
	h->cpu = s->cpu;
	h->route = ri;
	h->raw_size = s->raw_size;
	h->dec = (uint8_t)(r->dec - st->dec);
	memcpy(h + 1, s->raw_data, s->raw_size);
}

/* ---- entry points ---------------------------------------------------------- */

PW_HOT int take(struct state *st, const struct perf_dlfilter_sample *s, void *ctx)
{
	struct route *r;

	if (st->failed)
		return -st->failed;
	if (!st->samples)
		pw_sig_run();
	st->samples++;
	r = route_of(st, s, ctx);
	if (!r) {
		pw_dq_stop(&st->dq);	// werr is perf's thread's
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
		pw_dq_stop(&st->dq);	// werr is perf's thread's again
	if (!st->dq.running && st->werr) {
		// perf stops at a negative return and exits non-zero
		pw_out_failure(st, st->werr);
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

static void state_free(struct state *st)
{
	if (!st)
		return;
	pw_dq_stop(&st->dq);
	pw_dq_release(&st->dq);
	free(st->late_invalid);
	pw_writer_free(st->w);
	pw_tpfmts_free(st->fmts);
	for (size_t i = 0; i < NR_KNOWN; i++)
		free(st->dec[i].missing);
	for (size_t i = 0; i < st->nr_routes; i++)
		free(st->routes[i].name);
	free(st->routes);
	free(st->tasks);
	pw_tidhash_release(&st->tids);
	free(st->cpu_seen);
	free(st->id_routes);
	pw_autoname_release(&st->auto_names);
	pw_map_release(&st->map);
	if (st->have_re)
		regfree(&st->re);
	free(st->out_path);
	free(st->input);
	free(st->map_path);
	free(st->tasks_re);
	free(st);
}

int start(void **data, void *ctx)
{
	struct state *st = calloc(1, sizeof(*st));
	struct pw_perfdata pd;
	char **argv = NULL;
	int argc = 0, err;

	*data = NULL;
	if (!st)
		return -ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &st->t0);
	pw_sig_start();
	if (perf_dlfilter_fns.args)
		argv = perf_dlfilter_fns.args(ctx, &argc);
	err = pw_dlargs_parse(st, argc, argv);
	if (err)
		goto fail;
	st->ret = st->keep ? 0 : 1;
	// with keep, perf goes on to print every sample: nothing to gain
	st->early = !st->keep && pw_dlargs_early_is_safe();
	err = pw_dlargs_apply(st);
	if (err)
		goto fail;
	st->cpu_seen = calloc(PW_MAX_CPUS, 1);
	st->id_routes = calloc(ID_ROUTES, sizeof(*st->id_routes));
	if (!st->cpu_seen || !st->id_routes) {
		err = PW_ENOMEM;
		goto fail;
	}
	err = pw_formats_load(st, &pd);
	if (!err)
		err = pw_out_open(st, st->pipe_mode ? NULL : &pd);
	pw_perfdata_release(&pd);
	if (err)
		goto fail;
	pw_formats_warn(st);
	decoding_start(st);
	*data = st;
	return 0;
fail:
	pw_sig_stop();
	state_free(st);
	return err == PW_ENOMEM ? -ENOMEM : -EINVAL;
}

int stop(void *data, void *ctx)
{
	struct state *st = data;
	int err;

	(void)ctx;
	pw_sig_block_term();
	pw_sig_stop();
	if (!st)
		return 0;
	pw_dq_stop(&st->dq);	// every sample decoded
	for (size_t i = 0; i < st->nr_late_invalid && i < st->nr_routes; i++) {
		st->routes[i].invalid += st->late_invalid[i];
		st->invalid_total += st->late_invalid[i];
	}
	if (st->failed) {	// said in filter_event(); the temp file is gone
		err = st->failed;
		state_free(st);
		return -err;
	}
	// samples of events we want but whose format the input lacks
	pw_formats_report(st);
	if (pw_out_stats(st)) {
		state_free(st);
		return -ENOMEM;
	}
	err = st->werr;
	if (!err)
		err = pw_writer_finish(st->w);
	if (err) {
		// one line, no summary; perf 6.1 ignores stop()'s return
		// value, so when the failure shows only now (the last chunk,
		// the trailer, fsync or rename) perf would exit 0 with no file:
		// exit non-zero ourselves (stop() is perf's last call to us)
		pw_out_failure(st, err);
		state_free(st);
		exit(1);
	}
	if (pw_sig_interrupted())
		pw_msg(PW_PROG, "interrupted by %s: '%s' holds the samples up to that point",
		       pw_sig_interrupted() == SIGTERM ? "SIGTERM" : "SIGINT",
		       st->out_path);
	if (!st->quiet)
		pw_out_summary(st);
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
