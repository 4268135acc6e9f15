// SPDX-License-Identifier: Apache-2.0
// analysis.c: the analysis pass over a .cdict run and the run it leaves (invariants: analysis.h).
//
// This file opens the file, runs the pass (an_events.c handles the events)
// and makes the tasks final: names, merging, order.
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "an_int.h"
#include "kvm_reasons.h"
#include "pw_error.h"
#include "replay.h"

#define BIN_START_NS 1000000ull		// first bin width when the end is unknown
#define RESERVE_TASKS 8192		// tasks' series a trailer may size, at most
#define NAME_BUF (PW_NAME_MAX + 32)	// a display name, at most, + 1

void an_seterr(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!size)
		return;
	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
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
		struct pw_an_task_cpu *c = an_task_cpu(d, s->cpus[i].cpu);
		if (!c)
			continue;
		c->runtime_ns += s->cpus[i].runtime_ns;
		c->switches += s->cpus[i].switches;
		c->sched_in += s->cpus[i].sched_in;
	}
	for (size_t i = 0; i < s->nr_reasons; i++) {
		struct pw_an_reason *sr = &s->reasons[i];
		struct pw_an_reason *r = an_task_reason(d, sr->isa, sr->reason);
		if (!r)
			continue;
		r->count += sr->count;
		r->host_ns += sr->host_ns;
		pw_hist_merge(&r->host, &sr->host);
	}
	s->merged_into = d;
}

// the run's task order (analysis.h); main.c's --list order by events has
// the same shape with other keys: two orders, deliberately two functions
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

// a reason's name from the entry itself: its buf moves with it, where
// r->name may point into another entry's while they are sorted
static const char *reason_name(const struct pw_an_reason *r)
{
	const char *n = pw_kvm_reason_known(r->isa, r->reason);

	return n ? n : r->buf;
}

static int cmp_reason(const void *a, const void *b)
{
	const struct pw_an_reason *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(reason_name(x), reason_name(y));
}

// the names of t's exit reasons (merging may add reasons: named again)
static void name_reasons(struct pw_an_task *t)
{
	for (size_t k = 0; k < t->nr_reasons; k++) {
		struct pw_an_reason *r = &t->reasons[k];
		r->name = pw_kvm_reason_name(r->isa, r->reason, r->buf, sizeof(r->buf));
	}
}

// t's comm and display name: swapper/N, --map's, the trace's last name, or
// ":tid", folded by --merge-sys-tasks (*folded: the fold changed it). 0 or
// PW_ENOMEM.
static int name_task(struct an_priv *p, struct pw_an_task *t, unsigned char *folded)
{
	const struct pw_an_opts *o = p->o;
	const struct an_task_state *st = an_st(t);
	const char *comm = st->name_id != AN_NO_NAME ? pw_reader_string(p->r, st->name_id)
						     : NULL;
	const char *mapped = o->map ? pw_map_name(o->map, t->tid) : NULL;
	char buf[NAME_BUF];

	if (comm && !(t->comm = strdup(comm)))
		return PW_ENOMEM;
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
		*folded = strcmp(buf, f) != 0;
		memcpy(buf, f, sizeof(buf));
	}
	if (!(t->name = strdup(buf)))
		return PW_ENOMEM;
	name_reasons(t);
	return 0;
}

// The visible tasks into v (room for every task), in creation order: every
// task, and with --merge-sys-tasks one per folded name among the tasks
// whose name was folded (per-CPU kernel threads): two unrelated threads
// that share a comm stay apart. Returns how many.
// Returns how many, or 0 when out of memory (there is at least one task).
// The folded names are found in a hash (FNV-1a; slots hold v's index + 1):
// a search of every visible task per folded one was quadratic.
static size_t merge_folded(struct pw_an_run *run, const unsigned char *folded,
			   struct pw_an_task **v)
{
	struct an_priv *p = run->priv;
	size_t nv = 0, nf = 0, cap = 16;

	for (size_t i = 0; i < p->nr_all; i++)
		nf += folded[i];
	while (cap < 2 * nf)
		cap *= 2;
	size_t *slot = nf ? calloc(cap, sizeof(*slot)) : NULL;
	if (nf && !slot)
		return 0;
	for (size_t i = 0; i < p->nr_all; i++) {
		struct pw_an_task *t = p->all[i];
		if (folded[i]) {
			uint64_t h = 1469598103934665603ull;
			for (const unsigned char *c = (const unsigned char *)t->name; *c; c++)
				h = (h ^ *c) * 1099511628211ull;
			size_t j = (size_t)h & (cap - 1);
			while (slot[j] && strcmp(v[slot[j] - 1]->name, t->name))
				j = (j + 1) & (cap - 1);
			if (slot[j]) {
				merge_task(run, v[slot[j] - 1], t);
				continue;
			}
			slot[j] = nv + 1;
		}
		v[nv++] = t;
	}
	free(slot);
	return nv;
}

// A visible task made final: --append-tid, its entries sorted, its share
// of the window. 0 or PW_ENOMEM.
static int final_task(struct pw_an_run *run, struct pw_an_task *t, int append_tid)
{
	struct an_task_state *st = an_st(t);

	if (append_tid) {
		char buf[NAME_BUF];
		snprintf(buf, sizeof(buf), "%s:%" PRId32, t->name, t->tid);
		char *n = strdup(buf);
		if (!n)
			return PW_ENOMEM;
		free(t->name);
		t->name = n;
	}
	if (t->nr_cpus > 1)
		qsort(t->cpus, t->nr_cpus, sizeof(*t->cpus), cmp_tcpu);
	name_reasons(t);
	if (t->nr_reasons > 1)
		qsort(t->reasons, t->nr_reasons, sizeof(*t->reasons), cmp_reason);
	name_reasons(t);	// (the entries moved: their names are in their buf)
	st->cpu_hint = 0;
	free(st->reason_ix);	// the sorts moved the entries
	free(st->reason_hix);
	free(st->cpu_hix);
	st->reason_ix = NULL;
	st->reason_hix = st->cpu_hix = NULL;
	st->cap_reason_hix = st->cap_cpu_hix = 0;
	t->cpu_pct = run->covered_ns ? 100.0 * (double)t->runtime_ns /
					       (double)run->covered_ns : 0.0;
	return 0;
}

// Names, merging, sorting: the tasks become final.
static int finish_tasks(struct pw_an_run *run)
{
	struct an_priv *p = run->priv;
	size_t n = p->nr_all ? p->nr_all : 1;
	unsigned char *folded = calloc(n, 1);
	struct pw_an_task **v = calloc(n, sizeof(*v));
	size_t nv = 0;
	int e = PW_ENOMEM;

	if (!folded || !v)
		goto out;
	for (size_t i = 0; i < p->nr_all; i++)
		if (name_task(p, p->all[i], &folded[i]))
			goto out;
	if (p->nr_all && !(nv = merge_folded(run, folded, v)))
		goto out;
	for (size_t i = 0; i < nv; i++)
		if (final_task(run, v[i], p->o->append_tid))
			goto out;
	if (nv > 1)
		qsort(v, nv, sizeof(*v), cmp_task);
	run->tasks = v;
	run->nr_tasks = nv;
	v = NULL;
	e = 0;
out:
	free(folded);
	free(v);
	return e;
}

/* ---- the pass ---------------------------------------------------------- */

// The pass' steps return 0, a PW_E* code with err set, or NOMEM: out of
// memory, err not set yet (pw_an_run_file says it once).
#define NOMEM 1

int an_open_reader(struct pw_reader **r, int *fd, const char *path, char *err,
		   size_t errsize)
{
	*r = NULL;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		an_seterr(err, errsize, "cannot open '%s': %s", path, strerror(errno));
		return PW_EIO;
	}
	int e = pw_reader_open_fd(r, *fd, path);
	if (e) {
		if (*r)
			pw_reader_describe(*r, e, err, errsize);
		else
			an_seterr(err, errsize, "cannot read '%s': %s", path, pw_strerror(e));
		pw_reader_free(*r);
		*r = NULL;
		close(*fd);
		*fd = -1;
	}
	return e;
}

// The pass' state freed, its tasks handed to the run (run->all_tasks:
// every task made, merged ones included), whatever the pass' outcome.
static void free_priv(struct pw_an_run *run)
{
	struct an_priv *p = run->priv;

	if (!p)
		return;
	run->all_tasks = p->all;
	run->nr_all_tasks = p->nr_all;
	pw_reader_free(p->r);
	if (p->fd >= 0)
		close(p->fd);
	pw_tid_map_free(p->map);
	pw_trailer_release(&p->hint);
	pw_tidhash_release(&p->succ_tids);
	free(p->reasons);
	run->priv = NULL;
	free(p);
}

// The first bin width for a window from ws to the trailer's last event:
// one step short of the width bin_index() reaches by doubling from
// BIN_START_NS, as the last bin it is asked for is that of the last event or
// of the nanosecond before it (the slices still open end there; without a
// switch nothing is binned at all). Starting there gives the same bins, and
// spares the folds of every task's series on the way (docs/decisions.md,
// "Series sized and started from the trailer").
static uint64_t first_bin_ns(uint64_t ws, uint64_t last, uint32_t max_bins)
{
	uint64_t b = BIN_START_NS, off = last > ws ? last - ws : 0;

	while (off / b >= max_bins)
		b *= 2;
	return b > BIN_START_NS ? b / 2 : b;
}

// The file open, the run's meta copied, the series' first bin width and
// room as the options and a whole file's trailer say.
static int pass_open(struct pw_an_run *run, const char *path, char *err, size_t errsize)
{
	struct an_priv *p = run->priv;
	const struct pw_an_opts *opts = p->o;
	int e;

	p->bin_lo = UINT64_MAX;
	if (!(p->map = calloc(1, sizeof(*p->map))))
		return NOMEM;
	p->max_bins = opts->max_bins > 1 ? opts->max_bins & ~1u : 0;
	if (!(run->file = strdup(path)))
		return NOMEM;
	if ((e = an_open_reader(&p->r, &p->fd, path, err, errsize)))
		return e;
	const struct pw_meta *m = pw_reader_meta(p->r);
	copy_meta(&run->meta, m);
	p->use_waking = pw_rp_use_waking(m);
	run->q.legacy = pw_reader_is_legacy(p->r);
	// a whole file's trailer says how many tasks to make room for (the
	// series grow by half again otherwise: copies of every task's) and
	// where the events end; it is held to the events at the end
	if (p->max_bins && !pw_reader_peek_trailer(p->r, &p->hint)) {
		p->hinted = 1;
		uint64_t room = p->hint.tasks + run->meta.nr_cpus;
		if (an_cols_grow(run, room < RESERVE_TASKS ? (size_t)room : RESERVE_TASKS))
			return NOMEM;
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
	for (size_t i = 0; i < opts->nr_succ_tids; i++)
		if (pw_tidhash_find(&p->succ_tids, opts->succ_tids[i]) < 0 &&
		    pw_tidhash_put(&p->succ_tids, opts->succ_tids[i], 0))
			return NOMEM;
	if (opts->batch && opts->batch_holds)	// none lent when it cannot be
		pw_reader_set_holds(p->r, opts->batch_holds);
	p->cur = (struct pw_cursor)PW_CURSOR_INIT(p->r);
	return 0;
}

// Every event: the window from the first one on, then the loop
// (an_events.c). A truncated file is not an error.
static int pass_read(struct pw_an_run *run, char *err, size_t errsize)
{
	struct an_priv *p = run->priv;
	const struct pw_an_opts *opts = p->o;
	const struct pw_event *ev;
	int n;

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
		n = an_read_all(run, &ev);
	}
	if (opts->batch)	// no more batches: whoever takes them is done
		opts->batch(opts->batch_ctx, run, NULL, 0);
	if (n > 0)
		return NOMEM;
	if (n == PW_ETRUNC) {
		run->q.truncated = 1;
	} else if (n < 0) {
		pw_reader_describe(p->r, n, err, errsize);
		return n;
	}
	return 0;
}

// The events against what the file's end said of them, and the window
// against the events.
static int pass_check(struct pw_an_run *run, const char *path, char *err, size_t errsize)
{
	struct an_priv *p = run->priv;
	const struct pw_an_opts *opts = p->o;

	if (!run->events_read) {
		an_seterr(err, errsize, "no events in '%s'", path);
		return PW_EEMPTY;
	}
	// what a peek at the trailer gave (pw_an_span, the heatmaps' window)
	// must be what the events say
	const struct pw_trailer *tr = pw_reader_trailer(p->r);
	if (tr && (tr->first_ns != run->first_ns || tr->last_ns != run->last_ns)) {
		an_seterr(err, errsize, "corrupt input '%s': its trailer has the events from %"
			  PRIu64 " to %" PRIu64 " ns, they run from %" PRIu64 " to %" PRIu64,
			  path, tr->first_ns, tr->last_ns, run->first_ns, run->last_ns);
		return PW_ECORRUPT;
	}
	// and so must the one peeked here (the first bin width came from it):
	// a tail that passes for a trailer but is not the one the reader
	// reached, or a file changed since, would have given other bins
	if (p->hinted && (p->hint.first_ns != run->first_ns || p->hint.last_ns != run->last_ns)) {
		an_seterr(err, errsize, "corrupt input '%s': its end says its events run from %"
			  PRIu64 " to %" PRIu64 " ns, they run from %" PRIu64 " to %" PRIu64
			  " (or it changed while it was read)", path, p->hint.first_ns,
			  p->hint.last_ns, run->first_ns, run->last_ns);
		return PW_ECORRUPT;
	}
	if (run->win_start > run->last_ns ||
	    (opts->from_ns && run->win_start >= run->last_ns)) {
		an_seterr(err, errsize,
			  "--from %.3f ms is beyond the capture '%s' (%.3f ms long)",
			  (double)opts->from_ns / 1e6, path,
			  (double)(run->last_ns - run->first_ns) / 1e6);
		return PW_EINVAL;
	}
	return 0;
}

// After the last event: the window's end (the cap, or the data's end when
// it comes first), what is still open there, the totals, the trailer's
// counters. 0 or NOMEM.
static int pass_finish(struct pw_an_run *run)
{
	struct an_priv *p = run->priv;
	const struct pw_an_opts *opts = p->o;
	uint64_t end = run->last_ns;

	if (opts->cap_ns && run->win_end < end)
		end = run->win_end;
	run->window_ns = opts->cap_ns ? opts->cap_ns : end - run->win_start;
	run->covered_ns = end - run->win_start;
	run->scale = run->covered_ns && run->window_ns > run->covered_ns
			     ? (double)run->window_ns / (double)run->covered_ns : 1.0;
	run->win_end = end;
	if (an_close_window(run, end))
		return NOMEM;
	// nothing binned (no switch): the width was never used, and is the
	// first one whatever the trailer said
	if (!p->bins_fixed && !run->nr_bins && p->max_bins)
		run->bin_ns = BIN_START_NS;
	sum_entries(run);

	const struct pw_trailer *tr = pw_reader_trailer(p->r);
	if (tr && tr->nr_stats) {
		run->stats = calloc(tr->nr_stats, sizeof(*run->stats));
		if (!run->stats)
			return NOMEM;
		run->nr_stats = tr->nr_stats;
		for (size_t i = 0; i < tr->nr_stats; i++) {
			run->stats[i].group = xstrdup(tr->stats[i].group);
			run->stats[i].name = xstrdup(tr->stats[i].name);
			run->stats[i].value = tr->stats[i].value;
			if (tr->stats[i].group && !strcmp(tr->stats[i].group, "invalid"))
				run->q.failed_validation += tr->stats[i].value;
		}
	}
	if (tr) {
		run->q.conversion = tr->end;
		if (tr->end_why && !(run->q.conversion_why = strdup(tr->end_why)))
			return NOMEM;
	}
	run->q.legacy_skipped = pw_reader_skipped(p->r);
	run->q.time_backwards = pw_reader_time_backwards(p->r);
	run->nr_cpus = run->meta.nr_cpus;
	if (run->nr_cpus < run->nr_cpu_slots)
		run->nr_cpus = (uint32_t)run->nr_cpu_slots;
	return finish_tasks(run) ? NOMEM : 0;
}

int pw_an_run_file(struct pw_an_run **out, const char *path,
		   const struct pw_an_opts *opts, char *err, size_t errsize)
{
	struct pw_an_run *run = calloc(1, sizeof(*run));
	struct an_priv *p = calloc(1, sizeof(*p));
	int e;

	*out = NULL;
	if (!run || !p) {
		free(run);
		free(p);
		an_seterr(err, errsize, "out of memory");
		return PW_ENOMEM;
	}
	run->priv = p;
	p->fd = -1;
	p->o = opts;
	p->succ = opts->nr_succ_tids > 0;
	if (!(e = pass_open(run, path, err, errsize)) && !(e = pass_read(run, err, errsize)) &&
	    !(e = pass_check(run, path, err, errsize)))
		e = pass_finish(run);
	if (e == NOMEM && p->over) {
		e = PW_ETOOBIG;
		if (!strcmp(p->over, "tasks"))
			an_seterr(err, errsize, "too many tasks in '%s': more than %u (the limit)",
				  path, PW_AN_TASKS_MAX);
		else
			an_seterr(err, errsize, "too many kvm exit reasons in '%s': more than %u "
				  "distinct (the limit)", path, PW_AN_REASONS_MAX);
	} else if (e == NOMEM) {
		e = PW_ENOMEM;
		an_seterr(err, errsize, "out of memory reading '%s'", path);
	}
	free_priv(run);
	if (e) {
		pw_an_run_free(run);
		return e;
	}
	*out = run;
	return 0;
}

/* ---- runs ------------------------------------------------------------- */

// a task the pass made (an an_task: an_int.h) and what it owns
static void task_free(struct pw_an_task *t)
{
	free(t->name);
	free(t->comm);
	free(t->cpus);
	for (size_t i = 0; i < t->nr_reasons; i++)
		pw_hist_release(&t->reasons[i].host);
	free(t->reasons);
	free(an_st(t)->reason_ix);
	free(an_st(t)->reason_hix);
	free(an_st(t)->cpu_hix);
	pw_hist_release(&t->wait);
	free(t);
}

// (a release: one free() a member, alike in shape to every other on purpose)
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
	free(run->q.conversion_why);
	free(run->file);
	free(run->name);
	free(run);
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
	if ((e = an_open_reader(&r, &fd, path, err, errsize)))
		return e;
	// a whole file says it in its trailer: no need to read the events
	// (pw_an_run_file holds the trailer to the events it reads)
	struct pw_trailer tr;
	if (!pw_reader_peek_trailer(r, &tr)) {
		*first = tr.first_ns;
		*last = tr.last_ns;
		nev = tr.rows;
		pw_trailer_release(&tr);
	} else {
		while ((n = pw_reader_next_batch(r, &v, &nb)) > 0)
			for (size_t i = 0; i < nb; i++) {
				if (!nev++)
					*first = v[i].time;
				if (v[i].time > *last)
					*last = v[i].time;
			}
		if (n < 0 && n != PW_ETRUNC) {
			pw_reader_describe(r, n, err, errsize);
			e = n;
		}
	}
	pw_reader_free(r);
	close(fd);
	if (e)
		return e;
	if (!nev) {
		an_seterr(err, errsize, "no events in '%s'", path);
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

const struct pw_an_reason *pw_an_reason_find(const struct pw_an_task *t,
					     const char *name)
{
	for (size_t i = 0; i < t->nr_reasons; i++)
		if (!strcmp(t->reasons[i].name, name))
			return &t->reasons[i];
	return NULL;
}
