// SPDX-License-Identifier: Apache-2.0
// heatmap.c: a run's heatmap document (pw_hm_write), from the single pass or a second pass over the file (heatmap.h).
#include "heatmap.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "hm_bound.h"
#include "hm_collect.h"
#include "hm_int.h"
#include "hm_series.h"
#include "hm_sink.h"
#include "jwrite.h"
#include "memfile.h"
#include "pw_thread.h"
#include "replay.h"

static const char *const series_name[S__N] = { "run", "sleep", "host", "guest" };

uint64_t pw_hm_dur_edge(unsigned k)
{
	hm_dur_init();
	return hm_dur_edges[k > PW_HM_DUR ? PW_HM_DUR : k];
}

/* ---- the document's parts ---------------------------------------------- */

// The document is written through a pw_jw (jwrite.h): numbers without
// printf, the same bytes. Trace strings go through pw_json_string.

static void put_name(struct pw_jw *w, const char *s)
{
	pw_jw_flush(w);
	pw_json_string(w->f, s);
}

// "k":v pairs, each k with its leading ',' and its ':'
struct hm_field {
	const char *k;
	uint64_t v;
};

static void put_fields(struct pw_jw *w, const struct hm_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pw_jw_lit(w, f[i].k);
		pw_jw_u64(w, f[i].v);
	}
}

// an exact list's field as a JSON array: times as deltas (the first from
// the window start), durations, or keys
enum { F_T, F_D, F_KEY };

static void put_list(struct pw_jw *w, const struct hm *h, const struct hm_list *l, int field)
{
	uint64_t prev = h->ws;
	int first = 1;

	pw_jw_ch(w, '[');
	HM_LIST_EACH(l, e) {
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

// What a series, a core map and a CPU view begin with: "count":n,"mode":
// "bins" or "exact", and for an exact one its list: "t":[...],"d":[...]
// and, when key names it (",\"k\":"), the keys.
static void put_head(struct pw_jw *w, const struct hm *h, uint64_t count, int binned,
		     const struct hm_list *l, const char *key)
{
	pw_jw_lit(w, "\"count\":");
	pw_jw_u64(w, count);
	pw_jw_lit(w, binned ? ",\"mode\":\"bins\"," : ",\"mode\":\"exact\",");
	if (binned)
		return;
	pw_jw_lit(w, "\"t\":");
	put_list(w, h, l, F_T);
	pw_jw_lit(w, ",\"d\":");
	put_list(w, h, l, F_D);
	if (key) {
		pw_jw_lit(w, key);
		put_list(w, h, l, F_KEY);
	}
}

static void put_series(struct pw_jw *w, const struct hm *h, const struct hm_series *s, int kvm,
		       struct pw_hm_summary *sum)
{
	if (s->count) {
		sum->series++;
		if (s->binned) {
			sum->binned++;
			sum->binned_events += s->count;
		} else {
			sum->exact_events += s->count;
		}
	}
	pw_jw_ch(w, '{');
	put_head(w, h, s->count, s->binned, &s->ex, kvm ? ",\"k\":" : NULL);
	if (!s->binned) {
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
			if (!g || !hm_col_range(s->mask[key][b], &lo, &hi))
				continue;
			pw_jw_sep_u64(w, first, b);
			if (kvm)
				pw_jw_sep_u64(w, 0, key);
			pw_jw_sep_u64(w, 0, lo);
			pw_jw_sep_u64(w, 0, hi - lo + 1);
			for (unsigned d = lo; d <= hi; d++)
				pw_jw_sep_u64(w, 0, hm_cell(s, g, row + d));
			first = 0;
		}
	pw_jw_lit(w, "]}");
}

// Per reason of task k: exits without entry and the exit -> entry
// histogram, with the analysis' percentiles (the --json ones: same
// histograms).
static void put_reasons(struct pw_jw *w, const struct hm *h, const struct hm_task *k)
{
	int first = 1;

	pw_jw_lit(w, ",\"reasons\":[");
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
		const struct pw_an_reason *r = pw_an_reason_find(k->t, h->reasons[key].name);
		const struct hm_field counts[] = {
			{ first ? "{\"key\":" : ",{\"key\":", key },
			{ ",\"timed\":", n }, { ",\"unpaired\":", k->unpaired[key] },
		};
		put_fields(w, counts, sizeof(counts) / sizeof(*counts));
		first = 0;
		if (r && r->host.count) {
			const struct hm_field pct[] = {
				{ ",\"p50_ns\":", pw_hist_percentile(&r->host, 50.0) },
				{ ",\"p90_ns\":", pw_hist_percentile(&r->host, 90.0) },
				{ ",\"p99_ns\":", pw_hist_percentile(&r->host, 99.0) },
				{ ",\"min_ns\":", r->host.min }, { ",\"max_ns\":", r->host.max },
			};
			put_fields(w, pct, sizeof(pct) / sizeof(*pct));
		}
		pw_jw_lit(w, ",\"lo\":");
		pw_jw_u64(w, n ? lo : 0);
		pw_jw_lit(w, ",\"hist\":[");
		for (unsigned d = lo; n && d <= hi; d++)
			pw_jw_sep_u64(w, d == lo, k->hist[key][d]);
		pw_jw_lit(w, "]}");
	}
	pw_jw_ch(w, ']');
}

// where task k ran: its slices, or per time bin and cpu its runtime
static void put_core(struct pw_jw *w, const struct hm *h, const struct hm_task *k)
{
	pw_jw_lit(w, ",\"core\":{");
	put_head(w, h, k->core_count, k->core_binned, &k->core, ",\"cpu\":");
	if (!k->core_binned) {
		pw_jw_ch(w, '}');
		return;
	}
	pw_jw_lit(w, "\"cells\":[");	// bin, cpu, runtime ns
	int first = 1;
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
	put_reasons(w, h, k);
	put_core(w, h, k);
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
	pw_jw_ch(w, ',');
	put_head(w, h, p->count, p->binned, &p->ex, ",\"id\":");
	if (!p->binned)
		pw_jw_ch(w, ',');
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

// The tasks of the document, in two halves, the second on a thread when
// there are tasks enough (the document's bytes do not depend on it). 0, or
// -1 out of memory.
static int put_tasks(struct pw_jw *w, struct hm *h, struct pw_hm_summary *sum)
{
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
	if (!split)
		return 0;
	pthread_join(th, NULL);
	pw_jw_flush(w);
	if (!part.failed)
		fwrite(part.buf, 1, part.len, w->f);
	pw_memfile_free(part.buf);
	sum->series += part.sum.series;
	sum->binned += part.sum.binned;
	sum->exact_events += part.sum.exact_events;
	sum->binned_events += part.sum.binned_events;
	return part.failed ? -1 : 0;
}

static int hm_output(FILE *f, struct hm *h, const struct pw_an_run *run,
		     const struct pw_hm_opts *ho, struct pw_hm_summary *sum)
{
	struct pw_jw *w;

	if (hm_bound(h, ho->cell_budget))
		return PW_ENOMEM;
	if (!(w = malloc(sizeof(*w))))
		return PW_ENOMEM;
	pw_jw_init(w, f);
	pw_jw_lit(w, "{\"name\":");
	put_name(w, run->name);
	const struct hm_field head[] = {
		{ ",\"start_ns\":", h->ws }, { ",\"end_ns\":", h->we },
		{ ",\"bin_ns\":", h->bin_ns }, { ",\"nr_bins\":", h->nbins },
		{ ",\"cpu_bin_ns\":", h->cpu_bin_ns }, { ",\"cpu_nr_bins\":", h->cpu_nbins },
		{ ",\"series_bin_ns\":", run->bin_ns }, { ",\"series_nr_bins\":", run->nr_bins },
	};
	put_fields(w, head, sizeof(head) / sizeof(*head));
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
	if (put_tasks(w, h, sum)) {
		free(w);
		return PW_ENOMEM;
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

/* ---- the tasks shown, the second pass ---------------------------------- */

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

// The second pass: the shown tasks (shown[0..ns)) collected reading the
// file again. 0, or a PW_E* code with err set (PW_ENOMEM: not set).
static int hm_two_pass(struct hm *h, const struct pw_an_run *run, const struct pw_hm_opts *ho,
		       const struct pw_an_task *const *shown, size_t ns, char *err,
		       size_t errsize)
{
	unsigned char *full;
	int e;

	h->run = run;
	h->o = ho;
	hm_params(h, run->win_start, run->win_end, run->bin_ns, run->nr_cpu_slots, ho);
	h->exact_left = ho->exact_total;
	h->cpu_exact_left = ho->exact_total;
	for (unsigned i = 0; i < HM_RKEY; i++)
		h->rkey[0][i] = h->rkey[1][i] = -1;
	size_t n = run->nr_all_tasks;
	h->bytes_max = PW_HM_BYTES_MAX;
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
	h->ntasks = h->nids = ns;
	for (size_t k = 0; k < ns; k++) {
		h->tasks[k].t = h->ids[k] = shown[k];
		h->tasks[k].rk_key = UINT32_MAX;
	}
	for (size_t i = 0; i < n; i++)
		h->vid[i] = -1;
	for (size_t k = 0; k < h->ntasks; k++)
		h->vid[h->tasks[k].t->index] = (int32_t)k;
	for (size_t i = 0; i < n; i++) {
		const struct pw_an_task *v = hm_visible(run->all_tasks[i]);
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
		hm_cpu_flush(h, &h->cpus[c]);
	if (h->toobig) {
		snprintf(err, errsize, "the heatmaps of '%s' need more than %u MiB (the limit): "
			 "select fewer tasks with -t", run->file, PW_HM_BYTES_MAX >> 20);
		return PW_ETOOBIG;
	}
	return h->nomem ? PW_ENOMEM : 0;
}

int pw_hm_write(FILE *f, const struct pw_an_run *run, const struct pw_hm_opts *ho,
		struct pw_hm_collect *col, struct pw_hm_summary *sum, char *err,
		size_t errsize)
{
	struct hm two = { 0 }, *h = NULL;
	const struct pw_an_task **shown = calloc(ho->max_tasks ? ho->max_tasks : 1,
						 sizeof(*shown));
	int e = PW_ENOMEM;

	memset(sum, 0, sizeof(*sum));
	hm_dur_init();
	hm_dur_check();
	if (!shown)
		goto out;
	size_t ns = pick_shown(run, ho, shown, sum);
	if (col) {	// the single pass' data, when it holds
		int held = hm_collect_finish(col, run, shown, ns, sum, &h);
		if (held < 0)
			goto out;
		sum->single_pass = !held;
	}
	e = 0;
	if (!h) {
		h = &two;
		e = hm_two_pass(h, run, ho, shown, ns, err, errsize);
	}
	if (!e)
		e = hm_output(f, h, run, ho, sum);
out:
	if (e == PW_ENOMEM)
		snprintf(err, errsize, "out of memory making the heatmaps of '%s'", run->file);
	free(shown);
	hm_free(&two);
	return e;
}
