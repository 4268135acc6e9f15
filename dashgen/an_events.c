// SPDX-License-Identifier: Apache-2.0
// an_events.c: the per-event half of the analysis pass: tasks, cpus, bins, handlers, the loop.
//
// The event loop (read_events) is THE hot path of perfwhiz-dash: its
// handlers are PW_HOT, inlined into each copy of the loop with the small
// lookups; what the pass seldom needs (a new task, cpu, reason or bin) is
// out of line.
#include <stdlib.h>
#include <string.h>

#include "an_int.h"
#include "pw_compiler.h"
#include "pw_error.h"
#include "pw_stats.h"

#define PROGRESS_EVERY 65536		// events between opts.progress calls (2^k)
#define REASON_IX 128			// reasons below this code get a slot in
					// a task's reason_ix
#define HIX_MIN 8			// entries a task's cpus (reasons) have
					// before they get a hash

/* ---- limits ------------------------------------------------------------ */

// A limit of analysis.h passed: said once the pass stops (pw_an_run_file).
// Returns NULL, for the caller's failure.
static void *over(struct an_priv *p, const char *what)
{
	if (!p->over)
		p->over = what;
	return NULL;
}

// The series' bytes with room for cap tasks and cpus busy series.
static uint64_t series_bytes(const struct an_priv *p, size_t cap, size_t cpus)
{
	return (uint64_t)p->max_bins *
	       ((uint64_t)cap * (sizeof(uint64_t) + sizeof(uint32_t)) + cpus * sizeof(uint64_t));
}

static void cols_fold(struct pw_an_run *run, uint32_t half);

// The series' bins halved (every series alike, as bin_index() does when
// the time grows) while, with room for cap tasks and cpus busy series,
// they would pass PW_AN_SERIES_BYTES: what a file of many tasks costs
// stays bounded, at a coarser time resolution.
static void series_fit(struct pw_an_run *run, size_t cap, size_t cpus)
{
	struct an_priv *p = run->priv;

	while (p->max_bins > PW_AN_SERIES_MIN_BINS &&
	       series_bytes(p, cap, cpus) > PW_AN_SERIES_BYTES) {
		uint32_t half = p->max_bins / 2;

		if (run->bin_stride)
			cols_fold(run, half);
		for (size_t i = 0; i < run->nr_cpu_slots; i++) {
			uint64_t *b = run->cpus[i].bin_busy;
			if (!b)
				continue;
			for (uint32_t k = 0; k < half; k++)	// (fold_u64 but the
				b[k] = b[2 * k] + b[2 * k + 1];	// second half given back)
			if ((b = realloc(b, half * sizeof(*b))))
				run->cpus[i].bin_busy = b;
		}
		run->bin_ns *= 2;
		run->nr_bins = (run->nr_bins + 1) / 2;
		p->bin_lo = UINT64_MAX;
		p->max_bins = half;
	}
}

// Open addressing for a task's cpus and reasons: a key's first slot.
static inline uint32_t hix_home(uint64_t key, uint32_t cap)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

/* ---- tasks and cpus ---------------------------------------------------- */

// A new task (and its state: an_int.h), last of p->all. NULL on
// allocation failure.
static struct pw_an_task *task_new(struct pw_an_run *run, int32_t tid)
{
	struct an_priv *p = run->priv;
	struct an_task *at = calloc(1, sizeof(*at));

	if (!at)
		return NULL;
	if (p->nr_all >= PW_AN_TASKS_MAX) {
		free(at);
		return over(p, "tasks");
	}
	struct pw_an_task *t = &at->pub;
	if (p->nr_all == p->cap_all) {
		size_t n = p->cap_all ? 2 * p->cap_all : 256;
		struct pw_an_task **a = realloc(p->all, n * sizeof(*a));
		if (!a) {
			free(at);
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
	at->st.on_cpu = -1;
	at->st.name_id = AN_NO_NAME;
	if (p->max_bins && p->nr_all == run->bin_stride) {
		size_t cap = run->bin_stride ? run->bin_stride + run->bin_stride / 2 : 64;

		series_fit(run, cap, p->busy_cpus);
		if (an_cols_grow(run, cap)) {
			free(at);
			return NULL;
		}
	}
	p->all[p->nr_all++] = t;
	return t;
}

// The slot of a cpu (< PW_MAX_CPUS, as the reader holds them), made on
// first use with its busy series; the array grows by doubling, and may
// move. NULL for a negative cpu or on allocation failure.
static struct pw_an_cpu *cpu_slot(struct pw_an_run *run, int32_t cpu)
{
	struct an_priv *p = run->priv;

	if (cpu < 0)
		return NULL;
	if ((size_t)cpu >= run->nr_cpu_slots) {
		size_t n = (size_t)cpu + 1, cap = p->cap_cpu_slots ? p->cap_cpu_slots : 64;
		while (cap < n)
			cap *= 2;
		if (cap > p->cap_cpu_slots) {
			struct pw_an_cpu *c = realloc(run->cpus, cap * sizeof(*c));
			if (!c)
				return NULL;
			run->cpus = c;
			p->cap_cpu_slots = cap;
		}
		struct pw_an_cpu *c = run->cpus;
		memset(c + run->nr_cpu_slots, 0, (n - run->nr_cpu_slots) * sizeof(*c));
		for (size_t i = run->nr_cpu_slots; i < n; i++)
			c[i].cpu = (int32_t)i;
		run->nr_cpu_slots = n;
	}
	struct pw_an_cpu *c = &run->cpus[cpu];
	if (p->max_bins && !c->bin_busy) {
		series_fit(run, run->bin_stride, p->busy_cpus + 1);
		c->bin_busy = calloc(p->max_bins, sizeof(*c->bin_busy));
		if (!c->bin_busy)
			return NULL;
		p->busy_cpus++;
	}
	return c;
}

// cpu_slot, its common case (the slot and its series exist) inline
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

// room for one entry more in an array of n entries of size bytes that has
// room for *cap: doubled when full, the new entry zeroed. 0, or -1 (v
// unchanged) when out of memory.
static int room_for_one(void **v, size_t n, uint32_t *cap, size_t size)
{
	if (n == *cap) {
		uint32_t c = *cap ? 2 * *cap : 4;
		char *a = realloc(*v, (size_t)c * size);
		if (!a)
			return -1;
		*v = a;
		*cap = c;
	}
	memset((char *)*v + n * size, 0, size);
	return 0;
}

// the slot of cpu in t's hash: its entry's, or the empty one where it goes
static uint32_t *cpu_hix_slot(const struct pw_an_task *t, const struct an_task_state *st,
			      int32_t cpu)
{
	uint32_t j = hix_home((uint32_t)cpu, st->cap_cpu_hix);

	while (st->cpu_hix[j] && t->cpus[st->cpu_hix[j] - 1].cpu != cpu)
		j = (j + 1) & (st->cap_cpu_hix - 1);
	return &st->cpu_hix[j];
}

// t's hash of cpus, made anew for twice as many (0, or -1 out of memory)
static int cpu_hix_grow(struct pw_an_task *t, struct an_task_state *st)
{
	uint32_t cap = st->cap_cpu_hix ? 2 * st->cap_cpu_hix : 4 * HIX_MIN;
	uint32_t *ix = calloc(cap, sizeof(*ix));

	if (!ix)
		return -1;
	free(st->cpu_hix);
	st->cpu_hix = ix;
	st->cap_cpu_hix = cap;
	for (size_t i = 0; i < t->nr_cpus; i++)
		*cpu_hix_slot(t, st, t->cpus[i].cpu) = (uint32_t)i + 1;
	return 0;
}

// task_cpu's search (a few entries) or hash lookup, then a new entry
static struct pw_an_task_cpu *task_cpu_slow(struct pw_an_task *t, int32_t cpu)
{
	struct an_task_state *st = an_st(t);
	size_t i;

	if (st->cpu_hix) {
		uint32_t *slot = cpu_hix_slot(t, st, cpu);
		if (*slot) {
			st->cpu_hint = *slot - 1;
			return &t->cpus[*slot - 1];
		}
	} else {
		for (i = 0; i < t->nr_cpus; i++)
			if (t->cpus[i].cpu == cpu) {
				st->cpu_hint = i;
				return &t->cpus[i];
			}
	}
	if (room_for_one((void **)&t->cpus, t->nr_cpus, &st->cap_cpus, sizeof(*t->cpus)))
		return NULL;
	i = t->nr_cpus++;
	t->cpus[i].cpu = cpu;
	st->cpu_hint = i;
	if (t->nr_cpus > HIX_MIN) {
		if (2 * t->nr_cpus > st->cap_cpu_hix) {
			if (cpu_hix_grow(t, st)) {
				t->nr_cpus--;
				return NULL;
			}
		} else {
			*cpu_hix_slot(t, st, cpu) = (uint32_t)i + 1;
		}
	}
	return &t->cpus[i];
}

// The entry of t on cpu: the last one used first (a task switches out
// where it switched in, and migrates seldom).
static inline struct pw_an_task_cpu *task_cpu(struct pw_an_task *t, int32_t cpu)
{
	size_t h = an_st(t)->cpu_hint;

	if (h < t->nr_cpus && t->cpus[h].cpu == cpu)
		return &t->cpus[h];
	return task_cpu_slow(t, cpu);
}

// the key of a reason in the hashes: isa is SVM, and the reason
static inline uint64_t reason_key(uint32_t isa, uint32_t reason)
{
	return (uint64_t)(isa == PW_ISA_SVM) << 32 | reason;
}

// the slot of a reason (>= REASON_IX) in t's hash
static uint32_t *reason_hix_slot(const struct pw_an_task *t, const struct an_task_state *st,
				 uint32_t isa, uint32_t reason)
{
	uint32_t j = hix_home(reason_key(isa, reason), st->cap_reason_hix);

	while (st->reason_hix[j] && (t->reasons[st->reason_hix[j] - 1].isa != isa ||
				     t->reasons[st->reason_hix[j] - 1].reason != reason))
		j = (j + 1) & (st->cap_reason_hix - 1);
	return &st->reason_hix[j];
}

// t's hash of reasons (>= REASON_IX), made anew for twice as many
static int reason_hix_grow(struct pw_an_task *t, struct an_task_state *st)
{
	uint32_t cap = st->cap_reason_hix ? 2 * st->cap_reason_hix : 4 * HIX_MIN;
	uint32_t *ix = calloc(cap, sizeof(*ix));

	if (!ix)
		return -1;
	free(st->reason_hix);
	st->reason_hix = ix;
	st->cap_reason_hix = cap;
	for (size_t i = 0; i < t->nr_reasons; i++)
		if (t->reasons[i].reason >= REASON_IX)
			*reason_hix_slot(t, st, t->reasons[i].isa, t->reasons[i].reason) =
				(uint32_t)i + 1;
	return 0;
}

// A reason the run has not had yet joins its set, unless that would pass
// PW_AN_REASONS_MAX. 0, or -1 (p->over set, or out of memory).
static int run_reason(struct an_priv *p, uint32_t isa, uint32_t reason)
{
	uint64_t key = reason_key(isa, reason) + 1;	// 0: an empty slot
	uint32_t j;

	if (p->cap_reasons) {
		for (j = hix_home(key, p->cap_reasons); p->reasons[j];
		     j = (j + 1) & (p->cap_reasons - 1))
			if (p->reasons[j] == key)
				return 0;
	}
	if (p->nr_reasons == PW_AN_REASONS_MAX) {
		over(p, "reasons");
		return -1;
	}
	if (2 * (p->nr_reasons + 1) > p->cap_reasons) {
		uint32_t cap = p->cap_reasons ? 2 * p->cap_reasons : 64;
		uint64_t *v = calloc(cap, sizeof(*v));
		if (!v)
			return -1;
		for (uint32_t i = 0; i < p->cap_reasons; i++) {
			if (!p->reasons[i])
				continue;
			for (j = hix_home(p->reasons[i], cap); v[j]; j = (j + 1) & (cap - 1))
				;
			v[j] = p->reasons[i];
		}
		free(p->reasons);
		p->reasons = v;
		p->cap_reasons = cap;
	}
	for (j = hix_home(key, p->cap_reasons); p->reasons[j]; j = (j + 1) & (p->cap_reasons - 1))
		;
	p->reasons[j] = key;
	p->nr_reasons++;
	return 0;
}

// task_reason's lookup (the index table for codes below REASON_IX, a
// search of a few entries or the hash for the others), then a new entry
// (indexed). run NULL: merging, no new reason for the run.
static struct pw_an_reason *task_reason_slow(struct pw_an_run *run, struct pw_an_task *t,
					     uint32_t isa, uint32_t reason)
{
	struct an_task_state *st = an_st(t);

	if (reason >= REASON_IX && st->reason_hix) {
		uint32_t *slot = reason_hix_slot(t, st, isa, reason);
		if (*slot)
			return &t->reasons[*slot - 1];
	} else if (reason >= REASON_IX || !st->reason_ix) {
		// (below REASON_IX the index table holds them all once made)
		for (size_t i = 0; i < t->nr_reasons; i++)
			if (t->reasons[i].isa == isa && t->reasons[i].reason == reason)
				return &t->reasons[i];
	}
	if (run && run_reason(run->priv, isa, reason))
		return NULL;
	if (room_for_one((void **)&t->reasons, t->nr_reasons, &st->cap_reasons,
			 sizeof(*t->reasons)))
		return NULL;
	struct pw_an_reason *r = &t->reasons[t->nr_reasons++];
	r->isa = isa;
	r->reason = reason;
	if (reason >= REASON_IX) {
		size_t n = 0;	// the reasons the hash would hold
		for (size_t i = 0; !st->reason_hix && i < t->nr_reasons; i++)
			n += t->reasons[i].reason >= REASON_IX;
		if (st->reason_hix && 2 * t->nr_reasons <= st->cap_reason_hix)
			*reason_hix_slot(t, st, isa, reason) = (uint32_t)t->nr_reasons;
		else if ((st->reason_hix || n > HIX_MIN) && reason_hix_grow(t, st)) {
			t->nr_reasons--;
			return NULL;
		}
		return r;
	}
	// the index table (a task has at most PW_AN_REASONS_MAX reasons: the
	// index + 1 fits 16 bits)
	if (!st->reason_ix && !(st->reason_ix = calloc(2 * REASON_IX, sizeof(*st->reason_ix)))) {
		t->nr_reasons--;
		return NULL;
	}
	st->reason_ix[(isa == PW_ISA_SVM) * REASON_IX + reason] = (uint16_t)t->nr_reasons;
	return r;
}

// The entry of t for an exit reason (any isa but SVM's is VMX's): a
// lookup in the index table for the common codes. run NULL: merging.
static inline struct pw_an_reason *task_reason(struct pw_an_run *run, struct pw_an_task *t,
					       uint32_t isa, uint32_t reason)
{
	const uint16_t *ix = an_st(t)->reason_ix;

	if (isa != PW_ISA_SVM)
		isa = PW_ISA_VMX;
	if (reason < REASON_IX && ix) {
		uint16_t k = ix[(isa == PW_ISA_SVM) * REASON_IX + reason];
		if (k)
			return &t->reasons[k - 1];
	}
	return task_reason_slow(run, t, isa, reason);
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

// The tasks' series (run->bin_rt, bin_sw: see analysis.h) are bin-major:
// with thousands of tasks a series of each task's own was a cache miss at
// nearly every switch (docs/decisions.md, "Tasks' series bin-major").
int an_cols_grow(struct pw_an_run *run, size_t cap)
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

// bin_index, its common case (t in the cached bin) inline
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
PW_HOT void bins_add(struct pw_an_run *run, struct pw_an_task *t, uint64_t *s2, uint64_t a,
		     uint64_t b, uint64_t ws, uint64_t we, int whole)
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

// (a hash: --successors-of may name many tids, and this is per switch)
static int is_succ(const struct an_priv *p, int32_t tid)
{
	return pw_tidhash_find(&p->succ_tids, tid) >= 0;
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
		if (__builtin_expect(p->succ, 0) && is_succ(p, prev->tid))
			next->successor_count++;
	}
	struct an_task_state *ps = an_st(prev), *ns = an_st(next);
	ps->on_cpu = -1;
	if (vol)
		ps->sleep = t;
	else if (!unknown && prev->tid)
		ps->preempt = t;

	// switch-in of next
	if (ns->wake) {
		// (time gone back: 0; never in the whole copy, in time order)
		uint64_t w = whole || t > ns->wake ? t - ns->wake : 0;
		if (in) {
			if (pw_hist_add(&next->wait, w))
				return PW_ENOMEM;
			next->wait_ns += w;
		}
		ns->wake = 0;
	}
	if (ns->preempt) {
		next->preempted_ns += span(whole, ws, we, ns->preempt, t);
		ns->preempt = 0;
	}
	ns->sleep = 0;
	ns->on_cpu = c->cpu;
	c->cur = next;
	// a switch earlier than the one before on its cpu (time gone back:
	// the reader counts it) ends a slice of 0, and the next one starts
	// where that one did: the cpu's slices never overlap, so that its busy
	// time stays within the window (the whole copy has events in time
	// order: t >= start)
	c->since = whole || t > start ? t : start;
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
	struct an_task_state *st = an_st(t);
	if (st->on_cpu >= 0 || st->preempt)
		return 0;
	st->sleep = 0;
	if (!st->wake)
		st->wake = ev->time;
	return 0;
}

PW_HOT int on_kvm_exit(struct pw_an_run *run, int whole, const struct pw_event *ev, int in,
		       struct pw_an_task *t, uint64_t ws, uint64_t we)
{
	struct an_task_state *st = an_st(t);
	struct pw_an_reason *r;

	st->kvm_ri = 0;
	if (in) {
		if (!(r = task_reason(run, t, ev->kx.isa, ev->kx.reason)))
			return PW_ENOMEM;
		t->kvm_exits++;
		r->count++;
		st->kvm_ri = (uint32_t)(r - t->reasons) + 1;	// for the entry
	}
	if (st->kvm == 2) {
		if (inside(whole, ws, we, st->kvm_t))
			run->q.kvm_exit_without_entry++;
	} else if (st->kvm == 1) {
		t->guest_ns += span(whole, ws, we, st->kvm_t, ev->time);
	}
	st->kvm = 2;
	st->kvm_t = ev->time;
	st->kvm_reason = ev->kx.reason;
	st->kvm_isa = ev->kx.isa;
	return 0;
}

PW_HOT int on_kvm_entry(struct pw_an_run *run, int whole, const struct pw_event *ev,
			struct pw_an_task *t, uint64_t ws, uint64_t we)
{
	struct an_task_state *st = an_st(t);

	if (st->kvm == 2) {
		uint64_t d = span(whole, ws, we, st->kvm_t, ev->time);
		int start_in = inside(whole, ws, we, st->kvm_t);
		if (d || start_in) {
			struct pw_an_reason *r = st->kvm_ri ? &t->reasons[st->kvm_ri - 1]
					       : task_reason(run, t, st->kvm_isa, st->kvm_reason);
			if (!r)
				return PW_ENOMEM;
			r->host_ns += d;
			t->host_ns += d;
			if (start_in && pw_hist_add(&r->host, whole || ev->time > st->kvm_t
							       ? ev->time - st->kvm_t : 0))
				return PW_ENOMEM;
		}
	} else if (st->kvm == 1 && inside(whole, ws, we, ev->time)) {
		run->q.kvm_entry_without_exit++;
	}
	st->kvm = 1;
	st->kvm_t = ev->time;
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
		an_st(t)->name_id = ev->task.name;
		return 0;
	case PW_EV_FORK:
		if (ev->fk.child_tid == 0)
			return 0;
		if (!(t = task_get(run, ev->fk.child_tid, ev->cpu)))
			return PW_ENOMEM;
		set_pid(run, t, ev->fk.child_pid);
		if (an_st(t)->name_id == AN_NO_NAME)
			an_st(t)->name_id = ev->fk.child_name;
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
	// the common kinds first, tested in turn: cheaper than a jump table
	// (docs/decisions.md, "Event kinds tested in turn")
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

// the four copies (alike on purpose: each is read_events with two other
// constants), each a function of its own however the compiler would inline
// them into an_read_all: one loop, its registers to itself
static __attribute__((noinline)) int
read_events_00(struct pw_an_run *run, const struct pw_event **ev)
{
	return read_events(run, 0, 0, ev);
}

static __attribute__((noinline)) int
read_events_01(struct pw_an_run *run, const struct pw_event **ev)
{
	return read_events(run, 0, 1, ev);
}

static __attribute__((noinline)) int
read_events_10(struct pw_an_run *run, const struct pw_event **ev)
{
	return read_events(run, 1, 0, ev);
}

static __attribute__((noinline)) int
read_events_11(struct pw_an_run *run, const struct pw_event **ev)
{
	return read_events(run, 1, 1, ev);
}

// the copy that fits, then the general one after an event out of order
int an_read_all(struct pw_an_run *run, const struct pw_event **ev)
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

/* ---- after the last event ---------------------------------------------- */

// (see an_int.h; the slices clipped as in the general copy of the loop)
int an_close_window(struct pw_an_run *run, uint64_t end)
{
	struct an_priv *p = run->priv;

	for (size_t c = 0; c < run->nr_cpu_slots; c++) {
		struct pw_an_cpu *cs = &run->cpus[c];
		if (!cs->cur)
			continue;
		if (cs->since < end)
			run->q.clipped_end++;
		struct pw_an_task_cpu *tc;
		if (add_slice(run, p->max_bins != 0, 0, cs->cur, cs, cs->since, end,
			      run->win_start, end, &tc))
			return PW_ENOMEM;
	}
	for (size_t i = 0; i < p->nr_all; i++) {
		struct an_task_state *st = an_st(p->all[i]);
		if (st->preempt)
			p->all[i]->preempted_ns += clip(run->win_start, end, st->preempt, end);
		if (st->kvm == 2 && in_window(run->win_start, end, st->kvm_t))
			run->q.kvm_exit_without_entry++;
	}
	return 0;
}

struct pw_an_task_cpu *an_task_cpu(struct pw_an_task *t, int32_t cpu)
{
	return task_cpu(t, cpu);
}

struct pw_an_reason *an_task_reason(struct pw_an_task *t, uint32_t isa, uint32_t reason)
{
	return task_reason(NULL, t, isa, reason);
}
