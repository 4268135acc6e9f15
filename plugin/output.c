// SPDX-License-Identifier: GPL-2.0-only
// output.c: the writer's metadata and counters, the summary and the
// failure line (output.h).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <linux/perf_event.h>

#include "output.h"
#include "pw_msg.h"
#include "signals.h"

int pw_out_open(struct state *st, const struct pw_perfdata *pd)
{
	struct pw_meta m;
	char *tps[PW_PD_MAX_ATTRS];
	struct stat sb;

	memset(&m, 0, sizeof(m));
	m.perfwhiz = PW_PROG " " PW_VERSION;
	m.source = st->pipe_mode ? "-" : st->input;
	if (pd) {
		m.hostname = pd->hostname;
		m.kernel = pd->osrelease;
		m.arch = pd->arch;
		m.cpu_desc = pd->cpudesc;
		m.cpuid = pd->cpuid;
		m.perf_version = pd->version;
		m.cmdline = pd->cmdline;
		m.nr_cpus = pd->nr_cpus_online;
		m.nr_cpus_avail = pd->nr_cpus_avail;
		m.core_siblings = pd->core_siblings;
		m.nr_core_siblings = pd->nr_core_siblings;
		m.thread_siblings = pd->thread_siblings;
		m.nr_thread_siblings = pd->nr_thread_siblings;
		m.core_id = pd->core_id;
		m.socket_id = pd->socket_id;
		m.nr_topo_cpus = pd->nr_topo_cpus;
		for (size_t i = 0; i < pd->nr_attrs; i++)
			if (pd->attrs[i].type == PERF_TYPE_TRACEPOINT &&
			    pd->attrs[i].name)
				tps[m.nr_tracepoints++] = pd->attrs[i].name;
		m.tracepoints = tps;
		if (stat(st->input, &sb) == 0)
			m.capture_time = (int64_t)sb.st_mtime;
	}
	int err = pw_writer_open(&st->w, st->out_path, &m);
	// a device or a FIFO is written straight through: no temporary file
	if (!err && pw_writer_tmp_path(st->w))
		pw_sig_set_unlink(pw_writer_tmp_path(st->w));
	if (err) {
		pw_msg(PW_PROG, "cannot create '%s': %s", st->out_path,
		       err == PW_EIO ? strerror(pw_writer_errno(st->w) ?
						pw_writer_errno(st->w) : errno) :
				       pw_strerror(err));
		pw_writer_free(st->w);
		st->w = NULL;
	}
	return err;
}

// Events stored: the sum of by_kind[] (the writer's counts, taken in
// pw_out_stats()).
static uint64_t stored(const struct state *st)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		n += st->by_kind[k];
	return n;
}

static int cmp_route_name(const void *a, const void *b)
{
	const struct route *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

// Routes of one kind, sorted by name (deterministic stats and summary).
static size_t routes_sorted(const struct state *st, const struct route **v,
			    int what)
{
	size_t n = 0;

	for (size_t i = 0; i < st->nr_routes; i++)
		if (st->routes[i].what == what)
			v[n++] = &st->routes[i];
	qsort(v, n, sizeof(*v), cmp_route_name);
	return n;
}

int pw_out_stats(struct state *st)
{
	const struct route **v = malloc((st->nr_routes + 1) * sizeof(*v));

	if (!v)
		return PW_ENOMEM;
	size_t n = routes_sorted(st, v, R_IGNORE);
	for (size_t i = 0; i < n; i++)
		pw_writer_set_stat(st->w, "ignored", v[i]->name, v[i]->count);
	n = routes_sorted(st, v, R_DECODE);
	for (size_t i = 0; i < n; i++)
		if (v[i]->invalid)
			pw_writer_set_stat(st->w, "invalid", v[i]->name,
					   v[i]->invalid);
	n = routes_sorted(st, v, R_MISSING);
	for (size_t i = 0; i < n; i++)
		pw_writer_set_stat(st->w, "invalid", v[i]->name, v[i]->count);
	free(v);
	// the writer's thread counts the events by kind (for the trailer):
	// taken from it here rather than counted again on the hot path
	if (!st->werr)
		st->werr = pw_writer_events(st->w, st->by_kind);
	pw_writer_set_stat(st->w, "plugin", "samples", st->samples);
	pw_writer_set_stat(st->w, "plugin", "stored", stored(st));
	pw_writer_set_stat(st->w, "plugin", "ignored", st->ignored_total);
	pw_writer_set_stat(st->w, "plugin", "invalid",
			   st->invalid_total + st->missing_total);
	pw_writer_set_stat(st->w, "plugin", "tasks", st->nr_tasks);
	pw_writer_set_stat(st->w, "plugin", "cpus", st->nr_cpus_seen);
	return 0;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

// One summary line built in pieces, said in one write (pw_msg()).
struct line {
	FILE *f;
	char *buf;
	size_t len;
};

static int line_open(struct line *l)
{
	l->buf = NULL;
	l->f = open_memstream(&l->buf, &l->len);
	return l->f ? 0 : -1;
}

static void line_say(struct line *l)
{
	if (fclose(l->f) == 0)
		pw_msg(PW_PROG, "%s", l->buf);
	free(l->buf);
}

void pw_out_summary(const struct state *st)
{
	const struct route **v = malloc((st->nr_routes + 1) * sizeof(*v));
	struct line l;
	size_t n;

	if (!v || line_open(&l)) {
		free(v);
		return;
	}
	pw_msg(PW_PROG, "wrote '%s' from '%s'", st->out_path, st->input);
	fprintf(l.f, "%llu samples, %llu events stored:",
		(unsigned long long)st->samples, (unsigned long long)stored(st));
	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		if (st->by_kind[k])
			fprintf(l.f, " %s %llu", pw_event_name(k),
				(unsigned long long)st->by_kind[k]);
	line_say(&l);
	n = routes_sorted(st, v, R_IGNORE);
	if (line_open(&l) == 0) {
		fprintf(l.f, "%llu samples ignored%s",
			(unsigned long long)st->ignored_total, n ? ":" : "");
		for (size_t i = 0; i < n; i++)
			fprintf(l.f, " %s %llu", v[i]->name,
				(unsigned long long)v[i]->count);
		line_say(&l);
	}
	if (line_open(&l) == 0) {
		fprintf(l.f, "%llu samples failed validation",
			(unsigned long long)st->invalid_total);
		for (size_t i = 0; i < st->nr_routes; i++)
			if (st->routes[i].invalid)
				fprintf(l.f, " %s %llu", st->routes[i].name,
					(unsigned long long)st->routes[i].invalid);
		line_say(&l);
	}
	pw_msg(PW_PROG, "%zu tasks seen, %u cpus", st->nr_tasks, st->nr_cpus_seen);
	pw_msg(PW_PROG, "output %llu bytes, %.2f bytes/event, %.3f s",
	       (unsigned long long)pw_writer_bytes(st->w),
	       stored(st) ? (double)pw_writer_bytes(st->w) / (double)stored(st) :
			    0.0,
	       elapsed(&st->t0));
	free(v);
}

void pw_out_failure(struct state *st, int err)
{
	int e = st->w ? pw_writer_errno(st->w) : 0;

	pw_msg(PW_PROG, "cannot write '%s': %s", st->out_path,
	       err == PW_EIO && e ? strerror(e) : pw_strerror(err));
	pw_writer_free(st->w);	// removes the temporary file
	st->w = NULL;
	st->failed = err == PW_EIO && e ? e : err == PW_ENOMEM ? ENOMEM : EIO;
}
