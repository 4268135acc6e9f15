// SPDX-License-Identifier: Apache-2.0
// cdict-sample.c: writes small .cdict files for the format tests and prints,
// as JSON column lists, what the C reader reads back from a file: the oracle
// the spec's Python snippet is held to.
//
//   cdict-sample empty OUT     the smallest valid file (no event)
//   cdict-sample sample OUT [N] N events (70000) of every kind
//   cdict-sample columns FILE  the reader's view of FILE as JSON
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdict_int.h"
#include "pw_msg.h"

// "cdict-sample: WHAT: ERROR" on stderr; returns the exit status, 1
static int fail(const char *what, int err)
{
	pw_msg("cdict-sample", "%s: %s", what, pw_strerror(err));
	return 1;
}

static int write_sample(const char *out, int events, int nrows)
{
	struct pw_meta meta = { 0 };
	struct pw_writer *w;
	struct pw_event ev;
	int err;
	int32_t cur[4] = { 0 };

	if (events) {
		meta.hostname = "sample-host";
		meta.kernel = "6.1.0";
		meta.nr_cpus = 4;
	}
	if ((err = pw_writer_open(&w, out, &meta)))
		return fail(out, err);
	for (int i = 0; events && i < nrows && !err; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.time = 1000000000ull + (uint64_t)i * 1234 + (uint64_t)(i % 7) * 3;
		ev.cpu = i % 4;
		ev.kind = (uint8_t)(i % PW_EV__COUNT);
		ev.tid = 100 + i % 13;
		switch (ev.kind) {
		case PW_EV_SWITCH:
			ev.tid = i % 11 ? cur[ev.cpu] : 77;
			ev.sw.next_tid = 100 + (i / 3) % 9;
			ev.sw.prev_state = (uint32_t)(i % 3);
			cur[ev.cpu] = ev.sw.next_tid;
			break;
		case PW_EV_TASK:
		case PW_EV_EXEC: {
			char name[32];
			int64_t id;

			snprintf(name, sizeof(name), "worker/%d \"q\"", i % 5);
			if ((id = pw_writer_intern(w, name)) < 0)
				return fail("intern", (int)id);
			ev.task.pid = i % 2 ? 100 : -1;
			ev.task.name = (uint32_t)id;
			break;
		}
		case PW_EV_FORK:
			ev.fk.child_tid = 200 + i % 5;
			ev.fk.child_pid = 100;
			ev.fk.child_name = (uint32_t)pw_writer_intern(w, "child");
			break;
		case PW_EV_KVM_EXIT:
		case PW_EV_KVM_USEREXIT:
			ev.kx.reason = (uint32_t)(i % 60);
			ev.kx.isa = ev.kind == PW_EV_KVM_EXIT ? PW_ISA_VMX : 0;
			break;
		default:
			ev.mg.orig_cpu = i % 4;	// shares its place with wk, ke, st
			ev.mg.dest_cpu = (i + 1) % 4;
			if (pw_kind_group[ev.kind] == PW_G_ST)
				ev.st.delay_ns = (uint64_t)i * 1000;
			if (pw_kind_group[ev.kind] == PW_G_KE)
				ev.ke.vcpu_id = (uint32_t)(i % 3);
			break;
		}
		err = pw_writer_add(w, &ev);
	}
	if (!err)
		err = pw_writer_finish(w);
	pw_writer_free(w);
	return err ? fail(out, err) : 0;
}

static void put_list(const char *key, const int64_t *v, size_t n, int *first)
{
	printf("%s\"%s\": [", *first ? "" : ", ", key);
	for (size_t i = 0; i < n; i++)
		printf("%s%lld", i ? ", " : "", (long long)v[i]);
	printf("]");
	*first = 0;
}

static int columns(const char *path)
{
	struct pw_reader *r;
	struct pw_event ev;
	size_t n = 0, cap = 1 << 17, gn[PW_G__COUNT] = { 0 };
	int64_t *time = malloc(cap * 8), *cpu = malloc(cap * 8);
	int64_t *g[PW_G__COUNT][PW_GROUP_MAXCOLS];
	char *kinds = malloc(cap);
	int err, first = 1;

	for (int i = 0; i < PW_G__COUNT; i++)
		for (int c = 0; c < PW_GROUP_MAXCOLS; c++)
			g[i][c] = malloc(cap * 8);
	if ((err = pw_reader_open(&r, path)))
		return fail(path, err);
	while ((err = pw_reader_next(r, &ev)) > 0 && n < cap) {
		int64_t v[PW_GROUP_MAXCOLS];
		unsigned grp = pw_kind_group[ev.kind];

		pw_ev_to_cols(&ev, v);
		for (unsigned c = 0; c < pw_groups[grp].ncols; c++)
			g[grp][c][gn[grp]] = v[c];
		gn[grp]++;
		time[n] = (int64_t)ev.time;
		cpu[n] = ev.cpu;
		kinds[n++] = (char)ev.kind;
	}
	if (err < 0)
		return fail(path, err);
	printf("{\"kind\": [");
	for (size_t i = 0; i < n; i++)
		printf("%s\"%s\"", i ? ", " : "", pw_event_name((unsigned)kinds[i]));
	printf("]");
	first = 0;
	put_list("time", time, n, &first);
	put_list("cpu", cpu, n, &first);
	for (unsigned grp = 0; grp < PW_G__COUNT; grp++)
		for (unsigned c = 0; gn[grp] && c < pw_groups[grp].ncols; c++)
			put_list(pw_groups[grp].cols[c], g[grp][c], gn[grp], &first);
	printf(", \"strings\": [");
	for (uint32_t i = 0; i < pw_reader_nr_strings(r); i++) {
		const char *s = pw_reader_string(r, i);

		printf("%s\"", i ? ", " : "");
		for (; *s; s++)
			printf(*s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
		printf("\"");
	}
	printf("], \"rows\": %llu}\n",
	       (unsigned long long)(pw_reader_trailer(r) ? pw_reader_trailer(r)->rows : 0));
	pw_reader_free(r);
	for (int i = 0; i < PW_G__COUNT; i++)
		for (int c = 0; c < PW_GROUP_MAXCOLS; c++)
			free(g[i][c]);
	free(time);
	free(cpu);
	free(kinds);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "empty"))
		return write_sample(argv[2], 0, 0);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "sample"))
		return write_sample(argv[2], 1, argc == 4 ? atoi(argv[3]) : 70000);
	if (argc == 3 && !strcmp(argv[1], "columns"))
		return columns(argv[2]);
	fprintf(stderr, "usage: cdict-sample empty OUT | sample OUT [N] | columns FILE\n");
	return 2;
}
