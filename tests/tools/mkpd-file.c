// SPDX-License-Identifier: Apache-2.0
// mkpd-file.c: mkperfdata's perf.data bytes (mkperfdata.h), written from
// perf's documented layout: the tracepoint formats and their field offsets,
// the sample records, and the framing (header, attrs, ids, COMM records,
// feature sections).
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mkperfdata.h"

// ----------------------------------------------------------- trace formats --

static const char *const ev_sys[NR_EV] = { "sched", "sched", "sched", "kvm", "kvm", "kvm" };
const char *const ev_name[NR_EV] = {
	"sched_switch", "sched_wakeup", "sched_migrate_task", "kvm_entry", "kvm_exit", "kvm_userspace_exit"
};
// kernel text addresses for the samples' IP (a plausible __schedule etc.)
static const uint64_t ev_ip[NR_EV] = {
	0xffffffff81f3c6a2ULL, 0xffffffff810d8c1eULL, 0xffffffff810d41a5ULL,
	0xffffffff8102f39bULL, 0xffffffff8102fa77ULL, 0xffffffff8100d3e1ULL
};

static const struct { int ev; const char *name; bool required; } fdefs[NR_F] = {
	[F_TYPE] = { -1, "common_type", true }, [F_PID] = { -1, "common_pid", true },
	[F_SW_PCOMM] = { EV_SWITCH, "prev_comm", true }, [F_SW_PPID] = { EV_SWITCH, "prev_pid", true },
	[F_SW_PPRIO] = { EV_SWITCH, "prev_prio", false }, [F_SW_PSTATE] = { EV_SWITCH, "prev_state", true },
	[F_SW_NCOMM] = { EV_SWITCH, "next_comm", true }, [F_SW_NPID] = { EV_SWITCH, "next_pid", true },
	[F_SW_NPRIO] = { EV_SWITCH, "next_prio", false },
	[F_WK_COMM] = { EV_WAKEUP, "comm", true }, [F_WK_PID] = { EV_WAKEUP, "pid", true },
	[F_WK_PRIO] = { EV_WAKEUP, "prio", false }, [F_WK_SUCCESS] = { EV_WAKEUP, "success", false },
	[F_WK_TARGET] = { EV_WAKEUP, "target_cpu", false },
	[F_MG_COMM] = { EV_MIGRATE, "comm", true }, [F_MG_PID] = { EV_MIGRATE, "pid", true },
	[F_MG_PRIO] = { EV_MIGRATE, "prio", false }, [F_MG_ORIG] = { EV_MIGRATE, "orig_cpu", true },
	[F_MG_DEST] = { EV_MIGRATE, "dest_cpu", true },
	[F_EN_VCPU] = { EV_ENTRY, "vcpu_id", true }, [F_EN_RIP] = { EV_ENTRY, "rip", false },
	[F_EN_IMM] = { EV_ENTRY, "immediate_exit", false }, [F_EN_INTR] = { EV_ENTRY, "intr_info", false },
	[F_EN_ERR] = { EV_ENTRY, "error_code", false },
	[F_EX_REASON] = { EV_EXIT, "exit_reason", true }, [F_EX_RIP] = { EV_EXIT, "guest_rip", false },
	[F_EX_ISA] = { EV_EXIT, "isa", false }, [F_EX_INFO1] = { EV_EXIT, "info1", false },
	[F_EX_INFO2] = { EV_EXIT, "info2", false }, [F_EX_INTR] = { EV_EXIT, "intr_info", false },
	[F_EX_ERR] = { EV_EXIT, "error_code", false }, [F_EX_VCPU] = { EV_EXIT, "vcpu_id", false },
	[F_EX_REQ] = { EV_EXIT, "requests", false },
	[F_UE_REASON] = { EV_UEXIT, "reason", true }, [F_UE_ERRNO] = { EV_UEXIT, "errno", false },
};

const struct pw_mkpd_format *find_format(const char *name)
{
	for (const struct pw_mkpd_format *f = pw_mkpd_formats; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	pw_die(PROG, 1, "missing embedded format '%s'", name);
}

// Reads "ID: n" and the "field:TYPE NAME;\toffset:N;\tsize:M;" lines.
void parse_format(struct evfmt *e, int ev)
{
	const char *p = (const char *)e->fmt->text, *id = strstr(p, "\nID: ");

	if (!id) {
		pw_die(PROG, 1, "embedded format '%s' has no ID", e->fmt->name);
	}
	e->id = (uint32_t)strtoul(id + 5, NULL, 10);
	for (const char *l = strstr(p, "field:"); l; l = strstr(l + 1, "\tfield:")) {
		const char *semi = strchr(l, ';'), *off = strstr(l, "offset:"), *sz = strstr(l, "size:");
		const char *name_end, *name;
		char nm[64];
		int o, s;

		if (!semi || !off || !sz)
			break;
		name_end = semi;
		if (name_end > l && name_end[-1] == ']')
			while (name_end > l && *name_end != '[')
				name_end--;
		name = name_end;
		while (name > l && name[-1] != ' ')
			name--;
		if (name_end - name >= (long)sizeof(nm))
			continue;
		memcpy(nm, name, name_end - name);
		nm[name_end - name] = 0;
		o = atoi(off + 7);
		s = atoi(sz + 5);
		if (o + s > e->fixed)
			e->fixed = o + s;
		for (int i = 0; i < NR_F; i++) {
			if ((fdefs[i].ev == ev || fdefs[i].ev == -1) && !strcmp(fdefs[i].name, nm)) {
				e->f[i].off = o;
				e->f[i].size = s;
				e->f[i].dataloc = memmem(l, semi - l, "__data_loc", 10) != NULL;
			}
		}
	}
	for (int i = 0; i < NR_F; i++)
		if ((fdefs[i].ev == ev || fdefs[i].ev == -1) && fdefs[i].required && !e->f[i].size) {
			pw_die(PROG, 1, "embedded format '%s' has no field '%s'", e->fmt->name, fdefs[i].name);
		}
}

// ----------------------------------------------------------- record output --

static void out_flush(struct gen *g)
{
	if (g->blen && fwrite(g->buf, 1, g->blen, g->f) != g->blen) {
		pw_die(PROG, 1, "cannot write '%s': %s", g->o.out, strerror(errno));
	}
	g->blen = 0;
}

static void out_bytes(struct gen *g, const void *p, size_t n)
{
	if (g->blen + n > BUFSZ)
		out_flush(g);
	memcpy(g->buf + g->blen, p, n);
	g->blen += n;
}

void put_le(unsigned char *p, uint64_t v, int size)
{
	for (int i = 0; i < size; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void out_u64(struct gen *g, uint64_t v)
{
	unsigned char b[8];

	put_le(b, v, 8);
	out_bytes(g, b, 8);
}

void raw_init(struct raw *r, const struct evfmt *e, int common_pid)
{
	memset(r->b, 0, sizeof(r->b));
	r->e = e;
	r->len = e->fixed;
	put_le(r->b + e->f[F_TYPE].off, e->id, e->f[F_TYPE].size);
	put_le(r->b + e->f[F_PID].off, (uint32_t)common_pid, e->f[F_PID].size);
}

void raw_num(struct raw *r, int f, uint64_t v)
{
	const struct field *fl = &r->e->f[f];

	if (fl->size && !fl->dataloc)
		put_le(r->b + fl->off, v, fl->size > 8 ? 8 : fl->size);
}

void raw_str(struct raw *r, int f, const char *s)
{
	const struct field *fl = &r->e->f[f];
	size_t n = strlen(s);

	if (!fl->size)
		return;
	if (fl->dataloc) {	// __data_loc: u32 (len << 16 | offset), string after the fixed part
		put_le(r->b + fl->off, (uint32_t)((n + 1) << 16 | (uint32_t)r->len), 4);
		memcpy(r->b + r->len, s, n + 1);
		r->len += (int)n + 1;
	} else {
		if (n > (size_t)fl->size - 1)
			n = fl->size - 1;
		memcpy(r->b + fl->off, s, n);
	}
}

// ------------------------------------------------------------- samples --

#define ROUND_EVERY 10000		// samples between PERF_RECORD_FINISHED_ROUND

void sample_write(struct gen *g, int ev, int cpu, uint64_t t, int cur, const struct raw *r)
{
	int raw_size = ((r->len + 4 + 7) & ~7) - 4;	// the kernel pads RAW so the record stays 8-aligned
	unsigned char h[56 + 4];
	const struct task *ct = cur >= 0 ? &g->t[cur] : NULL;

	if (g->dry)
		return;
	put_le(h, 9, 4);					// PERF_RECORD_SAMPLE
	put_le(h + 4, 1, 2);					// PERF_RECORD_MISC_KERNEL
	put_le(h + 6, 56 + 4 + raw_size, 2);
	put_le(h + 8, g->ev[ev].first_id + cpu, 8);		// IDENTIFIER
	put_le(h + 16, ev_ip[ev], 8);				// IP
	put_le(h + 24, ct ? ct->pid : 0, 4);			// TID: pid, tid
	put_le(h + 28, ct ? ct->tid : 0, 4);
	put_le(h + 32, t, 8);					// TIME
	put_le(h + 40, cpu, 8);					// CPU, reserved
	put_le(h + 48, 1, 8);					// PERIOD
	put_le(h + 56, raw_size, 4);				// RAW size, then bytes
	out_bytes(g, h, 60);
	out_bytes(g, r->b, raw_size);
	if (++g->since_round >= ROUND_EVERY) {
		static const unsigned char fr[8] = { 68, 0, 0, 0, 0, 0, 8, 0 };	// FINISHED_ROUND

		out_bytes(g, fr, 8);
		g->since_round = 0;
	}
}

// ------------------------------------------------------ perf.data framing --

// perf_event_attr, 128 bytes (PERF_ATTR_SIZE_VER7), as perf record writes
// it for a tracepoint: sample_type IP|TID|TIME|CPU|PERIOD|RAW|IDENTIFIER.
#define ATTR_SIZE 128
#define SAMPLE_TYPE 0x10587ULL
#define READ_FORMAT 0x14ULL			// ID | LOST
#define ATTR_FLAGS ((1ULL << 0) | (1ULL << 1) | (1ULL << 18) | (1ULL << 20))	// disabled inherit sample_id_all exclude_guest

static void attr_bytes(unsigned char *a, uint32_t id)
{
	memset(a, 0, ATTR_SIZE);
	put_le(a + 0, 2, 4);		// PERF_TYPE_TRACEPOINT
	put_le(a + 4, ATTR_SIZE, 4);
	put_le(a + 8, id, 8);		// config: tracepoint id
	put_le(a + 16, 1, 8);		// sample_period
	put_le(a + 24, SAMPLE_TYPE, 8);
	put_le(a + 32, READ_FORMAT, 8);
	put_le(a + 40, ATTR_FLAGS, 8);
}

static void fwrite_all(struct gen *g, const void *p, size_t n)
{
	if (fwrite(p, 1, n, g->f) != n) {
		pw_die(PROG, 1, "cannot write '%s': %s", g->o.out, strerror(errno));
	}
}

// feature section builder: a growable byte string
struct sb {
	unsigned char *p;
	size_t len, cap;
};

static void sb_add(struct sb *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		size_t cap = (s->len + n) * 2 + 256;
		unsigned char *np = realloc(s->p, cap);

		if (!np) {
			pw_die(PROG, 1, "out of memory");
		}
		s->p = np;
		s->cap = cap;
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
}

static void sb_u32(struct sb *s, uint32_t v)
{
	unsigned char b[4];

	put_le(b, v, 4);
	sb_add(s, b, 4);
}

static void sb_u64(struct sb *s, uint64_t v)
{
	unsigned char b[8];

	put_le(b, v, 8);
	sb_add(s, b, 8);
}

static void sb_cstr(struct sb *s, const char *str)	// NUL-terminated (tracing data)
{
	sb_add(s, str, strlen(str) + 1);
}

static void sb_hstr(struct sb *s, const char *str)	// perf header string: u32 len (64-aligned), bytes
{
	size_t n = strlen(str) + 1, padded = (n + 63) / 64 * 64;
	static const char zero[64];

	sb_u32(s, (uint32_t)padded);
	sb_add(s, str, n);
	sb_add(s, zero, padded - n);
}

enum {
	HF_TRACING_DATA = 1, HF_HOSTNAME = 3, HF_OSRELEASE = 4, HF_VERSION = 5, HF_ARCH = 6,
	HF_NRCPUS = 7, HF_CPUDESC = 8, HF_CPUID = 9, HF_TOTAL_MEM = 10, HF_CMDLINE = 11,
	HF_EVENT_DESC = 12, HF_CPU_TOPOLOGY = 13, HF_SAMPLE_TIME = 21, HF_MAX = 22
};

// HEADER_TRACING_DATA: the tracing data's header, then the format text of
// every event recorded, grouped by system.
static void tracing_data(struct gen *g, struct sb *s)
{
	const struct pw_mkpd_format *hp = find_format("header_page"), *he = find_format("header_event");
	const char *sys = NULL;
	int nsys = 0;

	sb_add(s, "\x17\x08\x44tracing", 10);
	sb_cstr(s, "0.6");
	sb_add(s, "\0\x08", 2);		// little endian, sizeof(long) 8
	sb_u32(s, 4096);		// page size
	sb_cstr(s, "header_page");
	sb_u64(s, hp->len);
	sb_add(s, hp->text, hp->len);
	sb_cstr(s, "header_event");
	sb_u64(s, he->len);
	sb_add(s, he->text, he->len);
	sb_u32(s, 0);			// no ftrace formats
	for (int e = 0; e < NR_EV; e++)
		if (g->ev[e].on && (!sys || strcmp(sys, ev_sys[e]))) {
			nsys++;
			sys = ev_sys[e];
		}
	sb_u32(s, nsys);
	sys = NULL;
	for (int e = 0; e < NR_EV; e++) {
		int n = 0;

		if (!g->ev[e].on || (sys && !strcmp(sys, ev_sys[e])))
			continue;
		sys = ev_sys[e];
		for (int k = e; k < NR_EV; k++)
			n += g->ev[k].on && !strcmp(ev_sys[k], sys);
		sb_cstr(s, sys);
		sb_u32(s, n);
		for (int k = e; k < NR_EV; k++)
			if (g->ev[k].on && !strcmp(ev_sys[k], sys)) {
				sb_u64(s, g->ev[k].fmt->len);
				sb_add(s, g->ev[k].fmt->text, g->ev[k].fmt->len);
			}
	}
	sb_u32(s, 0);			// kallsyms
	sb_u32(s, 0);			// printk formats
	sb_u64(s, 0);			// saved cmdlines
}

// HEADER_CMDLINE: the perf record command line that would have made the file.
static void cmdline(struct gen *g, struct sb *s)
{
	char buf[256];
	int n = 3;

	for (int e = 0; e < NR_EV; e++)
		n += 2 * g->ev[e].on;
	sb_u32(s, n + 2);
	sb_hstr(s, "/usr/bin/perf");
	sb_hstr(s, "record");
	sb_hstr(s, "-a");
	for (int e = 0; e < NR_EV; e++)
		if (g->ev[e].on) {
			snprintf(buf, sizeof(buf), "%s:%s", ev_sys[e], ev_name[e]);
			sb_hstr(s, "-e");
			sb_hstr(s, buf);
		}
	sb_hstr(s, "--");
	sb_hstr(s, PROG);
}

// HEADER_EVENT_DESC: each event's attr, name and sample ids.
static void event_desc(struct gen *g, struct sb *s)
{
	unsigned char a[ATTR_SIZE];
	char buf[256];
	int n = 0;

	for (int e = 0; e < NR_EV; e++)
		n += g->ev[e].on;
	sb_u32(s, n);
	sb_u32(s, ATTR_SIZE);
	for (int e = 0; e < NR_EV; e++) {
		if (!g->ev[e].on)
			continue;
		attr_bytes(a, g->ev[e].id);
		sb_add(s, a, ATTR_SIZE);
		sb_u32(s, g->ncpu);
		snprintf(buf, sizeof(buf), "%s:%s", ev_sys[e], ev_name[e]);
		sb_hstr(s, buf);
		for (int c = 0; c < g->ncpu; c++)
			sb_u64(s, g->ev[e].first_id + c);
	}
}

// HEADER_CPU_TOPOLOGY: one socket, one die, one thread per core.
static void cpu_topology(struct gen *g, struct sb *s)
{
	char buf[256];

	sb_u32(s, 1);
	snprintf(buf, sizeof(buf), g->ncpu > 1 ? "0-%d" : "%d", g->ncpu - 1);
	sb_hstr(s, buf);
	sb_u32(s, g->ncpu);
	for (int c = 0; c < g->ncpu; c++) {
		char one[16];

		snprintf(one, sizeof(one), "%d", c);
		sb_hstr(s, one);
	}
	for (int c = 0; c < g->ncpu; c++) {
		sb_u32(s, c);	// core id
		sb_u32(s, 0);	// socket id
	}
	sb_u32(s, 1);
	sb_hstr(s, buf);
	for (int c = 0; c < g->ncpu; c++)
		sb_u32(s, 0);	// die id
}

// The body of feature section f.
static void feature(struct gen *g, int f, struct sb *s)
{
	switch (f) {
	case HF_TRACING_DATA:
		tracing_data(g, s);
		break;
	case HF_HOSTNAME:
		sb_hstr(s, "mkperfdata");
		break;
	case HF_OSRELEASE:
		sb_hstr(s, g->o.old_exit ? "5.3.0-mkperfdata" : "6.1.0-mkperfdata");
		break;
	case HF_VERSION:
		sb_hstr(s, "6.1.0");
		break;
	case HF_ARCH:
		sb_hstr(s, "x86_64");
		break;
	case HF_NRCPUS:
		sb_u32(s, g->ncpu);	// available
		sb_u32(s, g->ncpu);	// online
		break;
	case HF_CPUDESC:
		sb_hstr(s, g->o.svm ? "AMD EPYC 7543 32-Core Processor" : "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz");
		break;
	case HF_CPUID:	// perf kvm stat picks VMX or SVM names from the vendor
		sb_hstr(s, g->o.svm ? "AuthenticAMD,25,1,1" : "GenuineIntel,6,85,7");
		break;
	case HF_TOTAL_MEM:
		sb_u64(s, 16ULL << 20);	// kB
		break;
	case HF_CMDLINE:
		cmdline(g, s);
		break;
	case HF_EVENT_DESC:
		event_desc(g, s);
		break;
	case HF_CPU_TOPOLOGY:
		cpu_topology(g, s);
		break;
	case HF_SAMPLE_TIME:
		sb_u64(s, g->first_ns);
		sb_u64(s, g->last_ns);
		break;
	}
}

static const int features[] = {
	HF_TRACING_DATA, HF_HOSTNAME, HF_OSRELEASE, HF_VERSION, HF_ARCH, HF_NRCPUS, HF_CPUDESC,
	HF_CPUID, HF_TOTAL_MEM, HF_CMDLINE, HF_EVENT_DESC, HF_CPU_TOPOLOGY, HF_SAMPLE_TIME
};
#define NFEAT ((int)(sizeof(features) / sizeof(features[0])))

static int nr_on(const struct gen *g)
{
	int n = 0;

	for (int e = 0; e < NR_EV; e++)
		n += g->ev[e].on;
	return n;
}

// File layout: header (104), id arrays, attrs (128 + ids section 16 each),
// data, feature index (offset, size per feature bit), feature bodies.
static void write_header(struct gen *g, uint64_t attrs_off, uint64_t nattr)
{
	unsigned char h[104];
	uint64_t bits = 0;

	for (int i = 0; i < NFEAT; i++)
		bits |= 1ULL << features[i];
	memset(h, 0, sizeof(h));
	memcpy(h, "PERFILE2", 8);
	put_le(h + 8, 104, 8);
	put_le(h + 16, ATTR_SIZE + 16, 8);
	put_le(h + 24, attrs_off, 8);
	put_le(h + 32, nattr * (ATTR_SIZE + 16), 8);
	put_le(h + 40, g->data_off, 8);
	put_le(h + 48, g->data_size, 8);
	put_le(h + 72, bits, 8);
	if (fseek(g->f, 0, SEEK_SET))
		pw_die(PROG, 1, "cannot seek in '%s': %s", g->o.out, strerror(errno));
	fwrite_all(g, h, sizeof(h));
}

void write_prologue(struct gen *g)
{
	uint64_t off = 104, attrs_off, nattr = nr_on(g);
	unsigned char a[ATTR_SIZE];
	uint64_t id = 100;

	for (int e = 0; e < NR_EV; e++)
		if (g->ev[e].on) {
			g->ev[e].first_id = id;
			id += g->ncpu;
		}
	write_header(g, 0, 0);
	for (int e = 0; e < NR_EV; e++)	// ids, per event and CPU
		if (g->ev[e].on)
			for (int c = 0; c < g->ncpu; c++)
				out_u64(g, g->ev[e].first_id + c);
	attrs_off = off + nattr * g->ncpu * 8;
	for (int e = 0; e < NR_EV; e++) {
		if (!g->ev[e].on)
			continue;
		attr_bytes(a, g->ev[e].id);
		out_bytes(g, a, ATTR_SIZE);
		out_u64(g, off);			// ids section
		out_u64(g, (uint64_t)g->ncpu * 8);
		off += (uint64_t)g->ncpu * 8;
	}
	g->data_off = attrs_off + nattr * (ATTR_SIZE + 16);
	// COMM of every task (time 0, as perf record synthesizes them), with a
	// sample_id_all trailer: TID, TIME, CPU, IDENTIFIER
	for (int i = 0; i < g->ntask; i++) {
		const struct task *T = &g->t[i];
		size_t n = strlen(T->comm) + 1, pad = (n + 7) / 8 * 8;
		unsigned char rec[8 + 8 + 24 + 32];

		memset(rec, 0, sizeof(rec));
		put_le(rec, 3, 4);				// PERF_RECORD_COMM
		put_le(rec + 6, 8 + 8 + pad + 32, 2);
		put_le(rec + 8, T->pid, 4);
		put_le(rec + 12, T->tid, 4);
		memcpy(rec + 16, T->comm, n - 1);
		put_le(rec + 16 + pad, T->pid, 4);
		put_le(rec + 20 + pad, T->tid, 4);
		put_le(rec + 40 + pad, g->ev[EV_SWITCH].first_id, 8);
		out_bytes(g, rec, 8 + 8 + pad + 32);
	}
}

void write_epilogue(struct gen *g)
{
	struct sb body = { 0 }, idx = { 0 };
	uint64_t attrs_off = 104 + (uint64_t)nr_on(g) * g->ncpu * 8;
	uint64_t feat_off;

	out_flush(g);
	g->data_size = (uint64_t)ftello(g->f) - g->data_off;
	feat_off = g->data_off + g->data_size;
	for (int i = 0; i < NFEAT; i++) {
		size_t at = body.len;

		feature(g, features[i], &body);
		sb_u64(&idx, feat_off + NFEAT * 16 + at);
		sb_u64(&idx, body.len - at);
	}
	fwrite_all(g, idx.p, idx.len);
	fwrite_all(g, body.p, body.len);
	free(idx.p);
	free(body.p);
	write_header(g, attrs_off, nr_on(g));
	if (fclose(g->f)) {
		pw_die(PROG, 1, "cannot write '%s': %s", g->o.out, strerror(errno));
	}
	g->f = NULL;
}

