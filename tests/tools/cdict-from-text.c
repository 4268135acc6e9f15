// SPDX-License-Identifier: Apache-2.0
// cdict-from-text.c: build/tests/cdict-from-text, a .cdict from a text list of events (tests only).
//
//	cdict-from-text IN.txt OUT.cdict
// One event a line, times in ns, '#' starts a comment:
//	meta nr_cpus N | hostname H | kernel K | tracepoint sched:sched_switch
//	task    TIME CPU TID PID NAME        (a name or tgid for tid)
//	exec    TIME CPU TID PID NAME
//	fork    TIME CPU PARENT CHILD CHILD_PID NAME
//	switch  TIME CPU PREV NEXT STATE     (STATE: number, or R S D R+)
//	wakeup  TIME CPU TID                 (also waking, wakeup_new)
//	migrate TIME CPU TID ORIG DEST
//	kvm_exit TIME CPU TID REASON ISA     (ISA 1 vmx, 2 svm)
//	kvm_entry TIME CPU TID
//	stat GROUP NAME VALUE                (trailer counter)
//	ended HOW [WHY]                      (how the conversion ended)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdict.h"

static void die(const char *what, int line)
{
	fprintf(stderr, "cdict-from-text: %s at line %d\n", what, line);
	exit(1);
}

static uint32_t state_of(const char *s)
{
	if (!strcmp(s, "R"))
		return 0;
	if (!strcmp(s, "R+"))
		return 0x100;
	if (!strcmp(s, "S"))
		return 1;
	if (!strcmp(s, "D"))
		return 2;
	if (!strcmp(s, "?"))
		return PW_STATE_UNKNOWN;
	return (uint32_t)strtoul(s, NULL, 0);
}

int main(int argc, char **argv)
{
	struct pw_meta meta = { 0 };
	char line[4096], *tps[64];
	size_t ntp = 0;
	int lineno = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: cdict-from-text IN.txt OUT.cdict\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	// first pass: meta lines
	while (fgets(line, sizeof(line), in)) {
		char k[64], v[1024];
		if (sscanf(line, "meta %63s %1023[^\n]", k, v) != 2)
			continue;
		if (!strcmp(k, "nr_cpus"))
			meta.nr_cpus = (uint32_t)atoi(v);
		else if (!strcmp(k, "hostname"))
			meta.hostname = strdup(v);
		else if (!strcmp(k, "kernel"))
			meta.kernel = strdup(v);
		else if (!strcmp(k, "tracepoint") && ntp < 64)
			tps[ntp++] = strdup(v);
	}
	meta.tracepoints = ntp ? tps : NULL;
	meta.nr_tracepoints = ntp;
	meta.perfwhiz = "cdict-from-text";

	struct pw_writer *w;
	int err = pw_writer_open(&w, argv[2], &meta);
	if (err) {
		fprintf(stderr, "cdict-from-text: %s\n", pw_strerror(err));
		return 1;
	}
	rewind(in);
	while (fgets(line, sizeof(line), in)) {
		char kind[32], name[1024] = "", a[32] = "";
		unsigned long long t;
		int cpu, x, y, z;
		struct pw_event ev;

		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (sscanf(line, "%31s", kind) != 1 || !strcmp(kind, "meta"))
			continue;
		memset(&ev, 0, sizeof(ev));
		if (!strcmp(kind, "stat")) {
			char g[256], n[256];
			unsigned long long v;
			if (sscanf(line, "stat %255s %255s %llu", g, n, &v) != 3)
				die("bad stat", lineno);
			pw_writer_set_stat(w, g, n, v);
			continue;
		}
		if (!strcmp(kind, "ended")) {
			char how[64], why[1024] = "";
			if (sscanf(line, "ended %63s %1023[^\n]", how, why) < 1 ||
			    pw_writer_set_end(w, pw_end_by_name(how), *why ? why : NULL))
				die("bad ended", lineno);
			continue;
		}
		if (sscanf(line, "%*s %llu %d", &t, &cpu) != 2)
			die("bad line", lineno);
		ev.time = t;
		ev.cpu = cpu;
		if (!strcmp(kind, "task") || !strcmp(kind, "exec")) {
			if (sscanf(line, "%*s %*u %*d %d %d %1023[^\n]", &x, &y, name) != 3)
				die("bad task", lineno);
			ev.kind = !strcmp(kind, "task") ? PW_EV_TASK : PW_EV_EXEC;
			ev.tid = x;
			ev.task.pid = y;
			int64_t id = pw_writer_intern(w, name);
			if (id < 0)
				die("intern", lineno);
			ev.task.name = (uint32_t)id;
		} else if (!strcmp(kind, "fork")) {
			if (sscanf(line, "%*s %*u %*d %d %d %d %1023[^\n]", &x, &y, &z, name) != 4)
				die("bad fork", lineno);
			ev.kind = PW_EV_FORK;
			ev.tid = x;
			ev.fk.child_tid = y;
			ev.fk.child_pid = z;
			int64_t id = pw_writer_intern(w, name);
			if (id < 0)
				die("intern", lineno);
			ev.fk.child_name = (uint32_t)id;
		} else if (!strcmp(kind, "switch")) {
			if (sscanf(line, "%*s %*u %*d %d %d %31s", &x, &y, a) != 3)
				die("bad switch", lineno);
			ev.kind = PW_EV_SWITCH;
			ev.tid = x;
			ev.sw.next_tid = y;
			ev.sw.prev_state = state_of(a);
		} else if (!strcmp(kind, "wakeup") || !strcmp(kind, "waking") ||
			   !strcmp(kind, "wakeup_new")) {
			if (sscanf(line, "%*s %*u %*d %d", &x) != 1)
				die("bad wakeup", lineno);
			ev.kind = !strcmp(kind, "wakeup") ? PW_EV_WAKEUP
				  : !strcmp(kind, "waking") ? PW_EV_WAKING : PW_EV_WAKEUP_NEW;
			ev.tid = x;
			ev.wk.target_cpu = cpu;
		} else if (!strcmp(kind, "migrate")) {
			if (sscanf(line, "%*s %*u %*d %d %d %d", &x, &y, &z) != 3)
				die("bad migrate", lineno);
			ev.kind = PW_EV_MIGRATE;
			ev.tid = x;
			ev.mg.orig_cpu = y;
			ev.mg.dest_cpu = z;
		} else if (!strcmp(kind, "kvm_exit")) {
			if (sscanf(line, "%*s %*u %*d %d %d %d", &x, &y, &z) != 3)
				die("bad kvm_exit", lineno);
			ev.kind = PW_EV_KVM_EXIT;
			ev.tid = x;
			ev.kx.reason = (uint32_t)y;
			ev.kx.isa = (uint32_t)z;
		} else if (!strcmp(kind, "kvm_entry")) {
			if (sscanf(line, "%*s %*u %*d %d", &x) != 1)
				die("bad kvm_entry", lineno);
			ev.kind = PW_EV_KVM_ENTRY;
			ev.tid = x;
		} else {
			die("unknown event kind", lineno);
		}
		if ((err = pw_writer_add(w, &ev))) {
			fprintf(stderr, "cdict-from-text: line %d: %s\n", lineno, pw_strerror(err));
			return 1;
		}
	}
	fclose(in);
	if ((err = pw_writer_finish(w))) {
		fprintf(stderr, "cdict-from-text: %s\n", pw_strerror(err));
		return 1;
	}
	pw_writer_free(w);
	free(meta.hostname);
	free(meta.kernel);
	for (size_t i = 0; i < ntp; i++)
		free(tps[i]);
	return 0;
}
