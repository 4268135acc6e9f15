// SPDX-License-Identifier: Apache-2.0
// export.c: --json and --csv writers, and the escapers for trace strings (export.h).
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "outfile.h"

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

/* ---- the figures --json and --csv both give ---------------------------- */

// Each list names a figure once, X(TYPE, "key", value), in the order both
// outputs give it: --json writes it as "key":value, --csv as a column
// value under the header's "key", so the two cannot drift apart. TYPE is
// u64, pct (a percentage, 3 decimals), ratio (6 decimals), flag (JSON
// true/false, CSV 1/0) or text (a string, JSON null and CSV empty for NULL). The lists are alike in shape on purpose: data.

// a run's window
#define RUN_WINDOW(X, r) \
	X(u64, "window_ns", (r)->window_ns) \
	X(u64, "covered_ns", (r)->covered_ns) \
	X(ratio, "scale", (r)->scale) \
	X(u64, "start_ns", (r)->win_start) \
	X(u64, "end_ns", (r)->win_end)

// a task's scheduling
#define TASK_FIGURES(X, t) \
	X(u64, "runtime_ns", (t)->runtime_ns) \
	X(pct, "cpu_pct", (t)->cpu_pct) \
	X(u64, "switches", (t)->switches) \
	X(u64, "voluntary", (t)->voluntary) \
	X(u64, "involuntary", (t)->involuntary) \
	X(u64, "sched_in", (t)->sched_in) \
	X(u64, "migrations", (t)->migrations) \
	X(u64, "wait_ns", (t)->wait_ns) \
	X(u64, "max_wait_ns", (t)->wait.max) \
	X(u64, "waits", (t)->wait.count) \
	X(u64, "wait_p50_ns", pw_hist_percentile(&(t)->wait, 50)) \
	X(u64, "wait_p90_ns", pw_hist_percentile(&(t)->wait, 90)) \
	X(u64, "wait_p99_ns", pw_hist_percentile(&(t)->wait, 99)) \
	X(u64, "preempted_ns", (t)->preempted_ns)

// a task on one cpu
#define TASK_CPU_FIGURES(X, c) \
	X(u64, "runtime_ns", (c)->runtime_ns) \
	X(u64, "switches", (c)->switches) \
	X(u64, "sched_in", (c)->sched_in)

// a cpu
#define CPU_FIGURES(X, c) \
	X(u64, "busy_ns", (c)->busy_ns) \
	X(u64, "idle_ns", (c)->idle_ns) \
	X(u64, "switches", (c)->switches)

// a task's exits of one reason, then their times (JSON gives "timed", the
// exits timed, between the two)
#define REASON_COUNTS(X, re) \
	X(u64, "count", (re)->count) \
	X(u64, "host_ns", (re)->host_ns)
#define REASON_TIMES(X, re) \
	X(u64, "mean_ns", (re)->host.count ? (re)->host.sum / (re)->host.count : 0) \
	X(u64, "p50_ns", pw_hist_percentile(&(re)->host, 50)) \
	X(u64, "p99_ns", pw_hist_percentile(&(re)->host, 99)) \
	X(u64, "max_ns", (re)->host.max)

// a run's data quality (CSV: a row each)
#define QUALITY_FIGURES(X, q) \
	X(u64, "clipped_start", (q)->clipped_start) \
	X(u64, "clipped_end", (q)->clipped_end) \
	X(u64, "unknown_state_switches", (q)->unknown_state) \
	X(u64, "switch_mismatch", (q)->switch_mismatch) \
	X(u64, "kvm_exits_without_entry", (q)->kvm_exit_without_entry) \
	X(u64, "kvm_entries_without_exit", (q)->kvm_entry_without_exit) \
	X(u64, "tid_reuse", (q)->tid_reuse) \
	X(u64, "exec", (q)->exec) \
	X(u64, "failed_validation", (q)->failed_validation) \
	X(u64, "legacy_skipped", (q)->legacy_skipped) \
	X(u64, "events_before_window", (q)->before_window) \
	X(u64, "events_after_window", (q)->after_window) \
	X(flag, "truncated", (q)->truncated) \
	X(flag, "legacy", (q)->legacy) \
	X(u64, "time_backwards", (q)->time_backwards) \
	X(text, "conversion", pw_end_name((q)->conversion)) \
	X(text, "conversion_detail", (q)->conversion_why)

// the cpus a run lists: those with anything to show
static int cpu_seen(const struct pw_an_cpu *c)
{
	return c->busy_ns || c->idle_ns || c->switches;
}

static const char *isa_name(const struct pw_an_reason *re)
{
	return re->isa == PW_ISA_SVM ? "svm" : "vmx";
}

/* ---- JSON -------------------------------------------------------------- */

// JSON_FIGURE, an X of the lists above: sep, then "key":value; the caller
// has a `const char *sep`, which becomes "," after the first.
#define JSON_FIGURE(type, key, v) json_##type(f, sep, key, v), sep = ",";

static void json_u64(FILE *f, const char *sep, const char *k, uint64_t v)
{
	fprintf(f, "%s\"%s\":%" PRIu64, sep, k, v);
}

static void json_pct(FILE *f, const char *sep, const char *k, double v)
{
	fprintf(f, "%s\"%s\":%.3f", sep, k, v);
}

static void json_ratio(FILE *f, const char *sep, const char *k, double v)
{
	fprintf(f, "%s\"%s\":%.6f", sep, k, v);
}

static void json_flag(FILE *f, const char *sep, const char *k, int v)
{
	fprintf(f, "%s\"%s\":%s", sep, k, v ? "true" : "false");
}

static void json_text(FILE *f, const char *sep, const char *k, const char *v)
{
	fprintf(f, "%s\"%s\":", sep, k);
	if (v)
		pw_json_string(f, v);
	else
		fputs("null", f);
}

// ,"key":"value" (escaped), or ,"key":null
static void kv_str(FILE *f, const char *k, const char *v, int comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", k);
	if (v)
		pw_json_string(f, v);
	else
		fputs("null", f);
}

static void kv_u64(FILE *f, const char *k, uint64_t v)
{
	json_u64(f, ",", k, v);
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
	kv_u64(f, "nr_cpus", m->nr_cpus);
	kv_u64(f, "nr_cpus_avail", m->nr_cpus_avail);
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

// "kvm":{...} of a task: exits by reason, totals, then each reason's times
static void json_kvm(FILE *f, const struct pw_an_task *t)
{
	const char *sep = ",";

	fputs(",\"kvm\":{\"exits\":{", f);
	for (size_t i = 0; i < t->nr_reasons; i++) {
		if (i)
			fputc(',', f);
		pw_json_string(f, t->reasons[i].name);
		fprintf(f, ":%" PRIu64, t->reasons[i].count);
	}
	fputc('}', f);
	kv_u64(f, "count", t->kvm_exits);
	kv_u64(f, "host_ns", t->host_ns);
	kv_u64(f, "guest_ns", t->guest_ns);
	fputs(",\"reasons\":{", f);
	for (size_t i = 0; i < t->nr_reasons; i++) {
		const struct pw_an_reason *re = &t->reasons[i];
		if (i)
			fputc(',', f);
		pw_json_string(f, re->name);
		fprintf(f, ":{\"reason\":%" PRIu32 ",\"isa\":\"%s\"", re->reason, isa_name(re));
		REASON_COUNTS(JSON_FIGURE, re)
		kv_u64(f, "timed", re->host.count);
		REASON_TIMES(JSON_FIGURE, re)
		fputc('}', f);
	}
	fputs("}}", f);
}

static void json_task(FILE *f, const struct pw_an_task *t)
{
	const char *sep = ",";

	fprintf(f, "{\"tid\":%" PRId32 ",\"pid\":%" PRId32 ",\"name\":", t->tid, t->pid);
	pw_json_string(f, t->name);
	kv_str(f, "comm", t->comm, 1);
	if (t->idle_cpu >= 0)
		fprintf(f, ",\"idle_cpu\":%" PRId32, t->idle_cpu);
	if (t->nr_merged > 1)
		fprintf(f, ",\"merged\":%" PRIu32, t->nr_merged);
	TASK_FIGURES(JSON_FIGURE, t)
	kv_u64(f, "events", t->events);
	fputs(",\"cpus\":[", f);
	for (size_t i = 0; i < t->nr_cpus; i++) {
		const struct pw_an_task_cpu *c = &t->cpus[i];
		fprintf(f, "%s{\"cpu\":%" PRId32, i ? "," : "", c->cpu);
		TASK_CPU_FIGURES(JSON_FIGURE, c)
		fputc('}', f);
	}
	fputc(']', f);
	json_kvm(f, t);
	fputc('}', f);
}

static void json_run(FILE *f, const struct pw_an_run *r)
{
	const char *sep = ",";
	int first = 1;

	fputc('{', f);
	kv_str(f, "name", r->name, 0);
	kv_str(f, "file", r->file, 1);
	RUN_WINDOW(JSON_FIGURE, r)
	kv_u64(f, "first_ns", r->first_ns);
	kv_u64(f, "last_ns", r->last_ns);
	kv_u64(f, "nr_cpus", r->nr_cpus);
	fputs(",\"meta\":", f);
	json_meta(f, &r->meta);
	fputs(",\"events\":{", f);
	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		fprintf(f, "%s\"%s\":%" PRIu64, k ? "," : "", pw_event_name(k), r->events[k]);
	kv_u64(f, "read", r->events_read);
	fputs("},\"quality\":", f);
	sep = "{";
	QUALITY_FIGURES(JSON_FIGURE, &r->q)
	fputs("},\"stats\":[", f);
	for (size_t i = 0; i < r->nr_stats; i++) {
		fputs(i ? ",{" : "{", f);
		kv_str(f, "group", r->stats[i].group, 0);
		kv_str(f, "name", r->stats[i].name, 1);
		kv_u64(f, "value", r->stats[i].value);
		fputc('}', f);
	}
	fputs("],\"cpus\":[", f);
	for (size_t i = 0; i < r->nr_cpu_slots; i++) {
		const struct pw_an_cpu *c = &r->cpus[i];
		if (!cpu_seen(c))
			continue;
		fprintf(f, "%s{\"cpu\":%" PRId32, first ? "" : ",", c->cpu);
		sep = ",";
		CPU_FIGURES(JSON_FIGURE, c)
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
	kv_u64(f, "from_ns", info->from_ns);
	kv_u64(f, "cap_ns", info->cap_ns);
	fputs(",\"runs\":[", f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_run(f, runs[i]);
	}
	fputs("]}\n", f);
	return ferror(f) ? PW_EIO : 0;
}

/* ---- CSV --------------------------------------------------------------- */

// CSV_FIGURE, an X of the lists above: the value as the next column;
// CSV_HEADER: ",key", a string literal (the header is one).
#define CSV_FIGURE(type, key, v) csv_##type(f, v);
#define CSV_HEADER(type, key, v) "," key

// One field, RFC 4180: quoted when it holds a comma, quote, CR or LF (or
// starts or ends with a space); quotes doubled; invalid UTF-8 repaired.
// A text that a spreadsheet would take for a formula (starting with =, +,
// -, @, TAB or CR: a task may name itself "=cmd|'/c calc'!A") gets a
// leading ' and is quoted, as OWASP's guidance on CSV injection says: the
// cell shows the text, never runs it. Every text field goes through here;
// numbers (a tid of -1) are written as numbers.
static void csv_str(FILE *f, const char *s, int comma)
{
	char *r = pw_utf8_repair(s ? s : "");
	const char *v = r ? r : "";
	size_t len = strlen(v);
	int formula = len && strchr("=+-@\t\r", v[0]) != NULL;
	int q = formula || strpbrk(v, ",\"\r\n") != NULL ||
		(len && (v[0] == ' ' || v[len - 1] == ' '));

	if (comma)
		fputc(',', f);
	if (q)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
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

static void csv_pct(FILE *f, double v)
{
	fprintf(f, ",%.3f", v);
}

static void csv_ratio(FILE *f, double v)
{
	fprintf(f, ",%.6f", v);
}

static void csv_i32(FILE *f, int32_t v)
{
	fprintf(f, ",%" PRId32, v);
}

enum { T_RUNS, T_TASKS, T_TCPUS, T_CPUS, T_KVM, T_EVENTS, T_QUALITY, T__N };
static const char *const csv_names[T__N] = {
	"runs.csv", "tasks.csv", "task_cpus.csv", "cpus.csv", "kvm.csv",
	"events.csv", "quality.csv",
};
_Static_assert(T__N == PW_CSV_TABLES, "export.h counts the tables");

const char *pw_export_csv_table(size_t i)
{
	return i < T__N ? csv_names[i] : NULL;
}

static const char *const csv_headers[T__N] = {
	"run,file" RUN_WINDOW(CSV_HEADER, _) ",nr_cpus,hostname,kernel,events\r\n",
	"run,tid,pid,name" TASK_FIGURES(CSV_HEADER, _)
		",kvm_exits,kvm_host_ns,kvm_guest_ns\r\n",
	"run,tid,name,cpu" TASK_CPU_FIGURES(CSV_HEADER, _) "\r\n",
	"run,cpu" CPU_FIGURES(CSV_HEADER, _) "\r\n",
	"run,tid,name,reason,isa,code" REASON_COUNTS(CSV_HEADER, _)
		REASON_TIMES(CSV_HEADER, _) "\r\n",
	"run,event,count\r\n",
	"run,item,value\r\n",
};

static void csv_run(FILE *f, const struct pw_an_run *r)
{
	csv_str(f, r->name, 0);
	csv_str(f, r->file, 1);
	RUN_WINDOW(CSV_FIGURE, r)
	csv_u64(f, r->nr_cpus);
	csv_str(f, r->meta.hostname, 1);
	csv_str(f, r->meta.kernel, 1);
	csv_u64(f, r->events_read);
	fputs("\r\n", f);
}

// The first columns of a task's rows in task_cpus.csv and kvm.csv: run,
// tid, name.
static void csv_task_head(FILE *f, const struct pw_an_run *r, const struct pw_an_task *x)
{
	csv_str(f, r->name, 0);
	csv_i32(f, x->tid);
	csv_str(f, x->name, 1);
}

// A selected task's rows: tasks.csv, task_cpus.csv and kvm.csv.
static void csv_task(FILE **t, const struct pw_an_run *r, const struct pw_an_task *x)
{
	FILE *f = t[T_TASKS];

	csv_str(f, r->name, 0);
	fprintf(f, ",%" PRId32 ",%" PRId32, x->tid, x->pid);
	csv_str(f, x->name, 1);
	TASK_FIGURES(CSV_FIGURE, x)
	csv_u64(f, x->kvm_exits);
	csv_u64(f, x->host_ns);
	csv_u64(f, x->guest_ns);
	fputs("\r\n", f);
	f = t[T_TCPUS];
	for (size_t c = 0; c < x->nr_cpus; c++) {
		const struct pw_an_task_cpu *tc = &x->cpus[c];
		csv_task_head(f, r, x);
		csv_i32(f, tc->cpu);
		TASK_CPU_FIGURES(CSV_FIGURE, tc)
		fputs("\r\n", f);
	}
	f = t[T_KVM];
	for (size_t c = 0; c < x->nr_reasons; c++) {
		const struct pw_an_reason *re = &x->reasons[c];
		csv_task_head(f, r, x);
		csv_str(f, re->name, 1);
		fprintf(f, ",%s,%" PRIu32, isa_name(re), re->reason);
		REASON_COUNTS(CSV_FIGURE, re)
		REASON_TIMES(CSV_FIGURE, re)
		fputs("\r\n", f);
	}
}

// quality.csv's value column: a number, 1/0, or a text field
static void csv_item_u64(FILE *f, uint64_t v)
{
	fprintf(f, ",%" PRIu64, v);
}

static void csv_item_flag(FILE *f, int v)
{
	fprintf(f, ",%d", v ? 1 : 0);
}

static void csv_item_text(FILE *f, const char *v)
{
	csv_str(f, v, 1);
}

// A run's rows of cpus.csv, events.csv and quality.csv.
static void csv_run_tables(FILE **t, const struct pw_an_run *r)
{
	FILE *f = t[T_CPUS];

	for (size_t c = 0; c < r->nr_cpu_slots; c++) {
		const struct pw_an_cpu *cs = &r->cpus[c];
		if (!cpu_seen(cs))
			continue;
		csv_str(f, r->name, 0);
		csv_i32(f, cs->cpu);
		CPU_FIGURES(CSV_FIGURE, cs)
		fputs("\r\n", f);
	}
	f = t[T_EVENTS];
	for (unsigned k = 0; k < PW_EV__COUNT; k++) {
		csv_str(f, r->name, 0);
		fprintf(f, ",%s,%" PRIu64 "\r\n", pw_event_name(k), r->events[k]);
	}
	f = t[T_QUALITY];
#define CSV_ITEM(type, key, v) \
	csv_str(f, r->name, 0), fprintf(f, ",%s", key), csv_item_##type(f, v), fputs("\r\n", f);
	QUALITY_FIGURES(CSV_ITEM, &r->q)
#undef CSV_ITEM
}

static void csv_tables(FILE **t, struct pw_an_run **runs, size_t n)
{
	for (int i = 0; i < T__N; i++)
		fputs(csv_headers[i], t[i]);
	for (size_t i = 0; i < n; i++) {
		const struct pw_an_run *r = runs[i];
		csv_run(t[T_RUNS], r);
		for (size_t k = 0; k < r->nr_tasks; k++)
			if (r->tasks[k]->selected)
				csv_task(t, r, r->tasks[k]);
		csv_run_tables(t, r);
	}
}

// "cannot write 'path': why" into err; PW_EIO
static int cannot_write(char *err, size_t errsize, const char *path, const char *why)
{
	snprintf(err, errsize, "cannot write '%s': %s", path, why);
	return PW_EIO;
}

int pw_export_csv(const char *dir, struct pw_an_run **runs, size_t n,
		  const struct pw_export_info *info, char *err, size_t errsize)
{
	struct pw_out out[T__N];
	FILE *t[T__N];
	char path[4096];
	int i, e = 0;

	(void)info;
	for (i = 0; i < T__N; i++)
		out[i] = (struct pw_out)PW_OUT_INIT;
	for (i = 0; i < T__N && !e; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, csv_names[i]);
		// as every output: 0666 less the umask, a replaced table's mode
		// kept (outfile.h)
		if (pw_out_open(&out[i], path))
			e = cannot_write(err, errsize, path, strerror(errno));
		t[i] = out[i].f;
	}
	if (!e)
		csv_tables(t, runs, n);
	for (i = 0; i < T__N && !e; i++)
		if (fflush(t[i]) || ferror(t[i]))
			e = cannot_write(err, errsize, out[i].path, strerror(errno));
	for (i = 0; i < T__N && !e; i++)
		if (pw_out_commit(&out[i]))
			e = cannot_write(err, errsize, out[i].path, strerror(errno));
	for (i = 0; i < T__N; i++)
		pw_out_release(&out[i]);
	return e;
}
