// SPDX-License-Identifier: Apache-2.0
// cdict-dump.c: build/tests/cdict-dump FILE.cdict: per-task aggregates of a
// .cdict as JSON, for the plugin's end-to-end tests (the real analysis is
// perfwhiz-dash's job).
//
// Output: {"events": {kind: count}, "stats": {group: {name: value}},
//  "meta": {...}, "tasks": [{"tid", "pid", "name", "names", "runtime_ns",
//  "switches", "voluntary", "sched_in", "wakeups", "migrations",
//  "kvm_exits": {"ISA:REASON": n}, "kvm_exit_names": {name: n},
//  "host_ns", "guest_ns"}]}, tasks sorted by tid. host_ns sums exit -> next
// entry, guest_ns entry -> next exit, on the same tid.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdict.h"
#include "kvm_reasons.h"

#define MAX_REASONS 64
#define MAX_NAMES 8

struct agg {
	int32_t tid, pid;
	uint32_t names[MAX_NAMES];
	int nr_names;
	uint64_t runtime, switches, voluntary, sched_in, wakeups, migrations;
	uint64_t host, guest, last_exit, last_entry;
	uint64_t dead_switches, dead_runtime;	// switch-outs in state X (dead): timehist leaves them out
	uint32_t last_state;
	int in_guest, in_host;
	uint32_t r_isa[MAX_REASONS], r_code[MAX_REASONS];
	uint64_t r_n[MAX_REASONS];
	int nr_r;
};

static struct agg *tasks;
static size_t nr, alloc;

static struct agg *get(int32_t tid)
{
	for (size_t i = 0; i < nr; i++)
		if (tasks[i].tid == tid)
			return &tasks[i];
	if (nr == alloc) {
		alloc = alloc ? alloc * 2 : 256;
		tasks = realloc(tasks, alloc * sizeof(*tasks));
		if (!tasks) {
			fprintf(stderr, "cdict-dump: out of memory\n");
			exit(1);
		}
	}
	memset(&tasks[nr], 0, sizeof(*tasks));
	tasks[nr].tid = tid;
	tasks[nr].pid = -1;
	return &tasks[nr++];
}

static void jstr(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int cmp(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

int main(int argc, char **argv)
{
	struct pw_reader *r;
	struct pw_event ev;
	uint64_t kinds[PW_EV__COUNT] = { 0 };
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: cdict-dump FILE.cdict\n");
		return 2;
	}
	err = pw_reader_open(&r, argv[1]);
	while (err >= 0 && (err = pw_reader_next(r, &ev)) > 0) {
		struct agg *a = get(ev.tid);
		if (ev.kind < PW_EV__COUNT)
			kinds[ev.kind]++;
		switch (ev.kind) {
		case PW_EV_SWITCH:
			a->runtime += ev.sw.runtime_ns;
			a->switches++;
			a->last_state = ev.sw.prev_state;
			if (ev.sw.prev_state != PW_STATE_UNKNOWN &&
			    (ev.sw.prev_state & 0x10)) {
				a->dead_switches++;
				a->dead_runtime += ev.sw.runtime_ns;
			}
			if (ev.sw.prev_state != 0 && ev.sw.prev_state != 0x100 &&
			    ev.sw.prev_state != PW_STATE_UNKNOWN)
				a->voluntary++;
			get(ev.sw.next_tid)->sched_in++;
			break;
		case PW_EV_WAKEUP:
		case PW_EV_WAKEUP_NEW:
			a->wakeups++;
			break;
		case PW_EV_MIGRATE:
			a->migrations++;
			break;
		case PW_EV_TASK:
		case PW_EV_EXEC:
			a->pid = ev.task.pid;
			if (!a->nr_names || a->names[a->nr_names - 1] != ev.task.name) {
				if (a->nr_names == MAX_NAMES)
					memmove(a->names, a->names + 1,
						(MAX_NAMES - 1) * sizeof(a->names[0])),
						a->nr_names--;
				a->names[a->nr_names++] = ev.task.name;
			}
			break;
		case PW_EV_KVM_EXIT: {
			int i;
			if (a->in_guest)
				a->guest += ev.time - a->last_entry;
			a->in_guest = 0;
			a->in_host = 1;
			a->last_exit = ev.time;
			for (i = 0; i < a->nr_r; i++)
				if (a->r_isa[i] == ev.kx.isa && a->r_code[i] == ev.kx.reason)
					break;
			if (i == a->nr_r && a->nr_r < MAX_REASONS) {
				a->r_isa[i] = ev.kx.isa;
				a->r_code[i] = ev.kx.reason;
				a->nr_r++;
			}
			if (i < a->nr_r)
				a->r_n[i]++;
			break;
		}
		case PW_EV_KVM_ENTRY:
			if (a->in_host)
				a->host += ev.time - a->last_exit;
			a->in_host = 0;
			a->in_guest = 1;
			a->last_entry = ev.time;
			break;
		default:
			break;
		}
	}
	if (err < 0) {
		char msg[512];
		fprintf(stderr, "cdict-dump: %s\n",
			r ? pw_reader_describe(r, err, msg, sizeof(msg)) : pw_strerror(err));
		pw_reader_free(r);
		return 1;
	}
	qsort(tasks, nr, sizeof(*tasks), cmp);
	printf("{\"events\": {");
	for (unsigned k = 0, first = 1; k < PW_EV__COUNT; k++)
		if (kinds[k]) {
			printf("%s\"%s\": %" PRIu64, first ? "" : ", ", pw_event_name(k), kinds[k]);
			first = 0;
		}
	printf("},\n \"stats\": {");
	const struct pw_trailer *tr = pw_reader_trailer(r);
	const char *group = NULL;
	for (size_t i = 0; tr && i < tr->nr_stats; i++) {
		const struct pw_stat *s = &tr->stats[i];
		if (!group || strcmp(group, s->group)) {
			printf("%s", group ? "}, " : "");
			jstr(s->group);
			printf(": {");
			group = s->group;
		} else {
			printf(", ");
		}
		jstr(s->name);
		printf(": %" PRIu64, s->value);
	}
	printf("%s},\n \"meta\": {", group ? "}" : "");
	const struct pw_meta *m = pw_reader_meta(r);
	printf("\"hostname\": ");
	jstr(m->hostname);
	printf(", \"kernel\": ");
	jstr(m->kernel);
	printf(", \"arch\": ");
	jstr(m->arch);
	printf(", \"cpuid\": ");
	jstr(m->cpuid);
	printf(", \"perf_version\": ");
	jstr(m->perf_version);
	printf(", \"cmdline\": ");
	jstr(m->cmdline);
	printf(", \"source\": ");
	jstr(m->source);
	printf(", \"nr_cpus\": %u, \"capture_time\": %" PRId64 ", \"tracepoints\": [",
	       m->nr_cpus, m->capture_time);
	for (size_t i = 0; i < m->nr_tracepoints; i++) {
		printf("%s", i ? ", " : "");
		jstr(m->tracepoints[i]);
	}
	printf("], \"nr_core_siblings\": %zu},\n \"tasks\": [", m->nr_core_siblings);
	for (size_t i = 0; i < nr; i++) {
		struct agg *a = &tasks[i];
		printf("%s\n  {\"tid\": %d, \"pid\": %d, \"name\": ", i ? "," : "", a->tid, a->pid);
		jstr(a->nr_names ? pw_reader_string(r, a->names[a->nr_names - 1]) : "");
		printf(", \"names\": [");
		for (int k = 0; k < a->nr_names; k++) {
			printf("%s", k ? ", " : "");
			jstr(pw_reader_string(r, a->names[k]));
		}
		printf("], \"runtime_ns\": %" PRIu64 ", \"switches\": %" PRIu64
		       ", \"voluntary\": %" PRIu64 ", \"sched_in\": %" PRIu64
		       ", \"wakeups\": %" PRIu64 ", \"migrations\": %" PRIu64
		       ", \"host_ns\": %" PRIu64 ", \"guest_ns\": %" PRIu64
		       ", \"dead_switches\": %" PRIu64 ", \"dead_runtime_ns\": %" PRIu64
		       ", \"last_state\": %u, \"kvm_exits\": {",
		       a->runtime, a->switches, a->voluntary, a->sched_in, a->wakeups,
		       a->migrations, a->host, a->guest, a->dead_switches,
		       a->dead_runtime, a->last_state);
		for (int k = 0; k < a->nr_r; k++)
			printf("%s\"%u:%u\": %" PRIu64, k ? ", " : "", a->r_isa[k], a->r_code[k], a->r_n[k]);
		printf("}, \"kvm_exit_names\": {");
		for (int k = 0; k < a->nr_r; k++) {
			char buf[32];
			printf("%s", k ? ", " : "");
			jstr(pw_kvm_reason_name(a->r_isa[k], a->r_code[k], buf, sizeof(buf)));
			printf(": %" PRIu64, a->r_n[k]);
		}
		printf("}}");
	}
	printf("\n]}\n");
	pw_reader_free(r);
	free(tasks);
	return 0;
}
