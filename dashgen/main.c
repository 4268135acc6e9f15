// SPDX-License-Identifier: Apache-2.0
// main.c: perfwhiz-dash, the command line: options, loading and selection, --list, --successors-of, --json, --csv.
//
// Options follow the original perfmap.py where they overlap. Exit status:
// 0 success, 1 input or runtime error, 2 usage. On an error one line goes to
// stderr and nothing is written (files go through a temporary file, --json
// is built in memory and written at the end).
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "export.h"
#include "heatmap.h"
#include "html.h"
#include "memfile.h"
#include "pw_map.h"
#include "pw_thread.h"
#include "selection.h"

#define PROG "perfwhiz-dash"

static const char usage_text[] =
	"usage: " PROG " [options] FILE.cdict [FILE2.cdict ...]\n"
	"\n"
	"Reduce perfwhiz captures (.cdict, or files of the original perfwhiz) to\n"
	"per-task scheduler and KVM figures: JSON, CSV, task lists, dashboards.\n"
	"The .cdict suffix may be omitted.\n"
	"\n"
	"  -t, --task REGEX       select tasks: POSIX extended regex matched at the\n"
	"                         start of the name; a number selects a tid; a\n"
	"                         leading '*' is read as '.*'\n"
	"  -f, --from MSEC        start the analysis MSEC after the first event\n"
	"  -c, --cap MSEC         analyse MSEC from the start (default: all; with\n"
	"                         several files, the shortest capture)\n"
	"      --label TEXT       label for the title and output names\n"
	"      --map CSV          name tasks from a mapping CSV\n"
	"                         (tid,libvirt-name,type,uuid,group-type,group-id,name)\n"
	"      --output-dir DIR   write dashboards into DIR\n"
	"      --merge-sys-tasks  fold per-CPU kernel threads (swapper/0 -> swapper)\n"
	"      --append-tid       name tasks name:tid\n"
	"      --list             list every task with tid, name and event count\n"
	"      --successors-of TASK\n"
	"                         which tasks ran next after TASK (tid or name)\n"
	"                         switched out, with counts and percentages\n"
	"      --json             write the analysis as JSON on stdout\n"
	"      --csv DIR          write the analysis as CSV tables into DIR\n"
	"      --charts           write NAME-charts.html, the basic dashboard (the\n"
	"                         default when no other output is asked for)\n"
	"      --heatmaps         write NAME-heatmaps.html, the detailed dashboard\n"
	"                         (with --charts: both, from one reading)\n"
	"      --headless         do not open the dashboard in a browser\n"
	"  -q, --quiet            no progress and no summary on stderr\n"
	"  -v, --verbose          the data-quality figures of every run on stderr\n"
	"      --version          print the version and exit\n"
	"  -h, --help             print this help and exit\n"
	"\n"
	"Exit status: 0 success, 1 input or runtime error, 2 usage error.\n";

enum {
	OPT_LABEL = 256, OPT_MAP, OPT_OUTDIR, OPT_MERGE, OPT_APPEND, OPT_LIST,
	OPT_SUCC, OPT_HEADLESS, OPT_CHARTS, OPT_HEATMAPS, OPT_JSON, OPT_CSV, OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "task", required_argument, NULL, 't' },
	{ "from", required_argument, NULL, 'f' },
	{ "cap", required_argument, NULL, 'c' },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "output-dir", required_argument, NULL, OPT_OUTDIR },
	{ "merge-sys-tasks", no_argument, NULL, OPT_MERGE },
	{ "append-tid", no_argument, NULL, OPT_APPEND },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "successors-of", required_argument, NULL, OPT_SUCC },
	{ "headless", no_argument, NULL, OPT_HEADLESS },
	{ "charts", no_argument, NULL, OPT_CHARTS },
	{ "heatmaps", no_argument, NULL, OPT_HEATMAPS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct cli {
	const char *task, *label, *map, *outdir, *succ, *csv;
	uint64_t from_ns, cap_ns;
	int merge, append, list, headless, charts, heatmaps, json, quiet, verbose;
	char **files;
	size_t nr_files;
};

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

// MSEC: a non-negative decimal number of milliseconds.
static uint64_t parse_msec(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);

	if (!*s || *end || errno || !(v >= 0) || v > 1e12 || !isfinite(v))
		die(2, "bad %s value '%s': want a number of milliseconds", opt, s);
	return (uint64_t)llround(v * 1e6);
}

static void parse(struct cli *c, int argc, char **argv)
{
	int o;

	opterr = 0;
	while ((o = getopt_long(argc, argv, ":t:f:c:qvh", long_opts, NULL)) != -1) {
		switch (o) {
		case 't': c->task = optarg; break;
		case 'f': c->from_ns = parse_msec("--from", optarg); break;
		case 'c':
			c->cap_ns = parse_msec("--cap", optarg);
			if (!c->cap_ns)
				die(2, "bad --cap value '%s': want more than 0 ms", optarg);
			break;
		case OPT_LABEL: c->label = optarg; break;
		case OPT_MAP: c->map = optarg; break;
		case OPT_OUTDIR: c->outdir = optarg; break;
		case OPT_MERGE: c->merge = 1; break;
		case OPT_APPEND: c->append = 1; break;
		case OPT_LIST: c->list = 1; break;
		case OPT_SUCC: c->succ = optarg; break;
		case OPT_HEADLESS: c->headless = 1; break;
		case OPT_CHARTS: c->charts = 1; break;
		case OPT_HEATMAPS: c->heatmaps = 1; break;
		case OPT_JSON: c->json = 1; break;
		case OPT_CSV: c->csv = optarg; break;
		case 'q': c->quiet = 1; break;
		case 'v': c->verbose = 1; break;
		case OPT_VERSION:
			printf(PROG " %s\n", PW_VERSION);
			exit(0);
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			die(2, "option '%s' needs a value (see --help)", argv[optind - 1]);
		default:
			if (optopt)
				die(2, "unknown option '-%c' (see --help)", optopt);
			die(2, "unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		die(2, "no input file (see --help)");
	c->files = argv + optind;
	c->nr_files = (size_t)(argc - optind);
	if (c->list && c->succ)
		die(2, "--list and --successors-of cannot be used together");
	if ((c->list || c->succ) && (c->charts || c->heatmaps))
		die(2, "%s writes no dashboard: drop --charts and --heatmaps",
		    c->list ? "--list" : "--successors-of");
}

// The file to read for a name: as given, else with ".cdict" added (the
// original let the suffix be omitted). Caller frees.
static char *resolve(const char *name)
{
	struct stat st;
	char *p;

	if (stat(name, &st) == 0 || asprintf(&p, "%s.cdict", name) < 0)
		return strdup(name);
	if (stat(p, &st) == 0)
		return p;
	free(p);
	return strdup(name);
}

/* ---- progress ---------------------------------------------------------- */

struct progress {
	const char *file;
	struct timespec start;
	int shown, enabled;
};

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void on_progress(void *ctx, uint64_t events, uint64_t bytes)
{
	struct progress *p = ctx;
	(void)bytes;
	if (!p->enabled || since(&p->start) < 1.0)
		return;
	fprintf(stderr, "\r" PROG ": reading '%s': %.1f M events", p->file,
		(double)events / 1e6);
	p->shown = 1;
}

static void progress_end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}

/* ---- --list and --successors-of ---------------------------------------- */

static int cmp_events(const void *a, const void *b)
{
	const struct pw_an_task *x = *(struct pw_an_task *const *)a;
	const struct pw_an_task *y = *(struct pw_an_task *const *)b;

	if (x->events != y->events)
		return x->events > y->events ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void print_name(FILE *f, const char *s)
{
	// untrusted: no control characters on a terminal
	char *r = pw_utf8_repair(s);
	for (const unsigned char *p = (const unsigned char *)(r ? r : s); *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
	free(r);
}

static void do_list(FILE *f, struct pw_an_run **runs, size_t n)
{
	fputs("List of tids and task names sorted by event count\n", f);
	for (size_t i = 0; i < n; i++) {
		struct pw_an_run *r = runs[i];
		struct pw_an_task **v = malloc((r->nr_tasks ? r->nr_tasks : 1) * sizeof(*v));
		if (!v)
			die(1, "out of memory");
		memcpy(v, r->tasks, r->nr_tasks * sizeof(*v));
		if (r->nr_tasks > 1)
			qsort(v, r->nr_tasks, sizeof(*v), cmp_events);
		fprintf(f, "%s:\n%10s %8s %8s  %s\n", r->name, "events", "tid", "pid", "name");
		for (size_t k = 0; k < r->nr_tasks; k++) {
			if (!v[k]->selected)
				continue;
			fprintf(f, "%10" PRIu64 " %8" PRId32 " %8" PRId32 "  ", v[k]->events,
				v[k]->tid, v[k]->pid);
			print_name(f, v[k]->name);
			fputc('\n', f);
		}
		free(v);
	}
}

struct succ {
	char *name;
	uint64_t count;
};

static int cmp_succ(const void *a, const void *b)
{
	const struct succ *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

// Successors of `spec` in one run: a second pass counting the next task of
// every switch-out of the matching tids.
static int do_successors(FILE *f, struct pw_an_run *r, const char *spec,
			 const struct pw_an_opts *base, const char *label)
{
	int32_t *tids = malloc((r->nr_all_tasks + 1) * sizeof(*tids));
	size_t nt = 0;
	const char *q = spec;
	char err[1024];

	if (!tids)
		die(1, "out of memory");
	while (*q >= '0' && *q <= '9')
		q++;
	int numeric = *spec && !*q;
	const struct pw_an_task *shown = NULL;
	for (size_t i = 0; i < r->nr_all_tasks; i++) {
		const struct pw_an_task *t = r->all_tasks[i], *top = t;
		while (top->merged_into)
			top = top->merged_into;
		int hit = numeric ? t->tid == (int32_t)strtol(spec, NULL, 10)
				  : !strcmp(top->name, spec);
		if (hit) {
			size_t k;
			for (k = 0; k < nt && tids[k] != t->tid; k++)
				;
			if (k == nt)
				tids[nt++] = t->tid;
			if (!shown)
				shown = top;
		}
	}
	if (!nt) {
		free(tids);
		return 0;
	}
	struct pw_an_opts o = *base;
	struct pw_an_run *r2;
	o.succ_tids = tids;
	o.nr_succ_tids = nt;
	o.progress = NULL;
	if (pw_an_run_file(&r2, r->file, &o, err, sizeof(err)))
		die(1, "%s", err);
	struct succ *s = calloc(r2->nr_tasks + 1, sizeof(*s));
	size_t ns = 0;
	uint64_t total = 0;
	char buf[PW_NAME_MAX + 32];
	if (!s)
		die(1, "out of memory");
	for (size_t i = 0; i < r2->nr_tasks; i++) {
		const struct pw_an_task *t = r2->tasks[i];
		if (!t->successor_count)
			continue;
		// per-core tasks aggregate (swapper/0 -> swapper), as the original
		pw_an_sys_name(t->name, buf, sizeof(buf));
		size_t k;
		for (k = 0; k < ns && strcmp(s[k].name, buf); k++)
			;
		if (k == ns && !(s[ns++].name = strdup(buf)))
			die(1, "out of memory");
		s[k].count += t->successor_count;
		total += t->successor_count;
	}
	if (ns > 1)
		qsort(s, ns, sizeof(*s), cmp_succ);
	fprintf(f, "%s:\nSuccessors of ", r->name);
	print_name(f, shown->name);
	fprintf(f, ":%" PRId32 " (%s)\n%10s %8s  %s\n", shown->tid, label, "count",
		"percent", "task");
	for (size_t k = 0; k < ns; k++) {
		fprintf(f, "%10" PRIu64 " %7.2f%%  ", s[k].count,
			100.0 * (double)s[k].count / (double)total);
		print_name(f, s[k].name);
		fputc('\n', f);
		free(s[k].name);
	}
	if (!ns)
		fputs("(no switch-out in the window)\n", f);
	free(s);
	free(tids);
	pw_an_run_free(r2);
	return 1;
}

/* ---- --heatmaps -------------------------------------------------------- */

// The heatmap document of every run into *buf (see heatmap.h; a buffer of
// pw_memfile_open's), saying on msg what was binned. Returns 0, or -1 with
// the error in err (*buf then freed): it may run beside the charts page's
// thread, which must end before the program does.
static int heat_doc(char **buf, size_t *len, struct pw_an_run **runs,
		    struct pw_hm_collect **cols, size_t n, int quiet, FILE *msg,
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
	for (size_t i = 0; i < n; i++) {
		struct pw_hm_summary s;
		if (i)
			fputc(',', f);
		if (pw_hm_write(f, runs[i], &ho, cols[i], &s, err, errsize)) {
			fclose(f);
			goto fail;
		}
		if (!quiet) {
			fprintf(msg, PROG ": heatmaps '%s': %zu tasks; %zu of %zu series binned "
				"(%" PRIu64 " events) in %.3f ms x 1/%u decade cells, the others exact "
				"(%" PRIu64 " events); CPU view: %zu of %zu CPUs binned at %.3f ms; %s",
				runs[i]->file, s.tasks, s.binned, s.series, s.binned_events,
				(double)s.bin_ns / 1e6, PW_HM_PER_DECADE, s.exact_events,
				s.cpus_binned, s.cpus, (double)s.cpu_bin_ns / 1e6,
				s.single_pass ? "one reading" : "read twice");
			if (s.held)	// the trailer's first tids: see heatmap.h
				fprintf(msg, " (the series of the %zu tids with the most runtime)",
					s.held);
			fputc('\n', msg);
		}
		if (s.omitted)	// said even with -q: nothing is left out silently
			fprintf(msg, PROG ": note: '%s': %zu more selected tasks have no heatmaps "
				"(at most %zu per page): select them with -t\n", runs[i]->file,
				s.omitted, ho.max_tasks);
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

/* ---- pages ------------------------------------------------------------- */

// NAME-KIND.html (KIND "charts", or "heatmaps" with its heat document)
// from the --json document: page_work() writes it (on any thread),
// page_done() says so and opens it unless --headless, or exits on error.
struct page_job {
	const struct cli *c;
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
		die(1, "out of memory");
	if (j->e)
		die(1, "cannot write '%s': %s", j->out,
		    j->e == PW_EIO ? strerror(j->errno_e) : pw_strerror(j->e));
	if (!j->c->quiet)
		fprintf(stderr, PROG ": wrote '%s'\n", j->out);
	if (!j->c->headless)
		pw_html_open(j->out);
	free(j->out);
}

/* ---- summary ----------------------------------------------------------- */

static void summary(const struct pw_an_run *r, size_t selected, int verbose)
{
	const struct pw_an_quality *q = &r->q;

	fprintf(stderr, PROG ": %s: %" PRIu64 " events, %zu tasks (%zu selected), %"
		PRIu32 " cpus, window %.3f ms%s\n", r->file, r->events_read,
		r->nr_tasks, selected, r->nr_cpus, (double)r->covered_ns / 1e6,
		q->legacy ? " (legacy file)" : "");
	if (q->failed_validation)
		fprintf(stderr, PROG ": warning: '%s': %" PRIu64 " samples failed validation at capture\n",
			r->file, q->failed_validation);
	if (q->unknown_state)
		fprintf(stderr, PROG ": note: '%s': %" PRIu64 " switches without prev_state "
			"(legacy): counted as switches, neither voluntary nor involuntary\n",
			r->file, q->unknown_state);
	if (verbose)
		fprintf(stderr, PROG ": quality '%s': clipped_start %" PRIu64 ", clipped_end %"
			PRIu64 ", switch_mismatch %" PRIu64 ", kvm_exits_without_entry %" PRIu64
			", kvm_entries_without_exit %" PRIu64 ", tid_reuse %" PRIu64 ", exec %"
			PRIu64 ", legacy_skipped %" PRIu64 "\n", r->file, q->clipped_start,
			q->clipped_end, q->switch_mismatch, q->kvm_exit_without_entry,
			q->kvm_entry_without_exit, q->tid_reuse, q->exec, q->legacy_skipped);
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	struct pw_map map = { 0 };
	struct pw_an_select *sel = NULL;
	char err[1024];

	parse(&c, argc, argv);

	if (c.task && pw_an_select_new(&sel, c.task, err, sizeof(err)))
		die(2, "bad --task regex '%s': %s", c.task, err);
	if (c.csv) {
		struct stat st;
		if (stat(c.csv, &st) || !S_ISDIR(st.st_mode))
			die(1, "cannot write into '%s': not a directory", c.csv);
	}
	if (c.outdir) {
		struct stat st;
		if (stat(c.outdir, &st) || !S_ISDIR(st.st_mode))
			die(1, "invalid output directory '%s': not a directory", c.outdir);
	}
	// the pages asked for; the basic one when no output is
	int charts = c.charts || (!c.heatmaps && !c.json && !c.csv && !c.list && !c.succ);
	if (c.map) {
		size_t line = 0;
		int e = pw_map_load(&map, c.map, &line);
		if (e) {
			char m[PATH_MAX + 128];
			die(1, "%s", pw_map_describe(e, c.map, line, errno, m, sizeof(m)));
		}
	}

	// static: what die() leaves behind stays reachable (the leak checker of
	// the sanitizer builds; a noreturn call lets the compiler drop locals)
	static char **paths;
	static struct pw_an_run **runs;
	static struct pw_hm_collect **cols;
	static uint64_t (*span)[2];
	paths = calloc(c.nr_files, sizeof(*paths));
	runs = calloc(c.nr_files, sizeof(*runs));
	cols = calloc(c.nr_files, sizeof(*cols));
	if (!paths || !runs || !cols)
		die(1, "out of memory");
	for (size_t i = 0; i < c.nr_files; i++)
		if (!(paths[i] = resolve(c.files[i])))
			die(1, "out of memory");

	// several files without --cap: the window is the shortest capture
	// (each file's span from its trailer: held to its events once read)
	uint64_t cap = c.cap_ns;
	if (c.nr_files > 1 && !cap) {
		uint64_t shortest = UINT64_MAX;
		if (!(span = calloc(c.nr_files, sizeof(*span))))
			die(1, "out of memory");
		for (size_t i = 0; i < c.nr_files; i++) {
			uint64_t a, b;
			if (pw_an_span(paths[i], &a, &b, err, sizeof(err)))
				die(1, "%s", err);
			span[i][0] = a;
			span[i][1] = b;
			if (b - a < shortest)
				shortest = b - a;
		}
		if (c.from_ns >= shortest)
			die(2, "--from %.3f ms is beyond the shortest capture (%.3f ms long)",
			    (double)c.from_ns / 1e6, (double)shortest / 1e6);
		cap = shortest - c.from_ns;
	}

	struct pw_an_opts o = PW_AN_OPTS_INIT;
	struct progress prog = { 0 };
	o.from_ns = c.from_ns;
	o.cap_ns = cap;
	o.merge_sys_tasks = c.merge;
	o.append_tid = c.append;
	o.map = c.map ? &map : NULL;
	o.progress = on_progress;
	o.ctx = &prog;
	if (c.heatmaps)	// the per-task runtime and per-CPU busy series
		o.max_bins = PW_HM_BINS;
	prog.enabled = !c.quiet && isatty(2);
	for (size_t i = 0; i < c.nr_files; i++) {
		prog.file = paths[i];
		if (c.heatmaps) {	// collected while it is read, when it can be
			struct pw_hm_opts ho = PW_HM_OPTS_INIT;
			cols[i] = pw_hm_collect_new(paths[i], &o, &ho, c.task != NULL);
			o.batch = cols[i] ? pw_hm_collect_batch : NULL;
			o.batch_holds = cols[i] ? PW_HM_COLLECT_HOLDS : 0;
			o.batch_ctx = cols[i];
		}
		clock_gettime(CLOCK_MONOTONIC, &prog.start);
		int e = pw_an_run_file(&runs[i], paths[i], &o, err, sizeof(err));
		progress_end(&prog);
		// the window came from what the file's end said: a tail that
		// passes for a trailer but is not the one the reader reached, or a
		// file changed since, would have given another one
		if (!e && span &&
		    (runs[i]->first_ns != span[i][0] || runs[i]->last_ns != span[i][1])) {
			snprintf(err, sizeof(err), "corrupt input '%s': its end says its events "
				 "run from %" PRIu64 " to %" PRIu64 " ns, they run from %" PRIu64
				 " to %" PRIu64 " (or it changed while it was read)", paths[i],
				 span[i][0], span[i][1], runs[i]->first_ns, runs[i]->last_ns);
			e = PW_ECORRUPT;
		}
		if (e)
			die(e == PW_EINVAL ? 2 : 1, "%s", err);
	}
	free(span);
	span = NULL;
	if (pw_an_short_names(runs, c.nr_files))
		die(1, "out of memory");
	for (size_t i = 0; i < c.nr_files; i++)
		if (runs[i]->scale > 1.0)
			fprintf(stderr, PROG ": warning: '%s' covers %.3f ms of the %.3f ms window: "
				"its figures are scaled by %.2f in comparisons\n", runs[i]->file,
				(double)runs[i]->covered_ns / 1e6, (double)runs[i]->window_ns / 1e6,
				runs[i]->scale);

	size_t matched = 0, *nsel = calloc(c.nr_files, sizeof(*nsel));
	if (!nsel)
		die(1, "out of memory");
	for (size_t i = 0; i < c.nr_files; i++)
		matched += nsel[i] = pw_an_select(runs[i], sel);
	if (sel && !matched)
		die(1, "no task matches '%s' in %s", c.task,
		    c.nr_files > 1 ? "any input file" : paths[0]);

	const char *label = c.label ? c.label : c.nr_files > 1 ? "diff" : runs[0]->name;
	struct pw_export_info info = { c.label, c.task, c.merge, c.append, c.from_ns, c.cap_ns };
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		die(1, "out of memory");

	if (c.list) {
		do_list(mem, runs, c.nr_files);
	} else if (c.succ) {
		int found = 0;
		for (size_t i = 0; i < c.nr_files; i++)
			found += do_successors(mem, runs[i], c.succ, &o, label);
		if (!found)
			die(1, "no task '%s' in %s", c.succ,
			    c.nr_files > 1 ? "any input file" : paths[0]);
	} else {
		if (c.csv && pw_export_csv(c.csv, runs, c.nr_files, &info, err, sizeof(err)))
			die(1, "%s", err);
		if (c.json && pw_export_json(mem, runs, c.nr_files, &info))
			die(1, "out of memory");
		if (charts || c.heatmaps) {	// one --json document for both pages
			char *jb = NULL;
			size_t jl = 0;
			FILE *jf = open_memstream(&jb, &jl);
			struct pw_html_opts ho = { label };
			if (!jf || pw_export_json(jf, runs, c.nr_files, &info) || fclose(jf))
				die(1, "out of memory");
			// with both, the charts page is written on a thread while
			// the heatmap document is made (its messages held until
			// then: the order on stderr stays)
			struct page_job cj = { &c, paths[0], label, "charts", jb, NULL, jl, 0, &ho,
					       NULL, 0, 0 };
			pthread_t th;
			char *mb = NULL;
			size_t ml = 0;
			FILE *msg = charts && c.heatmaps && pw_cpus_usable() > 1 ?
					    open_memstream(&mb, &ml) : NULL;
			int beside = msg && !pw_thread_start(&th, page_work, &cj);
			if (!beside) {
				if (msg)
					fclose(msg);
				free(mb);
				msg = NULL;
				if (charts) {
					page_work(&cj);
					page_done(&cj);
				}
			}
			if (c.heatmaps) {
				char *hb = NULL;
				size_t hl = 0;
				int he = heat_doc(&hb, &hl, runs, cols, c.nr_files, c.quiet,
						  msg ? msg : stderr, err, sizeof(err));
				if (beside) {
					pthread_join(th, NULL);
					page_done(&cj);
					if (fclose(msg))
						die(1, "out of memory");
					fwrite(mb, 1, ml, stderr);
					free(mb);
				}
				if (he)
					die(1, "%s", err);
				struct page_job hj = { &c, paths[0], label, "heatmaps", jb, hb, jl,
						       hl, &ho, NULL, 0, 0 };
				page_work(&hj);
				page_done(&hj);
				pw_memfile_free(hb);
			}
			free(jb);
		}
	}
	if (fclose(mem))
		die(1, "out of memory");
	if (len && (fwrite(buf, 1, len, stdout) != len || fflush(stdout)))
		die(1, "cannot write the output: %s", strerror(errno));
	free(buf);

	if (!c.quiet)
		for (size_t i = 0; i < c.nr_files; i++)
			summary(runs[i], nsel[i], c.verbose);
	// data lost to a cut-short capture is said even with -q
	for (size_t i = 0; i < c.nr_files; i++)
		if (runs[i]->q.truncated)
			fprintf(stderr, PROG ": warning: '%s' is truncated: %" PRIu64
				" events recovered from its complete chunks\n",
				runs[i]->file, runs[i]->events_read);
	for (size_t i = 0; i < c.nr_files; i++) {
		pw_hm_collect_free(cols[i]);
		pw_an_run_free(runs[i]);
		free(paths[i]);
	}
	free(cols);
	free(runs);
	free(paths);
	free(nsel);
	pw_an_select_free(sel);
	pw_map_release(&map);
	return 0;
}
