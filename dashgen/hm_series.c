// SPDX-License-Identifier: Apache-2.0
// hm_series.c: the heatmaps' state off the per-interval path: bucket tables, growing, binning, freeing (see hm_series.h).
#include "hm_series.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kvm_reasons.h"

/* ---- duration buckets -------------------------------------------------- */

uint64_t hm_dur_edges[PW_HM_DUR + 1];
unsigned char hm_dur_oct[(HM_OCT_E1 - HM_OCT_E0) * 16];

// the reference: the last k with hm_dur_edges[k] <= ns (0 when below), k <= 49
static unsigned dur_bucket_search(uint64_t ns)
{
	unsigned lo = 0, hi = PW_HM_DUR - 1;

	while (lo < hi) {
		unsigned mid = (lo + hi + 1) / 2;
		if (hm_dur_edges[mid] <= ns)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

void hm_dur_init(void)
{
	if (hm_dur_edges[0])
		return;
	for (unsigned k = 0; k <= PW_HM_DUR; k++)
		hm_dur_edges[k] = (uint64_t)llround(pow(10.0, 1.0 + (double)k / PW_HM_PER_DECADE));
	for (unsigned e = HM_OCT_E0; e < HM_OCT_E1; e++)
		for (unsigned m = 0; m < 16; m++) {
			unsigned k = dur_bucket_search((uint64_t)(16 + m) << (e - 4));
			hm_dur_oct[16 * (e - HM_OCT_E0) + m] =
				(unsigned char)(k < PW_HM_DUR - 2 ? k : PW_HM_DUR - 2);
		}
}

// hm_dur_bucket against the search, about every edge
void hm_dur_check(void)
{
	// the table covers [hm_dur_edges[1], hm_dur_edges[PW_HM_DUR - 1])
	assert(hm_dur_edges[1] >> HM_OCT_E0 == 1 &&
	       hm_dur_edges[PW_HM_DUR - 1] < (uint64_t)1 << HM_OCT_E1);
	for (unsigned k = 0; k <= PW_HM_DUR; k++)
		for (uint64_t v = hm_dur_edges[k] - 1; v <= hm_dur_edges[k] + 1; v++)
			assert(hm_dur_bucket(v) == dur_bucket_search(v));
	for (uint64_t v = 0; v < 64; v++)
		assert(hm_dur_bucket(v) == dur_bucket_search(v));
	for (unsigned e = 6; e < 64; e++) {
		uint64_t v = (uint64_t)1 << e;
		assert(hm_dur_bucket(v - 1) == dur_bucket_search(v - 1));
		assert(hm_dur_bucket(v + v / 4) == dur_bucket_search(v + v / 4));
		assert(hm_dur_bucket(v + v / 16 * 15) == dur_bucket_search(v + v / 16 * 15));
	}
	assert(hm_dur_bucket(UINT64_MAX) == PW_HM_DUR - 1);
}

/* ---- exact lists ------------------------------------------------------- */

void hm_collect_bytes(struct hm *h, uint64_t n)
{
	if ((h->bytes += n) > h->bytes_max) {
		h->nomem = 1;	// the single pass: the second pass takes over
		h->toobig = !h->collect;
	}
}

int hm_list_grow(struct hm *h, struct hm_list *l)
{
	struct hm_blk *b = h->pool;

	if (b) {
		h->pool = b->next;
	} else if (!(b = malloc(sizeof(*b)))) {
		h->nomem = 1;
		return -1;
	} else {
		hm_collect_bytes(h, sizeof(*b));
	}
	b->next = NULL;
	if (l->tail)
		l->tail->next = b;
	else
		l->head = b;
	l->tail = b;
	return 0;
}

void hm_log_grow(struct hm *h)
{
	size_t cap = h->caplog ? 2 * h->caplog : 65536;
	uint16_t *l = realloc(h->log, cap * sizeof(*l));

	hm_collect_bytes(h, (cap - h->caplog) * sizeof(*l));
	if (!l) {
		h->nomem = 1;
		h->nlog = 0;
		return;
	}
	h->log = l;
	h->caplog = cap;
}

void hm_list_free(struct hm *h, struct hm_list *l)
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

/* ---- binned series ----------------------------------------------------- */

void *hm_grid_new(struct hm *h, struct hm_series *s, uint32_t key)
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
	hm_collect_bytes(h, (uint64_t)h->nbins * (PW_HM_DUR * csize + sizeof(uint64_t)));
	if (h->nomem)	// (past the bound: nothing more is made)
		return NULL;
	if (!s->grid[key])
		s->grid[key] = calloc((size_t)h->nbins * PW_HM_DUR, csize);
	if (!s->mask[key])
		s->mask[key] = calloc(h->nbins, sizeof(uint64_t));
	return s->grid[key] && s->mask[key] ? s->grid[key] : NULL;
}

int hm_series_widen(struct hm *h, struct hm_series *s, size_t wkey, size_t i)
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
		hm_collect_bytes(h, n * (sizeof(uint32_t) - sizeof(uint16_t)));
	}
	s->wide = 1;
	return 0;
}

void hm_series_to_bins(struct hm *h, struct hm_series *s)
{
	s->binned = 1;
	HM_LIST_EACH(&s->ex, e)
		hm_series_bin(h, s, e->t, e->d, e->key);
	if (!h->collect)	// (no budget while collecting)
		h->exact_left += s->ex.n;
	hm_list_free(h, &s->ex);
}

/* ---- core maps --------------------------------------------------------- */

void hm_core_bins_span(struct hm *h, uint64_t *s, uint64_t a, uint64_t b)
{
	for (uint32_t i = hm_bin_of(h, a), j = hm_bin_of(h, b - 1); i <= j; i++) {
		uint64_t lo = h->ws + (uint64_t)i * h->bin_ns, hi = lo + h->bin_ns;
		uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
		if (i == h->nbins - 1)
			y = b;
		if (y > x)
			s[i] += y - x;
	}
}

void hm_core_to_bins(struct hm *h, struct hm_task *k)
{
	k->core_binned = 1;
	if (!(k->core_bins = calloc(h->ncpus, sizeof(*k->core_bins)))) {
		h->nomem = 1;
		return;
	}
	hm_collect_bytes(h, h->ncpus * sizeof(*k->core_bins));
	HM_LIST_EACH(&k->core, e)
		hm_core_bins_add(h, k, e->key, e->t, e->t + e->d);
	if (!h->collect)
		h->exact_left += k->core.n;
	hm_list_free(h, &k->core);
}

/* ---- the CPU view ------------------------------------------------------ */

int32_t hm_id_new(struct hm *h, const struct pw_an_task *t, size_t idx)
{
	// threads merged into a task share its id
	const struct pw_an_task *v = hm_visible(t);
	if (h->vid[v->index] < 0) {
		h->ids[h->nids] = v;
		h->vid[v->index] = (int32_t)h->nids++;
	}
	return h->id[idx] = h->vid[v->index];
}

// single pass: the ids that tie at the top of c's bin being flushed (with
// ns each), kept for the final ids to decide (hm_collect.c, collect_ids)
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

// c's bins, at its first flushed one (a cpu without slices has none). 0,
// or -1 out of memory.
static int cpu_bins_new(struct hm *h, struct hm_cpu *c)
{
	c->top = malloc(h->cpu_nbins * sizeof(*c->top));
	c->top_ns = calloc(h->cpu_nbins, sizeof(*c->top_ns));
	c->busy = calloc(h->cpu_nbins, sizeof(*c->busy));
	c->ntasks = calloc(h->cpu_nbins, sizeof(*c->ntasks));
	if (!c->top || !c->top_ns || !c->busy || !c->ntasks)
		return -1;	// (freed with h)
	for (uint32_t b = 0; b < h->cpu_nbins; b++)
		c->top[b] = -1;
	hm_collect_bytes(h, (uint64_t)h->cpu_nbins * (sizeof(*c->top) + sizeof(*c->top_ns) +
						     sizeof(*c->busy) + sizeof(*c->ntasks)));
	return 0;
}

void hm_cpu_flush(struct hm *h, struct hm_cpu *c)
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
	}
	// the hash emptied, its entries taken out in the reverse of the order
	// they went in: each one's probe then still finds it (linear probing)
	for (size_t i = c->nacc; i-- > 0;) {
		size_t j = hm_acc_home(c->acc[i].id, c->capah);
		while (c->ahix[j] != i + 1)
			j = (j + 1) & (c->capah - 1);
		c->ahix[j] = 0;
	}
	for (size_t i = 0; h->collect && i < c->nacc; i++)
		tied += c->acc[i].ns == c->acc[best].ns;
	if (tied > 1)	// ids are provisional: the final ones decide
		tie_add(h, c, c->acc[best].ns);
	if (c->nacc && !c->top && cpu_bins_new(h, c)) {
		h->nomem = 1;
		c->nacc = 0;
		c->cur = -1;
		return;
	}
	if (c->nacc) {
		c->top[c->cur] = c->acc[best].id;
		c->top_ns[c->cur] = c->acc[best].ns;
		c->busy[c->cur] = busy;
		c->ntasks[c->cur] = (uint32_t)c->nacc;
	}
	c->nacc = 0;
	c->cur = -1;
}

int hm_cpu_acc_new(struct hm *h, struct hm_cpu *c)
{
	if (c->nacc == c->capacc) {
		size_t cap = c->capacc ? 2 * c->capacc : 8;
		struct hm_acc *a = realloc(c->acc, cap * sizeof(*a));
		if (!a)
			return -1;
		hm_collect_bytes(h, (cap - c->capacc) * sizeof(*a));
		c->acc = a;
		c->capacc = cap;
	}
	if (2 * (c->nacc + 1) > c->capah) {	// made anew, twice as large
		size_t cap = c->capah ? 2 * c->capah : 16;
		uint32_t *ix = calloc(cap, sizeof(*ix));
		if (!ix)
			return -1;
		hm_collect_bytes(h, (cap - c->capah) * sizeof(*ix));
		for (size_t i = 0; i < c->nacc; i++) {	// in their order
			size_t j = hm_acc_home(c->acc[i].id, cap);
			while (ix[j])
				j = (j + 1) & (cap - 1);
			ix[j] = (uint32_t)i + 1;
		}
		free(c->ahix);
		c->ahix = ix;
		c->capah = cap;
	}
	return 0;
}

void hm_cpu_span(struct hm *h, struct hm_cpu *c, int32_t id, uint64_t a, uint64_t b)
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
			hm_cpu_acc(h, c, (uint32_t)i, id, y - x);
	}
}

void hm_cpu_to_bins(struct hm *h, struct hm_cpu *c)
{
	c->binned = 1;
	h->cpu_exact_left += c->ex.n;
	hm_list_free(h, &c->ex);
}

/* ---- reason keys ------------------------------------------------------- */

void hm_reason_names_fix(struct hm *h)
{
	for (size_t i = 0; i < h->nreasons; i++)
		if (!pw_kvm_reason_known(h->reasons[i].isa, h->reasons[i].reason))
			h->reasons[i].name = h->reasons[i].buf;
}

uint32_t hm_reason_key_new(struct hm *h, uint32_t isa, uint32_t reason)
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
	hm_reason_names_fix(h);
	r = &r[h->nreasons];
	r->isa = isa;
	r->reason = reason;
	r->name = pw_kvm_reason_name(isa, reason, r->buf, sizeof(r->buf));
	if (reason < HM_RKEY)
		h->rkey[isa == PW_ISA_SVM][reason] = (int32_t)h->nreasons;
	return (uint32_t)h->nreasons++;
}

int hm_task_keys_grow(struct hm *h, struct hm_task *k, uint32_t key)
{
	// doubled: a task that meets its keys one by one copies each table
	// a few times, not once a key (the extra keys stay 0, which the
	// document leaves out)
	size_t n = 2 * k->nkeys > (size_t)key + 1 ? 2 * k->nkeys : (size_t)key + 1;

	hm_collect_bytes(h, (n - k->nkeys) * (sizeof(*k->unpaired) + sizeof(*k->hist) +
					      (h->collect ? sizeof(*k->kseq) : 0)));
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

/* ---- the state --------------------------------------------------------- */

int hm_cpus_grow(struct hm *h, size_t n)
{
	if (n <= h->ncpus)
		return 0;
	// (each cpu's bins are made at its first flushed bin: cpu_bins_new)
	struct hm_cpu *cs = realloc(h->cpus, n * sizeof(*cs));
	if (!cs)
		return -1;
	h->cpus = cs;
	memset(cs + h->ncpus, 0, (n - h->ncpus) * sizeof(*cs));
	for (size_t i = h->ncpus; i < n; i++)
		cs[i].cur = -1;
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

void hm_task_free(struct hm *h, struct hm_task *k)
{
	for (int s = 0; s < S__N; s++) {
		for (size_t key = 0; key < k->s[s].nkeys; key++) {
			free(k->s[s].grid[key]);
			free(k->s[s].mask[key]);
		}
		free(k->s[s].grid);
		free(k->s[s].mask);
		hm_list_free(NULL, &k->s[s].ex);
	}
	free(k->unpaired);
	free(k->hist);
	free(k->kseq);
	hm_list_free(NULL, &k->core);
	for (size_t c = 0; k->core_bins && c < h->ncpus; c++)
		free(k->core_bins[c]);
	free(k->core_bins);
	memset(k, 0, sizeof(*k));
}

void hm_free(struct hm *h)
{
	for (size_t i = 0; i < h->ntasks; i++)
		hm_task_free(h, &h->tasks[i]);
	for (size_t c = 0; c < h->ncpus; c++) {
		struct hm_cpu *p = &h->cpus[c];
		hm_list_free(NULL, &p->ex);
		free(p->top);
		free(p->top_ns);
		free(p->busy);
		free(p->ntasks);
		free(p->acc);
		free(p->ahix);
	}
	while (h->pool) {
		struct hm_blk *b = h->pool;
		h->pool = b->next;
		free(b);
	}
	// (one free() a member, alike in shape to every release on purpose)
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
