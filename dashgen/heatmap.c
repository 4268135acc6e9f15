// SPDX-License-Identifier: Apache-2.0
// heatmap.c: the data behind NAME-heatmaps.html, in the first pass or a second: heatmaps, histograms, core maps, bounded (see heatmap.h).
#include "heatmap.h"

#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "jwrite.h"
#include "kvm_reasons.h"
#include "memfile.h"
#include "pw_compiler.h"
#include "pw_thread.h"
#include "replay.h"

enum { S_RUN, S_SLEEP, S_HOST, S_GUEST, S__N };
static const char *const series_name[S__N] = { "run", "sleep", "host", "guest" };

struct hm_ev {
	uint64_t t, d;		// time (abs), duration
	uint32_t key;		// reason key (KVM), cpu (core), id (CPU view)
};

// An exact list: blocks of HM_BLK events (never copied when the list
// grows; a list that becomes bins gives them back to the run's pool).
#define HM_BLK 256

struct hm_blk {
	struct hm_blk *next;
	struct hm_ev v[HM_BLK];
};

struct hm_list {
	struct hm_blk *head, *tail;
	size_t n;
};

struct hm_series {
	uint64_t count;		// events in the window
	int binned;
	uint32_t sid;		// single pass: its number in the budget's log
	struct hm_list ex;	// exact events while !binned
	void **grid;		// per key: nbins x PW_HM_DUR counts, lazily:
				// uint16_t, or uint32_t once wide (cell())
	uint64_t **mask;	// per key: per bin, bit k set when bucket k
				// has events (PW_HM_DUR <= 64)
	size_t nkeys;
	int wide;		// the grids hold uint32_t: a count passed 65,535
};

// Grid cells are 16 bits until one of a series' counts would pass 65,535,
// then that series' grids are made 32-bit (series_widen()): half the memory
// of the grids, which are most of what the heatmaps' collection touches
// first, each page a fault and the kernel's zeroing (docs/decisions.md,
// "16-bit heatmap cells").
static inline uint32_t cell(const struct hm_series *s, const void *g, size_t i)
{
	return s->wide ? ((const uint32_t *)g)[i] : ((const uint16_t *)g)[i];
}

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
	// the key of the last exit's reason: its guest interval and then its
	// host interval ask for the same one
	uint32_t rk_isa, rk_reason, rk_key;	// rk_key UINT32_MAX: none
	// single pass: the core map's number in the budget's log, and per
	// reason key when the task first asked for it (0: never)
	uint32_t core_sid;
	uint64_t *kseq;
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
	uint64_t cur_lo;		// its start
	struct hm_acc *acc;		// its tasks
	size_t nacc, capacc;
	uint32_t *accix;		// id -> acc position + 1, 0 none
					// (nr_all_tasks + 1 entries, lazily)
};

#define HM_RKEY 128		// reasons below this code have a key table

struct hm_reason {
	uint32_t isa, reason;
	const char *name;	// static, or buf (see reason_name_fix)
	char buf[24];
};

// single pass: a CPU view bin whose top tasks tie (which one is shown
// depends on the final ids: the lowest)
struct hm_tie {
	uint32_t cpu, bin;
	size_t at, n;		// in tie_ids
};

struct hm {
	const struct pw_an_run *run;
	const struct pw_hm_opts *o;
	uint64_t ws, we;		// window, inclusive
	uint64_t wlen;			// we - ws
	uint64_t bin_ns;
	uint32_t nbins;
	uint64_t cpu_bin_ns;
	uint32_t cpu_nbins;
	int32_t *slot;			// all_tasks index -> heat slot, -1
	unsigned char *cview;		// all_tasks index -> in the CPU view
					// (not an idle task)
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
	int32_t rkey[2][HM_RKEY];	// [isa is SVM][reason] -> key, -1 none
	uint64_t sb_lo;			// the series bin last found: its start
	uint32_t sb_idx;		// and index
	uint64_t exact_left;
	uint64_t cpu_exact_left;
	struct hm_blk *pool;		// free blocks
	int nomem;
	size_t idcap;			// ids the CPU views' accix hold
	// single pass (collect): every task's series, reason keys and CPU
	// view ids provisional, no exact budget; what the budget would have
	// seen is logged, to be replayed for the shown tasks at the end
	int collect;
	size_t cap;			// tasks the per-task arrays hold
	uint16_t *log;			// series number of each add to a
	size_t nlog, caplog;		// series still exact, in event order
	uint64_t kseq;			// reason keys' first uses, counted
	uint64_t bytes, bytes_max;	// exact lists, grids, core bins and the
					// log, and their bound
	struct hm_tie *ties;
	size_t nties, capties;
	int32_t *tie_ids;
	size_t ntie_ids, captie_ids;
};

// single pass: the bytes of exact lists, grids, core bins and the budget's
// log it may hold before it gives up (the second pass then does it, for the
// shown tasks only): every task's series are held until the end, which for
// hundreds of busy tasks is far more than the 64 shown ones take
#define HM_COLLECT_BYTES (96u << 20)

PW_COLD void collect_bytes(struct hm *h, uint64_t n)
{
	if ((h->bytes += n) > h->bytes_max)
		h->nomem = 1;	// the second pass takes over
}
// and the tasks a file may have (its trailer says) for a single pass of
// every task; beyond, or whenever the window is the whole file (to_hold()),
// only some of the tids its trailer names with the most runtime are held
// (their series only: the CPU views take every task), and the second pass
// is made when a shown task is not one of them
#define HM_COLLECT_TASKS 512
#define HM_CANDIDATES 128
#define HM_TIE_ROOM 8		// see to_hold()

/* ---- duration buckets -------------------------------------------------- */

static uint64_t edges[PW_HM_DUR + 1];
// per sixteenth of an octave [(16 + m) << (e - 4), (17 + m) << (e - 4)),
// 4 <= e < 36 (all durations from 16 ns to the last bucket's edge, below
// 2^36), index 16 (e - 4) + m: the bucket of its lowest value, capped at
// PW_HM_DUR - 2 so that dur_bucket's one step stays in range
#define OCT_E0 4
#define OCT_E1 36
static unsigned char oct_k[(OCT_E1 - OCT_E0) * 16];

// the reference: the last k with edges[k] <= ns (0 when below), k <= 49
static unsigned dur_bucket_search(uint64_t ns)
{
	unsigned lo = 0, hi = PW_HM_DUR - 1;

	while (lo < hi) {
		unsigned mid = (lo + hi + 1) / 2;
		if (edges[mid] <= ns)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static void edges_init(void)
{
	if (edges[0])
		return;
	for (unsigned k = 0; k <= PW_HM_DUR; k++)
		edges[k] = (uint64_t)llround(pow(10.0, 1.0 + (double)k / PW_HM_PER_DECADE));
	for (unsigned e = OCT_E0; e < OCT_E1; e++)
		for (unsigned m = 0; m < 16; m++) {
			unsigned k = dur_bucket_search((uint64_t)(16 + m) << (e - 4));
			oct_k[16 * (e - OCT_E0) + m] =
				(unsigned char)(k < PW_HM_DUR - 2 ? k : PW_HM_DUR - 2);
		}
}

uint64_t pw_hm_dur_edge(unsigned k)
{
	edges_init();
	return edges[k > PW_HM_DUR ? PW_HM_DUR : k];
}

// As dur_bucket_search, from the sixteenth of an octave ns is in: one
// holds at most one edge (a ratio of at most 17/16, a bucket 10^(1/5)), so
// at most one step. The exponent and the first 4 bits of the mantissa of
// ns as a double (exact below 2^53) index the table: no variable shift,
// no search. edges_init() first.
PW_HOT unsigned dur_bucket(uint64_t ns)
{
	if (ns < edges[1])	// 16: below, bucket 0
		return 0;
	if (ns >= edges[PW_HM_DUR - 1])	// < 2^36
		return PW_HM_DUR - 1;
	double x = (double)(int64_t)ns;
	uint64_t bits;
	memcpy(&bits, &x, sizeof(bits));
	unsigned k = oct_k[(bits >> 48) - ((1023u + OCT_E0) << 4)];
	return k + (edges[k + 1] <= ns);
}

// dur_bucket against the search, about every edge (once, at the first
// pw_hm_write)
static void check_dur_bucket(void)
{
	// the table covers [edges[1], edges[PW_HM_DUR - 1])
	assert(edges[1] >> OCT_E0 == 1 && edges[PW_HM_DUR - 1] < (uint64_t)1 << OCT_E1);
	for (unsigned k = 0; k <= PW_HM_DUR; k++)
		for (uint64_t v = edges[k] - 1; v <= edges[k] + 1; v++)
			assert(dur_bucket(v) == dur_bucket_search(v));
	for (uint64_t v = 0; v < 64; v++)
		assert(dur_bucket(v) == dur_bucket_search(v));
	for (unsigned e = 6; e < 64; e++) {
		uint64_t v = (uint64_t)1 << e;
		assert(dur_bucket(v - 1) == dur_bucket_search(v - 1));
		assert(dur_bucket(v + v / 4) == dur_bucket_search(v + v / 4));
		assert(dur_bucket(v + v / 16 * 15) == dur_bucket_search(v + v / 16 * 15));
	}
	assert(dur_bucket(UINT64_MAX) == PW_HM_DUR - 1);
}

/* ---- collection -------------------------------------------------------- */

// Each interval of the replay (replay.h) goes through here: the common
// cases inline, a bin found without a division when it is the one the last
// interval fell in (they come in time order), a list grown only now and
// then.

static const struct pw_an_task *visible(const struct pw_an_task *t)
{
	while (t->merged_into)
		t = t->merged_into;
	return t;
}

PW_COLD int list_grow(struct hm *h, struct hm_list *l)
{
	struct hm_blk *b = h->pool;

	if (b) {
		h->pool = b->next;
	} else if (!(b = malloc(sizeof(*b)))) {
		h->nomem = 1;
		return -1;
	} else if (h->collect) {
		collect_bytes(h, sizeof(*b));
	}
	b->next = NULL;
	if (l->tail)
		l->tail->next = b;
	else
		l->head = b;
	l->tail = b;
	return 0;
}

PW_HOT int list_add(struct hm *h, struct hm_list *l, uint64_t t, uint64_t d, uint32_t key)
{
	size_t i = l->n % HM_BLK;

	if (!i && list_grow(h, l))
		return -1;
	l->tail->v[i] = (struct hm_ev){ t, d, key };
	l->n++;
	return 0;
}

PW_COLD void log_grow(struct hm *h)
{
	size_t cap = h->caplog ? 2 * h->caplog : 65536;
	uint16_t *l = realloc(h->log, cap * sizeof(*l));

	collect_bytes(h, (cap - h->caplog) * sizeof(*l));
	if (!l) {
		h->nomem = 1;
		h->nlog = 0;
		return;
	}
	h->log = l;
	h->caplog = cap;
}

// single pass: an add the exact budget would see (the series is exact)
PW_HOT void log_add(struct hm *h, uint32_t sid)
{
	if (h->nlog == h->caplog)
		log_grow(h);
	if (h->nlog < h->caplog)
		h->log[h->nlog++] = (uint16_t)sid;	// < 65536: see collect_grow
}

// list_free: its blocks to the pool (h NULL: to free())
static void list_free(struct hm *h, struct hm_list *l)
{
	while (l->head) {
		struct hm_blk *b = l->head;
		l->head = b->next;
		if (h) {
			b->next = h->pool;
			h->pool = b;
		} else {
			free(b);
		}
	}
	l->tail = NULL;
	l->n = 0;
}

// for each event e of list l: LIST_EACH(l, e) { ... }
#define LIST_EACH(l, e)                                                        \
	for (const struct hm_blk *b_ = (l)->head; b_; b_ = b_->next)            \
		for (const struct hm_ev *e = b_->v,                             \
					*end_ = b_->v + (b_->next ? HM_BLK      \
							: (l)->n - ((l)->n - 1) / HM_BLK * HM_BLK); \
		     e < end_; e++)

// The task heatmaps' time bin of t (ws <= t): the last one for anything
// past it. bin [sb_lo, sb_lo + bin_ns) is the one the last lookup found.
PW_HOT uint32_t bin_of(struct hm *h, uint64_t t)
{
	if (t - h->sb_lo < h->bin_ns)
		return h->sb_idx;
	uint64_t i = (t - h->ws) / h->bin_ns;
	if (i >= h->nbins)
		return h->nbins - 1;	// not cached: its range is open
	h->sb_idx = (uint32_t)i;
	h->sb_lo = h->ws + i * h->bin_ns;
	return (uint32_t)i;
}

PW_COLD void *grid_new(struct hm *h, struct hm_series *s, uint32_t key)
{
	size_t csize = s->wide ? sizeof(uint32_t) : sizeof(uint16_t);

	if (key >= s->nkeys) {
		void **g = realloc(s->grid, (key + 1) * sizeof(*g));
		uint64_t **m = g ? realloc(s->mask, (key + 1) * sizeof(*m)) : NULL;
		if (g)
			s->grid = g;
		if (!m)
			return NULL;
		s->mask = m;
		memset(g + s->nkeys, 0, (key + 1 - s->nkeys) * sizeof(*g));
		memset(m + s->nkeys, 0, (key + 1 - s->nkeys) * sizeof(*m));
		s->nkeys = key + 1;
	}
	if (h->collect)
		collect_bytes(h, (uint64_t)h->nbins * (PW_HM_DUR * csize + sizeof(uint64_t)));
	if (!s->grid[key])
		s->grid[key] = calloc((size_t)h->nbins * PW_HM_DUR, csize);
	if (!s->mask[key])
		s->mask[key] = calloc(h->nbins, sizeof(uint64_t));
	return s->grid[key] && s->mask[key] ? s->grid[key] : NULL;
}

// s's grids to 32-bit cells; cell i of wkey's grid (a 16-bit count that
// just wrapped to 0) at 65,536 (wkey SIZE_MAX: none). 0, or -1 (h->nomem
// set): out of memory
PW_COLD int series_widen(struct hm *h, struct hm_series *s, size_t wkey, size_t i)
{
	size_t n = (size_t)h->nbins * PW_HM_DUR;

	for (size_t key = 0; key < s->nkeys; key++) {
		const uint16_t *g = s->grid[key];
		if (!g)
			continue;
		uint32_t *w = malloc(n * sizeof(*w));
		if (!w) {	// (the keys done are not undone: the run fails)
			h->nomem = 1;
			return -1;
		}
		for (size_t c = 0; c < n; c++)
			w[c] = g[c];
		if (key == wkey && i != SIZE_MAX)
			w[i] = (uint32_t)UINT16_MAX + 1;
		free(s->grid[key]);
		s->grid[key] = w;
		if (h->collect)
			collect_bytes(h, n * (sizeof(uint32_t) - sizeof(uint16_t)));
	}
	s->wide = 1;
	return 0;
}

// one event into a binned series: its cell's count, and the column's mask
// of non-empty buckets (what the document's size is computed from; a bit
// per event costs less than scanning every grid after the pass)
PW_HOT void series_bin_k(struct hm *h, struct hm_series *s, uint64_t t, unsigned k,
			  uint32_t key)
{
	void *g = key < s->nkeys ? s->grid[key] : NULL;

	if (!g && !(g = grid_new(h, s, key))) {
		h->nomem = 1;
		return;
	}
	uint32_t b = bin_of(h, t);
	size_t i = (size_t)b * PW_HM_DUR + k;
	if (__builtin_expect(!s->wide, 1)) {
		if (__builtin_expect(++((uint16_t *)g)[i] == 0, 0) &&
		    series_widen(h, s, key, i))
			return;
	} else {
		((uint32_t *)g)[i]++;
	}
	s->mask[key][b] |= (uint64_t)1 << k;
}

PW_HOT void series_bin(struct hm *h, struct hm_series *s, uint64_t t, uint64_t d,
		       uint32_t key)
{
	series_bin_k(h, s, t, dur_bucket(d), key);
}

PW_COLD void series_to_bins(struct hm *h, struct hm_series *s)
{
	// too many: bin what was kept, and give it back to the budget
	s->binned = 1;
	LIST_EACH(&s->ex, e)
		series_bin(h, s, e->t, e->d, e->key);
	if (!h->collect)	// (no budget while collecting)
		h->exact_left += s->ex.n;
	list_free(h, &s->ex);
}

PW_HOT void series_add(struct hm *h, struct hm_series *s, uint64_t t, uint64_t d,
			      uint32_t key)
{
	s->count++;
	if (!s->binned) {
		if (h->collect)
			log_add(h, s->sid);
		if (s->ex.n < h->o->exact_max && h->exact_left) {
			if (!list_add(h, &s->ex, t, d, key))
				h->exact_left--;
			return;
		}
		series_to_bins(h, s);
	}
	series_bin(h, s, t, d, key);
}

PW_COLD void core_bins_span(struct hm *h, uint64_t *s, uint64_t a, uint64_t b)
{
	for (uint32_t i = bin_of(h, a), j = bin_of(h, b - 1); i <= j; i++) {
		uint64_t lo = h->ws + (uint64_t)i * h->bin_ns, hi = lo + h->bin_ns;
		uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
		if (i == h->nbins - 1)
			y = b;
		if (y > x)
			s[i] += y - x;
	}
}

PW_HOT void core_bins_add(struct hm *h, struct hm_task *k, uint32_t cpu, uint64_t a,
				 uint64_t b)
{
	if (cpu >= h->ncpus)
		return;
	if (!k->core_bins[cpu]) {
		if (!(k->core_bins[cpu] = calloc(h->nbins, sizeof(uint64_t)))) {
			h->nomem = 1;
			return;
		}
		if (h->collect)
			collect_bytes(h, h->nbins * sizeof(uint64_t));
	}
	uint64_t *s = k->core_bins[cpu];
	uint32_t i = bin_of(h, a);
	if (b - 1 - h->sb_lo < h->bin_ns && i == h->sb_idx)
		s[i] += b - a;		// in one bin (the one just found)
	else
		core_bins_span(h, s, a, b);
}

PW_COLD void core_to_bins(struct hm *h, struct hm_task *k)
{
	k->core_binned = 1;
	if (!(k->core_bins = calloc(h->ncpus, sizeof(*k->core_bins)))) {
		h->nomem = 1;
		return;
	}
	LIST_EACH(&k->core, e)
		core_bins_add(h, k, e->key, e->t, e->t + e->d);
	if (!h->collect)
		h->exact_left += k->core.n;
	list_free(h, &k->core);
}

PW_HOT void core_add(struct hm *h, struct hm_task *k, int32_t cpu, uint64_t a,
			    uint64_t b)
{
	if (cpu < 0 || (size_t)cpu >= h->ncpus)
		return;
	k->core_count++;
	if (!k->core_binned) {
		if (h->collect)
			log_add(h, k->core_sid);
		if (k->core.n < h->o->exact_max && h->exact_left) {
			if (!list_add(h, &k->core, a, b - a, (uint32_t)cpu))
				h->exact_left--;
			return;
		}
		core_to_bins(h, k);
		if (h->nomem)
			return;
	}
	core_bins_add(h, k, (uint32_t)cpu, a, b);
}

PW_COLD int32_t id_new(struct hm *h, const struct pw_an_task *t, size_t idx)
{
	// the visible task's id (threads merged into it share it)
	const struct pw_an_task *v = visible(t);
	if (h->vid[v->index] < 0) {
		h->ids[h->nids] = v;
		h->vid[v->index] = (int32_t)h->nids++;
	}
	return h->id[idx] = h->vid[v->index];
}

PW_HOT int32_t id_of(struct hm *h, const struct pw_an_task *t, size_t idx)
{
	return h->id[idx] >= 0 ? h->id[idx] : id_new(h, t, idx);
}

PW_COLD void tie_add(struct hm *h, struct hm_cpu *c, uint64_t ns)
{
	size_t at = h->ntie_ids;

	for (size_t i = 0; i < c->nacc; i++) {
		if (c->acc[i].ns != ns)
			continue;
		if (h->ntie_ids == h->captie_ids) {
			size_t cap = h->captie_ids ? 2 * h->captie_ids : 64;
			int32_t *v = realloc(h->tie_ids, cap * sizeof(*v));
			if (!v) {
				h->nomem = 1;
				return;
			}
			h->tie_ids = v;
			h->captie_ids = cap;
		}
		h->tie_ids[h->ntie_ids++] = c->acc[i].id;
	}
	if (h->nties == h->capties) {
		size_t cap = h->capties ? 2 * h->capties : 16;
		struct hm_tie *v = realloc(h->ties, cap * sizeof(*v));
		if (!v) {
			h->nomem = 1;
			return;
		}
		h->ties = v;
		h->capties = cap;
	}
	h->ties[h->nties++] = (struct hm_tie){ (uint32_t)(c - h->cpus), (uint32_t)c->cur, at,
					       h->ntie_ids - at };
}

PW_COLD void cpu_flush(struct hm *h, struct hm_cpu *c)
{
	if (c->cur < 0)
		return;
	size_t best = 0, tied = 0;
	uint64_t busy = 0;
	for (size_t i = 0; i < c->nacc; i++) {
		busy += c->acc[i].ns;
		if (c->acc[i].ns > c->acc[best].ns ||
		    (c->acc[i].ns == c->acc[best].ns && c->acc[i].id < c->acc[best].id))
			best = i;
		c->accix[c->acc[i].id] = 0;
	}
	for (size_t i = 0; h->collect && i < c->nacc; i++)
		tied += c->acc[i].ns == c->acc[best].ns;
	if (tied > 1)	// ids are provisional: the final ones decide
		tie_add(h, c, c->acc[best].ns);
	if (c->nacc) {
		c->top[c->cur] = c->acc[best].id;
		c->top_ns[c->cur] = c->acc[best].ns;
		c->busy[c->cur] = busy;
		c->ntasks[c->cur] = (uint32_t)c->nacc;
	}
	c->nacc = 0;
	c->cur = -1;
}

PW_COLD int cpu_acc_new(struct hm *h, struct hm_cpu *c)
{
	if (!c->accix && !(c->accix = calloc(h->idcap + 1, sizeof(*c->accix))))
		return -1;
	if (c->nacc == c->capacc) {
		size_t cap = c->capacc ? 2 * c->capacc : 8;
		struct hm_acc *a = realloc(c->acc, cap * sizeof(*a));
		if (!a)
			return -1;
		c->acc = a;
		c->capacc = cap;
	}
	return 0;
}

// ns of task id in bin `bin` of c: the bin's tasks, found through accix
// (id -> position + 1, cleared at the flush)
PW_HOT void cpu_acc(struct hm *h, struct hm_cpu *c, uint32_t bin, int32_t id,
			   uint64_t ns)
{
	if (c->cur != (int64_t)bin) {
		cpu_flush(h, c);
		c->cur = bin;
		c->cur_lo = h->ws + (uint64_t)bin * h->cpu_bin_ns;
	}
	uint32_t at = c->accix ? c->accix[id] : 0;
	if (at) {
		c->acc[at - 1].ns += ns;
		return;
	}
	if ((c->nacc == c->capacc || !c->accix) && cpu_acc_new(h, c)) {
		h->nomem = 1;
		return;
	}
	c->acc[c->nacc++] = (struct hm_acc){ id, ns };
	c->accix[id] = (uint32_t)c->nacc;
}

PW_COLD void cpu_span(struct hm *h, struct hm_cpu *c, int32_t id, uint64_t a, uint64_t b)
{
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

PW_COLD void cpu_to_bins(struct hm *h, struct hm_cpu *c)
{
	c->binned = 1;
	h->cpu_exact_left += c->ex.n;
	list_free(h, &c->ex);
}

PW_HOT void cpu_add(struct hm *h, int32_t cpu, int32_t id, uint64_t a, uint64_t b)
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
			cpu_to_bins(h, c);
		}
	}
	// always binned too (slices of a CPU come in time order): most fall
	// in the bin being accumulated, whose range is [cur_lo, + cpu_bin_ns)
	// (the last bin takes what is past it)
	if (c->cur >= 0 && a >= c->cur_lo &&
	    (b - 1 - c->cur_lo < h->cpu_bin_ns || c->cur == h->cpu_nbins - 1))
		cpu_acc(h, c, (uint32_t)c->cur, id, b - a);
	else
		cpu_span(h, c, id, a, b);
}

// the names held in buf, after the array moved
static void reason_names_fix(struct hm *h)
{
	for (size_t i = 0; i < h->nreasons; i++)
		if (!pw_kvm_reason_known(h->reasons[i].isa, h->reasons[i].reason))
			h->reasons[i].name = h->reasons[i].buf;
}

PW_COLD uint32_t reason_key_new(struct hm *h, uint32_t isa, uint32_t reason)
{
	for (size_t i = 0; i < h->nreasons; i++)
		if (h->reasons[i].isa == isa && h->reasons[i].reason == reason)
			return (uint32_t)i;
	struct hm_reason *r = realloc(h->reasons, (h->nreasons + 1) * sizeof(*r));
	if (!r) {
		h->nomem = 1;
		return UINT32_MAX;
	}
	h->reasons = r;
	reason_names_fix(h);
	r = &r[h->nreasons];
	r->isa = isa;
	r->reason = reason;
	r->name = pw_kvm_reason_name(isa, reason, r->buf, sizeof(r->buf));
	if (reason < HM_RKEY)
		h->rkey[isa == PW_ISA_SVM][reason] = (int32_t)h->nreasons;
	return (uint32_t)h->nreasons++;
}

// the page's key of a reason: keys in order of first appearance
PW_HOT uint32_t reason_key(struct hm *h, uint32_t isa, uint32_t reason)
{
	if (isa != PW_ISA_SVM)
		isa = PW_ISA_VMX;
	if (reason < HM_RKEY && h->rkey[isa == PW_ISA_SVM][reason] >= 0)
		return (uint32_t)h->rkey[isa == PW_ISA_SVM][reason];
	return reason_key_new(h, isa, reason);
}

PW_COLD int task_keys_grow(struct hm *h, struct hm_task *k, uint32_t key)
{
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
	if (h->collect) {
		uint64_t *q = realloc(k->kseq, n * sizeof(*q));
		if (!q) {
			h->nomem = 1;
			return -1;
		}
		k->kseq = q;
		memset(q + k->nkeys, 0, (n - k->nkeys) * sizeof(*q));
	}
	memset(u + k->nkeys, 0, (n - k->nkeys) * sizeof(*u));
	memset(hs + k->nkeys, 0, (n - k->nkeys) * sizeof(*hs));
	k->nkeys = n;
	return 0;
}

// make task k's per-reason tables hold key
PW_HOT int task_keys(struct hm *h, struct hm_task *k, uint32_t key)
{
	return key < k->nkeys ? 0 : task_keys_grow(h, k, key);
}

PW_HOT int in_win(const struct hm *h, uint64_t t)
{
	return t - h->ws <= h->wlen;	// ws <= t <= we
}

// reason_key through the task's one-entry cache (key checked for the
// task's tables too: 0, or -1 out of memory)
PW_HOT int task_reason_key(struct hm *h, struct hm_task *k, uint32_t isa, uint32_t reason,
			   uint32_t *key)
{
	if (k->rk_key != UINT32_MAX && k->rk_reason == reason && k->rk_isa == isa) {
		*key = k->rk_key;
		return 0;
	}
	*key = reason_key(h, isa, reason);
	if (*key == UINT32_MAX || task_keys(h, k, *key))
		return -1;
	if (h->collect && !k->kseq[*key])
		k->kseq[*key] = ++h->kseq;	// the task's first use
	k->rk_isa = isa;
	k->rk_reason = reason;
	k->rk_key = *key;
	return 0;
}

// The replay's sink (replay.h), inlined into pw_hm_write's loop. A full
// task of the replay is a thread of a shown task: its slot is >= 0.

PW_HOT void hm_slice(void *ctx, const struct pw_an_task *t, int32_t cpu, uint64_t start,
		     uint64_t end, uint32_t flags)
{
	struct hm *h = ctx;
	size_t idx = t->index;

	if (h->nomem)
		return;
	uint64_t a = start < h->ws ? h->ws : start;
	uint64_t b = end > h->we ? h->we : end;
	if (b > a && h->cview[idx])
		cpu_add(h, cpu, id_of(h, t, idx), a, b);
	int32_t slot = h->slot[idx];
	if (slot < 0)
		return;
	struct hm_task *k = &h->tasks[slot];
	if (b > a)
		core_add(h, k, cpu, a, b);
	if ((flags & PW_REC_F_OPEN) || !in_win(h, end))
		return;
	if (flags & PW_REC_F_NOSTART)
		k->nostart++;
	else
		series_add(h, &k->s[S_RUN], end, end - start, 0);
}

PW_HOT void hm_sleep(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end)
{
	struct hm *h = ctx;

	if (!h->nomem && in_win(h, end))
		series_add(h, &h->tasks[h->slot[t->index]].s[S_SLEEP], end, end - start, 0);
}

PW_HOT void hm_kvm_host(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end,
			uint32_t reason, uint32_t isa, uint32_t flags)
{
	struct hm *h = ctx;

	if (h->nomem || !in_win(h, start))
		return;
	struct hm_task *k = &h->tasks[h->slot[t->index]];
	uint32_t key;
	if (task_reason_key(h, k, isa, reason, &key))
		return;
	if (flags & PW_REC_F_UNPAIRED) {
		k->unpaired[key]++;
		return;
	}
	uint64_t d = end - start;
	unsigned bk = dur_bucket(d);
	k->hist[key][bk]++;
	struct hm_series *s = &k->s[S_HOST];
	if (s->binned) {	// series_add, the bucket known
		s->count++;
		series_bin_k(h, s, start, bk, key);
	} else {
		series_add(h, s, start, d, key);
	}
}

PW_HOT void hm_kvm_guest(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end,
			 uint32_t reason, uint32_t isa)
{
	struct hm *h = ctx;

	if (h->nomem || !in_win(h, end))
		return;
	struct hm_task *k = &h->tasks[h->slot[t->index]];
	uint32_t key;
	if (task_reason_key(h, k, isa, reason, &key))
		return;
	series_add(h, &k->s[S_GUEST], end, end - start, key);
}

static const struct pw_rp_sink hm_sink = { hm_slice, hm_sleep, hm_kvm_host, hm_kvm_guest };

/* ---- bounding ---------------------------------------------------------- */

// the non-empty buckets of one time bin's column, from its mask: [lo, hi];
// 0 when empty
static inline int col_range(uint64_t m, unsigned *lo, unsigned *hi)
{
	if (!m)
		return 0;
	*lo = (unsigned)__builtin_ctzll(m);
	*hi = 63 - (unsigned)__builtin_clzll(m);
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
				const uint64_t *m = k->s[s].mask[key];
				unsigned lo, hi;
				for (uint32_t b = 0; m && b < h->nbins; b++)
					if (col_range(m[b], &lo, &hi))
						n += 3 + (s == S_HOST || s == S_GUEST) + hi - lo + 1;
			}
		for (size_t c = 0; k->core_bins && c < h->ncpus; c++)
			for (uint32_t b = 0; k->core_bins[c] && b < h->nbins; b++)
				n += 3 * (k->core_bins[c][b] != 0);
	}
	return n;
}

// a 16-bit series whose folded counts would not fit: widened first. 0, or
// -1 (out of memory)
static int fold_fit(struct hm *h, struct hm_series *se, uint32_t half)
{
	for (size_t key = 0; !se->wide && key < se->nkeys; key++) {
		const uint16_t *g = se->grid[key];
		for (size_t b = 0; g && b < half; b++)
			for (size_t d = 0; d < PW_HM_DUR; d++)
				if ((uint32_t)g[2 * b * PW_HM_DUR + d] +
				    g[(2 * b + 1) * PW_HM_DUR + d] > UINT16_MAX)
					return series_widen(h, se, SIZE_MAX, SIZE_MAX);
	}
	return 0;
}

// halve the time resolution of every binned series (exact: counts add up).
// 0, or -1 (h->nomem set): out of memory
static int fold(struct hm *h)
{
	uint32_t half = h->nbins / 2;

	for (size_t i = 0; i < h->ntasks; i++) {
		struct hm_task *k = &h->tasks[i];
		for (int s = 0; s < S__N; s++) {
			struct hm_series *se = &k->s[s];
			if (fold_fit(h, se, half))
				return -1;
			for (size_t key = 0; key < se->nkeys; key++) {
				void *g = se->grid[key];
				uint64_t *m = se->mask[key];
				if (!g)
					continue;
				for (uint32_t b = 0; b < half; b++) {
					for (unsigned d = 0; d < PW_HM_DUR; d++) {
						size_t o = (size_t)b * PW_HM_DUR + d;
						uint32_t v = cell(se, g, 2 * (size_t)b * PW_HM_DUR + d) +
							     cell(se, g, (2 * (size_t)b + 1) * PW_HM_DUR + d);
						if (se->wide)
							((uint32_t *)g)[o] = v;
						else
							((uint16_t *)g)[o] = (uint16_t)v;
					}
					m[b] = m[2 * b] | m[2 * b + 1];
				}
			}
		}
		for (size_t c = 0; k->core_bins && c < h->ncpus; c++) {
			uint64_t *s = k->core_bins[c];
			for (uint32_t b = 0; s && b < half; b++)
				s[b] = s[2 * b] + s[2 * b + 1];
		}
	}
	h->nbins = half;
	h->bin_ns *= 2;
	return 0;
}

/* ---- output ------------------------------------------------------------ */

// The document is written through a pw_jw (jwrite.h): numbers without
// printf, the same bytes. Trace strings go through pw_json_string.

static void put_name(struct pw_jw *w, const char *s)
{
	pw_jw_flush(w);
	pw_json_string(w->f, s);
}

// an exact list's field as a JSON array: times as deltas (the first from
// the window start), durations, or keys
enum { F_T, F_D, F_KEY };

static void put_list(struct pw_jw *w, const struct hm *h, const struct hm_list *l, int field)
{
	uint64_t prev = h->ws;
	int first = 1;

	pw_jw_ch(w, '[');
	LIST_EACH(l, e) {
		if (!first)
			pw_jw_ch(w, ',');
		first = 0;
		if (field == F_T) {
			pw_jw_i64(w, (int64_t)(e->t - prev));
			prev = e->t;
		} else {
			pw_jw_u64(w, field == F_D ? e->d : e->key);
		}
	}
	pw_jw_ch(w, ']');
}

static void put_series(struct pw_jw *w, const struct hm *h, const struct hm_series *s, int kvm,
		       struct pw_hm_summary *sum)
{
	pw_jw_lit(w, "{\"count\":");
	pw_jw_u64(w, s->count);
	pw_jw_lit(w, s->binned ? ",\"mode\":\"bins\"," : ",\"mode\":\"exact\",");
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
		pw_jw_lit(w, "\"t\":");
		put_list(w, h, &s->ex, F_T);
		pw_jw_lit(w, ",\"d\":");
		put_list(w, h, &s->ex, F_D);
		if (kvm) {
			pw_jw_lit(w, ",\"k\":");
			put_list(w, h, &s->ex, F_KEY);
		}
		pw_jw_ch(w, '}');
		return;
	}
	// columns: for every time bin and key with events: bin, (key,) the
	// first non-empty bucket, how many buckets follow, their counts
	pw_jw_lit(w, "\"cols\":[");
	int first = 1;
	for (uint32_t b = 0; b < h->nbins; b++)
		for (size_t key = 0; key < s->nkeys; key++) {
			const void *g = s->grid[key];
			size_t row = (size_t)b * PW_HM_DUR;
			unsigned lo, hi;
			if (!g || !col_range(s->mask[key][b], &lo, &hi))
				continue;
			pw_jw_sep_u64(w, first, b);
			if (kvm)
				pw_jw_sep_u64(w, 0, key);
			pw_jw_sep_u64(w, 0, lo);
			pw_jw_sep_u64(w, 0, hi - lo + 1);
			for (unsigned d = lo; d <= hi; d++)
				pw_jw_sep_u64(w, 0, cell(s, g, row + d));
			first = 0;
		}
	pw_jw_lit(w, "]}");
}

static void put_task(struct pw_jw *w, struct hm *h, size_t i, struct pw_hm_summary *sum)
{
	struct hm_task *k = &h->tasks[i];
	const struct pw_an_task *t = k->t;
	const struct pw_an_run *run = h->run;

	pw_jw_lit(w, "{\"id\":");
	pw_jw_u64(w, i);
	pw_jw_lit(w, ",\"tid\":");
	pw_jw_i64(w, t->tid);
	pw_jw_lit(w, ",\"pid\":");
	pw_jw_i64(w, t->pid);
	pw_jw_lit(w, ",\"name\":");
	put_name(w, t->name);
	pw_jw_lit(w, ",\"nostart\":");
	pw_jw_u64(w, k->nostart);
	for (int s = 0; s < S__N; s++) {
		pw_jw_lit(w, ",\"");
		pw_jw_lit(w, series_name[s]);
		pw_jw_lit(w, "\":");
		put_series(w, h, &k->s[s], s == S_HOST || s == S_GUEST, sum);
	}
	// per reason: exits without entry and the exit -> entry histogram,
	// with the analysis' percentiles (the --json ones: same histograms)
	pw_jw_lit(w, ",\"reasons\":[");
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
		pw_jw_lit(w, first ? "{\"key\":" : ",{\"key\":");
		pw_jw_u64(w, key);
		pw_jw_lit(w, ",\"timed\":");
		pw_jw_u64(w, n);
		pw_jw_lit(w, ",\"unpaired\":");
		pw_jw_u64(w, k->unpaired[key]);
		first = 0;
		if (r && r->host.count) {
			pw_jw_lit(w, ",\"p50_ns\":");
			pw_jw_u64(w, pw_hist_percentile(&r->host, 50.0));
			pw_jw_lit(w, ",\"p90_ns\":");
			pw_jw_u64(w, pw_hist_percentile(&r->host, 90.0));
			pw_jw_lit(w, ",\"p99_ns\":");
			pw_jw_u64(w, pw_hist_percentile(&r->host, 99.0));
			pw_jw_lit(w, ",\"min_ns\":");
			pw_jw_u64(w, r->host.min);
			pw_jw_lit(w, ",\"max_ns\":");
			pw_jw_u64(w, r->host.max);
		}
		pw_jw_lit(w, ",\"lo\":");
		pw_jw_u64(w, n ? lo : 0);
		pw_jw_lit(w, ",\"hist\":[");
		for (unsigned d = lo; n && d <= hi; d++)
			pw_jw_sep_u64(w, d == lo, k->hist[key][d]);
		pw_jw_lit(w, "]}");
	}
	pw_jw_ch(w, ']');
	// where it ran
	pw_jw_lit(w, ",\"core\":{\"count\":");
	pw_jw_u64(w, k->core_count);
	pw_jw_lit(w, k->core_binned ? ",\"mode\":\"bins\"," : ",\"mode\":\"exact\",");
	if (!k->core_binned) {
		pw_jw_lit(w, "\"t\":");
		put_list(w, h, &k->core, F_T);
		pw_jw_lit(w, ",\"d\":");
		put_list(w, h, &k->core, F_D);
		pw_jw_lit(w, ",\"cpu\":");
		put_list(w, h, &k->core, F_KEY);
		pw_jw_ch(w, '}');
	} else {
		pw_jw_lit(w, "\"cells\":[");	// bin, cpu, runtime ns
		first = 1;
		for (uint32_t b = 0; b < h->nbins; b++)
			for (size_t c = 0; c < h->ncpus; c++)
				if (k->core_bins[c] && k->core_bins[c][b]) {
					pw_jw_sep_u64(w, first, b);
					pw_jw_sep_u64(w, 0, c);
					pw_jw_sep_u64(w, 0, k->core_bins[c][b]);
					first = 0;
				}
		pw_jw_lit(w, "]}");
	}
	// the first pass' runtime and switch series (opts.max_bins)
	pw_jw_lit(w, ",\"rt\":[");
	for (uint32_t b = 0; run->bin_rt && b < run->nr_bins; b++)
		pw_jw_sep_u64(w, !b, PW_AN_BIN_RT(run, t, b));
	pw_jw_lit(w, "],\"sw\":[");
	for (uint32_t b = 0; run->bin_sw && b < run->nr_bins; b++)
		pw_jw_sep_u64(w, !b, PW_AN_BIN_SW(run, t, b));
	pw_jw_lit(w, "]}");
}

static void put_cpu(struct pw_jw *w, struct hm *h, size_t c, struct pw_hm_summary *sum)
{
	const struct hm_cpu *p = &h->cpus[c];
	const struct pw_an_run *run = h->run;

	sum->cpus++;
	sum->cpus_binned += p->binned ? 1 : 0;
	pw_jw_lit(w, "{\"cpu\":");
	pw_jw_u64(w, c);
	pw_jw_lit(w, ",\"count\":");
	pw_jw_u64(w, p->count);
	pw_jw_lit(w, p->binned ? ",\"mode\":\"bins\"," : ",\"mode\":\"exact\",");
	if (!p->binned) {
		pw_jw_lit(w, "\"t\":");
		put_list(w, h, &p->ex, F_T);
		pw_jw_lit(w, ",\"d\":");
		put_list(w, h, &p->ex, F_D);
		pw_jw_lit(w, ",\"id\":");
		put_list(w, h, &p->ex, F_KEY);
		pw_jw_ch(w, ',');
	}
	// bins are always there: bin, top id, its ns, busy ns, tasks
	pw_jw_lit(w, "\"cells\":[");
	int first = 1;
	for (uint32_t b = 0; p->busy && b < h->cpu_nbins; b++) {
		if (!p->busy[b])
			continue;
		pw_jw_sep_u64(w, first, b);
		pw_jw_ch(w, ',');
		pw_jw_i64(w, p->top[b]);
		pw_jw_sep_u64(w, 0, p->top_ns[b]);
		pw_jw_sep_u64(w, 0, p->busy[b]);
		pw_jw_sep_u64(w, 0, p->ntasks[b]);
		first = 0;
	}
	pw_jw_lit(w, "],\"busy\":[");	// the first pass' busy series (opts.max_bins)
	const uint64_t *bb = c < run->nr_cpu_slots ? run->cpus[c].bin_busy : NULL;
	for (uint32_t b = 0; bb && b < run->nr_bins; b++)
		pw_jw_sep_u64(w, !b, bb[b]);
	pw_jw_lit(w, "]}");
}

static void task_free(struct hm *h, struct hm_task *k)
{
	for (int s = 0; s < S__N; s++) {
		for (size_t key = 0; key < k->s[s].nkeys; key++) {
			free(k->s[s].grid[key]);
			free(k->s[s].mask[key]);
		}
		free(k->s[s].grid);
		free(k->s[s].mask);
		list_free(NULL, &k->s[s].ex);
	}
	free(k->unpaired);
	free(k->hist);
	free(k->kseq);
	list_free(NULL, &k->core);
	for (size_t c = 0; k->core_bins && c < h->ncpus; c++)
		free(k->core_bins[c]);
	free(k->core_bins);
	memset(k, 0, sizeof(*k));
}

static void hm_free(struct hm *h)
{
	for (size_t i = 0; i < h->ntasks; i++)
		task_free(h, &h->tasks[i]);
	for (size_t c = 0; c < h->ncpus; c++) {
		struct hm_cpu *p = &h->cpus[c];
		list_free(NULL, &p->ex);
		free(p->top);
		free(p->top_ns);
		free(p->busy);
		free(p->ntasks);
		free(p->acc);
		free(p->accix);
	}
	while (h->pool) {
		struct hm_blk *b = h->pool;
		h->pool = b->next;
		free(b);
	}
	free(h->tasks);
	free(h->cpus);
	free(h->slot);
	free(h->cview);
	free(h->id);
	free(h->vid);
	free(h->ids);
	free(h->reasons);
	free(h->log);
	free(h->ties);
	free(h->tie_ids);
	memset(h, 0, sizeof(*h));
}

static uint32_t pow2_floor(uint64_t v)
{
	uint32_t p = 1;
	while ((uint64_t)p * 2 <= v && p < (1u << 30))
		p *= 2;
	return p;
}

// The bins of window [ws, we] (the analysis' own, run_bin_ns, when nearly as
// fine) and of the CPU view for ncpus CPUs.
static void hm_params(struct hm *h, uint64_t ws, uint64_t we, uint64_t run_bin_ns,
		      size_t ncpus, const struct pw_hm_opts *ho)
{
	h->ws = ws;
	h->we = we;
	h->wlen = we - ws;	// the analysis' window: we >= ws
	uint64_t span = we - ws + 1;
	h->nbins = PW_HM_BINS;
	h->bin_ns = (span + h->nbins - 1) / h->nbins;
	// the first pass' series bins when they are nearly as fine (at most
	// 1/4 wider): the CPU % strip and the heatmaps then share bin edges
	if (run_bin_ns && run_bin_ns * PW_HM_BINS >= span && run_bin_ns * 4 <= h->bin_ns * 5)
		h->bin_ns = run_bin_ns;
	uint64_t cpub = ho->cpu_cells / (ncpus ? ncpus : 1);
	h->cpu_nbins = pow2_floor(cpub < 64 ? 64 : cpub > 1024 ? 1024 : cpub);
	h->cpu_bin_ns = (span + h->cpu_nbins - 1) / h->cpu_nbins;
	if ((h->bin_ns * PW_HM_BINS) % h->cpu_nbins == 0 &&
	    h->bin_ns * PW_HM_BINS / h->cpu_nbins >= h->cpu_bin_ns)
		h->cpu_bin_ns = h->bin_ns * PW_HM_BINS / h->cpu_nbins;	// aligned too
	h->sb_lo = h->ws;	// bin 0
	h->sb_idx = 0;
}

// h->cpus to n CPUs (and what is per CPU in the tasks' core maps)
static int hm_cpus_grow(struct hm *h, size_t n)
{
	if (n <= h->ncpus)
		return 0;
	struct hm_cpu *cs = realloc(h->cpus, n * sizeof(*cs));
	if (!cs)
		return -1;
	h->cpus = cs;
	memset(cs + h->ncpus, 0, (n - h->ncpus) * sizeof(*cs));
	for (size_t i = h->ncpus; i < n; i++) {
		struct hm_cpu *p = &cs[i];
		p->cur = -1;
		p->top = malloc(h->cpu_nbins * sizeof(*p->top));
		p->top_ns = calloc(h->cpu_nbins, sizeof(*p->top_ns));
		p->busy = calloc(h->cpu_nbins, sizeof(*p->busy));
		p->ntasks = calloc(h->cpu_nbins, sizeof(*p->ntasks));
		if (!p->top || !p->top_ns || !p->busy || !p->ntasks) {
			h->ncpus = i + 1;	// freed with h
			return -1;
		}
		for (uint32_t b = 0; b < h->cpu_nbins; b++)
			p->top[b] = -1;
	}
	for (size_t i = 0; i < h->ntasks; i++) {	// binned core maps
		struct hm_task *k = &h->tasks[i];
		if (!k->core_bins)
			continue;
		uint64_t **cb = realloc(k->core_bins, n * sizeof(*cb));
		if (!cb)
			return -1;
		memset(cb + h->ncpus, 0, (n - h->ncpus) * sizeof(*cb));
		k->core_bins = cb;
	}
	h->ncpus = n;
	return 0;
}

/* ---- the single pass --------------------------------------------------- */

// The replay (replay.h) run on the first pass' batches, over the analysis'
// own tasks as they are made, for every task: pw_hm_write then keeps the
// shown ones, orders the reason keys and CPU view ids as the second pass
// would have made them, and gives the exact budget out again in the order
// the log kept. The window must be known from the start: the trailer's
// last event (or the cap). Every parameter is checked against the final
// run; any difference, running out of room, or a file without trailer, and
// the second pass is made as before.
// A batch handed to the collecting thread: the events (a copy: the
// reader's batch is gone at the next one) and what the analysis had made
// by then (the thread never reads the analysis' own tables, which it is
// changing meanwhile): the tasks new since the last batch, the idle task of
// every cpu slot.
struct hm_job {
	const struct pw_event *ev;	// the batch: lent by the reader (token), or buf
	size_t n;
	int token;			// pw_an_batch_hold's, or -1: ev is buf
	struct pw_event *buf;		// a copy, when it could not be lent
	size_t cap;
	const struct pw_an_task **newt;
	size_t nnew, capnew;
	size_t ntasks;		// tasks made in all
	const struct pw_an_task **idle;
	size_t ncpus, capidle;
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
	struct pw_replay x;
	unsigned char *full;
	struct pw_trailer tr;
	uint64_t cap_ns;
	int32_t *cand;		// the tids held (sorted), NULL: every one
	size_t ncand;
	uint64_t nev;		// events fed
	int started, failed;	// failed: under mu while the thread runs
	size_t handed;		// tasks handed to the thread so far
	struct pw_tid_map *map;	// the thread's own: tids -> the tasks handed
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
// would only be collected to be freed (docs/decisions.md, "The single pass
// holds the trailer's first tids"). Otherwise past HM_COLLECT_TASKS tasks,
// HM_CANDIDATES of them.
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
	edges_init();
	check_dur_bucket();
	if (!(c = calloc(1, sizeof(*c))))
		return NULL;
	c->set = set;
	if (pw_reader_open(&r, path) || pw_reader_peek_trailer(r, &c->tr) || !c->tr.rows ||
	    ((hold = to_hold(c, ao, ho, selecting)) && candidates(c, hold, selecting)) ||
	    !(c->map = calloc(1, sizeof(*c->map)))) {
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
	free(c->x.st);
	free(c->x.cpus);
	free(c->x.idle);
	pw_tid_map_free(c->map);
	for (unsigned i = 0; i < HM_JOBS; i++) {
		free(c->jobs[i].buf);
		free(c->jobs[i].newt);
		free(c->jobs[i].idle);
	}
	pw_trailer_release(&c->tr);
	free(c->cand);
	free(c);
}

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
		for (size_t i = 0; i < h->ncpus; i++) {	// ids < cap
			struct hm_cpu *p = &h->cpus[i];
			if (!p->accix)
				continue;
			uint32_t *ax = realloc(p->accix, (cap + 1) * sizeof(*ax));
			if (!ax)
				return -1;
			memset(ax + h->idcap + 1, 0, (cap - h->idcap) * sizeof(*ax));
			p->accix = ax;
		}
		h->cap = h->idcap = cap;
	}
	for (size_t k = 0; k < j->nnew; k++) {	// the tasks new since the last batch
		size_t i = h->ntasks + k;
		const struct pw_an_task *t = j->newt[k];
		struct hm_task *hk = &h->tasks[i];
		if (t->index != i)
			return -1;
		if (t->trace_tid && pw_tid_map_put(c->map, t->trace_tid, (struct pw_an_task *)t))
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
		c->x.ncpu = (uint32_t)m;
	}
	if (j->ncpus)
		memcpy(c->x.idle, j->idle, j->ncpus * sizeof(*j->idle));
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
	c->x.map = c->map;
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
	if (tasks_room(&j->idle, &j->capidle, j->ncpus))
		return -1;
	for (size_t i = 0; i < j->ncpus; i++)
		j->idle[i] = run->cpus[i].idle;
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

static int cmp_u64_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

// The shown tasks: selected, most runtime first (the analysis' order), no
// idle task, at most max_tasks (the others counted in sum->omitted), into
// out (max_tasks entries). Both ways of making the heatmaps pick them so.
static size_t pick_shown(const struct pw_an_run *run, const struct pw_hm_opts *ho,
			 const struct pw_an_task **out, struct pw_hm_summary *sum)
{
	size_t ns = 0;

	for (size_t i = 0; i < run->nr_tasks; i++) {
		const struct pw_an_task *t = run->tasks[i];
		if (!t->selected || t->tid == 0)
			continue;
		if (ns == ho->max_tasks)
			sum->omitted++;
		else
			out[ns++] = t;
	}
	return ns;
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
				series_to_bins(h, &k->s[s]);
		if (q[S__N] && !k->core_binned)
			core_to_bins(h, k);
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
	reason_names_fix(h);
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
static size_t collect_ids(struct hm *h, const int32_t *rank, const struct pw_an_task **shown,
			  size_t ns, const struct pw_an_task **ids, uint32_t *fid)
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
		for (uint32_t b = 0; b < h->cpu_nbins; b++)
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

// The collected data cut to what the second pass would have: the shown
// tasks (their data moved to h->tasks[0..]), the exact budget given out in
// the logged order, reason keys and CPU view ids renumbered. 1 when the run
// is not what the collection assumed (the second pass is made instead), 0,
// or -1 out of memory.
static int collect_finish(struct pw_hm_collect *c, const struct pw_an_run *run,
			  struct pw_hm_summary *sum)
{
	struct hm *h = &c->h;
	const struct pw_hm_opts *ho = h->o;
	struct hm chk = { 0 };

	collect_stop(c);	// every batch collected
	if (!c->started || c->failed || c->nev != run->events_read ||
	    run->nr_all_tasks != h->ntasks || run->nr_cpu_slots != h->ncpus)
		return 1;
	hm_params(&chk, run->win_start, run->win_end, run->bin_ns, run->nr_cpu_slots, ho);
	if (chk.ws != h->ws || chk.we != h->we || chk.bin_ns != h->bin_ns ||
	    chk.cpu_nbins != h->cpu_nbins || chk.cpu_bin_ns != h->cpu_bin_ns)
		return 1;
	for (size_t i = 0; i < run->nr_all_tasks; i++)
		if (run->all_tasks[i] != h->tasks[i].t || run->all_tasks[i]->merged_into)
			return 1;
	pw_rp_finish(&c->x, &hm_sink, h);
	for (size_t i = 0; i < h->ncpus; i++)
		cpu_flush(h, &h->cpus[i]);
	if (h->nomem)
		return -1;

	size_t n = h->ntasks, ns;
	int32_t *rank = malloc((n ? n : 1) * sizeof(*rank));
	const struct pw_an_task **picked = calloc(ho->max_tasks ? ho->max_tasks : 1,
						  sizeof(*picked));
	struct hm_task *shown = calloc(ho->max_tasks ? ho->max_tasks : 1, sizeof(*shown));
	const struct pw_an_task **ids = calloc(n ? n : 1, sizeof(*ids));
	uint32_t *fid = malloc((h->nids ? h->nids : 1) * sizeof(*fid));
	int e = -1;

	if (!rank || !picked || !shown || !ids || !fid)
		goto out;
	ns = pick_shown(run, ho, picked, sum);
	for (size_t i = 0; i < ns; i++)
		if (!c->full[picked[i]->index]) {	// not held: the second pass
			e = 1;
			goto out;
		}
	for (size_t i = 0; i < n; i++)
		rank[i] = -1;
	for (size_t i = 0; i < ns; i++)
		rank[picked[i]->index] = (int32_t)i;
	if (collect_budget(h, rank, ns) || collect_keys(h, rank))
		goto out;
	size_t nid = collect_ids(h, rank, picked, ns, ids, fid);

	// the shown tasks' data, in their order; the others' freed
	for (size_t ti = 0; ti < n; ti++) {
		if (rank[ti] >= 0)
			shown[rank[ti]] = h->tasks[ti];
		else
			task_free(h, &h->tasks[ti]);
	}
	free(h->tasks);
	h->tasks = shown;
	h->ntasks = ns;
	free(h->ids);
	h->ids = ids;
	h->nids = nid;
	sum->held = c->ncand;
	shown = NULL;
	ids = NULL;
	e = 0;
out:
	free(rank);
	free(picked);
	free(shown);
	free(ids);
	free(fid);
	return e;
}

/* ---- the document ------------------------------------------------------ */

// The tasks [from, to) of the document, each after a ',', into a buffer of
// their own, with their summary counters: the second half of the tasks,
// written on a thread beside the first (put_task only reads h).
struct hm_tasks_part {
	struct hm *h;
	size_t from, to;
	struct pw_hm_summary sum;
	char *buf;		// pw_memfile_open's
	size_t len;
	int failed;
};

static void *hm_tasks_part(void *arg)
{
	struct hm_tasks_part *p = arg;
	FILE *f = pw_memfile_open(&p->buf, &p->len);
	struct pw_jw *w = f ? malloc(sizeof(*w)) : NULL;

	if (!w) {
		if (f)
			fclose(f);
		p->failed = 1;
		return NULL;
	}
	pw_jw_init(w, f);
	for (size_t i = p->from; i < p->to; i++) {
		pw_jw_ch(w, ',');
		put_task(w, p->h, i, &p->sum);
	}
	pw_jw_flush(w);
	free(w);
	p->failed = ferror(f) != 0;
	if (fclose(f))
		p->failed = 1;
	return NULL;
}

// where the tasks' second half starts: half of the numbers they write
// (events kept exactly, bins, the first pass' series) on each side
static size_t hm_tasks_split(const struct hm *h)
{
	uint64_t total = 0, half = 0;
	uint64_t *wt = malloc(h->ntasks * sizeof(*wt));

	if (!wt)
		return h->ntasks;
	for (size_t i = 0; i < h->ntasks; i++) {
		const struct hm_task *k = &h->tasks[i];
		uint64_t x = k->core_binned ? h->nbins : k->core_count;
		for (int s = 0; s < S__N; s++)
			x += k->s[s].binned ? h->nbins : k->s[s].count;
		total += wt[i] = x + 1;
	}
	size_t at = 0;
	while (at < h->ntasks && 2 * (half + wt[at]) <= total)
		half += wt[at++];
	free(wt);
	return at ? at : 1;
}

static int hm_output(FILE *f, struct hm *h, const struct pw_an_run *run,
		     const struct pw_hm_opts *ho, struct pw_hm_summary *sum)
{
	struct pw_jw *w;

	while (h->nbins > 16 && cells(h) > ho->cell_budget)
		if (fold(h))
			return PW_ENOMEM;
	if (!(w = malloc(sizeof(*w))))
		return PW_ENOMEM;
	pw_jw_init(w, f);
	pw_jw_lit(w, "{\"name\":");
	put_name(w, run->name);
	const struct { const char *k; uint64_t v; } head[] = {
		{ ",\"start_ns\":", h->ws }, { ",\"end_ns\":", h->we },
		{ ",\"bin_ns\":", h->bin_ns }, { ",\"nr_bins\":", h->nbins },
		{ ",\"cpu_bin_ns\":", h->cpu_bin_ns }, { ",\"cpu_nr_bins\":", h->cpu_nbins },
		{ ",\"series_bin_ns\":", run->bin_ns }, { ",\"series_nr_bins\":", run->nr_bins },
	};
	for (size_t i = 0; i < sizeof(head) / sizeof(*head); i++) {
		pw_jw_lit(w, head[i].k);
		pw_jw_u64(w, head[i].v);
	}
	pw_jw_lit(w, ",\"reasons\":[");
	for (size_t i = 0; i < h->nreasons; i++) {
		if (i)
			pw_jw_ch(w, ',');
		put_name(w, h->reasons[i].name);
	}
	pw_jw_lit(w, "],\"ids\":[");	// every task the page names: [tid, name]
	for (size_t i = 0; i < h->nids; i++) {
		pw_jw_lit(w, i ? ",[" : "[");
		pw_jw_i64(w, h->ids[i]->tid);
		pw_jw_ch(w, ',');
		put_name(w, h->ids[i]->name);
		pw_jw_ch(w, ']');
	}
	pw_jw_lit(w, "],\"tasks\":[");
	// in two halves, the second on a thread when there are tasks enough
	// (the document's bytes do not depend on it)
	struct hm_tasks_part part = { .h = h, .to = h->ntasks };
	pthread_t th;
	int split = 0;
	part.from = h->ntasks >= 8 ? hm_tasks_split(h) : h->ntasks;
	if (part.from < h->ntasks && pw_cpus_usable() > 1 &&
	    !pw_thread_start(&th, hm_tasks_part, &part))
		split = 1;
	else
		part.from = h->ntasks;
	for (size_t i = 0; i < part.from; i++) {
		if (i)
			pw_jw_ch(w, ',');
		put_task(w, h, i, sum);
	}
	if (split) {
		pthread_join(th, NULL);
		pw_jw_flush(w);
		if (part.failed) {
			pw_memfile_free(part.buf);
			free(w);
			return PW_ENOMEM;
		}
		fwrite(part.buf, 1, part.len, f);
		pw_memfile_free(part.buf);
		sum->series += part.sum.series;
		sum->binned += part.sum.binned;
		sum->exact_events += part.sum.exact_events;
		sum->binned_events += part.sum.binned_events;
	}
	pw_jw_lit(w, "],\"omitted\":");
	pw_jw_u64(w, sum->omitted);
	pw_jw_lit(w, ",\"omitted_names\":[");
	size_t shown = 0, k = 0;
	for (size_t i = 0; i < run->nr_tasks && shown < 20; i++) {
		const struct pw_an_task *t = run->tasks[i];
		if (!t->selected || t->tid == 0)
			continue;
		if (k++ < h->ntasks)
			continue;
		if (shown++)
			pw_jw_ch(w, ',');
		put_name(w, t->name);
	}
	pw_jw_lit(w, "],\"cpus\":[");
	for (size_t c = 0; c < h->ncpus; c++) {
		if (c)
			pw_jw_ch(w, ',');
		put_cpu(w, h, c, sum);
	}
	pw_jw_lit(w, "]}");
	pw_jw_flush(w);
	free(w);
	sum->tasks = h->ntasks;
	sum->bin_ns = h->bin_ns;
	sum->nr_bins = h->nbins;
	sum->cpu_bin_ns = h->cpu_bin_ns;
	return ferror(f) ? PW_EIO : 0;
}

// the second pass
static int hm_two_pass(struct hm *h, const struct pw_an_run *run, const struct pw_hm_opts *ho,
		       struct pw_hm_summary *sum, char *err, size_t errsize)
{
	unsigned char *full = NULL;
	int e = PW_ENOMEM;

	h->run = run;
	h->o = ho;
	hm_params(h, run->win_start, run->win_end, run->bin_ns, run->nr_cpu_slots, ho);
	h->exact_left = ho->exact_total;
	h->cpu_exact_left = ho->exact_total;
	for (unsigned i = 0; i < HM_RKEY; i++)
		h->rkey[0][i] = h->rkey[1][i] = -1;
	size_t n = run->nr_all_tasks;
	h->idcap = n;
	h->slot = malloc((n ? n : 1) * sizeof(*h->slot));
	h->id = malloc((n ? n : 1) * sizeof(*h->id));
	h->vid = malloc((n ? n : 1) * sizeof(*h->vid));
	h->ids = calloc(n ? n : 1, sizeof(*h->ids));
	h->cview = malloc(n ? n : 1);
	h->tasks = calloc(ho->max_tasks ? ho->max_tasks : 1, sizeof(*h->tasks));
	if (!h->slot || !h->id || !h->vid || !h->ids || !h->cview || !h->tasks ||
	    hm_cpus_grow(h, run->nr_cpu_slots))
		return PW_ENOMEM;

	// the shown tasks; their ids come first
	const struct pw_an_task **picked = calloc(ho->max_tasks ? ho->max_tasks : 1,
						  sizeof(*picked));
	if (!picked)
		return PW_ENOMEM;
	h->ntasks = h->nids = pick_shown(run, ho, picked, sum);
	for (size_t k = 0; k < h->ntasks; k++) {
		h->tasks[k].t = h->ids[k] = picked[k];
		h->tasks[k].rk_key = UINT32_MAX;
	}
	free(picked);
	for (size_t i = 0; i < n; i++)
		h->vid[i] = -1;
	for (size_t k = 0; k < h->ntasks; k++)
		h->vid[h->tasks[k].t->index] = (int32_t)k;
	for (size_t i = 0; i < n; i++) {
		const struct pw_an_task *v = visible(run->all_tasks[i]);
		h->slot[i] = h->id[i] = h->vid[v->index];
		h->cview[i] = v->tid != 0;
	}

	// the shown tasks' threads get every record, the others their slices
	// (the CPU view)
	full = malloc(n ? n : 1);
	if (!full)
		return PW_ENOMEM;
	for (size_t i = 0; i < n; i++)
		full[i] = h->slot[i] >= 0;
	struct pw_replay x;
	e = pw_rp_open(&x, run, full, err, errsize);
	if (!e)
		e = pw_rp_run(&x, &hm_sink, h, err, errsize);
	pw_rp_close(&x);
	free(full);
	if (e)
		return e;
	for (size_t c = 0; c < h->ncpus; c++)
		cpu_flush(h, &h->cpus[c]);
	return h->nomem ? PW_ENOMEM : 0;
}

int pw_hm_write(FILE *f, const struct pw_an_run *run, const struct pw_hm_opts *ho,
		struct pw_hm_collect *col, struct pw_hm_summary *sum, char *err,
		size_t errsize)
{
	struct hm two = { 0 }, *h = &two;
	int e = 0, done = 0;

	memset(sum, 0, sizeof(*sum));
	edges_init();
	check_dur_bucket();
	if (col) {	// the single pass' data, when it holds
		e = collect_finish(col, run, sum);
		if (e < 0) {
			e = PW_ENOMEM;
			goto out;
		}
		if (!e) {
			h = &col->h;
			sum->single_pass = done = 1;
		} else {
			memset(sum, 0, sizeof(*sum));
			e = 0;
		}
	}
	if (!done)
		e = hm_two_pass(h, run, ho, sum, err, errsize);
	if (!e)
		e = hm_output(f, h, run, ho, sum);
out:
	if (e == PW_ENOMEM)
		snprintf(err, errsize, "out of memory making the heatmaps of '%s'", run->file);
	hm_free(&two);
	return e;
}
