// SPDX-License-Identifier: Apache-2.0
// main.c: perfwhiz-dash: the steps from the command line to the outputs.
//
// Exit status: 0 success, 1 input or runtime error, 2 usage. On an error
// one line goes to stderr and nothing is written (files go through a
// temporary file; stdout, --json or a list, is built in memory and written
// at the end). Each step is a function of its own: the options (cli.h),
// the inputs (inputs.h), the text answers (list.h), the pages (pages.h),
// --json and --csv (export.h).
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis.h"
#include "cli.h"
#include "export.h"
#include "html.h"
#include "inputs.h"
#include "list.h"
#include "pages.h"
#include "pw_map.h"
#include "pw_msg.h"
#include "pw_outpath.h"
#include "selection.h"

#define PROG PW_DASH_PROG

// What the steps share.
struct dash {
	struct pw_cli c;
	struct pw_an_select *sel;	// -t, or NULL: every task
	struct pw_map map;		// --map's names (empty without)
	struct pw_inputs in;
	size_t *selected;		// tasks selected in each run
	const char *label;		// the title and the pages' NAME
	struct pw_export_info info;	// what --json says it was asked
};

// -t compiled; a bad regex is a usage error.
static void compile_selection(struct dash *d)
{
	char err[1024];

	if (d->c.task && pw_an_select_new(&d->sel, d->c.task, err, sizeof(err)))
		pw_die(PROG, 2, "bad --task regex '%s': %s", d->c.task, err);
}

// An output directory (--csv DIR, --output-dir DIR) that cannot be made or
// written into is said before any reading: it is a directory, or it does
// not exist yet and its parent is one (it is made when the outputs are
// written, so that an error before leaves nothing behind).
static void check_output_dir(const char *opt, const char *dir)
{
	struct stat st;

	if (!stat(dir, &st)) {
		if (!S_ISDIR(st.st_mode))
			pw_die(PROG, 1, "cannot write into '%s' (%s): it is not a directory", dir, opt);
		return;
	}
	if (errno != ENOENT)
		pw_die(PROG, 1, "cannot write into '%s' (%s): %s", dir, opt, strerror(errno));
	char *parent = strdup(dir);
	if (!parent)
		pw_die(PROG, 1, "out of memory");
	size_t n = strlen(parent);
	while (n > 1 && parent[n - 1] == '/')
		parent[--n] = '\0';
	char *slash = strrchr(parent, '/');
	const char *p = !slash ? "." : slash == parent ? "/" : (*slash = '\0', parent);
	if (stat(p, &st) || !S_ISDIR(st.st_mode))
		pw_die(PROG, 1, "cannot make '%s' (%s): its parent '%s' is not a directory",
		       dir, opt, p);
	free(parent);
}

static void check_output_dirs(const struct pw_cli *c)
{
	if (c->csv)
		check_output_dir("--csv", c->csv);
	if (c->outdir)
		check_output_dir("--output-dir", c->outdir);
}

// make an output directory that does not exist yet (checked before)
static void make_output_dir(const char *opt, const char *dir)
{
	if (mkdir(dir, 0777) && errno != EEXIST)
		pw_die(PROG, 1, "cannot make '%s' (%s): %s", dir, opt, strerror(errno));
}

// One output path: a kind the policy writes (pw_outpath.h), and none of
// the files read (inputs[0..n), --map), links followed. Exits 1 otherwise.
static void check_output(const char *out, char *const *inputs, size_t n, const char *map)
{
	const char *why = pw_outpath_refusal(out);

	if (why)
		pw_die(PROG, 1, "cannot write '%s': it is %s (an output is a regular file, "
		       "a character device or a FIFO)", out, why);
	for (size_t i = 0; i < n; i++)
		if (pw_outpath_same(out, inputs[i]))
			pw_die(PROG, 1, "output '%s' is the input '%s': refusing to "
			       "overwrite it", out, inputs[i]);
	if (map && pw_outpath_same(out, map))
		pw_die(PROG, 1, "output '%s' is the map '%s': refusing to overwrite it",
		       out, map);
}

// Every file the outputs asked for would write: --csv's tables, the pages
// (named label), stdout (--json, --list, --successors-of), each against
// the inputs (the files read: inputs[0..c->nr_files)) and --map. Exits 1
// on the first that may not be written.
static void check_outputs(const struct pw_cli *c, char *const *inputs, const char *label)
{
	size_t n = c->nr_files;
	char path[PATH_MAX + 64];

	for (size_t i = 0; c->csv && i < PW_CSV_TABLES; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->csv, pw_export_csv_table(i));
		check_output(path, inputs, n, c->map);
	}
	for (int k = 0; k < 2; k++) {
		if (!(k ? c->heatmaps : c->charts))
			continue;
		char *p = pw_html_out_path(c->outdir, inputs[0], label, k ? "heatmaps" : "charts");
		if (!p)
			pw_die(PROG, 1, "out of memory");
		check_output(p, inputs, n, c->map);
		free(p);
	}
	if (!c->json && !c->list && !c->succ)
		return;
	// "--json x.cdict >>x.cdict" would append the text to the capture
	for (size_t i = 0; i <= n; i++) {
		const char *in = i < n ? inputs[i] : c->map;
		if (in && pw_outpath_same_fd(in, 1))
			pw_die(PROG, 1, "the standard output is the %s '%s': refusing to "
			       "write over it", i < n ? "input" : "map", in);
	}
}

// The pages' NAME before any file is read: --label, "diff" for several
// files, else the file's base name without ".cdict" (what
// pw_an_short_names() names a single run). Caller frees.
static char *early_label(const struct pw_cli *c, const char *first)
{
	const char *b = strrchr(first, '/');
	size_t len = strlen(first);

	if (c->label || c->nr_files > 1)
		return strdup(c->label ? c->label : "diff");
	if (len > 6 && !strcmp(first + len - 6, ".cdict"))
		len -= 6;
	b = b && (size_t)(b - first) < len ? b + 1 : first;
	return strndup(b, len - (size_t)(b - first));
}

// The outputs checked before any file is read (check_outputs()), so that
// a refused one costs no reading.
static void check_outputs_early(const struct pw_cli *c)
{
	// static: reachable after a pw_die() (see main())
	static char **inputs;
	static char *label;

	if (!(inputs = calloc(c->nr_files, sizeof(*inputs))))
		pw_die(PROG, 1, "out of memory");
	for (size_t i = 0; i < c->nr_files; i++)
		if (!(inputs[i] = pw_inputs_resolve(c->files[i])))
			pw_die(PROG, 1, "out of memory");
	if ((c->charts || c->heatmaps) && !(label = early_label(c, inputs[0])))
		pw_die(PROG, 1, "out of memory");
	check_outputs(c, inputs, label);
	free(label);
	for (size_t i = 0; i < c->nr_files; i++)
		free(inputs[i]);
	free(inputs);
	label = NULL;
	inputs = NULL;
}

static void load_map(struct dash *d)
{
	size_t line = 0;
	int e;

	if (!d->c.map || !(e = pw_map_load(&d->map, d->c.map, &line)))
		return;
	char m[PATH_MAX + 128];
	pw_die(PROG, 1, "%s", pw_map_describe(e, d->c.map, line, errno, m, sizeof(m)));
}

// Mark each run's tasks -t selects (all without -t); none in any run is an
// error.
static void select_tasks(struct dash *d)
{
	size_t matched = 0, n = d->in.n;

	if (!(d->selected = calloc(n, sizeof(*d->selected))))
		pw_die(PROG, 1, "out of memory");
	for (size_t i = 0; i < n; i++)
		matched += d->selected[i] = pw_an_select(d->in.runs[i], d->sel);
	if (d->sel && !matched)
		pw_die(PROG, 1, "no task matches '%s' in %s", d->c.task,
		       n > 1 ? "any input file" : d->in.paths[0]);
}

// --successors-of in each run; a task found in none is an error.
static void list_successors(struct dash *d, FILE *out)
{
	int found = 0;

	for (size_t i = 0; i < d->in.n; i++)
		found += pw_list_successors(out, d->in.runs[i], d->c.succ, &d->in.opts,
					    d->label);
	if (!found)
		pw_die(PROG, 1, "no task '%s' in %s", d->c.succ,
		       d->in.n > 1 ? "any input file" : d->in.paths[0]);
}

// --csv, --json and the pages. --json goes to out.
static void write_analysis(struct dash *d, FILE *out)
{
	const struct pw_cli *c = &d->c;
	char err[1024];

	// again with the pages' real name, before any output is written
	check_outputs(c, d->in.paths, d->label);
	if (c->csv && pw_export_csv(c->csv, d->in.runs, d->in.n, &d->info, err, sizeof(err)))
		pw_die(PROG, 1, "%s", err);
	if (c->json && pw_export_json(out, d->in.runs, d->in.n, &d->info))
		pw_die(PROG, 1, "out of memory");
	if (c->charts || c->heatmaps)
		pw_pages_write(c, &d->in, d->label, &d->info);
}

// Every output asked for; stdout's text is held until all of them are
// written, so that a failure writes none of it.
static void write_outputs(struct dash *d)
{
	const struct pw_cli *c = &d->c;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		pw_die(PROG, 1, "out of memory");
	if (c->csv)
		make_output_dir("--csv", c->csv);
	if (c->outdir)
		make_output_dir("--output-dir", c->outdir);
	d->label = c->label ? c->label : c->nr_files > 1 ? "diff" : d->in.runs[0]->name;
	d->info = (struct pw_export_info){
		.label = c->label, .task_spec = c->task, .merge_sys_tasks = c->merge,
		.append_tid = c->append, .from_ns = c->from_ns, .cap_ns = c->cap_ns,
	};
	if (c->list)
		pw_list_tasks(out, d->in.runs, d->in.n);
	else if (c->succ)
		list_successors(d, out);
	else
		write_analysis(d, out);
	if (fclose(out))
		pw_die(PROG, 1, "out of memory");
	if (len && (fwrite(buf, 1, len, stdout) != len || fflush(stdout)))
		pw_die(PROG, 1, "cannot write the output: %s", strerror(errno));
	free(buf);
}

static void release(struct dash *d)
{
	pw_inputs_release(&d->in);
	free(d->selected);
	pw_an_select_free(d->sel);
	pw_map_release(&d->map);
}

int main(int argc, char **argv)
{
	// static: what pw_die() leaves behind stays reachable (the leak
	// checker of the sanitizer builds; a noreturn call lets the compiler
	// drop locals)
	static struct dash d = {
		.c = PW_CLI_INIT, .sel = NULL, .in = PW_INPUTS_INIT, .selected = NULL,
	};

	pw_cli_parse(&d.c, argc, argv);
	compile_selection(&d);
	check_output_dirs(&d.c);
	check_outputs_early(&d.c);
	load_map(&d);
	pw_inputs_read(&d.in, &d.c, d.c.map ? &d.map : NULL);
	select_tasks(&d);
	write_outputs(&d);
	pw_inputs_summary(&d.in, d.selected, d.c.quiet, d.c.verbose);
	release(&d);
	return 0;
}
