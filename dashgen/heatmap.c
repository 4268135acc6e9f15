// SPDX-License-Identifier: Apache-2.0
// heatmap.c: the second pass behind NAME-heatmaps.html: heatmaps, histograms, core maps, bounded (see heatmap.h).
#include "heatmap.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "kvm_reasons.h"

enum { S_RUN, S_SLEEP, S_HOST, S_GUEST, S__N };
static const char *const series_name[S__N] = { "run", "sleep", "host", "guest" };

struct hm_ev {
	uint64_t t, d;		// time (abs), duration
	uint32_t key;		// reason key (KVM), cpu (core), id (CPU view)
};

struct hm_list {
	struct hm_ev *v;
	size_t n, cap;
};

struct hm_series {
	uint64_t count;		// events in the window
	int binned;
	struct hm_list ex;	// exact events while !binned
	uint32_t **grid;	// per key: nbins x PW_HM_DUR counts, lazily
	size_t nkeys;
};

struct hm_task {
	const struct pw_an_task *t;	// the first pass' visible task
	struct hm_series s[S__N];
	uint64_t nostart;
	uint64_t *unpaired;		// per reason key
	uint64_t (*hist)[PW_HM_DUR];	// per reason key
	size_t nkeys;			// of unpaired and hist
	// core map
	uint64_t core_count;
	int core_binned;
	struct hm_list core;		// key = cpu
	uint64_t **core_bins;		// per cpu slot: nbins runtimes, lazily
};

struct hm_acc {
	int32_t id;
	uint64_t ns;
};

struct hm_cpu {
	uint64_t count;			// busy slices
	int binned;
	struct hm_list ex;		// key = id
	int32_t *top;			// per bin: the task that ran most, -1
	uint64_t *top_ns, *busy;
	uint32_t *ntasks;
	int64_t cur;			// bin being accumulated, -1 none
	struct hm_acc *acc;
	size_t nacc, capacc;
};

struct hm_reason {
	uint32_t isa, reason;
	const char *name;
	char buf[24];
};

struct hm {
	const struct pw_an_run *run;
	const struct pw_hm_opts *o;
	uint64_t ws, we;		// window, inclusive
	uint64_t bin_ns;
	uint32_t nbins;
	uint64_t cpu_bin_ns;
	uint32_t cpu_nbins;
	int32_t *slot;			// all_tasks index -> heat slot, -1
	int32_t *id;			// all_tasks index -> id, -1
	int32_t *vid;			// visible task's index -> id, -1
	const struct pw_an_task **ids;	// id -> visible task
	size_t nids;
	struct hm_task *tasks;
	size_t ntasks;
	struct hm_cpu *cpus;
	size_t ncpus;
	struct hm_reason *reasons;
	size_t nreasons;
	uint64_t exact_left;
	uint64_t cpu_exact_left;
	int nomem;
};

/* ---- duration buckets -------------------------------------------------- */

static uint64_t edges[PW_HM_DUR + 1];

static void edges_init(void)
{
	if (edges[0])
		return;
	for (unsigned k = 0; k <= PW_HM_DUR; k++)
		edges[k] = (uint64_t)llround(pow(10.0, 1.0 + (double)k / PW_HM_PER_DECADE));
}

uint64_t pw_hm_dur_edge(unsigned k)
{
	edges_init();
	return edges[k > PW_HM_DUR ? PW_HM_DUR : k];
}

unsigned pw_hm_dur_bucket(uint64_t ns)
{
	unsigned lo = 0, hi = PW_HM_DUR - 1;

	edges_init();
	// the last k with edges[k] <= ns (0 when below)
	while (lo < hi) {
		unsigned mid = (lo + hi + 1) / 2;
		if (edges[mid] <= ns)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* ---- collection -------------------------------------------------------- */

static const struct pw_an_task *visible(const struct pw_an_task *t)
{
	while (t->merged_into)
		t = t->merged_into;
	return t;
}

static int list_add(struct hm *h, struct hm_list *l, uint64_t t, uint64_t d, uint32_t key)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct hm_ev *v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			h->nomem = 1;
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct hm_ev){ t, d, key };
	return 0;
}

static void list_free(struct hm_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static uint32_t bin_of(const struct hm *h, uint64_t t)
{
	uint64_t i = (t - h->ws) / h->bin_ns;
	return i >= h->nbins ? h->nbins - 1 : (uint32_t)i;
}

static uint32_t *grid_for(struct hm *h, struct hm_series *s, uint32_t key)
{
	if (key >= s->nkeys) {
		uint32_t **g = realloc(s->grid, (key + 1) * sizeof(*g));
		if (!g)
			return NULL;
		memset(g + s->nkeys, 0, (key + 1 - s->nkeys) * sizeof(*g));
		s->grid = g;
		s->nkeys = key + 1;
	}
	if (!s->grid[key])
		s->grid[key] = calloc((size_t)h->nbins * PW_HM_DUR, sizeof(uint32_t));
	return s->grid[key];
}

static void series_bin(struct hm *h, struct hm_series *s, uint64_t t, uint64_t d, uint32_t key)
{
	uint32_t *g = grid_for(h, s, key);

	if (!g) {
		h->nomem = 1;
		return;
	}
	g[(size_t)bin_of(h, t) * PW_HM_DUR + pw_hm_dur_bucket(d)]++;
}

static void series_add(struct hm *h, struct hm_series *s, uint64_t t, uint64_t d, uint32_t key)
{
	s->count++;
	if (!s->binned) {
		if (s->ex.n < h->o->exact_max && h->exact_left) {
			if (!list_add(h, &s->ex, t, d, key))
				h->exact_left--;
			return;
		}
		// too many: bin what was kept, and give it back to the budget
		s->binned = 1;
		for (size_t i = 0; i < s->ex.n; i++)
			series_bin(h, s, s->ex.v[i].t, s->ex.v[i].d, s->ex.v[i].key);
		h->exact_left += s->ex.n;
		list_free(&s->ex);
	}
	series_bin(h, s, t, d, key);
}

static void core_bins_add(struct hm *h, struct hm_task *k, uint32_t cpu, uint64_t a, uint64_t b)
{
	if (cpu >= h->ncpus)
		return;
	if (!k->core_bins[cpu] && !(k->core_bins[cpu] = calloc(h->nbins, sizeof(uint64_t)))) {
		h->nomem = 1;
		return;
	}
	uint64_t *s = k->core_bins[cpu];
	for (uint32_t i = bin_of(h, a), j = bin_of(h, b - 1); i <= j; i++) {
		uint64_t lo = h->ws + (uint64_t)i * h->bin_ns, hi = lo + h->bin_ns;
		uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
		if (i == h->nbins - 1)
			y = b;
		if (y > x)
			s[i] += y - x;
	}
}

static void core_add(struct hm *h, struct hm_task *k, int32_t cpu, uint64_t a, uint64_t b)
{
	if (cpu < 0 || (size_t)cpu >= h->ncpus)
		return;
	k->core_count++;
	if (!k->core_binned) {
		if (k->core.n < h->o->exact_max && h->exact_left) {
			if (!list_add(h, &k->core, a, b - a, (uint32_t)cpu))
				h->exact_left--;
			return;
		}
		k->core_binned = 1;
		if (!(k->core_bins = calloc(h->ncpus, sizeof(*k->core_bins)))) {
			h->nomem = 1;
			return;
		}
		for (size_t i = 0; i < k->core.n; i++)
			core_bins_add(h, k, k->core.v[i].key, k->core.v[i].t,
				      k->core.v[i].t + k->core.v[i].d);
		h->exact_left += k->core.n;
		list_free(&k->core);
	}
	core_bins_add(h, k, (uint32_t)cpu, a, b);
}

static int32_t id_of(struct hm *h, const struct pw_an_task *t, size_t idx)
{
	if (h->id[idx] >= 0)
		return h->id[idx];
	// the visible task's id (threads merged into it share it)
	const struct pw_an_task *v = visible(t);
	if (h->vid[v->index] < 0) {
		h->ids[h->nids] = v;
		h->vid[v->index] = (int32_t)h->nids++;
	}
	return h->id[idx] = h->vid[v->index];
}

static void cpu_flush(struct hm *h, struct hm_cpu *c)
{
	if (c->cur < 0)
		return;
	size_t best = 0;
	uint64_t busy = 0;
	for (size_t i = 0; i < c->nacc; i++) {
		busy += c->acc[i].ns;
		if (c->acc[i].ns > c->acc[best].ns ||
		    (c->acc[i].ns == c->acc[best].ns && c->acc[i].id < c->acc[best].id))
			best = i;
	}
	if (c->nacc) {
		c->top[c->cur] = c->acc[best].id;
		c->top_ns[c->cur] = c->acc[best].ns;
		c->busy[c->cur] = busy;
		c->ntasks[c->cur] = (uint32_t)c->nacc;
	}
	c->nacc = 0;
	c->cur = -1;
	(void)h;
}

static void cpu_acc(struct hm *h, struct hm_cpu *c, uint32_t bin, int32_t id, uint64_t ns)
{
	if (c->cur != (int64_t)bin) {
		cpu_flush(h, c);
		c->cur = bin;
	}
	for (size_t i = 0; i < c->nacc; i++)
		if (c->acc[i].id == id) {
			c->acc[i].ns += ns;
			return;
		}
	if (c->nacc == c->capacc) {
		size_t cap = c->capacc ? 2 * c->capacc : 8;
		struct hm_acc *a = realloc(c->acc, cap * sizeof(*a));
		if (!a) {
			h->nomem = 1;
			return;
		}
		c->acc = a;
		c->capacc = cap;
	}
	c->acc[c->nacc++] = (struct hm_acc){ id, ns };
}

static void cpu_add(struct hm *h, int32_t cpu, int32_t id, uint64_t a, uint64_t b)
{
	if (cpu < 0 || (size_t)cpu >= h->ncpus)
		return;
	struct hm_cpu *c = &h->cpus[cpu];
	c->count++;
	if (!c->binned) {
		if (c->ex.n < h->o->exact_max && h->cpu_exact_left) {
			if (!list_add(h, &c->ex, a, b - a, (uint32_t)id))
				h->cpu_exact_left--;
		} else {
			c->binned = 1;
			h->cpu_exact_left += c->ex.n;
			list_free(&c->ex);
		}
	}
	// always binned too (slices of a CPU come in time order)
	uint64_t i = (a - h->ws) / h->cpu_bin_ns, j = (b - 1 - h->ws) / h->cpu_bin_ns;
	if (j >= h->cpu_nbins)
		j = h->cpu_nbins - 1;
	for (; i <= j; i++) {
		uint64_t lo = h->ws + i * h->cpu_bin_ns, hi = lo + h->cpu_bin_ns;
		uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
		if (i == h->cpu_nbins - 1)
			y = b;
		if (y > x)
			cpu_acc(h, c, (uint32_t)i, id, y - x);
	}
}

static uint32_t reason_key(struct hm *h, uint32_t isa, uint32_t reason)
{
	if (isa != PW_ISA_SVM)
		isa = PW_ISA_VMX;
	for (size_t i = 0; i < h->nreasons; i++)
		if (h->reasons[i].isa == isa && h->reasons[i].reason == reason)
			return (uint32_t)i;
	struct hm_reason *r = realloc(h->reasons, (h->nreasons + 1) * sizeof(*r));
	if (!r) {
		h->nomem = 1;
		return UINT32_MAX;
	}
	h->reasons = r;
	r = &r[h->nreasons];
	r->isa = isa;
	r->reason = reason;
	r->name = pw_kvm_reason_name(isa, reason, r->buf, sizeof(r->buf));
	return (uint32_t)h->nreasons++;
}

// make task k's per-reason tables hold key
static int task_keys(struct hm *h, struct hm_task *k, uint32_t key)
{
	if (key < k->nkeys)
		return 0;
	size_t n = key + 1;
	uint64_t *u = realloc(k->unpaired, n * sizeof(*u));
	if (u)
		k->unpaired = u;
	uint64_t (*hs)[PW_HM_DUR] = u ? realloc(k->hist, n * sizeof(*hs)) : NULL;
	if (!u || !hs) {
		h->nomem = 1;
		return -1;
	}
	k->hist = hs;
	memset(u + k->nkeys, 0, (n - k->nkeys) * sizeof(*u));
	memset(hs + k->nkeys, 0, (n - k->nkeys) * sizeof(*hs));
	k->nkeys = n;
	return 0;
}

static int in_win(const struct hm *h, uint64_t t)
{
	return t >= h->ws && t <= h->we;
}

static void on_record(void *ctx, const struct pw_an_record *rec)
{
	struct hm *h = ctx;
	size_t idx = rec->task->index;

	if (h->nomem || idx >= h->run->nr_all_tasks)
		return;
	const struct pw_an_task *t1 = h->run->all_tasks[idx];
	struct hm_task *k = h->slot[idx] >= 0 ? &h->tasks[h->slot[idx]] : NULL;
	uint64_t a = rec->start < h->ws ? h->ws : rec->start;
	uint64_t b = rec->end > h->we ? h->we : rec->end;
	uint32_t key;

	switch (rec->kind) {
	case PW_REC_SLICE:
		if (b > a && visible(t1)->tid != 0)
			cpu_add(h, rec->cpu, id_of(h, t1, idx), a, b);
		if (!k)
			return;
		if (b > a)
			core_add(h, k, rec->cpu, a, b);
		if ((rec->flags & PW_REC_F_OPEN) || !in_win(h, rec->end))
			return;
		if (rec->flags & PW_REC_F_NOSTART)
			k->nostart++;
		else
			series_add(h, &k->s[S_RUN], rec->end, rec->end - rec->start, 0);
		return;
	case PW_REC_SLEEP:
		if (k && in_win(h, rec->end))
			series_add(h, &k->s[S_SLEEP], rec->end, rec->end - rec->start, 0);
		return;
	case PW_REC_KVM_HOST:
		if (!k || !in_win(h, rec->start))
			return;
		key = reason_key(h, rec->isa, rec->reason);
		if (key == UINT32_MAX || task_keys(h, k, key))
			return;
		if (rec->flags & PW_REC_F_UNPAIRED) {
			k->unpaired[key]++;
			return;
		}
		series_add(h, &k->s[S_HOST], rec->start, rec->end - rec->start, key);
		k->hist[key][pw_hm_dur_bucket(rec->end - rec->start)]++;
		return;
	case PW_REC_KVM_GUEST:
		if (!k || !in_win(h, rec->end))
			return;
		key = reason_key(h, rec->isa, rec->reason);
		if (key == UINT32_MAX || task_keys(h, k, key))
			return;
		series_add(h, &k->s[S_GUEST], rec->end, rec->end - rec->start, key);
		return;
	default:
		return;
	}
}

/* ---- bounding ---------------------------------------------------------- */

// the non-empty buckets of one time bin's column: [lo, hi]; 0 when empty
static int col_range(const uint32_t *g, unsigned *lo, unsigned *hi)
{
	unsigned a = 0, b = PW_HM_DUR;

	if (!g)
		return 0;
	while (a < PW_HM_DUR && !g[a])
		a++;
	if (a == PW_HM_DUR)
		return 0;
	while (!g[b - 1])
		b--;
	*lo = a;
	*hi = b - 1;
	return 1;
}

// the numbers the binned task series take in the document (what makes
// its size): per column 3 or 4 plus its buckets; per core cell 3
static uint64_t cells(const struct hm *h)
{
	uint64_t n = 0;

	for (size_t i = 0; i < h->ntasks; i++) {
		const struct hm_task *k = &h->tasks[i];
		for (int s = 0; s < S__N; s++)
			for (size_t key = 0; key < k->s[s].nkeys; key++) {
				const uint32_t *g = k->s[s].grid[key];
				unsigned lo, hi;
				for (uint32_t b = 0; g && b < h->nbins; b++)
					if (col_range(g + (size_t)b * PW_HM_DUR, &lo, &hi))
						n += 3 + (s == S_HOST || s == S_GUEST) + hi - lo + 1;
			}
		for (size_t c = 0; k->core_bins && c < h->ncpus; c++)
			for (uint32_t b = 0; k->core_bins[c] && b < h->nbins; b++)
				n += 3 * (k->core_bins[c][b] != 0);
	}
	return n;
}

// halve the time resolution of every binned series (exact: counts add up)
static void fold(struct hm *h)
{
	uint32_t half = h->nbins / 2;

	for (size_t i = 0; i < h->ntasks; i++) {
		struct hm_task *k = &h->tasks[i];
		for (int s = 0; s < S__N; s++)
			for (size_t key = 0; key < k->s[s].nkeys; key++) {
				uint32_t *g = k->s[s].grid[key];
				if (!g)
					continue;
				for (uint32_t b = 0; b < half; b++)
					for (unsigned d = 0; d < PW_HM_DUR; d++)
						g[b * PW_HM_DUR + d] = g[2 * b * PW_HM_DUR + d] +
								       g[(2 * b + 1) * PW_HM_DUR + d];
			}
		for (size_t c = 0; k->core_bins && c < h->ncpus; c++) {
			uint64_t *s = k->core_bins[c];
			for (uint32_t b = 0; s && b < half; b++)
				s[b] = s[2 * b] + s[2 * b + 1];
		}
	}
	h->nbins = half;
	h->bin_ns *= 2;
}

/* ---- output ------------------------------------------------------------ */

static void put_series(FILE *f, const struct hm *h, const struct hm_series *s, int kvm,
		       struct pw_hm_summary *sum)
{
	fprintf(f, "{\"count\":%" PRIu64 ",\"mode\":\"%s\",", s->count,
		s->binned ? "bins" : "exact");
	if (s->count) {
		sum->series++;
		if (s->binned) {
			sum->binned++;
			sum->binned_events += s->count;
		} else {
			sum->exact_events += s->count;
		}
	}
	if (!s->binned) {
		struct hm_list l = s->ex;
		uint64_t prev = h->ws;	// times: deltas from the window start
		fputs("\"t\":[", f);
		for (size_t i = 0; i < l.n; i++) {
			fprintf(f, "%s%" PRId64, i ? "," : "", (int64_t)(l.v[i].t - prev));
			prev = l.v[i].t;
		}
		fputs("],\"d\":[", f);
		for (size_t i = 0; i < l.n; i++)
			fprintf(f, "%s%" PRIu64, i ? "," : "", l.v[i].d);
		fputs("]", f);
		if (kvm) {
			fputs(",\"k\":[", f);
			for (size_t i = 0; i < l.n; i++)
				fprintf(f, "%s%" PRIu32, i ? "," : "", l.v[i].key);
			fputs("]", f);
		}
		fputs("}", f);
		return;
	}
	// columns: for every time bin and key with events: bin, (key,) the
	// first non-empty bucket, how many buckets follow, their counts
	fputs("\"cols\":[", f);
	int first = 1;
	for (uint32_t b = 0; b < h->nbins; b++)
		for (size_t key = 0; key < s->nkeys; key++) {
			const uint32_t *g = s->grid[key] ? s->grid[key] + (size_t)b * PW_HM_DUR : NULL;
			unsigned lo, hi;
			if (!col_range(g, &lo, &hi))
				continue;
			fprintf(f, first ? "%" PRIu32 : ",%" PRIu32, b);
			if (kvm)
				fprintf(f, ",%zu", key);
			fprintf(f, ",%u,%u", lo, hi - lo + 1);
			for (unsigned d = lo; d <= hi; d++)
				fprintf(f, ",%" PRIu32, g[d]);
			first = 0;
		}
	fputs("]}", f);
}

static void put_task(FILE *f, struct hm *h, size_t i, struct pw_hm_summary *sum)
{
	struct hm_task *k = &h->tasks[i];
	const struct pw_an_task *t = k->t;
	const struct pw_an_run *run = h->run;

	fprintf(f, "{\"id\":%zu,\"tid\":%" PRId32 ",\"pid\":%" PRId32 ",\"name\":", i, t->tid, t->pid);
	pw_json_string(f, t->name);
	fprintf(f, ",\"nostart\":%" PRIu64, k->nostart);
	for (int s = 0; s < S__N; s++) {
		fprintf(f, ",\"%s\":", series_name[s]);
		put_series(f, h, &k->s[s], s == S_HOST || s == S_GUEST, sum);
	}
	// per reason: exits without entry and the exit -> entry histogram,
	// with the analysis' percentiles (the --json ones: same histograms)
	fputs(",\"reasons\":[", f);
	int first = 1;
	for (size_t key = 0; key < k->nkeys; key++) {
		uint64_t n = 0;
		unsigned lo = PW_HM_DUR, hi = 0;
		for (unsigned d = 0; d < PW_HM_DUR; d++)
			if (k->hist[key][d]) {
				n += k->hist[key][d];
				lo = d < lo ? d : lo;
				hi = d;
			}
		if (!n && !k->unpaired[key])
			continue;
		const struct pw_an_reason *r = pw_an_reason_find(t, h->reasons[key].name);
		fprintf(f, "%s{\"key\":%zu,\"timed\":%" PRIu64 ",\"unpaired\":%" PRIu64, first ? "" : ",",
			key, n, k->unpaired[key]);
		first = 0;
		if (r && r->host.count) {
			fprintf(f, ",\"p50_ns\":%" PRIu64 ",\"p90_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64
				",\"min_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64,
				pw_hist_percentile(&r->host, 50.0), pw_hist_percentile(&r->host, 90.0),
				pw_hist_percentile(&r->host, 99.0), r->host.min, r->host.max);
		}
		fprintf(f, ",\"lo\":%u,\"hist\":[", n ? lo : 0);
		for (unsigned d = lo; n && d <= hi; d++)
			fprintf(f, "%s%" PRIu64, d > lo ? "," : "", k->hist[key][d]);
		fputs("]}", f);
	}
	fputs("]", f);
	// where it ran
	fprintf(f, ",\"core\":{\"count\":%" PRIu64 ",\"mode\":\"%s\",", k->core_count,
		k->core_binned ? "bins" : "exact");
	if (!k->core_binned) {
		uint64_t prev = h->ws;
		fputs("\"t\":[", f);
		for (size_t e = 0; e < k->core.n; e++) {
			fprintf(f, "%s%" PRId64, e ? "," : "", (int64_t)(k->core.v[e].t - prev));
			prev = k->core.v[e].t;
		}
		fputs("],\"d\":[", f);
		for (size_t e = 0; e < k->core.n; e++)
			fprintf(f, "%s%" PRIu64, e ? "," : "", k->core.v[e].d);
		fputs("],\"cpu\":[", f);
		for (size_t e = 0; e < k->core.n; e++)
			fprintf(f, "%s%" PRIu32, e ? "," : "", k->core.v[e].key);
		fputs("]}", f);
	} else {
		fputs("\"cells\":[", f);	// bin, cpu, runtime ns
		first = 1;
		for (uint32_t b = 0; b < h->nbins; b++)
			for (size_t c = 0; c < h->ncpus; c++)
				if (k->core_bins[c] && k->core_bins[c][b]) {
					fprintf(f, "%s%" PRIu32 ",%zu,%" PRIu64, first ? "" : ",", b, c,
						k->core_bins[c][b]);
					first = 0;
				}
		fputs("]}", f);
	}
	// the first pass' runtime and switch series (opts.max_bins)
	fputs(",\"rt\":[", f);
	for (uint32_t b = 0; t->bin_runtime && b < run->nr_bins; b++)
		fprintf(f, "%s%" PRIu64, b ? "," : "", t->bin_runtime[b]);
	fputs("],\"sw\":[", f);
	for (uint32_t b = 0; t->bin_switches && b < run->nr_bins; b++)
		fprintf(f, "%s%" PRIu32, b ? "," : "", t->bin_switches[b]);
	fputs("]}", f);
}

static void put_cpu(FILE *f, struct hm *h, size_t c, struct pw_hm_summary *sum)
{
	const struct hm_cpu *p = &h->cpus[c];
	const struct pw_an_run *run = h->run;

	sum->cpus++;
	sum->cpus_binned += p->binned ? 1 : 0;
	fprintf(f, "{\"cpu\":%zu,\"count\":%" PRIu64 ",\"mode\":\"%s\",", c, p->count,
		p->binned ? "bins" : "exact");
	if (!p->binned) {
		uint64_t prev = h->ws;
		fputs("\"t\":[", f);
		for (size_t e = 0; e < p->ex.n; e++) {
			fprintf(f, "%s%" PRId64, e ? "," : "", (int64_t)(p->ex.v[e].t - prev));
			prev = p->ex.v[e].t;
		}
		fputs("],\"d\":[", f);
		for (size_t e = 0; e < p->ex.n; e++)
			fprintf(f, "%s%" PRIu64, e ? "," : "", p->ex.v[e].d);
		fputs("],\"id\":[", f);
		for (size_t e = 0; e < p->ex.n; e++)
			fprintf(f, "%s%" PRIu32, e ? "," : "", p->ex.v[e].key);
		fputs("],", f);
	}
	// bins are always there: bin, top id, its ns, busy ns, tasks
	fputs("\"cells\":[", f);
	int first = 1;
	for (uint32_t b = 0; p->busy && b < h->cpu_nbins; b++) {
		if (!p->busy[b])
			continue;
		fprintf(f, "%s%" PRIu32 ",%" PRId32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu32,
			first ? "" : ",", b, p->top[b], p->top_ns[b], p->busy[b], p->ntasks[b]);
		first = 0;
	}
	fputs("],\"busy\":[", f);	// the first pass' busy series (opts.max_bins)
	const uint64_t *bb = c < run->nr_cpu_slots ? run->cpus[c].bin_busy : NULL;
	for (uint32_t b = 0; bb && b < run->nr_bins; b++)
		fprintf(f, "%s%" PRIu64, b ? "," : "", bb[b]);
	fputs("]}", f);
}

static void hm_free(struct hm *h)
{
	for (size_t i = 0; i < h->ntasks; i++) {
		struct hm_task *k = &h->tasks[i];
		for (int s = 0; s < S__N; s++) {
			for (size_t key = 0; key < k->s[s].nkeys; key++)
				free(k->s[s].grid[key]);
			free(k->s[s].grid);
			list_free(&k->s[s].ex);
		}
		free(k->unpaired);
		free(k->hist);
		list_free(&k->core);
		for (size_t c = 0; k->core_bins && c < h->ncpus; c++)
			free(k->core_bins[c]);
		free(k->core_bins);
	}
	for (size_t c = 0; c < h->ncpus; c++) {
		struct hm_cpu *p = &h->cpus[c];
		list_free(&p->ex);
		free(p->top);
		free(p->top_ns);
		free(p->busy);
		free(p->ntasks);
		free(p->acc);
	}
	free(h->tasks);
	free(h->cpus);
	free(h->slot);
	free(h->id);
	free(h->vid);
	free(h->ids);
	free(h->reasons);
}

static uint32_t pow2_floor(uint64_t v)
{
	uint32_t p = 1;
	while ((uint64_t)p * 2 <= v && p < (1u << 30))
		p *= 2;
	return p;
}

int pw_hm_write(FILE *f, const struct pw_an_run *run, const struct pw_hm_opts *ho,
		struct pw_hm_summary *sum, char *err, size_t errsize)
{
	struct hm h = { 0 };
	unsigned char *full = NULL;
	int e = PW_ENOMEM;

	memset(sum, 0, sizeof(*sum));
	h.run = run;
	h.o = ho;
	h.ws = run->win_start;
	h.we = run->win_end;
	uint64_t span = h.we - h.ws + 1;
	h.nbins = PW_HM_BINS;
	h.bin_ns = (span + h.nbins - 1) / h.nbins;
	// the first pass' series bins when they are nearly as fine (at most
	// 1/4 wider): the CPU % strip and the heatmaps then share bin edges
	if (run->bin_ns && run->bin_ns * PW_HM_BINS >= span &&
	    run->bin_ns * 4 <= h.bin_ns * 5)
		h.bin_ns = run->bin_ns;
	h.ncpus = run->nr_cpu_slots;
	uint64_t cpub = ho->cpu_cells / (h.ncpus ? h.ncpus : 1);
	h.cpu_nbins = pow2_floor(cpub < 64 ? 64 : cpub > 1024 ? 1024 : cpub);
	h.cpu_bin_ns = (span + h.cpu_nbins - 1) / h.cpu_nbins;
	if ((h.bin_ns * PW_HM_BINS) % h.cpu_nbins == 0 &&
	    h.bin_ns * PW_HM_BINS / h.cpu_nbins >= h.cpu_bin_ns)
		h.cpu_bin_ns = h.bin_ns * PW_HM_BINS / h.cpu_nbins;	// aligned too
	h.exact_left = ho->exact_total;
	h.cpu_exact_left = ho->exact_total;
	size_t n = run->nr_all_tasks;
	h.slot = malloc((n ? n : 1) * sizeof(*h.slot));
	h.id = malloc((n ? n : 1) * sizeof(*h.id));
	h.vid = malloc((n ? n : 1) * sizeof(*h.vid));
	h.ids = calloc(n ? n : 1, sizeof(*h.ids));
	h.tasks = calloc(ho->max_tasks ? ho->max_tasks : 1, sizeof(*h.tasks));
	h.cpus = calloc(h.ncpus ? h.ncpus : 1, sizeof(*h.cpus));
	if (!h.slot || !h.id || !h.vid || !h.ids || !h.tasks || !h.cpus)
		goto out;
	for (size_t i = 0; i < h.ncpus; i++) {
		struct hm_cpu *p = &h.cpus[i];
		p->cur = -1;
		p->top = malloc(h.cpu_nbins * sizeof(*p->top));
		p->top_ns = calloc(h.cpu_nbins, sizeof(*p->top_ns));
		p->busy = calloc(h.cpu_nbins, sizeof(*p->busy));
		p->ntasks = calloc(h.cpu_nbins, sizeof(*p->ntasks));
		if (!p->top || !p->top_ns || !p->busy || !p->ntasks)
			goto out;
		for (uint32_t b = 0; b < h.cpu_nbins; b++)
			p->top[b] = -1;
	}

	// the shown tasks: selected, most runtime first (the analysis' order),
	// no idle task; their ids come first
	for (size_t i = 0; i < run->nr_tasks; i++) {
		const struct pw_an_task *t = run->tasks[i];
		if (!t->selected || t->tid == 0)
			continue;
		if (h.ntasks == ho->max_tasks) {
			sum->omitted++;
			continue;
		}
		h.tasks[h.ntasks].t = t;
		h.ids[h.nids++] = t;
		h.ntasks++;
	}
	for (size_t i = 0; i < n; i++)
		h.vid[i] = -1;
	for (size_t k = 0; k < h.ntasks; k++)
		h.vid[h.tasks[k].t->index] = (int32_t)k;
	for (size_t i = 0; i < n; i++)
		h.slot[i] = h.id[i] = h.vid[visible(run->all_tasks[i])->index];

	// the shown tasks' threads get every record, the others their slices
	// (the CPU view)
	full = malloc(n ? n : 1);
	if (!full)
		goto out;
	for (size_t i = 0; i < n; i++)
		full[i] = h.slot[i] >= 0;
	if ((e = pw_an_replay(run, full, on_record, &h, err, errsize)))
		goto out_msg;
	for (size_t c = 0; c < h.ncpus; c++)
		cpu_flush(&h, &h.cpus[c]);
	if (h.nomem) {
		e = PW_ENOMEM;
		goto out;
	}
	while (h.nbins > 16 && cells(&h) > ho->cell_budget)
		fold(&h);

	fputs("{\"name\":", f);
	pw_json_string(f, run->name);
	fprintf(f, ",\"start_ns\":%" PRIu64 ",\"end_ns\":%" PRIu64 ",\"bin_ns\":%" PRIu64
		",\"nr_bins\":%" PRIu32 ",\"cpu_bin_ns\":%" PRIu64 ",\"cpu_nr_bins\":%" PRIu32
		",\"series_bin_ns\":%" PRIu64 ",\"series_nr_bins\":%" PRIu32,
		h.ws, h.we, h.bin_ns, h.nbins, h.cpu_bin_ns, h.cpu_nbins, run->bin_ns, run->nr_bins);
	fputs(",\"reasons\":[", f);
	for (size_t i = 0; i < h.nreasons; i++) {
		fputs(i ? "," : "", f);
		pw_json_string(f, h.reasons[i].name);
	}
	fputs("],\"ids\":[", f);	// every task the page names: [tid, name]
	for (size_t i = 0; i < h.nids; i++) {
		fprintf(f, "%s[%" PRId32 ",", i ? "," : "", h.ids[i]->tid);
		pw_json_string(f, h.ids[i]->name);
		fputs("]", f);
	}
	fputs("],\"tasks\":[", f);
	for (size_t i = 0; i < h.ntasks; i++) {
		fputs(i ? "," : "", f);
		put_task(f, &h, i, sum);
	}
	fprintf(f, "],\"omitted\":%zu,\"omitted_names\":[", sum->omitted);
	size_t shown = 0, k = 0;
	for (size_t i = 0; i < run->nr_tasks && shown < 20; i++) {
		const struct pw_an_task *t = run->tasks[i];
		if (!t->selected || t->tid == 0)
			continue;
		if (k++ < h.ntasks)
			continue;
		fputs(shown++ ? "," : "", f);
		pw_json_string(f, t->name);
	}
	fputs("],\"cpus\":[", f);
	for (size_t c = 0; c < h.ncpus; c++) {
		fputs(c ? "," : "", f);
		put_cpu(f, &h, c, sum);
	}
	fputs("]}", f);
	sum->tasks = h.ntasks;
	sum->bin_ns = h.bin_ns;
	sum->nr_bins = h.nbins;
	sum->cpu_bin_ns = h.cpu_bin_ns;
	e = ferror(f) ? PW_EIO : 0;
	goto out_msg;
out:
	if (e == PW_ENOMEM)
		snprintf(err, errsize, "out of memory making the heatmaps of '%s'", run->file);
out_msg:
	free(full);
	hm_free(&h);
	return e;
}
