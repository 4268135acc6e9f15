// SPDX-License-Identifier: Apache-2.0
// analysis.c: the streaming reduction of a .cdict run (see analysis.h for the invariants).
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "kvm_reasons.h"
#include "replay.h"

#define NO_NAME UINT32_MAX
#define BIN_START_NS 1000000ull		// first bin width when the end is unknown
#define RESERVE_TASKS 8192		// tasks' series a trailer may size, at most
#define PROGRESS_EVERY 65536		// events between opts.progress calls (2^k)

// the per-event path: inlined into each copy of the event loop whatever
// the compiler's size heuristics say (GCC and clang)
#define PW_HOT static inline __attribute__((always_inline))

// reasons below this code get a slot in a task's reason_ix
#define REASON_IX 128

struct an_priv {
	const struct pw_an_opts *o;
	struct pw_reader *r;
	struct pw_cursor cur;		// over r's batches
	struct pw_an_task **all;	// every task ever created
	size_t nr_all, cap_all;
	struct pw_tid_map *map;
	int use_waking;
	int fd;				// the reader's input (borrowed by it)
	int bins_fixed;			// bin_ns known from the start
	struct pw_trailer hint;		// a whole file's, peeked before any
	int hinted;			// event: the first bin width, the
					// tasks' series' room (checked at the end)
	uint32_t max_bins;
	int succ;			// opts.nr_succ_tids > 0
	// the bin that holds the latest time binned: events come in time
	// order, so nearly every slice and switch falls in it and needs no
	// division; bin_lo is UINT64_MAX when unknown (after a fold)
	uint64_t bin_lo;		// absolute start of bin bin_cur
	uint32_t bin_cur;
};

static void seterr(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!size)
		return;
	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
}

/* ---- tasks and cpus ---------------------------------------------------- */

static int cols_grow(struct pw_an_run *run, size_t cap);

static struct pw_an_task *task_new(struct pw_an_run *run, int32_t tid)
{
	struct an_priv *p = run->priv;
	struct pw_an_task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (p->nr_all == p->cap_all) {
		size_t n = p->cap_all ? 2 * p->cap_all : 256;
		struct pw_an_task **a = realloc(p->all, n * sizeof(*a));
		if (!a) {
			free(t);
			return NULL;
		}
		p->all = a;
		p->cap_all = n;
	}
	t->tid = tid;
	t->trace_tid = tid;
	t->pid = -1;
	t->idle_cpu = -1;
	t->index = p->nr_all;
	t->nr_merged = 1;
	t->selected = 1;
	t->st.on_cpu = -1;
	t->st.name_id = NO_NAME;
	if (p->max_bins && p->nr_all == run->bin_stride &&
	    cols_grow(run, run->bin_stride ? run->bin_stride + run->bin_stride / 2 : 64)) {
		free(t);
		return NULL;
	}
	p->all[p->nr_all++] = t;
	return t;
}

// The slot of a cpu, made (with its busy series) on first use; the array
// may move. NULL for a negative cpu or on allocation failure.
static struct pw_an_cpu *cpu_slot(struct pw_an_run *run, int32_t cpu)
{
	if (cpu < 0)
		return NULL;
	if ((size_t)cpu >= run->nr_cpu_slots) {
		size_t n = (size_t)cpu + 1;
		struct pw_an_cpu *c = realloc(run->cpus, n * sizeof(*c));
		if (!c)
			return NULL;
		memset(c + run->nr_cpu_slots, 0, (n - run->nr_cpu_slots) * sizeof(*c));
		for (size_t i = run->nr_cpu_slots; i < n; i++)
			c[i].cpu = (int32_t)i;
		run->cpus = c;
		run->nr_cpu_slots = n;
	}
	struct pw_an_cpu *c = &run->cpus[cpu];
	struct an_priv *p = run->priv;
	if (p->max_bins && !c->bin_busy) {
		c->bin_busy = calloc(p->max_bins, sizeof(*c->bin_busy));
		if (!c->bin_busy)
			return NULL;
	}
	return c;
}

static inline struct pw_an_cpu *cpu_at(struct pw_an_run *run, int32_t cpu)
{
	if ((uint32_t)cpu < run->nr_cpu_slots) {
		struct pw_an_cpu *c = &run->cpus[cpu];
		if (c->bin_busy || !((struct an_priv *)run->priv)->max_bins)
			return c;
	}
	return cpu_slot(run, cpu);
}

// task_add: the task of a tid seen for the first time (tid 0: swapper/<cpu>,
// made with its cpu's slot). NULL on allocation failure.
static struct pw_an_task *task_add(struct pw_an_run *run, int32_t tid, int32_t cpu)
{
	struct an_priv *p = run->priv;

	if (tid == 0) {
		struct pw_an_cpu *c = cpu_slot(run, cpu < 0 ? 0 : cpu);
		if (!c)
			return NULL;
		if (!c->idle) {
			c->idle = task_new(run, 0);
			if (!c->idle)
				return NULL;
			c->idle->idle_cpu = c->cpu;
			c->idle->pid = 0;
		}
		return c->idle;
	}
	struct pw_an_task *t = task_new(run, tid);
	if (!t)
		return NULL;
	if (pw_tid_map_put(p->map, tid, t))	// t stays in p->all: freed with the run
		return NULL;
	return t;
}

// The task of `tid`; tid 0 is swapper/<cpu>. NULL on allocation failure.
static inline struct pw_an_task *task_get(struct pw_an_run *run, int32_t tid, int32_t cpu)
{
	struct an_priv *p = run->priv;

	if (tid) {
		struct pw_an_task *t = pw_tid_map_find(p->map, tid);
		if (t)
			return t;
	} else if ((uint32_t)cpu < run->nr_cpu_slots && run->cpus[cpu].idle) {
		return run->cpus[cpu].idle;
	}
	return task_add(run, tid, cpu);
}

// task_on: task_get for an event about the task a cpu runs most of the time
// (the prev of a switch, a vCPU thread's KVM events): its running task first.
static inline struct pw_an_task *task_on(struct pw_an_run *run, int32_t tid, int32_t cpu)
{
	if ((uint32_t)cpu < run->nr_cpu_slots) {
		struct pw_an_task *cur = run->cpus[cpu].cur;
		// cur->tid 0 is this cpu's swapper, the one task_get gives
		if (cur && cur->tid == tid)
			return cur;
	}
	return task_get(run, tid, cpu);
}

static struct pw_an_task_cpu *task_cpu_slow(struct pw_an_task *t, int32_t cpu)
{
	for (size_t i = 0; i < t->nr_cpus; i++)
		if (t->cpus[i].cpu == cpu) {
			t->st.cpu_hint = i;
			return &t->cpus[i];
		}
	struct pw_an_task_cpu *c = realloc(t->cpus, (t->nr_cpus + 1) * sizeof(*c));
	if (!c)
		return NULL;
	t->cpus = c;
	memset(&c[t->nr_cpus], 0, sizeof(*c));
	c[t->nr_cpus].cpu = cpu;
	t->st.cpu_hint = t->nr_cpus;
	return &c[t->nr_cpus++];
}

// The entry of t on cpu: the last one used first (a task switches out
// where it switched in, and migrates seldom).
static inline struct pw_an_task_cpu *task_cpu(struct pw_an_task *t, int32_t cpu)
{
	size_t h = t->st.cpu_hint;

	if (h < t->nr_cpus && t->cpus[h].cpu == cpu)
		return &t->cpus[h];
	return task_cpu_slow(t, cpu);
}

static struct pw_an_reason *task_reason_slow(struct pw_an_task *t, uint32_t isa,
					     uint32_t reason)
{
	for (size_t i = 0; i < t->nr_reasons; i++)
		if (t->reasons[i].isa == isa && t->reasons[i].reason == reason) {
			t->st.reason_hint = i;
			return &t->reasons[i];
		}
	struct pw_an_reason *r = realloc(t->reasons, (t->nr_reasons + 1) * sizeof(*r));
	if (!r)
		return NULL;
	t->reasons = r;
	r = &r[t->nr_reasons];
	memset(r, 0, sizeof(*r));
	r->isa = isa;
	r->reason = reason;
	t->st.reason_hint = t->nr_reasons++;
	// the index table while it can hold every index (a vCPU has a few
	// dozen reasons at most; past UINT16_MAX - 1 the search does)
	if (reason < REASON_IX && t->nr_reasons < UINT16_MAX) {
		if (!t->st.reason_ix)
			t->st.reason_ix = calloc(2 * REASON_IX, sizeof(*t->st.reason_ix));
		if (t->st.reason_ix)	// else the search finds it
			t->st.reason_ix[(isa == PW_ISA_SVM) * REASON_IX + reason] =
				(uint16_t)t->nr_reasons;
	}
	return r;
}

static inline struct pw_an_reason *task_reason(struct pw_an_task *t, uint32_t isa,
					       uint32_t reason)
{
	if (isa != PW_ISA_SVM)
		isa = PW_ISA_VMX;
	if (reason < REASON_IX && t->st.reason_ix) {
		uint16_t k = t->st.reason_ix[(isa == PW_ISA_SVM) * REASON_IX + reason];
		if (k)
			return &t->reasons[k - 1];
	}
	return task_reason_slow(t, isa, reason);
}

/* ---- window, bins ------------------------------------------------------ */

// The window [ws, we] is passed by value through the event handlers: kept
// in registers, where run->win_* would be loaded again after every counter
// a handler increments (the compiler cannot tell them apart).
static inline uint64_t clip(uint64_t ws, uint64_t we, uint64_t a, uint64_t b)
{
	if (a < ws)
		a = ws;
	if (b > we)
		b = we;
	return b > a ? b - a : 0;
}

// one comparison: we >= ws always (pw_an_run_file saturates the end)
static inline int in_window(uint64_t ws, uint64_t we, uint64_t t)
{
	return t - ws <= we - ws;
}

// fold_*: halve the resolution of a 2n-bin series in place
static void fold_u64(uint64_t *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		s[i] = s[2 * i] + s[2 * i + 1];
	memset(s + n, 0, n * sizeof(*s));
}


// The tasks' series (run->bin_rt, bin_sw: see analysis.h) are bin-major
// because with thousands of tasks a series of each task's own was a cache
// miss at nearly every switch.

// room for cap (> bin_stride) tasks in the series; -1
static int cols_grow(struct pw_an_run *run, size_t cap)
{
	struct an_priv *p = run->priv;
	size_t old = run->bin_stride;
	uint64_t *rt = calloc((size_t)p->max_bins * cap, sizeof(*rt));
	uint32_t *sw = calloc((size_t)p->max_bins * cap, sizeof(*sw));

	if (!rt || !sw) {
		free(rt);
		free(sw);
		return -1;
	}
	for (size_t b = 0; old && b < p->max_bins; b++) {
		memcpy(rt + b * cap, run->bin_rt + b * old, old * sizeof(*rt));
		memcpy(sw + b * cap, run->bin_sw + b * old, old * sizeof(*sw));
	}
	free(run->bin_rt);
	free(run->bin_sw);
	run->bin_rt = rt;
	run->bin_sw = sw;
	run->bin_stride = cap;
	return 0;
}

// halve the series' resolution: bin b is bins 2b and 2b + 1
static void cols_fold(struct pw_an_run *run, uint32_t half)
{
	size_t n = run->bin_stride;

	for (size_t b = 0; b < half; b++)
		for (size_t i = 0; i < n; i++) {
			run->bin_rt[b * n + i] = run->bin_rt[2 * b * n + i] + run->bin_rt[(2 * b + 1) * n + i];
			run->bin_sw[b * n + i] = run->bin_sw[2 * b * n + i] + run->bin_sw[(2 * b + 1) * n + i];
		}
	memset(run->bin_rt + half * n, 0, half * n * sizeof(*run->bin_rt));
	memset(run->bin_sw + half * n, 0, half * n * sizeof(*run->bin_sw));
}

// The bin of t (>= win_start): made to exist by doubling the bin width
// (folding pairs) as needed; the last bin when the width is fixed.
static uint32_t bin_index(struct pw_an_run *run, uint64_t t)
{
	struct an_priv *p = run->priv;
	uint64_t off = t > run->win_start ? t - run->win_start : 0;
	uint64_t idx = off / run->bin_ns;

	while (idx >= p->max_bins && !p->bins_fixed) {
		uint32_t half = p->max_bins / 2;
		cols_fold(run, half);
		for (size_t i = 0; i < run->nr_cpu_slots; i++)
			if (run->cpus[i].bin_busy)
				fold_u64(run->cpus[i].bin_busy, half);
		run->bin_ns *= 2;
		run->nr_bins = (run->nr_bins + 1) / 2;
		idx = off / run->bin_ns;
		p->bin_lo = UINT64_MAX;
	}
	if (idx >= p->max_bins) {
		idx = p->max_bins - 1;	// past the fixed end: not cached
	} else {
		p->bin_cur = (uint32_t)idx;
		p->bin_lo = run->win_start + idx * run->bin_ns;
	}
	if (idx + 1 > run->nr_bins)
		run->nr_bins = (uint32_t)idx + 1;
	return (uint32_t)idx;
}

static inline uint32_t bin_at(struct pw_an_run *run, uint64_t t)
{
	struct an_priv *p = run->priv;

	if (t >= p->bin_lo && t - p->bin_lo < run->bin_ns)
		return p->bin_cur;
	return bin_index(run, t);
}

// [a, b) (inside the window, a < b) over the bins it spans
static void bins_span(struct pw_an_run *run, const struct pw_an_task *t, uint64_t *s2,
		      uint64_t a, uint64_t b)
{
	struct an_priv *p = run->priv;
	uint32_t i = bin_index(run, a), j = bin_index(run, b - 1);
	// bin_index may have widened the bins: recompute i (and leave the
	// cache on the later bin, where the next events fall)
	i = bin_index(run, a);
	for (uint32_t k = i; k <= j; k++) {
		uint64_t lo = run->win_start + (uint64_t)k * run->bin_ns;
		uint64_t hi = lo + run->bin_ns;
		uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
		if (k == j && j == p->max_bins - 1)
			y = b;		// the last bin takes any overflow
		if (y > x) {
			PW_AN_BIN_RT(run, t, k) += y - x;
			if (s2)
				s2[k] += y - x;
		}
	}
	bin_index(run, b - 1);
}

// The slice [a, b) of t clipped to the window into t's runtime series and
// s2 (NULL: none). whole: nothing to clip (see the event handlers).
static inline __attribute__((always_inline)) void
bins_add(struct pw_an_run *run, struct pw_an_task *t, uint64_t *s2, uint64_t a, uint64_t b,
	 uint64_t ws, uint64_t we, int whole)
{
	struct an_priv *p = run->priv;

	if (!whole) {
		if (a < ws)
			a = ws;
		if (b > we)
			b = we;
	}
	if (b <= a)
		return;
	if (a >= p->bin_lo && b - 1 - p->bin_lo < run->bin_ns) {	// one bin
		PW_AN_BIN_RT(run, t, p->bin_cur) += b - a;
		if (s2)
			s2[p->bin_cur] += b - a;
		return;
	}
	bins_span(run, t, s2, a, b);
}

/* ---- event handlers ---------------------------------------------------- */

// Every handler takes the window (ws, we) and two flags that are constants
// in each copy of the event loop (read_events), so that a copy has none of
// the code it does not need:
// - series: opts.max_bins > 0 (the runtime, switch and busy series);
// - whole: no --from and no --cap, and every event so far came in time
//   order: the window is [first event, end], every event is inside it and
//   every interval starts at or after ws: nothing is clipped. An event out
//   of order ends that copy; the general one goes on from it, with the same
//   state (for the events before, both copies decide alike).
PW_HOT uint64_t span(int whole, uint64_t ws, uint64_t we, uint64_t a, uint64_t b)
{
	if (whole)
		return b > a ? b - a : 0;
	return clip(ws, we, a, b);
}

PW_HOT int inside(int whole, uint64_t ws, uint64_t we, uint64_t t)
{
	return whole || in_window(ws, we, t);
}

// The slice of t on c from a to b: its runtime, clipped to the window, on
// t's entry for c (the task's and the cpu's totals are summed from those
// entries at the end: sum_entries). *tcp: that entry when the slice had
// some time in the window (else untouched). 0 or PW_ENOMEM.
PW_HOT int add_slice(struct pw_an_run *run, int series, int whole,
		     struct pw_an_task *t, struct pw_an_cpu *c, uint64_t a, uint64_t b,
		     uint64_t ws, uint64_t we, struct pw_an_task_cpu **tcp)
{
	uint64_t d = span(whole, ws, we, a, b);
	struct pw_an_task_cpu *tc;

	if (!d)
		return 0;
	if (!(tc = task_cpu(t, c->cpu)))
		return PW_ENOMEM;
	*tcp = tc;
	tc->runtime_ns += d;
	if (series)
		bins_add(run, t, t->tid ? c->bin_busy : NULL, a, b, ws, we, whole);
	return 0;
}

static int is_succ(const struct pw_an_opts *o, int32_t tid)
{
	for (size_t i = 0; i < o->nr_succ_tids; i++)
		if (o->succ_tids[i] == tid)
			return 1;
	return 0;
}

PW_HOT int on_switch(struct pw_an_run *run, int series, int whole,
		     const struct pw_event *ev, int in, uint64_t ws, uint64_t we)
{
	struct an_priv *p = run->priv;
	struct pw_an_cpu *c = cpu_at(run, ev->cpu);
	struct pw_an_task *prev, *next;
	uint64_t t = ev->time;

	if (!c)
		return PW_ENOMEM;
	// prev is nearly always the task the cpu runs (and so made before
	// next, as the rule says). c stays valid: only task_add for tid 0
	// makes slots, and this cpu's exists.
	prev = c->cur && c->cur->tid == ev->tid ? c->cur : task_get(run, ev->tid, ev->cpu);
	if (!prev || !(next = task_get(run, ev->sw.next_tid, ev->cpu)))
		return PW_ENOMEM;
	struct pw_an_task *cur = c->cur;
	if (in) {
		run->events[PW_EV_SWITCH]++;
		prev->events++;
	}
	uint64_t start = cur ? c->since : run->first_ns;
	if (cur && cur != prev)
		run->q.switch_mismatch++;
	// whole: start >= ws, so only a cpu's first switch can count
	if ((!cur || (!whole && start < ws)) && t > ws && (whole || start < we))
		run->q.clipped_start++;
	struct pw_an_task_cpu *pc = NULL;
	if (add_slice(run, series, whole, prev, c, start, t, ws, we, &pc))
		return PW_ENOMEM;

	uint32_t state = ev->sw.prev_state;
	int unknown = state == PW_STATE_UNKNOWN, vol = !unknown && (state & 0xff);
	if (in) {
		struct pw_an_task_cpu *nc;
		if ((!pc && !(pc = task_cpu(prev, c->cpu))) || !(nc = task_cpu(next, c->cpu)))
			return PW_ENOMEM;
		pc->switches++;		// and the task's, the cpu's: sum_entries
		if (unknown)
			run->q.unknown_state++;
		else if (vol)
			prev->voluntary++;
		else
			prev->involuntary++;
		nc->sched_in++;
		if (series) {
			uint32_t b = bin_at(run, t);	// (may fold)
			PW_AN_BIN_SW(run, prev, b)++;
		}
		if (__builtin_expect(p->succ, 0) && is_succ(p->o, prev->tid))
			next->successor_count++;
	}
	prev->st.on_cpu = -1;
	if (vol)
		prev->st.sleep = t;
	else if (!unknown && prev->tid)
		prev->st.preempt = t;

	// switch-in of next
	if (next->st.wake) {
		uint64_t w = t - next->st.wake;
		if (in) {
			if (pw_hist_add(&next->wait, w))
				return PW_ENOMEM;
			next->wait_ns += w;
		}
		next->st.wake = 0;
	}
	if (next->st.preempt) {
		next->preempted_ns += span(whole, ws, we, next->st.preempt, t);
		next->st.preempt = 0;
	}
	next->st.sleep = 0;
	next->st.on_cpu = c->cpu;
	c->cur = next;
	c->since = t;
	return 0;
}

PW_HOT int on_wakeup(struct pw_an_run *run, const struct pw_event *ev, struct pw_an_task *t)
{
	if (ev->tid == 0)
		return 0;
	if (!t && !(t = task_get(run, ev->tid, ev->cpu)))
		return PW_ENOMEM;
	// a running or preempted (still runnable) task is not waiting for a cpu
	// because of this wakeup
	if (t->st.on_cpu >= 0 || t->st.preempt)
		return 0;
	t->st.sleep = 0;
	if (!t->st.wake)
		t->st.wake = ev->time;
	return 0;
}

PW_HOT int on_kvm_exit(struct pw_an_run *run, int whole, const struct pw_event *ev, int in,
		       struct pw_an_task *t, uint64_t ws, uint64_t we)
{
	struct pw_an_reason *r;

	t->st.kvm_ri = 0;
	if (in) {
		if (!(r = task_reason(t, ev->kx.isa, ev->kx.reason)))
			return PW_ENOMEM;
		t->kvm_exits++;
		r->count++;
		t->st.kvm_ri = (uint32_t)(r - t->reasons) + 1;	// for the entry
	}
	if (t->st.kvm == 2) {
		if (inside(whole, ws, we, t->st.kvm_t))
			run->q.kvm_exit_without_entry++;
	} else if (t->st.kvm == 1) {
		t->guest_ns += span(whole, ws, we, t->st.kvm_t, ev->time);
	}
	t->st.kvm = 2;
	t->st.kvm_t = ev->time;
	t->st.kvm_reason = ev->kx.reason;
	t->st.kvm_isa = ev->kx.isa;
	return 0;
}

PW_HOT int on_kvm_entry(struct pw_an_run *run, int whole, const struct pw_event *ev,
			struct pw_an_task *t, uint64_t ws, uint64_t we)
{
	if (t->st.kvm == 2) {
		uint64_t d = span(whole, ws, we, t->st.kvm_t, ev->time);
		int start_in = inside(whole, ws, we, t->st.kvm_t);
		if (d || start_in) {
			struct pw_an_reason *r = t->st.kvm_ri ? &t->reasons[t->st.kvm_ri - 1]
					       : task_reason(t, t->st.kvm_isa, t->st.kvm_reason);
			if (!r)
				return PW_ENOMEM;
			r->host_ns += d;
			t->host_ns += d;
			if (start_in && pw_hist_add(&r->host, ev->time - t->st.kvm_t))
				return PW_ENOMEM;
		}
	} else if (t->st.kvm == 1 && inside(whole, ws, we, ev->time)) {
		run->q.kvm_entry_without_exit++;
	}
	t->st.kvm = 1;
	t->st.kvm_t = ev->time;
	return 0;
}

static void set_pid(struct pw_an_run *run, struct pw_an_task *t, int32_t pid)
{
	if (pid < 0)
		return;
	if (t->pid >= 0 && t->pid != pid)
		run->q.tid_reuse++;
	t->pid = pid;
}

// The rarer events, and the generic rule for every kind: inside the window
// an event counts for its kind and for its task (made on first sight).
static int on_other(struct pw_an_run *run, const struct pw_event *ev, int in)
{
	struct an_priv *p = run->priv;
	struct pw_an_task *t = NULL;

	if (in) {
		run->events[ev->kind]++;
		if (ev->kind != PW_EV_TASK) {
			if (!(t = task_get(run, ev->tid, ev->cpu)))
				return PW_ENOMEM;
			t->events++;
		}
	}
	switch (ev->kind) {
	case PW_EV_WAKING:
		return p->use_waking ? on_wakeup(run, ev, t) : 0;
	case PW_EV_MIGRATE:
		if (!t && !(t = task_get(run, ev->tid, ev->cpu)))
			return PW_ENOMEM;
		if (in)
			t->migrations++;
		return 0;
	case PW_EV_TASK:
	case PW_EV_EXEC:
		if (ev->tid == 0)
			return 0;
		if (!t && !(t = task_get(run, ev->tid, ev->cpu)))
			return PW_ENOMEM;
		if (ev->kind == PW_EV_EXEC)
			run->q.exec++;
		set_pid(run, t, ev->task.pid);
		t->st.name_id = ev->task.name;
		return 0;
	case PW_EV_FORK:
		if (ev->fk.child_tid == 0)
			return 0;
		if (!(t = task_get(run, ev->fk.child_tid, ev->cpu)))
			return PW_ENOMEM;
		set_pid(run, t, ev->fk.child_pid);
		if (t->st.name_id == NO_NAME)
			t->st.name_id = ev->fk.child_name;
		return 0;
	default:	// the kinds on_event handles do not come here
		return 0;
	}
}

// One event. Tasks are made in the order the events name them (the event's
// task, then a switch's next, a fork's child): t->index, and so merging
// and the heatmaps' ids, depend on it. The common kinds are handled here
// with their counters, the others by on_other.
PW_HOT int on_event(struct pw_an_run *run, int series, int whole,
		    const struct pw_event *ev, uint64_t ws, uint64_t we)
{
	int in = inside(whole, ws, we, ev->time);
	struct pw_an_task *t = NULL;

	if (__builtin_expect(!in, 0)) {
		if (ev->time < ws)
			run->q.before_window++;
		else
			run->q.after_window++;
	}
	// the common kinds first, tested in turn (cheaper than a jump table)
	unsigned kind = ev->kind;
	if (kind == PW_EV_SWITCH)
		return on_switch(run, series, whole, ev, in, ws, we);
	if (kind == PW_EV_KVM_EXIT || kind == PW_EV_KVM_ENTRY) {
		if (!(t = task_on(run, ev->tid, ev->cpu)))
			return PW_ENOMEM;
		if (in) {
			run->events[kind]++;
			t->events++;
		}
		return kind == PW_EV_KVM_EXIT ? on_kvm_exit(run, whole, ev, in, t, ws, we)
					      : on_kvm_entry(run, whole, ev, t, ws, we);
	}
	if (kind == PW_EV_WAKEUP || kind == PW_EV_WAKEUP_NEW) {
		if (in) {
			run->events[kind]++;
			if (!(t = task_get(run, ev->tid, ev->cpu)))
				return PW_ENOMEM;
			t->events++;
		}
		return on_wakeup(run, ev, t);
	}
	return on_other(run, ev, in);
}

// The events from *evp on, until the reader's end, an error, or (whole) an
// event out of time order. Returns the reader's last answer (0 at the end,
// or its error), 1 when out of memory, 2 when an event (left in *evp, not
// handled) broke the time order.
PW_HOT int read_events(struct pw_an_run *run, int series, int whole,
		       const struct pw_event **evp)
{
	struct an_priv *p = run->priv;
	struct pw_cursor *cur = &p->cur;
	const struct pw_event *ev = *evp;
	const struct pw_an_opts *opts = p->o;
	const uint64_t ws = run->win_start, we = run->win_end;
	uint64_t nread = run->events_read, last = run->last_ns;
	int n;

	do {
		if (whole) {	// in order: the latest time is this one
			if (ev->time < last) {
				n = 2;
				break;
			}
			last = ev->time;
		} else if (ev->time > last) {
			last = ev->time;
		}
		if (on_event(run, series, whole, ev, ws, we)) {
			n = 1;
			break;
		}
		if (!(++nread & (PROGRESS_EVERY - 1)) && opts->progress)
			opts->progress(opts->ctx, nread, 0);
		if (__builtin_expect(cur->i == cur->n, 0) && opts->batch && cur->n)
			opts->batch(opts->batch_ctx, run, cur->v, cur->n);	// all handled
	} while ((n = pw_cursor_next(cur, &ev)) > 0);
	*evp = ev;
	run->events_read = nread + (n == 1);	// the one handled when out of memory
	run->last_ns = last;
	return n;
}

// the four copies
static int read_events_00(struct pw_an_run *run, const struct pw_event **ev)
{
	return read_events(run, 0, 0, ev);
}

static int read_events_01(struct pw_an_run *run, const struct pw_event **ev)
{
	return read_events(run, 0, 1, ev);
}

static int read_events_10(struct pw_an_run *run, const struct pw_event **ev)
{
	return read_events(run, 1, 0, ev);
}

static int read_events_11(struct pw_an_run *run, const struct pw_event **ev)
{
	return read_events(run, 1, 1, ev);
}

// Every event after the first (in *ev): the copy that fits, then the
// general one after an event out of order. 0, a reader error, or 1 when
// out of memory.
static int read_all(struct pw_an_run *run, const struct pw_event **ev)
{
	struct an_priv *p = run->priv;
	int series = p->max_bins != 0;
	int n = 2;

	if (!p->o->from_ns && !p->o->cap_ns)
		n = series ? read_events_11(run, ev) : read_events_01(run, ev);
	if (n == 2)
		n = series ? read_events_10(run, ev) : read_events_00(run, ev);
	return n;
}

/* ---- finishing --------------------------------------------------------- */

// The totals the pass keeps per task x cpu entry only: a task's runtime,
// switches and sched-ins, a cpu's busy (idle) time and switches.
static void sum_entries(struct pw_an_run *run)
{
	struct an_priv *p = run->priv;

	for (size_t i = 0; i < p->nr_all; i++) {
		struct pw_an_task *t = p->all[i];
		for (size_t k = 0; k < t->nr_cpus; k++) {
			const struct pw_an_task_cpu *tc = &t->cpus[k];
			struct pw_an_cpu *c = &run->cpus[tc->cpu];	// every entry's
									// cpu has a slot
			t->runtime_ns += tc->runtime_ns;
			t->switches += tc->switches;
			t->sched_in += tc->sched_in;
			if (t->tid == 0)
				c->idle_ns += tc->runtime_ns;
			else
				c->busy_ns += tc->runtime_ns;
			c->switches += tc->switches;
		}
	}
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char **dup_strv(char **v, size_t n)
{
	if (!v || !n)
		return NULL;
	char **d = calloc(n, sizeof(*d));
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++)
		d[i] = xstrdup(v[i]);
	return d;
}

static void copy_meta(struct pw_meta *d, const struct pw_meta *s)
{
	memset(d, 0, sizeof(*d));
	if (!s)
		return;
	d->perfwhiz = xstrdup(s->perfwhiz);
	d->hostname = xstrdup(s->hostname);
	d->kernel = xstrdup(s->kernel);
	d->arch = xstrdup(s->arch);
	d->cpu_desc = xstrdup(s->cpu_desc);
	d->cpuid = xstrdup(s->cpuid);
	d->perf_version = xstrdup(s->perf_version);
	d->cmdline = xstrdup(s->cmdline);
	d->source = xstrdup(s->source);
	d->nr_cpus = s->nr_cpus;
	d->nr_cpus_avail = s->nr_cpus_avail;
	d->capture_time = s->capture_time;
	if ((d->tracepoints = dup_strv(s->tracepoints, s->nr_tracepoints)))
		d->nr_tracepoints = s->nr_tracepoints;
	if ((d->core_siblings = dup_strv(s->core_siblings, s->nr_core_siblings)))
		d->nr_core_siblings = s->nr_core_siblings;
	if ((d->thread_siblings = dup_strv(s->thread_siblings, s->nr_thread_siblings)))
		d->nr_thread_siblings = s->nr_thread_siblings;
	if (s->nr_extra && (d->extra = calloc(s->nr_extra, sizeof(*d->extra)))) {
		d->nr_extra = s->nr_extra;
		for (size_t i = 0; i < s->nr_extra; i++) {
			d->extra[i].key = xstrdup(s->extra[i].key);
			d->extra[i].value = xstrdup(s->extra[i].value);
		}
	}
}

char *pw_an_sys_name(const char *name, char *buf, size_t size)
{
	const char *slash = strchr(name, '/');
	size_t n = strlen(name);

	if (slash && slash > name) {
		const char *r = slash + 1;
		if ((r[0] >= '0' && r[0] <= '9') ||
		    (r[0] == 'u' && r[1] >= '0' && r[1] <= '9'))
			n = (size_t)(slash - name);
	}
	if (n >= size)
		n = size - 1;
	memcpy(buf, name, n);
	buf[n] = '\0';
	return buf;
}

static void merge_task(struct pw_an_run *run, struct pw_an_task *d,
		       struct pw_an_task *s)
{
	d->nr_merged += s->nr_merged;
	if (run->bin_rt)	// the series sum too
		for (uint32_t i = 0; i < run->nr_bins; i++) {
			PW_AN_BIN_RT(run, d, i) += PW_AN_BIN_RT(run, s, i);
			PW_AN_BIN_SW(run, d, i) += PW_AN_BIN_SW(run, s, i);
		}
	if (d->pid != s->pid)
		d->pid = -1;
	if (s->tid < d->tid)
		d->tid = s->tid;
	if (d->idle_cpu != s->idle_cpu)
		d->idle_cpu = -1;
	d->runtime_ns += s->runtime_ns;
	d->switches += s->switches;
	d->voluntary += s->voluntary;
	d->involuntary += s->involuntary;
	d->sched_in += s->sched_in;
	d->migrations += s->migrations;
	d->wait_ns += s->wait_ns;
	d->preempted_ns += s->preempted_ns;
	pw_hist_merge(&d->wait, &s->wait);
	d->events += s->events;
	d->successor_count += s->successor_count;
	d->kvm_exits += s->kvm_exits;
	d->host_ns += s->host_ns;
	d->guest_ns += s->guest_ns;
	for (size_t i = 0; i < s->nr_cpus; i++) {
		struct pw_an_task_cpu *c = task_cpu(d, s->cpus[i].cpu);
		if (!c)
			continue;
		c->runtime_ns += s->cpus[i].runtime_ns;
		c->switches += s->cpus[i].switches;
		c->sched_in += s->cpus[i].sched_in;
	}
	for (size_t i = 0; i < s->nr_reasons; i++) {
		struct pw_an_reason *sr = &s->reasons[i];
		struct pw_an_reason *r = task_reason(d, sr->isa, sr->reason);
		if (!r)
			continue;
		r->count += sr->count;
		r->host_ns += sr->host_ns;
		pw_hist_merge(&r->host, &sr->host);
	}
	s->merged_into = d;
}

static int cmp_task(const void *a, const void *b)
{
	const struct pw_an_task *x = *(struct pw_an_task *const *)a;
	const struct pw_an_task *y = *(struct pw_an_task *const *)b;

	if (x->runtime_ns != y->runtime_ns)
		return x->runtime_ns > y->runtime_ns ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	if (x->idle_cpu != y->idle_cpu)
		return x->idle_cpu < y->idle_cpu ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_tcpu(const void *a, const void *b)
{
	const struct pw_an_task_cpu *x = a, *y = b;
	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

static int cmp_reason(const void *a, const void *b)
{
	const struct pw_an_reason *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

// Names, merging, sorting: the tasks become final.
static int finish_tasks(struct pw_an_run *run)
{
	struct an_priv *p = run->priv;
	const struct pw_an_opts *o = p->o;
	char buf[PW_NAME_MAX + 32];
	unsigned char *folded = calloc(p->nr_all ? p->nr_all : 1, 1);

	if (!folded)
		return PW_ENOMEM;
	for (size_t i = 0; i < p->nr_all; i++) {
		struct pw_an_task *t = p->all[i];
		const char *comm = t->st.name_id != NO_NAME
					   ? pw_reader_string(p->r, t->st.name_id) : NULL;
		const char *mapped = o->map ? pw_map_name(o->map, t->tid) : NULL;

		if (comm && !(t->comm = strdup(comm))) {
			free(folded);
			return PW_ENOMEM;
		}
		if (t->tid == 0)
			snprintf(buf, sizeof(buf), "swapper/%" PRId32, t->idle_cpu);
		else if (mapped)
			snprintf(buf, sizeof(buf), "%s", mapped);
		else if (comm)
			snprintf(buf, sizeof(buf), "%s", comm);
		else
			snprintf(buf, sizeof(buf), ":%" PRId32, t->tid);
		if (o->merge_sys_tasks) {
			char f[sizeof(buf)];
			pw_an_sys_name(buf, f, sizeof(f));
			folded[i] = strcmp(buf, f) != 0;
			memcpy(buf, f, sizeof(buf));
		}
		if (!(t->name = strdup(buf))) {
			free(folded);
			return PW_ENOMEM;
		}
		for (size_t k = 0; k < t->nr_reasons; k++) {
			struct pw_an_reason *r = &t->reasons[k];
			r->name = pw_kvm_reason_name(r->isa, r->reason, r->buf, sizeof(r->buf));
		}
	}

	// the visible tasks: every task, and with --merge-sys-tasks one per
	// folded name among the tasks whose name was folded (per-CPU kernel
	// threads): two unrelated threads that share a comm stay apart
	struct pw_an_task **v = calloc(p->nr_all ? p->nr_all : 1, sizeof(*v));
	size_t nv = 0;
	if (!v)
		return PW_ENOMEM;
	for (size_t i = 0; i < p->nr_all; i++) {
		struct pw_an_task *t = p->all[i];
		if (folded[i]) {
			size_t k;
			for (k = 0; k < nv; k++)
				if (folded[v[k]->index] && !strcmp(v[k]->name, t->name))
					break;
			if (k < nv) {
				merge_task(run, v[k], t);
				continue;
			}
		}
		v[nv++] = t;
	}
	free(folded);
	for (size_t i = 0; i < nv; i++) {
		struct pw_an_task *t = v[i];
		if (o->append_tid) {
			snprintf(buf, sizeof(buf), "%s:%" PRId32, t->name, t->tid);
			char *n = strdup(buf);
			if (!n) {
				free(v);
				return PW_ENOMEM;
			}
			free(t->name);
			t->name = n;
		}
		if (t->nr_cpus > 1)
			qsort(t->cpus, t->nr_cpus, sizeof(*t->cpus), cmp_tcpu);
		for (size_t k = 0; k < t->nr_reasons; k++) {	// merging may add
			struct pw_an_reason *r = &t->reasons[k];
			r->name = pw_kvm_reason_name(r->isa, r->reason, r->buf, sizeof(r->buf));
		}
		if (t->nr_reasons > 1)
			qsort(t->reasons, t->nr_reasons, sizeof(*t->reasons), cmp_reason);
		t->st.cpu_hint = t->st.reason_hint = 0;
		free(t->st.reason_ix);	// the sort moved the entries
		t->st.reason_ix = NULL;
		t->cpu_pct = run->covered_ns ? 100.0 * (double)t->runtime_ns /
						       (double)run->covered_ns : 0.0;
	}
	if (nv > 1)
		qsort(v, nv, sizeof(*v), cmp_task);
	run->tasks = v;
	run->nr_tasks = nv;
	return 0;
}

/* ---- the pass ---------------------------------------------------------- */

// open_reader: *fd stays open for the reader (closed by the caller after
// pw_reader_free), -1 on failure.
static int open_reader(struct pw_reader **r, int *fd, const char *path,
		       char *err, size_t errsize)
{
	*r = NULL;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		seterr(err, errsize, "cannot open '%s': %s", path, strerror(errno));
		return PW_EIO;
	}
	int e = pw_reader_open_fd(r, *fd, path);
	if (e) {
		if (*r)
			pw_reader_describe(*r, e, err, errsize);
		else
			seterr(err, errsize, "cannot read '%s': %s", path, pw_strerror(e));
		pw_reader_free(*r);
		*r = NULL;
		close(*fd);
		*fd = -1;
	}
	return e;
}

static int has_tp(const struct pw_meta *m, const char *name)
{
	for (size_t i = 0; m && i < m->nr_tracepoints; i++)
		if (m->tracepoints[i] && !strcmp(m->tracepoints[i], name))
			return 1;
	return 0;
}

static void free_priv(struct pw_an_run *run)
{
	struct an_priv *p = run->priv;

	if (!p)
		return;
	pw_reader_free(p->r);
	if (p->fd >= 0)
		close(p->fd);
	pw_tid_map_free(p->map);
	pw_trailer_release(&p->hint);
	// p->all has moved to run->all_tasks by now
	run->priv = NULL;
	free(p);
}

// The first bin width for a window from ws to the trailer's last event:
// one step short of the width bin_index() reaches by doubling from
// BIN_START_NS, as the last bin it is asked for is that of the last event or
// of the nanosecond before it (the slices still open end there; without a
// switch nothing is binned at all). Starting there gives the same bins, and
// spares the folds of every task's series on the way (at 4,096 tasks ten of
// them, 25 MB each).
static uint64_t first_bin_ns(uint64_t ws, uint64_t last, uint32_t max_bins)
{
	uint64_t b = BIN_START_NS, off = last > ws ? last - ws : 0;

	while (off / b >= max_bins)
		b *= 2;
	return b > BIN_START_NS ? b / 2 : b;
}

int pw_an_run_file(struct pw_an_run **out, const char *path,
		   const struct pw_an_opts *opts, char *err, size_t errsize)
{
	struct pw_an_run *run = calloc(1, sizeof(*run));
	struct an_priv *p = calloc(1, sizeof(*p));
	const struct pw_event *ev;
	int e, n;

	*out = NULL;
	if (!run || !p) {
		free(run);
		free(p);
		seterr(err, errsize, "out of memory");
		return PW_ENOMEM;
	}
	run->priv = p;
	p->fd = -1;
	p->o = opts;
	p->succ = opts->nr_succ_tids > 0;
	p->bin_lo = UINT64_MAX;
	if (!(p->map = calloc(1, sizeof(*p->map)))) {
		e = PW_ENOMEM;
		goto nomem;
	}
	p->max_bins = opts->max_bins > 1 ? opts->max_bins & ~1u : 0;
	if (!(run->file = strdup(path))) {
		e = PW_ENOMEM;
		goto nomem;
	}
	if ((e = open_reader(&p->r, &p->fd, path, err, errsize)))
		goto fail;
	const struct pw_meta *m = pw_reader_meta(p->r);
	copy_meta(&run->meta, m);
	p->use_waking = has_tp(m, "sched:sched_waking") && !has_tp(m, "sched:sched_wakeup");
	run->q.legacy = pw_reader_is_legacy(p->r);
	// a whole file's trailer says how many tasks to make room for (the
	// series grow by half again otherwise: copies of every task's) and
	// where the events end; it is held to the events at the end
	if (p->max_bins && !pw_reader_peek_trailer(p->r, &p->hint)) {
		p->hinted = 1;
		uint64_t room = p->hint.tasks + run->meta.nr_cpus;
		if (cols_grow(run, room < RESERVE_TASKS ? (size_t)room : RESERVE_TASKS))
			goto nomem;
	}
	run->win_end = UINT64_MAX;
	if (p->max_bins) {
		if (opts->cap_ns) {
			run->bin_ns = (opts->cap_ns + p->max_bins - 1) / p->max_bins;
			if (!run->bin_ns)
				run->bin_ns = 1;
			p->bins_fixed = 1;
		} else {
			run->bin_ns = BIN_START_NS;
		}
	}

	if (opts->batch && opts->batch_holds)	// none lent when it cannot be
		pw_reader_set_holds(p->r, opts->batch_holds);
	p->cur = (struct pw_cursor)PW_CURSOR_INIT(p->r);
	if ((n = pw_cursor_next(&p->cur, &ev)) > 0) {
		// the window is known from the first event on; the loop keeps
		// it and the counters in locals
		run->first_ns = ev->time;
		run->win_start = ev->time + opts->from_ns;
		if (p->hinted && !p->bins_fixed)
			run->bin_ns = first_bin_ns(run->win_start, p->hint.last_ns, p->max_bins);
		if (opts->cap_ns)	// saturated: a cap past 2^64 ns is no cap
			run->win_end = run->win_start + opts->cap_ns < run->win_start
					       ? UINT64_MAX : run->win_start + opts->cap_ns;
		n = read_all(run, &ev);
	}
	if (opts->batch)	// no more batches: whoever takes them is done
		opts->batch(opts->batch_ctx, run, NULL, 0);
	if (n > 0)
		goto nomem;
	if (n == PW_ETRUNC) {
		run->q.truncated = 1;
	} else if (n < 0) {
		e = n;
		pw_reader_describe(p->r, n, err, errsize);
		goto fail;
	}
	if (!run->events_read) {
		seterr(err, errsize, "no events in '%s'", path);
		e = PW_EEMPTY;
		goto fail;
	}
	// what a peek at the trailer gave (pw_an_span, the heatmaps' window)
	// must be what the events say
	const struct pw_trailer *tr = pw_reader_trailer(p->r);
	if (tr && (tr->first_ns != run->first_ns || tr->last_ns != run->last_ns)) {
		seterr(err, errsize, "corrupt input '%s': its trailer has the events from %"
		       PRIu64 " to %" PRIu64 " ns, they run from %" PRIu64 " to %" PRIu64,
		       path, tr->first_ns, tr->last_ns, run->first_ns, run->last_ns);
		e = PW_ECORRUPT;
		goto fail;
	}
	// and so must the one peeked here (the first bin width came from it):
	// a tail that passes for a trailer but is not the one the reader
	// reached, or a file changed since, would have given other bins
	if (p->hinted && (p->hint.first_ns != run->first_ns || p->hint.last_ns != run->last_ns)) {
		seterr(err, errsize, "corrupt input '%s': its end says its events run from %"
		       PRIu64 " to %" PRIu64 " ns, they run from %" PRIu64 " to %" PRIu64
		       " (or it changed while it was read)", path, p->hint.first_ns,
		       p->hint.last_ns, run->first_ns, run->last_ns);
		e = PW_ECORRUPT;
		goto fail;
	}
	if (run->win_start > run->last_ns ||
	    (opts->from_ns && run->win_start >= run->last_ns)) {
		seterr(err, errsize,
		       "--from %.3f ms is beyond the capture '%s' (%.3f ms long)",
		       (double)opts->from_ns / 1e6, path,
		       (double)(run->last_ns - run->first_ns) / 1e6);
		e = PW_EINVAL;
		goto fail;
	}

	// the window's end: the cap, or the data's end when it comes first
	uint64_t end = run->last_ns;
	if (opts->cap_ns && run->win_end < end)
		end = run->win_end;
	run->window_ns = opts->cap_ns ? opts->cap_ns : end - run->win_start;
	run->covered_ns = end - run->win_start;
	run->scale = run->covered_ns && run->window_ns > run->covered_ns
			     ? (double)run->window_ns / (double)run->covered_ns : 1.0;
	run->win_end = end;

	// close what is still open at the window's end
	for (size_t c = 0; c < run->nr_cpu_slots; c++) {
		struct pw_an_cpu *cs = &run->cpus[c];
		if (!cs->cur)
			continue;
		if (cs->since < end)
			run->q.clipped_end++;
		struct pw_an_task_cpu *tc;
		if (add_slice(run, p->max_bins != 0, 0, cs->cur, cs, cs->since, end,
			      run->win_start, end, &tc))
			goto nomem;
	}
	for (size_t i = 0; i < p->nr_all; i++) {
		struct pw_an_task *t = p->all[i];
		if (t->st.preempt)
			t->preempted_ns += clip(run->win_start, end, t->st.preempt, end);
		if (t->st.kvm == 2 && in_window(run->win_start, end, t->st.kvm_t))
			run->q.kvm_exit_without_entry++;
	}

	// nothing binned (no switch): the width was never used, and is the
	// first one whatever the trailer said
	if (!p->bins_fixed && !run->nr_bins && p->max_bins)
		run->bin_ns = BIN_START_NS;
	sum_entries(run);

	if (tr && tr->nr_stats) {
		run->stats = calloc(tr->nr_stats, sizeof(*run->stats));
		if (!run->stats)
			goto nomem;
		run->nr_stats = tr->nr_stats;
		for (size_t i = 0; i < tr->nr_stats; i++) {
			run->stats[i].group = xstrdup(tr->stats[i].group);
			run->stats[i].name = xstrdup(tr->stats[i].name);
			run->stats[i].value = tr->stats[i].value;
			if (tr->stats[i].group && !strcmp(tr->stats[i].group, "invalid"))
				run->q.failed_validation += tr->stats[i].value;
		}
	}
	run->q.legacy_skipped = pw_reader_skipped(p->r);
	run->nr_cpus = run->meta.nr_cpus;
	if (run->nr_cpus < run->nr_cpu_slots)
		run->nr_cpus = (uint32_t)run->nr_cpu_slots;
	if (finish_tasks(run))
		goto nomem;
	run->all_tasks = p->all;
	run->nr_all_tasks = p->nr_all;
	p->all = NULL;
	free_priv(run);
	*out = run;
	return 0;

nomem:
	e = PW_ENOMEM;
	seterr(err, errsize, "out of memory reading '%s'", path);
fail:
	run->all_tasks = p->all;
	run->nr_all_tasks = p->nr_all;
	p->all = NULL;
	free_priv(run);
	pw_an_run_free(run);
	return e;
}

static void task_free(struct pw_an_task *t)
{
	free(t->name);
	free(t->comm);
	free(t->cpus);
	for (size_t i = 0; i < t->nr_reasons; i++)
		pw_hist_release(&t->reasons[i].host);
	free(t->reasons);
	free(t->st.reason_ix);
	pw_hist_release(&t->wait);
	free(t);
}

void pw_an_run_free(struct pw_an_run *run)
{
	if (!run)
		return;
	free_priv(run);
	for (size_t i = 0; i < run->nr_all_tasks; i++)
		task_free(run->all_tasks[i]);
	free(run->all_tasks);
	free(run->tasks);
	for (size_t i = 0; i < run->nr_cpu_slots; i++)
		free(run->cpus[i].bin_busy);
	free(run->cpus);
	free(run->bin_rt);
	free(run->bin_sw);
	for (size_t i = 0; i < run->nr_stats; i++) {
		free(run->stats[i].group);
		free(run->stats[i].name);
	}
	free(run->stats);
	pw_meta_release(&run->meta);
	free(run->file);
	free(run->name);
	free(run);
}

/* ---- replay (replay.h) ------------------------------------------------- */

int pw_rp_use_waking(const struct pw_meta *m)
{
	return has_tp(m, "sched:sched_waking") && !has_tp(m, "sched:sched_wakeup");
}

int pw_rp_open(struct pw_replay *x, const struct pw_an_run *run,
	       const unsigned char *full, char *err, size_t errsize)
{
	memset(x, 0, sizeof(*x));
	x->fd = -1;
	x->run = run;
	x->full = full;
	x->ncpu = (uint32_t)run->nr_cpu_slots;
	x->use_waking = pw_rp_use_waking(&run->meta);
	x->map = calloc(1, sizeof(*x->map));
	x->st = calloc(run->nr_all_tasks ? run->nr_all_tasks : 1, sizeof(*x->st));
	x->cpus = calloc(x->ncpu ? x->ncpu : 1, sizeof(*x->cpus));
	x->idle = calloc(x->ncpu ? x->ncpu : 1, sizeof(*x->idle));
	if (!x->map || !x->st || !x->cpus || !x->idle)
		goto nomem;
	for (uint32_t c = 0; c < x->ncpu; c++)
		x->idle[c] = run->cpus[c].idle;
	// tids as the trace has them (merging changed some tasks' tid)
	for (size_t i = 0; i < run->nr_all_tasks; i++) {
		struct pw_an_task *t = run->all_tasks[i];
		x->st[i].on_cpu = -1;
		if (t->trace_tid && pw_tid_map_put(x->map, t->trace_tid, t))
			goto nomem;
	}
	return open_reader(&x->r, &x->fd, run->file, err, errsize);
nomem:
	seterr(err, errsize, "out of memory reading '%s'", run->file);
	return PW_ENOMEM;
}

int pw_rp_changed(struct pw_replay *x, char *err, size_t errsize)
{
	seterr(err, errsize, "'%s' changed while it was read", x->run->file);
	return PW_EINVAL;
}

int pw_rp_check(struct pw_replay *x, int n, char *err, size_t errsize)
{
	if (n < 0 && n != PW_ETRUNC) {
		pw_reader_describe(x->r, n, err, errsize);
		return n;
	}
	if (x->nread != x->run->events_read || x->last != x->run->last_ns)
		return pw_rp_changed(x, err, errsize);
	return 0;
}

void pw_rp_close(struct pw_replay *x)
{
	pw_reader_free(x->r);
	if (x->fd >= 0)
		close(x->fd);
	pw_tid_map_free(x->map);
	free(x->st);
	free(x->cpus);
	free(x->idle);
	memset(x, 0, sizeof(*x));
	x->fd = -1;
}

int pw_an_span(const char *path, uint64_t *first, uint64_t *last, char *err,
	       size_t errsize)
{
	struct pw_reader *r;
	const struct pw_event *v;
	uint64_t nev = 0;
	size_t nb;
	int n, e, fd;

	*first = *last = 0;
	if ((e = open_reader(&r, &fd, path, err, errsize)))
		return e;
	// a whole file says it in its trailer: no need to read the events
	// (pw_an_run_file holds the trailer to the events it reads)
	struct pw_trailer tr;
	if (!pw_reader_peek_trailer(r, &tr)) {
		pw_reader_free(r);
		close(fd);
		*first = tr.first_ns;
		*last = tr.last_ns;
		nev = tr.rows;
		pw_trailer_release(&tr);
		if (!nev) {
			seterr(err, errsize, "no events in '%s'", path);
			return PW_EEMPTY;
		}
		return 0;
	}
	while ((n = pw_reader_next_batch(r, &v, &nb)) > 0)
		for (size_t i = 0; i < nb; i++) {
			if (!nev++)
				*first = v[i].time;
			if (v[i].time > *last)
				*last = v[i].time;
		}
	if (n < 0 && n != PW_ETRUNC) {
		pw_reader_describe(r, n, err, errsize);
		pw_reader_free(r);
		close(fd);
		return n;
	}
	pw_reader_free(r);
	close(fd);
	if (!nev) {
		seterr(err, errsize, "no events in '%s'", path);
		return PW_EEMPTY;
	}
	return 0;
}

/* ---- during the pass (opts.batch) --------------------------------------- */

int pw_an_batch_hold(struct pw_an_run *run)
{
	struct an_priv *p = run->priv;

	return p && p->r ? pw_reader_hold(p->r) : -1;
}

void pw_an_batch_release(const struct pw_an_run *run, int token)
{
	struct an_priv *p = run->priv;

	if (p && p->r)
		pw_reader_release(p->r, token);
}

struct pw_an_task *const *pw_an_live_tasks(const struct pw_an_run *run, size_t *n)
{
	const struct an_priv *p = run->priv;

	*n = p ? p->nr_all : run->nr_all_tasks;
	return p ? p->all : run->all_tasks;
}

uint64_t pw_an_live_bin_ns(const struct pw_an_run *run, uint64_t last_ns)
{
	const struct an_priv *p = run->priv;
	uint64_t b = run->bin_ns;

	if (!p || !p->max_bins || p->bins_fixed || !b)
		return b;
	uint64_t off = last_ns > run->win_start ? last_ns - run->win_start : 0;
	while (off / b >= p->max_bins)	// as bin_index doubles it
		b *= 2;
	return b;
}

/* ---- names of runs ----------------------------------------------------- */

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

int pw_an_short_names(struct pw_an_run **runs, size_t n)
{
	char **full = calloc(n ? n : 1, sizeof(*full));
	int e = 0;

	if (!full)
		return PW_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *f = runs[i]->file;
		size_t len = strlen(f);
		if (len > 6 && !strcmp(f + len - 6, ".cdict"))
			len -= 6;
		if (n == 1) {		// one run: its base name
			const char *b = memrchr(f, '/', len);
			b = b ? b + 1 : f;
			len -= (size_t)(b - f);
			f = b;
		}
		if (!(full[i] = strndup(f, len))) {
			e = PW_ENOMEM;
			goto out;
		}
	}
	// common head and tail, never cutting through a digit (perfmap.py)
	size_t head = n ? strlen(full[0]) : 0, tail = head;
	for (size_t i = 1; i < n; i++) {
		size_t len = strlen(full[i]), l0 = strlen(full[0]);
		size_t max = len < head ? len : head, k;
		for (k = 0; k < max; k++)
			if (full[i][k] != full[0][k] || isdig(full[i][k]))
				break;
		if (k < max)
			head = k;
		max = len < tail ? len : tail;
		for (k = 0; k < max; k++) {
			char c = full[i][len - 1 - k];
			if (c != full[0][l0 - 1 - k] || isdig(c))
				break;
		}
		if (k < max)
			tail = k;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(full[i]);
		char *s;
		if (n > 1 && head + tail < len)
			s = strndup(full[i] + head, len - head - tail);
		else
			s = strdup(full[i]);
		if (!s) {
			e = PW_ENOMEM;
			goto out;
		}
		free(runs[i]->name);
		runs[i]->name = s;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(full[i]);
	free(full);
	return e;
}

/* ---- selection --------------------------------------------------------- */

struct pw_an_select {
	int by_tid;
	int32_t tid;
	regex_t re;
};

int pw_an_select_new(struct pw_an_select **out, const char *spec, char *err,
		     size_t errsize)
{
	struct pw_an_select *s = calloc(1, sizeof(*s));
	const char *q = spec;

	*out = NULL;
	if (!s)
		return PW_ENOMEM;
	while (isdig(*q))
		q++;
	if (*spec && !*q && q - spec < 11) {
		long long v = strtoll(spec, NULL, 10);
		if (v <= INT32_MAX) {
			s->by_tid = 1;
			s->tid = (int32_t)v;
			*out = s;
			return 0;
		}
	}
	char *pat = malloc(strlen(spec) + 2);
	if (!pat) {
		free(s);
		return PW_ENOMEM;
	}
	// "*vcpu0" was a common mistake for ".*vcpu0": read it so (perfmap.py)
	sprintf(pat, "%s%s", spec[0] == '*' ? "." : "", spec);
	int rc = regcomp(&s->re, pat, REG_EXTENDED);
	free(pat);
	if (rc) {
		char msg[256];
		regerror(rc, &s->re, msg, sizeof(msg));
		seterr(err, errsize, "%s", msg);
		free(s);
		return PW_EINVAL;
	}
	*out = s;
	return 0;
}

int pw_an_select_match(const struct pw_an_select *s, const struct pw_an_task *t)
{
	regmatch_t m;

	if (s->by_tid)
		return t->tid == s->tid;
	// POSIX leftmost matching: a match at 0 exists iff the first one is there
	return !regexec(&s->re, t->name, 1, &m, 0) && m.rm_so == 0;
}

void pw_an_select_free(struct pw_an_select *s)
{
	if (!s)
		return;
	if (!s->by_tid)
		regfree(&s->re);
	free(s);
}

size_t pw_an_select(struct pw_an_run *run, const struct pw_an_select *s)
{
	size_t n = 0;

	for (size_t i = 0; i < run->nr_tasks; i++) {
		run->tasks[i]->selected = !s || pw_an_select_match(s, run->tasks[i]);
		n += run->tasks[i]->selected ? 1 : 0;
	}
	return n;
}

struct pw_an_task *pw_an_find(const struct pw_an_run *run, const char *name)
{
	for (size_t i = 0; i < run->nr_tasks; i++)
		if (!strcmp(run->tasks[i]->name, name))
			return run->tasks[i];
	return NULL;
}

const struct pw_an_reason *pw_an_reason_find(const struct pw_an_task *t,
					     const char *name)
{
	for (size_t i = 0; i < t->nr_reasons; i++)
		if (!strcmp(t->reasons[i].name, name))
			return &t->reasons[i];
	return NULL;
}
