// SPDX-License-Identifier: Apache-2.0
// pages.c: writing perfwhiz-dash's two dashboards, the heatmap document, the charts page beside it on a thread (pages.h).
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heatmap.h"
#include "html.h"
#include "memfile.h"
#include "pages.h"
#include "pw_msg.h"
#include "pw_thread.h"

#define PROG PW_DASH_PROG

/* ---- one page ---------------------------------------------------------- */

// NAME-KIND.html (KIND "charts", or "heatmaps" with its heat document)
// from the --json document: page_work() writes it (on any thread),
// page_done() says so and opens it unless --headless, or exits on error.
struct page_job {
	const struct pw_cli *c;
	const char *first, *label, *kind;
	const char *json, *heat;
	size_t json_len, heat_len;
	const struct pw_html_opts *ho;
	char *out;		// the page's path, NULL: out of memory
	int e, errno_e;		// pw_html_write_*'s answer, and errno then
};

static void *page_work(void *arg)
{
	struct page_job *j = arg;

	j->out = pw_html_out_path(j->c->outdir, j->first, j->label, j->kind);
	if (!j->out)
		j->e = PW_ENOMEM;
	else if (j->heat)
		j->e = pw_html_write_heatmaps(j->out, j->json, j->json_len, j->heat,
					      j->heat_len, j->ho);
	else
		j->e = pw_html_write_charts(j->out, j->json, j->json_len, j->ho);
	j->errno_e = errno;
	return NULL;
}

static void page_done(struct page_job *j)
{
	if (!j->out)
		pw_die(PROG, 1, "out of memory");
	if (j->e)
		pw_die(PROG, 1, "cannot write '%s': %s", j->out,
		       j->e == PW_EIO ? strerror(j->errno_e) : pw_strerror(j->e));
	if (!j->c->quiet)
		pw_msg(PROG, "wrote '%s'", j->out);
	if (!j->c->headless) {
		int e = pw_html_open(j->out);
		if (e == PW_EINVAL && !j->c->quiet)
			pw_msg(PROG, "not opening '%s': no display (DISPLAY and WAYLAND_DISPLAY "
			       "are unset); open it in a browser, or give --headless", j->out);
		else if (e && !j->c->quiet)
			pw_msg(PROG, "cannot open '%s' in a browser: xdg-open could not be "
			       "started", j->out);
	}
	free(j->out);
}

/* ---- the heatmap document ---------------------------------------------- */

// What was binned in one run's heatmaps, unless quiet, and what was left
// out (said even with -q: nothing is left out silently). Written to msg,
// not through pw_msg: msg may be a buffer held while the charts page is
// written beside (see pw_pages_write).
static void heat_said(FILE *msg, const struct pw_an_run *r, const struct pw_hm_summary *s,
		      const struct pw_hm_opts *ho, int quiet)
{
	if (!quiet) {
		fprintf(msg, PROG ": heatmaps '%s': %zu tasks; %zu of %zu series binned "
			"(%" PRIu64 " events) in %.3f ms x 1/%u decade cells, the others exact "
			"(%" PRIu64 " events); CPU view: %zu of %zu CPUs binned at %.3f ms; %s",
			r->file, s->tasks, s->binned, s->series, s->binned_events,
			(double)s->bin_ns / 1e6, PW_HM_PER_DECADE, s->exact_events,
			s->cpus_binned, s->cpus, (double)s->cpu_bin_ns / 1e6,
			s->single_pass ? "one reading" : "read twice");
		if (s->held)	// the trailer's first tids: see heatmap.h
			fprintf(msg, " (the series of the %zu tids with the most runtime)",
				s->held);
		fputc('\n', msg);
	}
	if (s->omitted)
		fprintf(msg, PROG ": note: '%s': %zu more selected tasks have no heatmaps "
			"(at most %zu per page): select them with -t\n", r->file,
			s->omitted, ho->max_tasks);
}

// The heatmap document of every run into *buf (see heatmap.h; a buffer of
// pw_memfile_open's), saying on msg what was binned. Returns 0, or -1 with
// the error in err (*buf then freed): it may run beside the charts page's
// thread, which must end before the program does.
static int heat_doc(char **buf, size_t *len, struct pw_inputs *in, int quiet, FILE *msg,
		    char *err, size_t errsize)
{
	struct pw_hm_opts ho = PW_HM_OPTS_INIT;
	FILE *f = pw_memfile_open(buf, len);

	if (!f) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	fprintf(f, "{\"version\":1,\"bins\":%u,\"per_decade\":%u,\"dur_edges\":[",
		PW_HM_BINS, PW_HM_PER_DECADE);
	for (unsigned k = 0; k <= PW_HM_DUR; k++)
		fprintf(f, "%s%" PRIu64, k ? "," : "", pw_hm_dur_edge(k));
	fprintf(f, "],\"limits\":{\"tasks\":%zu,\"exact_max\":%" PRIu32 ",\"exact_total\":%"
		PRIu64 ",\"cells\":%" PRIu64 ",\"cpu_cells\":%" PRIu64 "},\"runs\":[",
		ho.max_tasks, ho.exact_max, ho.exact_total, ho.cell_budget, ho.cpu_cells);
	for (size_t i = 0; i < in->n; i++) {
		struct pw_hm_summary s;
		if (i)
			fputc(',', f);
		if (pw_hm_write(f, in->runs[i], &ho, in->cols[i], &s, err, errsize)) {
			fclose(f);
			goto fail;
		}
		heat_said(msg, in->runs[i], &s, &ho, quiet);
	}
	fputs("]}", f);
	if (!fclose(f))
		return 0;
	snprintf(err, errsize, "out of memory");
fail:
	pw_memfile_free(*buf);
	*buf = NULL;
	return -1;
}

/* ---- the charts page beside ------------------------------------------- */

// The charts page written on a thread while the heatmap document is made,
// the heatmaps' messages held in msg meanwhile so that stderr keeps the
// order of a writing one after the other.
struct beside {
	pthread_t th;
	FILE *msg;
	char *held;
	size_t held_len;
};

// Start cj's page on a thread: 1, or 0 (nothing started: write it here).
static int beside_start(struct beside *b, struct page_job *cj)
{
	b->held = NULL;
	b->held_len = 0;
	b->msg = open_memstream(&b->held, &b->held_len);
	if (b->msg && !pw_thread_start(&b->th, page_work, cj))
		return 1;
	if (b->msg)
		fclose(b->msg);
	free(b->held);
	return 0;
}

// Wait for cj's page, say it was written, then what was held.
static void beside_join(struct beside *b, struct page_job *cj)
{
	pthread_join(b->th, NULL);
	page_done(cj);
	if (fclose(b->msg))
		pw_die(PROG, 1, "out of memory");
	fwrite(b->held, 1, b->held_len, stderr);
	free(b->held);
}

/* ---- both pages -------------------------------------------------------- */

void pw_pages_write(const struct pw_cli *c, struct pw_inputs *in, const char *label,
		    const struct pw_export_info *info)
{
	struct pw_html_opts ho = PW_HTML_OPTS_INIT;
	struct beside b;
	char *jb = NULL, err[1024];
	size_t jl = 0;
	FILE *jf = open_memstream(&jb, &jl);

	// one --json document for both pages
	if (!jf || pw_export_json(jf, in->runs, in->n, info) || fclose(jf))
		pw_die(PROG, 1, "out of memory");
	ho.title = label;
	struct page_job cj = {
		.c = c, .first = in->paths[0], .label = label, .kind = "charts",
		.json = jb, .json_len = jl, .ho = &ho,
	};
	int beside = c->charts && c->heatmaps && pw_cpus_usable() > 1 && beside_start(&b, &cj);
	if (!beside && c->charts) {
		page_work(&cj);
		page_done(&cj);
	}
	if (c->heatmaps) {
		char *hb = NULL;
		size_t hl = 0;
		int he = heat_doc(&hb, &hl, in, c->quiet, beside ? b.msg : stderr, err,
				  sizeof(err));
		if (beside)
			beside_join(&b, &cj);
		if (he)
			pw_die(PROG, 1, "%s", err);
		struct page_job hj = {
			.c = c, .first = in->paths[0], .label = label, .kind = "heatmaps",
			.json = jb, .json_len = jl, .heat = hb, .heat_len = hl, .ho = &ho,
		};
		page_work(&hj);
		page_done(&hj);
		pw_memfile_free(hb);
	}
	free(jb);
}
