// SPDX-License-Identifier: Apache-2.0
// mkpd-truth.c: mkperfdata's ground truth as JSON (mkperfdata.h, keys in
// docs/mkperfdata.md), from what the simulation accounted per sample.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mkperfdata.h"

// -------------------------------------------------------------- truth JSON --

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == '<' || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void write_truth(struct gen *g, const char *path)
{
	FILE *f = fopen(path, "w");
	const struct opts *o = &g->o;
	bool first = true;

	if (!f) {
		pw_die(PROG, 1, "cannot create '%s': %s", path, strerror(errno));
	}
	// the open slice on each CPU runs until the last sample
	for (int c = 0; c < g->ncpu; c++) {
		struct cpu *cp = &g->c[c];

		if (!cp->seen)
			continue;
		if (cp->tcur >= 0)
			g->t[cp->tcur].runtime += g->last_ns - cp->tsince;
		else
			cp->idle_runtime += g->last_ns - cp->tsince;
	}
	fprintf(f, "{\n  \"generator\": {\"cpus\": %d, \"vms\": %d, \"vcpus\": %d, \"tasks\": %d, ",
		o->cpus, o->vms, o->vcpus, o->tasks);
	fprintf(f, "\"duration_ms\": %" PRIu64 ", \"events\": %" PRIu64 ", \"isa\": \"%s\", \"exit_mix\": ",
		o->duration_ms, o->events, o->svm ? "svm" : "vmx");
	json_str(f, o->exit_mix);
	fprintf(f, ", \"kvm_exit_format\": \"%s\", \"kvm\": %s, \"only_switch\": %s, \"seed\": %" PRIu64
		", \"scale\": %.9g},\n", o->old_exit ? "old" : "new", o->no_kvm ? "false" : "true",
		o->only_switch ? "true" : "false", o->seed, g->scale);
	fprintf(f, "  \"first_ns\": %" PRIu64 ",\n  \"last_ns\": %" PRIu64 ",\n  \"window_ns\": %" PRIu64
		",\n  \"nr_cpus\": %d,\n  \"samples\": %" PRIu64 ",\n  \"events\": {",
		g->first_ns, g->last_ns, g->last_ns - g->first_ns, g->ncpu, g->nwritten);
	for (int e = 0; e < NR_EV; e++) {
		if (!g->ev[e].on)
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", ev_name[e], g->nsamples[e]);
		first = false;
	}
	fprintf(f, "},\n  \"tasks\": [");
	first = true;
	for (int i = 0; i < g->ntask; i++) {
		const struct task *T = &g->t[i];

		if (!T->seen)
			continue;
		fprintf(f, "%s\n    {\"tid\": %d, \"pid\": %d, \"name\": ", first ? "" : ",", T->tid, T->pid);
		first = false;
		json_str(f, T->comm);
		fprintf(f, ", \"runtime_ns\": %" PRIu64 ", \"switches\": %" PRIu64 ", \"voluntary\": %" PRIu64
			", \"involuntary\": %" PRIu64 ", \"sched_in\": %" PRIu64 ", \"migrations\": %" PRIu64,
			T->runtime, T->switches, T->vol, T->invol, T->sched_in, T->migrations);
		if (T->has_kvm) {
			bool f2 = true;

			fprintf(f, ",\n     \"kvm\": {\"exits\": {");
			for (int r = 0; r < g->mix.n; r++)
				if (T->exits[r]) {
					fprintf(f, "%s\"%s\": %" PRIu64, f2 ? "" : ", ", g->mix.name[r], T->exits[r]);
					f2 = false;
				}
			fprintf(f, "}, \"host_ns\": %" PRIu64 ", \"guest_ns\": %" PRIu64 "}", T->host_ns, T->guest_ns);
		}
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"idle\": [");
	first = true;
	for (int c = 0; c < g->ncpu; c++) {
		if (!g->c[c].idle_seen)
			continue;
		fprintf(f, "%s\n    {\"cpu\": %d, \"runtime_ns\": %" PRIu64 "}", first ? "" : ",", c, g->c[c].idle_runtime);
		first = false;
	}
	// what the independent oracles print for this file (docs/mkperfdata.md)
	fprintf(f, "\n  ],\n  \"oracles\": {\n    \"perf_sched_timehist\": [");
	first = true;
	for (int i = 0; i < g->ntask; i++) {
		const struct task *T = &g->t[i];

		if (!T->th_sched_in)
			continue;
		fprintf(f, "%s\n      {\"tid\": %d, \"sched_in\": %" PRIu64 ", \"runtime_ns\": %" PRIu64 "}",
			first ? "" : ",", T->tid, T->th_sched_in, T->th_runtime);
		first = false;
	}
	fprintf(f, "\n    ],\n    \"perf_kvm_stat\": {\"exits\": {");
	first = true;
	for (int r = 0; r < g->mix.n; r++)
		if (g->ks_exits_total[r]) {
			fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", g->mix.name[r], g->ks_exits_total[r]);
			first = false;
		}
	fprintf(f, "}, \"time_ns\": %" PRIu64 "}\n  }\n}\n", g->ks_ns_total);
	if (ferror(f) | fclose(f)) {
		pw_die(PROG, 1, "cannot write '%s': %s", path, strerror(errno));
	}
}

