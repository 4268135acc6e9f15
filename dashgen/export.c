// SPDX-License-Identifier: Apache-2.0
// export.c: --json and --csv writers, safe output files, escapers for trace strings.
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "jwrite.h"

void pw_jw_u64_big(struct pw_jw *w, uint64_t v)
{
	char tmp[20], *end = tmp + sizeof(tmp), *p = end;

	// 8 digits at a time: one 64-bit division per 8, then 32-bit steps
	while (v >= 100000000) {
		uint32_t r = (uint32_t)(v % 100000000);
		v /= 100000000;
		char *q = pw_jw_u32_back(p, r);
		while (q > p - 8)	// the chunk's leading zeros
			*--q = '0';
		p -= 8;
	}
	p = pw_jw_u32_back(p, (uint32_t)v);
	size_t k = (size_t)(end - p);
	memcpy(pw_jw_room(w, k), p, k);
	w->n += k;
}

/* ---- UTF-8 ------------------------------------------------------------- */

// Length of the valid UTF-8 sequence at s (1..4), or 0 when s[0] starts no
// valid sequence (overlong forms, surrogates and > U+10FFFF are invalid).
static int utf8_len(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	int n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, v = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, v = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, v = c & 0x07, min = 0x10000;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

char *pw_utf8_repair(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(3 * len + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	if (!out)
		return NULL;
	while (*p) {
		int n = utf8_len(p, &cp);
		if (n) {
			memcpy(o, p, (size_t)n);
			o += n;
			p += n;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	*o = '\0';
	return out;
}

void pw_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	uint32_t cp;

	fputc('"', f);
	while (*p) {
		int n = utf8_len(p, &cp);
		if (!n) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		switch (cp) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		case '<': case '>': case '&': case 0x7f:
		case 0x2028: case 0x2029:
			fprintf(f, "\\u%04" PRIx32, cp);
			break;
		default:
			if (cp < 0x20)
				fprintf(f, "\\u%04" PRIx32, cp);
			else
				fwrite(p, 1, (size_t)n, f);
		}
		p += n;
	}
	fputc('"', f);
}

/* ---- JSON -------------------------------------------------------------- */

static void kv_str(FILE *f, const char *k, const char *v, int comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", k);
	if (v)
		pw_json_string(f, v);
	else
		fputs("null", f);
}

static void kv_u64(FILE *f, const char *k, uint64_t v, int comma)
{
	fprintf(f, "%s\"%s\":%" PRIu64, comma ? "," : "", k, v);
}

static void json_meta(FILE *f, const struct pw_meta *m)
{
	fputc('{', f);
	kv_str(f, "hostname", m->hostname, 0);
	kv_str(f, "kernel", m->kernel, 1);
	kv_str(f, "arch", m->arch, 1);
	kv_str(f, "cpu_desc", m->cpu_desc, 1);
	kv_str(f, "cpuid", m->cpuid, 1);
	kv_str(f, "perf_version", m->perf_version, 1);
	kv_str(f, "cmdline", m->cmdline, 1);
	kv_str(f, "source", m->source, 1);
	kv_str(f, "writer", m->perfwhiz, 1);
	kv_u64(f, "nr_cpus", m->nr_cpus, 1);
	kv_u64(f, "nr_cpus_avail", m->nr_cpus_avail, 1);
	fprintf(f, ",\"capture_time\":%" PRId64, m->capture_time);
	fputs(",\"tracepoints\":[", f);
	for (size_t i = 0; i < m->nr_tracepoints; i++) {
		if (i)
			fputc(',', f);
		pw_json_string(f, m->tracepoints[i]);
	}
	fputs("],\"extra\":{", f);
	for (size_t i = 0; i < m->nr_extra; i++) {
		if (i)
			fputc(',', f);
		pw_json_string(f, m->extra[i].key);
		fputc(':', f);
		pw_json_string(f, m->extra[i].value);
	}
	fputs("}}", f);
}

static void json_quality(FILE *f, const struct pw_an_quality *q)
{
	fputc('{', f);
	kv_u64(f, "clipped_start", q->clipped_start, 0);
	kv_u64(f, "clipped_end", q->clipped_end, 1);
	kv_u64(f, "unknown_state_switches", q->unknown_state, 1);
	kv_u64(f, "switch_mismatch", q->switch_mismatch, 1);
	kv_u64(f, "kvm_exits_without_entry", q->kvm_exit_without_entry, 1);
	kv_u64(f, "kvm_entries_without_exit", q->kvm_entry_without_exit, 1);
	kv_u64(f, "tid_reuse", q->tid_reuse, 1);
	kv_u64(f, "exec", q->exec, 1);
	kv_u64(f, "failed_validation", q->failed_validation, 1);
	kv_u64(f, "legacy_skipped", q->legacy_skipped, 1);
	kv_u64(f, "events_before_window", q->before_window, 1);
	kv_u64(f, "events_after_window", q->after_window, 1);
	fprintf(f, ",\"truncated\":%s,\"legacy\":%s}", q->truncated ? "true" : "false",
		q->legacy ? "true" : "false");
}

static void json_task(FILE *f, const struct pw_an_task *t)
{
	fprintf(f, "{\"tid\":%" PRId32 ",\"pid\":%" PRId32 ",\"name\":", t->tid, t->pid);
	pw_json_string(f, t->name);
	kv_str(f, "comm", t->comm, 1);
	if (t->idle_cpu >= 0)
		fprintf(f, ",\"idle_cpu\":%" PRId32, t->idle_cpu);
	if (t->nr_merged > 1)
		fprintf(f, ",\"merged\":%" PRIu32, t->nr_merged);
	kv_u64(f, "runtime_ns", t->runtime_ns, 1);
	fprintf(f, ",\"cpu_pct\":%.3f", t->cpu_pct);
	kv_u64(f, "switches", t->switches, 1);
	kv_u64(f, "voluntary", t->voluntary, 1);
	kv_u64(f, "involuntary", t->involuntary, 1);
	kv_u64(f, "sched_in", t->sched_in, 1);
	kv_u64(f, "migrations", t->migrations, 1);
	kv_u64(f, "wait_ns", t->wait_ns, 1);
	kv_u64(f, "max_wait_ns", t->wait.max, 1);
	kv_u64(f, "waits", t->wait.count, 1);
	kv_u64(f, "wait_p50_ns", pw_hist_percentile(&t->wait, 50), 1);
	kv_u64(f, "wait_p90_ns", pw_hist_percentile(&t->wait, 90), 1);
	kv_u64(f, "wait_p99_ns", pw_hist_percentile(&t->wait, 99), 1);
	kv_u64(f, "preempted_ns", t->preempted_ns, 1);
	kv_u64(f, "events", t->events, 1);
	fputs(",\"cpus\":[", f);
	for (size_t i = 0; i < t->nr_cpus; i++) {
		const struct pw_an_task_cpu *c = &t->cpus[i];
		fprintf(f, "%s{\"cpu\":%" PRId32, i ? "," : "", c->cpu);
		kv_u64(f, "runtime_ns", c->runtime_ns, 1);
		kv_u64(f, "switches", c->switches, 1);
		kv_u64(f, "sched_in", c->sched_in, 1);
		fputc('}', f);
	}
	fputs("],\"kvm\":{\"exits\":{", f);
	for (size_t i = 0; i < t->nr_reasons; i++) {
		if (i)
			fputc(',', f);
		pw_json_string(f, t->reasons[i].name);
		fprintf(f, ":%" PRIu64, t->reasons[i].count);
	}
	fputc('}', f);
	kv_u64(f, "count", t->kvm_exits, 1);
	kv_u64(f, "host_ns", t->host_ns, 1);
	kv_u64(f, "guest_ns", t->guest_ns, 1);
	fputs(",\"reasons\":{", f);
	for (size_t i = 0; i < t->nr_reasons; i++) {
		const struct pw_an_reason *r = &t->reasons[i];
		if (i)
			fputc(',', f);
		pw_json_string(f, r->name);
		fprintf(f, ":{\"reason\":%" PRIu32 ",\"isa\":\"%s\"", r->reason,
			r->isa == 2 ? "svm" : "vmx");
		kv_u64(f, "count", r->count, 1);
		kv_u64(f, "host_ns", r->host_ns, 1);
		kv_u64(f, "timed", r->host.count, 1);
		kv_u64(f, "mean_ns", r->host.count ? r->host.sum / r->host.count : 0, 1);
		kv_u64(f, "p50_ns", pw_hist_percentile(&r->host, 50), 1);
		kv_u64(f, "p99_ns", pw_hist_percentile(&r->host, 99), 1);
		kv_u64(f, "max_ns", r->host.max, 1);
		fputc('}', f);
	}
	fputs("}}}", f);
}

static void json_run(FILE *f, const struct pw_an_run *r)
{
	fputc('{', f);
	kv_str(f, "name", r->name, 0);
	kv_str(f, "file", r->file, 1);
	kv_u64(f, "window_ns", r->window_ns, 1);
	kv_u64(f, "covered_ns", r->covered_ns, 1);
	fprintf(f, ",\"scale\":%.6f", r->scale);
	kv_u64(f, "start_ns", r->win_start, 1);
	kv_u64(f, "end_ns", r->win_end, 1);
	kv_u64(f, "first_ns", r->first_ns, 1);
	kv_u64(f, "last_ns", r->last_ns, 1);
	kv_u64(f, "nr_cpus", r->nr_cpus, 1);
	fputs(",\"meta\":", f);
	json_meta(f, &r->meta);
	fputs(",\"events\":{", f);
	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		fprintf(f, "%s\"%s\":%" PRIu64, k ? "," : "", pw_event_name(k), r->events[k]);
	kv_u64(f, "read", r->events_read, 1);
	fputs("},\"quality\":", f);
	json_quality(f, &r->q);
	fputs(",\"stats\":[", f);
	for (size_t i = 0; i < r->nr_stats; i++) {
		fputs(i ? ",{" : "{", f);
		kv_str(f, "group", r->stats[i].group, 0);
		kv_str(f, "name", r->stats[i].name, 1);
		kv_u64(f, "value", r->stats[i].value, 1);
		fputc('}', f);
	}
	fputs("],\"cpus\":[", f);
	int first = 1;
	for (size_t i = 0; i < r->nr_cpu_slots; i++) {
		const struct pw_an_cpu *c = &r->cpus[i];
		if (!c->busy_ns && !c->idle_ns && !c->switches)
			continue;
		fprintf(f, "%s{\"cpu\":%" PRId32, first ? "" : ",", c->cpu);
		kv_u64(f, "busy_ns", c->busy_ns, 1);
		kv_u64(f, "idle_ns", c->idle_ns, 1);
		kv_u64(f, "switches", c->switches, 1);
		fputc('}', f);
		first = 0;
	}
	fputs("],\"tasks\":[", f);
	first = 1;
	for (size_t i = 0; i < r->nr_tasks; i++) {
		if (!r->tasks[i]->selected)
			continue;
		fputs(first ? "\n" : ",\n", f);
		json_task(f, r->tasks[i]);
		first = 0;
	}
	fputs("]}", f);
}

int pw_export_json(FILE *f, struct pw_an_run **runs, size_t n,
		   const struct pw_export_info *info)
{
	fputs("{\"perfwhiz\":", f);
	pw_json_string(f, PW_VERSION);
	kv_str(f, "label", info->label, 1);
	kv_str(f, "task", info->task_spec, 1);
	fprintf(f, ",\"merge_sys_tasks\":%s,\"append_tid\":%s",
		info->merge_sys_tasks ? "true" : "false", info->append_tid ? "true" : "false");
	kv_u64(f, "from_ns", info->from_ns, 1);
	kv_u64(f, "cap_ns", info->cap_ns, 1);
	fputs(",\"runs\":[", f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_run(f, runs[i]);
	}
	fputs("]}\n", f);
	return ferror(f) ? PW_EIO : 0;
}

/* ---- output files ------------------------------------------------------ */

int pw_out_open(struct pw_out *o, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = slash ? slash + 1 : path;

	memset(o, 0, sizeof(*o));
	o->path = strdup(path);
	o->tmp = malloc(dlen + strlen(base) + 16);
	if (!o->path || !o->tmp) {
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof(*o));
		errno = ENOMEM;
		return PW_EIO;
	}
	sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dlen, path, base);
	int fd = mkstemp(o->tmp);	// O_CREAT | O_EXCL, mode 0600
	if (fd < 0 || fchmod(fd, 0644) || !(o->f = fdopen(fd, "w"))) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof(*o));
		errno = e;
		return PW_EIO;
	}
	return 0;
}

int pw_out_commit(struct pw_out *o)
{
	int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f));
	int e = errno;

	if (fclose(o->f) && !bad) {
		bad = 1;
		e = errno;
	}
	o->f = NULL;
	if (!bad && rename(o->tmp, o->path)) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		unlink(o->tmp);
		errno = e;
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return bad ? PW_EIO : 0;
}

void pw_out_abort(struct pw_out *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

/* ---- CSV --------------------------------------------------------------- */

// One field, RFC 4180: quoted when it holds a comma, quote, CR or LF (or
// starts or ends with a space); quotes doubled; invalid UTF-8 repaired.
static void csv_str(FILE *f, const char *s, int comma)
{
	char *r = pw_utf8_repair(s ? s : "");
	const char *v = r ? r : "";
	size_t len = strlen(v);
	int q = strpbrk(v, ",\"\r\n") != NULL || (len && (v[0] == ' ' || v[len - 1] == ' '));

	if (comma)
		fputc(',', f);
	if (q)
		fputc('"', f);
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	if (q)
		fputc('"', f);
	free(r);
}

static void csv_u64(FILE *f, uint64_t v)
{
	fprintf(f, ",%" PRIu64, v);
}

enum { T_RUNS, T_TASKS, T_TCPUS, T_CPUS, T_KVM, T_EVENTS, T_QUALITY, T__N };
static const char *const csv_names[T__N] = {
	"runs.csv", "tasks.csv", "task_cpus.csv", "cpus.csv", "kvm.csv",
	"events.csv", "quality.csv",
};

static void csv_tables(FILE **t, struct pw_an_run **runs, size_t n)
{
	fputs("run,file,window_ns,covered_ns,scale,start_ns,end_ns,nr_cpus,hostname,kernel,events\r\n", t[T_RUNS]);
	fputs("run,tid,pid,name,runtime_ns,cpu_pct,switches,voluntary,involuntary,sched_in,"
	      "migrations,wait_ns,max_wait_ns,waits,wait_p50_ns,wait_p90_ns,wait_p99_ns,"
	      "preempted_ns,kvm_exits,kvm_host_ns,kvm_guest_ns\r\n", t[T_TASKS]);
	fputs("run,tid,name,cpu,runtime_ns,switches,sched_in\r\n", t[T_TCPUS]);
	fputs("run,cpu,busy_ns,idle_ns,switches\r\n", t[T_CPUS]);
	fputs("run,tid,name,reason,isa,code,count,host_ns,mean_ns,p50_ns,p99_ns,max_ns\r\n", t[T_KVM]);
	fputs("run,event,count\r\n", t[T_EVENTS]);
	fputs("run,item,value\r\n", t[T_QUALITY]);
	for (size_t i = 0; i < n; i++) {
		const struct pw_an_run *r = runs[i];
		const struct pw_an_quality *q = &r->q;

		csv_str(t[T_RUNS], r->name, 0);
		csv_str(t[T_RUNS], r->file, 1);
		csv_u64(t[T_RUNS], r->window_ns);
		csv_u64(t[T_RUNS], r->covered_ns);
		fprintf(t[T_RUNS], ",%.6f", r->scale);
		csv_u64(t[T_RUNS], r->win_start);
		csv_u64(t[T_RUNS], r->win_end);
		csv_u64(t[T_RUNS], r->nr_cpus);
		csv_str(t[T_RUNS], r->meta.hostname, 1);
		csv_str(t[T_RUNS], r->meta.kernel, 1);
		csv_u64(t[T_RUNS], r->events_read);
		fputs("\r\n", t[T_RUNS]);
		for (size_t k = 0; k < r->nr_tasks; k++) {
			const struct pw_an_task *x = r->tasks[k];
			FILE *f = t[T_TASKS];
			if (!x->selected)
				continue;
			csv_str(f, r->name, 0);
			fprintf(f, ",%" PRId32 ",%" PRId32, x->tid, x->pid);
			csv_str(f, x->name, 1);
			csv_u64(f, x->runtime_ns);
			fprintf(f, ",%.3f", x->cpu_pct);
			csv_u64(f, x->switches);
			csv_u64(f, x->voluntary);
			csv_u64(f, x->involuntary);
			csv_u64(f, x->sched_in);
			csv_u64(f, x->migrations);
			csv_u64(f, x->wait_ns);
			csv_u64(f, x->wait.max);
			csv_u64(f, x->wait.count);
			csv_u64(f, pw_hist_percentile(&x->wait, 50));
			csv_u64(f, pw_hist_percentile(&x->wait, 90));
			csv_u64(f, pw_hist_percentile(&x->wait, 99));
			csv_u64(f, x->preempted_ns);
			csv_u64(f, x->kvm_exits);
			csv_u64(f, x->host_ns);
			csv_u64(f, x->guest_ns);
			fputs("\r\n", f);
			for (size_t c = 0; c < x->nr_cpus; c++) {
				f = t[T_TCPUS];
				csv_str(f, r->name, 0);
				fprintf(f, ",%" PRId32, x->tid);
				csv_str(f, x->name, 1);
				fprintf(f, ",%" PRId32, x->cpus[c].cpu);
				csv_u64(f, x->cpus[c].runtime_ns);
				csv_u64(f, x->cpus[c].switches);
				csv_u64(f, x->cpus[c].sched_in);
				fputs("\r\n", f);
			}
			for (size_t c = 0; c < x->nr_reasons; c++) {
				const struct pw_an_reason *re = &x->reasons[c];
				f = t[T_KVM];
				csv_str(f, r->name, 0);
				fprintf(f, ",%" PRId32, x->tid);
				csv_str(f, x->name, 1);
				csv_str(f, re->name, 1);
				fprintf(f, ",%s,%" PRIu32, re->isa == 2 ? "svm" : "vmx", re->reason);
				csv_u64(f, re->count);
				csv_u64(f, re->host_ns);
				csv_u64(f, re->host.count ? re->host.sum / re->host.count : 0);
				csv_u64(f, pw_hist_percentile(&re->host, 50));
				csv_u64(f, pw_hist_percentile(&re->host, 99));
				csv_u64(f, re->host.max);
				fputs("\r\n", f);
			}
		}
		for (size_t c = 0; c < r->nr_cpu_slots; c++) {
			const struct pw_an_cpu *cs = &r->cpus[c];
			if (!cs->busy_ns && !cs->idle_ns && !cs->switches)
				continue;
			csv_str(t[T_CPUS], r->name, 0);
			fprintf(t[T_CPUS], ",%" PRId32, cs->cpu);
			csv_u64(t[T_CPUS], cs->busy_ns);
			csv_u64(t[T_CPUS], cs->idle_ns);
			csv_u64(t[T_CPUS], cs->switches);
			fputs("\r\n", t[T_CPUS]);
		}
		for (unsigned k = 0; k < PW_EV__COUNT; k++) {
			csv_str(t[T_EVENTS], r->name, 0);
			fprintf(t[T_EVENTS], ",%s,%" PRIu64 "\r\n", pw_event_name(k), r->events[k]);
		}
		struct { const char *k; uint64_t v; } items[] = {
			{ "clipped_start", q->clipped_start },
			{ "clipped_end", q->clipped_end },
			{ "unknown_state_switches", q->unknown_state },
			{ "switch_mismatch", q->switch_mismatch },
			{ "kvm_exits_without_entry", q->kvm_exit_without_entry },
			{ "kvm_entries_without_exit", q->kvm_entry_without_exit },
			{ "tid_reuse", q->tid_reuse },
			{ "exec", q->exec },
			{ "failed_validation", q->failed_validation },
			{ "legacy_skipped", q->legacy_skipped },
			{ "events_before_window", q->before_window },
			{ "events_after_window", q->after_window },
			{ "truncated", (uint64_t)q->truncated },
			{ "legacy", (uint64_t)q->legacy },
		};
		for (size_t k = 0; k < sizeof(items) / sizeof(*items); k++) {
			csv_str(t[T_QUALITY], r->name, 0);
			fprintf(t[T_QUALITY], ",%s,%" PRIu64 "\r\n", items[k].k, items[k].v);
		}
	}
}

int pw_export_csv(const char *dir, struct pw_an_run **runs, size_t n,
		  const struct pw_export_info *info, char *err, size_t errsize)
{
	struct pw_out out[T__N];
	FILE *t[T__N];
	char path[4096];
	int i, e = 0;

	(void)info;
	memset(out, 0, sizeof(out));
	for (i = 0; i < T__N; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, csv_names[i]);
		if (pw_out_open(&out[i], path)) {
			snprintf(err, errsize, "cannot write '%s': %s", path, strerror(errno));
			e = PW_EIO;
			goto fail;
		}
		t[i] = out[i].f;
	}
	csv_tables(t, runs, n);
	for (i = 0; i < T__N; i++)
		if (fflush(t[i]) || ferror(t[i])) {
			snprintf(err, errsize, "cannot write '%s': %s", out[i].path,
				 strerror(errno));
			e = PW_EIO;
			goto fail;
		}
	// a destination that cannot be replaced (a directory in the way) must
	// stop us before any table is renamed into place
	for (i = 0; i < T__N; i++) {
		struct stat st;
		if (!lstat(out[i].path, &st) && !S_ISREG(st.st_mode)) {
			snprintf(err, errsize, "cannot write '%s': not a regular file",
				 out[i].path);
			e = PW_EIO;
			goto fail;
		}
	}
	for (i = 0; i < T__N; i++) {
		char *p = strdup(out[i].path);
		if (pw_out_commit(&out[i])) {
			snprintf(err, errsize, "cannot write '%s': %s", p ? p : dir,
				 strerror(errno));
			free(p);
			e = PW_EIO;
			goto fail;
		}
		free(p);
	}
	return 0;
fail:
	for (i = 0; i < T__N; i++)
		pw_out_abort(&out[i]);
	return e;
}
