// SPDX-License-Identifier: Apache-2.0
// replay.c: opening and closing a replay of a run's intervals (replay.h; its loop is inline there).
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "an_int.h"
#include "pw_error.h"
#include "replay.h"

static int has_tp(const struct pw_meta *m, const char *name)
{
	for (size_t i = 0; m && i < m->nr_tracepoints; i++)
		if (m->tracepoints[i] && !strcmp(m->tracepoints[i], name))
			return 1;
	return 0;
}

int pw_rp_use_waking(const struct pw_meta *m)
{
	return has_tp(m, "sched:sched_waking") && !has_tp(m, "sched:sched_wakeup");
}

int pw_rp_open(struct pw_replay *x, const struct pw_an_run *run,
	       const unsigned char *full, char *err, size_t errsize)
{
	memset(x, 0, sizeof(*x));
	x->fd = -1;
	x->run = run;
	x->full = full;
	x->ncpu = (uint32_t)run->nr_cpu_slots;
	x->use_waking = pw_rp_use_waking(&run->meta);
	x->map = calloc(1, sizeof(*x->map));
	x->st = calloc(run->nr_all_tasks ? run->nr_all_tasks : 1, sizeof(*x->st));
	x->cpus = calloc(x->ncpu ? x->ncpu : 1, sizeof(*x->cpus));
	x->idle = calloc(x->ncpu ? x->ncpu : 1, sizeof(*x->idle));
	if (!x->map || !x->st || !x->cpus || !x->idle)
		goto nomem;
	for (uint32_t c = 0; c < x->ncpu; c++)
		x->idle[c] = run->cpus[c].idle;
	// tids as the trace has them (merging changed some tasks' tid)
	for (size_t i = 0; i < run->nr_all_tasks; i++) {
		struct pw_an_task *t = run->all_tasks[i];
		x->st[i].on_cpu = -1;
		if (t->trace_tid && pw_tid_map_put(x->map, t->trace_tid, t))
			goto nomem;
	}
	return an_open_reader(&x->r, &x->fd, run->file, err, errsize);
nomem:
	an_seterr(err, errsize, "out of memory reading '%s'", run->file);
	return PW_ENOMEM;
}

int pw_rp_changed(struct pw_replay *x, char *err, size_t errsize)
{
	an_seterr(err, errsize, "'%s' changed while it was read", x->run->file);
	return PW_EINVAL;
}

int pw_rp_check(struct pw_replay *x, int n, char *err, size_t errsize)
{
	if (n < 0 && n != PW_ETRUNC) {
		pw_reader_describe(x->r, n, err, errsize);
		return n;
	}
	if (x->nread != x->run->events_read || x->last != x->run->last_ns)
		return pw_rp_changed(x, err, errsize);
	return 0;
}

// (a release: one free() a member, alike in shape to every other on purpose)
void pw_rp_close(struct pw_replay *x)
{
	pw_reader_free(x->r);
	if (x->fd >= 0)
		close(x->fd);
	pw_tid_map_free(x->map);
	free(x->st);
	free(x->cpus);
	free(x->idle);
	memset(x, 0, sizeof(*x));
	x->fd = -1;
}
