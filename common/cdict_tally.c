// SPDX-License-Identifier: Apache-2.0
// cdict_tally.c: the writer's counts for the trailer, and the trailer map
// (cdict_tally.h). Kept by the thread that encodes the chunks: off the
// caller's hot path.
#include <stdlib.h>

#include "pw_array.h"
#include "cdict_tally.h"
#include "pw_compiler.h"

// A tid seen for the first time: its index in t->tasks; or PW_ENOMEM.
PW_COLD int64_t task_add(struct pw_tally *t, int32_t tid)
{
	if (pw_grow(&t->tasks, &t->captasks, t->ntasks, sizeof(*t->tasks), 1024))
		return PW_ENOMEM;
	if (pw_tidhash_put(&t->tids, tid, t->ntasks))
		return PW_ENOMEM;
	t->tasks[t->ntasks] = (struct pw_top){ tid, 0 };
	return t->ntasks++;
}

// tid's index in t->tasks, added on first sight; or PW_ENOMEM.
PW_HOT int64_t task_index(struct pw_tally *t, int32_t tid)
{
	int64_t i = pw_tidhash_find(&t->tids, tid);

	return i >= 0 ? i : task_add(t, tid);
}

// Every event's tid into the set (the switches' prev and next are
// count_rows').
static int add_tids(struct pw_tally *t, const struct pw_wchunk *c)
{
	for (unsigned g = 0; g < PW_G__COUNT; g++) {
		const int64_t *a = c->cols[g][0];

		for (uint32_t i = 0; g != PW_G_SW && i < c->gn[g]; i++)
			if (task_index(t, (int32_t)a[i]) < 0)
				return PW_ENOMEM;
	}
	return 0;
}

// The cpu's entry, the table grown to hold it; NULL when out of memory.
PW_COLD struct pw_tally_cpu *cpu_grow(struct pw_tally *t, uint32_t cpu)
{
	uint32_t n = cpu + 1 > 2 * t->ncpu ? cpu + 1 : 2 * t->ncpu;
	struct pw_tally_cpu *b = realloc(t->cpu, n * sizeof(*b));

	if (!b)
		return NULL;
	memset(b + t->ncpu, 0, (n - t->ncpu) * sizeof(*b));
	t->cpu = b;
	t->ncpu = n;
	return &b[cpu];
}

// The chunk's rows into the counts: events by kind, first and last time,
// and each switch's slice (from the cpu's last switch, or from the file's
// first event: what a reader derives) on its prev's runtime (an elided
// prev, 0, is the tid the cpu's last switch switched in).
static int count_rows(struct pw_tally *t, const struct pw_wchunk *c)
{
	uint64_t tm = c->t0, last = tm;
	const int64_t *sw = c->cols[PW_G_SW][0], *nx = c->cols[PW_G_SW][1];
	uint32_t j = 0;

	if (!c->rows)
		return 0;
	if (!t->have_first) {
		t->tr.first_ns = c->t0;
		t->have_first = 1;
	}
	for (uint32_t i = 0; i < c->rows; i++) {
		tm += (uint64_t)c->dt[i];
		last = tm > last ? tm : last;
		t->tr.events[c->kind[i]]++;
		if (c->kind[i] != PW_EV_SWITCH)
			continue;
		uint32_t cpu = (uint32_t)c->cpu[i];
		struct pw_tally_cpu *bc = cpu < t->ncpu ? &t->cpu[cpu] : cpu_grow(t, cpu);
		if (!bc)
			return PW_ENOMEM;
		int64_t ps = task_index(t, sw[j] ? (int32_t)(sw[j] - 1) : bc->tid);
		uint64_t since = bc->last ? bc->last - 1 : t->tr.first_ns;
		if (ps < 0)
			return PW_ENOMEM;
		t->tasks[ps].runtime_ns += tm >= since ? tm - since : 0;
		if (task_index(t, (int32_t)nx[j]) < 0)
			return PW_ENOMEM;
		bc->tid = (int32_t)nx[j];
		bc->last = tm + 1;
		j++;
	}
	if (last > t->tr.last_ns)
		t->tr.last_ns = last;
	t->tr.rows += c->rows;
	return 0;
}

int pw_tally_chunk(struct pw_tally *t, const struct pw_wchunk *c)
{
	int err = add_tids(t, c);

	return err ? err : count_rows(t, c);
}

int pw_tally_set_stat(struct pw_tally *t, const char *group, const char *name,
		      uint64_t value)
{
	struct pw_stat *s;

	for (size_t i = 0; i < t->tr.nr_stats; i++) {
		s = &t->tr.stats[i];
		if (!strcmp(s->group, group) && !strcmp(s->name, name)) {
			s->value = value;
			return 0;
		}
	}
	s = realloc(t->tr.stats, (t->tr.nr_stats + 1) * sizeof(*s));
	if (!s)
		return PW_ENOMEM;
	t->tr.stats = s;
	s += t->tr.nr_stats;
	s->group = strdup(group);
	s->name = strdup(name);
	s->value = value;
	if (!s->group || !s->name) {
		free(s->group);
		free(s->name);
		return PW_ENOMEM;
	}
	t->tr.nr_stats++;
	return 0;
}

static int cmp_stat(const void *a, const void *b)
{
	const struct pw_stat *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	return c ? c : strcmp(x->name, y->name);
}

// Most runtime first, ties: the lower tid. A total order (the tids are
// distinct): the top does not depend on the order the tids were seen in.
static int cmp_top(const void *a, const void *b)
{
	const struct pw_top *x = a, *y = b;

	if (x->runtime_ns != y->runtime_ns)
		return x->runtime_ns > y->runtime_ns ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

// The trailer's "top": the PW_TRAILER_TOP tids (idle, 0, left out) with the
// most runtime, each cpu's last slice running to the last event.
static int pack_top(struct pw_tally *t, msgpack_packer *pk)
{
	struct pw_top *all = malloc((t->ntasks ? t->ntasks : 1) * sizeof(*all));
	size_t n = 0;

	if (!all)
		return PW_ENOMEM;
	for (uint32_t c = 0; c < t->ncpu; c++) {
		const struct pw_tally_cpu *bc = &t->cpu[c];
		if (!bc->last)
			continue;
		int64_t i = task_index(t, bc->tid);	// (in the set already)
		if (i < 0) {
			free(all);
			return PW_ENOMEM;
		}
		if (t->tr.last_ns >= bc->last - 1)
			t->tasks[i].runtime_ns += t->tr.last_ns - (bc->last - 1);
	}
	for (uint32_t i = 0; i < t->ntasks; i++)
		if (t->tasks[i].tid != 0)
			all[n++] = t->tasks[i];
	qsort(all, n, sizeof(*all), cmp_top);
	if (n > PW_TRAILER_TOP)
		n = PW_TRAILER_TOP;
	pw_pack_str(pk, "top");
	msgpack_pack_array(pk, n);
	for (size_t i = 0; i < n; i++) {
		msgpack_pack_array(pk, 2);
		msgpack_pack_int64(pk, all[i].tid);
		msgpack_pack_uint64(pk, all[i].runtime_ns);
	}
	free(all);
	return 0;
}

int pw_tally_pack(struct pw_tally *t, msgpack_packer *pk)
{
	struct pw_trailer *tr = &t->tr;
	size_t nev = 0, ngroups = 0;
	int err;

	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		nev += tr->events[k] != 0;
	if (tr->nr_stats > 1)
		qsort(tr->stats, tr->nr_stats, sizeof(*tr->stats), cmp_stat);
	for (size_t i = 0; i < tr->nr_stats; i++)
		ngroups += !i || strcmp(tr->stats[i].group, tr->stats[i - 1].group);

	msgpack_pack_map(pk, 10);
	pw_pack_kv_str(pk, "t", "end");
	pw_pack_kv_u64(pk, "rows", tr->rows);
	pw_pack_str(pk, "events");
	msgpack_pack_map(pk, nev);
	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		if (tr->events[k])
			pw_pack_kv_u64(pk, pw_event_name(k), tr->events[k]);
	pw_pack_kv_u64(pk, "tasks", t->ntasks);
	pw_pack_kv_u64(pk, "first_ns", tr->first_ns);
	pw_pack_kv_u64(pk, "last_ns", tr->last_ns);
	pw_pack_kv_u64(pk, "chunks", tr->chunks);
	if ((err = pack_top(t, pk)))
		return err;
	// minor version 2: how the conversion ended
	pw_pack_str(pk, "ended");
	msgpack_pack_map(pk, tr->end_why ? 2 : 1);
	pw_pack_kv_str(pk, "how", pw_end_name(tr->end ? tr->end : PW_END_COMPLETE));
	if (tr->end_why)
		pw_pack_kv_str(pk, "why", tr->end_why);
	pw_pack_str(pk, "stats");
	msgpack_pack_map(pk, ngroups);
	for (size_t i = 0, j; i < tr->nr_stats; i = j) {
		for (j = i; j < tr->nr_stats && !strcmp(tr->stats[j].group,
							tr->stats[i].group); j++)
			;
		pw_pack_str(pk, tr->stats[i].group);
		msgpack_pack_map(pk, j - i);
		for (size_t x = i; x < j; x++)
			pw_pack_kv_u64(pk, tr->stats[x].name, tr->stats[x].value);
	}
	return 0;
}

void pw_tally_release(struct pw_tally *t)
{
	for (size_t i = 0; i < t->tr.nr_stats; i++) {
		free(t->tr.stats[i].group);
		free(t->tr.stats[i].name);
	}
	free(t->tr.stats);
	free(t->tr.end_why);
	pw_tidhash_release(&t->tids);
	free(t->tasks);
	free(t->cpu);
	memset(t, 0, sizeof(*t));
}
