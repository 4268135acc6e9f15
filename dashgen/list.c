// SPDX-License-Identifier: Apache-2.0
// list.c: --list and --successors-of, as text (list.h).
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "list.h"
#include "pw_msg.h"

#define PROG PW_DASH_PROG

static void *alloc_or_die(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		pw_die(PROG, 1, "out of memory");
	return p;
}

// A trace name on a terminal: untrusted, so no control characters.
static void print_name(FILE *f, const char *s)
{
	char *r = pw_utf8_repair(s);
	for (const unsigned char *p = (const unsigned char *)(r ? r : s); *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
	free(r);
}

/* ---- --list ------------------------------------------------------------ */

// most events first, then tid, then name (analysis.c's cmp_task orders by
// runtime: two orders, deliberately two functions)
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

void pw_list_tasks(FILE *f, struct pw_an_run **runs, size_t n)
{
	fputs("List of tids and task names sorted by event count\n", f);
	for (size_t i = 0; i < n; i++) {
		struct pw_an_run *r = runs[i];
		struct pw_an_task **v = alloc_or_die(r->nr_tasks ? r->nr_tasks : 1, sizeof(*v));
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

/* ---- --successors-of --------------------------------------------------- */

struct succ {
	char *name;
	uint64_t count;
};

// most switches to it first, then name
static int cmp_succ(const void *a, const void *b)
{
	const struct succ *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_tid(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static int cmp_succ_name(const void *a, const void *b)
{
	return strcmp(((const struct succ *)a)->name, ((const struct succ *)b)->name);
}

// The tids of r that `spec` names (a tid, or the name a task shows after
// merging) into tids (room for every task), sorted, each once; *shown the
// first such task as shown; returns how many. (Sorted, not searched for
// each: a name many tasks share, or the idle tid 0 of 65,536 cpus, made
// it quadratic.)
static size_t matching_tids(const struct pw_an_run *r, const char *spec, int32_t *tids,
			    const struct pw_an_task **shown)
{
	const char *q = spec;
	size_t nt = 0, nu = 0;

	while (*q >= '0' && *q <= '9')
		q++;
	int numeric = *spec && !*q;
	*shown = NULL;
	for (size_t i = 0; i < r->nr_all_tasks; i++) {
		const struct pw_an_task *t = r->all_tasks[i], *top = t;
		while (top->merged_into)
			top = top->merged_into;
		int hit = numeric ? t->tid == (int32_t)strtol(spec, NULL, 10)
				  : !strcmp(top->name, spec);
		if (!hit)
			continue;
		tids[nt++] = t->tid;
		if (!*shown)
			*shown = top;
	}
	if (nt > 1)
		qsort(tids, nt, sizeof(*tids), cmp_tid);
	for (size_t i = 0; i < nt; i++)
		if (!nu || tids[i] != tids[nu - 1])
			tids[nu++] = tids[i];
	return nu;
}

// The successors r2 counted, by name (per-core tasks folded, swapper/0 ->
// swapper, as the original did) into s (room for every task); their total
// into *total; returns how many names. (Sorted by name and summed, not
// searched for each: quadratic in the names.)
static size_t successor_names(const struct pw_an_run *r2, struct succ *s, uint64_t *total)
{
	char buf[PW_NAME_MAX + 32];
	size_t n = 0, ns = 0;

	*total = 0;
	for (size_t i = 0; i < r2->nr_tasks; i++) {
		const struct pw_an_task *t = r2->tasks[i];
		if (!t->successor_count)
			continue;
		pw_an_sys_name(t->name, buf, sizeof(buf));
		if (!(s[n].name = strdup(buf)))
			pw_die(PROG, 1, "out of memory");
		s[n++].count = t->successor_count;
		*total += t->successor_count;
	}
	if (n > 1)
		qsort(s, n, sizeof(*s), cmp_succ_name);
	for (size_t i = 0; i < n; i++) {
		if (ns && !strcmp(s[ns - 1].name, s[i].name)) {
			s[ns - 1].count += s[i].count;
			free(s[i].name);
		} else {
			s[ns++] = s[i];
		}
	}
	if (ns > 1)
		qsort(s, ns, sizeof(*s), cmp_succ);
	return ns;
}

int pw_list_successors(FILE *f, const struct pw_an_run *r, const char *spec,
		       const struct pw_an_opts *base, const char *label)
{
	int32_t *tids = alloc_or_die(r->nr_all_tasks + 1, sizeof(*tids));
	const struct pw_an_task *shown;
	size_t nt = matching_tids(r, spec, tids, &shown);
	char err[1024];

	if (!nt) {
		free(tids);
		return 0;
	}
	// a second reading, counting the next task of each switch-out of tids
	struct pw_an_opts o = *base;
	struct pw_an_run *r2;
	o.succ_tids = tids;
	o.nr_succ_tids = nt;
	o.progress = NULL;
	if (pw_an_run_file(&r2, r->file, &o, err, sizeof(err)))
		pw_die(PROG, 1, "%s", err);
	struct succ *s = alloc_or_die(r2->nr_tasks + 1, sizeof(*s));
	uint64_t total;
	size_t ns = successor_names(r2, s, &total);

	fprintf(f, "%s:\nSuccessors of ", r->name);
	print_name(f, shown->name);
	if (nt == 1) {
		fprintf(f, ":%" PRId32, shown->tid);
	} else {
		// a name several tids share: their switch-outs are added up
		fprintf(f, " (%zu tids, added up:", nt);
		for (size_t k = 0; k < nt && k < 8; k++)
			fprintf(f, " %" PRId32, tids[k]);
		fputs(nt > 8 ? " ...)" : ")", f);
	}
	fprintf(f, " (%s)\n%10s %8s  %s\n", label, "count", "percent", "task");
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
