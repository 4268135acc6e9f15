// SPDX-License-Identifier: Apache-2.0
// hm_collect.c: the heatmaps' single pass: the collector the first pass feeds, its thread, the cut to the shown tasks.
//
// The replay (replay.h) runs on the first pass' batches, on a thread of
// its own, over the analysis' tasks as they are made, for every task (or
// those the trailer ranks first: to_hold()). At the end
// (hm_collect_finish, from pw_hm_write) the shown tasks are kept, the
// reason keys and CPU view ids numbered as the second pass would have
// numbered them, and the exact budget given out again in the order the
// log kept. The window must be known from the start: the trailer's last
// event (or the cap). Every parameter is checked against the final run;
// any difference, running out of room, or a file without trailer, and the
// second pass is made instead (docs/decisions.md, "Heatmaps collected
// during the first pass"). Implements heatmap.h's pw_hm_collect_*
// and hm_collect.h.
#include "hm_collect.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "heatmap.h"
#include "hm_bound.h"
#include "hm_series.h"
#include "hm_sink.h"
#include "pw_thread.h"
#include "replay.h"
#include "tidmap.h"

/* ---- the collector ----------------------------------------------------- */

// The bytes of exact lists, grids, core bins and the budget's log the
// single pass may hold before it gives up (the second pass then does it,
// for the shown tasks only): every task's series are held until the end,
// which for hundreds of busy tasks is far more than the 64 shown ones take
// (docs/decisions.md, "A cap on what the single pass holds").
#define HM_COLLECT_BYTES (96u << 20)

// The tasks a file may have (its trailer says) for a single pass of every
// task; beyond, or whenever the window is the whole file (to_hold()), only
// some of the tids its trailer names with the most runtime are held (their
// series only: the CPU views take every task), and the second pass is made
// when a shown task is not one of them (docs/decisions.md, "Past 512
// tasks, the trailer's first 128").
#define HM_COLLECT_TASKS 512
#define HM_CANDIDATES 128
#define HM_TIE_ROOM 8		// see to_hold()

// A batch handed to the collecting thread: the events (a copy: the
// reader's batch is gone at the next one) and what the analysis had made
// by then (the thread never reads the analysis' own tables, which it is
// changing meanwhile): the tasks new since the last batch (among them the
// new idle tasks, which give the cpu slots theirs: a copy of every slot's
// per batch cost 65,536 cpus x batches), the cpu slots' count.
struct hm_job {
	const struct pw_event *ev;	// the batch: lent by the reader (token), or buf
	size_t n;
	int token;			// pw_an_batch_hold's, or -1: ev is buf
	struct pw_event *buf;		// a copy, when it could not be lent
	size_t cap;
	const struct pw_an_task **newt;
	size_t nnew, capnew;
	size_t ntasks;		// tasks made in all
	size_t ncpus;
};

#define HM_JOBS PW_HM_COLLECT_HOLDS

// What the single pass is allowed: its policy, which test and diagnostic
// hooks in the environment may change (collect_settings()).
struct hm_collect_settings {
	int two_pass;		// no single pass: the second pass is made
	uint64_t bytes_max;	// what it may hold (hm->bytes_max)
	int cand_set;		// cand replaces the count of tids to hold
	size_t cand;		// (when some are held: to_hold())
};

// collect_settings: the one place the heatmaps read the environment. Its
// three variables are test and diagnostic hooks, documented in the man
// page's ENVIRONMENT section (docs/man/perfwhiz-dash.1):
// - PERFWHIZ_HEAT_TWO_PASS (any value): never a single pass (the tests'
//   reference for its bytes);
// - PERFWHIZ_HEAT_MAX_MB (a number of MiB): what the single pass may hold
//   before it gives up, instead of HM_COLLECT_BYTES;
// - PERFWHIZ_HEAT_CANDIDATES (a number): how many of the trailer's tids are
//   held when only some are (to_hold()).
static void collect_settings(struct hm_collect_settings *set)
{
	const char *mb = getenv("PERFWHIZ_HEAT_MAX_MB");
	const char *cand = getenv("PERFWHIZ_HEAT_CANDIDATES");

	set->two_pass = getenv("PERFWHIZ_HEAT_TWO_PASS") != NULL;
	set->bytes_max = HM_COLLECT_BYTES;
	if (mb && *mb >= '0' && *mb <= '9')
		set->bytes_max = strtoull(mb, NULL, 10) << 20;
	set->cand_set = cand && *cand >= '0' && *cand <= '9';
	set->cand = set->cand_set ? strtoull(cand, NULL, 10) : 0;
}

struct pw_hm_collect {
	struct hm h;
	struct pw_hm_opts o;
	struct hm_collect_settings set;
	struct pw_replay x;	// made by hand (collect_grow), its map the
				// thread's own: tids -> the tasks handed
	unsigned char *full;
	struct pw_trailer tr;
	uint64_t cap_ns;
	int32_t *cand;		// the tids held (sorted), NULL: every one
	size_t ncand;
	uint64_t nev;		// events fed
	int started, failed;	// failed: under mu while the thread runs
	size_t handed;		// tasks handed to the thread so far
	// the collecting thread and its queue (produced - consumed jobs wait)
	pthread_t th;
	int running, quit;
	pthread_mutex_t mu;
	pthread_cond_t cv_job, cv_free;
	uint64_t produced, consumed;
	struct hm_job jobs[HM_JOBS];
	char err[256];
};

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

// held: whether the series of the task of trace tid are collected
static int held(const struct pw_hm_collect *c, int32_t tid)
{
	return tid && (!c->cand || bsearch(&tid, c->cand, c->ncand, sizeof(tid), cmp_i32));
}

// The tids held: the first n of the trailer's (minor version 1: most
// runtime in the whole file, ties by tid, as the analysis ranks tasks when
// the window is the file's), or as many as the settings say; never when
// tasks are picked by name after the pass (-t): the shown ones would
// seldom be among them. 0, or -1: the second pass.
static int candidates(struct pw_hm_collect *c, size_t n, int selecting)
{
	if (c->set.cand_set)
		n = c->set.cand;
	if (n > c->tr.nr_top)
		n = c->tr.nr_top;
	if (selecting || !n || !(c->cand = malloc(n * sizeof(*c->cand))))
		return -1;
	for (size_t i = 0; i < n; i++)
		c->cand[i] = c->tr.top[i].tid;
	qsort(c->cand, n, sizeof(*c->cand), cmp_i32);
	c->ncand = n;
	return 0;
}

// How many of the trailer's tids to hold, 0: every task. When the window is
// the whole file the trailer's ranking is the analysis' own, so the shown
// tasks are its first max_tasks tids (HM_TIE_ROOM more for a tid whose
// runtime is split between tasks, by tid reuse); the other tasks' series
// would only be collected to be freed (docs/decisions.md, "Only the first
// 72 tids when the window is the whole file"). Otherwise past
// HM_COLLECT_TASKS tasks, HM_CANDIDATES of them.
static size_t to_hold(const struct pw_hm_collect *c, const struct pw_an_opts *ao,
		      const struct pw_hm_opts *ho, int selecting)
{
	size_t n = ho->max_tasks + HM_TIE_ROOM;
	// a cap that reaches the last event (-c past the end, or several
	// files' common window for the shortest) leaves the whole file
	int whole = !ao->from_ns && (!ao->cap_ns || ao->cap_ns >= c->tr.last_ns - c->tr.first_ns);

	if (!selecting && whole && c->tr.nr_top && c->tr.tasks > n)
		return n;
	return c->tr.tasks > HM_COLLECT_TASKS ? HM_CANDIDATES : 0;
}

struct pw_hm_collect *pw_hm_collect_new(const char *path, const struct pw_an_opts *ao,
					const struct pw_hm_opts *ho, int selecting)
{
	struct pw_reader *r = NULL;
	struct hm_collect_settings set;
	struct pw_hm_collect *c;
	size_t hold;

	collect_settings(&set);
	if (ao->merge_sys_tasks || set.two_pass)
		return NULL;
	hm_dur_init();
	hm_dur_check();
	if (!(c = calloc(1, sizeof(*c))))
		return NULL;
	c->set = set;
	if (pw_reader_open(&r, path) || pw_reader_peek_trailer(r, &c->tr) || !c->tr.rows ||
	    ((hold = to_hold(c, ao, ho, selecting)) && candidates(c, hold, selecting)) ||
	    !(c->x.map = calloc(1, sizeof(*c->x.map)))) {
		pw_reader_free(r);
		pw_trailer_release(&c->tr);
		free(c->cand);
		free(c);
		return NULL;
	}
	pw_reader_free(r);
	c->cap_ns = ao->cap_ns;
	c->o = *ho;
	c->h.o = &c->o;
	c->h.collect = 1;
	c->h.bytes_max = c->set.bytes_max;
	c->x.fd = -1;
	return c;
}

// no more batches: the thread finishes the queue and stops
static void collect_stop(struct pw_hm_collect *c)
{
	if (!c->running)
		return;
	pthread_mutex_lock(&c->mu);
	c->quit = 1;
	pthread_cond_broadcast(&c->cv_job);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	c->running = 0;
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv_job);
	pthread_cond_destroy(&c->cv_free);
}

void pw_hm_collect_free(struct pw_hm_collect *c)
{
	if (!c)
		return;
	collect_stop(c);
	hm_free(&c->h);
	free(c->full);
	pw_rp_close(&c->x);	// its tables, as if pw_rp_open had made them
	for (unsigned i = 0; i < HM_JOBS; i++) {
		free(c->jobs[i].buf);
		free(c->jobs[i].newt);
	}
	pw_trailer_release(&c->tr);
	free(c->cand);
	free(c);
}

/* ---- the collecting thread --------------------------------------------- */

// per-task and per-cpu room for what the analysis had made by job j
static int collect_grow(struct pw_hm_collect *c, const struct hm_job *j)
{
	struct hm *h = &c->h;
	size_t n = j->ntasks;

	if (n > h->cap) {
		size_t cap = n > 2 * h->cap ? n : 2 * h->cap;
		int32_t *slot = realloc(h->slot, cap * sizeof(*slot));
		if (slot)
			h->slot = slot;
		int32_t *id = slot ? realloc(h->id, cap * sizeof(*id)) : NULL;
		if (id)
			h->id = id;
		int32_t *vid = id ? realloc(h->vid, cap * sizeof(*vid)) : NULL;
		if (vid)
			h->vid = vid;
		const struct pw_an_task **ids = vid ? realloc(h->ids, cap * sizeof(*ids)) : NULL;
		if (ids)
			h->ids = ids;
		unsigned char *cv = ids ? realloc(h->cview, cap) : NULL;
		if (cv)
			h->cview = cv;
		unsigned char *full = cv ? realloc(c->full, cap) : NULL;
		if (full)
			c->x.full = c->full = full;
		struct pw_rp_task *st = full ? realloc(c->x.st, cap * sizeof(*st)) : NULL;
		if (st)
			c->x.st = st;
		struct hm_task *tk = st ? realloc(h->tasks, cap * sizeof(*tk)) : NULL;
		if (!tk)
			return -1;
		h->tasks = tk;
		memset(tk + h->cap, 0, (cap - h->cap) * sizeof(*tk));
		memset(st + h->cap, 0, (cap - h->cap) * sizeof(*st));
		h->cap = cap;
	}
	for (size_t k = 0; k < j->nnew; k++) {	// the tasks new since the last batch
		size_t i = h->ntasks + k;
		const struct pw_an_task *t = j->newt[k];
		struct hm_task *hk = &h->tasks[i];
		if (t->index != i)
			return -1;
		if (t->trace_tid && pw_tid_map_put(c->x.map, t->trace_tid, (struct pw_an_task *)t))
			return -1;
		c->full[i] = t->tid && held(c, t->trace_tid);
		h->slot[i] = c->full[i] ? (int32_t)i : -1;	// idle tasks have no heatmaps
		h->id[i] = h->vid[i] = -1;
		h->cview[i] = t->tid != 0;
		c->x.st[i].on_cpu = -1;
		hk->t = t;
		hk->rk_key = UINT32_MAX;
		for (int s = 0; s < S__N; s++)
			hk->s[s].sid = (uint32_t)(i * (S__N + 1) + (size_t)s);
		hk->core_sid = (uint32_t)(i * (S__N + 1) + S__N);
	}
	h->ntasks += j->nnew;
	if (h->ntasks != n || n > UINT16_MAX / (S__N + 1))	// series numbers fit the log
		return -1;
	if (j->ncpus > c->x.ncpu) {
		size_t m = j->ncpus;
		struct pw_rp_cpu *xc = realloc(c->x.cpus, m * sizeof(*xc));
		if (xc)
			c->x.cpus = xc;
		const struct pw_an_task **xi = xc ? realloc(c->x.idle, m * sizeof(*xi)) : NULL;
		if (!xi)
			return -1;
		c->x.idle = xi;
		memset(xc + c->x.ncpu, 0, (m - c->x.ncpu) * sizeof(*xc));
		memset(xi + c->x.ncpu, 0, (m - c->x.ncpu) * sizeof(*xi));
		c->x.ncpu = (uint32_t)m;
	}
	for (size_t k = 0; k < j->nnew; k++) {	// the new idle tasks: their cpu's
		const struct pw_an_task *t = j->newt[k];
		if (!t->tid && t->idle_cpu >= 0 && (size_t)t->idle_cpu < c->x.ncpu)
			c->x.idle[t->idle_cpu] = t;
	}
	return hm_cpus_grow(h, j->ncpus);
}

static void *collect_thread(void *arg)
{
	struct pw_hm_collect *c = arg;
	struct hm *h = &c->h;
	int failed = 0;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->produced == c->consumed && !c->quit)
			pthread_cond_wait(&c->cv_job, &c->mu);
		if (c->produced == c->consumed)
			break;
		struct hm_job *j = &c->jobs[c->consumed % HM_JOBS];
		pthread_mutex_unlock(&c->mu);
		if (!failed && collect_grow(c, j))
			failed = 1;
		for (size_t i = 0; !failed && i < j->n; i++)
			if (pw_rp_event(&c->x, &hm_sink, h, &j->ev[i], c->err, sizeof(c->err)))
				failed = 1;
		if (h->nomem)
			failed = 1;
		if (failed && h->collect)
			hm_free(h);	// the second pass will need the room
		pw_an_batch_release(c->x.run, j->token);	// the reader may reuse it
		j->token = -1;
		pthread_mutex_lock(&c->mu);
		c->nev += j->n;
		c->failed |= failed;
		c->consumed++;
		pthread_cond_signal(&c->cv_free);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

// the window and bins from the first event on (run->win_start is set),
// and the thread
static int collect_start(struct pw_hm_collect *c, struct pw_an_run *run)
{
	struct hm *h = &c->h;
	uint64_t ws = run->win_start, last = c->tr.last_ns, we = last;

	c->started = 1;
	if (ws > last || run->first_ns != c->tr.first_ns)
		return -1;
	if (c->cap_ns && run->win_end < we)
		we = run->win_end;
	h->run = run;
	size_t ncpus = run->meta.nr_cpus > run->nr_cpu_slots ? run->meta.nr_cpus
							      : run->nr_cpu_slots;
	hm_params(h, ws, we, pw_an_live_bin_ns(run, last), ncpus, h->o);
	h->exact_left = UINT64_MAX;	// the budget comes at the end
	h->cpu_exact_left = h->o->exact_total;	// every CPU: as the second pass
	for (unsigned i = 0; i < HM_RKEY; i++)
		h->rkey[0][i] = h->rkey[1][i] = -1;
	c->x.run = run;		// its first_ns only, until the end
	c->x.use_waking = pw_rp_use_waking(&run->meta);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv_job, NULL);
	pthread_cond_init(&c->cv_free, NULL);
	if (pw_thread_start(&c->th, collect_thread, c)) {	// signals stay the main thread's
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv_job);
		pthread_cond_destroy(&c->cv_free);
		return -1;
	}
	c->running = 1;
	return 0;
}

// room for n task pointers in *a (*cap of them): 0, or -1 out of memory
static int tasks_room(const struct pw_an_task ***a, size_t *cap, size_t n)
{
	if (n <= *cap)
		return 0;
	const struct pw_an_task **t = realloc(*a, n * sizeof(*t));
	if (!t)
		return -1;
	*a = t;
	*cap = n;
	return 0;
}

// job j from the analysis' state now: 0, or -1 out of memory
static int job_fill(struct pw_hm_collect *c, struct hm_job *j, struct pw_an_run *run,
		    const struct pw_event *v, size_t n)
{
	size_t nt;
	struct pw_an_task *const *all = pw_an_live_tasks(run, &nt);

	j->token = -1;
	j->nnew = nt - c->handed;
	if (tasks_room(&j->newt, &j->capnew, j->nnew))
		return -1;
	if (j->nnew)
		memcpy(j->newt, all + c->handed, j->nnew * sizeof(*all));
	j->ntasks = nt;
	j->ncpus = run->nr_cpu_slots;
	// the batch lent by the reader when it can: no copy of 40 bytes an
	// event (the collector gives it back when done with it)
	if ((j->token = pw_an_batch_hold(run)) >= 0) {
		j->ev = v;
	} else {
		if (n > j->cap) {
			struct pw_event *e = realloc(j->buf, n * sizeof(*e));
			if (!e)
				return -1;
			j->buf = e;
			j->cap = n;
		}
		memcpy(j->buf, v, n * sizeof(*v));
		j->ev = j->buf;
	}
	j->n = n;
	c->handed = nt;
	return 0;
}

void pw_hm_collect_batch(void *ctx, struct pw_an_run *run, const struct pw_event *v, size_t n)
{
	struct pw_hm_collect *c = ctx;

	if (!n) {	// the end of the pass: before the analysis finishes the run
		collect_stop(c);
		return;
	}
	if (!c->started && collect_start(c, run))
		c->failed = 1;
	if (!c->running)
		return;
	pthread_mutex_lock(&c->mu);
	while (c->produced - c->consumed == HM_JOBS && !c->failed)
		pthread_cond_wait(&c->cv_free, &c->mu);
	int failed = c->failed;
	pthread_mutex_unlock(&c->mu);
	if (failed)
		return;
	// the slot is the analysis' until produced moves on
	if (job_fill(c, &c->jobs[c->produced % HM_JOBS], run, v, n)) {
		collect_stop(c);
		c->failed = 1;
		return;
	}
	pthread_mutex_lock(&c->mu);
	c->produced++;
	pthread_cond_signal(&c->cv_job);
	pthread_mutex_unlock(&c->mu);
}

/* ---- the cut to the shown tasks ---------------------------------------- */

static int cmp_u64_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

// the keys of an exact list through map (UINT32_MAX: kept as they are)
static void list_keys_map(struct hm_list *l, const uint32_t *map, size_t nmap)
{
	size_t left = l->n;

	for (struct hm_blk *b = l->head; b; b = b->next)
		for (size_t e = 0; e < HM_BLK && left; e++, left--)
			if (b->v[e].key < nmap && map[b->v[e].key] != UINT32_MAX)
				b->v[e].key = map[b->v[e].key];
}

// The exact budget, as the second pass gives it out: the shown tasks' adds
// in the logged (event) order; a series that finds it empty, or reaches
// exact_max, becomes bins and gives its events back. rank: task index ->
// shown position, -1.
static int collect_budget(struct hm *h, const int32_t *rank, size_t ns)
{
	uint64_t left = h->o->exact_total;
	uint32_t *nex = calloc(ns * (S__N + 1) + 1, sizeof(*nex));
	unsigned char *bin = calloc(ns * (S__N + 1) + 1, 1);

	for (size_t i = 0; nex && bin && i < h->nlog; i++) {
		uint32_t sid = h->log[i], ti = sid / (S__N + 1);
		if (rank[ti] < 0)
			continue;
		size_t q = (size_t)rank[ti] * (S__N + 1) + sid % (S__N + 1);
		if (bin[q])
			continue;
		if (nex[q] < h->o->exact_max && left) {
			nex[q]++;
			left--;
		} else {
			bin[q] = 1;
			left += nex[q];
		}
	}
	for (size_t ti = 0; nex && bin && ti < h->ntasks; ti++) {
		if (rank[ti] < 0)
			continue;
		struct hm_task *k = &h->tasks[ti];
		const unsigned char *q = bin + (size_t)rank[ti] * (S__N + 1);
		for (int s = 0; s < S__N; s++)
			if (q[s] && !k->s[s].binned)
				hm_series_to_bins(h, &k->s[s]);
		if (q[S__N] && !k->core_binned)
			hm_core_to_bins(h, k);
	}
	int e = nex && bin && !h->nomem ? 0 : -1;
	free(nex);
	free(bin);
	free(h->log);
	h->log = NULL;
	h->nlog = h->caplog = 0;
	return e;
}

// a per key array (n entries of sz bytes) in the final key order: nf
// entries, those of the keys used (perm[key]); the old one freed. NULL
// when out of memory (the old one kept).
static void *keys_permute(void *a, size_t n, size_t sz, const uint32_t *perm, size_t nf,
			  const uint64_t *used)
{
	unsigned char *to = calloc(nf, sz);

	if (!to)
		return NULL;
	for (size_t key = 0; key < n; key++)
		if (used[key])
			memcpy(to + perm[key] * sz, (unsigned char *)a + key * sz, sz);
	free(a);
	return to;
}

// KEYS_PERMUTE(p, n): p's per key array in the final order, or out
#define KEYS_PERMUTE(p, n)                                                    \
	do {                                                                   \
		void *to_ = keys_permute((p), (n), sizeof(*(p)), perm, nf, k->kseq); \
		if (!to_)                                                      \
			goto out;                                              \
		(p) = to_;                                                     \
	} while (0)

// Reason keys in the order of their first use by a shown task (as the
// second pass numbers them), every shown task's tables and lists renumbered.
static int collect_keys(struct hm *h, const int32_t *rank)
{
	size_t nr = h->nreasons, nf = 0;
	uint64_t (*first)[2] = calloc(nr ? nr : 1, sizeof(*first));
	uint32_t *perm = malloc((nr ? nr : 1) * sizeof(*perm));
	struct hm_reason *rs = calloc(nr ? nr : 1, sizeof(*rs));
	int e = -1;

	if (!first || !perm || !rs)
		goto out;
	for (size_t key = 0; key < nr; key++) {
		first[key][0] = UINT64_MAX;
		first[key][1] = key;
		perm[key] = UINT32_MAX;
	}
	for (size_t ti = 0; ti < h->ntasks; ti++) {
		const struct hm_task *k = &h->tasks[ti];
		for (size_t key = 0; rank[ti] >= 0 && key < k->nkeys; key++)
			if (k->kseq[key] && k->kseq[key] < first[key][0])
				first[key][0] = k->kseq[key];
	}
	qsort(first, nr, sizeof(*first), cmp_u64_pair);
	for (; nf < nr && first[nf][0] != UINT64_MAX; nf++) {
		perm[first[nf][1]] = (uint32_t)nf;
		rs[nf] = h->reasons[first[nf][1]];
	}
	free(h->reasons);
	h->reasons = rs;
	h->nreasons = nf;
	rs = NULL;
	hm_reason_names_fix(h);
	for (size_t ti = 0; ti < h->ntasks && nf; ti++) {
		struct hm_task *k = &h->tasks[ti];
		if (rank[ti] < 0)
			continue;
		// a key the task used (kseq set) is one a shown task used
		for (int s = S_HOST; s <= S_GUEST; s++) {
			struct hm_series *se = &k->s[s];
			KEYS_PERMUTE(se->grid, se->nkeys);
			KEYS_PERMUTE(se->mask, se->nkeys);
			se->nkeys = nf;
			list_keys_map(&se->ex, perm, nr);
		}
		KEYS_PERMUTE(k->unpaired, k->nkeys);
		KEYS_PERMUTE(k->hist, k->nkeys);
		k->nkeys = nf;
	}
	e = 0;
out:
	free(first);
	free(perm);
	free(rs);
	return e;
}
#undef KEYS_PERMUTE

// CPU view ids: the shown tasks first, the others in the order they came;
// ids (n entries) gets the final id -> task table. Returns the ids' count.
static size_t collect_ids(struct hm *h, const int32_t *rank,
			  const struct pw_an_task *const *shown, size_t ns,
			  const struct pw_an_task **ids, uint32_t *fid)
{
	size_t nid = ns;

	memcpy(ids, shown, ns * sizeof(*ids));
	for (size_t i = 0; i < h->nids; i++) {
		const struct pw_an_task *t = h->ids[i];
		if (rank[t->index] >= 0) {
			fid[i] = (uint32_t)rank[t->index];
		} else {
			fid[i] = (uint32_t)nid;
			ids[nid++] = t;
		}
	}
	for (size_t ci = 0; ci < h->ncpus; ci++) {
		struct hm_cpu *p = &h->cpus[ci];
		list_keys_map(&p->ex, fid, h->nids);
		for (uint32_t b = 0; p->top && b < h->cpu_nbins; b++)
			if (p->top[b] >= 0)
				p->top[b] = (int32_t)fid[p->top[b]];
	}
	for (size_t i = 0; i < h->nties; i++) {	// the lowest final id of the tied
		const struct hm_tie *tie = &h->ties[i];
		uint32_t best = UINT32_MAX;
		for (size_t j = 0; j < tie->n; j++)
			if (fid[h->tie_ids[tie->at + j]] < best)
				best = fid[h->tie_ids[tie->at + j]];
		h->cpus[tie->cpu].top[tie->bin] = (int32_t)best;
	}
	return nid;
}

int hm_collect_finish(struct pw_hm_collect *c, const struct pw_an_run *run,
		      const struct pw_an_task *const *shown, size_t ns,
		      struct pw_hm_summary *sum, struct hm **out)
{
	struct hm *h = &c->h;
	struct hm chk = { 0 };

	collect_stop(c);	// every batch collected
	if (!c->started || c->failed || c->nev != run->events_read ||
	    run->nr_all_tasks != h->ntasks || run->nr_cpu_slots != h->ncpus)
		return 1;
	hm_params(&chk, run->win_start, run->win_end, run->bin_ns, run->nr_cpu_slots, h->o);
	if (chk.ws != h->ws || chk.we != h->we || chk.bin_ns != h->bin_ns ||
	    chk.cpu_nbins != h->cpu_nbins || chk.cpu_bin_ns != h->cpu_bin_ns)
		return 1;
	for (size_t i = 0; i < run->nr_all_tasks; i++)
		if (run->all_tasks[i] != h->tasks[i].t || run->all_tasks[i]->merged_into)
			return 1;
	pw_rp_finish(&c->x, &hm_sink, h);
	for (size_t i = 0; i < h->ncpus; i++)
		hm_cpu_flush(h, &h->cpus[i]);
	if (h->nomem)	// past what the single pass may hold: the second pass
		return h->bytes > h->bytes_max ? 1 : -1;

	size_t n = h->ntasks;
	int32_t *rank = malloc((n ? n : 1) * sizeof(*rank));
	struct hm_task *kept = calloc(ns ? ns : 1, sizeof(*kept));
	const struct pw_an_task **ids = calloc(n ? n : 1, sizeof(*ids));
	uint32_t *fid = malloc((h->nids ? h->nids : 1) * sizeof(*fid));
	int e = -1;

	if (!rank || !kept || !ids || !fid)
		goto out;
	for (size_t i = 0; i < ns; i++)
		if (!c->full[shown[i]->index]) {	// not held: the second pass
			e = 1;
			goto out;
		}
	for (size_t i = 0; i < n; i++)
		rank[i] = -1;
	for (size_t i = 0; i < ns; i++)
		rank[shown[i]->index] = (int32_t)i;
	if (collect_budget(h, rank, ns) || collect_keys(h, rank))
		goto out;
	size_t nid = collect_ids(h, rank, shown, ns, ids, fid);

	// the shown tasks' data, in their order; the others' freed
	for (size_t ti = 0; ti < n; ti++) {
		if (rank[ti] >= 0)
			kept[rank[ti]] = h->tasks[ti];
		else
			hm_task_free(h, &h->tasks[ti]);
	}
	free(h->tasks);
	h->tasks = kept;
	h->ntasks = ns;
	free(h->ids);
	h->ids = ids;
	h->nids = nid;
	sum->held = c->ncand;
	*out = h;
	kept = NULL;
	ids = NULL;
	e = 0;
out:
	free(rank);
	free(kept);
	free(ids);
	free(fid);
	return e;
}
